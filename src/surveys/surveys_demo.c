/* surveys_demo.c -- six months of pulses for the demo organisation, with one
 * team's sense of direction slipping. Answers go through the same path as
 * real ones (survey_submit_in_tx), so the demo keeps every anonymity rule. */
#include "surveys/surveys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "store/store.h"
#include "surveys/survey_internal.h"

#define DEMO_PULSES 13 /* every two weeks for six months, the last one open */
#define DEMO_EVERY_DAYS 14
#define DEMO_PULSE_DRIVERS 3

static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A uniform number in [lo, hi). */
static double uniform(uint64_t *rng, double lo, double hi)
{
    return lo + (hi - lo) * (double)(next_random(rng) >> 11) / 9007199254740992.0;
}

static int clamp_round(double x, int lo, int hi)
{
    int v = (int)(x + (x < 0 ? -0.5 : 0.5));
    return v < lo ? lo : v > hi ? hi : v;
}

static const char *const comments[] = {
    "Love the team, but the quota jumped a lot this quarter.",
    "More time with customers and less in internal meetings, please.",
    "The new onboarding for the product launch really helped.",
    "My manager makes time for me every week; it shows.",
    "CRM hygiene takes too much of Friday afternoon.",
    "Would like clearer paths to senior roles.",
    "Great quarter, the team is pulling together.",
};
static const char *const direction_comments[] = {
    "We changed our target segment twice this quarter and nobody explained why.",
    "I am not sure what our priorities are any more.",
    "The territory changes came without any reasoning behind them.",
};

struct demo_question {
    int64_t id;
    char driver[32], kind[8];
};

int surveys_demo_fill(struct store *db, uint64_t seed, int64_t as_of, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, "SELECT id, driver, kind FROM survey_questions WHERE archived = 0"
                             " ORDER BY position, id",
                         NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    struct demo_question q[64];
    size_t nq = 0;
    while ((rc = store_next(r, e)) > 0 && nq < 64) {
        q[nq].id = store_int(r, 0);
        snprintf(q[nq].driver, sizeof q[nq].driver, "%s", store_text(r, 1));
        snprintf(q[nq].kind, sizeof q[nq].kind, "%s", store_text(r, 2));
        nq++;
    }
    store_rows_free(r);
    if (rc < 0) return rc;

    /* The slipping team: the tree of the first manager below the top. */
    int64_t slipping = 0;
    rc = store_int_query(db,
                         "SELECT COALESCE(MIN(m.id), 0) FROM people m WHERE m.manager_id IS NOT NULL"
                         " AND EXISTS (SELECT 1 FROM people r WHERE r.manager_id = m.id)",
                         NO_PARAMS, &slipping, e);
    if (rc < 0) return rc;
    if ((rc = store_query(db,
                          "SELECT id, COALESCE(manager_id, 0) FROM people WHERE status <> 'left'"
                          " ORDER BY id",
                          NO_PARAMS, &r, e)) < 0)
        return rc;
    size_t n = 0, cap = 64;
    int64_t(*people)[2] = xcalloc(cap, sizeof *people);
    while ((rc = store_next(r, e)) > 0) {
        if (n == cap) people = xrealloc(people, (cap *= 2) * sizeof *people);
        people[n][0] = store_int(r, 0);
        people[n][1] = store_int(r, 1);
        n++;
    }
    store_rows_free(r);
    if (rc < 0) goto done;

    uint64_t rng = seed ^ 0x5eed5a11u;
    double *base = xcalloc(n ? n : 1, sizeof *base);
    for (size_t i = 0; i < n; i++)
        base[i] = uniform(&rng, 3.3, 4.5);
    size_t nlikert = 0;
    for (size_t k = 0; k < nq; k++)
        nlikert += !strcmp(q[k].kind, "likert");

    for (int p = 0; p < DEMO_PULSES && rc >= 0; p++) {
        int64_t opens = as_of - (int64_t)(DEMO_PULSES - 1 - p) * DEMO_EVERY_DAYS - 1;
        int last = p == DEMO_PULSES - 1;
        int64_t closes = opens + (last ? 5 : 4);
        /* A few drivers in rotation, "direction" every other pulse, then eNPS and the comment. */
        int64_t ids[64];
        size_t nids = 0, li = 0;
        for (size_t k = 0; k < nq; k++) {
            int pick = 0;
            if (!strcmp(q[k].kind, "likert")) {
                for (int j = 0; j < DEMO_PULSE_DRIVERS; j++)
                    pick |= li == ((size_t)p * DEMO_PULSE_DRIVERS + (size_t)j) % nlikert;
                pick |= !strcmp(q[k].driver, "direction") && p % 2 == 0;
                li++;
            } else {
                pick = 1;
            }
            if (pick) ids[nids++] = q[k].id;
        }
        char o[11], c[11], title[40];
        date_from_days(opens, o);
        date_from_days(closes, c);
        snprintf(title, sizeof title, "Pulse %s", o);
        int64_t survey = 0;
        if ((rc = survey_create_in_tx(db, "pulse", title, o, c, ids, nids, opens, &survey, e)) < 0)
            break;
        double t = (double)p / (DEMO_PULSES - 1);
        for (size_t i = 0; i < n && rc >= 0; i++) {
            /* About four in five answer; in the open pulse, every other person so far. */
            if (last ? people[i][0] % 2 == 0 : uniform(&rng, 0, 1) > 0.8) continue;
            int in_slipping = slipping && people[i][1] == slipping;
            struct survey_answer a[64];
            size_t na = 0;
            double sum = 0;
            int scored = 0;
            for (size_t k = 0; k < nq; k++) {
                int chosen = 0;
                for (size_t m = 0; m < nids; m++)
                    chosen |= ids[m] == q[k].id;
                if (!chosen || strcmp(q[k].kind, "likert")) continue;
                double mean = base[i];
                if (!strcmp(q[k].driver, "wellbeing")) mean -= 0.4;
                if (!strcmp(q[k].driver, "recognition")) mean -= 0.2;
                if (!strcmp(q[k].driver, "direction") && in_slipping) mean = 4.3 - 1.8 * t;
                int s = clamp_round(mean + uniform(&rng, -0.9, 0.9), 1, 5);
                sum += s;
                scored++;
                a[na++] = (struct survey_answer){q[k].id, s, NULL};
            }
            for (size_t k = 0; k < nq; k++) {
                int chosen = 0;
                for (size_t m = 0; m < nids; m++)
                    chosen |= ids[m] == q[k].id;
                if (!chosen) continue;
                if (!strcmp(q[k].kind, "enps")) {
                    double m = scored ? sum / scored : base[i];
                    a[na++] = (struct survey_answer){
                        q[k].id, clamp_round((m - 1) * 2.5 + uniform(&rng, -1.5, 1.5), 0, 10),
                        NULL};
                } else if (!strcmp(q[k].kind, "text")) {
                    const char *text = "";
                    if (in_slipping && t > 0.5 && uniform(&rng, 0, 1) < 0.4)
                        text = direction_comments[next_random(&rng) % 3];
                    else if (uniform(&rng, 0, 1) < 0.2)
                        text = comments[next_random(&rng) % (sizeof comments / sizeof *comments)];
                    a[na++] = (struct survey_answer){q[k].id, -1, text};
                }
            }
            rc = survey_submit_in_tx(db, people[i][0], survey, opens, a, na, e);
        }
    }
    free(base);
done:
    free(people);
    return rc < 0 ? rc : 0;
}
