/* pipeline_store.c -- stages, accounts, opportunities and their history in the database. */
#include "pipeline/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/store.h"

/* ---- SQL ----------------------------------------------------------------------------------- */

#define STAGE_COLUMNS                                                                              \
    "s.id, s.pipeline_id, p.name, s.name, s.position, s.probability_bp, s.forecast_category,"      \
    " s.is_won, s.is_lost"
static const char SQL_STAGES[] =
    "SELECT " STAGE_COLUMNS " FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id"
    " WHERE p.archived = 0 ORDER BY p.position, p.id, s.position, s.id";
static const char SQL_STAGE_GET[] =
    "SELECT " STAGE_COLUMNS " FROM pipeline_stages s JOIN pipelines p"
    " ON p.id = s.pipeline_id WHERE s.id = $1";

static const char SQL_ACCOUNT_INSERT[] =
    "INSERT INTO accounts (name, owner_id, industry, segment, postcode, country, latitude_e6,"
    " longitude_e6, potential_minor, currency, source, external_id, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id";

static const char SQL_OPP_INSERT[] =
    "INSERT INTO opportunities (account_id, owner_id, name, amount_minor, currency, pipeline_id,"
    " stage_id, probability_bp, probability_manual, forecast_category, status, close_date,"
    " created_date, closed_reason, source, external_id, created_at, updated_at, deal_type)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17,"
    " $18) RETURNING id";
static const char SQL_PRODUCT_INSERT[] =
    "INSERT INTO opportunity_products (opportunity_id, name) VALUES ($1, $2)";
static const char SQL_HISTORY_INSERT[] =
    "INSERT INTO opportunity_history (opportunity_id, changed_at, source, user_id, changes,"
    " owner_id, pipeline_id, stage_id, amount_minor, currency, close_date, probability_bp,"
    " forecast_category, status)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
static const char SQL_OPP_STATE_UPDATE[] =
    "UPDATE opportunities SET owner_id = $2, pipeline_id = $3, stage_id = $4, amount_minor = $5,"
    " currency = $6, close_date = $7, probability_bp = $8, forecast_category = $9, status = $10,"
    " probability_manual = $11, updated_at = $12 WHERE id = $1";
static const char SQL_PERSON_EXISTS[] = "SELECT COUNT(*) FROM people WHERE id = $1";

#define OPP_COLUMNS                                                                                \
    "o.id, o.account_id, a.name, o.owner_id, w.name, o.name, o.amount_minor, o.currency,"          \
    " o.pipeline_id, p.name, o.stage_id, s.name, o.probability_bp, o.probability_manual,"          \
    " o.forecast_category, o.status, o.close_date, o.created_date, o.closed_reason, o.source,"     \
    " o.external_id, o.created_at, o.updated_at, o.deal_type"
#define OPP_FROM                                                                                   \
    " FROM opportunities o LEFT JOIN accounts a ON a.id = o.account_id"                            \
    " JOIN people w ON w.id = o.owner_id JOIN pipelines p ON p.id = o.pipeline_id"                 \
    " JOIN pipeline_stages s ON s.id = o.stage_id"
static const char SQL_OPP_GET[] = "SELECT " OPP_COLUMNS OPP_FROM " WHERE o.id = $1";
static const char SQL_OPP_PRODUCTS[] =
    "SELECT name FROM opportunity_products WHERE opportunity_id = $1 ORDER BY name";

/* The owners a caller may see deals of, as a CTE: $1 is 1 for an admin, $2 the
 * caller's person (0 for none), $3 the root of the caller's subtree (their
 * person when a manager, else 0: like access_can_see_person). UNION ends the
 * walk even if bad data ever held a cycle. */
#define VISIBLE_CTE                                                                                \
    "WITH RECURSIVE sub(id) AS ("                                                                  \
    " SELECT id FROM people WHERE manager_id = CAST($3 AS BIGINT)"                                 \
    " UNION SELECT p.id FROM people p JOIN sub ON p.manager_id = sub.id)"
#define VISIBLE_OWNER(col)                                                                         \
    " (CAST($1 AS BIGINT) = 1 OR " col " = CAST($2 AS BIGINT) OR " col " IN (SELECT id FROM sub))"
/* $4.. the filters of struct opp_filter; 0 or NULL for none. */
#define OPP_FILTERS                                                                                \
    " AND (CAST($4 AS BIGINT) = 0 OR o.owner_id = $4)"                                             \
    " AND (CAST($5 AS BIGINT) = 0 OR o.pipeline_id = $5)"                                          \
    " AND (CAST($6 AS BIGINT) = 0 OR o.stage_id = $6)"                                             \
    " AND (CAST($7 AS BIGINT) = 0 OR o.account_id = $7)"                                           \
    " AND (CAST($8 AS TEXT) IS NULL OR o.status = $8)"                                             \
    " AND (CAST($9 AS TEXT) IS NULL OR o.forecast_category = $9)"                                  \
    " AND (CAST($10 AS TEXT) IS NULL OR o.close_date >= $10)"                                      \
    " AND (CAST($11 AS TEXT) IS NULL OR o.close_date <= $11)"                                      \
    " AND (CAST($12 AS TEXT) IS NULL OR LOWER(o.name) LIKE '%' || LOWER(CAST($12 AS TEXT)) || "    \
    "'%')"
static const char SQL_OPP_LIST[] =
    VISIBLE_CTE " SELECT " OPP_COLUMNS OPP_FROM " WHERE" VISIBLE_OWNER("o.owner_id") OPP_FILTERS
    " ORDER BY o.close_date, o.id LIMIT $13";
