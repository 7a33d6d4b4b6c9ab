/* test_csv.c -- the CSV reader and writer: RFC 4180, line numbers, limits, round trips. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

#define BOM "\xEF\xBB\xBF" /* U+FEFF in UTF-8 */

/* Parse a NUL-terminated string that must succeed. */
static struct csv_doc *parse_ok_lim(const char *s, size_t len, const struct csv_limits *lim)
{
    struct csv_doc *doc = NULL;
    struct err e = {0};
    int rc = csv_parse(s, len, lim, &doc, &e);
    if (rc != 0) fail_msg("csv_parse failed: %s", e.msg);
    assert_non_null(doc);
    return doc;
}

static struct csv_doc *parse_ok(const char *s)
{
    return parse_ok_lim(s, strlen(s), NULL);
}

/* Parse input that must fail with `code` and a message containing `want`. */
static void expect_error_lim(const char *s, size_t len, const struct csv_limits *lim, int code,
                             const char *want)
{
    struct csv_doc *doc = (struct csv_doc *)1; /* must be reset to NULL */
    struct err e = {0};
    int rc = csv_parse(s, len, lim, &doc, &e);
    if (rc != code) fail_msg("rc %d, want %d (msg: %s)", rc, code, e.msg);
    assert_null(doc);
    assert_int_equal(e.code, code);
    if (!strstr(e.msg, want)) fail_msg("message \"%s\" lacks \"%s\"", e.msg, want);
    assert_null(strstr(e.msg, "line 0"));
}

static void expect_error(const char *s, int code, const char *want)
{
    expect_error_lim(s, strlen(s), NULL, code, want);
}

static void assert_row(const struct csv_doc *doc, size_t i, size_t line, size_t n, ...)
{
    assert_true(i < doc->nrows);
    const struct csv_row *r = &doc->rows[i];
    assert_int_equal(r->line, line);
    assert_int_equal(r->nfields, n);
    va_list ap;
    va_start(ap, n);
    for (size_t j = 0; j < n; j++)
        assert_string_equal(r->fields[j], va_arg(ap, const char *));
    va_end(ap);
}

static void test_simple(void **state)
{
    (void)state;
    struct csv_doc *doc = parse_ok("name,email,team\nAnn,ann@example.com,North\nBo,bo@x,\n");
    assert_int_equal(doc->nrows, 3);
    assert_row(doc, 0, 1, 3, "name", "email", "team");
    assert_row(doc, 1, 2, 3, "Ann", "ann@example.com", "North");
    assert_row(doc, 2, 3, 3, "Bo", "bo@x", "");
    csv_doc_free(doc);
}

static void test_no_final_newline_and_empty_fields(void **state)
{
    (void)state;
    struct csv_doc *doc = parse_ok("a,b\n,,\nx,");
    assert_int_equal(doc->nrows, 3);
    assert_row(doc, 0, 1, 2, "a", "b");
    assert_row(doc, 1, 2, 3, "", "", "");
    assert_row(doc, 2, 3, 2, "x", "");
    csv_doc_free(doc);
}

static void test_fields_are_not_trimmed(void **state)
{
    (void)state;
    struct csv_doc *doc = parse_ok(" a , b\t\n");
    assert_row(doc, 0, 1, 2, " a ", " b\t");
    csv_doc_free(doc);
}

static void test_quoted(void **state)
{
    (void)state;
    struct csv_doc *doc =
        parse_ok("\"a,b\",\"say \"\"hi\"\"\",\"\",\"two\nlines\",\"\"\"\"\n\"x\"\r\nplain\n");
    assert_int_equal(doc->nrows, 3);
    assert_row(doc, 0, 1, 5, "a,b", "say \"hi\"", "", "two\nlines", "\"");
    assert_row(doc, 1, 3, 1, "x");
    assert_row(doc, 2, 4, 1, "plain");
    csv_doc_free(doc);
}

static void test_crlf(void **state)
{
    (void)state;
    /* CRLF inside quotes is content; outside it ends the record */
    struct csv_doc *doc = parse_ok("a,b\r\n\"c\r\nd\",e\r\nf,g");
    assert_int_equal(doc->nrows, 3);
    assert_row(doc, 0, 1, 2, "a", "b");
    assert_row(doc, 1, 2, 2, "c\r\nd", "e");
    assert_row(doc, 2, 4, 2, "f", "g");
    csv_doc_free(doc);
}

