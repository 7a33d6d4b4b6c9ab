/* comp_store.c -- plan versions, assignments and payout runs in the database. */
#include "comp/comp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/text.h"
#include "quotas/quotas.h"
#include "store/store.h"

/* ---- SQL ----------------------------------------------------------------------------------- */

static const char SQL_PLAN_NEXT_VERSION[] =
    "SELECT COALESCE(MAX(version), 0) + 1 FROM comp_plans WHERE name = $1";
static const char SQL_PLAN_INSERT[] =
    "INSERT INTO comp_plans (name, version, effective_from, effective_to, document, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char SQL_PLAN_DOCUMENT[] = "SELECT document FROM comp_plans WHERE id = $1";
static const char SQL_PERSON_EXISTS[] = "SELECT COUNT(*) FROM people WHERE id = $1";
static const char SQL_ASSIGN_INSERT[] =
    "INSERT INTO comp_assignments (plan_id, person_id, start_date, end_date, created_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
/* The people on the plan at some time in [$2, $3]. */
static const char SQL_PAYEES[] =
    "SELECT DISTINCT p.id, p.start_date FROM comp_assignments a JOIN people p ON p.id = a.person_id"
    " WHERE a.plan_id = $1 AND a.start_date <= $3 AND (a.end_date IS NULL OR a.end_date >= $2)"
    " ORDER BY p.id";
/* Closed-won deals in the plan's currency, credited to their owner while the
 * owner was on the plan. */
static const char SQL_CREDITS[] =
    "SELECT o.id, o.owner_id, o.amount_minor, o.close_date FROM opportunities o"
    " WHERE o.status = 'won' AND o.close_date >= $2 AND o.close_date <= $3 AND o.currency = $4"
    " AND EXISTS (SELECT 1 FROM comp_assignments a WHERE a.plan_id = $1"
    " AND a.person_id = o.owner_id AND a.start_date <= o.close_date"
    " AND (a.end_date IS NULL OR a.end_date >= o.close_date))"
    " ORDER BY o.close_date, o.id";
static const char SQL_QUOTA[] =
    "SELECT amount_minor FROM quotas WHERE person_id = $1 AND period_key = $2";
static const char SQL_RUN_FIND[] =
    "SELECT id, status FROM comp_runs WHERE plan_id = $1 AND period = $2";
static const char SQL_RUN_DELETE_LINES[] = "DELETE FROM comp_lines WHERE run_id = $1";
static const char SQL_RUN_DELETE_PAYOUTS[] = "DELETE FROM comp_payouts WHERE run_id = $1";
static const char SQL_RUN_TOUCH[] = "UPDATE comp_runs SET created_at = $2 WHERE id = $1";
static const char SQL_RUN_INSERT[] =
    "INSERT INTO comp_runs (plan_id, period, status, created_at) VALUES ($1, $2, 'open', $3)"
    " RETURNING id";
static const char SQL_LINE_INSERT[] =
    "INSERT INTO comp_lines (run_id, person_id, line_no, line_date, rule, deal_id, amount_minor,"
    " explanation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_PAYOUT_INSERT[] =
    "INSERT INTO comp_payouts (run_id, person_id, earned_minor, paid_to_date_minor, payout_minor,"
    " attainment_bp) VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_RUN_STATUS[] = "SELECT status FROM comp_runs WHERE id = $1";
static const char SQL_RUN_CLOSE[] =
    "UPDATE comp_runs SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'open'";
static const char SQL_PAYROLL[] =
    "SELECT p.email, p.name, r.period, c.earned_minor, c.paid_to_date_minor, c.payout_minor"
    " FROM comp_payouts c JOIN comp_runs r ON r.id = c.run_id JOIN people p ON p.id = c.person_id"
    " WHERE c.run_id = $1 ORDER BY p.name, p.id";

static const char SQL_STATEMENT_RUN[] =
    "SELECT r.id, r.status, p.name, p.version, p.document FROM comp_runs r"
    " JOIN comp_plans p ON p.id = r.plan_id WHERE r.plan_id = $1 AND r.period = $2";