/* Per stage of pipeline $13: the visible deals' count and sums. The weighted
 * sum rounds down per deal (integer division), the rule written once here. */
static const char SQL_BOARD[] =
    VISIBLE_CTE " SELECT o.stage_id, o.currency, COUNT(*), SUM(o.amount_minor),"
                " SUM(o.amount_minor * o.probability_bp / 10000)"
                " FROM opportunities o WHERE" VISIBLE_OWNER("o.owner_id") OPP_FILTERS
    " AND o.pipeline_id = $13 GROUP BY o.stage_id, o.currency ORDER BY o.stage_id, o.currency";

#define HISTORY_COLUMNS                                                                            \
    "h.id, h.opportunity_id, h.changed_at, h.source, h.user_id, h.changes, h.owner_id, w.name,"    \
    " h.pipeline_id, h.stage_id, s.name, h.amount_minor, h.currency, h.close_date,"                \
    " h.probability_bp, h.forecast_category, h.status"
#define HISTORY_FROM                                                                               \
    " FROM opportunity_history h JOIN people w ON w.id = h.owner_id"                               \
    " JOIN pipeline_stages s ON s.id = h.stage_id"
static const char SQL_HISTORY[] = "SELECT " HISTORY_COLUMNS HISTORY_FROM
                                  " WHERE h.opportunity_id = $1 ORDER BY h.changed_at, h.id";
static const char SQL_CLOSE_DATES[] = "SELECT close_date FROM opportunity_history"
                                      " WHERE opportunity_id = $1 ORDER BY changed_at, id";
/* Each visible deal's last row before $4 (the start of the day after D).
 * Visibility is by the owner now: who may see a deal today may see its past. */
static const char SQL_AS_OF[] = VISIBLE_CTE
    " SELECT " HISTORY_COLUMNS HISTORY_FROM " JOIN opportunities o ON o.id = h.opportunity_id"
    " WHERE" VISIBLE_OWNER(
        "o.owner_id") " AND h.id = ("
                      " SELECT h2.id FROM opportunity_history h2"
                      " WHERE h2.opportunity_id = h.opportunity_id AND h2.changed_at < $4"
                      " ORDER BY h2.changed_at DESC, h2.id DESC LIMIT 1)"
                      " ORDER BY h.close_date, h.opportunity_id";

/* ---- stages -------------------------------------------------------------------------------- */

static void read_stage(struct store_rows *r, int c, struct arena *a, struct pipeline_stage *s)
{
    s->id = store_int(r, c);
    s->pipeline_id = store_int(r, c + 1);
    s->pipeline_name = arena_strdup(a, store_text(r, c + 2));
    s->name = arena_strdup(a, store_text(r, c + 3));
    s->position = store_int(r, c + 4);
    s->probability_bp = store_int(r, c + 5);
    s->forecast_category = arena_strdup(a, store_text(r, c + 6));
    s->is_won = store_int(r, c + 7) != 0;
    s->is_lost = store_int(r, c + 8) != 0;
}

int pipeline_stages_list(struct store *db, struct arena *arena, struct pipeline_stage **out,
                         size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_STAGES, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    size_t cap = 16, len = 0;
    struct pipeline_stage *v = arena_alloc(arena, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(arena, v, sizeof *v, len, &cap);
        read_stage(r, 0, arena, &v[len++]);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

int pipeline_stage_get(struct store *db, int64_t id, struct arena *arena,
                       struct pipeline_stage *out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_STAGE_GET, PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc > 0) read_stage(r, 0, arena, out);
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!rc)
        return err_field(e, REINS_ENOTFOUND, "stage_id", "no stage with id %lld", (long long)id);
    return 0;
}

/* ---- accounts ------------------------------------------------------------------------------ */

int account_create(struct store *db, const struct account *a, int64_t now, int64_t *id_out,
                   struct err *e)
{
    int64_t id;
    int rc = store_int_query(
        db, SQL_ACCOUNT_INSERT,
        PARAMS(SV_TEXT(a->name), SV_ID(a->owner_id), SV_TEXT(a->industry ? a->industry : ""),
               SV_TEXT(a->segment ? a->segment : ""), SV_TEXT(a->postcode ? a->postcode : ""),
               SV_TEXT(a->country ? a->country : ""),
               a->has_location ? SV_INT(a->latitude_e6) : SV_NULL,
               a->has_location ? SV_INT(a->longitude_e6) : SV_NULL, SV_INT(a->potential_minor),
               SV_TEXT(a->currency ? a->currency : "USD"), SV_TEXT(a->source ? a->source : "reins"),
               SV_TEXT(a->external_id), SV_INT(now)),
        &id, e);
    if (rc == 0 && id_out) *id_out = id;
    return rc;
}

/* ---- opportunities ------------------------------------------------------------------------- */

static int history_append(struct store *db, int64_t id, const struct opp_state *s,
                          const char *changes, const struct change_source *by, struct err *e)
{
    return store_run(db, SQL_HISTORY_INSERT,
                     PARAMS(SV_INT(id), SV_INT(by->at), SV_TEXT(by->source), SV_ID(by->user_id),
                            SV_TEXT(changes), SV_INT(s->owner_id), SV_INT(s->pipeline_id),
                            SV_INT(s->stage_id), SV_INT(s->amount_minor), SV_TEXT(s->currency),
                            SV_TEXT(s->close_date), SV_INT(s->probability_bp),
                            SV_TEXT(s->forecast_category), SV_TEXT(s->status)),
                     NULL, e);
}

