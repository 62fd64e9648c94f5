/*
 * Deferred inserts (kv_txn.c, alx_kv_txn.pend) on both engines: inserts
 * and fresh puts wait in the transaction and reach the engine in key order
 * at the next cursor, write of such a key, range delete or commit. Every
 * test checks what a caller sees, which must be what it saw when every
 * write went to the engine at once: reads of its own writes, duplicates,
 * savepoints, the change stream, concurrent inserts of one key in both
 * isolation modes, SQL's 23505, and (WiredTiger) a crash after commit.
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

/* Gaps learnt from the first insert (gap_min 0). */
static struct alx_kv_txn *begin_flags(alopex_db *db, unsigned flags)
{
	struct alx_kv_txn *t = alx_test_kv_begin(db, flags);
	t->gap_min = 0;
	return t;
}

static struct alx_kv_txn *begin(alopex_db *db)
{
	return begin_flags(db, 0);
}

/*
 * The numbers a cursor over [lo, hi) yields into out (at most cap), with
 * values checked to start "v<n>": their count.
 */
static int scan(struct alx_kv_txn *t, int lo, int hi, unsigned flags, int *out,
		int cap)
{
	struct alx_test_key a, b;
	struct alx_kv_cursor *c;
	CU_ASSERT_EQUAL_FATAL(alx_kv_cursor_open(t, alx_test_knum(&a, lo),
						 alx_test_knum(&b, hi), flags,
						 &c),
			      0);
	int n = 0;
	alopex_slice k, v;
	int rc;
	while ((rc = alx_kv_cursor_next(c, &k, &v)) == ALOPEX_ROW && n < cap) {
		int num = alx_test_key_num(k);
		char want[16];
		int wl = snprintf(want, sizeof(want), "v%d", num);
		CU_ASSERT(v.len == (size_t)wl + 1 &&
			  memcmp(v.ptr, want, (size_t)wl) == 0);
		out[n++] = num;
	}
	CU_ASSERT(rc == ALOPEX_DONE || n == cap);
	alx_kv_cursor_close(c);
	return n;
}

/* Even keys 0..2n-2 committed with tag 'c'. */
static void fill_even(alopex_db *db, int n)
{
	struct alx_kv_txn *t = begin(db);
	for (int i = 0; i < n; i++)
		alx_test_kv_insert(t, 2 * i, 'c');
	alx_test_kv_commit(t);
}

/* Gets and both cursor directions see pending inserts among committed
 * keys, including ranges that start or end on a pending key. */
static void test_read_own_writes(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	fill_even(db, 50); /* 0, 2, .. 98 */
	struct alx_kv_txn *t = begin(db);
	int order[50];
	alx_test_shuffle(order, 50, 12345);
	for (int i = 0; i < 50; i++)
		alx_test_kv_insert(t, 2 * order[i] + 1, 'p'); /* 1, 3, .. 99 */
	CU_ASSERT_EQUAL(t->npend, 50); /* none in the engine yet */
	for (int n = 0; n < 100; n++)
		alx_test_kv_expect(t, n, n % 2 ? 'p' : 'c');
	alx_test_kv_expect(t, 100, 0);
	/* the values' tags are not part of scan's check */
	int got[128];
	int m = scan(t, 11, 20, 0, got, 128);
	CU_ASSERT_EQUAL(m, 9);
	for (int i = 0; i < m; i++)
		CU_ASSERT_EQUAL(got[i], 11 + i);
	/* more pending after the first flush */
	alx_test_kv_insert(t, 1001, 'p');
	alx_test_kv_insert(t, 1000 + 3, 'p');
	m = scan(t, 0, 2000, ALOPEX_CURSOR_REVERSE, got, 128);
	CU_ASSERT_EQUAL(m, 102);
	CU_ASSERT(m > 2 && got[0] == 1003 && got[1] == 1001 && got[2] == 99);
	for (int i = 2; i < m; i++)
		CU_ASSERT_EQUAL(got[i], 101 - i);
	/* a cursor opened before more inserts still sees them */
	struct alx_test_key a, b;
	struct alx_kv_cursor *c;
	CU_ASSERT_EQUAL_FATAL(alx_kv_cursor_open(t, alx_test_knum(&a, 2000),
						 alx_test_knum(&b, 3000), 0,
						 &c),
			      0);
	alx_test_kv_insert(t, 2500, 'p');
	alopex_slice k, v;
	CU_ASSERT_EQUAL(alx_kv_cursor_next(c, &k, &v), ALOPEX_ROW);
	CU_ASSERT_EQUAL(alx_test_key_num(k), 2500);
	CU_ASSERT_EQUAL(alx_kv_cursor_next(c, &k, &v), ALOPEX_DONE);
	alx_kv_cursor_close(c);
	alx_test_kv_commit(t);
	for (int n = 0; n < 100; n++)
		alx_test_kv_expect_db(db, n, n % 2 ? 'p' : 'c');
	alx_test_kv_expect_db(db, 2500, 'p');
	alx_test_close_dir(db, dir);
}

