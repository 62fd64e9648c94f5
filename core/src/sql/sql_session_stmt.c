/*
 * Prepared statements: parse, bind against the session's catalog (again
 * when DDL changed it), describe; portals: parameter conversion, text
 * output, lifecycle.
 */
#include <stdio.h>
#include <string.h>

#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_lex.h"
#include "sql/sql_plan.h"
#include "sql/sql_session_int.h"
#include "sql/sql_syscat.h"
#include "sql/sql_vindex.h"

static int oom(struct alx_session *s)
{
	return alx_diag_set(&s->diag, ALOPEX_ENOMEM, "53200", "out of memory");
}

static uint8_t type_from_oid(uint32_t oid)
{
	for (int id = 0; id < ALX_T_COUNT_; id++) {
		const struct alx_type_info *ti = alx_type_info(id);
		if (ti != NULL && ti->oid == oid)
			return (uint8_t)id;
	}
	return ALX_T_COUNT_;
}

static int make_cols(struct alx_arena *a, uint32_t n, char *const *names,
		     const struct alx_type *types, struct alx_sql_col **out)
{
	struct alx_sql_col *c = alx_arena_calloc(a, n + 1, sizeof(*c));
	if (c == NULL)
		return ALOPEX_ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		c[i].name = names[i] ? names[i] : "?column?";
		c[i].type = types[i];
		const struct alx_type_info *ti = alx_type_info(types[i].id);
		c[i].type_oid = ti ? ti->oid : 25;
		c[i].typlen = ti ? ti->typlen : -1;
		c[i].typmod = alx_syscat_typmod(types[i]);
	}
	*out = c;
	return 0;
}

void alx_bound_unref(struct alx_bound *bd)
{
	if (bd == NULL || atomic_fetch_sub(&bd->refs, 1) != 1)
		return;
	struct alx_runtime *rt = bd->a.rt;
	alx_catalog_unref(bd->cat);
	alx_arena_fini(&bd->a);
	alx_free(rt, bd);
}

/* Which statements are bound (and so have a plan and columns). */
static const struct alx_sql_stmt *bind_target(const struct alx_sql_stmt *st)
{
	if (st == NULL)
		return NULL;
	if (st->kind == ALX_SQL_STMT_EXPLAIN)
		return bind_target(st->u.explain->stmt);
	switch (st->kind) {
	case ALX_SQL_STMT_SELECT:
	case ALX_SQL_STMT_INSERT:
	case ALX_SQL_STMT_UPDATE:
	case ALX_SQL_STMT_DELETE:
		return st;
	default:
		return NULL;
	}
}

static int plan_dml_exprs(struct alx_bind_ctx *b, struct alx_bdml *m)
{
	const struct alx_cat_table *t = m->table;
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < t->ncols; i++) {
		if (m->set)
			rc = alx_plan_expr(b, m->set[i]);
		if (rc == 0 && m->conflict_set)
			rc = alx_plan_expr(b, m->conflict_set[i]);
		if (rc == 0 && m->defaults)
			rc = alx_plan_expr(b, m->defaults[i]);
	}
	for (uint32_t i = 0; rc == 0 && i < m->nreturning; i++)
		rc = alx_plan_expr(b, m->returning[i]);
	if (rc == 0)
		rc = alx_plan_expr(b, m->conflict_where);
	return rc;
}

