/* test_disclosure.c -- thresholds and no differencing, by example and by property. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "surveys/disclosure.h"

/* members 0 .. n-1 shifted by `from` */
static struct disclosure_group range(uint32_t *buf, uint32_t from, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = from + (uint32_t)i;
    return (struct disclosure_group){buf, n};
}

static void test_threshold(void **state)
{
    (void)state;
    uint32_t a[10], b[10];
    struct disclosure_group g[] = {range(a, 0, 5), range(b, 100, 4)};
    unsigned char shown[2];
    disclosure_decide(g, 2, 5, shown);
    assert_int_equal(shown[0], 1);
    assert_int_equal(shown[1], 0); /* 4 < 5 */
    disclosure_decide(g, 2, 4, shown);
    assert_int_equal(shown[1], 1);
}

static void test_floor_is_three(void **state)
{
    (void)state;
    uint32_t a[3], b[2];
    struct disclosure_group g[] = {range(a, 0, 3), range(b, 10, 2)};
    unsigned char shown[2];
    disclosure_decide(g, 2, 1, shown); /* an admin cannot go below 3 */
    assert_int_equal(shown[0], 1);
    assert_int_equal(shown[1], 0);
}

/* The example of the issue: a team of 7 and its sub-team of 5 side by side reveal 2. */
static void test_team_and_subteam(void **state)
{
    (void)state;
    uint32_t team[7], sub[5];
    struct disclosure_group g[] = {range(team, 0, 7), range(sub, 0, 5)};
    unsigned char shown[2];
    disclosure_decide(g, 2, 5, shown);
    assert_int_equal(shown[0], 1);
    assert_int_equal(shown[1], 0);
    /* a team of 10 and a sub-team of 5 differ by 5: both may be shown */
    uint32_t big[10];
    g[0] = range(big, 0, 10);
    disclosure_decide(g, 2, 5, shown);
    assert_int_equal(shown[0], 1);
    assert_int_equal(shown[1], 1);
    /* the same group twice differs by no one: both shown */
    g[1] = g[0];
    disclosure_decide(g, 2, 5, shown);
    assert_int_equal(shown[1], 1);
}

/* Order decides which of two conflicting groups is shown. */
static void test_order_is_priority(void **state)
{
    (void)state;
    uint32_t team[7], sub[5];
    struct disclosure_group g[] = {range(sub, 0, 5), range(team, 0, 7)};
    unsigned char shown[2];
    disclosure_decide(g, 2, 5, shown);
    assert_int_equal(shown[0], 1);
    assert_int_equal(shown[1], 0);
}

/* A filter (a tenure band within a team) is a group like any other. */
static void test_filter_and_overlap(void **state)
{
    (void)state;
    uint32_t team[12], band[9], other[8];
    /* band = 9 of the team: team minus band = 3 people: withheld */
    struct disclosure_group g[] = {range(team, 0, 12), range(band, 0, 9)};
    unsigned char shown[3];
    disclosure_decide(g, 2, 5, shown);
    assert_int_equal(shown[1], 0);
    /* overlapping groups: 0..11 and 9..16 differ by 9 and 5: both shown */
    g[1] = range(other, 9, 8);
    disclosure_decide(g, 2, 5, shown);
    assert_int_equal(shown[1], 1);
    /* 0..11 and 2..9: the team has 4 people the other has not */
    g[1] = range(other, 2, 8);
    disclosure_decide(g, 2, 5, shown);
    assert_int_equal(shown[1], 0); /* 2..9 in both; 0,1,10,11 only in team: 4 < 5 */
}

static void test_bad_groups_are_withheld(void **state)
{
    (void)state;
    uint32_t unsorted[] = {5, 1, 2, 3, 4, 6}, repeated[] = {1, 1, 2, 3, 4, 5};
    struct disclosure_group g[] = {{unsorted, 6}, {repeated, 6}, {NULL, 0}};
    unsigned char shown[3];
    disclosure_decide(g, 3, 5, shown);
    assert_int_equal(shown[0], 0);
    assert_int_equal(shown[1], 0);
    assert_int_equal(shown[2], 0);
}

static void test_difference(void **state)
{
    (void)state;
    uint32_t a[] = {1, 2, 3, 7, 9}, b[] = {2, 3, 4, 9, 10, 11};
    struct disclosure_group ga = {a, 5}, gb = {b, 6};
    assert_int_equal(disclosure_difference(&ga, &gb), 2); /* 1, 7 */
    assert_int_equal(disclosure_difference(&gb, &ga), 3); /* 4, 10, 11 */
    struct disclosure_group empty = {NULL, 0};
    assert_int_equal(disclosure_difference(&ga, &empty), 5);
    assert_int_equal(disclosure_difference(&empty, &ga), 0);
}

/* On random groups: every shown group is big enough, no two shown groups
 * expose anyone, and every withheld group breaks a rule against the groups
 * shown before it (nothing is withheld that need not be). */
static void test_properties(void **state)
{
    (void)state;
    srand(7);
    for (int round = 0; round < 3000; round++) {
        size_t k = 1 + (size_t)(rand() % 8);
        int n_min = 3 + rand() % 4;
        uint32_t members[8][40];
        struct disclosure_group g[8];
        for (size_t i = 0; i < k; i++) {
            size_t n = 0;
            int density = 1 + rand() % 6;
            for (uint32_t m = 0; m < 40; m++)
                if (rand() % density == 0) members[i][n++] = m;
            g[i] = (struct disclosure_group){members[i], n};
        }
        unsigned char shown[8];
        disclosure_decide(g, k, n_min, shown);
        for (size_t i = 0; i < k; i++) {
            int fits = g[i].n >= (size_t)n_min;
            for (size_t j = 0; j < i; j++) {
                if (!shown[j]) continue;
                size_t d1 = disclosure_difference(&g[i], &g[j]);
                size_t d2 = disclosure_difference(&g[j], &g[i]);
                if ((d1 > 0 && d1 < (size_t)n_min) || (d2 > 0 && d2 < (size_t)n_min)) fits = 0;
            }
            assert_int_equal(shown[i], fits);
            /* shown groups never expose anyone against any other shown group */
            for (size_t j = 0; shown[i] && j < k; j++) {
                if (!shown[j]) continue;
                size_t d = disclosure_difference(&g[i], &g[j]);
                assert_true(d == 0 || d >= (size_t)n_min);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threshold),          cmocka_unit_test(test_floor_is_three),
        cmocka_unit_test(test_team_and_subteam),   cmocka_unit_test(test_order_is_priority),
        cmocka_unit_test(test_filter_and_overlap), cmocka_unit_test(test_bad_groups_are_withheld),
        cmocka_unit_test(test_difference),         cmocka_unit_test(test_properties),
    };
    return cmocka_run_group_tests_name("disclosure", tests, NULL, NULL);
}
