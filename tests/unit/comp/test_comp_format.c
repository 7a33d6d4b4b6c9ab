/* test_comp_format.c -- the lines file's records, byte for byte, for awkward values.
 *
 * Every rule's sentence and every field is written for hand-built lines whose values are
 * the hard ones for a number writer (zero, one cent, negative amounts, amounts just below
 * and above a thousands separator, the int64 extremes, rates such as 6%, 10.5% and
 * 0.0001%) and whose user-given texts (person, credit and component ids, deal and plan
 * names) hold quotes, commas, CR, LF, edge blanks and a byte order mark. The expected
 * records were written by the formatter as it was before it was made faster (commit
 * 266c43c), so this test says the output did not move; test_comp.c says it is right.
 * Each record is also written through a memo shared with the records before it, as
 * `reins comp calc` writes a chunk of lines. */
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
#include "core/csv.h"
#include "core/mem.h"
#include "core/text.h"

/* ---- the plan, people and credits ---------------------------------------------------- */

static struct comp_plan plan;
static struct comp_person people[4];
static struct comp_credit credits[4];
static struct comp_input in;
static struct comp_csv_memo memo; /* shared by the checks of a test, as by a chunk's lines */

static void setup_input(void)
{
    memset(&plan, 0, sizeof plan);
    plan.name = "Plan \"West\", 2026";
    plan.payout_period = COMP_PERIOD_MONTH;
    plan.quota_period = COMP_PERIOD_QUARTER;
    plan.clawback_days = 90;
    plan.cap.period = COMP_PERIOD_QUARTER;
    plan.draw_amount = 250000;

    struct comp_component *k = &plan.components[0];
    k->id = "commission";
    k->ntiers = 3;
    k->tiers[0] = (struct comp_tier){0, 5000, 60000, 0};
    k->tiers[1] = (struct comp_tier){5000, 10000, 105000, 1};
    k->tiers[2] = (struct comp_tier){10000, -1, 1, 0};
    k->threshold = COMP_THRESHOLD_HOLD;
    k->threshold_bp = 6250;
    k->cap.period = COMP_PERIOD_YEAR;
    k = &plan.components[1];
    k->id = "spif \"x\",\r\nlate";
    k->ntiers = 1;
    k->tiers[0] = (struct comp_tier){33, 12345, 0, 0};
    k->threshold = COMP_THRESHOLD_FORFEIT;
    k->threshold_bp = 1;
    k->cap.period = COMP_PERIOD_MONTH;
    k = &plan.components[2];
    k->id = " bonus";
    k->ntiers = 1;
    k->tiers[0] = (struct comp_tier){0, -1, 1000000, 0};
    plan.ncomponents = 3;

    people[0] = (struct comp_person){"s1", -1};
    people[1] = (struct comp_person){"m \"big\", boss", -1};
    people[2] = (struct comp_person){"\xEF\xBB\xBF"
                                     "bom",
                                     -1};
    people[3] = (struct comp_person){"tab\t", -1};

    int32_t d = (int32_t)date_to_days("2026-03-05");
    credits[0] = (struct comp_credit){.id = "1001",
                                      .deal = "D1",
                                      .person = 0,
                                      .date = d,
                                      .cancelled = COMP_NO_DATE,
                                      .source = -1,
                                      .split_bp = COMP_BP,
                                      .role = COMP_ROLE_DIRECT};
    credits[1] = (struct comp_credit){.id = "x\"y",
                                      .deal = "Deal, \"big\"\r\nline 2",
                                      .person = 1,
                                      .date = d - 400,
                                      .cancelled = d + 17,
                                      .source = -1,
                                      .split_bp = 3333,
                                      .role = COMP_ROLE_OVERLAY};
    credits[2] = (struct comp_credit){.id = "1001r",
                                      .deal = "D1",
                                      .person = 1,
                                      .date = d,
                                      .cancelled = COMP_NO_DATE,
                                      .source = 0,
                                      .split_bp = 1,
                                      .role = COMP_ROLE_ROLLUP};
    credits[3] = (struct comp_credit){.id = "",
                                      .deal = " padded ",
                                      .person = 3,
                                      .date = (int32_t)date_to_days("1999-12-31"),
                                      .cancelled = (int32_t)date_to_days("2000-02-29"),
                                      .source = -1,
                                      .split_bp = 5000,
                                      .role = COMP_ROLE_ROLLUP};

    memset(&memo, 0, sizeof memo);
    memset(&in, 0, sizeof in);
    in.plan = &plan;
    in.people = people;
    in.npeople = 4;
    in.credits = credits;
    in.ncredits = 4;
}

