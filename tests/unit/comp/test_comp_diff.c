/* test_comp_diff.c -- the engine and the lines writer give exactly the results they gave
 * before the speed work (bench/comp/README.md).
 *
 * A fixed, generated dataset (a small org with roll-up, 60/40 splits, overlays,
 * cancellations and a few non-decimal credit ids) is run under four plans that together
 * use every feature: marginal, retroactive and mixed tiers, hold and forfeit thresholds,
 * caps per credit, per component and per plan, milestones, fixed and percentage SPIFs,
 * recoverable and non-recoverable draws, clawbacks. Every line is written as
 * `reins comp calc` writes it (comp_line_csv, sentence included) and every payout as its
 * totals row; the FNV-1a hash of those bytes, the number of lines and the sum of all line
 * amounts must equal the values recorded from the engine as it was before the change
 * (commit 2a42ebe). The hand-computed cases of test_comp.c say the results are right;
 * this test says they did not move. The hashes of the plans that count overlay or roll-up
 * at a share were recorded again when sentences began to say that share ("overlay,
 * counted at 50%"); their line counts and sums are the 2a42ebe ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "comp/comp.h"
#include "comp/comp_io.h"
#include "core/mem.h"

/* ---- the dataset ----------------------------------------------------------------------- */

static uint32_t seed;

static uint32_t rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

enum { SELLERS = 64, MANAGERS = 8, DIRECTORS = 2, DEALS = 6000 };

static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

struct dataset {
    struct sb people, quotas, credits;
};

static void dataset_make(struct dataset *ds)
{
    *ds = (struct dataset){SB_INIT, SB_INIT, SB_INIT};
    seed = 7;
    sb_adds(&ds->people, "person,manager\nvp,\n");
    for (int d = 0; d < DIRECTORS; d++)
        sb_addf(&ds->people, "d%d,vp\n", d);
    for (int m = 0; m < MANAGERS; m++)
        sb_addf(&ds->people, "m%d,d%d\n", m, m % DIRECTORS);
    for (int s = 0; s < SELLERS; s++)
        sb_addf(&ds->people, "s%d,m%d\n", s, s % MANAGERS);
    sb_adds(&ds->quotas, "person,period,amount\n");
    for (int q = 1; q <= 4; q++) {
        for (int s = 0; s < SELLERS; s++)
            sb_addf(&ds->quotas, "s%d,2026-Q%d,%u\n", s, q, 50000000 + rnd(60000000));
        for (int m = 0; m < MANAGERS; m++)
            sb_addf(&ds->quotas, "m%d,2026-Q%d,%u\n", m, q, 500000000 + rnd(300000000));
        for (int d = 0; d < DIRECTORS; d++) /* d1 has no Q4 quota: roll-up skips it */
            if (d == 0 || q < 4) sb_addf(&ds->quotas, "d%d,2026-Q%d,%ld\n", d, q, 2500000000L);
    }
    static const char *const prod[] = {"Core", "Analytics", "Platform", "Services"};
    static const char *const type[] = {"new", "renewal", "expansion"};
    sb_adds(&ds->credits, "id,deal,person,date,amount,split_bp,role,product,deal_type,"
                          "cancelled_on\n");
    int id = 0;
    for (int k = 0; k < DEALS; k++) {
        int m = (int)rnd(12), day = 1 + (int)rnd((uint32_t)mdays[m]);
        long amount = 10000 + (long)rnd(4000000) * (long)(1 + rnd(3));
        int s = (int)rnd(SELLERS);
        const char *p = prod[rnd(4)], *t = type[rnd(3)];
        char canc[24] = "";
        if (rnd(100) < 4) {
            int cd = day + 1 + (int)rnd(130), cm = m;
            while (cm < 11 && cd > mdays[cm])
                cd -= mdays[cm++];
            if (cd > mdays[cm]) cd = mdays[cm];
            snprintf(canc, sizeof canc, "2026-%02d-%02d", cm + 1, cd);
        }
        uint32_t r = rnd(100);
        /* a few ids are not decimal: they sort bytewise after the decimal ones */
        char idbuf[3][24];
        for (int i = 0; i < 3; i++) {
            id++;
            if (rnd(50) == 0)
                snprintf(idbuf[i], sizeof idbuf[i], "X-%d", id);
            else
                snprintf(idbuf[i], sizeof idbuf[i], "%d", id);
        }
        if (r < 15) {
            int s2 = (s + 1 + (int)rnd(7)) % SELLERS;
            sb_addf(&ds->credits, "%s,D%d,s%d,2026-%02d-%02d,%ld,6000,direct,%s,%s,%s\n", idbuf[0],
                    k, s, m + 1, day, amount, p, t, canc);
            sb_addf(&ds->credits, "%s,D%d,s%d,2026-%02d-%02d,%ld,4000,,%s,%s,%s\n", idbuf[1], k, s2,
                    m + 1, day, amount, p, t, canc);
        } else {
            sb_addf(&ds->credits, "%s,D%d,s%d,2026-%02d-%02d,%ld,,direct,%s,%s,%s\n", idbuf[0], k,
                    s, m + 1, day, amount, p, t, canc);
        }
        if (r >= 88)
            sb_addf(&ds->credits, "%s,D%d,s%d,2026-%02d-%02d,%ld,10000,overlay,%s,%s,%s\n",
                    idbuf[2], k, (s + 17) % SELLERS, m + 1, day, amount, p, t, canc);
    }
}

