/* comp_xlsx.c -- the payroll of a closed run as an XLSX workbook (libxlsxwriter).
 *
 * The rows are comp_payroll_csv's, read back with core/csv.h, so the two
 * exports cannot disagree on who is paid or on the closed-run rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "comp/comp_admin.h"
#include "comp/comp_store.h"
#include "core/csv.h"
#include "core/text.h"
#include "store/store.h"

static const char SQL_RUN_CURRENCY[] =
    "SELECT p.document FROM comp_runs r JOIN comp_plans p ON p.id = r.plan_id WHERE r.id = $1";

/* The columns of the CSV, in its order; the money ones become numbers. */
enum { COL_EMAIL, COL_NAME, COL_PERIOD, COL_EARNED, COL_PAID, COL_PAYOUT, NCSV };
static const char *const HEADERS[] = {"email",        "name",   "period",  "earned",
                                      "paid_to_date", "payout", "currency"};
static const double WIDTHS[] = {32, 28, 10, 14, 14, 14, 9};

static int run_currency(struct store *db, int64_t run_id, char *out, size_t n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_RUN_CURRENCY, PARAMS(SV_INT(run_id)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc == 0) rc = err_field(e, REINS_ENOTFOUND, "run_id", "no run %lld", (long long)run_id);
    if (rc > 0) {
        json_t *doc = json_loads(store_text(r, 0), 0, NULL);
        const char *c = json_string_value(json_object_get(doc, "currency"));
        snprintf(out, n, "%s", c ? c : "");
        json_decref(doc);
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* Write the workbook to `path`. Amounts are minor units; reins keeps every
 * currency in hundredths of its unit (pipeline.c amount_parse), so the cell is
 * minor / 100 shown with two decimals. A double holds every such value below
 * 2^53 cents to the cent, and libxlsxwriter writes it with 16 significant
 * digits, so 123.45 reads back as 123.45. */
static int write_workbook(const char *path, const struct csv_doc *doc, const char *currency,
                          struct err *e)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, REINS_EIO, "payroll.xlsx: cannot create the workbook");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Payroll");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00");
    int rc = 0;
    for (lxw_col_t c = 0; c < sizeof HEADERS / sizeof HEADERS[0]; c++) {
        worksheet_write_string(ws, 0, c, HEADERS[c], bold);
        worksheet_set_column(ws, c, c, WIDTHS[c], NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t i = 1; i < doc->nrows && rc == 0; i++) {
        const struct csv_row *row = &doc->rows[i];
        if (row->nfields != NCSV) {
            rc = err_set(e, REINS_EINTERNAL, "payroll.csv line %zu: %zu fields", row->line,
                         row->nfields);
            break;
        }
        lxw_row_t y = (lxw_row_t)i;
        for (lxw_col_t c = COL_EMAIL; c <= COL_PERIOD; c++)
            worksheet_write_string(ws, y, c, row->fields[c], NULL);
        for (lxw_col_t c = COL_EARNED; c <= COL_PAYOUT; c++) {
            int64_t minor;
            if (parse_int64(row->fields[c], &minor) < 0) {
                rc = err_set(e, REINS_EINTERNAL, "payroll.csv line %zu: amount '%s'", row->line,
                             row->fields[c]);
                break;
            }
            worksheet_write_number(ws, y, c, (double)minor / 100.0, money);
        }
        worksheet_write_string(ws, y, NCSV, currency, NULL);
    }
    lxw_error xe = workbook_close(wb); /* frees wb whatever happens */
    if (rc == 0 && xe != LXW_NO_ERROR)
        rc = err_set(e, REINS_EIO, "payroll.xlsx: %s", lxw_strerror(xe));
    return rc;
}

/* Append the file at `path` to `out`. */
static int slurp(const char *path, struct sb *out, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(e, REINS_EIO, "payroll.xlsx: cannot read the workbook back");
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(out, buf, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? err_set(e, REINS_EIO, "payroll.xlsx: cannot read the workbook back") : 0;
}

int comp_payroll_xlsx(struct store *db, int64_t run_id, struct sb *out, struct err *e)
{
    struct sb csv = SB_INIT;
    struct csv_doc *doc = NULL;
    char currency[64];
    int rc = comp_payroll_csv(db, run_id, &csv, e);
    if (rc >= 0) rc = run_currency(db, run_id, currency, sizeof currency, e);
    if (rc >= 0) rc = csv_parse(csv.buf, csv.len, NULL, &doc, e);
    sb_release(&csv);
    if (rc < 0) return rc;

    /* libxlsxwriter 1.1.4 (Debian 12) writes only to a named file. */
    const char *dir = getenv("TMPDIR");
    char *path = xasprintf("%s/reins-payroll-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        rc = err_set(e, REINS_EIO, "payroll.xlsx: cannot make a temporary file in %s",
                     dir && *dir ? dir : "/tmp");
    } else {
        close(fd);
        rc = write_workbook(path, doc, currency, e);
        if (rc == 0) rc = slurp(path, out, e);
        unlink(path);
    }
    free(path);
    csv_doc_free(doc);
    return rc;
}
