/*
 * Internal KV transactions (kv/kv_txn.h) for the KV unit tests: numbered
 * engine keys, and begin and commit that assert success.
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

#endif
