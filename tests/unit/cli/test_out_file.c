/* test_out_file.c -- a file written past the page cache holds exactly the bytes written,
 * and appears only when committed.
 *
 * Sizes around the 4 MiB buffer and the 4096-byte blocks (none, less than a block, whole
 * blocks only, whole buffers only, buffers and a tail), written in pieces of every size,
 * read back and compared; a device and a missing directory. Whether the file system takes
 * O_DIRECT does not change the bytes, only the way they go. Then what a run leaves: the old
 * file untouched until commit and after a discard, its mode kept, a symbolic link's target
 * replaced (the link kept), standard output written in place. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    const char *names[] = {"out.csv", "old.csv", "link.csv", "stdout.txt"};
    char path[64];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    return rmdir(dir);
}

/* How many files dir holds (temporary ones included). */
static int count_files(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return -1;
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_all(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
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
    assert_int_equal(out_commit(&o), 0);
    assert_null(o.temp);

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
    assert_int_equal(out_commit(&o), 0); /* written in place: nothing to rename */

    char path[80];
    snprintf(path, sizeof path, "%s/no/such/dir.csv", dir);
    errno = 0;
    assert_int_equal(out_open(&o, path), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(o.fd, -1);
    assert_int_equal(out_close(&o), 0);
    out_discard(&o); /* harmless after a failed open */
}

static void test_old_file_kept_until_commit(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s/old.csv", dir);
    write_file(path, "the run before\n");
    assert_int_equal(chmod(path, 0640), 0);
    int before = count_files();

    struct out_file o; /* a failed run: written, closed, discarded */
    assert_int_equal(out_open(&o, path), 0);
    assert_int_equal(count_files(), before + 1); /* the temporary file, beside it */
    assert_int_equal(out_write(&o, "half", 4), 0);
    assert_string_equal(read_all(path), "the run before\n");
    out_discard(&o);
    assert_string_equal(read_all(path), "the run before\n");
    assert_int_equal(count_files(), before);

    assert_int_equal(out_open(&o, path), 0); /* discarded while still open */
    out_discard(&o);
    assert_string_equal(read_all(path), "the run before\n");
    assert_int_equal(count_files(), before);

    assert_int_equal(out_open(&o, path), 0); /* a good run */
    assert_int_equal(out_write(&o, "new\n", 4), 0);
    assert_int_equal(out_close(&o), 0);
    assert_string_equal(read_all(path), "the run before\n"); /* not until committed */
    assert_int_equal(out_commit(&o), 0);
    assert_string_equal(read_all(path), "new\n");
    assert_int_equal(count_files(), before);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640); /* the old file's mode */
}

static void test_new_file_mode_follows_umask(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    unlink(path);
    mode_t old = umask(027);
    struct out_file o;
    int opened = out_open(&o, path);
    umask(old);
    assert_int_equal(opened, 0);
    assert_int_equal(out_close(&o), 0);
    assert_int_equal(out_commit(&o), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640); /* as open(2) would have made it */
}

static void test_link_target_replaced(void **state)
{
    (void)state;
    char target[64], link[64];
    snprintf(target, sizeof target, "%s/old.csv", dir);
    snprintf(link, sizeof link, "%s/link.csv", dir);
    write_file(target, "before\n");
    unlink(link);
    assert_int_equal(symlink("old.csv", link), 0);
    struct out_file o;
    assert_int_equal(out_open(&o, link), 0);
    assert_int_equal(out_write(&o, "after\n", 6), 0);
    assert_int_equal(out_close(&o), 0);
    assert_int_equal(out_commit(&o), 0);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode)); /* still a link */
    assert_string_equal(read_all(target), "after\n");
}

static void test_standard_output(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s/stdout.txt", dir);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_true(dup2(fileno(f), STDOUT_FILENO) >= 0);
    fclose(f);
    struct out_file o;
    int opened = out_open(&o, "-");
    int direct = o.direct, wrote = out_write(&o, "to stdout\n", 10), closed = out_close(&o);
    int committed = out_commit(&o);
    dup2(saved, STDOUT_FILENO); /* back before asserting: cmocka prints there */
    close(saved);
    assert_int_equal(opened, 0);
    assert_int_equal(direct, 0); /* standard output's open file is not ours to change */
    assert_int_equal(wrote, 0);
    assert_int_equal(closed, 0);
    assert_int_equal(committed, 0);
    assert_string_equal(read_all(path), "to stdout\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_truncates),
        cmocka_unit_test(test_device_and_missing_dir),
        cmocka_unit_test(test_old_file_kept_until_commit),
        cmocka_unit_test(test_new_file_mode_follows_umask),
        cmocka_unit_test(test_link_target_replaced),
        cmocka_unit_test(test_standard_output),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
