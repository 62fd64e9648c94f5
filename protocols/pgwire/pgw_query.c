/*
 * pgwire query phase: simple query (several statements, each with its own
 * CommandComplete; an error ends the rest), extended query (Parse, Bind,
 * Describe, Execute with a row limit and PortalSuspended, Close, Flush),
 * text and binary formats, and COPY FROM STDIN / TO STDOUT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgw_binary.h"
#include "pgw_int.h"

enum run_result {
	R_IO = -1,   /* the client is gone or out of memory: close */
	R_DONE = 0,  /* CommandComplete sent */
	R_SUSPENDED, /* row limit reached: PortalSuspended sent */
	R_COPY_IN,   /* CopyInResponse sent: waiting for CopyData */
	R_ERROR,     /* ErrorResponse sent */
	R_BLOCKED,   /* inline: it would wait; undone, nothing sent */
};

static char *slice_dup(struct pgw_slice s)
{
	char *p = malloc(s.n + 1);
	if (p != NULL) {
		memcpy(p, s.p, s.n);
		p[s.n] = '\0';
	}
	return p;
}

static bool name_eq(const char *a, struct pgw_slice b)
{
	/* b holds no NUL (the protocol's strings end at one) */
	if (b.n == 0)
		return a[0] == '\0';
	return strncmp(a, (const char *)b.p, b.n) == 0 && a[b.n] == '\0';
}

static int sql_error(struct pgw_conn *pc)
{
	pgw_send_notice(pc);
	return pgw_send_diag(pc, pc->ph->sql_diag(pc->sess)) != 0 ? R_IO
								  : R_ERROR;
}

/* ---- rows ------------------------------------------------------------------- */

static int put_row_desc(struct pgw_conn *pc, alopex_sql_portal *pt,
			alopex_sql_prep *prep, uint32_t ncols,
			const int16_t *fmts)
{
	/* most results are narrow: no allocation per Describe for them */
	struct pgw_coldesc few[16] = {0};
	struct pgw_coldesc *cd = ncols <= 16 ? few : calloc(ncols, sizeof(*cd));
	if (cd == NULL)
		return ALOPEX_ENOMEM;
	for (uint32_t i = 0; i < ncols; i++) {
		struct alopex_sql_coldesc c;
		int rc = pt ? pc->ph->sql_portal_col(pt, i, &c)
			    : pc->ph->sql_prep_col(prep, i, &c);
		if (rc != 0) {
			memset(&c, 0, sizeof(c));
			c.name = "?column?";
			c.type_oid = 25;
			c.typlen = -1;
			c.typmod = -1;
		}
		cd[i].name = c.name;
		cd[i].table_oid = c.table_oid;
		cd[i].attnum = c.attnum;
		cd[i].type_oid = c.type_oid;
		cd[i].typlen = c.typlen;
		cd[i].typmod = c.typmod;
		cd[i].format = fmts ? fmts[i] : 0;
	}
	int rc = pgw_put_row_desc(&pc->out, cd, (uint16_t)ncols);
	if (cd != few)
		free(cd);
	return rc != 0 ? ALOPEX_ENOMEM : 0;
}

static int put_data_row(struct pgw_conn *pc, alopex_sql_portal *pt,
			const alopex_sql_row *row, uint32_t ncols,
			const uint32_t *oids, const int16_t *fmts)
{
	size_t off = pgw_row_begin(&pc->out, (uint16_t)ncols);
	if (off == SIZE_MAX)
		return ALOPEX_ENOMEM;
	for (uint32_t i = 0; i < ncols; i++) {
		size_t len = 0;
		const char *t = pc->ph->sql_value_text(pt, row, i, &len);
		int rc;
		if (t == NULL) {
			rc = pgw_row_col(&pc->out, NULL, -1);
		} else if (fmts != NULL && fmts[i] == 1) {
			char err[160] = "";
			pc->tmp.len = 0;
			rc = pgw_text_to_binary(oids[i], t, len, &pc->tmp, err,
						sizeof(err));
			if (rc == -ENOTSUP) {
				pc->out.len = off;
				pgw_send_error(pc, "ERROR", "42883",
					       "no binary output function "
					       "available for type %u",
					       oids[i]);
				return ALOPEX_ENOTSUP;
			}
			if (rc != 0) {
				pc->out.len = off;
				pgw_send_error(pc, "ERROR", "22P03",
					       "cannot send value in binary "
					       "format: %s",
					       err);
				return ALOPEX_EINVAL;
			}
			rc = pgw_row_col(&pc->out, pc->tmp.p,
					 (int32_t)pc->tmp.len);
		} else {
			rc = pgw_row_col(&pc->out, t, (int32_t)len);
		}
		if (rc != 0)
			return ALOPEX_ENOMEM;
	}
	pgw_row_end(&pc->out, off);
	return 0;
}

