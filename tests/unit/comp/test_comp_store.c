/* test_comp_store.c -- plan versions, the engine's input from the database, payout runs that
 * are all or nothing, the lock of a closed period, payroll and the estimator, on both
 * databases. */
#include "testdb.h"
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comp/comp_model.h"
#include "comp/comp_store.h"
#include "core/text.h"
#include "recognition/recognition.h"
#include "core/mem.h"
#include "demo/demo.h"
#include "quotas/quotas.h"
#include "store/migrate.h"

/* Runs are done after the periods they run (a period not begun yet is refused): from
 * 2026-07-01, a few seconds apart in the order of the tests. */
#define AT(s) ((int64_t)1782864000 + (s))

/* Monthly quota, paid monthly: 10% up to quota, 20% above it (marginal). */
static const char PLAN[] =
    "{\"name\": \"AE test\", \"currency\": \"USD\", \"effective_from\": \"2026-01-01\","
    " \"quota_period\": \"month\", \"payout_period\": \"month\", \"components\": [{\"id\": \"c\","
    " \"type\": \"commission\", \"mode\": \"marginal\", \"tiers\": ["
    "{\"from_bp\": 0, \"to_bp\": 10000, \"rate_ppm\": 100000},"
    " {\"from_bp\": 10000, \"rate_ppm\": 200000}]}]}";

static const char SQL_DEAL[] =
    "INSERT INTO opportunities (owner_id, name, amount_minor, currency, pipeline_id, stage_id,"
    " probability_bp, forecast_category, status, close_date, created_date, created_at,"
    " updated_at) SELECT $1, 'Deal', $2, $3, s.pipeline_id, s.id, 10000, 'closed', $4, $5, $5, 0,"
    " 0 FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id"
    " WHERE p.is_default = 1 AND s.is_won = 1";

static void add_deal(struct store *db, int64_t owner, int64_t amount, const char *currency,
                     const char *status, const char *close)
{
    struct err e = {0};
    if (store_run(db, SQL_DEAL,
                  PARAMS(SV_INT(owner), SV_INT(amount), SV_TEXT(currency), SV_TEXT(status),
                         SV_TEXT(close)),
                  NULL, &e) < 0)
        fail_msg("deal: %s", e.msg);
}

static void add_quota(struct store *db, int64_t person, const char *period, int64_t amount)
{
    struct err e = {0};
    struct quota_fields f = {person, 0, period, amount, "USD", -1};
    int64_t id;
    if (quota_set(db, &f, 0, 0, &id, &e) < 0) fail_msg("quota: %s", e.msg);
}

/* Ana (started 2020) and Ben (started 2025-12-01: January is his ramp month 2 at 50%,
 * February month 3 at 75% under the default 25/50/75 ramp). Both have monthly quotas of
 * 10,000.00 for January and February; Ben is on the plan from February. */
struct world {
    int64_t plan, ana, ben;
};

static struct world make_world(struct store *db)
{
    struct world w;
    struct err e = {0};
    w.ana = fixture_person(db, "Ana", "ana@test.example", 0, 0, "2020-01-01", "active");
    w.ben = fixture_person(db, "Ben", "ben@test.example", 0, 0, "2025-12-01", "active");
    int version = 0;
    if (comp_plan_store(db, PLAN, strlen(PLAN), 0, 1, 0, &w.plan, &version, &e) < 0)
        fail_msg("plan: %s", e.msg);
    assert_int_equal(version, 1);
    if (comp_assign(db, w.plan, w.ana, "2026-01-01", NULL, 0, 1, 0, NULL, &e) < 0)
        fail_msg("%s", e.msg);
    if (comp_assign(db, w.plan, w.ben, "2026-02-01", NULL, 0, 1, 0, NULL, &e) < 0)
        fail_msg("%s", e.msg);
    add_quota(db, w.ana, "2026-01", 1000000);
    add_quota(db, w.ana, "2026-02", 1000000);
    add_quota(db, w.ben, "2026-01", 1000000);
    add_quota(db, w.ben, "2026-02", 1000000);
    add_deal(db, w.ana, 600000, "USD", "won", "2026-01-10");
    add_deal(db, w.ana, 600000, "USD", "won", "2026-01-20");
    add_deal(db, w.ana, 900000, "USD", "lost", "2026-01-21"); /* lost: no credit */
    add_deal(db, w.ben, 500000, "USD", "won", "2026-01-15");  /* before he was on the plan */
    add_deal(db, w.ben, 300000, "USD", "won", "2026-02-10");
    return w;
}

static int64_t sum(struct store *db, const char *sql, int64_t id)
{
    struct err e = {0};
    int64_t v = -1;
    if (store_int_query(db, sql, PARAMS(SV_INT(id)), &v, &e) < 0) fail_msg("%s", e.msg);
    return v;
}

static const char SQL_RUN_LINES[] = "SELECT COUNT(*) FROM comp_lines WHERE run_id = $1";
static const char SQL_RUN_TOTAL[] =
    "SELECT COALESCE(SUM(amount_minor), 0) FROM comp_lines WHERE run_id = $1";

/* ---- tests --------------------------------------------------------------------------------- */

static void test_plan_versions(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t id1, id2;
    int v1, v2;
    assert_int_equal(comp_plan_store(db, PLAN, strlen(PLAN), 0, 1, 0, &id1, &v1, &e), 0);
    assert_int_equal(comp_plan_store(db, PLAN, strlen(PLAN), 0, 2, 0, &id2, &v2, &e), 0);
    assert_int_equal(v1, 1);
    assert_int_equal(v2, 2);
    assert_true(id1 != id2);
    const char *bad =
        "{\"name\": \"x\", \"effective_from\": \"2026-01-01\", \"components\": ["
        "{\"id\": \"c\", \"type\": \"commission\", \"mode\": \"marginal\", \"tiers\": ["
        "{\"from_bp\": 0, \"rate_ppm\": 0.5}]}]}";
    assert_int_equal(comp_plan_store(db, bad, strlen(bad), 0, 3, 0, NULL, NULL, &e), REINS_EINVAL);
    if (!strstr(e.msg, "components[0].tiers[0]")) fail_msg("%s", e.msg);
    /* a measure the pipeline does not credit (a typo of bookings) would pay no one */
    const char *typo =
        "{\"name\": \"x\", \"effective_from\": \"2026-01-01\", \"components\": ["
        "{\"id\": \"c\", \"type\": \"commission\", \"mode\": \"marginal\", \"measure\": "
        "\"bookngs\", \"tiers\": [{\"from_bp\": 0, \"rate_ppm\": 5}]}]}";
    assert_int_equal(comp_plan_store(db, typo, strlen(typo), 0, 3, 0, NULL, NULL, &e),
                     REINS_EINVAL);
    if (!strstr(e.msg, "plan: components[0].measure: 'bookngs' is not a measure the pipeline"))
        fail_msg("%s", e.msg);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_plans"), 2);
    assert_int_equal(comp_assign(db, id1, 999999, "2026-01-01", NULL, 0, 1, 0, NULL, &e),
                     REINS_EINVAL);
    assert_string_equal(e.field, "person_id");
    testdb_close(db);
}