static int explain_lines(struct alx_bound *bd, const struct alx_sql_stmt *ex,
			 struct alx_session *s)
{
	const struct alx_sql_explain *e = ex->u.explain;
	for (uint32_t i = 0; i < e->noptions; i++) {
		const char *n = e->options[i].name.ptr;
		if (strcmp(n, "analyze") == 0 &&
		    (e->options[i].val.kind == ALX_SQL_VAL_NONE ||
		     strcmp(e->options[i].val.text.ptr, "true") == 0 ||
		     strcmp(e->options[i].val.text.ptr, "on") == 0))
			return alx_session_err(s, "0A000",
					       "EXPLAIN ANALYZE is not "
					       "supported yet");
	}
	char **lines = NULL;
	uint32_t n = 0;
	int rc;
	if (bd->dml != NULL) {
		const char *verb =
			bd->dml->kind == ALX_SQL_STMT_INSERT   ? "Insert"
			: bd->dml->kind == ALX_SQL_STMT_UPDATE ? "Update"
							       : "Delete";
		rc = alx_plan_explain(&bd->a, bd->plan, &lines, &n);
		if (rc != 0)
			return oom(s);
		char **v = alx_arena_calloc(&bd->a, n + 2, sizeof(*v));
		if (v == NULL)
			return oom(s);
		v[0] = alx_arena_printf(&bd->a, "%s on %s", verb,
					bd->dml->table->name);
		for (uint32_t i = 0; i < n; i++)
			v[i + 1] = alx_arena_printf(&bd->a, "  %s%s",
						    i == 0 ? "->  " : "    ",
						    lines[i]);
		lines = v;
		n++;
	} else {
		rc = alx_plan_explain(&bd->a, bd->plan, &lines, &n);
		if (rc != 0)
			return oom(s);
	}
	bd->explain = lines;
	bd->nexplain = n;
	static char *const qp[] = {"QUERY PLAN"};
	struct alx_type t = alx_type_make(ALX_T_TEXT);
	bd->ncols = 1;
	return make_cols(&bd->a, 1, qp, &t, &bd->cols) ? oom(s) : 0;
}

int alx_prep_bind(struct alx_prep *p)
{
	struct alx_session *s = p->s;
	const struct alx_sql_stmt *target = bind_target(p->stmt);
	if (target == NULL) {
		/* The parser takes EXPLAIN EXECUTE and EXPLAIN CREATE TABLE
		 * AS; nothing explains them yet. */
		if (p->stmt != NULL && p->stmt->kind == ALX_SQL_STMT_EXPLAIN)
			return alx_session_err(s, "0A000",
					       "EXPLAIN is only supported for "
					       "SELECT, INSERT, UPDATE and "
					       "DELETE");
		return 0;
	}
	/* The common case, once per execution: nothing changed. */
	if (p->bd != NULL && alx_session_catalog_is(s, p->bd->version))
		return 0;
	struct alx_catalog *cat;
	int rc = alx_session_catalog(s, &cat);
	if (rc != 0)
		return rc;
	if (p->bd != NULL && p->bd->version == cat->version) {
		alx_catalog_unref(cat);
		return 0;
	}
	struct alx_bound *bd = alx_calloc(s->db->rt, 1, sizeof(*bd));
	if (bd == NULL) {
		alx_catalog_unref(cat);
		return oom(s);
	}
	atomic_init(&bd->refs, 1);
	alx_arena_init(&bd->a, s->db->rt, 0);
	bd->cat = cat;
	bd->version = cat->version;
	struct alx_type *types =
		alx_arena_calloc(&bd->a, p->nparams + 1, sizeof(*types));
	if (types == NULL) {
		alx_bound_unref(bd);
		return oom(s);
	}
	memcpy(types, p->param_types, p->nparams * sizeof(*types));
	struct alx_bind_ctx b = {0};
	b.a = &bd->a;
	b.s = s;
	b.cat = cat;
	b.nparams = p->nparams;
	b.param_types = types;
	b.d = &s->diag;
	switch (target->kind) {
	case ALX_SQL_STMT_SELECT:
		rc = alx_bind_select(&b, target->u.select, NULL, &bd->q);
		if (rc == 0)
			rc = alx_plan_query(&b, bd->q, &bd->plan);
		if (rc == 0) {
			bd->ncols = bd->q->ntargets;
			rc = make_cols(&bd->a, bd->ncols, bd->q->names,
				       bd->q->types, &bd->cols);
		}
		break;
	default:
		if (target->kind == ALX_SQL_STMT_INSERT)
			rc = alx_bind_insert(&b, target->u.insert, &bd->dml);
		else if (target->kind == ALX_SQL_STMT_UPDATE)
			rc = alx_bind_update(&b, target->u.update, &bd->dml);
		else
			rc = alx_bind_delete(&b, target->u.delete_, &bd->dml);
		if (rc == 0)
			rc = target->kind == ALX_SQL_STMT_INSERT
				     ? alx_plan_query(&b, bd->dml->source,
						      &bd->plan)
				     : alx_plan_dml_source(&b, bd->dml->source,
							   &bd->plan);
		if (rc == 0)
			rc = plan_dml_exprs(&b, bd->dml);
		if (rc == 0) {
			bd->ncols = bd->dml->nreturning;
			rc = make_cols(&bd->a, bd->ncols, bd->dml->ret_names,
				       bd->dml->ret_types, &bd->cols);
		}
		break;
	}
	if (rc == ALOPEX_ENOMEM && s->diag.code == 0)
		oom(s);
	if (rc != 0 && b.err_pos > 0)
		s->diag.col =
			alx_sql_char_position(p->sql, p->len, b.err_pos - 1);
	if (rc == 0 && p->stmt->kind == ALX_SQL_STMT_EXPLAIN)
		rc = explain_lines(bd, p->stmt, s);
	if (rc != 0) {
		alx_bound_unref(bd);
		return rc;
	}
	alx_bind_finish_params(&b);
	bd->nsubs = b.nsublinks;
	bd->reads_clock = b.volatile_seen;
	/* A statement planned before may not change its result shape. */
	if (p->bd != NULL) {
		bool same = p->bd->ncols == bd->ncols;
		for (uint32_t i = 0; same && i < bd->ncols; i++)
			same = p->bd->cols[i].type.id == bd->cols[i].type.id;
		if (!same) {
			alx_bound_unref(bd);
			return alx_session_err(s, "0A000",
					       "cached plan must not change "
					       "result type");
		}
	}
	memcpy(p->param_types, types, p->nparams * sizeof(*types));
	alx_bound_unref(p->bd);
	p->bd = bd;
	return 0;
}

