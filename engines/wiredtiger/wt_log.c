/*
 * The change log of the WiredTiger engine: one table keyed by the position
 * (8 bytes big-endian) holding the opaque records, written in the same
 * transaction as the data.
 *
 * log_retain is applied logically at once (log_read refuses older
 * positions) and physically in batches: records are removed once
 * ALX_WT_TRIM_SLACK accumulated beyond it. The last record always stays in
 * the table, so the last position survives a reopen even with log_retain 0,
 * without a metadata key that every commit would update (and conflict on).
 * Nor is a record after the last checkpoint's P0 ever removed: open
 * replays those into the data table (wt_ckpt.c).
 */
#include <string.h>

#include "wt_internal.h"

int alx_wt_log_recover(struct alx_wt_engine *eng, alopex_diag *diag)
{
	struct alx_wt_session *ses = NULL;
	int rc = alx_wt_session_get(eng, &ses, diag);
	if (rc != 0)
		return rc;
	rc = alx_wt_session_log_cursor(eng, ses, diag);
	if (rc != 0)
		goto done;
	WT_CURSOR *c = ses->log;
	uint64_t pos[2] = {0, 0};
	for (int i = 0; i < 2; i++) {
		/* prev from no position: the largest key; next: smallest. */
		c->reset(c);
		int ret = i == 0 ? c->prev(c) : c->next(c);
		if (ret == WT_NOTFOUND)
			break;
		WT_ITEM k;
		if (ret == 0)
			ret = c->get_key(c, &k);
		if (ret != 0) {
			rc = alx_wt_error(eng, diag, ret, "reading the log");
			goto done;
		}
		if (k.size != 8) {
			rc = eng->host->diag_set(
				diag, ALOPEX_ECORRUPT, NULL,
				"the log table of %s holds a %zu-byte key",
				eng->dir, k.size);
			goto done;
		}
		pos[i] = alx_wt_decode_pos(k.data);
	}
	c->reset(c);
	atomic_store(&eng->last_pos, pos[0]);
	atomic_store(&eng->visible_pos, pos[0]);
	atomic_store(&eng->first_pos, pos[0] == 0 ? 1 : pos[1]);
	/* Recovered records are on disk; a reopened instance starts over. */
	pthread_mutex_lock(&eng->sync_mu);
	eng->synced_pos = pos[0];
	pthread_mutex_unlock(&eng->sync_mu);
	if (alx_wt_log_trim_due(eng))
		rc = alx_wt_log_trim(eng, ses);
done:
	alx_wt_session_put(eng, ses);
	return rc;
}

/* Records kept in the table: log_retain, but at least the last one. */
static uint64_t physical_keep(const struct alx_wt_engine *eng)
{
	uint64_t retain = (uint64_t)eng->cfg->log_retain;
	return retain > 0 ? retain : 1;
}

/* Records up to this position may go (0: none). */
static uint64_t trim_cutoff(const struct alx_wt_engine *eng)
{
	uint64_t last = atomic_load(&eng->last_pos);
	uint64_t keep = physical_keep(eng);
	uint64_t cutoff = last > keep ? last - keep : 0;
	if (!eng->data_logged) {
		uint64_t p0 = atomic_load(&eng->ckpt_pos);
		if (cutoff > p0)
			cutoff = p0;
	}
	return cutoff;
}

int alx_wt_log_trim_due(const struct alx_wt_engine *eng)
{
	uint64_t cutoff = trim_cutoff(eng);
	uint64_t first = atomic_load(&eng->first_pos);
	if (cutoff < first)
		return 0;
	return cutoff - first + 1 > ALX_WT_TRIM_SLACK;
}

int alx_wt_log_trim(struct alx_wt_engine *eng, struct alx_wt_session *ses)
{
	/* One trimmer at a time; a skipped trim happens on a later commit. */
	if (atomic_exchange(&eng->trimming, 1))
		return 0;
	int rc = 0;
	uint64_t cutoff = trim_cutoff(eng); /* remove positions <= cutoff */
	if (cutoff == 0 || cutoff < atomic_load(&eng->first_pos))
		goto done;
	rc = alx_wt_session_log_cursor(eng, ses, NULL);
	if (rc != 0)
		goto done;
	WT_SESSION *s = ses->session;
	uint8_t kbuf[8];
	alx_wt_encode_pos(kbuf, cutoff);
	WT_ITEM k = {.data = kbuf, .size = sizeof(kbuf)};
	int ret = s->begin_transaction(s, "isolation=snapshot");
	if (ret == 0) {
		ses->log->set_key(ses->log, &k);
		/* From the start of the table through cutoff. */
		ret = s->truncate(s, NULL, NULL, ses->log, NULL);
		if (ret == 0)
			ret = s->commit_transaction(s, NULL);
		else
			s->rollback_transaction(s, NULL);
	}
	ses->log->reset(ses->log);
	if (ret != 0) {
		eng->host->log(eng->host->ctx, ALOPEX_LOG_WARN,
			       ALX_WT_COMPONENT, "trimming the log: %s",
			       wiredtiger_strerror(ret));
		rc = ALOPEX_EIO;
		goto done;
	}
	atomic_store(&eng->first_pos, cutoff + 1);
done:
	atomic_store(&eng->trimming, 0);
	return rc;
}

