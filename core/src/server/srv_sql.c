/*
 * SQL services of the protocol host table: thin wrappers over the core's
 * sessions (sql/sql_session.h), so protocol plugins never link core
 * symbols, plus the simple-query script iterator, which hands a protocol
 * one portal per statement so it can stream rows and run COPY itself.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "server/srv.h"
#include "sql/sql_ast.h"
#include "sql/sql_parse.h"
#include "sql/sql_plan.h"
#include "sql/sql_roles.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

struct alopex_sql_session {
	struct alx_session *s;
	struct alx_srv_sessions *owner;
	struct alopex_sql_session *prev, *next;
	/* an extended-query implicit transaction is open (sql_xact_begin) */
	bool implicit;
};

struct alopex_sql_prep {
	struct alx_prep *p;
	struct alopex_sql_session *ss;
	uint32_t nparams, ncols;
	const struct alx_type *ptypes;
	const struct alx_sql_col *cols;
	/* prep_is_point_read's answer for the plan bound at this version */
	uint64_t point_version;
	int point_read; /* -1: not known */
	/* prep_is_point_write's, the same way */
	uint64_t point_write_version;
	int point_write;
};

struct alopex_sql_portal {
	struct alx_portal *pt;
	struct alopex_sql_session *ss; /* NULL: a simple-query portal */
	char num[24];		       /* value_text of an integer */
};

struct alopex_sql_script {
	struct alopex_sql_session *ss;
	struct alx_arena a;
	char *sql;
	size_t len;
	struct alx_sql_stmt_list l;
	uint32_t next;
	bool block;   /* an implicit transaction around the statements */
	bool prepped; /* prep is the next statement's (script_is_point_read) */
	struct alx_prep *prep;
	struct alopex_sql_portal portal;
};

struct alx_srv_sessions {
	alopex_db *db;
	pthread_mutex_t mu;
	struct alopex_sql_session *head;
};

int alx_srv_sessions_create(alopex_db *db, struct alx_srv_sessions **out)
{
	struct alx_srv_sessions *ss = calloc(1, sizeof(*ss));
	if (ss == NULL)
		return ALOPEX_ENOMEM;
	ss->db = db;
	pthread_mutex_init(&ss->mu, NULL);
	*out = ss;
	return 0;
}

void alx_srv_sessions_destroy(struct alx_srv_sessions *ss)
{
	if (ss == NULL)
		return;
	pthread_mutex_destroy(&ss->mu);
	free(ss);
}

void alx_srv_sessions_cancel_all(struct alx_srv_sessions *ss)
{
	pthread_mutex_lock(&ss->mu);
	for (struct alopex_sql_session *p = ss->head; p != NULL; p = p->next)
		atomic_store(&p->s->cancel_req, 1);
	pthread_mutex_unlock(&ss->mu);
}

/* ---- sessions ------------------------------------------------------------ */

