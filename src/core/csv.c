/* csv.c -- a bounded, strict RFC 4180 reader and writer.
 *
 * The reader makes one pass over the input. Unescaped field bytes never
 * outnumber the input bytes they came from, and every field but the last is
 * followed by a delimiter that becomes its NUL, so all the strings of a doc fit
 * in one block of len + 1 bytes allocated up front: no per-field allocation,
 * and field pointers into the block stay valid while the pointer and row
 * arrays grow.
 */
#include "core/csv.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Bytes that end a run of ordinary bytes, which is copied with one memcpy.
 * Non-ASCII bytes stop both kinds of run so that they are validated. */
enum { STOP_BARE = 1, STOP_QUOTED = 2, STOP_BOTH = STOP_BARE | STOP_QUOTED };

/* clang-format off */
#define STOP_HIGH8 STOP_BOTH, STOP_BOTH, STOP_BOTH, STOP_BOTH, STOP_BOTH, STOP_BOTH, STOP_BOTH, STOP_BOTH
#define STOP_HIGH64 STOP_HIGH8, STOP_HIGH8, STOP_HIGH8, STOP_HIGH8, \
                    STOP_HIGH8, STOP_HIGH8, STOP_HIGH8, STOP_HIGH8
static const unsigned char stop[256] = {
    ['\0'] = STOP_BOTH, ['\n'] = STOP_BOTH, ['"'] = STOP_BOTH,
    ['\r'] = STOP_BARE, [','] = STOP_BARE,
    [0x80] = STOP_HIGH64, STOP_HIGH64, /* 0x80..0xFF */
};
/* clang-format on */

struct parser {
    const unsigned char *p, *end;
    struct csv_limits lim;
    size_t line;  /* 1-based physical line of *p */
    size_t field; /* 1-based number of the field being read in its record */
    char *w;      /* write cursor in text */
    char *text;
    size_t text_cap; /* csv_each: the scratch block grows; csv_parse sizes it up front */
    int stream;      /* csv_each: ptrs hold only the current record's fields */
    char **ptrs;
    size_t nptrs, cap_ptrs;
    struct csv_row *rows;
    size_t nrows, cap_rows;
    struct csv_row cur; /* csv_each: the record just read */
    struct err *e;
};

/* The length of the strict UTF-8 sequence at s (Unicode Table 3-7), or 0 if
 * it is invalid or truncated. Only the second byte's range varies: that is
 * where overlong forms, surrogates and values above U+10FFFF show. */
static size_t utf8_seq_len(const unsigned char *s, const unsigned char *end)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0; /* overlong */
        if (c == 0xED) hi = 0x9F; /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90; /* overlong */
        if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0; /* a stray continuation byte, C0/C1 (overlong), or F5..FF */
    }
    if ((size_t)(end - s) < n || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return n;
}