/*
 * simple: a statement of a simple query, which has no parameters: a $n
 * in it is the binder's 42P02 "there is no parameter $n", as in
 * PostgreSQL, not a Bind's 08P01 for a count no client could supply.
 */
static int prep_init(struct alx_session *s, struct alx_prep *p,
		     const uint32_t *oids, uint32_t n_oids, bool simple)
{
	uint32_t n = p->stmt != NULL && !simple ? p->stmt->max_param : 0;
	if (n_oids > n)
		n = n_oids;
	p->nparams = n;
	p->param_types =
		alx_arena_calloc(&p->a, n + 1, sizeof(*p->param_types));
	p->param_given = alx_arena_calloc(&p->a, n + 1, sizeof(bool));
	if (p->param_types == NULL || p->param_given == NULL)
		return oom(s);
	for (uint32_t i = 0; i < n; i++) {
		p->param_types[i] = alx_type_make(ALX_T_UNKNOWN);
		if (i < n_oids && oids != NULL && oids[i] != 0) {
			uint8_t id = type_from_oid(oids[i]);
			if (id == ALX_T_COUNT_)
				return alx_session_err(s, "42704",
						       "type with OID %u does "
						       "not exist",
						       oids[i]);
			p->param_types[i] = alx_type_make(id);
			p->param_given[i] = true;
		}
	}
	return alx_prep_bind(p);
}

int alx_session_prepare(struct alx_session *s, const char *sql, size_t len,
			const uint32_t *param_oids, uint32_t n_oids,
			struct alx_prep **out)
{
	alx_diag_clear(&s->diag);
	struct alx_prep *p = alx_calloc(s->db->rt, 1, sizeof(*p));
	if (p == NULL)
		return oom(s);
	p->s = s;
	alx_arena_init(&p->a, s->db->rt, 0);
	char *copy = alx_arena_strndup(&p->a, sql, len);
	int rc;
	if (copy == NULL) {
		rc = oom(s);
		goto fail;
	}
	p->sql = copy;
	p->len = len;
	struct alx_sql_stmt_list l;
	struct alx_sql_error err;
	rc = alx_sql_parse(&p->a, copy, len, NULL, &l, &err, &s->diag);
	if (rc != 0)
		goto fail;
	if (l.n > 1) {
		rc = alx_session_err(s, "42601",
				     "cannot insert multiple commands into a "
				     "prepared statement");
		goto fail;
	}
	p->stmt = l.n ? l.v[0] : NULL;
	rc = prep_init(s, p, param_oids, n_oids, false);
	if (rc != 0)
		goto fail;
	*out = p;
	return 0;
fail:
	alx_prep_destroy(p);
	return rc;
}

