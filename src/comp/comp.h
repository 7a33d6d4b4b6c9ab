/* comp.h -- incentive compensation: plans, crediting and the payout engine.
 *
 * Three steps, all pure C without I/O (the CLI in cli/cmd_comp.c reads and
 * writes the files; the product will feed the same structures from the
 * pipeline):
 *
 *   1. comp_plan_parse: a plan document (JSON, docs/comp-plans.md) into a
 *      struct comp_plan, refusing anything that makes no sense with a
 *      message naming the JSON path ("components[0].tiers[1].from_bp: ...").
 *   2. crediting (comp_io.h): deal rows, quotas and people into the arrays of
 *      struct comp_input, with splits checked and roll-up credit made.
 *   3. comp_run: every payout line of every payee, from the plan's first
 *      period to the last one asked for, and a payout per person and period.
 *
 * Units: money is int64 minor units (cents); rates are int64 parts per
 * million of the base (ppm: 10% = 100000); attainment is in basis points of
 * quota (bp: 100% = 10000). Dates are days since 1970-01-01 and months are
 * month numbers (year * 12 + month - 1).
 *
 * Rounding happens in one place, comp_round_ppm: each line's amount is
 * base * rate / 1,000,000 computed exactly and rounded half to even (ties go
 * to the even cent, so rounding does not drift one way over many lines). A
 * line that re-rates earlier volume pays round(base * new rate) minus what
 * was already paid on that base, so each part of a credit always totals
 * exactly round(base * its final rate).
 */
#ifndef REINS_COMP_COMP_H
#define REINS_COMP_COMP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"

#define COMP_PPM 1000000 /* a rate of 100% */
#define COMP_BP 10000    /* 100% of quota, or a whole split */
#define COMP_NO_DATE INT32_MIN
#define COMP_MAX_TIERS 32
#define COMP_MAX_COMPONENTS 32
#define COMP_MAX_PLAN_BYTES ((size_t)1 << 20)

enum comp_period_kind { COMP_PERIOD_MONTH = 1, COMP_PERIOD_QUARTER = 3, COMP_PERIOD_YEAR = 12 };
enum comp_mode { COMP_MARGINAL, COMP_RETROACTIVE, COMP_MIXED };
enum comp_kind { COMP_COMMISSION, COMP_MILESTONE, COMP_SPIF };
enum comp_role { COMP_ROLE_DIRECT, COMP_ROLE_OVERLAY, COMP_ROLE_ROLLUP, COMP_NROLES };
enum comp_threshold_kind { COMP_THRESHOLD_NONE, COMP_THRESHOLD_FORFEIT, COMP_THRESHOLD_HOLD };
enum comp_draw_kind { COMP_DRAW_NONE, COMP_DRAW_RECOVERABLE, COMP_DRAW_NON_RECOVERABLE };

/* A tier of a rate table: attainment from from_bp (inclusive) to to_bp
 * (exclusive; -1 for the open last tier). */
struct comp_tier {
    int64_t from_bp, to_bp;
    int64_t rate_ppm;
    int retroactive; /* reaching it re-rates all volume below at this rate */
};

/* A cap on the amount paid: -1 for none; per credit, or per period. */
struct comp_cap {
    int64_t amount;
    enum comp_period_kind period;
};

struct comp_milestone {
    int64_t at_bp;
    int64_t amount;
};

/* Which credits a SPIF pays on. Empty lists match everything. */
struct comp_filter {
    const char **products;
    size_t nproducts;
    const char **deal_types;
    size_t ndeal_types;
    int32_t from, to;   /* credit dates, inclusive; COMP_NO_DATE when open */
    int64_t min_amount; /* deal amount at least this (0 for any) */
};

struct comp_component {
    const char *id;
    enum comp_kind kind;
    const char *measure;            /* the credited measure, "bookings" by default */
    int64_t credit_bp[COMP_NROLES]; /* share of each credit role counted, 0..10000 */
    /* commission */
    enum comp_mode mode;
    struct comp_tier tiers[COMP_MAX_TIERS];
    size_t ntiers;
    enum comp_threshold_kind threshold;
    int64_t threshold_bp;
    int64_t cap_per_credit; /* -1 for none; commission and spif */
    struct comp_cap cap;    /* per period, on this component */
    /* milestone */
    struct comp_milestone milestones[COMP_MAX_TIERS];
    size_t nmilestones;
    /* spif */
    struct comp_filter filter;
    int64_t spif_amount;   /* fixed per full credit (scaled by split), or -1 */
    int64_t spif_rate_ppm; /* of the credited amount, or -1 */
};

struct comp_plan {
    const char *name, *currency;
    int32_t effective_from; /* a first of month */
    int32_t effective_to;   /* inclusive, COMP_NO_DATE when open */
    enum comp_period_kind quota_period, payout_period;
    int64_t clawback_days; /* -1: cancellations are not clawed back */
    struct comp_cap cap;   /* on the whole plan */
    enum comp_draw_kind draw;
    int64_t draw_amount;  /* per payout period */
    int64_t draw_periods; /* the first N payout periods; 0 for all */
    struct comp_component components[COMP_MAX_COMPONENTS];
    size_t ncomponents;
    struct arena arena; /* owns every string above */
};

