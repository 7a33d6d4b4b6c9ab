/* test_comp.c -- the compensation engine, by hand-computed example, feature by feature.
 *
 * Money is in cents. Every expected amount has its arithmetic beside it. Plans are
 * written with ' for " to keep them readable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "comp/comp.h"
#include "comp/comp_io.h"
#include "core/mem.h"

/* ---- helpers ------------------------------------------------------------------------- */

/* "{'a': 1}" -> "{\"a\": 1}" (malloc'd) */
static char *q(const char *s)
{
    char *o = xstrdup(s);
    for (char *p = o; *p; p++)
        if (*p == '\'') *p = '"';
    return o;
}

/* A plan starting 2026-01-01, quarterly quota, monthly payouts, with `extra`
 * top-level fields (ending with a comma) and `components`. */
static char *plan_text(const char *extra, const char *components)
{
    char *raw = xasprintf("{'name': 'test', 'effective_from': '2026-01-01', %s "
                          "'components': [%s]}",
                          extra, components);
    char *out = q(raw);
    free(raw);
    return out;
}

struct fx {
    struct comp_plan *plan;
    struct comp_data d;
    struct comp_input in;
    struct comp_result r;
    struct err e;
    int rc;
};

/* Parse and run; rc and e hold the first failure. */
static void run(struct fx *f, const char *extra, const char *components, const char *people,
                const char *quotas, const char *credits, const char *until)
{
    memset(f, 0, sizeof *f);
    comp_data_init(&f->d);
    char *plan = plan_text(extra, components);
    f->rc = comp_plan_parse(plan, strlen(plan), &f->plan, &f->e);
    free(plan);
    if (f->rc) return;
    if (people && (f->rc = comp_read_people(&f->d, "people.csv", people, strlen(people), &f->e)))
        return;
    if ((f->rc = comp_read_quotas(&f->d, f->plan, "quotas.csv", quotas, strlen(quotas), &f->e)))
        return;
    if ((f->rc = comp_read_credits(&f->d, f->plan, "credits.csv", credits, strlen(credits), &f->e)))
        return;
    int32_t first, last;
    enum comp_period_kind kind;
    assert_int_equal(comp_period_parse(until, &first, &last, &kind), 0);
    f->in = comp_data_input(&f->d, f->plan, last);
    f->rc = comp_run(&f->in, &f->r, &f->e);
}

static void run_ok(struct fx *f, const char *extra, const char *components, const char *people,
                   const char *quotas, const char *credits, const char *until)
{
    run(f, extra, components, people, quotas, credits, until);
    if (f->rc) fail_msg("run failed: %s", f->e.msg);
}

static void done(struct fx *f)
{
    comp_result_release(&f->r);
    comp_data_release(&f->d);
    comp_plan_free(f->plan);
}

static int32_t month_of(const char *label)
{
    int32_t first, last;
    enum comp_period_kind kind;
    assert_int_equal(comp_period_parse(label, &first, &last, &kind), 0);
    return first;
}

static const struct comp_payout *payout(struct fx *f, const char *person, const char *period)
{
    int32_t m = month_of(period);
    for (size_t i = 0; i < f->r.npayouts; i++)
        if (f->r.payouts[i].month == m && !strcmp(f->in.people[f->r.payouts[i].person].id, person))
            return &f->r.payouts[i];
    fail_msg("no payout for %s in %s", person, period);
    return NULL;
}

/* The sum of `person`'s lines with `rule` (-1 for all) in `period` (NULL for all). */
static int64_t sum(struct fx *f, const char *person, int rule, const char *period)
{
    int64_t s = 0;
    int32_t m = period ? month_of(period) : 0;
    for (size_t i = 0; i < f->r.nlines; i++) {
        const struct comp_line *l = &f->r.lines[i];
        if (strcmp(f->in.people[l->person].id, person)) continue;
        if (rule >= 0 && (int)l->rule != rule) continue;
        if (period && l->month != m) continue;
        s += l->amount;
    }
    return s;
}

/* The n-th (0-based) line of `person` with `rule` for credit id `credit` (NULL: any). */
static const struct comp_line *line(struct fx *f, const char *person, int rule, const char *credit,
                                    int n)
{
    for (size_t i = 0; i < f->r.nlines; i++) {
        const struct comp_line *l = &f->r.lines[i];
        if (strcmp(f->in.people[l->person].id, person) || (int)l->rule != rule) continue;
        if (credit && (l->credit < 0 || strcmp(f->in.credits[l->credit].id, credit))) continue;
        if (n-- == 0) return l;
    }
    fail_msg("no line %d of rule %s for %s", n, comp_rule_name(rule), credit ? credit : "-");
    return NULL;
}

static size_t count(struct fx *f, int rule)
{
    size_t n = 0;
    for (size_t i = 0; i < f->r.nlines; i++)
        n += (int)f->r.lines[i].rule == rule;
    return n;
}

static char *explain(struct fx *f, const struct comp_line *l)
{
    struct sb b = SB_INIT;
    comp_line_explain(&f->in, l, l->ref >= 0 ? &f->r.lines[l->ref] : NULL, &b);
    return sb_detach(&b);
}

/* Quota of 100,000.00 for ana in each quarter of 2026. */
static const char QUOTA_ANA[] = "person,period,amount\n"
                                "ana,2026-Q1,10000000\nana,2026-Q2,10000000\n"
                                "ana,2026-Q3,10000000\nana,2026-Q4,10000000\n";

#define TIERS_3(mode, r1, r2, r3, retro2)                                                          \
    "{'id': 'c', 'type': 'commission', 'mode': '" mode "', 'tiers': ["                             \
    "{'from_bp': 0, 'to_bp': 5000, 'rate_ppm': " #r1 "},"                                          \
    "{'from_bp': 5000, 'to_bp': 10000, 'rate_ppm': " #r2 retro2 "},"                               \
    "{'from_bp': 10000, 'rate_ppm': " #r3 "}]}"

/* ---- rounding ------------------------------------------------------------------------ */

