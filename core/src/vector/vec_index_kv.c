/*
 * The KV view handed to index plugins: relative keys under one prefix, in
 * the caller's transaction, so index records commit with the row.
 */
#include "vector/vec_index.h"

#include <string.h>

#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"

static int make_key(struct alx_vindex_kv *b, alopex_slice rel, uint8_t *buf,
		    alopex_slice *out)
{
	if (rel.len > ALX_VINDEX_KEY_MAX)
		return alx_diag_set(&b->txn->diag, ALOPEX_EINVAL, NULL,
				    "vector index key of %zu bytes is longer "
				    "than %d",
				    rel.len, ALX_VINDEX_KEY_MAX);
	memcpy(buf, b->prefix, b->plen);
	if (rel.len > 0)
		memcpy(buf + b->plen, rel.ptr, rel.len);
	*out = (alopex_slice){buf, b->plen + rel.len};
	return 0;
}

static int ikv_get(void *ctx, alopex_slice key, alopex_slice *value)
{
	struct alx_vindex_kv *b = ctx;
	alopex_slice k;
	int rc = make_key(b, key, b->key, &k);
	return rc != 0 ? rc : alx_kv_txn_get(b->txn, k, value);
}

static int ikv_put(void *ctx, alopex_slice key, alopex_slice value)
{
	struct alx_vindex_kv *b = ctx;
	alopex_slice k;
	int rc = make_key(b, key, b->key, &k);
	return rc != 0 ? rc : alx_kv_txn_put(b->txn, k, value);
}

static int ikv_del(void *ctx, alopex_slice key)
{
	struct alx_vindex_kv *b = ctx;
	alopex_slice k;
	int rc = make_key(b, key, b->key, &k);
	return rc != 0 ? rc : alx_kv_txn_del(b->txn, k);
}

/* The first key after every key that starts with the prefix. */
static alopex_slice prefix_end(struct alx_vindex_kv *b)
{
	memcpy(b->upper, b->prefix, b->plen);
	for (size_t i = b->plen; i > 0; i--) {
		if (b->upper[i - 1] != 0xff) {
			b->upper[i - 1]++;
			return (alopex_slice){b->upper, i};
		}
	}
	return (alopex_slice){NULL, 0}; /* all 0xff: unbounded */
}

static int ikv_scan(void *ctx, alopex_slice lower, alopex_slice upper,
		    alopex_index_kv_row_fn fn, void *arg)
{
	struct alx_vindex_kv *b = ctx;
	alopex_slice lo, hi;
	int rc = make_key(b, lower.ptr != NULL ? lower : (alopex_slice){0},
			  b->key, &lo);
	if (rc != 0)
		return rc;
	if (upper.ptr != NULL && upper.len > 0)
		rc = make_key(b, upper, b->upper, &hi);
	else
		hi = prefix_end(b);
	if (rc != 0)
		return rc;
	struct alx_kv_cursor *c;
	/* The cursor copies its bounds: the buffers may be reused below. */
	if ((rc = alx_kv_cursor_open(b->txn, lo, hi, 0, &c)) != 0)
		return rc;
	alopex_slice k, v;
	while ((rc = alx_kv_cursor_next(c, &k, &v)) == ALOPEX_ROW) {
		alopex_slice rel = {k.ptr + b->plen, k.len - b->plen};
		if ((rc = fn(arg, rel, v)) != 0)
			break;
	}
	alx_kv_cursor_close(c);
	return rc == ALOPEX_DONE ? 0 : rc;
}

int alx_vindex_kv_init(struct alx_vindex_kv *b, struct alx_kv_txn *txn,
		       const uint8_t *prefix, size_t plen)
{
	if (plen > ALX_VINDEX_PREFIX_MAX || txn == NULL)
		return ALOPEX_EINVAL;
	b->txn = txn;
	memcpy(b->prefix, prefix, plen);
	b->plen = plen;
	b->ops = (struct alopex_index_kv){
		.size = sizeof(struct alopex_index_kv),
		.ctx = b,
		.get = ikv_get,
		.put = ikv_put,
		.del = ikv_del,
		.scan = ikv_scan,
	};
	return 0;
}