/* Every parse error names its line in the message and in e->line. */
static int fail_line(struct parser *ps, size_t line, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_line(struct parser *ps, size_t line, int code, const char *fmt, ...)
{
    char msg[sizeof ps->e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err_set(ps->e, code, "line %zu%s", line, msg);
    if (ps->e) ps->e->line = line;
    return code;
}

static int fail_field(struct parser *ps, int code, const char *what)
{
    return fail_line(ps, ps->line, code, ", field %zu: %s", ps->field, what);
}

/* Room for n more bytes at w. Only csv_each's scratch block can run out: it
 * grows, and the current record's field pointers move with it. */
static inline void reserve(struct parser *ps, size_t n)
{
    size_t used = (size_t)(ps->w - ps->text);
    if (ps->text_cap - used >= n) return;
    assert(ps->stream);
    size_t cap = 2 * ps->text_cap;
    while (cap - used < n)
        cap *= 2;
    char *text = xmalloc(cap);
    memcpy(text, ps->text, used);
    for (size_t i = 0; i < ps->nptrs; i++)
        ps->ptrs[i] = text + (ps->ptrs[i] - ps->text);
    free(ps->text);
    ps->text = text;
    ps->text_cap = cap;
    ps->w = text + used;
}

/* `start` is the offset of the field's first byte in text: text may move. */
static int check_field_len(struct parser *ps, size_t start)
{
    if ((size_t)(ps->w - ps->text) - start <= ps->lim.max_field_len) return 0;
    return fail_line(ps, ps->line, REINS_ETOOBIG, ", field %zu: field longer than %zu bytes",
                     ps->field, ps->lim.max_field_len);
}

/* Copy one non-ASCII sequence, or fail if it is not strict UTF-8. */
static int copy_utf8(struct parser *ps)
{
    size_t n = utf8_seq_len(ps->p, ps->end);
    if (!n) return fail_field(ps, REINS_EINVAL, "invalid UTF-8");
    reserve(ps, n);
    memcpy(ps->w, ps->p, n);
    ps->w += n;
    ps->p += n;
    return 0;
}

static void copy_run(struct parser *ps, const unsigned char *from)
{
    size_t n = (size_t)(ps->p - from);
    reserve(ps, n);
    memcpy(ps->w, from, n);
    ps->w += n;
}

/* A quoted field, from its opening quote to just past its closing quote. */
static int parse_quoted(struct parser *ps, size_t start)
{
    size_t open_line = ps->line;
    int rc;
    ps->p++;
    for (;;) {
        const unsigned char *run = ps->p;
        while (ps->p < ps->end && !(stop[*ps->p] & STOP_QUOTED))
            ps->p++;
        copy_run(ps, run);
        if ((rc = check_field_len(ps, start))) return rc;
        if (ps->p == ps->end) {
            /* Name the last line that has content, not the empty one after
             * a final newline. open_line <= that line, so never line 0. */
            size_t last = ps->end[-1] == '\n' ? ps->line - 1 : ps->line;
            return fail_line(ps, last, REINS_EINVAL,
                             ": unterminated quoted field (opened on line %zu)", open_line);
        }
        unsigned char c = *ps->p;
        if (c == '"') {
            if (ps->end - ps->p < 2 || ps->p[1] != '"') break;
            reserve(ps, 1);
            *ps->w++ = '"';
            ps->p += 2;
        } else if (c == '\n') {
            reserve(ps, 1);
            *ps->w++ = '\n';
            ps->p++;
            /* check before counting the line, which is where the byte is */
            if ((rc = check_field_len(ps, start))) return rc;
            ps->line++;
            continue;
        } else if (c == '\0') {
            return fail_field(ps, REINS_EINVAL, "NUL byte");
        } else if ((rc = copy_utf8(ps))) {
            return rc;
        }
        if ((rc = check_field_len(ps, start))) return rc;
    }
    ps->p++; /* the closing quote */
    if (ps->p == ps->end || *ps->p == ',' || *ps->p == '\n' ||
        (*ps->p == '\r' && ps->end - ps->p >= 2 && ps->p[1] == '\n'))
        return 0;
    return fail_field(ps, REINS_EINVAL, "unexpected character after closing quote");
}

/* The first byte from p on that stops an unquoted run, or end: a comma, LF, CR, quote,
 * NUL or non-ASCII byte. Eight bytes at a time where it can. In each word a byte equal to
 * b shows as 0x80 in has(w, b); the borrow trick can also flag bytes above a true match,
 * never below one, so the lowest flag is exact. */
static inline const unsigned char *scan_run(const unsigned char *p, const unsigned char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
#define HAS(w, b) ((((w) ^ (ones * (b))) - ones) & ~((w) ^ (ones * (b))) & highs)
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t m =
            (w & highs) | HAS(w, ',') | HAS(w, '\n') | HAS(w, '"') | HAS(w, '\r') | HAS(w, 0);
        if (m) return p + (__builtin_ctzll(m) >> 3);
        p += 8;
    }
#undef HAS
#endif
    while (p < end && !(stop[*p] & STOP_BARE))
        p++;
    return p;
}

/* An unquoted field, up to (not including) its comma, line end or the end. */
static int parse_bare(struct parser *ps, size_t start)
{
    int rc;
    for (;;) {
        const unsigned char *run = ps->p;
        ps->p = scan_run(ps->p, ps->end);
        copy_run(ps, run);
        if ((rc = check_field_len(ps, start))) return rc;
        if (ps->p == ps->end) return 0;
        switch (*ps->p) {
        case ',':
        case '\n':
            return 0;
        case '\r':
            if (ps->end - ps->p >= 2 && ps->p[1] == '\n') return 0;
            return fail_field(ps, REINS_EINVAL, "carriage return without line feed");
        case '"':
            return fail_field(ps, REINS_EINVAL, "quote inside an unquoted field");
        case '\0':
            return fail_field(ps, REINS_EINVAL, "NUL byte");
        default:
            if ((rc = copy_utf8(ps))) return rc;
            if ((rc = check_field_len(ps, start))) return rc;
        }
    }
}

static void push_field(struct parser *ps, char *s)
{
    if (ps->nptrs == ps->cap_ptrs) {
        ps->cap_ptrs = ps->cap_ptrs ? 2 * ps->cap_ptrs : 64;
        ps->ptrs = xrealloc(ps->ptrs, ps->cap_ptrs * sizeof *ps->ptrs);
    }
    ps->ptrs[ps->nptrs++] = s;
}

static void push_row(struct parser *ps, size_t line, size_t nfields)
{
    if (ps->stream) {
        ps->cur = (struct csv_row){.line = line, .nfields = nfields, .fields = ps->ptrs};
        ps->nrows++;
        return;
    }
    if (ps->nrows == ps->cap_rows) {
        ps->cap_rows = ps->cap_rows ? 2 * ps->cap_rows : 16;
        ps->rows = xrealloc(ps->rows, ps->cap_rows * sizeof *ps->rows);
    }
    /* fields is set once ptrs stops moving, in csv_parse */
    ps->rows[ps->nrows++] = (struct csv_row){.line = line, .nfields = nfields, .fields = NULL};
}

/* Bits of bytes p[0, n) (n <= 16): in *stop_bits those that end a plain record (LF, CR,
 * quote, NUL, non-ASCII), in *comma_bits the commas. Sixteen at a time with SSE2. */
static inline void block_masks(const unsigned char *p, ptrdiff_t n, uint32_t *stop_bits,
                               uint32_t *comma_bits)
{
#ifdef __SSE2__
    if (n == 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i lf = _mm_cmpeq_epi8(b, _mm_set1_epi8('\n')),
                quote = _mm_cmpeq_epi8(b, _mm_set1_epi8('"')),
                cr = _mm_cmpeq_epi8(b, _mm_set1_epi8('\r')),
                nul = _mm_cmpeq_epi8(b, _mm_setzero_si128());
        /* a byte's own top bit marks it non-ASCII */
        __m128i stops = _mm_or_si128(_mm_or_si128(lf, quote), _mm_or_si128(cr, nul));
        *stop_bits = (uint32_t)_mm_movemask_epi8(_mm_or_si128(stops, b));
        *comma_bits = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, _mm_set1_epi8(',')));
        return;
    }