static const char SQL_STATEMENT_LINES[] =
    "SELECT line_date, rule, deal_id, amount_minor, explanation, line_no FROM comp_lines"
    " WHERE run_id = $1 AND person_id = $2 ORDER BY line_no";
static const char SQL_STATEMENT_DISPUTES[] =
    "SELECT id, line_no, comment, status, resolution, opened_at FROM comp_disputes"
    " WHERE run_id = $1 AND person_id = $2 ORDER BY id";
static const char SQL_LINE_OWNER[] =
    "SELECT COUNT(*) FROM comp_lines WHERE run_id = $1 AND line_no = $2 AND person_id = $3";
static const char SQL_DISPUTE_INSERT[] =
    "INSERT INTO comp_disputes (run_id, line_no, person_id, comment, status, opened_at)"
    " VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id";
static const char SQL_DISPUTE_STATUS[] = "SELECT status FROM comp_disputes WHERE id = $1";
static const char SQL_DISPUTE_RESOLVE[] =
    "UPDATE comp_disputes SET status = 'resolved', resolution = $2, resolved_at = $3"
    " WHERE id = $1 AND status = 'open'";
static const char SQL_STATEMENT_PAYOUT[] =
    "SELECT earned_minor, paid_to_date_minor, payout_minor, attainment_bp FROM comp_payouts"
    " WHERE run_id = $1 AND person_id = $2";

static const char SQL_STATEMENTS[] =
    "SELECT r.plan_id, p.name, r.period, r.status, c.payout_minor FROM comp_payouts c"
    " JOIN comp_runs r ON r.id = c.run_id JOIN comp_plans p ON p.id = r.plan_id"
    " WHERE c.person_id = $1 ORDER BY r.period DESC, r.plan_id DESC";

/* Serialises runs of the same database (store_lock key). */
#define COMP_RUN_LOCK 0x636f6d70 /* "comp" */

/* ---- plans and assignments ----------------------------------------------------------------- */

int comp_plan_store(struct store *db, const char *json, size_t len, int in_tx, int64_t now,
                    int64_t *id_out, int *version_out, struct err *e)
{
    struct comp_plan *plan;
    int rc = comp_plan_parse(json, len, &plan, e);
    if (rc < 0) return rc;
    char from[11], to[11];
    date_from_days(plan->effective_from, from);
    if (plan->effective_to != COMP_NO_DATE) date_from_days(plan->effective_to, to);
    char *doc = xstrndup(json, len);
    int64_t version = 0, id = 0;
    if (!in_tx && (rc = store_begin(db, e)) < 0) goto out;
    rc = store_int_query(db, SQL_PLAN_NEXT_VERSION, PARAMS(SV_TEXT(plan->name)), &version, e);
    if (rc >= 0)
        rc = store_int_query(db, SQL_PLAN_INSERT,
                             PARAMS(SV_TEXT(plan->name), SV_INT(version), SV_TEXT(from),
                                    plan->effective_to != COMP_NO_DATE ? SV_TEXT(to) : SV_NULL,
                                    SV_TEXT(doc), SV_INT(now)),
                             &id, e);
    if (!in_tx && rc >= 0) rc = store_commit(db, e);
    if (!in_tx && rc < 0) store_rollback(db);
out:
    free(doc);
    comp_plan_free(plan);
    if (rc < 0) return rc;
    if (id_out) *id_out = id;
    if (version_out) *version_out = (int)version;
    return 0;
}

