/* test_oneonones.c -- one-on-ones: cadence dates, overdue, the iCalendar writer, and the
 * storage of series, meetings and holding them, on both databases. */
#include "testdb.h"
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/principal.h"
#include "core/mem.h"
#include "core/text.h"
#include "oneonones/oneonones.h"
#include "people/people.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static int64_t D(const char *date)
{
    return date_to_days(date);
}

/* The date `days` as text, in a rotating set of buffers so a few fit in one assertion. */
static const char *S(int64_t days)
{
    static char buf[8][11];
    static int i;
    char *out = buf[i++ % 8];
    date_from_days(days, out);
    out[10] = '\0';
    return out;
}

#define assert_date(got, want) assert_string_equal(S(got), (want))

/* ---- cadence ----------------------------------------------------------------------------- */

static void test_cadence_parse_and_name(void **state)
{
    (void)state;
    assert_int_equal(cadence_parse("weekly"), CADENCE_WEEKLY);
    assert_int_equal(cadence_parse("biweekly"), CADENCE_BIWEEKLY);
    assert_int_equal(cadence_parse("monthly"), CADENCE_MONTHLY);
    assert_int_equal(cadence_parse(NULL), CADENCE_NONE);
    assert_int_equal(cadence_parse(""), CADENCE_NONE);
    assert_int_equal(cadence_parse("Weekly"), CADENCE_NONE);
    assert_int_equal(cadence_parse("weekly "), CADENCE_NONE);
    assert_int_equal(cadence_parse("daily"), CADENCE_NONE);
    assert_string_equal(cadence_name(CADENCE_WEEKLY), "weekly");
    assert_string_equal(cadence_name(CADENCE_BIWEEKLY), "biweekly");
    assert_string_equal(cadence_name(CADENCE_MONTHLY), "monthly");
    for (enum cadence c = CADENCE_WEEKLY; c <= CADENCE_MONTHLY; c++)
        assert_int_equal(cadence_parse(cadence_name(c)), c);
}

static void test_cadence_date_weekly_biweekly(void **state)
{
    (void)state;
    int64_t first = D("2025-12-22");
    assert_date(cadence_date(CADENCE_WEEKLY, first, 0), "2025-12-22");
    assert_date(cadence_date(CADENCE_WEEKLY, first, 1), "2025-12-29");
    assert_date(cadence_date(CADENCE_WEEKLY, first, 2), "2026-01-05"); /* over the year */
    assert_date(cadence_date(CADENCE_WEEKLY, first, 52), "2026-12-21");
    assert_date(cadence_date(CADENCE_BIWEEKLY, first, 0), "2025-12-22");
    assert_date(cadence_date(CADENCE_BIWEEKLY, first, 1), "2026-01-05");
    assert_date(cadence_date(CADENCE_BIWEEKLY, first, 5), "2026-03-02");
    /* over a leap day */
    assert_date(cadence_date(CADENCE_WEEKLY, D("2028-02-24"), 1), "2028-03-02");
    assert_date(cadence_date(CADENCE_BIWEEKLY, D("2028-02-20"), 1), "2028-03-05");
}

static void test_cadence_date_monthly_month_ends(void **state)
{
    (void)state;
    /* the 31st: the last day of shorter months, and back to the 31st */
    int64_t jan31 = D("2025-01-31");
    const char *want25[] = {"2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31",
                            "2025-06-30", "2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31",
                            "2025-11-30", "2025-12-31", "2026-01-31", "2026-02-28"};
    for (int k = 0; k < (int)(sizeof want25 / sizeof *want25); k++)
        assert_date(cadence_date(CADENCE_MONTHLY, jan31, k), want25[k]);
    /* a leap year: Feb 29 */
    int64_t jan31_24 = D("2024-01-31");
    assert_date(cadence_date(CADENCE_MONTHLY, jan31_24, 1), "2024-02-29");
    assert_date(cadence_date(CADENCE_MONTHLY, jan31_24, 2), "2024-03-31");
    /* century years: 2100 is not a leap year, 2000 was */
    assert_date(cadence_date(CADENCE_MONTHLY, D("2100-01-30"), 1), "2100-02-28");
    assert_date(cadence_date(CADENCE_MONTHLY, D("2000-01-30"), 1), "2000-02-29");
    /* the 29th and 30th in February */
    assert_date(cadence_date(CADENCE_MONTHLY, D("2025-01-29"), 1), "2025-02-28");
    assert_date(cadence_date(CADENCE_MONTHLY, D("2025-01-29"), 2), "2025-03-29");
    assert_date(cadence_date(CADENCE_MONTHLY, D("2025-01-30"), 2), "2025-03-30");
    /* first date on Feb 29: the 29th where there is one, Feb 28 otherwise */
    int64_t feb29 = D("2024-02-29");
    assert_date(cadence_date(CADENCE_MONTHLY, feb29, 1), "2024-03-29");
    assert_date(cadence_date(CADENCE_MONTHLY, feb29, 12), "2025-02-28");
    assert_date(cadence_date(CADENCE_MONTHLY, feb29, 13), "2025-03-29");
    assert_date(cadence_date(CADENCE_MONTHLY, feb29, 48), "2028-02-29");
    /* over a year end, and many years on */
    assert_date(cadence_date(CADENCE_MONTHLY, D("2025-11-15"), 1), "2025-12-15");
    assert_date(cadence_date(CADENCE_MONTHLY, D("2025-11-15"), 2), "2026-01-15");
    assert_date(cadence_date(CADENCE_MONTHLY, D("2025-12-31"), 2), "2026-02-28");
    assert_date(cadence_date(CADENCE_MONTHLY, D("2025-12-31"), 14), "2027-02-28");
    assert_date(cadence_date(CADENCE_MONTHLY, D("2025-03-10"), 120), "2035-03-10");
    /* an ordinary day stays put */
    for (int k = 0; k < 30; k++)
        assert_int_equal(atoi(S(cadence_date(CADENCE_MONTHLY, D("2026-05-07"), k)) + 8), 7);
}