static void test_input_from_db(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    struct arena a = {0};
    struct comp_db_input d;
    int32_t feb = 2026 * 12 + 1;
    if (comp_input_load(db, w.plan, feb, NULL, &a, &d, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(d.in.npeople, 2);
    assert_int_equal(d.person_ids[0], w.ana);
    assert_int_equal(d.person_ids[1], w.ben);
    /* Ana's two January wins and Ben's February win; not the lost one, nor Ben's January
     * deal closed before he was on the plan. */
    assert_int_equal(d.in.ncredits, 3);
    assert_int_equal(d.in.credits[0].amount, 600000);
    assert_int_equal(d.in.credits[2].person, 1);
    assert_int_equal(d.in.credits[2].amount, 300000);
    /* Ana: 10,000.00 both months; Ben: January 50% (5,000.00), February 75% (7,500.00). */
    assert_int_equal(d.in.nquotas, 4);
    assert_int_equal(d.in.quotas[0].amount, 1000000);
    assert_int_equal(d.in.quotas[2].amount, 500000);
    assert_int_equal(d.in.quotas[3].amount, 750000);
    assert_int_equal(d.in.quotas[3].month, feb);
    comp_db_input_release(&d);
    /* Ben's own ramp (a quota module override) beats the default: January 20%, February
     * 60%; Ana, without one, keeps the full quota. */
    struct ramp ramp = {3, {1000, 2000, 6000}};
    if (ramp_override_set(db, w.ben, &ramp, 2, &e) < 0) fail_msg("%s", e.msg);
    if (comp_input_load(db, w.plan, feb, NULL, &a, &d, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(d.in.nquotas, 4);
    assert_int_equal(d.in.quotas[1].amount, 1000000);
    assert_int_equal(d.in.quotas[2].amount, 200000);
    assert_int_equal(d.in.quotas[3].amount, 600000);
    comp_db_input_release(&d);
    arena_release(&a);
    testdb_close(db);
}

/* Deals read once serve the next load of the same dates (plan modelling, the estimator);
 * a load of dates they do not cover reads again. */
static void test_deal_rows_kept(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    struct arena a = {0};
    struct comp_db_input d;
    struct comp_plan *from_feb;
    int32_t feb = 2026 * 12 + 1;
    static const char feb_plan[] =
        "{\"name\": \"AE test\", \"currency\": \"USD\", \"effective_from\": \"2026-02-01\","
        " \"quota_period\": \"month\", \"payout_period\": \"month\", \"components\": [{\"id\":"
        " \"c\", \"type\": \"commission\", \"mode\": \"marginal\", \"tiers\": ["
        "{\"from_bp\": 0, \"rate_ppm\": 100000}]}]}";
    struct comp_deal_rows *rows = comp_deal_rows_new();
    if (comp_plan_parse(feb_plan, strlen(feb_plan), &from_feb, &e) < 0) fail_msg("%s", e.msg);
    if (comp_input_load_plan(db, w.plan, from_feb, feb, NULL, rows, &a, &d, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(d.in.ncredits, 1); /* February: Ben's deal */
    comp_db_input_release(&d);
    add_deal(db, w.ana, 100000, "USD", "won", "2026-02-03");
    /* the same dates: the rows read before, without the new deal */
    if (comp_plan_parse(feb_plan, strlen(feb_plan), &from_feb, &e) < 0) fail_msg("%s", e.msg);
    if (comp_input_load_plan(db, w.plan, from_feb, feb, NULL, rows, &a, &d, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(d.in.ncredits, 1);
    comp_db_input_release(&d);
    /* from January (the plan's own dates): read again, the new deal with Ana's January two */
    if (comp_input_load_plan(db, w.plan, NULL, feb, NULL, rows, &a, &d, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(d.in.ncredits, 4);
    comp_db_input_release(&d);
    comp_deal_rows_free(rows);
    if (comp_input_load(db, w.plan, feb, NULL, &a, &d, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(d.in.ncredits, 4);
    comp_db_input_release(&d);
    arena_release(&a);
    testdb_close(db);
}

/* A model over two plans in use reads the deals once for both: each plan's people get
 * their own deals, current and draft. */
static void test_model_two_plans(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    static const char flat10[] =
        "{\"name\": \"SE flat\", \"currency\": \"USD\", \"effective_from\": \"2026-02-01\","
        " \"quota_period\": \"month\", \"payout_period\": \"month\", \"components\": [{\"id\":"
        " \"c\", \"type\": \"commission\", \"mode\": \"marginal\", \"tiers\": ["
        "{\"from_bp\": 0, \"rate_ppm\": 100000}]}]}";
    static const char draft[] =
        "{\"name\": \"All 12\", \"currency\": \"USD\", \"effective_from\": \"2026-01-01\","
        " \"quota_period\": \"month\", \"payout_period\": \"month\", \"components\": [{\"id\":"
        " \"c\", \"type\": \"commission\", \"mode\": \"marginal\", \"tiers\": ["
        "{\"from_bp\": 0, \"rate_ppm\": 120000}]}]}";
    int64_t plan2, cy = fixture_person(db, "Cy", "cy@test.example", 0, 0, "2020-01-01", "active");
    if (comp_plan_store(db, flat10, strlen(flat10), 0, 1, 0, &plan2, NULL, &e) < 0 ||
        comp_assign(db, plan2, cy, "2026-02-01", NULL, 0, 1, 0, NULL, &e) < 0)
        fail_msg("%s", e.msg);
    add_quota(db, cy, "2026-02", 1000000);
    add_deal(db, cy, 400000, "USD", "won", "2026-02-12");
    json_t *o;
    int64_t may1 = date_to_days("2026-05-01") * 86400;
    if (comp_model(db, draft, strlen(draft), "2026-02", may1, &o, &e) < 0) fail_msg("%s", e.msg);
    /* February. Ana: no deal. Ben (plan 1): 3,000.00 of a 7,500.00 ramped quota, 10% ->
     * 300.00; draft 12% -> 360.00. Cy (plan 2): 4,000.00 at 10% -> 400.00; draft 480.00. */
    json_t *people = json_object_get(o, "people");
    assert_int_equal(json_array_size(people), 3);
    int64_t expect[3][4] = {
        {w.ana, w.plan, 0, 0}, {w.ben, w.plan, 30000, 36000}, {cy, plan2, 40000, 48000}};
    for (size_t i = 0; i < 3; i++) {
        json_t *p = json_array_get(people, i);
        assert_int_equal(json_integer_value(json_object_get(p, "person_id")), expect[i][0]);
        assert_int_equal(json_integer_value(json_object_get(p, "plan_id")), expect[i][1]);
        assert_int_equal(json_integer_value(json_object_get(p, "current_minor")), expect[i][2]);
        assert_int_equal(json_integer_value(json_object_get(p, "draft_minor")), expect[i][3]);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(people, 2), "name")),
                        "Cy");
    json_decref(o);
    testdb_close(db);
}

static void test_run_lock_and_payroll(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    int64_t jan = 0, again = 0;
    if (comp_payout_run(db, w.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    /* 6,000 at 10% = 600.00; then 4,000 at 10% = 400.00 and 2,000 above quota at 20% = 400.00 */
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 140000);
    int64_t nlines = sum(db, SQL_RUN_LINES, jan);
    assert_true(nlines >= 3);
    /* open: running again replaces it, never doubles it */
    if (comp_payout_run(db, w.plan, "2026-01", 0, AT(11), 0, &again, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(again, jan);
    assert_int_equal(sum(db, SQL_RUN_LINES, jan), nlines);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 140000);
    struct sb csv = SB_INIT;
    assert_int_equal(comp_payroll_csv(db, jan, &csv, &e), REINS_ECONFLICT);
    assert_int_equal(comp_run_close(db, jan, 0, 12, 0, &e), 0);
    assert_int_equal(comp_run_close(db, jan, 0, 13, 0, &e), REINS_ECONFLICT);
    /* closed: the period is locked, even with a new deal in it */
    add_deal(db, w.ana, 100000, "USD", "won", "2026-01-25");
    assert_int_equal(comp_payout_run(db, w.plan, "2026-01", 0, AT(14), 0, NULL, &e),
                     REINS_ECONFLICT);
    assert_string_equal(e.field, "period");
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 140000);
    assert_int_equal(comp_payroll_csv(db, jan, &csv, &e), 0);
    assert_non_null(strstr(csv.buf, "ana@test.example,Ana,2026-01,140000,0,140000\r\n"));
    assert_null(strstr(csv.buf, "ben@"));
    sb_release(&csv);
    /* February: Ana 1,000.00 (the late January deal) is not February's; Ben 3,000 at 10% */
    int64_t feb = 0;
    if (comp_payout_run(db, w.plan, "2026-02", 0, AT(15), 0, &feb, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(sum(db,
                         "SELECT payout_minor FROM comp_payouts WHERE run_id = $1 AND"
                         " person_id = (SELECT id FROM people WHERE name = 'Ben')",
                         feb),
                     30000);
    assert_int_equal(comp_payout_run(db, w.plan, "2026-Q1", 0, AT(16), 0, NULL, &e), REINS_EINVAL);
    assert_string_equal(e.field, "period");
    testdb_close(db);
}

static void test_run_all_or_nothing(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    int64_t jan = 0;
    if (comp_payout_run(db, w.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    int64_t nlines = sum(db, SQL_RUN_LINES, jan);
    /* Cara joins the plan with a January win but no quota: the engine refuses the run, and
     * the stored run is left exactly as it was. */
    int64_t cara = fixture_person(db, "Cara", "cara@test.example", 0, 0, "2020-01-01", "active");
    if (comp_assign(db, w.plan, cara, "2026-01-01", NULL, 0, 1, 0, NULL, &e) < 0)
        fail_msg("%s", e.msg);
    add_deal(db, cara, 100000, "USD", "won", "2026-01-05");
    assert_int_equal(comp_payout_run(db, w.plan, "2026-01", 0, AT(11), 0, NULL, &e), REINS_EINVAL);
    /* the message names the deal and the person as the product knows them, not a file */
    int64_t deal = fixture_count(db, "SELECT MAX(id) FROM opportunities");
    char want[128];
    snprintf(want, sizeof want, "deal %lld: person 'Cara' has no quota for measure 'bookings' in",
             (long long)deal);
    if (!strstr(e.msg, want)) fail_msg("%s", e.msg);
    assert_int_equal(sum(db, SQL_RUN_LINES, jan), nlines);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 140000);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_runs"), 1);
    /* a failing first run of a period leaves no run behind */
    assert_int_equal(comp_payout_run(db, w.plan, "2026-02", 0, AT(12), 0, NULL, &e), REINS_EINVAL);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_runs"), 1);
    testdb_close(db);
}

static void test_estimate(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    int64_t delta = 0;
    /* Ana is at 120% in January: 1,000.00 more all pays 20% = 200.00 */
    struct comp_extra_deal deal = {w.ana, 100000, NULL, NULL};
    if (comp_estimate(db, w.plan, "2026-01", &deal, &delta, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(delta, 20000);
    /* Ben in February is at 3,000 of 7,500: 5,000 more = 4,500 at 10% + 500 at 20% = 550.00 */
    deal = (struct comp_extra_deal){w.ben, 500000, NULL, NULL};
    if (comp_estimate(db, w.plan, "2026-02", &deal, &delta, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(delta, 55000);
    deal = (struct comp_extra_deal){w.ana, 0, NULL, NULL};
    assert_int_equal(comp_estimate(db, w.plan, "2026-01", &deal, &delta, &e), REINS_EINVAL);
    /* March: Ana has no quota, said so a seller can read it */
    deal = (struct comp_extra_deal){w.ana, 100000, NULL, NULL};
    assert_int_equal(comp_estimate(db, w.plan, "2026-03", &deal, &delta, &e), REINS_EINVAL);
    assert_string_equal(e.field, "period");
    assert_string_equal(e.msg, "No estimate for 2026-03: Ana has no quota for 2026-03 yet, and the"
                               " plan measures a deal against one");
    /* a deal of someone else's the plan cannot credit (a currency without a rate) stops the
     * plan itself: the seller is told it is an admin's to fix */
    add_deal(db, w.ben, 100000, "EUR", "won", "2026-02-12");
    deal = (struct comp_extra_deal){w.ana, 100000, NULL, NULL};
    assert_int_equal(comp_estimate(db, w.plan, "2026-02", &deal, &delta, &e), REINS_EINVAL);
    if (strncmp(e.msg,
                "No estimate: the plan cannot be run on 2026-02 until an admin fixes this: ", 73))
        fail_msg("%s", e.msg);
    testdb_close(db);
}

/* The demo: one plan, every seller on it, three monthly runs (two closed) with lines whose
 * sum is each payout's earnings. */
static void test_demo(void **state)
{
    struct store *db = testdb_open(state);
    struct demo_summary summary;
    struct err e = {0};
    if (demo_fill(db, 7, "2026-05-14", "$argon2id$not-a-real-hash", &summary, &e) < 0)
        fail_msg("demo: %s", e.msg);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_plans"), 1);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_assignments"), summary.sellers);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_runs WHERE status = 'closed'"
                                       " AND period IN ('2026-02', '2026-03')"),
                     2);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_runs WHERE status = 'open'"
                                       " AND period = '2026-04'"),
                     1);
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM comp_lines") > 0);
    /* stored as done at 09:00 UTC on the as-of day, not at time 0 */
    int64_t at = date_to_days("2026-05-14") * 86400 + 9 * 3600;
    assert_int_equal(sum(db, "SELECT COUNT(*) FROM comp_plans WHERE created_at = $1", at), 1);
    assert_int_equal(sum(db, "SELECT COUNT(*) FROM comp_runs WHERE created_at = $1", at), 3);
    assert_int_equal(sum(db, "SELECT COUNT(*) FROM comp_runs WHERE closed_at = $1", at), 2);
    /* three deals split 60/40, one with an overlay */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_splits WHERE kind = 'direct'"),
                     6);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_splits WHERE kind = 'overlay'"),
                     1);
    /* every payout's earnings are the sum of its stored lines less draws */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_payouts c WHERE c.earned_minor <>"
                                       " (SELECT COALESCE(SUM(l.amount_minor), 0) FROM comp_lines l"
                                       " WHERE l.run_id = c.run_id AND l.person_id = c.person_id"
                                       " AND l.rule NOT LIKE 'draw%')"),
                     0);
    testdb_close(db);
}

/* ---- splits, roll-up and overlay from the pipeline ------------------------------------ */

/* Flat 10% on a monthly quota; overlay credit counted at 50%, roll-up at 100%. */
static const char PLAN_SPLITS[] =
    "{\"name\": \"AE splits\", \"currency\": \"USD\", \"effective_from\": \"2026-01-01\","
    " \"quota_period\": \"month\", \"payout_period\": \"month\", \"components\": [{\"id\": \"c\","
    " \"type\": \"commission\", \"mode\": \"marginal\","
    " \"credit\": {\"direct\": 10000, \"overlay\": 5000, \"rollup\": 10000},"
    " \"tiers\": [{\"from_bp\": 0, \"rate_ppm\": 100000}]}]}";

static const char SQL_DEAL_ID[] =
    "INSERT INTO opportunities (owner_id, name, amount_minor, currency, pipeline_id, stage_id,"
    " probability_bp, forecast_category, status, close_date, created_date, created_at,"
    " updated_at) SELECT $1, 'Deal', $2, 'USD', s.pipeline_id, s.id, 10000, 'closed', 'won', $3,"
    " $3, 0, 0 FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id"
    " WHERE p.is_default = 1 AND s.is_won = 1 RETURNING id";

static int64_t won_deal(struct store *db, int64_t owner, int64_t amount, const char *close)
{
    struct err e = {0};
    int64_t id = 0;
    if (store_int_query(db, SQL_DEAL_ID, PARAMS(SV_INT(owner), SV_INT(amount), SV_TEXT(close)), &id,
                        &e) < 0)
        fail_msg("deal: %s", e.msg);
    return id;
}

/* Mia manages Ana, Ben and Cy; Olly is an overlay specialist. All but Cy are on the plan
 * with a monthly quota of 10,000.00 for January to March. D1 (Ana's, 1,000.01, Jan 10) is
 * split 33.33/33.33/33.34 between Ana, Ben and Cy with Olly as overlay at 100%; D2 (Ben's,
 * 2,000.00, Jan 20) has no splits. */
struct team {
    int64_t plan, mia, ana, ben, cy, olly, d1, d2;
};

static struct team make_team(struct store *db)
{
    struct team t;
    struct err e = {0};
    t.mia = fixture_person(db, "Mia", "mia@test.example", 0, 0, "2020-01-01", "active");
    t.ana = fixture_person(db, "Ana", "ana@test.example", t.mia, 0, "2020-01-01", "active");
    t.ben = fixture_person(db, "Ben", "ben@test.example", t.mia, 0, "2020-01-01", "active");
    t.cy = fixture_person(db, "Cy", "cy@test.example", t.mia, 0, "2020-01-01", "active");
    t.olly = fixture_person(db, "Olly", "olly@test.example", 0, 0, "2020-01-01", "active");
    if (comp_plan_store(db, PLAN_SPLITS, strlen(PLAN_SPLITS), 0, 1, 0, &t.plan, NULL, &e) < 0)
        fail_msg("plan: %s", e.msg);
    int64_t on[] = {t.mia, t.ana, t.ben, t.olly};
    for (size_t i = 0; i < 4; i++) {
        if (comp_assign(db, t.plan, on[i], "2026-01-01", NULL, 0, 1, 0, NULL, &e) < 0)
            fail_msg("%s", e.msg);
        add_quota(db, on[i], "2026-01", 1000000);
        add_quota(db, on[i], "2026-02", 1000000);
        add_quota(db, on[i], "2026-03", 1000000);
    }
    t.d1 = won_deal(db, t.ana, 100001, "2026-01-10");
    t.d2 = won_deal(db, t.ben, 200000, "2026-01-20");
    struct comp_split s[] = {{t.ana, COMP_ROLE_DIRECT, 3333},
                             {t.ben, COMP_ROLE_DIRECT, 3333},
                             {t.cy, COMP_ROLE_DIRECT, 3334},
                             {t.olly, COMP_ROLE_OVERLAY, 10000}};
    if (comp_splits_set(db, t.d1, s, 4, 0, 2, 0, &e) < 0) fail_msg("splits: %s", e.msg);
    return t;
}

static int64_t payout_of(struct store *db, int64_t run, int64_t person)
{
    struct err e = {0};
    int64_t v = -1;
    if (store_int_query(
            db, "SELECT payout_minor FROM comp_payouts WHERE run_id = $1 AND person_id = $2",
            PARAMS(SV_INT(run), SV_INT(person)), &v, &e) < 0)
        fail_msg("payout of %lld in run %lld: %s", (long long)person, (long long)run, e.msg);
    return v;
}

static void test_splits_rollup_overlay(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    int64_t jan = 0;
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    /* D1 direct: floor(100001 x 3333 / 10000) = 33330 for Ana and Ben; Cy, the last direct
     * split, takes 100001 - 66660 = 33341 (as the CLI splits a file).
     * Ana: 33330 at 10% = 3333 (33.33).
     * Ben: 3333 on D1 + D2 whole to its owner, 200000 at 10% = 20000: 23333.
     * Cy is not on the plan: nothing, and no payout row.
     * Olly, overlay 100% of 100001, counted at 50%: 50000.5 -> 50000 (half to even); at 10%
     * = 5000.
     * Mia, roll-up of every direct credit, Cy's too: 3333 + 3333 + round(3334.1) = 3334, and
     * D2 20000: 30000. */
    assert_int_equal(payout_of(db, jan, t.ana), 3333);
    assert_int_equal(payout_of(db, jan, t.ben), 23333);
    assert_int_equal(payout_of(db, jan, t.olly), 5000);
    assert_int_equal(payout_of(db, jan, t.mia), 30000);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_payouts p JOIN people x"
                                       " ON x.id = p.person_id WHERE x.name = 'Cy'"),
                     0);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 3333 + 23333 + 5000 + 30000);
    /* the lines say the split and the roll-up */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines l JOIN people x ON"
                                       " x.id = l.person_id WHERE x.name = 'Mia'"
                                       " AND l.explanation LIKE '%rollup%'"),
                     3 + 1);
    /* roll-up names whose credit it is, by name */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE explanation LIKE"
                                       " '%rollup from Ben)%'"),
                     1); /* D2; D1's is "rollup 33.33% split from Ben" */
    /* Olly's line says why 1,000.01 of overlay pays on 500.00 */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE explanation LIKE"
                                       " '%(closed 2026-01-10, overlay, counted at 50%): 500.00"
                                       " of it falls in tier 1%'"),
                     1);
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE explanation LIKE"
                                  " '%33.33% split%'") >= 2);
    /* a deal is named once: its id is the credit's too, not said twice */
    char like[160];
    snprintf(like, sizeof like,
             "SELECT COUNT(*) FROM comp_lines WHERE explanation LIKE 'Deal %lld (closed"
             " 2026-01-10, direct 33.33%% split)%%'",
             (long long)t.d1);
    assert_int_equal(fixture_count(db, like), 2); /* Ana's and Ben's */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE explanation LIKE"
                                       " '%(credit %'"),
                     0);
    testdb_close(db);
}

