/* forecast_demo.c -- the demo's forecast calls: every seller calls the last four quarters at
 * weeks 1, 4 and 8, each with their own habit (some sandbag, some are optimists), and the
 * optimists and sandbaggers each override one deal's category their way. Managers call their
 * team's number at weeks 2 and 8 with a habit of their own, and take an optimist's current
 * call down with a comment (an adjustment: the seller's call stays as they said it). */
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "forecast/forecast_store.h"
#include "store/store.h"

#define MAX_SELLERS 4096

/* splitmix64, as the other demos: the same numbers everywhere for a seed. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* A seller's habit, in percent of what they will book: 70 a sandbagger, 140 an optimist. */
static const int habits[] = {70, 80, 95, 100, 105, 120, 140};

/* What `person` booked in [start, end) by close date, and (for a quarter not over by `as_of`)
 * a guess at the rest from the open deals closing in it: what a seller believes on the day. */
static int outcome(struct store *db, int64_t person, int32_t start, int32_t end, int32_t as_of,
                   int64_t *out, struct err *e)
{
    char from[11], to[11];
    date_from_days(start, from);
    date_from_days(end - 1, to);
    int64_t won = 0, open = 0;
    int rc = store_int_query(db,
                             "SELECT COALESCE(SUM(amount_minor), 0) FROM opportunities WHERE"
                             " owner_id = $1 AND status = 'won' AND close_date BETWEEN $2 AND $3",
                             PARAMS(SV_INT(person), SV_TEXT(from), SV_TEXT(to)), &won, e);
    if (rc == 0 && end > as_of)
        rc = store_int_query(db,
                             "SELECT COALESCE(SUM(amount_minor), 0) FROM opportunities WHERE"
                             " owner_id = $1 AND status = 'open' AND close_date BETWEEN $2 AND $3",
                             PARAMS(SV_INT(person), SV_TEXT(from), SV_TEXT(to)), &open, e);
    *out = won + open / 6; /* about what the open deals have converted at */
    return rc;
}

/* The seller's own judgement of a deal closing in the current quarter, two days before the
 * as-of day: an optimist pulls their first deal not in commit into it, a sandbagger pushes
 * their first commit deal back to best case. */
static int demo_override(struct store *db, int64_t person, int habit, const struct fc_period *p,
                         int64_t as_of_days, struct err *e)
{
    if (habit > 80 && habit < 120) return 0;
    char from[11], to[11];
    date_from_days(p->start, from);
    date_from_days(p->end - 1, to);
    int optimist = habit >= 120;
    int64_t deal = 0;
    int rc = store_int_query(db,
                             optimist ? "SELECT COALESCE(MIN(id), 0) FROM opportunities WHERE"
                                        " owner_id = $1 AND status = 'open' AND close_date"
                                        " BETWEEN $2 AND $3 AND forecast_category <> 'commit'"
                                      : "SELECT COALESCE(MIN(id), 0) FROM opportunities WHERE"
                                        " owner_id = $1 AND status = 'open' AND close_date"
                                        " BETWEEN $2 AND $3 AND forecast_category = 'commit'",
                             PARAMS(SV_INT(person), SV_TEXT(from), SV_TEXT(to)), &deal, e);
    if (rc < 0 || !deal) return rc;
    return store_run(db,
                     "INSERT INTO forecast_overrides (opportunity_id, category, comment,"
                     " by_person_id, set_at) VALUES ($1, $2, $3, $4, $5)",
                     PARAMS(SV_INT(deal), SV_TEXT(optimist ? "commit" : "best_case"),
                            SV_TEXT(optimist ? "The champion says they sign this quarter"
                                             : "Legal could slip it"),
                            SV_INT(person), SV_INT((as_of_days - 2) * 86400 + 10 * 3600)),
                     NULL, e);
}

static int insert_call(struct store *db, int64_t person, const char *period, const char *kind,
                       int64_t commit, int64_t best, const char *comment, int64_t by,
                       int64_t at, struct err *e)
{
    return store_run(db,
                     "INSERT INTO forecast_calls (person_id, period, kind, commit_minor,"
                     " best_case_minor, comment, by_person_id, submitted_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                     PARAMS(SV_INT(person), SV_TEXT(period), SV_TEXT(kind), SV_INT(commit),
                            SV_INT(best), SV_TEXT(comment), SV_INT(by), SV_INT(at)),
                     NULL, e);
}

/* A manager's habit when calling the team, in percent of what the team will book. */
static const int manager_habits[] = {85, 95, 100, 110};

/* Every manager above a seller calls the team's number (the sum of what each seller in
 * their tree expects, at their own habit) at weeks 2 and 8 of each quarter, and each
 * optimist's manager takes that seller's last current call down by a quarter. */
