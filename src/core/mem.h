/* mem.h -- allocation that cannot fail, and arenas freed in one go.
 *
 * Out of memory is not an error reins can act on: xmalloc and friends abort
 * with a message. Request-scoped memory comes from an arena owned by the
 * request and released when the response is sent.
 */
#ifndef REINS_CORE_MEM_H
#define REINS_CORE_MEM_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A malloc'd printf result; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An arena: bump allocation in chunks; everything is freed by arena_release. */
struct arena_chunk;
struct arena {
    struct arena_chunk *head;
};
#define ARENA_INIT                                                                                 \
    {                                                                                              \
        NULL                                                                                       \
    }

void *arena_alloc(struct arena *a, size_t n);       /* zeroed, 16-byte aligned */
/* arena_alloc without the zeroing: for a big block about to be filled (writing zeros first
 * would touch every page twice). */
void *arena_alloc_raw(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s); /* NULL stays NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An arena array with room for one more element: `v` itself while len < *cap,
 * else a copy twice as large (16 to start); *cap is updated. The old array
 * stays in the arena until it is released. */
void *arena_grow(struct arena *a, void *v, size_t elem_size, size_t len, size_t *cap);
/* Free every allocation of the arena; it can be used again afterwards. */
void arena_release(struct arena *a);
/* Move every allocation of `from` into `into` (freed with it); `from` is left empty. */
void arena_adopt(struct arena *into, struct arena *from);

/* A growable string. Initialise with SB_INIT; sb_release frees it. */
struct sb {
    char *buf; /* always NUL-terminated once anything was added */
    size_t len, cap;
};
#define SB_INIT                                                                                    \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }
/* Make room for `extra` more bytes and the NUL. */
void sb_reserve(struct sb *sb, size_t extra);
/* Inline: writers of big files add millions of short pieces. */
static inline void sb_add(struct sb *sb, const char *s, size_t n)
{
    if (sb->len + n + 1 > sb->cap) sb_reserve(sb, n);
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}
static inline void sb_adds(struct sb *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}
void sb_addf(struct sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the buffer to the caller (who frees it) and reset sb. Never NULL. */
char *sb_detach(struct sb *sb);
void sb_release(struct sb *sb);

#endif
