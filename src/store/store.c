/* store.c -- the storage interface: URL dispatch, convenience calls, the pool. */
#include "store/store_impl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

const char *store_default_url(const char *flag_value)
{
    if (flag_value && *flag_value) return flag_value;
    const char *env = getenv("REINS_DB");
    if (env && *env) return env;
    return "reins.db";
}

int store_open(const char *url, struct store **out, struct err *e)
{
    *out = NULL;
    if (!url || !*url) return err_set(e, REINS_EINVAL, "no database given");
    if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
        return store_pg_open(url, out, e);
    if (!strncmp(url, "sqlite:", 7)) url += 7;
    if (!*url) return err_set(e, REINS_EINVAL, "database URL 'sqlite:' names no file");
    return store_sqlite_open(url, out, e);
}

void store_close(struct store *s)
{
    if (s) s->drv->close(s);
}

enum store_kind store_kind(const struct store *s)
{
    return s->kind;
}

int store_exec(struct store *s, const char *sql, struct err *e)
{
    return s->drv->exec(s, sql, e);
}

int store_begin(struct store *s, struct err *e)
{
    return s->drv->exec(s, s->drv->begin_sql, e);
}

int store_begin_snapshot(struct store *s, struct err *e)
{
    return s->drv->exec(s, s->drv->snapshot_sql, e);
}

int store_commit(struct store *s, struct err *e)
{
    return s->drv->exec(s, "COMMIT", e);
}

int store_lock(struct store *s, int64_t key, struct err *e)
{
    if (s->kind != STORE_POSTGRES) return 0;
    return store_run(s, "SELECT pg_advisory_xact_lock($1)", PARAMS(SV_INT(key)), NULL, e);
}

void store_rollback(struct store *s)
{
    struct err ignored;
    s->drv->exec(s, "ROLLBACK", &ignored);
}

int store_query(struct store *s, const char *sql, const struct store_val *params, int nparams,
                struct store_rows **out, struct err *e)
{
    *out = NULL;
    return s->drv->query(s, sql, params, nparams, out, e);
}

int store_next(struct store_rows *r, struct err *e)
{
    return r->s->drv->next(r, e);
}

int store_ncols(const struct store_rows *r)
{
    return r->s->drv->ncols(r);
}

bool store_isnull(const struct store_rows *r, int col)
{
    return r->s->drv->isnull(r, col);
}

int64_t store_int(const struct store_rows *r, int col)
{
    return r->s->drv->get_int(r, col);
}

const char *store_text(const struct store_rows *r, int col)
{
    return r->s->drv->text(r, col);
}

const char *store_colname(const struct store_rows *r, int col)
{
    return r->s->drv->colname(r, col);
}

void store_rows_free(struct store_rows *r)
{
    if (r) r->s->drv->rows_free(r);
}

int store_run(struct store *s, const char *sql, const struct store_val *params, int nparams,
              int64_t *changes, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(s, sql, params, nparams, &r, e);
    if (rc < 0) return rc;
    while ((rc = store_next(r, e)) > 0)
        ;
    if (rc == 0 && changes) *changes = s->drv->changes(r);
    store_rows_free(r);
    return rc;
}

