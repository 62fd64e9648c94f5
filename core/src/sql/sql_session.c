/*
 * Sessions and their transactions: autocommit statements, BEGIN ...
 * COMMIT blocks, the failed-block state (25P02), savepoints, and the
 * catalog a transaction sees (the database's, or its private copy after
 * DDL, published when it commits).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_datetime.h"
#include "sql/sql_exec_ddl.h"
#include "sql/sql_session_int.h"
#include "sql/sql_vindex.h"

int alx_session_err(struct alx_session *s, const char *sqlstate,
		    const char *fmt, ...)
{
	char msg[sizeof(s->diag.message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return alx_diag_set(&s->diag, ALOPEX_ESQL, sqlstate, "%s", msg);
}

void alx_session_notice(struct alx_session *s, const char *level,
			const char *sqlstate, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->notice, sizeof(s->notice), fmt, ap);
	va_end(ap);
	/* statements clear notice_level when they start: a new list */
	if (s->notice_level[0] == '\0')
		s->notices_len = s->nnotices = 0;
	snprintf(s->notice_level, sizeof(s->notice_level), "%s", level);
	snprintf(s->notice_state, sizeof(s->notice_state), "%s", sqlstate);
	size_t nl = strlen(s->notice_level), ns = strlen(s->notice_state),
	       nm = strlen(s->notice);
	size_t need = nl + ns + nm + 3;
	if (need > sizeof(s->notices) - s->notices_len)
		return;
	char *w = s->notices + s->notices_len;
	memcpy(w, s->notice_level, nl + 1);
	memcpy(w + nl + 1, s->notice_state, ns + 1);
	memcpy(w + nl + ns + 2, s->notice, nm + 1);
	s->notices_len += (uint32_t)need;
	s->nnotices++;
}

const char *alx_session_notice_at(const struct alx_session *s, uint32_t i,
				  const char **level, const char **sqlstate)
{
	if (s->notice_level[0] == '\0' || i >= s->nnotices)
		return NULL;
	const char *p = s->notices;
	for (uint32_t k = 0; k < i; k++)
		for (int f = 0; f < 3; f++)
			p += strlen(p) + 1;
	const char *st = p + strlen(p) + 1;
	if (level != NULL)
		*level = p;
	if (sqlstate != NULL)
		*sqlstate = st;
	return st + strlen(st) + 1;
}

int64_t alx_session_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 +
	       ALX_UNIX_EPOCH_TS;
}

/* ---- the database's SQL state ---------------------------------------------------- */

