/* out_file.c -- a big output file written past the page cache (see out_file.h). */
#include "cli/out_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* O_DIRECT wants buffer, offset and length in whole blocks of the device: 4096 is a
 * multiple of every common block size. */
enum { OUT_ALIGN = 4096 };

int out_open(struct out_file *o, const char *path)
{
    *o = (struct out_file){-1, 0, NULL, 0};
    void *buf;
    if (posix_memalign(&buf, OUT_ALIGN, OUT_FILE_BUF) != 0) {
        errno = ENOMEM;
        return -1;
    }
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (o->fd < 0) {
        int saved = errno;
        free(buf);
        errno = saved;
        return -1;
    }
    o->buf = buf;
    struct stat st;
    int flags = fcntl(o->fd, F_GETFL);
    if (fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode) && flags >= 0)
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
    *o = (struct out_file){-1, 0, NULL, 0};
    return bad ? -1 : 0;
}
