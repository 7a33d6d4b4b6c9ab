/* cmd_demo.c -- reins demo: fill a database with a demo organisation. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "core/text.h"
#include "demo/demo.h"

int cmd_demo(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{"seed", 1}, {"password", 1}, {"as-of", 1}, {"secret-file", 1}, {0}};
    int help;
    if (opt_parse(argc, argv, opts, NULL, 0, &help) < 0) return 2;
    if (help) {
        printf("usage: reins [--db URL] demo [--seed N] [--password PW] [--as-of YYYY-MM-DD]\n"
               "                             [--secret-file PATH]\n\n"
               "Fill an empty database with a demo organisation: a VP of sales, 4 to 6\n"
               "managers, 30 to 60 sellers (some new and ramping), a login for everyone\n"
               "with the password PW (default 'reins-demo'), and admin@demo.example.\n"
               "The same seed and date give the same organisation (default seed 1, date\n"
               "today).\n");
        return 0;
    }
    int64_t seed = 1;
    if (opt_get(opts, "seed") && parse_int64(opt_get(opts, "seed"), &seed) < 0) {
        fprintf(stderr, "reins: --seed must be a number\n");
        return 2;
    }
    const char *password = opt_get(opts, "password") ? opt_get(opts, "password") : "reins-demo";
    char today[11];
    date_today(today);
    const char *as_of = opt_get(opts, "as-of") ? opt_get(opts, "as-of") : today;
    struct err e = {0};
    char hash[crypto_pwhash_STRBYTES];
    if (password_hash(password, hash, &e) < 0) return cli_fail(&e);
    struct store *db;
    if (cli_open_db(db_url, &db)) return 1;
    if (cli_load_secret(opt_get(opts, "secret-file"), db_url, db)) {
        store_close(db);
        return 1;
    }
    struct demo_summary sum;
    int rc = demo_fill(db, (uint64_t)seed, as_of, hash, &sum, &e);
    store_close(db);
    if (rc < 0) return cli_fail(&e);
    printf("reins: demo organisation in %s: 1 VP, %d managers, %d sellers (%d ramping)\n"
           "Log in with password '%s' as any person, for example:\n"
           "  admin    %s\n  VP       %s\n  manager  %s\n  seller   %s\n",
           db_url, sum.managers, sum.sellers, sum.ramping, password, sum.admin_email, sum.vp_email,
           sum.manager_email, sum.seller_email);
    return 0;
}
