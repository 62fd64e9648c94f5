/*
 * Runtime internals shared by the files of core/src/runtime only: the
 * runtime object itself, the timer thread's state and the registry entry
 * point the loader uses. Nothing outside this directory includes it.
 */
#ifndef ALX_RUNTIME_INTERNAL_H
#define ALX_RUNTIME_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "alx_registry.h"
#include "alx_runtime.h"

/* One thread per runtime runs every timer, started on the first add. */
struct alx_timers {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* CLOCK_MONOTONIC: list changed or stop */
	pthread_cond_t done; /* a callback returned */
	pthread_t thread;
	int started;
	int stopping;
	struct alopex_timer *list;    /* unordered; few timers per runtime */
	struct alopex_timer *running; /* whose callback runs now, or NULL */
};

struct alx_runtime {
	alopex_allocator alloc; /* the caller's, or libc wrappers */
	alopex_log_fn log_fn;	/* NULL: stderr */
	void *log_arg;
	atomic_int log_level;
	pthread_mutex_t log_lock; /* one entry at a time, whatever the sink */
	struct alopex_host host;
	struct alx_timers timers;
	struct alx_registry *registry;
};

int alx_timers_init(struct alx_timers *t);
/* Stops the thread (if started) and frees every timer left. */
void alx_timers_fini(struct alx_runtime *rt);

/*
 * alx_registry_add for a descriptor that came from a dlopen'ed `handle`:
 * on success the registry owns the handle (dlclose'd on destroy); on
 * failure the caller still does.
 */
int alx_registry_add_handle(struct alx_registry *reg,
			    const struct alopex_plugin *p, const char *origin,
			    void *handle, alopex_diag *diag);
struct alx_runtime *alx_registry_runtime(const struct alx_registry *reg);

#endif
