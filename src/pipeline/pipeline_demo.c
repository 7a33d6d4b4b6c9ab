/* pipeline_demo.c -- two years of believable pipeline history for every demo seller.
 *
 * Each seller gets a book of accounts and deals created through the two
 * years before the demo date, more of them in autumn, closing into a Q4
 * peak. A deal moves up the stages every week or three; when its close date
 * comes near it is won, lost, or slips. How often it slips depends on the
 * seller: a third forecast well (close dates rarely move), a third are
 * average, a third slip most deals. Every move is written as history at
 * the day it happened, so "the pipeline as of D" and the slip counts read
 * like a real team's.
 */
#include "pipeline/pipeline.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "store/store.h"

#define DEMO_DAYS 730
#define DAY 86400

static const char SQL_SELLERS[] =
    "SELECT p.id, p.start_date FROM people p JOIN users u ON u.person_id = p.id"
    " WHERE u.role = 'seller' AND p.status <> 'left' ORDER BY p.id";
static const char SQL_REASON[] = "UPDATE opportunities SET closed_reason = $2 WHERE id = $1";
static const char SQL_DEFAULT_PIPELINE[] = "SELECT id FROM pipelines WHERE is_default = 1";

static const char *const prefixes[] = {
    "Northwind", "Acme",      "Globex",     "Initech",    "Umbrella", "Stark",    "Wayne",
    "Hooli",     "Vandelay",  "Soylent",    "Cyberdyne",  "Tyrell",   "Wonka",    "Oscorp",
    "Massive",   "Gringotts", "Monarch",    "Pied Piper", "Dunder",   "Sterling", "Aperture",
    "Blue Sun",  "Zorg",      "Ollivander", "Prestige",   "Virtucon", "Axiom",    "Nakatomi"};
static const char *const suffixes[] = {"Logistics", "Foods",   "Health",  "Bank", "Retail",
                                       "Energy",    "Systems", "Freight", "Labs", "Group"};
static const char *const industries[] = {"Logistics", "Food",   "Healthcare", "Finance",
                                         "Retail",    "Energy", "Software",   "Manufacturing"};
static const char *const segments[] = {"SMB", "Mid-market", "Enterprise"};
struct city {
    const char *postcode, *country;
    int64_t lat_e6, lon_e6;
};
static const struct city cities[] = {
    {"10115", "DE", 52520000, 13405000},  {"80331", "DE", 48137000, 11575000},
    {"20095", "DE", 53551000, 9994000},   {"75001", "FR", 48857000, 2352000},
    {"69001", "FR", 45764000, 4836000},   {"EC1A 1BB", "GB", 51507000, -127000},
    {"M1 1AE", "GB", 53481000, -2243000}, {"28013", "ES", 40417000, -3704000},
    {"1012", "NL", 52370000, 4895000},    {"20121", "IT", 45464000, 9190000},
};
static const char *const products[] = {"Core platform", "Analytics", "Support plus", "Onboarding",
                                       "API access"};
static const char *const loss_reasons[] = {"Price", "Chose a competitor", "No decision", "Timing",
                                           "Missing feature"};
/* Deals created per seller in each month, in tenths: autumn builds the Q4 pipeline. */
static const int month_rate[12] = {25, 30, 35, 30, 30, 25, 20, 20, 40, 45, 40, 25};

#define N(a) ((int)(sizeof a / sizeof *a))

/* splitmix64: small, fast, and the same sequence everywhere for a seed. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int pick(uint64_t *rng, int n)
{
    return (int)(next_random(rng) % (uint64_t)n);
}

/* The last day of the month of `day`, or of its quarter: sellers put deals there. */
static int64_t period_end(int64_t day, int quarter)
{
    char d[11];
    date_from_days(day, d);
    int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int m = (d[5] - '0') * 10 + (d[6] - '0');
    if (quarter) m = (m + 2) / 3 * 3;
    if (++m > 12) {
        m = 1;
        y++;
    }
    char first[16];
    snprintf(first, sizeof first, "%04d-%02d-01", y % 10000, m % 100);
    return date_to_days(first) - 1;
}

struct seller {
    int64_t id, start_day;
};

