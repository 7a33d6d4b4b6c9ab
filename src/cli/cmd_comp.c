/* cmd_comp.c -- reins comp calc: run a compensation plan on CSV files, no database. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/out_file.h"
#include "comp/comp.h"
#include "comp/comp_io.h"
#include "core/csv.h"

/* How files are named in messages: standard input as such, others by their base name. */
static const char *base_name(const char *path)
{
    if (!strcmp(path, "-")) return "standard input";
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* A file mapped read-only: the credits file may be gigabytes, and its reader
 * streams it (csv_each) without copying it or making a document of it. */
struct mapped {
    const char *data; /* NULL when the file is empty */
    size_t len;
    int fd; /* the file, kept open while mapped (the credits reader preads it); else -1 */
};

static int map_file(const char *path, struct mapped *m, struct err *e)
{
    *m = (struct mapped){NULL, 0, -1};
    int fd = open(path, O_RDONLY);
    if (fd < 0) return err_set(e, REINS_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0) {
        rc = err_set(e, REINS_EIO, "%s: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = err_set(e, REINS_EIO, "%s: not a regular file", path);
    } else if (st.st_size > 0) {
        /* No MAP_POPULATE: the reader reads a big file's pieces with pread and touches
         * only a few of the mapped pages (the header, the cuts), unless it must read the
         * file in one pass. */
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            rc = err_set(e, REINS_EIO, "%s: %s", path, strerror(errno));
        } else {
            madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
            *m = (struct mapped){p, (size_t)st.st_size, fd};
        }
    }
    if (m->fd < 0) close(fd);
    return rc;
}

static void unmap_file(struct mapped *m)
{
    if (m->data) munmap((void *)m->data, m->len);
    if (m->fd >= 0) close(m->fd);
    *m = (struct mapped){NULL, 0, -1};
}

static void *unmap_main(void *arg)
{
    unmap_file(arg);
    return NULL;
}

/* Unmap on a thread of its own, joined by unmap_join: taking down the page tables of a
 * 642 MB file took 26 to 41 ms on one core between reading and computing, the only thing
 * running then. Unmapped here when no thread can be started. */
static int unmap_start(struct mapped *m, pthread_t *t)
{
    if (m->data && pthread_create(t, NULL, unmap_main, m) == 0) return 1;
    unmap_file(m);
    return 0;
}

static void unmap_join(pthread_t *t, int started)
{
    if (started) pthread_join(*t, NULL);
}

typedef int (*reader)(struct comp_data *, const struct comp_plan *, const char *, const char *,
                      size_t, struct err *);

static int read_with(const char *path, struct comp_data *d, const struct comp_plan *plan, reader fn,
                     struct err *e)
{
    char *buf;
    size_t len;
    if (cli_slurp(path, CSV_DEFAULT_MAX_BYTES, &buf, &len, e)) return e->code;
    int rc = fn(d, plan, base_name(path), buf, len, e);
    free(buf);
    return rc;
}

static int read_people(struct comp_data *d, const struct comp_plan *plan, const char *name,
                       const char *csv, size_t len, struct err *e)
{
    (void)plan;
    return comp_read_people(d, name, csv, len, e);
}

/* ---- the lines file, written on a second thread ------------------------------------------
 *
 * A line's sentence costs more to write than the line does to compute. The engine hands
 * the lines chosen for the file (with the line each links to) over in chunks to a writer
 * thread and goes on with the next person. When the writer falls behind, the engine's
 * worker handing lines on (one at a time, people in order: comp_line_sink) formats its
 * chunk itself before handing it over, so the work splits between the cores. Chunks are
 * written in order and reused: memory stays at a few of them. */

struct pending {
    struct comp_line line, ref;
    size_t index; /* the line's number in the run */
    int has_ref;
};

struct chunk {
    struct pending *v;
    size_t n, cap;
    struct sb text; /* v formatted, once `formatted` */
    int formatted;
};

enum { CHUNKS = 8, CHUNK_LINES = 4096 };

struct line_out {
    struct out_file file;
    const char *path;
    const struct comp_input *in;
    int32_t from, to;
    size_t written;
    struct err *e;
    struct chunk ring[CHUNKS]; /* the engine fills ring[filled % CHUNKS] */
    size_t filled, taken;      /* chunks handed over, and chunks written */
    int done, failed;          /* no more chunks; a write failed */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int threaded;
};

/* A line's credit, and the id and deal name it points to, lie anywhere in hundreds of
 * megabytes: they are asked for a few lines ahead, the credit first (its pointers are
 * needed to ask for the strings). */
static const struct comp_credit *credit_of(const struct comp_input *in, const struct chunk *c,
                                           size_t i)
{
    return i < c->n && c->v[i].line.credit >= 0 ? &in->credits[c->v[i].line.credit] : NULL;
}

static void chunk_format(const struct comp_input *in, struct chunk *c)
{
    /* one per call: chunks are formatted on the writer's thread and the engine's */
    struct comp_csv_memo memo = COMP_CSV_MEMO_INIT;
    for (size_t i = 0; i < c->n; i++) {
        const struct comp_credit *far = credit_of(in, c, i + 8), *near = credit_of(in, c, i + 4);
        if (far) __builtin_prefetch(far);
        if (near) {
            __builtin_prefetch(near->id);
            __builtin_prefetch(near->deal);
        }
        const struct pending *p = &c->v[i];
        comp_line_csv_memo(in, &p->line, p->index, p->has_ref ? &p->ref : NULL, &c->text, &memo);
    }
    c->formatted = 1;
}

/* Format (unless done) and write chunk c; returns 0 or -1 when the write failed. */
static int chunk_write(struct line_out *o, struct chunk *c)
{
    if (!c->formatted) chunk_format(o->in, c);
    int bad = out_write(&o->file, c->text.buf, c->text.len);
    c->text.len = 0;
    c->n = 0;
    c->formatted = 0;
    return bad ? -1 : 0;
}

static void *writer_main(void *arg)
{
    struct line_out *o = arg;
    pthread_mutex_lock(&o->mu);
    for (;;) {
        while (o->taken == o->filled && !o->done)
            pthread_cond_wait(&o->cv, &o->mu);
        if (o->taken == o->filled) break;
        struct chunk *c = &o->ring[o->taken % CHUNKS];
        int skip = o->failed;
        pthread_mutex_unlock(&o->mu);
        int bad = skip ? 0 : chunk_write(o, c);
        pthread_mutex_lock(&o->mu);
        if (bad) o->failed = 1;
        o->taken++;
        pthread_cond_broadcast(&o->cv);
    }
    pthread_mutex_unlock(&o->mu);
    return NULL;
}

/* Hand the engine's chunk to the writer; `last` for the final one. */
static int hand_over(struct line_out *o, int last)
{
    struct chunk *c = &o->ring[o->filled % CHUNKS];
    int failed;
    if (!o->threaded) {
        failed = o->failed = o->failed || chunk_write(o, c);
    } else {
        pthread_mutex_lock(&o->mu);
        int behind = o->filled - o->taken >= CHUNKS / 2;
        pthread_mutex_unlock(&o->mu);
        if (behind && !last) chunk_format(o->in, c); /* help the writer */
        pthread_mutex_lock(&o->mu);
        o->filled++;
        o->done = last;
        pthread_cond_broadcast(&o->cv);
        while (o->filled - o->taken >= CHUNKS && !o->failed)
            pthread_cond_wait(&o->cv, &o->mu);
        failed = o->failed;
        pthread_mutex_unlock(&o->mu);
    }
    if (failed) return err_set(o->e, REINS_EIO, "%s: write failed", o->path);
    return 0;
}

static int write_lines(void *ctx, const struct comp_line *lines, size_t n, size_t first)
{
    struct line_out *o = ctx;
    for (size_t i = 0; i < n; i++) {
        const struct comp_line *l = &lines[i];
        if (l->month < o->from || l->month > o->to) continue;
        struct chunk *c = &o->ring[o->filled % CHUNKS];
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : CHUNK_LINES;
            c->v = xrealloc(c->v, c->cap * sizeof *c->v);
        }
        struct pending *p = &c->v[c->n++];
        p->line = *l;
        p->index = first + i;
        /* a line links only to an earlier line of the same person: in this batch */
        p->has_ref = l->ref >= 0;
        if (p->has_ref) p->ref = lines[(size_t)l->ref - first];
        o->written++;
        if (c->n == CHUNK_LINES && hand_over(o, 0)) return REINS_EIO;
    }
    return 0;
}

