/* test_people.c -- people, reporting lines, visibility and CSV import/export, on both databases. */
#include "testdb.h"
#include "fixtures.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/principal.h"
#include "core/mem.h"
#include "people/people.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static const char SQL_COUNT_PEOPLE[] = "SELECT COUNT(*) FROM people";
static const char SQL_COUNT_TEAMS[] = "SELECT COUNT(*) FROM teams";
static const char SQL_ID_BY_EMAIL[] = "SELECT id FROM people WHERE email = $1";
static const char SQL_DUMP[] =
    "SELECT p.id, p.name, p.email, p.title, COALESCE(p.manager_id, 0), COALESCE(t.name, '-'),"
    " p.start_date, p.status FROM people p LEFT JOIN teams t ON t.id = p.team_id ORDER BY p.id";
static const char SQL_DUMP_TEAMS[] = "SELECT id, name FROM teams ORDER BY id";

static int64_t count_people(struct store *db)
{
    return fixture_count(db, SQL_COUNT_PEOPLE);
}

static int64_t count_teams(struct store *db)
{
    return fixture_count(db, SQL_COUNT_TEAMS);
}

/* The id of the person with this (stored) email; fails the test if there is none. */
static int64_t id_of(struct store *db, const char *email)
{
    struct err e = {0};
    int64_t id = 0;
    if (store_int_query(db, SQL_ID_BY_EMAIL, PARAMS(SV_TEXT(email)), &id, &e) < 0)
        fail_msg("no person %s: %s", email, e.msg);
    return id;
}

static int has_email(struct store *db, const char *email)
{
    struct err e = {0};
    int64_t id = 0;
    return store_int_query(db, SQL_ID_BY_EMAIL, PARAMS(SV_TEXT(email)), &id, &e) == 0;
}

/* Every row of people and teams as text, to check that a refused write changed nothing.
 * The caller frees the result. */
static char *dump_db(struct store *db)
{
    struct sb out = SB_INIT;
    struct store_rows *r;
    struct err e = {0};
    if (store_query(db, SQL_DUMP, NO_PARAMS, &r, &e) < 0) fail_msg("dump: %s", e.msg);
    while (store_next(r, &e) > 0)
        sb_addf(&out, "%lld|%s|%s|%s|%lld|%s|%s|%s\n", (long long)store_int(r, 0), store_text(r, 1),
                store_text(r, 2), store_text(r, 3), (long long)store_int(r, 4), store_text(r, 5),
                store_text(r, 6), store_text(r, 7));
    store_rows_free(r);
    if (store_query(db, SQL_DUMP_TEAMS, NO_PARAMS, &r, &e) < 0) fail_msg("dump: %s", e.msg);
    while (store_next(r, &e) > 0)
        sb_addf(&out, "team %lld|%s\n", (long long)store_int(r, 0), store_text(r, 1));
    store_rows_free(r);
    sb_adds(&out, "end\n");
    return sb_detach(&out);
}

static struct person_fields new_fields(const char *name, const char *email, int64_t manager,
                                       int64_t team, const char *status)
{
    struct person_fields f = {0};
    f.name = name;
    f.email = email;
    f.start_date = "2025-03-01";
    f.status = status;
    f.has_manager = manager != 0;
    f.manager_id = manager;
    f.has_team = team != 0;
    f.team_id = team;
    return f;
}

static int64_t add_person(struct store *db, const char *name, const char *email, int64_t manager,
                          int64_t team, const char *status)
{
    struct person_fields f = new_fields(name, email, manager, team, status);
    struct err e = {0};
    int64_t id = 0;
    if (people_create(db, &f, &id, &e) < 0) fail_msg("create %s: %s", email, e.msg);
    assert_true(id > 0);
    return id;
}

static void set_manager(struct store *db, int64_t id, int64_t manager)
{
    struct person_fields f = {0};
    f.has_manager = 1;
    f.manager_id = manager;
    struct err e = {0};
    if (people_update(db, id, &f, &e) < 0)
        fail_msg("set manager of %lld: %s", (long long)id, e.msg);
}

static int64_t manager_of(struct store *db, int64_t id)
{
    struct arena a = ARENA_INIT;
    struct person p;
    struct err e = {0};
    if (people_get(db, id, &a, &p, &e) < 0) fail_msg("get %lld: %s", (long long)id, e.msg);
    int64_t m = p.manager_id;
    arena_release(&a);
    return m;
}

/* The list must hold exactly `want`, in that order. */
static void assert_people(const struct person *v, size_t n, const int64_t *want, size_t nwant)
{
    if (n != nwant) {
        print_error("got %zu people, want %zu:", n, nwant);
        for (size_t i = 0; i < n; i++)
            print_error(" %lld", (long long)v[i].id);
        print_error("\n");
        fail();
    }
    for (size_t i = 0; i < n; i++)
        if (v[i].id != want[i])
            fail_msg("position %zu: got person %lld (%s), want %lld", i, (long long)v[i].id,
                     v[i].name, (long long)want[i]);
}

static int import_text(struct store *db, const char *text, struct import_result *res, struct err *e)
{
    err_clear(e);
    return people_import_csv(db, text, strlen(text), "people.csv", res, e);
}

/* Import that must succeed with these counts. */
static void import_ok(struct store *db, const char *text, int created, int updated)
{
    struct import_result res;
    struct err e = {0};
    int rc = import_text(db, text, &res, &e);
    if (rc != 0) {
        for (size_t i = 0; i < res.nproblems; i++)
            print_error("line %zu (%s): %s\n", res.problems[i].line,
                        res.problems[i].field ? res.problems[i].field : "-",
                        res.problems[i].message);
        fail_msg("import failed (%d): %s", rc, e.msg);
    }
    assert_int_equal(res.nproblems, 0);
    assert_int_equal(res.created, created);
    assert_int_equal(res.updated, updated);
    import_result_release(&res);
}

/* The problem reported for `line` and `field` (NULL matches a NULL field), or NULL. */
static const struct import_problem *problem_at(const struct import_result *res, size_t line,
                                               const char *field)
{
    for (size_t i = 0; i < res->nproblems; i++) {
        const struct import_problem *p = &res->problems[i];
        if (p->line != line) continue;
        if (!field && !p->field) return p;
        if (field && p->field && !strcmp(field, p->field)) return p;
    }
    return NULL;
}

static const struct import_problem *expect_problem(const struct import_result *res, size_t line,
                                                   const char *field)
{
    const struct import_problem *p = problem_at(res, line, field);
    if (!p) {
        for (size_t i = 0; i < res->nproblems; i++)
            print_error("  have: line %zu (%s): %s\n", res->problems[i].line,
                        res->problems[i].field ? res->problems[i].field : "-",
                        res->problems[i].message);
        fail_msg("no problem reported on line %zu for field %s", line, field ? field : "(none)");
    }
    return p;
}

static char *export_text(struct store *db)
{
    struct sb out = SB_INIT;
    struct err e = {0};
    if (people_export_csv(db, &out, &e) < 0) fail_msg("export: %s", e.msg);
    return sb_detach(&out);
}

/* ---- people_find_cycle (pure) ------------------------------------------------------------ */

/* Whether v is on a cycle: walking n steps from v comes back to v. */
static int on_cycle(size_t n, const long *parent, long v)
{
    long u = v;
    for (size_t i = 0; i < n; i++) {
        u = parent[u];
        if (u < 0) return 0;
        if (u == v) return 1;
    }
    return 0;
}

static void test_find_cycle_empty(void **state)
{
    (void)state;
    assert_int_equal(people_find_cycle(0, NULL), -1);
    long one_root[] = {-1};
    assert_int_equal(people_find_cycle(1, one_root), -1);
}

static void test_find_cycle_forest(void **state)
{
    (void)state;
    /* Three trees; roots 0, 5, 9. Later walks reach nodes finished by earlier ones,
     * which must not be taken for a cycle. */
    long parent[] = {-1, 0, 1, 1, 3, -1, 5, 6, 6, -1, 9, 2, 10, 12};
    size_t n = sizeof parent / sizeof parent[0];
    assert_int_equal(people_find_cycle(n, parent), -1);
    /* reports listed before their managers */
    long rev[] = {1, 2, 3, 4, -1, 4, 5, 6, -1, 8};
    assert_int_equal(people_find_cycle(10, rev), -1);
}

static void test_find_cycle_self_loop(void **state)
{
    (void)state;
    long parent[] = {-1, 0, 1, 3, 0};
    assert_int_equal(people_find_cycle(5, parent), 3);
    long alone[] = {0};
    assert_int_equal(people_find_cycle(1, alone), 0);
}

static void test_find_cycle_two(void **state)
{
    (void)state;
    long parent[] = {-1, 0, 0, 4, 3, 2};
    long c = people_find_cycle(6, parent);
    assert_true(c == 3 || c == 4);
}

static void test_find_cycle_long_with_tail(void **state)
{
    (void)state;
    /* tail 0 -> 1 -> 2 -> 3, then the cycle 3 -> 4 -> 5 -> 6 -> 7 -> 3; node 0 is
     * walked first, so the walk enters the cycle from its tail. */
    long parent[] = {1, 2, 3, 4, 5, 6, 7, 3, -1, 8};
    long c = people_find_cycle(10, parent);
    assert_true(c >= 3 && c <= 7);
    assert_true(on_cycle(10, parent, c));
    /* the cycle after several acyclic trees, entered from a tail of higher index */
    long later[] = {-1, 0, 0, -1, 3, 7, 5, 8, 6, 5};
    c = people_find_cycle(10, later);
    assert_true(c >= 0);
    assert_true(on_cycle(10, later, c));
    assert_true(c == 5 || c == 6 || c == 7 || c == 8);
}

