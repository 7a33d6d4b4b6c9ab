/* test_growth.c -- growth rules (gap, signal, ranges, the matrix) and storage on both databases. */
#include "testdb.h"
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/principal.h"
#include "core/mem.h"
#include "core/text.h"
#include "growth/growth.h"
#include "people/people.h"

/* ---- rules ------------------------------------------------------------------------------- */

static void test_rating_range(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(growth_rating_check(1, "competence", &e), 0);
    assert_int_equal(growth_rating_check(5, "competence", &e), 0);
    assert_int_equal(growth_rating_check(0, "competence", &e), REINS_EINVAL);
    assert_string_equal(e.field, "competence");
    assert_non_null(strstr(e.msg, "field competence: "));
    err_clear(&e);
    assert_int_equal(growth_rating_check(6, "confidence", &e), REINS_EINVAL);
    assert_string_equal(e.field, "confidence");
    assert_int_equal(growth_rating_check(-1, "confidence", &e), REINS_EINVAL);
    assert_int_equal(growth_rating_check(INT64_MAX, "confidence", &e), REINS_EINVAL);
}

static void test_progress_range(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(growth_progress_check(0, "progress", &e), 0);
    assert_int_equal(growth_progress_check(100, "progress", &e), 0);
    assert_int_equal(growth_progress_check(-1, "progress", &e), REINS_EINVAL);
    assert_string_equal(e.field, "progress");
    err_clear(&e);
    assert_int_equal(growth_progress_check(101, "progress", &e), REINS_EINVAL);
    assert_string_equal(e.field, "progress");
}

static void test_words(void **state)
{
    (void)state;
    assert_true(growth_role_valid("seller"));
    assert_true(growth_role_valid("manager"));
    assert_false(growth_role_valid("admin"));
    assert_false(growth_role_valid("Seller"));
    assert_false(growth_role_valid(NULL));
    assert_true(goal_status_valid("open"));
    assert_true(goal_status_valid("done"));
    assert_true(goal_status_valid("dropped"));
    assert_false(goal_status_valid("closed"));
    assert_false(goal_status_valid(NULL));
    struct err e = {0};
    assert_int_equal(growth_optional_text_check(NULL, 10, "note", &e), 0);
    assert_int_equal(growth_optional_text_check("", 10, "note", &e), 0);
    assert_int_equal(growth_optional_text_check("fine", 10, "note", &e), 0);
    assert_int_equal(growth_optional_text_check("far too long here", 10, "note", &e), REINS_EINVAL);
    assert_string_equal(e.field, "note");
    assert_int_equal(growth_optional_text_check("a\x01", 10, "note", &e), REINS_EINVAL);
}

static struct rating mk(const char *source, int competence, int confidence, const char *on,
                        int64_t id, int64_t skill)
{
    struct rating r = {0};
    r.id = id;
    r.skill_id = skill;
    r.person_id = 9;
    r.rater_id = !strcmp(source, "self") ? 9 : 3;
    r.rater_name = !strcmp(source, "self") ? "Ana" : "Maya";
    r.source = source;
    r.competence = competence;
    r.confidence = confidence;
    r.rated_on = on;
    r.comment = "";
    return r;
}

static void test_gap(void **state)
{
    (void)state;
    struct rating self = mk("self", 2, 5, "2026-01-01", 1, 1);
    struct rating manager = mk("manager", 1, 3, "2026-01-02", 2, 1);
    int gap = 99;
    assert_int_equal(growth_gap(NULL, NULL, &gap), 0);
    assert_int_equal(growth_gap(NULL, &manager, &gap), 0);
    assert_int_equal(gap, 99);
    /* self alone: their own confidence against their own competence */
    assert_int_equal(growth_gap(&self, NULL, &gap), 1);
    assert_int_equal(gap, 3);
    /* with a manager rating: self confidence against the manager's competence */
    assert_int_equal(growth_gap(&self, &manager, &gap), 1);
    assert_int_equal(gap, 4);
    struct rating unsure = mk("self", 4, 1, "2026-01-01", 3, 1);
    struct rating sees = mk("manager", 5, 2, "2026-01-02", 4, 1);
    assert_int_equal(growth_gap(&unsure, &sees, &gap), 1);
    assert_int_equal(gap, -4);
}

static void test_signal(void **state)
{
    (void)state;
    assert_string_equal(growth_signal(2), "confident beyond current skill");
    assert_string_equal(growth_signal(4), "confident beyond current skill");
    assert_null(growth_signal(1));
    assert_null(growth_signal(0));
    assert_null(growth_signal(-1));
    assert_string_equal(growth_signal(-2), "more skilled than they believe");
    assert_string_equal(growth_signal(-4), "more skilled than they believe");
}

