/*
 * Schemas, sequences, roles and extensions: CREATE SCHEMA, CREATE
 * SEQUENCE (and the sequence options of identity columns), CREATE/ALTER
 * ROLE|USER with PostgreSQL's option names, CREATE EXTENSION.
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

static bool if_not_exists(struct parser *p, bool *out)
{
	if (pp_kw(p) != ALX_KW_IF)
		return true;
	pp_advance(p);
	*out = true;
	return pp_expect_kw(p, ALX_KW_NOT) && pp_expect_kw(p, ALX_KW_EXISTS);
}

/* ---- sequences, schemas, roles, extensions ----------------------------- */

static bool push_def(struct parser *p, struct pvec *v, int32_t loc,
		     const char *name, struct alx_sql_val val)
{
	struct alx_sql_defelem d = {0};
	d.loc = loc;
	set_str(&d.name, name);
	d.val = val;
	return pvec_push(p, v, &d, sizeof(d));
}

static bool number_val(struct parser *p, struct alx_sql_val *val)
{
	val->kind = ALX_SQL_VAL_NUMBER;
	val->loc = loc_of(p, p->pos);
	return pp_numeric_only(p, &val->text);
}

bool pp_seq_options(struct parser *p, struct pvec *v, bool paren)
{
	if (paren && !pp_expect(p, '('))
		return false;
	for (;;) {
		int32_t loc = loc_of(p, p->pos);
		struct alx_sql_val val = {0};
		const char *name;
		switch (pp_kw(p)) {
		case ALX_KW_AS: {
			pp_advance(p);
			struct alx_sql_typename *t = pp_typename(p);
			if (t == NULL)
				return false;
			val.kind = ALX_SQL_VAL_WORD;
			val.text = t->names.v[t->names.n - 1];
			name = "as";
			break;
		}
		case ALX_KW_INCREMENT:
			pp_advance(p);
			pp_accept_kw(p, ALX_KW_BY);
			name = "increment";
			if (!number_val(p, &val))
				return false;
			break;
		case ALX_KW_START:
		case ALX_KW_RESTART:
			name = pp_kw(p) == ALX_KW_START ? "start" : "restart";
			pp_advance(p);
			pp_accept_kw(p, ALX_KW_WITH);
			if (!number_val(p, &val))
				return false;
			break;
		case ALX_KW_MINVALUE:
		case ALX_KW_MAXVALUE:
		case ALX_KW_CACHE:
			name = pp_kw(p) == ALX_KW_MINVALUE   ? "minvalue"
			       : pp_kw(p) == ALX_KW_MAXVALUE ? "maxvalue"
							     : "cache";
			pp_advance(p);
			if (!number_val(p, &val))
				return false;
			break;
		case ALX_KW_CYCLE:
			pp_advance(p);
			name = "cycle";
			val.kind = ALX_SQL_VAL_BOOL;
			set_str(&val.text, "true");
			break;
		case ALX_KW_NO:
			pp_advance(p);
			if (pp_accept_kw(p, ALX_KW_MINVALUE)) {
				name = "minvalue";
				val.kind = ALX_SQL_VAL_NULL;
			} else if (pp_accept_kw(p, ALX_KW_MAXVALUE)) {
				name = "maxvalue";
				val.kind = ALX_SQL_VAL_NULL;
			} else if (pp_expect_kw(p, ALX_KW_CYCLE)) {
				name = "cycle";
				val.kind = ALX_SQL_VAL_BOOL;
				set_str(&val.text, "false");
			} else {
				return false;
			}
			break;
		case ALX_KW_OWNED:
			pp_advance(p);
			if (!pp_expect_kw(p, ALX_KW_BY))
				return false;
			name = "owned_by";
			val.kind = ALX_SQL_VAL_LIST;
			if (!pp_any_name(p, &val.list))
				return false;
			break;
		default:
			if (paren && !pp_expect(p, ')'))
				return false;
			return true;
		}
		if (!push_def(p, v, loc, name, val))
			return false;
	}
}

