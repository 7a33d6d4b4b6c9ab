/* test_threads.c -- every part of a job runs once, on its own thread but for part 0; shared
 * out, every part runs once and a slow thread takes fewer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "core/threads.h"

struct part {
    int index;
    int runs;
    pthread_t thread;
    long sum; /* of index + 1 .. 1000000: some work, so threads overlap */
};

static void *work(void *arg)
{
    struct part *p = arg;
    p->runs++;
    p->thread = pthread_self();
    for (long i = p->index + 1; i <= 1000000; i++)
        p->sum += i % 7;
    return NULL;
}

static void test_every_part_once(void **state)
{
    (void)state;
    for (int n = 1; n <= 6; n++) {
        struct part parts[6];
        memset(parts, 0, sizeof parts);
        for (int i = 0; i < n; i++)
            parts[i].index = i;
        threads_run(n, work, parts, sizeof *parts);
        for (int i = 0; i < n; i++) {
            assert_int_equal(parts[i].runs, 1);
            long want = 0;
            for (long k = i + 1; k <= 1000000; k++)
                want += k % 7;
            assert_int_equal(parts[i].sum, want);
        }
        /* part 0 on the caller's thread, the others each on one of their own */
        assert_true(pthread_equal(parts[0].thread, pthread_self()));
        for (int i = 1; i < n; i++) {
            assert_false(pthread_equal(parts[i].thread, pthread_self()));
            for (int j = 1; j < i; j++)
                assert_false(pthread_equal(parts[i].thread, parts[j].thread));
        }
    }
}

static void test_shared_parts_run_once(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 4; threads++)
        for (size_t n = 0; n <= 9; n++) {
            struct part parts[9];
            memset(parts, 0, sizeof parts);
            for (size_t i = 0; i < n; i++)
                parts[i].index = (int)i;
            threads_share(threads, n, work, parts, sizeof *parts);
            for (size_t i = 0; i < n; i++) {
                assert_int_equal(parts[i].runs, 1);
                long want = 0;
                for (long k = (long)i + 1; k <= 1000000; k++)
                    want += k % 7;
                assert_int_equal(parts[i].sum, want);
            }
        }
}

/* Part 0 takes 300 ms: its thread is busy meanwhile, so the other takes the quick parts. */
static void *slow_first(void *arg)
{
    struct part *p = arg;
    p->runs++;
    p->thread = pthread_self();
    if (p->index == 0) nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
    return NULL;
}

static void test_slow_thread_takes_fewer(void **state)
{
    (void)state;
    struct part parts[20];
    memset(parts, 0, sizeof parts);
    for (int i = 0; i < 20; i++)
        parts[i].index = i;
    threads_share(2, 20, slow_first, parts, sizeof *parts);
    int by_other = 0;
    for (int i = 0; i < 20; i++) {
        assert_int_equal(parts[i].runs, 1);
        by_other += !pthread_equal(parts[i].thread, parts[0].thread);
    }
    assert_true(by_other >= 10);
}

static void test_count(void **state)
{
    (void)state;
    assert_int_equal(threads_count(3, 8), 3);
    assert_int_equal(threads_count(12, 8), 8);
    int cores = threads_count(0, 1 << 20);
    assert_true(cores >= 1);
    assert_int_equal(threads_count(-1, 1 << 20), cores);
    assert_int_equal(threads_count(0, 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_part_once),
        cmocka_unit_test(test_shared_parts_run_once),
        cmocka_unit_test(test_slow_thread_takes_fewer),
        cmocka_unit_test(test_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
