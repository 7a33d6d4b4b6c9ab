/* server.c -- libmicrohttpd glue: bodies, limits, request ids, access log, graceful stop. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct http_server {
    struct MHD_Daemon *daemon;
    http_handler handler;
    http_begin begin;
    void *app;
    int quiet;
    char *trusted_proxy;
    atomic_int inflight;      /* requests begun and not yet completed */
    atomic_uint_fast64_t seq; /* request counter, for request ids */
    char id_prefix[9];        /* random per process: ids stay unique across servers */
};

/* How much of an oversize body is read and dropped before the 413. */
#define DISCARD_LIMIT ((size_t)64 << 20)
#define DRAIN_TIMEOUT_S 5u
/* How long the server must be idle after SIGTERM before it stops. */
#define STOP_SETTLE_MS 250

/* Per-request state, from the first call of the access handler to completion. */
struct request_ctx {
    struct arena arena;
    struct http_request req;
    struct sb body;
    int too_big, responded;
    size_t discarded; /* body bytes dropped after the limit was passed */
    int status;
    size_t bytes_out;
    struct timespec started;
};

void http_add_header(struct http_response *res, const char *name, const char *value)
{
    if (res->nheaders >= HTTP_MAX_HEADERS) return;
    res->header_names[res->nheaders] = name;
    res->header_values[res->nheaders] = value;
    res->nheaders++;
}

const char *http_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Every response carries the request id and headers that make the API safe
 * to call from a browser: nothing is cached, sniffed or framed. */
