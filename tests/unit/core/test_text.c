/* test_text.c -- validators and converters for user text: emails, dates, names, integers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/text.h"

/* email_normalize must refuse `in` with REINS_EINVAL, naming `field`. */
static void email_refused(const char *in)
{
    char out[EMAIL_MAX + 1];
    struct err e = {0};
    int rc = email_normalize(out, in, "manager_email", &e);
    if (rc != REINS_EINVAL)
        fail_msg("email '%s': rc %d, want REINS_EINVAL", in ? in : "(null)", rc);
    assert_int_equal(e.code, REINS_EINVAL);
    assert_non_null(e.field);
    assert_string_equal(e.field, "manager_email");
    assert_non_null(strstr(e.msg, "manager_email"));
}

static void test_email_lower_cases(void **state)
{
    (void)state;
    char out[EMAIL_MAX + 1];
    struct err e = {0};
    assert_int_equal(email_normalize(out, "Alice.Smith+Q3@Example.COM", "email", &e), 0);
    assert_string_equal(out, "alice.smith+q3@example.com");
    assert_int_equal(email_normalize(out, "b@x.io", "email", &e), 0);
    assert_string_equal(out, "b@x.io");
    /* non-ASCII bytes pass through untouched */
    assert_int_equal(email_normalize(out, "J\xc3\xb6RG@Ex.de", "email", &e), 0);
    assert_string_equal(out, "j\xc3\xb6rg@ex.de");
    assert_int_equal(e.code, 0); /* success leaves the error alone */
}

static void test_email_length_limit(void **state)
{
    (void)state;
    char in[EMAIL_MAX + 2], out[EMAIL_MAX + 1];
    struct err e = {0};
    /* exactly EMAIL_MAX characters: "aaa...a@example.com" */
    size_t local = EMAIL_MAX - strlen("@example.com");
    memset(in, 'A', local);
    strcpy(in + local, "@example.com");
    assert_int_equal(strlen(in), EMAIL_MAX);
    assert_int_equal(email_normalize(out, in, "email", &e), 0);
    assert_int_equal(strlen(out), EMAIL_MAX);
    assert_int_equal(out[0], 'a');
    /* one more is too long */
    memset(in, 'a', local + 1);
    strcpy(in + local + 1, "@example.com");
    assert_int_equal(strlen(in), EMAIL_MAX + 1);
    email_refused(in);
}

static void test_email_refusals(void **state)
{
    (void)state;
    email_refused(NULL);
    email_refused("");
    email_refused("alice.example.com");  /* no @ */
    email_refused("a@b@example.com");    /* two @ */
    email_refused("alice@example");      /* no dot in the domain */
    email_refused("@example.com");       /* nothing before @ */
    email_refused("alice@");             /* nothing after @ */
    email_refused("alice@.com");         /* domain starts with a dot */
    email_refused("alice@example.com."); /* ends with a dot */
    email_refused("ali ce@example.com"); /* space */
    email_refused(" alice@example.com");
    email_refused("alice@example.com ");
    email_refused("alice\t@example.com"); /* control characters */
    email_refused("alice@exa\x7fmple.com");
    email_refused("alice@example.com\n");
    email_refused("\"alice\"@example.com");
    email_refused("<alice@example.com>");
    email_refused("a,b@example.com");
    /* what a spreadsheet would run as a formula when it opens an export */
    email_refused("=cmd@example.com");
    email_refused("+cmd@example.com");
    email_refused("-cmd@example.com");
    email_refused("@cmd@example.com");
    /* the error goes nowhere when no struct err is given */
    char out[EMAIL_MAX + 1];
    assert_int_equal(email_normalize(out, "nope", "email", NULL), REINS_EINVAL);
}

static void date_refused(const char *s)
{
    struct err e = {0};
    int rc = date_check(s, "start_date", &e);
    if (rc != REINS_EINVAL) fail_msg("date '%s': rc %d, want REINS_EINVAL", s ? s : "(null)", rc);
    assert_non_null(e.field);
    assert_string_equal(e.field, "start_date");
    assert_non_null(strstr(e.msg, "start_date"));
}