static void test_find_cycle_several_trees_and_random(void **state)
{
    (void)state;
    /* Random graphs against a brute-force check: a cycle exists iff some node is on one,
     * and the node returned must be on one. */
    unsigned long long seed = 0x9E3779B97F4A7C15ull;
    long parent[40];
    for (int round = 0; round < 5000; round++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        size_t n = 1 + (size_t)(seed % 40);
        int forest = round % 2 == 0;
        for (size_t i = 0; i < n; i++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            if (seed % 5 == 0)
                parent[i] = -1;
            else if (forest)
                parent[i] = i ? (long)(seed % i) : -1; /* manager has a lower index */
            else
                parent[i] = (long)((seed >> 8) % n);
        }
        int any = 0;
        for (size_t v = 0; v < n; v++)
            any |= on_cycle(n, parent, (long)v);
        long c = people_find_cycle(n, parent);
        if (forest) assert_false(any);
        if (!any) {
            assert_int_equal(c, -1);
        } else {
            assert_true(c >= 0 && (size_t)c < n);
            assert_true(on_cycle(n, parent, c));
        }
    }
    /* long: a chain of 200,000 ending in a cycle of two; no recursion, linear */
    size_t big = 200000;
    long *chain = xcalloc(big, sizeof *chain);
    for (size_t i = 0; i + 1 < big; i++)
        chain[i] = (long)i + 1;
    chain[big - 1] = (long)big - 2;
    long c = people_find_cycle(big, chain);
    assert_true(c == (long)big - 1 || c == (long)big - 2);
    chain[big - 1] = -1;
    assert_int_equal(people_find_cycle(big, chain), -1);
    free(chain);
}

/* ---- person_fields_check ---------------------------------------------------------------- */

static void expect_field_error(const struct person_fields *f, int creating, const char *field)
{
    struct err e;
    memset(&e, 0, sizeof e);
    e.field = "stale";
    int rc = person_fields_check(f, creating, &e);
    if (rc != REINS_EINVAL) fail_msg("want REINS_EINVAL naming %s, got %d (%s)", field, rc, e.msg);
    assert_non_null(e.field);
    assert_string_equal(e.field, field);
    assert_int_equal(e.code, REINS_EINVAL);
    assert_non_null(strstr(e.msg, field)); /* the message names it too */
}

static void test_fields_required_on_create(void **state)
{
    (void)state;
    struct person_fields f = {0};
    struct err e = {0};
    expect_field_error(&f, 1, "name");
    f.name = "Ann Lee";
    expect_field_error(&f, 1, "email");
    f.email = "ann@x.io";
    expect_field_error(&f, 1, "start_date");
    f.start_date = "2025-01-31";
    assert_int_equal(person_fields_check(&f, 1, &e), 0);
    /* only name missing: it is the one named */
    f.name = NULL;
    expect_field_error(&f, 1, "name");
    f.name = "Ann Lee";
    f.email = NULL;
    expect_field_error(&f, 1, "email");
    /* an update may give nothing at all */
    struct person_fields none = {0};
    assert_int_equal(person_fields_check(&none, 0, &e), 0);
    /* an empty name is not a name */
    struct person_fields blank = {0};
    blank.name = "  ";
    expect_field_error(&blank, 0, "name");
    blank.name = "";
    expect_field_error(&blank, 0, "name");
}

static void test_fields_bad_email(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",           "ann",          "ann@",       "@x.io",     "ann@x",     "ann@@x.io",
        "ann@x@y.io", "ann lee@x.io", "ann@x.io.",  "ann@.x.io", "a\tb@x.io", "ann\n@x.io",
        "a,b@x.io",   "\"a\"@x.io",   "<ann@x.io>", " ann@x.io",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct person_fields f = new_fields("Ann", bad[i], 0, 0, NULL);
        expect_field_error(&f, 1, "email");
        struct person_fields u = {0};
        u.email = bad[i];
        expect_field_error(&u, 0, "email");
    }
    char longmail[300];
    memset(longmail, 'a', 260);
    memcpy(longmail + 250, "@x.io", 6);
    struct person_fields f = new_fields("Ann", longmail, 0, 0, NULL);
    expect_field_error(&f, 1, "email");
    struct err e = {0};
    f.email = "Ann.Lee+west@Example.COM";
    assert_int_equal(person_fields_check(&f, 1, &e), 0);
}

static void test_fields_bad_date(void **state)
{
    (void)state;
    static const char *const bad[] = {"2026-02-30", "2026-13-01",  "2026-1-1",   "2026-00-10",
                                      "2026-04-31", "2025-02-29",  "1899-12-31", "26-01-01",
                                      "2026/01/01", "2026-01-01 ", "2026-01-0x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct person_fields f = new_fields("Ann", "ann@x.io", 0, 0, NULL);
        f.start_date = bad[i];
        expect_field_error(&f, 1, "start_date");
        struct person_fields u = {0};
        u.start_date = bad[i];
        expect_field_error(&u, 0, "start_date");
    }
    static const char *const good[] = {"2024-02-29", "2000-02-29", "2026-12-31", "1900-01-01"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct person_fields f = new_fields("Ann", "ann@x.io", 0, 0, NULL);
        f.start_date = good[i];
        struct err e = {0};
        if (person_fields_check(&f, 1, &e) != 0) fail_msg("%s refused: %s", good[i], e.msg);
    }
}

static void test_fields_bad_status(void **state)
{
    (void)state;
    static const char *const bad[] = {"gone", "Active", "ACTIVE", "", "active ", "retired"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct person_fields f = new_fields("Ann", "ann@x.io", 0, 0, bad[i]);
        expect_field_error(&f, 1, "status");
        struct person_fields u = {0};
        u.status = bad[i];
        expect_field_error(&u, 0, "status");
    }
    static const char *const good[] = {"active", "leaving", "left"};
    for (size_t i = 0; i < 3; i++) {
        struct person_fields f = new_fields("Ann", "ann@x.io", 0, 0, good[i]);
        struct err e = {0};
        assert_int_equal(person_fields_check(&f, 1, &e), 0);
        assert_int_equal(person_status_valid(good[i]), 1);
    }
    assert_int_equal(person_status_valid(NULL), 0);
}

static void test_fields_control_characters(void **state)
{
    (void)state;
    static const char *const bad[] = {"Ann\tLee", "Ann\nLee", "Ann\rLee",
                                      "\001Ann",  "Ann\x7f",  "Ann\x1b[31m"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct person_fields f = new_fields(bad[i], "ann@x.io", 0, 0, NULL);
        expect_field_error(&f, 1, "name");
        struct person_fields t = new_fields("Ann", "ann@x.io", 0, 0, NULL);
        t.title = bad[i];
        expect_field_error(&t, 1, "title");
        struct person_fields u = {0};
        u.title = bad[i];
        expect_field_error(&u, 0, "title");
    }
    /* lengths: 200 bytes is the most */
    char name[PERSON_NAME_MAX + 2];
    memset(name, 'n', sizeof name);
    name[PERSON_NAME_MAX] = '\0';
    struct person_fields f = new_fields(name, "ann@x.io", 0, 0, NULL);
    struct err e = {0};
    assert_int_equal(person_fields_check(&f, 1, &e), 0);
    name[PERSON_NAME_MAX] = 'n';
    name[PERSON_NAME_MAX + 1] = '\0';
    expect_field_error(&f, 1, "name");
    /* an empty title is allowed (no title), non-ASCII text is fine */
    struct person_fields ok = new_fields("Zoë Ångström, Jr.", "zoe@x.io", 0, 0, NULL);
    ok.title = "";
    assert_int_equal(person_fields_check(&ok, 1, &e), 0);
}

/* Regression (failed before 1005501): text_check, which person_fields_check uses for
 * name and title, refused only the C0 controls and DEL; the C1 controls U+0080..U+009F
 * (valid UTF-8, e.g. U+0085 NEXT LINE, U+009B CSI) passed, though text.h promises "no
 * control characters". */
static void test_fields_c1_control_characters(void **state)
{
    (void)state;
    static const char *const bad[] = {"Ann\xC2\x85Lee", "Ann\302\23331mLee", "\xC2\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct person_fields f = new_fields(bad[i], "ann@x.io", 0, 0, NULL);
        expect_field_error(&f, 1, "name");
        struct person_fields t = new_fields("Ann", "ann@x.io", 0, 0, NULL);
        t.title = bad[i];
        expect_field_error(&t, 1, "title");
    }
}

/* A name or title a spreadsheet would run as a formula when it opens an export. */
static void test_fields_formula_start(void **state)
{
    (void)state;
    static const char *const bad[] = {"=HYPERLINK(\"http://x\")", "+1 seller", "-2", "@SUM(A1)",
                                      " =cmd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct person_fields f = new_fields(bad[i], "ann@x.io", 0, 0, NULL);
        expect_field_error(&f, 1, "name");
        struct person_fields t = {0};
        t.title = bad[i];
        expect_field_error(&t, 0, "title");
    }
    /* inside the text they are harmless */
    struct person_fields ok = new_fields("Ann = Lee-Smith @ East", "ann@x.io", 0, 0, NULL);
    ok.title = "VP + Sales";
    struct err e = {0};
    assert_int_equal(person_fields_check(&ok, 1, &e), 0);
}

/* ---- create / get / update ---------------------------------------------------------------- */