/* EEXIST for a key pending in the transaction and for a committed one;
 * the transaction goes on and the first value stands. */
static void test_duplicates(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	fill_even(db, 5);
	struct alx_kv_txn *t = begin(db);
	alx_test_kv_insert(t, 7, 'a');
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_insert, 7, 'b'),
			ALOPEX_EEXIST);
	CU_ASSERT_STRING_EQUAL(t->diag.message, "key exists");
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_insert, 4, 'b'),
			ALOPEX_EEXIST);
	alx_test_kv_insert(t, 9, 'a');
	alx_test_kv_expect(t, 7, 'a');
	alx_test_kv_expect(t, 4, 'c');
	alx_test_kv_commit(t);
	alx_test_kv_expect_db(db, 7, 'a');
	alx_test_kv_expect_db(db, 9, 'a');
	alx_test_kv_expect_db(db, 4, 'c');
	alx_test_close_dir(db, dir);
}

/* Rolling back to a savepoint drops the inserts made since, pending or
 * already flushed; those before it stay. */
static void test_savepoint(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	struct alx_kv_txn *t = begin(db);
	alx_test_kv_insert(t, 1, 'a');
	alx_test_kv_insert(t, 2, 'a');
	struct alx_kv_savepoint sp;
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_savepoint(t, &sp), 0);
	alx_test_kv_insert(t, 3, 'a');
	alx_test_kv_insert(t, 0, 'a');
	alx_test_kv_expect(t, 3, 'a');
	CU_ASSERT_EQUAL(alx_kv_txn_rollback_to(t, &sp), 0);
	alx_test_kv_expect(t, 3, 0);
	alx_test_kv_expect(t, 0, 0);
	alx_test_kv_expect(t, 1, 'a');
	/* the same keys again, with other values, and a flush in between */
	alx_test_kv_insert(t, 3, 'b');
	int got[8];
	CU_ASSERT_EQUAL(scan(t, 0, 10, 0, got, 8), 3);
	alx_test_kv_insert(t, 4, 'b');
	CU_ASSERT_EQUAL(t->npend, 1);
	CU_ASSERT_EQUAL(alx_kv_txn_rollback_to(t, &sp), 0);
	CU_ASSERT_EQUAL(t->npend, 0);
	alx_test_kv_expect(t, 3, 0);
	alx_test_kv_expect(t, 4, 0);
	alx_test_kv_insert(t, 5, 'b');
	alx_kv_txn_release(t);
	alx_test_kv_commit(t);
	alx_test_kv_expect_db(db, 1, 'a');
	alx_test_kv_expect_db(db, 2, 'a');
	alx_test_kv_expect_db(db, 0, 0);
	alx_test_kv_expect_db(db, 3, 0);
	alx_test_kv_expect_db(db, 4, 0);
	alx_test_kv_expect_db(db, 5, 'b');
	alx_test_close_dir(db, dir);
}

