/* err.c -- errors as values. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int err_vset(struct err *e, int code, const char *field, const char *fmt, va_list ap)
{
    if (!e) return code;
    e->code = code;
    e->field = field;
    e->line = 0;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return code;
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, code, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int err_field(struct err *e, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, code, field, fmt, ap);
    va_end(ap);
    return code;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
    if (!e) return REINS_EINTERNAL;
    char old[sizeof e->msg];
    memcpy(old, e->msg, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof e->msg) {
        size_t room = sizeof e->msg - (size_t)n - 1, len = strnlen(old, sizeof old - 1);
        if (len > room) len = room;
        memcpy(e->msg + n, old, len);
        e->msg[(size_t)n + len] = '\0';
    }
    return e->code;
}

void err_clear(struct err *e)
{
    if (!e) return;
    e->code = 0;
    e->field = NULL;
    e->line = 0;
    e->msg[0] = '\0';
}

const char *err_code_name(int code)
{
    switch (code) {
    case REINS_OK:
        return "ok";
    case REINS_EINVAL:
        return "invalid";
    case REINS_ENOTFOUND:
        return "not_found";
    case REINS_EFORBIDDEN:
        return "forbidden";
    case REINS_EAUTH:
        return "unauthorized";
    case REINS_ECONFLICT:
        return "conflict";
    case REINS_ESTORE:
        return "storage";
    case REINS_EIO:
        return "io";
    case REINS_ETOOBIG:
        return "too_large";
    case REINS_ERATE:
        return "rate_limited";
    case REINS_EVERSION:
        return "schema_too_new";
    default:
        return "internal";
    }
}
