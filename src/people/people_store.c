/* people_store.c -- people and teams in the database. */
#include "people/people.h"

#include <string.h>
#include <time.h>

#include "core/text.h"
#include "store/store.h"

#define PERSON_COLUMNS                                                                             \
    "p.id, p.name, p.email, p.title, COALESCE(p.manager_id, 0), COALESCE(p.team_id, 0), t.name,"   \
    " p.start_date, p.status"
#define PERSON_FROM " FROM people p LEFT JOIN teams t ON t.id = p.team_id"

static const char SQL_GET[] = "SELECT " PERSON_COLUMNS PERSON_FROM " WHERE p.id = $1";
/* $1: a manager whose subtree bounds the list (0: everyone); $2: only this
 * person (0: no such limit); $3..$5 the filters. */
static const char SQL_LIST[] = "WITH RECURSIVE sub(id) AS (SELECT CAST($1 AS BIGINT)"
                               " UNION SELECT p.id FROM people p JOIN sub ON p.manager_id = sub.id)"
                               " SELECT " PERSON_COLUMNS PERSON_FROM
                               " WHERE (CAST($1 AS BIGINT) = 0 OR p.id IN (SELECT id FROM sub))"
                               " AND (CAST($2 AS BIGINT) = 0 OR p.id = $2)"
                               " AND (CAST($3 AS TEXT) IS NULL OR p.status = $3)"
                               " AND (CAST($4 AS BIGINT) = 0 OR p.team_id = $4)"
                               " AND (CAST($5 AS BIGINT) = 0 OR p.manager_id = $5)"
                               " ORDER BY p.name, p.id";
/* The depth bound stops the walk even if bad data held a cycle. */
static const char SQL_SUBTREE[] =
    "WITH RECURSIVE sub(id, depth) AS ("
    " SELECT id, 1 FROM people WHERE manager_id = $1"
    " UNION ALL SELECT p.id, sub.depth + 1 FROM people p JOIN sub ON p.manager_id = sub.id"
    " WHERE sub.depth < 1000)"
    " SELECT " PERSON_COLUMNS ", sub.depth" PERSON_FROM " JOIN sub ON sub.id = p.id"
    " ORDER BY sub.depth, p.name, p.id";
static const char SQL_INSERT[] =
    "INSERT INTO people (name, email, title, manager_id, team_id, start_date, status, created_at,"
    " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id";
static const char SQL_UPDATE[] =
    "UPDATE people SET name = COALESCE($2, name), email = COALESCE($3, email),"
    " title = COALESCE($4, title),"
    " manager_id = CASE WHEN $5 = 1 THEN $6 ELSE manager_id END,"
    " team_id = CASE WHEN $7 = 1 THEN $8 ELSE team_id END,"
    " start_date = COALESCE($9, start_date), status = COALESCE($10, status), updated_at = $11"
    " WHERE id = $1";
static const char SQL_EXISTS[] = "SELECT COUNT(*) FROM people WHERE id = $1";
static const char SQL_TEAM_EXISTS[] = "SELECT COUNT(*) FROM teams WHERE id = $1";
static const char SQL_TEAM_INSERT[] =
    "INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id";
/* Team names are one name whatever the case: "north" is the team "North". */
static const char SQL_TEAM_BY_NAME[] = "SELECT id FROM teams WHERE LOWER(name) = LOWER($1)";
static const char SQL_TEAMS[] = "SELECT t.id, t.name, (SELECT COUNT(*) FROM people p WHERE "
                                "p.team_id = t.id AND p.status <> 'left')"
                                " FROM teams t ORDER BY t.name";
/* Is $2 at or below $1? Then $1 may not report to $2. */
static const char SQL_BELOW[] =
    "WITH RECURSIVE up(id, manager_id) AS ("
    " SELECT id, manager_id FROM people WHERE id = $2"
    " UNION SELECT p.id, p.manager_id FROM people p JOIN up ON p.id = up.manager_id)"
    " SELECT COUNT(*) FROM up WHERE id = $1";

