/*
 * Timers: periodic firing, cancel waiting for a running callback, cancel
 * from inside the timer's own callback, and runtime destroy with timers
 * still armed. Every wait is bounded (WAIT_MS).
 */
#include "runtime/alx_runtime.h"
#include "runtime_tests.h"

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define WAIT_MS 5000

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait until *v >= want or WAIT_MS passed; returns the last value. */
static int wait_for(atomic_int *v, int want)
{
	uint64_t until = mono_ms() + WAIT_MS;
	while (atomic_load(v) < want && mono_ms() < until)
		test_sleep_ms(1);
	return atomic_load(v);
}

static struct alx_runtime *new_runtime(void)
{
	alopex_open_options o = {
		.size = sizeof(o),
		.allocator = &test_allocator,
		.log_level = ALOPEX_LOG_ERROR,
	};
	struct alx_runtime *rt = NULL;
	alopex_diag d;
	test_alloc_reset(0);
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(&o, &rt, &d), 0);
	return rt;
}

static void count_tick(void *arg)
{
	atomic_fetch_add((atomic_int *)arg, 1);
}

static void test_fires_repeatedly(void)
{
	struct alx_runtime *rt = new_runtime();
	atomic_int n = 0;
	alopex_timer *t = NULL;
	uint64_t start = mono_ms();
	CU_ASSERT_EQUAL_FATAL(alx_timer_add(rt, 5, count_tick, &n, &t), 0);
	CU_ASSERT_PTR_NOT_NULL(t);
	CU_ASSERT_TRUE(wait_for(&n, 5) >= 5);
	/* Five runs 5 ms apart cannot take less than 25 ms. */
	CU_ASSERT_TRUE(mono_ms() - start >= 24);
	alx_timer_cancel(rt, t);
	int after = atomic_load(&n);
	test_sleep_ms(30);
	CU_ASSERT_EQUAL(atomic_load(&n), after);
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(test_alloc_live(), 0);
}

struct slow {
	atomic_int started;
	atomic_int finished;
	atomic_int runs;
};

static void slow_tick(void *arg)
{
	struct slow *s = arg;
	atomic_fetch_add(&s->runs, 1);
	atomic_store(&s->started, 1);
	test_sleep_ms(100);
	atomic_store(&s->finished, 1);
}

static void test_cancel_waits(void)
{
	struct alx_runtime *rt = new_runtime();
	struct slow s = {0};
	alopex_timer *t = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_timer_add(rt, 1, slow_tick, &s, &t), 0);
	CU_ASSERT_EQUAL_FATAL(wait_for(&s.started, 1), 1);
	/* The callback is sleeping now; cancel must wait for it. */
	alx_timer_cancel(rt, t);
	CU_ASSERT_EQUAL(atomic_load(&s.finished), 1);
	int runs = atomic_load(&s.runs);
	test_sleep_ms(20);
	CU_ASSERT_EQUAL(atomic_load(&s.runs), runs);
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(test_alloc_live(), 0);
}

struct self_cancel {
	struct alx_runtime *rt;
	_Atomic(alopex_timer *) self;
	atomic_int runs;
	atomic_int cancelled;
};

static void self_cancel_tick(void *arg)
{
	struct self_cancel *s = arg;
	int n = atomic_fetch_add(&s->runs, 1) + 1;
	alopex_timer *self = atomic_load(&s->self);
	if (n >= 3 && self != NULL && !atomic_load(&s->cancelled)) {
		alx_timer_cancel(s->rt, self); /* must not deadlock */
		atomic_store(&s->cancelled, 1);
	}
}

static void test_cancel_in_own_callback(void)
{
	struct alx_runtime *rt = new_runtime();
	struct self_cancel s = {.rt = rt};
	atomic_int other = 0;
	alopex_timer *t = NULL, *o = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_timer_add(rt, 5, self_cancel_tick, &s, &t),
			      0);
	atomic_store(&s.self, t);
	CU_ASSERT_EQUAL_FATAL(alx_timer_add(rt, 2, count_tick, &other, &o), 0);
	CU_ASSERT_EQUAL_FATAL(wait_for(&s.cancelled, 1), 1);
	int runs = atomic_load(&s.runs);
	/* It never runs again, and the thread keeps serving other timers. */
	int before = atomic_load(&other);
	CU_ASSERT_TRUE(wait_for(&other, before + 5) >= before + 5);
	CU_ASSERT_EQUAL(atomic_load(&s.runs), runs);
	alx_timer_cancel(rt, o);
	alx_runtime_destroy(rt);
	/* The self-cancelled timer was freed by the timer thread. */
	CU_ASSERT_EQUAL(test_alloc_live(), 0);
}