/* A line of `rule` on `person`'s `credit` (-1 for none) in component `k` (-1: the plan). */
static struct comp_line line(int rule, uint32_t person, int32_t credit, int k)
{
    struct comp_line l = {0};
    l.rule = (uint8_t)rule;
    l.person = person;
    l.credit = credit;
    l.component = (int16_t)k;
    l.date = credit >= 0 ? credits[credit].date : (int32_t)date_to_days("2026-03-31");
    l.month = comp_month_of_day(l.date);
    l.ref = -1;
    l.tier = -1;
    l.rate_tier = -1;
    l.attainment_bp = -1;
    return l;
}

/* The record comp_line_csv writes for `l` as line `index`, compared with `want`; the
 * sentence comp_line_explain writes must be the record's last field, unquoted. */
static void check(const struct comp_line *l, size_t index, const struct comp_line *ref,
                  const char *want)
{
    struct sb csv = SB_INIT;
    sb_add(&csv, "x", 1); /* not at the buffer's start */
    comp_line_csv(&in, l, index, ref, &csv);
    if (strcmp(csv.buf + 1, want) != 0) fail_msg("record\n  got  %s\n  want %s", csv.buf + 1, want);
    assert_int_equal(csv.len, strlen(csv.buf));

    /* the same through a memo of the lines checked before */
    struct sb again = SB_INIT;
    comp_line_csv_memo(&in, l, index, ref, &again, &memo);
    if (strcmp(again.buf, want) != 0) fail_msg("with memo\n  got  %s\n  want %s", again.buf, want);
    sb_release(&again);

    struct sb why = SB_INIT;
    comp_line_explain(&in, l, ref, &why);
    assert_int_equal(why.len, strlen(why.buf));
    struct csv_doc *doc = NULL;
    struct err e = {0};
    assert_int_equal(csv_parse(csv.buf + 1, csv.len - 1, NULL, &doc, &e), 0);
    assert_int_equal(doc->nrows, 1);
    assert_int_equal(doc->rows[0].nfields, 20);
    assert_string_equal(doc->rows[0].fields[19], why.buf);
    csv_doc_free(doc);
    sb_release(&why);
    sb_release(&csv);
}

/* ---- the records ------------------------------------------------------------------------ */

