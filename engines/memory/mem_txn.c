/*
 * Transactions, point operations and range cursors of the in-memory engine.
 *
 * A transaction reads the versions committed up to its snapshot plus its
 * own uncommitted ones. A write installs (or updates) its own version at the
 * head of the key's chain; it fails with ALOPEX_ECONFLICT when the head is
 * another transaction's uncommitted write or a commit after the snapshot.
 */
#include <string.h>

#include "mem_internal.h"

struct alx_mem_cursor {
	struct alx_mem_engine *eng;
	struct alx_mem_txn *txn; /* NULL once the transaction ended */
	struct alx_mem_cursor *next, *prev;
	struct alx_mem_node *pos; /* the node last returned */
	alopex_slice lower, upper;
	int reverse;
	int state;
};

enum { CUR_START = 0, CUR_RUNNING = 1, CUR_DONE = 2 };

static const uint8_t empty_value[1];

static int check_key(const struct alx_mem_engine *eng, alopex_slice key,
		     alopex_diag *diag)
{
	if (key.len == 0 || key.ptr == NULL)
		return eng->host->diag_set(diag, ALOPEX_EINVAL, NULL,
					   "empty key");
	if (key.len > ALOPEX_KV_MAX_KEY)
		return eng->host->diag_set(
			diag, ALOPEX_EINVAL, NULL,
			"key of %zu bytes is longer than the %u-byte limit",
			key.len, ALOPEX_KV_MAX_KEY);
	return 0;
}

static int txn_usable(const struct alx_mem_txn *txn, alopex_diag *diag)
{
	if (txn->failed == 0)
		return 0;
	return txn->eng->host->diag_set(diag, txn->failed, NULL,
					"the transaction failed earlier and "
					"can only be rolled back");
}

/* ---- begin/commit/rollback -------------------------------------------- */

int alx_mem_txn_begin(void *instance, unsigned flags, void **out,
		      alopex_diag *diag)
{
	struct alx_mem_engine *eng = instance;
	if (!eng->opened)
		return eng->host->diag_set(diag, ALOPEX_EMISUSE, NULL,
					   "memory: not open");
	struct alx_mem_txn *txn = alx_mem_alloc(eng, sizeof(*txn));
	if (txn == NULL)
		return alx_mem_nomem(eng, diag);
	memset(txn, 0, sizeof(*txn));
	txn->eng = eng;
	txn->flags = flags;
	pthread_mutex_lock(&eng->mu);
	txn->snap = eng->seq;
	/* Appending keeps the list sorted by snapshot. */
	txn->live_prev = eng->live_last;
	if (eng->live_last != NULL)
		eng->live_last->live_next = txn;
	else
		eng->live_first = txn;
	eng->live_last = txn;
	eng->live_count++;
	pthread_mutex_unlock(&eng->mu);
	*out = txn;
	return 0;
}

static void detach_cursors(struct alx_mem_txn *txn)
{
	struct alx_mem_cursor *cur = txn->cursors;
	while (cur != NULL) {
		struct alx_mem_cursor *next = cur->next;
		cur->txn = NULL;
		cur->pos = NULL;
		cur->next = cur->prev = NULL;
		cur = next;
	}
	txn->cursors = NULL;
}

/* Under mu: leave the live list and let the collector run. */
static void txn_unlink(struct alx_mem_txn *txn)
{
	struct alx_mem_engine *eng = txn->eng;
	if (txn->live_prev != NULL)
		txn->live_prev->live_next = txn->live_next;
	else
		eng->live_first = txn->live_next;
	if (txn->live_next != NULL)
		txn->live_next->live_prev = txn->live_prev;
	else
		eng->live_last = txn->live_prev;
	eng->live_count--;
	alx_mem_gc(eng);
}

/* Under mu: drop the transaction's uncommitted versions. */
static void undo_writes(struct alx_mem_txn *txn)
{
	struct alx_mem_engine *eng = txn->eng;
	struct alx_mem_version *v = txn->writes;
	while (v != NULL) {
		struct alx_mem_version *next = v->link;
		struct alx_mem_node *node = v->node;
		/* Nobody writes over an uncommitted version: it is the head. */
		node->head = v->older;
		alx_mem_version_free(eng, v);
		struct alx_mem_version *h = node->head;
		if (h == NULL) {
			alx_mem_index_remove(eng, node);
		} else if (h->tombstone && h->older == NULL &&
			   h->link == NULL && eng->gc_last != h) {
			/*
			 * A lone tombstone the collector already passed (it
			 * kept the node for our write): every transaction
			 * sees it, so the node can go now.
			 */
			alx_mem_index_remove(eng, node);
			alx_mem_version_free(eng, h);
		}
		v = next;
	}
	txn->writes = NULL;
}