struct canceller {
	struct alx_runtime *rt;
	_Atomic(alopex_timer *) victim;
	atomic_int done;
};

static void cancel_other_tick(void *arg)
{
	struct canceller *c = arg;
	alopex_timer *v = atomic_exchange(&c->victim, NULL);
	if (v != NULL) {
		alx_timer_cancel(c->rt, v);
		atomic_store(&c->done, 1);
	}
}

static void test_cancel_other_from_callback(void)
{
	struct alx_runtime *rt = new_runtime();
	atomic_int victim_runs = 0;
	struct canceller c = {.rt = rt};
	alopex_timer *v = NULL, *k = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alx_timer_add(rt, 1, count_tick, &victim_runs, &v), 0);
	CU_ASSERT_TRUE(wait_for(&victim_runs, 2) >= 2);
	atomic_store(&c.victim, v);
	CU_ASSERT_EQUAL_FATAL(alx_timer_add(rt, 3, cancel_other_tick, &c, &k),
			      0);
	CU_ASSERT_EQUAL_FATAL(wait_for(&c.done, 1), 1);
	int runs = atomic_load(&victim_runs);
	test_sleep_ms(20);
	CU_ASSERT_EQUAL(atomic_load(&victim_runs), runs);
	alx_timer_cancel(rt, k);
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(test_alloc_live(), 0);
}

static void test_destroy_with_armed_timers(void)
{
	struct alx_runtime *rt = new_runtime();
	atomic_int a = 0, b = 0;
	struct slow s = {0};
	CU_ASSERT_EQUAL(alx_timer_add(rt, 1, count_tick, &a, NULL), 0);
	CU_ASSERT_EQUAL(alx_timer_add(rt, 1000000, count_tick, &b, NULL), 0);
	CU_ASSERT_EQUAL(alx_timer_add(rt, 2, slow_tick, &s, NULL), 0);
	CU_ASSERT_TRUE(wait_for(&s.started, 1) >= 1);
	/* Destroy waits for the running callback, then frees everything. */
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(atomic_load(&s.finished), 1);
	CU_ASSERT_EQUAL(atomic_load(&b), 0);
	int n = atomic_load(&a);
	test_sleep_ms(10);
	CU_ASSERT_EQUAL(atomic_load(&a), n);
	CU_ASSERT_EQUAL(test_alloc_live(), 0);
}

static void test_add_errors(void)
{
	struct alx_runtime *rt = new_runtime();
	atomic_int n = 0;
	alopex_timer *t = (alopex_timer *)&n; /* must stay put */
	CU_ASSERT_EQUAL(alx_timer_add(rt, 0, count_tick, &n, &t),
			ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(alx_timer_add(rt, 5, NULL, &n, &t), ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(alx_timer_add(rt, UINT64_MAX, count_tick, &n, &t),
			ALOPEX_ERANGE);
	test_alloc_fail_at(test_alloc_calls() + 1);
	CU_ASSERT_EQUAL(alx_timer_add(rt, 5, count_tick, &n, &t),
			ALOPEX_ENOMEM);
	CU_ASSERT_PTR_EQUAL(t, (alopex_timer *)&n);
	alx_timer_cancel(rt, NULL);
	alx_timer_cancel(NULL, NULL);
	alx_runtime_destroy(rt);
	CU_ASSERT_EQUAL(atomic_load(&n), 0);
	CU_ASSERT_EQUAL(test_alloc_live(), 0);
}

static const struct alx_test_case timer_cases[] = {
	{"fires_repeatedly", test_fires_repeatedly},
	{"cancel_waits", test_cancel_waits},
	{"cancel_in_own_callback", test_cancel_in_own_callback},
	{"cancel_other_from_callback", test_cancel_other_from_callback},
	{"destroy_with_armed_timers", test_destroy_with_armed_timers},
	{"add_errors", test_add_errors},
	{NULL, NULL},
};

const struct alx_test_suite timer_suite = {"runtime/timer", NULL, NULL,
					   timer_cases};
