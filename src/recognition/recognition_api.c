/* recognition_api.c -- the /api/v1 routes of recognition (see docs/api.md). */
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/text.h"
#include "recognition/recognition.h"

/* ---- values -------------------------------------------------------------------------------- */

static void list_values(struct api_call *call)
{
    const char *archived = http_query(call->req, "archived");
    if (archived && strcmp(archived, "0") && strcmp(archived, "1")) {
        err_field(&call->err, REINS_EINVAL, "archived", "query archived: must be 0 or 1");
        return api_fail(call);
    }
    struct company_value *v;
    size_t n;
    if (values_list(call->db, archived && !strcmp(archived, "1"), call->req->arena, &v, &n,
                    &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, value_to_json(&v[i]));
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "values", a));
}

/* Fill `f` from a JSON body; strict about names and types. */
static int read_value_fields(struct api_call *call, json_t *body, int creating,
                             struct value_fields *f)
{
    static const char *const allowed_create[] = {"name", "description", "position", NULL};
    static const char *const allowed_update[] = {"name", "description", "position", "archived",
                                                 NULL};
    struct err *e = &call->err;
    int rc;
    memset(f, 0, sizeof *f);
    if ((rc = json_check_fields(body, creating ? allowed_create : allowed_update, e)) < 0)
        return rc;
    static const char *const not_null[] = {"name", "description", "position", "archived"};
    for (size_t i = 0; i < sizeof not_null / sizeof *not_null; i++) {
        json_t *v = json_object_get(body, not_null[i]);
        if (v && json_is_null(v))
            return err_field(e, REINS_EINVAL, not_null[i], "field %s: must not be null",
                             not_null[i]);
    }
    if ((rc = json_get_string(body, "name", &f->name, e)) < 0) return rc;
    if ((rc = json_get_string(body, "description", &f->description, e)) < 0) return rc;
    if ((rc = json_get_bool(body, "archived", &f->archived, e)) < 0) return rc;
    f->has_archived = rc;
    json_t *pos = json_object_get(body, "position");
    if (pos) {
        if (!json_is_integer(pos))
            return err_field(e, REINS_EINVAL, "position",
                             "field position: must be an integer from 0 to %d", VALUE_POSITION_MAX);
        f->has_position = 1;
        f->position = json_integer_value(pos);
    }
    return 0;
}

static void reply_value(struct api_call *call, int64_t id, int status)
{
    struct company_value v;
    if (values_get(call->db, id, call->req->arena, &v, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, status, value_to_json(&v));
}

static void create_value(struct api_call *call)
{
    json_t *body;
    struct value_fields f;
    int64_t id;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    if (read_value_fields(call, body, 1, &f) < 0 ||
        values_create(call->db, &f, &id, &call->err) < 0) {
        json_decref(body);
        return api_fail(call);
    }
    json_decref(body);
    reply_value(call, id, 201);
}

static void patch_value(struct api_call *call)
{
    json_t *body;
    struct value_fields f;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    if (read_value_fields(call, body, 0, &f) < 0 ||
        values_update(call->db, call->ids[0], &f, &call->err) < 0) {
        json_decref(body);
        return api_fail(call);
    }
    json_decref(body);
    reply_value(call, call->ids[0], 200);
}

/* ---- directory ----------------------------------------------------------------------------- */

static void directory(struct api_call *call)
{
    struct directory_entry *v;
    size_t n;
    if (recognition_directory(call->db, call->req->arena, &v, &n, &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, directory_entry_to_json(&v[i]));
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "people", a));
}

/* ---- kudos --------------------------------------------------------------------------------- */

static void give_kudos(struct api_call *call)
{
    static const char *const allowed[] = {"to_id", "value_id", "message", NULL};
    struct err *e = &call->err;
    json_t *body; /* kudos_give refuses an account without a person (403) */
    if (request_json_object(call->req, &body, e) < 0) return api_fail(call);
    int64_t to_id = 0, value_id = 0, id = 0;
    const char *message = NULL;
    if (json_check_fields(body, allowed, e) < 0 ||
        json_get_id(body, "to_id", &to_id, NULL, e) < 0 ||
        json_get_id(body, "value_id", &value_id, NULL, e) < 0 ||
        json_get_string(body, "message", &message, e) < 0 ||
        kudos_give(call->db, call->who.person_id, to_id, value_id, message, (int64_t)time(NULL),
                   &id, e) < 0) {
        json_decref(body);
        return api_fail(call);
    }
    json_decref(body);
    struct kudos k;
    if (kudos_get(call->db, id, call->req->arena, &k, e) < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, kudos_to_json(&k));
}

static void list_kudos(struct api_call *call)
{
    int64_t person_id = 0, limit = KUDOS_LIMIT_DEFAULT;
    if (api_query_int(call, "person_id", 1, INT64_MAX, &person_id) < 0 ||
        api_query_int(call, "limit", 1, KUDOS_LIMIT_MAX, &limit) < 0)
        return api_fail(call);
    struct kudos *v;
    size_t n;
    if (kudos_list(call->db, &call->who, person_id, (int)limit, call->req->arena, &v, &n,
                   &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, kudos_to_json(&v[i]));
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "kudos", a));
}

/* ---- gaps ---------------------------------------------------------------------------------- */

static void list_gaps(struct api_call *call)
{
    int64_t days = GAPS_DAYS_DEFAULT;
    if (api_query_int(call, "days", 1, GAPS_DAYS_MAX, &days) < 0) return api_fail(call);
    struct recognition_gap *v;
    size_t n;
    if (recognition_gaps(call->db, &call->who, (int)days, (int64_t)time(NULL), call->req->arena, &v,
                         &n, &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, recognition_gap_to_json(&v[i]));
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "people", a));
}

const struct route recognition_routes[] = {
    {"GET", "/api/v1/values", list_values, 0},
    {"POST", "/api/v1/values", create_value, ROUTE_ADMIN},
    {"PATCH", "/api/v1/values/{id}", patch_value, ROUTE_ADMIN},
    {"GET", "/api/v1/directory", directory, 0},
    {"POST", "/api/v1/kudos", give_kudos, 0},
    {"GET", "/api/v1/kudos", list_kudos, 0},
    {"GET", "/api/v1/recognition/gaps", list_gaps, 0},
    {0},
};