static void test_matrix_json(void **state)
{
    (void)state;
    struct skill skills[3] = {
        {.id = 10, .role = "seller", .name = "Prospecting", .description = "d", .position = 1},
        {.id = 11, .role = "seller", .name = "Discovery", .description = "", .position = 2},
        {.id = 12, .role = "seller", .name = "Negotiation", .description = "", .position = 3},
    };
    /* deliberately out of order: the matrix sorts by rated_on, then id */
    struct rating ratings[] = {
        mk("self", 3, 4, "2026-03-01", 7, 10),    mk("manager", 2, 3, "2026-01-10", 2, 10),
        mk("self", 2, 5, "2026-01-05", 1, 10),    mk("manager", 3, 3, "2026-03-01", 6, 10),
        mk("self", 4, 1, "2026-02-01", 5, 11),    mk("self", 4, 2, "2026-02-01", 8, 11),
        mk("manager", 5, 5, "2025-12-01", 9, 99), /* a skill not in the framework */
    };
    json_t *m =
        growth_matrix_json(9, "seller", skills, 3, ratings, sizeof ratings / sizeof *ratings, NULL);
    assert_int_equal(json_integer_value(json_object_get(m, "person_id")), 9);
    assert_string_equal(json_string_value(json_object_get(m, "framework")), "seller");
    assert_true(json_is_array(json_object_get(m, "goals")));
    assert_int_equal(json_array_size(json_object_get(m, "goals")), 0);
    json_t *rows = json_object_get(m, "skills");
    assert_int_equal(json_array_size(rows), 3);

    json_t *r0 = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r0, "skill"), "name")),
                        "Prospecting");
    json_t *self = json_object_get(r0, "self"), *mgr = json_object_get(r0, "manager");
    assert_int_equal(json_integer_value(json_object_get(self, "competence")), 3);
    assert_int_equal(json_integer_value(json_object_get(self, "confidence")), 4);
    assert_string_equal(json_string_value(json_object_get(self, "rated_on")), "2026-03-01");
    assert_int_equal(json_integer_value(json_object_get(mgr, "competence")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(mgr, "rater"), "id")), 3);
    assert_string_equal(json_string_value(json_object_get(json_object_get(mgr, "rater"), "name")),
                        "Maya");
    assert_int_equal(json_integer_value(json_object_get(r0, "gap")), 1); /* 4 - 3 */
    assert_true(json_is_null(json_object_get(r0, "signal")));
    json_t *h = json_object_get(r0, "history");
    assert_int_equal(json_array_size(h), 4);
    const char *want_on[] = {"2026-01-05", "2026-01-10", "2026-03-01", "2026-03-01"};
    const char *want_src[] = {"self", "manager", "manager", "self"}; /* id 6 before id 7 */
    for (size_t i = 0; i < 4; i++) {
        json_t *x = json_array_get(h, i);
        assert_string_equal(json_string_value(json_object_get(x, "rated_on")), want_on[i]);
        assert_string_equal(json_string_value(json_object_get(x, "source")), want_src[i]);
    }

    /* two self ratings on one day: the later id is the latest; no manager rating */
    json_t *r1 = json_array_get(rows, 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r1, "self"), "confidence")),
                     2);
    assert_true(json_is_null(json_object_get(r1, "manager")));
    assert_int_equal(json_integer_value(json_object_get(r1, "gap")), -2);
    assert_string_equal(json_string_value(json_object_get(r1, "signal")),
                        "more skilled than they believe");

    /* never rated */
    json_t *r2 = json_array_get(rows, 2);
    assert_true(json_is_null(json_object_get(r2, "self")));
    assert_true(json_is_null(json_object_get(r2, "manager")));
    assert_true(json_is_null(json_object_get(r2, "gap")));
    assert_true(json_is_null(json_object_get(r2, "signal")));
    assert_int_equal(json_array_size(json_object_get(r2, "history")), 0);
    json_decref(m);

    /* confident beyond skill, measured against the manager */
    struct rating two[] = {mk("self", 4, 5, "2026-01-01", 1, 10),
                           mk("manager", 2, 3, "2026-01-02", 2, 10)};
    m = growth_matrix_json(9, "seller", skills, 1, two, 2, json_array());
    json_t *row = json_array_get(json_object_get(m, "skills"), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "gap")), 3);
    assert_string_equal(json_string_value(json_object_get(row, "signal")),
                        "confident beyond current skill");
    json_decref(m);

    /* nothing at all */
    m = growth_matrix_json(9, "manager", NULL, 0, NULL, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(m, "skills")), 0);
    json_decref(m);
}

/* ---- storage helpers --------------------------------------------------------------------- */

struct org {
    int64_t vp, m1, m2, s1, s2, s3;
};

static int64_t add_person(struct store *db, const char *name, const char *email, int64_t manager,
                          const char *start)
{
    return fixture_person(db, name, email, manager, 0, start, NULL);
}

/* vp -> m1 -> s1, s2; vp -> m2 -> s3 */
static struct org make_org(struct store *db)
{
    struct org o;
    o.vp = add_person(db, "Vera Vance", "vp@t.io", 0, "2020-01-01");
    o.m1 = add_person(db, "Maya North", "m1@t.io", o.vp, "2021-01-01");
    o.m2 = add_person(db, "Milo South", "m2@t.io", o.vp, "2021-01-01");
    o.s1 = add_person(db, "Ana Lima", "s1@t.io", o.m1, "2025-01-01");
    o.s2 = add_person(db, "Ben Costa", "s2@t.io", o.m1, "2024-01-01");
    o.s3 = add_person(db, "Cara Diaz", "s3@t.io", o.m2, "2023-06-01");
    return o;
}

static int64_t skill_id(struct store *db, const char *role, const char *name)
{
    static const char SQL[] = "SELECT id FROM skills WHERE role = $1 AND name = $2";
    struct err e = {0};
    int64_t id = 0;
    if (store_int_query(db, SQL, PARAMS(SV_TEXT(role), SV_TEXT(name)), &id, &e) < 0)
        fail_msg("skill %s/%s: %s", role, name, e.msg);
    return id;
}

