/* cmd_init.c -- reins init: create a database or migrate it. */
#include <stdio.h>

#include "cli/cli.h"
#include "store/migrate.h"

int cmd_init(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{0}};
    int help;
    if (opt_parse(argc, argv, opts, NULL, 0, &help) < 0) return 2;
    if (help) {
        printf("usage: reins [--db URL] init\n\n"
               "Create the database if it does not exist and apply every migration this\n"
               "reins knows (schema version %d). Safe to run again. Refuses a database\n"
               "made by a newer reins.\n",
               migrate_latest());
        return 0;
    }
    struct store *db;
    struct err e = {0};
    int applied = 0, version = 0;
    if (store_open(db_url, &db, &e) < 0) return cli_fail(&e);
    if (migrate_apply(db, &applied, &e) < 0 || migrate_current(db, &version, &e) < 0) {
        store_close(db);
        return cli_fail(&e);
    }
    store_close(db);
    printf("reins: %s is at schema version %d (%d migration%s applied now)\n", db_url, version,
           applied, applied == 1 ? "" : "s");
    return 0;
}