static void test_rounding_half_even(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(comp_round_ppm(25, 100000, &v), 0); /* 2.5 -> 2 (even) */
    assert_int_equal(v, 2);
    assert_int_equal(comp_round_ppm(35, 100000, &v), 0); /* 3.5 -> 4 (even) */
    assert_int_equal(v, 4);
    assert_int_equal(comp_round_ppm(-25, 100000, &v), 0); /* -2.5 -> -2 */
    assert_int_equal(v, -2);
    assert_int_equal(comp_round_ppm(26, 100000, &v), 0); /* 2.6 -> 3 */
    assert_int_equal(v, 3);
    assert_int_equal(comp_round_ppm(24, 100000, &v), 0); /* 2.4 -> 2 */
    assert_int_equal(v, 2);
    assert_int_equal(comp_round_bp(5, 5000, &v), 0); /* 2.5 -> 2 */
    assert_int_equal(v, 2);
    /* 9.2e18 * 2 does not fit: refused, not wrapped */
    assert_int_equal(comp_round_ppm(INT64_MAX, 2000000, &v), REINS_EINVAL);
    /* but a 128-bit intermediate does not overflow: (2^62 * 1e6) / 1e6 */
    assert_int_equal(comp_round_ppm((int64_t)1 << 62, 1000000, &v), 0);
    assert_true(v == (int64_t)1 << 62);
}

/* ---- rate tables --------------------------------------------------------------------- */

static void test_marginal_split_across_boundary(void **state)
{
    (void)state;
    struct fx f;
    run_ok(&f, "", TIERS_3("marginal", 50000, 100000, 150000, ""), NULL, QUOTA_ANA,
           "id,deal,person,date,amount\n"
           "1,A,ana,2026-01-10,4000000\n" /* 40,000: tier 1 at 5% = 2,000.00 */
           "2,B,ana,2026-01-20,3000000\n" /* 40k..70k: 10k at 5% = 500, 20k at 10% = 2,000 */
           "3,C,ana,2026-02-03,3000000\n" /* 70k..100k: exactly to 100%: 30k at 10% = 3,000 */
           "4,D,ana,2026-02-04,100000\n", /* 100k..101k: tier 3 at 15% = 150.00 */
           "2026-03");
    const struct comp_line *b1 = line(&f, "ana", COMP_RULE_TIER, "2", 0);
    const struct comp_line *b2 = line(&f, "ana", COMP_RULE_TIER, "2", 1);
    assert_int_equal(b1->tier, 0);
    assert_int_equal(b1->base, 1000000);
    assert_int_equal(b1->amount, 50000);
    assert_int_equal(b2->tier, 1);
    assert_int_equal(b2->base, 2000000);
    assert_int_equal(b2->amount, 200000);
    /* a credit that ends exactly on the boundary stays wholly in tier 2 */
    const struct comp_line *c = line(&f, "ana", COMP_RULE_TIER, "3", 0);
    assert_int_equal(c->tier, 1);
    assert_int_equal(c->amount, 300000);
    assert_int_equal(c->attainment_bp, 10000);
    const struct comp_line *d = line(&f, "ana", COMP_RULE_TIER, "4", 0);
    assert_int_equal(d->tier, 2);
    assert_int_equal(d->amount, 15000);
    /* January 2,000 + 500 + 2,000; February 3,000 + 150 */
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 450000);
    assert_int_equal(payout(&f, "ana", "2026-02")->payout, 315000);
    assert_int_equal(count(&f, COMP_RULE_RERATE), 0); /* marginal never re-rates */
    char *s = explain(&f, b2);
    assert_non_null(strstr(s, "tier 2 (50% to 100% of quota)"));
    assert_non_null(strstr(s, "20,000.00"));
    assert_non_null(strstr(s, "10% = 2,000.00"));
    free(s);
    done(&f);
}

static void test_retroactive(void **state)
{
    (void)state;
    struct fx f;
    run_ok(&f, "", TIERS_3("retroactive", 50000, 100000, 120000, ""), NULL, QUOTA_ANA,
           "id,deal,person,date,amount\n"
           "1,A,ana,2026-01-10,4000000\n"  /* 40k at 5% = 2,000 */
           "2,B,ana,2026-02-10,2000000\n", /* to 60k: everything at 10% */
           "2026-03");
    /* Feb: B's 10k in tier 1 and 10k in tier 2 both at 10% = 1,000 + 1,000; A re-rated:
     * round(40k * 10%) = 4,000 less 2,000 paid = 2,000. Feb 4,000; Jan 2,000; total
     * 6,000 = 60k * 10%. */
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 200000);
    assert_int_equal(payout(&f, "ana", "2026-02")->payout, 400000);
    const struct comp_line *re = line(&f, "ana", COMP_RULE_RERATE, "1", 0);
    assert_int_equal(re->prev_rate_ppm, 50000);
    assert_int_equal(re->rate_ppm, 100000);
    assert_int_equal(re->already, 200000);
    assert_int_equal(re->amount, 200000);
    assert_int_equal(line(&f, "ana", COMP_RULE_TIER, "2", 0)->why, COMP_WHY_RETRO);
    assert_int_equal(payout(&f, "ana", "2026-03")->earned_to_date, 600000);
    done(&f);
}

/* The common plan: below 50% half rate; at 50% the full rate back to the first deal;
 * above 100% 1.5x on new volume only. Monthly payouts against a quarterly quota. */
