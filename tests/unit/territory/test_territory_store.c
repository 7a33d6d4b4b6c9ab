/* test_territory_store.c -- territory scenarios on the database: building the engine's input
 * from accounts, storing a run, who sees it, applying all or nothing; on both databases. */
#include "testdb.h"
#include "fixtures.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "pipeline/pipeline.h"
#include "territory/territory.h"
#include "territory/territory_product.h"

/* Maya manages Ana and Ben (North); Milo manages Cara (South). Ana owns three accounts near
 * 0°E and one at 10°E (with an open deal); Ben two at 10°E; Cara one at 20°E; one of Ben's
 * has no coordinates. */
struct world {
    int64_t north, south, maya, milo, ana, ben, cara;
    int64_t acc[8];
    int64_t deal;
};

static int64_t add_account(struct store *db, const char *name, int64_t owner, int located,
                           double lat, double lon, int64_t potential, const char *segment)
{
    struct account a;
    memset(&a, 0, sizeof a);
    a.name = name;
    a.owner_id = owner;
    a.industry = "";
    a.segment = segment;
    a.postcode = "";
    a.country = "";
    a.has_location = located;
    a.latitude_e6 = (int64_t)llround(lat * 1e6);
    a.longitude_e6 = (int64_t)llround(lon * 1e6);
    a.potential_minor = potential;
    a.currency = "EUR";
    a.source = "test";
    struct err e = {0};
    int64_t id = 0;
    if (account_create(db, &a, 5, &id, &e) < 0) fail_msg("%s", e.msg);
    return id;
}

static struct world make_world(struct store *db)
{
    struct world w;
    w.north = fixture_team(db, "North");
    w.south = fixture_team(db, "South");
    w.maya = fixture_person(db, "Maya", "maya@test.example", 0, w.north, NULL, NULL);
    w.milo = fixture_person(db, "Milo", "milo@test.example", 0, w.south, NULL, NULL);
    w.ana = fixture_person(db, "Ana", "ana@test.example", w.maya, w.north, NULL, NULL);
    w.ben = fixture_person(db, "Ben", "ben@test.example", w.maya, w.north, NULL, NULL);
    w.cara = fixture_person(db, "Cara", "cara@test.example", w.milo, w.south, NULL, NULL);
    w.acc[0] = add_account(db, "A1", w.ana, 1, 50.0, 0.0, 100, "smb");
    w.acc[1] = add_account(db, "A2", w.ana, 1, 50.1, 0.1, 100, "smb");
    w.acc[2] = add_account(db, "A3", w.ana, 1, 50.2, 0.0, 100, "smb");
    w.acc[3] = add_account(db, "A4", w.ana, 1, 50.0, 10.0, 100, "smb");
    w.acc[4] = add_account(db, "B1", w.ben, 1, 50.1, 10.1, 100, "smb");
    w.acc[5] = add_account(db, "B2", w.ben, 1, 50.2, 10.0, 100, "smb");
    w.acc[6] = add_account(db, "B3", w.ben, 0, 0, 0, 100, "smb");
    w.acc[7] = add_account(db, "C1", w.cara, 1, 50.0, 20.0, 100, "enterprise");
    /* an open deal on A4, through the pipeline's writer */
    struct arena a = ARENA_INIT;
    struct err e = {0};
    struct pipeline_stage *st;
    size_t ns;
    if (pipeline_stages_list(db, &a, &st, &ns, &e) < 0) fail_msg("%s", e.msg);
    struct opportunity o;
    memset(&o, 0, sizeof o);
    o.name = "Far deal";
    o.account_id = w.acc[3];
    o.st.owner_id = w.ana;
    o.st.amount_minor = 5000;
    strcpy(o.st.currency, "EUR");
    strcpy(o.st.close_date, "2026-12-31");
    opp_state_enter_stage(&o.st, &st[0], 0);
    strcpy(o.created_date, "2026-01-05");
    o.products = "";
    struct change_source by = {"test", 0, 5};
    if (opportunity_create(db, &o, &by, &w.deal, &e) < 0) fail_msg("%s", e.msg);
    arena_release(&a);
    return w;
}

static struct tsc_params params(const int64_t *sellers, size_t n)
{
    struct tsc_params p = {.name = "North",
                           .segment = "smb",
                           .measures = TSC_ACCOUNTS,
                           .tolerance_bp = 0,
                           .max_moves = -1,
                           .sellers = sellers,
                           .nsellers = n,
                           .time_limit = 2};
    return p;
}

