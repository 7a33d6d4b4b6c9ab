/* terr_search.c -- the territory heuristics: a first assignment, a local search for the
 * distance sum (shift and swap moves with balance repair), and for the largest diameter a
 * tabu search on a shrinking diameter bound. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "territory/terr_internal.h"

/* Candidate territories per unit in the distance-sum search: its nearest centres. */
#define SUM_CANDIDATES 12
/* Members of the other territory looked at for a swap. */
#define SWAP_SCAN 16
/* Units in conflict tried for swaps in each tabu step. */
#define DIAM_SWAP_UNITS 32

static size_t nearest_centre(const struct terr_ctx *c, size_t i)
{
    size_t best = 0;
    double bd = INFINITY;
    for (size_t t = 0; t < c->k; t++) {
        double d = terr_centre_cost(c, i, t);
        if (d < bd) bd = d, best = t;
    }
    return best;
}

/* Grow territories from their centres over the adjacency, the lightest territory (by the
 * first measure) taking its nearest unassigned neighbour next. */
static void grow_regions(struct terr_ctx *c, int32_t *assign)
{
    size_t n = c->n, k = c->k, m = c->m;
    const struct terr_problem *p = c->p;
    double *w = xcalloc(k, sizeof *w);
    unsigned char *stuck = xcalloc(k, 1);
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        assign[i] = c->fixed[i];
        if (assign[i] >= 0)
            w[assign[i]] += p->measure[i * m];
        else
            left++;
    }
    for (size_t t = 0; t < k; t++) {
        size_t s = (size_t)c->cu[t];
        if (p->metric != TERR_GRAPH && !(p->home && p->home[t] >= 0)) {
            /* the unit nearest the seed point */
            s = 0;
            for (size_t i = 1; i < n; i++)
                if (terr_centre_cost(c, i, t) < terr_centre_cost(c, s, t)) s = i;
        }
        if (assign[s] < 0) assign[s] = (int32_t)t, w[t] += p->measure[s * m], left--;
    }
    while (left) {
        size_t t = SIZE_MAX;
        for (size_t s = 0; s < k; s++)
            if (!stuck[s] && (t == SIZE_MAX || w[s] < w[t])) t = s;
        if (t == SIZE_MAX) break;
        size_t pick = SIZE_MAX;
        double pd = INFINITY;
        for (size_t i = 0; i < n; i++) {
            if (assign[i] != (int32_t)t) continue;
            for (size_t a = c->adj_off[i]; a < c->adj_off[i + 1]; a++) {
                size_t v = c->adj_to[a];
                if (assign[v] >= 0) continue;
                double d = terr_centre_cost(c, v, t);
                if (d < pd) pd = d, pick = v;
            }
        }
        if (pick == SIZE_MAX) {
            stuck[t] = 1;
            continue;
        }
        assign[pick] = (int32_t)t, w[t] += p->measure[pick * m], left--;
    }
    for (size_t i = 0; i < n; i++) /* units no territory could reach */
        if (assign[i] < 0) assign[i] = (int32_t)nearest_centre(c, i);
    free(w), free(stuck);
}

void terr_initial(struct terr_ctx *c, int32_t *assign)
{
    const struct terr_problem *p = c->p;
    if (p->contiguous && !p->current) {
        grow_regions(c, assign);
        return;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (c->fixed[i] >= 0)
            assign[i] = c->fixed[i];
        else if (p->current && p->current[i] >= 0)
            assign[i] = p->current[i];
        else
            assign[i] = (int32_t)nearest_centre(c, i);
    }
}

/* Territory member lists with O(1) removal. */
struct members {
    uint32_t **v;
    size_t *len, *cap, *pos;
};

static void members_init(struct members *ms, const int32_t *assign, size_t n, size_t k)
{
    ms->v = xcalloc(k, sizeof *ms->v);
    ms->len = xcalloc(k, sizeof *ms->len), ms->cap = xcalloc(k, sizeof *ms->cap);
    ms->pos = xmalloc(n * sizeof *ms->pos);
    for (size_t i = 0; i < n; i++) {
        size_t t = (size_t)assign[i];
        if (ms->len[t] == ms->cap[t]) {
            ms->cap[t] = ms->cap[t] ? 2 * ms->cap[t] : 16;
            ms->v[t] = xrealloc(ms->v[t], ms->cap[t] * sizeof **ms->v);
        }
        ms->pos[i] = ms->len[t];
        ms->v[t][ms->len[t]++] = (uint32_t)i;
    }
}

