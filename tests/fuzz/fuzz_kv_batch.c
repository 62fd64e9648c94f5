/*
 * Commit log records come back from disk (log replay) and, later, from
 * replicas over the network: decoding must reject anything malformed
 * without reading out of bounds, and a decoded record must re-encode to the
 * same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kv/kv_batch.h"
#include "runtime/alx_runtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alx_runtime *rt = NULL;
	if (alx_runtime_create(NULL, &rt, NULL) != 0)
		return 0;
	/* A private copy, so ASan sees reads past the end of the record. */
	uint8_t *copy = malloc(size ? size : 1);
	if (copy == NULL) {
		alx_runtime_destroy(rt);
		return 0;
	}
	if (size > 0)
		memcpy(copy, data, size);
	alopex_slice rec = {copy, size};
	alopex_mutation *m = NULL;
	size_t n = 0;
	alopex_diag d;
	if (alx_batch_decode(rt, rec, &m, &n, &d) == 0) {
		struct alx_batch_writer w;
		alx_batch_writer_init(&w, rt);
		for (size_t i = 0; i < n; i++) {
			alopex_slice k = {m[i].key, m[i].klen};
			alopex_slice v = {m[i].val, m[i].vlen};
			if (alx_batch_add(&w, m[i].op, k, v) != 0)
				break;
		}
		alopex_slice again = alx_batch_finish(&w);
		/* Varints have one canonical form only when minimal; compare
		 * the decoded content, not the bytes. */
		alopex_mutation *m2 = NULL;
		size_t n2 = 0;
		if (alx_batch_decode(rt, again, &m2, &n2, &d) != 0 || n2 != n)
			abort();
		for (size_t i = 0; i < n; i++) {
			if (m2[i].op != m[i].op || m2[i].klen != m[i].klen ||
			    m2[i].vlen != m[i].vlen ||
			    memcmp(m2[i].key, m[i].key, m[i].klen) != 0 ||
			    (m[i].vlen > 0 &&
			     memcmp(m2[i].val, m[i].val, m[i].vlen) != 0))
				abort();
		}
		alx_free(rt, m2);
		alx_batch_writer_fini(&w);
		alx_free(rt, m);
	}
	free(copy);
	alx_runtime_destroy(rt);
	return 0;
}
