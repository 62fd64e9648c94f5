/*
 * Contract cases: point operations, byte keys and their order, range scans
 * in both directions, a transaction's view of its own writes, rollback,
 * large values and bulk loads.
 */
#include <stdlib.h>
#include <string.h>

#include "contract.h"

static void test_put_get_delete_overwrite(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	char buf[64];
	int rc;

	void *txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, txn, "alpha", "1"), 0);
	CU_ASSERT_EQUAL(ct_put(&db, txn, "beta", "2"), 0);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "alpha", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "1");
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "beta", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "2");
	CU_ASSERT_EQUAL(ct_put(&db, txn, "alpha", "one"), 0); /* overwrite */
	CU_ASSERT_EQUAL(ct_get(&db, txn, "alpha", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "one");
	CU_ASSERT_EQUAL(ct_put(&db, txn, "alpha", "uno"), 0); /* again */
	CU_ASSERT_EQUAL(ct_del(&db, txn, "beta"), 0);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "beta", buf, sizeof(buf)),
			ALOPEX_ENOTFOUND);
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	txn = ct_begin(&db, ALOPEX_TXN_READONLY);
	CU_ASSERT_EQUAL(ct_get(&db, txn, "alpha", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "uno");
	CU_ASSERT_EQUAL(ct_get(&db, txn, "beta", buf, sizeof(buf)),
			ALOPEX_ENOTFOUND);
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	/* Empty values are values, not absence. */
	txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, txn, "empty", ""), 0);
	ct_commit(&db, txn, NULL, &rc);
	txn = ct_begin(&db, 0);
	alopex_diag diag = {0};
	alopex_slice v = {NULL, 99};
	CU_ASSERT_EQUAL(db.ops->get(txn, ct_s("empty"), &v, &diag), 0);
	CU_ASSERT_EQUAL(v.len, 0);
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