static void test_bom(void **state)
{
    (void)state;
    struct csv_doc *doc = parse_ok(BOM "name,email\nAnn," BOM "x\n");
    assert_int_equal(doc->nrows, 2);
    /* skipped at the start only; elsewhere it is a character like any other */
    assert_row(doc, 0, 1, 2, "name", "email");
    assert_row(doc, 1, 2, 2, "Ann", BOM "x");
    assert_int_equal(csv_find_column(doc, "name"), 0);
    csv_doc_free(doc);

    /* only the first BOM goes */
    doc = parse_ok(BOM BOM "a\n");
    assert_row(doc, 0, 1, 1, BOM "a");
    csv_doc_free(doc);
}

static void test_blank_lines_counted(void **state)
{
    (void)state;
    struct csv_doc *doc = parse_ok("\n\nh1,h2\n\r\n\na,b\n\n");
    assert_int_equal(doc->nrows, 2);
    assert_row(doc, 0, 3, 2, "h1", "h2");
    assert_row(doc, 1, 6, 2, "a", "b");
    csv_doc_free(doc);

    /* a line of blanks or of "" is a record, not a blank line */
    doc = parse_ok(" \n\"\"\n");
    assert_int_equal(doc->nrows, 2);
    assert_row(doc, 0, 1, 1, " ");
    assert_row(doc, 1, 2, 1, "");
    csv_doc_free(doc);
}

static void test_multiline_record_reports_start_line(void **state)
{
    (void)state;
    struct csv_doc *doc = parse_ok("id,note\n1,\"first\nsecond\r\nthird\"\n\n2,x\n");
    assert_int_equal(doc->nrows, 3);
    assert_row(doc, 0, 1, 2, "id", "note");
    assert_row(doc, 1, 2, 2, "1", "first\nsecond\r\nthird");
    assert_row(doc, 2, 6, 2, "2", "x");
    csv_doc_free(doc);
}

static void test_empty_input(void **state)
{
    (void)state;
    struct csv_doc *doc = parse_ok_lim(NULL, 0, NULL);
    assert_int_equal(doc->nrows, 0);
    assert_int_equal(csv_find_column(doc, "x"), -1);
    csv_doc_free(doc);

    const char *nothing[] = {"", "\n\n", "\r\n", BOM, BOM "\n"};
    for (size_t i = 0; i < sizeof nothing / sizeof *nothing; i++) {
        doc = parse_ok(nothing[i]);
        assert_int_equal(doc->nrows, 0);
        csv_doc_free(doc);
    }
    csv_doc_free(NULL);
}

static void test_utf8_valid(void **state)
{
    (void)state;
    /* 2-, 3- and 4-byte forms and the edges next to the excluded ranges */
    const char *s = "caf\xC3\xA9,\xE2\x82\xAC,\xF0\x9F\x98\x80,\xED\x9F\xBF,\xEE\x80\x80,"
                    "\xF4\x8F\xBF\xBF,\"\xC3\xA9\"\n";
    struct csv_doc *doc = parse_ok(s);
    assert_row(doc, 0, 1, 7, "caf\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xED\x9F\xBF",
               "\xEE\x80\x80", "\xF4\x8F\xBF\xBF", "\xC3\xA9");
    csv_doc_free(doc);
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    const char *bad[] = {
        "\xC0\x80",         /* overlong NUL */
        "\xC1\xBF",         /* overlong */
        "\xE0\x80\x80",     /* overlong 3-byte */
        "\xE0\x9F\xBF",     /* overlong 3-byte, top */
        "\xF0\x8F\xBF\xBF", /* overlong 4-byte */
        "\xED\xA0\x80",     /* high surrogate */
        "\xED\xBF\xBF",     /* low surrogate */
        "\xF4\x90\x80\x80", /* above U+10FFFF */
        "\xF5\x80\x80\x80", /* never valid lead */
        "\xFF",
        "\x80",         /* stray continuation */
        "\xC3",         /* truncated at the end */
        "\xE2\x82",     /* truncated at the end */
        "\xC3x",        /* truncated by ASCII */
        "\xE2\x82,",    /* truncated by a comma */
        "\xF0\x9F\x98", /* truncated 4-byte */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char buf[64];
        /* unquoted on line 3 field 2, and quoted on line 4 field 1 after a newline */
        snprintf(buf, sizeof buf, "a,b\n\nc,x%sy\n", bad[i]);
        expect_error(buf, REINS_EINVAL, "line 3, field 2: invalid UTF-8");
        snprintf(buf, sizeof buf, "a\n\"x\ny%s\"\n", bad[i]);
        expect_error(buf, REINS_EINVAL, "line 3, field 1: invalid UTF-8");
    }
    /* a sequence cut by the end of the input, even when the bytes after
     * `len` in memory would complete it */
    expect_error_lim("a\nx\xC3\xA9", 4, NULL, REINS_EINVAL, "line 2, field 1: invalid UTF-8");
    expect_error_lim("\xF0\x9F\x98\x80", 3, NULL, REINS_EINVAL, "line 1, field 1: invalid UTF-8");
    expect_error_lim("\"\xE2\x82\xAC\"", 3, NULL, REINS_EINVAL, "line 1, field 1: invalid UTF-8");
    /* the byte order mark is checked too: a broken one is not skipped */
    expect_error("\xEF\xBB\n", REINS_EINVAL, "line 1, field 1: invalid UTF-8");
}