/* put and del of a pending key act on the inserted value. */
static void test_put_del_pending(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	struct alx_kv_txn *t = begin(db);
	struct alx_test_key k;
	alx_test_kv_insert(t, 1, 'a');
	alx_test_kv_insert(t, 2, 'a');
	alx_test_kv_insert(t, 3, 'a');
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_put, 1, 'b'), 0);
	alx_test_kv_expect(t, 1, 'b');
	CU_ASSERT_EQUAL(alx_kv_txn_del(t, alx_test_knum(&k, 2)), 0);
	alx_test_kv_expect(t, 2, 0);
	CU_ASSERT_EQUAL(alx_kv_txn_del(t, alx_test_knum(&k, 2)),
			ALOPEX_ENOTFOUND);
	/* a fresh put waits too; a second one rewrites it */
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_put_fresh, 4, 'a'), 0);
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_put_fresh, 4, 'b'), 0);
	alx_test_kv_expect(t, 4, 'b');
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_insert, 4, 'c'),
			ALOPEX_EEXIST);
	alx_test_kv_commit(t);
	alx_test_kv_expect_db(db, 1, 'b');
	alx_test_kv_expect_db(db, 2, 0);
	alx_test_kv_expect_db(db, 3, 'a');
	alx_test_kv_expect_db(db, 4, 'b');
	alx_test_close_dir(db, dir);
}

/* A range delete takes pending keys with the committed ones. */
static void test_del_range(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	fill_even(db, 10); /* 0 .. 18 */
	for (unsigned flags = 0; flags <= ALX_KV_RANGE_KEYWISE;
	     flags += ALX_KV_RANGE_KEYWISE) {
		struct alx_kv_txn *t = begin(db);
		for (int n = 1; n < 20; n += 2)
			alx_test_kv_insert(t, n, 'p');
		struct alx_test_key a, b;
		CU_ASSERT_EQUAL(alx_kv_txn_del_range(t, alx_test_knum(&a, 5),
						     alx_test_knum(&b, 15),
						     flags),
				0);
		for (int n = 0; n < 20; n++)
			alx_test_kv_expect(t, n,
					   n >= 5 && n < 15 ? 0
					   : n % 2	    ? 'p'
							    : 'c');
		alx_kv_txn_rollback(t);
	}
	struct alx_kv_txn *t = begin(db);
	alx_test_kv_insert(t, 7, 'p');
	struct alx_test_key a, b;
	CU_ASSERT_EQUAL(alx_kv_txn_del_range(t, alx_test_knum(&a, 0),
					     alx_test_knum(&b, 100), 0),
			0);
	alx_test_kv_insert(t, 8, 'p');
	alx_test_kv_commit(t);
	for (int n = 0; n < 20; n++)
		alx_test_kv_expect_db(db, n, n == 8 ? 'p' : 0);
	alx_test_close_dir(db, dir);
}

/* What a subscriber saw: mutations of one batch, in order. */
struct seen {
	int batches;
	uint64_t pos;
	size_t count;
	int op[64];
	int num[64];
	char tag[64];
};

static int see(void *arg, const alopex_batch *b)
{
	struct seen *s = arg;
	s->batches++;
	s->pos = b->position;
	s->count = b->count;
	for (size_t i = 0; i < b->count && i < 64; i++) {
		const alopex_mutation *m = &b->mutations[i];
		alopex_slice k = {m->key, m->klen};
		s->op[i] = m->op;
		s->num[i] = alx_test_key_num(k);
		s->tag[i] = m->op == ALOPEX_MUT_PUT && m->vlen > 0
				    ? (char)m->val[m->vlen - 1]
				    : 0;
	}
	return 0;
}

/* The batch lists the calls in call order, not the engine's key order,
 * and the commit's position is the next one. */
