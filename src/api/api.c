/* api.c -- dispatch /api/v1 requests: route, authenticate, check CSRF, call. */
#include "api/api.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/text.h"
#include "http/static_files.h"
#include "people/people.h"
#include "store/migrate.h"

#define DEFAULT_BODY_LIMIT ((size_t)1 << 20)
#define BIG_BODY_LIMIT ((size_t)16 << 20)

static void health(struct api_call *call)
{
    json_t *body =
        json_pack("{s:s, s:i, s:s, s:s}", "status", "ok", "schema_version", migrate_latest(),
                  "version", REINS_VERSION, "database", call->api->db_kind);
    reply_json(call->req, call->res, 200, body);
}

static const struct route core_routes[] = {
    {"GET", "/api/v1/health", health, ROUTE_PUBLIC},
    {0},
};

static const struct route *const route_tables[] = {
    core_routes, auth_routes, people_routes, oneonone_routes, growth_routes, recognition_routes,
    survey_routes, pipeline_routes, quota_routes, forecast_routes, territory_routes,
    comp_routes, comp_admin_routes};
#define NTABLES (sizeof route_tables / sizeof route_tables[0])

/* Match `path` against `pattern`, capturing {id} segments. */
static int path_matches(const char *pattern, const char *path, int64_t ids[2])
{
    int nids = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (!strncmp(p, "{id}", 4)) {
            int64_t v = 0;
            int digits = 0;
            while (*s >= '0' && *s <= '9') {
                if (v > (INT64_MAX - 9) / 10) return 0;
                v = v * 10 + (*s++ - '0');
                digits++;
            }
            if (!digits || v <= 0 || nids == 2) return 0;
            ids[nids++] = v;
            p += 4;
        } else if (*p++ != *s++) {
            return 0;
        }
    }
    return !*p && !*s;
}

/* The route for method and path; `allow` (if not NULL) gets the methods the
 * path has, which tells a 405 from a 404. */
static const struct route *route_find(const char *method, const char *path, int64_t ids[2],
                                      struct sb *allow)
{
    const struct route *found = NULL;
    for (size_t t = 0; t < NTABLES; t++)
        for (const struct route *r = route_tables[t]; r->method; r++) {
            int64_t tmp[2] = {0, 0};
            if (!path_matches(r->pattern, path, tmp)) continue;
            if (!strcmp(r->method, method) && !found) {
                found = r;
                memcpy(ids, tmp, sizeof tmp);
            }
            if (allow) {
                sb_adds(allow, allow->len ? ", " : "");
                sb_adds(allow, r->method);
            }
        }
    return found;
}

/* What api_begin found for api_handle. */
struct matched_route {
    const struct route *route; /* NULL: no route for this method and path */
    int64_t ids[2];
};

void api_begin(void *app, struct http_request *req)
{
    struct api *api = app;
    struct matched_route *m = arena_alloc(req->arena, sizeof *m);
    if (!strncmp(req->path, "/api/", 5))
        m->route = route_find(req->method, req->path, m->ids, NULL);
    req->app_data = m;
    req->body_limit = m->route && (m->route->flags & ROUTE_BIG_BODY) ? BIG_BODY_LIMIT
                      : api->cfg.body_limit                          ? api->cfg.body_limit
                                                                     : DEFAULT_BODY_LIMIT;
}

void api_fail(struct api_call *call)
{
    reply_err(call->req, call->res, &call->err);
}

