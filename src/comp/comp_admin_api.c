/* comp_admin_api.c -- the /api/v1/comp routes the admin page reads (see docs/api.md): plans
 * and versions, assignments, runs, one run's payouts, disputes; and payroll as XLSX. Admins
 * only: a manager reads their people's pay through the statement routes (comp_api.c). */
#include "api/api.h"
#include "comp/comp_admin.h"

/* Answer 200 with {"<key>": value}, taking value over. */
static void reply_list(struct api_call *call, const char *key, json_t *value)
{
    reply_json(call->req, call->res, 200, json_pack("{s:o}", key, value));
}

static void list_plans(struct api_call *call)
{
    json_t *a;
    if (comp_admin_plans(call->db, &a, &call->err) < 0) return api_fail(call);
    reply_list(call, "plans", a);
}

static void get_plan(struct api_call *call)
{
    json_t *o;
    if (comp_admin_plan(call->db, call->ids[0], &o, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, o);
}

/* ?plan_id= narrows to one plan version. */
static void list_assignments(struct api_call *call)
{
    int64_t plan = 0;
    if (api_query_int(call, "plan_id", 1, INT64_MAX, &plan) < 0) return api_fail(call);
    json_t *a;
    if (comp_admin_assignments(call->db, plan, &a, &call->err) < 0) return api_fail(call);
    reply_list(call, "assignments", a);
}

static void list_runs(struct api_call *call)
{
    json_t *a;
    if (comp_admin_runs(call->db, &a, &call->err) < 0) return api_fail(call);
    reply_list(call, "runs", a);
}

static void get_run(struct api_call *call)
{
    json_t *o;
    if (comp_admin_run(call->db, call->ids[0], &o, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, o);
}

static void list_disputes(struct api_call *call)
{
    json_t *a;
    if (comp_admin_disputes(call->db, &a, &call->err) < 0) return api_fail(call);
    reply_list(call, "disputes", a);
}

static void list_adjustments(struct api_call *call)
{
    json_t *a;
    if (comp_admin_adjustments(call->db, &a, &call->err) < 0) return api_fail(call);
    reply_list(call, "adjustments", a);
}

static void payroll_xlsx(struct api_call *call)
{
    struct sb out = SB_INIT;
    int rc = comp_payroll_xlsx(call->db, call->ids[0], &out, &call->err);
    api_reply_download(call, rc, &out,
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       "payroll.xlsx");
}

const struct route comp_admin_routes[] = {
    {"GET", "/api/v1/comp/plans", list_plans, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/plans/{id}", get_plan, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/assignments", list_assignments, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/adjustments", list_adjustments, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/runs", list_runs, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/runs/{id}", get_run, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/runs/{id}/payroll.xlsx", payroll_xlsx, ROUTE_ADMIN},
    {"GET", "/api/v1/comp/disputes", list_disputes, ROUTE_ADMIN},
    {0},
};
