/* test_pipeline.c -- the pipeline schema, rules, stage moves, history, slips and the pipeline
 * as of a date, on both databases. */
#include "testdb.h"
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/principal.h"
#include "core/mem.h"
#include "core/text.h"
#include "demo/demo.h"
#include "people/people.h"
#include "pipeline/pipeline.h"

#define DAY 86400

/* ---- helpers ---------------------------------------------------------------------------- */

static int64_t stage_id(struct store *db, const char *pipeline, const char *name)
{
    struct err e = {0};
    int64_t id = 0;
    if (store_int_query(
            db,
            "SELECT s.id FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id"
            " WHERE p.name = $1 AND s.name = $2",
            PARAMS(SV_TEXT(pipeline), SV_TEXT(name)), &id, &e) < 0)
        fail_msg("no stage %s/%s: %s", pipeline, name, e.msg);
    return id;
}

static struct pipeline_stage get_stage(struct store *db, struct arena *a, int64_t id)
{
    struct pipeline_stage s;
    struct err e = {0};
    if (pipeline_stage_get(db, id, a, &s, &e) < 0) fail_msg("%s", e.msg);
    return s;
}

/* A deal of `owner` in stage `stage` (New business), created at `at`. */
static int64_t make_deal(struct store *db, int64_t owner, const char *name, const char *stage,
                         int64_t amount, const char *close, int64_t at)
{
    struct arena a = ARENA_INIT;
    struct opportunity o;
    memset(&o, 0, sizeof o);
    o.name = name;
    struct pipeline_stage st = get_stage(db, &a, stage_id(db, "New business", stage));
    o.st.owner_id = owner;
    o.st.amount_minor = amount;
    strcpy(o.st.currency, "EUR");
    snprintf(o.st.close_date, sizeof o.st.close_date, "%s", close);
    opp_state_enter_stage(&o.st, &st, 0);
    strcpy(o.created_date, "2026-01-05");
    o.products = "Core; Support; Core";
    struct change_source by = {"test", 0, at};
    struct err e = {0};
    int64_t id = 0;
    if (opportunity_create(db, &o, &by, &id, &e) < 0) fail_msg("%s", e.msg);
    arena_release(&a);
    return id;
}

/* ---- rules ------------------------------------------------------------------------------ */

static void test_parsers(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(amount_parse("1234", &v), 0);
    assert_int_equal(v, 123400);
    assert_int_equal(amount_parse("1,234.5", &v), 0);
    assert_int_equal(v, 123450);
    assert_int_equal(amount_parse("$ 12,345,678.09", &v), 0);
    assert_int_equal(v, 1234567809);
    assert_int_equal(amount_parse("EUR 10.00", &v), 0);
    assert_int_equal(v, 1000);
    assert_int_equal(amount_parse("0.5", &v), 0);
    assert_int_equal(v, 50);
    assert_int_equal(amount_parse("-5", &v), REINS_EINVAL);
    assert_int_equal(amount_parse("1.234", &v), REINS_EINVAL);
    assert_int_equal(amount_parse("2.40000", &v), 0); /* trailing zeros are no rounding */
    assert_int_equal(v, 240);
    /* found by fuzz/crm_values_fuzz: many trailing zeros overflowed the cents */
    assert_int_equal(amount_parse("2.40000000000000000000000000", &v), 0);
    assert_int_equal(v, 240);
    assert_int_equal(amount_parse("2.4000000000000000000000001", &v), REINS_EINVAL);
    assert_int_equal(amount_parse("12,34", &v), REINS_EINVAL);
    assert_int_equal(amount_parse("12x", &v), REINS_EINVAL);
    assert_int_equal(amount_parse("", &v), REINS_EINVAL);
    assert_int_equal(amount_parse("99999999999999999999", &v), REINS_EINVAL);

    char d[11];
    assert_int_equal(crm_date_parse("2026-03-01", d), 0);
    assert_string_equal(d, "2026-03-01");
    assert_int_equal(crm_date_parse("2026-03-01 10:30", d), 0);
    assert_string_equal(d, "2026-03-01");
    assert_int_equal(crm_date_parse("2026-03-01T10:30:00Z", d), 0);
    assert_int_equal(crm_date_parse("3/7/2026", d), 0);
    assert_string_equal(d, "2026-03-07");
    assert_int_equal(crm_date_parse("2026-02-30", d), REINS_EINVAL);
    assert_int_equal(crm_date_parse("13/1/2026", d), REINS_EINVAL);
    assert_int_equal(crm_date_parse("soon", d), REINS_EINVAL);

    assert_int_equal(percent_parse("40", &v), 0);
    assert_int_equal(v, 4000);
    assert_int_equal(percent_parse("12.5%", &v), 0);
    assert_int_equal(v, 1250);
    assert_int_equal(percent_parse("101", &v), REINS_EINVAL);
    assert_int_equal(percent_parse("abc", &v), REINS_EINVAL);

    struct err e = {0};
    assert_int_equal(currency_check("EUR", "currency", &e), 0);
    assert_int_equal(currency_check("eur", "currency", &e), REINS_EINVAL);
    assert_string_equal(e.field, "currency");
    assert_int_equal(currency_check("EURO", "currency", &e), REINS_EINVAL);
    assert_true(forecast_category_valid("best_case"));
    assert_false(forecast_category_valid("upside"));
}

