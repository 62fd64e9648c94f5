/*
 * Expression trees back to SQL text, for what the catalog stores (column
 * defaults, check constraints). Fully parenthesised, so the text parses
 * back into the same tree whatever the precedence rules.
 */
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "sql/sql_ast.h"
#include "sql/sql_bind.h"
#include "sql/sql_value.h"

struct dp {
	struct alx_buf b;
	int bad;
};

static void put(struct dp *d, const char *s)
{
	if (alx_buf_append(&d->b, s, strlen(s)) != 0)
		d->bad = 1;
}

static void put_n(struct dp *d, const char *s, size_t n)
{
	if (alx_buf_append(&d->b, s, n) != 0)
		d->bad = 1;
}

static void put_ident(struct dp *d, const char *s)
{
	put(d, "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			put(d, "\"");
		put_n(d, p, 1);
	}
	put(d, "\"");
}

static void put_str(struct dp *d, const char *s, size_t n)
{
	put(d, "'");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			put(d, "'");
		put_n(d, s + i, 1);
	}
	put(d, "'");
}

static void put_names(struct dp *d, const struct alx_sql_names *n)
{
	for (uint32_t i = 0; i < n->n; i++) {
		if (i > 0)
			put(d, ".");
		put_ident(d, n->v[i].ptr);
	}
}

static void expr(struct dp *d, const struct alx_sql_expr *e);

static void list(struct dp *d, const struct alx_sql_exprs *l)
{
	for (uint32_t i = 0; i < l->n; i++) {
		if (i > 0)
			put(d, ", ");
		expr(d, l->v[i]);
	}
}

static void type_name(struct dp *d, const struct alx_sql_typename *t)
{
	put_names(d, &t->names);
	if (t->nmods > 0) {
		char buf[32];
		put(d, "(");
		for (uint8_t i = 0; i < t->nmods; i++) {
			snprintf(buf, sizeof(buf), "%s%d", i ? ", " : "",
				 (int)t->mods[i]);
			put(d, buf);
		}
		put(d, ")");
	}
	for (uint8_t i = 0; i < t->array_dims; i++)
		put(d, "[]");
}

static const char *test_text(const struct alx_sql_expr *e)
{
	bool n = e->u.test.negated;
	switch (e->u.test.what) {
	case ALX_SQL_TEST_NULL:
		return n ? " IS NOT NULL" : " IS NULL";
	case ALX_SQL_TEST_TRUE:
		return n ? " IS NOT TRUE" : " IS TRUE";
	case ALX_SQL_TEST_FALSE:
		return n ? " IS NOT FALSE" : " IS FALSE";
	default:
		return n ? " IS NOT UNKNOWN" : " IS UNKNOWN";
	}
}

static const char *sqlvalue_text(int kind)
{
	switch (kind) {
	case ALX_SQL_V_CURRENT_DATE:
		return "CURRENT_DATE";
	case ALX_SQL_V_CURRENT_TIME:
		return "CURRENT_TIME";
	case ALX_SQL_V_CURRENT_TIMESTAMP:
		return "CURRENT_TIMESTAMP";
	case ALX_SQL_V_LOCALTIME:
		return "LOCALTIME";
	case ALX_SQL_V_LOCALTIMESTAMP:
		return "LOCALTIMESTAMP";
	case ALX_SQL_V_CURRENT_ROLE:
		return "CURRENT_ROLE";
	case ALX_SQL_V_CURRENT_USER:
		return "CURRENT_USER";
	case ALX_SQL_V_SESSION_USER:
		return "SESSION_USER";
	case ALX_SQL_V_USER:
		return "USER";
	case ALX_SQL_V_CURRENT_CATALOG:
		return "CURRENT_CATALOG";
	default:
		return "CURRENT_SCHEMA";
	}
}

