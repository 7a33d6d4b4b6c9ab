/* comp_splits_csv.c -- many deals' credit splits from one CSV file, all or nothing.
 *
 * Sales ops keep splits in the CRM (Salesforce's opportunity splits) or a spreadsheet; one
 * PUT per deal is no way to bring in a year of them. The file is checked whole before
 * anything is written: people, deals and the lookups are read once (one query each, not one
 * per line: a round trip a line is seconds on PostgreSQL), and the rows go in 256 a
 * statement. */
#include "comp/comp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/text.h"
#include "people/people.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

enum { COL_DEAL_ID, COL_EXTERNAL_ID, COL_EMAIL, COL_KIND, COL_SHARE_BP, NCOLS };
static const char *const column_names[NCOLS] = {"deal_id", "external_id", "email", "kind",
                                                "share_bp"};

static const char SQL_PEOPLE[] = "SELECT id, email FROM people";
static const char SQL_DEAL_IDS[] = "SELECT id FROM opportunities";
static const char SQL_DEALS_OF_SOURCE[] =
    "SELECT external_id, id FROM opportunities WHERE source = $1 AND external_id IS NOT NULL";
/* The splits of the deals in the file's id range (the unique index's first column): what
 * the file's deals have now, without reading every deal's. */
static const char SQL_SPLITS_IN_RANGE[] =
    "SELECT opportunity_id, person_id, kind, share_bp, id FROM comp_splits"
    " WHERE opportunity_id BETWEEN $1 AND $2";
static const char SQL_SPLITS_DELETE_IN[] = "DELETE FROM comp_splits WHERE opportunity_id IN ";
static const char SQL_SPLITS_INSERT_HEAD[] =
    "INSERT INTO comp_splits (opportunity_id, person_id, kind, share_bp) VALUES ";
#define EXPORT_SELECT                                                                              \
    "SELECT o.id, o.external_id, p.email, s.kind, s.share_bp FROM comp_splits s"                   \
    " JOIN opportunities o ON o.id = s.opportunity_id JOIN people p ON p.id = s.person_id"
static const char SQL_EXPORT[] = EXPORT_SELECT " ORDER BY o.id, s.kind, s.id";
static const char SQL_EXPORT_OF_SOURCE[] =
    EXPORT_SELECT " WHERE o.source = $1 AND o.external_id IS NOT NULL ORDER BY o.id, s.kind, s.id";
static const char SQL_AUDIT_INSERT_HEAD[] =
    "INSERT INTO comp_audit (changed_at, user_id, action, object, object_id, summary) VALUES ";

/* A name and the id it stands for: people by email, deals by their CRM id. */
struct named {
    const char *name;
    int64_t id;
};

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static int64_t named_find(const struct named *v, size_t n, const char *name)
{
    if (!n) return 0; /* v is NULL then, which bsearch may not be given */
    struct named key = {name, 0};
    const struct named *hit = bsearch(&key, v, n, sizeof *v, named_cmp);
    return hit ? hit->id : 0;
}

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* What the file is checked against, read in the import's transaction. */
struct lookups {
    struct named *people;
    size_t npeople;
    struct named *deals; /* by external id, when the file names deals so */
    int64_t *deal_ids;   /* every deal's id, when the file names deals by deal_id */
    size_t ndeals;
    struct arena text;
};

