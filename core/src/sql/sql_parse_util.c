/*
 * Utility statements: transactions, SET/SHOW/RESET, EXPLAIN, PREPARE,
 * EXECUTE, DEALLOCATE, DISCARD.
 */
#include "sql/sql_parse.h"

#include <string.h>

static int32_t loc_of(const struct parser *p, uint32_t ti)
{
	return (int32_t)p->toks[ti].start;
}

static void set_str(struct alx_sql_str *s, const char *text)
{
	s->ptr = text;
	s->len = (uint32_t)strlen(text);
}

/* ---- transactions ------------------------------------------------------ */

/* transaction_mode_list: comma or space separated */
static bool txn_modes(struct parser *p, struct alx_sql_txn_modes *m)
{
	m->read_only = -1;
	m->deferrable = -1;
	bool first = true;
	for (;;) {
		if (!first && pp_kind(p) == ',' &&
		    (pp_peek_kw(p, 1) == ALX_KW_ISOLATION ||
		     pp_peek_kw(p, 1) == ALX_KW_READ ||
		     pp_peek_kw(p, 1) == ALX_KW_DEFERRABLE ||
		     pp_peek_kw(p, 1) == ALX_KW_NOT))
			pp_advance(p);
		if (pp_accept_kw(p, ALX_KW_ISOLATION)) {
			if (!pp_expect_kw(p, ALX_KW_LEVEL))
				return false;
			if (pp_accept_kw(p, ALX_KW_SERIALIZABLE)) {
				m->isolation = ALX_SQL_ISO_SERIALIZABLE;
			} else if (pp_accept_kw(p, ALX_KW_REPEATABLE)) {
				if (!pp_expect_kw(p, ALX_KW_READ))
					return false;
				m->isolation = ALX_SQL_ISO_REPEATABLE_READ;
			} else if (pp_expect_kw(p, ALX_KW_READ)) {
				if (pp_accept_kw(p, ALX_KW_COMMITTED))
					m->isolation =
						ALX_SQL_ISO_READ_COMMITTED;
				else if (pp_expect_kw(p, ALX_KW_UNCOMMITTED))
					m->isolation =
						ALX_SQL_ISO_READ_UNCOMMITTED;
				else
					return false;
			} else {
				return false;
			}
		} else if (pp_kw(p) == ALX_KW_READ &&
			   (pp_peek_kw(p, 1) == ALX_KW_ONLY ||
			    pp_peek_kw(p, 1) == ALX_KW_WRITE)) {
			pp_advance(p);
			m->read_only = pp_kw(p) == ALX_KW_ONLY;
			pp_advance(p);
		} else if (pp_accept_kw(p, ALX_KW_DEFERRABLE)) {
			m->deferrable = 1;
		} else if (pp_kw(p) == ALX_KW_NOT &&
			   pp_peek_kw(p, 1) == ALX_KW_DEFERRABLE) {
			pp_advance(p);
			pp_advance(p);
			m->deferrable = 0;
		} else {
			return true;
		}
		first = false;
	}
}

static struct alx_sql_stmt *txn_stmt(struct parser *p, uint32_t ti,
				     struct alx_sql_txn *t)
{
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_TXN, ti);
	if (s != NULL)
		s->u.txn = t;
	return s;
}

static void opt_work(struct parser *p)
{
	if (!pp_accept_kw(p, ALX_KW_WORK))
		pp_accept_kw(p, ALX_KW_TRANSACTION);
}

static bool opt_chain(struct parser *p, struct alx_sql_txn *t)
{
	if (!pp_accept_kw(p, ALX_KW_AND))
		return true;
	if (pp_accept_kw(p, ALX_KW_NO))
		return pp_expect_kw(p, ALX_KW_CHAIN);
	t->chain = true;
	return pp_expect_kw(p, ALX_KW_CHAIN);
}

