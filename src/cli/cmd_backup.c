/* cmd_backup.c -- reins backup FILE: a consistent copy, taken while servers run. */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

extern char **environ;

/* PostgreSQL's own tool takes a consistent snapshot online; reins does not
 * reinvent it. The URL goes as an argument, never through a shell. */
static int backup_postgres(const char *url, const char *path)
{
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "reins: backup: '%s' already exists; not overwriting it\n", path);
        return 1;
    }
    char *argv[] = {"pg_dump",    "--format=custom", "--no-owner", "--file",
                    (char *)path, "--dbname",        (char *)url,  NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "reins: backup: cannot run pg_dump (package postgresql-client): %s\n",
                strerror(rc));
        return 1;
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "reins: backup: pg_dump failed\n");
        unlink(path);
        return 1;
    }
    printf("reins: wrote %s (pg_dump custom format; restore with pg_restore; without the survey"
           " secret file: serve it with --secret-file)\n",
           path);
    return 0;
}

int cmd_backup(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 1, &help);
    if (npos < 0) return 2;
    if (help || npos != 1) {
        printf("usage: reins [--db URL] backup FILE\n\n"
               "Write a consistent copy of the database to FILE while it is in use.\n"
               "SQLite: FILE is a SQLite database, usable directly with --db FILE.\n"
               "PostgreSQL: FILE is a pg_dump archive (restore with pg_restore).\n"
               "An existing FILE is never overwritten. The copy does not hold the secret\n"
               "file that seals survey answers (DB.secret, or --secret-file): keep that\n"
               "apart, and serve a restored copy with --secret-file naming it.\n");
        return help ? 0 : 2;
    }
    struct store *db;
    if (cli_open_db(db_url, &db)) return 1;
    if (store_kind(db) == STORE_POSTGRES) {
        store_close(db);
        return backup_postgres(db_url, pos[0]);
    }
    struct err e = {0};
    int rc = store_backup(db, pos[0], &e);
    store_close(db);
    if (rc < 0) return cli_fail(&e);
    printf("reins: wrote %s (without the survey secret file: serve it with --secret-file)\n",
           pos[0]);
    return 0;
}
