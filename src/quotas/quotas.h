/* quotas.h -- goals and quotas: periods, quotas, ramp for new hires, attainment.
 *
 * Periods. A period is a calendar month ("2026-07"), a fiscal quarter
 * ("2027-Q1") or a fiscal year ("FY2027"). The fiscal year starts on the
 * first day of the organisation's fiscal start month (1..12, an admin
 * setting) and is named by the calendar year it ends in: with a February
 * start, FY2027 runs from 2026-02-01 to 2027-01-31 and 2027-Q1 is
 * February to April 2026. With a January start fiscal and calendar years are
 * the same. Months are always calendar months.
 *
 * Quotas are set per seller and per team per period: an amount in minor
 * units of a currency and optionally a number of deals. A team's quota is
 * set by an admin, not derived; reins shows it beside the sum of its
 * members' effective quotas, and the difference.
 *
 * Ramp. A new hire carries a share of their full quota in their first months:
 * a schedule of basis points per month (organisation default 25%, 50%, 75%,
 * then 100%; a per-person override replaces it). Ramp month 1 is the calendar
 * month of the start date when the person started on or before the 15th;
 * a later start leaves that month at 0% (too little of it is left to sell in)
 * and ramp month 1 is the next month. Months before the start are 0%, months
 * after the schedule 100%. The effective quota of a period spreads the set
 * amount evenly over its months, ramps each month and sums them: a quarter
 * of 30,000 with months at 50%, 75% and 100% is 22,500. Teams are not ramped.
 *
 * Attainment is closed-won (opportunities with status 'won', their close
 * date in the period and not after the as-of date, in the quota's currency:
 * reins does not convert currencies) against the effective quota, for the
 * period so far and for the whole period, with pace: expected to date =
 * quota x elapsed fraction of the period (in days, the as-of day counted).
 *
 * The rules here are pure (quotas.c, no I/O), so attainment is computed over
 * arrays the store loaded (quotas_store.c); routes in quotas_api.c
 * (docs/api.md, "Goals and quotas"), the demo quotas in quotas_demo.c.
 */
#ifndef REINS_QUOTAS_QUOTAS_H
#define REINS_QUOTAS_QUOTAS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/principal.h"
#include "core/err.h"
#include "core/mem.h"

struct store;

/* 10^13 minor units (100 billion in major units) keeps every product below in 64 bits. */
#define QUOTA_AMOUNT_MAX 10000000000000LL
#define QUOTA_DEALS_MAX 1000000
#define RAMP_STEPS_MAX 24
#define RAMP_BP_FULL 10000
#define PERIOD_KEY_MAX 12 /* "FY2027" / "2027-Q1" / "2026-07" and the NUL */
#define PERIOD_YEAR_MIN 1901
#define PERIOD_YEAR_MAX 2998

/* ---- periods ------------------------------------------------------------------------------- */

enum period_kind { PERIOD_MONTH = 1, PERIOD_QUARTER, PERIOD_YEAR };

struct period {
    enum period_kind kind;
    char key[PERIOD_KEY_MAX];
    int first_month;             /* months since year 0: year * 12 + (month - 1) */
    int months;                  /* 1, 3 or 12 */
    int64_t first_day, last_day; /* days since 1970-01-01, both inclusive */
    char start[11], end[11];     /* the same as YYYY-MM-DD */
};

/* "month", "quarter", "year"; period_kind_parse returns 0 for anything else. */
const char *period_kind_name(enum period_kind k);
enum period_kind period_kind_parse(const char *s);

/* Parse a period key ("2026-07", "2027-Q1", "FY2027") under the fiscal start
 * month (1..12). REINS_EINVAL naming `field` for anything else. */
int period_parse(const char *key, int fiscal_start_month, const char *field, struct period *out,
                 struct err *e);
/* The period of `kind` containing the day `day` (days since 1970-01-01). */
void period_of_day(enum period_kind kind, int64_t day, int fiscal_start_month, struct period *out);
/* The period `by` periods after `p` (before it when negative). */
void period_shift(const struct period *p, int by, int fiscal_start_month, struct period *out);
/* The fiscal year (the calendar year it ends in) of the calendar month `month_index`. */
int fiscal_year_of_month(int month_index, int fiscal_start_month);

/* ---- ramp ---------------------------------------------------------------------------------- */

struct ramp {
    int n;                      /* 0: no ramp, full quota from the first month */
    int32_t bp[RAMP_STEPS_MAX]; /* month 1, 2, ... in basis points, each 0..10000 */
};