static void test_get_missing(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "a,c");
	void *txn = ct_begin(&db, 0);
	alopex_diag diag = {0};
	alopex_slice v = {(const uint8_t *)"untouched", 9};
	CU_ASSERT_EQUAL(db.ops->get(txn, ct_s("b"), &v, &diag),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(diag.code, ALOPEX_ENOTFOUND);
	/* Out-parameters are written only on success. */
	CU_ASSERT_EQUAL(v.len, 9);
	CU_ASSERT_EQUAL(db.ops->get(txn, ct_s("a\x01"), &v, &diag),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(db.ops->get(txn, ct_s("zzz"), &v, &diag),
			ALOPEX_ENOTFOUND);
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

static void test_delete_missing(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "k1");
	int rc;
	void *txn = ct_begin(&db, 0);
	alopex_diag diag = {0};
	CU_ASSERT_EQUAL(db.ops->del(txn, ct_s("nope"), &diag),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(diag.code, ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(ct_del(&db, txn, "k1"), 0);
	/* Deleted in this transaction: gone for it. */
	CU_ASSERT_EQUAL(ct_del(&db, txn, "k1"), ALOPEX_ENOTFOUND);
	/* Put then delete within the transaction. */
	CU_ASSERT_EQUAL(ct_put(&db, txn, "k2", "x"), 0);
	CU_ASSERT_EQUAL(ct_del(&db, txn, "k2"), 0);
	CU_ASSERT_EQUAL(ct_del(&db, txn, "k2"), ALOPEX_ENOTFOUND);
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_del(&db, txn, "k1"), ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(ct_del(&db, txn, "k2"), ALOPEX_ENOTFOUND);
	/* The failed deletes did not poison the transaction. */
	CU_ASSERT_EQUAL(ct_put(&db, txn, "k3", "y"), 0);
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	ct_db_close(&db);
}

static void test_binary_keys_order(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	static const struct {
		const char *k;
		size_t len;
	} keys[] = {
		{"b", 1},	 {"a\x01", 2}, {"a", 1},	{"\xff", 1},
		{"a\0", 2},	 {"\0", 1},    {"\0\0", 2},	{"a\xff\0", 3},
		{"\xff\xff", 2}, {"a\0b", 3},  {"\x7f\x80", 2},
	};
	int rc;
	void *txn = ct_begin(&db, 0);
	alopex_diag diag = {0};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char val[8];
		snprintf(val, sizeof(val), "%zu", i);
		CU_ASSERT_EQUAL(db.ops->put(txn, ct_b(keys[i].k, keys[i].len),
					    ct_s(val), &diag),
				0);
	}
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);

	txn = ct_begin(&db, 0);
	char out[512];
	CU_ASSERT_EQUAL(
		ct_scan(&db, txn, ct_s(NULL), ct_s(NULL), 0, out, sizeof(out)),
		11);
	CU_ASSERT_STRING_EQUAL(out, "0x00,0x0000,a,0x6100,0x610062,0x6101,"
				    "0x61ff00,b,0x7f80,0xff,0xffff");
	CU_ASSERT_EQUAL(ct_scan(&db, txn, ct_s(NULL), ct_s(NULL),
				ALOPEX_CURSOR_REVERSE, out, sizeof(out)),
			11);
	CU_ASSERT_STRING_EQUAL(out, "0xffff,0xff,0x7f80,b,0x61ff00,0x6101,"
				    "0x610062,0x6100,a,0x0000,0x00");
	/* Keys with NULs are distinct and exact. */
	alopex_slice v = {0};
	CU_ASSERT_EQUAL(db.ops->get(txn, ct_b("a\0", 2), &v, &diag), 0);
	CU_ASSERT(ct_eq(v, "4"));
	CU_ASSERT_EQUAL(db.ops->get(txn, ct_b("a\0\0", 3), &v, &diag),
			ALOPEX_ENOTFOUND);
	/* [a, b) holds a and everything that starts with it. */
	CU_ASSERT_EQUAL(
		ct_scan(&db, txn, ct_s("a"), ct_s("b"), 0, out, sizeof(out)),
		5);
	/* [a\0, a\1): a\0 and a\0b. */
	CU_ASSERT_EQUAL(ct_scan(&db, txn, ct_b("a\0", 2), ct_b("a\x01", 2), 0,
				out, sizeof(out)),
			2);
	CU_ASSERT_STRING_EQUAL(out, "0x6100,0x610062");
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

static void test_key_limits(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	size_t max = ALOPEX_KV_MAX_KEY;
	uint8_t *big = malloc(max + 1);
	memset(big, 'k', max + 1);
	int rc;
	alopex_diag diag = {0};
	void *txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(db.ops->put(txn, ct_b("", 0), ct_s("v"), &diag),
			ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(diag.code, ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(db.ops->put(txn, ct_b(big, max + 1), ct_s("v"), &diag),
			ALOPEX_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag.message, "16384"));
	CU_ASSERT_EQUAL(
		db.ops->get(txn, ct_b("", 0), &(alopex_slice){0}, &diag),
		ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(db.ops->del(txn, ct_b(big, max + 1), &diag),
			ALOPEX_EINVAL);
	/* Invalid arguments leave the transaction usable. */
	CU_ASSERT_EQUAL(db.ops->put(txn, ct_b(big, max), ct_s("max"), &diag),
			0);
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	txn = ct_begin(&db, 0);
	alopex_slice v = {0};
	CU_ASSERT_EQUAL(db.ops->get(txn, ct_b(big, max), &v, &diag), 0);
	CU_ASSERT_EQUAL(v.len, 3);
	db.ops->txn_rollback(txn);
	free(big);
	ct_db_close(&db);
}

static void test_scan_forward_bounds(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "b,d,f,h");
	char out[256];
	void *txn = ct_begin(&db, ALOPEX_TXN_READONLY);
	static const struct {
		const char *lo, *hi, *want;
	} cases[] = {
		{NULL, NULL, "b,d,f,h"}, /* both open */
		{"d", NULL, "d,f,h"},	 /* closed lower on a key */
		{"c", NULL, "d,f,h"},	 /* lower between keys */
		{NULL, "f", "b,d"},	 /* upper excluded */
		{NULL, "e", "b,d"},	 /* upper between keys */
		{"d", "h", "d,f"},	 {"c", "g", "d,f"},
		{"b", "b\x01", "b"}, /* a single key */
		{"d", "d", ""},	     /* empty: lower == upper */
		{"f", "d", ""},	     /* empty: lower > upper */
		{"i", NULL, ""},     /* past the end */
		{NULL, "a", ""},     /* before the start */
		{"d\x01", "e", ""},  /* between keys */
		{"a", "z", "b,d,f,h"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = ct_scan(&db, txn, ct_s(cases[i].lo), ct_s(cases[i].hi),
				0, out, sizeof(out));
		CU_ASSERT(n >= 0);
		CU_ASSERT_STRING_EQUAL(out, cases[i].want);
		if (strcmp(out, cases[i].want) != 0)
			fprintf(stderr, "[%s,%s): got '%s' want '%s'\n",
				cases[i].lo ? cases[i].lo : "-",
				cases[i].hi ? cases[i].hi : "-", out,
				cases[i].want);
	}
	/* After DONE, next stays DONE. */
	alopex_diag diag = {0};
	void *cur = NULL;
	CU_ASSERT_EQUAL(
		db.ops->cursor_open(txn, ct_s("g"), ct_s(NULL), 0, &cur, &diag),
		0);
	alopex_slice k = {0}, v = {0};
	CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag), ALOPEX_ROW);
	CU_ASSERT(ct_eq(k, "h"));
	CU_ASSERT(ct_eq(v, "v:h"));
	CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag), ALOPEX_DONE);
	CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag), ALOPEX_DONE);
	db.ops->cursor_close(cur);
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

