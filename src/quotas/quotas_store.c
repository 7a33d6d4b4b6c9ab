/* quotas_store.c -- settings, quotas, ramps and the attainment loaders in the database. */
#include "quotas/quotas.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

/* ---- SQL ----------------------------------------------------------------------------------- */

static const char SQL_SETTINGS[] =
    "SELECT fiscal_start_month, currency, default_ramp FROM quota_settings WHERE id = 1";
static const char SQL_SETTINGS_SET[] =
    "UPDATE quota_settings SET fiscal_start_month = $1, currency = $2, default_ramp = $3,"
    " updated_at = $4 WHERE id = 1";
static const char SQL_FISCAL_QUOTAS[] =
    "SELECT COUNT(*) FROM quotas WHERE period_kind IN ('quarter', 'year')";

static const char SQL_PERSON_EXISTS[] = "SELECT COUNT(*) FROM people WHERE id = $1";
static const char SQL_TEAM_EXISTS[] = "SELECT COUNT(*) FROM teams WHERE id = $1";
#define QUOTA_SET_VALUES                                                                           \
    " (person_id, team_id, period_kind, period_key, period_start, period_end, amount_minor,"       \
    " currency, deal_count, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
#define QUOTA_SET_UPDATE                                                                           \
    " DO UPDATE SET amount_minor = excluded.amount_minor, currency = excluded.currency,"           \
    " deal_count = excluded.deal_count, updated_at = excluded.updated_at RETURNING id"
static const char SQL_QUOTA_SET_PERSON[] =
    "INSERT INTO quotas" QUOTA_SET_VALUES " ON CONFLICT (person_id, period_key)" QUOTA_SET_UPDATE;
static const char SQL_QUOTA_SET_TEAM[] =
    "INSERT INTO quotas" QUOTA_SET_VALUES " ON CONFLICT (team_id, period_key)" QUOTA_SET_UPDATE;
#define QUOTA_COLUMNS                                                                              \
    "q.id, q.person_id, q.team_id, COALESCE(p.name, t.name), q.period_key, q.amount_minor,"        \
    " q.currency, q.deal_count"
#define QUOTA_FROM                                                                                 \
    " FROM quotas q LEFT JOIN people p ON p.id = q.person_id LEFT JOIN teams t ON t.id = "         \
    "q.team_id"
static const char SQL_QUOTA_GET[] = "SELECT " QUOTA_COLUMNS QUOTA_FROM " WHERE q.id = $1";
static const char SQL_QUOTA_DELETE[] = "DELETE FROM quotas WHERE id = $1";

/* The subtree of $3 (themself included; 0: nobody), and the team rule of
 * quota_can_see_team: a team whose every current member is in it. */
#define SUBTREE_OF_3                                                                               \
    "WITH RECURSIVE sub(id) AS (SELECT id FROM people WHERE id = CAST($3 AS BIGINT)"               \
    " UNION SELECT p.id FROM people p JOIN sub ON p.manager_id = sub.id)"
#define TEAM_IN_SUB(team)                                                                          \
    "(EXISTS (SELECT 1 FROM people m WHERE m.team_id = " team " AND m.status <> 'left')"           \
    " AND NOT EXISTS (SELECT 1 FROM people m WHERE m.team_id = " team " AND m.status <> 'left'"    \
    " AND m.id NOT IN (SELECT id FROM sub)))"
/* $1: 1 for an admin; $2: the caller's person; $3: the manager root (0 unless a manager); $4: key
 */
static const char SQL_QUOTAS_LIST[] =
    SUBTREE_OF_3 " SELECT " QUOTA_COLUMNS QUOTA_FROM " WHERE q.period_key = $4"
                 " AND (CAST($1 AS BIGINT) = 1 OR q.person_id = CAST($2 AS BIGINT)"
                 " OR q.person_id IN (SELECT id FROM sub)"
                 " OR (q.team_id IS NOT NULL AND CAST($3 AS BIGINT) > 0 AND " TEAM_IN_SUB(
                     "q.team_id") "))"
                                  " ORDER BY CASE WHEN q.person_id IS NULL THEN 1 ELSE 0 END,"
                                  " COALESCE(p.name, t.name), q.id";