static void test_create_and_get(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t team = 0;
    assert_int_equal(teams_create(db, "East", &team, &e), 0);
    int64_t boss = add_person(db, "Boss Person", "boss@x.io", 0, 0, NULL);
    struct person_fields f = new_fields("Ann Lee", "Ann.Lee@Example.COM", boss, team, "leaving");
    f.title = "Account Executive";
    f.start_date = "2024-02-29";
    int64_t id = 0;
    assert_int_equal(people_create(db, &f, &id, &e), 0);
    assert_true(id > 0 && id != boss);
    struct person p;
    assert_int_equal(people_get(db, id, &a, &p, &e), 0);
    assert_int_equal(p.id, id);
    assert_string_equal(p.name, "Ann Lee");
    assert_string_equal(p.email, "ann.lee@example.com"); /* stored lower-cased */
    assert_string_equal(p.title, "Account Executive");
    assert_int_equal(p.manager_id, boss);
    assert_int_equal(p.team_id, team);
    assert_non_null(p.team);
    assert_string_equal(p.team, "East");
    assert_string_equal(p.start_date, "2024-02-29");
    assert_string_equal(p.status, "leaving");
    assert_int_equal(p.depth, 0);
    /* defaults: no title, active, no manager, no team */
    assert_int_equal(people_get(db, boss, &a, &p, &e), 0);
    assert_string_equal(p.title, "");
    assert_string_equal(p.status, "active");
    assert_int_equal(p.manager_id, 0);
    assert_int_equal(p.team_id, 0);
    assert_null(p.team);
    /* nobody there */
    err_clear(&e);
    assert_int_equal(people_get(db, id + 100, &a, &p, &e), REINS_ENOTFOUND);
    assert_int_equal(e.code, REINS_ENOTFOUND);
    /* invalid fields are refused before anything is written */
    struct person_fields bad = new_fields("X", "x@x.io", 0, 0, NULL);
    bad.start_date = "2026-02-30";
    err_clear(&e);
    assert_int_equal(people_create(db, &bad, &id, &e), REINS_EINVAL);
    assert_string_equal(e.field, "start_date");
    assert_int_equal(count_people(db), 2);
    arena_release(&a);
    testdb_close(db);
}