static void test_error_unterminated_quote(void **state)
{
    (void)state;
    expect_error("a,b\nc,d\n\"x\ny\nz", REINS_EINVAL,
                 "line 5: unterminated quoted field (opened on line 3)");
    /* a final newline does not move the blame to a line that does not exist */
    expect_error("a,b\nc,d\n\"x\ny\nz\n", REINS_EINVAL,
                 "line 5: unterminated quoted field (opened on line 3)");
    expect_error("\"", REINS_EINVAL, "line 1: unterminated quoted field (opened on line 1)");
    expect_error("\"\n", REINS_EINVAL, "line 1: unterminated quoted field (opened on line 1)");
    expect_error("a,\"b\"\"", REINS_EINVAL, "line 1: unterminated quoted field (opened on line 1)");
}

static void test_error_after_closing_quote(void **state)
{
    (void)state;
    expect_error("a,b\nc,d\ne,\"x\"y\n", REINS_EINVAL,
                 "line 3, field 2: unexpected character after closing quote");
    expect_error("\"x\" ,y\n", REINS_EINVAL,
                 "line 1, field 1: unexpected character after closing quote");
    /* the line of the character, not of the opening quote */
    expect_error("a\n\"x\ny\"z\n", REINS_EINVAL,
                 "line 3, field 1: unexpected character after closing quote");
    expect_error("\"x\"\rz\n", REINS_EINVAL,
                 "line 1, field 1: unexpected character after closing quote");
}

static void test_error_quote_in_bare_field(void **state)
{
    (void)state;
    expect_error("a,b\nc,d\"e\n", REINS_EINVAL, "line 2, field 2: quote inside an unquoted field");
    expect_error(" \"x\"\n", REINS_EINVAL, "line 1, field 1: quote inside an unquoted field");
}

static void test_error_bare_cr(void **state)
{
    (void)state;
    expect_error("a,b\nc\rd\n", REINS_EINVAL, "line 2, field 1: carriage return without line feed");
    expect_error("a,b\r", REINS_EINVAL, "line 1, field 2: carriage return without line feed");
    expect_error("a\n\r\n\rx", REINS_EINVAL, "line 3, field 1: carriage return without line feed");
}

static void test_error_nul(void **state)
{
    (void)state;
    expect_error_lim("a,b\nc,d\0e\n", 10, NULL, REINS_EINVAL, "line 2, field 2: NUL byte");
    expect_error_lim("a\n\"x\ny\0\"\n", 9, NULL, REINS_EINVAL, "line 3, field 1: NUL byte");
    expect_error_lim("\0", 1, NULL, REINS_EINVAL, "line 1, field 1: NUL byte");
}

static void test_limit_fields(void **state)
{
    (void)state;
    struct csv_limits lim = {.max_fields = 3};
    const char *ok = "a,b,c\nd,e,f\n";
    struct csv_doc *doc = parse_ok_lim(ok, strlen(ok), &lim);
    assert_int_equal(doc->nrows, 2);
    csv_doc_free(doc);

    const char *bad = "a,b,c\n\nd,e,f,g\n";
    expect_error_lim(bad, strlen(bad), &lim, REINS_ETOOBIG, "line 3: more than 3 fields");
    /* a trailing comma makes a fourth field */
    bad = "a,b,c,";
    expect_error_lim(bad, strlen(bad), &lim, REINS_ETOOBIG, "line 1: more than 3 fields");
}

static void test_limit_rows(void **state)
{
    (void)state;
    struct csv_limits lim = {.max_rows = 2};
    /* blank lines are not rows */
    const char *ok = "h\n\n\nr1\n\n";
    struct csv_doc *doc = parse_ok_lim(ok, strlen(ok), &lim);
    assert_int_equal(doc->nrows, 2);
    csv_doc_free(doc);

    const char *bad = "h\nr1\n\nr2\n";
    expect_error_lim(bad, strlen(bad), &lim, REINS_ETOOBIG, "line 4: more than 2 rows");
}