static void test_splits_refused(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    struct comp_split short_of[] = {{t.ana, COMP_ROLE_DIRECT, 6000},
                                    {t.ben, COMP_ROLE_DIRECT, 3000}};
    assert_int_equal(comp_splits_set(db, t.d2, short_of, 2, 0, 3, 0, &e), REINS_EINVAL);
    assert_string_equal(e.field, "splits");
    if (!strstr(e.msg, "9000 bp")) fail_msg("%s", e.msg);
    struct comp_split twice[] = {{t.ana, COMP_ROLE_DIRECT, 5000}, {t.ana, COMP_ROLE_DIRECT, 5000}};
    assert_int_equal(comp_splits_set(db, t.d2, twice, 2, 0, 3, 0, &e), REINS_EINVAL);
    assert_string_equal(e.field, "splits[1].person_id");
    struct comp_split nobody[] = {{999999, COMP_ROLE_DIRECT, 10000}};
    assert_int_equal(comp_splits_set(db, t.d2, nobody, 1, 0, 3, 0, &e), REINS_EINVAL);
    assert_string_equal(e.field, "splits[0].person_id");
    struct comp_split zero[] = {{t.ana, COMP_ROLE_OVERLAY, 0}};
    assert_int_equal(comp_splits_set(db, t.d2, zero, 1, 0, 3, 0, &e), REINS_EINVAL);
    assert_string_equal(e.field, "splits[0].share_bp");
    assert_int_equal(comp_splits_set(db, 999999, zero, 0, 0, 3, 0, &e), REINS_ENOTFOUND);
    assert_string_equal(e.field, "deal_id");
    /* refused changes left D1's four splits and wrote no audit row */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_splits"), 4);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit WHERE action ="
                                       " 'splits.set'"),
                     1);
    /* overlay only: the owner keeps the whole deal as direct credit */
    struct comp_split ol[] = {{t.olly, COMP_ROLE_OVERLAY, 5000}};
    assert_int_equal(comp_splits_set(db, t.d2, ol, 1, 0, 3, 0, &e), 0);
    int64_t jan = 0;
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    /* Ben still 23333; Olly 5000 + 200000 x 50% overlay = 100000, counted at 50% = 50000, at
     * 10% = 5000: 10000 */
    assert_int_equal(payout_of(db, jan, t.ben), 23333);
    assert_int_equal(payout_of(db, jan, t.olly), 10000);
    testdb_close(db);
}

/* A person leaves the plan: their assignment ends, and credits after its last day are not
 * theirs on this plan. One person is on one plan by one assignment at a time. */
