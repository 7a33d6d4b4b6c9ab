/* test_cli_slurp.c -- the one way commands read a whole input file: every byte (more than
 * one 64 KiB read, and an empty file), NUL-terminated; a file over the limit refused as too
 * big and a missing one as unreadable, each message naming the path, and nothing left to
 * free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"

static char dir[] = "/tmp/reins-slurp-XXXXXX";
static char path[64];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir)) return -1;
    snprintf(path, sizeof path, "%s/in.csv", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(dir);
}

static void write_bytes(size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc('a' + (int)(i * 7 % 26), f);
    assert_int_equal(fclose(f), 0);
}

static void test_whole_file(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 1, 65536, 65537, 200000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        write_bytes(sizes[k]);
        char *data = NULL;
        size_t len = 1;
        struct err e = {0};
        assert_int_equal(cli_slurp(path, (size_t)1 << 20, &data, &len, &e), 0);
        assert_int_equal(len, sizes[k]);
        assert_int_equal(data[len], '\0');
        for (size_t i = 0; i < len; i++)
            if (data[i] != 'a' + (int)(i * 7 % 26)) fail_msg("byte %zu of %zu", i, len);
        free(data);
    }
}

/* cli_slurp of `file` fails with `code` and the message "<file>: <why>", leaving *out unset. */
static void expect_refused(const char *file, int code, const char *why)
{
    char *data = NULL;
    size_t len = 0;
    struct err e = {0};
    assert_int_equal(cli_slurp(file, (size_t)1 << 20, &data, &len, &e), code);
    assert_null(data);
    char want[192];
    snprintf(want, sizeof want, "%s: %s", file, why);
    assert_string_equal(e.msg, want);
}

static void test_over_the_limit(void **state)
{
    (void)state;
    write_bytes(((size_t)1 << 20) + 1); /* one byte over 1 MiB */
    expect_refused(path, REINS_ETOOBIG, "larger than 1 MiB");
    /* exactly the limit is read */
    write_bytes((size_t)1 << 20);
    char *data = NULL;
    size_t len = 0;
    struct err e = {0};
    assert_int_equal(cli_slurp(path, (size_t)1 << 20, &data, &len, &e), 0);
    assert_int_equal(len, (size_t)1 << 20);
    free(data);
}

static void test_missing(void **state)
{
    (void)state;
    char missing[96];
    snprintf(missing, sizeof missing, "%s/none.csv", dir);
    expect_refused(missing, REINS_EIO, "No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_file),
        cmocka_unit_test(test_over_the_limit),
        cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
