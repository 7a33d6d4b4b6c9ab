/* test_forecast.c -- the forecast engine against answers known by hand or computed exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"
#include "forecast/forecast.h"

static int32_t day(const char *s)
{
    return (int32_t)date_to_days(s);
}

static void load_history(struct fc_data *d, const char *csv)
{
    struct err e = {0};
    fc_data_init(d);
    if (fc_load_history(d, csv, strlen(csv), "h.csv", &e) < 0) fail_msg("%s", e.msg);
}

/* ---- periods and input errors --------------------------------------------------------- */

static void test_period(void **state)
{
    (void)state;
    struct fc_period p;
    struct err e = {0};
    assert_int_equal(fc_period_parse("2026-Q3", &p, "period", &e), 0);
    assert_int_equal(p.start, day("2026-07-01"));
    assert_int_equal(p.end, day("2026-10-01"));
    assert_int_equal(fc_period_parse("2026-Q4", &p, "period", &e), 0);
    assert_int_equal(p.end, day("2027-01-01"));
    char name[8];
    fc_period_name(&p, name);
    assert_string_equal(name, "2026-Q4");
    struct fc_period q = fc_period_of(day("2026-12-31"));
    assert_int_equal(q.start, p.start);
    q = fc_period_of(day("2026-01-01"));
    assert_int_equal(q.start, day("2026-01-01"));
    assert_int_equal(q.end, day("2026-04-01"));
    assert_int_equal(fc_period_parse("2026-Q5", &p, "period", &e), REINS_EINVAL);
    assert_int_equal(fc_period_parse("26-Q1", &p, "period", &e), REINS_EINVAL);
    assert_int_equal(fc_period_parse("2026-07", &p, "period", &e), REINS_EINVAL);
}

static void expect_history_error(const char *csv, const char *msg_part, size_t line,
                                 const char *field)
{
    struct fc_data d;
    struct err e = {0};
    fc_data_init(&d);
    assert_int_equal(fc_load_history(&d, csv, strlen(csv), "h.csv", &e), REINS_EINVAL);
    if (!strstr(e.msg, msg_part)) fail_msg("'%s' does not say '%s'", e.msg, msg_part);
    assert_int_equal(e.line, line);
    if (field) assert_string_equal(e.field, field);
    fc_data_release(&d);
}

static void test_history_errors(void **state)
{
    (void)state;
    const char *head = "deal_id,owner,at,field,value\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%sd1,ana,2026-01-01,created,\nd1,ana,2026-13-01,stage,Q\n", head);
    expect_history_error(buf, "h.csv line 3: field at:", 3, "at");
    snprintf(buf, sizeof buf, "%sd1,ana,2026-01-01,colour,red\n", head);
    expect_history_error(buf, "h.csv line 2: field field: 'colour'", 2, "field");
    snprintf(buf, sizeof buf, "%sd1,ana,2026-01-01,status,maybe\n", head);
    expect_history_error(buf, "h.csv line 2: field value: status 'maybe'", 2, "value");
    snprintf(buf, sizeof buf, "%sd1,ana,2026-01-01,amount_minor,12.50\n", head);
    expect_history_error(buf, "h.csv line 2: field value:", 2, "value");
    snprintf(buf, sizeof buf, "%s\n\nd1,,2026-01-01,created,\n", head);
    expect_history_error(buf, "h.csv line 4: field owner", 4, "owner");
    expect_history_error("deal_id,owner,field,value\n", "h.csv line 1: no column 'at'", 1, "at");

    /* people: a cycle is refused and names the field */
    struct fc_data d;
    load_history(&d, "deal_id,owner,at,field,value\nd1,ana,2026-01-01,created,\n");
    const char *people = "id,manager_id\nana,ben\nben,cy\ncy,ana\n";
    struct err e = {0};
    assert_int_equal(fc_load_people(&d, people, strlen(people), "p.csv", &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "cycle"));
    /* every loader is all or nothing: what failed left nothing behind */
    assert_int_equal(d.npeople, 1);
    assert_int_equal(d.manager[0], -1);
    assert_int_equal(fc_person_find(&d, "ben"), -1);
    assert_false(d.people_loaded);
    const char *twice = "id,manager_id\nbo,ana\nbo,\n";
    assert_int_equal(fc_load_people(&d, twice, strlen(twice), "p.csv", &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "p.csv line 3: field id: a second row for 'bo'"));
    assert_int_equal(d.npeople, 1);
    const char *quotas = "person_id,period,amount_minor\nzed,2026-Q1,100\nana,2026-Q9,5\n";
    assert_int_equal(fc_load_quotas(&d, quotas, strlen(quotas), "q.csv", &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "q.csv line 3: field period"));
    assert_int_equal(d.nquotas, 0);
    assert_int_equal(fc_person_find(&d, "zed"), -1);
    const char *calls = "forecaster,period,at,amount_minor\nana,2026-Q1,2026-01-20,5\n"
                        "ana,2026-Q1,2026-04-01,5\n";
    assert_int_equal(fc_load_calls(&d, calls, strlen(calls), "c.csv", &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "c.csv line 3: field at: 2026-04-01 is after the period"));
    assert_int_equal(d.ncalls, 0);
    fc_data_release(&d);
    fc_data_init(&d);
    const char *bad = "deal_id,owner,at,field,value\nd1,ana,2026-01-01,stage,Q\nd2,bo,x,created,\n";
    assert_int_equal(fc_load_history(&d, bad, strlen(bad), "h.csv", &e), REINS_EINVAL);
    assert_int_equal(d.ndeals, 0);
    assert_int_equal(d.nstages, 0);
    assert_int_equal(d.npeople, 0);
    fc_data_release(&d);
}

