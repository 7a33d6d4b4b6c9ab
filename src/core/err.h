/* err.h -- errors as values: a code for the program, a message for the user.
 *
 * Functions that can fail return 0 on success or a negative REINS_E* code, and
 * fill a caller-owned `struct err` with a message that names what and where
 * ("people.csv line 14: field manager_email: 'x@y' is not a known person").
 * The HTTP layer maps codes to statuses; the CLI prints the message.
 */
#ifndef REINS_CORE_ERR_H
#define REINS_CORE_ERR_H

#include <stddef.h>

enum reins_errcode {
    REINS_OK = 0,
    REINS_EINVAL = -1,     /* bad input from the caller: 400 */
    REINS_ENOTFOUND = -2,  /* no such thing (or not visible): 404 */
    REINS_EFORBIDDEN = -3, /* known caller, not allowed: 403 */
    REINS_EAUTH = -4,      /* not logged in or bad credentials: 401 */
    REINS_ECONFLICT = -5,  /* clashes with existing data (duplicate email): 409 */
    REINS_ESTORE = -6,     /* the database failed: 500 */
    REINS_EIO = -7,        /* a file or socket failed: 500 */
    REINS_ETOOBIG = -8,    /* over a size limit: 413 */
    REINS_ERATE = -9,      /* too many attempts: 429 */
    REINS_EVERSION = -10,  /* database schema is newer than this binary */
    REINS_EINTERNAL = -11  /* a bug: 500 */
};

struct err {
    int code;          /* one of enum reins_errcode, 0 when no error is set */
    const char *field; /* the offending input field, or NULL; static string */
    size_t line;       /* the offending line of an input file, 0 when none */
    char msg[512];
};

/* Set `e` (if not NULL) to `code` and a printf-style message; returns `code`
 * so callers can write `return err_set(e, REINS_EINVAL, "...")`. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like err_set, also naming the input field the error is about. */
int err_field(struct err *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prefix the message already in `e` with a formatted context ("people.csv line 3: ").
 * Returns e->code. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void err_clear(struct err *e);

/* A short machine-readable name for a code ("invalid", "not_found", ...). */
const char *err_code_name(int code);

#endif
