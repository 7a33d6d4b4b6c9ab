/* forecast_store.h -- the forecast engine's inputs from the database.
 *
 * fc_load_store fills a struct fc_data (forecast.h) from the pipeline's
 * history log and the reporting tree, so the server and `reins forecast --db`
 * run the same model as `reins forecast --history FILE.csv`. The database is
 * written out as the documented history, people and calls files
 * (docs/forecast.md) and read back by the fc_load_* functions: one loader, one set
 * of checks, and the two paths cannot disagree.
 *
 * Ids in the loaded data: a person is their email, a deal the decimal id of
 * its opportunity, a stage its name.
 */
#ifndef REINS_FORECAST_FORECAST_STORE_H
#define REINS_FORECAST_FORECAST_STORE_H

#include <jansson.h>

#include "auth/principal.h"
#include "core/err.h"
#include "core/mem.h"
#include "forecast/forecast.h"

struct store;

/* Append to `history`, `people` and `calls` the CSV files the database
 * holds: every row of opportunity_history becomes the events of the fields
 * it changed (the first row of a deal: created on its created date, then its
 * whole state), every person their manager, and every call (kind 'call')
 * its commit on the day it was made. */
int fc_store_export(struct store *db, struct sb *history, struct sb *people, struct sb *calls,
                    struct err *e);

/* Load the database into an empty `d` (fc_data_init'ed). On failure *d is
 * as it was. */
int fc_load_store(struct store *db, struct fc_data *d, struct err *e);

/* ---- calls (forecast_calls.c, table forecast_calls, migration 7) ------------------------
 *
 * A call is what a person says their period (their whole subtree, for a
 * manager) will book: commit and best case, in minor units. Every submission
 * is kept with its time. A manager may adjust the number of anyone below
 * them, with a comment: a separate row, so what the person said stays.
 *
 * A person's number for a period, as of a time: the latest adjustment made
 * after their latest call, else their latest call, else (a manager) the
 * roll-up: the sum of their direct reports' numbers. */

#define FC_COMMENT_MAX 1000
#define FC_AMOUNT_MAX ((int64_t)1 << 50)

struct fc_submission {
    int64_t id, person_id, by_person_id;
    const char *kind; /* "call" or "adjustment" */
    char period[8];
    int64_t commit_minor, best_case_minor, submitted_at;
    const char *comment, *by_name;
};

/* Check a period ("2026-Q3") and the amounts (0 <= commit <= best case <= FC_AMOUNT_MAX). */
int fc_call_check(const char *period, int64_t commit, int64_t best_case, struct err *e);

/* `who` calls the period for themself (REINS_EFORBIDDEN without a person). */
int fc_call_submit(struct store *db, const struct principal *who, const char *period,
                   int64_t commit, int64_t best_case, int64_t now, int64_t *id_out, struct err *e);
/* `who` adjusts the number of `person_id`, someone strictly below them (an
 * admin: anyone); the comment is required. A person `who` may not see is
 * REINS_ENOTFOUND, themself or someone they see but are not above
 * REINS_EFORBIDDEN. */
int fc_adjust(struct store *db, const struct principal *who, int64_t person_id, const char *period,
              int64_t commit, int64_t best_case, const char *comment, int64_t now, int64_t *id_out,
              struct err *e);
/* Every submission about `person_id` for the period, oldest first
 * (REINS_ENOTFOUND when `who` may not see them). Strings in arena. */
int fc_submissions(struct store *db, const struct principal *who, int64_t person_id,
                   const char *period, struct arena *arena, struct fc_submission **out, size_t *n,
                   struct err *e);

struct fc_amounts {
    int present;
    int64_t commit_minor, best_case_minor;
};

/* One person of a tree's calls as of a time. */
struct fc_rollup_row {
    int64_t person_id, manager_id; /* manager 0 at the root */
    const char *name, *email;
    int depth, reports; /* depth below the root; direct reports */
    const struct fc_submission *call, *adjustment; /* NULL for none; adjustment only if newer */
    struct fc_amounts rollup;                      /* sum of the reports' numbers */
    struct fc_amounts number;                      /* adjustment, else call, else roll-up */
    const char *source;                            /* "adjustment", "call", "rollup" or NULL */
};

/* The calls of `root` and everyone below them (not 'left') for the period, as
 * submitted before `before` (seconds), root first, then by depth and name.
 * REINS_ENOTFOUND when `who` may not see `root`. */
int fc_rollup(struct store *db, const struct principal *who, int64_t root, const char *period,
              int64_t before, struct arena *arena, struct fc_rollup_row **out, size_t *n,
              struct err *e);

/* The demo's calls (forecast_demo.c): every deal owner calls the last three quarters and the
 * current one at weeks 1, 4 and 8 up to `as_of_days`, each with a steady habit (70% to 140%
 * of what they book: some sandbag, some are optimists); one in six has not called the
 * current quarter yet. The same for the same seed. In the caller's transaction. */
int fc_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e);

json_t *fc_submission_to_json(const struct fc_submission *s);
json_t *fc_rollup_row_to_json(const struct fc_rollup_row *r);

#endif
