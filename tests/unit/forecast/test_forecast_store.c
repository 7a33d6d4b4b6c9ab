/* test_forecast_store.c -- the forecast read from the database gives the same numbers as the
 * same history read from CSV files, on both databases. */
#include "testdb.h"
#include "fixtures.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "forecast/forecast.h"
#include "forecast/forecast_store.h"
#include "pipeline/pipeline.h"

#define DAY 86400

static int64_t at(const char *date)
{
    return date_to_days(date) * DAY + 3600; /* an hour into the day */
}

static struct pipeline_stage stage(struct store *db, struct arena *a, const char *name)
{
    struct err e = {0};
    int64_t id = 0;
    if (store_int_query(db,
                        "SELECT s.id FROM pipeline_stages s JOIN pipelines p ON p.id ="
                        " s.pipeline_id WHERE p.name = 'New business' AND s.name = $1",
                        PARAMS(SV_TEXT(name)), &id, &e) < 0)
        fail_msg("no stage %s: %s", name, e.msg);
    struct pipeline_stage s;
    if (pipeline_stage_get(db, id, a, &s, &e) < 0) fail_msg("%s", e.msg);
    return s;
}

static int64_t deal(struct store *db, int64_t owner, const char *stage_name, int64_t amount,
                    const char *close, const char *created)
{
    struct arena a = ARENA_INIT;
    struct opportunity o;
    memset(&o, 0, sizeof o);
    o.name = "deal";
    struct pipeline_stage st = stage(db, &a, stage_name);
    o.st.owner_id = owner;
    o.st.amount_minor = amount;
    strcpy(o.st.currency, "EUR");
    snprintf(o.st.close_date, sizeof o.st.close_date, "%s", close);
    opp_state_enter_stage(&o.st, &st, 0);
    snprintf(o.created_date, sizeof o.created_date, "%s", created);
    o.products = "";
    struct change_source by = {"test", 0, at(created)};
    struct err e = {0};
    int64_t id = 0;
    if (opportunity_create(db, &o, &by, &id, &e) < 0) fail_msg("%s", e.msg);
    arena_release(&a);
    return id;
}

/* Change deal `id` on `date`: a stage (NULL: keep), owner (0: keep), amount (< 0: keep) and
 * close date (NULL: keep). */
static void change(struct store *db, int64_t id, const char *date, const char *stage_name,
                   int64_t owner, int64_t amount, const char *close)
{
    struct arena a = ARENA_INIT;
    struct opportunity o;
    struct err e = {0};
    if (opportunity_get(db, id, &a, &o, &e) < 0) fail_msg("%s", e.msg);
    struct opp_state now = o.st;
    if (stage_name) {
        struct pipeline_stage st = stage(db, &a, stage_name);
        opp_state_enter_stage(&now, &st, 0);
    }
    if (owner) now.owner_id = owner;
    if (amount >= 0) now.amount_minor = amount;
    if (close) snprintf(now.close_date, sizeof now.close_date, "%s", close);
    struct change_source by = {"test", 0, at(date)};
    if (opportunity_write_state(db, id, &o.st, &now, 0, &by, &e) < 0) fail_msg("%s", e.msg);
    arena_release(&a);
}

static void run(const struct fc_data *d, struct fc_forecast *f)
{
    struct fc_options o = {0};
    o.as_of = (int32_t)date_to_days("2026-07-10");
    struct err e = {0};
    assert_int_equal(fc_period_parse("2026-Q3", &o.period, "period", &e), 0);
    o.trials = 2000;
    o.seed = 7;
    o.threads = 1;
    if (fc_forecast_run(d, &o, f, &e) < 0) fail_msg("%s", e.msg);
}

static void same_node(const struct fc_node *a, const struct fc_node *b)
{
    assert_int_equal(a->won, b->won);
    assert_int_equal(a->weighted, b->weighted);
    assert_int_equal(a->new_expected, b->new_expected);
    assert_int_equal(a->pipeline, b->pipeline);
    assert_int_equal(a->open, b->open);
    assert_int_equal(a->range.p10, b->range.p10);
    assert_int_equal(a->range.p50, b->range.p50);
    assert_int_equal(a->range.p90, b->range.p90);
    assert_int_equal(a->range.mean, b->range.mean);
}

