/* forecast_store.h -- the forecast engine's inputs from the database.
 *
 * fc_load_store fills a struct fc_data (forecast.h) from the pipeline's
 * history log and the reporting tree, so the server and `reins forecast --db`
 * run the same model as `reins forecast --history FILE.csv`. The database is
 * read into the tables of the documented files (docs/forecast.md) and loaded by the
 * fc_load_*_table functions the CSV loaders use too: one set of checks, and the two paths
 * cannot disagree.
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

/* `root` ($1) and everyone below them who has not left, as t(id, depth): the start of a query
 * over a tree. */
#define FC_SUBTREE_SQL                                                                             \
    "WITH RECURSIVE t(id, depth) AS (SELECT id, 0 FROM people WHERE id = $1"                      \
    " UNION ALL SELECT p.id, t.depth + 1 FROM people p JOIN t ON p.manager_id = t.id"             \
    " WHERE p.status <> 'left') "

/* Load the database into an empty `d` (fc_data_init'ed). On failure *d is as it was. The
 * tables are those of the documented files, filled from the database and checked by the
 * fc_load_*_table loaders the CSV files go through too: every row of opportunity_history
 * becomes the events of the fields it changed (the first row of a deal: created on its
 * created date, then its whole state), every person their manager, every call (kind 'call')
 * its commit on the day it was made, and every person's quarter quota (src/quotas) that is a
 * calendar quarter, in the organisation's currency, as their effective (ramped) quota. Team
 * quotas are not a tree's: a manager without their own quota has their reports' sum. */
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
 * current quarter yet. Optimists put a deal of the quarter in commit, sandbaggers one back
 * in best case (category overrides, two days before `as_of_days`). The same for the same seed. In the caller's transaction. */
int fc_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e);

/* ---- deals by forecast category, overrides, changes (forecast_deals.c, migration 10) -------
 *
 * A deal's category (pipeline, best_case, commit, closed, omitted) comes from its stage; its
 * owner may override it while it is open (table forecast_overrides: rows are never updated,
 * so the category on any past day can be rebuilt). A won deal is always closed, a lost one
 * omitted. The roll-up by category and the seller's deal list use the override; the model
 * does not (it is the seller's judgement: the model's view stays beside it). */

enum fc_category { FC_CAT_PIPELINE, FC_CAT_BEST_CASE, FC_CAT_COMMIT, FC_CAT_CLOSED, FC_CAT_OMITTED, FC_NCATEGORIES };
/* "pipeline", "best_case", "commit", "closed", "omitted". */
const char *fc_category_name(int c);
/* The category named `s`, or -1. */
int fc_category_parse(const char *s);

struct fc_override {
    int64_t id, opportunity_id, by_person_id, set_at;
    const char *category; /* "" hands the deal back to its stage's category */
    const char *comment, *by_name;
};

/* The owner of open deal `opportunity_id` sets its category (pipeline, best_case, commit or
 * omitted; "" or NULL clears the override), with an optional comment. A deal `who` may not
 * see is REINS_ENOTFOUND; anyone but its owner REINS_EFORBIDDEN; a won or lost deal
 * REINS_ECONFLICT (its category is its outcome's). */
int fc_override_set(struct store *db, const struct principal *who, int64_t opportunity_id,
                    const char *category, const char *comment, int64_t now, int64_t *id_out,
                    struct err *e);
/* Every override of the deal, oldest first (REINS_ENOTFOUND when `who` may not see it). */
int fc_overrides_of(struct store *db, const struct principal *who, int64_t opportunity_id,
                    struct arena *arena, struct fc_override **out, size_t *n, struct err *e);

/* A deal as it stood at a time, with its categories. */
struct fc_deal_row {
    int64_t id, owner_id;
    const char *name, *owner_name, *stage;
    int64_t amount_minor;
    char close_date[11], status[8];
    const char *stage_category; /* what its stage gave it */
    const char *override;       /* its owner's category then, NULL for none */
    int category;               /* enum fc_category: the one that counts */
};

/* Every deal owned, as it stood before `before` (seconds), by `root` or anyone below them
 * (not 'left'), by id. No access check: the caller has checked `root`. */
int fc_tree_deals(struct store *db, int64_t root, int64_t before, struct arena *arena,
                  struct fc_deal_row **out, size_t *n, struct err *e);

/* The amounts of each person's own deals with a close date in [start, end) (YYYY-MM-DD) by
 * category, summed up `rows` (fc_rollup's order: every report after their manager) into
 * sums[n][FC_NCATEGORIES]. Pure. */
void fc_category_rollup(const struct fc_rollup_row *rows, size_t n, const struct fc_deal_row *deals,
                        size_t ndeals, const char *start, const char *end, int64_t (*sums)[FC_NCATEGORIES]);

/* What happened to a deal between two times, for "changes since the last call". */
enum fc_change_kind {
    FC_CH_NONE,
    FC_CH_PUSHED, /* open, and its close date left the period */
    FC_CH_PULLED, /* open, and its close date came into the period */
    FC_CH_WON,
    FC_CH_LOST,
    FC_CH_ADDED,  /* new to the tree, open, closing in the period */
    FC_CH_AMOUNT, /* open in the period both times, another amount */
    FC_NCHANGES
};
/* "pushed", "pulled", "won", "lost", "added", "amount". */
const char *fc_change_name(int k);
/* Classify a deal as it stood then (`before`, NULL if it was not in the tree) and now, for
 * the period [start, end) (YYYY-MM-DD). Pure. A deal won or lost counts only if the period
 * was its close date then or now. */
int fc_change_of(const struct fc_deal_row *before, const struct fc_deal_row *now,
                 const char *start, const char *end);

struct fc_change {
    int kind; /* enum fc_change_kind */
    const struct fc_deal_row *before, *now; /* before NULL for an added deal */
};

/* The changes to `root`'s tree's deals for the period between `since` and `before`
 * (seconds), by kind then deal. `deals_now` is fc_tree_deals(root, before); the deals then
 * are read here. Everything in arena. */
int fc_changes(struct store *db, int64_t root, const char *period, int64_t since,
               const struct fc_deal_row *deals_now, size_t nnow, struct arena *arena,
               struct fc_change **out, size_t *n, struct err *e);

/* When `person` last called the period before `before`: *at = the call's time, or 0 for none. */
int fc_last_call_at(struct store *db, int64_t person, const char *period, int64_t before,
                    int64_t *at, struct err *e);

json_t *fc_override_to_json(const struct fc_override *o);
json_t *fc_deal_row_to_json(const struct fc_deal_row *d);

json_t *fc_submission_to_json(const struct fc_submission *s);
json_t *fc_rollup_row_to_json(const struct fc_rollup_row *r);

#endif
