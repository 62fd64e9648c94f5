/*
 * The order in which deferred writes reach the engine (kv_txn.c,
 * sort_pending: a radix sort on the 8 bytes after the keys' common prefix,
 * ties by the next bytes, then whole keys) on both engines: whatever the
 * keys, a committed run reads back in memcmp order, every key once. A spy
 * between the core and the engine sees what the flush hands put_sorted:
 * runs of at most PUT_CHUNK rows, in strictly ascending order across the
 * chunks of one flush, with each key's own value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "alx_test_kv.h"
#include "db/db_internal.h"
#include "kv/kv_txn.h"

/*
 * Keys sharing a long prefix (19 bytes: the flush compares it 8 bytes at a
 * time), with tails shorter and longer than the 8 bytes the radix sort
 * orders by, tails equal in those 8 bytes and different after them, and
 * zero bytes. The committed keys come back in memcmp order, every one.
 */
static void test_sort_long_prefix(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvsort", &dir);
	enum { M = 500, PFX = 19 };
	int order[M];
	alx_test_shuffle(order, M, 12345);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	int inserted = 0;
	for (int i = 0; i < M; i++) {
		int n = order[i];
		for (int twin = 0; twin < (n % 5 == 2 ? 2 : 1); twin++) {
			uint8_t k[40];
			size_t len = 0;
			k[len++] = ALOPEX_SPACE_KV;
			k[len++] = 'L';
			memset(k + len, 'p', PFX - 2);
			len = PFX;
			k[len++] = (uint8_t)(n >> 8);
			switch (n % 5) {
			case 0: /* past the 8 bytes */
				k[len++] = (uint8_t)n;
				memset(k + len, 0, 5);
				len += 5;
				k[len++] = 1;
				k[len++] = 'z';
				break;
			case 1: /* shorter: zero-padded */
				k[len++] = (uint8_t)n;
				break;
			case 2: /* equal 8 bytes, twins differ after */
				k[len++] = (uint8_t)n;
				memset(k + len, 0, 6);
				len += 6;
				k[len++] = 'x';
				k[len++] = (uint8_t)('a' + twin);
				break;
			case 3: /* exactly the 8 bytes */
				k[len++] = (uint8_t)n;
				memset(k + len, 0, 6);
				len += 6;
				break;
			default: /* one byte */
				break;
			}
			alopex_slice ks = {k, len};
			int rc = alx_kv_txn_insert(t, ks, ks);
			/* case 4 keys repeat per n >> 8: the first stands */
			if (n % 5 == 4 && rc == ALOPEX_EEXIST)
				continue;
			CU_ASSERT_EQUAL(rc, 0);
			inserted++;
		}
	}
	CU_ASSERT_EQUAL((int)t->npend, inserted);
	alx_test_kv_commit(t);
	uint8_t lo[2] = {ALOPEX_SPACE_KV, 'L'}, hi[2] = {ALOPEX_SPACE_KV, 'M'};
	alopex_slice los = {lo, 2}, his = {hi, 2};
	CU_ASSERT_EQUAL(alx_test_kv_scan_sorted(db, los, his, inserted),
			inserted);
	alx_test_close_dir(db, dir);
}

/*
 * The spy: the engine's ops with put_sorted replaced (and offered on
 * engines without it, forwarded as puts). A new run starts where a key is
 * not above the last one seen; test_reset starts a flush's count.
 */
static struct spy {
	alopex_db *db;
	const struct alopex_engine_ops *real;
	struct alopex_engine_ops ops;
	uint8_t last[96];
	size_t last_len;
	int calls, rows, runs, max_rows, bad_values;
} spy;

static int spy_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n > 0 ? memcmp(a, b, n) : 0;
	return c != 0 ? c : (alen > blen) - (alen < blen);
}