static void date_ok(const char *s)
{
    struct err e = {0};
    if (date_check(s, "start_date", &e) != 0) fail_msg("date '%s' refused: %s", s, e.msg);
}

static void test_date_check(void **state)
{
    (void)state;
    date_ok("2024-02-29"); /* divisible by 4 */
    date_ok("2000-02-29"); /* divisible by 400 */
    date_ok("2026-04-30");
    date_ok("2026-12-31");
    date_ok("2026-01-31");
    date_ok("1900-01-01"); /* range ends */
    date_ok("2999-12-31");
    date_refused("2023-02-29"); /* not a leap year */
    date_refused("1900-02-29"); /* divisible by 100, not 400 */
    date_refused("2100-02-29");
    date_refused("2024-02-30");
    date_refused("2026-04-31"); /* April has 30 days */
    date_refused("2026-06-31");
    date_refused("2026-09-31");
    date_refused("2026-11-31");
    date_refused("2026-01-32");
    date_refused("2026-13-01");
    date_refused("2026-00-10");
    date_refused("2026-01-00");
    date_refused("1899-12-31");
    date_refused("3000-01-01");
    /* shapes */
    date_refused(NULL);
    date_refused("");
    date_refused("2026-1-01");
    date_refused("2026-01-1");
    date_refused("26-01-01");
    date_refused("2026/01/01");
    date_refused("2026.01.01");
    date_refused("20260101");
    date_refused("2026-01-01 ");
    date_refused(" 2026-01-01");
    date_refused("2026-01-01T00:00:00Z");
    date_refused("2026-0a-01");
    date_refused("2026-01-+1");
    date_refused("-026-01-01");
    date_refused("abcd-ef-gh");
    date_refused("2026--1-01");
}

static void test_date_days_anchors(void **state)
{
    (void)state;
    char out[11];
    static const struct {
        const char *date;
        int64_t days;
    } anchors[] = {
        {"1970-01-01", 0},     {"1970-01-02", 1},      {"1969-12-31", -1},
        {"1970-03-01", 59},    {"2000-02-29", 11016},  {"2000-03-01", 11017},
        {"2026-11-27", 20784}, {"1900-01-01", -25567}, {"2999-12-31", 376199},
        {"2024-02-29", 19782}, {"2024-03-01", 19783},  {"2023-12-31", 19722},
    };
    for (size_t i = 0; i < sizeof anchors / sizeof anchors[0]; i++) {
        int64_t d = date_to_days(anchors[i].date);
        if (d != anchors[i].days)
            fail_msg("date_to_days(%s) = %lld, want %lld", anchors[i].date, (long long)d,
                     (long long)anchors[i].days);
        memset(out, 'x', sizeof out);
        date_from_days(anchors[i].days, out);
        assert_string_equal(out, anchors[i].date);
    }
}

/* Every day of the supported range: a valid date, that converts back, in order. */
static void test_date_days_round_trip(void **state)
{
    (void)state;
    int64_t first = date_to_days("1900-01-01"), last = date_to_days("2999-12-31");
    char prev[11] = "", out[11];
    struct err e = {0};
    int leap_days = 0;
    for (int64_t d = first; d <= last; d++) {
        date_from_days(d, out);
        if (date_check(out, "d", &e) != 0) fail_msg("day %lld gave '%s'", (long long)d, out);
        if (date_to_days(out) != d)
            fail_msg("'%s' gave %lld, want %lld", out, (long long)date_to_days(out), (long long)d);
        if (prev[0] && strcmp(prev, out) >= 0) fail_msg("'%s' does not follow '%s'", out, prev);
        if (!strcmp(out + 4, "-02-29")) leap_days++;
        memcpy(prev, out, sizeof prev);
    }
    assert_int_equal(last - first + 1, 401767); /* 1100 years: 365 * 1100 + 267 leap days */
    assert_int_equal(leap_days, 267);
}

static void test_date_today(void **state)
{
    (void)state;
    char out[11];
    struct err e = {0};
    date_today(out);
    assert_int_equal(date_check(out, "today", &e), 0);
    assert_true(strcmp(out, "2025-01-01") > 0);
}