/* $1 unused (keeps the numbering of SUBTREE_OF_3), $2 the team, $3 the manager root */
static const char SQL_TEAM_VISIBLE[] =
    SUBTREE_OF_3 " SELECT CASE WHEN CAST($1 AS BIGINT) = 0 AND " TEAM_IN_SUB(
        "CAST($2 AS BIGINT)") " THEN 1 ELSE 0 END";

static const char SQL_RAMP_GET[] = "SELECT steps FROM person_ramps WHERE person_id = $1";
static const char SQL_RAMPS[] = "SELECT person_id, steps FROM person_ramps ORDER BY person_id";
static const char SQL_RAMP_SET[] =
    "INSERT INTO person_ramps (person_id, steps, updated_at) VALUES ($1, $2, $3)"
    " ON CONFLICT (person_id) DO UPDATE SET steps = excluded.steps,"
    " updated_at = excluded.updated_at";
static const char SQL_RAMP_CLEAR[] = "DELETE FROM person_ramps WHERE person_id = $1";

static const char SQL_WON[] = "SELECT owner_id, amount_minor, close_date, currency"
                              " FROM opportunities WHERE status = 'won'"
                              " AND close_date >= $1 AND close_date <= $2";

/* The people whose attainment is computed: id, name, start date, ramp override,
 * their quota for period $1 (NULLs when none), and depth. */
#define SUBJECT_COLUMNS                                                                            \
    " SELECT p.id, p.name, p.start_date, r.steps, q.amount_minor, q.currency, q.deal_count"
#define SUBJECT_FROM                                                                               \
    " FROM people p LEFT JOIN person_ramps r ON r.person_id = p.id"                                \
    " LEFT JOIN quotas q ON q.person_id = p.id AND q.period_key = $1"
static const char SQL_SUBJECT_PERSON[] =
    SUBJECT_COLUMNS ", 0" SUBJECT_FROM " WHERE p.id = CAST($2 AS BIGINT)";
static const char SQL_SUBJECT_TEAM[] =
    SUBJECT_COLUMNS ", 1" SUBJECT_FROM " WHERE p.team_id = CAST($2 AS BIGINT)"
                    " AND p.status <> 'left' ORDER BY p.name, p.id";
/* The depth bound ends the walk even if bad data ever held a cycle. */
static const char SQL_SUBJECT_TREE[] =
    "WITH RECURSIVE sub(id, depth) AS (SELECT id, 0 FROM people WHERE id = CAST($2 AS BIGINT)"
    " UNION SELECT p.id, sub.depth + 1 FROM people p JOIN sub ON p.manager_id = sub.id"
    " WHERE sub.depth < 64)" SUBJECT_COLUMNS ", s.depth" SUBJECT_FROM
    " JOIN sub s ON s.id = p.id WHERE p.status <> 'left' OR s.depth = 0"
    " ORDER BY s.depth, p.name, p.id";
static const char SQL_TEAM_QUOTA[] =
    "SELECT t.name, q.amount_minor, q.currency, q.deal_count FROM teams t"
    " LEFT JOIN quotas q ON q.team_id = t.id AND q.period_key = $1 WHERE t.id = $2";

/* ---- settings ------------------------------------------------------------------------------ */

