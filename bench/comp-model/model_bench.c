/* model_bench.c -- plan modelling and a payout run in the product, on a year of an org.
 *
 *   model_bench DB PLAN DRAFT RUNS
 *
 * DB holds the org gen.awk wrote and `reins import` loaded (people, quotas, won deals).
 * This puts PLAN on every seller, manager and director from 2025-01-01, splits every
 * seventh deal 60/40 with another seller and gives every eleventh an overlay (a splits CSV
 * file through comp_splits_import_csv, timed once), then times, best and median of RUNS
 * each:
 *   - comp_model(DRAFT, "2025"): the draft and the current plan on the whole year, what
 *     POST /api/v1/comp/plans/model answers;
 *   - comp_model(DRAFT, "2025-Q4"): the same on a quarter;
 *   - comp_payout_run(PLAN, "2025-12"): December's run, computed and stored (lines,
 *     payouts, audit) in one transaction, replacing the last; first with no run closed,
 *     then after January to November were run and closed, as at a year's end (each
 *     closed period is checked for corrections), and once more after the quotas of
 *     January to September were cut by a tenth (a correction per person and closed month);
 *   - comp_estimate: what a deal of 50,000.00 would earn a seller in December (the
 *     statement card's estimator: the plan run with and without it).
 * Built by run.sh against build/libreins.a. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comp/comp.h"
#include "comp/comp_model.h"
#include "comp/comp_store.h"
#include "core/err.h"
#include "people/people.h"
#include "store/migrate.h"
#include "store/store.h"

/* "Now" for runs and models: after the year they are about ended (2026-06-01), as a period
 * is run once it has begun. */
#define AFTER_2025 ((int64_t)20605 * 86400)

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void die(const char *what, const struct err *e)
{
    fprintf(stderr, "model_bench: %s: %s\n", what, e->msg);
    exit(1);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 4096 + 1 > cap) buf = realloc(buf, cap = 2 * cap + 8192);
        if (!buf) exit(1);
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The ids of a one-column query, ascending. */
static int64_t *ids_of(struct store *db, const char *sql, size_t *n)
{
    struct err e = {0};
    struct store_rows *r;
    if (store_query(db, sql, NO_PARAMS, &r, &e) < 0) die(sql, &e);
    size_t cap = 1024;
    int64_t *v = malloc(cap * sizeof *v);
    int rc;
    *n = 0;
    while ((rc = store_next(r, &e)) > 0) {
        if (*n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = store_int(r, 0);
    }
    store_rows_free(r);
    if (rc < 0) die(sql, &e);
    return v;
}

/* Each person's email, by id: ids[i] has emails[i]. */
struct emails {
    int64_t *ids;
    char **emails;
    size_t n;
};

static const char *email_of(const struct emails *m, int64_t id)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->ids[mid] == id) return m->emails[mid];
        if (m->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    fprintf(stderr, "model_bench: person %lld has no email\n", (long long)id);
    exit(1);
}

/* The plan on everyone with a quota (one transaction), then the deals' splits from a CSV
 * file, as sales ops bring them from the CRM (`reins import splits`), timed. */