static void test_enter_stage_and_changes(void **state)
{
    (void)state;
    struct pipeline_stage won = {7, 1, "P", "Won", 9, 10000, "closed", 1, 0};
    struct pipeline_stage nego = {6, 1, "P", "Nego", 8, 9000, "commit", 0, 0};
    struct opp_state a = {0}, b;
    strcpy(a.currency, "EUR");
    strcpy(a.close_date, "2026-01-01");
    opp_state_enter_stage(&a, &nego, 0);
    assert_int_equal(a.probability_bp, 9000);
    assert_string_equal(a.status, "open");
    b = a;
    b.probability_bp = 3000;
    opp_state_enter_stage(&b, &won, 1); /* set by hand: kept */
    assert_int_equal(b.probability_bp, 3000);
    assert_string_equal(b.status, "won");
    assert_string_equal(b.forecast_category, "closed");
    char changes[128];
    opp_state_changes(&a, &b, changes);
    assert_string_equal(changes, "stage,probability,forecast_category,status");
    opp_state_changes(&a, &a, changes);
    assert_string_equal(changes, "");
}

/* ---- schema ----------------------------------------------------------------------------- */

static void test_schema(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", 0, 0, NULL, NULL);
    /* the seeded pipelines: Salesforce's standard stages and HubSpot's */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM pipelines"), 2);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM pipeline_stages"), 17);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM pipelines WHERE is_default = 1"), 1);
    int64_t id = make_deal(db, ana, "Deal", "Prospecting", 1000, "2026-03-31", 1000);
    /* what quotas relies on */
    assert_int_equal(
        fixture_count(db, "SELECT COUNT(*) FROM opportunities WHERE owner_id IS NOT NULL"
                          " AND amount_minor = 1000 AND currency = 'EUR' AND status = 'open'"
                          " AND close_date = '2026-03-31' AND created_date = '2026-01-05'"),
        1);
    assert_int_equal(store_run(db, "UPDATE opportunities SET status = 'maybe' WHERE id = $1",
                               PARAMS(SV_INT(id)), NULL, &e),
                     REINS_EINVAL);
    assert_int_equal(store_run(db, "UPDATE opportunities SET probability_bp = 10001 WHERE id = $1",
                               PARAMS(SV_INT(id)), NULL, &e),
                     REINS_EINVAL);
    assert_int_equal(
        store_run(db, "UPDATE opportunities SET forecast_category = 'upside'", NO_PARAMS, NULL, &e),
        REINS_EINVAL);
    assert_int_equal(store_run(db, "UPDATE opportunities SET owner_id = 999", NO_PARAMS, NULL, &e),
                     REINS_EINVAL);
    /* external ids are unique per source */
    struct account acc = {0};
    acc.name = "Acme";
    acc.source = "salesforce";
    acc.external_id = "001A";
    int64_t acc_id;
    assert_int_equal(account_create(db, &acc, 5, &acc_id, &e), 0);
    assert_int_equal(account_create(db, &acc, 5, &acc_id, &e), REINS_ECONFLICT);
    acc.source = "hubspot";
    assert_int_equal(account_create(db, &acc, 5, &acc_id, &e), 0);
    acc.external_id = NULL; /* several accounts without an external id are fine */
    assert_int_equal(account_create(db, &acc, 5, &acc_id, &e), 0);
    assert_int_equal(account_create(db, &acc, 5, &acc_id, &e), 0);
    acc.has_location = 1;
    acc.latitude_e6 = 91000000;
    assert_int_equal(account_create(db, &acc, 5, &acc_id, &e), REINS_EINVAL);
    assert_int_equal(store_run(db, "UPDATE opportunities SET external_id = 'X', source = 'hubspot'",
                               NO_PARAMS, NULL, &e),
                     0);
    int64_t other = make_deal(db, ana, "Other", "Prospecting", 1, "2026-03-31", 1000);
    assert_int_equal(store_run(db,
                               "UPDATE opportunities SET external_id = 'X', source = 'hubspot'"
                               " WHERE id = $1",
                               PARAMS(SV_INT(other)), NULL, &e),
                     REINS_ECONFLICT);
    /* a stage is won or lost, not both */
    assert_int_equal(
        store_run(db, "UPDATE pipeline_stages SET is_won = 1, is_lost = 1", NO_PARAMS, NULL, &e),
        REINS_EINVAL);
    /* a saved mapping is one column per source, object and field */
    assert_int_equal(store_run(db,
                               "INSERT INTO crm_mappings (source, object, field, column_name,"
                               " updated_at) VALUES ('sap', 'opportunities', 'name', 'N', 0)",
                               NO_PARAMS, NULL, &e),
                     REINS_EINVAL);
    testdb_close(db);
}

/* ---- stage moves and probabilities ------------------------------------------------------ */

