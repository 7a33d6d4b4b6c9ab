/* forecast_api.c -- the /api/v1/forecast routes: calls, adjustments, and a tree's forecast page
 * (calls rolled up beside the model's range), see docs/api.md. */
#include <stdio.h>
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

/* POST /forecast/overrides: the owner's category of their open deal ("" or null: the stage's). */
static void set_override(struct api_call *call)
{
    static const char *const allowed[] = {"opportunity_id", "category", "comment", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *category = NULL, *comment = NULL;
    int64_t opp = 0, id = 0;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_id(body, "opportunity_id", &opp, NULL, &call->err);
    if (rc >= 0 && !opp)
        rc = err_field(&call->err, REINS_EINVAL, "opportunity_id", "field opportunity_id: required");
    if (rc >= 0 && (rc = json_get_string(body, "category", &category, &call->err)) == 0)
        rc = err_field(&call->err, REINS_EINVAL, "category",
                       "field category: required (null or \"\" for the stage's category)");
    if (rc >= 0) rc = json_get_string(body, "comment", &comment, &call->err);
    if (rc >= 0)
        rc = fc_override_set(call->db, &call->who, opp, category, comment, (int64_t)time(NULL), &id,
                             &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    struct fc_override *v;
    size_t n;
    if (fc_overrides_of(call->db, &call->who, opp, call->req->arena, &v, &n, &call->err) < 0)
        return api_fail(call);
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id)
            return reply_json(call->req, call->res, 201, fc_override_to_json(&v[i]));
    err_set(&call->err, REINS_EINTERNAL, "override %lld vanished", (long long)id);
    api_fail(call);
}

/* GET /forecast/overrides?opportunity_id=: a deal's overrides, oldest first. */
static void list_overrides(struct api_call *call)
{
    const char *q = http_query(call->req, "opportunity_id");
    int64_t opp = 0;
    if (!q || parse_int64(q, &opp) < 0 || opp < 1) {
        err_field(&call->err, REINS_EINVAL, "opportunity_id",
                  "query opportunity_id: required, a deal's id");
        return api_fail(call);
    }
    struct fc_override *v;
    size_t n;
    if (fc_overrides_of(call->db, &call->who, opp, call->req->arena, &v, &n, &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, fc_override_to_json(&v[i]));
    reply_json(call->req, call->res, 200,
               json_pack("{s:I,s:o}", "opportunity_id", (json_int_t)opp, "overrides", a));
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
    json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i}", "won_minor", (json_int_t)n->won,
                     "weighted_minor", (json_int_t)n->weighted, "pipeline_minor",
                     (json_int_t)n->pipeline, "new_minor", (json_int_t)n->new_expected,
                     "p10_minor", (json_int_t)n->range.p10, "p50_minor",
                     (json_int_t)n->range.p50, "p90_minor", (json_int_t)n->range.p90,
                     "mean_minor", (json_int_t)n->range.mean, "open", (int)n->open);
    /* the quota (their own, else their reports' sum) and the model's chance of reaching it */
    json_object_set_new(j, "quota_minor", n->quota >= 0 ? json_integer(n->quota) : json_null());
    json_object_set_new(j, "p_quota_ppm",
                        n->quota >= 0 && n->range.p_quota_ppm >= 0
                            ? json_integer(n->range.p_quota_ppm)
                            : json_null());
    return j;
}

/* The root's own open deals in the model, with their probability and reasons. */
/* The root's open deals: what the pipeline and its owner say (category, override), and the
 * model's view beside it (null without a model): its probability and reasons. */
static json_t *deals_json(const struct fc_deal_row *deals, size_t ndeals, int64_t root,
                          const struct fc_data *d, const struct fc_forecast *f)
{
    json_t *a = json_array();
    for (size_t i = 0; i < ndeals; i++) {
        const struct fc_deal_row *x = &deals[i];
        if (x->owner_id != root || strcmp(x->status, "open")) continue;
        json_t *j = fc_deal_row_to_json(x);
        const struct fc_open_deal *od = NULL;
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)x->id);
        for (size_t k = 0; f && k < f->nopen && !od; k++)
            if (!strcmp(d->deal_id[f->open[k].deal], id)) od = &f->open[k];
        if (od) {
            json_t *reasons = json_array();
            for (size_t k = 0; k < od->nreasons; k++) {
                char why[160];
                json_array_append_new(reasons,
                                      json_string(fc_reason_label(&f->model, d, &od->reason[k], why,
                                                                  sizeof why)));
            }
            json_object_set_new(j, "model",
                                json_pack("{s:i,s:i,s:i,s:o}", "p_ppm", (int)od->p_ppm,
                                          "stage_rate_ppm", (int)(od->stage_rate * 1e6 + 0.5),
                                          "slips", (int)od->st.slips, "reasons", reasons));
        } else {
            json_object_set_new(j, "model", json_null());
        }
        json_array_append_new(a, j);
    }
    return a;
}