int alx_mem_txn_snapshot(void *t, alopex_diag *diag)
{
	struct alx_mem_txn *txn = t;
	struct alx_mem_engine *eng = txn->eng;
	(void)diag;
	if (!(txn->flags & ALOPEX_TXN_READ_COMMITTED))
		return 0;
	pthread_mutex_lock(&eng->mu);
	txn->snap = eng->seq;
	/* The newest snapshot now: move to the end, keeping the live list
	 * sorted for the collector. */
	if (eng->live_last != txn) {
		if (txn->live_prev != NULL)
			txn->live_prev->live_next = txn->live_next;
		else
			eng->live_first = txn->live_next;
		txn->live_next->live_prev = txn->live_prev;
		txn->live_prev = eng->live_last;
		txn->live_next = NULL;
		eng->live_last->live_next = txn;
		eng->live_last = txn;
		alx_mem_gc(eng);
	}
	pthread_mutex_unlock(&eng->mu);
	return 0;
}

void alx_mem_txn_rollback(void *t)
{
	struct alx_mem_txn *txn = t;
	if (txn == NULL)
		return;
	struct alx_mem_engine *eng = txn->eng;
	detach_cursors(txn);
	pthread_mutex_lock(&eng->mu);
	undo_writes(txn);
	txn_unlink(txn);
	pthread_mutex_unlock(&eng->mu);
	alx_mem_free(eng, txn);
}

/* Stamp the writes with the next sequence and queue them for GC. */
static uint64_t stamp_writes(struct alx_mem_txn *txn)
{
	struct alx_mem_engine *eng = txn->eng;
	uint64_t seq = ++eng->seq;
	struct alx_mem_version *v = txn->writes;
	while (v != NULL) {
		struct alx_mem_version *next = v->link;
		v->owner = NULL;
		v->seq = seq;
		v->link = NULL;
		if (eng->gc_last != NULL)
			eng->gc_last->link = v;
		else
			eng->gc_first = v;
		eng->gc_last = v;
		v = next;
	}
	txn->writes = NULL;
	return seq;
}

int alx_mem_txn_commit(void *t, alopex_slice record, uint64_t *position,
		       alopex_diag *diag)
{
	struct alx_mem_txn *txn = t;
	struct alx_mem_engine *eng = txn->eng;
	int rc = txn_usable(txn, diag);
	if (rc != 0 || (txn->writes == NULL && !txn->wrote_range)) {
		/* Failed, read-only or empty: no position, no record. */
		alx_mem_txn_rollback(txn);
		return rc;
	}
	detach_cursors(txn);
	/* Everything that can fail happens before the commit is stamped. */
	uint8_t *copy = NULL;
	if (eng->cfg->log_retain > 0 && record.len > 0) {
		copy = alx_mem_alloc(eng, record.len);
		if (copy == NULL) {
			alx_mem_txn_rollback(txn);
			return alx_mem_nomem(eng, diag);
		}
		memcpy(copy, record.ptr, record.len);
	}
	pthread_mutex_lock(&eng->commit_mu);
	pthread_mutex_lock(&eng->mu);
	if (alx_mem_log_reserve(eng) != 0) {
		pthread_mutex_unlock(&eng->mu);
		pthread_mutex_unlock(&eng->commit_mu);
		alx_mem_free(eng, copy);
		alx_mem_txn_rollback(txn);
		return alx_mem_nomem(eng, diag);
	}
	uint64_t pos = stamp_writes(txn);
	alx_mem_log_append(eng, copy, record.len);
	txn_unlink(txn);
	pthread_mutex_unlock(&eng->mu);
	/* Readers go on; commits wait so positions arrive in order. */
	if (eng->on_commit != NULL)
		eng->on_commit(eng->on_commit_arg, pos, record);
	pthread_mutex_unlock(&eng->commit_mu);
	alx_mem_free(eng, txn);
	if (position != NULL)
		*position = pos;
	return 0;
}

