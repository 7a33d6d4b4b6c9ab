/* comp_engine.c -- the payout engine: credits in, explained payout lines out.
 *
 * Per person, credits and cancellations are replayed in date order. Each
 * commission component keeps the person's attainment position for the
 * current quota period and the parts ("segments") credits have put into its
 * rate-table bands. A credit's parts are paid at the rate its band has at
 * the attainment reached after the credit; when attainment crosses a band
 * boundary, every earlier part whose rate changed (a retroactive tier
 * reached, a hold threshold reached, or lost again after a cancellation)
 * gets a re-rate line paying the difference. Lines flow through the caps
 * (per credit, per component, per plan) in that order; a cap that bites
 * adds a line of its own. At each payout period's end the draw is settled.
 *
 * All money is int64 minor units; products are taken in 128 bits and every
 * sum is overflow-checked.
 *
 * The file reads top down: arithmetic and months; a person's state and its
 * lines; components, cancellations and periods (the rules); the order of a
 * person's credits; then the run (at the end), which buckets every credit by
 * person and computes people in chunks on every core.
 */
#include "comp/comp.h"
#include "comp/comp_big.h"

#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include "core/threads.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/* ---- arithmetic ------------------------------------------------------------------------ */

/* num / den rounded half to even; den > 0. */
static int round_div(i128 num, int64_t den, int64_t *out)
{
    i128 q = num / den, r = num % den; /* truncated toward zero */
    i128 twice = (r < 0 ? -r : r) * 2;
    if (twice > den || (twice == den && (q % 2 != 0))) q += num < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN) return REINS_EINVAL;
    *out = (int64_t)q;
    return 0;
}

/* round_div when the product fits 64 bits, as it nearly always does: no 128-bit
 * division (a library call). The same rule; q +- 1 cannot overflow since den > 1. */
static inline int64_t round_div64(int64_t num, int64_t den)
{
    int64_t q = num / den, r = num % den;
    int64_t twice = (r < 0 ? -r : r) * 2; /* |r| < den */
    if (twice > den || (twice == den && (q % 2 != 0))) q += num < 0 ? -1 : 1;
    return q;
}

/* Inline for the engine's own lines (a call per line showed under perf). */
static inline int round_ppm(int64_t a, int64_t rate_ppm, int64_t *out)
{
    int64_t p;
    if (!__builtin_mul_overflow(a, rate_ppm, &p)) {
        *out = round_div64(p, COMP_PPM);
        return 0;
    }
    return round_div((i128)a * rate_ppm, COMP_PPM, out);
}

static inline int round_bp(int64_t a, int64_t bp, int64_t *out)
{
    int64_t p;
    if (!__builtin_mul_overflow(a, bp, &p)) {
        *out = round_div64(p, COMP_BP);
        return 0;
    }
    return round_div((i128)a * bp, COMP_BP, out);
}

int comp_round_ppm(int64_t a, int64_t rate_ppm, int64_t *out)
{
    return round_ppm(a, rate_ppm, out);
}

int comp_round_bp(int64_t a, int64_t bp, int64_t *out)
{
    return round_bp(a, bp, out);
}

/* ---- months ---------------------------------------------------------------------------- */

int32_t comp_month_of_day(int32_t day)
{
    /* civil_from_days (H. Hinnant), only as far as year and month */
    int64_t z = (int64_t)day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    int64_t y = yoe + era * 400 + (m <= 2);
    return (int32_t)(y * 12 + m - 1);
}

int32_t comp_month_first_day(int32_t month)
{
    int64_t y = month / 12, m = month % 12 + 1;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

/* A switch, so that each case divides by a constant: this runs for every line. */
static inline int32_t period_start(int32_t month, enum comp_period_kind kind)
{
    switch (kind) {
    case COMP_PERIOD_MONTH:
        return month;
    case COMP_PERIOD_QUARTER:
        return month - month % 3;
    case COMP_PERIOD_YEAR:
        return month - month % 12;
    }
    return month - month % (int32_t)kind;
}

int32_t comp_period_start(int32_t month, enum comp_period_kind kind)
{
    return period_start(month, kind);
}

int comp_period_parse(const char *s, int32_t *first, int32_t *last, enum comp_period_kind *kind)
{
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9') return REINS_EINVAL;
        y = y * 10 + (s[i] - '0');
    }
    if (y < 1900 || y > 2999) return REINS_EINVAL;
    if (!s[4]) {
        *kind = COMP_PERIOD_YEAR;
        *first = y * 12;
    } else if (s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4' && !s[7]) {
        *kind = COMP_PERIOD_QUARTER;
        *first = y * 12 + (s[6] - '1') * 3;
    } else if (s[4] == '-' && s[5] >= '0' && s[5] <= '1' && s[6] >= '0' && s[6] <= '9' && !s[7]) {
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        if (m < 1 || m > 12) return REINS_EINVAL;
        *kind = COMP_PERIOD_MONTH;
        *first = y * 12 + m - 1;
    } else {
        return REINS_EINVAL;
    }
    *last = *first + (int32_t)*kind - 1;
    return 0;
}

void comp_period_label(int32_t month, enum comp_period_kind kind, char out[9])
{
    unsigned y = (unsigned)(month / 12) % 10000u, m = (unsigned)(month % 12) % 12u;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = 0;
    if (kind == COMP_PERIOD_YEAR) return;
    out[4] = '-';
    if (kind == COMP_PERIOD_QUARTER) {
        out[5] = 'Q';
        out[6] = (char)('1' + m / 3);
    } else {
        out[5] = (char)('0' + (m + 1) / 10);
        out[6] = (char)('0' + (m + 1) % 10);
    }
    out[7] = 0;
}

/* ---- state ----------------------------------------------------------------------------- */

struct band {
    int64_t bp;    /* where the band starts, in attainment */
    int tier;      /* the rate-table tier it lies in */
    int below_thr; /* below the threshold */
};

struct cell {
    int64_t rate;
    enum comp_why why;
    int rate_tier;
};

/* A credit as the engine reads it, copied in the order credits are applied.
 * Read where they lie (file order), the first touch of each credit was the
 * engine's hottest instruction under perf; one gathering pass takes those
 * misses together. Per-credit state is indexed by this position, less the person's
 * first. Ten million of them are written out of order: every byte counts. */
struct ev {
    int64_t amount;
    int32_t idx; /* in in->credits: what lines name */
    int32_t date;
    uint32_t counts; /* bit k: component k counts this credit (measure, SPIF filter) */
    int16_t split_bp;
    uint8_t role;
};
_Static_assert(sizeof(struct ev) == 24, "ten million of them are gathered: keep them small");

/* A part of a credit in one band; `credit` is its event position. */
struct seg {
    int32_t credit;
    int32_t band;
    int64_t base, paid, rate;
    int active;
};

/* A cap's running totals in its current period. */
struct capt {
    int32_t period;
    int64_t uncapped, capped;
};

/* What a component knows before any person: its bands and rates by level. */
struct kfixed {
    struct band bands[2 * COMP_MAX_TIERS + 1];
    int nbands;
    int thr_band; /* first band at or above the threshold, 0 for none */
    int tier_band[COMP_MAX_TIERS];
    int dynamic;         /* some rate depends on the level: re-rates may happen */
    struct cell *cells;  /* [level * nbands + band] */
    int64_t *credit_cap; /* per event of the person: uncapped, capped; NULL without a cap */
    uint32_t *seg_at;    /* per event of the person: 1 + index of its first part this period */
};

/* A component's state for the current person and quota period. */
struct kstate {
    int32_t qmonth;     /* INT32_MIN before the first credit */
    int64_t quota;      /* 0: the person has no quota for this period */
    uint64_t quota_inv; /* floor(2^64 / quota) when quota > 1 */
    int64_t pos;        /* credited volume so far */
    int level;          /* the band pos is in */
    int64_t bound[2 * COMP_MAX_TIERS + 1];
    struct seg *segs;
    size_t nsegs, capsegs;
    unsigned char reached[COMP_MAX_TIERS];
    int32_t ms_line[COMP_MAX_TIERS];
    struct capt cap;
};

/* A chunk's lines and payouts, kept until every earlier chunk is handed on. Line numbers
 * (refs included) count from lines[0] until then. */
struct batch {
    struct comp_line *lines;
    size_t nlines, caplines;
    struct comp_payout *payouts;
    size_t npayouts, cappayouts;
    size_t *ends; /* the sink gets each person's lines: lines[ends[i - 1], ends[i]) */
    size_t nends, capends;
    uint32_t *refs; /* the lines that link to another, in order: few, and their refs only
                     * become run line numbers when the batch is handed on */
    size_t nrefs, caprefs;
    size_t credits_used, clawbacks;
    int failed;
    struct err err;
};