static struct alx_sql_stmt *transaction(struct parser *p, int kw)
{
	uint32_t ti = p->pos;
	struct alx_sql_txn *t = pp_alloc(p, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->modes.read_only = -1;
	t->modes.deferrable = -1;
	pp_advance(p);
	switch (kw) {
	case ALX_KW_BEGIN:
		t->kind = ALX_SQL_TXN_BEGIN;
		opt_work(p);
		return txn_modes(p, &t->modes) ? txn_stmt(p, ti, t) : NULL;
	case ALX_KW_START:
		t->kind = ALX_SQL_TXN_BEGIN;
		t->start = true;
		if (!pp_expect_kw(p, ALX_KW_TRANSACTION) ||
		    !txn_modes(p, &t->modes))
			return NULL;
		return txn_stmt(p, ti, t);
	case ALX_KW_COMMIT:
	case ALX_KW_END:
		if (kw == ALX_KW_COMMIT && pp_kw(p) == ALX_KW_PREPARED)
			return perr_unsupported(p, ti, "COMMIT PREPARED");
		t->kind = ALX_SQL_TXN_COMMIT;
		opt_work(p);
		return opt_chain(p, t) ? txn_stmt(p, ti, t) : NULL;
	case ALX_KW_ROLLBACK:
	case ALX_KW_ABORT:
		if (kw == ALX_KW_ROLLBACK && pp_kw(p) == ALX_KW_PREPARED)
			return perr_unsupported(p, ti, "ROLLBACK PREPARED");
		t->kind = ALX_SQL_TXN_ROLLBACK;
		opt_work(p);
		if (kw == ALX_KW_ROLLBACK && pp_accept_kw(p, ALX_KW_TO)) {
			t->kind = ALX_SQL_TXN_ROLLBACK_TO;
			pp_accept_kw(p, ALX_KW_SAVEPOINT);
			return pp_colid(p, &t->savepoint) ? txn_stmt(p, ti, t)
							  : NULL;
		}
		return opt_chain(p, t) ? txn_stmt(p, ti, t) : NULL;
	case ALX_KW_SAVEPOINT:
		t->kind = ALX_SQL_TXN_SAVEPOINT;
		return pp_colid(p, &t->savepoint) ? txn_stmt(p, ti, t) : NULL;
	case ALX_KW_RELEASE:
		t->kind = ALX_SQL_TXN_RELEASE;
		pp_accept_kw(p, ALX_KW_SAVEPOINT);
		return pp_colid(p, &t->savepoint) ? txn_stmt(p, ti, t) : NULL;
	default:
		return perr_syntax(p);
	}
}

/* ---- SET / SHOW / RESET ------------------------------------------------ */

/* var_name: ColId { '.' ColId }, joined with dots */
static bool var_name(struct parser *p, struct alx_sql_str *out)
{
	struct alx_sql_str part;
	if (!pp_colid(p, out))
		return false;
	while (pp_kind(p) == '.') {
		pp_advance(p);
		if (!pp_colid(p, &part))
			return false;
		char *s = alx_arena_printf(p->a, "%s.%s", out->ptr, part.ptr);
		if (s == NULL)
			return perr_nomem(p) != NULL;
		set_str(out, s);
	}
	return true;
}

static struct alx_sql_set *new_set(struct parser *p, int kind)
{
	struct alx_sql_set *s = pp_alloc(p, sizeof(*s));
	if (s != NULL) {
		s->kind = (uint8_t)kind;
		s->modes.read_only = -1;
		s->modes.deferrable = -1;
	}
	return s;
}

static struct alx_sql_stmt *set_stmt(struct parser *p, uint32_t ti,
				     struct alx_sql_set *v)
{
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_SET, ti);
	if (s != NULL)
		s->u.set = v;
	return s;
}

static bool one_value(struct parser *p, struct alx_sql_set *s)
{
	struct alx_sql_val *v = pp_alloc(p, sizeof(*v));
	if (v == NULL || !pp_option_value(p, v))
		return false;
	s->values = v;
	s->nvalues = 1;
	return true;
}

/* TIME ZONE value: 'UTC', LOCAL, DEFAULT, a number, INTERVAL '...' */
static bool zone_value(struct parser *p, struct alx_sql_set *s)
{
	if (pp_accept_kw(p, ALX_KW_LOCAL) || pp_accept_kw(p, ALX_KW_DEFAULT)) {
		s->kind = ALX_SQL_SET_DEFAULT;
		return true;
	}
	if (pp_kw(p) == ALX_KW_INTERVAL)
		return perr_unsupported(p, p->pos, "SET TIME ZONE INTERVAL") !=
		       NULL;
	const struct alx_sql_token *t = pp_cur(p);
	if (t->kind == ALX_TOK_IDENT && t->kw != 0 &&
	    alx_sql_keyword_cat(t->kw) != ALX_KWC_U)
		return perr_syntax(p) != NULL;
	return one_value(p, s);
}

