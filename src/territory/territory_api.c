/* territory_api.c -- the /api/v1/territory routes (see docs/api.md). */
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/text.h"
#include "territory/territory_product.h"

/* Scenarios are for admins and managers; sellers see their accounts instead. A manager plans
 * within their tree; `reins user add` refuses a manager without a person, and should one exist it
 * plans nothing rather than fall through to an admin's reach (scope 0). */
static int can_plan(struct api_call *call)
{
    if (call->who.role == ROLE_ADMIN || (call->who.role == ROLE_MANAGER && call->who.person_id))
        return 1;
    err_set(&call->err, REINS_EFORBIDDEN, "territory scenarios are for managers and admins");
    return 0;
}

static void list_scenarios(struct api_call *call)
{
    if (!can_plan(call)) return api_fail(call);
    int64_t *ids;
    size_t n;
    if (territory_scenario_list(call->db, &call->who, call->req->arena, &ids, &n, &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s;
        if (territory_scenario_json(call->db, ids[i], 0, &s, &call->err) < 0) {
            json_decref(a);
            return api_fail(call);
        }
        json_array_append_new(a, s);
    }
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "scenarios", a));
}

/* One visible scenario as JSON, or an error in call->err. A scenario the caller may not see
 * is not found, as for people. */
static json_t *visible_scenario(struct api_call *call, int64_t id)
{
    int rc = territory_scenario_visible(call->db, &call->who, id, &call->err);
    if (rc == 0) err_set(&call->err, REINS_ENOTFOUND, "no territory scenario %lld", (long long)id);
    if (rc <= 0) return NULL;
    json_t *s;
    if (territory_scenario_json(call->db, id, 1, &s, &call->err) < 0) return NULL;
    return s;
}

static void get_scenario(struct api_call *call)
{
    if (!can_plan(call)) return api_fail(call);
    json_t *s = visible_scenario(call, call->ids[0]);
    if (!s) return api_fail(call);
    reply_json(call->req, call->res, 200, s);
}

static int query_id(struct api_call *call, const char *name, int64_t *out)
{
    const char *v = http_query(call->req, name);
    if (!v || parse_int64(v, out) < 0 || *out < 1)
        return err_field(&call->err, REINS_EINVAL, name, "query %s: a scenario id", name);
    return 0;
}

/* How many accounts two scenarios (JSON with accounts) assign to different sellers. Both
 * account lists are sorted by account id: walk them together. */
static json_int_t assigned_differently(json_t *sa, json_t *sb)
{
    json_int_t differ = 0;
    json_t *la = json_object_get(sa, "accounts"), *lb = json_object_get(sb, "accounts");
    size_t i = 0, j = 0, na = json_array_size(la), nb = json_array_size(lb);
    while (i < na && j < nb) {
        json_t *ra = json_array_get(la, i), *rb = json_array_get(lb, j);
        json_int_t ia = json_integer_value(json_object_get(ra, "account_id"));
        json_int_t ib = json_integer_value(json_object_get(rb, "account_id"));
        if (ia < ib) {
            i++;
        } else if (ib < ia) {
            j++;
        } else {
            if (json_integer_value(json_object_get(ra, "to_owner_id")) !=
                json_integer_value(json_object_get(rb, "to_owner_id")))
                differ++;
            i++;
            j++;
        }
    }
    return differ;
}

#define COMPARE_MAX 4

/* Scenarios side by side: ?ids=1,2,3 (2 to COMPARE_MAX) or ?a=1&b=2. Each comes whole, and
 * "assigned_differently" says how many accounts each assigns differently from the first. */
static void compare(struct api_call *call)
{
    if (!can_plan(call)) return api_fail(call);
    int64_t ids[COMPARE_MAX];
    size_t n = 0;
    const char *list = http_query(call->req, "ids");
    if (list) {
        const char *q = list;
        while (*q) {
            char part[24];
            size_t len = strcspn(q, ",");
            int64_t v = 0;
            if (n == COMPARE_MAX || len == 0 || len >= sizeof part) goto bad_ids;
            memcpy(part, q, len);
            part[len] = 0;
            if (parse_int64(part, &v) < 0 || v < 1) goto bad_ids;
            ids[n++] = v;
            q += len + (q[len] == ',');
        }
        if (n < 2) goto bad_ids;
    } else {
        if (query_id(call, "a", &ids[0]) < 0 || query_id(call, "b", &ids[1]) < 0)
            return api_fail(call);
        n = 2;
    }
    json_t *all = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s = visible_scenario(call, ids[i]);
        if (!s) {
            json_decref(all);
            return api_fail(call);
        }
        json_array_append_new(all, s);
    }
    json_t *diff = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(diff, json_integer(assigned_differently(json_array_get(all, 0),
                                                                      json_array_get(all, i))));
    reply_json(call->req, call->res, 200,
               json_pack("{s:O, s:O, s:I, s:o, s:o}", "a", json_array_get(all, 0), "b",
                         json_array_get(all, 1), "accounts_assigned_differently",
                         json_integer_value(json_array_get(diff, 1)), "assigned_differently", diff,
                         "scenarios", all));
    return;
