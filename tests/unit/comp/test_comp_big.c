/* test_comp_big.c -- big arrays: where they start, that every byte is theirs, hints. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "comp/comp_big.h"

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* Small arrays are malloc blocks; big ones start on a huge page boundary, whatever their
 * size, and can be written to their last byte. */
static void test_alloc_sizes(void **state)
{
    (void)state;
    size_t sizes[] = {0,
                      1,
                      4096,
                      COMP_BIG_MIN - 1,
                      COMP_BIG_MIN,
                      COMP_BIG_MIN + 1,
                      COMP_BIG_MIN + 4095,
                      (size_t)9 << 20,
                      ((size_t)9 << 20) + 12345};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i];
        unsigned char *p = comp_big_alloc(n);
        assert_non_null(p);
        if (n >= COMP_BIG_MIN) assert_int_equal((uintptr_t)p % HUGE_PAGE, 0);
        if (n) {
            memset(p, 0xA5, n);
            assert_int_equal(p[0], 0xA5);
            assert_int_equal(p[n - 1], 0xA5);
        }
        comp_big_free(p, n);
    }
    comp_big_free(NULL, 0);
    comp_big_free(NULL, COMP_BIG_MIN);
}

/* The advice is a hint on blocks from malloc and realloc: their contents stay as they
 * were, before and after the block grows, and small or NULL blocks are left alone. */
static void test_advise_keeps_contents(void **state)
{
    (void)state;
    comp_big_advise(NULL, COMP_BIG_MIN);
    size_t n = COMP_BIG_MIN + 100;
    unsigned char *p = malloc(n);
    assert_non_null(p);
    comp_big_advise(p, 100); /* too small: nothing asked */
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7);
    comp_big_advise(p, n); /* after the pages were written: still only a hint */
    unsigned char *q = realloc(p, 3 * n);
    assert_non_null(q);
    comp_big_advise(q, 3 * n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(q[i], (unsigned char)(i * 7));
    memset(q + n, 1, 2 * n);
    assert_int_equal(q[3 * n - 1], 1);
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_sizes),
        cmocka_unit_test(test_advise_keeps_contents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
