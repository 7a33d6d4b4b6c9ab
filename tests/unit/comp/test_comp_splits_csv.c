/* test_comp_splits_csv.c -- many deals' splits from one CSV file (comp_splits_import_csv),
 * on SQLite and PostgreSQL: what is set, what is replaced, what is left, and every bad line
 * named while nothing is written. */
#include "testdb.h"
#include "fixtures.h"

#include <stdio.h>
#include <string.h>

#include "comp/comp_store.h"
#include "people/people.h"
#include "store/store.h"

static const char SQL_DEAL[] =
    "INSERT INTO opportunities (owner_id, name, amount_minor, currency, pipeline_id, stage_id,"
    " probability_bp, forecast_category, status, close_date, created_date, source, external_id,"
    " created_at, updated_at) SELECT $1, 'Deal', 100000, 'USD', s.pipeline_id, s.id, 10000,"
    " 'closed', 'won', '2026-01-10', '2026-01-02', $2, $3, 0, 0 FROM pipeline_stages s"
    " JOIN pipelines p ON p.id = s.pipeline_id WHERE p.is_default = 1 AND s.is_won = 1"
    " RETURNING id";

/* A won deal of `owner`'s; `external_id` NULL for one made in reins. */
static int64_t deal(struct store *db, int64_t owner, const char *external_id)
{
    struct err e = {0};
    int64_t id = 0;
    if (store_int_query(db, SQL_DEAL,
                        PARAMS(SV_INT(owner), SV_TEXT(external_id ? "salesforce" : "reins"),
                               external_id ? SV_TEXT(external_id) : SV_NULL),
                        &id, &e) < 0)
        fail_msg("deal: %s", e.msg);
    return id;
}

struct org {
    int64_t ana, ben, olly;
};

static struct org make_org(struct store *db)
{
    return (struct org){
        fixture_person(db, "Ana", "ana@test.example", 0, 0, NULL, NULL),
        fixture_person(db, "Ben", "ben@test.example", 0, 0, NULL, NULL),
        fixture_person(db, "Olly", "olly@test.example", 0, 0, NULL, NULL),
    };
}

/* The deal's splits as "person:kind:share" words, by kind then person. */
static void splits_of(struct store *db, int64_t deal_id, char *out, size_t n)
{
    struct err e = {0};
    struct store_rows *r;
    out[0] = '\0';
    if (store_query(db,
                    "SELECT person_id, kind, share_bp FROM comp_splits WHERE opportunity_id = $1"
                    " ORDER BY kind, person_id",
                    PARAMS(SV_INT(deal_id)), &r, &e) < 0)
        fail_msg("%s", e.msg);
    int rc;
    while ((rc = store_next(r, &e)) > 0) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%lld:%s:%lld", len ? " " : "", (long long)store_int(r, 0),
                 store_text(r, 1), (long long)store_int(r, 2));
    }
    store_rows_free(r);
    if (rc < 0) fail_msg("%s", e.msg);
}

static int import(struct store *db, const char *csv, const char *source, struct import_result *res)
{
    struct err e = {0};
    return comp_splits_import_csv(db, csv, strlen(csv), source, 100, 0, res, &e);
}

/* Whether res names `line` and `field` (NULL: no field) in a problem containing `text`. */
static int has_problem(const struct import_result *res, size_t line, const char *field,
                       const char *text)
{
    for (size_t i = 0; i < res->nproblems; i++) {
        const struct import_problem *p = &res->problems[i];
        if (p->line != line || !strstr(p->message, text)) continue;
        if (field ? p->field && !strcmp(p->field, field) : !p->field) return 1;
    }
    return 0;
}

