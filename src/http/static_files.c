/* static_files.c -- the browser UI's files, served from one folder. */
#include "http/static_files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE ((off_t)4 << 20)

static const char PAGE_CSP[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

static const struct {
    const char *ext, *type;
} content_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
};

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *static_find_root(const char *flag)
{
    char found[PATH_MAX];
    if (flag && *flag) return realpath(flag, found) && is_dir(found) ? strdup(found) : NULL;
    const char *env = getenv("REINS_WEB");
    if (env && *env) return realpath(env, found) && is_dir(found) ? strdup(found) : NULL;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return NULL;
    *slash = '\0';
    static const char *const candidates[] = {"%s/../web", "%s/web", "%s/../share/reins/web"};
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, candidates[i], exe);
        if (realpath(path, found) && is_dir(found)) return strdup(found);
    }
    return NULL;
}

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof content_types / sizeof *content_types; i++)
        if (!strcmp(dot, content_types[i].ext)) return content_types[i].type;
    return "application/octet-stream";
}

/* Letters, digits, '-', '_', '.', '/', with no segment starting with a dot. */
static int safe_path(const char *p)
{
    if (*p != '/') return 0;
    for (const char *c = p; *c; c++) {
        if (*c == '/' && c[1] == '.') return 0;
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_' || *c == '.' || *c == '/'))
            return 0;
    }
    return strlen(p) < 256;
}

static void not_found(struct http_request *req, struct http_response *res)
{
    res->status = 404;
    res->body = arena_printf(
        req->arena, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such page: %s\"}}",
        safe_path(req->path) ? req->path : "(invalid path)");
}

void static_serve(const char *root, struct http_request *req, struct http_response *res)
{
    const char *rel = strcmp(req->path, "/") ? req->path : "/index.html";
    if (!safe_path(rel)) return not_found(req, res);
    char path[PATH_MAX], real[PATH_MAX];
    snprintf(path, sizeof path, "%s%s", root, rel);
    /* realpath resolves symlinks: what it gives must still be inside root */
    size_t rootlen = strlen(root);
    if (!realpath(path, real) || strncmp(real, root, rootlen) || real[rootlen] != '/')
        return not_found(req, res);
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
        if (fd >= 0) close(fd);
        return not_found(req, res);
    }
    char *etag = arena_printf(req->arena, "\"%llx-%llx\"", (unsigned long long)st.st_mtime,
                              (unsigned long long)st.st_size);
    http_add_header(res, "ETag", etag);
    http_add_header(res, "Cache-Control", "no-cache");
    const char *type = content_type(real);
    if (!strncmp(type, "text/html", 9)) http_add_header(res, "Content-Security-Policy", PAGE_CSP);
    res->content_type = type;
    const char *inm = http_header(req, "If-None-Match");
    if (inm && !strcmp(inm, etag)) {
        close(fd);
        res->status = 304;
        res->body = NULL;
        return;
    }
    char *buf = arena_alloc(req->arena, (size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    close(fd);
    res->status = 200;
    res->body = buf;
    res->body_len = got;
}