static struct alx_sql_stmt *set_command(struct parser *p)
{
	uint32_t ti = p->pos;
	pp_advance(p); /* SET */
	bool local = false;
	int kw = pp_kw(p);
	int next = pp_peek_kw(p, 1);
	if (kw == ALX_KW_SESSION && next == ALX_KW_CHARACTERISTICS) {
		pp_advance(p);
		pp_advance(p);
		struct alx_sql_set *s =
			new_set(p, ALX_SQL_SET_SESSION_DEFAULTS);
		if (s == NULL || !pp_expect_kw(p, ALX_KW_AS) ||
		    !pp_expect_kw(p, ALX_KW_TRANSACTION) ||
		    !txn_modes(p, &s->modes))
			return NULL;
		return set_stmt(p, ti, s);
	}
	if (kw == ALX_KW_LOCAL ||
	    (kw == ALX_KW_SESSION && next != ALX_KW_AUTHORIZATION)) {
		local = kw == ALX_KW_LOCAL;
		pp_advance(p);
		kw = pp_kw(p);
	}
	struct alx_sql_set *s = new_set(p, ALX_SQL_SET_VALUE);
	if (s == NULL)
		return NULL;
	s->local = local;
	if (kw == ALX_KW_TRANSACTION) {
		pp_advance(p);
		s->kind = ALX_SQL_SET_TRANSACTION;
		if (!txn_modes(p, &s->modes))
			return NULL;
		return set_stmt(p, ti, s);
	}
	if (kw == ALX_KW_TIME && pp_peek_kw(p, 1) == ALX_KW_ZONE) {
		pp_advance(p);
		pp_advance(p);
		set_str(&s->name, "timezone");
		return zone_value(p, s) ? set_stmt(p, ti, s) : NULL;
	}
	if (kw == ALX_KW_NAMES || kw == ALX_KW_SCHEMA || kw == ALX_KW_ROLE) {
		pp_advance(p);
		set_str(&s->name, kw == ALX_KW_NAMES	? "client_encoding"
				  : kw == ALX_KW_SCHEMA ? "search_path"
							: "role");
		if (kw == ALX_KW_NAMES && pp_accept_kw(p, ALX_KW_DEFAULT)) {
			s->kind = ALX_SQL_SET_DEFAULT;
			return set_stmt(p, ti, s);
		}
		return one_value(p, s) ? set_stmt(p, ti, s) : NULL;
	}
	if (kw == ALX_KW_SESSION) {
		pp_advance(p); /* SESSION AUTHORIZATION */
		pp_advance(p);
		set_str(&s->name, "session_authorization");
		if (pp_accept_kw(p, ALX_KW_DEFAULT)) {
			s->kind = ALX_SQL_SET_DEFAULT;
			return set_stmt(p, ti, s);
		}
		return one_value(p, s) ? set_stmt(p, ti, s) : NULL;
	}
	if (!var_name(p, &s->name))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_FROM)) {
		if (!pp_expect_kw(p, ALX_KW_CURRENT))
			return NULL;
		s->kind = ALX_SQL_SET_FROM_CURRENT;
		return set_stmt(p, ti, s);
	}
	if (!pp_accept_kw(p, ALX_KW_TO) && !pp_expect(p, '='))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_DEFAULT)) {
		s->kind = ALX_SQL_SET_DEFAULT;
		return set_stmt(p, ti, s);
	}
	struct pvec v = {0};
	do {
		struct alx_sql_val val = {0};
		if (!pp_option_value(p, &val) ||
		    !pvec_push(p, &v, &val, sizeof(val)))
			return NULL;
	} while (pp_accept(p, ','));
	s->values = v.v;
	s->nvalues = v.n;
	return set_stmt(p, ti, s);
}

