/* comp_store.h -- compensation in the product: plan versions in the database,
 * who is on which plan, and payout runs built from the pipeline.
 *
 * A plan upload is checked by comp_plan_parse (errors name the JSON path) and
 * kept as a new version: an upload with a name already stored becomes version
 * N+1 and never changes an older one. A payout run for one plan and payout
 * period builds struct comp_input from the database (closed-won deals credited
 * by their splits, with roll-up; quotas with ramp from src/quotas/), runs the engine and
 * stores every line paid in that period with its explanation and each
 * person's payout, in one transaction. An open run may be run again (it is
 * replaced); a closed run is final and a new run of its period is refused.
 */
#ifndef REINS_COMP_COMP_STORE_H
#define REINS_COMP_COMP_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "comp/comp.h"
#include "comp/comp_io.h"
#include "core/err.h"
#include "core/mem.h"

struct store;
struct principal;

/* Every change below writes a row of the audit log in its own transaction: `now` is
 * when, `user_id` who (0 for the system: the demo, the command line). */

/* comp_plan_parse for a plan run on the pipeline, which credits won deals as the measure
 * "bookings" only: a component measuring anything else would count nothing and pay no one,
 * so it is refused naming components[i].measure. */
int comp_plan_parse_pipeline(const char *json, size_t len, struct comp_plan **out, struct err *e);

/* Store `json` as a new version of the plan it names, in its own transaction
 * unless `in_tx`. *id_out and *version_out (either may be NULL) receive the new
 * row. REINS_EINVAL naming the JSON path of a bad field (comp_plan_parse_pipeline). */
int comp_plan_store(struct store *db, const char *json, size_t len, int in_tx, int64_t now,
                    int64_t user_id, int64_t *id_out, int *version_out, struct err *e);

/* Put person `person_id` on plan `plan_id` from `start_date` to `end_date`
 * (YYYY-MM-DD; end NULL for open). REINS_EINVAL naming the field. */
int comp_assign(struct store *db, int64_t plan_id, int64_t person_id, const char *start_date,
                const char *end_date, int in_tx, int64_t now, int64_t user_id, int64_t *id_out,
                struct err *e);
/* End assignment `id` on `end_date` (inclusive), or make it open again (NULL): a person who
 * leaves or changes plan. Runs of periods after it pay them nothing more; closed periods
 * it changes get corrections as any change does. REINS_ENOTFOUND (field assignment_id),
 * REINS_EINVAL (end_date malformed or before the start), REINS_ECONFLICT when the dates
 * would meet another assignment of the person to the plan; comp_assign refuses that too. */
int comp_assignment_end(struct store *db, int64_t id, const char *end_date, int in_tx, int64_t now,
                        int64_t user_id, struct err *e);

/* The engine's input for plan `plan_id` up to the end of `last_month` (a comp
 * month number), its strings and arrays in `arena` and out->data, both released by
 * comp_db_input_release (the arena by its owner). Won deals are credited as the
 * CLI credits its file (comp_credit_deals): by their splits (comp_splits), or
 * whole to the owner when they have no direct split; roll-up to every manager above
 * a direct seller who is on the plan with a quota. Only credits of people on the
 * plan on the close date count. A deal in another currency is converted at the latest
 * rate (comp_fx_rates) on or before its close date, rounded by comp_round_ppm; a
 * credited deal without a rate fails with REINS_EINVAL naming the deal and currency
 * (field "currency"). person_ids[i] is the database id of in->people[i];
 * deal_ids[i] the opportunity of credits[i].
 * With `extra` (not NULL), one more deal is credited whole to its person on the last day
 * of last_month (the earnings estimator). */
