/*
 * Checkpoints of the WiredTiger engine and the replay of the change log at
 * open: every row is logged once.
 *
 * The data table is created with log=(enabled=false), so WiredTiger's log
 * holds only the change log table, whose records (the core's commit batches)
 * already carry every mutation. After a crash WiredTiger restores the data
 * table to its last checkpoint and the change log to its last commit in the
 * log; open then re-applies every record after P0, the position the
 * checkpoint is known to cover, kept in the unlogged table alopex_ckpt.
 *
 * Why P0 is safe: alx_wt_checkpoint reads last_pos, commits P0 = last_pos
 * and then checkpoints. commit_write stores last_pos only after the commit
 * returned, and commits run one at a time in position order, so every
 * position <= P0 committed before the checkpoint began; WiredTiger's
 * checkpoints are transactionally consistent (they write what their
 * snapshot sees), so the checkpoint holds exactly the commits 1..k for some
 * k >= P0 (those committed when its snapshot was taken: a prefix, as
 * commits are ordered). Its log sync covers the log records of 1..k, so
 * the change log recovers at least to k.
 *
 * Why replaying P0+1..N over state k (k >= P0) gives state N: a record
 * holds whole-value puts, deletes and range deletes, none of which reads
 * what it overwrites. A key touched by some record in P0+1..N ends as the
 * last such record left it, as in state N; a key touched by none has its
 * value of state k, which records k+1..N (a subset) did not change either.
 * The same holds for a replay that crashed halfway: the next open starts
 * again from the same P0.
 *
 * Checkpoints run on their own thread, by time (checkpoint_interval) and by
 * change log volume (checkpoint_log_size, record bytes), plus after a replay
 * and at close. The volume bound is what bounds recovery: at most that many
 * record bytes are replayed (about 256MB by default, seconds). Trimming the
 * change log never removes a record after the last checkpoint's P0
 * (wt_log.c).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "wt_debug.h"
#include "wt_internal.h"

/* Records per replay transaction: bounds the replay's cache use. */
#define REPLAY_BATCH 256
/* How often the checkpoint thread looks whether one is due. */
#define CKPT_POLL_MS 200

static const uint8_t p0_key[] = {'p', '0'};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int alx_wt_host_can_decode(const struct alopex_host *host)
{
	return host->size >= offsetof(struct alopex_host, log_record_apply) +
				     sizeof(host->log_record_apply) &&
	       host->log_record_apply != NULL;
}

/* The creation config of the data table's file: is it logged? */
static int read_data_logged(struct alx_wt_engine *eng, WT_SESSION *s,
			    int *logged, alopex_diag *diag)
{
	WT_CURSOR *c = NULL;
	int ret = s->open_cursor(s, "metadata:", NULL, NULL, &c);
	if (ret != 0)
		return alx_wt_error(eng, diag, ret, "reading the metadata");
	c->set_key(c, "file:alopex_data.wt");
	ret = c->search(c);
	const char *value = NULL;
	if (ret == 0)
		ret = c->get_value(c, &value);
	int rc = 0;
	if (ret != 0)
		rc = alx_wt_error(eng, diag, ret,
				  "reading the data table's metadata");
	else
		*logged = strstr(value, "log=(enabled=false)") == NULL;
	c->close(c);
	return rc;
}

int alx_wt_ckpt_load(struct alx_wt_engine *eng, alopex_diag *diag)
{
	WT_SESSION *s = NULL;
	int ret = eng->conn->open_session(eng->conn, NULL, "isolation=snapshot",
					  &s);
	if (ret != 0)
		return alx_wt_error(eng, diag, ret, "opening a session");
	eng->ckpt_session = s; /* closed with the connection */
	int rc = read_data_logged(eng, s, &eng->data_logged, diag);
	if (rc != 0)
		return rc;
	ret = s->open_cursor(s, ALX_WT_CKPT_URI, NULL, NULL, &eng->ckpt_cursor);
	if (ret != 0) {
		eng->ckpt_cursor = NULL;
		return alx_wt_error(eng, diag, ret, "opening alopex_ckpt");
	}
	WT_CURSOR *c = eng->ckpt_cursor;
	WT_ITEM k = {.data = p0_key, .size = sizeof(p0_key)}, v;
	c->set_key(c, &k);
	ret = c->search(c);
	uint64_t p0 = 0;
	if (ret == 0)
		ret = c->get_value(c, &v);
	if (ret == 0) {
		if (v.size != 8) {
			c->reset(c);
			return eng->host->diag_set(
				diag, ALOPEX_ECORRUPT, NULL,
				"the checkpoint table of %s holds a %zu-byte "
				"position",
				eng->dir, v.size);
		}
		p0 = alx_wt_decode_pos(v.data);
	} else if (ret != WT_NOTFOUND) {
		c->reset(c);
		return alx_wt_error(eng, diag, ret, "reading alopex_ckpt");
	}
	c->reset(c);
	atomic_store(&eng->ckpt_pos, p0);
	atomic_store(&eng->ckpt_bytes, 0);
	atomic_store(&eng->ckpt_last_ms, now_ms());
	return 0;
}

