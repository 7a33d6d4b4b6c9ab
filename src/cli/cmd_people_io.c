/* cmd_people_io.c -- reins import people FILE.csv and reins export people. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "people/people.h"

int cmd_import(int argc, char **argv, const char *db_url)
{
    if (argc > 1 && (!strcmp(argv[1], "opportunities") || !strcmp(argv[1], "accounts")))
        return cmd_import_crm(argc, argv, db_url);
    if (argc > 1 && !strcmp(argv[1], "quotas")) return cmd_import_quotas(argc, argv, db_url);
    struct opt opts[] = {{0}};
    const char *pos[2];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 2, &help);
    if (npos < 0) return 2;
    if (help || npos != 2 || strcmp(pos[0], "people")) {
        printf("usage: reins [--db URL] import people FILE.csv\n"
               "       reins [--db URL] import opportunities|accounts --source salesforce|hubspot"
               " FILE.csv\n"
               "       reins [--db URL] import quotas FILE.csv\n\n"
               "Import people from a CSV file (columns: name, email, title, manager_email,\n"
               "team, start_date, status; see docs/api.md). A person already known by email\n"
               "is updated. Every bad line is reported with its number and field, and\n"
               "nothing is imported unless the whole file is good. FILE may be - for stdin.\n");
        return help ? 0 : 2;
    }
    char *data;
    size_t len;
    if (cli_read_file(pos[1], &data, &len) < 0) return 1;
    struct store *db;
    if (cli_open_db(db_url, &db)) {
        free(data);
        return 1;
    }
    struct import_result res;
    struct err e = {0};
    int rc = people_import_csv(db, data, len, pos[1], &res, &e);
    cli_print_problems(pos[1], &res);
    if (rc < 0)
        fprintf(stderr, "reins: %s\n", e.msg);
    else
        printf("reins: imported %s: %d created, %d updated\n", pos[1], res.created, res.updated);
    import_result_release(&res);
    store_close(db);
    free(data);
    return rc < 0 ? 1 : 0;
}

int cmd_export(int argc, char **argv, const char *db_url)
{
    if (argc > 1 && !strcmp(argv[1], "opportunities")) return cmd_export_opportunities(argc, argv, db_url);
    struct opt opts[] = {{"output", 1}, {0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 1, &help);
    if (npos < 0) return 2;
    if (help || npos != 1 || strcmp(pos[0], "people")) {
        printf("usage: reins [--db URL] export people|opportunities [--output FILE]\n\n"
               "Write every person as CSV in the import format (to stdout by default).\n");
        return help ? 0 : 2;
    }
    struct store *db;
    if (cli_open_db(db_url, &db)) return 1;
    struct sb out = SB_INIT;
    struct err e = {0};
    int rc = people_export_csv(db, &out, &e);
    store_close(db);
    if (rc < 0) {
        sb_release(&out);
        return cli_fail(&e);
    }
    const char *path = opt_get(opts, "output");
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "reins: cannot write %s: %s\n", path, strerror(errno));
        sb_release(&out);
        return 1;
    }
    int failed = fwrite(out.buf, 1, out.len, f) != out.len;
    failed |= (f != stdout ? fclose(f) : fflush(f)) != 0;
    sb_release(&out);
    if (failed) {
        fprintf(stderr, "reins: writing the export failed\n");
        return 1;
    }
    return 0;
}
