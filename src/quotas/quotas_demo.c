/* quotas_demo.c -- quotas with ramp for every seller and team of the demo organisation. */
#include "quotas/quotas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "store/store.h"

/* Sellers: people with a manager and nobody reporting to them, not gone. */
static const char SQL_SELLERS[] =
    "SELECT p.id, p.start_date, COALESCE(p.team_id, 0) FROM people p"
    " WHERE p.manager_id IS NOT NULL AND p.status <> 'left'"
    " AND NOT EXISTS (SELECT 1 FROM people r WHERE r.manager_id = p.id) ORDER BY p.id";
static const char SQL_TEAMS[] = "SELECT id FROM teams ORDER BY id";
/* The demo's deals set the currency and the size of quotas, so attainment looks like a year's. */
static const char SQL_MAIN_CURRENCY[] =
    "SELECT currency, COUNT(*) FROM opportunities WHERE status = 'won'"
    " GROUP BY currency ORDER BY 2 DESC, 1 LIMIT 1";
static const char SQL_SET_CURRENCY[] = "UPDATE quota_settings SET currency = $1 WHERE id = 1";
static const char SQL_WON_PER_SELLER[] =
    "SELECT COALESCE(SUM(amount_minor), 0) / COUNT(DISTINCT owner_id) FROM opportunities"
    " WHERE status = 'won' AND currency = $1 AND close_date >= $2 AND close_date <= $3"
    " HAVING COUNT(*) > 0";

#define MAX_DEMO_SELLERS 2000
#define MAX_DEMO_TEAMS 200

/* splitmix64 over (seed, a, b): the same number for the same inputs, whatever the order of calls.
 */