/* The setting SHOW and RESET name: SQL spellings mapped to settings. */
static bool setting_name(struct parser *p, struct alx_sql_str *out, bool *all)
{
	int kw = pp_kw(p);
	*all = false;
	if (kw == ALX_KW_ALL) {
		pp_advance(p);
		*all = true;
		set_str(out, "all");
		return true;
	}
	if (kw == ALX_KW_TIME && pp_peek_kw(p, 1) == ALX_KW_ZONE) {
		pp_advance(p);
		pp_advance(p);
		set_str(out, "timezone");
		return true;
	}
	if (kw == ALX_KW_TRANSACTION && pp_peek_kw(p, 1) == ALX_KW_ISOLATION) {
		pp_advance(p);
		pp_advance(p);
		set_str(out, "transaction_isolation");
		return pp_expect_kw(p, ALX_KW_LEVEL);
	}
	if (kw == ALX_KW_SESSION && pp_peek_kw(p, 1) == ALX_KW_AUTHORIZATION) {
		pp_advance(p);
		pp_advance(p);
		set_str(out, "session_authorization");
		return true;
	}
	return var_name(p, out);
}

static struct alx_sql_stmt *show_stmt(struct parser *p)
{
	uint32_t ti = p->pos;
	pp_advance(p); /* SHOW */
	struct alx_sql_show *sh = pp_alloc(p, sizeof(*sh));
	bool all;
	if (sh == NULL || !setting_name(p, &sh->name, &all))
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_SHOW, ti);
	if (s != NULL)
		s->u.show = sh;
	return s;
}

static struct alx_sql_stmt *reset_stmt(struct parser *p)
{
	uint32_t ti = p->pos;
	pp_advance(p); /* RESET */
	struct alx_sql_set *s = new_set(p, ALX_SQL_SET_RESET);
	bool all;
	if (s == NULL || !setting_name(p, &s->name, &all))
		return NULL;
	if (all)
		s->kind = ALX_SQL_SET_RESET_ALL;
	return set_stmt(p, ti, s);
}

/* ---- EXPLAIN, PREPARE, EXECUTE, DEALLOCATE, DISCARD -------------------- */

static bool push_flag(struct parser *p, struct pvec *v, uint32_t ti,
		      const char *name)
{
	struct alx_sql_defelem d = {0};
	d.loc = loc_of(p, ti);
	set_str(&d.name, name);
	return pvec_push(p, v, &d, sizeof(d));
}

static struct alx_sql_stmt *explain_stmt(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_explain *x = pp_alloc(p, sizeof(*x));
	if (x == NULL)
		return NULL;
	pp_advance(p); /* EXPLAIN */
	struct pvec v = {0};
	if (pp_kind(p) == '(') {
		/* utility_option_list: name [value] */
		pp_advance(p);
		do {
			struct alx_sql_defelem d = {0};
			d.loc = loc_of(p, p->pos);
			int kw = pp_kw(p);
			if (kw == ALX_KW_ANALYSE || kw == ALX_KW_ANALYZE) {
				pp_advance(p);
				set_str(&d.name, "analyze");
			} else if (!pp_nonreserved(p, &d.name)) {
				return NULL;
			}
			if (pp_kind(p) != ',' && pp_kind(p) != ')' &&
			    !pp_option_value(p, &d.val))
				return NULL;
			if (!pvec_push(p, &v, &d, sizeof(d)))
				return NULL;
		} while (pp_accept(p, ','));
		if (!pp_expect(p, ')'))
			return NULL;
	} else {
		uint32_t at = p->pos;
		if (pp_accept_kw(p, ALX_KW_ANALYZE) ||
		    pp_accept_kw(p, ALX_KW_ANALYSE)) {
			if (!push_flag(p, &v, at, "analyze"))
				return NULL;
		}
		at = p->pos;
		if (pp_accept_kw(p, ALX_KW_VERBOSE) &&
		    !push_flag(p, &v, at, "verbose"))
			return NULL;
	}
	x->options = v.v;
	x->noptions = v.n;
	int kw = pp_kw(p);
	if (kw == ALX_KW_CREATE || kw == ALX_KW_EXECUTE)
		x->stmt = pp_statement(p);
	else
		x->stmt = pp_preparable(p);
	if (x->stmt == NULL)
		return NULL;
	x->stmt->end = p->toks[p->pos - 1].end;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_EXPLAIN, ti);
	if (s != NULL)
		s->u.explain = x;
	return s;
}