/* ---- point operations ------------------------------------------------- */

int alx_mem_get(void *t, alopex_slice key, alopex_slice *value,
		alopex_diag *diag)
{
	struct alx_mem_txn *txn = t;
	struct alx_mem_engine *eng = txn->eng;
	int rc = txn_usable(txn, diag);
	if (rc == 0)
		rc = check_key(eng, key, diag);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&eng->mu);
	struct alx_mem_node *node = alx_mem_index_find(eng, key.ptr, key.len);
	struct alx_mem_version *v = node ? alx_mem_visible(node, txn) : NULL;
	if (v != NULL && !v->tombstone) {
		/* Stays valid: only this transaction may replace it. */
		value->ptr = v->val != NULL ? v->val : empty_value;
		value->len = v->len;
	} else {
		rc = ALOPEX_ENOTFOUND;
	}
	pthread_mutex_unlock(&eng->mu);
	if (rc != 0)
		return eng->host->diag_set(diag, rc, NULL, "key not found");
	return 0;
}

static int write_check(struct alx_mem_txn *txn, alopex_slice key,
		       alopex_diag *diag)
{
	if (txn->flags & ALOPEX_TXN_READONLY)
		return txn->eng->host->diag_set(diag, ALOPEX_EREADONLY, NULL,
						"write in a read-only "
						"transaction");
	int rc = txn_usable(txn, diag);
	if (rc == 0)
		rc = check_key(txn->eng, key, diag);
	return rc;
}

/*
 * Under mu: write a value (tombstone when val is NULL and del) to key.
 * Allocations come first so that running out of memory changes nothing.
 */
static int write_locked(struct alx_mem_txn *txn, struct alx_mem_node *node,
			alopex_slice key, alopex_slice value, int del,
			alopex_diag *diag)
{
	struct alx_mem_engine *eng = txn->eng;
	struct alx_mem_version *head = node != NULL ? node->head : NULL;
	if (head != NULL && head->owner != txn &&
	    (head->owner != NULL || head->seq > txn->snap)) {
		txn->failed = ALOPEX_ECONFLICT;
		return eng->host->diag_set(diag, ALOPEX_ECONFLICT, NULL,
					   "write conflict: the key was "
					   "changed by a concurrent "
					   "transaction");
	}
	uint8_t *val = NULL;
	if (!del && value.len > 0) {
		val = alx_mem_alloc(eng, value.len);
		if (val == NULL)
			return alx_mem_nomem(eng, diag);
		memcpy(val, value.ptr, value.len);
	}
	if (head != NULL && head->owner == txn) {
		/* Our own write again: replace it in place. */
		alx_mem_free(eng, head->val);
		head->val = val;
		head->len = del ? 0 : value.len;
		head->tombstone = del;
		return 0;
	}
	struct alx_mem_version *v = alx_mem_alloc(eng, sizeof(*v));
	if (v == NULL)
		goto nomem;
	if (node == NULL) {
		node = alx_mem_index_insert(eng, key.ptr, key.len);
		if (node == NULL) {
			alx_mem_free(eng, v);
			goto nomem;
		}
	}
	memset(v, 0, sizeof(*v));
	v->val = val;
	v->len = del ? 0 : value.len;
	v->tombstone = del;
	v->owner = txn;
	v->node = node;
	v->older = node->head;
	node->head = v;
	v->link = txn->writes;
	txn->writes = v;
	return 0;
nomem:
	alx_mem_free(eng, val);
	return alx_mem_nomem(eng, diag);
}

int alx_mem_put(void *t, alopex_slice key, alopex_slice value,
		alopex_diag *diag)
{
	struct alx_mem_txn *txn = t;
	struct alx_mem_engine *eng = txn->eng;
	int rc = write_check(txn, key, diag);
	if (rc != 0)
		return rc;
	if (value.len > ALOPEX_KV_MAX_VALUE)
		return eng->host->diag_set(
			diag, ALOPEX_EINVAL, NULL,
			"value of %zu bytes is larger than the %u-byte limit",
			value.len, ALOPEX_KV_MAX_VALUE);
	pthread_mutex_lock(&eng->mu);
	struct alx_mem_node *node = alx_mem_index_find(eng, key.ptr, key.len);
	rc = write_locked(txn, node, key, value, 0, diag);
	pthread_mutex_unlock(&eng->mu);
	return rc;
}