static void read_person(struct store_rows *r, struct arena *a, struct person *p)
{
    memset(p, 0, sizeof *p);
    p->id = store_int(r, 0);
    p->name = arena_strdup(a, store_text(r, 1));
    p->email = arena_strdup(a, store_text(r, 2));
    p->title = arena_strdup(a, store_text(r, 3));
    p->manager_id = store_int(r, 4);
    p->team_id = store_int(r, 5);
    p->team = arena_strdup(a, store_text(r, 6));
    p->start_date = arena_strdup(a, store_text(r, 7));
    p->status = arena_strdup(a, store_text(r, 8));
    if (store_ncols(r) > 9) p->depth = (int)store_int(r, 9);
}

static int read_people(struct store *db, const char *sql, const struct store_val *params, int n,
                       struct arena *a, struct person **out, size_t *count, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, sql, params, n, &r, e);
    if (rc < 0) return rc;
    size_t cap = 0, len = 0;
    struct person *v = arena_grow(a, NULL, sizeof *v, 0, &cap);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(a, v, sizeof *v, len, &cap);
        read_person(r, a, &v[len++]);
    }
    store_rows_free(r);
    *out = v;
    *count = len;
    return rc;
}

int people_get(struct store *db, int64_t id, struct arena *arena, struct person *out, struct err *e)
{
    struct person *v;
    size_t n;
    int rc = read_people(db, SQL_GET, PARAMS(SV_INT(id)), arena, &v, &n, e);
    if (rc < 0) return rc;
    if (!n) return err_set(e, REINS_ENOTFOUND, "no person with id %lld", (long long)id);
    *out = v[0];
    return 0;
}

int people_list(struct store *db, const struct principal *who, const struct people_filter *f,
                struct arena *arena, struct person **out, size_t *n, struct err *e)
{
    /* Fail closed: only an admin sees everyone, only a manager a subtree;
     * anyone else (a seller, or a role this code does not know) sees self. */
    int64_t root = 0, only = 0;
    if (who->role == ROLE_MANAGER)
        root = who->person_id;
    else if (who->role != ROLE_ADMIN)
        only = who->person_id;
    if (who->role != ROLE_ADMIN && !who->person_id) {
        *out = NULL;
        *n = 0;
        return 0;
    }
    return read_people(db, SQL_LIST,
                       PARAMS(SV_INT(root), SV_INT(only), SV_TEXT(f->status), SV_INT(f->team_id),
                              SV_INT(f->manager_id)),
                       arena, out, n, e);
}

int people_subtree(struct store *db, int64_t id, struct arena *arena, struct person **out,
                   size_t *n, struct err *e)
{
    return read_people(db, SQL_SUBTREE, PARAMS(SV_INT(id)), arena, out, n, e);
}

static int check_refs(struct store *db, int64_t self, const struct person_fields *f, struct err *e)
{
    int64_t n = 0;
    int rc;
    if (f->has_manager && f->manager_id) {
        if (f->manager_id == self)
            return err_field(e, REINS_EINVAL, "manager_id",
                             "field manager_id: a person cannot report to themself");
        if ((rc = store_int_query(db, SQL_EXISTS, PARAMS(SV_INT(f->manager_id)), &n, e)) < 0)
            return rc;
        if (!n)
            return err_field(e, REINS_EINVAL, "manager_id",
                             "field manager_id: no person with id %lld", (long long)f->manager_id);
        if (self) {
            if ((rc = store_int_query(db, SQL_BELOW, PARAMS(SV_INT(self), SV_INT(f->manager_id)),
                                      &n, e)) < 0)
                return rc;
            if (n)
                return err_field(e, REINS_EINVAL, "manager_id",
                                 "field manager_id: person %lld reports to person %lld already, "
                                 "directly or not: that would be a cycle in reporting lines",
                                 (long long)f->manager_id, (long long)self);
        }
    }
    if (f->has_team && f->team_id) {
        if ((rc = store_int_query(db, SQL_TEAM_EXISTS, PARAMS(SV_INT(f->team_id)), &n, e)) < 0)
            return rc;
        if (!n)
            return err_field(e, REINS_EINVAL, "team_id", "field team_id: no team with id %lld",
                             (long long)f->team_id);
    }
    return 0;
}

