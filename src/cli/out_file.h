/* out_file.h -- a big output file written past the page cache.
 *
 * `reins comp calc` writes hundreds of megabytes of explained lines once and never reads
 * them back. Where the file system takes it, such a file is written with O_DIRECT: the
 * disk reads the bytes from this buffer and the kernel copies nothing into its page cache
 * (copying the benchmark's 304 MB into new page-cache pages took 0.3 to 1.3 s of CPU on
 * the test machine; see bench/comp/README.md). Whole blocks go out from an aligned buffer,
 * the tail with O_DIRECT cleared. Where O_DIRECT is refused (a file system without it, a
 * pipe, a device), or a direct write is, the writes are plain ones: the bytes are the same.
 */
#ifndef REINS_CLI_OUT_FILE_H
#define REINS_CLI_OUT_FILE_H

#include <stddef.h>

struct out_file {
    int fd;     /* -1 when closed */
    int direct; /* O_DIRECT is set on fd */
    char *buf;  /* OUT_FILE_BUF bytes, aligned for O_DIRECT */
    size_t len;
};

#define OUT_FILE_BUF ((size_t)4 << 20)

/* Create or truncate `path`; returns 0, or -1 with errno set (o->fd stays -1). */
int out_open(struct out_file *o, const char *path);
/* Append p[0, n); returns 0, or -1 when a write failed (errno set). */
int out_write(struct out_file *o, const char *p, size_t n);
/* Write what is left and close; returns 0, or -1 when a write or the close failed. Always
 * releases the file and the buffer; a closed o may be closed again. */
int out_close(struct out_file *o);

#endif