bad_ids:
    err_field(&call->err, REINS_EINVAL, "ids", "query ids: 2 to %d scenario ids, comma-separated",
              COMPARE_MAX);
    api_fail(call);
}

static int read_ids(json_t *arr, int64_t *out, size_t *n, struct err *e)
{
    if (!json_is_array(arr) || json_array_size(arr) < 1 || json_array_size(arr) > TSC_MAX_SELLERS)
        return err_field(e, REINS_EINVAL, "sellers",
                         "field sellers: an array of 1 to %d person ids", TSC_MAX_SELLERS);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return err_field(e, REINS_EINVAL, "sellers", "field sellers: item %zu is not an id", i);
        out[i] = json_integer_value(v);
    }
    *n = json_array_size(arr);
    return 0;
}

static int read_measures(json_t *arr, int *out, struct err *e)
{
    *out = 0;
    size_t i;
    json_t *v;
    if (!json_is_array(arr))
        return err_field(e, REINS_EINVAL, "measures",
                         "field measures: an array of accounts, potential, pipeline");
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        int m = !s                        ? 0
                : !strcmp(s, "accounts")  ? TSC_ACCOUNTS
                : !strcmp(s, "potential") ? TSC_POTENTIAL
                : !strcmp(s, "pipeline")  ? TSC_PIPELINE
                                          : 0;
        if (!m)
            return err_field(e, REINS_EINVAL, "measures",
                             "field measures: item %zu must be accounts, potential or pipeline", i);
        *out |= m;
    }
    return 0;
}

/* "locks": [{"account_id", "person_id"}] into out (arena). */
static int read_locks(json_t *arr, struct arena *arena, struct tsc_lock **out, size_t *n,
                      struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr)) return 0;
    if (!json_is_array(arr) || json_array_size(arr) > TSC_MAX_LOCKS)
        return err_field(e, REINS_EINVAL, "locks",
                         "field locks: an array of up to %d {account_id, person_id}",
                         TSC_MAX_LOCKS);
    *out = arena_alloc(arena, (json_array_size(arr) + 1) * sizeof **out);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        json_t *acc = json_object_get(v, "account_id"), *who = json_object_get(v, "person_id");
        if (!json_is_object(v) || json_object_size(v) != 2 || !json_is_integer(acc) ||
            !json_is_integer(who) || json_integer_value(acc) < 1 || json_integer_value(who) < 1)
            return err_field(e, REINS_EINVAL, "locks",
                             "field locks: item %zu: {\"account_id\": id, \"person_id\": id}", i);
        (*out)[i].account_id = json_integer_value(acc);
        (*out)[i].person_id = json_integer_value(who);
    }
    *n = json_array_size(arr);
    return 0;
}

/* "homes": [{"person_id", "latitude", "longitude"} or {"person_id", "account_id"}]. */
static int read_homes(json_t *arr, struct arena *arena, struct tsc_home **out, size_t *n,
                      struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr)) return 0;
    if (!json_is_array(arr) || json_array_size(arr) > TSC_MAX_SELLERS)
        return err_field(e, REINS_EINVAL, "homes", "field homes: an array of up to %d homes",
                         TSC_MAX_SELLERS);
    *out = arena_alloc(arena, (json_array_size(arr) + 1) * sizeof **out);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        struct tsc_home *h = &(*out)[i];
        json_t *who = json_object_get(v, "person_id"), *acc = json_object_get(v, "account_id");
        json_t *lat = json_object_get(v, "latitude"), *lon = json_object_get(v, "longitude");
        if (!json_is_object(v) || !json_is_integer(who) || json_integer_value(who) < 1)
            return err_field(e, REINS_EINVAL, "homes", "field homes: item %zu: a person_id", i);
        h->person_id = json_integer_value(who);
        if (json_is_integer(acc) && !lat && !lon && json_object_size(v) == 2) {
            h->kind = TSC_HOME_ACCOUNT;
            h->account_id = json_integer_value(acc);
        } else if (!acc && json_is_number(lat) && json_is_number(lon) && json_object_size(v) == 3) {
            h->kind = TSC_HOME_GIVEN;
            h->lat = json_number_value(lat);
            h->lon = json_number_value(lon);
        } else {
            return err_field(e, REINS_EINVAL, "homes",
                             "field homes: item %zu: latitude and longitude, or an account_id", i);
        }
    }
    *n = json_array_size(arr);
    return 0;
}