/* A deal in another currency than the plan's, converted at its close date. */
struct comp_fx_note {
    int64_t deal_id;
    char from[4];     /* the deal's currency */
    int64_t amount;   /* in it, minor units */
    int64_t rate_ppm; /* plan currency per unit of `from`, ppm; 0: no rate (not loaded) */
    int32_t rate_day; /* the rate's effective date (days) */
};
struct comp_db_input {
    struct comp_input in;
    struct comp_plan *plan;
    struct comp_data data; /* the people, credits and quotas of `in` */
    size_t npayees;        /* people[0..npayees) are on the plan; the others are
                              split partners and managers, there for roll-up only */
    int64_t *person_ids;
    int64_t *deal_ids;
    struct comp_fx_note *fx; /* the converted deals, in the arena */
    size_t nfx, capfx;
};
/* A deal that is not in the pipeline: what the earnings estimator asks about. */
struct comp_extra_deal {
    int64_t person_id;               /* a payee of the plan */
    int64_t amount;                  /* minor units of the plan's currency, above 0 */
    const char *product, *deal_type; /* NULL or "" for none (SPIF filters read them) */
};
int comp_input_load(struct store *db, int64_t plan_id, int32_t last_month,
                    const struct comp_extra_deal *extra, struct arena *arena,
                    struct comp_db_input *out, struct err *e);
/* The won deals of a range of close dates, with their splits and products, as a load reads
 * them. Passed from one load to the next, they are read from the database once (plan
 * modelling runs the draft on the deals the current plan ran on): reading them is most of
 * a load's time. Only for loads in one transaction, or where a change in between does
 * not matter. */
struct comp_deal_rows;
struct comp_deal_rows *comp_deal_rows_new(void);
void comp_deal_rows_free(struct comp_deal_rows *rows); /* NULL is fine */
/* comp_input_load with the people and assignments of plan `plan_id` but the rules of
 * `plan` (NULL: its own), taken over (freed by comp_db_input_release, on failure too):
 * plan modelling. `rows` (NULL: read for this load alone) are read when they do not cover
 * the plan's dates, and kept for the next load. */
int comp_input_load_plan(struct store *db, int64_t plan_id, struct comp_plan *plan,
                         int32_t last_month, const struct comp_extra_deal *extra,
                         struct comp_deal_rows *rows, struct arena *a, struct comp_db_input *d,
                         struct err *e);
void comp_db_input_release(struct comp_db_input *d);
/* The conversion of deal `deal_id` in `d`, or NULL when it is in the plan's currency. */
const struct comp_fx_note *comp_fx_note_of(const struct comp_db_input *d, int64_t deal_id);

/* Set the rate converting `from` into `to` (ISO codes) from `effective_date` on:
 * `rate_ppm` units of `to` per million of `from` (1.0845 = 1084500). A rate for the same
 * currencies and date is replaced (audited). REINS_EINVAL naming the field. */
int comp_fx_rate_set(struct store *db, const char *effective_date, const char *from, const char *to,
                     int64_t rate_ppm, int64_t now, int64_t user_id, int64_t *id_out,
                     struct err *e);
/* Every rate: [{"id","effective_date","from_currency","to_currency","rate_ppm"}]. */
int comp_fx_rates_list(struct store *db, json_t **out, struct err *e);

/* Run plan `plan_id` for payout period `period` ("2026-03", "2026-Q1"; it
 * must be of the plan's payout period kind), replacing an open run of it;
 * REINS_ECONFLICT when that period's run is closed. All or nothing: in its own
 * transaction unless `in_tx` (then the caller rolls back on failure). */
int comp_payout_run(struct store *db, int64_t plan_id, const char *period, int in_tx, int64_t now,
                    int64_t user_id, int64_t *run_id_out, struct err *e);

/* An admin's adjustment of person_id's pay by plan plan_id's run of `period` (a payout
 * period of the plan, begun, neither closed nor before a closed one): `amount` minor units
 * (not 0, at most COMP_ADJUST_MAX either way) with a `reason` the seller reads (1 to 2000
 * characters), for an upheld dispute or what the plan cannot express. The run pays it as a
 * line of its own ("Adjustment by <who>: <reason>"); an open run of the period is run again
 * at once, in the same transaction. Audited as adjustment.add. REINS_EINVAL naming the
 * field, REINS_ENOTFOUND (plan_id), REINS_ECONFLICT (period settled). */
#define COMP_ADJUST_MAX ((int64_t)1000000000000) /* 10,000,000,000.00 */
int comp_adjustment_add(struct store *db, int64_t plan_id, int64_t person_id, const char *period,
                        int64_t amount, const char *reason, int64_t now, int64_t user_id,
                        int64_t *id_out, struct err *e);