int alx_session_prep_stmt(struct alx_session *s, const char *sql,
			  const struct alx_sql_stmt *st, struct alx_prep **out)
{
	struct alx_prep *p = alx_calloc(s->db->rt, 1, sizeof(*p));
	if (p == NULL)
		return oom(s);
	p->s = s;
	alx_arena_init(&p->a, s->db->rt, 0);
	p->sql = sql;
	p->len = strlen(sql);
	p->stmt = st;
	int rc = prep_init(s, p, NULL, 0, true);
	if (rc != 0) {
		alx_prep_destroy(p);
		return rc;
	}
	*out = p;
	return 0;
}

void alx_prep_destroy(struct alx_prep *p)
{
	if (p == NULL)
		return;
	struct alx_runtime *rt = p->s->db->rt;
	alx_bound_unref(p->bd);
	alx_arena_fini(&p->a);
	alx_free(rt, p);
}

int alx_prep_describe(struct alx_prep *p, uint32_t *nparams,
		      const struct alx_type **param_types, uint32_t *ncols,
		      const struct alx_sql_col **cols)
{
	/* No statement, no session to put a message in: just the code. */
	if (p == NULL)
		return ALOPEX_EINVAL;
	alx_diag_clear(&p->s->diag);
	int rc = alx_prep_bind(p);
	if (rc != 0)
		return rc;
	const struct alx_sql_stmt *st = p->stmt;
	/* Out-params only once nothing can fail (SHOW may). */
	uint32_t nc = 0;
	const struct alx_sql_col *c = NULL;
	if (p->bd != NULL) {
		nc = p->bd->ncols;
		c = p->bd->cols;
	} else if (st != NULL && st->kind == ALX_SQL_STMT_SHOW) {
		/* one text column named as the setting is */
		const char *col, *val;
		rc = alx_session_show(p->s, st->u.show->name.ptr, &col, &val);
		if (rc != 0)
			return rc;
		struct alx_type t = alx_type_make(ALX_T_TEXT);
		char *names[1] = {alx_arena_strdup(&p->a, col)};
		struct alx_sql_col *sc = NULL;
		if (names[0] == NULL ||
		    make_cols(&p->a, 1, names, &t, &sc) != 0)
			return oom(p->s);
		nc = 1;
		c = sc;
	}
	*nparams = p->nparams;
	*param_types = p->param_types;
	*ncols = nc;
	*cols = c;
	return 0;
}

bool alx_prep_returns_rows(struct alx_prep *p)
{
	if (p == NULL)
		return false;
	const struct alx_sql_stmt *st = p->stmt;
	if (st == NULL)
		return false;
	switch (st->kind) {
	case ALX_SQL_STMT_SELECT:
	case ALX_SQL_STMT_SHOW:
	case ALX_SQL_STMT_EXPLAIN:
		return true;
	case ALX_SQL_STMT_INSERT:
		return st->u.insert->nreturning > 0;
	case ALX_SQL_STMT_UPDATE:
		return st->u.update->nreturning > 0;
	case ALX_SQL_STMT_DELETE:
		return st->u.delete_->nreturning > 0;
	default:
		return false;
	}
}

/* ---- parameters -------------------------------------------------------------------- */

