/* growth_api.c -- the /api/v1 routes of growth (see docs/api.md "Growth"). */
#include <limits.h>
#include <string.h>

#include "api/api.h"
#include "core/text.h"
#include "growth/growth.h"

#define RECENT_DAYS_DEFAULT 30
#define RECENT_DAYS_MAX 3660

/* An integer body field: 0 when absent, 1 when present, REINS_EINVAL naming it
 * when null or not an integer. */
static int json_get_int(json_t *obj, const char *field, int64_t *out, struct err *e)
{
    json_t *v = json_object_get(obj, field);
    if (!v) return 0;
    if (!json_is_integer(v))
        return err_field(e, REINS_EINVAL, field, "field %s: must be an integer", field);
    *out = json_integer_value(v);
    return 1;
}

/* Narrow to int without wrapping: out-of-range stays out of range, so the
 * range checks of the storage functions still refuse it. */
static int saturate(int64_t v)
{
    return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

/* A text field that may be absent but not null. */
static int json_get_text(json_t *obj, const char *field, const char **out, struct err *e)
{
    int rc = json_get_string(obj, field, out, e);
    if (rc == 1 && !*out)
        return err_field(e, REINS_EINVAL, field, "field %s: must not be null", field);
    return rc;
}

static int required(int present, const char *field, struct err *e)
{
    if (present < 0) return present;
    if (!present) return err_field(e, REINS_EINVAL, field, "field %s: required", field);
    return 0;
}

/* How the caller stands to person `id`'s growth. What the caller may not
 * read answers 404, like a person that does not exist; `writing` answers 403
 * instead to a caller who knows the person (an admin, the person's report). */
static int relation_to(struct api_call *call, int64_t id, int writing)
{
    int rc = growth_relation(call->db, &call->who, id, &call->err);
    if (rc < 0) return rc;
    if (rc == GROWTH_HIDDEN || (rc == GROWTH_REPORT && !writing))
        return err_set(&call->err, REINS_ENOTFOUND, "no person with id %lld", (long long)id);
    return rc;
}

/* Goals and check-ins are written by the person or anyone above them. */
static int check_goal_writer(struct api_call *call, int64_t person_id)
{
    int rc = relation_to(call, person_id, 1);
    if (rc < 0) return rc;
    if (rc != GROWTH_SELF && rc != GROWTH_ABOVE)
        return err_set(&call->err, REINS_EFORBIDDEN,
                       "only the person or someone above them may change their goals");
    return rc;
}

/* ---- skills ------------------------------------------------------------------------------- */

static void list_skills(struct api_call *call)
{
    const char *role = http_query(call->req, "role");
    const char *archived = http_query(call->req, "archived");
    if (role && !growth_role_valid(role)) {
        err_field(&call->err, REINS_EINVAL, "role",
                  "query role: '%.40s' is not one of seller, manager", role);
        return api_fail(call);
    }
    struct skill *v;
    size_t n;
    if (skills_list(call->db, role, archived && !strcmp(archived, "1"), call->req->arena, &v, &n,
                    &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, skill_to_json(&v[i]));
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "skills", a));
}

static int read_skill_fields(struct api_call *call, json_t *body, int creating,
                             struct skill_fields *f)
{
    static const char *const create_allowed[] = {"role", "name", "description", "position", NULL};
    static const char *const update_allowed[] = {"name", "description", "position", "archived",
                                                 NULL};
    struct err *e = &call->err;
    int rc;
    memset(f, 0, sizeof *f);
    if ((rc = json_check_fields(body, creating ? create_allowed : update_allowed, e)) < 0)
        return rc;
    if ((rc = json_get_text(body, "role", &f->role, e)) < 0) return rc;
    if ((rc = json_get_text(body, "name", &f->name, e)) < 0) return rc;
    if ((rc = json_get_text(body, "description", &f->description, e)) < 0) return rc;
    if ((rc = json_get_int(body, "position", &f->position, e)) < 0) return rc;
    f->has_position = rc;
    if ((rc = json_get_bool(body, "archived", &f->archived, e)) < 0) return rc;
    f->has_archived = rc;
    return 0;
}

