/* comp_admin_store.c -- the reads behind the compensation admin page (comp_admin.h). */
#include <string.h>

#include "comp/comp_admin.h"
#include "comp/comp_store.h"
#include "store/store.h"

/* ---- SQL ----------------------------------------------------------------------------------- */

static const char SQL_PLANS[] =
    "SELECT p.id, p.name, p.version, p.effective_from, p.effective_to, p.document, p.created_at,"
    " (SELECT COUNT(*) FROM comp_assignments a WHERE a.plan_id = p.id),"
    " (SELECT COUNT(*) FROM comp_runs r WHERE r.plan_id = p.id),"
    /* who uploaded it: the audit log's plan.upload row (none for the demo's or the CLI's) */
    " (SELECT COALESCE(pe.name, u.email) FROM comp_audit au JOIN users u ON u.id = au.user_id"
    "  LEFT JOIN people pe ON pe.id = u.person_id WHERE au.action = 'plan.upload'"
    "  AND au.object = 'plan' AND au.object_id = p.id ORDER BY au.id LIMIT 1)"
    " FROM comp_plans p ORDER BY p.name, p.version DESC";
static const char SQL_PLAN[] =
    "SELECT id, name, version, effective_from, effective_to, document, created_at"
    " FROM comp_plans WHERE id = $1";

#define ASSIGNMENT_COLUMNS                                                                         \
    "SELECT a.id, a.plan_id, p.name, p.version, a.person_id, pe.name, pe.email, a.start_date,"     \
    " a.end_date, a.created_at FROM comp_assignments a JOIN comp_plans p ON p.id = a.plan_id"      \
    " JOIN people pe ON pe.id = a.person_id"
static const char SQL_ASSIGNMENTS[] =
    ASSIGNMENT_COLUMNS " ORDER BY p.name, p.version DESC, pe.name, a.start_date, a.id";
static const char SQL_PLAN_ASSIGNMENTS[] =
    ASSIGNMENT_COLUMNS " WHERE a.plan_id = $1 ORDER BY pe.name, a.start_date, a.id";

/* The sums are cast so both databases answer an integer (PostgreSQL's SUM of
 * BIGINT is NUMERIC). */
#define RUN_COLUMNS                                                                                \
    "SELECT r.id, r.plan_id, p.name, p.version, p.document, r.period, r.status, r.created_at,"     \
    " r.closed_at,"                                                                                \
    " (SELECT COUNT(*) FROM comp_payouts c WHERE c.run_id = r.id),"                                \
    " (SELECT COUNT(*) FROM comp_lines l WHERE l.run_id = r.id),"                                  \
    " (SELECT CAST(COALESCE(SUM(c.earned_minor), 0) AS BIGINT) FROM comp_payouts c"                \
    " WHERE c.run_id = r.id),"                                                                     \
    " (SELECT CAST(COALESCE(SUM(c.payout_minor), 0) AS BIGINT) FROM comp_payouts c"                \
    " WHERE c.run_id = r.id),"                                                                     \
    " (SELECT COUNT(*) FROM comp_disputes d WHERE d.run_id = r.id AND d.status = 'open')"          \
    " FROM comp_runs r JOIN comp_plans p ON p.id = r.plan_id"
static const char SQL_RUNS[] = RUN_COLUMNS " ORDER BY r.period DESC, p.name, r.id DESC";
static const char SQL_RUN[] = RUN_COLUMNS " WHERE r.id = $1";

static const char SQL_RUN_PAYOUTS[] =
    "SELECT c.person_id, pe.name, pe.email, c.earned_minor, c.paid_to_date_minor, c.payout_minor,"
    " c.attainment_bp,"
    " (SELECT COUNT(*) FROM comp_lines l WHERE l.run_id = c.run_id AND l.person_id = c.person_id),"
    " (SELECT COUNT(*) FROM comp_disputes d WHERE d.run_id = c.run_id"
    " AND d.person_id = c.person_id AND d.status = 'open')"
    " FROM comp_payouts c JOIN people pe ON pe.id = c.person_id WHERE c.run_id = $1"
    " ORDER BY pe.name, pe.id";

