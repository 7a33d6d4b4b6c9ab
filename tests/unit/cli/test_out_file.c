/* test_out_file.c -- a file written past the page cache holds exactly the bytes written.
 *
 * Sizes around the 4 MiB buffer and the 4096-byte blocks (none, less than a block, whole
 * blocks only, whole buffers only, buffers and a tail), written in pieces of every size,
 * read back and compared; a device and a missing directory. Whether the file system takes
 * O_DIRECT does not change the bytes, only the way they go. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/out_file.h"

static char dir[] = "/tmp/reins-out-file-XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    unlink(path);
    return rmdir(dir);
}

/* Write n pseudo-random bytes in pieces of varying sizes, then read the file back. */
static void write_and_compare(size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    unsigned char *want = malloc(n ? n : 1);
    assert_non_null(want);
    uint32_t seed = (uint32_t)n * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        want[i] = (unsigned char)(seed >> 16);
    }
    struct out_file o;
    assert_int_equal(out_open(&o, path), 0);
    for (size_t at = 0, piece = 1; at < n; piece = piece * 3 % 1000003 + 1) {
        size_t k = piece < n - at ? piece : n - at;
        assert_int_equal(out_write(&o, (const char *)want + at, k), 0);
        at += k;
    }
    assert_int_equal(out_close(&o), 0);
    assert_int_equal(o.fd, -1);
    assert_int_equal(out_close(&o), 0); /* closing twice is harmless */

    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *got = malloc(n + 1);
    assert_non_null(got);
    assert_int_equal(fread(got, 1, n + 1, f), n);
    fclose(f);
    assert_true(n == 0 || !memcmp(got, want, n));
    free(got);
    free(want);
}

static void test_sizes(void **state)
{
    (void)state;
    const size_t buf = OUT_FILE_BUF;
    const size_t sizes[] = {0,       1,   4095,    4096,    4097,           3 * 4096 + 5,
                            buf - 1, buf, buf + 1, 2 * buf, 2 * buf + 4096, 2 * buf + 4096 + 17};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        write_and_compare(sizes[i]);
}

static void test_truncates(void **state)
{
    (void)state;
    write_and_compare(3 * 4096 + 100);
    write_and_compare(10); /* the longer file before is gone */
}

static void test_device_and_missing_dir(void **state)
{
    (void)state;
    struct out_file o;
    assert_int_equal(out_open(&o, "/dev/null"), 0);
    assert_int_equal(o.direct, 0); /* not a regular file: plain writes */
    char big[10000];
    memset(big, 'x', sizeof big);
    for (int i = 0; i < 500; i++)
        assert_int_equal(out_write(&o, big, sizeof big), 0);
    assert_int_equal(out_close(&o), 0);

    char path[80];
    snprintf(path, sizeof path, "%s/no/such/dir.csv", dir);
    errno = 0;
    assert_int_equal(out_open(&o, path), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(o.fd, -1);
    assert_int_equal(out_close(&o), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_truncates),
        cmocka_unit_test(test_device_and_missing_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