static void dataset_release(struct dataset *ds)
{
    sb_release(&ds->people);
    sb_release(&ds->quotas);
    sb_release(&ds->credits);
}

/* ---- the plans ------------------------------------------------------------------------- */

/* bench/comp/plan.json: mixed tiers, hold, overlay, roll-up, caps, bonus, SPIF, draw */
static const char plan_mixed[] =
    "{\"name\": \"mixed\", \"effective_from\": \"2026-01-01\", \"quota_period\": \"quarter\","
    " \"payout_period\": \"month\", \"clawback_days\": 90,"
    " \"cap\": {\"amount\": 10000000, \"period\": \"quarter\"},"
    " \"draw\": {\"type\": \"recoverable\", \"amount\": 300000, \"payout_periods\": 3},"
    " \"components\": ["
    "  {\"id\": \"commission\", \"type\": \"commission\", \"mode\": \"mixed\","
    "   \"credit\": {\"direct\": 10000, \"overlay\": 5000, \"rollup\": 10000},"
    "   \"threshold\": {\"at_bp\": 2000, \"type\": \"hold\"},"
    "   \"tiers\": [{\"from_bp\": 0, \"to_bp\": 5000, \"rate_ppm\": 40000},"
    "    {\"from_bp\": 5000, \"to_bp\": 10000, \"rate_ppm\": 80000, \"retroactive\": true},"
    "    {\"from_bp\": 10000, \"to_bp\": 15000, \"rate_ppm\": 120000},"
    "    {\"from_bp\": 15000, \"rate_ppm\": 150000}], \"cap_per_credit\": 500000},"
    "  {\"id\": \"club\", \"type\": \"milestone\", \"milestones\": [{\"at_bp\": 10000, "
    "\"amount\": 250000}, {\"at_bp\": 15000, \"amount\": 500000}]},"
    "  {\"id\": \"analytics-new\", \"type\": \"spif\", \"filter\": {\"products\": "
    "[\"Analytics\"], \"deal_types\": [\"new\"], \"from\": \"2026-04-01\", \"to\": "
    "\"2026-06-30\"}, \"rate_ppm\": 10000}]}";

