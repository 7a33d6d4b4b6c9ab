/* comp_api.c -- the /api/v1/comp routes (see docs/api.md): plans, assignments and payout runs
 * for admins; statements and estimates for whoever may see the person. */
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "comp/comp_store.h"
#include "core/text.h"

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
                        call->who.user_id, &id,
                        &version, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 201,
               json_pack("{s:I, s:i}", "id", (json_int_t)id, "version", version));
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
                         call->who.user_id, &id,
                         &call->err);
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
                             call->who.user_id, &run,
                             &call->err);
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
    if (comp_payroll_csv(call->db, call->ids[0], &out, &call->err) < 0) {
        sb_release(&out);
        return api_fail(call);
    }
    call->res->status = 200;
    call->res->content_type = "text/csv; charset=utf-8";
    call->res->body = arena_strndup(call->req->arena, out.buf ? out.buf : "", out.len);
    call->res->body_len = out.len;
    http_add_header(call->res, "Content-Disposition", "attachment; filename=\"payroll.csv\"");
    sb_release(&out);
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

static void estimate(struct api_call *call)
{
    int64_t person, plan, amount;
    const char *period = http_query(call->req, "period");
    if (person_in_sight(call, &person) < 0 || query_id(call, "plan_id", &plan) < 0 ||
        query_id(call, "amount_minor", &amount) < 0)
        return api_fail(call);
    int64_t delta = 0;
    if (comp_estimate(call->db, plan, person, period, amount, &delta, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200,
               json_pack("{s:I, s:I, s:s, s:I}", "person_id", (json_int_t)person, "amount_minor",
                         (json_int_t)amount, "period", period, "earns_minor", (json_int_t)delta));
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

static void resolve_dispute(struct api_call *call)
{
    static const char *const allowed[] = {"comment", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *comment = NULL;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(body, "comment", &comment, &call->err);
    if (rc >= 0)
        rc = comp_dispute_resolve(call->db, call->ids[0], comment, (int64_t)time(NULL),
                                  call->who.user_id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 200,
               json_pack("{s:I, s:s}", "id", (json_int_t)call->ids[0], "status", "resolved"));
}

const struct route comp_routes[] = {
    {"POST", "/api/v1/comp/plans", upload_plan, ROUTE_ADMIN},
    {"POST", "/api/v1/comp/plans/{id}/assignments", assign_plan, ROUTE_ADMIN},
    {"POST", "/api/v1/comp/plans/{id}/runs", run_payouts, ROUTE_ADMIN},
    {"POST", "/api/v1/comp/runs/{id}/close", close_run, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/runs/{id}/payroll.csv", payroll, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/statement", statement, 0},
    {"GET", "/api/v1/comp/statements", statements, 0},
    {"GET", "/api/v1/comp/estimate", estimate, 0},
    {"POST", "/api/v1/comp/disputes", open_dispute, 0},
    {"POST", "/api/v1/comp/disputes/{id}/resolve", resolve_dispute, ROUTE_ADMIN},
    {0},
};
