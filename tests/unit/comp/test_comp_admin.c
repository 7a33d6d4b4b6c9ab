/* test_comp_admin.c -- the admin page's reads (comp_admin.h) on both databases: plan
 * versions grouped by name, assignments, run totals, one run's payouts, disputes open first
 * with their line (null once a re-run dropped it), and the XLSX payroll's closed-run rule. */
#include "testdb.h"
#include "fixtures.h"

#include <string.h>

#include "comp/comp_admin.h"
#include "comp/comp_store.h"
#include "core/mem.h"
#include "quotas/quotas.h"

/* Runs are done after the periods they run (a period not begun yet is refused): from
 * 2026-07-01, a few seconds apart in the order of the tests. */
#define AT(s) ((int64_t)1782864000 + (s))

/* Monthly quota, paid monthly: 10% up to quota, 20% above it (marginal). */
#define PLAN_JSON(name)                                                                            \
    "{\"name\": \"" name "\", \"currency\": \"USD\", \"effective_from\": \"2026-01-01\","          \
    " \"quota_period\": \"month\", \"payout_period\": \"month\", \"components\": [{\"id\": \"c\"," \
    " \"type\": \"commission\", \"mode\": \"marginal\", \"tiers\": ["                              \
    "{\"from_bp\": 0, \"to_bp\": 10000, \"rate_ppm\": 100000},"                                    \
    " {\"from_bp\": 10000, \"rate_ppm\": 200000}]}]}"
static const char PLAN[] = PLAN_JSON("AE admin");
static const char OTHER[] = PLAN_JSON("Overlay admin");

static const char SQL_DEAL[] =
    "INSERT INTO opportunities (owner_id, name, amount_minor, currency, pipeline_id, stage_id,"
    " probability_bp, forecast_category, status, close_date, created_date, created_at,"
    " updated_at) SELECT $1, $2, $3, 'USD', s.pipeline_id, s.id, 10000, 'closed', 'won', $4, $4,"
    " 0, 0 FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id"
    " WHERE p.is_default = 1 AND s.is_won = 1";

static void add_deal(struct store *db, int64_t owner, const char *name, int64_t amount,
                     const char *close)
{
    struct err e = {0};
    if (store_run(db, SQL_DEAL,
                  PARAMS(SV_INT(owner), SV_TEXT(name), SV_INT(amount), SV_TEXT(close)), NULL,
                  &e) < 0)
        fail_msg("deal: %s", e.msg);
}

static void add_quota(struct store *db, int64_t person, int64_t amount)
{
    struct err e = {0};
    struct quota_fields f = {person, 0, "2026-01", amount, "USD", -1};
    int64_t id;
    if (quota_set(db, &f, 0, 0, &id, &e) < 0) fail_msg("quota: %s", e.msg);
}

static json_int_t geti(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v)) fail_msg("%s is not an integer", key);
    return json_integer_value(v);
}

static const char *gets(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s) fail_msg("%s is not a string", key);
    return s;
}

static void test_plans_and_assignments(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t ana = fixture_person(db, "Ana", "ana@test.example", 0, 0, "2020-01-01", "active");
    int64_t v1, v2, o1;
    assert_int_equal(comp_plan_store(db, PLAN, strlen(PLAN), 0, 100, 0, &v1, NULL, &e), 0);
    assert_int_equal(comp_plan_store(db, OTHER, strlen(OTHER), 0, 101, 0, &o1, NULL, &e), 0);
    assert_int_equal(comp_plan_store(db, PLAN, strlen(PLAN), 0, 102, 0, &v2, NULL, &e), 0);
    assert_int_equal(comp_assign(db, v2, ana, "2026-01-01", "2026-06-30", 0, 103, 0, NULL, &e), 0);

    json_t *plans;
    assert_int_equal(comp_admin_plans(db, &plans, &e), 0);
    /* by name, then newest version first */
    assert_int_equal(json_array_size(plans), 2);
    json_t *ae = json_array_get(plans, 0), *vs = json_object_get(ae, "versions");
    assert_string_equal(gets(ae, "name"), "AE admin");
    assert_int_equal(json_array_size(vs), 2);
    assert_int_equal(geti(json_array_get(vs, 0), "id"), v2);
    assert_int_equal(geti(json_array_get(vs, 0), "version"), 2);
    assert_int_equal(geti(json_array_get(vs, 0), "assignments"), 1);
    assert_int_equal(geti(json_array_get(vs, 0), "created_at"), 102);
    assert_int_equal(geti(json_array_get(vs, 1), "id"), v1);
    assert_int_equal(geti(json_array_get(vs, 1), "assignments"), 0);
    assert_string_equal(gets(json_array_get(vs, 1), "currency"), "USD");
    assert_true(json_is_null(json_object_get(json_array_get(vs, 1), "effective_to")));
    assert_string_equal(gets(json_array_get(plans, 1), "name"), "Overlay admin");
    json_decref(plans);

    json_t *one;
    assert_int_equal(comp_admin_plan(db, o1, &one, &e), 0);
    assert_string_equal(gets(json_object_get(one, "document"), "name"), "Overlay admin");
    json_decref(one);
    assert_int_equal(comp_admin_plan(db, 9999, &one, &e), REINS_ENOTFOUND);
    assert_string_equal(e.field, "plan_id");

    json_t *a;
    assert_int_equal(comp_admin_assignments(db, 0, &a, &e), 0);
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(gets(json_array_get(a, 0), "person_name"), "Ana");
    assert_string_equal(gets(json_array_get(a, 0), "end_date"), "2026-06-30");
    json_decref(a);
    assert_int_equal(comp_admin_assignments(db, v1, &a, &e), 0);
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
    testdb_close(db);
}

