/* comp_api.c -- the /api/v1/comp routes (see docs/api.md): plans, assignments and payout runs
 * for admins; statements and estimates for whoever may see the person. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "comp/comp_model.h"
#include "comp/comp_store.h"
#include "core/text.h"
#include "people/people.h"
#include "pipeline/pipeline.h"

/* A required positive integer query argument; REINS_EINVAL naming it otherwise. */
static int query_id(struct api_call *call, const char *name, int64_t *out)
{
    const char *v = http_query(call->req, name);
    if (!v || parse_int64(v, out) < 0 || *out <= 0)
        return err_field(&call->err, REINS_EINVAL, name,
                         "query %s: a positive whole number is"
                         " required",
                         name);
    return 0;
}

/* The plan document is the body itself; errors name its JSON path. */
static void upload_plan(struct api_call *call)
{
    int64_t id;
    int version;
    if (comp_plan_store(call->db, call->req->body, call->req->body_len, 0, (int64_t)time(NULL),
                        call->who.user_id, &id, &version, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 201,
               json_pack("{s:I, s:i}", "id", (json_int_t)id, "version", version));
}

/* {"end_date": "YYYY-MM-DD" | null}: end an assignment, or open it again. */
static void end_assignment(struct api_call *call)
{
    static const char *const allowed[] = {"end_date", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *end = NULL;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0 && (rc = json_get_string(body, "end_date", &end, &call->err)) == 0)
        rc = err_field(&call->err, REINS_EINVAL, "end_date",
                       "field end_date is required (null makes the assignment open again)");
    if (rc >= 0)
        rc = comp_assignment_end(call->db, call->ids[0], end, 0, (int64_t)time(NULL),
                                 call->who.user_id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, json_pack("{s:I}", "id", (json_int_t)call->ids[0]));
}

/* {"plan_id","person_id","period","amount_minor","reason"}: an admin's adjustment. */
static void add_adjustment(struct api_call *call)
{
    static const char *const allowed[] = {"plan_id",      "person_id", "period",
                                          "amount_minor", "reason",    NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int64_t plan = 0, person = 0, id = 0;
    int is_null = 0;
    const char *period = NULL, *reason = NULL;
    json_t *amount = json_object_get(body, "amount_minor");
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_id(body, "plan_id", &plan, &is_null, &call->err);
    if (rc >= 0 && !plan)
        rc = err_field(&call->err, REINS_EINVAL, "plan_id", "field plan_id is required");
    if (rc >= 0) rc = json_get_id(body, "person_id", &person, &is_null, &call->err);
    if (rc >= 0 && !person)
        rc = err_field(&call->err, REINS_EINVAL, "person_id", "field person_id is required");
    if (rc >= 0 && (rc = json_get_string(body, "period", &period, &call->err)) >= 0 && !period)
        rc = err_field(&call->err, REINS_EINVAL, "period", "field period is required");
    if (rc >= 0 && !json_is_integer(amount))
        rc = err_field(&call->err, REINS_EINVAL, "amount_minor",
                       "field amount_minor: a whole number of minor units is required");
    if (rc >= 0) rc = json_get_string(body, "reason", &reason, &call->err);
    if (rc >= 0)
        rc = comp_adjustment_add(call->db, plan, person, period, json_integer_value(amount), reason,
                                 (int64_t)time(NULL), call->who.user_id, &id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void delete_adjustment(struct api_call *call)
{
    if (comp_adjustment_delete(call->db, call->ids[0], (int64_t)time(NULL), call->who.user_id,
                               &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200, json_pack("{s:I}", "id", (json_int_t)call->ids[0]));
}

static void assign_plan(struct api_call *call)
{
    static const char *const allowed[] = {"person_id", "start_date", "end_date", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int64_t person = 0, id = 0;
    int is_null = 0;
    const char *start = NULL, *end = NULL;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_id(body, "person_id", &person, &is_null, &call->err);
    if (rc >= 0 && !person)
        rc = err_field(&call->err, REINS_EINVAL, "person_id", "field person_id is required");
    if (rc >= 0) rc = json_get_string(body, "start_date", &start, &call->err);
    if (rc >= 0) rc = json_get_string(body, "end_date", &end, &call->err);
    if (rc >= 0)
        rc = comp_assign(call->db, call->ids[0], person, start, end, 0, (int64_t)time(NULL),
                         call->who.user_id, &id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void run_payouts(struct api_call *call)
{
    static const char *const allowed[] = {"period", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *period = NULL;
    int64_t run = 0;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(body, "period", &period, &call->err);
    if (rc >= 0)
        rc = comp_payout_run(call->db, call->ids[0], period, 0, (int64_t)time(NULL),
                             call->who.user_id, &run, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, json_pack("{s:I}", "id", (json_int_t)run));
}

static void close_run(struct api_call *call)
{
    if (comp_run_close(call->db, call->ids[0], 0, (int64_t)time(NULL), call->who.user_id,
                       &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200,
               json_pack("{s:I, s:s}", "id", (json_int_t)call->ids[0], "status", "closed"));
}

static void payroll(struct api_call *call)
{
    struct sb out = SB_INIT;
    int rc = comp_payroll_csv(call->db, call->ids[0], &out, &call->err);
    api_reply_download(call, rc, &out, "text/csv; charset=utf-8", "payroll.csv");
}

/* The person asked about (default: the caller's own), if the caller may see them. A person
 * out of sight is 404, as if they did not exist. */
static int person_in_sight(struct api_call *call, int64_t *person)
{
    *person = call->who.person_id;
    if (http_query(call->req, "person_id") && query_id(call, "person_id", person) < 0)
        return REINS_EINVAL;
    if (!*person)
        return err_field(&call->err, REINS_EINVAL, "person_id", "query person_id is required");
    int rc = access_can_see_person(call->db, &call->who, *person, &call->err);
    if (rc < 0) return rc;
    if (!rc) return err_field(&call->err, REINS_ENOTFOUND, "person_id", "no such person");
    return 0;
}

static void statement(struct api_call *call)
{
    int64_t person, plan;
    const char *period = http_query(call->req, "period");
    if (person_in_sight(call, &person) < 0 || query_id(call, "plan_id", &plan) < 0)
        return api_fail(call);
    if (!period) {
        err_field(&call->err, REINS_EINVAL, "period", "query period is required");
        return api_fail(call);
    }
    json_t *o;
    if (comp_statement(call->db, plan, person, period, &o, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, o);
}

static void statements(struct api_call *call)
{
    int64_t person;
    if (person_in_sight(call, &person) < 0) return api_fail(call);
    json_t *a;
    if (comp_statements_list(call->db, person, &a, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200,
               json_pack("{s:I, s:o}", "person_id", (json_int_t)person, "statements", a));
}

/* An optional text query (a product or deal type): "" when absent. */
static int query_text(struct api_call *call, const char *name, const char **out)
{
    const char *v = http_query(call->req, name);
    *out = v ? v : "";
    if (v && *v && text_check(v, 255, name, &call->err) < 0) return REINS_EINVAL;
    return 0;
}

static void estimate(struct api_call *call)
{
    struct comp_extra_deal deal = {0};
    int64_t plan;
    const char *period = http_query(call->req, "period");
    if (person_in_sight(call, &deal.person_id) < 0 || query_id(call, "plan_id", &plan) < 0 ||
        query_id(call, "amount_minor", &deal.amount) < 0 ||
        query_text(call, "product", &deal.product) < 0 ||
        query_text(call, "deal_type", &deal.deal_type) < 0)
        return api_fail(call);
    int64_t delta = 0;
    if (comp_estimate(call->db, plan, period, &deal, &delta, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200,
               json_pack("{s:I, s:I, s:s, s:s, s:s, s:I}", "person_id", (json_int_t)deal.person_id,
                         "amount_minor", (json_int_t)deal.amount, "product", deal.product,
                         "deal_type", deal.deal_type, "period", period, "earns_minor",
                         (json_int_t)delta));
}

/* A seller disputes one of their own lines: {run_id, line_no, comment}. */
static void open_dispute(struct api_call *call)
{
    static const char *const allowed[] = {"run_id", "line_no", "comment", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int64_t run = 0, line = -1, id = 0;
    const char *comment = NULL;
    int rc = json_check_fields(body, allowed, &call->err);
    json_t *jr = json_object_get(body, "run_id"), *jl = json_object_get(body, "line_no");
    if (rc >= 0 && (!json_is_integer(jr) || json_integer_value(jr) <= 0))
        rc = err_field(&call->err, REINS_EINVAL, "run_id", "field run_id: a run id is required");
    if (rc >= 0 && (!json_is_integer(jl) || json_integer_value(jl) < 0))
        rc = err_field(&call->err, REINS_EINVAL, "line_no",
                       "field line_no: a line number is required");
    if (rc >= 0) {
        run = json_integer_value(jr);
        line = json_integer_value(jl);
        rc = json_get_string(body, "comment", &comment, &call->err);
    }
    if (rc >= 0 && !call->who.person_id)
        rc = err_set(&call->err, REINS_EFORBIDDEN, "only the person paid may dispute a line");
    if (rc >= 0)
        rc = comp_dispute_open(call->db, run, line, call->who.person_id, comment,
                               (int64_t)time(NULL), call->who.user_id, &id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* {"comment", "adjust_minor"?, "period"?}: resolved, and when upheld with money, paid. */
static void resolve_dispute(struct api_call *call)
{
    static const char *const allowed[] = {"comment", "adjust_minor", "period", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *comment = NULL, *period = NULL;
    json_t *adjust = json_object_get(body, "adjust_minor");
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(body, "comment", &comment, &call->err);
    if (rc >= 0) rc = json_get_string(body, "period", &period, &call->err);
    if (rc >= 0 && adjust && !json_is_null(adjust) &&
        (!json_is_integer(adjust) || json_integer_value(adjust) == 0))
        rc = err_field(&call->err, REINS_EINVAL, "adjust_minor",
                       "field adjust_minor: a whole number of minor units other than 0");
    if (rc >= 0)
        rc = comp_dispute_uphold(call->db, call->ids[0], comment,
                                 json_is_integer(adjust) ? json_integer_value(adjust) : 0, period,
                                 (int64_t)time(NULL), call->who.user_id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 200,
               json_pack("{s:I, s:s}", "id", (json_int_t)call->ids[0], "status", "resolved"));
}

/* A deal's splits: who may read them sees the owner; who may change them is an admin or a
 * manager at or above the owner (a seller may not split their own deal). Out of sight: 404. */
static int deal_access(struct api_call *call, int write)
{
    int64_t owner;
    int rc = comp_deal_owner(call->db, call->ids[0], &owner, &call->err);
    if (rc < 0) return rc;
    if (call->who.role == ROLE_ADMIN) return 0;
    rc = access_can_see_person(call->db, &call->who, owner, &call->err);
    if (rc < 0) return rc;
    if (!rc)
        return err_field(&call->err, REINS_ENOTFOUND, "deal_id", "no deal %lld",
                         (long long)call->ids[0]);
    if (write && call->who.role != ROLE_MANAGER)
        return err_set(&call->err, REINS_EFORBIDDEN,
                       "only an admin or a manager above the deal's owner may split it");
    return 0;
}

static void get_splits(struct api_call *call)
{
    json_t *o;
    if (deal_access(call, 0) < 0 || comp_splits_get(call->db, call->ids[0], &o, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200, o);
}

#define SPLITS_MAX 50

/* ?source=salesforce|hubspot: the CRM a splits file names deals by; *out NULL when absent
 * (deals named by deal_id). REINS_EINVAL naming it otherwise. */
static int query_source(struct api_call *call, const char **out)
{
    const char *v = http_query(call->req, "source");
    *out = NULL;
    if (!v || !*v) return 0;
    int crm = crm_source_parse(v);
    if (crm < 0)
        return err_field(&call->err, REINS_EINVAL, "source", "query source: salesforce or hubspot");
    *out = crm_source_name((enum crm_source)crm);
    return 0;
}

/* A CSV file of many deals' splits (comp_splits_import_csv). All or nothing: 400 with every
 * bad line. */
static void import_splits(struct api_call *call)
{
    const char *source;
    if (query_source(call, &source) < 0) return api_fail(call);
    struct import_result res;
    int rc = comp_splits_import_csv(call->db, call->req->body, call->req->body_len, source,
                                    (int64_t)time(NULL), call->who.user_id, &res, &call->err);
    api_reply_import(call, rc, &res,
                     json_pack("{s:i, s:i, s:i}", "created", res.created, "updated", res.updated,
                               "unchanged", res.unchanged));
    import_result_release(&res);
}

/* The splits as a CSV file to edit and import again. */
static void export_splits(struct api_call *call)
{
    const char *source;
    struct sb out = SB_INIT;
    int rc = query_source(call, &source);
    if (rc >= 0) rc = comp_splits_export_csv(call->db, source, &out, &call->err);
    api_reply_download(call, rc, &out, "text/csv; charset=utf-8", "splits.csv");
}

/* {"splits": [{"person_id", "kind", "share_bp"}]}; an empty list credits the owner. */
static int read_splits(struct api_call *call, json_t *body, struct comp_split *s, size_t *n)
{
    static const char *const allowed[] = {"splits", NULL};
    static const char *const item_fields[] = {"person_id", "kind", "share_bp", NULL};
    struct err *e = &call->err;
    int rc = json_check_fields(body, allowed, e);
    if (rc < 0) return rc;
    json_t *a = json_object_get(body, "splits");
    if (!json_is_array(a))
        return err_field(e, REINS_EINVAL, "splits", "field splits: a list is required");
    if (json_array_size(a) > SPLITS_MAX)
        return err_field(e, REINS_EINVAL, "splits", "field splits: at most %d", SPLITS_MAX);
    *n = json_array_size(a);
    const char *field;
    for (size_t i = 0; i < *n; i++) {
        json_t *it = json_array_get(a, i);
        field = "splits";
        if (!json_is_object(it))
            return err_field(e, REINS_EINVAL, field, "splits[%zu]: an object is required", i);
        if ((rc = json_check_fields(it, item_fields, e)) < 0)
            return err_prefix(e, "splits[%zu].", i);
        json_t *p = json_object_get(it, "person_id"), *k = json_object_get(it, "kind"),
               *b = json_object_get(it, "share_bp");
        if (!json_is_integer(p) || json_integer_value(p) <= 0) {
            field = comp_split_field(i, "person_id");
            return err_field(e, REINS_EINVAL, field, "%s: a person id is required", field);
        }
        const char *kind = json_is_string(k) ? json_string_value(k) : "";
        if (strcmp(kind, "direct") && strcmp(kind, "overlay")) {
            field = comp_split_field(i, "kind");
            return err_field(e, REINS_EINVAL, field, "%s: direct or overlay", field);
        }
        if (!json_is_integer(b)) {
            field = comp_split_field(i, "share_bp");
            return err_field(e, REINS_EINVAL, field, "%s: whole basis points are required", field);
        }
        s[i] = (struct comp_split){json_integer_value(p),
                                   strcmp(kind, "direct") ? COMP_ROLE_OVERLAY : COMP_ROLE_DIRECT,
                                   json_integer_value(b)};
    }
    return 0;
}

/* A manager credits only people of their own tree, and never themself: commission is not
 * theirs to hand out across the company, and a person out of sight reads as no person. */
static int splits_in_sight(struct api_call *call, const struct comp_split *s, size_t n)
{
    if (call->who.role == ROLE_ADMIN) return 0;
    for (size_t i = 0; i < n; i++) {
        const char *field = comp_split_field(i, "person_id");
        if (s[i].person_id == call->who.person_id)
            return err_field(&call->err, REINS_EFORBIDDEN, field,
                             "%s: you may not credit yourself; ask an admin", field);
        int rc = access_can_see_person(call->db, &call->who, s[i].person_id, &call->err);
        if (rc < 0) return rc;
        if (!rc)
            return err_field(&call->err, REINS_EINVAL, field, "%s: no person %lld", field,
                             (long long)s[i].person_id);
    }
    return 0;
}

static void set_splits(struct api_call *call)
{
    if (deal_access(call, 1) < 0) return api_fail(call);
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    struct comp_split s[SPLITS_MAX];
    size_t n = 0;
    int rc = read_splits(call, body, s, &n);
    json_decref(body);
    if (rc >= 0) rc = splits_in_sight(call, s, n);
    if (rc >= 0)
        rc = comp_splits_set(call->db, call->ids[0], s, n, 0, (int64_t)time(NULL),
                             call->who.user_id, &call->err);
    json_t *o;
    if (rc < 0 || comp_splits_get(call->db, call->ids[0], &o, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200, o);
}

/* The audit log, for admins: ?object=run&object_id=3 narrow it. */
static void audit(struct api_call *call)
{
    static const char *const objects[] = {"plan",    "assignment", "run",        "deal",
                                          "dispute", "fx_rate",    "adjustment", NULL};
    const char *object = http_query(call->req, "object");
    int64_t id = 0;
    if (object) {
        size_t i = 0;
        while (objects[i] && strcmp(objects[i], object))
            i++;
        if (!objects[i]) {
            err_field(&call->err, REINS_EINVAL, "object",
                      "query object: plan, assignment, run, deal, dispute, fx_rate or adjustment");
            return api_fail(call);
        }
    }
    if (api_query_int(call, "object_id", 1, INT64_MAX, &id) < 0) return api_fail(call);
    if (id && !object) { /* ids are per kind of object: one alone names nothing */
        err_field(&call->err, REINS_EINVAL, "object", "query object: required with object_id");
        return api_fail(call);
    }
    json_t *a;
    if (comp_audit_list(call->db, object, id, &a, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "audit", a));
}

/* An exchange rate: {effective_date, from_currency, to_currency, rate_ppm}. */
static void set_fx_rate(struct api_call *call)
{
    static const char *const allowed[] = {"effective_date", "from_currency", "to_currency",
                                          "rate_ppm", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *date = NULL, *from = NULL, *to = NULL;
    int64_t id = 0;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(body, "effective_date", &date, &call->err);
    if (rc >= 0) rc = json_get_string(body, "from_currency", &from, &call->err);
    if (rc >= 0) rc = json_get_string(body, "to_currency", &to, &call->err);
    json_t *rate = json_object_get(body, "rate_ppm");
    if (rc >= 0 && !json_is_integer(rate))
        rc = err_field(&call->err, REINS_EINVAL, "rate_ppm",
                       "field rate_ppm: a whole number of ppm is required (1.0845 is 1084500)");
    if (rc >= 0)
        rc = comp_fx_rate_set(call->db, date, from, to, json_integer_value(rate),
                              (int64_t)time(NULL), call->who.user_id, &id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void fx_rates(struct api_call *call)
{
    json_t *a;
    if (comp_fx_rates_list(call->db, &a, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "rates", a));
}

/* {"plan": a draft plan document, "period": a past period}: the draft against the current
 * plans, per person, nothing stored. */
static void model_plan(struct api_call *call)
{
    static const char *const allowed[] = {"plan", "period", NULL};
    json_t *body, *out = NULL;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *period = NULL;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(body, "period", &period, &call->err);
    json_t *plan = json_object_get(body, "plan");
    if (rc >= 0 && !json_is_object(plan))
        rc = err_field(&call->err, REINS_EINVAL, "plan", "field plan: a plan document is required");
    char *doc = rc >= 0 ? json_dumps(plan, JSON_COMPACT) : NULL;
    if (rc >= 0)
        rc = comp_model(call->db, doc, doc ? strlen(doc) : 0, period, (int64_t)time(NULL), &out,
                        &call->err);
    free(doc);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, out);
}

const struct route comp_routes[] = {
    {"POST", "/api/v1/comp/plans", upload_plan, ROUTE_ADMIN},
    {"POST", "/api/v1/comp/plans/model", model_plan, ROUTE_ADMIN},
    {"POST", "/api/v1/comp/plans/{id}/assignments", assign_plan, ROUTE_ADMIN},
    {"PATCH", "/api/v1/comp/assignments/{id}", end_assignment, ROUTE_ADMIN},
    {"POST", "/api/v1/comp/adjustments", add_adjustment, ROUTE_ADMIN},
    {"DELETE", "/api/v1/comp/adjustments/{id}", delete_adjustment, ROUTE_ADMIN},
    {"POST", "/api/v1/comp/plans/{id}/runs", run_payouts, ROUTE_ADMIN},
    {"POST", "/api/v1/comp/runs/{id}/close", close_run, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/runs/{id}/payroll.csv", payroll, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/statement", statement, 0},
    {"GET", "/api/v1/comp/statements", statements, 0},
    {"GET", "/api/v1/comp/estimate", estimate, 0},
    {"POST", "/api/v1/comp/disputes", open_dispute, 0},
    {"POST", "/api/v1/comp/disputes/{id}/resolve", resolve_dispute, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/deals/{id}/splits", get_splits, 0},
    {"PUT", "/api/v1/comp/deals/{id}/splits", set_splits, 0},
    {"POST", "/api/v1/import/splits", import_splits, ROUTE_ADMIN | ROUTE_BIG_BODY},
    {"GET", "/api/v1/export/splits", export_splits, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/audit", audit, ROUTE_ADMIN},
    {"POST", "/api/v1/comp/fx-rates", set_fx_rate, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/fx-rates", fx_rates, ROUTE_ADMIN},
    {0},
};
