/* forecast_calls.c -- sellers' calls, managers' adjustments and the roll-up of a tree. */
#include <string.h>

#include "core/text.h"
#include "forecast/forecast_store.h"
#include "store/store.h"

int fc_call_check(const char *period, int64_t commit, int64_t best_case, struct err *e)
{
    struct fc_period p;
    int rc = fc_period_parse(period, &p, "period", e);
    if (rc < 0) return rc;
    if (commit < 0 || commit > FC_AMOUNT_MAX)
        return err_field(e, REINS_EINVAL, "commit_minor",
                         "field commit_minor: must be a whole number of minor units from 0 to "
                         "%lld",
                         (long long)FC_AMOUNT_MAX);
    if (best_case < commit || best_case > FC_AMOUNT_MAX)
        return err_field(e, REINS_EINVAL, "best_case_minor",
                         "field best_case_minor: must be at least the commit (%lld) and at most "
                         "%lld",
                         (long long)commit, (long long)FC_AMOUNT_MAX);
    return 0;
}

static const char INSERT_CALL[] =
    "INSERT INTO forecast_calls (person_id, period, kind, commit_minor, best_case_minor,"
    " comment, by_person_id, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

/* Periods are stored as written by fc_period_name: "2026-q3" and "2026-Q3" are one period. */
static int canonical_period(const char *period, char out[8], struct err *e)
{
    struct fc_period p;
    int rc = fc_period_parse(period, &p, "period", e);
    if (rc == 0) fc_period_name(&p, out);
    return rc;
}

/* A call or an adjustment after the period's end is hindsight, not a forecast (and the
 * backtest could not score it). */
static int period_open(const char *pname, int64_t now, struct err *e)
{
    struct fc_period p;
    int rc = fc_period_parse(pname, &p, "period", e);
    if (rc < 0) return rc;
    if (now >= (int64_t)p.end * 86400)
        return err_field(e, REINS_EINVAL, "period", "field period: %s has ended", pname);
    return 0;
}

int fc_call_submit(struct store *db, const struct principal *who, const char *period,
                   int64_t commit, int64_t best_case, int64_t now, int64_t *id_out, struct err *e)
{
    char pname[8];
    int rc;
    if (!who->person_id)
        return err_set(e, REINS_EFORBIDDEN, "only a person makes a call: this account has none");
    if ((rc = fc_call_check(period, commit, best_case, e)) < 0 ||
        (rc = canonical_period(period, pname, e)) < 0)
        return rc;
    if ((rc = period_open(pname, now, e)) < 0) return rc;
    return store_int_query(db, INSERT_CALL,
                           PARAMS(SV_INT(who->person_id), SV_TEXT(pname), SV_TEXT("call"),
                                  SV_INT(commit), SV_INT(best_case), SV_TEXT(""),
                                  SV_INT(who->person_id), SV_INT(now)),
                           id_out, e);
}

int fc_adjust(struct store *db, const struct principal *who, int64_t person_id, const char *period,
              int64_t commit, int64_t best_case, const char *comment, int64_t now, int64_t *id_out,
              struct err *e)
{
    char pname[8];
    int rc = access_can_see_person(db, who, person_id, e);
    if (rc < 0) return rc;
    if (!rc) return err_field(e, REINS_ENOTFOUND, "person_id", "no person %lld", (long long)person_id);
    if (!who->person_id)
        return err_set(e, REINS_EFORBIDDEN,
                       "an adjustment is signed by a person: this account has none");
    if (who->person_id == person_id)
        return err_field(e, REINS_EFORBIDDEN, "person_id",
                         "field person_id: you cannot adjust your own call; submit a new one");
    if ((rc = access_is_at_or_above(db, who->person_id, person_id, e)) < 0) return rc;
    if (!rc)
        return err_field(e, REINS_EFORBIDDEN, "person_id",
                         "field person_id: only a manager above a person adjusts their number");
    if ((rc = fc_call_check(period, commit, best_case, e)) < 0 ||
        (rc = canonical_period(period, pname, e)) < 0 || (rc = period_open(pname, now, e)) < 0)
        return rc;
    if (!comment || !*comment)
        return err_field(e, REINS_EINVAL, "comment",
                         "field comment: say why you adjust the number (required)");
    if ((rc = note_check(comment, FC_COMMENT_MAX, "comment", e)) < 0) return rc;
    return store_int_query(db, INSERT_CALL,
                           PARAMS(SV_INT(person_id), SV_TEXT(pname), SV_TEXT("adjustment"),
                                  SV_INT(commit), SV_INT(best_case), SV_TEXT(comment),
                                  SV_INT(who->person_id), SV_INT(now)),
                           id_out, e);
}

