/* cmd_splits_io.c -- reins import splits [--source CRM] FILE.csv, reins export splits. */
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "comp/comp_store.h"
#include "people/people.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

static int import_splits(struct store *db, const char *data, size_t len, const char *file,
                         void *ctx, struct import_result *res, struct err *e)
{
    (void)file;
    const char *const *source = ctx;
    return comp_splits_import_csv(db, data, len, *source, (int64_t)time(NULL), 0, res, e);
}

/* --source: the CRM's name as the deals keep it in *name (NULL when not given); -1 for an
 * unknown one. */
static int source_opt(const struct opt *opts, const char **name)
{
    const char *source = opt_get(opts, "source");
    int crm = source ? crm_source_parse(source) : 0;
    *name = source && crm >= 0 ? crm_source_name((enum crm_source)crm) : NULL;
    return crm < 0 ? -1 : 0;
}

int cmd_import_splits(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{"source", 1}, {0}};
    const char *pos[2];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 2, &help);
    if (npos < 0) return 2;
    const char *crm_name;
    if (source_opt(opts, &crm_name) < 0 || help || npos != 2) {
        printf("usage: reins [--db URL] import splits [--source salesforce|hubspot] FILE.csv\n\n"
               "Set deals' credit splits from a CSV file with the columns deal_id (or, with\n"
               "--source, external_id: the deal's id in that CRM), email (the person\n"
               "credited), kind (direct, the default, or overlay) and share_bp (1 to 10000,\n"
               "6000 is 60%%; default 10000). Each deal in the file gets exactly the splits of\n"
               "its lines, its earlier splits replaced; a deal's direct shares come to 10000,\n"
               "or it has none and its owner keeps the whole deal. Every bad line is reported\n"
               "with its number and field, and nothing is set unless the whole file is good.\n"
               "FILE may be - for stdin.\n");
        return help ? 0 : 2;
    }
    struct import_result res;
    int failed = cli_import_file(db_url, pos[1], import_splits, &crm_name, &res);
    if (!failed) {
        int deals = res.created + res.updated;
        printf("reins: imported %s: splits set on %d deal%s (%d had splits before), %d deal%s"
               " already as the file has them\n",
               pos[1], deals, deals == 1 ? "" : "s", res.updated, res.unchanged,
               res.unchanged == 1 ? "" : "s");
    }
    import_result_release(&res);
    return failed;
}

static int export_splits(struct store *db, void *ctx, struct sb *out, struct err *e)
{
    const char *const *source = ctx;
    return comp_splits_export_csv(db, *source, out, e);
}

int cmd_export_splits(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{"source", 1}, {"output", 1}, {0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 1, &help);
    if (npos < 0) return 2;
    const char *crm_name;
    if (source_opt(opts, &crm_name) < 0 || help || npos != 1) {
        printf("usage: reins [--db URL] export splits [--source salesforce|hubspot]"
               " [--output FILE]\n\n"
               "Write every deal's credit splits as CSV in the format reins import splits\n"
               "takes (to stdout by default): by deal_id, or with --source the deals imported\n"
               "from that CRM by external_id.\n");
        return help ? 0 : 2;
    }
    return cli_export_file(db_url, opt_get(opts, "output"), export_splits, &crm_name);
}
