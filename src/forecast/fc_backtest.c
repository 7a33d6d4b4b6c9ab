/* fc_backtest.c -- how good were the forecasts: every past quarter replayed at weeks 1, 4, 8.
 *
 * At each point the model is learned again from what was known then (the
 * quarters ended by that day, the events up to it), so the backtest scores
 * the forecast as it would have been made, not with hindsight.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/forecast.h"

static const int32_t week_offset[] = {0, 21, 49}; /* weeks 1, 4 and 8 */
#define NWEEKS 3

struct acc {
    uint32_t n, nzero, ncov, covered;
    double ape, sum_f, sum_a;
};

static void acc_add(struct acc *a, int64_t forecast, int64_t actual)
{
    a->n++;
    a->sum_f += (double)forecast;
    a->sum_a += (double)actual;
    if (actual > 0)
        a->ape += fabs((double)(forecast - actual)) / (double)actual;
    else
        a->nzero++;
}

static void acc_cover(struct acc *a, const struct fc_range *r, int64_t actual)
{
    a->ncov++;
    a->covered += actual >= r->p10 && actual <= r->p90;
}

static void acc_score(const struct acc *a, const char *name, struct fc_score *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->n = a->n;
    s->nzero = a->nzero;
    s->mape_bp = a->n > a->nzero ? llround(a->ape / (a->n - a->nzero) * 10000) : -1;
    s->has_bias = a->sum_a > 0;
    s->bias_bp = s->has_bias ? llround((a->sum_f - a->sum_a) / a->sum_a * 10000) : 0;
    s->coverage_bp = a->ncov ? (int32_t)llround(10000.0 * a->covered / a->ncov) : -1;
}

/* What each person's subtree won in `p`, into actual[npeople]. */
static void actuals(const struct fc_data *d, const struct fc_period *p, int64_t *actual)
{
    memset(actual, 0, d->npeople * sizeof *actual);
    for (size_t k = 0; k < d->ndeals; k++) {
        struct fc_deal_state st;
        fc_deal_at(d, k, p->end - 1, &st);
        if (st.exists && st.status == FC_WON && st.status_day >= p->start)
            actual[st.owner] += st.amount;
    }
    /* add each person's own into every manager above them, once */
    int64_t *own = xmalloc((d->npeople + 1) * sizeof *own);
    memcpy(own, actual, d->npeople * sizeof *own);
    for (size_t i = 0; i < d->npeople; i++)
        for (int32_t m = d->manager[i]; m >= 0; m = d->manager[m])
            actual[m] += own[i];
    free(own);
}

/* The calls made for `p`, each scored on its own against its forecaster's subtree; with
 * `by_role`, also into by_role[0] (sellers) or by_role[1] (managers, who have reports). */
static void score_calls(const struct fc_data *d, const struct fc_period *p, const int64_t *actual,
                        const uint8_t *has_reports, struct acc *per_person, struct acc *by_role)
{
    for (size_t c = 0; c < d->ncalls; c++) {
        const struct fc_call *call = &d->calls[c];
        if (call->period.start != p->start) continue;
        acc_add(&per_person[call->person], call->amount, actual[call->person]);
        if (by_role)
            acc_add(&by_role[has_reports[call->person]], call->amount, actual[call->person]);
    }
}

void fc_call_accuracy(const struct fc_data *d, int32_t until, struct fc_score *out)
{
    size_t np = d->npeople;
    struct acc *calls = xcalloc(np + 1, sizeof *calls);
    int64_t *actual = xmalloc((np + 1) * sizeof *actual);
    int32_t first = INT32_MAX;
    for (size_t c = 0; c < d->ncalls; c++)
        if (d->calls[c].period.start < first) first = d->calls[c].period.start;
    if (d->ncalls)
        for (struct fc_period p = fc_period_of(first); p.end - 1 <= until; p = fc_period_of(p.end)) {
            actuals(d, &p, actual);
            score_calls(d, &p, actual, NULL, calls, NULL);
        }
    for (size_t i = 0; i < np; i++)
        acc_score(&calls[i], d->person_id[i], &out[i]);
    free(actual);
    free(calls);
}

enum {
    S_MODEL_TOTAL,
    S_MEAN_TOTAL, /* the model's mean: P50 sits below it when bookings are skewed */
    S_WEIGHTED_TOTAL,
    S_MODEL_W1,
    S_WEIGHTED_W1 = S_MODEL_W1 + NWEEKS,
    S_MODEL_SELLERS = S_WEIGHTED_W1 + NWEEKS,
    S_WEIGHTED_SELLERS,
    S_CALLS_SELLERS,
    S_CALLS_MANAGERS, /* right after the sellers: score_calls indexes by has_reports */
    S_FIXED
};

