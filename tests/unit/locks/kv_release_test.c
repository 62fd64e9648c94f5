/*
 * The lock table's bulk paths (kv_lock.c): a transaction holding many locks
 * releases them shard by shard, and every lock is free afterwards, every
 * hash has its commit recorded, and the waiter of any one of them wakes;
 * alx_kv_locks_newer answers as the version table does; owners taking and
 * releasing many overlapping locks on threads never hold one lock at once.
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
	return lock_test_hash("key", n);
}

static struct alx_runtime *runtime(void)
{
	struct alx_runtime *rt = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(NULL, &rt, &d), 0);
	return rt;
}

enum { NBULK = 1000 };

/*
 * One owner commits 1000 locks (every shard has some): a waiter on one of
 * them wakes and takes it, every other is free to a second owner, and
 * every hash's version is the commit's.
 */
static void test_bulk_commit(void)
{
	struct alx_runtime *rt = runtime();
	struct alx_kv_locks *l = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_kv_locks_create(rt, &l), 0);
	static uint64_t h[NBULK];
	bool shard_seen[64] = {false};
	for (int i = 0; i < NBULK; i++) {
		h[i] = hash_of(i);
		shard_seen[(h[i] >> 58) & 63] = true;
	}
	int nshards = 0;
	for (int s = 0; s < 64; s++)
		nshards += shard_seen[s];
	CU_ASSERT_EQUAL(nshards, 64);

	struct alx_kv_lockowner a, b;
	alx_kv_lockowner_init(&a, l);
	alx_kv_lockowner_init(&b, l);
	for (int i = 0; i < NBULK; i++)
		CU_ASSERT_EQUAL(alx_kv_lock(&a, h[i], NULL, &d), 0);
	/* a repeat right after is remembered once (a solo owner keeps
	 * other repeats: its list is not a set) */
	CU_ASSERT_EQUAL(a.nheld, NBULK);
	CU_ASSERT_EQUAL(alx_kv_lock(&a, h[NBULK - 1], NULL, &d), 0);
	CU_ASSERT_EQUAL(a.nheld, NBULK);
	CU_ASSERT_EQUAL(alx_kv_lock(&a, h[7], NULL, &d), 0);
	int refused = 0;
	for (int i = 0; i < NBULK; i += 10)
		refused += alx_kv_lock(&b, h[i], NULL, &d) == ALOPEX_ECONFLICT;
	CU_ASSERT_EQUAL(refused, NBULK / 10);
	CU_ASSERT_EQUAL(b.nheld, 0);

	static struct lock_waiter x; /* big: off the stack */
	pthread_t th;
	CU_ASSERT_EQUAL_FATAL(lock_waiter_start(&x, l, h[NBULK / 2], &th), 0);
	CU_ASSERT(!atomic_load(&x.done));

	uint64_t seq = alx_kv_locks_next_seq(l);
	alx_kv_unlock_all(&a, seq);
	CU_ASSERT_EQUAL(a.nheld, 0);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(x.rc, 0);
	CU_ASSERT(x.o.waited_commit);

	int wrong_version = 0, not_free = 0;
	for (int i = 0; i < NBULK; i++) {
		wrong_version += alx_kv_locks_version(l, h[i]) != seq;
		if (i == NBULK / 2)
			continue;
		not_free += alx_kv_lock(&b, h[i], NULL, &d) != 0;
	}
	CU_ASSERT_EQUAL(wrong_version, 0);
	CU_ASSERT_EQUAL(not_free, 0);
	CU_ASSERT_EQUAL(b.nheld, NBULK - 1);
	/* the waiter holds its key now */
	CU_ASSERT_EQUAL(alx_kv_lock(&b, x.h, NULL, &d), ALOPEX_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "40001");

	/* A bulk rollback records nothing and frees everything too. */
	alx_kv_unlock_all(&b, 0);
	alx_kv_unlock_all(&x.o, 0);
	for (int i = 0; i < NBULK; i++)
		CU_ASSERT_EQUAL(alx_kv_lock(&a, h[i], NULL, &d), 0);
	uint64_t later = alx_kv_locks_next_seq(l);
	alx_kv_unlock_all(&a, 0);
	wrong_version = 0;
	for (int i = 0; i < NBULK; i++)
		wrong_version += alx_kv_locks_version(l, h[i]) != seq;
	CU_ASSERT_EQUAL(wrong_version, 0);
	CU_ASSERT(later > seq);

	alx_kv_lockowner_fini(&x.o);
	alx_kv_lockowner_fini(&b);
	alx_kv_lockowner_fini(&a);
	alx_kv_locks_destroy(l);
	alx_runtime_destroy(rt);
}

