/*
 * alx_kv_txn_del_range on both engines: the engine's del_range op (one
 * ALOPEX_MUT_DELETE_RANGE mutation) and the key-by-key path the core
 * falls back to (a savepoint, ALX_KV_RANGE_KEYWISE). Keys are the public
 * KV space's (ALOPEX_SPACE_KV first), counted through alopex_kv_scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "alx_test_kv.h"
#include "kv/kv_txn.h"

#define N 300

/* p0 .. p(n-1) under each prefix letter of `prefixes`, value "v". */
static void fill(alopex_db *db, const char *prefixes, int n)
{
	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &t), 0);
	char val[64];
	memset(val, 'v', sizeof(val));
	for (const char *p = prefixes; *p; p++)
		for (int i = 0; i < n; i++) {
			char k[32];
			int kl = snprintf(k, sizeof(k), "%c%06d", *p, i);
			CU_ASSERT_EQUAL_FATAL(alopex_kv_put(t, k, (size_t)kl,
							    val, sizeof(val)),
					      0);
		}
	CU_ASSERT_EQUAL_FATAL(alopex_kv_commit(t), 0);
}

static void put1(alopex_db *db, const char *k)
{
	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, 0, &t), 0);
	CU_ASSERT_EQUAL_FATAL(alopex_kv_put(t, k, strlen(k), "x", 1), 0);
	CU_ASSERT_EQUAL_FATAL(alopex_kv_commit(t), 0);
}

/* Keys lo <= k < hi the database holds now. */
static int count(alopex_db *db, const char *lo, const char *hi)
{
	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, ALOPEX_KV_READONLY, &t), 0);
	alopex_kv_cursor *c;
	CU_ASSERT_EQUAL_FATAL(
		alopex_kv_scan(t, lo, strlen(lo), hi, strlen(hi), 0, &c), 0);
	int n = 0;
	const void *k, *v;
	size_t kl, vl;
	while (alopex_kv_cursor_next(c, &k, &kl, &v, &vl) == ALOPEX_ROW)
		n++;
	alopex_kv_cursor_close(c);
	alopex_kv_rollback(t);
	return n;
}

static int present(alopex_db *db, const char *key)
{
	alopex_kv_txn *t;
	CU_ASSERT_EQUAL_FATAL(alopex_kv_begin(db, ALOPEX_KV_READONLY, &t), 0);
	const void *v;
	size_t vl;
	int rc = alopex_kv_get(t, key, strlen(key), &v, &vl);
	alopex_kv_rollback(t);
	return rc == 0;
}

/* An engine key in the KV space: 0x01 then the user key. */
static alopex_slice ekey(uint8_t buf[64], const char *user)
{
	size_t n = strlen(user);
	buf[0] = ALOPEX_SPACE_KV;
	memcpy(buf + 1, user, n);
	alopex_slice s = {buf, n + 1};
	return s;
}

static int del_range(struct alx_kv_txn *t, const char *lo, const char *hi,
		     unsigned flags)
{
	uint8_t a[64], b[64];
	return alx_kv_txn_del_range(t, ekey(a, lo), ekey(b, hi), flags);
}

/* What a subscriber or a log replay saw, batch by batch. */
struct seen {
	int batches;
	uint64_t pos[8];
	size_t count[8];
	int op[8]; /* of the first mutation */
	int ndel, nrange;
	char lo[8][32], hi[8][32]; /* range bounds, user part */
};

static int see(void *arg, const alopex_batch *b)
{
	struct seen *s = arg;
	int i = s->batches++;
	if (i >= 8)
		return 0;
	s->pos[i] = b->position;
	s->count[i] = b->count;
	s->op[i] = b->count > 0 ? b->mutations[0].op : 0;
	for (size_t k = 0; k < b->count; k++) {
		const alopex_mutation *m = &b->mutations[k];
		if (m->op == ALOPEX_MUT_DELETE)
			s->ndel++;
		if (m->op != ALOPEX_MUT_DELETE_RANGE)
			continue;
		s->nrange++;
		if (m->klen >= 1 && m->klen < 32 && m->vlen >= 1 &&
		    m->vlen < 32 && m->key[0] == ALOPEX_SPACE_KV &&
		    m->val[0] == ALOPEX_SPACE_KV) {
			memcpy(s->lo[i], m->key + 1, m->klen - 1);
			s->lo[i][m->klen - 1] = '\0';
			memcpy(s->hi[i], m->val + 1, m->vlen - 1);
			s->hi[i][m->vlen - 1] = '\0';
		}
	}
	return 0;
}