static struct alx_sql_stmt *prepare_stmt(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_prepare *x = pp_alloc(p, sizeof(*x));
	if (x == NULL)
		return NULL;
	pp_advance(p); /* PREPARE */
	if (pp_kw(p) == ALX_KW_TRANSACTION)
		return perr_unsupported(p, ti, "PREPARE TRANSACTION");
	if (!pp_colid(p, &x->name))
		return NULL;
	if (pp_accept(p, '(')) {
		struct pvec v = {0};
		do {
			struct alx_sql_typename *t = pp_typename(p);
			if (t == NULL || !pvec_push_ptr(p, &v, t))
				return NULL;
		} while (pp_accept(p, ','));
		if (!pp_expect(p, ')'))
			return NULL;
		x->types = v.v;
		x->ntypes = v.n;
	}
	if (!pp_expect_kw(p, ALX_KW_AS))
		return NULL;
	x->stmt = pp_preparable(p);
	if (x->stmt == NULL)
		return NULL;
	x->stmt->end = p->toks[p->pos - 1].end;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_PREPARE, ti);
	if (s != NULL)
		s->u.prepare = x;
	return s;
}

static struct alx_sql_stmt *execute_stmt(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_execute *x = pp_alloc(p, sizeof(*x));
	if (x == NULL)
		return NULL;
	pp_advance(p); /* EXECUTE */
	if (!pp_colid(p, &x->name))
		return NULL;
	if (pp_accept(p, '(') &&
	    (!pp_expr_list(p, &x->args) || !pp_expect(p, ')')))
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_EXECUTE, ti);
	if (s != NULL)
		s->u.execute = x;
	return s;
}

static struct alx_sql_stmt *deallocate_stmt(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_deallocate *x = pp_alloc(p, sizeof(*x));
	if (x == NULL)
		return NULL;
	pp_advance(p); /* DEALLOCATE */
	pp_accept_kw(p, ALX_KW_PREPARE);
	if (!pp_accept_kw(p, ALX_KW_ALL) && !pp_colid(p, &x->name))
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_DEALLOCATE, ti);
	if (s != NULL)
		s->u.deallocate = x;
	return s;
}

static struct alx_sql_stmt *discard_stmt(struct parser *p)
{
	uint32_t ti = p->pos;
	pp_advance(p); /* DISCARD */
	int what;
	switch (pp_kw(p)) {
	case ALX_KW_ALL:
		what = ALX_SQL_DISCARD_ALL;
		break;
	case ALX_KW_PLANS:
		what = ALX_SQL_DISCARD_PLANS;
		break;
	case ALX_KW_SEQUENCES:
		what = ALX_SQL_DISCARD_SEQUENCES;
		break;
	case ALX_KW_TEMP:
	case ALX_KW_TEMPORARY:
		what = ALX_SQL_DISCARD_TEMP;
		break;
	default:
		return perr_syntax(p);
	}
	pp_advance(p);
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_DISCARD, ti);
	if (s != NULL)
		s->u.discard = (uint8_t)what;
	return s;
}

struct alx_sql_stmt *pp_utility(struct parser *p)
{
	int kw = pp_kw(p);
	switch (kw) {
	case ALX_KW_BEGIN:
	case ALX_KW_START:
	case ALX_KW_COMMIT:
	case ALX_KW_END:
	case ALX_KW_ROLLBACK:
	case ALX_KW_ABORT:
	case ALX_KW_SAVEPOINT:
	case ALX_KW_RELEASE:
		return transaction(p, kw);
	case ALX_KW_SET:
		return set_command(p);
	case ALX_KW_SHOW:
		return show_stmt(p);
	case ALX_KW_RESET:
		return reset_stmt(p);
	case ALX_KW_EXPLAIN:
		return explain_stmt(p);
	case ALX_KW_PREPARE:
		return prepare_stmt(p);
	case ALX_KW_EXECUTE:
		return execute_stmt(p);
	case ALX_KW_DEALLOCATE:
		return deallocate_stmt(p);
	case ALX_KW_DISCARD:
		return discard_stmt(p);
	default:
		return perr_syntax(p);
	}
}
