/* comp_fmt.h -- private to src/comp: writing the lines file's text straight into an sb.
 *
 * A run writes about a million lines of some 330 bytes, in some 60 pieces each. Instead of
 * a capacity check (and a NUL) per piece, a writer reserves room once and writes through a
 * raw pointer: room for COMP_OUT_SLACK bytes of fixed text (numbers, dates, words) is kept
 * at all times, and only a user's text (an id, a name), whose length is unbounded, is
 * measured and made room for, together with the next COMP_OUT_SLACK bytes.
 *
 *     struct comp_out o;
 *     char *w = comp_out_begin(&o, sb, &memo);
 *     w = fmt_u64(w, 42);                   fixed text: no check
 *     w = comp_out_text(&o, w, person_id);  a user's text: room made
 *     comp_out_end(&o, w);                  sb->len and its NUL set
 *
 * Between comp_out_begin and comp_out_end, sb->len and the NUL are stale and sb->buf may
 * move (at a comp_out_text or comp_out_room): keep offsets, not pointers, across those. */
#ifndef REINS_COMP_FMT_H
#define REINS_COMP_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "comp/comp.h"
#include "comp/comp_io.h"
#include "core/mem.h"

/* Room for the fixed text that may follow a user's text before the next one. The longest
 * run, from a re-rate line's credit id to its end with every number at an int64 extreme,
 * is some 400 bytes (a whole line without its user texts, some 640). */
#define COMP_OUT_SLACK 1024

struct comp_out {
    struct sb *sb;
    char *end; /* the reserved room's end (the NUL's place stays free) */
    int quote; /* a user's text written by comp_out_text had a '"' */
    struct comp_csv_memo *memo;
};

/* Room for n bytes of a user's text at w and the fixed text after it; returns w, which
 * moves when the buffer does. */
char *comp_out_grow(struct comp_out *o, char *w, size_t n);

static inline char *comp_out_room(struct comp_out *o, char *w, size_t n)
{
    return (size_t)(o->end - w) < n + COMP_OUT_SLACK ? comp_out_grow(o, w, n) : w;
}

/* Start writing at the end of sb, reusing what memo holds; returns where. */
static inline char *comp_out_begin(struct comp_out *o, struct sb *sb, struct comp_csv_memo *memo)
{
    if (sb->len + COMP_OUT_SLACK + 1 > sb->cap) sb_reserve(sb, COMP_OUT_SLACK);
    o->sb = sb;
    o->end = sb->buf + sb->cap - 1;
    o->quote = 0;
    o->memo = memo;
    return sb->buf + sb->len;
}

/* Everything up to w is the sb's text. */
static inline void comp_out_end(struct comp_out *o, char *w)
{
    o->sb->len = (size_t)(w - o->sb->buf);
    *w = '\0';
}

/* n bytes of s at w. Most are a short id or name, for which a call to memcpy costs more than
 * the copy: up to 16 bytes are copied in two overlapping moves, reading nothing past s + n. */
static inline char *fmt_bytes(char *w, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        memcpy(w, s, 8);
        memcpy(w + n - 8, s + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(w, s, 4);
        memcpy(w + n - 4, s + n - 4, 4);
    } else if (n > 0 && n < 4) {
        w[0] = s[0];
        w[n / 2] = s[n / 2];
        w[n - 1] = s[n - 1];
    } else {
        memcpy(w, s, n);
    }
    return w + n;
}
/* A string literal: its length is known when compiling, so the copy is a move or two. */
#define FMT_LIT(w, lit) fmt_bytes((w), (lit), sizeof(lit) - 1)

/* A user's text (or any string of unknown length) at w, as it is; notes a '"' in it. */
static inline char *comp_out_text(struct comp_out *o, char *w, const char *s)
{
    size_t n = strlen(s);
    w = comp_out_room(o, w, n);
    if (memchr(s, '"', n)) o->quote = 1;
    return fmt_bytes(w, s, n);
}

/* A fixed word of the program (a rule or role name): short, so within the slack. */
static inline char *fmt_word(char *w, const char *s)
{
    return fmt_bytes(w, s, strlen(s));
}

/* "00" to "99": two digits per division by 100. */
extern const char comp_digit_pairs[200];

static inline char *fmt_pair(char *w, unsigned v) /* v < 100, always two digits */
{
    memcpy(w, &comp_digit_pairs[2 * v], 2);
    return w + 2;
}

/* How many decimal digits v has (1 for 0): the bit length gives it within one. */
static inline unsigned fmt_ndigits(uint64_t v)
{
    /* clang-format off */
    static const uint64_t pow10[20] = {
        1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
        100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
        10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
        100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};
    /* clang-format on */
    v |= 1; /* same digits, and a bit for clz */
    unsigned t = (unsigned)(64 - __builtin_clzll(v)) * 1233 >> 12; /* 1233 / 4096 ~ log10 2 */
    return t + 1 - (v < pow10[t]);
}

/* v in decimal at w; returns the end. */
static inline char *fmt_u64(char *w, uint64_t v)
{
    char *end = w + fmt_ndigits(v), *p = end;
    while (v >= 100) {
        p -= 2;
        fmt_pair(p, (unsigned)(v % 100));
        v /= 100;
    }
    if (v >= 10)
        fmt_pair(p - 2, (unsigned)v);
    else
        p[-1] = (char)('0' + v);
    return end;
}

static inline char *fmt_i64(char *w, int64_t v)
{
    if (v >= 0) return fmt_u64(w, (uint64_t)v);
    *w = '-';
    return fmt_u64(w + 1, (uint64_t)0 - (uint64_t)v);
}

/* `days` after 1970-01-01 as YYYY-MM-DD (date_from_days), reusing o's memo when it holds
 * that day: a line's date is mostly its credit's, and the line before's. */
char *fmt_date_memo(struct comp_out *o, char *w, int32_t days);

/* comp_line_explain_as written at w through o; returns the end. o->quote is set when a
 * user's text in it has a '"'. */
char *comp_line_explain_out(const struct comp_input *in, const struct comp_line *l,
                            const struct comp_line *ref, int ref_no, struct comp_out *o, char *w);

#endif