static void test_tier(void **state)
{
    (void)state;
    setup_input();
    struct comp_line l = line(COMP_RULE_TIER, 0, 0, 0);
    l.tier = 1;
    l.rate_tier = 1;
    l.rate_ppm = 105000;
    l.base = 930207;
    l.amount = 97672;
    l.attainment_bp = 7569;
    l.quota = 436795913;
    check(&l, 975, NULL,
          "976,2026-03,s1,2026-03-05,commission,tier,1001,D1,direct,"
          "2,2,105000,0,930207,97672,0,7569,436795913,,\"Deal D1 (credit "
          "1001, closed 2026-03-05, direct): 9,302.07 of it falls in "
          "tier 2 (50% to 100% of quota) of commission, paid at its "
          "rate of 10.5% = 976.72. Attainment is now 75.69% of a 4,"
          "367,959.13 quota.\"\r\n");

    l.why = COMP_WHY_RETRO;
    l.tier = 0;
    l.base = l.amount = l.quota = l.attainment_bp = 0;
    check(&l, 0, NULL,
          "1,2026-03,s1,2026-03-05,commission,tier,1001,D1,direct,1,"
          "2,105000,0,0,0,0,0,0,,\"Deal D1 (credit 1001, closed 2026-03-05,"
          " direct): 0.00 of it falls in tier 1 (0% to 50% of quota) "
          "of commission, paid at 10.5%, the rate of tier 2, because "
          "that retroactive tier is reached = 0.00. Attainment is now "
          "0% of a 0.00 quota.\"\r\n");

    l.why = COMP_WHY_HELD;
    l.rate_ppm = 0;
    l.base = l.amount = 1;
    l.attainment_bp = 6249;
    l.quota = 99999;
    check(&l, 1, NULL,
          "2,2026-03,s1,2026-03-05,commission,tier,1001,D1,direct,1,"
          "2,0,0,1,1,0,6249,99999,,\"Deal D1 (credit 1001, closed 2026-03-05,"
          " direct): 0.01 of it falls in tier 1 (0% to 50% of quota) "
          "of commission, paid at 0% for now: held until attainment "
          "reaches the 62.5% threshold = 0.01. Attainment is now 62.49% "
          "of a 999.99 quota.\"\r\n");

    /* quotes, commas, CR and LF in the person, the credit, the deal and the component */
    l = line(COMP_RULE_TIER, 1, 1, 1);
    l.why = COMP_WHY_FORFEIT;
    l.tier = 0;
    l.rate_tier = 0;
    l.base = -99999;
    l.amount = -100000;
    l.attainment_bp = 10;
    l.quota = 100000;
    check(&l, 41, NULL,
          "42,2025-01,\"m \"\"big\"\", boss\",2025-01-29,\"spif \"\"x\"\","
          "\r\nlate\",tier,\"x\"\"y\",\"Deal, \"\"big\"\"\r\nline 2\","
          "overlay,1,1,0,0,-99999,-100000,0,10,100000,,\"Deal Deal,"
          " \"\"big\"\"\r\nline 2 (credit x\"\"y, closed 2025-01-29,"
          " overlay 33.33% split): -999.99 of it falls in tier 1 (0.33% "
          "to 123.45% of quota) of spif \"\"x\"\",\r\nlate, paid at "
          "0%: volume below the 0.01% threshold is not paid = -1,000.00. "
          "Attainment is now 0.1% of a 1,000.00 quota.\"\r\n");

    /* a byte order mark starts the person; roll-up from another person; the extremes */
    l = line(COMP_RULE_TIER, 2, 2, 2);
    l.tier = 0;
    l.rate_tier = 0;
    l.rate_ppm = 1000000;
    l.prev_rate_ppm = INT64_MIN;
    l.base = INT64_MAX;
    l.amount = INT64_MIN;
    l.already = INT64_MIN + 1;
    l.attainment_bp = 922337203685477;
    l.quota = INT64_MAX;
    check(&l, 999999999, NULL,
          "1000000000,2026-03,\"\357\273\277bom\",2026-03-05,\" bonus\","
          "tier,1001r,D1,rollup,1,1,1000000,-9223372036854775808,9223372036854775807,"
          "-9223372036854775808,-9223372036854775807,922337203685477,"
          "9223372036854775807,,\"Deal D1 (credit 1001r, closed 2026-03-05,"
          " rollup 0.01% split from s1): 92,233,720,368,547,758.07 "
          "of it falls in tier 1 (0% of quota and up) of  bonus, paid "
          "at its rate of 100% = -92,233,720,368,547,758.08. Attainment "
          "is now 9223372036854.77% of a 92,233,720,368,547,758.07 "
          "quota.\"\r\n");

    /* an empty credit id, a deal with edge blanks, a roll-up without its source */
    l = line(COMP_RULE_TIER, 3, 3, 0);
    l.tier = 2;
    l.rate_tier = 2;
    l.rate_ppm = 1;
    l.base = 100000;
    l.amount = 1;
    l.attainment_bp = 10001;
    l.quota = 12345678901;
    check(&l, 7, NULL,
          "8,1999-12,\"tab\t\",1999-12-31,commission,tier,,\" padded "
          "\",rollup,3,3,1,0,100000,1,0,10001,12345678901,,\"Deal  "
          "padded  (credit , closed 1999-12-31, rollup 50% split): "
          "1,000.00 of it falls in tier 3 (100% of quota and up) of "
          "commission, paid at its rate of 0.0001% = 0.01. Attainment "
          "is now 100.01% of a 123,456,789.01 quota.\"\r\n");
}

