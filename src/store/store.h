/* store.h -- the one storage interface, over SQLite and PostgreSQL.
 *
 * Every query is a prepared statement with bound parameters: SQL text is a
 * string constant written with PostgreSQL's $1..$N placeholders (rewritten
 * to ?N for SQLite, whose $N are names, not positions). Statements are
 * prepared once per connection and cached by their text.
 *
 * Write portable SQL: INTEGER/BIGINT and TEXT columns, 0/1 for booleans,
 * CAST($1 AS BIGINT) where PostgreSQL cannot infer a parameter's type,
 * INSERT ... RETURNING for new ids, WITH RECURSIVE for trees. Money is an
 * integer of minor units; timestamps are BIGINT seconds since the epoch (UTC);
 * dates are TEXT 'YYYY-MM-DD'.
 *
 * A `struct store` is one connection: use it from one thread at a time. The
 * server takes connections from a `struct store_pool`.
 */
#ifndef REINS_STORE_STORE_H
#define REINS_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"

struct sb;
struct store;
struct store_rows;

enum store_kind { STORE_SQLITE, STORE_POSTGRES };

/* Open a connection. `url` is a path or "sqlite:PATH" for SQLite (created if
 * absent; WAL mode, foreign keys on), or "postgresql://..." / "postgres://..."
 * for PostgreSQL (libpq URI; missing parts come from PGHOST, PGUSER, ...).
 * Does not migrate: see migrate.h. On failure *out is NULL. */
int store_open(const char *url, struct store **out, struct err *e);
void store_close(struct store *s); /* NULL is fine */
enum store_kind store_kind(const struct store *s);

/* Run static SQL with no parameters and no results, possibly several
 * statements (migrations, DDL). Never pass text built from input. */
int store_exec(struct store *s, const char *sql, struct err *e);

/* Transactions. store_begin takes the write lock at once on SQLite (BEGIN
 * IMMEDIATE) so two writers wait for each other instead of failing later.
 * store_begin_snapshot starts a read-only transaction that sees one
 * consistent state (for backups and exports). store_rollback never fails. */
int store_begin(struct store *s, struct err *e);
int store_begin_snapshot(struct store *s, struct err *e);
int store_commit(struct store *s, struct err *e);
/* Inside a transaction, wait for other transactions holding the same `key`
 * to end: serialises writers whose checks read what others write (a cycle
 * check on reporting lines). A PostgreSQL advisory lock; on SQLite a no-op,
 * since store_begin already holds the database's one write lock. */
int store_lock(struct store *s, int64_t key, struct err *e);
void store_rollback(struct store *s);

/* A bound parameter. Strings are borrowed for the duration of the call. */
enum store_type { STORE_NULL, STORE_INT, STORE_TEXT };
struct store_val {
    enum store_type type;
    int64_t i;
    const char *s;
};
static inline struct store_val store_val_text(const char *s)
{
    return (struct store_val){s ? STORE_TEXT : STORE_NULL, 0, s};
}
static inline struct store_val store_val_id(int64_t id)
{
    return (struct store_val){id > 0 ? STORE_INT : STORE_NULL, id, NULL};
}
#define SV_NULL ((struct store_val){STORE_NULL, 0, NULL})
#define SV_INT(x) ((struct store_val){STORE_INT, (int64_t)(x), NULL})
/* A NULL pointer binds SQL NULL. */
#define SV_TEXT(x) store_val_text(x)
/* An integer that is NULL when not positive (optional ids). */
#define SV_ID(x) store_val_id(x)
/* PARAMS(a, b, c) expands to the two arguments `params, nparams`. */
#define PARAMS(...)                                                                                \
    (const struct store_val[]){__VA_ARGS__},                                                       \
        (int)(sizeof((struct store_val[]){__VA_ARGS__}) / sizeof(struct store_val))
#define NO_PARAMS NULL, 0

/* Run a query. On success *out is a cursor positioned before the first row;
 * free it with store_rows_free before the next query on this connection.
 * Constraint violations map to REINS_ECONFLICT (unique) or REINS_EINVAL
 * (foreign key, check, not null); anything else to REINS_ESTORE. */