/* ---- replay ----------------------------------------------------------- */

struct replay {
	struct alx_wt_engine *eng;
	struct alx_wt_session *ses;
	struct alx_wt_txn txn; /* for alx_wt_del_range */
	uint64_t mutations;
};

static int bad_mutation(struct replay *r, alopex_diag *diag, const char *why)
{
	return r->eng->host->diag_set(diag, ALOPEX_ECORRUPT, NULL, "%s", why);
}

static int apply_mutation(void *arg, const alopex_mutation *m,
			  alopex_diag *diag)
{
	struct replay *r = arg;
	struct alx_wt_engine *eng = r->eng;
	if (m->key == NULL || m->klen == 0 || m->klen > ALOPEX_KV_MAX_KEY)
		return bad_mutation(r, diag, "a mutation with a bad key");
	WT_CURSOR *c = r->ses->data;
	WT_ITEM k = {.data = m->key, .size = m->klen};
	int ret;
	switch (m->op) {
	case ALOPEX_MUT_PUT: {
		if (m->vlen > ALOPEX_KV_MAX_VALUE)
			return bad_mutation(r, diag, "an oversized value");
		WT_ITEM v = {.data = m->val != NULL ? m->val : m->key,
			     .size = m->vlen};
		c->set_key(c, &k);
		c->set_value(c, &v);
		ret = c->insert(c); /* overwrite: a put of the whole value */
		break;
	}
	case ALOPEX_MUT_DELETE:
		c->set_key(c, &k);
		ret = c->remove(c);
		if (ret == WT_NOTFOUND)
			ret = 0;
		break;
	case ALOPEX_MUT_DELETE_RANGE: {
		if (m->val == NULL || m->vlen == 0 ||
		    m->vlen > ALOPEX_KV_MAX_KEY)
			return bad_mutation(r, diag,
					    "a range delete with a bad bound");
		c->reset(c);
		r->txn.failed = 0;
		int rc = alx_wt_del_range(
			&r->txn, (alopex_slice){m->key, m->klen},
			(alopex_slice){m->val, m->vlen}, diag);
		if (rc != 0)
			return rc;
		ret = 0;
		break;
	}
	default:
		return bad_mutation(r, diag, "an unknown mutation");
	}
	if (ret != 0)
		return alx_wt_error(eng, diag, ret, "applying a log record");
	r->mutations++;
	return 0;
}

/* Apply the records from *next on, up to REPLAY_BATCH, in one transaction. */
static int replay_batch(struct replay *r, uint64_t *next, uint64_t last,
			alopex_diag *diag)
{
	struct alx_wt_engine *eng = r->eng;
	WT_SESSION *s = r->ses->session;
	WT_CURSOR *c = r->ses->log;
	int ret = s->begin_transaction(s, "isolation=snapshot");
	if (ret != 0)
		return alx_wt_error(eng, diag, ret, "replaying the log");
	uint8_t kbuf[8];
	alx_wt_encode_pos(kbuf, *next);
	WT_ITEM k = {.data = kbuf, .size = sizeof(kbuf)};
	c->set_key(c, &k);
	ret = c->search(c);
	uint64_t pos = *next;
	int rc = 0;
	for (unsigned n = 0; n < REPLAY_BATCH && pos <= last; n++) {
		WT_ITEM v;
		if (n > 0)
			ret = c->next(c);
		if (ret == 0)
			ret = c->get_key(c, &k);
		if (ret == 0 &&
		    (k.size != 8 || alx_wt_decode_pos(k.data) != pos))
			ret = WT_NOTFOUND;
		if (ret == WT_NOTFOUND) {
			rc = eng->host->diag_set(
				diag, ALOPEX_ECORRUPT, NULL,
				"cannot recover %s: log position %llu is "
				"missing",
				eng->dir, (unsigned long long)pos);
			break;
		}
		if (ret == 0)
			ret = c->get_value(c, &v);
		if (ret != 0) {
			rc = alx_wt_error(eng, diag, ret, "reading the log");
			break;
		}
		alopex_diag d = {0};
		rc = eng->host->log_record_apply(eng->host->ctx,
						 (alopex_slice){v.data, v.size},
						 apply_mutation, r, &d);
		if (rc != 0) {
			rc = eng->host->diag_set(
				diag, rc, NULL,
				"cannot recover %s: the log record at position "
				"%llu: %s",
				eng->dir, (unsigned long long)pos, d.message);
			break;
		}
		pos++;
	}
	c->reset(c);
	r->ses->data->reset(r->ses->data);
	if (rc != 0) {
		s->rollback_transaction(s, NULL);
		return rc;
	}
	ret = s->commit_transaction(s, NULL);
	if (ret != 0)
		return alx_wt_error(eng, diag, ret, "replaying the log");
	*next = pos;
	return 0;
}

