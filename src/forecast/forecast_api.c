/* forecast_api.c -- the /api/v1/forecast routes: calls, adjustments, and a tree's forecast page
 * (calls rolled up beside the model's range), see docs/api.md. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/text.h"
#include "forecast/forecast_store.h"

/* A required integer amount field of a body. */
static int body_amount(json_t *body, const char *name, int64_t *out, struct err *e)
{
    json_t *v = json_object_get(body, name);
    if (!v || !json_is_integer(v))
        return err_field(e, REINS_EINVAL, name,
                         "field %s: required, a whole number of minor units", name);
    *out = json_integer_value(v);
    return 0;
}

static int body_call(struct api_call *call, json_t *body, const char *const *allowed,
                     const char **period, int64_t *commit, int64_t *best)
{
    struct err *e = &call->err;
    if (json_check_fields(body, allowed, e) < 0 || json_get_string(body, "period", period, e) < 0)
        return -1;
    if (!*period)
        return err_field(e, REINS_EINVAL, "period", "field period: required (YYYY-Qn)");
    if (body_amount(body, "commit_minor", commit, e) < 0 ||
        body_amount(body, "best_case_minor", best, e) < 0)
        return -1;
    return 0;
}

static void reply_submission(struct api_call *call, int64_t person, const char *period, int64_t id)
{
    struct fc_submission *v;
    size_t n;
    if (fc_submissions(call->db, &call->who, person, period, call->req->arena, &v, &n,
                       &call->err) < 0)
        return api_fail(call);
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id)
            return reply_json(call->req, call->res, 201, fc_submission_to_json(&v[i]));
    err_set(&call->err, REINS_EINTERNAL, "submission %lld vanished", (long long)id);
    api_fail(call);
}

static void submit_call(struct api_call *call)
{
    static const char *const allowed[] = {"period", "commit_minor", "best_case_minor", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *period = NULL;
    int64_t commit = 0, best = 0, id = 0;
    if (body_call(call, body, allowed, &period, &commit, &best) < 0 ||
        fc_call_submit(call->db, &call->who, period, commit, best, (int64_t)time(NULL), &id,
                       &call->err) < 0) {
        json_decref(body);
        return api_fail(call);
    }
    char *p = arena_strdup(call->req->arena, period);
    json_decref(body);
    reply_submission(call, call->who.person_id, p, id);
}

static void adjust(struct api_call *call)
{
    static const char *const allowed[] = {"person_id", "period", "commit_minor", "best_case_minor",
                                          "comment", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *period = NULL, *comment = NULL;
    int64_t person = 0, commit = 0, best = 0, id = 0;
    int rc = body_call(call, body, allowed, &period, &commit, &best);
    if (rc >= 0) rc = json_get_id(body, "person_id", &person, NULL, &call->err);
    if (rc >= 0 && !person)
        rc = err_field(&call->err, REINS_EINVAL, "person_id", "field person_id: required");
    if (rc >= 0) rc = json_get_string(body, "comment", &comment, &call->err);
    if (rc >= 0)
        rc = fc_adjust(call->db, &call->who, person, period, commit, best, comment,
                       (int64_t)time(NULL), &id, &call->err);
    char *p = rc >= 0 ? arena_strdup(call->req->arena, period) : NULL;
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_submission(call, person, p, id);
}

/* ?person_id= (default: the caller's person), ?as_of= (default today) and ?period= (default
 * the quarter of as_of). */
static int read_query(struct api_call *call, int64_t *person, int32_t *as_of, char period[8])
{
    struct err *e = &call->err;
    const char *p = http_query(call->req, "person_id"), *d = http_query(call->req, "as_of");
    const char *q = http_query(call->req, "period");
    *person = call->who.person_id;
    if (p && (parse_int64(p, person) < 0 || *person < 1))
        return err_field(e, REINS_EINVAL, "person_id", "query person_id: '%.40s' is not an id", p);
    if (!*person)
        return err_field(e, REINS_EINVAL, "person_id",
                         "query person_id: required for an account without a person");
    char today[11];
    date_today(today);
    if (d && date_check(d, "as_of", e) < 0) return -1;
    *as_of = (int32_t)date_to_days(d ? d : today);
    struct fc_period per = fc_period_of(*as_of);
    if (q && fc_period_parse(q, &per, "period", e) < 0) return -1;
    fc_period_name(&per, period);
    return 0;
}

static void list_submissions(struct api_call *call)
{
    int64_t person;
    int32_t as_of;
    char period[8];
    if (read_query(call, &person, &as_of, period) < 0) return api_fail(call);
    struct fc_submission *v;
    size_t n;
    if (fc_submissions(call->db, &call->who, person, period, call->req->arena, &v, &n,
                       &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, fc_submission_to_json(&v[i]));
    reply_json(call->req, call->res, 200,
               json_pack("{s:I,s:s,s:o}", "person_id", (json_int_t)person, "period", period,
                         "submissions", a));
}

static json_t *range_json(const struct fc_node *n)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i}", "won_minor", (json_int_t)n->won,
                     "weighted_minor", (json_int_t)n->weighted, "pipeline_minor",
                     (json_int_t)n->pipeline, "new_minor", (json_int_t)n->new_expected,
                     "p10_minor", (json_int_t)n->range.p10, "p50_minor",
                     (json_int_t)n->range.p50, "p90_minor", (json_int_t)n->range.p90,
                     "mean_minor", (json_int_t)n->range.mean, "open", (int)n->open);
}