/* Values are the key itself, or empty for keys ending in 'e'. */
static int spy_put_sorted(void *txn, const alopex_mutation *m, size_t n,
			  alopex_diag *diag)
{
	spy.calls++;
	spy.max_rows = (int)n > spy.max_rows ? (int)n : spy.max_rows;
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_FATAL(m[i].klen > 0 && m[i].klen <= sizeof(spy.last));
		if (spy.rows == 0 ||
		    spy_cmp(spy.last, spy.last_len, m[i].key, m[i].klen) >= 0)
			spy.runs++;
		memcpy(spy.last, m[i].key, m[i].klen);
		spy.last_len = m[i].klen;
		spy.rows++;
		bool empty = m[i].key[m[i].klen - 1] == 'e';
		if (empty ? m[i].vlen != 0
			  : m[i].vlen != m[i].klen ||
				    memcmp(m[i].val, m[i].key, m[i].klen) != 0)
			spy.bad_values++;
	}
	if (spy.real->caps & ALOPEX_ENGINE_PUT_SORTED)
		return spy.real->put_sorted(txn, m, n, diag);
	for (size_t i = 0; i < n; i++) {
		alopex_slice k = {m[i].key, m[i].klen};
		alopex_slice v = {m[i].val, m[i].vlen};
		int rc = spy.real->put(txn, k, v, diag);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void spy_install(alopex_db *db)
{
	memset(&spy, 0, sizeof(spy));
	spy.db = db;
	spy.real = db->eng;
	CU_ASSERT_FATAL(spy.real->size <= sizeof(spy.ops));
	memcpy(&spy.ops, spy.real, spy.real->size);
	spy.ops.size = sizeof(spy.ops);
	spy.ops.caps |= ALOPEX_ENGINE_PUT_SORTED;
	spy.ops.put_sorted = spy_put_sorted;
	db->eng = &spy.ops;
}

static void spy_reset(void)
{
	spy.calls = spy.rows = spy.runs = spy.max_rows = spy.bad_values = 0;
}

static void spy_remove(void)
{
	spy.db->eng = spy.real;
}

/* Key n of a family: tag byte, then the bytes make_key lays out. */
static size_t fam_key(uint8_t *k, int family, int n)
{
	size_t len = 0;
	k[len++] = ALOPEX_SPACE_KV;
	k[len++] = 'D';
	k[len++] = (uint8_t)family;
	switch (family) {
	case 0: /* 40 shared bytes, then two: past the radix levels */
		memset(k + len, 'q', 40);
		len += 40;
		k[len++] = (uint8_t)(n >> 8);
		k[len++] = (uint8_t)n;
		break;
	case 1: /* 12 shared bytes: the second level decides */
		memset(k + len, 'r', 12);
		len += 12;
		k[len++] = (uint8_t)(255 - n);
		break;
	case 2: /* zeros, up to the marker: ties until the keys end */
		memset(k + len, 0, (size_t)n);
		len += (size_t)n;
		break;
	case 3: /* small ties: groups of 5 share 8 bytes */
		memset(k + len, 'a' + n / 5, 8);
		len += 8;
		k[len++] = (uint8_t)(n % 5);
		break;
	default: /* 2 distinct bytes: the first level decides */
		k[len++] = (uint8_t)(n >> 8);
		k[len++] = (uint8_t)n;
		break;
	}
	/* every third key's value is empty: the key says so */
	k[len++] = n % 3 == 0 ? 'e' : 'v';
	return len;
}

/* Members of each family: family 2 is bounded by its key length. */
static const int fam_size[5] = {300, 200, 40, 60, 700};

static void fam_insert(struct alx_kv_txn *t, int family, int n)
{
	uint8_t k[96];
	size_t len = fam_key(k, family, n);
	alopex_slice ks = {k, len};
	alopex_slice vs = {k, k[len - 1] == 'e' ? 0 : len};
	CU_ASSERT_EQUAL(alx_kv_txn_insert(t, ks, vs), 0);
}

/*
 * Families of keys that tie for 8, 16, 24 and 40 bytes past their common
 * prefix (the flush's radix levels, then its comparison sort), that differ
 * only in length, in small groups and at once: shuffled together, one
 * flush hands them to the engine in key order, in chunks, each with its
 * value (empty ones too); each reads back.
 */
static void test_sort_families(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvsort", &dir);
	spy_install(db);
	int total = 0;
	for (int f = 0; f < 5; f++)
		total += fam_size[f];
	int *order = malloc(sizeof(int) * (size_t)total);
	CU_ASSERT_PTR_NOT_NULL_FATAL(order);
	alx_test_shuffle(order, total, 777);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	for (int i = 0; i < total; i++) {
		int n = order[i], f = 0;
		while (n >= fam_size[f])
			n -= fam_size[f++];
		fam_insert(t, f, n);
	}
	CU_ASSERT_EQUAL((int)t->npend, total);
	spy_reset();
	alx_test_kv_commit(t);
	CU_ASSERT_EQUAL(spy.rows, total);
	CU_ASSERT_EQUAL(spy.runs, 1);
	CU_ASSERT_EQUAL(spy.bad_values, 0);
	CU_ASSERT_EQUAL(spy.max_rows, 256);
	CU_ASSERT_EQUAL(spy.calls, (total + 255) / 256);
	t = alx_test_kv_begin(db, ALX_KV_TXN_READONLY);
	for (int f = 0; f < 5; f++) {
		for (int n = 0; n < fam_size[f]; n++) {
			uint8_t k[96];
			size_t len = fam_key(k, f, n);
			alopex_slice ks = {k, len}, v;
			CU_ASSERT_EQUAL_FATAL(alx_kv_txn_get(t, ks, &v), 0);
			size_t want = k[len - 1] == 'e' ? 0 : len;
			CU_ASSERT(v.len == want &&
				  (want == 0 || memcmp(v.ptr, k, len) == 0));
		}
	}
	alx_kv_txn_rollback(t);
	spy_remove();
	free(order);
	alx_test_close_dir(db, dir);
}

/*
 * A transaction whose pending writes go to the engine many times over
 * (a small pend_max): each flush is one ascending run; the set is empty
 * and usable after each, for reads of pending keys and duplicates; a
 * savepoint rolled back drops the pending keys written after it and
 * keeps the older ones, which still read back and flush.
 */
static void test_many_flushes(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvsort", &dir);
	spy_install(db);
	enum { M = 4000 };
	int order[M];
	alx_test_shuffle(order, M, 4242);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	t->pend_max = 6000;
	spy_reset();
	int flushes = 0;
	size_t before = 0;
	for (int i = 0; i < M / 2; i++) {
		fam_insert(t, 4, order[i]);
		if (t->npend < before + 1)
			flushes++;
		before = t->npend;
		if (i % 101 == 0) { /* a pending key, a duplicate of one */
			uint8_t k[96];
			size_t len = fam_key(k, 4, order[i]);
			alopex_slice ks = {k, len}, v;
			CU_ASSERT_EQUAL(alx_kv_txn_get(t, ks, &v), 0);
			CU_ASSERT_EQUAL(v.len, k[len - 1] == 'e' ? 0 : len);
			CU_ASSERT_EQUAL(alx_kv_txn_insert(t, ks, ks),
					ALOPEX_EEXIST);
		}
	}
	CU_ASSERT(flushes >= 10);
	CU_ASSERT_EQUAL(spy.runs, flushes);
	CU_ASSERT_EQUAL(spy.bad_values, 0);
	/* some pending now: a savepoint, more, then back to it */
	size_t kept = t->npend;
	CU_ASSERT(kept > 0);
	t->pend_max = (size_t)1 << 30; /* no flush from here on */
	struct alx_kv_savepoint sp;
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_savepoint(t, &sp), 0);
	int i = M / 2, extra = 0;
	while (t->npend < kept + 20 && i < M) {
		fam_insert(t, 4, order[i++]);
		extra++;
	}
	CU_ASSERT(extra > 0 && t->npend > kept);
	CU_ASSERT_EQUAL(alx_kv_txn_rollback_to(t, &sp), 0);
	CU_ASSERT_EQUAL(t->npend, kept);
	alx_kv_txn_release(t);
	for (int j = M / 2; j < i; j++) {
		uint8_t k[96];
		size_t len = fam_key(k, 4, order[j]);
		alopex_slice ks = {k, len}, v;
		CU_ASSERT_EQUAL(alx_kv_txn_get(t, ks, &v), ALOPEX_ENOTFOUND);
	}
	i = M / 2; /* written again below */
	for (int j = M / 2 - 1; j >= 0 && j >= M / 2 - 200; j--) {
		uint8_t k[96];
		size_t len = fam_key(k, 4, order[j]);
		alopex_slice ks = {k, len}, v;
		CU_ASSERT_EQUAL(alx_kv_txn_get(t, ks, &v), 0);
	}
	for (; i < M; i++)
		fam_insert(t, 4, order[i]);
	alx_test_kv_commit(t);
	CU_ASSERT_EQUAL(spy.rows, M);
	CU_ASSERT_EQUAL(spy.bad_values, 0);
	t = alx_test_kv_begin(db, ALX_KV_TXN_READONLY);
	int missing = 0;
	for (int n = 0; n < M; n++) {
		uint8_t k[96];
		size_t len = fam_key(k, 4, n);
		alopex_slice ks = {k, len}, v;
		missing += alx_kv_txn_get(t, ks, &v) != 0;
	}
	alx_kv_txn_rollback(t);
	CU_ASSERT_EQUAL(missing, 0);
	spy_remove();
	alx_test_close_dir(db, dir);
}

