/* fc_model.c -- the model learned from history, and the forecast of one period.
 *
 * Learning: for every quarter that ended by the as-of date, look at the deals
 * open on the same day of that quarter (the snapshot) and whether each was
 * won before the quarter ended. A deal's chance starts at its stage's rate,
 * shrunk toward the global rate (Beta-binomial: FC_PRIOR_STAGE pseudo-deals
 * at the global rate), and is moved by one odds multiplier per factor level,
 * the one that makes the level's probabilities add up to E (W + m) / (E + m):
 * W the wins there, E the wins the rest of the model predicts there, m =
 * FC_PRIOR_FACTOR pseudo-wins (Gamma-Poisson shrinkage toward 1). The multipliers are fitted by
 * backfitting: each in turn against the others, a few passes. A seller with
 * little history thus gets their stage's and their deals' rates, and each
 * multiplier is a reason that can be shown.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "forecast/forecast.h"

#define NEW_BUSINESS_ACTIVE_DAYS 180 /* a seller with a deal this recent still sells */

struct example {
    uint32_t stage; /* stage index, nstages for "no stage yet" */
    uint32_t level[FC_NFACTORS];
    int64_t amount;
    uint32_t quarter; /* which learned quarter it comes from */
    uint8_t won;
};

static uint32_t band(int64_t v, int64_t a, int64_t b, int64_t c)
{
    return (uint32_t)((v >= a) + (v >= b) + (v >= c));
}

/* The factor levels of deal state `st` seen on `day` for a period ending `end`;
 * the size level is set later, once the quartiles are known. */