/* The last chunk, then wait for the writer; returns 0 or the write's error. */
static int lines_finish(struct line_out *o, pthread_t *t, int ok)
{
    int rc = 0;
    if (o->threaded) {
        if (ok) {
            rc = hand_over(o, 1);
        } else {
            pthread_mutex_lock(&o->mu);
            o->done = 1;
            o->failed = 1; /* nothing more is written */
            pthread_cond_broadcast(&o->cv);
            pthread_mutex_unlock(&o->mu);
        }
        pthread_join(*t, NULL);
    } else if (ok) {
        rc = hand_over(o, 1);
    }
    if (ok && !rc && o->failed) /* the writer is gone: no lock needed */
        rc = err_set(o->e, REINS_EIO, "%s: write failed", o->path);
    for (size_t i = 0; i < CHUNKS; i++) {
        free(o->ring[i].v);
        sb_release(&o->ring[i].text);
    }
    pthread_cond_destroy(&o->cv);
    pthread_mutex_destroy(&o->mu);
    return rc;
}

/* The totals of [from, to] into `f`, opened; closed by the caller. */
static int write_totals(struct out_file *f, const struct comp_input *in,
                        const struct comp_result *r, int32_t from, int32_t to)
{
    struct sb b = SB_INIT;
    int bad = 0;
    comp_payouts_csv_header(&b);
    for (size_t i = 0; i < r->npayouts && !bad; i++) {
        if (r->payouts[i].month < from || r->payouts[i].month > to) continue;
        comp_payout_csv(in, &r->payouts[i], &b);
        if (b.len >= ((size_t)1 << 20)) {
            bad = out_write(f, b.buf, b.len);
            b.len = 0;
        }
    }
    if (!bad) bad = out_write(f, b.buf, b.len);
    sb_release(&b);
    return bad;
}

