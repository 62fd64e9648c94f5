/*
 * A transaction's memory is reused by the next begin (kv_txn.c,
 * db->txn_spare). Each test leaves a transaction with every kind of state
 * set (savepoint undo, read memo, pending writes, a learnt gap, row locks,
 * an open cursor, a doom and its diag), ends it, and checks the next
 * transaction starts from nothing: its fields, and what it sees and may do.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "alx_test_kv.h"
#include "kv/kv_txn.h"

static alopex_slice vstr(const char *s)
{
	alopex_slice v = {(const uint8_t *)s, strlen(s)};
	return v;
}

/* Every field of a fresh transaction, as begin sets it. */
static void expect_fresh(alopex_db *db, struct alx_kv_txn *t, unsigned flags)
{
	CU_ASSERT_PTR_EQUAL(t->db, db);
	CU_ASSERT_EQUAL(t->flags, flags);
	CU_ASSERT_EQUAL(t->doomed, 0);
	CU_ASSERT_EQUAL(t->doom_code, 0);
	CU_ASSERT_EQUAL(t->batch.len, ALX_BATCH_HEADER_MAX);
	CU_ASSERT_EQUAL(t->batch.count, 0);
	CU_ASSERT_PTR_NULL(t->cursors);
	CU_ASSERT_EQUAL(t->diag.code, 0);
	CU_ASSERT_EQUAL(t->diag.message[0], '\0');
	CU_ASSERT_EQUAL(t->lk.nheld, 0);
	CU_ASSERT_PTR_NULL(t->lk.held);
	CU_ASSERT_PTR_NULL(t->lk.waits_for);
	CU_ASSERT_FALSE(t->lk.would_block);
	CU_ASSERT_FALSE(t->lk.waited_commit);
	CU_ASSERT_PTR_NULL(t->wait);
	CU_ASSERT_FALSE(t->restart);
	CU_ASSERT_EQUAL(t->nsavepoints, 0);
	CU_ASSERT_EQUAL(t->nundo, 0);
	CU_ASSERT_EQUAL(t->undo_len, 0);
	CU_ASSERT_PTR_NULL(t->undo);
	CU_ASSERT_PTR_NULL(t->undo_buf);
	CU_ASSERT_EQUAL(t->memo_klen, SIZE_MAX);
	CU_ASSERT_PTR_NULL(t->memo);
	CU_ASSERT_EQUAL(t->npend, 0);
	CU_ASSERT_EQUAL(t->pend_bytes, 0);
	CU_ASSERT_PTR_NULL(t->pend);
	CU_ASSERT_PTR_NULL(t->pend_slots);
	CU_ASSERT_PTR_NULL(t->pend_ctrl);
	CU_ASSERT_PTR_NULL(t->pend_run);
	CU_ASSERT_EQUAL(t->pend_slots_cap, 0);
	CU_ASSERT_FALSE(t->gap_valid);
	CU_ASSERT_PTR_NULL(t->gap_lo);
	CU_ASSERT_PTR_NULL(t->gap_hi);
	CU_ASSERT_EQUAL(t->gap_learns, 0);
	CU_ASSERT_EQUAL(t->gap_hits, 0);
	CU_ASSERT_EQUAL(t->gap_min, 32);
}

/*
 * A transaction with all its state set: committed key 1, then under a
 * savepoint an update of 1 (undo, memo), pending inserts 5..9 with a
 * learnt gap, locks on all of them, and a cursor left open.
 */
static struct alx_kv_txn *busy(alopex_db *db)
{
	struct alx_test_key k;
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, alx_test_knum(&k, 1), vstr("one")),
			0);
	alopex_diag d = {0};
	CU_ASSERT_EQUAL(alx_kv_txn_commit(t, NULL, &d), 0);

	t = alx_test_kv_begin(db, 0);
	t->gap_min = 0;
	struct alx_kv_savepoint sp;
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_savepoint(t, &sp), 0);
	alopex_slice v;
	CU_ASSERT_EQUAL(alx_kv_txn_get(t, alx_test_knum(&k, 1), &v), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_put(t, alx_test_knum(&k, 1), vstr("uno")),
			0);
	for (int i = 5; i < 10; i++)
		CU_ASSERT_EQUAL(
			alx_kv_txn_insert(t, alx_test_knum(&k, i), vstr("p")),
			0);
	CU_ASSERT(t->nundo > 0);
	CU_ASSERT(t->npend > 0);
	CU_ASSERT(t->lk.nheld > 0);
	CU_ASSERT(t->gap_learns > 0 || t->gap_valid);
	struct alx_kv_cursor *c = NULL;
	struct alx_test_key a, b;
	CU_ASSERT_EQUAL(alx_kv_cursor_open(t, alx_test_knum(&a, 0),
					   alx_test_knum(&b, 100), 0, &c),
			0);
	CU_ASSERT_PTR_NOT_NULL(t->cursors);
	return t;
}

