/*
 * Transactions, point operations and range cursors of the WiredTiger engine.
 *
 * A transaction borrows a pooled session and runs one WiredTiger
 * transaction on it (READ COMMITTED: from its first write; reads before
 * need none, see alx_wt_txn_begin). Write commits are serialised by
 * commit_mu: the position is assigned, the log record inserted next to the
 * data, the transaction committed without syncing and on_commit called,
 * all in position order.
 * With durability fsync the log is then flushed outside the mutex by one
 * leader for everyone committed so far (group_sync), or later by
 * alx_wt_sync_to when the core committed with alx_wt_txn_commit_nosync.
 */
#include <string.h>

#include "wt_debug.h"
#include "wt_internal.h"

struct alx_wt_cursor {
	struct alx_wt_engine *eng;
	struct alx_wt_txn *txn; /* NULL once the transaction ended */
	struct alx_wt_cursor *next, *prev;
	WT_CURSOR *c;
	alopex_slice lower, upper; /* ptr NULL: unbounded */
	int reverse;
	int state; /* 0: not positioned, 1: iterating, 2: done */
};

enum { CUR_START = 0, CUR_RUNNING = 1, CUR_DONE = 2 };

/* ---- session pool ----------------------------------------------------- */

static int session_open(struct alx_wt_engine *eng, struct alx_wt_session **out,
			alopex_diag *diag);

/* live: 1 to count a live transaction too (one lock, not two). */
static int session_get(struct alx_wt_engine *eng, struct alx_wt_session **out,
		       int live, alopex_diag *diag)
{
	pthread_mutex_lock(&eng->pool_mu);
	struct alx_wt_session *ses = eng->pool;
	if (ses != NULL)
		eng->pool = ses->next;
	eng->live_txns += (size_t)live;
	pthread_mutex_unlock(&eng->pool_mu);
	if (ses != NULL) {
		ses->next = NULL;
		*out = ses;
		return 0;
	}
	int rc = session_open(eng, &ses, diag);
	if (rc != 0) {
		pthread_mutex_lock(&eng->pool_mu);
		eng->live_txns -= (size_t)live;
		pthread_mutex_unlock(&eng->pool_mu);
		return rc;
	}
	*out = ses;
	return 0;
}

int alx_wt_session_get(struct alx_wt_engine *eng, struct alx_wt_session **out,
		       alopex_diag *diag)
{
	return session_get(eng, out, 0, diag);
}

int alx_wt_session_get_live(struct alx_wt_engine *eng,
			    struct alx_wt_session **out, alopex_diag *diag)
{
	return session_get(eng, out, 1, diag);
}

static int session_open(struct alx_wt_engine *eng, struct alx_wt_session **out,
			alopex_diag *diag)
{
	int rc;
	struct alx_wt_session *ses;
	ses = alx_wt_alloc(eng, sizeof(*ses));
	if (ses == NULL)
		return eng->host->diag_set(diag, ALOPEX_ENOMEM, NULL,
					   "wiredtiger: out of memory");
	memset(ses, 0, sizeof(*ses));
	int ret = eng->conn->open_session(eng->conn, NULL, "isolation=snapshot",
					  &ses->session);
	if (ret != 0) {
		rc = alx_wt_error(eng, diag, ret, "opening a session");
		goto fail;
	}
	ret = ses->session->open_cursor(ses->session, ALX_WT_DATA_URI, NULL,
					NULL, &ses->data);
	if (ret != 0) {
		rc = alx_wt_error(eng, diag, ret, "opening the data table");
		goto fail;
	}
	*out = ses;
	return 0;
fail:
	if (ses->session != NULL)
		ses->session->close(ses->session, NULL);
	alx_wt_free(eng, ses);
	return rc;
}

static void session_put(struct alx_wt_engine *eng, struct alx_wt_session *ses,
			int live)
{
	pthread_mutex_lock(&eng->pool_mu);
	ses->next = eng->pool;
	eng->pool = ses;
	eng->live_txns -= (size_t)live;
	pthread_mutex_unlock(&eng->pool_mu);
}

void alx_wt_session_put(struct alx_wt_engine *eng, struct alx_wt_session *ses)
{
	session_put(eng, ses, 0);
}

void alx_wt_session_put_live(struct alx_wt_engine *eng,
			     struct alx_wt_session *ses)
{
	session_put(eng, ses, 1);
}

