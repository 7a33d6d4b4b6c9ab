/* reply.c -- JSON in and out of API handlers, and errors in one shape. */
#include "api/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int reply_status_for(int code)
{
    switch (code) {
    case REINS_EINVAL:
        return 400;
    case REINS_EAUTH:
        return 401;
    case REINS_EFORBIDDEN:
        return 403;
    case REINS_ENOTFOUND:
        return 404;
    case REINS_ECONFLICT:
        return 409;
    case REINS_ETOOBIG:
        return 413;
    case REINS_ERATE:
        return 429;
    default:
        return 500;
    }
}

void reply_json(struct http_request *req, struct http_response *res, int status, json_t *body)
{
    res->status = status;
    if (!body) {
        res->body = NULL;
        return;
    }
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    res->body = arena_strdup(req->arena, text ? text : "{}");
    res->body_len = strlen(res->body);
    free(text);
}

void reply_error(struct http_request *req, struct http_response *res, int status, const char *code,
                 const char *field, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", msg);
    if (field) json_object_set_new(err, "field", json_string(field));
    reply_json(req, res, status, json_pack("{s:o}", "error", err));
}

void reply_err(struct http_request *req, struct http_response *res, const struct err *e)
{
    int status = reply_status_for(e->code);
    if (status == 500) {
        /* Internal detail goes to the log, not to the user. */
        fprintf(stderr, "reins: %s %s %s: %s\n", req->request_id, req->method, req->path, e->msg);
        reply_error(req, res, 500, err_code_name(e->code), NULL,
                    "the server failed to handle this request (request id %s)", req->request_id);
        return;
    }
    reply_error(req, res, status, err_code_name(e->code), e->field, "%s", e->msg);
}

int request_json_object(const struct http_request *req, json_t **out, struct err *e)
{
    *out = NULL;
    if (!req->body_len) return err_set(e, REINS_EINVAL, "a JSON object body is required");
    json_error_t je;
    json_t *v = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!v)
        return err_set(e, REINS_EINVAL, "malformed JSON body at line %d, column %d: %s", je.line,
                       je.column, je.text);
    if (!json_is_object(v)) {
        json_decref(v);
        return err_set(e, REINS_EINVAL, "the body must be a JSON object");
    }
    *out = v;
    return 0;
}

int json_check_fields(json_t *obj, const char *const *allowed, struct err *e)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        int known = 0;
        for (const char *const *a = allowed; *a && !known; a++)
            known = !strcmp(*a, key);
        if (!known) {
            struct sb list = SB_INIT;
            for (const char *const *a = allowed; *a; a++) {
                sb_adds(&list, a == allowed ? "" : ", ");
                sb_adds(&list, *a);
            }
            err_set(e, REINS_EINVAL, "unknown field '%.100s' (known: %s)", key,
                    list.buf ? list.buf : "none");
            sb_release(&list);
            return REINS_EINVAL;
        }
    }
    return 0;
}

int json_get_string(json_t *obj, const char *field, const char **out, struct err *e)
{
    json_t *v = json_object_get(obj, field);
    if (!v) return 0;
    if (json_is_null(v)) {
        *out = NULL;
        return 1;
    }
    if (!json_is_string(v))
        return err_field(e, REINS_EINVAL, field, "field %s: must be a string", field);
    *out = json_string_value(v);
    return 1;
}

int json_get_id(json_t *obj, const char *field, int64_t *out, int *is_null, struct err *e)
{
    json_t *v = json_object_get(obj, field);
    if (!v) return 0;
    if (is_null) *is_null = 0;
    if (json_is_null(v)) {
        if (!is_null) return err_field(e, REINS_EINVAL, field, "field %s: must not be null", field);
        *is_null = 1;
        *out = 0;
        return 1;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return err_field(e, REINS_EINVAL, field, "field %s: must be a positive integer id", field);
    *out = json_integer_value(v);
    return 1;
}

int json_get_bool(json_t *obj, const char *field, int *out, struct err *e)
{
    json_t *v = json_object_get(obj, field);
    if (!v) return 0;
    if (!json_is_boolean(v))
        return err_field(e, REINS_EINVAL, field, "field %s: must be true or false", field);
    *out = json_is_true(v);
    return 1;
}
