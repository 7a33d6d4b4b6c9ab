/* people_csv.c -- import and export people as CSV, all or nothing. */
#include "people/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/csv.h"
#include "core/text.h"
#include "store/store.h"

#define MAX_ROWS 100000

enum column { COL_NAME, COL_EMAIL, COL_TITLE, COL_MANAGER, COL_TEAM, COL_START, COL_STATUS, NCOLS };
static const char *const column_names[NCOLS] = {"name", "email",      "title", "manager_email",
                                                "team", "start_date", "status"};
static const int column_required[NCOLS] = {1, 1, 0, 0, 0, 1, 0};

static const char SQL_ALL[] = "SELECT id, email, COALESCE(manager_id, 0) FROM people ORDER BY id";
static const char SQL_INSERT[] =
    "INSERT INTO people (name, email, title, team_id, start_date, status, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
/* A column the file does not have leaves that field as it was ($3, $6 NULL;
 * $8 0 for the team). */
static const char SQL_UPDATE[] =
    "UPDATE people SET name = $2, title = COALESCE($3, title),"
    " team_id = CASE WHEN $8 = 1 THEN $4 ELSE team_id END, start_date = $5,"
    " status = COALESCE($6, status), updated_at = $7 WHERE id = $1";
static const char SQL_SET_MANAGER[] = "UPDATE people SET manager_id = $2 WHERE id = $1";
static const char SQL_EXPORT[] =
    "SELECT p.name, p.email, p.title, m.email, t.name, p.start_date, p.status"
    " FROM people p LEFT JOIN people m ON m.id = p.manager_id"
    " LEFT JOIN teams t ON t.id = p.team_id ORDER BY p.id";

/* One person of the merged graph: everyone known, then the file's new ones. */
struct node {
    char *email; /* normalised; owned by the import's arena */
    int64_t id;  /* 0 for a person the file adds */
    int64_t db_manager_id;
    long parent; /* index of the manager in the merged graph, -1 for none */
    long row;    /* index into the file's rows, -1 if not in the file */
};

struct import {
    struct arena arena;
    struct node *nodes;
    size_t nnodes, cap;
    struct node **by_email; /* sorted for bsearch */
    size_t nindexed;        /* nodes in by_email: later ones are not found */
    struct import_result *res;
    const char *source;
    int col[NCOLS]; /* each column's index in the file, -1 when absent */
};

static long add_node(struct import *im, const char *email, int64_t id, int64_t db_manager_id)
{
    if (im->nnodes == im->cap) {
        im->cap = im->cap ? im->cap * 2 : 256;
        im->nodes = xrealloc(im->nodes, im->cap * sizeof *im->nodes);
    }
    struct node *n = &im->nodes[im->nnodes];
    n->email = arena_strdup(&im->arena, email);
    n->id = id;
    n->db_manager_id = db_manager_id;
    n->parent = -1;
    n->row = -1;
    return (long)im->nnodes++;
}

static int cmp_node_email(const void *a, const void *b)
{
    return strcmp((*(struct node *const *)a)->email, (*(struct node *const *)b)->email);
}

static int cmp_key_email(const void *key, const void *b)
{
    return strcmp(key, (*(struct node *const *)b)->email);
}

static void index_nodes(struct import *im)
{
    free(im->by_email);
    im->by_email = xcalloc(im->nnodes ? im->nnodes : 1, sizeof *im->by_email);
    for (size_t i = 0; i < im->nnodes; i++)
        im->by_email[i] = &im->nodes[i];
    qsort(im->by_email, im->nnodes, sizeof *im->by_email, cmp_node_email);
    im->nindexed = im->nnodes;
}

static long find_node(struct import *im, const char *email)
{
    struct node **hit =
        bsearch(email, im->by_email, im->nindexed, sizeof *im->by_email, cmp_key_email);
    return hit ? (long)(*hit - im->nodes) : -1;
}