static void test_manual_probability_survives_stage_change(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", 0, 0, NULL, NULL);
    int64_t id = make_deal(db, ana, "Deal", "Prospecting", 500000, "2026-03-31", 1000);
    struct opportunity o;
    assert_int_equal(opportunity_get(db, id, &a, &o, &e), 0);
    assert_int_equal(o.st.probability_bp, 1000);
    assert_string_equal(o.products, "Core; Support");
    assert_string_equal(o.stage_name, "Prospecting");

    struct change_source by = {"web", 0, 2000};
    /* without a hand-set probability a stage change takes the stage's default */
    assert_int_equal(
        opportunity_set_stage(db, id, stage_id(db, "New business", "Value Proposition"), &by, &e),
        0);
    assert_int_equal(opportunity_get(db, id, &a, &o, &e), 0);
    assert_int_equal(o.st.probability_bp, 5000);
    /* set by hand, then moved: the hand-set value stays */
    by.at = 3000;
    assert_int_equal(opportunity_set_probability(db, id, 3500, &by, &e), 0);
    by.at = 4000;
    assert_int_equal(
        opportunity_set_stage(db, id, stage_id(db, "New business", "Negotiation/Review"), &by, &e),
        0);
    assert_int_equal(opportunity_get(db, id, &a, &o, &e), 0);
    assert_int_equal(o.st.probability_bp, 3500);
    assert_true(o.probability_manual);
    assert_string_equal(o.st.forecast_category, "commit");
    /* won: the status follows the stage */
    by.at = 5000;
    assert_int_equal(
        opportunity_set_stage(db, id, stage_id(db, "New business", "Closed Won"), &by, &e), 0);
    assert_int_equal(opportunity_get(db, id, &a, &o, &e), 0);
    assert_string_equal(o.st.status, "won");
    /* clearing the hand-set value returns to the stage's default */
    by.at = 6000;
    assert_int_equal(opportunity_set_probability(db, id, -1, &by, &e), 0);
    assert_int_equal(opportunity_get(db, id, &a, &o, &e), 0);
    assert_int_equal(o.st.probability_bp, 10000);
    assert_false(o.probability_manual);
    /* refusals */
    assert_int_equal(opportunity_set_stage(db, id, 99999, &by, &e), REINS_EINVAL);
    assert_string_equal(e.field, "stage_id");
    assert_int_equal(opportunity_set_probability(db, id, 10001, &by, &e), REINS_EINVAL);
    assert_int_equal(
        opportunity_set_stage(db, 99999, stage_id(db, "New business", "Closed Won"), &by, &e),
        REINS_ENOTFOUND);

    /* every change is in the history, oldest first, with what changed */
    struct opp_history_row *h;
    size_t n;
    assert_int_equal(opportunity_history(db, id, &a, &h, &n, &e), 0);
    assert_int_equal(n, 6);
    assert_string_equal(h[0].changes, "created");
    assert_string_equal(h[1].changes, "stage,probability");
    assert_string_equal(h[1].source, "web");
    assert_string_equal(h[2].changes, "probability");
    assert_int_equal(h[2].st.probability_bp, 3500);
    assert_string_equal(h[3].changes, "stage,forecast_category");
    assert_string_equal(h[4].changes, "stage,forecast_category,status");
    assert_string_equal(h[4].stage_name, "Closed Won");
    assert_string_equal(h[5].changes, "probability");
    arena_release(&a);
    testdb_close(db);
}

/* ---- history: slips and the pipeline as of a date --------------------------------------- */

static void move_close(struct store *db, int64_t id, const char *date, int64_t at)
{
    struct arena a = ARENA_INIT;
    struct err e = {0};
    struct opportunity o;
    if (opportunity_get(db, id, &a, &o, &e) < 0) fail_msg("%s", e.msg);
    struct opp_state st = o.st;
    snprintf(st.close_date, sizeof st.close_date, "%s", date);
    struct change_source by = {"test", 0, at};
    if (opportunity_write_state(db, id, &o.st, &st, o.probability_manual, &by, &e) < 0)
        fail_msg("%s", e.msg);
    arena_release(&a);
}

static void test_slips_and_as_of(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t boss = fixture_person(db, "Boss", "boss@x.io", 0, 0, NULL, NULL);
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", boss, 0, NULL, NULL);
    int64_t ben = fixture_person(db, "Ben", "ben@x.io", 0, 0, NULL, NULL);
    int64_t d1 = date_to_days("2026-01-10") * DAY;
    int64_t slipper = make_deal(db, ana, "Slipper", "Qualification", 1000, "2026-02-28", d1);
    int64_t steady = make_deal(db, ben, "Steady", "Qualification", 2000, "2026-03-31", d1 + 60);
    move_close(db, slipper, "2026-03-31", d1 + 20 * DAY); /* slip of 31 days */
    move_close(db, slipper, "2026-03-15", d1 + 30 * DAY); /* pulled in: not a slip */
    move_close(db, slipper, "2026-04-30", d1 + 40 * DAY); /* slip of 46 days */
    int64_t slips, days;
    assert_int_equal(opportunity_slips(db, slipper, &slips, &days, &e), 0);
    assert_int_equal(slips, 2);
    assert_int_equal(days, 31 + 46);
    assert_int_equal(opportunity_slips(db, steady, &slips, &days, &e), 0);
    assert_int_equal(slips, 0);
    assert_int_equal(days, 0);

    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    struct opp_history_row *rows;
    size_t n;
    /* before anything existed */
    assert_int_equal(pipeline_as_of(db, &admin, "2026-01-09", &a, &rows, &n, &e), 0);
    assert_int_equal(n, 0);
    /* the day they were made: both, at their first close dates */
    assert_int_equal(pipeline_as_of(db, &admin, "2026-01-10", &a, &rows, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].opportunity_id, slipper);
    assert_string_equal(rows[0].st.close_date, "2026-02-28");
    /* after the first slip, before the pull-in */
    assert_int_equal(pipeline_as_of(db, &admin, "2026-02-05", &a, &rows, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].opportunity_id, slipper);
    assert_string_equal(rows[0].st.close_date, "2026-03-31");
    assert_string_equal(rows[0].owner_name, "Ana");
    assert_string_equal(rows[0].stage_name, "Qualification");
    assert_int_equal(pipeline_as_of(db, &admin, "2026-02-10", &a, &rows, &n, &e), 0);
    assert_string_equal(rows[0].st.close_date, "2026-03-15");
    /* visibility: a manager sees their tree's deals, a seller their own */
    struct principal mgr = fixture_principal(ROLE_MANAGER, boss);
    assert_int_equal(pipeline_as_of(db, &mgr, "2026-03-01", &a, &rows, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].opportunity_id, slipper);
    struct principal seller = fixture_principal(ROLE_SELLER, ben);
    assert_int_equal(pipeline_as_of(db, &seller, "2026-03-01", &a, &rows, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].opportunity_id, steady);
    assert_int_equal(pipeline_as_of(db, &admin, "2026-13-01", &a, &rows, &n, &e), REINS_EINVAL);
    arena_release(&a);
    testdb_close(db);
}