static int conflict_email(const char *email, struct err *e)
{
    return err_field(e, REINS_ECONFLICT, "email", "field email: %s is someone else's already",
                     email);
}

int people_create(struct store *db, const struct person_fields *f, int64_t *id_out, struct err *e)
{
    int rc = person_fields_check(f, 1, e);
    if (rc < 0) return rc;
    char email[EMAIL_MAX + 1];
    email_normalize(email, f->email, "email", NULL);
    if ((rc = store_begin(db, e)) < 0) return rc;
    if ((rc = check_refs(db, 0, f, e)) < 0) goto fail;
    rc = store_int_query(db, SQL_INSERT,
                         PARAMS(SV_TEXT(f->name), SV_TEXT(email), SV_TEXT(f->title ? f->title : ""),
                                SV_ID(f->has_manager ? f->manager_id : 0),
                                SV_ID(f->has_team ? f->team_id : 0), SV_TEXT(f->start_date),
                                SV_TEXT(f->status ? f->status : "active"), SV_INT(time(NULL))),
                         id_out, e);
    if (rc == REINS_ECONFLICT) rc = conflict_email(email, e);
    if (rc < 0) goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}

int people_update(struct store *db, int64_t id, const struct person_fields *f, struct err *e)
{
    int rc = person_fields_check(f, 0, e);
    if (rc < 0) return rc;
    char email[EMAIL_MAX + 1];
    if (f->email) email_normalize(email, f->email, "email", NULL);
    if ((rc = store_begin(db, e)) < 0) return rc;
    /* Two concurrent moves could each pass the cycle check alone. */
    if (f->has_manager && (rc = store_lock(db, PEOPLE_LOCK_KEY, e)) < 0) goto fail;
    if ((rc = check_refs(db, id, f, e)) < 0) goto fail;
    int64_t changed = 0;
    rc = store_run(db, SQL_UPDATE,
                   PARAMS(SV_INT(id), SV_TEXT(f->name), SV_TEXT(f->email ? email : NULL),
                          SV_TEXT(f->title), SV_INT(f->has_manager), SV_ID(f->manager_id),
                          SV_INT(f->has_team), SV_ID(f->team_id), SV_TEXT(f->start_date),
                          SV_TEXT(f->status), SV_INT(time(NULL))),
                   &changed, e);
    if (rc == REINS_ECONFLICT) rc = conflict_email(email, e);
    if (rc < 0) goto fail;
    if (!changed) {
        rc = err_set(e, REINS_ENOTFOUND, "no person with id %lld", (long long)id);
        goto fail;
    }
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}

int teams_ensure(struct store *db, const char *name, int64_t *id_out, struct err *e)
{
    int rc = store_int_query(db, SQL_TEAM_BY_NAME, PARAMS(SV_TEXT(name)), id_out, e);
    if (rc != REINS_ENOTFOUND) return rc;
    return store_int_query(db, SQL_TEAM_INSERT, PARAMS(SV_TEXT(name), SV_INT(time(NULL))), id_out,
                           e);
}

int teams_create(struct store *db, const char *name, int64_t *id_out, struct err *e)
{
    int rc = text_check(name, TEAM_NAME_MAX, "name", e);
    if (rc < 0) return rc;
    int64_t existing;
    rc = store_int_query(db, SQL_TEAM_BY_NAME, PARAMS(SV_TEXT(name)), &existing, e);
    if (rc == 0) rc = REINS_ECONFLICT;
    if (rc == REINS_ENOTFOUND)
        rc = store_int_query(db, SQL_TEAM_INSERT, PARAMS(SV_TEXT(name), SV_INT(time(NULL))), id_out,
                             e);
    if (rc == REINS_ECONFLICT)
        return err_field(e, rc, "name", "field name: a team called '%s' exists already", name);
    return rc;
}

int teams_list_json(struct store *db, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_TEAMS, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    json_t *teams = json_array();
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(teams, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)store_int(r, 0),
                                               "name", store_text(r, 1), "members",
                                               (json_int_t)store_int(r, 2)));
    store_rows_free(r);
    if (rc < 0) {
        json_decref(teams);
        return rc;
    }
    *out = json_pack("{s:o}", "teams", teams);
    return 0;
}