int alx_wt_session_log_cursor(struct alx_wt_engine *eng,
			      struct alx_wt_session *ses, alopex_diag *diag)
{
	if (ses->log != NULL)
		return 0;
	int ret = ses->session->open_cursor(ses->session, ALX_WT_LOG_URI, NULL,
					    NULL, &ses->log);
	if (ret != 0) {
		ses->log = NULL;
		return alx_wt_error(eng, diag, ret, "opening the log table");
	}
	return 0;
}

/* After the connection closed (which closed the WiredTiger sessions). */
void alx_wt_pool_destroy(struct alx_wt_engine *eng)
{
	struct alx_wt_session *ses = eng->pool;
	while (ses != NULL) {
		struct alx_wt_session *next = ses->next;
		alx_wt_free(eng, ses->txn);
		alx_wt_free(eng, ses);
		ses = next;
	}
	eng->pool = NULL;
}

/* ---- transactions ----------------------------------------------------- */

int alx_wt_txn_begin(void *instance, unsigned flags, void **out,
		     alopex_diag *diag)
{
	struct alx_wt_engine *eng = instance;
	if (!eng->opened)
		return eng->host->diag_set(diag, ALOPEX_EMISUSE, NULL,
					   "wiredtiger: not open");
	struct alx_wt_session *ses;
	int rc = alx_wt_session_get_live(eng, &ses, diag);
	if (rc != 0)
		return rc;
	/* One transaction per session at a time: its memory stays with the
	 * session, no allocation per transaction. */
	struct alx_wt_txn *txn = ses->txn;
	if (txn == NULL) {
		txn = alx_wt_alloc(eng, sizeof(*txn));
		if (txn == NULL) {
			rc = eng->host->diag_set(diag, ALOPEX_ENOMEM, NULL,
						 "wiredtiger: out of memory");
			goto fail;
		}
		ses->txn = txn;
	}
	memset(txn, 0, sizeof(*txn));
	txn->eng = eng;
	txn->flags = flags;
	txn->ses = ses;
	/*
	 * Snapshot isolation takes the snapshot here, at begin. The isolation
	 * is the session's default (see read_committed), so no per-begin
	 * config string.
	 */
	WT_SESSION *s = txn->ses->session;
	/*
	 * READ COMMITTED: WiredTiger 3.2.1's read-committed isolation takes a
	 * new snapshot whenever no cursor of the session is positioned;
	 * alx_wt_txn_snapshot resets ours so the next statement reads a fresh
	 * one. It does not detect write conflicts (__wt_txn_update_check only
	 * checks snapshot transactions): the core's row locks and version
	 * check do (ALOPEX_TXN_READ_COMMITTED).
	 *
	 * Its reads see the same outside a WiredTiger transaction (a snapshot
	 * per cursor operation when none is positioned, __wt_txn_read_last),
	 * so that one starts at the first write (alx_wt_txn_began): a
	 * read-only transaction skips begin_transaction and
	 * commit_transaction, which parse their configs every time (about
	 * 1,000 instructions, a tenth of a SQL point read).
	 */
	int want_rc = (flags & ALOPEX_TXN_READ_COMMITTED) != 0;
	int ret = 0;
	if (txn->ses->read_committed != want_rc) {
		/* WiredTiger parses a config string on every call (about
		 * 8k instructions, a quarter of a point read's): switch the
		 * session's default only when it differs. */
		ret = s->reconfigure(s, want_rc ? "isolation=read-committed"
						: "isolation=snapshot");
		if (ret == 0)
			txn->ses->read_committed = want_rc;
	}
	if (ret != 0) {
		rc = alx_wt_error(eng, diag, ret, "beginning a transaction");
		goto fail;
	}
	if (!want_rc) {
		rc = alx_wt_txn_began(txn, diag);
		if (rc != 0)
			goto fail;
	}
	*out = txn;
	return 0;
fail:
	alx_wt_session_put_live(eng, ses);
	return rc;
}

int alx_wt_txn_began(struct alx_wt_txn *txn, alopex_diag *diag)
{
	if (txn->began)
		return 0;
	WT_SESSION *s = txn->ses->session;
	int ret = s->begin_transaction(s, NULL);
	if (ret != 0)
		return alx_wt_error(txn->eng, diag, ret,
				    "beginning a transaction");
	txn->began = 1;
	return 0;
}

/*
 * End the WiredTiger side without a commit: a rollback, or with no
 * transaction running, a reset of the cursors a read left positioned, so
 * the pooled session keeps no snapshot or page. Also how a transaction
 * that wrote nothing ends: commit would parse its config (timestamps,
 * sync) with nothing to commit.
 */