static double ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Wall and CPU time: on a shared machine the CPU time is the steadier measure. */
struct stamp {
    double wall, cpu;
};

static struct stamp now(void)
{
    return (struct stamp){ms(CLOCK_MONOTONIC), ms(CLOCK_PROCESS_CPUTIME_ID)};
}

static int usage(FILE *out, int rc)
{
    fprintf(out,
            "usage: reins comp calc --plan PLAN.json --credits CREDITS.csv --quotas QUOTAS.csv\n"
            "                       [--people PEOPLE.csv] --period PERIOD --out LINES.csv\n"
            "                       [--totals TOTALS.csv] [--timings]\n\n"
            "Run a compensation plan on CSV files, without a database. PERIOD is a year\n"
            "(2026), a quarter (2026-Q1) or a month (2026-03): the payout periods that\n"
            "start in it are written. Computation starts at the plan's effective_from,\n"
            "so true-ups and draw balances carry in from earlier periods.\n\n"
            "LINES.csv gets every payout line with its explanation; TOTALS.csv one row\n"
            "per person and payout period. Formats: docs/comp-plans.md. Both files\n"
            "appear only when the whole run succeeds; until then files of those names\n"
            "stay as they were.\n\n"
            "'-' reads one of the input files from standard input, or writes LINES.csv\n"
            "or TOTALS.csv to standard output (the summary then goes to standard error).\n"
            "--timings prints how long reading, computing and writing took.\n");
    return rc;
}

/* The number of options among `names` given as "-". */
static int dashes(const struct opt *opts, const char *const *names)
{
    int n = 0;
    for (; *names; names++) {
        const char *v = opt_get(opts, *names);
        n += v && !strcmp(v, "-");
    }
    return n;
}

