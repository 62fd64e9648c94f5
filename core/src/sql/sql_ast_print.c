/*
 * A deterministic S-expression printer for the syntax tree. Tests compare
 * its output, so every field that matters to the binder shows up, and
 * operator nesting is explicit: 1 + 2 * 3 prints as (+ 1 (* 2 3)).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/alx_arena.h"
#include "sql/sql_ast.h"

struct pbuf {
	struct alx_arena *a;
	char *s;
	size_t n, cap;
	bool oom;
};

static void put(struct pbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *ns = alx_arena_alloc(b->a, cap);
		if (ns == NULL) {
			b->oom = true;
			return;
		}
		if (b->n)
			memcpy(ns, b->s, b->n);
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void puts_(struct pbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void putf(struct pbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void putf(struct pbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(b, tmp,
		    (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Names print bare when they are plain lower-case words, else quoted. */
static void name(struct pbuf *b, struct alx_sql_str s)
{
	bool plain = s.len > 0;
	for (uint32_t i = 0; i < s.len && plain; i++) {
		char c = s.ptr[i];
		plain = (c >= 'a' && c <= 'z') || c == '_' ||
			(i > 0 && ((c >= '0' && c <= '9') || c == '$'));
	}
	if (plain) {
		put(b, s.ptr, s.len);
		return;
	}
	put(b, "\"", 1);
	for (uint32_t i = 0; i < s.len; i++) {
		if (s.ptr[i] == '"')
			put(b, "\"", 1);
		put(b, s.ptr + i, 1);
	}
	put(b, "\"", 1);
}

static void names(struct pbuf *b, struct alx_sql_names n)
{
	for (uint32_t i = 0; i < n.n; i++) {
		if (i)
			put(b, ".", 1);
		name(b, n.v[i]);
	}
}

static void name_list(struct pbuf *b, const struct alx_sql_str *v, uint32_t n)
{
	put(b, "(", 1);
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			put(b, " ", 1);
		name(b, v[i]);
	}
	put(b, ")", 1);
}

static void quoted(struct pbuf *b, struct alx_sql_str s)
{
	put(b, "'", 1);
	for (uint32_t i = 0; i < s.len; i++) {
		if (s.ptr[i] == '\'')
			put(b, "'", 1);
		put(b, s.ptr + i, 1);
	}
	put(b, "'", 1);
}

static void type(struct pbuf *b, const struct alx_sql_typename *t)
{
	names(b, t->names);
	if (t->interval_fields) {
		static const char *const f[] = {"year", "month",  "day",
						"hour", "minute", "second"};
		put(b, "{", 1);
		bool first = true;
		for (int i = 0; i < 6; i++) {
			if (t->interval_fields & (1 << i)) {
				if (!first)
					put(b, ",", 1);
				puts_(b, f[i]);
				first = false;
			}
		}
		put(b, "}", 1);
	}
	if (t->nmods) {
		put(b, "(", 1);
		for (uint8_t i = 0; i < t->nmods; i++)
			putf(b, "%s%d", i ? "," : "", t->mods[i]);
		put(b, ")", 1);
	}
	for (uint8_t i = 0; i < t->array_dims; i++)
		puts_(b, "[]");
}

static void expr(struct pbuf *b, const struct alx_sql_expr *e);
static void select_(struct pbuf *b, const struct alx_sql_select *q);
static void stmt(struct pbuf *b, const struct alx_sql_stmt *s);

static void exprs(struct pbuf *b, struct alx_sql_exprs l)
{
	for (uint32_t i = 0; i < l.n; i++) {
		put(b, " ", 1);
		expr(b, l.v[i]);
	}
}

static void sortby(struct pbuf *b, const struct alx_sql_sortby *s)
{
	if (s->dir == ALX_SQL_SORT_DEFAULT && s->nulls == 0 &&
	    s->using_op.len == 0) {
		expr(b, s->expr);
		return;
	}
	puts_(b, "(SORT ");
	expr(b, s->expr);
	if (s->dir == ALX_SQL_SORT_ASC)
		puts_(b, " ASC");
	else if (s->dir == ALX_SQL_SORT_DESC)
		puts_(b, " DESC");
	if (s->using_op.len) {
		puts_(b, " USING ");
		put(b, s->using_op.ptr, s->using_op.len);
	}
	if (s->nulls == ALX_SQL_NULLS_FIRST)
		puts_(b, " NULLS-FIRST");
	else if (s->nulls == ALX_SQL_NULLS_LAST)
		puts_(b, " NULLS-LAST");
	put(b, ")", 1);
}

static void sort_list(struct pbuf *b, const struct alx_sql_sortby *v,
		      uint32_t n)
{
	puts_(b, "(ORDER-BY");
	for (uint32_t i = 0; i < n; i++) {
		put(b, " ", 1);
		sortby(b, &v[i]);
	}
	put(b, ")", 1);
}

static const char *const sqlvalue_names[] = {
	"?",
	"CURRENT_DATE",
	"CURRENT_TIME",
	"CURRENT_TIMESTAMP",
	"LOCALTIME",
	"LOCALTIMESTAMP",
	"CURRENT_ROLE",
	"CURRENT_USER",
	"SESSION_USER",
	"USER",
	"CURRENT_CATALOG",
	"CURRENT_SCHEMA",
};

static void op_name(struct pbuf *b, struct alx_sql_str schema,
		    struct alx_sql_str n)
{
	if (schema.len) {
		puts_(b, "OPERATOR(");
		name(b, schema);
		put(b, ".", 1);
		put(b, n.ptr, n.len);
		put(b, ")", 1);
	} else {
		put(b, n.ptr, n.len);
	}
}