static int txn_abandon(struct alx_wt_txn *txn)
{
	struct alx_wt_session *ses = txn->ses;
	if (txn->began) {
		WT_SESSION *s = ses->session;
		return s->rollback_transaction(s, NULL);
	}
	int ret = ses->data->reset(ses->data);
	if (ses->data_new != NULL) {
		int r2 = ses->data_new->reset(ses->data_new);
		ret = ret != 0 ? ret : r2;
	}
	return ret;
}

/* Close the WiredTiger cursors of a finishing transaction. */
static void detach_cursors(struct alx_wt_txn *txn)
{
	struct alx_wt_cursor *cur = txn->cursors;
	while (cur != NULL) {
		struct alx_wt_cursor *next = cur->next;
		cur->c->close(cur->c);
		cur->c = NULL;
		cur->txn = NULL;
		cur->next = cur->prev = NULL;
		cur = next;
	}
	txn->cursors = NULL;
}

static void txn_free(struct alx_wt_txn *txn)
{
	/* The memory stays with the session for its next transaction. */
	alx_wt_session_put_live(txn->eng, txn->ses);
}

int alx_wt_txn_snapshot(void *t, alopex_diag *diag)
{
	struct alx_wt_txn *txn = t;
	(void)diag;
	if (!(txn->flags & ALOPEX_TXN_READ_COMMITTED))
		return 0;
	/* With no cursor positioned WiredTiger drops the snapshot; the next
	 * read takes a new one. Range cursors still open keep theirs. */
	struct alx_wt_session *ses = txn->ses;
	ses->data->reset(ses->data);
	if (ses->data_new != NULL)
		ses->data_new->reset(ses->data_new);
	return 0;
}

void alx_wt_txn_rollback(void *t)
{
	struct alx_wt_txn *txn = t;
	if (txn == NULL)
		return;
	detach_cursors(txn);
	txn_abandon(txn);
	txn_free(txn);
}

/*
 * Return once position pos is on disk. WiredTiger's log_flush(sync=on)
 * syncs only up to the log end it saw on entry, so committers queued on
 * its sync lock each pay an fsync of their own. Instead one leader
 * flushes for every position committed when it starts (all of them are
 * in the log by then) and the others sleep until a flush covers them:
 * one fsync per batch of concurrent commits. s: a session of the
 * caller's, or NULL to borrow one from the pool when leading.
 */
static int group_sync(struct alx_wt_engine *eng, WT_SESSION *s, uint64_t pos,
		      alopex_diag *diag)
{
	int ret = 0, rc = 0;
	pthread_mutex_lock(&eng->sync_mu);
	eng->debug_waiters++;
	while (eng->synced_pos < pos) {
		if (eng->syncing || eng->debug_hold) {
			pthread_cond_wait(&eng->sync_cv, &eng->sync_mu);
			continue;
		}
		eng->syncing = 1;
		uint64_t target = atomic_load(&eng->last_pos);
		pthread_mutex_unlock(&eng->sync_mu);
		struct alx_wt_session *ses = NULL;
		if (s == NULL)
			rc = alx_wt_session_get(eng, &ses, diag);
		if (rc == 0) {
			WT_SESSION *fs = s != NULL ? s : ses->session;
			ret = fs->log_flush(fs, "sync=on");
			if (ses != NULL)
				alx_wt_session_put(eng, ses);
		}
		pthread_mutex_lock(&eng->sync_mu);
		eng->syncing = 0;
		if (rc == 0 && ret == 0 && target > eng->synced_pos)
			eng->synced_pos = target;
		/* The covered go; one of the rest leads the next flush. */
		pthread_cond_broadcast(&eng->sync_cv);
		if (rc != 0 || ret != 0)
			break;
	}
	eng->debug_waiters--;
	pthread_mutex_unlock(&eng->sync_mu);
	if (ret != 0)
		rc = eng->host->diag_set(diag, ALOPEX_EIO, NULL,
					 "position %llu was committed but "
					 "syncing the log failed: %s",
					 (unsigned long long)pos,
					 wiredtiger_strerror(ret));
	return rc;
}

int alx_wt_sync_to(void *instance, uint64_t position, alopex_diag *diag)
{
	struct alx_wt_engine *eng = instance;
	if (eng->cfg->durability != ALX_WT_DUR_FSYNC)
		return 0;
	return group_sync(eng, NULL, position, diag);
}

/*
 * Readers: a commit is visible from its commit_transaction on, durable
 * only after the group flush. Nothing pending (the usual case for a
 * read-only load) costs two atomic loads. Otherwise wait for a flush up to
 * the last position: one that was visible_pos may still be committing or
 * failing, and once commit_mu is ours it has done either.
 */
