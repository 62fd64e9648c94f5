/*
 * The public key-value API: alopex_kv_* over the core transaction
 * (kv/kv_txn.h), in key space ALOPEX_SPACE_KV (every key is stored as one
 * prefix byte + the user key, so SQL tables and catalog live beside it
 * without collisions).
 */
#include <string.h>

#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"

struct alopex_kv_cursor {
	alopex_kv_txn *txn;
	struct alx_kv_cursor *core;
	struct alopex_kv_cursor *next;
};

/* Record a failure on the transaction and the database handle. */
static int txn_fail(alopex_kv_txn *txn, int rc)
{
	if (txn->diag.code == 0)
		alx_diag_set(&txn->diag, rc, NULL, "%s", alopex_code_str(rc));
	return alx_db_fail(txn->db, &txn->diag);
}

/* A failure reported by the core transaction: take its diag. */
static int core_fail(alopex_kv_txn *txn, int rc)
{
	txn->diag = txn->core->diag;
	if (txn->diag.code == 0)
		alx_diag_set(&txn->diag, rc, NULL, "%s", alopex_code_str(rc));
	return alx_db_fail(txn->db, &txn->diag);
}

static int txn_check(alopex_kv_txn *txn)
{
	alx_diag_clear(&txn->diag);
	alx_diag_clear(&txn->core->diag);
	if (txn->aborted)
		return txn_fail(
			txn, alx_diag_set(&txn->diag, ALOPEX_EMISUSE, "25P02",
					  "transaction is aborted after an "
					  "error; roll it back"));
	return 0;
}

/* Build space prefix + key in the transaction's scratch buffer. */
static int space_key(alopex_kv_txn *txn, const void *key, size_t klen,
		     alopex_slice *out)
{
	if (klen > ALOPEX_KV_MAX_KEY)
		return alx_diag_set(
			&txn->diag, ALOPEX_EINVAL, "54000",
			"key of %zu bytes exceeds the %u-byte limit", klen,
			ALOPEX_KV_MAX_KEY);
	if (klen > 0 && key == NULL)
		return alx_diag_set(&txn->diag, ALOPEX_EINVAL, NULL,
				    "key is NULL");
	if (txn->keycap < klen + 1) {
		size_t cap = klen + 1 < 64 ? 64 : klen + 1;
		uint8_t *p = alx_realloc(txn->db->rt, txn->keybuf, cap);
		if (p == NULL)
			return alx_diag_set(&txn->diag, ALOPEX_ENOMEM, NULL,
					    "out of memory");
		txn->keybuf = p;
		txn->keycap = cap;
	}
	txn->keybuf[0] = ALOPEX_SPACE_KV;
	if (klen > 0)
		memcpy(txn->keybuf + 1, key, klen);
	out->ptr = txn->keybuf;
	out->len = klen + 1;
	return 0;
}

int alopex_kv_begin(alopex_db *db, unsigned flags, alopex_kv_txn **out)
{
	if (db == NULL || out == NULL)
		return ALOPEX_EINVAL;
	if (flags & ~(unsigned)ALOPEX_KV_READONLY)
		return alx_db_failf(db, ALOPEX_EINVAL, NULL,
				    "alopex_kv_begin: unknown flags 0x%x",
				    flags);
	alopex_kv_txn *txn = alx_calloc(db->rt, 1, sizeof(*txn));
	if (txn == NULL)
		return alx_db_failf(db, ALOPEX_ENOMEM, NULL, "out of memory");
	txn->db = db;
	txn->flags = flags;
	alx_diag_clear(&txn->diag);
	unsigned cflags =
		(flags & ALOPEX_KV_READONLY) ? ALX_KV_TXN_READONLY : 0;
	int rc = alx_kv_txn_begin(db, cflags, &txn->core, &txn->diag);
	if (rc != 0) {
		alx_db_fail(db, &txn->diag);
		alx_free(db->rt, txn);
		return rc;
	}
	*out = txn;
	return 0;
}

static void close_cursors(alopex_kv_txn *txn)
{
	while (txn->cursors != NULL)
		alopex_kv_cursor_close(txn->cursors);
}

static void txn_free(alopex_kv_txn *txn)
{
	alx_free(txn->db->rt, txn->keybuf);
	alx_free(txn->db->rt, txn);
}

