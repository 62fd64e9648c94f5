#include "kv/kv_batch.h"

#include <string.h>

#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"

void alx_batch_writer_init(struct alx_batch_writer *w, struct alx_runtime *rt)
{
	memset(w, 0, sizeof(*w));
	w->rt = rt;
	w->len = ALX_BATCH_HEADER_MAX;
}

void alx_batch_writer_fini(struct alx_batch_writer *w)
{
	if (w == NULL)
		return;
	alx_free(w->rt, w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
	w->count = 0;
}

void alx_batch_writer_reset(struct alx_batch_writer *w)
{
	w->len = ALX_BATCH_HEADER_MAX;
	w->count = 0;
}

static int reserve(struct alx_batch_writer *w, size_t more)
{
	if (w->cap - w->len >= more && w->buf != NULL)
		return 0;
	size_t need = w->len + more;
	/* Small first: a one-row commit stays clear of malloc's large-chunk
	 * path (which consolidates the fast bins on every call). */
	size_t cap = w->cap ? w->cap : 512;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return ALOPEX_ENOMEM;
		cap *= 2;
	}
	uint8_t *p = alx_realloc(w->rt, w->buf, cap);
	if (p == NULL)
		return ALOPEX_ENOMEM;
	w->buf = p;
	w->cap = cap;
	return 0;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

int alx_batch_add(struct alx_batch_writer *w, int op, alopex_slice key,
		  alopex_slice val)
{
	int rc = reserve(w, 1 + 10 + key.len + 10 + val.len);
	if (rc != 0)
		return rc;
	uint8_t *p = w->buf + w->len;
	*p++ = (uint8_t)op;
	p += put_varint(p, key.len);
	if (key.len > 0)
		memcpy(p, key.ptr, key.len);
	p += key.len;
	/* a range delete's upper bound travels as a value */
	if (op == ALOPEX_MUT_PUT || op == ALOPEX_MUT_DELETE_RANGE) {
		p += put_varint(p, val.len);
		if (val.len > 0)
			memcpy(p, val.ptr, val.len);
		p += val.len;
	}
	w->len = (size_t)(p - w->buf);
	w->count++;
	return 0;
}

alopex_slice alx_batch_finish(struct alx_batch_writer *w)
{
	alopex_slice s = {NULL, 0};
	if (w->count == 0)
		return s;
	/* The header goes right before the first mutation. */
	uint8_t hdr[ALX_BATCH_HEADER_MAX];
	size_t n = 0;
	hdr[n++] = ALX_BATCH_VERSION;
	n += put_varint(hdr + n, w->count);
	size_t start = ALX_BATCH_HEADER_MAX - n;
	memcpy(w->buf + start, hdr, n);
	s.ptr = w->buf + start;
	s.len = w->len - start;
	return s;
}

static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

int alx_batch_decode(struct alx_runtime *rt, alopex_slice record,
		     alopex_mutation **out, size_t *count, alopex_diag *diag)
{
	const uint8_t *p = record.ptr, *end = record.ptr + record.len;
	uint64_t n;
	alopex_mutation *m = NULL;
	if (record.len < 2 || *p++ != ALX_BATCH_VERSION ||
	    get_varint(&p, end, &n) != 0)
		goto corrupt;
	/* Every mutation takes at least 2 bytes: bound n before allocating. */
	if (n == 0 || n > (uint64_t)(end - p) / 2)
		goto corrupt;
	m = alx_calloc(rt, (size_t)n, sizeof(*m));
	if (m == NULL)
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL,
				    "out of memory decoding a batch");
	for (uint64_t i = 0; i < n; i++) {
		uint64_t len;
		if (p >= end)
			goto corrupt;
		m[i].op = *p++;
		if (m[i].op != ALOPEX_MUT_PUT && m[i].op != ALOPEX_MUT_DELETE &&
		    m[i].op != ALOPEX_MUT_DELETE_RANGE)
			goto corrupt;
		if (get_varint(&p, end, &len) != 0 || len > (uint64_t)(end - p))
			goto corrupt;
		m[i].key = p;
		m[i].klen = (size_t)len;
		p += len;
		if (m[i].op != ALOPEX_MUT_DELETE) {
			if (get_varint(&p, end, &len) != 0 ||
			    len > (uint64_t)(end - p))
				goto corrupt;
			m[i].val = p;
			m[i].vlen = (size_t)len;
			p += len;
		}
	}
	if (p != end)
		goto corrupt;
	*out = m;
	*count = (size_t)n;
	return 0;
corrupt:
	alx_free(rt, m);
	return alx_diag_set(diag, ALOPEX_ECORRUPT, NULL,
			    "malformed commit log record (%zu bytes)",
			    record.len);
}