static void members_move(struct members *ms, size_t i, size_t from, size_t to)
{
    size_t at = ms->pos[i];
    uint32_t last = ms->v[from][--ms->len[from]];
    ms->v[from][at] = last, ms->pos[last] = at;
    if (ms->len[to] == ms->cap[to]) {
        ms->cap[to] = ms->cap[to] ? 2 * ms->cap[to] : 16;
        ms->v[to] = xrealloc(ms->v[to], ms->cap[to] * sizeof **ms->v);
    }
    ms->pos[i] = ms->len[to];
    ms->v[to][ms->len[to]++] = (uint32_t)i;
}

static void members_free(struct members *ms, size_t k)
{
    for (size_t t = 0; t < k; t++)
        free(ms->v[t]);
    free(ms->v), free(ms->len), free(ms->cap), free(ms->pos);
}

/* The search state shared by both heuristics. */
struct state {
    struct terr_ctx *c;
    int32_t *assign;
    double *W; /* k * m totals */
    double *V; /* k violations */
    double Vsum;
    long moves; /* units away from their current owner */
    uint32_t *queue;
    unsigned char *mark;
    double *wa, *wb; /* m scratch */
    int squared;     /* violations squared: a far-off territory sheds units through its
                        neighbours, which a linear measure of the excess does not reward */
};

static double violation(const struct state *s, const double *w)
{
    if (!s->squared) return terr_violation(s->c, w);
    double v = 0;
    for (size_t j = 0; j < s->c->m; j++) {
        double x = terr_violation_one(s->c, w, j);
        v += x * x;
    }
    return v;
}

static void state_init(struct state *s, struct terr_ctx *c, int32_t *assign, int squared)
{
    size_t n = c->n, k = c->k, m = c->m;
    memset(s, 0, sizeof *s);
    s->squared = squared;
    s->c = c, s->assign = assign;
    s->W = xcalloc(k * m, sizeof *s->W), s->V = xcalloc(k, sizeof *s->V);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            s->W[(size_t)assign[i] * m + j] += c->p->measure[i * m + j];
    for (size_t t = 0; t < k; t++)
        s->V[t] = violation(s, s->W + t * m), s->Vsum += s->V[t];
    for (size_t i = 0; c->p->current && i < n; i++)
        if (c->p->current[i] >= 0 && c->p->current[i] != assign[i]) s->moves++;
    s->queue = xmalloc(n * sizeof *s->queue), s->mark = xcalloc(n, 1);
    s->wa = xmalloc(m * sizeof *s->wa), s->wb = xmalloc(m * sizeof *s->wb);
}

/* Violations again from the totals (after the bands changed). */
static void state_refresh(struct state *s)
{
    s->Vsum = 0;
    for (size_t t = 0; t < s->c->k; t++)
        s->V[t] = violation(s, s->W + t * s->c->m), s->Vsum += s->V[t];
    if (s->Vsum < 1e-12) s->Vsum = 0;
}

static void state_free(struct state *s)
{
    free(s->W), free(s->V), free(s->queue), free(s->mark), free(s->wa), free(s->wb);
}

/* Change in the count of moved units if i goes to t. */
static long move_change(const struct state *s, size_t i, size_t t)
{
    const int32_t *cur = s->c->p->current;
    if (!cur || cur[i] < 0) return 0;
    return (long)(cur[i] != (int32_t)t) - (long)(cur[i] != s->assign[i]);
}

static int moves_ok(const struct state *s, long change)
{
    const struct terr_problem *p = s->c->p;
    return !p->current || p->max_moves < 0 || change <= 0 || s->moves + change <= p->max_moves;
}

/* Violations of a and b after unit i (measures mi) leaves a for b, and unit j (mj, may be
 * NULL) leaves b for a. */
static void violations_after(struct state *s, size_t a, size_t b, const double *mi,
                             const double *mj, double *va, double *vb)
{
    size_t m = s->c->m;
    for (size_t x = 0; x < m; x++) {
        double d = mi[x] - (mj ? mj[x] : 0);
        s->wa[x] = s->W[a * m + x] - d, s->wb[x] = s->W[b * m + x] + d;
    }
    *va = violation(s, s->wa), *vb = violation(s, s->wb);
}

