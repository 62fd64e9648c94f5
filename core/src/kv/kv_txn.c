#include "kv/kv_txn.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"

struct alx_kv_cursor {
	struct alx_kv_txn *txn;
	void *ecur;
	uint8_t *bounds; /* kept alive while the engine cursor may use them */
	struct alx_kv_cursor *next;
};

/*
 * Pending writes go to the engine early once their keys and values (which
 * sit in the batch as well) and their bookkeeping (the entry, two hash
 * slots and their control bytes: PEND_ENTRY_BYTES) pass this: a huge transaction's memory stays
 * within a bound of what the batch already holds.
 */
#define PEND_MAX_BYTES ((size_t)64 << 20)
#define PEND_ENTRY_BYTES                 \
	(sizeof(struct alx_kv_pending) + \
	 2 * (sizeof(struct alx_kv_pend_slot) + 1))
/*
 * Rows per put_sorted call: the flush hands the engine its sorted run a
 * chunk at a time, so the run stays in the cache (a whole run of 40-byte
 * mutations was as big as the batch). PIN_ROWS in wt_txn.c's multiple.
 */
#define PUT_CHUNK 256
static int oom(struct alx_kv_txn *t)
{
	return alx_diag_set(&t->diag, ALOPEX_ENOMEM, NULL, "out of memory");
}

/* Engines built before txn_commit_nosync and sync_to stop short of them. */
static int engine_has_sync_split(const struct alopex_engine_ops *e)
{
	return e->size >= offsetof(struct alopex_engine_ops, sync_to) +
				  sizeof(e->sync_to) &&
	       (e->caps & ALOPEX_ENGINE_SYNC_SPLIT) != 0 &&
	       e->txn_commit_nosync != NULL && e->sync_to != NULL;
}

/* Engines built before sync_visible stop short of it. */
static int engine_has_sync_visible(const struct alopex_engine_ops *e)
{
	return e->size >= offsetof(struct alopex_engine_ops, sync_visible) +
				  sizeof(e->sync_visible) &&
	       (e->caps & ALOPEX_ENGINE_SYNC_VISIBLE) != 0 &&
	       e->sync_visible != NULL;
}

/* Engines built before txn_snapshot stop short of it. */
static int engine_has_snapshot(const struct alopex_engine_ops *e)
{
	return e->size >= offsetof(struct alopex_engine_ops, txn_snapshot) +
				  sizeof(e->txn_snapshot) &&
	       (e->caps & ALOPEX_ENGINE_STMT_SNAPSHOT) != 0 &&
	       e->txn_snapshot != NULL;
}

int alx_kv_txn_begin(alopex_db *db, unsigned flags, struct alx_kv_txn **out,
		     alopex_diag *diag)
{
	/*
	 * The last finished transaction's memory, when no other thread took
	 * it: the struct is past glibc's per-thread cache, where malloc and
	 * free take the arena lock. Zeroed whole, as calloc would: txn_free
	 * already released everything it pointed to.
	 */
	struct alx_kv_txn *t = atomic_exchange(&db->txn_spare, NULL);
	if (t != NULL)
		memset(t, 0, sizeof(*t));
	else
		t = alx_calloc(db->rt, 1, sizeof(*t));
	if (t == NULL)
		return alx_diag_set(diag, ALOPEX_ENOMEM, NULL, "out of memory");
	/* Without statement snapshots READ COMMITTED runs as one snapshot:
	 * stronger than asked, never weaker. */
	if (!engine_has_snapshot(db->eng))
		flags &= ~(unsigned)ALX_KV_TXN_READ_COMMITTED;
	t->db = db;
	t->flags = flags;
	t->memo_klen = SIZE_MAX;
	t->gap_min = 32;
	t->pend_max = PEND_MAX_BYTES;
	alx_diag_clear(&t->diag);
	alx_batch_writer_init(&t->batch, db->rt);
	alx_kv_lockowner_init(&t->lk, db->locks);
	unsigned eflags =
		(flags & ALX_KV_TXN_READONLY) ? ALOPEX_TXN_READONLY : 0;
	if (flags & ALX_KV_TXN_READ_COMMITTED)
		eflags |= ALOPEX_TXN_READ_COMMITTED;
	/* Before the engine's snapshot: see alx_kv_txn_stmt_snapshot. */
	t->stmt_seq = alx_kv_locks_seq(db->locks);
	int rc = db->eng->txn_begin(db->einst, eflags, &t->etxn, diag);
	if (rc != 0) {
		alx_free(db->rt, t);
		return rc;
	}
	atomic_fetch_add(&db->open_txns, 1);
	*out = t;
	return 0;
}

static void close_cursors(struct alx_kv_txn *t)
{
	while (t->cursors != NULL)
		alx_kv_cursor_close(t->cursors);
}

int alx_kv_txn_stmt_snapshot(struct alx_kv_txn *t)
{
	t->restart = false;
	t->memo_klen = SIZE_MAX; /* the view may change */
	if (!(t->flags & ALX_KV_TXN_READ_COMMITTED) || t->doomed)
		return 0;
	/*
	 * The sequence first: every commit numbered up to it is in the new
	 * snapshot, so a key whose recorded version is newer may be one we
	 * did not see (kv_lock.h). Later commits can only look newer.
	 */
	t->stmt_seq = alx_kv_locks_seq(t->db->locks);
	return t->db->eng->txn_snapshot(t->etxn, &t->diag);
}

static void txn_free(struct alx_kv_txn *t)
{
	alopex_db *db = t->db;
	alx_kv_lockowner_fini(&t->lk);
	alx_batch_writer_fini(&t->batch);
	alx_free(db->rt, t->undo);
	alx_free(db->rt, t->undo_buf);
	alx_free(db->rt, t->memo);
	alx_free(db->rt, t->pend);
	alx_free(db->rt, t->pend_slots);
	alx_free(db->rt, t->pend_ctrl);
	alx_free(db->rt, t->pend_run);
	alx_free(db->rt, t->gap_lo);
	alx_free(db->rt, t->gap_hi);
	/* kept for the next begin; the one kept before goes */
	alx_free(db->rt, atomic_exchange(&db->txn_spare, t));
	atomic_fetch_sub(&db->open_txns, 1);
}

static int pending_flush_ex(struct alx_kv_txn *t, bool last);