static void expr(struct pbuf *b, const struct alx_sql_expr *e)
{
	static const char *const tests[] = {"?", "NULL", "TRUE", "FALSE",
					    "UNKNOWN"};
	static const char *const likes[] = {"?", "LIKE", "ILIKE", "SIMILAR-TO"};
	if (e == NULL) {
		put(b, "_", 1);
		return;
	}
	switch (e->kind) {
	case ALX_SQL_E_CONST:
		switch (e->u.cnst.kind) {
		case ALX_SQL_C_NULL:
			puts_(b, "NULL");
			break;
		case ALX_SQL_C_BOOL:
			puts_(b, e->u.cnst.ival ? "TRUE" : "FALSE");
			break;
		case ALX_SQL_C_INT:
			putf(b, "%lld", (long long)e->u.cnst.ival);
			break;
		case ALX_SQL_C_NUMERIC:
			puts_(b, "#");
			put(b, e->u.cnst.str.ptr, e->u.cnst.str.len);
			break;
		case ALX_SQL_C_STRING:
			quoted(b, e->u.cnst.str);
			break;
		case ALX_SQL_C_BITS:
			put(b, "B", 1);
			quoted(b, e->u.cnst.str);
			break;
		default:
			put(b, "X", 1);
			quoted(b, e->u.cnst.str);
			break;
		}
		return;
	case ALX_SQL_E_COLUMN:
		names(b, e->u.column.names);
		if (e->u.column.star)
			puts_(b, e->u.column.names.n ? ".*" : "*");
		return;
	case ALX_SQL_E_PARAM:
		putf(b, "$%u", e->u.param.number);
		return;
	case ALX_SQL_E_OP:
		put(b, "(", 1);
		op_name(b, e->u.op.schema, e->u.op.name);
		if (e->u.op.l != NULL) {
			put(b, " ", 1);
			expr(b, e->u.op.l);
		}
		put(b, " ", 1);
		expr(b, e->u.op.r);
		put(b, ")", 1);
		return;
	case ALX_SQL_E_AND:
	case ALX_SQL_E_OR:
	case ALX_SQL_E_COALESCE:
	case ALX_SQL_E_NULLIF:
	case ALX_SQL_E_GREATEST:
	case ALX_SQL_E_LEAST:
	case ALX_SQL_E_ARRAY:
	case ALX_SQL_E_ROW: {
		static const char *const lnames[] = {
			[ALX_SQL_E_AND] = "AND",
			[ALX_SQL_E_OR] = "OR",
			[ALX_SQL_E_COALESCE] = "COALESCE",
			[ALX_SQL_E_NULLIF] = "NULLIF",
			[ALX_SQL_E_GREATEST] = "GREATEST",
			[ALX_SQL_E_LEAST] = "LEAST",
			[ALX_SQL_E_ARRAY] = "ARRAY",
			[ALX_SQL_E_ROW] = "ROW",
		};
		put(b, "(", 1);
		puts_(b, lnames[e->kind]);
		exprs(b, e->u.list);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_E_NOT:
		puts_(b, "(NOT ");
		expr(b, e->u.unary.arg);
		put(b, ")", 1);
		return;
	case ALX_SQL_E_TEST:
		putf(b, "(IS-%s%s ", e->u.test.negated ? "NOT-" : "",
		     tests[e->u.test.what < 5 ? e->u.test.what : 0]);
		expr(b, e->u.test.arg);
		put(b, ")", 1);
		return;
	case ALX_SQL_E_DISTINCT:
		putf(b, "(IS-%sDISTINCT-FROM ",
		     e->u.binary.negated ? "NOT-" : "");
		expr(b, e->u.binary.l);
		put(b, " ", 1);
		expr(b, e->u.binary.r);
		put(b, ")", 1);
		return;
	case ALX_SQL_E_BETWEEN:
		putf(b, "(%sBETWEEN%s ", e->u.between.negated ? "NOT-" : "",
		     e->u.between.symmetric ? "-SYMMETRIC" : "");
		expr(b, e->u.between.arg);
		put(b, " ", 1);
		expr(b, e->u.between.lo);
		put(b, " ", 1);
		expr(b, e->u.between.hi);
		put(b, ")", 1);
		return;
	case ALX_SQL_E_IN:
		putf(b, "(%sIN ", e->u.in.negated ? "NOT-" : "");
		expr(b, e->u.in.arg);
		exprs(b, e->u.in.list);
		put(b, ")", 1);
		return;
	case ALX_SQL_E_LIKE:
		putf(b, "(%s%s ", e->u.like.negated ? "NOT-" : "",
		     likes[e->u.like.kind < 4 ? e->u.like.kind : 0]);
		expr(b, e->u.like.arg);
		put(b, " ", 1);
		expr(b, e->u.like.pattern);
		if (e->u.like.escape != NULL) {
			puts_(b, " (ESCAPE ");
			expr(b, e->u.like.escape);
			put(b, ")", 1);
		}
		put(b, ")", 1);
		return;
	case ALX_SQL_E_SUBLINK: {
		int k = e->u.sublink.kind;
		put(b, "(", 1);
		if (k == ALX_SQL_SUB_EXISTS) {
			puts_(b, "EXISTS ");
		} else if (k == ALX_SQL_SUB_EXPR) {
			puts_(b, "SUBQUERY ");
		} else if (k == ALX_SQL_SUB_ARRAY) {
			puts_(b, "ARRAY ");
		} else if (k == ALX_SQL_SUB_IN) {
			puts_(b, e->u.sublink.negated ? "NOT-IN " : "IN ");
			expr(b, e->u.sublink.test);
			put(b, " ", 1);
		} else {
			puts_(b, k == ALX_SQL_SUB_ALL ? "ALL " : "ANY ");
			put(b, e->u.sublink.op_name.ptr,
			    e->u.sublink.op_name.len);
			put(b, " ", 1);
			expr(b, e->u.sublink.test);
			put(b, " ", 1);
		}
		select_(b, e->u.sublink.query);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_E_ARRAY_CMP:
		puts_(b, e->u.array_cmp.all ? "(ALL " : "(ANY ");
		put(b, e->u.array_cmp.op_name.ptr, e->u.array_cmp.op_name.len);
		put(b, " ", 1);
		expr(b, e->u.array_cmp.l);
		put(b, " ", 1);
		expr(b, e->u.array_cmp.r);
		put(b, ")", 1);
		return;
	case ALX_SQL_E_CASE:
		puts_(b, "(CASE");
		if (e->u.kase.arg != NULL) {
			put(b, " ", 1);
			expr(b, e->u.kase.arg);
		}
		for (uint32_t i = 0; i < e->u.kase.nwhens; i++) {
			puts_(b, " (WHEN ");
			expr(b, e->u.kase.whens[i].cond);
			put(b, " ", 1);
			expr(b, e->u.kase.whens[i].result);
			put(b, ")", 1);
		}
		if (e->u.kase.else_ != NULL) {
			puts_(b, " (ELSE ");
			expr(b, e->u.kase.else_);
			put(b, ")", 1);
		}
		put(b, ")", 1);
		return;
	case ALX_SQL_E_CAST:
		if (e->u.cast.form == ALX_SQL_CAST_PREFIX) {
			puts_(b, "(TYPED ");
			type(b, e->u.cast.type);
			put(b, " ", 1);
			expr(b, e->u.cast.arg);
		} else {
			puts_(b, e->u.cast.form == ALX_SQL_CAST_OP ? "(:: "
								   : "(CAST ");
			expr(b, e->u.cast.arg);
			put(b, " ", 1);
			type(b, e->u.cast.type);
		}
		put(b, ")", 1);
		return;
	case ALX_SQL_E_FUNC:
		put(b, "(", 1);
		if (e->u.func.form == ALX_SQL_FUNC_SQL_SYNTAX)
			puts_(b, "sql:");
		names(b, e->u.func.name);
		if (e->u.func.star)
			puts_(b, " *");
		if (e->u.func.distinct)
			puts_(b, " DISTINCT");
		for (uint32_t i = 0; i < e->u.func.args.n; i++) {
			put(b, " ", 1);
			if (e->u.func.variadic && i + 1 == e->u.func.args.n)
				puts_(b, "VARIADIC ");
			if (e->u.func.arg_names != NULL &&
			    e->u.func.arg_names[i].len) {
				puts_(b, "(=> ");
				name(b, e->u.func.arg_names[i]);
				put(b, " ", 1);
				expr(b, e->u.func.args.v[i]);
				put(b, ")", 1);
			} else {
				expr(b, e->u.func.args.v[i]);
			}
		}
		if (e->u.func.norder) {
			put(b, " ", 1);
			sort_list(b, e->u.func.order_by, e->u.func.norder);
		}
		if (e->u.func.filter != NULL) {
			puts_(b, " (FILTER ");
			expr(b, e->u.func.filter);
			put(b, ")", 1);
		}
		put(b, ")", 1);
		return;
	case ALX_SQL_E_SQLVALUE:
		puts_(b, sqlvalue_names[e->u.sqlvalue.kind < 12
						? e->u.sqlvalue.kind
						: 0]);
		if (e->u.sqlvalue.typmod >= 0)
			putf(b, "(%d)", e->u.sqlvalue.typmod);
		return;
	case ALX_SQL_E_SUBSCRIPT:
		puts_(b, e->u.subscript.slice ? "([:] " : "([] ");
		expr(b, e->u.subscript.base);
		put(b, " ", 1);
		expr(b, e->u.subscript.lo);
		if (e->u.subscript.slice) {
			put(b, " ", 1);
			expr(b, e->u.subscript.hi);
		}
		put(b, ")", 1);
		return;
	case ALX_SQL_E_VECTOR:
		puts_(b, "(VECTOR ");
		put(b, e->u.vector.text.ptr, e->u.vector.text.len);
		put(b, ")", 1);
		return;
	case ALX_SQL_E_COLLATE:
		puts_(b, "(COLLATE ");
		expr(b, e->u.collate.arg);
		put(b, " ", 1);
		names(b, e->u.collate.collation);
		put(b, ")", 1);
		return;
	case ALX_SQL_E_DEFAULT:
		puts_(b, "DEFAULT");
		return;
	default:
		puts_(b, "?");
		return;
	}
}

static void targets(struct pbuf *b, const char *tag,
		    const struct alx_sql_target *t, uint32_t n)
{
	put(b, "(", 1);
	puts_(b, tag);
	for (uint32_t i = 0; i < n; i++) {
		put(b, " ", 1);
		if (t[i].alias.ptr != NULL) {
			puts_(b, "(AS ");
			expr(b, t[i].expr);
			put(b, " ", 1);
			name(b, t[i].alias);
			put(b, ")", 1);
		} else {
			expr(b, t[i].expr);
		}
	}
	put(b, ")", 1);
}

static void alias_tail(struct pbuf *b, const struct alx_sql_alias *a)
{
	put(b, " ", 1);
	name(b, a->name);
	if (a->ncols) {
		put(b, " ", 1);
		name_list(b, a->cols, a->ncols);
	}
	put(b, ")", 1);
}

static void from(struct pbuf *b, const struct alx_sql_from *f)
{
	static const char *const jn[] = {"?",	  "INNER", "LEFT",
					 "RIGHT", "FULL",  "CROSS"};
	bool aliased = f->alias.name.ptr != NULL;
	if (f->lateral)
		puts_(b, "(LATERAL ");
	if (aliased)
		puts_(b, "(AS ");
	switch (f->kind) {
	case ALX_SQL_FROM_TABLE:
		if (f->only)
			puts_(b, "(ONLY ");
		names(b, f->name);
		if (f->only)
			put(b, ")", 1);
		break;
	case ALX_SQL_FROM_SUBQUERY:
		select_(b, f->query);
		break;
	case ALX_SQL_FROM_FUNCTION:
		if (f->ordinality)
			puts_(b, "(ORDINALITY ");
		expr(b, f->func);
		if (f->ordinality)
			put(b, ")", 1);
		break;
	case ALX_SQL_FROM_JOIN:
		putf(b, "(JOIN %s%s ", f->join.natural ? "NATURAL-" : "",
		     jn[f->join.kind < 6 ? f->join.kind : 0]);
		from(b, f->join.left);
		put(b, " ", 1);
		from(b, f->join.right);
		if (f->join.on != NULL) {
			puts_(b, " (ON ");
			expr(b, f->join.on);
			put(b, ")", 1);
		}
		if (f->join.nusing) {
			puts_(b, " (USING");
			for (uint32_t i = 0; i < f->join.nusing; i++) {
				put(b, " ", 1);
				name(b, f->join.using_cols[i]);
			}
			put(b, ")", 1);
		}
		put(b, ")", 1);
		break;
	default:
		put(b, "?", 1);
		break;
	}
	if (aliased)
		alias_tail(b, &f->alias);
	if (f->lateral)
		put(b, ")", 1);
}

static void from_list(struct pbuf *b, const char *tag,
		      struct alx_sql_from *const *v, uint32_t n)
{
	if (n == 0)
		return;
	put(b, " (", 2);
	puts_(b, tag);
	for (uint32_t i = 0; i < n; i++) {
		put(b, " ", 1);
		from(b, v[i]);
	}
	put(b, ")", 1);
}

static void with(struct pbuf *b, const struct alx_sql_with *w)
{
	puts_(b, w->recursive ? "(WITH-RECURSIVE" : "(WITH");
	for (uint32_t i = 0; i < w->nctes; i++) {
		const struct alx_sql_cte *c = &w->ctes[i];
		puts_(b, " (CTE ");
		name(b, c->name);
		if (c->ncols) {
			put(b, " ", 1);
			name_list(b, c->cols, c->ncols);
		}
		if (c->materialized == ALX_SQL_CTE_MATERIALIZED)
			puts_(b, " MATERIALIZED");
		else if (c->materialized == ALX_SQL_CTE_NOT_MATERIALIZED)
			puts_(b, " NOT-MATERIALIZED");
		put(b, " ", 1);
		stmt(b, c->stmt);
		put(b, ")", 1);
	}
	put(b, ")", 1);
}

static void opt_expr(struct pbuf *b, const char *tag,
		     const struct alx_sql_expr *e)
{
	if (e == NULL)
		return;
	put(b, " (", 2);
	puts_(b, tag);
	put(b, " ", 1);
	expr(b, e);
	put(b, ")", 1);
}

static void select_(struct pbuf *b, const struct alx_sql_select *q)
{
	static const char *const setops[] = {"?", "UNION", "INTERSECT",
					     "EXCEPT"};
	switch (q->kind) {
	case ALX_SQL_SELECT_SIMPLE:
		puts_(b, "(SELECT");
		break;
	case ALX_SQL_SELECT_VALUES:
		puts_(b, "(VALUES");
		break;
	default:
		putf(b, "(%s%s", setops[q->setop < 4 ? q->setop : 0],
		     q->all ? "-ALL" : "");
		break;
	}
	if (q->with != NULL) {
		put(b, " ", 1);
		with(b, q->with);
	}
	if (q->kind == ALX_SQL_SELECT_SIMPLE) {
		if (q->distinct == ALX_SQL_DISTINCT_ALL) {
			puts_(b, " DISTINCT");
		} else if (q->distinct == ALX_SQL_DISTINCT_ON) {
			puts_(b, " (DISTINCT-ON");
			exprs(b, q->distinct_on);
			put(b, ")", 1);
		}
		put(b, " ", 1);
		targets(b, "TARGETS", q->targets, q->ntargets);
		from_list(b, "FROM", q->from, q->nfrom);
		opt_expr(b, "WHERE", q->where);
		if (q->group_by.n) {
			puts_(b, q->group_distinct ? " (GROUP-BY-DISTINCT"
						   : " (GROUP-BY");
			exprs(b, q->group_by);
			put(b, ")", 1);
		}
		opt_expr(b, "HAVING", q->having);
	} else if (q->kind == ALX_SQL_SELECT_VALUES) {
		for (uint32_t i = 0; i < q->nrows; i++) {
			puts_(b, " (");
			for (uint32_t j = 0; j < q->rows[i].n; j++) {
				if (j)
					put(b, " ", 1);
				expr(b, q->rows[i].v[j]);
			}
			put(b, ")", 1);
		}
	} else {
		put(b, " ", 1);
		select_(b, q->larg);
		put(b, " ", 1);
		select_(b, q->rarg);
	}
	if (q->norder) {
		put(b, " ", 1);
		sort_list(b, q->order_by, q->norder);
	}
	if (q->limit_all)
		puts_(b, " (LIMIT ALL)");
	opt_expr(b, "LIMIT", q->limit);
	opt_expr(b, "OFFSET", q->offset);
	put(b, ")", 1);
}

static void val(struct pbuf *b, const struct alx_sql_val *v)
{
	switch (v->kind) {
	case ALX_SQL_VAL_STRING:
		quoted(b, v->text);
		break;
	case ALX_SQL_VAL_NUMBER:
		put(b, v->text.ptr, v->text.len);
		break;
	case ALX_SQL_VAL_WORD:
		name(b, v->text);
		break;
	case ALX_SQL_VAL_BOOL:
		puts_(b, v->text.ptr[0] == 't' ? "TRUE" : "FALSE");
		break;
	case ALX_SQL_VAL_LIST:
		put(b, "(", 1);
		for (uint32_t i = 0; i < v->list.n; i++) {
			if (i)
				put(b, " ", 1);
			name(b, v->list.v[i]);
		}
		put(b, ")", 1);
		break;
	case ALX_SQL_VAL_STAR:
		put(b, "*", 1);
		break;
	case ALX_SQL_VAL_NULL:
		puts_(b, "NULL");
		break;
	default:
		break;
	}
}

static void defelems(struct pbuf *b, const char *tag,
		     const struct alx_sql_defelem *d, uint32_t n)
{
	if (n == 0)
		return;
	put(b, " (", 2);
	puts_(b, tag);
	for (uint32_t i = 0; i < n; i++) {
		put(b, " (", 2);
		name(b, d[i].name);
		if (d[i].val.kind != ALX_SQL_VAL_NONE) {
			put(b, " ", 1);
			val(b, &d[i].val);
		}
		put(b, ")", 1);
	}
	put(b, ")", 1);
}

static void assigns(struct pbuf *b, const struct alx_sql_assign *a, uint32_t n)
{
	puts_(b, " (SET");
	for (uint32_t i = 0; i < n; i++) {
		puts_(b, " (= ");
		if (a[i].ncols == 1)
			name(b, a[i].cols[0]);
		else
			name_list(b, a[i].cols, a[i].ncols);
		put(b, " ", 1);
		expr(b, a[i].value);
		put(b, ")", 1);
	}
	put(b, ")", 1);
}

static void index_elem(struct pbuf *b, const struct alx_sql_index_elem *el)
{
	bool plain = el->expr == NULL && el->opclass.n == 0 && el->dir == 0 &&
		     el->nulls == 0 && el->collation.n == 0;
	if (plain) {
		name(b, el->column);
		return;
	}
	puts_(b, "(ELEM ");
	if (el->expr != NULL)
		expr(b, el->expr);
	else
		name(b, el->column);
	if (el->collation.n) {
		puts_(b, " (COLLATE ");
		names(b, el->collation);
		put(b, ")", 1);
	}
	if (el->opclass.n) {
		puts_(b, " (OPCLASS ");
		names(b, el->opclass);
		put(b, ")", 1);
	}
	if (el->dir)
		puts_(b, el->dir == ALX_SQL_SORT_ASC ? " ASC" : " DESC");
	if (el->nulls)
		puts_(b, el->nulls == ALX_SQL_NULLS_FIRST ? " NULLS-FIRST"
							  : " NULLS-LAST");
	put(b, ")", 1);
}

static void returning(struct pbuf *b, const struct alx_sql_target *t,
		      uint32_t n)
{
	if (n) {
		put(b, " ", 1);
		targets(b, "RETURNING", t, n);
	}
}

static void opt_with(struct pbuf *b, const struct alx_sql_with *w)
{
	if (w != NULL) {
		put(b, " ", 1);
		with(b, w);
	}
}

static void table_alias(struct pbuf *b, struct alx_sql_names t, bool only,
			struct alx_sql_str alias)
{
	put(b, " ", 1);
	if (alias.ptr != NULL)
		puts_(b, "(AS ");
	if (only)
		puts_(b, "(ONLY ");
	names(b, t);
	if (only)
		put(b, ")", 1);
	if (alias.ptr != NULL) {
		put(b, " ", 1);
		name(b, alias);
		put(b, ")", 1);
	}
}

static void insert(struct pbuf *b, const struct alx_sql_insert *i)
{
	puts_(b, "(INSERT");
	opt_with(b, i->with);
	table_alias(b, i->table, false, i->alias);
	if (i->ncols) {
		puts_(b, " (COLUMNS");
		for (uint32_t k = 0; k < i->ncols; k++) {
			put(b, " ", 1);
			name(b, i->cols[k]);
		}
		put(b, ")", 1);
	}
	put(b, " ", 1);
	if (i->source != NULL)
		select_(b, i->source);
	else
		puts_(b, "DEFAULT-VALUES");
	const struct alx_sql_on_conflict *c = i->on_conflict;
	if (c != NULL) {
		puts_(b, " (ON-CONFLICT");
		if (c->ntarget) {
			puts_(b, " (TARGET");
			for (uint32_t k = 0; k < c->ntarget; k++) {
				put(b, " ", 1);
				index_elem(b, &c->target[k]);
			}
			put(b, ")", 1);
		}
		opt_expr(b, "WHERE", c->target_where);
		if (c->constraint.ptr != NULL) {
			puts_(b, " (CONSTRAINT ");
			name(b, c->constraint);
			put(b, ")", 1);
		}
		if (c->action == ALX_SQL_CONFLICT_NOTHING) {
			puts_(b, " NOTHING");
		} else {
			puts_(b, " (UPDATE");
			assigns(b, c->set, c->nset);
			opt_expr(b, "WHERE", c->where);
			put(b, ")", 1);
		}
		put(b, ")", 1);
	}
	returning(b, i->returning, i->nreturning);
	put(b, ")", 1);
}

static void constraint(struct pbuf *b, const struct alx_sql_constraint *c)
{
	static const char *const kinds[] = {
		"?",	       "NULL",	 "NOT-NULL",	"DEFAULT",  "CHECK",
		"PRIMARY-KEY", "UNIQUE", "FOREIGN-KEY", "IDENTITY", "GENERATED",
	};
	static const char *const acts[] = {"NO-ACTION", "RESTRICT", "CASCADE",
					   "SET-NULL", "SET-DEFAULT"};
	put(b, "(", 1);
	puts_(b, kinds[c->kind < 10 ? c->kind : 0]);
	if (c->name.ptr != NULL) {
		puts_(b, " (NAME ");
		name(b, c->name);
		put(b, ")", 1);
	}
	if (c->kind == ALX_SQL_CONS_IDENTITY)
		puts_(b, c->always ? " ALWAYS" : " BY-DEFAULT");
	if (c->expr != NULL) {
		put(b, " ", 1);
		expr(b, c->expr);
	}
	if (c->nkeys) {
		put(b, " ", 1);
		name_list(b, c->keys, c->nkeys);
	}
	if (c->ninclude) {
		puts_(b, " (INCLUDE ");
		name_list(b, c->include, c->ninclude);
		put(b, ")", 1);
	}
	defelems(b, "WITH", c->with, c->nwith);
	if (c->kind == ALX_SQL_CONS_FOREIGN) {
		puts_(b, " (REFERENCES ");
		names(b, c->ref_table);
		if (c->nref_cols) {
			put(b, " ", 1);
			name_list(b, c->ref_cols, c->nref_cols);
		}
		put(b, ")", 1);
		if (c->match_full)
			puts_(b, " MATCH-FULL");
		if (c->on_delete)
			putf(b, " (ON-DELETE %s)", acts[c->on_delete % 5]);
		if (c->on_update)
			putf(b, " (ON-UPDATE %s)", acts[c->on_update % 5]);
	}
	if (c->deferrable)
		puts_(b, " DEFERRABLE");
	if (c->initially_deferred)
		puts_(b, " INITIALLY-DEFERRED");
	defelems(b, "SEQUENCE", c->seq, c->nseq);
	put(b, ")", 1);
}

static void coldef(struct pbuf *b, const struct alx_sql_coldef *c)
{
	puts_(b, "(COLUMN ");
	name(b, c->name);
	put(b, " ", 1);
	type(b, c->type);
	if (c->collation.n) {
		puts_(b, " (COLLATE ");
		names(b, c->collation);
		put(b, ")", 1);
	}
	for (uint32_t i = 0; i < c->nconstraints; i++) {
		put(b, " ", 1);
		constraint(b, &c->constraints[i]);
	}
	put(b, ")", 1);
}

static const char *const behaviors[] = {"", " RESTRICT", " CASCADE"};

static void alter_cmd(struct pbuf *b, const struct alx_sql_alter_cmd *c)
{
	static const char *const kinds[] = {
		"?",
		"ADD-COLUMN",
		"DROP-COLUMN",
		"ADD-CONSTRAINT",
		"DROP-CONSTRAINT",
		"SET-DEFAULT",
		"DROP-DEFAULT",
		"SET-NOT-NULL",
		"DROP-NOT-NULL",
		"TYPE",
		"RENAME-TO",
		"RENAME-COLUMN",
		"RENAME-CONSTRAINT",
	};
	put(b, "(", 1);
	puts_(b, kinds[c->kind < 13 ? c->kind : 0]);
	if (c->if_exists)
		puts_(b, " IF-EXISTS");
	if (c->if_not_exists)
		puts_(b, " IF-NOT-EXISTS");
	if (c->name.ptr != NULL) {
		put(b, " ", 1);
		name(b, c->name);
	}
	if (c->newname.ptr != NULL) {
		put(b, " ", 1);
		name(b, c->newname);
	}
	if (c->coldef != NULL) {
		put(b, " ", 1);
		coldef(b, c->coldef);
	}
	if (c->constraint != NULL) {
		put(b, " ", 1);
		constraint(b, c->constraint);
	}
	if (c->type != NULL) {
		put(b, " ", 1);
		type(b, c->type);
	}
	if (c->expr != NULL) {
		put(b, " ", 1);
		expr(b, c->expr);
	}
	puts_(b, behaviors[c->behavior % 3]);
	put(b, ")", 1);
}

static void txn_modes(struct pbuf *b, const struct alx_sql_txn_modes *m)
{
	static const char *const iso[] = {"", " READ-UNCOMMITTED",
					  " READ-COMMITTED", " REPEATABLE-READ",
					  " SERIALIZABLE"};
	puts_(b, iso[m->isolation % 5]);
	if (m->read_only >= 0)
		puts_(b, m->read_only ? " READ-ONLY" : " READ-WRITE");
	if (m->deferrable >= 0)
		puts_(b, m->deferrable ? " DEFERRABLE" : " NOT-DEFERRABLE");
}

static void create_table(struct pbuf *b, const struct alx_sql_create_table *t)
{
	puts_(b, "(CREATE-TABLE");
	if (t->temp)
		puts_(b, " TEMP");
	if (t->unlogged)
		puts_(b, " UNLOGGED");
	if (t->if_not_exists)
		puts_(b, " IF-NOT-EXISTS");
	put(b, " ", 1);
	names(b, t->name);
	for (uint32_t i = 0; i < t->ncols; i++) {
		put(b, " ", 1);
		coldef(b, &t->cols[i]);
	}
	for (uint32_t i = 0; i < t->nconstraints; i++) {
		put(b, " ", 1);
		constraint(b, &t->constraints[i]);
	}
	defelems(b, "WITH", t->with, t->nwith);
	if (t->query != NULL) {
		puts_(b, " (AS");
		if (t->nas_cols) {
			put(b, " ", 1);
			name_list(b, t->as_cols, t->nas_cols);
		}
		put(b, " ", 1);
		stmt(b, t->query);
		if (t->with_no_data)
			puts_(b, " NO-DATA");
		put(b, ")", 1);
	}
	put(b, ")", 1);
}

static void create_index(struct pbuf *b, const struct alx_sql_create_index *x)
{
	puts_(b, x->unique ? "(CREATE-UNIQUE-INDEX" : "(CREATE-INDEX");
	if (x->concurrently)
		puts_(b, " CONCURRENTLY");
	if (x->if_not_exists)
		puts_(b, " IF-NOT-EXISTS");
	if (x->name.ptr != NULL) {
		put(b, " ", 1);
		name(b, x->name);
	}
	puts_(b, " (ON ");
	if (x->only)
		puts_(b, "ONLY ");
	names(b, x->table);
	put(b, ")", 1);
	if (x->method.ptr != NULL) {
		puts_(b,
		      x->method_after_columns ? " (USING-AFTER " : " (USING ");
		name(b, x->method);
		put(b, ")", 1);
	}
	puts_(b, " (");
	for (uint32_t i = 0; i < x->nelems; i++) {
		if (i)
			put(b, " ", 1);
		index_elem(b, &x->elems[i]);
	}
	put(b, ")", 1);
	if (x->ninclude) {
		puts_(b, " (INCLUDE ");
		name_list(b, x->include, x->ninclude);
		put(b, ")", 1);
	}
	defelems(b, "WITH", x->with, x->nwith);
	opt_expr(b, "WHERE", x->where);
	put(b, ")", 1);
}

static void stmt(struct pbuf *b, const struct alx_sql_stmt *s)
{
	static const char *const objs[] = {"?",	     "TABLE",	 "INDEX",
					   "SCHEMA", "SEQUENCE", "VIEW",
					   "ROLE",   "EXTENSION"};
	switch (s->kind) {
	case ALX_SQL_STMT_SELECT:
		select_(b, s->u.select);
		return;
	case ALX_SQL_STMT_INSERT:
		insert(b, s->u.insert);
		return;
	case ALX_SQL_STMT_UPDATE: {
		const struct alx_sql_update *u = s->u.update;
		puts_(b, "(UPDATE");
		opt_with(b, u->with);
		table_alias(b, u->table, u->only, u->alias);
		assigns(b, u->set, u->nset);
		from_list(b, "FROM", u->from, u->nfrom);
		opt_expr(b, "WHERE", u->where);
		returning(b, u->returning, u->nreturning);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_DELETE: {
		const struct alx_sql_delete *d = s->u.delete_;
		puts_(b, "(DELETE");
		opt_with(b, d->with);
		table_alias(b, d->table, d->only, d->alias);
		from_list(b, "USING", d->using_, d->nusing);
		opt_expr(b, "WHERE", d->where);
		returning(b, d->returning, d->nreturning);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_COPY: {
		const struct alx_sql_copy *c = s->u.copy;
		puts_(b, "(COPY ");
		if (c->query != NULL)
			stmt(b, c->query);
		else
			names(b, c->table);
		if (c->ncols) {
			put(b, " ", 1);
			name_list(b, c->cols, c->ncols);
		}
		puts_(b, c->is_from ? " FROM " : " TO ");
		if (c->program)
			puts_(b, "PROGRAM ");
		if (c->filename.ptr != NULL)
			quoted(b, c->filename);
		else
			puts_(b, c->is_from ? "STDIN" : "STDOUT");
		defelems(b, "OPTIONS", c->options, c->noptions);
		opt_expr(b, "WHERE", c->where);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_CREATE_TABLE:
		create_table(b, s->u.create_table);
		return;
	case ALX_SQL_STMT_CREATE_INDEX:
		create_index(b, s->u.create_index);
		return;
	case ALX_SQL_STMT_DROP: {
		const struct alx_sql_drop *d = s->u.drop;
		putf(b, "(DROP-%s", objs[d->obj < 8 ? d->obj : 0]);
		if (d->concurrently)
			puts_(b, " CONCURRENTLY");
		if (d->if_exists)
			puts_(b, " IF-EXISTS");
		for (uint32_t i = 0; i < d->nnames; i++) {
			put(b, " ", 1);
			names(b, d->names[i]);
		}
		puts_(b, behaviors[d->behavior % 3]);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_ALTER_TABLE: {
		const struct alx_sql_alter_table *a = s->u.alter_table;
		putf(b, "(ALTER-%s", objs[a->obj < 8 ? a->obj : 0]);
		if (a->if_exists)
			puts_(b, " IF-EXISTS");
		put(b, " ", 1);
		if (a->only)
			puts_(b, "ONLY ");
		names(b, a->table);
		for (uint32_t i = 0; i < a->ncmds; i++) {
			put(b, " ", 1);
			alter_cmd(b, &a->cmds[i]);
		}
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_TRUNCATE: {
		const struct alx_sql_truncate *t = s->u.truncate;
		puts_(b, "(TRUNCATE");
		for (uint32_t i = 0; i < t->ntables; i++) {
			put(b, " ", 1);
			names(b, t->tables[i]);
		}
		if (t->restart_identity)
			puts_(b, " RESTART-IDENTITY");
		puts_(b, behaviors[t->behavior % 3]);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_CREATE_SCHEMA: {
		const struct alx_sql_create_schema *c = s->u.create_schema;
		puts_(b, "(CREATE-SCHEMA");
		if (c->if_not_exists)
			puts_(b, " IF-NOT-EXISTS");
		if (c->name.ptr != NULL) {
			put(b, " ", 1);
			name(b, c->name);
		}
		if (c->authorization.ptr != NULL) {
			puts_(b, " (AUTHORIZATION ");
			name(b, c->authorization);
			put(b, ")", 1);
		}
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_CREATE_SEQUENCE: {
		const struct alx_sql_create_sequence *q = s->u.create_sequence;
		puts_(b, "(CREATE-SEQUENCE");
		if (q->temp)
			puts_(b, " TEMP");
		if (q->if_not_exists)
			puts_(b, " IF-NOT-EXISTS");
		put(b, " ", 1);
		names(b, q->name);
		defelems(b, "OPTIONS", q->options, q->noptions);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_CREATE_ROLE:
	case ALX_SQL_STMT_ALTER_ROLE: {
		const struct alx_sql_role *r = s->u.role;
		putf(b, "(%s-%s ",
		     s->kind == ALX_SQL_STMT_CREATE_ROLE ? "CREATE" : "ALTER",
		     r->is_user ? "USER" : "ROLE");
		name(b, r->name);
		if (r->newname.ptr != NULL) {
			puts_(b, " (RENAME-TO ");
			name(b, r->newname);
			put(b, ")", 1);
		}
		defelems(b, "OPTIONS", r->options, r->noptions);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_CREATE_EXTENSION: {
		const struct alx_sql_create_extension *x =
			s->u.create_extension;
		puts_(b, "(CREATE-EXTENSION");
		if (x->if_not_exists)
			puts_(b, " IF-NOT-EXISTS");
		put(b, " ", 1);
		name(b, x->name);
		defelems(b, "OPTIONS", x->options, x->noptions);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_TXN: {
		static const char *const k[] = {
			"?",	     "BEGIN",	"COMMIT",     "ROLLBACK",
			"SAVEPOINT", "RELEASE", "ROLLBACK-TO"};
		const struct alx_sql_txn *t = s->u.txn;
		put(b, "(", 1);
		puts_(b, k[t->kind < 7 ? t->kind : 0]);
		if (t->start)
			puts_(b, " START");
		txn_modes(b, &t->modes);
		if (t->chain)
			puts_(b, " AND-CHAIN");
		if (t->savepoint.ptr != NULL) {
			put(b, " ", 1);
			name(b, t->savepoint);
		}
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_SET: {
		static const char *const k[] = {"?",
						"SET",
						"SET-DEFAULT",
						"SET-FROM-CURRENT",
						"RESET",
						"RESET-ALL",
						"SET-TRANSACTION",
						"SET-SESSION-CHARACTERISTICS"};
		const struct alx_sql_set *v = s->u.set;
		put(b, "(", 1);
		puts_(b, k[v->kind < 8 ? v->kind : 0]);
		if (v->local)
			puts_(b, " LOCAL");
		if (v->name.ptr != NULL && v->kind != ALX_SQL_SET_RESET_ALL) {
			put(b, " ", 1);
			name(b, v->name);
		}
		for (uint32_t i = 0; i < v->nvalues; i++) {
			put(b, " ", 1);
			val(b, &v->values[i]);
		}
		if (v->kind == ALX_SQL_SET_TRANSACTION ||
		    v->kind == ALX_SQL_SET_SESSION_DEFAULTS)
			txn_modes(b, &v->modes);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_SHOW:
		puts_(b, "(SHOW ");
		name(b, s->u.show->name);
		put(b, ")", 1);
		return;
	case ALX_SQL_STMT_EXPLAIN:
		puts_(b, "(EXPLAIN");
		defelems(b, "OPTIONS", s->u.explain->options,
			 s->u.explain->noptions);
		put(b, " ", 1);
		stmt(b, s->u.explain->stmt);
		put(b, ")", 1);
		return;
	case ALX_SQL_STMT_PREPARE: {
		const struct alx_sql_prepare *x = s->u.prepare;
		puts_(b, "(PREPARE ");
		name(b, x->name);
		if (x->ntypes) {
			puts_(b, " (");
			for (uint32_t i = 0; i < x->ntypes; i++) {
				if (i)
					put(b, " ", 1);
				type(b, x->types[i]);
			}
			put(b, ")", 1);
		}
		put(b, " ", 1);
		stmt(b, x->stmt);
		put(b, ")", 1);
		return;
	}
	case ALX_SQL_STMT_EXECUTE:
		puts_(b, "(EXECUTE ");
		name(b, s->u.execute->name);
		exprs(b, s->u.execute->args);
		put(b, ")", 1);
		return;
	case ALX_SQL_STMT_DEALLOCATE:
		puts_(b, "(DEALLOCATE ");
		if (s->u.deallocate->name.ptr != NULL)
			name(b, s->u.deallocate->name);
		else
			puts_(b, "ALL");
		put(b, ")", 1);
		return;
	case ALX_SQL_STMT_DISCARD: {
		static const char *const k[] = {"?", "ALL", "PLANS",
						"SEQUENCES", "TEMP"};
		putf(b, "(DISCARD %s)", k[s->u.discard < 5 ? s->u.discard : 0]);
		return;
	}
	case ALX_SQL_STMT_VACUUM: {
		const struct alx_sql_vacuum *v = s->u.vacuum;
		puts_(b, v->vacuum ? "(VACUUM" : "(ANALYZE");
		if (v->full)
			puts_(b, " FULL");
		if (v->vacuum && v->analyze)
			puts_(b, " ANALYZE");
		for (uint32_t i = 0; i < v->ntables; i++) {
			put(b, " ", 1);
			for (uint32_t k = 0; k < v->tables[i].n; k++) {
				if (k > 0)
					put(b, ".", 1);
				name(b, v->tables[i].v[k]);
			}
		}
		put(b, ")", 1);
		return;
	}
	default:
		puts_(b, "(?)");
		return;
	}
}

char *alx_sql_stmt_print(struct alx_arena *a, const struct alx_sql_stmt *s)
{
	struct pbuf b = {a, NULL, 0, 0, false};
	put(&b, "", 0);
	stmt(&b, s);
	return b.oom ? NULL : b.s;
}

char *alx_sql_expr_print(struct alx_arena *a, const struct alx_sql_expr *e)
{
	struct pbuf b = {a, NULL, 0, 0, false};
	put(&b, "", 0);
	expr(&b, e);
	return b.oom ? NULL : b.s;
}