struct demo {
    struct store *db;
    uint64_t rng;
    int64_t as_of;
    struct arena arena;
    const struct pipeline_stage *open[8]; /* the open stages in order */
    int nopen;
    const struct pipeline_stage *won, *lost;
    struct err *e;
};

static int make_accounts(struct demo *d, int64_t owner, int n, int64_t at, int64_t *ids,
                         const char **names)
{
    for (int i = 0; i < n; i++) {
        const struct city *c = &cities[pick(&d->rng, N(cities))];
        struct account a = {0};
        a.name = arena_printf(&d->arena, "%s %s", prefixes[pick(&d->rng, N(prefixes))],
                              suffixes[pick(&d->rng, N(suffixes))]);
        a.owner_id = owner;
        a.industry = industries[pick(&d->rng, N(industries))];
        a.segment = segments[pick(&d->rng, N(segments))];
        a.postcode = c->postcode;
        a.country = c->country;
        a.has_location = 1;
        a.latitude_e6 = c->lat_e6 + pick(&d->rng, 20000) - 10000;
        a.longitude_e6 = c->lon_e6 + pick(&d->rng, 20000) - 10000;
        a.potential_minor = (int64_t)(50 + pick(&d->rng, 950)) * 100000;
        a.currency = "EUR";
        a.source = "demo";
        names[i] = a.name;
        int rc = account_create(d->db, &a, at, &ids[i], d->e);
        if (rc < 0) return rc;
    }
    return 0;
}

/* One deal from its creation on `day` until it closes or the demo date comes. */
static int make_deal(struct demo *d, const struct seller *s, int64_t account, const char *acc_name,
                     int64_t day, int slip_pct, int win_pct)
{
    struct opportunity o;
    memset(&o, 0, sizeof o);
    o.account_id = account;
    int big = pick(&d->rng, 10) == 0;
    o.st.owner_id = s->id;
    o.st.amount_minor = (int64_t)(4000 + pick(&d->rng, 36000)) * (big ? 5 : 1) * 100;
    snprintf(o.st.currency, sizeof o.st.currency, "EUR");
    int64_t close = period_end(day + 30 + pick(&d->rng, 90), pick(&d->rng, 5) < 2);
    date_from_days(close, o.st.close_date);
    int stage = pick(&d->rng, 3) == 0 ? 1 : 0;
    opp_state_enter_stage(&o.st, d->open[stage], 0);
    date_from_days(day, o.created_date);
    const char *kind[] = {"renewal", "expansion", "new platform", "pilot", "rollout"};
    const char *type[] = {"renewal", "expansion", "new", "new", "new"}; /* the CRM's Type */
    int k = pick(&d->rng, N(kind));
    o.name = arena_printf(&d->arena, "%s %s", acc_name, kind[k]);
    o.deal_type = type[k];
    o.products = arena_printf(&d->arena, "%s; %s", products[pick(&d->rng, N(products))],
                              products[pick(&d->rng, N(products))]);
    o.closed_reason = "";
    o.source = "demo";
    struct change_source by = {"demo", 0, day * DAY + 9 * 3600 + pick(&d->rng, 8 * 3600)};
    int64_t id;
    int rc = opportunity_create(d->db, &o, &by, &id, d->e);
    if (rc < 0) return rc;
    int won = pick(&d->rng, 100) < win_pct;
    int lose_at = 1 + pick(&d->rng, d->nopen - 1);
    int manual = 0;
    struct opp_state st = o.st;
    for (;;) {
        day += 5 + pick(&d->rng, 18);
        if (day >= d->as_of) break;
        struct opp_state next = st;
        const char *reason = NULL;
        if (day >= close - 5) {
            if (pick(&d->rng, 100) < slip_pct) {
                /* the close date slips, to the end of a later month or quarter */
                close = period_end(close + 10 + pick(&d->rng, 50), pick(&d->rng, 2));
                date_from_days(close, next.close_date);
            } else {
                opp_state_enter_stage(&next, won ? d->won : d->lost, manual);
                date_from_days(day, next.close_date);
                if (!won) reason = loss_reasons[pick(&d->rng, N(loss_reasons))];
            }
        } else if (!won && stage >= lose_at && pick(&d->rng, 4) == 0) {
            opp_state_enter_stage(&next, d->lost, manual); /* lost early */
            date_from_days(day, next.close_date);
            reason = loss_reasons[pick(&d->rng, N(loss_reasons))];
        } else if (stage + 1 < d->nopen) {
            stage += pick(&d->rng, 4) == 0 && stage + 2 < d->nopen ? 2 : 1;
            opp_state_enter_stage(&next, d->open[stage], manual);
            /* now and then a seller calls the deal by hand */
            if (!manual && pick(&d->rng, 12) == 0) {
                manual = 1;
                next.probability_bp = (int64_t)(2 + pick(&d->rng, 8)) * 1000;
            }
        } else {
            continue; /* waiting in the last open stage for the close date */
        }
        by.at = day * DAY + 9 * 3600 + pick(&d->rng, 8 * 3600);
        if ((rc = opportunity_write_state(d->db, id, &st, &next, manual, &by, d->e)) < 0) return rc;
        if (reason && (rc = store_run(d->db, SQL_REASON, PARAMS(SV_INT(id), SV_TEXT(reason)), NULL,
                                      d->e)) < 0)
            return rc;
        st = next;
        if (strcmp(st.status, "open")) break;
    }
    return 0;
}