/* Parse a plan document of `len` bytes (at most COMP_MAX_PLAN_BYTES). On
 * success *out is a new plan freed with comp_plan_free. On failure returns
 * REINS_EINVAL (or REINS_ETOOBIG), sets *out to NULL and names the JSON path
 * of the offending field in e->msg. */
int comp_plan_parse(const char *json, size_t len, struct comp_plan **out, struct err *e);
void comp_plan_free(struct comp_plan *plan);
/* Whether any component counts credits of `role`. */
int comp_plan_uses_role(const struct comp_plan *plan, enum comp_role role);

/* ---- the engine's input ------------------------------------------------------------------ */

struct comp_person {
    const char *id;
    int32_t manager; /* index into the people array, -1 for none */
};

/* What a credit counts as: which components count it, which SPIFs pay on it. Stored once
 * per combination, shared by the credits that have it (see comp_data_tags). */
struct comp_tags {
    const char *measure;   /* "bookings" unless named */
    const char *product;   /* one name, or a deal's several separated by ';' (blanks
                            * trimmed); NULL or "" for none */
    const char *deal_type; /* NULL or "" for none */
};

/* One person's credit for one deal, after splitting. Ten million of them make a big run:
 * 64 bytes each, one cache line. */
struct comp_credit {
    const char *id; /* the credit row's id; with the date, it orders credits */
    const char *deal;
    const struct comp_tags *tags; /* NULL: counted as bookings, no product or deal type */
    int64_t amount;               /* credited to this person */
    int64_t deal_amount;          /* the whole deal */
    uint32_t person;
    int32_t date;      /* the close date */
    int32_t cancelled; /* COMP_NO_DATE, or the date the deal was cancelled */
    int32_t source;    /* roll-up credit: index of the direct credit it rolls up */
    uint32_t line;     /* the input line, for messages; 0 when none */
    int16_t split_bp;  /* 1..COMP_BP */
    uint8_t role;      /* enum comp_role */
};
_Static_assert(sizeof(struct comp_credit) <= 64, "ten million of them are read: keep them small");

struct comp_quota {
    uint32_t person;
    const char *measure;
    int32_t month; /* the first month of its quota period */
    int64_t amount;
    size_t line;
};

struct comp_input {
    const struct comp_plan *plan;
    const struct comp_person *people;
    size_t npeople;
    const struct comp_credit *credits;
    size_t ncredits;
    const struct comp_quota *quotas;
    size_t nquotas;
    int32_t last_month; /* compute up to the end of this month */
    /* How a big run is shared out (0 for the defaults): people are computed in chunks of
     * neighbours of about chunk_credits credits (16,384), and credits bucketed in parts of
     * at least 16 times as many, on `workers` threads (one per core, at most 8). Results
     * do not depend on either. */
    size_t chunk_credits;
    int workers;
    /* The caller's promise that every credit's id is a decimal number (digits only, no
     * leading zero, at most 18) greater than the id of the credit before it: then the
     * credits of a day are applied in array order and the engine reads no id to order
     * them. comp_data_input sets it when the reader saw so; 0 claims nothing. */
    int ids_ascending;
};

/* ---- the engine's output ----------------------------------------------------------------- */

enum comp_rule {
    COMP_RULE_TIER,           /* a credit's part within a tier */
    COMP_RULE_RERATE,         /* an earlier part paid again at its new rate, less paid */
    COMP_RULE_MILESTONE,      /* a bonus for reaching an attainment */
    COMP_RULE_MILESTONE_LOST, /* the bonus reversed: attainment fell below again */
    COMP_RULE_SPIF_FIXED,     /* a fixed SPIF on a matching credit */
    COMP_RULE_SPIF_RATE,      /* a percentage SPIF on a matching credit */
    COMP_RULE_CAP_CREDIT,     /* cut (or given back) by the cap per credit */
    COMP_RULE_CAP_COMPONENT,  /* ... by the component's cap per period */
    COMP_RULE_CAP_PLAN,       /* ... by the plan's cap per period */
    COMP_RULE_CLAWBACK,       /* reverses a line of a cancelled credit */
    COMP_RULE_DRAW_GUARANTEE, /* a non-recoverable draw tops earnings up */
    COMP_RULE_DRAW_ADVANCE,   /* a recoverable draw advanced */
    COMP_RULE_DRAW_RECOVERY,  /* a recoverable draw taken back from earnings */
    COMP_NRULES
};

/* Why a tier line has the rate it has. */
enum comp_why {
    COMP_WHY_TIER,    /* the tier's own rate */
    COMP_WHY_RETRO,   /* a higher retroactive tier was reached: its rate */
    COMP_WHY_HELD,    /* below a hold threshold: nothing until it is reached */
    COMP_WHY_FORFEIT, /* below a forfeit threshold: never paid */
};

