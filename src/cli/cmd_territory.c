/* cmd_territory.c -- reins territory align: territory alignment on the database (a stored
 * draft scenario, through territory_store.c) or on files (`solve` is the same on files). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/text.h"
#include "store/store.h"
#include "territory/territory_io.h"
#include "territory/territory_product.h"

#define MAX_FILE ((size_t)256 << 20)

/* The whole file, at most MAX_FILE bytes, or NULL (e says why). */
static char *slurp(const char *path, size_t *len, struct err *e)
{
    char *data;
    return cli_slurp(path, MAX_FILE, &data, len, e) ? NULL : data;
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
    printf("usage: reins territory align --scenario N | --name NAME --sellers P,P.. [options]\n"
           "       reins territory align (--units FILE.csv | --graphml FILE) [options]\n"
           "       (solve is the same as align on files)\n\n"
           "On the database: run a scenario over accounts and store it as a draft to compare\n"
           "and apply in the browser. Formats and options: docs/territory.md.\n\n"
           "  --scenario N          start from the parameters of stored scenario N\n"
           "  --name NAME           the new scenario's name (default: the stored one's)\n"
           "  --sellers P,P,..      people (id or email) who get a territory, in order\n"
           "  --measures M,M        accounts, potential, pipeline (default accounts,potential)\n"
           "  --tolerance T         allowed relative distance from the mean (0.05 = +-5%%)\n"
           "  --segment S, --industry I, --team T (id or name)   which accounts\n"
           "  --owners-only         only the accounts the sellers own now\n"
           "  --max-moves N, --move-penalty KM                   keeping relationships\n"
           "  --locks ACC=P,..      account id locked to a seller (id or email)\n"
           "  --homes P=LAT:LON|P=account:ID,..   a seller's home instead of the centroid\n"
           "  --time-limit S, --max-iter N        the search\n"
           "  --json                print the stored scenario as JSON\n\n"
           "On files: split units into balanced, compact territories (no database).\n\n"
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

/* A person by id or email, or 0 after printing why not. */
static int64_t person_arg(struct store *db, const char *v, const char *opt)
{
    int64_t id = 0;
    struct err e = {0};
    if (parse_int64(v, &id) == 0 && id > 0) return id;
    if (store_int_query(db, "SELECT id FROM people WHERE lower(email) = lower($1)",
                        PARAMS(SV_TEXT(v)), &id, &e) < 0) {
        fprintf(stderr, "reins: --%s: no person '%s'\n", opt, v);
        return 0;
    }
    return id;
}

/* Split a comma-separated list into the arena; *n items. */
static char **split_list(struct arena *a, const char *v, size_t *n)
{
    size_t cap = 0;
    char **items = NULL;
    *n = 0;
    char *copy = arena_strdup(a, v);
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        items = arena_grow(a, items, sizeof *items, *n, &cap);
        items[(*n)++] = tok;
    }
    return items;
}

/* Money of minor units as units with two decimals, without floating point. */
static void print_money(int64_t minor)
{
    printf("%s%lld.%02lld", minor < 0 ? "-" : "", (long long)(llabs(minor) / 100),
           (long long)(llabs(minor) % 100));
}

static void print_scenario(json_t *s)
{
#define I(o, k) ((long long)json_integer_value(json_object_get((o), (k))))
    printf("scenario %lld \"%s\" stored as a draft\n", I(s, "id"),
           json_string_value(json_object_get(s, "name")));
    printf("balanced     %s (largest excess over tolerance %.2f%%)\n",
           json_is_true(json_object_get(s, "balanced")) ? "yes" : "NO",
           (double)I(s, "max_violation_bp") / 100.0);
    printf("distance     %lld km in all from accounts to their seller's home\n",
           (I(s, "distance_m") + 500) / 1000);
    printf("moves        %lld accounts and ", I(s, "accounts_moved"));
    print_money(I(s, "pipeline_moved_minor"));
    printf(" of open pipeline change owner\n");
    printf("left out     %lld accounts without coordinates\n\n", I(s, "left_out"));
    printf("%-28s %8s %16s %16s %7s %5s\n", "seller", "accounts", "potential", "pipeline", "gained",
           "lost");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(s, "sellers"), i, x)
    {
        printf("%-28s %8lld ", json_string_value(json_object_get(x, "name")), I(x, "accounts"));
        char pot[32], pipe[32];
        snprintf(pot, sizeof pot, "%lld.%02lld", I(x, "potential_minor") / 100,
                 I(x, "potential_minor") % 100);
        snprintf(pipe, sizeof pipe, "%lld.%02lld", I(x, "pipeline_minor") / 100,
                 I(x, "pipeline_minor") % 100);
        printf("%16s %16s %7lld %5lld\n", pot, pipe, I(x, "gained"), I(x, "lost"));
    }
#undef I
}