static int lookups_load(struct store *db, const char *source, struct lookups *l, struct err *e)
{
    struct store_rows *r;
    size_t cap = 0;
    int rc = store_query(db, SQL_PEOPLE, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    while ((rc = store_next(r, e)) > 0) {
        if (l->npeople == cap)
            l->people = xrealloc(l->people, (cap = cap ? 2 * cap : 256) * sizeof *l->people);
        l->people[l->npeople++] =
            (struct named){arena_strdup(&l->text, store_text(r, 1)), store_int(r, 0)};
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (l->npeople) qsort(l->people, l->npeople, sizeof *l->people, named_cmp);
    cap = 0;
    if (source) {
        if ((rc = store_query(db, SQL_DEALS_OF_SOURCE, PARAMS(SV_TEXT(source)), &r, e)) < 0)
            return rc;
        while ((rc = store_next(r, e)) > 0) {
            if (l->ndeals == cap)
                l->deals = xrealloc(l->deals, (cap = cap ? 2 * cap : 1024) * sizeof *l->deals);
            l->deals[l->ndeals++] =
                (struct named){arena_strdup(&l->text, store_text(r, 0)), store_int(r, 1)};
        }
        store_rows_free(r);
        if (rc >= 0 && l->ndeals) qsort(l->deals, l->ndeals, sizeof *l->deals, named_cmp);
    } else {
        if ((rc = store_query(db, SQL_DEAL_IDS, NO_PARAMS, &r, e)) < 0) return rc;
        while ((rc = store_next(r, e)) > 0) {
            if (l->ndeals == cap)
                l->deal_ids =
                    xrealloc(l->deal_ids, (cap = cap ? 2 * cap : 1024) * sizeof *l->deal_ids);
            l->deal_ids[l->ndeals++] = store_int(r, 0);
        }
        store_rows_free(r);
        if (rc >= 0 && l->ndeals) qsort(l->deal_ids, l->ndeals, sizeof *l->deal_ids, id_cmp);
    }
    return rc < 0 ? rc : 0;
}

static void lookups_release(struct lookups *l)
{
    free(l->people);
    free(l->deals);
    free(l->deal_ids);
    arena_release(&l->text);
}

/* One line, by the deal it names (0 when none). */
struct split_row {
    int64_t deal, person;
    enum comp_role kind;
    int64_t share_bp;
    size_t line;
    int bad; /* the line has a problem of its own */
};

static int by_deal_then_line(const void *a, const void *b)
{
    const struct split_row *x = a, *y = b;
    if (x->deal != y->deal) return x->deal < y->deal ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static const char *field_of(const struct csv_row *row, const int col[NCOLS], int c)
{
    return col[c] >= 0 && (size_t)col[c] < row->nfields ? row->fields[col[c]] : "";
}

/* Check one line; problems are recorded, 1 when the line is good (in *out). */
static int check_line(const struct csv_row *row, const int col[NCOLS], const char *source,
                      const struct lookups *l, struct split_row *out, struct import_result *res)
{
    size_t line = row->line, before = res->nproblems;
    struct err fe = {0};
    *out = (struct split_row){.line = line, .kind = COMP_ROLE_DIRECT, .share_bp = COMP_BP};
    if (source) {
        const char *ext = field_of(row, col, COL_EXTERNAL_ID);
        if (!*ext)
            import_problem_add(res, line, "external_id",
                               "field external_id: the deal's %s id is empty", source);
        else if (!(out->deal = named_find(l->deals, l->ndeals, ext)))
            import_problem_add(res, line, "external_id",
                               "field external_id: no deal was imported from %s as '%.100s'",
                               source, ext);
    } else {
        const char *id = field_of(row, col, COL_DEAL_ID);
        if (parse_int64(id, &out->deal) < 0 || out->deal < 1)
            import_problem_add(res, line, "deal_id", "field deal_id: '%.40s' is not a deal id", id);
        else if (!l->ndeals ||
                 !bsearch(&out->deal, l->deal_ids, l->ndeals, sizeof *l->deal_ids, id_cmp))
            import_problem_add(res, line, "deal_id", "field deal_id: no deal %lld",
                               (long long)out->deal);
    }
    char email[EMAIL_MAX + 1];
    if (email_normalize(email, field_of(row, col, COL_EMAIL), "email", &fe) < 0)
        import_problem_add(res, line, "email", "%s", fe.msg);
    else if (!(out->person = named_find(l->people, l->npeople, email)))
        import_problem_add(res, line, "email", "field email: '%s' is not a known person", email);
    const char *kind = field_of(row, col, COL_KIND);
    if (!strcmp(kind, "overlay"))
        out->kind = COMP_ROLE_OVERLAY;
    else if (*kind && strcmp(kind, "direct"))
        import_problem_add(res, line, "kind", "field kind: '%.40s' is not direct or overlay", kind);
    const char *share = field_of(row, col, COL_SHARE_BP);
    if (*share &&
        (parse_int64(share, &out->share_bp) < 0 || out->share_bp < 1 || out->share_bp > COMP_BP))
        import_problem_add(res, line, "share_bp",
                           "field share_bp: '%.40s' is not a share of 1 to 10000 bp (6000 is 60%%)",
                           share);
    return res->nproblems == before;
}

/* Each deal's lines together: the same person twice in a kind, and direct shares that do
 * not come to 100%, are bad lines. A deal with a bad line is not also said to add up wrong
 * (without that line it would not, and saying so helps no one). */
static void check_deals(const struct split_row *s, size_t n, struct import_result *res)
{
    for (size_t a = 0, b; a < n; a = b) {
        int64_t direct = 0;
        int bad = !s[a].deal;
        for (b = a; b < n && s[b].deal == s[a].deal; b++) {
            bad |= s[b].bad;
            if (s[b].kind == COMP_ROLE_DIRECT) direct += s[b].share_bp;
            for (size_t j = a; j < b && s[b].person; j++)
                if (s[j].person == s[b].person && s[j].kind == s[b].kind) {
                    import_problem_add(res, s[b].line, "email",
                                       "field email: line %zu gives this person %s split of this"
                                       " deal already",
                                       s[j].line,
                                       s[b].kind == COMP_ROLE_OVERLAY ? "an overlay" : "a direct");
                    break;
                }
        }
        if (!bad && direct != 0 && direct != COMP_BP)
            import_problem_add(res, s[a].line, "share_bp",
                               "field share_bp: the deal's direct shares (lines from %zu) come to"
                               " %lld bp; they must come to exactly 10000 bp (100%%), or give"
                               " none to credit the owner with the whole deal",
                               s[a].line, (long long)direct);
    }
}

/* The splits a deal had: by deal, then kind and id, as comp_splits_get lists them. */
struct old_split {
    int64_t deal, person, share_bp, id;
    enum comp_role kind;
};

static int old_cmp(const void *a, const void *b)
{
    const struct old_split *x = a, *y = b;
    if (x->deal != y->deal) return x->deal < y->deal ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Whether the file's lines s[a, b) give their deal just the splits old[o0, o1) it has. A
 * person is in a kind once on either side, so equal counts and every line found will do. */
static int same_splits(const struct split_row *s, size_t a, size_t b, const struct old_split *old,
                       size_t o0, size_t o1)
{
    if (b - a != o1 - o0) return 0;
    for (size_t i = a; i < b; i++) {
        size_t j = o0;
        while (j < o1 && (old[j].person != s[i].person || old[j].kind != s[i].kind ||
                          old[j].share_bp != s[i].share_bp))
            j++;
        if (j == o1) return 0;
    }
    return 1;
}

static void splits_append(json_t *a, int64_t person, enum comp_role kind, int64_t share_bp)
{
    json_array_append_new(a, json_pack("{s:I, s:s, s:I}", "person_id", (json_int_t)person, "kind",
                                       comp_role_name(kind), "share_bp", (json_int_t)share_bp));
}

/* A deal whose splits the file changes: its lines s[a, b), its splits now old[o0, o1). */
struct deal_change {
    size_t a, b, o0, o1;
};

/* The audit row's summary of change c, as comp_splits_set writes it; NULL when out of memory. */
static char *change_summary(const struct split_row *s, const struct old_split *old,
                            const struct deal_change *c)
{
    json_t *before = json_array(), *after = json_array();
    for (size_t o = c->o0; o < c->o1; o++)
        splits_append(before, old[o].person, old[o].kind, old[o].share_bp);
    /* "after" as comp_splits_get will list it: kind, then the order inserted */
    for (int pass = 0; pass < 2; pass++) {
        enum comp_role want = pass ? COMP_ROLE_OVERLAY : COMP_ROLE_DIRECT;
        for (size_t i = c->a; i < c->b; i++)
            if (s[i].kind == want) splits_append(after, s[i].person, want, s[i].share_bp);
    }
    json_t *sum = json_pack("{s:o, s:o, s:s}", "before", before, "after", after, "via", "import");
    char *text = json_dumps(sum, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(sum);
    return text;
}

/* Write the checked rows s[0..n) (sorted by deal): the splits of each deal they change
 * replaced (deals the file gives the splits they have are left alone), an audit row each.
 * out->created counts the deals that had no splits, out->updated the others,
 * out->unchanged those left alone. */
static int write_splits(struct store *db, const struct split_row *s, size_t n, int64_t now,
                        int64_t user_id, struct import_result *out, struct err *e)
{
    struct store_rows *r;
    struct old_split *old = NULL;
    struct deal_change *ch = NULL;
    size_t nold = 0, nch = 0, cap = 0;
    if (!n) return 0;
    int rc = store_query(db, SQL_SPLITS_IN_RANGE, PARAMS(SV_INT(s[0].deal), SV_INT(s[n - 1].deal)),
                         &r, e);
    if (rc < 0) return rc;
    while ((rc = store_next(r, e)) > 0) {
        if (nold == cap) old = xrealloc(old, (cap = cap ? 2 * cap : 1024) * sizeof *old);
        old[nold++] = (struct old_split){
            store_int(r, 0), store_int(r, 1), store_int(r, 3), store_int(r, 4),
            strcmp(store_text(r, 2), "overlay") ? COMP_ROLE_DIRECT : COMP_ROLE_OVERLAY};
    }
    store_rows_free(r);
    if (rc < 0) goto out;
    if (nold) qsort(old, nold, sizeof *old, old_cmp);

    ch = xmalloc((n ? n : 1) * sizeof *ch);
    for (size_t a = 0, b, o = 0; a < n; a = b) {
        for (b = a; b < n && s[b].deal == s[a].deal; b++)
            ;
        while (o < nold && old[o].deal < s[a].deal)
            o++;
        size_t o0 = o;
        while (o < nold && old[o].deal == s[a].deal)
            o++;
        if (same_splits(s, a, b, old, o0, o))
            out->unchanged++;
        else
            ch[nch++] = (struct deal_change){a, b, o0, o};
    }
    /* the changed deals' splits go first, 256 deals a statement */
    for (size_t done = 0, k; done < nch && rc >= 0; done += k) {
        k = store_batch_rows(nch - done);
        struct store_val v[STORE_BATCH_ROWS];
        for (size_t i = 0; i < k; i++)
            v[i] = SV_INT(s[ch[done + i].a].deal);
        char *sql = store_insert_sql(SQL_SPLITS_DELETE_IN, (int)k, 1, "");
        rc = store_run(db, sql, v, (int)k, NULL, e);
        free(sql);
    }
    struct store_batch ins, audit;
    store_batch_init(&ins, db, SQL_SPLITS_INSERT_HEAD, 4);
    store_batch_init(&audit, db, SQL_AUDIT_INSERT_HEAD, 6);
    for (size_t c = 0; c < nch && rc >= 0; c++) {
        if (ch[c].o1 > ch[c].o0)
            out->updated++;
        else
            out->created++;
        for (size_t i = ch[c].a; i < ch[c].b && rc >= 0; i++)
            rc = store_batch_add(&ins,
                                 PARAMS(SV_INT(s[i].deal), SV_INT(s[i].person),
                                        SV_TEXT(comp_role_name(s[i].kind)), SV_INT(s[i].share_bp)),
                                 e);
        char *summary = change_summary(s, old, &ch[c]);
        if (!summary && rc >= 0) rc = err_set(e, REINS_ESTORE, "audit: summary cannot be written");
        if (rc >= 0)
            rc = store_batch_add(&audit,
                                 PARAMS(SV_INT(now), SV_ID(user_id), SV_TEXT("splits.set"),
                                        SV_TEXT("deal"), SV_INT(s[ch[c].a].deal), SV_TEXT(summary)),
                                 e);
        free(summary);
    }
    rc = store_batch_end(&ins, rc, e);
    rc = store_batch_end(&audit, rc, e);
out:
    free(ch);
    free(old);
    return rc;
}

int comp_splits_import_csv(struct store *db, const char *data, size_t len, const char *source,
                           int64_t now, int64_t user_id, struct import_result *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct csv_limits lim = CSV_LIMITS_DEFAULT;
    lim.max_field_len = 1024;
    struct csv_doc *doc = NULL;
    struct split_row *rows = NULL;
    struct lookups l = {0};
    int rc = 0;
    if (!import_csv_parse(data, len, &lim, &doc, out)) goto done;
    int col[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        col[c] = csv_find_column(doc, column_names[c]);
    const struct csv_row *head = &doc->rows[0];
    for (size_t i = 0; i < head->nfields; i++) {
        int known = 0;
        for (int c = 0; c < NCOLS && !known; c++)
            known = col[c] == (int)i;
        if (!known)
            import_problem_add(out, head->line, NULL,
                               "the header has a column '%.60s' a splits file does not take"
                               " (deal_id or external_id, email, kind, share_bp)",
                               head->fields[i]);
    }
    if (col[COL_EMAIL] < 0)
        import_problem_add(out, head->line, "email", "the header has no column 'email'");
    if (source && col[COL_EXTERNAL_ID] < 0 && col[COL_DEAL_ID] < 0)
        import_problem_add(out, head->line, "external_id",
                           "the header has no column 'external_id': deals imported from %s are"
                           " named by their %s id",
                           source, source);
    else if (!source && col[COL_DEAL_ID] < 0)
        import_problem_add(out, head->line, "deal_id",
                           col[COL_EXTERNAL_ID] >= 0
                               ? "the header names deals by external_id: say which CRM they came"
                                 " from (source salesforce or hubspot)"
                               : "the header has no column 'deal_id' (or external_id, with the"
                                 " CRM they came from)");
    if (col[COL_DEAL_ID] >= 0 && col[COL_EXTERNAL_ID] >= 0)
        import_problem_add(out, head->line, "deal_id",
                           "the header has both deal_id and external_id: name deals one way");
    else if (source && col[COL_DEAL_ID] >= 0)
        import_problem_add(out, head->line, "deal_id",
                           "the header names deals by deal_id, reins's own ids: leave the source"
                           " out, or name them by external_id");
    if (out->nproblems) goto done;

    if ((rc = store_begin(db, e)) < 0) goto done;
    if ((rc = lookups_load(db, source, &l, e)) < 0) goto rollback;
    rows = xmalloc(doc->nrows * sizeof *rows);
    size_t nrows = doc->nrows - 1;
    for (size_t i = 0; i < nrows; i++)
        rows[i].bad = !check_line(&doc->rows[i + 1], col, source, &l, &rows[i], out);
    qsort(rows, nrows, sizeof *rows, by_deal_then_line);
    check_deals(rows, nrows, out);
    if (out->nproblems) {
        rc = 0;
        goto rollback;
    }
    if ((rc = write_splits(db, rows, nrows, now, user_id, out, e)) < 0 ||
        (rc = store_commit(db, e)) < 0)
        goto rollback;
    goto done;
rollback:
    store_rollback(db);
    out->created = out->updated = out->unchanged = 0;
done:
    if (out->nproblems)
        rc = err_set(e, REINS_EINVAL, "the splits file: %zu bad line%s; nothing was imported",
                     out->nproblems, out->nproblems == 1 ? "" : "s");
    lookups_release(&l);
    free(rows);
    csv_doc_free(doc);
    return rc;
}

int comp_splits_export_csv(struct store *db, const char *source, struct sb *out, struct err *e)
{
    int rc = store_begin_snapshot(db, e);
    if (rc < 0) return rc;
    struct store_rows *r;
    if (source)
        rc = store_query(db, SQL_EXPORT_OF_SOURCE, PARAMS(SV_TEXT(source)), &r, e);
    else
        rc = store_query(db, SQL_EXPORT, NO_PARAMS, &r, e);
    if (rc < 0) {
        store_rollback(db);
        return rc;
    }
    const char *head[] = {source ? "external_id" : "deal_id", "email", "kind", "share_bp"};
    csv_write_row(out, head, 4);
    while ((rc = store_next(r, e)) > 0) {
        char id[24], share[24];
        snprintf(id, sizeof id, "%lld", (long long)store_int(r, 0));
        snprintf(share, sizeof share, "%lld", (long long)store_int(r, 4));
        const char *f[] = {source ? store_text(r, 1) : id, store_text(r, 2), store_text(r, 3),
                           share};
        csv_write_row(out, f, 4);
    }
    store_rows_free(r);
    store_rollback(db); /* read-only: nothing to commit */
    return rc < 0 ? rc : 0;
}
