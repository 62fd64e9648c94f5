/*
 * The lock table's solo mode (kv_lock.c): an owner that takes its first
 * lock while nobody else holds one keeps its locks in its own list; the
 * next owner to lock anything publishes that list into the table first.
 * Checked: conflicts with a solo owner's locks, a waiter on one (woken by
 * the commit, which it sees), versions recorded by a solo release, who is
 * solo after which release, and publishing out of memory (all or nothing).
 *
 * Waiting is bounded: every wait has a lock_timeout of 20 s, so a missing
 * wakeup fails a test instead of hanging it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "kv/kv_lock.h"
#include "lock_test_util.h"
#include "runtime/alx_runtime.h"

static uint64_t hash_of(int n)
{
	return lock_test_hash("solo", n);
}

/* An allocator that fails the allocation numbered fail_at (0: none). */
struct failing {
	pthread_mutex_t mu;
	long calls, fail_at;
};

static bool failing_take(struct failing *f)
{
	pthread_mutex_lock(&f->mu);
	bool ok = ++f->calls != f->fail_at;
	pthread_mutex_unlock(&f->mu);
	return ok;
}

static void *f_malloc(void *ctx, size_t size)
{
	return failing_take(ctx) ? malloc(size) : NULL;
}

static void *f_realloc(void *ctx, void *ptr, size_t size)
{
	return failing_take(ctx) ? realloc(ptr, size) : NULL;
}

static void f_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

static struct failing g_fail = {PTHREAD_MUTEX_INITIALIZER, 0, 0};

/* Fail the allocation n calls from now (1: the next one). */
static void fail_in(long n)
{
	pthread_mutex_lock(&g_fail.mu);
	g_fail.fail_at = g_fail.calls + n;
	pthread_mutex_unlock(&g_fail.mu);
}

static struct alx_runtime *runtime(void)
{
	static const alopex_allocator alloc = {f_malloc, f_realloc, f_free,
					       &g_fail};
	alopex_open_options opt = {.size = sizeof(opt), .allocator = &alloc};
	struct alx_runtime *rt = NULL;
	alopex_diag d = {0};
	fail_in(0);
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(&opt, &rt, &d), 0);
	return rt;
}

enum { NSOLO = 500 };

/* A lock table on the failing allocator, and three owners of it. */
struct fix {
	struct alx_runtime *rt;
	struct alx_kv_locks *l;
	struct alx_kv_lockowner a, b, c;
};

static void fix_open(struct fix *f)
{
	f->rt = runtime();
	f->l = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_kv_locks_create(f->rt, &f->l), 0);
	alx_kv_lockowner_init(&f->a, f->l);
	alx_kv_lockowner_init(&f->b, f->l);
	alx_kv_lockowner_init(&f->c, f->l);
}

/* Owners finished already may be finished again. */
static void fix_close(struct fix *f)
{
	alx_kv_lockowner_fini(&f->a);
	alx_kv_lockowner_fini(&f->b);
	alx_kv_lockowner_fini(&f->c);
	alx_kv_locks_destroy(f->l);
	alx_runtime_destroy(f->rt);
}

/*
 * a goes solo; b's first lock publishes a's locks: b conflicts on them,
 * on a's later ones too, and a on b's; after both release, the next owner
 * is solo again.
 */