int alx_kv_txn_commit(struct alx_kv_txn *t, uint64_t *position,
		      alopex_diag *diag)
{
	alopex_db *db = t->db;
	close_cursors(t);
	int rc;
	if (!t->doomed && t->npend > 0 && pending_flush_ex(t, true) != 0) {
		/* Dooms the transaction: report what failed. */
		rc = t->doom_code;
		if (diag != NULL)
			*diag = t->diag;
		db->eng->txn_rollback(t->etxn);
		alx_kv_unlock_all(&t->lk, 0);
		txn_free(t);
		return rc;
	}
	if (t->doomed) {
		db->eng->txn_rollback(t->etxn);
		if (t->doom_code == ALOPEX_ECONFLICT)
			rc = alx_diag_set(diag, ALOPEX_ECONFLICT, "40001",
					  "could not serialize access due to "
					  "concurrent update");
		else
			rc = alx_diag_set(diag, t->doom_code, NULL,
					  "transaction was aborted by an "
					  "earlier error and has been rolled "
					  "back");
		alx_kv_unlock_all(&t->lk, 0);
		txn_free(t);
		return rc;
	}
	uint64_t pos = 0;
	/*
	 * A writer holding row locks frees them once its commit is in the
	 * engine's log, before waiting for the log to be durable, so the next
	 * writer of a hot row need not sit out our fsync. That one commits
	 * later in the same log, so it cannot be durable before us, and
	 * neither of us reports success before it is (sync_to); readers
	 * see a commit once it is in the log, and wait for it to be durable
	 * before their own success (sync_visible below).
	 */
	bool can_split = engine_has_sync_split(db->eng);
	bool nosync = (t->flags & ALX_KV_TXN_NOSYNC) && can_split;
	bool split = !nosync && t->lk.nheld > 0 && can_split;
	if (split || nosync)
		rc = db->eng->txn_commit_nosync(
			t->etxn, alx_batch_finish(&t->batch), &pos, diag);
	else
		rc = db->eng->txn_commit(t->etxn, alx_batch_finish(&t->batch),
					 &pos, diag);
	/* Numbered after the engine commit, recorded before the locks are
	 * free: a READ COMMITTED writer that waited sees it is newer. */
	alx_kv_unlock_all(&t->lk,
			  rc == 0 && t->lk.nheld > 0 &&
					  !(t->flags & ALX_KV_TXN_UNVERSIONED)
				  ? alx_kv_locks_next_seq(db->locks)
				  : 0);
	if (rc == 0 && split)
		rc = db->eng->sync_to(db->einst, pos, diag);
	/*
	 * A transaction that wrote nothing may have read commits that are
	 * visible but not yet durable: its success waits for them, so a
	 * crash cannot lose what it was shown. A writer's own sync covers
	 * every commit it could see (they are earlier in the log).
	 */
	if (rc == 0 && pos == 0 && !(t->flags & ALX_KV_TXN_NOSYNC) &&
	    engine_has_sync_visible(db->eng))
		rc = db->eng->sync_visible(db->einst, diag);
	if (rc == 0 && position != NULL)
		*position = pos;
	txn_free(t);
	return rc;
}

int alx_kv_sync_to(alopex_db *db, uint64_t pos, alopex_diag *diag)
{
	if (pos == 0 || !engine_has_sync_split(db->eng))
		return 0;
	return db->eng->sync_to(db->einst, pos, diag);
}

void alx_kv_txn_rollback(struct alx_kv_txn *t)
{
	if (t == NULL)
		return;
	close_cursors(t);
	t->db->eng->txn_rollback(t->etxn);
	alx_kv_unlock_all(&t->lk, 0);
	txn_free(t);
}

static int check_usable(struct alx_kv_txn *t)
{
	if (!t->doomed)
		return 0;
	if (t->doom_code == ALOPEX_ECONFLICT)
		return alx_diag_set(&t->diag, ALOPEX_ECONFLICT, "40001",
				    "could not serialize access due to "
				    "concurrent update");
	return alx_diag_set(&t->diag, ALOPEX_EMISUSE, "25P02",
			    "transaction is aborted after an error; roll it "
			    "back");
}

/* A failed write may leave the engine's transaction unusable. */
static int write_failed(struct alx_kv_txn *t, int rc)
{
	if (rc == ALOPEX_ECONFLICT || rc == ALOPEX_ENOMEM || rc == ALOPEX_EIO) {
		t->doomed = 1;
		t->doom_code = rc;
		if (rc == ALOPEX_ECONFLICT)
			alx_diag_set(&t->diag, rc, "40001",
				     "could not serialize access due to "
				     "concurrent update");
	}
	return rc;
}

/* Under a savepoint: keep a copy of what get answered (undo_record). */
static void memo_keep(struct alx_kv_txn *t, alopex_slice key, int rc,
		      const alopex_slice *val)
{
	t->memo_klen = SIZE_MAX;
	if (rc != 0 && rc != ALOPEX_ENOTFOUND)
		return;
	size_t vlen = rc == 0 ? val->len : 0;
	if (t->memo == NULL || t->memo_cap < key.len + vlen) {
		size_t cap = key.len + vlen < 256 ? 256 : key.len + vlen;
		uint8_t *p = alx_realloc(t->db->rt, t->memo, cap);
		if (p == NULL)
			return; /* no copy: undo_record reads the key */
		t->memo = p;
		t->memo_cap = cap;
	}
	if (key.len > 0)
		memcpy(t->memo, key.ptr, key.len);
	if (vlen > 0)
		memcpy(t->memo + key.len, val->ptr, vlen);
	t->memo_klen = key.len;
	t->memo_vlen = vlen;
	t->memo_absent = rc != 0;
	t->memo_count = t->batch.count;
}

/*
 * Room for need elements of elem bytes in arr, whose capacity *cap grows
 * by doubling from min: the array (maybe moved), or NULL with ALOPEX_ENOMEM
 * in t's diag, arr and *cap unchanged.
 */
static void *reserve(struct alx_kv_txn *t, void *arr, size_t *cap, size_t need,
		     size_t elem, size_t min)
{
	if (need <= *cap && arr != NULL)
		return arr;
	size_t c = *cap ? *cap : min;
	while (c < need) {
		if (c > SIZE_MAX / 2 / elem) {
			oom(t);
			return NULL;
		}
		c *= 2;
	}
	void *p = alx_realloc(t->db->rt, arr, c * elem);
	if (p == NULL) {
		oom(t);
		return NULL;
	}
	*cap = c;
	return p;
}

/* ---- deferred writes --------------------------------------------------- */

#define NPOS SIZE_MAX

/* Varint bytes of v in a batch record (kv_batch.c). */
static size_t varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/*
 * The put recorded at off from base in the batch, whose key is klen bytes
 * (kv_batch.h: op, varint klen, key, varint vlen, value).
 */
static alopex_mutation pend_mutation(const uint8_t *base, size_t off,
				     uint32_t klen)
{
	const uint8_t *k = base + off + 1 + varint_len(klen);
	const uint8_t *v = k + klen;
	uint64_t vlen = 0;
	/* at most 5 bytes: values are at most ALOPEX_KV_MAX_VALUE */
	for (unsigned shift = 0; shift < 35; shift += 7) {
		uint8_t b = *v++;
		vlen |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			break;
	}
	return (alopex_mutation){ALOPEX_MUT_PUT, k, klen, v, (size_t)vlen};
}

static const uint8_t *pend_key(const struct alx_kv_txn *t,
			       const struct alx_kv_pending *p)
{
	return t->batch.buf + t->pend_base + p->off + 1 + varint_len(p->klen);
}

/* A pend_ctrl byte: 0 empty, else 7 hash bits (apart from the slot's
 * position and tag bits) and the top bit. */
static uint8_t pend_fp(uint64_t h)
{
	return (uint8_t)(0x80 | ((h >> 25) & 0x7f));
}

/* The pending index of key (lock hash h), or NPOS. */
static size_t pend_find(const struct alx_kv_txn *t, alopex_slice key,
			uint64_t h)
{
	if (t->npend == 0)
		return NPOS;
	size_t mask = t->pend_slots_cap - 1;
	uint8_t fp = pend_fp(h);
	uint32_t tag = (uint32_t)(h >> 32);
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		uint8_t c = t->pend_ctrl[i];
		if (c == 0)
			return NPOS;
		if (c != fp || t->pend_slots[i].tag != tag)
			continue;
		size_t idx = t->pend_slots[i].idx1 - 1;
		const struct alx_kv_pending *p = &t->pend[idx];
		if (p->h == h && p->klen == key.len &&
		    memcmp(pend_key(t, p), key.ptr, key.len) == 0)
			return idx;
	}
}