struct setup;

/* A worker's state: the person it is computing and the chunk it fills. */
struct run {
    const struct comp_input *in;
    const struct comp_plan *plan;
    struct setup *su; /* shared: read-only but for handing on, under its mutex */
    struct err *e;    /* &err */
    struct err err;
    int failed;
    struct batch *b;
    const struct ev *ev; /* the credits in the order they are applied */
    /* Per-event state is the current person's only, indexed by event position less
     * ev_base (the person's first): arrays of the largest person's size, not of every
     * credit (fresh memory is what big runs pay most for). */
    size_t ev_base;
    int32_t *first_line; /* per event: its latest gross line, chained by .next */
    struct kfixed kf[COMP_MAX_COMPONENTS];
    struct kstate ks[COMP_MAX_COMPONENTS];
    /* the current person */
    uint32_t person;
    struct capt plan_cap;
    int64_t period_sum; /* net lines of the open payout period */
    int64_t earned_to_date, paid_to_date, draw_balance;
    const struct day_months *days; /* the setup's */
    int32_t days_from;
    uint32_t ndays;
    const struct comp_quota *pq; /* the person's quotas */
    size_t npq;
};

static int64_t add(struct run *r, int64_t a, int64_t b)
{
    int64_t s;
    if (__builtin_add_overflow(a, b, &s)) {
        if (!r->failed)
            err_set(r->e, REINS_EINVAL, "an amount does not fit 64 bits (over 9.2e18 minor units)");
        r->failed = 1;
        return a;
    }
    return s;
}

static int64_t sub(struct run *r, int64_t a, int64_t b)
{
    int64_t s;
    if (__builtin_sub_overflow(a, b, &s)) {
        if (!r->failed)
            err_set(r->e, REINS_EINVAL, "an amount does not fit 64 bits (over 9.2e18 minor units)");
        r->failed = 1;
        return a;
    }
    return s;
}

static inline int64_t mul_ppm(struct run *r, int64_t a, int64_t rate)
{
    int64_t out = 0;
    if (round_ppm(a, rate, &out) && !r->failed) {
        err_set(r->e, REINS_EINVAL, "an amount does not fit 64 bits (over 9.2e18 minor units)");
        r->failed = 1;
    }
    return out;
}

/* ceil(quota * bp / 10000): the volume at which `bp` of quota is reached. */
static int64_t bound_of(int64_t quota, int64_t bp)
{
    i128 n = (i128)quota * bp;
    i128 q = n / COMP_BP + (n % COMP_BP != 0);
    return q > INT64_MAX ? INT64_MAX : (int64_t)q;
}

static int64_t attainment_bp(int64_t pos, int64_t quota)
{
    if (quota <= 0) return -1;
    int64_t p;
    if (!__builtin_mul_overflow(pos, (int64_t)COMP_BP, &p)) return p / quota; /* no 128 bits */
    i128 a = (i128)pos * COMP_BP / quota;
    return a > INT64_MAX ? INT64_MAX : a < INT64_MIN ? INT64_MIN : (int64_t)a;
}

/* attainment_bp against the component's quota for the period, by a multiply with its
 * reciprocal (kstate.quota_inv): a 64-bit division per credit showed under perf. For
 * 0 <= n < 2^63, floor(n * floor(2^64 / q) / 2^64) is floor(n / q) or one less. */
