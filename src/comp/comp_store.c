/* comp_store.c -- plan versions, assignments and payout runs in the database. */
#include "comp/comp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include <stddef.h>
#include "core/text.h"
#include "pipeline/pipeline.h"
#include "quotas/quotas.h"
#include "store/store.h"

/* ---- SQL ----------------------------------------------------------------------------------- */

static const char SQL_PLAN_NEXT_VERSION[] =
    "SELECT COALESCE(MAX(version), 0) + 1 FROM comp_plans WHERE name = $1";
static const char SQL_PLAN_INSERT[] =
    "INSERT INTO comp_plans (name, version, effective_from, effective_to, document, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char SQL_PLAN_DOCUMENT[] = "SELECT document FROM comp_plans WHERE id = $1";
static const char SQL_PERSON_EXISTS[] = "SELECT COUNT(*) FROM people WHERE id = $1";
static const char SQL_PERSON_NAME[] = "SELECT name FROM people WHERE id = $1";
static const char SQL_ASSIGN_INSERT[] =
    "INSERT INTO comp_assignments (plan_id, person_id, start_date, end_date, created_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
/* Another assignment of person $2 to plan $1 ($3: the one being changed, 0 for none) whose
 * dates meet [$5, $4] ($4 NULL: open-ended). */
static const char SQL_ASSIGN_OVERLAP[] =
    "SELECT id, start_date, COALESCE(end_date, '') FROM comp_assignments WHERE plan_id = $1"
    " AND person_id = $2 AND id <> $3 AND start_date <= COALESCE(CAST($4 AS TEXT), '9999-12-31')"
    " AND COALESCE(end_date, '9999-12-31') >= $5 ORDER BY start_date LIMIT 1";
static const char SQL_ASSIGN_GET[] =
    "SELECT a.plan_id, a.person_id, a.start_date, a.end_date, p.name FROM comp_assignments a"
    " JOIN people p ON p.id = a.person_id WHERE a.id = $1";
static const char SQL_ASSIGN_END[] = "UPDATE comp_assignments SET end_date = $2 WHERE id = $1";
/* The people on the plan at some time in [$2, $3]. */
static const char SQL_PAYEES[] =
    "SELECT DISTINCT a.person_id FROM comp_assignments a"
    " WHERE a.plan_id = $1 AND a.start_date <= $3 AND (a.end_date IS NULL OR a.end_date >= $2)"
    " ORDER BY a.person_id";
static const char SQL_WINDOWS[] = "SELECT person_id, start_date, end_date FROM comp_assignments"
                                  " WHERE plan_id = $1 ORDER BY person_id";
static const char SQL_ORG[] = "SELECT id, COALESCE(manager_id, 0), start_date, name FROM people"
                              " ORDER BY id";
/* Won deals closed in [$1, $2], and deals that were won then left won (lost or reopened:
 * column 8 is when, from opportunity_history), as they were when last won: w is the last
 * won state, x the first change after it. History is ordered by (changed_at, id). Each
 * deal has a row per split or one without; column 10 is its deal type, for SPIF filters.
 * Rows come in no order: load_credits orders them (SQLite's sorter took a second for a
 * year of 200,000 deals, more than the rest of the load; bench/comp-model). */
#define HIST_AFTER(l, h)                                                                           \
    "(" l ".changed_at > " h ".changed_at OR (" l ".changed_at = " h ".changed_at AND " l         \
    ".id > " h ".id))"
static const char SQL_CREDITS[] =
    "SELECT o.id, o.owner_id, o.amount_minor, o.close_date, s.person_id, s.kind, s.share_bp,"
    " o.currency, CAST(NULL AS BIGINT), s.id, o.deal_type FROM opportunities o"
    " LEFT JOIN comp_splits s ON s.opportunity_id = o.id"
    " WHERE o.status = 'won' AND o.close_date >= $1 AND o.close_date <= $2"
    " UNION ALL"
    " SELECT o.id, w.owner_id, w.amount_minor, w.close_date, s.person_id, s.kind, s.share_bp,"
    " w.currency, x.changed_at, s.id, o.deal_type FROM opportunities o"
    " JOIN opportunity_history w ON w.opportunity_id = o.id AND w.status = 'won'"
    " JOIN opportunity_history x ON x.opportunity_id = o.id AND x.status <> 'won'"
    " AND " HIST_AFTER("x", "w") " LEFT JOIN comp_splits s ON s.opportunity_id = o.id"
    " WHERE o.status <> 'won' AND w.close_date >= $1 AND w.close_date <= $2"
    " AND NOT EXISTS (SELECT 1 FROM opportunity_history l WHERE l.opportunity_id = o.id"
    "  AND l.status = 'won' AND " HIST_AFTER("l", "w") ")"
    " AND NOT EXISTS (SELECT 1 FROM opportunity_history l WHERE l.opportunity_id = o.id"
    "  AND " HIST_AFTER("l", "w") " AND " HIST_AFTER("x", "l") ")";
/* The products of deals $1 to $2 (ids): those SQL_CREDITS gave, and any others between
 * them, read from the index alone. (Asking for the deals won in the date range instead,
 * with a subquery over their history, took half a second for a year of 200,000 deals.) */
static const char SQL_CREDIT_PRODUCTS[] = "SELECT opportunity_id, name FROM opportunity_products"
                                          " WHERE opportunity_id >= $1 AND opportunity_id <= $2";
/* Rates into currency $1, by currency and date. */
static const char SQL_FX_INTO[] =
    "SELECT from_currency, effective_date, rate_ppm FROM comp_fx_rates WHERE to_currency = $1"
    " ORDER BY from_currency, effective_date";
static const char SQL_FX_FIND[] =
    "SELECT id, rate_ppm FROM comp_fx_rates WHERE from_currency = $1 AND to_currency = $2"
    " AND effective_date = $3";
static const char SQL_FX_INSERT[] =
    "INSERT INTO comp_fx_rates (effective_date, from_currency, to_currency, rate_ppm, created_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char SQL_FX_UPDATE[] = "UPDATE comp_fx_rates SET rate_ppm = $2 WHERE id = $1";
static const char SQL_FX_LIST[] =
    "SELECT id, effective_date, from_currency, to_currency, rate_ppm FROM comp_fx_rates"
    " ORDER BY from_currency, to_currency, effective_date";
static const char SQL_QUOTAS_OF[] = "SELECT person_id, amount_minor, currency FROM quotas"
                                    " WHERE period_key = $1 AND person_id IS NOT NULL";
static const char SQL_RUN_FIND[] =
    "SELECT id, status FROM comp_runs WHERE plan_id = $1 AND period = $2";
static const char SQL_RUN_DELETE_LINES[] = "DELETE FROM comp_lines WHERE run_id = $1";
static const char SQL_RUN_DELETE_PAYOUTS[] = "DELETE FROM comp_payouts WHERE run_id = $1";
static const char SQL_RUN_TOUCH[] = "UPDATE comp_runs SET created_at = $2 WHERE id = $1";
static const char SQL_RUN_INSERT[] =
    "INSERT INTO comp_runs (plan_id, period, status, created_at) VALUES ($1, $2, 'open', $3)"
    " RETURNING id";
/* Heads of multi-row inserts (store_batch): nine and six columns. */
static const char SQL_LINES_INSERT[] =
    "INSERT INTO comp_lines (run_id, person_id, line_no, line_date, rule, deal_id, amount_minor,"
    " explanation, corrects_run_id) VALUES ";
static const char SQL_PAYOUTS_INSERT[] =
    "INSERT INTO comp_payouts (run_id, person_id, earned_minor, paid_to_date_minor, payout_minor,"
    " attainment_bp, corrections_minor, adjustments_minor) VALUES ";
static const char SQL_ADJUST_INSERT[] =
    "INSERT INTO comp_adjustments (plan_id, person_id, period, amount_minor, reason, user_id,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
static const char SQL_ADJUST_GET[] =
    "SELECT plan_id, person_id, period, amount_minor, reason FROM comp_adjustments WHERE id = $1";
static const char SQL_ADJUST_DELETE[] = "DELETE FROM comp_adjustments WHERE id = $1";
/* The adjustments plan $1's run of period $2 pays, with who made them. */
static const char SQL_ADJUSTMENTS_OF[] =
    "SELECT a.person_id, a.amount_minor, a.reason, COALESCE(pe.name, u.email)"
    " FROM comp_adjustments a LEFT JOIN users u ON u.id = a.user_id"
    " LEFT JOIN people pe ON pe.id = u.person_id WHERE a.plan_id = $1 AND a.period = $2"
    " ORDER BY a.id";
/* What the closed runs of plan $1 before period $2 paid each person in adjustments. */
static const char SQL_ADJUSTED_BEFORE[] =
    "SELECT c.person_id, SUM(c.adjustments_minor) FROM comp_payouts c"
    " JOIN comp_runs r ON r.id = c.run_id WHERE r.plan_id = $1 AND r.status = 'closed'"
    " AND r.period < $2 AND c.adjustments_minor <> 0 GROUP BY c.person_id ORDER BY c.person_id";
static const char SQL_RUN_GET[] =
    "SELECT plan_id, period, status, closed_runs_seen FROM comp_runs WHERE id = $1";
static const char SQL_RUNS_CLOSED[] =
    "SELECT COUNT(*) FROM comp_runs WHERE plan_id = $1 AND status = 'closed'";
static const char SQL_RUN_CLOSED_AT[] =
    "SELECT COUNT(*) FROM comp_runs WHERE plan_id = $1 AND period = $2 AND status = 'closed'";
static const char SQL_RUN_SEEN[] = "UPDATE comp_runs SET closed_runs_seen = $2 WHERE id = $1";
static const char SQL_OPEN_BEFORE[] =
    "SELECT period FROM comp_runs WHERE plan_id = $1 AND status = 'open' AND period < $2"
    " ORDER BY period";
static const char SQL_CLOSED_AFTER[] =
    "SELECT COUNT(*) FROM comp_runs WHERE plan_id = $1 AND status = 'closed' AND period > $2";
static const char SQL_CLOSED_BEFORE[] =
    "SELECT id, period FROM comp_runs WHERE plan_id = $1 AND status = 'closed' AND period < $2"
    " ORDER BY period";
/* What was paid for closed run $1's period: its own lines (its payouts less the corrections
 * of earlier periods they carried), and the corrections of it in later closed runs. */
static const char SQL_PAID_FOR_RUN[] =
    "SELECT person_id, SUM(amount_minor) FROM ("
    " SELECT person_id, payout_minor - corrections_minor - adjustments_minor AS amount_minor"
    "  FROM comp_payouts WHERE run_id = $1"
    " UNION ALL SELECT l.person_id, l.amount_minor FROM comp_lines l"
    "  JOIN comp_runs r ON r.id = l.run_id WHERE l.corrects_run_id = $1 AND r.status = 'closed'"
    ") paid GROUP BY person_id";
/* What was paid to person $1 for closed run $2's period, per deal (NULL: lines about no
 * deal): the run's own lines (not its corrections of earlier periods) and the corrections of
 * it in later closed runs. */
static const char SQL_PAID_BY_DEAL[] =
    "SELECT deal_id, SUM(amount_minor) FROM ("
    " SELECT deal_id, amount_minor FROM comp_lines"
    "  WHERE person_id = $1 AND run_id = $2 AND corrects_run_id IS NULL AND rule <> 'adjustment'"
    " UNION ALL SELECT l.deal_id, l.amount_minor FROM comp_lines l"
    "  JOIN comp_runs r ON r.id = l.run_id"
    "  WHERE l.person_id = $1 AND l.corrects_run_id = $2 AND r.status = 'closed'"
    ") paid GROUP BY deal_id";
/* The same for everyone of closed run $1 at once, by person: when many people of a closed
 * period are corrected, one pass over its lines beats a query a person (bench/comp-model). */
static const char SQL_PAID_BY_DEAL_RUN[] =
    "SELECT person_id, deal_id, SUM(amount_minor) FROM ("
    " SELECT person_id, deal_id, amount_minor FROM comp_lines"
    "  WHERE run_id = $1 AND corrects_run_id IS NULL AND rule <> 'adjustment'"
    " UNION ALL SELECT l.person_id, l.deal_id, l.amount_minor FROM comp_lines l"
    "  JOIN comp_runs r ON r.id = l.run_id WHERE l.corrects_run_id = $1 AND r.status = 'closed'"
    ") paid GROUP BY person_id, deal_id ORDER BY person_id";
static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO comp_audit (changed_at, user_id, action, object, object_id, summary)"
    " VALUES ($1, $2, $3, $4, $5, $6)";
/* Newest first; $1 NULL for every object, $2 0 for every id. */
static const char SQL_AUDIT_LIST[] =
    "SELECT a.id, a.changed_at, a.user_id, a.action, a.object, a.object_id, a.summary,"
    " COALESCE(pe.name, u.email) FROM comp_audit a LEFT JOIN users u ON u.id = a.user_id"
    " LEFT JOIN people pe ON pe.id = u.person_id"
    " WHERE (CAST($1 AS TEXT) IS NULL OR a.object = $1)"
    " AND (CAST($2 AS BIGINT) = 0 OR a.object_id = $2)"
    " ORDER BY a.id DESC LIMIT 1000";
static const char SQL_DEAL_OWNER[] = "SELECT owner_id FROM opportunities WHERE id = $1";
static const char SQL_SPLITS[] =
    "SELECT s.person_id, s.kind, s.share_bp, p.name FROM comp_splits s"
    " JOIN people p ON p.id = s.person_id WHERE s.opportunity_id = $1 ORDER BY s.kind, s.id";
static const char SQL_SPLITS_DELETE[] = "DELETE FROM comp_splits WHERE opportunity_id = $1";
static const char SQL_SPLIT_INSERT[] =
    "INSERT INTO comp_splits (opportunity_id, person_id, kind, share_bp) VALUES ($1, $2, $3, $4)";
static const char SQL_RUN_CLOSE[] =
    "UPDATE comp_runs SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'open'";
static const char SQL_PAYROLL[] =
    "SELECT p.email, p.name, r.period, c.earned_minor, c.paid_to_date_minor, c.payout_minor"
    " FROM comp_payouts c JOIN comp_runs r ON r.id = c.run_id JOIN people p ON p.id = c.person_id"
    " WHERE c.run_id = $1 ORDER BY p.name, p.id";

static const char SQL_STATEMENT_RUN[] =
    "SELECT r.id, r.status, p.name, p.version, p.document FROM comp_runs r"
    " JOIN comp_plans p ON p.id = r.plan_id WHERE r.plan_id = $1 AND r.period = $2";
/* Each line with its deal's name and owner as they are now: "Deal 202" alone tells a seller
 * little. A deal since deleted has neither. */
