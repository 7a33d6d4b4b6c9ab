/* forecast.h -- the forecasting engine: deal history in, a period's bookings range out.
 *
 * Pure C over arrays: no database, no HTTP, no globals. The inputs are the
 * documented CSV files of docs/forecast.md (a deal history as an event log,
 * and optionally people, quotas and calls), or the same rows as tables, which is how
 * the server fills it from the database (forecast_store.c).
 *
 *   fc_data        everything loaded: people, deals with their events, quotas, calls
 *   fc_deal_at     a deal's state as of a date, replayed from its events
 *   fc_forecast    the model learned from history before the as-of date, each open
 *                  deal's probability with its reasons, the Monte Carlo range
 *                  (P10/P50/P90, chance of quota) per seller, manager tree and total,
 *                  and the plain weighted pipeline beside it
 *   fc_simulate    the Monte Carlo alone, over plain arrays (tests and bench use it)
 *   fc_backtest    every past quarter at weeks 1, 4 and 8: MAPE, bias and P10-P90
 *                  coverage of the model, the weighted pipeline and the calls
 *
 * Days are days since 1970-01-01 (core/text.h date_to_days); money is an
 * integer of minor units; probabilities leave the engine as parts per million.
 */
#ifndef REINS_FORECAST_FORECAST_H
#define REINS_FORECAST_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"

/* ---- periods ------------------------------------------------------------ */

/* A calendar quarter: days [start, end). */
struct fc_period {
    int32_t start, end;
    int year, quarter; /* 2026, 3 */
};

/* Parse "2026-Q3" (years 1900-2999). `field` names the input in the error. */
int fc_period_parse(const char *s, struct fc_period *out, const char *field, struct err *e);
/* The quarter containing `day`. */
struct fc_period fc_period_of(int32_t day);
/* Write "2026-Q3" into out[8]. */
void fc_period_name(const struct fc_period *p, char out[8]);

/* ---- loaded data -------------------------------------------------------- */

enum fc_field { FC_CREATED, FC_STAGE, FC_AMOUNT, FC_CLOSE_DATE, FC_STATUS };
enum fc_status { FC_OPEN, FC_WON, FC_LOST };

/* One row of the history file. */
struct fc_event {
    int32_t day;
    uint32_t owner; /* person index: the deal's owner from this event on */
    uint8_t field;  /* enum fc_field */
    int64_t value;  /* stage index, amount, close day or status; 0 for created */
    uint32_t line;  /* line in the history file, to order same-day events */
};

struct fc_quota {
    uint32_t person;
    int32_t period_start;
    int64_t amount;
};

/* A forecaster's call: what they said on `day` the period would book. */
struct fc_call {
    uint32_t person;
    int32_t day;
    struct fc_period period;
    int64_t amount;
    uint32_t line;
};

struct fc_data {
    struct arena arena; /* owns everything below */
    /* people: every id seen as an owner, in the people file, quotas or calls */
    size_t npeople;
    char **person_id;
    int32_t *manager; /* person index, -1 for none */
    /* deals: events of deal i are events[deal_first[i] .. deal_first[i + 1]),
     * ordered by day, then by line */
    size_t ndeals;
    char **deal_id;
    size_t *deal_first;
    struct fc_event *events;
    size_t nevents;
    size_t nstages;
    char **stage_name;
    int32_t first_day, last_day; /* of all events; 0 when there are none */
    size_t nquotas;
    struct fc_quota *quotas;
    size_t ncalls;
    struct fc_call *calls;
    int people_loaded; /* a people file was loaded: its leaves are the sellers */
    void *priv;        /* private: the lookup tables while loading */
};

/* Initialise an empty fc_data; fc_data_release frees it (NULL does nothing). */
void fc_data_init(struct fc_data *d);
void fc_data_release(struct fc_data *d);

/* Load one CSV file of `len` bytes. `fname` names the file in errors, which
 * say file, line and field ("history.csv line 7: field at: ..."). Each
 * loader is all-or-nothing and checks the header names the required columns.
 *   history: deal_id, owner, at, field, value -- the event log
 *   people:  id, manager_id -- the reporting tree (checked for cycles)
 *   quotas:  person_id, period, amount_minor
 *   calls:   forecaster, period, at, amount_minor
 * Load the history first (once): people, quotas and calls may name people
 * with no deals. On failure *d is as it was before the call. Failures:
 * REINS_EINVAL (bad row), REINS_ETOOBIG (over the CSV limits). */