static void test_limit_field_len(void **state)
{
    (void)state;
    struct csv_limits lim = {.max_field_len = 5};
    /* the limit is on unescaped bytes: "a""bcd" is a"bcd, 5 bytes */
    const char *ok = "abcde,\"a\"\"bcd\",\"ab\ncd\"\n\xC3\xA9\xC3\xA9x\n";
    struct csv_doc *doc = parse_ok_lim(ok, strlen(ok), &lim);
    assert_row(doc, 0, 1, 3, "abcde", "a\"bcd", "ab\ncd");
    csv_doc_free(doc);

    const char *bad = "a\nb\nc\nx,y,abcdef\n";
    expect_error_lim(bad, strlen(bad), &lim, REINS_ETOOBIG,
                     "line 4, field 3: field longer than 5 bytes");
    bad = "a\nx,\"ab\"\"cd\"\"\"\n";
    expect_error_lim(bad, strlen(bad), &lim, REINS_ETOOBIG,
                     "line 2, field 2: field longer than 5 bytes");
    /* multi-byte characters count in bytes */
    bad = "\xC3\xA9\xC3\xA9\xC3\xA9\n";
    expect_error_lim(bad, strlen(bad), &lim, REINS_ETOOBIG,
                     "line 1, field 1: field longer than 5 bytes");
    /* named on the line where the limit is crossed */
    bad = "\"ab\ncd\nef\"\n";
    expect_error_lim(bad, strlen(bad), &lim, REINS_ETOOBIG,
                     "line 2, field 1: field longer than 5 bytes");
}

static void test_limit_bytes_and_defaults(void **state)
{
    (void)state;
    struct csv_limits lim = {.max_bytes = 8};
    struct csv_doc *doc = parse_ok_lim("abc,def\n", 8, &lim);
    csv_doc_free(doc);
    expect_error_lim("abc,defg\n", 9, &lim, REINS_ETOOBIG, "more than the limit of 8");

    /* zero members and NULL take the documented defaults */
    struct csv_limits def = CSV_LIMITS_DEFAULT;
    assert_int_equal(def.max_bytes, CSV_DEFAULT_MAX_BYTES);
    assert_int_equal(def.max_fields, CSV_DEFAULT_MAX_FIELDS);
    size_t n = CSV_DEFAULT_MAX_FIELDS + 1;
    char *wide = malloc(2 * n);
    for (size_t i = 0; i < n; i++)
        wide[2 * i] = 'x', wide[2 * i + 1] = ',';
    wide[2 * n - 1] = '\n';
    struct csv_limits zero = {0};
    doc = parse_ok_lim(wide, 2 * n - 3, &zero); /* exactly the default 1000 fields */
    assert_int_equal(doc->rows[0].nfields, CSV_DEFAULT_MAX_FIELDS);
    csv_doc_free(doc);
    expect_error_lim(wide, 2 * n, &zero, REINS_ETOOBIG, "line 1: more than 1000 fields");
    expect_error_lim(wide, 2 * n, NULL, REINS_ETOOBIG, "line 1: more than 1000 fields");
    expect_error_lim(wide, 2 * n, &lim, REINS_ETOOBIG, "more than the limit of 8");
    free(wide);
}

static void test_write_field(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\"", "\"\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\r", "\"cr\r\""},
        {" lead", "\" lead\""},
        {"trail ", "\"trail \""},
        {"\ttab", "\"\ttab\""},
        {"in side", "in side"},
        {BOM "bom", "\"" BOM "bom\""},
        {"caf\xC3\xA9", "caf\xC3\xA9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct sb sb = SB_INIT;
        sb_adds(&sb, ""); /* so an empty field still leaves a string */
        csv_write_field(&sb, cases[i].in);
        assert_string_equal(sb.buf, cases[i].out);
        sb_release(&sb);
    }
    struct sb sb = SB_INIT;
    sb_adds(&sb, "");
    csv_write_field(&sb, NULL);
    assert_string_equal(sb.buf, "");
    sb_release(&sb);
}

static void test_write_row(void **state)
{
    (void)state;
    struct sb sb = SB_INIT;
    const char *r1[] = {"id", "a,b", "", "x\"y"};
    csv_write_row(&sb, r1, 4);
    const char *r2[] = {""};
    csv_write_row(&sb, r2, 1);
    const char *r3[] = {NULL, NULL};
    csv_write_row(&sb, r3, 2);
    assert_string_equal(sb.buf, "id,\"a,b\",,\"x\"\"y\"\r\n\"\"\r\n,\r\n");
    sb_release(&sb);
}

