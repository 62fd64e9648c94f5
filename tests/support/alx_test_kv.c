/* Internal KV transactions for tests; see alx_test_kv.h. */
#include "alx_test_kv.h"

#include <stdio.h>
#include <string.h>

#include "alx_test.h"

alopex_slice alx_test_knum(struct alx_test_key *k, int n)
{
	k->b[0] = ALOPEX_SPACE_KV;
	snprintf((char *)k->b + 1, sizeof(k->b) - 1, "k%06d", n);
	alopex_slice s = {k->b, 8};
	return s;
}

struct alx_kv_txn *alx_test_kv_begin(alopex_db *db, unsigned flags)
{
	struct alx_kv_txn *t = NULL;
	alopex_diag d = {0};
	int rc = alx_kv_txn_begin(db, flags, &t, &d);
	if (rc != 0)
		fprintf(stderr, "begin: %s\n", d.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return t;
}

uint64_t alx_test_kv_commit(struct alx_kv_txn *t)
{
	uint64_t pos = 0;
	alopex_diag d = {0};
	int rc = alx_kv_txn_commit(t, &pos, &d);
	if (rc != 0)
		fprintf(stderr, "commit: %s\n", d.message);
	CU_ASSERT_EQUAL(rc, 0);
	return pos;
}

int alx_test_key_num(alopex_slice k)
{
	if (k.len != 8 || k.ptr[0] != ALOPEX_SPACE_KV || k.ptr[1] != 'k')
		return -1;
	int n = 0;
	for (size_t i = 2; i < 8; i++) {
		if (k.ptr[i] < '0' || k.ptr[i] > '9')
			return -1;
		n = n * 10 + (k.ptr[i] - '0');
	}
	return n;
}

alopex_slice alx_test_kv_val(char buf[32], int n, char tag)
{
	int len = snprintf(buf, 32, "v%d%c", n, tag);
	alopex_slice s = {(const uint8_t *)buf, (size_t)len};
	return s;
}

int alx_test_kv_write(struct alx_kv_txn *t, alx_test_kv_write_fn fn, int n,
		      char tag)
{
	struct alx_test_key k;
	char b[32];
	return fn(t, alx_test_knum(&k, n), alx_test_kv_val(b, n, tag));
}

static void kv_write_ok(struct alx_kv_txn *t, alx_test_kv_write_fn fn,
			const char *what, int n, char tag)
{
	int rc = alx_test_kv_write(t, fn, n, tag);
	if (rc != 0)
		fprintf(stderr, "%s %d: %s\n", what, n, t->diag.message);
	CU_ASSERT_EQUAL(rc, 0);
}

void alx_test_kv_insert(struct alx_kv_txn *t, int n, char tag)
{
	kv_write_ok(t, alx_kv_txn_insert, "insert", n, tag);
}

void alx_test_kv_put(struct alx_kv_txn *t, int n, char tag)
{
	kv_write_ok(t, alx_kv_txn_put, "put", n, tag);
}

int alx_test_kv_expect(struct alx_kv_txn *t, int n, char tag)
{
	struct alx_test_key k;
	char b[32];
	alopex_slice v;
	int rc = alx_kv_txn_get(t, alx_test_knum(&k, n), &v);
	if (tag == 0) {
		if (rc != ALOPEX_ENOTFOUND)
			fprintf(stderr, "key %d: rc %d, wanted absent\n", n,
				rc);
		CU_ASSERT_EQUAL(rc, ALOPEX_ENOTFOUND);
		return rc == ALOPEX_ENOTFOUND;
	}
	if (rc != 0)
		fprintf(stderr, "key %d: rc %d, wanted tag %c\n", n, rc, tag);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		return 0;
	alopex_slice want = alx_test_kv_val(b, n, tag);
	int ok = v.len == want.len && memcmp(v.ptr, want.ptr, v.len) == 0;
	if (!ok)
		fprintf(stderr, "key %d: '%.*s', wanted '%.*s'\n", n,
			(int)v.len, (const char *)v.ptr, (int)want.len,
			(const char *)want.ptr);
	CU_ASSERT(ok);
	return ok;
}

int alx_test_kv_expect_db(alopex_db *db, int n, char tag)
{
	struct alx_kv_txn *t = alx_test_kv_begin(db, ALX_KV_TXN_READONLY);
	int ok = alx_test_kv_expect(t, n, tag);
	alx_kv_txn_rollback(t);
	return ok;
}

int alx_test_kv_scan_sorted(alopex_db *db, alopex_slice lo, alopex_slice hi,
			    int max)
{
	struct alx_kv_txn *t = alx_test_kv_begin(db, ALX_KV_TXN_READONLY);
	struct alx_kv_cursor *c;
	CU_ASSERT_EQUAL_FATAL(alx_kv_cursor_open(t, lo, hi, 0, &c), 0);
	uint8_t prev[64];
	size_t prev_len = 0;
	int n = 0, bad = 0;
	alopex_slice k, v;
	while (n <= max && alx_kv_cursor_next(c, &k, &v) == ALOPEX_ROW) {
		if (n > 0) {
			size_t m = k.len < prev_len ? k.len : prev_len;
			int cmp = memcmp(prev, k.ptr, m);
			bad += cmp > 0 || (cmp == 0 && prev_len >= k.len);
		}
		bad += k.len > sizeof(prev);
		bad += v.len != k.len || memcmp(v.ptr, k.ptr, k.len) != 0;
		prev_len = k.len < sizeof(prev) ? k.len : sizeof(prev);
		memcpy(prev, k.ptr, prev_len);
		n++;
	}
	alx_kv_cursor_close(c);
	alx_kv_txn_rollback(t);
	if (bad != 0)
		fprintf(stderr,
			"scan_sorted: %d of %d rows out of order or "
			"with another value\n",
			bad, n);
	CU_ASSERT_EQUAL(bad, 0);
	return n;
}

void alx_test_shuffle(int *a, int n, uint64_t seed)
{
	uint64_t r = seed;
	for (int i = 0; i < n; i++)
		a[i] = i;
	for (int i = n - 1; i > 0; i--) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		int j = (int)((r >> 33) % (uint64_t)(i + 1));
		int x = a[i];
		a[i] = a[j];
		a[j] = x;
	}
}
