/* forecast_store.c -- the forecast's history, reporting tree, calls and quotas, read from the
 * database into the engine's tables (checked by the same loaders as the CSV files). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "forecast/forecast_store.h"
#include "quotas/quotas.h"
#include "store/store.h"

/* One row of opportunity_history: the whole tracked state after a change. */
struct hrow {
    int64_t deal;
    char owner[256], stage[256], close[11], status[8], created[11];
    int64_t day, amount;
};

/* Rows of fields for an fc_load_*_table loader; the strings live in `arena`. */
struct table {
    struct arena *arena;
    size_t ncols, nrows, cap;
    const char **cell;
};

static void table_row(struct table *t, const char *const *f)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->cell = xrealloc(t->cell, t->cap * t->ncols * sizeof *t->cell);
    }
    for (size_t k = 0; k < t->ncols; k++)
        t->cell[t->nrows * t->ncols + k] = arena_strdup(t->arena, f[k] ? f[k] : "");
    t->nrows++;
}

static struct fc_table table_view(const struct table *t)
{
    return (struct fc_table){t->nrows, t->ncols, t->cell, NULL};
}

static void event(struct table *out, const struct hrow *r, int64_t day, const char *field,
                  const char *value)
{
    char deal[24], at[11];
    snprintf(deal, sizeof deal, "%" PRId64, r->deal);
    date_from_days(day, at);
    const char *f[] = {deal, r->owner, at, field, value};
    table_row(out, f);
}

/* The events that take the deal from `prev` (NULL: nothing yet) to `r`. */
static void row_events(struct table *out, const struct hrow *prev, const struct hrow *r)
{
    char amount[24];
    snprintf(amount, sizeof amount, "%" PRId64, r->amount);
    if (!prev) {
        /* the CRM's created date, unless reins saw the deal before it (bad data) */
        int64_t created = date_to_days(r->created);
        event(out, r, created < r->day ? created : r->day, "created", "");
    }
    int any = 0;
    if (!prev || strcmp(prev->stage, r->stage)) event(out, r, r->day, "stage", r->stage), any = 1;
    if (!prev || prev->amount != r->amount) event(out, r, r->day, "amount_minor", amount), any = 1;
    if (!prev || strcmp(prev->close, r->close))
        event(out, r, r->day, "close_date", r->close), any = 1;
    if (!prev || strcmp(prev->status, r->status))
        event(out, r, r->day, "status", r->status), any = 1;
    /* an owner change alone: an event that changes nothing else carries the new owner */
    if (!any && strcmp(prev->owner, r->owner)) event(out, r, r->day, "stage", r->stage);
}

static void copy(char *dst, size_t size, const char *s)
{
    snprintf(dst, size, "%s", s ? s : "");
}

/* Each person's quarter quotas as the forecast reads them: the effective (ramped) amount, in
 * the organisation's currency (never converted), for fiscal quarters that are calendar
 * quarters (a fiscal start in January, April, July or October). */
static int read_quotas(struct store *db, struct table *out, struct err *e)
{
    struct quota_settings qs;
    int rc = quota_settings_get(db, &qs, e);
    if (rc < 0) return rc;
    if ((qs.fiscal_start_month - 1) % 3) return 0; /* no quarter is a calendar quarter */
    struct store_rows *rows;
    if ((rc = store_query(db,
                          "SELECT p.email, q.period_key, q.amount_minor, p.start_date, p.id"
                          " FROM quotas q JOIN people p ON p.id = q.person_id"
                          " WHERE q.period_kind = 'quarter' AND q.currency = $1"
                          " ORDER BY p.id, q.period_key",
                          PARAMS(SV_TEXT(qs.currency)), &rows, e)) < 0)
        return rc;
    int64_t ramp_of = 0;
    struct ramp ramp;
    while ((rc = store_next(rows, e)) > 0) {
        struct period per;
        if (period_parse(store_text(rows, 1), qs.fiscal_start_month, "period_key", &per, e) < 0)
            continue; /* the quotas part keeps its keys valid; not the forecast's to judge */
        int64_t person = store_int(rows, 4);
        int is_override;
        if (person != ramp_of &&
            (rc = ramp_for_person(db, person, &qs, &ramp, &is_override, e)) < 0)
            break;
        ramp_of = person;
        int64_t amount = quota_effective(store_int(rows, 2), &per, date_to_days(store_text(rows, 3)),
                                         &ramp);
        struct fc_period fp = fc_period_of((int32_t)per.first_day);
        char name[8], a[24];
        fc_period_name(&fp, name);
        snprintf(a, sizeof a, "%" PRId64, amount);
        const char *f[] = {store_text(rows, 0), name, a};
        table_row(out, f);
    }
    store_rows_free(rows);
    return rc < 0 ? rc : 0;
}