static int copy_out(struct pgw_conn *pc, alopex_sql_portal *pt,
		    const struct alopex_sql_copy_info *ci)
{
	if (pgw_put_copy_response(&pc->out, 'H', 0, (uint16_t)ci->ncols) != 0)
		return R_IO;
	for (;;) {
		const void *data;
		size_t len;
		int rc = pc->ph->sql_copy_out(pt, &data, &len);
		if (rc == ALOPEX_DONE)
			break;
		if (rc != ALOPEX_ROW) {
			/* CopyDone is not sent after an error */
			return sql_error(pc);
		}
		if (pgw_put_copy_data(&pc->out, data, len) != 0)
			return R_IO;
		if (pgw_flush_some(pc) != 0)
			return R_IO;
	}
	if (pgw_put_simple(&pc->out, 'c') != 0 ||
	    pgw_put_complete(&pc->out, pc->ph->sql_portal_tag(pt)) != 0)
		return R_IO;
	return R_DONE;
}

/*
 * Run (or resume) a portal. Simple query sends RowDescription itself;
 * extended query leaves it to Describe. max_rows 0: all.
 */
static int run_portal(struct pgw_conn *pc, alopex_sql_portal *pt,
		      const int16_t *fmts, int32_t max_rows, bool simple)
{
	const struct alopex_proto_host *ph = pc->ph;
	const alopex_sql_row *row = NULL;
	int rc = ph->sql_portal_next(pt, &row);
	if (rc == ALOPEX_EBUSY && pc->inline_mode)
		return R_BLOCKED;
	if (rc == ALOPEX_AGAIN) {
		struct alopex_sql_copy_info ci;
		if (ph->sql_copy_info(pt, &ci) != 0)
			return sql_error(pc);
		if (!ci.from)
			return copy_out(pc, pt, &ci);
		if (pgw_put_copy_response(&pc->out, 'G', 0,
					  (uint16_t)ci.ncols) != 0)
			return R_IO;
		return R_COPY_IN;
	}
	uint32_t ncols = ph->sql_portal_ncols(pt);
	/* most results are narrow: no allocation per Execute for them */
	uint32_t few[16];
	uint32_t *oids = NULL;
	if (ncols > 0) {
		oids = ncols <= 16 ? few : calloc(ncols, sizeof(*oids));
		if (oids == NULL)
			return R_IO;
		for (uint32_t i = 0; i < ncols; i++) {
			struct alopex_sql_coldesc c;
			oids[i] = ph->sql_portal_col(pt, i, &c) == 0
					  ? c.type_oid
					  : 25;
		}
	}
	int result = R_DONE;
	/* SELECT FROM t: rows of no columns, described as such */
	bool rows = ncols > 0 || ph->sql_portal_returns_rows(pt);
	if (simple && rows && (rc == ALOPEX_ROW || rc == ALOPEX_DONE) &&
	    put_row_desc(pc, pt, NULL, ncols, NULL) != 0) {
		result = R_IO;
		goto out;
	}
	int64_t sent = 0;
	while (rc == ALOPEX_ROW) {
		int r = put_data_row(pc, pt, row, ncols, oids, fmts);
		if (r == ALOPEX_ENOMEM) {
			result = R_IO;
			goto out;
		}
		if (r != 0) {
			result = R_ERROR;
			goto out;
		}
		if (pgw_flush_some(pc) != 0) {
			result = R_IO;
			goto out;
		}
		sent++;
		if (max_rows > 0 && sent >= max_rows) {
			result = pgw_put_simple(&pc->out, 's') ? R_IO
							       : R_SUSPENDED;
			goto out;
		}
		rc = ph->sql_portal_next(pt, &row);
	}
	if (rc != ALOPEX_DONE) {
		result = sql_error(pc);
		goto out;
	}
	const char *tag = ph->sql_portal_tag(pt);
	char part[32];
	if (!simple && rows && strncmp(tag, "SELECT ", 7) == 0) {
		/* PostgreSQL counts the rows of this Execute: a portal run
		 * in pieces ends with "SELECT <rest>", then "SELECT 0".
		 * By hand: snprintf showed in every point read's profile. */
		char digits[24];
		size_t nd = 0;
		uint64_t v = (uint64_t)sent;
		do {
			digits[nd++] = (char)('0' + v % 10);
			v /= 10;
		} while (v > 0);
		memcpy(part, "SELECT ", 7);
		for (size_t i = 0; i < nd; i++)
			part[7 + i] = digits[nd - 1 - i];
		part[7 + nd] = '\0';
		tag = part;
	}
	if (pgw_send_notice(pc) != 0 ||
	    (tag[0] == '\0' && ncols == 0
		     ? pgw_put_simple(&pc->out, 'I')
		     : pgw_put_complete(&pc->out, tag)) != 0)
		result = R_IO;
out:
	if (oids != few)
		free(oids);
	return result;
}