static void test_mixed_across_months_with_true_ups(void **state)
{
    (void)state;
    struct fx f;
    run_ok(&f, "", TIERS_3("mixed", 50000, 100000, 150000, ", 'retroactive': true"), NULL,
           QUOTA_ANA,
           "id,deal,person,date,amount\n"
           "1,A,ana,2026-01-15,3000000\n"  /* Jan: 30k at 5% = 1,500 */
           "2,B,ana,2026-02-15,3000000\n"  /* Feb: to 60k */
           "3,C,ana,2026-03-15,5000000\n"  /* Mar: to 110k */
           "4,D,ana,2026-04-15,1000000\n", /* Apr: a new quarter starts at 0% */
           "2026-04");
    /* Jan: 1,500. */
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 150000);
    /* Feb: B's 20k in tier 1 at 10% (50% reached) = 2,000, 10k in tier 2 = 1,000; A's 30k
     * re-rated: round(30k * 10%) = 3,000 less 1,500 paid = +1,500. Feb = 4,500; earned to
     * date 6,000 = 60k * 10%, paid to date 1,500: the true-up. */
    const struct comp_payout *feb = payout(&f, "ana", "2026-02");
    assert_int_equal(feb->payout, 450000);
    assert_int_equal(feb->earned_to_date, 600000);
    assert_int_equal(feb->paid_to_date, 150000);
    assert_int_equal(feb->attainment_bp, 6000);
    assert_int_equal(line(&f, "ana", COMP_RULE_RERATE, "1", 0)->amount, 150000);
    /* Mar: C's 40k in tier 2 at 10% = 4,000 and 10k above 100% at 15% = 1,500; tier 3 is
     * not retroactive, nothing earlier changes. Mar = 5,500; to date 11,500 = 100k * 10% +
     * 10k * 15%. */
    assert_int_equal(payout(&f, "ana", "2026-03")->payout, 550000);
    assert_int_equal(payout(&f, "ana", "2026-03")->earned_to_date, 1150000);
    assert_int_equal(count(&f, COMP_RULE_RERATE), 1);
    /* Apr: Q2 from zero, 10k at half rate = 500. */
    assert_int_equal(payout(&f, "ana", "2026-04")->payout, 50000);
    assert_int_equal(payout(&f, "ana", "2026-04")->attainment_bp, 1000);
    char *s = explain(&f, line(&f, "ana", COMP_RULE_RERATE, "1", 0));
    assert_non_null(strstr(s, "re-rated from 5% to 10%"));
    assert_non_null(strstr(s, "1,500.00 was already paid"));
    free(s);
    done(&f);
}

static void test_threshold_hold_and_forfeit(void **state)
{
    (void)state;
    const char *credits = "id,deal,person,date,amount\n"
                          "1,A,ana,2026-01-10,2000000\n"  /* 20k: below 25% */
                          "2,B,ana,2026-02-10,1000000\n"; /* to 30k: 5k below, 5k above */
    struct fx f;
    run_ok(&f, "",
           "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'threshold': {'at_bp': 2500, "
           "'type': 'hold'}, 'tiers': [{'from_bp': 0, 'rate_ppm': 100000}]}",
           NULL, QUOTA_ANA, credits, "2026-03");
    /* hold: Jan 0 (20k held); Feb 25% reached: B's 5k + 5k at 10% = 1,000 and A's 20k
     * released: 2,000. Total 3,000 = 30k * 10%. */
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 0);
    assert_int_equal(line(&f, "ana", COMP_RULE_TIER, "1", 0)->why, COMP_WHY_HELD);
    assert_int_equal(payout(&f, "ana", "2026-02")->payout, 300000);
    assert_int_equal(line(&f, "ana", COMP_RULE_RERATE, "1", 0)->amount, 200000);
    done(&f);
    run_ok(&f, "",
           "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'threshold': {'at_bp': 2500, "
           "'type': 'forfeit'}, 'tiers': [{'from_bp': 0, 'rate_ppm': 100000}]}",
           NULL, QUOTA_ANA, credits, "2026-03");
    /* forfeit: only the 5k above 25% is ever paid: 500. */
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 0);
    assert_int_equal(payout(&f, "ana", "2026-02")->payout, 50000);
    assert_int_equal(count(&f, COMP_RULE_RERATE), 0);
    assert_int_equal(line(&f, "ana", COMP_RULE_TIER, "2", 0)->why, COMP_WHY_FORFEIT);
    done(&f);
}

/* ---- caps ---------------------------------------------------------------------------- */

static void test_caps(void **state)
{
    (void)state;
    struct fx f;
    /* 10% flat, at most 1,000 per credit and 2,500 per quarter on the component */
    run_ok(&f, "",
           "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'cap_per_credit': 100000, "
           "'cap': {'amount': 250000}, 'tiers': [{'from_bp': 0, 'rate_ppm': 100000}]}",
           NULL, QUOTA_ANA,
           "id,deal,person,date,amount\n"
           "1,A,ana,2026-01-10,1500000\n" /* 1,500 -> credit cap: -500 -> 1,000 */
           "2,B,ana,2026-01-20,800000\n"  /* 800 -> 1,800 this quarter */
           "3,C,ana,2026-02-10,1000000\n" /* 1,000 -> 2,800 uncapped: component cap -300 */
           "4,D,ana,2026-04-10,500000\n", /* a new quarter: 500, uncapped */
           "2026-04");
    const struct comp_line *cc = line(&f, "ana", COMP_RULE_CAP_CREDIT, "1", 0);
    assert_int_equal(cc->amount, -50000);
    assert_int_equal(cc->base, 150000);    /* uncapped */
    assert_int_equal(cc->already, 100000); /* the cap */
    assert_int_equal(line(&f, "ana", COMP_RULE_CAP_COMPONENT, "3", 0)->amount, -30000);
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 180000);
    assert_int_equal(payout(&f, "ana", "2026-02")->payout, 70000);
    assert_int_equal(payout(&f, "ana", "2026-04")->payout, 50000);
    done(&f);

    /* plan cap over two components: 3,000 per quarter */
    run_ok(&f, "'cap': {'amount': 300000},",
           "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
           "'rate_ppm': 100000}]}, {'id': 's', 'type': 'spif', 'amount': 100000}",
           NULL, QUOTA_ANA,
           "id,deal,person,date,amount\n"
           "1,A,ana,2026-01-10,1500000\n" /* 1,500 + SPIF 1,000 = 2,500 */
           "2,B,ana,2026-01-20,500000\n", /* 500 -> 3,000; SPIF 1,000 -> cut to 0 */
           "2026-03");
    assert_int_equal(line(&f, "ana", COMP_RULE_CAP_PLAN, "2", 0)->amount, -100000);
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 300000);
    done(&f);

    /* a clawback gives capped room back: cap 1,000/quarter; A 800, B 500 (cut by 300);
     * A cancelled: -800, and B's 300 is released: net -500, leaving B's 500. */
    run_ok(&f, "'clawback_days': 90,",
           "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'cap': {'amount': 100000}, "
           "'tiers': [{'from_bp': 0, 'rate_ppm': 100000}]}",
           NULL, QUOTA_ANA,
           "id,deal,person,date,amount,cancelled_on\n"
           "1,A,ana,2026-01-10,800000,2026-02-01\n"
           "2,B,ana,2026-01-20,500000,\n",
           "2026-03");
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 100000);
    assert_int_equal(sum(&f, "ana", COMP_RULE_CLAWBACK, "2026-02"), -80000);
    assert_int_equal(sum(&f, "ana", COMP_RULE_CAP_COMPONENT, "2026-02"), 30000);
    assert_int_equal(payout(&f, "ana", "2026-02")->payout, -50000);
    done(&f);
}

