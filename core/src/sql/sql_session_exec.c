/*
 * Running a portal: transaction control, settings, queries streamed from
 * the executor, DML and DDL run to completion in the statement's
 * transaction, PREPARE/EXECUTE, and the simple-query loop.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_exec_ddl.h"
#include "sql/sql_exec_dml.h"
#include "sql/sql_exec_vacuum.h"
#include "sql/sql_session_int.h"

static int oom(struct alx_session *s)
{
	return alx_diag_set(&s->diag, ALOPEX_ENOMEM, "53200", "out of memory");
}

static int64_t monotonic_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int setup_exec(struct alx_portal *pt, struct alx_kv_txn *txn)
{
	struct alx_session *s = pt->s;
	struct alx_exec *ex = &pt->ex;
	/* The clock is read when a timestamp is first asked for
	 * (alx_exec_stmt_ts); the deadline needs one only when set. */
	*ex = (struct alx_exec){
		.s = s,
		.db = s->db,
		.txn = txn,
		.a = &pt->a,
		.params = pt->params,
		.nparams = pt->nparams,
		.fmt = &s->fmt,
		.txn_ts = s->txn != NULL ? s->txn_ts : 0,
		.d = &s->diag,
		.cat = pt->bd ? pt->bd->cat : NULL,
	};
	/* statement_timestamp() is when the statement started: one that
	 * may ask for it reads the clock now, not after a scan or a sort
	 * that comes before its first call. */
	if (pt->bd == NULL || pt->bd->reads_clock)
		alx_exec_stmt_ts(ex);
	if (s->timeout_ms > 0)
		ex->deadline_us = monotonic_us() + s->timeout_ms * 1000;
	uint32_t nsubs = pt->bd ? pt->bd->nsubs : 0;
	if (nsubs > 0) {
		ex->subs = alx_arena_calloc(&pt->a, nsubs, sizeof(*ex->subs));
		if (ex->subs == NULL)
			return oom(s);
		ex->nsubs = nsubs;
	}
	return 0;
}

/* Bind again if DDL changed the catalog; take the bound statement. */
static int fresh_bound(struct alx_portal *pt)
{
	/* alx_prep_bind's common case without its call: a run again of a
	 * statement bound against the current catalog */
	if (pt->bd != NULL && pt->bd == pt->prep->bd &&
	    alx_session_catalog_is(pt->s, pt->bd->version)) {
		pt->ncols = pt->bd->ncols;
		pt->cols = pt->bd->cols;
		return 0;
	}
	int rc = alx_prep_bind(pt->prep);
	if (rc != 0)
		return rc;
	if (pt->bd != pt->prep->bd) {
		alx_portal_drop_tree(pt);
		alx_bound_unref(pt->bd);
		pt->bd = pt->prep->bd;
		if (pt->bd != NULL)
			atomic_fetch_add(&pt->bd->refs, 1);
	}
	if (pt->bd != NULL) {
		pt->ncols = pt->bd->ncols;
		pt->cols = pt->bd->cols;
	}
	return 0;
}

static int keep_row(struct alx_portal *pt, const struct alx_value *row,
		    uint32_t n)
{
	if (pt->nrows == pt->caprows) {
		uint32_t cap = pt->caprows ? pt->caprows * 2 : 16;
		struct alx_value **v =
			alx_arena_alloc(&pt->a, cap * sizeof(*v));
		if (v == NULL)
			return oom(pt->s);
		if (pt->nrows > 0)
			memcpy(v, pt->rows, pt->nrows * sizeof(*v));
		pt->rows = v;
		pt->caprows = cap;
	}
	struct alx_value *r = alx_arena_alloc(&pt->a, (n + 1) * sizeof(*r));
	if (r == NULL)
		return oom(pt->s);
	for (uint32_t i = 0; i < n; i++)
		if (alx_value_copy(&pt->a, &row[i], &r[i]) != 0)
			return oom(pt->s);
	pt->rows[pt->nrows++] = r;
	return 0;
}

static int returning_row(void *arg, const struct alx_value *row)
{
	struct alx_portal *pt = arg;
	return keep_row(pt, row, pt->bd->dml->nreturning);
}