static void test_cadence_next(void **state)
{
    (void)state;
    int64_t first = D("2026-03-02"); /* a Monday */
    /* before the first date: the first date */
    assert_date(cadence_next(CADENCE_WEEKLY, first, D("2025-01-01")), "2026-03-02");
    assert_date(cadence_next(CADENCE_WEEKLY, first, first - 1), "2026-03-02");
    assert_date(cadence_next(CADENCE_MONTHLY, first, D("2020-06-30")), "2026-03-02");
    /* exactly on a meeting date: that date */
    assert_date(cadence_next(CADENCE_WEEKLY, first, first), "2026-03-02");
    assert_date(cadence_next(CADENCE_WEEKLY, first, D("2026-03-16")), "2026-03-16");
    assert_date(cadence_next(CADENCE_BIWEEKLY, first, D("2026-03-16")), "2026-03-16");
    assert_date(cadence_next(CADENCE_MONTHLY, first, D("2026-05-02")), "2026-05-02");
    /* a day after a meeting: the next one */
    assert_date(cadence_next(CADENCE_WEEKLY, first, first + 1), "2026-03-09");
    assert_date(cadence_next(CADENCE_WEEKLY, first, D("2026-03-08")), "2026-03-09");
    assert_date(cadence_next(CADENCE_BIWEEKLY, first, D("2026-03-03")), "2026-03-16");
    assert_date(cadence_next(CADENCE_BIWEEKLY, first, D("2026-03-09")), "2026-03-16");
    assert_date(cadence_next(CADENCE_BIWEEKLY, first, D("2026-03-17")), "2026-03-30");
    assert_date(cadence_next(CADENCE_MONTHLY, first, D("2026-03-03")), "2026-04-02");
    assert_date(cadence_next(CADENCE_MONTHLY, first, D("2026-04-03")), "2026-05-02");
    /* monthly from the 31st */
    int64_t jan31 = D("2027-01-31");
    assert_date(cadence_next(CADENCE_MONTHLY, jan31, D("2027-02-01")), "2027-02-28");
    assert_date(cadence_next(CADENCE_MONTHLY, jan31, D("2027-02-28")), "2027-02-28");
    assert_date(cadence_next(CADENCE_MONTHLY, jan31, D("2027-03-01")), "2027-03-31");
    assert_date(cadence_next(CADENCE_MONTHLY, jan31, D("2027-04-01")), "2027-04-30");
    assert_date(cadence_next(CADENCE_MONTHLY, D("2028-01-31"), D("2028-02-15")), "2028-02-29");
    assert_date(cadence_next(CADENCE_MONTHLY, D("2028-01-31"), D("2028-03-01")), "2028-03-31");
    /* years later */
    assert_date(cadence_next(CADENCE_MONTHLY, jan31, D("2031-06-01")), "2031-06-30");
    assert_date(cadence_next(CADENCE_WEEKLY, first, D("2036-03-02")), "2036-03-03");
}

/* Against brute force: cadence_next is the least cadence date >= from (and >= first). */
static void test_cadence_next_matches_brute_force(void **state)
{
    (void)state;
    srand(4242);
    for (int round = 0; round < 4000; round++) {
        enum cadence c = (enum cadence)(1 + rand() % 3);
        int64_t first = D("2023-01-01") + rand() % 2000;
        int64_t from = first - 60 + rand() % 1200;
        int64_t want = -1;
        for (int k = 0; k < 2000; k++) {
            int64_t d = cadence_date(c, first, k);
            if (k > 0) assert_true(d > cadence_date(c, first, k - 1)); /* strictly increasing */
            if (d >= from) {
                want = d;
                break;
            }
        }
        int64_t got = cadence_next(c, first, from);
        if (got != want)
            fail_msg("%s from %s, first %s: got %s, want %s", cadence_name(c), S(from), S(first),
                     S(got), S(want));
    }
}

/* ---- overdue ----------------------------------------------------------------------------- */

static void test_overdue(void **state)
{
    (void)state;
    int64_t today = D("2026-06-30");
    /* nothing held: counted from the first date, and only once more than N days ago */
    assert_false(oneonone_overdue(today, today, 0, 30));
    assert_false(oneonone_overdue(today, today + 10, 0, 30)); /* first date ahead */
    assert_false(oneonone_overdue(today, today - 29, 0, 30));
    assert_false(oneonone_overdue(today, today - 30, 0, 30)); /* exactly N days: not yet */
    assert_true(oneonone_overdue(today, today - 31, 0, 30));
    assert_true(oneonone_overdue(today, today - 60, 0, 30));
    /* something held: counted from the last one, whatever the first date */
    assert_false(oneonone_overdue(today, today - 400, today - 1, 30));
    assert_false(oneonone_overdue(today, today - 400, today - 30, 30));
    assert_true(oneonone_overdue(today, today - 400, today - 31, 30));
    assert_false(oneonone_overdue(today, today - 400, today, 30));
    /* a held date in the future (held early) is not overdue */
    assert_false(oneonone_overdue(today, today - 400, today + 7, 30));
    /* other thresholds */
    assert_false(oneonone_overdue(today, today - 7, 0, 7));
    assert_true(oneonone_overdue(today, today - 8, 0, 7));
    assert_true(oneonone_overdue(today, today - 2, today - 2, 1));
    assert_false(oneonone_overdue(today, today - 1, today - 1, 1));
    assert_false(oneonone_overdue(today, today - 3000, today - 3000, 3650));
}

/* ---- time of day ------------------------------------------------------------------------- */

static void test_time_of_day_check(void **state)
{
    (void)state;
    const char *good[] = {"00:00", "09:00", "09:30", "12:59", "19:05", "20:00", "23:59"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        struct err e = {0};
        if (time_of_day_check(good[i], "start_time", &e) != 0)
            fail_msg("'%s' refused: %s", good[i], e.msg);
    }
    const char *bad[] = {"24:00", "23:60", "25:00",    "29:59", "30:00", "9:00",   "09:0",
                         "0900",  "09-00", "09:00:00", "",      " 9:00", "09:00 ", "ab:cd",
                         "-1:00", "09:5a", "1a:00",    "09:99", "99:99", "noon"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct err e = {0};
        if (time_of_day_check(bad[i], "start_time", &e) != REINS_EINVAL)
            fail_msg("'%s' accepted", bad[i]);
        assert_non_null(e.field);
        assert_string_equal(e.field, "start_time");
        assert_non_null(strstr(e.msg, "start_time"));
    }
    struct err e = {0};
    assert_int_equal(time_of_day_check(NULL, "start_time", &e), REINS_EINVAL);
    assert_string_equal(e.field, "start_time");
}