/* Everything from b000000 to just before d000000 goes; the bounds
 * themselves and keys sorting right around them are the neighbours. */
static void test_neighbours(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvrange", &dir);
	fill(db, "abcd", N);
	put1(db, "b");	       /* the lower bound itself: deleted */
	put1(db, "c\xff\xff"); /* just below the upper bound: deleted */
	put1(db, "d");	       /* the upper bound itself: kept */
	put1(db, "a\xff");     /* just below the lower bound: kept */
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(del_range(t, "b", "d", 0), 0);
	alx_test_kv_commit(t);
	CU_ASSERT_EQUAL(count(db, "a", "b"), N + 1);
	CU_ASSERT_EQUAL(count(db, "b", "d"), 0);
	CU_ASSERT_EQUAL(count(db, "d", "e"), N + 1);
	CU_ASSERT(!present(db, "b"));
	CU_ASSERT(!present(db, "c\xff\xff"));
	CU_ASSERT(present(db, "d"));
	CU_ASSERT(present(db, "a\xff"));
	/* the range takes new keys again */
	put1(db, "b000007");
	CU_ASSERT_EQUAL(count(db, "b", "d"), 1);
	alx_test_close_dir(db, dir);
}

/* The transaction sees its own range delete; later writes in the range
 * stand; other transactions see nothing until the commit. */
static void test_own_view(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvrange", &dir);
	fill(db, "abc", N);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(del_range(t, "b", "c", 0), 0);
	uint8_t kb[64];
	alopex_slice v;
	CU_ASSERT_EQUAL(alx_kv_txn_get(t, ekey(kb, "b000005"), &v),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(alx_kv_txn_get(t, ekey(kb, "a000005"), &v), 0);
	uint8_t lo[64], hi[64];
	struct alx_kv_cursor *c;
	CU_ASSERT_EQUAL_FATAL(
		alx_kv_cursor_open(t, ekey(lo, "a"), ekey(hi, "d"), 0, &c), 0);
	int n = 0;
	alopex_slice k;
	while (alx_kv_cursor_next(c, &k, &v) == ALOPEX_ROW)
		n++;
	alx_kv_cursor_close(c);
	CU_ASSERT_EQUAL(n, 2 * N);
	/* a key written after the range delete survives it */
	alopex_slice val = {(const uint8_t *)"new", 3};
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, ekey(kb, "b000009"), val), 0);
	/* not committed: others still see the range */
	CU_ASSERT_EQUAL(count(db, "b", "c"), N);
	alx_test_kv_commit(t);
	CU_ASSERT_EQUAL(count(db, "b", "c"), 1);
	CU_ASSERT(present(db, "b000009"));
	CU_ASSERT_EQUAL(count(db, "a", "b"), N);
	CU_ASSERT_EQUAL(count(db, "c", "d"), N);
	alx_test_close_dir(db, dir);
}

/*
 * Rollback restores every key, then a commit deletes them. With
 * WiredTiger the keys are on disk after the reopen (not in its cache),
 * which is where truncate drops whole pages without reading them.
 */
static void test_rollback(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvrange", &dir);
	int n = alx_test_engine_is_memory() ? N : 20000;
	fill(db, "abc", n);
	if (!alx_test_engine_is_memory()) {
		CU_ASSERT_EQUAL(alopex_close(db), 0);
		db = alx_test_open_dir(dir, alx_test_engine_cfg());
	}
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(del_range(t, "b", "c", 0), 0);
	alx_kv_txn_rollback(t);
	CU_ASSERT_EQUAL(count(db, "b", "c"), n);
	/* part of the range */
	t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(del_range(t, "b000100", "b019000", 0), 0);
	alx_test_kv_commit(t);
	int gone = alx_test_engine_is_memory() ? N - 100 : 19000 - 100;
	CU_ASSERT_EQUAL(count(db, "b", "c"), n - gone);
	CU_ASSERT(present(db, "b000099"));
	CU_ASSERT(!present(db, "b000100"));
	CU_ASSERT_EQUAL(count(db, "a", "b"), n);
	CU_ASSERT_EQUAL(count(db, "c", "d"), n);
	/* and survives a reopen */
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	db = alx_test_open_dir(dir, alx_test_engine_cfg());
	CU_ASSERT_EQUAL(count(db, "b", "c"),
			alx_test_engine_is_memory() ? 0 : n - gone);
	alx_test_close_dir(db, dir);
}