static inline int64_t attainment_of(int64_t pos, int64_t quota, uint64_t quota_inv)
{
    int64_t n;
    if (pos < 0 || quota <= 1 || __builtin_mul_overflow(pos, (int64_t)COMP_BP, &n))
        return attainment_bp(pos, quota);
    uint64_t q = (uint64_t)(((u128)(uint64_t)n * quota_inv) >> 64);
    if ((uint64_t)n - q * (uint64_t)quota >= (uint64_t)quota) q++;
    return (int64_t)q;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Bands: the tiers cut again at the threshold; rates for every level. */
static void kfixed_init(struct kfixed *f, const struct comp_component *k)
{
    int64_t starts[2 * COMP_MAX_TIERS + 1];
    int n = 0;
    for (size_t t = 0; t < k->ntiers; t++)
        starts[n++] = k->tiers[t].from_bp;
    if (k->threshold != COMP_THRESHOLD_NONE) starts[n++] = k->threshold_bp;
    qsort(starts, (size_t)n, sizeof *starts, cmp_i64);
    f->nbands = 0;
    for (int i = 0; i < n; i++) {
        if (f->nbands && f->bands[f->nbands - 1].bp == starts[i]) continue;
        struct band *b = &f->bands[f->nbands++];
        b->bp = starts[i];
        b->tier = 0;
        for (size_t t = 0; t < k->ntiers; t++)
            if (k->tiers[t].from_bp <= b->bp) b->tier = (int)t;
        b->below_thr = k->threshold != COMP_THRESHOLD_NONE && b->bp < k->threshold_bp;
    }
    f->thr_band = 0;
    for (int j = 0; j < f->nbands; j++) {
        if (k->threshold != COMP_THRESHOLD_NONE && f->bands[j].bp == k->threshold_bp)
            f->thr_band = j;
        for (size_t t = 0; t < k->ntiers; t++)
            if (k->tiers[t].from_bp == f->bands[j].bp) f->tier_band[t] = j;
    }
    f->dynamic = k->threshold == COMP_THRESHOLD_HOLD;
    for (size_t t = 1; t < k->ntiers; t++)
        if (k->tiers[t].retroactive) f->dynamic = 1;
    f->cells = xcalloc((size_t)f->nbands * (size_t)f->nbands, sizeof *f->cells);
    for (int lv = 0; lv < f->nbands; lv++)
        for (int j = 0; j < f->nbands; j++) {
            struct cell *c = &f->cells[lv * f->nbands + j];
            int t = f->bands[j].tier;
            if (f->bands[j].below_thr &&
                (k->threshold == COMP_THRESHOLD_FORFEIT || lv < f->thr_band)) {
                *c = (struct cell){
                    0, k->threshold == COMP_THRESHOLD_FORFEIT ? COMP_WHY_FORFEIT : COMP_WHY_HELD,
                    t};
                continue;
            }
            int best = -1;
            for (size_t u = (size_t)t + 1; u < k->ntiers; u++)
                if (k->tiers[u].retroactive && f->tier_band[u] <= lv) best = (int)u;
            if (best >= 0)
                *c = (struct cell){k->tiers[best].rate_ppm, COMP_WHY_RETRO, best};
            else
                *c = (struct cell){k->tiers[t].rate_ppm, COMP_WHY_TIER, t};
        }
}

/* ---- lines ----------------------------------------------------------------------------- */

struct day_months {
    int32_t month, payout, quota; /* the day's month, and the first of its periods */
};

#define DAYS_TABLE_MAX (1 << 16)

/* The months of the run's days, looked up: calendar arithmetic for each line showed
 * under perf. Days outside the table (a run of centuries) are computed. */
static struct day_months *days_table(const struct comp_plan *p, int32_t from, int32_t to,
                                     uint32_t *n)
{
    *n = 0;
    if (to < from || (int64_t)to - from >= DAYS_TABLE_MAX) return NULL;
    *n = (uint32_t)(to - from + 1);
    struct day_months *days = xmalloc(*n * sizeof *days);
    for (uint32_t i = 0; i < *n; i++) {
        int32_t m = comp_month_of_day(from + (int32_t)i);
        days[i] = (struct day_months){m, period_start(m, p->payout_period),
                                      period_start(m, p->quota_period)};
    }
    return days;
}

static inline struct day_months day_months(const struct run *r, int32_t day)
{
    uint64_t i = (uint64_t)((int64_t)day - r->days_from);
    if (i < r->ndays) return r->days[i];
    int32_t m = comp_month_of_day(day);
    return (struct day_months){m, period_start(m, r->plan->payout_period),
                               period_start(m, r->plan->quota_period)};
}

static inline int32_t month_of(const struct run *r, int32_t day)
{
    return day_months(r, day).month;
}

static inline int32_t payout_month(const struct run *r, int32_t day)
{
    return day_months(r, day).payout;
}

static inline int32_t quota_month(const struct run *r, int32_t day)
{
    return day_months(r, day).quota;
}

static int32_t push_line(struct run *r, const struct comp_line *tmpl)
{
    struct batch *b = r->b;
    if (b->nlines >= (size_t)INT32_MAX - 1) { /* line numbers are int32 */
        if (!r->failed) err_set(r->e, REINS_ETOOBIG, "more than %d lines in one run", INT32_MAX);
        r->failed = 1;
        b->nlines = b->nrefs = 0; /* the run is lost: reuse the space */
    }
    if (b->nlines == b->caplines) {
        b->caplines = b->caplines ? 2 * b->caplines : 4096;
        b->lines = xrealloc(b->lines, b->caplines * sizeof *b->lines);
    }
    if (tmpl->ref >= 0) { /* every ref is set before its line is pushed */
        if (b->nrefs == b->caprefs) {
            b->caprefs = b->caprefs ? 2 * b->caprefs : 256;
            b->refs = xrealloc(b->refs, b->caprefs * sizeof *b->refs);
        }
        b->refs[b->nrefs++] = (uint32_t)b->nlines;
    }
    struct comp_line *l = &b->lines[b->nlines];
    *l = *tmpl;
    l->person = r->person;
    l->month = payout_month(r, l->date);
    l->next = -1;
    return (int32_t)b->nlines++;
}

/* Run `delta` through one cap; returns what passes. A cap that changes it
 * adds a line linked to line `ref`. */
static int64_t through_cap(struct run *r, struct capt *t, int64_t cap, enum comp_period_kind kind,
                           int per_period, enum comp_rule rule, int32_t ref, int64_t delta)
{
    const struct comp_line *src = &r->b->lines[ref];
    if (per_period) {
        int32_t p = period_start(month_of(r, src->date), kind);
        if (t->period != p) *t = (struct capt){p, 0, 0};
    }
    t->uncapped = add(r, t->uncapped, delta);
    int64_t capped = t->uncapped < cap ? t->uncapped : cap;
    int64_t passed = sub(r, capped, t->capped);
    t->capped = capped;
    if (passed != delta) {
        struct comp_line c = *src;
        c.rule = rule;
        c.why = COMP_WHY_TIER;
        c.base = t->uncapped;
        c.already = cap;
        c.amount = sub(r, passed, delta);
        c.ref = ref;
        c.rate_ppm = c.prev_rate_ppm = 0;
        push_line(r, &c);
    }
    return passed;
}

/* Add a line about the credit at event position `pos` (-1 for none) and run
 * its amount through the caps that apply; `chain` adds it to the credit's
 * lines that a clawback reverses. */
static int32_t emit(struct run *r, const struct comp_line *tmpl, int32_t pos, int chain)
{
    int32_t i = push_line(r, tmpl);
    int64_t d = tmpl->amount;
    if (chain && pos >= 0) {
        r->b->lines[i].next = r->first_line[(size_t)pos - r->ev_base];
        r->first_line[(size_t)pos - r->ev_base] = i;
    }
    if (tmpl->component >= 0) {
        const struct comp_component *k = &r->plan->components[tmpl->component];
        struct kfixed *f = &r->kf[tmpl->component];
        if (f->credit_cap && pos >= 0) {
            int64_t *cc = &f->credit_cap[2 * ((size_t)pos - r->ev_base)];
            struct capt t = {0, cc[0], cc[1]};
            d = through_cap(r, &t, k->cap_per_credit, 0, 0, COMP_RULE_CAP_CREDIT, i, d);
            cc[0] = t.uncapped;
            cc[1] = t.capped;
        }
        if (k->cap.amount >= 0)
            d = through_cap(r, &r->ks[tmpl->component].cap, k->cap.amount, k->cap.period, 1,
                            COMP_RULE_CAP_COMPONENT, i, d);
    }
    if (r->plan->cap.amount >= 0)
        d = through_cap(r, &r->plan_cap, r->plan->cap.amount, r->plan->cap.period, 1,
                        COMP_RULE_CAP_PLAN, i, d);
    r->period_sum = add(r, r->period_sum, d);
    return i;
}

static struct comp_line line_tmpl(int32_t date, int k, enum comp_rule rule, int32_t credit)
{
    /* copied, not built: a compound literal was zeroed with `rep stos`, slow at this size */
    static const struct comp_line blank = {.why = COMP_WHY_TIER,
                                           .tier = -1,
                                           .rate_tier = -1,
                                           .attainment_bp = -1,
                                           .ref = -1,
                                           .next = -1};
    struct comp_line l = blank;
    l.date = date;
    l.component = (int16_t)k;
    l.rule = (uint8_t)rule;
    l.credit = credit;
    return l;
}

/* ---- components ------------------------------------------------------------------------ */

static int64_t quota_for(const struct run *r, const char *measure, int32_t qmonth)
{
    for (size_t i = 0; i < r->npq; i++)
        if (r->pq[i].month == qmonth && !strcmp(r->pq[i].measure, measure)) return r->pq[i].amount;
    return 0;
}

/* Move component k to quota period qmonth (a new period starts from zero). */
static void enter_period(struct run *r, int k, int32_t qmonth)
{
    struct kstate *s = &r->ks[k];
    if (s->qmonth == qmonth) return;
    const struct comp_component *c = &r->plan->components[k];
    s->qmonth = qmonth;
    s->quota = quota_for(r, c->measure, qmonth);
    s->quota_inv = s->quota > 1 ? (uint64_t)(((u128)1 << 64) / (uint64_t)s->quota) : 0;
    s->pos = 0;
    s->level = 0;
    s->nsegs = 0;
    memset(s->reached, 0, sizeof s->reached);
    for (int j = 0; j < r->kf[k].nbands; j++)
        s->bound[j] = bound_of(s->quota, r->kf[k].bands[j].bp);
}

static int level_of(const struct kfixed *f, const struct kstate *s, int64_t pos)
{
    int lv = 0;
    while (lv + 1 < f->nbands && pos >= s->bound[lv + 1])
        lv++;
    return lv;
}

/* Pay every part whose rate changed at the current level the difference. */
static void rerate(struct run *r, int k, int32_t date)
{
    struct kfixed *f = &r->kf[k];
    struct kstate *s = &r->ks[k];
    for (size_t i = 0; i < s->nsegs; i++) {
        struct seg *g = &s->segs[i];
        if (!g->active) continue;
        const struct cell *c = &f->cells[s->level * f->nbands + g->band];
        if (c->rate == g->rate) continue;
        int64_t target = mul_ppm(r, g->base, c->rate);
        struct comp_line l = line_tmpl(date, k, COMP_RULE_RERATE, r->ev[g->credit].idx);
        l.why = c->why;
        l.tier = f->bands[g->band].tier;
        l.rate_tier = c->rate_tier;
        l.rate_ppm = c->rate;
        l.prev_rate_ppm = g->rate;
        l.base = g->base;
        l.already = g->paid;
        l.amount = target - g->paid;
        l.attainment_bp = attainment_of(s->pos, s->quota, s->quota_inv);
        l.quota = s->quota;
        g->paid = target;
        g->rate = c->rate;
        if (l.amount != 0) emit(r, &l, g->credit, 1);
    }
}

static void milestones(struct run *r, int k, int32_t date, int32_t pos)
{
    const struct comp_component *c = &r->plan->components[k];
    struct kstate *s = &r->ks[k];
    for (size_t i = 0; i < c->nmilestones; i++) {
        int now = s->pos >= bound_of(s->quota, c->milestones[i].at_bp);
        if (now == s->reached[i]) continue;
        struct comp_line l = line_tmpl(
            date, k, now ? COMP_RULE_MILESTONE : COMP_RULE_MILESTONE_LOST, r->ev[pos].idx);
        l.base = c->milestones[i].at_bp;
        l.amount = now ? c->milestones[i].amount : -c->milestones[i].amount;
        l.attainment_bp = attainment_of(s->pos, s->quota, s->quota_inv);
        l.quota = s->quota;
        l.tier = (int32_t)i;
        l.ref = now ? -1 : s->ms_line[i];
        int32_t at = emit(r, &l, pos, 0);
        if (now) s->ms_line[i] = at;
        s->reached[i] = (unsigned char)now;
    }
}

/* A credit's volume into a commission component's rate table. */
static void add_volume(struct run *r, int k, int32_t pos, int64_t amount, int32_t date)
{
    struct kfixed *f = &r->kf[k];
    struct kstate *s = &r->ks[k];
    int64_t p0 = s->pos, p1 = add(r, p0, amount);
    if (r->failed) return;
    int old_level = s->level;
    s->pos = p1;
    s->level = level_of(f, s, p1);
    int64_t att = attainment_of(p1, s->quota, s->quota_inv);
    /* parts are kept only to be re-rated: a table whose rates never move needs none */
    if (f->dynamic) /* a credit's parts are adjacent */
        f->seg_at[(size_t)pos - r->ev_base] = (uint32_t)s->nsegs + 1;
    for (int j = level_of(f, s, p0); j < f->nbands && p0 < p1; j++) {
        int64_t end = j + 1 < f->nbands && s->bound[j + 1] < p1 ? s->bound[j + 1] : p1;
        if (end <= p0) continue;
        int64_t piece = end - p0;
        const struct cell *c = &f->cells[s->level * f->nbands + j];
        int64_t paid = mul_ppm(r, piece, c->rate);
        if (f->dynamic) {
            if (s->nsegs == s->capsegs) {
                s->capsegs = s->capsegs ? 2 * s->capsegs : 64;
                s->segs = xrealloc(s->segs, s->capsegs * sizeof *s->segs);
            }
            s->segs[s->nsegs++] = (struct seg){pos, j, piece, paid, c->rate, 1};
        }
        struct comp_line l = line_tmpl(date, k, COMP_RULE_TIER, r->ev[pos].idx);
        l.why = c->why;
        l.tier = f->bands[j].tier;
        l.rate_tier = c->rate_tier;
        l.rate_ppm = c->rate;
        l.base = piece;
        l.amount = paid;
        l.attainment_bp = att;
        l.quota = s->quota;
        emit(r, &l, pos, 1);
        p0 = end;
    }
    if (f->dynamic && s->level != old_level) rerate(r, k, date);
}

/* Whether `list` ("Core; Platform", or one name) names `name`. */
static int names(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *end = strchrnul(p, ';'), *last = end;
        while (last > p && (last[-1] == ' ' || last[-1] == '\t'))
            last--;
        if ((size_t)(last - p) == n && !memcmp(p, name, n)) return 1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Whether tags `g` pass the filter's products and deal types (dates and amounts aside). */
static int filter_match(const struct comp_filter *f, const struct comp_tags *g)
{
    if (f->nproducts) {
        size_t i = 0;
        while (i < f->nproducts && (!g->product || !names(g->product, f->products[i])))
            i++;
        if (i == f->nproducts) return 0;
    }
    if (f->ndeal_types) {
        size_t i = 0;
        while (i < f->ndeal_types && (!g->deal_type || strcmp(f->deal_types[i], g->deal_type)))
            i++;
        if (i == f->ndeal_types) return 0;
    }
    return 1;
}

/* The components that count credit c (struct ev's counts): those of its measure, and of
 * SPIFs only those whose filter it matches. The tags' part is remembered per tags pointer
 * (stored once per combination by the readers), so strings are compared only for tags
 * not seen yet. */
struct counts_slot {
    const struct comp_tags *tags;
    uint32_t strings; /* the bits that depend only on the tags */
};

struct counts_memo {
    struct counts_slot slot[64];
};

static uint32_t counts_of(const struct comp_plan *p, const struct comp_credit *c,
                          struct counts_memo *m)
{
    static const struct comp_tags untagged = {"bookings", NULL, NULL};
    const struct comp_tags *g = c->tags ? c->tags : &untagged;
    uintptr_t h = (uintptr_t)g / 16;
    struct counts_slot *s = &m->slot[(h ^ h >> 6 ^ h >> 12) & 63];
    if (s->tags != g) {
        const char *measure = g->measure ? g->measure : "bookings";
        uint32_t bits = 0;
        for (size_t k = 0; k < p->ncomponents; k++) {
            const struct comp_component *kc = &p->components[k];
            if (measure != kc->measure && strcmp(kc->measure, measure)) continue;
            if (kc->kind == COMP_SPIF && !filter_match(&kc->filter, g)) continue;
            bits |= (uint32_t)1 << k;
        }
        s->tags = g;
        s->strings = bits;
    }
    uint32_t out = s->strings;
    for (size_t k = 0; k < p->ncomponents; k++) {
        const struct comp_filter *f = &p->components[k].filter;
        if (p->components[k].kind != COMP_SPIF || !(out >> k & 1)) continue;
        if ((f->from != COMP_NO_DATE && c->date < f->from) ||
            (f->to != COMP_NO_DATE && c->date > f->to) || c->deal_amount < f->min_amount)
            out &= ~((uint32_t)1 << k);
    }
    return out;
}

/* The credited amount component k counts for credit c, or -1 if none. */
static inline int64_t counted(struct run *r, int k, const struct ev *c)
{
    int64_t w = r->plan->components[k].credit_bp[c->role];
    if (w == 0 || !(c->counts >> k & 1)) return -1;
    int64_t out = c->amount;
    if (w != COMP_BP && round_bp(c->amount, w, &out)) return -1;
    return out;
}

/* Where credit c came from, for messages: its line of the credits file, or its deal when
 * it has no line (credits made from the pipeline). */
static void credit_where(const struct comp_credit *c, char *out, size_t n)
{
    if (c->line)
        snprintf(out, n, "credits line %lu", (unsigned long)c->line);
    else
        snprintf(out, n, "deal %s", c->deal ? c->deal : "(none)");
}

static void on_credit(struct run *r, int32_t pos)
{
    const struct ev *c = &r->ev[pos];
    int32_t qmonth = quota_month(r, c->date);
    for (size_t k = 0; k < r->plan->ncomponents && !r->failed; k++) {
        const struct comp_component *kc = &r->plan->components[k];
        int64_t amount = counted(r, (int)k, c);
        if (amount < 0) continue;
        if (kc->kind == COMP_SPIF) {
            struct comp_line l = line_tmpl(c->date, (int)k, COMP_RULE_SPIF_RATE, c->idx);
            if (kc->spif_amount >= 0) {
                l.rule = COMP_RULE_SPIF_FIXED;
                l.base = kc->spif_amount;
                l.rate_ppm = c->split_bp * (COMP_PPM / COMP_BP);
            } else {
                l.base = amount;
                l.rate_ppm = kc->spif_rate_ppm;
            }
            l.amount = mul_ppm(r, l.base, l.rate_ppm);
            emit(r, &l, pos, 1);
            continue;
        }
        enter_period(r, (int)k, qmonth);
        struct kstate *s = &r->ks[k];
        if (s->quota == 0) {
            if (c->role == COMP_ROLE_ROLLUP) continue; /* a manager not on this plan */
            char label[9];
            const struct comp_credit *cr = &r->in->credits[c->idx];
            comp_period_label(qmonth, r->plan->quota_period, label);
            r->failed = 1;
            char where[64];
            credit_where(cr, where, sizeof where);
            err_set(r->e, REINS_EINVAL,
                    "%s: person '%s' has no quota for measure '%s' in %s "
                    "(component %s needs one to measure attainment)",
                    where, r->in->people[cr->person].id, kc->measure, label, kc->id);
            return;
        }
        if (amount == 0) continue;
        if (kc->kind == COMP_COMMISSION) {
            add_volume(r, (int)k, pos, amount, c->date);
        } else {
            s->pos = add(r, s->pos, amount);
            milestones(r, (int)k, c->date, pos);
        }
    }
}

static void on_cancel(struct run *r, int32_t pos, int32_t cancelled)
{
    const struct ev *c = &r->ev[pos];
    /* Reverse every gross line of the credit (parts, re-rates, SPIFs), each
     * linked to the line it reverses; the caps see the reversals too. */
    for (int32_t i = r->first_line[(size_t)pos - r->ev_base]; i >= 0 && !r->failed;
         i = r->b->lines[i].next) {
        struct comp_line l = r->b->lines[i];
        l.rule = COMP_RULE_CLAWBACK;
        l.date = cancelled;
        l.attainment_bp = -1;
        l.amount = -l.amount;
        l.ref = i;
        if (l.amount != 0) emit(r, &l, pos, 0);
    }
    /* Within the same quota period the cancelled volume also leaves attainment:
     * later credits fill from the lower position, and rates or bonuses that
     * depended on the higher one are taken back. */
    int32_t qmonth = quota_month(r, c->date);
    if (quota_month(r, cancelled) != qmonth) return;
    for (size_t k = 0; k < r->plan->ncomponents && !r->failed; k++) {
        const struct comp_component *kc = &r->plan->components[k];
        struct kstate *s = &r->ks[k];
        if (kc->kind == COMP_SPIF || s->qmonth != qmonth || s->quota == 0) continue;
        int64_t amount = counted(r, (int)k, c);
        if (amount <= 0) continue;
        s->pos -= amount; /* pos >= amount: it was added in this period */
        if (kc->kind == COMP_MILESTONE) {
            milestones(r, (int)k, cancelled, pos);
            continue;
        }
        for (size_t i = r->kf[k].dynamic ? r->kf[k].seg_at[(size_t)pos - r->ev_base] : 0;
             i > 0 && i <= s->nsegs && s->segs[i - 1].credit == pos; i++)
            s->segs[i - 1].active = 0;
        int old = s->level;
        s->level = level_of(&r->kf[k], s, s->pos);
        if (r->kf[k].dynamic && s->level != old) rerate(r, (int)k, cancelled);
    }
}

/* ---- payout periods and draws ---------------------------------------------------------- */

static void close_period(struct run *r, int32_t month, int32_t index)
{
    const struct comp_plan *p = r->plan;
    int64_t earned = r->period_sum, draw = 0;
    int32_t last_day = comp_month_first_day(month + (int32_t)p->payout_period) - 1;
    int active = p->draw != COMP_DRAW_NONE && (p->draw_periods == 0 || index < p->draw_periods);
    struct comp_line l = line_tmpl(last_day, -1, COMP_RULE_DRAW_ADVANCE, -1);
    l.base = earned;
    l.already = p->draw_amount;
    if (active && earned < p->draw_amount) {
        l.rule =
            p->draw == COMP_DRAW_RECOVERABLE ? COMP_RULE_DRAW_ADVANCE : COMP_RULE_DRAW_GUARANTEE;
        l.amount = sub(r, p->draw_amount, earned);
        if (p->draw == COMP_DRAW_RECOVERABLE) r->draw_balance = add(r, r->draw_balance, l.amount);
    } else if (p->draw == COMP_DRAW_RECOVERABLE && r->draw_balance > 0) {
        int64_t above = active ? earned - p->draw_amount : earned;
        if (above > 0) {
            l.rule = COMP_RULE_DRAW_RECOVERY;
            l.amount = -(above < r->draw_balance ? above : r->draw_balance);
            r->draw_balance += l.amount;
        }
    }
    if (l.amount != 0) {
        l.prev_rate_ppm = 0;
        l.rate_ppm = 0;
        l.attainment_bp = -1;
        l.tier = -1;
        int32_t i = push_line(r, &l);
        r->b->lines[i].base = earned;
        r->b->lines[i].already = r->draw_balance;
        draw = l.amount;
    }
    /* attainment of the first commission component at the period's end */
    int64_t att = -1;
    for (size_t k = 0; k < p->ncomponents; k++) {
        if (p->components[k].kind != COMP_COMMISSION) continue;
        int32_t q = comp_period_start(month + (int32_t)p->payout_period - 1, p->quota_period);
        int64_t quota =
            r->ks[k].qmonth == q ? r->ks[k].quota : quota_for(r, p->components[k].measure, q);
        att = attainment_bp(r->ks[k].qmonth == q ? r->ks[k].pos : 0, quota);
        break;
    }
    struct batch *b = r->b;
    if (b->npayouts == b->cappayouts) {
        b->cappayouts = b->cappayouts ? 2 * b->cappayouts : 256;
        b->payouts = xrealloc(b->payouts, b->cappayouts * sizeof *b->payouts);
    }
    int64_t payout = add(r, earned, draw);
    r->earned_to_date = add(r, r->earned_to_date, earned);
    b->payouts[b->npayouts++] =
        (struct comp_payout){r->person,         month,           earned,          draw, payout,
                             r->earned_to_date, r->paid_to_date, r->draw_balance, att};
    r->paid_to_date = add(r, r->paid_to_date, payout);
    r->period_sum = 0;
}

/* ---- ordering -------------------------------------------------------------------------- */

struct key {
    uint32_t person;
    int32_t date;
    uint64_t idnum; /* decimal ids by value; UINT64_MAX for the others */
    int32_t idx;
    int32_t closed; /* the credit's date (a cancellation's credit is looked for by it) */
    const char *id;
};

static uint64_t id_number(const char *s)
{
    uint64_t v = 0;
    size_t n = 0;
    for (; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 18) return UINT64_MAX;
        v = v * 10 + (uint64_t)(s[n] - '0');
    }
    return n ? v : UINT64_MAX;
}

static int cmp_key(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    if (x->person != y->person) return x->person < y->person ? -1 : 1;
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    if (x->idnum != y->idnum) return x->idnum < y->idnum ? -1 : 1;
    if (x->idnum == UINT64_MAX) {
        int c = strcmp(x->id, y->id);
        if (c) return c;
    }
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Order keys by person, date, id. When people, days and decimal ids are small enough to
 * pack into 64 bits (the usual case), an LSD radix sort does it in four linear passes;
 * otherwise qsort. Both are stable on equal keys through idx. */
static void sort_keys(struct key *k, size_t n, int32_t first_day, size_t npeople)
{
    int packable = npeople < ((size_t)1 << 22);
    for (size_t i = 0; i < n && packable; i++)
        packable = k[i].idnum < ((uint64_t)1 << 26) && k[i].date >= first_day &&
                   (int64_t)k[i].date - first_day < (1 << 16);
    if (!packable || n < 64) {
        qsort(k, n, sizeof *k, cmp_key);
        return;
    }
    uint64_t *a = xmalloc(n * sizeof *a), *b = xmalloc(n * sizeof *b);
    uint32_t *ia = xmalloc(n * sizeof *ia), *ib = xmalloc(n * sizeof *ib);
    for (size_t i = 0; i < n; i++) {
        a[i] = (uint64_t)k[i].person << 42 | (uint64_t)(k[i].date - first_day) << 26 | k[i].idnum;
        ia[i] = (uint32_t)i;
    }
    size_t *count = xmalloc(((1 << 16) + 1) * sizeof *count);
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, ((1 << 16) + 1) * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[((a[i] >> shift) & 0xffff) + 1]++;
        for (size_t d = 0; d < 1 << 16; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(a[i] >> shift) & 0xffff]++;
            b[at] = a[i];
            ib[at] = ia[i];
        }
        uint64_t *t = a;
        a = b;
        b = t;
        uint32_t *u = ia;
        ia = ib;
        ib = u;
    }
    free(count);
    struct key *sorted = xmalloc(n * sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = k[ia[i]];
    memcpy(k, sorted, n * sizeof *k);
    free(sorted);
    free(a);
    free(b);
    free(ia);
    free(ib);
}

/* The order of a person's credits: date, decimal ids by value before other ids, which
 * compare bytewise, then input order (cmp_key without the person). `xid` and `yid` are
 * the ids' id_number. */
static int ev_order(const struct comp_credit *credits, const struct ev *x, uint64_t xid,
                    const struct ev *y, uint64_t yid)
{
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    if (xid != yid) return xid < yid ? -1 : 1;
    if (xid == UINT64_MAX) {
        int d = strcmp(credits[x->idx].id, credits[y->idx].id);
        if (d) return d;
    }
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* The id ev_order compares for credit x: its place when the ids are 1, 2, 3, ... */
static uint64_t ev_id(const struct comp_input *in, const struct ev *x)
{
    return in->ids_ascending ? (uint64_t)x->idx : id_number(in->credits[x->idx].id);
}

/* A person's credits as they are bucketed: where the next goes, and whether they came in
 * the order they are applied in (the last one's date and id tell). */
struct bucket {
    uint32_t fill;
    int32_t last; /* the last credit's index, -1 before the first */
    uint64_t last_id;
    int32_t last_date;
    uint8_t unordered;
};

struct sort_ev {
    struct ev ev;
    uint64_t id;
};

static int sort_ev_cmp(const void *a, const void *b, void *credits)
{
    const struct sort_ev *x = a, *y = b;
    return ev_order(credits, &x->ev, x->id, &y->ev, y->id);
}

/* Order a bucket that came out of order; `tmp` has room for n. */
static void bucket_sort(struct ev *ev, size_t n, struct sort_ev *tmp,
                        const struct comp_credit *credits)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = (struct sort_ev){ev[i], id_number(credits[ev[i].idx].id)};
    qsort_r(tmp, n, sizeof *tmp, sort_ev_cmp, (void *)credits);
    for (size_t i = 0; i < n; i++)
        ev[i] = tmp[i].ev;
}

/* The event position of the credit a cancellation key names, in its person's events
 * ev[from, to): a binary search, on the credit index where the bucket kept input order. */
static int32_t ev_find(const struct ev *ev, size_t from, size_t to, const struct key *k,
                       const struct comp_credit *credits, int unordered)
{
    struct ev want = {.date = k->closed, .idx = k->idx};
    while (from < to) {
        size_t mid = from + (to - from) / 2;
        int c = unordered ? ev_order(credits, &want, k->idnum, &ev[mid],
                                     id_number(credits[ev[mid].idx].id))
                          : (want.idx > ev[mid].idx) - (want.idx < ev[mid].idx);
        if (c == 0) return (int32_t)mid;
        if (c < 0)
            to = mid;
        else
            from = mid + 1;
    }
    return -1; /* not reached: every cancelled credit has its event */
}

/* ---- the run --------------------------------------------------------------------------- */

/* A run is set up once: credits bucketed per person and ordered, cancellations and quotas
 * by person. People are then computed in chunks of neighbours, on one thread per core
 * (struct comp_input's workers), each chunk into a batch of its own. A batch is handed on
 * (to the sink, or to the kept lines) once every earlier one has been, by whichever worker
 * finds it next in turn: the sink sees people in order, one at a time, from one thread at
 * a time, exactly as in a run on one thread. SLOTS batches at most wait, so memory stays
 * at a few chunks' lines however long the run. */
#define SLOTS 4
#define CHUNK_CREDITS ((size_t)1 << 14)
#define PERSON_WEIGHT 16 /* a person's periods cost about as much as this many credits */
#define MAX_WORKERS 8
/* Bucketing runs over up to this many parts per worker, shared out as each is done (a
 * core the machine slows down then holds up a part, not half the credits), each part
 * at least PART_CHUNKS chunks' credits (a part counts into an array of every person). */
#define PARTS_PER_WORKER 4
#define PART_CHUNKS 16

struct slot {
    size_t turn; /* the chunk it holds, or will hold next */
    int done;    /* chunk `turn` is computed */
    struct batch b;
};

struct setup {
    const struct comp_input *in;
    int32_t first_pay, last_pay;
    size_t *start; /* people's first events, npeople + 1 */
    size_t per_person;
    struct ev *ev;
    size_t ev_bytes;
    struct bucket *bk;
    struct key *ca; /* cancellations clawed back, by person and date */
    size_t nca;
    struct comp_quota *qs; /* by person, from qstart */
    size_t *qstart;
    struct kfixed kf[COMP_MAX_COMPONENTS]; /* owns the cells; no per-event arrays */
    struct day_months *days;
    int32_t days_from;
    uint32_t ndays;
    uint32_t *chunk; /* chunk k: people chunk[k] to chunk[k + 1] */
    size_t nchunks;
    /* handing on, under mu */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;   /* the next chunk to compute */
    size_t handed; /* chunks handed on */
    int handing;   /* a worker is handing batches on */
    int failed;    /* compute and hand on nothing more */
    struct slot slots[SLOTS];
    /* where batches go */
    comp_line_sink sink;
    void *sink_ctx;
    struct comp_result *out;
    size_t caplines, cappayouts;
    size_t base; /* run line number of the next batch's first line */
    struct err *e;
};

/* One person: credits and cancellations replayed in date order, periods closed. `j` is
 * the person's first cancellation in su->ca, moved past the last. */
static void run_person(struct run *r, uint32_t person, size_t *j)
{
    const struct setup *su = r->su;
    const struct comp_plan *p = r->plan;
    const struct ev *ev = su->ev;
    size_t a0 = su->start[person], a = su->start[person + 1];
    size_t b0 = *j, b = b0;
    while (b < su->nca && su->ca[b].person == person)
        b++;
    *j = b;
    r->pq = &su->qs[su->qstart[person]];
    r->npq = su->qstart[person + 1] - su->qstart[person];
    if (r->npq == 0) { /* a payee only with credits of their own (roll-up is not) */
        size_t own = a0;
        while (own < a && ev[own].role == COMP_ROLE_ROLLUP)
            own++;
        if (own == a) return;
    }
    r->person = person;
    r->ev_base = a0;
    for (size_t i = 0; i < a - a0; i++)
        r->first_line[i] = -1;
    for (size_t k = 0; k < p->ncomponents; k++) {
        if (r->kf[k].seg_at) memset(r->kf[k].seg_at, 0, (a - a0) * sizeof(uint32_t));
        if (r->kf[k].credit_cap) memset(r->kf[k].credit_cap, 0, 2 * (a - a0) * sizeof(int64_t));
    }
    r->plan_cap = (struct capt){INT32_MIN, 0, 0};
    r->period_sum = r->earned_to_date = r->paid_to_date = r->draw_balance = 0;
    for (size_t k = 0; k < p->ncomponents; k++) {
        r->ks[k].qmonth = INT32_MIN;
        r->ks[k].cap = (struct capt){INT32_MIN, 0, 0};
    }
    int32_t month = su->first_pay, index = 0;
    size_t i = a0;
    while ((i < a || b0 < b) && !r->failed) {
        /* credits of a day before the cancellations of that day */
        int take_credit = b0 == b || (i < a && ev[i].date <= su->ca[b0].date);
        int32_t day = take_credit ? ev[i].date : su->ca[b0].date;
        while (month < payout_month(r, day)) {
            close_period(r, month, index++);
            month += (int32_t)p->payout_period;
        }
        if (take_credit) {
            on_credit(r, (int32_t)i++);
        } else {
            const struct key *k = &su->ca[b0++];
            on_cancel(r, ev_find(ev, a0, a, k, r->in->credits, su->bk[person].unordered), k->date);
            r->b->clawbacks++;
        }
    }
    for (; month <= su->last_pay && !r->failed; month += (int32_t)p->payout_period)
        close_period(r, month, index++);
    struct batch *out = r->b;
    if (out->nends == out->capends) {
        out->capends = out->capends ? 2 * out->capends : 64;
        out->ends = xrealloc(out->ends, out->capends * sizeof *out->ends);
    }
    out->ends[out->nends++] = out->nlines;
    out->credits_used += a - a0;
}

static void run_chunk(struct run *r, size_t k, struct batch *b)
{
    const struct setup *su = r->su;
    r->b = b;
    b->nlines = b->npayouts = b->nends = b->nrefs = 0;
    b->credits_used = b->clawbacks = 0;
    uint32_t first = su->chunk[k], end = su->chunk[k + 1];
    size_t lo = 0, hi = su->nca; /* the chunk's first cancellation */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (su->ca[mid].person < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t person = first; person < end && !r->failed; person++)
        run_person(r, person, &lo);
    b->failed = r->failed;
    if (r->failed) b->err = r->err;
}

/* Hand batch b on; returns 0, or -1 when the run has failed. Called by one worker at a
 * time, in chunk order. */
static int hand_batch(struct setup *su, struct batch *b)
{
    if (b->failed) {
        if (su->e) *su->e = b->err;
        return -1;
    }
    if (su->base + b->nlines >= (size_t)INT32_MAX - 1) { /* line numbers are int32 */
        err_set(su->e, REINS_ETOOBIG, "more than %d lines in one run", INT32_MAX);
        return -1;
    }
    struct comp_result *out = su->out;
    for (size_t j = 0; j < b->nrefs; j++)
        b->lines[b->refs[j]].ref += (int32_t)su->base;
    if (su->sink) {
        for (size_t i = 0, from = 0; i < b->nends; from = b->ends[i++]) {
            int rc = su->sink(su->sink_ctx, b->lines + from, b->ends[i] - from, su->base + from);
            if (rc < 0) {
                if (su->e && !su->e->code) err_set(su->e, rc, "writing the lines failed");
                return -1;
            }
        }
    } else {
        if (out->nlines + b->nlines > su->caplines) {
            while (out->nlines + b->nlines > su->caplines)
                su->caplines = su->caplines ? 2 * su->caplines : 2 * su->in->ncredits + 1024;
            out->lines = xrealloc(out->lines, su->caplines * sizeof *out->lines);
        }
        if (b->nlines) memcpy(out->lines + out->nlines, b->lines, b->nlines * sizeof *b->lines);
    }
    out->nlines += b->nlines;
    if (out->npayouts + b->npayouts > su->cappayouts) {
        while (out->npayouts + b->npayouts > su->cappayouts)
            su->cappayouts = su->cappayouts ? 2 * su->cappayouts : 256;
        out->payouts = xrealloc(out->payouts, su->cappayouts * sizeof *out->payouts);
    }
    if (b->npayouts)
        memcpy(out->payouts + out->npayouts, b->payouts, b->npayouts * sizeof *b->payouts);
    out->npayouts += b->npayouts;
    out->credits_used += b->credits_used;
    out->clawbacks += b->clawbacks;
    su->base += b->nlines;
    return 0;
}

/* Hand on every computed batch that is next in turn; su->mu held. */
static void hand_on(struct setup *su)
{
    if (su->handing) return; /* that worker will find ours too */
    su->handing = 1;
    for (;;) {
        struct slot *s = &su->slots[su->handed % SLOTS];
        if (su->failed || s->turn != su->handed || !s->done) break;
        pthread_mutex_unlock(&su->mu);
        int rc = hand_batch(su, &s->b);
        pthread_mutex_lock(&su->mu);
        if (rc) su->failed = 1;
        s->done = 0;
        s->turn += SLOTS;
        su->handed++;
        pthread_cond_broadcast(&su->cv);
    }
    su->handing = 0;
}

static void *worker_main(void *arg)
{
    struct run *r = arg;
    struct setup *su = r->su;
    pthread_mutex_lock(&su->mu);
    while (!su->failed && su->next < su->nchunks) {
        size_t k = su->next++;
        struct slot *s = &su->slots[k % SLOTS];
        while (s->turn != k && !su->failed)
            pthread_cond_wait(&su->cv, &su->mu);
        if (su->failed) break;
        pthread_mutex_unlock(&su->mu);
        run_chunk(r, k, &s->b);
        pthread_mutex_lock(&su->mu);
        s->done = 1;
        hand_on(su);
    }
    pthread_mutex_unlock(&su->mu);
    return NULL;
}

static void worker_init(struct run *r, struct setup *su)
{
    memset(r, 0, sizeof *r);
    const struct comp_plan *p = su->in->plan;
    r->in = su->in;
    r->plan = p;
    r->su = su;
    r->e = &r->err;
    r->ev = su->ev;
    r->days = su->days;
    r->days_from = su->days_from;
    r->ndays = su->ndays;
    for (size_t k = 0; k < p->ncomponents; k++) {
        r->kf[k] = su->kf[k];
        if (r->kf[k].dynamic) r->kf[k].seg_at = xmalloc(su->per_person * sizeof(uint32_t));
        if (p->components[k].cap_per_credit >= 0)
            r->kf[k].credit_cap = xmalloc(2 * su->per_person * sizeof(int64_t));
    }
    r->first_line = xmalloc(su->per_person * sizeof *r->first_line);
}

static void worker_release(struct run *r)
{
    for (size_t k = 0; k < r->plan->ncomponents; k++) {
        free(r->kf[k].credit_cap);
        free(r->kf[k].seg_at);
        free(r->ks[k].segs);
    }
    free(r->first_line);
}

/* The setup's passes over the credits run on the workers too, each over its part of
 * the credits (in file order): counted per person first, then put in place, a part's
 * credits for a person after the earlier parts'. */
struct part {
    struct setup *su;
    size_t from, to; /* credits */
    int32_t end_day;
    struct bucket *bk; /* per person: a count, then where the next credit goes */
    struct key *ca;    /* cancellations clawed back */
    size_t nca, capca, late;
    size_t bad; /* the first credit cancelled before its close date, or SIZE_MAX */
};

static void *count_part(void *arg)
{
    struct part *pt = arg;
    const struct comp_input *in = pt->su->in;
    const struct comp_plan *p = in->plan;
    pt->bk = xcalloc(in->npeople ? in->npeople : 1, sizeof *pt->bk);
    pt->bad = SIZE_MAX;
    for (size_t i = pt->from; i < pt->to; i++) {
        const struct comp_credit *c = &in->credits[i];
        if (c->cancelled != COMP_NO_DATE && c->cancelled < c->date) {
            pt->bad = i;
            break;
        }
        if (c->date < p->effective_from || c->date > pt->end_day) continue;
        pt->bk[c->person].fill++;
        if (c->cancelled == COMP_NO_DATE || c->cancelled > pt->end_day) continue;
        if (p->clawback_days < 0 || (int64_t)c->cancelled - c->date > p->clawback_days) {
            pt->late++;
            continue;
        }
        if (pt->nca == pt->capca)
            pt->ca =
                xrealloc(pt->ca, (pt->capca = pt->capca ? 2 * pt->capca : 64) * sizeof *pt->ca);
        pt->ca[pt->nca++] =
            (struct key){c->person, c->cancelled, id_number(c->id), (int32_t)i, c->date, c->id};
    }
    return NULL;
}

/* Each person's first event (su->start), the parts' places in each bucket, the
 * cancellations by person; fails on a credit cancelled before its close date. */
static int count_merge(struct setup *su, struct part *pt, int nparts, struct err *e)
{
    const struct comp_input *in = su->in;
    for (int t = 0; t < nparts; t++) {
        if (pt[t].bad == SIZE_MAX) continue;
        char where[64];
        credit_where(&in->credits[pt[t].bad], where, sizeof where);
        return err_set(e, REINS_EINVAL, "%s: field cancelled_on: before the close date", where);
    }
    su->start = xcalloc(in->npeople + 1, sizeof *su->start);
    su->per_person = 1; /* the most credits of one person: per-event arrays' length */
    size_t at = 0;
    for (size_t person = 0; person < in->npeople; person++) {
        su->start[person] = at;
        for (int t = 0; t < nparts; t++) {
            size_t n = pt[t].bk[person].fill;
            pt[t].bk[person] = (struct bucket){.fill = (uint32_t)at, .last = -1};
            at += n;
        }
        if (at - su->start[person] > su->per_person) su->per_person = at - su->start[person];
    }
    su->start[in->npeople] = at;
    size_t nca = 0;
    for (int t = 0; t < nparts; t++)
        nca += pt[t].nca;
    su->ca = xmalloc((nca ? nca : 1) * sizeof *su->ca);
    for (int t = 0; t < nparts; t++) {
        if (pt[t].nca) memcpy(su->ca + su->nca, pt[t].ca, pt[t].nca * sizeof *pt[t].ca);
        su->nca += pt[t].nca;
        su->out->late_cancellations += pt[t].late;
    }
    sort_keys(su->ca, su->nca, in->plan->effective_from, in->npeople);
    return 0;
}

/* The part's credits into their persons' buckets, in input order, noting whether they
 * came in the order they are applied in. */
static void *bucket_part(void *arg)
{
    struct part *pt = arg;
    const struct comp_input *in = pt->su->in;
    const struct comp_plan *p = in->plan;
    struct ev *ev = pt->su->ev;
    size_t nev = pt->su->start[in->npeople];
    struct counts_memo *memo = xcalloc(1, sizeof *memo);
    for (size_t i = pt->from; i < pt->to; i++) {
        const struct comp_credit *c = &in->credits[i];
        if (c->date < p->effective_from || c->date > pt->end_day) continue;
        struct bucket *b = &pt->bk[c->person];
        struct ev one = {
            c->amount,       (int32_t)i, c->date, counts_of(p, c, memo), (int16_t)c->split_bp,
            (uint8_t)c->role};
        /* ascending ids order a day's credits as their indexes do: the ids, 170 MB
         * for ten million credits, are then not read at all */
        uint64_t id = ev_id(in, &one);
        if (b->last >= 0 && !b->unordered) {
            struct ev prev = {.idx = b->last, .date = b->last_date};
            b->unordered = ev_order(in->credits, &prev, b->last_id, &one, id) > 0;
        }
        b->last = (int32_t)i;
        b->last_id = id;
        b->last_date = c->date;
        /* The bucket's next cache line, for the person's next credit, many credits on:
         * writes to as many places at once miss the cache, and this took the bucketing
         * about 5% faster. (Inside the array: a pointer past its end is undefined.) */
        __builtin_prefetch(&ev[b->fill + 3 < nev ? b->fill + 3 : b->fill], 1);
        ev[b->fill++] = one;
    }
    free(memo);
    return NULL;
}

/* Whether each person's bucket is in order: each part's was, and where two parts meet. */
static void bucket_merge(struct setup *su, struct part *pt, int nparts)
{
    const struct comp_input *in = su->in;
    su->bk = pt[0].bk;
    pt[0].bk = NULL;
    for (size_t person = 0; person < in->npeople; person++) {
        struct bucket *b = &su->bk[person];
        for (int t = 1; t < nparts && !b->unordered; t++) {
            size_t at = pt[t - 1].bk ? pt[t - 1].bk[person].fill : b->fill; /* where t begins */
            b->unordered = pt[t].bk[person].unordered;
            if (at > su->start[person] && at < su->start[person + 1] && !b->unordered) {
                /* dates first: the ids are far away in memory, and this loop runs alone */
                const struct ev *x = &su->ev[at - 1], *y = &su->ev[at];
                b->unordered = x->date != y->date
                                   ? x->date > y->date
                                   : ev_order(in->credits, x, ev_id(in, x), y, ev_id(in, y)) > 0;
            }
        }
    }
}

struct sort_part {
    struct setup *su;
    size_t from, to; /* people */
};

static void *sort_part(void *arg)
{
    struct sort_part *sp = arg;
    struct setup *su = sp->su;
    struct sort_ev *tmp = NULL;
    for (size_t person = sp->from; person < sp->to; person++) {
        if (!su->bk[person].unordered) continue;
        if (!tmp) tmp = xmalloc(su->per_person * sizeof *tmp);
        bucket_sort(&su->ev[su->start[person]], su->start[person + 1] - su->start[person], tmp,
                    su->in->credits);
    }
    free(tmp);
    return NULL;
}

/* Threads for a run: one per core (or in->workers), at most one per chunk of credits. */
static int workers_for(const struct comp_input *in)
{
    int n = threads_count(in->workers, MAX_WORKERS);
    size_t chunks = in->ncredits / (in->chunk_credits ? in->chunk_credits : CHUNK_CREDITS) + 1;
    return (size_t)n > chunks ? (int)chunks : n;
}

/* Credits in the plan's dates, into one bucket per person in input order, then ordered
 * inside each bucket. Both passes over in->credits are sequential: gathering the
 * credits in sorted order instead was the engine's hottest loop (cache misses), and a
 * person's few credits sort in cache. Files usually come in date or id order, and then
 * the buckets are already ordered. Cancellations (few) are sorted on their own. */
static int bucket_credits(struct setup *su, int32_t end_day, int nworkers, struct err *e)
{
    const struct comp_input *in = su->in;
    struct part pt[MAX_WORKERS * PARTS_PER_WORKER];
    size_t most =
        in->ncredits / (PART_CHUNKS * (in->chunk_credits ? in->chunk_credits : CHUNK_CREDITS)) + 1;
    int nparts = nworkers * PARTS_PER_WORKER;
    if ((size_t)nparts > most) nparts = (int)most;
    for (int t = 0; t < nparts; t++)
        pt[t] = (struct part){su, in->ncredits * (size_t)t / (size_t)nparts,
                              in->ncredits * (size_t)(t + 1) / (size_t)nparts, end_day};
    threads_share(nworkers, (size_t)nparts, count_part, pt, sizeof *pt);
    int rc = count_merge(su, pt, nparts, e);
    if (!rc) {
        size_t ncr = su->start[in->npeople];
        su->ev_bytes = (ncr ? ncr : 1) * sizeof(struct ev);
        su->ev = comp_big_alloc(su->ev_bytes);
        threads_share(nworkers, (size_t)nparts, bucket_part, pt, sizeof *pt);
        bucket_merge(su, pt, nparts);
        struct sort_part sp[MAX_WORKERS * PARTS_PER_WORKER];
        for (int t = 0; t < nparts; t++)
            sp[t] = (struct sort_part){su, in->npeople * (size_t)t / (size_t)nparts,
                                       in->npeople * (size_t)(t + 1) / (size_t)nparts};
        threads_share(nworkers, (size_t)nparts, sort_part, sp, sizeof *sp);
    }
    for (int t = 0; t < nparts; t++) {
        free(pt[t].bk);
        free(pt[t].ca);
    }
    return rc;
}

/* Quotas per person: a counting sort. */
static void quotas_by_person(struct setup *su)
{
    const struct comp_input *in = su->in;
    su->qstart = xcalloc(in->npeople + 1, sizeof *su->qstart);
    su->qs = xmalloc((in->nquotas ? in->nquotas : 1) * sizeof *su->qs);
    for (size_t i = 0; i < in->nquotas; i++)
        su->qstart[in->quotas[i].person + 1]++;
    for (size_t i = 0; i < in->npeople; i++)
        su->qstart[i + 1] += su->qstart[i];
    size_t *fill = xmalloc((in->npeople + 1) * sizeof *fill);
    memcpy(fill, su->qstart, (in->npeople + 1) * sizeof *fill);
    for (size_t i = 0; i < in->nquotas; i++)
        su->qs[fill[in->quotas[i].person]++] = in->quotas[i];
    free(fill);
}

/* Neighbouring people into chunks of about `size` credits (a person counting as
 * PERSON_WEIGHT more). */
static void chunks_make(struct setup *su, size_t size)
{
    size_t npeople = su->in->npeople;
    su->chunk = xmalloc((npeople + 2) * sizeof *su->chunk);
    su->nchunks = 0;
    size_t weight = 0;
    for (size_t person = 0; person < npeople; person++) {
        if (person == 0 || weight >= size) {
            su->chunk[su->nchunks++] = (uint32_t)person;
            weight = 0;
        }
        weight += su->start[person + 1] - su->start[person] + PERSON_WEIGHT;
    }
    su->chunk[su->nchunks] = (uint32_t)npeople;
}

static void setup_release(struct setup *su)
{
    for (size_t k = 0; k < su->in->plan->ncomponents; k++)
        free(su->kf[k].cells);
    for (size_t i = 0; i < SLOTS; i++) {
        free(su->slots[i].b.lines);
        free(su->slots[i].b.payouts);
        free(su->slots[i].b.ends);
        free(su->slots[i].b.refs);
    }
    free(su->chunk);
    free(su->qstart);
    free(su->qs);
    free(su->start);
    free(su->ca);
    free(su->days);
    free(su->bk);
    comp_big_free(su->ev, su->ev_bytes);
}

int comp_run(const struct comp_input *in, struct comp_result *out, struct err *e)
{
    return comp_run_stream(in, NULL, NULL, out, e);
}

int comp_run_stream(const struct comp_input *in, comp_line_sink sink, void *ctx,
                    struct comp_result *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const struct comp_plan *p = in->plan;
    if (in->ncredits > INT32_MAX / 2 || in->npeople > INT32_MAX)
        return err_set(e, REINS_ETOOBIG, "too many credits or people for one run");
    struct setup *su = xcalloc(1, sizeof *su);
    su->in = in;
    su->sink = sink;
    su->sink_ctx = ctx;
    su->out = out;
    su->e = e;
    int32_t first = comp_month_of_day(p->effective_from);
    int32_t last = in->last_month;
    if (p->effective_to != COMP_NO_DATE && comp_month_of_day(p->effective_to) < last)
        last = comp_month_of_day(p->effective_to);
    su->first_pay = comp_period_start(first, p->payout_period);
    su->last_pay = comp_period_start(last, p->payout_period);
    int32_t end_day = comp_month_first_day(su->last_pay + (int32_t)p->payout_period) - 1;
    su->days_from = p->effective_from;
    su->days = days_table(p, p->effective_from, end_day, &su->ndays);
    if (p->effective_to != COMP_NO_DATE && p->effective_to < end_day) end_day = p->effective_to;
    for (size_t k = 0; k < p->ncomponents; k++)
        if (p->components[k].kind == COMP_COMMISSION) kfixed_init(&su->kf[k], &p->components[k]);

    int nworkers = workers_for(in);
    if (bucket_credits(su, end_day, nworkers, e)) {
        su->failed = 1;
    } else {
        quotas_by_person(su);
        chunks_make(su, in->chunk_credits ? in->chunk_credits : CHUNK_CREDITS);
        for (size_t i = 0; i < SLOTS; i++)
            su->slots[i].turn = i;
        pthread_mutex_init(&su->mu, NULL);
        pthread_cond_init(&su->cv, NULL);
        if ((size_t)nworkers > su->nchunks) nworkers = su->nchunks ? (int)su->nchunks : 1;
        struct run *w = xcalloc((size_t)nworkers, sizeof *w);
        for (int i = 0; i < nworkers; i++)
            worker_init(&w[i], su);
        threads_run(nworkers, worker_main, w, sizeof *w);
        for (int i = 0; i < nworkers; i++)
            worker_release(&w[i]);
        free(w);
        pthread_cond_destroy(&su->cv);
        pthread_mutex_destroy(&su->mu);
    }
    int failed = su->failed;
    setup_release(su);
    free(su);
    if (failed) {
        comp_result_release(out);
        return e && e->code ? e->code : REINS_EINVAL;
    }
    return 0;
}

void comp_result_release(struct comp_result *r)
{
    if (!r) return;
    free(r->lines);
    free(r->payouts);
    memset(r, 0, sizeof *r);
}