/* A dispute shows the line as it was when opened (kept in the dispute since migration 13);
 * an older dispute names its line by run and number, always one of the disputing person's own
 * (a re-run renumbers lines: another person's line at that number is never shown), or none.
 * The line's deal is named as the pipeline has it now. */
#define KEPT(col, now) " CASE WHEN d.line_rule IS NOT NULL THEN d." col " ELSE " now " END"
static const char SQL_DISPUTES[] =
    "SELECT d.id, d.run_id, r.plan_id, p.name, r.period, d.line_no, d.person_id, pe.name,"
    " d.comment, d.status, d.resolution, d.opened_at, d.resolved_at,"
    " CASE WHEN d.line_rule IS NOT NULL THEN d.id ELSE l.id END," KEPT("line_date", "l.line_date")
    "," KEPT("line_rule", "l.rule") "," KEPT("line_deal_id", "l.deal_id") ","
    KEPT("line_amount_minor", "l.amount_minor") "," KEPT("line_explanation", "l.explanation")
    ", o.name," COMP_SQL_DISPUTE_LINE_CHANGED ","
    /* the line's place in the person's statement, as the seller counts it */
    " (SELECT COUNT(*) FROM comp_lines x WHERE x.run_id = d.run_id AND x.person_id ="
    " d.person_id AND x.line_no <= d.line_no)"
    " FROM comp_disputes d JOIN comp_runs r ON r.id = d.run_id"
    " JOIN comp_plans p ON p.id = r.plan_id JOIN people pe ON pe.id = d.person_id"
    " LEFT JOIN comp_lines l ON l.run_id = d.run_id AND l.line_no = d.line_no"
    " AND l.person_id = d.person_id"
    " LEFT JOIN opportunities o ON o.id =" KEPT("line_deal_id", "l.deal_id")
    " ORDER BY CASE WHEN d.status = 'open' THEN 0 ELSE 1 END,"
    " CASE WHEN d.status = 'open' THEN d.id ELSE -d.id END";

/* ---- row helpers --------------------------------------------------------------------------- */

static json_t *text_or_null(struct store_rows *r, int col)
{
    return store_isnull(r, col) ? json_null() : json_string(store_text(r, col));
}

static json_t *int_or_null(struct store_rows *r, int col)
{
    return store_isnull(r, col) ? json_null() : json_integer(store_int(r, col));
}

/* The currency of a stored plan document ("" if it has none): the document
 * was checked by comp_plan_parse when it was stored, so only the field is read. */
static json_t *document_currency(const char *doc)
{
    json_t *d = json_loads(doc, 0, NULL);
    const char *c = json_string_value(json_object_get(d, "currency"));
    json_t *out = json_string(c ? c : "");
    json_decref(d);
    return out;
}

/* Run `sql` and append what `row` makes of each row to a new array in *out. */
static int rows_to_array(struct store *db, const char *sql, const struct store_val *params,
                         int nparams, json_t *(*row)(struct store_rows *), json_t **out,
                         struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, sql, params, nparams, &r, e);
    if (rc < 0) return rc;
    json_t *a = json_array();
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(a, row(r));
    store_rows_free(r);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

/* ---- plans --------------------------------------------------------------------------------- */

/* The columns shared by SQL_PLANS and SQL_PLAN (0..6) as a version object. */
static json_t *plan_version_json(struct store_rows *r)
{
    json_t *o =
        json_pack("{s:I, s:s, s:I, s:s, s:o, s:o, s:I}", "id", (json_int_t)store_int(r, 0), "name",
                  store_text(r, 1), "version", (json_int_t)store_int(r, 2), "effective_from",
                  store_text(r, 3), "effective_to", text_or_null(r, 4), "currency",
                  document_currency(store_text(r, 5)), "created_at", (json_int_t)store_int(r, 6));
    return o;
}