static int64_t rate(struct store *db, int64_t person, int64_t rater, const char *source,
                    int64_t skill, int competence, int confidence, const char *on)
{
    struct rating r = {.person_id = person,
                       .rater_id = rater,
                       .source = source,
                       .skill_id = skill,
                       .competence = competence,
                       .confidence = confidence,
                       .rated_on = on,
                       .comment = "ok"};
    struct err e = {0};
    int64_t id = 0;
    if (ratings_add(db, &r, &id, &e) < 0) fail_msg("rate: %s", e.msg);
    return id;
}

/* ---- storage ----------------------------------------------------------------------------- */

static void test_relation(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct err e = {0};
    struct principal admin = fixture_principal(ROLE_ADMIN, 0),
                     vp = fixture_principal(ROLE_MANAGER, o.vp),
                     m1 = fixture_principal(ROLE_MANAGER, o.m1),
                     m2 = fixture_principal(ROLE_MANAGER, o.m2),
                     s1 = fixture_principal(ROLE_SELLER, o.s1),
                     admin_s3 = fixture_principal(ROLE_ADMIN, o.s3),
                     odd = fixture_principal(ROLE_NONE, o.vp),
                     anonymous = fixture_principal(ROLE_SELLER, o.s1);
    anonymous.user_id = 0;
    assert_int_equal(growth_relation(db, &s1, o.s1, &e), GROWTH_SELF);
    assert_int_equal(growth_relation(db, &m1, o.s1, &e), GROWTH_ABOVE);
    assert_int_equal(growth_relation(db, &vp, o.s1, &e), GROWTH_ABOVE);
    assert_int_equal(growth_relation(db, &vp, o.m2, &e), GROWTH_ABOVE);
    /* not above: hidden, like a person who does not exist */
    assert_int_equal(growth_relation(db, &m2, o.s1, &e), GROWTH_HIDDEN);
    assert_int_equal(growth_relation(db, &s1, o.s2, &e), GROWTH_HIDDEN);
    assert_int_equal(growth_relation(db, &s1, o.m2, &e), GROWTH_HIDDEN);
    assert_int_equal(growth_relation(db, &s1, o.vp, &e), GROWTH_HIDDEN);
    assert_int_equal(growth_relation(db, &m1, o.m2, &e), GROWTH_HIDDEN);
    /* one's own manager is known (GET /me names them), but not readable or writable */
    assert_int_equal(growth_relation(db, &s1, o.m1, &e), GROWTH_REPORT);
    assert_int_equal(growth_relation(db, &m1, o.vp, &e), GROWTH_REPORT);
    /* an admin reads everyone but stands above nobody */
    assert_int_equal(growth_relation(db, &admin, o.s1, &e), GROWTH_READER);
    assert_int_equal(growth_relation(db, &admin, o.vp, &e), GROWTH_READER);
    assert_int_equal(growth_relation(db, &admin_s3, o.s3, &e), GROWTH_SELF);
    assert_int_equal(growth_relation(db, &admin_s3, o.s1, &e), GROWTH_READER);
    /* no such person, even for an admin */
    assert_int_equal(growth_relation(db, &admin, 999999, &e), GROWTH_HIDDEN);
    assert_int_equal(growth_relation(db, &m1, 999999, &e), GROWTH_HIDDEN);
    /* fail closed */
    assert_int_equal(growth_relation(db, &odd, o.s1, &e), GROWTH_HIDDEN);
    assert_int_equal(growth_relation(db, &anonymous, o.s1, &e), GROWTH_HIDDEN);

    const char *fw = NULL;
    assert_int_equal(growth_framework(db, o.m1, &fw, &e), 0);
    assert_string_equal(fw, "manager");
    assert_int_equal(growth_framework(db, o.vp, &fw, &e), 0);
    assert_string_equal(fw, "manager");
    assert_int_equal(growth_framework(db, o.s1, &fw, &e), 0);
    assert_string_equal(fw, "seller");
    testdb_close(db);
}