/* ---- simple query ------------------------------------------------------------- */

static int finish_query(struct pgw_conn *pc)
{
	atomic_store(&pc->busy, 0);
	/* a simple query after Executes without Sync ends their implicit
	 * transaction too, as in PostgreSQL */
	if (pc->ph->sql_xact_end(pc->sess) != 0 && sql_error(pc) == R_IO)
		return ALOPEX_EIO;
	return pgw_send_ready(pc);
}

/* Run the script's remaining statements; ran: statements so far. */
static int run_script(struct pgw_conn *pc, alopex_sql_script *sc, int ran)
{
	const struct alopex_proto_host *ph = pc->ph;
	for (;;) {
		alopex_sql_portal *pt = NULL;
		int rc = ph->sql_script_next(sc, &pt);
		if (rc == ALOPEX_DONE)
			break;
		if (rc != ALOPEX_ROW) {
			int r = sql_error(pc);
			ph->sql_script_close(sc, 0);
			return r == R_IO ? ALOPEX_EIO : finish_query(pc);
		}
		ran++;
		int r = run_portal(pc, pt, NULL, 0, true);
		if (r == R_COPY_IN) {
			pc->copy_pt = pt;
			pc->copy_script = sc;
			pc->copy_failed = false;
			pc->state = PGW_ST_COPY_IN;
			return pgw_flush(pc);
		}
		if (r != R_DONE) {
			ph->sql_script_close(sc, 0);
			return r == R_IO ? ALOPEX_EIO : finish_query(pc);
		}
	}
	if (ran == 0 && pgw_put_simple(&pc->out, 'I') != 0) {
		ph->sql_script_close(sc, 0);
		return ALOPEX_ENOMEM;
	}
	if (ph->sql_script_close(sc, 1) != 0 && sql_error(pc) == R_IO)
		return ALOPEX_EIO;
	return finish_query(pc);
}

int pgw_simple_query(struct pgw_conn *pc, struct pgw_slice sql)
{
	const struct alopex_proto_host *ph = pc->ph;
	ph->sql_cancel_clear(pc->sess);
	atomic_store(&pc->busy, 1);
	alopex_sql_script *sc = NULL;
	if (ph->sql_script_open(pc->sess, (const char *)sql.p, sql.n, &sc) !=
	    0) {
		if (sql_error(pc) == R_IO)
			return ALOPEX_EIO;
		return finish_query(pc);
	}
	/* on the event loop: anything but one point read waits for an
	 * executor (pgw_query_resume) */
	if (pc->inline_mode && (ph->sql_script_is_point_read == NULL ||
				ph->sql_script_is_point_read(sc) != 1)) {
		pc->deferred_script = sc;
		return ALOPEX_AGAIN;
	}
	return run_script(pc, sc, 0);
}

int pgw_query_resume(struct pgw_conn *pc)
{
	alopex_sql_script *sc = pc->deferred_script;
	pc->deferred_script = NULL;
	return sc != NULL ? run_script(pc, sc, 0) : 0;
}

/* ---- COPY FROM STDIN ----------------------------------------------------------- */

static int copy_finish(struct pgw_conn *pc, bool ok)
{
	alopex_sql_script *sc = pc->copy_script;
	pc->copy_script = NULL;
	pc->copy_pt = NULL;
	pc->state = PGW_ST_READY;
	if (sc != NULL) {
		if (ok)
			return run_script(pc, sc, 1);
		pc->ph->sql_script_close(sc, 0);
		return finish_query(pc);
	}
	atomic_store(&pc->busy, 0);
	if (!ok) {
		pc->skip_to_sync = true;
		pc->ph->sql_xact_fail(pc->sess);
	}
	return 0;
}

