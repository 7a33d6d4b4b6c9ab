/* test_territory.c -- the territory engine against brute force, and its constraints one by one.
 * The Pfizer optima are checked from ../shared/data/territory when it is there. */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/mem.h"
#include "territory/territory.h"
#include "territory/territory_io.h"

static uint64_t rng_state;
static double urand(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void test_great_circle(void **state)
{
    (void)state;
    /* Paris to London: about 343.5 km; a degree of longitude on the equator: 111.195 km */
    double d = terr_great_circle_km(2.3522, 48.8566, -0.1278, 51.5074);
    assert_true(fabs(d - 343.5) < 1.0);
    assert_true(fabs(terr_great_circle_km(0, 0, 1, 0) - 111.195) < 0.01);
    assert_true(fabs(terr_great_circle_km(10, 20, 10, 20)) < 1e-9);
    /* antipodes: half the circumference */
    assert_true(fabs(terr_great_circle_km(0, 0, 180, 0) - 3.14159265358979 * 6371.0088) < 1e-6);
}

static void test_shortest_paths(void **state)
{
    (void)state;
    /* 0 -1- 1 -1- 2, and a long direct edge 0 -5- 2; 3 is on its own */
    struct terr_edge ed[] = {{0, 1, 1}, {1, 2, 1}, {0, 2, 5}};
    double d[4];
    struct err e = {0};
    assert_int_equal(terr_shortest_paths(4, ed, 3, 0, d, &e), 0);
    assert_true(d[0] == 0 && d[1] == 1 && d[2] == 2 && isinf(d[3]));
    struct terr_edge bad[] = {{0, 7, 1}};
    assert_int_equal(terr_shortest_paths(4, bad, 1, 0, d, &e), REINS_EINVAL);
}

/* A random plane instance: n units, m measures, k territories. */
struct inst {
    size_t n, k, m;
    double x[64], y[64], w[64 * 3], tol[3];
    int32_t home[8];
};

static void make_inst(struct inst *in, size_t n, size_t k, size_t m, double tol)
{
    in->n = n, in->k = k, in->m = m;
    for (size_t i = 0; i < n; i++) {
        in->x[i] = 100 * urand(), in->y[i] = 100 * urand();
        for (size_t j = 0; j < m; j++)
            in->w[i * m + j] = 1 + 9 * urand();
    }
    for (size_t j = 0; j < m; j++)
        in->tol[j] = tol;
    for (size_t t = 0; t < k; t++)
        in->home[t] = (int32_t)t; /* units 0..k-1 are the homes */
}

static struct terr_problem problem_of(const struct inst *in, enum terr_compact compact, int homes)
{
    struct terr_problem p = {0};
    p.n = in->n, p.k = in->k, p.m = in->m, p.measure = in->w, p.tol = in->tol;
    p.x = in->x, p.y = in->y, p.metric = TERR_EUCLIDEAN, p.compact = compact;
    p.home = homes ? in->home : NULL;
    p.max_moves = -1, p.seed = 7, p.time_limit = 20;
    return p;
}

/* Every assignment, evaluated here from scratch: the best objective, or INFINITY. */
static double brute_force(const struct inst *in, enum terr_compact compact, int homes,
                          const int32_t *lock, const int32_t *current, long max_moves)
{
    size_t n = in->n, k = in->k, m = in->m;
    int32_t a[64] = {0};
    double best = INFINITY, mean[3] = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            mean[j] += in->w[i * m + j] / (double)k;
    for (;;) {
        int ok = 1;
        long moves = 0;
        for (size_t i = 0; i < n && ok; i++) {
            if (homes && i < k && a[i] != (int32_t)i) ok = 0;
            if (lock && lock[i] >= 0 && a[i] != lock[i]) ok = 0;
            if (current && current[i] != a[i]) moves++;
        }
        if (max_moves >= 0 && moves > max_moves) ok = 0;
        for (size_t t = 0; t < k && ok; t++)
            for (size_t j = 0; j < m; j++) {
                double s = 0;
                for (size_t i = 0; i < n; i++)
                    if (a[i] == (int32_t)t) s += in->w[i * m + j];
                if (fabs(s - mean[j]) > in->tol[j] * mean[j] + 1e-9) ok = 0;
            }
        if (ok) {
            double obj = 0;
            for (size_t i = 0; i < n; i++) {
                if (compact == TERR_SUM_DISTANCE) {
                    size_t h = (size_t)a[i];
                    obj += hypot(in->x[i] - in->x[h], in->y[i] - in->y[h]);
                } else {
                    for (size_t j = i + 1; j < n; j++)
                        if (a[i] == a[j]) {
                            double d = hypot(in->x[i] - in->x[j], in->y[i] - in->y[j]);
                            if (d > obj) obj = d;
                        }
                }
            }
            if (obj < best) best = obj;
        }
        size_t q = 0; /* next assignment, counting in base k */
        while (q < n && ++a[q] == (int32_t)k)
            a[q++] = 0;
        if (q == n) break;
    }
    return best;
}

static void test_exact_matches_brute_force(void **state)
{
    (void)state;
    rng_state = 42;
    for (int round = 0; round < 12; round++) {
        struct inst in;
        int diam = round % 2;
        make_inst(&in, diam ? 9 : 10, 3, 1 + (size_t)round % 2, 0.25);
        enum terr_compact cp = diam ? TERR_MAX_DIAMETER : TERR_SUM_DISTANCE;
        double want = brute_force(&in, cp, !diam, NULL, NULL, -1);
        struct terr_problem p = problem_of(&in, cp, !diam);
        p.method = TERR_EXACT;
        struct terr_result r;
        struct err e = {0};
        assert_int_equal(terr_solve(&p, &r, &e), 0);
        if (isinf(want)) {
            assert_int_equal(r.balanced, 0);
            assert_int_equal(r.infeasible, 1);
        } else {
            assert_true(r.proven_optimal);
            assert_true(r.balanced);
            assert_true(fabs(r.objective - want) < 1e-9);
        }
        terr_result_release(&r);
    }
}

static void test_locks_and_moves_exact(void **state)
{
    (void)state;
    rng_state = 9;
    struct inst in;
    make_inst(&in, 9, 3, 1, 0.3);
    int32_t lock[9] = {-1, -1, -1, 2, -1, -1, 0, -1, -1};
    int32_t cur[9] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    double want = brute_force(&in, TERR_SUM_DISTANCE, 1, lock, cur, 2);
    struct terr_problem p = problem_of(&in, TERR_SUM_DISTANCE, 1);
    p.lock = lock, p.current = cur, p.max_moves = 2, p.method = TERR_EXACT;
    struct terr_result r;
    struct err e = {0};
    assert_int_equal(terr_solve(&p, &r, &e), 0);
    if (isinf(want)) {
        assert_int_equal(r.infeasible, 1);
    } else {
        assert_true(fabs(r.objective - want) < 1e-9);
        assert_true(r.moves <= 2);
        assert_int_equal(r.assign[3], 2);
        assert_int_equal(r.assign[6], 0);
    }
    terr_result_release(&r);
}

/* Balance repair: units bunched around one home; the nearest-home start is far off balance. */
static void test_balance_repair(void **state)
{
    (void)state;
    rng_state = 5;
    size_t n = 400, k = 4, m = 2;
    double *x = xmalloc(n * sizeof *x), *y = xmalloc(n * sizeof *y);
    double *w = xmalloc(n * m * sizeof *w), tol[2] = {0.03, 0.05};
    int32_t home[4] = {0, 1, 2, 3};
    for (size_t i = 0; i < n; i++) {
        int crowd = i >= k && urand() < 0.7;
        x[i] = crowd ? 10 * urand() : 100 * urand(), y[i] = crowd ? 10 * urand() : 100 * urand();
        w[i * m] = 1 + urand(), w[i * m + 1] = 10 * urand();
    }
    x[0] = y[0] = 5, x[1] = 95, y[1] = 5, x[2] = 5, y[2] = 95, x[3] = y[3] = 95;
    struct terr_problem p = {0};
    p.n = n, p.k = k, p.m = m, p.measure = w, p.tol = tol, p.x = x, p.y = y;
    p.home = home, p.max_moves = -1, p.method = TERR_HEURISTIC, p.seed = 3, p.time_limit = 20;
    struct terr_result r;
    struct err e = {0};
    assert_int_equal(terr_solve(&p, &r, &e), 0);
    assert_true(r.balanced);
    double mean[2] = {0}, tot[4][2] = {{0}};
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            mean[j] += w[i * m + j] / (double)k, tot[r.assign[i]][j] += w[i * m + j];
    for (size_t t = 0; t < k; t++) {
        assert_int_equal(r.assign[home[t]], (int32_t)t);
        for (size_t j = 0; j < m; j++)
            assert_true(fabs(tot[t][j] - mean[j]) <= tol[j] * mean[j] + 1e-9);
    }
    terr_result_release(&r);
    free(x), free(y), free(w);
}

/* Units on a 12 x 12 grid with grid adjacency: territories must come out connected. */
static void test_contiguity(void **state)
{
    (void)state;
    size_t side = 12, n = side * side, k = 5;
    double *x = xmalloc(n * sizeof *x), *y = xmalloc(n * sizeof *y), *w = xmalloc(n * sizeof *w);
    struct terr_edge *adj = xmalloc(2 * n * sizeof *adj);
    size_t na = 0;
    rng_state = 11;
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)(i % side), y[i] = (double)(i / side), w[i] = 1 + urand();
        if (i % side + 1 < side) adj[na++] = (struct terr_edge){(uint32_t)i, (uint32_t)i + 1, 1};
        if (i + side < n) adj[na++] = (struct terr_edge){(uint32_t)i, (uint32_t)(i + side), 1};
    }
    double tol = 0.08;
    struct terr_problem p = {0};
    p.n = n, p.k = k, p.m = 1, p.measure = w, p.tol = &tol, p.x = x, p.y = y;
    p.adj = adj, p.nadj = na, p.contiguous = 1, p.max_moves = -1, p.seed = 1;
    p.method = TERR_HEURISTIC, p.time_limit = 20;
    for (int obj = 0; obj < 2; obj++) {
        p.compact = obj ? TERR_MAX_DIAMETER : TERR_SUM_DISTANCE;
        p.max_iter = obj ? 3000 : 0;
        struct terr_result r;
        struct err e = {0};
        assert_int_equal(terr_solve(&p, &r, &e), 0);
        assert_true(r.contiguous_ok);
        /* independently: flood each territory over the grid */
        for (size_t t = 0; t < k; t++) {
            unsigned char seen[144] = {0};
            size_t stack[144], sp = 0, count = 0, members = 0, first = SIZE_MAX;
            for (size_t i = 0; i < n; i++)
                if (r.assign[i] == (int32_t)t) members++, first = first == SIZE_MAX ? i : first;
            if (!members) continue;
            stack[sp++] = first, seen[first] = 1;
            while (sp) {
                size_t u = stack[--sp];
                count++;
                size_t nb[4] = {u % side ? u - 1 : u, u % side + 1 < side ? u + 1 : u,
                                u >= side ? u - side : u, u + side < n ? u + side : u};
                for (int q = 0; q < 4; q++)
                    if (!seen[nb[q]] && r.assign[nb[q]] == (int32_t)t)
                        seen[nb[q]] = 1, stack[sp++] = nb[q];
            }
            assert_int_equal(count, members);
        }
        assert_true(r.balanced);
        terr_result_release(&r);
    }
    free(x), free(y), free(w), free(adj);
}

