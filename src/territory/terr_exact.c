/* terr_exact.c -- branch and bound for small territory problems.
 *
 * Units are assigned one at a time in a fixed order (locked units and homes first, then the
 * units whose choice matters most). A branch is cut when
 *   - a territory's total of some measure is over its upper bound, or the units left cannot
 *     lift every territory to its lower bound;
 *   - more units moved than max_moves allows;
 *   - its lower bound is no better than the incumbent: for the distance sum, the cost so far
 *     plus each remaining unit's cheapest territory; for the largest diameter, the largest
 *     diameter so far, and for each remaining unit the least diameter it forces wherever it
 *     goes.
 * Territories without homes, locks or current owners are interchangeable, so a unit may only
 * open the next unused one. Contiguity is checked on complete assignments only.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "territory/terr_internal.h"

struct bb {
    struct terr_ctx *c;
    size_t n, k, m;
    size_t *order;   /* units in branching order */
    double *cost;    /* SUM: n * k move costs (distance plus move penalty) */
    double *sufmin;  /* SUM: sufmin[d] = sum of the cheapest costs of order[d..] */
    double *rem;     /* (n + 1) * m: measure of order[d..] */
    double *W;       /* k * m totals */
    double *diam;    /* k diameters */
    int32_t *assign; /* -1 while unassigned */
    int32_t *best;
    double best_obj;
    long moves, nodes;
    int sym, stopped, diameter;
    uint32_t *queue;
    unsigned char *mark;
};

static double pen(const struct bb *b, size_t i, size_t t)
{
    const struct terr_problem *p = b->c->p;
    return p->current && p->current[i] >= 0 && p->current[i] != (int32_t)t ? p->move_penalty : 0;
}

static int balance_possible(const struct bb *b, size_t depth)
{
    const struct terr_ctx *c = b->c;
    for (size_t j = 0; j < b->m; j++) {
        double need = 0;
        for (size_t t = 0; t < b->k; t++) {
            double w = b->W[t * b->m + j];
            if (w > c->hi[j]) return 0;
            if (w < c->lo[j]) need += c->lo[j] - w;
        }
        if (need > b->rem[depth * b->m + j] + 1e-9 * (1 + c->mean[j])) return 0;
    }
    return 1;
}

/* The diameter of t with unit i added. */
static double diam_with(const struct bb *b, size_t t, size_t i, size_t depth)
{
    double d = b->diam[t];
    for (size_t q = 0; q < depth; q++) {
        size_t v = b->order[q];
        if ((size_t)b->assign[v] == t) {
            double x = terr_dist(b->c, i, v);
            if (x > d) d = x;
        }
    }
    return d;
}

static int allowed(const struct bb *b, size_t i, size_t t)
{
    int32_t f = b->c->fixed[i];
    return f < 0 || f == (int32_t)t;
}

static double lower_bound(const struct bb *b, size_t depth, double sofar)
{
    if (!b->diameter) return sofar + b->sufmin[depth];
    /* each remaining unit forces at least the least diameter of its possible territories */
    double lb = sofar;
    for (size_t q = depth; q < b->n; q++) {
        size_t i = b->order[q];
        double least = INFINITY;
        for (size_t t = 0; t < b->k && least > lb; t++) {
            if (!allowed(b, i, t)) continue;
            double d = diam_with(b, t, i, depth);
            if (d < least) least = d;
        }
        if (least > lb) lb = least;
    }
    return lb;
}

static void leaf(struct bb *b, double obj)
{
    const struct terr_problem *p = b->c->p;
    if (p->contiguous)
        for (size_t t = 0; t < b->k; t++)
            if (!terr_connected(b->c, b->assign, t, SIZE_MAX, 0, b->queue, b->mark)) return;
    b->best_obj = obj;
    memcpy(b->best, b->assign, b->n * sizeof *b->best);
}

static void branch(struct bb *b, size_t depth, double sofar, size_t used)
{
    struct terr_ctx *c = b->c;
    const struct terr_problem *p = c->p;
    if (b->stopped) return;
    if ((++b->nodes & 4095) == 0 && terr_now() > c->deadline) {
        b->stopped = 1;
        return;
    }
    double obj = sofar + (b->diameter && p->current ? p->move_penalty * (double)b->moves : 0);
    if (depth == b->n) {
        if (obj < b->best_obj - 1e-9) leaf(b, obj);
        return;
    }
    size_t i = b->order[depth], m = b->m;
    /* children in order of their own cost */
    size_t tk[64], nt = 0;
    double key[64], nd[64];
    size_t limit = b->sym && used < b->k ? used + 1 : b->k;
    for (size_t t = 0; t < limit; t++) {
        if (!allowed(b, i, t)) continue;
        double kv = b->diameter ? diam_with(b, t, i, depth) : b->cost[i * b->k + t];
        size_t at = nt++;
        while (at > 0 && key[at - 1] > kv) {
            key[at] = key[at - 1], tk[at] = tk[at - 1], nd[at] = nd[at - 1];
            at--;
        }
        key[at] = kv, tk[at] = t, nd[at] = kv;
    }
    for (size_t q = 0; q < nt; q++) {
        size_t t = tk[q];
        long mv = p->current && p->current[i] >= 0 && p->current[i] != (int32_t)t;
        if (mv && p->max_moves >= 0 && b->moves + mv > p->max_moves) continue;
        const double *mi = p->measure + i * m;
        int over = 0;
        for (size_t j = 0; j < m; j++)
            if (b->W[t * m + j] + mi[j] > c->hi[j]) over = 1;
        if (over) continue;
        for (size_t j = 0; j < m; j++)
            b->W[t * m + j] += mi[j];
        b->assign[i] = (int32_t)t;
        b->moves += mv;
        double old_d = b->diam[t], next;
        if (b->diameter) {
            b->diam[t] = nd[q];
            next = sofar > nd[q] ? sofar : nd[q];
        } else {
            next = sofar + b->cost[i * b->k + t];
        }
        double bound_pen = b->diameter && p->current ? p->move_penalty * (double)b->moves : 0;
        if (balance_possible(b, depth + 1) &&
            lower_bound(b, depth + 1, next) + bound_pen < b->best_obj - 1e-9)
            branch(b, depth + 1, next, t + 1 > used ? t + 1 : used);
        b->diam[t] = old_d;
        b->moves -= mv;
        b->assign[i] = -1;
        for (size_t j = 0; j < m; j++)
            b->W[t * m + j] -= mi[j];
    }
}

