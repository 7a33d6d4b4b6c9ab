/* main.c -- reins: the command line, dispatched git-style from one table. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv, const char *db_url);
    const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, "create a database or migrate it to this version"},
    {"serve", cmd_serve, "serve the JSON API (and the UI) over HTTP"},
    {"demo", cmd_demo, "fill a database with a believable demo organisation"},
    {"user", cmd_user, "add users, set passwords, list users"},
    {"import", cmd_import, "import people, quotas, deal splits, or CRM deals and accounts, from CSV"},
    {"export", cmd_export, "export people, opportunities or deal splits as CSV"},
    {"backup", cmd_backup, "write a consistent copy of the database, online"},
    {"comp", cmd_comp, "run a compensation plan on CSV files (comp calc)"},
    {"territory", cmd_territory, "align territories on the database or on CSV/GraphML files"},
    {"forecast", cmd_forecast, "forecast a quarter from a deal history; backtest it"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: reins [--db URL] <command> [<args>]\n\n"
                 "reins leads people first, then manages sales.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "   %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n--db URL picks the database (also REINS_DB; default reins.db):\n"
                 "   PATH or sqlite:PATH        a SQLite file, created if absent\n"
                 "   postgresql://...           a PostgreSQL database (libpq URI)\n"
                 "\n'reins <command> --help' tells more about a command.\n"
                 "--version prints the version.\n");
}

int main(int argc, char **argv)
{
    /* --db may stand anywhere; take it out before the command sees argv. */
    const char *db_flag = NULL;
    int n = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            db_flag = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            db_flag = argv[i] + 5;
        } else if (!strcmp(argv[i], "--db")) {
            fprintf(stderr, "reins: option --db needs a value\n");
            return 2;
        } else {
            argv[n++] = argv[i];
        }
    }
    argc = n;
    argv[argc] = NULL;
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("reins %s\n", REINS_VERSION);
        return 0;
    }
    struct err e = {0};
    if (auth_init(&e) < 0) return cli_fail(&e);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1, store_default_url(db_flag));
    fprintf(stderr, "reins: '%s' is not a reins command. See 'reins --help'.\n", argv[1]);
    return 2;
}