static int64_t set_up(struct store *db, const char *plan, size_t plan_len)
{
    struct err e = {0};
    int64_t plan_id;
    size_t npayees, nsellers, ndeals, nowners;
    if (store_begin(db, &e) < 0) die("begin", &e);
    if (comp_plan_store(db, plan, plan_len, 1, 0, 0, &plan_id, NULL, &e) < 0) die("plan", &e);
    int64_t *payees = ids_of(db, "SELECT DISTINCT person_id FROM quotas ORDER BY 1", &npayees);
    for (size_t i = 0; i < npayees; i++)
        if (comp_assign(db, plan_id, payees[i], "2025-01-01", NULL, 1, 0, 0, NULL, &e) < 0)
            die("assign", &e);
    if (store_commit(db, &e) < 0) die("commit", &e);
    int64_t *sellers =
        ids_of(db, "SELECT id FROM people WHERE title = 'Account Executive' ORDER BY 1", &nsellers);
    int64_t *deals = ids_of(db, "SELECT id FROM opportunities ORDER BY 1", &ndeals);
    int64_t *owners = ids_of(db, "SELECT owner_id FROM opportunities ORDER BY id", &nowners);
    struct emails m = {0};
    m.ids = ids_of(db, "SELECT id FROM people ORDER BY id", &m.n);
    m.emails = calloc(m.n, sizeof *m.emails);
    struct store_rows *r;
    if (store_query(db, "SELECT email FROM people ORDER BY id", NO_PARAMS, &r, &e) < 0)
        die("emails", &e);
    for (size_t i = 0; i < m.n && store_next(r, &e) > 0; i++)
        m.emails[i] = strdup(store_text(r, 0));
    store_rows_free(r);
    /* every 7th deal split 60/40 with another seller, every 11th with an overlay */
    size_t nsplit = 0, nlines = 0, cap = 1 << 20, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv, cap, "deal_id,email,kind,share_bp\n");
    for (size_t i = 0; i < ndeals && nsellers > 2; i++) {
        if (i % 7 && i % 11) continue;
        int64_t owner = owners[i];
        int64_t partner = sellers[(i * 31) % nsellers] == owner ? sellers[(i * 31 + 1) % nsellers]
                                                                : sellers[(i * 31) % nsellers];
        if (cap - len < 1024) csv = realloc(csv, cap *= 2);
        long long d = (long long)deals[i];
        if (i % 7 == 0) {
            len +=
                (size_t)snprintf(csv + len, cap - len, "%lld,%s,direct,6000\n%lld,%s,direct,4000\n",
                                 d, email_of(&m, owner), d, email_of(&m, partner));
            nlines += 2;
        }
        if (i % 11 == 0) {
            len += (size_t)snprintf(csv + len, cap - len, "%lld,%s,overlay,10000\n", d,
                                    email_of(&m, sellers[i % nsellers]));
            nlines++;
        }
        nsplit++;
    }
    printf("  set up: plan %lld on %zu people with quotas; %zu of %zu deals split or with an "
           "overlay\n",
           (long long)plan_id, npayees, nsplit, ndeals);
    struct import_result res;
    double t = now_ms();
    if (comp_splits_import_csv(db, csv, len, NULL, 0, 0, &res, &e) < 0) die("splits import", &e);
    printf("  splits import, %zu lines for %zu deals, one file:  %7.0f ms\n", nlines, nsplit,
           now_ms() - t);
    import_result_release(&res);
    for (size_t i = 0; i < m.n; i++)
        free(m.emails[i]);
    free(m.emails);
    free(m.ids);
    free(csv);
    free(payees);
    free(sellers);
    free(deals);
    free(owners);
    return plan_id;
}

static void report(const char *what, double *ms, int runs)
{
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    printf("  %-46s best %7.0f ms, median %7.0f ms (%d runs)\n", what, ms[0], ms[runs / 2], runs);
}

static void model(struct store *db, const char *draft, size_t len, const char *period, int runs)
{
    double ms[64];
    json_t *out = NULL;
    for (int i = 0; i < runs; i++) {
        struct err e = {0};
        json_decref(out);
        double t = now_ms();
        if (comp_model(db, draft, len, period, AFTER_2025, &out, &e) < 0)
            die("comp_model", &e);
        ms[i] = now_ms() - t;
    }
    json_t *totals = json_object_get(out, "totals");
    size_t flagged = 0, people = json_array_size(json_object_get(out, "people"));
    for (size_t i = 0; i < people; i++)
        flagged += json_is_true(
            json_object_get(json_array_get(json_object_get(out, "people"), i), "flagged"));
    char what[64];
    snprintf(what, sizeof what, "plan model, %s:", period);
    report(what, ms, runs);
    printf("    %zu people, %zu flagged; current %lld, draft %lld minor units\n", people, flagged,
           (long long)json_integer_value(json_object_get(totals, "current_minor")),
           (long long)json_integer_value(json_object_get(totals, "draft_minor")));
    json_decref(out);
}

/* Run and close January to November, as the year went. */
static void close_year(struct store *db, int64_t plan_id)
{
    double t = now_ms();
    for (int m = 1; m <= 11; m++) {
        struct err e = {0};
        char period[8];
        int64_t run_id;
        snprintf(period, sizeof period, "2025-%02d", m);
        if (comp_payout_run(db, plan_id, period, 0, AFTER_2025 + 2000 + m, 0, &run_id, &e) < 0 ||
            comp_run_close(db, run_id, 0, AFTER_2025 + 2000 + m, 0, &e) < 0)
            die(period, &e);
    }
    printf("  (January to November run and closed in %.0f ms)\n", now_ms() - t);
}