static void test_skills(void **state)
{
    struct store *db = testdb_open(state);
    struct arena a = ARENA_INIT;
    struct err e = {0};
    struct skill *v;
    size_t n;
    assert_int_equal(skills_list(db, "seller", 0, &a, &v, &n, &e), 0);
    assert_int_equal(n, 7);
    assert_string_equal(v[0].name, "Prospecting");
    for (size_t i = 1; i < n; i++)
        assert_true(v[i - 1].position <= v[i].position);
    assert_int_equal(skills_list(db, "manager", 0, &a, &v, &n, &e), 0);
    assert_int_equal(n, 7);
    assert_string_equal(v[0].name, "Coaching");
    assert_int_equal(skills_list(db, NULL, 0, &a, &v, &n, &e), 0);
    assert_int_equal(n, 14);
    assert_string_equal(v[0].role, "seller");
    assert_string_equal(v[13].role, "manager");

    /* create: required fields, position after the last */
    struct skill_fields f = {.role = "seller", .name = "Social selling"};
    int64_t id = 0;
    assert_int_equal(skills_create(db, &f, &id, &e), 0);
    struct skill s;
    assert_int_equal(skills_get(db, id, &a, &s, &e), 0);
    assert_int_equal(s.position, 8);
    assert_string_equal(s.description, "");
    assert_false(s.archived);
    struct skill_fields dup = {.role = "seller", .name = "Social selling"};
    assert_int_equal(skills_create(db, &dup, &id, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "name");
    struct skill_fields other_role = {.role = "manager", .name = "Social selling"};
    int64_t id2;
    assert_int_equal(skills_create(db, &other_role, &id2, &e), 0);
    struct skill_fields bad_role = {.role = "admin", .name = "X"};
    assert_int_equal(skills_create(db, &bad_role, &id2, &e), REINS_EINVAL);
    assert_string_equal(e.field, "role");
    struct skill_fields no_name = {.role = "seller"};
    assert_int_equal(skills_create(db, &no_name, &id2, &e), REINS_EINVAL);
    assert_string_equal(e.field, "name");
    struct skill_fields formula = {.role = "seller", .name = "=cmd()"};
    assert_int_equal(skills_create(db, &formula, &id2, &e), REINS_EINVAL);
    struct skill_fields negative = {
        .role = "seller", .name = "Y", .has_position = 1, .position = -1};
    assert_int_equal(skills_create(db, &negative, &id2, &e), REINS_EINVAL);
    assert_string_equal(e.field, "position");

    /* update and archive */
    struct skill_fields up = {.name = "Social prospecting",
                              .description = "LinkedIn and more",
                              .has_position = 1,
                              .position = 0,
                              .has_archived = 1,
                              .archived = 1};
    assert_int_equal(skills_update(db, id, &up, &e), 0);
    assert_int_equal(skills_get(db, id, &a, &s, &e), 0);
    assert_string_equal(s.name, "Social prospecting");
    assert_string_equal(s.description, "LinkedIn and more");
    assert_int_equal(s.position, 0);
    assert_true(s.archived);
    assert_int_equal(skills_list(db, "seller", 0, &a, &v, &n, &e), 0);
    assert_int_equal(n, 7);
    assert_int_equal(skills_list(db, "seller", 1, &a, &v, &n, &e), 0);
    assert_int_equal(n, 8);
    assert_int_equal(v[0].id, id); /* position 0 sorts first */
    struct skill_fields clash = {.name = "Discovery"};
    assert_int_equal(skills_update(db, id, &clash, &e), REINS_ECONFLICT);
    assert_string_equal(e.field, "name");
    struct skill_fields move = {.role = "manager"};
    assert_int_equal(skills_update(db, id, &move, &e), REINS_EINVAL);
    assert_string_equal(e.field, "role");
    struct skill_fields nothing = {.name = "Ghost"};
    assert_int_equal(skills_update(db, 999999, &nothing, &e), REINS_ENOTFOUND);
    arena_release(&a);
    testdb_close(db);
}

static void test_ratings_and_matrix(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct arena a = ARENA_INIT;
    struct err e = {0};
    int64_t pro = skill_id(db, "seller", "Prospecting"), dis = skill_id(db, "seller", "Discovery");
    int64_t coach = skill_id(db, "manager", "Coaching");
    rate(db, o.s1, o.s1, "self", pro, 2, 5, "2026-01-05");
    rate(db, o.s1, o.m1, "manager", pro, 1, 3, "2026-01-06");
    rate(db, o.s1, o.s1, "self", pro, 3, 5, "2026-04-05");
    rate(db, o.s1, o.vp, "manager", dis, 4, 2, "2026-04-06");
    rate(db, o.s1, o.s1, "self", dis, 4, 1, "2026-04-07");

    /* refusals change nothing */
    int64_t before = fixture_count(db, "SELECT COUNT(*) FROM skill_ratings"), id;
    struct rating bad = {.person_id = o.s1,
                         .rater_id = o.s1,
                         .source = "self",
                         .skill_id = pro,
                         .competence = 0,
                         .confidence = 3};
    assert_int_equal(ratings_add(db, &bad, &id, &e), REINS_EINVAL);
    assert_string_equal(e.field, "competence");
    bad.competence = 3;
    bad.confidence = 6;
    assert_int_equal(ratings_add(db, &bad, &id, &e), REINS_EINVAL);
    assert_string_equal(e.field, "confidence");
    bad.confidence = 3;
    bad.skill_id = coach; /* a manager skill for a seller */
    assert_int_equal(ratings_add(db, &bad, &id, &e), REINS_EINVAL);
    assert_string_equal(e.field, "skill_id");
    bad.skill_id = 999999;
    assert_int_equal(ratings_add(db, &bad, &id, &e), REINS_EINVAL);
    assert_string_equal(e.field, "skill_id");
    bad.skill_id = pro;
    bad.source = "peer";
    assert_int_equal(ratings_add(db, &bad, &id, &e), REINS_EINVAL);
    bad.source = "self";
    bad.comment = "bad\x01";
    assert_int_equal(ratings_add(db, &bad, &id, &e), REINS_EINVAL);
    assert_string_equal(e.field, "comment");
    struct skill_fields archive = {.has_archived = 1, .archived = 1};
    int64_t neg = skill_id(db, "seller", "Negotiation");
    assert_int_equal(skills_update(db, neg, &archive, &e), 0);
    bad.comment = NULL;
    bad.skill_id = neg;
    assert_int_equal(ratings_add(db, &bad, &id, &e), REINS_EINVAL);
    assert_string_equal(e.field, "skill_id");
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM skill_ratings"), before);

    /* a manager is rated on the manager framework; dates default to today */
    struct rating ok = {.person_id = o.m1,
                        .rater_id = o.vp,
                        .source = "manager",
                        .skill_id = coach,
                        .competence = 3,
                        .confidence = 4};
    assert_int_equal(ratings_add(db, &ok, &id, &e), 0);
    struct rating got;
    assert_int_equal(ratings_get(db, id, &a, &got, &e), 0);
    char today[11];
    date_today(today);
    assert_string_equal(got.rated_on, today);
    assert_string_equal(got.rater_name, "Vera Vance");
    assert_string_equal(got.comment, "");
    assert_true(got.created_at > 0);

    json_t *m;
    assert_int_equal(growth_matrix(db, o.s1, &a, &m, &e), 0);
    assert_string_equal(json_string_value(json_object_get(m, "framework")), "seller");
    json_t *rows = json_object_get(m, "skills");
    assert_int_equal(json_array_size(rows), 6); /* Negotiation is archived */
    json_t *r0 = json_array_get(rows, 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r0, "skill"), "id")), pro);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r0, "self"), "competence")),
                     3);
    assert_int_equal(json_integer_value(json_object_get(r0, "gap")), 4); /* 5 - 1 */
    assert_string_equal(json_string_value(json_object_get(r0, "signal")),
                        "confident beyond current skill");
    assert_int_equal(json_array_size(json_object_get(r0, "history")), 3);
    json_t *r1 = json_array_get(rows, 1);
    json_t *mgr = json_object_get(r1, "manager");
    assert_string_equal(json_string_value(json_object_get(json_object_get(mgr, "rater"), "name")),
                        "Vera Vance");
    assert_int_equal(json_integer_value(json_object_get(r1, "gap")), -3); /* 1 - 4 */
    assert_string_equal(json_string_value(json_object_get(r1, "signal")),
                        "more skilled than they believe");
    json_decref(m);

    assert_int_equal(growth_matrix(db, o.m1, &a, &m, &e), 0);
    assert_string_equal(json_string_value(json_object_get(m, "framework")), "manager");
    rows = json_object_get(m, "skills");
    assert_int_equal(json_array_size(rows), 7);
    r0 = json_array_get(rows, 0);
    assert_true(json_is_null(json_object_get(r0, "self")));
    assert_true(json_is_null(json_object_get(r0, "gap"))); /* no self rating: no gap */
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(r0, "manager"), "competence")), 3);
    json_decref(m);
    arena_release(&a);
    testdb_close(db);
}