static void test_create_duplicate_email(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t ann = add_person(db, "Ann", "ann@x.io", 0, 0, NULL);
    int64_t bob = add_person(db, "Bob", "bob@x.io", 0, 0, NULL);
    char *before = dump_db(db);
    static const char *const dups[] = {"ann@x.io", "ANN@X.IO", "Ann@x.io"};
    for (size_t i = 0; i < 3; i++) {
        struct person_fields f = new_fields("Other Ann", dups[i], 0, 0, NULL);
        int64_t id = -7;
        err_clear(&e);
        assert_int_equal(people_create(db, &f, &id, &e), REINS_ECONFLICT);
        assert_non_null(e.field);
        assert_string_equal(e.field, "email");
        assert_non_null(strstr(e.msg, "ann@x.io"));
    }
    /* an update to someone else's email, in any case */
    struct person_fields u = {0};
    u.email = "ANN@x.io";
    u.name = "Bob Renamed";
    err_clear(&e);
    assert_int_equal(people_update(db, bob, &u, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "email");
    char *after = dump_db(db);
    assert_string_equal(before, after); /* the rename was rolled back too */
    /* one's own email, in another case, is no conflict; it is stored lower-cased */
    u.email = "ANN@X.IO";
    u.name = NULL;
    assert_int_equal(people_update(db, ann, &u, &e), 0);
    u.email = "Bob.New@X.IO";
    assert_int_equal(people_update(db, bob, &u, &e), 0);
    assert_int_equal(id_of(db, "bob.new@x.io"), bob);
    assert_false(has_email(db, "Bob.New@X.IO"));
    assert_int_equal(count_people(db), 2);
    free(before);
    free(after);
    testdb_close(db);
}

static void test_create_unknown_references(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t id = 0;
    struct person_fields f = new_fields("Ann", "ann@x.io", 999, 0, NULL);
    assert_int_equal(people_create(db, &f, &id, &e), REINS_EINVAL);
    assert_non_null(e.field);
    assert_string_equal(e.field, "manager_id");
    f = new_fields("Ann", "ann@x.io", 0, 999, NULL);
    err_clear(&e);
    assert_int_equal(people_create(db, &f, &id, &e), REINS_EINVAL);
    assert_non_null(e.field);
    assert_string_equal(e.field, "team_id");
    assert_int_equal(count_people(db), 0);
    /* and on update */
    int64_t ann = add_person(db, "Ann", "ann@x.io", 0, 0, NULL);
    struct person_fields u = {0};
    u.has_manager = 1;
    u.manager_id = ann + 50;
    err_clear(&e);
    assert_int_equal(people_update(db, ann, &u, &e), REINS_EINVAL);
    assert_string_equal(e.field, "manager_id");
    struct person_fields t = {0};
    t.has_team = 1;
    t.team_id = 4242;
    err_clear(&e);
    assert_int_equal(people_update(db, ann, &t, &e), REINS_EINVAL);
    assert_string_equal(e.field, "team_id");
    testdb_close(db);
}

/* Regression (failed before 1005501): people_create bound manager_id and team_id whether
 * or not has_manager / has_team was set, while check_refs skipped them when it was not;
 * people.h says "has_* 0 means not given". A real id became the manager unchecked; a
 * missing one failed on the foreign key as REINS_EINVAL naming no field. */
static void test_create_has_unset_means_not_given(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t boss = add_person(db, "Boss", "boss@x.io", 0, 0, NULL);
    int64_t team = 0;
    assert_int_equal(teams_create(db, "East", &team, &e), 0);
    struct person_fields f = new_fields("Ann", "ann@x.io", 0, 0, NULL);
    f.manager_id = boss; /* has_manager and has_team stay 0: not given */
    f.team_id = team;
    int64_t id = 0;
    int rc1 = people_create(db, &f, &id, &e);
    struct person p = {0};
    if (rc1 == 0) assert_int_equal(people_get(db, id, &a, &p, &e), 0);
    /* an id that is not given is not checked either */
    struct person_fields g = new_fields("Bob", "bob@x.io", 0, 0, NULL);
    g.manager_id = boss + 100;
    struct err e2 = {0};
    int rc2 = people_create(db, &g, &id, &e2);
    int64_t manager = p.manager_id, team_id = p.team_id;
    arena_release(&a);
    testdb_close(db); /* before asserting, so that the failure leaks nothing */
    if (rc1 != 0) fail_msg("create: %d %s", rc1, e.msg);
    if (manager != 0 || team_id != 0)
        fail_msg("has_manager = has_team = 0, yet manager_id %lld and team_id %lld were written",
                 (long long)manager, (long long)team_id);
    if (rc2 != 0)
        fail_msg("create with an unchecked manager_id: %d (field %s) %s", rc2,
                 e2.field ? e2.field : "none", e2.msg);
}

static void test_update_self_manager(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t boss = add_person(db, "Boss", "boss@x.io", 0, 0, NULL);
    int64_t ann = add_person(db, "Ann", "ann@x.io", boss, 0, NULL);
    char *before = dump_db(db);
    struct person_fields u = {0};
    u.has_manager = 1;
    u.manager_id = ann;
    u.title = "Changed";
    assert_int_equal(people_update(db, ann, &u, &e), REINS_EINVAL);
    assert_non_null(e.field);
    assert_string_equal(e.field, "manager_id");
    char *after = dump_db(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    testdb_close(db);
}

static void test_update_cycle_refused(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    /* A <- B <- C: B reports to A, C to B */
    int64_t a = add_person(db, "Alice", "a@x.io", 0, 0, NULL);
    int64_t b = add_person(db, "Bert", "b@x.io", a, 0, NULL);
    int64_t c = add_person(db, "Cleo", "c@x.io", b, 0, NULL);
    char *before = dump_db(db);
    struct person_fields u = {0};
    u.has_manager = 1;
    u.manager_id = c;
    u.name = "Alice Renamed";
    assert_int_equal(people_update(db, a, &u, &e), REINS_EINVAL);
    assert_non_null(e.field);
    assert_string_equal(e.field, "manager_id");
    assert_non_null(strstr(e.msg, "cycle"));
    char *after = dump_db(db);
    assert_string_equal(before, after);
    free(after);
    /* a two-cycle, too */
    u.manager_id = b;
    err_clear(&e);
    assert_int_equal(people_update(db, a, &u, &e), REINS_EINVAL);
    assert_string_equal(e.field, "manager_id");
    u.manager_id = c;
    err_clear(&e);
    assert_int_equal(people_update(db, b, &u, &e), REINS_EINVAL);
    assert_string_equal(e.field, "manager_id");
    after = dump_db(db);
    assert_string_equal(before, after);
    assert_int_equal(manager_of(db, a), 0);
    assert_int_equal(manager_of(db, b), a);
    assert_int_equal(manager_of(db, c), b);
    free(before);
    free(after);
    testdb_close(db);
}

static void test_update_move_and_clear(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena ar = ARENA_INIT;
    int64_t a = add_person(db, "Alice", "a@x.io", 0, 0, NULL);
    int64_t b = add_person(db, "Bert", "b@x.io", a, 0, NULL);
    int64_t c = add_person(db, "Cleo", "c@x.io", b, 0, NULL);
    int64_t team = 0;
    assert_int_equal(teams_create(db, "West", &team, &e), 0);
    /* move C from B to A */
    set_manager(db, c, a);
    assert_int_equal(manager_of(db, c), a);
    struct person *v;
    size_t n;
    assert_int_equal(people_subtree(db, b, &ar, &v, &n, &e), 0);
    assert_int_equal(n, 0);
    /* now that C is not below B, B may report to C */
    set_manager(db, b, c);
    assert_int_equal(manager_of(db, b), c);
    /* an update that does not mention the manager keeps it */
    struct person_fields u = {0};
    u.title = "Director";
    u.has_team = 1;
    u.team_id = team;
    assert_int_equal(people_update(db, b, &u, &e), 0);
    struct person p;
    assert_int_equal(people_get(db, b, &ar, &p, &e), 0);
    assert_int_equal(p.manager_id, c);
    assert_string_equal(p.title, "Director");
    assert_int_equal(p.team_id, team);
    assert_string_equal(p.name, "Bert");
    assert_string_equal(p.email, "b@x.io");
    assert_string_equal(p.status, "active");
    /* clear the manager and the team: has_* with 0 */
    struct person_fields clr = {0};
    clr.has_manager = 1;
    clr.has_team = 1;
    assert_int_equal(people_update(db, b, &clr, &e), 0);
    assert_int_equal(people_get(db, b, &ar, &p, &e), 0);
    assert_int_equal(p.manager_id, 0);
    assert_int_equal(p.team_id, 0);
    assert_null(p.team);
    assert_string_equal(p.title, "Director");
    /* the other fields */
    struct person_fields all = {0};
    all.name = "Cleo Ray";
    all.email = "Cleo.Ray@X.io";
    all.start_date = "2020-02-29";
    all.status = "left";
    assert_int_equal(people_update(db, c, &all, &e), 0);
    assert_int_equal(people_get(db, c, &ar, &p, &e), 0);
    assert_string_equal(p.name, "Cleo Ray");
    assert_string_equal(p.email, "cleo.ray@x.io");
    assert_string_equal(p.start_date, "2020-02-29");
    assert_string_equal(p.status, "left");
    assert_int_equal(p.manager_id, a);
    arena_release(&ar);
    testdb_close(db);
}

static void test_update_not_found(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t a = add_person(db, "Alice", "a@x.io", 0, 0, NULL);
    char *before = dump_db(db);
    struct person_fields u = {0};
    u.name = "Ghost";
    assert_int_equal(people_update(db, a + 1000, &u, &e), REINS_ENOTFOUND);
    /* even when the new manager is a real person */
    u.has_manager = 1;
    u.manager_id = a;
    err_clear(&e);
    assert_int_equal(people_update(db, a + 1000, &u, &e), REINS_ENOTFOUND);
    /* an update of nothing at all, of someone who does not exist */
    struct person_fields none = {0};
    err_clear(&e);
    assert_int_equal(people_update(db, a + 1000, &none, &e), REINS_ENOTFOUND);
    char *after = dump_db(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    testdb_close(db);
}

/* Two connections move two people under each other at the same time: one move
 * may win, never both (that would be a cycle). */
struct mover {
    const char *url;
    int64_t id, manager;
    int rc;
    char msg[512];
};

static void *mover_run(void *arg)
{
    struct mover *m = arg;
    struct store *s;
    struct err e = {0};
    if (store_open(m->url, &s, &e) < 0) {
        m->rc = e.code ? e.code : REINS_ESTORE;
        snprintf(m->msg, sizeof m->msg, "%s", e.msg);
        return NULL;
    }
    struct person_fields f = {0};
    f.has_manager = 1;
    f.manager_id = m->manager;
    m->rc = people_update(s, m->id, &f, &e);
    snprintf(m->msg, sizeof m->msg, "%s", e.msg);
    store_close(s);
    return NULL;
}

static void test_concurrent_moves_make_no_cycle(void **state)
{
    struct store *db = testdb_open(state);
    int64_t a = add_person(db, "Alice", "a@x.io", 0, 0, NULL);
    int64_t b = add_person(db, "Bert", "b@x.io", 0, 0, NULL);
    for (int round = 0; round < 30; round++) {
        struct person_fields clr = {0};
        clr.has_manager = 1;
        struct err e = {0};
        assert_int_equal(people_update(db, a, &clr, &e), 0);
        assert_int_equal(people_update(db, b, &clr, &e), 0);
        struct mover m1 = {testdb_last_url(), a, b, 1, ""}, m2 = {testdb_last_url(), b, a, 1, ""};
        pthread_t t1, t2;
        assert_int_equal(pthread_create(&t1, NULL, mover_run, &m1), 0);
        assert_int_equal(pthread_create(&t2, NULL, mover_run, &m2), 0);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
        if (m1.rc == 0 && m2.rc == 0) fail_msg("round %d: both moves succeeded", round);
        assert_true(m1.rc == 0 || m1.rc == REINS_EINVAL);
        assert_true(m2.rc == 0 || m2.rc == REINS_EINVAL);
        assert_false(manager_of(db, a) == b && manager_of(db, b) == a);
    }
    testdb_close(db);
}

/* ---- visibility ---------------------------------------------------------------------------- */

/* VP -> M1 -> S1, S2 and VP -> M2 -> S3. Names sort (in any collation) in the order
 * VP, M1, M2, S1, S2, S3; ids are given in another order so that sorting shows. */
struct org {
    int64_t vp, m1, m2, s1, s2, s3;
    int64_t east, west;
};

static struct org make_org(struct store *db)
{
    struct org o;
    struct err e = {0};
    if (teams_create(db, "East", &o.east, &e) < 0) fail_msg("%s", e.msg);
    if (teams_create(db, "West", &o.west, &e) < 0) fail_msg("%s", e.msg);
    o.vp = add_person(db, "Ada Vance", "vp@x.io", 0, 0, NULL);
    o.m2 = add_person(db, "Cora Mills", "m2@x.io", o.vp, o.west, NULL);
    o.s3 = add_person(db, "Finn Shaw", "s3@x.io", o.m2, o.west, NULL);
    o.m1 = add_person(db, "Ben Moss", "m1@x.io", o.vp, o.east, NULL);
    o.s2 = add_person(db, "Eva Sand", "s2@x.io", o.m1, o.east, "leaving");
    o.s1 = add_person(db, "Dan Sell", "s1@x.io", o.m1, o.east, NULL);
    return o;
}

static void expect_list(struct store *db, const struct principal *who,
                        const struct people_filter *f, const int64_t *want, size_t nwant)
{
    struct arena a = ARENA_INIT;
    struct person *v = NULL;
    size_t n = 99;
    struct err e = {0};
    struct people_filter any = {0};
    if (people_list(db, who, f ? f : &any, &a, &v, &n, &e) < 0) fail_msg("list: %s", e.msg);
    assert_people(v, n, want, nwant);
    arena_release(&a);
}

static void test_list_visibility(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    const int64_t all[] = {o.vp, o.m1, o.m2, o.s1, o.s2, o.s3};
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    expect_list(db, &admin, NULL, all, 6);
    struct principal admin_person = fixture_principal(ROLE_ADMIN, o.s3);
    expect_list(db, &admin_person, NULL, all, 6);
    struct principal vp = fixture_principal(ROLE_MANAGER, o.vp);
    expect_list(db, &vp, NULL, all, 6);
    struct principal m1 = fixture_principal(ROLE_MANAGER, o.m1);
    expect_list(db, &m1, NULL, (const int64_t[]){o.m1, o.s1, o.s2}, 3);
    struct principal m2 = fixture_principal(ROLE_MANAGER, o.m2);
    expect_list(db, &m2, NULL, (const int64_t[]){o.m2, o.s3}, 2);
    /* a manager with nobody below sees themself */
    struct principal lone_manager = fixture_principal(ROLE_MANAGER, o.s1);
    expect_list(db, &lone_manager, NULL, (const int64_t[]){o.s1}, 1);
    struct principal seller = fixture_principal(ROLE_SELLER, o.s2);
    expect_list(db, &seller, NULL, (const int64_t[]){o.s2}, 1);
    /* a seller whose person is a manager in the tree still sees only themself */
    struct principal seller_m1 = fixture_principal(ROLE_SELLER, o.m1);
    expect_list(db, &seller_m1, NULL, (const int64_t[]){o.m1}, 1);
    struct principal nobody_seller = fixture_principal(ROLE_SELLER, 0);
    expect_list(db, &nobody_seller, NULL, NULL, 0);
    struct principal nobody_manager = fixture_principal(ROLE_MANAGER, 0);
    expect_list(db, &nobody_manager, NULL, NULL, 0);
    struct principal anonymous = fixture_principal(ROLE_NONE, 0);
    anonymous.user_id = 0;
    expect_list(db, &anonymous, NULL, NULL, 0);
    /* moving M2 under M1 widens M1's view */
    set_manager(db, o.m2, o.m1);
    expect_list(db, &m1, NULL, (const int64_t[]){o.m1, o.m2, o.s1, o.s2, o.s3}, 5);
    testdb_close(db);
}

/* Regression (failed before 1005501): people_list bounded the list only for ROLE_MANAGER
 * and ROLE_SELLER; any other non-admin role with a person_id (ROLE_NONE, as role_parse
 * gives for an unknown role) got root = 0 and only = 0, which is "everyone", while
 * access_can_see_person let the same principal see only themself. */
static void test_list_unknown_role_sees_no_more_than_access_allows(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct principal odd = fixture_principal(ROLE_NONE, o.s1);
    struct err e = {0};
    const int64_t everyone[] = {o.vp, o.m1, o.m2, o.s1, o.s2, o.s3};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(access_can_see_person(db, &odd, everyone[i], &e), everyone[i] == o.s1);
    /* deny by default: at most what access_can_see_person allows */
    struct arena a = ARENA_INIT;
    struct person *v = NULL;
    size_t n = 0;
    struct people_filter any = {0};
    assert_int_equal(people_list(db, &odd, &any, &a, &v, &n, &e), 0);
    int64_t first = n ? v[0].id : 0;
    arena_release(&a);
    testdb_close(db); /* before asserting, so that the failure leaks nothing */
    if (n != 1 || first != o.s1)
        fail_msg("a ROLE_NONE principal with person %lld is listed %zu people, want 1",
                 (long long)o.s1, n);
}

static void test_list_filters(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    struct principal vp = fixture_principal(ROLE_MANAGER, o.vp);
    struct principal m1 = fixture_principal(ROLE_MANAGER, o.m1);
    struct principal m2 = fixture_principal(ROLE_MANAGER, o.m2);
    struct principal s1 = fixture_principal(ROLE_SELLER, o.s1);
    struct people_filter f = {0};
    f.status = "leaving";
    expect_list(db, &admin, &f, (const int64_t[]){o.s2}, 1);
    expect_list(db, &m1, &f, (const int64_t[]){o.s2}, 1);
    expect_list(db, &m2, &f, NULL, 0);
    expect_list(db, &s1, &f, NULL, 0);
    f.status = "active";
    expect_list(db, &admin, &f, (const int64_t[]){o.vp, o.m1, o.m2, o.s1, o.s3}, 5);
    f.status = "left";
    expect_list(db, &admin, &f, NULL, 0);
    memset(&f, 0, sizeof f);
    f.team_id = o.east;
    expect_list(db, &admin, &f, (const int64_t[]){o.m1, o.s1, o.s2}, 3);
    expect_list(db, &m2, &f, NULL, 0);
    f.team_id = o.west;
    expect_list(db, &vp, &f, (const int64_t[]){o.m2, o.s3}, 2);
    memset(&f, 0, sizeof f);
    f.manager_id = o.m1;
    expect_list(db, &admin, &f, (const int64_t[]){o.s1, o.s2}, 2);
    expect_list(db, &m1, &f, (const int64_t[]){o.s1, o.s2}, 2);
    expect_list(db, &m2, &f, NULL, 0);
    f.manager_id = o.vp;
    expect_list(db, &vp, &f, (const int64_t[]){o.m1, o.m2}, 2);
    /* filters combine */
    f.manager_id = o.m1;
    f.status = "active";
    f.team_id = o.east;
    expect_list(db, &admin, &f, (const int64_t[]){o.s1}, 1);
    expect_list(db, &s1, &f, (const int64_t[]){o.s1}, 1);
    f.team_id = o.west;
    expect_list(db, &admin, &f, NULL, 0);
    testdb_close(db);
}

static void test_subtree_depths(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct arena a = ARENA_INIT;
    struct person *v;
    size_t n;
    struct err e = {0};
    assert_int_equal(people_subtree(db, o.vp, &a, &v, &n, &e), 0);
    assert_people(v, n, (const int64_t[]){o.m1, o.m2, o.s1, o.s2, o.s3}, 5);
    const int depth[] = {1, 1, 2, 2, 2};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].depth, depth[i]);
    assert_string_equal(v[2].name, "Dan Sell");
    assert_string_equal(v[2].team, "East");
    assert_int_equal(v[2].manager_id, o.m1);
    assert_int_equal(people_subtree(db, o.m1, &a, &v, &n, &e), 0);
    assert_people(v, n, (const int64_t[]){o.s1, o.s2}, 2);
    assert_int_equal(v[0].depth, 1);
    assert_int_equal(v[1].depth, 1);
    assert_int_equal(people_subtree(db, o.s3, &a, &v, &n, &e), 0);
    assert_int_equal(n, 0);
    assert_int_equal(people_subtree(db, o.s3 + 100, &a, &v, &n, &e), 0);
    assert_int_equal(n, 0);
    /* one level deeper: S3 now under S1 */
    set_manager(db, o.s3, o.s1);
    assert_int_equal(people_subtree(db, o.vp, &a, &v, &n, &e), 0);
    assert_people(v, n, (const int64_t[]){o.m1, o.m2, o.s1, o.s2, o.s3}, 5);
    const int deeper[] = {1, 1, 2, 2, 3};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].depth, deeper[i]);
    /* depth first, then name: "Abe" sorts before everyone but stays at depth 2 */
    struct person_fields rename = {0};
    rename.name = "Abe Sand";
    assert_int_equal(people_update(db, o.s2, &rename, &e), 0);
    assert_int_equal(people_subtree(db, o.vp, &a, &v, &n, &e), 0);
    assert_people(v, n, (const int64_t[]){o.m1, o.m2, o.s2, o.s1, o.s3}, 5);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].depth, deeper[i]);
    arena_release(&a);
    testdb_close(db);
}