static void test_rerate(void **state)
{
    (void)state;
    setup_input();
    struct comp_line l = line(COMP_RULE_RERATE, 0, 0, 0);
    l.tier = 0;
    l.rate_tier = 1;
    l.why = COMP_WHY_RETRO;
    l.prev_rate_ppm = 60000;
    l.rate_ppm = 105000;
    l.base = 930207;
    l.already = 55812;
    l.amount = 41860;
    l.attainment_bp = 10000;
    l.quota = 9300000;
    check(&l, 12, NULL,
          "13,2026-03,s1,2026-03-05,commission,rerate,1001,D1,direct,"
          "1,2,105000,60000,930207,41860,55812,10000,9300000,,\"Deal "
          "D1 (credit 1001, closed 2026-03-05, direct): its 9,302.07 "
          "in tier 1 (0% to 50% of quota) is re-rated from 6% to 10.5% "
          "(retroactive tier 2 is reached, attainment 100%): it earns "
          "976.72, 558.12 was already paid, so 418.60.\"\r\n");

    l.why = COMP_WHY_HELD;
    l.rate_ppm = 0;
    l.amount = -55812;
    l.attainment_bp = 6200;
    check(&l, 13, NULL,
          "14,2026-03,s1,2026-03-05,commission,rerate,1001,D1,direct,"
          "1,2,0,60000,930207,-55812,55812,6200,9300000,,\"Deal D1 "
          "(credit 1001, closed 2026-03-05, direct): its 9,302.07 in "
          "tier 1 (0% to 50% of quota) is re-rated from 6% to 0% (attainment "
          "fell back below the threshold, attainment 62%): it earns "
          "0.00, 558.12 was already paid, so -558.12.\"\r\n");

    l.why = COMP_WHY_TIER;
    l.prev_rate_ppm = 0;
    l.rate_ppm = 60000;
    l.already = 0;
    l.amount = 55812;
    l.attainment_bp = 6250;
    check(&l, 14, NULL,
          "15,2026-03,s1,2026-03-05,commission,rerate,1001,D1,direct,"
          "1,2,60000,0,930207,55812,0,6250,9300000,,\"Deal D1 (credit "
          "1001, closed 2026-03-05, direct): its 9,302.07 in tier 1 "
          "(0% to 50% of quota) is re-rated from 0% to 6% (the threshold "
          "is reached: held pay is released, attainment 62.5%): it "
          "earns 558.12, 0.00 was already paid, so 558.12.\"\r\n");

    l = line(COMP_RULE_RERATE, 1, 1, 1);
    l.tier = 0;
    l.rate_tier = 0;
    l.prev_rate_ppm = 30000;
    l.rate_ppm = 20000;
    l.base = 1234567;
    l.already = 37037;
    l.amount = -12346;
    l.attainment_bp = 0;
    check(&l, 15, NULL,
          "16,2025-01,\"m \"\"big\"\", boss\",2025-01-29,\"spif \"\"x\"\","
          "\r\nlate\",rerate,\"x\"\"y\",\"Deal, \"\"big\"\"\r\nline "
          "2\",overlay,1,1,20000,30000,1234567,-12346,37037,0,0,,\"Deal "
          "Deal, \"\"big\"\"\r\nline 2 (credit x\"\"y, closed 2025-01-29,"
          " overlay 33.33% split): its 12,345.67 in tier 1 (0.33% to "
          "123.45% of quota) is re-rated from 3% to 2% (the retroactive "
          "tier it was paid by is no longer reached, attainment 0%): "
          "it earns 246.91, 370.37 was already paid, so -123.46.\"\r\n");
}