/* ---- a deal replayed as of a date ------------------------------------------------------ */

static void test_deal_at(void **state)
{
    (void)state;
    struct fc_data d;
    /* rows out of order on purpose: the file order matters only within a day */
    load_history(&d, "deal_id,owner,at,field,value\n"
                     "a,ana,2026-01-05,created,\n"
                     "a,ana,2026-01-05,stage,Qualify\n"
                     "a,ana,2026-01-05,amount_minor,1000\n"
                     "a,ana,2026-01-05,close_date,2026-03-01\n"
                     "a,bob,2026-03-05,amount_minor,1200\n"
                     "a,ana,2026-01-20,stage,Propose\n"
                     "a,ana,2026-02-10,close_date,2026-03-20\n"
                     "a,ana,2026-02-15,close_date,2026-03-10\n"
                     "a,ana,2026-02-20,close_date,2026-04-10\n"
                     "a,bob,2026-03-08,status,won\n"
                     "b,cy,2026-02-01,stage,Qualify\n");
    assert_int_equal(d.ndeals, 2);
    struct fc_deal_state s;
    fc_deal_at(&d, 0, day("2026-01-04"), &s);
    assert_false(s.exists);
    fc_deal_at(&d, 0, day("2026-01-05"), &s);
    assert_true(s.exists);
    assert_string_equal(d.stage_name[s.stage], "Qualify");
    assert_int_equal(s.amount, 1000);
    assert_int_equal(s.close_day, day("2026-03-01"));
    assert_int_equal(s.slips, 0);
    assert_int_equal(s.status, FC_OPEN);
    fc_deal_at(&d, 0, day("2026-02-16"), &s);
    assert_string_equal(d.stage_name[s.stage], "Propose");
    assert_int_equal(s.stage_since, day("2026-01-20"));
    assert_int_equal(s.close_day, day("2026-03-10"));
    assert_int_equal(s.slips, 1); /* pushed once, then pulled in */
    fc_deal_at(&d, 0, day("2026-03-05"), &s);
    assert_int_equal(s.slips, 2);
    assert_string_equal(d.person_id[s.owner], "bob");
    assert_int_equal(s.amount, 1200);
    assert_int_equal(s.status, FC_OPEN);
    fc_deal_at(&d, 0, day("2026-12-31"), &s);
    assert_int_equal(s.status, FC_WON);
    assert_int_equal(s.status_day, day("2026-03-08"));
    assert_int_equal(s.created, day("2026-01-05"));
    /* no created event: created on its first event */
    fc_deal_at(&d, 1, day("2026-02-01"), &s);
    assert_true(s.exists);
    assert_int_equal(s.created, day("2026-02-01"));
    assert_int_equal(s.close_day, FC_NO_DAY);
    fc_data_release(&d);
}

/* ---- the Monte Carlo against the exact distribution ------------------------------------ */

#define NDEALS 16
#define MAXSUM 512

/* The exact distribution of a sum of independent deals, by convolution. */
static void exact(const int64_t *amount, const uint64_t *p32, size_t n, double *dist)
{
    memset(dist, 0, MAXSUM * sizeof *dist);
    dist[0] = 1;
    for (size_t i = 0; i < n; i++) {
        double p = (double)p32[i] / (double)FC_P32_ONE;
        for (int64_t s = MAXSUM - 1; s >= 0; s--) {
            double lose = dist[s] * (1 - p);
            double win = s >= amount[i] ? dist[s - amount[i]] * p : 0;
            dist[s] = lose + win;
        }
    }
}

/* The Monte Carlo's quantile x at level q must be an exact quantile at a level
 * within tol: F(x - 1) <= q + tol and F(x) >= q - tol. */
static void check_quantile(const double *dist, int64_t x, double q, double tol)
{
    double below = 0;
    for (int64_t s = 0; s < x; s++)
        below += dist[s];
    double at = below + dist[x];
    if (!(below <= q + tol && at >= q - tol))
        fail_msg("quantile %.2f: simulated %lld has F(x-1)=%.4f F(x)=%.4f", q, (long long)x, below,
                 at);
}