int terr_exact(struct terr_ctx *c, int32_t *best, long *nodes)
{
    const struct terr_problem *p = c->p;
    size_t n = c->n, k = c->k, m = c->m;
    struct bb b;
    memset(&b, 0, sizeof b);
    b.c = c, b.n = n, b.k = k, b.m = m, b.best = best;
    b.diameter = p->compact == TERR_MAX_DIAMETER;
    if (k > 64) return 0; /* n <= TERR_EXACT_MAX_UNITS keeps k small; never reached */
    int locks = 0;
    for (size_t i = 0; i < n; i++)
        if (c->fixed[i] >= 0) locks = 1;
    b.sym = b.diameter && !locks && !p->current;
    b.cost = xmalloc(n * k * sizeof *b.cost);
    double *key = xmalloc(n * sizeof *key);
    for (size_t i = 0; i < n; i++) {
        double lo = INFINITY, lo2 = INFINITY, far = 0;
        for (size_t t = 0; t < k; t++) {
            double x = b.diameter ? 0 : terr_centre_cost(c, i, t) + pen(&b, i, t);
            b.cost[i * k + t] = x;
            if (!allowed(&b, i, t)) continue;
            if (x < lo)
                lo2 = lo, lo = x;
            else if (x < lo2)
                lo2 = x;
        }
        for (size_t j = 0; b.diameter && j < n; j++)
            far += terr_dist(c, i, j);
        double w = 0;
        for (size_t j = 0; j < m; j++)
            w += p->measure[i * m + j] * c->inv_mean[j];
        /* fixed units first; then those whose placement costs most to get wrong */
        key[i] = c->fixed[i] >= 0 ? INFINITY : b.diameter ? far : (isinf(lo2) ? 0 : lo2 - lo) + w;
    }
    b.order = xmalloc(n * sizeof *b.order);
    for (size_t i = 0; i < n; i++) {
        size_t at = i;
        while (at > 0 && key[b.order[at - 1]] < key[i]) {
            b.order[at] = b.order[at - 1];
            at--;
        }
        b.order[at] = i;
    }
    b.sufmin = xcalloc(n + 1, sizeof *b.sufmin);
    b.rem = xcalloc((n + 1) * m, sizeof *b.rem);
    for (size_t d = n; d-- > 0;) {
        size_t i = b.order[d];
        double lo = INFINITY;
        for (size_t t = 0; t < k; t++)
            if (allowed(&b, i, t) && b.cost[i * k + t] < lo) lo = b.cost[i * k + t];
        b.sufmin[d] = b.sufmin[d + 1] + lo;
        for (size_t j = 0; j < m; j++)
            b.rem[d * m + j] = b.rem[(d + 1) * m + j] + p->measure[i * m + j];
    }
    b.W = xcalloc(k * m, sizeof *b.W), b.diam = xcalloc(k, sizeof *b.diam);
    b.assign = xmalloc(n * sizeof *b.assign);
    for (size_t i = 0; i < n; i++)
        b.assign[i] = -1;
    b.queue = xmalloc(n * sizeof *b.queue), b.mark = xcalloc(n, 1);
    b.best_obj = INFINITY;
    if (best[0] >= 0) {
        /* the incumbent's objective */
        double obj = 0;
        long mv = 0;
        for (size_t i = 0; i < n; i++) {
            if (p->current && p->current[i] >= 0 && p->current[i] != best[i]) mv++;
            if (!b.diameter) obj += b.cost[i * k + (size_t)best[i]];
            for (size_t j = i + 1; b.diameter && j < n; j++)
                if (best[i] == best[j] && terr_dist(c, i, j) > obj) obj = terr_dist(c, i, j);
        }
        if (b.diameter && p->current) obj += p->move_penalty * (double)mv;
        b.best_obj = obj;
    }
    if (balance_possible(&b, 0)) branch(&b, 0, 0, 0);
    *nodes = b.nodes;
    int done = !b.stopped;
    free(b.cost), free(key), free(b.order), free(b.sufmin), free(b.rem), free(b.W), free(b.diam);
    free(b.assign), free(b.queue), free(b.mark);
    return done;
}
