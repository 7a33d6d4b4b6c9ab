/* pipeline_api.c -- the /api/v1 routes of the pipeline (see docs/api.md). */
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/text.h"
#include "people/people.h"
#include "pipeline/pipeline.h"

static int query_date(struct api_call *call, const char *name, const char **out)
{
    const char *v = http_query(call->req, name);
    if (!v) return 0;
    if (date_check(v, name, &call->err) < 0) return REINS_EINVAL;
    *out = v;
    return 1;
}

/* The list filters from the query string: owner_id, pipeline_id, stage_id, account_id,
 * status, forecast_category, close_from, close_to, q, limit. */
static int read_filter(struct api_call *call, struct opp_filter *f)
{
    memset(f, 0, sizeof *f);
    int64_t limit = 500;
    struct err *e = &call->err;
    if (api_query_int(call, "owner_id", 1, INT64_MAX, &f->owner_id) < 0 ||
        api_query_int(call, "pipeline_id", 1, INT64_MAX, &f->pipeline_id) < 0 ||
        api_query_int(call, "stage_id", 1, INT64_MAX, &f->stage_id) < 0 ||
        api_query_int(call, "account_id", 1, INT64_MAX, &f->account_id) < 0 ||
        api_query_int(call, "limit", 1, OPP_LIST_LIMIT_MAX, &limit) < 0 ||
        query_date(call, "close_from", &f->close_from) < 0 ||
        query_date(call, "close_to", &f->close_to) < 0)
        return REINS_EINVAL;
    f->limit = (int)limit;
    f->status = http_query(call->req, "status");
    if (f->status && strcmp(f->status, "open") && strcmp(f->status, "won") &&
        strcmp(f->status, "lost"))
        return err_field(e, REINS_EINVAL, "status", "query status: must be open, won or lost");
    f->forecast_category = http_query(call->req, "forecast_category");
    if (f->forecast_category && !forecast_category_valid(f->forecast_category))
        return err_field(e, REINS_EINVAL, "forecast_category",
                         "query forecast_category: must be pipeline, best_case, commit, closed"
                         " or omitted");
    f->q = http_query(call->req, "q");
    if (f->q && strlen(f->q) > 200)
        return err_field(e, REINS_EINVAL, "q", "query q: at most 200 bytes");
    if (f->q && !*f->q) f->q = NULL;
    return 0;
}

/* ---- pipelines and the board --------------------------------------------------------------- */

static void list_pipelines(struct api_call *call)
{
    struct pipeline_stage *s;
    size_t n;
    if (pipeline_stages_list(call->db, call->req->arena, &s, &n, &call->err) < 0)
        return api_fail(call);
    json_t *pipelines = json_array(), *cur = NULL;
    int64_t cur_id = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cur || s[i].pipeline_id != cur_id) {
            cur_id = s[i].pipeline_id;
            cur = json_pack("{s:I, s:s, s:[]}", "id", (json_int_t)cur_id, "name",
                            s[i].pipeline_name, "stages");
            json_array_append_new(pipelines, cur);
        }
        json_array_append_new(json_object_get(cur, "stages"), stage_to_json(&s[i]));
    }
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "pipelines", pipelines));
}

/* A stage's fields from JSON; `creating` reads the outcome too. `i` >= 0
 * names the stage within a list in errors. */