/* One DELETE_RANGE mutation with both bounds, live and replayed; an
 * empty range is still a write with a position. */
static void test_change_stream(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvrange", &dir);
	fill(db, "abc", N);
	uint64_t base = alopex_log_position(db);
	struct seen live = {0};
	alopex_subscription *sub;
	CU_ASSERT_EQUAL_FATAL(alopex_subscribe(db, see, &live, &sub), 0);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(del_range(t, "b", "c", 0), 0);
	uint64_t pos = alx_test_kv_commit(t);
	CU_ASSERT_EQUAL(pos, base + 1);
	t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(del_range(t, "x", "y", 0), 0); /* nothing there */
	CU_ASSERT_EQUAL(alx_test_kv_commit(t), base + 2);
	alopex_unsubscribe(db, sub);
	CU_ASSERT_EQUAL(live.batches, 2);
	CU_ASSERT_EQUAL(live.count[0], 1);
	CU_ASSERT_EQUAL(live.op[0], ALOPEX_MUT_DELETE_RANGE);
	CU_ASSERT_STRING_EQUAL(live.lo[0], "b");
	CU_ASSERT_STRING_EQUAL(live.hi[0], "c");
	CU_ASSERT_STRING_EQUAL(live.lo[1], "x");
	CU_ASSERT_EQUAL(live.ndel, 0);
	struct seen rep = {0};
	CU_ASSERT_EQUAL(alopex_log_read(db, base, see, &rep), 0);
	CU_ASSERT_EQUAL(rep.batches, 2);
	CU_ASSERT_EQUAL(rep.op[0], ALOPEX_MUT_DELETE_RANGE);
	CU_ASSERT_STRING_EQUAL(rep.lo[0], "b");
	CU_ASSERT_STRING_EQUAL(rep.hi[0], "c");
	if (!alx_test_engine_is_memory()) {
		CU_ASSERT_EQUAL(alopex_close(db), 0);
		db = alx_test_open_dir(dir, alx_test_engine_cfg());
		struct seen again = {0};
		CU_ASSERT_EQUAL(alopex_log_read(db, base, see, &again), 0);
		CU_ASSERT_EQUAL(again.batches, 2);
		CU_ASSERT_EQUAL(again.nrange, 2);
		CU_ASSERT_STRING_EQUAL(again.hi[0], "c");
	}
	alx_test_close_dir(db, dir);
}

/* The key-by-key path: asked for, or under a savepoint (whose undo log
 * needs every old value); ROLLBACK TO brings the keys back. */
static void test_keywise_and_savepoint(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvrange", &dir);
	fill(db, "abc", N);
	struct seen live = {0};
	alopex_subscription *sub;
	CU_ASSERT_EQUAL_FATAL(alopex_subscribe(db, see, &live, &sub), 0);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(del_range(t, "a", "b", ALX_KV_RANGE_KEYWISE), 0);
	alx_test_kv_commit(t);
	CU_ASSERT_EQUAL(live.ndel, N);
	CU_ASSERT_EQUAL(live.nrange, 0);
	CU_ASSERT_EQUAL(count(db, "a", "b"), 0);
	CU_ASSERT_EQUAL(count(db, "b", "c"), N);

	live = (struct seen){0};
	t = alx_test_kv_begin(db, 0);
	struct alx_kv_savepoint sp;
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_savepoint(t, &sp), 0);
	CU_ASSERT_EQUAL(del_range(t, "b", "c", 0), 0);
	uint8_t kb[64];
	alopex_slice v;
	CU_ASSERT_EQUAL(alx_kv_txn_get(t, ekey(kb, "b000001"), &v),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(alx_kv_txn_rollback_to(t, &sp), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_get(t, ekey(kb, "b000001"), &v), 0);
	CU_ASSERT_EQUAL(del_range(t, "c000000", "c000010", 0), 0);
	alx_kv_txn_release(t);
	alx_test_kv_commit(t);
	CU_ASSERT_EQUAL(live.ndel, 10);
	CU_ASSERT_EQUAL(live.nrange, 0);
	CU_ASSERT_EQUAL(count(db, "b", "c"), N);
	CU_ASSERT_EQUAL(count(db, "c", "d"), N - 10);
	alopex_unsubscribe(db, sub);
	alx_test_close_dir(db, dir);
}

