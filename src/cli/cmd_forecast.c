/* cmd_forecast.c -- reins forecast (a period's range) and reins forecast backtest, on CSV files
 * or on the database's pipeline history. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "forecast/forecast.h"
#include "forecast/forecast_store.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: reins forecast --as-of DATE --period YYYY-Qn [--history FILE.csv]\n"
    "                      [--people FILE.csv] [--quotas FILE.csv] [--seed N]\n"
    "                      [--trials N] [--threads N] [--deals] [--timing]\n"
    "   or: reins forecast backtest [--history FILE.csv] [--people FILE.csv]\n"
    "                      [--calls FILE.csv] [--until DATE] [--seed N] [--trials N]\n"
    "\n"
    "Forecast a quarter's bookings from a deal history (docs/forecast.md): the\n"
    "model learns from the quarters that ended by the as-of date, scores every\n"
    "deal open that day, and simulates the period: P10, P50 and P90 per seller,\n"
    "manager and total, the chance of reaching quota, and the plain weighted\n"
    "pipeline beside it. Without --history the database (--db) is read: its\n"
    "opportunity history and reporting tree, people named by email.\n"
    "--deals lists every open deal with its probability and\n"
    "reasons. The same seed gives the same numbers.\n"
    "\n"
    "backtest replays every past quarter at weeks 1, 4 and 8 and prints each\n"
    "forecaster's MAPE, bias and the model's P10-P90 coverage.\n";

/* Minor units as major with two decimals: -1234 -> "-12.34". */
static const char *money(int64_t v, char buf[32])
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    snprintf(buf, 32, "%s%" PRIu64 ".%02" PRIu64, v < 0 ? "-" : "", a / 100, a % 100);
    return buf;
}

/* Basis points as a percentage with one decimal, rounded half away from zero. */
static void pct(int64_t bp, int sign, char buf[32])
{
    uint64_t a = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
    uint64_t tenths = (a + 5) / 10;
    snprintf(buf, 32, "%s%" PRIu64 ".%" PRIu64 "%%", bp < 0 ? "-" : (sign ? "+" : ""), tenths / 10,
             tenths % 10);
}

static int load(struct fc_data *d, const char *path,
                int (*fn)(struct fc_data *, const char *, size_t, const char *, struct err *))
{
    char *data;
    size_t len;
    if (cli_read_file(path, &data, &len) < 0) return -1;
    struct err e = {0};
    int rc = fn(d, data, len, path, &e);
    free(data);
    if (rc < 0) cli_fail(&e);
    return rc;
}

/* Without --history, the history and the reporting tree come from the database. */
static int load_all(struct fc_data *d, const struct opt *opts, const char *db_url)
{
    const char *h = opt_get(opts, "history");
    const char *p = opt_get(opts, "people"), *q = opt_get(opts, "quotas");
    const char *c = opt_get(opts, "calls");
    if (!h) {
        if (p) {
            fprintf(stderr, "reins: --people needs --history (the database has its own tree)\n");
            return -1;
        }
        struct store *db;
        if (cli_open_db(db_url, &db)) return -1;
        struct err e = {0};
        int rc = fc_load_store(db, d, &e);
        store_close(db);
        if (rc < 0) {
            cli_fail(&e);
            return -1;
        }
    } else if (load(d, h, fc_load_history) < 0) {
        return -1;
    }
    if (p && load(d, p, fc_load_people) < 0) return -1;
    if (q && load(d, q, fc_load_quotas) < 0) return -1;
    if (c && load(d, c, fc_load_calls) < 0) return -1;
    return 0;
}

static int number(const struct opt *opts, const char *name, int64_t lo, int64_t hi, int64_t *v)
{
    const char *s = opt_get(opts, name);
    if (!s) return 0;
    if (parse_int64(s, v) < 0 || *v < lo || *v > hi) {
        fprintf(stderr, "reins: --%s must be a whole number from %" PRId64 " to %" PRId64 "\n",
                name, lo, hi);
        return -1;
    }
    return 0;
}

static int day_opt(const struct opt *opts, const char *name, int32_t *out)
{
    const char *s = opt_get(opts, name);
    struct err e = {0};
    if (!s) return 0;
    if (date_check(s, name, &e) < 0) {
        fprintf(stderr, "reins: --%s: '%s' is not a date (YYYY-MM-DD)\n", name, s);
        return -1;
    }
    *out = (int32_t)date_to_days(s);
    return 0;
}

