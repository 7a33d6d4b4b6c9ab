/* forecast_deals.c -- a tree's deals by forecast category, owners' overrides, and the changes
 * since a call, all read from the pipeline's history. */
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "forecast/forecast_store.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

static const char *const category_names[FC_NCATEGORIES] = {"pipeline", "best_case", "commit",
                                                           "closed", "omitted"};

const char *fc_category_name(int c)
{
    return c >= 0 && c < FC_NCATEGORIES ? category_names[c] : "";
}

int fc_category_parse(const char *s)
{
    for (int c = 0; s && c < FC_NCATEGORIES; c++)
        if (!strcmp(s, category_names[c])) return c;
    return -1;
}

int fc_override_set(struct store *db, const struct principal *who, int64_t opportunity_id,
                    const char *category, const char *comment, int64_t now, int64_t *id_out,
                    struct err *e)
{
    struct arena a = ARENA_INIT;
    struct opportunity o;
    int rc = opportunity_get(db, opportunity_id, &a, &o, e);
    if (rc == REINS_ENOTFOUND) err_field(e, rc, "opportunity_id", "no deal %lld", (long long)opportunity_id);
    if (rc == 0 && (rc = opportunity_visible(db, who, &o, e)) == 0)
        rc = err_field(e, REINS_ENOTFOUND, "opportunity_id", "no deal %lld",
                       (long long)opportunity_id);
    if (rc < 0) goto done;
    /* the seller's judgement of their own deal: a manager adjusts the call instead */
    if (!who->person_id || who->person_id != o.st.owner_id) {
        rc = err_field(e, REINS_EFORBIDDEN, "opportunity_id",
                       "only the deal's owner sets its forecast category");
        goto done;
    }
    if (strcmp(o.st.status, "open")) {
        rc = err_field(e, REINS_ECONFLICT, "opportunity_id",
                       "the deal is %s: its category is its outcome's", o.st.status);
        goto done;
    }
    if (!category) category = "";
    int c = fc_category_parse(category);
    if (*category && (c < 0 || c == FC_CAT_CLOSED)) {
        rc = err_field(e, REINS_EINVAL, "category",
                       "field category: '%.40s' is not pipeline, best_case, commit or omitted "
                       "(empty: the stage's category)",
                       category);
        goto done;
    }
    if (!comment) comment = "";
    if ((rc = note_check(comment, FC_COMMENT_MAX, "comment", e)) < 0) goto done;
    rc = store_int_query(db,
                         "INSERT INTO forecast_overrides (opportunity_id, category, comment,"
                         " by_person_id, set_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                         PARAMS(SV_INT(opportunity_id), SV_TEXT(category), SV_TEXT(comment),
                                SV_INT(who->person_id), SV_INT(now)),
                         id_out, e);
done:
    arena_release(&a);
    return rc;
}