/* Parse "2500,5000,7500" ("" is no ramp). REINS_EINVAL naming `field`. */
int ramp_parse(const char *text, const char *field, struct ramp *out, struct err *e);
/* Write the comma-separated form into out (at least RAMP_STEPS_MAX * 6 + 1 bytes). */
void ramp_format(const struct ramp *r, char *out, size_t size);
/* Fill `out` from a JSON array of integers; REINS_EINVAL naming `field`. */
int ramp_from_json(json_t *array, const char *field, struct ramp *out, struct err *e);
json_t *ramp_to_json(const struct ramp *r);
/* The organisation default when none is set: 25%, 50%, 75%. */
void ramp_default(struct ramp *out);

/* The share of full quota, in basis points, for the calendar month
 * `month_index` of someone who started on `start_day` (see the top). */
int64_t ramp_month_bp(const struct ramp *r, int64_t start_day, int month_index);
/* The effective quota for period `p` of someone with a set `amount`, a start
 * on `start_day` and ramp `r` (NULL: not ramped). Rounded half up, once. */
int64_t quota_effective(int64_t amount, const struct period *p, int64_t start_day,
                        const struct ramp *r);
/* The share (bp) of the full quota the period's effective quota is: the mean of the months. */
int64_t ramp_period_bp(const struct period *p, int64_t start_day, const struct ramp *r);

/* ---- attainment ---------------------------------------------------------------------------- */

/* One closed-won deal, as the store loads it. */
struct won_deal {
    int64_t owner_id;
    int64_t amount_minor;
    int64_t close_day; /* days since 1970-01-01 */
    char currency[4];
};

struct attainment {
    int64_t quota_minor;          /* effective quota; 0 when none */
    int64_t quota_deals;          /* -1 when no deal-count goal */
    int64_t won_minor, won_deals; /* closed-won in the period up to the as-of day */
    int64_t other_currency_deals; /* won deals left out: not in the quota's currency */
    int64_t days_elapsed, days_total;
    int64_t expected_minor;  /* quota x days_elapsed / days_total */
    int64_t attainment_bp;   /* won / quota; -1 when the quota is 0 */
    int64_t pace_bp;         /* won / expected; -1 when nothing is expected yet */
    int64_t deals_bp;        /* won_deals / quota_deals; -1 without a deal goal */
    int64_t remaining_minor; /* quota - won, at least 0 */
};

/* Compute attainment for the owners `owners` (sorted ascending; NULL means
 * every deal's owner counts) over `deals` (any order, any period: those
 * outside p up to as_of_day or in another currency are left out). */
void attainment_compute(const struct period *p, int64_t as_of_day, int64_t quota_minor,
                        int64_t quota_deals, const char *currency, const int64_t *owners,
                        size_t nowners, const struct won_deal *deals, size_t ndeals,
                        struct attainment *out);
/* round(a * b / c) for non-negative a, b and positive c, halves up; saturates at INT64_MAX. */
int64_t mul_div_round(int64_t a, int64_t b, int64_t c);
json_t *attainment_to_json(const struct attainment *a);

/* ---- storage (quotas_store.c) -------------------------------------------------------------- */

struct quota_settings {
    int fiscal_start_month; /* 1..12 */
    char currency[4];       /* the currency team and tree roll-ups count in */
    struct ramp ramp;       /* the default ramp for new hires */
};
/* The settings (defaults when never set: January, USD, 25/50/75%). */
int quota_settings_get(struct store *db, struct quota_settings *out, struct err *e);
/* Replace the settings. Changing the fiscal start month while quarter or year
 * quotas exist is REINS_ECONFLICT naming fiscal_start_month: their periods
 * would silently move. */
int quota_settings_set(struct store *db, const struct quota_settings *s, int64_t now,
                       struct err *e);

struct quota {
    int64_t id;
    int64_t person_id, team_id; /* exactly one is non-zero */
    const char *subject_name;   /* the person's or team's name */
    struct period period;
    int64_t amount_minor;
    char currency[4];
    int64_t deal_count; /* -1 when none */
};
/* What an admin sets: the subject, the period key, the amount and currency. */
struct quota_fields {
    int64_t person_id, team_id;
    const char *period; /* a key, parsed under the current fiscal start */
    int64_t amount_minor;
    const char *currency;
    int64_t deal_count; /* -1 for none */
};
/* Check field values (not references). Errors name the field. */
int quota_fields_check(const struct quota_fields *f, struct err *e);
json_t *quota_to_json(const struct quota *q);
/* Set (insert or replace) the quota of a person or team for a period; the
 * subject must exist (REINS_EINVAL naming person_id / team_id). In one
 * transaction unless `in_tx`. */
