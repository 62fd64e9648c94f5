/*
 * Contract cases: the change log (positions, on_commit, log_read, retention)
 * and what survives closing and reopening the engine.
 */
#include <stdlib.h>
#include <string.h>

#include "contract.h"

/* What log_read handed over, and when to stop. */
struct replay {
	size_t count;
	uint64_t pos[64];
	char rec[64][32];
	uint64_t stop_at; /* return 42 at this position (0: never) */
	int unordered;
};

static int replay_fn(void *arg, uint64_t pos, alopex_slice record)
{
	struct replay *r = arg;
	if (r->count > 0 && pos != r->pos[r->count - 1] + 1)
		r->unordered = 1;
	if (r->count < 64) {
		r->pos[r->count] = pos;
		snprintf(r->rec[r->count], sizeof(r->rec[0]), "%.*s",
			 (int)record.len, (const char *)record.ptr);
	}
	r->count++;
	return pos == r->stop_at ? 42 : 0;
}

static int replay_from(struct ct_db *db, uint64_t after, struct replay *r,
		       alopex_diag *diag)
{
	uint64_t stop = r->stop_at;
	memset(r, 0, sizeof(*r));
	r->stop_at = stop;
	return db->ops->log_read(db->eng, after, replay_fn, r, diag);
}

/* One write transaction with record "r<i>"; its position. */
static uint64_t commit_numbered(struct ct_db *db, int i)
{
	char key[32], rec[32];
	snprintf(key, sizeof(key), "key%d", i % 7);
	snprintf(rec, sizeof(rec), "r%d", i);
	void *txn = ct_begin(db, 0);
	CU_ASSERT_EQUAL(ct_put(db, txn, key, rec), 0);
	int rc;
	uint64_t pos = ct_commit(db, txn, rec, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	return pos;
}

static void test_log_positions(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	alopex_diag diag = {0};
	int rc;
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), 0);

	void *t = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, t, "a", "1"), 0);
	static const uint8_t binrec[] = {'x', 0, 0xff, 'y'};
	uint64_t pos = 0;
	CU_ASSERT_EQUAL(db.ops->txn_commit(t, ct_b(binrec, sizeof(binrec)),
					   &pos, &diag),
			0);
	CU_ASSERT_EQUAL(pos, 1);
	CU_ASSERT_EQUAL(db.commits.count, 1);
	CU_ASSERT_EQUAL(db.commits.recs[0].pos, 1);
	CU_ASSERT_EQUAL(db.commits.recs[0].len, sizeof(binrec));
	CU_ASSERT_EQUAL(memcmp(db.commits.recs[0].data, binrec, 4), 0);

	/* No record for read-only, empty or only-failed transactions. */
	t = ct_begin(&db, ALOPEX_TXN_READONLY);
	ct_commit(&db, t, "", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	t = ct_begin(&db, 0);
	ct_commit(&db, t, "nothing", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	t = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_del(&db, t, "absent"), ALOPEX_ENOTFOUND);
	ct_commit(&db, t, "nothing", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), 1);
	CU_ASSERT_EQUAL(db.commits.count, 1);

	CU_ASSERT_EQUAL(commit_numbered(&db, 2), 2);
	CU_ASSERT_EQUAL(commit_numbered(&db, 3), 3);
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), 3);
	CU_ASSERT_EQUAL_FATAL(db.commits.count, 3);
	CU_ASSERT_FALSE(db.commits.out_of_order);
	CU_ASSERT_STRING_EQUAL((const char *)db.commits.recs[1].data, "r2");
	CU_ASSERT_STRING_EQUAL((const char *)db.commits.recs[2].data, "r3");

	/* The log holds exactly those records. */
	struct replay r = {0};
	CU_ASSERT_EQUAL(replay_from(&db, 0, &r, &diag), 0);
	CU_ASSERT_EQUAL_FATAL(r.count, 3);
	CU_ASSERT_EQUAL(r.pos[0], 1);
	CU_ASSERT_EQUAL(memcmp(r.rec[0], "x", 2), 0); /* "x\0..." */
	CU_ASSERT_STRING_EQUAL(r.rec[1], "r2");
	CU_ASSERT_STRING_EQUAL(r.rec[2], "r3");
	ct_db_close(&db);
}