/* Insert the products named in `list` ("a; b; c"), skipping blanks and repeats. */
static int products_insert(struct store *db, int64_t id, const char *list, struct err *e)
{
    if (!list || !*list) return 0;
    char *copy = xstrdup(list);
    int rc = 0;
    char *names[64];
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ";", &save); tok && rc >= 0; tok = strtok_r(NULL, ";", &save)) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = 0;
        if (!len) continue;
        int seen = 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(names[i], tok)) seen = 1;
        if (seen || n == sizeof names / sizeof *names) continue;
        names[n++] = tok;
        rc = store_run(db, SQL_PRODUCT_INSERT, PARAMS(SV_INT(id), SV_TEXT(tok)), NULL, e);
    }
    free(copy);
    return rc;
}

int opportunity_create(struct store *db, const struct opportunity *o,
                       const struct change_source *by, int64_t *id_out, struct err *e)
{
    const struct opp_state *s = &o->st;
    int64_t id;
    int rc = store_int_query(
        db, SQL_OPP_INSERT,
        PARAMS(SV_ID(o->account_id), SV_INT(s->owner_id), SV_TEXT(o->name), SV_INT(s->amount_minor),
               SV_TEXT(s->currency), SV_INT(s->pipeline_id), SV_INT(s->stage_id),
               SV_INT(s->probability_bp), SV_INT(o->probability_manual ? 1 : 0),
               SV_TEXT(s->forecast_category), SV_TEXT(s->status), SV_TEXT(s->close_date),
               SV_TEXT(o->created_date), SV_TEXT(o->closed_reason ? o->closed_reason : ""),
               SV_TEXT(o->source ? o->source : "reins"), SV_TEXT(o->external_id), SV_INT(by->at),
               SV_TEXT(o->deal_type ? o->deal_type : "")),
        &id, e);
    if (rc == REINS_EINVAL) {
        int64_t known = 0;
        struct err e2 = {0};
        if (store_int_query(db, SQL_PERSON_EXISTS, PARAMS(SV_INT(s->owner_id)), &known, &e2) == 0 &&
            !known)
            return err_field(e, REINS_EINVAL, "owner_id", "field owner_id: no person with id %lld",
                             (long long)s->owner_id);
    }
    if (rc < 0) return rc;
    if ((rc = history_append(db, id, s, "created", by, e)) < 0) return rc;
    if ((rc = products_insert(db, id, o->products, e)) < 0) return rc;
    if (id_out) *id_out = id;
    return 0;
}

/* ---- many new opportunities at once (imports) ---------------------------------------------- */

#define OPP_INSERT_HEAD                                                                            \
    "INSERT INTO opportunities (account_id, owner_id, name, amount_minor, currency, pipeline_id,"  \
    " stage_id, probability_bp, probability_manual, forecast_category, status, close_date,"        \
    " created_date, closed_reason, source, external_id, created_at, updated_at, deal_type) VALUES "
#define HISTORY_INSERT_HEAD                                                                        \
    "INSERT INTO opportunity_history (opportunity_id, changed_at, source, user_id, changes,"       \
    " owner_id, pipeline_id, stage_id, amount_minor, currency, close_date, probability_bp,"        \
    " forecast_category, status) VALUES "
#define PRODUCT_INSERT_HEAD "INSERT INTO opportunity_products (opportunity_id, name) VALUES "

struct id_ext {
    int64_t id;
    const char *ext;
};

static int cmp_id_ext(const void *a, const void *b)
{
    return strcmp(((const struct id_ext *)a)->ext, ((const struct id_ext *)b)->ext);
}