static void test_assignment_end(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    int64_t id = 0, jan = 0, again = 0;
    if (store_int_query(db, "SELECT id FROM comp_assignments WHERE person_id = $1",
                        PARAMS(SV_INT(w.ana)), &id, &e) < 0)
        fail_msg("%s", e.msg);
    /* on the plan from 2026-01-01 with no end: a second assignment meeting it is refused */
    assert_int_equal(comp_assign(db, w.plan, w.ana, "2026-03-01", NULL, 0, 2, 0, NULL, &e),
                     REINS_ECONFLICT);
    assert_string_equal(e.field, "person_id");
    if (!strstr(e.msg, "already on this plan from 2026-01-01")) fail_msg("%s", e.msg);
    /* ended on 2026-01-15: January pays the deal of the 10th (6,000.00 at 10%), not the
     * 20th's (which took her past quota: 4,000.00 at 10% + 2,000.00 at 20% = 800.00) */
    assert_int_equal(comp_assignment_end(db, id, "2026-01-15", 0, 3, 0, &e), 0);
    if (comp_payout_run(db, w.plan, "2026-01", 0, AT(4), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(payout_of(db, jan, w.ana), 60000);
    /* refused: before the start, malformed, no such assignment; nothing changed */
    assert_int_equal(comp_assignment_end(db, id, "2025-12-31", 0, 5, 0, &e), REINS_EINVAL);
    assert_string_equal(e.field, "end_date");
    assert_int_equal(comp_assignment_end(db, id, "2026-02-30", 0, 5, 0, &e), REINS_EINVAL);
    assert_string_equal(e.field, "end_date");
    assert_int_equal(comp_assignment_end(db, 99999, "2026-02-01", 0, 5, 0, &e), REINS_ENOTFOUND);
    assert_string_equal(e.field, "assignment_id");
    /* back from March: a new assignment; opening the first again would meet it */
    if (comp_assign(db, w.plan, w.ana, "2026-03-01", NULL, 0, 6, 0, NULL, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(comp_assignment_end(db, id, NULL, 0, 7, 0, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "end_date");
    assert_int_equal(comp_assignment_end(db, id, "2026-02-28", 0, 8, 0, &e), 0);
    if (comp_payout_run(db, w.plan, "2026-01", 0, AT(9), 0, &again, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(payout_of(db, jan, w.ana), 60000 + 80000);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit WHERE action ="
                                       " 'assignment.end'"),
                     2);
    /* the audit names whom, not only their id */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit WHERE action IN"
                                       " ('assignment.create', 'assignment.end') AND summary LIKE"
                                       " '%\"person\":\"Ana\"%'"),
                     1 + 1 + 2);
    testdb_close(db);
}

static const char SQL_CORRECTIONS[] =
    "SELECT COUNT(*) FROM comp_lines WHERE run_id = $1 AND rule = 'correction'";

/* A closed period whose result changes: the next open run shows it, once. */
static void test_correction_after_close(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    int64_t jan = 0, feb = 0, mar = 0, again = 0;
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, jan, 0, 11, 0, &e), 0);
    /* after the close, D2 is split half and half between Ben and Ana */
    struct comp_split half[] = {{t.ben, COMP_ROLE_DIRECT, 5000}, {t.ana, COMP_ROLE_DIRECT, 5000}};
    assert_int_equal(comp_splits_set(db, t.d2, half, 2, 0, 12, 0, &e), 0);
    if (comp_payout_run(db, t.plan, "2026-02", 0, AT(13), 0, &feb, &e) < 0) fail_msg("%s", e.msg);
    /* January now: Ana 3333 + 100000 at 10% = 13333, paid 3333: +10000; Ben 3333 + 10000 =
     * 13333, paid 23333: -10000; Mia and Olly unchanged. February has no deals of its own. */
    assert_int_equal(sum(db, SQL_CORRECTIONS, feb), 2);
    assert_int_equal(payout_of(db, feb, t.ana), 10000);
    assert_int_equal(payout_of(db, feb, t.ben), -10000);
    assert_int_equal(payout_of(db, feb, t.mia), 0);
    /* each correction names the deal that moved, and is about it (deal_id) */
    char said[256];
    snprintf(said, sizeof said,
             "SELECT COUNT(*) FROM comp_lines WHERE rule = 'correction' AND deal_id = %lld AND"
             " explanation LIKE 'Correction for 2026-01, a closed period: deal %lld earns 100.00"
             " in 2026-01 now, 0.00 was paid, difference 100.00, paid in this period;%%'",
             (long long)t.d2, (long long)t.d2);
    assert_int_equal(fixture_count(db, said), 1);
    /* paid before February is what January paid, not January as it is now: Ana 33.33
     * (the engine's 133.33 less the correction of 100.00), Ben 233.33 */
    static const char paid_before[] =
        "SELECT paid_to_date_minor FROM comp_payouts WHERE run_id = $1 AND person_id = $2";
    int64_t v = 0;
    assert_int_equal(store_int_query(db, paid_before, PARAMS(SV_INT(feb), SV_INT(t.ana)), &v, &e),
                     0);
    assert_int_equal(v, 3333);
    assert_int_equal(store_int_query(db, paid_before, PARAMS(SV_INT(feb), SV_INT(t.ben)), &v, &e),
                     0);
    assert_int_equal(v, 23333);
    /* the closed run is as it was */
    assert_int_equal(payout_of(db, jan, t.ana), 3333);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 3333 + 23333 + 5000 + 30000);
    /* March computed while February is open carries the same corrections; February closes
     * first (in order), and then March is stale until run again */
    if (comp_payout_run(db, t.plan, "2026-03", 0, AT(14), 0, &mar, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(sum(db, SQL_CORRECTIONS, mar), 2);
    assert_int_equal(comp_run_close(db, mar, 0, 15, 0, &e), REINS_ECONFLICT);
    if (!strstr(e.msg, "close 2026-02 first")) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, feb, 0, 16, 0, &e), 0);
    /* with February closed, a period before it never run (December) is not paid now */
    int64_t dec = 0;
    assert_int_equal(comp_payout_run(db, t.plan, "2025-12", 0, AT(16), 0, &dec, &e),
                     REINS_ECONFLICT);
    if (!strstr(e.msg, "2025-12 comes before a closed period")) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, mar, 0, 17, 0, &e), REINS_ECONFLICT);
    if (!strstr(e.msg, "run 2026-03 again")) fail_msg("%s", e.msg);
    /* run again: January's difference was paid in February, so nothing more */
    if (comp_payout_run(db, t.plan, "2026-03", 0, AT(18), 0, &again, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(again, mar);
    assert_int_equal(sum(db, SQL_CORRECTIONS, mar), 0);
    assert_int_equal(payout_of(db, mar, t.ana), 0);
    /* a cancellation: D1 is lost after all. January loses Ana 3333, Ben 3333, Olly 5000 and
     * Mia's 10000 of roll-up on D1 */
    if (store_run(db, "UPDATE opportunities SET status = 'lost' WHERE id = $1",
                  PARAMS(SV_INT(t.d1)), NULL, &e) < 0)
        fail_msg("%s", e.msg);
    if (comp_payout_run(db, t.plan, "2026-03", 0, AT(19), 0, &again, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(sum(db, SQL_CORRECTIONS, mar), 4);
    /* about D1 alone: D2's change was corrected in February, and that is paid */
    snprintf(said, sizeof said,
             "SELECT COUNT(*) FROM comp_lines WHERE run_id = %lld AND rule = 'correction' AND"
             " deal_id = %lld",
             (long long)mar, (long long)t.d1);
    assert_int_equal(fixture_count(db, said), 4);
    assert_int_equal(payout_of(db, mar, t.ana), -3333);
    assert_int_equal(payout_of(db, mar, t.ben), -3333);
    assert_int_equal(payout_of(db, mar, t.olly), -5000);
    assert_int_equal(payout_of(db, mar, t.mia), -10000);
    assert_int_equal(comp_run_close(db, mar, 0, 20, 0, &e), 0);
    testdb_close(db);
}

/* Two deals of one person change after the close: a correction each, which add up to the
 * person's difference, each said in its own words. */
static void test_correction_by_deal(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    int64_t jan = 0, feb = 0;
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, jan, 0, AT(11), 0, &e), 0);
    /* D2 split half and half with Ana; D1 lost */
    struct comp_split half[] = {{t.ben, COMP_ROLE_DIRECT, 5000}, {t.ana, COMP_ROLE_DIRECT, 5000}};
    assert_int_equal(comp_splits_set(db, t.d2, half, 2, 0, 12, 0, &e), 0);
    if (store_run(db, "UPDATE opportunities SET status = 'lost' WHERE id = $1",
                  PARAMS(SV_INT(t.d1)), NULL, &e) < 0)
        fail_msg("%s", e.msg);
    if (comp_payout_run(db, t.plan, "2026-02", 0, AT(13), 0, &feb, &e) < 0) fail_msg("%s", e.msg);
    /* Ana: D1's 33.33 taken back, D2's half paid: 100.00; 66.67 in all */
    assert_int_equal(payout_of(db, feb, t.ana), -3333 + 10000);
    char q[256];
    snprintf(q, sizeof q,
             "SELECT COUNT(*) FROM comp_lines WHERE run_id = %lld AND person_id = %lld AND"
             " rule = 'correction'",
             (long long)feb, (long long)t.ana);
    assert_int_equal(fixture_count(db, q), 2);
    snprintf(q, sizeof q,
             "SELECT SUM(amount_minor) FROM comp_lines WHERE run_id = %lld AND person_id = %lld"
             " AND deal_id = %lld AND explanation LIKE '%%deal %lld earns 0.00 in 2026-01 now,"
             " 33.33 was paid, difference -33.33%%'",
             (long long)feb, (long long)t.ana, (long long)t.d1, (long long)t.d1);
    assert_int_equal(fixture_count(db, q), -3333);
    snprintf(q, sizeof q,
             "SELECT SUM(amount_minor) FROM comp_lines WHERE run_id = %lld AND person_id = %lld"
             " AND deal_id = %lld",
             (long long)feb, (long long)t.ana, (long long)t.d2);
    assert_int_equal(fixture_count(db, q), 10000);
    /* the payout keeps the corrections it carries, and paid before is January as paid */
    assert_int_equal(
        sum(db, "SELECT SUM(corrections_minor) FROM comp_payouts WHERE run_id = $1", feb),
        /* Ana +6667, Ben -3333 - 10000, Olly -5000, Mia -10000 (D1's roll-up) */
        6667 - 13333 - 5000 - 10000);
    testdb_close(db);
}

/* Ana disputes her first line of `run` at time `at`; returns the dispute, the line in *line. */
static int64_t dispute_first_line(struct store *db, const struct team *t, int64_t run, int64_t at,
                                  int64_t *line)
{
    struct err e = {0};
    int64_t d = 0;
    *line = fixture_count(db, "SELECT MIN(l.line_no) FROM comp_lines l JOIN people"
                              " x ON x.id = l.person_id WHERE x.name = 'Ana'");
    if (comp_dispute_open(db, run, *line, t->ana, "why?", at, 0, &d, &e) < 0) fail_msg("%s", e.msg);
    return d;
}

/* An admin adjusts a payout: paid as a line of its own by the period's run (an open one is
 * run again at once), counted as paid before later periods, and never corrected away. */
static void test_adjustments(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    int64_t jan = 0, feb = 0, id = 0;
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    /* refused: nothing, no reason, a period not begun, an unknown person or plan */
    assert_int_equal(comp_adjustment_add(db, t.plan, t.ana, "2026-01", 0, "x", AT(11), 0, NULL, &e),
                     REINS_EINVAL);
    assert_string_equal(e.field, "amount_minor");
    assert_int_equal(
        comp_adjustment_add(db, t.plan, t.ana, "2026-01", 5000, "", AT(11), 0, NULL, &e),
        REINS_EINVAL);
    assert_string_equal(e.field, "reason");
    assert_int_equal(
        comp_adjustment_add(db, t.plan, t.ana, "2026-08", 5000, "x", AT(11), 0, NULL, &e),
        REINS_EINVAL);
    assert_string_equal(e.field, "period");
    assert_int_equal(
        comp_adjustment_add(db, t.plan, 999999, "2026-01", 5000, "x", AT(11), 0, NULL, &e),
        REINS_EINVAL);
    assert_string_equal(e.field, "person_id");
    assert_int_equal(
        comp_adjustment_add(db, 999999, t.ana, "2026-01", 5000, "x", AT(11), 0, NULL, &e),
        REINS_ENOTFOUND);
    /* Ana's disputed line upheld: 50.00 more in January, whose open run pays it at once */
    assert_int_equal(comp_adjustment_add(db, t.plan, t.ana, "2026-01", 5000,
                                         "Dispute upheld: a renewal paid as new business", AT(12),
                                         0, &id, &e),
                     0);
    assert_int_equal(payout_of(db, jan, t.ana), 3333 + 5000);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE rule = 'adjustment'"
                                       " AND amount_minor = 5000 AND explanation = 'Adjustment by"
                                       " reins: Dispute upheld: a renewal paid as new business'"),
                     1);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit WHERE action ="
                                       " 'adjustment.add'"),
                     1);
    /* a dispute upheld with money: resolved and paid in one go, the resolution the reason;
     * refused as a whole when the money cannot be paid where asked */
    int64_t line = 0, d = dispute_first_line(db, &t, jan, AT(12), &line);
    assert_int_equal(comp_dispute_uphold(db, d, "Right: a renewal", 700, "2026-08", AT(12), 0, &e),
                     REINS_EINVAL);
    assert_string_equal(e.field, "period");
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_disputes WHERE status = 'open'"),
                     1);
    assert_int_equal(comp_dispute_uphold(db, d, "Right: a renewal", 700, NULL, AT(12), 0, &e), 0);
    assert_int_equal(payout_of(db, jan, t.ana), 3333 + 5000 + 700);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE rule = 'adjustment'"
                                       " AND explanation = 'Adjustment by reins: Dispute upheld:"
                                       " Right: a renewal'"),
                     1);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_disputes WHERE status ="
                                       " 'resolved' AND resolution = 'Right: a renewal'"),
                     1);
    assert_int_equal(comp_run_close(db, jan, 0, AT(13), 0, &e), 0);
    /* closed: adjusted no more there */
    assert_int_equal(
        comp_adjustment_add(db, t.plan, t.ana, "2026-01", 100, "x", AT(14), 0, NULL, &e),
        REINS_ECONFLICT);
    assert_string_equal(e.field, "period");
    /* paid by a closed run, it is not taken back (a new one of the opposite amount is) */
    assert_int_equal(comp_adjustment_delete(db, id, AT(14), 0, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "period");
    assert_int_equal(comp_adjustment_delete(db, 999999, AT(14), 0, &e), REINS_ENOTFOUND);
    assert_string_equal(e.field, "adjustment_id");
    /* February, no run yet: Cy (not on the plan) is owed 10.00, paid when it runs; a slip of
     * 10,000.00 first, taken back */
    int64_t slip = 0;
    assert_int_equal(comp_adjustment_add(db, t.plan, t.cy, "2026-02", 1000000, "A referral bonus",
                                         AT(15), 0, &slip, &e),
                     0);
    assert_int_equal(comp_adjustment_delete(db, slip, AT(15), 0, &e), 0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit WHERE action ="
                                       " 'adjustment.delete' AND summary LIKE"
                                       " '%\"amount_minor\":1000000%'"),
                     1);
    assert_int_equal(comp_adjustment_add(db, t.plan, t.cy, "2026-02", 1000, "A referral bonus",
                                         AT(15), 0, NULL, &e),
                     0);
    if (comp_payout_run(db, t.plan, "2026-02", 0, AT(16), 0, &feb, &e) < 0) fail_msg("%s", e.msg);
    /* January's adjustment is not corrected away: no corrections at all, and Ana has been
     * paid 33.33 + 50.00 before February */
    assert_int_equal(sum(db, SQL_CORRECTIONS, feb), 0);
    assert_int_equal(payout_of(db, feb, t.ana), 0);
    int64_t v = 0;
    static const char paid_before[] =
        "SELECT paid_to_date_minor FROM comp_payouts WHERE run_id = $1 AND person_id = $2";
    assert_int_equal(store_int_query(db, paid_before, PARAMS(SV_INT(feb), SV_INT(t.ana)), &v, &e),
                     0);
    assert_int_equal(v, 3333 + 5000 + 700);
    assert_int_equal(payout_of(db, feb, t.cy), 1000);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, feb), 1000);
    testdb_close(db);
}