/* Heuristic with locks and a disruption limit on a larger instance. */
static void test_locks_and_disruption_heuristic(void **state)
{
    (void)state;
    rng_state = 17;
    size_t n = 300, k = 6;
    double *x = xmalloc(n * sizeof *x), *y = xmalloc(n * sizeof *y), *w = xmalloc(n * sizeof *w);
    int32_t *cur = xmalloc(n * sizeof *cur), *lock = xmalloc(n * sizeof *lock);
    for (size_t i = 0; i < n; i++) {
        x[i] = 100 * urand(), y[i] = 100 * urand(), w[i] = 1 + urand();
        cur[i] = (int32_t)(i % k); /* a poor current alignment: owners at random */
        lock[i] = i % 50 == 7 ? (int32_t)((i + 1) % k) : -1;
    }
    double tol = 0.1;
    struct terr_problem p = {0};
    p.n = n, p.k = k, p.m = 1, p.measure = w, p.tol = &tol, p.x = x, p.y = y;
    p.current = cur, p.lock = lock, p.method = TERR_HEURISTIC, p.seed = 2, p.time_limit = 20;
    for (long limit = 0; limit <= 40; limit += 20) {
        p.max_moves = limit;
        struct terr_result r;
        struct err e = {0};
        assert_int_equal(terr_solve(&p, &r, &e), 0);
        size_t moved = 0, locked_moves = 0;
        for (size_t i = 0; i < n; i++) {
            moved += r.assign[i] != cur[i];
            if (lock[i] >= 0) assert_int_equal(r.assign[i], lock[i]);
            locked_moves += lock[i] >= 0 && lock[i] != cur[i];
        }
        assert_int_equal(r.moves, moved);
        /* locked units that differ from their current owner must move, whatever the limit */
        assert_true(moved <= (size_t)limit + locked_moves);
        if (limit == 0) assert_int_equal(moved, locked_moves);
        terr_result_release(&r);
    }
    /* unlimited, with a penalty: fewer moves than with no penalty */
    p.max_moves = -1;
    struct terr_result free_r, pen_r;
    struct err e = {0};
    assert_int_equal(terr_solve(&p, &free_r, &e), 0);
    p.move_penalty = 30;
    assert_int_equal(terr_solve(&p, &pen_r, &e), 0);
    assert_true(pen_r.moves < free_r.moves);
    terr_result_release(&free_r), terr_result_release(&pen_r);
    free(x), free(y), free(w), free(cur), free(lock);
}

