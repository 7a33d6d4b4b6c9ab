/* test_store.c -- the storage interface, run on SQLite and on PostgreSQL. */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "store/migrate.h"

static void test_placeholders_are_positions(void **state)
{
    struct store *s = testdb_open(state);
    struct store_rows *r;
    struct err e = {0};
    /* SQLite binds $N by first appearance unless rewritten: this catches it. */
    assert_int_equal(store_query(s, "SELECT CAST($2 AS TEXT) || CAST($1 AS TEXT), '$1 stays'",
                                 PARAMS(SV_TEXT("a"), SV_TEXT("b")), &r, &e),
                     0);
    assert_int_equal(store_next(r, &e), 1);
    assert_string_equal(store_text(r, 0), "ba");
    assert_string_equal(store_text(r, 1), "$1 stays");
    assert_int_equal(store_next(r, &e), 0);
    store_rows_free(r);
    testdb_close(s);
}

static void test_values_round_trip(void **state)
{
    struct store *s = testdb_open(state);
    struct err e = {0};
    assert_int_equal(store_exec(s, "CREATE TABLE t (i BIGINT, s TEXT)", &e), 0);
    assert_int_equal(store_run(s, "INSERT INTO t (i, s) VALUES ($1, $2)",
                               PARAMS(SV_INT(INT64_MAX), SV_TEXT("héllo, 'quoted'")), NULL, &e),
                     0);
    assert_int_equal(store_run(s, "INSERT INTO t (i, s) VALUES ($1, $2)",
                               PARAMS(SV_INT(INT64_MIN), SV_TEXT(NULL)), NULL, &e),
                     0);
    struct store_rows *r;
    assert_int_equal(store_query(s, "SELECT i, s FROM t ORDER BY i DESC", NO_PARAMS, &r, &e), 0);
    assert_int_equal(store_next(r, &e), 1);
    assert_true(store_int(r, 0) == INT64_MAX);
    assert_string_equal(store_text(r, 1), "héllo, 'quoted'");
    assert_false(store_isnull(r, 1));
    assert_int_equal(store_next(r, &e), 1);
    assert_true(store_int(r, 0) == INT64_MIN);
    assert_true(store_isnull(r, 1));
    assert_null(store_text(r, 1));
    assert_int_equal(store_next(r, &e), 0);
    store_rows_free(r);
    int64_t changed = 0;
    assert_int_equal(store_run(s, "UPDATE t SET s = $1", PARAMS(SV_TEXT("x")), &changed, &e), 0);
    assert_int_equal(changed, 2);
    testdb_close(s);
}

static void test_transactions(void **state)
{
    struct store *s = testdb_open(state);
    struct err e = {0};
    int64_t n = -1;
    assert_int_equal(store_exec(s, "CREATE TABLE t (i BIGINT)", &e), 0);
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_run(s, "INSERT INTO t VALUES ($1)", PARAMS(SV_INT(1)), NULL, &e), 0);
    store_rollback(s);
    assert_int_equal(store_int_query(s, "SELECT COUNT(*) FROM t", NO_PARAMS, &n, &e), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_run(s, "INSERT INTO t VALUES ($1)", PARAMS(SV_INT(2)), NULL, &e), 0);
    assert_int_equal(store_commit(s, &e), 0);
    assert_int_equal(store_int_query(s, "SELECT COUNT(*) FROM t", NO_PARAMS, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_int_query(s, "SELECT i FROM t WHERE i = $1", PARAMS(SV_INT(99)), &n, &e),
                     REINS_ENOTFOUND);
    testdb_close(s);
}

/* 600 rows through a batch: two full statements of 256, the rest as 64 + 16 + 8; each
 * row's text is copied when added (the caller's buffer changes under it). A row that breaks
 * a constraint fails the statement it is in, and the caller rolls back. */
