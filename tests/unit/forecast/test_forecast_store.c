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
#include "quotas/quotas.h"

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

static const struct fc_change *change_of(const struct fc_change *v, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].now->id == id) return &v[i];
    return NULL;
}

/* A hand-built history around a call on July 15: every kind of change, one of each, seen
 * from the seller and from her manager (a deal handed over inside the tree is no change). */
static void test_changes_since_call(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t boss = fixture_person(db, "Boss", "boss@x.io", 0, 0, NULL, NULL);
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", boss, 0, NULL, NULL);
    int64_t ben = fixture_person(db, "Ben", "ben@x.io", boss, 0, NULL, NULL);
    int64_t zed = fixture_person(db, "Zed", "zed@x.io", 0, 0, NULL, NULL);
    int64_t pushed = deal(db, ana, "Qualification", 1000, "2026-08-15", "2026-06-01");
    change(db, pushed, "2026-07-20", NULL, 0, -1, "2026-10-20");
    int64_t pulled = deal(db, ana, "Qualification", 2000, "2026-10-15", "2026-06-01");
    change(db, pulled, "2026-07-20", NULL, 0, -1, "2026-09-01");
    int64_t won = deal(db, ana, "Negotiation/Review", 3000, "2026-08-01", "2026-06-01");
    change(db, won, "2026-07-25", "Closed Won", 0, -1, NULL);
    int64_t lost = deal(db, ana, "Qualification", 4000, "2026-08-01", "2026-06-01");
    change(db, lost, "2026-07-25", "Closed Lost", 0, -1, NULL);
    int64_t added = deal(db, ana, "Qualification", 5000, "2026-09-01", "2026-07-20");
    int64_t amount = deal(db, ana, "Qualification", 1000, "2026-09-01", "2026-06-01");
    change(db, amount, "2026-07-22", NULL, 0, 1500, NULL);
    int64_t quiet = deal(db, ana, "Qualification", 700, "2026-09-01", "2026-06-01");
    change(db, quiet, "2026-07-10", NULL, 0, 800, NULL); /* before the call */
    int64_t later = deal(db, ana, "Qualification", 900, "2026-11-01", "2026-06-01");
    change(db, later, "2026-07-20", NULL, 0, -1, "2026-12-01"); /* out of the period both times */
    int64_t handed = deal(db, ben, "Qualification", 600, "2026-08-01", "2026-06-01");
    change(db, handed, "2026-07-21", NULL, ana, -1, NULL);
    int64_t bens = deal(db, ben, "Qualification", 400, "2026-08-01", "2026-07-21");
    deal(db, zed, "Qualification", 300, "2026-08-01", "2026-07-21"); /* outside the tree */

    struct principal pa = fixture_principal(ROLE_SELLER, ana);
    int64_t call_id, call_at = at("2026-07-15");
    assert_int_equal(fc_call_submit(db, &pa, "2026-Q3", 1000, 2000, call_at, &call_id, &e), 0);
    int64_t since = 0, now = date_to_days("2026-08-01") * DAY;
    assert_int_equal(fc_last_call_at(db, ana, "2026-Q3", now, &since, &e), 0);
    assert_int_equal(since, call_at);
    assert_int_equal(fc_last_call_at(db, boss, "2026-Q3", now, &since, &e), 0);
    assert_int_equal(since, 0);

    struct fc_deal_row *rows;
    size_t nrows;
    struct fc_change *v;
    size_t n;
    if (fc_tree_deals(db, ana, now, &a, &rows, &nrows, &e) < 0 ||
        fc_changes(db, ana, "2026-Q3", call_at + 1, rows, nrows, &a, &v, &n, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(nrows, 9); /* her eight, and the one handed to her */
    assert_int_equal(n, 7);
    static const int kinds[] = {FC_CH_PUSHED, FC_CH_PULLED, FC_CH_WON, FC_CH_LOST,
                                FC_CH_ADDED,  FC_CH_ADDED,  FC_CH_AMOUNT};
    const int64_t ids[] = {pushed, pulled, won, lost, added, handed, amount};
    for (size_t i = 0; i < n; i++) { /* by kind, then by deal */
        assert_int_equal(v[i].kind, kinds[i]);
        assert_int_equal(v[i].now->id, ids[i]);
    }
    assert_int_equal(change_of(v, n, pushed)->before->amount_minor, 1000);
    assert_string_equal(change_of(v, n, pushed)->now->close_date, "2026-10-20");
    assert_null(change_of(v, n, added)->before);
    assert_null(change_of(v, n, handed)->before); /* new to her */
    assert_int_equal(change_of(v, n, amount)->now->amount_minor, 1500);
    assert_null(change_of(v, n, quiet));
    assert_null(change_of(v, n, later));

    /* her manager's tree: Ben's new deal is added, the hand-over inside the tree is nothing */
    if (fc_tree_deals(db, boss, now, &a, &rows, &nrows, &e) < 0 ||
        fc_changes(db, boss, "2026-Q3", call_at + 1, rows, nrows, &a, &v, &n, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(n, 7);
    assert_non_null(change_of(v, n, bens));
    assert_int_equal(change_of(v, n, bens)->kind, FC_CH_ADDED);
    assert_null(change_of(v, n, handed));
    arena_release(&a);
    testdb_close(db);
}

/* Only the owner overrides; the category as of any past time is rebuilt from the rows; the
 * roll-up by category uses it. */
static void test_override_history(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t boss = fixture_person(db, "Boss", "boss@x.io", 0, 0, NULL, NULL);
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", boss, 0, NULL, NULL);
    int64_t ben = fixture_person(db, "Ben", "ben@x.io", boss, 0, NULL, NULL);
    int64_t d1 = deal(db, ana, "Qualification", 1000, "2026-08-01", "2026-06-01");
    int64_t d2 = deal(db, ben, "Negotiation/Review", 2000, "2026-08-01", "2026-06-01");
    int64_t d3 = deal(db, ana, "Qualification", 500, "2026-08-01", "2026-06-01");
    change(db, d3, "2026-07-05", "Closed Won", 0, -1, NULL);
    struct principal pa = fixture_principal(ROLE_SELLER, ana);
    struct principal pb = fixture_principal(ROLE_MANAGER, boss);
    struct principal pben = fixture_principal(ROLE_SELLER, ben);
    int64_t id;
    assert_int_equal(fc_override_set(db, &pb, d1, "commit", "", at("2026-07-10"), &id, &e),
                     REINS_EFORBIDDEN);
    assert_int_equal(fc_override_set(db, &pben, d1, "commit", "", at("2026-07-10"), &id, &e),
                     REINS_ENOTFOUND);
    assert_int_equal(fc_override_set(db, &pa, d3, "commit", "", at("2026-07-10"), &id, &e),
                     REINS_ECONFLICT);
    assert_int_equal(fc_override_set(db, &pa, d1, "closed", "", at("2026-07-10"), &id, &e),
                     REINS_EINVAL);
    assert_string_equal(e.field, "category");
    assert_int_equal(fc_override_set(db, &pa, d1, "commit", "PO on its way", at("2026-07-10"),
                                     &id, &e),
                     0);
    assert_int_equal(fc_override_set(db, &pa, d1, NULL, NULL, at("2026-07-20"), &id, &e), 0);

    struct fc_deal_row *rows;
    size_t nrows;
    const int64_t week3 = date_to_days("2026-07-15") * DAY, week5 = date_to_days("2026-07-30") * DAY;
    /* in the third week: commit by her word, the stage says pipeline */
    if (fc_tree_deals(db, boss, week3, &a, &rows, &nrows, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(nrows, 3);
    assert_int_equal(rows[0].id, d1);
    assert_int_equal(rows[0].category, FC_CAT_COMMIT);
    assert_string_equal(rows[0].override, "commit");
    assert_string_equal(rows[0].stage_category, "pipeline");
    assert_int_equal(rows[1].id, d2);
    assert_int_equal(rows[1].category, FC_CAT_COMMIT);
    assert_int_equal(rows[2].category, FC_CAT_CLOSED);

    struct fc_rollup_row *tree;
    size_t ntree;
    if (fc_rollup(db, &pb, boss, "2026-Q3", week3, &a, &tree, &ntree, &e) < 0) fail_msg("%s", e.msg);
    int64_t(*sums)[FC_NCATEGORIES] = arena_alloc(&a, ntree * sizeof *sums);
    fc_category_rollup(tree, ntree, rows, nrows, "2026-07-01", "2026-10-01", sums);
    assert_int_equal(tree[0].person_id, boss);
    assert_int_equal(sums[0][FC_CAT_COMMIT], 3000);
    assert_int_equal(sums[0][FC_CAT_CLOSED], 500);
    assert_int_equal(sums[0][FC_CAT_PIPELINE], 0);
    /* the quarter after: nothing of it is in the period */
    fc_category_rollup(tree, ntree, rows, nrows, "2026-10-01", "2027-01-01", sums);
    assert_int_equal(sums[0][FC_CAT_COMMIT], 0);

    /* later: cleared, back to the stage's */
    if (fc_tree_deals(db, ana, week5, &a, &rows, &nrows, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(nrows, 2);
    assert_int_equal(rows[0].category, FC_CAT_PIPELINE);
    assert_null(rows[0].override);
    struct fc_override *ov;
    size_t nov;
    assert_int_equal(fc_overrides_of(db, &pb, d1, &a, &ov, &nov, &e), 0);
    assert_int_equal(nov, 2);
    assert_string_equal(ov[0].category, "commit");
    assert_string_equal(ov[0].comment, "PO on its way");
    assert_string_equal(ov[1].category, "");
    assert_int_equal(fc_overrides_of(db, &pben, d1, &a, &ov, &nov, &e), REINS_ENOTFOUND);
    arena_release(&a);
    testdb_close(db);
}

static void set_quota(struct store *db, int64_t person, const char *period, int64_t amount,
                      const char *currency)
{
    struct err e = {0};
    struct quota_fields f = {person, 0, period, amount, currency, -1};
    int64_t id;
    if (quota_set(db, &f, 0, 1, &id, &e) < 0) fail_msg("%s", e.msg);
}

/* The server's forecast reads the quotas part's quarter quotas: effective (ramped), in the
 * organisation's currency; a manager without one has their team's sum; the chance of quota. */
static void test_quotas_from_database(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t boss = fixture_person(db, "Boss", "boss@x.io", 0, 0, "2020-01-06", NULL);
    int64_t ana = fixture_person(db, "Ana", "ana@x.io", boss, 0, "2020-01-06", NULL);
    int64_t ben = fixture_person(db, "Ben", "ben@x.io", boss, 0, "2026-07-01", NULL); /* ramping */
    int64_t cy = fixture_person(db, "Cy", "cy@x.io", boss, 0, "2020-01-06", NULL);
    int64_t d1 = deal(db, ana, "Qualification", 1000, "2026-05-15", "2026-03-02");
    change(db, d1, "2026-05-10", "Closed Won", 0, -1, NULL);
    deal(db, ana, "Negotiation/Review", 5000, "2026-08-01", "2026-06-20");
    deal(db, ben, "Qualification", 3000, "2026-08-01", "2026-06-20");
    set_quota(db, ana, "2026-Q3", 4000, "USD");
    set_quota(db, ben, "2026-Q3", 8000, "USD"); /* 25%, 50%, 75% of a third each: 4000 */
    set_quota(db, cy, "2026-Q3", 9000, "EUR");  /* not the organisation's currency: left out */
    set_quota(db, ana, "2026-07", 999, "USD");  /* a month is not a forecast period */

    struct fc_data d;
    fc_data_init(&d);
    if (fc_load_store(db, &d, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(d.nquotas, 2);
    int32_t q3 = (int32_t)date_to_days("2026-07-01");
    int32_t ia = fc_person_find(&d, "ana@x.io"), ib = fc_person_find(&d, "ben@x.io");
    int32_t ic = fc_person_find(&d, "cy@x.io"), iboss = fc_person_find(&d, "boss@x.io");
    assert_int_equal(fc_quota_of(&d, (uint32_t)ia, q3), 4000);
    assert_int_equal(fc_quota_of(&d, (uint32_t)ib, q3), 4000);
    assert_int_equal(fc_quota_of(&d, (uint32_t)ic, q3), -1);
    struct fc_forecast f;
    run(&d, &f);
    assert_int_equal(f.node[ia].quota, 4000);
    assert_int_equal(f.node[iboss].quota, 8000); /* no own quota: the team's sum */
    assert_int_equal(f.node[ic].range.p_quota_ppm, -1);
    /* ana can only get there by winning her 5000 deal: her chance is the model's for it
     * (new business aside), somewhere strictly between never and certain */
    assert_true(f.node[ia].range.p_quota_ppm > 0 && f.node[ia].range.p_quota_ppm < 1000000);
    fc_forecast_release(&f);
    fc_data_release(&d);

    /* a fiscal year starting in February has no calendar quarters: no quota is the forecast's */
    struct quota_settings qs;
    if (quota_settings_get(db, &qs, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(store_exec(db, "DELETE FROM quotas", &e), 0);
    qs.fiscal_start_month = 2;
    if (quota_settings_set(db, &qs, 2, &e) < 0) fail_msg("%s", e.msg);
    set_quota(db, ana, "2027-Q1", 4000, "USD");
    fc_data_init(&d);
    if (fc_load_store(db, &d, &e) < 0) fail_msg("%s", e.msg);
    assert_int_equal(d.nquotas, 0);
    fc_data_release(&d);
    testdb_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TESTDB_BOTH(test_database_equals_csv),
        TESTDB_BOTH(test_changes_since_call),
        TESTDB_BOTH(test_override_history),
        TESTDB_BOTH(test_quotas_from_database),
    };
    return cmocka_run_group_tests_name("forecast_store", tests, NULL, NULL);
}