static void test_change_stream(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	fill_even(db, 2);
	struct seen live = {0};
	alopex_subscription *sub;
	CU_ASSERT_EQUAL_FATAL(alopex_subscribe(db, see, &live, &sub), 0);
	struct alx_kv_txn *t = begin(db);
	struct alx_test_key k;
	alx_test_kv_insert(t, 9, 'a');
	alx_test_kv_insert(t, 5, 'a');
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_put_fresh, 7, 'f'), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_del(t, alx_test_knum(&k, 2)), 0);
	alx_test_kv_insert(t, 1, 'a');
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_put, 5, 'b'), 0);
	uint64_t pos = alx_test_kv_commit(t);
	alopex_unsubscribe(db, sub);
	CU_ASSERT_EQUAL(live.batches, 1);
	CU_ASSERT_EQUAL(live.pos, pos);
	CU_ASSERT_EQUAL(pos, 2);
	CU_ASSERT_EQUAL_FATAL(live.count, 6);
	const int want_num[6] = {9, 5, 7, 2, 1, 5};
	const int want_op[6] = {ALOPEX_MUT_PUT, ALOPEX_MUT_PUT,
				ALOPEX_MUT_PUT, ALOPEX_MUT_DELETE,
				ALOPEX_MUT_PUT, ALOPEX_MUT_PUT};
	const char want_tag[6] = {'a', 'a', 'f', 0, 'a', 'b'};
	for (int i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL(live.num[i], want_num[i]);
		CU_ASSERT_EQUAL(live.op[i], want_op[i]);
		CU_ASSERT_EQUAL(live.tag[i], want_tag[i]);
	}
	/* the retained log says the same */
	struct seen replay = {0};
	CU_ASSERT_EQUAL(alopex_log_read(db, 1, see, &replay), 0);
	CU_ASSERT_EQUAL(replay.batches, 1);
	CU_ASSERT_EQUAL(replay.count, 6);
	CU_ASSERT_EQUAL(memcmp(replay.num, live.num, sizeof(live.num)), 0);
	alx_test_close_dir(db, dir);
}

/*
 * A key another transaction commits after our snapshot. Snapshot
 * isolation: the insert answers EEXIST at once (as PostgreSQL's unique
 * check) and the transaction is doomed, never a later failure at commit.
 * READ COMMITTED: the statement must restart, and after a new statement
 * snapshot the insert sees the key. A key committed by nobody else is
 * still deferred and commits.
 */
static void test_concurrent_duplicate(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	for (int rc_mode = 0; rc_mode < 2; rc_mode++) {
		unsigned fl = rc_mode ? ALX_KV_TXN_READ_COMMITTED : 0;
		int base = rc_mode ? 100 : 0;
		struct alx_kv_txn *t1 = begin_flags(db, fl);
		CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(t1), 0);
		alx_test_kv_expect(t1, base + 1, 0); /* the snapshot is taken */
		alx_test_kv_insert(t1, base + 2, 'x');
		struct alx_kv_txn *t2 = begin(db);
		alx_test_kv_insert(t2, base + 1, 'o');
		alx_test_kv_commit(t2);
		CU_ASSERT_EQUAL(t1->npend, 1);
		int rc =
			alx_test_kv_write(t1, alx_kv_txn_insert, base + 1, 'x');
		CU_ASSERT_EQUAL(t1->npend, 1); /* not deferred */
		if (!rc_mode) {
			CU_ASSERT_EQUAL(rc, ALOPEX_EEXIST);
			alopex_diag d = {0};
			CU_ASSERT_EQUAL(alx_kv_txn_commit(t1, NULL, &d),
					ALOPEX_ECONFLICT);
			CU_ASSERT_STRING_EQUAL(d.sqlstate, "40001");
			alx_test_kv_expect_db(db, base + 2, 0);
		} else {
			CU_ASSERT_EQUAL(rc, ALOPEX_ECONFLICT);
			CU_ASSERT(alx_kv_txn_must_restart(t1));
			CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(t1), 0);
			CU_ASSERT_EQUAL(alx_test_kv_write(t1, alx_kv_txn_insert,
							  base + 1, 'x'),
					ALOPEX_EEXIST);
			alx_test_kv_insert(t1, base + 3, 'x');
			alx_test_kv_commit(t1);
			alx_test_kv_expect_db(db, base + 2, 'x');
			alx_test_kv_expect_db(db, base + 3, 'x');
		}
		alx_test_kv_expect_db(db, base + 1, 'o');
	}
	/* a pending insert holds its row lock: a second inserter of the
	 * key conflicts at once (no wait given) */
	struct alx_kv_txn *t1 = begin(db);
	alx_test_kv_insert(t1, 300, 'a');
	struct alx_kv_txn *t2 = begin(db);
	CU_ASSERT_EQUAL(alx_test_kv_write(t2, alx_kv_txn_insert, 300, 'b'),
			ALOPEX_ECONFLICT);
	alx_kv_txn_rollback(t2);
	alx_test_kv_commit(t1);
	alx_test_kv_expect_db(db, 300, 'a');
	alx_test_close_dir(db, dir);
}

