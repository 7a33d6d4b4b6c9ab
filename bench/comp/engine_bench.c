/* engine_bench.c -- time comp_run alone: read the files once, run the engine N times.
 *
 *   engine_bench PLAN CREDITS QUOTAS PEOPLE|- LAST_PERIOD RUNS [WORKERS]
 *
 * Prints the best and median wall and CPU time of a run and credits per second
 * (credits after splits and roll-up) by the best wall time and by the best CPU
 * time: the engine runs on every core (or on WORKERS threads), so the two differ.
 * Lines are streamed to a sink that counts them, as `reins comp calc` streams them
 * to its file. Built by run.sh against build/libreins.a. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comp/comp.h"
#include "comp/comp_io.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(1);
    }
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static double ms(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The engine alone: lines are made and handed over, then dropped. */
static int count_lines(void *ctx, const struct comp_line *lines, size_t n, size_t first)
{
    (void)lines;
    (void)first;
    *(size_t *)ctx += n;
    return 0;
}

static void die(const struct err *e)
{
    fprintf(stderr, "engine_bench: %s\n", e->msg);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 7 && argc != 8) {
        fprintf(stderr,
                "usage: engine_bench PLAN CREDITS QUOTAS PEOPLE LAST_PERIOD RUNS [WORKERS]\n");
        return 2;
    }
    struct err e = {0};
    size_t len;
    char *text = slurp(argv[1], &len);
    struct comp_plan *plan;
    if (comp_plan_parse(text, len, &plan, &e)) die(&e);
    free(text);
    struct comp_data d;
    comp_data_init(&d);
    if (strcmp(argv[4], "-")) { /* "-": no people file (a plan without roll-up) */
        text = slurp(argv[4], &len);
        if (comp_read_people(&d, "people.csv", text, len, &e)) die(&e);
        free(text);
    }
    text = slurp(argv[3], &len);
    if (comp_read_quotas(&d, plan, "quotas.csv", text, len, &e)) die(&e);
    free(text);
    text = slurp(argv[2], &len);
    if (comp_read_credits(&d, plan, "credits.csv", text, len, &e)) die(&e);
    free(text);
    int32_t first, last;
    enum comp_period_kind kind;
    if (comp_period_parse(argv[5], &first, &last, &kind)) return 2;
    struct comp_input in = comp_data_input(&d, plan, last);
    if (argc == 8) in.workers = atoi(argv[7]);
    int runs = atoi(argv[6]);
    if (runs < 1 || runs > 100) runs = 5;
    double wall[100], cpu[100];
    size_t lines = 0;
    for (int i = 0; i < runs; i++) {
        struct comp_result r;
        double w0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_PROCESS_CPUTIME_ID);
        size_t seen = 0;
        if (comp_run_stream(&in, count_lines, &seen, &r, &e)) die(&e);
        wall[i] = ms(CLOCK_MONOTONIC) - w0;
        cpu[i] = ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
        lines = r.nlines;
        comp_result_release(&r);
    }
    qsort(wall, (size_t)runs, sizeof *wall, cmp);
    qsort(cpu, (size_t)runs, sizeof *cpu, cmp);
    printf("engine: %zu credits (after splits and roll-up), %zu lines; best %.0f ms wall, "
           "%.0f ms cpu; median %.0f ms wall, %.0f ms cpu; %.1f M credits/s by the best wall, "
           "%.1f M by the best cpu\n",
           d.ncredits, lines, wall[0], cpu[0], wall[runs / 2], cpu[runs / 2],
           (double)d.ncredits / wall[0] / 1e3, (double)d.ncredits / cpu[0] / 1e3);
    comp_data_release(&d);
    comp_plan_free(plan);
    return 0;
}