static json_t *categories_json(const int64_t *sums)
{
    json_t *o = json_object();
    for (int c = 0; c < FC_NCATEGORIES; c++) {
        char key[32];
        snprintf(key, sizeof key, "%s_minor", fc_category_name(c));
        json_object_set_new(o, key, json_integer(sums[c]));
    }
    return o;
}

/* The changes as a list and, per kind, how many and how much (what entered the period counts
 * at its amount now, what left it at its amount then, an amount change by its difference). */
static json_t *changes_json(const struct fc_change *v, size_t n, int64_t since, const char *basis)
{
    json_t *items = json_array(), *totals = json_object();
    int64_t count[FC_NCHANGES] = {0}, amount[FC_NCHANGES] = {0};
    for (size_t i = 0; i < n; i++) {
        const struct fc_change *c = &v[i];
        int64_t before = c->before ? c->before->amount_minor : 0, now = c->now->amount_minor;
        int64_t effect = c->kind == FC_CH_PUSHED || c->kind == FC_CH_LOST ? -before
                         : c->kind == FC_CH_AMOUNT                        ? now - before
                                                                          : now;
        count[c->kind]++;
        amount[c->kind] += effect;
        json_t *j = json_pack("{s:s,s:I,s:s,s:I,s:s,s:I,s:I,s:s,s:s}", "kind",
                              fc_change_name(c->kind), "id", (json_int_t)c->now->id, "name",
                              c->now->name, "owner_id", (json_int_t)c->now->owner_id,
                              "owner_name", c->now->owner_name, "amount_minor", (json_int_t)now,
                              "effect_minor", (json_int_t)effect, "close_date",
                              c->now->close_date, "category", fc_category_name(c->now->category));
        json_object_set_new(j, "before",
                            c->before ? json_pack("{s:I,s:s,s:s}", "amount_minor",
                                                  (json_int_t)before, "close_date",
                                                  c->before->close_date, "status",
                                                  c->before->status)
                                      : json_null());
        json_array_append_new(items, j);
    }
    for (int k = FC_CH_PUSHED; k < FC_NCHANGES; k++)
        json_object_set_new(totals, fc_change_name(k),
                            json_pack("{s:I,s:I}", "count", (json_int_t)count[k], "amount_minor",
                                      (json_int_t)amount[k]));
    return json_pack("{s:I,s:s,s:o,s:o}", "since", (json_int_t)since, "basis", basis, "totals",
                     totals, "items", items);
}

static json_t *accuracy_json(const struct fc_score *s)
{
    if (!s->n) return json_null();
    json_t *o = json_pack("{s:i,s:i}", "calls", (int)s->n, "calls_with_nothing_booked",
                          (int)s->nzero);
    json_object_set_new(o, "mape_bp", s->mape_bp >= 0 ? json_integer(s->mape_bp) : json_null());
    json_object_set_new(o, "bias_bp", s->has_bias ? json_integer(s->bias_bp) : json_null());
    return o;
}

/* Whether `who` may see the forecasting record of `person`: only they and the managers above
 * them (a coaching signal between the two, not a league table for peers or an admin). */
static int may_see_accuracy(struct api_call *call, int64_t person)
{
    if (!call->who.person_id) return 0;
    return access_is_at_or_above(call->db, call->who.person_id, person, &call->err);
}

/* ?since=YYYY-MM-DD: changes from the start of that day; default since the root's last call
 * of the period, else the last seven days. */
static int changes_since(struct api_call *call, int64_t root, const char *period, int32_t as_of,
                         int64_t *since, const char **basis)
{
    const char *q = http_query(call->req, "since");
    if (q) {
        if (date_check(q, "since", &call->err) < 0) return -1;
        *since = date_to_days(q) * 86400;
        *basis = "date";
        return 0;
    }
    int64_t at;
    if (fc_last_call_at(call->db, root, period, ((int64_t)as_of + 1) * 86400, &at, &call->err) < 0)
        return -1;
    /* a call knew everything up to its second */
    *since = at ? at + 1 : ((int64_t)as_of - 6) * 86400;
    *basis = at ? "call" : "week";
    return 0;
}