/* Many keys in random order: the committed order is the key order, and
 * a rollback leaves nothing. */
static void test_many(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	enum { M = 20000 };
	int *order = malloc(sizeof(int) * M);
	int *got = malloc(sizeof(int) * M);
	CU_ASSERT_PTR_NOT_NULL_FATAL(order);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	alx_test_shuffle(order, M, 12345);
	struct alx_kv_txn *t = begin(db);
	for (int i = 0; i < M; i++)
		alx_test_kv_insert(t, order[i], 'm');
	alx_kv_txn_rollback(t);
	t = begin(db);
	CU_ASSERT_EQUAL(scan(t, 0, M, 0, got, M), 0);
	for (int i = 0; i < M; i++)
		alx_test_kv_insert(t, order[i], 'm');
	alx_test_kv_commit(t);
	t = begin_flags(db, ALX_KV_TXN_READONLY);
	int n = scan(t, 0, M, 0, got, M);
	alx_kv_txn_rollback(t);
	CU_ASSERT_EQUAL(n, M);
	int bad = 0;
	for (int i = 0; i < n; i++)
		bad += got[i] != i;
	CU_ASSERT_EQUAL(bad, 0);
	free(order);
	free(got);
	alx_test_close_dir(db, dir);
}

/*
 * The known gap that spares inserts their engine lookup: its bounds are
 * committed keys (taken), our own engine writes in it end it, and a key
 * another transaction committed inside it after it was learnt is seen,
 * in both isolation modes.
 */
static void test_gap(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	struct alx_kv_txn *t0 = begin(db);
	alx_test_kv_insert(t0, 0, 'c');
	alx_test_kv_insert(t0, 100, 'c');
	alx_test_kv_commit(t0);
	struct alx_kv_txn *t = begin(db);
	alx_test_kv_insert(t, 50, 'a'); /* learns (0, 100) */
	CU_ASSERT(t->gap_valid);
	alx_test_kv_insert(t, 99, 'a');
	alx_test_kv_insert(t, 1, 'a');
	CU_ASSERT(t->gap_hits >= 2);
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_insert, 0, 'x'),
			ALOPEX_EEXIST);
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_insert, 100, 'x'),
			ALOPEX_EEXIST);
	/* an engine write of our own inside the gap */
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_put, 60, 'p'), 0);
	CU_ASSERT_EQUAL(alx_test_kv_write(t, alx_kv_txn_insert, 60, 'x'),
			ALOPEX_EEXIST);
	alx_test_kv_commit(t);
	alx_test_kv_expect_db(db, 60, 'p');
	alx_test_kv_expect_db(db, 99, 'a');
	for (int rc_mode = 0; rc_mode < 2; rc_mode++) {
		int base = 200 + 100 * rc_mode;
		t = begin_flags(db, rc_mode ? ALX_KV_TXN_READ_COMMITTED : 0);
		CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(t), 0);
		alx_test_kv_insert(t, base + 50, 'a');
		CU_ASSERT(t->gap_valid);
		struct alx_kv_txn *o = begin(db);
		alx_test_kv_insert(o, base + 60, 'o');
		alx_test_kv_commit(o);
		if (rc_mode)
			CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(t), 0);
		CU_ASSERT_EQUAL(
			alx_test_kv_write(t, alx_kv_txn_insert, base + 60, 'x'),
			ALOPEX_EEXIST);
		if (rc_mode) {
			alx_test_kv_insert(t, base + 70, 'a');
			alx_test_kv_commit(t);
			alx_test_kv_expect_db(db, base + 70, 'a');
		} else {
			alx_kv_txn_rollback(t);
		}
		alx_test_kv_expect_db(db, base + 60, 'o');
	}
	alx_test_close_dir(db, dir);
}

/* Past pend_max the pending writes go to the engine early; the
 * transaction reads, refuses duplicates and commits as before. */