#endif
    uint32_t sb = 0, cb = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        sb |= (uint32_t)((stop[p[i]] & STOP_QUOTED) || p[i] == '\r') << i;
        cb |= (uint32_t)(p[i] == ',') << i;
    }
    *stop_bits = sb;
    *comma_bits = cb;
}

/* Commas of a record the plain path keeps track of; a wider record (more than 240: a
 * block may add 16) is read by parse_record. */
#define PLAIN_MAX_COMMAS 256

/* Where a record on one line with nothing to unquote or check ends: printable ASCII and
 * commas, up to LF, CRLF or the end. Most records of big exports are such. Fills ends[f]
 * with the offset from ps->p of field f's end (its comma, or the record's end), *nfields,
 * *len (the record's bytes) and *skip (its line end's). Returns 0 for any other record,
 * or one over a limit: parse_record reads it, or names what is wrong. */
static int plain_scan(struct parser *ps, uint32_t ends[PLAIN_MAX_COMMAS + 1], size_t *nfields,
                      size_t *len, size_t *skip)
{
    /* one pass finds the line end and the commas before it */
    const unsigned char *start = ps->p, *end = ps->end, *s = start;
    size_t ncommas = 0;
    for (;; s += 16) {
        ptrdiff_t n = end - s < 16 ? end - s : 16;
        uint32_t stops, commas;
        block_masks(s, n, &stops, &commas);
        if (n < 16) stops |= (uint32_t)1 << n;           /* the end of the input stops it too */
        if (stops) commas &= (stops & (0u - stops)) - 1; /* only commas before the stop */
        if (commas) {
            if (ncommas > PLAIN_MAX_COMMAS - 16 || (size_t)(s - start) > UINT32_MAX - 16)
                return 0; /* a wide or huge record: parse_record reads it */
            for (uint32_t at = (uint32_t)(s - start); commas; commas &= commas - 1)
                ends[ncommas++] = at + (uint32_t)__builtin_ctz(commas);
        }
        if (stops) {
            s += __builtin_ctz(stops);
            break;
        }
    }
    *skip = 0; /* the line end */
    if (s < end) {
        if (*s == '\n')
            *skip = 1;
        else if (*s == '\r' && end - s >= 2 && s[1] == '\n')
            *skip = 2;
        else
            return 0; /* a quote, a lone CR, a NUL or a byte to check as UTF-8 */
    }
    size_t n = (size_t)(s - start);
    if (ncommas + 1 > ps->lim.max_fields) return 0; /* over a limit: parse_record says which */
    if (n > UINT32_MAX) return 0; /* its end would not fit (the commas were checked above) */
    ends[ncommas] = (uint32_t)n;
    for (size_t f = 0, from = 0; f <= ncommas && n > ps->lim.max_field_len; f++) {
        if (ends[f] - from > ps->lim.max_field_len) return 0;
        from = ends[f] + 1;
    }
    *nfields = ncommas + 1;
    *len = n;
    return 1;
}