static int read_stage(json_t *o, int creating, long i, struct pipeline_stage_fields *f,
                      struct err *e)
{
    static const char *const create_fields[] = {"name", "probability_bp", "forecast_category",
                                                "outcome", "position", NULL};
    static const char *const update_fields[] = {"name", "probability_bp", "forecast_category",
                                                "position", NULL};
    memset(f, 0, sizeof *f);
    if (!json_is_object(o))
        return err_field(e, REINS_EINVAL, "stages", "field stages[%ld]: an object", i);
    int rc = json_check_fields(o, creating ? create_fields : update_fields, e);
    if (rc < 0) return rc;
    json_t *v;
    if ((v = json_object_get(o, "name"))) {
        if (!json_is_string(v)) return err_field(e, REINS_EINVAL, "name", "field name: text");
        f->name = json_string_value(v);
    }
    if ((v = json_object_get(o, "forecast_category"))) {
        if (!json_is_string(v))
            return err_field(e, REINS_EINVAL, "forecast_category", "field forecast_category: text");
        f->forecast_category = json_string_value(v);
    }
    if ((v = json_object_get(o, "probability_bp"))) {
        if (!json_is_integer(v))
            return err_field(e, REINS_EINVAL, "probability_bp",
                             "field probability_bp: a whole number of basis points");
        f->has_probability = 1;
        f->probability_bp = json_integer_value(v);
    }
    if ((v = json_object_get(o, "position"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000)
            return err_field(e, REINS_EINVAL, "position", "field position: 1 to 1000");
        f->has_position = 1;
        f->position = json_integer_value(v);
    }
    if ((v = json_object_get(o, "outcome"))) {
        const char *out = json_is_string(v) ? json_string_value(v) : "";
        if (!strcmp(out, "open")) f->outcome = STAGE_OPEN;
        else if (!strcmp(out, "won")) f->outcome = STAGE_WON;
        else if (!strcmp(out, "lost")) f->outcome = STAGE_LOST;
        else return err_field(e, REINS_EINVAL, "outcome", "field outcome: open, won or lost");
    }
    return 0;
}

static void reply_pipeline(struct api_call *call, int64_t id, int status)
{
    struct pipeline_stage *s;
    size_t n;
    if (pipeline_stages_list(call->db, call->req->arena, &s, &n, &call->err) < 0)
        return api_fail(call);
    json_t *stages = json_array();
    const char *name = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i].pipeline_id == id) {
            name = s[i].pipeline_name;
            json_array_append_new(stages, stage_to_json(&s[i]));
        }
    if (!name) {
        json_decref(stages);
        err_set(&call->err, REINS_ENOTFOUND, "no pipeline with id %lld", (long long)id);
        return api_fail(call);
    }
    reply_json(call->req, call->res, status,
               json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "name", name, "stages", stages));
}

static void create_pipeline(struct api_call *call)
{
    static const char *const allowed[] = {"name", "stages", NULL};
    struct err *e = &call->err;
    json_t *body;
    if (request_json_object(call->req, &body, e) < 0) return api_fail(call);
    const char *name = NULL;
    int64_t id = 0;
    int rc = json_check_fields(body, allowed, e);
    if (rc >= 0) rc = json_get_string(body, "name", &name, e);
    json_t *list = json_object_get(body, "stages");
    if (rc >= 0 && (!json_is_array(list) || json_array_size(list) > 50))
        rc = err_field(e, REINS_EINVAL, "stages", "field stages: a list of up to 50 stages");
    size_t n = rc >= 0 ? json_array_size(list) : 0;
    struct pipeline_stage_fields *f = arena_alloc(call->req->arena, (n ? n : 1) * sizeof *f);
    for (size_t i = 0; i < n && rc >= 0; i++)
        rc = read_stage(json_array_get(list, i), 1, (long)i, &f[i], e);
    if (rc >= 0) rc = pipeline_create(call->db, name, f, n, &id, e);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_pipeline(call, id, 201);
}