static void payout_run(struct store *db, int64_t plan_id, const char *period, int runs)
{
    double ms[64];
    int64_t run_id = 0;
    for (int i = 0; i < runs; i++) {
        struct err e = {0};
        double t = now_ms();
        if (comp_payout_run(db, plan_id, period, 0, AFTER_2025 + 1000 + i, 0, &run_id, &e) < 0)
            die("comp_payout_run", &e);
        ms[i] = now_ms() - t;
    }
    char what[64];
    int64_t closed = 0;
    struct err ce = {0};
    if (store_int_query(db, "SELECT COUNT(*) FROM comp_runs WHERE status = 'closed'", NO_PARAMS,
                        &closed, &ce) < 0)
        die("count", &ce);
    snprintf(what, sizeof what, "payout run, %s, stored, %lld closed before:", period,
             (long long)closed);
    report(what, ms, runs);
    struct err e = {0};
    int64_t lines = 0, payees = 0;
    if (store_int_query(db, "SELECT COUNT(*) FROM comp_lines WHERE run_id = $1",
                        PARAMS(SV_INT(run_id)), &lines, &e) < 0 ||
        store_int_query(db, "SELECT COUNT(*) FROM comp_payouts WHERE run_id = $1",
                        PARAMS(SV_INT(run_id)), &payees, &e) < 0)
        die("count", &e);
    int64_t corrections = 0;
    if (store_int_query(db,
                        "SELECT COUNT(*) FROM comp_lines WHERE run_id = $1 AND rule = 'correction'",
                        PARAMS(SV_INT(run_id)), &corrections, &e) < 0)
        die("count", &e);
    printf("    %lld lines (%lld corrections), %lld payouts stored\n", (long long)lines,
           (long long)corrections, (long long)payees);
}

/* The first three quarters' quotas cut by a tenth after their months closed, as when a
 * quota is found to have been set too high: attainment rises, retroactive tiers pay more,
 * and the next run owes a correction for most of the closed months' payouts. */
static void cut_closed_quotas(struct store *db)
{
    struct err e = {0};
    int64_t changed = 0;
    if (store_run(db,
                  "UPDATE quotas SET amount_minor = amount_minor * 9 / 10"
                  " WHERE period_start < '2025-10-01'",
                  NO_PARAMS, &changed, &e) < 0)
        die("cut quotas", &e);
    printf("  (%lld quotas of January to September cut by a tenth)\n", (long long)changed);
}

static void estimate(struct store *db, int64_t plan_id, int runs)
{
    double ms[64];
    size_t nsellers;
    int64_t *sellers =
        ids_of(db, "SELECT id FROM people WHERE title = 'Account Executive' ORDER BY 1", &nsellers);
    struct comp_extra_deal deal = {sellers[nsellers / 2], 5000000, "Platform", "New Business"};
    int64_t delta = 0;
    for (int i = 0; i < runs; i++) {
        struct err e = {0};
        double t = now_ms();
        if (comp_estimate(db, plan_id, "2025-12", &deal, &delta, &e) < 0) die("comp_estimate", &e);
        ms[i] = now_ms() - t;
    }
    report("estimator, a deal of 50,000.00 in 2025-12:", ms, runs);
    printf("    it would earn person %lld %lld minor units\n", (long long)deal.person_id,
           (long long)delta);
    free(sellers);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: model_bench DB PLAN DRAFT RUNS\n");
        return 2;
    }
    int runs = atoi(argv[4]);
    if (runs < 1 || runs > 64) runs = 3;
    struct err e = {0};
    struct store *db;
    if (store_open(argv[1], &db, &e) < 0) die(argv[1], &e);
    int applied;
    if (migrate_apply(db, &applied, &e) < 0) die("migrate", &e);
    size_t plan_len, draft_len;
    char *plan = slurp(argv[2], &plan_len), *draft = slurp(argv[3], &draft_len);
    double t = now_ms();
    int64_t plan_id = set_up(db, plan, plan_len);
    printf("  (set up took %.0f ms)\n", now_ms() - t);
    model(db, draft, draft_len, "2025", runs);
    model(db, draft, draft_len, "2025-Q4", runs);
    payout_run(db, plan_id, "2025-12", runs);
    estimate(db, plan_id, runs);
    close_year(db, plan_id);
    payout_run(db, plan_id, "2025-12", runs);
    cut_closed_quotas(db);
    payout_run(db, plan_id, "2025-12", runs);
    free(plan);
    free(draft);
    store_close(db);
    return 0;
}