/* ---- lists and the board ---------------------------------------------------------------- */

static void test_list_and_board(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t boss = fixture_person(db, "Boss", "boss@x.io", 0, 0, NULL, NULL);
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", boss, 0, NULL, NULL);
    int64_t ben = fixture_person(db, "Ben", "ben@x.io", 0, 0, NULL, NULL);
    make_deal(db, ana, "Alpha", "Prospecting", 100000, "2026-02-01", 10);
    make_deal(db, ana, "Beta", "Prospecting", 50000, "2026-01-15", 10);
    make_deal(db, ana, "Gamma", "Negotiation/Review", 200000, "2026-03-01", 10);
    make_deal(db, ben, "Delta", "Prospecting", 7, "2026-01-01", 10);
    make_deal(db, ben, "Lost one", "Closed Lost", 9, "2026-01-01", 10);

    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    struct principal mgr = fixture_principal(ROLE_MANAGER, boss);
    struct principal seller = fixture_principal(ROLE_SELLER, ana);
    struct opp_filter f = {0};
    struct opportunity *v;
    size_t n;
    assert_int_equal(opportunity_list(db, &admin, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 5);
    assert_int_equal(opportunity_list(db, &mgr, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].name, "Beta"); /* by close date */
    assert_int_equal(opportunity_list(db, &seller, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 3);
    struct principal other = fixture_principal(ROLE_SELLER, ben);
    assert_int_equal(opportunity_list(db, &other, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 2);
    f.status = "open";
    assert_int_equal(opportunity_list(db, &admin, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 4);
    f.q = "ALP";
    assert_int_equal(opportunity_list(db, &admin, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "Alpha");
    f.q = NULL;
    f.close_from = "2026-01-10";
    f.close_to = "2026-02-01";
    assert_int_equal(opportunity_list(db, &admin, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 2);
    memset(&f, 0, sizeof f);
    f.owner_id = ben;
    assert_int_equal(opportunity_list(db, &mgr, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 0); /* a filter never widens what one sees */

    memset(&f, 0, sizeof f);
    f.status = "open";
    struct board_column *cols;
    int64_t nb = 0;
    assert_int_equal(store_int_query(db, "SELECT id FROM pipelines WHERE name = 'New business'",
                                     NO_PARAMS, &nb, &e),
                     0);
    assert_int_equal(pipeline_board(db, &mgr, nb, &f, &a, &cols, &n, &e), 0);
    assert_int_equal(n, 10);
    assert_string_equal(cols[0].stage.name, "Prospecting");
    assert_int_equal(cols[0].count, 2);
    assert_int_equal(cols[0].nsums, 1);
    assert_string_equal(cols[0].sums[0].currency, "EUR");
    assert_int_equal(cols[0].sums[0].amount_minor, 150000);
    assert_int_equal(cols[0].sums[0].weighted_minor, 15000);
    assert_string_equal(cols[7].stage.name, "Negotiation/Review");
    assert_int_equal(cols[7].count, 1);
    assert_int_equal(cols[7].sums[0].weighted_minor, 180000);
    assert_int_equal(cols[9].count, 0);
    assert_int_equal(cols[9].nsums, 0);
    /* a deal in another currency is summed apart, never added to the euros */
    int64_t usd = make_deal(db, ana, "Epsilon", "Prospecting", 30000, "2026-02-02", 10);
    assert_int_equal(store_run(db, "UPDATE opportunities SET currency = 'USD' WHERE id = $1",
                               PARAMS(SV_INT(usd)), NULL, &e),
                     0);
    assert_int_equal(pipeline_board(db, &mgr, nb, &f, &a, &cols, &n, &e), 0);
    assert_int_equal(cols[0].count, 3);
    assert_int_equal(cols[0].nsums, 2);
    assert_string_equal(cols[0].sums[0].currency, "EUR");
    assert_int_equal(cols[0].sums[0].amount_minor, 150000);
    assert_string_equal(cols[0].sums[1].currency, "USD");
    assert_int_equal(cols[0].sums[1].count, 1);
    assert_int_equal(cols[0].sums[1].amount_minor, 30000);
    assert_int_equal(pipeline_board(db, &mgr, 9999, &f, &a, &cols, &n, &e), REINS_ENOTFOUND);
    arena_release(&a);
    testdb_close(db);
}

/* ---- CRM import and export -------------------------------------------------------------- */

static int import_text(struct store *db, enum crm_source src, enum crm_object obj, const char *csv,
                       int64_t at, struct import_result *res, int *unchanged, struct err *e)
{
    struct change_source by = {src == CRM_HUBSPOT ? "import:hubspot" : "import:salesforce", 0, at};
    return crm_import_csv(db, src, obj, csv, strlen(csv), "test.csv", &by, res, unchanged, e);
}

static const char SF_OPPS[] =
    "Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,"
    "Opportunity Currency,Stage,Probability (%),Forecast Category,Close Date,Created Date,"
    "Loss Reason,Product Name\r\n"
    "006A,Acme renewal,001A,Acme,Ana@X.io,\"12,500.00\",EUR,Prospecting,,,3/31/2027,2026-11-01,,"
    "Core; Support\r\n"
    "006B,Globex new,001B,Globex,ben@x.io,5000,USD,Negotiation/Review,85,Best Case,2027-01-15,"
    "2026-10-01,,\r\n";

static void test_import_salesforce_and_reimport(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", 0, 0, NULL, NULL);
    fixture_person(db, "Ben", "ben@x.io", 0, 0, NULL, NULL);
    struct import_result res;
    int unchanged;
    assert_int_equal(
        import_text(db, CRM_SALESFORCE, CRM_OPPORTUNITIES, SF_OPPS, 1000, &res, &unchanged, &e), 0);
    assert_int_equal(res.created, 2);
    import_result_release(&res);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM accounts"), 2);
    int64_t id = fixture_count(db, "SELECT id FROM opportunities WHERE external_id = '006A'");
    struct opportunity o;
    assert_int_equal(opportunity_get(db, id, &a, &o, &e), 0);
    assert_int_equal(o.st.owner_id, ana);
    assert_int_equal(o.st.amount_minor, 1250000);
    assert_string_equal(o.st.close_date, "2027-03-31");
    assert_string_equal(o.account_name, "Acme");
    assert_string_equal(o.products, "Core; Support");
    assert_int_equal(o.st.probability_bp, 1000); /* the stage's default */
    int64_t b = fixture_count(db, "SELECT id FROM opportunities WHERE external_id = '006B'");
    assert_int_equal(opportunity_get(db, b, &a, &o, &e), 0);
    assert_int_equal(o.st.probability_bp, 8500); /* from the file */
    assert_string_equal(o.st.forecast_category, "best_case");

    /* a seller sets 006A's probability by hand; the CRM then moves it and slips it */
    struct change_source by = {"web", 0, 1500};
    assert_int_equal(opportunity_set_probability(db, id, 4200, &by, &e), 0);
    char *next = xstrdup(SF_OPPS);
    char *p = strstr(next, "Prospecting,,,3/31/2027");
    char *changed = xasprintf("%.*sValue Proposition,,,4/30/2027%s", (int)(p - next), next,
                              p + strlen("Prospecting,,,3/31/2027"));
    assert_int_equal(
        import_text(db, CRM_SALESFORCE, CRM_OPPORTUNITIES, changed, 2000, &res, &unchanged, &e), 0);
    assert_int_equal(res.created, 0);
    assert_int_equal(res.updated, 1);
    assert_int_equal(unchanged, 1);
    import_result_release(&res);
    assert_int_equal(opportunity_get(db, id, &a, &o, &e), 0);
    assert_string_equal(o.stage_name, "Value Proposition");
    assert_int_equal(o.st.probability_bp, 4200); /* the hand-set value survived */
    int64_t slips, days;
    assert_int_equal(opportunity_slips(db, id, &slips, &days, &e), 0);
    assert_int_equal(slips, 1);
    assert_int_equal(days, 30);
    struct opp_history_row *h;
    size_t n;
    assert_int_equal(opportunity_history(db, id, &a, &h, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(h[2].changes, "stage,close_date");
    assert_string_equal(h[2].source, "import:salesforce");
    assert_int_equal(h[2].changed_at, 2000);
    /* the same file again changes nothing */
    assert_int_equal(
        import_text(db, CRM_SALESFORCE, CRM_OPPORTUNITIES, changed, 3000, &res, &unchanged, &e), 0);
    assert_int_equal(res.updated, 0);
    assert_int_equal(unchanged, 2);
    import_result_release(&res);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM opportunity_history"), 4);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM crm_imports"), 3);

    /* export: every deal, amounts as decimals */
    struct sb out = SB_INIT;
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    assert_int_equal(opportunities_export_csv(db, &admin, &out, &e), 0);
    assert_non_null(strstr(out.buf, "006A,salesforce,Acme renewal,Acme,ana@x.io,New business,"
                                    "Value Proposition,12500.00,EUR,42.00,1,pipeline,open,"
                                    "2027-04-30,2026-11-01,,Core; Support"));
    sb_release(&out);
    struct principal seller = fixture_principal(ROLE_SELLER, ana);
    assert_int_equal(opportunities_export_csv(db, &seller, &out, &e), 0);
    assert_null(strstr(out.buf, "Globex"));
    sb_release(&out);
    free(next);
    free(changed);
    arena_release(&a);
    testdb_close(db);
}

/* The CRM's deal type (Salesforce "Type", HubSpot "Deal Type") is kept as written; a file
 * without the column leaves known deals' types alone, one with it changes them; it is in the
 * deal's JSON and in the export. A control character in it is refused at its line. */
static void test_import_deal_type(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    fixture_person(db, "Ana", "ana@x.io", 0, 0, NULL, NULL);
    static const char typed[] =
        "Record ID,Deal Name,Deal Owner Email,Amount,Deal Stage,Close Date,Deal Type\n"
        "1,Acme,ana@x.io,100,Prospecting,2027-01-01,New Business\n"
        "2,Globex,ana@x.io,200,Prospecting,2027-01-01,\n";
    static const char untyped[] =
        "Record ID,Deal Name,Deal Owner Email,Amount,Deal Stage,Close Date\n"
        "1,Acme,ana@x.io,100,Prospecting,2027-01-01\n"
        "2,Globex,ana@x.io,200,Prospecting,2027-01-01\n";
    static const char retyped[] =
        "Record ID,Deal Name,Deal Owner Email,Amount,Deal Stage,Close Date,Deal Type\n"
        "1,Acme,ana@x.io,100,Prospecting,2027-01-01,New Business\n"
        "2,Globex,ana@x.io,200,Prospecting,2027-01-01, renewal \n";
    struct import_result res;
    int unchanged;
    assert_int_equal(
        import_text(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, typed, 1000, &res, &unchanged, &e), 0);
    assert_int_equal(res.created, 2);
    import_result_release(&res);
    int64_t acme = fixture_count(db, "SELECT id FROM opportunities WHERE external_id = '1'");
    int64_t globex = fixture_count(db, "SELECT id FROM opportunities WHERE external_id = '2'");
    struct opportunity o;
    assert_int_equal(opportunity_get(db, acme, &a, &o, &e), 0);
    assert_string_equal(o.deal_type, "New Business");
    json_t *j = opportunity_to_json(&o);
    assert_string_equal(json_string_value(json_object_get(j, "deal_type")), "New Business");
    json_decref(j);
    assert_int_equal(opportunity_get(db, globex, &a, &o, &e), 0);
    assert_string_equal(o.deal_type, "");

    /* no column: nothing to change */
    assert_int_equal(
        import_text(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, untyped, 2000, &res, &unchanged, &e), 0);
    assert_int_equal(res.updated, 0);
    assert_int_equal(unchanged, 2);
    import_result_release(&res);
    assert_int_equal(opportunity_get(db, acme, &a, &o, &e), 0);
    assert_string_equal(o.deal_type, "New Business");

    /* the column with a new value (trimmed, as every field): that deal only */
    assert_int_equal(
        import_text(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, retyped, 3000, &res, &unchanged, &e), 0);
    assert_int_equal(res.updated, 1);
    assert_int_equal(unchanged, 1);
    import_result_release(&res);
    assert_int_equal(opportunity_get(db, globex, &a, &o, &e), 0);
    assert_string_equal(o.deal_type, "renewal");

    struct sb out = SB_INIT;
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    assert_int_equal(opportunities_export_csv(db, &admin, &out, &e), 0);
    assert_non_null(strstr(out.buf, ",reason,products,deal_type\r\n"));
    assert_non_null(strstr(out.buf, ",2027-01-01,1970-01-01,,,renewal\r\n"));
    assert_non_null(strstr(out.buf, ",2027-01-01,1970-01-01,,,New Business\r\n"));
    sb_release(&out);

    /* a control character: refused at its line and field, nothing written */
    static const char bad[] =
        "Record ID,Deal Name,Deal Owner Email,Amount,Deal Stage,Close Date,Deal Type\n"
        "1,Acme,ana@x.io,100,Prospecting,2027-01-01,\"new\x01\"\n";
    assert_int_equal(
        import_text(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, bad, 4000, &res, &unchanged, &e),
        REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    assert_int_equal(res.problems[0].line, 2);
    assert_string_equal(res.problems[0].field, "deal_type");
    import_result_release(&res);
    assert_int_equal(opportunity_get(db, acme, &a, &o, &e), 0);
    assert_string_equal(o.deal_type, "New Business");
    arena_release(&a);
    testdb_close(db);
}

/* An import larger than one batch (256 rows, then powers of two): every deal gets its own
 * id, history row and products, matched by external id. */
static void test_import_in_batches(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    fixture_person(db, "Ana", "ana@x.io", 0, 0, NULL, NULL);
    fixture_person(db, "Ben", "ben@x.io", 0, 0, NULL, NULL);
    struct sb csv = SB_INIT;
    sb_adds(&csv, "Opportunity ID,Opportunity Name,Owner Email,Amount,Stage,Close Date,"
                  "Product Name\n");
    for (int i = 1; i <= 301; i++)
        sb_addf(&csv, "X%d,Deal %d,%s,%d,Prospecting,2027-01-01,%s\n", i, i,
                i % 2 ? "ana@x.io" : "ben@x.io", i, i % 3 ? "A; B" : "");
    struct import_result res;
    int unchanged;
    assert_int_equal(
        import_text(db, CRM_SALESFORCE, CRM_OPPORTUNITIES, csv.buf, 1000, &res, &unchanged, &e), 0);
    assert_int_equal(res.created, 301);
    import_result_release(&res);
    sb_release(&csv);
    /* the name, amount and owner each deal got match its external id */
    assert_int_equal(
        fixture_count(db, "SELECT COUNT(*) FROM opportunities o JOIN people p ON p.id = o.owner_id"
                          " WHERE o.name = 'Deal ' || SUBSTR(o.external_id, 2)"
                          " AND o.amount_minor = 100 * CAST(SUBSTR(o.external_id, 2) AS BIGINT)"
                          " AND p.email = CASE WHEN CAST(SUBSTR(o.external_id, 2) AS BIGINT) % 2"
                          " = 1 THEN 'ana@x.io' ELSE 'ben@x.io' END"),
        301);
    assert_int_equal(
        fixture_count(db, "SELECT COUNT(*) FROM opportunity_history h JOIN opportunities o"
                          " ON o.id = h.opportunity_id WHERE h.changes = 'created'"
                          " AND h.amount_minor = o.amount_minor AND h.owner_id = o.owner_id"),
        301);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM opportunity_products"),
                     2 * (301 - 100));
    assert_int_equal(
        fixture_count(db, "SELECT COUNT(*) FROM opportunity_products p JOIN opportunities o"
                          " ON o.id = p.opportunity_id"
                          " WHERE CAST(SUBSTR(o.external_id, 2) AS BIGINT) % 3 = 0"),
        0);
    testdb_close(db);
}

static void test_bad_import_leaves_nothing(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    fixture_person(db, "Ana", "ana@x.io", 0, 0, NULL, NULL);
    struct import_result res;
    int unchanged;
    /* every bad row is listed with its line and field; the good row is not written */
    const char *bad = "Opportunity ID,Opportunity Name,Owner Email,Amount,Stage,Close Date\n"
                      "1,Good,ana@x.io,10,Prospecting,2027-01-01\n"
                      "2,Bad owner,nobody@x.io,10,Prospecting,2027-01-01\n"
                      "3,Bad amount,ana@x.io,ten,Prospecting,2027-01-01\n"
                      "\n"
                      "4,Bad stage,ana@x.io,10,Maybe,2027-01-01\n"
                      "1,Twice,ana@x.io,10,Prospecting,2027-01-01\n"
                      "5,Bad date,ana@x.io,10,Prospecting,31/12/2027\n";
    assert_int_equal(
        import_text(db, CRM_SALESFORCE, CRM_OPPORTUNITIES, bad, 1000, &res, &unchanged, &e),
        REINS_EINVAL);
    assert_int_equal(res.nproblems, 5);
    assert_int_equal(res.problems[0].line, 3);
    assert_string_equal(res.problems[0].field, "owner_email");
    assert_int_equal(res.problems[1].line, 4);
    assert_string_equal(res.problems[1].field, "amount");
    assert_int_equal(res.problems[2].line, 6);
    assert_string_equal(res.problems[2].field, "stage");
    assert_int_equal(res.problems[3].line, 7);
    assert_string_equal(res.problems[3].field, "external_id");
    assert_non_null(strstr(res.problems[3].message, "line 2"));
    assert_int_equal(res.problems[4].line, 8);
    assert_string_equal(res.problems[4].field, "close_date");
    import_result_release(&res);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM opportunities"), 0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM accounts"), 0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM crm_imports"), 0);
    /* a missing required column is named */
    assert_int_equal(import_text(db, CRM_SALESFORCE, CRM_OPPORTUNITIES,
                                 "Opportunity ID,Name\n1,x\n", 1000, &res, &unchanged, &e),
                     REINS_EINVAL);
    assert_int_equal(res.problems[0].line, 1);
    assert_string_equal(res.problems[0].field, "name");
    import_result_release(&res);
    /* broken CSV */
    assert_int_equal(
        import_text(db, CRM_SALESFORCE, CRM_OPPORTUNITIES, "a,\"b\n", 1000, &res, &unchanged, &e),
        REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    import_result_release(&res);
    assert_int_equal(
        import_text(db, CRM_SALESFORCE, CRM_OPPORTUNITIES, "", 1000, &res, &unchanged, &e),
        REINS_EINVAL);
    import_result_release(&res);
    testdb_close(db);
}

static void test_hubspot_mapping_and_accounts(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", 0, 0, NULL, NULL);
    struct import_result res;
    int unchanged;
    const char *companies =
        "Record ID,Company name,Company Owner Email,Industry,Postal Code,Latitude,Longitude,"
        "Potential\n"
        "9001,Initech,ana@x.io,Software,10115,52.52,13.405,\"1,000,000\"\n"
        "9002,Hooli,,Internet,,,,\n";
    assert_int_equal(
        import_text(db, CRM_HUBSPOT, CRM_ACCOUNTS, companies, 1000, &res, &unchanged, &e), 0);
    assert_int_equal(res.created, 2);
    import_result_release(&res);
    assert_int_equal(fixture_count(db,
                                   "SELECT COUNT(*) FROM accounts WHERE latitude_e6 = 52520000"
                                   " AND longitude_e6 = 13405000 AND potential_minor = 100000000"
                                   " AND source = 'hubspot' AND owner_id IS NOT NULL"),
                     1);
    /* a latitude without a longitude is refused */
    assert_int_equal(import_text(db, CRM_HUBSPOT, CRM_ACCOUNTS,
                                 "Record ID,Company name,Latitude\n9003,X,50\n", 1000, &res,
                                 &unchanged, &e),
                     REINS_EINVAL);
    assert_string_equal(res.problems[0].field, "longitude");
    import_result_release(&res);

    /* the team's HubSpot portal calls the owner column differently: save a mapping */
    const char **cols;
    assert_int_equal(crm_mapping_get(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, &a, &cols, &e), 0);
    assert_string_equal(cols[2], "Deal Owner Email");
    assert_int_equal(
        crm_mapping_set(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, "owner_email", "Owner (email)", 5, &e),
        0);
    assert_int_equal(crm_mapping_set(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, "wings", "W", 5, &e),
                     REINS_EINVAL);
    assert_int_equal(crm_mapping_get(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, &a, &cols, &e), 0);
    assert_string_equal(cols[2], "Owner (email)");
    const char *deals = "Record ID,Deal Name,Owner (email),Amount,Deal Stage,Pipeline,Close Date,"
                        "Create Date,Associated Company ID\n"
                        "77,Initech expansion,ana@x.io,2500,contractsent,Sales Pipeline,"
                        "2027-02-01 00:00,2026-09-09 10:00,9001\n"
                        "78,Hooli pilot,ana@x.io,100,Closed Lost,Sales Pipeline,2026-12-01,,\n";
    assert_int_equal(
        import_text(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, deals, 2000, &res, &unchanged, &e), 0);
    assert_int_equal(res.created, 2);
    import_result_release(&res);
    struct principal me = fixture_principal(ROLE_SELLER, ana);
    struct opp_filter f = {0};
    struct opportunity *v;
    size_t n;
    assert_int_equal(opportunity_list(db, &me, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].name, "Hooli pilot");
    assert_string_equal(v[0].st.status, "lost");
    assert_string_equal(v[1].stage_name, "Contract Sent");
    assert_string_equal(v[1].account_name, "Initech");
    assert_string_equal(v[1].created_date, "2026-09-09");
    assert_string_equal(v[1].pipeline_name, "Sales Pipeline");
    /* back to the default */
    assert_int_equal(crm_mapping_set(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, "owner_email", "", 5, &e),
                     0);
    assert_int_equal(crm_mapping_get(db, CRM_HUBSPOT, CRM_OPPORTUNITIES, &a, &cols, &e), 0);
    assert_string_equal(cols[2], "Deal Owner Email");
    arena_release(&a);
    testdb_close(db);
}

/* ---- the demo --------------------------------------------------------------------------- */

static const char SQL_DUMP_HISTORY[] =
    "SELECT h.opportunity_id, h.changed_at, h.changes, h.stage_id, h.amount_minor, h.close_date,"
    " h.status FROM opportunity_history h ORDER BY h.opportunity_id, h.changed_at, h.id";
/* Per seller: deals, and how many close-date moves later there were. */
static const char SQL_SELLER_DEALS[] =
    "SELECT o.owner_id, COUNT(*) FROM opportunities o GROUP BY o.owner_id ORDER BY o.owner_id";

/* Fill the demo and return its whole pipeline history as text, checking it as it goes. */
static char *demo_pipeline(void **state, uint64_t seed)
{
    struct store *db = testdb_open(state);
    const char *as_of = "2026-03-02";
    int64_t as_of_days = date_to_days(as_of);
    struct demo_summary sum;
    struct err e = {0};
    if (demo_fill(db, seed, as_of, "$argon2id$not-a-real-hash", &sum, &e) < 0)
        fail_msg("demo: %s", e.msg);
    /* every seller with two weeks of tenure has deals */
    int64_t with_deals = fixture_count(db, "SELECT COUNT(DISTINCT owner_id) FROM opportunities");
    int64_t eligible = fixture_count(
        db, "SELECT COUNT(*) FROM people p JOIN users u ON u.person_id = p.id"
            " WHERE u.role = 'seller' AND p.status <> 'left' AND p.start_date < '2026-02-01'");
    assert_true(with_deals >= eligible - 2 && with_deals > 10);
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM opportunities WHERE status = 'won'") > 50);
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM opportunities WHERE status = 'lost'") > 50);
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM opportunities WHERE status = 'open'") > 50);
    assert_true(
        fixture_count(db, "SELECT COUNT(*) FROM opportunities WHERE probability_manual = 1") > 5);
    /* two years of history, nothing after the demo date */
    assert_true(fixture_count(db, "SELECT MIN(changed_at) FROM opportunity_history") <
                (as_of_days - 600) * DAY);
    assert_true(fixture_count(db, "SELECT MAX(changed_at) FROM opportunity_history") <
                as_of_days * DAY);
    /* some sellers slip much more than others */
    struct store_rows *r;
    assert_int_equal(store_query(db, SQL_SELLER_DEALS, NO_PARAMS, &r, &e), 0);
    int64_t owners[200];
    size_t nowners = 0;
    while (store_next(r, &e) > 0 && nowners < 200)
        owners[nowners++] = store_int(r, 0);
    store_rows_free(r);
    double lo = 1e9, hi = -1;
    for (size_t i = 0; i < nowners; i++) {
        struct opp_filter f = {0};
        f.owner_id = owners[i];
        f.limit = -1;
        struct principal admin = fixture_principal(ROLE_ADMIN, 0);
        struct arena a = ARENA_INIT;
        struct opportunity *v;
        size_t n;
        assert_int_equal(opportunity_list(db, &admin, &f, &a, &v, &n, &e), 0);
        if (n < 15) {
            arena_release(&a);
            continue;
        }
        int64_t slips = 0;
        for (size_t j = 0; j < n; j++) {
            int64_t s, days;
            assert_int_equal(opportunity_slips(db, v[j].id, &s, &days, &e), 0);
            slips += s;
        }
        double rate = (double)slips / (double)n;
        if (rate < lo) lo = rate;
        if (rate > hi) hi = rate;
        arena_release(&a);
    }
    assert_true(hi > 3 * lo + 0.2);

    assert_int_equal(store_query(db, SQL_DUMP_HISTORY, NO_PARAMS, &r, &e), 0);
    struct sb out = SB_INIT;
    while (store_next(r, &e) > 0)
        sb_addf(&out, "%s|%s|%s|%s|%s|%s|%s\n", store_text(r, 0), store_text(r, 1),
                store_text(r, 2), store_text(r, 3), store_text(r, 4), store_text(r, 5),
                store_text(r, 6));
    store_rows_free(r);
    testdb_close(db);
    return sb_detach(&out);
}

static void test_demo_fill(void **state)
{
    char *one = demo_pipeline(state, 42);
    char *two = demo_pipeline(state, 42);
    assert_string_equal(one, two); /* the same for the same seed */
    char *other = demo_pipeline(state, 43);
    assert_string_not_equal(one, other);
    free(one);
    free(two);
    free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parsers),
        cmocka_unit_test(test_enter_stage_and_changes),
        TESTDB_BOTH(test_schema),
        TESTDB_BOTH(test_manual_probability_survives_stage_change),
        TESTDB_BOTH(test_slips_and_as_of),
        TESTDB_BOTH(test_list_and_board),
        TESTDB_BOTH(test_import_salesforce_and_reimport),
        TESTDB_BOTH(test_import_deal_type),
        TESTDB_BOTH(test_import_in_batches),
        TESTDB_BOTH(test_bad_import_leaves_nothing),
        TESTDB_BOTH(test_hubspot_mapping_and_accounts),
        TESTDB_BOTH(test_demo_fill),
    };
    return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}