int fc_load_history(struct fc_data *d, const char *data, size_t len, const char *fname,
                    struct err *e);
int fc_load_people(struct fc_data *d, const char *data, size_t len, const char *fname,
                   struct err *e);
int fc_load_quotas(struct fc_data *d, const char *data, size_t len, const char *fname,
                   struct err *e);
int fc_load_calls(struct fc_data *d, const char *data, size_t len, const char *fname,
                  struct err *e);

/* The same loaders over rows already split into fields (what the server reads from the
 * database): t->cell[row * ncols + column], the columns in the order listed above (history
 * 5, people 2, quotas 3, calls 4), no header; t->line[row] the line errors name (NULL: row +
 * 2, as if after a header). The same checks, the same all-or-nothing. The strings are copied. */
struct fc_table {
    size_t nrows, ncols;
    const char *const *cell;
    const size_t *line;
};
int fc_load_history_table(struct fc_data *d, const struct fc_table *t, const char *fname,
                          struct err *e);
int fc_load_people_table(struct fc_data *d, const struct fc_table *t, const char *fname,
                         struct err *e);
int fc_load_quotas_table(struct fc_data *d, const struct fc_table *t, const char *fname,
                         struct err *e);
int fc_load_calls_table(struct fc_data *d, const struct fc_table *t, const char *fname,
                        struct err *e);

/* The person index of `id`, or -1. */
int32_t fc_person_find(const struct fc_data *d, const char *id);
/* The quota of `person` for the period starting on `period_start`, or -1. */
int64_t fc_quota_of(const struct fc_data *d, uint32_t person, int32_t period_start);

/* ---- a deal as of a date ------------------------------------------------ */

#define FC_NO_DAY INT32_MIN

struct fc_deal_state {
    int exists;      /* created on or before the date */
    uint32_t owner;  /* person index */
    int32_t stage;   /* stage index, -1 before any stage event */
    int64_t amount;  /* 0 before any amount event */
    uint8_t status;  /* enum fc_status */
    int32_t created; /* day; FC_NO_DAY when not yet created */
    int32_t stage_since;
    int32_t close_day;  /* expected close date; FC_NO_DAY when none */
    int32_t status_day; /* the day it was won or lost; FC_NO_DAY while open */
    uint32_t slips;     /* times the close date moved later */
};

/* Replay deal `deal`'s events dated on or before `day` into *out. A deal
 * with no created event counts as created on its first event. */
void fc_deal_at(const struct fc_data *d, size_t deal, int32_t day, struct fc_deal_state *out);

/* ---- the Monte Carlo over arrays ---------------------------------------- */

/* Probabilities are fractions of 2^32 in the simulation (p32 = p * 2^32,
 * 2^32 for certain), compared with 32 random bits. */
#define FC_P32_ONE ((uint64_t)1 << 32)

/* fc_simulate keeps a total per node per trial: nnodes x trials at most this. */
#define FC_MAX_NODE_TRIALS ((size_t)1 << 28)

struct fc_sim_input {
    size_t ndeals;
    const uint32_t *deal_node; /* the node each deal books to */
    const int64_t *amount;     /* minor units, >= 0 */
    const uint64_t *p32;       /* win probability in [0, FC_P32_ONE] */
    size_t nnodes;
    const int32_t *parent; /* node tree, -1 for a root; no cycles */
    const int64_t *base;   /* NULL, or a constant per node (booked so far) */
    /* NULL, or the business from deals not yet created: per node a Poisson
     * count with mean new_rate[n] of amounts drawn uniformly from new_amounts
     * (nnew_amounts of them) times new_scale[n]. */
    const double *new_rate;
    const double *new_scale;
    const int64_t *new_amounts;
    size_t nnew_amounts;
    const int64_t *quota; /* NULL, or per node the quota (-1 for none) */
    int64_t total_quota;  /* quota of the whole tree, -1 for none */
    /* 0, or the spread (standard deviation, in log-odds) of a swing shared by
     * every deal in a trial: a period that goes well or badly for everyone.
     * Each block of 8 trials moves all odds by e^z, z at one of 16 levels of
     * a normal with this spread, the levels taking equal turns. */
    double swing_sd;
    uint32_t trials; /* >= 1 */
    uint64_t seed;
    int threads; /* 0: one per online CPU; results do not depend on it */
};

