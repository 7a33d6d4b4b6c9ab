/* recognition_demo.c -- months of believable kudos for the demo organisation. */
#include "recognition/recognition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/store.h"

#define DEMO_WINDOW_DAYS 182 /* about six months */
#define DEMO_QUIET_DAYS 75   /* quiet people got nothing this recently */
#define DEMO_KUDOS_PER_PERSON 7

static const char SQL_PEOPLE[] = "SELECT id, COALESCE(manager_id, 0), COALESCE(team_id, 0),"
                                 " start_date FROM people WHERE status <> 'left' ORDER BY id";
static const char SQL_VALUES_CURRENT[] =
    "SELECT id, name FROM company_values WHERE archived = 0 ORDER BY position, id";
static const char SQL_INSERT[] = "INSERT INTO kudos (from_id, to_id, value_id, message, created_at)"
                                 " VALUES ($1, $2, $3, $4, $5)";

static const char *const accounts[] = {
    "Northwind",     "Acme Logistics", "Globex",      "Initech",  "Umbrella Health",
    "Stark Freight", "Wayne Retail",   "Hooli",       "Vandelay", "Soylent Foods",
    "Cyberdyne",     "Tyrell Bank",    "Wonka Foods", "Oscorp",   "Massive Dynamic",
};

/* Messages per built-in value; each has one %s for an account name. */
struct value_messages {
    const char *value;
    const char *const msgs[4];
};
static const struct value_messages messages[] = {
    {"Customer first",
     {"Stayed on the %s outage call with their ops team until it was fixed. They renewed the "
      "next week.",
      "Talked %s out of the bigger package they did not need yet. They trust us more for it.",
      "Brought the %s support tickets into the pipeline review before anyone asked. Exactly right.",
      "Went on site at %s to walk their new CFO through the rollout plan in person."}},
    {"Own it",
     {"Caught the pricing error on the %s quote before it went out and fixed it within the hour.",
      "Said the %s mutual action plan would be ready by Friday, and it was there on Thursday.",
      "Took the lost %s deal apart in the retro and named what you would do differently.",
      "Chased legal every day until the %s redlines came back. Closed on the date you called."}},
    {"Better together",
     {"Shared your %s discovery notes with the whole team; two of us reused the questions "
      "this week.",
      "Jumped on my %s demo at an hour's notice when our SE was out. We got the next meeting.",
      "Paired with the new hires on calls all week, and one of them booked %s.",
      "Handed the %s lead to the rep who knew the account best, without being asked."}},
    {"Keep learning",
     {"Rebuilt your %s pitch after the negotiation workshop; the difference showed on the call.",
      "Asked for feedback on your %s call recording and acted on every point.",
      "Read up on the %s market before discovery and asked questions their own team had not.",
      "Finished the forecasting course and cleaned up the %s close dates the same week."}},
    {"Tell it straight",
     {"Told %s plainly that the integration takes a quarter, not a month. They signed anyway.",
      "Kept %s out of commit until the paper process was real. That is how forecasts stay true.",
      "Flagged early that %s was slipping instead of hoping. We had time to save it.",
      "Gave honest, specific feedback on my %s proposal. It is better for it."}},
};
/* For values an admin added: the value's name, then an account. */
static const char *const generic_messages[] = {
    "Lived '%s' on the %s deal this week. Thank you.",
    "Real '%s' on the %s renewal: noticed and appreciated.",
};

/* splitmix64: small, fast, and the same sequence everywhere for a seed. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int pick(uint64_t *rng, int n)
{
    return (int)(next_random(rng) % (uint64_t)n);
}

struct demo_person {
    int64_t id, manager_id, team_id, start_days;
    int manager; /* index of the manager, -1 for none */
    int quiet;   /* 1: nothing lately; 2: never recognised */
};
struct demo_value {
    int64_t id;
    char *name;
};
struct planned {
    int from, to, value, template, account;
    int64_t created_at;
    int seq;
};

static int by_time(const void *a, const void *b)
{
    const struct planned *x = a, *y = b;
    if (x->created_at != y->created_at) return x->created_at < y->created_at ? -1 : 1;
    return x->seq - y->seq;
}