static int demo_managers(struct store *db, uint64_t seed, int64_t as_of_days,
                         const int64_t *sellers, size_t n, int64_t (*expect)[4],
                         const int64_t *last_commit, const int64_t *last_at,
                         const struct fc_period *periods, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, "SELECT id, COALESCE(manager_id, 0) FROM people ORDER BY id",
                         NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    size_t np = 0, cap = 64;
    int64_t (*people)[2] = xmalloc(cap * sizeof *people);
    while ((rc = store_next(r, e)) > 0) {
        if (np == cap) people = xrealloc(people, (cap *= 2) * sizeof *people);
        people[np][0] = store_int(r, 0);
        people[np++][1] = store_int(r, 1);
    }
    store_rows_free(r);
    int64_t (*team)[4] = xcalloc(np + 1, sizeof *team);
    /* people are few in a demo: walk each seller's chain by lookups */
    for (size_t i = 0; i < n && rc >= 0; i++)
        for (int64_t m = 0, at = sellers[i], hops = 0; hops < 64; hops++) {
            m = 0;
            for (size_t k = 0; k < np; k++)
                if (people[k][0] == at) m = people[k][1];
            if (!m) break;
            for (size_t k = 0; k < np; k++)
                if (people[k][0] == m)
                    for (int q = 0; q < 4; q++) team[k][q] += expect[i][q];
            at = m;
        }
    for (size_t k = 0; k < np && rc >= 0; k++) {
        if (!team[k][0] && !team[k][1] && !team[k][2] && !team[k][3]) continue;
        uint64_t h = mix(seed ^ mix((uint64_t)people[k][0] + 7919));
        int habit = manager_habits[h % (sizeof manager_habits / sizeof *manager_habits)];
        for (int q = 0; q < 4 && rc >= 0; q++) {
            char pname[8];
            fc_period_name(&periods[q], pname);
            static const int weeks[] = {1, 7};
            for (int w = 0; w < 2 && rc >= 0; w++) {
                int64_t day = periods[q].start + 7 * weeks[w] + 1;
                if (day >= as_of_days || (q == 3 && h % 5 == 2)) break;
                int noise = 92 + (int)(mix(h ^ (uint64_t)(q * 5 + w)) % 17); /* 92-108% */
                int64_t commit = team[k][q] * habit / 100 * noise / 100 / 100 * 100;
                rc = insert_call(db, people[k][0], pname, "call", commit, commit + commit / 4, "",
                                 people[k][0], day * 86400 + 17 * 3600, e);
            }
        }
    }
    /* the optimists' managers adjust their current call, the day after it */
    char current[8];
    fc_period_name(&periods[3], current);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        if (!last_at[i] || last_at[i] / 86400 + 1 >= as_of_days) continue;
        int64_t manager = 0;
        for (size_t k = 0; k < np; k++)
            if (people[k][0] == sellers[i]) manager = people[k][1];
        if (!manager) continue;
        int64_t commit = last_commit[i] * 75 / 100 / 100 * 100;
        rc = insert_call(db, sellers[i], current, "adjustment", commit, commit + commit / 5,
                         "Their calls have run well over what closed: I take a quarter off"
                         " until the champion signs",
                         manager, last_at[i] + 86400, e);
    }
    free(team);
    free(people);
    return rc < 0 ? rc : 0;
}

int fc_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e)
{
    int64_t *sellers = xmalloc(MAX_SELLERS * sizeof *sellers);
    int64_t (*expect)[4] = xcalloc(MAX_SELLERS, sizeof *expect);
    int64_t *last_commit = xcalloc(MAX_SELLERS, sizeof *last_commit);
    int64_t *last_at = xcalloc(MAX_SELLERS, sizeof *last_at);
    size_t n = 0;
    struct store_rows *r;
    int rc = store_query(db, "SELECT DISTINCT owner_id FROM opportunities ORDER BY owner_id",
                         NO_PARAMS, &r, e);
    if (rc < 0) goto done;
    while ((rc = store_next(r, e)) > 0)
        if (n < MAX_SELLERS) sellers[n++] = store_int(r, 0);
    store_rows_free(r);
    if (rc < 0) goto done;
    struct fc_period periods[4];
    periods[3] = fc_period_of((int32_t)as_of_days);
    for (int k = 3; k > 0; k--)
        periods[k - 1] = fc_period_of(periods[k].start - 1);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        uint64_t h = mix(seed ^ mix((uint64_t)sellers[i]));
        int habit = habits[h % (sizeof habits / sizeof *habits)];
        if ((rc = demo_override(db, sellers[i], habit, &periods[3], as_of_days, e)) < 0) break;
        for (int q = 0; q < 4 && rc >= 0; q++) {
            struct fc_period p = periods[q]; /* three past quarters, then the current one */
            char pname[8];
            fc_period_name(&p, pname);
            if ((rc = outcome(db, sellers[i], p.start, p.end, (int32_t)as_of_days,
                              &expect[i][q], e)) < 0)
                break;
            static const int weeks[] = {0, 3, 7};
            for (int w = 0; w < 3 && rc >= 0; w++) {
                int64_t day = p.start + 7 * weeks[w] + (int64_t)(mix(h + (uint64_t)(q * 3 + w)) % 3);
                if (day >= as_of_days) break;
                /* one seller in six has not called the current quarter yet */
                if (q == 3 && h % 6 == 1) break;
                int noise = 85 + (int)(mix(h ^ (uint64_t)(q * 7 + w)) % 31); /* 85-115% */
                int64_t commit = expect[i][q] * habit / 100 * noise / 100 / 100 * 100;
                int64_t best = commit + commit * (20 + (int)(h % 30)) / 100;
                rc = insert_call(db, sellers[i], pname, "call", commit, best, "", sellers[i],
                                 day * 86400 + 9 * 3600, e);
                if (q == 3 && habit >= 140) last_commit[i] = commit, last_at[i] = day * 86400 + 9 * 3600;
            }
        }
    }
    if (rc >= 0)
        rc = demo_managers(db, seed, as_of_days, sellers, n, expect, last_commit, last_at,
                           periods, e);
done:
    free(last_at);
    free(last_commit);
    free(expect);
    free(sellers);
    return rc < 0 ? rc : 0;
}
