/* surveys_api.c -- the /api/v1 routes of pulse surveys (see docs/api.md). */
#include <string.h>

#include "api/api.h"
#include "core/mem.h"
#include "core/text.h"
#include "surveys/surveys.h"

static int64_t today(void)
{
    char d[11];
    date_today(d);
    return date_to_days(d);
}

static void reply_owned(struct api_call *call, int status, int rc, json_t *body)
{
    if (rc < 0) {
        json_decref(body);
        return api_fail(call);
    }
    reply_json(call->req, call->res, status, body);
}

static void list_surveys(struct api_call *call)
{
    int64_t opened = 0;
    json_t *a = NULL;
    /* Pulses open on their cadence; whoever looks first opens the next one. */
    if (surveys_tick(call->db, today(), &opened, &call->err) < 0 ||
        surveys_list(call->db, &call->who, today(), &a, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "surveys", a));
}

static void create_survey(struct api_call *call)
{
    static const char *const allowed[] = {"kind", "title", "opens_on", "closes_on", "questions",
                                          NULL};
    struct err *e = &call->err;
    json_t *body;
    if (request_json_object(call->req, &body, e) < 0) return api_fail(call);
    const char *kind = NULL, *title = NULL, *opens = NULL, *closes = NULL;
    int64_t *questions = NULL, id = 0;
    size_t n = 0;
    int rc = json_check_fields(body, allowed, e);
    if (rc >= 0) rc = json_get_string(body, "kind", &kind, e);
    if (rc >= 0) rc = json_get_string(body, "title", &title, e);
    if (rc >= 0) rc = json_get_string(body, "opens_on", &opens, e);
    if (rc >= 0) rc = json_get_string(body, "closes_on", &closes, e);
    json_t *q = json_object_get(body, "questions");
    if (rc >= 0 && q) {
        if (!json_is_array(q) || json_array_size(q) == 0 || json_array_size(q) > 100) {
            rc = err_field(e, REINS_EINVAL, "questions",
                           "field questions: a list of 1 to 100 question ids");
        } else {
            n = json_array_size(q);
            questions = arena_alloc(call->req->arena, n * sizeof *questions);
            for (size_t i = 0; i < n && rc >= 0; i++) {
                json_t *v = json_array_get(q, i);
                if (!json_is_integer(v) || json_integer_value(v) < 1)
                    rc = err_field(e, REINS_EINVAL, "questions",
                                   "field questions[%zu]: a question id", i);
                else
                    questions[i] = json_integer_value(v);
            }
        }
    }
    if (rc >= 0)
        rc = survey_create(call->db, kind, title, opens, closes, questions, n, today(), &id, e);
    json_decref(body);
    json_t *out = NULL;
    if (rc >= 0) rc = survey_get(call->db, &call->who, id, today(), &out, e);
    reply_owned(call, 201, rc, out);
}

static void get_survey(struct api_call *call)
{
    json_t *out = NULL;
    int rc = survey_get(call->db, &call->who, call->ids[0], today(), &out, &call->err);
    reply_owned(call, 200, rc, out);
}