static void pend_slot_put(struct alx_kv_txn *t, size_t idx)
{
	size_t mask = t->pend_slots_cap - 1;
	uint64_t h = t->pend[idx].h;
	size_t i = (size_t)h & mask;
	while (t->pend_ctrl[i] != 0)
		i = (i + 1) & mask;
	t->pend_ctrl[i] = pend_fp(h);
	t->pend_slots[i].tag = (uint32_t)(h >> 32);
	t->pend_slots[i].idx1 = (uint32_t)(idx + 1);
}

/* Empty the set of pend[0..npend) and set npend to keep (rehashing). */
static void pend_truncate(struct alx_kv_txn *t, size_t keep)
{
	if (t->npend == 0)
		return;
	if (keep == 0 && t->npend * 8 < t->pend_slots_cap) {
		/* A small run after a big one: clear only its slots (the
		 * whole set goes, so probe order does not matter). */
		size_t mask = t->pend_slots_cap - 1;
		for (size_t k = 0; k < t->npend; k++) {
			size_t i = (size_t)t->pend[k].h & mask;
			while (t->pend_ctrl[i] == 0 ||
			       t->pend_slots[i].idx1 != k + 1)
				i = (i + 1) & mask;
			t->pend_ctrl[i] = 0;
		}
	} else {
		memset(t->pend_ctrl, 0, t->pend_slots_cap);
		for (size_t k = 0; k < keep; k++)
			pend_slot_put(t, k);
	}
	if (keep == 0) {
		t->pend_bytes = 0;
	} else {
		const uint8_t *base = t->batch.buf + t->pend_base;
		for (size_t k = keep; k < t->npend; k++) {
			alopex_mutation m = pend_mutation(base, t->pend[k].off,
							  t->pend[k].klen);
			t->pend_bytes -= m.klen + m.vlen;
		}
	}
	t->npend = keep;
}

/* Room for one more pending entry (the set at most half full). */
static int pend_reserve(struct alx_kv_txn *t)
{
	struct alx_runtime *rt = t->db->rt;
	if (t->npend == t->pend_cap) {
		void *p = reserve(t, t->pend, &t->pend_cap, t->npend + 1,
				  sizeof(*t->pend), 64);
		if (p == NULL)
			return ALOPEX_ENOMEM;
		t->pend = p;
	}
	if ((t->npend + 1) * 2 > t->pend_slots_cap) {
		size_t cap = t->pend_slots_cap ? t->pend_slots_cap * 2 : 128;
		/* Only the control bytes say which slots are used. */
		struct alx_kv_pend_slot *slots =
			alx_malloc(rt, cap * sizeof(*slots));
		uint8_t *ctrl = alx_calloc(rt, cap, 1);
		if (slots == NULL || ctrl == NULL) {
			alx_free(rt, slots);
			alx_free(rt, ctrl);
			return oom(t);
		}
		alx_free(rt, t->pend_slots);
		alx_free(rt, t->pend_ctrl);
		t->pend_slots = slots;
		t->pend_ctrl = ctrl;
		t->pend_slots_cap = cap;
		for (size_t k = 0; k < t->npend; k++)
			pend_slot_put(t, k);
	}
	return 0;
}

/*
 * Whether a write of key (lock hash h, locked by t) may wait for the
 * flush: the engine would accept it then exactly as now. A transaction
 * that committed the key after our snapshot (its recorded version is
 * newer than the snapshot's sequence, kv_lock.h) makes the engine refuse
 * the write, which must happen at the statement (23505 or 40001 there),
 * so such a key is written at once. No other writer can come between:
 * the row lock is ours until we end. Keys and values the engine would
 * reject are written at once too, to fail at the statement.
 */
static bool deferrable(const struct alx_kv_txn *t, uint64_t h, alopex_slice key,
		       alopex_slice val)
{
	return key.ptr != NULL && key.len > 0 && key.len <= ALOPEX_KV_MAX_KEY &&
	       val.len <= ALOPEX_KV_MAX_VALUE &&
	       !alx_kv_locks_newer(t->db->locks, h, t->stmt_seq);
}

static int slice_cmp(alopex_slice a, const uint8_t *b, size_t blen)
{
	size_t n = a.len < blen ? a.len : blen;
	int c = n > 0 ? memcmp(a.ptr, b, n) : 0;
	if (c != 0)
		return c;
	return a.len < blen ? -1 : a.len > blen;
}

/*
 * Whether key (hash h) lies in the known gap and no commit after the gap
 * was seen wrote it: then the engine holds no value for it now (our own
 * engine writes drop the gap), and an insert's lookup can be skipped.
 */
static bool gap_has(const struct alx_kv_txn *t, alopex_slice key, uint64_t h)
{
	if (!t->gap_valid ||
	    (t->gap_lo != NULL &&
	     slice_cmp(key, t->gap_lo, t->gap_lo_len) <= 0) ||
	    (t->gap_hi != NULL &&
	     slice_cmp(key, t->gap_hi, t->gap_hi_len) >= 0))
		return false;
	return !alx_kv_locks_newer(t->db->locks, h, t->gap_seq);
}

/* Copy k into *buf (growing *cap); false when out of memory. */
static bool gap_bound(struct alx_kv_txn *t, uint8_t **buf, size_t *len,
		      size_t *cap, alopex_slice k)
{
	if (*cap < k.len || *buf == NULL) {
		size_t c = k.len < 64 ? 64 : k.len;
		uint8_t *p = alx_realloc(t->db->rt, *buf, c);
		if (p == NULL)
			return false;
		*buf = p;
		*cap = c;
	}
	if (k.len > 0)
		memcpy(*buf, k.ptr, k.len);
	*len = k.len;
	return true;
}

/*
 * After an insert's lookup missed key: find the keys around it, so that
 * the next inserts between them (a bulk load into an empty or sparse
 * range) need no lookup. Every commit up to stmt_seq is in the view the
 * cursors see. Best effort: any failure leaves no gap.
 */
static void gap_learn(struct alx_kv_txn *t, alopex_slice key)
{
	const struct alopex_engine_ops *e = t->db->eng;
	alopex_slice none = {NULL, 0}, k, v;
	alopex_diag d;
	void *c;
	bool ok = false;
	t->gap_valid = false;
	t->gap_learns++;
	if (e->cursor_open(t->etxn, key, none, 0, &c, &d) != 0)
		return;
	int rc = e->cursor_next(c, &k, &v, &d);
	if (rc == ALOPEX_DONE) {
		alx_free(t->db->rt, t->gap_hi);
		t->gap_hi = NULL;
		t->gap_hi_cap = 0;
		ok = true;
	} else if (rc == ALOPEX_ROW && slice_cmp(k, key.ptr, key.len) > 0) {
		ok = gap_bound(t, &t->gap_hi, &t->gap_hi_len, &t->gap_hi_cap,
			       k);
	}
	e->cursor_close(c);
	if (!ok || e->cursor_open(t->etxn, none, key, ALOPEX_CURSOR_REVERSE, &c,
				  &d) != 0)
		return;
	ok = false;
	rc = e->cursor_next(c, &k, &v, &d);
	if (rc == ALOPEX_DONE) {
		alx_free(t->db->rt, t->gap_lo);
		t->gap_lo = NULL;
		t->gap_lo_cap = 0;
		ok = true;
	} else if (rc == ALOPEX_ROW && slice_cmp(k, key.ptr, key.len) < 0) {
		ok = gap_bound(t, &t->gap_lo, &t->gap_lo_len, &t->gap_lo_cap,
			       k);
	}
	e->cursor_close(c);
	t->gap_seq = t->stmt_seq;
	t->gap_valid = ok;
}