/* Take adjustment `id` back while its period is not settled (a mistake): its open run, if
 * any, is run again. Audited as adjustment.delete with what it was. REINS_ENOTFOUND (field
 * adjustment_id), REINS_ECONFLICT (field period) once it is paid by a closed run: then a
 * new adjustment of the opposite amount reverses it. */
int comp_adjustment_delete(struct store *db, int64_t id, int64_t now, int64_t user_id,
                           struct err *e);
/* A closed run never changes. When a closed period's result would now be different
 * (a deal corrected or added late, a split changed), the run of
 * a later open period carries a "correction" line per person and closed period:
 * "earned now X, paid Y, difference Z", Y being the closed run's own lines plus the
 * corrections of it in closed runs since; the difference is added to that period's
 * earnings and payout. A won deal later lost or reopened in the pipeline (its
 * opportunity_history says when) is not a correction: it stays credited on its close
 * date and the plan's clawback rule reverses it in the period it left won. */

/* The demo: the mixed plan of docs/comp-plans.md for every seller from the
 * previous fiscal year, and runs of the last three complete months before
 * `as_of_days`, all but the latest closed, all stored as done at 09:00 UTC
 * that day. In the caller's transaction. */
int comp_demo_fill(struct store *db, int64_t as_of_days, struct err *e);
/* Close a run: its period is locked from then on. REINS_ECONFLICT when it is closed
 * already, when an earlier period's run is still open (periods close in order), or when
 * another run of the plan closed after it was computed (run it again first, so the
 * corrections it pays are not paid twice). In its own transaction unless `in_tx`. */
int comp_run_close(struct store *db, int64_t run_id, int in_tx, int64_t now, int64_t user_id,
                   struct err *e);

/* The payroll of a closed run as CSV: email,name,period,earned,paid_to_date,
 * payout (minor units). REINS_ECONFLICT while the run is open. */
int comp_payroll_csv(struct store *db, int64_t run_id, struct sb *out, struct err *e);

/* What one more deal closed by deal->person_id in `period` would add to their earnings
 * under plan `plan_id`, by running the engine with and without it: its product and deal
 * type decide which SPIFs it meets. */
int comp_estimate(struct store *db, int64_t plan_id, const char *period,
                  const struct comp_extra_deal *deal, int64_t *delta_out, struct err *e);

/* A person's statement for plan `plan_id` and payout period `period`: the
 * run's status, every line with its explanation and disputes, and the payout (earned,
 * paid to date, payout, attainment in bp). REINS_ENOTFOUND when the period
 * has no run. No visibility check: the caller decides who may see it. */
int comp_statement(struct store *db, int64_t plan_id, int64_t person_id, const char *period,
                   json_t **out, struct err *e);

/* The person's payout runs, newest period first: [{"plan_id","plan_name",
 * "period","status","payout_minor"}]. No visibility check. */
int comp_statements_list(struct store *db, int64_t person_id, json_t **out, struct err *e);

/* SQL, for queries joining a dispute `d` to the line now at its number `l` (by run, number
 * and person): 1 when that line is not the one disputed (a re-run of an open period
 * renumbers lines), 0 when it is or the dispute kept no copy of its line (before
 * migration 13). The statement and the admin list both say so. */
#define COMP_SQL_DISPUTE_LINE_CHANGED                                                              \
    " CASE WHEN d.line_rule IS NULL THEN 0"                                                        \
    " WHEN l.id IS NOT NULL AND l.line_date = d.line_date AND l.rule = d.line_rule"                \
    " AND COALESCE(l.deal_id, -1) = COALESCE(d.line_deal_id, -1)"                                  \
    " AND l.amount_minor = d.line_amount_minor AND l.explanation = d.line_explanation THEN 0"      \
    " ELSE 1 END"

/* A seller disputes line `line_no` of run `run_id`, one of their own lines
 * (REINS_ENOTFOUND naming line_no otherwise), with a comment (1 to 2000
 * bytes, REINS_EINVAL naming comment). */
int comp_dispute_open(struct store *db, int64_t run_id, int64_t line_no, int64_t person_id,
                      const char *comment, int64_t now, int64_t user_id, int64_t *id_out,
                      struct err *e);
/* An admin resolves an open dispute with a comment; REINS_ECONFLICT when it
 * is resolved already, REINS_ENOTFOUND when there is none. */