/* Fill p from the options (over what --scenario loaded). 0, or 2 after printing a usage
 * error. */
static int align_params(struct store *db, struct opt *opts, struct arena *a, struct tsc_params *p)
{
    const char *v;
    size_t n;
    if ((v = opt_get(opts, "name"))) p->name = v;
    if ((v = opt_get(opts, "segment"))) p->segment = v;
    if ((v = opt_get(opts, "industry"))) p->industry = v;
    if (opt_get(opts, "owners-only")) p->owners_only = 1;
    if ((v = opt_get(opts, "team"))) {
        struct err e = {0};
        if ((parse_int64(v, &p->team_id) < 0 || p->team_id < 1) &&
            store_int_query(db, "SELECT id FROM teams WHERE name = $1", PARAMS(SV_TEXT(v)),
                            &p->team_id, &e) < 0) {
            fprintf(stderr, "reins: --team: no team '%s'\n", v);
            return 2;
        }
    }
    if ((v = opt_get(opts, "sellers"))) {
        char **items = split_list(a, v, &n);
        int64_t *ids = arena_alloc(a, (n + 1) * sizeof *ids);
        for (size_t i = 0; i < n; i++)
            if (!(ids[i] = person_arg(db, items[i], "sellers"))) return 2;
        p->sellers = ids;
        p->nsellers = n;
    }
    if ((v = opt_get(opts, "measures"))) {
        char **items = split_list(a, v, &n);
        p->measures = 0;
        for (size_t i = 0; i < n; i++) {
            int m = !strcmp(items[i], "accounts")    ? TSC_ACCOUNTS
                    : !strcmp(items[i], "potential") ? TSC_POTENTIAL
                    : !strcmp(items[i], "pipeline")  ? TSC_PIPELINE
                                                     : 0;
            if (!m) {
                fprintf(stderr, "reins: --measures: '%s' is not accounts, potential or pipeline\n",
                        items[i]);
                return 2;
            }
            p->measures |= m;
        }
    }
    if ((v = opt_get(opts, "tolerance"))) {
        char *end;
        double t = strtod(v, &end);
        if (*end || end == v || !(t >= 0 && t <= 1)) {
            fprintf(stderr, "reins: --tolerance: '%s' is not a fraction from 0 to 1\n", v);
            return 2;
        }
        p->tolerance_bp = (int64_t)llround(t * 10000);
    }
    long lv;
    if ((v = opt_get(opts, "max-moves"))) {
        if (parse_long(v, "max-moves", 0, &lv) < 0) return 2;
        p->max_moves = lv;
    }
    if ((v = opt_get(opts, "move-penalty"))) {
        if (parse_long(v, "move-penalty", 0, &lv) < 0) return 2;
        p->move_penalty_km = lv;
    }
    if ((v = opt_get(opts, "max-iter"))) {
        if (parse_long(v, "max-iter", 1, &lv) < 0) return 2;
        p->max_iter = lv;
    }
    if ((v = opt_get(opts, "time-limit"))) {
        char *end;
        p->time_limit = strtod(v, &end);
        if (*end || !(p->time_limit > 0)) {
            fprintf(stderr, "reins: --time-limit: '%s' is not a number of seconds\n", v);
            return 2;
        }
    }
    if ((v = opt_get(opts, "locks"))) {
        char **items = split_list(a, v, &n);
        struct tsc_lock *locks = arena_alloc(a, (n + 1) * sizeof *locks);
        for (size_t i = 0; i < n; i++) {
            char *eq = strchr(items[i], '=');
            if (eq) *eq = 0;
            if (!eq || parse_int64(items[i], &locks[i].account_id) < 0) {
                fprintf(stderr, "reins: --locks: item %zu: ACCOUNT_ID=PERSON\n", i + 1);
                return 2;
            }
            if (!(locks[i].person_id = person_arg(db, eq + 1, "locks"))) return 2;
        }
        p->locks = locks;
        p->nlocks = n;
    }
    if ((v = opt_get(opts, "homes"))) {
        char **items = split_list(a, v, &n);
        struct tsc_home *homes = arena_alloc(a, (n + 1) * sizeof *homes);
        for (size_t i = 0; i < n; i++) {
            char *eq = strchr(items[i], '='), *end;
            if (!eq) {
                fprintf(stderr, "reins: --homes: item %zu: PERSON=LAT:LON or PERSON=account:ID\n",
                        i + 1);
                return 2;
            }
            *eq = 0;
            if (!(homes[i].person_id = person_arg(db, items[i], "homes"))) return 2;
            const char *place = eq + 1;
            if (!strncmp(place, "account:", 8)) {
                homes[i].kind = TSC_HOME_ACCOUNT;
                if (parse_int64(place + 8, &homes[i].account_id) < 0) {
                    fprintf(stderr, "reins: --homes: item %zu: 'account:' and an id\n", i + 1);
                    return 2;
                }
                continue;
            }
            homes[i].kind = TSC_HOME_GIVEN;
            homes[i].lat = strtod(place, &end);
            if (*end != ':' || end == place) goto bad_place;
            place = end + 1;
            homes[i].lon = strtod(place, &end);
            if (*end || end == place) goto bad_place;
            continue;
        bad_place:
            fprintf(stderr, "reins: --homes: item %zu: '%s' is not LAT:LON\n", i + 1, eq + 1);
            return 2;
        }
        p->homes = homes;
        p->nhomes = n;
    }
    if (!p->name || !p->nsellers) {
        fprintf(stderr, "reins: territory align on the database needs --scenario, or --name and"
                        " --sellers\n");
        return 2;
    }
    return 0;
}