int store_query(struct store *s, const char *sql, const struct store_val *params, int nparams,
                struct store_rows **out, struct err *e);
/* Advance: 1 when a row is available, 0 at the end, negative on error. */
int store_next(struct store_rows *r, struct err *e);
int store_ncols(const struct store_rows *r);
bool store_isnull(const struct store_rows *r, int col);
int64_t store_int(const struct store_rows *r, int col); /* 0 for NULL */
/* Text of a column, NULL for SQL NULL; valid until the next store_next. */
const char *store_text(const struct store_rows *r, int col);
const char *store_colname(const struct store_rows *r, int col);
void store_rows_free(struct store_rows *r); /* NULL is fine */

/* Run a statement for its effect; *changes (if not NULL) gets the number of
 * rows inserted, updated or deleted. */
int store_run(struct store *s, const char *sql, const struct store_val *params, int nparams,
              int64_t *changes, struct err *e);

/* ---- many rows per statement ----
 * A statement is a round trip on PostgreSQL: 110,000 payout lines inserted one by one took
 * 30 s there (bench/comp-model). Batches are powers of two (256, then 128, 64, ... for the
 * rest) so a connection caches a handful of statement texts, not one per remainder size. */
#define STORE_BATCH_ROWS 256
/* The largest power of two not above min(left, STORE_BATCH_ROWS); left > 0. */
size_t store_batch_rows(size_t left);
/* "head ($1, .., $ncols), ($ncols+1, ..) ... tail" for `rows` rows; the caller frees it.
 * Built from constants only, never from input. */
char *store_insert_sql(const char *head, int ncols, size_t rows, const char *tail);

/* Rows added one at a time, inserted STORE_BATCH_ROWS per statement:
 *     struct store_batch b;
 *     store_batch_init(&b, db, "INSERT INTO t (a, b) VALUES ", 2);
 *     rc = store_batch_add(&b, PARAMS(SV_INT(1), SV_TEXT(s)), e);  ... (text is copied)
 *     rc = store_batch_end(&b, rc, e);  (inserts the rest unless rc < 0; frees either way)
 * ncols * STORE_BATCH_ROWS stays below both databases' parameter limits for ncols <= 64. */
struct store_batch {
    struct store *db;
    const char *head;
    int ncols;
    size_t rows; /* pending */
    struct store_val *vals;
    struct arena text; /* the pending rows' strings */
};
void store_batch_init(struct store_batch *b, struct store *db, const char *head, int ncols);
int store_batch_add(struct store_batch *b, const struct store_val *row, int nvals, struct err *e);
int store_batch_end(struct store_batch *b, int rc, struct err *e);

/* Run a query whose first row's first column is an integer (a count, or the
 * id from INSERT ... RETURNING id). REINS_ENOTFOUND when there is no row. */
int store_int_query(struct store *s, const char *sql, const struct store_val *params, int nparams,
                    int64_t *out, struct err *e);

/* Append "table.column notnull" lines for every user table, sorted, to `out`:
 * the shape of the schema, comparable between the two databases. */
int store_describe_schema(struct store *s, struct sb *out, struct err *e);

/* Copy a consistent online snapshot of a SQLite database to a new SQLite file
 * at `path` (refuses to overwrite). PostgreSQL has pg_dump for this (see
 * cli/cmd_backup.c). */
int store_backup(struct store *s, const char *path, struct err *e);

/* A fixed set of connections shared by server threads. */
struct store_pool;
int store_pool_new(const char *url, int size, struct store_pool **out, struct err *e);
/* Borrow a connection, waiting until one is free; give it back with put. */
struct store *store_pool_get(struct store_pool *p);
void store_pool_put(struct store_pool *p, struct store *s);
void store_pool_free(struct store_pool *p); /* all connections must be back */

/* The database URL given by --db or REINS_DB, else "reins.db". */
const char *store_default_url(const char *flag_value);

#endif