int quota_settings_get(struct store *db, struct quota_settings *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->fiscal_start_month = 1;
    strcpy(out->currency, "USD");
    ramp_default(&out->ramp);
    struct store_rows *r;
    int rc = store_query(db, SQL_SETTINGS, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    if ((rc = store_next(r, e)) > 0) {
        out->fiscal_start_month = (int)store_int(r, 0);
        snprintf(out->currency, sizeof out->currency, "%s", store_text(r, 1));
        rc = ramp_parse(store_text(r, 2), "default_ramp", &out->ramp, e);
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

int quota_settings_set(struct store *db, const struct quota_settings *s, int64_t now, struct err *e)
{
    if (s->fiscal_start_month < 1 || s->fiscal_start_month > 12)
        return err_field(e, REINS_EINVAL, "fiscal_start_month",
                         "field fiscal_start_month: must be a month from 1 to 12");
    int rc = currency_check(s->currency, "currency", e);
    if (rc < 0) return rc;
    char steps[RAMP_STEPS_MAX * 6 + 1];
    ramp_format(&s->ramp, steps, sizeof steps);
    if ((rc = store_begin(db, e)) < 0) return rc;
    struct quota_settings old;
    int64_t fiscal = 0;
    if ((rc = quota_settings_get(db, &old, e)) < 0) goto fail;
    if (old.fiscal_start_month != s->fiscal_start_month) {
        if ((rc = store_int_query(db, SQL_FISCAL_QUOTAS, NO_PARAMS, &fiscal, e)) < 0) goto fail;
        if (fiscal) {
            rc = err_field(e, REINS_ECONFLICT, "fiscal_start_month",
                           "field fiscal_start_month: %lld quarter or year quotas are set under "
                           "the current fiscal year; delete them first, or their periods would "
                           "move",
                           (long long)fiscal);
            goto fail;
        }
    }
    rc = store_run(
        db, SQL_SETTINGS_SET,
        PARAMS(SV_INT(s->fiscal_start_month), SV_TEXT(s->currency), SV_TEXT(steps), SV_INT(now)),
        NULL, e);
    if (rc < 0) goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}

/* ---- quotas -------------------------------------------------------------------------------- */

int quota_fields_check(const struct quota_fields *f, struct err *e)
{
    if ((f->person_id > 0) == (f->team_id > 0)) {
        const char *field = f->person_id > 0 ? "team_id" : "person_id";
        return err_field(e, REINS_EINVAL, field,
                         "field %s: give exactly one of person_id (a seller's quota) and team_id "
                         "(a team's)",
                         field);
    }
    if (f->amount_minor < 0 || f->amount_minor > QUOTA_AMOUNT_MAX)
        return err_field(e, REINS_EINVAL, "amount_minor",
                         "field amount_minor: must be a whole number of minor units from 0 to %lld",
                         (long long)QUOTA_AMOUNT_MAX);
    if (f->deal_count < -1 || f->deal_count > QUOTA_DEALS_MAX)
        return err_field(e, REINS_EINVAL, "deal_count",
                         "field deal_count: must be a whole number from 0 to %d", QUOTA_DEALS_MAX);
    return currency_check(f->currency, "currency", e);
}

json_t *quota_to_json(const struct quota *q)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)q->id, "name",
                          q->subject_name ? q->subject_name : "", "period", q->period.key, "start",
                          q->period.start, "end", q->period.end, "amount_minor",
                          (json_int_t)q->amount_minor, "currency", q->currency);
    json_object_set_new(o, "person_id", q->person_id ? json_integer(q->person_id) : json_null());
    json_object_set_new(o, "team_id", q->team_id ? json_integer(q->team_id) : json_null());
    json_object_set_new(o, "deal_count",
                        q->deal_count >= 0 ? json_integer(q->deal_count) : json_null());
    return o;
}

