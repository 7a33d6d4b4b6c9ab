/* comp_model.h -- plan modelling: what a draft plan would have paid on a past period's real
 * data, person by person, against the plans they are on, before the draft ships.
 *
 * Nothing is stored: each current plan and the draft run in memory on the same people,
 * deals, splits and quotas (comp_input_load_plan), the deals read from the database once for
 * every plan (comp_deal_rows). The people who would
 * lose most are flagged, with the leading-people facts reins already keeps about them:
 * whether they are a top performer (at or above quota under their current plan), the kudos
 * they received lately (recognition), and their open development goals (growth). A top
 * performer losing money is a retention risk, seen before the plan ships.
 */
#ifndef REINS_COMP_COMP_MODEL_H
#define REINS_COMP_COMP_MODEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct store;

#define COMP_MODEL_FLAGGED 5     /* the biggest losers flagged */
#define COMP_MODEL_KUDOS_DAYS 90 /* "received lately" */

/* Run the draft plan document `draft` (`len` bytes) and every plan with people assigned
 * during `period` ("2026-03", "2026-Q1", "2026"; it must have ended before `now`, seconds)
 * on that period, each current plan's people also under the draft. *out (the caller's) is
 * {"period", "draft_name", "totals": {"current_minor", "draft_minor", "change_minor"},
 *  "people": [{"person_id", "name", "plan_id", "current_minor", "draft_minor",
 *  "change_minor", "attainment_bp", "flagged", "facts"}]}, people by change, biggest loss
 * first; earnings are the lines of the payout periods in `period`, draws excluded; facts
 * (null unless flagged) are {"top_performer", "kudos_received", "last_kudos_at",
 * "open_goals", "last_goal_checkin"}. REINS_EINVAL naming "period", or "plan" with the
 * draft's JSON path in the message; a run that fails names its plan. No permission check. */
int comp_model(struct store *db, const char *draft, size_t len, const char *period, int64_t now,
               json_t **out, struct err *e);

#endif