/* bench/comp/plan-10m.json: marginal tiers, a SPIF, a cap (no roll-up) */
static const char plan_marginal[] =
    "{\"name\": \"marginal\", \"effective_from\": \"2026-01-01\", \"quota_period\": "
    "\"quarter\", \"payout_period\": \"month\", \"clawback_days\": 60,"
    " \"components\": ["
    "  {\"id\": \"commission\", \"type\": \"commission\", \"mode\": \"marginal\","
    "   \"credit\": {\"direct\": 10000, \"overlay\": 2500},"
    "   \"tiers\": [{\"from_bp\": 0, \"to_bp\": 5000, \"rate_ppm\": 30000},"
    "    {\"from_bp\": 5000, \"to_bp\": 10000, \"rate_ppm\": 60000},"
    "    {\"from_bp\": 10000, \"to_bp\": 15000, \"rate_ppm\": 90000},"
    "    {\"from_bp\": 15000, \"rate_ppm\": 120000}],"
    "   \"cap\": {\"amount\": 4000000, \"period\": \"quarter\"}},"
    "  {\"id\": \"platform-spif\", \"type\": \"spif\", \"filter\": {\"products\": "
    "[\"Platform\"], \"min_amount\": 2000000}, \"amount\": 50000}]}";

/* retroactive tiers above a forfeit threshold, a yearly plan cap, a non-recoverable draw */
static const char plan_retro[] =
    "{\"name\": \"retro\", \"effective_from\": \"2026-01-01\", \"quota_period\": \"quarter\","
    " \"payout_period\": \"quarter\", \"clawback_days\": 120,"
    " \"cap\": {\"amount\": 30000000, \"period\": \"year\"},"
    " \"draw\": {\"type\": \"non_recoverable\", \"amount\": 200000},"
    " \"components\": ["
    "  {\"id\": \"commission\", \"type\": \"commission\", \"mode\": \"retroactive\","
    "   \"credit\": {\"direct\": 10000, \"overlay\": 10000},"
    "   \"threshold\": {\"at_bp\": 3000, \"type\": \"forfeit\"},"
    "   \"tiers\": [{\"from_bp\": 0, \"to_bp\": 8000, \"rate_ppm\": 50000},"
    "    {\"from_bp\": 8000, \"to_bp\": 12000, \"rate_ppm\": 70000},"
    "    {\"from_bp\": 12000, \"rate_ppm\": 95000}], \"cap_per_credit\": 150000}]}";

/* roll-up with a monthly quota measured per quarter of payouts, no threshold */
static const char plan_rollup[] =
    "{\"name\": \"rollup\", \"effective_from\": \"2026-01-01\", \"quota_period\": "
    "\"quarter\", \"payout_period\": \"month\","
    " \"components\": ["
    "  {\"id\": \"commission\", \"type\": \"commission\", \"mode\": \"mixed\","
    "   \"credit\": {\"direct\": 10000, \"rollup\": 2500},"
    "   \"tiers\": [{\"from_bp\": 0, \"to_bp\": 7000, \"rate_ppm\": 20000}, {\"from_bp\": 7000, "
    "\"rate_ppm\": "
    "40000, \"retroactive\": true}]},"
    "  {\"id\": \"renewals\", \"type\": \"spif\", \"filter\": {\"deal_types\": [\"renewal\"]}, "
    "\"amount\": 10000}]}";

/* ---- the check ------------------------------------------------------------------------- */

/* A plan and the dataset, with these credit rows, read into in; r for a run of it. */
struct run_of {
    struct comp_plan *plan;
    struct comp_data d;
    struct comp_input in;
    struct comp_result r;
};

static void read_of(struct run_of *x, const char *plan, const struct dataset *ds,
                    const struct sb *credits)
{
    memset(x, 0, sizeof *x);
    struct err e = {0};
    if (comp_plan_parse(plan, strlen(plan), &x->plan, &e)) fail_msg("%s", e.msg);
    comp_data_init(&x->d);
    if (comp_read_people(&x->d, "people.csv", ds->people.buf, ds->people.len, &e) ||
        comp_read_quotas(&x->d, x->plan, "quotas.csv", ds->quotas.buf, ds->quotas.len, &e) ||
        comp_read_credits(&x->d, x->plan, "credits.csv", credits->buf, credits->len, &e))
        fail_msg("%s", e.msg);
    x->in = comp_data_input(&x->d, x->plan, 2026 * 12 + 11);
}