static void answer_survey(struct api_call *call)
{
    static const char *const allowed[] = {"answers", NULL};
    static const char *const answer_fields[] = {"question_id", "score", "comment", NULL};
    struct err *e = &call->err;
    json_t *body;
    if (request_json_object(call->req, &body, e) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, e);
    json_t *a = json_object_get(body, "answers");
    if (rc >= 0 && (!json_is_array(a) || json_array_size(a) > 200))
        rc = err_field(e, REINS_EINVAL, "answers", "field answers: a list of answers");
    size_t n = rc >= 0 ? json_array_size(a) : 0;
    struct survey_answer *v = arena_alloc(call->req->arena, (n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        json_t *x = json_array_get(a, i), *q, *s, *c;
        if (!json_is_object(x) || json_check_fields(x, answer_fields, e) < 0) {
            rc = err_field(e, REINS_EINVAL, "answers",
                           "field answers[%zu]: {question_id, score} or {question_id, comment}", i);
            break;
        }
        q = json_object_get(x, "question_id");
        s = json_object_get(x, "score");
        c = json_object_get(x, "comment");
        if (!json_is_integer(q) || (s && !json_is_integer(s)) || (c && !json_is_string(c)) ||
            !s == !c) {
            rc = err_field(e, REINS_EINVAL, "answers",
                           "field answers[%zu]: {question_id, score} or {question_id, comment}", i);
            break;
        }
        json_int_t score = s ? json_integer_value(s) : -1;
        v[i] = (struct survey_answer){json_integer_value(q),
                                      score < -1 || score > 100 ? 100 : (int)score,
                                      c ? json_string_value(c) : NULL};
    }
    if (rc >= 0) rc = survey_submit(call->db, &call->who, call->ids[0], today(), v, n, e);
    json_decref(body);
    reply_owned(call, 201, rc, json_pack("{s:b}", "answered", 1));
}

static void close_survey(struct api_call *call)
{
    json_t *out = NULL;
    int rc = survey_close(call->db, call->ids[0], &call->err);
    if (rc >= 0) rc = survey_get(call->db, &call->who, call->ids[0], today(), &out, &call->err);
    reply_owned(call, 200, rc, out);
}

static void survey_results_route(struct api_call *call)
{
    json_t *out = NULL;
    int rc = survey_results(call->db, &call->who, call->ids[0], &out, &call->err);
    reply_owned(call, 200, rc, out);
}

static void trend(struct api_call *call)
{
    const char *group = http_query(call->req, "group");
    if (!group || !*group || strlen(group) > 60) {
        err_field(&call->err, REINS_EINVAL, "group", "query group: a group key such as company");
        return api_fail(call);
    }
    json_t *out = NULL;
    int rc = survey_trend(call->db, &call->who, group, &out, &call->err);
    reply_owned(call, 200, rc, out);
}

static void summary(struct api_call *call)
{
    json_t *out = NULL;
    int rc = survey_summary(call->db, &call->who, &out, &call->err);
    reply_owned(call, 200, rc, out);
}

static void list_questions(struct api_call *call)
{
    const char *archived = http_query(call->req, "archived");
    json_t *a = NULL;
    int rc = survey_questions_list(call->db, archived && !strcmp(archived, "1"), &a, &call->err);
    reply_owned(call, 200, rc, rc < 0 ? NULL : json_pack("{s:o}", "questions", a));
}

static void create_question(struct api_call *call)
{
    static const char *const allowed[] = {"driver", "kind", "text", "position", "archived", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int64_t id = 0;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = survey_question_create(call->db, body, &id, &call->err);
    json_decref(body);
    reply_owned(call, 201, rc, json_pack("{s:I}", "id", (json_int_t)id));
}

static void patch_question(struct api_call *call)
{
    static const char *const allowed[] = {"driver", "text", "position", "archived", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = survey_question_update(call->db, call->ids[0], body, &call->err);
    json_decref(body);
    reply_owned(call, 200, rc, json_pack("{s:I}", "id", (json_int_t)call->ids[0]));
}

static void get_settings(struct api_call *call)
{
    json_t *out = NULL;
    int rc = surveys_settings(call->db, &out, &call->err);
    reply_owned(call, 200, rc, out);
}

static void patch_settings(struct api_call *call)
{
    json_t *body, *out = NULL;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = surveys_settings_update(call->db, body, &call->err);
    json_decref(body);
    if (rc >= 0) rc = surveys_settings(call->db, &out, &call->err);
    reply_owned(call, 200, rc, out);
}

const struct route survey_routes[] = {
    {"GET", "/api/v1/surveys", list_surveys, 0},
    {"POST", "/api/v1/surveys", create_survey, ROUTE_ADMIN},
    {"GET", "/api/v1/surveys/summary", summary, 0},
    {"GET", "/api/v1/surveys/trend", trend, 0},
    {"GET", "/api/v1/surveys/{id}", get_survey, 0},
    {"POST", "/api/v1/surveys/{id}/responses", answer_survey, 0},
    {"POST", "/api/v1/surveys/{id}/close", close_survey, ROUTE_ADMIN},
    {"GET", "/api/v1/surveys/{id}/results", survey_results_route, 0},
    {"GET", "/api/v1/survey-questions", list_questions, 0},
    {"POST", "/api/v1/survey-questions", create_question, ROUTE_ADMIN},
    {"PATCH", "/api/v1/survey-questions/{id}", patch_question, ROUTE_ADMIN},
    {"GET", "/api/v1/survey-settings", get_settings, 0},
    {"PATCH", "/api/v1/survey-settings", patch_settings, ROUTE_ADMIN},
    {0},
};
