/* Commit log records: encode, decode, reject malformed input. */
#include <string.h>

#include "alx_test.h"
#include "kv/kv_batch.h"
#include "runtime/alx_runtime.h"

static void test_roundtrip(void)
{
	struct alx_runtime *rt = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(NULL, &rt, NULL), 0);
	struct alx_batch_writer w;
	alx_batch_writer_init(&w, rt);
	CU_ASSERT_EQUAL(alx_batch_finish(&w).len, 0);
	uint8_t big[300];
	memset(big, 0xab, sizeof(big));
	alopex_slice k1 = {(const uint8_t *)"\x01key", 4};
	alopex_slice v1 = {big, sizeof(big)};
	alopex_slice k2 = {(const uint8_t *)"\x01\0", 2};
	alopex_slice none = {NULL, 0};
	CU_ASSERT_EQUAL(alx_batch_add(&w, ALOPEX_MUT_PUT, k1, v1), 0);
	CU_ASSERT_EQUAL(alx_batch_add(&w, ALOPEX_MUT_DELETE, k2, none), 0);
	CU_ASSERT_EQUAL(alx_batch_add(&w, ALOPEX_MUT_PUT, k2, none), 0);
	alopex_slice rec = alx_batch_finish(&w);
	CU_ASSERT(rec.len > sizeof(big));

	alopex_mutation *m = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL_FATAL(alx_batch_decode(rt, rec, &m, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(m[0].op, ALOPEX_MUT_PUT);
	CU_ASSERT(m[0].klen == 4 && memcmp(m[0].key, "\x01key", 4) == 0);
	CU_ASSERT(m[0].vlen == sizeof(big) &&
		  memcmp(m[0].val, big, sizeof(big)) == 0);
	CU_ASSERT_EQUAL(m[1].op, ALOPEX_MUT_DELETE);
	CU_ASSERT_EQUAL(m[1].klen, 2);
	CU_ASSERT_PTR_NULL(m[1].val);
	CU_ASSERT_EQUAL(m[2].vlen, 0);
	alx_free(rt, m);

	/* Every truncation and a few corruptions are rejected cleanly. */
	for (size_t len = 0; len < rec.len; len++) {
		alopex_slice cut = {rec.ptr, len};
		alopex_diag d;
		CU_ASSERT_EQUAL(alx_batch_decode(rt, cut, &m, &n, &d),
				ALOPEX_ECORRUPT);
	}
	uint8_t copy[512];
	memcpy(copy, rec.ptr, rec.len);
	copy[0] = 9; /* unknown version */
	alopex_slice bad = {copy, rec.len};
	CU_ASSERT_EQUAL(alx_batch_decode(rt, bad, &m, &n, NULL),
			ALOPEX_ECORRUPT);
	copy[0] = rec.ptr[0];
	uint8_t longer[600];
	memcpy(longer, rec.ptr, rec.len);
	longer[rec.len] = 0; /* trailing garbage */
	alopex_slice trailing = {longer, rec.len + 1};
	CU_ASSERT_EQUAL(alx_batch_decode(rt, trailing, &m, &n, NULL),
			ALOPEX_ECORRUPT);

	/* Reset reuses the buffer. */
	alx_batch_writer_reset(&w);
	CU_ASSERT_EQUAL(alx_batch_finish(&w).len, 0);
	alx_batch_writer_fini(&w);
	alx_runtime_destroy(rt);
}

/* A range delete carries both bounds: the lower as the key, the upper
 * as the value; a record cut inside the upper bound is malformed. */
static void test_delete_range(void)
{
	struct alx_runtime *rt = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_runtime_create(NULL, &rt, NULL), 0);
	struct alx_batch_writer w;
	alx_batch_writer_init(&w, rt);
	alopex_slice lo = {(const uint8_t *)"\x10\0\0\0\x07", 5};
	alopex_slice hi = {(const uint8_t *)"\x10\0\0\0\x08", 5};
	alopex_slice k = {(const uint8_t *)"\x01k", 2}, none = {NULL, 0};
	CU_ASSERT_EQUAL(alx_batch_add(&w, ALOPEX_MUT_DELETE_RANGE, lo, hi), 0);
	CU_ASSERT_EQUAL(alx_batch_add(&w, ALOPEX_MUT_DELETE, k, none), 0);
	alopex_slice rec = alx_batch_finish(&w);
	alopex_mutation *m = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL_FATAL(alx_batch_decode(rt, rec, &m, &n, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(m[0].op, ALOPEX_MUT_DELETE_RANGE);
	CU_ASSERT_EQUAL(m[0].klen, 5);
	CU_ASSERT_EQUAL(memcmp(m[0].key, lo.ptr, 5), 0);
	CU_ASSERT_EQUAL_FATAL(m[0].vlen, 5);
	CU_ASSERT_EQUAL(memcmp(m[0].val, hi.ptr, 5), 0);
	CU_ASSERT_EQUAL(m[1].op, ALOPEX_MUT_DELETE);
	CU_ASSERT_EQUAL(m[1].klen, 2);
	alx_free(rt, m);
	/* header (2) + op (1) + klen (1) + key (5) + vlen (1): cut in hi */
	alopex_slice cut = {rec.ptr, 2 + 1 + 1 + 5 + 1 + 3};
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_batch_decode(rt, cut, &m, &n, &d), ALOPEX_ECORRUPT);
	alx_batch_writer_fini(&w);
	alx_runtime_destroy(rt);
}

int main(int argc, char **argv)
{
	static const struct alx_test_case cases[] = {
		{"roundtrip", test_roundtrip},
		{"delete_range", test_delete_range},
		{NULL, NULL}};
	static const struct alx_test_suite suite = {"kv/batch", NULL, NULL,
						    cases};
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
