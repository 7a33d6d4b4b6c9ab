/* fresh_memory.c -- what this machine charges for memory the first time it is touched.
 *
 *   fresh_memory [MEGABYTES]   (default 512)
 *
 * On the VMs this benchmark ran on, the 10 M case's whole command spent a third to a half
 * of its CPU time in the kernel zeroing new pages, and how much that cost depended on the
 * host: memory the guest had held free for a few seconds had been handed back to it
 * (free page reporting) and cost several times more than memory a process had just freed
 * (README.md, eighth and ninth rounds). Without this number, a run on one machine cannot
 * be compared with a run on another. Writes MEGABYTES of new memory with 4 KiB pages and
 * as much again with transparent huge pages (both held, so both get memory nobody freed
 * just before), then unmaps both and writes huge pages again (memory just freed), then
 * that mapping a second time (no faults at all). Prints milliseconds per megabyte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define HUGE ((size_t)2 << 20)

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* n bytes of new anonymous memory starting on a huge page boundary; *base and *len are
 * what to unmap. */
static char *map_fresh(size_t n, int huge, void **base, size_t *len)
{
    *len = n + HUGE;
    *base = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (*base == MAP_FAILED) {
        perror("fresh_memory: mmap");
        exit(1);
    }
    char *p = (char *)(((size_t)*base + HUGE - 1) & ~(HUGE - 1));
#ifdef MADV_HUGEPAGE
    madvise(p, n, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
#else
    (void)huge;
#endif
    return p;
}

/* Write every byte of p[0, n) and return ms per megabyte. */
static double write_all(char *p, size_t n, int value)
{
    double t = now_ms();
    memset(p, value, n);
    __asm__ volatile("" : : "r"(p) : "memory"); /* the writes happen */
    return (now_ms() - t) / (double)(n >> 20);
}

int main(int argc, char **argv)
{
    long mb = argc > 1 ? strtol(argv[1], NULL, 10) : 512;
    if (mb < 2 || mb > 65536) {
        fprintf(stderr, "usage: fresh_memory [MEGABYTES, 2 to 65536]\n");
        return 2;
    }
    size_t n = (size_t)mb << 20;
    void *base, *base2;
    size_t len, len2;
    char *p = map_fresh(n, 0, &base, &len);
    double small = write_all(p, n, 1);
    p = map_fresh(n, 1, &base2, &len2);
    double huge = write_all(p, n, 2);
    munmap(base, len);
    munmap(base2, len2);
    p = map_fresh(n, 1, &base, &len);
    double again = write_all(p, n, 3);
    double rewrite = write_all(p, n, 4);
    munmap(base, len);
    printf("fresh memory, %ld MB: first touch %.2f ms/MB with 4 KiB pages, %.2f with huge "
           "pages, %.2f with huge pages just freed; writing touched memory %.2f ms/MB\n",
           mb, small, huge, again, rewrite);
    return 0;
}
