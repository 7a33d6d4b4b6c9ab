/* territory.c -- the territory engine's entry points: checking and preparing a problem,
 * distances and centres, evaluating an assignment, and choosing the method. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "territory/terr_internal.h"

#define EARTH_RADIUS_KM 6371.0088
#define DEG (3.14159265358979323846 / 180.0)
/* Home-to-unit distances are kept in a table up to this many entries (8 bytes each). */
#define TERR_HOME_TABLE_MAX ((size_t)4 << 20)

double terr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: small, fast, and the same sequence everywhere for a seed */
uint64_t terr_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

size_t terr_rand_below(uint64_t *state, size_t n)
{
    return n ? (size_t)(terr_rand(state) % n) : 0;
}

double terr_great_circle_km(double lon1, double lat1, double lon2, double lat2)
{
    double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
    double s1 = sin(dlat / 2), s2 = sin(dlon / 2);
    double a = s1 * s1 + cos(lat1 * DEG) * cos(lat2 * DEG) * s2 * s2;
    if (a > 1) a = 1;
    return 2 * EARTH_RADIUS_KM * asin(sqrt(a));
}

/* Great-circle distance from the chord between unit vectors: the same as the haversine,
 * with one square root and one arcsine per pair instead of four trigonometric calls. */
static double gc_chord(double ax, double ay, double az, double bx, double by, double bz)
{
    double dx = ax - bx, dy = ay - by, dz = az - bz;
    double h = sqrt(dx * dx + dy * dy + dz * dz) / 2;
    return 2 * EARTH_RADIUS_KM * asin(h > 1 ? 1 : h);
}

/* A coordinate centre; for great-circle distances also its unit vector. */
static void set_centre(struct terr_ctx *c, size_t t, double x, double y)
{
    c->cx[t] = x, c->cy[t] = y;
    if (c->uvec) {
        double la = y * DEG, lo = x * DEG;
        c->cvec[3 * t] = cos(la) * cos(lo), c->cvec[3 * t + 1] = cos(la) * sin(lo);
        c->cvec[3 * t + 2] = sin(la);
    }
}

double terr_dist(const struct terr_ctx *c, size_t i, size_t j)
{
    if (c->D) return c->D[i * c->n + j];
    const struct terr_problem *p = c->p;
    if (p->metric == TERR_GREAT_CIRCLE) {
        const double *a = c->uvec + 3 * i, *b = c->uvec + 3 * j;
        return gc_chord(a[0], a[1], a[2], b[0], b[1], b[2]);
    }
    double dx = p->x[i] - p->x[j], dy = p->y[i] - p->y[j];
    return sqrt(dx * dx + dy * dy);
}

double terr_centre_cost(const struct terr_ctx *c, size_t i, size_t t)
{
    if (c->H) return c->H[t * c->n + i];
    const struct terr_problem *p = c->p;
    if (p->metric == TERR_GRAPH) return c->D[(size_t)c->cu[t] * c->n + i];
    if (p->metric == TERR_GREAT_CIRCLE) {
        const double *a = c->uvec + 3 * i, *b = c->cvec + 3 * t;
        return gc_chord(a[0], a[1], a[2], b[0], b[1], b[2]);
    }
    double dx = p->x[i] - c->cx[t], dy = p->y[i] - c->cy[t];
    return sqrt(dx * dx + dy * dy);
}

static int centre_is_fixed(const struct terr_ctx *c, size_t t)
{
    return c->p->home_dist || (c->p->home && c->p->home[t] >= 0);
}

