/* people_api.c -- /api/v1/people, /teams and the people import/export. */
#include <string.h>

#include "api/api.h"
#include "core/text.h"
#include "people/people.h"

static json_t *people_array(const struct person *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, person_to_json(&v[i]));
    return a;
}

/* Optional numeric query argument; REINS_EINVAL naming it when not a number. */
static int query_id(struct api_call *call, const char *name, int64_t *out)
{
    const char *v = http_query(call->req, name);
    *out = 0;
    if (!v) return 0;
    if (parse_int64(v, out) < 0 || *out <= 0)
        return err_field(&call->err, REINS_EINVAL, name, "query %s: '%.40s' is not an id", name, v);
    return 0;
}

static void list_people(struct api_call *call)
{
    struct people_filter f = {.status = http_query(call->req, "status")};
    if (f.status && !person_status_valid(f.status)) {
        err_field(&call->err, REINS_EINVAL, "status",
                  "query status: '%.40s' is not one of active, leaving, left", f.status);
        return api_fail(call);
    }
    if (query_id(call, "team_id", &f.team_id) < 0 ||
        query_id(call, "manager_id", &f.manager_id) < 0)
        return api_fail(call);
    struct person *v;
    size_t n;
    if (people_list(call->db, &call->who, &f, call->req->arena, &v, &n, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "people", people_array(v, n)));
}

/* Fill `f` from a JSON body; strict about names and types. */
static int read_fields(struct api_call *call, json_t *body, struct person_fields *f)
{
    static const char *const allowed[] = {"name",    "email",      "title",  "manager_id",
                                          "team_id", "start_date", "status", NULL};
    struct err *e = &call->err;
    int rc, is_null = 0;
    memset(f, 0, sizeof *f);
    if ((rc = json_check_fields(body, allowed, e)) < 0) return rc;
    if ((rc = json_get_string(body, "name", &f->name, e)) < 0) return rc;
    if ((rc = json_get_string(body, "email", &f->email, e)) < 0) return rc;
    if ((rc = json_get_string(body, "title", &f->title, e)) < 0) return rc;
    if ((rc = json_get_string(body, "start_date", &f->start_date, e)) < 0) return rc;
    if ((rc = json_get_string(body, "status", &f->status, e)) < 0) return rc;
    if ((rc = json_get_id(body, "manager_id", &f->manager_id, &is_null, e)) < 0) return rc;
    f->has_manager = rc;
    if ((rc = json_get_id(body, "team_id", &f->team_id, &is_null, e)) < 0) return rc;
    f->has_team = rc;
    /* null is "none" for the ids, but not a value for the text fields */
    static const char *const required_text[] = {"name", "email", "start_date", "status"};
    for (size_t i = 0; i < sizeof required_text / sizeof *required_text; i++) {
        json_t *v = json_object_get(body, required_text[i]);
        if (v && json_is_null(v))
            return err_field(e, REINS_EINVAL, required_text[i], "field %s: must not be null",
                             required_text[i]);
    }
    return 0;
}

static void reply_person(struct api_call *call, int64_t id, int status)
{
    struct person p;
    if (people_get(call->db, id, call->req->arena, &p, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, status, person_to_json(&p));
}

static void create_person(struct api_call *call)
{
    json_t *body;
    struct person_fields f;
    int64_t id;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    if (read_fields(call, body, &f) < 0 || people_create(call->db, &f, &id, &call->err) < 0) {
        json_decref(body);
        return api_fail(call);
    }
    json_decref(body);
    reply_person(call, id, 201);
}

/* Reads outside the caller's tree answer like a person that does not exist. */
static int check_visible(struct api_call *call, int64_t id)
{
    int rc = access_can_see_person(call->db, &call->who, id, &call->err);
    if (rc < 0) return rc;
    if (!rc) return err_set(&call->err, REINS_ENOTFOUND, "no person with id %lld", (long long)id);
    return 0;
}

static void get_person(struct api_call *call)
{
    if (check_visible(call, call->ids[0]) < 0) return api_fail(call);
    reply_person(call, call->ids[0], 200);
}

static void patch_person(struct api_call *call)
{
    json_t *body;
    struct person_fields f;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    if (read_fields(call, body, &f) < 0 ||
        people_update(call->db, call->ids[0], &f, &call->err) < 0) {
        json_decref(body);
        return api_fail(call);
    }
    json_decref(body);
    reply_person(call, call->ids[0], 200);
}

static void person_reports(struct api_call *call)
{
    if (check_visible(call, call->ids[0]) < 0) return api_fail(call);
    struct person *v;
    size_t n;
    if (people_subtree(call->db, call->ids[0], call->req->arena, &v, &n, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "people", people_array(v, n)));
}

static void list_teams(struct api_call *call)
{
    json_t *out;
    if (teams_list_json(call->db, &out, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, out);
}

static void create_team(struct api_call *call)
{
    static const char *const allowed[] = {"name", NULL};
    json_t *body;
    const char *name = NULL;
    int64_t id;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    if (json_check_fields(body, allowed, &call->err) < 0 ||
        json_get_string(body, "name", &name, &call->err) < 0 ||
        teams_create(call->db, name, &id, &call->err) < 0) {
        json_decref(body);
        return api_fail(call);
    }
    reply_json(call->req, call->res, 201,
               json_pack("{s:I, s:s, s:i}", "id", (json_int_t)id, "name", name, "members", 0));
    json_decref(body);
}

static void import_people(struct api_call *call)
{
    struct import_result res;
    int rc = people_import_csv(call->db, call->req->body, call->req->body_len, "the uploaded CSV", &res,
                               &call->err);
    api_reply_import(call, rc, &res,
                     json_pack("{s:i, s:i}", "created", res.created, "updated", res.updated));
    import_result_release(&res);
}

static void export_people(struct api_call *call)
{
    struct sb out = SB_INIT;
    int rc = people_export_csv(call->db, &out, &call->err);
    api_reply_download(call, rc, &out, "text/csv; charset=utf-8", "people.csv");
}

const struct route people_routes[] = {
    {"GET", "/api/v1/people", list_people, 0},
    {"POST", "/api/v1/people", create_person, ROUTE_ADMIN},
    {"GET", "/api/v1/people/{id}", get_person, 0},
    {"PATCH", "/api/v1/people/{id}", patch_person, ROUTE_ADMIN},
    {"GET", "/api/v1/people/{id}/reports", person_reports, 0},
    {"GET", "/api/v1/teams", list_teams, 0},
    {"POST", "/api/v1/teams", create_team, ROUTE_ADMIN},
    {"POST", "/api/v1/import/people", import_people, ROUTE_ADMIN | ROUTE_BIG_BODY},
    {"GET", "/api/v1/export/people", export_people, ROUTE_ADMIN},
    {0},
};