/* Can unit i leave its territory for t without breaking contiguity? */
static int contiguity_ok(struct state *s, size_t i, size_t t)
{
    struct terr_ctx *c = s->c;
    if (!c->p->contiguous) return 1;
    size_t a = (size_t)s->assign[i];
    int empty_t = 1;
    for (size_t x = 0; x < c->n && empty_t; x++)
        if ((size_t)s->assign[x] == t) empty_t = 0;
    if (!empty_t && !terr_touches(c, s->assign, i, t)) return 0;
    return terr_connected(c, s->assign, a, i,
                          c->adj_off[i] < c->adj_off[i + 1] ? c->adj_to[c->adj_off[i]] : 0,
                          s->queue, s->mark);
}

static void apply_move(struct state *s, size_t i, size_t t)
{
    struct terr_ctx *c = s->c;
    size_t m = c->m, a = (size_t)s->assign[i];
    const double *mi = c->p->measure + i * m;
    s->moves += move_change(s, i, t);
    for (size_t x = 0; x < m; x++)
        s->W[a * m + x] -= mi[x], s->W[t * m + x] += mi[x];
    s->Vsum -= s->V[a] + s->V[t];
    s->V[a] = violation(s, s->W + a * m), s->V[t] = violation(s, s->W + t * m);
    s->Vsum += s->V[a] + s->V[t];
    if (s->Vsum < 1e-12) s->Vsum = 0;
    s->assign[i] = (int32_t)t;
}

static double move_cost(const struct terr_ctx *c, size_t i, size_t t)
{
    double d = terr_centre_cost(c, i, t);
    const struct terr_problem *p = c->p;
    if (p->current && p->current[i] >= 0 && p->current[i] != (int32_t)t) d += p->move_penalty;
    return d;
}

/* Candidate territories of each unit, CSR with their move costs: its `L` nearest centres, and
 * every territory that has the unit among its `reach` nearest units, so that a territory far
 * from everyone else's centre can still gain units when it is short. Costs are computed once
 * per centre set; widening a territory's reach recomputes that territory's list only. */
struct cands {
    size_t n, k, L;
    size_t *off;    /* n + 1 */
    uint32_t *to;   /* territories */
    double *cost;   /* their move costs */
    uint32_t *near; /* n * L */
    double *near_cost;
    uint32_t **rev; /* k lists of units */
    double **rev_cost;
    size_t *rev_len;
};