int alx_wt_ckpt_replay(struct alx_wt_engine *eng, alopex_diag *diag)
{
	if (eng->data_logged)
		return 0;
	uint64_t p0 = atomic_load(&eng->ckpt_pos);
	uint64_t last = atomic_load(&eng->last_pos);
	uint64_t first = atomic_load(&eng->first_pos);
	if (last == p0)
		return 0;
	if (last < p0)
		return eng->host->diag_set(
			diag, ALOPEX_ECORRUPT, NULL,
			"cannot recover %s: its change log ends at position "
			"%llu, before its checkpoint's %llu",
			eng->dir, (unsigned long long)last,
			(unsigned long long)p0);
	if (first > p0 + 1)
		return eng->host->diag_set(
			diag, ALOPEX_ECORRUPT, NULL,
			"cannot recover %s: its change log starts at position "
			"%llu, after its checkpoint's %llu",
			eng->dir, (unsigned long long)first,
			(unsigned long long)p0);
	if (!alx_wt_host_can_decode(eng->host))
		return eng->host->diag_set(
			diag, ALOPEX_ECORRUPT, NULL,
			"cannot recover %s: the host cannot decode log "
			"records",
			eng->dir);
	uint64_t t0 = now_ms();
	struct replay r = {.eng = eng};
	int rc = alx_wt_session_get(eng, &r.ses, diag);
	if (rc != 0)
		return rc;
	r.txn.eng = eng;
	r.txn.ses = r.ses;
	r.txn.began = 1; /* replay_batch runs the transactions */
	rc = alx_wt_session_log_cursor(eng, r.ses, diag);
	uint64_t next = p0 + 1;
	while (rc == 0 && next <= last)
		rc = replay_batch(&r, &next, last, diag);
	alx_wt_session_put(eng, r.ses);
	if (rc != 0)
		return rc;
	eng->host->log(eng->host->ctx, ALOPEX_LOG_INFO, ALX_WT_COMPONENT,
		       "recovered %s: replayed positions %llu..%llu (%llu "
		       "mutations) in %llu ms",
		       eng->dir, (unsigned long long)(p0 + 1),
		       (unsigned long long)last,
		       (unsigned long long)r.mutations,
		       (unsigned long long)(now_ms() - t0));
	/* Checkpoint now, so the next crash need not replay these again. */
	return alx_wt_checkpoint(eng, diag);
}

/* ---- checkpoints ------------------------------------------------------ */

static void debug_hold_point(struct alx_wt_engine *eng)
{
	pthread_mutex_lock(&eng->ckpt_wait_mu);
	while (eng->debug_ckpt_hold) {
		eng->debug_ckpt_held = 1;
		pthread_cond_wait(&eng->ckpt_cv, &eng->ckpt_wait_mu);
	}
	eng->debug_ckpt_held = 0;
	pthread_mutex_unlock(&eng->ckpt_wait_mu);
}