/*
 * A pending write being sorted: the 8 key bytes from some offset on (see
 * key_pfx), the record's offset from pend_base and the key's length. The
 * flush sorts these in the pending entries' array and the pending set's
 * slots (both at least this big per entry; neither is needed then), so a
 * flush allocates nothing.
 */
struct sort_ent {
	uint64_t pfx;
	uint32_t off, klen;
};

_Static_assert(sizeof(struct sort_ent) == sizeof(struct alx_kv_pending),
	       "the sort works in pend");
_Static_assert(sizeof(struct sort_ent) <= 2 * sizeof(struct alx_kv_pend_slot),
	       "the sort works in pend_slots (at least two per entry)");

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint64_t load_be64(const uint8_t *p)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap64(load64(p));
#else
	uint64_t v = 0;
	for (size_t i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
#endif
}

/*
 * The 8 bytes of the key at buf + koff (klen bytes) from byte from on,
 * big-endian, zero-padded past its end. A key's record in the batch is
 * followed by its value's, so a short tail is read 8 bytes wide where
 * the batch has them, and the bytes past the key masked off.
 */
static uint64_t key_pfx(const uint8_t *buf, size_t buflen, size_t koff,
			size_t klen, size_t from)
{
	if (from >= klen)
		return 0;
	size_t avail = klen - from;
	if (koff + from + 8 <= buflen) {
		uint64_t v = load_be64(buf + koff + from);
		return avail >= 8 ? v : v & ~(~0ull >> (8 * avail));
	}
	uint64_t v = 0;
	for (size_t i = 0; i < 8; i++)
		v = v << 8 | (i < avail ? buf[koff + from + i] : 0);
	return v;
}

/* How many of the first m bytes of a and b agree, 8 at a time. */
static size_t common_len(const uint8_t *a, const uint8_t *b, size_t m)
{
	size_t j = 0;
	while (j + 8 <= m && load64(a + j) == load64(b + j))
		j += 8;
	while (j < m && a[j] == b[j])
		j++;
	return j;
}

/* What a sort needs of the batch: base is batch.buf + pend_base. */
struct sort_src {
	const uint8_t *buf, *base;
	size_t len;
};

static size_t ent_koff(const struct sort_src *src, const struct sort_ent *e)
{
	return (size_t)(src->base - src->buf) + e->off + 1 +
	       varint_len(e->klen);
}

/* memcmp order of whole keys. */
static int ent_cmp(const struct sort_src *src, const struct sort_ent *x,
		   const struct sort_ent *y)
{
	const uint8_t *a = src->buf + ent_koff(src, x);
	const uint8_t *b = src->buf + ent_koff(src, y);
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(a, b, n);
	if (c != 0)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* Whether x sorts before y, both with their pfx from the same byte on. */
static bool ent_less(const struct sort_src *src, const struct sort_ent *x,
		     const struct sort_ent *y)
{
	if (x->pfx != y->pfx)
		return x->pfx < y->pfx;
	return ent_cmp(src, x, y) < 0;
}

static void insertion_sort(const struct sort_src *src, struct sort_ent *x,
			   size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct sort_ent e = x[i];
		size_t j = i;
		while (j > 0 && ent_less(src, &e, &x[j - 1])) {
			x[j] = x[j - 1];
			j--;
		}
		x[j] = e;
	}
}

static void sift_down(const struct sort_src *src, struct sort_ent *x, size_t i,
		      size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && ent_cmp(src, &x[c], &x[c + 1]) < 0)
			c++;
		if (ent_cmp(src, &x[i], &x[c]) >= 0)
			return;
		struct sort_ent tmp = x[i];
		x[i] = x[c];
		x[c] = tmp;
		i = c;
	}
}

/* Whole-key order where the bytes compared so far cannot decide. */
static void heap_sort(const struct sort_src *src, struct sort_ent *x, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(src, x, i, n);
	for (size_t end = n; end > 1; end--) {
		struct sort_ent tmp = x[0];
		x[0] = x[end - 1];
		x[end - 1] = tmp;
		sift_down(src, x, 0, end - 1);
	}
}

/*
 * LSD radix sort of x[0..n) by pfx, a byte a pass, skipping the bytes in
 * which no two differ (diff: the OR of every pfx XOR the first). y is
 * scratch of n entries; the sorted entries are in the array returned.
 */
static struct sort_ent *radix_sort(struct sort_ent *x, struct sort_ent *y,
				   size_t n, uint64_t diff)
{
	for (unsigned shift = 0; shift < 64; shift += 8) {
		if (((diff >> shift) & 255) == 0)
			continue;
		size_t cnt[256] = {0};
		for (size_t i = 0; i < n; i++)
			cnt[(x[i].pfx >> shift) & 255]++;
		size_t sum = 0;
		for (unsigned d = 0; d < 256; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			y[cnt[(x[i].pfx >> shift) & 255]++] = x[i];
		struct sort_ent *tmp = x;
		x = y;
		y = tmp;
	}
	return x;
}

/* Levels of 8 key bytes a tie is radix-sorted by before heap_sort. */
#define SORT_DEPTH 4
/* Runs this short take insertion_sort. */
#define SORT_SMALL 16

static void sort_ties(const struct sort_src *src, struct sort_ent *x,
		      struct sort_ent *y, size_t n, size_t from,
		      unsigned depth);

/*
 * Sort x[0..n), whose pfx hold the 8 key bytes from byte from on (the
 * bytes before agree): result in x, y scratch. Runs of equal pfx go on
 * by the next 8 bytes.
 */
static void sort_level(const struct sort_src *src, struct sort_ent *x,
		       struct sort_ent *y, size_t n, size_t from,
		       unsigned depth)
{
	if (n <= SORT_SMALL) {
		insertion_sort(src, x, n);
		return;
	}
	uint64_t diff = 0;
	for (size_t i = 1; i < n; i++)
		diff |= x[i].pfx ^ x[0].pfx;
	struct sort_ent *r = radix_sort(x, y, n, diff);
	if (r != x)
		memcpy(x, r, n * sizeof(*x));
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && x[j].pfx == x[i].pfx)
			j++;
		if (j - i > 1)
			sort_ties(src, x + i, y + i, j - i, from + 8,
				  depth + 1);
		i = j;
	}
}

/* x[0..n) agree on their first from bytes (zero-padded): sort them. */
static void sort_ties(const struct sort_src *src, struct sort_ent *x,
		      struct sort_ent *y, size_t n, size_t from, unsigned depth)
{
	bool longer = false;
	for (size_t i = 0; i < n && !longer; i++)
		longer = x[i].klen > from;
	if (n <= SORT_SMALL) {
		insertion_sort(src, x, n); /* equal pfx: whole keys decide */
	} else if (!longer || depth >= SORT_DEPTH) {
		heap_sort(src, x, n);
	} else {
		for (size_t i = 0; i < n; i++)
			x[i].pfx =
				key_pfx(src->buf, src->len,
					ent_koff(src, &x[i]), x[i].klen, from);
		sort_level(src, x, y, n, from, depth);
	}
}

