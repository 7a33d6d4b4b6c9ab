/* comp_store.h -- compensation in the product: plan versions in the database,
 * who is on which plan, and payout runs built from the pipeline.
 *
 * A plan upload is checked by comp_plan_parse (errors name the JSON path) and
 * kept as a new version: an upload with a name already stored becomes version
 * N+1 and never changes an older one. A payout run for one plan and payout
 * period builds struct comp_input from the database (closed-won deals credited
 * to their owner, quotas with ramp from src/quotas/), runs the engine and
 * stores every line paid in that period with its explanation and each
 * person's payout, in one transaction. An open run may be run again (it is
 * replaced); a closed run is final and a new run of its period is refused.
 */
#ifndef REINS_COMP_COMP_STORE_H
#define REINS_COMP_COMP_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "comp/comp.h"
#include "core/err.h"
#include "core/mem.h"

struct store;
struct principal;

/* Store `json` as a new version of the plan it names, in its own transaction
 * unless `in_tx`. *id_out and *version_out (either may be NULL) receive the new
 * row. REINS_EINVAL naming the JSON path of a bad field. */
int comp_plan_store(struct store *db, const char *json, size_t len, int in_tx, int64_t now,
                    int64_t *id_out, int *version_out, struct err *e);

/* Put person `person_id` on plan `plan_id` from `start_date` to `end_date`
 * (YYYY-MM-DD; end NULL for open). REINS_EINVAL naming the field. */
int comp_assign(struct store *db, int64_t plan_id, int64_t person_id, const char *start_date,
                const char *end_date, int64_t now, int64_t *id_out, struct err *e);

/* The engine's input for plan `plan_id` up to the end of `last_month` (a comp
 * month number), its strings and arrays in `arena`; *plan_out is the parsed
 * plan, freed by the caller with comp_plan_free. person_ids[i] is the
 * database id of in->people[i]; deal_ids[i] the opportunity of credits[i].
 * With extra_amount > 0, one more credit of that amount is added for
 * `extra_person` on the last day of last_month (the earnings estimator). */
struct comp_db_input {
    struct comp_input in;
    struct comp_plan *plan;
    int64_t *person_ids;
    int64_t *deal_ids;
};
int comp_input_load(struct store *db, int64_t plan_id, int32_t last_month, int64_t extra_person,
                    int64_t extra_amount, struct arena *arena, struct comp_db_input *out,
                    struct err *e);
void comp_db_input_release(struct comp_db_input *d);

/* Run plan `plan_id` for payout period `period` ("2026-03", "2026-Q1"; it
 * must be of the plan's payout period kind), replacing an open run of it;
 * REINS_ECONFLICT when that period's run is closed. All or nothing: in its own
 * transaction unless `in_tx` (then the caller rolls back on failure). */
int comp_payout_run(struct store *db, int64_t plan_id, const char *period, int in_tx, int64_t now,
                    int64_t *run_id_out, struct err *e);

/* The demo: the mixed plan of docs/comp-plans.md for every seller from the
 * previous fiscal year, and runs of the last three complete months before
 * `as_of_days`, all but the latest closed. In the caller's transaction. */
int comp_demo_fill(struct store *db, int64_t as_of_days, struct err *e);
/* Close a run: its period is locked from then on. REINS_ECONFLICT if closed. */
int comp_run_close(struct store *db, int64_t run_id, int64_t now, struct err *e);

/* The payroll of a closed run as CSV: email,name,period,earned,paid_to_date,
 * payout (minor units). REINS_ECONFLICT while the run is open. */
int comp_payroll_csv(struct store *db, int64_t run_id, struct sb *out, struct err *e);

/* What one more deal of `amount` closed by `person_id` in `period` would add to
 * their earnings under plan `plan_id`, by running the engine with and without it. */
int comp_estimate(struct store *db, int64_t plan_id, int64_t person_id, const char *period,
                  int64_t amount, int64_t *delta_out, struct err *e);

/* A person's statement for plan `plan_id` and payout period `period`: the
 * run's status, every line with its explanation and disputes, and the payout (earned,
 * paid to date, payout, attainment in bp). REINS_ENOTFOUND when the period
 * has no run. No visibility check: the caller decides who may see it. */
int comp_statement(struct store *db, int64_t plan_id, int64_t person_id, const char *period,
                   json_t **out, struct err *e);

/* The person's payout runs, newest period first: [{"plan_id","plan_name",
 * "period","status","payout_minor"}]. No visibility check. */
int comp_statements_list(struct store *db, int64_t person_id, json_t **out, struct err *e);

/* A seller disputes line `line_no` of run `run_id`, one of their own lines
 * (REINS_ENOTFOUND naming line_no otherwise), with a comment (1 to 2000
 * bytes, REINS_EINVAL naming comment). */
int comp_dispute_open(struct store *db, int64_t run_id, int64_t line_no, int64_t person_id,
                      const char *comment, int64_t now, int64_t *id_out, struct err *e);
/* An admin resolves an open dispute with a comment; REINS_ECONFLICT when it
 * is resolved already, REINS_ENOTFOUND when there is none. */
int comp_dispute_resolve(struct store *db, int64_t id, const char *comment, int64_t now,
                         struct err *e);

#endif
