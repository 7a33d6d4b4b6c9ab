/* csv.h -- a bounded, strict RFC 4180 reader and writer.
 *
 * The reader takes a whole file in memory and returns every record at once,
 * in a single pass with no per-field quadratic work: CRM exports of 100,000
 * rows are the expected load. It accepts exactly RFC 4180 and nothing looser:
 *
 *   - fields are separated by commas; records end with LF or CRLF, and the
 *     last record may end without one;
 *   - a field that starts with '"' is quoted: it may contain commas, CR, LF,
 *     and quotes written as "", and must be followed by a comma, a line end
 *     or the end of the input;
 *   - a quote inside an unquoted field, a CR not followed by LF outside
 *     quotes, a NUL byte, or bytes that are not strict UTF-8 (no overlong
 *     forms, no surrogates, nothing above U+10FFFF) are errors;
 *   - a leading UTF-8 byte order mark is skipped;
 *   - completely empty lines are skipped, but still counted for line numbers;
 *   - fields are never trimmed, and rows may have different field counts:
 *     checking them against a header is the caller's job.
 *
 * Error messages name the 1-based physical line of the offending byte and,
 * where it helps, the 1-based field number within its record:
 * "line 3, field 2: unexpected character after closing quote".
 */
#ifndef REINS_CORE_CSV_H
#define REINS_CORE_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"

/* Bounds on untrusted input; going over one fails with REINS_ETOOBIG. A
 * member left 0 takes its default below, so `{.max_rows = 5000}` is fine. */
struct csv_limits {
    size_t max_bytes;     /* input length, BOM included */
    size_t max_rows;      /* records, the header included; blank lines are free */
    size_t max_fields;    /* fields in any one record */
    size_t max_field_len; /* bytes in any one field, after "" unescaping */
};

#define CSV_DEFAULT_MAX_BYTES ((size_t)128 << 20) /* 128 MiB */
#define CSV_DEFAULT_MAX_ROWS ((size_t)1000000)
#define CSV_DEFAULT_MAX_FIELDS ((size_t)1000)
#define CSV_DEFAULT_MAX_FIELD_LEN ((size_t)1 << 20) /* 1 MiB: long CRM text areas */
#define CSV_LIMITS_DEFAULT                                                                         \
    {                                                                                              \
        CSV_DEFAULT_MAX_BYTES, CSV_DEFAULT_MAX_ROWS, CSV_DEFAULT_MAX_FIELDS,                       \
            CSV_DEFAULT_MAX_FIELD_LEN                                                              \
    }

struct csv_row {
    size_t line;    /* 1-based physical line on which the record starts */
    size_t nfields; /* at least 1 */
    char **fields;  /* nfields NUL-terminated UTF-8 strings, owned by the doc */
};

struct csv_doc {
    size_t nrows;
    struct csv_row *rows; /* rows[0] is the header when the caller treats it so */
    /* private: the two blocks every row and field points into */
    char **field_ptrs;
    char *text;
};

/* Parse `len` bytes at `data` (need not be NUL-terminated; may be NULL when
 * len is 0) under `lim` (NULL for CSV_LIMITS_DEFAULT). On success returns 0 and
 * sets *out to a new doc the caller frees with csv_doc_free; input with no
 * records gives a doc with nrows 0. Field strings live until then and may be
 * modified in place. On failure returns REINS_EINVAL (malformed input) or
 * REINS_ETOOBIG (over a limit), fills `e` and sets *out to NULL; e->line is
 * the line the message names (0 only for the input-size limit). */
int csv_parse(const char *data, size_t len, const struct csv_limits *lim, struct csv_doc **out,
              struct err *e);

/* Called by csv_each with each record in turn. The row and its field strings
 * live until the callback returns (copy what must stay); the strings may be
 * modified in place. Return 0 to go on, anything else to stop: csv_each then
 * returns that value, so fill the err the caller gave (through ctx) first. */
typedef int (*csv_row_fn)(void *ctx, struct csv_row *row);

