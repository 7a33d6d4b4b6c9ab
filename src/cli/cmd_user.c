/* cmd_user.c -- reins user add|passwd|list. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "core/text.h"

static const char SQL_PERSON_BY_EMAIL[] = "SELECT id FROM people WHERE email = $1";
static const char SQL_USERS[] =
    "SELECT u.id, u.email, u.role, COALESCE(p.name, ''), u.disabled FROM users u"
    " LEFT JOIN people p ON p.id = u.person_id ORDER BY u.email";

static void user_usage(void)
{
    printf(
        "usage: reins [--db URL] user add --email E --role admin|manager|seller\n"
        "                                 [--person-email E] (--password PW | --password-stdin)\n"
        "       reins [--db URL] user passwd --email E (--password PW | --password-stdin)\n"
        "       reins [--db URL] user list\n\n"
        "A manager's or seller's login is linked to their person (--person-email);\n"
        "an admin's may be. --password-stdin reads the password from the first line\n"
        "of standard input, which keeps it out of the process list.\n");
}

/* The password from --password or the first line of stdin. */
static const char *password_arg(const struct opt *opts, char *buf, size_t cap)
{
    if (opt_get(opts, "password")) return opt_get(opts, "password");
    if (!opt_get(opts, "password-stdin")) {
        fprintf(stderr, "reins: give --password PW or --password-stdin\n");
        return NULL;
    }
    if (!fgets(buf, (int)cap, stdin)) {
        fprintf(stderr, "reins: no password on standard input\n");
        return NULL;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

static int user_list(struct store *db)
{
    struct store_rows *r;
    struct err e = {0};
    if (store_query(db, SQL_USERS, NO_PARAMS, &r, &e) < 0) return cli_fail(&e);
    int rc;
    printf("%-6s %-40s %-8s %s\n", "id", "email", "role", "person");
    while ((rc = store_next(r, &e)) > 0)
        printf("%-6lld %-40s %-8s %s%s\n", (long long)store_int(r, 0), store_text(r, 1),
               store_text(r, 2), store_text(r, 3), store_int(r, 4) ? " (disabled)" : "");
    store_rows_free(r);
    return rc < 0 ? cli_fail(&e) : 0;
}

int cmd_user(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{"email", 1},    {"role", 1},           {"person-email", 1},
                         {"password", 1}, {"password-stdin", 0}, {0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 1, &help);
    if (npos < 0) return 2;
    if (help || npos != 1) {
        user_usage();
        return help ? 0 : 2;
    }
    const char *sub = pos[0];
    if (strcmp(sub, "add") && strcmp(sub, "passwd") && strcmp(sub, "list")) {
        fprintf(stderr, "reins: unknown user command '%s'\n", sub);
        return 2;
    }
    struct store *db;
    if (cli_open_db(db_url, &db)) return 1;
    struct err e = {0};
    int rc = 0;
    char pwbuf[PASSWORD_MAX_LEN + 2];
    if (!strcmp(sub, "list")) {
        rc = user_list(db);
    } else if (!opt_get(opts, "email")) {
        fprintf(stderr, "reins: --email is required\n");
        rc = 2;
    } else if (!strcmp(sub, "add")) {
        int64_t person_id = 0, id = 0;
        enum role role = role_parse(opt_get(opts, "role"));
        const char *pw = NULL;
        char pe[EMAIL_MAX + 1];
        if (role == ROLE_NONE) {
            fprintf(stderr, "reins: --role must be admin, manager or seller\n");
            rc = 2;
        } else if (opt_get(opts, "person-email") &&
                   (email_normalize(pe, opt_get(opts, "person-email"), "person-email", &e) < 0 ||
                    store_int_query(db, SQL_PERSON_BY_EMAIL, PARAMS(SV_TEXT(pe)), &person_id, &e) <
                        0)) {
            if (e.code == REINS_ENOTFOUND)
                err_set(&e, REINS_ENOTFOUND, "no person with email %s", pe);
            rc = cli_fail(&e);
        } else if (!(pw = password_arg(opts, pwbuf, sizeof pwbuf))) {
            rc = 2;
        } else if (user_add(db, opt_get(opts, "email"), pw, role, person_id, &id, &e) < 0) {
            rc = cli_fail(&e);
        } else {
            printf("reins: added %s user %s (id %lld)\n", role_name(role), opt_get(opts, "email"),
                   (long long)id);
        }
    } else {
        int64_t id = 0;
        const char *pw = NULL;
        if (user_find(db, opt_get(opts, "email"), &id, &e) < 0)
            rc = cli_fail(&e);
        else if (!(pw = password_arg(opts, pwbuf, sizeof pwbuf)))
            rc = 2;
        else if (user_set_password(db, id, pw, &e) < 0)
            rc = cli_fail(&e);
        else
            printf("reins: password of %s changed; their sessions have ended\n",
                   opt_get(opts, "email"));
    }
    store_close(db);
    return rc;
}
