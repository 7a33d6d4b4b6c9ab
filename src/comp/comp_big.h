/* comp_big.h -- arrays of millions of credits, on huge pages where the kernel agrees.
 *
 * Ten million credits make arrays of hundreds of megabytes (the reader's credits and
 * strings, the engine's events) that are filled once and then read or written out of
 * order (scattered by person). With 4 KiB pages nearly every such access missed the TLB
 * and every 4 KiB was a page fault, which on a virtual machine can cost several
 * microseconds each; on the benchmark (bench/comp) asking for transparent huge pages
 * halved the engine's time and took a third off the whole command's CPU time. Below
 * COMP_BIG_MIN bytes these are plain malloc blocks. Sizes are in bytes and the caller
 * keeps them: free needs the size.
 */
#ifndef REINS_COMP_COMP_BIG_H
#define REINS_COMP_COMP_BIG_H

#include <stddef.h>

#define COMP_BIG_MIN ((size_t)4 << 20)

/* n bytes, uninitialised; aborts (as xmalloc does) when memory runs out. */
void *comp_big_alloc(size_t n);
/* Free p of n bytes; NULL does nothing. */
void comp_big_free(void *p, size_t n);
/* Ask for huge pages for [p, p + n) of a block from malloc or realloc, when it is at least
 * COMP_BIG_MIN bytes (the whole 2 MiB pages inside it; a hint, asked before its pages are
 * first written, and harmless to repeat after it grew). */
void comp_big_advise(void *p, size_t n);

#endif