static void test_batch_insert(void **state)
{
    struct store *s = testdb_open(state);
    struct err e = {0};
    int64_t n = -1;
    assert_int_equal(store_exec(s, "CREATE TABLE t (i BIGINT NOT NULL UNIQUE, s TEXT)", &e), 0);
    assert_int_equal(store_batch_rows(600), 256);
    assert_int_equal(store_batch_rows(88), 64);
    assert_int_equal(store_batch_rows(1), 1);
    struct store_batch b;
    store_batch_init(&b, s, "INSERT INTO t (i, s) VALUES ", 2);
    char text[16];
    int rc = 0;
    for (int i = 0; i < 600 && rc >= 0; i++) {
        snprintf(text, sizeof text, "row %d", i);
        rc = store_batch_add(&b, PARAMS(SV_INT(i), i % 7 ? SV_TEXT(text) : SV_NULL), &e);
    }
    assert_int_equal(store_batch_end(&b, rc, &e), 0);
    assert_int_equal(store_int_query(s, "SELECT COUNT(*) FROM t", NO_PARAMS, &n, &e), 0);
    assert_int_equal(n, 600);
    assert_int_equal(
        store_int_query(s, "SELECT COUNT(*) FROM t WHERE s IS NULL", NO_PARAMS, &n, &e), 0);
    assert_int_equal(n, 86); /* 0, 7, ..., 595 */
    struct store_rows *r;
    assert_int_equal(
        store_query(s, "SELECT i, s FROM t WHERE i IN (300, 599) ORDER BY i", NO_PARAMS, &r, &e),
        0);
    assert_int_equal(store_next(r, &e), 1);
    assert_string_equal(store_text(r, 1), "row 300"); /* inserted when the buffer held 511 */
    assert_int_equal(store_next(r, &e), 1);
    assert_string_equal(store_text(r, 1), "row 599");
    store_rows_free(r);
    store_batch_init(&b, s, "INSERT INTO t (i, s) VALUES ", 2);
    assert_int_equal(store_batch_add(&b, PARAMS(SV_INT(1)), &e), REINS_EINTERNAL); /* 1 of 2 */
    assert_int_equal(store_batch_end(&b, 0, &e), 0); /* nothing pending */
    /* a duplicate in the last, partial statement: refused, nothing of the batch kept */
    assert_int_equal(store_begin(s, &e), 0);
    store_batch_init(&b, s, "INSERT INTO t (i, s) VALUES ", 2);
    rc = 0;
    for (int i = 1000; i < 1300 && rc >= 0; i++)
        rc = store_batch_add(&b, PARAMS(SV_INT(i == 1299 ? 5 : i), SV_TEXT("x")), &e);
    assert_int_equal(rc, 0); /* the first 256 went in */
    assert_int_equal(store_batch_end(&b, rc, &e), REINS_ECONFLICT);
    store_rollback(s);
    assert_int_equal(store_int_query(s, "SELECT COUNT(*) FROM t", NO_PARAMS, &n, &e), 0);
    assert_int_equal(n, 600);
    testdb_close(s);
}

static void test_constraints_map_to_codes(void **state)
{
    struct store *s = testdb_open(state);
    struct err e = {0};
    static const char insert[] =
        "INSERT INTO people (name, email, manager_id, start_date, created_at, updated_at)"
        " VALUES ($1, $2, $3, '2026-01-01', 0, 0)";
    assert_int_equal(
        store_run(s, insert, PARAMS(SV_TEXT("A"), SV_TEXT("a@x.io"), SV_NULL), NULL, &e), 0);
    assert_int_equal(
        store_run(s, insert, PARAMS(SV_TEXT("B"), SV_TEXT("a@x.io"), SV_NULL), NULL, &e),
        REINS_ECONFLICT);
    /* foreign keys are enforced (SQLite needs PRAGMA foreign_keys = ON) */
    assert_int_equal(
        store_run(s, insert, PARAMS(SV_TEXT("C"), SV_TEXT("c@x.io"), SV_INT(999)), NULL, &e),
        REINS_EINVAL);
    /* check constraints */
    assert_int_equal(store_run(s, "UPDATE people SET status = 'gone'", NO_PARAMS, NULL, &e),
                     REINS_EINVAL);
    testdb_close(s);
}