/* Read `len` bytes at `data` exactly as csv_parse does (same rules, same
 * errors and line numbers), but hand each record to `fn` as it is read
 * instead of building a document: memory stays at one record, so files far
 * larger than CSV_DEFAULT_MAX_BYTES can be read (from mmap, say). In `lim`
 * (NULL for defaults) max_bytes and max_rows left 0 mean no limit; the
 * other two take their defaults. Returns 0 when every record was handed
 * over, REINS_EINVAL or REINS_ETOOBIG (with `e` filled as csv_parse fills
 * it) at the first malformed or oversized record, or the callback's nonzero
 * return. Records before a malformed one have already been handed over. */
int csv_each(const char *data, size_t len, const struct csv_limits *lim, csv_row_fn fn, void *ctx,
             struct err *e);

/* csv_each over a piece of a larger input that begins at a record boundary (not inside a
 * quoted field) on physical line `first_line`: rows and errors count lines from there, and
 * a byte order mark is skipped only when first_line is 1 (the input's start). */
int csv_each_from(const char *data, size_t len, size_t first_line, const struct csv_limits *lim,
                  csv_row_fn fn, void *ctx, struct err *e);

/* A record as it lies in the input, on one line with nothing to unquote or check: ASCII
 * without quotes, CR or NUL. Field f is text[f ? ends[f - 1] + 1 : 0, ends[f]); the record
 * ends at ends[nfields - 1]. Nothing is NUL-terminated or copied. */
struct csv_plain {
    size_t line; /* 1-based physical line */
    const char *text;
    const uint32_t *ends;
    size_t nfields;
    const char *end; /* the input's end: a field may be read a word at a time up to here */
};

/* Called by csv_each_plain with a plain record; returns what a csv_row_fn returns, or
 * CSV_AS_ROW to have the record parsed into a csv_row and given to the row callback. */
typedef int (*csv_plain_fn)(void *ctx, const struct csv_plain *rec);
#define CSV_AS_ROW 1

/* csv_each_from, offering each plain record to `plain` first: a reader of millions of
 * rows takes them where they lie, and leaves the rest (and any record whose fields it would
 * rather see as strings) to `fn`. Records, lines and errors are those of csv_each_from. */
int csv_each_plain(const char *data, size_t len, size_t first_line, const struct csv_limits *lim,
                   csv_plain_fn plain, csv_row_fn fn, void *ctx, struct err *e);
/* Free `doc` and every string in it. NULL does nothing. */
void csv_doc_free(struct csv_doc *doc);

/* The LF bytes in data[0, len), counted without parsing (to cut a big input in pieces at
 * line ends); *quoted is set to whether any byte is a quote, since only an input without
 * one is sure to have a record boundary at every LF. */
size_t csv_count_lf(const char *data, size_t len, int *quoted);

/* The index of the first header field (rows[0]) equal to `name`, comparing
 * ASCII case-insensitively and ignoring leading and trailing spaces and tabs
 * on both sides. Returns -1 if there is no such field or no rows. */
int csv_find_column(const struct csv_doc *doc, const char *name);
/* The same for a header row read by csv_each (or any row). */
int csv_row_find_column(const struct csv_row *header, const char *name);

/* Append `value` as one CSV field to `out` (NULL is written as an empty
 * field). The value is quoted, its quotes doubled, when it contains a comma,
 * quote, CR or LF, starts or ends with a space or tab (other readers trim
 * those), or starts with a byte order mark. Values should be UTF-8 without
 * NUL bytes, or csv_parse will not read them back; they are not checked here. Quoting does not
 * defend against spreadsheet formula injection ("=cmd|..."); exporters that
 * care must handle that themselves. */
void csv_write_field(struct sb *out, const char *value);
/* Whether csv_write_field quotes v[0, n) (v NUL-terminated at n): for writers that compose a
 * record themselves and must quote exactly as it does. */
int csv_needs_quotes(const char *v, size_t n);

/* A long field composed straight into `out`, without a copy of its own: csv_field_begin
 * appends an opening quote and returns its offset; once the field's bytes are appended,
 * csv_field_end(out, at) leaves them as csv_write_field would have written them. Most
 * such fields need their quotes, so most are then only closed, not moved. */
size_t csv_field_begin(struct sb *out);
void csv_field_end(struct sb *out, size_t at);
/* Append a record of `n` fields (n >= 1) to `out`, ending it with CRLF. A record
 * of one empty field is written as "" so that it does not read back as a
 * blank line. csv_parse reads back exactly the fields written. */
void csv_write_row(struct sb *out, const char *const *fields, size_t n);

#endif