static void test_access_can_see_person(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct err e = {0};
    const int64_t people[] = {o.vp, o.m1, o.m2, o.s1, o.s2, o.s3};
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    struct principal vp = fixture_principal(ROLE_MANAGER, o.vp);
    struct principal m1 = fixture_principal(ROLE_MANAGER, o.m1);
    struct principal s1 = fixture_principal(ROLE_SELLER, o.s1);
    struct principal nobody = fixture_principal(ROLE_SELLER, 0);
    struct principal nobody_m = fixture_principal(ROLE_MANAGER, 0);
    struct principal seller_m1 = fixture_principal(ROLE_SELLER, o.m1);
    /* rows: admin, vp, m1, s1, nobody, nobody_m, seller_m1; columns: people[] */
    const struct principal *who[] = {&admin, &vp, &m1, &s1, &nobody, &nobody_m, &seller_m1};
    enum { NWHO = sizeof who / sizeof who[0] };
    static const int want[NWHO][6] = {
        {1, 1, 1, 1, 1, 1}, /* admin */
        {1, 1, 1, 1, 1, 1}, /* VP */
        {0, 1, 0, 1, 1, 0}, /* M1: not their manager, not M2's branch */
        {0, 0, 0, 1, 0, 0}, /* S1 */
        {0, 0, 0, 0, 0, 0}, /* seller without a person */
        {0, 0, 0, 0, 0, 0}, /* manager without a person */
        {0, 1, 0, 0, 0, 0}, /* a seller with reports: still only themself */
    };
    for (size_t i = 0; i < NWHO; i++)
        for (size_t j = 0; j < 6; j++) {
            int got = access_can_see_person(db, who[i], people[j], &e);
            if (got != want[i][j])
                fail_msg("principal %zu, person %zu: got %d, want %d", i, j, got, want[i][j]);
        }
    assert_int_equal(access_can_see_person(db, &m1, o.s3 + 100, &e), 0);
    assert_int_equal(access_is_at_or_above(db, o.vp, o.s3, &e), 1);
    assert_int_equal(access_is_at_or_above(db, o.s3, o.s3, &e), 1);
    assert_int_equal(access_is_at_or_above(db, o.s3, o.vp, &e), 0);
    assert_int_equal(access_is_at_or_above(db, o.m1, o.s3, &e), 0);
    /* the list and the check agree for every principal and person */
    for (size_t i = 0; i < NWHO; i++) {
        struct arena a = ARENA_INIT;
        struct person *v;
        size_t n;
        struct people_filter f = {0};
        assert_int_equal(people_list(db, who[i], &f, &a, &v, &n, &e), 0);
        for (size_t j = 0; j < 6; j++) {
            int listed = 0;
            for (size_t k = 0; k < n; k++)
                listed |= v[k].id == people[j];
            assert_int_equal(listed, want[i][j]);
        }
        arena_release(&a);
    }
    testdb_close(db);
}

/* ---- CSV import ---------------------------------------------------------------------------- */

static void test_import_good_file(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t old_team = 0;
    assert_int_equal(teams_create(db, "Existing Team", &old_team, &e), 0);
    /* columns out of order, header in odd case with blanks, CRLF; the managers of
     * lines 2 and 3 come later (line 5 and 6); "New Team" does not exist yet */
    const char *csv = "Start_Date, EMAIL ,Manager_Email,NAME,team,Title,STATUS\r\n"
                      "2025-01-06,Sam.Seller@X.io,mia@x.io,Sam Seller,New Team,AE,\r\n"
                      "2025-02-03,sue@x.io,MIA@X.IO,Sue Seller,New Team,,leaving\r\n"
                      "2024-12-01,ned@x.io,,Ned Nobody,Existing Team,,left\r\n"
                      "2024-01-02,mia@x.io,val@x.io,Mia Manager,New Team,Sales Manager,active\r\n"
                      "2023-05-05,val@x.io,,Val Vp,,VP Sales,\r\n";
    import_ok(db, csv, 5, 0);
    assert_int_equal(count_people(db), 5);
    assert_int_equal(count_teams(db), 2);
    int64_t sam = id_of(db, "sam.seller@x.io"), sue = id_of(db, "sue@x.io"),
            mia = id_of(db, "mia@x.io"), val = id_of(db, "val@x.io"), ned = id_of(db, "ned@x.io");
    struct person p;
    assert_int_equal(people_get(db, sam, &a, &p, &e), 0);
    assert_string_equal(p.name, "Sam Seller");
    assert_string_equal(p.title, "AE");
    assert_string_equal(p.start_date, "2025-01-06");
    assert_string_equal(p.status, "active");
    assert_int_equal(p.manager_id, mia);
    assert_string_equal(p.team, "New Team");
    int64_t new_team = p.team_id;
    assert_true(new_team > 0 && new_team != old_team);
    assert_int_equal(people_get(db, sue, &a, &p, &e), 0);
    assert_int_equal(p.manager_id, mia);
    assert_int_equal(p.team_id, new_team);
    assert_string_equal(p.status, "leaving");
    assert_string_equal(p.title, "");
    assert_int_equal(people_get(db, mia, &a, &p, &e), 0);
    assert_int_equal(p.manager_id, val);
    assert_string_equal(p.title, "Sales Manager");
    assert_int_equal(people_get(db, val, &a, &p, &e), 0);
    assert_int_equal(p.manager_id, 0);
    assert_int_equal(p.team_id, 0);
    assert_string_equal(p.status, "active");
    assert_int_equal(people_get(db, ned, &a, &p, &e), 0);
    assert_int_equal(p.team_id, old_team);
    assert_string_equal(p.status, "left");
    struct person *v;
    size_t n;
    assert_int_equal(people_subtree(db, val, &a, &v, &n, &e), 0);
    assert_people(v, n, (const int64_t[]){mia, sam, sue}, 3);
    assert_int_equal(v[2].depth, 2);
    /* a file of only a header, or with a BOM, imports nothing and is fine */
    import_ok(db, "name,email,start_date\r\n", 0, 0);
    import_ok(db, "\xEF\xBB\xBFname,email,start_date\nBom Person,bom@x.io,2025-01-01\n", 1, 0);
    assert_true(has_email(db, "bom@x.io"));
    arena_release(&a);
    testdb_close(db);
}