/* Many people of a closed month corrected at once (every deal doubled): on PostgreSQL the run
 * reads that month's lines in one pass instead of once a person (SQLite, whose queries cost
 * a call, keeps a query a person at this size): the same corrections either way. */
static void test_corrections_many(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t plan = 0, jan = 0, feb = 0;
    if (comp_plan_store(db, PLAN, strlen(PLAN), 0, 1, 0, &plan, NULL, &e) < 0)
        fail_msg("plan: %s", e.msg);
    enum { N = 40 }; /* above PAID_BY_RUN_FROM_PG */
    int64_t deals[N];
    for (int i = 0; i < N; i++) {
        char name[24], email[48];
        snprintf(name, sizeof name, "Seller %d", i);
        snprintf(email, sizeof email, "s%d@test.example", i);
        int64_t p = fixture_person(db, name, email, 0, 0, "2020-01-01", "active");
        if (comp_assign(db, plan, p, "2026-01-01", NULL, 0, 1, 0, NULL, &e) < 0)
            fail_msg("%s", e.msg);
        add_quota(db, p, "2026-01", 1000000);
        add_quota(db, p, "2026-02", 1000000);
        deals[i] = won_deal(db, p, 100000 + i, "2026-01-15"); /* 1,000.00 + i cents */
    }
    if (comp_payout_run(db, plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, jan, 0, AT(11), 0, &e), 0);
    if (store_run(db, "UPDATE opportunities SET amount_minor = 2 * amount_minor", NO_PARAMS, NULL,
                  &e) < 0)
        fail_msg("%s", e.msg);
    if (comp_payout_run(db, plan, "2026-02", 0, AT(12), 0, &feb, &e) < 0) fail_msg("%s", e.msg);
    /* each seller: a deal of (100000 + i) paid 10% then, twice it now: one correction of
     * round(10% of twice it) - round(10% of it), about the deal */
    assert_int_equal(sum(db, SQL_CORRECTIONS, feb), N);
    int64_t want = 0;
    for (int i = 0; i < N; i++) {
        int64_t then = 0, now = 0;
        assert_int_equal(comp_round_ppm(100000 + i, 100000, &then), 0);
        assert_int_equal(comp_round_ppm(2 * (100000 + i), 100000, &now), 0);
        int64_t tenth = now - then;
        want += tenth;
        char q[160];
        snprintf(q, sizeof q,
                 "SELECT COUNT(*) FROM comp_lines WHERE run_id = %lld AND rule = 'correction'"
                 " AND deal_id = %lld AND amount_minor = %lld",
                 (long long)feb, (long long)deals[i], (long long)tenth);
        assert_int_equal(fixture_count(db, q), 1);
    }
    assert_int_equal(sum(db, SQL_RUN_TOTAL, feb), want);
    testdb_close(db);
}

/* A period is run once it has begun, and after a plan's first close each period closes
 * only after the one before it: a period never run would count as paid and never be. */
