/*
 * Contract cases for the insert-if-absent op: it writes only when the
 * transaction sees no value, answers ALOPEX_EEXIST otherwise without
 * harming the transaction, counts as a write, and conflicts exactly where a
 * get followed by a put would.
 */
#include <stddef.h>
#include <string.h>

#include "contract.h"

static int ct_insert(struct ct_db *db, void *txn, const char *key,
		     const char *val, alopex_diag *diag)
{
	return db->ops->insert(txn, ct_s(key), ct_s(val), diag);
}

static void test_insert_advertised(void)
{
	const struct alopex_engine_ops *ops = ct.ops;
	CU_ASSERT(ops->size >= offsetof(struct alopex_engine_ops, insert) +
				       sizeof(ops->insert));
	CU_ASSERT(ops->caps & ALOPEX_ENGINE_INSERT);
	CU_ASSERT_PTR_NOT_NULL(ops->insert);
}

static void test_insert_new_and_existing(void)
{
	if (ct.ops->insert == NULL)
		return;
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "a");
	char buf[64], out[64];
	int rc;
	alopex_diag diag = {0};

	void *txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "b", "new-b", &diag), 0);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "b", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "new-b");
	/* Committed before the snapshot: exists, value untouched. */
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "a", "clobber", &diag),
			ALOPEX_EEXIST);
	CU_ASSERT_EQUAL(diag.code, ALOPEX_EEXIST);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "a", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "v:a");
	/* The transaction's own write exists too. */
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "b", "again", &diag),
			ALOPEX_EEXIST);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "b", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "new-b");
	/* EEXIST is an answer: the transaction goes on and commits. */
	CU_ASSERT_EQUAL(ct_put(&db, txn, "c", "v:c"), 0);
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "", "x", &diag), ALOPEX_EINVAL);
	uint64_t pos = ct_commit(&db, txn, "ins", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(pos > 0);

	txn = ct_begin(&db, ALOPEX_TXN_READONLY);
	CU_ASSERT_EQUAL(
		ct_scan(&db, txn, ct_s(NULL), ct_s(NULL), 0, out, sizeof(out)),
		3);
	CU_ASSERT_STRING_EQUAL(out, "a,b,c");
	CU_ASSERT_EQUAL(ct_get(&db, txn, "a", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "v:a");
	CU_ASSERT_EQUAL(ct_get(&db, txn, "b", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "new-b");
	/* Read-only transactions refuse it like any write. */
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "d", "x", &diag), ALOPEX_EREADONLY);
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

static void test_insert_is_a_write(void)
{
	if (ct.ops->insert == NULL)
		return;
	struct ct_db db;
	OPEN_DB(&db, NULL);
	char buf[64];
	int rc;
	alopex_diag diag = {0};

	/* A transaction whose only write is an insert gets a position. */
	uint64_t before = db.ops->log_position(db.eng);
	void *txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "only", "1", &diag), 0);
	uint64_t pos = ct_commit(&db, txn, "only-insert", &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(pos, before + 1);
	const struct ct_commit_rec *r = ct_commit_find(&db, pos);
	CU_ASSERT_PTR_NOT_NULL(r);
	if (r != NULL)
		CU_ASSERT(r->len == 11 &&
			  memcmp(r->data, "only-insert", 11) == 0);

	/* One that only met existing keys wrote nothing. */
	before = db.ops->log_position(db.eng);
	txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "only", "2", &diag), ALOPEX_EEXIST);
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), before);

	/* Rolled back, an insert leaves nothing. */
	txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "gone", "1", &diag), 0);
	db.ops->txn_rollback(txn);
	txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "gone", buf, sizeof(buf)),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "only", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "1");
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

static void test_insert_after_delete(void)
{
	if (ct.ops->insert == NULL)
		return;
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "k,gone");
	char buf[64];
	int rc;
	alopex_diag diag = {0};

	/* Deleted by a committed transaction: absent, insertable. */
	void *txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_del(&db, txn, "gone"), 0);
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "gone", "back", &diag), 0);
	/* Deleted by this transaction: absent to it, insertable too. */
	CU_ASSERT_EQUAL(ct_del(&db, txn, "k"), 0);
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "k", "renewed", &diag), 0);
	CU_ASSERT_EQUAL(ct_insert(&db, txn, "k", "twice", &diag),
			ALOPEX_EEXIST);
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	txn = ct_begin(&db, ALOPEX_TXN_READONLY);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "gone", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "back");
	CU_ASSERT_EQUAL(ct_get(&db, txn, "k", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "renewed");
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

static void test_insert_conflicts(void)
{
	if (ct.ops->insert == NULL)
		return;
	struct ct_db db;
	OPEN_DB(&db, NULL);
	char buf[64];
	int rc;
	alopex_diag diag = {0};

	/* Two inserts of one key, both uncommitted: the second loses. */
	void *a = ct_begin(&db, 0);
	void *b = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_insert(&db, a, "k", "from-a", &diag), 0);
	CU_ASSERT_EQUAL(ct_insert(&db, b, "k", "from-b", &diag),
			ALOPEX_ECONFLICT);
	CU_ASSERT_EQUAL(diag.code, ALOPEX_ECONFLICT);
	db.ops->txn_rollback(b);
	ct_commit(&db, a, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	/*
	 * Committed after the snapshot: invisible, so not "exists", but
	 * writing it would lose an update: a conflict, as get + put gives.
	 */
	void *c = ct_begin(&db, 0);
	void *d = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_insert(&db, c, "late", "from-c", &diag), 0);
	ct_commit(&db, c, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(ct_get(&db, d, "late", buf, sizeof(buf)),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(ct_insert(&db, d, "late", "from-d", &diag),
			ALOPEX_ECONFLICT);
	/* And the loser is rollback-only, as after a put conflict. */
	uint64_t before = db.ops->log_position(db.eng);
	ct_commit(&db, d, NULL, &rc);
	CU_ASSERT_EQUAL(rc, ALOPEX_ECONFLICT);
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), before);

	void *r = ct_begin(&db, ALOPEX_TXN_READONLY);
	CU_ASSERT_EQUAL(ct_get(&db, r, "k", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "from-a");
	CU_ASSERT_EQUAL(ct_get(&db, r, "late", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "from-c");
	db.ops->txn_rollback(r);
	ct_db_close(&db);
}

const struct alx_test_case ct_insert_cases[] = {
	{"insert_advertised", test_insert_advertised},
	{"insert_new_and_existing", test_insert_new_and_existing},
	{"insert_is_a_write", test_insert_is_a_write},
	{"insert_after_delete", test_insert_after_delete},
	{"insert_conflicts", test_insert_conflicts},
	{NULL, NULL},
};