static void reply_skill(struct api_call *call, int64_t id, int status)
{
    struct skill s;
    if (skills_get(call->db, id, call->req->arena, &s, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, status, skill_to_json(&s));
}

static void create_skill(struct api_call *call)
{
    json_t *body;
    struct skill_fields f;
    int64_t id;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = read_skill_fields(call, body, 1, &f);
    if (rc == 0) rc = skills_create(call->db, &f, &id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_skill(call, id, 201);
}

static void patch_skill(struct api_call *call)
{
    json_t *body;
    struct skill_fields f;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = read_skill_fields(call, body, 0, &f);
    if (rc == 0) rc = skills_update(call->db, call->ids[0], &f, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_skill(call, call->ids[0], 200);
}

/* ---- the matrix and ratings ------------------------------------------------------------------ */

static void get_growth(struct api_call *call)
{
    json_t *out;
    if (relation_to(call, call->ids[0], 0) < 0 ||
        growth_matrix(call->db, call->ids[0], call->req->arena, &out, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200, out);
}

static void post_rating(struct api_call *call)
{
    static const char *const allowed[] = {"skill_id", "competence", "confidence", "comment", NULL};
    int rel = relation_to(call, call->ids[0], 1);
    if (rel < 0) return api_fail(call);
    if (rel != GROWTH_SELF && rel != GROWTH_ABOVE) {
        err_set(&call->err, REINS_EFORBIDDEN,
                "only the person (self) or someone above them (manager) may rate them");
        return api_fail(call);
    }
    struct err *e = &call->err;
    struct rating r = {.person_id = call->ids[0],
                       .rater_id = call->who.person_id,
                       .source = rel == GROWTH_SELF ? "self" : "manager"};
    int64_t competence = 0, confidence = 0, id;
    json_t *body;
    if (request_json_object(call->req, &body, e) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, e);
    if (rc == 0) rc = required(json_get_id(body, "skill_id", &r.skill_id, NULL, e), "skill_id", e);
    if (rc == 0) rc = required(json_get_int(body, "competence", &competence, e), "competence", e);
    if (rc == 0) rc = required(json_get_int(body, "confidence", &confidence, e), "confidence", e);
    if (rc == 0) rc = json_get_text(body, "comment", &r.comment, e);
    if (rc >= 0) {
        r.competence = saturate(competence);
        r.confidence = saturate(confidence);
        rc = ratings_add(call->db, &r, &id, e); /* checks the ranges */
    }
    json_decref(body);
    if (rc < 0) return api_fail(call);
    struct rating got;
    if (ratings_get(call->db, id, call->req->arena, &got, e) < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, rating_to_json(&got));
}

/* ---- goals --------------------------------------------------------------------------------- */

static void list_goals(struct api_call *call)
{
    struct goal *v;
    size_t n;
    if (relation_to(call, call->ids[0], 0) < 0 ||
        goals_for_person(call->db, call->ids[0], call->req->arena, &v, &n, &call->err) < 0)
        return api_fail(call);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, goal_to_json(&v[i]));
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "goals", a));
}

static int read_goal_fields(struct api_call *call, json_t *body, int creating,
                            struct goal_fields *f)
{
    static const char *const create_allowed[] = {"title", "skill_id", "target_date", NULL};
    static const char *const update_allowed[] = {"title", "status", "target_date", "skill_id",
                                                 NULL};
    struct err *e = &call->err;
    int rc, is_null;
    memset(f, 0, sizeof *f);
    if ((rc = json_check_fields(body, creating ? create_allowed : update_allowed, e)) < 0)
        return rc;
    if ((rc = json_get_text(body, "title", &f->title, e)) < 0) return rc;
    if ((rc = json_get_text(body, "status", &f->status, e)) < 0) return rc;
    /* null clears the target date and the skill */
    if ((rc = json_get_string(body, "target_date", &f->target_date, e)) < 0) return rc;
    f->has_target_date = rc;
    if ((rc = json_get_id(body, "skill_id", &f->skill_id, &is_null, e)) < 0) return rc;
    f->has_skill = rc;
    return 0;
}

/* The goal with its check-ins, as GET /goals/{id} answers. */
static void reply_goal(struct api_call *call, int64_t id, int status)
{
    struct goal g;
    struct checkin *c;
    size_t n;
    if (goals_get(call->db, id, call->req->arena, &g, &call->err) < 0 ||
        checkins_for_goal(call->db, id, call->req->arena, &c, &n, &call->err) < 0)
        return api_fail(call);
    json_t *o = goal_to_json(&g), *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, checkin_to_json(&c[i]));
    json_object_set_new(o, "checkins", a);
    reply_json(call->req, call->res, status, o);
}