static int is_state_changing(const char *method)
{
    return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* Who is asking: a bearer token, else the session cookie. 0 with
 * who->user_id 0 when neither is given. */
static int authenticate(struct api_call *call)
{
    const char *authz = http_header(call->req, "Authorization");
    if (authz) {
        if (strncmp(authz, "Bearer ", 7))
            return err_set(&call->err, REINS_EAUTH, "Authorization must be 'Bearer <token>'");
        return token_lookup(call->db, authz + 7, &call->who, &call->err);
    }
    const char *cookie = http_cookie(call->req, "reins_session");
    if (cookie) return session_lookup(call->db, cookie, &call->who, &call->err);
    return 0;
}

/* A cookie carries itself to any request the browser makes; the CSRF token
 * proves the request came from a page of ours that read it. */
static int check_csrf(struct api_call *call)
{
    if (call->who.via_token || !is_state_changing(call->req->method)) return 0;
    const char *sent = http_header(call->req, "X-CSRF-Token");
    size_t want = strlen(call->who.csrf_token);
    if (!sent || strlen(sent) != want || !want ||
        sodium_memcmp(sent, call->who.csrf_token, want) != 0)
        return err_set(&call->err, REINS_EFORBIDDEN,
                       "missing or wrong X-CSRF-Token header (it comes with the login response "
                       "and GET /api/v1/me)");
    return 0;
}

void api_handle(void *app, struct http_request *req, struct http_response *res)
{
    struct api_call call = {.api = app, .req = req, .res = res};
    if (strncmp(req->path, "/api/", 5)) {
        if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
            http_add_header(res, "Allow", "GET, HEAD");
            reply_error(req, res, 405, "method_not_allowed", NULL, "%s is not allowed on %s",
                        req->method, req->path);
        } else if (!call.api->web_root) {
            reply_error(req, res, 404, "not_found", NULL,
                        "no UI is installed here (serve --web DIR); the API is under /api/v1");
        } else {
            static_serve(call.api->web_root, req, res);
        }
        return;
    }
    const struct matched_route *m = req->app_data;
    const struct route *route = m->route;
    memcpy(call.ids, m->ids, sizeof call.ids);
    if (!route) {
        /* the methods the path does have, for a 405 */
        struct sb allow = SB_INIT;
        int64_t ignored[2];
        route_find(req->method, req->path, ignored, &allow);
        if (allow.len) {
            http_add_header(res, "Allow", arena_strdup(req->arena, allow.buf));
            reply_error(req, res, 405, "method_not_allowed", NULL, "%s is not allowed on %s",
                        req->method, req->path);
        } else {
            reply_error(req, res, 404, "not_found", NULL, "no such route: %s %s", req->method,
                        req->path);
        }
        sb_release(&allow);
        return;
    }

    call.db = store_pool_get(call.api->pool);
    int rc = authenticate(&call);
    if (route->flags & ROUTE_PUBLIC) {
        /* A stale cookie must not stop anyone from logging in again; public
         * routes act for nobody, so they need no CSRF token either. */
        if (rc == REINS_EAUTH) memset(&call.who, 0, sizeof call.who);
        if (rc == REINS_EAUTH) rc = 0;
    } else if (rc == 0 && !call.who.user_id) {
        rc = err_set(&call.err, REINS_EAUTH, "log in first (POST /api/v1/session)");
    } else if (rc == 0) {
        req->log_user = arena_printf(req->arena, "%lld", (long long)call.who.user_id);
        rc = check_csrf(&call);
    }
    if (rc == 0 && (route->flags & ROUTE_ADMIN) && call.who.role != ROLE_ADMIN)
        rc = err_set(&call.err, REINS_EFORBIDDEN, "only an admin may do this");
    if (rc < 0)
        api_fail(&call);
    else
        route->handler(&call);
    store_pool_put(call.api->pool, call.db);
}

void api_reply_import(struct api_call *call, int rc, const struct import_result *res, json_t *ok)
{
    if (rc == REINS_EINVAL && res->nproblems) {
        json_decref(ok);
        json_t *lines = json_array();
        for (size_t i = 0; i < res->nproblems; i++) {
            json_t *l = json_pack("{s:I, s:s}", "line", (json_int_t)res->problems[i].line,
                                  "message", res->problems[i].message);
            if (res->problems[i].field)
                json_object_set_new(l, "field", json_string(res->problems[i].field));
            json_array_append_new(lines, l);
        }
        reply_json(call->req, call->res, 400,
                   json_pack("{s:{s:s, s:s}, s:o}", "error", "code", "invalid", "message",
                             call->err.msg, "lines", lines));
    } else if (rc < 0) {
        json_decref(ok);
        api_fail(call);
    } else {
        reply_json(call->req, call->res, 200, ok);
    }
}

void api_reply_download(struct api_call *call, int rc, struct sb *out, const char *content_type,
                        const char *filename)
{
    if (rc < 0) {
        sb_release(out);
        return api_fail(call);
    }
    call->res->status = 200;
    call->res->content_type = content_type;
    call->res->body = arena_strndup(call->req->arena, out->buf ? out->buf : "", out->len);
    call->res->body_len = out->len;
    char disposition[160];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
    http_add_header(call->res, "Content-Disposition",
                    arena_strndup(call->req->arena, disposition, strlen(disposition)));
    sb_release(out);
}

int api_query_int(struct api_call *call, const char *name, int64_t min, int64_t max,
                  int64_t *out)
{
    const char *v = http_query(call->req, name);
    if (!v) return 0;
    int64_t x;
    if (parse_int64(v, &x) < 0 || x < min || x > max)
        return err_field(&call->err, REINS_EINVAL, name,
                         "query %s: '%.40s' is not a whole number from %lld to %lld", name, v,
                         (long long)min, (long long)max);
    *out = x;
    return 1;
}
