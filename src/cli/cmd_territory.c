/* cmd_territory.c -- reins territory solve: territory alignment on files, no database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "territory/territory_io.h"

#define MAX_FILE ((size_t)256 << 20)

static char *slurp(const char *path, size_t *len, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, REINS_EIO, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct sb buf = SB_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf.len + n > MAX_FILE) {
            err_set(e, REINS_ETOOBIG, "%s is larger than %zu MiB", path, MAX_FILE >> 20);
            sb_release(&buf);
            fclose(f);
            return NULL;
        }
        sb_add(&buf, chunk, n);
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        err_set(e, REINS_EIO, "cannot read %s", path);
        sb_release(&buf);
        return NULL;
    }
    *len = buf.len;
    return sb_detach(&buf);
}

typedef int (*csv_reader)(struct terr_input *, const char *, const char *, size_t, struct err *);

static int read_with(struct terr_input *in, const char *path, csv_reader fn, struct err *e)
{
    size_t len;
    char *data = slurp(path, &len, e);
    if (!data) return e->code;
    int rc = fn(in, path, data, len, e);
    free(data);
    return rc;
}

static int read_edges(struct terr_input *in, const char *path, int adjacency, struct err *e)
{
    size_t len;
    char *data = slurp(path, &len, e);
    if (!data) return e->code;
    int rc = terr_read_edges_csv(in, path, data, len, adjacency, e);
    free(data);
    return rc;
}

static int write_out(const char *path, const struct sb *s, struct err *e)
{
    FILE *f = !strcmp(path, "-") ? stdout : fopen(path, "wb");
    if (!f) return err_set(e, REINS_EIO, "cannot write %s: %s", path, strerror(errno));
    int failed = s->len && fwrite(s->buf, 1, s->len, f) != s->len;
    failed |= (f != stdout ? fclose(f) : fflush(f)) != 0;
    return failed ? err_set(e, REINS_EIO, "writing %s failed", path) : 0;
}

static int usage(int help)
{
    printf("usage: reins territory solve (--units FILE.csv | --graphml FILE) [options]\n\n"
           "Split units into balanced, compact territories, from files (no database).\n"
           "Formats: docs/territory.md.\n\n"
           "  --units FILE          units: id, measures, x,y or lat,lon, current, lock\n"
           "  --graphml FILE        units and distance edges from GraphML\n"
           "  --measures A,B        measure columns (default: every other column)\n"
           "  --tolerance T[,T..]   allowed relative distance from the mean (default 0.05)\n"
           "  --k N | --territories FILE (territory[,home])\n"
           "  --homes ID,ID,...     the home unit of each territory, in order\n"
           "  --home-distances FILE distance from each territory's home to each unit\n"
           "  --edges FILE          from,to,distance: shortest-path distances\n"
           "  --adjacency FILE      from,to: the graph for --contiguous\n"
           "  --metric M            euclidean, great-circle or graph (default from the input)\n"
           "  --objective O         sum (distance to centre or home, default) or diameter\n"
           "  --contiguous          each territory connected over the adjacency\n"
           "  --max-moves N         at most N units change owner from 'current'\n"
           "  --move-penalty X      objective cost of each unit that changes owner\n"
           "  --method M            auto (default), exact or heuristic\n"
           "  --seed N              random seed (default 1)\n"
           "  --time-limit S        seconds of search (default 10)\n"
           "  --max-iter N          search steps (with --seed: the same result every run)\n"
           "  --output FILE         write the assignment CSV (- for stdout)\n"
           "  --report FILE         write the report there instead of stdout\n");
    return help ? 0 : 2;
}

static int parse_long(const char *s, const char *opt, long min, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < min) {
        fprintf(stderr, "reins: --%s: '%s' is not a whole number >= %ld\n", opt, s, min);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_territory(int argc, char **argv, const char *db_url)
{
    (void)db_url;
    struct opt opts[] = {{"units", 1},
                         {"graphml", 1},
                         {"measures", 1},
                         {"tolerance", 1},
                         {"k", 1},
                         {"territories", 1},
                         {"homes", 1},
                         {"home-distances", 1},
                         {"edges", 1},
                         {"adjacency", 1},
                         {"metric", 1},
                         {"objective", 1},
                         {"contiguous", 0},
                         {"max-moves", 1},
                         {"move-penalty", 1},
                         {"method", 1},
                         {"seed", 1},
                         {"time-limit", 1},
                         {"max-iter", 1},
                         {"output", 1},
                         {"report", 1},
                         {0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 1, &help);
    if (npos < 0) return 2;
    if (help || npos != 1 || strcmp(pos[0], "solve")) return usage(help);
    const char *units = opt_get(opts, "units"), *graphml = opt_get(opts, "graphml");
    if (!units == !graphml) {
        fprintf(stderr, "reins: give one of --units or --graphml\n");
        return 2;
    }
    struct terr_input in;
    terr_input_init(&in);
    struct err e = {0};
    int rc = 0;
    const char *v;
    size_t len;
    char *data = slurp(units ? units : graphml, &len, &e);
    if (!data)
        rc = e.code;
    else if (units)
        rc = terr_read_units_csv(&in, units, data, len, opt_get(opts, "measures"), &e);
    else
        rc = terr_read_graphml(&in, graphml, data, len, opt_get(opts, "measures"), NULL, &e);
    free(data);
    if (rc == 0 && (v = opt_get(opts, "territories")))
        rc = read_with(&in, v, terr_read_territories_csv, &e);
    if (rc == 0 && (v = opt_get(opts, "k"))) {
        long k;
        if (parse_long(v, "k", 1, &k) < 0) {
            terr_input_release(&in);
            return 2;
        }
        rc = terr_set_territories(&in, (size_t)k, &e);
    }
    if (rc == 0 && (v = opt_get(opts, "home-distances")))
        rc = read_with(&in, v, terr_read_home_distances_csv, &e);
    if (rc == 0 && (v = opt_get(opts, "homes"))) rc = terr_set_homes(&in, v, &e);
    if (rc == 0 && (v = opt_get(opts, "edges"))) rc = read_edges(&in, v, 0, &e);
    if (rc == 0 && (v = opt_get(opts, "adjacency"))) rc = read_edges(&in, v, 1, &e);
    if (rc == 0) rc = terr_input_finish(&in, opt_get(opts, "tolerance"), &e);
    if (rc < 0) {
        terr_input_release(&in);
        return cli_fail(&e);
    }
    struct terr_problem *p = &in.p;
    p->seed = 1;
    long lv;
    if ((v = opt_get(opts, "metric"))) {
        if (!strcmp(v, "euclidean"))
            p->metric = TERR_EUCLIDEAN;
        else if (!strcmp(v, "great-circle"))
            p->metric = TERR_GREAT_CIRCLE;
        else if (!strcmp(v, "graph"))
            p->metric = TERR_GRAPH;
        else
            rc = 2;
    }
    if ((v = opt_get(opts, "objective"))) {
        if (!strcmp(v, "sum"))
            p->compact = TERR_SUM_DISTANCE;
        else if (!strcmp(v, "diameter"))
            p->compact = TERR_MAX_DIAMETER;
        else
            rc = 2;
    }
    if ((v = opt_get(opts, "method"))) {
        if (!strcmp(v, "auto"))
            p->method = TERR_AUTO;
        else if (!strcmp(v, "exact"))
            p->method = TERR_EXACT;
        else if (!strcmp(v, "heuristic"))
            p->method = TERR_HEURISTIC;
        else
            rc = 2;
    }
    if (rc) fprintf(stderr, "reins: unknown --metric, --objective or --method value\n");
    p->contiguous = opt_get(opts, "contiguous") != NULL;
    if (!rc && (v = opt_get(opts, "max-moves"))) {
        if (parse_long(v, "max-moves", 0, &lv) < 0) rc = 2;
        p->max_moves = lv;
    }
    if (!rc && (v = opt_get(opts, "seed"))) {
        if (parse_long(v, "seed", 0, &lv) < 0) rc = 2;
        p->seed = (uint64_t)lv;
    }
    if (!rc && (v = opt_get(opts, "max-iter"))) {
        if (parse_long(v, "max-iter", 1, &lv) < 0) rc = 2;
        p->max_iter = lv;
    }
    if (!rc && (v = opt_get(opts, "time-limit"))) {
        char *end;
        p->time_limit = strtod(v, &end);
        if (*end || !(p->time_limit > 0)) {
            fprintf(stderr, "reins: --time-limit: '%s' is not a number of seconds\n", v);
            rc = 2;
        }
    }
    if (!rc && (v = opt_get(opts, "move-penalty"))) {
        char *end;
        p->move_penalty = strtod(v, &end);
        if (*end || !(p->move_penalty >= 0)) {
            fprintf(stderr, "reins: --move-penalty: '%s' is not a number >= 0\n", v);
            rc = 2;
        }
    }
    if ((p->max_moves >= 0 || p->move_penalty > 0) && !p->current && !rc) {
        fprintf(stderr, "reins: --max-moves and --move-penalty need a 'current' column\n");
        rc = 2;
    }
    if (rc) {
        terr_input_release(&in);
        return rc;
    }
    struct terr_result r;
    if (terr_solve(p, &r, &e) < 0) {
        terr_input_release(&in);
        return cli_fail(&e);
    }
    struct sb report = SB_INIT, csv = SB_INIT;
    terr_write_report(&in, &r, &report);
    if ((v = opt_get(opts, "output"))) {
        terr_write_assignment_csv(&in, &r, &csv);
        rc = write_out(v, &csv, &e);
    }
    if (rc == 0) rc = write_out((v = opt_get(opts, "report")) ? v : "-", &report, &e);
    sb_release(&report), sb_release(&csv);
    terr_result_release(&r);
    terr_input_release(&in);
    return rc < 0 ? cli_fail(&e) : 0;
}