static void test_runs_payouts_disputes(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t ana = fixture_person(db, "Ana", "ana@test.example", 0, 0, "2020-01-01", "active");
    int64_t ben = fixture_person(db, "Ben", "ben@test.example", 0, 0, "2020-01-01", "active");
    int64_t plan, run, again;
    assert_int_equal(comp_plan_store(db, PLAN, strlen(PLAN), 0, 1, 0, &plan, NULL, &e), 0);
    assert_int_equal(comp_assign(db, plan, ana, "2026-01-01", NULL, 0, 1, 0, NULL, &e), 0);
    assert_int_equal(comp_assign(db, plan, ben, "2026-01-01", NULL, 0, 1, 0, NULL, &e), 0);
    add_quota(db, ana, 1000000);
    add_quota(db, ben, 1000000);
    add_deal(db, ana, "A1", 600000, "2026-01-10");
    add_deal(db, ana, "A2", 600000, "2026-01-20");
    add_deal(db, ben, "B1", 300000, "2026-01-15");
    if (comp_payout_run(db, plan, "2026-01", 0, AT(50), 0, &run, &e) < 0) fail_msg("%s", e.msg);

    /* Ana: 6,000 + 4,000 at 10% and 2,000 at 20% = 1,400.00 in 3 lines; Ben 300.00 in 1 */
    json_t *runs, *r;
    assert_int_equal(comp_admin_runs(db, &runs, &e), 0);
    assert_int_equal(json_array_size(runs), 1);
    r = json_array_get(runs, 0);
    assert_int_equal(geti(r, "id"), run);
    assert_string_equal(gets(r, "status"), "open");
    assert_true(json_is_null(json_object_get(r, "closed_at")));
    assert_int_equal(geti(r, "people"), 2);
    assert_int_equal(geti(r, "lines"), 4);
    assert_int_equal(geti(r, "earned_minor"), 170000);
    assert_int_equal(geti(r, "payout_minor"), 170000);
    assert_int_equal(geti(r, "created_at"), AT(50));
    json_decref(runs);

    assert_int_equal(comp_admin_run(db, run, &r, &e), 0);
    json_t *p = json_object_get(r, "payouts");
    assert_int_equal(json_array_size(p), 2);
    assert_string_equal(gets(json_array_get(p, 0), "name"), "Ana");
    assert_int_equal(geti(json_array_get(p, 0), "payout_minor"), 140000);
    assert_int_equal(geti(json_array_get(p, 0), "attainment_bp"), 12000);
    assert_int_equal(geti(json_array_get(p, 0), "lines"), 3);
    assert_int_equal(geti(json_array_get(p, 1), "payout_minor"), 30000);
    json_decref(r);
    assert_int_equal(comp_admin_run(db, 9999, &r, &e), REINS_ENOTFOUND);
    assert_string_equal(e.field, "run_id");

    /* Ana disputes her last line (the 2,000 above quota) and her first; the first is resolved */
    int64_t last_line = fixture_count(db, "SELECT MAX(line_no) FROM comp_lines WHERE person_id ="
                                          " (SELECT id FROM people WHERE name = 'Ana')");
    int64_t first_line = fixture_count(db, "SELECT MIN(line_no) FROM comp_lines WHERE person_id ="
                                           " (SELECT id FROM people WHERE name = 'Ana')");
    int64_t d1, d2;
    assert_int_equal(comp_dispute_open(db, run, first_line, ana, "first", 60, 0, &d1, &e), 0);
    assert_int_equal(comp_dispute_open(db, run, last_line, ana, "last", 61, 0, &d2, &e), 0);
    assert_int_equal(comp_dispute_resolve(db, d1, "fine", 62, 0, &e), 0);
    /* A2 is lost after all: the re-run has no line above quota, the dispute stays */
    if (store_exec(db, "UPDATE opportunities SET status = 'lost' WHERE name = 'A2'", &e) < 0)
        fail_msg("%s", e.msg);
    if (comp_payout_run(db, plan, "2026-01", 0, AT(70), 0, &again, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(again, run);

    json_t *ds;
    assert_int_equal(comp_admin_disputes(db, &ds, &e), 0);
    assert_int_equal(json_array_size(ds), 2);
    json_t *open = json_array_get(ds, 0), *resolved = json_array_get(ds, 1);
    assert_int_equal(geti(open, "id"), d2);
    assert_string_equal(gets(open, "status"), "open");
    assert_string_equal(gets(open, "person_name"), "Ana");
    assert_string_equal(gets(open, "period"), "2026-01");
    /* the re-run has no such line any more, but the dispute kept it as Ana read it:
     * the 2,000 above quota at 20% = 400.00 */
    json_t *kept = json_object_get(open, "line");
    assert_true(json_is_object(kept));
    assert_int_equal(geti(kept, "amount_minor"), 40000);
    assert_true(strlen(gets(kept, "explanation")) > 0);
    assert_int_equal(geti(resolved, "id"), d1);
    assert_string_equal(gets(resolved, "resolution"), "fine");
    assert_int_equal(geti(resolved, "resolved_at"), 62);
    json_t *line = json_object_get(resolved, "line");
    assert_true(json_is_object(line));
    assert_int_equal(geti(line, "amount_minor"), 60000);
    json_decref(ds);

    /* a dispute from before disputes kept their line names it by number only: should
     * Ana's number now be one of Ben's lines, it shows no line rather than his pay */
    int64_t bens = fixture_count(db, "SELECT MIN(line_no) FROM comp_lines WHERE person_id ="
                                     " (SELECT id FROM people WHERE name = 'Ben')");
    if (store_run(db,
                  "INSERT INTO comp_disputes (run_id, line_no, person_id, comment, status,"
                  " opened_at) VALUES ($1, $2, $3, 'renumbered', 'resolved', 63)",
                  PARAMS(SV_INT(run), SV_INT(bens), SV_INT(ana)), NULL, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(comp_admin_disputes(db, &ds, &e), 0);
    size_t k;
    json_t *dd;
    int seen = 0;
    json_array_foreach(ds, k, dd)
    {
        if (strcmp(gets(dd, "comment"), "renumbered")) continue;
        seen = 1;
        assert_true(json_is_null(json_object_get(dd, "line")));
    }
    assert_true(seen);
    json_decref(ds);

    assert_int_equal(comp_admin_runs(db, &runs, &e), 0);
    r = json_array_get(runs, 0);
    assert_int_equal(geti(r, "open_disputes"), 1);
    assert_int_equal(geti(r, "payout_minor"), 90000); /* Ana 600.00, Ben 300.00 */
    json_decref(runs);

    /* payroll: only a closed run, and then a zip (XLSX) */
    struct sb x = SB_INIT;
    assert_int_equal(comp_payroll_xlsx(db, run, &x, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "run_id");
    assert_int_equal(x.len, 0);
    assert_int_equal(comp_payroll_xlsx(db, 9999, &x, &e), REINS_ENOTFOUND);
    assert_int_equal(comp_run_close(db, run, 0, 80, 0, &e), 0);
    assert_int_equal(comp_payroll_xlsx(db, run, &x, &e), 0);
    assert_true(x.len > 1000);
    assert_memory_equal(x.buf, "PK\x03\x04", 4);
    sb_release(&x);
    assert_int_equal(comp_admin_runs(db, &runs, &e), 0);
    assert_string_equal(gets(json_array_get(runs, 0), "status"), "closed");
    assert_int_equal(geti(json_array_get(runs, 0), "closed_at"), 80);
    json_decref(runs);
    testdb_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TESTDB_BOTH(test_plans_and_assignments),
        TESTDB_BOTH(test_runs_payouts_disputes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
