/* test_recognition.c -- values, kudos, who may see them, gaps and the demo history, on both
 * databases. */
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
#include "recognition/recognition.h"

#define DAY 86400

/* ---- helpers ---------------------------------------------------------------------------- */

static const char SQL_COUNT_KUDOS[] = "SELECT COUNT(*) FROM kudos";
static const char SQL_VALUE_BY_NAME[] = "SELECT id FROM company_values WHERE name = $1";

static int64_t count_kudos(struct store *db)
{
    struct err e = {0};
    int64_t n = -1;
    if (store_int_query(db, SQL_COUNT_KUDOS, NO_PARAMS, &n, &e) < 0) fail_msg("%s", e.msg);
    return n;
}

static int64_t value_id(struct store *db, const char *name)
{
    struct err e = {0};
    int64_t id = 0;
    if (store_int_query(db, SQL_VALUE_BY_NAME, PARAMS(SV_TEXT(name)), &id, &e) < 0)
        fail_msg("no value %s: %s", name, e.msg);
    return id;
}

static int64_t add_person(struct store *db, const char *name, int64_t manager, int64_t team,
                          const char *status)
{
    char email[128];
    snprintf(email, sizeof email, "%s@test.example", name);
    for (char *p = email; *p; p++)
        if (*p == ' ') *p = '.';
    return fixture_person(db, name, email, manager, team, NULL, status);
}

/* VP Vera (no team) -> managers Maya (North) and Milo (South); Maya -> Ana, Ben (North), Sol
 * (no team) and Lee (North, left); Milo -> Cara, Dan (South). */
struct org {
    int64_t north, south;
    int64_t vp, m1, m2, s1a, s1b, s0, left, s2a, s2b;
};

static struct org make_org(struct store *db)
{
    struct org o;
    o.north = fixture_team(db, "North");
    o.south = fixture_team(db, "South");
    o.vp = add_person(db, "Vera Vance", 0, 0, NULL);
    o.m1 = add_person(db, "Maya North", o.vp, o.north, NULL);
    o.m2 = add_person(db, "Milo South", o.vp, o.south, NULL);
    o.s1a = add_person(db, "Ana Lima", o.m1, o.north, NULL);
    o.s1b = add_person(db, "Ben Costa", o.m1, o.north, NULL);
    o.s0 = add_person(db, "Sol Teamless", o.m1, 0, NULL);
    o.left = add_person(db, "Lee Gone", o.m1, o.north, "left");
    o.s2a = add_person(db, "Cara Diaz", o.m2, o.south, NULL);
    o.s2b = add_person(db, "Dan Evans", o.m2, o.south, "leaving");
    return o;
}

static int64_t give(struct store *db, int64_t from, int64_t to, const char *value, int64_t at)
{
    struct err e = {0};
    int64_t id = 0;
    if (kudos_give(db, from, to, value_id(db, value), "Closed the loop with the customer", at, &id,
                   &e) < 0)
        fail_msg("kudos %lld -> %lld: %s", (long long)from, (long long)to, e.msg);
    assert_true(id > 0);
    return id;
}

/* The ids of the kudos `who` sees must be exactly `want`, in that order. */
static void expect_kudos(struct store *db, const struct principal *who, int64_t person, int limit,
                         const int64_t *want, size_t nwant, const char *what)
{
    struct arena a = ARENA_INIT;
    struct kudos *v;
    size_t n;
    struct err e = {0};
    if (kudos_list(db, who, person, limit, &a, &v, &n, &e) < 0) fail_msg("%s: %s", what, e.msg);
    struct sb got = SB_INIT, exp = SB_INIT;
    for (size_t i = 0; i < n; i++)
        sb_addf(&got, "%lld ", (long long)v[i].id);
    for (size_t i = 0; i < nwant; i++)
        sb_addf(&exp, "%lld ", (long long)want[i]);
    sb_adds(&got, "");
    sb_adds(&exp, "");
    if (strcmp(got.buf, exp.buf)) fail_msg("%s: saw [%s], expected [%s]", what, got.buf, exp.buf);
    sb_release(&got);
    sb_release(&exp);
    arena_release(&a);
}