static void test_periods_in_order(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    won_deal(db, t.ana, 100000, "2026-02-10"); /* February: Ana 1,000.00, 10% = 100.00 */
    int64_t jan = 0, feb = 0, mar = 0, again = 0;
    /* AT(0) is 2026-07-01: July is under way and may be run, August has not begun */
    assert_int_equal(comp_payout_run(db, t.plan, "2026-08", 0, AT(1), 0, NULL, &e), REINS_EINVAL);
    assert_string_equal(e.field, "period");
    if (!strstr(e.msg, "2026-08 has not begun yet")) fail_msg("%s", e.msg);
    if (comp_payout_run(db, t.plan, "2026-07", 0, AT(2), 0, NULL, &e) < 0) fail_msg("%s", e.msg);
    /* the first close takes the periods before it as settled */
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(3), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, jan, 0, AT(4), 0, &e), 0);
    /* March, with February never run, is computed (a preview) but does not close */
    if (comp_payout_run(db, t.plan, "2026-03", 0, AT(5), 0, &mar, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, mar, 0, AT(6), 0, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "run_id");
    if (!strstr(e.msg, "2026-02 has no closed run")) fail_msg("%s", e.msg);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_runs WHERE status = 'closed'"),
                     1);
    /* February pays Ana's deal of February; March, run again after it closed, closes */
    if (comp_payout_run(db, t.plan, "2026-02", 0, AT(7), 0, &feb, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(payout_of(db, feb, t.ana), 10000);
    assert_int_equal(comp_run_close(db, feb, 0, AT(8), 0, &e), 0);
    if (comp_payout_run(db, t.plan, "2026-03", 0, AT(9), 0, &again, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(again, mar);
    assert_int_equal(comp_run_close(db, mar, 0, AT(10), 0, &e), 0);
    assert_int_equal(payout_of(db, mar, t.ana), 0);
    testdb_close(db);
}

/* A database from before migration 16, whose closed runs carried corrections: the migration
 * gives each payout the corrections it carried, so the next run does not pay them again. */
static void test_corrections_migrated(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    int64_t jan = 0, feb = 0, mar = 0;
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, jan, 0, 11, 0, &e), 0);
    struct comp_split half[] = {{t.ben, COMP_ROLE_DIRECT, 5000}, {t.ana, COMP_ROLE_DIRECT, 5000}};
    assert_int_equal(comp_splits_set(db, t.d2, half, 2, 0, 12, 0, &e), 0);
    /* February carries January's corrections, Ana +10000 and Ben -10000 (as in
     * test_correction_after_close), and closes */
    if (comp_payout_run(db, t.plan, "2026-02", 0, AT(13), 0, &feb, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, feb, 0, 14, 0, &e), 0);
    /* as a database written before migration 16 was (and so before 17) */
    if (store_run(db, "ALTER TABLE comp_payouts DROP COLUMN corrections_minor", NO_PARAMS, NULL,
                  &e) < 0 ||
        store_run(db, "ALTER TABLE comp_payouts DROP COLUMN adjustments_minor", NO_PARAMS, NULL,
                  &e) < 0 ||
        store_run(db, "DROP TABLE comp_adjustments", NO_PARAMS, NULL, &e) < 0 ||
        store_run(db, "DELETE FROM schema_migrations WHERE version >= 16", NO_PARAMS, NULL, &e) < 0)
        fail_msg("%s", e.msg);
    int applied = 0;
    if (migrate_apply(db, &applied, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(applied, 2);
    static const char carried[] =
        "SELECT corrections_minor FROM comp_payouts WHERE run_id = $1 AND person_id = $2";
    int64_t v = 0;
    assert_int_equal(store_int_query(db, carried, PARAMS(SV_INT(feb), SV_INT(t.ana)), &v, &e), 0);
    assert_int_equal(v, 10000);
    assert_int_equal(store_int_query(db, carried, PARAMS(SV_INT(feb), SV_INT(t.ben)), &v, &e), 0);
    assert_int_equal(v, -10000);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_payouts WHERE corrections_minor"
                                       " <> 0"),
                     2);
    /* March: January's difference was paid in February and February pays what it earned: no
     * correction (without the corrections carried, February would seem to have paid Ana
     * 100.00 and Ben -100.00 for its own period, and March would take them back) */
    if (comp_payout_run(db, t.plan, "2026-03", 0, AT(15), 0, &mar, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(sum(db, SQL_CORRECTIONS, mar), 0);
    assert_int_equal(payout_of(db, mar, t.ana), 0);
    assert_int_equal(payout_of(db, mar, t.ben), 0);
    testdb_close(db);
}

/* Corrections of several closed periods come to one payout per person, and a person no
 * longer on the plan gets a payout row of corrections alone. */
static void test_corrections_summed(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    int64_t jan = 0, feb = 0, mar = 0, rows = 0;
    /* D3: Ana's 3,000.00 won Feb 10, Olly overlay at 100% */
    int64_t d3 = won_deal(db, t.ana, 300000, "2026-02-10");
    struct comp_split s[] = {{t.ana, COMP_ROLE_DIRECT, 10000}, {t.olly, COMP_ROLE_OVERLAY, 10000}};
    if (comp_splits_set(db, d3, s, 2, 0, 3, 0, &e) < 0) fail_msg("%s", e.msg);
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, jan, 0, 11, 0, &e), 0);
    if (comp_payout_run(db, t.plan, "2026-02", 0, AT(12), 0, &feb, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, feb, 0, 13, 0, &e), 0);
    /* February as paid: Ana 300000 at 10% = 30000; Olly 300000 counted at 50% = 150000, at
     * 10% = 15000; Mia's roll-up of Ana's 300000: 30000 */
    assert_int_equal(payout_of(db, feb, t.ana), 30000);
    assert_int_equal(payout_of(db, feb, t.olly), 15000);
    assert_int_equal(payout_of(db, feb, t.mia), 30000);

    /* After both closed: Olly is taken off the plan, D1 was 2,000.01 and D3 4,000.00. */
    if (store_run(db, "DELETE FROM comp_assignments WHERE person_id = $1", PARAMS(SV_INT(t.olly)),
                  NULL, &e) < 0 ||
        store_run(db, "UPDATE opportunities SET amount_minor = 200001 WHERE id = $1",
                  PARAMS(SV_INT(t.d1)), NULL, &e) < 0 ||
        store_run(db, "UPDATE opportunities SET amount_minor = 400000 WHERE id = $1",
                  PARAMS(SV_INT(d3)), NULL, &e) < 0)
        fail_msg("%s", e.msg);
    if (comp_payout_run(db, t.plan, "2026-03", 0, AT(14), 0, &mar, &e) < 0) fail_msg("%s", e.msg);
    /* January now: D1 split floor(200001 x 3333 / 10000) = 66660 for Ana and Ben, Cy the
     * remaining 66681. Ana 6666, paid 3333: +3333. Ben 6666 + D2's 20000 = 26666, paid
     * 23333: +3333. Mia 6666 + 6666 + round(6668.1) = 6668 + 20000 = 40000, paid 30000:
     * +10000. Olly nothing, paid 5000: -5000.
     * February now: Ana 40000, paid 30000: +10000; Mia 40000, paid 30000: +10000; Olly
     * nothing, paid 15000: -15000; Ben none.
     * March has no deals: its payouts are the corrections, summed per person. */
    assert_int_equal(sum(db, SQL_CORRECTIONS, mar), 7);
    assert_int_equal(payout_of(db, mar, t.ana), 3333 + 10000);
    assert_int_equal(payout_of(db, mar, t.ben), 3333);
    assert_int_equal(payout_of(db, mar, t.mia), 10000 + 10000);
    assert_int_equal(payout_of(db, mar, t.olly), -5000 - 15000);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, mar), 13333 + 3333 + 20000 - 20000);
    /* one row each; Olly's has no attainment (he has no quota on the plan now), and he was
     * paid 50.00 + 150.00 before */
    assert_int_equal(sum(db, "SELECT COUNT(*) FROM comp_payouts WHERE run_id = $1", mar), 4);
    if (store_int_query(db,
                        "SELECT COUNT(*) FROM comp_payouts WHERE run_id = $1 AND person_id = $2"
                        " AND attainment_bp = -1 AND paid_to_date_minor = 20000 AND earned_minor ="
                        " -20000",
                        PARAMS(SV_INT(mar), SV_INT(t.olly)), &rows, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(rows, 1);
    testdb_close(db);
}

/* The monthly plan with a 30-day clawback window, 10% flat to quota, 20% above. */
static const char PLAN_CLAWBACK[] =
    "{\"name\": \"AE clawback\", \"currency\": \"USD\", \"effective_from\": \"2026-01-01\","
    " \"quota_period\": \"month\", \"payout_period\": \"month\", \"clawback_days\": 30,"
    " \"components\": [{\"id\": \"c\", \"type\": \"commission\", \"mode\": \"marginal\","
    " \"tiers\": [{\"from_bp\": 0, \"to_bp\": 10000, \"rate_ppm\": 100000},"
    " {\"from_bp\": 10000, \"rate_ppm\": 200000}]}]}";

/* One row of opportunity_history: the deal's state after a change at `at` (seconds). */
static void history(struct store *db, int64_t deal, int64_t at, const char *status)
{
    struct err e = {0};
    if (store_run(db,
                  "INSERT INTO opportunity_history (opportunity_id, changed_at, source, user_id,"
                  " changes, owner_id, pipeline_id, stage_id, amount_minor, currency, close_date,"
                  " probability_bp, forecast_category, status) SELECT id, $2, 'manual', NULL,"
                  " '{}', owner_id, pipeline_id, stage_id, amount_minor, currency, close_date,"
                  " probability_bp, forecast_category, $3 FROM opportunities WHERE id = $1",
                  PARAMS(SV_INT(deal), SV_INT(at), SV_TEXT(status)), NULL, &e) < 0)
        fail_msg("history: %s", e.msg);
}

/* Mark a won deal lost on `day` (noon UTC), as the pipeline does: the row, then its history. */
static void lose(struct store *db, int64_t deal, const char *day)
{
    struct err e = {0};
    if (store_run(db, "UPDATE opportunities SET status = 'lost' WHERE id = $1",
                  PARAMS(SV_INT(deal)), NULL, &e) < 0)
        fail_msg("%s", e.msg);
    history(db, deal, (int64_t)date_to_days(day) * 86400 + 12 * 3600, "lost");
}

static int64_t deal_sum(struct store *db, int64_t run, int64_t deal, const char *rule)
{
    struct err e = {0};
    int64_t v = -1;
    if (store_int_query(db,
                        "SELECT COALESCE(SUM(amount_minor), 0) FROM comp_lines WHERE run_id = $1"
                        " AND deal_id = $2 AND rule = $3",
                        PARAMS(SV_INT(run), SV_INT(deal), SV_TEXT(rule)), &v, &e) < 0)
        fail_msg("%s", e.msg);
    return v;
}

/* A won deal lost later is clawed back in the period it was lost, within the window only,
 * and its closed period is not corrected: the engine pays the original in its period. */
static void test_clawback_from_pipeline(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t plan = 0, jan = 0, feb = 0;
    int64_t ana = fixture_person(db, "Ana", "ana@test.example", 0, 0, "2020-01-01", "active");
    if (comp_plan_store(db, PLAN_CLAWBACK, strlen(PLAN_CLAWBACK), 0, 1, 0, &plan, NULL, &e) < 0)
        fail_msg("plan: %s", e.msg);
    if (comp_assign(db, plan, ana, "2026-01-01", NULL, 0, 1, 0, NULL, &e) < 0)
        fail_msg("%s", e.msg);
    add_quota(db, ana, "2026-01", 1000000);
    add_quota(db, ana, "2026-02", 1000000);
    /* D2 4,000.00 won Jan 5, D1 6,000.00 won Jan 10: each won in the pipeline's history */
    int64_t d2 = won_deal(db, ana, 400000, "2026-01-05");
    int64_t d1 = won_deal(db, ana, 600000, "2026-01-10");
    history(db, d2, (int64_t)date_to_days("2026-01-05") * 86400, "won");
    history(db, d1, (int64_t)date_to_days("2026-01-10") * 86400, "won");
    /* January: 4,000 + 6,000 = 10,000.00, exactly the quota, all at 10%: 400.00 + 600.00 */
    if (comp_payout_run(db, plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 40000 + 60000);
    assert_int_equal(comp_run_close(db, jan, 0, 11, 0, &e), 0);

    /* February: D1 lost Feb 5, 26 days after closing (Jan 10 -> Feb 5: 21 + 5), within 30:
     * clawed back, -600.00. D2 lost Feb 20, 46 days after closing (Jan 5 -> Feb 20: 26 +
     * 20), past the window: nothing reversed. D3 2,000.00 won Feb 3 and lost Feb 12 in the
     * open month: never payable, nothing. D4 1,000.00 won Feb 15: 10% = 100.00. */
    lose(db, d1, "2026-02-05");
    lose(db, d2, "2026-02-20");
    int64_t d3 = won_deal(db, ana, 200000, "2026-02-03");
    history(db, d3, (int64_t)date_to_days("2026-02-03") * 86400, "won");
    lose(db, d3, "2026-02-12");
    int64_t d4 = won_deal(db, ana, 100000, "2026-02-15");
    if (comp_payout_run(db, plan, "2026-02", 0, AT(12), 0, &feb, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(deal_sum(db, feb, d1, "clawback"), -60000);
    /* it names the line it reverses as January's statement numbers it: D2's line is 1, D1's
     * line 2 (the run's own numbering would say nothing to Ana) */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE rule = 'clawback'"
                                       " AND line_date = '2026-02-05' AND explanation LIKE"
                                       " '%cancelled on 2026-02-05, 26 days after closing"
                                       " (clawback window 30 days): reverses line 2 (tier,"
                                       " -600.00). Line 2 is in the 2026-01 statement, which"
                                       " stays as it was.'"),
                     1);
    char second[160];
    snprintf(second, sizeof second,
             "SELECT deal_id FROM comp_lines WHERE run_id = %lld AND person_id = %lld"
             " ORDER BY line_no LIMIT 1 OFFSET 1",
             (long long)jan, (long long)ana);
    assert_int_equal(fixture_count(db, second), d1);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE rule ="
                                       " 'clawback'"),
                     1); /* not D2 */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE deal_id IN"
                                       " (SELECT id FROM opportunities WHERE close_date ="
                                       " '2026-02-03')"),
                     0); /* not D3 */
    assert_int_equal(deal_sum(db, feb, d4, "tier"), 10000);
    /* January is unchanged now (it still pays D1 and D2), so no correction line */
    assert_int_equal(sum(db, SQL_CORRECTIONS, feb), 0);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 100000);
    /* February: 100.00 - 600.00 = -500.00 */
    assert_int_equal(sum(db, SQL_RUN_TOTAL, feb), 10000 - 60000);
    testdb_close(db);
}