static int convert_any(struct alx_session *s, struct alx_arena *a,
		       const struct alx_param *in, struct alx_type t,
		       struct alx_value *out)
{
	struct alx_value v;
	switch (in->kind) {
	case ALX_PARAM_NULL:
		*out = alx_value_null(t.id);
		return 0;
	case ALX_PARAM_TEXT: {
		int rc = alx_value_in(a, t, in->ptr ? in->ptr : "", in->len,
				      &s->fmt, out, &s->diag);
		/* The input may point at the caller's buffer: the string
		 * types and JSON are copied into the arena by alx_value_in
		 * already, JSONB and BYTEA may not be. */
		if (rc == 0 && !out->null &&
		    (t.id == ALX_T_JSONB || t.id == ALX_T_BYTEA)) {
			struct alx_value c;
			if (alx_value_copy(a, out, &c) != 0)
				return oom(s);
			*out = c;
		}
		return rc;
	}
	case ALX_PARAM_INT64:
		v = alx_value_int(ALX_T_INT8, in->i);
		break;
	case ALX_PARAM_DOUBLE:
		v = alx_value_float(ALX_T_FLOAT8, in->f);
		break;
	case ALX_PARAM_BLOB: {
		void *p = alx_arena_memdup(a, in->ptr ? in->ptr : "",
					   in->len ? in->len : 1);
		if (p == NULL)
			return oom(s);
		v = alx_value_bytes(ALX_T_BYTEA, p, in->len);
		break;
	}
	case ALX_PARAM_VECTOR: {
		float *f = alx_arena_alloc(a, (in->len + 1) * sizeof(float));
		if (f == NULL)
			return oom(s);
		if (in->len > 0)
			memcpy(f, in->ptr, in->len * sizeof(float));
		v.type = ALX_T_VECTOR;
		v.null = false;
		v.u.vec.ptr = f;
		v.u.vec.dim = (uint32_t)in->len;
		break;
	}
	default:
		v = in->v;
		break;
	}
	if (v.type == t.id && t.mod < 0) {
		*out = v;
		return 0;
	}
	if ((t.id == ALX_T_TEXT || t.id == ALX_T_VARCHAR) &&
	    v.type == ALX_T_BYTEA) {
		*out = alx_value_bytes(t.id, v.u.s.ptr, v.u.s.len);
		return alx_utf8_check(v.u.s.ptr, v.u.s.len, &s->diag);
	}
	if (alx_cast_context(v.type, t.id) == ALX_CAST_NONE) {
		char b1[64], b2[64];
		return alx_session_err(
			s, "42804",
			"cannot use a %s value for a parameter of type %s",
			alx_type_sqlname(alx_type_make(v.type), b1, sizeof(b1)),
			alx_type_sqlname(t, b2, sizeof(b2)));
	}
	return alx_value_cast(a, &v, t, false, &s->fmt, out, &s->diag);
}

/*
 * A parameter as the statement's type: a bulk load's plain cases (an
 * integer for bigint, text for a string type) inline, without
 * convert_any's frame; the rest there.
 */
static inline int convert_param(struct alx_session *s, struct alx_arena *a,
				const struct alx_param *in, struct alx_type t,
				struct alx_value *out)
{
	if (in->kind == ALX_PARAM_INT64 && t.id == ALX_T_INT8 && t.mod < 0) {
		*out = alx_value_int(ALX_T_INT8, in->i);
		return 0;
	}
	if (in->kind == ALX_PARAM_TEXT &&
	    (t.id == ALX_T_TEXT || (t.id == ALX_T_VARCHAR && t.mod < 0))) {
		/* alx_value_in's string input without its dispatch:
		 * checked, copied NUL-terminated. */
		const uint8_t *src = in->ptr ? in->ptr : (const void *)"";
		int rc = alx_utf8_check(src, in->len, &s->diag);
		if (rc != 0)
			return rc;
		char *q = alx_arena_alloc(a, in->len + 1);
		if (q == NULL)
			return oom(s);
		if (in->len > 0)
			memcpy(q, src, in->len);
		q[in->len] = '\0';
		*out = alx_value_bytes(t.id, q, in->len);
		return 0;
	}
	return convert_any(s, a, in, t, out);
}

/* ---- portals ------------------------------------------------------------------------ */

/* Room for n converted parameters, reusing the last run's array. */
static struct alx_value *portal_params(struct alx_portal *pt, uint32_t n)
{
	/* none (a simple query's statement): no allocation of its own */
	if (n == 0)
		return alx_arena_calloc(&pt->a, 1, sizeof(struct alx_value));
	if (pt->pcap < n + 1) {
		struct alx_runtime *rt = pt->s->db->rt;
		struct alx_value *v = alx_calloc(rt, n + 1, sizeof(*v));
		if (v == NULL)
			return NULL;
		alx_free(rt, pt->pbuf);
		pt->pbuf = v;
		pt->pcap = n + 1;
	}
	return pt->pbuf;
}