int alx_sql_db_create(alopex_db *db, struct alx_sql_db **out, alopex_diag *d)
{
	struct alx_sql_db *sdb = alx_calloc(db->rt, 1, sizeof(*sdb));
	if (sdb == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
	sdb->db = db;
	pthread_mutex_init(&sdb->mu, NULL);
	pthread_mutex_init(&sdb->def_mu, NULL);
	sdb->next_version = 1;
	atomic_init(&sdb->nstmts, 0);
	atomic_init(&sdb->nsessions, 0);
	atomic_init(&sdb->next_pid, 0);
	if (alx_gates_init(&sdb->gates) != 0) {
		pthread_mutex_destroy(&sdb->mu);
		pthread_mutex_destroy(&sdb->def_mu);
		alx_free(db->rt, sdb);
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
	}
	if (alx_seq_cache_create(db->rt, &sdb->seqs) != 0 ||
	    alx_vreg_create(db, &sdb->vreg) != 0) {
		alx_gates_fini(&sdb->gates);
		alx_seq_cache_destroy(sdb->seqs);
		pthread_mutex_destroy(&sdb->mu);
		pthread_mutex_destroy(&sdb->def_mu);
		alx_free(db->rt, sdb);
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
	}
	*out = sdb;
	return 0;
}

void alx_sql_db_destroy(struct alx_sql_db *sdb)
{
	if (sdb == NULL)
		return;
	alx_session_destroy(sdb->def);
	alx_vreg_destroy(sdb->vreg);
	alx_catalog_unref(sdb->cat);
	alx_seq_cache_destroy(sdb->seqs);
	alx_gates_fini(&sdb->gates);
	pthread_mutex_destroy(&sdb->mu);
	pthread_mutex_destroy(&sdb->def_mu);
	alx_free(sdb->db->rt, sdb);
}

struct alx_seq_cache *alx_sql_db_seqs(struct alx_sql_db *sdb)
{
	return sdb->seqs;
}

uint64_t alx_session_new_version(struct alx_session *s)
{
	pthread_mutex_lock(&s->sdb->mu);
	uint64_t v = s->sdb->next_version++;
	pthread_mutex_unlock(&s->sdb->mu);
	return v;
}

/* Under sdb->mu: the committed catalog, loaded on first use. */
static int shared_catalog(struct alx_session *s, struct alx_catalog **out)
{
	struct alx_sql_db *sdb = s->sdb;
	if (sdb->cat == NULL) {
		struct alx_kv_txn *t = NULL;
		int rc = alx_kv_txn_begin(s->db, ALX_KV_TXN_READONLY, &t,
					  &s->diag);
		if (rc != 0)
			return rc;
		rc = alx_catalog_load(s->db->rt, t, sdb->next_version++,
				      &sdb->cat, &s->diag);
		alx_kv_txn_rollback(t);
		if (rc != 0)
			return rc;
		atomic_store_explicit(&sdb->cat_version, sdb->cat->version,
				      memory_order_release);
		/* storage a crash left behind (best effort: it only costs
		 * space, and the next open tries again) */
		alopex_diag sd = {0};
		(void)alx_ddl_sweep_orphans(s->db, sdb->cat, &sd);
	}
	*out = alx_catalog_ref(sdb->cat);
	return 0;
}

bool alx_session_catalog_is(const struct alx_session *s, uint64_t version)
{
	if (s->txn_cat != NULL)
		return s->txn_cat->version == version;
	return atomic_load_explicit(&s->sdb->cat_version,
				    memory_order_acquire) == version;
}

int alx_session_catalog(struct alx_session *s, struct alx_catalog **out)
{
	if (s->txn_cat != NULL) {
		*out = alx_catalog_ref(s->txn_cat);
		return 0;
	}
	pthread_mutex_lock(&s->sdb->mu);
	int rc = shared_catalog(s, out);
	pthread_mutex_unlock(&s->sdb->mu);
	return rc;
}

int alx_session_ddl_catalog(struct alx_session *s, struct alx_catalog **out)
{
	pthread_mutex_lock(&s->sdb->mu);
	struct alx_catalog *base = NULL;
	int rc = 0;
	if (s->txn_cat != NULL)
		base = alx_catalog_ref(s->txn_cat);
	else
		rc = shared_catalog(s, &base);
	uint64_t v = s->sdb->next_version++;
	pthread_mutex_unlock(&s->sdb->mu);
	if (rc != 0)
		return rc;
	rc = alx_catalog_clone(base, v, out, &s->diag);
	alx_catalog_unref(base);
	return rc;
}

void alx_session_set_txn_catalog(struct alx_session *s, struct alx_catalog *cat)
{
	alx_catalog_unref(s->txn_cat);
	s->txn_cat = cat;
}

/* ---- sessions ---------------------------------------------------------------------- */

int alx_session_create(alopex_db *db, struct alx_session **out, alopex_diag *d)
{
	pthread_mutex_lock(&db->sql_mu);
	int rc = 0;
	if (db->sql == NULL)
		rc = alx_sql_db_create(db, &db->sql, d);
	pthread_mutex_unlock(&db->sql_mu);
	if (rc != 0)
		return rc;
	struct alx_session *s = alx_calloc(db->rt, 1, sizeof(*s));
	if (s == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
	s->db = db;
	s->sdb = db->sql;
	alx_diag_clear(&s->diag);
	alx_arena_init(&s->sa, db->rt, 0);
	alx_arena_init(&s->tza, db->rt, 0);
	alx_value_fmt_default(&s->fmt);
	atomic_fetch_add(&s->sdb->nsessions, 1);
	s->pid = atomic_fetch_add(&s->sdb->next_pid, 1) + 1;
	rc = alx_session_settings_init(s);
	alx_session_stmt_wait_init(s);
	if (rc != 0) {
		*d = s->diag;
		alx_session_destroy(s);
		return rc;
	}
	*out = s;
	return 0;
}

static void release_savepoints(struct alx_session *s, uint32_t keep)
{
	while (s->nsps > keep) {
		struct alx_savepoint *sp = &s->sps[--s->nsps];
		alx_catalog_unref(sp->cat);
		if (s->txn != NULL)
			alx_kv_txn_release(s->txn);
	}
}

/* End the session's transaction (commit or roll back). */
static int txn_end(struct alx_session *s, bool commit)
{
	int rc = 0;
	alx_session_close_portals(s);
	release_savepoints(s, 0);
	if (s->txn == NULL)
		goto out;
	if (!commit) {
		alx_kv_txn_rollback(s->txn);
		s->txn = NULL;
		goto out;
	}
	if (s->txn_cat != NULL) {
		/* Publish under the lock, so no DDL clones the catalog
		 * between our commit and the swap. */
		pthread_mutex_lock(&s->sdb->mu);
		rc = alx_kv_txn_commit(s->txn, NULL, &s->diag);
		if (rc == 0) {
			alx_catalog_unref(s->sdb->cat);
			s->sdb->cat = alx_catalog_ref(s->txn_cat);
			atomic_store_explicit(&s->sdb->cat_version,
					      s->txn_cat->version,
					      memory_order_release);
		}
		pthread_mutex_unlock(&s->sdb->mu);
	} else if (s->noblock && alx_kv_txn_wrote(s->txn)) {
		/* on an event loop: the caller waits for the fsync elsewhere
		 * (alx_session_take_sync_pos) */
		uint64_t pos = 0;
		s->txn->flags |= ALX_KV_TXN_NOSYNC;
		rc = alx_kv_txn_commit(s->txn, &pos, &s->diag);
		if (rc == 0)
			s->sync_pos = pos;
	} else {
		rc = alx_kv_txn_commit(s->txn, NULL, &s->diag);
	}
	s->txn = NULL;
	if (rc == ALOPEX_ECONFLICT)
		alx_diag_set(&s->diag, rc, "40001",
			     "could not serialize access due to concurrent "
			     "update");
out:
	alx_session_local_end(s, commit && rc == 0);
	alx_gate_release(s);
	alx_vsql_txn_end(s, commit && rc == 0, s->txn_cat != NULL);
	alx_session_set_txn_catalog(s, NULL);
	s->state = ALX_TXN_IDLE;
	s->implicit = false;
	s->read_only = false;
	return rc;
}

void alx_session_destroy(struct alx_session *s)
{
	if (s == NULL)
		return;
	txn_end(s, false);
	while (s->portals != NULL)
		alx_portal_destroy(s->portals);
	for (uint32_t i = 0; i < s->nnamed; i++)
		alx_prep_destroy(s->named[i].p);
	struct alx_runtime *rt = s->db->rt;
	alx_vsql_session_free(s);
	alx_free(rt, s->named);
	alx_free(rt, s->seqv);
	alx_free(rt, s->sps);
	alx_free(rt, s->locals);
	alx_free(rt, s->settings);
	alx_free(rt, s->path);
	alx_arena_fini(&s->sa);
	alx_arena_fini(&s->tza);
	atomic_fetch_sub(&s->sdb->nsessions, 1);
	alx_free(rt, s);
}

const alopex_diag *alx_session_diag(const struct alx_session *s)
{
	return &s->diag;
}

const char *alx_session_last_notice(const struct alx_session *s,
				    const char **level, const char **sqlstate)
{
	if (s->notice_level[0] == '\0')
		return NULL;
	if (level != NULL)
		*level = s->notice_level;
	if (sqlstate != NULL)
		*sqlstate = s->notice_state;
	return s->notice;
}

char alx_session_txn_status(const struct alx_session *s)
{
	return s->state == ALX_TXN_IDLE	   ? 'I'
	       : s->state == ALX_TXN_BLOCK ? 'T'
					   : 'E';
}

const struct alx_value_fmt *alx_session_fmt(const struct alx_session *s)
{
	return s ? &s->fmt : NULL;
}

const char *const *alx_session_search_path(const struct alx_session *s,
					   uint32_t *n)
{
	static const char *const pub[] = {"public"};
	if (s == NULL) {
		*n = 1;
		return pub;
	}
	*n = s->npath;
	return (const char *const *)s->path;
}

int alx_session_seq_remember(struct alx_session *s, uint32_t id, int64_t v)
{
	for (uint32_t i = 0; i < s->nseqv; i++) {
		if (s->seqv[i].id == id) {
			s->seqv[i].v = v;
			return 0;
		}
	}
	if (s->nseqv == s->capseqv) {
		uint32_t cap = s->capseqv ? s->capseqv * 2 : 8;
		struct alx_seqval *p =
			alx_realloc(s->db->rt, s->seqv, cap * sizeof(*p));
		if (p == NULL)
			return ALOPEX_ENOMEM;
		s->seqv = p;
		s->capseqv = cap;
	}
	s->seqv[s->nseqv].id = id;
	s->seqv[s->nseqv].v = v;
	s->nseqv++;
	return 0;
}

int alx_session_seq_current(struct alx_session *s, uint32_t id, int64_t *v)
{
	for (uint32_t i = 0; i < s->nseqv; i++) {
		if (s->seqv[i].id == id) {
			*v = s->seqv[i].v;
			return 0;
		}
	}
	return ALOPEX_ENOTFOUND;
}

/* ---- statement transactions -------------------------------------------------------- */

/* The session's transaction at its isolation level; lock waits follow
 * the session's deadlines. */
static int begin_kv(struct alx_session *s, bool rr)
{
	int rc = alx_kv_txn_begin(s->db, rr ? 0 : ALX_KV_TXN_READ_COMMITTED,
				  &s->txn, &s->diag);
	if (rc != 0)
		return rc;
	s->txn->wait = &s->kvwait;
	s->txn->lk.pid = s->pid;
	s->iso_rr = rr;
	s->txn_nstmts = 0;
	return 0;
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* kvwait.before_wait: statement_timestamp() is the statement's start,
 * which a wait must not move past. */
static void fix_stmt_ts(void *arg)
{
	struct alx_session *s = arg;
	if (s->cur_ex != NULL)
		alx_exec_stmt_ts(s->cur_ex);
}

void alx_session_stmt_wait_init(struct alx_session *s)
{
	int64_t now =
		s->timeout_ms > 0 || s->lock_timeout_ms > 0 ? mono_us() : 0;
	s->kvwait.nowait = false;
	s->kvwait.noblock = s->noblock;
	if (s->txn != NULL)
		s->txn->lk.would_block = false;
	s->kvwait.cancel = &s->cancel_req;
	s->kvwait.before_wait = fix_stmt_ts;
	s->kvwait.before_wait_arg = s;
	s->kvwait.stmt_deadline_us =
		s->timeout_ms > 0 ? now + s->timeout_ms * 1000 : 0;
	s->kvwait.lock_deadline_us =
		s->lock_timeout_ms > 0 ? now + s->lock_timeout_ms * 1000 : 0;
}

void alx_session_set_noblock(struct alx_session *s, bool on)
{
	s->noblock = on;
	s->kvwait.noblock = on;
}

bool alx_session_blocked(const struct alx_session *s)
{
	return s->blocked;
}

uint64_t alx_session_take_sync_pos(struct alx_session *s)
{
	uint64_t pos = s->sync_pos;
	s->sync_pos = 0;
	return pos;
}

bool alx_session_commit_defers(const struct alx_session *s)
{
	return s->state == ALX_TXN_BLOCK && s->txn != NULL &&
	       s->txn_cat == NULL && s->vtx == NULL && alx_kv_txn_wrote(s->txn);
}

int alx_session_stmt_restart(struct alx_session *s)
{
	if (!s->implicit)
		return alx_kv_txn_stmt_snapshot(s->txn);
	bool rr = s->iso_rr;
	alx_kv_txn_rollback(s->txn);
	s->txn = NULL;
	return begin_kv(s, rr);
}

int alx_session_set_txn_isolation(struct alx_session *s, bool rr)
{
	if (s->state == ALX_TXN_IDLE || s->txn == NULL || s->iso_rr == rr)
		return 0;
	if (s->txn_nstmts > 0 || alx_kv_txn_wrote(s->txn))
		return alx_session_err(s, "25001",
				       "SET TRANSACTION ISOLATION LEVEL must "
				       "be called before any query");
	/* Nothing read or written yet: begin again at the new level. */
	alx_kv_txn_rollback(s->txn);
	s->txn = NULL;
	return begin_kv(s, rr);
}

int alx_session_stmt_begin(struct alx_session *s)
{
	if (s->txn != NULL)
		return 0;
	int rc = begin_kv(s, s->iso_rr_default);
	if (rc != 0)
		return rc;
	s->implicit = true;
	/* read with the statement's (alx_exec_stmt_ts), if ever */
	s->txn_ts = 0;
	return 0;
}

int alx_session_stmt_end(struct alx_session *s, bool ok)
{
	if (!s->implicit)
		return 0;
	return txn_end(s, ok);
}

void alx_session_stmt_failed(struct alx_session *s)
{
	if (s->implicit) {
		txn_end(s, false);
		return;
	}
	if (s->state == ALX_TXN_BLOCK)
		s->state = ALX_TXN_FAILED;
}

/* ---- transaction statements -------------------------------------------------------- */

int alx_session_err_serializable(struct alx_session *s)
{
	return alx_session_err(s, "0A000",
			       "SERIALIZABLE isolation is not supported\n"
			       "Alopex offers READ COMMITTED and REPEATABLE "
			       "READ (snapshot isolation: write-write "
			       "conflicts are detected, read-write anomalies "
			       "are not).");
}

static int isolation_ok(struct alx_session *s,
			const struct alx_sql_txn_modes *m)
{
	if (m->isolation == ALX_SQL_ISO_SERIALIZABLE)
		return alx_session_err_serializable(s);
	if (m->deferrable == 1)
		return alx_session_err(s, "0A000",
				       "DEFERRABLE transactions are not "
				       "supported");
	return 0;
}

static struct alx_savepoint *find_sp(struct alx_session *s, const char *name,
				     uint32_t *idx)
{
	for (uint32_t i = s->nsps; i > 0; i--) {
		if (strcmp(s->sps[i - 1].name, name) == 0) {
			*idx = i - 1;
			return &s->sps[i - 1];
		}
	}
	return NULL;
}

/* The tag of BEGIN and COMMIT, which every extended-query implicit
 * transaction runs: snprintf was a tenth of a point read's cost. */
static void txn_tag(char *tag, size_t tagsz, const char *text)
{
	size_t n = strlen(text);
	if (tagsz == 0)
		return;
	if (n >= tagsz)
		n = tagsz - 1;
	memcpy(tag, text, n);
	tag[n] = '\0';
}

int alx_session_txn_stmt(struct alx_session *s, const struct alx_sql_txn *t,
			 char *tag, size_t tagsz)
{
	int rc;
	switch (t->kind) {
	case ALX_SQL_TXN_BEGIN:
		txn_tag(tag, tagsz, t->start ? "START TRANSACTION" : "BEGIN");
		rc = isolation_ok(s, &t->modes);
		if (rc != 0)
			return rc;
		if (s->state != ALX_TXN_IDLE) {
			alx_session_notice(s, "WARNING", "25001",
					   "there is already a transaction in "
					   "progress");
			return 0;
		}
		rc = begin_kv(s, t->modes.isolation == ALX_SQL_ISO_DEFAULT
					 ? s->iso_rr_default
					 : t->modes.isolation ==
						   ALX_SQL_ISO_REPEATABLE_READ);
		if (rc != 0)
			return rc;
		s->state = ALX_TXN_BLOCK;
		s->implicit = false;
		s->txn_ts = alx_session_clock();
		s->read_only = t->modes.read_only == 1;
		return 0;
	case ALX_SQL_TXN_COMMIT:
		if (t->chain)
			return alx_session_err(s, "0A000",
					       "COMMIT AND CHAIN is not "
					       "supported");
		if (s->state == ALX_TXN_IDLE) {
			snprintf(tag, tagsz, "COMMIT");
			alx_session_notice(s, "WARNING", "25P01",
					   "there is no transaction in "
					   "progress");
			return 0;
		}
		if (s->state == ALX_TXN_FAILED) {
			snprintf(tag, tagsz, "ROLLBACK");
			return txn_end(s, false);
		}
		txn_tag(tag, tagsz, "COMMIT");
		return txn_end(s, true);
	case ALX_SQL_TXN_ROLLBACK:
		snprintf(tag, tagsz, "ROLLBACK");
		if (s->state == ALX_TXN_IDLE) {
			alx_session_notice(s, "WARNING", "25P01",
					   "there is no transaction in "
					   "progress");
			return 0;
		}
		return txn_end(s, false);
	case ALX_SQL_TXN_SAVEPOINT: {
		snprintf(tag, tagsz, "SAVEPOINT");
		if (s->state == ALX_TXN_IDLE)
			return alx_session_err(s, "25P01",
					       "SAVEPOINT can only be used in "
					       "transaction blocks");
		if (s->nsps == s->capsps) {
			uint32_t cap = s->capsps ? s->capsps * 2 : 4;
			struct alx_savepoint *p = alx_realloc(s->db->rt, s->sps,
							      cap * sizeof(*p));
			if (p == NULL)
				return alx_diag_set(&s->diag, ALOPEX_ENOMEM,
						    "53200", "out of memory");
			s->sps = p;
			s->capsps = cap;
		}
		struct alx_savepoint *sp = &s->sps[s->nsps];
		memset(sp, 0, sizeof(*sp));
		sp->name = alx_arena_strdup(&s->sa, t->savepoint.ptr);
		if (sp->name == NULL)
			return alx_diag_set(&s->diag, ALOPEX_ENOMEM, "53200",
					    "out of memory");
		rc = alx_kv_txn_savepoint(s->txn, &sp->kv);
		if (rc != 0) {
			s->diag = s->txn->diag;
			return rc;
		}
		sp->cat = alx_catalog_ref(s->txn_cat);
		sp->nlocal = s->nlocals;
		sp->vmark = alx_vsql_mark(s);
		s->nsps++;
		return 0;
	}
	case ALX_SQL_TXN_RELEASE: {
		snprintf(tag, tagsz, "RELEASE");
		uint32_t idx;
		if (s->state == ALX_TXN_IDLE)
			return alx_session_err(s, "25P01",
					       "RELEASE SAVEPOINT can only be "
					       "used in transaction blocks");
		if (find_sp(s, t->savepoint.ptr, &idx) == NULL)
			return alx_session_err(
				s, "3B001", "savepoint \"%s\" does not exist",
				t->savepoint.ptr);
		release_savepoints(s, idx);
		return 0;
	}
	default: { /* ROLLBACK TO */
		snprintf(tag, tagsz, "ROLLBACK");
		uint32_t idx;
		if (s->state == ALX_TXN_IDLE)
			return alx_session_err(s, "25P01",
					       "ROLLBACK TO SAVEPOINT can only "
					       "be used in transaction blocks");
		struct alx_savepoint *sp = find_sp(s, t->savepoint.ptr, &idx);
		if (sp == NULL)
			return alx_session_err(
				s, "3B001", "savepoint \"%s\" does not exist",
				t->savepoint.ptr);
		alx_session_close_portals(s);
		release_savepoints(s, idx + 1);
		rc = alx_kv_txn_rollback_to(s->txn, &sp->kv);
		if (rc != 0) {
			s->diag = s->txn->diag;
			return rc;
		}
		alx_session_set_txn_catalog(s, alx_catalog_ref(sp->cat));
		alx_vsql_rollback_to(s, sp->vmark);
		/* Settings changed since the savepoint are undone. */
		alx_session_settings_undo(s, sp->nlocal);
		s->state = ALX_TXN_BLOCK;
		return 0;
	}
	}
}