static int64_t owner_of(struct store *db, int64_t account)
{
    struct err e = {0};
    int64_t o = -1;
    if (store_int_query(db, "SELECT COALESCE(owner_id, 0) FROM accounts WHERE id = $1",
                        PARAMS(SV_INT(account)), &o, &e) < 0)
        fail_msg("%s", e.msg);
    return o;
}

static void test_build_inputs(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    int64_t sellers[] = {w.ana, w.ben};
    struct tsc_params p = params(sellers, 2);
    p.measures = TSC_ACCOUNTS | TSC_PIPELINE;
    struct arena a = ARENA_INIT;
    struct tsc_inputs in;
    struct err e = {0};
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), 0);
    /* the segment filter keeps Cara's enterprise account out; B3 has no coordinates */
    assert_int_equal(in.n, 6);
    assert_int_equal(in.nleft, 1);
    assert_int_equal(in.left_id[0], w.acc[6]);
    assert_int_equal(in.k, 2);
    assert_int_equal(in.m, 2);
    assert_int_equal(in.account_id[3], w.acc[3]);
    assert_true(in.measure[3 * 2 + 0] == 1.0);
    assert_true(in.measure[3 * 2 + 1] == 5000.0); /* A4's open deal */
    assert_true(in.measure[0 * 2 + 1] == 0.0);
    assert_int_equal(in.current[0], 0);
    assert_int_equal(in.current[4], 1);
    /* Ana's home: the mean of her four accounts; distances are great-circle from it */
    assert_true(fabs(in.home_lon[0] - 2.525) < 1e-9);
    assert_true(fabs(in.home_lat[0] - 50.075) < 1e-9);
    double d = terr_great_circle_km(in.home_lon[1], in.home_lat[1], 0.0, 50.0);
    assert_true(fabs(in.home_dist[1 * in.n + 0] - d) < 1e-9);
    assert_true(d > 700 && d < 730); /* 10 degrees of longitude at 50°N is about 715 km */

    /* bad parameters name their field */
    int64_t twice[] = {w.ana, w.ana};
    p = params(twice, 2);
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "sellers");
    int64_t nobody[] = {999999};
    p = params(nobody, 1);
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "sellers");
    p = params(sellers, 2);
    p.measures = 0;
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "measures");
    p = params(sellers, 2);
    p.segment = "nowhere";
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "accounts");
    /* the team filter: accounts whose owner is in South */
    p = params(sellers, 2);
    p.segment = "";
    p.team_id = w.south;
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), 0);
    assert_int_equal(in.n, 1);
    assert_int_equal(in.account_id[0], w.acc[7]);
    /* only the accounts the sellers own now: Ben's two located ones, his unlocated one left */
    int64_t only_ben[] = {w.ben};
    p = params(only_ben, 1);
    p.segment = "";
    p.owners_only = 1;
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), 0);
    assert_int_equal(in.n, 2);
    assert_int_equal(in.account_id[0], w.acc[4]);
    assert_int_equal(in.account_id[1], w.acc[5]);
    assert_int_equal(in.nleft, 1);
    arena_release(&a);
    testdb_close(db);
}