/* alx_kv_locks_newer(l, h, s) is alx_kv_locks_version(l, h) > s, with
 * and without commits numbered after s. */
static void test_newer(void)
{
	struct alx_runtime *rt = runtime();
	struct alx_kv_locks *l = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_kv_locks_create(rt, &l), 0);
	/* h2 in another version slot than h1 (whether slots go by the
	 * hash's top or bottom bits), or the test proves nothing */
	uint64_t h1 = hash_of(1), h2 = 0;
	for (int k = 2; k < 100 && h2 == 0; k++) {
		uint64_t x = hash_of(k) ^ h1;
		if ((x >> 44) != 0 && (x & ((1u << 20) - 1)) != 0)
			h2 = hash_of(k);
	}
	CU_ASSERT_NOT_EQUAL_FATAL(h2, 0);
	uint64_t s0 = alx_kv_locks_seq(l);
	CU_ASSERT(!alx_kv_locks_newer(l, h1, s0));

	struct alx_kv_lockowner o;
	alx_kv_lockowner_init(&o, l);
	CU_ASSERT_EQUAL(alx_kv_lock(&o, h1, NULL, &d), 0);
	/* numbered, not yet recorded: not newer yet */
	uint64_t s1 = alx_kv_locks_next_seq(l);
	CU_ASSERT(!alx_kv_locks_newer(l, h1, s0));
	alx_kv_unlock_all(&o, s1);
	CU_ASSERT(alx_kv_locks_newer(l, h1, s0));
	CU_ASSERT(!alx_kv_locks_newer(l, h1, s1));
	CU_ASSERT(!alx_kv_locks_newer(l, h2, s0));

	/* a commit of another key: h1 stays as it was */
	CU_ASSERT_EQUAL(alx_kv_lock(&o, h2, NULL, &d), 0);
	uint64_t s2 = alx_kv_locks_next_seq(l);
	alx_kv_unlock_all(&o, s2);
	CU_ASSERT(!alx_kv_locks_newer(l, h1, s1));
	CU_ASSERT(alx_kv_locks_newer(l, h2, s1));
	CU_ASSERT(alx_kv_locks_newer(l, h1, s0));
	CU_ASSERT(!alx_kv_locks_newer(l, h2, s2));
	for (int i = 0; i < 2; i++) {
		uint64_t h = i ? h2 : h1;
		for (uint64_t s = 0; s <= s2; s++)
			CU_ASSERT_EQUAL(alx_kv_locks_newer(l, h, s),
					alx_kv_locks_version(l, h) > s);
	}
	alx_kv_lockowner_fini(&o);
	alx_kv_locks_destroy(l);
	alx_runtime_destroy(rt);
}

/* Every byte of a key counts in its lock hash, whatever the length (the
 * tail is read 8 bytes wide), and equal keys hash alike. */
static void test_hash_bytes(void)
{
	uint8_t a[32], b[32];
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(0x30 + i * 7);
	int same = 0, differ = 0;
	for (size_t len = 1; len <= 24; len++) {
		alopex_slice ka = {a, len};
		uint64_t ha = alx_kv_lock_hash(ka);
		memcpy(b, a, sizeof(a));
		/* bytes past the key do not count */
		b[len] ^= 0xff;
		same += alx_kv_lock_hash((alopex_slice){b, len}) != ha;
		for (size_t pos = 0; pos < len; pos++) {
			memcpy(b, a, sizeof(a));
			b[pos] ^= 0x01;
			differ +=
				alx_kv_lock_hash((alopex_slice){b, len}) == ha;
		}
		/* a shorter key with the same bytes is another key */
		differ += alx_kv_lock_hash((alopex_slice){a, len - 1}) == ha;
	}
	CU_ASSERT_EQUAL(same, 0);
	CU_ASSERT_EQUAL(differ, 0);
}