/* ---- milestones and SPIFs ------------------------------------------------------------ */

static void test_milestones(void **state)
{
    (void)state;
    struct fx f;
    run_ok(&f, "'clawback_days': 30,",
           "{'id': 'm', 'type': 'milestone', 'milestones': [{'at_bp': 10000, 'amount': 250000},"
           "{'at_bp': 15000, 'amount': 500000}]}",
           NULL, QUOTA_ANA,
           "id,deal,person,date,amount,cancelled_on\n"
           "1,A,ana,2026-01-10,6000000,\n"
           "2,B,ana,2026-02-10,4000000,2026-03-01\n" /* exactly 100%: 2,500 */
           "3,C,ana,2026-03-10,1000000,\n",          /* back to 70%: nothing */
           "2026-03");
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 0);
    assert_int_equal(payout(&f, "ana", "2026-02")->payout, 250000);
    /* B cancelled in March: attainment 60%, the bonus taken back, linked to its line */
    const struct comp_line *lost = line(&f, "ana", COMP_RULE_MILESTONE_LOST, NULL, 0);
    assert_int_equal(lost->amount, -250000);
    assert_int_equal(f.r.lines[lost->ref].rule, COMP_RULE_MILESTONE);
    assert_int_equal(payout(&f, "ana", "2026-03")->payout, -250000);
    assert_int_equal(count(&f, COMP_RULE_MILESTONE), 1);
    done(&f);
}

static void test_spifs(void **state)
{
    (void)state;
    struct fx f;
    run_ok(&f, "",
           "{'id': 'fixed', 'type': 'spif', 'amount': 50000, 'filter': {'products': ['Analytics'],"
           " 'deal_types': ['new'], 'from': '2026-01-01', 'to': '2026-01-31'}},"
           "{'id': 'pct', 'type': 'spif', 'rate_ppm': 20000, 'filter': {'min_amount': 1000000}}",
           NULL, "person,period,amount\nana,2026-Q1,1\nben,2026-Q1,1\n",
           "id,deal,person,date,amount,split_bp,product,deal_type\n"
           "1,A,ana,2026-01-10,2000000,6000,Analytics,new\n"      /* fixed 500 * 60% = 300 */
           "2,A,ben,2026-01-10,2000000,4000,Analytics,new\n"      /* fixed 500 * 40% = 200 */
           "3,B,ana,2026-01-11,500000,,Analytics,renewal\n"       /* not new; under min */
           "4,C,ana,2026-02-11,1000001,,Analytics,new\n"          /* Feb: only 2% = 20,000.02 */
           "5,D,ben,2026-01-12,100000,,Core; Analytics ,new\n"    /* one of its products: 500 */
           "6,E,ben,2026-01-13,100000,,Core;AnalyticsPlus,new\n", /* none of them */
           "2026-02");
    /* pct: A is 20,000 >= 10,000: ana's 12,000 * 2% = 240, ben's 8,000 * 2% = 160;
     * C: 10,000.01 * 2% = 200.0002 -> 200.00 */
    assert_int_equal(line(&f, "ana", COMP_RULE_SPIF_FIXED, "1", 0)->amount, 30000);
    assert_int_equal(line(&f, "ben", COMP_RULE_SPIF_FIXED, "2", 0)->amount, 20000);
    assert_int_equal(line(&f, "ana", COMP_RULE_SPIF_RATE, "1", 0)->amount, 24000);
    assert_int_equal(line(&f, "ben", COMP_RULE_SPIF_RATE, "2", 0)->amount, 16000);
    assert_int_equal(line(&f, "ben", COMP_RULE_SPIF_FIXED, "5", 0)->amount, 50000);
    assert_int_equal(count(&f, COMP_RULE_SPIF_FIXED), 3);
    assert_int_equal(line(&f, "ana", COMP_RULE_SPIF_RATE, "4", 0)->amount, 20000);
    assert_int_equal(count(&f, COMP_RULE_SPIF_RATE), 3);
    done(&f);
}

/* ---- crediting ----------------------------------------------------------------------- */

static void test_splits_overlay_rollup(void **state)
{
    (void)state;
    struct fx f;
    /* 1,000.01 split 33.33/33.33/33.34: 333.30, 333.30 and the last takes the rest,
     * 333.41, so the splits add up to the deal exactly. */
    run_ok(&f, "",
           "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'credit': {'direct': 10000, "
           "'overlay': 5000, 'rollup': 10000}, 'tiers': [{'from_bp': 0, 'rate_ppm': 100000}]}",
           "person,manager\nvp,\nmgr,vp\nana,mgr\nben,mgr\ncy,mgr\nol,\n",
           "person,period,amount\nana,2026-Q1,1\nben,2026-Q1,1\ncy,2026-Q1,1\n"
           "ol,2026-Q1,1\nmgr,2026-Q1,1\n",
           "id,deal,person,date,amount,split_bp,role\n"
           "1,A,ana,2026-01-10,100001,3333,direct\n"
           "2,A,ben,2026-01-10,100001,3333,direct\n"
           "3,A,cy,2026-01-10,100001,3334,direct\n"
           "4,A,ol,2026-01-10,100001,10000,overlay\n",
           "2026-01");
    assert_int_equal(line(&f, "ana", COMP_RULE_TIER, "1", 0)->base, 33330);
    assert_int_equal(line(&f, "ben", COMP_RULE_TIER, "2", 0)->base, 33330);
    assert_int_equal(line(&f, "cy", COMP_RULE_TIER, "3", 0)->base, 33341);
    /* overlay counted at 50% of its credit: 500.005 -> 500.00 (half-even on 50000.5),
     * paid 10% = 50.00 */
    assert_int_equal(line(&f, "ol", COMP_RULE_TIER, "4", 0)->base, 50000);
    assert_int_equal(line(&f, "ol", COMP_RULE_TIER, "4", 0)->amount, 5000);
    /* roll-up: the manager (with a quota) is credited each direct credit in full:
     * 100,001 at 10% over three lines: 3,333 + 3,333 + 3,334 = 10,000 (each rounded) */
    assert_int_equal(sum(&f, "mgr", COMP_RULE_TIER, NULL), 3333 + 3333 + 3334);
    /* vp has no quota: not a payee on this plan */
    for (size_t i = 0; i < f.r.npayouts; i++)
        assert_string_not_equal(f.in.people[f.r.payouts[i].person].id, "vp");
    char *s = explain(&f, line(&f, "mgr", COMP_RULE_TIER, "1", 0));
    assert_non_null(strstr(s, "rollup"));
    assert_non_null(strstr(s, "from ana"));
    free(s);
    done(&f);
}