int alx_wt_sync_visible(void *instance, alopex_diag *diag)
{
	struct alx_wt_engine *eng = instance;
	if (eng->cfg->durability != ALX_WT_DUR_FSYNC)
		return 0;
	uint64_t pos = atomic_load(&eng->visible_pos);
	if (atomic_load(&eng->synced_pos) >= pos)
		return 0;
	pthread_mutex_lock(&eng->commit_mu);
	uint64_t last = atomic_load(&eng->last_pos);
	pthread_mutex_unlock(&eng->commit_mu);
	return group_sync(eng, NULL, pos < last ? pos : last, diag);
}

void alx_wt_debug_hold_sync(void *instance, int hold)
{
	struct alx_wt_engine *eng = instance;
	pthread_mutex_lock(&eng->sync_mu);
	eng->debug_hold = hold;
	pthread_cond_broadcast(&eng->sync_cv);
	pthread_mutex_unlock(&eng->sync_mu);
}

uint64_t alx_wt_debug_sync_state(void *instance, unsigned *waiters)
{
	struct alx_wt_engine *eng = instance;
	pthread_mutex_lock(&eng->sync_mu);
	uint64_t synced = eng->synced_pos;
	if (waiters != NULL)
		*waiters = eng->debug_waiters;
	pthread_mutex_unlock(&eng->sync_mu);
	return synced;
}

/* Insert the record and commit, in position order. */
static int commit_write(struct alx_wt_txn *txn, alopex_slice record,
			uint64_t *position, int sync, alopex_diag *diag)
{
	struct alx_wt_engine *eng = txn->eng;
	struct alx_wt_session *ses = txn->ses;
	WT_SESSION *s = ses->session;
	int rc = alx_wt_session_log_cursor(eng, ses, diag);
	if (rc != 0) {
		s->rollback_transaction(s, NULL);
		return rc;
	}
	uint8_t kbuf[8];
	WT_ITEM k = {.data = kbuf, .size = sizeof(kbuf)};
	WT_ITEM v = {.data = record.ptr != NULL ? record.ptr : kbuf,
		     .size = record.len};

	pthread_mutex_lock(&eng->commit_mu);
	uint64_t pos = atomic_load(&eng->last_pos) + 1;
	alx_wt_encode_pos(kbuf, pos);
	ses->log->set_key(ses->log, &k);
	ses->log->set_value(ses->log, &v);
	int ret = ses->log->insert(ses->log);
	if (ret == 0) {
		/* Before readers can see it (alx_wt_sync_visible). */
		atomic_store(&eng->visible_pos, pos);
		/* An error from commit means it was rolled back. */
		ret = s->commit_transaction(s, NULL);
		if (ret != 0) {
			atomic_store(&eng->visible_pos, pos - 1);
			rc = alx_wt_error(eng, diag, ret, "commit");
		}
	} else {
		rc = alx_wt_error(eng, diag, ret, "writing the log record");
		s->rollback_transaction(s, NULL);
	}
	if (rc != 0) {
		pthread_mutex_unlock(&eng->commit_mu);
		return rc;
	}
	atomic_store(&eng->last_pos, pos);
	/* The checkpoint thread's volume trigger (wt_ckpt.c). */
	atomic_fetch_add_explicit(&eng->ckpt_bytes, record.len,
				  memory_order_relaxed);
	if (eng->on_commit != NULL)
		eng->on_commit(eng->on_commit_arg, pos, record);
	pthread_mutex_unlock(&eng->commit_mu);

	if (sync && eng->cfg->durability == ALX_WT_DUR_FSYNC) {
		rc = group_sync(eng, s, pos, diag);
		if (rc != 0)
			return rc;
	}
	if (alx_wt_log_trim_due(eng))
		alx_wt_log_trim(eng, ses);
	*position = pos;
	return 0;
}

/* sync 0: the caller waits with alx_wt_sync_to. */
static int txn_commit(void *t, alopex_slice log_record, uint64_t *position,
		      int sync, alopex_diag *diag)
{
	struct alx_wt_txn *txn = t;
	struct alx_wt_engine *eng = txn->eng;
	int rc = 0;
	detach_cursors(txn);
	if (txn->failed != 0) {
		/* WiredTiger 3.2.1 would commit the rest: refuse. */
		txn_abandon(txn);
		rc = eng->host->diag_set(diag, txn->failed, NULL,
					 "the transaction failed earlier "
					 "and was rolled back");
	} else if (!txn->wrote) {
		/* Read-only or empty: no position, no log record. */
		int ret = txn_abandon(txn);
		if (ret != 0)
			rc = alx_wt_error(eng, diag, ret, "commit");
	} else {
		uint64_t pos = 0;
		rc = commit_write(txn, log_record, &pos, sync, diag);
		if (rc == 0 && position != NULL)
			*position = pos;
	}
	txn_free(txn);
	return rc;
}