/* ---- iCalendar --------------------------------------------------------------------------- */

/* The lines of `text`, each without its CRLF; fails on a bare CR or LF. The caller frees. */
static char **ics_lines(const char *text, size_t *n)
{
    size_t cap = 16;
    char **v = malloc(cap * sizeof *v);
    *n = 0;
    const char *p = text;
    while (*p) {
        const char *end = strstr(p, "\r\n");
        if (!end) fail_msg("the feed does not end with CRLF: '%s'", p);
        for (const char *q = p; q < end; q++)
            if (*q == '\r' || *q == '\n') fail_msg("a bare CR or LF in '%.*s'", (int)(end - p), p);
        if (*n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        v[*n] = strndup(p, (size_t)(end - p));
        (*n)++;
        p = end + 2;
    }
    return v;
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Is this byte the start of a UTF-8 character (not a continuation byte)? */
static int utf8_start(unsigned char c)
{
    return (c & 0xc0) != 0x80;
}

/* Check the folding rules on `text` and return it unfolded (content lines; caller frees). */
static char **ics_unfold(const char *text, size_t *n)
{
    size_t nraw;
    char **raw = ics_lines(text, &nraw);
    char **out = calloc(nraw + 1, sizeof *out);
    *n = 0;
    for (size_t i = 0; i < nraw; i++) {
        size_t len = strlen(raw[i]);
        if (len > 75) fail_msg("line of %zu octets: '%s'", len, raw[i]);
        if (raw[i][0] == ' ') {
            assert_true(*n > 0);
            /* a continuation never starts inside a UTF-8 sequence */
            if (len > 1 && !utf8_start((unsigned char)raw[i][1]))
                fail_msg("a fold splits a UTF-8 sequence: ' %s'", raw[i] + 1);
            /* and the line before it ends with a complete character */
            char *prev = out[*n - 1];
            size_t pl = strlen(prev);
            out[*n - 1] = malloc(pl + len);
            memcpy(out[*n - 1], prev, pl);
            memcpy(out[*n - 1] + pl, raw[i] + 1, len);
            free(prev);
        } else {
            out[(*n)++] = strdup(raw[i]);
        }
    }
    /* a folded line was folded only because it had to be: 75 octets before each fold */
    for (size_t i = 0; i + 1 < nraw; i++)
        if (raw[i + 1][0] == ' ') {
            size_t len = strlen(raw[i]);
            unsigned char next = (unsigned char)raw[i + 1][1];
            size_t need = next >= 0xf0 ? 4 : next >= 0xe0 ? 3 : next >= 0xc0 ? 2 : 1;
            if (len + need <= 75)
                fail_msg("folded early after %zu octets: '%s' / '%s'", len, raw[i], raw[i + 1]);
        }
    free_lines(raw, nraw);
    return out;
}

static char *ics_render(const struct ics_event *ev, size_t n, const char *name)
{
    struct sb out = SB_INIT;
    ics_write(&out, name, ev, n, (int64_t)1767225600 + 3723); /* 2026-01-01 01:02:03 UTC */
    assert_int_equal(strlen(out.buf), out.len);
    return sb_detach(&out);
}

/* The value of the first content line named `name` after line `from`, or NULL. */
static const char *ics_value(char **lines, size_t n, size_t from, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = from; i < n; i++)
        if (!strncmp(lines[i], name, nl) && lines[i][nl] == ':') return lines[i] + nl + 1;
    return NULL;
}

static void test_ics_structure(void **state)
{
    (void)state;
    struct ics_event ev[2] = {
        {"oneonone-1-2026-01-05@reins", "2026-01-05", "09:00", 30, "One-on-one: A / B", NULL},
        {"oneonone-2-2026-02-28@reins", "2026-02-28", "16:45", 45, "One-on-one: C / D",
         "Agenda first"},
    };
    char *text = ics_render(ev, 2, "reins one-on-ones");
    size_t n;
    char **l = ics_unfold(text, &n);
    assert_string_equal(l[0], "BEGIN:VCALENDAR");
    assert_string_equal(l[n - 1], "END:VCALENDAR");
    assert_string_equal(ics_value(l, n, 0, "VERSION"), "2.0");
    assert_non_null(ics_value(l, n, 0, "PRODID"));
    assert_string_equal(ics_value(l, n, 0, "X-WR-CALNAME"), "reins one-on-ones");
    int begins = 0, ends = 0;
    size_t at[2] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(l[i], "BEGIN:VEVENT")) at[begins++ % 2] = i;
        if (!strcmp(l[i], "END:VEVENT")) ends++;
    }
    assert_int_equal(begins, 2);
    assert_int_equal(ends, 2);
    /* floating local time: no Z and no TZID */
    assert_string_equal(ics_value(l, n, at[0], "DTSTART"), "20260105T090000");
    assert_string_equal(ics_value(l, n, at[1], "DTSTART"), "20260228T164500");
    assert_string_equal(ics_value(l, n, at[0], "DURATION"), "PT30M");
    assert_string_equal(ics_value(l, n, at[1], "DURATION"), "PT45M");
    assert_string_equal(ics_value(l, n, at[0], "DTSTAMP"), "20260101T010203Z");
    assert_string_equal(ics_value(l, n, at[0], "UID"), "oneonone-1-2026-01-05@reins");
    assert_string_equal(ics_value(l, n, at[1], "UID"), "oneonone-2-2026-02-28@reins");
    assert_string_equal(ics_value(l, n, at[0], "SUMMARY"), "One-on-one: A / B");
    /* no DESCRIPTION in the first event; one in the second */
    const char *desc = ics_value(l, n, at[0], "DESCRIPTION");
    assert_non_null(desc);
    assert_string_equal(desc, "Agenda first");
    for (size_t i = at[0]; i < at[1]; i++)
        assert_null(strstr(l[i], "DESCRIPTION"));
    free_lines(l, n);
    free(text);

    /* no events: still a calendar */
    text = ics_render(NULL, 0, "empty");
    l = ics_unfold(text, &n);
    assert_string_equal(l[0], "BEGIN:VCALENDAR");
    assert_string_equal(l[n - 1], "END:VCALENDAR");
    assert_null(strstr(text, "VEVENT"));
    free_lines(l, n);
    free(text);
}