/* Every change writes its audit row in its own transaction; a refused one writes none. */
static void test_audit(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    int64_t jan = 0;
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(comp_run_close(db, jan, 0, 11, 0, &e), 0);
    assert_int_equal(comp_run_close(db, jan, 0, 12, 0, &e), REINS_ECONFLICT);
    int64_t line;
    int64_t d = dispute_first_line(db, &t, jan, 13, &line);
    /* one open dispute a line: a second is refused and writes nothing */
    assert_int_equal(comp_dispute_open(db, jan, line, t.ana, "again?", 13, 0, NULL, &e),
                     REINS_ECONFLICT);
    assert_string_equal(e.field, "line_no");
    assert_int_equal(comp_dispute_resolve(db, d, "ok", 14, 0, &e), 0);
    /* plan, 4 assignments, splits, run, close, dispute open and resolve */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit"), 1 + 4 + 1 + 4);
    /* resolved, the line may be disputed again (the seller's answer to the resolution) */
    int64_t again = 0;
    assert_int_equal(comp_dispute_open(db, jan, line, t.ana, "still wrong", 15, 0, &again, &e), 0);
    assert_true(again > d);
    json_t *a;
    if (comp_audit_list(db, "run", jan, &a, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(json_array_size(a), 2);
    json_t *close = json_array_get(a, 0), *run = json_array_get(a, 1);
    assert_string_equal(json_string_value(json_object_get(close, "action")), "run.close");
    assert_string_equal(json_string_value(json_object_get(run, "action")), "run.run");
    json_t *s = json_object_get(run, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "payout_minor")),
                     3333 + 23333 + 5000 + 30000);
    assert_string_equal(json_string_value(json_object_get(s, "period")), "2026-01");
    json_decref(a);
    if (comp_audit_list(db, "deal", t.d1, &a, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(json_array_size(a), 1);
    s = json_object_get(json_array_get(a, 0), "summary");
    assert_int_equal(json_array_size(json_object_get(s, "before")), 0);
    assert_int_equal(json_array_size(json_object_get(s, "after")), 4);
    json_decref(a);
    testdb_close(db);
}

/* The first dispute of a statement, its line as kept, and whether that line changed. */
static json_t *first_dispute(struct store *db, const struct team *t, json_t **statement)
{
    struct err e = {0};
    if (comp_statement(db, t->plan, t->ana, "2026-01", statement, &e) < 0) fail_msg("%s", e.msg);
    json_t *d = json_array_get(json_object_get(*statement, "disputes"), 0);
    assert_non_null(d);
    return d;
}

/* A dispute keeps a copy of its line: when the line at its number changes (a re-run of an
 * open period renumbers lines), the statement says so and shows the line as it was; a
 * dispute opened before copies were kept (migration 13) has none and never "changed". */
static void test_dispute_keeps_its_line(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    int64_t jan = 0, line;
    if (comp_payout_run(db, t.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    dispute_first_line(db, &t, jan, 13, &line);

    json_t *st, *ds = first_dispute(db, &t, &st);
    assert_false(json_is_true(json_object_get(ds, "line_changed")));
    json_t *kept = json_object_get(ds, "line");
    assert_true(json_is_object(kept));
    json_t *now = json_array_get(json_object_get(st, "lines"), 0);
    assert_int_equal(json_integer_value(json_object_get(now, "line_no")), line);
    assert_string_equal(json_string_value(json_object_get(kept, "explanation")),
                        json_string_value(json_object_get(now, "explanation")));
    char *was = xstrdup(json_string_value(json_object_get(kept, "explanation")));
    json_decref(st);

    /* another line now holds its number */
    if (store_exec(db,
                   "UPDATE comp_lines SET explanation = 'another line' WHERE line_no ="
                   " (SELECT MIN(line_no) FROM comp_lines WHERE person_id = (SELECT id FROM"
                   " people WHERE name = 'Ana'))",
                   &e) < 0)
        fail_msg("%s", e.msg);
    ds = first_dispute(db, &t, &st);
    assert_true(json_is_true(json_object_get(ds, "line_changed")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(ds, "line"), "explanation")), was);
    json_decref(st);

    /* opened before migration 13: no copy, so nothing to compare */
    if (store_exec(db,
                   "UPDATE comp_disputes SET line_date = NULL, line_rule = NULL,"
                   " line_deal_id = NULL, line_amount_minor = NULL, line_explanation = NULL",
                   &e) < 0)
        fail_msg("%s", e.msg);
    ds = first_dispute(db, &t, &st);
    assert_false(json_is_true(json_object_get(ds, "line_changed")));
    assert_true(json_is_null(json_object_get(ds, "line")));
    json_decref(st);
    free(was);
    testdb_close(db);
}

/* Adds a product to the latest deal. */
static const char SQL_ADD_PRODUCT[] = "INSERT INTO opportunity_products (opportunity_id, name)"
                                      " VALUES ((SELECT MAX(id) FROM opportunities), $1)";

/* Store `plan` and put Ana (made here, *ana) on it from 2026-01-01; returns the plan's id. */
static int64_t plan_for_ana(struct store *db, const char *plan, int64_t *ana)
{
    struct err e = {0};
    int64_t id = 0;
    int version = 0;
    *ana = fixture_person(db, "Ana", "ana@test.example", 0, 0, "2020-01-01", "active");
    if (comp_plan_store(db, plan, strlen(plan), 0, 1, 0, &id, &version, &e) < 0)
        fail_msg("plan: %s", e.msg);
    if (comp_assign(db, id, *ana, "2026-01-01", NULL, 0, 1, 0, NULL, &e) < 0) fail_msg("%s", e.msg);
    return id;
}

/* A SPIF filtered on products pays on a pipeline deal that has one of them among its
 * products, and not on one that has none. */
static void test_spif_on_products(void **state)
{
    static const char plan[] =
        "{\"name\": \"SPIF test\", \"currency\": \"USD\", \"effective_from\": \"2026-01-01\","
        " \"quota_period\": \"month\", \"payout_period\": \"month\", \"components\": ["
        "{\"id\": \"platform\", \"type\": \"spif\", \"amount\": 10000,"
        " \"filter\": {\"products\": [\"Platform\"]}}]}";
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t ana, run = 0, id = plan_for_ana(db, plan, &ana);
    add_deal(db, ana, 600000, "USD", "won", "2026-01-10"); /* Core and Platform: 100.00 */
    const char *names[] = {"Core", "Platform"};
    for (int i = 0; i < 2; i++)
        if (store_run(db, SQL_ADD_PRODUCT, PARAMS(SV_TEXT(names[i])), NULL, &e) < 0)
            fail_msg("%s", e.msg);
    add_deal(db, ana, 600000, "USD", "won", "2026-01-20"); /* Core only: nothing */
    if (store_run(db, SQL_ADD_PRODUCT, PARAMS(SV_TEXT("Core")), NULL, &e) < 0)
        fail_msg("%s", e.msg);
    add_deal(db, ana, 600000, "USD", "won", "2026-01-25"); /* no products: nothing */
    if (comp_payout_run(db, id, "2026-01", 0, AT(10), 0, &run, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(sum(db, SQL_RUN_LINES, run), 1);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, run), 10000);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE rule = 'spif_fixed'"
                                       " AND deal_id = (SELECT MIN(id) FROM opportunities)"),
                     1);
    testdb_close(db);
}

/* A SPIF filtered on deal types and products pays on a pipeline deal of one of the types
 * with the product, and not on one of another type, one without a type, or one of the type
 * without the product. Deal types compare as written, case included: "New" is not "new". */
static void test_spif_on_deal_types(void **state)
{
    static const char plan[] =
        "{\"name\": \"New logo SPIF\", \"currency\": \"USD\", \"effective_from\": \"2026-01-01\","
        " \"quota_period\": \"month\", \"payout_period\": \"month\", \"components\": ["
        "{\"id\": \"new-logo\", \"type\": \"spif\", \"rate_ppm\": 20000,"
        " \"filter\": {\"deal_types\": [\"new\", \"New Business\"], \"products\": [\"Core\"]}}]}";
    static const char set_type[] =
        "UPDATE opportunities SET deal_type = $1 WHERE id = (SELECT MAX(id) FROM opportunities)";
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t ana, run = 0, id = plan_for_ana(db, plan, &ana);
    /* type, product, amount: what the SPIF pays (2% of the credit) */
    static const struct {
        const char *type, *product;
        int64_t amount;
    } deals[] = {
        {"new", "Core", 500000},          /* 2% of 5,000.00 = 100.00 */
        {"New Business", "Core", 250000}, /* 2% of 2,500.00 = 50.00 */
        {"renewal", "Core", 700000},      /* another type: nothing */
        {"New", "Core", 800000},          /* not "new": nothing */
        {"", "Core", 900000},             /* no type: nothing */
        {"new", "Support", 300000},       /* the type without the product: nothing */
    };
    for (size_t i = 0; i < sizeof deals / sizeof *deals; i++) {
        add_deal(db, ana, deals[i].amount, "USD", "won", "2026-01-10");
        if (store_run(db, set_type, PARAMS(SV_TEXT(deals[i].type)), NULL, &e) < 0 ||
            store_run(db, SQL_ADD_PRODUCT, PARAMS(SV_TEXT(deals[i].product)), NULL, &e) < 0)
            fail_msg("%s", e.msg);
    }
    if (comp_payout_run(db, id, "2026-01", 0, AT(10), 0, &run, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(sum(db, SQL_RUN_LINES, run), 2);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, run), 10000 + 5000);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines l JOIN opportunities o"
                                       " ON o.id = l.deal_id WHERE l.rule = 'spif_rate'"
                                       " AND o.deal_type IN ('new', 'New Business')"),
                     2);
    /* the estimator meets the SPIF only with a product and deal type that match: 2% of
     * 1,000.00 = 20.00 */
    static const struct {
        const char *product, *type;
        int64_t earns;
    } next[] = {{"Core", "new", 2000}, {"Core", "renewal", 0}, {NULL, "new", 0}, {"Core", NULL, 0}};
    for (size_t i = 0; i < sizeof next / sizeof *next; i++) {
        struct comp_extra_deal deal = {ana, 100000, next[i].product, next[i].type};
        int64_t delta = -1;
        if (comp_estimate(db, id, "2026-01", &deal, &delta, &e) < 0) fail_msg("%s", e.msg);
        assert_int_equal(delta, next[i].earns);
    }
    testdb_close(db);
}