static void forecast_page(struct api_call *call)
{
    int64_t person;
    int32_t as_of;
    char period[8], as_of_s[11];
    if (read_query(call, &person, &as_of, period) < 0) return api_fail(call);
    date_from_days(as_of, as_of_s);
    int64_t before = ((int64_t)as_of + 1) * 86400;
    struct fc_rollup_row *rows;
    size_t n;
    if (fc_rollup(call->db, &call->who, person, period, before, call->req->arena, &rows, &n,
                  &call->err) < 0)
        return api_fail(call);
    struct fc_deal_row *deals;
    size_t ndeals;
    struct fc_change *changes;
    size_t nchanges;
    int64_t since;
    const char *basis;
    struct fc_period per;
    char start[11], end[11];
    fc_period_parse(period, &per, "period", &call->err);
    date_from_days(per.start, start);
    date_from_days(per.end, end);
    if (changes_since(call, person, period, as_of, &since, &basis) < 0 ||
        fc_tree_deals(call->db, person, before, call->req->arena, &deals, &ndeals, &call->err) < 0 ||
        fc_changes(call->db, person, period, since, deals, ndeals, call->req->arena, &changes,
                   &nchanges, &call->err) < 0)
        return api_fail(call);
    int64_t(*sums)[FC_NCATEGORIES] = arena_alloc(call->req->arena, (n + 1) * sizeof *sums);
    fc_category_rollup(rows, n, deals, ndeals, start, end, sums);
    int accuracy = may_see_accuracy(call, person);
    if (accuracy < 0) return api_fail(call);

    /* the model, over the whole database's history (a deal counts where its owner is) */
    struct fc_data d;
    struct fc_forecast f;
    fc_data_init(&d);
    memset(&f, 0, sizeof f);
    struct err me = {0};
    struct fc_options o = {0};
    o.as_of = as_of;
    o.period = per;
    o.trials = 5000;
    o.seed = 1;
    o.threads = 1; /* the server's other requests keep the other core */
    int loaded = fc_load_store(call->db, &d, &me) == 0;
    int model_ok = loaded && fc_forecast_run(&d, &o, &f, &me) == 0;
    struct fc_score *acc = NULL;
    if (loaded && accuracy) {
        acc = xcalloc(d.npeople + 1, sizeof *acc);
        fc_call_accuracy(&d, as_of, acc);
    }

    json_t *people = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = fc_rollup_row_to_json(&rows[i]);
        int32_t k = loaded ? fc_person_find(&d, rows[i].email) : -1;
        json_object_set_new(j, "model", model_ok && k >= 0 ? range_json(&f.node[k]) : json_null());
        json_object_set_new(j, "categories", categories_json(sums[i]));
        if (accuracy)
            json_object_set_new(j, "accuracy", acc && k >= 0 ? accuracy_json(&acc[k]) : json_null());
        json_array_append_new(people, j);
    }
    free(acc);
    json_t *out = json_pack("{s:I,s:s,s:s,s:o}", "person_id", (json_int_t)person, "period",
                            period, "as_of", as_of_s, "people", people);
    json_object_set_new(out, "deals", deals_json(deals, ndeals, person, &d, model_ok ? &f : NULL));
    json_object_set_new(out, "changes", changes_json(changes, nchanges, since, basis));
    if (model_ok) {
        json_object_set_new(out, "model",
                            json_pack("{s:i,s:i,s:i,s:i}", "quarters", (int)f.model.periods,
                                      "examples", (int)f.model.examples, "wins",
                                      (int)f.model.wins, "trials", (int)o.trials));
    } else {
        json_object_set_new(out, "model", json_null());
        json_object_set_new(out, "model_error", json_string(me.msg));
    }
    fc_forecast_release(&f);
    fc_data_release(&d);
    reply_json(call->req, call->res, 200, out);
}

const struct route forecast_routes[] = {
    {"POST", "/api/v1/forecast/calls", submit_call, 0},
    {"GET", "/api/v1/forecast/calls", list_submissions, 0},
    {"POST", "/api/v1/forecast/adjustments", adjust, 0},
    {"POST", "/api/v1/forecast/overrides", set_override, 0},
    {"GET", "/api/v1/forecast/overrides", list_overrides, 0},
    {"GET", "/api/v1/forecast", forecast_page, 0},
    {0},
};