static void test_goals_and_checkins(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct arena a = ARENA_INIT;
    struct err e = {0};
    int64_t dis = skill_id(db, "seller", "Discovery");
    struct goal_fields f = {.title = "Run better discovery calls",
                            .has_skill = 1,
                            .skill_id = dis,
                            .has_target_date = 1,
                            .target_date = "2026-09-30"};
    int64_t id = 0, id2 = 0, cid = 0;
    assert_int_equal(goals_create(db, o.s1, &f, o.m1, &id, &e), 0);
    struct goal g;
    assert_int_equal(goals_get(db, id, &a, &g, &e), 0);
    assert_int_equal(g.person_id, o.s1);
    assert_int_equal(g.skill_id, dis);
    assert_string_equal(g.skill_name, "Discovery");
    assert_string_equal(g.target_date, "2026-09-30");
    assert_string_equal(g.status, "open");
    assert_int_equal(g.progress, 0);
    assert_null(g.last_checkin);

    /* refusals */
    struct goal_fields no_title = {0};
    assert_int_equal(goals_create(db, o.s1, &no_title, o.s1, &id2, &e), REINS_EINVAL);
    assert_string_equal(e.field, "title");
    struct goal_fields bad_date = {.title = "x", .has_target_date = 1, .target_date = "2026-02-30"};
    assert_int_equal(goals_create(db, o.s1, &bad_date, o.s1, &id2, &e), REINS_EINVAL);
    assert_string_equal(e.field, "target_date");
    struct goal_fields bad_skill = {.title = "x", .has_skill = 1, .skill_id = 999999};
    assert_int_equal(goals_create(db, o.s1, &bad_skill, o.s1, &id2, &e), REINS_EINVAL);
    assert_string_equal(e.field, "skill_id");
    struct goal_fields bad_status = {.status = "closed"};
    assert_int_equal(goals_update(db, id, &bad_status, &e), REINS_EINVAL);
    assert_string_equal(e.field, "status");
    assert_int_equal(goals_update(db, 999999, &no_title, &e), REINS_ENOTFOUND);

    /* a goal without skill or date */
    struct goal_fields plain = {.title = "Read two books on negotiation"};
    assert_int_equal(goals_create(db, o.s1, &plain, o.s1, &id2, &e), 0);
    assert_int_equal(goals_get(db, id2, &a, &g, &e), 0);
    assert_int_equal(g.skill_id, 0);
    assert_null(g.skill_name);
    assert_null(g.target_date);

    /* check-ins set the progress; 100 does not close */
    assert_int_equal(checkins_add(db, id, o.s1, 30, "first calls", "2026-05-01", &cid, &e), 0);
    assert_int_equal(checkins_add(db, id, o.m1, 100, NULL, "2026-05-20", &cid, &e), 0);
    assert_int_equal(goals_get(db, id, &a, &g, &e), 0);
    assert_int_equal(g.progress, 100);
    assert_string_equal(g.status, "open");
    assert_string_equal(g.last_checkin, "2026-05-20");
    int64_t before = fixture_count(db, "SELECT COUNT(*) FROM goal_checkins");
    assert_int_equal(checkins_add(db, id, o.s1, 101, NULL, NULL, &cid, &e), REINS_EINVAL);
    assert_string_equal(e.field, "progress");
    assert_int_equal(checkins_add(db, id, o.s1, -1, NULL, NULL, &cid, &e), REINS_EINVAL);
    assert_int_equal(checkins_add(db, 999999, o.s1, 50, NULL, NULL, &cid, &e), REINS_ENOTFOUND);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM goal_checkins"), before);
    assert_int_equal(goals_get(db, id, &a, &g, &e), 0);
    assert_int_equal(g.progress, 100);

    struct checkin *c;
    size_t n;
    assert_int_equal(checkins_for_goal(db, id, &a, &c, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(c[0].progress, 30);
    assert_string_equal(c[0].note, "first calls");
    assert_string_equal(c[0].author_name, "Ana Lima");
    assert_string_equal(c[1].author_name, "Maya North");
    assert_string_equal(c[1].note, "");

    /* update: close it, clear the skill and the date */
    struct goal_fields up = {
        .status = "done", .has_skill = 1, .skill_id = 0, .has_target_date = 1, .target_date = NULL};
    assert_int_equal(goals_update(db, id, &up, &e), 0);
    assert_int_equal(goals_get(db, id, &a, &g, &e), 0);
    assert_string_equal(g.status, "done");
    assert_int_equal(g.skill_id, 0);
    assert_null(g.target_date);
    assert_string_equal(g.title, "Run better discovery calls");

    /* open goals first */
    struct goal *v;
    assert_int_equal(goals_for_person(db, o.s1, &a, &v, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, id2);
    assert_int_equal(v[1].id, id);
    assert_int_equal(goals_for_person(db, o.s2, &a, &v, &n, &e), 0);
    assert_int_equal(n, 0);
    arena_release(&a);
    testdb_close(db);
}

/* The ids of the people in recent ratings, as "id,id,..." (caller frees). */
static char *recent_people(json_t *r, const char *key)
{
    struct sb out = SB_INIT;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, key), i, x)
        sb_addf(&out, "%s%lld", i ? "," : "",
                (long long)json_integer_value(json_object_get(json_object_get(x, "person"), "id")));
    sb_adds(&out, "");
    return sb_detach(&out);
}

static void test_recent(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct err e = {0};
    int64_t pro = skill_id(db, "seller", "Prospecting");
    int64_t coach = skill_id(db, "manager", "Coaching");
    rate(db, o.s1, o.s1, "self", pro, 2, 4, "2026-01-01"); /* before the window */
    rate(db, o.s1, o.m1, "manager", pro, 2, 3, "2026-02-01");
    rate(db, o.s1, o.s1, "self", pro, 3, 4, "2026-03-10");
    rate(db, o.s3, o.s3, "self", pro, 4, 4, "2026-03-11");
    rate(db, o.m1, o.m1, "self", coach, 3, 3, "2026-03-12");
    struct goal_fields f = {.title = "Book 10 meetings a week"};
    int64_t g1, g3, cid;
    assert_int_equal(goals_create(db, o.s1, &f, o.s1, &g1, &e), 0);
    assert_int_equal(goals_create(db, o.s3, &f, o.s3, &g3, &e), 0);
    assert_int_equal(checkins_add(db, g1, o.s1, 20, NULL, "2026-03-05", &cid, &e), 0);
    assert_int_equal(checkins_add(db, g1, o.s1, 10, NULL, "2026-01-05", &cid, &e), 0);
    assert_int_equal(checkins_add(db, g3, o.s3, 50, NULL, "2026-03-06", &cid, &e), 0);

    struct principal admin = fixture_principal(ROLE_ADMIN, 0),
                     vp = fixture_principal(ROLE_MANAGER, o.vp),
                     m1 = fixture_principal(ROLE_MANAGER, o.m1),
                     s1 = fixture_principal(ROLE_SELLER, o.s1),
                     s2 = fixture_principal(ROLE_SELLER, o.s2),
                     nobody = fixture_principal(ROLE_MANAGER, 0);
    json_t *r;
    char *ids;
    char want[64];
    struct {
        const struct principal *who;
        int64_t rating_people[3], checkin_people[2];
    } cases[] = {
        {&admin, {o.m1, o.s3, o.s1}, {o.s3, o.s1}},
        {&vp, {o.m1, o.s3, o.s1}, {o.s3, o.s1}},
        {&m1, {o.m1, o.s1, 0}, {o.s1, 0}},
        {&s1, {o.s1, 0, 0}, {o.s1, 0}},
        {&s2, {0, 0, 0}, {0, 0}},
        {&nobody, {0, 0, 0}, {0, 0}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        assert_int_equal(growth_recent(db, cases[c].who, "2026-03-01", &r, &e), 0);
        want[0] = '\0';
        for (int i = 0; i < 3 && cases[c].rating_people[i]; i++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%lld", i ? "," : "",
                     (long long)cases[c].rating_people[i]);
        ids = recent_people(r, "ratings");
        if (strcmp(ids, want)) fail_msg("case %zu ratings: got %s, want %s", c, ids, want);
        free(ids);
        want[0] = '\0';
        for (int i = 0; i < 2 && cases[c].checkin_people[i]; i++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%lld", i ? "," : "",
                     (long long)cases[c].checkin_people[i]);
        ids = recent_people(r, "checkins");
        if (strcmp(ids, want)) fail_msg("case %zu checkins: got %s, want %s", c, ids, want);
        free(ids);
        json_decref(r);
    }

    /* previous: the same person, skill and source, before this one */
    assert_int_equal(growth_recent(db, &m1, "2026-03-01", &r, &e), 0);
    json_t *s1r = json_array_get(json_object_get(r, "ratings"), 1);
    assert_string_equal(json_string_value(json_object_get(s1r, "source")), "self");
    assert_string_equal(json_string_value(json_object_get(s1r, "rated_on")), "2026-03-10");
    json_t *prev = json_object_get(s1r, "previous");
    assert_string_equal(json_string_value(json_object_get(prev, "rated_on")), "2026-01-01");
    assert_int_equal(json_integer_value(json_object_get(prev, "competence")), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(s1r, "skill"), "name")),
                        "Prospecting");
    assert_true(json_is_null(
        json_object_get(json_array_get(json_object_get(r, "ratings"), 0), "previous")));
    json_t *ck = json_array_get(json_object_get(r, "checkins"), 0);
    assert_int_equal(json_integer_value(json_object_get(ck, "progress")), 20);
    assert_string_equal(json_string_value(json_object_get(json_object_get(ck, "goal"), "title")),
                        "Book 10 meetings a week");
    json_decref(r);
    assert_int_equal(growth_recent(db, &m1, "not-a-date", &r, &e), REINS_EINVAL);
    testdb_close(db);
}