static void test_split_refusals(void **state)
{
    (void)state;
    struct fx f;
    const char *c = "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp':"
                    " 0, 'rate_ppm': 100000}]}";
    run(&f, "", c, NULL, QUOTA_ANA,
        "id,deal,person,date,amount,split_bp\n"
        "1,A,ana,2026-01-10,1000,6000\n"
        "2,A,ana,2026-01-10,1000,5000\n",
        "2026-01");
    assert_int_equal(f.rc, REINS_EINVAL);
    assert_non_null(strstr(f.e.msg, "credits.csv line 3: field split_bp"));
    assert_non_null(strstr(f.e.msg, "11000"));
    done(&f);
    run(&f, "", c, NULL, QUOTA_ANA,
        "id,deal,person,date,amount,split_bp\n1,A,ana,2026-01-10,1000,6000\n", "2026-01");
    assert_non_null(strstr(f.e.msg, "credits.csv line 2: field split_bp"));
    assert_non_null(strstr(f.e.msg, "exactly 10000"));
    done(&f);
    run(&f, "", c, NULL, QUOTA_ANA,
        "id,deal,person,date,amount\n1,A,ana,2026-01-10,1000\n2,A,ana,2026-01-10,2000\n",
        "2026-01");
    assert_non_null(strstr(f.e.msg, "credits.csv line 3: field amount: differs from line 2"));
    done(&f);
}

/* ---- draws and clawbacks ------------------------------------------------------------- */

static void test_recoverable_draw(void **state)
{
    (void)state;
    struct fx f;
    run_ok(&f, "'draw': {'type': 'recoverable', 'amount': 200000},",
           "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
           "'rate_ppm': 100000}]}",
           NULL, QUOTA_ANA,
           "id,deal,person,date,amount\n"
           "1,A,ana,2026-01-10,500000\n"   /* Jan earns 500 */
           "2,B,ana,2026-02-10,1000000\n"  /* Feb earns 1,000 */
           "3,C,ana,2026-03-10,4000000\n"  /* Mar earns 4,000 */
           "4,D,ana,2026-04-10,3000000\n", /* Apr earns 3,000 */
           "2026-05");
    /* Jan: 500 < 2,000: 1,500 advanced, owed 1,500; paid 2,000 */
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 200000);
    assert_int_equal(payout(&f, "ana", "2026-01")->draw_balance, 150000);
    /* Feb: 1,000 < 2,000: 1,000 more advanced, owed 2,500 */
    assert_int_equal(payout(&f, "ana", "2026-02")->draw_balance, 250000);
    /* Mar: 4,000 is 2,000 above the draw: all of it recovers, owed 500; paid 2,000 */
    assert_int_equal(payout(&f, "ana", "2026-03")->draw, -200000);
    assert_int_equal(payout(&f, "ana", "2026-03")->payout, 200000);
    assert_int_equal(payout(&f, "ana", "2026-03")->draw_balance, 50000);
    /* Apr: 3,000, 1,000 above the draw: the last 500 recovered; paid 2,500 */
    assert_int_equal(payout(&f, "ana", "2026-04")->payout, 250000);
    assert_int_equal(payout(&f, "ana", "2026-04")->draw_balance, 0);
    /* May: nothing earned: the draw is advanced again */
    assert_int_equal(payout(&f, "ana", "2026-05")->payout, 200000);
    char *s = explain(&f, line(&f, "ana", COMP_RULE_DRAW_RECOVERY, NULL, 0));
    assert_non_null(strstr(s, "2,000.00 goes to repay"));
    assert_non_null(strstr(s, "500.00 is still owed"));
    free(s);
    done(&f);
}

static void test_non_recoverable_draw(void **state)
{
    (void)state;
    struct fx f;
    run_ok(&f, "'draw': {'type': 'non_recoverable', 'amount': 200000, 'payout_periods': 2},",
           "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
           "'rate_ppm': 100000}]}",
           NULL, QUOTA_ANA,
           "id,deal,person,date,amount\n"
           "1,A,ana,2026-01-10,500000\n"   /* Jan earns 500: topped up by 1,500 */
           "2,B,ana,2026-02-10,3000000\n", /* Feb earns 3,000: nothing taken back */
           "2026-03");
    assert_int_equal(payout(&f, "ana", "2026-01")->draw, 150000);
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 200000);
    assert_int_equal(payout(&f, "ana", "2026-02")->payout, 300000);
    assert_int_equal(payout(&f, "ana", "2026-03")->payout, 0); /* the guarantee ended */
    assert_int_equal(count(&f, COMP_RULE_DRAW_RECOVERY), 0);
    done(&f);
}