/* alx_kv_txn_prefetch's hash, handed to alx_kv_txn_insert_hashed, is the
 * insert's: the key is locked, pending, found and refused twice. */
static void test_insert_hashed(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvsort", &dir);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	uint8_t k[3] = {ALOPEX_SPACE_KV, 'H', 1};
	alopex_slice ks = {k, 3}, v;
	uint64_t h = alx_kv_txn_prefetch(t, ks);
	CU_ASSERT_EQUAL(alx_kv_txn_insert_hashed(t, ks, ks, h), 0);
	CU_ASSERT_EQUAL(t->npend, 1);
	CU_ASSERT_EQUAL(alx_kv_txn_get(t, ks, &v), 0);
	CU_ASSERT_EQUAL(alx_kv_txn_insert(t, ks, ks), ALOPEX_EEXIST);
	CU_ASSERT_EQUAL(
		alx_kv_txn_insert_hashed(t, ks, ks, alx_kv_txn_prefetch(t, ks)),
		ALOPEX_EEXIST);
	/* a second writer waits for nobody: the lock is held */
	struct alx_kv_txn *o = alx_test_kv_begin(db, 0);
	CU_ASSERT_EQUAL(alx_kv_txn_insert(o, ks, ks), ALOPEX_ECONFLICT);
	alx_kv_txn_rollback(o);
	alx_test_kv_commit(t);
	uint8_t lo[2] = {ALOPEX_SPACE_KV, 'H'}, hi[2] = {ALOPEX_SPACE_KV, 'I'};
	alopex_slice los = {lo, 2}, his = {hi, 2};
	CU_ASSERT_EQUAL(alx_test_kv_scan_sorted(db, los, his, 5), 1);
	alx_test_close_dir(db, dir);
}