static void assert_range_equal(const struct fc_range *a, const struct fc_range *b)
{
    assert_int_equal(a->p10, b->p10);
    assert_int_equal(a->p50, b->p50);
    assert_int_equal(a->p90, b->p90);
    assert_int_equal(a->mean, b->mean);
    assert_int_equal(a->p_quota_ppm, b->p_quota_ppm);
}

static void test_monte_carlo_exact(void **state)
{
    (void)state;
    int64_t amount[NDEALS];
    uint64_t p32[NDEALS];
    uint32_t node[NDEALS];
    for (size_t i = 0; i < NDEALS; i++) {
        amount[i] = 3 + (int64_t)(i * 7 % 23);
        p32[i] = (uint64_t)llround((0.05 + 0.9 * (double)(i * 5 % 16) / 15) * 4294967296.0);
        node[i] = i < 6 ? 1 : 2; /* two sellers under one manager */
    }
    p32[3] = FC_P32_ONE; /* a certain deal */
    p32[4] = 0;          /* a hopeless one */
    int32_t parent[3] = {-1, 0, 0};
    int64_t quota[3] = {90, -1, -1};
    double dist[MAXSUM];
    exact(amount, p32, NDEALS, dist);
    struct fc_sim_input in = {.ndeals = NDEALS,
                              .deal_node = node,
                              .amount = amount,
                              .p32 = p32,
                              .nnodes = 3,
                              .parent = parent,
                              .quota = quota,
                              .total_quota = 90,
                              .trials = 40000,
                              .seed = 42,
                              .threads = 2};
    struct fc_range r[3], total;
    struct err e = {0};
    assert_int_equal(fc_simulate(&in, r, &total, &e), 0);
    check_quantile(dist, total.p10, 0.1, 0.01);
    check_quantile(dist, total.p50, 0.5, 0.01);
    check_quantile(dist, total.p90, 0.9, 0.01);
    /* the manager is the whole tree here */
    assert_int_equal(r[0].p50, total.p50);
    double mean = 0, hit = 0;
    for (int s = 0; s < MAXSUM; s++) {
        mean += s * dist[s];
        if (s >= 90) hit += dist[s];
    }
    assert_true(fabs((double)total.mean - mean) < 1.0);
    assert_true(fabs(total.p_quota_ppm / 1e6 - hit) < 0.01);
    assert_int_equal(r[1].p_quota_ppm, -1);

    /* a seller alone: deals 0..5 */
    double d1[MAXSUM];
    exact(amount, p32, 6, d1);
    check_quantile(d1, r[1].p50, 0.5, 0.01);
    check_quantile(d1, r[1].p90, 0.9, 0.01);

    /* the same seed gives the same numbers on one thread or many */
    struct fc_range r1[3], t1;
    in.threads = 1;
    assert_int_equal(fc_simulate(&in, r1, &t1, &e), 0);
    assert_range_equal(&t1, &total);
    for (int i = 0; i < 3; i++)
        assert_range_equal(&r1[i], &r[i]);
    /* rolling up is adding trial by trial: the deals all on the manager give the same totals */
    uint32_t all_on_root[NDEALS] = {0};
    in.deal_node = all_on_root;
    assert_int_equal(fc_simulate(&in, r1, &t1, &e), 0);
    assert_int_equal(t1.p10, total.p10);
    assert_int_equal(t1.p50, total.p50);
    assert_int_equal(t1.p90, total.p90);
    /* another seed, another sample */
    in.deal_node = node;
    in.seed = 43;
    assert_int_equal(fc_simulate(&in, r1, &t1, &e), 0);
    assert_true(t1.mean != total.mean || t1.p10 != total.p10 || t1.p90 != total.p90 ||
                r1[1].mean != r[1].mean);
    /* bad input is refused */
    int32_t cyclic[3] = {1, 2, 0};
    in.parent = cyclic;
    assert_int_equal(fc_simulate(&in, r1, &t1, &e), REINS_EINVAL);
}

/* The standard normal's quantile at q, by bisection on erfc: computed here
 * independently of the engine's table. */
