/* quotas_csv.c -- set many quotas from one CSV file, all or nothing. */
#include "quotas/quotas.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/text.h"
#include "people/people.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

#define MAX_ROWS 100000

enum { COL_EMAIL, COL_TEAM, COL_PERIOD, COL_AMOUNT, COL_CURRENCY, COL_DEALS, NCOLS };
static const char *const column_names[NCOLS] = {"email",  "team",     "period",
                                                "amount", "currency", "deals"};
static const int column_required[NCOLS] = {0, 0, 1, 1, 1, 0};

static const char SQL_PERSON_BY_EMAIL[] = "SELECT id FROM people WHERE email = $1";
static const char SQL_TEAM_BY_NAME[] = "SELECT id FROM teams WHERE lower(name) = lower($1)";
static const char SQL_COUNT_QUOTAS[] = "SELECT COUNT(*) FROM quotas";

/* A good row, ready to set; the subject as "p<id>" or "t<id>" plus the period, for duplicates. */
struct row {
    struct quota_fields f;
    char key[48];
    size_t line;
};

static int cmp_row_key(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static const char *field_of(const struct csv_row *row, const int col[NCOLS], int c)
{
    return col[c] >= 0 && (size_t)col[c] < row->nfields ? row->fields[col[c]] : "";
}

/* Check one row and resolve its subject; problems are recorded, 1 when the row is good. */
static int check_row(struct store *db, const struct quota_settings *s, const struct csv_row *row,
                     const int col[NCOLS], struct row *out, struct import_result *res,
                     struct err *e)
{
    size_t line = row->line, before = res->nproblems;
    struct err fe = {0};
    const char *email = field_of(row, col, COL_EMAIL), *team = field_of(row, col, COL_TEAM);
    memset(out, 0, sizeof *out);
    out->line = line;
    out->f.deal_count = -1;
    int rc;
    if (!!*email == !!*team) {
        import_problem_add(res, line, *email ? "team" : "email",
                "fill exactly one of email (a seller's quota) and team (a team's quota)");
    } else if (*email) {
        char norm[EMAIL_MAX + 1];
        if (email_normalize(norm, email, "email", &fe) < 0) {
            import_problem_add(res, line, "email", "%s", fe.msg);
        } else if ((rc = store_int_query(db, SQL_PERSON_BY_EMAIL, PARAMS(SV_TEXT(norm)),
                                         &out->f.person_id, e)) == REINS_ENOTFOUND) {
            import_problem_add(res, line, "email", "field email: '%s' is not a known person", norm);
        } else if (rc < 0) {
            return rc;
        }
    } else if ((rc = store_int_query(db, SQL_TEAM_BY_NAME, PARAMS(SV_TEXT(team)), &out->f.team_id,
                                     e)) == REINS_ENOTFOUND) {
        import_problem_add(res, line, "team", "field team: '%.100s' is not a known team", team);
    } else if (rc < 0) {
        return rc;
    }
    struct period p;
    if (period_parse(field_of(row, col, COL_PERIOD), s->fiscal_start_month, "period", &p, &fe) < 0)
        import_problem_add(res, line, "period", "%s", fe.msg);
    out->f.period = field_of(row, col, COL_PERIOD);
    if (amount_parse(field_of(row, col, COL_AMOUNT), &out->f.amount_minor) < 0 ||
        out->f.amount_minor > QUOTA_AMOUNT_MAX)
        import_problem_add(res, line, "amount",
                "field amount: '%.40s' is not an amount such as 25000 or 25000.00 (at most %lld)",
                field_of(row, col, COL_AMOUNT), (long long)(QUOTA_AMOUNT_MAX / 100));
    out->f.currency = field_of(row, col, COL_CURRENCY);
    if (currency_check(out->f.currency, "currency", &fe) < 0)
        import_problem_add(res, line, "currency", "%s", fe.msg);
    const char *deals = field_of(row, col, COL_DEALS);
    if (*deals && (parse_int64(deals, &out->f.deal_count) < 0 || out->f.deal_count < 0 ||
                   out->f.deal_count > QUOTA_DEALS_MAX)) {
        import_problem_add(res, line, "deals", "field deals: '%.40s' is not a whole number from 0 to %d",
                deals, QUOTA_DEALS_MAX);
    }
    if (res->nproblems != before) return 0;
    snprintf(out->key, sizeof out->key, "%c%lld %s", out->f.person_id ? 'p' : 't',
             (long long)(out->f.person_id ? out->f.person_id : out->f.team_id), p.key);
    return 1;
}

int quotas_import_csv(struct store *db, const char *data, size_t len, int64_t now,
                      struct import_result *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct csv_limits lim = CSV_LIMITS_DEFAULT;
    lim.max_rows = MAX_ROWS + 1;
    lim.max_field_len = 1024;
    struct csv_doc *doc = NULL;
    struct row *rows = NULL;
    int rc = 0;
    if (!import_csv_parse(data, len, &lim, &doc, out)) goto done;
    int col[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        col[c] = csv_find_column(doc, column_names[c]);
        if (col[c] < 0 && column_required[c])
            import_problem_add(out, doc->rows[0].line, column_names[c], "the header has no column '%s'",
                    column_names[c]);
    }
    if (col[COL_EMAIL] < 0 && col[COL_TEAM] < 0)
        import_problem_add(out, doc->rows[0].line, "email", "the header needs a column email or team");
    if (out->nproblems) goto done;

    if ((rc = store_begin(db, e)) < 0) goto done;
    struct quota_settings s;
    int64_t before = 0, after = 0;
    if ((rc = quota_settings_get(db, &s, e)) < 0 ||
        (rc = store_int_query(db, SQL_COUNT_QUOTAS, NO_PARAMS, &before, e)) < 0)
        goto rollback;
    rows = xcalloc(doc->nrows, sizeof *rows);
    size_t ngood = 0;
    for (size_t i = 1; i < doc->nrows; i++) {
        if ((rc = check_row(db, &s, &doc->rows[i], col, &rows[ngood], out, e)) < 0) goto rollback;
        ngood += (size_t)rc;
    }
    /* the same subject and period twice is a bad line: which one should win? */
    qsort(rows, ngood, sizeof *rows, cmp_row_key);
    for (size_t i = 1; i < ngood; i++)
        if (!strcmp(rows[i].key, rows[i - 1].key))
            import_problem_add(out, rows[i].line, "period",
                    "field period: this quota is set already on line %zu", rows[i - 1].line);
    if (out->nproblems) {
        rc = 0;
        goto rollback;
    }
    for (size_t i = 0; i < ngood; i++) {
        int64_t id;
        if ((rc = quota_set(db, &rows[i].f, 1, now, &id, e)) < 0) {
            err_prefix(e, "line %zu: ", rows[i].line);
            goto rollback;
        }
    }
    if ((rc = store_int_query(db, SQL_COUNT_QUOTAS, NO_PARAMS, &after, e)) < 0 ||
        (rc = store_commit(db, e)) < 0)
        goto rollback;
    out->created = (int)(after - before);
    out->updated = (int)ngood - out->created;
    goto done;
rollback:
    store_rollback(db);
done:
    if (out->nproblems)
        rc = err_set(e, REINS_EINVAL, "the quota file: %zu bad line%s; nothing was imported",
                     out->nproblems, out->nproblems == 1 ? "" : "s");
    free(rows);
    csv_doc_free(doc);
    return rc;
}