static int load_known(struct store *db, struct import *im, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_ALL, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    while ((rc = store_next(r, e)) > 0)
        add_node(im, store_text(r, 1), store_int(r, 0), store_int(r, 2));
    store_rows_free(r);
    if (rc < 0) return rc;
    /* Known reporting lines, by id, become parents by index (nodes are in id order). */
    for (size_t i = 0; i < im->nnodes; i++) {
        int64_t want = im->nodes[i].db_manager_id;
        size_t lo = 0, hi = im->nnodes;
        while (want && lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (im->nodes[mid].id < want)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (want && lo < im->nnodes && im->nodes[lo].id == want) im->nodes[i].parent = (long)lo;
    }
    return 0;
}

struct row_values {
    const char *f[NCOLS];
    char email[EMAIL_MAX + 1];
    long node;
};

/* qsort has no context argument: the rows being sorted, set just before. */
static _Thread_local const struct row_values *sort_vals;

/* Rows by email, then by position, so the first of duplicates comes first. */
static int cmp_row_email(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sort_vals[i].email, sort_vals[j].email);
    return c ? c : (i > j) - (i < j);
}

/* Check one row's own values; problems are recorded, not returned. */
static void check_row(struct import *im, const struct csv_row *row, const int col[NCOLS],
                      struct row_values *v)
{
    struct err e;
    size_t line = row->line;
    for (int c = 0; c < NCOLS; c++) {
        const char *val = col[c] >= 0 && (size_t)col[c] < row->nfields ? row->fields[col[c]] : "";
        v->f[c] = val;
    }
    if (text_check(v->f[COL_NAME], PERSON_NAME_MAX, "name", &e) < 0)
        import_problem_add(im->res, line, "name", "%s", e.msg);
    if (email_normalize(v->email, v->f[COL_EMAIL], "email", &e) < 0) {
        import_problem_add(im->res, line, "email", "%s", e.msg);
        v->email[0] = '\0';
    }
    if (*v->f[COL_TITLE] && text_check(v->f[COL_TITLE], PERSON_TITLE_MAX, "title", &e) < 0)
        import_problem_add(im->res, line, "title", "%s", e.msg);
    if (*v->f[COL_TEAM] && text_check(v->f[COL_TEAM], TEAM_NAME_MAX, "team", &e) < 0)
        import_problem_add(im->res, line, "team", "%s", e.msg);
    if (date_check(v->f[COL_START], "start_date", &e) < 0)
        import_problem_add(im->res, line, "start_date", "%s", e.msg);
    if (*v->f[COL_STATUS] && !person_status_valid(v->f[COL_STATUS]))
        import_problem_add(im->res, line, "status", "field status: '%.40s' is not one of active, leaving, left",
                v->f[COL_STATUS]);
    if (*v->f[COL_MANAGER]) {
        char m[EMAIL_MAX + 1];
        if (email_normalize(m, v->f[COL_MANAGER], "manager_email", &e) < 0)
            import_problem_add(im->res, line, "manager_email", "%s", e.msg);
    }
}

/* Describe the cycle through node `start` as "a -> b -> a". */
static void describe_cycle(struct import *im, long start, char *out, size_t cap)
{
    size_t used = 0;
    long v = start;
    int steps = 0;
    do {
        int n = snprintf(out + used, cap - used, "%s%s", steps ? " -> " : "", im->nodes[v].email);
        if (n < 0 || (size_t)n >= cap - used) break;
        used += (size_t)n;
        v = im->nodes[v].parent;
    } while (v != start && v >= 0 && ++steps < 8);
    if (v == start)
        snprintf(out + used, cap - used, " -> %s", im->nodes[start].email);
    else
        snprintf(out + used, cap - used, " -> ...");
}