static const char SQL_STATEMENT_LINES[] =
    "SELECT l.line_date, l.rule, l.deal_id, l.amount_minor, l.explanation, l.line_no, o.name,"
    " o.owner_id FROM comp_lines l LEFT JOIN opportunities o ON o.id = l.deal_id"
    " WHERE l.run_id = $1 AND l.person_id = $2 ORDER BY l.line_no";
/* A dispute with its line as it was when opened (kept since migration 13), and whether the
 * line now at its number is another: a re-run of an open period renumbers lines, and the
 * dispute must not land on a line it was never about. An older dispute kept no copy: its
 * line is the one at its number. */
static const char SQL_STATEMENT_DISPUTES[] =
    "SELECT d.id, d.line_no, d.comment, d.status, d.resolution, d.opened_at,"
    COMP_SQL_DISPUTE_LINE_CHANGED ","
    " d.line_date, d.line_rule, d.line_deal_id, d.line_amount_minor, d.line_explanation,"
    " o.name, o.owner_id"
    " FROM comp_disputes d LEFT JOIN comp_lines l ON l.run_id = d.run_id"
    " AND l.line_no = d.line_no AND l.person_id = d.person_id"
    " LEFT JOIN opportunities o ON o.id = d.line_deal_id"
    " WHERE d.run_id = $1 AND d.person_id = $2 ORDER BY d.id";
static const char SQL_LINE_OWNER[] =
    "SELECT COUNT(*) FROM comp_lines WHERE run_id = $1 AND line_no = $2 AND person_id = $3";
/* The dispute with a copy of its line as it is now (see migration 13). */
static const char SQL_DISPUTE_INSERT[] =
    "INSERT INTO comp_disputes (run_id, line_no, person_id, comment, status, opened_at,"
    " line_date, line_rule, line_deal_id, line_amount_minor, line_explanation)"
    " SELECT $1, $2, $3, $4, 'open', $5, l.line_date, l.rule, l.deal_id, l.amount_minor,"
    " l.explanation FROM comp_lines l WHERE l.run_id = $1 AND l.line_no = $2"
    " AND l.person_id = $3 RETURNING id";
/* Open disputes of person $3 about the line now at number $2 of run $1 (not about a line a
 * re-run has since replaced there). */
static const char SQL_DISPUTE_OPEN_ON_LINE[] =
    "SELECT COUNT(*) FROM comp_disputes d LEFT JOIN comp_lines l ON l.run_id = d.run_id"
    " AND l.line_no = d.line_no AND l.person_id = d.person_id"
    " WHERE d.run_id = $1 AND d.line_no = $2 AND d.person_id = $3 AND d.status = 'open'"
    " AND" COMP_SQL_DISPUTE_LINE_CHANGED " = 0";
static const char SQL_DISPUTE_STATUS[] = "SELECT status FROM comp_disputes WHERE id = $1";
static const char SQL_DISPUTE_PLAN[] =
    "SELECT r.plan_id, d.person_id, r.period FROM comp_disputes d JOIN comp_runs r"
    " ON r.id = d.run_id WHERE d.id = $1";
static const char SQL_DISPUTE_RESOLVE[] =
    "UPDATE comp_disputes SET status = 'resolved', resolution = $2, resolved_at = $3"
    " WHERE id = $1 AND status = 'open'";
static const char SQL_STATEMENT_PAYOUT[] =
    "SELECT earned_minor, paid_to_date_minor, payout_minor, attainment_bp FROM comp_payouts"
    " WHERE run_id = $1 AND person_id = $2";

static const char SQL_STATEMENTS[] =
    "SELECT r.plan_id, p.name, r.period, r.status, c.payout_minor FROM comp_payouts c"
    " JOIN comp_runs r ON r.id = c.run_id JOIN comp_plans p ON p.id = r.plan_id"
    " WHERE c.person_id = $1 ORDER BY r.period DESC, r.plan_id DESC";

/* Serialises runs of the same database (store_lock key). */
#define COMP_RUN_LOCK 0x636f6d70 /* "comp" */

/* ---- one row, transactions, the audit log -------------------------------------------------- */

/* Run `sql` and stand on its one row: 0 with *r on it (the caller frees it), or
 * REINS_ENOTFOUND naming `field` ("no <what> <id>"). The one reader of single rows here. */
static int query_row(struct store *db, const char *sql, const struct store_val *params, int n,
                     struct store_rows **r, const char *field, const char *what, int64_t id,
                     struct err *e)
{
    int rc = store_query(db, sql, params, n, r, e);
    if (rc < 0) return rc;
    rc = store_next(*r, e);
    if (rc == 0) rc = err_field(e, REINS_ENOTFOUND, field, "no %s %lld", what, (long long)id);
    if (rc < 0) {
        store_rows_free(*r);
        *r = NULL;
        return rc;
    }
    return 0;
}

static int tx_begin(struct store *db, int in_tx, struct err *e)
{
    return in_tx ? 0 : store_begin(db, e);
}

/* Commit (unless in the caller's transaction) when rc is a success, else roll back. */
static int tx_end(struct store *db, int in_tx, int rc, struct err *e)
{
    if (in_tx) return rc;
    if (rc >= 0) rc = store_commit(db, e);
    if (rc < 0) store_rollback(db);
    return rc;
}

int comp_audit_add(struct store *db, int64_t user_id, int64_t now, const char *action,
                   const char *object, int64_t object_id, json_t *summary, struct err *e)
{
    char *text = json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(summary);
    if (!text) return err_set(e, REINS_ESTORE, "audit: summary cannot be written");
    int rc = store_run(db, SQL_AUDIT_INSERT,
                       PARAMS(SV_INT(now), SV_ID(user_id), SV_TEXT(action), SV_TEXT(object),
                              SV_INT(object_id), SV_TEXT(text)),
                       NULL, e);
    free(text);
    return rc < 0 ? rc : 0;
}

int comp_audit_list(struct store *db, const char *object, int64_t object_id, json_t **out,
                    struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_AUDIT_LIST, PARAMS(SV_TEXT(object), SV_INT(object_id)), &r, e);
    if (rc < 0) return rc;
    json_t *a = json_array();
    while ((rc = store_next(r, e)) > 0) {
        json_t *summary = json_loads(store_text(r, 6), 0, NULL);
        json_t *row = json_pack(
            "{s:I, s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)store_int(r, 0), "at",
            (json_int_t)store_int(r, 1), "action", store_text(r, 3), "object", store_text(r, 4),
            "object_id", (json_int_t)store_int(r, 5), "summary", summary ? summary : json_null());
        json_object_set_new(row, "user_id",
                            store_isnull(r, 2) ? json_null() : json_integer(store_int(r, 2)));
        /* who, as a reader knows them: their name, or an admin's email; null for reins
         * itself (the demo, the command line) */
        json_object_set_new(row, "by",
                            store_isnull(r, 7) ? json_null() : json_string(store_text(r, 7)));
        json_array_append_new(a, row);
    }
    store_rows_free(r);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

/* ---- plans and assignments ----------------------------------------------------------------- */

int comp_plan_parse_pipeline(const char *json, size_t len, struct comp_plan **out, struct err *e)
{
    int rc = comp_plan_parse(json, len, out, e);
    if (rc < 0) return rc;
    for (size_t i = 0; i < (*out)->ncomponents; i++) {
        const char *m = (*out)->components[i].measure;
        if (strcmp(m, "bookings") == 0) continue;
        err_set(e, REINS_EINVAL,
                "plan: components[%zu].measure: '%s' is not a measure the pipeline credits: won"
                " deals are credited as bookings, so this component would pay no one",
                i, m);
        comp_plan_free(*out);
        *out = NULL;
        return REINS_EINVAL;
    }
    return 0;
}

int comp_plan_store(struct store *db, const char *json, size_t len, int in_tx, int64_t now,
                    int64_t user_id, int64_t *id_out, int *version_out, struct err *e)
{
    struct comp_plan *plan;
    int rc = comp_plan_parse_pipeline(json, len, &plan, e);
    if (rc < 0) return rc;
    char from[11], to[11];
    date_from_days(plan->effective_from, from);
    if (plan->effective_to != COMP_NO_DATE) date_from_days(plan->effective_to, to);
    char *doc = xstrndup(json, len);
    int64_t version = 0, id = 0;
    if ((rc = tx_begin(db, in_tx, e)) < 0) goto out;
    rc = store_int_query(db, SQL_PLAN_NEXT_VERSION, PARAMS(SV_TEXT(plan->name)), &version, e);
    if (rc >= 0)
        rc = store_int_query(db, SQL_PLAN_INSERT,
                             PARAMS(SV_TEXT(plan->name), SV_INT(version), SV_TEXT(from),
                                    plan->effective_to != COMP_NO_DATE ? SV_TEXT(to) : SV_NULL,
                                    SV_TEXT(doc), SV_INT(now)),
                             &id, e);
    if (rc >= 0)
        rc = comp_audit_add(db, user_id, now, "plan.upload", "plan", id,
                            json_pack("{s:s, s:I, s:s}", "name", plan->name, "version",
                                      (json_int_t)version, "effective_from", from),
                            e);
    rc = tx_end(db, in_tx, rc, e);
out:
    free(doc);
    comp_plan_free(plan);
    if (rc < 0) return rc;
    if (id_out) *id_out = id;
    if (version_out) *version_out = (int)version;
    return 0;
}