int comp_dispute_resolve(struct store *db, int64_t id, const char *comment, int64_t now,
                         int64_t user_id, struct err *e);
/* comp_dispute_resolve, and the dispute upheld with money: `amount` minor units (0 for none)
 * paid to its person as an adjustment (comp_adjustment_add) with the reason "Dispute upheld:
 * <comment>", in `period` (NULL: the disputed line's period, which must not be settled),
 * both in one transaction: nothing is resolved if the adjustment is refused. */
int comp_dispute_uphold(struct store *db, int64_t id, const char *comment, int64_t amount,
                        const char *period, int64_t now, int64_t user_id, struct err *e);

/* ---- deal splits ---- */

struct comp_split {
    int64_t person_id;
    enum comp_role kind; /* COMP_ROLE_DIRECT or COMP_ROLE_OVERLAY */
    int64_t share_bp;    /* 1 to 10000 */
};

/* "splits[i].name", for naming a split's field in a struct err; valid until the next
 * call in this thread. */
const char *comp_split_field(size_t i, const char *name);
/* The owner of opportunity `deal_id`; REINS_ENOTFOUND naming deal_id. */
int comp_deal_owner(struct store *db, int64_t deal_id, int64_t *owner_out, struct err *e);
/* {"deal_id", "owner_id", "splits": [{"person_id", "kind", "share_bp"}]}. No visibility
 * check. REINS_ENOTFOUND naming deal_id. */
int comp_splits_get(struct store *db, int64_t deal_id, json_t **out, struct err *e);
/* Replace the deal's credit splits with s[0..n): n = 0, or overlay splits only, credits
 * the owner with the whole deal. Refused with REINS_EINVAL naming the field
 * ("splits[2].person_id"): a kind other than direct/overlay, a share outside 1..10000,
 * the same person twice in a kind, an unknown person, or direct shares that do not come
 * to exactly 10000 ("splits"). No permission check: the caller decides who may. In
 * its own transaction unless `in_tx`. */
int comp_splits_set(struct store *db, int64_t deal_id, const struct comp_split *s, size_t n,
                    int in_tx, int64_t now, int64_t user_id, struct err *e);

/* Set many deals' splits from CSV text, all or nothing. Columns (a header, in any order):
 * deal_id (reins's id) or, when `source` names the CRM the deals were imported from
 * ("salesforce", "hubspot"), external_id (the CRM's id); email (the person credited);
 * kind (direct, the default, or overlay); share_bp (1 to 10000, default 10000). Every deal
 * in the file gets exactly the splits of its lines, its earlier ones replaced; deals not
 * in it keep theirs. The rules are comp_splits_set's. When any line is bad nothing is
 * written, every bad line is in out->problems (line and field) and REINS_EINVAL is
 * returned. out->created counts the deals that had no splits before, out->updated the
 * others, each with an audit row as comp_splits_set writes; out->unchanged the deals that
 * already had just those splits, left alone (a file exported and imported again writes
 * nothing). */
struct import_result;
int comp_splits_import_csv(struct store *db, const char *data, size_t len, const char *source,
                           int64_t now, int64_t user_id, struct import_result *out,
                           struct err *e);
/* Every deal's splits as CSV in the import's format, from one consistent snapshot: by
 * deal_id, or with `source` the deals imported from that CRM by external_id. Importing it
 * back changes nothing. */
struct sb;
int comp_splits_export_csv(struct store *db, const char *source, struct sb *out, struct err *e);

/* ---- the audit log ---- */

/* Add a row (in the caller's transaction): `action` like "run.close", the object's
 * kind ("plan", "assignment", "run", "deal", "dispute", "fx_rate") and id, and a JSON
 * summary, taken over (decref'd here, on failure too). */
int comp_audit_add(struct store *db, int64_t user_id, int64_t now, const char *action,
                   const char *object, int64_t object_id, json_t *summary, struct err *e);
/* The log, newest first (at most 1000 rows), of one kind of object (NULL: all) and one
 * id (0: all): [{"id","at","user_id","action","object","object_id","summary"}]. */
int comp_audit_list(struct store *db, const char *object, int64_t object_id, json_t **out,
                    struct err *e);

#endif