int alx_wt_txn_commit(void *t, alopex_slice log_record, uint64_t *position,
		      alopex_diag *diag)
{
	return txn_commit(t, log_record, position, 1, diag);
}

int alx_wt_txn_commit_nosync(void *t, alopex_slice log_record,
			     uint64_t *position, alopex_diag *diag)
{
	return txn_commit(t, log_record, position, 0, diag);
}

/* ---- point operations ------------------------------------------------- */

static int cursor_item(WT_CURSOR *c, WT_ITEM *k, WT_ITEM *v);

static int txn_usable(const struct alx_wt_txn *txn, alopex_diag *diag)
{
	if (txn->failed == 0)
		return 0;
	return txn->eng->host->diag_set(diag, txn->failed, NULL,
					"the transaction failed earlier and "
					"can only be rolled back");
}

static int txn_writable(struct alx_wt_txn *txn, alopex_slice key,
			alopex_diag *diag)
{
	if (txn->flags & ALOPEX_TXN_READONLY)
		return txn->eng->host->diag_set(diag, ALOPEX_EREADONLY, NULL,
						"write in a read-only "
						"transaction");
	int rc = txn_usable(txn, diag);
	if (rc == 0)
		rc = alx_wt_check_key(txn->eng, key, diag);
	if (rc == 0)
		rc = alx_wt_txn_began(txn, diag);
	return rc;
}

/* A failed write (or a rollback-only read) poisons the transaction. */
static int txn_fail(struct alx_wt_txn *txn, alopex_diag *diag, int ret,
		    const char *what)
{
	int rc = alx_wt_error(txn->eng, diag, ret, what);
	txn->failed = rc;
	return rc;
}

int alx_wt_get(void *t, alopex_slice key, alopex_slice *value,
	       alopex_diag *diag)
{
	struct alx_wt_txn *txn = t;
	struct alx_wt_engine *eng = txn->eng;
	int rc = txn_usable(txn, diag);
	if (rc == 0)
		rc = alx_wt_check_key(eng, key, diag);
	if (rc != 0)
		return rc;
	WT_CURSOR *c = txn->ses->data;
	WT_ITEM k = {.data = key.ptr, .size = key.len};
	c->set_key(c, &k);
	int ret = c->search(c);
	if (ret == WT_NOTFOUND)
		return eng->host->diag_set(diag, ALOPEX_ENOTFOUND, NULL,
					   "key not found");
	if (ret == WT_ROLLBACK)
		return txn_fail(txn, diag, ret, "read");
	if (ret != 0)
		return alx_wt_error(eng, diag, ret, "read");
	WT_ITEM k2, v;
	ret = cursor_item(c, &k2, &v);
	if (ret != 0)
		return alx_wt_error(eng, diag, ret, "read");
	value->ptr = v.data;
	value->len = v.size;
	return 0;
}

/*
 * Point a cursor at a key and value (both in the caller's memory until
 * the next call on the cursor). For format 'u' WiredTiger 3.2's set_key
 * and set_value enter the API and parse the format to store the two
 * pointers and flags (about 120 instructions each, and their code misses
 * the instruction cache on every row of a bulk insert): do that here on
 * that version; keys are non-empty (alx_wt_check_key), so no error path
 * is skipped. Any other version goes through the API.
 */
static void cursor_set_kv(WT_CURSOR *c, const WT_ITEM *k, const WT_ITEM *v)
{
#if WIREDTIGER_VERSION_MAJOR == 3 && WIREDTIGER_VERSION_MINOR == 2
	c->flags &= ~(uint32_t)(WT_CURSTD_KEY_SET | WT_CURSTD_VALUE_SET);
	c->key.data = k->data;
	c->key.size = k->size;
	c->saved_err = 0;
	c->value.data = v->data;
	c->value.size = v->size;
	c->flags |= WT_CURSTD_KEY_EXT | WT_CURSTD_VALUE_EXT;
#else
	c->set_key(c, k);
	c->set_value(c, v);
#endif
}