static void select_nearest(uint32_t *idx, size_t len, size_t want, const double *d)
{
    size_t lo = 0, hi = len; /* quickselect: the `want` smallest of d[idx[...]] first */
    while (hi - lo > 1) {
        double pivot = d[idx[lo + (hi - lo) / 2]];
        size_t i = lo, j = hi - 1;
        while (i <= j) {
            while (d[idx[i]] < pivot)
                i++;
            while (d[idx[j]] > pivot)
                j--;
            if (i <= j) {
                uint32_t t = idx[i];
                idx[i] = idx[j], idx[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (want <= j)
            hi = j + 1;
        else if (want >= i)
            lo = i;
        else
            break;
    }
}

/* Territory t's reach list from its costs d (n) to every unit. */
static void cands_reach(struct cands *cs, size_t t, size_t reach, const double *d, uint32_t *idx)
{
    size_t n = cs->n;
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    if (reach < n) select_nearest(idx, n, reach, d);
    cs->rev[t] = xrealloc(cs->rev[t], (reach + 1) * sizeof **cs->rev);
    cs->rev_cost[t] = xrealloc(cs->rev_cost[t], (reach + 1) * sizeof **cs->rev_cost);
    for (size_t q = 0; q < reach; q++)
        cs->rev[t][q] = idx[q], cs->rev_cost[t][q] = d[idx[q]];
    cs->rev_len[t] = reach;
}

/* The CSR from the near and reach lists. */
static void cands_build(struct cands *cs)
{
    size_t n = cs->n, k = cs->k, L = cs->L;
    size_t *count = cs->off;
    memset(count, 0, (n + 1) * sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[i + 1] = L;
    for (size_t t = 0; t < k; t++)
        for (size_t q = 0; q < cs->rev_len[t]; q++)
            count[cs->rev[t][q] + 1]++;
    for (size_t i = 0; i < n; i++)
        count[i + 1] += count[i];
    free(cs->to), free(cs->cost);
    cs->to = xmalloc((count[n] + 1) * sizeof *cs->to);
    cs->cost = xmalloc((count[n] + 1) * sizeof *cs->cost);
    size_t *fill = xmalloc(n * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        memcpy(cs->to + count[i], cs->near + i * L, L * sizeof *cs->near);
        memcpy(cs->cost + count[i], cs->near_cost + i * L, L * sizeof *cs->near_cost);
        fill[i] = count[i] + L;
    }
    for (size_t t = 0; t < k; t++)
        for (size_t q = 0; q < cs->rev_len[t]; q++) {
            size_t i = cs->rev[t][q], dup = 0;
            for (size_t x = 0; x < L && !dup; x++)
                dup = cs->near[i * L + x] == (uint32_t)t;
            if (!dup) cs->to[fill[i]] = (uint32_t)t, cs->cost[fill[i]++] = cs->rev_cost[t][q];
        }
    /* close the gaps the duplicates left */
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        size_t from = count[i], to = fill[i];
        count[i] = w;
        memmove(cs->to + w, cs->to + from, (to - from) * sizeof *cs->to);
        memmove(cs->cost + w, cs->cost + from, (to - from) * sizeof *cs->cost);
        w += to - from;
    }
    count[n] = w;
    free(fill);
}

/* Every list, from the current centres: one sweep of n * k costs. */
static void cands_init(struct cands *cs, const struct terr_ctx *c, size_t L, const size_t *reach)
{
    size_t n = c->n, k = c->k;
    memset(cs, 0, sizeof *cs);
    cs->n = n, cs->k = k, cs->L = L;
    cs->off = xcalloc(n + 1, sizeof *cs->off);
    cs->near = xmalloc(n * L * sizeof *cs->near);
    cs->near_cost = xmalloc(n * L * sizeof *cs->near_cost);
    cs->rev = xcalloc(k, sizeof *cs->rev), cs->rev_cost = xcalloc(k, sizeof *cs->rev_cost);
    cs->rev_len = xcalloc(k, sizeof *cs->rev_len);
    double *d = xmalloc(n * sizeof *d);
    uint32_t *idx = xmalloc(n * sizeof *idx);
    size_t *len = xcalloc(n, sizeof *len);
    for (size_t t = 0; t < k; t++) {
        for (size_t i = 0; i < n; i++) {
            d[i] = move_cost(c, i, t);
            uint32_t *ci = cs->near + i * L;
            double *di = cs->near_cost + i * L;
            if (len[i] == L && d[i] >= di[L - 1]) continue;
            size_t at = len[i] < L ? len[i]++ : L - 1;
            while (at > 0 && di[at - 1] > d[i]) {
                di[at] = di[at - 1], ci[at] = ci[at - 1];
                at--;
            }
            di[at] = d[i], ci[at] = (uint32_t)t;
        }
        cands_reach(cs, t, reach[t], d, idx);
    }
    free(d), free(idx), free(len);
    cands_build(cs);
}

/* Widen territory t's reach. */
static void cands_widen(struct cands *cs, const struct terr_ctx *c, size_t t, size_t reach)
{
    double *d = xmalloc(cs->n * sizeof *d);
    uint32_t *idx = xmalloc(cs->n * sizeof *idx);
    for (size_t i = 0; i < cs->n; i++)
        d[i] = move_cost(c, i, t);
    cands_reach(cs, t, reach, d, idx);
    free(d), free(idx);
}

static void cands_free(struct cands *cs)
{
    for (size_t t = 0; t < cs->k; t++)
        free(cs->rev[t]), free(cs->rev_cost[t]);
    free(cs->off), free(cs->to), free(cs->cost), free(cs->near), free(cs->near_cost);
    free(cs->rev), free(cs->rev_cost), free(cs->rev_len);
}

static void shuffle(size_t *v, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = terr_rand_below(rng, i);
        size_t t = v[i - 1];
        v[i - 1] = v[j], v[j] = t;
    }
}

/* Try the best swap of unit i (in a) with a member j of b; returns j, or SIZE_MAX if none
 * was made. */
static size_t try_swap(struct state *s, struct members *ms, size_t i, size_t b, double lambda,
                       int hard)
{
    struct terr_ctx *c = s->c;
    size_t m = c->m, a = (size_t)s->assign[i];
    const double *meas = c->p->measure;
    size_t len = ms->len[b];
    if (!len || c->p->contiguous) return SIZE_MAX;
    size_t scan = len < SWAP_SCAN ? len : SWAP_SCAN, off = terr_rand_below(&c->rng, len);
    double base = move_cost(c, i, b) - move_cost(c, i, a);
    double best = -1e-9;
    size_t bj = SIZE_MAX;
    for (size_t q = 0; q < scan; q++) {
        size_t j = ms->v[b][(off + q) % len];
        if (c->fixed[j] >= 0) continue;
        long ch = move_change(s, i, b);
        s->assign[i] = (int32_t)b; /* j's change is counted with i already moved */
        ch += move_change(s, j, a);
        s->assign[i] = (int32_t)a;
        if (!moves_ok(s, ch)) continue;
        double d = base + move_cost(c, j, a) - move_cost(c, j, b);
        if (d >= best) continue;
        double va, vb;
        violations_after(s, a, b, meas + i * m, meas + j * m, &va, &vb);
        double dv = va + vb - s->V[a] - s->V[b];
        if (hard && (va > 0 || vb > 0)) continue;
        if (!hard && !(dv < -1e-12)) continue; /* out of balance, a swap must mend it */
        if (!hard) d += lambda * dv;
        if (d < best) best = d, bj = j;
    }
    if (bj == SIZE_MAX) return SIZE_MAX;
    apply_move(s, i, b);
    members_move(ms, i, a, b);
    apply_move(s, bj, a);
    members_move(ms, bj, b, a);
    return bj;
}

/* Shift and swap passes with the centres held still. */
static long sum_passes(struct state *s, const struct cands *cs, double *lambda, int *stopped)
{
    struct terr_ctx *c = s->c;
    const struct terr_problem *p = c->p;
    size_t n = c->n, m = c->m;
    long iters = 0;
    size_t *order = xmalloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    struct members ms;
    members_init(&ms, s->assign, n, c->k);
    double *hc = xmalloc(n * sizeof *hc); /* each unit's cost where it is */
    for (size_t i = 0; i < n; i++)
        hc[i] = move_cost(c, i, (size_t)s->assign[i]);
    int raises = 0, idle = 0;
    for (;;) {
        shuffle(order, n, &c->rng);
        int improved = 0, hard = s->Vsum == 0;
        double total = 0, gain = 0, vstart = s->Vsum;
        for (size_t i = 0; i < n; i++)
            total += hc[i];
        for (size_t q = 0; q < n; q++) {
            if ((q & 1023) == 0 && terr_now() > c->deadline) *stopped = 1;
            if (p->max_iter > 0 && iters >= p->max_iter) *stopped = 1;
            if (*stopped) break;
            size_t i = order[q], a = (size_t)s->assign[i];
            if (c->fixed[i] >= 0) continue;
            double here = hc[i], best = -1e-9, bcost = 0;
            size_t bt = SIZE_MAX, blocked = SIZE_MAX;
            size_t ncand = cs->off[i + 1] - cs->off[i];
            for (size_t x = 0; x <= ncand; x++) {
                size_t t;
                double tc;
                if (x < ncand)
                    t = cs->to[cs->off[i] + x], tc = cs->cost[cs->off[i] + x];
                else if (p->current && p->current[i] >= 0)
                    t = (size_t)p->current[i], tc = move_cost(c, i, t);
                else
                    break;
                if (t == a || !moves_ok(s, move_change(s, i, t))) continue;
                double d = tc - here;
                if (hard && d >= best) continue;
                double va, vb;
                violations_after(s, a, t, p->measure + i * m, NULL, &va, &vb);
                double dv = va + vb - s->V[a] - s->V[t];
                if (hard && (va > 0 || vb > 0)) {
                    if (d < 0 && blocked == SIZE_MAX) blocked = t;
                    continue;
                }
                if (!hard) d += *lambda * dv;
                if (d < best && contiguity_ok(s, i, t)) best = d, bt = t, bcost = tc;
            }
            if (bt != SIZE_MAX) {
                apply_move(s, i, bt);
                members_move(&ms, i, a, bt);
                gain += hc[i] - bcost;
                hc[i] = bcost;
                improved = 1, iters++;
            } else if (blocked != SIZE_MAX) {
                size_t j = try_swap(s, &ms, i, blocked, *lambda, hard);
                if (j != SIZE_MAX) {
                    double before = hc[i] + hc[j];
                    hc[i] = move_cost(c, i, (size_t)s->assign[i]);
                    hc[j] = move_cost(c, j, (size_t)s->assign[j]);
                    gain += before - hc[i] - hc[j];
                    improved = 1, iters++;
                }
            }
        }
        if (*stopped) break;
        /* balanced, and a pass that gained less than 0.03% is the end */
        if (hard && s->Vsum == 0 && gain <= 3e-4 * total) improved = 0;
        /* unbalanced: progress is less violation (or, while it is cheap, distance) */
        if (!hard && s->Vsum > 0.999 * vstart && (raises >= 60 || gain <= 1e-5 * total))
            improved = 0;
        /* still unbalanced after a pass: make balance dearer and go on */
        if (s->Vsum > 0 && raises < 60) *lambda *= 2, raises++;
        if (improved)
            idle = 0;
        else if (s->Vsum == 0 || ++idle >= 3 || raises >= 60)
            break;
    }
    members_free(&ms, c->k);
    free(order), free(hc);
    return iters;
}

long terr_search_sum(struct terr_ctx *c, int32_t *assign)
{
    size_t n = c->n, k = c->k;
    size_t L = k < SUM_CANDIDATES ? k : SUM_CANDIDATES;
    /* a territory's reach: about three times its share of units */
    size_t *reach = xmalloc(k * sizeof *reach);
    for (size_t t = 0; t < k; t++)
        reach[t] = 3 * (n / k) + 10 < n ? 3 * (n / k) + 10 : n;
    long iters = 0;
    int stopped = 0;
    terr_update_centres(c, assign);
    double avg = 0;
    for (size_t i = 0; i < n; i++)
        avg += terr_centre_cost(c, i, (size_t)assign[i]);
    avg /= (double)n;
    /* one unit's share of a measure is about k/n of the mean: weigh a balance miss of one
       unit like its distance */
    double lambda = (avg > 0 ? avg : 1) * (double)n / (double)k;
    struct state s;
    state_init(&s, c, assign, 1);
    struct cands cs;
    cands_init(&cs, c, L, reach);
    /* Search first within a band a fifth narrower than asked: territories then do not pile up
       on a bound, and the last excess can be traded away through neighbours with room. The
       true band comes back for the final passes. */
    size_t m = c->m;
    double *lo = xmalloc(m * sizeof *lo), *hi = xmalloc(m * sizeof *hi);
    memcpy(lo, c->lo, m * sizeof *lo), memcpy(hi, c->hi, m * sizeof *hi);
    for (size_t j = 0; j < m; j++) {
        if (isfinite(lo[j])) c->lo[j] = c->mean[j] - 0.8 * (c->mean[j] - lo[j]);
        if (isfinite(hi[j])) c->hi[j] = c->mean[j] + 0.8 * (hi[j] - c->mean[j]);
    }
    state_refresh(&s);
    for (int round = 0, widen = 0; round < 100 && !stopped; round++) {
        iters += sum_passes(&s, &cs, &lambda, &stopped);
        /* stuck out of balance: an unbalanced territory reaches farther for units to trade */
        if (s.Vsum > 0 && widen < 8 && !stopped) {
            int grew = 0;
            for (size_t t = 0; t < k; t++)
                if (s.V[t] > 0 && reach[t] < n) {
                    reach[t] = 3 * reach[t] < n ? 3 * reach[t] : n, grew = 1;
                    cands_widen(&cs, c, t, reach[t]);
                }
            if (grew) {
                widen++;
                cands_build(&cs);
                continue;
            }
        }
        if (c->fixed_centres || !terr_update_centres(c, assign)) break;
        cands_free(&cs);
        cands_init(&cs, c, L, reach);
    }
    memcpy(c->lo, lo, m * sizeof *lo), memcpy(c->hi, hi, m * sizeof *hi);
    free(lo), free(hi);
    state_refresh(&s);
    if (!stopped) iters += sum_passes(&s, &cs, &lambda, &stopped);
    cands_free(&cs);
    free(reach);
    state_free(&s);
    return iters;
}

/* ---- the largest diameter: tabu search on a shrinking bound ---- */

static double max_diameter(const struct terr_ctx *c, const int32_t *assign)
{
    double d = 0;
    for (size_t i = 0; i < c->n; i++)
        for (size_t j = i + 1; j < c->n; j++)
            if (assign[i] == assign[j]) {
                double x = terr_dist(c, i, j);
                if (x > d) d = x;
            }
    return d;
}

/* cnt[i * k + t]: members of t (other than i) farther than R from i. Returns the number of
 * such pairs inside territories. */
static long count_conflicts(const struct terr_ctx *c, const int32_t *assign, double R, int32_t *cnt)
{
    size_t n = c->n, k = c->k;
    memset(cnt, 0, n * k * sizeof *cnt);
    long pairs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (terr_dist(c, i, j) > R) {
                cnt[i * k + (size_t)assign[j]]++, cnt[j * k + (size_t)assign[i]]++;
                if (assign[i] == assign[j]) pairs++;
            }
    return pairs;
}

long terr_search_diameter(struct terr_ctx *c, int32_t *assign)
{
    const struct terr_problem *p = c->p;
    size_t n = c->n, k = c->k, m = c->m;
    /* a balanced, compact start: the distance-sum search to centres */
    long iters = terr_search_sum(c, assign);
    if (k == 1) return iters;
    struct state s;
    state_init(&s, c, assign, 0);
    int32_t *best = xmalloc(n * sizeof *best);
    memcpy(best, assign, n * sizeof *best);
    int contiguity_fine = 1;
    if (p->contiguous)
        for (size_t t = 0; t < k; t++)
            if (!terr_connected(c, assign, t, SIZE_MAX, 0, s.queue, s.mark)) contiguity_fine = 0;
    double bestD = max_diameter(c, assign);
    int have = s.Vsum == 0 && contiguity_fine;
    double R = have ? bestD * (1 - 1e-12) - 1e-12 : bestD;
    int32_t *cnt = xmalloc(n * k * sizeof *cnt);
    long conflicts = count_conflicts(c, assign, R, cnt);
    long *tabu = xcalloc(n * k, sizeof *tabu);
    /* weight of balance against one conflicting pair: one unit is about k/n of a mean */
    double mu = (double)n / (double)k, mu_min = mu / 100, mu_max = mu * 100;
    long stall = 0, stall_limit = 2000 + 40 * (long)(n * k);
    long it = 0, since_feasible = 0, since_infeasible = 0;
    double best_g = INFINITY;
    size_t *conf = xmalloc(n * sizeof *conf);
    while ((p->max_iter <= 0 || iters + it < p->max_iter) && stall < stall_limit) {
        if ((it & 63) == 0 && terr_now() > c->deadline) break;
        it++, stall++;
        double g = (double)conflicts + mu * s.Vsum;
        size_t bu = SIZE_MAX, bv = SIZE_MAX, bt = 0, ties = 0, nconf = 0;
        double bd = INFINITY;
        for (size_t u = 0; u < n; u++)
            if (cnt[u * k + (size_t)assign[u]] > 0) conf[nconf++] = u;
        /* shifts: a unit in conflict, or out of an unbalanced territory, anywhere; any unit
           into an unbalanced territory */
        for (size_t u = 0; u < n; u++) {
            size_t a = (size_t)assign[u];
            if (c->fixed[u] >= 0) continue;
            int any = cnt[u * k + a] > 0 || s.V[a] > 0;
            if (!any && s.Vsum == 0) continue;
            double va = 0;
            int va_done = 0;
            for (size_t t = 0; t < k; t++) {
                if (t == a || (!any && s.V[t] == 0)) continue;
                long ch = move_change(&s, u, t);
                if (!moves_ok(&s, ch)) continue;
                double vb;
                if (!va_done) {
                    violations_after(&s, a, t, p->measure + u * m, NULL, &va, &vb);
                    va_done = 1;
                } else {
                    const double *mu_ = p->measure + u * m;
                    for (size_t x = 0; x < m; x++)
                        s.wb[x] = s.W[t * m + x] + mu_[x];
                    vb = violation(&s, s.wb);
                }
                double d = (double)(cnt[u * k + t] - cnt[u * k + a]) +
                           mu * (va + vb - s.V[a] - s.V[t]) +
                           (p->current ? p->move_penalty * 1e-6 * (double)ch : 0);
                if (d > bd + 1e-12) continue;
                if (tabu[u * k + t] > it && !(g + d < best_g - 1e-9)) continue;
                if (d < bd - 1e-12) ties = 0;
                /* ties broken at random, uniformly (reservoir) */
                if (terr_rand_below(&c->rng, ++ties) != 0) continue;
                if (!contiguity_ok(&s, u, t)) continue;
                bd = d, bu = u, bt = t, bv = SIZE_MAX;
            }
        }
        /* swaps of a unit in conflict with a unit of another territory: they keep balance
           nearly as it is, which shifts alone cannot */
        size_t scan = nconf < DIAM_SWAP_UNITS ? nconf : DIAM_SWAP_UNITS;
        for (size_t q = 0; q < scan && !p->contiguous; q++) {
            size_t u = conf[nconf > scan ? terr_rand_below(&c->rng, nconf) : q];
            size_t a = (size_t)assign[u];
            if (c->fixed[u] >= 0) continue;
            for (size_t v = 0; v < n; v++) {
                size_t b = (size_t)assign[v];
                if (b == a || c->fixed[v] >= 0) continue;
                double dc =
                    (double)(cnt[u * k + b] + cnt[v * k + a] - cnt[u * k + a] - cnt[v * k + b]);
                if (terr_dist(c, u, v) > R) dc -= 2;
                if (dc + mu * -s.V[a] - mu * s.V[b] > bd + 1e-12) continue;
                long ch = move_change(&s, u, b);
                assign[u] = (int32_t)b;
                ch += move_change(&s, v, a);
                assign[u] = (int32_t)a;
                if (!moves_ok(&s, ch)) continue;
                double va, vb;
                violations_after(&s, a, b, p->measure + u * m, p->measure + v * m, &va, &vb);
                double d = dc + mu * (va + vb - s.V[a] - s.V[b]) +
                           (p->current ? p->move_penalty * 1e-6 * (double)ch : 0);
                if (d > bd + 1e-12) continue;
                if ((tabu[u * k + b] > it || tabu[v * k + a] > it) && !(g + d < best_g - 1e-9))
                    continue;
                if (d < bd - 1e-12) ties = 0;
                if (terr_rand_below(&c->rng, ++ties) != 0) continue;
                bd = d, bu = u, bt = b, bv = v;
            }
        }
        if (bu == SIZE_MAX) continue;
        size_t moved[2] = {bu, bv}, to[2] = {bt, bv == SIZE_MAX ? 0 : (size_t)assign[bu]};
        for (int q = 0; q < 2 && moved[q] != SIZE_MAX; q++) {
            size_t u = moved[q], a = (size_t)assign[u], t = to[q];
            apply_move(&s, u, t);
            for (size_t v = 0; v < n; v++)
                if (v != u && terr_dist(c, u, v) > R) {
                    if ((size_t)assign[v] == a) conflicts--;
                    if ((size_t)assign[v] == t) conflicts++;
                    cnt[v * k + a]--, cnt[v * k + t]++;
                }
            tabu[u * k + a] =
                it + 10 + (long)terr_rand_below(&c->rng, 10) + (long)(0.6 * (double)nconf);
        }
        g = (double)conflicts + mu * s.Vsum;
        if (g < best_g) best_g = g;
        /* strategic oscillation: balance dearer while it is missed, cheaper while met */
        if (s.Vsum > 0)
            since_feasible++, since_infeasible = 0;
        else
            since_infeasible++, since_feasible = 0;
        if (since_feasible > 10 && mu < mu_max) mu *= 1.5, since_feasible = 0;
        if (since_infeasible > 10 && mu > mu_min) mu /= 1.5, since_infeasible = 0;
        if (conflicts == 0 && s.Vsum == 0) {
            double d = max_diameter(c, assign);
            if (d < bestD || !have) {
                bestD = d, have = 1, stall = 0;
                memcpy(best, assign, n * sizeof *best);
            }
            R = bestD * (1 - 1e-12) - 1e-12;
            conflicts = count_conflicts(c, assign, R, cnt);
            best_g = INFINITY;
        }
    }
    free(conf);
    memcpy(assign, best, n * sizeof *best);
    free(best), free(cnt), free(tabu);
    state_free(&s);
    return iters + it;
}
