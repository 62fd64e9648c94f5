/*
 * Range delete of the WiredTiger engine: WT_SESSION::truncate between two
 * cursors, inside the transaction. WiredTiger removes the records of pages
 * in cache one by one (tombstones, without our per-key locks, batch and
 * lookups) and marks whole pages on disk deleted without reading them, and
 * logs the whole range as one truncate operation.
 *
 * Its stop cursor is inclusive, and a start cursor after the stop one is
 * EINVAL, so the stop cursor is placed on the last key below upper first
 * and an empty range never reaches truncate. Keys another transaction
 * writes into the range meanwhile are not defined in 3.2.1 (a conflict,
 * or both commit and recovery replays the truncate over the newer key):
 * the core keeps writers out (alopex_plugin.h, del_range).
 */
#include <string.h>

#include "wt_internal.h"

static int range_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c != 0)
		return c;
	return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/*
 * Put stop on the last key < upper the transaction sees (upper NULL: the
 * last key). WT_NOTFOUND: there is none.
 */
static int place_stop(WT_CURSOR *stop, alopex_slice upper)
{
	if (upper.ptr == NULL)
		return stop->prev(stop);
	WT_ITEM k = {.data = upper.ptr, .size = upper.len};
	int exact = 0;
	stop->set_key(stop, &k);
	int ret = stop->search_near(stop, &exact);
	if (ret == 0 && exact >= 0)
		ret = stop->prev(stop);
	return ret;
}

int alx_wt_del_range(void *t, alopex_slice lower, alopex_slice upper,
		     alopex_diag *diag)
{
	struct alx_wt_txn *txn = t;
	struct alx_wt_engine *eng = txn->eng;
	if (txn->flags & ALOPEX_TXN_READONLY)
		return eng->host->diag_set(diag, ALOPEX_EREADONLY, NULL,
					   "write in a read-only "
					   "transaction");
	if (txn->failed != 0)
		return eng->host->diag_set(diag, txn->failed, NULL,
					   "the transaction failed earlier "
					   "and can only be rolled back");
	if ((lower.ptr != NULL && lower.len > ALOPEX_KV_MAX_KEY) ||
	    (upper.ptr != NULL && upper.len > ALOPEX_KV_MAX_KEY))
		return eng->host->diag_set(diag, ALOPEX_EINVAL, NULL,
					   "range bound longer than the "
					   "%u-byte key limit",
					   ALOPEX_KV_MAX_KEY);
	int rc = alx_wt_txn_began(txn, diag);
	if (rc != 0)
		return rc;
	WT_SESSION *s = txn->ses->session;
	WT_CURSOR *start = NULL, *stop = NULL;
	const char *what = "opening a cursor";
	int ret = s->open_cursor(s, ALX_WT_DATA_URI, NULL, NULL, &stop);
	if (ret != 0) {
		stop = NULL;
		goto fail;
	}
	what = "range delete";
	ret = place_stop(stop, upper);
	if (ret == WT_NOTFOUND)
		goto empty;
	if (ret != 0)
		goto fail;
	if (lower.ptr != NULL) {
		WT_ITEM last;
		ret = stop->get_key(stop, &last);
		if (ret != 0)
			goto fail;
		if (range_cmp(last.data, last.size, lower.ptr, lower.len) < 0)
			goto empty;
		what = "opening a cursor";
		ret = s->open_cursor(s, ALX_WT_DATA_URI, NULL, NULL, &start);
		if (ret != 0) {
			start = NULL;
			goto fail;
		}
		what = "range delete";
		WT_ITEM k = {.data = lower.ptr, .size = lower.len};
		start->set_key(start, &k);
	}
	/* Nothing is written before this call: errors above leave the
	 * transaction as it was; one from truncate may leave part done. */
	ret = s->truncate(s, NULL, start, stop, NULL);
	if (ret != 0) {
		rc = alx_wt_error(eng, diag, ret, what);
		txn->failed = rc;
		if (start != NULL)
			start->close(start);
		stop->close(stop);
		return rc;
	}
empty:
	if (start != NULL)
		start->close(start);
	stop->close(stop);
	txn->wrote = 1;
	return 0;
fail:
	rc = alx_wt_error(eng, diag, ret, what);
	/* A conflict while positioning: WiredTiger wants a rollback. */
	if (ret == WT_ROLLBACK)
		txn->failed = rc;
	if (start != NULL)
		start->close(start);
	if (stop != NULL)
		stop->close(stop);
	return rc;
}