/* One batch of at most STORE_BATCH_ROWS deals. */
static int create_batch(struct store *db, const struct opportunity *v, size_t n,
                        const struct change_source *by, int64_t *ids, struct arena *a,
                        struct err *e)
{
    struct store_val *p = arena_alloc(a, n * 19 * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        const struct opportunity *o = &v[i];
        const struct opp_state *s = &o->st;
        struct store_val row[19] = {SV_ID(o->account_id),
                                    SV_INT(s->owner_id),
                                    SV_TEXT(o->name),
                                    SV_INT(s->amount_minor),
                                    SV_TEXT(s->currency),
                                    SV_INT(s->pipeline_id),
                                    SV_INT(s->stage_id),
                                    SV_INT(s->probability_bp),
                                    SV_INT(o->probability_manual ? 1 : 0),
                                    SV_TEXT(s->forecast_category),
                                    SV_TEXT(s->status),
                                    SV_TEXT(s->close_date),
                                    SV_TEXT(o->created_date),
                                    SV_TEXT(o->closed_reason ? o->closed_reason : ""),
                                    SV_TEXT(o->source),
                                    SV_TEXT(o->external_id),
                                    SV_INT(by->at),
                                    SV_INT(by->at),
                                    SV_TEXT(o->deal_type ? o->deal_type : "")};
        memcpy(&p[i * 19], row, sizeof row);
    }
    char *sql = store_insert_sql(OPP_INSERT_HEAD, 19, n, " RETURNING id, external_id");
    struct store_rows *r;
    int rc = store_query(db, sql, p, (int)(n * 19), &r, e);
    free(sql);
    if (rc < 0) return rc;
    struct id_ext *got = arena_alloc(a, (n + 1) * sizeof *got);
    size_t ngot = 0;
    while ((rc = store_next(r, e)) > 0 && ngot < n) {
        got[ngot].id = store_int(r, 0);
        got[ngot++].ext = arena_strdup(a, store_text(r, 1));
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (ngot != n) return err_set(e, REINS_EINTERNAL, "inserted %zu deals of %zu", ngot, n);
    /* RETURNING promises no order: match the new ids by external id */
    qsort(got, ngot, sizeof *got, cmp_id_ext);
    for (size_t i = 0; i < n; i++) {
        struct id_ext key = {0, v[i].external_id};
        struct id_ext *hit = bsearch(&key, got, ngot, sizeof *got, cmp_id_ext);
        if (!hit) return err_set(e, REINS_EINTERNAL, "no id for deal %s", v[i].external_id);
        ids[i] = hit->id;
    }

    p = arena_alloc(a, n * 14 * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        const struct opp_state *s = &v[i].st;
        struct store_val row[14] = {SV_INT(ids[i]),
                                    SV_INT(by->at),
                                    SV_TEXT(by->source),
                                    SV_ID(by->user_id),
                                    SV_TEXT("created"),
                                    SV_INT(s->owner_id),
                                    SV_INT(s->pipeline_id),
                                    SV_INT(s->stage_id),
                                    SV_INT(s->amount_minor),
                                    SV_TEXT(s->currency),
                                    SV_TEXT(s->close_date),
                                    SV_INT(s->probability_bp),
                                    SV_TEXT(s->forecast_category),
                                    SV_TEXT(s->status)};
        memcpy(&p[i * 14], row, sizeof row);
    }
    sql = store_insert_sql(HISTORY_INSERT_HEAD, 14, n, "");
    rc = store_run(db, sql, p, (int)(n * 14), NULL, e);
    free(sql);
    if (rc < 0) return rc;

    /* products: "a; b" lists, already without blanks and repeats */
    size_t cap = 2 * n + 2, np = 0;
    p = arena_alloc(a, cap * 2 * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        if (!v[i].products || !*v[i].products) continue;
        char *copy = arena_strdup(a, v[i].products), *save = NULL;
        for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            while (*t == ' ')
                t++;
            if (!*t) continue;
            if (np == cap) {
                struct store_val *bigger = arena_alloc(a, cap * 4 * sizeof *p);
                memcpy(bigger, p, np * 2 * sizeof *p);
                p = bigger;
                cap *= 2;
            }
            p[2 * np] = SV_INT(ids[i]);
            p[2 * np + 1] = SV_TEXT(t);
            np++;
        }
    }
    for (size_t done = 0, k; done < np && rc >= 0; done += k) {
        k = store_batch_rows(np - done);
        sql = store_insert_sql(PRODUCT_INSERT_HEAD, 2, k, "");
        rc = store_run(db, sql, &p[2 * done], (int)(2 * k), NULL, e);
        free(sql);
    }
    return rc < 0 ? rc : 0;
}

int opportunities_create_many(struct store *db, const struct opportunity *v, size_t n,
                              const struct change_source *by, int64_t *ids, struct err *e)
{
    int rc = 0;
    for (size_t done = 0, k; done < n && rc >= 0; done += k) {
        struct arena a = ARENA_INIT;
        k = store_batch_rows(n - done);
        rc = create_batch(db, &v[done], k, by, &ids[done], &a, e);
        arena_release(&a);
    }
    return rc;
}

int opportunity_write_state(struct store *db, int64_t id, const struct opp_state *old,
                            const struct opp_state *st, int probability_manual,
                            const struct change_source *by, struct err *e)
{
    char changes[128];
    opp_state_changes(old, st, changes);
    int rc = store_run(db, SQL_OPP_STATE_UPDATE,
                       PARAMS(SV_INT(id), SV_INT(st->owner_id), SV_INT(st->pipeline_id),
                              SV_INT(st->stage_id), SV_INT(st->amount_minor), SV_TEXT(st->currency),
                              SV_TEXT(st->close_date), SV_INT(st->probability_bp),
                              SV_TEXT(st->forecast_category), SV_TEXT(st->status),
                              SV_INT(probability_manual ? 1 : 0), SV_INT(by->at)),
                       NULL, e);
    if (rc < 0 || !changes[0]) return rc;
    return history_append(db, id, st, changes, by, e);
}

static void read_opp(struct store_rows *r, struct arena *a, struct opportunity *o)
{
    memset(o, 0, sizeof *o);
    o->id = store_int(r, 0);
    o->account_id = store_int(r, 1);
    o->account_name = arena_strdup(a, store_text(r, 2));
    o->st.owner_id = store_int(r, 3);
    o->owner_name = arena_strdup(a, store_text(r, 4));
    o->name = arena_strdup(a, store_text(r, 5));
    o->st.amount_minor = store_int(r, 6);
    snprintf(o->st.currency, sizeof o->st.currency, "%s", store_text(r, 7));
    o->st.pipeline_id = store_int(r, 8);
    o->pipeline_name = arena_strdup(a, store_text(r, 9));
    o->st.stage_id = store_int(r, 10);
    o->stage_name = arena_strdup(a, store_text(r, 11));
    o->st.probability_bp = store_int(r, 12);
    o->probability_manual = store_int(r, 13) != 0;
    snprintf(o->st.forecast_category, sizeof o->st.forecast_category, "%s", store_text(r, 14));
    snprintf(o->st.status, sizeof o->st.status, "%s", store_text(r, 15));
    snprintf(o->st.close_date, sizeof o->st.close_date, "%s", store_text(r, 16));
    snprintf(o->created_date, sizeof o->created_date, "%s", store_text(r, 17));
    o->closed_reason = arena_strdup(a, store_text(r, 18));
    o->source = arena_strdup(a, store_text(r, 19));
    o->external_id = arena_strdup(a, store_text(r, 20));
    o->created_at = store_int(r, 21);
    o->updated_at = store_int(r, 22);
    o->deal_type = arena_strdup(a, store_text(r, 23));
    o->products = "";
}

