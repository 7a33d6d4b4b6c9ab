/* quotas_api.c -- the /api/v1 routes of goals and quotas (see docs/api.md). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/text.h"
#include "people/people.h"
#include "quotas/quotas.h"

static int64_t today_days(void)
{
    char d[11];
    date_today(d);
    return date_to_days(d);
}

/* The period of the query's `period` (a key) or, without one, the current
 * quarter; and the as-of day of `as_of` (YYYY-MM-DD), else today. */
static int query_period(struct api_call *call, const struct quota_settings *s, struct period *p,
                        int64_t *as_of)
{
    const char *key = http_query(call->req, "period");
    const char *date = http_query(call->req, "as_of");
    if (date && date_check(date, "as_of", &call->err) < 0) return REINS_EINVAL;
    if (as_of) *as_of = date ? date_to_days(date) : today_days();
    if (key) return period_parse(key, s->fiscal_start_month, "period", p, &call->err);
    period_of_day(PERIOD_QUARTER, today_days(), s->fiscal_start_month, p);
    return 0;
}

static json_t *period_to_json(const struct period *p)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:i}", "key", p->key, "kind", period_kind_name(p->kind),
                     "start", p->start, "end", p->end, "months", p->months);
}

/* ---- settings ------------------------------------------------------------------------------ */

static json_t *settings_to_json(const struct quota_settings *s)
{
    return json_pack("{s:i, s:s, s:o}", "fiscal_start_month", s->fiscal_start_month, "currency",
                     s->currency, "default_ramp", ramp_to_json(&s->ramp));
}