struct alx_sql_stmt *pp_create_sequence(struct parser *p, uint32_t ti,
					bool temp)
{
	struct alx_sql_create_sequence *q = pp_alloc(p, sizeof(*q));
	struct pvec v = {0};
	if (q == NULL)
		return NULL;
	q->temp = temp;
	pp_advance(p); /* SEQUENCE */
	if (!if_not_exists(p, &q->if_not_exists) || !pp_any_name(p, &q->name) ||
	    !pp_seq_options(p, &v, false))
		return NULL;
	q->options = v.v;
	q->noptions = v.n;
	struct alx_sql_stmt *s =
		pp_new_stmt(p, ALX_SQL_STMT_CREATE_SEQUENCE, ti);
	if (s != NULL)
		s->u.create_sequence = q;
	return s;
}

struct alx_sql_stmt *pp_create_schema(struct parser *p, uint32_t ti)
{
	struct alx_sql_create_schema *c = pp_alloc(p, sizeof(*c));
	if (c == NULL)
		return NULL;
	pp_advance(p); /* SCHEMA */
	if (!if_not_exists(p, &c->if_not_exists))
		return NULL;
	if (pp_kw(p) != ALX_KW_AUTHORIZATION && !pp_colid(p, &c->name))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_AUTHORIZATION) &&
	    !pp_nonreserved(p, &c->authorization))
		return NULL;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_CREATE_SCHEMA, ti);
	if (s != NULL)
		s->u.create_schema = c;
	return s;
}

/* Role names: NonReservedWord, plus the words a RoleSpec allows. "none"
 * (even quoted) is reserved in every RoleSpec, as in PostgreSQL. */
bool pp_role_name(struct parser *p, struct alx_sql_str *out)
{
	uint32_t ti = p->pos;
	int kw = pp_kw(p);
	if (kw == ALX_KW_CURRENT_USER || kw == ALX_KW_SESSION_USER ||
	    kw == ALX_KW_CURRENT_ROLE)
		return pp_name(p, out);
	if (!pp_nonreserved(p, out))
		return false;
	if (strcmp(out->ptr, "none") == 0)
		return perr_at(p, ti, true, "42939", NULL,
			       "role name \"%s\" is reserved",
			       out->ptr) != NULL;
	return true;
}

/* The special role words as RoleSpec kinds (ALX_SQL_V_*); 0 otherwise. */
static uint8_t role_spec(const struct parser *p)
{
	switch (pp_kw(p)) {
	case ALX_KW_CURRENT_USER:
		return ALX_SQL_V_CURRENT_USER;
	case ALX_KW_SESSION_USER:
		return ALX_SQL_V_SESSION_USER;
	case ALX_KW_CURRENT_ROLE:
		return ALX_SQL_V_CURRENT_ROLE;
	default:
		return 0;
	}
}

static void *special_role_err(struct parser *p, uint32_t ti, uint8_t spec)
{
	const char *w = spec == ALX_SQL_V_CURRENT_USER	 ? "CURRENT_USER"
			: spec == ALX_SQL_V_SESSION_USER ? "SESSION_USER"
							 : "CURRENT_ROLE";
	return perr_at(p, ti, true, "42939", NULL,
		       "%s cannot be used as a role name here", w);
}

/* RoleId: the name of a role being created or renamed. */
static bool role_id(struct parser *p, struct alx_sql_str *out)
{
	uint32_t ti = p->pos;
	uint8_t spec = role_spec(p);
	if (spec != 0)
		return special_role_err(p, ti, spec) != NULL;
	if (!pp_role_name(p, out))
		return false;
	if (strcmp(out->ptr, "public") == 0)
		return perr_at(p, ti, true, "42939", NULL,
			       "role name \"%s\" is reserved",
			       out->ptr) != NULL;
	return true;
}

static bool role_list(struct parser *p, struct alx_sql_names *out)
{
	struct pvec v = {0};
	do {
		struct alx_sql_str s;
		if (!pp_role_name(p, &s) || !pvec_push(p, &v, &s, sizeof(s)))
			return false;
	} while (pp_accept(p, ','));
	out->v = v.v;
	out->n = v.n;
	return true;
}