/* Body {"name", "sellers": [ids], "measures": [...], "tolerance_bp", "max_moves"?,
 * "move_penalty_km"?, "segment"?, "industry"?, "team_id"?, "locks"?, "homes"?,
 * "time_limit_ms"?}: build, run and store a draft. A manager plans for their tree. */
static void create_scenario(struct api_call *call)
{
    static const char *const allowed[] = {
        "name",        "sellers",  "measures", "tolerance_bp", "max_moves", "move_penalty_km",
        "segment",     "industry", "team_id",  "locks",        "homes",     "time_limit_ms",
        "owners_only", NULL};
    if (!can_plan(call)) return api_fail(call);
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    struct err *e = &call->err;
    struct tsc_params p = {.max_moves = -1, .tolerance_bp = 500};
    int64_t sellers[TSC_MAX_SELLERS], tol = 500, moves = -1, ms = 2000;
    int isnull = 0;
    json_t *v;
    if (call->who.role == ROLE_MANAGER) p.scope_person_id = call->who.person_id;
    int rc = json_check_fields(body, allowed, e);
    if (rc >= 0) rc = json_get_string(body, "name", &p.name, e);
    if (rc >= 0) rc = json_get_string(body, "segment", &p.segment, e);
    if (rc >= 0) rc = json_get_string(body, "industry", &p.industry, e);
    if (rc >= 0) rc = json_get_id(body, "team_id", &p.team_id, &isnull, e);
    if (rc >= 0) rc = read_ids(json_object_get(body, "sellers"), sellers, &p.nsellers, e);
    if (rc >= 0) rc = read_measures(json_object_get(body, "measures"), &p.measures, e);
    struct tsc_lock *locks = NULL;
    struct tsc_home *homes = NULL;
    if (rc >= 0)
        rc = read_locks(json_object_get(body, "locks"), call->req->arena, &locks, &p.nlocks, e);
    if (rc >= 0)
        rc = read_homes(json_object_get(body, "homes"), call->req->arena, &homes, &p.nhomes, e);
    p.locks = locks;
    p.homes = homes;
    v = json_object_get(body, "owners_only");
    if (rc >= 0 && v) {
        if (!json_is_boolean(v))
            rc = err_field(e, REINS_EINVAL, "owners_only", "field owners_only: true or false");
        else
            p.owners_only = json_is_true(v);
    }
    v = json_object_get(body, "move_penalty_km");
    if (rc >= 0 && v) {
        if (!json_is_integer(v))
            rc = err_field(e, REINS_EINVAL, "move_penalty_km",
                           "field move_penalty_km: a whole number of kilometres");
        else
            p.move_penalty_km = (long)json_integer_value(v);
    }
    v = json_object_get(body, "tolerance_bp");
    if (rc >= 0 && v) {
        if (!json_is_integer(v))
            rc = err_field(e, REINS_EINVAL, "tolerance_bp", "field tolerance_bp: an integer");
        else
            tol = json_integer_value(v);
    }
    v = json_object_get(body, "max_moves");
    if (rc >= 0 && v && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            rc = err_field(e, REINS_EINVAL, "max_moves",
                           "field max_moves: a whole number, or null for any");
        else
            moves = json_integer_value(v);
    }
    v = json_object_get(body, "time_limit_ms");
    if (rc >= 0 && v) {
        if (!json_is_integer(v) || json_integer_value(v) < 10 || json_integer_value(v) > 10000)
            rc = err_field(e, REINS_EINVAL, "time_limit_ms",
                           "field time_limit_ms: from 10 to 10000");
        else
            ms = json_integer_value(v);
    }
    p.sellers = sellers;
    p.tolerance_bp = tol;
    p.max_moves = (long)moves;
    p.time_limit = (double)ms / 1000.0;
    int64_t id = 0;
    if (rc >= 0)
        rc =
            territory_scenario_create(call->db, &p, call->who.user_id, (int64_t)time(NULL), &id, e);
    json_decref(body); /* p's strings were borrowed from it */
    if (rc < 0) return api_fail(call);
    json_t *s;
    if (territory_scenario_json(call->db, id, 1, &s, e) < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, s);
}

/* A manager applies what they may (territory_scenario_may_apply); one they cannot see is not
 * found. */