/* The gaps of `who` must be exactly these people, in that order. */
static void expect_gaps(struct store *db, const struct principal *who, int days, int64_t now,
                        const int64_t *want, size_t nwant, const char *what)
{
    struct arena a = ARENA_INIT;
    struct recognition_gap *v;
    size_t n;
    struct err e = {0};
    if (recognition_gaps(db, who, days, now, &a, &v, &n, &e) < 0) fail_msg("%s: %s", what, e.msg);
    struct sb got = SB_INIT, exp = SB_INIT;
    for (size_t i = 0; i < n; i++)
        sb_addf(&got, "%lld ", (long long)v[i].id);
    for (size_t i = 0; i < nwant; i++)
        sb_addf(&exp, "%lld ", (long long)want[i]);
    sb_adds(&got, "");
    sb_adds(&exp, "");
    if (strcmp(got.buf, exp.buf)) fail_msg("%s: gaps [%s], expected [%s]", what, got.buf, exp.buf);
    sb_release(&got);
    sb_release(&exp);
    arena_release(&a);
}

static char *repeat(const char *piece, size_t times)
{
    struct sb s = SB_INIT;
    for (size_t i = 0; i < times; i++)
        sb_adds(&s, piece);
    return sb_detach(&s);
}

/* ---- rules (no database) ---------------------------------------------------------------- */

static void test_utf8_length(void **state)
{
    (void)state;
    assert_int_equal(utf8_length(""), 0);
    assert_int_equal(utf8_length("abc"), 3);
    assert_int_equal(utf8_length("é"), 1);
    assert_int_equal(utf8_length("李小龍"), 3);
    assert_int_equal(utf8_length("😀!"), 2);
}

static void expect_message_refused(const char *msg, const char *why)
{
    struct err e = {0};
    if (kudos_message_check(msg, &e) != REINS_EINVAL) fail_msg("accepted %s", why);
    assert_string_equal(e.field, "message");
    assert_non_null(strstr(e.msg, "field message"));
}

static void test_message_rules(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(kudos_message_check("Great discovery call with Globex", &e), 0);
    expect_message_refused(NULL, "a missing message");
    expect_message_refused("", "an empty message");
    expect_message_refused("   ", "a blank message");
    expect_message_refused("line one\nline two", "a control character");
    expect_message_refused("=HYPERLINK(\"x\")", "a formula start");
    /* 1000 characters, however many bytes each takes, is the limit */
    const char *pieces[] = {"a", "é", "李", "😀"};
    for (size_t i = 0; i < 4; i++) {
        char *ok = repeat(pieces[i], KUDOS_MESSAGE_MAX);
        if (kudos_message_check(ok, &e) < 0) fail_msg("1000 x %s refused: %s", pieces[i], e.msg);
        char *over = repeat(pieces[i], KUDOS_MESSAGE_MAX + 1);
        expect_message_refused(over, "1001 characters");
        free(ok);
        free(over);
    }
}

static void test_value_rules(void **state)
{
    (void)state;
    struct err e = {0};
    struct value_fields f = {0};
    assert_int_equal(value_fields_check(&f, 1, &e), REINS_EINVAL);
    assert_string_equal(e.field, "name");
    assert_int_equal(value_fields_check(&f, 0, &e), 0); /* an update may change nothing */
    char *long_name = repeat("x", VALUE_NAME_MAX + 1);
    f.name = long_name;
    assert_int_equal(value_fields_check(&f, 1, &e), REINS_EINVAL);
    assert_string_equal(e.field, "name");
    free(long_name);
    f.name = "Win as one";
    f.description = "";
    assert_int_equal(value_fields_check(&f, 1, &e), 0);
    f.description = "+1 to everything";
    assert_int_equal(value_fields_check(&f, 1, &e), REINS_EINVAL);
    assert_string_equal(e.field, "description");
    f.description = NULL;
    f.has_position = 1;
    f.position = -1;
    assert_int_equal(value_fields_check(&f, 1, &e), REINS_EINVAL);
    assert_string_equal(e.field, "position");
    f.position = VALUE_POSITION_MAX + 1;
    assert_int_equal(value_fields_check(&f, 1, &e), REINS_EINVAL);
    f.position = 0;
    assert_int_equal(value_fields_check(&f, 1, &e), 0);
}