static void test_scan_reverse_bounds(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "b,d,f,h");
	char out[256];
	void *txn = ct_begin(&db, ALOPEX_TXN_READONLY);
	static const struct {
		const char *lo, *hi, *want;
	} cases[] = {
		{NULL, NULL, "h,f,d,b"},
		{"d", NULL, "h,f,d"},
		{"c", NULL, "h,f,d"},
		{NULL, "f", "d,b"}, /* upper excluded */
		{NULL, "e", "d,b"},
		{NULL, "z", "h,f,d,b"},
		{"d", "h", "f,d"},
		{"c", "g", "f,d"},
		{"b", "b\x01", "b"},
		{"d", "d", ""},
		{"f", "d", ""},
		{"i", NULL, ""},
		{NULL, "b", ""},
		{"d\x01", "e", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = ct_scan(&db, txn, ct_s(cases[i].lo), ct_s(cases[i].hi),
				ALOPEX_CURSOR_REVERSE, out, sizeof(out));
		CU_ASSERT(n >= 0);
		CU_ASSERT_STRING_EQUAL(out, cases[i].want);
		if (strcmp(out, cases[i].want) != 0)
			fprintf(stderr, "reverse [%s,%s): got '%s' want '%s'\n",
				cases[i].lo ? cases[i].lo : "-",
				cases[i].hi ? cases[i].hi : "-", out,
				cases[i].want);
	}
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

static void test_cursor_sees_own_writes(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "b,d,f");
	char out[256];
	void *txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, txn, "a", "new"), 0);
	CU_ASSERT_EQUAL(ct_put(&db, txn, "e", "new"), 0);
	CU_ASSERT_EQUAL(ct_del(&db, txn, "d"), 0);
	CU_ASSERT_EQUAL(ct_put(&db, txn, "f", "changed"), 0);
	CU_ASSERT_EQUAL(
		ct_scan(&db, txn, ct_s(NULL), ct_s(NULL), 0, out, sizeof(out)),
		4);
	CU_ASSERT_STRING_EQUAL(out, "a,b,e,f");
	CU_ASSERT_EQUAL(ct_scan(&db, txn, ct_s(NULL), ct_s(NULL),
				ALOPEX_CURSOR_REVERSE, out, sizeof(out)),
			4);
	CU_ASSERT_STRING_EQUAL(out, "f,e,b,a");
	CU_ASSERT_EQUAL(
		ct_scan(&db, txn, ct_s("c"), ct_s("f"), 0, out, sizeof(out)),
		1);
	CU_ASSERT_STRING_EQUAL(out, "e");

	/* The value a cursor returns is the transaction's own. */
	alopex_diag diag = {0};
	void *cur = NULL;
	CU_ASSERT_EQUAL(
		db.ops->cursor_open(txn, ct_s("f"), ct_s(NULL), 0, &cur, &diag),
		0);
	alopex_slice k = {0}, v = {0};
	CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag), ALOPEX_ROW);
	CU_ASSERT(ct_eq(v, "changed"));
	db.ops->cursor_close(cur);

	/* Another transaction sees none of it. */
	void *other = ct_begin(&db, ALOPEX_TXN_READONLY);
	CU_ASSERT_EQUAL(ct_scan(&db, other, ct_s(NULL), ct_s(NULL), 0, out,
				sizeof(out)),
			3);
	CU_ASSERT_STRING_EQUAL(out, "b,d,f");
	db.ops->txn_rollback(other);

	/* Writes between cursor steps show up when not yet passed. */
	CU_ASSERT_EQUAL(db.ops->cursor_open(txn, ct_s(NULL), ct_s(NULL), 0,
					    &cur, &diag),
			0);
	CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag), ALOPEX_ROW);
	CU_ASSERT(ct_eq(k, "a"));
	CU_ASSERT_EQUAL(ct_put(&db, txn, "c", "mid"), 0);
	CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag), ALOPEX_ROW);
	CU_ASSERT(ct_eq(k, "b"));
	CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag), ALOPEX_ROW);
	CU_ASSERT(ct_eq(k, "c"));
	db.ops->cursor_close(cur);
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