int quota_set(struct store *db, const struct quota_fields *f, int in_tx, int64_t now,
              int64_t *id_out, struct err *e)
{
    int rc = quota_fields_check(f, e);
    if (rc < 0) return rc;
    if (!in_tx && (rc = store_begin(db, e)) < 0) return rc;
    struct quota_settings s;
    struct period p;
    int64_t found = 0;
    if ((rc = quota_settings_get(db, &s, e)) < 0) goto fail;
    if ((rc = period_parse(f->period, s.fiscal_start_month, "period", &p, e)) < 0) goto fail;
    int person = f->person_id > 0;
    rc = store_int_query(db, person ? SQL_PERSON_EXISTS : SQL_TEAM_EXISTS,
                         PARAMS(SV_INT(person ? f->person_id : f->team_id)), &found, e);
    if (rc < 0) goto fail;
    if (!found) {
        rc = err_field(e, REINS_EINVAL, person ? "person_id" : "team_id",
                       "field %s: no %s with id %lld", person ? "person_id" : "team_id",
                       person ? "person" : "team", (long long)(person ? f->person_id : f->team_id));
        goto fail;
    }
    rc = store_int_query(db, person ? SQL_QUOTA_SET_PERSON : SQL_QUOTA_SET_TEAM,
                         PARAMS(SV_ID(f->person_id), SV_ID(f->team_id),
                                SV_TEXT(period_kind_name(p.kind)), SV_TEXT(p.key), SV_TEXT(p.start),
                                SV_TEXT(p.end), SV_INT(f->amount_minor), SV_TEXT(f->currency),
                                f->deal_count >= 0 ? SV_INT(f->deal_count) : SV_NULL, SV_INT(now)),
                         id_out, e);
    if (rc < 0) goto fail;
    return in_tx ? 0 : store_commit(db, e);
fail:
    if (!in_tx) store_rollback(db);
    return rc;
}

