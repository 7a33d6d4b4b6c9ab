/* cmd_people_io.c -- reins import people FILE.csv and reins export people. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "people/people.h"

static int import_people(struct store *db, const char *data, size_t len, const char *file,
                         void *ctx, struct import_result *res, struct err *e)
{
    (void)ctx;
    return people_import_csv(db, data, len, file, res, e);
}

int cmd_import(int argc, char **argv, const char *db_url)
{
    if (argc > 1 && (!strcmp(argv[1], "opportunities") || !strcmp(argv[1], "accounts")))
        return cmd_import_crm(argc, argv, db_url);
    if (argc > 1 && !strcmp(argv[1], "quotas")) return cmd_import_quotas(argc, argv, db_url);
    if (argc > 1 && !strcmp(argv[1], "splits")) return cmd_import_splits(argc, argv, db_url);
    struct opt opts[] = {{0}};
    const char *pos[2];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 2, &help);
    if (npos < 0) return 2;
    if (help || npos != 2 || strcmp(pos[0], "people")) {
        printf("usage: reins [--db URL] import people FILE.csv\n"
               "       reins [--db URL] import opportunities|accounts --source salesforce|hubspot"
               " FILE.csv\n"
               "       reins [--db URL] import quotas FILE.csv\n"
               "       reins [--db URL] import splits [--source salesforce|hubspot] FILE.csv\n\n"
               "Import people from a CSV file (columns: name, email, title, manager_email,\n"
               "team, start_date, status; see docs/api.md). A person already known by email\n"
               "is updated. Every bad line is reported with its number and field, and\n"
               "nothing is imported unless the whole file is good. FILE may be - for stdin.\n");
        return help ? 0 : 2;
    }
    struct import_result res;
    int failed = cli_import_file(db_url, pos[1], import_people, NULL, &res);
    if (!failed)
        printf("reins: imported %s: %d created, %d updated\n", pos[1], res.created, res.updated);
    import_result_release(&res);
    return failed;
}

static int export_people(struct store *db, void *ctx, struct sb *out, struct err *e)
{
    (void)ctx;
    return people_export_csv(db, out, e);
}

int cmd_export(int argc, char **argv, const char *db_url)
{
    if (argc > 1 && !strcmp(argv[1], "opportunities"))
        return cmd_export_opportunities(argc, argv, db_url);
    if (argc > 1 && !strcmp(argv[1], "splits")) return cmd_export_splits(argc, argv, db_url);
    struct opt opts[] = {{"output", 1}, {0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 1, &help);
    if (npos < 0) return 2;
    if (help || npos != 1 || strcmp(pos[0], "people")) {
        printf("usage: reins [--db URL] export people|opportunities|splits [--output FILE]\n\n"
               "Write every person as CSV in the import format (to stdout by default).\n");
        return help ? 0 : 2;
    }
    return cli_export_file(db_url, opt_get(opts, "output"), export_people, NULL);
}