/*
 * A few pending writes after a big flush, dropped by a rollback to a
 * savepoint (the set clears just their slots): they read as absent,
 * insert again, refuse duplicates and commit, once each.
 */
static void test_small_rollback(void)
{
	char *dir;
	alopex_db *db = alx_test_engine_open("kvsort", &dir);
	struct alx_kv_txn *t = alx_test_kv_begin(db, 0);
	for (int n = 0; n < 300; n++)
		fam_insert(t, 4, n);
	/* a cursor flushes the 300: the set stays, empty */
	struct alx_kv_cursor *c;
	alopex_slice none = {NULL, 0};
	CU_ASSERT_EQUAL_FATAL(alx_kv_cursor_open(t, none, none, 0, &c), 0);
	alx_kv_cursor_close(c);
	CU_ASSERT_EQUAL(t->npend, 0);
	CU_ASSERT(t->pend_slots_cap >= 600);
	struct alx_kv_savepoint sp;
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_savepoint(t, &sp), 0);
	for (int n = 300; n < 305; n++)
		fam_insert(t, 4, n);
	CU_ASSERT_EQUAL(t->npend, 5);
	CU_ASSERT_EQUAL(alx_kv_txn_rollback_to(t, &sp), 0);
	alx_kv_txn_release(t);
	CU_ASSERT_EQUAL(t->npend, 0);
	CU_ASSERT_EQUAL(t->pend_bytes, 0);
	for (int n = 300; n < 305; n++) {
		uint8_t k[96];
		size_t len = fam_key(k, 4, n);
		alopex_slice ks = {k, len}, v;
		CU_ASSERT_EQUAL(alx_kv_txn_get(t, ks, &v), ALOPEX_ENOTFOUND);
		fam_insert(t, 4, n);
		CU_ASSERT_EQUAL(alx_kv_txn_insert(t, ks, ks), ALOPEX_EEXIST);
	}
	CU_ASSERT_EQUAL(t->npend, 5);
	alx_test_kv_commit(t);
	t = alx_test_kv_begin(db, ALX_KV_TXN_READONLY);
	for (int n = 0; n < 305; n++) {
		uint8_t k[96];
		size_t len = fam_key(k, 4, n);
		alopex_slice ks = {k, len}, v;
		CU_ASSERT_EQUAL(alx_kv_txn_get(t, ks, &v), 0);
		CU_ASSERT_EQUAL(v.len, k[len - 1] == 'e' ? 0 : len);
	}
	alx_kv_txn_rollback(t);
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"small_rollback", test_small_rollback},
	{"long_prefix", test_sort_long_prefix},
	{"families", test_sort_families},
	{"many_flushes", test_many_flushes},
	{"insert_hashed", test_insert_hashed},
	{NULL, NULL},
};

int main(int argc, char **argv)
{
	return alx_test_engines_main(argc, argv, "kv_sort", cases);
}