int opportunity_get(struct store *db, int64_t id, struct arena *arena, struct opportunity *out,
                    struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_OPP_GET, PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc > 0) read_opp(r, arena, out);
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!rc) return err_set(e, REINS_ENOTFOUND, "no opportunity with id %lld", (long long)id);
    if ((rc = store_query(db, SQL_OPP_PRODUCTS, PARAMS(SV_INT(id)), &r, e)) < 0) return rc;
    struct sb list = SB_INIT;
    while ((rc = store_next(r, e)) > 0) {
        if (list.len) sb_adds(&list, "; ");
        sb_adds(&list, store_text(r, 0));
    }
    store_rows_free(r);
    out->products = arena_strdup(arena, list.buf ? list.buf : "");
    sb_release(&list);
    return rc;
}

int opportunity_visible(struct store *db, const struct principal *who, const struct opportunity *o,
                        struct err *e)
{
    return access_can_see_person(db, who, o->st.owner_id, e);
}

/* Read the deal's state, change it with `apply`, write it back with its history. */
static int change_state(struct store *db, int64_t id, const struct change_source *by,
                        int (*apply)(struct store *, struct opportunity *, void *, struct arena *,
                                     struct err *),
                        void *arg, struct err *e)
{
    struct arena a = ARENA_INIT;
    int rc = store_begin(db, e);
    if (rc < 0) return rc;
    struct opportunity o;
    if ((rc = opportunity_get(db, id, &a, &o, e)) < 0) goto done;
    struct opp_state old = o.st;
    if ((rc = apply(db, &o, arg, &a, e)) < 0) goto done;
    if ((rc = opportunity_write_state(db, id, &old, &o.st, o.probability_manual, by, e)) < 0)
        goto done;
    rc = store_commit(db, e);
done:
    if (rc < 0) store_rollback(db);
    arena_release(&a);
    return rc;
}

static int apply_stage(struct store *db, struct opportunity *o, void *arg, struct arena *a,
                       struct err *e)
{
    struct pipeline_stage st;
    int rc = pipeline_stage_get(db, *(int64_t *)arg, a, &st, e);
    if (rc == REINS_ENOTFOUND) {
        return err_field(e, REINS_EINVAL, "stage_id", "field stage_id: no stage with id %lld",
                         (long long)*(int64_t *)arg);
    }
    if (rc < 0) return rc;
    opp_state_enter_stage(&o->st, &st, o->probability_manual);
    return 0;
}

int opportunity_set_stage(struct store *db, int64_t id, int64_t stage_id,
                          const struct change_source *by, struct err *e)
{
    return change_state(db, id, by, apply_stage, &stage_id, e);
}

static int apply_probability(struct store *db, struct opportunity *o, void *arg, struct arena *a,
                             struct err *e)
{
    int64_t bp = *(int64_t *)arg;
    if (bp >= 0) {
        o->st.probability_bp = bp;
        o->probability_manual = 1;
        return 0;
    }
    struct pipeline_stage st;
    int rc = pipeline_stage_get(db, o->st.stage_id, a, &st, e);
    if (rc < 0) return rc;
    o->probability_manual = 0;
    o->st.probability_bp = st.probability_bp;
    return 0;
}

int opportunity_set_probability(struct store *db, int64_t id, int64_t bp,
                                const struct change_source *by, struct err *e)
{
    if (bp > PROBABILITY_BP_MAX)
        return err_field(e, REINS_EINVAL, "probability_bp",
                         "field probability_bp: must be from 0 to %d", PROBABILITY_BP_MAX);
    return change_state(db, id, by, apply_probability, &bp, e);
}

/* ---- lists, the board, history ------------------------------------------------------------- */

/* The visibility parameters $1..$3 for `who`. */
#define WHO_PARAMS(who)                                                                            \
    SV_INT((who)->role == ROLE_ADMIN ? 1 : 0), SV_INT((who)->person_id),                           \
        SV_INT((who)->role == ROLE_MANAGER ? (who)->person_id : 0)
#define FILTER_PARAMS(f)                                                                           \
    SV_INT((f)->owner_id), SV_INT((f)->pipeline_id), SV_INT((f)->stage_id),                        \
        SV_INT((f)->account_id), SV_TEXT((f)->status), SV_TEXT((f)->forecast_category),            \
        SV_TEXT((f)->close_from), SV_TEXT((f)->close_to), SV_TEXT((f)->q)