/* ---- many owners, many locks each, on threads ------------------------- */

enum { NTHREADS = 4, NPOOL = 256, NTAKE = 64, NROUNDS = 30 };

struct mixer {
	struct alx_kv_locks *l;
	const uint64_t *pool;
	_Atomic int *holder; /* per pool index: thread + 1 holding it */
	int id;
	int errors, overlaps;
};

static void *mixer_main(void *arg)
{
	struct mixer *m = arg;
	struct alx_kv_lockowner o;
	alx_kv_lockowner_init(&o, m->l);
	uint64_t r = 0x9e3779b97f4a7c15ull * (uint64_t)(m->id + 1);
	int idx[NTAKE];
	for (int round = 0; round < NROUNDS; round++) {
		/* NTAKE of the pool in increasing order: waits cannot close
		 * a cycle. */
		int start = (int)((r >> 33) % NPOOL);
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		int n = 0;
		for (int k = 0; k < NPOOL && n < NTAKE; k++) {
			int i = (start + k * 3) % NPOOL;
			bool dup = false;
			for (int j = 0; j < n; j++)
				dup |= idx[j] == i;
			if (!dup)
				idx[n++] = i;
		}
		for (int a = 1; a < n; a++)
			for (int b = a; b > 0 && idx[b - 1] > idx[b]; b--) {
				int t = idx[b];
				idx[b] = idx[b - 1];
				idx[b - 1] = t;
			}
		struct alx_kv_wait w = {0};
		w.lock_deadline_us = lock_test_now_us() + 20000000;
		alopex_diag d = {0};
		int took = 0;
		for (int j = 0; j < n; j++) {
			if (alx_kv_lock(&o, m->pool[idx[j]], &w, &d) != 0) {
				m->errors++;
				break;
			}
			int prev =
				atomic_exchange(&m->holder[idx[j]], m->id + 1);
			m->overlaps += prev != 0;
			took++;
		}
		for (int j = 0; j < took; j++)
			atomic_store(&m->holder[idx[j]], 0);
		alx_kv_unlock_all(&o,
				  round % 2 ? alx_kv_locks_next_seq(m->l) : 0);
	}
	alx_kv_lockowner_fini(&o);
	return NULL;
}

static void test_threads(void)
{
	struct alx_runtime *rt = runtime();
	struct alx_kv_locks *l = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_kv_locks_create(rt, &l), 0);
	static uint64_t pool[NPOOL];
	static _Atomic int holder[NPOOL];
	for (int i = 0; i < NPOOL; i++) {
		pool[i] = hash_of(1000 + i);
		atomic_init(&holder[i], 0);
	}
	struct mixer m[NTHREADS];
	pthread_t th[NTHREADS];
	for (int i = 0; i < NTHREADS; i++) {
		m[i] = (struct mixer){l, pool, holder, i, 0, 0};
		CU_ASSERT_EQUAL_FATAL(
			pthread_create(&th[i], NULL, mixer_main, &m[i]), 0);
	}
	int errors = 0, overlaps = 0;
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		errors += m[i].errors;
		overlaps += m[i].overlaps;
	}
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT_EQUAL(overlaps, 0);
	/* all free again */
	struct alx_kv_lockowner o;
	alx_kv_lockowner_init(&o, l);
	alopex_diag d = {0};
	int busy = 0;
	for (int i = 0; i < NPOOL; i++)
		busy += alx_kv_lock(&o, pool[i], NULL, &d) != 0;
	CU_ASSERT_EQUAL(busy, 0);
	alx_kv_unlock_all(&o, 0);
	alx_kv_lockowner_fini(&o);
	alx_kv_locks_destroy(l);
	alx_runtime_destroy(rt);
}

static const struct alx_test_case cases[] = {
	{"bulk_commit", test_bulk_commit},
	{"newer", test_newer},
	{"hash_bytes", test_hash_bytes},
	{"threads", test_threads},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"kv/release", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