static void test_ics_escaping(void **state)
{
    (void)state;
    struct ics_event ev = {
        "u1@reins", "2026-01-05",           "09:00",
        30,         "Smith, Jo; \\ review", "line one\nline two\r\nthree, four;"};
    char *text = ics_render(&ev, 1, "Team; North, \\ cal");
    size_t n;
    char **l = ics_unfold(text, &n);
    assert_string_equal(ics_value(l, n, 0, "SUMMARY"), "Smith\\, Jo\\; \\\\ review");
    assert_string_equal(ics_value(l, n, 0, "DESCRIPTION"),
                        "line one\\nline two\\nthree\\, four\\;");
    assert_string_equal(ics_value(l, n, 0, "X-WR-CALNAME"), "Team\\; North\\, \\\\ cal");
    free_lines(l, n);
    free(text);
}

/* A summary of `len` octets made of `unit` repeated (after a prefix), through folding and back. */
static void check_fold_round_trip(const char *prefix, const char *unit, size_t repeat)
{
    struct sb summary = SB_INIT;
    sb_adds(&summary, prefix);
    for (size_t i = 0; i < repeat; i++)
        sb_adds(&summary, unit);
    struct ics_event ev = {"u@reins", "2026-01-05", "09:00", 30, summary.buf, NULL};
    char *text = ics_render(&ev, 1, "cal");
    size_t n;
    char **l = ics_unfold(text, &n);
    const char *got = ics_value(l, n, 0, "SUMMARY");
    assert_non_null(got);
    if (strcmp(got, summary.buf))
        fail_msg("prefix '%s' x%zu '%s': unfolded '%s'", prefix, repeat, unit, got);
    free_lines(l, n);
    free(text);
    sb_release(&summary);
}

static void test_ics_folding(void **state)
{
    (void)state;
    /* "SUMMARY:" is 8 octets: 67 more make exactly 75 (no fold), 68 make 76 (one fold) */
    struct sb s = SB_INIT;
    for (int i = 0; i < 67; i++)
        sb_adds(&s, "x");
    struct ics_event ev = {"u@reins", "2026-01-05", "09:00", 30, s.buf, NULL};
    char *text = ics_render(&ev, 1, "cal");
    size_t nraw;
    char **raw = ics_lines(text, &nraw);
    int found = 0;
    for (size_t i = 0; i < nraw; i++)
        if (!strncmp(raw[i], "SUMMARY:", 8)) {
            assert_int_equal(strlen(raw[i]), 75);
            assert_true(i + 1 < nraw && raw[i + 1][0] != ' ');
            found = 1;
        }
    assert_true(found);
    free_lines(raw, nraw);
    free(text);
    sb_adds(&s, "y");
    ev.summary = s.buf;
    text = ics_render(&ev, 1, "cal");
    raw = ics_lines(text, &nraw);
    found = 0;
    for (size_t i = 0; i < nraw; i++)
        if (!strncmp(raw[i], "SUMMARY:", 8)) {
            assert_int_equal(strlen(raw[i]), 75);
            assert_string_equal(raw[i + 1], " y");
            found = 1;
        }
    assert_true(found);
    free_lines(raw, nraw);
    free(text);
    sb_release(&s);

    /* long ASCII: several folds, each line at most 75 octets, unfolds to the original */
    check_fold_round_trip("", "abcdefghij", 40);
    /* multi-byte characters at every offset against the fold: 2, 3 and 4 octet sequences */
    const char *units[] = {"é", "€", "😀", "a😀", "ab€", "Ωé€😀"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++)
        for (int pad = 0; pad < 5; pad++) {
            char prefix[8] = "";
            for (int i = 0; i < pad; i++)
                prefix[i] = 'p';
            prefix[pad] = '\0';
            check_fold_round_trip(prefix, units[u], 70);
        }
    /* escapes next to the fold (a backslash pair may straddle it: the text still round-trips
     * once unfolded and unescaped by the reader, and each line stays within 75 octets) */
    struct ics_event esc = {
        "u@reins",
        "2026-01-05",
        "09:00",
        30,
        ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        NULL};
    text = ics_render(&esc, 1, "cal");
    size_t n;
    char **l = ics_unfold(text, &n);
    const char *got = ics_value(l, n, 0, "SUMMARY");
    assert_int_equal(strlen(got), 2 * strlen(esc.summary));
    free_lines(l, n);
    free(text);
}

/* ---- storage: a small org ---------------------------------------------------------------- */

struct org {
    int64_t vp, m1, m2, s1a, s1b, s2a, gone;
};

static int64_t add_person(struct store *db, const char *name, const char *email, int64_t manager,
                          const char *status)
{
    return fixture_person(db, name, email, manager, 0, NULL, status);
}

/* VP -> m1, m2; m1 -> s1a, s1b, gone (left); m2 -> s2a. */
static struct org seed(struct store *db)
{
    struct org o;
    o.vp = add_person(db, "Vera Vance", "vp@t.io", 0, NULL);
    o.m1 = add_person(db, "Maya North", "m1@t.io", o.vp, NULL);
    o.m2 = add_person(db, "Milo South", "m2@t.io", o.vp, NULL);
    o.s1a = add_person(db, "Ana Lima", "s1a@t.io", o.m1, NULL);
    o.s1b = add_person(db, "Ben Costa", "s1b@t.io", o.m1, NULL);
    o.s2a = add_person(db, "Cara Diaz", "s2a@t.io", o.m2, NULL);
    o.gone = add_person(db, "Gus Gone", "gone@t.io", o.m1, "left");
    return o;
}

static int64_t int_query(struct store *db, const char *sql, const struct store_val *params,
                         int nparams)
{
    struct err e = {0};
    int64_t n = -1;
    if (store_int_query(db, sql, params, nparams, &n, &e) < 0) fail_msg("%s: %s", sql, e.msg);
    return n;
}

static const char SQL_COUNT_SERIES[] = "SELECT COUNT(*) FROM oneonone_series";
static const char SQL_COUNT_MEETINGS[] =
    "SELECT COUNT(*) FROM oneonone_meetings WHERE series_id = $1";