static void print_row(const char *label, int depth, const struct fc_node *n)
{
    char a[32], b[32], c[32], p10[32], p50[32], p90[32], q[32], hit[16] = "-";
    char name[64];
    snprintf(name, sizeof name, "%*s%.*s", 2 * (depth < 10 ? depth : 10), "",
             40 - 2 * (depth < 10 ? depth : 10), label);
    if (n->range.p_quota_ppm >= 0)
        snprintf(hit, sizeof hit, "%d%%", (n->range.p_quota_ppm + 5000) / 10000);
    printf("%-28s %12s %12s %12s %12s %12s %12s %12s %8s\n", name, money(n->won, a),
           money(n->weighted, b), money(n->new_expected, c), money(n->range.p10, p10),
           money(n->range.p50, p50), money(n->range.p90, p90),
           n->quota >= 0 ? money(n->quota, q) : "-", hit);
}

static void print_tree(const struct fc_forecast *f, const struct fc_data *d, int32_t parent,
                       int depth)
{
    for (size_t i = 0; i < f->nnodes; i++) {
        if (d->manager[i] != parent || !f->node[i].shown) continue;
        print_row(d->person_id[i], depth, &f->node[i]);
        print_tree(f, d, (int32_t)i, depth + 1);
    }
}

static void print_deals(const struct fc_forecast *f, const struct fc_data *d)
{
    const struct fc_model *m = &f->model;
    printf("\nstage rates learned (won before the quarter ended, of the deals open at this "
           "point of it):\n");
    for (size_t s = 0; s <= d->nstages; s++) {
        if (!m->stage_n[s] && s == d->nstages) continue;
        printf("  %-20s %5.1f%%  (won %u of %u)\n", s < d->nstages ? d->stage_name[s] : "(none)",
               100 * m->stage_rate[s], m->stage_won[s], m->stage_n[s]);
    }
    printf("\nopen deals:\n%-16s %-16s %-14s %14s %-10s %6s  reasons\n", "deal", "owner", "stage",
           "amount", "close", "p");
    for (size_t i = 0; i < f->nopen; i++) {
        const struct fc_open_deal *od = &f->open[i];
        char amt[32], close[11] = "-";
        if (od->st.close_day != FC_NO_DAY) date_from_days(od->st.close_day, close);
        printf("%-16s %-16s %-14s %14s %-10s %5.1f%%  stage rate %.1f%%", d->deal_id[od->deal],
               d->person_id[od->st.owner],
               od->st.stage >= 0 ? d->stage_name[od->st.stage] : "(none)",
               money(od->st.amount, amt), close, od->p_ppm / 1e4, 100 * od->stage_rate);
        for (size_t r = 0; r < od->nreasons; r++) {
            char why[160];
            printf("; %s", fc_reason_label(m, d, &od->reason[r], why, sizeof why));
        }
        printf("\n");
    }
}

