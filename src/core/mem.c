/* mem.c -- allocation wrappers, arenas and growable strings. */
#include "core/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "reins: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) oom(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* printf into memory from `alloc` (xmalloc, or an arena): size first, then write. */
static char *vformat(void *(*alloc)(void *ctx, size_t n), void *ctx, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) n = 0;
    char *p = alloc(ctx, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

static void *heap_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return xmalloc(n);
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = vformat(heap_alloc, NULL, fmt, ap);
    va_end(ap);
    return p;
}

/* Chunks hold many small allocations; a big one gets a chunk of its own. */
#define ARENA_CHUNK 8192

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
    void *p = arena_alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

void *arena_alloc_raw(struct arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        c = xmalloc(sizeof *c + cap);
        c->used = 0;
        c->cap = cap;
        if (a->head && n > ARENA_CHUNK) {
            /* keep the current chunk in front: it still has room */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

void *arena_grow(struct arena *a, void *v, size_t elem_size, size_t len, size_t *cap)
{
    if (v && len < *cap) return v;
    size_t ncap = *cap && v ? 2 * *cap : 16;
    void *bigger = arena_alloc(a, ncap * elem_size);
    if (v && len) memcpy(bigger, v, len * elem_size);
    *cap = ncap;
    return bigger;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (!s) return NULL;
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

static void *arena_alloc_ctx(void *ctx, size_t n)
{
    return arena_alloc(ctx, n);
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = vformat(arena_alloc_ctx, a, fmt, ap);
    va_end(ap);
    return p;
}

void arena_adopt(struct arena *into, struct arena *from)
{
    struct arena_chunk *c = from->head;
    if (!c) return;
    while (c->next)
        c = c->next;
    if (into->head) { /* into's head stays in front: it may still have room */
        c->next = into->head->next;
        into->head->next = from->head;
    } else {
        into->head = from->head;
    }
    from->head = NULL;
}

void arena_release(struct arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

void sb_reserve(struct sb *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->cap = cap;
}

void sb_addf(struct sb *sb, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        sb_reserve(sb, (size_t)n);
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap2);
        sb->len += (size_t)n;
    }
    va_end(ap2);
}

char *sb_detach(struct sb *sb)
{
    char *p = sb->buf ? sb->buf : xstrdup("");
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return p;
}

void sb_release(struct sb *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}