static void text_refused(const char *s, size_t max)
{
    struct err e = {0};
    int rc = text_check(s, max, "name", &e);
    if (rc != REINS_EINVAL) fail_msg("text '%s': rc %d, want REINS_EINVAL", s ? s : "(null)", rc);
    assert_non_null(e.field);
    assert_string_equal(e.field, "name");
    assert_non_null(strstr(e.msg, "name"));
}

static void test_text_check(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(text_check("West", 10, "name", &e), 0);
    assert_int_equal(text_check("  padded  ", 10, "name", &e), 0);
    assert_int_equal(text_check("h\xc3\xa9llo", 10, "name", &e), 0); /* UTF-8 */
    assert_int_equal(text_check("abcde", 5, "name", &e), 0);         /* exactly max */
    text_refused("abcdef", 5);                                       /* max + 1 */
    text_refused(NULL, 10);
    text_refused("", 10);
    text_refused("   ", 10);
    text_refused(" \t ", 10);
    text_refused("a\nb", 10);
    text_refused("a\rb", 10);
    text_refused("tab\tinside", 20);
    text_refused("del\x7f", 10);
    text_refused("\x1b[31mred", 20);
}

/* text_check refuses text starting with = + - @: spreadsheets run it as a
 * formula when they open a CSV export ("=HYPERLINK(...)" as a name). */
static void test_text_check_formula_start(void **state)
{
    (void)state;
    struct err e = {0};
    text_refused("=1+1", 20);
    text_refused("+1 555 0100", 20);
    text_refused("-2 West", 20);
    text_refused("@SUM(A1)", 20);
    text_refused("=HYPERLINK(\"http://x\")", 40);
    /* inside the text they are harmless */
    assert_int_equal(text_check("A=B", 10, "name", &e), 0);
    assert_int_equal(text_check("West-2 @ HQ", 20, "name", &e), 0);
}

static void int_ok(const char *s, int64_t want)
{
    int64_t v = 12345;
    if (parse_int64(s, &v) != 0) fail_msg("parse_int64('%s') refused", s);
    if (v != want)
        fail_msg("parse_int64('%s') = %lld, want %lld", s, (long long)v, (long long)want);
}

static void int_refused(const char *s)
{
    int64_t v = 12345;
    int rc = parse_int64(s, &v);
    if (rc != REINS_EINVAL)
        fail_msg("parse_int64('%s'): rc %d (value %lld), want REINS_EINVAL", s ? s : "(null)", rc,
                 (long long)v);
}

static void test_parse_int64(void **state)
{
    (void)state;
    int_ok("0", 0);
    int_ok("42", 42);
    int_ok("-42", -42);
    int_ok("007", 7);
    int_ok("9223372036854775807", INT64_MAX);
    int_ok("-9223372036854775808", INT64_MIN);
    /* overflow */
    int_refused("9223372036854775808");
    int_refused("-9223372036854775809");
    int_refused("99999999999999999999999");
    /* junk */
    int_refused(NULL);
    int_refused("");
    int_refused("-");
    int_refused(" ");
    int_refused("abc");
    int_refused("12a");
    int_refused("a12");
    int_refused("1.5");
    int_refused("1e3");
    int_refused("0x10");
    int_refused("12 ");
    int_refused("1 2");
    int_refused("--1");
}

/* parse_int64 takes a whole decimal integer only: strtoll alone would skip
 * leading white space (?team_id=%2012 taken as team 12). */
static void test_parse_int64_leading_space(void **state)
{
    (void)state;
    int_refused(" 12");
    int_refused("\t12");
    int_refused("\n12");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email_lower_cases),
        cmocka_unit_test(test_email_length_limit),
        cmocka_unit_test(test_email_refusals),
        cmocka_unit_test(test_date_check),
        cmocka_unit_test(test_date_days_anchors),
        cmocka_unit_test(test_date_days_round_trip),
        cmocka_unit_test(test_date_today),
        cmocka_unit_test(test_text_check),
        cmocka_unit_test(test_text_check_formula_start),
        cmocka_unit_test(test_parse_int64),
        cmocka_unit_test(test_parse_int64_leading_space),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