int pgw_copy_msg(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	const struct alopex_proto_host *ph = pc->ph;
	alopex_sql_portal *pt = pc->copy_pt;
	switch (m->kind) {
	case PGW_FE_COPY_DATA:
		if (!pc->copy_failed &&
		    ph->sql_copy_in(pt, m->u.copy_data.data.p,
				    m->u.copy_data.data.n) != 0) {
			pc->copy_failed = true;
			if (sql_error(pc) == R_IO)
				return ALOPEX_EIO;
		}
		return 0;
	case PGW_FE_COPY_DONE:
		if (pc->copy_failed)
			return copy_finish(pc, false);
		if (ph->sql_copy_done(pt) != 0) {
			if (sql_error(pc) == R_IO)
				return ALOPEX_EIO;
			return copy_finish(pc, false);
		}
		if (pgw_send_notice(pc) != 0 ||
		    pgw_put_complete(&pc->out, ph->sql_portal_tag(pt)) != 0)
			return ALOPEX_ENOMEM;
		return copy_finish(pc, true);
	case PGW_FE_COPY_FAIL: {
		if (!pc->copy_failed) {
			char *why = slice_dup(m->u.copy_fail.msg);
			ph->sql_copy_fail(pt, why ? why : "");
			free(why);
			if (sql_error(pc) == R_IO)
				return ALOPEX_EIO;
		}
		return copy_finish(pc, false);
	}
	case PGW_FE_FLUSH:
	case PGW_FE_SYNC:
		return 0;
	case PGW_FE_TERMINATE:
		pc->state = PGW_ST_CLOSED;
		ph->conn_close(pc->c);
		return 0;
	default:
		if (!pc->copy_failed)
			ph->sql_copy_fail(pt, "unexpected message");
		pgw_send_error(pc, "ERROR", "08P01",
			       "unexpected message type %d during COPY from "
			       "stdin",
			       (int)m->kind);
		return copy_finish(pc, false);
	}
}

/* ---- extended query ------------------------------------------------------------ */

static struct pgw_stmt *find_stmt(struct pgw_conn *pc, struct pgw_slice name)
{
	for (struct pgw_stmt *s = pc->stmts; s != NULL; s = s->next)
		if (name_eq(s->name, name))
			return s;
	return NULL;
}

static struct pgw_portal *find_portal(struct pgw_conn *pc,
				      struct pgw_slice name)
{
	for (struct pgw_portal *p = pc->portals; p != NULL; p = p->next)
		if (name_eq(p->name, name))
			return p;
	return NULL;
}

/* NULL-safe; p is in no list. */
static void portal_free(struct pgw_conn *pc, struct pgw_portal *p)
{
	if (p == NULL)
		return;
	pc->ph->sql_portal_destroy(p->pt);
	if (p->fmts != p->fmts_inl)
		free(p->fmts);
	if (p->name != p->name_inl)
		free(p->name);
	free(p);
}