/* ---- demo -------------------------------------------------------------------------------- */

static const char SQL_DEMO_DUMP_RATINGS[] =
    "SELECT person_id, skill_id, rater_id, source, competence, confidence, rated_on, comment,"
    " created_at FROM skill_ratings ORDER BY id";
static const char SQL_DEMO_DUMP_GOALS[] =
    "SELECT g.person_id, g.skill_id, g.title, g.target_date, g.status, g.progress, g.created_by,"
    " g.created_at, c.author_id, c.progress, c.note, c.created_on, c.created_at"
    " FROM development_goals g LEFT JOIN goal_checkins c ON c.goal_id = g.id ORDER BY g.id, c.id";

static char *dump(struct store *db)
{
    struct sb out = SB_INIT;
    const char *sqls[] = {SQL_DEMO_DUMP_RATINGS, SQL_DEMO_DUMP_GOALS};
    for (int q = 0; q < 2; q++) {
        struct store_rows *r;
        struct err e = {0};
        if (store_query(db, sqls[q], NO_PARAMS, &r, &e) < 0) fail_msg("dump: %s", e.msg);
        while (store_next(r, &e) > 0) {
            for (int c = 0; c < store_ncols(r); c++)
                sb_addf(&out, "%s|", store_text(r, c) ? store_text(r, c) : "-");
            sb_adds(&out, "\n");
        }
        store_rows_free(r);
    }
    sb_adds(&out, "end\n");
    return sb_detach(&out);
}

