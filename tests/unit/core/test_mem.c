/* test_mem.c -- arenas, growable strings and the allocation wrappers.
 *
 * Every block is filled to its last byte and checked afterwards, so under
 * AddressSanitizer an overflow or an overlap between blocks shows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct block {
    unsigned char *p;
    size_t n;
    unsigned char fill;
};

static void assert_zeroed(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) fail_msg("byte %zu of a %zu-byte block is %d, not zeroed", i, n, p[i]);
}

static void assert_aligned(const void *p)
{
    if ((uintptr_t)p % 16) fail_msg("%p is not 16-byte aligned", p);
}

/* Allocate, check zeroed and aligned, fill with a pattern of our own. */
static struct block take(struct arena *a, size_t n, unsigned char fill)
{
    struct block b = {arena_alloc(a, n), n, fill};
    assert_non_null(b.p);
    assert_aligned(b.p);
    assert_zeroed(b.p, n);
    memset(b.p, fill, n);
    return b;
}

/* Every block still holds its own pattern: no two blocks overlap. */
static void assert_intact(const struct block *v, size_t count)
{
    for (size_t k = 0; k < count; k++)
        for (size_t i = 0; i < v[k].n; i++)
            if (v[k].p[i] != v[k].fill)
                fail_msg("block %zu (%zu bytes) byte %zu overwritten: %d, not %d", k, v[k].n, i,
                         v[k].p[i], v[k].fill);
}

static void test_arena_many_small(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    enum { COUNT = 5000 };
    struct block *v = calloc(COUNT, sizeof *v);
    assert_non_null(v);
    for (size_t k = 0; k < COUNT; k++)
        v[k] = take(&a, 1 + (k * 7) % 130, (unsigned char)(1 + k % 251));
    assert_intact(v, COUNT);
    arena_release(&a);
    assert_null(a.head);
    free(v);
}

/* Large blocks (over the chunk size) interleaved with small ones, and sizes
 * right at the chunk edges. */
static void test_arena_large_and_edges(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    static const size_t sizes[] = {
        100000, 1,    8192, 8191, 8193,  24, 16384, 15,   16,   17,   8176,   8177,
        3,      8192, 9000, 40,   65536, 1,  4096,  4096, 4096, 4096, 200000, 5,
    };
    enum { N = sizeof sizes / sizeof sizes[0] };
    struct block v[N * 3];
    size_t count = 0;
    for (int round = 0; round < 3; round++)
        for (size_t k = 0; k < N; k++)
            v[count] = take(&a, sizes[k], (unsigned char)(1 + count % 250)), count++;
    assert_intact(v, count);
    arena_release(&a);
    assert_null(a.head);
}

/* A large block first, into an empty arena, then small ones. */
static void test_arena_large_first(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct block v[4];
    v[0] = take(&a, 50000, 0xA1);
    v[1] = take(&a, 10, 0xB2);
    v[2] = take(&a, 50000, 0xC3);
    v[3] = take(&a, 10, 0xD4);
    assert_intact(v, 4);
    arena_release(&a);
}

/* After release the arena serves again, and new blocks are zeroed even
 * though malloc may hand back the memory we just dirtied. */
static void test_arena_release_and_reuse(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    arena_release(&a); /* releasing an empty arena is fine */
    for (int round = 0; round < 5; round++) {
        struct block v[64];
        for (size_t k = 0; k < 64; k++)
            v[k] = take(&a, k % 8 == 7 ? 9000 : 100 + k * 13, (unsigned char)(0xF0 + round));
        assert_intact(v, 64);
        arena_release(&a);
        assert_null(a.head);
    }
    /* zero-byte requests give aligned pointers that do not disturb neighbours */
    struct block v[3];
    v[0] = take(&a, 32, 0x11);
    assert_aligned(arena_alloc(&a, 0));
    v[1] = take(&a, 32, 0x22);
    v[2] = take(&a, 1, 0x33);
    assert_intact(v, 3);
    /* a raw block is aligned, as long as asked, and disturbs no neighbour */
    unsigned char *raw = arena_alloc_raw(&a, 20000);
    assert_aligned(raw);
    memset(raw, 0x44, 20000);
    v[0] = take(&a, 40, 0x55);
    assert_intact(v, 3);
    assert_int_equal(raw[0], 0x44);
    assert_int_equal(raw[19999], 0x44);
    arena_release(&a);
}