static void test_rollback_discards(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	ct_fill(&db, "keep,gone");
	uint64_t before = db.ops->log_position(db.eng);
	void *txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(ct_put(&db, txn, "new", "1"), 0);
	CU_ASSERT_EQUAL(ct_put(&db, txn, "keep", "changed"), 0);
	CU_ASSERT_EQUAL(ct_del(&db, txn, "gone"), 0);
	db.ops->txn_rollback(txn);

	char out[128], buf[32];
	txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(
		ct_scan(&db, txn, ct_s(NULL), ct_s(NULL), 0, out, sizeof(out)),
		2);
	CU_ASSERT_STRING_EQUAL(out, "gone,keep");
	CU_ASSERT_EQUAL(ct_get(&db, txn, "keep", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "v:keep");
	CU_ASSERT_EQUAL(ct_get(&db, txn, "new", buf, sizeof(buf)),
			ALOPEX_ENOTFOUND);
	/* A rolled-back key can be written again without a conflict. */
	CU_ASSERT_EQUAL(ct_put(&db, txn, "new", "2"), 0);
	int rc;
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	/* The rollback made no log record. */
	CU_ASSERT_EQUAL(db.ops->log_position(db.eng), before + 1);

	/* A cursor outliving its transaction fails cleanly, then closes. */
	txn = ct_begin(&db, 0);
	alopex_diag diag = {0};
	void *cur = NULL;
	CU_ASSERT_EQUAL_FATAL(db.ops->cursor_open(txn, ct_s(NULL), ct_s(NULL),
						  0, &cur, &diag),
			      0);
	alopex_slice k = {0}, v = {0};
	CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag), ALOPEX_ROW);
	db.ops->txn_rollback(txn);
	CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag),
			ALOPEX_EMISUSE);
	db.ops->cursor_close(cur);
	ct_db_close(&db);
}

