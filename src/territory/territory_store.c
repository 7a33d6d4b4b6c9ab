/* territory_store.c -- territory scenarios in the database (see territory_product.h). */
#include "territory/territory_product.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/pipeline.h"
#include "store/store.h"
#include "territory/territory.h"

static const char SQL_PERSON_EXISTS[] = "SELECT COUNT(*) FROM people WHERE id = $1";
/* A manager's tree ($1 and everyone below), as the first common table expression. */
#define TREE_CTE(n)                                                                                \
    "WITH RECURSIVE tree(id) AS (SELECT id FROM people WHERE id = $" #n                            \
    " UNION SELECT p.id FROM people p JOIN tree t ON p.manager_id = t.id)"
/* The chosen accounts with their open pipeline, by id; with a scope ($4), owned in its tree. */
static const char SQL_ACCOUNTS[] = TREE_CTE(
    4) " SELECT a.id, COALESCE(a.owner_id, 0), a.latitude_e6 IS NOT NULL AND a.longitude_e6 IS NOT"
       " NULL, COALESCE(a.latitude_e6, 0), COALESCE(a.longitude_e6, 0), a.potential_minor,"
       " COALESCE((SELECT SUM(o.amount_minor) FROM opportunities o WHERE o.account_id = a.id"
       " AND o.status = 'open'), 0)"
       " FROM accounts a LEFT JOIN people p ON p.id = a.owner_id"
       " WHERE (CAST($1 AS TEXT) = '' OR a.segment = $1) AND (CAST($2 AS TEXT) = '' OR a.industry "
       "= "
       "$2)"
       " AND (CAST($3 AS BIGINT) = 0 OR p.team_id = $3)"
       " AND (CAST($4 AS BIGINT) = 0 OR a.owner_id IN (SELECT id FROM tree)) ORDER BY a.id";
static const char SQL_ACCOUNT_PLACE[] =
    "SELECT latitude_e6 IS NOT NULL AND longitude_e6 IS NOT NULL, COALESCE(latitude_e6, 0),"
    " COALESCE(longitude_e6, 0), COALESCE(owner_id, 0) FROM accounts WHERE id = $1";
static const char SQL_SCENARIO_INSERT[] =
    "INSERT INTO territory_scenarios (name, created_by, segment, industry, team_id, measures,"
    " tolerance_bp, max_moves, distance_m, balanced, max_violation_bp, proven_optimal, moves,"
    " left_out, created_at, move_penalty_km, scope_person_id, owners_only) VALUES ($1, $2, $3,"
    " $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id";
static const char SQL_SELLER_INSERT[] =
    "INSERT INTO territory_scenario_sellers (scenario_id, position, person_id, home_latitude_e6,"
    " home_longitude_e6, home_kind, home_account_id) VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_LOCK_INSERT[] =
    "INSERT INTO territory_scenario_locks (scenario_id, account_id, person_id) VALUES ($1, $2,"
    " $3)";
static const char SQL_LOCKS[] =
    "SELECT l.account_id, a.name, l.person_id FROM territory_scenario_locks l"
    " JOIN accounts a ON a.id = l.account_id WHERE l.scenario_id = $1 ORDER BY l.account_id";
static const char SQL_ROW_INSERT[] =
    "INSERT INTO territory_scenario_accounts (scenario_id, account_id, from_owner_id, to_owner_id,"
    " potential_minor, pipeline_minor, distance_m) VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_SCENARIO_GET[] =
    "SELECT s.id, s.name, s.status, s.segment, s.industry, COALESCE(s.team_id, 0), s.measures,"
    " s.tolerance_bp, s.max_moves, s.distance_m, s.balanced, s.max_violation_bp,"
    " s.proven_optimal, s.moves, s.left_out, s.created_at, COALESCE(s.applied_at, 0),"
    " s.move_penalty_km, COALESCE(s.scope_person_id, 0), s.owners_only"
    " FROM territory_scenarios s WHERE s.id = $1";
static const char SQL_SELLERS[] =
    "SELECT t.person_id, p.name, t.home_latitude_e6, t.home_longitude_e6, t.home_kind,"
    " COALESCE(t.home_account_id, 0)"
    " FROM territory_scenario_sellers t JOIN people p ON p.id = t.person_id"
    " WHERE t.scenario_id = $1 ORDER BY t.position";
static const char SQL_ROWS[] =
    "SELECT r.account_id, a.name, COALESCE(r.from_owner_id, 0), COALESCE(r.to_owner_id, 0),"
    " r.potential_minor, r.pipeline_minor, r.distance_m, COALESCE(a.latitude_e6, 0),"
    " COALESCE(a.longitude_e6, 0)"
    " FROM territory_scenario_accounts r JOIN accounts a ON a.id = r.account_id"
    " WHERE r.scenario_id = $1 ORDER BY r.account_id";
static const char SQL_LIST[] = "SELECT id FROM territory_scenarios ORDER BY id DESC";
static const char SQL_MARK_APPLIED[] =
    "UPDATE territory_scenarios SET status = 'applied', applied_at = $2, applied_by = $3"
    " WHERE id = $1 AND status = 'draft'";
static const char SQL_MOVES[] =
    "SELECT account_id, COALESCE(from_owner_id, 0), to_owner_id FROM territory_scenario_accounts"
    " WHERE scenario_id = $1 AND to_owner_id IS NOT NULL"
    " AND (from_owner_id IS NULL OR from_owner_id <> to_owner_id) ORDER BY account_id";
static const char SQL_STALE[] =
    "SELECT COUNT(*) FROM territory_scenario_accounts r JOIN accounts a ON a.id = r.account_id"
    " WHERE r.scenario_id = $1 AND COALESCE(a.owner_id, 0) <> COALESCE(r.from_owner_id, 0)";
static const char SQL_ACCOUNT_MOVE[] =
    "UPDATE accounts SET owner_id = $2, updated_at = $4 WHERE id = $1"
    " AND COALESCE(owner_id, 0) = $3";