int alx_wt_put(void *t, alopex_slice key, alopex_slice value, alopex_diag *diag)
{
	struct alx_wt_txn *txn = t;
	int rc = txn_writable(txn, key, diag);
	if (rc != 0)
		return rc;
	if (value.len > ALOPEX_KV_MAX_VALUE)
		return txn->eng->host->diag_set(
			diag, ALOPEX_EINVAL, NULL,
			"value of %zu bytes is larger than the %u-byte limit",
			value.len, ALOPEX_KV_MAX_VALUE);
	WT_CURSOR *c = txn->ses->data;
	WT_ITEM k = {.data = key.ptr, .size = key.len};
	WT_ITEM v = {.data = value.ptr != NULL ? value.ptr : key.ptr,
		     .size = value.len};
	cursor_set_kv(c, &k, &v);
	int ret = c->insert(c);
	if (ret != 0)
		return txn_fail(txn, diag, ret, "write");
	txn->wrote = 1;
	return 0;
}

int alx_wt_del(void *t, alopex_slice key, alopex_diag *diag)
{
	struct alx_wt_txn *txn = t;
	int rc = txn_writable(txn, key, diag);
	if (rc != 0)
		return rc;
	/* remove() with overwrite does not report absent keys: look first. */
	WT_CURSOR *c = txn->ses->data;
	WT_ITEM k = {.data = key.ptr, .size = key.len};
	c->set_key(c, &k);
	int ret = c->search(c);
	if (ret == WT_NOTFOUND)
		return txn->eng->host->diag_set(diag, ALOPEX_ENOTFOUND, NULL,
						"key not found");
	if (ret == WT_ROLLBACK)
		return txn_fail(txn, diag, ret, "read");
	if (ret != 0)
		return alx_wt_error(txn->eng, diag, ret, "read");
	ret = c->remove(c);
	if (ret != 0)
		return txn_fail(txn, diag, ret, "delete");
	txn->wrote = 1;
	return 0;
}

int alx_wt_insert(void *t, alopex_slice key, alopex_slice value,
		  alopex_diag *diag)
{
	struct alx_wt_txn *txn = t;
	struct alx_wt_engine *eng = txn->eng;
	int rc = txn_writable(txn, key, diag);
	if (rc != 0)
		return rc;
	if (value.len > ALOPEX_KV_MAX_VALUE)
		return eng->host->diag_set(
			diag, ALOPEX_EINVAL, NULL,
			"value of %zu bytes is larger than the %u-byte limit",
			value.len, ALOPEX_KV_MAX_VALUE);
	struct alx_wt_session *ses = txn->ses;
	if (ses->data_new == NULL) {
		/* Once per pooled session: config strings are parsed. */
		int ret = ses->session->open_cursor(
			ses->session, ALX_WT_DATA_URI, NULL, "overwrite=false",
			&ses->data_new);
		if (ret != 0) {
			ses->data_new = NULL;
			return alx_wt_error(eng, diag, ret,
					    "opening the data table");
		}
	}
	WT_CURSOR *c = ses->data_new;
	WT_ITEM k = {.data = key.ptr, .size = key.len};
	WT_ITEM v = {.data = value.ptr != NULL ? value.ptr : key.ptr,
		     .size = value.len};
	cursor_set_kv(c, &k, &v);
	int ret = c->insert(c);
	/* A visible value is there: an answer, not a failed write. */
	if (ret == WT_DUPLICATE_KEY)
		return eng->host->diag_set(diag, ALOPEX_EEXIST, NULL,
					   "key exists");
	if (ret != 0)
		return txn_fail(txn, diag, ret, "write");
	txn->wrote = 1;
	return 0;
}

static int key_cmp(const void *av, size_t alen, const void *bv, size_t blen);

/*
 * READ COMMITTED: with no cursor of the session positioned, WiredTiger
 * 3.2.1 drops the snapshot when an insert resets its cursor
 * (__cursor_leave, __wt_txn_read_last) and takes a new one at the next
 * (__wt_txn_cursor_op): a snapshot and a cache check per row, about 470
 * of an insert's 3,300 instructions. A run of puts reads nothing, and RC writes ignore the
 * snapshot (the core locks rows), so put_sorted keeps one for the run by
 * positioning the session's log cursor on the last record: the log table,
 * so that no data page the run fills is held against splits. Every
 * PIN_ROWS rows the pin is let go for one insert, which then checks the
 * cache (and may help evict or be rolled back) as every insert did.
 */
#define PIN_ROWS 256