/* A bigger org: vp, 3 managers, 5 sellers each with varied start dates. */
static void demo_org(struct store *db, int64_t as_of)
{
    char start[11], email[64];
    date_from_days(as_of - 3000, start);
    int64_t vp = add_person(db, "Vera Vance", "vp@t.io", 0, start);
    for (int m = 0; m < 3; m++) {
        date_from_days(as_of - 900 - 200 * m, start);
        snprintf(email, sizeof email, "m%d@t.io", m);
        int64_t mgr = add_person(db, "Manager Person", email, vp, start);
        for (int s = 0; s < 5; s++) {
            /* some hired 2 months ago, some long ago */
            date_from_days(as_of - (s == 0 ? 60 : s == 1 ? 150 : 400 + 300 * s), start);
            snprintf(email, sizeof email, "s%d.%d@t.io", m, s);
            add_person(db, "Seller Person", email, mgr, start);
        }
    }
}

static void test_demo_fill(void **state)
{
    const int64_t as_of = date_to_days("2026-06-15");
    struct err e = {0};
    struct store *db = testdb_open(state);
    demo_org(db, as_of);
    assert_int_equal(store_begin(db, &e), 0);
    if (growth_demo_fill(db, 42, as_of, &e) < 0) fail_msg("demo: %s", e.msg);
    assert_int_equal(store_commit(db, &e), 0);
    char *first = dump(db);

    /* ratings: within ~9 months, both sources, manager ratings by the manager */
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM skill_ratings") > 200);
    assert_int_equal(fixture_count(db,
                                   "SELECT COUNT(*) FROM skill_ratings r JOIN people p ON p.id ="
                                   " r.person_id WHERE r.source = 'manager' AND r.rater_id <>"
                                   " p.manager_id"),
                     0);
    assert_int_equal(fixture_count(db,
                                   "SELECT COUNT(*) FROM skill_ratings WHERE source = 'self' AND"
                                   " rater_id <> person_id"),
                     0);
    assert_int_equal(
        fixture_count(db, "SELECT COUNT(*) FROM skill_ratings WHERE rated_on < '2025-09-01'"
                          " OR rated_on > '2026-06-15'"),
        0);
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM skill_ratings WHERE source = 'manager'") >
                50);
    /* quarterly: at least 4 distinct months, and something in the last 30 days */
    assert_true(
        fixture_count(db, "SELECT COUNT(DISTINCT substr(rated_on, 1, 7)) FROM skill_ratings") >= 4);
    assert_true(
        fixture_count(db, "SELECT COUNT(*) FROM skill_ratings WHERE rated_on >= '2026-05-16'") > 0);
    /* ratings move, and mostly up: later manager competence beats the first on average */
    assert_true(
        fixture_count(db, "SELECT COUNT(*) FROM skill_ratings a JOIN skill_ratings b ON"
                          " a.person_id = b.person_id AND a.skill_id = b.skill_id AND a.source ="
                          " 'manager' AND b.source = 'manager' AND a.rated_on < b.rated_on AND"
                          " b.competence > a.competence") >
        fixture_count(db, "SELECT COUNT(*) FROM skill_ratings a JOIN skill_ratings b ON"
                          " a.person_id = b.person_id AND a.skill_id = b.skill_id AND a.source ="
                          " 'manager' AND b.source = 'manager' AND a.rated_on < b.rated_on AND"
                          " b.competence < a.competence"));
    /* gaps both ways in the latest round: confident beginners and unsure experts */
    assert_true(fixture_count(
                    db,
                    "SELECT COUNT(*) FROM skill_ratings s JOIN skill_ratings m ON"
                    " m.person_id = s.person_id AND m.skill_id = s.skill_id AND m.source ="
                    " 'manager' AND s.source = 'self' WHERE s.confidence - m.competence >= 2") > 0);
    assert_true(
        fixture_count(
            db, "SELECT COUNT(*) FROM skill_ratings s JOIN skill_ratings m ON"
                " m.person_id = s.person_id AND m.skill_id = s.skill_id AND m.source ="
                " 'manager' AND s.source = 'self' WHERE s.confidence - m.competence <= -2") > 0);
    /* each person rated on their own framework */
    assert_int_equal(fixture_count(db,
                                   "SELECT COUNT(*) FROM skill_ratings r JOIN skills s ON s.id ="
                                   " r.skill_id JOIN people p ON p.id = r.person_id WHERE s.role <>"
                                   " CASE WHEN EXISTS (SELECT 1 FROM people c WHERE c.manager_id ="
                                   " p.id) THEN 'manager' ELSE 'seller' END"),
                     0);

    /* goals: 1 or 2 per rated person, linked to skills, some done, one stalled */
    int64_t goals = fixture_count(db, "SELECT COUNT(*) FROM development_goals");
    int64_t rated = fixture_count(db, "SELECT COUNT(DISTINCT person_id) FROM skill_ratings");
    assert_true(goals >= rated * 8 / 10);
    assert_true(goals <= 2 * rated);
    assert_int_equal(
        fixture_count(db, "SELECT COUNT(*) FROM development_goals WHERE skill_id IS NULL"), 0);
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM development_goals WHERE status = 'done' AND"
                                  " progress = 100") > 0);
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM goal_checkins") > goals);
    assert_true(
        fixture_count(db, "SELECT COUNT(*) FROM development_goals g WHERE status = 'open' AND"
                          " COALESCE((SELECT MAX(created_on) FROM goal_checkins c WHERE c.goal_id"
                          " = g.id), '0000') <= '2026-05-01' AND created_at <= 1777593600") >= 1);
    /* progress is the last check-in's */
    assert_int_equal(
        fixture_count(db, "SELECT COUNT(*) FROM development_goals g WHERE progress <>"
                          " COALESCE((SELECT c.progress FROM goal_checkins c WHERE c.goal_id ="
                          " g.id ORDER BY c.created_on DESC, c.id DESC LIMIT 1), 0)"),
        0);
    testdb_close(db);

    /* the same seed gives the same history; another seed another */
    db = testdb_open(state);
    demo_org(db, as_of);
    assert_int_equal(store_begin(db, &e), 0);
    if (growth_demo_fill(db, 42, as_of, &e) < 0) fail_msg("demo: %s", e.msg);
    assert_int_equal(store_commit(db, &e), 0);
    char *second = dump(db);
    assert_string_equal(first, second);
    testdb_close(db);
    db = testdb_open(state);
    demo_org(db, as_of);
    assert_int_equal(store_begin(db, &e), 0);
    if (growth_demo_fill(db, 43, as_of, &e) < 0) fail_msg("demo: %s", e.msg);
    assert_int_equal(store_commit(db, &e), 0);
    char *third = dump(db);
    assert_true(strcmp(first, third) != 0);
    testdb_close(db);
    free(first);
    free(second);
    free(third);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rating_range),
        cmocka_unit_test(test_progress_range),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_gap),
        cmocka_unit_test(test_signal),
        cmocka_unit_test(test_matrix_json),
        TESTDB_BOTH(test_relation),
        TESTDB_BOTH(test_skills),
        TESTDB_BOTH(test_ratings_and_matrix),
        TESTDB_BOTH(test_goals_and_checkins),
        TESTDB_BOTH(test_recent),
        TESTDB_BOTH(test_demo_fill),
    };
    return cmocka_run_group_tests_name("growth", tests, NULL, NULL);
}
