/* comp_demo.c -- the demo's compensation: the mixed plan for every seller, and payout runs. */
#include <stdio.h>
#include <string.h>

#include "comp/comp_store.h"
#include "core/mem.h"
#include "core/text.h"
#include "quotas/quotas.h"
#include "store/store.h"

/* The people quotas_demo_fill gives quotas: reports who manage nobody. */
static const char SQL_SELLERS[] =
    "SELECT p.id, p.start_date FROM people p"
    " WHERE p.manager_id IS NOT NULL AND p.status <> 'left'"
    " AND NOT EXISTS (SELECT 1 FROM people r WHERE r.manager_id = p.id) ORDER BY p.id";

/* The mixed plan of docs/comp-plans.md (marginal, then a retroactive band, a cap per credit, a
 * milestone at quota), in the organisation's currency, from the previous fiscal year. */
static const char PLAN_FMT[] =
    "{\"name\": \"AE mixed\", \"currency\": \"%s\", \"effective_from\": \"%s\","
    " \"quota_period\": \"quarter\", \"payout_period\": \"month\", \"clawback_days\": 90,"
    " \"components\": ["
    "{\"id\": \"commission\", \"type\": \"commission\", \"mode\": \"mixed\","
    " \"credit\": {\"direct\": 10000, \"overlay\": 5000}, \"tiers\": ["
    "{\"from_bp\": 0, \"to_bp\": 5000, \"rate_ppm\": 50000},"
    " {\"from_bp\": 5000, \"to_bp\": 10000, \"rate_ppm\": 100000, \"retroactive\": true},"
    " {\"from_bp\": 10000, \"rate_ppm\": 150000}], \"cap_per_credit\": 2000000},"
    " {\"id\": \"club-bonus\", \"type\": \"milestone\","
    " \"milestones\": [{\"at_bp\": 10000, \"amount\": 250000}]}]}";

/* Won deals closed from $1 whose owner has a peer (another seller of the same
 * manager), with that peer: the first few are split or given an overlay. */
static const char SQL_SPLITTABLE[] =
    "SELECT o.id, o.owner_id, MIN(q.id) FROM opportunities o JOIN people p ON p.id = o.owner_id"
    " JOIN people q ON q.manager_id = p.manager_id AND q.id <> p.id AND q.status <> 'left'"
    " AND NOT EXISTS (SELECT 1 FROM people r WHERE r.manager_id = q.id)"
    " WHERE o.status = 'won' AND o.close_date >= $1 GROUP BY o.id, o.owner_id ORDER BY o.id";

#define DEMO_SPLITS 3 /* deals split 60/40 with a peer; the next one gets an overlay */

/* Split a few demo deals so statements show split, and overlay, credit. */
static int demo_splits(struct store *db, const char *from, int64_t now, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_SPLITTABLE, PARAMS(SV_TEXT(from)), &r, e);
    if (rc < 0) return rc;
    int64_t deal[DEMO_SPLITS + 1], owner[DEMO_SPLITS + 1], peer[DEMO_SPLITS + 1];
    size_t n = 0;
    while (n < DEMO_SPLITS + 1 && (rc = store_next(r, e)) > 0) {
        deal[n] = store_int(r, 0);
        owner[n] = store_int(r, 1);
        peer[n++] = store_int(r, 2);
    }
    store_rows_free(r);
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        struct comp_split s[2] = {{owner[i], COMP_ROLE_DIRECT, 6000},
                                  {peer[i], COMP_ROLE_DIRECT, 4000}};
        if (i == DEMO_SPLITS) s[0] = (struct comp_split){peer[i], COMP_ROLE_OVERLAY, 10000};
        rc = comp_splits_set(db, deal[i], s, i == DEMO_SPLITS ? 1 : 2, 1, now, 0, e);
    }
    return rc < 0 ? rc : 0;
}

#define DEMO_RUNS 3 /* the last complete months run; all but the latest closed */

int comp_demo_fill(struct store *db, int64_t as_of_days, struct err *e)
{
    struct quota_settings s;
    int rc = quota_settings_get(db, &s, e);
    if (rc < 0) return rc;
    struct period fy, prev;
    period_of_day(PERIOD_YEAR, as_of_days, s.fiscal_start_month, &fy);
    period_shift(&fy, -1, s.fiscal_start_month, &prev);
    /* stored as done at 09:00 UTC on the as-of day, so the admin page shows a time */
    int64_t now = as_of_days * 86400 + 9 * 3600;
    char plan_json[2048];
    snprintf(plan_json, sizeof plan_json, PLAN_FMT, s.currency, prev.start);
    int64_t plan = 0;
    if ((rc = comp_plan_store(db, plan_json, strlen(plan_json), 1, now, 0, &plan, NULL, e)) < 0)
        return rc;
    struct store_rows *r;
    if ((rc = store_query(db, SQL_SELLERS, NO_PARAMS, &r, e)) < 0) return rc;
    /* read them all first: one statement at a time on the connection */
    struct arena a = {0};
    size_t n = 0, cap = 64, cap2 = 64;
    int64_t *ids = arena_alloc(&a, cap * sizeof *ids);
    const char **starts = arena_alloc(&a, cap2 * sizeof *starts);
    while ((rc = store_next(r, e)) > 0) {
        ids = arena_grow(&a, ids, sizeof *ids, n, &cap);
        starts = arena_grow(&a, starts, sizeof *starts, n, &cap2);
        ids[n] = store_int(r, 0);
        const char *start = store_text(r, 1);
        /* on the plan from their start, or from the plan's */
        starts[n++] = arena_strdup(&a, strcmp(start, prev.start) > 0 ? start : prev.start);
    }
    store_rows_free(r);
    for (size_t i = 0; rc >= 0 && i < n; i++)
        rc = comp_assign(db, plan, ids[i], starts[i], NULL, 1, now, 0, NULL, e);
    arena_release(&a);
    if (rc < 0) return rc;
    int32_t this_month = comp_month_of_day((int32_t)as_of_days);
    /* split deals of the months run, so their statements show it */
    char runs_from[11];
    date_from_days(comp_month_first_day(this_month - DEMO_RUNS), runs_from);
    if ((rc = demo_splits(db, runs_from, now, e)) < 0) return rc;
    for (int k = DEMO_RUNS; k >= 1; k--) {
        int32_t m = this_month - k;
        if (m < prev.first_month) continue; /* before the plan */
        char key[9];
        comp_period_label(m, COMP_PERIOD_MONTH, key);
        int64_t run = 0;
        if ((rc = comp_payout_run(db, plan, key, 1, now, 0, &run, e)) < 0)
            return err_prefix(e, "demo run %s", key);
        if (k > 1 && (rc = comp_run_close(db, run, 1, now, 0, e)) < 0) return rc;
    }
    return 0;
}