static void test_by_deal_id(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    struct err e = {0};
    int64_t d1 = deal(db, o.ana, NULL), d2 = deal(db, o.ben, NULL), d3 = deal(db, o.ben, NULL);
    /* d2 and d3 have splits already; the file replaces d2's and leaves d3's alone */
    struct comp_split old[] = {{o.ben, COMP_ROLE_DIRECT, 5000}, {o.ana, COMP_ROLE_DIRECT, 5000}};
    if (comp_splits_set(db, d2, old, 2, 0, 1, 0, &e) < 0 ||
        comp_splits_set(db, d3, old, 2, 0, 1, 0, &e) < 0)
        fail_msg("%s", e.msg);
    char csv[512];
    snprintf(csv, sizeof csv,
             "Deal_ID,Email,Kind,Share_BP\r\n"
             "%lld,ana@test.example,direct,6000\r\n"
             "%lld,ben@test.example,overlay,5000\r\n" /* d2's, between d1's lines */
             "%lld,Ben@Test.Example,,4000\r\n"        /* kind left empty: direct */
             "%lld,olly@test.example,overlay,\r\n"    /* share left empty: 100% */
             "%lld,ana@test.example,direct,10000\r\n",
             (long long)d1, (long long)d2, (long long)d1, (long long)d1, (long long)d2);
    struct import_result res;
    assert_int_equal(import(db, csv, NULL, &res), 0);
    assert_int_equal(res.created, 1); /* d1 had none */
    assert_int_equal(res.updated, 1); /* d2's replaced */
    import_result_release(&res);
    char got[256], want[256];
    splits_of(db, d1, got, sizeof got);
    snprintf(want, sizeof want, "%lld:direct:6000 %lld:direct:4000 %lld:overlay:10000",
             (long long)o.ana, (long long)o.ben, (long long)o.olly);
    assert_string_equal(got, want);
    splits_of(db, d2, got, sizeof got);
    snprintf(want, sizeof want, "%lld:direct:10000 %lld:overlay:5000", (long long)o.ana,
             (long long)o.ben);
    assert_string_equal(got, want);
    splits_of(db, d3, got, sizeof got);
    snprintf(want, sizeof want, "%lld:direct:5000 %lld:direct:5000", (long long)o.ana,
             (long long)o.ben);
    assert_string_equal(got, want);
    /* an audit row per deal (by the system: user 0), with what was there before */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit WHERE action ="
                                       " 'splits.set' AND user_id IS NULL AND changed_at = 100"),
                     2);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM comp_audit WHERE object = 'deal' AND object_id = %lld AND"
             " summary LIKE '%%\"before\":[{\"kind\":\"direct\",\"person_id\":%lld,%%'"
             " AND summary LIKE '%%\"via\":\"import\"%%'",
             (long long)d2, (long long)o.ben);
    assert_int_equal(fixture_count(db, sql), 1);

    /* exported and imported again: every deal already has those splits, nothing is written */
    struct sb out = SB_INIT;
    if (comp_splits_export_csv(db, NULL, &out, &e) < 0) fail_msg("%s", e.msg);
    snprintf(want, sizeof want,
             "deal_id,email,kind,share_bp\r\n%lld,ana@test.example,direct,6000\r\n"
             "%lld,ben@test.example,direct,4000\r\n%lld,olly@test.example,overlay,10000\r\n",
             (long long)d1, (long long)d1, (long long)d1);
    assert_int_equal(strncmp(out.buf, want, strlen(want)), 0); /* d1's lines come first */
    assert_int_equal(import(db, out.buf, NULL, &res), 0);
    assert_int_equal(res.created + res.updated, 0);
    assert_int_equal(res.unchanged, 3);
    import_result_release(&res);
    sb_release(&out);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit"), 2 + 2);
    testdb_close(db);
}

static void test_by_external_id(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    int64_t w1 = deal(db, o.ana, "006A1"), mine = deal(db, o.ana, NULL);
    struct import_result res;
    const char *csv = "external_id,email,share_bp\n006A1,ana@test.example,7000\n"
                      "006A1,ben@test.example,3000\n";
    assert_int_equal(import(db, csv, "salesforce", &res), 0);
    assert_int_equal(res.created, 1);
    import_result_release(&res);
    char got[256], want[256];
    splits_of(db, w1, got, sizeof got);
    snprintf(want, sizeof want, "%lld:direct:7000 %lld:direct:3000", (long long)o.ana,
             (long long)o.ben);
    assert_string_equal(got, want);
    /* another CRM's ids, and a deal made in reins, are not found by external id */
    char bad[256];
    snprintf(bad, sizeof bad, "external_id,email\n006A1,ana@test.example\n%lld,ana@test.example\n",
             (long long)mine);
    assert_int_equal(import(db, bad, "hubspot", &res), REINS_EINVAL);
    assert_true(
        has_problem(&res, 2, "external_id", "no deal was imported from hubspot as '006A1'"));
    assert_true(has_problem(&res, 3, "external_id", "no deal was imported from hubspot"));
    import_result_release(&res);
    /* the header must name deals the way the source says */
    assert_int_equal(import(db, csv, NULL, &res), REINS_EINVAL);
    assert_true(has_problem(&res, 1, "deal_id", "say which CRM they came from"));
    import_result_release(&res);
    assert_int_equal(import(db, "deal_id,email\n1,ana@test.example\n", "salesforce", &res),
                     REINS_EINVAL);
    assert_true(has_problem(&res, 1, "deal_id", "leave the source out"));
    import_result_release(&res);
    /* both ways at once, with or without the source: one would be ignored, so refused */
    for (int with = 0; with < 2; with++) {
        assert_int_equal(import(db, "deal_id,external_id,email\n1,006A1,ana@test.example\n",
                                with ? "salesforce" : NULL, &res),
                         REINS_EINVAL);
        assert_true(has_problem(&res, 1, "deal_id", "both deal_id and external_id"));
        import_result_release(&res);
    }
    testdb_close(db);
}