static void levels_of(const struct fc_deal_state *st, int32_t day, int32_t end, uint32_t *lv)
{
    if (st->close_day == FC_NO_DAY)
        lv[FC_F_CLOSE] = 3;
    else if (st->close_day < day)
        lv[FC_F_CLOSE] = 1; /* overdue */
    else
        lv[FC_F_CLOSE] = st->close_day < end ? 0 : 2;
    lv[FC_F_AGE] = band((int64_t)day - st->created, 30, 90, 180);
    lv[FC_F_STAGE_TIME] = band((int64_t)day - st->stage_since, 14, 45, 90);
    lv[FC_F_SLIPS] = st->slips > 3 ? 3 : st->slips;
    lv[FC_F_SIZE] = 0;
    lv[FC_F_OWNER] = st->owner;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static double odds(double p)
{
    return p / (1 - p);
}

/* The odds of example `x` with every factor but `skip` (FC_NFACTORS: none). */
static double example_odds(const struct fc_model *m, const struct example *x, int skip)
{
    double o = odds(m->stage_rate[x->stage]);
    for (int f = 0; f < FC_NFACTORS; f++)
        if (f != skip) o *= m->mult[f][x->level[f]];
    return o;
}

/* The snapshot day in quarter q matching the as-of day's place in its period. */
static int32_t snapshot_day(const struct fc_period *q, int32_t offset)
{
    int32_t s = q->start + offset;
    return s < q->end ? s : q->end - 1;
}

static void fit(struct fc_forecast *f, const struct fc_data *d, struct example *ex, size_t n);

/* The period's swing, by the method of moments: if every deal's log-odds in
 * quarter q moved by the same z ~ N(0, s^2), the wins W_q differ from the
 * model's E_q by about z V_q plus binomial noise of variance V_q (V_q = sum of
 * p(1 - p)), so E[(W_q - E_q)^2] = V_q + s^2 V_q^2. Pooled over the quarters
 * (unbiased: no shrinking toward 0, which made the ranges too narrow), at most 1.
 *
 * E_q comes from the model learned without quarter q (leave one quarter out,
 * the last FC_SWING_QUARTERS quarters), as a forecast meets it: then the
 * residual holds the model's own errors (rates estimated from a few hundred
 * wins, a mix of deals the factors describe imperfectly) beside the
 * quarter's luck. Learned with q in, the multipliers absorbed part of q's
 * deviation, and the swing came out near 0 where the forecasts' misses
 * needed about 0.1 (docs/forecast.md, "Calibration"). */
static void fit_swing(struct fc_model *m, const struct fc_data *d, const struct example *ex,
                      size_t n, uint32_t nq)
{
    m->swing_sd = 0;
    if (nq < 2) return;
    double *w = xcalloc(3 * (size_t)nq, sizeof *w), *e = w + nq, *v = e + nq;
    struct example *rest = xmalloc((n + 1) * sizeof *rest);
    uint32_t first = nq > FC_SWING_QUARTERS ? nq - FC_SWING_QUARTERS : 0;
    for (uint32_t q = first; q < nq; q++) {
        size_t nr = 0;
        for (size_t i = 0; i < n; i++)
            if (ex[i].quarter != q) rest[nr++] = ex[i];
        if (nr == n) continue; /* nothing open in q: nothing to compare */
        struct fc_forecast loo;
        memset(&loo, 0, sizeof loo);
        loo.arena = (struct arena)ARENA_INIT;
        fit(&loo, d, rest, nr);
        const struct fc_model *lm = &loo.model;
        for (size_t i = 0; i < n; i++) {
            if (ex[i].quarter != q) continue;
            struct example x = ex[i];
            x.level[FC_F_SIZE] = band(x.amount, lm->size_edge[0], lm->size_edge[1], lm->size_edge[2]);
            double o = example_odds(lm, &x, FC_NFACTORS), p = o / (1 + o);
            w[q] += x.won;
            e[q] += p;
            v[q] += p * (1 - p);
        }
        arena_release(&loo.arena);
    }
    free(rest);
    double num = 0, den = 0;
    uint32_t used = 0;
    for (uint32_t q = 0; q < nq; q++) {
        if (v[q] <= 0) continue;
        num += (w[q] - e[q]) * (w[q] - e[q]) - v[q];
        den += v[q] * v[q];
        used++;
    }
    free(w);
    if (used < 2 || den <= 0 || num <= 0) return;
    double s2 = num / den;
    m->swing_sd = s2 < 1 ? sqrt(s2) : 1;
}

static void fit(struct fc_forecast *f, const struct fc_data *d, struct example *ex, size_t n)
{
    struct fc_model *m = &f->model;
    struct arena *a = &f->arena;
    size_t ns = d->nstages + 1;
    m->stage_rate = arena_alloc(a, ns * sizeof *m->stage_rate);
    m->stage_n = arena_alloc(a, ns * sizeof *m->stage_n);
    m->stage_won = arena_alloc(a, ns * sizeof *m->stage_won);
    for (size_t i = 0; i < n; i++) {
        m->stage_n[ex[i].stage]++;
        m->stage_won[ex[i].stage] += ex[i].won;
        m->wins += ex[i].won;
    }
    m->examples = (uint32_t)n;
    m->global_rate = (m->wins + 1.0) / (n + 2.0); /* Laplace: never 0 or 1 */
    for (size_t s = 0; s < ns; s++)
        m->stage_rate[s] =
            (m->stage_won[s] + FC_PRIOR_STAGE * m->global_rate) / (m->stage_n[s] + FC_PRIOR_STAGE);

    /* size quartiles of the deals learned from */
    if (n) {
        int64_t *amt = xmalloc(n * sizeof *amt);
        for (size_t i = 0; i < n; i++)
            amt[i] = ex[i].amount;
        qsort(amt, n, sizeof *amt, cmp_i64);
        for (int q = 0; q < 3; q++)
            m->size_edge[q] = amt[n * (size_t)(q + 1) / 4];
        free(amt);
        /* equal edges (many equal amounts) would leave a band empty: fine, it stays at 1 */
        for (size_t i = 0; i < n; i++)
            ex[i].level[FC_F_SIZE] =
                band(ex[i].amount, m->size_edge[0], m->size_edge[1], m->size_edge[2]);
    }

    static const size_t fixed_levels[FC_NFACTORS] = {4, 4, 4, 4, 4, 0};
    for (int k = 0; k < FC_NFACTORS; k++) {
        m->nlevels[k] = k == FC_F_OWNER ? (d->npeople ? d->npeople : 1) : fixed_levels[k];
        m->mult[k] = arena_alloc(a, m->nlevels[k] * sizeof(double));
        m->won[k] = arena_alloc(a, m->nlevels[k] * sizeof(double));
        m->expected[k] = arena_alloc(a, m->nlevels[k] * sizeof(double));
        for (size_t v = 0; v < m->nlevels[k]; v++)
            m->mult[k][v] = 1;
    }
    /* the odds without factor k, per example, and Newton's sums per level */
    double *base = xmalloc((n + 1) * sizeof *base);
    size_t maxlv = 0;
    for (int k = 0; k < FC_NFACTORS; k++)
        if (m->nlevels[k] > maxlv) maxlv = m->nlevels[k];
    double *sp = xmalloc(2 * maxlv * sizeof *sp), *spq = sp + maxlv;
    for (int pass = 0; pass < FC_BACKFIT_PASSES; pass++) {
        for (int k = 0; k < FC_NFACTORS; k++) {
            size_t nl = m->nlevels[k];
            memset(m->won[k], 0, nl * sizeof(double));
            memset(m->expected[k], 0, nl * sizeof(double));
            for (size_t i = 0; i < n; i++) {
                base[i] = example_odds(m, &ex[i], k);
                m->expected[k][ex[i].level[k]] += base[i] / (1 + base[i]);
                m->won[k][ex[i].level[k]] += ex[i].won;
            }
            /* the shrunk target: the wins expected there, times (won + m) / (expected + m) */
            for (size_t v = 0; v < nl; v++)
                m->mult[k][v] =
                    (m->won[k][v] + FC_PRIOR_FACTOR) / (m->expected[k][v] + FC_PRIOR_FACTOR);
            /* Applied to the odds, that ratio moves the probabilities by less
             * than itself where they are high: Newton on log(mult) until the
             * level's probabilities add up to the target. */
            for (int it = 0; it < FC_NEWTON_STEPS; it++) {
                /* spq starts at sp + maxlv, not sp + nl: clear both halves */
                memset(sp, 0, nl * sizeof *sp);
                memset(spq, 0, nl * sizeof *spq);
                for (size_t i = 0; i < n; i++) {
                    double o = base[i] * m->mult[k][ex[i].level[k]], p = o / (1 + o);
                    sp[ex[i].level[k]] += p;
                    spq[ex[i].level[k]] += p * (1 - p);
                }
                for (size_t v = 0; v < nl; v++) {
                    double e = m->expected[k][v];
                    if (e <= 0 || spq[v] <= 0) continue;
                    double target = e * (m->won[k][v] + FC_PRIOR_FACTOR) / (e + FC_PRIOR_FACTOR);
                    double step = (target - sp[v]) / spq[v];
                    if (step > 2) step = 2; /* far from the answer: move boldly, not wildly */
                    if (step < -2) step = -2;
                    m->mult[k][v] *= exp(step);
                }
            }
        }
    }
    free(sp);
    free(base);
}

/* New business: per seller, the deals created after the snapshot and won
 * before the quarter ended, as a Poisson rate shrunk toward all sellers'. */
static void fit_new_business(struct fc_forecast *f, const struct fc_data *d, int32_t offset)
{
    struct fc_model *m = &f->model;
    size_t np = d->npeople;
    double *count = xcalloc(np + 1, sizeof *count), *sum = xcalloc(np + 1, sizeof *sum);
    double *active = xcalloc(np + 1, sizeof *active);
    int32_t *mark = xmalloc((np + 1) * sizeof *mark);
    size_t cap = 0;
    int64_t *amounts = NULL;
    int32_t as_of = f->opt.as_of;
    uint32_t quarter = 0;
    for (struct fc_period q = fc_period_of(d->first_day); q.end <= as_of;
         q = fc_period_of(q.end), quarter++) {
        int32_t snap = snapshot_day(&q, offset);
        for (size_t i = 0; i < np; i++)
            mark[i] = -1;
        for (size_t k = 0; k < d->ndeals; k++) {
            struct fc_deal_state at, end;
            fc_deal_at(d, k, snap, &at);
            fc_deal_at(d, k, q.end - 1, &end);
            if (at.exists && at.status == FC_OPEN) mark[at.owner] = (int32_t)quarter;
            if (!end.exists || end.created <= snap || end.created >= q.end) continue;
            mark[end.owner] = (int32_t)quarter;
            if (end.status != FC_WON || end.status_day < q.start || end.status_day <= snap)
                continue;
            count[end.owner]++;
            sum[end.owner] += (double)end.amount;
            if (m->nnew_amounts == cap) {
                cap = cap ? 2 * cap : 64;
                amounts = xrealloc(amounts, cap * sizeof *amounts);
            }
            amounts[m->nnew_amounts++] = end.amount;
        }
        for (size_t i = 0; i < np; i++)
            active[i] += mark[i] == (int32_t)quarter;
    }
    double tcount = 0, tsum = 0, tactive = 0;
    for (size_t i = 0; i < np; i++) {
        tcount += count[i];
        tsum += sum[i];
        tactive += active[i];
    }
    double rate = tactive > 0 ? tcount / tactive : 0, mean = tcount > 0 ? tsum / tcount : 0;
    m->new_rate = arena_alloc(&f->arena, (np + 1) * sizeof *m->new_rate);
    m->new_scale = arena_alloc(&f->arena, (np + 1) * sizeof *m->new_scale);
    for (size_t i = 0; i < np; i++) {
        m->new_rate[i] =
            (count[i] + FC_PRIOR_NEW_QUARTERS * rate) / (active[i] + FC_PRIOR_NEW_QUARTERS);
        m->new_scale[i] =
            mean > 0 ? (sum[i] + FC_PRIOR_FACTOR * mean) / (count[i] + FC_PRIOR_FACTOR) / mean : 0;
    }
    m->new_amounts = arena_alloc(&f->arena, (m->nnew_amounts + 1) * sizeof *m->new_amounts);
    if (m->nnew_amounts) memcpy(m->new_amounts, amounts, m->nnew_amounts * sizeof *amounts);
    free(amounts);
    free(mark);
    free(active);
    free(sum);
    free(count);
}

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int reason_cmp(const void *a, const void *b)
{
    double x = fabs(log(((const struct fc_reason *)a)->multiplier));
    double y = fabs(log(((const struct fc_reason *)b)->multiplier));
    return x > y ? -1 : x < y;
}

static void score(const struct fc_model *m, const struct fc_data *d, struct fc_open_deal *od)
{
    uint32_t stage = od->st.stage >= 0 ? (uint32_t)od->st.stage : (uint32_t)d->nstages;
    double o = odds(m->stage_rate[stage]);
    struct fc_reason all[FC_NFACTORS];
    size_t nall = 0;
    od->stage_rate = m->stage_rate[stage];
    for (int k = 0; k < FC_NFACTORS; k++) {
        uint32_t v = od->level[k];
        double mult = v < m->nlevels[k] ? m->mult[k][v] : 1;
        o *= mult;
        /* only what moved the odds by 5% or more is worth saying */
        if (fabs(log(mult)) >= log(1.05))
            all[nall++] = (struct fc_reason){(uint32_t)k, v, mult, m->won[k][v], m->expected[k][v]};
    }
    qsort(all, nall, sizeof *all, reason_cmp);
    od->nreasons = nall < FC_MAX_REASONS ? nall : FC_MAX_REASONS;
    memcpy(od->reason, all, od->nreasons * sizeof *all);
    double p = o / (1 + o);
    od->p_ppm = (uint32_t)llround(p * 1e6);
}

const char *fc_reason_label(const struct fc_model *m, const struct fc_data *d,
                            const struct fc_reason *r, char *buf, size_t size)
{
    static const char *const close[] = {"close date in the period", "close date passed",
                                        "close date after the period", "no close date"};
    static const char *const age[] = {"created under 30 days ago", "30-89 days old",
                                      "90-179 days old", "180 days old or more"};
    static const char *const stage_time[] = {"under 14 days in stage", "14-44 days in stage",
                                             "45-89 days in stage", "90 days in stage or more"};
    static const char *const slips[] = {"never slipped", "slipped once", "slipped twice",
                                        "slipped 3 times or more"};
    static const char *const size_q[] = {
        "smallest quarter of deal sizes", "second quarter of deal sizes",
        "third quarter of deal sizes", "largest quarter of deal sizes"};
    (void)m;
    const char *what = "";
    switch (r->factor) {
    case FC_F_CLOSE:
        what = close[r->level & 3];
        break;
    case FC_F_AGE:
        what = age[r->level & 3];
        break;
    case FC_F_STAGE_TIME:
        what = stage_time[r->level & 3];
        break;
    case FC_F_SLIPS:
        what = slips[r->level & 3];
        break;
    case FC_F_SIZE:
        what = size_q[r->level & 3];
        break;
    case FC_F_OWNER:
        what = "the owner's record";
        break;
    }
    snprintf(buf, size, "%s x%.2f (won %.0f where %.1f were expected)", what, r->multiplier, r->won,
             r->expected);
    (void)d;
    return buf;
}

void fc_forecast_release(struct fc_forecast *f)
{
    if (!f) return;
    arena_release(&f->arena);
    memset(f, 0, sizeof *f);
}

int fc_forecast_run(const struct fc_data *d, const struct fc_options *opt, struct fc_forecast *out,
                    struct err *e)
{
    memset(out, 0, sizeof *out);
    out->opt = *opt;
    if (!out->opt.trials) out->opt.trials = 10000;
    const struct fc_period *P = &opt->period;
    int32_t A = opt->as_of;
    char pname[8], day[11];
    fc_period_name(P, pname);
    date_from_days(A, day);
    if (A >= P->end)
        return err_field(e, REINS_EINVAL, "as_of", "as-of date %s is after the period %s", day,
                         pname);
    if (!d->nevents || fc_period_of(d->first_day).end > A)
        return err_field(e, REINS_EINVAL, "as_of",
                         "no complete quarter of history before %s to learn from", day);
    int32_t offset = A - P->start;
    double t0 = now(CLOCK_MONOTONIC);

    /* learn from every complete quarter before the as-of date */
    size_t nex = 0, cap = 0;
    struct example *ex = NULL;
    double listed = 0, booked = 0; /* the learned wins' amounts at the snapshot and when won */
    for (struct fc_period q = fc_period_of(d->first_day); q.end <= A; q = fc_period_of(q.end)) {
        int32_t snap = snapshot_day(&q, offset);
        out->model.periods++;
        for (size_t k = 0; k < d->ndeals; k++) {
            struct fc_deal_state st, end;
            fc_deal_at(d, k, snap, &st);
            if (!st.exists || st.status != FC_OPEN) continue;
            fc_deal_at(d, k, q.end - 1, &end);
            if (nex == cap) {
                cap = cap ? 2 * cap : 1024;
                ex = xrealloc(ex, cap * sizeof *ex);
            }
            struct example *x = &ex[nex++];
            levels_of(&st, snap, q.end, x->level);
            x->stage = st.stage >= 0 ? (uint32_t)st.stage : (uint32_t)d->nstages;
            x->amount = st.amount;
            x->quarter = out->model.periods - 1;
            x->won = end.status == FC_WON && end.status_day > snap && end.status_day >= q.start;
            if (x->won && st.amount > 0) { /* a deal listed at 0 says nothing of discounts */
                listed += (double)st.amount;
                booked += (double)end.amount;
            }
        }
    }
    /* bounded: a history where wins book 4 times their listed amount is more likely wrong
     * than a lesson, and the bound keeps the simulation's sums far from overflow */
    double ratio = listed > 0 && booked > 0 ? booked / listed : 1;
    out->model.won_amount_ratio = ratio < 0.25 ? 0.25 : ratio > 4 ? 4 : ratio;
    fit(out, d, ex, nex);
    fit_swing(&out->model, d, ex, nex, out->model.periods);
    free(ex);
    fit_new_business(out, d, offset);
    struct fc_model *m = &out->model;

    /* the open deals, and what each person has won so far */
    size_t np = d->npeople;
    out->nnodes = np;
    out->node = arena_alloc(&out->arena, (np + 1) * sizeof *out->node);
    out->depth = arena_alloc(&out->arena, (np + 1) * sizeof *out->depth);
    out->open = arena_alloc(&out->arena, (d->ndeals + 1) * sizeof *out->open);
    uint8_t *seller = arena_alloc(&out->arena, np + 1);
    for (size_t k = 0; k < d->ndeals; k++) {
        struct fc_deal_state st;
        fc_deal_at(d, k, A, &st);
        if (!st.exists) continue;
        struct fc_node *nd = &out->node[st.owner];
        if (A - st.created < NEW_BUSINESS_ACTIVE_DAYS) seller[st.owner] = 1;
        if (st.status == FC_WON && st.status_day >= P->start) nd->won += st.amount;
        if (st.status != FC_OPEN) continue;
        seller[st.owner] = 1;
        struct fc_open_deal *od = &out->open[out->nopen++];
        od->deal = (uint32_t)k;
        od->st = st;
        levels_of(&st, A, P->end, od->level);
        od->level[FC_F_SIZE] = band(st.amount, m->size_edge[0], m->size_edge[1], m->size_edge[2]);
        score(m, d, od);
        nd->open++;
        if (st.close_day != FC_NO_DAY && st.close_day >= P->start && st.close_day < P->end) {
            nd->pipeline += st.amount;
            nd->weighted += llround((double)st.amount * od->stage_rate);
        }
    }
    if (d->people_loaded) {
        /* the people file is the team as it stands: its leaves are the sellers */
        uint8_t *has_reports = arena_alloc(&out->arena, np + 1);
        for (size_t i = 0; i < np; i++)
            if (d->manager[i] >= 0) has_reports[d->manager[i]] = 1;
        for (size_t i = 0; i < np; i++)
            if (!has_reports[i]) seller[i] = 1;
    }

    /* depths for the roll-up */
    int32_t maxdepth = 0;
    for (size_t i = 0; i < np; i++) {
        int32_t dep = 0;
        for (int32_t p = d->manager[i]; p >= 0; p = d->manager[p])
            dep++;
        out->depth[i] = dep;
        if (dep > maxdepth) maxdepth = dep;
    }

    /* the simulation's inputs */
    uint32_t *deal_node = xmalloc((out->nopen + 1) * sizeof *deal_node);
    int64_t *amount = xmalloc((out->nopen + 1) * sizeof *amount);
    uint64_t *p32 = xmalloc((out->nopen + 1) * sizeof *p32);
    for (size_t i = 0; i < out->nopen; i++) {
        deal_node[i] = out->open[i].st.owner;
        /* booked as deals like it were: at their amount times what wins finally booked */
        amount[i] = llround((double)out->open[i].st.amount * m->won_amount_ratio);
        /* back from ppm to the exact probability the reasons describe */
        p32[i] = (uint64_t)llround(out->open[i].p_ppm / 1e6 * (double)FC_P32_ONE);
    }
    int64_t *base = xcalloc(np + 1, sizeof *base), *quota = xmalloc((np + 1) * sizeof *quota);
    double *new_rate = xcalloc(np + 1, sizeof *new_rate);
    for (size_t i = 0; i < np; i++) {
        base[i] = out->node[i].won;
        if (seller[i] && m->nnew_amounts) new_rate[i] = m->new_rate[i];
    }
    /* the mean of the new business: rate x mean amount x the seller's scale */
    double mean_new = 0;
    for (size_t i = 0; i < m->nnew_amounts; i++)
        mean_new += (double)m->new_amounts[i];
    if (m->nnew_amounts) mean_new /= (double)m->nnew_amounts;
    for (size_t i = 0; i < np; i++)
        out->node[i].new_expected = llround(new_rate[i] * m->new_scale[i] * mean_new);

    /* roll up, deepest first; a manager's quota is their own, else their team's */
    for (size_t i = 0; i < np; i++) {
        out->node[i].quota = fc_quota_of(d, (uint32_t)i, P->start);
        out->node[i].weighted += out->node[i].won;
    }
    int64_t *team_quota = xcalloc(np + 1, sizeof *team_quota);
    uint8_t *team_has = xcalloc(np + 1, 1);
    memset(&out->total, 0, sizeof out->total);
    out->total.quota = -1;
    for (int32_t dep = maxdepth; dep >= 0; dep--) {
        for (size_t i = 0; i < np; i++) {
            if (out->depth[i] != dep) continue;
            struct fc_node *nd = &out->node[i];
            if (nd->quota < 0 && team_has[i]) nd->quota = team_quota[i];
            nd->shown = nd->shown || nd->open || nd->won || nd->new_expected || nd->quota >= 0;
            struct fc_node *up = d->manager[i] >= 0 ? &out->node[d->manager[i]] : &out->total;
            up->won += nd->won;
            up->weighted += nd->weighted;
            up->pipeline += nd->pipeline;
            up->new_expected += nd->new_expected;
            up->open += nd->open;
            up->shown |= nd->shown;
            if (nd->quota >= 0) {
                if (d->manager[i] >= 0) {
                    team_quota[d->manager[i]] += nd->quota;
                    team_has[d->manager[i]] = 1;
                } else {
                    out->total.quota = (out->total.quota < 0 ? 0 : out->total.quota) + nd->quota;
                }
            }
            quota[i] = nd->quota;
        }
    }
    free(team_has);
    free(team_quota);

    double t1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    out->learn_seconds = t1 - t0;
    struct fc_range *range = xcalloc(np + 1, sizeof *range);
    struct fc_sim_input in = {
        .ndeals = out->nopen,
        .deal_node = deal_node,
        .amount = amount,
        .p32 = p32,
        .nnodes = np,
        .parent = d->manager,
        .base = base,
        .new_rate = new_rate,
        .new_scale = m->new_scale,
        .new_amounts = m->new_amounts,
        .nnew_amounts = m->nnew_amounts,
        .quota = quota,
        .total_quota = out->total.quota,
        .swing_sd = m->swing_sd,
        .trials = out->opt.trials,
        .seed = opt->seed,
        .threads = opt->threads,
    };
    int rc = np ? fc_simulate(&in, range, &out->total.range, e) : 0;
    out->simulate_seconds = now(CLOCK_MONOTONIC) - t1;
    out->simulate_cpu_seconds = now(CLOCK_PROCESS_CPUTIME_ID) - c1;
    for (size_t i = 0; i < np && rc == 0; i++)
        out->node[i].range = range[i];
    free(range);
    free(new_rate);
    free(quota);
    free(base);
    free(p32);
    free(amount);
    free(deal_node);
    return rc;
}
