/* Internal KV transactions for tests; see alx_test_kv.h. */
#include "alx_test_kv.h"

#include <stdio.h>

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