/* What the next transaction sees and may do after busy ended. */
static void expect_clean_next(alopex_db *db, const char *v1)
{
	struct alx_test_key k;
	alopex_slice v;
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	expect_fresh(db, t, 0);
	CU_ASSERT_EQUAL(alx_kv_txn_get(t, alx_test_knum(&k, 1), &v), 0);
	CU_ASSERT(v.len == strlen(v1) && memcmp(v.ptr, v1, v.len) == 0);
	/* No stale lock, pending entry or gap: the keys are free to insert
	 * (after a commit of them, present). */
	int present = strcmp(v1, "uno") == 0;
	for (int i = 5; i < 10; i++) {
		int rc = alx_kv_txn_insert(t, alx_test_knum(&k, i), vstr("q"));
		CU_ASSERT_EQUAL(rc, present ? ALOPEX_EEXIST : 0);
	}
	CU_ASSERT_EQUAL(t->nsavepoints, 0);
	CU_ASSERT_EQUAL(t->nundo, 0);
	alopex_diag d = {0};
	CU_ASSERT_EQUAL(alx_kv_txn_commit(t, NULL, &d), 0);
	/* A read-only transaction after a writer. */
	t = alx_test_kv_begin(db, ALX_KV_TXN_READONLY);
	expect_fresh(db, t, ALX_KV_TXN_READONLY);
	CU_ASSERT_EQUAL(alx_kv_txn_get(t, alx_test_knum(&k, 7), &v), 0);
	CU_ASSERT(v.len == 1 && v.ptr[0] == (present ? 'p' : 'q'));
	alx_kv_txn_rollback(t);
}

static void test_after_rollback(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvreuse", &dir);
	alx_kv_txn_rollback(busy(db));
	expect_clean_next(db, "one");
	alx_test_close_dir(db, dir);
}

static void test_after_commit(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvreuse", &dir);
	struct alx_kv_txn *t = busy(db);
	alopex_diag d = {0};
	CU_ASSERT_EQUAL(alx_kv_txn_commit(t, NULL, &d), 0);
	expect_clean_next(db, "uno");
	alx_test_close_dir(db, dir);
}

/* A doomed transaction's doom and message do not carry over. */
static void test_after_doom(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvreuse", &dir);
	struct alx_test_key k;
	struct alx_kv_txn *a = busy(db);
	/* b writes a key a holds: no wait allowed, so 40001, doomed. */
	struct alx_kv_txn *b = alx_test_kv_begin(db, 0);
	CU_ASSERT_NOT_EQUAL(alx_kv_txn_put(b, alx_test_knum(&k, 6), vstr("x")),
			    0);
	CU_ASSERT(b->doomed != 0);
	CU_ASSERT(b->diag.message[0] != '\0');
	alopex_diag d = {0};
	CU_ASSERT_EQUAL(alx_kv_txn_commit(b, NULL, &d), ALOPEX_ECONFLICT);
	CU_ASSERT_STRING_EQUAL(d.sqlstate, "40001");
	/* b's memory is the spare now: the next begin takes it. */
	struct alx_kv_txn *c = alx_test_kv_begin(db, 0);
	expect_fresh(db, c, 0);
	CU_ASSERT_EQUAL(alx_kv_txn_put(c, alx_test_knum(&k, 2), vstr("two")),
			0);
	d = (alopex_diag){0};
	CU_ASSERT_EQUAL(alx_kv_txn_commit(c, NULL, &d), 0);
	alx_kv_txn_rollback(a);
	expect_clean_next(db, "one");
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"after_rollback", test_after_rollback},
	{"after_commit", test_after_commit},
	{"after_doom", test_after_doom},
	{NULL, NULL},
};

int main(int argc, char **argv)
{
	return alx_test_engines_main(argc, argv, "kv_reuse", cases);
}
