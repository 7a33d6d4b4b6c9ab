/* comp_model.c -- a draft plan beside the current ones on a past period, in memory. */
#include "comp/comp_model.h"

#include <stdlib.h>
#include <string.h>

#include "auth/principal.h"
#include "comp/comp_store.h"
#include "core/mem.h"
#include "core/text.h"
#include "growth/growth.h"
#include "recognition/recognition.h"
#include "store/store.h"

/* The plans with someone on them during [$1, $2]. */
static const char SQL_PLANS_IN[] =
    "SELECT DISTINCT plan_id FROM comp_assignments WHERE start_date <= $2"
    " AND (end_date IS NULL OR end_date >= $1) ORDER BY plan_id";
static const char SQL_NAMES[] = "SELECT id, name FROM people ORDER BY id";

struct row {
    int64_t person, plan, current, draft, attainment_bp;
    int seen_current, seen_draft;
};

struct rows {
    struct row *v;
    size_t n, cap;
};

static struct row *row_of(struct rows *r, int64_t plan, int64_t person)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].plan == plan && r->v[i].person == person) return &r->v[i];
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 32;
        r->v = xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n] = (struct row){.person = person, .plan = plan, .attainment_bp = -1};
    return &r->v[r->n++];
}

/* Run `d` and add each payee's earnings in months [first, last] to the rows. */
static int run_into(const struct comp_db_input *d, int64_t plan_id, int32_t first, int32_t last,
                    int draft, struct rows *rows, struct err *e)
{
    struct comp_result res = {0};
    int rc = comp_run(&d->in, &res, e);
    size_t at = SIZE_MAX; /* payouts come by person: the row of the one before, mostly */
    for (size_t i = 0; rc >= 0 && i < res.npayouts; i++) {
        const struct comp_payout *p = &res.payouts[i];
        if (p->person >= d->npayees || p->month < first || p->month > last) continue;
        int64_t person = d->person_ids[p->person];
        if (at == SIZE_MAX || rows->v[at].plan != plan_id || rows->v[at].person != person)
            at = (size_t)(row_of(rows, plan_id, person) - rows->v);
        struct row *r = &rows->v[at];
        if (draft) {
            r->draft += p->earned;
            r->seen_draft = 1;
        } else {
            r->current += p->earned;
            r->attainment_bp = p->attainment_bp;
            r->seen_current = 1;
        }
    }
    comp_result_release(&res);
    return rc;
}

/* Current and draft earnings of plan `plan_id`'s people, both on `deals`. */
static int model_plan(struct store *db, int64_t plan_id, const char *draft, size_t len,
                      int32_t first, int32_t last, struct comp_deal_rows *deals, struct rows *rows,
                      struct err *e)
{
    struct arena a = {0};
    struct comp_db_input d;
    struct comp_plan *plan;
    int rc = comp_input_load_plan(db, plan_id, NULL, last, NULL, deals, &a, &d, e);
    if (rc >= 0) {
        rc = run_into(&d, plan_id, first, last, 0, rows, e);
        comp_db_input_release(&d);
    }
    if (rc < 0) {
        arena_release(&a);
        return err_prefix(e, "current plan %lld: ", (long long)plan_id);
    }
    if ((rc = comp_plan_parse(draft, len, &plan, e)) >= 0 &&
        (rc = comp_input_load_plan(db, plan_id, plan, last, NULL, deals, &a, &d, e)) >= 0) {
        rc = run_into(&d, plan_id, first, last, 1, rows, e);
        comp_db_input_release(&d);
    }
    arena_release(&a);
    if (rc < 0) return err_prefix(e, "draft on the people of plan %lld: ", (long long)plan_id);
    return 0;
}

/* What reins knows of the person as a person: recognition and growth. */
static int facts(struct store *db, int64_t person, int64_t attainment_bp, int64_t now, json_t **out,
                 struct err *e)
{
    struct arena a = {0};
    struct principal admin = {.role = ROLE_ADMIN};
    struct kudos *k;
    struct goal *g;
    size_t nk, ng;
    int rc = kudos_list(db, &admin, person, 100, &a, &k, &nk, e);
    if (rc >= 0) rc = goals_for_person(db, person, &a, &g, &ng, e);
    if (rc < 0) {
        arena_release(&a);
        return rc;
    }
    int64_t received = 0, last_at = 0, open = 0;
    const char *checkin = NULL;
    for (size_t i = 0; i < nk; i++) {
        if (k[i].to_id != person) continue;
        if (k[i].created_at > last_at) last_at = k[i].created_at;
        if (k[i].created_at >= now - (int64_t)COMP_MODEL_KUDOS_DAYS * 86400) received++;
    }
    for (size_t i = 0; i < ng; i++) {
        if (strcmp(g[i].status, "open")) continue;
        open++;
        if (g[i].last_checkin && (!checkin || strcmp(g[i].last_checkin, checkin) > 0))
            checkin = g[i].last_checkin;
    }
    *out = json_pack("{s:b, s:I, s:o, s:I, s:o}", "top_performer", attainment_bp >= 10000,
                     "kudos_received", (json_int_t)received, "last_kudos_at",
                     last_at ? json_integer(last_at) : json_null(), "open_goals", (json_int_t)open,
                     "last_goal_checkin", checkin ? json_string(checkin) : json_null());
    arena_release(&a);
    return 0;
}