/* The plain record plain_scan found, copied whole and split at its commas: what
 * parse_record would make of it. */
static void plain_take(struct parser *ps, size_t line, const uint32_t *ends, size_t nfields,
                       size_t n, size_t skip)
{
    reserve(ps, n + 1);
    if (ps->cap_ptrs - ps->nptrs < nfields) {
        while (ps->cap_ptrs - ps->nptrs < nfields)
            ps->cap_ptrs = ps->cap_ptrs ? 2 * ps->cap_ptrs : 64;
        ps->ptrs = xrealloc(ps->ptrs, ps->cap_ptrs * sizeof *ps->ptrs);
    }
    char *text = ps->w, **field = ps->ptrs + ps->nptrs;
    memcpy(text, ps->p, n);
    text[n] = '\0';
    field[0] = text;
    for (size_t f = 0; f + 1 < nfields; f++) {
        text[ends[f]] = '\0';
        field[f + 1] = text + ends[f] + 1;
    }
    ps->nptrs += nfields;
    ps->w += n + 1;
    ps->p += n + skip;
    if (skip) ps->line++;
    push_row(ps, line, nfields);
}

/* One record, from its first byte to just past its line end (or the end). */
static int parse_record(struct parser *ps)
{
    if (ps->nrows == ps->lim.max_rows)
        return fail_line(ps, ps->line, REINS_ETOOBIG, ": more than %zu rows", ps->lim.max_rows);
    size_t line = ps->line, first = ps->nptrs;
    uint32_t ends[PLAIN_MAX_COMMAS + 1];
    size_t nfields, n, skip;
    if (plain_scan(ps, ends, &nfields, &n, &skip)) {
        plain_take(ps, line, ends, nfields, n, skip);
        return 0;
    }
    int rc;
    ps->field = 0;
    for (;;) {
        if (ps->field == ps->lim.max_fields)
            return fail_line(ps, ps->line, REINS_ETOOBIG, ": more than %zu fields",
                             ps->lim.max_fields);
        ps->field++;
        size_t start = (size_t)(ps->w - ps->text);
        if (ps->p < ps->end && *ps->p == '"')
            rc = parse_quoted(ps, start);
        else
            rc = parse_bare(ps, start);
        if (rc) return rc;
        reserve(ps, 1);
        *ps->w++ = '\0';
        push_field(ps, ps->text + start);
        if (ps->p == ps->end) break;
        unsigned char c = *ps->p++;
        if (c == ',') continue;
        /* the field parsers stop only at a comma, LF or CRLF */
        assert(c == '\n' || (c == '\r' && *ps->p == '\n'));
        if (c == '\r') ps->p++;
        ps->line++;
        break;
    }
    push_row(ps, line, ps->nptrs - first);
    return 0;
}