static int read_quotas(struct store *db, const char *sql, const struct store_val *params,
                       int nparams, struct arena *a, struct quota **out, size_t *n, struct err *e)
{
    struct quota_settings s;
    int rc = quota_settings_get(db, &s, e);
    if (rc < 0) return rc;
    struct store_rows *r;
    if ((rc = store_query(db, sql, params, nparams, &r, e)) < 0) return rc;
    size_t cap = 16, len = 0;
    struct quota *v = arena_alloc(a, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(a, v, sizeof *v, len, &cap);
        struct quota *q = &v[len++];
        memset(q, 0, sizeof *q);
        q->id = store_int(r, 0);
        q->person_id = store_int(r, 1);
        q->team_id = store_int(r, 2);
        q->subject_name = arena_strdup(a, store_text(r, 3));
        /* stored keys parse: the fiscal start cannot change while quarter or year quotas exist */
        if ((rc = period_parse(store_text(r, 4), s.fiscal_start_month, "period", &q->period, e)) <
            0)
            break;
        q->amount_minor = store_int(r, 5);
        snprintf(q->currency, sizeof q->currency, "%s", store_text(r, 6));
        q->deal_count = store_isnull(r, 7) ? -1 : store_int(r, 7);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

int quota_get(struct store *db, int64_t id, struct arena *arena, struct quota *out, struct err *e)
{
    struct quota *v;
    size_t n;
    int rc = read_quotas(db, SQL_QUOTA_GET, PARAMS(SV_INT(id)), arena, &v, &n, e);
    if (rc < 0) return rc;
    if (!n) return err_set(e, REINS_ENOTFOUND, "no quota with id %lld", (long long)id);
    *out = v[0];
    return 0;
}

int quota_delete(struct store *db, int64_t id, struct err *e)
{
    int64_t changed = 0;
    int rc = store_run(db, SQL_QUOTA_DELETE, PARAMS(SV_INT(id)), &changed, e);
    if (rc < 0) return rc;
    if (!changed) return err_set(e, REINS_ENOTFOUND, "no quota with id %lld", (long long)id);
    return 0;
}

int quotas_list(struct store *db, const struct principal *who, const struct period *p,
                struct arena *arena, struct quota **out, size_t *n, struct err *e)
{
    int admin = who->role == ROLE_ADMIN;
    *out = NULL;
    *n = 0;
    if (!admin && who->person_id <= 0) return 0; /* fail closed */
    int64_t root = who->role == ROLE_MANAGER ? who->person_id : 0;
    return read_quotas(db, SQL_QUOTAS_LIST,
                       PARAMS(SV_INT(admin), SV_INT(who->person_id), SV_INT(root), SV_TEXT(p->key)),
                       arena, out, n, e);
}

int quota_can_see_team(struct store *db, const struct principal *who, int64_t team_id,
                       struct err *e)
{
    if (who->role == ROLE_ADMIN) return 1;
    if (who->role != ROLE_MANAGER || who->person_id <= 0) return 0;
    int64_t yes = 0;
    int rc = store_int_query(db, SQL_TEAM_VISIBLE,
                             PARAMS(SV_INT(0), SV_INT(team_id), SV_INT(who->person_id)), &yes, e);
    return rc < 0 ? rc : yes != 0;
}

/* ---- ramps --------------------------------------------------------------------------------- */

int ramp_for_person(struct store *db, int64_t person_id, const struct quota_settings *s,
                    struct ramp *out, int *is_override, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_RAMP_GET, PARAMS(SV_INT(person_id)), &r, e);
    if (rc < 0) return rc;
    *out = s->ramp;
    *is_override = 0;
    if ((rc = store_next(r, e)) > 0) {
        *is_override = 1;
        rc = ramp_parse(store_text(r, 0), "ramp", out, e);
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

int ramp_overrides_list(struct store *db, struct arena *arena, struct ramp_override **out,
                        size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_RAMPS, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    size_t cap = 16;
    *n = 0;
    *out = arena_alloc(arena, cap * sizeof **out);
    while (rc >= 0 && (rc = store_next(r, e)) > 0) {
        *out = arena_grow(arena, *out, sizeof **out, *n, &cap);
        struct ramp_override *o = &(*out)[(*n)++];
        o->person_id = store_int(r, 0);
        rc = ramp_parse(store_text(r, 1), "ramp", &o->ramp, e);
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

int ramp_override_set(struct store *db, int64_t person_id, const struct ramp *r, int64_t now,
                      struct err *e)
{
    char steps[RAMP_STEPS_MAX * 6 + 1];
    ramp_format(r, steps, sizeof steps);
    int64_t found = 0;
    int rc = store_int_query(db, SQL_PERSON_EXISTS, PARAMS(SV_INT(person_id)), &found, e);
    if (rc < 0) return rc;
    if (!found) return err_set(e, REINS_ENOTFOUND, "no person with id %lld", (long long)person_id);
    return store_run(db, SQL_RAMP_SET, PARAMS(SV_INT(person_id), SV_TEXT(steps), SV_INT(now)), NULL,
                     e);
}

int ramp_override_clear(struct store *db, int64_t person_id, struct err *e)
{
    int64_t changed = 0;
    int rc = store_run(db, SQL_RAMP_CLEAR, PARAMS(SV_INT(person_id)), &changed, e);
    if (rc < 0) return rc;
    if (!changed)
        return err_set(e, REINS_ENOTFOUND, "person %lld has no ramp of their own",
                       (long long)person_id);
    return 0;
}

/* ---- attainment ---------------------------------------------------------------------------- */

int won_deals_load(struct store *db, int64_t first_day, int64_t last_day, struct arena *arena,
                   struct won_deal **out, size_t *n, struct err *e)
{
    char from[11], to[11];
    date_from_days(first_day, from);
    date_from_days(last_day, to);
    struct store_rows *r;
    int rc = store_query(db, SQL_WON, PARAMS(SV_TEXT(from), SV_TEXT(to)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 64, len = 0;
    struct won_deal *v = arena_alloc(arena, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        const char *close = store_text(r, 2);
        if (date_check(close, "close_date", NULL) < 0) continue; /* the pipeline checks dates */
        v = arena_grow(arena, v, sizeof *v, len, &cap);
        v[len].owner_id = store_int(r, 0);
        v[len].amount_minor = store_int(r, 1);
        v[len].close_day = date_to_days(close);
        snprintf(v[len].currency, sizeof v[len].currency, "%s", store_text(r, 3));
        len++;
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

json_t *attainment_line_to_json(const struct attainment_line *l)
{
    json_t *o = json_pack("{s:s, s:i, s:b, s:I, s:I, s:s, s:o}", "name", l->name ? l->name : "",
                          "depth", l->depth, "has_quota", l->has_quota, "quota_set_minor",
                          (json_int_t)l->quota_set_minor, "ramp_bp", (json_int_t)l->ramp_bp,
                          "currency", l->currency, "attainment", attainment_to_json(&l->att));
    json_object_set_new(o, "person_id", l->person_id ? json_integer(l->person_id) : json_null());
    json_object_set_new(o, "team_id", l->team_id ? json_integer(l->team_id) : json_null());
    return o;
}

/* What every line of one request shares: the settings, the period, the wins. */
struct att_ctx {
    struct quota_settings s;
    const struct period *p;
    int64_t as_of;
    struct won_deal *deals;
    size_t ndeals;
};

static int ctx_load(struct store *db, const struct period *p, int64_t as_of, struct arena *a,
                    struct att_ctx *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    c->p = p;
    c->as_of = as_of;
    int rc = quota_settings_get(db, &c->s, e);
    if (rc < 0) return rc;
    return won_deals_load(db, p->first_day, p->last_day, a, &c->deals, &c->ndeals, e);
}

/* Read the person subjects of `sql` and compute each one's own line. */
static int subject_lines(struct store *db, const struct att_ctx *c, const char *sql, int64_t id,
                         struct arena *a, struct attainment_line **out, size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, sql, PARAMS(SV_TEXT(c->p->key), SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 16, len = 0;
    struct attainment_line *v = arena_alloc(a, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(a, v, sizeof *v, len, &cap);
        struct attainment_line *l = &v[len++];
        memset(l, 0, sizeof *l);
        l->person_id = store_int(r, 0);
        l->name = arena_strdup(a, store_text(r, 1));
        int64_t start = date_to_days(store_text(r, 2));
        struct ramp ramp = c->s.ramp;
        if (!store_isnull(r, 3) && (rc = ramp_parse(store_text(r, 3), "ramp", &ramp, e)) < 0) break;
        l->has_quota = !store_isnull(r, 4);
        l->quota_set_minor = store_int(r, 4);
        snprintf(l->currency, sizeof l->currency, "%s",
                 l->has_quota ? store_text(r, 5) : c->s.currency);
        int64_t deals = store_isnull(r, 6) ? -1 : store_int(r, 6);
        l->depth = (int)store_int(r, 7);
        l->ramp_bp = ramp_period_bp(c->p, start, &ramp);
        int64_t effective = quota_effective(l->quota_set_minor, c->p, start, &ramp);
        attainment_compute(c->p, c->as_of, effective, deals, l->currency, &l->person_id, 1,
                           c->deals, c->ndeals, &l->att);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The sum of the lines' effective quotas and deal goals in `currency`, and their sorted ids. */
static void group_of(const struct attainment_line *v, size_t n, const char *currency,
                     struct arena *a, int64_t *quota, int64_t *deals, int64_t **ids)
{
    *quota = 0;
    *deals = -1;
    *ids = arena_alloc(a, (n ? n : 1) * sizeof **ids);
    for (size_t i = 0; i < n; i++) {
        (*ids)[i] = v[i].person_id;
        if (!v[i].has_quota || strcmp(v[i].currency, currency)) continue;
        *quota += v[i].att.quota_minor; /* each below QUOTA_AMOUNT_MAX: no overflow */
        if (v[i].att.quota_deals >= 0) *deals = (*deals < 0 ? 0 : *deals) + v[i].att.quota_deals;
    }
    qsort(*ids, n, sizeof **ids, cmp_id);
}

int attainment_person(struct store *db, int64_t person_id, const struct period *p,
                      int64_t as_of_day, struct arena *arena, struct attainment_line *out,
                      struct err *e)
{
    struct att_ctx c;
    struct attainment_line *v;
    size_t n;
    int rc = ctx_load(db, p, as_of_day, arena, &c, e);
    if (rc < 0) return rc;
    if ((rc = subject_lines(db, &c, SQL_SUBJECT_PERSON, person_id, arena, &v, &n, e)) < 0)
        return rc;
    if (!n) return err_set(e, REINS_ENOTFOUND, "no person with id %lld", (long long)person_id);
    *out = v[0];
    return 0;
}

int attainment_team(struct store *db, int64_t team_id, const struct period *p, int64_t as_of_day,
                    struct arena *arena, struct attainment_line *out, int64_t *summed_minor,
                    struct attainment_line **members, size_t *nmembers, struct err *e)
{
    struct att_ctx c;
    int rc = ctx_load(db, p, as_of_day, arena, &c, e);
    if (rc < 0) return rc;
    memset(out, 0, sizeof *out);
    out->team_id = team_id;
    out->ramp_bp = RAMP_BP_FULL;
    int64_t set_deals = -1;
    struct store_rows *r;
    if ((rc = store_query(db, SQL_TEAM_QUOTA, PARAMS(SV_TEXT(p->key), SV_INT(team_id)), &r, e)) < 0)
        return rc;
    int found = 0;
    if ((rc = store_next(r, e)) > 0) {
        found = 1;
        out->name = arena_strdup(arena, store_text(r, 0));
        out->has_quota = !store_isnull(r, 1);
        out->quota_set_minor = store_int(r, 1);
        snprintf(out->currency, sizeof out->currency, "%s",
                 out->has_quota ? store_text(r, 2) : c.s.currency);
        set_deals = store_isnull(r, 3) ? -1 : store_int(r, 3);
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!found) return err_set(e, REINS_ENOTFOUND, "no team with id %lld", (long long)team_id);
    if ((rc = subject_lines(db, &c, SQL_SUBJECT_TEAM, team_id, arena, members, nmembers, e)) < 0)
        return rc;
    int64_t summed, summed_deals, *ids;
    group_of(*members, *nmembers, c.s.currency, arena, &summed, &summed_deals, &ids);
    *summed_minor = summed;
    /* the set quota counts; without one the members' sum stands in */
    attainment_compute(p, as_of_day, out->has_quota ? out->quota_set_minor : summed,
                       out->has_quota ? set_deals : summed_deals, out->currency, ids, *nmembers,
                       c.deals, c.ndeals, &out->att);
    return 0;
}

int attainment_tree(struct store *db, int64_t root_id, const struct period *p, int64_t as_of_day,
                    struct arena *arena, struct attainment_line *total,
                    struct attainment_line **lines, size_t *nlines, struct err *e)
{
    struct att_ctx c;
    int rc = ctx_load(db, p, as_of_day, arena, &c, e);
    if (rc < 0) return rc;
    if ((rc = subject_lines(db, &c, SQL_SUBJECT_TREE, root_id, arena, lines, nlines, e)) < 0)
        return rc;
    if (!*nlines) return err_set(e, REINS_ENOTFOUND, "no person with id %lld", (long long)root_id);
    memset(total, 0, sizeof *total);
    total->person_id = root_id;
    total->name = (*lines)[0].name;
    total->ramp_bp = RAMP_BP_FULL;
    snprintf(total->currency, sizeof total->currency, "%s", c.s.currency);
    int64_t quota, deals, *ids;
    group_of(*lines, *nlines, c.s.currency, arena, &quota, &deals, &ids);
    total->has_quota = quota > 0;
    total->quota_set_minor = quota;
    attainment_compute(p, as_of_day, quota, deals, c.s.currency, ids, *nlines, c.deals, c.ndeals,
                       &total->att);
    return 0;
}
