/* csv_fuzz.c -- fuzz target for the CSV reader and writer.
 *
 * Any input must either parse, or fail with EINVAL/ETOOBIG and a message
 * that names a real line; csv_each and csv_each_plain must give the same. Whatever parses must
 * survive a round trip: written back with csv_write_row and parsed again, it gives the same fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "csv_fuzz: %s\n", what);
    abort();
}

/* csv_each must hand over exactly the records csv_parse makes, in order. */
struct each_check {
    const struct csv_doc *doc; /* NULL when csv_parse failed */
    size_t n;
};

static int each_row(void *ctx, struct csv_row *row)
{
    struct each_check *c = ctx;
    if (c->doc) {
        check(c->n < c->doc->nrows, "csv_each: more records than csv_parse");
        const struct csv_row *want = &c->doc->rows[c->n];
        check(row->line == want->line && row->nfields == want->nfields, "csv_each: record differs");
        for (size_t j = 0; j < row->nfields; j++)
            check(!strcmp(row->fields[j], want->fields[j]), "csv_each: field differs");
    }
    c->n++;
    return 0;
}

/* csv_each_plain: a plain record where it lies (taken on odd lines, handed on as a row on
 * even ones) is the record csv_parse makes. */
static int plain_row(void *ctx, const struct csv_plain *rec)
{
    struct each_check *c = ctx;
    if (rec->line % 2 == 0) return CSV_AS_ROW;
    if (c->doc) {
        check(c->n < c->doc->nrows, "csv_each_plain: more records than csv_parse");
        const struct csv_row *want = &c->doc->rows[c->n];
        check(rec->line == want->line && rec->nfields == want->nfields,
              "csv_each_plain: record differs");
        for (size_t j = 0, from = 0; j < rec->nfields; from = rec->ends[j++] + 1) {
            size_t n = rec->ends[j] - from;
            check(strlen(want->fields[j]) == n && !memcmp(want->fields[j], rec->text + from, n),
                  "csv_each_plain: field differs");
            check(!memchr(rec->text + from, '"', n), "csv_each_plain: a quote in a plain field");
        }
    }
    c->n++;
    return 0;
}

static void check_each(const uint8_t *data, size_t size, const struct csv_limits *lim,
                       const struct csv_doc *doc, int rc, const struct err *e)
{
    for (int plain = 0; plain < 2; plain++) {
        struct each_check c = {doc, 0};
        struct err e2 = {0};
        int rc2 =
            plain ? csv_each_plain((const char *)data, size, 1, lim, plain_row, each_row, &c, &e2)
                  : csv_each((const char *)data, size, lim, each_row, &c, &e2);
        check(rc2 == rc, "csv_each: another outcome than csv_parse");
        if (rc)
            check(!strcmp(e->msg, e2.msg) && e->line == e2.line, "csv_each: another error");
        else
            check(c.n == doc->nrows, "csv_each: fewer records than csv_parse");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* small limits, so the fuzzer reaches every limit check */
    const struct csv_limits lim = {
        .max_bytes = 1 << 16, .max_rows = 64, .max_fields = 16, .max_field_len = 128};
    struct csv_doc *doc;
    struct err e = {0};
    int rc = csv_parse((const char *)data, size, &lim, &doc, &e);
    check_each(data, size, &lim, doc, rc, &e);
    if (rc != 0) {
        check(doc == NULL, "doc set on failure");
        check(rc == REINS_EINVAL || rc == REINS_ETOOBIG, "unexpected error code");
        check(e.code == rc && e.msg[0] != '\0', "error not filled in");
        check(strstr(e.msg, "line 0") == NULL, "message names line 0");
        return 0;
    }
    check(doc->nrows <= lim.max_rows, "row limit not enforced");

    struct sb out = SB_INIT;
    size_t prev_line = 0;
    for (size_t i = 0; i < doc->nrows; i++) {
        const struct csv_row *r = &doc->rows[i];
        check(r->line > prev_line, "line numbers not increasing");
        check(r->nfields >= 1 && r->nfields <= lim.max_fields, "field count out of bounds");
        for (size_t j = 0; j < r->nfields; j++)
            check(strlen(r->fields[j]) <= lim.max_field_len, "field length limit not enforced");
        prev_line = r->line;
        csv_write_row(&out, (const char *const *)r->fields, r->nfields);
    }
    if (doc->nrows) {
        int col = csv_find_column(doc, doc->rows[0].fields[doc->rows[0].nfields - 1]);
        check(col >= 0 && (size_t)col < doc->rows[0].nfields, "header field not found");
    }

    /* quoting can grow the text past max_bytes; the other limits still hold */
    struct csv_limits relim = lim;
    relim.max_bytes = out.len + 1;
    struct csv_doc *again;
    rc = csv_parse(out.buf, out.len, &relim, &again, &e);
    if (rc != 0) fprintf(stderr, "csv_fuzz: re-parse failed: %s\n", e.msg);
    check(rc == 0, "written CSV does not parse");
    check(again->nrows == doc->nrows, "round trip changed the row count");
    for (size_t i = 0; i < doc->nrows; i++) {
        const struct csv_row *a = &doc->rows[i], *b = &again->rows[i];
        check(a->nfields == b->nfields, "round trip changed a field count");
        for (size_t j = 0; j < a->nfields; j++)
            check(strcmp(a->fields[j], b->fields[j]) == 0, "round trip changed a field");
    }
    csv_doc_free(again);
    csv_doc_free(doc);
    sb_release(&out);
    return 0;
}