/* The parsed plan `plan_id`; REINS_ENOTFOUND naming plan_id when there is none. */
static int plan_load(struct store *db, int64_t plan_id, struct comp_plan **out, struct err *e)
{
    struct store_rows *r;
    int rc = query_row(db, SQL_PLAN_DOCUMENT, PARAMS(SV_INT(plan_id)), &r, "plan_id", "plan",
                       plan_id, e);
    if (rc < 0) return rc;
    const char *doc = store_text(r, 0);
    rc = comp_plan_parse(doc, strlen(doc), out, e);
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* Person person_id's name in *out (the caller frees it): audit rows say whom by name. REINS_EINVAL
 * naming person_id when there is no such person. */
static int person_name(struct store *db, int64_t person_id, char **out, struct err *e)
{
    struct store_rows *r;
    *out = NULL;
    int rc = store_query(db, SQL_PERSON_NAME, PARAMS(SV_INT(person_id)), &r, e);
    if (rc < 0) return rc;
    if ((rc = store_next(r, e)) > 0) *out = xstrdup(store_text(r, 0));
    store_rows_free(r);
    if (rc == 0)
        rc = err_field(e, REINS_EINVAL, "person_id", "no person %lld", (long long)person_id);
    return rc < 0 ? rc : 0;
}

/* REINS_ECONFLICT (naming `field`) when person_id is on plan_id, by another assignment than
 * `except`, on a day of [start, end] (end NULL: open): two windows on one plan would be one
 * window said twice, and ending one would leave the person on the plan. */
static int assign_overlap(struct store *db, int64_t plan_id, int64_t person_id, int64_t except,
                          const char *start, const char *end, const char *field, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(
        db, SQL_ASSIGN_OVERLAP,
        PARAMS(SV_INT(plan_id), SV_INT(person_id), SV_INT(except), SV_TEXT(end), SV_TEXT(start)),
        &r, e);
    if (rc < 0) return rc;
    if ((rc = store_next(r, e)) > 0)
        rc = err_field(e, REINS_ECONFLICT, field,
                       "person %lld is already on this plan from %s%s%s (assignment %lld):"
                       " end that assignment first",
                       (long long)person_id, store_text(r, 1), *store_text(r, 2) ? " to " : "",
                       store_text(r, 2), (long long)store_int(r, 0));
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

int comp_assign(struct store *db, int64_t plan_id, int64_t person_id, const char *start_date,
                const char *end_date, int in_tx, int64_t now, int64_t user_id, int64_t *id_out,
                struct err *e)
{
    if (!start_date || date_check(start_date, "start_date", e) < 0)
        return start_date ? REINS_EINVAL
                          : err_field(e, REINS_EINVAL, "start_date", "start_date is required");
    if (end_date && date_check(end_date, "end_date", e) < 0) return REINS_EINVAL;
    if (end_date && strcmp(end_date, start_date) < 0)
        return err_field(e, REINS_EINVAL, "end_date", "end_date is before start_date");
    struct comp_plan *plan;
    int rc = plan_load(db, plan_id, &plan, e);
    if (rc < 0) return rc == REINS_ENOTFOUND ? REINS_EINVAL : rc;
    comp_plan_free(plan);
    char *name;
    if ((rc = person_name(db, person_id, &name, e)) < 0) return rc;
    int64_t id = 0;
    if ((rc = tx_begin(db, in_tx, e)) < 0) {
        free(name);
        return rc;
    }
    rc = assign_overlap(db, plan_id, person_id, 0, start_date, end_date, "person_id", e);
    if (rc >= 0)
        rc = store_int_query(db, SQL_ASSIGN_INSERT,
                             PARAMS(SV_INT(plan_id), SV_INT(person_id), SV_TEXT(start_date),
                                    SV_TEXT(end_date), SV_INT(now)),
                             &id, e);
    if (rc >= 0) {
        json_t *sum = json_pack("{s:I, s:I, s:s, s:s}", "plan_id", (json_int_t)plan_id, "person_id",
                                (json_int_t)person_id, "person", name, "start_date", start_date);
        json_object_set_new(sum, "end_date", end_date ? json_string(end_date) : json_null());
        rc = comp_audit_add(db, user_id, now, "assignment.create", "assignment", id, sum, e);
    }
    free(name);
    if ((rc = tx_end(db, in_tx, rc, e)) < 0) return rc;
    if (id_out) *id_out = id;
    return 0;
}

int comp_assignment_end(struct store *db, int64_t id, const char *end_date, int in_tx, int64_t now,
                        int64_t user_id, struct err *e)
{
    if (end_date && date_check(end_date, "end_date", e) < 0) return REINS_EINVAL;
    int rc = tx_begin(db, in_tx, e);
    if (rc < 0) return rc;
    struct store_rows *r;
    if ((rc = query_row(db, SQL_ASSIGN_GET, PARAMS(SV_INT(id)), &r, "assignment_id", "assignment",
                        id, e)) < 0)
        return tx_end(db, in_tx, rc, e);
    int64_t plan_id = store_int(r, 0), person_id = store_int(r, 1);
    char *name = xstrdup(store_text(r, 4));
    char start[11], before[11] = "";
    snprintf(start, sizeof start, "%s", store_text(r, 2));
    if (!store_isnull(r, 3)) snprintf(before, sizeof before, "%s", store_text(r, 3));
    store_rows_free(r);
    if (end_date && strcmp(end_date, start) < 0)
        rc = err_field(e, REINS_EINVAL, "end_date", "end_date %s is before the start, %s", end_date,
                       start);
    if (rc >= 0) rc = assign_overlap(db, plan_id, person_id, id, start, end_date, "end_date", e);
    if (rc >= 0) rc = store_run(db, SQL_ASSIGN_END, PARAMS(SV_INT(id), SV_TEXT(end_date)), NULL, e);
    if (rc >= 0) {
        json_t *sum = json_pack("{s:I, s:I, s:s}", "plan_id", (json_int_t)plan_id, "person_id",
                                (json_int_t)person_id, "person", name);
        json_object_set_new(sum, "before", *before ? json_string(before) : json_null());
        json_object_set_new(sum, "end_date", end_date ? json_string(end_date) : json_null());
        rc = comp_audit_add(db, user_id, now, "assignment.end", "assignment", id, sum, e);
    }
    free(name);
    return tx_end(db, in_tx, rc, e);
}

/* ---- the engine's input -------------------------------------------------------------------- */

static enum period_kind quota_kind(enum comp_period_kind k)
{
    return k == COMP_PERIOD_MONTH  ? PERIOD_MONTH
           : k == COMP_PERIOD_YEAR ? PERIOD_YEAR
                                   : PERIOD_QUARTER;
}

/* The index of `id` in the ascending ids[0..n), or -1. */
static ptrdiff_t sorted_find(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id ? (ptrdiff_t)lo : -1;
}

/* The payee index of `person_id` (payees are in id order), or -1. */
static ptrdiff_t payee_index(const struct comp_db_input *d, int64_t person_id)
{
    return sorted_find(d->person_ids, d->npayees, person_id);
}

static int ramp_override_cmp(const void *x, const void *y)
{
    const struct ramp_override *a = x, *b = y;
    return (a->person_id > b->person_id) - (a->person_id < b->person_id);
}

struct fx_rate {
    char from[4];
    int32_t day;
    int64_t rate_ppm;
};

static int fx_load(struct store *db, const char *into, struct fx_rate **out, size_t *n,
                   struct arena *a, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_FX_INTO, PARAMS(SV_TEXT(into)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 8;
    *n = 0;
    *out = arena_alloc(a, cap * sizeof **out);
    while ((rc = store_next(r, e)) > 0) {
        *out = arena_grow(a, *out, sizeof **out, *n, &cap);
        struct fx_rate *f = &(*out)[(*n)++];
        snprintf(f->from, sizeof f->from, "%s", store_text(r, 0));
        f->day = (int32_t)date_to_days(store_text(r, 1));
        f->rate_ppm = store_int(r, 2);
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* The latest rate from `from` on or before `day`, or NULL. */
static const struct fx_rate *fx_find(const struct fx_rate *rates, size_t n, const char *from,
                                     int64_t day)
{
    const struct fx_rate *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rates[i].from, from) && rates[i].day <= day) best = &rates[i];
    return best;
}

/* Each payee's quotas for every quota period from the plan's start to last_month,
 * ramped for new hires as attainment is (quota_effective): a query per period and one for
 * the ramps, not one per person and period (11,000 of them for 2,275 payees over a year,
 * each a round trip on PostgreSQL). */
static int load_quotas(struct store *db, struct comp_db_input *d, const int64_t *start_days,
                       int32_t last_month, struct arena *a, struct err *e)
{
    struct quota_settings s;
    struct ramp_override *ramps;
    size_t nramps;
    int rc = quota_settings_get(db, &s, e);
    if (rc < 0 || (rc = ramp_overrides_list(db, a, &ramps, &nramps, e)) < 0) return rc;
    const struct comp_plan *plan = d->plan;
    struct comp_data *cd = &d->data;
    size_t np = d->npayees, nperiods = 0, cap = 4;
    struct period *periods = arena_alloc(a, cap * sizeof *periods);
    for (int32_t m = comp_month_of_day(plan->effective_from); m <= last_month; m++) {
        struct period p;
        period_of_day(quota_kind(plan->quota_period), comp_month_first_day(m), s.fiscal_start_month,
                      &p);
        if (nperiods && strcmp(p.key, periods[nperiods - 1].key) == 0) continue;
        periods = arena_grow(a, periods, sizeof *periods, nperiods, &cap);
        periods[nperiods++] = p;
    }
    /* amount[k * np + i]: payee i's quota in period k, -1 when none */
    size_t cells = nperiods * np;
    int64_t *amount = arena_alloc_raw(a, (cells > 0 ? cells : 1) * sizeof *amount);
    for (size_t k = 0; k < cells; k++)
        amount[k] = -1;
    struct fx_rate *rates = NULL;
    size_t nrates = 0;
    int rates_loaded = 0;
    for (size_t k = 0; k < nperiods && rc >= 0; k++) {
        struct store_rows *r;
        if ((rc = store_query(db, SQL_QUOTAS_OF, PARAMS(SV_TEXT(periods[k].key)), &r, e)) < 0)
            return rc;
        while ((rc = store_next(r, e)) > 0) {
            ptrdiff_t i = payee_index(d, store_int(r, 0));
            if (i < 0) continue;
            int64_t v = store_int(r, 1);
            const char *cur = store_text(r, 2);
            /* a quota in another currency than the plan's is measured in the plan's, at
             * the rate in force on the period's first day (a deal's is its close date's) */
            if (strcmp(cur, plan->currency) != 0) {
                if (!rates_loaded && (rc = fx_load(db, plan->currency, &rates, &nrates, a, e)) < 0)
                    break;
                rates_loaded = 1;
                const struct fx_rate *best = fx_find(rates, nrates, cur, periods[k].first_day);
                if (!best || comp_round_ppm(v, best->rate_ppm, &v) < 0) {
                    rc = err_field(e, REINS_EINVAL, "currency",
                                   "the %s quota of %s is in %s and the plan pays in %s: add a"
                                   " %s to %s exchange rate from %s or before, then run again",
                                   periods[k].key, d->data.people[i].id, cur, plan->currency, cur,
                                   plan->currency, periods[k].start);
                    break;
                }
            }
            amount[k * np + (size_t)i] = v;
        }
        store_rows_free(r);
    }
    if (rc < 0) return rc;
    for (size_t i = 0; i < np; i++) {
        struct ramp_override key = {.person_id = d->person_ids[i]};
        const struct ramp_override *o =
            nramps ? bsearch(&key, ramps, nramps, sizeof *ramps, ramp_override_cmp) : NULL;
        const struct ramp *ramp = o ? &o->ramp : &s.ramp;
        for (size_t k = 0; k < nperiods; k++) {
            if (amount[k * np + i] < 0) continue;
            if (cd->nquotas == cd->capquotas) {
                cd->capquotas = cd->capquotas ? 2 * cd->capquotas : 64;
                cd->quotas = xrealloc(cd->quotas, cd->capquotas * sizeof *cd->quotas);
            }
            cd->quotas[cd->nquotas++] = (struct comp_quota){
                .person = (uint32_t)i,
                .measure = "bookings",
                .month = (int32_t)periods[k].first_month,
                .amount = quota_effective(amount[k * np + i], &periods[k], start_days[i], ramp),
            };
        }
    }
    return 0;
}

/* Everyone in the organisation, by id, and their place in the engine's people (-1 until a
 * payee, a split partner or a manager of one of them needs it). */
struct org {
    size_t n;
    int64_t *ids, *managers, *starts;
    const char **names; /* what a roll-up line or a message calls them */
    int32_t *slot;
    size_t cap_ids; /* of d->person_ids */
};

static int org_load(struct store *db, struct org *o, struct arena *a, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_ORG, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    size_t c1 = 64, c2 = 64, c3 = 64, c4 = 64, c5 = 64;
    memset(o, 0, sizeof *o);
    o->names = arena_alloc(a, c5 * sizeof *o->names);
    o->ids = arena_alloc(a, c1 * sizeof *o->ids);
    o->managers = arena_alloc(a, c2 * sizeof *o->managers);
    o->starts = arena_alloc(a, c3 * sizeof *o->starts);
    o->slot = arena_alloc(a, c4 * sizeof *o->slot);
    while ((rc = store_next(r, e)) > 0) {
        o->ids = arena_grow(a, o->ids, sizeof *o->ids, o->n, &c1);
        o->managers = arena_grow(a, o->managers, sizeof *o->managers, o->n, &c2);
        o->starts = arena_grow(a, o->starts, sizeof *o->starts, o->n, &c3);
        o->slot = arena_grow(a, o->slot, sizeof *o->slot, o->n, &c4);
        o->names = arena_grow(a, o->names, sizeof *o->names, o->n, &c5);
        o->names[o->n] = arena_strdup(a, store_text(r, 3));
        o->ids[o->n] = store_int(r, 0);
        o->managers[o->n] = store_int(r, 1);
        o->starts[o->n] = date_to_days(store_text(r, 2));
        o->slot[o->n++] = -1;
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* The index in o->ids of person `id` (ids are sorted), or -1. */
static ptrdiff_t org_find(const struct org *o, int64_t id)
{
    return sorted_find(o->ids, o->n, id);
}

/* The engine's index of org person k, adding them (and, when `link`, their managers up the
 * tree, for roll-up credit) on first use. */
static uint32_t org_person(struct comp_db_input *d, struct org *o, size_t k, int link,
                           struct arena *a)
{
    struct comp_data *cd = &d->data;
    if (o->slot[k] < 0) {
        if (cd->npeople == cd->cappeople) {
            cd->cappeople = cd->cappeople ? 2 * cd->cappeople : 64;
            cd->people = xrealloc(cd->people, cd->cappeople * sizeof *cd->people);
        }
        d->person_ids =
            arena_grow(a, d->person_ids, sizeof *d->person_ids, cd->npeople, &o->cap_ids);
        d->person_ids[cd->npeople] = o->ids[k];
        cd->people[cd->npeople] = (struct comp_person){o->names[k], -1};
        o->slot[k] = (int32_t)cd->npeople++;
    }
    uint32_t self = (uint32_t)o->slot[k];
    if (link && cd->people[self].manager < 0 && o->managers[k] > 0) {
        ptrdiff_t m = org_find(o, o->managers[k]);
        if (m >= 0) {
            uint32_t mi = org_person(d, o, (size_t)m, 1, a);
            /* a reporting cycle (the people part refuses them) must not make roll-up loop */
            int32_t at = (int32_t)mi;
            while (at >= 0 && (uint32_t)at != self)
                at = cd->people[at].manager;
            if (at < 0) cd->people[self].manager = (int32_t)mi;
        }
    }
    return self;
}

/* Who is on the plan on which days. */
struct window {
    int64_t person;
    int32_t from, to;
};

static int windows_load(struct store *db, int64_t plan_id, struct window **out, size_t *n,
                        struct arena *a, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_WINDOWS, PARAMS(SV_INT(plan_id)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 16;
    *n = 0;
    *out = arena_alloc(a, cap * sizeof **out);
    while ((rc = store_next(r, e)) > 0) {
        *out = arena_grow(a, *out, sizeof **out, *n, &cap);
        (*out)[(*n)++] = (struct window){
            store_int(r, 0), (int32_t)date_to_days(store_text(r, 1)),
            store_isnull(r, 2) ? INT32_MAX : (int32_t)date_to_days(store_text(r, 2))};
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* Whether `person` is on the plan on `day`; w is sorted by person. */
static int on_plan(const struct window *w, size_t n, int64_t person, int32_t day)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w[mid].person < person)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && w[lo].person == person; lo++)
        if (w[lo].from <= day && day <= w[lo].to) return 1;
    return 0;
}

/* The rates into the plan's currency: from_currency, effective day, ppm. */
/* Convert a deal closed on `day` in `from` with the latest rate on or before that day; a
 * deal without one is noted (rate 0) and fails the run only if someone on the plan is
 * credited with it. comp_round_ppm is the one rounding. */
static void fx_convert(struct comp_db_input *d, const struct fx_rate *rates, size_t nrates,
                       int64_t deal, const char *from, int32_t day, int64_t *amount,
                       struct arena *a)
{
    const struct fx_rate *best = fx_find(rates, nrates, from, day);
    d->fx = arena_grow(a, d->fx, sizeof *d->fx, d->nfx, &d->capfx);
    struct comp_fx_note *n = &d->fx[d->nfx++];
    *n = (struct comp_fx_note){.deal_id = deal, .amount = *amount};
    snprintf(n->from, sizeof n->from, "%s", from);
    if (!best || comp_round_ppm(*amount, best->rate_ppm, amount) < 0) {
        n->rate_ppm = 0;
        *amount = 0;
        return;
    }
    n->rate_ppm = best->rate_ppm;
    n->rate_day = best->day;
}

static int fx_by_deal(const void *x, const void *y)
{
    const struct comp_fx_note *a = x, *b = y;
    return a->deal_id < b->deal_id ? -1 : a->deal_id > b->deal_id;
}

const struct comp_fx_note *comp_fx_note_of(const struct comp_db_input *d, int64_t deal_id)
{
    struct comp_fx_note key = {.deal_id = deal_id};
    return d->nfx ? bsearch(&key, d->fx, d->nfx, sizeof *d->fx, fx_by_deal) : NULL;
}

/* A deal's products, "a; b" as the engine reads a credit's product (SPIF filters). */
struct deal_products {
    int64_t deal;
    const char *names;
};

/* One product of a deal, as SQL_CREDIT_PRODUCTS gives it. */
struct deal_product {
    int64_t deal;
    const char *name;
};

static int deal_product_cmp(const void *x, const void *y)
{
    const struct deal_product *a = x, *b = y;
    if (a->deal != b->deal) return a->deal < b->deal ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* The products of deals `lo` to `hi`, by deal id, each deal's names sorted (bytewise, on
 * every database) and joined with "; ". */
static int products_load(struct store *db, int64_t lo, int64_t hi, struct deal_products **out,
                         size_t *n, struct arena *a, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_CREDIT_PRODUCTS, PARAMS(SV_INT(lo), SV_INT(hi)), &r, e);
    if (rc < 0) return rc;
    size_t np = 0, capp = 0;
    struct deal_product *p = NULL;
    while ((rc = store_next(r, e)) > 0) {
        if (np == capp) p = xrealloc(p, (capp = capp ? 2 * capp : 256) * sizeof *p);
        p[np++] = (struct deal_product){store_int(r, 0), arena_strdup(a, store_text(r, 1))};
    }
    store_rows_free(r);
    if (np) qsort(p, np, sizeof *p, deal_product_cmp);
    size_t cap = 16;
    *n = 0;
    *out = arena_alloc(a, cap * sizeof **out);
    struct sb names = SB_INIT;
    for (size_t i = 0; rc >= 0 && i < np; i++) {
        if (*n == 0 || (*out)[*n - 1].deal != p[i].deal) {
            if (*n) (*out)[*n - 1].names = arena_strdup(a, names.buf);
            *out = arena_grow(a, *out, sizeof **out, *n, &cap);
            (*out)[(*n)++] = (struct deal_products){p[i].deal, ""};
            names.len = 0;
        } else {
            sb_adds(&names, "; ");
        }
        sb_adds(&names, p[i].name);
    }
    if (*n) (*out)[*n - 1].names = arena_strdup(a, names.buf);
    sb_release(&names);
    free(p);
    return rc < 0 ? rc : 0;
}

static int deal_products_cmp(const void *x, const void *y)
{
    const struct deal_products *a = x, *b = y;
    return a->deal < b->deal ? -1 : a->deal > b->deal;
}

static const char *products_of(const struct deal_products *dp, size_t n, int64_t deal)
{
    struct deal_products key = {deal, NULL};
    const struct deal_products *f = n ? bsearch(&key, dp, n, sizeof *dp, deal_products_cmp) : NULL;
    return f ? f->names : "";
}

/* One row of a deal for comp_credit_deals to credit (the amount is its share, made there).
 * It has no input line: the engine's messages name its deal. */
static void credit_add(struct comp_data *cd, const char *deal_id, const struct comp_tags *tags,
                       enum comp_role role, int64_t split_bp, int32_t day, int32_t cancelled,
                       int64_t deal_amount, uint32_t person)
{
    *comp_credit_new(cd) = (struct comp_credit){.id = deal_id,
                                                .deal = deal_id,
                                                .role = (uint8_t)role,
                                                .date = day,
                                                .cancelled = cancelled,
                                                .deal_amount = deal_amount,
                                                .split_bp = (int16_t)split_bp,
                                                .tags = tags,
                                                .source = -1,
                                                .person = person};
}

/* A row of SQL_CREDITS, held until every row is in and ordered: by close date, deal,
 * split kind (none, then direct, then overlay) and split. */
struct credit_row {
    int64_t deal, owner, amount, person, share_bp, split, left_at;
    int32_t day;
    int8_t kind;  /* -1: no split (person is 0), else enum comp_role */
    uint8_t left; /* the deal left won at left_at */
    char currency[4];
    const char *deal_type;
};

static int credit_row_cmp(const void *x, const void *y)
{
    const struct credit_row *a = x, *b = y;
    if (a->day != b->day) return a->day < b->day ? -1 : 1;
    if (a->deal != b->deal) return a->deal < b->deal ? -1 : 1;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    return (a->split > b->split) - (a->split < b->split);
}

static int credit_rows_load(struct store *db, const char *from, const char *to,
                            struct credit_row **out, size_t *n, struct arena *a, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_CREDITS, PARAMS(SV_TEXT(from), SV_TEXT(to)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    const char *last_type = NULL; /* deal types repeat: kept once per run of equal ones */
    while ((rc = store_next(r, e)) > 0) {
        if (*n == cap) *out = xrealloc(*out, (cap = cap ? 2 * cap : 1024) * sizeof **out);
        struct credit_row *c = &(*out)[(*n)++];
        const char *type = store_text(r, 10);
        if (!last_type || strcmp(last_type, type)) last_type = arena_strdup(a, type);
        *c = (struct credit_row){
            .deal = store_int(r, 0),
            .owner = store_int(r, 1),
            .amount = store_int(r, 2),
            .day = (int32_t)date_to_days(store_text(r, 3)),
            .person = store_int(r, 4),
            .share_bp = store_int(r, 6),
            .kind = store_isnull(r, 4)                        ? -1
                    : strcmp(store_text(r, 5), "direct") == 0 ? COMP_ROLE_DIRECT
                                                              : COMP_ROLE_OVERLAY,
            .split = store_int(r, 9),
            .left = !store_isnull(r, 8),
            .left_at = store_int(r, 8),
            .deal_type = last_type,
        };
        snprintf(c->currency, sizeof c->currency, "%s", store_text(r, 7));
    }
    store_rows_free(r);
    if (rc >= 0 && *n) qsort(*out, *n, sizeof **out, credit_row_cmp);
    return rc < 0 ? rc : 0;
}

/* The rows of SQL_CREDITS for close dates [from, to], ordered, and the products of their
 * deals: what a load reads of the deals, kept when the caller passes them on to the next. */
struct comp_deal_rows {
    int loaded;
    int32_t from, to;
    struct credit_row *v;
    size_t n;
    struct deal_products *dp;
    size_t ndp;
    struct arena arena; /* deal types and product names */
};

struct comp_deal_rows *comp_deal_rows_new(void)
{
    return xcalloc(1, sizeof(struct comp_deal_rows));
}

static void deal_rows_release(struct comp_deal_rows *r)
{
    free(r->v);
    arena_release(&r->arena);
    *r = (struct comp_deal_rows){0};
}

void comp_deal_rows_free(struct comp_deal_rows *r)
{
    if (!r) return;
    deal_rows_release(r);
    free(r);
}

/* Make `r` hold at least close dates [from, to]: read again, over both ranges, unless it
 * does already. */
static int deal_rows_cover(struct store *db, struct comp_deal_rows *r, int32_t from, int32_t to,
                           struct err *e)
{
    if (r->loaded && r->from <= from && to <= r->to) return 0;
    if (r->loaded && r->from < from) from = r->from;
    if (r->loaded && r->to > to) to = r->to;
    deal_rows_release(r);
    char a[11], b[11];
    date_from_days(from, a);
    date_from_days(to, b);
    int rc = credit_rows_load(db, a, b, &r->v, &r->n, &r->arena, e);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; rc >= 0 && i < r->n; i++) {
        if (r->v[i].deal < lo) lo = r->v[i].deal;
        if (r->v[i].deal > hi) hi = r->v[i].deal;
    }
    if (rc >= 0 && r->n) rc = products_load(db, lo, hi, &r->dp, &r->ndp, &r->arena, e);
    if (rc < 0) {
        deal_rows_release(r);
        return rc;
    }
    r->loaded = 1;
    r->from = from;
    r->to = to;
    return 0;
}

/* Every won deal closed in [from, to], one row per credit: the deal's splits, or, when it has
 * no direct split, the owner for the whole deal (plus any overlay splits); amounts in
 * another currency converted into the plan's. A deal that left won after closing is
 * credited as it was won, cancelled on the day it left (UTC), so the engine claws it back
 * in that period (or not, past the plan's window); one that left within its own payout
 * period was never payable and is not credited at all. */
static int load_credits(struct store *db, struct comp_db_input *d, struct org *o,
                        struct comp_deal_rows *cache, int32_t from, int32_t to, struct arena *a,
                        struct err *e)
{
    struct fx_rate *rates;
    size_t nrates;
    int rc = fx_load(db, d->plan->currency, &rates, &nrates, a, e);
    if (rc < 0) return rc;
    struct comp_deal_rows own = {0}, *cr = cache ? cache : &own;
    if ((rc = deal_rows_cover(db, cr, from, to, e)) < 0) return rc;
    size_t start = 0, end = cr->n; /* rows[start, end): closed in [from, to] */
    while (start < end && cr->v[start].day < from)
        start++;
    while (end > start && cr->v[end - 1].day > to)
        end--;
    const struct credit_row *rows = cr->v + start;
    size_t nrows = end - start;
    const struct deal_products *dp = cr->dp;
    size_t ndp = cr->ndp;
    struct comp_data *cd = &d->data;
    int64_t deal = 0, owner = 0, amount = 0;
    int32_t day = 0, cancelled = COMP_NO_DATE;
    int has_direct = 1, skip = 0;
    const char *deal_id = NULL;
    const struct comp_tags *tags = NULL;
    for (size_t i = 0;; i++) {
        const struct credit_row *c = i < nrows ? &rows[i] : NULL;
        /* a deal ends: credit its owner unless its direct splits say otherwise */
        if ((!c || c->deal != deal) && !has_direct && !skip) {
            ptrdiff_t k = org_find(o, owner);
            if (k >= 0)
                credit_add(cd, deal_id, tags, COMP_ROLE_DIRECT, COMP_BP, day, cancelled, amount,
                           org_person(d, o, (size_t)k, 1, a));
            has_direct = 1;
        }
        if (!c) break;
        if (c->deal != deal) {
            deal = c->deal;
            owner = c->owner;
            amount = c->amount;
            day = c->day;
            deal_id = arena_printf(a, "%lld", (long long)deal);
            tags = comp_data_tags(cd, NULL, products_of(dp, ndp, deal), c->deal_type);
            has_direct = 0;
            cancelled = COMP_NO_DATE;
            if (c->left) {
                int64_t at = c->left_at;
                cancelled = (int32_t)((at - (at < 0 ? 86399 : 0)) / 86400); /* floor */
                if (cancelled < day) cancelled = day; /* left won before its close date */
            }
            enum comp_period_kind pk = d->plan->payout_period;
            skip =
                cancelled != COMP_NO_DATE && comp_period_start(comp_month_of_day(cancelled), pk) ==
                                                 comp_period_start(comp_month_of_day(day), pk);
            if (strcmp(c->currency, d->plan->currency))
                fx_convert(d, rates, nrates, deal, c->currency, day, &amount, a);
        }
        if (skip || c->kind < 0) continue; /* not credited, or no splits */
        ptrdiff_t k = org_find(o, c->person);
        if (k < 0) continue;
        has_direct |= c->kind == COMP_ROLE_DIRECT;
        credit_add(cd, deal_id, tags, (enum comp_role)c->kind, c->share_bp, day, cancelled, amount,
                   org_person(d, o, (size_t)k, 1, a));
    }
    deal_rows_release(&own);
    if (d->nfx) qsort(d->fx, d->nfx, sizeof *d->fx, fx_by_deal); /* for comp_fx_note_of */
    return 0;
}

/* Keep the credits of people on the plan on the credit's day (roll-up credit included), in
 * order, and point roll-ups at their source's new place (-1 when it went: a seller off the
 * plan still rolls up to a manager on it). */
static void keep_payees_credits(struct comp_db_input *d, const struct window *w, size_t nw)
{
    struct comp_data *cd = &d->data;
    int32_t *moved = xmalloc((cd->ncredits ? cd->ncredits : 1) * sizeof *moved);
    size_t n = 0;
    for (size_t i = 0; i < cd->ncredits; i++) {
        struct comp_credit c = cd->credits[i];
        moved[i] = -1;
        if (c.person >= d->npayees || !on_plan(w, nw, d->person_ids[c.person], c.date)) continue;
        if (c.source >= 0) c.source = moved[c.source];
        moved[i] = (int32_t)n;
        cd->credits[n++] = c;
    }
    cd->ncredits = n;
    free(moved);
}

int comp_input_load(struct store *db, int64_t plan_id, int32_t last_month,
                    const struct comp_extra_deal *extra, struct arena *a, struct comp_db_input *d,
                    struct err *e)
{
    return comp_input_load_plan(db, plan_id, NULL, last_month, extra, NULL, a, d, e);
}

int comp_input_load_plan(struct store *db, int64_t plan_id, struct comp_plan *plan,
                         int32_t last_month, const struct comp_extra_deal *extra,
                         struct comp_deal_rows *rows, struct arena *a, struct comp_db_input *d,
                         struct err *e)
{
    memset(d, 0, sizeof *d);
    int rc = plan ? 0 : plan_load(db, plan_id, &plan, e);
    if (rc < 0) return rc;
    comp_data_init(&d->data);
    d->plan = plan;
    d->in.plan = d->plan;
    char from[11], to[11];
    date_from_days(d->plan->effective_from, from);
    int32_t last_day = comp_month_first_day(last_month + 1) - 1;
    if (d->plan->effective_to != COMP_NO_DATE && d->plan->effective_to < last_day)
        last_day = d->plan->effective_to;
    date_from_days(last_day, to);

    struct org o;
    struct window *w;
    size_t nw;
    if ((rc = org_load(db, &o, a, e)) < 0 || (rc = windows_load(db, plan_id, &w, &nw, a, e)) < 0)
        goto fail;
    o.cap_ids = 16;
    d->person_ids = arena_alloc(a, o.cap_ids * sizeof *d->person_ids);

    /* payees first, in id order (payee_index): people[0..npayees) */
    struct store_rows *r;
    if ((rc = store_query(db, SQL_PAYEES, PARAMS(SV_INT(plan_id), SV_TEXT(from), SV_TEXT(to)), &r,
                          e)) < 0)
        goto fail;
    while ((rc = store_next(r, e)) > 0) {
        ptrdiff_t k = org_find(&o, store_int(r, 0));
        if (k >= 0) org_person(d, &o, (size_t)k, 0, a);
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    d->npayees = d->data.npeople;
    int64_t *starts = arena_alloc(a, (d->npayees ? d->npayees : 1) * sizeof *starts);
    for (size_t i = 0; i < d->npayees; i++) {
        ptrdiff_t k = org_find(&o, d->person_ids[i]);
        starts[i] = o.starts[k];
        org_person(d, &o, (size_t)k, 1, a); /* their managers, for roll-up */
    }
    if ((rc = load_quotas(db, d, starts, last_month, a, e)) < 0) goto fail;

    /* credits: splits, owners, roll-up (comp_io.c's crediting, as the CLI's), then only
     * what people on the plan earned while on it */
    if ((rc = load_credits(db, d, &o, rows, d->plan->effective_from, last_day, a, e)) < 0)
        goto fail;
    if ((rc = comp_credit_deals(&d->data, d->plan, 0, "deal splits", e)) < 0) goto fail;
    keep_payees_credits(d, w, nw);
    for (size_t i = 0; d->nfx && i < d->data.ncredits; i++) { /* a rate missing? */
        int64_t deal = 0;
        parse_int64(d->data.credits[i].deal, &deal);
        const struct comp_fx_note *n = comp_fx_note_of(d, deal);
        if (n && n->rate_ppm == 0) {
            char day[11];
            date_from_days(d->data.credits[i].date, day);
            rc = err_field(e, REINS_EINVAL, "currency",
                           "deal %lld is in %s and closed on %s, but there is no %s to %s exchange"
                           " rate on or before that date: add one, then run again",
                           (long long)deal, n->from, day, n->from, d->plan->currency);
            goto fail;
        }
    }

    if (extra) {
        size_t who = 0;
        while (who < d->npayees && d->person_ids[who] != extra->person_id)
            who++;
        if (who == d->npayees) {
            rc = err_field(e, REINS_EINVAL, "person_id", "person %lld is not on this plan",
                           (long long)extra->person_id);
            goto fail;
        }
        *comp_credit_new(&d->data) = (struct comp_credit){
            .id = "estimate",
            .deal = "estimate",
            .person = (uint32_t)who,
            .role = COMP_ROLE_DIRECT,
            .date = last_day,
            .cancelled = COMP_NO_DATE,
            .amount = extra->amount,
            .deal_amount = extra->amount,
            .split_bp = COMP_BP,
            .tags = comp_data_tags(&d->data, NULL, extra->product, extra->deal_type),
            .source = -1,
        };
    }
    d->deal_ids = arena_alloc(a, (d->data.ncredits ? d->data.ncredits : 1) * sizeof *d->deal_ids);
    for (size_t i = 0; i < d->data.ncredits; i++)
        if (parse_int64(d->data.credits[i].deal, &d->deal_ids[i]) < 0) d->deal_ids[i] = 0;
    d->in = comp_data_input(&d->data, d->plan, last_month);
    return 0;
fail:
    comp_db_input_release(d);
    return rc;
}

void comp_db_input_release(struct comp_db_input *d)
{
    comp_plan_free(d->plan);
    comp_data_release(&d->data);
    d->plan = NULL;
    d->in.plan = NULL;
}

/* ---- runs ---------------------------------------------------------------------------------- */

/* The period's months, checked against the plan's payout period. */
static int run_period(const struct comp_plan *plan, const char *period, int32_t *first,
                      int32_t *last, struct err *e)
{
    enum comp_period_kind kind;
    if (!period || comp_period_parse(period, first, last, &kind) < 0)
        return err_field(e, REINS_EINVAL, "period", "period must be like 2026-03 or 2026-Q1");
    if (kind != plan->payout_period)
        return err_field(e, REINS_EINVAL, "period", "the plan pays per %s; %s is not one",
                         plan->payout_period == COMP_PERIOD_MONTH     ? "month"
                         : plan->payout_period == COMP_PERIOD_QUARTER ? "quarter"
                                                                      : "year",
                         period);
    return 0;
}

/* Minor units as "1,234.56". */
static void money(struct sb *o, int64_t v)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)(m / 100));
    if (v < 0) sb_adds(o, "-");
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) sb_adds(o, ",");
        sb_addf(o, "%c", digits[i]);
    }
    sb_addf(o, ".%02u", (unsigned)(m % 100));
}