static struct csv_limits limits_resolve(const struct csv_limits *lim)
{
    struct csv_limits l = CSV_LIMITS_DEFAULT;
    if (lim) {
        if (lim->max_bytes) l.max_bytes = lim->max_bytes;
        if (lim->max_rows) l.max_rows = lim->max_rows;
        if (lim->max_fields) l.max_fields = lim->max_fields;
        if (lim->max_field_len) l.max_field_len = lim->max_field_len;
    }
    return l;
}

int csv_parse(const char *data, size_t len, const struct csv_limits *lim, struct csv_doc **out,
              struct err *e)
{
    *out = NULL;
    struct parser ps = {.lim = limits_resolve(lim), .line = 1, .e = e};
    if (len > ps.lim.max_bytes || len == SIZE_MAX)
        return err_set(e, REINS_ETOOBIG, "input is %zu bytes, more than the limit of %zu", len,
                       ps.lim.max_bytes);
    if (!data) {
        assert(len == 0);
        data = ""; /* NULL + 0 is undefined */
    }
    ps.p = (const unsigned char *)data;
    ps.end = ps.p + len;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ps.p += 3;
    size_t text_cap = (size_t)(ps.end - ps.p) + 1;
    ps.text = xmalloc(text_cap);
    ps.text_cap = text_cap;
    ps.w = ps.text;
    int rc;

    while (ps.p < ps.end) {
        /* skip blank lines; a lone CR falls through to be reported */
        if (*ps.p == '\n') {
            ps.p++;
            ps.line++;
        } else if (*ps.p == '\r' && ps.end - ps.p >= 2 && ps.p[1] == '\n') {
            ps.p += 2;
            ps.line++;
        } else if ((rc = parse_record(&ps))) {
            free(ps.text);
            free(ps.ptrs);
            free(ps.rows);
            return rc;
        }
    }
    assert((size_t)(ps.w - ps.text) <= text_cap);

    struct csv_doc *doc = xcalloc(1, sizeof *doc);
    doc->nrows = ps.nrows;
    doc->rows = ps.rows;
    doc->field_ptrs = ps.ptrs;
    doc->text = ps.text;
    /* indexes, not pointer steps: ptrs is NULL when there are no rows */
    size_t k = 0;
    for (size_t i = 0; i < ps.nrows; i++) {
        doc->rows[i].fields = ps.ptrs + k;
        k += doc->rows[i].nfields;
    }
    assert(k == ps.nptrs);
    *out = doc;
    return 0;
}

size_t csv_count_lf(const char *data, size_t len, int *quoted)
{
    const unsigned char *p = (const unsigned char *)data, *end = p + len;
    size_t lf = 0;
    unsigned any_quote = 0;
#ifdef __SSE2__
    /* each LF subtracts -1 from its byte lane; lanes are summed before 255 blocks can
     * overflow one */
    const __m128i nl = _mm_set1_epi8('\n'), qt = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
    __m128i quotes = zero;
    while (end - p >= 16) {
        __m128i lanes = zero;
        for (int i = 0; i < 255 && end - p >= 16; i++, p += 16) {
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)p);
            lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(b, nl));
            quotes = _mm_or_si128(quotes, _mm_cmpeq_epi8(b, qt));
        }
        __m128i sums = _mm_sad_epu8(lanes, zero); /* two 64-bit sums */
        lf += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
    any_quote = (unsigned)_mm_movemask_epi8(quotes);