static void test_log_read_replays(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	alopex_diag diag = {0};
	for (int i = 1; i <= 10; i++)
		CU_ASSERT_EQUAL(commit_numbered(&db, i), (uint64_t)i);
	struct replay r = {0};
	CU_ASSERT_EQUAL(replay_from(&db, 0, &r, &diag), 0);
	CU_ASSERT_EQUAL(r.count, 10);
	CU_ASSERT_FALSE(r.unordered);
	CU_ASSERT_EQUAL(r.pos[0], 1);
	CU_ASSERT_STRING_EQUAL(r.rec[9], "r10");

	CU_ASSERT_EQUAL(replay_from(&db, 7, &r, &diag), 0);
	CU_ASSERT_EQUAL_FATAL(r.count, 3);
	CU_ASSERT_EQUAL(r.pos[0], 8);
	CU_ASSERT_STRING_EQUAL(r.rec[0], "r8");
	CU_ASSERT_STRING_EQUAL(r.rec[2], "r10");

	CU_ASSERT_EQUAL(replay_from(&db, 10, &r, &diag), 0);
	CU_ASSERT_EQUAL(r.count, 0);
	CU_ASSERT_EQUAL(replay_from(&db, 99, &r, &diag), 0);
	CU_ASSERT_EQUAL(r.count, 0);

	/* fn's non-zero return stops the replay and is returned. */
	r.stop_at = 4;
	CU_ASSERT_EQUAL(replay_from(&db, 1, &r, &diag), 42);
	CU_ASSERT_EQUAL(r.count, 3);
	r.stop_at = 0;

	/* A replay and commits interleave without trouble. */
	CU_ASSERT_EQUAL(commit_numbered(&db, 11), 11);
	CU_ASSERT_EQUAL(replay_from(&db, 9, &r, &diag), 0);
	CU_ASSERT_EQUAL(r.count, 2);
	ct_db_close(&db);
}

static void test_log_retain_trim(void)
{
	struct ct_db db;
	OPEN_DB(&db, ct_fast("log_retain: 5\n"));
	alopex_diag diag = {0};
	/* Past the engines' trimming batches, so records really go. */
	enum { N = 1100 };
	for (int i = 1; i <= N; i++)
		commit_numbered(&db, i);
	CU_ASSERT_EQUAL_FATAL(db.ops->log_position(db.eng), N);
	struct replay r = {0};
	for (int round = 0; round < 2; round++) {
		CU_ASSERT_EQUAL(replay_from(&db, 0, &r, &diag),
				ALOPEX_ENOTFOUND);
		CU_ASSERT_EQUAL(diag.code, ALOPEX_ENOTFOUND);
		CU_ASSERT_EQUAL(r.count, 0);
		CU_ASSERT_EQUAL(replay_from(&db, N - 6, &r, &diag),
				ALOPEX_ENOTFOUND);
		CU_ASSERT_EQUAL(replay_from(&db, N - 5, &r, &diag), 0);
		CU_ASSERT_EQUAL(r.count, 5);
		CU_ASSERT_EQUAL(r.pos[0], N - 4);
		CU_ASSERT_STRING_EQUAL(r.rec[4], "r1100");
		CU_ASSERT_EQUAL(replay_from(&db, N, &r, &diag), 0);
		CU_ASSERT_EQUAL(r.count, 0);
		if (!ct.durable)
			break;
		CU_ASSERT_EQUAL_FATAL(ct_db_reopen(&db, &diag), 0);
		CU_ASSERT_EQUAL(db.ops->log_position(db.eng), N);
	}
	if (ct.durable) {
		CU_ASSERT_EQUAL(commit_numbered(&db, N + 1), N + 1);
		CU_ASSERT_EQUAL(replay_from(&db, N - 4, &r, &diag), 0);
		CU_ASSERT_EQUAL(r.count, 5);
	}
	ct_db_close(&db);
}