static void test_round_trip(void **state)
{
    (void)state;
    static const char *rows[][5] = {
        {"name", "email", "note", "amount", "empty"},
        {"Ann", "ann@example.com", "likes \"quotes\", commas", "1,000.00", ""},
        {" leading", "trailing ", "multi\nline\r\ntext\r", "\"", ""},
        {"", "", "", "", ""},
        {BOM "bom", "caf\xC3\xA9 \xF0\x9F\x98\x80", ",", "\"\"", "\n"},
    };
    static const char *single[][1] = {{""}, {"x"}, {" "}, {"\r\n"}};
    struct sb sb = SB_INIT;
    size_t nrows = sizeof rows / sizeof *rows, nsingle = sizeof single / sizeof *single;
    for (size_t i = 0; i < nrows; i++)
        csv_write_row(&sb, rows[i], 5);
    for (size_t i = 0; i < nsingle; i++)
        csv_write_row(&sb, single[i], 1);

    struct csv_doc *doc = parse_ok_lim(sb.buf, sb.len, NULL);
    assert_int_equal(doc->nrows, nrows + nsingle);
    for (size_t i = 0; i < nrows; i++) {
        assert_int_equal(doc->rows[i].nfields, 5);
        for (size_t j = 0; j < 5; j++)
            assert_string_equal(doc->rows[i].fields[j], rows[i][j]);
    }
    for (size_t i = 0; i < nsingle; i++) {
        assert_int_equal(doc->rows[nrows + i].nfields, 1);
        assert_string_equal(doc->rows[nrows + i].fields[0], single[i][0]);
    }
    /* line numbers count the newlines inside quoted fields */
    assert_int_equal(doc->rows[3].line, 6);
    csv_doc_free(doc);
    sb_release(&sb);
}

static void test_find_column(void **state)
{
    (void)state;
    struct csv_doc *doc = parse_ok(" Email ,Name,\tTeam Lead\t,EMAIL,caf\xC3\xA9\nx,y,z,w,v\n");
    assert_int_equal(csv_find_column(doc, "email"), 0); /* the first of two */
    assert_int_equal(csv_find_column(doc, "EMAIL"), 0);
    assert_int_equal(csv_find_column(doc, " name "), 1);
    assert_int_equal(csv_find_column(doc, "team lead"), 2);
    assert_int_equal(csv_find_column(doc, "caf\xC3\xA9"), 4);
    assert_int_equal(csv_find_column(doc, "team"), -1);
    assert_int_equal(csv_find_column(doc, "lead"), -1);
    assert_int_equal(csv_find_column(doc, "x"), -1); /* only the header row counts */
    assert_int_equal(csv_find_column(doc, ""), -1);
    assert_int_equal(csv_find_column(NULL, "email"), -1);
    csv_doc_free(doc);

    doc = parse_ok("a,,b\n");
    assert_int_equal(csv_find_column(doc, "  "), 1); /* an empty header is findable */
    csv_doc_free(doc);
}

/* A CRM-export-sized input: 100,000 rows with quoted multi-line fields, and one
 * big field, so per-field quadratic work would show as a slow test. */
static void test_large(void **state)
{
    (void)state;
    struct sb sb = SB_INIT;
    sb_adds(&sb, "id,name,note\r\n");
    for (int i = 0; i < 100000; i++)
        sb_addf(&sb, "%d,Person %d,\"said \"\"hi\"\"\ntwice\"\r\n", i, i);
    size_t big = 1 << 20;
    sb_adds(&sb, "last,\"");
    for (size_t i = 0; i < big / 2; i++)
        sb_add(&sb, "\"\"", 2);
    sb_adds(&sb, "\",x");

    struct csv_doc *doc = parse_ok_lim(sb.buf, sb.len, NULL);
    assert_int_equal(doc->nrows, 100002);
    assert_row(doc, 100000, 200000, 3, "99999", "Person 99999", "said \"hi\"\ntwice");
    assert_int_equal(doc->rows[100001].line, 200002);
    assert_int_equal(strlen(doc->rows[100001].fields[1]), big / 2);
    csv_doc_free(doc);
    sb_release(&sb);
}

/* ---- csv_each: the same records and errors as csv_parse, one record at a time ---------- */