int fc_overrides_of(struct store *db, const struct principal *who, int64_t opportunity_id,
                    struct arena *arena, struct fc_override **out, size_t *n, struct err *e)
{
    struct opportunity o;
    *out = NULL;
    *n = 0;
    int rc = opportunity_get(db, opportunity_id, arena, &o, e);
    if (rc == 0 && (rc = opportunity_visible(db, who, &o, e)) == 0) rc = REINS_ENOTFOUND;
    if (rc == REINS_ENOTFOUND)
        return err_field(e, rc, "opportunity_id", "no deal %lld", (long long)opportunity_id);
    if (rc < 0) return rc;
    struct store_rows *r;
    if ((rc = store_query(db,
                          "SELECT f.id, f.opportunity_id, f.by_person_id, f.set_at, f.category,"
                          " f.comment, p.name FROM forecast_overrides f"
                          " JOIN people p ON p.id = f.by_person_id"
                          " WHERE f.opportunity_id = $1 ORDER BY f.set_at, f.id",
                          PARAMS(SV_INT(opportunity_id)), &r, e)) < 0)
        return rc;
    size_t cap = 0;
    while ((rc = store_next(r, e)) > 0) {
        *out = arena_grow(arena, *out, sizeof **out, *n, &cap);
        struct fc_override *x = &(*out)[(*n)++];
        x->id = store_int(r, 0);
        x->opportunity_id = store_int(r, 1);
        x->by_person_id = store_int(r, 2);
        x->set_at = store_int(r, 3);
        x->category = arena_strdup(arena, store_text(r, 4));
        x->comment = arena_strdup(arena, store_text(r, 5));
        x->by_name = arena_strdup(arena, store_text(r, 6));
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

/* A deal's state before $2 is its last history row before then; its override then, the last
 * override row before then. */
static const char TREE_DEALS[] =
    FC_SUBTREE_SQL
    "SELECT h.opportunity_id, h.owner_id, o.name, p.name, s.name, h.amount_minor, h.close_date,"
    " h.status, h.forecast_category,"
    " (SELECT f.category FROM forecast_overrides f WHERE f.opportunity_id = h.opportunity_id"
    "  AND f.set_at < $2 ORDER BY f.set_at DESC, f.id DESC LIMIT 1)"
    " FROM opportunity_history h JOIN t ON t.id = h.owner_id"
    " JOIN opportunities o ON o.id = h.opportunity_id"
    " JOIN people p ON p.id = h.owner_id"
    " JOIN pipeline_stages s ON s.id = h.stage_id"
    " WHERE h.changed_at < $2 AND NOT EXISTS (SELECT 1 FROM opportunity_history l"
    "  WHERE l.opportunity_id = h.opportunity_id AND l.changed_at < $2"
    "  AND (l.changed_at > h.changed_at OR (l.changed_at = h.changed_at AND l.id > h.id)))"
    " ORDER BY h.opportunity_id";

int fc_tree_deals(struct store *db, int64_t root, int64_t before, struct arena *arena,
                  struct fc_deal_row **out, size_t *n, struct err *e)
{
    struct store_rows *r;
    *out = NULL;
    *n = 0;
    int rc = store_query(db, TREE_DEALS, PARAMS(SV_INT(root), SV_INT(before)), &r, e);
    if (rc < 0) return rc;
    size_t cap = 0;
    while ((rc = store_next(r, e)) > 0) {
        *out = arena_grow(arena, *out, sizeof **out, *n, &cap);
        struct fc_deal_row *x = &(*out)[(*n)++];
        memset(x, 0, sizeof *x);
        x->id = store_int(r, 0);
        x->owner_id = store_int(r, 1);
        x->name = arena_strdup(arena, store_text(r, 2));
        x->owner_name = arena_strdup(arena, store_text(r, 3));
        x->stage = arena_strdup(arena, store_text(r, 4));
        x->amount_minor = store_int(r, 5);
        snprintf(x->close_date, sizeof x->close_date, "%s", store_text(r, 6));
        snprintf(x->status, sizeof x->status, "%s", store_text(r, 7));
        x->stage_category = arena_strdup(arena, store_text(r, 8));
        const char *ov = store_text(r, 9);
        x->override = ov && *ov ? arena_strdup(arena, ov) : NULL;
        /* the outcome decides a closed deal's category; an open one's owner may */
        if (!strcmp(x->status, "won")) x->category = FC_CAT_CLOSED;
        else if (!strcmp(x->status, "lost")) x->category = FC_CAT_OMITTED;
        else if (x->override) x->category = fc_category_parse(x->override);
        else x->category = fc_category_parse(x->stage_category);
        if (x->category < 0) x->category = FC_CAT_PIPELINE; /* the schema's CHECKs forbid it */
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

static int in_period(const char *close, const char *start, const char *end)
{
    return strcmp(close, start) >= 0 && strcmp(close, end) < 0;
}

void fc_category_rollup(const struct fc_rollup_row *rows, size_t n, const struct fc_deal_row *deals,
                        size_t ndeals, const char *start, const char *end,
                        int64_t (*sums)[FC_NCATEGORIES])
{
    memset(sums, 0, n * sizeof *sums);
    for (size_t i = 0; i < ndeals; i++) {
        if (!in_period(deals[i].close_date, start, end)) continue;
        for (size_t k = 0; k < n; k++)
            if (rows[k].person_id == deals[i].owner_id) {
                sums[k][deals[i].category] += deals[i].amount_minor;
                break;
            }
    }
    /* deepest first, as fc_rollup: a report's sums are whole before their manager adds them */
    for (size_t k = n; k-- > 1;)
        for (size_t m = 0; m < k; m++)
            if (rows[m].person_id == rows[k].manager_id) {
                for (int c = 0; c < FC_NCATEGORIES; c++)
                    sums[m][c] += sums[k][c];
                break;
            }
}

static const char *const change_names[FC_NCHANGES] = {"none", "pushed", "pulled", "won",
                                                      "lost", "added", "amount"};

const char *fc_change_name(int k)
{
    return k >= 0 && k < FC_NCHANGES ? change_names[k] : "";
}

int fc_change_of(const struct fc_deal_row *before, const struct fc_deal_row *now,
                 const char *start, const char *end)
{
    int in_now = in_period(now->close_date, start, end);
    int open_now = !strcmp(now->status, "open");
    if (!before) {
        if (!in_now) return FC_CH_NONE;
        if (open_now) return FC_CH_ADDED;
        return !strcmp(now->status, "won") ? FC_CH_WON : FC_CH_NONE;
    }
    int in_then = in_period(before->close_date, start, end);
    if (strcmp(before->status, "open")) return FC_CH_NONE; /* closed then: nothing new */
    if (!strcmp(now->status, "won")) return in_now || in_then ? FC_CH_WON : FC_CH_NONE;
    if (!strcmp(now->status, "lost")) return in_now || in_then ? FC_CH_LOST : FC_CH_NONE;
    if (in_then && !in_now) return FC_CH_PUSHED;
    if (!in_then && in_now) return FC_CH_PULLED;
    if (in_then && before->amount_minor != now->amount_minor) return FC_CH_AMOUNT;
    return FC_CH_NONE;
}

int fc_changes(struct store *db, int64_t root, const char *period, int64_t since,
               const struct fc_deal_row *deals_now, size_t nnow, struct arena *arena,
               struct fc_change **out, size_t *n, struct err *e)
{
    struct fc_period p;
    int rc = fc_period_parse(period, &p, "period", e);
    if (rc < 0) return rc;
    char start[11], end[11];
    date_from_days(p.start, start);
    date_from_days(p.end, end);
    struct fc_deal_row *then;
    size_t nthen;
    if ((rc = fc_tree_deals(db, root, since, arena, &then, &nthen, e)) < 0) return rc;
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    for (int kind = FC_CH_PUSHED; kind < FC_NCHANGES; kind++) {
        /* both lists are by id: walk them side by side */
        size_t j = 0;
        for (size_t i = 0; i < nnow; i++) {
            while (j < nthen && then[j].id < deals_now[i].id)
                j++;
            const struct fc_deal_row *b = j < nthen && then[j].id == deals_now[i].id ? &then[j] : NULL;
            if (fc_change_of(b, &deals_now[i], start, end) != kind) continue;
            *out = arena_grow(arena, *out, sizeof **out, *n, &cap);
            (*out)[(*n)++] = (struct fc_change){kind, b, &deals_now[i]};
        }
    }
    return 0;
}

int fc_last_call_at(struct store *db, int64_t person, const char *period, int64_t before,
                    int64_t *at, struct err *e)
{
    struct store_rows *r;
    *at = 0;
    int rc = store_query(db,
                         "SELECT submitted_at FROM forecast_calls WHERE person_id = $1"
                         " AND period = $2 AND kind = 'call' AND submitted_at < $3"
                         " ORDER BY submitted_at DESC, id DESC LIMIT 1",
                         PARAMS(SV_INT(person), SV_TEXT(period), SV_INT(before)), &r, e);
    if (rc < 0) return rc;
    if ((rc = store_next(r, e)) > 0) *at = store_int(r, 0);
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

json_t *fc_override_to_json(const struct fc_override *o)
{
    json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:I}", "id", (json_int_t)o->id,
                          "opportunity_id", (json_int_t)o->opportunity_id, "category",
                          o->category, "comment", o->comment, "by_person_id",
                          (json_int_t)o->by_person_id, "by_name", o->by_name, "set_at",
                          (json_int_t)o->set_at);
    if (!*o->category) json_object_set_new(j, "category", json_null());
    return j;
}

json_t *fc_deal_row_to_json(const struct fc_deal_row *d)
{
    json_t *j = json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)d->id,
                          "name", d->name, "owner_id", (json_int_t)d->owner_id, "owner_name",
                          d->owner_name, "stage", d->stage, "amount_minor",
                          (json_int_t)d->amount_minor, "close_date", d->close_date, "status",
                          d->status, "stage_category", d->stage_category, "category",
                          fc_category_name(d->category));
    json_object_set_new(j, "override", d->override ? json_string(d->override) : json_null());
    return j;
}
