/* The fault-injecting allocator of the runtime tests. */
#include "runtime_tests.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct test_alloc state;

void test_alloc_reset(long fail_at)
{
	pthread_mutex_lock(&lock);
	state.fail_at = fail_at;
	state.calls = 0;
	state.live = 0;
	pthread_mutex_unlock(&lock);
}

void test_alloc_fail_at(long fail_at)
{
	pthread_mutex_lock(&lock);
	state.fail_at = fail_at;
	pthread_mutex_unlock(&lock);
}

long test_alloc_calls(void)
{
	pthread_mutex_lock(&lock);
	long n = state.calls;
	pthread_mutex_unlock(&lock);
	return n;
}

long test_alloc_live(void)
{
	pthread_mutex_lock(&lock);
	long n = state.live;
	pthread_mutex_unlock(&lock);
	return n;
}

/* Counts one allocation; returns 0 when this one must fail. */
static int take_one(void)
{
	pthread_mutex_lock(&lock);
	int ok = ++state.calls != state.fail_at;
	pthread_mutex_unlock(&lock);
	return ok;
}

static void adjust_live(long delta)
{
	pthread_mutex_lock(&lock);
	state.live += delta;
	pthread_mutex_unlock(&lock);
}

static void *t_malloc(void *ctx, size_t size)
{
	if (!take_one())
		return NULL;
	void *p = malloc(size);
	if (p != NULL)
		adjust_live(1);
	return p;
}

static void *t_realloc(void *ctx, void *ptr, size_t size)
{
	if (!take_one())
		return NULL;
	void *p = realloc(ptr, size);
	if (p != NULL && ptr == NULL)
		adjust_live(1);
	return p;
}

static void t_free(void *ctx, void *ptr)
{
	if (ptr != NULL)
		adjust_live(-1);
	free(ptr);
}

const alopex_allocator test_allocator = {t_malloc, t_realloc, t_free, NULL};

void test_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}
