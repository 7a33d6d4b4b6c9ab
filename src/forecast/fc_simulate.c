/* fc_simulate.c -- the Monte Carlo: every open deal won or not, trial by trial, rolled up.
 *
 * The hot loop draws 100,000 deals x 10,000 trials in the benchmark, so it is
 * shaped for speed: deals are grouped by node so a node's total stays in a
 * register; one 64-bit draw decides two deals; eight trials advance together as two 4-lane vectors
 * of xoshiro256** (GCC vector extensions; on x86-64 an AVX2 clone is picked at load time when the
 * CPU has it); a win is a 32-bit compare turned into a mask, so there is no branch to mispredict.
 * Each trial owns its random stream, so threads split trials and the result does not depend on
 * them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/threads.h"
#include "forecast/forecast.h"

#define LANES 8 /* trials per block: two vectors of four */
#define LOW32 0xffffffffull

/* The period's swing: every deal's log-odds moved by the same z in a trial,
 * z = swing_sd x one of 16 equally likely levels, the standard normal's
 * quantiles at (k + 0.5) / 16. */
#define SWING_LEVELS 16
static const double swing_z[SWING_LEVELS] = {
    -1.862732, -1.318011, -1.009990, -0.776422, -0.579132, -0.402250, -0.237202, -0.078412,
    0.078412,  0.237202,  0.402250,  0.579132,  0.776422,  1.009990,  1.318011,  1.862732};
#define MAX_THREADS 64
#define MAX_NEW_PER_TRIAL 1000 /* Poisson draws are capped: a bound on the sums */