static void test_publish(void)
{
	struct fix f;
	fix_open(&f);
	alopex_diag d = {0};
	for (int i = 0; i < NSOLO; i++)
		CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(i), NULL, &d), 0);
	CU_ASSERT(atomic_load(&f.a.solo));
	/* its own lock again: no conflict with itself */
	CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(3), NULL, &d), 0);

	CU_ASSERT_EQUAL(alx_kv_lock(&f.b, hash_of(100000), NULL, &d), 0);
	CU_ASSERT(!atomic_load(&f.a.solo));
	CU_ASSERT(!atomic_load(&f.b.solo));
	int refused = 0;
	for (int i = 0; i < NSOLO; i++) {
		int rc = alx_kv_lock(&f.b, hash_of(i), NULL, &d);
		refused += rc == ALOPEX_ECONFLICT &&
			   strcmp(d.sqlstate, "40001") == 0;
	}
	CU_ASSERT_EQUAL(refused, NSOLO);
	/* a's locks after the publication are in the table too */
	CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(NSOLO), NULL, &d), 0);
	CU_ASSERT_EQUAL(alx_kv_lock(&f.b, hash_of(NSOLO), NULL, &d),
			ALOPEX_ECONFLICT);
	CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(100000), NULL, &d),
			ALOPEX_ECONFLICT);
	CU_ASSERT_EQUAL(f.b.nheld, 1);

	uint64_t seq = alx_kv_locks_next_seq(f.l);
	alx_kv_unlock_all(&f.a, seq);
	int wrong = 0;
	for (int i = 0; i <= NSOLO; i++)
		wrong += alx_kv_locks_version(f.l, hash_of(i)) != seq;
	CU_ASSERT_EQUAL(wrong, 0);
	/* b still counts: c is not solo, and sees b's lock */
	CU_ASSERT_EQUAL(alx_kv_lock(&f.c, hash_of(7), NULL, &d), 0);
	CU_ASSERT(!atomic_load(&f.c.solo));
	CU_ASSERT_EQUAL(alx_kv_lock(&f.c, hash_of(100000), NULL, &d),
			ALOPEX_ECONFLICT);
	/* everything a held is free */
	int busy = 0;
	for (int i = 0; i <= NSOLO; i++)
		busy += alx_kv_lock(&f.b, hash_of(i), NULL, &d) != 0 && i != 7;
	CU_ASSERT_EQUAL(busy, 0);
	alx_kv_unlock_all(&f.b, 0);
	alx_kv_unlock_all(&f.c, 0);

	/* nobody holds anything: the next owner is solo */
	CU_ASSERT_EQUAL(alx_kv_lock(&f.c, hash_of(1), NULL, &d), 0);
	CU_ASSERT(atomic_load(&f.c.solo));
	alx_kv_unlock_all(&f.c, 0);
	fix_close(&f);
}

/*
 * A solo release records every version (with repeats in its list) and
 * frees the gate for the next solo owner; a rollback records nothing.
 */
static void test_solo_release(void)
{
	struct fix f;
	fix_open(&f);
	alopex_diag d = {0};
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < NSOLO; i++)
			CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(i), NULL, &d),
					0);
	CU_ASSERT(atomic_load(&f.a.solo));
	uint64_t seq = alx_kv_locks_next_seq(f.l);
	alx_kv_unlock_all(&f.a, seq);
	CU_ASSERT_EQUAL(f.a.nheld, 0);
	CU_ASSERT(!atomic_load(&f.a.solo));
	int wrong = 0;
	for (int i = 0; i < NSOLO; i++)
		wrong += alx_kv_locks_version(f.l, hash_of(i)) != seq;
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT(alx_kv_locks_newer(f.l, hash_of(0), seq - 1));
	CU_ASSERT(!alx_kv_locks_newer(f.l, hash_of(0), seq));

	/* b takes the same keys solo and rolls back: versions unchanged */
	for (int i = 0; i < NSOLO; i++)
		CU_ASSERT_EQUAL(alx_kv_lock(&f.b, hash_of(i), NULL, &d), 0);
	CU_ASSERT(atomic_load(&f.b.solo));
	alx_kv_unlock_all(&f.b, 0);
	CU_ASSERT_EQUAL(alx_kv_locks_version(f.l, hash_of(0)), seq);
	/* and a is solo again in its next transaction */
	CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(0), NULL, &d), 0);
	CU_ASSERT(atomic_load(&f.a.solo));
	alx_kv_unlock_all(&f.a, 0);
	fix_close(&f);
}

/*
 * An owner whose only lock was refused still counts until it releases:
 * then nobody does, and the next owner is solo. A finished owner that
 * never released does not stay counted either.
 */