static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO account_owner_changes (account_id, from_owner_id, to_owner_id, scenario_id,"
    " changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6)";
/* The open deals that follow an account: its previous owner's; others' deals on it stay. */
static const char SQL_OPEN_OPPS[] = "SELECT id FROM opportunities WHERE account_id = $1"
                                    " AND owner_id = $2 AND status = 'open' ORDER BY id";

static const char *measures_text(int m, char out[32])
{
    out[0] = 0;
    if (m & TSC_ACCOUNTS) strcat(out, "accounts,");
    if (m & TSC_POTENTIAL) strcat(out, "potential,");
    if (m & TSC_PIPELINE) strcat(out, "pipeline,");
    if (out[0]) out[strlen(out) - 1] = 0;
    return out;
}

static const char *const HOME_KINDS[] = {"centroid", "given", "account"};

/* Index of person `id` among the sellers, or -1. */
static int seller_index(const struct tsc_params *p, int64_t id)
{
    for (size_t t = 0; t < p->nsellers; t++)
        if (p->sellers[t] == id) return (int)t;
    return -1;
}

/* 1 when `person` is at or below the scope (or there is none), 0 when not, < 0 on error. */
static int in_scope(struct store *db, const struct tsc_params *p, int64_t person, struct err *e)
{
    if (!p->scope_person_id) return 1;
    if (!person) return 0;
    return access_is_at_or_above(db, p->scope_person_id, person, e);
}

static int check_params(struct store *db, const struct tsc_params *p, struct err *e)
{
    if (!p->name || !*p->name || strlen(p->name) > TSC_NAME_MAX)
        return err_field(e, REINS_EINVAL, "name", "field name: 1 to %d bytes", TSC_NAME_MAX);
    if (!p->measures || (p->measures & ~(TSC_ACCOUNTS | TSC_POTENTIAL | TSC_PIPELINE)))
        return err_field(e, REINS_EINVAL, "measures",
                         "field measures: one or more of accounts, potential, pipeline");
    if (p->tolerance_bp < 0 || p->tolerance_bp > 10000)
        return err_field(e, REINS_EINVAL, "tolerance_bp",
                         "field tolerance_bp: from 0 to 10000 basis points");
    if (p->move_penalty_km < 0 || p->move_penalty_km > TSC_MAX_MOVE_PENALTY_KM)
        return err_field(e, REINS_EINVAL, "move_penalty_km",
                         "field move_penalty_km: from 0 to %d kilometres", TSC_MAX_MOVE_PENALTY_KM);
    if (p->nsellers < 1 || p->nsellers > TSC_MAX_SELLERS)
        return err_field(e, REINS_EINVAL, "sellers", "field sellers: 1 to %d people",
                         TSC_MAX_SELLERS);
    for (size_t i = 0; i < p->nsellers; i++) {
        for (size_t j = 0; j < i; j++)
            if (p->sellers[j] == p->sellers[i])
                return err_field(e, REINS_EINVAL, "sellers",
                                 "field sellers: person %lld is listed twice",
                                 (long long)p->sellers[i]);
        int64_t c = 0;
        int rc = store_int_query(db, SQL_PERSON_EXISTS, PARAMS(SV_INT(p->sellers[i])), &c, e);
        if (rc < 0) return rc;
        /* outside a manager's tree reads as unknown, as people do elsewhere */
        if (c && (rc = in_scope(db, p, p->sellers[i], e)) < 0) return rc;
        if (!c || !rc)
            return err_field(e, REINS_EINVAL, "sellers", "field sellers: no person %lld",
                             (long long)p->sellers[i]);
    }
    if (p->nhomes > p->nsellers)
        return err_field(e, REINS_EINVAL, "homes", "field homes: at most one per seller");
    for (size_t h = 0; h < p->nhomes; h++) {
        const struct tsc_home *x = &p->homes[h];
        if (seller_index(p, x->person_id) < 0)
            return err_field(e, REINS_EINVAL, "homes",
                             "field homes: item %zu: person %lld is not one of the sellers", h,
                             (long long)x->person_id);
        for (size_t j = 0; j < h; j++)
            if (p->homes[j].person_id == x->person_id)
                return err_field(e, REINS_EINVAL, "homes",
                                 "field homes: item %zu: person %lld has a home already", h,
                                 (long long)x->person_id);
        if (x->kind == TSC_HOME_GIVEN) {
            if (!isfinite(x->lat) || x->lat < -90 || x->lat > 90)
                return err_field(e, REINS_EINVAL, "homes",
                                 "field homes: item %zu: latitude %g is out of range -90..90", h,
                                 x->lat);
            if (!isfinite(x->lon) || x->lon < -180 || x->lon > 180)
                return err_field(e, REINS_EINVAL, "homes",
                                 "field homes: item %zu: longitude %g is out of range -180..180", h,
                                 x->lon);
        } else if (x->kind != TSC_HOME_ACCOUNT) {
            return err_field(e, REINS_EINVAL, "homes",
                             "field homes: item %zu: coordinates or an account", h);
        }
    }
    if (p->nlocks > TSC_MAX_LOCKS)
        return err_field(e, REINS_EINVAL, "locks", "field locks: at most %d", TSC_MAX_LOCKS);
    for (size_t l = 0; l < p->nlocks; l++)
        if (seller_index(p, p->locks[l].person_id) < 0)
            return err_field(e, REINS_EINVAL, "locks",
                             "field locks: item %zu: person %lld is not one of the sellers", l,
                             (long long)p->locks[l].person_id);
    return 0;
}

/* An account used as a home: its location, or REINS_EINVAL naming homes item h. */
static int home_account_place(struct store *db, const struct tsc_params *p, size_t h, double *lat,
                              double *lon, struct err *e)
{
    int64_t acc = p->homes[h].account_id;
    struct store_rows *r;
    int rc = store_query(db, SQL_ACCOUNT_PLACE, PARAMS(SV_INT(acc)), &r, e);
    if (rc < 0) return rc;
    int found = 0, located = 0;
    int64_t owner = 0;
    if ((rc = store_next(r, e)) > 0) {
        found = 1;
        located = store_int(r, 0) != 0;
        *lat = (double)store_int(r, 1) / 1e6;
        *lon = (double)store_int(r, 2) / 1e6;
        owner = store_int(r, 3);
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (found && (rc = in_scope(db, p, owner, e)) < 0) return rc;
    if (!found || !rc)
        return err_field(e, REINS_EINVAL, "homes", "field homes: item %zu: no account %lld", h,
                         (long long)acc);
    if (!located)
        return err_field(e, REINS_EINVAL, "homes",
                         "field homes: item %zu: account %lld has no coordinates", h,
                         (long long)acc);
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The index of account `id` in the sorted ids[0..n), or -1. */
static long find_id(const int64_t *ids, size_t n, int64_t id)
{
    const int64_t *f = n ? bsearch(&id, ids, n, sizeof *ids, cmp_i64) : NULL;
    return f ? (long)(f - ids) : -1;
}

/* Fill in->lock from p->locks, naming the lock that does not fit. */
static int place_locks(struct store *db, const struct tsc_params *p, struct tsc_inputs *in,
                       struct err *e)
{
    for (size_t i = 0; i < in->n; i++)
        in->lock[i] = -1;
    for (size_t l = 0; l < p->nlocks; l++) {
        int64_t acc = p->locks[l].account_id;
        long i = find_id(in->account_id, in->n, acc);
        if (i >= 0) {
            if (in->lock[i] >= 0)
                return err_field(e, REINS_EINVAL, "locks",
                                 "field locks: item %zu: account %lld is locked twice", l,
                                 (long long)acc);
            in->lock[i] = (int32_t)seller_index(p, p->locks[l].person_id);
            continue;
        }
        if (find_id(in->left_id, in->nleft, acc) >= 0)
            return err_field(e, REINS_EINVAL, "locks",
                             "field locks: item %zu: account %lld has no coordinates", l,
                             (long long)acc);
        /* an account outside a manager's tree is, to them, no account at all */
        int64_t c = 0, owner = 0;
        int rc = store_int_query(db, "SELECT COUNT(*) FROM accounts WHERE id = $1",
                                 PARAMS(SV_INT(acc)), &c, e);
        if (rc >= 0 && c && p->scope_person_id) {
            rc = store_int_query(db, "SELECT COALESCE(owner_id, 0) FROM accounts WHERE id = $1",
                                 PARAMS(SV_INT(acc)), &owner, e);
            if (rc >= 0) rc = owner ? in_scope(db, p, owner, e) : 0;
            if (rc == 0) c = 0;
        }
        if (rc < 0) return rc;
        return c ? err_field(e, REINS_EINVAL, "locks",
                             "field locks: item %zu: account %lld is not among the chosen"
                             " accounts",
                             l, (long long)acc)
                 : err_field(e, REINS_EINVAL, "locks", "field locks: item %zu: no account %lld", l,
                             (long long)acc);
    }
    return 0;
}

int tsc_build_inputs(struct store *db, const struct tsc_params *p, struct arena *arena,
                     struct tsc_inputs *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    int rc = check_params(db, p, e);
    if (rc < 0) return rc;
    struct store_rows *r;
    rc = store_query(db, SQL_ACCOUNTS,
                     PARAMS(SV_TEXT(p->segment ? p->segment : ""),
                            SV_TEXT(p->industry ? p->industry : ""), SV_INT(p->team_id),
                            SV_INT(p->scope_person_id)),
                     &r, e);
    if (rc < 0) return rc;
    size_t cap = 0, lcap = 0;
    struct tsc_inputs *o = out;
    while ((rc = store_next(r, e)) > 0) {
        int64_t id = store_int(r, 0), owner = store_int(r, 1);
        int64_t pot = store_int(r, 5), pipe = store_int(r, 6);
        if (p->owners_only && seller_index(p, owner) < 0) continue;
        if (!store_int(r, 2)) {
            size_t lc = lcap;
            o->left_id = arena_grow(arena, o->left_id, sizeof(int64_t), o->nleft, &lc);
            lc = lcap;
            o->left_owner = arena_grow(arena, o->left_owner, sizeof(int64_t), o->nleft, &lc);
            lc = lcap;
            o->left_potential =
                arena_grow(arena, o->left_potential, sizeof(int64_t), o->nleft, &lc);
            lc = lcap;
            o->left_pipeline = arena_grow(arena, o->left_pipeline, sizeof(int64_t), o->nleft, &lc);
            lcap = lc;
            o->left_id[o->nleft] = id;
            o->left_owner[o->nleft] = owner;
            o->left_potential[o->nleft] = pot;
            o->left_pipeline[o->nleft++] = pipe;
            continue;
        }
        size_t c = cap;
        o->account_id = arena_grow(arena, o->account_id, sizeof(int64_t), o->n, &c);
        c = cap;
        o->owner_id = arena_grow(arena, o->owner_id, sizeof(int64_t), o->n, &c);
        c = cap;
        o->potential = arena_grow(arena, o->potential, sizeof(int64_t), o->n, &c);
        c = cap;
        o->pipeline = arena_grow(arena, o->pipeline, sizeof(int64_t), o->n, &c);
        c = cap;
        o->lat = arena_grow(arena, o->lat, sizeof(double), o->n, &c);
        c = cap;
        o->lon = arena_grow(arena, o->lon, sizeof(double), o->n, &c);
        cap = c;
        o->account_id[o->n] = id;
        o->owner_id[o->n] = owner;
        o->potential[o->n] = pot;
        o->pipeline[o->n] = pipe;
        o->lat[o->n] = (double)store_int(r, 3) / 1e6;
        o->lon[o->n++] = (double)store_int(r, 4) / 1e6;
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!o->n)
        return err_field(e, REINS_EINVAL, "accounts",
                         "no chosen account has coordinates (%zu left out)", o->nleft);
    size_t n = o->n, k = p->nsellers, m = 0;
    int kinds[3];
    if (p->measures & TSC_ACCOUNTS) kinds[m++] = TSC_ACCOUNTS;
    if (p->measures & TSC_POTENTIAL) kinds[m++] = TSC_POTENTIAL;
    if (p->measures & TSC_PIPELINE) kinds[m++] = TSC_PIPELINE;
    o->k = k;
    o->m = m;
    o->measure = arena_alloc(arena, n * m * sizeof(double));
    o->tol = arena_alloc(arena, m * sizeof(double));
    o->current = arena_alloc(arena, n * sizeof(int32_t));
    o->home_lat = arena_alloc(arena, k * sizeof(double));
    o->home_lon = arena_alloc(arena, k * sizeof(double));
    o->home_dist = arena_alloc(arena, k * n * sizeof(double));
    o->home_kind = arena_alloc(arena, k * sizeof *o->home_kind);
    o->home_account = arena_alloc(arena, k * sizeof(int64_t));
    o->lock = arena_alloc(arena, n * sizeof(int32_t));
    if ((rc = place_locks(db, p, o, e)) < 0) return rc;
    for (size_t j = 0; j < m; j++)
        o->tol[j] = (double)p->tolerance_bp / 10000.0;
    double all_lat = 0, all_lon = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m; j++)
            o->measure[i * m + j] = kinds[j] == TSC_ACCOUNTS    ? 1.0
                                    : kinds[j] == TSC_POTENTIAL ? (double)o->potential[i]
                                                                : (double)o->pipeline[i];
        o->current[i] = -1;
        for (size_t t = 0; t < k; t++)
            if (o->owner_id[i] == p->sellers[t]) o->current[i] = (int32_t)t;
        all_lat += o->lat[i];
        all_lon += o->lon[i];
    }
    /* Homes given by the planner first. */
    for (size_t t = 0; t < k; t++)
        o->home_kind[t] = TSC_HOME_CENTROID;
    for (size_t h = 0; h < p->nhomes; h++) {
        size_t t = (size_t)seller_index(p, p->homes[h].person_id);
        o->home_kind[t] = p->homes[h].kind;
        if (p->homes[h].kind == TSC_HOME_GIVEN) {
            o->home_lat[t] = p->homes[h].lat;
            o->home_lon[t] = p->homes[h].lon;
        } else {
            o->home_account[t] = p->homes[h].account_id;
            rc = home_account_place(db, p, h, &o->home_lat[t], &o->home_lon[t], e);
            if (rc < 0) return rc;
        }
    }
    /* Else the centroid: the plain mean of coordinates is good enough for the regional spread
     * of one company's accounts (it is not meant for accounts on both sides of the
     * antimeridian). */
    for (size_t t = 0; t < k; t++) {
        if (o->home_kind[t] == TSC_HOME_CENTROID) {
            double la = 0, lo = 0;
            size_t c = 0;
            for (size_t i = 0; i < n; i++)
                if (o->current[i] == (int32_t)t) {
                    la += o->lat[i];
                    lo += o->lon[i];
                    c++;
                }
            o->home_lat[t] = c ? la / (double)c : all_lat / (double)n;
            o->home_lon[t] = c ? lo / (double)c : all_lon / (double)n;
        }
        for (size_t i = 0; i < n; i++)
            o->home_dist[t * n + i] =
                terr_great_circle_km(o->home_lon[t], o->home_lat[t], o->lon[i], o->lat[i]);
    }
    return 0;
}

static int64_t e6(double deg)
{
    return (int64_t)llround(deg * 1e6);
}

/* Build, solve and store; in a transaction of its own unless `in_tx`. */
static int scenario_create(struct store *db, const struct tsc_params *p, int64_t user_id,
                           int64_t now, int in_tx, int64_t *id_out, struct err *e)
{
    struct arena arena = {0};
    struct tsc_inputs in;
    struct terr_result res = {0};
    int rc = tsc_build_inputs(db, p, &arena, &in, e);
    if (rc < 0) goto done;
    struct terr_problem pr = {
        .n = in.n,
        .k = in.k,
        .m = in.m,
        .measure = in.measure,
        .tol = in.tol,
        .compact = TERR_SUM_DISTANCE,
        .metric = TERR_GREAT_CIRCLE,
        .x = in.lon,
        .y = in.lat,
        .home_dist = in.home_dist,
        .lock = in.lock,
        .current = in.current,
        .max_moves = p->max_moves,
        .move_penalty = (double)p->move_penalty_km,
        .method = TERR_AUTO,
        .seed = 1,
        .time_limit = p->time_limit > 0 ? p->time_limit : 2.0,
        .max_iter = p->max_iter,
    };
    if ((rc = terr_solve(&pr, &res, e)) < 0) goto done;
    char mt[32];
    if (!in_tx && (rc = store_begin(db, e)) < 0) goto done;
    int64_t id = 0;
    rc = store_int_query(
        db, SQL_SCENARIO_INSERT,
        PARAMS(SV_TEXT(p->name), SV_ID(user_id), SV_TEXT(p->segment ? p->segment : ""),
               SV_TEXT(p->industry ? p->industry : ""), SV_ID(p->team_id),
               SV_TEXT(measures_text(p->measures, mt)), SV_INT(p->tolerance_bp),
               SV_INT(p->max_moves < 0 ? -1 : p->max_moves),
               SV_INT(llround(res.compactness * 1000)), SV_INT(res.balanced ? 1 : 0),
               SV_INT(llround(res.max_violation * 10000)), SV_INT(res.proven_optimal ? 1 : 0),
               SV_INT((int64_t)res.moves), SV_INT((int64_t)in.nleft), SV_INT(now),
               SV_INT(p->move_penalty_km), SV_ID(p->scope_person_id),
               SV_INT(p->owners_only ? 1 : 0)),
        &id, e);
    for (size_t t = 0; rc >= 0 && t < in.k; t++)
        rc = store_run(db, SQL_SELLER_INSERT,
                       PARAMS(SV_INT(id), SV_INT((int64_t)t), SV_INT(p->sellers[t]),
                              SV_INT(e6(in.home_lat[t])), SV_INT(e6(in.home_lon[t])),
                              SV_TEXT(HOME_KINDS[in.home_kind[t]]), SV_ID(in.home_account[t])),
                       NULL, e);
    for (size_t l = 0; rc >= 0 && l < p->nlocks; l++)
        rc = store_run(
            db, SQL_LOCK_INSERT,
            PARAMS(SV_INT(id), SV_INT(p->locks[l].account_id), SV_INT(p->locks[l].person_id)), NULL,
            e);
    for (size_t i = 0; rc >= 0 && i < in.n; i++) {
        int32_t t = res.assign[i];
        rc =
            store_run(db, SQL_ROW_INSERT,
                      PARAMS(SV_INT(id), SV_INT(in.account_id[i]), SV_ID(in.owner_id[i]),
                             SV_INT(p->sellers[t]), SV_INT(in.potential[i]), SV_INT(in.pipeline[i]),
                             SV_INT(llround(in.home_dist[(size_t)t * in.n + i] * 1000))),
                      NULL, e);
    }
    for (size_t i = 0; rc >= 0 && i < in.nleft; i++)
        rc = store_run(db, SQL_ROW_INSERT,
                       PARAMS(SV_INT(id), SV_INT(in.left_id[i]), SV_ID(in.left_owner[i]), SV_NULL,
                              SV_INT(in.left_potential[i]), SV_INT(in.left_pipeline[i]), SV_INT(0)),
                       NULL, e);
    if (rc >= 0 && !in_tx) rc = store_commit(db, e);
    if (rc < 0 && !in_tx)
        store_rollback(db);
    else if (rc >= 0 && id_out)
        *id_out = id;
done:
    terr_result_release(&res);
    arena_release(&arena);
    return rc < 0 ? rc : 0;
}

int territory_scenario_create(struct store *db, const struct tsc_params *p, int64_t user_id,
                              int64_t now, int64_t *id_out, struct err *e)
{
    return scenario_create(db, p, user_id, now, 0, id_out, e);
}

/* The sellers of scenario `id` into *ids (arena). */
static int scenario_sellers(struct store *db, int64_t id, struct arena *arena, int64_t **ids,
                            size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_SELLERS, PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 0;
    *n = 0;
    *ids = NULL;
    while ((rc = store_next(r, e)) > 0) {
        *ids = arena_grow(arena, *ids, sizeof(int64_t), *n, &cap);
        (*ids)[(*n)++] = store_int(r, 0);
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

int territory_scenario_visible(struct store *db, const struct principal *who, int64_t id,
                               struct err *e)
{
    int64_t c = 0;
    int rc = store_int_query(db, "SELECT COUNT(*) FROM territory_scenarios WHERE id = $1",
                             PARAMS(SV_INT(id)), &c, e);
    if (rc < 0) return rc;
    if (!c) return err_set(e, REINS_ENOTFOUND, "no territory scenario %lld", (long long)id);
    if (who->role == ROLE_ADMIN) return 1;
    if (who->role != ROLE_MANAGER || !who->person_id) return 0;
    struct arena arena = {0};
    int64_t *ids;
    size_t n;
    rc = scenario_sellers(db, id, &arena, &ids, &n, e);
    int ok = rc < 0 ? rc : 1;
    for (size_t i = 0; ok == 1 && i < n; i++) {
        rc = access_is_at_or_above(db, who->person_id, ids[i], e);
        ok = rc < 0 ? rc : rc ? 1 : 0;
    }
    arena_release(&arena);
    if (ok != 1) return ok;
    /* and every account it holds owned in the manager's tree when it ran, so an admin's
     * scenario over the whole company does not show a manager the other trees' accounts */
    int64_t outside = 0;
    rc = store_int_query(db,
                         TREE_CTE(1) " SELECT COUNT(*) FROM territory_scenario_accounts r"
                                     " WHERE r.scenario_id = $2 AND (r.from_owner_id IS NULL"
                                     " OR r.from_owner_id NOT IN (SELECT id FROM tree))",
                         PARAMS(SV_INT(who->person_id), SV_INT(id)), &outside, e);
    if (rc < 0) return rc;
    return outside == 0;
}

int territory_scenario_list(struct store *db, const struct principal *who, struct arena *arena,
                            int64_t **ids, size_t *n, struct err *e)
{
    *ids = NULL;
    *n = 0;
    if (who->role != ROLE_ADMIN && who->role != ROLE_MANAGER) return 0;
    struct store_rows *r;
    int rc = store_query(db, SQL_LIST, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    size_t cap = 0, all = 0;
    int64_t *v = NULL;
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(arena, v, sizeof(int64_t), all, &cap);
        v[all++] = store_int(r, 0);
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    for (size_t i = 0; i < all; i++) {
        rc = territory_scenario_visible(db, who, v[i], e);
        if (rc < 0) return rc;
        if (rc) v[(*n)++] = v[i];
    }
    *ids = v;
    return 0;
}

/* Scenario `id`'s row of SQL_SCENARIO_GET, read and ready (the caller frees *r), or
 * REINS_ENOTFOUND. */
static int scenario_row(struct store *db, int64_t id, struct store_rows **r, struct err *e)
{
    int rc = store_query(db, SQL_SCENARIO_GET, PARAMS(SV_INT(id)), r, e);
    if (rc < 0) return rc;
    if ((rc = store_next(*r, e)) <= 0) {
        store_rows_free(*r);
        return rc < 0 ? rc
                      : err_set(e, REINS_ENOTFOUND, "no territory scenario %lld", (long long)id);
    }
    return 0;
}

int territory_scenario_params(struct store *db, int64_t id, struct arena *arena,
                              struct tsc_params *p, struct err *e)
{
    memset(p, 0, sizeof *p);
    struct store_rows *r;
    int rc = scenario_row(db, id, &r, e);
    if (rc < 0) return rc;
    p->name = arena_strdup(arena, store_text(r, 1));
    p->segment = arena_strdup(arena, store_text(r, 3));
    p->industry = arena_strdup(arena, store_text(r, 4));
    p->team_id = store_int(r, 5);
    const char *m = store_text(r, 6);
    p->measures = (strstr(m, "accounts") ? TSC_ACCOUNTS : 0) |
                  (strstr(m, "potential") ? TSC_POTENTIAL : 0) |
                  (strstr(m, "pipeline") ? TSC_PIPELINE : 0);
    p->tolerance_bp = store_int(r, 7);
    p->max_moves = (long)store_int(r, 8);
    p->move_penalty_km = (long)store_int(r, 17);
    p->scope_person_id = store_int(r, 18);
    p->owners_only = store_int(r, 19) != 0;
    store_rows_free(r);

    if ((rc = store_query(db, SQL_SELLERS, PARAMS(SV_INT(id)), &r, e)) < 0) return rc;
    int64_t *sellers = NULL;
    struct tsc_home *homes = NULL;
    size_t cap = 0, hcap = 0;
    while ((rc = store_next(r, e)) > 0) {
        sellers = arena_grow(arena, sellers, sizeof *sellers, p->nsellers, &cap);
        sellers[p->nsellers++] = store_int(r, 0);
        const char *kind = store_text(r, 4);
        if (!strcmp(kind, HOME_KINDS[TSC_HOME_CENTROID])) continue;
        homes = arena_grow(arena, homes, sizeof *homes, p->nhomes, &hcap);
        struct tsc_home *h = &homes[p->nhomes++];
        memset(h, 0, sizeof *h);
        h->person_id = store_int(r, 0);
        h->kind = !strcmp(kind, HOME_KINDS[TSC_HOME_GIVEN]) ? TSC_HOME_GIVEN : TSC_HOME_ACCOUNT;
        h->lat = (double)store_int(r, 2) / 1e6;
        h->lon = (double)store_int(r, 3) / 1e6;
        h->account_id = store_int(r, 5);
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    p->sellers = sellers;
    p->homes = homes;

    if ((rc = store_query(db, SQL_LOCKS, PARAMS(SV_INT(id)), &r, e)) < 0) return rc;
    struct tsc_lock *locks = NULL;
    cap = 0;
    while ((rc = store_next(r, e)) > 0) {
        locks = arena_grow(arena, locks, sizeof *locks, p->nlocks, &cap);
        locks[p->nlocks].account_id = store_int(r, 0);
        locks[p->nlocks++].person_id = store_int(r, 2);
    }
    store_rows_free(r);
    p->locks = locks;
    return rc < 0 ? rc : 0;
}

int territory_scenario_may_apply(struct store *db, const struct principal *who, int64_t id,
                                 struct err *e)
{
    int rc = territory_scenario_visible(db, who, id, e);
    if (rc <= 0 || who->role == ROLE_ADMIN) return rc;
    /* every account's current owner at or below the manager: none taken from another tree */
    int64_t outside = 0;
    rc = store_int_query(db,
                         TREE_CTE(1) " SELECT COUNT(*) FROM territory_scenario_accounts r"
                                     " JOIN accounts a ON a.id = r.account_id"
                                     " WHERE r.scenario_id = $2 AND (a.owner_id IS NULL"
                                     " OR a.owner_id NOT IN (SELECT id FROM tree))",
                         PARAMS(SV_INT(who->person_id), SV_INT(id)), &outside, e);
    if (rc < 0) return rc;
    return outside == 0;
}

int territory_changes_json(struct store *db, int64_t root, json_t **out, struct err *e)
{
    int64_t sid = 0;
    int rc = store_int_query(
        db,
        TREE_CTE(1) " SELECT c.scenario_id FROM account_owner_changes c"
                    " WHERE c.scenario_id IS NOT NULL AND (c.from_owner_id IN (SELECT id FROM tree)"
                    " OR c.to_owner_id IN (SELECT id FROM tree))"
                    " ORDER BY c.changed_at DESC, c.scenario_id DESC LIMIT 1",
        PARAMS(SV_INT(root)), &sid, e);
    if (rc == REINS_ENOTFOUND) {
        *out = json_pack("{s:n, s:[]}", "scenario", "people");
        return 0;
    }
    if (rc < 0) return rc;
    struct store_rows *r;
    if ((rc = store_query(db,
                          "SELECT id, name, COALESCE(applied_at, 0) FROM territory_scenarios"
                          " WHERE id = $1",
                          PARAMS(SV_INT(sid)), &r, e)) < 0)
        return rc;
    if ((rc = store_next(r, e)) <= 0) {
        store_rows_free(r);
        return rc < 0 ? rc
                      : err_set(e, REINS_ENOTFOUND, "no territory scenario %lld", (long long)sid);
    }
    json_t *o = json_pack("{s:{s:I, s:s, s:I}}", "scenario", "id", (json_int_t)store_int(r, 0),
                          "name", store_text(r, 1), "applied_at", (json_int_t)store_int(r, 2));
    store_rows_free(r);
    json_t *people = json_array();
    json_object_set_new(o, "people", people);
    rc = store_query(
        db,
        TREE_CTE(1) ", moves(f, t, pipe) AS (SELECT c.from_owner_id, c.to_owner_id,"
                    " COALESCE(r.pipeline_minor, 0) FROM account_owner_changes c"
                    " LEFT JOIN territory_scenario_accounts r ON r.scenario_id = c.scenario_id"
                    " AND r.account_id = c.account_id WHERE c.scenario_id = $2)"
                    " SELECT p.id, p.name, (SELECT COUNT(*) FROM moves WHERE t = p.id),"
                    " (SELECT COUNT(*) FROM moves WHERE f = p.id),"
                    " (SELECT COALESCE(SUM(pipe), 0) FROM moves WHERE t = p.id),"
                    " (SELECT COALESCE(SUM(pipe), 0) FROM moves WHERE f = p.id)"
                    " FROM people p WHERE p.id IN (SELECT id FROM tree) ORDER BY p.name, p.id",
        PARAMS(SV_INT(root), SV_INT(sid)), &r, e);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    while ((rc = store_next(r, e)) > 0) {
        int64_t gained = store_int(r, 2), lost = store_int(r, 3);
        if (!gained && !lost) continue;
        json_array_append_new(people,
                              json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}", "person_id",
                                        (json_int_t)store_int(r, 0), "name", store_text(r, 1),
                                        "gained", (json_int_t)gained, "lost", (json_int_t)lost,
                                        "pipeline_gained_minor", (json_int_t)store_int(r, 4),
                                        "pipeline_lost_minor", (json_int_t)store_int(r, 5)));
    }
    store_rows_free(r);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    /* most changed first (a stable sort over the name order above) */
    size_t n = json_array_size(people);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            json_t *a = json_array_get(people, j - 1), *b = json_array_get(people, j);
            json_int_t ca = json_integer_value(json_object_get(a, "gained")) +
                            json_integer_value(json_object_get(a, "lost"));
            json_int_t cb = json_integer_value(json_object_get(b, "gained")) +
                            json_integer_value(json_object_get(b, "lost"));
            if (ca >= cb) break;
            json_incref(a);
            json_array_set(people, j - 1, b);
            json_array_set_new(people, j, a);
        }
    *out = o;
    return 0;
}

int territory_scenario_json(struct store *db, int64_t id, int accounts, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = scenario_row(db, id, &r, e);
    if (rc < 0) return rc;
    json_t *s = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:b, s:I, s:b, s:I, s:I, s:I, s:I}",
        "id", (json_int_t)store_int(r, 0), "name", store_text(r, 1), "status", store_text(r, 2),
        "segment", store_text(r, 3), "industry", store_text(r, 4), "team_id",
        (json_int_t)store_int(r, 5), "measures", store_text(r, 6), "tolerance_bp",
        (json_int_t)store_int(r, 7), "max_moves", (json_int_t)store_int(r, 8), "distance_m",
        (json_int_t)store_int(r, 9), "balanced", (int)store_int(r, 10), "max_violation_bp",
        (json_int_t)store_int(r, 11), "proven_optimal", (int)store_int(r, 12), "moves",
        (json_int_t)store_int(r, 13), "left_out", (json_int_t)store_int(r, 14), "created_at",
        (json_int_t)store_int(r, 15), "applied_at", (json_int_t)store_int(r, 16));
    json_object_set_new(s, "move_penalty_km", json_integer(store_int(r, 17)));
    json_object_set_new(s, "scope_person_id", json_integer(store_int(r, 18)));
    json_object_set_new(s, "owners_only", json_boolean(store_int(r, 19)));
    store_rows_free(r);
    /* sellers, with their territory's balance filled from the rows below */
    json_t *sellers = json_array();
    if ((rc = store_query(db, SQL_SELLERS, PARAMS(SV_INT(id)), &r, e)) < 0) goto fail;
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(
            sellers,
            json_pack("{s:I, s:s, s:f, s:f, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                      "person_id", (json_int_t)store_int(r, 0), "name", store_text(r, 1),
                      "home_latitude", (double)store_int(r, 2) / 1e6, "home_longitude",
                      (double)store_int(r, 3) / 1e6, "home_kind", store_text(r, 4),
                      "home_account_id", (json_int_t)store_int(r, 5), "accounts", (json_int_t)0,
                      "potential_minor", (json_int_t)0, "pipeline_minor", (json_int_t)0,
                      "distance_m", (json_int_t)0, "gained", (json_int_t)0, "lost", (json_int_t)0,
                      "pipeline_gained_minor", (json_int_t)0, "pipeline_lost_minor",
                      (json_int_t)0));
    store_rows_free(r);
    if (rc < 0) goto fail;
    json_t *rows = json_array();
    json_object_set_new(s, "sellers", sellers);
    int64_t moved = 0, moved_pipeline = 0;
    if ((rc = store_query(db, SQL_ROWS, PARAMS(SV_INT(id)), &r, e)) < 0) goto fail_rows;
    while ((rc = store_next(r, e)) > 0) {
        int64_t from = store_int(r, 2), to = store_int(r, 3), pipe = store_int(r, 5);
        size_t i;
        json_t *v;
        json_array_foreach(sellers, i, v)
        {
            int64_t pid = json_integer_value(json_object_get(v, "person_id"));
#define ADD(key, x)                                                                                \
    json_object_set_new(v, key, json_integer(json_integer_value(json_object_get(v, key)) + (x)))
            if (pid == to) {
                ADD("accounts", 1);
                ADD("potential_minor", store_int(r, 4));
                ADD("pipeline_minor", pipe);
                ADD("distance_m", store_int(r, 6));
                if (from != to) {
                    ADD("gained", 1);
                    ADD("pipeline_gained_minor", pipe);
                }
            }
            if (pid == from && to && from != to) {
                ADD("lost", 1);
                ADD("pipeline_lost_minor", pipe);
            }
#undef ADD
        }
        if (to && from != to) {
            moved++;
            moved_pipeline += pipe;
        }
        if (accounts)
            json_array_append_new(
                rows, json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:b}", "account_id",
                                (json_int_t)store_int(r, 0), "name", store_text(r, 1),
                                "from_owner_id", (json_int_t)from, "to_owner_id", (json_int_t)to,
                                "potential_minor", (json_int_t)store_int(r, 4), "pipeline_minor",
                                (json_int_t)pipe, "distance_m", (json_int_t)store_int(r, 6),
                                "latitude", (double)store_int(r, 7) / 1e6, "longitude",
                                (double)store_int(r, 8) / 1e6, "located", to != 0));
    }
    store_rows_free(r);
    if (rc < 0) goto fail_rows;
    json_object_set_new(s, "accounts_moved", json_integer(moved));
    json_object_set_new(s, "pipeline_moved_minor", json_integer(moved_pipeline));
    if (accounts) {
        json_object_set_new(s, "accounts", rows);
        json_t *locks = json_array();
        json_object_set_new(s, "locks", locks);
        if ((rc = store_query(db, SQL_LOCKS, PARAMS(SV_INT(id)), &r, e)) < 0) goto fail;
        while ((rc = store_next(r, e)) > 0)
            json_array_append_new(locks,
                                  json_pack("{s:I, s:s, s:I}", "account_id",
                                            (json_int_t)store_int(r, 0), "name", store_text(r, 1),
                                            "person_id", (json_int_t)store_int(r, 2)));
        store_rows_free(r);
        if (rc < 0) goto fail;
    } else {
        json_decref(rows);
    }
    *out = s;
    return 0;
