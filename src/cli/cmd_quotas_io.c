/* cmd_quotas_io.c -- reins import quotas FILE.csv. */
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "people/people.h"
#include "quotas/quotas.h"

static int import_quotas(struct store *db, const char *data, size_t len, const char *file,
                         void *ctx, struct import_result *res, struct err *e)
{
    (void)file, (void)ctx;
    return quotas_import_csv(db, data, len, (int64_t)time(NULL), res, e);
}

int cmd_import_quotas(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{0}};
    const char *pos[2];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 2, &help);
    if (npos < 0) return 2;
    if (help || npos != 2) {
        printf("usage: reins [--db URL] import quotas FILE.csv\n\n"
               "Set quotas from a CSV file with the columns email (a seller) or team, period\n"
               "(2026-07, 2026-Q3 or FY2026, under the fiscal start month), amount (major\n"
               "units, e.g. 25000.00), currency and optionally deals. A quota already set for\n"
               "the same person or team and period is replaced. Every bad line is reported\n"
               "with its number and field, and nothing is set unless the whole file is good.\n"
               "FILE may be - for stdin.\n");
        return help ? 0 : 2;
    }
    struct import_result res;
    int failed = cli_import_file(db_url, pos[1], import_quotas, NULL, &res);
    if (!failed)
        printf("reins: imported %s: %d quotas set, %d replaced\n", pos[1], res.created,
               res.updated);
    import_result_release(&res);
    return failed;
}
