/*
 * READ COMMITTED transactions on WiredTiger (engines/wiredtiger/wt_txn.c).
 * put_sorted keeps one snapshot for a run of deferred writes (a log table
 * cursor stays positioned), and the WiredTiger transaction of a READ
 * COMMITTED one starts at its first write. Neither may change what a read
 * sees: a new statement snapshot sees every commit made before it, a
 * transaction's own writes are seen, and one that only read leaves no log
 * record and no session behind (close refuses while any is live).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "alx_test_kv.h"
#include "kv/kv_txn.h"

#define RC ALX_KV_TXN_READ_COMMITTED

/* alx_test_kv_begin; READ COMMITTED ones take a statement snapshot, as
 * every statement starts. */
static struct alx_kv_txn *begin(alopex_db *db, unsigned flags)
{
	struct alx_kv_txn *t = alx_test_kv_begin(db, flags);
	if (flags & RC)
		CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(t), 0);
	return t;
}

/* Rows of [lo, hi) t sees with tag, all of them in order: their count. */
static int scan_count(struct alx_kv_txn *t, int lo, int hi, char tag)
{
	struct alx_test_key a, b;
	struct alx_kv_cursor *c = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_kv_cursor_open(t, alx_test_knum(&a, lo),
						 alx_test_knum(&b, hi), 0, &c),
			      0);
	alopex_slice k, v;
	int n = 0, rc, bad = 0;
	while ((rc = alx_kv_cursor_next(c, &k, &v)) == ALOPEX_ROW &&
	       n <= hi - lo) {
		char w[32];
		alopex_slice want = alx_test_kv_val(w, lo + n, tag);
		bad += alx_test_key_num(k) != lo + n || v.len != want.len ||
		       memcmp(v.ptr, want.ptr, v.len) != 0;
		n++;
	}
	CU_ASSERT_EQUAL(rc, ALOPEX_DONE);
	CU_ASSERT_EQUAL(bad, 0);
	alx_kv_cursor_close(c);
	return n;
}

/* Commits keys base, base+1, .. one per transaction until told to stop
 * (at most MAX, within 60 s). */
enum { COMMITTER_MAX = 400 };
struct committer {
	alopex_db *db;
	int base;
	atomic_int stop;
	atomic_int done;
	int errors;
};

static void *committer_main(void *arg)
{
	struct committer *c = arg;
	time_t deadline = time(NULL) + 60;
	for (int i = 0; i < COMMITTER_MAX && !atomic_load(&c->stop) &&
			time(NULL) < deadline;
	     i++) {
		struct alx_kv_txn *t = NULL;
		alopex_diag d = {0};
		int rc = alx_kv_txn_begin(c->db, RC, &t, &d);
		if (rc == 0)
			rc = alx_kv_txn_stmt_snapshot(t);
		if (rc == 0) {
			rc = alx_test_kv_write(t, alx_kv_txn_put, c->base + i,
					       'o');
			if (rc != 0)
				alx_kv_txn_rollback(t);
			else
				rc = alx_kv_txn_commit(t, NULL, &d);
		}
		if (rc != 0) {
			c->errors++;
			break;
		}
		atomic_fetch_add(&c->done, 1);
	}
	return NULL;
}

/*
 * A READ COMMITTED transaction's run of deferred inserts, many times the
 * rows put_sorted keeps one snapshot for, flushed while another thread
 * commits. Every row of the run is there, in order; after the run a new
 * statement snapshot sees the commits made meanwhile and one made after
 * (a snapshot kept past the run would hide it), and the commit writes
 * the run once.
 */