static void run_of_release(struct run_of *x)
{
    comp_result_release(&x->r);
    comp_data_release(&x->d);
    comp_plan_free(x->plan);
}

struct digest {
    const struct comp_input *in;
    struct sb buf;
    uint64_t hash;
    int64_t sum;
    size_t lines;
};

static void digest_bytes(struct digest *g)
{
    for (size_t i = 0; i < g->buf.len; i++)
        g->hash = (g->hash ^ (unsigned char)g->buf.buf[i]) * 1099511628211ull;
    g->buf.len = 0;
}

static int digest_lines(void *ctx, const struct comp_line *lines, size_t n, size_t first)
{
    struct digest *g = ctx;
    for (size_t i = 0; i < n; i++) {
        const struct comp_line *l = &lines[i];
        comp_line_csv(g->in, l, first + i, l->ref >= 0 ? &lines[(size_t)l->ref - first] : NULL,
                      &g->buf);
        g->sum += l->amount;
        g->lines++;
    }
    digest_bytes(g);
    return 0;
}

struct expect {
    const char *name, *plan;
    uint64_t hash;
    size_t lines;
    int64_t sum;
};

static void check(const struct dataset *ds, const struct expect *x)
{
    struct err e = {0};
    struct run_of rd;
    read_of(&rd, x->plan, ds, &ds->credits);
    struct comp_input in = rd.in;
    /* however the run is shared out: the default, a chunk per person on two threads,
     * small chunks on three threads, and one thread */
    static const struct {
        size_t chunk_credits;
        int workers;
    } sharing[] = {{0, 0}, {1, 2}, {300, 3}, {5000, 1}};
    for (size_t v = 0; v < sizeof sharing / sizeof *sharing; v++) {
        in.chunk_credits = sharing[v].chunk_credits;
        in.workers = sharing[v].workers;
        struct digest g = {&in, SB_INIT, 1469598103934665603ull, 0, 0};
        struct comp_result r;
        if (comp_run_stream(&in, digest_lines, &g, &r, &e)) fail_msg("%s: %s", x->name, e.msg);
        for (size_t i = 0; i < r.npayouts; i++)
            comp_payout_csv(&in, &r.payouts[i], &g.buf);
        digest_bytes(&g);
        if (v == 0)
            printf("%s: %zu credits, %zu lines, sum %" PRId64 ", hash 0x%016" PRIx64 "\n", x->name,
                   rd.d.ncredits, g.lines, g.sum, g.hash);
        assert_int_equal(g.lines, x->lines);
        assert_true(g.sum == x->sum);
        assert_true(g.hash == x->hash);

        /* the kept run gives the same lines as the streamed one */
        struct comp_result kept;
        if (comp_run(&in, &kept, &e)) fail_msg("%s: %s", x->name, e.msg);
        struct digest k = {&in, SB_INIT, 1469598103934665603ull, 0, 0};
        digest_lines(&k, kept.lines, kept.nlines, 0);
        for (size_t i = 0; i < kept.npayouts; i++)
            comp_payout_csv(&in, &kept.payouts[i], &k.buf);
        digest_bytes(&k);
        assert_true(k.hash == g.hash);
        assert_int_equal(kept.credits_used, r.credits_used);
        assert_int_equal(kept.clawbacks, r.clawbacks);
        comp_result_release(&kept);
        comp_result_release(&r);
        sb_release(&g.buf);
        sb_release(&k.buf);
    }
    run_of_release(&rd);
}

static const struct expect expected[] = {
    {"mixed", plan_mixed, 0xa600150e2f7cdbdeull, 54010, 2387100773},
    {"marginal", plan_marginal, 0x03daf0319609e37bull, 11699, 1024170095},
    {"retro", plan_retro, 0xfa53426ed1f27b0dull, 22921, 765638157},
    {"rollup", plan_rollup, 0xdb15869ce9abef96ull, 25505, 1174282594},
};