int opportunity_list(struct store *db, const struct principal *who, const struct opp_filter *f,
                     struct arena *arena, struct opportunity **out, size_t *n, struct err *e)
{
    int64_t limit = f->limit < 0                                     ? INT64_MAX
                    : f->limit > 0 && f->limit <= OPP_LIST_LIMIT_MAX ? f->limit
                                                                     : OPP_LIST_LIMIT_MAX;
    struct store_rows *r;
    int rc = store_query(db, SQL_OPP_LIST, PARAMS(WHO_PARAMS(who), FILTER_PARAMS(f), SV_INT(limit)),
                         &r, e);
    if (rc < 0) return rc;
    size_t cap = 16, len = 0;
    struct opportunity *v = arena_alloc(arena, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(arena, v, sizeof *v, len, &cap);
        read_opp(r, arena, &v[len++]);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

int pipeline_board(struct store *db, const struct principal *who, int64_t pipeline_id,
                   const struct opp_filter *f, struct arena *arena, struct board_column **out,
                   size_t *n, struct err *e)
{
    struct pipeline_stage *stages;
    size_t nstages;
    int rc = pipeline_stages_list(db, arena, &stages, &nstages, e);
    if (rc < 0) return rc;
    struct board_column *cols = arena_alloc(arena, (nstages + 1) * sizeof *cols);
    size_t len = 0;
    for (size_t i = 0; i < nstages; i++)
        if (stages[i].pipeline_id == pipeline_id) cols[len++].stage = stages[i];
    if (!len)
        return err_field(e, REINS_ENOTFOUND, "pipeline_id", "no pipeline with id %lld",
                         (long long)pipeline_id);
    struct store_rows *r;
    rc = store_query(db, SQL_BOARD, PARAMS(WHO_PARAMS(who), FILTER_PARAMS(f), SV_INT(pipeline_id)),
                     &r, e);
    if (rc < 0) return rc;
    while ((rc = store_next(r, e)) > 0) {
        int64_t stage = store_int(r, 0);
        for (size_t i = 0; i < len; i++) {
            if (cols[i].stage.id != stage) continue;
            if (cols[i].nsums == BOARD_CURRENCIES_MAX) {
                store_rows_free(r);
                return err_set(e, REINS_EINVAL, "stage %s holds deals in more than %d currencies",
                               cols[i].stage.name, BOARD_CURRENCIES_MAX);
            }
            struct board_sum *sum = &cols[i].sums[cols[i].nsums++];
            snprintf(sum->currency, sizeof sum->currency, "%s", store_text(r, 1));
            sum->count = store_int(r, 2);
            sum->amount_minor = store_int(r, 3);
            sum->weighted_minor = store_int(r, 4);
            cols[i].count += sum->count;
        }
    }
    store_rows_free(r);
    *out = cols;
    *n = len;
    return rc;
}

static void read_history(struct store_rows *r, struct arena *a, struct opp_history_row *h)
{
    memset(h, 0, sizeof *h);
    h->id = store_int(r, 0);
    h->opportunity_id = store_int(r, 1);
    h->changed_at = store_int(r, 2);
    h->source = arena_strdup(a, store_text(r, 3));
    h->user_id = store_int(r, 4);
    h->changes = arena_strdup(a, store_text(r, 5));
    h->st.owner_id = store_int(r, 6);
    h->owner_name = arena_strdup(a, store_text(r, 7));
    h->st.pipeline_id = store_int(r, 8);
    h->st.stage_id = store_int(r, 9);
    h->stage_name = arena_strdup(a, store_text(r, 10));
    h->st.amount_minor = store_int(r, 11);
    snprintf(h->st.currency, sizeof h->st.currency, "%s", store_text(r, 12));
    snprintf(h->st.close_date, sizeof h->st.close_date, "%s", store_text(r, 13));
    h->st.probability_bp = store_int(r, 14);
    snprintf(h->st.forecast_category, sizeof h->st.forecast_category, "%s", store_text(r, 15));
    snprintf(h->st.status, sizeof h->st.status, "%s", store_text(r, 16));
}

static int read_history_rows(struct store_rows *r, struct arena *arena,
                             struct opp_history_row **out, size_t *n, struct err *e)
{
    size_t cap = 16, len = 0;
    struct opp_history_row *v = arena_alloc(arena, cap * sizeof *v);
    int rc;
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(arena, v, sizeof *v, len, &cap);
        read_history(r, arena, &v[len++]);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

int opportunity_history(struct store *db, int64_t id, struct arena *arena,
                        struct opp_history_row **out, size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_HISTORY, PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    return read_history_rows(r, arena, out, n, e);
}

int opportunity_slips(struct store *db, int64_t id, int64_t *slips, int64_t *days_slipped,
                      struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_CLOSE_DATES, PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    *slips = 0;
    *days_slipped = 0;
    int64_t prev = -1;
    while ((rc = store_next(r, e)) > 0) {
        const char *d = store_text(r, 0);
        struct err bad = {0};
        if (date_check(d, "close_date", &bad) < 0) continue;
        int64_t day = date_to_days(d);
        if (prev >= 0 && day > prev) {
            (*slips)++;
            *days_slipped += day - prev;
        }
        prev = day;
    }
    store_rows_free(r);
    return rc;
}

int pipeline_as_of(struct store *db, const struct principal *who, const char *date,
                   struct arena *arena, struct opp_history_row **out, size_t *n, struct err *e)
{
    int rc = date_check(date, "date", e);
    if (rc < 0) return rc;
    int64_t end = (date_to_days(date) + 1) * 86400;
    struct store_rows *r;
    if ((rc = store_query(db, SQL_AS_OF, PARAMS(WHO_PARAMS(who), SV_INT(end)), &r, e)) < 0)
        return rc;
    return read_history_rows(r, arena, out, n, e);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

json_t *stage_to_json(const struct pipeline_stage *s)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:b, s:b}", "id", (json_int_t)s->id,
                     "pipeline_id", (json_int_t)s->pipeline_id, "pipeline", s->pipeline_name,
                     "name", s->name, "position", (json_int_t)s->position, "probability_bp",
                     (json_int_t)s->probability_bp, "forecast_category", s->forecast_category,
                     "won", s->is_won, "lost", s->is_lost);
}

json_t *opportunity_to_json(const struct opportunity *o)
{
    json_t *j = json_pack(
        "{s:I, s:s, s:{s:I, s:s}, s:{s:I, s:s}, s:{s:I, s:s}, s:I, s:s, s:I, s:b, s:s, s:s,"
        " s:s, s:s, s:s, s:s, s:s}",
        "id", (json_int_t)o->id, "name", o->name, "owner", "id", (json_int_t)o->st.owner_id, "name",
        o->owner_name ? o->owner_name : "", "pipeline", "id", (json_int_t)o->st.pipeline_id, "name",
        o->pipeline_name ? o->pipeline_name : "", "stage", "id", (json_int_t)o->st.stage_id, "name",
        o->stage_name ? o->stage_name : "", "amount_minor", (json_int_t)o->st.amount_minor,
        "currency", o->st.currency, "probability_bp", (json_int_t)o->st.probability_bp,
        "probability_manual", o->probability_manual, "forecast_category", o->st.forecast_category,
        "status", o->st.status, "close_date", o->st.close_date, "created_date", o->created_date,
        "closed_reason", o->closed_reason ? o->closed_reason : "", "products",
        o->products ? o->products : "", "source", o->source ? o->source : "");
    json_object_set_new(j, "deal_type", json_string(o->deal_type ? o->deal_type : ""));
    json_object_set_new(j, "account",
                        o->account_id ? json_pack("{s:I, s:s}", "id", (json_int_t)o->account_id,
                                                  "name", o->account_name ? o->account_name : "")
                                      : json_null());
    json_object_set_new(j, "external_id",
                        o->external_id ? json_string(o->external_id) : json_null());
    return j;
}

json_t *history_row_to_json(const struct opp_history_row *h)
{
    json_t *changes = json_array();
    if (h->changes && *h->changes) {
        char *copy = xstrdup(h->changes);
        char *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
            json_array_append_new(changes, json_string(t));
        free(copy);
    }
    return json_pack("{s:I, s:I, s:I, s:s, s:o, s:{s:I, s:s}, s:{s:I, s:s}, s:I, s:s, s:s, s:I,"
                     " s:s, s:s}",
                     "id", (json_int_t)h->id, "opportunity_id", (json_int_t)h->opportunity_id,
                     "changed_at", (json_int_t)h->changed_at, "source", h->source, "changes",
                     changes, "owner", "id", (json_int_t)h->st.owner_id, "name",
                     h->owner_name ? h->owner_name : "", "stage", "id", (json_int_t)h->st.stage_id,
                     "name", h->stage_name ? h->stage_name : "", "amount_minor",
                     (json_int_t)h->st.amount_minor, "currency", h->st.currency, "close_date",
                     h->st.close_date, "probability_bp", (json_int_t)h->st.probability_bp,
                     "forecast_category", h->st.forecast_category, "status", h->st.status);
}

/* ---- configuring pipelines and stages ------------------------------------------------------- */

/* Check one stage's fields; `i` names it in errors ("stages[2].probability_bp"). */
static int stage_fields_check(const struct pipeline_stage_fields *f, int creating, long i,
                              struct err *e)
{
    char field[48];
#define STAGE_FIELD(name)                                                                          \
    (i >= 0 ? (snprintf(field, sizeof field, "stages[%ld]." name, i), field) : name)
    if (f->name || creating) {
        int rc = text_check(f->name ? f->name : "", STAGE_NAME_MAX, "name", e);
        if (rc < 0 && i >= 0) {
            char why[sizeof e->msg];
            snprintf(why, sizeof why, "%s", e->msg);
            return err_field(e, REINS_EINVAL, "stages", "stages[%ld]: %s", i, why);
        }
        if (rc < 0) return rc;
    }
    if (f->has_probability && (f->probability_bp < 0 || f->probability_bp > 10000))
        return err_field(e, REINS_EINVAL, i >= 0 ? "stages" : "probability_bp",
                         "field %s: basis points from 0 to 10000", STAGE_FIELD("probability_bp"));
    if (creating && !f->has_probability)
        return err_field(e, REINS_EINVAL, i >= 0 ? "stages" : "probability_bp",
                         "field %s: required", STAGE_FIELD("probability_bp"));
    if ((f->forecast_category || creating) &&
        !forecast_category_valid(f->forecast_category ? f->forecast_category : ""))
        return err_field(e, REINS_EINVAL, i >= 0 ? "stages" : "forecast_category",
                         "field %s: pipeline, best_case, commit, closed or omitted",
                         STAGE_FIELD("forecast_category"));
    /* A won stage is certain and closed; a lost one is out of the forecast. */
    if (f->outcome == STAGE_WON &&
        ((f->has_probability && f->probability_bp != 10000) ||
         (f->forecast_category && strcmp(f->forecast_category, "closed"))))
        return err_field(e, REINS_EINVAL, i >= 0 ? "stages" : "probability_bp",
                         "field %s: a won stage has probability 10000 and category closed",
                         STAGE_FIELD("outcome"));
    if (f->outcome == STAGE_LOST &&
        ((f->has_probability && f->probability_bp != 0) ||
         (f->forecast_category && strcmp(f->forecast_category, "omitted"))))
        return err_field(e, REINS_EINVAL, i >= 0 ? "stages" : "probability_bp",
                         "field %s: a lost stage has probability 0 and category omitted",
                         STAGE_FIELD("outcome"));
#undef STAGE_FIELD
    return 0;
}

static int stage_insert(struct store *db, int64_t pipeline, const struct pipeline_stage_fields *f,
                        int64_t position, int64_t *id, struct err *e)
{
    int rc = store_int_query(
        db,
        "INSERT INTO pipeline_stages (pipeline_id, name, position, probability_bp,"
        " forecast_category, is_won, is_lost) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        PARAMS(SV_INT(pipeline), SV_TEXT(f->name), SV_INT(position), SV_INT(f->probability_bp),
               SV_TEXT(f->forecast_category), SV_INT(f->outcome == STAGE_WON),
               SV_INT(f->outcome == STAGE_LOST)),
        id, e);
    if (rc == REINS_ECONFLICT)
        return err_field(e, REINS_ECONFLICT, "name", "this pipeline has a stage named '%s' already",
                         f->name);
    return rc;
}