static void portal_unlink(struct pgw_conn *pc, struct pgw_portal *p)
{
	for (struct pgw_portal **pp = &pc->portals; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	p->next = NULL;
}

static bool can_recycle(const struct alopex_proto_host *ph)
{
	return ph->size >=
		       offsetof(struct alopex_proto_host, sql_portal_rebind) +
			       sizeof(ph->sql_portal_rebind) &&
	       ph->sql_portal_recycle != NULL && ph->sql_portal_rebind != NULL;
}

static void portal_drop(struct pgw_conn *pc, struct pgw_portal *p)
{
	portal_unlink(pc, p);
	/* The statement's next Bind takes it over: a prepared statement's
	 * unnamed portal goes at every Sync and comes back at the next Bind,
	 * and building it and its executor state anew cost a sixth of a
	 * point read. */
	struct pgw_stmt *s = p->stmt;
	if (s->spare == NULL && can_recycle(pc->ph) &&
	    pc->ph->sql_portal_recycle(p->pt) == 1) {
		if (p->name != p->name_inl)
			free(p->name);
		p->name = p->name_inl;
		p->name_inl[0] = '\0';
		s->spare = p;
		return;
	}
	portal_free(pc, p);
}

static void stmt_drop(struct pgw_conn *pc, struct pgw_stmt *s)
{
	/* a portal needs its statement */
	struct pgw_portal *p = pc->portals;
	while (p != NULL) {
		struct pgw_portal *next = p->next;
		if (p->stmt == s) {
			portal_unlink(pc, p);
			portal_free(pc, p);
		}
		p = next;
	}
	portal_free(pc, s->spare);
	s->spare = NULL;
	for (struct pgw_stmt **sp = &pc->stmts; *sp; sp = &(*sp)->next) {
		if (*sp == s) {
			*sp = s->next;
			break;
		}
	}
	pc->ph->sql_prep_destroy(s->prep);
	free(s->param_oids);
	free(s->name);
	free(s);
}

void pgw_query_free(struct pgw_conn *pc)
{
	if (pc->deferred_script != NULL) {
		pc->ph->sql_script_close(pc->deferred_script, 0);
		pc->deferred_script = NULL;
	}
	if (pc->copy_script != NULL) {
		pc->ph->sql_script_close(pc->copy_script, 0);
		pc->copy_script = NULL;
	}
	while (pc->portals != NULL)
		portal_drop(pc, pc->portals);
	while (pc->stmts != NULL)
		stmt_drop(pc, pc->stmts);
}

static int ext_error(struct pgw_conn *pc)
{
	pc->skip_to_sync = true;
	atomic_store(&pc->busy, 0);
	/* any error fails the transaction, the implicit one too */
	pc->ph->sql_xact_fail(pc->sess);
	return 0;
}

/*
 * A failed transaction block refuses what PostgreSQL refuses there
 * (postgres.c): Parse, Bind and Execute of anything but COMMIT, ROLLBACK
 * and ROLLBACK TO (Parse of the empty query passes, Bind with parameters
 * does not), Describe of what returns rows. True when it sent the error.
 */
static bool refused_when_failed(struct pgw_conn *pc)
{
	if (pc->ph->sql_txn_status(pc->sess) != 'E')
		return false;
	pgw_send_error(pc, "ERROR", "25P02",
		       "current transaction is aborted, commands ignored "
		       "until end of transaction block");
	return true;
}

void pgw_portals_drop(struct pgw_conn *pc)
{
	while (pc->portals != NULL)
		portal_drop(pc, pc->portals);
}

int pgw_sync(struct pgw_conn *pc)
{
	pc->skip_to_sync = false;
	/* the Executes since the last Sync commit together */
	if (pc->ph->sql_xact_end(pc->sess) != 0 && sql_error(pc) == R_IO)
		return ALOPEX_EIO;
	return pgw_send_ready(pc);
}

static int describe_stmt(struct pgw_conn *pc, struct pgw_stmt *s)
{
	uint32_t np, nc;
	if (pc->ph->sql_prep_describe(s->prep, &np, &nc) != 0)
		return ALOPEX_ESQL;
	/* every Bind describes again (DDL may have changed the types): keep
	 * the array when the count did not change */
	uint32_t *oids = s->param_oids;
	if (np != s->nparams || (np > 0 && oids == NULL)) {
		oids = np ? calloc(np, sizeof(*oids)) : NULL;
		if (np > 0 && oids == NULL)
			return ALOPEX_ENOMEM;
		free(s->param_oids);
	}
	for (uint32_t i = 0; i < np; i++)
		oids[i] = pc->ph->sql_prep_param_oid(s->prep, i);
	s->param_oids = oids;
	s->nparams = np;
	s->ncols = nc;
	return 0;
}

static int on_parse(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	struct pgw_slice name = m->u.parse.name;
	struct pgw_stmt *old = find_stmt(pc, name);
	if (old != NULL && name.n > 0) {
		char *n = slice_dup(name);
		pgw_send_error(pc, "ERROR", "42P05",
			       "prepared statement \"%s\" already exists",
			       n ? n : "");
		free(n);
		return ext_error(pc);
	}
	if (old != NULL)
		stmt_drop(pc, old);
	uint32_t *oids = NULL;
	if (m->u.parse.ntypes > 0) {
		oids = calloc(m->u.parse.ntypes, sizeof(*oids));
		if (oids == NULL)
			return ALOPEX_ENOMEM;
		for (uint16_t i = 0; i < m->u.parse.ntypes; i++)
			oids[i] = pgw_get_u32(m->u.parse.types + 4 * i);
	}
	struct pgw_stmt *s = calloc(1, sizeof(*s));
	char *sname = slice_dup(name);
	if (s == NULL || sname == NULL) {
		free(oids);
		free(s);
		free(sname);
		return ALOPEX_ENOMEM;
	}
	s->name = sname;
	int rc = pc->ph->sql_prepare(pc->sess, (const char *)m->u.parse.sql.p,
				     m->u.parse.sql.n, oids, m->u.parse.ntypes,
				     &s->prep);
	free(oids);
	if (rc == 0)
		rc = describe_stmt(pc, s);
	/* checked on the parsed statement, as PostgreSQL: a syntax error
	 * comes first, the rest of the analysis (a missing table) after */
	bool refused = false;
	if (rc == 0)
		refused = pc->ph->sql_prep_txn_exit(s->prep) == 0 &&
			  refused_when_failed(pc);
	else if (rc != ALOPEX_ENOMEM &&
		 strcmp(pc->ph->sql_diag(pc->sess)->sqlstate, "42601") != 0)
		refused = refused_when_failed(pc);
	if (rc != 0 || refused) {
		pc->ph->sql_prep_destroy(s->prep);
		free(s->param_oids);
		free(s->name);
		free(s);
		if (rc == ALOPEX_ENOMEM)
			return rc;
		if (!refused && sql_error(pc) == R_IO)
			return ALOPEX_EIO;
		return ext_error(pc);
	}
	s->next = pc->stmts;
	pc->stmts = s;
	return pgw_put_simple(&pc->out, '1') ? ALOPEX_ENOMEM : 0;
}

static int on_bind(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	const struct alopex_proto_host *ph = pc->ph;
	struct pgw_stmt *s = find_stmt(pc, m->u.bind.stmt);
	if (s == NULL) {
		char *n = slice_dup(m->u.bind.stmt);
		pgw_send_error(pc, "ERROR", "26000",
			       "prepared statement \"%s\" does not exist",
			       n ? n : "");
		free(n);
		return ext_error(pc);
	}
	if (describe_stmt(pc, s) != 0) {
		if (sql_error(pc) == R_IO)
			return ALOPEX_EIO;
		return ext_error(pc);
	}
	if (m->u.bind.nparams != s->nparams) {
		pgw_send_error(pc, "ERROR", "08P01",
			       "bind message supplies %u parameters, but "
			       "prepared statement \"%s\" requires %u",
			       (unsigned)m->u.bind.nparams, s->name,
			       (unsigned)s->nparams);
		return ext_error(pc);
	}
	/* then the failed block (exec_bind_message), then the portal name */
	if ((s->nparams > 0 || pc->ph->sql_prep_txn_exit(s->prep) != 1) &&
	    refused_when_failed(pc))
		return ext_error(pc);
	struct pgw_portal *old = find_portal(pc, m->u.bind.portal);
	if (old != NULL && m->u.bind.portal.n > 0) {
		char *n = slice_dup(m->u.bind.portal);
		pgw_send_error(pc, "ERROR", "42P03",
			       "portal \"%s\" already exists", n ? n : "");
		free(n);
		return ext_error(pc);
	}
	if (old != NULL)
		portal_drop(pc, old);
	uint16_t nr = m->u.bind.nrfmts;
	if (nr > 1 && nr != s->ncols) {
		pgw_send_error(pc, "ERROR", "08P01",
			       "bind message has %u result formats but query "
			       "has %u columns",
			       (unsigned)nr, (unsigned)s->ncols);
		return ext_error(pc);
	}
	uint32_t np = s->nparams;
	/* few parameters: no allocation per Bind */
	alopex_slice few_vals[16];
	size_t few_offs[16];
	bool few = np <= 16;
	alopex_slice *vals = few ? few_vals : calloc(np, sizeof(*vals));
	size_t *offs = few ? few_offs : calloc(np, sizeof(*offs));
	if (few)
		memset(few_vals, 0, sizeof(few_vals));
	struct pgw_buf conv = {0};
	int rc = 0;
	if (np > 0 && (vals == NULL || offs == NULL)) {
		rc = ALOPEX_ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < np; i++) {
		int is_null = 0;
		struct pgw_slice v;
		if (pgw_bind_param(m, (uint16_t)i, &is_null, &v) != 0) {
			pgw_send_error(pc, "ERROR", "08P01",
				       "invalid bind message");
			rc = 1;
			goto out;
		}
		offs[i] = SIZE_MAX;
		if (is_null)
			continue;
		if (pgw_bind_param_format(m, (uint16_t)i) == 1) {
			char err[160] = "";
			offs[i] = conv.len;
			int r = pgw_binary_to_text(s->param_oids[i], v.p, v.n,
						   &conv, err, sizeof(err));
			if (r == -ENOTSUP) {
				/* unknown type: the bytes are its text */
				if (pgw_buf_reserve(&conv, v.n + 1) != 0) {
					rc = ALOPEX_ENOMEM;
					goto out;
				}
				memcpy(conv.p + conv.len, v.p, v.n);
				conv.len += v.n;
				conv.p[conv.len++] = '\0';
			} else if (r != 0) {
				pgw_send_error(pc, "ERROR", "22P03",
					       "incorrect binary data format "
					       "in bind parameter %u: %s",
					       i + 1, err);
				rc = 1;
				goto out;
			}
			/* keep the NUL out of the value */
			continue;
		}
		vals[i].ptr = v.p ? v.p : (const uint8_t *)"";
		vals[i].len = v.n;
	}
	/* binary values converted to text live in conv, NUL-separated */
	for (uint32_t i = 0; i < np; i++) {
		if (offs[i] == SIZE_MAX)
			continue;
		vals[i].ptr = conv.p + offs[i];
		vals[i].len = strlen((const char *)conv.p + offs[i]);
	}
	/* the statement's last portal, when there is one (portal_drop) */
	struct pgw_portal *p = s->spare;
	s->spare = NULL;
	if (p == NULL) {
		p = calloc(1, sizeof(*p));
		if (p == NULL) {
			rc = ALOPEX_ENOMEM;
			goto out;
		}
		p->name = p->name_inl;
	} else if (p->fmts != p->fmts_inl) {
		free(p->fmts);
	}
	p->fmts = NULL;
	/* the unnamed portal of a narrow result: no more allocations */
	struct pgw_slice pn = m->u.bind.portal;
	if (pn.n < sizeof(p->name_inl)) {
		memcpy(p->name_inl, pn.p, pn.n);
		p->name_inl[pn.n] = '\0';
		p->name = p->name_inl;
	} else {
		p->name = slice_dup(pn);
	}
	p->stmt = s;
	p->ncols = s->ncols;
	p->fmts = s->ncols <= PGW_FMTS_INL ? p->fmts_inl
					   : calloc(s->ncols, sizeof(*p->fmts));
	if (p->name == NULL || p->fmts == NULL) {
		portal_free(pc, p);
		rc = ALOPEX_ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < s->ncols; i++)
		p->fmts[i] = (int16_t)pgw_bind_result_format(m, (uint16_t)i);
	int brc = p->pt != NULL
			  ? ph->sql_portal_rebind(p->pt, vals, np)
			  : ph->sql_portal_create(s->prep, vals, np, &p->pt);
	if (brc != 0) {
		portal_free(pc, p);
		if (sql_error(pc) == R_IO)
			rc = ALOPEX_EIO;
		else
			rc = 1;
		goto out;
	}
	p->next = pc->portals;
	pc->portals = p;
	rc = pgw_put_simple(&pc->out, '2') ? ALOPEX_ENOMEM : 0;
out:
	if (!few) {
		free(vals);
		free(offs);
	}
	pgw_buf_free(&conv);
	if (rc == 1)
		return ext_error(pc);
	return rc;
}

static int on_describe(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	if (m->u.describe.what == 'S') {
		struct pgw_stmt *s = find_stmt(pc, m->u.describe.name);
		if (s == NULL) {
			char *n = slice_dup(m->u.describe.name);
			pgw_send_error(pc, "ERROR", "26000",
				       "prepared statement \"%s\" does not "
				       "exist",
				       n ? n : "");
			free(n);
			return ext_error(pc);
		}
		if (describe_stmt(pc, s) != 0) {
			if (sql_error(pc) == R_IO)
				return ALOPEX_EIO;
			return ext_error(pc);
		}
		if (pc->ph->sql_prep_returns_rows(s->prep) &&
		    refused_when_failed(pc))
			return ext_error(pc);
		if (pgw_put_param_desc(&pc->out, s->param_oids,
				       (uint16_t)s->nparams) != 0)
			return ALOPEX_ENOMEM;
		if (s->ncols == 0 && !pc->ph->sql_prep_returns_rows(s->prep))
			return pgw_put_no_data(&pc->out) ? ALOPEX_ENOMEM : 0;
		return put_row_desc(pc, NULL, s->prep, s->ncols, NULL);
	}
	struct pgw_portal *p = find_portal(pc, m->u.describe.name);
	if (p == NULL) {
		char *n = slice_dup(m->u.describe.name);
		pgw_send_error(pc, "ERROR", "34000",
			       "portal \"%s\" does not exist", n ? n : "");
		free(n);
		return ext_error(pc);
	}
	if (pc->ph->sql_prep_returns_rows(p->stmt->prep) &&
	    refused_when_failed(pc))
		return ext_error(pc);
	if (p->ncols == 0 && !pc->ph->sql_prep_returns_rows(p->stmt->prep))
		return pgw_put_no_data(&pc->out) ? ALOPEX_ENOMEM : 0;
	return put_row_desc(pc, NULL, p->stmt->prep, p->ncols, p->fmts);
}

static int on_execute(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	struct pgw_portal *p = find_portal(pc, m->u.execute.portal);
	if (p == NULL) {
		char *n = slice_dup(m->u.execute.portal);
		pgw_send_error(pc, "ERROR", "34000",
			       "portal \"%s\" does not exist", n ? n : "");
		free(n);
		return ext_error(pc);
	}
	/* a portal bound before the block failed */
	if (pc->ph->sql_prep_txn_exit(p->stmt->prep) == 0 &&
	    refused_when_failed(pc))
		return ext_error(pc);
	/* a rerun after a hand-off keeps a cancel that came meanwhile */
	if (!pc->blocked_exec)
		pc->ph->sql_cancel_clear(pc->sess);
	pc->blocked_exec = false;
	if (!pc->inline_mode)
		pc->heavy = true;
	if (pc->ph->sql_xact_begin(p->stmt->prep) != 0) {
		if (sql_error(pc) == R_IO)
			return ALOPEX_EIO;
		return ext_error(pc);
	}
	atomic_store(&pc->busy, 1);
	int r = run_portal(pc, p->pt, p->fmts, m->u.execute.max_rows, false);
	if (r == R_BLOCKED) {
		/* busy stays: for CancelRequest it is still running */
		pc->blocked_exec = true;
		return ALOPEX_EBUSY;
	}
	if (r == R_COPY_IN) {
		pc->copy_pt = p->pt;
		pc->copy_script = NULL;
		pc->copy_failed = false;
		pc->state = PGW_ST_COPY_IN;
		return pgw_flush(pc);
	}
	atomic_store(&pc->busy, 0);
	if (r == R_IO)
		return ALOPEX_EIO;
	if (r == R_ERROR)
		return ext_error(pc);
	/* an empty query: no CommandComplete tag */
	return 0;
}

static bool point_read(struct pgw_conn *pc, const struct pgw_stmt *s)
{
	return pc->ph->sql_prep_is_point_read != NULL &&
	       pc->ph->sql_prep_is_point_read(s->prep) == 1;
}

/* Cheap unless a row lock is held: run inline with noblock, and handed
 * to an executor as it came when it would wait (pgw_conn_data). */
static bool point_write(struct pgw_conn *pc, const struct pgw_stmt *s)
{
	const struct alopex_proto_host *ph = pc->ph;
	if (ph->size < offsetof(struct alopex_proto_host, sql_set_noblock) +
			       sizeof(ph->sql_set_noblock) ||
	    ph->sql_prep_is_point_write == NULL || ph->sql_set_noblock == NULL)
		return false;
	int w = ph->sql_prep_is_point_write(s->prep);
	/* 2: a COMMIT whose fsync we wait for without blocking
	 * (pgw_conn_data parks the connection) */
	return w == 1 || (w == 2 && pgw_can_park(ph));
}

bool pgw_msg_cheap(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	if (pc->state != PGW_ST_READY)
		return false;
	/* a slow reader: waiting for it is an executor's job */
	if (pc->inline_pending + pc->out.len >
	    (size_t)pc->in->cfg->output_buffer / 2)
		return false;
	switch (m->kind) {
	case PGW_FE_SYNC:
		/* commits only what inline point reads opened, or nothing */
		return !pc->heavy;
	case PGW_FE_FLUSH:
	case PGW_FE_CLOSE:
	case PGW_FE_TERMINATE:
	case PGW_FE_COPY_DATA:
	case PGW_FE_COPY_DONE:
	case PGW_FE_COPY_FAIL:
		return true;
	default:
		break;
	}
	if (pc->skip_to_sync)
		return true; /* ignored until Sync */
	if (m->kind == PGW_FE_QUERY)
		/* parsed here, then run here only when it is one point read
		 * (pgw_simple_query); a long text is left to an executor, and
		 * so is the commit of Executes that ran there */
		return !pc->heavy && m->u.query.sql.n <= 4096;
	const struct pgw_stmt *s = NULL;
	const struct pgw_portal *p = NULL;
	switch (m->kind) {
	case PGW_FE_BIND:
		s = find_stmt(pc, m->u.bind.stmt);
		break;
	case PGW_FE_DESCRIBE:
		if (m->u.describe.what == 'S') {
			s = find_stmt(pc, m->u.describe.name);
		} else {
			p = find_portal(pc, m->u.describe.name);
			s = p ? p->stmt : NULL;
		}
		break;
	case PGW_FE_EXECUTE:
		p = find_portal(pc, m->u.execute.portal);
		s = p ? p->stmt : NULL;
		break;
	default:
		/* Parse (binds and plans), simple Query, function calls */
		return false;
	}
	/* no such statement or portal: an error, which is cheap */
	return s == NULL || point_read(pc, s) || point_write(pc, s);
}

int pgw_extended(struct pgw_conn *pc, const struct pgw_fe_msg *m)
{
	switch (m->kind) {
	case PGW_FE_PARSE:
		return on_parse(pc, m);
	case PGW_FE_BIND:
		return on_bind(pc, m);
	case PGW_FE_DESCRIBE:
		return on_describe(pc, m);
	case PGW_FE_EXECUTE:
		return on_execute(pc, m);
	case PGW_FE_CLOSE:
		if (m->u.close.what == 'S') {
			struct pgw_stmt *s = find_stmt(pc, m->u.close.name);
			if (s != NULL)
				stmt_drop(pc, s);
		} else {
			struct pgw_portal *p = find_portal(pc, m->u.close.name);
			if (p != NULL)
				portal_drop(pc, p);
		}
		return pgw_put_simple(&pc->out, '3') ? ALOPEX_ENOMEM : 0;
	case PGW_FE_FLUSH:
		return pgw_flush(pc);
	default:
		return 0;
	}
}