/*
 * pend[0..n) in key order, as sort entries: a radix sort on the 8 bytes
 * after the keys' common prefix (a table's keys share their prefix and
 * differ in a few bytes), about a tenth of a comparison sort's work; ties
 * go on by the next bytes. Uses pend and pend_slots as its memory: the
 * pending set is gone after it (pending_flush).
 */
static struct sort_ent *sort_pending(struct alx_kv_txn *t, size_t n)
{
	struct sort_src src = {t->batch.buf, t->batch.buf + t->pend_base,
			       t->batch.len};
	struct sort_ent *a = (struct sort_ent *)(void *)t->pend;
	struct sort_ent *b = (struct sort_ent *)(void *)t->pend_slots;
	size_t lcp = t->pend_lcp;
	/* The prefixes in place of the entries, and which bytes differ. */
	uint64_t diff = 0, first = 0;
	for (size_t i = 0; i < n; i++) {
		struct alx_kv_pending p = t->pend[i];
		size_t koff = t->pend_base + p.off + 1 + varint_len(p.klen);
		uint64_t v = key_pfx(src.buf, src.len, koff, p.klen, lcp);
		if (i == 0)
			first = v;
		diff |= v ^ first;
		a[i] = (struct sort_ent){v, p.off, p.klen};
	}
	if (n <= SORT_SMALL) {
		insertion_sort(&src, a, n);
		return a;
	}
	struct sort_ent *r = radix_sort(a, b, n, diff);
	struct sort_ent *s = r == a ? b : a;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && r[j].pfx == r[i].pfx)
			j++;
		if (j - i > 1)
			sort_ties(&src, r + i, s + i, j - i, lcp + 8, 1);
		i = j;
	}
	return r;
}

/* Engines built before put_sorted stop short of it. */
static int engine_has_put_sorted(const struct alopex_engine_ops *e)
{
	return e->size >= offsetof(struct alopex_engine_ops, put_sorted) +
				  sizeof(e->put_sorted) &&
	       (e->caps & ALOPEX_ENGINE_PUT_SORTED) != 0 &&
	       e->put_sorted != NULL;
}

/* Records ahead of the run being built that the flush asks the cache for:
 * sorted, they are read in random order. */
#define FLUSH_PREFETCH 16

/*
 * Write every pending entry to the engine, in key order. A failure dooms
 * the transaction: part of the run may be in the engine, the rest is not.
 * last: the commit's flush (the pending set is not needed again).
 */
static int pending_flush_ex(struct alx_kv_txn *t, bool last)
{
	size_t n = t->npend;
	if (n == 0)
		return 0;
	struct alx_runtime *rt = t->db->rt;
	const struct alopex_engine_ops *e = t->db->eng;
	int rc = 0;
	if (t->pend_run == NULL) {
		t->pend_run = alx_malloc(rt, PUT_CHUNK * sizeof(*t->pend_run));
		if (t->pend_run == NULL) {
			rc = oom(t);
			pend_truncate(t, 0);
			goto fail;
		}
	}
	const struct sort_ent *ents = sort_pending(t, n);
	const uint8_t *base = t->batch.buf + t->pend_base;
	bool sorted = engine_has_put_sorted(e);
	t->gap_valid = false;
	for (size_t i = 0; i < n && rc == 0;) {
		size_t m = n - i < PUT_CHUNK ? n - i : PUT_CHUNK;
		alopex_mutation *run = t->pend_run;
		for (size_t j = 0; j < m; j++) {
#if defined(__GNUC__)
			if (i + j + FLUSH_PREFETCH < n)
				__builtin_prefetch(
					base +
					ents[i + j + FLUSH_PREFETCH].off);
#endif
			run[j] = pend_mutation(base, ents[i + j].off,
					       ents[i + j].klen);
		}
		if (sorted) {
			rc = e->put_sorted(t->etxn, run, m, &t->diag);
		} else {
			for (size_t j = 0; j < m && rc == 0; j++) {
				alopex_slice k = {run[j].key, run[j].klen};
				alopex_slice v = {run[j].val, run[j].vlen};
				rc = e->put(t->etxn, k, v, &t->diag);
			}
		}
		i += m;
	}
	/* The sort wrote over the set's slots: empty it (or drop it). */
	t->npend = 0;
	t->pend_bytes = 0;
	if (last) {
		alx_free(rt, t->pend_slots);
		alx_free(rt, t->pend_ctrl);
		t->pend_slots = NULL;
		t->pend_ctrl = NULL;
		t->pend_slots_cap = 0;
	} else {
		memset(t->pend_ctrl, 0, t->pend_slots_cap);
	}
	if (rc == 0)
		return 0;
fail:
	write_failed(t, rc);
	if (!t->doomed) {
		t->doomed = 1;
		t->doom_code = rc;
	}
	return rc;
}

static int pending_flush(struct alx_kv_txn *t)
{
	return pending_flush_ex(t, false);
}

/* Before an operation on key: write it out if it is pending. */
static int pending_touch(struct alx_kv_txn *t, alopex_slice key, uint64_t h)
{
	if (t->npend == 0 || pend_find(t, key, h) == NPOS)
		return 0;
	return pending_flush(t);
}

int alx_kv_txn_get(struct alx_kv_txn *t, alopex_slice key, alopex_slice *val)
{
	int rc = check_usable(t);
	if (rc != 0)
		return rc;
	size_t i =
		t->npend > 0 ? pend_find(t, key, alx_kv_lock_hash(key)) : NPOS;
	if (i != NPOS) {
		/* Not in the engine yet: the batch holds the value. */
		alopex_mutation m =
			pend_mutation(t->batch.buf + t->pend_base,
				      t->pend[i].off, t->pend[i].klen);
		val->ptr = m.val;
		val->len = m.vlen;
		rc = 0;
	} else {
		rc = t->db->eng->get(t->etxn, key, val, &t->diag);
	}
	if (t->nsavepoints > 0)
		memo_keep(t, key, rc, val);
	return rc;
}

/* Room for one more undo entry with bytes of key and old value. */
static int undo_reserve(struct alx_kv_txn *t, size_t bytes)
{
	if (t->nundo == t->undo_cap) {
		void *p = reserve(t, t->undo, &t->undo_cap, t->nundo + 1,
				  sizeof(*t->undo), 32);
		if (p == NULL)
			return ALOPEX_ENOMEM;
		t->undo = p;
	}
	if (t->undo_buf_cap - t->undo_len < bytes) {
		void *p = reserve(t, t->undo_buf, &t->undo_buf_cap,
				  t->undo_len + bytes, 1, 4096);
		if (p == NULL)
			return ALOPEX_ENOMEM;
		t->undo_buf = p;
	}
	return 0;
}