/* A key in the range that another transaction changed and has not
 * committed: the range delete conflicts and dooms its transaction. */
static void test_conflict(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvrange", &dir);
	fill(db, "abc", N);
	struct alx_kv_txn *w = alx_test_kv_begin(db, 0);
	uint8_t kb[64];
	alopex_slice val = {(const uint8_t *)"w", 1};
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_put(w, ekey(kb, "b000123"), val), 0);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(del_range(t, "b", "c", 0), ALOPEX_ECONFLICT);
	alopex_diag d = {0};
	CU_ASSERT_EQUAL(alx_kv_txn_commit(t, NULL, &d), ALOPEX_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "40001");
	alx_test_kv_commit(w);
	CU_ASSERT_EQUAL(count(db, "b", "c"), N);
	alx_test_close_dir(db, dir);
}

static void test_bad_calls(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvrange", &dir);
	fill(db, "ab", 10);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(del_range(t, "b", "b", 0), ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(del_range(t, "c", "b", 0), ALOPEX_EINVAL);
	uint8_t a[64];
	alopex_slice open_hi = {NULL, 0};
	CU_ASSERT_EQUAL(alx_kv_txn_del_range(t, ekey(a, "a"), open_hi, 0),
			ALOPEX_EINVAL);
	/* refused calls change nothing and leave the transaction usable */
	CU_ASSERT_EQUAL(del_range(t, "a", "b", 0), 0);
	alx_test_kv_commit(t);
	CU_ASSERT_EQUAL(count(db, "a", "c"), 10);
	struct alx_kv_txn *r = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_begin(db, ALX_KV_TXN_READONLY, &r, &d),
			      0);
	CU_ASSERT_EQUAL(del_range(r, "b", "c", 0), ALOPEX_EREADONLY);
	alx_kv_txn_rollback(r);
	CU_ASSERT_EQUAL(count(db, "b", "c"), 10);
	alx_test_close_dir(db, dir);
}

/* WiredTiger: a committed range delete survives a crash (the process
 * ends without closing), replayed from WiredTiger's log. */
static void test_crash(void)
{
	if (alx_test_engine_is_memory())
		return;
	char *dir;
	alopex_db *db = alx_test_engine_open("kvrange", &dir);
	fill(db, "abc", 5000);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		alopex_db *cdb = NULL;
		if (alopex_open(dir, NULL, &cdb) != 0)
			_exit(2);
		struct alx_kv_txn *t = NULL;
		alopex_diag d = {0};
		uint8_t a[64], b[64];
		if (alx_kv_txn_begin(cdb, 0, &t, &d) != 0 ||
		    alx_kv_txn_del_range(t, ekey(a, "b"), ekey(b, "c"), 0) !=
			    0 ||
		    alx_kv_txn_commit(t, NULL, &d) != 0)
			_exit(3);
		_exit(0); /* no close: recovery must redo it */
	}
	int st = 0;
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	db = alx_test_open_dir(dir, alx_test_engine_cfg());
	CU_ASSERT_EQUAL(count(db, "b", "c"), 0);
	CU_ASSERT_EQUAL(count(db, "a", "b"), 5000);
	CU_ASSERT_EQUAL(count(db, "c", "d"), 5000);
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"neighbours", test_neighbours},
	{"own_view", test_own_view},
	{"rollback", test_rollback},
	{"change_stream", test_change_stream},
	{"keywise_and_savepoint", test_keywise_and_savepoint},
	{"conflict", test_conflict},
	{"bad_calls", test_bad_calls},
	{"crash", test_crash},
	{NULL, NULL},
};

int main(int argc, char **argv)
{
	return alx_test_engines_main(argc, argv, "kv_range", cases);
}
