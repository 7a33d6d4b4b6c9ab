/* cmd_serve.c -- reins serve: the HTTP server, until SIGTERM or SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "cli/cli.h"
#include "core/text.h"
#include "http/server.h"
#include "http/static_files.h"
#include "store/migrate.h"

/* "ADDR:PORT", "[IPv6]:PORT" or ":PORT" into a literal address and a port. */
static int parse_listen(const char *s, char *addr, size_t cap, uint16_t *port)
{
    const char *colon = strrchr(s, ':');
    int64_t p;
    if (!colon || parse_int64(colon + 1, &p) < 0 || p < 0 || p > 65535) return -1;
    const char *a = s;
    size_t n = (size_t)(colon - s);
    if (n >= 2 && a[0] == '[' && a[n - 1] == ']') {
        a++;
        n -= 2;
    }
    if (n == 0) {
        a = "127.0.0.1";
        n = strlen(a);
    }
    if (n >= cap) return -1;
    memcpy(addr, a, n);
    addr[n] = '\0';
    *port = (uint16_t)p;
    return 0;
}

int cmd_serve(int argc, char **argv, const char *db_url)
{
    struct opt opts[] = {
        {"listen", 1},   {"threads", 1}, {"quiet", 0},         {"cookie-secure", 0},
        {"max-body", 1}, {"web", 1},     {"trusted-proxy", 1}, {"secret-file", 1}, {0}};
    int help;
    if (opt_parse(argc, argv, opts, NULL, 0, &help) < 0) return 2;
    if (help) {
        printf("usage: reins [--db URL] serve [--listen ADDR:PORT] [--threads N] [--quiet]\n"
               "                              [--cookie-secure] [--max-body BYTES] [--web DIR]\n"
               "                              [--trusted-proxy IP] [--secret-file PATH]\n\n"
               "Serve the JSON API under /api/v1 (see docs/api.md) and the browser UI at /.\n"
               "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0 picks a\n"
               "                      free one; [::1]:8080 for IPv6)\n"
               "  --threads N         worker threads, and database connections (default 4)\n"
               "  --quiet             no access log on stdout\n"
               "  --cookie-secure     mark the session cookie Secure (behind HTTPS)\n"
               "  --max-body BYTES    largest request body (default 1048576; imports 16 MiB)\n"
               "  --trusted-proxy IP  a load balancer: its requests count as coming from the\n"
               "                      last address of X-Forwarded-For\n"
               "  --web DIR           the browser UI's folder (default: REINS_WEB, else web/\n"
               "                      beside or above the binary)\n"
               "  --secret-file PATH  the secret that keeps survey participation apart from the\n"
               "                      database (default REINS_SECRET_FILE, else DB.secret beside\n"
               "                      a SQLite file, ./reins.secret for PostgreSQL); created if\n"
               "                      absent; every server of one database needs the same one\n"
               "Stops on SIGTERM or SIGINT after finishing the requests in flight.\n");
        return 0;
    }
    char addr[64];
    uint16_t port;
    const char *listen = opt_get(opts, "listen") ? opt_get(opts, "listen") : "127.0.0.1:8080";
    if (parse_listen(listen, addr, sizeof addr, &port) < 0) {
        fprintf(stderr, "reins: --listen '%s' is not ADDR:PORT\n", listen);
        return 2;
    }
    int64_t threads = 4, max_body = 0;
    if (opt_get(opts, "threads") &&
        (parse_int64(opt_get(opts, "threads"), &threads) < 0 || threads < 1 || threads > 256)) {
        fprintf(stderr, "reins: --threads must be a number from 1 to 256\n");
        return 2;
    }
    if (opt_get(opts, "max-body") &&
        (parse_int64(opt_get(opts, "max-body"), &max_body) < 0 || max_body < 1024)) {
        fprintf(stderr, "reins: --max-body must be a number of bytes, at least 1024\n");
        return 2;
    }

    /* Migrate once, before any connection of the pool serves a request. */
    struct store *db;
    if (cli_open_db(db_url, &db)) return 1;
    if (cli_load_secret(opt_get(opts, "secret-file"), db_url, db)) {
        store_close(db);
        return 1;
    }
    struct api api = {.db_kind = store_kind(db) == STORE_SQLITE ? "sqlite" : "postgresql"};
    store_close(db);
    char *web_root = static_find_root(opt_get(opts, "web"));
    if (!web_root && opt_get(opts, "web")) {
        fprintf(stderr, "reins: --web %s is not a folder\n", opt_get(opts, "web"));
        return 2;
    }
    if (!web_root) fprintf(stderr, "reins: no web/ folder found: serving the API only\n");
    api.web_root = web_root;
    api.cfg.cookie_secure = opt_get(opts, "cookie-secure") != NULL;
    api.cfg.body_limit = (size_t)max_body;
    struct err e = {0};
    if (store_pool_new(db_url, (int)threads, &api.pool, &e) < 0) {
        free(web_root);
        return cli_fail(&e);
    }

    /* Signals go to this thread's sigwait, not to a server thread: block them
     * before the server starts its threads, which inherit the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct http_config cfg = {.listen_addr = addr,
                              .port = port,
                              .threads = (int)threads,
                              .quiet = opt_get(opts, "quiet") != NULL,
                              .trusted_proxy = opt_get(opts, "trusted-proxy")};
    struct http_server *srv;
    if (http_server_start(&cfg, api_handle, api_begin, &api, &srv, &e) < 0) {
        store_pool_free(api.pool);
        free(web_root);
        return cli_fail(&e);
    }
    int ipv6 = strchr(addr, ':') != NULL;
    printf("reins: listening on http://%s%s%s:%u\n", ipv6 ? "[" : "", addr, ipv6 ? "]" : "",
           (unsigned)http_server_port(srv));
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "reins: %s received, finishing requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    http_server_stop(srv, 10000);
    store_pool_free(api.pool);
    free(web_root);
    fprintf(stderr, "reins: stopped\n");
    return 0;
}