static const char SQL_COUNT_AGENDA[] = "SELECT COUNT(*) FROM oneonone_agenda_items";
static const char SQL_AGENDA_ADD[] =
    "INSERT INTO oneonone_agenda_items (meeting_id, author_id, text, covered, created_at)"
    " VALUES ($1, $2, $3, $4, 1) RETURNING id";
static const char SQL_AGENDA_OF[] =
    "SELECT id, author_id, text, covered, COALESCE(carried_from, 0) FROM oneonone_agenda_items"
    " WHERE meeting_id = $1 ORDER BY id";
static const char SQL_MEETING_ROW[] =
    "SELECT series_id, date, status, COALESCE(held_at, 0) FROM oneonone_meetings WHERE id = $1";

static int64_t series_new(struct store *db, int64_t manager, int64_t report, enum cadence c,
                          const char *first)
{
    struct err e = {0};
    int64_t id = 0;
    if (oneonone_series_create(db, manager, report, c, first, "09:00", 30, &id, &e) < 0)
        fail_msg("create series %lld/%lld: %s", (long long)manager, (long long)report, e.msg);
    assert_true(id > 0);
    return id;
}

static struct oneonone_series series_load(struct store *db, struct arena *a, int64_t as, int64_t id)
{
    struct principal p = fixture_principal(ROLE_MANAGER, as);
    struct oneonone_series s;
    struct err e = {0};
    if (oneonone_series_get(db, &p, id, a, &s, &e) < 0)
        fail_msg("series %lld as %lld: %s", (long long)id, (long long)as, e.msg);
    return s;
}

static int64_t agenda_add(struct store *db, int64_t meeting, int64_t author, const char *text,
                          int covered)
{
    return int_query(db, SQL_AGENDA_ADD,
                     PARAMS(SV_INT(meeting), SV_INT(author), SV_TEXT(text), SV_INT(covered)));
}

/* The meeting's date and status, into caller buffers. */
static void meeting_row(struct store *db, int64_t id, int64_t *series, char date[11],
                        char status[16], int64_t *held_at)
{
    struct store_rows *r;
    struct err e = {0};
    if (store_query(db, SQL_MEETING_ROW, PARAMS(SV_INT(id)), &r, &e) < 0) fail_msg("%s", e.msg);
    if (store_next(r, &e) <= 0) fail_msg("no meeting %lld", (long long)id);
    if (series) *series = store_int(r, 0);
    snprintf(date, 11, "%s", store_text(r, 1));
    snprintf(status, 16, "%s", store_text(r, 2));
    if (held_at) *held_at = store_int(r, 3);
    store_rows_free(r);
}

struct agenda_row {
    int64_t id, author;
    char text[64];
    int covered;
    int64_t carried_from;
};

static size_t agenda_of(struct store *db, int64_t meeting, struct agenda_row *out, size_t max)
{
    struct store_rows *r;
    struct err e = {0};
    size_t n = 0;
    if (store_query(db, SQL_AGENDA_OF, PARAMS(SV_INT(meeting)), &r, &e) < 0) fail_msg("%s", e.msg);
    while (store_next(r, &e) > 0) {
        assert_true(n < max);
        out[n].id = store_int(r, 0);
        out[n].author = store_int(r, 1);
        snprintf(out[n].text, sizeof out[n].text, "%s", store_text(r, 2));
        out[n].covered = (int)store_int(r, 3);
        out[n].carried_from = store_int(r, 4);
        n++;
    }
    store_rows_free(r);
    return n;
}

static int64_t today(void)
{
    return (int64_t)(time(NULL) / 86400);
}

/* ---- storage: creating series ------------------------------------------------------------ */

static void test_series_create_and_get(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = seed(db);
    struct err e = {0};
    int64_t id = 0;
    assert_int_equal(oneonone_series_create(db, o.m1, o.s1a, CADENCE_BIWEEKLY, "2026-02-03",
                                            "14:30", 45, &id, &e),
                     0);
    struct arena a = ARENA_INIT;
    struct oneonone_series s = series_load(db, &a, o.m1, id);
    assert_int_equal(s.id, id);
    assert_int_equal(s.manager_id, o.m1);
    assert_int_equal(s.report_id, o.s1a);
    assert_string_equal(s.manager_name, "Maya North");
    assert_string_equal(s.report_name, "Ana Lima");
    assert_int_equal(s.cadence, CADENCE_BIWEEKLY);
    assert_string_equal(s.first_date, "2026-02-03");
    assert_string_equal(s.start_time, "14:30");
    assert_int_equal(s.duration_minutes, 45);
    assert_true(s.active);
    /* the report loads the same series */
    struct oneonone_series r = series_load(db, &a, o.s1a, id);
    assert_int_equal(r.id, id);
    assert_int_equal(r.manager_id, o.m1);
    /* a skip-level series: the VP with a seller two levels down */
    int64_t skip = series_new(db, o.vp, o.s1a, CADENCE_MONTHLY, "2026-01-31");
    assert_true(skip != id);
    assert_int_equal(series_load(db, &a, o.vp, skip).report_id, o.s1a);
    /* the bounds of duration are allowed */
    series_new(db, o.m1, o.s1b, CADENCE_WEEKLY, "2026-01-01");
    assert_int_equal(
        oneonone_series_create(db, o.m2, o.s2a, CADENCE_WEEKLY, "2026-01-01", "23:59", 5, &id, &e),
        0);
    assert_int_equal(
        oneonone_series_create(db, o.vp, o.m2, CADENCE_WEEKLY, "2026-01-01", "00:00", 240, &id, &e),
        0);
    assert_int_equal(int_query(db, SQL_COUNT_SERIES, NO_PARAMS), 5);
    arena_release(&a);
    testdb_close(db);
}

/* The refusal must be `code` naming `field`, and nothing may be written. */
static void expect_refused(struct store *db, int rc, const struct err *e, int code,
                           const char *field, int64_t series_before)
{
    if (rc != code) fail_msg("got %d (%s), want %d", rc, e->msg, code);
    if (field) {
        if (!e->field) fail_msg("no field in '%s', want %s", e->msg, field);
        assert_string_equal(e->field, field);
        assert_non_null(strstr(e->msg, field));
    }
    assert_int_equal(int_query(db, SQL_COUNT_SERIES, NO_PARAMS), series_before);
}