static int run_backtest(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {{"history", 1}, {"people", 1}, {"calls", 1},   {"until", 1},
                         {"seed", 1},    {"trials", 1}, {"threads", 1}, {0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 1, &help);
    if (npos < 0) return 2;
    if (help) {
        fputs(usage_text, stdout);
        return 0;
    }
    int64_t seed = 1, trials = 2000, threads = 0;
    int32_t until = FC_NO_DAY;
    if (number(opts, "seed", 0, INT64_MAX, &seed) < 0 ||
        number(opts, "trials", 1, 1000000, &trials) < 0 ||
        number(opts, "threads", 0, 64, &threads) < 0 || day_opt(opts, "until", &until) < 0)
        return 2;
    struct fc_data d;
    fc_data_init(&d);
    if (load_all(&d, opts, db_url) < 0) {
        fc_data_release(&d);
        return 1;
    }
    struct fc_backtest b;
    struct err e = {0};
    int rc = fc_backtest_run(&d, until, (uint32_t)trials, (uint64_t)seed, (int)threads, &b, &e);
    if (rc < 0) {
        fc_data_release(&d);
        return cli_fail(&e);
    }
    printf("backtest: %u quarters, %u as-of points (weeks 1, 4, 8), %" PRId64 " trials, seed "
           "%" PRId64 "\n\n",
           b.periods, b.points, trials, seed);
    printf("%-40s %6s %8s %8s %9s\n", "forecaster", "n", "MAPE", "bias", "P10-P90");
    for (size_t i = 0; i < b.nscores; i++) {
        const struct fc_score *s = &b.score[i];
        char mape[32] = "-", bias[32] = "-", cov[32] = "-";
        if (s->mape_bp >= 0) pct(s->mape_bp, 0, mape);
        if (s->has_bias) pct(s->bias_bp, 1, bias);
        if (s->coverage_bp >= 0) pct(s->coverage_bp, 0, cov);
        printf("%-40s %6u %8s %8s %9s\n", s->name, s->n, mape, bias, cov);
    }
    printf("\nMAPE leaves out forecasts where nothing was booked; bias below 0 is "
           "under-forecasting (sandbagging), above 0 optimism.\n");
    fc_backtest_release(&b);
    fc_data_release(&d);
    return 0;
}

int cmd_forecast(int argc, char **argv, const char *db_url)
{
    if (argc > 1 && !strcmp(argv[1], "backtest")) return run_backtest(argc - 1, argv + 1, db_url);
    struct opt opts[] = {{"as-of", 1}, {"period", 1}, {"history", 1}, {"people", 1}, {"quotas", 1},
                         {"seed", 1},  {"trials", 1}, {"threads", 1}, {"deals", 0},  {"timing", 0},
                         {0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 0, &help);
    if (npos < 0) return 2;
    if (help) {
        fputs(usage_text, stdout);
        return 0;
    }
    struct fc_options o = {0};
    struct err e = {0};
    int64_t seed = 1, trials = 10000, threads = 0;
    const char *period = opt_get(opts, "period");
    if (!opt_get(opts, "as-of") || !period) {
        fprintf(stderr, "reins: --as-of DATE and --period YYYY-Qn are required (see --help)\n");
        return 2;
    }
    if (day_opt(opts, "as-of", &o.as_of) < 0 || number(opts, "seed", 0, INT64_MAX, &seed) < 0 ||
        number(opts, "trials", 1, 1000000, &trials) < 0 ||
        number(opts, "threads", 0, 64, &threads) < 0)
        return 2;
    if (fc_period_parse(period, &o.period, "period", &e) < 0) {
        fprintf(stderr, "reins: --period: '%s' is not a quarter (YYYY-Qn)\n", period);
        return 2;
    }
    o.seed = (uint64_t)seed;
    o.trials = (uint32_t)trials;
    o.threads = (int)threads;
    struct fc_data d;
    fc_data_init(&d);
    if (load_all(&d, opts, db_url) < 0) {
        fc_data_release(&d);
        return 1;
    }
    struct fc_forecast f;
    int rc = fc_forecast_run(&d, &o, &f, &e);
    if (rc < 0) {
        fc_forecast_release(&f);
        fc_data_release(&d);
        return cli_fail(&e);
    }
    char as_of[11], pname[8];
    date_from_days(o.as_of, as_of);
    fc_period_name(&o.period, pname);
    printf("forecast %s as of %s: %zu open deals, %u trials, seed %" PRIu64 "\n", pname, as_of,
           f.nopen, o.trials, o.seed);
    printf("learned from %u quarters: %u deals open at this point, %u won (%.1f%%); "
           "quarter-to-quarter swing %.2f (log-odds); wins booked %.1f%% of their amount\n\n",
           f.model.periods, f.model.examples, f.model.wins,
           f.model.examples ? 100.0 * f.model.wins / f.model.examples : 0.0, f.model.swing_sd,
           100.0 * f.model.won_amount_ratio);
    printf("%-28s %12s %12s %12s %12s %12s %12s %12s %8s\n", "", "won", "weighted", "new", "P10",
           "P50", "P90", "quota", "P(quota)");
    print_row("total", 0, &f.total);
    print_tree(&f, &d, -1, 1);
    printf("\nwon: booked by the as-of date; weighted: won + open deals closing in the period "
           "x stage rate;\nnew: expected from deals not created yet; P10/P50/P90: the model's "
           "range of the period's bookings.\n");
    if (opt_get(opts, "deals")) print_deals(&f, &d);
    if (opt_get(opts, "timing"))
        fprintf(stderr,
                "timing: learn %.3f s, simulate %.3f s wall, %.3f s CPU (%zu deals x %u "
                "trials)\n",
                f.learn_seconds, f.simulate_seconds, f.simulate_cpu_seconds, f.nopen, o.trials);
    fc_forecast_release(&f);
    fc_data_release(&d);
    return 0;
}
