/*
 * Contract cases: snapshot isolation, write-write conflicts (first updater
 * wins), read-only transactions and concurrent committers.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contract.h"

static void test_snapshot_isolation(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "a,b,c");
	char buf[64], out[128];
	int rc;

	/* A begins and does nothing yet: its snapshot is taken at begin. */
	void *a = ct_begin(&db, 0);
	void *b = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, b, "a", "changed"), 0);
	CU_ASSERT_EQUAL(ct_del(&db, b, "b"), 0);
	CU_ASSERT_EQUAL(ct_put(&db, b, "bb", "inserted"), 0);
	ct_commit(&db, b, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	CU_ASSERT_EQUAL(ct_get(&db, a, "a", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "v:a");
	CU_ASSERT_EQUAL(ct_get(&db, a, "b", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "v:b");
	CU_ASSERT_EQUAL(ct_get(&db, a, "bb", buf, sizeof(buf)),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(
		ct_scan(&db, a, ct_s(NULL), ct_s(NULL), 0, out, sizeof(out)),
		3);
	CU_ASSERT_STRING_EQUAL(out, "a,b,c");
	CU_ASSERT_EQUAL(ct_scan(&db, a, ct_s(NULL), ct_s(NULL),
				ALOPEX_CURSOR_REVERSE, out, sizeof(out)),
			3);
	CU_ASSERT_STRING_EQUAL(out, "c,b,a");

	/* A second commit while A still reads; A's view does not move. */
	void *c = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, c, "c", "again"), 0);
	ct_commit(&db, c, NULL, &rc);
	CU_ASSERT_EQUAL(ct_get(&db, a, "c", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "v:c");
	/* A read-only end: nothing to conflict on. */
	ct_commit(&db, a, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	void *d = ct_begin(&db, ALOPEX_TXN_READONLY);
	CU_ASSERT_EQUAL(
		ct_scan(&db, d, ct_s(NULL), ct_s(NULL), 0, out, sizeof(out)),
		3);
	CU_ASSERT_STRING_EQUAL(out, "a,bb,c");
	CU_ASSERT_EQUAL(ct_get(&db, d, "c", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "again");
	db.ops->txn_rollback(d);
	ct_db_close(&db);
}

static void test_write_conflict(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "x,y");
	char buf[64];
	int rc;
	alopex_diag diag = {0};

	/* Both uncommitted: the second writer loses at once. */
	void *a = ct_begin(&db, 0);
	void *b = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, a, "x", "from-a"), 0);
	CU_ASSERT_EQUAL(db.ops->put(b, ct_s("x"), ct_s("from-b"), &diag),
			ALOPEX_ECONFLICT);
	CU_ASSERT_EQUAL(diag.code, ALOPEX_ECONFLICT);
	CU_ASSERT(diag.message[0] != '\0');
	/* b is rollback-only now: even a commit must not keep anything. */
	CU_ASSERT_EQUAL(ct_put(&db, b, "y", "from-b"), ALOPEX_ECONFLICT);
	uint64_t before = db.ops->log_position(db.eng);
	ct_commit(&db, b, NULL, &rc);
	CU_ASSERT_EQUAL(rc, ALOPEX_ECONFLICT);
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), before);
	ct_commit(&db, a, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	/* Committed after the snapshot: the later writer loses too. */
	void *c = ct_begin(&db, 0);
	void *d = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, c, "y", "from-c"), 0);
	ct_commit(&db, c, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(ct_del(&db, d, "y"), ALOPEX_ECONFLICT);
	db.ops->txn_rollback(d);

	/* Deletes conflict with writes as well. */
	void *e = ct_begin(&db, 0);
	void *f = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_del(&db, e, "x"), 0);
	CU_ASSERT_EQUAL(ct_put(&db, f, "x", "late"), ALOPEX_ECONFLICT);
	db.ops->txn_rollback(f);
	ct_commit(&db, e, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	/* Writes to different keys never conflict; neither do inserts. */
	void *g = ct_begin(&db, 0);
	void *h = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, g, "g-only", "1"), 0);
	CU_ASSERT_EQUAL(ct_put(&db, h, "h-only", "1"), 0);
	ct_commit(&db, h, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	ct_commit(&db, g, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	/* The winners' values are what is left. */
	void *r = ct_begin(&db, ALOPEX_TXN_READONLY);
	CU_ASSERT_EQUAL(ct_get(&db, r, "x", buf, sizeof(buf)),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(ct_get(&db, r, "y", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "from-c");
	CU_ASSERT_EQUAL(ct_get(&db, r, "g-only", buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(ct_get(&db, r, "h-only", buf, sizeof(buf)), 0);
	db.ops->txn_rollback(r);
	ct_db_close(&db);
}

static void test_readonly_txn(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "k");
	uint64_t before = db.ops->log_position(db.eng);
	size_t commits = db.commits.count;
	alopex_diag diag = {0};
	void *t = ct_begin(&db, ALOPEX_TXN_READONLY);
	CU_ASSERT_EQUAL(db.ops->put(t, ct_s("k"), ct_s("w"), &diag),
			ALOPEX_EREADONLY);
	CU_ASSERT_EQUAL(diag.code, ALOPEX_EREADONLY);
	CU_ASSERT_EQUAL(db.ops->del(t, ct_s("k"), &diag), ALOPEX_EREADONLY);
	char buf[32];
	CU_ASSERT_EQUAL(ct_get(&db, t, "k", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "v:k");
	uint64_t pos = 12345;
	CU_ASSERT_EQUAL(db.ops->txn_commit(t, ct_b(NULL, 0), &pos, &diag), 0);
	CU_ASSERT_EQUAL(pos, 12345); /* left alone */
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), before);
	CU_ASSERT_EQUAL(db.commits.count, commits);
	ct_db_close(&db);
}

/* ---- concurrency ------------------------------------------------------ */

enum { CC_THREADS = 4, CC_COUNTERS = 3, CC_INCREMENTS = 150 };

struct cc_thread {
	struct ct_db *db;
	int id;
	int done;	     /* increments committed */
	int conflicts;	     /* retries */
	int errors;	     /* anything else */
	uint64_t *positions; /* returned by each commit */
	char (*records)[32];
};

static int cc_increment(struct cc_thread *t, const char *key, uint64_t *pos_out,
			const char *record)
{
	struct ct_db *db = t->db;
	alopex_diag diag = {0};
	void *txn = NULL;
	int rc = db->ops->txn_begin(db->eng, 0, &txn, &diag);
	if (rc != 0)
		return rc;
	alopex_slice v;
	long n = 0;
	rc = db->ops->get(txn, ct_s(key), &v, &diag);
	if (rc == 0) {
		char tmp[32];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)v.len,
			 (const char *)v.ptr);
		n = strtol(tmp, NULL, 10);
	} else if (rc != ALOPEX_ENOTFOUND) {
		db->ops->txn_rollback(txn);
		return rc;
	}
	char val[32];
	snprintf(val, sizeof(val), "%ld", n + 1);
	rc = db->ops->put(txn, ct_s(key), ct_s(val), &diag);
	if (rc != 0) {
		db->ops->txn_rollback(txn);
		return rc;
	}
	return db->ops->txn_commit(txn, ct_s(record), pos_out, &diag);
}

static void *cc_main(void *arg)
{
	struct cc_thread *t = arg;
	time_t deadline = time(NULL) + 120;
	for (int i = 0; i < CC_INCREMENTS; i++) {
		char key[32];
		snprintf(key, sizeof(key), "counter%d",
			 (i + t->id) % CC_COUNTERS);
		snprintf(t->records[i], sizeof(t->records[i]), "t%d:%d", t->id,
			 i);
		for (int attempt = 0;; attempt++) {
			if (attempt > 100000 || time(NULL) > deadline) {
				t->errors++;
				return NULL;
			}
			int rc = cc_increment(t, key, &t->positions[i],
					      t->records[i]);
			if (rc == 0)
				break;
			if (rc == ALOPEX_ECONFLICT) {
				t->conflicts++;
				continue;
			}
			t->errors++;
			return NULL;
		}
		t->done++;
	}
	return NULL;
}

static void test_concurrent_counters(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	struct cc_thread th[CC_THREADS];
	pthread_t tid[CC_THREADS];
	uint64_t start = db.ops->log_position(db.eng);
	for (int i = 0; i < CC_THREADS; i++) {
		th[i] = (struct cc_thread){.db = &db, .id = i};
		th[i].positions = calloc(CC_INCREMENTS, sizeof(uint64_t));
		th[i].records = calloc(CC_INCREMENTS, sizeof(*th[i].records));
		CU_ASSERT_EQUAL_FATAL(
			pthread_create(&tid[i], NULL, cc_main, &th[i]), 0);
	}
	int total = 0, conflicts = 0;
	for (int i = 0; i < CC_THREADS; i++) {
		pthread_join(tid[i], NULL);
		CU_ASSERT_EQUAL(th[i].errors, 0);
		CU_ASSERT_EQUAL(th[i].done, CC_INCREMENTS);
		total += th[i].done;
		conflicts += th[i].conflicts;
	}
	printf("\n    %s: %d increments, %d conflicts retried\n", ct.name,
	       total, conflicts);

	/* Exact sums. */
	void *txn = ct_begin(&db, ALOPEX_TXN_READONLY);
	long sum = 0;
	for (int c = 0; c < CC_COUNTERS; c++) {
		char key[32], buf[32];
		snprintf(key, sizeof(key), "counter%d", c);
		CU_ASSERT_EQUAL(ct_get(&db, txn, key, buf, sizeof(buf)), 0);
		long n = strtol(buf, NULL, 10);
		/* Thread id shifts which counter each increment hits. */
		long want = 0;
		for (int t = 0; t < CC_THREADS; t++)
			for (int i = 0; i < CC_INCREMENTS; i++)
				want += (i + t) % CC_COUNTERS == c;
		CU_ASSERT_EQUAL(n, want);
		sum += n;
	}
	CU_ASSERT_EQUAL(sum, CC_THREADS * CC_INCREMENTS);
	db.ops->txn_rollback(txn);

	/* One position per successful commit, dense, each seen in order. */
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), start + (uint64_t)total);
	CU_ASSERT_EQUAL(db.commits.count, (size_t)total);
	CU_ASSERT_FALSE(db.commits.out_of_order);
	for (size_t i = 1; i < db.commits.count; i++)
		CU_ASSERT_EQUAL(db.commits.recs[i].pos,
				db.commits.recs[i - 1].pos + 1);
	/* What on_commit got at a position is what that committer sent. */
	int mismatched = 0;
	for (int t = 0; t < CC_THREADS; t++) {
		for (int i = 0; i < th[t].done; i++) {
			const struct ct_commit_rec *r =
				ct_commit_find(&db, th[t].positions[i]);
			if (r == NULL ||
			    strcmp((const char *)r->data, th[t].records[i]))
				mismatched++;
		}
		free(th[t].positions);
		free(th[t].records);
	}
	CU_ASSERT_EQUAL(mismatched, 0);
	ct_db_close(&db);
}

const struct alx_test_case ct_txn_cases[] = {
	{"snapshot_isolation", test_snapshot_isolation},
	{"write_conflict", test_write_conflict},
	{"readonly_txn", test_readonly_txn},
	{"concurrent_counters", test_concurrent_counters},
	{NULL, NULL},
};