typedef uint64_t v4u __attribute__((vector_size(32)));
typedef int64_t v4s __attribute__((vector_size(32)));

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The four words of trial `trial`'s xoshiro256** state. */
static void trial_seed(uint64_t seed, uint64_t trial, uint64_t s[4])
{
    uint64_t x = seed;
    uint64_t sm = splitmix64(&x) + trial * 0x632be59bd9b4e019ull;
    for (int i = 0; i < 4; i++)
        s[i] = splitmix64(&sm);
    if (!(s[0] | s[1] | s[2] | s[3])) s[0] = 1; /* the one state xoshiro cannot leave */
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t xo_next(uint64_t s[4])
{
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* A uniform double in [0, 1). */
static double xo_unit(uint64_t s[4])
{
    return (double)(xo_next(s) >> 11) * 0x1.0p-53;
}

/* xoshiro256** on four lanes at once; x*5 and x*9 as shifts and adds, which
 * AVX2 has for 64-bit lanes (it has no 64-bit multiply). */
#define V_ROTL(x, k) (((x) << (k)) | ((x) >> (64 - (k))))
#define V_NEXT(s0, s1, s2, s3, out)                                                                \
    do {                                                                                           \
        v4u m5_ = ((s1) << 2) + (s1);                                                              \
        v4u r7_ = V_ROTL(m5_, 7);                                                                  \
        (out) = (r7_ << 3) + r7_;                                                                  \
        v4u t_ = (s1) << 17;                                                                       \
        (s2) ^= (s0);                                                                              \
        (s3) ^= (s1);                                                                              \
        (s1) ^= (s2);                                                                              \
        (s0) ^= (s3);                                                                              \
        (s2) ^= t_;                                                                                \
        (s3) = V_ROTL(s3, 45);                                                                     \
    } while (0)

struct sim {
    const struct fc_sim_input *in;
    size_t nruns;
    const uint32_t *run_node;  /* node of each run of deals */
    const size_t *run_first;   /* deals of run r: [run_first[r], run_first[r + 1]) */
    const int64_t *amount;     /* deals grouped by node */
    const int64_t *thr;        /* p32 of each grouped deal, per swing level (nswing x ndeals) */
    size_t nswing;             /* 1, or SWING_LEVELS */
    uint64_t swing_key;        /* which level a block of trials gets */
    const uint32_t *new_nodes; /* nodes with new business */
    const double *new_p0;      /* their chance of no new deal, e^-rate (nswing x nnew_nodes) */
    const double *new_mult;    /* per swing level, what the quarter does to new business */
    size_t nnew_nodes;
    size_t stride; /* trials rounded up to LANES */
    int64_t *tot;  /* nnodes x stride: each node's own bookings per trial */
    size_t nblocks;
    int nthreads;
};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((target_clones("avx2", "default")))
#else
#define HOT
#endif

/* Trials [t0, t0 + LANES): the deals, then the new business. */
HOT static void sim_block(const struct sim *S, size_t t0)
{
    const struct fc_sim_input *in = S->in;
    /* the eight trials of a block share a swing level; the levels take turns
     * over the blocks, so each is used equally often */
    size_t lev = (size_t)((t0 / LANES + S->swing_key) % S->nswing);
    const int64_t *thr_all = S->thr + lev * in->ndeals;
    uint64_t st[LANES][4];
    for (size_t l = 0; l < LANES; l++)
        trial_seed(in->seed, t0 + l, st[l]);
    v4u a0, a1, a2, a3, b0, b1, b2, b3;
    for (int l = 0; l < 4; l++) {
        a0[l] = st[l][0], a1[l] = st[l][1], a2[l] = st[l][2], a3[l] = st[l][3];
        b0[l] = st[l + 4][0], b1[l] = st[l + 4][1], b2[l] = st[l + 4][2], b3[l] = st[l + 4][3];
    }
    for (size_t r = 0; r < S->nruns; r++) {
        v4s acc_a = {0, 0, 0, 0}, acc_b = {0, 0, 0, 0};
        size_t d = S->run_first[r], end = S->run_first[r + 1];
        /* one 64-bit draw decides two deals: its high and its low 32 bits */
        for (; d + 1 < end; d += 2) {
            v4u ra, rb;
            V_NEXT(a0, a1, a2, a3, ra);
            V_NEXT(b0, b1, b2, b3, rb);
            v4s thr0 = {thr_all[d], thr_all[d], thr_all[d], thr_all[d]};
            v4s amt0 = {S->amount[d], S->amount[d], S->amount[d], S->amount[d]};
            v4s thr1 = {thr_all[d + 1], thr_all[d + 1], thr_all[d + 1], thr_all[d + 1]};
            v4s amt1 = {S->amount[d + 1], S->amount[d + 1], S->amount[d + 1], S->amount[d + 1]};
            /* won when the 32 bits fall below p * 2^32 */
            acc_a += amt0 & (v4s)((v4s)(ra >> 32) < thr0);
            acc_b += amt0 & (v4s)((v4s)(rb >> 32) < thr0);
            acc_a += amt1 & (v4s)((v4s)(ra & LOW32) < thr1);
            acc_b += amt1 & (v4s)((v4s)(rb & LOW32) < thr1);
        }
        if (d < end) {
            v4u ra, rb;
            V_NEXT(a0, a1, a2, a3, ra);
            V_NEXT(b0, b1, b2, b3, rb);
            v4s thr = {thr_all[d], thr_all[d], thr_all[d], thr_all[d]};
            v4s amt = {S->amount[d], S->amount[d], S->amount[d], S->amount[d]};
            acc_a += amt & (v4s)((v4s)(ra >> 32) < thr);
            acc_b += amt & (v4s)((v4s)(rb >> 32) < thr);
        }
        int64_t *out = S->tot + (size_t)S->run_node[r] * S->stride + t0;
        for (int l = 0; l < 4; l++) {
            out[l] = acc_a[l];
            out[l + 4] = acc_b[l];
        }
    }
    if (!S->nnew_nodes) return;
    for (int l = 0; l < 4; l++) {
        st[l][0] = a0[l], st[l][1] = a1[l], st[l][2] = a2[l], st[l][3] = a3[l];
        st[l + 4][0] = b0[l], st[l + 4][1] = b1[l], st[l + 4][2] = b2[l], st[l + 4][3] = b3[l];
    }
    for (size_t l = 0; l < LANES; l++) {
        for (size_t k = 0; k < S->nnew_nodes; k++) {
            uint32_t n = S->new_nodes[k];
            double lambda = in->new_rate[n] * S->new_mult[lev];
            /* Poisson by inversion: fine for the small means of one seller */
            double u = xo_unit(st[l]), p = S->new_p0[lev * S->nnew_nodes + k], c = p;
            int count = 0;
            while (u > c && count < MAX_NEW_PER_TRIAL) {
                count++;
                p *= lambda / count;
                c += p;
                if (p == 0 && c < u) break; /* lost to rounding: stop at the bulk */
            }
            int64_t sum = 0;
            for (int j = 0; j < count; j++) {
                size_t pick = (size_t)(xo_unit(st[l]) * (double)in->nnew_amounts);
                if (pick >= in->nnew_amounts) pick = in->nnew_amounts - 1;
                sum += llround((double)in->new_amounts[pick] * in->new_scale[n]);
            }
            S->tot[(size_t)n * S->stride + t0 + l] += sum;
        }
    }
}

struct worker {
    const struct sim *S;
    int id;
};

static void *sim_worker(void *arg)
{
    const struct worker *w = arg;
    for (size_t b = (size_t)w->id; b < w->S->nblocks; b += (size_t)w->S->nthreads)
        sim_block(w->S, b * LANES);
    return NULL;
}

/* Partially order a[0..n) so that a[k] is the k-th smallest (0-based). */
static void select_kth(int64_t *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        /* median of three as the pivot */
        int64_t x = a[lo], y = a[mid], z = a[hi];
        int64_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                int64_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

/* Nearest-rank quantiles, the mean and the chance of reaching `quota`. */
static void range_of(int64_t *v, size_t n, int64_t quota, struct fc_range *r)
{
    double sum = 0;
    size_t hit = 0;
    for (size_t i = 0; i < n; i++) {
        sum += (double)v[i];
        hit += quota >= 0 && v[i] >= quota;
    }
    r->mean = llround(sum / (double)n);
    r->p_quota_ppm = quota >= 0 ? (int32_t)((uint64_t)hit * 1000000u / n) : -1;
    size_t k10 = (size_t)ceil(0.1 * (double)n) - 1, k50 = (size_t)ceil(0.5 * (double)n) - 1,
           k90 = (size_t)ceil(0.9 * (double)n) - 1;
    select_kth(v, n, k50);
    r->p50 = v[k50];
    if (k10 < k50) select_kth(v, k50, k10);
    r->p10 = v[k10];
    if (k90 > k50) select_kth(v + k50 + 1, n - k50 - 1, k90 - k50 - 1);
    r->p90 = v[k90];
}

struct ranges {
    const struct sim *S;
    struct fc_range *out;
};

struct range_worker {
    const struct ranges *R;
    int id;
};

static void *ranges_worker(void *arg)
{
    const struct range_worker *w = arg;
    const struct sim *S = w->R->S;
    const struct fc_sim_input *in = S->in;
    for (size_t i = (size_t)w->id; i < in->nnodes; i += (size_t)S->nthreads)
        range_of(S->tot + i * S->stride, in->trials, in->quota ? in->quota[i] : -1, &w->R->out[i]);
    return NULL;
}

int fc_simulate(const struct fc_sim_input *in, struct fc_range *out, struct fc_range *total,
                struct err *e)
{
    if (!in->trials) return err_set(e, REINS_EINVAL, "at least one trial is needed");
    if (!in->nnodes) return err_set(e, REINS_EINVAL, "no nodes to simulate");
    if (!(in->swing_sd >= 0 && in->swing_sd <= 5))
        return err_set(e, REINS_EINVAL, "the swing must be from 0 to 5 (log-odds)");
    /* one 64-bit total per node per trial is kept: bound that memory (2 GiB) */
    if ((double)in->nnodes * in->trials > FC_MAX_NODE_TRIALS)
        return err_set(e, REINS_ETOOBIG, "%zu people x %u trials is too many (at most %.0f)",
                       in->nnodes, in->trials, (double)FC_MAX_NODE_TRIALS);
    size_t nn = in->nnodes;
    /* depths; a walk longer than the node count is a cycle */
    int32_t *depth = xcalloc(nn, sizeof *depth);
    int32_t maxdepth = 0;
    for (size_t i = 0; i < nn; i++) {
        int32_t p = in->parent[i];
        size_t steps = 0;
        while (p >= 0 && steps <= nn) {
            if ((size_t)p >= nn) {
                free(depth);
                return err_set(e, REINS_EINVAL, "node %zu: parent out of range", i);
            }
            p = in->parent[p];
            steps++;
        }
        if (p >= 0) {
            free(depth);
            return err_set(e, REINS_EINVAL, "node %zu: the tree has a cycle", i);
        }
        depth[i] = (int32_t)steps;
        if (depth[i] > maxdepth) maxdepth = depth[i];
    }
    /* a bound on every sum, so that no total can overflow */
    double bound = 0;
    for (size_t d = 0; d < in->ndeals; d++) {
        if (in->deal_node[d] >= nn || in->p32[d] > FC_P32_ONE || in->amount[d] < 0) {
            free(depth);
            return err_set(e, REINS_EINVAL, "deal %zu: node, probability or amount out of range",
                           d);
        }
        bound += (double)in->amount[d];
    }
    size_t nnew = 0;
    double max_new = 0;
    for (size_t i = 0; i < in->nnew_amounts; i++)
        if ((double)in->new_amounts[i] > max_new) max_new = (double)in->new_amounts[i];
    for (size_t i = 0; i < nn; i++) {
        if (in->base) bound += fabs((double)in->base[i]);
        if (in->new_rate && in->nnew_amounts && in->new_rate[i] > 0) {
            if (!(in->new_rate[i] < 1e4) || !(in->new_scale[i] >= 0 && in->new_scale[i] < 1e6)) {
                free(depth);
                return err_set(e, REINS_EINVAL, "node %zu: new business out of range", i);
            }
            nnew++;
            bound += MAX_NEW_PER_TRIAL * (max_new * in->new_scale[i] + 1);
        }
    }
    if (bound > 0x1p62) {
        free(depth);
        return err_set(e, REINS_EINVAL, "the amounts are too large to add up");
    }

    struct sim S = {.in = in, .stride = (in->trials + LANES - 1) / LANES * LANES};
    S.nblocks = S.stride / LANES;
    /* group deals by node (a counting sort keeps their order within a node) */
    size_t *count = xcalloc(nn + 1, sizeof *count);
    for (size_t d = 0; d < in->ndeals; d++)
        count[in->deal_node[d] + 1]++;
    for (size_t i = 0; i < nn; i++)
        count[i + 1] += count[i];
    int64_t *amount = xmalloc((in->ndeals + 1) * sizeof *amount);
    S.nswing = in->swing_sd > 0 ? SWING_LEVELS : 1;
    uint64_t key = in->seed ^ 0x5157494e47ull; /* "SWING" */
    S.swing_key = splitmix64(&key) % S.nswing;
    int64_t *thr = xmalloc((S.nswing * in->ndeals + 1) * sizeof *thr);
    size_t *fill = xmalloc((nn + 1) * sizeof *fill);
    memcpy(fill, count, (nn + 1) * sizeof *fill);
    for (size_t d = 0; d < in->ndeals; d++) {
        size_t at = fill[in->deal_node[d]]++;
        amount[at] = in->amount[d];
        thr[at] = (int64_t)in->p32[d];
        /* the same deal at each swing level: odds x e^z; certain and hopeless stay so */
        for (size_t k = 1; k < S.nswing; k++) {
            int64_t t = thr[at];
            if (t > 0 && t < (int64_t)FC_P32_ONE) {
                double p = (double)t / (double)FC_P32_ONE;
                double o = p / (1 - p) * exp(in->swing_sd * swing_z[k]);
                t = llround(o / (1 + o) * (double)FC_P32_ONE);
            }
            thr[k * in->ndeals + at] = t;
        }
    }
    for (size_t at = 0; S.nswing > 1 && at < in->ndeals; at++) {
        int64_t t = thr[at];
        if (t > 0 && t < (int64_t)FC_P32_ONE) {
            double p = (double)t / (double)FC_P32_ONE;
            double o = p / (1 - p) * exp(in->swing_sd * swing_z[0]);
            thr[at] = llround(o / (1 + o) * (double)FC_P32_ONE);
        }
    }
    uint32_t *run_node = xmalloc((nn + 1) * sizeof *run_node);
    size_t *run_first = xmalloc((nn + 1) * sizeof *run_first);
    uint32_t *new_nodes = xmalloc((nn + 1) * sizeof *new_nodes);
    double *new_p0 = xmalloc((S.nswing * nn + 1) * sizeof *new_p0);
    /* New business shares the quarter's fortune: a deal made and won within the period is
     * rare, its odds about its rate, so the rate moves by e^z too. The rates were learned
     * over good and bad quarters alike, so e^(z - s^2 / 2) keeps their mean. */
    double new_mult[SWING_LEVELS] = {1};
    for (size_t k = 0; S.nswing > 1 && k < S.nswing; k++)
        new_mult[k] = exp(in->swing_sd * swing_z[k] - in->swing_sd * in->swing_sd / 2);
    for (size_t i = 0; i < nn; i++) {
        if (count[i + 1] > count[i]) {
            run_node[S.nruns] = (uint32_t)i;
            run_first[S.nruns++] = count[i];
        }
        if (in->new_rate && in->nnew_amounts && in->new_rate[i] > 0)
            new_nodes[S.nnew_nodes++] = (uint32_t)i;
    }
    for (size_t k = 0; k < S.nswing; k++)
        for (size_t j = 0; j < S.nnew_nodes; j++)
            new_p0[k * S.nnew_nodes + j] = exp(-in->new_rate[new_nodes[j]] * new_mult[k]);
    S.new_mult = new_mult;
    (void)nnew;
    run_first[S.nruns] = in->ndeals;
    S.run_node = run_node;
    S.run_first = run_first;
    S.amount = amount;
    S.thr = thr;
    S.new_nodes = new_nodes;
    S.new_p0 = new_p0;
    S.tot = xcalloc(nn * S.stride, sizeof *S.tot);

    int nt = threads_count(in->threads, MAX_THREADS);
    if ((size_t)nt > S.nblocks) nt = (int)S.nblocks;
    S.nthreads = nt;
    struct worker w[MAX_THREADS];
    for (int i = 0; i < nt; i++)
        w[i] = (struct worker){&S, i};
    threads_run(nt, sim_worker, w, sizeof *w);

    /* roll up: deepest first, each node's trials into its parent's */
    size_t T = in->trials;
    int64_t *all = xcalloc(T, sizeof *all);
    for (int32_t dep = maxdepth; dep >= 0; dep--) {
        for (size_t i = 0; i < nn; i++) {
            if (depth[i] != dep) continue;
            int64_t *v = S.tot + i * S.stride;
            if (in->base)
                for (size_t t = 0; t < T; t++)
                    v[t] += in->base[i];
            int64_t *up = in->parent[i] >= 0 ? S.tot + (size_t)in->parent[i] * S.stride : all;
            for (size_t t = 0; t < T; t++)
                up[t] += v[t];
        }
    }
    /* then each node's quantiles, which reorder its trials, split over the threads */
    struct ranges R = {&S, out};
    struct range_worker rw[MAX_THREADS];
    for (int i = 0; i < nt; i++)
        rw[i] = (struct range_worker){&R, i};
    threads_run(nt, ranges_worker, rw, sizeof *rw);
    range_of(all, T, in->total_quota, total);
    free(all);
    free(S.tot);
    free(new_p0);
    free(new_nodes);
    free(run_first);
    free(run_node);
    free(fill);
    free(thr);
    free(amount);
    free(count);
    free(depth);
    return 0;
}