static void test_milestones_and_spifs(void **state)
{
    (void)state;
    setup_input();
    /* no comma anywhere: the sentence is not quoted, the component id is */
    struct comp_line l = line(COMP_RULE_MILESTONE, 0, -1, 2);
    l.tier = 0;
    l.base = 12500;
    l.amount = 99999;
    check(&l, 3, NULL,
          "4,2026-03,s1,2026-03-31,\" bonus\",milestone,,,,1,,0,0,12500,"
          "99999,0,,0,,Bonus  bonus: attainment reached 125% of quota: "
          "999.99.\r\n");

    l = line(COMP_RULE_MILESTONE, 0, 0, 2);
    l.tier = 1;
    l.base = 15000;
    l.amount = 100000;
    check(&l, 4, NULL,
          "5,2026-03,s1,2026-03-05,\" bonus\",milestone,1001,D1,direct,"
          "2,,0,0,15000,100000,0,,0,,\"Bonus  bonus: attainment reached "
          "150% of quota with Deal D1 (credit 1001, closed 2026-03-05,"
          " direct): 1,000.00.\"\r\n");

    l = line(COMP_RULE_MILESTONE, 1, -1, 1);
    l.tier = 0;
    l.base = 1;
    l.amount = 5;
    check(&l, 5, NULL,
          "6,2026-03,\"m \"\"big\"\", boss\",2026-03-31,\"spif \"\"x\"\","
          "\r\nlate\",milestone,,,,1,,0,0,1,5,0,,0,,\"Bonus spif \"\"x\"\","
          "\r\nlate: attainment reached 0.01% of quota: 0.05.\"\r\n");

    l = line(COMP_RULE_MILESTONE_LOST, 0, -1, 2);
    l.tier = 1;
    l.base = 15000;
    l.attainment_bp = 14999;
    l.amount = -100000;
    l.ref = 4;
    check(&l, 6, NULL,
          "7,2026-03,s1,2026-03-31,\" bonus\",milestone_lost,,,,2,,"
          "0,0,15000,-100000,0,14999,0,5,\"Bonus  bonus taken back: "
          "a cancellation brought attainment to 149.99%, below the "
          "150% milestone paid on line 5: -1,000.00.\"\r\n");

    l = line(COMP_RULE_SPIF_FIXED, 1, 1, 1);
    l.base = 50000;
    l.rate_ppm = 333300;
    l.amount = 16665;
    check(&l, 7, NULL,
          "8,2025-01,\"m \"\"big\"\", boss\",2025-01-29,\"spif \"\"x\"\","
          "\r\nlate\",spif_fixed,\"x\"\"y\",\"Deal, \"\"big\"\"\r\nline "
          "2\",overlay,,,333300,0,50000,16665,0,,0,,\"SPIF spif \"\"x\"\","
          "\r\nlate on Deal Deal, \"\"big\"\"\r\nline 2 (credit x\"\"y,"
          " closed 2025-01-29, overlay 33.33% split): a fixed 500.00 "
          "times the 33.33% credit share = 166.65.\"\r\n");

    l = line(COMP_RULE_SPIF_RATE, 0, 0, 1);
    l.base = 123456789;
    l.rate_ppm = 2500;
    l.amount = 308642;
    check(&l, 8, NULL,
          "9,2026-03,s1,2026-03-05,\"spif \"\"x\"\",\r\nlate\",spif_rate,"
          "1001,D1,direct,,,2500,0,123456789,308642,0,,0,,\"SPIF spif "
          "\"\"x\"\",\r\nlate on Deal D1 (credit 1001, closed 2026-03-05,"
          " direct): 0.25% of the 1,234,567.89 credited = 3,086.42.\"\r\n");

    l = line(COMP_RULE_SPIF_RATE, 0, 0, 0);
    l.base = -1;
    l.rate_ppm = -250000;
    l.amount = 0;
    check(&l, 9, NULL,
          "10,2026-03,s1,2026-03-05,commission,spif_rate,1001,D1,direct,"
          ",,-250000,0,-1,0,0,,0,,\"SPIF commission on Deal D1 (credit "
          "1001, closed 2026-03-05, direct): -25% of the -0.01 credited "
          "= 0.00.\"\r\n");
}