static void add_stage(struct api_call *call)
{
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    struct pipeline_stage_fields f;
    int64_t id = 0;
    int rc = read_stage(body, 1, -1, &f, &call->err);
    if (rc >= 0) rc = pipeline_stage_add(call->db, call->ids[0], &f, &id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_pipeline(call, call->ids[0], 201);
}

static void patch_stage(struct api_call *call)
{
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    struct pipeline_stage_fields f;
    int rc = read_stage(body, 0, -1, &f, &call->err);
    if (rc >= 0) rc = pipeline_stage_update(call->db, call->ids[0], &f, call->req->arena, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    struct pipeline_stage s;
    if (pipeline_stage_get(call->db, call->ids[0], call->req->arena, &s, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200, stage_to_json(&s));
}

static json_t *board_sum_json(const struct board_sum *s)
{
    return json_pack("{s:s, s:I, s:I, s:I}", "currency", s->currency, "count", (json_int_t)s->count,
                     "amount_minor", (json_int_t)s->amount_minor, "weighted_minor",
                     (json_int_t)s->weighted_minor);
}

static void board(struct api_call *call)
{
    struct opp_filter f;
    if (read_filter(call, &f) < 0) return api_fail(call);
    if (!http_query(call->req, "status")) f.status = "open";
    struct board_column *cols;
    size_t n;
    if (pipeline_board(call->db, &call->who, call->ids[0], &f, call->req->arena, &cols, &n,
                       &call->err) < 0)
        return api_fail(call);
    /* the deals themselves, so the board can show cards */
    f.pipeline_id = call->ids[0];
    struct opportunity *v;
    size_t nv;
    if (opportunity_list(call->db, &call->who, &f, call->req->arena, &v, &nv, &call->err) < 0)
        return api_fail(call);
    /* Totals per currency over the whole board: amounts in different
     * currencies are never added together. */
    struct board_sum total[BOARD_CURRENCIES_MAX];
    size_t ntotal = 0;
    int64_t count = 0;
    json_t *columns = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *deals = json_array(), *sums = json_array();
        for (size_t j = 0; j < nv; j++)
            if (v[j].st.stage_id == cols[i].stage.id)
                json_array_append_new(deals, opportunity_to_json(&v[j]));
        for (size_t k = 0; k < cols[i].nsums; k++) {
            const struct board_sum *s = &cols[i].sums[k];
            json_array_append_new(sums, board_sum_json(s));
            size_t t = 0;
            while (t < ntotal && strcmp(total[t].currency, s->currency))
                t++;
            if (t == ntotal) {
                if (ntotal == BOARD_CURRENCIES_MAX) {
                    json_decref(deals);
                    json_decref(sums);
                    json_decref(columns);
                    err_set(&call->err, REINS_EINVAL, "the board holds more than %d currencies",
                            BOARD_CURRENCIES_MAX);
                    return api_fail(call);
                }
                total[ntotal++] = (struct board_sum){.count = 0};
                snprintf(total[t].currency, sizeof total[t].currency, "%s", s->currency);
            }
            total[t].count += s->count;
            total[t].amount_minor += s->amount_minor;
            total[t].weighted_minor += s->weighted_minor;
        }
        json_t *col = json_pack("{s:o, s:I, s:o, s:o}", "stage", stage_to_json(&cols[i].stage),
                                "count", (json_int_t)cols[i].count, "by_currency", sums,
                                "opportunities", deals);
        json_array_append_new(columns, col);
        count += cols[i].count;
    }
    json_t *totals = json_pack("{s:I, s:[]}", "count", (json_int_t)count, "by_currency");
    for (size_t t = 0; t < ntotal; t++)
        json_array_append_new(json_object_get(totals, "by_currency"), board_sum_json(&total[t]));
    /* With one currency, the plain sums too (zero in an empty column). */
    if (ntotal <= 1) {
        const char *cur = ntotal ? total[0].currency : NULL;
        json_object_set_new(totals, "currency", cur ? json_string(cur) : json_null());
        json_object_set_new(totals, "amount_minor", json_integer(ntotal ? total[0].amount_minor : 0));
        json_object_set_new(totals, "weighted_minor",
                            json_integer(ntotal ? total[0].weighted_minor : 0));
        size_t i;
        json_t *col;
        json_array_foreach(columns, i, col)
        {
            json_object_set_new(col, "amount_minor",
                                json_integer(cols[i].nsums ? cols[i].sums[0].amount_minor : 0));
            json_object_set_new(col, "weighted_minor",
                                json_integer(cols[i].nsums ? cols[i].sums[0].weighted_minor : 0));
        }
    }
    reply_json(call->req, call->res, 200,
               json_pack("{s:{s:I, s:s}, s:o, s:o, s:b}", "pipeline", "id",
                         (json_int_t)call->ids[0], "name", n ? cols[0].stage.pipeline_name : "",
                         "columns", columns, "totals", totals, "truncated",
                         (int64_t)nv >= (int64_t)f.limit));
}

/* ---- opportunities ------------------------------------------------------------------------- */

static void list_opportunities(struct api_call *call)
{
    struct opp_filter f;
    if (read_filter(call, &f) < 0) return api_fail(call);
    struct opportunity *v;
    size_t n;
    if (opportunity_list(call->db, &call->who, &f, call->req->arena, &v, &n, &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, opportunity_to_json(&v[i]));
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "opportunities", a));
}

/* Load opportunity ids[0] if the caller may see it; 404 otherwise (as if it did not exist). */
static int load_visible(struct api_call *call, struct opportunity *o)
{
    int rc = opportunity_get(call->db, call->ids[0], call->req->arena, o, &call->err);
    if (rc < 0) return rc;
    rc = opportunity_visible(call->db, &call->who, o, &call->err);
    if (rc < 0) return rc;
    if (!rc)
        return err_set(&call->err, REINS_ENOTFOUND, "no opportunity with id %lld",
                       (long long)call->ids[0]);
    return 0;
}

static void reply_opportunity(struct api_call *call, int status)
{
    struct opportunity o;
    struct opp_history_row *h;
    size_t n;
    int64_t slips, days;
    if (load_visible(call, &o) < 0 ||
        opportunity_history(call->db, o.id, call->req->arena, &h, &n, &call->err) < 0 ||
        opportunity_slips(call->db, o.id, &slips, &days, &call->err) < 0)
        return api_fail(call);
    json_t *history = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(history, history_row_to_json(&h[i]));
    json_t *body = opportunity_to_json(&o);
    json_object_set_new(body, "history", history);
    json_object_set_new(
        body, "slips",
        json_pack("{s:I, s:I}", "count", (json_int_t)slips, "days", (json_int_t)days));
    reply_json(call->req, call->res, status, body);
}

static void get_opportunity(struct api_call *call)
{
    reply_opportunity(call, 200);
}

static struct change_source web_source(struct api_call *call)
{
    struct change_source by = {call->who.via_token ? "api" : "web", call->who.user_id,
                               (int64_t)time(NULL)};
    return by;
}

static void set_stage(struct api_call *call)
{
    static const char *const allowed[] = {"stage_id", NULL};
    struct opportunity o;
    if (load_visible(call, &o) < 0) return api_fail(call);
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int64_t stage_id = 0;
    int is_null = 0;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_id(body, "stage_id", &stage_id, &is_null, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    if (!rc || is_null || stage_id <= 0) {
        err_field(&call->err, REINS_EINVAL, "stage_id", "field stage_id: required");
        return api_fail(call);
    }
    struct change_source by = web_source(call);
    if (opportunity_set_stage(call->db, o.id, stage_id, &by, &call->err) < 0) return api_fail(call);
    reply_opportunity(call, 200);
}

static void set_probability(struct api_call *call)
{
    static const char *const allowed[] = {"probability_bp", NULL};
    struct opportunity o;
    if (load_visible(call, &o) < 0) return api_fail(call);
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, &call->err);
    json_t *v = json_object_get(body, "probability_bp");
    int64_t bp = -1; /* null: back to the stage's default */
    if (rc >= 0 && (!v || (!json_is_null(v) && !json_is_integer(v)) ||
                    (json_is_integer(v) &&
                     (json_integer_value(v) < 0 || json_integer_value(v) > PROBABILITY_BP_MAX))))
        rc = err_field(&call->err, REINS_EINVAL, "probability_bp",
                       "field probability_bp: an integer from 0 to %d (basis points), or null for"
                       " the stage's default",
                       PROBABILITY_BP_MAX);
    if (rc >= 0 && json_is_integer(v)) bp = json_integer_value(v);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    struct change_source by = web_source(call);
    if (opportunity_set_probability(call->db, o.id, bp, &by, &call->err) < 0) return api_fail(call);
    reply_opportunity(call, 200);
}

static void as_of(struct api_call *call)
{
    const char *date = http_query(call->req, "date");
    if (!date) {
        err_field(&call->err, REINS_EINVAL, "date", "query date: required (YYYY-MM-DD)");
        return api_fail(call);
    }
    struct opp_history_row *h;
    size_t n;
    if (pipeline_as_of(call->db, &call->who, date, call->req->arena, &h, &n, &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, history_row_to_json(&h[i]));
    reply_json(call->req, call->res, 200,
               json_pack("{s:s, s:o}", "date", date, "opportunities", a));
}

/* ---- import, export, mappings -------------------------------------------------------------- */

static int query_source_object(struct api_call *call, int need_object, int *source, int *object)
{
    *source = crm_source_parse(http_query(call->req, "source"));
    if (*source < 0)
        return err_field(&call->err, REINS_EINVAL, "source",
                         "query source: must be salesforce or hubspot");
    if (!need_object) return 0;
    *object = crm_object_parse(http_query(call->req, "object"));
    if (*object < 0)
        return err_field(&call->err, REINS_EINVAL, "object",
                         "query object: must be opportunities or accounts");
    return 0;
}

static void import_crm(struct api_call *call, enum crm_object object)
{
    int source, unused;
    if (query_source_object(call, 0, &source, &unused) < 0) return api_fail(call);
    struct import_result res;
    int unchanged = 0;
    struct change_source by = {source == CRM_HUBSPOT ? "import:hubspot" : "import:salesforce",
                               call->who.user_id, (int64_t)time(NULL)};
    const char *name = http_query(call->req, "filename");
    struct err ignored = {0}; /* a name unfit for messages and the log is replaced, not refused */
    if (!name || text_check(name, 200, "filename", &ignored) < 0) name = "the uploaded CSV";
    int rc = crm_import_csv(call->db, (enum crm_source)source, object, call->req->body,
                            call->req->body_len, name, &by, &res, &unchanged, &call->err);
    api_reply_import(call, rc, &res,
                     json_pack("{s:i, s:i, s:i}", "created", res.created, "updated", res.updated,
                             "unchanged", unchanged));
    import_result_release(&res);
}

static void import_opportunities(struct api_call *call)
{
    import_crm(call, CRM_OPPORTUNITIES);
}

static void import_accounts(struct api_call *call)
{
    import_crm(call, CRM_ACCOUNTS);
}

static void export_opportunities(struct api_call *call)
{
    struct sb out = SB_INIT;
    int rc = opportunities_export_csv(call->db, &call->who, &out, &call->err);
    api_reply_download(call, rc, &out, "text/csv; charset=utf-8", "opportunities.csv");
}

static void reply_mapping(struct api_call *call, int source, int object)
{
    const char **cols;
    if (crm_mapping_get(call->db, (enum crm_source)source, (enum crm_object)object,
                        call->req->arena, &cols, &call->err) < 0)
        return api_fail(call);
    const char *const *fields = crm_fields((enum crm_object)object);
    json_t *a = json_array();
    for (size_t i = 0; fields[i]; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "field", fields[i], "column", cols[i],
                                           "default",
                                           crm_default_column((enum crm_source)source,
                                                              (enum crm_object)object, fields[i])));
    reply_json(call->req, call->res, 200,
               json_pack("{s:s, s:s, s:o}", "source", crm_source_name((enum crm_source)source),
                         "object", crm_object_name((enum crm_object)object), "fields", a));
}

static void get_mapping(struct api_call *call)
{
    int source, object;
    if (query_source_object(call, 1, &source, &object) < 0) return api_fail(call);
    reply_mapping(call, source, object);
}

/* Body {"columns": {"field": "Column header", ...}}; "" returns a field to its default. */
static void put_mapping(struct api_call *call)
{
    static const char *const allowed[] = {"columns", NULL};
    int source, object;
    if (query_source_object(call, 1, &source, &object) < 0) return api_fail(call);
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, &call->err);
    json_t *cols = json_object_get(body, "columns");
    if (rc >= 0 && !json_is_object(cols))
        rc = err_field(&call->err, REINS_EINVAL, "columns",
                       "field columns: an object of field names to column headers");
    if (rc >= 0) rc = store_begin(call->db, &call->err);
    if (rc >= 0) {
        const char *field;
        json_t *v;
        int64_t now = (int64_t)time(NULL);
        json_object_foreach(cols, field, v)
        {
            if (!json_is_string(v)) {
                rc = err_field(&call->err, REINS_EINVAL, "columns",
                               "field columns: the column of %.40s must be a string", field);
                break;
            }
            rc = crm_mapping_set(call->db, (enum crm_source)source, (enum crm_object)object, field,
                                 json_string_value(v), now, &call->err);
            if (rc < 0) break;
        }
        if (rc >= 0)
            rc = store_commit(call->db, &call->err);
        else
            store_rollback(call->db);
    }
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_mapping(call, source, object);
}