static void test_migrate_is_idempotent_and_refuses_newer(void **state)
{
    struct store *s = testdb_open_empty(state);
    struct err e = {0};
    int applied = -1, version = -1;
    assert_int_equal(migrate_apply(s, &applied, &e), 0);
    assert_int_equal(applied, migrate_latest());
    assert_int_equal(migrate_apply(s, &applied, &e), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(migrate_current(s, &version, &e), 0);
    assert_int_equal(version, migrate_latest());
    assert_int_equal(store_run(s, "INSERT INTO schema_migrations VALUES ($1, 'future', 'x', 0)",
                               PARAMS(SV_INT(migrate_latest() + 1)), NULL, &e),
                     0);
    assert_int_equal(migrate_apply(s, NULL, &e), REINS_EVERSION);
    assert_non_null(strstr(e.msg, "newer"));
    testdb_close(s);
}

static void test_migrate_refuses_changed_checksum(void **state)
{
    struct store *s = testdb_open(state);
    struct err e = {0};
    assert_int_equal(
        store_run(s, "UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1",
                  NO_PARAMS, NULL, &e),
        0);
    assert_int_equal(migrate_apply(s, NULL, &e), REINS_ESTORE);
    assert_non_null(strstr(e.msg, "migration 1"));
    testdb_close(s);
}

/* The same migrations give the same tables and columns on both databases. */
static void test_schema_same_on_both(void **state)
{
    (void)state;
    const char *pg = getenv("REINS_TEST_PG");
    if (!pg || strcmp(pg, "1")) {
        print_message("PostgreSQL not available: skipped\n");
        skip();
    }
    void *lite_state = (void *)&testdb_sqlite, *pg_state = (void *)&testdb_postgres;
    struct store *lite = testdb_open(&lite_state);
    struct sb a = SB_INIT, b = SB_INIT;
    struct err e = {0};
    assert_int_equal(store_describe_schema(lite, &a, &e), 0);
    testdb_close(lite);
    struct store *post = testdb_open(&pg_state);
    assert_int_equal(store_describe_schema(post, &b, &e), 0);
    testdb_close(post);
    assert_non_null(a.buf);
    assert_non_null(strstr(a.buf, "people.manager_id\n"));
    assert_non_null(strstr(a.buf, "people.email notnull\n"));
    assert_string_equal(a.buf, b.buf);
    sb_release(&a);
    sb_release(&b);
}

static void test_sqlite_pragmas(void **state)
{
    (void)state;
    void *st = (void *)&testdb_sqlite;
    struct store *s = testdb_open(&st);
    struct store_rows *r;
    struct err e = {0};
    assert_int_equal(store_query(s, "PRAGMA journal_mode", NO_PARAMS, &r, &e), 0);
    assert_int_equal(store_next(r, &e), 1);
    assert_string_equal(store_text(r, 0), "wal");
    store_rows_free(r);
    int64_t fk = 0;
    assert_int_equal(store_int_query(s, "PRAGMA foreign_keys", NO_PARAMS, &fk, &e), 0);
    assert_int_equal(fk, 1);
    int64_t secure = 0; /* deleted notes are zeroed, not left in free pages */
    assert_int_equal(store_int_query(s, "PRAGMA secure_delete", NO_PARAMS, &secure, &e), 0);
    assert_int_equal(secure, 1);
    testdb_close(s);
}

static void test_sqlite_backup(void **state)
{
    (void)state;
    void *st = (void *)&testdb_sqlite;
    struct store *s = testdb_open(&st);
    struct err e = {0};
    assert_int_equal(store_run(s, "INSERT INTO teams (name, created_at) VALUES ($1, 0)",
                               PARAMS(SV_TEXT("West")), NULL, &e),
                     0);
    char path[300];
    snprintf(path, sizeof path, "%s.backup", testdb_last_url());
    unlink(path);
    assert_int_equal(store_backup(s, path, &e), 0);
    assert_int_equal(store_backup(s, path, &e), REINS_ECONFLICT); /* never overwrites */
    struct store *copy;
    int64_t n = 0;
    assert_int_equal(store_open(path, &copy, &e), 0);
    assert_int_equal(
        store_int_query(copy, "SELECT COUNT(*) FROM teams WHERE name = 'West'", NO_PARAMS, &n, &e),
        0);
    assert_int_equal(n, 1);
    store_close(copy);
    unlink(path);
    testdb_close(s);
}

static void test_open_errors(void **state)
{
    (void)state;
    struct store *s;
    struct err e = {0};
    assert_int_equal(store_open("sqlite:", &s, &e), REINS_EINVAL);
    assert_null(s);
    assert_int_equal(store_open("/nonexistent-dir/x/y.db", &s, &e), REINS_ESTORE);
    assert_non_null(strstr(e.msg, "/nonexistent-dir/x/y.db"));
    assert_int_equal(store_open("postgresql://127.0.0.1:1/none?connect_timeout=2", &s, &e),
                     REINS_ESTORE);
    assert_non_null(strstr(e.msg, "PostgreSQL"));
}

static void test_pool(void **state)
{
    struct store *s = testdb_open(state);
    testdb_close(s);
    s = testdb_open(state);
    struct store_pool *p;
    struct err e = {0};
    assert_int_equal(store_pool_new(testdb_last_url(), 2, &p, &e), 0);
    struct store *a = store_pool_get(p), *b = store_pool_get(p);
    assert_ptr_not_equal(a, b);
    int64_t n = 0;
    assert_int_equal(store_int_query(a, "SELECT COUNT(*) FROM people", NO_PARAMS, &n, &e), 0);
    store_pool_put(p, a);
    store_pool_put(p, b);
    store_pool_free(p);
    testdb_close(s);
}

/* A pooled PostgreSQL connection survives the server dropping it. */
static void test_pg_reconnects(void **state)
{
    (void)state;
    void *st = (void *)&testdb_postgres;
    struct store *s = testdb_open(&st);
    struct store *other;
    struct err e = {0};
    int64_t pid = 0, n = 0;
    assert_int_equal(store_int_query(s, "SELECT pg_backend_pid()", NO_PARAMS, &pid, &e), 0);
    assert_int_equal(store_int_query(s, "SELECT COUNT(*) FROM people", NO_PARAMS, &n, &e), 0);
    assert_int_equal(store_open(testdb_last_url(), &other, &e), 0);
    assert_int_equal(store_run(other, "SELECT pg_terminate_backend(CAST($1 AS INTEGER))",
                               PARAMS(SV_INT(pid)), NULL, &e),
                     0);
    store_close(other);
    /* the query that meets the dead connection fails; the next reconnects */
    assert_int_equal(store_int_query(s, "SELECT COUNT(*) FROM people", NO_PARAMS, &n, &e),
                     REINS_ESTORE);
    assert_int_equal(store_int_query(s, "SELECT COUNT(*) FROM people", NO_PARAMS, &n, &e), 0);
    int64_t pid2 = 0;
    assert_int_equal(store_int_query(s, "SELECT pg_backend_pid()", NO_PARAMS, &pid2, &e), 0);
    assert_true(pid2 != pid);
    testdb_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TESTDB_BOTH(test_placeholders_are_positions),
        TESTDB_BOTH(test_values_round_trip),
        TESTDB_BOTH(test_transactions),
        TESTDB_BOTH(test_batch_insert),
        TESTDB_BOTH(test_constraints_map_to_codes),
        TESTDB_BOTH(test_migrate_is_idempotent_and_refuses_newer),
        TESTDB_BOTH(test_migrate_refuses_changed_checksum),
        TESTDB_BOTH(test_pool),
        cmocka_unit_test(test_schema_same_on_both),
        cmocka_unit_test(test_sqlite_pragmas),
        cmocka_unit_test(test_sqlite_backup),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_pg_reconnects),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