static void apply_scenario(struct api_call *call)
{
    if (!can_plan(call)) return api_fail(call);
    int rc = territory_scenario_may_apply(call->db, &call->who, call->ids[0], &call->err);
    if (rc == 0 && territory_scenario_visible(call->db, &call->who, call->ids[0], &call->err) == 1)
        err_set(&call->err, REINS_EFORBIDDEN,
                "this scenario moves accounts owned outside your reporting tree: an admin"
                " applies it");
    else if (rc == 0)
        err_set(&call->err, REINS_ENOTFOUND, "no territory scenario %lld", (long long)call->ids[0]);
    if (rc <= 0) return api_fail(call);
    int64_t changed = 0;
    if (territory_scenario_apply(call->db, call->ids[0], call->who.user_id, (int64_t)time(NULL),
                                 &changed, &call->err) < 0)
        return api_fail(call);
    json_t *s;
    if (territory_scenario_json(call->db, call->ids[0], 0, &s, &call->err) < 0)
        return api_fail(call);
    json_object_set_new(s, "accounts_changed", json_integer(changed));
    reply_json(call->req, call->res, 200, s);
}

/* The caller's own territory: the accounts they own, with coordinates. */
static void my_territory(struct api_call *call)
{
    if (!call->who.person_id)
        return reply_json(call->req, call->res, 200,
                          json_pack("{s:[], s:{s:n, s:[], s:[]}}", "accounts", "changes",
                                    "scenario", "gained", "lost"));
    struct store_rows *r;
    if (store_query(call->db,
                    "SELECT id, name, latitude_e6 IS NOT NULL, COALESCE(latitude_e6, 0),"
                    " COALESCE(longitude_e6, 0), potential_minor FROM accounts WHERE owner_id = $1"
                    " ORDER BY name, id",
                    PARAMS(SV_INT(call->who.person_id)), &r, &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    int rc;
    while ((rc = store_next(r, &call->err)) > 0) {
        json_t *o = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)store_int(r, 0), "name",
                              store_text(r, 1), "potential_minor", (json_int_t)store_int(r, 5));
        if (store_int(r, 2)) {
            json_object_set_new(o, "latitude", json_real((double)store_int(r, 3) / 1e6));
            json_object_set_new(o, "longitude", json_real((double)store_int(r, 4) / 1e6));
        }
        json_array_append_new(a, o);
    }
    store_rows_free(r);
    if (rc < 0) {
        json_decref(a);
        return api_fail(call);
    }
    json_t *changes;
    if (territory_my_changes_json(call->db, call->who.person_id, &changes, &call->err) < 0) {
        json_decref(a);
        return api_fail(call);
    }
    reply_json(call->req, call->res, 200,
               json_pack("{s:o, s:o}", "accounts", a, "changes", changes));
}

/* The accounts a planner may choose, for the scenario form. */
static void plannable_accounts(struct api_call *call)
{
    json_t *o;
    if (territory_accounts_json(call->db, &call->who, &o, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, o);
}

/* Who gained and who lost in the latest realignment of ?person_id's tree (default: the
 * caller's own). Someone the caller may not see is not found. */
static void changes(struct api_call *call)
{
    int64_t root = call->who.person_id;
    const char *v = http_query(call->req, "person_id");
    if (v && (parse_int64(v, &root) < 0 || root < 1)) {
        err_field(&call->err, REINS_EINVAL, "person_id", "query person_id: a person id");
        return api_fail(call);
    }
    if (!root) {
        err_field(&call->err, REINS_EINVAL, "person_id", "query person_id: you are not a person");
        return api_fail(call);
    }
    int rc = access_can_see_person(call->db, &call->who, root, &call->err);
    if (rc == 0) err_set(&call->err, REINS_ENOTFOUND, "no person %lld", (long long)root);
    if (rc <= 0) return api_fail(call);
    json_t *o;
    if (territory_changes_json(call->db, root, &o, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, o);
}

const struct route territory_routes[] = {
    {"GET", "/api/v1/territory/scenarios", list_scenarios, 0},
    {"POST", "/api/v1/territory/scenarios", create_scenario, 0},
    {"GET", "/api/v1/territory/scenarios/{id}", get_scenario, 0},
    {"POST", "/api/v1/territory/scenarios/{id}/apply", apply_scenario, 0},
    {"GET", "/api/v1/territory/compare", compare, 0},
    {"GET", "/api/v1/territory/mine", my_territory, 0},
    {"GET", "/api/v1/territory/accounts", plannable_accounts, 0},
    {"GET", "/api/v1/territory/changes", changes, 0},
    {0},
};