/* The credits: a file is mapped (and read with pread in pieces), standard input read
 * whole into memory. */
static int read_credits(const char *path, struct comp_data *d, const struct comp_plan *plan,
                        struct mapped *m, pthread_t *unmapper, int *unmapping, struct err *e)
{
    if (!strcmp(path, "-")) {
        char *buf = NULL; /* strings are copied out of it: freed once read */
        size_t len;
        int rc = cli_slurp(path, SIZE_MAX / 2, &buf, &len, e);
        if (!rc) rc = comp_read_credits_file(d, plan, base_name(path), buf, len, -1, e);
        free(buf);
        return rc;
    }
    int rc = map_file(path, m, e);
    if (!rc) {
        rc = comp_read_credits_file(d, plan, base_name(path), m->data, m->len, m->fd, e);
        *unmapping = unmap_start(m, unmapper); /* nothing points into it: strings are copied */
    }
    return rc;
}

static int comp_calc(int argc, char **argv)
{
    struct opt opts[] = {{"plan", 1, NULL},   {"credits", 1, NULL}, {"quotas", 1, NULL},
                         {"people", 1, NULL}, {"period", 1, NULL},  {"out", 1, NULL},
                         {"totals", 1, NULL}, {"timings", 0, NULL}, {NULL, 0, NULL}};
    int help;
    if (opt_parse(argc, argv, opts, NULL, 0, &help) < 0) return 2;
    if (help) return usage(stdout, 0);
    const char *plan_path = opt_get(opts, "plan"), *credits = opt_get(opts, "credits"),
               *quotas = opt_get(opts, "quotas"), *people = opt_get(opts, "people"),
               *period = opt_get(opts, "period"), *out = opt_get(opts, "out"),
               *totals = opt_get(opts, "totals");
    if (!plan_path || !credits || !quotas || !period || !out) {
        fprintf(stderr, "reins: comp calc needs --plan, --credits, --quotas, --period and "
                        "--out (see --help)\n");
        return 2;
    }
    static const char *const inputs[] = {"plan", "credits", "quotas", "people", NULL};
    static const char *const outputs[] = {"out", "totals", NULL};
    if (dashes(opts, inputs) > 1) {
        fprintf(stderr, "reins: only one of --plan, --credits, --quotas and --people can be "
                        "'-' (standard input)\n");
        return 2;
    }
    if (dashes(opts, outputs) > 1) {
        fprintf(stderr, "reins: only one of --out and --totals can be '-' (standard output)\n");
        return 2;
    }
    FILE *summary = dashes(opts, outputs) ? stderr : stdout;
    int32_t from, to;
    enum comp_period_kind kind;
    if (comp_period_parse(period, &from, &to, &kind)) {
        fprintf(stderr, "reins: --period '%s' is not 2026, 2026-Q1 or 2026-03\n", period);
        return 2;
    }
    struct stamp t0 = now();
    struct err e = {0};
    struct comp_plan *plan = NULL;
    struct comp_data d;
    struct comp_result r = {0};
    comp_data_init(&d);
    char *json = NULL;
    size_t len;
    int rc = cli_slurp(plan_path, CSV_DEFAULT_MAX_BYTES, &json, &len, &e);
    if (!rc && (rc = comp_plan_parse(json, len, &plan, &e)))
        err_prefix(&e, "%s: ", base_name(plan_path));
    free(json);
    if (!rc && people) rc = read_with(people, &d, plan, read_people, &e);
    if (!rc) rc = read_with(quotas, &d, plan, comp_read_quotas, &e);
    struct mapped m = {NULL, 0, -1};
    pthread_t unmapper;
    int unmapping = 0;
    if (!rc) rc = read_credits(credits, &d, plan, &m, &unmapper, &unmapping, &e);
    struct comp_input in = comp_data_input(&d, plan, to);
    if (!rc && comp_month_of_day(plan->effective_from) > to)
        rc = err_set(&e, REINS_EINVAL, "--period %s ends before the plan starts", period);
    struct stamp t1 = now();
    /* lines are written as each person's are made: memory stays small */
    struct line_out lo = {.path = out, .in = &in, .from = from, .to = to, .e = &e};
    struct out_file tf = {.fd = -1};
    lo.file.fd = -1;
    if (!rc && out_open(&lo.file, out)) rc = err_set(&e, REINS_EIO, "%s: %s", out, strerror(errno));
    if (!rc) {
        pthread_t writer;
        pthread_mutex_init(&lo.mu, NULL);
        pthread_cond_init(&lo.cv, NULL);
        comp_lines_csv_header(&lo.ring[0].text); /* written first, with the first chunk */
        lo.threaded = pthread_create(&writer, NULL, writer_main, &lo) == 0;
        rc = comp_run_stream(&in, write_lines, &lo, &r, &e);
        int wrc = lines_finish(&lo, &writer, !rc);
        if (!rc) rc = wrc;
        if (out_close(&lo.file) != 0 && !rc) rc = err_set(&e, REINS_EIO, "%s: write failed", out);
    }
    struct stamp t2 = now();
    if (!rc && totals) {
        if (out_open(&tf, totals))
            rc = err_set(&e, REINS_EIO, "%s: %s", totals, strerror(errno));
        else if ((write_totals(&tf, &in, &r, from, to) | out_close(&tf)) != 0)
            rc = err_set(&e, REINS_EIO, "%s: write failed", totals);
    }
    /* put in place only now that both are written: a failed run leaves the old ones */
    if (!rc && out_commit(&lo.file)) rc = err_set(&e, REINS_EIO, "%s: %s", out, strerror(errno));
    if (!rc && totals && out_commit(&tf))
        rc = err_set(&e, REINS_EIO, "%s: %s", totals, strerror(errno));
    out_discard(&lo.file);
    out_discard(&tf);
    struct stamp t3 = now();
    char pieces[48] = "";
    if (d.pieces_taken) snprintf(pieces, sizeof pieces, "; read in %zu pieces", d.pieces_taken);
    if (!rc && opt_get(opts, "timings"))
        fprintf(stderr,
                "reins: comp calc: read %.0f ms (cpu %.0f; %zu credits after splits and "
                "roll-up%s), compute and write lines %.0f ms (cpu %.0f; %zu lines, %zu written), "
                "totals %.0f ms\n",
                t1.wall - t0.wall, t1.cpu - t0.cpu, d.ncredits, pieces, t2.wall - t1.wall,
                t2.cpu - t1.cpu, r.nlines, lo.written, t3.wall - t2.wall);
    if (!rc) {
        int64_t sum = 0;
        size_t payees = 0;
        for (size_t i = 0; i < r.npayouts; i++) {
            if (r.payouts[i].month < from || r.payouts[i].month > to) continue;
            sum += r.payouts[i].payout;
            payees += i == 0 || r.payouts[i - 1].person != r.payouts[i].person ||
                      r.payouts[i - 1].month < from;
        }
#define PLURAL(n, one, many) (n), ((n) == 1 ? (one) : (many))
        fprintf(summary,
                "reins: %s on %s: %zu %s, %zu %s written to %s, total payout %" PRId64
                " minor units (%zu %s applied, %zu %s, %zu %s after the window kept)\n",
                plan->name, period, PLURAL(payees, "payee", "payees"),
                PLURAL(lo.written, "line", "lines"), strcmp(out, "-") ? out : "standard output",
                sum, PLURAL(r.credits_used, "credit", "credits"),
                PLURAL(r.clawbacks, "clawback", "clawbacks"),
                PLURAL(r.late_cancellations, "cancellation", "cancellations"));
#undef PLURAL
    }
    comp_result_release(&r);
    comp_data_release(&d);
    comp_plan_free(plan);
    unmap_join(&unmapper, unmapping);
    return rc ? cli_fail(&e) : 0;
}

int cmd_comp(int argc, char **argv, const char *db_url)
{
    (void)db_url; /* comp calc works on files only: it never opens a database */
    if (argc >= 2 && !strcmp(argv[1], "calc")) return comp_calc(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
        return usage(stdout, 0);
    return usage(stderr, 2);
}