int comp_admin_plans(struct store *db, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_PLANS, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    json_t *plans = json_array(), *versions = NULL;
    const char *last = NULL;
    while ((rc = store_next(r, e)) > 0) {
        /* rows come by name: a new name starts a new plan */
        if (!last || strcmp(last, store_text(r, 1)) != 0) {
            versions = json_array();
            json_t *plan = json_pack("{s:s, s:o}", "name", store_text(r, 1), "versions", versions);
            json_array_append_new(plans, plan);
            last = json_string_value(json_object_get(plan, "name"));
        }
        json_t *v = plan_version_json(r);
        json_object_del(v, "name");
        json_object_set_new(v, "assignments", json_integer(store_int(r, 7)));
        json_object_set_new(v, "runs", json_integer(store_int(r, 8)));
        json_object_set_new(v, "uploaded_by", text_or_null(r, 9));
        json_array_append_new(versions, v);
    }
    store_rows_free(r);
    if (rc < 0) {
        json_decref(plans);
        return rc;
    }
    *out = plans;
    return 0;
}

int comp_admin_plan(struct store *db, int64_t plan_id, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_PLAN, PARAMS(SV_INT(plan_id)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc == 0) rc = err_field(e, REINS_ENOTFOUND, "plan_id", "no plan %lld", (long long)plan_id);
    if (rc > 0) {
        json_t *o = plan_version_json(r);
        json_t *doc = json_loads(store_text(r, 5), 0, NULL);
        json_object_set_new(o, "document", doc ? doc : json_null());
        *out = o;
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* ---- assignments --------------------------------------------------------------------------- */

static json_t *assignment_json(struct store_rows *r)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:o, s:I}", "id",
                     (json_int_t)store_int(r, 0), "plan_id", (json_int_t)store_int(r, 1),
                     "plan_name", store_text(r, 2), "plan_version", (json_int_t)store_int(r, 3),
                     "person_id", (json_int_t)store_int(r, 4), "person_name", store_text(r, 5),
                     "email", store_text(r, 6), "start_date", store_text(r, 7), "end_date",
                     text_or_null(r, 8), "created_at", (json_int_t)store_int(r, 9));
}

int comp_admin_assignments(struct store *db, int64_t plan_id, json_t **out, struct err *e)
{
    if (plan_id)
        return rows_to_array(db, SQL_PLAN_ASSIGNMENTS, PARAMS(SV_INT(plan_id)), assignment_json,
                             out, e);
    return rows_to_array(db, SQL_ASSIGNMENTS, NO_PARAMS, assignment_json, out, e);
}

/* ---- runs ---------------------------------------------------------------------------------- */

static json_t *run_json(struct store_rows *r)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:o, s:s, s:s, s:I, s:o, s:I, s:I, s:I, s:I, s:I}", "id",
                     (json_int_t)store_int(r, 0), "plan_id", (json_int_t)store_int(r, 1),
                     "plan_name", store_text(r, 2), "plan_version", (json_int_t)store_int(r, 3),
                     "currency", document_currency(store_text(r, 4)), "period", store_text(r, 5),
                     "status", store_text(r, 6), "created_at", (json_int_t)store_int(r, 7),
                     "closed_at", int_or_null(r, 8), "people", (json_int_t)store_int(r, 9), "lines",
                     (json_int_t)store_int(r, 10), "earned_minor", (json_int_t)store_int(r, 11),
                     "payout_minor", (json_int_t)store_int(r, 12), "open_disputes",
                     (json_int_t)store_int(r, 13));
}

int comp_admin_runs(struct store *db, json_t **out, struct err *e)
{
    return rows_to_array(db, SQL_RUNS, NO_PARAMS, run_json, out, e);
}

static json_t *payout_json(struct store_rows *r)
{
    return json_pack(
        "{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "person_id", (json_int_t)store_int(r, 0),
        "name", store_text(r, 1), "email", store_text(r, 2), "earned_minor",
        (json_int_t)store_int(r, 3), "paid_to_date_minor", (json_int_t)store_int(r, 4),
        "payout_minor", (json_int_t)store_int(r, 5), "attainment_bp", (json_int_t)store_int(r, 6),
        "lines", (json_int_t)store_int(r, 7), "open_disputes", (json_int_t)store_int(r, 8));
}

