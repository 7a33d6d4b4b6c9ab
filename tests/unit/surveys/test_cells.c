/* test_cells.c -- anonymity cells: everyone in exactly one cell of at least
 * min_group people, tags that tell the truth, trees cut only along cells. By
 * property over random organisations and by hand-made examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "surveys/cells.h"

static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static size_t below(uint64_t *rng, size_t n)
{
    return (size_t)(next_random(rng) % n);
}

/* Whether `ancestor` is strictly above `i` (following valid manager links). */
static int strictly_above(const struct cell_person *p, size_t n, int32_t ancestor, int32_t i)
{
    int32_t m = p[i].manager;
    for (size_t steps = 0; m >= 0 && (size_t)m < n && steps <= n; steps++) {
        if (m == ancestor) return 1;
        m = p[m].manager;
    }
    return 0;
}

/* Every rule of cells.h for one organisation; fails the test with `what` and the cell. */
static void check_cells(const struct cell_person *p, size_t n, int k, const int32_t *cell_of,
                        const struct cell *cells, size_t ncells, const char *what)
{
    if (n == 0) {
        assert_int_equal(ncells, 0);
        return;
    }
    assert_true(ncells >= 1 && ncells <= n);
    size_t *count = calloc(ncells, sizeof *count);
    for (size_t i = 0; i < n; i++) {
        if (cell_of[i] < 0 || (size_t)cell_of[i] >= ncells)
            fail_msg("%s: person %zu in cell %d of %zu", what, i, cell_of[i], ncells);
        count[cell_of[i]]++;
    }
    size_t sum = 0;
    for (size_t c = 0; c < ncells; c++) {
        sum += cells[c].size;
        if (count[c] != cells[c].size)
            fail_msg("%s: cell %zu says %zu people, holds %zu", what, c, cells[c].size, count[c]);
        if (n >= (size_t)k && cells[c].size < (size_t)k)
            fail_msg("%s: cell %zu has %zu people, min_group %d", what, c, cells[c].size, k);
    }
    assert_int_equal(sum, n);
    if (n < (size_t)k) assert_int_equal(ncells, 1); /* one cell, never shown */
    for (size_t i = 0; i < n; i++) {
        const struct cell *c = &cells[cell_of[i]];
        for (int d = 0; d < CELL_DIMS; d++)
            if (c->dims[d] != CELL_MIXED && c->dims[d] != p[i].dims[d])
                fail_msg("%s: person %zu (dim %d = %lld) in a cell tagged %lld", what, i, d,
                         (long long)p[i].dims[d], (long long)c->dims[d]);
        if (c->node >= 0 && !strictly_above(p, n, c->node, (int32_t)i))
            fail_msg("%s: person %zu in a cell of manager %d's tree but not below them", what, i,
                     c->node);
    }
    /* A manager's tree is the union of the cells tagged at or below them:
     * two trees, and a tree and the company, differ by whole cells, so by
     * none or at least k people. (Quadratic: small organisations only.) */
    if (n >= (size_t)k && n <= 80) {
        unsigned char *in_a = calloc(ncells, 1), *in_b = calloc(ncells, 1);
        for (size_t a = 0; a < n; a++) {
            for (size_t c = 0; c < ncells; c++)
                in_a[c] = cells[c].node >= 0 &&
                          (cells[c].node == (int32_t)a || strictly_above(p, n, (int32_t)a, cells[c].node));
            for (size_t b = 0; b <= n; b++) { /* b == n: the company */
                size_t diff = 0;
                for (size_t c = 0; c < ncells; c++) {
                    in_b[c] = b == n || (cells[c].node >= 0 &&
                                         (cells[c].node == (int32_t)b ||
                                          strictly_above(p, n, (int32_t)b, cells[c].node)));
                    if (in_b[c] && !in_a[c]) diff += cells[c].size;
                }
                if (diff && diff < (size_t)k)
                    fail_msg("%s: trees %zu and %zu differ by %zu people", what, b, a, diff);
            }
        }
        free(in_a);
        free(in_b);
    }
    free(count);
}

static void build_and_check(const struct cell_person *p, size_t n, int k, const char *what,
                            int32_t **cell_of_out, struct cell **cells_out, size_t *ncells_out)
{
    int32_t *cell_of = calloc(n ? n : 1, sizeof *cell_of);
    struct cell *cells = calloc(n ? n : 1, sizeof *cells);
    for (size_t i = 0; i < n; i++)
        cell_of[i] = -7; /* so an unset entry shows */
    size_t ncells = 12345;
    cells_build(p, n, k, cell_of, cells, &ncells);
    check_cells(p, n, k, cell_of, cells, ncells, what);
    if (cell_of_out) {
        *cell_of_out = cell_of;
        *cells_out = cells;
        *ncells_out = ncells;
    } else {
        free(cell_of);
        free(cells);
    }
}