static void test_clawback(void **state)
{
    (void)state;
    struct fx f;
    run_ok(&f, "'clawback_days': 60,",
           TIERS_3("mixed", 50000, 100000, 150000, ", 'retroactive': true"), NULL, QUOTA_ANA,
           "id,deal,person,date,amount,cancelled_on\n"
           "1,A,ana,2026-01-10,4000000,\n"           /* 40k at 5% = 2,000 */
           "2,B,ana,2026-01-20,2000000,2026-02-15\n" /* to 60k: 1,000 + 1,000, A +2,000 */
           "3,C,ana,2026-02-20,1000000,\n"           /* 50k again: tier 2 again, 10% */
           "4,D,ana,2026-01-05,100000,2026-04-30\n", /* cancelled after 115 days: kept */
           "2026-04");
    /* D first (Jan 5): 1k at 5% = 50. A: 40k at 5% = 2,000. B: 41k..61k: 9k in tier 1 and
     * 11k in tier 2, both at 10% = 900 + 1,100; D and A re-rated: +50, +2,000.
     * Jan = 50 + 2,000 + 2,000 + 2,050 = 6,100. */
    assert_int_equal(payout(&f, "ana", "2026-01")->payout, 610000);
    /* Feb 15: B cancelled within 60 days: its 900 and 1,100 reversed, each linked; 61k -> 41k
     * is below 50%: A and D go back to 5%: -2,000 and -50. Feb 20: C to 51k, over 50% again:
     * 9k in tier 1 at 10% = 900, 1k in tier 2 = 100, A and D +2,050.
     * Feb = -2,000 - 2,050 + 1,000 + 2,050 = -1,000. */
    const struct comp_line *cb = line(&f, "ana", COMP_RULE_CLAWBACK, "2", 0);
    assert_int_equal(f.r.lines[cb->ref].credit, cb->credit);
    assert_int_equal(cb->amount, -f.r.lines[cb->ref].amount);
    assert_int_equal(sum(&f, "ana", COMP_RULE_CLAWBACK, "2026-02"), -200000);
    assert_int_equal(payout(&f, "ana", "2026-02")->payout, -100000);
    /* everything paid on B nets to zero */
    int64_t on_b = 0;
    for (size_t i = 0; i < f.r.nlines; i++)
        if (f.r.lines[i].credit >= 0 && !strcmp(f.in.credits[f.r.lines[i].credit].id, "2"))
            on_b += f.r.lines[i].amount;
    assert_int_equal(on_b, 0);
    /* to date: 51k with tier 2 reached: 50k * 10% + 1k * 10% = 5,100 */
    assert_int_equal(payout(&f, "ana", "2026-02")->earned_to_date, 510000);
    /* D was cancelled after the window: nothing clawed back */
    assert_int_equal(f.r.late_cancellations, 1);
    assert_int_equal(f.r.clawbacks, 1);
    char *s = explain(&f, cb);
    assert_non_null(strstr(s, "was cancelled on 2026-02-15, 26 days after closing"));
    free(s);
    done(&f);
}

/* ---- order, quotas, refusals --------------------------------------------------------- */

static void test_order_date_then_id(void **state)
{
    (void)state;
    struct fx f;
    run_ok(&f, "", TIERS_3("marginal", 50000, 100000, 150000, ""), NULL, QUOTA_ANA,
           "id,deal,person,date,amount\n"
           "x,C,ana,2026-01-10,1000000\n"
           "10,B,ana,2026-01-10,4000000\n"
           "9,A,ana,2026-01-10,4000000\n",
           "2026-01");
    /* 9 (numerically before 10) fills 0..40k, 10 straddles 50%, x (not a number) last */
    assert_int_equal(line(&f, "ana", COMP_RULE_TIER, "9", 0)->attainment_bp, 4000);
    assert_int_equal(line(&f, "ana", COMP_RULE_TIER, "10", 1)->tier, 1);
    assert_int_equal(line(&f, "ana", COMP_RULE_TIER, "x", 0)->attainment_bp, 9000);
    done(&f);
}

static void test_missing_quota_names_the_line(void **state)
{
    (void)state;
    struct fx f;
    run(&f, "", TIERS_3("marginal", 50000, 100000, 150000, ""), NULL,
        "person,period,amount\nana,2026-Q1,100\n",
        "id,deal,person,date,amount\n1,A,ana,2026-01-10,10\n2,B,bob,2026-01-11,10\n", "2026-03");
    assert_int_equal(f.rc, REINS_EINVAL);
    assert_non_null(strstr(f.e.msg, "credits line 3: person 'bob' has no quota"));
    assert_non_null(strstr(f.e.msg, "2026-Q1"));
    done(&f);
}

/* A run shared out over threads fails as a run on one thread does: with the first failing
 * person's error, after handing the sink every person before, and no one after. */
struct sink_count {
    size_t calls;
    uint32_t last_person;
    size_t fail_at; /* the call that fails, 0 for none */
    struct err *e;
};

static int count_sink(void *ctx, const struct comp_line *lines, size_t n, size_t first)
{
    (void)first;
    struct sink_count *s = ctx;
    if (++s->calls == s->fail_at) return err_set(s->e, REINS_EIO, "the sink is full");
    if (n) s->last_person = lines[0].person;
    return 0;
}

static void test_shared_run_fails_as_one_thread_does(void **state)
{
    (void)state;
    /* forty sellers (numbered in the quotas file's order) with a January credit each; s25
     * and s33 have a quota for the second quarter only */
    struct sb quotas = SB_INIT, credits = SB_INIT;
    sb_adds(&quotas, "person,period,amount\n");
    sb_adds(&credits, "id,deal,person,date,amount\n");
    for (int i = 0; i < 40; i++) {
        sb_addf(&quotas, "s%d,2026-Q%d,1000000\n", i, i == 25 || i == 33 ? 2 : 1);
        sb_addf(&credits, "%d,D%d,s%d,2026-01-%02d,100000\n", i + 1, i + 1, i, 1 + i % 28);
    }
    static const int workers[] = {1, 2, 4};
    for (size_t w = 0; w < sizeof workers / sizeof *workers; w++) {
        for (int sink_fails = 0; sink_fails < 2; sink_fails++) {
            struct fx f;
            memset(&f, 0, sizeof f);
            comp_data_init(&f.d);
            char *plan = plan_text("", TIERS_3("marginal", 50000, 100000, 150000, ""));
            assert_int_equal(comp_plan_parse(plan, strlen(plan), &f.plan, &f.e), 0);
            free(plan);
            assert_int_equal(
                comp_read_quotas(&f.d, f.plan, "quotas.csv", quotas.buf, quotas.len, &f.e), 0);
            assert_int_equal(
                comp_read_credits(&f.d, f.plan, "credits.csv", credits.buf, credits.len, &f.e), 0);
            f.in = comp_data_input(&f.d, f.plan, month_of("2026-03"));
            f.in.workers = workers[w];
            f.in.chunk_credits = 1; /* a chunk per person */
            struct sink_count sc = {0, UINT32_MAX, sink_fails ? 10 : 0, &f.e};
            f.rc = comp_run_stream(&f.in, count_sink, &sc, &f.r, &f.e);
            if (sink_fails) {
                /* the tenth person's batch is refused: nine were taken, none after */
                assert_int_equal(f.rc, REINS_EIO);
                assert_string_equal(f.e.msg, "the sink is full");
                assert_int_equal(sc.calls, 10);
                assert_int_equal(sc.last_person, 8);
            } else {
                /* s25, on line 27, is the first without a quota: s0 to s24 were handed on */
                assert_int_equal(f.rc, REINS_EINVAL);
                assert_non_null(strstr(f.e.msg, "credits line 27: person 's25' has no quota"));
                assert_int_equal(sc.calls, 25);
                assert_int_equal(sc.last_person, 24);
            }
            assert_null(f.r.payouts);
            done(&f);
        }
    }
    sb_release(&quotas);
    sb_release(&credits);
}