/* Every bad line is named with its field, nothing is written, and a deal with a bad line is
 * not also said to add up wrong. */
static void test_bad_lines_write_nothing(void **state)
{
    struct store *db = testdb_open(state);
    struct org o = make_org(db);
    int64_t d1 = deal(db, o.ana, NULL), d2 = deal(db, o.ben, NULL), d3 = deal(db, o.ben, NULL);
    char csv[1024];
    snprintf(csv, sizeof csv,
             "deal_id,email,kind,share_bp\n"
             "%lld,ana@test.example,direct,6000\n"     /* 2: good, but ... */
             "%lld,ben@test.example,direct,3000\n"     /* 3: ... d1 comes to 90% */
             "%lld,nobody@test.example,direct,10000\n" /* 4: unknown person */
             "99999,ana@test.example,direct,10000\n"   /* 5: unknown deal */
             "x1,ana@test.example,direct,10000\n"      /* 6: not a deal id */
             "%lld,ana@test.example,sideways,0\n"      /* 7: kind and share both bad */
             "%lld,ben@test.example,direct,10001\n"    /* 8: share over 100% */
             "%lld,not-an-email,direct,10000\n"        /* 9: bad email */
             "%lld,ana@test.example,overlay,5000\n"    /* 10 */
             "%lld,ana@test.example,overlay,2000\n"    /* 11: Ana twice as overlay on d2 */
             "%lld,ben@test.example,direct,5000\n",    /* 12: d3 at 50%, with bad lines */
             (long long)d1, (long long)d1, (long long)d2, (long long)d3, (long long)d3,
             (long long)d3, (long long)d2, (long long)d2, (long long)d3);
    struct import_result res;
    assert_int_equal(import(db, csv, NULL, &res), REINS_EINVAL);
    assert_true(has_problem(&res, 2, "share_bp", "come to 9000 bp"));
    assert_true(has_problem(&res, 4, "email", "'nobody@test.example' is not a known person"));
    assert_true(has_problem(&res, 5, "deal_id", "no deal 99999"));
    assert_true(has_problem(&res, 6, "deal_id", "'x1' is not a deal id"));
    assert_true(has_problem(&res, 7, "kind", "'sideways' is not direct or overlay"));
    assert_true(has_problem(&res, 7, "share_bp", "'0' is not a share of 1 to 10000 bp"));
    assert_true(has_problem(&res, 8, "share_bp", "'10001'"));
    assert_true(has_problem(&res, 9, "email", ""));
    assert_true(has_problem(&res, 11, "email", "line 10 gives this person an overlay split"));
    assert_true(has_problem(&res, 12, "email", "line 8 gives this person a direct split"));
    /* d2 and d3 have bad lines (4; 7, 8 and 9): no word about their sums */
    assert_int_equal(res.nproblems, 10);
    import_result_release(&res);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_splits"), 0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM comp_audit"), 0);
    testdb_close(db);
}

static void test_bad_files(void **state)
{
    struct store *db = testdb_open(state);
    make_org(db);
    struct import_result res;
    assert_int_equal(import(db, "", NULL, &res), REINS_EINVAL);
    assert_true(has_problem(&res, 1, NULL, "the file is empty"));
    import_result_release(&res);
    /* a misspelt column would default every share to 100%: refused by name */
    assert_int_equal(import(db, "deal_id,email,share_pb\n", NULL, &res), REINS_EINVAL);
    assert_true(has_problem(&res, 1, NULL, "a column 'share_pb' a splits file does not take"));
    import_result_release(&res);
    assert_int_equal(import(db, "deal_id,share_bp\n", NULL, &res), REINS_EINVAL);
    assert_true(has_problem(&res, 1, "email", "no column 'email'"));
    import_result_release(&res);
    assert_int_equal(import(db, "deal_id,email\n1,\"ana@test.example\n", NULL, &res), REINS_EINVAL);
    assert_int_equal(res.nproblems, 1); /* the CSV's own error, with its line */
    assert_int_equal(res.problems[0].line, 2);
    assert_non_null(strstr(res.problems[0].message, "unterminated"));
    assert_null(strstr(res.problems[0].message, "line 2:")); /* the line is said once */
    import_result_release(&res);
    /* a header alone sets nothing and is no error */
    assert_int_equal(import(db, "deal_id,email\n", NULL, &res), 0);
    assert_int_equal(res.created + res.updated, 0);
    import_result_release(&res);
    testdb_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TESTDB_BOTH(test_by_deal_id),
        TESTDB_BOTH(test_by_external_id),
        TESTDB_BOTH(test_bad_lines_write_nothing),
        TESTDB_BOTH(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