const struct route pipeline_routes[] = {
    {"GET", "/api/v1/pipelines", list_pipelines, 0},
    {"POST", "/api/v1/pipelines", create_pipeline, ROUTE_ADMIN},
    {"POST", "/api/v1/pipelines/{id}/stages", add_stage, ROUTE_ADMIN},
    {"PATCH", "/api/v1/stages/{id}", patch_stage, ROUTE_ADMIN},
    {"GET", "/api/v1/pipelines/{id}/board", board, 0},
    {"GET", "/api/v1/pipeline/as-of", as_of, 0},
    {"GET", "/api/v1/opportunities", list_opportunities, 0},
    {"GET", "/api/v1/opportunities/{id}", get_opportunity, 0},
    {"PUT", "/api/v1/opportunities/{id}/stage", set_stage, 0},
    {"PUT", "/api/v1/opportunities/{id}/probability", set_probability, 0},
    {"POST", "/api/v1/import/opportunities", import_opportunities, ROUTE_ADMIN | ROUTE_BIG_BODY},
    {"POST", "/api/v1/import/accounts", import_accounts, ROUTE_ADMIN | ROUTE_BIG_BODY},
    {"GET", "/api/v1/export/opportunities", export_opportunities, 0},
    {"GET", "/api/v1/crm-mappings", get_mapping, ROUTE_ADMIN},
    {"PUT", "/api/v1/crm-mappings", put_mapping, ROUTE_ADMIN},
    {0},
};