int alx_mem_del(void *t, alopex_slice key, alopex_diag *diag)
{
	struct alx_mem_txn *txn = t;
	struct alx_mem_engine *eng = txn->eng;
	int rc = write_check(txn, key, diag);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&eng->mu);
	struct alx_mem_node *node = alx_mem_index_find(eng, key.ptr, key.len);
	struct alx_mem_version *v = node ? alx_mem_visible(node, txn) : NULL;
	if (v == NULL || v->tombstone)
		rc = eng->host->diag_set(diag, ALOPEX_ENOTFOUND, NULL,
					 "key not found");
	else
		rc = write_locked(txn, node, key, (alopex_slice){NULL, 0}, 1,
				  diag);
	pthread_mutex_unlock(&eng->mu);
	return rc;
}

int alx_mem_insert(void *t, alopex_slice key, alopex_slice value,
		   alopex_diag *diag)
{
	struct alx_mem_txn *txn = t;
	struct alx_mem_engine *eng = txn->eng;
	int rc = write_check(txn, key, diag);
	if (rc != 0)
		return rc;
	if (value.len > ALOPEX_KV_MAX_VALUE)
		return eng->host->diag_set(
			diag, ALOPEX_EINVAL, NULL,
			"value of %zu bytes is larger than the %u-byte limit",
			value.len, ALOPEX_KV_MAX_VALUE);
	pthread_mutex_lock(&eng->mu);
	struct alx_mem_node *node = alx_mem_index_find(eng, key.ptr, key.len);
	struct alx_mem_version *v = node ? alx_mem_visible(node, txn) : NULL;
	/* Visibility first, as get-then-put would decide. */
	if (v != NULL && !v->tombstone)
		rc = eng->host->diag_set(diag, ALOPEX_EEXIST, NULL,
					 "key exists");
	else
		rc = write_locked(txn, node, key, value, 0, diag);
	pthread_mutex_unlock(&eng->mu);
	return rc;
}

/*
 * Tombstones on every key of the range the transaction sees, under one
 * hold of mu: O(keys), which is fine for a store that lives in memory.
 * Keys invisible to it (another transaction's uncommitted insert) are
 * left alone, as WiredTiger's truncate leaves them; a visible key another
 * transaction changed since is a conflict, as for del.
 */
int alx_mem_del_range(void *t, alopex_slice lower, alopex_slice upper,
		      alopex_diag *diag)
{
	struct alx_mem_txn *txn = t;
	struct alx_mem_engine *eng = txn->eng;
	if (txn->flags & ALOPEX_TXN_READONLY)
		return eng->host->diag_set(diag, ALOPEX_EREADONLY, NULL,
					   "write in a read-only "
					   "transaction");
	int rc = txn_usable(txn, diag);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&eng->mu);
	struct alx_mem_node *node = alx_mem_index_ge(
		eng, lower.ptr, lower.ptr != NULL ? lower.len : 0);
	/* bounded by the nodes in the range; tombstones add no node */
	for (; node != NULL && rc == 0; node = node->next[0]) {
		if (upper.ptr != NULL &&
		    alx_mem_key_cmp(node->key, node->klen, upper.ptr,
				    upper.len) >= 0)
			break;
		struct alx_mem_version *v = alx_mem_visible(node, txn);
		if (v == NULL || v->tombstone)
			continue;
		alopex_slice k = {node->key, node->klen};
		rc = write_locked(txn, node, k, (alopex_slice){NULL, 0}, 1,
				  diag);
	}
	/* Part of the range may be gone: only rollback is left. */
	if (rc != 0)
		txn->failed = rc;
	else
		txn->wrote_range = 1;
	pthread_mutex_unlock(&eng->mu);
	return rc;
}

/* ---- range cursors ---------------------------------------------------- */