int terr_update_centres(struct terr_ctx *c, const int32_t *assign)
{
    size_t n = c->n, k = c->k;
    const struct terr_problem *p = c->p;
    if (c->fixed_centres) return 0;
    int changed = 0;
    if (p->metric == TERR_GRAPH) {
        /* medoid: the member with the least total distance to the other members */
        size_t *cnt = xcalloc(k, sizeof *cnt), *start = xcalloc(k + 1, sizeof *start);
        uint32_t *members = xmalloc(n * sizeof *members);
        for (size_t i = 0; i < n; i++)
            cnt[assign[i]]++;
        for (size_t t = 0; t < k; t++)
            start[t + 1] = start[t] + cnt[t];
        memset(cnt, 0, k * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            members[start[assign[i]] + cnt[assign[i]]++] = (uint32_t)i;
        for (size_t t = 0; t < k; t++) {
            if (centre_is_fixed(c, t) || !cnt[t]) continue;
            double best = INFINITY;
            int32_t arg = c->cu[t];
            for (size_t a = start[t]; a < start[t + 1]; a++) {
                double s = 0;
                const double *row = c->D + (size_t)members[a] * n;
                for (size_t b = start[t]; b < start[t + 1] && s < best; b++)
                    s += row[members[b]];
                if (s < best) best = s, arg = (int32_t)members[a];
            }
            if (arg != c->cu[t]) changed = 1, c->cu[t] = arg;
        }
        free(cnt), free(start), free(members);
        return changed;
    }
    double *sx = xcalloc(k, sizeof *sx), *sy = xcalloc(k, sizeof *sy), *sz = xcalloc(k, sizeof *sz);
    size_t *cnt = xcalloc(k, sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
        size_t t = (size_t)assign[i];
        cnt[t]++;
        if (p->metric == TERR_GREAT_CIRCLE) {
            /* average on the sphere: the mean of unit vectors, projected back */
            sx[t] += c->coslat[i] * cos(c->lon[i]);
            sy[t] += c->coslat[i] * sin(c->lon[i]);
            sz[t] += sin(c->lat[i]);
        } else {
            sx[t] += p->x[i], sy[t] += p->y[i];
        }
    }
    for (size_t t = 0; t < k; t++) {
        if (centre_is_fixed(c, t) || !cnt[t]) continue;
        double nx, ny;
        if (p->metric == TERR_GREAT_CIRCLE) {
            double h = sqrt(sx[t] * sx[t] + sy[t] * sy[t]);
            nx = atan2(sy[t], sx[t]) / DEG, ny = atan2(sz[t], h) / DEG;
        } else {
            nx = sx[t] / (double)cnt[t], ny = sy[t] / (double)cnt[t];
        }
        if (fabs(nx - c->cx[t]) > 1e-12 || fabs(ny - c->cy[t]) > 1e-12) changed = 1;
        set_centre(c, t, nx, ny);
    }
    free(sx), free(sy), free(sz), free(cnt);
    return changed;
}

double terr_violation_one(const struct terr_ctx *c, const double *w, size_t j)
{
    if (w[j] > c->hi[j]) return (w[j] - c->hi[j]) * c->inv_mean[j];
    if (w[j] < c->lo[j]) return (c->lo[j] - w[j]) * c->inv_mean[j];
    return 0;
}

double terr_violation(const struct terr_ctx *c, const double *w)
{
    double v = 0;
    for (size_t j = 0; j < c->m; j++) {
        if (w[j] > c->hi[j])
            v += (w[j] - c->hi[j]) * c->inv_mean[j];
        else if (w[j] < c->lo[j])
            v += (c->lo[j] - w[j]) * c->inv_mean[j];
    }
    return v;
}

int terr_touches(const struct terr_ctx *c, const int32_t *assign, size_t i, size_t t)
{
    for (size_t a = c->adj_off[i]; a < c->adj_off[i + 1]; a++)
        if ((size_t)assign[c->adj_to[a]] == t) return 1;
    return 0;
}

int terr_connected(const struct terr_ctx *c, const int32_t *assign, size_t t, size_t skip,
                   size_t start, uint32_t *queue, unsigned char *mark)
{
    size_t need = 0;
    for (size_t i = 0; i < c->n; i++)
        if ((size_t)assign[i] == t && i != skip) need++;
    if (need == 0) return 1;
    if ((size_t)assign[start] != t || start == skip) {
        for (start = 0; start < c->n; start++)
            if ((size_t)assign[start] == t && start != skip) break;
    }
    size_t head = 0, tail = 0;
    queue[tail++] = (uint32_t)start;
    mark[start] = 1;
    while (head < tail) {
        size_t u = queue[head++];
        for (size_t a = c->adj_off[u]; a < c->adj_off[u + 1]; a++) {
            size_t v = c->adj_to[a];
            if (mark[v] || v == skip || (size_t)assign[v] != t) continue;
            mark[v] = 1;
            queue[tail++] = (uint32_t)v;
        }
    }
    for (size_t q = 0; q < tail; q++)
        mark[queue[q]] = 0;
    return tail == need;
}

/* A symmetric CSR graph from an edge list. */
static void build_csr(size_t n, const struct terr_edge *edges, size_t ne, size_t **off_out,
                      uint32_t **to_out, double **w_out)
{
    size_t *off = xcalloc(n + 1, sizeof *off);
    for (size_t e = 0; e < ne; e++)
        off[edges[e].u + 1]++, off[edges[e].v + 1]++;
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    uint32_t *to = xmalloc((2 * ne + 1) * sizeof *to);
    double *w = w_out ? xmalloc((2 * ne + 1) * sizeof *w) : NULL;
    size_t *fill = xmalloc((n + 1) * sizeof *fill);
    memcpy(fill, off, (n + 1) * sizeof *fill);
    for (size_t e = 0; e < ne; e++) {
        size_t a = fill[edges[e].u]++, b = fill[edges[e].v]++;
        to[a] = edges[e].v, to[b] = edges[e].u;
        if (w) w[a] = w[b] = edges[e].w;
    }
    free(fill);
    *off_out = off, *to_out = to;
    if (w_out) *w_out = w;
}

static int check_edges(size_t n, const struct terr_edge *edges, size_t ne, const char *field,
                       struct err *e)
{
    for (size_t i = 0; i < ne; i++) {
        if (edges[i].u >= n || edges[i].v >= n)
            return err_field(e, REINS_EINVAL, field, "edge %zu joins a unit that does not exist",
                             i + 1);
        if (!(edges[i].w >= 0) || !(edges[i].w <= TERR_MAX_VALUE))
            return err_field(e, REINS_EINVAL, field, "edge %zu has a negative or non-finite length",
                             i + 1);
    }
    return 0;
}

/* Dijkstra over a CSR graph with a binary heap of (distance, unit). */
static void dijkstra(size_t n, const size_t *off, const uint32_t *to, const double *w, size_t src,
                     double *dist, uint32_t *heap, size_t *pos)
{
    for (size_t i = 0; i < n; i++)
        dist[i] = INFINITY, pos[i] = SIZE_MAX;
    size_t hn = 0;
    dist[src] = 0;
    heap[hn] = (uint32_t)src, pos[src] = hn++;
    while (hn) {
        size_t u = heap[0];
        pos[u] = SIZE_MAX - 1; /* settled */
        heap[0] = heap[--hn];
        if (hn) pos[heap[0]] = 0;
        for (size_t i = 0; hn;) { /* sift down */
            size_t l = 2 * i + 1, r = l + 1, s = i;
            if (l < hn && dist[heap[l]] < dist[heap[s]]) s = l;
            if (r < hn && dist[heap[r]] < dist[heap[s]]) s = r;
            if (s == i) break;
            uint32_t tmp = heap[i];
            heap[i] = heap[s], heap[s] = tmp;
            pos[heap[i]] = i, pos[heap[s]] = s;
            i = s;
        }
        for (size_t a = off[u]; a < off[u + 1]; a++) {
            size_t v = to[a];
            double nd = dist[u] + w[a];
            if (pos[v] == SIZE_MAX - 1 || nd >= dist[v]) continue;
            dist[v] = nd;
            size_t i = pos[v];
            if (i == SIZE_MAX) heap[hn] = (uint32_t)v, i = hn++;
            while (i > 0) { /* sift up */
                size_t par = (i - 1) / 2;
                if (dist[heap[par]] <= nd) break;
                heap[i] = heap[par], pos[heap[i]] = i;
                i = par;
            }
            heap[i] = (uint32_t)v, pos[v] = i;
        }
    }
}

int terr_shortest_paths(size_t n, const struct terr_edge *edges, size_t nedges, uint32_t src,
                        double *dist, struct err *e)
{
    if (src >= n) return err_field(e, REINS_EINVAL, "source", "unit %u does not exist", src);
    if (check_edges(n, edges, nedges, "edges", e) < 0) return e ? e->code : REINS_EINVAL;
    size_t *off, *pos = xmalloc(n * sizeof *pos);
    uint32_t *to, *heap = xmalloc(n * sizeof *heap);
    double *w;
    build_csr(n, edges, nedges, &off, &to, &w);
    dijkstra(n, off, to, w, src, dist, heap, pos);
    free(off), free(to), free(w), free(pos), free(heap);
    return 0;
}

static void ctx_free(struct terr_ctx *c)
{
    free(c->mean), free(c->lo), free(c->hi), free(c->inv_mean), free(c->D), free(c->H);
    free(c->cx), free(c->cy), free(c->cu), free(c->lat), free(c->coslat), free(c->lon);
    free(c->adj_off), free(c->adj_to), free(c->fixed), free(c->uvec), free(c->cvec);
    memset(c, 0, sizeof *c);
}

/* Check the problem and build what the search needs. */
static int ctx_init(struct terr_ctx *c, const struct terr_problem *p, struct err *e)
{
    memset(c, 0, sizeof *c);
    c->p = p, c->n = p->n, c->k = p->k, c->m = p->m;
    c->t_start = terr_now();
    c->deadline = c->t_start + (p->time_limit > 0 ? p->time_limit : 10.0);
    c->rng = p->seed ^ 0x5EED5EEDull;
    size_t n = p->n, k = p->k, m = p->m;
    if (n == 0) return err_field(e, REINS_EINVAL, "units", "there are no units");
    if (n > (size_t)INT32_MAX) return err_field(e, REINS_EINVAL, "units", "too many units");
    if (k == 0 || k > TERR_MAX_TERRITORIES)
        return err_field(e, REINS_EINVAL, "k", "the number of territories must be 1 to %d",
                         TERR_MAX_TERRITORIES);
    if (k > n) return err_field(e, REINS_EINVAL, "k", "%zu territories for only %zu units", k, n);
    if (p->compact == TERR_MAX_DIAMETER && n > TERR_DIAMETER_MAX_UNITS)
        return err_field(e, REINS_EINVAL, "objective",
                         "the diameter objective takes at most %d units, not %zu (use the "
                         "distance sum)",
                         TERR_DIAMETER_MAX_UNITS, n);
    if (m == 0 || !p->measure)
        return err_field(e, REINS_EINVAL, "measure", "at least one measure is needed");
    for (size_t i = 0; i < n * m; i++)
        if (!(p->measure[i] >= 0) || !(p->measure[i] <= TERR_MAX_VALUE))
            return err_field(e, REINS_EINVAL, "measure",
                             "unit %zu: measure %zu is negative, too large or not a number",
                             i / m + 1, i % m + 1);
    for (size_t j = 0; p->tol && j < m; j++)
        if (!(p->tol[j] >= 0) || !isfinite(p->tol[j]))
            return err_field(e, REINS_EINVAL, "tolerance", "measure %zu: bad tolerance", j + 1);
    int coords = p->metric != TERR_GRAPH && p->x && p->y;
    if (p->metric != TERR_GRAPH && !coords && !(p->home_dist && p->compact == TERR_SUM_DISTANCE))
        return err_field(e, REINS_EINVAL, "coordinates", "coordinates are needed");
    for (size_t i = 0; coords && i < n; i++)
        if (!(fabs(p->x[i]) <= TERR_MAX_VALUE) || !(fabs(p->y[i]) <= TERR_MAX_VALUE))
            return err_field(e, REINS_EINVAL, "coordinates",
                             "unit %zu: coordinates too large or not numbers", i + 1);
    if (p->metric == TERR_GREAT_CIRCLE && coords)
        for (size_t i = 0; i < n; i++)
            if (!(fabs(p->y[i]) <= 90) || !(fabs(p->x[i]) <= 360))
                return err_field(e, REINS_EINVAL, "coordinates",
                                 "unit %zu: latitude %g or longitude %g out of range", i + 1,
                                 p->y[i], p->x[i]);
    if (p->metric == TERR_GRAPH && check_edges(n, p->edges, p->nedges, "edges", e) < 0)
        return e ? e->code : REINS_EINVAL;
    if (p->home)
        for (size_t t = 0; t < k; t++) {
            if (p->home[t] < -1 || p->home[t] >= (int32_t)n)
                return err_field(e, REINS_EINVAL, "home", "territory %zu: no such home unit",
                                 t + 1);
            for (size_t s = 0; s < t; s++)
                if (p->home[t] >= 0 && p->home[s] == p->home[t])
                    return err_field(e, REINS_EINVAL, "home",
                                     "territories %zu and %zu share a home unit", s + 1, t + 1);
        }
    c->fixed = xmalloc(n * sizeof *c->fixed);
    for (size_t i = 0; i < n; i++) {
        c->fixed[i] = -1;
        if (p->lock && (p->lock[i] < -1 || p->lock[i] >= (int32_t)k))
            return err_field(e, REINS_EINVAL, "lock", "unit %zu: locked to no such territory",
                             i + 1);
        if (p->current && (p->current[i] < -1 || p->current[i] >= (int32_t)k))
            return err_field(e, REINS_EINVAL, "current", "unit %zu: no such current owner", i + 1);
        if (p->lock && p->lock[i] >= 0) c->fixed[i] = p->lock[i];
    }
    for (size_t t = 0; p->home && t < k; t++) {
        if (p->home[t] < 0) continue;
        c->has_home_any = 1;
        size_t h = (size_t)p->home[t];
        if (c->fixed[h] >= 0 && c->fixed[h] != (int32_t)t)
            return err_field(e, REINS_EINVAL, "lock",
                             "unit %zu is the home of territory %zu but locked to %d", h + 1, t + 1,
                             c->fixed[h] + 1);
        c->fixed[h] = (int32_t)t;
    }
    if (p->contiguous && !(p->adj ? p->nadj : p->nedges) && n > k)
        return err_field(e, REINS_EINVAL, "adjacency", "contiguity needs an adjacency graph");
    if (p->adj && check_edges(n, p->adj, p->nadj, "adjacency", e) < 0)
        return e ? e->code : REINS_EINVAL;

    /* balance bands */
    c->mean = xcalloc(m, sizeof *c->mean), c->lo = xmalloc(m * sizeof *c->lo);
    c->hi = xmalloc(m * sizeof *c->hi), c->inv_mean = xmalloc(m * sizeof *c->inv_mean);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            c->mean[j] += p->measure[i * m + j];
    for (size_t j = 0; j < m; j++) {
        c->mean[j] /= (double)k;
        double tol = p->tol ? p->tol[j] : INFINITY;
        /* a hair of slack so that totals equal to a bound, summed in another order, pass */
        double slack = 1e-9 * c->mean[j];
        c->lo[j] = isinf(tol) ? -INFINITY : c->mean[j] * (1 - tol) - slack;
        c->hi[j] = isinf(tol) ? INFINITY : c->mean[j] * (1 + tol) + slack;
        c->inv_mean[j] = c->mean[j] > 0 ? 1 / c->mean[j] : 0;
    }

    /* distances */
    if (p->metric == TERR_GREAT_CIRCLE && coords) {
        c->lat = xmalloc(n * sizeof *c->lat), c->lon = xmalloc(n * sizeof *c->lon);
        c->coslat = xmalloc(n * sizeof *c->coslat);
        c->uvec = xmalloc(3 * n * sizeof *c->uvec), c->cvec = xcalloc(3 * k, sizeof *c->cvec);
        for (size_t i = 0; i < n; i++) {
            c->lat[i] = p->y[i] * DEG, c->lon[i] = p->x[i] * DEG, c->coslat[i] = cos(c->lat[i]);
            c->uvec[3 * i] = c->coslat[i] * cos(c->lon[i]);
            c->uvec[3 * i + 1] = c->coslat[i] * sin(c->lon[i]);
            c->uvec[3 * i + 2] = sin(c->lat[i]);
        }
    }
    c->fixed_centres = p->home_dist != NULL;
    if (!c->fixed_centres && p->home) {
        c->fixed_centres = 1;
        for (size_t t = 0; t < k; t++)
            if (p->home[t] < 0) c->fixed_centres = 0;
    }
    int need_matrix =
        p->metric == TERR_GRAPH &&
        (p->compact == TERR_MAX_DIAMETER || !c->fixed_centres || p->home == NULL || n <= 2000);
    if (p->compact == TERR_SUM_DISTANCE && p->home_dist) need_matrix = 0;
    if (coords && n <= 2000) need_matrix = 1; /* cheap, and faster */
    if (p->metric == TERR_GRAPH && p->compact == TERR_SUM_DISTANCE && p->home_dist && n <= 2000)
        need_matrix = 1;
    if (need_matrix && n > TERR_MATRIX_MAX_UNITS)
        return err_field(e, REINS_EINVAL, "units",
                         "%zu units are too many for graph distances between all of them "
                         "(at most %d; give every territory a home for the distance sum)",
                         n, TERR_MATRIX_MAX_UNITS);
    size_t *goff = NULL, *pos = NULL;
    uint32_t *gto = NULL, *heap = NULL;
    double *gw = NULL;
    if (p->metric == TERR_GRAPH) {
        build_csr(n, p->edges, p->nedges, &goff, &gto, &gw);
        pos = xmalloc(n * sizeof *pos), heap = xmalloc(n * sizeof *heap);
    }
    if (need_matrix) {
        c->D = xmalloc(n * n * sizeof *c->D);
        for (size_t i = 0; i < n; i++) {
            if (p->metric == TERR_GRAPH) {
                dijkstra(n, goff, gto, gw, i, c->D + i * n, heap, pos);
                continue;
            }
            for (size_t j = 0; j < n; j++) {
                double *save = c->D;
                c->D = NULL; /* compute, do not look up */
                save[i * n + j] = terr_dist(c, i, j);
                c->D = save;
            }
        }
        for (size_t i = 0; i < n * n; i++)
            if (isinf(c->D[i])) {
                free(goff), free(gto), free(gw), free(pos), free(heap);
                return err_field(e, REINS_EINVAL, "edges",
                                 "units %zu and %zu are not connected by the graph", i / n + 1,
                                 i % n + 1);
            }
    }
    c->cx = xcalloc(k, sizeof *c->cx), c->cy = xcalloc(k, sizeof *c->cy);
    c->cu = xcalloc(k, sizeof *c->cu);
    if (p->home_dist) {
        c->H = xmalloc(k * n * sizeof *c->H);
        for (size_t i = 0; i < k * n; i++) {
            if (!(p->home_dist[i] >= 0) || !(p->home_dist[i] <= TERR_MAX_VALUE)) {
                free(goff), free(gto), free(gw), free(pos), free(heap);
                return err_field(e, REINS_EINVAL, "home_dist",
                                 "territory %zu, unit %zu: bad distance", i / n + 1, i % n + 1);
            }
            c->H[i] = p->home_dist[i];
        }
    } else if (c->fixed_centres && p->metric == TERR_GRAPH && !c->D) {
        c->H = xmalloc(k * n * sizeof *c->H);
        for (size_t t = 0; t < k; t++) {
            dijkstra(n, goff, gto, gw, (size_t)p->home[t], c->H + t * n, heap, pos);
            for (size_t i = 0; i < n; i++)
                if (isinf(c->H[t * n + i])) {
                    free(goff), free(gto), free(gw), free(pos), free(heap);
                    return err_field(e, REINS_EINVAL, "edges",
                                     "unit %zu cannot be reached from the home of territory %zu",
                                     i + 1, t + 1);
                }
        }
    }
    free(goff), free(gto), free(gw), free(pos), free(heap);

    /* centres: homes where given; other territories start from spread-out seeds (the first at
       random for the seed, each next the unit farthest from those chosen) */
    double *near = xmalloc(n * sizeof *near);
    for (size_t i = 0; i < n; i++)
        near[i] = INFINITY;
    for (size_t t = 0; t < k; t++) {
        size_t s;
        if (p->home && p->home[t] >= 0) {
            s = (size_t)p->home[t];
        } else if (t == 0 && !c->has_home_any) {
            s = terr_rand_below(&c->rng, n);
        } else {
            s = 0;
            for (size_t i = 1; i < n; i++)
                if (near[i] > near[s]) s = i;
        }
        c->cu[t] = (int32_t)s;
        if (coords) set_centre(c, t, p->x[s], p->y[s]);
        if (c->D || coords)
            for (size_t i = 0; i < n; i++) {
                double d = terr_dist(c, s, i);
                if (d < near[i]) near[i] = d;
            }
        else if (c->H)
            for (size_t i = 0; i < n; i++)
                if (c->H[t * n + i] < near[i]) near[i] = c->H[t * n + i];
    }
    /* the remaining free seeds once homes are known: redo those after all homes count */
    if (c->has_home_any && !c->fixed_centres && (c->D || p->metric != TERR_GRAPH)) {
        for (size_t i = 0; i < n; i++)
            near[i] = INFINITY;
        for (size_t t = 0; t < k; t++)
            if (p->home[t] >= 0)
                for (size_t i = 0; i < n; i++) {
                    double d = terr_dist(c, (size_t)p->home[t], i);
                    if (d < near[i]) near[i] = d;
                }
        for (size_t t = 0; t < k; t++) {
            if (p->home[t] >= 0) continue;
            size_t s = 0;
            for (size_t i = 1; i < n; i++)
                if (near[i] > near[s]) s = i;
            c->cu[t] = (int32_t)s;
            if (p->metric != TERR_GRAPH) set_centre(c, t, p->x[s], p->y[s]);
            for (size_t i = 0; i < n; i++) {
                double d = terr_dist(c, s, i);
                if (d < near[i]) near[i] = d;
            }
        }
    }
    free(near);

    /* contiguity adjacency */
    const struct terr_edge *adj = p->adj ? p->adj : p->edges;
    size_t nadj = p->adj ? p->nadj : p->nedges;
    if (adj) {
        build_csr(n, adj, nadj, &c->adj_off, &c->adj_to, NULL);
    } else {
        c->adj_off = xcalloc(n + 1, sizeof *c->adj_off);
        c->adj_to = xmalloc(sizeof *c->adj_to);
    }
    return 0;
}

void terr_result_release(struct terr_result *r)
{
    if (!r) return;
    free(r->assign), free(r->cost), free(r->totals), free(r->mean);
    memset(r, 0, sizeof *r);
}

/* Fill r from assign under a prepared context (centres are recomputed from assign). */
static void ctx_evaluate(struct terr_ctx *c, const int32_t *assign, struct terr_result *r)
{
    const struct terr_problem *p = c->p;
    size_t n = c->n, k = c->k, m = c->m;
    memset(r, 0, sizeof *r);
    r->assign = xmalloc(n * sizeof *r->assign);
    memcpy(r->assign, assign, n * sizeof *assign);
    r->cost = xcalloc(k, sizeof *r->cost);
    r->totals = xcalloc(k * m, sizeof *r->totals);
    r->mean = xmalloc(m * sizeof *r->mean);
    memcpy(r->mean, c->mean, m * sizeof *c->mean);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            r->totals[(size_t)assign[i] * m + j] += p->measure[i * m + j];
    if (p->compact == TERR_SUM_DISTANCE) {
        terr_update_centres(c, assign);
        for (size_t i = 0; i < n; i++)
            r->cost[assign[i]] += terr_centre_cost(c, i, (size_t)assign[i]);
        for (size_t t = 0; t < k; t++)
            r->compactness += r->cost[t];
    } else {
        size_t *order = xmalloc(n * sizeof *order), *start = xcalloc(k + 1, sizeof *start);
        for (size_t i = 0; i < n; i++)
            start[assign[i] + 1]++;
        for (size_t t = 0; t < k; t++)
            start[t + 1] += start[t];
        size_t *fill = xmalloc(k * sizeof *fill);
        memcpy(fill, start, k * sizeof *fill);
        for (size_t i = 0; i < n; i++)
            order[fill[assign[i]]++] = i;
        for (size_t t = 0; t < k; t++) {
            double d = 0;
            for (size_t a = start[t]; a < start[t + 1]; a++)
                for (size_t b = a + 1; b < start[t + 1]; b++) {
                    double x = terr_dist(c, order[a], order[b]);
                    if (x > d) d = x;
                }
            r->cost[t] = d;
            if (d > r->compactness) r->compactness = d;
        }
        free(order), free(start), free(fill);
    }
    r->balanced = 1;
    for (size_t t = 0; t < k; t++)
        for (size_t j = 0; j < m; j++) {
            double w = r->totals[t * m + j], ex = 0;
            if (w > c->hi[j]) ex = (w - c->hi[j]) * c->inv_mean[j];
            if (w < c->lo[j]) ex = (c->lo[j] - w) * c->inv_mean[j];
            if (ex > 0) r->balanced = 0;
            if (ex > r->max_violation) r->max_violation = ex;
        }
    r->contiguous_ok = 1;
    if (p->contiguous) {
        uint32_t *queue = xmalloc(n * sizeof *queue);
        unsigned char *mark = xcalloc(n, 1);
        for (size_t t = 0; t < k; t++)
            if (!terr_connected(c, assign, t, SIZE_MAX, 0, queue, mark)) r->contiguous_ok = 0;
        free(queue), free(mark);
    }
    for (size_t i = 0; p->current && i < n; i++)
        if (p->current[i] >= 0 && p->current[i] != assign[i]) r->moves++;
    r->objective = r->compactness + (p->current ? p->move_penalty * (double)r->moves : 0);
}

int terr_evaluate(const struct terr_problem *p, const int32_t *assign, struct terr_result *r,
                  struct err *e)
{
    memset(r, 0, sizeof *r);
    struct terr_ctx c;
    int rc = ctx_init(&c, p, e);
    if (rc < 0) {
        ctx_free(&c);
        return rc;
    }
    for (size_t i = 0; i < p->n; i++)
        if (assign[i] < 0 || assign[i] >= (int32_t)p->k) {
            ctx_free(&c);
            return err_field(e, REINS_EINVAL, "assign", "unit %zu: no such territory", i + 1);
        }
    ctx_evaluate(&c, assign, r);
    ctx_free(&c);
    return 0;
}

/* Is a better than b: balanced first, then less violation, then a lower objective. */
static int better(const struct terr_result *a, const struct terr_result *b)
{
    if (a->balanced != b->balanced) return a->balanced;
    if (a->contiguous_ok != b->contiguous_ok) return a->contiguous_ok;
    if (!a->balanced && fabs(a->max_violation - b->max_violation) > 1e-12)
        return a->max_violation < b->max_violation;
    return a->objective < b->objective - 1e-9;
}

int terr_solve(const struct terr_problem *p, struct terr_result *r, struct err *e)
{
    memset(r, 0, sizeof *r);
    struct terr_ctx c;
    int rc = ctx_init(&c, p, e);
    if (rc < 0) {
        ctx_free(&c);
        return rc;
    }
    int exact =
        p->method == TERR_EXACT || (p->method == TERR_AUTO && p->n <= TERR_EXACT_MAX_UNITS &&
                                    (p->compact == TERR_MAX_DIAMETER || c.fixed_centres));
    if (exact && p->n > TERR_EXACT_MAX_UNITS) {
        ctx_free(&c);
        return err_field(e, REINS_EINVAL, "method",
                         "the exact method takes at most %d units, not %zu", TERR_EXACT_MAX_UNITS,
                         p->n);
    }
    if (exact && p->compact == TERR_SUM_DISTANCE && !c.fixed_centres) {
        ctx_free(&c);
        return err_field(e, REINS_EINVAL, "method",
                         "the exact method needs a home for every territory with the distance sum");
    }
    int32_t *assign = xmalloc(p->n * sizeof *assign);
    terr_initial(&c, assign);
    long iters = 0;
    /* the heuristic runs first: alone, or to give branch and bound an incumbent */
    double full = c.deadline;
    if (exact) c.deadline = c.t_start + (full - c.t_start) * 0.2;
    if (p->compact == TERR_SUM_DISTANCE)
        iters += terr_search_sum(&c, assign);
    else
        iters += terr_search_diameter(&c, assign);
    c.deadline = full;
    struct terr_result heur;
    ctx_evaluate(&c, assign, &heur);
    if (!exact) {
        *r = heur;
    } else {
        int32_t *best = xmalloc(p->n * sizeof *best);
        if (heur.balanced && heur.contiguous_ok &&
            (!p->current || p->max_moves < 0 || (long)heur.moves <= p->max_moves))
            memcpy(best, assign, p->n * sizeof *best);
        else
            best[0] = -1;
        long nodes = 0;
        int done = terr_exact(&c, best, &nodes);
        iters += nodes;
        if (best[0] >= 0) {
            struct terr_result ex;
            ctx_evaluate(&c, best, &ex);
            if (better(&ex, &heur) || !heur.balanced || done) {
                terr_result_release(&heur);
                *r = ex;
            } else {
                terr_result_release(&ex);
                *r = heur;
            }
            r->proven_optimal = done;
        } else {
            *r = heur; /* nothing meets every constraint: report the least violation found */
            r->infeasible = done;
        }
        free(best);
    }
    r->iterations = iters;
    r->seconds = terr_now() - c.t_start;
    free(assign);
    ctx_free(&c);
    return 0;
}
