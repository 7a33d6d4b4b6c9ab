/* out_file.h -- an output file that appears whole or not at all, written past the page cache.
 *
 * `reins comp calc` writes hundreds of megabytes of explained lines. Two things matter:
 *
 * - A run that fails half-way must not leave a file that looks like a result, nor destroy
 *   the one a run before wrote. A regular file (or a new one) is written under a
 *   temporary name beside it and renamed into place by out_commit, keeping the old
 *   file's permissions (payroll figures are often readable by their owner only).
 *   "-" is standard output; anything else that is not a regular file (a device, a pipe,
 *   a symbolic link) is written where it is.
 * - The file is written once and never read back. Where the file system takes it, a
 *   regular file is written with O_DIRECT: the disk reads the bytes from this buffer and
 *   the kernel copies nothing into its page cache (copying the benchmark's 304 MB into new
 *   page-cache pages took 0.3 to 1.3 s of CPU on the test machine; see
 *   bench/comp/README.md). Whole blocks go out from an aligned buffer, the tail with
 *   O_DIRECT cleared. Where O_DIRECT is refused, the writes are plain ones: the bytes are
 *   the same.
 *
 * Use: out_open, out_write..., out_close, then out_commit when the whole run succeeded or
 * out_discard when it did not (either also after a failed out_open or out_close).
 */
#ifndef REINS_CLI_OUT_FILE_H
#define REINS_CLI_OUT_FILE_H

#include <stddef.h>

struct out_file {
    int fd;     /* -1 when closed */
    int direct; /* O_DIRECT is set on fd */
    char *buf;  /* OUT_FILE_BUF bytes, aligned for O_DIRECT */
    size_t len;
    char *path; /* where the file goes */
    char *temp; /* the file written, renamed to path by out_commit; NULL: written in place */
};

#define OUT_FILE_BUF ((size_t)4 << 20)

/* Start writing `path` ("-": standard output); returns 0, or -1 with errno set (o->fd
 * stays -1). */
int out_open(struct out_file *o, const char *path);
/* Append p[0, n); returns 0, or -1 when a write failed (errno set). */
int out_write(struct out_file *o, const char *p, size_t n);
/* Write what is left and close; returns 0, or -1 when a write or the close failed. Always
 * releases the descriptor and the buffer; a closed o may be closed again. */
int out_close(struct out_file *o);
/* Put the closed file in its place; returns 0, or -1 with errno set (the temporary file
 * is then removed). Releases o. */
int out_commit(struct out_file *o);
/* Close o if open and remove what it wrote under a temporary name: the file at its path
 * stays as it was. Releases o. */
void out_discard(struct out_file *o);

#endif