int alx_wt_checkpoint(struct alx_wt_engine *eng, alopex_diag *diag)
{
	pthread_mutex_lock(&eng->ckpt_mu);
	WT_SESSION *s = eng->ckpt_session;
	WT_CURSOR *c = eng->ckpt_cursor;
	uint64_t bytes = atomic_load(&eng->ckpt_bytes);
	/* Every position <= last_pos has committed (see the top). */
	uint64_t p0 = atomic_load(&eng->last_pos);
	uint8_t vbuf[8];
	alx_wt_encode_pos(vbuf, p0);
	WT_ITEM k = {.data = p0_key, .size = sizeof(p0_key)};
	WT_ITEM v = {.data = vbuf, .size = sizeof(vbuf)};
	const char *what = "recording the checkpoint position";
	int ret = s->begin_transaction(s, "isolation=snapshot");
	if (ret == 0) {
		c->set_key(c, &k);
		c->set_value(c, &v);
		ret = c->insert(c);
		c->reset(c);
		if (ret == 0)
			ret = s->commit_transaction(s, NULL);
		else
			s->rollback_transaction(s, NULL);
	}
	if (ret == 0) {
		debug_hold_point(eng);
		what = "checkpoint";
		ret = s->checkpoint(s, NULL);
	}
	int rc = 0;
	if (ret == 0) {
		atomic_store(&eng->ckpt_pos, p0);
		atomic_fetch_sub(&eng->ckpt_bytes, bytes);
	} else {
		rc = alx_wt_error(eng, diag, ret, what);
	}
	atomic_store(&eng->ckpt_last_ms, now_ms());
	pthread_mutex_unlock(&eng->ckpt_mu);
	return rc;
}

static int ckpt_due(struct alx_wt_engine *eng)
{
	if (atomic_load(&eng->ckpt_bytes) >= eng->cfg->checkpoint_log_size)
		return 1;
	if (now_ms() - atomic_load(&eng->ckpt_last_ms) <
	    eng->cfg->checkpoint_interval)
		return 0;
	/* Nothing committed since: the last checkpoint still covers all. */
	if (atomic_load(&eng->last_pos) != atomic_load(&eng->ckpt_pos))
		return 1;
	atomic_store(&eng->ckpt_last_ms, now_ms());
	return 0;
}

static void *ckpt_main(void *arg)
{
	struct alx_wt_engine *eng = arg;
	pthread_mutex_lock(&eng->ckpt_wait_mu);
	while (!eng->ckpt_stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += CKPT_POLL_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&eng->ckpt_cv, &eng->ckpt_wait_mu, &ts);
		if (eng->ckpt_stop)
			break;
		pthread_mutex_unlock(&eng->ckpt_wait_mu);
		if (ckpt_due(eng)) {
			alopex_diag d = {0};
			if (alx_wt_checkpoint(eng, &d) != 0)
				eng->host->log(eng->host->ctx, ALOPEX_LOG_ERROR,
					       ALX_WT_COMPONENT, "%s",
					       d.message);
		}
		pthread_mutex_lock(&eng->ckpt_wait_mu);
	}
	pthread_mutex_unlock(&eng->ckpt_wait_mu);
	return NULL;
}

int alx_wt_ckpt_start(struct alx_wt_engine *eng, alopex_diag *diag)
{
	eng->ckpt_stop = 0;
	int err = pthread_create(&eng->ckpt_thread, NULL, ckpt_main, eng);
	if (err != 0)
		return eng->host->diag_set(diag, ALOPEX_ENOMEM, NULL,
					   "wiredtiger: cannot start the "
					   "checkpoint thread: %s",
					   strerror(err));
	eng->ckpt_thread_on = 1;
	return 0;
}

void alx_wt_ckpt_stop(struct alx_wt_engine *eng)
{
	if (!eng->ckpt_thread_on)
		return;
	pthread_mutex_lock(&eng->ckpt_wait_mu);
	eng->ckpt_stop = 1;
	pthread_cond_broadcast(&eng->ckpt_cv);
	pthread_mutex_unlock(&eng->ckpt_wait_mu);
	pthread_join(eng->ckpt_thread, NULL);
	eng->ckpt_thread_on = 0;
}

/* ---- testing hooks (wt_debug.h) --------------------------------------- */

int alx_wt_debug_checkpoint(void *instance)
{
	return alx_wt_checkpoint(instance, NULL);
}

void alx_wt_debug_hold_checkpoint(void *instance, int hold)
{
	struct alx_wt_engine *eng = instance;
	pthread_mutex_lock(&eng->ckpt_wait_mu);
	eng->debug_ckpt_hold = hold;
	pthread_cond_broadcast(&eng->ckpt_cv);
	pthread_mutex_unlock(&eng->ckpt_wait_mu);
}

uint64_t alx_wt_debug_ckpt_state(void *instance, int *held)
{
	struct alx_wt_engine *eng = instance;
	pthread_mutex_lock(&eng->ckpt_wait_mu);
	if (held != NULL)
		*held = eng->debug_ckpt_held;
	pthread_mutex_unlock(&eng->ckpt_wait_mu);
	return atomic_load(&eng->ckpt_pos);
}

int alx_wt_debug_data_logged(void *instance)
{
	struct alx_wt_engine *eng = instance;
	return eng->data_logged;
}