/* 0: pinned or not (nothing to pin, never an error); else WiredTiger's. */
static int pin_snapshot(struct alx_wt_txn *txn, WT_CURSOR **pin)
{
	struct alx_wt_session *ses = txn->ses;
	*pin = NULL;
	if (alx_wt_session_log_cursor(txn->eng, ses, NULL) != 0)
		return 0;
	WT_CURSOR *c = ses->log;
	int ret = c->prev(c);
	if (ret == 0)
		*pin = c;
	else
		c->reset(c);
	/* A positioned cursor has no other effect; the cache check it
	 * made may ask for a rollback, as the next insert's would. */
	return ret == WT_ROLLBACK ? ret : 0;
}

/*
 * The core's deferred writes in key order: each lands at or after the
 * previous one, where the tree's path and the page's insert list are
 * still in the cache, and most go to the end of an insert list, which
 * WiredTiger appends to without a skiplist search.
 */
/* Rows ahead whose key and value put_sorted asks the cache for. */
#define SORTED_PREFETCH 8

int alx_wt_put_sorted(void *t, const alopex_mutation *muts, size_t n,
		      alopex_diag *diag)
{
	struct alx_wt_txn *txn = t;
	WT_CURSOR *c = txn->ses->data;
	WT_CURSOR *pin = NULL;
	int pinning = (txn->flags & ALOPEX_TXN_READ_COMMITTED) != 0;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		alopex_slice key = {muts[i].key, muts[i].klen};
#if defined(__GNUC__)
		/* Sorted, the run visits the core's batch in random order:
		 * each key's first touch was a cache miss that stalled the
		 * loop (95% of this function's samples). Fetch a few ahead. */
		if (i + SORTED_PREFETCH < n) {
			const alopex_mutation *ahead =
				&muts[i + SORTED_PREFETCH];
			__builtin_prefetch(ahead->key);
			if (ahead->val != NULL)
				__builtin_prefetch(ahead->val);
		}
#endif
		rc = txn_writable(txn, key, diag);
		if (rc != 0)
			goto done;
		if (muts[i].vlen > ALOPEX_KV_MAX_VALUE) {
			rc = txn->eng->host->diag_set(
				diag, ALOPEX_EINVAL, NULL,
				"value of %zu bytes is larger than the "
				"%u-byte limit",
				muts[i].vlen, ALOPEX_KV_MAX_VALUE);
			goto done;
		}
		if (i > 0 && key_cmp(muts[i - 1].key, muts[i - 1].klen, key.ptr,
				     key.len) >= 0) {
			rc = txn->eng->host->diag_set(
				diag, ALOPEX_EINVAL, NULL,
				"put_sorted: keys out of order");
			goto done;
		}
		if (pin != NULL && i % PIN_ROWS == 0) {
			pin->reset(pin);
			pin = NULL;
		}
		WT_ITEM k = {.data = key.ptr, .size = key.len};
		WT_ITEM v = {.data = muts[i].val != NULL ? muts[i].val
							 : key.ptr,
			     .size = muts[i].vlen};
		cursor_set_kv(c, &k, &v);
		int ret = c->insert(c);
		if (ret == 0) {
			txn->wrote = 1;
			if (pinning && pin == NULL && i % PIN_ROWS == 0 &&
			    i + 1 < n)
				ret = pin_snapshot(txn, &pin);
		}
		if (ret != 0) {
			rc = txn_fail(txn, diag, ret, "write");
			goto done;
		}
	}
done:
	/* The next read takes a fresh snapshot, as after any insert. */
	if (pin != NULL)
		pin->reset(pin);
	return rc;
}

/* ---- range cursors ---------------------------------------------------- */

/*
 * The key and value a positioned cursor holds. For format 'u' WiredTiger
 * 3.2's get_key/get_value copy cursor->key/value verbatim behind an API
 * entry, about 100 instructions each: a seventh of a filtered scan's cost
 * per row. Read them directly there when the cursor says they are set;
 * any other version goes through the API.
 */
static int cursor_item(WT_CURSOR *c, WT_ITEM *k, WT_ITEM *v)
{
#if WIREDTIGER_VERSION_MAJOR == 3 && WIREDTIGER_VERSION_MINOR == 2
	if ((c->flags & WT_CURSTD_KEY_SET) != 0 &&
	    (c->flags & WT_CURSTD_VALUE_SET) != 0) {
		k->data = c->key.data;
		k->size = c->key.size;
		v->data = c->value.data;
		v->size = c->value.size;
		return 0;
	}
#endif
	int ret = c->get_key(c, k);
	return ret != 0 ? ret : c->get_value(c, v);
}