static void test_arena_strings(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_null(arena_strdup(&a, NULL));
    assert_null(arena_strndup(&a, NULL, 3));
    char *s = arena_strdup(&a, "hello");
    assert_string_equal(s, "hello");
    assert_aligned(s);
    char *t = arena_strndup(&a, "abcdef", 3);
    assert_string_equal(t, "abc");
    assert_string_equal(arena_strdup(&a, ""), "");
    assert_string_equal(s, "hello"); /* untouched by later allocations */

    assert_string_equal(arena_printf(&a, "%s-%06d-%lld", "id", 42, (long long)INT64_MIN),
                        "id-000042--9223372036854775808");
    assert_string_equal(arena_printf(&a, "%s", ""), "");
    /* longer than a chunk */
    char *big = malloc(30001);
    assert_non_null(big);
    memset(big, 'x', 30000);
    big[30000] = '\0';
    char *p = arena_printf(&a, "<%s>", big);
    assert_int_equal(strlen(p), 30002);
    assert_int_equal(p[0], '<');
    assert_int_equal(p[30001], '>');
    assert_int_equal(strspn(p + 1, "x"), 30000);
    free(big);
    /* many printfs crossing chunk boundaries keep their text */
    char *keep[2000];
    for (int i = 0; i < 2000; i++)
        keep[i] = arena_printf(&a, "item %d of %s", i, "many");
    for (int i = 0; i < 2000; i++) {
        char want[40];
        snprintf(want, sizeof want, "item %d of many", i);
        assert_string_equal(keep[i], want);
    }
    assert_string_equal(s, "hello");
    assert_string_equal(t, "abc");
    arena_release(&a);
}

static void test_sb(void **state)
{
    (void)state;
    struct sb sb = SB_INIT;
    sb_add(&sb, "ab\0cd", 5); /* bytes, not a C string */
    assert_int_equal(sb.len, 5);
    assert_memory_equal(sb.buf, "ab\0cd", 6);
    sb_adds(&sb, "ef");
    assert_int_equal(sb.len, 7);
    assert_memory_equal(sb.buf, "ab\0cdef", 8);
    assert_true(sb.cap > sb.len);
    sb_release(&sb);
    assert_null(sb.buf);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);

    /* growth through many doublings, with the exact text kept */
    char want[20000];
    size_t wlen = 0;
    for (int i = 0; i < 1500; i++) {
        sb_addf(&sb, "%d,", i);
        wlen += (size_t)snprintf(want + wlen, sizeof want - wlen, "%d,", i);
        assert_int_equal(sb.len, wlen);
        assert_int_equal(sb.buf[sb.len], '\0');
        assert_true(sb.cap >= sb.len + 1);
    }
    assert_string_equal(sb.buf, want);
    /* one append much larger than the buffer */
    char big[5000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sb_addf(&sb, "[%s]", big);
    assert_int_equal(sb.len, wlen + 5001);
    assert_int_equal(sb.buf[wlen], '[');
    assert_int_equal(sb.buf[sb.len - 1], ']');
    assert_int_equal(sb.buf[sb.len], '\0');

    char *out = sb_detach(&sb);
    assert_null(sb.buf);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);
    assert_int_equal(strlen(out), wlen + 5001);
    assert_memory_equal(out, want, wlen);
    free(out);

    /* the sb serves again after detach */
    sb_adds(&sb, "again");
    assert_string_equal(sb.buf, "again");
    sb_release(&sb);
    sb_release(&sb); /* twice is fine */
}