/* " The deal is 1,000.00 EUR, converted at 1.084500 USD per EUR (the rate from
 * 2026-01-01) into 1,084.50 USD." */
static void fx_explain(struct sb *o, const struct comp_fx_note *fx, const char *into,
                       int64_t converted)
{
    char day[11];
    date_from_days(fx->rate_day, day);
    sb_adds(o, " The deal is ");
    money(o, fx->amount);
    sb_addf(o, " %s, converted at %lld.%06lld %s per %s (the rate from %s) into ", fx->from,
            (long long)(fx->rate_ppm / COMP_PPM), (long long)(fx->rate_ppm % COMP_PPM), into,
            fx->from, day);
    money(o, converted);
    sb_addf(o, " %s.", into);
}

/* A closed period's result as it would be now, against what was paid for it: for one
 * person, and (once split by deal_split) for one deal of theirs, deal_id 0 standing for the
 * lines about no deal (draws). */
struct correction {
    int64_t person_id, run_id;
    char period[9];
    int64_t now, paid;
    int64_t deal_id;
};

/* A row of what was paid for a closed period: to a person, for a deal (0: lines about none). */
struct paid_row {
    int64_t person_id, deal_id, paid;
};

/* A deal's amount in a period: paid for it then, earned by it now. */
struct deal_amounts {
    int64_t deal_id, paid, now;
};