static void test_results_unchanged(void **state)
{
    (void)state;
    struct dataset ds;
    dataset_make(&ds);
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
        check(&ds, &expected[i]);
    dataset_release(&ds);
}

/* ---- the file's order ----------------------------------------------------------------- */

/* The dataset's credit rows stably sorted by date: most people's credits then come in the
 * order they are applied (the engine's bucket check keeps them as they are), and those
 * with a non-decimal id on a day where decimal ones follow do not (their bucket is
 * sorted). The random order of dataset_make sorts every bucket. Rotated and read on two
 * threads, each thread's part is in order but not the whole. */
struct row {
    const char *at;
    size_t len;
    char date[11];
};

static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c = strcmp(x->date, y->date);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The rows sorted by date, then (when `rotate`) the second half of them before the first:
 * a run on two threads then reads two parts each in order, out of order where they meet. */
static void sort_by_date(const struct sb *credits, struct sb *out, int rotate)
{
    const char *p = memchr(credits->buf, '\n', credits->len) + 1,
               *end = credits->buf + credits->len;
    sb_add(out, credits->buf, (size_t)(p - credits->buf));
    struct row *rows = xmalloc(credits->len / 16 * sizeof *rows);
    size_t n = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *f = p;
        for (int comma = 0; comma < 3; f++)
            comma += *f == ',';
        rows[n] = (struct row){p, (size_t)(nl + 1 - p), ""};
        memcpy(rows[n++].date, f, 10);
        p = nl + 1;
    }
    qsort(rows, n, sizeof *rows, row_cmp);
    for (size_t i = 0; i < n; i++) {
        const struct row *w = &rows[rotate ? (i + n / 2) % n : i];
        sb_add(out, w->at, w->len);
    }
    free(rows);
}

/* Run what read_of read, on `workers` threads (0: the default). */
static void run_read(struct run_of *x, int workers)
{
    x->in.workers = workers;
    x->in.chunk_credits = workers ? 300 : 0;
    struct err e = {0};
    if (comp_run(&x->in, &x->r, &e)) fail_msg("%s", e.msg);
}

static void run_of(struct run_of *x, const char *plan, const struct dataset *ds,
                   const struct sb *credits, int workers)
{
    read_of(x, plan, ds, credits);
    run_read(x, workers);
}

/* Every field of every line and payout of two runs is equal, a line's credit named by id
 * (the same credit may lie at another index). Returns the clawbacks seen. */
static size_t assert_same_run(const struct run_of *a, const struct run_of *b)
{
    size_t clawbacks = 0;
    assert_int_equal(a->r.nlines, b->r.nlines);
    assert_int_equal(a->r.npayouts, b->r.npayouts);
    for (size_t j = 0; j < a->r.nlines; j++) {
        const struct comp_line *x = &a->r.lines[j], *y = &b->r.lines[j];
        assert_int_equal(x->credit < 0, y->credit < 0);
        if (x->credit >= 0)
            assert_string_equal(a->in.credits[x->credit].id, b->in.credits[y->credit].id);
        assert_int_equal(x->person, y->person);
        assert_int_equal(x->date, y->date);
        assert_int_equal(x->month, y->month);
        assert_int_equal(x->ref, y->ref);
        assert_int_equal(x->component, y->component);
        assert_int_equal(x->rule, y->rule);
        assert_int_equal(x->why, y->why);
        assert_int_equal(x->tier, y->tier);
        assert_int_equal(x->rate_tier, y->rate_tier);
        assert_true(x->rate_ppm == y->rate_ppm && x->prev_rate_ppm == y->prev_rate_ppm);
        assert_true(x->base == y->base && x->amount == y->amount);
        assert_true(x->already == y->already && x->attainment_bp == y->attainment_bp);
        assert_true(x->quota == y->quota);
        clawbacks += x->rule == COMP_RULE_CLAWBACK;
    }
    for (size_t j = 0; j < a->r.npayouts; j++)
        assert_memory_equal(&a->r.payouts[j], &b->r.payouts[j], sizeof a->r.payouts[j]);
    return clawbacks;
}

