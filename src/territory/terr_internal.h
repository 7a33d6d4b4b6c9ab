/* terr_internal.h -- what the territory engine's files share; not a public interface. */
#ifndef REINS_TERRITORY_TERR_INTERNAL_H
#define REINS_TERRITORY_TERR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "territory/territory.h"

/* Above this many units no n * n distance matrix is built (8 bytes each: 288 MB). */
#define TERR_MATRIX_MAX_UNITS 6000

/* The prepared problem: bounds, distances, adjacency, the clock. */
struct terr_ctx {
    const struct terr_problem *p;
    size_t n, k, m;
    double *mean, *lo, *hi; /* m: mean total and the band it must stay in */
    double *inv_mean;       /* m: 1 / mean (0 for a measure whose total is 0) */
    double *D;              /* n * n unit distances (graph metric, or small n), or NULL */
    double *H;              /* k * n fixed centre-to-unit distances, or NULL */
    int fixed_centres;      /* SUM: every territory has a home (or home_dist is given) */
    int has_home_any;
    double *cx, *cy; /* k: centres for coordinate metrics (centroids or home points) */
    int32_t *cu;     /* k: centre unit for the graph metric (medoid or home) */
    /* great-circle precomputation: latitude in radians and its cosine, longitude in radians */
    double *lat, *coslat, *lon;
    double *uvec, *cvec; /* great-circle: unit vectors of units (3n) and centres (3k) */
    /* contiguity adjacency, CSR */
    size_t *adj_off;
    uint32_t *adj_to;
    int32_t *fixed; /* n: territory a unit may not leave (lock or home), or -1 */
    double t_start, deadline;
    uint64_t rng;
};

double terr_now(void);
uint64_t terr_rand(uint64_t *state);
/* uniform in [0, n) */
size_t terr_rand_below(uint64_t *state, size_t n);

/* Distance between units i and j. */
double terr_dist(const struct terr_ctx *c, size_t i, size_t j);
/* SUM: distance from territory t's centre (home, centroid or medoid) to unit i. */
double terr_centre_cost(const struct terr_ctx *c, size_t i, size_t t);
/* Recompute the centres of territories without a fixed home from `assign`. Returns 1 when
 * any centre changed. */
int terr_update_centres(struct terr_ctx *c, const int32_t *assign);

/* Balance violation of one territory's totals w (m values): the sum over measures of the
 * relative excess outside [lo, hi]. 0 when balanced. */
double terr_violation(const struct terr_ctx *c, const double *w);
/* The relative excess of measure j alone. */
double terr_violation_one(const struct terr_ctx *c, const double *w, size_t j);

/* 1 when the units of territory t (given by assign) are connected over the adjacency, or
 * with `skip` (a unit index, or SIZE_MAX for none) left out. `mark` and `queue` are n-element
 * scratch arrays; mark must be all 0 on entry and is left so. */
int terr_connected(const struct terr_ctx *c, const int32_t *assign, size_t t, size_t skip,
                   size_t start, uint32_t *queue, unsigned char *mark);
/* 1 when unit i has an adjacent unit in territory t (or t is empty: count == 0). */
int terr_touches(const struct terr_ctx *c, const int32_t *assign, size_t i, size_t t);

/* The local search. Improves `assign` in place (it starts as a complete assignment that
 * respects locks and homes). Returns iterations made. */
long terr_search_sum(struct terr_ctx *c, int32_t *assign);
long terr_search_diameter(struct terr_ctx *c, int32_t *assign);
/* A first assignment: current owners when given, else nearest centre (grown over the
 * adjacency when contiguity is asked), locks and homes respected. */
void terr_initial(struct terr_ctx *c, int32_t *assign);

/* Branch and bound; best (n) holds an incumbent or assign[0] == -1 for none, and is replaced
 * by anything better. Returns 1 when the search finished (best is optimal, or none exists),
 * 0 when it stopped at the time limit. */
int terr_exact(struct terr_ctx *c, int32_t *best, long *nodes);

#endif