int alx_portal_create(struct alx_prep *p, const struct alx_param *params,
		      uint32_t nparams, struct alx_portal **out)
{
	struct alx_session *s = p->s;
	alx_session_diag_reset(s);
	if (nparams != p->nparams)
		return alx_session_err(s, "08P01",
				       "bind message supplies %u parameters, "
				       "but prepared statement requires %u",
				       nparams, p->nparams);
	struct alx_portal *pt = alx_calloc(s->db->rt, 1, sizeof(*pt));
	if (pt == NULL)
		return oom(s);
	pt->s = s;
	pt->prep = p;
	alx_arena_init(&pt->a, s->db->rt, 0);
	alx_arena_init(&pt->texta, s->db->rt, 0);
	alx_arena_init(&pt->na, s->db->rt, 0);
	pt->next = s->portals;
	s->portals = pt;
	p->nportals++;
	int rc = 0;
	pt->nparams = nparams;
	pt->params = portal_params(pt, nparams);
	if (pt->params == NULL)
		rc = oom(s);
	for (uint32_t i = 0; rc == 0 && i < nparams; i++)
		rc = convert_param(s, &pt->a, &params[i], p->param_types[i],
				   &pt->params[i]);
	if (rc != 0) {
		alx_portal_destroy(pt);
		return rc;
	}
	/* Describe works before the first Execute. */
	if (p->bd != NULL) {
		pt->bd = p->bd;
		atomic_fetch_add(&pt->bd->refs, 1);
		pt->ncols = pt->bd->ncols;
		pt->cols = pt->bd->cols;
	}
	*out = pt;
	return 0;
}

const char *alx_portal_tag(const struct alx_portal *pt)
{
	return pt->tag;
}

uint64_t alx_portal_rows(const struct alx_portal *pt)
{
	return pt->count;
}

uint32_t alx_portal_ncols(const struct alx_portal *pt)
{
	return pt->inner ? alx_portal_ncols(pt->inner) : pt->ncols;
}

const struct alx_sql_col *alx_portal_cols(const struct alx_portal *pt)
{
	return pt->inner ? alx_portal_cols(pt->inner) : pt->cols;
}

const char *alx_portal_text(struct alx_portal *pt, const struct alx_value *v,
			    size_t *len)
{
	if (v->null) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	const char *out = NULL;
	size_t n = 0;
	if (alx_value_out(&pt->texta, v, &pt->s->fmt, &out, &n, NULL) != 0)
		return NULL;
	if (len != NULL)
		*len = n;
	return out;
}

static void close_exec(struct alx_portal *pt)
{
	alx_node_close(pt->root);
	pt->root = NULL;
	alx_exec_finish(&pt->ex);
	if (pt->own_txn != NULL && pt->count > 0 &&
	    !alx_kv_txn_wrote(pt->own_txn)) {
		/* rows went out (a portal suspended, then closed): commit,
		 * which waits until what they showed is durable */
		alopex_diag d;
		alx_diag_clear(&d);
		alx_kv_txn_commit(pt->own_txn, NULL, &d);
		pt->own_txn = NULL;
	}
	if (pt->own_txn != NULL) {
		alx_kv_txn_rollback(pt->own_txn);
		pt->own_txn = NULL;
	}
	pt->on_session_txn = false;
}

void alx_portal_destroy(struct alx_portal *pt)
{
	if (pt == NULL)
		return;
	struct alx_session *s = pt->s;
	if (pt->inner != NULL) {
		alx_portal_destroy(pt->inner);
		pt->inner = NULL;
	}
	close_exec(pt);
	alx_copy_free(pt);
	for (struct alx_portal **pp = &s->portals; *pp != NULL;
	     pp = &(*pp)->next) {
		if (*pp == pt) {
			*pp = pt->next;
			break;
		}
	}
	if (pt->prep != NULL)
		pt->prep->nportals--;
	if (s->cur_ex == &pt->ex)
		s->cur_ex = NULL;
	alx_portal_drop_tree(pt);
	alx_bound_unref(pt->bd);
	alx_arena_fini(&pt->a);
	alx_arena_fini(&pt->texta);
	alx_arena_fini(&pt->na);
	alx_free(s->db->rt, pt->pbuf);
	alx_free(s->db->rt, pt);
}

