/* out_file.c -- an output file that appears whole or not at all (see out_file.h). */
#include "cli/out_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* O_DIRECT wants buffer, offset and length in whole blocks of the device: 4096 is a
 * multiple of every common block size. */
enum { OUT_ALIGN = 4096 };

static void names_free(struct out_file *o)
{
    free(o->path);
    free(o->temp);
    o->path = o->temp = NULL;
}

/* The descriptor to write `path` through: standard output, a temporary file beside a
 * regular file (with its permissions), or the path itself. Sets o->temp and o->path. */
static int open_target(struct out_file *o, const char *path)
{
    if (!strcmp(path, "-")) return dup(STDOUT_FILENO);
    struct stat st;
    int exists = lstat(path, &st) == 0;
    if (!exists && errno != ENOENT) return -1;
    if (exists && S_ISLNK(st.st_mode)) { /* replace what it points to, not the link */
        o->path = realpath(path, NULL);
        if (o->path) exists = stat(o->path, &st) == 0;
    }
    if (!o->path && (o->path = strdup(path)) == NULL) return -1;
    if (exists && !S_ISREG(st.st_mode)) /* a device, a pipe, a dangling link */
        return open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    /* A name no one else uses, made with the mode a new file would get (the umask
     * applies); an existing file's mode is given to it before anything is written. */
    static atomic_uint seq;
    size_t n = strlen(o->path) + 48;
    if ((o->temp = malloc(n)) == NULL) return -1;
    int fd = -1;
    for (int tries = 0; tries < 100 && fd < 0; tries++) {
        snprintf(o->temp, n, "%s.tmp-%ld-%u", o->path, (long)getpid(), atomic_fetch_add(&seq, 1));
        fd = open(o->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? 0600 : 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd >= 0 && exists && fchmod(fd, st.st_mode & 07777) != 0) {
        int saved = errno;
        close(fd);
        unlink(o->temp);
        errno = saved;
        return -1;
    }
    return fd;
}

int out_open(struct out_file *o, const char *path)
{
    *o = (struct out_file){-1, 0, NULL, 0, NULL, NULL};
    void *buf;
    if (posix_memalign(&buf, OUT_ALIGN, OUT_FILE_BUF) != 0) {
        errno = ENOMEM;
        return -1;
    }
    o->fd = open_target(o, path);
    if (o->fd < 0) {
        int saved = errno;
        free(buf);
        names_free(o);
        o->fd = -1;
        errno = saved;
        return -1;
    }
    o->buf = buf;
    /* only a file of our own: standard output's open file is shared with the caller */
    struct stat st;
    int flags = fcntl(o->fd, F_GETFL);
    if (o->temp && fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode) && flags >= 0)
        o->direct = fcntl(o->fd, F_SETFL, flags | O_DIRECT) == 0;
    return 0;
}

/* O_DIRECT off: the writes from here on are plain ones. */
static void out_plain(struct out_file *o)
{
    int flags = fcntl(o->fd, F_GETFL);
    if (flags >= 0) fcntl(o->fd, F_SETFL, flags & ~O_DIRECT);
    o->direct = 0;
}

/* Write p[0, n) whole; a direct write the file system refuses is done again plainly. */
static int write_all(struct out_file *o, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EINVAL && o->direct) {
            out_plain(o);
            continue;
        }
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int out_write(struct out_file *o, const char *p, size_t n)
{
    while (n) {
        size_t room = OUT_FILE_BUF - o->len, k = n < room ? n : room;
        memcpy(o->buf + o->len, p, k);
        o->len += k;
        p += k;
        n -= k;
        if (o->len == OUT_FILE_BUF) { /* whole blocks, from an aligned buffer and offset */
            if (write_all(o, o->buf, o->len)) return -1;
            o->len = 0;
        }
    }
    return 0;
}

int out_close(struct out_file *o)
{
    if (o->fd < 0) return 0;
    size_t whole = o->len / OUT_ALIGN * OUT_ALIGN;
    int bad = write_all(o, o->buf, whole);
    if (!bad && o->len > whole) {
        if (o->direct) out_plain(o); /* a tail shorter than a block */
        bad = write_all(o, o->buf + whole, o->len - whole);
    }
    if (close(o->fd) != 0) bad = -1;
    free(o->buf);
    o->fd = -1;
    o->direct = 0;
    o->buf = NULL;
    o->len = 0;
    return bad ? -1 : 0;
}

int out_commit(struct out_file *o)
{
    int rc = 0;
    if (o->temp && rename(o->temp, o->path) != 0) {
        int saved = errno;
        unlink(o->temp);
        errno = saved;
        rc = -1;
    }
    names_free(o);
    return rc;
}

void out_discard(struct out_file *o)
{
    out_close(o);
    if (o->temp) unlink(o->temp);
    names_free(o);
}
