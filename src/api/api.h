/* api.h -- the JSON API under /api/v1: routes, who is asking, and the call
 * every handler receives.
 *
 * Each part of the product owns its handlers and lists them in a route table
 * (people/people_api.c, auth/auth_api.c, ...); api.c dispatches to them after
 * authenticating the caller and checking the CSRF token. A handler reads
 * call->ids for numeric path parameters, uses call->db (a pooled connection
 * borrowed for this request) and answers with the reply_* functions.
 */
#ifndef REINS_API_API_H
#define REINS_API_API_H

#include <stdint.h>

#include "api/reply.h"
#include "auth/principal.h"
#include "http/server.h"
#include "store/store.h"

struct api_config {
    int cookie_secure; /* add Secure to cookies (serve behind HTTPS) */
    size_t body_limit; /* bytes; 0 for the default 1 MiB */
};

struct api {
    struct store_pool *pool;
    struct api_config cfg;
    const char *db_kind; /* "sqlite" or "postgresql", for health */
    const char *web_root; /* the UI's folder (absolute), or NULL for no UI */
};

struct api_call {
    struct api *api;
    struct http_request *req;
    struct http_response *res;
    struct store *db;
    struct principal who; /* user_id 0 on public routes without login */
    int64_t ids[2];       /* the {id} path parameters, in order */
    struct err err;
};

enum route_flags {
    ROUTE_PUBLIC = 1,   /* no login needed */
    ROUTE_ADMIN = 2,    /* admins only */
    ROUTE_BIG_BODY = 4, /* bodies up to 16 MiB (imports) */
};

struct route {
    const char *method;
    const char *pattern; /* "/api/v1/people/{id}/reports": {id} is a positive integer */
    void (*handler)(struct api_call *call);
    int flags;
};

/* The route tables of each part, ending with a zeroed entry. */
extern const struct route auth_routes[];
extern const struct route people_routes[];
extern const struct route oneonone_routes[];
extern const struct route growth_routes[];
extern const struct route recognition_routes[];
extern const struct route survey_routes[];
extern const struct route pipeline_routes[];
extern const struct route quota_routes[];
extern const struct route forecast_routes[];
extern const struct route territory_routes[];
extern const struct route comp_routes[];
extern const struct route comp_admin_routes[];

/* The handler and body-limit callbacks to give http_server_start, with the
 * struct api as their app pointer. Paths under /api/ go to the routes,
 * everything else to the UI's files (see http/static_files.h). */
void api_handle(void *app, struct http_request *req, struct http_response *res);
void api_begin(void *app, struct http_request *req);

/* Answer with the error in call->err. */
void api_fail(struct api_call *call);

/* An optional integer query argument within [min, max]: 0 when absent, 1
 * when read into *out, REINS_EINVAL naming it in call->err otherwise. */
int api_query_int(struct api_call *call, const char *name, int64_t min, int64_t max,
                  int64_t *out);

/* Answer a CSV import (people, CRM files, quotas) that returned `rc`: 400
 * with every bad line ({"error":{...},"lines":[{"line","field","message"}]})
 * when it found problems, the error when it failed otherwise, else 200 with
 * `ok` (taken over; dropped on failure). */
struct import_result;
void api_reply_import(struct api_call *call, int rc, const struct import_result *res, json_t *ok);

/* Answer a file built in `out` by a call that returned `rc` (exports, payroll):
 * the error when rc < 0, else 200 with the bytes as an attachment named
 * `filename`. Releases `out` either way. */
struct sb;
void api_reply_download(struct api_call *call, int rc, struct sb *out, const char *content_type,
                        const char *filename);

#endif
