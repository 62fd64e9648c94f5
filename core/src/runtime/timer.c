/*
 * Periodic timers on one thread per runtime. The thread starts with the
 * first timer and sleeps on a CLOCK_MONOTONIC condition variable until the
 * earliest deadline, so wall-clock jumps neither fire nor stall timers.
 *
 * Callbacks run without the lock held, one at a time. Cancelling:
 *  - from another thread: unlink the timer, wait until its callback (if
 *    running) returns, free it; it never runs again;
 *  - from inside its own callback: waiting would deadlock, so the timer is
 *    only unlinked and marked; the timer thread frees it when the callback
 *    returns, and it never runs again. The handle must not be used after
 *    the cancel call either way.
 */
#include "alx_runtime.h"
#include "runtime_internal.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

struct alopex_timer {
	struct alopex_timer *next;
	uint64_t interval_ns;
	uint64_t due_ns; /* CLOCK_MONOTONIC */
	alopex_timer_fn fn;
	void *arg;
	int linked;	    /* in the list: runs again */
	int free_after_run; /* cancelled by its own callback */
};

#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull
/* Longer intervals would overflow the nanosecond clock arithmetic. */
#define MAX_INTERVAL_MS (UINT64_MAX / 4 / NS_PER_MS)

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

int alx_timers_init(struct alx_timers *t)
{
	pthread_condattr_t attr;
	int mutex_ok = 0, wake_ok = 0;

	*t = (struct alx_timers){0};
	if (pthread_condattr_init(&attr) != 0)
		return ALOPEX_ENOMEM;
	if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0)
		goto fail;
	if (pthread_mutex_init(&t->lock, NULL) != 0)
		goto fail;
	mutex_ok = 1;
	if (pthread_cond_init(&t->wake, &attr) != 0)
		goto fail;
	wake_ok = 1;
	if (pthread_cond_init(&t->done, &attr) != 0)
		goto fail;
	pthread_condattr_destroy(&attr);
	return 0;

fail:
	if (wake_ok)
		pthread_cond_destroy(&t->wake);
	if (mutex_ok)
		pthread_mutex_destroy(&t->lock);
	pthread_condattr_destroy(&attr);
	return ALOPEX_ENOMEM;
}

static void unlink_timer(struct alx_timers *t, struct alopex_timer *timer)
{
	for (struct alopex_timer **p = &t->list; *p != NULL; p = &(*p)->next) {
		if (*p == timer) {
			*p = timer->next;
			timer->next = NULL;
			timer->linked = 0;
			return;
		}
	}
}

static void *timer_thread(void *arg)
{
	struct alx_runtime *rt = arg;
	struct alx_timers *t = &rt->timers;

	pthread_mutex_lock(&t->lock);
	while (!t->stopping) {
		struct alopex_timer *next = NULL;
		for (struct alopex_timer *i = t->list; i != NULL; i = i->next)
			if (next == NULL || i->due_ns < next->due_ns)
				next = i;
		if (next == NULL) {
			pthread_cond_wait(&t->wake, &t->lock);
			continue;
		}
		uint64_t now = now_ns();
		if (now < next->due_ns) {
			struct timespec until = {
				.tv_sec = (time_t)(next->due_ns / NS_PER_S),
				.tv_nsec = (long)(next->due_ns % NS_PER_S),
			};
			pthread_cond_timedwait(&t->wake, &t->lock, &until);
			continue; /* the list may have changed meanwhile */
		}

		t->running = next;
		pthread_mutex_unlock(&t->lock);
		next->fn(next->arg);
		pthread_mutex_lock(&t->lock);
		t->running = NULL;

		if (next->free_after_run) {
			alx_free(rt, next);
		} else if (next->linked) {
			/* Periodic from the deadline, but a late run does not
			 * cause a burst of catch-up runs. */
			now = now_ns();
			next->due_ns += next->interval_ns;
			if (next->due_ns <= now)
				next->due_ns = now + next->interval_ns;
		}
		pthread_cond_broadcast(&t->done);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* Called with the lock held. */
static int start_thread(struct alx_runtime *rt)
{
	struct alx_timers *t = &rt->timers;
	sigset_t all, old;

	/* Signals belong to the application's threads, not to ours. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(&t->thread, NULL, timer_thread, rt);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0)
		return err == EAGAIN ? ALOPEX_ENOMEM : ALOPEX_EINTERNAL;
	t->started = 1;
	return 0;
}

int alx_timer_add(struct alx_runtime *rt, uint64_t interval_ms,
		  alopex_timer_fn fn, void *arg, alopex_timer **out)
{
	struct alx_timers *t = &rt->timers;
	int rc = 0;

	if (fn == NULL || interval_ms == 0)
		return ALOPEX_EINVAL;
	if (interval_ms > MAX_INTERVAL_MS)
		return ALOPEX_ERANGE;
	struct alopex_timer *timer = alx_calloc(rt, 1, sizeof(*timer));
	if (timer == NULL)
		return ALOPEX_ENOMEM;
	timer->interval_ns = interval_ms * NS_PER_MS;
	timer->due_ns = now_ns() + timer->interval_ns;
	timer->fn = fn;
	timer->arg = arg;

	pthread_mutex_lock(&t->lock);
	if (t->stopping) {
		rc = ALOPEX_EMISUSE;
		goto fail;
	}
	if (!t->started && (rc = start_thread(rt)) != 0)
		goto fail;
	timer->next = t->list;
	timer->linked = 1;
	t->list = timer;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	if (out != NULL)
		*out = timer;
	return 0;

fail:
	pthread_mutex_unlock(&t->lock);
	alx_free(rt, timer);
	return rc;
}

void alx_timer_cancel(struct alx_runtime *rt, alopex_timer *timer)
{
	if (rt == NULL || timer == NULL)
		return;
	struct alx_timers *t = &rt->timers;

	pthread_mutex_lock(&t->lock);
	unlink_timer(t, timer);
	if (t->running == timer) {
		if (t->started && pthread_equal(pthread_self(), t->thread)) {
			/* Inside its own callback: see the file comment. */
			timer->free_after_run = 1;
			pthread_mutex_unlock(&t->lock);
			return;
		}
		while (t->running == timer)
			pthread_cond_wait(&t->done, &t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	alx_free(rt, timer);
}

void alx_timers_fini(struct alx_runtime *rt)
{
	struct alx_timers *t = &rt->timers;

	pthread_mutex_lock(&t->lock);
	t->stopping = 1;
	pthread_cond_broadcast(&t->wake);
	pthread_mutex_unlock(&t->lock);
	/* Joining waits for a running callback; nothing runs after this. */
	if (t->started)
		pthread_join(t->thread, NULL);
	while (t->list != NULL) {
		struct alopex_timer *timer = t->list;
		t->list = timer->next;
		alx_free(rt, timer);
	}
	pthread_cond_destroy(&t->done);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
}