int store_int_query(struct store *s, const char *sql, const struct store_val *params, int nparams,
                    int64_t *out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(s, sql, params, nparams, &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc > 0) {
        *out = store_int(r, 0);
        /* drain, so INSERT ... RETURNING finishes on SQLite */
        while ((rc = store_next(r, e)) > 0)
            ;
    } else if (rc == 0) {
        rc = err_set(e, REINS_ENOTFOUND, "no row");
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

static const char SQLITE_DESCRIBE[] =
    "SELECT m.name, p.name, CASE WHEN p.\"notnull\" = 1 OR p.pk = 1 THEN 1 ELSE 0 END "
    "FROM sqlite_schema m, pragma_table_info(m.name) p "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2";
static const char PG_DESCRIBE[] =
    "SELECT table_name::text, column_name::text, CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END "
    "FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2";

int store_describe_schema(struct store *s, struct sb *out, struct err *e)
{
    struct store_rows *r;
    int rc =
        store_query(s, s->kind == STORE_SQLITE ? SQLITE_DESCRIBE : PG_DESCRIBE, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    while ((rc = store_next(r, e)) > 0)
        sb_addf(out, "%s.%s%s\n", store_text(r, 0), store_text(r, 1),
                store_int(r, 2) ? " notnull" : "");
    store_rows_free(r);
    return rc;
}

/* The pool: a stack of idle connections guarded by a mutex. */
struct store_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    struct store **idle;
    int nidle, size;
};

int store_pool_new(const char *url, int size, struct store_pool **out, struct err *e)
{
    struct store_pool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->idle = xcalloc((size_t)size, sizeof *p->idle);
    p->size = size;
    for (int i = 0; i < size; i++) {
        int rc = store_open(url, &p->idle[i], e);
        if (rc < 0) {
            p->nidle = i;
            store_pool_free(p);
            *out = NULL;
            return rc;
        }
    }
    p->nidle = size;
    *out = p;
    return 0;
}

struct store *store_pool_get(struct store_pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->nidle == 0)
        pthread_cond_wait(&p->freed, &p->lock);
    struct store *s = p->idle[--p->nidle];
    pthread_mutex_unlock(&p->lock);
    return s;
}

void store_pool_put(struct store_pool *p, struct store *s)
{
    pthread_mutex_lock(&p->lock);
    p->idle[p->nidle++] = s;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void store_pool_free(struct store_pool *p)
{
    if (!p) return;
    for (int i = 0; i < p->nidle; i++)
        store_close(p->idle[i]);
    free(p->idle);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p);
}

static uint64_t sql_hash(const char *sql)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

void *stmt_cache_find(const struct stmt_cache *c, const char *sql)
{
    uint64_t h = sql_hash(sql);
    for (int i = 0; i < c->n; i++)
        if (c->v[i].hash == h && !strcmp(c->v[i].sql, sql)) return c->v[i].stmt;
    return NULL;
}

void stmt_cache_add(struct stmt_cache *c, const char *sql, void *stmt)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->v = xrealloc(c->v, (size_t)c->cap * sizeof *c->v);
    }
    c->v[c->n].sql = xstrdup(sql);
    c->v[c->n].hash = sql_hash(sql);
    c->v[c->n].stmt = stmt;
    c->n++;
}

void stmt_cache_release(struct stmt_cache *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->v[i].sql);
    free(c->v);
    c->v = NULL;
    c->n = c->cap = 0;
}

/* ---- many rows per statement --------------------------------------------------------------- */

size_t store_batch_rows(size_t left)
{
    size_t k = STORE_BATCH_ROWS;
    while (k > left)
        k /= 2;
    return k;
}

char *store_insert_sql(const char *head, int ncols, size_t rows, const char *tail)
{
    struct sb sql = SB_INIT;
    sb_adds(&sql, head);
    int k = 1;
    for (size_t r = 0; r < rows; r++) {
        sb_adds(&sql, r ? ", (" : "(");
        for (int c = 0; c < ncols; c++)
            sb_addf(&sql, c ? ", $%d" : "$%d", k++);
        sb_adds(&sql, ")");
    }
    sb_adds(&sql, tail);
    return sb_detach(&sql);
}

void store_batch_init(struct store_batch *b, struct store *db, const char *head, int ncols)
{
    *b = (struct store_batch){.db = db, .head = head, .ncols = ncols};
    b->vals = xmalloc(STORE_BATCH_ROWS * (size_t)ncols * sizeof *b->vals);
}

/* Insert pending rows [0, n) in power-of-two statements, then forget them. */
static int batch_run(struct store_batch *b, size_t n, struct err *e)
{
    int rc = 0;
    for (size_t done = 0, k; done < n && rc >= 0; done += k) {
        k = store_batch_rows(n - done);
        char *sql = store_insert_sql(b->head, b->ncols, k, "");
        rc = store_run(b->db, sql, &b->vals[done * (size_t)b->ncols], (int)k * b->ncols, NULL, e);
        free(sql);
    }
    b->rows = 0;
    arena_release(&b->text);
    return rc;
}

int store_batch_add(struct store_batch *b, const struct store_val *row, int nvals, struct err *e)
{
    if (nvals != b->ncols)
        return err_set(e, REINS_EINTERNAL, "a row of %d values for %d columns", nvals, b->ncols);
    struct store_val *v = &b->vals[b->rows * (size_t)b->ncols];
    for (int c = 0; c < nvals; c++) {
        v[c] = row[c];
        if (row[c].type == STORE_TEXT) v[c].s = arena_strdup(&b->text, row[c].s);
    }
    return ++b->rows == STORE_BATCH_ROWS ? batch_run(b, b->rows, e) : 0;
}

int store_batch_end(struct store_batch *b, int rc, struct err *e)
{
    if (rc >= 0 && b->rows) rc = batch_run(b, b->rows, e);
    arena_release(&b->text);
    free(b->vals);
    b->vals = NULL;
    b->rows = 0;
    return rc;
}