/* The oldest position log_read serves, given the last one. */
static uint64_t oldest_readable(const struct alx_wt_engine *eng, uint64_t last)
{
	uint64_t retain = (uint64_t)eng->cfg->log_retain;
	uint64_t logical = retain >= last ? 1 : last - retain + 1;
	uint64_t first = atomic_load(&eng->first_pos);
	return first > logical ? first : logical;
}

static int not_retained(const struct alx_wt_engine *eng, alopex_diag *diag,
			uint64_t pos, uint64_t oldest)
{
	return eng->host->diag_set(diag, ALOPEX_ENOTFOUND, NULL,
				   "log position %llu is no longer retained "
				   "(the oldest kept is %llu)",
				   (unsigned long long)pos,
				   (unsigned long long)oldest);
}

static int replay(struct alx_wt_engine *eng, struct alx_wt_session *ses,
		  uint64_t after, uint64_t last, alopex_engine_log_fn fn,
		  void *arg, alopex_diag *diag)
{
	WT_CURSOR *c = ses->log;
	uint8_t kbuf[8];
	alx_wt_encode_pos(kbuf, after + 1);
	WT_ITEM k = {.data = kbuf, .size = sizeof(kbuf)};
	int exact = 0;
	c->set_key(c, &k);
	int ret = c->search_near(c, &exact);
	if (ret == 0 && exact < 0)
		ret = c->next(c);
	uint64_t expect = after + 1;
	while (ret == 0 && expect <= last) {
		WT_ITEM v;
		ret = c->get_key(c, &k);
		if (ret == 0)
			ret = c->get_value(c, &v);
		if (ret != 0)
			break;
		uint64_t pos = k.size == 8 ? alx_wt_decode_pos(k.data) : 0;
		if (pos != expect) /* trimmed since we looked */
			return not_retained(eng, diag, expect,
					    oldest_readable(eng, last));
		int r = fn(arg, pos, (alopex_slice){v.data, v.size});
		if (r != 0)
			return r;
		expect++;
		ret = c->next(c);
	}
	if (ret == WT_NOTFOUND && expect <= last)
		return not_retained(eng, diag, expect,
				    oldest_readable(eng, last));
	if (ret != 0 && ret != WT_NOTFOUND)
		return alx_wt_error(eng, diag, ret, "reading the log");
	return 0;
}

int alx_wt_log_read(void *instance, uint64_t after, alopex_engine_log_fn fn,
		    void *arg, alopex_diag *diag)
{
	struct alx_wt_engine *eng = instance;
	if (!eng->opened)
		return eng->host->diag_set(diag, ALOPEX_EMISUSE, NULL,
					   "wiredtiger: not open");
	uint64_t last = atomic_load(&eng->last_pos);
	if (after >= last)
		return 0;
	uint64_t oldest = oldest_readable(eng, last);
	if (after + 1 < oldest)
		return not_retained(eng, diag, after + 1, oldest);

	/* Counted live, as a transaction is: close must wait for us. */
	struct alx_wt_session *ses = NULL;
	int rc = alx_wt_session_get_live(eng, &ses, diag);
	if (rc != 0)
		return rc;
	rc = alx_wt_session_log_cursor(eng, ses, diag);
	if (rc == 0) {
		WT_SESSION *s = ses->session;
		int ret = s->begin_transaction(s, "isolation=snapshot");
		if (ret != 0) {
			rc = alx_wt_error(eng, diag, ret, "reading the log");
		} else {
			rc = replay(eng, ses, after, last, fn, arg, diag);
			s->rollback_transaction(s, NULL);
		}
	}
	alx_wt_session_put_live(eng, ses);
	return rc;
}

uint64_t alx_wt_log_position(void *instance)
{
	struct alx_wt_engine *eng = instance;
	return atomic_load(&eng->last_pos);
}