/* Before a write under a savepoint: remember what the key held. */
static int undo_record(struct alx_kv_txn *t, alopex_slice key)
{
	if (t->nsavepoints == 0)
		return 0;
	alopex_slice old = {NULL, 0};
	int rc, absent;
	if (t->memo_klen == key.len && t->memo_count == t->batch.count &&
	    (key.len == 0 || memcmp(t->memo, key.ptr, key.len) == 0)) {
		/* Read by this statement, nothing written since: as the
		 * engine would answer now. */
		absent = t->memo_absent;
		old = (alopex_slice){t->memo + key.len, t->memo_vlen};
	} else {
		rc = t->db->eng->get(t->etxn, key, &old, &t->diag);
		absent = rc == ALOPEX_ENOTFOUND;
		if (rc != 0 && !absent)
			return rc;
	}
	size_t need = key.len + (absent ? 0 : old.len);
	rc = undo_reserve(t, need);
	if (rc != 0)
		return rc;
	t->memo_klen = SIZE_MAX; /* the key is about to change */
	struct alx_kv_undo_entry *e = &t->undo[t->nundo++];
	e->off = t->undo_len;
	e->klen = (uint32_t)key.len;
	e->vlen = absent ? -1 : (int64_t)old.len;
	memcpy(t->undo_buf + t->undo_len, key.ptr, key.len);
	t->undo_len += key.len;
	if (!absent && old.len > 0)
		memcpy(t->undo_buf + t->undo_len, old.ptr, old.len);
	if (!absent)
		t->undo_len += old.len;
	return 0;
}

/*
 * Lock the key (waiting per t->wait) and, READ COMMITTED, refuse a key
 * committed by another transaction after the statement's snapshot: the
 * statement must run again (not a doom: only its own writes are undone).
 * Keys the statement creates itself (alx_kv_txn_put_fresh: a hidden row
 * id, a non-unique index entry ending in it) skip that check: nobody else
 * can have committed them, and a COPY cannot be re-run after a false
 * "changed" (among a million keys some share a version slot with a recent
 * commit).
 */
static int lock_key(struct alx_kv_txn *t, uint64_t h, bool check_version)
{
	int rc = alx_kv_lock(&t->lk, h, t->wait, &t->diag);
	if (rc != 0) {
		/* Not waiting: the first writer wins, as without locks. */
		if (rc == ALOPEX_ECONFLICT &&
		    strcmp(t->diag.sqlstate, "40001") == 0)
			return write_failed(t, rc);
		return rc;
	}
	if (check_version && (t->flags & ALX_KV_TXN_READ_COMMITTED) &&
	    alx_kv_locks_newer(t->db->locks, h, t->stmt_seq)) {
		t->restart = true;
		return alx_diag_set(&t->diag, ALOPEX_ECONFLICT, "40001",
				    "could not serialize access due to "
				    "concurrent update");
	}
	return 0;
}

/* Usable and not read-only: any write's first check. */
static int check_writable(struct alx_kv_txn *t)
{
	int rc = check_usable(t);
	if (rc != 0)
		return rc;
	if (t->flags & ALX_KV_TXN_READONLY)
		return alx_diag_set(&t->diag, ALOPEX_EREADONLY, "25006",
				    "cannot execute a write in a read-only "
				    "transaction");
	return 0;
}

/* Checks, locks key (hash h) and writes it out if it is pending. */
static int check_write(struct alx_kv_txn *t, alopex_slice key, uint64_t h,
		       bool check_version)
{
	int rc = check_writable(t);
	if (rc == 0)
		rc = lock_key(t, h, check_version);
	if (rc == 0)
		rc = pending_touch(t, key, h);
	return rc;
}

/*
 * Record a put of key (hash h, locked, not pending) in the batch and the
 * pending set instead of the engine. With absent, under a savepoint, its
 * undo entry says the key was absent (else the caller recorded one).
 */
static int defer(struct alx_kv_txn *t, alopex_slice key, alopex_slice val,
		 uint64_t h, bool absent)
{
	int rc = 0;
	/* Entries hold 32-bit offsets from the first pending record. */
	if (t->npend > 0 && t->batch.len - t->pend_base > UINT32_MAX)
		rc = pending_flush(t);
	if (rc == 0)
		rc = pend_reserve(t);
	if (rc == 0 && absent && t->nsavepoints > 0)
		rc = undo_reserve(t, key.len);
	if (rc != 0)
		return rc;
	size_t at = t->batch.len;
	/* Nothing written yet: a full batch fails the call, not the
	 * transaction. */
	rc = alx_batch_add(&t->batch, ALOPEX_MUT_PUT, key, val);
	if (rc != 0)
		return oom(t);
	if (t->npend == 0) {
		t->pend_base = at;
		t->pend_lcp = key.len;
	} else if (t->pend_lcp > 0) {
		/* The first key is in the cache: one more compare here
		 * saves the flush a pass over every key. */
		size_t m = key.len < t->pend_lcp ? key.len : t->pend_lcp;
		t->pend_lcp = common_len(key.ptr, pend_key(t, &t->pend[0]), m);
	}
	struct alx_kv_pending *p = &t->pend[t->npend];
	p->h = h;
	p->off = (uint32_t)(at - t->pend_base);
	p->klen = (uint32_t)key.len;
	pend_slot_put(t, t->npend);
	t->npend++;
	t->pend_bytes += key.len + val.len;
	if (absent && t->nsavepoints > 0) {
		struct alx_kv_undo_entry *u = &t->undo[t->nundo++];
		u->off = t->undo_len;
		u->klen = (uint32_t)key.len;
		u->vlen = -1;
		memcpy(t->undo_buf + t->undo_len, key.ptr, key.len);
		t->undo_len += key.len;
	}
	if (t->pend_bytes + t->npend * PEND_ENTRY_BYTES > t->pend_max)
		return pending_flush(t);
	return 0;
}

static int put_checked(struct alx_kv_txn *t, alopex_slice key, alopex_slice val,
		       bool check_version)
{
	uint64_t h = alx_kv_lock_hash(key);
	int rc = check_write(t, key, h, check_version);
	if (rc == 0)
		rc = undo_record(t, key);
	if (rc != 0)
		return rc;
	/* Only fresh keys: a read-modify-write's put is usually read back. */
	if (!check_version && deferrable(t, h, key, val))
		return defer(t, key, val, h, false);
	t->gap_valid = false;
	rc = t->db->eng->put(t->etxn, key, val, &t->diag);
	if (rc != 0)
		return write_failed(t, rc);
	rc = alx_batch_add(&t->batch, ALOPEX_MUT_PUT, key, val);
	if (rc != 0)
		return write_failed(t, oom(t));
	return 0;
}

int alx_kv_txn_put(struct alx_kv_txn *t, alopex_slice key, alopex_slice val)
{
	return put_checked(t, key, val, true);
}

int alx_kv_txn_put_fresh(struct alx_kv_txn *t, alopex_slice key,
			 alopex_slice val)
{
	return put_checked(t, key, val, false);
}

/* Engines built before the insert op stop short of it. */
static int engine_has_insert(const struct alopex_engine_ops *e)
{
	return e->size >= offsetof(struct alopex_engine_ops, insert) +
				  sizeof(e->insert) &&
	       (e->caps & ALOPEX_ENGINE_INSERT) != 0 && e->insert != NULL;
}

uint64_t alx_kv_txn_prefetch(struct alx_kv_txn *t, alopex_slice key)
{
	uint64_t h = alx_kv_lock_hash(key);
	/* The lock table's and the pending set's slots for h, looked up
	 * and filled by the insert: their cache misses overlap. */
	alx_kv_locks_prefetch(t->db->locks, h);
#if defined(__GNUC__)
	if (t->pend_slots_cap > 0) {
		size_t i = (size_t)h & (t->pend_slots_cap - 1);
		__builtin_prefetch(&t->pend_ctrl[i]);
		__builtin_prefetch(&t->pend_slots[i], 1);
	}
#endif
	return h;
}