static int deal_amounts_cmp(const void *a, const void *b)
{
    const struct deal_amounts *x = a, *y = b;
    return (x->deal_id > y->deal_id) - (x->deal_id < y->deal_id);
}

/* Where each payee's lines start in res->lines (lines come by person), npayees + 1 of them. */
static size_t *lines_by_person(const struct comp_db_input *d, const struct comp_result *res,
                               struct arena *a)
{
    size_t *at = arena_alloc(a, (d->npayees + 1) * sizeof *at);
    size_t i = 0;
    for (size_t p = 0; p <= d->npayees; p++) {
        while (i < res->nlines && res->lines[i].person < p)
            i++;
        at[p] = i;
    }
    return at;
}

/* Correction c (a person's whole difference for a closed period) as one correction per deal
 * whose amount changed, appended to *out: a seller told "earned now 407.26, paid 2,401.90"
 * is owed the deal that moved. What each deal earns now is in the person's lines of the
 * period; what it was paid, in the closed run's lines and the corrections of it since. */
static void deal_split(const struct comp_db_input *d, const struct comp_result *res,
                       const size_t *starts, const struct correction *c,
                       const struct paid_row *paid, size_t npaid_rows, struct correction **out,
                       size_t *n, size_t *cap, struct arena *a)
{
    int32_t first, last;
    enum comp_period_kind kind;
    if (comp_period_parse(c->period, &first, &last, &kind) < 0) return;
    size_t nd = 0, capd = npaid_rows + 16;
    struct deal_amounts *da = arena_alloc(a, capd * sizeof *da);
    for (size_t i = 0; i < npaid_rows; i++)
        da[nd++] = (struct deal_amounts){paid[i].deal_id, paid[i].paid, 0};
    qsort(da, nd, sizeof *da, deal_amounts_cmp);
    size_t npaid = nd;
    ptrdiff_t p = payee_index(d, c->person_id);
    for (size_t i = p >= 0 ? starts[p] : 0; p >= 0 && i < starts[p + 1]; i++) {
        const struct comp_line *l = &res->lines[i];
        if (l->month != first) continue;
        struct deal_amounts key = {l->credit >= 0 ? d->deal_ids[l->credit] : 0, 0, 0};
        struct deal_amounts *hit = bsearch(&key, da, npaid, sizeof *da, deal_amounts_cmp);
        if (!hit) { /* a deal paid nothing then: kept apart, found by a scan (few) */
            for (size_t j = npaid; j < nd && !hit; j++)
                if (da[j].deal_id == key.deal_id) hit = &da[j];
        }
        if (!hit) {
            da = arena_grow(a, da, sizeof *da, nd, &capd);
            hit = &da[nd++];
            *hit = key;
        }
        hit->now += l->amount;
    }
    qsort(da, nd, sizeof *da, deal_amounts_cmp);
    for (size_t j = 0; j < nd; j++) {
        if (da[j].now == da[j].paid) continue;
        *out = arena_grow(a, *out, sizeof **out, *n, cap);
        (*out)[(*n)++] =
            (struct correction){c->person_id, c->run_id, "", da[j].now, da[j].paid, da[j].deal_id};
        memcpy((*out)[*n - 1].period, c->period, sizeof c->period);
    }
}

/* What was paid per deal for closed run `run_id`'s period: to `person_id` alone, or (0) to
 * everyone, ordered by person. */