int alopex_kv_commit(alopex_kv_txn *txn)
{
	if (txn == NULL)
		return ALOPEX_EINVAL;
	alopex_db *db = txn->db;
	close_cursors(txn);
	if (txn->aborted) {
		alx_kv_txn_rollback(txn->core);
		alx_diag_set(&txn->diag, ALOPEX_ECONFLICT, "40001",
			     "transaction was aborted by an earlier error and "
			     "has been rolled back");
		int rc = alx_db_fail(db, &txn->diag);
		txn_free(txn);
		return rc;
	}
	alx_diag_clear(&txn->diag);
	int rc = alx_kv_txn_commit(txn->core, NULL, &txn->diag);
	if (rc != 0)
		alx_db_fail(db, &txn->diag);
	txn_free(txn);
	return rc;
}

void alopex_kv_rollback(alopex_kv_txn *txn)
{
	if (txn == NULL)
		return;
	close_cursors(txn);
	alx_kv_txn_rollback(txn->core);
	txn_free(txn);
}

/* A failed write may leave the engine's transaction unusable. */
static int write_failed(alopex_kv_txn *txn, int rc)
{
	if (txn->core->doomed)
		txn->aborted = 1;
	return core_fail(txn, rc);
}

static int check_writable(alopex_kv_txn *txn)
{
	if (txn->flags & ALOPEX_KV_READONLY)
		return txn_fail(txn,
				alx_diag_set(&txn->diag, ALOPEX_EREADONLY, NULL,
					     "cannot write in a read-only "
					     "transaction"));
	return 0;
}

int alopex_kv_put(alopex_kv_txn *txn, const void *key, size_t klen,
		  const void *val, size_t vlen)
{
	if (txn == NULL)
		return ALOPEX_EINVAL;
	int rc = txn_check(txn);
	if (rc == 0)
		rc = check_writable(txn);
	if (rc != 0)
		return rc;
	if (vlen > ALOPEX_KV_MAX_VALUE || (vlen > 0 && val == NULL))
		return txn_fail(txn,
				alx_diag_set(&txn->diag, ALOPEX_EINVAL, "54000",
					     "value of %zu bytes is NULL "
					     "or exceeds the %u-byte "
					     "limit",
					     vlen, ALOPEX_KV_MAX_VALUE));
	alopex_slice k, v = {val, vlen};
	rc = space_key(txn, key, klen, &k);
	if (rc != 0)
		return txn_fail(txn, rc);
	rc = alx_kv_txn_put(txn->core, k, v);
	if (rc != 0)
		return write_failed(txn, rc);
	return 0;
}

int alopex_kv_get(alopex_kv_txn *txn, const void *key, size_t klen,
		  const void **val, size_t *vlen)
{
	if (txn == NULL || val == NULL || vlen == NULL)
		return ALOPEX_EINVAL;
	int rc = txn_check(txn);
	if (rc != 0)
		return rc;
	alopex_slice k, v;
	rc = space_key(txn, key, klen, &k);
	if (rc != 0)
		return txn_fail(txn, rc);
	rc = alx_kv_txn_get(txn->core, k, &v);
	if (rc == ALOPEX_ENOTFOUND)
		return rc; /* an answer, not a failure */
	if (rc != 0)
		return core_fail(txn, rc);
	*val = v.ptr;
	*vlen = v.len;
	return 0;
}

int alopex_kv_delete(alopex_kv_txn *txn, const void *key, size_t klen)
{
	if (txn == NULL)
		return ALOPEX_EINVAL;
	int rc = txn_check(txn);
	if (rc == 0)
		rc = check_writable(txn);
	if (rc != 0)
		return rc;
	alopex_slice k;
	rc = space_key(txn, key, klen, &k);
	if (rc != 0)
		return txn_fail(txn, rc);
	rc = alx_kv_txn_del(txn->core, k);
	if (rc == ALOPEX_ENOTFOUND)
		return rc;
	if (rc != 0)
		return write_failed(txn, rc);
	return 0;
}