struct each_log {
    struct sb sb;   /* "line:field|field|...\n" per record */
    size_t stop_at; /* stop (returning 7) at this record, 0 never */
    size_t n;
    int decline; /* csv_each_plain: 0 takes plain records, 1 hands every one on, 2 every other */
    const char *end; /* the input's end, as csv_plain.end must say */
};

static void log_row(struct sb *sb, const struct csv_row *row)
{
    sb_addf(sb, "%zu:", row->line);
    for (size_t i = 0; i < row->nfields; i++)
        sb_addf(sb, "%s%s", i ? "|" : "", row->fields[i]);
    sb_adds(sb, "\n");
}

static int each_cb(void *ctx, struct csv_row *row)
{
    struct each_log *l = ctx;
    log_row(&l->sb, row);
    return ++l->n == l->stop_at ? 7 : 0;
}

/* A plain record logged as each_cb logs a row, read from where it lies. */
static int plain_cb(void *ctx, const struct csv_plain *rec)
{
    struct each_log *l = ctx;
    if (l->decline == 1 || (l->decline == 2 && rec->line % 2)) return CSV_AS_ROW;
    assert_ptr_equal(rec->end, l->end);
    assert_true(rec->text + rec->ends[rec->nfields - 1] <= rec->end);
    sb_addf(&l->sb, "%zu:", rec->line);
    for (size_t f = 0, from = 0; f < rec->nfields; from = rec->ends[f++] + 1) {
        assert_null(memchr(rec->text + from, '"', rec->ends[f] - from));
        sb_addf(&l->sb, "%s%.*s", f ? "|" : "", (int)(rec->ends[f] - from), rec->text + from);
    }
    sb_adds(&l->sb, "\n");
    return ++l->n == l->stop_at ? 7 : 0;
}

/* csv_each on s gives what csv_parse gives: records, or the same error; so does
 * csv_each_plain, whether it takes plain records, hands them all on or every other one. */
static void same_as_parse(const char *s, size_t len, const struct csv_limits *lim)
{
    struct csv_doc *doc = NULL;
    struct err e1 = {0};
    int rc1 = csv_parse(s, len, lim, &doc, &e1);
    struct sb want = SB_INIT;
    for (size_t r = 0; !rc1 && r < doc->nrows; r++)
        log_row(&want, &doc->rows[r]);
    for (int way = 0; way < 4; way++) {
        struct err e2 = {0};
        struct each_log l = {SB_INIT, 0, 0, way - 1, s + len};
        int rc2 = way == 0 ? csv_each(s, len, lim, each_cb, &l, &e2)
                           : csv_each_plain(s, len, 1, lim, plain_cb, each_cb, &l, &e2);
        assert_int_equal(rc1, rc2);
        if (rc1) {
            assert_string_equal(e1.msg, e2.msg);
            assert_int_equal(e1.line, e2.line);
        } else {
            assert_int_equal(want.len, l.sb.len);
            if (want.len) assert_memory_equal(want.buf, l.sb.buf, want.len);
        }
        sb_release(&l.sb);
    }
    sb_release(&want);
    csv_doc_free(doc);
}

static void test_each(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "a,b\n1,2\n",
        BOM "a,b\r\n\r\n1,\"x,\"\"y\"\"\nz\"\r\n\n3,4",
        "",
        "\n\n",
        "a\n\"open\n",
        "a,b\n1,\"x\"y\n",
        "a\n1\"2\n",
        "a\n1\r2\n",
        "a\n\xC3\x28\n",
        "h\n\xE2\x82\xAC,\xF0\x9F\x98\x80\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
        same_as_parse(inputs[i], strlen(inputs[i]), NULL);
    same_as_parse("a\0b\n", 4, NULL);
    struct csv_limits few = {.max_fields = 2, .max_field_len = 3, .max_rows = 2};
    same_as_parse("a,b\n1,2\n3,4\n", 12, &few);
    same_as_parse("a,b,c\n", 6, &few);
    same_as_parse("abcd\n", 5, &few);

    /* fields far longer than the first scratch block, with "" and newlines in them */
    struct sb big = SB_INIT;
    sb_adds(&big, "id,note\n");
    for (int r = 0; r < 3; r++) {
        sb_addf(&big, "%d,\"", r);
        for (int i = 0; i < 20000; i++)
            sb_adds(&big, i % 100 ? "ab\"\"c" : "\n");
        sb_adds(&big, "\"\n");
    }
    same_as_parse(big.buf, big.len, NULL);

    /* no size or row limit by default: only what was asked */
    struct csv_limits small = {.max_bytes = 4};
    struct err e = {0};
    struct each_log l = {SB_INIT, 0, 0, 0, NULL};
    assert_int_equal(csv_each(big.buf, big.len, &small, each_cb, &l, &e), REINS_ETOOBIG);
    assert_int_equal(l.n, 0);

    /* the callback stops the read, and its code comes back */
    l = (struct each_log){SB_INIT, 2, 0, 0, NULL};
    assert_int_equal(csv_each("a\n1\n2\n3\n", 8, NULL, each_cb, &l, &e), 7);
    assert_int_equal(l.n, 2);
    sb_release(&l.sb);
    static const char four[] = "a\n1\n2\n3\n";
    l = (struct each_log){SB_INIT, 2, 0, 0, four + 8};
    assert_int_equal(csv_each_plain(four, 8, 1, NULL, plain_cb, each_cb, &l, &e), 7);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.sb.buf, "1:a\n2:1\n");
    sb_release(&l.sb);
    sb_release(&big);

    /* columns of a header row */
    struct csv_row hdr = {1, 2, (char *[]){" Id ", "NAME"}};
    assert_int_equal(csv_row_find_column(&hdr, "name"), 1);
    assert_int_equal(csv_row_find_column(&hdr, "id"), 0);
    assert_int_equal(csv_row_find_column(&hdr, "x"), -1);
}