static uint64_t mix(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (a + 1) + 0xbf58476d1ce4e5b9ULL * (b + 7);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct demo_seller {
    int64_t id, team_id, start_day;
    int64_t quarter_minor; /* the full quarterly quota */
    struct ramp ramp;
    int own_ramp; /* an override, not the default */
};

static int set_quota(struct store *db, int64_t person_id, int64_t team_id, const char *key,
                     int64_t amount, int64_t deals, const char *currency, struct err *e)
{
    struct quota_fields f = {person_id, team_id, key, amount, currency, deals};
    int64_t id;
    return quota_set(db, &f, 1, 0, &id, e);
}

/* Round up to a whole thousand of major units, as people set quotas. */
static int64_t round_thousands(int64_t minor)
{
    return (minor + 99999) / 100000 * 100000;
}

int quotas_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e)
{
    struct demo_seller *sellers = xcalloc(MAX_DEMO_SELLERS, sizeof *sellers);
    int64_t teams[MAX_DEMO_TEAMS];
    size_t ns = 0, nt = 0;
    struct quota_settings s;
    int rc = quota_settings_get(db, &s, e);
    if (rc < 0) goto done;
    struct store_rows *r;
    if ((rc = store_query(db, SQL_MAIN_CURRENCY, NO_PARAMS, &r, e)) < 0) goto done;
    if ((rc = store_next(r, e)) > 0)
        snprintf(s.currency, sizeof s.currency, "%s", store_text(r, 0));
    store_rows_free(r);
    if (rc < 0 || (rc = store_run(db, SQL_SET_CURRENCY, PARAMS(SV_TEXT(s.currency)), NULL, e)) < 0)
        goto done;
    /* a seller's quarter: about what a seller won in a quarter of the last year */
    struct period this_quarter;
    period_of_day(PERIOD_QUARTER, as_of_days, s.fiscal_start_month, &this_quarter);
    char from[11], to[11];
    date_from_days(this_quarter.first_day - 365, from);
    date_from_days(this_quarter.first_day - 1, to);
    int64_t base = 60000000; /* a year of 600,000.00 when there is no history */
    rc = store_int_query(db, SQL_WON_PER_SELLER,
                         PARAMS(SV_TEXT(s.currency), SV_TEXT(from), SV_TEXT(to)), &base, e);
    if (rc < 0 && rc != REINS_ENOTFOUND) goto done;
    base = base / 4 > 1000000 ? base / 4 : 1000000;
    if ((rc = store_query(db, SQL_SELLERS, NO_PARAMS, &r, e)) < 0) goto done;
    while ((rc = store_next(r, e)) > 0 && ns < MAX_DEMO_SELLERS) {
        struct demo_seller *d = &sellers[ns++];
        d->id = store_int(r, 0);
        d->start_day = date_to_days(store_text(r, 1));
        d->team_id = store_int(r, 2);
        uint64_t x = mix(seed, (uint64_t)d->id, 1);
        /* 80% to 120% of the base, in whole thousands */
        d->quarter_minor = round_thousands(base / 100 * (80 + (int64_t)(x % 41)));
        d->ramp = s.ramp;
        /* one new hire in three ramps over five months instead of the default */
        if (as_of_days - d->start_day < 180 && (x >> 8) % 3 == 0) {
            static const int32_t longer[] = {2000, 4000, 6000, 8000, 9000};
            d->ramp.n = 5;
            d->own_ramp = 1;
            memcpy(d->ramp.bp, longer, sizeof longer);
        }
    }
    store_rows_free(r);
    if (rc < 0) goto done;
    if ((rc = store_query(db, SQL_TEAMS, NO_PARAMS, &r, e)) < 0) goto done;
    while ((rc = store_next(r, e)) > 0 && nt < MAX_DEMO_TEAMS)
        teams[nt++] = store_int(r, 0);
    store_rows_free(r);
    if (rc < 0) goto done;

    for (size_t i = 0; i < ns; i++)
        if (sellers[i].own_ramp &&
            (rc = ramp_override_set(db, sellers[i].id, &sellers[i].ramp, 0, e)) < 0)
            goto done;

    /* the fiscal year of the as-of date and the one before: quarters and years for all,
     * months of the current year too; the fourth quarter carries a fifth more. Amounts are
     * full quotas: the ramp and the months before a start date are taken off when attainment
     * is computed, never twice. */
    struct period year;
    period_of_day(PERIOD_YEAR, as_of_days, s.fiscal_start_month, &year);
    period_shift(&year, -1, s.fiscal_start_month, &year);
    for (int y = 0; y < 2; y++, period_shift(&year, 1, s.fiscal_start_month, &year)) {
        int64_t team_year[MAX_DEMO_TEAMS] = {0};
        for (int q = 0; q < 4; q++) {
            struct period quarter;
            period_of_day(PERIOD_QUARTER, year.first_day, s.fiscal_start_month, &quarter);
            period_shift(&quarter, q, s.fiscal_start_month, &quarter);
            int64_t team_sum[MAX_DEMO_TEAMS] = {0};
            for (size_t i = 0; i < ns; i++) {
                struct demo_seller *d = &sellers[i];
                if (d->start_day > quarter.last_day) continue; /* not hired yet */
                int64_t amount = q == 3 ? d->quarter_minor / 5 * 6 : d->quarter_minor;
                int64_t deals = 4 + (int64_t)(mix(seed, (uint64_t)d->id, 2) % 5);
                if ((rc = set_quota(db, d->id, 0, quarter.key, amount, deals, s.currency, e)) < 0)
                    goto done;
                if (y == 1)
                    for (int m = 0; m < 3; m++) {
                        struct period month;
                        period_of_day(PERIOD_MONTH, quarter.first_day, s.fiscal_start_month,
                                      &month);
                        period_shift(&month, m, s.fiscal_start_month, &month);
                        if (d->start_day > month.last_day) continue;
                        if ((rc = set_quota(db, d->id, 0, month.key, amount / 3, -1, s.currency,
                                            e)) < 0)
                            goto done;
                    }
                for (size_t t = 0; t < nt; t++)
                    if (teams[t] == d->team_id)
                        team_sum[t] += quota_effective(amount, &quarter, d->start_day, &d->ramp);
            }
            /* a team's quota is set a little above what its members carry */
            for (size_t t = 0; t < nt; t++) {
                if (!team_sum[t]) continue;
                int64_t set = round_thousands(
                    team_sum[t] / 100 * (103 + (int64_t)(mix(seed, (uint64_t)teams[t], 3) % 6)));
                team_year[t] += set;
                if ((rc = set_quota(db, 0, teams[t], quarter.key, set, -1, s.currency, e)) < 0)
                    goto done;
            }
        }
        /* the full year, as for someone here all year: ramp and the months before the
         * start date take their share off (see quota_effective) */
        for (size_t i = 0; i < ns; i++) {
            int64_t full = sellers[i].quarter_minor * 3 + sellers[i].quarter_minor / 5 * 6;
            if (sellers[i].start_day <= year.last_day &&
                (rc = set_quota(db, sellers[i].id, 0, year.key, full, -1, s.currency, e)) < 0)
                goto done;
        }
        for (size_t t = 0; t < nt; t++)
            if (team_year[t] &&
                (rc = set_quota(db, 0, teams[t], year.key, team_year[t], -1, s.currency, e)) < 0)
                goto done;
    }
    rc = 0;
done:
    free(sellers);
    return rc;
}