static void test_infeasible_reported(void **state)
{
    (void)state;
    /* one unit weighs more than a whole band: balance cannot be met */
    double x[] = {0, 1, 2, 3}, y[] = {0, 0, 0, 0}, w[] = {10, 1, 1, 1}, tol = 0.1;
    struct terr_problem p = {0};
    p.n = 4, p.k = 2, p.m = 1, p.measure = w, p.tol = &tol, p.x = x, p.y = y;
    p.max_moves = -1, p.time_limit = 5, p.compact = TERR_MAX_DIAMETER; /* exact when small */
    struct terr_result r;
    struct err e = {0};
    assert_int_equal(terr_solve(&p, &r, &e), 0);
    assert_int_equal(r.balanced, 0);
    assert_true(fabs(r.max_violation - (10 - 7.15) / 6.5) < 1e-9); /* best split: 10 | 1+1+1 */
    assert_int_equal(r.infeasible, 1);
    terr_result_release(&r);
    /* bad input names the field */
    int32_t lock[] = {0, 5, -1, -1};
    p.lock = lock;
    assert_int_equal(terr_solve(&p, &r, &e), REINS_EINVAL);
    assert_string_equal(e.field, "lock");
    /* the diameter looks at every pair: refused, not left to run for minutes */
    size_t big = TERR_DIAMETER_MAX_UNITS + 1;
    double *bx = xcalloc(big, sizeof *bx), *bw = xcalloc(big, sizeof *bw);
    struct terr_problem q = {0};
    q.n = big, q.k = 2, q.m = 1, q.measure = bw, q.x = bx, q.y = bx, q.max_moves = -1;
    q.compact = TERR_MAX_DIAMETER;
    assert_int_equal(terr_solve(&q, &r, &e), REINS_EINVAL);
    assert_string_equal(e.field, "objective");
    free(bx), free(bw);
}