fail_rows:
    json_decref(rows);
fail:
    if (!json_object_get(s, "sellers")) json_decref(sellers);
    json_decref(s);
    return rc;
}

int territory_scenario_apply(struct store *db, int64_t id, int64_t user_id, int64_t now,
                             int64_t *changed, struct err *e)
{
    struct arena arena = {0};
    int64_t done = 0;
    int rc = store_begin(db, e);
    if (rc < 0) return rc;
    int64_t ch = 0;
    rc = store_run(db, SQL_MARK_APPLIED, PARAMS(SV_INT(id), SV_INT(now), SV_ID(user_id)), &ch, e);
    if (rc < 0) goto fail;
    if (!ch) {
        int64_t c = 0;
        rc = store_int_query(db, "SELECT COUNT(*) FROM territory_scenarios WHERE id = $1",
                             PARAMS(SV_INT(id)), &c, e);
        if (rc >= 0)
            rc = c ? err_set(e, REINS_ECONFLICT, "territory scenario %lld was applied already",
                             (long long)id)
                   : err_set(e, REINS_ENOTFOUND, "no territory scenario %lld", (long long)id);
        goto fail;
    }
    /* a scenario run on owners that changed since is stale: it would undo someone's decision */
    int64_t stale = 0;
    rc = store_int_query(db, SQL_STALE, PARAMS(SV_INT(id)), &stale, e);
    if (rc < 0) goto fail;
    if (stale) {
        rc = err_set(e, REINS_ECONFLICT,
                     "%lld account(s) changed owner since territory scenario %lld ran: run it"
                     " again",
                     (long long)stale, (long long)id);
        goto fail;
    }
    /* the moves, read whole before writing (one cursor per connection) */
    struct store_rows *r;
    if ((rc = store_query(db, SQL_MOVES, PARAMS(SV_INT(id)), &r, e)) < 0) goto fail;
    size_t n = 0, cap = 0;
    int64_t *mv = NULL;
    while ((rc = store_next(r, e)) > 0) {
        mv = arena_grow(&arena, mv, 3 * sizeof(int64_t), n, &cap);
        mv[3 * n] = store_int(r, 0);
        mv[3 * n + 1] = store_int(r, 1);
        mv[3 * n + 2] = store_int(r, 2);
        n++;
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    struct change_source by = {arena_printf(&arena, "territory:%lld", (long long)id), user_id, now};
    for (size_t i = 0; i < n; i++) {
        int64_t acc = mv[3 * i], from = mv[3 * i + 1], to = mv[3 * i + 2], c = 0;
        rc = store_run(db, SQL_ACCOUNT_MOVE,
                       PARAMS(SV_INT(acc), SV_INT(to), SV_INT(from), SV_INT(now)), &c, e);
        if (rc < 0) goto fail;
        if (!c) {
            rc = err_set(e, REINS_ECONFLICT,
                         "account %lld changed owner since the scenario ran: run it again",
                         (long long)acc);
            goto fail;
        }
        rc = store_run(
            db, SQL_AUDIT_INSERT,
            PARAMS(SV_INT(acc), SV_ID(from), SV_INT(to), SV_INT(id), SV_ID(user_id), SV_INT(now)),
            NULL, e);
        if (rc < 0) goto fail;
        /* the previous owner's open deals on it follow it, with a history row each */
        if ((rc = store_query(db, SQL_OPEN_OPPS, PARAMS(SV_INT(acc), SV_INT(from)), &r, e)) < 0)
            goto fail;
        size_t no = 0, ocap = 0;
        int64_t *opp = NULL;
        while ((rc = store_next(r, e)) > 0) {
            opp = arena_grow(&arena, opp, sizeof(int64_t), no, &ocap);
            opp[no++] = store_int(r, 0);
        }
        store_rows_free(r);
        if (rc < 0) goto fail;
        for (size_t j = 0; j < no; j++) {
            struct opportunity o;
            if ((rc = opportunity_get(db, opp[j], &arena, &o, e)) < 0) goto fail;
            struct opp_state st = o.st;
            st.owner_id = to;
            rc = opportunity_write_state(db, opp[j], &o.st, &st, o.probability_manual, &by, e);
            if (rc < 0) goto fail;
        }
        done++;
    }
    if ((rc = store_commit(db, e)) < 0) goto fail;
    arena_release(&arena);
    if (changed) *changed = done;
    return 0;
fail:
    store_rollback(db);
    arena_release(&arena);
    return rc;
}

int territory_demo_fill(struct store *db, int64_t now, struct err *e)
{
    /* the team of the first account's owner, and its sellers who own accounts */
    int64_t team = 0;
    int rc = store_int_query(db,
                             "SELECT p.team_id FROM accounts a JOIN people p ON p.id = a.owner_id"
                             " WHERE p.team_id IS NOT NULL ORDER BY a.id LIMIT 1",
                             NO_PARAMS, &team, e);
    if (rc == REINS_ENOTFOUND) return 0; /* no accounts: nothing to align */
    if (rc < 0) return rc;
    struct store_rows *r;
    rc = store_query(db,
                     "SELECT DISTINCT a.owner_id FROM accounts a JOIN people p ON p.id = a.owner_id"
                     " WHERE p.team_id = $1 ORDER BY a.owner_id",
                     PARAMS(SV_INT(team)), &r, e);
    if (rc < 0) return rc;
    int64_t sellers[TSC_MAX_SELLERS];
    size_t n = 0;
    while ((rc = store_next(r, e)) > 0)
        if (n < TSC_MAX_SELLERS) sellers[n++] = store_int(r, 0);
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!n) return 0;
    struct tsc_params p = {.name = "Rebalance one team on potential",
                           .team_id = team,
                           .measures = TSC_ACCOUNTS | TSC_POTENTIAL,
                           .tolerance_bp = 1500,
                           /* a realignment that keeps most relationships */
                           .max_moves = 40,
                           .sellers = sellers,
                           .nsellers = n,
                           .time_limit = 5,
                           .max_iter = 20000};
    return scenario_create(db, &p, 0, now, 1, NULL, e);
}