/* A deal in another currency: converted at its close date's rate, or the run fails. */
static void test_fx(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    add_deal(db, w.ana, 900001, "EUR", "won", "2026-01-22");
    assert_int_equal(comp_payout_run(db, w.plan, "2026-01", 0, AT(10), 0, NULL, &e), REINS_EINVAL);
    assert_string_equal(e.field, "currency");
    if (!strstr(e.msg, "is in EUR and closed on 2026-01-22") || !strstr(e.msg, "EUR to USD"))
        fail_msg("%s", e.msg);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_runs"), 0);
    assert_int_equal(comp_fx_rate_set(db, "2025-12-01", "EUR", "USD", 1000000, 1, 0, NULL, &e), 0);
    assert_int_equal(comp_fx_rate_set(db, "2026-01-01", "EUR", "USD", 1400000, 1, 0, NULL, &e), 0);
    /* the same day again replaces it (audited) */
    assert_int_equal(comp_fx_rate_set(db, "2026-01-01", "EUR", "USD", 1500000, 1, 0, NULL, &e), 0);
    assert_int_equal(comp_fx_rate_set(db, "2026-01-25", "EUR", "USD", 2000000, 1, 0, NULL, &e), 0);
    assert_int_equal(comp_fx_rate_set(db, "2026-01-01", "EUR", "USD", 0, 1, 0, NULL, &e),
                     REINS_EINVAL);
    assert_string_equal(e.field, "rate_ppm");
    assert_int_equal(comp_fx_rate_set(db, "2026-01-01", "eur", "USD", 1, 1, 0, NULL, &e),
                     REINS_EINVAL);
    assert_string_equal(e.field, "from_currency");
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_fx_rates"), 3);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit WHERE action = 'rate.set'"),
                     4);
    int64_t jan = 0;
    if (comp_payout_run(db, w.plan, "2026-01", 0, AT(10), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    /* the rate of Jan 22 is 2026-01-01's 1.5 (not the later 2.0): 900,001 x 1.5 =
     * 1,350,001.5, half to even: 1,350,002. Ana is above quota after her 12,000.00, so it
     * pays 20%: 270,000.4 -> 270,000. January: 140,000 (as before) + 270,000 = 410,000. */
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 410000);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE explanation LIKE"
                                       " '%The deal is 9,000.01 EUR, converted at 1.500000 USD"
                                       " per EUR (the rate from 2026-01-01) into 13,500.02"
                                       " USD.'"),
                     1);
    testdb_close(db);
}

/* A quota set in another currency than the plan's is measured in the plan's, at the rate in
 * force on the quota period's first day; without one the run says which rate to add. */
static void test_fx_quota(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    /* Ana's January quota: 8,000.00 EUR, where it was 10,000.00 USD */
    struct quota_fields f = {w.ana, 0, "2026-01", 800000, "EUR", -1};
    int64_t id;
    if (quota_set(db, &f, 0, 0, &id, &e) < 0) fail_msg("quota: %s", e.msg);
    assert_int_equal(comp_payout_run(db, w.plan, "2026-01", 0, AT(10), 0, NULL, &e), REINS_EINVAL);
    assert_string_equal(e.field, "currency");
    if (!strstr(e.msg, "the 2026-01 quota of Ana is in EUR and the plan pays in USD: add a EUR to"
                       " USD exchange rate from 2026-01-01 or before"))
        fail_msg("%s", e.msg);
    /* a rate from after the period's first day is not the one in force for it */
    assert_int_equal(comp_fx_rate_set(db, "2026-01-15", "EUR", "USD", 2000000, 1, 0, NULL, &e), 0);
    assert_int_equal(comp_payout_run(db, w.plan, "2026-01", 0, AT(11), 0, NULL, &e), REINS_EINVAL);
    assert_string_equal(e.field, "currency");
    /* 1.25 from December: 8,000.00 EUR is 10,000.00 USD, and January pays as with the USD
     * quota: Ana 10% of 10,000.00 + 20% of 2,000.00 = 1,400.00 */
    assert_int_equal(comp_fx_rate_set(db, "2025-12-01", "EUR", "USD", 1250000, 1, 0, NULL, &e), 0);
    int64_t jan = 0;
    if (comp_payout_run(db, w.plan, "2026-01", 0, AT(12), 0, &jan, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(sum(db, SQL_RUN_TOTAL, jan), 140000);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines WHERE explanation LIKE"
                                       " '%of a 10,000.00 quota.'"),
                     3); /* 6,000.00; 4,000.00 to quota and 2,000.00 above */
    testdb_close(db);
}

/* Plan modelling: a draft at 12% without roll-up credit, beside the current plan, on
 * January; nothing stored. */
static void test_model(void **state)
{
    struct store *db = testdb_open(state);
    struct team t = make_team(db);
    struct err e = {0};
    int64_t may1 = date_to_days("2026-05-01") * 86400;
    int64_t value = fixture_count(db, "SELECT MIN(id) FROM company_values"), kudos = 0;
    if (kudos_give(db, t.ana, t.mia, value, "Thanks for the deal review", may1 - 10 * 86400, &kudos,
                   &e) < 0)
        fail_msg("%s", e.msg);
    static const char draft[] =
        "{\"name\": \"AE 12\", \"currency\": \"USD\", \"effective_from\": \"2026-01-01\","
        " \"quota_period\": \"month\", \"payout_period\": \"month\", \"components\": [{\"id\":"
        " \"c\", \"type\": \"commission\", \"mode\": \"marginal\","
        " \"credit\": {\"direct\": 10000, \"overlay\": 5000},"
        " \"tiers\": [{\"from_bp\": 0, \"rate_ppm\": 120000}]}]}";
    json_t *o;
    if (comp_model(db, draft, strlen(draft), "2026-01", may1, &o, &e) < 0) fail_msg("%s", e.msg);
    /* current (test_splits_rollup_overlay): Ana 3333, Ben 23333, Olly 5000, Mia 30000.
     * draft at 12%: Ana 33330 x 12% = 3999.6 -> 4000 (+667); Ben 4000 + 200000 x 12% = 28000
     * (+4667); Olly 50000 (overlay at 50%) x 12% = 6000 (+1000); Mia, no roll-up: 0 (-30000).
     * Totals 61666 -> 38000: -23666. */
    json_t *totals = json_object_get(o, "totals"), *people = json_object_get(o, "people");
    assert_int_equal(json_integer_value(json_object_get(totals, "current_minor")), 61666);
    assert_int_equal(json_integer_value(json_object_get(totals, "draft_minor")), 38000);
    assert_int_equal(json_integer_value(json_object_get(totals, "change_minor")), -23666);
    assert_int_equal(json_array_size(people), 4);
    int64_t expect[4][3] = {
        {t.mia, 30000, 0}, {t.ana, 3333, 4000}, {t.olly, 5000, 6000}, {t.ben, 23333, 28000}};
    for (size_t i = 0; i < 4; i++) {
        json_t *p = json_array_get(people, i);
        assert_int_equal(json_integer_value(json_object_get(p, "person_id")), expect[i][0]);
        assert_int_equal(json_integer_value(json_object_get(p, "current_minor")), expect[i][1]);
        assert_int_equal(json_integer_value(json_object_get(p, "draft_minor")), expect[i][2]);
        assert_int_equal(json_is_true(json_object_get(p, "flagged")), i == 0);
    }
    /* Mia, the only loser, with her facts: 300001 of 1,000,000 is 30.00% (no top performer),
     * one kudos in the last 90 days, no goals */
    json_t *mia = json_array_get(people, 0), *f = json_object_get(mia, "facts");
    assert_string_equal(json_string_value(json_object_get(mia, "name")), "Mia");
    assert_int_equal(json_integer_value(json_object_get(mia, "attainment_bp")), 3000);
    assert_true(json_is_false(json_object_get(f, "top_performer")));
    assert_int_equal(json_integer_value(json_object_get(f, "kudos_received")), 1);
    assert_int_equal(json_integer_value(json_object_get(f, "last_kudos_at")), may1 - 10 * 86400);
    assert_int_equal(json_integer_value(json_object_get(f, "open_goals")), 0);
    assert_true(json_is_null(json_object_get(json_array_get(people, 1), "facts")));
    json_decref(o);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_runs"), 0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_lines"), 0);
    /* the period must be over; a bad draft names its path */
    assert_int_equal(comp_model(db, draft, strlen(draft), "2026-05", may1, &o, &e), REINS_EINVAL);
    assert_string_equal(e.field, "period");
    const char *bad =
        "{\"name\": \"x\", \"effective_from\": \"2026-01-01\", \"components\": ["
        "{\"id\": \"c\", \"type\": \"commission\", \"mode\": \"marginal\", \"tiers\": ["
        "{\"from_bp\": 0, \"rate_ppm\": -1}]}]}";
    assert_int_equal(comp_model(db, bad, strlen(bad), "2026-01", may1, &o, &e), REINS_EINVAL);
    assert_string_equal(e.field, "plan");
    if (!strstr(e.msg, "components[0].tiers[0]")) fail_msg("%s", e.msg);
    testdb_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TESTDB_BOTH(test_plan_versions),
        TESTDB_BOTH(test_input_from_db),
        TESTDB_BOTH(test_deal_rows_kept),
        TESTDB_BOTH(test_model_two_plans),
        TESTDB_BOTH(test_run_lock_and_payroll),
        TESTDB_BOTH(test_run_all_or_nothing),
        TESTDB_BOTH(test_estimate),
        TESTDB_BOTH(test_demo),
        TESTDB_BOTH(test_splits_rollup_overlay),
        TESTDB_BOTH(test_splits_refused),
        TESTDB_BOTH(test_correction_after_close),
        TESTDB_BOTH(test_correction_by_deal),
        TESTDB_BOTH(test_adjustments),
        TESTDB_BOTH(test_corrections_many),
        TESTDB_BOTH(test_periods_in_order),
        TESTDB_BOTH(test_assignment_end),
        TESTDB_BOTH(test_corrections_summed),
        TESTDB_BOTH(test_corrections_migrated),
        TESTDB_BOTH(test_clawback_from_pipeline),
        TESTDB_BOTH(test_audit),
        TESTDB_BOTH(test_dispute_keeps_its_line),
        TESTDB_BOTH(test_spif_on_products),
        TESTDB_BOTH(test_spif_on_deal_types),
        TESTDB_BOTH(test_fx),
        TESTDB_BOTH(test_fx_quota),
        TESTDB_BOTH(test_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
