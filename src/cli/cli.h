/* cli.h -- the command line: one cmd_* function per command, each in its own file.
 *
 * A command gets the arguments after its name and the database URL chosen
 * by --db or REINS_DB; it returns the process exit status (0 ok, 1 failed,
 * 2 usage). Options are parsed with the small opt_* helpers below.
 */
#ifndef REINS_CLI_CLI_H
#define REINS_CLI_CLI_H

#include "core/err.h"
#include "store/store.h"

int cmd_init(int argc, char **argv, const char *db_url);
int cmd_serve(int argc, char **argv, const char *db_url);
int cmd_demo(int argc, char **argv, const char *db_url);
int cmd_user(int argc, char **argv, const char *db_url);
int cmd_import(int argc, char **argv, const char *db_url);
int cmd_export(int argc, char **argv, const char *db_url);
int cmd_backup(int argc, char **argv, const char *db_url);
int cmd_comp(int argc, char **argv, const char *db_url);
int cmd_territory(int argc, char **argv, const char *db_url);
/* reins import opportunities|accounts and reins export opportunities (cmd_pipeline_io.c),
 * reached through cmd_import and cmd_export. */
int cmd_import_crm(int argc, char **argv, const char *db_url);
int cmd_export_opportunities(int argc, char **argv, const char *db_url);
int cmd_forecast(int argc, char **argv, const char *db_url);
/* reins import quotas (cmd_quotas_io.c), reached through cmd_import. */
int cmd_import_quotas(int argc, char **argv, const char *db_url);
/* reins import splits and reins export splits (cmd_splits_io.c), reached through
 * cmd_import and cmd_export. */
int cmd_import_splits(int argc, char **argv, const char *db_url);
int cmd_export_splits(int argc, char **argv, const char *db_url);
/* A whole file ("-": standard input) of at most `max` bytes (a number of MiB),
 * NUL-terminated, into *out (the caller frees it). Fails with REINS_EIO (cannot open or
 * read) or REINS_ETOOBIG, naming the path in e->msg. */
int cli_slurp(const char *path, size_t max, char **out, size_t *len, struct err *e);
/* cli_slurp of at most 64 MiB, printing the error. */
int cli_read_file(const char *path, char **out, size_t *len);

/* Options: `--name value` or `--name=value`. */
struct opt {
    const char *name; /* without the dashes */
    int takes_value;
    const char *value; /* set when seen: the value, or "" for a flag */
};
/* Parse argv[1..]: options into `opts` (NULL-name terminated), the rest
 * into positional (at most max_pos). Returns the number of positionals, or
 * -1 after printing a usage error. "--help" sets *help. */
int opt_parse(int argc, char **argv, struct opt *opts, const char **positional, int max_pos,
              int *help);
const char *opt_get(const struct opt *opts, const char *name);

/* Open the database and bring its schema up to date; prints errors. */
int cli_open_db(const char *url, struct store **out);
/* Print each bad line of an import to stderr: "FILE line N: field: message". */
struct import_result;
void cli_print_problems(const char *file, const struct import_result *res);
/* A part's import, applied to a file's bytes; `ctx` carries its own arguments. */
typedef int (*cli_import_fn)(struct store *db, const char *data, size_t len, const char *file,
                             void *ctx, struct import_result *res, struct err *e);
/* Read FILE ("-" for stdin), open the database, run `import` and print every bad
 * line and the error. Returns 0 when the import succeeded, else 1; *res is
 * always set, and the caller releases it with import_result_release. */
int cli_import_file(const char *db_url, const char *file, cli_import_fn import, void *ctx,
                    struct import_result *res);
/* A part's export, written into `out`; `ctx` carries its own arguments. */
struct sb;
typedef int (*cli_export_fn)(struct store *db, void *ctx, struct sb *out, struct err *e);
/* Open the database, run `export` and write what it made to PATH, or to stdout when PATH is
 * NULL; prints errors. 0 or 1. */
int cli_export_file(const char *db_url, const char *path, cli_export_fn export, void *ctx);
/* Load the instance secret that seals survey answers and keeps participation
 * apart from the database (surveys/surveys.h): from --secret-file, else
 * REINS_SECRET_FILE, else beside the database; created when absent, and
 * refused when it is not the one `db` was written with. Prints errors; 0 or 1. */
int cli_load_secret(const char *flag, const char *db_url, struct store *db);
/* Print "reins: <message>" to stderr; returns 1. */
int cli_fail(const struct err *e);

#endif