static void test_early_flush(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	enum { M = 3000 };
	int *order = malloc(sizeof(int) * M);
	CU_ASSERT_PTR_NOT_NULL_FATAL(order);
	alx_test_shuffle(order, M, 12345);
	struct alx_kv_txn *t = begin(db);
	t->pend_max = 8192;
	size_t most = 0;
	for (int i = 0; i < M; i++) {
		alx_test_kv_insert(t, order[i], 'e');
		most = t->npend > most ? t->npend : most;
	}
	CU_ASSERT(most > 10);
	CU_ASSERT(most < M / 4);
	for (int i = 0; i < M; i += 97) {
		alx_test_kv_expect(t, order[i], 'e');
		CU_ASSERT_EQUAL(
			alx_test_kv_write(t, alx_kv_txn_insert, order[i], 'x'),
			ALOPEX_EEXIST);
	}
	alx_test_kv_commit(t);
	t = begin_flags(db, ALX_KV_TXN_READONLY);
	int *got = malloc(sizeof(int) * M);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_EQUAL(scan(t, 0, M, 0, got, M), M);
	alx_kv_txn_rollback(t);
	free(got);
	free(order);
	alx_test_close_dir(db, dir);
}

/*
 * Keys the flush's radix sort cannot order by the 8 bytes after their
 * common prefix: shared 8-byte stretches with different tails, keys that
 * are prefixes of others, zero bytes. The committed keys come back in
 * memcmp order, every one.
 */
static void test_sort_ties(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	enum { M = 600 };
	int order[M];
	alx_test_shuffle(order, M, 12345);
	struct alx_kv_txn *t = begin(db);
	for (int i = 0; i < M; i++) {
		int n = order[i];
		uint8_t k[32];
		size_t len = 0;
		k[len++] = ALOPEX_SPACE_KV;
		k[len++] = 's';
		/* 8 bytes shared by groups of 50, then a tail */
		memset(k + len, 'A' + n / 50, 8);
		len += 8;
		int tail = n % 50;
		if (tail < 10) {
			/* prefixes of each other: "", "\0", "\0\0", ... */
			memset(k + len, 0, (size_t)tail);
			len += (size_t)tail;
		} else {
			k[len++] = (uint8_t)(255 - tail);
			k[len++] = (uint8_t)tail;
		}
		alopex_slice ks = {k, len};
		alopex_slice vs = {k, len};
		CU_ASSERT_EQUAL(alx_kv_txn_insert(t, ks, vs), 0);
	}
	CU_ASSERT_EQUAL(t->npend, M);
	alx_test_kv_commit(t);
	uint8_t lo[2] = {ALOPEX_SPACE_KV, 's'}, hi[2] = {ALOPEX_SPACE_KV, 't'};
	alopex_slice los = {lo, 2}, his = {hi, 2};
	CU_ASSERT_EQUAL(alx_test_kv_scan_sorted(db, los, his, M), M);
	alx_test_close_dir(db, dir);
}

/* Twenty rows 1000.. in one statement: past the transaction's gap_min,
 * so later rows may skip their lookup. */
static void sql_filler(alopex_db *db)
{
	char sql[1024];
	size_t n = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO t VALUES ");
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s(%d, 'f')",
				      i ? ", " : "", 1000 + i);
	ALX_TEST_EXEC(db, sql);
}

/* SQL: a duplicate of a row inserted earlier in the transaction, or in
 * the same statement, is 23505 at that row; reads see the pending rows. */
