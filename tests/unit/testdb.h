/* testdb.h -- a fresh, migrated database for one test, on SQLite or PostgreSQL.
 *
 * Storage tests run once per database: register them with TESTDB_BOTH(fn),
 * which gives fn a state pointing at the kind. PostgreSQL is used when
 * REINS_TEST_PG=1 and the PG* variables point at a server (make test runs
 * the suite inside pg_virtualenv); otherwise those runs are skipped, loudly.
 */
#ifndef REINS_TESTS_TESTDB_H
#define REINS_TESTS_TESTDB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/store.h"

extern const enum store_kind testdb_sqlite, testdb_postgres;

#define TESTDB_BOTH(fn)                                                                            \
    cmocka_unit_test_prestate(fn, (void *)&testdb_sqlite),                                         \
        cmocka_unit_test_prestate(fn, (void *)&testdb_postgres)

/* A fresh database of the kind in *state, migrated to the latest version;
 * skips the test when that kind is not available. */
struct store *testdb_open(void **state);
/* Like testdb_open but not migrated. */
struct store *testdb_open_empty(void **state);
/* The URL of the database most recently opened (for opening a second connection). */
const char *testdb_last_url(void);
/* Close the connection and drop the database. */
void testdb_close(struct store *s);

#endif