int pipeline_create(struct store *db, const char *name, const struct pipeline_stage_fields *stages,
                    size_t n, int64_t *id, struct err *e)
{
    int rc = text_check(name ? name : "", STAGE_NAME_MAX, "name", e);
    if (rc < 0) return rc;
    int open = 0, won = 0, lost = 0;
    for (size_t i = 0; i < n; i++) {
        if ((rc = stage_fields_check(&stages[i], 1, (long)i, e)) < 0) return rc;
        open += stages[i].outcome == STAGE_OPEN;
        won += stages[i].outcome == STAGE_WON;
        lost += stages[i].outcome == STAGE_LOST;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(stages[i].name, stages[j].name))
                return err_field(e, REINS_EINVAL, "stages", "field stages[%zu].name: '%s' twice", i,
                                 stages[i].name);
    }
    if (!open || !won || !lost)
        return err_field(e, REINS_EINVAL, "stages",
                         "field stages: a pipeline needs at least one open, one won and one "
                         "lost stage");
    if ((rc = store_begin(db, e)) < 0) return rc;
    rc = store_int_query(db,
                         "INSERT INTO pipelines (name, is_default, position) VALUES ($1, 0,"
                         " (SELECT COALESCE(MAX(position), 0) + 1 FROM pipelines)) RETURNING id",
                         PARAMS(SV_TEXT(name)), id, e);
    if (rc == REINS_ECONFLICT)
        rc = err_field(e, REINS_ECONFLICT, "name", "a pipeline named '%s' exists already", name);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        int64_t sid;
        rc = stage_insert(db, *id, &stages[i], (int64_t)i + 1, &sid, e);
    }
    if (rc < 0) {
        store_rollback(db);
        return rc;
    }
    return store_commit(db, e);
}