/* Plain records (one line, nothing quoted) take a short path; the same records with every
 * field quoted take the long one. Both must give the fields they were made of, or the same
 * error when a limit is passed. */
static void test_plain_records_as_quoted_ones(void **state)
{
    (void)state;
    uint32_t seed = 5;
    static const char alphabet[] = "ab x;=9";
    const struct csv_limits tight = {.max_fields = 4, .max_field_len = 5};
    for (int round = 0; round < 3000; round++) {
        struct sb plain = SB_INIT, quoted = SB_INIT, want = SB_INIT;
        seed = seed * 1103515245u + 12345u;
        int nrec = 1 + (int)(seed >> 16) % 5, line = 1;
        for (int r = 0; r < nrec; r++) {
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 20) % 7 == 0) { /* a blank line */
                sb_adds(&plain, "\n");
                sb_adds(&quoted, "\n");
                line++;
            }
            /* now and then a record wider than the plain path's 240 commas, or long fields
             * over several of its 16-byte blocks */
            int nf = round % 97 == 0 ? 230 + (int)(seed >> 8) % 30 : 1 + (int)(seed >> 8) % 6;
            int maxlen = round % 5 == 0 ? 40 : 8;
            sb_addf(&want, "%d:", line);
            for (int f = 0; f < nf; f++) {
                seed = seed * 1103515245u + 12345u;
                int len = (int)(seed >> 12) % maxlen;
                if (nf == 1 && len == 0) len = 1; /* a lone empty field is a blank line */
                char field[48];
                for (int i = 0; i < len; i++) {
                    seed = seed * 1103515245u + 12345u;
                    field[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
                }
                field[len] = 0;
                sb_addf(&plain, "%s%s", f ? "," : "", field);
                sb_addf(&quoted, "%s\"%s\"", f ? "," : "", field);
                sb_addf(&want, "%s%s", f ? "|" : "", field);
            }
            sb_adds(&want, "\n");
            seed = seed * 1103515245u + 12345u;
            if (r < nrec - 1 || (seed >> 24) % 2) {
                const char *end = (seed >> 10) % 3 ? "\n" : "\r\n";
                sb_adds(&plain, end);
                sb_adds(&quoted, end);
                line++;
            }
        }
        for (int limited = 0; limited < 2; limited++) {
            const struct csv_limits *lim = limited ? &tight : NULL;
            struct csv_doc *a = NULL, *b = NULL;
            struct err ea = {0}, eb = {0};
            int ra = csv_parse(plain.buf, plain.len, lim, &a, &ea);
            int rb = csv_parse(quoted.buf, quoted.len, lim, &b, &eb);
            assert_int_equal(ra, rb);
            if (ra) {
                assert_string_equal(ea.msg, eb.msg);
                continue;
            }
            struct sb got = SB_INIT;
            for (size_t i = 0; i < a->nrows; i++)
                log_row(&got, &a->rows[i]);
            assert_string_equal(got.buf, want.buf);
            sb_release(&got);
            for (size_t i = 0; i < b->nrows; i++)
                log_row(&got, &b->rows[i]);
            assert_string_equal(got.buf, want.buf);
            sb_release(&got);
            csv_doc_free(a);
            csv_doc_free(b);
            same_as_parse(plain.buf, plain.len, lim); /* and csv_each agrees */
        }
        sb_release(&plain);
        sb_release(&quoted);
        sb_release(&want);
    }
}