int alopex_kv_scan(alopex_kv_txn *txn, const void *lo, size_t lolen,
		   const void *hi, size_t hilen, unsigned flags,
		   alopex_kv_cursor **out)
{
	if (txn == NULL || out == NULL)
		return ALOPEX_EINVAL;
	int rc = txn_check(txn);
	if (rc != 0)
		return rc;
	if (flags & ~(unsigned)ALOPEX_SCAN_REVERSE)
		return txn_fail(txn,
				alx_diag_set(&txn->diag, ALOPEX_EINVAL, NULL,
					     "alopex_kv_scan: unknown "
					     "flags 0x%x",
					     flags));
	if (lolen > ALOPEX_KV_MAX_KEY || hilen > ALOPEX_KV_MAX_KEY)
		return txn_fail(txn, alx_diag_set(&txn->diag, ALOPEX_EINVAL,
						  NULL, "scan bound too long"));
	/* Bounds inside the KV space: [0x01 lo, 0x01 hi) or up to 0x02. */
	size_t n = 2 + lolen + hilen;
	uint8_t *bounds = alx_malloc(txn->db->rt, n);
	if (bounds == NULL)
		return txn_fail(txn, alx_diag_set(&txn->diag, ALOPEX_ENOMEM,
						  NULL, "out of memory"));
	alopex_slice lower = {bounds, 1}, upper = {bounds + 1 + lolen, 1};
	bounds[0] = ALOPEX_SPACE_KV;
	if (lo != NULL && lolen > 0) {
		memcpy(bounds + 1, lo, lolen);
		lower.len += lolen;
	}
	if (hi != NULL) {
		bounds[1 + lolen] = ALOPEX_SPACE_KV;
		if (hilen > 0)
			memcpy(bounds + 2 + lolen, hi, hilen);
		upper.len += hilen;
	} else {
		bounds[1 + lolen] = ALOPEX_SPACE_KV + 1;
	}
	struct alopex_kv_cursor *c = alx_calloc(txn->db->rt, 1, sizeof(*c));
	if (c == NULL) {
		alx_free(txn->db->rt, bounds);
		return txn_fail(txn, alx_diag_set(&txn->diag, ALOPEX_ENOMEM,
						  NULL, "out of memory"));
	}
	unsigned cflags =
		(flags & ALOPEX_SCAN_REVERSE) ? ALOPEX_CURSOR_REVERSE : 0;
	/* The core copies the bounds. */
	rc = alx_kv_cursor_open(txn->core, lower, upper, cflags, &c->core);
	alx_free(txn->db->rt, bounds);
	if (rc != 0) {
		alx_free(txn->db->rt, c);
		return core_fail(txn, rc);
	}
	c->txn = txn;
	c->next = txn->cursors;
	txn->cursors = c;
	*out = c;
	return 0;
}

int alopex_kv_cursor_next(alopex_kv_cursor *cur, const void **key, size_t *klen,
			  const void **val, size_t *vlen)
{
	if (cur == NULL)
		return ALOPEX_EINVAL;
	alopex_kv_txn *txn = cur->txn;
	alopex_slice k, v;
	alx_diag_clear(&txn->diag);
	alx_diag_clear(&txn->core->diag);
	int rc = alx_kv_cursor_next(cur->core, &k, &v);
	if (rc == ALOPEX_DONE)
		return rc;
	if (rc != ALOPEX_ROW)
		return core_fail(txn, rc);
	/* Strip the key-space prefix. */
	if (key != NULL)
		*key = k.ptr + 1;
	if (klen != NULL)
		*klen = k.len - 1;
	if (val != NULL)
		*val = v.ptr;
	if (vlen != NULL)
		*vlen = v.len;
	return ALOPEX_ROW;
}

void alopex_kv_cursor_close(alopex_kv_cursor *cur)
{
	if (cur == NULL)
		return;
	alopex_kv_txn *txn = cur->txn;
	for (struct alopex_kv_cursor **pp = &txn->cursors; *pp != NULL;
	     pp = &(*pp)->next) {
		if (*pp == cur) {
			*pp = cur->next;
			break;
		}
	}
	alx_kv_cursor_close(cur->core);
	alx_free(txn->db->rt, cur);
}

const char *alopex_kv_errmsg(alopex_kv_txn *txn)
{
	return txn == NULL ? "" : txn->diag.message;
}