static int paid_rows_load(struct store *db, int64_t run_id, int64_t person_id,
                          struct paid_row **out, size_t *n, struct arena *a, struct err *e)
{
    struct store_rows *r;
    int rc = person_id ? store_query(db, SQL_PAID_BY_DEAL,
                                     PARAMS(SV_INT(person_id), SV_INT(run_id)), &r, e)
                       : store_query(db, SQL_PAID_BY_DEAL_RUN, PARAMS(SV_INT(run_id)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 16;
    *n = 0;
    *out = arena_alloc(a, cap * sizeof **out);
    int k = person_id ? 0 : 1; /* the run's rows lead with the person */
    while ((rc = store_next(r, e)) > 0) {
        *out = arena_grow(a, *out, sizeof **out, *n, &cap);
        (*out)[(*n)++] =
            (struct paid_row){person_id ? person_id : store_int(r, 0),
                              store_isnull(r, k) ? 0 : store_int(r, k), store_int(r, k + 1)};
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* Corrections c[0..n) of one closed run, split by deal into *out: a query a person when
 * few are corrected, one for the whole run when many are. Where the line lies is a matter of
 * what a query costs: a round trip to the server for PostgreSQL, a call for SQLite, which
 * then reads a month's 100,000 lines slower than it answers 1,200 people's small queries
 * (bench/comp-model, third round). */
#define PAID_BY_RUN_FROM_PG 32
#define PAID_BY_RUN_FROM_SQLITE 4096

static int run_split(struct store *db, const struct comp_db_input *d, const struct comp_result *res,
                     const size_t *starts, const struct correction *c, size_t n,
                     struct correction **out, size_t *nout, size_t *cap, struct arena *a,
                     struct err *e)
{
    struct paid_row *rows;
    size_t nrows;
    int rc = 0;
    if (n < (store_kind(db) == STORE_POSTGRES ? PAID_BY_RUN_FROM_PG : PAID_BY_RUN_FROM_SQLITE)) {
        for (size_t i = 0; i < n && rc >= 0; i++)
            if ((rc = paid_rows_load(db, c[i].run_id, c[i].person_id, &rows, &nrows, a, e)) >= 0)
                deal_split(d, res, starts, &c[i], rows, nrows, out, nout, cap, a);
        return rc < 0 ? rc : 0;
    }
    if ((rc = paid_rows_load(db, c[0].run_id, 0, &rows, &nrows, a, e)) < 0) return rc;
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = nrows; /* the person's first row */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (rows[mid].person_id < c[i].person_id)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t end = lo;
        while (end < nrows && rows[end].person_id == c[i].person_id)
            end++;
        deal_split(d, res, starts, &c[i], rows + lo, end - lo, out, nout, cap, a);
    }
    return 0;
}

/* The corrections of the closed periods before `period` (run period labels sort in time
 * order): per person, the closed period's payout recomputed now (the engine always runs
 * from the plan's start) against what was paid for it: its run's own lines and the
 * corrections of it already in later closed runs. */
static int corrections_find(struct store *db, int64_t plan_id, const char *period,
                            const struct comp_db_input *d, const struct comp_result *res,
                            struct correction **out, size_t *nout, struct arena *a, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_CLOSED_BEFORE, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &r, e);
    if (rc < 0) return rc;
    size_t nclosed = 0, cap = 8;
    struct correction *closed = arena_alloc(a, cap * sizeof *closed);
    while ((rc = store_next(r, e)) > 0) {
        closed = arena_grow(a, closed, sizeof *closed, nclosed, &cap);
        closed[nclosed] = (struct correction){.run_id = store_int(r, 0)};
        snprintf(closed[nclosed++].period, sizeof closed->period, "%s", store_text(r, 1));
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    size_t n = 0, ccap = 16;
    struct correction *c = arena_alloc(a, ccap * sizeof *c);
    size_t np = d->npayees ? d->npayees : 1;
    int64_t *paid = arena_alloc(a, np * sizeof *paid), *now = arena_alloc(a, np * sizeof *now);
    for (size_t k = 0; k < nclosed; k++) {
        int32_t first, last;
        enum comp_period_kind kind;
        if (comp_period_parse(closed[k].period, &first, &last, &kind) < 0) continue;
        memset(paid, 0, np * sizeof *paid);
        memset(now, 0, np * sizeof *now);
        for (size_t j = 0; j < res->npayouts; j++)
            if (res->payouts[j].month == first && res->payouts[j].person < d->npayees)
                now[res->payouts[j].person] = res->payouts[j].payout;
        if ((rc = store_query(db, SQL_PAID_FOR_RUN, PARAMS(SV_INT(closed[k].run_id)), &r, e)) < 0)
            return rc;
        while ((rc = store_next(r, e)) > 0) {
            int64_t pid = store_int(r, 0), v = store_int(r, 1);
            ptrdiff_t i = payee_index(d, pid);
            if (i >= 0) {
                paid[i] = v;
            } else if (v != 0) { /* off the plan now: nothing is earned for that period */
                c = arena_grow(a, c, sizeof *c, n, &ccap);
                c[n++] = (struct correction){pid, closed[k].run_id, "", 0, v, 0};
                memcpy(c[n - 1].period, closed[k].period, sizeof c->period);
            }
        }
        store_rows_free(r);
        if (rc < 0) return rc;
        for (size_t i = 0; i < d->npayees; i++) {
            if (now[i] == paid[i]) continue;
            c = arena_grow(a, c, sizeof *c, n, &ccap);
            c[n++] =
                (struct correction){d->person_ids[i], closed[k].run_id, "", now[i], paid[i], 0};
            memcpy(c[n - 1].period, closed[k].period, sizeof c->period);
        }
    }
    /* each person's difference, deal by deal */
    size_t nsplit = 0, capsplit = n + 16;
    struct correction *split = arena_alloc(a, capsplit * sizeof *split);
    size_t *starts = n ? lines_by_person(d, res, a) : NULL;
    for (size_t i = 0, j; i < n; i = j) { /* a closed run's corrections come together */
        for (j = i + 1; j < n && c[j].run_id == c[i].run_id;)
            j++;
        if ((rc = run_split(db, d, res, starts, c + i, j - i, &split, &nsplit, &capsplit, a, e)) <
            0)
            return rc;
    }
    *out = split;
    *nout = nsplit;
    return 0;
}

/* An admin's adjustment the run pays (comp_adjustment_add). */
struct adjustment {
    int64_t person_id, amount;
    const char *reason, *by; /* by: NULL for reins itself */
};

/* What a run's period pays a person beyond the engine's result: the corrections of closed
 * periods (`sum`) and the admin's adjustments (`adj`); `first` orders people with these
 * alone by their first correction or adjustment; `before` is what adjustments in closed
 * runs before paid them. */
struct correction_sum {
    int64_t person_id;
    size_t first;
    int64_t sum, adj, before;
    int paid_out; /* the person has a payout of their own in the run's period */
};

static int sum_by_person(const void *a, const void *b)
{
    const struct correction_sum *x = a, *y = b;
    if (x->person_id != y->person_id) return x->person_id < y->person_id ? -1 : 1;
    return (x->first > y->first) - (x->first < y->first);
}

/* The corrections and adjustments summed per person, ordered by person id (for bsearch): a
 * year's closes can owe every payee one per closed period, tens of thousands, too many to
 * sum by a scan per payout. Returns how many people. */
static size_t corrections_sum(const struct correction *c, size_t nc, const struct adjustment *adj,
                              size_t nadj, struct correction_sum **out, struct arena *a)
{
    size_t all = nc + nadj;
    struct correction_sum *s = arena_alloc(a, (all ? all : 1) * sizeof *s);
    for (size_t i = 0; i < nc; i++)
        s[i] = (struct correction_sum){c[i].person_id, i, c[i].now - c[i].paid, 0, 0, 0};
    for (size_t i = 0; i < nadj; i++)
        s[nc + i] = (struct correction_sum){adj[i].person_id, nc + i, 0, adj[i].amount, 0, 0};
    qsort(s, all, sizeof *s, sum_by_person);
    size_t n = 0;
    for (size_t i = 0; i < all; i++) {
        if (n && s[n - 1].person_id == s[i].person_id) {
            s[n - 1].sum += s[i].sum;
            s[n - 1].adj += s[i].adj;
        } else {
            s[n++] = s[i];
        }
    }
    *out = s;
    return n;
}

static int sum_by_person_id(const void *key, const void *elem)
{
    const struct correction_sum *x = key, *y = elem;
    return (x->person_id > y->person_id) - (x->person_id < y->person_id);
}

static int sum_by_first(const void *a, const void *b)
{
    const struct correction_sum *x = *(struct correction_sum *const *)a,
                                *y = *(struct correction_sum *const *)b;
    return (x->first > y->first) - (x->first < y->first);
}

/* Each line's place in its person's statement of its payout period, from 1, as the
 * statement lists them (in the order they arose). */
static int32_t *statement_places(const struct comp_result *res, struct arena *a)
{
    int32_t *place = arena_alloc(a, (res->nlines ? res->nlines : 1) * sizeof *place);
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0; i < res->nlines; i++) {
        if (res->lines[i].month < lo) lo = res->lines[i].month;
        if (res->lines[i].month > hi) hi = res->lines[i].month;
    }
    size_t span = res->nlines ? (size_t)(hi - lo) + 1 : 1;
    int32_t *count = arena_alloc(a, span * sizeof *count);
    for (size_t i = 0; i < res->nlines; i++) {
        if (i == 0 || res->lines[i].person != res->lines[i - 1].person)
            memset(count, 0, span * sizeof *count);
        place[i] = ++count[res->lines[i].month - lo];
    }
    return place;
}

/* What a run pays beyond the engine's result that is not a correction: the admin's
 * adjustments of its period, and (by person id, ascending) what adjustments in closed runs
 * before it paid, for "paid before". */
struct paid_extra {
    struct adjustment *adj;
    size_t nadj;
    int64_t *before_ids, *before;
    size_t nbefore;
};

static int64_t adjusted_before(const struct paid_extra *x, int64_t person_id)
{
    size_t lo = 0, hi = x->nbefore;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->before_ids[mid] < person_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->nbefore && x->before_ids[lo] == person_id ? x->before[lo] : 0;
}

/* The adjustments plan_id's run of `period` pays, and what earlier closed runs paid in them. */
static int paid_extra_load(struct store *db, int64_t plan_id, const char *period,
                           struct paid_extra *x, struct arena *a, struct err *e)
{
    memset(x, 0, sizeof *x);
    struct store_rows *r;
    int rc = store_query(db, SQL_ADJUSTMENTS_OF, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 8;
    x->adj = arena_alloc(a, cap * sizeof *x->adj);
    while ((rc = store_next(r, e)) > 0) {
        x->adj = arena_grow(a, x->adj, sizeof *x->adj, x->nadj, &cap);
        x->adj[x->nadj++] =
            (struct adjustment){store_int(r, 0), store_int(r, 1), arena_strdup(a, store_text(r, 2)),
                                store_isnull(r, 3) ? NULL : arena_strdup(a, store_text(r, 3))};
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if ((rc = store_query(db, SQL_ADJUSTED_BEFORE, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &r,
                          e)) < 0)
        return rc;
    size_t c1 = 8, c2 = 8;
    x->before_ids = arena_alloc(a, c1 * sizeof *x->before_ids);
    x->before = arena_alloc(a, c2 * sizeof *x->before);
    while ((rc = store_next(r, e)) > 0) {
        x->before_ids = arena_grow(a, x->before_ids, sizeof *x->before_ids, x->nbefore, &c1);
        x->before = arena_grow(a, x->before, sizeof *x->before, x->nbefore, &c2);
        x->before_ids[x->nbefore] = store_int(r, 0);
        x->before[x->nbefore++] = store_int(r, 1);
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* Store the lines and payouts of payout period `month` of a computed run, with a visible
 * correction line per person and closed period whose result changed since it closed;
 * *total_out is what the period pays in all. */
static int store_run_lines(struct store *db, int64_t run_id, const struct comp_db_input *d,
                           const struct comp_result *res, int32_t month, const struct correction *c,
                           size_t nc, const struct paid_extra *x, int64_t *total_out,
                           struct arena *a, struct err *e)
{
    struct sb why = {0};
    struct store_batch lines;
    store_batch_init(&lines, db, SQL_LINES_INSERT, 9);
    int rc = 0;
    int64_t total = 0;
    char day[11];
    int32_t *place = statement_places(res, a);
    for (size_t i = 0; i < res->nlines && rc >= 0; i++) {
        const struct comp_line *l = &res->lines[i];
        if (l->month != month) continue;
        why.len = 0;
        /* a line linked to another calls it by its number in that person's statement */
        const struct comp_line *ref = l->ref >= 0 ? &res->lines[l->ref] : NULL;
        comp_line_explain_as(&d->in, l, ref, ref ? place[l->ref] : 0, &why);
        date_from_days(l->date, day);
        int64_t deal = l->credit >= 0 ? d->deal_ids[l->credit] : 0;
        const struct comp_fx_note *fx = deal ? comp_fx_note_of(d, deal) : NULL;
        if (fx) fx_explain(&why, fx, d->plan->currency, d->data.credits[l->credit].deal_amount);
        if (ref && ref->month != month) {
            char label[9];
            comp_period_label(ref->month, d->plan->payout_period, label);
            sb_addf(&why, " Line %d is in the %s statement, which stays as it was.", place[l->ref],
                    label);
        }
        rc = store_batch_add(&lines,
                             PARAMS(SV_INT(run_id), SV_INT(d->person_ids[l->person]), SV_INT(i),
                                    SV_TEXT(day), SV_TEXT(comp_rule_name((enum comp_rule)l->rule)),
                                    SV_ID(deal), SV_INT(l->amount), SV_TEXT(why.len ? why.buf : ""),
                                    SV_NULL),
                             e);
    }
    date_from_days(comp_month_first_day(month), day);
    for (size_t i = 0; i < nc && rc >= 0; i++) {
        why.len = 0;
        sb_addf(&why, "Correction for %s, a closed period: ", c[i].period);
        if (c[i].deal_id)
            sb_addf(&why, "deal %lld earns ", (long long)c[i].deal_id);
        else
            sb_adds(&why, "the lines about no deal (draws) come to ");
        money(&why, c[i].now);
        sb_addf(&why, " in %s now, ", c[i].period);
        money(&why, c[i].paid);
        sb_adds(&why, " was paid, difference ");
        money(&why, c[i].now - c[i].paid);
        sb_addf(&why, ", paid in this period; the %s run itself stays as it was closed.",
                c[i].period);
        rc = store_batch_add(&lines,
                             PARAMS(SV_INT(run_id), SV_INT(c[i].person_id), SV_INT(res->nlines + i),
                                    SV_TEXT(day), SV_TEXT("correction"), SV_ID(c[i].deal_id),
                                    SV_INT(c[i].now - c[i].paid), SV_TEXT(why.buf),
                                    SV_INT(c[i].run_id)),
                             e);
    }
    for (size_t i = 0; i < x->nadj && rc >= 0; i++) {
        const struct adjustment *j = &x->adj[i];
        why.len = 0;
        sb_addf(&why, "Adjustment by %s: %s", j->by ? j->by : "reins", j->reason);
        rc = store_batch_add(
            &lines,
            PARAMS(SV_INT(run_id), SV_INT(j->person_id), SV_INT(res->nlines + nc + i), SV_TEXT(day),
                   SV_TEXT("adjustment"), SV_NULL, SV_INT(j->amount), SV_TEXT(why.buf), SV_NULL),
            e);
    }
    sb_release(&why);
    rc = store_batch_end(&lines, rc, e);
    struct correction_sum *sums;
    size_t nsums = corrections_sum(c, nc, x->adj, x->nadj, &sums, a);
    struct store_batch payouts;
    store_batch_init(&payouts, db, SQL_PAYOUTS_INSERT, 8);
    for (size_t i = 0; i < res->npayouts && rc >= 0; i++) {
        const struct comp_payout *p = &res->payouts[i];
        if (p->month != month) continue;
        int64_t pid = d->person_ids[p->person];
        struct correction_sum key = {.person_id = pid};
        struct correction_sum *s = bsearch(&key, sums, nsums, sizeof *sums, sum_by_person_id);
        int64_t fix = s ? s->sum : 0, adj = s ? s->adj : 0;
        if (s) s->paid_out = 1;
        total += p->payout + fix + adj;
        /* The engine's paid to date is the earlier periods recomputed; what was paid for
         * them differs from that by exactly the corrections (sum of now - paid), and by the
         * adjustments closed runs paid, which the engine knows nothing of. */
        rc = store_batch_add(&payouts,
                             PARAMS(SV_INT(run_id), SV_INT(pid), SV_INT(p->earned + fix + adj),
                                    SV_INT(p->paid_to_date - fix + adjusted_before(x, pid)),
                                    SV_INT(p->payout + fix + adj), SV_INT(p->attainment_bp),
                                    SV_INT(fix), SV_INT(adj)),
                             e);
    }
    /* people with corrections or adjustments only (nothing of their own this period), in the
     * order their first came */
    struct correction_sum **only = arena_alloc(a, (nsums ? nsums : 1) * sizeof *only);
    size_t nonly = 0;
    for (size_t i = 0; i < nsums; i++)
        if (!sums[i].paid_out) only[nonly++] = &sums[i];
    qsort(only, nonly, sizeof *only, sum_by_first);
    for (size_t i = 0; i < nonly && rc >= 0; i++) {
        int64_t fix = only[i]->sum, adj = only[i]->adj, pid = only[i]->person_id;
        total += fix + adj;
        rc = store_batch_add(&payouts,
                             PARAMS(SV_INT(run_id), SV_INT(pid), SV_INT(fix + adj),
                                    SV_INT(-fix + adjusted_before(x, pid)), SV_INT(fix + adj),
                                    SV_INT(-1), SV_INT(fix), SV_INT(adj)),
                             e);
    }
    rc = store_batch_end(&payouts, rc, e);
    *total_out = total;
    return rc;
}

int comp_payout_run(struct store *db, int64_t plan_id, const char *period, int in_tx, int64_t now,
                    int64_t user_id, int64_t *run_id_out, struct err *e)
{
    struct arena a = {0};
    struct comp_db_input d = {0};
    struct comp_result res = {0};
    int32_t first, last;
    int rc = tx_begin(db, in_tx, e);
    if (rc < 0) return rc;
    if ((rc = store_lock(db, COMP_RUN_LOCK, e)) < 0) goto out;
    struct comp_plan *plan;
    if ((rc = plan_load(db, plan_id, &plan, e)) < 0) goto out;
    rc = run_period(plan, period, &first, &last, e);
    comp_plan_free(plan);
    /* the period under way may be run (a preview until it closes); a later one has nothing
     * to pay yet, and closing it would take the months before it as paid */
    if (rc >= 0 && first > comp_month_of_day((int32_t)(now / 86400)))
        rc = err_field(e, REINS_EINVAL, "period",
                       "%s has not begun yet: a period is run once it has started", period);
    if (rc < 0 || (rc = comp_input_load(db, plan_id, last, NULL, &a, &d, e)) < 0) goto out;

    int64_t run_id = 0, closed_runs = 0;
    struct store_rows *r;
    if ((rc = store_query(db, SQL_RUN_FIND, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &r, e)) < 0)
        goto out;
    if ((rc = store_next(r, e)) > 0) {
        run_id = store_int(r, 0);
        if (strcmp(store_text(r, 1), "closed") == 0)
            rc = err_field(e, REINS_ECONFLICT, "period", "%s is closed: its run is final", period);
    }
    store_rows_free(r);
    if (rc < 0) goto out;
    /* a period before a closed one was settled when that one closed: paying it now would
     * pay its earnings twice */
    int64_t later = 0;
    if ((rc = store_int_query(db, SQL_CLOSED_AFTER, PARAMS(SV_INT(plan_id), SV_TEXT(period)),
                              &later, e)) < 0)
        goto out;
    if (later) {
        rc = err_field(e, REINS_ECONFLICT, "period",
                       "%s comes before a closed period of this plan: periods are run and closed"
                       " in order",
                       period);
        goto out;
    }
    if (run_id) {
        if ((rc = store_run(db, SQL_RUN_DELETE_LINES, PARAMS(SV_INT(run_id)), NULL, e)) < 0 ||
            (rc = store_run(db, SQL_RUN_DELETE_PAYOUTS, PARAMS(SV_INT(run_id)), NULL, e)) < 0 ||
            (rc = store_run(db, SQL_RUN_TOUCH, PARAMS(SV_INT(run_id), SV_INT(now)), NULL, e)) < 0)
            goto out;
    } else if ((rc = store_int_query(db, SQL_RUN_INSERT,
                                     PARAMS(SV_INT(plan_id), SV_TEXT(period), SV_INT(now)), &run_id,
                                     e)) < 0) {
        goto out;
    }
    if ((rc = store_int_query(db, SQL_RUNS_CLOSED, PARAMS(SV_INT(plan_id)), &closed_runs, e)) < 0 ||
        (rc = store_run(db, SQL_RUN_SEEN, PARAMS(SV_INT(run_id), SV_INT(closed_runs)), NULL, e)) <
            0)
        goto out;
    if ((rc = comp_run(&d.in, &res, e)) < 0) goto out;
    struct correction *c;
    size_t nc;
    int64_t total = 0;
    struct paid_extra x;
    if ((rc = corrections_find(db, plan_id, period, &d, &res, &c, &nc, &a, e)) < 0 ||
        (rc = paid_extra_load(db, plan_id, period, &x, &a, e)) < 0 ||
        (rc = store_run_lines(db, run_id, &d, &res, first, c, nc, &x, &total, &a, e)) < 0)
        goto out;
    rc = comp_audit_add(db, user_id, now, "run.run", "run", run_id,
                        json_pack("{s:I, s:s, s:I, s:I}", "plan_id", (json_int_t)plan_id, "period",
                                  period, "payout_minor", (json_int_t)total, "corrections",
                                  (json_int_t)nc),
                        e);
    if (rc >= 0 && run_id_out) *run_id_out = run_id;
out:
    rc = tx_end(db, in_tx, rc, e);
    comp_result_release(&res);
    comp_db_input_release(&d);
    arena_release(&a);
    return rc < 0 ? rc : 0;
}

/* After a plan's first close (which takes the periods before it as settled), each period
 * closes only after the one before it: a run pays what was earned to date less what the
 * periods before it paid, so a period skipped would count as paid and never be. */
static int previous_closed(struct store *db, int64_t plan_id, const char *period, struct err *e)
{
    int32_t first, last;
    enum comp_period_kind kind;
    if (comp_period_parse(period, &first, &last, &kind) < 0) return 0;
    char before[9];
    comp_period_label(first - (int32_t)kind, kind, before);
    int64_t n = 0;
    int rc =
        store_int_query(db, SQL_RUN_CLOSED_AT, PARAMS(SV_INT(plan_id), SV_TEXT(before)), &n, e);
    if (rc >= 0 && n == 0)
        rc = err_field(e, REINS_ECONFLICT, "run_id",
                       "%s has no closed run: run and close it first, or what it earned would"
                       " count as paid and never be paid",
                       before);
    return rc < 0 ? rc : 0;
}

/* An adjustment is paid by its period's run: 0 with *run_id the period's open run (0 when
 * it has none yet), or REINS_ECONFLICT (field period) when the period is settled (closed, or
 * before a closed one). */
static int unsettled_run(struct store *db, int64_t plan_id, const char *period, int64_t *run_id,
                         struct err *e)
{
    int64_t later = 0;
    int closed = 0;
    *run_id = 0;
    struct store_rows *r;
    int rc = store_query(db, SQL_RUN_FIND, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &r, e);
    if (rc < 0) return rc;
    if ((rc = store_next(r, e)) > 0) {
        *run_id = store_int(r, 0);
        closed = strcmp(store_text(r, 1), "closed") == 0;
    }
    store_rows_free(r);
    if (rc >= 0)
        rc = store_int_query(db, SQL_CLOSED_AFTER, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &later,
                             e);
    if (rc >= 0 && (closed || later))
        rc = err_field(e, REINS_ECONFLICT, "period",
                       "%s is settled (closed, or before a closed period): adjust in an open"
                       " period",
                       period);
    return rc < 0 ? rc : 0;
}

int comp_adjustment_delete(struct store *db, int64_t id, int64_t now, int64_t user_id,
                           struct err *e)
{
    int rc = tx_begin(db, 0, e);
    if (rc < 0) return rc;
    struct store_rows *r;
    if ((rc = query_row(db, SQL_ADJUST_GET, PARAMS(SV_INT(id)), &r, "adjustment_id", "adjustment",
                        id, e)) < 0)
        return tx_end(db, 0, rc, e);
    int64_t plan_id = store_int(r, 0), run_id = 0;
    json_t *was =
        json_pack("{s:I, s:I, s:s, s:I, s:s}", "plan_id", (json_int_t)plan_id, "person_id",
                  (json_int_t)store_int(r, 1), "period", store_text(r, 2), "amount_minor",
                  (json_int_t)store_int(r, 3), "reason", store_text(r, 4));
    store_rows_free(r);
    const char *period = json_string_value(json_object_get(was, "period"));
    rc = unsettled_run(db, plan_id, period, &run_id, e);
    if (rc >= 0) rc = store_run(db, SQL_ADJUST_DELETE, PARAMS(SV_INT(id)), NULL, e);
    if (rc >= 0 && run_id) rc = comp_payout_run(db, plan_id, period, 1, now, user_id, NULL, e);
    if (rc >= 0)
        rc = comp_audit_add(db, user_id, now, "adjustment.delete", "adjustment", id, was, e);
    else
        json_decref(was);
    return tx_end(db, 0, rc, e);
}

static int adjustment_add(struct store *db, int in_tx, int64_t plan_id, int64_t person_id,
                          const char *period, int64_t amount, const char *reason, int64_t now,
                          int64_t user_id, int64_t *id_out, struct err *e)
{
    size_t n = reason ? strlen(reason) : 0;
    if (n == 0 || n > 2000)
        return err_field(e, REINS_EINVAL, "reason",
                         "reason: 1 to 2000 characters: the seller reads it on their statement");
    if (amount == 0 || amount > COMP_ADJUST_MAX || amount < -COMP_ADJUST_MAX)
        return err_field(e, REINS_EINVAL, "amount_minor",
                         "amount_minor: not 0, and at most %lld either way",
                         (long long)COMP_ADJUST_MAX);
    struct comp_plan *plan;
    int rc = plan_load(db, plan_id, &plan, e);
    if (rc < 0) return rc;
    int32_t first, last;
    rc = run_period(plan, period, &first, &last, e);
    comp_plan_free(plan);
    if (rc < 0) return rc;
    if (first > comp_month_of_day((int32_t)(now / 86400)))
        return err_field(e, REINS_EINVAL, "period",
                         "%s has not begun yet: an adjustment is paid by a period under way or"
                         " past",
                         period);
    char *name;
    if ((rc = person_name(db, person_id, &name, e)) < 0) return rc;
    if ((rc = tx_begin(db, in_tx, e)) < 0) {
        free(name);
        return rc;
    }
    int64_t run_id = 0, id = 0;
    rc = unsettled_run(db, plan_id, period, &run_id, e);
    if (rc >= 0)
        rc = store_int_query(db, SQL_ADJUST_INSERT,
                             PARAMS(SV_INT(plan_id), SV_INT(person_id), SV_TEXT(period),
                                    SV_INT(amount), SV_TEXT(reason), SV_ID(user_id), SV_INT(now)),
                             &id, e);
    if (rc >= 0)
        rc = comp_audit_add(db, user_id, now, "adjustment.add", "adjustment", id,
                            json_pack("{s:I, s:I, s:s, s:s, s:I, s:s}", "plan_id",
                                      (json_int_t)plan_id, "person_id", (json_int_t)person_id,
                                      "person", name, "period", period, "amount_minor",
                                      (json_int_t)amount, "reason", reason),
                            e);
    free(name);
    /* an open run of the period shows it at once */
    if (rc >= 0 && run_id) rc = comp_payout_run(db, plan_id, period, 1, now, user_id, NULL, e);
    if ((rc = tx_end(db, in_tx, rc, e)) < 0) return rc;
    if (id_out) *id_out = id;
    return 0;
}

int comp_adjustment_add(struct store *db, int64_t plan_id, int64_t person_id, const char *period,
                        int64_t amount, const char *reason, int64_t now, int64_t user_id,
                        int64_t *id_out, struct err *e)
{
    return adjustment_add(db, 0, plan_id, person_id, period, amount, reason, now, user_id, id_out,
                          e);
}

int comp_run_close(struct store *db, int64_t run_id, int in_tx, int64_t now, int64_t user_id,
                   struct err *e)
{
    int rc = tx_begin(db, in_tx, e);
    if (rc < 0) return rc;
    struct store_rows *r;
    if ((rc = query_row(db, SQL_RUN_GET, PARAMS(SV_INT(run_id)), &r, "run_id", "run", run_id, e)) <
        0)
        return tx_end(db, in_tx, rc, e);
    int64_t plan_id = store_int(r, 0), seen = store_int(r, 3), closed_runs = 0;
    char period[9];
    snprintf(period, sizeof period, "%s", store_text(r, 1));
    int closed = strcmp(store_text(r, 2), "closed") == 0;
    store_rows_free(r);
    if (closed) {
        rc = err_field(e, REINS_ECONFLICT, "run_id", "run %lld is already closed",
                       (long long)run_id);
        return tx_end(db, in_tx, rc, e);
    }
    /* periods close in order, and a run closes as computed after the last close: a
     * correction paid by an earlier close must not be paid again */
    if ((rc = store_query(db, SQL_OPEN_BEFORE, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &r, e)) <
        0)
        return tx_end(db, in_tx, rc, e);
    if ((rc = store_next(r, e)) > 0)
        rc = err_field(e, REINS_ECONFLICT, "run_id", "close %s first: periods close in order",
                       store_text(r, 0));
    store_rows_free(r);
    if (rc >= 0)
        rc = store_int_query(db, SQL_RUNS_CLOSED, PARAMS(SV_INT(plan_id)), &closed_runs, e);
    if (rc >= 0 && closed_runs > 0) rc = previous_closed(db, plan_id, period, e);
    if (rc >= 0 && closed_runs != seen)
        rc = err_field(e, REINS_ECONFLICT, "run_id",
                       "another period was closed after run %lld was computed: run %s again"
                       " before closing it, so its corrections are up to date",
                       (long long)run_id, period);
    if (rc >= 0) rc = store_run(db, SQL_RUN_CLOSE, PARAMS(SV_INT(run_id), SV_INT(now)), NULL, e);
    if (rc >= 0)
        rc = comp_audit_add(
            db, user_id, now, "run.close", "run", run_id,
            json_pack("{s:I, s:s}", "plan_id", (json_int_t)plan_id, "period", period), e);
    return tx_end(db, in_tx, rc, e);
}

int comp_payroll_csv(struct store *db, int64_t run_id, struct sb *out, struct err *e)
{
    struct store_rows *r;
    int rc = query_row(db, SQL_RUN_GET, PARAMS(SV_INT(run_id)), &r, "run_id", "run", run_id, e);
    if (rc < 0) return rc;
    int closed = strcmp(store_text(r, 2), "closed") == 0;
    store_rows_free(r);
    if (!closed)
        return err_field(e, REINS_ECONFLICT, "run_id",
                         "run %lld is open: close it before exporting payroll", (long long)run_id);
    if ((rc = store_query(db, SQL_PAYROLL, PARAMS(SV_INT(run_id)), &r, e)) < 0) return rc;
    sb_adds(out, "email,name,period,earned,paid_to_date,payout\r\n");
    while ((rc = store_next(r, e)) > 0) {
        csv_write_field(out, store_text(r, 0));
        sb_adds(out, ",");
        csv_write_field(out, store_text(r, 1));
        sb_adds(out, ",");
        csv_write_field(out, store_text(r, 2));
        sb_addf(out, ",%lld,%lld,%lld\r\n", (long long)store_int(r, 3), (long long)store_int(r, 4),
                (long long)store_int(r, 5));
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* ---- the estimator ------------------------------------------------------------------------- */

/* The person's earnings to date after payout period `last`: their last payout. */
static int64_t earned_to(const struct comp_db_input *d, const struct comp_result *res,
                         int64_t person_id)
{
    int64_t v = 0;
    for (size_t i = 0; i < res->npayouts; i++)
        if (d->person_ids[res->payouts[i].person] == person_id) v = res->payouts[i].earned_to_date;
    return v;
}

/* REINS_EINVAL (field period) unless payee `person_id` has a quota for the quota period of
 * `last_month` for every commission and milestone component: the estimated deal's
 * attainment is measured against it. Not a payee: nothing to check (it earns nothing). */
static int estimate_quota(const struct comp_db_input *d, int64_t person_id, int32_t last_month,
                          const char *period, struct err *e)
{
    ptrdiff_t i = payee_index(d, person_id);
    if (i < 0) return 0;
    int32_t qmonth = comp_period_start(last_month, d->plan->quota_period);
    for (size_t k = 0; k < d->plan->ncomponents; k++) {
        const struct comp_component *c = &d->plan->components[k];
        if (c->kind == COMP_SPIF) continue;
        size_t q = 0;
        while (q < d->data.nquotas &&
               !(d->data.quotas[q].person == (uint32_t)i && d->data.quotas[q].month == qmonth &&
                 !strcmp(d->data.quotas[q].measure, c->measure)))
            q++;
        if (q < d->data.nquotas) continue;
        char label[9];
        comp_period_label(qmonth, d->plan->quota_period, label);
        return err_field(e, REINS_EINVAL, "period",
                         "No estimate for %s: %s has no quota for %s yet, and the plan measures"
                         " a deal against one",
                         period, d->data.people[i].id, label);
    }
    return 0;
}

int comp_estimate(struct store *db, int64_t plan_id, const char *period,
                  const struct comp_extra_deal *deal, int64_t *delta_out, struct err *e)
{
    if (deal->amount <= 0) return err_field(e, REINS_EINVAL, "amount", "amount must be above 0");
    struct arena a = {0};
    struct comp_db_input base = {0}, more = {0};
    struct comp_result r1 = {0}, r2 = {0};
    struct comp_deal_rows *rows = comp_deal_rows_new(); /* the same deals for both runs */
    int32_t first, last;
    struct comp_plan *plan;
    int rc = plan_load(db, plan_id, &plan, e);
    if (rc < 0) goto out;
    rc = run_period(plan, period, &first, &last, e);
    comp_plan_free(plan);
    if (rc < 0) goto out;
    /* Said so a seller can read it: the plan as it stands cannot run (an admin's to fix), or
     * the seller has no quota to measure the deal against. */
    if ((rc = comp_input_load_plan(db, plan_id, NULL, last, NULL, rows, &a, &base, e)) < 0 ||
        (rc = comp_run(&base.in, &r1, e)) < 0) {
        err_prefix(e,
                   "No estimate: the plan cannot be run on %s until an admin fixes this: ", period);
        goto out;
    }
    if ((rc = comp_input_load_plan(db, plan_id, NULL, last, deal, rows, &a, &more, e)) < 0 ||
        (rc = estimate_quota(&more, deal->person_id, last, period, e)) < 0 ||
        (rc = comp_run(&more.in, &r2, e)) < 0)
        goto out;
    *delta_out = earned_to(&more, &r2, deal->person_id) - earned_to(&base, &r1, deal->person_id);
out:
    comp_result_release(&r1);
    comp_result_release(&r2);
    comp_db_input_release(&base);
    comp_db_input_release(&more);
    comp_deal_rows_free(rows);
    arena_release(&a);
    return rc < 0 ? rc : 0;
}

/* ---- statements ---------------------------------------------------------------------------- */

/* A statement line's deal: its id (column `id_col`), and its name and owner as the pipeline
 * has them now (columns name_col and name_col + 1); all null for a line about no deal. */
static void deal_fields(json_t *line, struct store_rows *r, int id_col, int name_col)
{
    json_object_set_new(line, "deal_id",
                        store_isnull(r, id_col) ? json_null() : json_integer(store_int(r, id_col)));
    json_object_set_new(line, "deal_name",
                        store_isnull(r, name_col) ? json_null()
                                                  : json_string(store_text(r, name_col)));
    json_object_set_new(line, "deal_owner_id",
                        store_isnull(r, name_col + 1) ? json_null()
                                                      : json_integer(store_int(r, name_col + 1)));
}

int comp_statement(struct store *db, int64_t plan_id, int64_t person_id, const char *period,
                   json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = query_row(db, SQL_STATEMENT_RUN, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &r,
                       "period", "payout run of plan", plan_id, e);
    if (rc == REINS_ENOTFOUND)
        err_field(e, rc, "period", "no payout run for %s", period ? period : "");
    if (rc < 0) return rc;
    int64_t run_id = store_int(r, 0);
    json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:I}", "run_id", (json_int_t)run_id,
                          "status", store_text(r, 1), "plan_id", (json_int_t)plan_id, "plan_name",
                          store_text(r, 2), "plan_version", (json_int_t)store_int(r, 3), "period",
                          period, "person_id", (json_int_t)person_id);
    struct comp_plan *plan = NULL;
    const char *doc = store_text(r, 4);
    if (comp_plan_parse(doc, strlen(doc), &plan, e) == 0) {
        json_object_set_new(o, "currency", json_string(plan->currency));
        comp_plan_free(plan);
    }
    store_rows_free(r);
    json_t *lines = json_array();
    json_object_set_new(o, "lines", lines);
    if ((rc = store_query(db, SQL_STATEMENT_LINES, PARAMS(SV_INT(run_id), SV_INT(person_id)), &r,
                          e)) < 0)
        goto fail;
    while ((rc = store_next(r, e)) > 0) {
        json_t *l =
            json_pack("{s:s, s:s, s:I, s:s}", "date", store_text(r, 0), "rule", store_text(r, 1),
                      "amount_minor", (json_int_t)store_int(r, 3), "explanation", store_text(r, 4));
        deal_fields(l, r, 2, 6);
        json_object_set_new(l, "line_no", json_integer(store_int(r, 5)));
        json_array_append_new(lines, l);
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    if ((rc = store_query(db, SQL_STATEMENT_PAYOUT, PARAMS(SV_INT(run_id), SV_INT(person_id)), &r,
                          e)) < 0)
        goto fail;
    int64_t v[4] = {0, 0, 0, -1};
    if ((rc = store_next(r, e)) > 0)
        for (int i = 0; i < 4; i++)
            v[i] = store_int(r, i);
    store_rows_free(r);
    if (rc < 0) goto fail;
    json_t *disputes = json_array();
    json_object_set_new(o, "disputes", disputes);
    if ((rc = store_query(db, SQL_STATEMENT_DISPUTES, PARAMS(SV_INT(run_id), SV_INT(person_id)), &r,
                          e)) < 0)
        goto fail;
    while ((rc = store_next(r, e)) > 0) {
        json_t *d = json_pack("{s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)store_int(r, 0),
                              "line_no", (json_int_t)store_int(r, 1), "comment", store_text(r, 2),
                              "status", store_text(r, 3), "opened_at", (json_int_t)store_int(r, 5));
        json_object_set_new(d, "resolution",
                            store_isnull(r, 4) ? json_null() : json_string(store_text(r, 4)));
        json_object_set_new(d, "line_changed", json_boolean(store_int(r, 6)));
        json_t *line = NULL;
        if (!store_isnull(r, 8)) {
            line = json_pack("{s:s, s:s, s:I, s:s}", "date", store_text(r, 7), "rule",
                             store_text(r, 8), "amount_minor", (json_int_t)store_int(r, 10),
                             "explanation", store_text(r, 11));
            deal_fields(line, r, 9, 12);
        }
        json_object_set_new(d, "line", line ? line : json_null());
        json_array_append_new(disputes, d);
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    json_object_set_new(o, "totals",
                        json_pack("{s:I, s:I, s:I, s:I}", "earned_minor", (json_int_t)v[0],
                                  "paid_to_date_minor", (json_int_t)v[1], "payout_minor",
                                  (json_int_t)v[2], "attainment_bp", (json_int_t)v[3]));
    *out = o;
    return 0;
fail:
    json_decref(o);
    return rc;
}

int comp_statements_list(struct store *db, int64_t person_id, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_STATEMENTS, PARAMS(SV_INT(person_id)), &r, e);
    if (rc < 0) return rc;
    json_t *a = json_array();
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:s, s:I}", "plan_id", (json_int_t)store_int(r, 0),
                         "plan_name", store_text(r, 1), "period", store_text(r, 2), "status",
                         store_text(r, 3), "payout_minor", (json_int_t)store_int(r, 4)));
    store_rows_free(r);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

/* ---- disputes ------------------------------------------------------------------------------ */

static int comment_check(const char *comment, struct err *e)
{
    size_t n = comment ? strlen(comment) : 0;
    if (n == 0 || n > 2000)
        return err_field(e, REINS_EINVAL, "comment", "comment: 1 to 2000 characters are needed");
    return 0;
}

int comp_dispute_open(struct store *db, int64_t run_id, int64_t line_no, int64_t person_id,
                      const char *comment, int64_t now, int64_t user_id, int64_t *id_out,
                      struct err *e)
{
    int rc = comment_check(comment, e);
    if (rc < 0) return rc;
    int64_t n = 0, id = 0;
    if ((rc = store_int_query(db, SQL_LINE_OWNER,
                              PARAMS(SV_INT(run_id), SV_INT(line_no), SV_INT(person_id)), &n, e)) <
        0)
        return rc;
    if (n == 0) return err_field(e, REINS_ENOTFOUND, "line_no", "no such line of yours");
    if ((rc = store_begin(db, e)) < 0) return rc;
    /* one open dispute a line: a second would only split the answer (after a resolution
     * the seller may dispute again) */
    rc = store_int_query(db, SQL_DISPUTE_OPEN_ON_LINE,
                         PARAMS(SV_INT(run_id), SV_INT(line_no), SV_INT(person_id)), &n, e);
    if (rc >= 0 && n > 0)
        rc = err_field(e, REINS_ECONFLICT, "line_no",
                       "this line's dispute is still open: your admin answers it there");
    if (rc >= 0)
        rc = store_int_query(db, SQL_DISPUTE_INSERT,
                             PARAMS(SV_INT(run_id), SV_INT(line_no), SV_INT(person_id),
                                    SV_TEXT(comment), SV_INT(now)),
                             &id, e);
    if (rc >= 0)
        rc = comp_audit_add(db, user_id, now, "dispute.open", "dispute", id,
                            json_pack("{s:I, s:I, s:I, s:s}", "run_id", (json_int_t)run_id,
                                      "line_no", (json_int_t)line_no, "person_id",
                                      (json_int_t)person_id, "comment", comment),
                            e);
    if ((rc = tx_end(db, 0, rc, e)) < 0) return rc;
    if (id_out) *id_out = id;
    return 0;
}

int comp_dispute_resolve(struct store *db, int64_t id, const char *comment, int64_t now,
                         int64_t user_id, struct err *e)
{
    return comp_dispute_uphold(db, id, comment, 0, NULL, now, user_id, e);
}

int comp_dispute_uphold(struct store *db, int64_t id, const char *comment, int64_t amount,
                        const char *period, int64_t now, int64_t user_id, struct err *e)
{
    int rc = comment_check(comment, e);
    if (rc < 0) return rc;
    if ((rc = store_begin(db, e)) < 0) return rc;
    struct store_rows *r;
    if ((rc = query_row(db, SQL_DISPUTE_STATUS, PARAMS(SV_INT(id)), &r, NULL, "dispute", id, e)) <
        0)
        return tx_end(db, 0, rc, e);
    if (strcmp(store_text(r, 0), "open") != 0)
        rc = err_set(e, REINS_ECONFLICT, "dispute %lld is resolved already", (long long)id);
    store_rows_free(r);
    if (rc >= 0)
        rc = store_run(db, SQL_DISPUTE_RESOLVE, PARAMS(SV_INT(id), SV_TEXT(comment), SV_INT(now)),
                       NULL, e);
    if (rc >= 0)
        rc = comp_audit_add(db, user_id, now, "dispute.resolve", "dispute", id,
                            json_pack("{s:s}", "resolution", comment), e);
    /* upheld with money: paid as an adjustment, in the same transaction */
    if (rc >= 0 && amount) {
        char paid_in[9], reason[2100];
        int64_t plan_id = 0, person_id = 0;
        if ((rc = query_row(db, SQL_DISPUTE_PLAN, PARAMS(SV_INT(id)), &r, NULL, "dispute", id,
                            e)) >= 0) {
            plan_id = store_int(r, 0);
            person_id = store_int(r, 1);
            snprintf(paid_in, sizeof paid_in, "%s", period ? period : store_text(r, 2));
            store_rows_free(r);
            snprintf(reason, sizeof reason, "Dispute upheld: %.1980s", comment); /* fits 2000 */
            rc = adjustment_add(db, 1, plan_id, person_id, paid_in, amount, reason, now, user_id,
                                NULL, e);
        }
    }
    return tx_end(db, 0, rc, e);
}

/* ---- deal splits --------------------------------------------------------------------------- */

int comp_deal_owner(struct store *db, int64_t deal_id, int64_t *owner_out, struct err *e)
{
    struct store_rows *r;
    int rc =
        query_row(db, SQL_DEAL_OWNER, PARAMS(SV_INT(deal_id)), &r, "deal_id", "deal", deal_id, e);
    if (rc < 0) return rc;
    *owner_out = store_int(r, 0);
    store_rows_free(r);
    return 0;
}

/* The deal's splits as JSON: [{"person_id","kind","share_bp"}]. */
static int splits_json(struct store *db, int64_t deal_id, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_SPLITS, PARAMS(SV_INT(deal_id)), &r, e);
    if (rc < 0) return rc;
    json_t *a = json_array();
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:I}", "person_id",
                                           (json_int_t)store_int(r, 0), "name", store_text(r, 3),
                                           "kind", store_text(r, 1), "share_bp",
                                           (json_int_t)store_int(r, 2)));
    store_rows_free(r);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

int comp_splits_get(struct store *db, int64_t deal_id, json_t **out, struct err *e)
{
    int64_t owner;
    int rc = comp_deal_owner(db, deal_id, &owner, e);
    json_t *a;
    if (rc < 0 || (rc = splits_json(db, deal_id, &a, e)) < 0) return rc;
    *out = json_pack("{s:I, s:I, s:o}", "deal_id", (json_int_t)deal_id, "owner_id",
                     (json_int_t)owner, "splits", a);
    return 0;
}

const char *comp_split_field(size_t i, const char *name)
{
    /* struct err keeps a pointer to its field: the name must outlive this call */
    static _Thread_local char buf[64];
    snprintf(buf, sizeof buf, "splits[%zu].%s", i, name);
    return buf;
}

/* Each split on its own, then together: no person twice in a kind, direct shares 100%. */
static int splits_check(struct store *db, const struct comp_split *s, size_t n, struct err *e)
{
    const char *field;
    int64_t direct = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].kind != COMP_ROLE_DIRECT && s[i].kind != COMP_ROLE_OVERLAY) {
            field = comp_split_field(i, "kind");
            return err_field(e, REINS_EINVAL, field, "%s: direct or overlay", field);
        }
        if (s[i].share_bp < 1 || s[i].share_bp > COMP_BP) {
            field = comp_split_field(i, "share_bp");
            return err_field(e, REINS_EINVAL, field, "%s: %lld is not 1 to 10000 bp", field,
                             (long long)s[i].share_bp);
        }
        field = comp_split_field(i, "person_id");
        for (size_t j = 0; j < i; j++)
            if (s[j].person_id == s[i].person_id && s[j].kind == s[i].kind)
                return err_field(e, REINS_EINVAL, field,
                                 "%s: person %lld has a %s split already"
                                 " (splits[%zu])",
                                 field, (long long)s[i].person_id, comp_role_name(s[i].kind), j);
        int64_t found = 0;
        int rc = store_int_query(db, SQL_PERSON_EXISTS, PARAMS(SV_INT(s[i].person_id)), &found, e);
        if (rc < 0) return rc;
        if (!found)
            return err_field(e, REINS_EINVAL, field, "%s: no person %lld", field,
                             (long long)s[i].person_id);
        if (s[i].kind == COMP_ROLE_DIRECT) direct += s[i].share_bp;
    }
    if (direct != 0 && direct != COMP_BP)
        return err_field(e, REINS_EINVAL, "splits",
                         "splits: the direct shares come to %lld bp; they must come to exactly"
                         " 10000 bp (100%%), or give none to credit the owner with the whole deal",
                         (long long)direct);
    return 0;
}