static void test_store_and_visibility(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    int64_t sellers[] = {w.ana, w.ben};
    struct tsc_params p = params(sellers, 2);
    struct err e = {0};
    int64_t id = 0;
    assert_int_equal(territory_scenario_create(db, &p, 0, 100, &id, &e), 0);
    json_t *s;
    assert_int_equal(territory_scenario_json(db, id, 1, &s, &e), 0);
    assert_string_equal(json_string_value(json_object_get(s, "status")), "draft");
    assert_true(json_is_true(json_object_get(s, "balanced")));
    assert_int_equal(json_integer_value(json_object_get(s, "left_out")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "accounts_moved")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "pipeline_moved_minor")), 5000);
    json_t *ben = json_array_get(json_object_get(s, "sellers"), 1);
    assert_int_equal(json_integer_value(json_object_get(ben, "accounts")), 3);
    assert_int_equal(json_integer_value(json_object_get(ben, "gained")), 1);
    assert_int_equal(json_array_size(json_object_get(s, "accounts")), 7);
    json_decref(s);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM territory_scenario_accounts"
                                       " WHERE to_owner_id IS NULL"),
                     1);

    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    struct principal maya = fixture_principal(ROLE_MANAGER, w.maya);
    struct principal milo = fixture_principal(ROLE_MANAGER, w.milo);
    struct principal ana = fixture_principal(ROLE_SELLER, w.ana);
    assert_int_equal(territory_scenario_visible(db, &admin, id, &e), 1);
    assert_int_equal(territory_scenario_visible(db, &maya, id, &e), 1);
    assert_int_equal(territory_scenario_visible(db, &milo, id, &e), 0);
    assert_int_equal(territory_scenario_visible(db, &ana, id, &e), 0);
    assert_int_equal(territory_scenario_visible(db, &admin, id + 100, &e), REINS_ENOTFOUND);
    struct arena a = ARENA_INIT;
    int64_t *ids;
    size_t n;
    assert_int_equal(territory_scenario_list(db, &maya, &a, &ids, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(territory_scenario_list(db, &milo, &a, &ids, &n, &e), 0);
    assert_int_equal(n, 0);
    arena_release(&a);
    testdb_close(db);
}

static void test_apply_all_or_nothing(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    int64_t sellers[] = {w.ana, w.ben};
    struct tsc_params p = params(sellers, 2);
    struct err e = {0};
    int64_t first = 0, stale = 0, changed = 0;
    assert_int_equal(territory_scenario_create(db, &p, 0, 100, &first, &e), 0);
    /* a second scenario giving everything to Ben, run on the same owners */
    int64_t only_ben[] = {w.ben};
    p = params(only_ben, 1);
    assert_int_equal(territory_scenario_create(db, &p, 0, 100, &stale, &e), 0);

    assert_int_equal(territory_scenario_apply(db, first, 0, 200, &changed, &e), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(owner_of(db, w.acc[3]), w.ben);
    assert_int_equal(owner_of(db, w.acc[0]), w.ana);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM account_owner_changes"), 1);
    /* the open deal followed its account, with a history row naming the scenario */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM opportunity_history"
                                       " WHERE source LIKE 'territory:%' AND changes = 'owner'"),
                     1);
    struct arena a = ARENA_INIT;
    struct opportunity o;
    assert_int_equal(opportunity_get(db, w.deal, &a, &o, &e), 0);
    assert_int_equal(o.st.owner_id, w.ben);
    arena_release(&a);
    /* applied once only */
    assert_int_equal(territory_scenario_apply(db, first, 0, 300, &changed, &e), REINS_ECONFLICT);

    /* the stale one (A4 is Ben's now): refused after its status was already set to applied in
     * the transaction; that write is rolled back with everything else */
    assert_int_equal(territory_scenario_apply(db, stale, 0, 300, &changed, &e), REINS_ECONFLICT);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM territory_scenarios"
                                       " WHERE status = 'applied'"),
                     1);
    assert_int_equal(owner_of(db, w.acc[0]), w.ana);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM account_owner_changes"), 1);

    testdb_close(db);
}

static void test_demo_scenario(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    (void)w;
    struct err e = {0};
    assert_int_equal(store_begin(db, &e), 0);
    assert_int_equal(territory_demo_fill(db, 1000, &e), 0);
    assert_int_equal(store_commit(db, &e), 0);
    /* the first account's owner's team (North): Ana and Ben */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM territory_scenarios"
                                       " WHERE status = 'draft'"),
                     1);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM territory_scenario_sellers"), 2);
    testdb_close(db);
}

