/* comp_big.c -- big arrays on transparent huge pages (see comp_big.h). */
#include "comp/comp_big.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/mem.h"

#define HUGE_PAGE ((uintptr_t)2 << 20) /* x86-64's and arm64's (4 KiB granule) */

/* [*a, *b): the whole huge pages of [p, p + n); 0 when there are none. */
static int huge_inside(void *p, size_t n, uintptr_t *a, uintptr_t *b)
{
    *a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    *b = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
    return *b > *a;
}

static void advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    uintptr_t a, b;
    if (huge_inside(p, n, &a, &b)) madvise((void *)a, b - a, MADV_HUGEPAGE); /* a hint */
#else
    (void)p;
    (void)n;
#endif
}

/* n bytes mapped from a huge page boundary: mapped with a huge page to spare, the spare
 * unmapped again (kernels before 6.7 align big mappings to 4 KiB only). */
static void *map_huge(size_t n)
{
    size_t room = n + HUGE_PAGE;
    char *p = mmap(NULL, room, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    char *at = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
    size_t page = (size_t)sysconf(_SC_PAGESIZE), used = (n + page - 1) & ~(page - 1);
    if (at > p) munmap(p, (size_t)(at - p));
    if (p + room > at + used) munmap(at + used, (size_t)(p + room - (at + used)));
    advise_huge(at, n);
    return at;
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

void comp_big_advise(void *p, size_t n)
{
    if (p && n >= COMP_BIG_MIN) advise_huge(p, n);
}

void comp_big_free(void *p, size_t n)
{
    if (!p) return;
    if (n < COMP_BIG_MIN)
        free(p);
    else
        munmap(p, n);
}