int comp_splits_set(struct store *db, int64_t deal_id, const struct comp_split *s, size_t n,
                    int in_tx, int64_t now, int64_t user_id, struct err *e)
{
    int64_t owner;
    int rc = comp_deal_owner(db, deal_id, &owner, e);
    if (rc < 0 || (rc = splits_check(db, s, n, e)) < 0) return rc;
    if ((rc = tx_begin(db, in_tx, e)) < 0) return rc;
    json_t *before = NULL, *after = NULL;
    rc = splits_json(db, deal_id, &before, e);
    if (rc >= 0) rc = store_run(db, SQL_SPLITS_DELETE, PARAMS(SV_INT(deal_id)), NULL, e);
    for (size_t i = 0; i < n && rc >= 0; i++)
        rc = store_run(db, SQL_SPLIT_INSERT,
                       PARAMS(SV_INT(deal_id), SV_INT(s[i].person_id),
                              SV_TEXT(comp_role_name(s[i].kind)), SV_INT(s[i].share_bp)),
                       NULL, e);
    if (rc >= 0) rc = splits_json(db, deal_id, &after, e);
    if (rc >= 0 && !json_equal(before, after)) { /* the log is of changes */
        rc = comp_audit_add(db, user_id, now, "splits.set", "deal", deal_id,
                            json_pack("{s:o, s:o}", "before", before, "after", after), e);
        before = after = NULL;
    }
    json_decref(before);
    json_decref(after);
    return tx_end(db, in_tx, rc, e);
}