static int write_rows(struct store *db, struct import *im, const struct csv_doc *doc,
                      struct row_values *vals, struct err *e)
{
    time_t now = time(NULL);
    int rc;
    for (size_t i = 1; i < doc->nrows; i++) {
        struct row_values *v = &vals[i];
        struct node *n = &im->nodes[v->node];
        int64_t team_id = 0;
        if (*v->f[COL_TEAM] && (rc = teams_ensure(db, v->f[COL_TEAM], &team_id, e)) < 0) return rc;
        const char *status = *v->f[COL_STATUS] ? v->f[COL_STATUS] : "active";
        if (n->id) {
            /* re-importing a file without a column must not wipe that field */
            int has_title = im->col[COL_TITLE] >= 0, has_team = im->col[COL_TEAM] >= 0;
            int has_status = im->col[COL_STATUS] >= 0;
            rc = store_run(db, SQL_UPDATE,
                           PARAMS(SV_INT(n->id), SV_TEXT(v->f[COL_NAME]),
                                  SV_TEXT(has_title ? v->f[COL_TITLE] : NULL), SV_ID(team_id),
                                  SV_TEXT(v->f[COL_START]), SV_TEXT(has_status ? status : NULL),
                                  SV_INT(now), SV_INT(has_team)),
                           NULL, e);
            im->res->updated++;
        } else {
            rc = store_int_query(db, SQL_INSERT,
                                 PARAMS(SV_TEXT(v->f[COL_NAME]), SV_TEXT(v->email),
                                        SV_TEXT(v->f[COL_TITLE]), SV_ID(team_id),
                                        SV_TEXT(v->f[COL_START]), SV_TEXT(status), SV_INT(now)),
                                 &n->id, e);
            im->res->created++;
        }
        if (rc < 0) return err_prefix(e, "%s line %zu: ", im->source, doc->rows[i].line);
    }
    /* Managers last: a manager may come later in the file than their reports. */
    for (size_t i = 1; i < doc->nrows; i++) {
        struct node *n = &im->nodes[vals[i].node];
        int64_t manager = n->parent >= 0 ? im->nodes[n->parent].id : 0;
        rc = store_run(db, SQL_SET_MANAGER, PARAMS(SV_INT(n->id), SV_ID(manager)), NULL, e);
        if (rc < 0) return rc;
    }
    return 0;
}

int people_import_csv(struct store *db, const char *data, size_t len, const char *source,
                      struct import_result *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct import im = {.res = out, .source = source};
    struct csv_limits lim = CSV_LIMITS_DEFAULT;
    lim.max_rows = MAX_ROWS + 1;
    lim.max_field_len = 4096;
    struct csv_doc *doc = NULL;
    struct row_values *vals = NULL;
    int rc = 0;
    if (!import_csv_parse(data, len, &lim, &doc, im.res)) goto done;
    int *col = im.col;
    for (int c = 0; c < NCOLS; c++) {
        col[c] = csv_find_column(doc, column_names[c]);
        if (col[c] < 0 && column_required[c])
            import_problem_add(im.res, doc->rows[0].line, column_names[c], "the header has no column '%s'",
                    column_names[c]);
    }
    if (out->nproblems) goto done;

    if ((rc = store_begin(db, e)) < 0) goto done;
    if ((rc = store_lock(db, PEOPLE_LOCK_KEY, e)) < 0 || (rc = load_known(db, &im, e)) < 0) {
        store_rollback(db);
        goto done;
    }
    vals = xcalloc(doc->nrows, sizeof *vals);
    /* by_email points into nodes: no reallocation while it is in use */
    im.cap = im.nnodes + doc->nrows;
    im.nodes = xrealloc(im.nodes, im.cap * sizeof *im.nodes);
    index_nodes(&im);
    /* Pass 1: each row's own values; a repeated email is a bad line. */
    size_t *order = xcalloc(doc->nrows, sizeof *order), nordered = 0;
    for (size_t i = 1; i < doc->nrows; i++) {
        vals[i].node = -1;
        check_row(&im, &doc->rows[i], col, &vals[i]);
        if (vals[i].email[0]) order[nordered++] = i;
    }
    sort_vals = vals;
    qsort(order, nordered, sizeof *order, cmp_row_email);
    for (size_t k = 0; k < nordered; k++) {
        size_t i = order[k];
        if (k > 0 && !strcmp(vals[order[k - 1]].email, vals[i].email)) {
            import_problem_add(im.res, doc->rows[i].line, "email", "field email: %s appears already on line %zu",
                    vals[i].email, doc->rows[order[k - 1]].line);
            continue;
        }
        /* known people keep their node; new ones join the graph */
        long n = find_node(&im, vals[i].email);
        if (n < 0) n = add_node(&im, vals[i].email, 0, 0);
        im.nodes[n].row = (long)i;
        vals[i].node = n;
    }
    free(order);
    index_nodes(&im);
    /* Pass 2: reporting lines from the file replace known ones. */
    for (size_t i = 1; i < doc->nrows; i++) {
        struct row_values *v = &vals[i];
        if (v->node < 0 || im.col[COL_MANAGER] < 0) continue; /* no column: lines stay */
        im.nodes[v->node].parent = -1;
        if (!*v->f[COL_MANAGER]) continue;
        char m[EMAIL_MAX + 1];
        if (email_normalize(m, v->f[COL_MANAGER], "manager_email", NULL) < 0) continue;
        long mn = find_node(&im, m);
        if (mn < 0)
            import_problem_add(im.res, doc->rows[i].line, "manager_email",
                    "field manager_email: '%s' is not a known person nor in this file", m);
        else if (mn == v->node)
            import_problem_add(im.res, doc->rows[i].line, "manager_email",
                    "field manager_email: a person cannot report to themself");
        else
            im.nodes[v->node].parent = mn;
    }
    if (!out->nproblems) {
        long *parent = xcalloc(im.nnodes ? im.nnodes : 1, sizeof *parent);
        for (size_t i = 0; i < im.nnodes; i++)
            parent[i] = im.nodes[i].parent;
        long c = people_find_cycle(im.nnodes, parent);
        free(parent);
        if (c >= 0) {
            char path[200];
            describe_cycle(&im, c, path, sizeof path);
            /* name a line of the file that is part of the cycle */
            long v = c;
            while (im.nodes[v].row < 0)
                v = im.nodes[v].parent;
            import_problem_add(im.res, doc->rows[im.nodes[v].row].line, "manager_email",
                    "field manager_email: reporting lines would form a cycle: %s", path);
        }
    }
    if (out->nproblems) {
        store_rollback(db);
        goto done;
    }
    if ((rc = write_rows(db, &im, doc, vals, e)) < 0 || (rc = store_commit(db, e)) < 0) {
        store_rollback(db);
        out->created = out->updated = 0;
        goto done;
    }
    rc = 0;
done:
    if (out->nproblems) {
        rc = err_set(e, REINS_EINVAL, "%s: %zu bad line%s; nothing was imported", source,
                     out->nproblems, out->nproblems == 1 ? "" : "s");
    }
    free(vals);
    free(im.nodes);
    free(im.by_email);
    arena_release(&im.arena);
    csv_doc_free(doc);
    return rc;
}