static double normal_quantile(double q)
{
    double lo = -10, hi = 10;
    for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        if (0.5 * erfc(-mid / sqrt(2)) < q)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

/* With a swing the exact distribution is a mixture: for each of 16 equally
 * likely levels z_k, the convolution of the deals at odds x e^(sd z_k). */
static void test_monte_carlo_swing(void **state)
{
    (void)state;
    int64_t amount[NDEALS];
    uint64_t p32[NDEALS], shifted[NDEALS];
    uint32_t node[NDEALS] = {0};
    for (size_t i = 0; i < NDEALS; i++) {
        amount[i] = 3 + (int64_t)(i * 7 % 23);
        p32[i] = (uint64_t)llround((0.05 + 0.9 * (double)(i * 5 % 16) / 15) * 4294967296.0);
    }
    const double sd = 0.8;
    double mix[MAXSUM] = {0}, one[MAXSUM];
    for (int k = 0; k < 16; k++) {
        double z = sd * normal_quantile((k + 0.5) / 16);
        for (size_t i = 0; i < NDEALS; i++) {
            double p = (double)p32[i] / (double)FC_P32_ONE, o = p / (1 - p) * exp(z);
            shifted[i] = (uint64_t)llround(o / (1 + o) * (double)FC_P32_ONE);
        }
        exact(amount, shifted, NDEALS, one);
        for (int x = 0; x < MAXSUM; x++)
            mix[x] += one[x] / 16;
    }
    int32_t parent[1] = {-1};
    struct fc_sim_input in = {.ndeals = NDEALS,
                              .deal_node = node,
                              .amount = amount,
                              .p32 = p32,
                              .nnodes = 1,
                              .parent = parent,
                              .total_quota = -1,
                              .swing_sd = sd,
                              .trials = 64000,
                              .seed = 5,
                              .threads = 2};
    struct fc_range r[1], total, r1[1], t1, r0[1], t0;
    struct err e = {0};
    assert_int_equal(fc_simulate(&in, r, &total, &e), 0);
    check_quantile(mix, total.p10, 0.1, 0.01);
    check_quantile(mix, total.p50, 0.5, 0.01);
    check_quantile(mix, total.p90, 0.9, 0.01);
    in.threads = 1;
    assert_int_equal(fc_simulate(&in, r1, &t1, &e), 0);
    assert_range_equal(&t1, &total);
    /* the swing widens the range */
    in.swing_sd = 0;
    assert_int_equal(fc_simulate(&in, r0, &t0, &e), 0);
    assert_true(total.p90 - total.p10 > t0.p90 - t0.p10);
    in.swing_sd = -1;
    assert_int_equal(fc_simulate(&in, r0, &t0, &e), REINS_EINVAL);
}

/* New business: a Poisson count of amounts from the table, against its exact mean. */
static void test_monte_carlo_new_business(void **state)
{
    (void)state;
    int32_t parent[1] = {-1};
    double rate[1] = {2.0}, scale[1] = {1.5};
    int64_t amounts[2] = {100, 300};
    struct fc_sim_input in = {.nnodes = 1,
                              .parent = parent,
                              .new_rate = rate,
                              .new_scale = scale,
                              .new_amounts = amounts,
                              .nnew_amounts = 2,
                              .trials = 20000,
                              .seed = 7,
                              .total_quota = -1};
    struct fc_range r[1], total;
    struct err e = {0};
    assert_int_equal(fc_simulate(&in, r, &total, &e), 0);
    /* mean = 2 deals x 200 x 1.5 = 600; P(none) = e^-2 = 13.5% so P10 is 0 */
    assert_true(fabs((double)total.mean - 600) < 15);
    assert_int_equal(total.p10, 0);
    assert_int_equal(total.p50 % 150, 0);
    /* with a swing, new business rides the quarter's fortune too: the same mean (the rate is
     * moved by e^(z - s^2 / 2)), a wider spread */
    struct fc_range swung;
    in.swing_sd = 0.6;
    assert_int_equal(fc_simulate(&in, r, &swung, &e), 0);
    assert_true(fabs((double)swung.mean - 600) < 25);
    assert_true(swung.p90 > total.p90);
}

/* The table loaders behind the CSV ones (and the database's): rows in the documented column
 * order, the same checks, lines counted as if after a header. */
static void test_table_loaders(void **state)
{
    (void)state;
    struct fc_data d;
    fc_data_init(&d);
    const char *good[] = {"d1", "ana", "2026-01-05", "created", "",
                          "d1", "ana", "2026-01-05", "amount_minor", "700"};
    struct fc_table t = {2, 5, good, NULL};
    struct err e = {0};
    assert_int_equal(fc_load_history_table(&d, &t, "h", &e), 0);
    assert_int_equal(d.ndeals, 1);
    const char *people[] = {"ana", "boss", "boss", "ana"}; /* a cycle */
    struct fc_table tp = {2, 2, people, NULL};
    assert_int_equal(fc_load_people_table(&d, &tp, "p", &e), REINS_EINVAL);
    assert_string_equal(e.field, "manager_id");
    assert_int_equal(d.manager[fc_person_find(&d, "ana")], -1); /* all or nothing */
    const char *calls[] = {"ana", "2026-Q1", "2026-01-10", "500", "ana", "2026-Q1", "2026-02-30", "9"};
    size_t lines[] = {7, 9};
    struct fc_table tc = {2, 4, calls, lines};
    assert_int_equal(fc_load_calls_table(&d, &tc, "c", &e), REINS_EINVAL);
    assert_int_equal(e.line, 9);
    assert_non_null(strstr(e.msg, "c line 9: "));
    assert_int_equal(d.ncalls, 0);
    struct fc_table wrong = {1, 3, calls, NULL};
    assert_int_equal(fc_load_calls_table(&d, &wrong, "c", &e), REINS_EINVAL);
    fc_data_release(&d);
}

/* ---- the model, by hand ----------------------------------------------------------------- */

/* Q1 2026 to learn from: ten deals open on Jan 1 (4 Propose: 3 won; 1
 * Negotiate: won; 5 Qualify: lost), all ana's; three more of ana's created
 * later in Q1 and won in it (100, 200, 300: new business); one of ben's
 * created and lost in Q1. In Q2 ana and ben each have a Propose deal of 5000
 * closing in the period: ana's is won, ben's lost. A row on Jun 30 closes Q2. */
static const char HAND[] =
    "deal_id,owner,at,field,value\n"
    "p1,ana,2026-01-01,stage,Propose\np1,ana,2026-01-01,amount_minor,1000\n"
    "p1,ana,2026-01-01,close_date,2026-03-15\np1,ana,2026-02-01,status,won\n"
    "p2,ana,2026-01-01,stage,Propose\np2,ana,2026-01-01,amount_minor,1000\n"
    "p2,ana,2026-01-01,close_date,2026-03-15\np2,ana,2026-02-01,status,won\n"
    "p3,ana,2026-01-01,stage,Propose\np3,ana,2026-01-01,amount_minor,1000\n"
    "p3,ana,2026-01-01,close_date,2026-03-15\np3,ana,2026-02-01,status,won\n"
    "p4,ana,2026-01-01,stage,Propose\np4,ana,2026-01-01,amount_minor,1000\n"
    "p4,ana,2026-01-01,close_date,2026-03-15\np4,ana,2026-02-01,status,lost\n"
    "n1,ana,2026-01-01,stage,Negotiate\nn1,ana,2026-01-01,amount_minor,1000\n"
    "n1,ana,2026-01-01,close_date,2026-03-15\nn1,ana,2026-02-01,status,won\n"
    "q1,ana,2026-01-01,stage,Qualify\nq1,ana,2026-01-01,amount_minor,1000\n"
    "q1,ana,2026-01-01,close_date,2026-03-15\nq1,ana,2026-02-01,status,lost\n"
    "q2,ana,2026-01-01,stage,Qualify\nq2,ana,2026-01-01,amount_minor,1000\n"
    "q2,ana,2026-01-01,close_date,2026-03-15\nq2,ana,2026-02-01,status,lost\n"
    "q3,ana,2026-01-01,stage,Qualify\nq3,ana,2026-01-01,amount_minor,1000\n"
    "q3,ana,2026-01-01,close_date,2026-03-15\nq3,ana,2026-02-01,status,lost\n"
    "q4,ana,2026-01-01,stage,Qualify\nq4,ana,2026-01-01,amount_minor,1000\n"
    "q4,ana,2026-01-01,close_date,2026-03-15\nq4,ana,2026-02-01,status,lost\n"
    "q5,ana,2026-01-01,stage,Qualify\nq5,ana,2026-01-01,amount_minor,1000\n"
    "q5,ana,2026-01-01,close_date,2026-03-15\nq5,ana,2026-02-01,status,lost\n"
    "x1,ana,2026-01-10,amount_minor,100\nx1,ana,2026-02-10,status,won\n"
    "x2,ana,2026-01-10,amount_minor,200\nx2,ana,2026-02-10,status,won\n"
    "x3,ana,2026-01-10,amount_minor,300\nx3,ana,2026-02-10,status,won\n"
    "b1,ben,2026-02-01,created,\nb1,ben,2026-02-15,status,lost\n"
    "a2,ana,2026-03-20,stage,Propose\na2,ana,2026-03-20,amount_minor,5000\n"
    "a2,ana,2026-03-20,close_date,2026-05-01\na2,ana,2026-05-01,status,won\n"
    "b2,ben,2026-03-20,stage,Propose\nb2,ben,2026-03-20,amount_minor,5000\n"
    "b2,ben,2026-03-20,close_date,2026-05-01\nb2,ben,2026-05-10,status,lost\n"
    "z1,ana,2026-06-30,created,\n";

static const struct fc_open_deal *open_deal(const struct fc_forecast *f, const struct fc_data *d,
                                            const char *id)
{
    for (size_t i = 0; i < f->nopen; i++)
        if (!strcmp(d->deal_id[f->open[i].deal], id)) return &f->open[i];
    fail_msg("deal %s is not open", id);
    return NULL;
}

static void test_model_by_hand(void **state)
{
    (void)state;
    struct fc_data d;
    load_history(&d, HAND);
    struct fc_options o = {.as_of = day("2026-04-01"), .trials = 2000, .seed = 1};
    struct err e = {0};
    assert_int_equal(fc_period_parse("2026-Q2", &o.period, "period", &e), 0);
    struct fc_forecast f;
    if (fc_forecast_run(&d, &o, &f, &e) < 0) fail_msg("%s", e.msg);
    const struct fc_model *m = &f.model;
    assert_int_equal(m->periods, 1);
    assert_int_equal(m->examples, 10); /* the ten open on Jan 1 */
    assert_int_equal(m->wins, 4);
    assert_true(m->swing_sd == 0); /* one quarter says nothing of how quarters differ */
    /* global: (4 + 1) / (10 + 2) = 5/12; a stage's rate: (won + 10 g) / (n + 10) */
    double g = 5.0 / 12;
    assert_true(fabs(m->global_rate - g) < 1e-12);
    int32_t propose = -1, negotiate = -1, qualify = -1;
    for (size_t s = 0; s < d.nstages; s++) {
        if (!strcmp(d.stage_name[s], "Propose")) propose = (int32_t)s;
        if (!strcmp(d.stage_name[s], "Negotiate")) negotiate = (int32_t)s;
        if (!strcmp(d.stage_name[s], "Qualify")) qualify = (int32_t)s;
    }
    assert_true(fabs(m->stage_rate[propose] - (3 + 10 * g) / 14) < 1e-12);   /* 0.5119 */
    assert_true(fabs(m->stage_rate[negotiate] - (1 + 10 * g) / 11) < 1e-12); /* 0.4697, not 1 */
    assert_true(fabs(m->stage_rate[qualify] - (0 + 10 * g) / 15) < 1e-12);   /* 0.2778, not 0 */

    /* ben has no record: his multiplier is (0 + 4) / (0 + 4) = 1, so his deal
     * gets the stage's rate and the deal's own factors, nothing for the owner */
    int32_t ben = fc_person_find(&d, "ben"), ana = fc_person_find(&d, "ana");
    assert_true(ben >= 0 && ana >= 0);
    assert_true(m->mult[FC_F_OWNER][ben] == 1.0);
    const struct fc_open_deal *b2 = open_deal(&f, &d, "b2");
    const struct fc_open_deal *a2 = open_deal(&f, &d, "a2");
    double o_b = m->stage_rate[propose] / (1 - m->stage_rate[propose]);
    for (int k = 0; k < FC_NFACTORS; k++)
        if (k != FC_F_OWNER) o_b *= m->mult[k][b2->level[k]];
    assert_int_equal(b2->p_ppm, (uint32_t)llround(o_b / (1 + o_b) * 1e6));
    /* ana's multiplier makes her ten deals' probabilities add up to the
     * expected wins times (wins + 4) / (expected + 4): all ten share every
     * level (in the period, new, fresh in stage, never slipped, one size) */
    double ma = m->mult[FC_F_OWNER][ana];
    double ea = m->expected[FC_F_OWNER][ana];
    assert_true(m->won[FC_F_OWNER][ana] == 4);
    double shared = 1;
    for (int k = 0; k < FC_NFACTORS; k++)
        shared *= m->mult[k][k == FC_F_OWNER ? (uint32_t)ana : (k == FC_F_SIZE ? 3u : 0u)];
    double sum = 0;
    const int32_t stages[3] = {propose, negotiate, qualify};
    const int count[3] = {4, 1, 5};
    for (int j = 0; j < 3; j++) {
        double r = m->stage_rate[stages[j]], odds = r / (1 - r) * shared;
        sum += count[j] * odds / (1 + odds);
    }
    assert_true(fabs(sum - ea * (4 + 4) / (ea + 4)) < 1e-6);
    assert_true(ma > 1); /* 4 won where fewer were expected */
    double o_a = o_b * ma;
    assert_int_equal(a2->p_ppm, (uint32_t)llround(o_a / (1 + o_a) * 1e6));
    assert_int_equal(b2->level[FC_F_CLOSE], 0); /* closing in the period */

    /* weighted: each 5000 x the Propose rate, rounded per deal */
    int64_t w = llround(5000 * m->stage_rate[propose]);
    assert_int_equal(f.total.weighted, 2 * w);
    assert_int_equal(f.total.pipeline, 10000);

    /* new business: 3 deals in 2 seller-quarters: 1.5 a quarter for all;
     * ana (3 + 2 x 1.5) / (1 + 2) = 2, ben (0 + 3) / 3 = 1; the mean amount
     * is 200 and both scales are 1 ((600 + 4 x 200) / 7 = 200) */
    assert_true(fabs(m->new_rate[ana] - 2.0) < 1e-12);
    assert_true(fabs(m->new_rate[ben] - 1.0) < 1e-12);
    assert_true(fabs(m->new_scale[ana] - 1.0) < 1e-12);
    assert_int_equal(f.node[ana].new_expected, 400);
    assert_int_equal(f.node[ben].new_expected, 200);
    assert_int_equal(f.total.new_expected, 600);
    /* the simulated mean is the deals' expectation plus new business */
    double expect = 5000.0 * (a2->p_ppm + b2->p_ppm) / 1e6 + 600;
    assert_true(fabs((double)f.total.range.mean - expect) < 0.05 * expect);
    fc_forecast_release(&f);

    /* an as-of date after the period, and no complete quarter, are refused */
    o.as_of = day("2026-07-01");
    assert_int_equal(fc_forecast_run(&d, &o, &f, &e), REINS_EINVAL);
    fc_forecast_release(&f);
    o.as_of = day("2026-03-01");
    o.period = fc_period_of(o.as_of);
    assert_int_equal(fc_forecast_run(&d, &o, &f, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "no complete quarter"));
    fc_forecast_release(&f);
    fc_data_release(&d);
}

/* ---- the backtest on the same history ------------------------------------------------- */

static const struct fc_score *score_named(const struct fc_backtest *b, const char *name)
{
    for (size_t i = 0; i < b->nscores; i++)
        if (!strcmp(b->score[i].name, name)) return &b->score[i];
    fail_msg("no score '%s'", name);
    return NULL;
}

static void test_backtest_by_hand(void **state)
{
    (void)state;
    struct fc_data d;
    load_history(&d, HAND);
    /* mia manages ana and ben and makes her own call on her team */
    const char *people = "id,manager_id\nmia,\nana,mia\nben,mia\n";
    const char *calls = "forecaster,period,at,amount_minor\n"
                        "ana,2026-Q2,2026-04-22,6000\n"
                        "ben,2026-Q2,2026-04-22,500\n"
                        "mia,2026-Q2,2026-04-23,4500\n";
    struct err e = {0};
    assert_int_equal(fc_load_people(&d, people, strlen(people), "p.csv", &e), 0);
    assert_int_equal(fc_load_calls(&d, calls, strlen(calls), "c.csv", &e), 0);
    struct fc_backtest b;
    if (fc_backtest_run(&d, FC_NO_DAY, 500, 1, 1, &b, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(b.periods, 1); /* Q2: Q1 is only learned from */
    assert_int_equal(b.points, 3);
    /* Q2 actually booked 5000 (a2). Weighted pipeline at
     *   week 1 (Apr 1): Jan 1 snapshot, Propose (3 + 10 x 5/12) / 14: 2 x 2560 = 5120
     *   week 4 (Apr 22): Jan 22 snapshot also has x1-x3 open (no stage, won):
     *           g = 8/15, Propose (3 + 10 g) / 14 = 0.5952: 2 x 2976 = 5952
     *   week 8 (May 20): a2 won, b2 lost: 5000 */
    double ape = (120.0 / 5000 + 952.0 / 5000 + 0) / 3;
    const struct fc_score *w = score_named(&b, "weighted pipeline, total");
    assert_int_equal(w->n, 3);
    assert_int_equal(w->mape_bp, llround(ape * 10000)); /* 715 */
    assert_int_equal(w->bias_bp, llround((5120 + 5952 + 5000 - 15000) / 15000.0 * 10000));
    assert_int_equal(score_named(&b, "weighted pipeline, total, week 8")->mape_bp, 0);
    assert_int_equal(score_named(&b, "weighted pipeline, total, week 1")->mape_bp, 240);
    /* calls: ana said 6000 (+20%), ben 500 where nothing was booked */
    const struct fc_score *ca = score_named(&b, "calls: ana");
    assert_int_equal(ca->mape_bp, 2000);
    assert_int_equal(ca->bias_bp, 2000);
    const struct fc_score *cb = score_named(&b, "calls: ben");
    assert_int_equal(cb->n, 1);
    assert_int_equal(cb->nzero, 1);
    assert_int_equal(cb->mape_bp, -1);
    assert_false(cb->has_bias);
    const struct fc_score *sellers = score_named(&b, "calls, sellers");
    assert_int_equal(sellers->n, 2);
    assert_int_equal(sellers->mape_bp, 2000);
    assert_int_equal(sellers->bias_bp, 3000); /* (6500 - 5000) / 5000 */
    /* mia's 4500 against her team's 5000: 10% under, a sandbagging manager */
    const struct fc_score *managers = score_named(&b, "calls, managers");
    assert_int_equal(managers->n, 1);
    assert_int_equal(managers->mape_bp, 1000);
    assert_int_equal(managers->bias_bp, -1000);
    assert_int_equal(score_named(&b, "calls: mia")->bias_bp, -1000);
    /* the model's range is scored for coverage */
    const struct fc_score *mp = score_named(&b, "model P50, total");
    assert_true(mp->coverage_bp >= 0 && mp->coverage_bp <= 10000);
    fc_backtest_release(&b);
    fc_data_release(&d);
}

/* People with no deals change nobody's probability. The fit once cleared its second Newton
 * sums at the wrong place once there were 8 people or more, so adding empty people (a bigger
 * people file) moved every deal's probability: this failed before the fix. */
static void test_fit_ignores_empty_people(void **state)
{
    (void)state;
    struct fc_data small, big;
    load_history(&small, HAND);
    load_history(&big, HAND);
    struct sb people = SB_INIT;
    sb_addf(&people, "id,manager_id\n");
    for (int i = 0; i < 40; i++)
        sb_addf(&people, "nobody%d,\n", i);
    struct err e = {0};
    assert_int_equal(fc_load_people(&big, people.buf, people.len, "p.csv", &e), 0);
    sb_release(&people);
    struct fc_options o = {.as_of = day("2026-04-01"), .trials = 500, .seed = 1, .threads = 1};
    assert_int_equal(fc_period_parse("2026-Q2", &o.period, "period", &e), 0);
    struct fc_forecast a, b;
    if (fc_forecast_run(&small, &o, &a, &e) < 0 || fc_forecast_run(&big, &o, &b, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(a.nopen, b.nopen);
    for (size_t i = 0; i < a.nopen; i++)
        assert_int_equal(a.open[i].p_ppm, b.open[i].p_ppm);
    fc_forecast_release(&a);
    fc_forecast_release(&b);
    fc_data_release(&small);
    fc_data_release(&big);
}

/* Each forecaster's record without the model: every call of a quarter that has ended,
 * against what their subtree booked; a quarter not yet ended is not scored. */
static void test_call_accuracy_by_hand(void **state)
{
    (void)state;
    struct fc_data d;
    load_history(&d, "deal_id,owner,at,field,value\n"
                     "w1,ana,2026-01-10,amount_minor,1000\n"
                     "w1,ana,2026-02-10,status,won\n"
                     "w2,ana,2026-07-02,amount_minor,700\n"
                     "w2,ana,2026-07-03,status,won\n");
    struct err e = {0};
    const char *people = "id,manager_id\nboss,\nana,boss\n";
    const char *calls = "forecaster,period,at,amount_minor\n"
                        "ana,2026-Q1,2026-01-05,800\n"
                        "ana,2026-Q1,2026-02-01,1200\n"
                        "ana,2026-Q2,2026-04-02,500\n" /* nothing booked: out of MAPE */
                        "ana,2026-Q3,2026-07-01,5000\n" /* not ended by the day below */
                        "boss,2026-Q1,2026-01-05,1000\n";
    assert_int_equal(fc_load_people(&d, people, strlen(people), "p.csv", &e), 0);
    assert_int_equal(fc_load_calls(&d, calls, strlen(calls), "c.csv", &e), 0);
    struct fc_score *s = xcalloc(d.npeople, sizeof *s);
    fc_call_accuracy(&d, day("2026-07-15"), s);
    const struct fc_score *ana = &s[fc_person_find(&d, "ana")], *boss = &s[fc_person_find(&d, "boss")];
    assert_int_equal(ana->n, 3);
    assert_int_equal(ana->nzero, 1);
    assert_int_equal(ana->mape_bp, 2000); /* (0.2 + 0.2) / 2 */
    assert_true(ana->has_bias);
    assert_int_equal(ana->bias_bp, 2500); /* (800 + 1200 + 500 - 2000) / 2000: optimistic */
    assert_int_equal(boss->n, 1);         /* their subtree booked ana's 1000 */
    assert_int_equal(boss->mape_bp, 0);
    assert_int_equal(boss->bias_bp, 0);
    /* once Q3 has ended, ana's call of 5000 for 700 counts too */
    fc_call_accuracy(&d, day("2026-09-30"), s);
    assert_int_equal(ana->n, 4);
    assert_int_equal(ana->bias_bp, llround((800 + 1200 + 500 + 5000 - 2700) / 2700.0 * 10000));
    free(s);
    fc_data_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period),
        cmocka_unit_test(test_history_errors),
        cmocka_unit_test(test_deal_at),
        cmocka_unit_test(test_monte_carlo_exact),
        cmocka_unit_test(test_monte_carlo_swing),
        cmocka_unit_test(test_monte_carlo_new_business),
        cmocka_unit_test(test_model_by_hand),
        cmocka_unit_test(test_backtest_by_hand),
        cmocka_unit_test(test_call_accuracy_by_hand),
        cmocka_unit_test(test_fit_ignores_empty_people),
        cmocka_unit_test(test_table_loaders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
