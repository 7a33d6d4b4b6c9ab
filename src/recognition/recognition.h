/* recognition.h -- kudos tied to the company's values, and who has gone unrecognised.
 *
 * Anyone with a person gives kudos to anyone active but themself, tied to one
 * of the company values (admins edit the values). A kudos is visible to its
 * giver, its receiver, anyone who may see the receiver (an admin, the
 * receiver's managers up the tree: see auth/principal.h) and everyone on the
 * receiver's team. A manager sees who below them has not been recognised in
 * a while (the "gaps"). The rules live in recognition.c (no I/O), storage in
 * recognition_store.c, the routes in recognition_api.c (docs/api.md).
 */
#ifndef REINS_RECOGNITION_RECOGNITION_H
#define REINS_RECOGNITION_RECOGNITION_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/principal.h"
#include "core/err.h"
#include "core/mem.h"

struct store;

#define VALUE_NAME_MAX 100
#define VALUE_DESCRIPTION_MAX 500
#define VALUE_POSITION_MAX 1000000
/* In characters (Unicode code points), not bytes. */
#define KUDOS_MESSAGE_MAX 1000
#define KUDOS_LIMIT_DEFAULT 50
#define KUDOS_LIMIT_MAX 500
#define GAPS_DAYS_DEFAULT 60
#define GAPS_DAYS_MAX 3650

/* ---- company values ------------------------------------------------------------------------ */

struct company_value {
    int64_t id;
    const char *name, *description;
    int64_t position;
    int archived;
};

/* The fields of a create or an update: NULL / has_* 0 means "not given". */
struct value_fields {
    const char *name, *description;
    int has_position, has_archived;
    int64_t position; /* 0..VALUE_POSITION_MAX */
    int archived;
};

/* Check field values. `creating` requires a name. Errors name the field. */
int value_fields_check(const struct value_fields *f, int creating, struct err *e);
/* {"id","name","description","position","archived"} (a new reference). */
json_t *value_to_json(const struct company_value *v);

/* Storage. Strings of returned values live in `arena`. Sorted by position, name. */
int values_list(struct store *db, int include_archived, struct arena *arena,
                struct company_value **out, size_t *n, struct err *e);
/* REINS_ENOTFOUND when there is no value `id`. */
int values_get(struct store *db, int64_t id, struct arena *arena, struct company_value *out,
               struct err *e);
/* Create a value; without a position it goes after the last one. A name
 * taken already is REINS_ECONFLICT naming `name`. */
int values_create(struct store *db, const struct value_fields *f, int64_t *id_out, struct err *e);
/* Change the given fields; REINS_ENOTFOUND for an unknown id, REINS_ECONFLICT
 * for a name taken by another value. */
int values_update(struct store *db, int64_t id, const struct value_fields *f, struct err *e);

/* ---- the directory: whom one may recognise ------------------------------------------------- */

struct directory_entry {
    int64_t id;
    const char *name, *title;
    const char *team; /* NULL for none */
};

/* Every person whose status is not 'left', sorted by name (no emails, no
 * dates: everyone logged in may read it). Strings live in `arena`. */
int recognition_directory(struct store *db, struct arena *arena, struct directory_entry **out,
                          size_t *n, struct err *e);
json_t *directory_entry_to_json(const struct directory_entry *d);

/* ---- kudos --------------------------------------------------------------------------------- */

struct kudos {
    int64_t id;
    int64_t from_id, to_id, value_id;
    const char *from_name, *to_name, *value_name, *message;
    int64_t created_at; /* seconds since the epoch */
};

/* A message of 1 to KUDOS_MESSAGE_MAX characters that passes text_check
 * (valid UTF-8 is assumed: jansson guarantees it for request bodies). */
int kudos_message_check(const char *message, struct err *e);
/* The number of code points of a UTF-8 string. */
size_t utf8_length(const char *s);
/* {"id","from":{"id","name"},"to":{"id","name"},"value":{"id","name"},"message","created_at"} */
json_t *kudos_to_json(const struct kudos *k);

/* Record kudos from `from_id` (the caller's person) to `to_id` at `now`.
 * Refused with REINS_EINVAL naming the field: to_id when the receiver is
 * the giver, unknown or has left; value_id when the value is unknown or
 * archived; message per kudos_message_check. A `from_id` of 0 (an account
 * without a person) is REINS_EFORBIDDEN. */
int kudos_give(struct store *db, int64_t from_id, int64_t to_id, int64_t value_id,
               const char *message, int64_t now, int64_t *id_out, struct err *e);
/* One kudos, with no visibility check (the caller does it). */
int kudos_get(struct store *db, int64_t id, struct arena *arena, struct kudos *out, struct err *e);

/* The kudos `who` may see (see the top of this file), newest first, at most
 * `limit`; with `person_id` non-zero only those given to or by that person.
 * One query: the visibility filter runs in the database. */
int kudos_list(struct store *db, const struct principal *who, int64_t person_id, int limit,
               struct arena *arena, struct kudos **out, size_t *n, struct err *e);

/* ---- gaps ---------------------------------------------------------------------------------- */

struct recognition_gap {
    int64_t id;
    const char *name;
    int64_t last_recognised_at; /* 0 when never */
};

/* The people strictly below `who` (an admin: everyone but themself; a
 * seller: nobody), not 'left', who received no kudos in the `days` days
 * before `now`: never recognised first, then the longest unrecognised.
 * `days` is checked against 1..GAPS_DAYS_MAX (REINS_EINVAL naming "days"). */
int recognition_gaps(struct store *db, const struct principal *who, int days, int64_t now,
                     struct arena *arena, struct recognition_gap **out, size_t *n, struct err *e);
json_t *recognition_gap_to_json(const struct recognition_gap *g);

/* ---- demo ---------------------------------------------------------------------------------- */

/* Give the people already in `db` a believable history of kudos over the
 * ~6 months before `as_of_days` (days since 1970-01-01): mostly managers to
 * their reports and teammates to each other, some across teams, each a short
 * message tied to a non-archived value; nobody before their start date. A
 * few people get nothing in the last 60+ days, so the gaps list is not
 * empty. The same for the same seed and data. Writes in the caller's
 * transaction (it opens none): call it inside demo_fill's. Does nothing
 * when there are fewer than two people or no values. */
int recognition_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e);

#endif