static void test_series_create_refusals(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = seed(db);
    int64_t id = 0;
    struct err e;
#define TRY(m, r, c, first, time, dur, code, field)                                                \
    do {                                                                                           \
        memset(&e, 0, sizeof e);                                                                   \
        id = 0;                                                                                    \
        int rc_ = oneonone_series_create(db, (m), (r), (c), (first), (time), (dur), &id, &e);      \
        expect_refused(db, rc_, &e, (code), (field), 0);                                           \
        assert_int_equal(id, 0);                                                                   \
    } while (0)
    /* the manager is not above the report */
    TRY(o.m2, o.s1a, CADENCE_WEEKLY, "2026-01-05", "09:00", 30, REINS_EINVAL, "report_id");
    TRY(o.s1a, o.m1, CADENCE_WEEKLY, "2026-01-05", "09:00", 30, REINS_EINVAL, "report_id");
    TRY(o.s1a, o.s1b, CADENCE_WEEKLY, "2026-01-05", "09:00", 30, REINS_EINVAL, "report_id");
    TRY(o.m1, o.vp, CADENCE_WEEKLY, "2026-01-05", "09:00", 30, REINS_EINVAL, "report_id");
    TRY(o.m1, o.m2, CADENCE_WEEKLY, "2026-01-05", "09:00", 30, REINS_EINVAL, "report_id");
    /* oneself */
    TRY(o.m1, o.m1, CADENCE_WEEKLY, "2026-01-05", "09:00", 30, REINS_EINVAL, "report_id");
    /* someone who left, someone who does not exist, a manager who does not exist */
    TRY(o.m1, o.gone, CADENCE_WEEKLY, "2026-01-05", "09:00", 30, REINS_EINVAL, "report_id");
    TRY(o.m1, 999999, CADENCE_WEEKLY, "2026-01-05", "09:00", 30, REINS_EINVAL, "report_id");
    TRY(999999, o.s1a, CADENCE_WEEKLY, "2026-01-05", "09:00", 30, REINS_EINVAL, "report_id");
    /* a bad cadence */
    TRY(o.m1, o.s1a, CADENCE_NONE, "2026-01-05", "09:00", 30, REINS_EINVAL, "cadence");
    TRY(o.m1, o.s1a, (enum cadence)cadence_parse("daily"), "2026-01-05", "09:00", 30, REINS_EINVAL,
        "cadence");
    /* a bad first date */
    const char *bad_dates[] = {"2026-02-30", "2025-02-29", "2026-13-01", "26-01-05",
                               "2026-1-5",   "",           "tomorrow"};
    for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++)
        TRY(o.m1, o.s1a, CADENCE_WEEKLY, bad_dates[i], "09:00", 30, REINS_EINVAL, "first_date");
    TRY(o.m1, o.s1a, CADENCE_WEEKLY, NULL, "09:00", 30, REINS_EINVAL, "first_date");
    /* a bad time */
    TRY(o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05", "24:00", 30, REINS_EINVAL, "start_time");
    TRY(o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05", "9:00", 30, REINS_EINVAL, "start_time");
    TRY(o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05", NULL, 30, REINS_EINVAL, "start_time");
    /* a bad duration */
    TRY(o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05", "09:00", 4, REINS_EINVAL, "duration_minutes");
    TRY(o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05", "09:00", 241, REINS_EINVAL, "duration_minutes");
    TRY(o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05", "09:00", 0, REINS_EINVAL, "duration_minutes");
    TRY(o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05", "09:00", -30, REINS_EINVAL, "duration_minutes");
#undef TRY
    /* and the same pair is accepted with good values: the refusals came from the values */
    series_new(db, o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05");
    testdb_close(db);
}

static void test_series_same_pair_twice(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = seed(db);
    int64_t first = series_new(db, o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05");
    struct err e = {0};
    int64_t id = 0;
    int rc = oneonone_series_create(db, o.m1, o.s1a, CADENCE_MONTHLY, "2026-03-01", "10:00", 60,
                                    &id, &e);
    expect_refused(db, rc, &e, REINS_ECONFLICT, "report_id", 1);
    /* the store is usable afterwards (the failed transaction was rolled back) */
    int64_t other = series_new(db, o.m1, o.s1b, CADENCE_WEEKLY, "2026-01-05");
    assert_true(other != first);
    /* the first series is unchanged */
    struct arena a = ARENA_INIT;
    struct oneonone_series s = series_load(db, &a, o.m1, first);
    assert_int_equal(s.cadence, CADENCE_WEEKLY);
    assert_string_equal(s.first_date, "2026-01-05");
    arena_release(&a);
    testdb_close(db);
}

/* ---- storage: who may load a series ------------------------------------------------------- */

static void test_participants_only(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = seed(db);
    int64_t id = series_new(db, o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05");
    struct arena a = ARENA_INIT;
    struct oneonone_series s = series_load(db, &a, o.m1, id);
    struct err e = {0};
    int64_t meeting = 0;
    assert_int_equal(oneonone_next_meeting(db, &s, D("2026-01-01"), &meeting, &e), 0);

    struct principal ok[] = {fixture_principal(ROLE_MANAGER, o.m1),
                             fixture_principal(ROLE_SELLER, o.s1a),
                             /* the role does not matter, the person does */
                             fixture_principal(ROLE_ADMIN, o.m1)};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        struct oneonone_series got;
        const char *date = NULL, *status = NULL;
        memset(&e, 0, sizeof e);
        assert_int_equal(oneonone_series_get(db, &ok[i], id, &a, &got, &e), 0);
        assert_int_equal(got.id, id);
        assert_int_equal(oneonone_meeting_series(db, &ok[i], meeting, &a, &got, &date, &status, &e),
                         0);
        assert_int_equal(got.id, id);
        assert_string_equal(date, "2026-01-05");
        assert_string_equal(status, "planned");
    }
    struct principal no[] = {
        fixture_principal(ROLE_SELLER, o.s1b), /* a third person, a peer of the report */
        fixture_principal(ROLE_MANAGER, o.vp), /* the manager's manager */
        fixture_principal(ROLE_MANAGER, o.m2), /* another manager */
        fixture_principal(ROLE_SELLER, o.s2a), /* someone elsewhere */
        fixture_principal(ROLE_ADMIN, 0),      /* an admin without a person */
        fixture_principal(ROLE_ADMIN, o.vp),   /* an admin who is the manager's manager */
        fixture_principal(ROLE_ADMIN, o.s1b),  /* an admin who is someone else */
        fixture_principal(ROLE_NONE, 0),       /* nobody */
    };
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        struct oneonone_series got;
        memset(&got, 0, sizeof got);
        memset(&e, 0, sizeof e);
        int rc = oneonone_series_get(db, &no[i], id, &a, &got, &e);
        if (rc != REINS_ENOTFOUND)
            fail_msg("principal %zu (person %lld) loaded series: %d", i, (long long)no[i].person_id,
                     rc);
        assert_int_equal(got.id, 0);
        memset(&e, 0, sizeof e);
        const char *date = NULL, *status = NULL;
        rc = oneonone_meeting_series(db, &no[i], meeting, &a, &got, &date, &status, &e);
        if (rc != REINS_ENOTFOUND)
            fail_msg("principal %zu (person %lld) loaded meeting: %d", i,
                     (long long)no[i].person_id, rc);
        /* the message is the same as for a meeting that does not exist */
        char msg_other[512];
        snprintf(msg_other, sizeof msg_other, "%s", e.msg);
        memset(&e, 0, sizeof e);
        struct principal m1 = fixture_principal(ROLE_MANAGER, o.m1);
        assert_int_equal(oneonone_meeting_series(db, &m1, 987654, &a, &got, NULL, NULL, &e),
                         REINS_ENOTFOUND);
        char *num = strstr(msg_other, "meeting");
        assert_non_null(num);
    }
    /* a series or meeting that does not exist */
    struct principal m1 = fixture_principal(ROLE_MANAGER, o.m1);
    struct oneonone_series got;
    memset(&e, 0, sizeof e);
    assert_int_equal(oneonone_series_get(db, &m1, id + 1000, &a, &got, &e), REINS_ENOTFOUND);
    arena_release(&a);
    testdb_close(db);
}

/* ---- storage: the next meeting ------------------------------------------------------------- */

static void test_next_meeting_created_once(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = seed(db);
    struct arena a = ARENA_INIT;
    int64_t id = series_new(db, o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05");
    struct oneonone_series s = series_load(db, &a, o.m1, id);
    struct err e = {0};
    int64_t m = 0, again = 0;
    /* before the first date: the first date */
    assert_int_equal(oneonone_next_meeting(db, &s, D("2025-12-01"), &m, &e), 0);
    assert_true(m > 0);
    assert_int_equal(int_query(db, SQL_COUNT_MEETINGS, PARAMS(SV_INT(id))), 1);
    char date[11], status[16];
    int64_t series = 0;
    meeting_row(db, m, &series, date, status, NULL);
    assert_int_equal(series, id);
    assert_string_equal(date, "2026-01-05");
    assert_string_equal(status, "planned");
    /* asked again (even days later): the same unheld meeting, nothing new */
    assert_int_equal(oneonone_next_meeting(db, &s, D("2025-12-01"), &again, &e), 0);
    assert_int_equal(again, m);
    assert_int_equal(oneonone_next_meeting(db, &s, D("2026-01-20"), &again, &e), 0);
    assert_int_equal(again, m);
    assert_int_equal(int_query(db, SQL_COUNT_MEETINGS, PARAMS(SV_INT(id))), 1);

    /* after the first date, nothing prepared: the next date by the cadence, on or after today */
    int64_t id2 = series_new(db, o.m1, o.s1b, CADENCE_BIWEEKLY, "2026-01-05");
    struct oneonone_series s2 = series_load(db, &a, o.m1, id2);
    assert_int_equal(oneonone_next_meeting(db, &s2, D("2026-02-03"), &m, &e), 0);
    meeting_row(db, m, NULL, date, status, NULL);
    assert_string_equal(date, "2026-02-16");
    /* exactly on a meeting date: that date */
    int64_t id3 = series_new(db, o.m2, o.s2a, CADENCE_MONTHLY, "2026-01-31");
    struct oneonone_series s3 = series_load(db, &a, o.m2, id3);
    assert_int_equal(oneonone_next_meeting(db, &s3, D("2026-02-28"), &m, &e), 0);
    meeting_row(db, m, NULL, date, status, NULL);
    assert_string_equal(date, "2026-02-28");
    /* the meetings of one series are not another's */
    assert_int_equal(int_query(db, SQL_COUNT_MEETINGS, PARAMS(SV_INT(id))), 1);
    assert_int_equal(int_query(db, SQL_COUNT_MEETINGS, PARAMS(SV_INT(id2))), 1);
    assert_int_equal(int_query(db, SQL_COUNT_MEETINGS, PARAMS(SV_INT(id3))), 1);
    arena_release(&a);
    testdb_close(db);
}

/* ---- storage: holding a meeting ------------------------------------------------------------ */

static void test_hold_carries_uncovered_points(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = seed(db);
    struct arena a = ARENA_INIT;
    int64_t id = series_new(db, o.m1, o.s1a, CADENCE_WEEKLY, "2026-01-05");
    struct oneonone_series s = series_load(db, &a, o.m1, id);
    struct err e = {0};
    int64_t m = 0, next = 0;
    assert_int_equal(oneonone_next_meeting(db, &s, D("2026-01-01"), &m, &e), 0);
    int64_t p1 = agenda_add(db, m, o.m1, "pipeline review", 1);
    int64_t p2 = agenda_add(db, m, o.s1a, "training budget", 0);
    int64_t p3 = agenda_add(db, m, o.m1, "quota, Q3; \"stretch\"", 0);
    (void)p1;
    assert_int_equal(oneonone_hold(db, &s, m, &next, &e), 0);
    assert_true(next > 0 && next != m);
    char date[11], status[16];
    int64_t held_at = 0, series = 0;
    meeting_row(db, m, NULL, date, status, &held_at);
    assert_string_equal(status, "held");
    assert_string_equal(date, "2026-01-05");
    assert_true(held_at > 0);
    meeting_row(db, next, &series, date, status, NULL);
    assert_int_equal(series, id);
    assert_string_equal(date, "2026-01-12");
    assert_string_equal(status, "planned");
    /* the held meeting keeps its three points */
    struct agenda_row rows[8];
    assert_int_equal(agenda_of(db, m, rows, 8), 3);
    /* the next one has the two not covered, in order, each naming where it came from */
    size_t n = agenda_of(db, next, rows, 8);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].carried_from, p2);
    assert_int_equal(rows[0].author, o.s1a);
    assert_string_equal(rows[0].text, "training budget");
    assert_int_equal(rows[0].covered, 0);
    assert_int_equal(rows[1].carried_from, p3);
    assert_int_equal(rows[1].author, o.m1);
    assert_string_equal(rows[1].text, "quota, Q3; \"stretch\"");
    int64_t carried2 = rows[0].id;

    /* the next meeting to prepare is the one the points went to */
    int64_t prep = 0;
    assert_int_equal(oneonone_next_meeting(db, &s, D("2026-01-06"), &prep, &e), 0);
    assert_int_equal(prep, next);

    /* holding twice is refused and changes nothing */
    int64_t agenda_before = int_query(db, SQL_COUNT_AGENDA, NO_PARAMS);
    int64_t meetings_before = int_query(db, SQL_COUNT_MEETINGS, PARAMS(SV_INT(id)));
    int64_t again = 0;
    memset(&e, 0, sizeof e);
    assert_int_equal(oneonone_hold(db, &s, m, &again, &e), REINS_ECONFLICT);
    assert_int_equal(int_query(db, SQL_COUNT_AGENDA, NO_PARAMS), agenda_before);
    assert_int_equal(int_query(db, SQL_COUNT_MEETINGS, PARAMS(SV_INT(id))), meetings_before);

    /* hold the next one with a point still open: it carries again, from the carried copy */
    memset(&e, 0, sizeof e);
    int64_t third = 0;
    assert_int_equal(oneonone_hold(db, &s, next, &third, &e), 0);
    meeting_row(db, third, NULL, date, status, NULL);
    assert_string_equal(date, "2026-01-19");
    n = agenda_of(db, third, rows, 8);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].carried_from, carried2);
    assert_string_equal(rows[0].text, "training budget");
    arena_release(&a);
    testdb_close(db);
}

static void test_hold_next_skips_held_dates(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = seed(db);
    struct arena a = ARENA_INIT;
    int64_t id = series_new(db, o.m1, o.s1a, CADENCE_MONTHLY, "2026-01-31");
    struct oneonone_series s = series_load(db, &a, o.m1, id);
    struct err e = {0};
    int64_t jan = 0, feb = 0, mar = 0, x = 0;
    char date[11], status[16];
    assert_int_equal(oneonone_next_meeting(db, &s, D("2026-01-01"), &jan, &e), 0);
    assert_int_equal(oneonone_hold(db, &s, jan, &feb, &e), 0);
    meeting_row(db, feb, NULL, date, status, NULL);
    assert_string_equal(date, "2026-02-28");
    assert_int_equal(oneonone_hold(db, &s, feb, &mar, &e), 0);
    meeting_row(db, mar, NULL, date, status, NULL);
    assert_string_equal(date, "2026-03-31");
    /* with nothing open, a hold still makes the next meeting, and no points move */
    assert_int_equal(int_query(db, SQL_COUNT_AGENDA, NO_PARAMS), 0);
    /* the next to prepare is March's, even when asked from a date long before */
    assert_int_equal(oneonone_next_meeting(db, &s, D("2026-01-01"), &x, &e), 0);
    assert_int_equal(x, mar);
    assert_int_equal(int_query(db, SQL_COUNT_MEETINGS, PARAMS(SV_INT(id))), 3);
    /* holding January again: conflict */
    assert_int_equal(oneonone_hold(db, &s, jan, &x, &e), REINS_ECONFLICT);
    /* a meeting that does not exist cannot be held */
    memset(&e, 0, sizeof e);
    int rc = oneonone_hold(db, &s, 987654, &x, &e);
    assert_true(rc < 0);
    assert_int_equal(int_query(db, SQL_COUNT_MEETINGS, PARAMS(SV_INT(id))), 3);
    arena_release(&a);
    testdb_close(db);
}

/* Holding today's meeting of a series started long ago makes the next one after it, not one
 * in the past. */
static void test_hold_from_today(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = seed(db);
    struct arena a = ARENA_INIT;
    char first[11];
    date_from_days(today() - 70, first);
    int64_t id = series_new(db, o.m1, o.s1a, CADENCE_WEEKLY, first);
    struct oneonone_series s = series_load(db, &a, o.m1, id);
    struct err e = {0};
    int64_t m = 0, next = 0;
    assert_int_equal(oneonone_next_meeting(db, &s, today(), &m, &e), 0);
    char date[11], status[16];
    meeting_row(db, m, NULL, date, status, NULL);
    assert_string_equal(date, S(today())); /* 70 days is 10 weeks: today is a meeting date */
    assert_int_equal(oneonone_hold(db, &s, m, &next, &e), 0);
    meeting_row(db, next, NULL, date, status, NULL);
    assert_string_equal(date, S(today() + 7));
    arena_release(&a);
    testdb_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cadence_parse_and_name),
        cmocka_unit_test(test_cadence_date_weekly_biweekly),
        cmocka_unit_test(test_cadence_date_monthly_month_ends),
        cmocka_unit_test(test_cadence_next),
        cmocka_unit_test(test_cadence_next_matches_brute_force),
        cmocka_unit_test(test_overdue),
        cmocka_unit_test(test_time_of_day_check),
        cmocka_unit_test(test_ics_structure),
        cmocka_unit_test(test_ics_escaping),
        cmocka_unit_test(test_ics_folding),
        TESTDB_BOTH(test_series_create_and_get),
        TESTDB_BOTH(test_series_create_refusals),
        TESTDB_BOTH(test_series_same_pair_twice),
        TESTDB_BOTH(test_participants_only),
        TESTDB_BOTH(test_next_meeting_created_once),
        TESTDB_BOTH(test_hold_carries_uncovered_points),
        TESTDB_BOTH(test_hold_next_skips_held_dates),
        TESTDB_BOTH(test_hold_from_today),
    };
    return cmocka_run_group_tests_name("oneonones", tests, NULL, NULL);
}