static void test_sorted_run(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("wtrc", &dir);
	enum { M = 3000, OTHER = 100000, LATE = 200000 };
	struct alx_kv_txn *t0 = begin(db, 0);
	alx_test_kv_put(t0, OTHER - 1, 'c');
	alx_test_kv_commit(t0);

	struct alx_kv_txn *t = begin(db, RC);
	CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(t), 0);
	alx_test_kv_expect(t, OTHER - 1, 'c');
	int *order = malloc(sizeof(int) * M);
	CU_ASSERT_PTR_NOT_NULL_FATAL(order);
	alx_test_shuffle(order, M, 777);
	for (int i = 0; i < M; i++)
		alx_test_kv_insert(t, order[i], 'r');
	free(order);

	struct committer cm = {.db = db, .base = OTHER};
	pthread_t th;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, committer_main, &cm),
			      0);
	/* let it commit a few before the flush starts */
	for (int spin = 0; spin < 2000 && atomic_load(&cm.done) < 5; spin++)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	/* a cursor flushes the pending run (put_sorted) first */
	CU_ASSERT_EQUAL(scan_count(t, 0, M, 'r'), M);
	atomic_store(&cm.stop, 1);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(cm.errors, 0);
	int done = atomic_load(&cm.done);
	CU_ASSERT(done >= 5);

	struct alx_kv_txn *late = begin(db, RC);
	alx_test_kv_put(late, LATE, 'l');
	alx_test_kv_commit(late);
	CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(t), 0);
	alx_test_kv_expect(t, LATE, 'l');
	int seen = 0;
	for (int i = 0; i < done; i++)
		seen += alx_test_kv_expect(t, OTHER + i, 'o');
	CU_ASSERT_EQUAL(seen, done);
	alx_test_kv_expect(t, OTHER + done, 0);
	/* own rows after the run, and more writes on top */
	alx_test_kv_expect(t, 0, 'r');
	alx_test_kv_expect(t, M - 1, 'r');
	alx_test_kv_put(t, M, 'r');
	uint64_t pos = alx_test_kv_commit(t);
	CU_ASSERT(pos > 0);

	struct alx_kv_txn *r = begin(db, ALX_KV_TXN_READONLY);
	CU_ASSERT_EQUAL(scan_count(r, 0, M + 1, 'r'), M + 1);
	alx_kv_txn_rollback(r);
	alx_test_kv_expect_db(db, LATE, 'l');
	alx_test_close_dir(db, dir);
}

/*
 * Another READ COMMITTED transaction puts keys lo..hi with tag and commits
 * at the log position after prev; r's next statement snapshot sees them.
 * The commit's position.
 */
static uint64_t commit_seen(alopex_db *db, struct alx_kv_txn *r, int lo, int hi,
			    char tag, uint64_t prev)
{
	struct alx_kv_txn *w = begin(db, RC);
	for (int n = lo; n <= hi; n++)
		alx_test_kv_put(w, n, tag);
	uint64_t pos = alx_test_kv_commit(w);
	CU_ASSERT_EQUAL(pos, prev + 1);
	CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(r), 0);
	for (int n = lo; n <= hi; n++)
		alx_test_kv_expect(r, n, tag);
	return pos;
}

/*
 * A READ COMMITTED transaction that only reads: each statement snapshot
 * sees the commits before it, commit and rollback succeed and write no
 * log record (the next writer's position follows the last writer's). One
 * that reads and then writes commits its write at the next position, and
 * sees it. Close succeeds: no transaction or session was left live.
 */
static void test_read_then_write(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("wtrc", &dir);
	struct alx_kv_txn *w = begin(db, RC);
	alx_test_kv_put(w, 1, 'a');
	uint64_t p1 = alx_test_kv_commit(w);
	CU_ASSERT(p1 > 0);

	struct alx_kv_txn *r = begin(db, RC | ALX_KV_TXN_READONLY);
	CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(r), 0);
	alx_test_kv_expect(r, 1, 'a');
	alx_test_kv_expect(r, 2, 0);
	uint64_t p2 = commit_seen(db, r, 1, 2, 'b', p1);
	alx_test_kv_commit(r);

	/* read, then roll back: nothing written either */
	r = begin(db, RC);
	CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(r), 0);
	alx_test_kv_expect(r, 1, 'b');
	alx_kv_txn_rollback(r);

	/* read, another commits, then write: the write sees both */
	struct alx_kv_txn *t = begin(db, RC);
	CU_ASSERT_EQUAL(alx_kv_txn_stmt_snapshot(t), 0);
	alx_test_kv_expect(t, 1, 'b');
	alx_test_kv_expect(t, 3, 0);
	uint64_t p3 = commit_seen(db, t, 3, 3, 'c', p2);
	alx_test_kv_put(t, 1, 'd');
	alx_test_kv_expect(t, 1, 'd');
	alx_test_kv_expect_db(db, 1, 'b'); /* not committed yet */
	uint64_t p4 = alx_test_kv_commit(t);
	CU_ASSERT_EQUAL(p4, p3 + 1);
	alx_test_kv_expect_db(db, 1, 'd');
	alx_test_kv_expect_db(db, 3, 'c');

	/* a read-only one in snapshot isolation ends the same way */
	r = begin(db, ALX_KV_TXN_READONLY);
	alx_test_kv_expect(r, 1, 'd');
	alx_test_kv_commit(r);
	w = begin(db, 0);
	alx_test_kv_put(w, 4, 'e');
	CU_ASSERT_EQUAL(alx_test_kv_commit(w), p4 + 1);
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"sorted_run", test_sorted_run},
	{"read_then_write", test_read_then_write},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"wt_read_committed", NULL, NULL,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