static void test_database_equals_csv(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t boss = fixture_person(db, "Boss", "boss@x.io", 0, 0, NULL, NULL);
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", boss, 0, NULL, NULL);
    int64_t ben = fixture_person(db, "Ben", "ben@x.io", boss, 0, NULL, NULL);
    fixture_person(db, "Cy", "cy@x.io", boss, 0, NULL, NULL); /* no deals: still a seller */

    int64_t d1 = deal(db, ana, "Qualification", 1000, "2026-05-15", "2026-03-02");
    change(db, d1, "2026-04-20", "Negotiation/Review", 0, -1, NULL);
    change(db, d1, "2026-05-10", "Closed Won", 0, -1, NULL);
    int64_t d2 = deal(db, ben, "Qualification", 2000, "2026-06-01", "2026-03-10");
    change(db, d2, "2026-05-20", NULL, 0, -1, "2026-08-01"); /* a slip */
    change(db, d2, "2026-07-05", NULL, 0, 2500, NULL);
    int64_t d3 = deal(db, ben, "Value Proposition", 3000, "2026-06-15", "2026-03-20");
    change(db, d3, "2026-06-10", "Closed Lost", 0, -1, NULL);
    int64_t d4 = deal(db, ana, "Qualification", 4000, "2026-08-20", "2026-06-15");
    change(db, d4, "2026-07-02", NULL, ben, -1, NULL); /* an owner change alone */
    int64_t d5 = deal(db, ana, "Negotiation/Review", 5000, "2026-09-01", "2026-07-03");
    change(db, d5, "2026-07-20", "Closed Won", 0, -1, NULL); /* after the as-of date */

    /* the same history, written by hand as docs/forecast.md describes it */
    struct sb h = SB_INIT;
    sb_addf(&h, "deal_id,owner,at,field,value\n");
    sb_addf(&h,
            "%" PRId64 ",ana@x.io,2026-03-02,created,\n"
            "%" PRId64 ",ana@x.io,2026-03-02,stage,Qualification\n"
            "%" PRId64 ",ana@x.io,2026-03-02,amount_minor,1000\n"
            "%" PRId64 ",ana@x.io,2026-03-02,close_date,2026-05-15\n"
            "%" PRId64 ",ana@x.io,2026-04-20,stage,Negotiation/Review\n"
            "%" PRId64 ",ana@x.io,2026-05-10,stage,Closed Won\n"
            "%" PRId64 ",ana@x.io,2026-05-10,status,won\n",
            d1, d1, d1, d1, d1, d1, d1);
    sb_addf(&h,
            "%" PRId64 ",ben@x.io,2026-03-10,created,\n"
            "%" PRId64 ",ben@x.io,2026-03-10,stage,Qualification\n"
            "%" PRId64 ",ben@x.io,2026-03-10,amount_minor,2000\n"
            "%" PRId64 ",ben@x.io,2026-03-10,close_date,2026-06-01\n"
            "%" PRId64 ",ben@x.io,2026-05-20,close_date,2026-08-01\n"
            "%" PRId64 ",ben@x.io,2026-07-05,amount_minor,2500\n",
            d2, d2, d2, d2, d2, d2);
    sb_addf(&h,
            "%" PRId64 ",ben@x.io,2026-03-20,created,\n"
            "%" PRId64 ",ben@x.io,2026-03-20,stage,Value Proposition\n"
            "%" PRId64 ",ben@x.io,2026-03-20,amount_minor,3000\n"
            "%" PRId64 ",ben@x.io,2026-03-20,close_date,2026-06-15\n"
            "%" PRId64 ",ben@x.io,2026-06-10,stage,Closed Lost\n"
            "%" PRId64 ",ben@x.io,2026-06-10,status,lost\n",
            d3, d3, d3, d3, d3, d3);
    sb_addf(&h,
            "%" PRId64 ",ana@x.io,2026-06-15,created,\n"
            "%" PRId64 ",ana@x.io,2026-06-15,stage,Qualification\n"
            "%" PRId64 ",ana@x.io,2026-06-15,amount_minor,4000\n"
            "%" PRId64 ",ana@x.io,2026-06-15,close_date,2026-08-20\n"
            "%" PRId64 ",ben@x.io,2026-07-02,amount_minor,4000\n",
            d4, d4, d4, d4, d4);
    sb_addf(&h,
            "%" PRId64 ",ana@x.io,2026-07-03,created,\n"
            "%" PRId64 ",ana@x.io,2026-07-03,stage,Negotiation/Review\n"
            "%" PRId64 ",ana@x.io,2026-07-03,amount_minor,5000\n"
            "%" PRId64 ",ana@x.io,2026-07-03,close_date,2026-09-01\n"
            "%" PRId64 ",ana@x.io,2026-07-20,stage,Closed Won\n"
            "%" PRId64 ",ana@x.io,2026-07-20,status,won\n",
            d5, d5, d5, d5, d5, d5);
    static const char people[] =
        "id,manager_id\nboss@x.io,\nana@x.io,boss@x.io\nben@x.io,boss@x.io\ncy@x.io,boss@x.io\n";

    struct fc_data csv, dbd;
    fc_data_init(&csv);
    fc_data_init(&dbd);
    if (fc_load_history(&csv, h.buf, h.len, "history.csv", &e) < 0) fail_msg("%s", e.msg);
    if (fc_load_people(&csv, people, strlen(people), "people.csv", &e) < 0) fail_msg("%s", e.msg);
    if (fc_load_store(db, &dbd, &e) < 0) fail_msg("%s", e.msg);

    assert_int_equal(dbd.ndeals, 5);
    assert_int_equal(dbd.npeople, 4);
    assert_true(dbd.people_loaded);
    int32_t dben = fc_person_find(&dbd, "ben@x.io"), dboss = fc_person_find(&dbd, "boss@x.io");
    assert_true(dben >= 0 && dboss >= 0);
    assert_int_equal(dbd.manager[dben], dboss);
    /* the deal states agree on every day of the history */
    for (size_t i = 0; i < dbd.ndeals; i++) {
        size_t j = 0;
        while (j < csv.ndeals && strcmp(csv.deal_id[j], dbd.deal_id[i]))
            j++;
        assert_true(j < csv.ndeals);
        for (int32_t day = (int32_t)date_to_days("2026-03-01");
             day <= (int32_t)date_to_days("2026-07-31"); day++) {
            struct fc_deal_state a, b;
            fc_deal_at(&csv, j, day, &a);
            fc_deal_at(&dbd, i, day, &b);
            assert_int_equal(a.exists, b.exists);
            if (!a.exists) continue;
            assert_string_equal(csv.person_id[a.owner], dbd.person_id[b.owner]);
            assert_int_equal(a.amount, b.amount);
            assert_int_equal(a.status, b.status);
            assert_int_equal(a.created, b.created);
            assert_int_equal(a.stage_since, b.stage_since);
            assert_int_equal(a.close_day, b.close_day);
            assert_int_equal(a.status_day, b.status_day);
            assert_int_equal(a.slips, b.slips);
            assert_string_equal(csv.stage_name[a.stage], dbd.stage_name[b.stage]);
        }
    }
    /* and so the forecasts do, person by person */
    struct fc_forecast fa, fb;
    run(&csv, &fa);
    run(&dbd, &fb);
    assert_int_equal(fa.nopen, fb.nopen);
    assert_int_equal(fb.nopen, 3); /* d2, d4 (ben's now) and d5 (won after the as-of date) */
    same_node(&fa.total, &fb.total);
    for (size_t i = 0; i < dbd.npeople; i++) {
        int32_t j = fc_person_find(&csv, dbd.person_id[i]);
        assert_true(j >= 0);
        same_node(&fa.node[j], &fb.node[i]);
    }
    assert_int_equal(fb.node[dben].open, 2);
    assert_int_equal(fb.node[dboss].won, 0);
    fc_forecast_release(&fa);
    fc_forecast_release(&fb);
    fc_data_release(&csv);
    fc_data_release(&dbd);
    sb_release(&h);
    testdb_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TESTDB_BOTH(test_database_equals_csv),
    };
    return cmocka_run_group_tests_name("forecast_store", tests, NULL, NULL);
}