/* Random forests: sizes 1..300, min_group 3..8, a few roots, random teams,
 * bands and roles (dims with few values, so refinement happens). */
static void test_random_forests(void **state)
{
    (void)state;
    char what[96];
    for (uint64_t seed = 1; seed <= 400; seed++) {
        uint64_t rng = seed;
        size_t n = 1 + below(&rng, seed % 4 == 0 ? 300 : 60);
        int k = 3 + (int)below(&rng, 6);
        struct cell_person *p = calloc(n, sizeof *p);
        /* a random order, each person's manager earlier in it: a forest */
        size_t *perm = calloc(n, sizeof *perm);
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        for (size_t i = n; i-- > 1;) {
            size_t j = below(&rng, i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        size_t roots = 1 + below(&rng, 3);
        int64_t nteams = 1 + (int64_t)below(&rng, 5);
        int wide = below(&rng, 2); /* wide and flat or deep and narrow */
        for (size_t o = 0; o < n; o++) {
            size_t i = perm[o];
            if (o < roots) {
                p[i].manager = -1;
            } else {
                size_t span = wide ? o : (o < 4 ? o : 4);
                p[i].manager = (int32_t)perm[o - 1 - below(&rng, span)];
            }
            p[i].dims[CELL_TEAM] = (int64_t)below(&rng, (size_t)nteams + 1); /* 0: no team */
            p[i].dims[CELL_BAND] = (int64_t)below(&rng, 4);
            p[i].dims[CELL_ROLE] = 1 + (int64_t)below(&rng, 2);
        }
        snprintf(what, sizeof what, "seed %llu (n %zu, k %d)", (unsigned long long)seed, n, k);
        build_and_check(p, n, k, what, NULL, NULL, NULL);
        free(perm);
        free(p);
    }
}

/* Everyone alike on every dimension in a pool: the cells say so. The top
 * (0 and four reports) is a company cell of its own: 1 leads 5..11. */
static void test_shared_values_are_tagged(void **state)
{
    (void)state;
    struct cell_person p[12];
    for (size_t i = 0; i < 12; i++)
        p[i] = (struct cell_person){i == 0 ? -1 : i <= 4 ? 0 : 1, {4, 2, 2}};
    int32_t *cell_of;
    struct cell *cells;
    size_t ncells;
    build_and_check(p, 12, 5, "alike", &cell_of, &cells, &ncells);
    assert_int_equal(ncells, 2);
    assert_int_equal(cells[cell_of[5]].node, 1);
    assert_int_equal(cells[cell_of[5]].size, 7);
    assert_int_equal(cells[cell_of[5]].dims[CELL_TEAM], 4);
    assert_int_equal(cells[cell_of[5]].dims[CELL_BAND], 2);
    assert_int_equal(cells[cell_of[5]].dims[CELL_ROLE], 2);
    assert_int_equal(cells[cell_of[0]].node, -1);
    assert_int_equal(cell_of[0], cell_of[1]);
    free(cell_of);
    free(cells);
}

/* A team split only where both parts keep min_group people. */
static void test_refinement_keeps_min_group(void **state)
{
    (void)state;
    /* roots 0..5 (the company cell); 5 leads 6..17: 6 in team 1, 4 in team 2, 2 in team 3 */
    struct cell_person p[18];
    for (size_t i = 0; i < 6; i++)
        p[i] = (struct cell_person){-1, {0, 0, 1}};
    for (size_t i = 6; i < 18; i++)
        p[i] = (struct cell_person){5, {i < 12 ? 1 : i < 16 ? 2 : 3, 0, 2}};
    int32_t *cell_of;
    struct cell *cells;
    size_t ncells;
    build_and_check(p, 18, 5, "refine", &cell_of, &cells, &ncells);
    /* team 1 (6) is its own cell; teams 2 and 3 together (6) are mixed */
    assert_int_equal(cells[cell_of[6]].dims[CELL_TEAM], 1);
    assert_int_equal(cells[cell_of[6]].size, 6);
    assert_int_equal(cells[cell_of[12]].dims[CELL_TEAM], CELL_MIXED);
    assert_int_equal(cell_of[12], cell_of[16]);
    assert_int_not_equal(cell_of[6], cell_of[12]);
    /* with min_group 7 team 1 is too small to stand alone: one mixed cell */
    free(cell_of);
    free(cells);
    build_and_check(p, 18, 7, "refine 7", &cell_of, &cells, &ncells);
    assert_int_equal(cell_of[6], cell_of[12]);
    assert_int_equal(cells[cell_of[6]].dims[CELL_TEAM], CELL_MIXED);
    free(cell_of);
    free(cells);
}

/* The example: a manager with 7 below, among them a sub-manager
 * with 5 below. The 2 who are below the manager but not the sub-manager
 * never form a group of their own: the trees differ by whole cells. */
static void test_seven_and_five(void **state)
{
    (void)state;
    /* roots 0 and 9..14; A = 1 under 0 has 7 below: B = 2 and x = 3, and B's 4..8 */
    struct cell_person p[15];
    for (size_t i = 0; i < 15; i++)
        p[i] = (struct cell_person){-1, {1, 3, 2}};
    p[1].manager = 0;
    p[2].manager = 1;
    p[3].manager = 1;
    for (size_t i = 4; i <= 8; i++)
        p[i].manager = 2;
    int32_t *cell_of;
    struct cell *cells;
    size_t ncells;
    build_and_check(p, 15, 5, "7 and 5", &cell_of, &cells, &ncells);
    /* B's five are a cell of B's tree */
    assert_int_equal(cells[cell_of[4]].node, 2);
    assert_int_equal(cells[cell_of[4]].size, 5);
    /* A's other two (B and x) are not a cell tagged with A: they went up */
    assert_int_equal(cells[cell_of[3]].node, -1);
    assert_int_equal(cell_of[2], cell_of[3]);
    /* so A's tree (cells at or below A) is exactly B's cell: the 2 cannot be subtracted */
    size_t in_a = 0;
    for (size_t c = 0; c < ncells; c++)
        if (cells[c].node == 1 || cells[c].node == 2) in_a += cells[c].size;
    assert_int_equal(in_a, 5);
    free(cell_of);
    free(cells);

    /* With 10 below A: A's own 5 make a cell of A's tree, and the trees of
     * A and B differ by those 5. */
    struct cell_person q[18];
    for (size_t i = 0; i < 18; i++)
        q[i] = (struct cell_person){-1, {1, 3, 2}};
    q[1].manager = 0;
    for (size_t i = 2; i <= 6; i++)
        q[i].manager = 1; /* B = 2 and four more */
    for (size_t i = 7; i <= 11; i++)
        q[i].manager = 2;
    build_and_check(q, 18, 5, "10 and 5", &cell_of, &cells, &ncells);
    assert_int_equal(cells[cell_of[7]].node, 2);
    assert_int_equal(cells[cell_of[3]].node, 1);
    assert_int_equal(cells[cell_of[3]].size, 5);
    assert_int_equal(cells[cell_of[0]].node, -1);
    free(cell_of);
    free(cells);
}

/* Fewer people than min_group: one cell of everyone, for the company. */
static void test_small_org(void **state)
{
    (void)state;
    for (size_t n = 1; n < 5; n++) {
        struct cell_person p[4];
        for (size_t i = 0; i < n; i++)
            p[i] = (struct cell_person){i ? 0 : -1, {1, 0, 2}};
        int32_t *cell_of;
        struct cell *cells;
        size_t ncells;
        build_and_check(p, n, 5, "small", &cell_of, &cells, &ncells);
        assert_int_equal(ncells, 1);
        assert_int_equal(cells[0].size, n);
        assert_int_equal(cells[0].node, -1);
        free(cell_of);
        free(cells);
    }
    /* nobody at all: no cells */
    size_t ncells = 99;
    cells_build(NULL, 0, 5, NULL, NULL, &ncells);
    assert_int_equal(ncells, 0);
}

/* Manager links out of range or to oneself count as none; a cycle does not
 * loop or lose anyone. */
static void test_bad_links(void **state)
{
    (void)state;
    struct cell_person p[14];
    for (size_t i = 0; i < 14; i++)
        p[i] = (struct cell_person){0, {0, 1, 2}};
    p[0].manager = -1;
    p[1].manager = 99;  /* out of range */
    p[2].manager = 2;   /* oneself */
    p[3].manager = 4;   /* 3 and 4: a cycle */
    p[4].manager = 3;
    p[5].manager = -40; /* negative */
    build_and_check(p, 14, 5, "bad links", NULL, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_forests),
        cmocka_unit_test(test_shared_values_are_tagged),
        cmocka_unit_test(test_refinement_keeps_min_group),
        cmocka_unit_test(test_seven_and_five),
        cmocka_unit_test(test_small_org),
        cmocka_unit_test(test_bad_links),
    };
    return cmocka_run_group_tests_name("cells", tests, NULL, NULL);
}