#define MAX_PROBLEMS 1000

int import_csv_parse(const char *data, size_t len, const struct csv_limits *lim,
                     struct csv_doc **doc, struct import_result *r)
{
    struct err e = {0};
    *doc = NULL;
    if (csv_parse(data, len, lim, doc, &e) < 0) {
        /* The parser's message starts "line N: " or "line N, ": the line
         * goes in its own place, like every other problem's. */
        const char *msg = e.msg;
        if (e.line && !strncmp(msg, "line ", 5)) {
            msg += 5;
            while (*msg >= '0' && *msg <= '9')
                msg++;
            if (*msg == ':' || *msg == ',') msg++;
            while (*msg == ' ')
                msg++;
        }
        import_problem_add(r, e.line ? e.line : 1, NULL, "%s", msg);
        return 0;
    }
    if ((*doc)->nrows == 0) {
        csv_doc_free(*doc);
        *doc = NULL;
        import_problem_add(r, 1, NULL, "the file is empty: a header row is required");
        return 0;
    }
    return 1;
}

void import_problem_add(struct import_result *r, size_t line, const char *field, const char *fmt,
                        ...)
{
    if (r->nproblems >= MAX_PROBLEMS) return;
    if (!r->problems) r->problems = xcalloc(MAX_PROBLEMS, sizeof *r->problems);
    struct import_problem *p = &r->problems[r->nproblems++];
    p->line = line;
    p->field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
}

void import_result_release(struct import_result *r)
{
    free(r->problems);
    r->problems = NULL;
    r->nproblems = 0;
}

int people_export_csv(struct store *db, struct sb *out, struct err *e)
{
    int rc = store_begin_snapshot(db, e);
    if (rc < 0) return rc;
    csv_write_row(out, column_names, NCOLS);
    struct store_rows *r;
    if ((rc = store_query(db, SQL_EXPORT, NO_PARAMS, &r, e)) < 0) {
        store_rollback(db);
        return rc;
    }
    while ((rc = store_next(r, e)) > 0) {
        const char *f[NCOLS];
        for (int c = 0; c < NCOLS; c++)
            f[c] = store_text(r, c) ? store_text(r, c) : "";
        csv_write_row(out, f, NCOLS);
    }
    store_rows_free(r);
    store_rollback(db); /* read-only: nothing to commit */
    return rc;
}
