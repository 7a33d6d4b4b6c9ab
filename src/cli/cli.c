/* cli.c -- option parsing and database opening shared by the commands. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "people/people.h"
#include "store/migrate.h"
#include "surveys/surveys.h"

int opt_parse(int argc, char **argv, struct opt *opts, const char **positional, int max_pos,
              int *help)
{
    int npos = 0;
    *help = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            *help = 1;
            continue;
        }
        if (strncmp(a, "--", 2) || !a[2]) {
            if (npos == max_pos) {
                fprintf(stderr, "reins: unexpected argument '%s' (see --help)\n", a);
                return -1;
            }
            positional[npos++] = a;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        struct opt *o = opts;
        while (o->name && (strlen(o->name) != len || strncmp(o->name, a + 2, len)))
            o++;
        if (!o->name) {
            fprintf(stderr, "reins: unknown option '%s' (see --help)\n", a);
            return -1;
        }
        if (!o->takes_value) {
            if (eq) {
                fprintf(stderr, "reins: option --%s takes no value\n", o->name);
                return -1;
            }
            o->value = "";
        } else if (eq) {
            o->value = eq + 1;
        } else if (i + 1 < argc) {
            o->value = argv[++i];
        } else {
            fprintf(stderr, "reins: option --%s needs a value\n", o->name);
            return -1;
        }
    }
    return npos;
}

const char *opt_get(const struct opt *opts, const char *name)
{
    for (; opts->name; opts++)
        if (!strcmp(opts->name, name)) return opts->value;
    return NULL;
}

int cli_fail(const struct err *e)
{
    fprintf(stderr, "reins: %s\n", e->msg);
    return 1;
}

int cli_open_db(const char *url, struct store **out)
{
    struct err e = {0};
    if (store_open(url, out, &e) < 0) return cli_fail(&e);
    if (migrate_apply(*out, NULL, &e) < 0) {
        store_close(*out);
        *out = NULL;
        return cli_fail(&e);
    }
    return 0;
}

int cli_load_secret(const char *flag, const char *db_url, struct store *db)
{
    char path[4096];
    const char *env = getenv("REINS_SECRET_FILE");
    if (flag && *flag)
        snprintf(path, sizeof path, "%s", flag);
    else if (env && *env)
        snprintf(path, sizeof path, "%s", env);
    else
        surveys_default_secret_path(db_url, path, sizeof path);
    struct err e = {0};
    if (surveys_load_secret(path, &e) < 0 || surveys_check_secret(db, path, &e) < 0)
        return cli_fail(&e);
    return 0;
}

#define MAX_FILE ((size_t)64 << 20)

int cli_slurp(const char *path, size_t max, char **out, size_t *len, struct err *e)
{
    int in = !strcmp(path, "-");
    const char *name = in ? "standard input" : path;
    FILE *f = in ? stdin : fopen(path, "rb");
    if (!f) return err_set(e, REINS_EIO, "%s: %s", name, strerror(errno));
    struct sb buf = SB_INIT;
    char chunk[65536];
    size_t n;
    int rc = 0;
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf.len + n > max)
            rc = err_set(e, REINS_ETOOBIG, "%s: larger than %zu MiB", name, max >> 20);
        else
            sb_add(&buf, chunk, n);
    }
    if (!rc && ferror(f)) rc = err_set(e, REINS_EIO, "%s: read failed", name);
    if (!in) fclose(f);
    if (rc) {
        sb_release(&buf);
        return rc;
    }
    *len = buf.len;
    *out = sb_detach(&buf);
    return 0;
}

int cli_read_file(const char *path, char **out, size_t *len)
{
    struct err e = {0};
    if (!cli_slurp(path, MAX_FILE, out, len, &e)) return 0;
    fprintf(stderr, "reins: %s\n", e.msg);
    return -1;
}

void cli_print_problems(const char *file, const struct import_result *res)
{
    for (size_t i = 0; i < res->nproblems; i++) {
        const struct import_problem *p = &res->problems[i];
        /* name the field unless the message does already */
        int named = p->field && strncmp(p->message, "field ", 6) != 0;
        if (p->line)
            fprintf(stderr, "%s line %zu: %s%s%s\n", file, p->line, named ? p->field : "",
                    named ? ": " : "", p->message);
        else
            fprintf(stderr, "%s: %s%s%s\n", file, named ? p->field : "", named ? ": " : "",
                    p->message);
    }
}

int cli_import_file(const char *db_url, const char *file, cli_import_fn import, void *ctx,
                    struct import_result *res)
{
    *res = (struct import_result){0};
    char *data;
    size_t len;
    if (cli_read_file(file, &data, &len) < 0) return 1;
    struct store *db;
    if (cli_open_db(db_url, &db)) {
        free(data);
        return 1;
    }
    struct err e = {0};
    int rc = import(db, data, len, file, ctx, res, &e);
    cli_print_problems(file, res);
    if (rc < 0) fprintf(stderr, "reins: %s\n", e.msg);
    store_close(db);
    free(data);
    return rc < 0;
}

static int write_output(const char *path, const struct sb *out)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "reins: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    int failed = out->len && fwrite(out->buf, 1, out->len, f) != out->len;
    failed |= (f != stdout ? fclose(f) : fflush(f)) != 0;
    if (failed) {
        fprintf(stderr, "reins: writing %s failed\n", path ? path : "the export");
        return 1;
    }
    return 0;
}

int cli_export_file(const char *db_url, const char *path, cli_export_fn export, void *ctx)
{
    struct store *db;
    if (cli_open_db(db_url, &db)) return 1;
    struct sb out = SB_INIT;
    struct err e = {0};
    int rc = export(db, ctx, &out, &e);
    store_close(db);
    rc = rc < 0 ? cli_fail(&e) : write_output(path, &out);
    sb_release(&out);
    return rc;
}