static void test_caps(void **state)
{
    (void)state;
    setup_input();
    struct comp_line l = line(COMP_RULE_CAP_CREDIT, 0, 0, 0);
    l.already = 1000000;
    l.base = 1500000;
    l.amount = -500000;
    l.ref = 7;
    check(&l, 8, NULL,
          "9,2026-03,s1,2026-03-05,commission,cap_credit,1001,D1,direct,"
          ",,0,0,1500000,-500000,1000000,,0,8,\"Cap of 10,000.00 per "
          "credit on commission: Deal D1 (credit 1001, closed 2026-03-05,"
          " direct) would earn 15,000.00 in all, so line 8 is adjusted "
          "by -5,000.00.\"\r\n");

    l = line(COMP_RULE_CAP_CREDIT, 2, 2, 1);
    l.already = INT64_MIN;
    l.base = INT64_MAX;
    l.amount = INT64_MIN + 1;
    l.ref = INT32_MAX - 1;
    check(&l, (size_t)INT32_MAX, NULL,
          "2147483648,2026-03,\"\357\273\277bom\",2026-03-05,\"spif "
          "\"\"x\"\",\r\nlate\",cap_credit,1001r,D1,rollup,,,0,0,9223372036854775807,"
          "-9223372036854775807,-9223372036854775808,,0,2147483647,"
          "\"Cap of -92,233,720,368,547,758.08 per credit on spif \"\"x\"\","
          "\r\nlate: Deal D1 (credit 1001r, closed 2026-03-05, rollup "
          "0.01% split from s1) would earn 92,233,720,368,547,758.07 "
          "in all, so line 2147483647 is adjusted by -92,233,720,368,"
          "547,758.07.\"\r\n");

    l = line(COMP_RULE_CAP_COMPONENT, 1, -1, 1);
    l.already = 0;
    l.base = 1;
    l.amount = -1;
    l.ref = 0;
    check(&l, 1, NULL,
          "2,2026-03,\"m \"\"big\"\", boss\",2026-03-31,\"spif \"\"x\"\","
          "\r\nlate\",cap_component,,,,,,0,0,1,-1,0,,0,1,\"Cap of 0.00 "
          "per month on component spif \"\"x\"\",\r\nlate: uncapped "
          "earnings this month are 0.01, so line 1 is adjusted by -0.01.\"\r\n");

    l = line(COMP_RULE_CAP_COMPONENT, 0, -1, 0);
    l.already = 4000000000;
    l.base = 4000012345;
    l.amount = -12345;
    l.ref = 99;
    check(&l, 100, NULL,
          "101,2026-03,s1,2026-03-31,commission,cap_component,,,,,,"
          "0,0,4000012345,-12345,4000000000,,0,100,\"Cap of 40,000,"
          "000.00 per year on component commission: uncapped earnings "
          "this year are 40,000,123.45, so line 100 is adjusted by "
          "-123.45.\"\r\n");

    /* the plan's name, with a quote and a comma */
    l = line(COMP_RULE_CAP_PLAN, 3, -1, -1);
    l.already = 100;
    l.base = 99999999;
    l.amount = -99999899;
    l.ref = 1;
    check(&l, 2, NULL,
          "3,2026-03,\"tab\t\",2026-03-31,,cap_plan,,,,,,0,0,99999999,"
          "-99999899,100,,0,2,\"Cap of 1.00 per quarter on plan Plan "
          "\"\"West\"\", 2026: uncapped earnings this quarter are 999,"
          "999.99, so line 2 is adjusted by -999,998.99.\"\r\n");
}

static void test_clawbacks_and_draws(void **state)
{
    (void)state;
    setup_input();
    struct comp_line ref = line(COMP_RULE_TIER, 1, 1, 1);
    struct comp_line l = line(COMP_RULE_CLAWBACK, 1, 1, 1);
    l.date = credits[1].cancelled;
    l.month = comp_month_of_day(l.date);
    l.tier = 0;
    l.amount = -97672;
    l.ref = 3;
    check(&l, 4, &ref,
          "5,2026-03,\"m \"\"big\"\", boss\",2026-03-22,\"spif \"\"x\"\","
          "\r\nlate\",clawback,\"x\"\"y\",\"Deal, \"\"big\"\"\r\nline "
          "2\",overlay,1,,0,0,0,-97672,0,,0,4,\"Deal Deal, \"\"big\"\"\r\nline "
          "2 (credit x\"\"y, closed 2025-01-29, overlay 33.33% split) "
          "was cancelled on 2026-03-22, 417 days after closing (clawback "
          "window 90 days): reverses line 4 (tier, -976.72).\"\r\n");

    l = line(COMP_RULE_CLAWBACK, 3, 3, 0);
    l.amount = 0;
    l.ref = 0;
    check(&l, 1, NULL,
          "2,1999-12,\"tab\t\",1999-12-31,commission,clawback,,\" padded "
          "\",rollup,,,0,0,0,0,0,,0,1,\"Deal  padded  (credit , closed "
          "1999-12-31, rollup 50% split) was cancelled on 2000-02-29,"
          " 60 days after closing (clawback window 90 days): reverses "
          "line 1 (?, 0.00).\"\r\n");

    l = line(COMP_RULE_DRAW_GUARANTEE, 0, -1, -1);
    l.base = 0;
    l.amount = 250000;
    check(&l, 0, NULL,
          "1,2026-03,s1,2026-03-31,,draw_guarantee,,,,,,0,0,0,250000,"
          "0,,0,,\"Non-recoverable draw: earnings of the period, 0.00,"
          " are below the 2,500.00 guaranteed, so 2,500.00 is added "
          "and never recovered.\"\r\n");

    l = line(COMP_RULE_DRAW_ADVANCE, 1, -1, -1);
    l.base = 100;
    l.amount = 249900;
    l.already = 249900;
    check(&l, 0, NULL,
          "1,2026-03,\"m \"\"big\"\", boss\",2026-03-31,,draw_advance,"
          ",,,,,0,0,100,249900,249900,,0,,\"Recoverable draw: earnings "
          "of the period, 1.00, are below the 2,500.00 draw, so 2,499.00 "
          "is advanced; 2,499.00 is now owed back from later earnings.\"\r\n");

    l = line(COMP_RULE_DRAW_RECOVERY, 3, -1, -1);
    l.base = 1000000;
    l.amount = -249900;
    l.already = 0;
    check(&l, 0, NULL,
          "1,2026-03,\"tab\t\",2026-03-31,,draw_recovery,,,,,,0,0,1000000,"
          "-249900,0,,0,,\"Recoverable draw recovered: of earnings "
          "of 10,000.00, 2,499.00 goes to repay earlier advances; 0.00 "
          "is still owed.\"\r\n");
}