int alx_mem_cursor_open(void *t, alopex_slice lower, alopex_slice upper,
			unsigned flags, void **out, alopex_diag *diag)
{
	struct alx_mem_txn *txn = t;
	struct alx_mem_engine *eng = txn->eng;
	int rc = txn_usable(txn, diag);
	if (rc != 0)
		return rc;
	size_t llen = lower.ptr != NULL ? lower.len : 0;
	size_t ulen = upper.ptr != NULL ? upper.len : 0;
	if (llen > ALOPEX_KV_MAX_KEY || ulen > ALOPEX_KV_MAX_KEY)
		return eng->host->diag_set(diag, ALOPEX_EINVAL, NULL,
					   "range bound longer than the "
					   "%u-byte key limit",
					   ALOPEX_KV_MAX_KEY);
	struct alx_mem_cursor *cur =
		alx_mem_alloc(eng, sizeof(*cur) + llen + ulen + 1);
	if (cur == NULL)
		return alx_mem_nomem(eng, diag);
	memset(cur, 0, sizeof(*cur));
	uint8_t *mem = (uint8_t *)(cur + 1);
	if (lower.ptr != NULL) {
		memcpy(mem, lower.ptr, llen);
		cur->lower = (alopex_slice){mem, llen};
	}
	if (upper.ptr != NULL) {
		memcpy(mem + llen, upper.ptr, ulen);
		cur->upper = (alopex_slice){mem + llen, ulen};
	}
	cur->eng = eng;
	cur->txn = txn;
	cur->reverse = (flags & ALOPEX_CURSOR_REVERSE) != 0;
	cur->next = txn->cursors;
	if (txn->cursors != NULL)
		txn->cursors->prev = cur;
	txn->cursors = cur;
	*out = cur;
	return 0;
}

/* Under mu: the next node in the cursor's direction, bounds checked. */
static struct alx_mem_node *cursor_step(struct alx_mem_cursor *cur)
{
	struct alx_mem_engine *eng = cur->eng;
	struct alx_mem_node *node;
	if (cur->state == CUR_START) {
		cur->state = CUR_RUNNING;
		if (cur->reverse)
			node = alx_mem_index_lt(eng, cur->upper.ptr,
						cur->upper.len);
		else
			node = alx_mem_index_ge(eng, cur->lower.ptr,
						cur->lower.len);
	} else {
		node = cur->reverse ? cur->pos->prev : cur->pos->next[0];
	}
	for (; node != NULL; node = cur->reverse ? node->prev : node->next[0]) {
		if (cur->reverse && cur->lower.ptr != NULL &&
		    alx_mem_key_cmp(node->key, node->klen, cur->lower.ptr,
				    cur->lower.len) < 0)
			return NULL;
		if (!cur->reverse && cur->upper.ptr != NULL &&
		    alx_mem_key_cmp(node->key, node->klen, cur->upper.ptr,
				    cur->upper.len) >= 0)
			return NULL;
		struct alx_mem_version *v = alx_mem_visible(node, cur->txn);
		if (v != NULL && !v->tombstone)
			return node;
	}
	return NULL;
}

int alx_mem_cursor_next(void *cursor, alopex_slice *key, alopex_slice *value,
			alopex_diag *diag)
{
	struct alx_mem_cursor *cur = cursor;
	struct alx_mem_engine *eng = cur->eng;
	if (cur->txn == NULL)
		return eng->host->diag_set(diag, ALOPEX_EMISUSE, NULL,
					   "cursor used after its "
					   "transaction ended");
	int rc = txn_usable(cur->txn, diag);
	if (rc != 0)
		return rc;
	if (cur->state == CUR_DONE)
		return ALOPEX_DONE;
	pthread_mutex_lock(&eng->mu);
	struct alx_mem_node *node = cursor_step(cur);
	if (node != NULL) {
		struct alx_mem_version *v = alx_mem_visible(node, cur->txn);
		cur->pos = node;
		key->ptr = node->key;
		key->len = node->klen;
		value->ptr = v->val != NULL ? v->val : empty_value;
		value->len = v->len;
	} else {
		cur->state = CUR_DONE;
		cur->pos = NULL;
	}
	pthread_mutex_unlock(&eng->mu);
	return node != NULL ? ALOPEX_ROW : ALOPEX_DONE;
}

void alx_mem_cursor_close(void *cursor)
{
	struct alx_mem_cursor *cur = cursor;
	if (cur == NULL)
		return;
	struct alx_mem_txn *txn = cur->txn;
	if (txn != NULL) {
		if (cur->prev != NULL)
			cur->prev->next = cur->next;
		else
			txn->cursors = cur->next;
		if (cur->next != NULL)
			cur->next->prev = cur->prev;
	}
	alx_mem_free(cur->eng, cur);
}