static void test_sb_empty(void **state)
{
    (void)state;
    struct sb sb = SB_INIT;
    /* nothing added: detach still gives a string the caller frees */
    char *out = sb_detach(&sb);
    assert_non_null(out);
    assert_string_equal(out, "");
    free(out);
    /* an empty printf adds nothing */
    sb_addf(&sb, "%s", "");
    assert_int_equal(sb.len, 0);
    out = sb_detach(&sb);
    assert_string_equal(out, "");
    free(out);
    /* an empty add still makes a NUL-terminated buffer */
    sb_add(&sb, "", 0);
    assert_non_null(sb.buf);
    assert_string_equal(sb.buf, "");
    sb_release(&sb);
    sb_release(&sb);
}

static void test_x_wrappers(void **state)
{
    (void)state;
    char *s = xasprintf("%s=%d;%lld", "n", -7, (long long)INT64_MAX);
    assert_string_equal(s, "n=-7;9223372036854775807");
    free(s);
    s = xasprintf("%s", "");
    assert_string_equal(s, "");
    free(s);
    char big[12000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    s = xasprintf("%s%s", big, "!");
    assert_int_equal(strlen(s), sizeof big);
    assert_int_equal(s[sizeof big - 1], '!');
    free(s);

    s = xstrdup("copy me");
    assert_string_equal(s, "copy me");
    free(s);
    s = xstrndup("copy me", 4);
    assert_string_equal(s, "copy");
    free(s);

    unsigned char *z = xcalloc(1000, 3);
    assert_zeroed(z, 3000);
    free(z);
    z = xmalloc(0); /* a real, freeable pointer */
    assert_non_null(z);
    free(z);
    z = xmalloc(10);
    memcpy(z, "0123456789", 10);
    z = xrealloc(z, 100000);
    assert_memory_equal(z, "0123456789", 10);
    memset(z, 1, 100000);
    free(z);
}

/* arena_grow keeps the array while it has room and copies it when it must grow. */
static void test_arena_grow(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    size_t cap = 0, len = 0;
    int64_t *v = NULL;
    for (int64_t i = 0; i < 1000; i++) {
        int64_t *before = v;
        v = arena_grow(&a, v, sizeof *v, len, &cap);
        assert_true(cap > len);
        if (before && len < 16) assert_ptr_equal(v, before);
        v[len++] = i * 7;
    }
    for (size_t i = 0; i < len; i++)
        assert_true(v[i] == (int64_t)i * 7);
    assert_true(cap >= 1000 && cap < 2048);
    arena_release(&a);
}

/* arena_adopt: what `from` allocated lives on in `into`, and is freed with it. */
static void test_arena_adopt(void **state)
{
    (void)state;
    struct arena into = ARENA_INIT, from = ARENA_INIT, empty = ARENA_INIT;
    char *a = arena_strdup(&into, "kept");
    char *b = arena_strdup(&from, "moved");
    char *big = arena_alloc(&from, (size_t)1 << 20); /* a chunk of its own */
    big[0] = 'x';
    arena_adopt(&into, &from);
    assert_null(from.head);
    arena_adopt(&into, &empty); /* nothing to move */
    char *c = arena_strdup(&into, "after");
    assert_string_equal(a, "kept");
    assert_string_equal(b, "moved");
    assert_string_equal(c, "after");
    arena_adopt(&empty, &into); /* into an empty arena */
    assert_null(into.head);
    assert_string_equal(b, "moved");
    arena_release(&empty); /* ASan: nothing leaks, nothing is freed twice */
    arena_release(&from);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_adopt),
        cmocka_unit_test(test_arena_grow),
        cmocka_unit_test(test_arena_many_small),
        cmocka_unit_test(test_arena_large_and_edges),
        cmocka_unit_test(test_arena_large_first),
        cmocka_unit_test(test_arena_release_and_reuse),
        cmocka_unit_test(test_arena_strings),
        cmocka_unit_test(test_sb),
        cmocka_unit_test(test_sb_empty),
        cmocka_unit_test(test_x_wrappers),
    };
    return cmocka_run_group_tests_name("mem", tests, NULL, NULL);
}
