/*
 * Parser internals shared by the sql_parse*.c files (not an API: use
 * sql_ast.h). Hand-written recursive descent over the tokens of one
 * statement; expressions by precedence climbing with PostgreSQL 15's
 * precedence table.
 *
 * Error protocol: a parse function that fails sets p->err (via the
 * perr_* helpers) and returns NULL/false; callers return at once. Syntax
 * errors may be undone by a caller trying an alternative (pp_try_*);
 * the error that got furthest is the one reported, which is where an LR
 * parser such as PostgreSQL's would have stopped. Fatal errors (limits,
 * memory, unsupported features) are never undone.
 */
#ifndef ALX_SQL_PARSE_H
#define ALX_SQL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/alx_arena.h"
#include "sql/sql_ast.h"
#include "sql/sql_lex.h"

/* Precedence levels, lowest first (PostgreSQL gram.y, 15). */
enum {
	PREC_NONE = 0,
	PREC_OR,
	PREC_AND,
	PREC_NOT,
	PREC_IS,   /* IS, ISNULL, NOTNULL */
	PREC_CMP,  /* < > = <= >= <> */
	PREC_LIKE, /* BETWEEN IN LIKE ILIKE SIMILAR, NOT LIKE ... */
	PREC_ESCAPE,
	PREC_OP, /* any other operator, prefix or infix */
	PREC_ADD,
	PREC_MUL,
	PREC_EXP,
	PREC_AT, /* AT TIME ZONE */
	PREC_COLLATE,
	PREC_UMINUS,
	PREC_TYPECAST,
};

struct perr {
	bool failed;
	bool fatal;	 /* not undone by backtracking */
	int code;	 /* ALOPEX_ESQL or ALOPEX_ENOMEM */
	uint32_t tokidx; /* token the error is at (furthest wins) */
	size_t offset;	 /* byte offset */
	bool has_pos;
	char sqlstate[6];
	char msg[300];
	const char *hint;
};

struct memo_entry {
	uint32_t key;  /* token index + 1; 0: empty slot */
	uint8_t state; /* 1 parsed, 2 failed */
	uint32_t end;  /* token index after the query */
	struct alx_sql_select *q;
	struct perr *err;
};

struct parser {
	struct alx_arena *a;
	const char *sql;
	size_t len;
	struct alx_sql_token *toks;
	uint32_t ntoks; /* the last is ';', EOF or an error */
	uint32_t pos;
	uint32_t depth, max_depth;
	/* depth of a target-list expression: there a bare-label keyword
	 * operator (AND, IS, LIKE, ...) followed by what may follow a label
	 * is the label, as in PostgreSQL's grammar (SELECT 1 is) */
	uint32_t alias_depth;
	struct perr err;
	/* select_with_parens results by token index (open addressing) */
	struct memo_entry *memo;
	uint32_t memo_cap, memo_n;
};

/* ---- tokens ------------------------------------------------------------ */

static inline const struct alx_sql_token *pp_cur(const struct parser *p)
{
	return &p->toks[p->pos];
}

