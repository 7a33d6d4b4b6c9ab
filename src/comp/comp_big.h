/* comp_big.h -- arrays of millions of credits, on huge pages where the kernel agrees.
 *
 * Ten million credits make arrays of hundreds of megabytes (the engine's events) that are
 * filled once
 * and then read or written out of order (scattered by person). With 4 KiB pages
 * nearly every such access missed the TLB and every 4 KiB was a page fault; on
 * the benchmark (bench/comp) asking for transparent huge pages halved the
 * engine's time. Below COMP_BIG_MIN bytes these are plain malloc blocks. Sizes
 * are in bytes and the caller keeps them: free needs the size. (The reader's
 * credits array, grown by doubling while the file is read, was slower on huge
 * pages: see bench/comp/README.md.)
 */
#ifndef REINS_COMP_COMP_BIG_H
#define REINS_COMP_COMP_BIG_H

#include <stddef.h>

#define COMP_BIG_MIN ((size_t)4 << 20)

/* n bytes, uninitialised; aborts (as xmalloc does) when memory runs out. */
void *comp_big_alloc(size_t n);
/* Free p of n bytes; NULL does nothing. */
void comp_big_free(void *p, size_t n);

#endif
