/* people.h -- the team: people, their teams and reporting lines.
 *
 * A person has a manager (or none, at the top), a team (or none), a start
 * date and a status (active, leaving, left). Reporting lines form a forest:
 * every write that changes a manager is checked for cycles inside the
 * transaction that makes it. Visibility of people follows the tree (see
 * auth/principal.h).
 */
#ifndef REINS_PEOPLE_PEOPLE_H
#define REINS_PEOPLE_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/principal.h"
#include "core/err.h"
#include "core/mem.h"

struct store;

#define PERSON_NAME_MAX 200
#define PERSON_TITLE_MAX 200
#define TEAM_NAME_MAX 100
/* Key for store_lock: writers of reporting lines take it. */
#define PEOPLE_LOCK_KEY 7315101

struct person {
    int64_t id;
    const char *name, *email, *title;
    int64_t manager_id, team_id; /* 0 for none */
    const char *team;            /* team name, NULL for none */
    const char *start_date;      /* YYYY-MM-DD */
    const char *status;          /* "active", "leaving" or "left" */
    int depth;                   /* in a subtree listing: 1 for direct reports */
};

/* The fields of a create or an update: NULL / has_* 0 means "not given". */
struct person_fields {
    const char *name, *email, *title, *start_date, *status;
    int has_manager, has_team;
    int64_t manager_id, team_id; /* 0 with has_* set means "none" */
};

/* Check field values (not references to other rows). `creating` requires
 * name, email and start_date. Errors name the field. */
int person_fields_check(const struct person_fields *f, int creating, struct err *e);
int person_status_valid(const char *s);

/* A JSON object for the person (a new reference). */
json_t *person_to_json(const struct person *p);

/* Reporting lines as an array of parent indexes (-1 for none): the index of
 * a node on a cycle, or -1 when there is none. Pure; O(n). */
long people_find_cycle(size_t n, const long *parent);

/* Storage. Strings of returned people live in `arena`. */
int people_get(struct store *db, int64_t id, struct arena *arena, struct person *out,
               struct err *e);

struct people_filter {
    const char *status;          /* NULL for any */
    int64_t team_id, manager_id; /* 0 for any */
};
/* The people `who` may see, sorted by name, filtered. */
int people_list(struct store *db, const struct principal *who, const struct people_filter *f,
                struct arena *arena, struct person **out, size_t *n, struct err *e);
/* Everyone below `id`, at any depth, with depth set; sorted by depth, name. */
int people_subtree(struct store *db, int64_t id, struct arena *arena, struct person **out,
                   size_t *n, struct err *e);

/* Create a person (in its own transaction). */
int people_create(struct store *db, const struct person_fields *f, int64_t *id_out, struct err *e);
/* Change the given fields (in its own transaction); a manager that would
 * make a cycle is refused with REINS_EINVAL naming manager_id. */
int people_update(struct store *db, int64_t id, const struct person_fields *f, struct err *e);

/* Teams. */
int teams_create(struct store *db, const char *name, int64_t *id_out, struct err *e);
/* The id of the team called `name`, creating it if needed (inside the caller's transaction). */
int teams_ensure(struct store *db, const char *name, int64_t *id_out, struct err *e);
/* {"teams":[{"id","name","members"}]} */
int teams_list_json(struct store *db, json_t **out, struct err *e);

/* CSV import and export (columns in docs/api.md). */
struct import_problem {
    size_t line;
    const char *field; /* static string, or NULL */
    char message[240];
};
struct import_result {
    int created, updated;
    int unchanged; /* already as the file has it: nothing written (imports that tell) */
    struct import_problem *problems; /* owned; free with import_result_release */
    size_t nproblems;
};
/* Import people from CSV text, all or nothing: when any line is bad, nothing
 * is written, every bad line is listed in out->problems (up to 1000) and
 * REINS_EINVAL is returned. `source` names the input in messages. */
int people_import_csv(struct store *db, const char *data, size_t len, const char *source,
                      struct import_result *out, struct err *e);
void import_result_release(struct import_result *r);
/* Add a bad line to an import's result. Only the first 1000 are kept; the import
 * fails all the same. Every CSV import reports its bad lines through this. */
void import_problem_add(struct import_result *r, size_t line, const char *field, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));
/* The CSV text of an import, parsed under `lim`: 1 with *doc holding at least the header
 * row, or 0 with the file's fault (malformed, too big, empty) added to `r` at its line and
 * *doc NULL. Every CSV import starts with this. */
struct csv_limits;
struct csv_doc;
int import_csv_parse(const char *data, size_t len, const struct csv_limits *lim,
                     struct csv_doc **doc, struct import_result *r);
/* Every person as CSV, in the import format, from one consistent snapshot. */
int people_export_csv(struct store *db, struct sb *out, struct err *e);

#endif
