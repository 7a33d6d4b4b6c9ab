/* store_impl.h -- what a storage driver provides; private to src/store/. */
#ifndef REINS_STORE_IMPL_H
#define REINS_STORE_IMPL_H

#include "store/store.h"

struct store_driver {
    int (*exec)(struct store *s, const char *sql, struct err *e);
    int (*query)(struct store *s, const char *sql, const struct store_val *params, int nparams,
                 struct store_rows **out, struct err *e);
    int (*next)(struct store_rows *r, struct err *e);
    int (*ncols)(const struct store_rows *r);
    bool (*isnull)(const struct store_rows *r, int col);
    const char *(*text)(const struct store_rows *r, int col);
    int64_t (*get_int)(const struct store_rows *r, int col);
    const char *(*colname)(const struct store_rows *r, int col);
    int64_t (*changes)(const struct store_rows *r); /* rows changed by a finished statement */
    void (*rows_free)(struct store_rows *r);
    void (*close)(struct store *s);
    const char *begin_sql, *snapshot_sql;
};

/* Every driver's connection starts with this. */
struct store {
    const struct store_driver *drv;
    enum store_kind kind;
};

/* Every driver's cursor starts with this. */
struct store_rows {
    struct store *s;
};

int store_sqlite_open(const char *path, struct store **out, struct err *e);
int store_pg_open(const char *conninfo, struct store **out, struct err *e);
/* The sqlite3 handle of a SQLite connection, for the backup API. */
struct sqlite3 *store_sqlite_handle(struct store *s);

/* Cache of prepared statements keyed by SQL text. */
struct stmt_cache_entry {
    char *sql; /* owned copy of the text */
    uint64_t hash;
    void *stmt; /* driver's handle (sqlite3_stmt *, or a PG statement name) */
};
struct stmt_cache {
    struct stmt_cache_entry *v;
    int n, cap;
};
void *stmt_cache_find(const struct stmt_cache *c, const char *sql);
void stmt_cache_add(struct stmt_cache *c, const char *sql, void *stmt);
/* Free the cache's own memory; the driver finalises the statements first. */
void stmt_cache_release(struct stmt_cache *c);

#endif