int quota_set(struct store *db, const struct quota_fields *f, int in_tx, int64_t now,
              int64_t *id_out, struct err *e);
int quota_get(struct store *db, int64_t id, struct arena *arena, struct quota *out, struct err *e);
int quota_delete(struct store *db, int64_t id, struct err *e);
/* The quotas of period `p` that `who` may see: an admin all, a manager those
 * of people in their tree and of teams whose every current member is in it,
 * a seller their own. Persons first, then teams, by name. */
int quotas_list(struct store *db, const struct principal *who, const struct period *p,
                struct arena *arena, struct quota **out, size_t *n, struct err *e);

/* A person's own ramp, set over the organisation default. */
struct ramp_override {
    int64_t person_id;
    struct ramp ramp;
};
/* Every override, by person id (in the arena): for many people at once, one query. */
int ramp_overrides_list(struct store *db, struct arena *arena, struct ramp_override **out,
                        size_t *n, struct err *e);
/* A person's ramp: their override, else the organisation default. */
int ramp_for_person(struct store *db, int64_t person_id, const struct quota_settings *s,
                    struct ramp *out, int *is_override, struct err *e);
int ramp_override_set(struct store *db, int64_t person_id, const struct ramp *r, int64_t now,
                      struct err *e);
/* Remove the override; REINS_ENOTFOUND when there was none. */
int ramp_override_clear(struct store *db, int64_t person_id, struct err *e);

/* Closed-won deals with a close date in [first_day, last_day], for every owner. */
int won_deals_load(struct store *db, int64_t first_day, int64_t last_day, struct arena *arena,
                   struct won_deal **out, size_t *n, struct err *e);

/* Attainment of one subject, with what it was computed from. */
struct attainment_line {
    int64_t person_id, team_id; /* one of them */
    const char *name;
    int depth; /* in a tree: 0 for the root, 1 for direct reports */
    int has_quota;
    int64_t quota_set_minor; /* the quota as set (before ramp) */
    int64_t ramp_bp;         /* the period's mean ramp share; 10000 when not ramped */
    char currency[4];
    struct attainment att;
};
json_t *attainment_line_to_json(const struct attainment_line *l);

/* A person's attainment for `p` as of `as_of_day`. No visibility check. */
int attainment_person(struct store *db, int64_t person_id, const struct period *p,
                      int64_t as_of_day, struct arena *arena, struct attainment_line *out,
                      struct err *e);
/* A team's: its set quota against its current members' wins; `summed_minor`
 * is the sum of its members' effective quotas in the organisation currency,
 * and each member's line is in *members. No visibility check. */
int attainment_team(struct store *db, int64_t team_id, const struct period *p, int64_t as_of_day,
                    struct arena *arena, struct attainment_line *out, int64_t *summed_minor,
                    struct attainment_line **members, size_t *nmembers, struct err *e);
/* A manager's tree: the root and everyone below (not 'left'), each line their
 * own, and the total over everyone (quotas in the organisation currency). */
int attainment_tree(struct store *db, int64_t root_id, const struct period *p, int64_t as_of_day,
                    struct arena *arena, struct attainment_line *total,
                    struct attainment_line **lines, size_t *nlines, struct err *e);
/* Whether `who` may see team `team_id`'s quota and attainment: an admin, or a
 * manager at or above every current member (a team with no members: admins only). */
int quota_can_see_team(struct store *db, const struct principal *who, int64_t team_id,
                       struct err *e);

/* ---- CSV import (quotas_csv.c) ------------------------------------------------------------- */

struct import_result;
/* Set quotas from CSV with the header columns email and team (one of them
 * filled per row), period, amount (decimal in major units, e.g. 25000.00),
 * currency, and optionally deals (empty for none). All or nothing: when any
 * line is bad nothing is written, every bad line is listed in out->problems
 * (line and field; see people.h) and REINS_EINVAL is returned. out->created
 * counts new quotas, out->updated replaced ones. */
int quotas_import_csv(struct store *db, const char *data, size_t len, int64_t now,
                      struct import_result *out, struct err *e);

/* ---- demo (quotas_demo.c) ------------------------------------------------------------------ */

/* Give every active seller a monthly, quarterly and yearly quota (ramped by
 * the default schedule; a few new hires with an override), every team a set
 * quota a little above its members' sum, for the fiscal year around
 * `as_of_days` and the one before. The same for the same seed and data.
 * Writes in the caller's transaction. */
int quotas_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e);

#endif
