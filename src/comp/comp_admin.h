/* comp_admin.h -- what the compensation admin page reads: plans and their
 * versions, assignments, payout runs with their totals, one run's payouts per
 * person, disputes with the line they name; and the payroll of a closed run
 * as an XLSX workbook.
 *
 * Reads only: every change goes through comp_store.h. None of these checks who
 * is asking; the routes (comp_admin_api.c) are for admins. Each function
 * fills *out with a new JSON value the caller owns (json_decref), or returns a
 * negative REINS_E* code with `e` filled and *out untouched.
 */
#ifndef REINS_COMP_COMP_ADMIN_H
#define REINS_COMP_COMP_ADMIN_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"

struct store;

/* Every plan by name, each with its versions newest first:
 * [{"name", "versions": [{"id","version","effective_from","effective_to"
 * (null when open),"currency","created_at","assignments","runs","uploaded_by"
 * (the uploader's person name or email, from the audit log; null when
 * unknown)}]}], names in alphabetical order. */
int comp_admin_plans(struct store *db, json_t **out, struct err *e);

/* One plan version with its document as uploaded (a JSON object under
 * "document"). REINS_ENOTFOUND naming plan_id when there is none. */
int comp_admin_plan(struct store *db, int64_t plan_id, json_t **out, struct err *e);

/* Assignments of plan `plan_id` (0: of every plan), by plan, person name and
 * start: [{"id","plan_id","plan_name","plan_version","person_id","person_name",
 * "email","start_date","end_date","created_at"}]. */
int comp_admin_assignments(struct store *db, int64_t plan_id, json_t **out, struct err *e);

/* Payout runs, newest period first: [{"id","plan_id","plan_name",
 * "plan_version","currency","period","status","created_at","closed_at",
 * "people","lines","earned_minor","payout_minor","open_disputes"}]. */
int comp_admin_runs(struct store *db, json_t **out, struct err *e);

/* One run (the fields of comp_admin_runs) with "payouts": [{"person_id",
 * "name","email","earned_minor","paid_to_date_minor","payout_minor",
 * "attainment_bp","lines","open_disputes"}] by name. REINS_ENOTFOUND naming
 * run_id when there is no such run. */
int comp_admin_run(struct store *db, int64_t run_id, json_t **out, struct err *e);

/* Disputes, open ones first (oldest first), then resolved ones (newest
 * first): [{"id","run_id","plan_id","plan_name","period","line_no",
 * "person_id","person_name","comment","status","resolution","opened_at",
 * "resolved_at","line"}], "line" being {"date","rule","deal_id",
 * "amount_minor","explanation"} or null when the run no longer has that
 * line (a re-run of an open period can drop it). */
int comp_admin_disputes(struct store *db, json_t **out, struct err *e);

/* The admins' adjustments of payouts (comp_adjustment_add), newest first, at most 1000:
 * [{"id","plan_id","plan_name","plan_version","person_id","person_name","period",
 * "amount_minor","reason","by","created_at","run_status"}], run_status being the
 * paying run's ("open", "closed") or null before the period is run. */
int comp_admin_adjustments(struct store *db, json_t **out, struct err *e);

/* The payroll of closed run `run_id` as an XLSX workbook appended to `out`:
 * the rows of comp_payroll_csv (same people, same order, same rule:
 * REINS_ECONFLICT naming run_id while the run is open, REINS_ENOTFOUND when
 * there is none) with the amounts as numbers of the currency's major unit
 * (minor units / 100, shown with two decimals) and the plan's currency in a
 * column of its own. REINS_EIO when the workbook cannot be written. */
int comp_payroll_xlsx(struct store *db, int64_t run_id, struct sb *out, struct err *e);

#endif