static void test_locks_and_homes(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    int64_t sellers[] = {w.ana, w.ben};
    struct arena a = ARENA_INIT;
    struct tsc_inputs in;
    struct err e = {0};
    /* A4 (far east) locked to Ana, A1 to Ben: the balance by count still holds (3 and 3) */
    struct tsc_lock locks[] = {{w.acc[3], w.ana}, {w.acc[0], w.ben}};
    struct tsc_home homes[] = {
        {.person_id = w.ben, .kind = TSC_HOME_GIVEN, .lat = 48.0, .lon = 2.0},
        {.person_id = w.ana, .kind = TSC_HOME_ACCOUNT, .account_id = w.acc[4]}};
    struct tsc_params p = params(sellers, 2);
    p.locks = locks;
    p.nlocks = 2;
    p.homes = homes;
    p.nhomes = 2;
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), 0);
    assert_int_equal(in.lock[3], 0);
    assert_int_equal(in.lock[0], 1);
    assert_int_equal(in.lock[1], -1);
    assert_int_equal(in.home_kind[1], TSC_HOME_GIVEN);
    assert_true(in.home_lat[1] == 48.0 && in.home_lon[1] == 2.0);
    assert_int_equal(in.home_kind[0], TSC_HOME_ACCOUNT);
    assert_int_equal(in.home_account[0], w.acc[4]);
    assert_true(fabs(in.home_lat[0] - 50.1) < 1e-9 && fabs(in.home_lon[0] - 10.1) < 1e-9);
    assert_true(fabs(in.home_dist[1 * in.n + 0] - terr_great_circle_km(2.0, 48.0, 0.0, 50.0)) <
                1e-9);

    /* run, store, and read the parameters back: the locks hold in the result */
    int64_t id = 0;
    assert_int_equal(territory_scenario_create(db, &p, 0, 100, &id, &e), 0);
    json_t *s;
    assert_int_equal(territory_scenario_json(db, id, 1, &s, &e), 0);
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(s, "accounts"), i, row)
    {
        json_int_t acc = json_integer_value(json_object_get(row, "account_id"));
        json_int_t to = json_integer_value(json_object_get(row, "to_owner_id"));
        if (acc == w.acc[3]) assert_int_equal(to, w.ana);
        if (acc == w.acc[0]) assert_int_equal(to, w.ben);
    }
    assert_int_equal(json_array_size(json_object_get(s, "locks")), 2);
    json_t *ana = json_array_get(json_object_get(s, "sellers"), 0);
    assert_string_equal(json_string_value(json_object_get(ana, "home_kind")), "account");
    assert_int_equal(json_integer_value(json_object_get(ana, "home_account_id")), w.acc[4]);
    json_decref(s);
    struct tsc_params back;
    assert_int_equal(territory_scenario_params(db, id, &a, &back, &e), 0);
    assert_string_equal(back.name, "North");
    assert_string_equal(back.segment, "smb");
    assert_int_equal(back.measures, TSC_ACCOUNTS);
    assert_int_equal(back.nsellers, 2);
    assert_int_equal(back.sellers[1], w.ben);
    assert_int_equal(back.nlocks, 2);
    assert_int_equal(back.locks[0].account_id, w.acc[0]); /* by account id */
    assert_int_equal(back.locks[0].person_id, w.ben);
    assert_int_equal(back.nhomes, 2);
    assert_int_equal(back.homes[0].kind, TSC_HOME_ACCOUNT);
    assert_int_equal(back.homes[1].kind, TSC_HOME_GIVEN);
    assert_true(back.homes[1].lat == 48.0);
    assert_int_equal(territory_scenario_params(db, id + 100, &a, &back, &e), REINS_ENOTFOUND);

    /* every bad lock or home names its field */
    struct tsc_lock bad_lock[1];
    p = params(sellers, 2);
    p.locks = bad_lock;
    p.nlocks = 1;
    bad_lock[0] = (struct tsc_lock){999999, w.ana};
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "locks");
    assert_non_null(strstr(e.msg, "no account 999999"));
    bad_lock[0] = (struct tsc_lock){w.acc[0], w.cara};
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "locks");
    assert_non_null(strstr(e.msg, "not one of the sellers"));
    bad_lock[0] = (struct tsc_lock){w.acc[7], w.ana}; /* enterprise: not chosen */
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "not among the chosen"));
    bad_lock[0] = (struct tsc_lock){w.acc[6], w.ana}; /* B3 has no coordinates */
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "no coordinates"));
    struct tsc_home bad_home[1];
    p = params(sellers, 2);
    p.homes = bad_home;
    p.nhomes = 1;
    bad_home[0] = (struct tsc_home){.person_id = w.ana, .kind = TSC_HOME_GIVEN, .lat = 91};
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "homes");
    assert_non_null(strstr(e.msg, "latitude 91 is out of range"));
    bad_home[0] = (struct tsc_home){.person_id = w.ana, .kind = TSC_HOME_GIVEN, .lon = -200};
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "longitude -200 is out of range"));
    bad_home[0] = (struct tsc_home){.person_id = w.cara, .kind = TSC_HOME_GIVEN};
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "not one of the sellers"));
    bad_home[0] =
        (struct tsc_home){.person_id = w.ana, .kind = TSC_HOME_ACCOUNT, .account_id = w.acc[6]};
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "homes");
    assert_non_null(strstr(e.msg, "no coordinates"));
    p = params(sellers, 2);
    p.move_penalty_km = -1;
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "move_penalty_km");
    arena_release(&a);
    testdb_close(db);
}

