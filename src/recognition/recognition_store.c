/* recognition_store.c -- company values, kudos and recognition gaps in the database. */
#include "recognition/recognition.h"

#include <string.h>

#include "store/store.h"

/* ---- SQL ----------------------------------------------------------------------------------- */

#define VALUE_COLUMNS "id, name, description, position, archived"
static const char SQL_VALUES[] = "SELECT " VALUE_COLUMNS " FROM company_values"
                                 " WHERE (CAST($1 AS BIGINT) = 1 OR archived = 0)"
                                 " ORDER BY position, name, id";
static const char SQL_VALUE_GET[] = "SELECT " VALUE_COLUMNS " FROM company_values WHERE id = $1";
static const char SQL_VALUE_NEXT_POSITION[] =
    "SELECT COALESCE(MAX(position), 0) + 1 FROM company_values";
static const char SQL_VALUE_INSERT[] =
    "INSERT INTO company_values (name, description, position, archived) VALUES ($1, $2, $3, 0)"
    " RETURNING id";
static const char SQL_VALUE_UPDATE[] =
    "UPDATE company_values SET name = COALESCE($2, name),"
    " description = COALESCE($3, description),"
    " position = CASE WHEN $4 = 1 THEN $5 ELSE position END,"
    " archived = CASE WHEN $6 = 1 THEN $7 ELSE archived END WHERE id = $1";

static const char SQL_DIRECTORY[] = "SELECT p.id, p.name, p.title, t.name"
                                    " FROM people p LEFT JOIN teams t ON t.id = p.team_id"
                                    " WHERE p.status <> 'left' ORDER BY p.name, p.id";

static const char SQL_PERSON_STATUS[] = "SELECT status FROM people WHERE id = $1";
static const char SQL_KUDOS_INSERT[] =
    "INSERT INTO kudos (from_id, to_id, value_id, message, created_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";

#define KUDOS_COLUMNS                                                                              \
    "k.id, k.from_id, f.name, k.to_id, r.name, k.value_id, v.name, k.message, k.created_at"
#define KUDOS_FROM                                                                                 \
    " FROM kudos k JOIN people f ON f.id = k.from_id JOIN people r ON r.id = k.to_id"              \
    " JOIN company_values v ON v.id = k.value_id"
static const char SQL_KUDOS_GET[] = "SELECT " KUDOS_COLUMNS KUDOS_FROM " WHERE k.id = $1";
/* The kudos a caller may see, in one statement.
 * $1: 1 for an admin (sees all); $2: the caller's person (0 for none);
 * $3: the root of the caller's subtree (their person when a manager, else 0:
 *     like access_can_see_person, only managers see below themselves);
 * $4: only kudos given to or by this person (0: any); $5: the limit.
 * Visible: given or received by the caller, received by someone below the
 * caller, or received by someone on the caller's team (same non-null team).
 * UNION (not UNION ALL) ends the walk even if bad data ever held a cycle. */
static const char SQL_KUDOS_LIST[] =
    "WITH RECURSIVE sub(id) AS ("
    " SELECT id FROM people WHERE manager_id = CAST($3 AS BIGINT)"
    " UNION SELECT p.id FROM people p JOIN sub ON p.manager_id = sub.id)"
    " SELECT " KUDOS_COLUMNS KUDOS_FROM " WHERE (CAST($1 AS BIGINT) = 1"
    " OR k.from_id = CAST($2 AS BIGINT) OR k.to_id = CAST($2 AS BIGINT)"
    " OR k.to_id IN (SELECT id FROM sub)"
    " OR (r.team_id IS NOT NULL AND r.team_id = (SELECT team_id FROM people WHERE id = $2)))"
    " AND (CAST($4 AS BIGINT) = 0 OR k.from_id = $4 OR k.to_id = $4)"
    " ORDER BY k.created_at DESC, k.id DESC LIMIT $5";

/* The people a caller's gaps cover, with their last kudos received.
 * $1: 1 for an admin (everyone); $2: the root whose subtree counts (0: none);
 * $3: the caller's person, never listed; $4: the cutoff (now - days). */
static const char SQL_GAPS[] =
    "WITH RECURSIVE sub(id) AS ("
    " SELECT id FROM people WHERE manager_id = CAST($2 AS BIGINT)"
    " UNION SELECT p.id FROM people p JOIN sub ON p.manager_id = sub.id)"
    " SELECT g.id, g.name, g.last_at FROM ("
    " SELECT p.id, p.name,"
    " (SELECT MAX(k.created_at) FROM kudos k WHERE k.to_id = p.id) AS last_at"
    " FROM people p WHERE p.status <> 'left' AND p.id <> CAST($3 AS BIGINT)"
    " AND (CAST($1 AS BIGINT) = 1 OR p.id IN (SELECT id FROM sub))) g"
    " WHERE g.last_at IS NULL OR g.last_at < CAST($4 AS BIGINT)"
    " ORDER BY CASE WHEN g.last_at IS NULL THEN 0 ELSE 1 END, g.last_at, g.name, g.id";

