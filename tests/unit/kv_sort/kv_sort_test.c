/*
 * The order in which deferred writes reach the engine (kv_txn.c,
 * sort_pending: a radix sort on the 8 bytes after the keys' common prefix,
 * memcmp for ties) on both engines: whatever the keys, a committed run
 * reads back in memcmp order, every key once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "alx_test_kv.h"
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

static const struct alx_test_case cases[] = {
	{"long_prefix", test_sort_long_prefix},
	{NULL, NULL},
};

int main(int argc, char **argv)
{
	return alx_test_engines_main(argc, argv, "kv_sort", cases);
}