int alx_kv_txn_insert(struct alx_kv_txn *t, alopex_slice key, alopex_slice val)
{
	return alx_kv_txn_insert_hashed(t, key, val,
					alx_kv_txn_prefetch(t, key));
}

int alx_kv_txn_insert_hashed(struct alx_kv_txn *t, alopex_slice key,
			     alopex_slice val, uint64_t h)
{
	int rc = check_writable(t);
	if (rc == 0)
		rc = lock_key(t, h, true);
	if (rc != 0)
		return rc;
	if (t->npend > 0 && pend_find(t, key, h) != NPOS)
		return alx_diag_set(&t->diag, ALOPEX_EEXIST, NULL,
				    "key exists");
	const struct alopex_engine_ops *e = t->db->eng;
	if (deferrable(t, h, key, val)) {
		/*
		 * Absent from the engine (committed data as our snapshot has
		 * it, which holds every commit of this key, and what we
		 * wrote) and from the pending set: the insert stands, and
		 * goes to the engine with the next flush.
		 */
		if (gap_has(t, key, h)) {
			t->gap_hits++;
			return defer(t, key, val, h, true);
		}
		alopex_slice old;
		rc = e->get(t->etxn, key, &old, &t->diag);
		if (rc == 0)
			return alx_diag_set(&t->diag, ALOPEX_EEXIST, NULL,
					    "key exists");
		if (rc != ALOPEX_ENOTFOUND)
			return rc;
		/* A few tries, more while gaps pay off. */
		if (t->gap_learns < 2 + t->gap_hits / 16 &&
		    t->npend >= t->gap_min)
			gap_learn(t, key);
		return defer(t, key, val, h, true);
	}
	if (!engine_has_insert(e)) {
		alopex_slice old;
		rc = e->get(t->etxn, key, &old, &t->diag);
		if (rc == 0)
			return alx_diag_set(&t->diag, ALOPEX_EEXIST, NULL,
					    "key exists");
		if (rc != ALOPEX_ENOTFOUND)
			return rc;
		return alx_kv_txn_put(t, key, val);
	}
	/*
	 * A successful insert means the key was absent to us, so its undo
	 * entry needs no lookup. Room first: recording cannot fail after the
	 * write.
	 */
	if (t->nsavepoints > 0) {
		rc = undo_reserve(t, key.len);
		if (rc != 0)
			return rc;
	}
	t->gap_valid = false;
	rc = e->insert(t->etxn, key, val, &t->diag);
	if (rc == ALOPEX_EEXIST)
		return rc;
	if (rc == ALOPEX_ECONFLICT && !(t->flags & ALX_KV_TXN_READ_COMMITTED)) {
		/*
		 * A snapshot transaction inserting a key that another one
		 * wrote and committed after the snapshot (row lock waited
		 * for, engine conflict): PostgreSQL's unique check sees
		 * committed rows whatever the snapshot and says 23505, so
		 * answer "exists". The engine has given up the transaction.
		 */
		write_failed(t, rc);
		return alx_diag_set(&t->diag, ALOPEX_EEXIST, NULL,
				    "key exists");
	}
	if (rc != 0)
		return write_failed(t, rc);
	if (t->nsavepoints > 0) {
		struct alx_kv_undo_entry *u = &t->undo[t->nundo++];
		u->off = t->undo_len;
		u->klen = (uint32_t)key.len;
		u->vlen = -1;
		memcpy(t->undo_buf + t->undo_len, key.ptr, key.len);
		t->undo_len += key.len;
	}
	rc = alx_batch_add(&t->batch, ALOPEX_MUT_PUT, key, val);
	if (rc != 0)
		return write_failed(t, oom(t));
	return 0;
}

int alx_kv_txn_del(struct alx_kv_txn *t, alopex_slice key)
{
	int rc = check_write(t, key, alx_kv_lock_hash(key), true);
	if (rc == 0)
		rc = undo_record(t, key);
	if (rc != 0)
		return rc;
	t->gap_valid = false;
	rc = t->db->eng->del(t->etxn, key, &t->diag);
	if (rc == ALOPEX_ENOTFOUND) {
		/* Nothing changed: drop the undo entry just recorded. */
		if (t->nsavepoints > 0) {
			t->nundo--;
			t->undo_len = t->undo[t->nundo].off;
		}
		return rc;
	}
	if (rc != 0)
		return write_failed(t, rc);
	alopex_slice none = {NULL, 0};
	rc = alx_batch_add(&t->batch, ALOPEX_MUT_DELETE, key, none);
	if (rc != 0)
		return write_failed(t, oom(t));
	return 0;
}

int alx_kv_cursor_open(struct alx_kv_txn *t, alopex_slice lower,
		       alopex_slice upper, unsigned flags,
		       struct alx_kv_cursor **out)
{
	int rc = check_usable(t);
	if (rc == 0)
		rc = pending_flush(t);
	if (rc != 0)
		return rc;
	struct alx_runtime *rt = t->db->rt;
	struct alx_kv_cursor *c = alx_calloc(rt, 1, sizeof(*c));
	uint8_t *b = alx_malloc(rt, lower.len + upper.len + 1);
	if (c == NULL || b == NULL) {
		alx_free(rt, c);
		alx_free(rt, b);
		return oom(t);
	}
	alopex_slice lo = {NULL, 0}, hi = {NULL, 0};
	if (lower.ptr != NULL) {
		if (lower.len > 0)
			memcpy(b, lower.ptr, lower.len);
		lo.ptr = b;
		lo.len = lower.len;
	}
	if (upper.ptr != NULL) {
		if (upper.len > 0)
			memcpy(b + lower.len, upper.ptr, upper.len);
		hi.ptr = b + lower.len;
		hi.len = upper.len;
	}
	rc = t->db->eng->cursor_open(t->etxn, lo, hi, flags, &c->ecur,
				     &t->diag);
	if (rc != 0) {
		alx_free(rt, b);
		alx_free(rt, c);
		return rc;
	}
	c->txn = t;
	c->bounds = b;
	c->next = t->cursors;
	t->cursors = c;
	*out = c;
	return 0;
}

int alx_kv_cursor_next(struct alx_kv_cursor *c, alopex_slice *key,
		       alopex_slice *val)
{
	struct alx_kv_txn *t = c->txn;
	/* Writes deferred since the cursor opened: it may see them. */
	if (t->npend > 0) {
		int rc = pending_flush(t);
		if (rc != 0)
			return rc;
	}
	int rc = t->db->eng->cursor_next(c->ecur, key, val, &t->diag);
	if (rc == ALOPEX_ROW || rc == ALOPEX_DONE)
		return rc;
	return rc < 0 ? rc : ALOPEX_EINTERNAL;
}