/* align on the database: build from stored parameters and/or flags, run, store a draft. */
static int align_db(struct opt *opts, const char *db_url)
{
    struct store *db;
    if (cli_open_db(db_url, &db) < 0) return 1;
    struct arena a = ARENA_INIT;
    struct tsc_params p = {
        .measures = TSC_ACCOUNTS | TSC_POTENTIAL, .tolerance_bp = 500, .max_moves = -1};
    struct err e = {0};
    int rc = 0;
    const char *v = opt_get(opts, "scenario");
    if (v) {
        int64_t id = 0;
        if (parse_int64(v, &id) < 0 || id < 1) {
            fprintf(stderr, "reins: --scenario: '%s' is not a scenario id\n", v);
            rc = 2;
        } else if (territory_scenario_params(db, id, &a, &p, &e) < 0) {
            rc = cli_fail(&e);
        }
    }
    if (!rc) rc = align_params(db, opts, &a, &p);
    int64_t id = 0;
    if (!rc && territory_scenario_create(db, &p, 0, (int64_t)time(NULL), &id, &e) < 0)
        rc = cli_fail(&e);
    json_t *s = NULL;
    if (!rc && territory_scenario_json(db, id, 0, &s, &e) < 0) rc = cli_fail(&e);
    if (!rc && opt_get(opts, "json")) {
        char *text = json_dumps(s, JSON_COMPACT);
        puts(text);
        free(text);
    } else if (!rc) {
        print_scenario(s);
    }
    json_decref(s);
    arena_release(&a);
    store_close(db);
    return rc;
}

int cmd_territory(int argc, char **argv, const char *db_url)
{
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
                         {"scenario", 1},
                         {"name", 1},
                         {"sellers", 1},
                         {"segment", 1},
                         {"industry", 1},
                         {"team", 1},
                         {"locks", 1},
                         {"json", 0},
                         {"owners-only", 0},
                         {0}};
    const char *pos[1];
    int help;
    int npos = opt_parse(argc, argv, opts, pos, 1, &help);
    if (npos < 0) return 2;
    if (help || npos != 1 || (strcmp(pos[0], "solve") && strcmp(pos[0], "align")))
        return usage(help);
    const char *units = opt_get(opts, "units"), *graphml = opt_get(opts, "graphml");
    if (!strcmp(pos[0], "align") && !units && !graphml) return align_db(opts, db_url);
    static const char *const db_only[] = {"scenario", "name",  "sellers", "segment",    "industry",
                                          "team",     "locks", "json",    "owners-only"};
    for (size_t i = 0; i < sizeof db_only / sizeof *db_only; i++)
        if (opt_get(opts, db_only[i])) {
            fprintf(stderr, "reins: --%s is for align on the database, not on files\n", db_only[i]);
            return 2;
        }
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