static void test_import_update(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    int64_t keep = add_person(db, "Not In File", "keep@x.io", 0, 0, NULL);
    int64_t old = add_person(db, "Old Name", "old@x.io", keep, 0, NULL);
    const char *v1 = "name,email,title,manager_email,team,start_date,status\n"
                     "Ann Boss,ann@x.io,VP,,Alpha,2024-01-01,active\n"
                     "Bob Rep,bob@x.io,AE,ann@x.io,Alpha,2024-02-01,active\n"
                     "Cat Rep,cat@x.io,AE,ann@x.io,Alpha,2024-03-01,\n";
    import_ok(db, v1, 3, 0);
    int64_t ann = id_of(db, "ann@x.io"), bob = id_of(db, "bob@x.io"), cat = id_of(db, "cat@x.io");
    char *before_keep = NULL;
    struct person p;
    assert_int_equal(people_get(db, keep, &a, &p, &e), 0);
    before_keep = arena_printf(&a, "%s|%s|%lld", p.name, p.status, (long long)p.manager_id);
    /* the second file: new values for everyone, an email in upper case, one new person,
     * a known person (old@) who was created another way; emails are the key */
    const char *v2 = "email,name,title,manager_email,team,start_date,status\n"
                     "ANN@X.IO,Ann Boss-Smith,SVP,,Beta,2024-01-15,active\n"
                     "bob@x.io,Bob Rep,Senior AE,cat@x.io,Beta,2024-02-01,leaving\n"
                     "cat@x.io,Cat Rep,Manager,ann@x.io,,2024-03-01,active\n"
                     "dan@x.io,Dan New,AE,cat@x.io,Beta,2025-01-01,\n"
                     "old@x.io,New Name,,ann@x.io,,2019-09-09,left\n";
    import_ok(db, v2, 1, 4);
    assert_int_equal(count_people(db), 6);
    assert_int_equal(id_of(db, "ann@x.io"), ann); /* same rows, not new ones */
    assert_int_equal(id_of(db, "bob@x.io"), bob);
    assert_int_equal(id_of(db, "old@x.io"), old);
    int64_t dan = id_of(db, "dan@x.io");
    assert_int_equal(people_get(db, ann, &a, &p, &e), 0);
    assert_string_equal(p.name, "Ann Boss-Smith");
    assert_string_equal(p.title, "SVP");
    assert_string_equal(p.team, "Beta");
    assert_string_equal(p.start_date, "2024-01-15");
    assert_string_equal(p.email, "ann@x.io");
    assert_int_equal(people_get(db, bob, &a, &p, &e), 0);
    assert_string_equal(p.title, "Senior AE");
    assert_int_equal(p.manager_id, cat);
    assert_string_equal(p.status, "leaving");
    assert_int_equal(people_get(db, cat, &a, &p, &e), 0);
    assert_int_equal(p.team_id, 0); /* the file cleared the team */
    assert_string_equal(p.title, "Manager");
    assert_int_equal(people_get(db, dan, &a, &p, &e), 0);
    assert_int_equal(p.manager_id, cat);
    assert_int_equal(people_get(db, old, &a, &p, &e), 0);
    assert_string_equal(p.name, "New Name");
    assert_string_equal(p.status, "left");
    assert_string_equal(p.start_date, "2019-09-09");
    assert_int_equal(p.manager_id, ann);
    /* the person not in the file is untouched */
    assert_int_equal(people_get(db, keep, &a, &p, &e), 0);
    assert_string_equal(arena_printf(&a, "%s|%s|%lld", p.name, p.status, (long long)p.manager_id),
                        before_keep);
    arena_release(&a);
    testdb_close(db);
}

/* A file without an optional column leaves that field of known people as it
 * was: re-importing a narrow export must not wipe managers, teams or titles. */
static void test_import_absent_columns_keep_values(void **state)
{
    struct store *db = testdb_open(state);
    const char *full = "name,email,title,manager_email,team,start_date,status\n"
                       "Ann Boss,ann@x.io,VP,,Alpha,2024-01-01,active\n"
                       "Bob Rep,bob@x.io,AE,ann@x.io,Alpha,2024-02-01,leaving\n";
    import_ok(db, full, 2, 0);
    import_ok(db,
              "name,email,start_date\nAnn Renamed,ann@x.io,2024-01-01\n"
              "Bob Renamed,bob@x.io,2024-02-02\n",
              0, 2);
    char *out = export_text(db);
    assert_non_null(strstr(out, "Ann Renamed,ann@x.io,VP,,Alpha,2024-01-01,active"));
    assert_non_null(strstr(out, "Bob Renamed,bob@x.io,AE,ann@x.io,Alpha,2024-02-02,leaving"));
    free(out);
    /* a column that is there but empty does clear the field */
    import_ok(db, "name,email,start_date,team,manager_email\nBob Renamed,bob@x.io,2024-02-02,,\n",
              0, 1);
    out = export_text(db);
    assert_non_null(strstr(out, "Bob Renamed,bob@x.io,AE,,,2024-02-02,leaving"));
    free(out);
    testdb_close(db);
}