static void test_file_order_does_not_matter(void **state)
{
    (void)state;
    struct dataset ds;
    dataset_make(&ds);
    struct sb sorted = SB_INIT, rotated = SB_INIT;
    sort_by_date(&ds.credits, &sorted, 0);
    sort_by_date(&ds.credits, &rotated, 1);
    size_t clawbacks = 0;
    for (size_t i = 0; i < 3 * sizeof expected / sizeof *expected; i++) {
        struct run_of a, b;
        const struct sb *other = i % 3 == 0 ? &sorted : i % 3 == 1 ? &rotated : &ds.credits;
        run_of(&a, expected[i / 3].plan, &ds, &ds.credits, 0);
        run_of(&b, expected[i / 3].plan, &ds, other, i % 3 == 0 ? 0 : 2);
        clawbacks += assert_same_run(&a, &b);
        run_of_release(&a);
        run_of_release(&b);
    }
    assert_true(clawbacks > 0);
    sb_release(&sorted);
    sb_release(&rotated);
    dataset_release(&ds);
}

/* `credits` with its ids replaced by 1, 2, 3, ... in file order. */
static void renumber_ids(const struct sb *credits, struct sb *out)
{
    const char *p = memchr(credits->buf, '\n', credits->len) + 1,
               *end = credits->buf + credits->len;
    sb_add(out, credits->buf, (size_t)(p - credits->buf));
    for (size_t id = 1; p < end; id++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)),
                   *comma = memchr(p, ',', (size_t)(nl - p));
        sb_addf(out, "%zu", id);
        sb_add(out, comma, (size_t)(nl + 1 - comma));
        p = nl + 1;
    }
}

/* Ids 1, 2, 3, ... in file order let the engine order a day's credits without reading
 * ids (comp_input.ids_ascending, set by the reader): the same file run without that
 * claim gives the same lines, for rows in date order (buckets kept as they came, a day's
 * credits ordered by index) and in the dataset's order (every bucket sorted). */
static void test_ascending_ids_change_nothing(void **state)
{
    (void)state;
    struct dataset ds;
    dataset_make(&ds);
    struct sb sorted = SB_INIT, files[2] = {SB_INIT, SB_INIT};
    sort_by_date(&ds.credits, &sorted, 0);
    renumber_ids(&sorted, &files[0]);
    renumber_ids(&ds.credits, &files[1]);
    size_t runs = 0;
    for (size_t i = 0; i < 2 * sizeof expected / sizeof *expected; i++) {
        struct run_of a, b;
        read_of(&a, expected[i / 2].plan, &ds, &files[i % 2]);
        if (comp_plan_uses_role(a.plan, COMP_ROLE_ROLLUP)) { /* roll-up copies repeat ids */
            assert_false(a.in.ids_ascending);
            run_of_release(&a);
            continue;
        }
        assert_true(a.in.ids_ascending);
        run_read(&a, i % 4 < 2 ? 0 : 2);
        read_of(&b, expected[i / 2].plan, &ds, &files[i % 2]);
        b.in.ids_ascending = 0;
        run_read(&b, 0);
        assert_same_run(&a, &b);
        run_of_release(&a);
        run_of_release(&b);
        runs++;
    }
    assert_true(runs >= 4);
    /* the dataset's own ids (a few not decimal), and sorted by date: no claim */
    const struct sb *none[] = {&ds.credits, &sorted};
    for (size_t i = 0; i < 2; i++) {
        struct run_of x;
        read_of(&x, plan_marginal, &ds, none[i]);
        assert_false(x.in.ids_ascending);
        run_of_release(&x);
    }
    sb_release(&sorted);
    sb_release(&files[0]);
    sb_release(&files[1]);
    dataset_release(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_unchanged),
        cmocka_unit_test(test_file_order_does_not_matter),
        cmocka_unit_test(test_ascending_ids_change_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