static enum MHD_Result send_response(struct request_ctx *ctx, const struct http_response *res)
{
    static const char empty[] = "";
    struct MHD_Response *r = MHD_create_response_from_buffer(
        res->body_len, res->body ? (void *)res->body : (void *)empty, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type",
                            res->content_type ? res->content_type
                                              : "application/json; charset=utf-8");
    MHD_add_response_header(r, "X-Request-Id", ctx->req.request_id);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    int own_cache = 0, own_csp = 0;
    for (int i = 0; i < res->nheaders; i++) {
        own_cache |= !strcasecmp(res->header_names[i], "Cache-Control");
        own_csp |= !strcasecmp(res->header_names[i], "Content-Security-Policy");
        MHD_add_response_header(r, res->header_names[i], res->header_values[i]);
    }
    /* Unless the handler says otherwise: API answers are never cached and
     * may run nothing in a browser. */
    if (!own_cache) MHD_add_response_header(r, "Cache-Control", "no-store");
    if (!own_csp)
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; frame-ancestors 'none'");
    ctx->status = res->status;
    ctx->bytes_out = res->body_len;
    ctx->responded = 1;
    enum MHD_Result ok = MHD_queue_response(ctx->req.conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_too_big(struct request_ctx *ctx)
{
    struct http_response res = {.status = 413};
    res.body = arena_printf(&ctx->arena,
                            "{\"error\":{\"code\":\"too_large\",\"message\":\"request body is "
                            "larger than the limit of %zu bytes\"}}",
                            ctx->req.body_limit);
    res.body_len = strlen(res.body);
    http_add_header(&res, "Connection", "close");
    return send_response(ctx, &res);
}

static struct request_ctx *request_begin(struct http_server *s, struct MHD_Connection *conn,
                                         const char *url, const char *method)
{
    struct request_ctx *ctx = xcalloc(1, sizeof *ctx);
    clock_gettime(CLOCK_MONOTONIC, &ctx->started);
    atomic_fetch_add(&s->inflight, 1);
    struct http_request *req = &ctx->req;
    req->arena = &ctx->arena;
    req->conn = conn;
    req->method = arena_strdup(&ctx->arena, method);
    req->path = arena_strdup(&ctx->arena, url);
    req->request_id = arena_printf(&ctx->arena, "%s-%06llu", s->id_prefix,
                                   (unsigned long long)atomic_fetch_add(&s->seq, 1) + 1);
    char ip[INET6_ADDRSTRLEN] = "-";
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
    }
    req->client_ip = arena_strdup(&ctx->arena, ip);
    const char *fwd = s->trusted_proxy && !strcmp(ip, s->trusted_proxy)
                          ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For")
                          : NULL;
    if (fwd) {
        /* The proxy appends the address it saw: the last entry is the one to trust. */
        const char *last = strrchr(fwd, ',');
        last = last ? last + 1 : fwd;
        while (*last == ' ')
            last++;
        size_t n = strcspn(last, " ");
        if (n > 0 && n < INET6_ADDRSTRLEN) req->client_ip = arena_strndup(&ctx->arena, last, n);
    }
    req->body = "";
    s->begin(s->app, req);
    return ctx;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct http_server *s = cls;
    struct request_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = request_begin(s, conn, url, method);
        *con_cls = ctx;
        /* A declared oversize body: a client waiting for "100 Continue", or
         * one announcing more than we would drain, is answered at once;
         * otherwise the body is drained first (see below), or the client
         * that is still sending would see a reset instead of the 413. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > ctx->req.body_limit) {
            ctx->too_big = 1;
            const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
            if ((expect && !strcasecmp(expect, "100-continue")) ||
                strtoull(cl, NULL, 10) > DISCARD_LIMIT)
                return send_too_big(ctx);
            /* a client that stalls instead of sending is not waited for long */
            MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, DRAIN_TIMEOUT_S);
        }
        return MHD_YES; /* answer on a later call: see PITFALLS, keep-alive */
    }
    if (ctx->responded) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (ctx->too_big || ctx->body.len + *upload_data_size > ctx->req.body_limit) {
            /* Read and drop the rest before answering: closing a socket with
             * unread data resets it, and the client would never see the 413.
             * A client that keeps sending far past the limit is cut off. */
            ctx->too_big = 1;
            ctx->discarded += *upload_data_size;
            *upload_data_size = 0;
            if (ctx->discarded > DISCARD_LIMIT) return send_too_big(ctx);
            return MHD_YES;
        }
        sb_add(&ctx->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (ctx->too_big) return send_too_big(ctx);
    if (ctx->body.buf) {
        ctx->req.body = ctx->body.buf;
        ctx->req.body_len = ctx->body.len;
    }
    struct http_response res = {.status = 500};
    s->handler(s->app, &ctx->req, &res);
    if (!res.body) {
        res.body = "";
        res.body_len = 0;
    } else if (!res.body_len) {
        res.body_len = strlen(res.body);
    }
    return send_response(ctx, &res);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    struct http_server *s = cls;
    struct request_ctx *ctx = *con_cls;
    if (!ctx) return;
    if (!s->quiet) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        char ts[32];
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        /* One line per request; flockfile keeps lines whole across threads. */
        flockfile(stdout);
        printf("%s %s %s %s %s %d %zu %.1fms user=%s%s\n", ts, ctx->req.request_id,
               ctx->req.client_ip, ctx->req.method, ctx->req.path, ctx->responded ? ctx->status : 0,
               ctx->bytes_out, ms_since(&ctx->started), ctx->req.log_user ? ctx->req.log_user : "-",
               toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
        fflush(stdout);
        funlockfile(stdout);
    }
    sb_release(&ctx->body);
    arena_release(&ctx->arena);
    free(ctx);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

int http_server_start(const struct http_config *cfg, http_handler handler, http_begin begin,
                      void *app, struct http_server **out, struct err *e)
{
    *out = NULL;
    struct http_server *s = xcalloc(1, sizeof *s);
    s->handler = handler;
    s->begin = begin;
    s->app = app;
    s->quiet = cfg->quiet;
    s->trusted_proxy = cfg->trusted_proxy ? xstrdup(cfg->trusted_proxy) : NULL;
    unsigned char rnd[4];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(s->id_prefix, sizeof s->id_prefix, rnd, sizeof rnd);

    const char *addr = cfg->listen_addr ? cfg->listen_addr : "127.0.0.1";
    struct sockaddr_in sin = {0};
    struct sockaddr_in6 sin6 = {0};
    const struct sockaddr *sa;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC;
    if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons(cfg->port);
        sa = (const struct sockaddr *)&sin;
    } else if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(cfg->port);
        sa = (const struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        free(s->trusted_proxy);
        free(s);
        return err_set(e, REINS_EINVAL, "listen address '%s' is not an IPv4 or IPv6 address", addr);
    }
    s->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 4),
        MHD_OPTION_CONNECTION_LIMIT, cfg->connection_limit ? cfg->connection_limit : 512u,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout_s ? cfg->connection_timeout_s : 30u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        free(s->trusted_proxy);
        free(s);
        return err_set(e, REINS_EIO, "cannot listen on %s port %u (in use, or not allowed)", addr,
                       (unsigned)cfg->port);
    }
    *out = s;
    return 0;
}

uint16_t http_server_port(const struct http_server *s)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : 0;
}

void http_server_stop(struct http_server *s, int grace_ms)
{
    if (!s) return;
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET) close(fd);
    /* Requests already begun finish. A request a client sent on an open
     * connection just before the signal may not have been read yet: stop
     * only after no request has been in flight for a settling time, so it
     * is answered too. Idle keep-alive connections are not waited for. */
    int idle_ms = 0;
    for (int waited = 0; idle_ms < STOP_SETTLE_MS && waited < grace_ms; waited += 10) {
        idle_ms = atomic_load(&s->inflight) > 0 ? 0 : idle_ms + 10;
        usleep(10 * 1000);
    }
    MHD_stop_daemon(s->daemon);
    free(s->trusted_proxy);
    free(s);
}