static void test_bad_csv(void **state)
{
    (void)state;
    static const struct {
        const char *people, *quotas, *credits, *want;
    } cases[] = {
        {NULL, "person,period,amount\nana,2026-03,100\n", "id,deal,person,date,amount\n",
         "quotas.csv line 2: field period: '2026-03' is not a quarter"},
        {NULL, "person,period,amount\nana,2026-Q1,-5\n", "id,deal,person,date,amount\n",
         "quotas.csv line 2: field amount: '-5'"},
        {NULL, "person,period,amount\nana,2026-Q1,5\nana,2026-Q1,6\n",
         "id,deal,person,date,amount\n", "quotas.csv line 3: field period"},
        /* no measure is bookings; other people and periods in between */
        {NULL,
         "person,period,amount,measure\nana,2026-Q1,5,\nbo,2026-Q1,5,\nana,2026-Q2,5,\n"
         "ana,2026-Q1,5,pipeline\nana,2026-Q1,6,bookings\n",
         "id,deal,person,date,amount\n",
         "quotas.csv line 6: field period: '2026-Q1' is listed twice for this person and measure"},
        {NULL, "person,period,amount,colour\n", "id,deal,person,date,amount\n",
         "quotas.csv line 1: unknown column 'colour'"},
        {NULL, QUOTA_ANA, "id,deal,person,amount\n", "credits.csv line 1: missing column 'date'"},
        {NULL, QUOTA_ANA, "id,deal,person,date,amount\n1,A,ana,2026-02-30,5\n",
         "credits.csv line 2: field date: '2026-02-30'"},
        {NULL, QUOTA_ANA, "id,deal,person,date,amount\n1,A,ana,2026-02-03,1.50\n",
         "credits.csv line 2: field amount: '1.50' is not a whole number"},
        {NULL, QUOTA_ANA,
         "id,deal,person,date,amount\n1,A,ana,2026-02-03,5\n1,B,ana,2026-02-03,5\n",
         "credits.csv line 3: field id: '1' is the id of an earlier row"},
        {NULL, QUOTA_ANA, "id,deal,person,date,amount,role\n1,A,ana,2026-02-03,5,boss\n",
         "credits.csv line 2: field role: 'boss'"},
        {NULL, QUOTA_ANA,
         "id,deal,person,date,amount,cancelled_on\n1,A,ana,2026-02-03,5,2026-02-01\n",
         "credits.csv line 2: field cancelled_on"},
        {"person,manager\nana,\n", QUOTA_ANA, "id,deal,person,date,amount\n1,A,zed,2026-02-03,5\n",
         "credits.csv line 2: field person: 'zed' is not in the people file"},
        {"person,manager\nana,bo\nbo,ana\n", QUOTA_ANA, "id,deal,person,date,amount\n",
         "people.csv line 2: field manager: 'ana' is in a management cycle"},
        {"person,manager\nana,nobody\n", QUOTA_ANA, "id,deal,person,date,amount\n",
         "people.csv line 2: field manager: 'nobody'"},
        {NULL, QUOTA_ANA, "id,deal,person,date,amount\n1,A,ana,2026-02-03\n",
         "credits.csv line 2: 4 fields, but the header has 5"},
        {NULL, QUOTA_ANA, "id,deal,person,date,amount\n1,\"A,ana,2026-02-03,5\n",
         "credits.csv: line 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct fx f;
        run(&f, "", TIERS_3("marginal", 50000, 100000, 150000, ""), cases[i].people,
            cases[i].quotas, cases[i].credits, "2026-03");
        if (f.rc == 0 || !strstr(f.e.msg, cases[i].want))
            fail_msg("case %zu: want '%s', got rc %d '%s'", i, cases[i].want, f.rc, f.e.msg);
        done(&f);
    }
}

static void test_bad_plans(void **state)
{
    (void)state;
    static const struct {
        const char *extra, *component, *want;
    } cases[] = {
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
         "'to_bp': 6000, 'rate_ppm': 1}, {'from_bp': 5000, 'rate_ppm': 2}]}",
         "components[0].tiers[1].from_bp: overlaps tier 0"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
         "'to_bp': 5000, 'rate_ppm': 1}, {'from_bp': 6000, 'rate_ppm': 2}]}",
         "components[0].tiers[1].from_bp: leaves a gap after tier 0"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
         "'rate_ppm': -5}]}",
         "components[0].tiers[0].rate_ppm: a rate cannot be below zero"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
         "'rate_ppm': 5, 'colour': 'red'}]}",
         "components[0].tiers[0].colour: unknown field"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'credit': {'overlay': "
         "12000}, 'tiers': [{'from_bp': 0, 'rate_ppm': 5}]}",
         "components[0].credit.overlay: 12000 bp is over 100%"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'credit': {'direct': 0}, "
         "'tiers': [{'from_bp': 0, 'rate_ppm': 5}]}",
         "components[0].credit: counts no credit (every share is 0)"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
         "'rate_ppm': 0.05}]}",
         "components[0].tiers[0].rate_ppm: must be a whole number"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
         "'to_bp': 5000, 'rate_ppm': 5}]}",
         "components[0].tiers[0].to_bp: the last tier must be open-ended"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 100, "
         "'rate_ppm': 5}]}",
         "components[0].tiers[0].from_bp: the first tier must start at 0"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp': 0, "
         "'to_bp': 5000, 'rate_ppm': 5}, {'from_bp': 5000, 'rate_ppm': 5, 'retroactive': "
         "true}]}",
         "components[0].tiers[1].retroactive: only a mixed rate table"},
        {"", "{'id': 'c', 'type': 'commission', 'mode': 'sideways', 'tiers': []}",
         "components[0].mode: 'sideways' is not marginal"},
        {"", "{'id': 's', 'type': 'spif', 'amount': 5, 'rate_ppm': 5}",
         "components[0]: a SPIF pays either"},
        {"", "{'id': 's', 'type': 'spif', 'amount': 5}, {'id': 's', 'type': 'spif', 'amount': 5}",
         "components[1].id: 's' is already the id of components[0]"},
        {"",
         "{'id': 'm', 'type': 'milestone', 'milestones': [{'at_bp': 10000, 'amount': 5}, "
         "{'at_bp': 9000, 'amount': 5}]}",
         "components[0].milestones[1].at_bp: milestones must rise"},
        {"'payout_period': 'year',", "{'id': 's', 'type': 'spif', 'amount': 5}",
         "payout_period: cannot be longer than quota_period"},
        {"'draw': {'type': 'sometimes', 'amount': 5},", "{'id': 's', 'type': 'spif', 'amount': 5}",
         "draw.type: 'sometimes'"},
        {"'cap': {'amount': -1},", "{'id': 's', 'type': 'spif', 'amount': 5}",
         "cap.amount: -1 is below"},
        {"'bonus': 1,", "{'id': 's', 'type': 'spif', 'amount': 5}", "plan: bonus: unknown field"},
        {"'name': 'again',", "{'id': 's', 'type': 'spif', 'amount': 5}", "duplicate"},
        {"",
         "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'threshold': {'at_bp': 0, "
         "'type': 'hold'}, 'tiers': [{'from_bp': 0, 'rate_ppm': 5}]}",
         "components[0].threshold.at_bp: 0 is below"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = plan_text(cases[i].extra, cases[i].component);
        struct comp_plan *p = (void *)1;
        struct err e = {0};
        int rc = comp_plan_parse(text, strlen(text), &p, &e);
        if (rc != REINS_EINVAL || p != NULL || !strstr(e.msg, cases[i].want))
            fail_msg("case %zu: want '%s', got rc %d '%s'", i, cases[i].want, rc, e.msg);
        free(text);
    }
    /* not a quarter start, not JSON at all */
    struct comp_plan *p;
    struct err e = {0};
    char *t = q("{'name': 'x', 'effective_from': '2026-02-01', 'components': []}");
    assert_int_equal(comp_plan_parse(t, strlen(t), &p, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "effective_from: must start a quota period"));
    free(t);
    assert_int_equal(comp_plan_parse("{", 1, &p, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "plan: line 1"));
}

/* Rising ids and deal numbers are proven distinct without maps; the first key that does
 * not rise must still find every earlier one. */
static void test_reader_keys_out_of_order(void **state)
{
    (void)state;
    struct fx f;
    const char *c = "{'id': 'c', 'type': 'commission', 'mode': 'marginal', 'tiers': [{'from_bp':"
                    " 0, 'rate_ppm': 100000}]}";
    /* id 2 again after rising ids */
    run(&f, "", c, NULL, QUOTA_ANA,
        "id,deal,person,date,amount\n1,D1,ana,2026-01-10,1000\n2,D2,ana,2026-01-10,1000\n"
        "3,D3,ana,2026-01-10,1000\n2,D4,ana,2026-01-10,1000\n",
        "2026-01");
    assert_int_equal(f.rc, REINS_EINVAL);
    assert_non_null(strstr(f.e.msg, "credits.csv line 5: field id: '2' is the id of an earlier"));
    done(&f);
    /* deal D1 comes back after D2: its splits add up across the file (60% + 40%),
     * so ana gets 600 and 400 of it; a later disagreement names D1's first line */
    run_ok(&f, "", c, NULL, QUOTA_ANA,
           "id,deal,person,date,amount,split_bp\n1,D1,ana,2026-01-10,1000,6000\n"
           "2,D2,ana,2026-01-11,500,\n3,D1,ana,2026-01-10,1000,4000\n",
           "2026-01");
    assert_int_equal(f.d.ncredits, 3);
    assert_int_equal(f.d.credits[0].amount, 600);
    assert_int_equal(f.d.credits[2].amount, 400);
    assert_ptr_equal(f.d.credits[0].deal, f.d.credits[2].deal);
    done(&f);
    run(&f, "", c, NULL, QUOTA_ANA,
        "id,deal,person,date,amount,split_bp\n1,D1,ana,2026-01-10,1000,6000\n"
        "2,D2,ana,2026-01-11,500,\n3,D1,ana,2026-01-12,1000,4000\n",
        "2026-01");
    assert_non_null(strstr(f.e.msg, "credits.csv line 4: field date: differs from line 2"));
    done(&f);
    /* ids that do not rise from the start, and "07" beside "7": different ids */
    run_ok(&f, "", c, NULL, QUOTA_ANA,
           "id,deal,person,date,amount\n7,D9,ana,2026-01-10,1000\n07,D10,ana,2026-01-10,1000\n"
           "x,D8,ana,2026-01-10,1000\n",
           "2026-01");
    assert_int_equal(f.d.ncredits, 3);
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounding_half_even),
        cmocka_unit_test(test_marginal_split_across_boundary),
        cmocka_unit_test(test_retroactive),
        cmocka_unit_test(test_mixed_across_months_with_true_ups),
        cmocka_unit_test(test_threshold_hold_and_forfeit),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_milestones),
        cmocka_unit_test(test_spifs),
        cmocka_unit_test(test_splits_overlay_rollup),
        cmocka_unit_test(test_split_refusals),
        cmocka_unit_test(test_reader_keys_out_of_order),
        cmocka_unit_test(test_recoverable_draw),
        cmocka_unit_test(test_non_recoverable_draw),
        cmocka_unit_test(test_clawback),
        cmocka_unit_test(test_order_date_then_id),
        cmocka_unit_test(test_missing_quota_names_the_line),
        cmocka_unit_test(test_shared_run_fails_as_one_thread_does),
        cmocka_unit_test(test_bad_csv),
        cmocka_unit_test(test_bad_plans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