static void test_large_values(void)
{
	struct ct_db db;
	OPEN_DB(&db, NULL);
	size_t len = 1u << 20;
	uint8_t *big = malloc(len);
	for (size_t i = 0; i < len; i++)
		big[i] = (uint8_t)(i * 131 + (i >> 9));
	alopex_diag diag = {0};
	int rc;
	void *txn = ct_begin(&db, 0);
	CU_ASSERT_EQUAL(db.ops->put(txn, ct_s("big"), ct_b(big, len), &diag),
			0);
	CU_ASSERT_EQUAL(
		db.ops->put(txn, ct_s("big2"), ct_b(big, len - 1), &diag), 0);
	ct_commit(&db, txn, NULL, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	for (int round = 0; round < 2; round++) {
		txn = ct_begin(&db, 0);
		alopex_slice v = {0};
		CU_ASSERT_EQUAL(db.ops->get(txn, ct_s("big"), &v, &diag), 0);
		CU_ASSERT_EQUAL(v.len, len);
		CU_ASSERT(v.len == len && memcmp(v.ptr, big, len) == 0);
		void *cur = NULL;
		CU_ASSERT_EQUAL(db.ops->cursor_open(txn, ct_s("big2"),
						    ct_s(NULL), 0, &cur, &diag),
				0);
		alopex_slice k = {0};
		CU_ASSERT_EQUAL(db.ops->cursor_next(cur, &k, &v, &diag),
				ALOPEX_ROW);
		CU_ASSERT_EQUAL(v.len, len - 1);
		CU_ASSERT(v.len == len - 1 && memcmp(v.ptr, big, len - 1) == 0);
		db.ops->cursor_close(cur);
		db.ops->txn_rollback(txn);
		if (!ct.durable)
			break;
		CU_ASSERT_EQUAL_FATAL(ct_db_reopen(&db, &diag), 0);
	}
	free(big);
	ct_db_close(&db);
}

static void test_bulk_10k(void)
{
	struct ct_db db;
	OPEN_DB(&db, ct_fast(NULL));
	enum { N = 10000, BATCH = 1000 };
	alopex_diag diag = {0};
	int rc;
	/* Insert in a scattered order so the structure really sorts. */
	for (int b = 0; b < N / BATCH; b++) {
		void *txn = ct_begin(&db, 0);
		for (int i = 0; i < BATCH; i++) {
			unsigned n = (unsigned)((b * BATCH + i) * 7919) % N;
			char key[32], val[32];
			snprintf(key, sizeof(key), "key%08u", n);
			snprintf(val, sizeof(val), "%u", n);
			CU_ASSERT_EQUAL(
				db.ops->put(txn, ct_s(key), ct_s(val), &diag),
				0);
		}
		ct_commit(&db, txn, NULL, &rc);
		CU_ASSERT_EQUAL(rc, 0);
	}
	void *txn = ct_begin(&db, ALOPEX_TXN_READONLY);
	for (int dir = 0; dir < 2; dir++) {
		void *cur = NULL;
		CU_ASSERT_EQUAL_FATAL(
			db.ops->cursor_open(txn, ct_s(NULL), ct_s(NULL),
					    dir ? ALOPEX_CURSOR_REVERSE : 0,
					    &cur, &diag),
			0);
		int count = 0, ordered = 1;
		alopex_slice k = {0}, v = {0};
		while (count <= N &&
		       db.ops->cursor_next(cur, &k, &v, &diag) == ALOPEX_ROW) {
			char want[32];
			int n = dir ? N - 1 - count : count;
			snprintf(want, sizeof(want), "key%08d", n);
			if (k.len != strlen(want) ||
			    memcmp(k.ptr, want, k.len) != 0)
				ordered = 0;
			count++;
		}
		CU_ASSERT_EQUAL(count, N);
		CU_ASSERT(ordered);
		db.ops->cursor_close(cur);
	}
	/* A bounded scan in the middle. */
	char out[64];
	CU_ASSERT_EQUAL(ct_scan(&db, txn, ct_s("key00005000"),
				ct_s("key00005100"), 0, out, sizeof(out)),
			100);
	db.ops->txn_rollback(txn);
	ct_db_close(&db);
}

const struct alx_test_case ct_kv_cases[] = {
	{"put_get_delete_overwrite", test_put_get_delete_overwrite},
	{"get_missing", test_get_missing},
	{"delete_missing", test_delete_missing},
	{"binary_keys_order", test_binary_keys_order},
	{"key_limits", test_key_limits},
	{"scan_forward_bounds", test_scan_forward_bounds},
	{"scan_reverse_bounds", test_scan_reverse_bounds},
	{"cursor_sees_own_writes", test_cursor_sees_own_writes},
	{"rollback_discards", test_rollback_discards},
	{"large_values", test_large_values},
	{"bulk_10k", test_bulk_10k},
	{NULL, NULL},
};