void alx_portal_drop_tree(struct alx_portal *pt)
{
	alx_node_close(pt->kept);
	pt->kept = NULL;
	pt->kept_plan = NULL;
}

bool alx_portal_recycle(struct alx_portal *pt)
{
	const struct alx_sql_stmt *st = pt->prep ? pt->prep->stmt : NULL;
	if (st == NULL || pt->inner != NULL || pt->copy != NULL ||
	    pt->own_cols != NULL ||
	    (st->kind != ALX_SQL_STMT_SELECT &&
	     st->kind != ALX_SQL_STMT_INSERT &&
	     st->kind != ALX_SQL_STMT_UPDATE &&
	     st->kind != ALX_SQL_STMT_DELETE))
		return false;
	close_exec(pt);
	alx_arena_reset(&pt->a);
	alx_arena_reset(&pt->texta);
	pt->params = NULL;
	pt->nparams = 0;
	pt->rows = NULL;
	pt->nrows = pt->caprows = pt->pos = 0;
	pt->count = 0;
	pt->tag[0] = '\0';
	pt->state = ALX_PT_DONE;
	return true;
}

int alx_portal_rebind(struct alx_portal *pt, const struct alx_param *params,
		      uint32_t nparams)
{
	struct alx_session *s = pt->s;
	struct alx_prep *p = pt->prep;
	alx_session_diag_reset(s);
	if (nparams != p->nparams)
		return alx_session_err(s, "08P01",
				       "bind message supplies %u parameters, "
				       "but prepared statement requires %u",
				       nparams, p->nparams);
	alx_arena_reset(&pt->a);
	pt->nparams = nparams;
	pt->params = portal_params(pt, nparams);
	if (pt->params == NULL)
		return oom(s);
	for (uint32_t i = 0; i < nparams; i++) {
		int rc = convert_param(s, &pt->a, &params[i], p->param_types[i],
				       &pt->params[i]);
		if (rc != 0)
			return rc;
	}
	if (p->bd != NULL && pt->bd != p->bd) {
		alx_portal_drop_tree(pt);
		alx_bound_unref(pt->bd);
		pt->bd = p->bd;
		atomic_fetch_add(&pt->bd->refs, 1);
	}
	if (pt->bd != NULL) {
		pt->ncols = pt->bd->ncols;
		pt->cols = pt->bd->cols;
	}
	pt->state = ALX_PT_NEW;
	return 0;
}

void alx_session_close_portals(struct alx_session *s)
{
	for (struct alx_portal *pt = s->portals; pt != NULL; pt = pt->next) {
		if (!pt->on_session_txn)
			continue;
		close_exec(pt);
		if (pt->state == ALX_PT_STREAM)
			pt->state = ALX_PT_FAILED;
	}
}

bool alx_prep_is_point_write(const struct alx_prep *p)
{
	const struct alx_bound *bd = p->bd;
	if (p->stmt == NULL || bd == NULL || bd->dml == NULL ||
	    bd->plan == NULL)
		return false;
	int k = p->stmt->kind;
	/* a vector index's insert is long work, and takes its tokens */
	return (k == ALX_SQL_STMT_INSERT || k == ALX_SQL_STMT_UPDATE ||
		k == ALX_SQL_STMT_DELETE) &&
	       !alx_vsql_table_has(bd->dml->table) &&
	       alx_plan_is_point_write(bd->dml, bd->plan);
}

bool alx_bound_is_point_read(struct alx_bound *bd)
{
	if (bd->point_read == 0)
		bd->point_read =
			bd->dml == NULL && bd->plan != NULL &&
					alx_plan_is_point_read(bd->plan)
				? 1
				: 2;
	return bd->point_read == 1;
}

bool alx_prep_is_point_read(const struct alx_prep *p)
{
	return p->stmt != NULL && p->stmt->kind == ALX_SQL_STMT_SELECT &&
	       p->bd != NULL && alx_bound_is_point_read(p->bd);
}