void alx_kv_cursor_close(struct alx_kv_cursor *c)
{
	if (c == NULL)
		return;
	struct alx_kv_txn *t = c->txn;
	for (struct alx_kv_cursor **pp = &t->cursors; *pp != NULL;
	     pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	t->db->eng->cursor_close(c->ecur);
	alx_free(t->db->rt, c->bounds);
	alx_free(t->db->rt, c);
}

int alx_kv_txn_savepoint(struct alx_kv_txn *t, struct alx_kv_savepoint *out)
{
	int rc = check_usable(t);
	if (rc != 0)
		return rc;
	t->nsavepoints++;
	out->nundo = t->nundo;
	out->undo_len = t->undo_len;
	out->batch_len = t->batch.len;
	out->batch_count = t->batch.count;
	return 0;
}

int alx_kv_txn_rollback_to(struct alx_kv_txn *t,
			   const struct alx_kv_savepoint *sp)
{
	int rc = check_usable(t);
	if (rc != 0)
		return rc;
	/* batch.count goes back: it no longer tells what changed. */
	t->memo_klen = SIZE_MAX;
	/*
	 * Pending writes made since sp never reached the engine: drop them
	 * (pend is in batch order). Their undo entries below then delete or
	 * rewrite what the engine still holds, which changes nothing.
	 */
	size_t keep = t->npend;
	while (keep > 0 &&
	       t->pend_base + t->pend[keep - 1].off >= sp->batch_len)
		keep--;
	if (keep < t->npend)
		pend_truncate(t, keep);
	t->gap_valid = false;
	/* Newest first, so a key written twice ends at its oldest value. */
	while (t->nundo > sp->nundo) {
		struct alx_kv_undo_entry *e = &t->undo[t->nundo - 1];
		alopex_slice k = {t->undo_buf + e->off, e->klen};
		if (e->vlen < 0) {
			rc = t->db->eng->del(t->etxn, k, &t->diag);
			if (rc == ALOPEX_ENOTFOUND)
				rc = 0;
		} else {
			alopex_slice v = {t->undo_buf + e->off + e->klen,
					  (size_t)e->vlen};
			rc = t->db->eng->put(t->etxn, k, v, &t->diag);
		}
		if (rc != 0)
			return write_failed(t, rc);
		t->nundo--;
	}
	t->undo_len = sp->undo_len;
	t->batch.len = sp->batch_len;
	t->batch.count = sp->batch_count;
	return 0;
}

void alx_kv_txn_release(struct alx_kv_txn *t)
{
	if (t->nsavepoints > 0)
		t->nsavepoints--;
	if (t->nsavepoints == 0) {
		t->nundo = 0;
		t->undo_len = 0;
	}
}

/* ---- range delete ------------------------------------------------------ */

/* Engines built before del_range stop short of it. */
static int engine_has_del_range(const struct alopex_engine_ops *e)
{
	return e->size >= offsetof(struct alopex_engine_ops, del_range) +
				  sizeof(e->del_range) &&
	       (e->caps & ALOPEX_ENGINE_DEL_RANGE) != 0 && e->del_range != NULL;
}

/* Keys collected per cursor pass of the key-by-key path. */
#define DEL_RANGE_PASS 256

/*
 * The key-by-key path: collect a pass of keys, close the cursor, delete
 * them; the next pass starts just after the last key deleted (starting at
 * lower again would step over every earlier pass's tombstones).
 */
static int del_range_keywise(struct alx_kv_txn *t, alopex_slice lower,
			     alopex_slice upper)
{
	struct alx_runtime *rt = t->db->rt;
	uint8_t *from = NULL, *kbuf = NULL;
	size_t from_len = lower.len, kcap = 0;
	size_t offs[DEL_RANGE_PASS + 1];
	int rc = 0;
	from = alx_malloc(rt, lower.len + 1);
	if (from == NULL)
		return oom(t);
	memcpy(from, lower.ptr, lower.len);
	/* bounded: every pass but the last deletes DEL_RANGE_PASS keys */
	for (;;) {
		struct alx_kv_cursor *c;
		alopex_slice lo = {from, from_len};
		rc = alx_kv_cursor_open(t, lo, upper, 0, &c);
		if (rc != 0)
			break;
		uint32_t n = 0;
		size_t used = 0;
		offs[0] = 0;
		while (n < DEL_RANGE_PASS) {
			alopex_slice k, v;
			rc = alx_kv_cursor_next(c, &k, &v);
			if (rc != ALOPEX_ROW)
				break;
			rc = 0;
			if (kcap - used < k.len) {
				size_t cap = kcap ? kcap : 4096;
				while (cap - used < k.len)
					cap *= 2;
				uint8_t *p = alx_realloc(rt, kbuf, cap);
				if (p == NULL) {
					rc = oom(t);
					break;
				}
				kbuf = p;
				kcap = cap;
			}
			memcpy(kbuf + used, k.ptr, k.len);
			used += k.len;
			offs[++n] = used;
		}
		alx_kv_cursor_close(c);
		if (rc == ALOPEX_DONE)
			rc = 0;
		for (uint32_t i = 0; rc == 0 && i < n; i++) {
			alopex_slice k = {kbuf + offs[i],
					  offs[i + 1] - offs[i]};
			rc = alx_kv_txn_del(t, k);
			if (rc == ALOPEX_ENOTFOUND)
				rc = 0;
		}
		if (rc != 0 || n < DEL_RANGE_PASS)
			break;
		size_t last = offs[n] - offs[n - 1];
		uint8_t *p = alx_realloc(rt, from, last + 1);
		if (p == NULL) {
			rc = oom(t);
			break;
		}
		from = p;
		memcpy(from, kbuf + offs[n - 1], last);
		from[last] = 0;
		from_len = last + 1;
	}
	alx_free(rt, kbuf);
	alx_free(rt, from);
	return rc;
}

int alx_kv_txn_del_range(struct alx_kv_txn *t, alopex_slice lower,
			 alopex_slice upper, unsigned flags)
{
	int rc = check_writable(t);
	if (rc == 0)
		rc = pending_flush(t);
	if (rc != 0)
		return rc;
	if (lower.ptr == NULL || upper.ptr == NULL || lower.len == 0)
		return alx_diag_set(&t->diag, ALOPEX_EINVAL, NULL,
				    "a range delete needs both bounds");
	size_t n = lower.len < upper.len ? lower.len : upper.len;
	int cmp = memcmp(lower.ptr, upper.ptr, n);
	if (cmp > 0 || (cmp == 0 && lower.len >= upper.len))
		return alx_diag_set(&t->diag, ALOPEX_EINVAL, NULL,
				    "empty range delete");
	const struct alopex_engine_ops *e = t->db->eng;
	/* Under a savepoint every key's old value goes to the undo log,
	 * which takes reading them all anyway. */
	if ((flags & ALX_KV_RANGE_KEYWISE) || t->nsavepoints > 0 ||
	    !engine_has_del_range(e))
		return del_range_keywise(t, lower, upper);
	/* Room in the batch first: recording cannot fail after the write. */
	struct alx_batch_writer saved = t->batch;
	rc = alx_batch_add(&t->batch, ALOPEX_MUT_DELETE_RANGE, lower, upper);
	if (rc != 0)
		return oom(t);
	t->gap_valid = false;
	rc = e->del_range(t->etxn, lower, upper, &t->diag);
	if (rc != 0) {
		t->batch.len = saved.len;
		t->batch.count = saved.count;
		/* The engine may have deleted part of the range. */
		write_failed(t, rc);
		if (!t->doomed) {
			t->doomed = 1;
			t->doom_code = rc;
		}
		return rc;
	}
	return 0;
}

int alx_kv_txn_refresh_view(struct alx_kv_txn *t)
{
	uint64_t seq = t->stmt_seq;
	bool restart = t->restart;
	int rc = alx_kv_txn_stmt_snapshot(t);
	t->stmt_seq = seq;
	t->restart = restart;
	return rc;
}