static int load(struct store *db, struct demo_person **people, int *np, struct demo_value **values,
                int *nv, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_PEOPLE, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    int cap = 64;
    *people = xcalloc((size_t)cap, sizeof **people);
    while ((rc = store_next(r, e)) > 0) {
        if (*np == cap) {
            cap *= 2;
            *people = xrealloc(*people, (size_t)cap * sizeof **people);
        }
        struct demo_person *p = &(*people)[(*np)++];
        p->id = store_int(r, 0);
        p->manager_id = store_int(r, 1);
        p->team_id = store_int(r, 2);
        const char *start = store_text(r, 3);
        p->start_days =
            start && date_check(start, "start_date", NULL) == 0 ? date_to_days(start) : 0;
        p->manager = -1;
        p->quiet = 0;
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if ((rc = store_query(db, SQL_VALUES_CURRENT, NO_PARAMS, &r, e)) < 0) return rc;
    cap = 8;
    *values = xcalloc((size_t)cap, sizeof **values);
    while ((rc = store_next(r, e)) > 0) {
        if (*nv == cap) {
            cap *= 2;
            *values = xrealloc(*values, (size_t)cap * sizeof **values);
        }
        (*values)[*nv].id = store_int(r, 0);
        (*values)[(*nv)++].name = xstrdup(store_text(r, 1));
    }
    store_rows_free(r);
    return rc;
}

/* The index of the person with `id` in the id-sorted array, or -1. */
static int find(const struct demo_person *v, int n, int64_t id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (v[mid].id == id) return mid;
        if (v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Choose a giver and a receiver; 0 when this draw found no pair. */
static int choose_pair(uint64_t *rng, const struct demo_person *v, int n, int *from, int *to)
{
    int kind = pick(rng, 100);
    int r = pick(rng, n);
    if (kind < 40) { /* a manager to a report */
        if (v[r].manager < 0) return 0;
        *from = v[r].manager;
        *to = r;
        return 1;
    }
    if (kind < 82) { /* a teammate: start at a random place, take the next one on the team */
        if (!v[r].team_id) return 0;
        int start = pick(rng, n);
        for (int i = 0; i < n; i++) {
            int g = (start + i) % n;
            if (g != r && v[g].team_id == v[r].team_id) {
                *from = g;
                *to = r;
                return 1;
            }
        }
        return 0;
    }
    int g = pick(rng, n); /* across teams */
    if (g == r || (v[g].team_id && v[g].team_id == v[r].team_id)) return 0;
    *from = g;
    *to = r;
    return 1;
}

int recognition_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e)
{
    struct demo_person *people = NULL;
    struct demo_value *values = NULL;
    struct planned *plan = NULL;
    int np = 0, nv = 0, nplan = 0;
    uint64_t rng = seed ^ 0x6b75646f73ULL; /* "kudos": not the same stream as the org's */
    int rc = load(db, &people, &np, &values, &nv, e);
    if (rc < 0 || np < 2 || nv == 0) goto done;

    int with_manager = 0;
    for (int i = 0; i < np; i++) {
        people[i].manager = people[i].manager_id ? find(people, np, people[i].manager_id) : -1;
        if (people[i].manager >= 0) with_manager++;
    }
    /* A few people below a manager go quiet: half of them never recognised. */
    int quiet = 0;
    for (int i = 0; i < np; i++)
        if (people[i].manager >= 0 && pick(&rng, 100) < 8) people[i].quiet = 1 + (quiet++ % 2);
    for (int i = np - 1; i >= 0 && quiet < 2 && quiet < with_manager; i--)
        if (people[i].manager >= 0 && !people[i].quiet) people[i].quiet = 1 + (quiet++ % 2);

    int want = np * DEMO_KUDOS_PER_PERSON;
    plan = xcalloc((size_t)want, sizeof *plan);
    for (int t = 0; t < want; t++) {
        for (int attempt = 0; attempt < 30; attempt++) {
            int from, to;
            if (!choose_pair(&rng, people, np, &from, &to)) continue;
            if (people[to].quiet == 2) continue;
            int64_t day = as_of_days - 1 - pick(&rng, DEMO_WINDOW_DAYS);
            if (people[to].quiet == 1 && day > as_of_days - DEMO_QUIET_DAYS)
                day = as_of_days - DEMO_QUIET_DAYS - pick(&rng, DEMO_WINDOW_DAYS - DEMO_QUIET_DAYS);
            /* nobody gives or gets kudos before they started */
            if (people[to].start_days > day || people[from].start_days > day) continue;
            struct planned *k = &plan[nplan];
            k->from = from;
            k->to = to;
            k->value = pick(&rng, nv);
            k->template = pick(&rng, 4);
            k->account = pick(&rng, (int)(sizeof accounts / sizeof *accounts));
            k->created_at = day * 86400 + (8 + pick(&rng, 10)) * 3600 + pick(&rng, 60) * 60;
            k->seq = nplan++;
            break;
        }
    }
    /* Oldest first, so ids follow time as they would in real use. */
    qsort(plan, (size_t)nplan, sizeof *plan, by_time);
    for (int i = 0; i < nplan && rc >= 0; i++) {
        const struct planned *k = &plan[i];
        const char *account = accounts[k->account];
        const char *value = values[k->value].name;
        char msg[400];
        const struct value_messages *m = NULL;
        for (size_t j = 0; j < sizeof messages / sizeof *messages && !m; j++)
            if (!strcmp(messages[j].value, value)) m = &messages[j];
        if (m)
            snprintf(msg, sizeof msg, m->msgs[k->template], account);
        else
            snprintf(msg, sizeof msg, generic_messages[k->template % 2], value, account);
        rc = store_run(db, SQL_INSERT,
                       PARAMS(SV_INT(people[k->from].id), SV_INT(people[k->to].id),
                              SV_INT(values[k->value].id), SV_TEXT(msg), SV_INT(k->created_at)),
                       NULL, e);
    }
done:
    for (int i = 0; i < nv; i++)
        free(values[i].name);
    free(values);
    free(people);
    free(plan);
    return rc < 0 ? rc : 0;
}
