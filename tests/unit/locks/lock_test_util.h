/*
 * What the lock table's unit tests share: key hashes, a monotonic clock and
 * a waiter thread that takes one lock (kv_lock.h) and reports how it went.
 */
#ifndef LOCK_TEST_UTIL_H
#define LOCK_TEST_UTIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "alopex.h"
#include "kv/kv_lock.h"

/* The lock hash of the key "<prefix><n>". */
static inline uint64_t lock_test_hash(const char *prefix, int n)
{
	char k[48];
	int len = snprintf(k, sizeof(k), "%s%d", prefix, n);
	return alx_kv_lock_hash(
		(alopex_slice){(const uint8_t *)k, (size_t)len});
}

static inline int64_t lock_test_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A thread's request for lock h under w: rc and diag once done. */
struct lock_waiter {
	struct alx_kv_lockowner o;
	uint64_t h;
	struct alx_kv_wait w;
	int rc;
	atomic_bool started, done;
	alopex_diag diag;
};

/* pthread start routine; arg: a struct lock_waiter. */
static inline void *lock_waiter_main(void *arg)
{
	struct lock_waiter *x = arg;
	atomic_store(&x->started, true);
	x->rc = alx_kv_lock(&x->o, x->h, &x->w, &x->diag);
	atomic_store(&x->done, true);
	return NULL;
}

/*
 * Start x's thread on lock h of l, with a lock_timeout of 20 s (a missing
 * wakeup fails the test instead of hanging it), and give it time to go to
 * sleep: 0, or -1 when the thread could not be created.
 */
static inline int lock_waiter_start(struct lock_waiter *x,
				    struct alx_kv_locks *l, uint64_t h,
				    pthread_t *th)
{
	memset(x, 0, sizeof(*x));
	alx_kv_lockowner_init(&x->o, l);
	x->h = h;
	x->w.lock_deadline_us = lock_test_now_us() + 20000000;
	atomic_init(&x->started, false);
	atomic_init(&x->done, false);
	if (pthread_create(th, NULL, lock_waiter_main, x) != 0)
		return -1;
	/* started (a loaded machine may take a while), then asleep */
	for (int i = 0; i < 2000 && !atomic_load(&x->started); i++)
		usleep(10 * 1000);
	usleep(200 * 1000);
	return 0;
}

#endif
