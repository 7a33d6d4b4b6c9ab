/* store_pg.c -- the PostgreSQL driver (libpq), for teams that outgrow one machine. */
#include "store/store_impl.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct pg_store {
    struct store base;
    PGconn *conn;
    struct stmt_cache cache; /* stmt is the malloc'd statement name */
};

struct pg_rows {
    struct store_rows base;
    PGresult *res;
    int row; /* current row; -1 before the first */
    int nrows;
};

static int pg_result_error(PGresult *res, PGconn *conn, struct err *e)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
    char clean[400];
    snprintf(clean, sizeof clean, "%s", msg && *msg ? msg : "unknown error");
    size_t n = strlen(clean);
    while (n && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
        clean[--n] = '\0';
    int code = REINS_ESTORE;
    if (state && !strcmp(state, "23505"))
        code = REINS_ECONFLICT;
    else if (state && !strncmp(state, "23", 2))
        code = REINS_EINVAL;
    return err_set(e, code, "postgresql: %s", clean);
}

/* A pooled connection outlives a PostgreSQL restart or failover: reconnect
 * on the next use, and forget the statements prepared on the old session. */
static void reconnect_if_lost(struct pg_store *s)
{
    if (PQstatus(s->conn) != CONNECTION_BAD) return;
    PQreset(s->conn);
    if (PQstatus(s->conn) != CONNECTION_OK) return; /* the query reports the error */
    for (int i = 0; i < s->cache.n; i++) free(s->cache.v[i].stmt);
    stmt_cache_release(&s->cache);
    PGresult *res = PQexec(s->conn, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
    PQclear(res);
}

static int p_exec(struct store *st, const char *sql, struct err *e)
{
    struct pg_store *s = (struct pg_store *)st;
    reconnect_if_lost(s);
    PGresult *res = PQexec(s->conn, sql);
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        rc = pg_result_error(res, s->conn, e);
    PQclear(res);
    return rc;
}

static int p_query(struct store *st, const char *sql, const struct store_val *params, int nparams,
                   struct store_rows **out, struct err *e)
{
    struct pg_store *s = (struct pg_store *)st;
    reconnect_if_lost(s);
    const char *name = stmt_cache_find(&s->cache, sql);
    if (!name) {
        char *fresh = xasprintf("reins_%d", s->cache.n);
        PGresult *res = PQprepare(s->conn, fresh, sql, 0, NULL);
        if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
            int rc = pg_result_error(res, s->conn, e);
            PQclear(res);
            free(fresh);
            return rc;
        }
        PQclear(res);
        stmt_cache_add(&s->cache, sql, fresh);
        name = fresh;
    }
    /* Parameters travel as text; integers are formatted into one buffer. */
    const char **values = xcalloc((size_t)(nparams ? nparams : 1), sizeof *values);
    char *ints = xcalloc((size_t)(nparams ? nparams : 1), 24);
    for (int i = 0; i < nparams; i++) {
        if (params[i].type == STORE_INT) {
            snprintf(ints + 24 * i, 24, "%" PRId64, params[i].i);
            values[i] = ints + 24 * i;
        } else if (params[i].type == STORE_TEXT) {
            values[i] = params[i].s;
        }
    }
    PGresult *res = PQexecPrepared(s->conn, name, nparams, values, NULL, NULL, 0);
    free(values);
    free(ints);
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        int rc = pg_result_error(res, s->conn, e);
        PQclear(res);
        return rc;
    }
    struct pg_rows *r = xcalloc(1, sizeof *r);
    r->base.s = st;
    r->res = res;
    r->row = -1;
    r->nrows = PQntuples(res);
    *out = &r->base;
    return 0;
}

static int p_next(struct store_rows *rows, struct err *e)
{
    (void)e;
    struct pg_rows *r = (struct pg_rows *)rows;
    if (r->row + 1 >= r->nrows) {
        r->row = r->nrows;
        return 0;
    }
    r->row++;
    return 1;
}

static int p_ncols(const struct store_rows *rows)
{
    return PQnfields(((const struct pg_rows *)rows)->res);
}

static bool p_isnull(const struct store_rows *rows, int col)
{
    const struct pg_rows *r = (const struct pg_rows *)rows;
    return PQgetisnull(r->res, r->row, col);
}

static const char *p_text(const struct store_rows *rows, int col)
{
    const struct pg_rows *r = (const struct pg_rows *)rows;
    if (PQgetisnull(r->res, r->row, col)) return NULL;
    return PQgetvalue(r->res, r->row, col);
}

static int64_t p_int(const struct store_rows *rows, int col)
{
    const char *t = p_text(rows, col);
    if (!t) return 0;
    if (t[0] == 't' && t[1] == '\0') return 1; /* booleans, should one slip through */
    return strtoll(t, NULL, 10);
}

static const char *p_colname(const struct store_rows *rows, int col)
{
    return PQfname(((const struct pg_rows *)rows)->res, col);
}

static int64_t p_changes(const struct store_rows *rows)
{
    const char *t = PQcmdTuples(((const struct pg_rows *)rows)->res);
    return t && *t ? strtoll(t, NULL, 10) : 0;
}

static void p_rows_free(struct store_rows *rows)
{
    struct pg_rows *r = (struct pg_rows *)rows;
    PQclear(r->res);
    free(r);
}

static void p_close(struct store *st)
{
    struct pg_store *s = (struct pg_store *)st;
    for (int i = 0; i < s->cache.n; i++)
        free(s->cache.v[i].stmt);
    stmt_cache_release(&s->cache);
    PQfinish(s->conn);
    free(s);
}

static const struct store_driver pg_driver = {
    .exec = p_exec,
    .query = p_query,
    .next = p_next,
    .ncols = p_ncols,
    .isnull = p_isnull,
    .text = p_text,
    .get_int = p_int,
    .colname = p_colname,
    .changes = p_changes,
    .rows_free = p_rows_free,
    .close = p_close,
    .begin_sql = "BEGIN",
    .snapshot_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
};

/* IF NOT EXISTS and friends send NOTICEs; they are not for the user. */
static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int store_pg_open(const char *conninfo, struct store **out, struct err *e)
{
    struct pg_store *s = xcalloc(1, sizeof *s);
    s->base.drv = &pg_driver;
    s->base.kind = STORE_POSTGRES;
    s->conn = PQconnectdb(conninfo);
    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", s->conn ? PQerrorMessage(s->conn) : "out of memory");
        size_t n = strlen(msg);
        while (n && msg[n - 1] == '\n')
            msg[--n] = '\0';
        err_set(e, REINS_ESTORE, "cannot connect to PostgreSQL: %s", msg);
        PQfinish(s->conn);
        free(s);
        return REINS_ESTORE;
    }
    PQsetNoticeProcessor(s->conn, quiet_notice, NULL);
    int rc = p_exec(&s->base, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'", e);
    if (rc < 0) {
        p_close(&s->base);
        return rc;
    }
    *out = &s->base;
    return 0;
}