/* memcmp order, inline: every row of a scan is compared with its bound,
 * both are short, and a libc call was a sixth of this wrapper's cost. */
static int key_cmp(const void *av, size_t alen, const void *bv, size_t blen)
{
	const uint8_t *a = av, *b = bv;
	size_t n = alen < blen ? alen : blen, i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			break;
	}
	for (; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

int alx_wt_cursor_open(void *t, alopex_slice lower, alopex_slice upper,
		       unsigned flags, void **out, alopex_diag *diag)
{
	struct alx_wt_txn *txn = t;
	struct alx_wt_engine *eng = txn->eng;
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
	struct alx_wt_cursor *cur =
		alx_wt_alloc(eng, sizeof(*cur) + llen + ulen);
	if (cur == NULL)
		return eng->host->diag_set(diag, ALOPEX_ENOMEM, NULL,
					   "wiredtiger: out of memory");
	memset(cur, 0, sizeof(*cur));
	WT_SESSION *s = txn->ses->session;
	/* Closed cursors are cached by the session: this is cheap. */
	int ret = s->open_cursor(s, ALX_WT_DATA_URI, NULL, NULL, &cur->c);
	if (ret != 0) {
		alx_wt_free(eng, cur);
		return alx_wt_error(eng, diag, ret, "opening a cursor");
	}
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

/* Place the cursor on the first key of the range, in its direction. */
static int cursor_first(struct alx_wt_cursor *cur)
{
	WT_CURSOR *c = cur->c;
	const alopex_slice *bound = cur->reverse ? &cur->upper : &cur->lower;
	if (bound->ptr == NULL)
		return cur->reverse ? c->prev(c) : c->next(c);
	WT_ITEM k = {.data = bound->ptr, .size = bound->len};
	int exact = 0;
	c->set_key(c, &k);
	int ret = c->search_near(c, &exact);
	if (ret != 0)
		return ret;
	/* Forward wants key >= lower; reverse wants key < upper. */
	if (!cur->reverse && exact < 0)
		return c->next(c);
	if (cur->reverse && exact >= 0)
		return c->prev(c);
	return 0;
}

int alx_wt_cursor_next(void *cursor, alopex_slice *key, alopex_slice *value,
		       alopex_diag *diag)
{
	struct alx_wt_cursor *cur = cursor;
	struct alx_wt_engine *eng = cur->eng;
	if (cur->txn == NULL)
		return eng->host->diag_set(diag, ALOPEX_EMISUSE, NULL,
					   "cursor used after its "
					   "transaction ended");
	int rc = txn_usable(cur->txn, diag);
	if (rc != 0)
		return rc;
	if (cur->state == CUR_DONE)
		return ALOPEX_DONE;
	WT_CURSOR *c = cur->c;
	int ret;
	if (cur->state == CUR_START) {
		ret = cursor_first(cur);
		cur->state = CUR_RUNNING;
	} else {
		ret = cur->reverse ? c->prev(c) : c->next(c);
	}
	if (ret == WT_NOTFOUND) {
		cur->state = CUR_DONE;
		return ALOPEX_DONE;
	}
	WT_ITEM k, v;
	if (ret == 0)
		ret = cursor_item(c, &k, &v);
	if (ret != 0) {
		if (ret == WT_ROLLBACK)
			return txn_fail(cur->txn, diag, ret, "scan");
		return alx_wt_error(eng, diag, ret, "scan");
	}
	const alopex_slice *stop = cur->reverse ? &cur->lower : &cur->upper;
	if (stop->ptr != NULL) {
		int cmp = key_cmp(k.data, k.size, stop->ptr, stop->len);
		if (cur->reverse ? cmp < 0 : cmp >= 0) {
			cur->state = CUR_DONE;
			return ALOPEX_DONE;
		}
	}
	key->ptr = k.data;
	key->len = k.size;
	value->ptr = v.data;
	value->len = v.size;
	return ALOPEX_ROW;
}

void alx_wt_cursor_close(void *cursor)
{
	struct alx_wt_cursor *cur = cursor;
	if (cur == NULL)
		return;
	struct alx_wt_txn *txn = cur->txn;
	if (txn != NULL) {
		if (cur->prev != NULL)
			cur->prev->next = cur->next;
		else
			txn->cursors = cur->next;
		if (cur->next != NULL)
			cur->next->prev = cur->prev;
		cur->c->close(cur->c);
	}
	alx_wt_free(cur->eng, cur);
}