static int session_create(void *ctx, const char *user, alopex_sql_session **out,
			  alopex_diag *diag)
{
	struct alx_srv_sessions *owner = alx_srv_sessions_of(ctx);
	struct alopex_sql_session *ss = calloc(1, sizeof(*ss));
	if (ss == NULL)
		return alx_diag_set(diag, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	int rc = alx_session_create(owner->db, &ss->s, diag);
	if (rc != 0) {
		free(ss);
		return rc;
	}
	if (user != NULL && user[0] != '\0') {
		rc = alx_session_set_user(ss->s, user);
		if (rc != 0) {
			*diag = ss->s->diag;
			alx_session_destroy(ss->s);
			free(ss);
			return rc;
		}
	}
	ss->owner = owner;
	pthread_mutex_lock(&owner->mu);
	ss->next = owner->head;
	if (owner->head != NULL)
		owner->head->prev = ss;
	owner->head = ss;
	pthread_mutex_unlock(&owner->mu);
	*out = ss;
	return 0;
}

static void session_destroy(alopex_sql_session *ss)
{
	if (ss == NULL)
		return;
	struct alx_srv_sessions *owner = ss->owner;
	pthread_mutex_lock(&owner->mu);
	if (ss->prev != NULL)
		ss->prev->next = ss->next;
	else
		owner->head = ss->next;
	if (ss->next != NULL)
		ss->next->prev = ss->prev;
	pthread_mutex_unlock(&owner->mu);
	alx_session_destroy(ss->s);
	free(ss);
}

static const alopex_diag *sql_diag(alopex_sql_session *ss)
{
	return alx_session_diag(ss->s);
}

static char txn_status(alopex_sql_session *ss)
{
	return alx_session_txn_status(ss->s);
}

static const char *setting(alopex_sql_session *ss, const char *name)
{
	return alx_session_setting(ss->s, name);
}

/* SET "name" TO 'value', quoted as a client would. */
static int sql_set(alopex_sql_session *ss, const char *name, const char *value)
{
	size_t nn = strlen(name), vn = strlen(value);
	char *q = malloc(2 * (nn + vn) + 32);
	if (q == NULL)
		return alx_diag_set(&ss->s->diag, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	char *w = q;
	w += sprintf(w, "SET \"");
	for (size_t i = 0; i < nn; i++) {
		if (name[i] == '"')
			*w++ = '"';
		*w++ = name[i];
	}
	w += sprintf(w, "\" TO '");
	for (size_t i = 0; i < vn; i++) {
		if (value[i] == '\'')
			*w++ = '\'';
		*w++ = value[i];
	}
	*w++ = '\'';
	*w = '\0';
	int rc = alx_session_execute(ss->s, q, (size_t)(w - q), NULL, NULL);
	free(q);
	return rc;
}

static const char *last_notice(alopex_sql_session *ss, const char **level,
			       const char **sqlstate)
{
	return alx_session_last_notice(ss->s, level, sqlstate);
}

static const char *notice_at(alopex_sql_session *ss, uint32_t i,
			     const char **level, const char **sqlstate)
{
	return alx_session_notice_at(ss->s, i, level, sqlstate);
}

static void cancel(alopex_sql_session *ss)
{
	atomic_store(&ss->s->cancel_req, 1);
}

static void cancel_clear(alopex_sql_session *ss)
{
	atomic_store(&ss->s->cancel_req, 0);
}

/* The P field for a syntax error: parse again to find where. */
static void note_position(struct alx_session *s, const char *sql, size_t len)
{
	if (strcmp(s->diag.sqlstate, "42601") != 0)
		return;
	struct alx_arena a;
	alx_arena_init(&a, s->db->rt, 0);
	char *copy = alx_arena_strndup(&a, sql, len);
	struct alx_sql_stmt_list l;
	struct alx_sql_error err;
	alopex_diag d;
	memset(&err, 0, sizeof(err));
	if (copy != NULL &&
	    alx_sql_parse(&a, copy, len, NULL, &l, &err, &d) != 0)
		s->diag.col = err.position;
	alx_arena_fini(&a);
}

/* ---- statements ---------------------------------------------------------- */

static int prepare(alopex_sql_session *ss, const char *sql, size_t len,
		   const uint32_t *oids, uint32_t n, alopex_sql_prep **out)
{
	struct alopex_sql_prep *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return alx_diag_set(&ss->s->diag, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	int rc = alx_session_prepare(ss->s, sql, len, oids, n, &p->p);
	if (rc != 0) {
		note_position(ss->s, sql, len);
		free(p);
		return rc;
	}
	p->ss = ss;
	p->point_read = -1;
	p->point_write = -1;
	*out = p;
	return 0;
}

static void prep_destroy(alopex_sql_prep *p)
{
	if (p == NULL)
		return;
	alx_prep_destroy(p->p);
	free(p);
}

static int prep_describe(alopex_sql_prep *p, uint32_t *nparams, uint32_t *ncols)
{
	int rc = alx_prep_describe(p->p, &p->nparams, &p->ptypes, &p->ncols,
				   &p->cols);
	if (rc != 0)
		return rc;
	*nparams = p->nparams;
	*ncols = p->ncols;
	return 0;
}

static uint32_t prep_param_oid(alopex_sql_prep *p, uint32_t i)
{
	if (i >= p->nparams)
		return 0;
	const struct alx_type_info *ti = alx_type_info(p->ptypes[i].id);
	/* an unresolved parameter is text to a client */
	return ti != NULL && ti->oid != 705 ? ti->oid : 25;
}

static void coldesc(const struct alx_sql_col *c, struct alopex_sql_coldesc *o)
{
	memset(o, 0, sizeof(*o));
	o->name = c->name;
	o->type_oid = c->type_oid;
	o->typmod = c->typmod;
	o->typlen = c->typlen;
}

static int prep_col(alopex_sql_prep *p, uint32_t i,
		    struct alopex_sql_coldesc *out)
{
	if (i >= p->ncols)
		return ALOPEX_EINVAL;
	coldesc(&p->cols[i], out);
	return 0;
}

static int prep_returns_rows(alopex_sql_prep *p)
{
	return alx_prep_returns_rows(p->p);
}

static int portal_create(alopex_sql_prep *p, const alopex_slice *params,
			 uint32_t n, alopex_sql_portal **out)
{
	struct alopex_sql_portal *pt = calloc(1, sizeof(*pt));
	/* few parameters (a point read's key): no allocation for them */
	struct alx_param few[8];
	struct alx_param *v = n <= 8 ? few : calloc(n, sizeof(*v));
	if (pt == NULL || v == NULL) {
		free(pt);
		if (v != few)
			free(v);
		return alx_diag_set(&p->ss->s->diag, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	}
	memset(v, 0, (n <= 8 ? 8 : n) * sizeof(*v));
	for (uint32_t i = 0; i < n; i++) {
		if (params[i].ptr == NULL) {
			v[i].kind = ALX_PARAM_NULL;
			continue;
		}
		v[i].kind = ALX_PARAM_TEXT;
		v[i].ptr = params[i].ptr;
		v[i].len = params[i].len;
	}
	int rc = alx_portal_create(p->p, v, n, &pt->pt);
	if (v != few)
		free(v);
	if (rc != 0) {
		free(pt);
		return rc;
	}
	pt->ss = p->ss;
	*out = pt;
	return 0;
}

static int xact_control(alopex_sql_portal *pt, const alopex_sql_row **row);

static int portal_next(alopex_sql_portal *pt, const alopex_sql_row **row)
{
	if (pt->ss != NULL && pt->ss->implicit && pt->pt->state == ALX_PT_NEW &&
	    pt->pt->prep->stmt != NULL &&
	    pt->pt->prep->stmt->kind == ALX_SQL_STMT_TXN)
		return xact_control(pt, row);
	const struct alx_value *r = NULL;
	int rc = alx_portal_next(pt->pt, &r);
	if (rc == ALOPEX_ROW)
		*row = (const alopex_sql_row *)r;
	/* COPY TO STDOUT: the portal is waiting to be read with copy_out */
	if (rc < 0 && pt->pt->state == ALX_PT_COPY_OUT) {
		alx_diag_clear(&pt->pt->s->diag);
		rc = ALOPEX_AGAIN;
	}
	/* noblock: ALOPEX_EBUSY says only "would have waited" */
	if (rc < 0 && pt->pt->s->noblock)
		rc = alx_session_blocked(pt->pt->s) ? ALOPEX_EBUSY
		     : rc == ALOPEX_EBUSY	    ? ALOPEX_ESQL
						    : rc;
	return rc;
}

static uint32_t portal_ncols(alopex_sql_portal *pt)
{
	return alx_portal_ncols(pt->pt);
}

static int portal_col(alopex_sql_portal *pt, uint32_t i,
		      struct alopex_sql_coldesc *out)
{
	if (i >= alx_portal_ncols(pt->pt))
		return ALOPEX_EINVAL;
	coldesc(&alx_portal_cols(pt->pt)[i], out);
	return 0;
}

static const char *value_text(alopex_sql_portal *pt, const alopex_sql_row *row,
			      uint32_t col, size_t *len)
{
	const struct alx_value *v = &((const struct alx_value *)row)[col];
	if (!v->null && (v->type == ALX_T_INT2 || v->type == ALX_T_INT4 ||
			 v->type == ALX_T_INT8)) {
		/* the common column of a point read: by hand, since the
		 * general output path (snprintf) was most of a row's cost */
		char d[24];
		size_t nd = 0;
		uint64_t u =
			v->u.i < 0 ? 0 - (uint64_t)v->u.i : (uint64_t)v->u.i;
		do {
			d[nd++] = (char)('0' + u % 10);
			u /= 10;
		} while (u > 0);
		size_t k = 0;
		if (v->u.i < 0)
			pt->num[k++] = '-';
		while (nd > 0)
			pt->num[k++] = d[--nd];
		pt->num[k] = '\0';
		if (len != NULL)
			*len = k;
		return pt->num;
	}
	return alx_portal_text(pt->pt, v, len);
}

static const char *portal_tag(alopex_sql_portal *pt)
{
	return alx_portal_tag(pt->pt);
}

static void portal_destroy(alopex_sql_portal *pt)
{
	if (pt == NULL)
		return;
	alx_portal_destroy(pt->pt);
	free(pt);
}

static int portal_recycle(alopex_sql_portal *pt)
{
	return alx_portal_recycle(pt->pt) ? 1 : 0;
}

static int portal_rebind(alopex_sql_portal *pt, const alopex_slice *params,
			 uint32_t n)
{
	/* few parameters (a point read's key): no allocation for them */
	struct alx_param few[8];
	struct alx_param *v = n <= 8 ? few : calloc(n, sizeof(*v));
	if (v == NULL)
		return alx_diag_set(&pt->pt->s->diag, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	memset(v, 0, n * sizeof(*v));
	for (uint32_t i = 0; i < n; i++) {
		v[i].kind =
			params[i].ptr == NULL ? ALX_PARAM_NULL : ALX_PARAM_TEXT;
		v[i].ptr = params[i].ptr;
		v[i].len = params[i].len;
	}
	int rc = alx_portal_rebind(pt->pt, v, n);
	if (v != few)
		free(v);
	return rc;
}

static int copy_info(alopex_sql_portal *pt, struct alopex_sql_copy_info *out)
{
	struct alx_copy_info ci;
	int rc = alx_portal_copy_info(pt->pt, &ci);
	if (rc != 0)
		return rc;
	out->from = ci.from;
	out->csv = ci.csv;
	out->ncols = ci.ncols;
	return 0;
}

static int copy_in(alopex_sql_portal *pt, const void *data, size_t len)
{
	return alx_portal_copy_in(pt->pt, data, len);
}

static int copy_done(alopex_sql_portal *pt)
{
	return alx_portal_copy_done(pt->pt);
}

static int copy_fail(alopex_sql_portal *pt, const char *why)
{
	return alx_portal_copy_fail(pt->pt, why);
}

static int copy_out(alopex_sql_portal *pt, const void **data, size_t *len)
{
	return alx_portal_copy_out(pt->pt, data, len);
}

/* ---- simple query script -------------------------------------------------- */

static bool allowed_when_failed(const struct alx_sql_stmt *st)
{
	if (st->kind != ALX_SQL_STMT_TXN)
		return false;
	int k = st->u.txn->kind;
	return k == ALX_SQL_TXN_COMMIT || k == ALX_SQL_TXN_ROLLBACK ||
	       k == ALX_SQL_TXN_ROLLBACK_TO;
}

static int prep_txn_exit(alopex_sql_prep *p)
{
	const struct alx_sql_stmt *st = p->p->stmt;
	if (st == NULL)
		return 2;
	return allowed_when_failed(st) ? 1 : 0;
}

static int portal_returns_rows(alopex_sql_portal *pt)
{
	return pt->pt != NULL && alx_prep_returns_rows(pt->pt->prep);
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

static void script_drop_stmt(struct alopex_sql_script *sc)
{
	alx_portal_destroy(sc->portal.pt);
	sc->portal.pt = NULL;
	alx_prep_destroy(sc->prep);
	sc->prep = NULL;
}

static int script_close(alopex_sql_script *sc, int ok);

static int script_open(alopex_sql_session *ss, const char *sql, size_t len,
		       alopex_sql_script **out)
{
	struct alx_session *s = ss->s;
	alx_diag_clear(&s->diag);
	struct alopex_sql_script *sc = calloc(1, sizeof(*sc));
	if (sc == NULL)
		return alx_diag_set(&s->diag, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	sc->ss = ss;
	sc->portal.ss = ss;
	alx_arena_init(&sc->a, s->db->rt, 0);
	sc->sql = alx_arena_strndup(&sc->a, sql, len);
	sc->len = len;
	int rc = 0;
	struct alx_sql_error err;
	memset(&err, 0, sizeof(err));
	if (sc->sql == NULL)
		rc = alx_diag_set(&s->diag, ALOPEX_ENOMEM, "53200",
				  "out of memory");
	else
		rc = alx_sql_parse(&sc->a, sc->sql, len, NULL, &sc->l, &err,
				   &s->diag);
	if (rc != 0) {
		s->diag.col = err.position;
		if (s->state == ALX_TXN_BLOCK)
			s->state = ALX_TXN_FAILED;
		alx_arena_fini(&sc->a);
		free(sc);
		return rc;
	}
	/* PostgreSQL runs a multi-statement query as one transaction unless
	 * it controls transactions itself. */
	sc->block = sc->l.n >= 2 && s->state == ALX_TXN_IDLE;
	for (uint32_t i = 0; sc->block && i < sc->l.n; i++)
		if (sc->l.v[i]->kind == ALX_SQL_STMT_TXN)
			sc->block = false;
	if (sc->block) {
		rc = block_control(s, ALX_SQL_TXN_BEGIN);
		if (rc != 0) {
			sc->block = false;
			script_close(sc, 0);
			return rc;
		}
	}
	*out = sc;
	return 0;
}

static int script_next(alopex_sql_script *sc, alopex_sql_portal **pt)
{
	struct alx_session *s = sc->ss->s;
	if (sc->prepped) {
		alx_portal_destroy(sc->portal.pt);
		sc->portal.pt = NULL;
	} else {
		script_drop_stmt(sc);
	}
	if (sc->next >= sc->l.n)
		return ALOPEX_DONE;
	const struct alx_sql_stmt *st = sc->l.v[sc->next++];
	alx_diag_clear(&s->diag);
	if (s->state == ALX_TXN_FAILED && !allowed_when_failed(st))
		return alx_session_err(s, "25P02",
				       "current transaction is aborted, "
				       "commands ignored until end of "
				       "transaction block");
	int rc = 0;
	if (!sc->prepped)
		rc = alx_session_prep_stmt(s, sc->sql, st, &sc->prep);
	sc->prepped = false;
	if (rc != 0) {
		sc->prep = NULL;
		alx_session_stmt_failed(s);
		return rc;
	}
	rc = alx_portal_create(sc->prep, NULL, 0, &sc->portal.pt);
	if (rc != 0) {
		sc->portal.pt = NULL;
		alx_session_stmt_failed(s);
		return rc;
	}
	*pt = &sc->portal;
	return ALOPEX_ROW;
}

static int script_close(alopex_sql_script *sc, int ok)
{
	if (sc == NULL)
		return 0;
	struct alx_session *s = sc->ss->s;
	script_drop_stmt(sc);
	int rc = 0;
	if (sc->block) {
		/* keep the statement's error; the block ends either way */
		alopex_diag saved = s->diag;
		rc = block_control(s, ok ? ALX_SQL_TXN_COMMIT
					 : ALX_SQL_TXN_ROLLBACK);
		if (!ok) {
			s->diag = saved;
			rc = 0;
		}
	}
	alx_arena_fini(&sc->a);
	free(sc);
	return rc;
}

/* ---- extended-query implicit transactions ------------------------------------ */

static bool runs_alone(const struct alx_sql_stmt *st)
{
	/* what PostgreSQL lets run first in a pipeline but not in a
	 * transaction block */
	return st->kind == ALX_SQL_STMT_TXN ||
	       (st->kind == ALX_SQL_STMT_DISCARD &&
		st->u.discard == ALX_SQL_DISCARD_ALL) ||
	       (st->kind == ALX_SQL_STMT_VACUUM && st->u.vacuum->vacuum);
}

static int xact_begin(alopex_sql_prep *p)
{
	struct alopex_sql_session *ss = p->ss;
	struct alx_session *s = ss->s;
	const struct alx_sql_stmt *st = p->p->stmt;
	if (ss->implicit || s->state != ALX_TXN_IDLE || st == NULL ||
	    runs_alone(st))
		return 0;
	/*
	 * A point read first in the implicit transaction runs on its own
	 * snapshot, as an autocommit statement (its commit waits for what it
	 * saw to be durable). Under READ COMMITTED nothing tells that from
	 * PostgreSQL: it takes no locks, writes nothing, and a statement
	 * after it opens the transaction with a fresh snapshot anyway. Under
	 * REPEATABLE READ later statements must share its snapshot. (As
	 * last bound: DDL since may change its plan, not what it does.)
	 */
	if (!s->iso_rr_default && alx_prep_is_point_read(p->p))
		return 0;
	alx_diag_clear(&s->diag);
	int rc = block_control(s, ALX_SQL_TXN_BEGIN);
	if (rc == 0)
		ss->implicit = true;
	return rc;
}

static void xact_fail(alopex_sql_session *ss)
{
	if (ss->s->state == ALX_TXN_BLOCK)
		alx_session_stmt_failed(ss->s);
}

static int xact_end(alopex_sql_session *ss)
{
	struct alx_session *s = ss->s;
	if (!ss->implicit)
		return 0;
	ss->implicit = false;
	if (s->state == ALX_TXN_IDLE)
		return 0;
	if (s->state == ALX_TXN_FAILED) {
		alopex_diag saved = s->diag;
		block_control(s, ALX_SQL_TXN_ROLLBACK);
		s->diag = saved;
		return 0;
	}
	alx_diag_clear(&s->diag);
	return block_control(s, ALX_SQL_TXN_COMMIT);
}

/*
 * A transaction statement inside the implicit transaction, as PostgreSQL
 * treats it there (TBLOCK_STARTED): BEGIN makes it a transaction block,
 * COMMIT and ROLLBACK end it with a warning, savepoints are refused.
 */
static int xact_control(alopex_sql_portal *pt, const alopex_sql_row **row)
{
	struct alx_portal *p = pt->pt;
	struct alx_session *s = p->s;
	const struct alx_sql_txn *t = p->prep->stmt->u.txn;
	const char *what = NULL;
	alx_diag_clear(&s->diag);
	s->notice[0] = '\0';
	s->notice_level[0] = '\0';
	switch (t->kind) {
	case ALX_SQL_TXN_BEGIN:
		if (t->modes.isolation == ALX_SQL_ISO_SERIALIZABLE ||
		    t->modes.deferrable == 1)
			break; /* refused as usual */
		pt->ss->implicit = false;
		if (t->modes.read_only == 1)
			s->read_only = true;
		snprintf(p->tag, sizeof(p->tag), "%s",
			 t->start ? "START TRANSACTION" : "BEGIN");
		p->state = ALX_PT_DONE;
		return ALOPEX_DONE;
	case ALX_SQL_TXN_COMMIT:
	case ALX_SQL_TXN_ROLLBACK: {
		pt->ss->implicit = false;
		const struct alx_value *r = NULL;
		int rc = alx_portal_next(p, &r);
		if (rc == ALOPEX_DONE)
			alx_session_notice(s, "WARNING", "25P01",
					   "there is no transaction in "
					   "progress");
		return rc;
	}
	case ALX_SQL_TXN_SAVEPOINT:
		what = "SAVEPOINT";
		break;
	case ALX_SQL_TXN_RELEASE:
		what = "RELEASE SAVEPOINT";
		break;
	default:
		what = "ROLLBACK TO SAVEPOINT";
		break;
	}
	if (what == NULL) {
		const struct alx_value *r = NULL;
		int rc = alx_portal_next(p, &r);
		if (rc == ALOPEX_ROW)
			*row = (const alopex_sql_row *)r;
		return rc;
	}
	p->state = ALX_PT_FAILED;
	alx_session_stmt_failed(s);
	return alx_session_err(
		s, "25P01", "%s can only be used in transaction blocks", what);
}

/* ---- cheap statements ---------------------------------------------------------- */

/*
 * The catalog the plan was bound against is the one a statement would
 * use now (else it is bound again when it runs, and the new plan may not
 * be a point read). Never waits: one atomic load (a DDL commit holds
 * sdb->mu across its fsync); a catalog still to load answers no.
 */
static bool catalog_current(struct alx_session *s, uint64_t version)
{
	return alx_session_catalog_is(s, version);
}

static int prep_is_point_read(alopex_sql_prep *ap)
{
	struct alx_prep *p = ap->p;
	const struct alx_bound *bd = p->bd;
	if (bd == NULL || !catalog_current(p->s, bd->version))
		return 0;
	/* a prepared statement is bound once per catalog version: ask the
	 * planner once per version */
	if (ap->point_read < 0 || ap->point_version != bd->version) {
		ap->point_read = alx_prep_is_point_read(p) ? 1 : 0;
		ap->point_version = bd->version;
	}
	return ap->point_read;
}

static int prep_is_point_write(alopex_sql_prep *ap)
{
	struct alx_prep *p = ap->p;
	struct alx_session *s = p->s;
	const struct alx_sql_stmt *st = p->stmt;
	if (st == NULL)
		return 0;
	/* BEGIN opens a transaction (or warns, or fails): no wait */
	if (st->kind == ALX_SQL_STMT_TXN &&
	    st->u.txn->kind == ALX_SQL_TXN_BEGIN)
		return 1;
	/* COMMIT of a block that wrote: into the log now, its fsync waited
	 * for by the protocol (sql_take_sync_pos) */
	if (st->kind == ALX_SQL_STMT_TXN)
		return st->u.txn->kind == ALX_SQL_TXN_COMMIT &&
				       !ap->ss->implicit &&
				       alx_session_commit_defers(s)
			       ? 2
			       : 0;
	/* only in a block the client opened: the Sync after an implicit
	 * transaction's write commits it, which waits for an fsync */
	if (ap->ss->implicit || s->state != ALX_TXN_BLOCK || s->txn == NULL)
		return 0;
	const struct alx_bound *bd = p->bd;
	if (bd == NULL || !catalog_current(s, bd->version))
		return 0;
	if (ap->point_write < 0 || ap->point_write_version != bd->version) {
		ap->point_write = alx_prep_is_point_write(p) ? 1 : 0;
		ap->point_write_version = bd->version;
	}
	return ap->point_write;
}

static void set_noblock(alopex_sql_session *ss, int on)
{
	alx_session_set_noblock(ss->s, on != 0);
}

static uint64_t take_sync_pos(alopex_sql_session *ss)
{
	return alx_session_take_sync_pos(ss->s);
}

static int script_is_point_read(alopex_sql_script *sc)
{
	struct alx_session *s = sc->ss->s;
	if (sc->prepped)
		return 0; /* asked twice */
	if (sc->next != 0 || sc->l.n != 1 || s->state == ALX_TXN_FAILED ||
	    sc->l.v[0]->kind != ALX_SQL_STMT_SELECT)
		return 0;
	/*
	 * Not catalog_current's version load: that suffices for a statement
	 * already bound, but this one is bound here, and alx_prep_bind takes
	 * sdb->mu (alx_session_catalog), which a DDL commit holds across its
	 * fsync. A version load cannot see that commit in progress; the
	 * trylock does, and the statement goes to an executor instead of
	 * stalling the I/O worker. cat NULL: loading it would read storage.
	 */
	struct alx_catalog *cur = s->txn_cat;
	if (cur == NULL) {
		if (pthread_mutex_trylock(&s->sdb->mu) != 0)
			return 0;
		cur = s->sdb->cat;
		pthread_mutex_unlock(&s->sdb->mu);
		if (cur == NULL)
			return 0;
	}
	script_drop_stmt(sc);
	struct alx_prep *p = NULL;
	if (alx_session_prep_stmt(s, sc->sql, sc->l.v[0], &p) != 0 ||
	    alx_prep_bind(p) != 0) {
		/* script_next does it again and reports the error */
		alx_prep_destroy(p);
		alx_diag_clear(&s->diag);
		return 0;
	}
	sc->prep = p;
	sc->prepped = true;
	return alx_prep_is_point_read(p);
}

/* ---- roles ------------------------------------------------------------------ */

static int role_get(void *ctx, const char *name, struct alopex_role *out)
{
	struct alx_role_info ri;
	alopex_diag d;
	alx_diag_clear(&d);
	int rc = alx_sql_role_get(alx_srv_db_of(ctx), name, &ri, &d);
	if (rc != 0)
		return rc;
	out->can_login = ri.can_login;
	out->superuser = ri.superuser;
	snprintf(out->verifier, sizeof(out->verifier), "%s", ri.verifier);
	return 0;
}

void alx_srv_sql_fill(struct alopex_proto_host *h)
{
	h->sql_session_create = session_create;
	h->sql_session_destroy = session_destroy;
	h->sql_diag = sql_diag;
	h->sql_txn_status = txn_status;
	h->sql_setting = setting;
	h->sql_set = sql_set;
	h->sql_last_notice = last_notice;
	h->sql_cancel = cancel;
	h->sql_cancel_clear = cancel_clear;
	h->sql_prepare = prepare;
	h->sql_prep_destroy = prep_destroy;
	h->sql_prep_describe = prep_describe;
	h->sql_prep_param_oid = prep_param_oid;
	h->sql_prep_col = prep_col;
	h->sql_prep_returns_rows = prep_returns_rows;
	h->sql_portal_create = portal_create;
	h->sql_portal_next = portal_next;
	h->sql_portal_ncols = portal_ncols;
	h->sql_portal_col = portal_col;
	h->sql_value_text = value_text;
	h->sql_portal_tag = portal_tag;
	h->sql_portal_destroy = portal_destroy;
	h->sql_copy_info = copy_info;
	h->sql_copy_in = copy_in;
	h->sql_copy_done = copy_done;
	h->sql_copy_fail = copy_fail;
	h->sql_copy_out = copy_out;
	h->sql_script_open = script_open;
	h->sql_script_next = script_next;
	h->sql_script_close = script_close;
	h->role_get = role_get;
	h->sql_xact_begin = xact_begin;
	h->sql_xact_fail = xact_fail;
	h->sql_xact_end = xact_end;
	h->sql_prep_is_point_read = prep_is_point_read;
	h->sql_script_is_point_read = script_is_point_read;
	h->sql_notice_at = notice_at;
	h->sql_prep_is_point_write = prep_is_point_write;
	h->sql_set_noblock = set_noblock;
	h->sql_take_sync_pos = take_sync_pos;
	h->sql_portal_recycle = portal_recycle;
	h->sql_portal_rebind = portal_rebind;
	h->sql_prep_txn_exit = prep_txn_exit;
	h->sql_portal_returns_rows = portal_returns_rows;
}
