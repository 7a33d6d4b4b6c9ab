/* comp_big.c -- big arrays on transparent huge pages (see comp_big.h). */
#include "comp/comp_big.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "core/mem.h"

static void *map_huge(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, n, MADV_HUGEPAGE); /* a hint: without it the array still works */
#endif
    return p;
}

void *comp_big_alloc(size_t n)
{
    if (n < COMP_BIG_MIN) return xmalloc(n ? n : 1);
    void *p = map_huge(n);
    if (!p) { /* as xmalloc does: out of memory is not an error reins can act on */
        fprintf(stderr, "reins: out of memory allocating %zu bytes\n", n);
        abort();
    }
    return p;
}

void comp_big_free(void *p, size_t n)
{
    if (!p) return;
    if (n < COMP_BIG_MIN)
        free(p);
    else
        munmap(p, n);
}
