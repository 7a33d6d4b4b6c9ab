/* threads.h -- one function over several parts of a job, each on a thread of its own.
 *
 * The engines split work into parts whose results do not depend on which thread or in
 * what order they run (a forecast's blocks of trials, a payout run's parts of the
 * credits). threads_run runs part i as fn(args + i * size): part 0 on the caller's thread,
 * the others on new threads. A part whose thread could not be started runs on the
 * caller's thread after part 0, so the work is always done, only more slowly.
 */
#ifndef REINS_CORE_THREADS_H
#define REINS_CORE_THREADS_H

#include <stddef.h>

/* Threads for a job: `asked` when above 0, else one per online core; from 1 to `most`. */
int threads_count(int asked, int most);

/* fn on each of the n parts of args (size bytes apart); returns when all are done. */
void threads_run(int n, void *(*fn)(void *), void *args, size_t size);

/* The same for nparts parts on at most nthreads threads, each taking the next part not yet
 * taken until none is left: a thread the machine slows down takes fewer parts, where
 * threads_run would wait for its one part. Parts start in order (part 0 first). */
void threads_share(int nthreads, size_t nparts, void *(*fn)(void *), void *args, size_t size);

#endif
