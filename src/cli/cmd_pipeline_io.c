/* cmd_pipeline_io.c -- reins import opportunities|accounts and reins export opportunities. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "people/people.h"
#include "pipeline/pipeline.h"

/* What one CRM import needs beyond the file, and what it says back. */
struct crm_file {
    enum crm_source source;
    enum crm_object object;
    int unchanged;
};

static int import_crm(struct store *db, const char *data, size_t len, const char *file, void *ctx,
                      struct import_result *res, struct err *e)
{
    struct crm_file *f = ctx;
    struct change_source by = {f->source == CRM_HUBSPOT ? "import:hubspot" : "import:salesforce", 0,
                               (int64_t)time(NULL)};
    return crm_import_csv(db, f->source, f->object, data, len, file, &by, res, &f->unchanged, e);
}

int cmd_import_crm(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{"source", 1}, {0}};
    const char *pos[2];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 2, &help);
    if (npos < 0) return 2;
    int object = npos >= 1 ? crm_object_parse(pos[0]) : -1;
    int source = crm_source_parse(opt_get(opts, "source"));
    if (help || npos != 2 || object < 0 || source < 0) {
        printf("usage: reins [--db URL] import opportunities|accounts --source salesforce|hubspot"
               " FILE.csv\n\n"
               "Import a CRM export: a Salesforce opportunity or account report, or a HubSpot\n"
               "deal or company export. Columns are found by the saved mapping for the source,\n"
               "else by the usual headers (docs/api.md). Rows already imported from the same\n"
               "source are updated in place by their external id and the changes recorded in\n"
               "the deal's history. Owners are people matched by email. Every bad row is\n"
               "reported with its line and field, and nothing is imported unless the whole\n"
               "file is good. FILE may be - for stdin.\n");
        return help ? 0 : 2;
    }
    struct crm_file file = {(enum crm_source)source, (enum crm_object)object, 0};
    struct import_result res;
    int failed = cli_import_file(db_url, pos[1], import_crm, &file, &res);
    if (!failed)
        printf("reins: imported %s %s: %d created, %d updated, %d unchanged\n", pos[0], pos[1],
               res.created, res.updated, file.unchanged);
    import_result_release(&res);
    return failed;
}

static int export_opportunities(struct store *db, void *ctx, struct sb *out, struct err *e)
{
    (void)ctx;
    struct principal all = {0};
    all.role = ROLE_ADMIN; /* the command line is the database's owner */
    return opportunities_export_csv(db, &all, out, e);
}

int cmd_export_opportunities(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{"output", 1}, {0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 1, &help);
    if (npos < 0) return 2;
    if (help || npos != 1) {
        printf("usage: reins [--db URL] export opportunities [--output FILE]\n\n"
               "Write every opportunity as CSV (to stdout by default; columns in docs/api.md).\n");
        return help ? 0 : 2;
    }
    return cli_export_file(db_url, opt_get(opts, "output"), export_opportunities, NULL);
}
