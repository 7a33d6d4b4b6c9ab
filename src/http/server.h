/* server.h -- the HTTP server: libmicrohttpd in a thread pool, one request at a time per thread.
 *
 * The server reads the request (refusing bodies over the limit with 413),
 * gives every request an id and an arena, calls the application's handler
 * once the body is complete, sends its response and logs one line. It knows
 * nothing of routes or users: that is the handler's business (see api/api.h).
 */
#ifndef REINS_HTTP_SERVER_H
#define REINS_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"

struct MHD_Connection;

#define HTTP_MAX_HEADERS 8

struct http_request {
    struct arena *arena; /* freed when the response has been sent */
    struct MHD_Connection *conn;
    const char *method;     /* "GET", "POST", ... */
    const char *path;       /* without the query string */
    const char *request_id; /* also sent back as X-Request-Id */
    const char *client_ip;
    const char *body; /* NUL-terminated; "" when none */
    size_t body_len;
    size_t body_limit; /* the limit the body is read under; set by the app's begin */
    void *app_data;    /* what the app's begin found for its handler (arena memory) */
    char *log_user;    /* who asked, for the access log; set by the handler */
};

struct http_response {
    int status;
    const char *content_type; /* default application/json */
    char *body;               /* arena memory or a static string */
    size_t body_len;
    const char *header_names[HTTP_MAX_HEADERS]; /* extra headers (Set-Cookie, ...) */
    const char *header_values[HTTP_MAX_HEADERS];
    int nheaders;
};

/* Add a header to the response (name and value must outlive the request). */
void http_add_header(struct http_response *res, const char *name, const char *value);
/* A header of the request, or NULL. */
const char *http_header(const struct http_request *req, const char *name);
/* A query-string argument of the request, or NULL. */
const char *http_query(const struct http_request *req, const char *name);
/* A cookie of the request, or NULL. */
const char *http_cookie(const struct http_request *req, const char *name);

/* The application: fill `res` for `req`. Called on a pool thread. */
typedef void (*http_handler)(void *app, struct http_request *req, struct http_response *res);
/* Called once the request line and headers are in, before any body: set
 * req->body_limit, and keep in req->app_data what the handler will need
 * (the route found), so it is worked out once per request. */
typedef void (*http_begin)(void *app, struct http_request *req);

struct http_config {
    const char *listen_addr; /* IPv4 or IPv6 literal, or NULL for 127.0.0.1 */
    uint16_t port;           /* 0 picks a free port */
    int threads;             /* worker threads (and so concurrent requests) */
    unsigned connection_limit;
    unsigned connection_timeout_s;
    int quiet; /* no access log */
    /* A load balancer's address: requests from it are taken to come from
     * the last address of their X-Forwarded-For (login throttling and the
     * access log then see the real client). NULL trusts no one. */
    const char *trusted_proxy;
};

struct http_server;

/* Start serving. The server calls `handler(app, ...)` for every request. */
int http_server_start(const struct http_config *cfg, http_handler handler, http_begin begin,
                      void *app, struct http_server **out, struct err *e);
/* The port actually bound (useful after port 0). */
uint16_t http_server_port(const struct http_server *s);
/* Stop taking connections, let requests in flight finish (up to `grace_ms`),
 * then stop and free the server. */
void http_server_stop(struct http_server *s, int grace_ms);

#endif