static const struct {
	const char *word, *name;
	bool value;
} role_flags[] = {
	{"superuser", "superuser", true},
	{"nosuperuser", "superuser", false},
	{"createdb", "createdb", true},
	{"nocreatedb", "createdb", false},
	{"createrole", "createrole", true},
	{"nocreaterole", "createrole", false},
	{"inherit", "inherit", true},
	{"noinherit", "inherit", false},
	{"login", "canlogin", true},
	{"nologin", "canlogin", false},
	{"replication", "isreplication", true},
	{"noreplication", "isreplication", false},
	{"bypassrls", "bypassrls", true},
	{"nobypassrls", "bypassrls", false},
};

static bool role_options(struct parser *p, struct pvec *v, bool create)
{
	pp_accept_kw(p, ALX_KW_WITH);
	for (;;) {
		int32_t loc = loc_of(p, p->pos);
		uint32_t ti = p->pos;
		struct alx_sql_val val = {0};
		val.loc = loc;
		const char *name = NULL;
		int kw = pp_kw(p);
		if (kw == ALX_KW_PASSWORD || kw == ALX_KW_ENCRYPTED) {
			pp_advance(p);
			if (kw == ALX_KW_ENCRYPTED &&
			    !pp_expect_kw(p, ALX_KW_PASSWORD))
				return false;
			name = "password";
			if (kw == ALX_KW_PASSWORD &&
			    pp_accept_kw(p, ALX_KW_NULL)) {
				val.kind = ALX_SQL_VAL_NULL;
			} else {
				val.kind = ALX_SQL_VAL_STRING;
				if (!pp_sconst(p, &val.text))
					return false;
			}
		} else if (kw == ALX_KW_UNENCRYPTED) {
			return perr_at(p, ti, true, "0A000",
				       "Remove UNENCRYPTED to store the "
				       "password in encrypted form instead.",
				       "UNENCRYPTED PASSWORD is no longer "
				       "supported") != NULL;
		} else if (kw == ALX_KW_CONNECTION) {
			pp_advance(p);
			if (!pp_expect_kw(p, ALX_KW_LIMIT))
				return false;
			name = "connectionlimit";
			val.kind = ALX_SQL_VAL_NUMBER;
			if (!pp_numeric_only(p, &val.text))
				return false;
		} else if (kw == ALX_KW_VALID) {
			pp_advance(p);
			if (!pp_expect_kw(p, ALX_KW_UNTIL))
				return false;
			name = "validUntil";
			val.kind = ALX_SQL_VAL_STRING;
			if (!pp_sconst(p, &val.text))
				return false;
		} else if (create && kw == ALX_KW_SYSID) {
			pp_advance(p);
			name = "sysid";
			val.kind = ALX_SQL_VAL_NUMBER;
			if (!pp_numeric_only(p, &val.text))
				return false;
		} else if (create &&
			   (kw == ALX_KW_IN || kw == ALX_KW_ROLE ||
			    kw == ALX_KW_ADMIN || kw == ALX_KW_USER)) {
			pp_advance(p);
			if (kw == ALX_KW_IN) {
				if (!pp_accept_kw(p, ALX_KW_GROUP) &&
				    !pp_expect_kw(p, ALX_KW_ROLE))
					return false;
				name = "addroleto";
			} else {
				name = kw == ALX_KW_ADMIN ? "adminmembers"
							  : "rolemembers";
			}
			val.kind = ALX_SQL_VAL_LIST;
			if (!role_list(p, &val.list))
				return false;
		} else if (pp_cur(p)->kind == ALX_TOK_IDENT &&
			   alx_sql_keyword_cat(kw) != ALX_KWC_R) {
			struct alx_sql_str w;
			if (!pp_name(p, &w))
				return false;
			for (size_t i = 0;
			     i < sizeof(role_flags) / sizeof(role_flags[0]);
			     i++) {
				if (strcmp(w.ptr, role_flags[i].word) == 0) {
					name = role_flags[i].name;
					val.kind = ALX_SQL_VAL_BOOL;
					set_str(&val.text, role_flags[i].value
								   ? "true"
								   : "false");
				}
			}
			if (name == NULL)
				return perr_at(p, ti, true, "42601", NULL,
					       "unrecognized role option "
					       "\"%s\"",
					       w.ptr) != NULL;
		} else {
			return true;
		}
		if (!push_def(p, v, loc, name, val))
			return false;
	}
}