/* A memo keeps what the line before had: it must notice the period's kind, the person and
 * the component changing under it. */
static void test_memo_follows_changes(void **state)
{
    (void)state;
    setup_input();
    struct comp_line l = line(COMP_RULE_TIER, 0, 0, 0);
    l.tier = 0;
    l.rate_tier = 0;
    l.rate_ppm = 60000;
    l.base = l.amount = 100;
    check(&l, 0, NULL,
          "1,2026-03,s1,2026-03-05,commission,tier,1001,D1,direct,1,"
          "1,60000,0,100,100,0,,0,,\"Deal D1 (credit 1001, closed 2026-03-05,"
          " direct): 1.00 of it falls in tier 1 (0% to 50% of quota) "
          "of commission, paid at its rate of 6% = 1.00. Attainment "
          "is now -0.01% of a 0.00 quota.\"\r\n");
    plan.payout_period = COMP_PERIOD_QUARTER;
    check(&l, 1, NULL,
          "2,2026-Q1,s1,2026-03-05,commission,tier,1001,D1,direct,1,"
          "1,60000,0,100,100,0,,0,,\"Deal D1 (credit 1001, closed 2026-03-05,"
          " direct): 1.00 of it falls in tier 1 (0% to 50% of quota) "
          "of commission, paid at its rate of 6% = 1.00. Attainment "
          "is now -0.01% of a 0.00 quota.\"\r\n");
    plan.payout_period = COMP_PERIOD_YEAR;
    check(&l, 2, NULL,
          "3,2026,s1,2026-03-05,commission,tier,1001,D1,direct,1,1,"
          "60000,0,100,100,0,,0,,\"Deal D1 (credit 1001, closed 2026-03-05,"
          " direct): 1.00 of it falls in tier 1 (0% to 50% of quota) "
          "of commission, paid at its rate of 6% = 1.00. Attainment "
          "is now -0.01% of a 0.00 quota.\"\r\n");
    l.person = 1;
    l.component = 1;
    l.date++;
    check(&l, 3, NULL,
          "4,2026,\"m \"\"big\"\", boss\",2026-03-06,\"spif \"\"x\"\","
          "\r\nlate\",tier,1001,D1,direct,1,1,60000,0,100,100,0,,0,"
          ",\"Deal D1 (credit 1001, closed 2026-03-05, direct): 1.00 "
          "of it falls in tier 1 (0.33% to 123.45% of quota) of spif "
          "\"\"x\"\",\r\nlate, paid at its rate of 6% = 1.00. Attainment "
          "is now -0.01% of a 0.00 quota.\"\r\n");
    l.person = 0;
    l.component = 0;
    l.month += 12;
    check(&l, 4, NULL,
          "5,2027,s1,2026-03-06,commission,tier,1001,D1,direct,1,1,"
          "60000,0,100,100,0,,0,,\"Deal D1 (credit 1001, closed 2026-03-05,"
          " direct): 1.00 of it falls in tier 1 (0% to 50% of quota) "
          "of commission, paid at its rate of 6% = 1.00. Attainment "
          "is now -0.01% of a 0.00 quota.\"\r\n");
}

/* A rule the writer does not know (a newer engine, say): "?" for its name and sentence. */
static void test_unknown_rule(void **state)
{
    (void)state;
    setup_input();
    struct comp_line l = line(COMP_NRULES, 0, -1, -1);
    check(&l, 0, NULL, "1,2026-03,s1,2026-03-31,,?,,,,,,0,0,0,0,0,,0,,?\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tier),
        cmocka_unit_test(test_rerate),
        cmocka_unit_test(test_milestones_and_spifs),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_clawbacks_and_draws),
        cmocka_unit_test(test_memo_follows_changes),
        cmocka_unit_test(test_unknown_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