/* The parsed plan `plan_id`; REINS_ENOTFOUND naming plan_id when there is none. */
static int plan_load(struct store *db, int64_t plan_id, struct comp_plan **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_PLAN_DOCUMENT, PARAMS(SV_INT(plan_id)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc == 0) rc = err_field(e, REINS_ENOTFOUND, "plan_id", "no plan %lld", (long long)plan_id);
    if (rc > 0) {
        const char *doc = store_text(r, 0);
        rc = comp_plan_parse(doc, strlen(doc), out, e);
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

int comp_assign(struct store *db, int64_t plan_id, int64_t person_id, const char *start_date,
                const char *end_date, int64_t now, int64_t *id_out, struct err *e)
{
    if (!start_date || date_check(start_date, "start_date", e) < 0)
        return start_date ? REINS_EINVAL
                          : err_field(e, REINS_EINVAL, "start_date", "start_date is required");
    if (end_date && date_check(end_date, "end_date", e) < 0) return REINS_EINVAL;
    if (end_date && strcmp(end_date, start_date) < 0)
        return err_field(e, REINS_EINVAL, "end_date", "end_date is before start_date");
    struct comp_plan *plan;
    int rc = plan_load(db, plan_id, &plan, e);
    if (rc < 0) return rc == REINS_ENOTFOUND ? REINS_EINVAL : rc;
    comp_plan_free(plan);
    int64_t n = 0;
    if ((rc = store_int_query(db, SQL_PERSON_EXISTS, PARAMS(SV_INT(person_id)), &n, e)) < 0)
        return rc;
    if (n == 0)
        return err_field(e, REINS_EINVAL, "person_id", "no person %lld", (long long)person_id);
    int64_t id = 0;
    rc = store_int_query(db, SQL_ASSIGN_INSERT,
                         PARAMS(SV_INT(plan_id), SV_INT(person_id), SV_TEXT(start_date),
                                SV_TEXT(end_date), SV_INT(now)),
                         &id, e);
    if (rc < 0) return rc;
    if (id_out) *id_out = id;
    return 0;
}

/* ---- the engine's input -------------------------------------------------------------------- */

static enum period_kind quota_kind(enum comp_period_kind k)
{
    return k == COMP_PERIOD_MONTH  ? PERIOD_MONTH
           : k == COMP_PERIOD_YEAR ? PERIOD_YEAR
                                   : PERIOD_QUARTER;
}

/* Each payee's quotas for every quota period from the plan's start to last_month,
 * ramped for new hires as attainment is (quota_effective). */
static int load_quotas(struct store *db, struct comp_db_input *d, const int64_t *start_days,
                       int32_t last_month, struct arena *a, struct err *e)
{
    struct quota_settings s;
    int rc = quota_settings_get(db, &s, e);
    if (rc < 0) return rc;
    const struct comp_plan *plan = d->plan;
    size_t cap = 16, len = 0;
    struct comp_quota *q = arena_alloc(a, cap * sizeof *q);
    int32_t first = comp_month_of_day(plan->effective_from);
    for (size_t i = 0; i < d->in.npeople; i++) {
        struct ramp ramp;
        int over;
        if ((rc = ramp_for_person(db, d->person_ids[i], &s, &ramp, &over, e)) < 0) return rc;
        char last_key[PERIOD_KEY_MAX] = "";
        for (int32_t m = first; m <= last_month; m++) {
            struct period p;
            period_of_day(quota_kind(plan->quota_period), comp_month_first_day(m),
                          s.fiscal_start_month, &p);
            if (strcmp(p.key, last_key) == 0) continue;
            snprintf(last_key, sizeof last_key, "%s", p.key);
            struct store_rows *r;
            rc =
                store_query(db, SQL_QUOTA, PARAMS(SV_INT(d->person_ids[i]), SV_TEXT(p.key)), &r, e);
            if (rc < 0) return rc;
            if ((rc = store_next(r, e)) > 0) {
                q = arena_grow(a, q, sizeof *q, len, &cap);
                q[len++] = (struct comp_quota){
                    .person = (uint32_t)i,
                    .measure = "bookings",
                    .month = (int32_t)p.first_month,
                    .amount = quota_effective(store_int(r, 0), &p, start_days[i], &ramp),
                };
            }
            store_rows_free(r);
            if (rc < 0) return rc;
        }
    }
    d->in.quotas = q;
    d->in.nquotas = len;
    return 0;
}

int comp_input_load(struct store *db, int64_t plan_id, int32_t last_month, int64_t extra_person,
                    int64_t extra_amount, struct arena *a, struct comp_db_input *d, struct err *e)
{
    memset(d, 0, sizeof *d);
    int rc = plan_load(db, plan_id, &d->plan, e);
    if (rc < 0) return rc;
    d->in.plan = d->plan;
    d->in.last_month = last_month;
    char from[11], to[11];
    date_from_days(d->plan->effective_from, from);
    int32_t last_day = comp_month_first_day(last_month + 1) - 1;
    if (d->plan->effective_to != COMP_NO_DATE && d->plan->effective_to < last_day)
        last_day = d->plan->effective_to;
    date_from_days(last_day, to);

    /* payees */
    struct store_rows *r;
    if ((rc = store_query(db, SQL_PAYEES, PARAMS(SV_INT(plan_id), SV_TEXT(from), SV_TEXT(to)), &r,
                          e)) < 0)
        goto fail;
    size_t cap = 16, n = 0, cap2 = 16, cap3 = 16;
    struct comp_person *people = arena_alloc(a, cap * sizeof *people);
    int64_t *ids = arena_alloc(a, cap2 * sizeof *ids);
    int64_t *starts = arena_alloc(a, cap3 * sizeof *starts);
    while ((rc = store_next(r, e)) > 0) {
        people = arena_grow(a, people, sizeof *people, n, &cap);
        ids = arena_grow(a, ids, sizeof *ids, n, &cap2);
        starts = arena_grow(a, starts, sizeof *starts, n, &cap3);
        ids[n] = store_int(r, 0);
        starts[n] = date_to_days(store_text(r, 1));
        people[n] = (struct comp_person){arena_printf(a, "%lld", (long long)ids[n]), -1};
        n++;
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    d->in.people = people;
    d->in.npeople = n;
    d->person_ids = ids;

    /* credits: each won deal to its owner, whole */
    if ((rc = store_query(
             db, SQL_CREDITS,
             PARAMS(SV_INT(plan_id), SV_TEXT(from), SV_TEXT(to), SV_TEXT(d->plan->currency)), &r,
             e)) < 0)
        goto fail;
    size_t ccap = 64, nc = 0, dcap = 64;
    struct comp_credit *credits = arena_alloc(a, ccap * sizeof *credits);
    int64_t *deals = arena_alloc(a, dcap * sizeof *deals);
    while ((rc = store_next(r, e)) > 0) {
        int64_t owner = store_int(r, 1);
        size_t who = 0;
        while (who < n && ids[who] != owner)
            who++;
        if (who == n) continue; /* on the plan then, but not in this run's window */
        credits = arena_grow(a, credits, sizeof *credits, nc, &ccap);
        deals = arena_grow(a, deals, sizeof *deals, nc, &dcap);
        deals[nc] = store_int(r, 0);
        const char *id = arena_strdup(a, store_text(r, 0));
        credits[nc] = (struct comp_credit){
            .id = id,
            .deal = id,
            .person = (uint32_t)who,
            .role = COMP_ROLE_DIRECT,
            .date = (int32_t)date_to_days(store_text(r, 3)),
            .cancelled = COMP_NO_DATE,
            .amount = store_int(r, 2),
            .deal_amount = store_int(r, 2),
            .split_bp = COMP_BP,
            .measure = "bookings",
            .product = "",
            .deal_type = "",
            .source = -1,
            .line = nc + 1,
        };
        nc++;
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    if (extra_amount > 0) {
        size_t who = 0;
        while (who < n && ids[who] != extra_person)
            who++;
        if (who == n) {
            rc = err_field(e, REINS_EINVAL, "person_id", "person %lld is not on this plan",
                           (long long)extra_person);
            goto fail;
        }
        credits = arena_grow(a, credits, sizeof *credits, nc, &ccap);
        deals = arena_grow(a, deals, sizeof *deals, nc, &dcap);
        deals[nc] = 0;
        credits[nc] = (struct comp_credit){
            .id = "estimate",
            .deal = "estimate",
            .person = (uint32_t)who,
            .role = COMP_ROLE_DIRECT,
            .date = last_day,
            .cancelled = COMP_NO_DATE,
            .amount = extra_amount,
            .deal_amount = extra_amount,
            .split_bp = COMP_BP,
            .measure = "bookings",
            .product = "",
            .deal_type = "",
            .source = -1,
            .line = nc + 1,
        };
        nc++;
    }
    d->in.credits = credits;
    d->in.ncredits = nc;
    d->deal_ids = deals;
    if ((rc = load_quotas(db, d, starts, last_month, a, e)) < 0) goto fail;
    return 0;
fail:
    comp_db_input_release(d);
    return rc;
}

void comp_db_input_release(struct comp_db_input *d)
{
    comp_plan_free(d->plan);
    d->plan = NULL;
    d->in.plan = NULL;
}

/* ---- runs ---------------------------------------------------------------------------------- */

/* The period's months, checked against the plan's payout period. */
static int run_period(const struct comp_plan *plan, const char *period, int32_t *first,
                      int32_t *last, struct err *e)
{
    enum comp_period_kind kind;
    if (!period || comp_period_parse(period, first, last, &kind) < 0)
        return err_field(e, REINS_EINVAL, "period", "period must be like 2026-03 or 2026-Q1");
    if (kind != plan->payout_period)
        return err_field(e, REINS_EINVAL, "period", "the plan pays per %s; %s is not one",
                         plan->payout_period == COMP_PERIOD_MONTH     ? "month"
                         : plan->payout_period == COMP_PERIOD_QUARTER ? "quarter"
                                                                      : "year",
                         period);
    return 0;
}

/* Store the lines and payouts of payout period `month` of a computed run. */
static int store_run_lines(struct store *db, int64_t run_id, const struct comp_db_input *d,
                           const struct comp_result *res, int32_t month, struct err *e)
{
    struct sb why = {0};
    int rc = 0;
    for (size_t i = 0; i < res->nlines && rc >= 0; i++) {
        const struct comp_line *l = &res->lines[i];
        if (l->month != month) continue;
        why.len = 0;
        comp_line_explain(&d->in, l, l->ref >= 0 ? &res->lines[l->ref] : NULL, &why);
        char day[11];
        date_from_days(l->date, day);
        int64_t deal = l->credit >= 0 ? d->deal_ids[l->credit] : 0;
        rc = store_run(db, SQL_LINE_INSERT,
                       PARAMS(SV_INT(run_id), SV_INT(d->person_ids[l->person]), SV_INT(i),
                              SV_TEXT(day), SV_TEXT(comp_rule_name((enum comp_rule)l->rule)),
                              SV_ID(deal), SV_INT(l->amount), SV_TEXT(why.len ? why.buf : "")),
                       NULL, e);
    }
    sb_release(&why);
    for (size_t i = 0; i < res->npayouts && rc >= 0; i++) {
        const struct comp_payout *p = &res->payouts[i];
        if (p->month != month) continue;
        rc = store_run(db, SQL_PAYOUT_INSERT,
                       PARAMS(SV_INT(run_id), SV_INT(d->person_ids[p->person]), SV_INT(p->earned),
                              SV_INT(p->paid_to_date), SV_INT(p->payout), SV_INT(p->attainment_bp)),
                       NULL, e);
    }
    return rc;
}

int comp_payout_run(struct store *db, int64_t plan_id, const char *period, int in_tx, int64_t now,
                    int64_t *run_id_out, struct err *e)
{
    struct arena a = {0};
    struct comp_db_input d = {0};
    struct comp_result res = {0};
    int32_t first, last;
    int rc = in_tx ? 0 : store_begin(db, e);
    if (rc < 0) return rc;
    if ((rc = store_lock(db, COMP_RUN_LOCK, e)) < 0) goto out;
    if ((rc = comp_input_load(db, plan_id, 0, 0, 0, &a, &d, e)) < 0) goto out;
    if ((rc = run_period(d.plan, period, &first, &last, e)) < 0) goto out;
    comp_db_input_release(&d);
    arena_release(&a);
    if ((rc = comp_input_load(db, plan_id, last, 0, 0, &a, &d, e)) < 0) goto out;

    int64_t run_id = 0;
    struct store_rows *r;
    if ((rc = store_query(db, SQL_RUN_FIND, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &r, e)) < 0)
        goto out;
    if ((rc = store_next(r, e)) > 0) {
        run_id = store_int(r, 0);
        if (strcmp(store_text(r, 1), "closed") == 0)
            rc = err_field(e, REINS_ECONFLICT, "period", "%s is closed: its run is final", period);
    }
    store_rows_free(r);
    if (rc < 0) goto out;
    if (run_id) {
        if ((rc = store_run(db, SQL_RUN_DELETE_LINES, PARAMS(SV_INT(run_id)), NULL, e)) < 0 ||
            (rc = store_run(db, SQL_RUN_DELETE_PAYOUTS, PARAMS(SV_INT(run_id)), NULL, e)) < 0 ||
            (rc = store_run(db, SQL_RUN_TOUCH, PARAMS(SV_INT(run_id), SV_INT(now)), NULL, e)) < 0)
            goto out;
    } else if ((rc = store_int_query(db, SQL_RUN_INSERT,
                                     PARAMS(SV_INT(plan_id), SV_TEXT(period), SV_INT(now)), &run_id,
                                     e)) < 0) {
        goto out;
    }
    if ((rc = comp_run(&d.in, &res, e)) < 0) goto out;
    if ((rc = store_run_lines(db, run_id, &d, &res, first, e)) < 0) goto out;
    if (!in_tx && (rc = store_commit(db, e)) < 0) goto out;
    if (run_id_out) *run_id_out = run_id;
out:
    if (rc < 0 && !in_tx) store_rollback(db);
    comp_result_release(&res);
    comp_db_input_release(&d);
    arena_release(&a);
    return rc < 0 ? rc : 0;
}

static int run_status(struct store *db, int64_t run_id, int *closed, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_RUN_STATUS, PARAMS(SV_INT(run_id)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc == 0) rc = err_field(e, REINS_ENOTFOUND, "run_id", "no run %lld", (long long)run_id);
    if (rc > 0) *closed = strcmp(store_text(r, 0), "closed") == 0;
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

int comp_run_close(struct store *db, int64_t run_id, int64_t now, struct err *e)
{
    int closed = 0;
    int rc = run_status(db, run_id, &closed, e);
    if (rc < 0) return rc;
    int64_t changed = 0;
    if (!closed &&
        (rc = store_run(db, SQL_RUN_CLOSE, PARAMS(SV_INT(run_id), SV_INT(now)), &changed, e)) < 0)
        return rc;
    if (closed || changed == 0)
        return err_field(e, REINS_ECONFLICT, "run_id", "run %lld is already closed",
                         (long long)run_id);
    return 0;
}

int comp_payroll_csv(struct store *db, int64_t run_id, struct sb *out, struct err *e)
{
    int closed = 0;
    int rc = run_status(db, run_id, &closed, e);
    if (rc < 0) return rc;
    if (!closed)
        return err_field(e, REINS_ECONFLICT, "run_id",
                         "run %lld is open: close it before exporting payroll", (long long)run_id);
    struct store_rows *r;
    if ((rc = store_query(db, SQL_PAYROLL, PARAMS(SV_INT(run_id)), &r, e)) < 0) return rc;
    sb_adds(out, "email,name,period,earned,paid_to_date,payout\r\n");
    while ((rc = store_next(r, e)) > 0) {
        csv_write_field(out, store_text(r, 0));
        sb_adds(out, ",");
        csv_write_field(out, store_text(r, 1));
        sb_adds(out, ",");
        csv_write_field(out, store_text(r, 2));
        sb_addf(out, ",%lld,%lld,%lld\r\n", (long long)store_int(r, 3), (long long)store_int(r, 4),
                (long long)store_int(r, 5));
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* ---- the estimator ------------------------------------------------------------------------- */

/* The person's earnings to date after payout period `last`: their last payout. */
static int64_t earned_to(const struct comp_db_input *d, const struct comp_result *res,
                         int64_t person_id)
{
    int64_t v = 0;
    for (size_t i = 0; i < res->npayouts; i++)
        if (d->person_ids[res->payouts[i].person] == person_id) v = res->payouts[i].earned_to_date;
    return v;
}

int comp_estimate(struct store *db, int64_t plan_id, int64_t person_id, const char *period,
                  int64_t amount, int64_t *delta_out, struct err *e)
{
    if (amount <= 0) return err_field(e, REINS_EINVAL, "amount", "amount must be above 0");
    struct arena a = {0};
    struct comp_db_input base = {0}, more = {0};
    struct comp_result r1 = {0}, r2 = {0};
    int32_t first, last;
    int rc = comp_input_load(db, plan_id, 0, 0, 0, &a, &base, e);
    if (rc < 0) goto out;
    if ((rc = run_period(base.plan, period, &first, &last, e)) < 0) goto out;
    comp_db_input_release(&base);
    if ((rc = comp_input_load(db, plan_id, last, 0, 0, &a, &base, e)) < 0) goto out;
    if ((rc = comp_input_load(db, plan_id, last, person_id, amount, &a, &more, e)) < 0) goto out;
    if ((rc = comp_run(&base.in, &r1, e)) < 0) goto out;
    if ((rc = comp_run(&more.in, &r2, e)) < 0) goto out;
    *delta_out = earned_to(&more, &r2, person_id) - earned_to(&base, &r1, person_id);
out:
    comp_result_release(&r1);
    comp_result_release(&r2);
    comp_db_input_release(&base);
    comp_db_input_release(&more);
    arena_release(&a);
    return rc < 0 ? rc : 0;
}

/* ---- statements ---------------------------------------------------------------------------- */

int comp_statement(struct store *db, int64_t plan_id, int64_t person_id, const char *period,
                   json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_STATEMENT_RUN, PARAMS(SV_INT(plan_id), SV_TEXT(period)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc == 0)
        rc = err_field(e, REINS_ENOTFOUND, "period", "no payout run for %s", period ? period : "");
    if (rc < 0) {
        store_rows_free(r);
        return rc;
    }
    int64_t run_id = store_int(r, 0);
    json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:I}", "run_id", (json_int_t)run_id,
                          "status", store_text(r, 1), "plan_id", (json_int_t)plan_id, "plan_name",
                          store_text(r, 2), "plan_version", (json_int_t)store_int(r, 3), "period",
                          period, "person_id", (json_int_t)person_id);
    struct comp_plan *plan = NULL;
    const char *doc = store_text(r, 4);
    if (comp_plan_parse(doc, strlen(doc), &plan, e) == 0) {
        json_object_set_new(o, "currency", json_string(plan->currency));
        comp_plan_free(plan);
    }
    store_rows_free(r);
    json_t *lines = json_array();
    json_object_set_new(o, "lines", lines);
    if ((rc = store_query(db, SQL_STATEMENT_LINES, PARAMS(SV_INT(run_id), SV_INT(person_id)), &r,
                          e)) < 0)
        goto fail;
    while ((rc = store_next(r, e)) > 0) {
        json_t *l =
            json_pack("{s:s, s:s, s:I, s:s}", "date", store_text(r, 0), "rule", store_text(r, 1),
                      "amount_minor", (json_int_t)store_int(r, 3), "explanation", store_text(r, 4));
        json_object_set_new(l, "deal_id",
                            store_isnull(r, 2) ? json_null() : json_integer(store_int(r, 2)));
        json_object_set_new(l, "line_no", json_integer(store_int(r, 5)));
        json_array_append_new(lines, l);
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    if ((rc = store_query(db, SQL_STATEMENT_PAYOUT, PARAMS(SV_INT(run_id), SV_INT(person_id)), &r,
                          e)) < 0)
        goto fail;
    int64_t v[4] = {0, 0, 0, -1};
    if ((rc = store_next(r, e)) > 0)
        for (int i = 0; i < 4; i++)
            v[i] = store_int(r, i);
    store_rows_free(r);
    if (rc < 0) goto fail;
    json_t *disputes = json_array();
    json_object_set_new(o, "disputes", disputes);
    if ((rc = store_query(db, SQL_STATEMENT_DISPUTES, PARAMS(SV_INT(run_id), SV_INT(person_id)), &r,
                          e)) < 0)
        goto fail;
    while ((rc = store_next(r, e)) > 0) {
        json_t *d = json_pack("{s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)store_int(r, 0),
                              "line_no", (json_int_t)store_int(r, 1), "comment", store_text(r, 2),
                              "status", store_text(r, 3), "opened_at", (json_int_t)store_int(r, 5));
        json_object_set_new(d, "resolution",
                            store_isnull(r, 4) ? json_null() : json_string(store_text(r, 4)));
        json_array_append_new(disputes, d);
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    json_object_set_new(o, "totals",
                        json_pack("{s:I, s:I, s:I, s:I}", "earned_minor", (json_int_t)v[0],
                                  "paid_to_date_minor", (json_int_t)v[1], "payout_minor",
                                  (json_int_t)v[2], "attainment_bp", (json_int_t)v[3]));
    *out = o;
    return 0;
fail:
    json_decref(o);
    return rc;
}

int comp_statements_list(struct store *db, int64_t person_id, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_STATEMENTS, PARAMS(SV_INT(person_id)), &r, e);
    if (rc < 0) return rc;
    json_t *a = json_array();
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:s, s:I}", "plan_id", (json_int_t)store_int(r, 0),
                         "plan_name", store_text(r, 1), "period", store_text(r, 2), "status",
                         store_text(r, 3), "payout_minor", (json_int_t)store_int(r, 4)));
    store_rows_free(r);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

/* ---- disputes ------------------------------------------------------------------------------ */

static int comment_check(const char *comment, struct err *e)
{
    size_t n = comment ? strlen(comment) : 0;
    if (n == 0 || n > 2000)
        return err_field(e, REINS_EINVAL, "comment", "comment: 1 to 2000 characters are needed");
    return 0;
}

int comp_dispute_open(struct store *db, int64_t run_id, int64_t line_no, int64_t person_id,
                      const char *comment, int64_t now, int64_t *id_out, struct err *e)
{
    int rc = comment_check(comment, e);
    if (rc < 0) return rc;
    int64_t n = 0;
    if ((rc = store_int_query(db, SQL_LINE_OWNER,
                              PARAMS(SV_INT(run_id), SV_INT(line_no), SV_INT(person_id)), &n, e)) <
        0)
        return rc;
    if (n == 0) return err_field(e, REINS_ENOTFOUND, "line_no", "no such line of yours");
    return store_int_query(
        db, SQL_DISPUTE_INSERT,
        PARAMS(SV_INT(run_id), SV_INT(line_no), SV_INT(person_id), SV_TEXT(comment), SV_INT(now)),
        id_out, e);
}

int comp_dispute_resolve(struct store *db, int64_t id, const char *comment, int64_t now,
                         struct err *e)
{
    int rc = comment_check(comment, e);
    if (rc < 0) return rc;
    struct store_rows *r;
    if ((rc = store_query(db, SQL_DISPUTE_STATUS, PARAMS(SV_INT(id)), &r, e)) < 0) return rc;
    rc = store_next(r, e);
    if (rc == 0) rc = err_set(e, REINS_ENOTFOUND, "no dispute %lld", (long long)id);
    if (rc > 0 && strcmp(store_text(r, 0), "open") != 0)
        rc = err_set(e, REINS_ECONFLICT, "dispute %lld is resolved already", (long long)id);
    store_rows_free(r);
    if (rc < 0) return rc;
    return store_run(db, SQL_DISPUTE_RESOLVE, PARAMS(SV_INT(id), SV_TEXT(comment), SV_INT(now)),
                     NULL, e) < 0
               ? REINS_ESTORE
               : 0;
}
