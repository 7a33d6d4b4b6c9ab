/* migrate.h -- numbered schema migrations built into the binary.
 *
 * Each migration is applied once, in order, in its own transaction, and
 * recorded in schema_migrations with a checksum of its text. A database whose
 * recorded version is newer than this binary knows, or whose recorded
 * checksum differs from the built-in text, is refused.
 */
#ifndef REINS_STORE_MIGRATE_H
#define REINS_STORE_MIGRATE_H

#include "store/store.h"

/* The newest schema version this binary knows. */
int migrate_latest(void);

/* Bring the database up to migrate_latest(). *applied (if not NULL) gets the
 * number of migrations applied now. Fails with REINS_EVERSION when the
 * database is newer than this binary. Safe to run from several servers at
 * once: PostgreSQL takes an advisory lock, SQLite a write lock. */
int migrate_apply(struct store *s, int *applied, struct err *e);

/* The database's current schema version (0 for an empty database). */
int migrate_current(struct store *s, int *version, struct err *e);

#endif