static void test_import_bad_lines_write_nothing(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    add_person(db, "Existing", "existing@x.io", 0, 0, NULL);
    char *before = dump_db(db);
    int64_t people_before = count_people(db), teams_before = count_teams(db);
    const char *csv = "name,email,start_date,status,manager_email,title,team\n"  /* 1 */
                      "Good One,good1@x.io,2025-01-01,active,,,Brand New Team\n" /* 2 */
                      "Bad Email,not-an-email,2025-01-01,,,,\n"                  /* 3 */
                      "Bad Date,bd@x.io,2026-02-30,,,,\n"                        /* 4 */
                      "Renamed,existing@x.io,2025-01-01,,good1@x.io,,\n"         /* 5 */
                      "Bad Status,bs@x.io,2025-01-01,retired,,,\n"               /* 6 */
                      ",en@x.io,2025-01-01,,,,\n"                                /* 7 */
                      "\n"                                                       /* 8 */
                      "Bad Month,bm@x.io,2026-13-01,,,,\n"                       /* 9 */
                      "Ctl,ctl@x.io,2025-01-01,,,VP\x01,\n"                      /* 10 */
                      "Short Date,sd@x.io,2026-1-1,,,,\n"                        /* 11 */
                      "Two Bad,two-bad,yesterday,,,,\n"                          /* 12 */
                      "Bad Manager,bmg@x.io,2025-01-01,,not an email,,\n"        /* 13 */
                      "Short Row,short@x.io\n"                                   /* 14 */
                      "Bad Team,bt@x.io,2025-01-01,,,,Team\002\n"                /* 15 */
                      "=cmd|' /C calc'!A0,fx@x.io,2025-01-01,,,,\n";             /* 16 */
    struct import_result res;
    assert_int_equal(import_text(db, csv, &res, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "people.csv"));
    assert_non_null(strstr(e.msg, "nothing was imported"));
    expect_problem(&res, 3, "email");
    expect_problem(&res, 4, "start_date");
    expect_problem(&res, 6, "status");
    expect_problem(&res, 7, "name");
    expect_problem(&res, 9, "start_date");
    expect_problem(&res, 10, "title");
    expect_problem(&res, 11, "start_date");
    expect_problem(&res, 12, "email");
    expect_problem(&res, 12, "start_date");
    expect_problem(&res, 13, "manager_email");
    expect_problem(&res, 14, "start_date");
    expect_problem(&res, 15, "team");
    expect_problem(&res, 16, "name");
    assert_int_equal(res.nproblems, 13);
    assert_null(problem_at(&res, 2, "team"));
    assert_null(problem_at(&res, 5, "manager_email"));
    for (size_t i = 0; i < res.nproblems; i++)
        assert_true(res.problems[i].message[0] != '\0');
    assert_non_null(strstr(expect_problem(&res, 4, "start_date")->message, "2026-02-30"));
    assert_int_equal(res.created, 0);
    assert_int_equal(res.updated, 0);
    import_result_release(&res);
    assert_int_equal(res.nproblems, 0);
    assert_null(res.problems);
    assert_int_equal(count_people(db), people_before);
    assert_int_equal(count_teams(db), teams_before);
    char *after = dump_db(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    testdb_close(db);
}

static void test_import_problem_limit(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct sb csv = SB_INIT;
    sb_adds(&csv, "name,email,start_date\n");
    for (int i = 0; i < 1500; i++)
        sb_addf(&csv, "P%d,p%d@x.io,2026-02-31\n", i, i);
    struct import_result res;
    assert_int_equal(import_text(db, csv.buf, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1000);
    assert_int_equal(res.problems[0].line, 2);
    assert_int_equal(res.problems[999].line, 1001);
    import_result_release(&res);
    assert_int_equal(count_people(db), 0);
    sb_release(&csv);
    testdb_close(db);
}

/* More than 100,000 people is refused before the database is touched. */
static void test_import_row_limit(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct sb csv = SB_INIT;
    sb_adds(&csv, "name,email,start_date\n");
    for (int i = 0; i < 100001; i++)
        sb_addf(&csv, "P,p%d@x.io,2025-01-01\n", i);
    struct import_result res;
    assert_int_equal(import_text(db, csv.buf, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    assert_non_null(strstr(res.problems[0].message, "rows"));
    assert_int_equal(res.created, 0);
    import_result_release(&res);
    assert_int_equal(count_people(db), 0);
    sb_release(&csv);
    testdb_close(db);
}

static void test_import_duplicate_email(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    const char *csv = "name,email,start_date\n"
                      "Ann,dup@x.io,2025-01-01\n"
                      "Bob,other@x.io,2025-01-01\n"
                      "Cat,DUP@x.io,2025-01-01\n";
    struct import_result res;
    assert_int_equal(import_text(db, csv, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    const struct import_problem *p = expect_problem(&res, 4, "email");
    assert_non_null(strstr(p->message, "line 2")); /* both lines are named */
    assert_non_null(strstr(p->message, "dup@x.io"));
    import_result_release(&res);
    assert_int_equal(count_people(db), 0);
    /* three times: each repeat is a problem */
    const char *thrice = "name,email,start_date\n"
                         "Ann,dup@x.io,2025-01-01\n"
                         "Cat,dup@x.io,2025-01-01\n"
                         "Bob,other@x.io,2025-01-01\n"
                         "Dee,Dup@X.io,2025-01-01\n";
    assert_int_equal(import_text(db, thrice, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 2);
    assert_non_null(strstr(expect_problem(&res, 3, "email")->message, "line 2"));
    expect_problem(&res, 5, "email");
    import_result_release(&res);
    assert_int_equal(count_people(db), 0);
    testdb_close(db);
}

static void test_import_unknown_manager(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    add_person(db, "Known Boss", "known@x.io", 0, 0, NULL);
    char *before = dump_db(db);
    const char *csv = "name,email,start_date,manager_email\n"
                      "Ann,ann@x.io,2025-01-01,KNOWN@x.io\n"  /* known in the database */
                      "Bob,bob@x.io,2025-01-01,nobody@x.io\n" /* nowhere */
                      "Cat,cat@x.io,2025-01-01,Ann@X.IO\n"    /* in the file */
                      "Dee,dee@x.io,2025-01-01,dee@x.io\n";   /* themself */
    struct import_result res;
    assert_int_equal(import_text(db, csv, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 2);
    assert_non_null(strstr(expect_problem(&res, 3, "manager_email")->message, "nobody@x.io"));
    expect_problem(&res, 5, "manager_email");
    import_result_release(&res);
    char *after = dump_db(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    testdb_close(db);
}

static void test_import_cycles(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t vp = add_person(db, "Vic", "vp@x.io", 0, 0, NULL);
    int64_t m = add_person(db, "Mo", "m@x.io", vp, 0, NULL);
    int64_t s = add_person(db, "Sy", "s@x.io", m, 0, NULL);
    char *before = dump_db(db);
    struct import_result res;
    /* the file makes the VP report to someone below them, known only in the database */
    const char *up = "email,name,start_date,manager_email\n"
                     "new@x.io,New,2025-01-01,\n"
                     "vp@x.io,Vic,2025-01-01,s@x.io\n";
    assert_int_equal(import_text(db, up, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    const struct import_problem *p = expect_problem(&res, 3, "manager_email");
    assert_non_null(strstr(p->message, "cycle"));
    assert_non_null(strstr(p->message, "vp@x.io"));
    import_result_release(&res);
    char *after = dump_db(db);
    assert_string_equal(before, after);
    free(after);
    /* a cycle through a new person of the file */
    const char *via_new = "email,name,start_date,manager_email\n"
                          "vp@x.io,Vic,2025-01-01,x@x.io\n"
                          "x@x.io,Xi,2025-01-01,m@x.io\n";
    assert_int_equal(import_text(db, via_new, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    assert_true(res.problems[0].line == 2 || res.problems[0].line == 3);
    assert_string_equal(res.problems[0].field, "manager_email");
    import_result_release(&res);
    /* a cycle inside the file */
    const char *inside = "email,name,start_date,manager_email\n"
                         "a@x.io,A,2025-01-01,c@x.io\n"
                         "b@x.io,B,2025-01-01,a@x.io\n"
                         "c@x.io,C,2025-01-01,b@x.io\n";
    assert_int_equal(import_text(db, inside, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    assert_true(res.problems[0].line >= 2 && res.problems[0].line <= 4);
    assert_non_null(strstr(res.problems[0].message, "cycle"));
    import_result_release(&res);
    after = dump_db(db);
    assert_string_equal(before, after);
    free(after);
    /* long emails in a cycle: the description is cut, not overrun */
    struct sb longs = SB_INIT;
    char l1[241], l2[241];
    memset(l1, 'a', 240);
    memset(l2, 'b', 240);
    memcpy(l1 + 233, "@x.io", 6);
    memcpy(l2 + 233, "@x.io", 6);
    sb_addf(&longs,
            "email,name,start_date,manager_email\n%s,L1,2025-01-01,%s\n%s,L2,2025-01-01,%s\n", l1,
            l2, l2, l1);
    assert_int_equal(import_text(db, longs.buf, &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    assert_non_null(strstr(res.problems[0].message, "cycle"));
    assert_true(strlen(res.problems[0].message) < sizeof res.problems[0].message);
    import_result_release(&res);
    sb_release(&longs);
    /* turning the tree over in one file is fine: the file's lines replace the known ones */
    const char *flip = "email,name,start_date,manager_email\n"
                       "vp@x.io,Vic,2025-01-01,m@x.io\n"
                       "m@x.io,Mo,2025-01-01,s@x.io\n"
                       "s@x.io,Sy,2025-01-01,\n";
    import_ok(db, flip, 0, 3);
    assert_int_equal(manager_of(db, vp), m);
    assert_int_equal(manager_of(db, m), s);
    assert_int_equal(manager_of(db, s), 0);
    free(before);
    testdb_close(db);
}

static void test_import_missing_columns(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct import_result res;
    assert_int_equal(import_text(db, "name,email,title\nAnn,ann@x.io,AE\n", &res, &e),
                     REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    const struct import_problem *p = expect_problem(&res, 1, "start_date");
    assert_non_null(strstr(p->message, "start_date"));
    import_result_release(&res);
    /* each missing column is a problem; the header need not be on line 1 */
    assert_int_equal(import_text(db, "\n\ntitle,team\nAE,East\n", &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 3);
    assert_non_null(strstr(expect_problem(&res, 3, "name")->message, "name"));
    assert_non_null(strstr(expect_problem(&res, 3, "email")->message, "email"));
    expect_problem(&res, 3, "start_date");
    import_result_release(&res);
    /* a near miss is not the column */
    assert_int_equal(import_text(db, "name,e-mail,start_date\nAnn,ann@x.io,2025-01-01\n", &res, &e),
                     REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    expect_problem(&res, 1, "email");
    import_result_release(&res);
    assert_int_equal(count_people(db), 0);
    assert_int_equal(count_teams(db), 0);
    testdb_close(db);
}

static void test_import_empty_and_malformed(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct import_result res;
    assert_int_equal(import_text(db, "", &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    assert_non_null(strstr(res.problems[0].message, "empty"));
    import_result_release(&res);
    assert_int_equal(import_text(db, "\r\n\n\r\n", &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    import_result_release(&res);
    /* NULL data with no length is an empty file too */
    err_clear(&e);
    assert_int_equal(people_import_csv(db, NULL, 0, "people.csv", &res, &e), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    import_result_release(&res);
    /* not CSV: an unterminated quote opened on line 3 */
    assert_int_equal(import_text(db,
                                 "name,email,start_date\nAnn,ann@x.io,2025-01-01\n"
                                 "\"Bob,bob@x.io,2025-01-01\n",
                                 &res, &e),
                     REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    assert_non_null(strstr(res.problems[0].message, "unterminated"));
    assert_non_null(strstr(res.problems[0].message, "line 3"));
    import_result_release(&res);
    /* a quote inside an unquoted field on line 4 (after a blank line 3): the problem
     * carries the line like every other one */
    assert_int_equal(import_text(db,
                                 "name,email,start_date\nAnn,ann@x.io,2025-01-01\n\n"
                                 "Bob,b\"ob@x.io,2025-01-01\n",
                                 &res, &e),
                     REINS_EINVAL);
    assert_int_equal(res.nproblems, 1);
    assert_non_null(strstr(res.problems[0].message, "quote"));
    if (res.problems[0].line != 4)
        fail_msg("problem on line %zu, want 4: %s", res.problems[0].line, res.problems[0].message);
    import_result_release(&res);
    assert_int_equal(count_people(db), 0);
    testdb_close(db);
}

static void test_import_quoted_fields_round_trip(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    const char *csv = "name,email,start_date,title,team\r\n"
                      "\"Lee, \"\"Jo\"\" Jr.\",jo@x.io,2025-01-01,\"VP, Sales \"\"West\"\"\","
                      "\"Sales, West\"\r\n"
                      "\" Padded \",pad@x.io,2025-01-02,\"\"\"\",Zoë's\r\n";
    import_ok(db, csv, 2, 0);
    struct person p;
    assert_int_equal(people_get(db, id_of(db, "jo@x.io"), &a, &p, &e), 0);
    assert_string_equal(p.name, "Lee, \"Jo\" Jr.");
    assert_string_equal(p.title, "VP, Sales \"West\"");
    assert_string_equal(p.team, "Sales, West");
    assert_int_equal(people_get(db, id_of(db, "pad@x.io"), &a, &p, &e), 0);
    assert_string_equal(p.name, " Padded ");
    assert_string_equal(p.title, "\"");
    assert_string_equal(p.team, "Zoë's");
    char *out = export_text(db);
    assert_string_equal(out, "name,email,title,manager_email,team,start_date,status\r\n"
                             "\"Lee, \"\"Jo\"\" Jr.\",jo@x.io,\"VP, Sales \"\"West\"\"\",,"
                             "\"Sales, West\",2025-01-01,active\r\n"
                             "\" Padded \",pad@x.io,\"\"\"\",,Zoë's,2025-01-02,active\r\n");
    /* the export reads back into the same database unchanged */
    import_ok(db, out, 0, 2);
    char *again = export_text(db);
    assert_string_equal(out, again);
    free(out);
    free(again);
    arena_release(&a);
    testdb_close(db);
}

static void test_export_reimport_same_bytes(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t east = 0, west = 0;
    assert_int_equal(teams_create(db, "East, Coast", &east, &e), 0);
    assert_int_equal(teams_create(db, "West", &west, &e), 0);
    /* reports created before their managers, so the export lists them first */
    int64_t rep = add_person(db, "Rae \"Rocket\" Ray", "rae@x.io", 0, east, "leaving");
    int64_t rep2 = add_person(db, "Sol Sun", "sol@x.io", 0, 0, "left");
    int64_t boss = add_person(db, "Bea Boss", "bea@x.io", 0, east, NULL);
    int64_t top = add_person(db, "Tom Top", "tom@x.io", 0, west, NULL);
    struct person_fields t = {0};
    t.title = "Head of Sales, EMEA";
    assert_int_equal(people_update(db, top, &t, &e), 0);
    set_manager(db, rep, boss);
    set_manager(db, rep2, boss);
    set_manager(db, boss, top);
    char *first = export_text(db);
    testdb_close(db);

    struct store *fresh = testdb_open(state);
    import_ok(fresh, first, 4, 0);
    char *second = export_text(fresh);
    assert_string_equal(first, second);
    /* and once more over itself */
    import_ok(fresh, second, 0, 4);
    char *third = export_text(fresh);
    assert_string_equal(first, third);
    assert_int_equal(count_teams(fresh), 2);
    free(first);
    free(second);
    free(third);
    testdb_close(fresh);
}

/* 5,000 people in five levels: 1, 10, 100, 1,000, 3,889. Person k of level L
 * reports to person k % size(L-1) of the level above, so team "Region j" (the
 * level-2 ancestor) is k % 10. Lines are shuffled: managers often come after. */
#define BIG_LEVELS 5
static const int big_size[BIG_LEVELS] = {1, 10, 100, 1000, 3889};

static char *big_csv(void)
{
    struct sb out = SB_INIT;
    int total = 0;
    for (int l = 0; l < BIG_LEVELS; l++)
        total += big_size[l];
    assert_int_equal(total, 5000);
    int *lvl = xcalloc((size_t)total, sizeof *lvl), *idx = xcalloc((size_t)total, sizeof *idx);
    int k = 0;
    for (int l = 0; l < BIG_LEVELS; l++)
        for (int i = 0; i < big_size[l]; i++, k++)
            lvl[k] = l, idx[k] = i;
    unsigned long long seed = 42;
    for (int i = total - 1; i > 0; i--) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int j = (int)((seed >> 33) % (unsigned long long)(i + 1));
        int tl = lvl[i], ti = idx[i];
        lvl[i] = lvl[j], idx[i] = idx[j];
        lvl[j] = tl, idx[j] = ti;
    }
    sb_adds(&out, "email,manager_email,name,team,start_date,title\n");
    for (int i = 0; i < total; i++) {
        int l = lvl[i], n = idx[i];
        sb_addf(&out, "p%d.%d@big.example,", l, n);
        if (l > 0) sb_addf(&out, "p%d.%d@big.example", l - 1, n % big_size[l - 1]);
        sb_addf(&out, ",Person %d-%d,", l, n);
        if (l > 0) sb_addf(&out, "Region %d", n % 10);
        sb_addf(&out, ",20%02d-%02d-%02d,Level %d\n", 10 + l, 1 + n % 12, 1 + n % 28, l + 1);
    }
    free(lvl);
    free(idx);
    return sb_detach(&out);
}

static void test_import_large(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    struct arena a = ARENA_INIT;
    char *csv = big_csv();
    import_ok(db, csv, 5000, 0);
    assert_int_equal(count_people(db), 5000);
    assert_int_equal(count_teams(db), 10);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM people WHERE manager_id IS NULL"), 1);
    int64_t top = id_of(db, "p0.0@big.example");
    struct person *v;
    size_t n;
    assert_int_equal(people_subtree(db, top, &a, &v, &n, &e), 0);
    assert_int_equal(n, 4999);
    int per_depth[BIG_LEVELS + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        assert_true(v[i].depth >= 1 && v[i].depth < BIG_LEVELS);
        per_depth[v[i].depth]++;
        if (i) assert_true(v[i - 1].depth <= v[i].depth);
    }
    for (int l = 1; l < BIG_LEVELS; l++)
        assert_int_equal(per_depth[l], big_size[l]);
    /* a region manager sees themself, 10, 100 and 389 below */
    struct principal region = fixture_principal(ROLE_MANAGER, id_of(db, "p1.3@big.example"));
    struct people_filter f = {0};
    assert_int_equal(people_list(db, &region, &f, &a, &v, &n, &e), 0);
    assert_int_equal(n, 1 + 10 + 100 + 389);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(v[i].team, "Region 3");
    /* a level-4 manager and their direct reports */
    int64_t m4 = id_of(db, "p3.7@big.example");
    assert_int_equal(manager_of(db, m4), id_of(db, "p2.7@big.example"));
    assert_int_equal(people_subtree(db, m4, &a, &v, &n, &e), 0);
    assert_int_equal(n, 4); /* p4.7, p4.1007, p4.2007, p4.3007 */
    /* the same file again updates everyone */
    import_ok(db, csv, 0, 5000);
    assert_int_equal(count_people(db), 5000);
    char *out = export_text(db);
    size_t lines = 0;
    for (const char *c = out; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 5001);
    free(out);
    free(csv);
    arena_release(&a);
    testdb_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_cycle_empty),
        cmocka_unit_test(test_find_cycle_forest),
        cmocka_unit_test(test_find_cycle_self_loop),
        cmocka_unit_test(test_find_cycle_two),
        cmocka_unit_test(test_find_cycle_long_with_tail),
        cmocka_unit_test(test_find_cycle_several_trees_and_random),
        cmocka_unit_test(test_fields_required_on_create),
        cmocka_unit_test(test_fields_bad_email),
        cmocka_unit_test(test_fields_bad_date),
        cmocka_unit_test(test_fields_bad_status),
        cmocka_unit_test(test_fields_control_characters),
        cmocka_unit_test(test_fields_c1_control_characters),
        cmocka_unit_test(test_fields_formula_start),
        TESTDB_BOTH(test_create_and_get),
        TESTDB_BOTH(test_create_duplicate_email),
        TESTDB_BOTH(test_create_unknown_references),
        TESTDB_BOTH(test_create_has_unset_means_not_given),
        TESTDB_BOTH(test_update_self_manager),
        TESTDB_BOTH(test_update_cycle_refused),
        TESTDB_BOTH(test_update_move_and_clear),
        TESTDB_BOTH(test_update_not_found),
        TESTDB_BOTH(test_concurrent_moves_make_no_cycle),
        TESTDB_BOTH(test_list_visibility),
        TESTDB_BOTH(test_list_unknown_role_sees_no_more_than_access_allows),
        TESTDB_BOTH(test_list_filters),
        TESTDB_BOTH(test_subtree_depths),
        TESTDB_BOTH(test_access_can_see_person),
        TESTDB_BOTH(test_import_good_file),
        TESTDB_BOTH(test_import_update),
        TESTDB_BOTH(test_import_absent_columns_keep_values),
        TESTDB_BOTH(test_import_bad_lines_write_nothing),
        TESTDB_BOTH(test_import_problem_limit),
        TESTDB_BOTH(test_import_row_limit),
        TESTDB_BOTH(test_import_duplicate_email),
        TESTDB_BOTH(test_import_unknown_manager),
        TESTDB_BOTH(test_import_cycles),
        TESTDB_BOTH(test_import_missing_columns),
        TESTDB_BOTH(test_import_empty_and_malformed),
        TESTDB_BOTH(test_import_quoted_fields_round_trip),
        TESTDB_BOTH(test_export_reimport_same_bytes),
        TESTDB_BOTH(test_import_large),
    };
    return cmocka_run_group_tests_name("people", tests, NULL, NULL);
}