/* ---- values -------------------------------------------------------------------------------- */

static void read_value(struct store_rows *r, struct arena *a, struct company_value *v)
{
    memset(v, 0, sizeof *v);
    v->id = store_int(r, 0);
    v->name = arena_strdup(a, store_text(r, 1));
    v->description = arena_strdup(a, store_text(r, 2));
    v->position = store_int(r, 3);
    v->archived = store_int(r, 4) != 0;
}

/* Grow an arena array of `size`-byte elements when it is full. */

int values_list(struct store *db, int include_archived, struct arena *arena,
                struct company_value **out, size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_VALUES, PARAMS(SV_INT(include_archived ? 1 : 0)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 8, len = 0;
    struct company_value *v = arena_alloc(arena, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(arena, v, sizeof *v, len, &cap);
        read_value(r, arena, &v[len++]);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

int values_get(struct store *db, int64_t id, struct arena *arena, struct company_value *out,
               struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_VALUE_GET, PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc > 0) read_value(r, arena, out);
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!rc) return err_set(e, REINS_ENOTFOUND, "no value with id %lld", (long long)id);
    return 0;
}

static int conflict_name(const char *name, struct err *e)
{
    return err_field(e, REINS_ECONFLICT, "name", "field name: a value called '%s' exists already",
                     name);
}

int values_create(struct store *db, const struct value_fields *f, int64_t *id_out, struct err *e)
{
    int rc = value_fields_check(f, 1, e);
    if (rc < 0) return rc;
    if ((rc = store_begin(db, e)) < 0) return rc;
    int64_t position = f->position;
    if (!f->has_position &&
        (rc = store_int_query(db, SQL_VALUE_NEXT_POSITION, NO_PARAMS, &position, e)) < 0)
        goto fail;
    rc = store_int_query(
        db, SQL_VALUE_INSERT,
        PARAMS(SV_TEXT(f->name), SV_TEXT(f->description ? f->description : ""), SV_INT(position)),
        id_out, e);
    if (rc == REINS_ECONFLICT) rc = conflict_name(f->name, e);
    if (rc < 0) goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}

int values_update(struct store *db, int64_t id, const struct value_fields *f, struct err *e)
{
    int rc = value_fields_check(f, 0, e);
    if (rc < 0) return rc;
    int64_t changed = 0;
    rc = store_run(db, SQL_VALUE_UPDATE,
                   PARAMS(SV_INT(id), SV_TEXT(f->name), SV_TEXT(f->description),
                          SV_INT(f->has_position), SV_INT(f->position), SV_INT(f->has_archived),
                          SV_INT(f->archived ? 1 : 0)),
                   &changed, e);
    if (rc == REINS_ECONFLICT) return conflict_name(f->name, e);
    if (rc < 0) return rc;
    if (!changed) return err_set(e, REINS_ENOTFOUND, "no value with id %lld", (long long)id);
    return 0;
}

/* ---- directory ----------------------------------------------------------------------------- */

int recognition_directory(struct store *db, struct arena *arena, struct directory_entry **out,
                          size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_DIRECTORY, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    size_t cap = 32, len = 0;
    struct directory_entry *v = arena_alloc(arena, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(arena, v, sizeof *v, len, &cap);
        struct directory_entry *d = &v[len++];
        d->id = store_int(r, 0);
        d->name = arena_strdup(arena, store_text(r, 1));
        d->title = arena_strdup(arena, store_text(r, 2));
        d->team = arena_strdup(arena, store_text(r, 3));
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

/* ---- kudos --------------------------------------------------------------------------------- */

static void read_kudos(struct store_rows *r, struct arena *a, struct kudos *k)
{
    memset(k, 0, sizeof *k);
    k->id = store_int(r, 0);
    k->from_id = store_int(r, 1);
    k->from_name = arena_strdup(a, store_text(r, 2));
    k->to_id = store_int(r, 3);
    k->to_name = arena_strdup(a, store_text(r, 4));
    k->value_id = store_int(r, 5);
    k->value_name = arena_strdup(a, store_text(r, 6));
    k->message = arena_strdup(a, store_text(r, 7));
    k->created_at = store_int(r, 8);
}

static int read_kudos_rows(struct store *db, const char *sql, const struct store_val *params,
                           int nparams, struct arena *a, struct kudos **out, size_t *n,
                           struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, sql, params, nparams, &r, e);
    if (rc < 0) return rc;
    size_t cap = 16, len = 0;
    struct kudos *v = arena_alloc(a, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(a, v, sizeof *v, len, &cap);
        read_kudos(r, a, &v[len++]);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

/* The receiver and the value must be fit for kudos; checked inside the
 * transaction that inserts, so a concurrent archive or departure is seen. */
static int check_kudos_refs(struct store *db, int64_t from_id, int64_t to_id, int64_t value_id,
                            struct err *e)
{
    if (to_id == from_id)
        return err_field(e, REINS_EINVAL, "to_id",
                         "field to_id: kudos go to someone else, not to yourself");
    struct store_rows *r;
    int rc = store_query(db, SQL_PERSON_STATUS, PARAMS(SV_INT(to_id)), &r, e);
    if (rc < 0) return rc;
    int left = 0;
    if ((rc = store_next(r, e)) > 0) left = !strcmp(store_text(r, 0), "left");
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!rc)
        return err_field(e, REINS_EINVAL, "to_id", "field to_id: no person with id %lld",
                         (long long)to_id);
    if (left)
        return err_field(e, REINS_EINVAL, "to_id",
                         "field to_id: person %lld has left; kudos go to people still here",
                         (long long)to_id);
    struct arena a = ARENA_INIT;
    struct company_value v;
    rc = values_get(db, value_id, &a, &v, e);
    int archived = rc == 0 && v.archived;
    arena_release(&a);
    if (rc == REINS_ENOTFOUND)
        return err_field(e, REINS_EINVAL, "value_id", "field value_id: no value with id %lld",
                         (long long)value_id);
    if (rc < 0) return rc;
    if (archived)
        return err_field(e, REINS_EINVAL, "value_id",
                         "field value_id: value %lld is archived; choose a current value",
                         (long long)value_id);
    return 0;
}

int kudos_give(struct store *db, int64_t from_id, int64_t to_id, int64_t value_id,
               const char *message, int64_t now, int64_t *id_out, struct err *e)
{
    if (from_id <= 0)
        return err_set(e, REINS_EFORBIDDEN,
                       "your account is not linked to a person: only a person can give kudos");
    if (to_id <= 0) return err_field(e, REINS_EINVAL, "to_id", "field to_id: required");
    if (value_id <= 0) return err_field(e, REINS_EINVAL, "value_id", "field value_id: required");
    int rc = kudos_message_check(message, e);
    if (rc < 0) return rc;
    if ((rc = store_begin(db, e)) < 0) return rc;
    if ((rc = check_kudos_refs(db, from_id, to_id, value_id, e)) < 0) goto fail;
    rc = store_int_query(
        db, SQL_KUDOS_INSERT,
        PARAMS(SV_INT(from_id), SV_INT(to_id), SV_INT(value_id), SV_TEXT(message), SV_INT(now)),
        id_out, e);
    if (rc < 0) goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}

int kudos_get(struct store *db, int64_t id, struct arena *arena, struct kudos *out, struct err *e)
{
    struct kudos *v;
    size_t n;
    int rc = read_kudos_rows(db, SQL_KUDOS_GET, PARAMS(SV_INT(id)), arena, &v, &n, e);
    if (rc < 0) return rc;
    if (!n) return err_set(e, REINS_ENOTFOUND, "no kudos with id %lld", (long long)id);
    *out = v[0];
    return 0;
}

int kudos_list(struct store *db, const struct principal *who, int64_t person_id, int limit,
               struct arena *arena, struct kudos **out, size_t *n, struct err *e)
{
    /* Fail closed: only an admin sees all, only a manager below themself;
     * an account without a person (and not an admin) sees nothing. */
    if (limit < 1 || limit > KUDOS_LIMIT_MAX)
        return err_field(e, REINS_EINVAL, "limit", "query limit: must be from 1 to %d",
                         KUDOS_LIMIT_MAX);
    int admin = who->role == ROLE_ADMIN;
    if (!admin && who->person_id <= 0) {
        *out = NULL;
        *n = 0;
        return 0;
    }
    int64_t root = who->role == ROLE_MANAGER ? who->person_id : 0;
    return read_kudos_rows(db, SQL_KUDOS_LIST,
                           PARAMS(SV_INT(admin), SV_INT(who->person_id), SV_INT(root),
                                  SV_INT(person_id), SV_INT(limit)),
                           arena, out, n, e);
}

/* ---- gaps ---------------------------------------------------------------------------------- */

int recognition_gaps(struct store *db, const struct principal *who, int days, int64_t now,
                     struct arena *arena, struct recognition_gap **out, size_t *n, struct err *e)
{
    if (days < 1 || days > GAPS_DAYS_MAX)
        return err_field(e, REINS_EINVAL, "days", "query days: must be from 1 to %d",
                         GAPS_DAYS_MAX);
    int admin = who->role == ROLE_ADMIN;
    int64_t root = who->role == ROLE_MANAGER ? who->person_id : 0;
    *out = NULL;
    *n = 0;
    if (!admin && root <= 0) return 0; /* a seller has nobody below to watch */
    struct store_rows *r;
    int rc = store_query(db, SQL_GAPS,
                         PARAMS(SV_INT(admin), SV_INT(root), SV_INT(who->person_id),
                                SV_INT(now - (int64_t)days * 86400)),
                         &r, e);
    if (rc < 0) return rc;
    size_t cap = 16, len = 0;
    struct recognition_gap *v = arena_alloc(arena, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(arena, v, sizeof *v, len, &cap);
        v[len].id = store_int(r, 0);
        v[len].name = arena_strdup(arena, store_text(r, 1));
        v[len].last_recognised_at = store_isnull(r, 2) ? 0 : store_int(r, 2);
        len++;
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}