struct alx_sql_stmt *pp_create_role(struct parser *p, uint32_t ti)
{
	struct alx_sql_role *r = pp_alloc(p, sizeof(*r));
	struct pvec v = {0};
	if (r == NULL)
		return NULL;
	r->is_user = pp_kw(p) == ALX_KW_USER;
	pp_advance(p); /* ROLE, USER, GROUP */
	if (!role_id(p, &r->name) || !role_options(p, &v, true))
		return NULL;
	r->options = v.v;
	r->noptions = v.n;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_CREATE_ROLE, ti);
	if (s != NULL)
		s->u.role = r;
	return s;
}

struct alx_sql_stmt *pp_create_extension(struct parser *p, uint32_t ti)
{
	struct alx_sql_create_extension *x = pp_alloc(p, sizeof(*x));
	struct pvec v = {0};
	if (x == NULL)
		return NULL;
	pp_advance(p); /* EXTENSION */
	if (!if_not_exists(p, &x->if_not_exists) || !pp_colid(p, &x->name))
		return NULL;
	pp_accept_kw(p, ALX_KW_WITH);
	for (;;) {
		int32_t loc = loc_of(p, p->pos);
		struct alx_sql_val val = {0};
		const char *name;
		if (pp_accept_kw(p, ALX_KW_SCHEMA)) {
			name = "schema";
			val.kind = ALX_SQL_VAL_WORD;
			if (!pp_colid(p, &val.text))
				return NULL;
		} else if (pp_accept_kw(p, ALX_KW_VERSION)) {
			name = "new_version";
			if (pp_is_sconst(pp_cur(p))) {
				val.kind = ALX_SQL_VAL_STRING;
				if (!pp_sconst(p, &val.text))
					return NULL;
			} else {
				val.kind = ALX_SQL_VAL_WORD;
				if (!pp_nonreserved(p, &val.text))
					return NULL;
			}
		} else if (pp_accept_kw(p, ALX_KW_CASCADE)) {
			name = "cascade";
			val.kind = ALX_SQL_VAL_BOOL;
			set_str(&val.text, "true");
		} else {
			break;
		}
		if (!push_def(p, &v, loc, name, val))
			return NULL;
	}
	x->options = v.v;
	x->noptions = v.n;
	struct alx_sql_stmt *s =
		pp_new_stmt(p, ALX_SQL_STMT_CREATE_EXTENSION, ti);
	if (s != NULL)
		s->u.create_extension = x;
	return s;
}

struct alx_sql_stmt *pp_alter_role(struct parser *p, uint32_t ti)
{
	struct alx_sql_role *r = pp_alloc(p, sizeof(*r));
	struct pvec v = {0};
	if (r == NULL)
		return NULL;
	r->is_user = pp_kw(p) == ALX_KW_USER;
	pp_advance(p);
	uint32_t name_ti = p->pos;
	r->spec = role_spec(p);
	if (!pp_role_name(p, &r->name))
		return NULL;
	if (pp_accept_kw(p, ALX_KW_RENAME)) {
		/* the old name is a RoleId too */
		if (r->spec != 0)
			return special_role_err(p, name_ti, r->spec);
		if (!pp_expect_kw(p, ALX_KW_TO) || !role_id(p, &r->newname))
			return NULL;
	} else if (pp_kw(p) == ALX_KW_SET || pp_kw(p) == ALX_KW_RESET ||
		   pp_kw(p) == ALX_KW_IN) {
		return perr_unsupported(p, p->pos, "ALTER ROLE ... SET/RESET");
	} else if (!role_options(p, &v, false)) {
		return NULL;
	}
	r->options = v.v;
	r->noptions = v.n;
	struct alx_sql_stmt *s = pp_new_stmt(p, ALX_SQL_STMT_ALTER_ROLE, ti);
	if (s != NULL)
		s->u.role = r;
	return s;
}