static void test_sql(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "kvdefer-sql",
			 ALX_TEST_ENGINE(alx_test_engine_is_memory() != 0));
	ALX_TEST_EXEC(f.db, "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)");
	ALX_TEST_EXEC(f.db, "INSERT INTO t VALUES (100, 'c')");
	ALX_TEST_EXEC(f.db, "BEGIN");
	sql_filler(f.db);
	ALX_TEST_EXEC(f.db, "INSERT INTO t VALUES (5, 'a')");
	ALX_TEST_EXEC(f.db, "INSERT INTO t VALUES (3, 'b')");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(f.db, "SELECT v FROM t WHERE id = 3"), "b");
	char buf[256];
	const char *rows = alx_test_query_rows(
		f.db, "SELECT id, v FROM t WHERE id < 1000 ORDER BY id", buf,
		sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(rows);
	if (rows != NULL)
		CU_ASSERT_STRING_EQUAL(rows, "3|b\n5|a\n100|c");
	ALX_TEST_EXEC(f.db, "SAVEPOINT s1");
	ALX_TEST_EXEC(f.db, "INSERT INTO t VALUES (7, 'd')");
	ALX_TEST_EXEC(f.db, "ROLLBACK TO SAVEPOINT s1");
	alx_test_expect_error(f.db, "INSERT INTO t VALUES (8, 'e'), (5, 'x')",
			      "23505", "Key (id)=(5) already exists.");
	ALX_TEST_EXEC(f.db, "ROLLBACK");
	ALX_TEST_EXEC(f.db, "BEGIN");
	sql_filler(f.db);
	ALX_TEST_EXEC(f.db, "INSERT INTO t VALUES (9, 'a'), (1, 'b')");
	alx_test_expect_error(f.db, "INSERT INTO t VALUES (2, 'e'), (9, 'x')",
			      "23505", "Key (id)=(9) already exists.");
	ALX_TEST_EXEC(f.db, "ROLLBACK");
	ALX_TEST_EXEC(f.db, "BEGIN");
	sql_filler(f.db);
	ALX_TEST_EXEC(f.db, "INSERT INTO t VALUES (9, 'a'), (1, 'b')");
	ALX_TEST_EXEC(f.db, "SAVEPOINT s1");
	ALX_TEST_EXEC(f.db, "INSERT INTO t VALUES (7, 'd')");
	ALX_TEST_EXEC(f.db, "ROLLBACK TO SAVEPOINT s1");
	ALX_TEST_EXEC(f.db, "COMMIT");
	rows = alx_test_query_rows(f.db,
				   "SELECT id, v FROM t WHERE id < 1000 "
				   "ORDER BY id",
				   buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(rows);
	if (rows != NULL)
		CU_ASSERT_STRING_EQUAL(rows, "1|b\n9|a\n100|c");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text(f.db, "SELECT count(*) FROM t"), "23");
	alx_test_db_close(&f);
}

/* WiredTiger: deferred inserts committed just before the process dies
 * are there after recovery. */
static void test_crash(void)
{
	if (alx_test_engine_is_memory())
		return;
	char *dir;
	alopex_db *db = alx_test_engine_open("kvdefer", &dir);
	fill_even(db, 10);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	fflush(NULL);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		alopex_db *cdb = NULL;
		if (alopex_open(dir, NULL, &cdb) != 0)
			_exit(2);
		struct alx_kv_txn *t = NULL;
		alopex_diag d = {0};
		if (alx_kv_txn_begin(cdb, 0, &t, &d) != 0)
			_exit(3);
		int order[5000];
		alx_test_shuffle(order, 5000, 12345);
		for (int i = 0; i < 5000; i++) {
			int n = 1000 + order[i];
			if (alx_test_kv_write(t, alx_kv_txn_insert, n, 'z'))
				_exit(4);
		}
		if (alx_kv_txn_commit(t, NULL, &d) != 0)
			_exit(5);
		_exit(0); /* no close: recovery must redo it */
	}
	int st = 0;
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	db = alx_test_open_dir(dir, alx_test_engine_cfg());
	struct alx_kv_txn *t = begin_flags(db, ALX_KV_TXN_READONLY);
	int *got = malloc(sizeof(int) * 6000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_EQUAL(scan(t, 1000, 7000, 0, got, 6000), 5000);
	CU_ASSERT_EQUAL(scan(t, 0, 1000, 0, got, 6000), 10);
	alx_kv_txn_rollback(t);
	free(got);
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"read_own_writes", test_read_own_writes},
	{"duplicates", test_duplicates},
	{"savepoint", test_savepoint},
	{"put_del_pending", test_put_del_pending},
	{"del_range", test_del_range},
	{"change_stream", test_change_stream},
	{"concurrent_duplicate", test_concurrent_duplicate},
	{"many", test_many},
	{"sort_ties", test_sort_ties},
	{"gap", test_gap},
	{"early_flush", test_early_flush},
	{"sql", test_sql},
	{"crash", test_crash},
	{NULL, NULL},
};

int main(int argc, char **argv)
{
	return alx_test_engines_main(argc, argv, "kv_defer", cases);
}
