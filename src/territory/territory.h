/* territory.h -- territory alignment: split units into k balanced, compact territories.
 *
 * The engine is pure C over arrays: no I/O, no globals, deterministic for a seed. Units
 * (accounts, postcodes, bricks, zones) carry one or more measures (workload, potential,
 * account count...). A solution gives each unit one of k territories so that
 *
 *   - balance: each territory's total of measure j lies within tol[j] of the mean total
 *     (|w - mean| <= tol * mean). It is a hard constraint when it can be met; when the search
 *     cannot meet it, the result says by how much it missed (max_violation);
 *   - compactness is as good as the search can make it: TERR_SUM_DISTANCE is the total distance
 *     of units to their territory's centre (the fixed home when given, else the centroid for
 *     coordinates or the medoid for graph distances); TERR_MAX_DIAMETER is the largest distance
 *     between two units of one territory;
 *   - distances are Euclidean (plane x, y), great-circle (x = longitude, y = latitude in degrees;
 *     kilometres), shortest paths over a weighted undirected graph, or given home-to-unit
 *     distances (home_dist);
 *   - optionally, each territory is connected over an adjacency graph (contiguity);
 *   - locked units keep their territory; a unit's home territory is fixed;
 *   - minimal disruption: at most max_moves units change owner from `current`, and/or each
 *     change costs move_penalty in the objective.
 *
 * Methods: an exact branch and bound for small instances (proves optimality), and for large
 * ones a local search with balance repair (shift and swap moves; for the diameter objective a
 * tabu search on a shrinking diameter bound with incremental "farthest member" bookkeeping).
 * The search stops at the time limit, at max_iter, or when it stalls. With the same seed and
 * an iteration budget reached before the time limit, the result is the same on every run.
 */
#ifndef REINS_TERRITORY_TERRITORY_H
#define REINS_TERRITORY_TERRITORY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum terr_compact {
    TERR_SUM_DISTANCE, /* total distance of units to their territory's centre or home */
    TERR_MAX_DIAMETER  /* the largest territory diameter (then the sum of diameters) */
};

enum terr_metric {
    TERR_EUCLIDEAN,    /* sqrt(dx^2 + dy^2) on x, y */
    TERR_GREAT_CIRCLE, /* haversine on x = longitude, y = latitude (degrees), in km */
    TERR_GRAPH         /* shortest paths over `edges` */
};

enum terr_method {
    TERR_AUTO,     /* exact when small enough (n <= TERR_EXACT_MAX_UNITS), else heuristic */
    TERR_EXACT,    /* branch and bound; fails with REINS_EINVAL when n > TERR_EXACT_MAX_UNITS */
    TERR_HEURISTIC /* local search */
};

#define TERR_EXACT_MAX_UNITS 40
/* The diameter objective looks at every pair of units: at most this many units. */
#define TERR_DIAMETER_MAX_UNITS 10000
/* Measures, coordinates and lengths are at most this in absolute value, so that no sum of
 * them overflows. */
#define TERR_MAX_VALUE 1e12
#define TERR_MAX_TERRITORIES 100000

/* An undirected edge between units u and v, of length w (w >= 0). */
struct terr_edge {
    uint32_t u, v;
    double w;
};

struct terr_problem {
    size_t n, k, m;        /* units, territories (k >= 1), measures (m >= 1) */
    const double *measure; /* n * m, unit-major: measure[i * m + j] >= 0 */
    const double *tol;     /* m relative tolerances (0.05 is +-5%); NULL: none */
    enum terr_compact compact;
    enum terr_metric metric;
    const double *x, *y;           /* n coordinates (Euclidean, great-circle) */
    const struct terr_edge *edges; /* TERR_GRAPH: nedges distance edges */
    size_t nedges;
    const double *home_dist; /* optional k * n: distance from territory t's home to unit i,
                                used instead of `metric` for TERR_SUM_DISTANCE */
    const int32_t *home;     /* optional k: territory t's home unit (kept in t), or -1 */
    const int32_t *lock;     /* optional n: the territory unit i is locked to, or -1 */
    const int32_t *current;  /* optional n: current owner of unit i, or -1 (a new unit) */
    long max_moves;          /* with `current`: at most this many units change owner; < 0: any */
    double move_penalty;     /* with `current`: added to the objective per unit that moves */
    int contiguous;          /* territories must be connected over `adj` */
    const struct terr_edge *adj; /* adjacency for contiguity (w ignored); NULL: `edges` */
    size_t nadj;
    enum terr_method method;
    uint64_t seed;
    double time_limit; /* seconds of search; <= 0: 10 */
    long max_iter;     /* heuristic iterations; <= 0: no limit but the time and stalling */
};

struct terr_result {
    int32_t *assign;      /* n: territory of each unit */
    double objective;     /* compactness + move_penalty * moves */
    double compactness;   /* the sum of distances, or the largest diameter */
    double *cost;         /* k: each territory's distance sum or diameter */
    double *totals;       /* k * m: each territory's total of each measure */
    double *mean;         /* m: the mean territory total of each measure */
    double max_violation; /* largest relative excess over the tolerance; 0 when balanced */
    int balanced;         /* every total within tolerance */
    int contiguous_ok;    /* every territory connected (1 when contiguity was not asked) */
    int proven_optimal;   /* the exact method finished: no better solution exists */
    int infeasible;       /* the exact method proved no solution meets balance and limits */
    size_t moves;         /* units whose owner differs from `current` (0 without it) */
    long iterations;      /* search steps (branch and bound nodes or local search moves) */
    double seconds;       /* wall time of the search */
};

/* Solve `p` into `r` (which the caller owns and frees with terr_result_release; it need not
 * be initialised). Returns 0 with a solution, even one that misses the balance (see
 * r->balanced, r->max_violation). Fails with REINS_EINVAL and a message naming the field when
 * the problem is malformed (no units, a lock outside 0..k-1, a graph that leaves two units
 * unconnected, too many units for the exact method or for a full distance matrix), leaving
 * *r empty. */
int terr_solve(const struct terr_problem *p, struct terr_result *r, struct err *e);

/* Recompute objective, costs, totals, balance, contiguity and moves of `assign` for `p` into
 * `r` (allocating its arrays; r->assign becomes a copy). For checking and reports. */
int terr_evaluate(const struct terr_problem *p, const int32_t *assign, struct terr_result *r,
                  struct err *e);

/* Free the arrays of `r` and zero it. NULL does nothing. */
void terr_result_release(struct terr_result *r);

/* Great-circle distance in km between two points given as longitude, latitude in degrees
 * (haversine on a sphere of radius 6371.0088 km, the mean Earth radius). */
double terr_great_circle_km(double lon1, double lat1, double lon2, double lat2);

/* Shortest-path lengths from `src` to each of n units over `edges` (Dijkstra, binary heap)
 * into dist (n); unreachable units get INFINITY. Fails with REINS_EINVAL on a bad edge. */
int terr_shortest_paths(size_t n, const struct terr_edge *edges, size_t nedges, uint32_t src,
                        double *dist, struct err *e);

#endif
