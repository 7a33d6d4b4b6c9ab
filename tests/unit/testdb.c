/* testdb.c -- a fresh, migrated database for one test, on SQLite or PostgreSQL. */
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "store/migrate.h"
#include "surveys/surveys.h"

const enum store_kind testdb_sqlite = STORE_SQLITE, testdb_postgres = STORE_POSTGRES;

static char last_url[256];
static char last_name[128];
static int counter;

static void admin_exec(const char *sql)
{
    struct store *admin;
    struct err e = {0};
    if (store_open("postgresql:///postgres", &admin, &e) < 0) fail_msg("%s", e.msg);
    if (store_exec(admin, sql, &e) < 0) fail_msg("%s: %s", sql, e.msg);
    store_close(admin);
}

struct store *testdb_open_empty(void **state)
{
    enum store_kind kind = *(const enum store_kind *)*state;
    struct err e = {0};
    auth_init(&e);
    counter++;
    if (kind == STORE_POSTGRES) {
        const char *pg = getenv("REINS_TEST_PG");
        if (!pg || strcmp(pg, "1")) {
            print_message("PostgreSQL not available (REINS_TEST_PG unset): skipped\n");
            skip();
        }
        snprintf(last_name, sizeof last_name, "reins_unit_%d_%d", (int)getpid(), counter);
        char sql[200];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", last_name);
        admin_exec(sql);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", last_name);
        admin_exec(sql);
        snprintf(last_url, sizeof last_url, "postgresql:///%s", last_name);
    } else {
        const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(last_url, sizeof last_url, "%s/reins_unit_%d_%d.db", tmp, (int)getpid(), counter);
        unlink(last_url);
        last_name[0] = '\0';
    }
    struct store *s;
    if (store_open(last_url, &s, &e) < 0) fail_msg("open %s: %s", last_url, e.msg);
    return s;
}

struct store *testdb_open(void **state)
{
    struct store *s = testdb_open_empty(state);
    struct err e = {0};
    if (migrate_apply(s, NULL, &e) < 0) fail_msg("migrate: %s", e.msg);
    /* The demo and surveys key participation with the instance secret: a
     * fixed one for tests (tests of the secret itself set their own). */
    static const unsigned char secret[SURVEY_SECRET_BYTES] = {0x5e, 0xc7};
    surveys_set_secret(secret);
    return s;
}

const char *testdb_last_url(void)
{
    return last_url;
}

void testdb_close(struct store *s)
{
    enum store_kind kind = store_kind(s);
    store_close(s);
    if (kind == STORE_POSTGRES) {
        char sql[200];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", last_name);
        admin_exec(sql);
    } else {
        char path[300];
        unlink(last_url);
        snprintf(path, sizeof path, "%s-wal", last_url);
        unlink(path);
        snprintf(path, sizeof path, "%s-shm", last_url);
        unlink(path);
    }
}