static inline const struct alx_sql_token *pp_peek(const struct parser *p,
						  uint32_t k)
{
	uint32_t i = p->pos + k;
	return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

static inline int pp_kind(const struct parser *p)
{
	return p->toks[p->pos].kind;
}

/* The keyword at the current token (0 when not an unquoted word). */
static inline int pp_kw(const struct parser *p)
{
	const struct alx_sql_token *t = pp_cur(p);
	return t->kind == ALX_TOK_IDENT ? t->kw : 0;
}

static inline int pp_peek_kw(const struct parser *p, uint32_t k)
{
	const struct alx_sql_token *t = pp_peek(p, k);
	return t->kind == ALX_TOK_IDENT ? t->kw : 0;
}

static inline void pp_advance(struct parser *p)
{
	if (p->pos + 1 < p->ntoks)
		p->pos++;
}

bool pp_accept_kw(struct parser *p, int kw);
bool pp_expect_kw(struct parser *p, int kw);
bool pp_accept(struct parser *p, int kind);
bool pp_expect(struct parser *p, int kind);
/* The current token is an operator token with this exact text. */
bool pp_is_op(const struct parser *p, const char *text);

/* ---- names ------------------------------------------------------------- */

/* ColId: identifier, unreserved or col_name keyword. */
bool pp_is_colid(const struct alx_sql_token *t);
/* type_function_name: identifier, unreserved or type_func_name keyword. */
bool pp_is_type_func_name(const struct alx_sql_token *t);
/* NonReservedWord: any but reserved keywords. */
bool pp_is_nonreserved(const struct alx_sql_token *t);
/* ColLabel: any identifier or keyword. */
bool pp_is_collabel(const struct alx_sql_token *t);
/* BareColLabel: identifier or bare-label keyword. */
bool pp_is_bare_label(const struct alx_sql_token *t);

/* Takes the current token as a name (no category check). */
bool pp_name(struct parser *p, struct alx_sql_str *out);
/* Category-checked names; syntax error otherwise. */
bool pp_colid(struct parser *p, struct alx_sql_str *out);
bool pp_collabel(struct parser *p, struct alx_sql_str *out);
bool pp_nonreserved(struct parser *p, struct alx_sql_str *out);
/* ColId { '.' ColLabel }: any_name, qualified_name. */
bool pp_any_name(struct parser *p, struct alx_sql_names *out);
/* '(' ColId, ... ')' */
bool pp_name_list_paren(struct parser *p, struct alx_sql_str **out,
			uint32_t *n);
/* ColId, ... (no parentheses) */
bool pp_name_list(struct parser *p, struct alx_sql_str **out, uint32_t *n);
/* A string constant's value (Sconst). */
bool pp_sconst(struct parser *p, struct alx_sql_str *out);
bool pp_is_sconst(const struct alx_sql_token *t);
/* Any string-like token's value (also B'' and X''); 22021 on bad bytes. */
bool pp_decode_string(struct parser *p, struct alx_sql_str *out);
/* The source text of a token, in the arena. */
bool pp_token_text(struct parser *p, const struct alx_sql_token *t,
		   struct alx_sql_str *out);
/* [+|-] number as text: NumericOnly / SignedIconst. */
bool pp_numeric_only(struct parser *p, struct alx_sql_str *out);
bool pp_signed_int(struct parser *p, int32_t *out);

/* ---- errors ------------------------------------------------------------ */

/* syntax error at or near the current token (or at end of input). */
void *perr_syntax(struct parser *p);
/* A positioned error at token index ti (a fatal one unless 42601). */
void *perr_at(struct parser *p, uint32_t ti, bool fatal, const char *state,
	      const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* The index of the token starting at byte offset (a node's loc). */
uint32_t pp_token_at(const struct parser *p, int32_t offset);
/* Out of memory (fatal). */
void *perr_nomem(struct parser *p);
/* Nesting limit: call on entry of every recursive production. */
bool pp_enter(struct parser *p);
static inline void pp_leave(struct parser *p)
{
	p->depth--;
}
/* 0A000 feature_not_supported at token ti (fatal). */
void *perr_unsupported(struct parser *p, uint32_t ti, const char *what);

/* Undoing a failed alternative: pp_save/pp_restore around the attempt;
 * pp_furthest keeps the error that got further. */
struct pp_mark {
	uint32_t pos;
	struct perr err;
};
/* After a failed attempt: true (and rewound, error kept in m) when the
 * error may be undone; false when it is fatal. */
bool pp_backtrack(struct parser *p, uint32_t pos, struct pp_mark *m);
/* After the second attempt failed too: report the furthest error. */
void pp_furthest(struct parser *p, const struct pp_mark *m);

/* ---- allocation -------------------------------------------------------- */

void *pp_alloc(struct parser *p, size_t size);

/* A growable array in the arena (doubles; old blocks stay in the arena). */
struct pvec {
	void *v;
	uint32_t n, cap;
};
/* Appends one element of `size` bytes; false when out of memory. */
bool pvec_push(struct parser *p, struct pvec *vec, const void *elem,
	       size_t size);
static inline bool pvec_push_ptr(struct parser *p, struct pvec *vec,
				 const void *ptr)
{
	return pvec_push(p, vec, &ptr, sizeof(ptr));
}

/* ---- expressions (sql_parse_expr.c) ------------------------------------ */

struct alx_sql_expr *pp_new_expr(struct parser *p, int kind, int32_t loc);
/* Sets e->height from its children and checks the depth limit. */
bool pp_set_height(struct parser *p, struct alx_sql_expr *e);
/* a_expr */
struct alx_sql_expr *pp_expr(struct parser *p);
/* b_expr: no AND/OR/NOT/IS NULL/LIKE/IN/BETWEEN (DEFAULT values). */
struct alx_sql_expr *pp_b_expr(struct parser *p);
/* c_expr: constants, names, calls, parenthesised forms (primary.c). */
struct alx_sql_expr *pp_primary(struct parser *p);
/* A call in SQL syntax mapped to a function: extract(...), btrim(...). */
struct alx_sql_expr *pp_mk_func(struct parser *p, const char *name, int32_t loc,
				struct alx_sql_expr **args, uint32_t nargs);
/* Height bookkeeping for a finished node: NULL when over the limit. */
struct alx_sql_expr *pp_finish(struct parser *p, struct alx_sql_expr *e);
/* expr, expr, ... */
bool pp_expr_list(struct parser *p, struct alx_sql_exprs *out);
/* Typename (with array bounds). */
struct alx_sql_typename *pp_typename(struct parser *p);
/* A function call's argument list from '(' (name already parsed). */
struct alx_sql_expr *pp_func_call(struct parser *p, struct alx_sql_names name,
				  int32_t loc);
/* '(' starts a parenthesised query (SELECT/VALUES/WITH/TABLE inside)? */
bool pp_looks_like_query(const struct parser *p);
const char *pp_op_text(int code);
int pp_op_code(const char *name, size_t len);

/* ---- queries (sql_parse_select.c) -------------------------------------- */

/* SelectStmt: a full query, with or without parentheses. */
struct alx_sql_select *pp_select(struct parser *p);
/* select_with_parens, memoised by token index. */
struct alx_sql_select *pp_select_parens(struct parser *p);
/* WITH clause (current token WITH). */
struct alx_sql_with *pp_with(struct parser *p);
/* Attaches WITH to a query, refusing a second one as PostgreSQL does. */
struct alx_sql_select *pp_select_after_with(struct parser *p,
					    struct alx_sql_with *with);
/* ORDER BY list after ORDER BY. */
bool pp_sort_list(struct parser *p, struct alx_sql_sortby **out, uint32_t *n);
/* Target list (SELECT, RETURNING). */
bool pp_target_list(struct parser *p, struct alx_sql_target **out, uint32_t *n);
/* FROM list (comma-separated table references with joins). */
bool pp_from_list(struct parser *p, struct alx_sql_from ***out, uint32_t *n);
/* relation_expr_opt_alias (UPDATE, DELETE). */
bool pp_relation_opt_alias(struct parser *p, struct alx_sql_names *name,
			   bool *only, struct alx_sql_str *alias);

/* ---- statements -------------------------------------------------------- */

struct alx_sql_stmt *pp_new_stmt(struct parser *p, int kind, uint32_t ti);
/* PreparableStmt: SELECT, INSERT, UPDATE, DELETE (with WITH). */
struct alx_sql_stmt *pp_preparable(struct parser *p);
/* Any statement. */
struct alx_sql_stmt *pp_statement(struct parser *p);

/* sql_parse_dml.c */
struct alx_sql_stmt *pp_insert(struct parser *p, struct alx_sql_with *with,
			       uint32_t ti);
struct alx_sql_stmt *pp_update(struct parser *p, struct alx_sql_with *with,
			       uint32_t ti);
struct alx_sql_stmt *pp_delete(struct parser *p, struct alx_sql_with *with,
			       uint32_t ti);
struct alx_sql_stmt *pp_copy(struct parser *p);
/* name [=] value options: '(' list ')' (generic_option_list). */
bool pp_generic_options(struct parser *p, struct alx_sql_defelem **out,
			uint32_t *n);
/* index_params: col | (expr) | f(x), with collation, opclass, order. */
bool pp_index_elems(struct parser *p, struct alx_sql_index_elem **out,
		    uint32_t *n);
/* A value of opt_boolean_or_string | NumericOnly. */
bool pp_option_value(struct parser *p, struct alx_sql_val *out);

/* sql_parse_ddl.c */
struct alx_sql_stmt *pp_create(struct parser *p);
struct alx_sql_stmt *pp_drop(struct parser *p);
struct alx_sql_stmt *pp_alter(struct parser *p);
struct alx_sql_stmt *pp_truncate(struct parser *p);
/* WITH (reloptions) after WITH. */
bool pp_reloptions(struct parser *p, struct alx_sql_defelem **out, uint32_t *n);

/* sql_parse_schema.c */
struct alx_sql_stmt *pp_create_sequence(struct parser *p, uint32_t ti,
					bool temp);
struct alx_sql_stmt *pp_create_schema(struct parser *p, uint32_t ti);
struct alx_sql_stmt *pp_create_role(struct parser *p, uint32_t ti);
struct alx_sql_stmt *pp_create_extension(struct parser *p, uint32_t ti);
struct alx_sql_stmt *pp_alter_role(struct parser *p, uint32_t ti);
/* RoleSpec: a non-reserved word or CURRENT_USER/SESSION_USER/CURRENT_ROLE */
bool pp_role_name(struct parser *p, struct alx_sql_str *out);
/* Sequence options; paren: inside '(' ')' (identity columns). */
bool pp_seq_options(struct parser *p, struct pvec *v, bool paren);

/* sql_parse_util.c */
struct alx_sql_stmt *pp_utility(struct parser *p);

/* sql_parse_vacuum.c: VACUUM or ANALYZE (current token). */
struct alx_sql_stmt *pp_vacuum(struct parser *p);

#endif