/* The distribution of one node's bookings (its own and its whole subtree's). */
struct fc_range {
    int64_t p10, p50, p90, mean;
    int32_t p_quota_ppm; /* chance of reaching the quota; -1 without a quota */
};

/* Simulate `in->trials` outcomes of every deal (Bernoulli draws, independent
 * given the trial's swing)
 * and of new business, roll each trial up the tree, and fill out[nnodes]
 * and *total (the sum of the roots). Quantiles are nearest-rank: Pq is the
 * ceil(q * trials)-th smallest total. Trial t draws from its own xoshiro256**
 * stream seeded by splitmix64 from (seed, t), so the result depends on the
 * seed and the inputs only, never on the thread count. Returns 0, or
 * REINS_EINVAL for an invalid input (cycle, node out of range, p32 > 1,
 * amounts whose sums could overflow), REINS_ETOOBIG past FC_MAX_NODE_TRIALS. */
int fc_simulate(const struct fc_sim_input *in, struct fc_range *out, struct fc_range *total,
                struct err *e);

/* ---- the model and the forecast ----------------------------------------- */

/* The factors that move a deal's probability away from its stage's rate. */
enum fc_factor {
    FC_F_CLOSE,      /* close date: in the period, overdue, later, none */
    FC_F_AGE,        /* days since created: <30, 30-89, 90-179, 180+ */
    FC_F_STAGE_TIME, /* days in the current stage: <14, 14-44, 45-89, 90+ */
    FC_F_SLIPS,      /* close date pushed out: 0, 1, 2, 3+ times */
    FC_F_SIZE,       /* amount quartile among the deals learned from */
    FC_F_OWNER,      /* the owner's record beyond what the deal explains */
    FC_NFACTORS
};

/* Smoothing (docs/forecast.md): a stage's rate is shrunk toward the global
 * rate as if FC_PRIOR_STAGE more deals had won at the global rate; a factor
 * level's odds multiplier brings its deals to expected x (won + m) /
 * (expected + m) wins, m = FC_PRIOR_FACTOR pseudo-wins, so a level seen little
 * stays near 1 (FC_NEWTON_STEPS steps find it); new
 * business per seller is shrunk toward the all-seller rate as if they had
 * FC_PRIOR_NEW_QUARTERS more quarters at it. */
#define FC_PRIOR_STAGE 10.0
#define FC_PRIOR_FACTOR 4.0
#define FC_PRIOR_NEW_QUARTERS 2.0
#define FC_BACKFIT_PASSES 4
#define FC_NEWTON_STEPS 6
/* The swing is measured on the last this many quarters, each against a model learned without
 * it (fc_model.c fit_swing). */
#define FC_SWING_QUARTERS 12

/* One reason of a deal's probability: a factor that multiplied its odds. */
struct fc_reason {
    uint32_t factor; /* enum fc_factor */
    uint32_t level;
    double multiplier;    /* of the odds */
    double won, expected; /* the wins behind it, and the wins expected without it */
};

#define FC_MAX_REASONS 3

struct fc_open_deal {
    uint32_t deal; /* index into fc_data deals */
    struct fc_deal_state st;
    uint32_t level[FC_NFACTORS]; /* the owner's level is their person index */
    double stage_rate;           /* the smoothed stage rate it starts from */
    uint32_t p_ppm;              /* the model's probability to be won in the period */
    size_t nreasons;             /* the strongest factors, strongest first */
    struct fc_reason reason[FC_MAX_REASONS];
};

struct fc_model {
    uint32_t examples, wins; /* open deals learned from, and how many were won */
    double global_rate;
    double *stage_rate; /* per stage, smoothed */
    uint32_t *stage_n, *stage_won;
    size_t nlevels[FC_NFACTORS];
    double *mult[FC_NFACTORS]; /* odds multiplier per level */
    double *won[FC_NFACTORS], *expected[FC_NFACTORS];
    int64_t size_edge[3]; /* amount quartile edges */
    /* new business per person: Poisson mean per period and amount scale */
    double *new_rate, *new_scale;
    int64_t *new_amounts; /* every past new-and-won deal amount */
    size_t nnew_amounts;
    uint32_t periods; /* past quarters learned from */
    double swing_sd;  /* how much whole quarters beat or missed the model, in log-odds */
    /* what a won deal finally booked over its amount at the snapshot, summed over the
     * learned wins (discounts at signature): the simulation books an open deal at its
     * amount times this; 1 without wins */
    double won_amount_ratio;
};