static void get_settings(struct api_call *call)
{
    struct quota_settings s;
    if (quota_settings_get(call->db, &s, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, settings_to_json(&s));
}

static void put_settings(struct api_call *call)
{
    static const char *const allowed[] = {"fiscal_start_month", "currency", "default_ramp", NULL};
    struct err *e = &call->err;
    json_t *body;
    struct quota_settings s;
    if (request_json_object(call->req, &body, e) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, e);
    if (rc == 0) rc = quota_settings_get(call->db, &s, e);
    json_t *v;
    if (rc == 0 && (v = json_object_get(body, "fiscal_start_month"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 12)
            rc = err_field(e, REINS_EINVAL, "fiscal_start_month",
                           "field fiscal_start_month: must be a month from 1 to 12");
        else
            s.fiscal_start_month = (int)json_integer_value(v);
    }
    const char *currency = NULL;
    if (rc == 0 && (rc = json_get_string(body, "currency", &currency, e)) > 0) {
        if (!currency || strlen(currency) != 3)
            rc = err_field(e, REINS_EINVAL, "currency",
                           "field currency: must be three upper-case letters such as USD");
        else
            memcpy(s.currency, currency, 4); /* quota_settings_set checks the letters */
    }
    if (rc >= 0 && (v = json_object_get(body, "default_ramp")))
        rc = ramp_from_json(v, "default_ramp", &s.ramp, e);
    if (rc >= 0) rc = quota_settings_set(call->db, &s, (int64_t)time(NULL), e);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    get_settings(call);
}

/* ---- periods ------------------------------------------------------------------------------- */

/* GET /periods?period=KEY or ?kind=month|quarter|year&date=YYYY-MM-DD: the period with its
 * neighbours, so pages can step through time without knowing the fiscal calendar. */
static void get_period(struct api_call *call)
{
    struct quota_settings s;
    struct period p, prev, next;
    if (quota_settings_get(call->db, &s, &call->err) < 0) return api_fail(call);
    const char *kind_s = http_query(call->req, "kind"), *date = http_query(call->req, "date");
    if (kind_s || date) {
        enum period_kind kind = kind_s ? period_kind_parse(kind_s) : PERIOD_QUARTER;
        if (!kind) {
            err_field(&call->err, REINS_EINVAL, "kind",
                      "query kind: must be month, quarter or year");
            return api_fail(call);
        }
        if (date && date_check(date, "date", &call->err) < 0) return api_fail(call);
        period_of_day(kind, date ? date_to_days(date) : today_days(), s.fiscal_start_month, &p);
    } else if (query_period(call, &s, &p, NULL) < 0) {
        return api_fail(call);
    }
    period_shift(&p, -1, s.fiscal_start_month, &prev);
    period_shift(&p, 1, s.fiscal_start_month, &next);
    json_t *o = period_to_json(&p);
    json_object_set_new(o, "previous", json_string(prev.key));
    json_object_set_new(o, "next", json_string(next.key));
    reply_json(call->req, call->res, 200, o);
}

/* ---- quotas -------------------------------------------------------------------------------- */

static void list_quotas(struct api_call *call)
{
    struct quota_settings s;
    struct period p;
    struct quota *v;
    size_t n;
    if (quota_settings_get(call->db, &s, &call->err) < 0 || query_period(call, &s, &p, NULL) < 0 ||
        quotas_list(call->db, &call->who, &p, call->req->arena, &v, &n, &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, quota_to_json(&v[i]));
    reply_json(call->req, call->res, 200,
               json_pack("{s:o, s:o}", "period", period_to_json(&p), "quotas", a));
}

static void put_quota(struct api_call *call)
{
    static const char *const allowed[] = {"person_id", "team_id",    "period", "amount_minor",
                                          "currency",  "deal_count", NULL};
    struct err *e = &call->err;
    json_t *body;
    if (request_json_object(call->req, &body, e) < 0) return api_fail(call);
    struct quota_fields f = {.deal_count = -1};
    int rc = json_check_fields(body, allowed, e);
    if (rc >= 0) rc = json_get_id(body, "person_id", &f.person_id, NULL, e);
    if (rc >= 0) rc = json_get_id(body, "team_id", &f.team_id, NULL, e);
    if (rc >= 0) rc = json_get_string(body, "period", &f.period, e);
    if (rc >= 0) rc = json_get_string(body, "currency", &f.currency, e);
    json_t *v = json_object_get(body, "amount_minor");
    if (rc >= 0 && !json_is_integer(v))
        rc = err_field(e, REINS_EINVAL, "amount_minor",
                       "field amount_minor: required, a whole number of minor units");
    if (rc >= 0) f.amount_minor = json_integer_value(v);
    v = json_object_get(body, "deal_count");
    if (rc >= 0 && v && !json_is_null(v)) {
        if (!json_is_integer(v))
            rc = err_field(e, REINS_EINVAL, "deal_count",
                           "field deal_count: must be a whole number or null");
        else
            f.deal_count = json_integer_value(v) < 0 ? -2 : json_integer_value(v);
    }
    int64_t id = 0;
    if (rc >= 0) rc = quota_set(call->db, &f, 0, (int64_t)time(NULL), &id, e);
    json_decref(body);
    struct quota q;
    if (rc < 0 || quota_get(call->db, id, call->req->arena, &q, e) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, quota_to_json(&q));
}

static void delete_quota(struct api_call *call)
{
    if (quota_delete(call->db, call->ids[0], &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 204, NULL);
}

static void import_quotas(struct api_call *call)
{
    struct import_result res;
    int rc = quotas_import_csv(call->db, call->req->body, call->req->body_len, (int64_t)time(NULL),
                               &res, &call->err);
    api_reply_import(call, rc, &res,
                     json_pack("{s:i, s:i}", "created", res.created, "updated", res.updated));
    import_result_release(&res);
}

/* ---- ramps --------------------------------------------------------------------------------- */

/* 404 for a person the caller may not see, as everywhere. */
static int check_person(struct api_call *call, int64_t id)
{
    int rc = access_can_see_person(call->db, &call->who, id, &call->err);
    if (rc < 0) return rc;
    if (!rc) return err_set(&call->err, REINS_ENOTFOUND, "no person with id %lld", (long long)id);
    return 0;
}

static void get_ramp(struct api_call *call)
{
    int64_t id = call->ids[0];
    struct quota_settings s;
    struct person p;
    struct ramp r;
    int override;
    if (check_person(call, id) < 0 || quota_settings_get(call->db, &s, &call->err) < 0 ||
        people_get(call->db, id, call->req->arena, &p, &call->err) < 0 ||
        ramp_for_person(call->db, id, &s, &r, &override, &call->err) < 0)
        return api_fail(call);
    /* each month's share from the start month to the first at 100%, so nobody has to
     * apply the 15th rule by hand (a late start adds a month at 0%) */
    struct period m;
    period_of_day(PERIOD_MONTH, date_to_days(p.start_date), s.fiscal_start_month, &m);
    int nmonths = r.n + 1 + (atoi(p.start_date + 8) > 15);
    json_t *months = json_array();
    for (int i = 0; i < nmonths; i++) {
        struct period mi;
        period_shift(&m, i, s.fiscal_start_month, &mi);
        json_array_append_new(
            months,
            json_pack("{s:s, s:I}", "month", mi.key, "bp",
                      (json_int_t)ramp_month_bp(&r, date_to_days(p.start_date), mi.first_month)));
    }
    reply_json(call->req, call->res, 200,
               json_pack("{s:I, s:s, s:o, s:b, s:o}", "person_id", (json_int_t)id, "start_date",
                         p.start_date, "steps", ramp_to_json(&r), "override", override, "months",
                         months));
}

static void put_ramp(struct api_call *call)
{
    static const char *const allowed[] = {"steps", NULL};
    json_t *body;
    struct ramp r;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = ramp_from_json(json_object_get(body, "steps"), "steps", &r, &call->err);
    if (rc >= 0)
        rc = ramp_override_set(call->db, call->ids[0], &r, (int64_t)time(NULL), &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    get_ramp(call);
}

static void delete_ramp(struct api_call *call)
{
    if (ramp_override_clear(call->db, call->ids[0], &call->err) < 0) return api_fail(call);
    get_ramp(call);
}

/* ---- attainment ---------------------------------------------------------------------------- */

static json_t *lines_to_json(const struct attainment_line *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, attainment_line_to_json(&v[i]));
    return a;
}

static void person_attainment(struct api_call *call)
{
    struct quota_settings s;
    struct period p;
    int64_t as_of;
    struct attainment_line l;
    if (check_person(call, call->ids[0]) < 0 || quota_settings_get(call->db, &s, &call->err) < 0 ||
        query_period(call, &s, &p, &as_of) < 0 ||
        attainment_person(call->db, call->ids[0], &p, as_of, call->req->arena, &l, &call->err) < 0)
        return api_fail(call);
    char d[11];
    date_from_days(as_of, d);
    reply_json(call->req, call->res, 200,
               json_pack("{s:o, s:s, s:o}", "period", period_to_json(&p), "as_of", d, "line",
                         attainment_line_to_json(&l)));
}

static void team_attainment(struct api_call *call)
{
    struct quota_settings s;
    struct period p;
    int64_t as_of, summed;
    struct attainment_line l, *members;
    size_t n;
    int rc = quota_can_see_team(call->db, &call->who, call->ids[0], &call->err);
    if (rc == 0)
        rc = err_set(&call->err, REINS_ENOTFOUND, "no team with id %lld", (long long)call->ids[0]);
    if (rc < 0 || quota_settings_get(call->db, &s, &call->err) < 0 ||
        query_period(call, &s, &p, &as_of) < 0 ||
        attainment_team(call->db, call->ids[0], &p, as_of, call->req->arena, &l, &summed, &members,
                        &n, &call->err) < 0)
        return api_fail(call);
    char d[11];
    date_from_days(as_of, d);
    json_t *o = json_pack("{s:o, s:s, s:o, s:I, s:o}", "period", period_to_json(&p), "as_of", d,
                          "line", attainment_line_to_json(&l), "summed_minor", (json_int_t)summed,
                          "members", lines_to_json(members, n));
    /* set minus summed: what the team must find beyond its members' quotas */
    json_object_set_new(o, "difference_minor",
                        l.has_quota ? json_integer(l.quota_set_minor - summed) : json_null());
    reply_json(call->req, call->res, 200, o);
}

static void tree_attainment(struct api_call *call)
{
    struct quota_settings s;
    struct period p;
    int64_t as_of;
    struct attainment_line total, *lines;
    size_t n;
    if (check_person(call, call->ids[0]) < 0 || quota_settings_get(call->db, &s, &call->err) < 0 ||
        query_period(call, &s, &p, &as_of) < 0 ||
        attainment_tree(call->db, call->ids[0], &p, as_of, call->req->arena, &total, &lines, &n,
                        &call->err) < 0)
        return api_fail(call);
    char d[11];
    date_from_days(as_of, d);
    reply_json(call->req, call->res, 200,
               json_pack("{s:o, s:s, s:o, s:o}", "period", period_to_json(&p), "as_of", d, "total",
                         attainment_line_to_json(&total), "people", lines_to_json(lines, n)));
}

const struct route quota_routes[] = {
    {"GET", "/api/v1/quotas/settings", get_settings, 0},
    {"PUT", "/api/v1/quotas/settings", put_settings, ROUTE_ADMIN},
    {"GET", "/api/v1/periods", get_period, 0},
    {"GET", "/api/v1/quotas", list_quotas, 0},
    {"PUT", "/api/v1/quotas", put_quota, ROUTE_ADMIN},
    {"DELETE", "/api/v1/quotas/{id}", delete_quota, ROUTE_ADMIN},
    {"POST", "/api/v1/import/quotas", import_quotas, ROUTE_ADMIN | ROUTE_BIG_BODY},
    {"GET", "/api/v1/people/{id}/ramp", get_ramp, 0},
    {"PUT", "/api/v1/people/{id}/ramp", put_ramp, ROUTE_ADMIN},
    {"DELETE", "/api/v1/people/{id}/ramp", delete_ramp, ROUTE_ADMIN},
    {"GET", "/api/v1/attainment/people/{id}", person_attainment, 0},
    {"GET", "/api/v1/attainment/teams/{id}", team_attainment, 0},
    {"GET", "/api/v1/attainment/tree/{id}", tree_attainment, 0},
    {0},
};