/* ---- exchange rates ------------------------------------------------------------------------ */

int comp_fx_rate_set(struct store *db, const char *effective_date, const char *from, const char *to,
                     int64_t rate_ppm, int64_t now, int64_t user_id, int64_t *id_out, struct err *e)
{
    if (!effective_date)
        return err_field(e, REINS_EINVAL, "effective_date", "effective_date is required");
    int rc = date_check(effective_date, "effective_date", e);
    if (rc < 0 || (rc = currency_check(from, "from_currency", e)) < 0 ||
        (rc = currency_check(to, "to_currency", e)) < 0)
        return rc;
    if (!strcmp(from, to))
        return err_field(e, REINS_EINVAL, "to_currency", "to_currency is from_currency");
    if (rate_ppm <= 0)
        return err_field(e, REINS_EINVAL, "rate_ppm",
                         "rate_ppm: above 0 is needed (units of to_currency per million of"
                         " from_currency: 1.0845 is 1084500)");
    if ((rc = store_begin(db, e)) < 0) return rc;
    struct store_rows *r;
    int64_t id = 0, before = 0;
    rc = store_query(db, SQL_FX_FIND, PARAMS(SV_TEXT(from), SV_TEXT(to), SV_TEXT(effective_date)),
                     &r, e);
    if (rc >= 0 && (rc = store_next(r, e)) > 0) {
        id = store_int(r, 0);
        before = store_int(r, 1);
    }
    store_rows_free(r);
    if (rc >= 0 && id)
        rc = store_run(db, SQL_FX_UPDATE, PARAMS(SV_INT(id), SV_INT(rate_ppm)), NULL, e);
    else if (rc >= 0)
        rc = store_int_query(db, SQL_FX_INSERT,
                             PARAMS(SV_TEXT(effective_date), SV_TEXT(from), SV_TEXT(to),
                                    SV_INT(rate_ppm), SV_INT(now)),
                             &id, e);
    if (rc >= 0) {
        json_t *sum =
            json_pack("{s:s, s:s, s:s, s:I}", "effective_date", effective_date, "from_currency",
                      from, "to_currency", to, "rate_ppm", (json_int_t)rate_ppm);
        if (before) json_object_set_new(sum, "replaced_rate_ppm", json_integer(before));
        rc = comp_audit_add(db, user_id, now, "rate.set", "fx_rate", id, sum, e);
    }
    if ((rc = tx_end(db, 0, rc, e)) < 0) return rc;
    if (id_out) *id_out = id;
    return 0;
}

int comp_fx_rates_list(struct store *db, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_FX_LIST, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    json_t *a = json_array();
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)store_int(r, 0),
                         "effective_date", store_text(r, 1), "from_currency", store_text(r, 2),
                         "to_currency", store_text(r, 3), "rate_ppm", (json_int_t)store_int(r, 4)));
    store_rows_free(r);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}