static void test_deterministic_for_a_seed(void **state)
{
    (void)state;
    rng_state = 23;
    size_t n = 200;
    double *x = xmalloc(n * sizeof *x), *y = xmalloc(n * sizeof *y), *w = xmalloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++)
        x[i] = 100 * urand(), y[i] = 100 * urand(), w[i] = 1 + urand();
    double tol = 0.05;
    struct terr_problem p = {0};
    p.n = n, p.k = 5, p.m = 1, p.measure = w, p.tol = &tol, p.x = x, p.y = y, p.max_moves = -1;
    p.compact = TERR_MAX_DIAMETER, p.seed = 99, p.max_iter = 2000, p.time_limit = 60;
    struct terr_result a, b;
    struct err e = {0};
    assert_int_equal(terr_solve(&p, &a, &e), 0);
    assert_int_equal(terr_solve(&p, &b, &e), 0);
    assert_memory_equal(a.assign, b.assign, n * sizeof *a.assign);
    assert_true(a.balanced);
    terr_result_release(&a), terr_result_release(&b);
    free(x), free(y), free(w);
}

static void test_csv_errors(void **state)
{
    (void)state;
    struct terr_input in;
    terr_input_init(&in);
    struct err e = {0};
    const char *bad = "id,x,y,load\na,0,0,1\nb,1,1,heavy\n";
    assert_int_equal(terr_read_units_csv(&in, "u.csv", bad, strlen(bad), NULL, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "u.csv line 3"));
    assert_string_equal(e.field, "load");
    terr_input_release(&in);
    terr_input_init(&in);
    const char *dup = "id,x,y,load\na,0,0,1\na,1,1,2\n";
    assert_int_equal(terr_read_units_csv(&in, "u.csv", dup, strlen(dup), NULL, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "appears twice"));
    terr_input_release(&in);
    terr_input_init(&in);
    const char *ok = "id,lat,lon,load,current\na,48.85,2.35,1,north\nb,51.5,-0.12,2,south\n";
    assert_int_equal(terr_read_units_csv(&in, "u.csv", ok, strlen(ok), NULL, &e), 0);
    assert_int_equal(in.p.metric, TERR_GREAT_CIRCLE);
    assert_int_equal(terr_input_finish(&in, "0.5", &e), 0);
    assert_int_equal(in.k, 2); /* the territories named in `current` */
    assert_int_equal(in.current[1], 1);
    terr_input_release(&in);
}