int comp_admin_run(struct store *db, int64_t run_id, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_RUN, PARAMS(SV_INT(run_id)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc == 0) rc = err_field(e, REINS_ENOTFOUND, "run_id", "no run %lld", (long long)run_id);
    json_t *run = rc > 0 ? run_json(r) : NULL;
    store_rows_free(r);
    if (rc < 0) return rc;
    json_t *payouts;
    if ((rc = rows_to_array(db, SQL_RUN_PAYOUTS, PARAMS(SV_INT(run_id)), payout_json, &payouts,
                            e)) < 0) {
        json_decref(run);
        return rc;
    }
    json_object_set_new(run, "payouts", payouts);
    *out = run;
    return 0;
}

/* ---- adjustments --------------------------------------------------------------------------- */

static const char SQL_ADJUSTMENTS[] =
    "SELECT a.id, a.plan_id, p.name, p.version, a.person_id, pe.name, a.period, a.amount_minor,"
    " a.reason, COALESCE(bp.name, u.email), a.created_at, r.status"
    " FROM comp_adjustments a JOIN comp_plans p ON p.id = a.plan_id"
    " JOIN people pe ON pe.id = a.person_id LEFT JOIN users u ON u.id = a.user_id"
    " LEFT JOIN people bp ON bp.id = u.person_id"
    " LEFT JOIN comp_runs r ON r.plan_id = a.plan_id AND r.period = a.period"
    " ORDER BY a.id DESC LIMIT 1000";

static json_t *adjustment_json(struct store_rows *r)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:I, s:s, s:s, s:I, s:s, s:o, s:I}", "id",
                          (json_int_t)store_int(r, 0), "plan_id", (json_int_t)store_int(r, 1),
                          "plan_name", store_text(r, 2), "plan_version",
                          (json_int_t)store_int(r, 3), "person_id", (json_int_t)store_int(r, 4),
                          "person_name", store_text(r, 5), "period", store_text(r, 6),
                          "amount_minor", (json_int_t)store_int(r, 7), "reason", store_text(r, 8),
                          "by", text_or_null(r, 9), "created_at", (json_int_t)store_int(r, 10));
    /* paid by: a closed run, an open one (it may still change), or none yet */
    json_object_set_new(o, "run_status", text_or_null(r, 11));
    return o;
}

int comp_admin_adjustments(struct store *db, json_t **out, struct err *e)
{
    return rows_to_array(db, SQL_ADJUSTMENTS, NO_PARAMS, adjustment_json, out, e);
}

/* ---- disputes ------------------------------------------------------------------------------ */

static json_t *dispute_json(struct store_rows *r)
{
    json_t *o =
        json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:o, s:I, s:o}", "id",
                  (json_int_t)store_int(r, 0), "run_id", (json_int_t)store_int(r, 1), "plan_id",
                  (json_int_t)store_int(r, 2), "plan_name", store_text(r, 3), "period",
                  store_text(r, 4), "line_no", (json_int_t)store_int(r, 5), "person_id",
                  (json_int_t)store_int(r, 6), "person_name", store_text(r, 7), "comment",
                  store_text(r, 8), "status", store_text(r, 9), "resolution", text_or_null(r, 10),
                  "opened_at", (json_int_t)store_int(r, 11), "resolved_at", int_or_null(r, 12));
    json_t *line = store_isnull(r, 13)
                       ? json_null()
                       : json_pack("{s:s, s:s, s:o, s:o, s:I, s:s}", "date", store_text(r, 14),
                                   "rule", store_text(r, 15), "deal_id", int_or_null(r, 16),
                                   "deal_name", text_or_null(r, 19), "amount_minor",
                                   (json_int_t)store_int(r, 17), "explanation", store_text(r, 18));
    json_object_set_new(o, "line", line);
    int changed = (int)store_int(r, 20);
    json_object_set_new(o, "line_changed", json_boolean(changed));
    json_object_set_new(o, "statement_line", changed || store_isnull(r, 13)
                                                 ? json_null()
                                                 : json_integer(store_int(r, 21)));
    return o;
}

int comp_admin_disputes(struct store *db, json_t **out, struct err *e)
{
    return rows_to_array(db, SQL_DISPUTES, NO_PARAMS, dispute_json, out, e);
}