static void create_goal(struct api_call *call)
{
    json_t *body;
    struct goal_fields f;
    int64_t id;
    if (check_goal_writer(call, call->ids[0]) < 0) return api_fail(call);
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = read_goal_fields(call, body, 1, &f);
    if (rc == 0)
        rc = goals_create(call->db, call->ids[0], &f, call->who.person_id, &id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_goal(call, id, 201);
}

/* The goal `id` when the caller may read it (404 otherwise, as for no goal),
 * with the caller's relation to its person. */
static int find_goal(struct api_call *call, int64_t id, struct goal *g)
{
    int rc = goals_get(call->db, id, call->req->arena, g, &call->err);
    if (rc < 0) return rc;
    rc = growth_relation(call->db, &call->who, g->person_id, &call->err);
    if (rc < 0) return rc;
    /* a goal id names no one: whoever may not read it learns nothing */
    if (rc == GROWTH_HIDDEN || rc == GROWTH_REPORT)
        return err_set(&call->err, REINS_ENOTFOUND, "no goal with id %lld", (long long)id);
    return rc;
}

static int find_goal_to_write(struct api_call *call, int64_t id, struct goal *g)
{
    int rc = find_goal(call, id, g);
    if (rc < 0) return rc;
    if (rc != GROWTH_SELF && rc != GROWTH_ABOVE)
        return err_set(&call->err, REINS_EFORBIDDEN,
                       "only the person or someone above them may change their goals");
    return rc;
}

static void get_goal(struct api_call *call)
{
    struct goal g;
    if (find_goal(call, call->ids[0], &g) < 0) return api_fail(call);
    reply_goal(call, call->ids[0], 200);
}

static void patch_goal(struct api_call *call)
{
    json_t *body;
    struct goal_fields f;
    struct goal g;
    if (find_goal_to_write(call, call->ids[0], &g) < 0) return api_fail(call);
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = read_goal_fields(call, body, 0, &f);
    if (rc == 0) rc = goals_update(call->db, call->ids[0], &f, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_goal(call, call->ids[0], 200);
}

static void post_checkin(struct api_call *call)
{
    static const char *const allowed[] = {"progress", "note", NULL};
    struct err *e = &call->err;
    json_t *body;
    struct goal g;
    int64_t progress = 0, id;
    const char *note = NULL;
    if (find_goal_to_write(call, call->ids[0], &g) < 0) return api_fail(call);
    if (request_json_object(call->req, &body, e) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, e);
    if (rc == 0) rc = required(json_get_int(body, "progress", &progress, e), "progress", e);
    if (rc == 0) rc = json_get_text(body, "note", &note, e);
    if (rc >= 0) /* checks the range */
        rc = checkins_add(call->db, call->ids[0], call->who.person_id, saturate(progress), note,
                          NULL, &id, e);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    struct checkin *c;
    size_t n;
    if (checkins_for_goal(call->db, call->ids[0], call->req->arena, &c, &n, e) < 0)
        return api_fail(call);
    for (size_t i = 0; i < n; i++)
        if (c[i].id == id) return reply_json(call->req, call->res, 201, checkin_to_json(&c[i]));
    err_set(e, REINS_EINTERNAL, "check-in %lld vanished", (long long)id);
    api_fail(call);
}

/* ---- recent -------------------------------------------------------------------------------- */

static void recent(struct api_call *call)
{
    const char *v = http_query(call->req, "days");
    int64_t days = RECENT_DAYS_DEFAULT;
    if (v && (parse_int64(v, &days) < 0 || days < 1 || days > RECENT_DAYS_MAX)) {
        err_field(&call->err, REINS_EINVAL, "days",
                  "query days: '%.40s' is not a number of days from 1 to %d", v, RECENT_DAYS_MAX);
        return api_fail(call);
    }
    char today[11], since[11];
    date_today(today);
    date_from_days(date_to_days(today) - days, since);
    json_t *out;
    if (growth_recent(call->db, &call->who, since, &out, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, out);
}

const struct route growth_routes[] = {
    {"GET", "/api/v1/skills", list_skills, 0},
    {"POST", "/api/v1/skills", create_skill, ROUTE_ADMIN},
    {"PATCH", "/api/v1/skills/{id}", patch_skill, ROUTE_ADMIN},
    {"GET", "/api/v1/people/{id}/growth", get_growth, 0},
    {"POST", "/api/v1/people/{id}/ratings", post_rating, 0},
    {"GET", "/api/v1/people/{id}/goals", list_goals, 0},
    {"POST", "/api/v1/people/{id}/goals", create_goal, 0},
    {"GET", "/api/v1/goals/{id}", get_goal, 0},
    {"PATCH", "/api/v1/goals/{id}", patch_goal, 0},
    {"POST", "/api/v1/goals/{id}/checkins", post_checkin, 0},
    {"GET", "/api/v1/growth/recent", recent, 0},
    {0},
};