int territory_my_changes_json(struct store *db, int64_t person, json_t **out, struct err *e)
{
    json_t *o;
    int rc = territory_changes_json(db, person, &o, e); /* the tree of one: person alone */
    if (rc < 0) return rc;
    json_object_del(o, "people");
    json_t *gained = json_array(), *lost = json_array();
    json_object_set_new(o, "gained", gained);
    json_object_set_new(o, "lost", lost);
    json_t *sc = json_object_get(o, "scenario");
    if (!json_is_object(sc)) {
        *out = o;
        return 0;
    }
    struct store_rows *r;
    rc = store_query(db,
                     "SELECT c.account_id, a.name, COALESCE(r.pipeline_minor, 0),"
                     " c.to_owner_id = $2, COALESCE(po.name, '')"
                     " FROM account_owner_changes c JOIN accounts a ON a.id = c.account_id"
                     " LEFT JOIN territory_scenario_accounts r ON r.scenario_id = c.scenario_id"
                     " AND r.account_id = c.account_id"
                     " LEFT JOIN people po ON po.id = CASE WHEN c.to_owner_id = $2"
                     " THEN c.from_owner_id ELSE c.to_owner_id END"
                     " WHERE c.scenario_id = $1 AND (c.to_owner_id = $2 OR c.from_owner_id = $2)"
                     " ORDER BY a.name, a.id",
                     PARAMS(SV_INT(json_integer_value(json_object_get(sc, "id"))), SV_INT(person)),
                     &r, e);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(store_int(r, 3) ? gained : lost,
                              json_pack("{s:I, s:s, s:I, s:s}", "account_id",
                                        (json_int_t)store_int(r, 0), "name", store_text(r, 1),
                                        "pipeline_minor", (json_int_t)store_int(r, 2), "other",
                                        store_text(r, 4)));
    store_rows_free(r);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

int territory_accounts_json(struct store *db, const struct principal *who, json_t **out,
                            struct err *e)
{
    int64_t scope = who->role == ROLE_ADMIN ? 0 : who->person_id;
    if (who->role != ROLE_ADMIN && (who->role != ROLE_MANAGER || !scope))
        return err_set(e, REINS_EFORBIDDEN, "territory scenarios are for managers and admins");
    struct store_rows *r;
    int rc = store_query(db,
                         TREE_CTE(1) " SELECT a.id, a.name, a.segment, a.industry,"
                                     " COALESCE(a.owner_id, 0), a.latitude_e6 IS NOT NULL AND"
                                     " a.longitude_e6 IS NOT NULL FROM accounts a"
                                     " WHERE CAST($1 AS BIGINT) = 0"
                                     " OR a.owner_id IN (SELECT id FROM tree)"
                                     " ORDER BY a.name, a.id",
                         PARAMS(SV_INT(scope)), &r, e);
    if (rc < 0) return rc;
    json_t *accounts = json_array(), *seg = json_object(), *ind = json_object();
    while ((rc = store_next(r, e)) > 0) {
        const char *sg = store_text(r, 2), *in = store_text(r, 3);
        json_array_append_new(
            accounts, json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)store_int(r, 0),
                                "name", store_text(r, 1), "segment", sg, "industry", in, "owner_id",
                                (json_int_t)store_int(r, 4), "located", (int)store_int(r, 5)));
        if (*sg) json_object_set_new(seg, sg, json_true());
        if (*in) json_object_set_new(ind, in, json_true());
    }
    store_rows_free(r);
    if (rc < 0) {
        json_decref(accounts);
        json_decref(seg);
        json_decref(ind);
        return rc;
    }
    /* the distinct values, sorted (jansson keeps insertion order: sort the keys here) */
    json_t *lists[2] = {json_array(), json_array()}, *sets[2] = {seg, ind};
    for (int l = 0; l < 2; l++) {
        const char *key;
        json_t *v;
        json_object_foreach(sets[l], key, v) json_array_append_new(lists[l], json_string(key));
        size_t n = json_array_size(lists[l]);
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && strcmp(json_string_value(json_array_get(lists[l], j - 1)),
                                               json_string_value(json_array_get(lists[l], j))) > 0;
                 j--) {
                json_t *a = json_incref(json_array_get(lists[l], j - 1));
                json_array_set(lists[l], j - 1, json_array_get(lists[l], j));
                json_array_set_new(lists[l], j, a);
            }
        json_decref(sets[l]);
    }
    *out = json_pack("{s:o, s:o, s:o}", "accounts", accounts, "segments", lists[0], "industries",
                     lists[1]);
    return 0;
}
