/* backup.c -- a consistent online copy of the database. */
#include "store/store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

int store_backup(struct store *s, const char *path, struct err *e)
{
    if (s->kind != STORE_SQLITE)
        return err_set(e, REINS_EINVAL, "store_backup copies SQLite databases only");
    if (access(path, F_OK) == 0)
        return err_set(e, REINS_ECONFLICT, "backup: '%s' already exists; not overwriting it", path);
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, REINS_EIO, "backup: cannot create '%s': %s", path, sqlite3_errstr(rc));
        sqlite3_close(dst);
        return REINS_EIO;
    }
    /* One step copies every page under one read transaction: a consistent
     * snapshot even while servers write (WAL lets them go on). */
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", store_sqlite_handle(s), "main");
    if (!b) {
        err_set(e, REINS_ESTORE, "backup: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        unlink(path);
        return REINS_ESTORE;
    }
    rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        err_set(e, REINS_ESTORE, "backup: copy failed: %s", sqlite3_errstr(rc));
        sqlite3_close(dst);
        unlink(path);
        return REINS_ESTORE;
    }
    sqlite3_close(dst);
    return 0;
}