static const char SELECT_SUBMISSION[] =
    "SELECT c.id, c.person_id, c.by_person_id, c.kind, c.period, c.commit_minor,"
    " c.best_case_minor, c.submitted_at, c.comment, b.name FROM forecast_calls c"
    " JOIN people b ON b.id = c.by_person_id ";

static void read_submission(struct store_rows *r, struct arena *a, struct fc_submission *s)
{
    s->id = store_int(r, 0);
    s->person_id = store_int(r, 1);
    s->by_person_id = store_int(r, 2);
    s->kind = strcmp(store_text(r, 3), "call") ? "adjustment" : "call";
    snprintf(s->period, sizeof s->period, "%s", store_text(r, 4));
    s->commit_minor = store_int(r, 5);
    s->best_case_minor = store_int(r, 6);
    s->submitted_at = store_int(r, 7);
    s->comment = arena_strdup(a, store_text(r, 8));
    s->by_name = arena_strdup(a, store_text(r, 9));
}

int fc_submissions(struct store *db, const struct principal *who, int64_t person_id,
                   const char *period, struct arena *arena, struct fc_submission **out, size_t *n,
                   struct err *e)
{
    char pname[8];
    int rc = access_can_see_person(db, who, person_id, e);
    if (rc < 0) return rc;
    if (!rc) return err_field(e, REINS_ENOTFOUND, "person_id", "no person %lld", (long long)person_id);
    if ((rc = canonical_period(period, pname, e)) < 0) return rc;
    static const char sql[] = "WHERE c.person_id = $1 AND c.period = $2 ORDER BY c.submitted_at, c.id";
    char q[sizeof SELECT_SUBMISSION + sizeof sql];
    snprintf(q, sizeof q, "%s%s", SELECT_SUBMISSION, sql);
    struct store_rows *r;
    if ((rc = store_query(db, q, PARAMS(SV_INT(person_id), SV_TEXT(pname)), &r, e)) < 0)
        return rc;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = store_next(r, e)) > 0) {
        *out = arena_grow(arena, *out, sizeof **out, *n, &cap);
        read_submission(r, arena, &(*out)[(*n)++]);
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* Whether submission a came after b. */
static int later(const struct fc_submission *a, const struct fc_submission *b)
{
    return a->submitted_at > b->submitted_at || (a->submitted_at == b->submitted_at && a->id > b->id);
}

#define SUBTREE FC_SUBTREE_SQL

int fc_rollup(struct store *db, const struct principal *who, int64_t root, const char *period,
              int64_t before, struct arena *arena, struct fc_rollup_row **out, size_t *n,
              struct err *e)
{
    char pname[8];
    int rc = access_can_see_person(db, who, root, e);
    if (rc < 0) return rc;
    if (!rc) return err_field(e, REINS_ENOTFOUND, "person_id", "no person %lld", (long long)root);
    if ((rc = canonical_period(period, pname, e)) < 0) return rc;
    struct store_rows *r;
    if ((rc = store_query(db,
                          SUBTREE "SELECT p.id, COALESCE(p.manager_id, 0), p.name, p.email, t.depth"
                                  " FROM t JOIN people p ON p.id = t.id ORDER BY t.depth, p.name, p.id",
                          PARAMS(SV_INT(root)), &r, e)) < 0)
        return rc;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = store_next(r, e)) > 0) {
        *out = arena_grow(arena, *out, sizeof **out, *n, &cap);
        struct fc_rollup_row *x = &(*out)[(*n)++];
        memset(x, 0, sizeof *x);
        x->person_id = store_int(r, 0);
        x->manager_id = store_int(r, 1);
        x->name = arena_strdup(arena, store_text(r, 2));
        x->email = arena_strdup(arena, store_text(r, 3));
        x->depth = (int)store_int(r, 4);
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (*n) (*out)[0].manager_id = 0; /* the root of this view */

    struct fc_rollup_row *v = *out;
    if ((rc = store_query(db,
                          SUBTREE "SELECT c.id, c.person_id, c.by_person_id, c.kind, c.period,"
                                  " c.commit_minor, c.best_case_minor, c.submitted_at, c.comment,"
                                  " b.name FROM forecast_calls c JOIN t ON t.id = c.person_id"
                                  " JOIN people b ON b.id = c.by_person_id"
                                  " WHERE c.period = $2 AND c.submitted_at < $3"
                                  " ORDER BY c.submitted_at, c.id",
                          PARAMS(SV_INT(root), SV_TEXT(pname), SV_INT(before)), &r, e)) < 0)
        return rc;
    while ((rc = store_next(r, e)) > 0) {
        struct fc_submission *s = arena_alloc(arena, sizeof *s);
        read_submission(r, arena, s);
        for (size_t i = 0; i < *n; i++) {
            if (v[i].person_id != s->person_id) continue;
            if (!strcmp(s->kind, "call")) v[i].call = s;
            else v[i].adjustment = s;
        }
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    /* deepest first: every report's number is known before their manager's roll-up */
    for (size_t k = *n; k-- > 0;) {
        struct fc_rollup_row *x = &v[k];
        if (x->adjustment && x->call && !later(x->adjustment, x->call)) x->adjustment = NULL;
        for (size_t j = k + 1; j < *n; j++) {
            if (v[j].manager_id != x->person_id) continue;
            x->reports++;
            if (!v[j].number.present) continue;
            x->rollup.present = 1;
            x->rollup.commit_minor += v[j].number.commit_minor;
            x->rollup.best_case_minor += v[j].number.best_case_minor;
        }
        const struct fc_submission *s = x->adjustment ? x->adjustment : x->call;
        if (s) {
            x->number = (struct fc_amounts){1, s->commit_minor, s->best_case_minor};
            x->source = s->kind;
        } else if (x->rollup.present) {
            x->number = x->rollup;
            x->source = "rollup";
        }
    }
    return 0;
}

json_t *fc_submission_to_json(const struct fc_submission *s)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:I,s:I,s:s,s:I,s:s,s:I}", "id", (json_int_t)s->id,
                     "person_id", (json_int_t)s->person_id, "kind", s->kind, "period", s->period,
                     "commit_minor", (json_int_t)s->commit_minor, "best_case_minor",
                     (json_int_t)s->best_case_minor, "comment", s->comment, "by_person_id",
                     (json_int_t)s->by_person_id, "by_name", s->by_name, "submitted_at",
                     (json_int_t)s->submitted_at);
}

static json_t *amounts_json(const struct fc_amounts *a)
{
    if (!a->present) return json_null();
    return json_pack("{s:I,s:I}", "commit_minor", (json_int_t)a->commit_minor, "best_case_minor",
                     (json_int_t)a->best_case_minor);
}

json_t *fc_rollup_row_to_json(const struct fc_rollup_row *r)
{
    json_t *o = json_pack("{s:I,s:s,s:i,s:i}", "person_id", (json_int_t)r->person_id, "name",
                          r->name, "depth", r->depth, "reports", r->reports);
    json_object_set_new(o, "manager_id",
                        r->manager_id ? json_integer(r->manager_id) : json_null());
    json_object_set_new(o, "call", r->call ? fc_submission_to_json(r->call) : json_null());
    json_object_set_new(o, "adjustment",
                        r->adjustment ? fc_submission_to_json(r->adjustment) : json_null());
    json_object_set_new(o, "rollup", amounts_json(&r->rollup));
    json_t *num = amounts_json(&r->number);
    if (r->number.present) json_object_set_new(num, "source", json_string(r->source));
    json_object_set_new(o, "number", num);
    return o;
}
