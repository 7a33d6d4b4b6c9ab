/* forecast_store.c -- the forecast's history and reporting tree, read from the database. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/csv.h"
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

static void event(struct sb *out, const struct hrow *r, int64_t day, const char *field,
                  const char *value)
{
    char deal[24], at[11];
    snprintf(deal, sizeof deal, "%" PRId64, r->deal);
    date_from_days(day, at);
    const char *f[] = {deal, r->owner, at, field, value};
    csv_write_row(out, f, 5);
}

/* The events that take the deal from `prev` (NULL: nothing yet) to `r`. */
static void row_events(struct sb *out, const struct hrow *prev, const struct hrow *r)
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
static int export_quotas(struct store *db, struct sb *out, struct err *e)
{
    static const char *const head[] = {"person_id", "period", "amount_minor"};
    csv_write_row(out, head, 3);
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
        csv_write_row(out, f, 3);
    }
    store_rows_free(rows);
    return rc < 0 ? rc : 0;
}

int fc_store_export(struct store *db, struct sb *history, struct sb *people, struct sb *calls,
                    struct sb *quotas, struct err *e)
{
    static const char *const hhead[] = {"deal_id", "owner", "at", "field", "value"};
    static const char *const phead[] = {"id", "manager_id"};
    csv_write_row(history, hhead, 5);
    csv_write_row(people, phead, 2);
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
        const char *f[] = {store_text(rows, 0), store_text(rows, 1) ? store_text(rows, 1) : ""};
        csv_write_row(people, f, 2);
    }
    store_rows_free(rows);
    if (rc < 0) return rc;
    /* the people's own calls (their commit), for the backtest; adjustments are not theirs */
    static const char *const chead[] = {"forecaster", "period", "at", "amount_minor"};
    csv_write_row(calls, chead, 4);
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
        csv_write_row(calls, f, 4);
    }
    store_rows_free(rows);
    if (rc < 0) return rc;
    return export_quotas(db, quotas, e);
}

int fc_load_store(struct store *db, struct fc_data *d, struct err *e)
{
    struct sb h = SB_INIT, p = SB_INIT, c = SB_INIT, q = SB_INIT;
    int rc = fc_store_export(db, &h, &p, &c, &q, e);
    if (rc == 0) rc = fc_load_history(d, h.buf ? h.buf : "", h.len, "opportunity_history", e);
    if (rc == 0) {
        rc = fc_load_people(d, p.buf ? p.buf : "", p.len, "people", e);
        if (rc == 0) rc = fc_load_calls(d, c.buf ? c.buf : "", c.len, "forecast_calls", e);
        if (rc == 0) rc = fc_load_quotas(d, q.buf ? q.buf : "", q.len, "quotas", e);
        if (rc < 0) {
            /* all or nothing: the history loaded above goes too */
            fc_data_release(d);
            fc_data_init(d);
        }
    }
    sb_release(&h);
    sb_release(&p);
    sb_release(&c);
    sb_release(&q);
    return rc;
}