static int fill_seller(struct demo *d, const struct seller *s)
{
    int64_t from = d->as_of - DEMO_DAYS;
    if (s->start_day + 14 > from) from = s->start_day + 14;
    if (from >= d->as_of) return 0;
    /* a third forecast well, a third average, a third slip most deals */
    int kind = pick(&d->rng, 3);
    int slip_pct = kind == 0   ? 8 + pick(&d->rng, 8)
                   : kind == 1 ? 30 + pick(&d->rng, 15)
                               : 55 + pick(&d->rng, 20);
    int win_pct = 20 + pick(&d->rng, 20);
    int64_t accounts[12];
    const char *names[12];
    int nacc = 6 + pick(&d->rng, 7);
    int rc = make_accounts(d, s->id, nacc, from * DAY, accounts, names);
    if (rc < 0) return rc;
    for (int64_t day = from; day < d->as_of; day++) {
        char date[11];
        date_from_days(day, date);
        int month = (date[5] - '0') * 10 + (date[6] - '0') - 1;
        /* month_rate tenths of a deal a month, spread over the days */
        if (pick(&d->rng, 300) >= month_rate[month]) continue;
        int a = pick(&d->rng, nacc);
        if ((rc = make_deal(d, s, accounts[a], names[a], day, slip_pct, win_pct)) < 0) return rc;
    }
    return 0;
}

int pipeline_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e)
{
    struct demo d = {db, seed ^ 0x7069706534ULL, as_of_days, ARENA_INIT, {0}, 0, NULL, NULL, e};
    int64_t pipeline = 0;
    int rc = store_int_query(db, SQL_DEFAULT_PIPELINE, NO_PARAMS, &pipeline, e);
    if (rc < 0) return rc;
    struct pipeline_stage *stages;
    size_t nstages;
    if ((rc = pipeline_stages_list(db, &d.arena, &stages, &nstages, e)) < 0) goto done;
    for (size_t i = 0; i < nstages; i++) {
        if (stages[i].pipeline_id != pipeline) continue;
        if (stages[i].is_won)
            d.won = &stages[i];
        else if (stages[i].is_lost)
            d.lost = &stages[i];
        else if (d.nopen < N(d.open))
            d.open[d.nopen++] = &stages[i];
    }
    if (!d.won || !d.lost || d.nopen < 2) goto done; /* a pipeline the demo cannot walk */
    struct store_rows *r;
    if ((rc = store_query(db, SQL_SELLERS, NO_PARAMS, &r, e)) < 0) goto done;
    size_t cap = 64, n = 0;
    struct seller *sellers = arena_alloc(&d.arena, cap * sizeof *sellers);
    while ((rc = store_next(r, e)) > 0) {
        sellers = arena_grow(&d.arena, sellers, sizeof *sellers, n, &cap);
        sellers[n].id = store_int(r, 0);
        sellers[n++].start_day = date_to_days(store_text(r, 1));
    }
    store_rows_free(r);
    for (size_t i = 0; rc >= 0 && i < n; i++)
        rc = fill_seller(&d, &sellers[i]);
done:
    arena_release(&d.arena);
    return rc < 0 ? rc : 0;
}