static void test_json_shapes(void **state)
{
    (void)state;
    struct kudos k = {7, 1, 2, 3, "Ana", "Ben", "Own it", "Thanks \"Ben\"", 1700000000};
    json_t *j = kudos_to_json(&k);
    char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(s, "{\"created_at\":1700000000,\"from\":{\"id\":1,\"name\":\"Ana\"},"
                           "\"id\":7,\"message\":\"Thanks \\\"Ben\\\"\",\"to\":{\"id\":2,"
                           "\"name\":\"Ben\"},\"value\":{\"id\":3,\"name\":\"Own it\"}}");
    free(s);
    json_decref(j);
    struct recognition_gap g = {4, "Dan", 0};
    j = recognition_gap_to_json(&g);
    s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(s, "{\"id\":4,\"last_recognised_at\":null,\"name\":\"Dan\"}");
    free(s);
    json_decref(j);
    struct directory_entry d = {5, "Sol", "AE", NULL};
    j = directory_entry_to_json(&d);
    s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(s, "{\"id\":5,\"name\":\"Sol\",\"team\":null,\"title\":\"AE\"}");
    free(s);
    json_decref(j);
}

/* ---- values ----------------------------------------------------------------------------- */

static void test_values(void **state)
{
    struct store *db = testdb_open(state);
    struct arena a = ARENA_INIT;
    struct company_value *v;
    size_t n;
    struct err e = {0};
    /* the five of migration 2, in their order */
    assert_int_equal(values_list(db, 0, &a, &v, &n, &e), 0);
    assert_int_equal(n, 5);
    assert_string_equal(v[0].name, "Customer first");
    assert_string_equal(v[4].name, "Tell it straight");
    assert_int_equal(v[4].position, 5);

    /* without a position a new value goes last */
    struct value_fields f = {.name = "Win as one", .description = "One team, one number"};
    int64_t id = 0;
    assert_int_equal(values_create(db, &f, &id, &e), 0);
    struct company_value got;
    assert_int_equal(values_get(db, id, &a, &got, &e), 0);
    assert_string_equal(got.name, "Win as one");
    assert_string_equal(got.description, "One team, one number");
    assert_int_equal(got.position, 6);
    assert_false(got.archived);

    /* a taken name is a conflict, on create and on rename */
    assert_int_equal(values_create(db, &f, &id, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "name");
    struct value_fields rename = {.name = "Own it"};
    assert_int_equal(values_update(db, id, &rename, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "name");
    /* a refused create wrote nothing */
    assert_int_equal(values_list(db, 1, &a, &v, &n, &e), 0);
    assert_int_equal(n, 6);

    /* archive it: gone from the default list, there with include_archived */
    struct value_fields arch = {.has_archived = 1, .archived = 1, .has_position = 1, .position = 0};
    assert_int_equal(values_update(db, id, &arch, &e), 0);
    assert_int_equal(values_get(db, id, &a, &got, &e), 0);
    assert_true(got.archived);
    assert_int_equal(got.position, 0);
    assert_string_equal(got.name, "Win as one"); /* untouched fields stay */
    assert_int_equal(values_list(db, 0, &a, &v, &n, &e), 0);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(v[i].id, id);
    assert_int_equal(values_list(db, 1, &a, &v, &n, &e), 0);
    assert_int_equal(n, 6);
    assert_int_equal(v[0].id, id); /* position 0 sorts first */

    /* unknown ids and bad fields */
    assert_int_equal(values_update(db, 999, &rename, &e), REINS_ENOTFOUND);
    assert_int_equal(values_get(db, 999, &a, &got, &e), REINS_ENOTFOUND);
    struct value_fields bad = {.name = "-dash"};
    assert_int_equal(values_update(db, id, &bad, &e), REINS_EINVAL);
    assert_string_equal(e.field, "name");
    arena_release(&a);
    testdb_close(db);
}

/* ---- directory -------------------------------------------------------------------------- */

static void test_directory(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct arena a = ARENA_INIT;
    struct directory_entry *v;
    size_t n;
    struct err e = {0};
    assert_int_equal(recognition_directory(db, &a, &v, &n, &e), 0);
    assert_int_equal(n, 8); /* nine people, one left */
    for (size_t i = 0; i < n; i++) {
        assert_int_not_equal(v[i].id, o.left);
        if (i) assert_true(strcmp(v[i - 1].name, v[i].name) <= 0);
        if (v[i].id == o.s0) assert_null(v[i].team);
        if (v[i].id == o.s2b) assert_string_equal(v[i].team, "South"); /* leaving is still here */
    }
    arena_release(&a);
    testdb_close(db);
}

/* ---- giving ----------------------------------------------------------------------------- */

static void expect_give_refused(struct store *db, int64_t from, int64_t to, int64_t value,
                                const char *msg, int code, const char *field, const char *what)
{
    struct err e = {0};
    int64_t id = 0, before = count_kudos(db);
    int rc = kudos_give(db, from, to, value, msg, 1000, &id, &e);
    if (rc != code) fail_msg("%s: got %d (%s), expected %d", what, rc, e.msg, code);
    if (field)
        assert_string_equal(e.field, field);
    else
        assert_null(e.field);
    assert_true(e.msg[0]);
    assert_int_equal(count_kudos(db), before);
}

static void test_give(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    int64_t own = value_id(db, "Own it");
    const char *msg = "Fixed the Globex quote within the hour";

    /* the refusals, each next to what makes it one */
    expect_give_refused(db, o.s1a, o.s1a, own, msg, REINS_EINVAL, "to_id", "to oneself");
    expect_give_refused(db, o.s1a, o.left, own, msg, REINS_EINVAL, "to_id", "to someone who left");
    expect_give_refused(db, o.s1a, 9999, own, msg, REINS_EINVAL, "to_id", "to nobody");
    expect_give_refused(db, o.s1a, 0, own, msg, REINS_EINVAL, "to_id", "without to_id");
    expect_give_refused(db, o.s1a, o.s1b, 9999, msg, REINS_EINVAL, "value_id", "an unknown value");
    expect_give_refused(db, o.s1a, o.s1b, 0, msg, REINS_EINVAL, "value_id", "without value_id");
    expect_give_refused(db, 0, o.s1b, own, msg, REINS_EFORBIDDEN, NULL, "without a person");
    expect_give_refused(db, o.s1a, o.s1b, own, "", REINS_EINVAL, "message", "an empty message");
    char *long_msg = repeat("é", KUDOS_MESSAGE_MAX + 1);
    expect_give_refused(db, o.s1a, o.s1b, own, long_msg, REINS_EINVAL, "message", "too long");
    free(long_msg);

    struct value_fields arch = {.has_archived = 1, .archived = 1};
    struct err e = {0};
    int64_t archived = value_id(db, "Keep learning");
    assert_int_equal(values_update(db, archived, &arch, &e), 0);
    expect_give_refused(db, o.s1a, o.s1b, archived, msg, REINS_EINVAL, "value_id",
                        "an archived value");

    /* and the same kudos, fit, is recorded */
    int64_t id = 0;
    assert_int_equal(kudos_give(db, o.s1a, o.s1b, own, msg, 1234567, &id, &e), 0);
    struct arena a = ARENA_INIT;
    struct kudos k;
    assert_int_equal(kudos_get(db, id, &a, &k, &e), 0);
    assert_int_equal(k.from_id, o.s1a);
    assert_string_equal(k.from_name, "Ana Lima");
    assert_int_equal(k.to_id, o.s1b);
    assert_string_equal(k.to_name, "Ben Costa");
    assert_int_equal(k.value_id, own);
    assert_string_equal(k.value_name, "Own it");
    assert_string_equal(k.message, msg);
    assert_int_equal(k.created_at, 1234567);
    /* to someone leaving (not yet left) is fine; so is a manager to a report */
    assert_int_equal(kudos_give(db, o.m2, o.s2b, own, msg, 1234568, &id, &e), 0);
    assert_int_equal(kudos_get(db, 99999, &a, &k, &e), REINS_ENOTFOUND);
    /* once unarchived, the value works again */
    arch.archived = 0;
    assert_int_equal(values_update(db, archived, &arch, &e), 0);
    assert_int_equal(kudos_give(db, o.s1a, o.s1b, archived, msg, 1234569, &id, &e), 0);
    assert_int_equal(count_kudos(db), 3);
    arena_release(&a);
    testdb_close(db);
}

/* ---- who sees which kudos --------------------------------------------------------------- */

static void test_visibility(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    int64_t kA = give(db, o.s1a, o.s2a, "Better together", 1000); /* North seller -> South */
    int64_t kB = give(db, o.s2a, o.s2b, "Own it", 2000);          /* within South */
    int64_t kC = give(db, o.m1, o.s1b, "Customer first", 3000);   /* within North */
    int64_t kE = give(db, o.m1, o.s0, "Keep learning", 4000);     /* to someone without a team */

    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    expect_kudos(db, &admin, 0, 50, (int64_t[]){kE, kC, kB, kA}, 4, "admin, newest first");
    struct principal vp = fixture_principal(ROLE_MANAGER, o.vp);
    expect_kudos(db, &vp, 0, 50, (int64_t[]){kE, kC, kB, kA}, 4, "the VP: all below");
    /* a manager: what they gave and what their reports got, not a report's kudos to another
     * team (the giver's side does not widen it) */
    struct principal m1 = fixture_principal(ROLE_MANAGER, o.m1);
    expect_kudos(db, &m1, 0, 50, (int64_t[]){kE, kC}, 2, "m1");
    /* the receiver's manager sees kudos from another team's seller */
    struct principal m2 = fixture_principal(ROLE_MANAGER, o.m2);
    expect_kudos(db, &m2, 0, 50, (int64_t[]){kB, kA}, 2, "m2");
    /* a seller: given, received, and received by their team; not within another team */
    struct principal s1a = fixture_principal(ROLE_SELLER, o.s1a);
    expect_kudos(db, &s1a, 0, 50, (int64_t[]){kC, kA}, 2, "s1a");
    /* an unrelated seller (the giver's teammate) does not see kudos to another team */
    struct principal s1b = fixture_principal(ROLE_SELLER, o.s1b);
    expect_kudos(db, &s1b, 0, 50, (int64_t[]){kC}, 1, "s1b");
    struct principal s2a = fixture_principal(ROLE_SELLER, o.s2a);
    expect_kudos(db, &s2a, 0, 50, (int64_t[]){kB, kA}, 2, "s2a");
    /* the receiver's team sees kudos from outside it */
    struct principal s2b = fixture_principal(ROLE_SELLER, o.s2b);
    expect_kudos(db, &s2b, 0, 50, (int64_t[]){kB, kA}, 2, "s2b");
    /* no team is not a team: Sol sees only their own */
    struct principal s0 = fixture_principal(ROLE_SELLER, o.s0);
    expect_kudos(db, &s0, 0, 50, (int64_t[]){kE}, 1, "s0");
    /* fail closed: the seller role sees no subtree; no person and not admin sees nothing */
    struct principal vp_as_seller = fixture_principal(ROLE_SELLER, o.vp);
    expect_kudos(db, &vp_as_seller, 0, 50, NULL, 0, "a seller role above others");
    struct principal nobody = fixture_principal(ROLE_MANAGER, 0);
    expect_kudos(db, &nobody, 0, 50, NULL, 0, "a manager without a person");
    struct principal unknown_role = fixture_principal(ROLE_NONE, o.m2);
    expect_kudos(db, &unknown_role, 0, 50, (int64_t[]){kB, kA}, 2, "no role: the team only");

    /* person filter: given to or by, within what the caller may see */
    expect_kudos(db, &admin, o.s2a, 50, (int64_t[]){kB, kA}, 2, "admin about s2a");
    expect_kudos(db, &admin, o.m1, 50, (int64_t[]){kE, kC}, 2, "admin about m1 (giver)");
    expect_kudos(db, &s1b, o.s2a, 50, NULL, 0, "s1b about s2a");
    expect_kudos(db, &s2b, o.s1a, 50, (int64_t[]){kA}, 1, "s2b about s1a");
    expect_kudos(db, &admin, 9999, 50, NULL, 0, "admin about nobody");
    /* limit */
    expect_kudos(db, &admin, 0, 2, (int64_t[]){kE, kC}, 2, "limit 2");
    struct arena a = ARENA_INIT;
    struct kudos *v;
    size_t n;
    struct err e = {0};
    assert_int_equal(kudos_list(db, &admin, 0, 0, &a, &v, &n, &e), REINS_EINVAL);
    assert_string_equal(e.field, "limit");
    assert_int_equal(kudos_list(db, &admin, 0, KUDOS_LIMIT_MAX + 1, &a, &v, &n, &e), REINS_EINVAL);
    arena_release(&a);

    /* a move changes what is seen: Cara joins North, so North sees kA and kB now */
    struct person_fields mv = {.has_team = 1, .team_id = o.north};
    assert_int_equal(people_update(db, o.s2a, &mv, &e), 0);
    expect_kudos(db, &s1b, 0, 50, (int64_t[]){kC, kA}, 2, "s1b after Cara joined North");
    testdb_close(db);
}

/* ---- gaps ------------------------------------------------------------------------------- */

static void test_gaps(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    int64_t now = 20000 * (int64_t)DAY;
    give(db, o.m1, o.s1a, "Own it", now - 10 * DAY);
    give(db, o.m1, o.s1b, "Own it", now - 70 * DAY);
    give(db, o.m2, o.s2a, "Own it", now - 61 * DAY);
    /* Lee was recognised while still here, then left */
    struct person_fields back = {.status = "active"}, gone = {.status = "left"};
    struct err e = {0};
    assert_int_equal(people_update(db, o.left, &back, &e), 0);
    give(db, o.m1, o.left, "Own it", now - 300 * DAY);
    assert_int_equal(people_update(db, o.left, &gone, &e), 0);

    /* a manager: their subtree only, never recognised first, then the longest waiting */
    struct principal m1 = fixture_principal(ROLE_MANAGER, o.m1);
    expect_gaps(db, &m1, 60, now, (int64_t[]){o.s0, o.s1b}, 2, "m1");
    struct principal m2 = fixture_principal(ROLE_MANAGER, o.m2);
    expect_gaps(db, &m2, 60, now, (int64_t[]){o.s2b, o.s2a}, 2, "m2");
    /* `days` moves the line; kudos exactly `days` ago count as recent */
    expect_gaps(db, &m2, 100, now, (int64_t[]){o.s2b}, 1, "m2, 100 days");
    expect_gaps(db, &m2, 61, now, (int64_t[]){o.s2b}, 1, "m2, 61 days");
    expect_gaps(db, &m2, 1, now, (int64_t[]){o.s2b, o.s2a}, 2, "m2, 1 day");
    expect_gaps(db, &m1, 5, now, (int64_t[]){o.s0, o.s1b, o.s1a}, 3, "m1, 5 days");
    /* the VP: everyone below, at any depth, not themself */
    struct principal vp = fixture_principal(ROLE_MANAGER, o.vp);
    expect_gaps(db, &vp, 60, now, (int64_t[]){o.s2b, o.m1, o.m2, o.s0, o.s1b, o.s2a}, 6, "vp");
    /* an admin: everyone not left, but themself */
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    expect_gaps(db, &admin, 60, now, (int64_t[]){o.s2b, o.m1, o.m2, o.s0, o.vp, o.s1b, o.s2a}, 7,
                "admin");
    struct principal admin_vp = fixture_principal(ROLE_ADMIN, o.vp);
    expect_gaps(db, &admin_vp, 60, now, (int64_t[]){o.s2b, o.m1, o.m2, o.s0, o.s1b, o.s2a}, 6,
                "admin who is the VP");
    /* a seller has nobody below; the seller role sees no subtree even with reports */
    struct principal s1a = fixture_principal(ROLE_SELLER, o.s1a);
    expect_gaps(db, &s1a, 60, now, NULL, 0, "s1a");
    struct principal m1_as_seller = fixture_principal(ROLE_SELLER, o.m1);
    expect_gaps(db, &m1_as_seller, 60, now, NULL, 0, "a seller role with reports");
    struct principal nobody = fixture_principal(ROLE_MANAGER, 0);
    expect_gaps(db, &nobody, 60, now, NULL, 0, "a manager without a person");

    /* last_recognised_at is the latest kudos, null when never */
    struct arena a = ARENA_INIT;
    struct recognition_gap *v;
    size_t n;
    assert_int_equal(recognition_gaps(db, &m1, 60, now, &a, &v, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].last_recognised_at, 0);
    assert_int_equal(v[1].last_recognised_at, now - 70 * DAY);
    assert_string_equal(v[1].name, "Ben Costa");
    /* days out of range */
    assert_int_equal(recognition_gaps(db, &m1, 0, now, &a, &v, &n, &e), REINS_EINVAL);
    assert_string_equal(e.field, "days");
    assert_int_equal(recognition_gaps(db, &m1, GAPS_DAYS_MAX + 1, now, &a, &v, &n, &e),
                     REINS_EINVAL);
    assert_int_equal(recognition_gaps(db, &m1, GAPS_DAYS_MAX, now, &a, &v, &n, &e), 0);
    arena_release(&a);
    testdb_close(db);
}

/* ---- the demo history ------------------------------------------------------------------- */

static const char SQL_DUMP_KUDOS[] =
    "SELECT k.id, k.from_id, k.to_id, k.value_id, k.message, k.created_at,"
    " COALESCE(f.team_id, 0), COALESCE(t.team_id, 0), COALESCE(t.manager_id, 0), t.start_date"
    " FROM kudos k JOIN people f ON f.id = k.from_id JOIN people t ON t.id = k.to_id"
    " ORDER BY k.id";

/* Fill a fresh demo org and its kudos; return the kudos as text (the caller frees it) and
 * check the history's shape on the way. */
static char *demo_history(void **state, uint64_t seed)
{
    struct store *db = testdb_open(state);
    const char *as_of = "2026-03-02";
    int64_t as_of_days = date_to_days(as_of);
    struct demo_summary sum;
    struct err e = {0};
    /* demo_fill gives the kudos history through recognition_demo_fill */
    if (demo_fill(db, seed, as_of, "$argon2id$not-a-real-hash", &sum, &e) < 0)
        fail_msg("demo: %s", e.msg);

    int people = 1 + sum.managers + sum.sellers;
    int64_t n = count_kudos(db);
    if (n < 2 * people) fail_msg("only %lld kudos for %d people", (long long)n, people);

    struct store_rows *r;
    assert_int_equal(store_query(db, SQL_DUMP_KUDOS, NO_PARAMS, &r, &e), 0);
    struct sb out = SB_INIT;
    int from_manager = 0, across = 0, within = 0;
    int64_t prev_at = 0;
    while (store_next(r, &e) > 0) {
        int64_t from = store_int(r, 1), to = store_int(r, 2), at = store_int(r, 5);
        const char *msg = store_text(r, 4);
        assert_int_not_equal(from, to);
        /* within the six months before as_of, oldest first, never before the start date */
        assert_true(at >= (as_of_days - 183) * DAY && at < as_of_days * DAY);
        assert_true(at >= prev_at);
        prev_at = at;
        assert_true(at >= date_to_days(store_text(r, 9)) * DAY);
        if (kudos_message_check(msg, &e) < 0) fail_msg("demo message '%s': %s", msg, e.msg);
        if (store_int(r, 8) == from) from_manager++;
        if (store_int(r, 6) == store_int(r, 7))
            within++;
        else
            across++;
        sb_addf(&out, "%lld|%lld|%lld|%lld|%s|%lld\n", (long long)store_int(r, 0), (long long)from,
                (long long)to, (long long)store_int(r, 3), msg, (long long)at);
    }
    store_rows_free(r);
    /* mostly managers to reports and within teams, some across */
    if (from_manager < n / 5 || within < n / 3 || across < n / 20)
        fail_msg("shape: %d from managers, %d within teams, %d across, of %lld", from_manager,
                 within, across, (long long)n);

    /* a few people are unrecognised for 60+ days, but not most */
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    struct arena a = ARENA_INIT;
    struct recognition_gap *g;
    size_t ng;
    assert_int_equal(recognition_gaps(db, &admin, 60, as_of_days * DAY, &a, &g, &ng, &e), 0);
    if (ng < 2 || (int)ng > people / 4) fail_msg("%zu gaps among %d people", ng, people);
    arena_release(&a);
    testdb_close(db);
    return sb_detach(&out);
}

static void test_demo_fill(void **state)
{
    char *one = demo_history(state, 42);
    char *two = demo_history(state, 42);
    assert_string_equal(one, two); /* the same for the same seed */
    char *other = demo_history(state, 43);
    assert_string_not_equal(one, other);
    free(one);
    free(two);
    free(other);
}

static void test_demo_fill_empty(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    /* nobody to recognise: nothing happens, nothing fails */
    assert_int_equal(recognition_demo_fill(db, 1, 20000, &e), 0);
    assert_int_equal(count_kudos(db), 0);
    testdb_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_length),
        cmocka_unit_test(test_message_rules),
        cmocka_unit_test(test_value_rules),
        cmocka_unit_test(test_json_shapes),
        TESTDB_BOTH(test_values),
        TESTDB_BOTH(test_directory),
        TESTDB_BOTH(test_give),
        TESTDB_BOTH(test_visibility),
        TESTDB_BOTH(test_gaps),
        TESTDB_BOTH(test_demo_fill),
        TESTDB_BOTH(test_demo_fill_empty),
    };
    return cmocka_run_group_tests_name("recognition", tests, NULL, NULL);
}
