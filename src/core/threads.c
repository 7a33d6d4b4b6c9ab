/* threads.c -- one function over several parts of a job (see threads.h). */
#include "core/threads.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/mem.h"

int threads_count(int asked, int most)
{
    long n = asked > 0 ? asked : sysconf(_SC_NPROCESSORS_ONLN);
    if (n > most) n = most;
    return n < 1 ? 1 : (int)n;
}

void threads_run(int n, void *(*fn)(void *), void *args, size_t size)
{
    pthread_t *t = n > 1 ? xmalloc((size_t)n * sizeof *t) : NULL;
    int started = 1;
    for (; started < n; started++)
        if (pthread_create(&t[started], NULL, fn, (char *)args + (size_t)started * size)) break;
    fn(args);
    for (int i = started; i < n; i++) /* parts whose thread could not start */
        fn((char *)args + (size_t)i * size);
    for (int i = 1; i < started; i++)
        pthread_join(t[i], NULL);
    free(t);
}

struct share {
    void *(*fn)(void *);
    char *args;
    size_t size, nparts;
    atomic_size_t next;
};

static void *share_main(void *arg)
{
    struct share *sh = *(struct share **)arg;
    for (size_t i; (i = atomic_fetch_add(&sh->next, 1)) < sh->nparts;)
        sh->fn(sh->args + i * sh->size);
    return NULL;
}

void threads_share(int nthreads, size_t nparts, void *(*fn)(void *), void *args, size_t size)
{
    struct share sh = {fn, args, size, nparts, 0};
    if (nthreads < 1) nthreads = 1;
    if ((size_t)nthreads > nparts) nthreads = nparts ? (int)nparts : 1;
    struct share **arg = xmalloc((size_t)nthreads * sizeof *arg);
    for (int i = 0; i < nthreads; i++)
        arg[i] = &sh;
    threads_run(nthreads, share_main, arg, sizeof *arg);
    free(arg);
}