int pipeline_stage_add(struct store *db, int64_t pipeline, const struct pipeline_stage_fields *f,
                       int64_t *id, struct err *e)
{
    int rc = stage_fields_check(f, 1, -1, e);
    if (rc < 0) return rc;
    int64_t position = 0;
    rc = store_int_query(db, "SELECT COUNT(*) FROM pipelines WHERE id = $1",
                         PARAMS(SV_INT(pipeline)), &position, e);
    if (rc < 0) return rc;
    if (!position)
        return err_set(e, REINS_ENOTFOUND, "no pipeline with id %lld", (long long)pipeline);
    if (f->has_position) {
        position = f->position;
    } else if ((rc = store_int_query(db,
                                     "SELECT COALESCE(MAX(position), 0) + 1 FROM pipeline_stages"
                                     " WHERE pipeline_id = $1",
                                     PARAMS(SV_INT(pipeline)), &position, e)) < 0) {
        return rc;
    }
    return stage_insert(db, pipeline, f, position, id, e);
}

int pipeline_stage_update(struct store *db, int64_t id, const struct pipeline_stage_fields *f,
                          struct arena *arena, struct err *e)
{
    struct pipeline_stage cur;
    int rc = pipeline_stage_get(db, id, arena, &cur, e);
    if (rc < 0) return rc;
    /* The outcome of a stage never changes: deals' statuses were set by it. */
    struct pipeline_stage_fields merged = *f;
    merged.outcome = cur.is_won ? STAGE_WON : cur.is_lost ? STAGE_LOST : STAGE_OPEN;
    if (!merged.has_probability) merged.probability_bp = cur.probability_bp;
    if (!merged.forecast_category) merged.forecast_category = cur.forecast_category;
    merged.has_probability = 1;
    if ((rc = stage_fields_check(&merged, 0, -1, e)) < 0) return rc;
    rc =
        store_run(db,
                  "UPDATE pipeline_stages SET name = COALESCE($2, name),"
                  " position = CASE WHEN $3 = 1 THEN $4 ELSE position END,"
                  " probability_bp = $5, forecast_category = $6 WHERE id = $1",
                  PARAMS(SV_INT(id), SV_TEXT(f->name), SV_INT(f->has_position), SV_INT(f->position),
                         SV_INT(merged.probability_bp), SV_TEXT(merged.forecast_category)),
                  NULL, e);
    if (rc == REINS_ECONFLICT)
        return err_field(e, REINS_ECONFLICT, "name", "this pipeline has a stage named '%s' already",
                         f->name);
    return rc;
}