/* csv_field_begin/end quote what csv_write_field quotes, the same way. */
static void test_field_begin_end(void **state)
{
    (void)state;
    static const char *const values[] = {
        "",        "plain",
        "a,b",     "say \"hi\"",
        "\"",      "\"\"\"",
        " lead",   "trail\t",
        "x\ny",    "\r",
        BOM "bom", "many \"quotes\" \"in\" \"one\" \"field\" to grow it by more than eight",
    };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        struct sb want = SB_INIT, got = SB_INIT;
        sb_adds(&want, "head,");
        csv_write_field(&want, values[i]);
        sb_adds(&got, "head,");
        size_t at = csv_field_begin(&got);
        sb_adds(&got, values[i]);
        csv_field_end(&got, at);
        assert_int_equal(got.len, want.len);
        assert_string_equal(got.buf, want.buf);
        sb_release(&want);
        sb_release(&got);
    }
}

/* csv_each_from: a piece read from a record boundary counts lines from there. */
static void test_each_from(void **state)
{
    (void)state;
    static const char whole[] = "a,b\n1,2\n\n" BOM "3,4\n5,\"x\n";
    const char *piece = strstr(whole, "\n\n") + 2; /* line 4: the BOM is a field's bytes */
    struct each_log l = {SB_INIT, 0, 0, 0, NULL};
    struct err e = {0};
    assert_int_equal(csv_each_from(piece, strlen(piece), 4, NULL, each_cb, &l, &e), REINS_EINVAL);
    assert_string_equal(l.sb.buf, "4:" BOM "3|4\n");
    assert_string_equal(e.msg, "line 5: unterminated quoted field (opened on line 5)");
    assert_int_equal(e.line, 5);
    sb_release(&l.sb);
}

/* csv_count_lf against a byte loop: every length and alignment near the 16-byte blocks,
 * inputs of nothing but line ends (the most a lane counts before it is summed), and a
 * quote in the first block, the last block and the tail. */
static void test_count_lf(void **state)
{
    (void)state;
    enum { N = 16 * 255 * 3 + 40 };
    char *buf = malloc(N);
    assert_non_null(buf);
    unsigned seed = 7;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (seed >> 16) % 5 == 0 ? '\n' : (char)('a' + (seed >> 20) % 26);
    }
    for (size_t off = 0; off < 17; off++) {
        for (size_t len = 0; off + len <= N; len += len < 80 ? 1 : 997) {
            size_t want = 0;
            for (size_t i = off; i < off + len; i++)
                want += buf[i] == '\n';
            int quoted = -1;
            assert_int_equal(csv_count_lf(buf + off, len, &quoted), want);
            assert_int_equal(quoted, 0);
        }
    }
    memset(buf, '\n', N);
    int quoted = -1;
    assert_int_equal(csv_count_lf(buf, N, &quoted), N);
    assert_int_equal(csv_count_lf(buf + 1, N - 1, &quoted), N - 1);
    static const size_t at[] = {0, 15, 16 * 255, N - 41, N - 1};
    for (size_t k = 0; k < sizeof at / sizeof *at; k++) {
        buf[at[k]] = '"';
        assert_int_equal(csv_count_lf(buf, N, &quoted), N - 1);
        assert_int_equal(quoted, 1);
        assert_int_equal(csv_count_lf(buf + at[k] + 1, N - at[k] - 1, &quoted), N - at[k] - 1);
        assert_int_equal(quoted, 0); /* the quote is before the piece */
        buf[at[k]] = '\n';
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_from),
        cmocka_unit_test(test_field_begin_end),
        cmocka_unit_test(test_plain_records_as_quoted_ones),
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_no_final_newline_and_empty_fields),
        cmocka_unit_test(test_fields_are_not_trimmed),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_blank_lines_counted),
        cmocka_unit_test(test_multiline_record_reports_start_line),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_error_unterminated_quote),
        cmocka_unit_test(test_error_after_closing_quote),
        cmocka_unit_test(test_error_quote_in_bare_field),
        cmocka_unit_test(test_error_bare_cr),
        cmocka_unit_test(test_error_nul),
        cmocka_unit_test(test_limit_fields),
        cmocka_unit_test(test_limit_rows),
        cmocka_unit_test(test_limit_field_len),
        cmocka_unit_test(test_limit_bytes_and_defaults),
        cmocka_unit_test(test_write_field),
        cmocka_unit_test(test_write_row),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_find_column),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_each),
        cmocka_unit_test(test_count_lf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
