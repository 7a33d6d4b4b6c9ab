/* reply.h -- JSON in and out of API handlers, and errors in one shape. */
#ifndef REINS_API_REPLY_H
#define REINS_API_REPLY_H

#include <jansson.h>

#include "core/err.h"
#include "http/server.h"

/* Send `body` (a reference is stolen; NULL sends no body) with `status`. */
void reply_json(struct http_request *req, struct http_response *res, int status, json_t *body);
/* {"error":{"code","message"[,"field"]}} with the given status. */
void reply_error(struct http_request *req, struct http_response *res, int status, const char *code,
                 const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The error in `e`, with the status its code maps to. */
void reply_err(struct http_request *req, struct http_response *res, const struct err *e);
/* The HTTP status for an error code (400 for REINS_EINVAL, ...). */
int reply_status_for(int code);

/* Parse the request body as one JSON object: duplicate keys, trailing data
 * and a body that is not an object are refused with a message naming where. */
int request_json_object(const struct http_request *req, json_t **out, struct err *e);

/* Check that every key of `obj` is one of the NULL-terminated `allowed`;
 * REINS_EINVAL naming the first unknown field otherwise. */
int json_check_fields(json_t *obj, const char *const *allowed, struct err *e);

/* Typed field getters for request bodies. Each returns 0 when the field is
 * absent (leaving *out alone), 1 when present, or REINS_EINVAL naming the
 * field when it has the wrong type. A JSON null counts as present: `*out`
 * becomes NULL (strings) or 0 with *is_null set (integers). */
int json_get_string(json_t *obj, const char *field, const char **out, struct err *e);
int json_get_id(json_t *obj, const char *field, int64_t *out, int *is_null, struct err *e);
int json_get_bool(json_t *obj, const char *field, int *out, struct err *e);

#endif