#endif
    for (; p < end; p++) {
        lf += *p == '\n';
        any_quote |= *p == '"';
    }
    *quoted = any_quote != 0;
    return lf;
}

int csv_each(const char *data, size_t len, const struct csv_limits *lim, csv_row_fn fn, void *ctx,
             struct err *e)
{
    return csv_each_from(data, len, 1, lim, fn, ctx, e);
}

/* csv_each_from; `plain` (may be NULL) is offered each plain record first. */
static int each(const char *data, size_t len, size_t first_line, const struct csv_limits *lim,
                csv_plain_fn plain, csv_row_fn fn, void *ctx, struct err *e)
{
    struct csv_limits l = {SIZE_MAX - 1, SIZE_MAX, 0, 0};
    if (lim) {
        if (lim->max_bytes) l.max_bytes = lim->max_bytes;
        if (lim->max_rows) l.max_rows = lim->max_rows;
        l.max_fields = lim->max_fields;
        l.max_field_len = lim->max_field_len;
    }
    struct parser ps = {.lim = limits_resolve(&l), .line = first_line, .e = e, .stream = 1};
    if (len > ps.lim.max_bytes)
        return err_set(e, REINS_ETOOBIG, "input is %zu bytes, more than the limit of %zu", len,
                       ps.lim.max_bytes);
    if (!data) {
        assert(len == 0);
        data = "";
    }
    ps.p = (const unsigned char *)data;
    ps.end = ps.p + len;
    if (first_line == 1 && len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ps.p += 3;
    ps.text_cap = 4096;
    ps.text = xmalloc(ps.text_cap);
    uint32_t ends[PLAIN_MAX_COMMAS + 1];
    int rc = 0;
    while (ps.p < ps.end && !rc) {
        /* blank lines are skipped as csv_parse skips them */
        if (*ps.p == '\n') {
            ps.p++;
            ps.line++;
            continue;
        }
        if (*ps.p == '\r' && ps.end - ps.p >= 2 && ps.p[1] == '\n') {
            ps.p += 2;
            ps.line++;
            continue;
        }
        ps.w = ps.text;
        ps.nptrs = 0;
        size_t nfields, n, skip;
        if (plain && ps.nrows < ps.lim.max_rows && plain_scan(&ps, ends, &nfields, &n, &skip)) {
            struct csv_plain rec = {ps.line, (const char *)ps.p, ends, nfields,
                                    (const char *)ps.end};
            if ((rc = plain(ctx, &rec)) != CSV_AS_ROW) {
                ps.nrows++;
                ps.p += n + skip;
                if (skip) ps.line++;
                continue;
            }
            plain_take(&ps, rec.line, ends, nfields, n, skip);
        } else if ((rc = parse_record(&ps))) {
            break;
        }
        rc = fn(ctx, &ps.cur);
    }
    free(ps.text);
    free(ps.ptrs);
    return rc;
}

int csv_each_from(const char *data, size_t len, size_t first_line, const struct csv_limits *lim,
                  csv_row_fn fn, void *ctx, struct err *e)
{
    return each(data, len, first_line, lim, NULL, fn, ctx, e);
}

int csv_each_plain(const char *data, size_t len, size_t first_line, const struct csv_limits *lim,
                   csv_plain_fn plain, csv_row_fn fn, void *ctx, struct err *e)
{
    return each(data, len, first_line, lim, plain, fn, ctx, e);
}

void csv_doc_free(struct csv_doc *doc)
{
    if (!doc) return;
    free(doc->text);
    free(doc->field_ptrs);
    free(doc->rows);
    free(doc);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trim spaces and tabs: sets *start and returns the trimmed length. */
static size_t trim(const char *s, const char **start)
{
    size_t n = strlen(s);
    while (n && is_blank(*s))
        s++, n--;
    while (n && is_blank(s[n - 1]))
        n--;
    *start = s;
    return n;
}

/* ASCII only: strncasecmp follows the locale, and headers are ASCII. */
static int ascii_eq_nocase(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z') y += 'a' - 'A';
        if (x != y) return 0;
    }
    return 1;
}

int csv_find_column(const struct csv_doc *doc, const char *name)
{
    if (!doc || doc->nrows == 0) return -1;
    return csv_row_find_column(&doc->rows[0], name);
}

int csv_row_find_column(const struct csv_row *hdr, const char *name)
{
    if (!hdr || !name) return -1;
    const char *want;
    size_t want_len = trim(name, &want);
    for (size_t i = 0; i < hdr->nfields && i <= INT_MAX; i++) {
        const char *have;
        size_t have_len = trim(hdr->fields[i], &have);
        if (have_len == want_len && ascii_eq_nocase(have, want, want_len)) return (int)i;
    }
    return -1;
}

int csv_needs_quotes(const char *v, size_t n)
{
    if (n == 0) return 0;
    /* other readers trim unquoted blanks */
    if (is_blank(v[0]) || is_blank(v[n - 1])) return 1;
    /* at the start of a file, a reader would take it for the BOM and drop it */
    if (n >= 3 && memcmp(v, "\xEF\xBB\xBF", 3) == 0) return 1;
    if (n >= 32) return v[strcspn(v, ",\"\r\n")] != '\0';
    for (size_t i = 0; i < n; i++) /* ids and names: shorter than strcspn's set-up */
        if (v[i] == ',' || v[i] == '"' || v[i] == '\r' || v[i] == '\n') return 1;
    return 0;
}

void csv_write_field(struct sb *out, const char *value)
{
    if (!value) value = "";
    size_t n = strlen(value);
    if (!csv_needs_quotes(value, n)) {
        sb_add(out, value, n);
        return;
    }
    sb_add(out, "\"", 1);
    const char *q;
    while ((q = strchr(value, '"'))) {
        sb_add(out, value, (size_t)(q - value) + 1);
        sb_add(out, "\"", 1); /* double it */
        value = q + 1;
    }
    sb_adds(out, value);
    sb_add(out, "\"", 1);
}

size_t csv_field_begin(struct sb *out)
{
    sb_add(out, "\"", 1);
    return out->len - 1;
}

void csv_field_end(struct sb *out, size_t at)
{
    char *v = out->buf + at + 1;
    size_t n = out->len - at - 1;
    if (!csv_needs_quotes(v, n)) { /* unquoted after all */
        memmove(v - 1, v, n + 1);
        out->len--;
        return;
    }
    size_t quotes = 0;
    for (const char *q = v; (q = memchr(q, '"', (size_t)(v + n - q))); q++)
        quotes++;
    for (size_t left = quotes + 1; left > 0;) { /* room for the doubles and the close */
        size_t k = left < 8 ? left : 8;
        sb_add(out, "\"\"\"\"\"\"\"\"", k);
        left -= k;
    }
    char *b = out->buf + at + 1;
    size_t d = n + quotes;
    b[d--] = '"';
    for (size_t i = n; quotes > 0 && i-- > 0;) { /* from the back, doubling quotes */
        b[d--] = b[i];
        if (b[i] == '"') {
            b[d--] = '"';
            quotes--;
        }
    }
}

void csv_write_row(struct sb *out, const char *const *fields, size_t n)
{
    assert(n >= 1);
    if (n == 1 && (!fields[0] || !fields[0][0])) {
        sb_add(out, "\"\"\r\n", 4); /* unquoted, it would be a blank line */
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i) sb_add(out, ",", 1);
        csv_write_field(out, fields[i]);
    }
    sb_add(out, "\r\n", 2);
}
