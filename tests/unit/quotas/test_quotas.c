/* test_quotas.c -- periods, ramp and attainment by hand-computed cases; quotas, visibility,
 * attainment from the database, the CSV import and the demo, on both databases. */
#include "testdb.h"
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/principal.h"
#include "core/mem.h"
#include "core/text.h"
#include "people/people.h"
#include "quotas/quotas.h"

static int64_t day(const char *d)
{
    return date_to_days(d);
}

static void expect_period(const char *key, int fsm, const char *start, const char *end)
{
    struct period p;
    struct err e = {0};
    if (period_parse(key, fsm, "period", &p, &e) < 0) fail_msg("%s (fsm %d): %s", key, fsm, e.msg);
    assert_string_equal(p.key, key);
    assert_string_equal(p.start, start);
    assert_string_equal(p.end, end);
    assert_int_equal(p.first_day, day(start));
    assert_int_equal(p.last_day, day(end));
}

static void expect_key(enum period_kind kind, const char *date, int fsm, const char *key)
{
    struct period p;
    period_of_day(kind, day(date), fsm, &p);
    if (strcmp(p.key, key)) fail_msg("%s fsm %d: %s, expected %s", date, fsm, p.key, key);
}

/* ---- periods ---------------------------------------------------------------------------- */

static void test_period_parse(void **state)
{
    (void)state;
    expect_period("2026-07", 1, "2026-07-01", "2026-07-31");
    expect_period("2024-02", 1, "2024-02-01", "2024-02-29"); /* leap year */
    expect_period("2100-02", 5, "2100-02-01", "2100-02-28"); /* not a leap year */
    expect_period("2026-07", 9, "2026-07-01", "2026-07-31"); /* months ignore the fiscal start */
    expect_period("2026-Q3", 1, "2026-07-01", "2026-09-30");
    expect_period("FY2026", 1, "2026-01-01", "2026-12-31");
    /* a February start: FY2027 ends in January 2027 */
    expect_period("FY2027", 2, "2026-02-01", "2027-01-31");
    expect_period("2027-Q1", 2, "2026-02-01", "2026-04-30");
    expect_period("2027-Q4", 2, "2026-11-01", "2027-01-31"); /* across the new year */
    /* July start (FY2027 = July 2026 .. June 2027) */
    expect_period("FY2027", 7, "2026-07-01", "2027-06-30");
    expect_period("2027-Q3", 7, "2027-01-01", "2027-03-31");
    /* December start: Q1 is December to February */
    expect_period("FY2027", 12, "2026-12-01", "2027-11-30");
    expect_period("2027-Q1", 12, "2026-12-01", "2027-02-28");
    expect_period("2028-Q1", 12, "2027-12-01", "2028-02-29");

    static const char *const bad[] = {"",         "2026-13", "2026-00",  "2026-Q5",  "2026-Q0",
                                      "FY26",     "2026-7",  "26-07",    "FY2026-",  "2026-q3",
                                      "FY1899",   "3000-01", " 2026-07", "2026-07 ", "FYabcd",
                                      "2026-Q31", "2026/07"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct period p;
        struct err e = {0};
        if (period_parse(bad[i], 1, "period", &p, &e) != REINS_EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
        assert_string_equal(e.field, "period");
    }
    struct err e = {0};
    struct period p;
    assert_int_equal(period_parse(NULL, 1, "period", &p, &e), REINS_EINVAL);
}

static void test_period_of_day(void **state)
{
    (void)state;
    expect_key(PERIOD_MONTH, "2026-12-31", 4, "2026-12");
    expect_key(PERIOD_QUARTER, "2026-09-30", 1, "2026-Q3");
    expect_key(PERIOD_QUARTER, "2026-10-01", 1, "2026-Q4");
    expect_key(PERIOD_QUARTER, "2026-01-31", 2, "2026-Q4"); /* Nov 2025 .. Jan 2026 */
    expect_key(PERIOD_QUARTER, "2026-02-01", 2, "2027-Q1");
    expect_key(PERIOD_YEAR, "2026-06-30", 7, "FY2026");
    expect_key(PERIOD_YEAR, "2026-07-01", 7, "FY2027");
    expect_key(PERIOD_YEAR, "2026-12-01", 12, "FY2027");
    expect_key(PERIOD_YEAR, "2026-11-30", 12, "FY2026");
    expect_key(PERIOD_QUARTER, "2027-02-28", 12, "2027-Q1");
    expect_key(PERIOD_QUARTER, "2027-03-01", 12, "2027-Q2");

    /* for every start month and every day of three years: the period contains the day, its
     * key parses back to the same dates, and shifting walks without gaps */
    static const enum period_kind kinds[] = {PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR};
    for (int fsm = 1; fsm <= 12; fsm++)
        for (int64_t d = day("2025-01-01"); d <= day("2027-12-31"); d++)
            for (int k = 0; k < 3; k++) {
                struct period p, back, next, prev;
                struct err e = {0};
                period_of_day(kinds[k], d, fsm, &p);
                if (d < p.first_day || d > p.last_day)
                    fail_msg("fsm %d day %lld outside %s", fsm, (long long)d, p.key);
                if (period_parse(p.key, fsm, "period", &back, &e) < 0) fail_msg("%s", e.msg);
                assert_int_equal(back.first_day, p.first_day);
                assert_int_equal(back.last_day, p.last_day);
                assert_int_equal(back.kind, kinds[k]);
                period_shift(&p, 1, fsm, &next);
                period_shift(&p, -1, fsm, &prev);
                assert_int_equal(next.first_day, p.last_day + 1);
                assert_int_equal(prev.last_day, p.first_day - 1);
            }
}

/* ---- ramp ------------------------------------------------------------------------------- */

static void test_ramp_text(void **state)
{
    (void)state;
    struct ramp r;
    struct err e = {0};
    char out[RAMP_STEPS_MAX * 6 + 1];
    assert_int_equal(ramp_parse("2500,5000,7500", "ramp", &r, &e), 0);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.bp[2], 7500);
    ramp_format(&r, out, sizeof out);
    assert_string_equal(out, "2500,5000,7500");
    assert_int_equal(ramp_parse("", "ramp", &r, &e), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(ramp_parse("0,10000", "ramp", &r, &e), 0);
    assert_int_equal(r.n, 2);
    static const char *const bad[] = {
        "2500,", ",2500", "abc", "10001", "-1", " 2500", "2500 ,1", "1.5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (ramp_parse(bad[i], "ramp", &r, &e) != REINS_EINVAL) fail_msg("'%s' accepted", bad[i]);
    char many[256] = "";
    for (int i = 0; i <= RAMP_STEPS_MAX; i++)
        strcat(many, i ? ",100" : "100");
    assert_int_equal(ramp_parse(many, "ramp", &r, &e), REINS_EINVAL);

    json_t *j = json_loads("[2000, 4000]", 0, NULL);
    assert_int_equal(ramp_from_json(j, "steps", &r, &e), 0);
    assert_int_equal(r.n, 2);
    json_decref(j);
    static const char *const bad_json[] = {"[2000, \"40\"]", "[10001]", "[-5]", "{}", "[1.5]"};
    for (size_t i = 0; i < sizeof bad_json / sizeof *bad_json; i++) {
        j = json_loads(bad_json[i], JSON_DECODE_ANY, NULL);
        if (ramp_from_json(j, "steps", &r, &e) != REINS_EINVAL)
            fail_msg("%s accepted", bad_json[i]);
        assert_string_equal(e.field, "steps");
        json_decref(j);
    }
    assert_int_equal(ramp_from_json(NULL, "steps", &r, &e), REINS_EINVAL);
}

static int month_of(const char *key)
{
    struct period p;
    struct err e = {0};
    if (period_parse(key, 1, "period", &p, &e) < 0) fail_msg("%s", e.msg);
    return p.first_month;
}

static void test_ramp_months(void **state)
{
    (void)state;
    struct ramp r;
    ramp_default(&r);
    /* a start on the 10th: March is ramp month 1 */
    int64_t s = day("2026-03-10");
    assert_int_equal(ramp_month_bp(&r, s, month_of("2026-02")), 0);
    assert_int_equal(ramp_month_bp(&r, s, month_of("2026-03")), 2500);
    assert_int_equal(ramp_month_bp(&r, s, month_of("2026-04")), 5000);
    assert_int_equal(ramp_month_bp(&r, s, month_of("2026-05")), 7500);
    assert_int_equal(ramp_month_bp(&r, s, month_of("2026-06")), 10000);
    assert_int_equal(ramp_month_bp(&r, s, month_of("2027-06")), 10000);
    /* the 15th still counts the month, the 16th does not */
    assert_int_equal(ramp_month_bp(&r, day("2026-03-15"), month_of("2026-03")), 2500);
    assert_int_equal(ramp_month_bp(&r, day("2026-03-16"), month_of("2026-03")), 0);
    assert_int_equal(ramp_month_bp(&r, day("2026-03-16"), month_of("2026-04")), 2500);
    /* across the new year */
    assert_int_equal(ramp_month_bp(&r, day("2026-12-31"), month_of("2027-01")), 2500);
    assert_int_equal(ramp_month_bp(&r, day("2026-12-31"), month_of("2027-03")), 7500);
    /* no ramp: full from the start month, nothing before */
    struct ramp none = {0};
    assert_int_equal(ramp_month_bp(&none, s, month_of("2026-03")), 10000);
    assert_int_equal(ramp_month_bp(&none, s, month_of("2026-02")), 0);
}

static void test_quota_effective(void **state)
{
    (void)state;
    struct ramp r;
    ramp_default(&r);
    struct period p;
    struct err e = {0};
    int64_t s = day("2026-03-10");
    /* Q2 (Apr, May, Jun) at 50%, 75%, 100%: 30,000.00 x 2.25 / 3 = 22,500.00 */
    assert_int_equal(period_parse("2026-Q2", 1, "period", &p, &e), 0);
    assert_int_equal(quota_effective(3000000, &p, s, &r), 2250000);
    assert_int_equal(ramp_period_bp(&p, s, &r), 7500);
    /* Q1 (Jan 0, Feb 0, Mar 25%): 30,000.00 x 0.25 / 3 = 2,500.00 */
    assert_int_equal(period_parse("2026-Q1", 1, "period", &p, &e), 0);
    assert_int_equal(quota_effective(3000000, &p, s, &r), 250000);
    assert_int_equal(ramp_period_bp(&p, s, &r), 833); /* 2500 / 3 = 833.3 */
    /* the year: 0 + 0 + .25 + .5 + .75 + 7 x 1 = 8.5 of 12 months of 120,000.00 = 85,000.00 */
    assert_int_equal(period_parse("FY2026", 1, "period", &p, &e), 0);
    assert_int_equal(quota_effective(12000000, &p, s, &r), 8500000);
    /* a month, and a fully ramped quarter, are the amount x share */
    assert_int_equal(period_parse("2026-04", 1, "period", &p, &e), 0);
    assert_int_equal(quota_effective(1000000, &p, s, &r), 500000);
    assert_int_equal(period_parse("2026-Q3", 1, "period", &p, &e), 0);
    assert_int_equal(quota_effective(3000000, &p, s, &r), 3000000);
    assert_int_equal(quota_effective(3000000, &p, s, NULL), 3000000);
    /* rounding once, half up: 1 minor unit at 50% is 1; 100 at 33.33% is 33 */
    assert_int_equal(period_parse("2026-03", 1, "period", &p, &e), 0);
    struct ramp half = {1, {5000}}, third = {1, {3333}};
    assert_int_equal(quota_effective(1, &p, day("2026-03-01"), &half), 1);
    assert_int_equal(quota_effective(100, &p, day("2026-03-01"), &third), 33);
    /* 10 over a quarter at 50%, 50%, 50% is 5, not 3 x round(10/3 x .5) = 6 */
    struct ramp halves = {3, {5000, 5000, 5000}};
    assert_int_equal(period_parse("2026-Q1", 1, "period", &p, &e), 0);
    assert_int_equal(quota_effective(10, &p, day("2026-01-01"), &halves), 5);
    /* the largest amount does not overflow over a year */
    assert_int_equal(period_parse("FY2026", 1, "period", &p, &e), 0);
    assert_int_equal(quota_effective(QUOTA_AMOUNT_MAX, &p, day("2020-01-01"), &r),
                     QUOTA_AMOUNT_MAX);
}

/* ---- attainment ------------------------------------------------------------------------- */

static struct won_deal deal(int64_t owner, int64_t amount, const char *close, const char *cur)
{
    struct won_deal d = {owner, amount, day(close), ""};
    snprintf(d.currency, sizeof d.currency, "%s", cur);
    return d;
}

static void test_attainment_compute(void **state)
{
    (void)state;
    struct period p;
    struct err e = {0};
    assert_int_equal(period_parse("2026-Q3", 1, "period", &p, &e), 0); /* 92 days */
    struct won_deal deals[] = {
        deal(1, 2000000, "2026-07-10", "USD"), deal(1, 1000000, "2026-08-15", "USD"),
        deal(1, 500000, "2026-08-16", "USD"),  /* after the as-of day */
        deal(1, 700000, "2026-07-20", "EUR"),  /* another currency */
        deal(2, 5000000, "2026-07-05", "USD"), /* another owner */
        deal(1, 100000, "2026-06-30", "USD"),  /* before the period */
    };
    size_t n = sizeof deals / sizeof *deals;
    int64_t one[] = {1};
    struct attainment a;
    /* as of 15 August: 31 + 15 = 46 of 92 days, half the period */
    attainment_compute(&p, day("2026-08-15"), 9200000, 5, "USD", one, 1, deals, n, &a);
    assert_int_equal(a.won_minor, 3000000);
    assert_int_equal(a.won_deals, 2);
    assert_int_equal(a.other_currency_deals, 1);
    assert_int_equal(a.days_elapsed, 46);
    assert_int_equal(a.days_total, 92);
    assert_int_equal(a.expected_minor, 4600000);
    assert_int_equal(a.attainment_bp, 3261); /* 30,000 / 92,000 = 32.608...% */
    assert_int_equal(a.pace_bp, 6522);       /* 30,000 / 46,000 = 65.217...% */
    assert_int_equal(a.deals_bp, 4000);
    assert_int_equal(a.remaining_minor, 6200000);

    /* the period over: every day elapsed, the later deal counts */
    attainment_compute(&p, day("2026-12-01"), 9200000, -1, "USD", one, 1, deals, n, &a);
    assert_int_equal(a.won_minor, 3500000);
    assert_int_equal(a.days_elapsed, 92);
    assert_int_equal(a.expected_minor, 9200000);
    assert_int_equal(a.pace_bp, a.attainment_bp);
    assert_int_equal(a.deals_bp, -1);
    /* not started: nothing expected, no pace */
    attainment_compute(&p, day("2026-06-30"), 9200000, -1, "USD", one, 1, deals, n, &a);
    assert_int_equal(a.won_minor, 0);
    assert_int_equal(a.days_elapsed, 0);
    assert_int_equal(a.expected_minor, 0);
    assert_int_equal(a.pace_bp, -1);
    assert_int_equal(a.attainment_bp, 0);
    /* every owner; no quota: no attainment, all of it still won */
    attainment_compute(&p, day("2026-08-15"), 0, -1, "USD", NULL, 0, deals, n, &a);
    assert_int_equal(a.won_minor, 8000000);
    assert_int_equal(a.attainment_bp, -1);
    assert_int_equal(a.remaining_minor, 0);
    /* over quota */
    attainment_compute(&p, day("2026-08-15"), 1000000, -1, "USD", one, 1, deals, n, &a);
    assert_int_equal(a.attainment_bp, 30000);
    assert_int_equal(a.remaining_minor, 0);
    /* a group of owners, sorted */
    int64_t both[] = {1, 2};
    attainment_compute(&p, day("2026-08-15"), 0, -1, "USD", both, 2, deals, n, &a);
    assert_int_equal(a.won_deals, 3);
    int64_t other[] = {3};
    attainment_compute(&p, day("2026-08-15"), 0, -1, "USD", other, 1, deals, n, &a);
    assert_int_equal(a.won_deals, 0);
    /* sums saturate instead of overflowing */
    struct won_deal huge[] = {deal(1, INT64_MAX, "2026-07-01", "USD"),
                              deal(1, INT64_MAX, "2026-07-02", "USD")};
    attainment_compute(&p, day("2026-08-15"), 100, -1, "USD", one, 1, huge, 2, &a);
    assert_int_equal(a.won_minor, INT64_MAX);
    assert_int_equal(a.attainment_bp, INT64_MAX);
    assert_int_equal(mul_div_round(5, 1, 2), 3);
    assert_int_equal(mul_div_round(4, 1, 3), 1);
    assert_int_equal(mul_div_round(-4, 1, 3), 0);
}

/* ---- the database ----------------------------------------------------------------------- */

static const char SQL_WON_DEAL[] =
    "INSERT INTO opportunities (owner_id, name, amount_minor, currency, pipeline_id, stage_id,"
    " probability_bp, forecast_category, status, close_date, created_date, created_at,"
    " updated_at) SELECT $1, 'Deal', $2, $3, s.pipeline_id, s.id, 10000, 'closed', $4, $5, $5, 0,"
    " 0 FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id"
    " WHERE p.is_default = 1 AND s.is_won = 1";

static void add_deal(struct store *db, int64_t owner, int64_t amount, const char *currency,
                     const char *status, const char *close)
{
    struct err e = {0};
    if (store_run(db, SQL_WON_DEAL,
                  PARAMS(SV_INT(owner), SV_INT(amount), SV_TEXT(currency), SV_TEXT(status),
                         SV_TEXT(close)),
                  NULL, &e) < 0)
        fail_msg("deal: %s", e.msg);
}

/* VP Vera -> Maya (North) -> Ana, Ben (North; Ben new on 2026-07-10);
 *         -> Milo (South) -> Cara (South); Dan (North, but reports to Milo). */
struct org {
    int64_t north, south, east;
    int64_t vp, m1, m2, ana, ben, cara, dan;
};

static struct org make_org(struct store *db, int dan_in_north)
{
    struct org o;
    o.north = fixture_team(db, "North");
    o.south = fixture_team(db, "South");
    o.east = fixture_team(db, "East");
    o.vp = fixture_person(db, "Vera Vance", "vera@t.example", 0, 0, "2020-01-01", NULL);
    o.m1 = fixture_person(db, "Maya North", "maya@t.example", o.vp, o.north, "2021-01-01", NULL);
    o.m2 = fixture_person(db, "Milo South", "milo@t.example", o.vp, o.south, "2021-01-01", NULL);
    o.ana = fixture_person(db, "Ana Lima", "ana@t.example", o.m1, o.north, "2022-01-01", NULL);
    o.ben = fixture_person(db, "Ben Costa", "ben@t.example", o.m1, o.north, "2026-07-10", NULL);
    o.cara = fixture_person(db, "Cara Diaz", "cara@t.example", o.m2, o.south, "2022-01-01", NULL);
    o.dan = fixture_person(db, "Dan Evans", "dan@t.example", o.m2, dan_in_north ? o.north : o.south,
                           "2022-01-01", NULL);
    return o;
}

static int64_t set_q(struct store *db, int64_t person, int64_t team, const char *period,
                     int64_t amount, const char *currency, int64_t deals, int expect)
{
    struct quota_fields f = {person, team, period, amount, currency, deals};
    struct err e = {0};
    int64_t id = 0;
    int rc = quota_set(db, &f, 0, 1, &id, &e);
    if (rc != expect) fail_msg("quota_set %s: %d, expected %d: %s", period, rc, expect, e.msg);
    return id;
}

static void test_settings(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct quota_settings s;
    assert_int_equal(quota_settings_get(db, &s, &e), 0);
    assert_int_equal(s.fiscal_start_month, 1);
    assert_string_equal(s.currency, "USD");
    assert_int_equal(s.ramp.n, 3);
    assert_int_equal(s.ramp.bp[0], 2500);

    s.fiscal_start_month = 2;
    s.ramp.n = 2;
    s.ramp.bp[0] = 3000;
    s.ramp.bp[1] = 6000;
    strcpy(s.currency, "EUR");
    assert_int_equal(quota_settings_set(db, &s, 5, &e), 0);
    struct quota_settings back;
    assert_int_equal(quota_settings_get(db, &back, &e), 0);
    assert_int_equal(back.fiscal_start_month, 2);
    assert_string_equal(back.currency, "EUR");
    assert_int_equal(back.ramp.n, 2);
    assert_int_equal(back.ramp.bp[1], 6000);

    s.fiscal_start_month = 13;
    assert_int_equal(quota_settings_set(db, &s, 5, &e), REINS_EINVAL);
    assert_string_equal(e.field, "fiscal_start_month");
    s.fiscal_start_month = 2;
    strcpy(s.currency, "eur");
    assert_int_equal(quota_settings_set(db, &s, 5, &e), REINS_EINVAL);
    assert_string_equal(e.field, "currency");
    strcpy(s.currency, "EUR");

    /* a quarter quota pins the fiscal start; a month quota does not */
    struct org o = make_org(db, 0);
    set_q(db, o.ana, 0, "2026-07", 100, "EUR", -1, 0);
    s.fiscal_start_month = 4;
    assert_int_equal(quota_settings_set(db, &s, 5, &e), 0);
    int64_t q = set_q(db, o.ana, 0, "2027-Q1", 100, "EUR", -1, 0);
    s.fiscal_start_month = 7;
    assert_int_equal(quota_settings_set(db, &s, 5, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "fiscal_start_month");
    s.fiscal_start_month = 4; /* unchanged: the ramp and currency may still change */
    s.ramp.n = 0;
    assert_int_equal(quota_settings_set(db, &s, 5, &e), 0);
    assert_int_equal(quota_delete(db, q, &e), 0);
    s.fiscal_start_month = 7;
    assert_int_equal(quota_settings_set(db, &s, 5, &e), 0);
    testdb_close(db);
}

static void test_quota_set(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct org o = make_org(db, 0);
    int64_t id = set_q(db, o.ana, 0, "2026-Q3", 9000000, "USD", 6, 0);
    struct arena a = ARENA_INIT;
    struct quota q;
    assert_int_equal(quota_get(db, id, &a, &q, &e), 0);
    assert_int_equal(q.person_id, o.ana);
    assert_int_equal(q.team_id, 0);
    assert_string_equal(q.subject_name, "Ana Lima");
    assert_string_equal(q.period.key, "2026-Q3");
    assert_string_equal(q.period.start, "2026-07-01");
    assert_int_equal(q.amount_minor, 9000000);
    assert_int_equal(q.deal_count, 6);
    /* setting again replaces, keeping the id */
    assert_int_equal(set_q(db, o.ana, 0, "2026-Q3", 9500000, "USD", -1, 0), id);
    assert_int_equal(quota_get(db, id, &a, &q, &e), 0);
    assert_int_equal(q.amount_minor, 9500000);
    assert_int_equal(q.deal_count, -1);
    /* a team with the same period key is another quota */
    int64_t tid = set_q(db, 0, o.north, "2026-Q3", 30000000, "USD", -1, 0);
    assert_true(tid != id);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM quotas"), 2);

    /* refusals name the field; nothing is written */
    struct {
        struct quota_fields f;
        const char *field;
    } bad[] = {
        {{o.ana, o.north, "2026-Q3", 1, "USD", -1}, "team_id"},
        {{0, 0, "2026-Q3", 1, "USD", -1}, "person_id"},
        {{o.ana, 0, "2026-Q9", 1, "USD", -1}, "period"},
        {{o.ana, 0, NULL, 1, "USD", -1}, "period"},
        {{o.ana, 0, "2026-Q4", -1, "USD", -1}, "amount_minor"},
        {{o.ana, 0, "2026-Q4", QUOTA_AMOUNT_MAX + 1, "USD", -1}, "amount_minor"},
        {{o.ana, 0, "2026-Q4", 1, "usd", -1}, "currency"},
        {{o.ana, 0, "2026-Q4", 1, NULL, -1}, "currency"},
        {{o.ana, 0, "2026-Q4", 1, "USD", -2}, "deal_count"},
        {{9999, 0, "2026-Q4", 1, "USD", -1}, "person_id"},
        {{0, 9999, "2026-Q4", 1, "USD", -1}, "team_id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t out;
        err_clear(&e);
        if (quota_set(db, &bad[i].f, 0, 1, &out, &e) != REINS_EINVAL)
            fail_msg("bad %zu accepted", i);
        if (!e.field || strcmp(e.field, bad[i].field))
            fail_msg("bad %zu: field %s, expected %s (%s)", i, e.field, bad[i].field, e.msg);
    }
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM quotas"), 2);
    assert_int_equal(quota_delete(db, id, &e), 0);
    assert_int_equal(quota_delete(db, id, &e), REINS_ENOTFOUND);
    assert_int_equal(quota_get(db, id, &a, &q, &e), REINS_ENOTFOUND);
    arena_release(&a);
    testdb_close(db);
}

/* The names of the quotas `who` sees for Q3 2026, comma-separated. */
static char *seen(struct store *db, struct principal who)
{
    struct err e = {0};
    struct arena a = ARENA_INIT;
    struct period p;
    struct quota *v;
    size_t n;
    assert_int_equal(period_parse("2026-Q3", 1, "period", &p, &e), 0);
    if (quotas_list(db, &who, &p, &a, &v, &n, &e) < 0) fail_msg("%s", e.msg);
    struct sb out = SB_INIT;
    sb_adds(&out, "");
    for (size_t i = 0; i < n; i++)
        sb_addf(&out, "%s%s", i ? "," : "", v[i].subject_name);
    arena_release(&a);
    return sb_detach(&out);
}

static void expect_seen(struct store *db, struct principal who, const char *expected)
{
    char *s = seen(db, who);
    if (strcmp(s, expected)) fail_msg("saw '%s', expected '%s'", s, expected);
    free(s);
}

static void test_visibility(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct org o = make_org(db, 1); /* Dan is in North but reports to Milo */
    const int64_t everyone[] = {o.vp, o.m1, o.m2, o.ana, o.ben, o.cara, o.dan};
    for (size_t i = 0; i < sizeof everyone / sizeof *everyone; i++)
        set_q(db, everyone[i], 0, "2026-Q3", 100, "USD", -1, 0);
    set_q(db, 0, o.north, "2026-Q3", 100, "USD", -1, 0);
    set_q(db, 0, o.south, "2026-Q3", 100, "USD", -1, 0);
    set_q(db, 0, o.east, "2026-Q3", 100, "USD", -1, 0); /* no members */
    set_q(db, o.ana, 0, "2026-Q4", 100, "USD", -1, 0);  /* another period */

    expect_seen(db, fixture_principal(ROLE_ADMIN, 0),
                "Ana Lima,Ben Costa,Cara Diaz,Dan Evans,Maya North,Milo South,Vera Vance,East,"
                "North,South");
    expect_seen(db, fixture_principal(ROLE_MANAGER, o.vp),
                "Ana Lima,Ben Costa,Cara Diaz,Dan Evans,Maya North,Milo South,Vera Vance,North,"
                "South");
    /* Maya's tree is Ana and Ben, but North has Dan too: not her team's number alone */
    expect_seen(db, fixture_principal(ROLE_MANAGER, o.m1), "Ana Lima,Ben Costa,Maya North");
    expect_seen(db, fixture_principal(ROLE_MANAGER, o.m2), "Cara Diaz,Dan Evans,Milo South,South");
    expect_seen(db, fixture_principal(ROLE_SELLER, o.ana), "Ana Lima");
    /* a seller role never sees below, even with reports */
    expect_seen(db, fixture_principal(ROLE_SELLER, o.m1), "Maya North");
    expect_seen(db, fixture_principal(ROLE_SELLER, 0), "");

    struct principal m1 = fixture_principal(ROLE_MANAGER, o.m1);
    struct principal m2 = fixture_principal(ROLE_MANAGER, o.m2);
    struct principal ana = fixture_principal(ROLE_SELLER, o.ana);
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    assert_int_equal(quota_can_see_team(db, &m1, o.north, &e), 0);
    assert_int_equal(quota_can_see_team(db, &m2, o.south, &e), 1);
    assert_int_equal(quota_can_see_team(db, &m2, o.north, &e), 0);
    assert_int_equal(quota_can_see_team(db, &m2, o.east, &e), 0);
    assert_int_equal(quota_can_see_team(db, &ana, o.north, &e), 0);
    assert_int_equal(quota_can_see_team(db, &admin, o.east, &e), 1);
    testdb_close(db);
}

static void test_ramp_overrides(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct org o = make_org(db, 0);
    struct quota_settings s;
    struct ramp r;
    int own;
    assert_int_equal(quota_settings_get(db, &s, &e), 0);
    assert_int_equal(ramp_for_person(db, o.ben, &s, &r, &own, &e), 0);
    assert_int_equal(own, 0);
    assert_int_equal(r.n, 3);
    struct ramp longer = {4, {1000, 2000, 3000, 4000}};
    assert_int_equal(ramp_override_set(db, o.ben, &longer, 1, &e), 0);
    assert_int_equal(ramp_for_person(db, o.ben, &s, &r, &own, &e), 0);
    assert_int_equal(own, 1);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.bp[3], 4000);
    struct ramp none = {0};
    assert_int_equal(ramp_override_set(db, o.ben, &none, 1, &e), 0); /* "no ramp" is an override */
    assert_int_equal(ramp_for_person(db, o.ben, &s, &r, &own, &e), 0);
    assert_int_equal(own, 1);
    assert_int_equal(r.n, 0);
    assert_int_equal(ramp_override_clear(db, o.ben, &e), 0);
    assert_int_equal(ramp_override_clear(db, o.ben, &e), REINS_ENOTFOUND);
    assert_int_equal(ramp_override_set(db, 9999, &longer, 1, &e), REINS_ENOTFOUND);
    testdb_close(db);
}

static void test_attainment_store(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct org o = make_org(db, 0);
    struct arena a = ARENA_INIT;
    struct period q3;
    assert_int_equal(period_parse("2026-Q3", 1, "period", &q3, &e), 0);
    int64_t as_of = day("2026-08-15"); /* 46 of 92 days */
    /* Ana: 90,000 full; Ben from 2026-07-10: Jul 25%, Aug 50%, Sep 75% of 60,000 = 30,000 */
    set_q(db, o.ana, 0, "2026-Q3", 9000000, "USD", 4, 0);
    set_q(db, o.ben, 0, "2026-Q3", 6000000, "USD", -1, 0);
    set_q(db, o.cara, 0, "2026-Q3", 5000000, "EUR", -1, 0); /* not in the org currency */
    set_q(db, 0, o.north, "2026-Q3", 15000000, "USD", -1, 0);
    add_deal(db, o.ana, 3000000, "USD", "won", "2026-07-20");
    add_deal(db, o.ana, 1500000, "USD", "won", "2026-08-15");
    add_deal(db, o.ana, 9900000, "USD", "lost", "2026-08-01"); /* lost: never counts */
    add_deal(db, o.ana, 9900000, "USD", "open", "2026-08-01");
    add_deal(db, o.ana, 200000, "USD", "won", "2026-08-20"); /* after the as-of day */
    add_deal(db, o.ben, 600000, "USD", "won", "2026-08-01");
    add_deal(db, o.m1, 1000000, "USD", "won", "2026-08-02"); /* the manager sold one too */
    add_deal(db, o.cara, 800000, "EUR", "won", "2026-08-03");

    struct attainment_line l;
    assert_int_equal(attainment_person(db, o.ana, &q3, as_of, &a, &l, &e), 0);
    assert_true(l.has_quota);
    assert_int_equal(l.quota_set_minor, 9000000);
    assert_int_equal(l.ramp_bp, 10000);
    assert_int_equal(l.att.quota_minor, 9000000);
    assert_int_equal(l.att.won_minor, 4500000);
    assert_int_equal(l.att.won_deals, 2);
    assert_int_equal(l.att.expected_minor, 4500000);
    assert_int_equal(l.att.attainment_bp, 5000);
    assert_int_equal(l.att.pace_bp, 10000);
    assert_int_equal(l.att.deals_bp, 5000);

    assert_int_equal(attainment_person(db, o.ben, &q3, as_of, &a, &l, &e), 0);
    assert_int_equal(l.ramp_bp, 5000);
    assert_int_equal(l.att.quota_minor, 3000000);
    assert_int_equal(l.att.won_minor, 600000);
    assert_int_equal(l.att.attainment_bp, 2000);
    /* his own, shorter ramp: 50%, then full: Jul 50%, Aug 100%, Sep 100% = 50,000 */
    struct ramp fast = {1, {5000}};
    assert_int_equal(ramp_override_set(db, o.ben, &fast, 1, &e), 0);
    assert_int_equal(attainment_person(db, o.ben, &q3, as_of, &a, &l, &e), 0);
    assert_int_equal(l.att.quota_minor, 5000000);
    assert_int_equal(ramp_override_clear(db, o.ben, &e), 0);

    /* no quota: wins still show, no attainment */
    assert_int_equal(attainment_person(db, o.m1, &q3, as_of, &a, &l, &e), 0);
    assert_false(l.has_quota);
    assert_int_equal(l.att.won_minor, 1000000);
    assert_int_equal(l.att.attainment_bp, -1);
    /* a quota in euros counts the euro deal */
    assert_int_equal(attainment_person(db, o.cara, &q3, as_of, &a, &l, &e), 0);
    assert_string_equal(l.currency, "EUR");
    assert_int_equal(l.att.won_minor, 800000);
    assert_int_equal(attainment_person(db, 9999, &q3, as_of, &a, &l, &e), REINS_ENOTFOUND);

    /* North: set 150,000; members Maya (no quota), Ana 90,000, Ben 30,000: summed 120,000 */
    struct attainment_line *members;
    size_t nm;
    int64_t summed;
    assert_int_equal(attainment_team(db, o.north, &q3, as_of, &a, &l, &summed, &members, &nm, &e),
                     0);
    assert_string_equal(l.name, "North");
    assert_int_equal(summed, 12000000);
    assert_int_equal(l.att.quota_minor, 15000000);
    assert_int_equal(l.att.won_minor, 4500000 + 600000 + 1000000);
    assert_int_equal(l.att.attainment_bp, 4067); /* 61,000 / 150,000 */
    assert_int_equal(nm, 3);
    assert_string_equal(members[0].name, "Ana Lima");
    assert_string_equal(members[1].name, "Ben Costa");
    assert_int_equal(members[1].att.quota_minor, 3000000);
    /* South has no set quota: the members' sum stands in (Cara's is in EUR: left out) */
    assert_int_equal(attainment_team(db, o.south, &q3, as_of, &a, &l, &summed, &members, &nm, &e),
                     0);
    assert_false(l.has_quota);
    assert_int_equal(summed, 0);
    assert_int_equal(l.att.other_currency_deals, 1);
    assert_int_equal(attainment_team(db, 9999, &q3, as_of, &a, &l, &summed, &members, &nm, &e),
                     REINS_ENOTFOUND);

    /* the VP's tree: everyone; quotas in USD sum to 120,000 */
    struct attainment_line total, *lines;
    size_t nl;
    assert_int_equal(attainment_tree(db, o.vp, &q3, as_of, &a, &total, &lines, &nl, &e), 0);
    assert_int_equal(nl, 7);
    assert_int_equal(lines[0].person_id, o.vp);
    assert_int_equal(lines[0].depth, 0);
    assert_int_equal(lines[1].depth, 1);
    assert_int_equal(lines[3].depth, 2);
    assert_int_equal(total.att.quota_minor, 12000000);
    assert_int_equal(total.att.won_minor, 6100000);
    assert_int_equal(total.att.other_currency_deals, 1);
    assert_int_equal(total.att.quota_deals, 4);
    /* Milo's tree: Milo, Cara, Dan */
    assert_int_equal(attainment_tree(db, o.m2, &q3, as_of, &a, &total, &lines, &nl, &e), 0);
    assert_int_equal(nl, 3);
    assert_int_equal(total.att.quota_minor, 0);
    arena_release(&a);
    testdb_close(db);
}

static void test_import(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct org o = make_org(db, 0);
    (void)o;
    struct import_result res;
    const char good[] = "email,team,period,amount,currency,deals\n"
                        "ana@t.example,,2026-Q3,\"90,000.00\",USD,5\n"
                        "BEN@t.example,,2026-Q3,60000,USD,\n"
                        ",north,2026-Q3,150000,USD,\n";
    assert_int_equal(quotas_import_csv(db, good, strlen(good), 1, &res, &e), 0);
    assert_int_equal(res.created, 3);
    assert_int_equal(res.updated, 0);
    import_result_release(&res);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM quotas WHERE amount_minor = 9000000"
                                       " AND deal_count = 5"),
                     1);
    /* again, with one change: updates in place */
    const char again[] = "email,period,amount,currency\nana@t.example,2026-Q3,95000,USD\n";
    assert_int_equal(quotas_import_csv(db, again, strlen(again), 1, &res, &e), 0);
    assert_int_equal(res.created, 0);
    assert_int_equal(res.updated, 1);
    import_result_release(&res);

    /* every bad line is reported with its field; nothing is written */
    const char bad[] = "email,team,period,amount,currency,deals\n"
                       "ana@t.example,,2026-Q4,1000,USD,\n"      /* good */
                       "nobody@t.example,,2026-Q4,1000,USD,\n"   /* 3: email */
                       ",Nowhere,2026-Q4,1000,USD,\n"            /* 4: team */
                       "ana@t.example,North,2026-Q4,1000,USD,\n" /* 5: both */
                       "cara@t.example,,2026-Q9,1000,USD,\n"     /* 6: period */
                       "cara@t.example,,2026-Q4,12.345,USD,\n"   /* 7: amount */
                       "cara@t.example,,2026-Q4,1000,dollars,\n" /* 8: currency */
                       "cara@t.example,,2026-Q4,1000,USD,many\n" /* 9: deals */
                       "ana@t.example,,2026-Q4,2000,USD,\n";     /* 10: twice */
    assert_int_equal(quotas_import_csv(db, bad, strlen(bad), 1, &res, &e), REINS_EINVAL);
    static const struct {
        size_t line;
        const char *field;
    } want[] = {{3, "email"},  {4, "team"},     {5, "team"},  {6, "period"},
                {7, "amount"}, {8, "currency"}, {9, "deals"}, {10, "period"}};
    assert_int_equal(res.nproblems, sizeof want / sizeof *want);
    for (size_t i = 0; i < res.nproblems; i++) {
        if (res.problems[i].line != want[i].line || strcmp(res.problems[i].field, want[i].field))
            fail_msg("problem %zu: line %zu field %s (%s)", i, res.problems[i].line,
                     res.problems[i].field, res.problems[i].message);
    }
    import_result_release(&res);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM quotas WHERE period_key = '2026-Q4'"),
                     0);
    /* a header without the required columns; an empty file */
    const char nohead[] = "email,amount\nana@t.example,5\n";
    assert_int_equal(quotas_import_csv(db, nohead, strlen(nohead), 1, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 2); /* period, currency */
    assert_int_equal(res.problems[0].line, 1);
    import_result_release(&res);
    assert_int_equal(quotas_import_csv(db, "", 0, 1, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    import_result_release(&res);
    testdb_close(db);
}

/* The quotas and ramps the demo writes for the org, as text. */
static char *demo_dump(void **state, uint64_t seed)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct org o = make_org(db, 0);
    /* a new hire two weeks before the as-of day */
    fixture_person(db, "Nia New", "nia@t.example", o.m1, o.north, "2026-08-01", NULL);
    for (int i = 0; i < 6; i++) {
        char name[32], email[64];
        snprintf(name, sizeof name, "Hire %d", i);
        snprintf(email, sizeof email, "hire%d@t.example", i);
        fixture_person(db, name, email, o.m2, o.south, "2026-06-01", NULL);
    }
    if (quotas_demo_fill(db, seed, day("2026-08-15"), &e) < 0) fail_msg("%s", e.msg);
    /* every seller (no reports) has this quarter's quota, every team with sellers too */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM people p WHERE NOT EXISTS"
                                       " (SELECT 1 FROM people r WHERE r.manager_id = p.id) AND"
                                       " NOT EXISTS (SELECT 1 FROM quotas q WHERE q.person_id ="
                                       " p.id AND q.period_key = '2026-Q3')"),
                     0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM quotas WHERE team_id IS NOT NULL"
                                       " AND period_key IN ('2026-Q3', 'FY2026', 'FY2025')"),
                     6);
    /* nobody gets a quota for a month before they started */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM quotas q JOIN people p ON p.id ="
                                       " q.person_id WHERE q.period_end < p.start_date"),
                     0);
    /* the team's set quota sits above what its members carry */
    struct arena a = ARENA_INIT;
    struct period q3;
    struct attainment_line l, *m;
    size_t nm;
    int64_t summed;
    assert_int_equal(period_parse("2026-Q3", 1, "period", &q3, &e), 0);
    assert_int_equal(
        attainment_team(db, o.south, &q3, day("2026-08-15"), &a, &l, &summed, &m, &nm, &e), 0);
    assert_true(l.has_quota);
    assert_true(l.quota_set_minor > summed);
    assert_true(l.quota_set_minor < summed / 100 * 110);
    arena_release(&a);

    struct sb out = SB_INIT;
    struct store_rows *r;
    assert_int_equal(store_query(db,
                                 "SELECT COALESCE(person_id, 0), COALESCE(team_id, 0), period_key,"
                                 " amount_minor, COALESCE(deal_count, -1) FROM quotas"
                                 " ORDER BY 1, 2, 3",
                                 NO_PARAMS, &r, &e),
                     0);
    while (store_next(r, &e) > 0)
        sb_addf(&out, "%lld %lld %s %lld %lld\n", (long long)store_int(r, 0),
                (long long)store_int(r, 1), store_text(r, 2), (long long)store_int(r, 3),
                (long long)store_int(r, 4));
    store_rows_free(r);
    assert_int_equal(
        store_query(db, "SELECT person_id, steps FROM person_ramps ORDER BY 1", NO_PARAMS, &r, &e),
        0);
    while (store_next(r, &e) > 0)
        sb_addf(&out, "ramp %lld %s\n", (long long)store_int(r, 0), store_text(r, 1));
    store_rows_free(r);
    testdb_close(db);
    return sb_detach(&out);
}

static void test_demo_fill(void **state)
{
    char *one = demo_dump(state, 42), *two = demo_dump(state, 42), *other = demo_dump(state, 7);
    assert_string_equal(one, two);
    assert_string_not_equal(one, other);
    assert_non_null(strstr(one, "ramp ")); /* some new hire ramps on their own schedule */
    free(one);
    free(two);
    free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_parse),
        cmocka_unit_test(test_period_of_day),
        cmocka_unit_test(test_ramp_text),
        cmocka_unit_test(test_ramp_months),
        cmocka_unit_test(test_quota_effective),
        cmocka_unit_test(test_attainment_compute),
        TESTDB_BOTH(test_settings),
        TESTDB_BOTH(test_quota_set),
        TESTDB_BOTH(test_visibility),
        TESTDB_BOTH(test_ramp_overrides),
        TESTDB_BOTH(test_attainment_store),
        TESTDB_BOTH(test_import),
        TESTDB_BOTH(test_demo_fill),
    };
    return cmocka_run_group_tests_name("quotas", tests, NULL, NULL);
}