/* "VERB n" without snprintf (or strlen: vl is verb's length): it showed
 * in per-statement profiles. */
static void count_tag(char *tag, size_t tagsz, const char *verb, size_t vl,
		      uint64_t n)
{
	char digits[24];
	size_t nd = 0;
	do {
		digits[nd++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	if (tagsz < vl + 1 + nd + 1) {
		tag[0] = '\0';
		return;
	}
	memcpy(tag, verb, vl);
	tag[vl++] = ' ';
	while (nd > 0)
		tag[vl++] = digits[--nd];
	tag[vl] = '\0';
}

/* ---- statement kinds ------------------------------------------------------------- */

static int run_select(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	int rc = fresh_bound(pt);
	if (rc != 0)
		return rc;
	struct alx_kv_txn *txn = s->txn;
	if (txn == NULL) {
		/* autocommit: the portal's own snapshot, kept while it
		 * streams, so other statements may run in between. A point
		 * read reads one key, which READ COMMITTED reads from one
		 * snapshot too: it asks for the isolation statements in
		 * transactions use, so pooled engine sessions need not switch
		 * (WiredTiger: a reconfigure costs more than the read). */
		unsigned fl = alx_bound_is_point_read(pt->bd)
				      ? ALX_KV_TXN_READ_COMMITTED
				      : 0;
		rc = alx_kv_txn_begin(s->db, fl, &pt->own_txn, &s->diag);
		if (rc != 0)
			return rc;
		txn = pt->own_txn;
	} else {
		pt->on_session_txn = true;
	}
	rc = setup_exec(pt, txn);
	if (rc != 0)
		return rc;
	const struct alx_plan *plan = pt->bd->plan;
	if (pt->kept != NULL && pt->kept_plan == plan && pt->bd->nsubs == 0) {
		/* The tree of the previous run: start it over. */
		pt->root = pt->kept;
		pt->kept = NULL;
		rc = alx_node_rescan(pt->root, NULL);
	} else if (pt->bd->nsubs == 0 && alx_node_tree_keepable(plan)) {
		/* Open it in na, which holds no other tree, so the next run
		 * can keep it. */
		alx_portal_drop_tree(pt);
		alx_arena_reset(&pt->na);
		pt->ex.a = &pt->na;
		rc = alx_node_open(&pt->ex, plan, NULL, &pt->root);
		pt->ex.a = &pt->a;
		pt->kept_plan = plan;
	} else {
		rc = alx_node_open(&pt->ex, plan, NULL, &pt->root);
	}
	if (rc != 0)
		return rc;
	pt->state = ALX_PT_STREAM;
	return 0;
}

static int run_dml(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	int rc = fresh_bound(pt);
	if (rc != 0)
		return rc;
	const struct alx_bdml *m = pt->bd->dml;
	const char *verb = m->kind == ALX_SQL_STMT_INSERT   ? "INSERT"
			   : m->kind == ALX_SQL_STMT_UPDATE ? "UPDATE"
							    : "DELETE";
	if (s->read_only)
		return alx_session_err(s, "25006",
				       "cannot execute %s in a read-only "
				       "transaction",
				       verb);
	rc = alx_session_stmt_begin(s);
	if (rc != 0)
		return rc;
	uint64_t n = 0;
	int64_t stmt_ts = 0; /* a re-run is the same statement */
	/*
	 * READ COMMITTED: a row this statement changes may have been
	 * committed by another transaction after the statement's snapshot
	 * (its lock was held, or was released, since): undo the statement
	 * and run it again on a fresh snapshot, as PostgreSQL re-evaluates
	 * the newest row version. Bounded: after that many, 40001.
	 */
	for (uint32_t attempt = 0;; attempt++) {
		struct alx_kv_savepoint sp;
		bool rc_txn = alx_kv_txn_read_committed(s->txn);
		/* noblock: a row lock that would wait undoes the statement */
		bool have_sp = (rc_txn || s->noblock) && !s->implicit;
		if (have_sp) {
			rc = alx_kv_txn_savepoint(s->txn, &sp);
			if (rc != 0) {
				s->diag = s->txn->diag;
				return rc;
			}
		}
		n = 0;
		pt->nrows = 0;
		rc = setup_exec(pt, s->txn);
		if (stmt_ts != 0)
			pt->ex.stmt_ts = stmt_ts;
		if (rc == 0)
			rc = alx_exec_dml(&pt->ex, m, pt->bd->plan,
					  m->nreturning ? returning_row : NULL,
					  pt, &n);
		stmt_ts = pt->ex.stmt_ts;
		/* subquery executors hold cursors: close them before the
		 * commit */
		alx_exec_finish(&pt->ex);
		bool again = rc != 0 && rc_txn &&
			     alx_kv_txn_must_restart(s->txn) && attempt < 1000;
		if (again && have_sp &&
		    alx_kv_txn_rollback_to(s->txn, &sp) != 0)
			again = false;
		/* would have waited: undone here (alx_portal_next leaves the
		 * portal to run again); an implicit transaction goes whole */
		if (rc != 0 && s->noblock && s->txn->lk.would_block &&
		    have_sp && alx_kv_txn_rollback_to(s->txn, &sp) != 0) {
			s->txn->lk.would_block = false;
			s->diag = s->txn->diag;
		}
		if (have_sp)
			alx_kv_txn_release(s->txn);
		if (!again)
			break;
		alx_diag_clear(&s->diag);
		rc = alx_session_stmt_restart(s);
		if (rc != 0)
			return rc;
	}
	if (rc != 0)
		return rc;
	rc = alx_session_stmt_end(s, true);
	if (rc != 0)
		return rc;
	pt->count = n;
	/* verb: UPDATE or DELETE, 6 letters */
	if (m->kind == ALX_SQL_STMT_INSERT)
		count_tag(pt->tag, sizeof(pt->tag), "INSERT 0", 8, n);
	else
		count_tag(pt->tag, sizeof(pt->tag), verb, 6, n);
	pt->state = ALX_PT_ROWS;
	pt->pos = 0;
	return 0;
}

void alx_ddl_flush_notice(struct alx_ddl *c)
{
	if (c->notice[0] == '\0' || c->b == NULL || c->b->s == NULL)
		return;
	alx_session_notice(c->b->s, "NOTICE", c->notice_state, "%s", c->notice);
	c->notice[0] = '\0';
	snprintf(c->notice_state, sizeof(c->notice_state), "00000");
}

static int run_ddl(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	const struct alx_sql_stmt *st = pt->prep->stmt;
	if (s->read_only)
		return alx_session_err(s, "25006",
				       "cannot execute DDL in a read-only "
				       "transaction");
	int rc = alx_session_stmt_begin(s);
	if (rc != 0)
		return rc;
	struct alx_catalog *cat;
	rc = alx_session_ddl_catalog(s, &cat);
	if (rc != 0)
		return rc;
	rc = setup_exec(pt, s->txn);
	pt->ex.cat = cat;
	struct alx_bind_ctx b = {0};
	b.a = &pt->a;
	b.s = s;
	b.cat = cat;
	b.d = &s->diag;
	struct alx_ddl c = {0};
	c.ex = &pt->ex;
	c.b = &b;
	c.cat = cat;
	if (rc == 0)
		rc = alx_exec_ddl(&c, st);
	alx_exec_finish(&pt->ex);
	if (rc != 0) {
		alx_ddl_after_commit(&c, false);
		alx_catalog_unref(cat);
		return rc;
	}
	alx_ddl_flush_notice(&c);
	alx_session_set_txn_catalog(s, cat);
	rc = alx_session_stmt_end(s, true);
	/* storage a streamed ADD PRIMARY KEY left (sql_exec_addpk.c) */
	alx_ddl_after_commit(&c, rc == 0);
	if (rc != 0)
		return rc;
	pt->count = c.rows;
	snprintf(pt->tag, sizeof(pt->tag), "%s", c.tag);
	pt->state = ALX_PT_DONE;
	return 0;
}

static int run_show(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	const char *name = pt->prep->stmt->u.show->name.ptr, *col, *val;
	if (strcmp(name, "all") == 0)
		return alx_session_err(s, "0A000",
				       "SHOW ALL is not supported yet");
	int rc = alx_session_show(s, name, &col, &val);
	if (rc != 0)
		return rc;
	char *cn = alx_arena_strdup(&pt->a, col);
	char *cv = alx_arena_strdup(&pt->a, val);
	pt->own_cols = alx_arena_calloc(&pt->a, 1, sizeof(*pt->own_cols));
	if (cn == NULL || cv == NULL || pt->own_cols == NULL)
		return oom(s);
	pt->own_cols->name = cn;
	pt->own_cols->type = alx_type_make(ALX_T_TEXT);
	pt->own_cols->type_oid = 25;
	pt->own_cols->typmod = -1;
	pt->own_cols->typlen = -1;
	pt->cols = pt->own_cols;
	pt->ncols = 1;
	struct alx_value v = alx_value_bytes(ALX_T_TEXT, cv, strlen(cv));
	rc = keep_row(pt, &v, 1);
	if (rc != 0)
		return rc;
	snprintf(pt->tag, sizeof(pt->tag), "SHOW");
	pt->state = ALX_PT_ROWS;
	return 0;
}

static int run_explain(struct alx_portal *pt)
{
	int rc = fresh_bound(pt);
	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i < pt->bd->nexplain; i++) {
		const char *l = pt->bd->explain[i];
		struct alx_value v = alx_value_bytes(ALX_T_TEXT, l, strlen(l));
		rc = keep_row(pt, &v, 1);
		if (rc != 0)
			return rc;
	}
	snprintf(pt->tag, sizeof(pt->tag), "EXPLAIN");
	pt->state = ALX_PT_ROWS;
	return 0;
}

static struct alx_named_prep *find_named(struct alx_session *s,
					 const char *name)
{
	for (uint32_t i = 0; i < s->nnamed; i++)
		if (strcmp(s->named[i].name, name) == 0)
			return &s->named[i];
	return NULL;
}

static int run_prepare(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	const struct alx_sql_prepare *pr = pt->prep->stmt->u.prepare;
	if (find_named(s, pr->name.ptr) != NULL)
		return alx_session_err(s, "42P05",
				       "prepared statement \"%s\" already "
				       "exists",
				       pr->name.ptr);
	uint32_t oids[256];
	if (pr->ntypes > 256)
		return alx_session_err(s, "54023", "too many parameters");
	struct alx_bind_ctx b = {0};
	b.a = &pt->a;
	b.s = s;
	b.d = &s->diag;
	for (uint32_t i = 0; i < pr->ntypes; i++) {
		struct alx_type t;
		int rc = alx_bind_typename(&b, pr->types[i], &t);
		if (rc != 0)
			return rc;
		oids[i] = alx_type_info(t.id)->oid;
	}
	const struct alx_sql_stmt *inner = pr->stmt;
	struct alx_prep *p;
	int rc = alx_session_prepare(s, pt->prep->sql + inner->start,
				     inner->end - inner->start, oids,
				     pr->ntypes, &p);
	if (rc != 0)
		return rc;
	if (s->nnamed == s->capnamed) {
		uint32_t cap = s->capnamed ? s->capnamed * 2 : 8;
		struct alx_named_prep *v =
			alx_realloc(s->db->rt, s->named, cap * sizeof(*v));
		if (v == NULL) {
			alx_prep_destroy(p);
			return oom(s);
		}
		s->named = v;
		s->capnamed = cap;
	}
	char *name = alx_arena_strdup(&p->a, pr->name.ptr);
	if (name == NULL) {
		alx_prep_destroy(p);
		return oom(s);
	}
	s->named[s->nnamed].name = name;
	s->named[s->nnamed].p = p;
	s->nnamed++;
	snprintf(pt->tag, sizeof(pt->tag), "PREPARE");
	pt->state = ALX_PT_DONE;
	return 0;
}

static int run_execute(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	const struct alx_sql_execute *ex = pt->prep->stmt->u.execute;
	struct alx_named_prep *np = find_named(s, ex->name.ptr);
	if (np == NULL)
		return alx_session_err(s, "26000",
				       "prepared statement \"%s\" does not "
				       "exist",
				       ex->name.ptr);
	struct alx_prep *p = np->p;
	int rc = alx_prep_bind(p);
	if (rc != 0)
		return rc;
	if (ex->args.n != p->nparams)
		return alx_session_err(s, "42601",
				       "wrong number of parameters for "
				       "prepared statement \"%s\"\nExpected "
				       "%u parameters but got %u.",
				       ex->name.ptr, p->nparams, ex->args.n);
	struct alx_param *params =
		alx_arena_calloc(&pt->a, p->nparams + 1, sizeof(*params));
	if (params == NULL)
		return oom(s);
	struct alx_catalog *cat;
	rc = alx_session_catalog(s, &cat);
	if (rc != 0)
		return rc;
	struct alx_bind_ctx b = {0};
	b.a = &pt->a;
	b.s = s;
	b.cat = cat;
	b.d = &s->diag;
	struct alx_scope sc = {0};
	for (uint32_t i = 0; rc == 0 && i < ex->args.n; i++) {
		struct alx_bx *e;
		rc = alx_bind_expr(&b, &sc, ex->args.v[i], ALX_ECTX_VALUES, &e);
		if (rc == 0)
			rc = alx_bind_coerce(&b, &e, p->param_types[i],
					     ALX_CAST_ASSIGN, NULL);
		struct alx_exec tmp = {0};
		if (rc == 0) {
			rc = setup_exec(pt, NULL);
			tmp = pt->ex;
		}
		struct alx_ev ev = {&tmp, &pt->a, NULL, NULL};
		if (rc == 0)
			rc = alx_eval(&ev, e, &params[i].v);
		params[i].kind = ALX_PARAM_VALUE;
	}
	alx_catalog_unref(cat);
	if (rc != 0)
		return rc;
	rc = alx_portal_create(p, params, p->nparams, &pt->inner);
	if (rc != 0)
		return rc;
	pt->state = ALX_PT_STREAM;
	return 0;
}

static int run_deallocate(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	const struct alx_sql_deallocate *d = pt->prep->stmt->u.deallocate;
	if (d->name.ptr == NULL) {
		for (uint32_t i = 0; i < s->nnamed; i++)
			alx_prep_destroy(s->named[i].p);
		s->nnamed = 0;
		snprintf(pt->tag, sizeof(pt->tag), "DEALLOCATE ALL");
		pt->state = ALX_PT_DONE;
		return 0;
	}
	struct alx_named_prep *np = find_named(s, d->name.ptr);
	if (np == NULL)
		return alx_session_err(s, "26000",
				       "prepared statement \"%s\" does not "
				       "exist",
				       d->name.ptr);
	if (np->p->nportals > 0)
		return alx_session_err(s, "55006",
				       "prepared statement \"%s\" is in use",
				       d->name.ptr);
	alx_prep_destroy(np->p);
	*np = s->named[--s->nnamed];
	snprintf(pt->tag, sizeof(pt->tag), "DEALLOCATE");
	pt->state = ALX_PT_DONE;
	return 0;
}

/* ---- the state machine ------------------------------------------------------------- */

static bool allowed_when_failed(const struct alx_sql_stmt *st)
{
	if (st->kind != ALX_SQL_STMT_TXN)
		return false;
	int k = st->u.txn->kind;
	return k == ALX_SQL_TXN_COMMIT || k == ALX_SQL_TXN_ROLLBACK ||
	       k == ALX_SQL_TXN_ROLLBACK_TO;
}

static int run_first(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	const struct alx_sql_stmt *st = pt->prep->stmt;
	s->notice[0] = '\0';
	s->notice_level[0] = '\0';
	if (st == NULL) {
		pt->state = ALX_PT_DONE;
		return 0;
	}
	if (s->state == ALX_TXN_FAILED && !allowed_when_failed(st))
		return alx_session_err(s, "25P02",
				       "current transaction is aborted, "
				       "commands ignored until end of "
				       "transaction block");
	if (s->read_only && st->kind == ALX_SQL_STMT_COPY &&
	    st->u.copy->is_from)
		return alx_session_err(s, "25006",
				       "cannot execute COPY FROM in a "
				       "read-only transaction");
	alx_session_stmt_wait_init(s);
	if (s->txn != NULL && s->state == ALX_TXN_BLOCK &&
	    st->kind != ALX_SQL_STMT_TXN && st->kind != ALX_SQL_STMT_SET &&
	    st->kind != ALX_SQL_STMT_SHOW) {
		/* READ COMMITTED: each statement reads a fresh snapshot. */
		s->txn_nstmts++;
		int rc = alx_kv_txn_stmt_snapshot(s->txn);
		if (rc != 0) {
			s->diag = s->txn->diag;
			return rc;
		}
	}
	switch (st->kind) {
	case ALX_SQL_STMT_TXN: {
		int rc = alx_session_txn_stmt(s, st->u.txn, pt->tag,
					      sizeof(pt->tag));
		if (rc == 0)
			pt->state = ALX_PT_DONE;
		return rc;
	}
	case ALX_SQL_STMT_SET: {
		int rc =
			alx_session_set(s, st->u.set, pt->tag, sizeof(pt->tag));
		if (rc == 0)
			pt->state = ALX_PT_DONE;
		return rc;
	}
	case ALX_SQL_STMT_SHOW:
		return run_show(pt);
	case ALX_SQL_STMT_SELECT:
		return run_select(pt);
	case ALX_SQL_STMT_EXPLAIN:
		return run_explain(pt);
	case ALX_SQL_STMT_INSERT:
	case ALX_SQL_STMT_UPDATE:
	case ALX_SQL_STMT_DELETE:
		return run_dml(pt);
	case ALX_SQL_STMT_COPY:
		return alx_copy_start(pt, st->u.copy);
	case ALX_SQL_STMT_PREPARE:
		return run_prepare(pt);
	case ALX_SQL_STMT_EXECUTE:
		return run_execute(pt);
	case ALX_SQL_STMT_DEALLOCATE:
		return run_deallocate(pt);
	case ALX_SQL_STMT_VACUUM:
		return alx_session_run_vacuum(pt);
	case ALX_SQL_STMT_DISCARD:
		if (st->u.discard == ALX_SQL_DISCARD_ALL &&
		    s->state != ALX_TXN_IDLE)
			return alx_session_err(s, "25001",
					       "DISCARD ALL cannot run inside "
					       "a transaction block");
		snprintf(pt->tag, sizeof(pt->tag), "DISCARD %s",
			 st->u.discard == ALX_SQL_DISCARD_ALL	  ? "ALL"
			 : st->u.discard == ALX_SQL_DISCARD_PLANS ? "PLANS"
			 : st->u.discard == ALX_SQL_DISCARD_SEQUENCES
				 ? "SEQUENCES"
				 : "TEMP");
		if (st->u.discard == ALX_SQL_DISCARD_ALL) {
			for (uint32_t i = 0; i < s->nnamed; i++)
				alx_prep_destroy(s->named[i].p);
			s->nnamed = 0;
		}
		if (st->u.discard == ALX_SQL_DISCARD_ALL ||
		    st->u.discard == ALX_SQL_DISCARD_SEQUENCES)
			s->nseqv = 0;
		pt->state = ALX_PT_DONE;
		return 0;
	default:
		if (alx_stmt_is_ddl(st->kind))
			return run_ddl(pt);
		return alx_session_err(s, "0A000",
				       "statement kind %d is not supported",
				       st->kind);
	}
}

static void fail(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	alx_node_close(pt->root);
	pt->root = NULL;
	alx_exec_finish(&pt->ex);
	if (pt->own_txn != NULL) {
		alx_kv_txn_rollback(pt->own_txn);
		pt->own_txn = NULL;
	}
	pt->on_session_txn = false;
	pt->state = ALX_PT_FAILED;
	/* Out of memory says 53200 already; engine codes get theirs. */
	if (s->diag.code == 0)
		alx_diag_set(&s->diag, ALOPEX_EINTERNAL, "XX000",
			     "internal error");
	const struct alx_sql_stmt *st = pt->prep->stmt;
	bool txn_stmt = st != NULL && st->kind == ALX_SQL_STMT_TXN &&
			(st->u.txn->kind == ALX_SQL_TXN_BEGIN ||
			 st->u.txn->kind == ALX_SQL_TXN_COMMIT);
	if (!txn_stmt)
		alx_session_stmt_failed(s);
}

/*
 * The statement would have waited (noblock): its writes are undone (run_dml
 * rolled back to its savepoint; an autocommit statement's transaction goes
 * whole), and the portal is as new, to run again where it may wait.
 */
static int unrun(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	alx_node_close(pt->root);
	pt->root = NULL;
	alx_exec_finish(&pt->ex);
	if (pt->own_txn != NULL) {
		alx_kv_txn_rollback(pt->own_txn);
		pt->own_txn = NULL;
	}
	pt->on_session_txn = false;
	pt->nrows = 0;
	pt->count = 0;
	pt->tag[0] = '\0';
	s->txn->lk.would_block = false;
	if (s->implicit)
		alx_session_stmt_end(s, false);
	pt->state = ALX_PT_NEW;
	s->blocked = true;
	alx_diag_set(&s->diag, ALOPEX_EBUSY, "55P03",
		     "could not obtain lock on row without waiting");
	return ALOPEX_EBUSY;
}

int alx_portal_next(struct alx_portal *pt, const struct alx_value **row)
{
	struct alx_session *s = pt->s;
	int rc;
	alx_arena_reset(&pt->texta);
	s->cur_ex = &pt->ex;
	if (pt->state == ALX_PT_NEW) {
		alx_session_diag_reset(s);
		s->blocked = false;
		rc = run_first(pt);
		if (rc != 0 && s->noblock && s->txn != NULL &&
		    s->txn->lk.would_block)
			return unrun(pt);
		if (rc != 0) {
			fail(pt);
			return rc;
		}
	}
	switch (pt->state) {
	case ALX_PT_STREAM:
		if (pt->inner != NULL) {
			rc = alx_portal_next(pt->inner, row);
			if (rc == ALOPEX_DONE) {
				snprintf(pt->tag, sizeof(pt->tag), "%s",
					 pt->inner->tag);
				pt->count = pt->inner->count;
				pt->state = ALX_PT_DONE;
			}
			return rc;
		}
		rc = alx_node_next(pt->root, row);
		if (rc == ALOPEX_ROW) {
			pt->count++;
			return rc;
		}
		if (rc != ALOPEX_DONE) {
			fail(pt);
			return rc;
		}
		if (pt->kept_plan != NULL && pt->kept_plan == pt->bd->plan &&
		    pt->root != NULL) {
			/* Keep the tree (in na) for the next run. */
			alx_node_park(pt->root);
			pt->kept = pt->root;
		} else {
			alx_node_close(pt->root);
		}
		pt->root = NULL;
		alx_exec_finish(&pt->ex);
		pt->on_session_txn = false;
		if (pt->own_txn != NULL) {
			rc = alx_kv_txn_commit(pt->own_txn, NULL, &s->diag);
			pt->own_txn = NULL;
			if (rc != 0) {
				fail(pt);
				return rc;
			}
		}
		count_tag(pt->tag, sizeof(pt->tag), "SELECT", 6, pt->count);
		pt->state = ALX_PT_DONE;
		return ALOPEX_DONE;
	case ALX_PT_ROWS:
		if (pt->pos < pt->nrows) {
			*row = pt->rows[pt->pos++];
			return ALOPEX_ROW;
		}
		pt->state = ALX_PT_DONE;
		if (pt->tag[0] == '\0')
			snprintf(pt->tag, sizeof(pt->tag), "SELECT %u",
				 pt->nrows);
		return ALOPEX_DONE;
	case ALX_PT_COPY_IN:
		return ALOPEX_AGAIN;
	case ALX_PT_COPY_OUT:
		return alx_session_err(s, "0A000",
				       "read COPY TO output with "
				       "alx_portal_copy_out");
	case ALX_PT_FAILED:
		if (s->diag.code == 0)
			return alx_session_err(s, "34000",
					       "portal is closed: its "
					       "transaction ended");
		return s->diag.code;
	default:
		return ALOPEX_DONE;
	}
}

/* ---- simple query ---------------------------------------------------------------------- */

int alx_session_execute(struct alx_session *s, const char *sql, size_t len,
			alx_session_row_fn fn, void *arg)
{
	return alx_session_execute_ex(s, sql, len, 0, fn, arg);
}

/* One implicit block for a multi-statement simple query? */
static bool implicit_block(struct alx_session *s,
			   const struct alx_sql_stmt_list *l, unsigned flags)
{
	if (!(flags & ALX_EXEC_IMPLICIT_TXN) || l->n < 2 ||
	    s->state != ALX_TXN_IDLE)
		return false;
	for (uint32_t i = 0; i < l->n; i++)
		if (l->v[i]->kind == ALX_SQL_STMT_TXN)
			return false;
	return true;
}

static int block_control(struct alx_session *s, int kind)
{
	struct alx_sql_txn t = {0};
	t.kind = (uint8_t)kind;
	t.modes.read_only = -1;
	t.modes.deferrable = -1;
	char tag[32];
	return alx_session_txn_stmt(s, &t, tag, sizeof(tag));
}

int alx_session_execute_ex(struct alx_session *s, const char *sql, size_t len,
			   unsigned flags, alx_session_row_fn fn, void *arg)
{
	alx_diag_clear(&s->diag);
	/* A statement failing before it runs (parse, bind) must not show
	 * the NOTICE of the one before. */
	s->notice_level[0] = '\0';
	struct alx_arena a;
	alx_arena_init(&a, s->db->rt, 0);
	char *copy = alx_arena_strndup(&a, sql, len);
	int rc = copy ? 0 : oom(s);
	struct alx_sql_stmt_list l = {0};
	struct alx_sql_error err;
	if (rc == 0)
		rc = alx_sql_parse(&a, copy, len, NULL, &l, &err, &s->diag);
	if (rc != 0 && s->state == ALX_TXN_BLOCK)
		s->state = ALX_TXN_FAILED;
	bool block = rc == 0 && implicit_block(s, &l, flags);
	if (block)
		rc = block_control(s, ALX_SQL_TXN_BEGIN);
	for (uint32_t i = 0; rc == 0 && i < l.n; i++) {
		struct alx_prep *p;
		if (s->state == ALX_TXN_FAILED &&
		    !allowed_when_failed(l.v[i])) {
			rc = alx_session_err(s, "25P02",
					     "current transaction is aborted, "
					     "commands ignored until end of "
					     "transaction block");
			break;
		}
		s->notice_level[0] = '\0';
		rc = alx_session_prep_stmt(s, copy, l.v[i], &p);
		if (rc != 0) {
			alx_session_stmt_failed(s);
			break;
		}
		struct alx_portal *pt;
		rc = alx_portal_create(p, NULL, 0, &pt);
		if (rc != 0) {
			alx_session_stmt_failed(s);
			alx_prep_destroy(p);
			break;
		}
		for (;;) {
			const struct alx_value *row;
			rc = alx_portal_next(pt, &row);
			if (rc == ALOPEX_ROW) {
				if (fn != NULL && fn(arg, pt, row) != 0) {
					rc = ALOPEX_DONE;
					break;
				}
				continue;
			}
			if (rc == ALOPEX_AGAIN) {
				/* COPY FROM STDIN needs a protocol */
				alx_portal_copy_fail(pt, "no COPY data "
							 "source");
				rc = s->diag.code ? s->diag.code : ALOPEX_ESQL;
			}
			break;
		}
		if (rc == ALOPEX_DONE && fn != NULL)
			fn(arg, pt, NULL);
		alx_portal_destroy(pt);
		alx_prep_destroy(p);
		if (rc == ALOPEX_DONE)
			rc = 0;
	}
	if (block) {
		/* keep the statement's error; the block goes either way */
		alopex_diag saved = s->diag;
		int end = block_control(s, rc == 0 ? ALX_SQL_TXN_COMMIT
						   : ALX_SQL_TXN_ROLLBACK);
		if (rc != 0)
			s->diag = saved;
		else
			rc = end;
	}
	alx_arena_fini(&a);
	return rc;
}