void fc_backtest_release(struct fc_backtest *b)
{
    if (!b) return;
    arena_release(&b->arena);
    memset(b, 0, sizeof *b);
}

int fc_backtest_run(const struct fc_data *d, int32_t until, uint32_t trials, uint64_t seed,
                    int threads, struct fc_backtest *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!d->nevents) return err_set(e, REINS_EINVAL, "the history is empty: nothing to backtest");
    if (until == FC_NO_DAY) until = d->last_day;
    size_t np = d->npeople;
    struct acc fixed[S_FIXED];
    memset(fixed, 0, sizeof fixed);
    struct acc *calls = xcalloc(np + 1, sizeof *calls);
    int64_t *actual = xmalloc((np + 1) * sizeof *actual);
    uint8_t *has_reports = xcalloc(np + 1, 1);
    for (size_t i = 0; i < np; i++)
        if (d->manager[i] >= 0) has_reports[d->manager[i]] = 1;
    int rc = 0;
    struct fc_period first = fc_period_of(d->first_day);
    for (struct fc_period p = fc_period_of(first.end); p.end - 1 <= until && !rc;
         p = fc_period_of(p.end)) {
        actuals(d, &p, actual);
        int64_t total_actual = 0;
        for (size_t i = 0; i < np; i++)
            if (d->manager[i] < 0) total_actual += actual[i];
        out->periods++;
        for (int w = 0; w < NWEEKS && !rc; w++) {
            struct fc_options o = {.as_of = p.start + week_offset[w],
                                   .period = p,
                                   .trials = trials ? trials : 2000,
                                   .seed = seed,
                                   .threads = threads};
            struct fc_forecast f;
            rc = fc_forecast_run(d, &o, &f, e);
            if (rc == 0) {
                out->points++;
                const struct fc_node *t = &f.total;
                acc_add(&fixed[S_MODEL_TOTAL], t->range.p50, total_actual);
                acc_cover(&fixed[S_MODEL_TOTAL], &t->range, total_actual);
                acc_add(&fixed[S_MEAN_TOTAL], t->range.mean, total_actual);
                acc_add(&fixed[S_WEIGHTED_TOTAL], t->weighted, total_actual);
                acc_add(&fixed[S_MODEL_W1 + w], t->range.p50, total_actual);
                acc_cover(&fixed[S_MODEL_W1 + w], &t->range, total_actual);
                acc_add(&fixed[S_WEIGHTED_W1 + w], t->weighted, total_actual);
                for (size_t i = 0; i < np; i++) {
                    const struct fc_node *nd = &f.node[i];
                    if (has_reports[i] || !(nd->shown || actual[i])) continue;
                    acc_add(&fixed[S_MODEL_SELLERS], nd->range.p50, actual[i]);
                    acc_cover(&fixed[S_MODEL_SELLERS], &nd->range, actual[i]);
                    acc_add(&fixed[S_WEIGHTED_SELLERS], nd->weighted, actual[i]);
                }
            }
            fc_forecast_release(&f);
        }
        score_calls(d, &p, actual, has_reports, calls, &fixed[S_CALLS_SELLERS]);
    }
    if (rc == 0 && !out->periods)
        rc = err_set(e, REINS_EINVAL,
                     "no quarter to backtest: one complete quarter is needed to learn from, "
                     "and a later one that has ended");
    if (rc == 0) {
        static const char *const names[S_FIXED] = {"model P50, total",
                                                   "model mean, total",
                                                   "weighted pipeline, total",
                                                   "model P50, total, week 1",
                                                   "model P50, total, week 4",
                                                   "model P50, total, week 8",
                                                   "weighted pipeline, total, week 1",
                                                   "weighted pipeline, total, week 4",
                                                   "weighted pipeline, total, week 8",
                                                   "model P50, per seller",
                                                   "weighted pipeline, per seller",
                                                   "calls, sellers",
                                                   "calls, managers"};
        out->score = arena_alloc(&out->arena, (S_FIXED + np) * sizeof *out->score);
        for (int s = 0; s < S_FIXED; s++) {
            if (s >= S_CALLS_SELLERS && !fixed[s].n) continue;
            acc_score(&fixed[s], names[s], &out->score[out->nscores++]);
        }
        for (size_t i = 0; i < np; i++) {
            if (!calls[i].n) continue;
            char name[96];
            snprintf(name, sizeof name, "calls: %.80s", d->person_id[i]);
            acc_score(&calls[i], name, &out->score[out->nscores++]);
        }
    }
    free(has_reports);
    free(actual);
    free(calls);
    return rc;
}