static void expr(struct dp *d, const struct alx_sql_expr *e)
{
	char buf[64];
	switch (e->kind) {
	case ALX_SQL_E_CONST:
		switch (e->u.cnst.kind) {
		case ALX_SQL_C_NULL:
			put(d, "NULL");
			break;
		case ALX_SQL_C_BOOL:
			put(d, e->u.cnst.ival ? "true" : "false");
			break;
		case ALX_SQL_C_INT:
			snprintf(buf, sizeof(buf), "%lld",
				 (long long)e->u.cnst.ival);
			put(d, buf);
			break;
		case ALX_SQL_C_NUMERIC:
			put_n(d, e->u.cnst.str.ptr, e->u.cnst.str.len);
			break;
		case ALX_SQL_C_BITS:
			put(d, "B");
			put_str(d, e->u.cnst.str.ptr, e->u.cnst.str.len);
			break;
		case ALX_SQL_C_HEXBITS:
			put(d, "X");
			put_str(d, e->u.cnst.str.ptr, e->u.cnst.str.len);
			break;
		default:
			put_str(d, e->u.cnst.str.ptr, e->u.cnst.str.len);
			break;
		}
		break;
	case ALX_SQL_E_COLUMN:
		put_names(d, &e->u.column.names);
		if (e->u.column.star)
			put(d, e->u.column.names.n ? ".*" : "*");
		break;
	case ALX_SQL_E_PARAM:
		snprintf(buf, sizeof(buf), "$%u", e->u.param.number);
		put(d, buf);
		break;
	case ALX_SQL_E_OP:
		put(d, "(");
		if (e->u.op.l != NULL) {
			expr(d, e->u.op.l);
			put(d, " ");
		}
		if (e->u.op.schema.ptr != NULL) {
			put(d, "OPERATOR(");
			put_ident(d, e->u.op.schema.ptr);
			put(d, ".");
			put(d, e->u.op.name.ptr);
			put(d, ")");
		} else {
			put(d, e->u.op.name.ptr);
		}
		put(d, " ");
		expr(d, e->u.op.r);
		put(d, ")");
		break;
	case ALX_SQL_E_AND:
	case ALX_SQL_E_OR:
		put(d, "(");
		for (uint32_t i = 0; i < e->u.list.n; i++) {
			if (i > 0)
				put(d, e->kind == ALX_SQL_E_AND ? " AND "
								: " OR ");
			expr(d, e->u.list.v[i]);
		}
		put(d, ")");
		break;
	case ALX_SQL_E_NOT:
		put(d, "(NOT ");
		expr(d, e->u.unary.arg);
		put(d, ")");
		break;
	case ALX_SQL_E_TEST:
		put(d, "(");
		expr(d, e->u.test.arg);
		put(d, test_text(e));
		put(d, ")");
		break;
	case ALX_SQL_E_DISTINCT:
		put(d, "(");
		expr(d, e->u.binary.l);
		put(d, e->u.binary.negated ? " IS NOT DISTINCT FROM "
					   : " IS DISTINCT FROM ");
		expr(d, e->u.binary.r);
		put(d, ")");
		break;
	case ALX_SQL_E_BETWEEN:
		put(d, "(");
		expr(d, e->u.between.arg);
		put(d, e->u.between.negated ? " NOT BETWEEN " : " BETWEEN ");
		if (e->u.between.symmetric)
			put(d, "SYMMETRIC ");
		expr(d, e->u.between.lo);
		put(d, " AND ");
		expr(d, e->u.between.hi);
		put(d, ")");
		break;
	case ALX_SQL_E_IN:
		put(d, "(");
		expr(d, e->u.in.arg);
		put(d, e->u.in.negated ? " NOT IN (" : " IN (");
		list(d, &e->u.in.list);
		put(d, "))");
		break;
	case ALX_SQL_E_LIKE:
		put(d, "(");
		expr(d, e->u.like.arg);
		if (e->u.like.negated)
			put(d, " NOT");
		put(d, e->u.like.kind == ALX_SQL_LIKE	 ? " LIKE "
		       : e->u.like.kind == ALX_SQL_ILIKE ? " ILIKE "
							 : " SIMILAR TO ");
		expr(d, e->u.like.pattern);
		if (e->u.like.escape != NULL) {
			put(d, " ESCAPE ");
			expr(d, e->u.like.escape);
		}
		put(d, ")");
		break;
	case ALX_SQL_E_CASE:
		put(d, "CASE");
		if (e->u.kase.arg != NULL) {
			put(d, " ");
			expr(d, e->u.kase.arg);
		}
		for (uint32_t i = 0; i < e->u.kase.nwhens; i++) {
			put(d, " WHEN ");
			expr(d, e->u.kase.whens[i].cond);
			put(d, " THEN ");
			expr(d, e->u.kase.whens[i].result);
		}
		if (e->u.kase.else_ != NULL) {
			put(d, " ELSE ");
			expr(d, e->u.kase.else_);
		}
		put(d, " END");
		break;
	case ALX_SQL_E_CAST:
		put(d, "CAST(");
		expr(d, e->u.cast.arg);
		put(d, " AS ");
		type_name(d, e->u.cast.type);
		put(d, ")");
		break;
	case ALX_SQL_E_FUNC:
		put_names(d, &e->u.func.name);
		put(d, "(");
		if (e->u.func.star)
			put(d, "*");
		if (e->u.func.distinct)
			put(d, "DISTINCT ");
		list(d, &e->u.func.args);
		put(d, ")");
		if (e->u.func.filter != NULL) {
			put(d, " FILTER (WHERE ");
			expr(d, e->u.func.filter);
			put(d, ")");
		}
		break;
	case ALX_SQL_E_COALESCE:
	case ALX_SQL_E_NULLIF:
	case ALX_SQL_E_GREATEST:
	case ALX_SQL_E_LEAST:
		put(d, e->kind == ALX_SQL_E_COALESCE   ? "COALESCE("
		       : e->kind == ALX_SQL_E_NULLIF   ? "NULLIF("
		       : e->kind == ALX_SQL_E_GREATEST ? "GREATEST("
						       : "LEAST(");
		list(d, &e->u.list);
		put(d, ")");
		break;
	case ALX_SQL_E_SQLVALUE:
		put(d, sqlvalue_text(e->u.sqlvalue.kind));
		if (e->u.sqlvalue.typmod >= 0) {
			snprintf(buf, sizeof(buf), "(%d)",
				 (int)e->u.sqlvalue.typmod);
			put(d, buf);
		}
		break;
	case ALX_SQL_E_VECTOR:
		put_str(d, e->u.vector.text.ptr, e->u.vector.text.len);
		put(d, "::vector");
		break;
	case ALX_SQL_E_COLLATE:
		put(d, "(");
		expr(d, e->u.collate.arg);
		put(d, " COLLATE ");
		put_names(d, &e->u.collate.collation);
		put(d, ")");
		break;
	case ALX_SQL_E_ROW:
		put(d, "ROW(");
		list(d, &e->u.list);
		put(d, ")");
		break;
	case ALX_SQL_E_ARRAY:
		put(d, "ARRAY[");
		list(d, &e->u.list);
		put(d, "]");
		break;
	default:
		/* Subqueries and the rest are refused where text is kept. */
		d->bad = 2;
		break;
	}
}

/* NULL when out of memory or when e holds something not deparsed. */
char *alx_sql_expr_deparse(struct alx_arena *a, const struct alx_sql_expr *e)
{
	struct dp d = {0};
	alx_buf_init(&d.b, a);
	expr(&d, e);
	put_n(&d, "", 1);
	if (d.bad)
		return NULL;
	return (char *)d.b.ptr;
}