static void test_refused_owner(void)
{
	struct fix f;
	fix_open(&f);
	alopex_diag d = {0};
	CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(1), NULL, &d), 0);
	CU_ASSERT_EQUAL(alx_kv_lock(&f.b, hash_of(1), NULL, &d),
			ALOPEX_ECONFLICT);
	CU_ASSERT_EQUAL(f.b.nheld, 0);
	alx_kv_unlock_all(&f.a, 0);
	/* b still counts */
	CU_ASSERT_EQUAL(alx_kv_lock(&f.c, hash_of(2), NULL, &d), 0);
	CU_ASSERT(!atomic_load(&f.c.solo));
	alx_kv_unlock_all(&f.c, 0);
	alx_kv_unlock_all(&f.b, 0);
	CU_ASSERT_EQUAL(alx_kv_lock(&f.c, hash_of(2), NULL, &d), 0);
	CU_ASSERT(atomic_load(&f.c.solo));
	/* c is finished without a release: the next owner goes solo */
	alx_kv_lockowner_fini(&f.c);
	CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(2), NULL, &d), 0);
	CU_ASSERT(atomic_load(&f.a.solo));
	alx_kv_unlock_all(&f.a, 0);
	fix_close(&f);
}

/* A waiter on a solo owner's lock sleeps until its commit, then sees it. */
static void test_wait_on_solo(void)
{
	struct fix f;
	fix_open(&f);
	alopex_diag d = {0};
	for (int i = 0; i < NSOLO; i++)
		CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(i), NULL, &d), 0);
	CU_ASSERT(atomic_load(&f.a.solo));
	uint64_t snap = alx_kv_locks_seq(f.l);

	static struct lock_waiter x;
	pthread_t th;
	CU_ASSERT_EQUAL_FATAL(
		lock_waiter_start(&x, f.l, hash_of(NSOLO / 2), &th), 0);
	CU_ASSERT(!atomic_load(&x.done));
	CU_ASSERT(!atomic_load(&f.a.solo));

	uint64_t seq = alx_kv_locks_next_seq(f.l);
	alx_kv_unlock_all(&f.a, seq);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(x.rc, 0);
	CU_ASSERT(x.o.waited_commit);
	CU_ASSERT(alx_kv_locks_newer(f.l, x.h, snap));
	alx_kv_unlock_all(&x.o, 0);
	alx_kv_lockowner_fini(&x.o);
	fix_close(&f);
}

/*
 * Publishing out of memory, at its first allocation or at a shard's
 * growth part way: the lock fails with 53200, nothing of the solo owner's
 * is left in the table, and it stays solo; the next try publishes.
 */
static void test_publish_oom(void)
{
	struct fix f;
	fix_open(&f);
	alopex_diag d = {0};
	for (int i = 0; i < NSOLO; i++)
		CU_ASSERT_EQUAL(alx_kv_lock(&f.a, hash_of(i), NULL, &d), 0);
	/* The copy, then the growth of each shard's table not grown yet
	 * (a failed publication keeps the capacity it made): the copy, the
	 * first growth, and part way twice. */
	static const long fail_at[] = {1, 2, 5, 9};
	for (size_t k = 0; k < sizeof(fail_at) / sizeof(*fail_at); k++) {
		fail_in(fail_at[k]);
		CU_ASSERT_EQUAL(alx_kv_lock(&f.b, hash_of(100000), NULL, &d),
				ALOPEX_ENOMEM);
		CU_ASSERT_STRING_EQUAL(d.sqlstate, "53200");
		fail_in(0);
		CU_ASSERT(atomic_load(&f.a.solo));
		CU_ASSERT_EQUAL(f.b.nheld, 0);
		CU_ASSERT(!f.b.registered);
	}
	/* a's solo release leaves the table as it finds it: had a failed
	 * publication left one of a's slots there, c would conflict with
	 * the finished a now */
	alx_kv_unlock_all(&f.a, 0);
	/* b solo, so that c looks in the table */
	CU_ASSERT_EQUAL(alx_kv_lock(&f.b, hash_of(100000), NULL, &d), 0);
	CU_ASSERT(atomic_load(&f.b.solo));
	int busy = 0;
	for (int i = 0; i < NSOLO; i++)
		busy += alx_kv_lock(&f.c, hash_of(i), NULL, &d) != 0;
	CU_ASSERT_EQUAL(busy, 0);
	CU_ASSERT(!atomic_load(&f.c.solo));
	alx_kv_unlock_all(&f.b, 0);
	alx_kv_unlock_all(&f.c, 0);
	fix_close(&f);
}

static const struct alx_test_case cases[] = {
	{"publish", test_publish},
	{"solo_release", test_solo_release},
	{"refused_owner", test_refused_owner},
	{"wait_on_solo", test_wait_on_solo},
	{"publish_oom", test_publish_oom},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"kv/solo", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
