/*
 * VACUUM and ANALYZE (PostgreSQL 15's grammar): the old keyword form
 * VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] and ANALYZE [VERBOSE], the
 * parenthesised option list (each option a word with an optional value),
 * then table [(column, ...)], ... Clients such as pgbench -i send them;
 * the statements check their tables and columns and do no other work
 * (sql_exec_vacuum.c says why). Messages as PostgreSQL 15's ExecVacuum.
 */
#include <string.h>
#include <strings.h>

#include "sql/sql_parse.h"

static bool word_is(const struct alx_sql_str *w, const char *s)
{
	return w->len == strlen(s) && strncasecmp(w->ptr, s, w->len) == 0;
}

/* '(' option [value], ... ')' */
static bool option_list(struct parser *p, struct alx_sql_vacuum *v)
{
	static const char *const vacuum_opts[] = {
		"verbose",	 "skip_locked",	  "analyze",
		"freeze",	 "full",	  "disable_page_skipping",
		"index_cleanup", "process_toast", "truncate",
		"parallel",
	};
	size_t nopts =
		v->vacuum ? sizeof(vacuum_opts) / sizeof(*vacuum_opts) : 2;
	if (!pp_expect(p, '('))
		return false;
	do {
		uint32_t ti = p->pos;
		struct alx_sql_str w;
		if (!pp_collabel(p, &w))
			return false;
		size_t i = 0;
		while (i < nopts && !word_is(&w, vacuum_opts[i]))
			i++;
		if (i == nopts)
			return perr_at(p, ti, true, "42601", NULL,
				       "unrecognized %s option \"%.*s\"",
				       v->vacuum ? "VACUUM" : "ANALYZE",
				       (int)w.len, w.ptr) != NULL;
		int k = pp_kind(p);
		bool on = true;
		if (k != ',' && k != ')') {
			/* opt_boolean_or_string | NumericOnly */
			struct alx_sql_val val;
			if (!pp_option_value(p, &val))
				return false;
			on = !(word_is(&val.text, "false") ||
			       word_is(&val.text, "off") ||
			       word_is(&val.text, "0"));
		}
		if (word_is(&w, "full"))
			v->full = on;
		else if (word_is(&w, "analyze"))
			v->analyze = on;
	} while (pp_accept(p, ','));
	return pp_expect(p, ')');
}

static bool table_list(struct parser *p, struct alx_sql_vacuum *v)
{
	struct pvec tv = {0}, cv = {0};
	int k = pp_kind(p);
	if (k == ';' || k == ALX_TOK_EOF)
		return true;
	do {
		struct alx_sql_names n, cols = {0};
		if (!pp_any_name(p, &n))
			return false;
		if (pp_kind(p) == '(' &&
		    !pp_name_list_paren(p, &cols.v, &cols.n))
			return false;
		if (!pvec_push(p, &tv, &n, sizeof(n)) ||
		    !pvec_push(p, &cv, &cols, sizeof(cols)))
			return false;
		if (cols.n > 0 && !v->analyze) {
			/* PostgreSQL reports this one without a position */
			perr_at(p, p->pos, true, "0A000", NULL,
				"ANALYZE option must be specified when a "
				"column list is provided");
			p->err.has_pos = false;
			return false;
		}
	} while (pp_accept(p, ','));
	v->tables = tv.v;
	v->columns = cv.v;
	v->ntables = tv.n;
	return true;
}

struct alx_sql_stmt *pp_vacuum(struct parser *p)
{
	uint32_t ti = p->pos;
	struct alx_sql_vacuum *v = pp_alloc(p, sizeof(*v));
	if (v == NULL)
		return NULL;
	v->vacuum = pp_kw(p) == ALX_KW_VACUUM;
	v->analyze = !v->vacuum;
	pp_advance(p);
	if (pp_kind(p) == '(') {
		if (!option_list(p, v))
			return NULL;
	} else if (v->vacuum) {
		if (pp_accept_kw(p, ALX_KW_FULL))
			v->full = true;
		pp_accept_kw(p, ALX_KW_FREEZE);
		pp_accept_kw(p, ALX_KW_VERBOSE);
		if (pp_accept_kw(p, ALX_KW_ANALYZE) ||
		    pp_accept_kw(p, ALX_KW_ANALYSE))
			v->analyze = true;
	} else {
		pp_accept_kw(p, ALX_KW_VERBOSE);
	}
	if (!table_list(p, v))
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_VACUUM, ti);
	if (s != NULL)
		s->u.vacuum = v;
	return s;
}
