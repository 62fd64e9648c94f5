/*
 * Internal KV transactions (kv/kv_txn.h) for the KV unit tests: numbered
 * engine keys with tagged values, begin, commit, writes and reads that
 * assert what they should, a check of a committed range's order, and a
 * repeatable shuffle.
 */
#ifndef ALX_TEST_KV_H
#define ALX_TEST_KV_H

#include <stdint.h>

#include "alopex.h"
#include "kv/kv_txn.h"

/* An engine key in the KV space: ALOPEX_SPACE_KV, "k", n in 6 digits. */
struct alx_test_key {
	uint8_t b[16];
};
/* The key of n in k (8 bytes). */
alopex_slice alx_test_knum(struct alx_test_key *k, int n);

/* alx_kv_txn_begin with flags; FATAL on failure. */
struct alx_kv_txn *alx_test_kv_begin(alopex_db *db, unsigned flags);
/* alx_kv_txn_commit, asserting success (the error printed); the commit's
 * log position. */
uint64_t alx_test_kv_commit(struct alx_kv_txn *t);

/* The number in a key made by alx_test_knum, -1 for anything else. */
int alx_test_key_num(alopex_slice k);
/* Value of key n: "v<n>" plus a tag, so rewrites are told apart. */
alopex_slice alx_test_kv_val(char buf[32], int n, char tag);

/* A write (alx_kv_txn_insert, _put or _put_fresh) of key n with value
 * (n, tag): its code, nothing asserted. */
typedef int (*alx_test_kv_write_fn)(struct alx_kv_txn *t, alopex_slice key,
				    alopex_slice val);
int alx_test_kv_write(struct alx_kv_txn *t, alx_test_kv_write_fn fn, int n,
		      char tag);
/* alx_kv_txn_insert / alx_kv_txn_put of key n with value (n, tag), asserting
 * success (the error printed). */
void alx_test_kv_insert(struct alx_kv_txn *t, int n, char tag);
void alx_test_kv_put(struct alx_kv_txn *t, int n, char tag);
/* Key n reads as value (n, tag) in t, or is absent when tag is 0: 1 when
 * it did (asserted too). */
int alx_test_kv_expect(struct alx_kv_txn *t, int n, char tag);
/* The same for the committed state, in a read-only transaction of its
 * own. */
int alx_test_kv_expect_db(alopex_db *db, int n, char tag);

/*
 * Reads [lo, hi) in a read-only transaction of its own, at most max + 1
 * rows: each key must be greater than the one before in memcmp order (a
 * prefix first), at most 64 bytes, and its value equal to it (asserted).
 * The number of rows read.
 */
int alx_test_kv_scan_sorted(alopex_db *db, alopex_slice lo, alopex_slice hi,
			    int max);

/* a = a permutation of 0..n-1, from an LCG seeded with seed: the same
 * every run. */
void alx_test_shuffle(int *a, int n, uint64_t seed);

#endif