struct fc_options {
    int32_t as_of; /* the day the forecast is made, knowing events up to it */
    struct fc_period period;
    uint32_t trials; /* 0: 10,000 */
    uint64_t seed;
    int threads; /* 0: one per online CPU */
};

/* What one person (and their subtree) is forecast to book. */
struct fc_node {
    int64_t won;          /* already won in the period by the as-of date */
    int64_t weighted;     /* won + open deals closing in the period times their stage's rate */
    int64_t new_expected; /* the mean of the not-yet-created part */
    int64_t pipeline;     /* open amount closing in the period */
    uint32_t open;        /* open deals */
    int64_t quota;        /* -1 for none (a manager without one sums their team's) */
    struct fc_range range;
    int shown; /* 1 if anything of the subtree is in the period */
};

struct fc_forecast {
    struct arena arena; /* owns everything below */
    struct fc_options opt;
    struct fc_model model;
    size_t nopen;
    struct fc_open_deal *open;
    size_t nnodes; /* = npeople */
    struct fc_node *node;
    struct fc_node total;
    int32_t *depth; /* depth of each person in the tree, roots 0 */
    /* wall clock, and the simulation's CPU time over all its threads (the
     * machine may be shared), for --timing and bench/ */
    double learn_seconds, simulate_seconds, simulate_cpu_seconds;
};

/* Learn the model from the quarters that ended by opt->as_of (only events
 * dated on or before it are used), score every deal open on that day, and
 * simulate the period. The period must not have ended before the as-of
 * date. Fails with REINS_EINVAL when there is no complete quarter to learn
 * from, naming it. *out is initialised either way; release it. */
int fc_forecast_run(const struct fc_data *d, const struct fc_options *opt, struct fc_forecast *out,
                    struct err *e);
void fc_forecast_release(struct fc_forecast *f);

/* Describe a reason for people: "close date after the period". Static. */
const char *fc_reason_label(const struct fc_model *m, const struct fc_data *d,
                            const struct fc_reason *r, char *buf, size_t size);

/* ---- the backtest -------------------------------------------------------- */

/* One forecaster's record: model, weighted pipeline, or a person's calls. */
struct fc_score {
    char name[96];       /* "model P50 (total)", "calls: ana" */
    uint32_t n;          /* forecasts scored */
    uint32_t nzero;      /* of them with nothing actually booked: left out of MAPE */
    int64_t mape_bp;     /* mean absolute percentage error, basis points; -1 if none */
    int64_t bias_bp;     /* (sum forecast - sum actual) / sum actual, basis points: below 0
                            is under-calling (sandbagging), above is optimism */
    int has_bias;        /* 0 when nothing was booked at all */
    int32_t coverage_bp; /* share of actuals inside P10-P90; -1 where not a range */
};

struct fc_backtest {
    struct arena arena;
    uint32_t periods, points; /* quarters and (quarter, week) points scored */
    size_t nscores;
    struct fc_score *score;
};

/* Score every quarter that ended by `until` (a day; FC_NO_DAY: the last
 * event) and has a complete quarter before it, at weeks 1, 4 and 8 (the
 * as-of days start, start + 21, start + 49). Calls, if loaded, are scored
 * each on its own against its forecaster's subtree. `trials` 0 means 2,000. */
int fc_backtest_run(const struct fc_data *d, int32_t until, uint32_t trials, uint64_t seed,
                    int threads, struct fc_backtest *out, struct err *e);
void fc_backtest_release(struct fc_backtest *b);

/* Each forecaster's own record, without running the model: every call of theirs for a
 * quarter that ended by `until` (a day), scored against what their subtree booked in it, into
 * out[d->npeople] (n = 0 for someone with no scored call; names are their ids). The same
 * scores as fc_backtest_run's "calls: ..." rows, over every ended quarter. */
void fc_call_accuracy(const struct fc_data *d, int32_t until, struct fc_score *out);

#endif