static void test_graphml(void **state)
{
    (void)state;
    const char *g =
        "<?xml version='1.0'?><graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">"
        "<key id=\"d0\" for=\"node\" attr.name=\"x\"/><key id=\"d1\" for=\"node\" attr.name=\"y\"/>"
        "<key id=\"d2\" for=\"node\" attr.name=\"load\"/>"
        "<key id=\"d3\" for=\"edge\" attr.name=\"distance\"/><graph>"
        "<node id=\"a\"><data key=\"d0\">0</data><data key=\"d1\">0</data><data "
        "key=\"d2\">3</data></node>"
        "<node id=\"b\"><data key=\"d0\">1</data><data key=\"d1\">0</data><data "
        "key=\"d2\">4</data></node>"
        "<node id=\"c\"><data key=\"d0\">2</data><data key=\"d1\">0</data><data "
        "key=\"d2\">5</data></node>"
        "<edge source=\"a\" target=\"b\"><data key=\"d3\">1.5</data></edge>"
        "<edge source=\"b\" target=\"c\"><data key=\"d3\">2</data></edge>"
        "</graph></graphml>";
    struct terr_input in;
    terr_input_init(&in);
    struct err e = {0};
    assert_int_equal(terr_read_graphml(&in, "g.graphml", g, strlen(g), NULL, NULL, &e), 0);
    assert_int_equal(in.n, 3);
    assert_int_equal(in.m, 1);
    assert_int_equal(in.nedges, 2);
    assert_true(in.edges[1].w == 2 && in.measure[2] == 5 && in.x[1] == 1);
    assert_int_equal(in.p.metric, TERR_GRAPH);
    terr_input_release(&in);
    const char *broken = "<graphml><graph><node id=\"a\"></graph>";
    terr_input_init(&in);
    assert_int_equal(terr_read_graphml(&in, "g.graphml", broken, strlen(broken), NULL, NULL, &e),
                     REINS_EINVAL);
    assert_non_null(strstr(e.msg, "not well-formed"));
    terr_input_release(&in);
    /* a bad measure names the node and the line */
    const char *bad = "<graphml><key id=\"k\" for=\"node\" attr.name=\"load\"/><graph>\n"
                      "<node id=\"a\"><data key=\"k\">-1</data></node></graph></graphml>";
    terr_input_init(&in);
    assert_int_equal(terr_read_graphml(&in, "g.graphml", bad, strlen(bad), NULL, NULL, &e),
                     REINS_EINVAL);
    assert_non_null(strstr(e.msg, "g.graphml line 2: node a: load '-1'"));
    terr_input_release(&in);
}