/* The four tables the engine loads: history, people, calls, quotas. */
static int read_tables(struct store *db, struct table *history, struct table *people,
                       struct table *calls, struct table *quotas, struct err *e)
{
    struct store_rows *rows;
    int rc = store_query(db,
                         "SELECT h.opportunity_id, p.email, h.changed_at, s.name, h.amount_minor,"
                         " h.close_date, h.status, o.created_date"
                         " FROM opportunity_history h"
                         " JOIN people p ON p.id = h.owner_id"
                         " JOIN pipeline_stages s ON s.id = h.stage_id"
                         " JOIN opportunities o ON o.id = h.opportunity_id"
                         " ORDER BY h.opportunity_id, h.changed_at, h.id",
                         NO_PARAMS, &rows, e);
    if (rc < 0) return rc;
    struct hrow a, b, *prev = NULL, *cur = &a;
    while ((rc = store_next(rows, e)) > 0) {
        cur->deal = store_int(rows, 0);
        copy(cur->owner, sizeof cur->owner, store_text(rows, 1));
        int64_t at = store_int(rows, 2);
        cur->day = at >= 0 ? at / 86400 : -((-at + 86399) / 86400);
        copy(cur->stage, sizeof cur->stage, store_text(rows, 3));
        cur->amount = store_int(rows, 4);
        copy(cur->close, sizeof cur->close, store_text(rows, 5));
        copy(cur->status, sizeof cur->status, store_text(rows, 6));
        copy(cur->created, sizeof cur->created, store_text(rows, 7));
        if (prev && prev->deal != cur->deal) prev = NULL;
        row_events(history, prev, cur);
        prev = cur;
        cur = cur == &a ? &b : &a;
    }
    store_rows_free(rows);
    if (rc < 0) return rc;
    if ((rc = store_query(db,
                          "SELECT p.email, m.email FROM people p"
                          " LEFT JOIN people m ON m.id = p.manager_id ORDER BY p.id",
                          NO_PARAMS, &rows, e)) < 0)
        return rc;
    while ((rc = store_next(rows, e)) > 0) {
        const char *f[] = {store_text(rows, 0), store_text(rows, 1)};
        table_row(people, f);
    }
    store_rows_free(rows);
    if (rc < 0) return rc;
    /* the people's own calls (their commit), for the backtest; adjustments are not theirs */
    if ((rc = store_query(db,
                          "SELECT p.email, c.period, c.submitted_at, c.commit_minor"
                          " FROM forecast_calls c JOIN people p ON p.id = c.person_id"
                          " WHERE c.kind = 'call' ORDER BY c.submitted_at, c.id",
                          NO_PARAMS, &rows, e)) < 0)
        return rc;
    while ((rc = store_next(rows, e)) > 0) {
        char at[11], amount[24];
        int64_t t = store_int(rows, 2), day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
        struct fc_period p;
        /* a row written after its period ended is no forecast: leave it out rather than
         * refuse the whole history (the loader would) */
        if (fc_period_parse(store_text(rows, 1), &p, "period", e) == 0 && day >= p.end) continue;
        date_from_days(day, at);
        snprintf(amount, sizeof amount, "%" PRId64, store_int(rows, 3));
        const char *f[] = {store_text(rows, 0), store_text(rows, 1), at, amount};
        table_row(calls, f);
    }
    store_rows_free(rows);
    if (rc < 0) return rc;
    return read_quotas(db, quotas, e);
}

int fc_load_store(struct store *db, struct fc_data *d, struct err *e)
{
    struct arena a = ARENA_INIT;
    struct table h = {&a, 5, 0, 0, NULL}, p = {&a, 2, 0, 0, NULL}, c = {&a, 4, 0, 0, NULL};
    struct table q = {&a, 3, 0, 0, NULL};
    int rc = read_tables(db, &h, &p, &c, &q, e);
    struct fc_table th = table_view(&h), tp = table_view(&p), tc = table_view(&c);
    struct fc_table tq = table_view(&q);
    if (rc == 0) rc = fc_load_history_table(d, &th, "opportunity_history", e);
    if (rc == 0) {
        rc = fc_load_people_table(d, &tp, "people", e);
        if (rc == 0) rc = fc_load_calls_table(d, &tc, "forecast_calls", e);
        if (rc == 0) rc = fc_load_quotas_table(d, &tq, "quotas", e);
        if (rc < 0) {
            /* all or nothing: the history loaded above goes too */
            fc_data_release(d);
            fc_data_init(d);
        }
    }
    free(h.cell);
    free(p.cell);
    free(c.cell);
    free(q.cell);
    arena_release(&a);
    return rc;
}