static void test_log_retain_zero(void)
{
	struct ct_db db;
	OPEN_DB(&db, "log_retain: 0\n");
	alopex_diag diag = {0};
	for (int i = 1; i <= 3; i++)
		CU_ASSERT_EQUAL(commit_numbered(&db, i), (uint64_t)i);
	/* on_commit still gets every record. */
	CU_ASSERT_EQUAL(db.commits.count, 3);
	struct replay r = {0};
	CU_ASSERT_EQUAL(replay_from(&db, 0, &r, &diag), ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(replay_from(&db, 2, &r, &diag), ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(replay_from(&db, 3, &r, &diag), 0);
	CU_ASSERT_EQUAL(r.count, 0);
	if (ct.durable) {
		/* The last position is kept even though no record is. */
		CU_ASSERT_EQUAL_FATAL(ct_db_reopen(&db, &diag), 0);
		CU_ASSERT_EQUAL(db.ops->log_position(db.eng), 3);
		CU_ASSERT_EQUAL(replay_from(&db, 2, &r, &diag),
				ALOPEX_ENOTFOUND);
		CU_ASSERT_EQUAL(commit_numbered(&db, 4), 4);
	}
	ct_db_close(&db);
}

static void test_reopen_persistence(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	alopex_diag diag = {0};
	ct_fill(&db, "p,q,r");
	void *t = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_del(&db, t, "q"), 0);
	CU_ASSERT_EQUAL(ct_put(&db, t, "r", "changed"), 0);
	int rc;
	uint64_t pos = ct_commit(&db, t, "second", &rc);
	CU_ASSERT_EQUAL(pos, 2);
	/* Uncommitted at close: must not survive (rolled back first). */
	t = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, t, "lost", "x"), 0);
	db.ops->txn_rollback(t);

	CU_ASSERT_EQUAL_FATAL(ct_db_reopen(&db, &diag), 0);
	char out[64], buf[32];
	t = ct_begin(&db, 0);
	if (ct.durable) {
		CU_ASSERT_EQUAL(ct_scan(&db, t, ct_s(NULL), ct_s(NULL), 0, out,
					sizeof(out)),
				2);
		CU_ASSERT_STRING_EQUAL(out, "p,r");
		CU_ASSERT_EQUAL(ct_get(&db, t, "r", buf, sizeof(buf)), 0);
		CU_ASSERT_STRING_EQUAL(buf, "changed");
		CU_ASSERT_EQUAL(db.ops->log_position(db.eng), 2);
		struct replay r = {0};
		CU_ASSERT_EQUAL(replay_from(&db, 0, &r, &diag), 0);
		CU_ASSERT_EQUAL(r.count, 2);
		CU_ASSERT_STRING_EQUAL(r.rec[0], "fill");
		CU_ASSERT_STRING_EQUAL(r.rec[1], "second");
		/* Positions continue; on_commit of the new instance fires. */
		CU_ASSERT_EQUAL(ct_put(&db, t, "s", "1"), 0);
		CU_ASSERT_EQUAL(ct_commit(&db, t, "third", &rc), 3);
		CU_ASSERT_EQUAL(db.commits.count, 1);
	} else {
		/* Not durable: nothing survives close. */
		CU_ASSERT_EQUAL(ct.ops->caps & ALOPEX_ENGINE_DURABLE, 0);
		CU_ASSERT_EQUAL(ct_scan(&db, t, ct_s(NULL), ct_s(NULL), 0, out,
					sizeof(out)),
				0);
		CU_ASSERT_EQUAL(db.ops->log_position(db.eng), 0);
		db.ops->txn_rollback(t);
	}
	ct_db_close(&db);
}

const struct alx_test_case ct_log_cases[] = {
	{"log_positions", test_log_positions},
	{"log_read_replays", test_log_read_replays},
	{"log_retain_trim", test_log_retain_trim},
	{"log_retain_zero", test_log_retain_zero},
	{"reopen_persistence", test_reopen_persistence},
	{NULL, NULL},
};