/* ../shared/data/territory beside the worktree: the executable is build/tests/territory/. */
static int data_dir(char *out, size_t len)
{
    const char *env = getenv("REINS_TERRITORY_DATA");
    if (env) {
        snprintf(out, len, "%s", env);
        return access(out, R_OK) == 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return 0;
    exe[n] = 0;
    for (int up = 0; up < 4; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash) return 0;
        *slash = 0;
    }
    /* the repository's parent, or a worktree's grandparent (/work/wt/<name>) */
    for (int up = 0; up < 2; up++) {
        if (strlen(exe) + 32 > len) return 0;
        memcpy(out, exe, strlen(exe) + 1);
        strcat(out, up ? "/../../shared/data/territory" : "/../shared/data/territory");
        if (access(out, R_OK) == 0) return 1;
    }
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct sb s = SB_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(&s, buf, n);
    fclose(f);
    *len = s.len;
    return sb_detach(&s);
}

static void test_pfizer_optima(void **state)
{
    (void)state;
    char dir[PATH_MAX], a[PATH_MAX + 64], b[PATH_MAX + 64];
    if (!data_dir(dir, sizeof dir)) {
        print_message("skipped: no ../shared/data/territory (set REINS_TERRITORY_DATA)\n");
        skip();
    }
    snprintf(a, sizeof a, "%s/pfizer-22x4/bricks_index_values.csv", dir);
    snprintf(b, sizeof b, "%s/pfizer-22x4/brick_rp_distances.csv", dir);
    const char *bands[] = {"0.20", "0.15", "0.10"};
    const double optimum[] = {154.62, 160.34, 162.43};
    for (int q = 0; q < 3; q++) {
        struct terr_input in;
        terr_input_init(&in);
        struct err e = {0};
        size_t la, lb;
        char *da = slurp(a, &la), *db = slurp(b, &lb);
        assert_non_null(da);
        assert_non_null(db);
        assert_int_equal(terr_read_units_csv(&in, a, da, la, NULL, &e), 0);
        assert_int_equal(terr_read_home_distances_csv(&in, b, db, lb, &e), 0);
        assert_int_equal(terr_set_homes(&in, "4,14,16,22", &e), 0);
        assert_int_equal(terr_input_finish(&in, bands[q], &e), 0);
        in.p.method = TERR_EXACT;
        struct terr_result r;
        assert_int_equal(terr_solve(&in.p, &r, &e), 0);
        assert_true(r.proven_optimal);
        assert_true(r.balanced);
        assert_true(fabs(r.objective - optimum[q]) < 1e-6);
        /* the offices stay with their representatives */
        assert_int_equal(r.assign[3], 0);
        assert_int_equal(r.assign[13], 1);
        assert_int_equal(r.assign[15], 2);
        assert_int_equal(r.assign[21], 3);
        terr_result_release(&r);
        terr_input_release(&in);
        free(da), free(db);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_great_circle),
        cmocka_unit_test(test_shortest_paths),
        cmocka_unit_test(test_exact_matches_brute_force),
        cmocka_unit_test(test_locks_and_moves_exact),
        cmocka_unit_test(test_balance_repair),
        cmocka_unit_test(test_contiguity),
        cmocka_unit_test(test_locks_and_disruption_heuristic),
        cmocka_unit_test(test_infeasible_reported),
        cmocka_unit_test(test_deterministic_for_a_seed),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_graphml),
        cmocka_unit_test(test_pfizer_optima),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
