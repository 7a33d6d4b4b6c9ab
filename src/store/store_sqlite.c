/* store_sqlite.c -- the SQLite driver: one file, WAL mode, foreign keys on. */
#include "store/store_impl.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"

struct sqlite_store {
    struct store base;
    sqlite3 *db;
    struct stmt_cache cache;
};

struct sqlite_rows {
    struct store_rows base;
    sqlite3_stmt *stmt;
    int64_t changes;
};

static int sqlite_fail(struct sqlite_store *s, int rc, struct err *e)
{
    int ext = sqlite3_extended_errcode(s->db);
    const char *msg = sqlite3_errmsg(s->db);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return err_set(e, REINS_ECONFLICT, "%s", msg);
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return err_set(e, REINS_EINVAL, "%s", msg);
    return err_set(e, REINS_ESTORE, "sqlite: %s", msg);
}

/* PostgreSQL's $N are positions; SQLite's $N are names bound in order of first
 * appearance. Rewrite $N to ?N (SQLite's positional form), leaving string
 * literals, quoted identifiers and comments alone. */
static char *rewrite_placeholders(const char *sql)
{
    size_t n = strlen(sql);
    char *out = xmalloc(n + 1), *o = out;
    const char *p = sql;
    while (*p) {
        if (*p == '\'' || *p == '"') {
            char q = *p;
            *o++ = *p++;
            while (*p && *p != q)
                *o++ = *p++;
            if (*p) *o++ = *p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                *o++ = *p++;
        } else if (p[0] == '$' && p[1] >= '0' && p[1] <= '9') {
            *o++ = '?';
            p++;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static int s_exec(struct store *st, const char *sql, struct err *e)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int ext = sqlite3_extended_errcode(s->db);
        int code = (rc & 0xff) == SQLITE_CONSTRAINT
                       ? (ext == SQLITE_CONSTRAINT_UNIQUE ? REINS_ECONFLICT : REINS_EINVAL)
                       : REINS_ESTORE;
        err_set(e, code, "sqlite: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return code;
    }
    return 0;
}

static int s_query(struct store *st, const char *sql, const struct store_val *params, int nparams,
                   struct store_rows **out, struct err *e)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    sqlite3_stmt *stmt = stmt_cache_find(&s->cache, sql);
    if (!stmt) {
        char *text = rewrite_placeholders(sql);
        int rc = sqlite3_prepare_v3(s->db, text, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
        free(text);
        if (rc != SQLITE_OK) return sqlite_fail(s, rc, e);
        stmt_cache_add(&s->cache, sql, stmt);
    }
    if (sqlite3_bind_parameter_count(stmt) > nparams)
        return err_set(e, REINS_EINTERNAL, "query wants %d parameters, got %d",
                       sqlite3_bind_parameter_count(stmt), nparams);
    for (int i = 0; i < nparams; i++) {
        int rc;
        switch (params[i].type) {
        case STORE_INT:
            rc = sqlite3_bind_int64(stmt, i + 1, params[i].i);
            break;
        case STORE_TEXT:
            rc = sqlite3_bind_text(stmt, i + 1, params[i].s, -1, SQLITE_TRANSIENT);
            break;
        default:
            rc = sqlite3_bind_null(stmt, i + 1);
            break;
        }
        /* SQLITE_RANGE: the statement uses fewer parameters; harmless */
        if (rc != SQLITE_OK && rc != SQLITE_RANGE) {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            return sqlite_fail(s, rc, e);
        }
    }
    struct sqlite_rows *r = xcalloc(1, sizeof *r);
    r->base.s = st;
    r->stmt = stmt;
    *out = &r->base;
    return 0;
}

static int s_next(struct store_rows *rows, struct err *e)
{
    struct sqlite_rows *r = (struct sqlite_rows *)rows;
    struct sqlite_store *s = (struct sqlite_store *)rows->s;
    int rc = sqlite3_step(r->stmt);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) {
        r->changes = sqlite3_changes64(s->db);
        return 0;
    }
    return sqlite_fail(s, rc, e);
}

static int s_ncols(const struct store_rows *rows)
{
    return sqlite3_column_count(((const struct sqlite_rows *)rows)->stmt);
}

static bool s_isnull(const struct store_rows *rows, int col)
{
    return sqlite3_column_type(((const struct sqlite_rows *)rows)->stmt, col) == SQLITE_NULL;
}

static const char *s_text(const struct store_rows *rows, int col)
{
    return (const char *)sqlite3_column_text(((const struct sqlite_rows *)rows)->stmt, col);
}

static int64_t s_int(const struct store_rows *rows, int col)
{
    return sqlite3_column_int64(((const struct sqlite_rows *)rows)->stmt, col);
}

static const char *s_colname(const struct store_rows *rows, int col)
{
    return sqlite3_column_name(((const struct sqlite_rows *)rows)->stmt, col);
}

static int64_t s_changes(const struct store_rows *rows)
{
    return ((const struct sqlite_rows *)rows)->changes;
}

static void s_rows_free(struct store_rows *rows)
{
    struct sqlite_rows *r = (struct sqlite_rows *)rows;
    sqlite3_reset(r->stmt);
    sqlite3_clear_bindings(r->stmt);
    free(r);
}

static void s_close(struct store *st)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    for (int i = 0; i < s->cache.n; i++)
        sqlite3_finalize(s->cache.v[i].stmt);
    stmt_cache_release(&s->cache);
    sqlite3_close(s->db);
    free(s);
}

static const struct store_driver sqlite_driver = {
    .exec = s_exec,
    .query = s_query,
    .next = s_next,
    .ncols = s_ncols,
    .isnull = s_isnull,
    .text = s_text,
    .get_int = s_int,
    .colname = s_colname,
    .changes = s_changes,
    .rows_free = s_rows_free,
    .close = s_close,
    .begin_sql = "BEGIN IMMEDIATE",
    .snapshot_sql = "BEGIN DEFERRED",
};

int store_sqlite_open(const char *path, struct store **out, struct err *e)
{
    struct sqlite_store *s = xcalloc(1, sizeof *s);
    s->base.drv = &sqlite_driver;
    s->base.kind = STORE_SQLITE;
    int rc = sqlite3_open_v2(
        path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, REINS_ESTORE, "cannot open SQLite database '%s': %s", path,
                s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        sqlite3_close(s->db);
        free(s);
        return REINS_ESTORE;
    }
    sqlite3_extended_result_codes(s->db, 1);
    /* Writers wait up to 10 s for each other instead of failing at once. */
    sqlite3_busy_timeout(s->db, 10000);
    rc = s_exec(&s->base,
                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                " PRAGMA cache_size = -32768; PRAGMA secure_delete = ON;",
                e);
    if (rc < 0) {
        err_prefix(e, "cannot open SQLite database '%s': ", path);
        s_close(&s->base);
        return rc;
    }
    *out = &s->base;
    return 0;
}

struct sqlite3 *store_sqlite_handle(struct store *st)
{
    return st->kind == STORE_SQLITE ? ((struct sqlite_store *)st)->db : NULL;
}