/* The root's own open deals in the model, with their probability and reasons. */
static json_t *deals_json(struct api_call *call, const struct fc_data *d,
                          const struct fc_forecast *f, int32_t root)
{
    json_t *a = json_array();
    for (size_t i = 0; i < f->nopen; i++) {
        const struct fc_open_deal *od = &f->open[i];
        if ((int32_t)od->st.owner != root) continue;
        int64_t id = atoll(d->deal_id[od->deal]);
        struct store_rows *r;
        const char *name = "";
        if (store_query(call->db, "SELECT name FROM opportunities WHERE id = $1",
                        PARAMS(SV_INT(id)), &r, &call->err) == 0) {
            if (store_next(r, &call->err) > 0)
                name = arena_strdup(call->req->arena, store_text(r, 0));
            store_rows_free(r);
        }
        char close[11] = "";
        if (od->st.close_day != FC_NO_DAY) date_from_days(od->st.close_day, close);
        json_t *reasons = json_array();
        for (size_t k = 0; k < od->nreasons; k++) {
            char why[160];
            json_array_append_new(reasons,
                                  json_string(fc_reason_label(&f->model, d, &od->reason[k], why,
                                                              sizeof why)));
        }
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:s,s:I,s:s,s:i,s:i,s:i,s:o}", "id", (json_int_t)id, "name",
                         name, "stage", od->st.stage >= 0 ? d->stage_name[od->st.stage] : "",
                         "amount_minor", (json_int_t)od->st.amount, "close_date", close,
                         "slips", (int)od->st.slips, "stage_rate_ppm",
                         (int)(od->stage_rate * 1e6 + 0.5), "p_ppm", (int)od->p_ppm, "reasons",
                         reasons));
    }
    return a;
}

static void forecast_page(struct api_call *call)
{
    int64_t person;
    int32_t as_of;
    char period[8], as_of_s[11];
    if (read_query(call, &person, &as_of, period) < 0) return api_fail(call);
    date_from_days(as_of, as_of_s);
    struct fc_rollup_row *rows;
    size_t n;
    if (fc_rollup(call->db, &call->who, person, period, ((int64_t)as_of + 1) * 86400,
                  call->req->arena, &rows, &n, &call->err) < 0)
        return api_fail(call);

    /* the model, over the whole database's history (a deal counts where its owner is) */
    struct fc_data d;
    struct fc_forecast f;
    fc_data_init(&d);
    memset(&f, 0, sizeof f);
    struct err me = {0};
    struct fc_options o = {0};
    o.as_of = as_of;
    o.trials = 5000;
    o.seed = 1;
    o.threads = 1; /* the server's other requests keep the other core */
    int model_ok = fc_period_parse(period, &o.period, "period", &me) == 0 &&
                   fc_load_store(call->db, &d, &me) == 0;
    if (model_ok && fc_forecast_run(&d, &o, &f, &me) < 0) model_ok = 0;

    json_t *people = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = fc_rollup_row_to_json(&rows[i]);
        int32_t k = model_ok ? fc_person_find(&d, rows[i].email) : -1;
        json_object_set_new(j, "model", k >= 0 ? range_json(&f.node[k]) : json_null());
        json_array_append_new(people, j);
    }
    json_t *out = json_pack("{s:I,s:s,s:s,s:o}", "person_id", (json_int_t)person, "period",
                            period, "as_of", as_of_s, "people", people);
    if (model_ok) {
        int32_t root = n ? fc_person_find(&d, rows[0].email) : -1;
        json_object_set_new(out, "model",
                            json_pack("{s:i,s:i,s:i,s:i}", "quarters", (int)f.model.periods,
                                      "examples", (int)f.model.examples, "wins",
                                      (int)f.model.wins, "trials", (int)o.trials));
        json_object_set_new(out, "deals", root >= 0 ? deals_json(call, &d, &f, root)
                                                    : json_array());
    } else {
        json_object_set_new(out, "model", json_null());
        json_object_set_new(out, "model_error", json_string(me.msg));
        json_object_set_new(out, "deals", json_array());
    }
    fc_forecast_release(&f);
    fc_data_release(&d);
    reply_json(call->req, call->res, 200, out);
}

const struct route forecast_routes[] = {
    {"POST", "/api/v1/forecast/calls", submit_call, 0},
    {"GET", "/api/v1/forecast/calls", list_submissions, 0},
    {"POST", "/api/v1/forecast/adjustments", adjust, 0},
    {"GET", "/api/v1/forecast", forecast_page, 0},
    {0},
};