/* Everyone's name by id: one query, not one per row (a round trip each on PostgreSQL). */
struct name {
    int64_t id;
    const char *name;
};

static int names_load(struct store *db, struct arena *a, struct name **out, size_t *n,
                      struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_NAMES, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    size_t cap = 64;
    *n = 0;
    *out = arena_alloc(a, cap * sizeof **out);
    while ((rc = store_next(r, e)) > 0) {
        *out = arena_grow(a, *out, sizeof **out, *n, &cap);
        (*out)[(*n)++] = (struct name){store_int(r, 0), arena_strdup(a, store_text(r, 1))};
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

static int by_id(const void *x, const void *y)
{
    const struct name *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

static const char *name_of(const struct name *names, size_t n, int64_t id)
{
    struct name key = {id, NULL};
    const struct name *hit = n ? bsearch(&key, names, n, sizeof *names, by_id) : NULL;
    return hit ? hit->name : "";
}

static int by_change(const void *x, const void *y)
{
    const struct row *a = x, *b = y;
    int64_t ca = a->draft - a->current, cb = b->draft - b->current;
    if (ca != cb) return ca < cb ? -1 : 1;
    return a->person < b->person ? -1 : a->person > b->person;
}

int comp_model(struct store *db, const char *draft, size_t len, const char *period, int64_t now,
               json_t **out, struct err *e)
{
    int32_t first, last;
    enum comp_period_kind kind;
    if (!period || comp_period_parse(period, &first, &last, &kind) < 0)
        return err_field(e, REINS_EINVAL, "period", "period must be like 2026-03, 2026-Q1 or 2026");
    if (comp_month_first_day(last + 1) > now / 86400)
        return err_field(e, REINS_EINVAL, "period",
                         "%s has not ended: a plan is modelled on a past period's results", period);
    struct comp_plan *plan;
    int rc = comp_plan_parse_pipeline(draft, len, &plan, e);
    if (rc < 0) {
        e->field = "plan"; /* the message names the path within it */
        return rc;
    }
    int late = plan->effective_from > comp_month_first_day(first);
    json_t *name = json_string(plan->name);
    comp_plan_free(plan);
    if (late) {
        json_decref(name);
        return err_field(e, REINS_EINVAL, "plan.effective_from",
                         "plan.effective_from: the draft must be in effect when %s starts", period);
    }
    char from[11], to[11];
    date_from_days(comp_month_first_day(first), from);
    date_from_days(comp_month_first_day(last + 1) - 1, to);
    struct store_rows *r;
    struct arena a = {0};
    size_t nplans = 0, cap = 8;
    int64_t *plans = arena_alloc(&a, cap * sizeof *plans);
    if ((rc = store_query(db, SQL_PLANS_IN, PARAMS(SV_TEXT(from), SV_TEXT(to)), &r, e)) >= 0) {
        while ((rc = store_next(r, e)) > 0) {
            plans = arena_grow(&a, plans, sizeof *plans, nplans, &cap);
            plans[nplans++] = store_int(r, 0);
        }
        store_rows_free(r);
    }
    struct rows rows = {0};
    /* every plan, current and draft, runs on the same deals, read once */
    struct comp_deal_rows *deals = comp_deal_rows_new();
    for (size_t i = 0; rc >= 0 && i < nplans; i++)
        rc = model_plan(db, plans[i], draft, len, first, last, deals, &rows, e);
    comp_deal_rows_free(deals);
    struct name *names = NULL;
    size_t nnames = 0;
    if (rc >= 0) rc = names_load(db, &a, &names, &nnames, e);
    if (rows.n) qsort(rows.v, rows.n, sizeof *rows.v, by_change);
    json_t *people = json_array();
    int64_t tc = 0, td = 0;
    size_t flagged = 0;
    for (size_t i = 0; rc >= 0 && i < rows.n; i++) {
        const struct row *x = &rows.v[i];
        int flag = x->draft < x->current && flagged < COMP_MODEL_FLAGGED;
        flagged += flag;
        tc += x->current;
        td += x->draft;
        json_t *f = json_null(), *o;
        if (flag && (rc = facts(db, x->person, x->attainment_bp, now, &f, e)) < 0) break;
        o = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:o}", "person_id",
                      (json_int_t)x->person, "name", name_of(names, nnames, x->person), "plan_id",
                      (json_int_t)x->plan, "current_minor", (json_int_t)x->current, "draft_minor",
                      (json_int_t)x->draft, "change_minor", (json_int_t)(x->draft - x->current),
                      "attainment_bp", (json_int_t)x->attainment_bp, "flagged", flag, "facts", f);
        json_array_append_new(people, o);
    }
    free(rows.v);
    arena_release(&a);
    if (rc < 0) {
        json_decref(people);
        json_decref(name);
        return rc;
    }
    *out = json_pack("{s:s, s:o, s:{s:I, s:I, s:I}, s:o}", "period", period, "draft_name", name,
                     "totals", "current_minor", (json_int_t)tc, "draft_minor", (json_int_t)td,
                     "change_minor", (json_int_t)(td - tc), "people", people);
    return 0;
}