struct comp_line {
    uint32_t person;
    int32_t date;
    int32_t month;         /* first month of the payout period the line is paid in */
    int32_t credit;        /* index into the input credits, -1 when none */
    int32_t ref;           /* the linked line (index), -1 when none */
    int32_t next;          /* private: next gross line of the same credit */
    int16_t component;     /* -1 for the plan's caps and draws */
    uint8_t rule;          /* enum comp_rule */
    uint8_t why;           /* enum comp_why */
    int8_t tier;           /* tier (or milestone) of the line, -1 otherwise */
    int8_t rate_tier;      /* the tier whose rate is applied (differs when retroactive) */
    int64_t rate_ppm;      /* rate applied */
    int64_t prev_rate_ppm; /* re-rate: the rate paid before */
    int64_t base;          /* what the rate applies to; caps: the uncapped total */
    int64_t amount;        /* signed minor units */
    int64_t already;       /* re-rate: paid before on this base; caps: the cap */
    int64_t attainment_bp; /* after this line's event, -1 when not applicable */
    int64_t quota;         /* the quota attainment is measured against, 0 when none */
};

struct comp_payout {
    uint32_t person;
    int32_t month;          /* first month of the payout period */
    int64_t earned;         /* lines of the period, draws excluded */
    int64_t draw;           /* draw lines of the period */
    int64_t payout;         /* earned + draw */
    int64_t earned_to_date; /* since the plan's start, draws excluded */
    int64_t paid_to_date;   /* payouts before this period */
    int64_t draw_balance;   /* recoverable draw still owed after this period */
    int64_t attainment_bp;  /* first commission component at the period's end, -1 if none */
};

struct comp_result {
    struct comp_line *lines;     /* by person, then in the order they arose; NULL when streamed */
    size_t nlines;               /* lines made (streamed or kept) */
    struct comp_payout *payouts; /* by person, then period */
    size_t npayouts;
    size_t credits_used;       /* credits that counted for some component */
    size_t clawbacks;          /* cancellations clawed back */
    size_t late_cancellations; /* cancellations after the clawback window: kept */
};

/* Compute every line and payout from the plan's first payout period to the
 * one containing in->last_month. Credits are applied per person in date
 * order, then by id (decimal ids numerically, before other ids, which
 * compare bytewise); a cancellation comes after the credits of its day.
 * On success fills *out (release with comp_result_release), lines included.
 * Fails with REINS_EINVAL when a credit has no quota where one is needed
 * (naming the credit's line) or when an amount overflows 64 bits. */
int comp_run(const struct comp_input *in, struct comp_result *out, struct err *e);

/* Receives one person's lines, lines[0] being line number `first` of the
 * run (0-based; refs are run line numbers too and point into the same
 * batch). People come in order, one call at a time, though not always from
 * the same thread. Returns 0, or a negative code to stop the run (after
 * filling the err it was given through ctx). */
typedef int (*comp_line_sink)(void *ctx, const struct comp_line *lines, size_t n, size_t first);

/* comp_run, handing each person's lines to `sink` instead of keeping them:
 * memory stays at a few chunks' lines, however long the run. out->lines is
 * NULL. Fails as comp_run does, or with the sink's code. */
int comp_run_stream(const struct comp_input *in, comp_line_sink sink, void *ctx,
                    struct comp_result *out, struct err *e);
void comp_result_release(struct comp_result *r);

/* Append a plain-words sentence explaining `line` to `out`; `ref` is the
 * line it links to (line->ref), or NULL. */
void comp_line_explain(const struct comp_input *in, const struct comp_line *line,
                       const struct comp_line *ref, struct sb *out);
/* The same, calling the linked line by `ref_no` instead of its run line number
 * (line->ref + 1): a statement numbers a person's lines of a period from 1. */
void comp_line_explain_as(const struct comp_input *in, const struct comp_line *line,
                          const struct comp_line *ref, int ref_no, struct sb *out);
/* Short names: "tier", "rerate", ...; "direct", ... */
const char *comp_rule_name(enum comp_rule rule);
const char *comp_role_name(enum comp_role role);

/* round(a * rate_ppm / 1e6), half to even, into *out; REINS_EINVAL if the
 * result does not fit 64 bits. The one rounding rule of the engine. */
int comp_round_ppm(int64_t a, int64_t rate_ppm, int64_t *out);
/* round(a * bp / 1e4), half to even; same contract. */
int comp_round_bp(int64_t a, int64_t bp, int64_t *out);

/* Months and periods. */
int32_t comp_month_of_day(int32_t day);
int32_t comp_month_first_day(int32_t month);
int32_t comp_period_start(int32_t month, enum comp_period_kind kind);
/* Parse "2026", "2026-Q1" or "2026-03" into its first and last month. */
int comp_period_parse(const char *s, int32_t *first, int32_t *last, enum comp_period_kind *kind);
/* Write a period's label ("2026-03", "2026-Q1", "2026") into out[9]. */
void comp_period_label(int32_t month, enum comp_period_kind kind, char out[9]);

#endif