static void test_manager_scope_and_changes(void **state)
{
    struct store *db = testdb_open(state);
    struct world w = make_world(db);
    struct err e = {0};
    /* Maya plans for her tree: every account, but only hers are chosen (Cara's is not) */
    int64_t sellers[] = {w.ana, w.ben};
    struct tsc_params p = params(sellers, 2);
    p.segment = "";
    p.scope_person_id = w.maya;
    struct arena a = ARENA_INIT;
    struct tsc_inputs in;
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), 0);
    assert_int_equal(in.n + in.nleft, 7);
    /* Cara is not hers to give accounts to */
    int64_t with_cara[] = {w.ana, w.cara};
    p.sellers = with_cara;
    assert_int_equal(tsc_build_inputs(db, &p, &a, &in, &e), REINS_EINVAL);
    assert_string_equal(e.field, "sellers");
    arena_release(&a);

    /* an admin's scenario over every account, given to Ana and Ben: Maya sees it (her
     * sellers) but may not apply it (it takes Cara's account); her own one she may */
    int64_t all = 0, mine = 0, changed = 0;
    p = params(sellers, 2);
    p.segment = "";
    p.tolerance_bp = 5000;
    assert_int_equal(territory_scenario_create(db, &p, 0, 100, &all, &e), 0);
    p.scope_person_id = w.maya;
    p.tolerance_bp = 0;
    assert_int_equal(territory_scenario_create(db, &p, 0, 100, &mine, &e), 0);
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    struct principal maya = fixture_principal(ROLE_MANAGER, w.maya);
    struct principal milo = fixture_principal(ROLE_MANAGER, w.milo);
    assert_int_equal(territory_scenario_may_apply(db, &admin, all, &e), 1);
    assert_int_equal(territory_scenario_may_apply(db, &maya, all, &e), 0);
    assert_int_equal(territory_scenario_may_apply(db, &maya, mine, &e), 1);
    assert_int_equal(territory_scenario_may_apply(db, &milo, mine, &e), 0);

    /* no realignment yet */
    json_t *c;
    assert_int_equal(territory_changes_json(db, w.maya, &c, &e), 0);
    assert_true(json_is_null(json_object_get(c, "scenario")));
    json_decref(c);
    assert_int_equal(territory_scenario_apply(db, mine, 0, 200, &changed, &e), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(territory_changes_json(db, w.maya, &c, &e), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "scenario"), "id")),
                     mine);
    json_t *people = json_object_get(c, "people");
    assert_int_equal(json_array_size(people), 2);
    json_t *ana = json_array_get(people, 0), *ben = json_array_get(people, 1);
    assert_string_equal(json_string_value(json_object_get(ana, "name")), "Ana");
    assert_int_equal(json_integer_value(json_object_get(ana, "lost")), 1);
    assert_int_equal(json_integer_value(json_object_get(ana, "gained")), 0);
    assert_int_equal(json_integer_value(json_object_get(ana, "pipeline_lost_minor")), 5000);
    assert_int_equal(json_integer_value(json_object_get(ben, "gained")), 1);
    assert_int_equal(json_integer_value(json_object_get(ben, "pipeline_gained_minor")), 5000);
    json_decref(c);
    /* Milo's tree had no change */
    assert_int_equal(territory_changes_json(db, w.milo, &c, &e), 0);
    assert_true(json_is_null(json_object_get(c, "scenario")));
    json_decref(c);
    /* Ana alone sees her own loss */
    assert_int_equal(territory_changes_json(db, w.ana, &c, &e), 0);
    assert_int_equal(json_array_size(json_object_get(c, "people")), 1);
    json_decref(c);
    testdb_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TESTDB_BOTH(test_build_inputs),         TESTDB_BOTH(test_store_and_visibility),
        TESTDB_BOTH(test_apply_all_or_nothing), TESTDB_BOTH(test_demo_scenario),
        TESTDB_BOTH(test_locks_and_homes),      TESTDB_BOTH(test_manager_scope_and_changes),
    };
    return cmocka_run_group_tests_name("territory_store", tests, NULL, NULL);
}
