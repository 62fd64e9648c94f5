/*
 * Roles: CREATE/ALTER/DROP ROLE|USER with PostgreSQL 15's checks and
 * messages (commands/user.c), the bootstrap superuser, and the lookups
 * the server's authentication and pg_roles use.
 */
#include "sql/sql_roles.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/alx_scram.h"
#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec_ddl.h"
#include "sql/sql_session_int.h"

/* ---- lookups ------------------------------------------------------------ */

int alx_sql_roles_list(const struct alx_catalog *cat, alx_role_visit_fn fn,
		       void *ctx)
{
	for (uint32_t i = 0; i < cat->nroles; i++) {
		int rc = fn(ctx, cat->roles[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

const struct alx_cat_role *alx_sql_role_find(const struct alx_catalog *cat,
					     const char *name)
{
	for (uint32_t i = 0; i < cat->nroles; i++)
		if (strcmp(cat->roles[i]->name, name) == 0)
			return cat->roles[i];
	return NULL;
}

const struct alx_cat_role *alx_sql_role_by_oid(const struct alx_catalog *cat,
					       uint32_t oid)
{
	for (uint32_t i = 0; i < cat->nroles; i++)
		if (cat->roles[i]->oid == oid)
			return cat->roles[i];
	return NULL;
}

const char *alx_sql_session_user(const struct alx_session *s,
				 const struct alx_catalog *cat)
{
	if (s != NULL && s->user[0] != '\0')
		return s->user;
	const struct alx_cat_role *r =
		cat ? alx_sql_role_by_oid(cat, ALX_ROLE_BOOTSTRAP_OID) : NULL;
	return r ? r->name : ALX_ROLE_BOOTSTRAP_DEFAULT;
}

const char *alx_session_user(const struct alx_session *s)
{
	return s->user[0] != '\0' ? s->user : NULL;
}

int alx_session_set_user(struct alx_session *s, const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= sizeof(s->user))
		return alx_diag_set(&s->diag, ALOPEX_EINVAL, "22023",
				    "invalid role name \"%s\"", name);
	/* is_superuser follows the role, as PostgreSQL reports it. */
	struct alx_catalog *cat = NULL;
	int rc = alx_session_catalog(s, &cat);
	if (rc != 0)
		return rc;
	const struct alx_cat_role *r = alx_sql_role_find(cat, name);
	bool super = r != NULL && r->superuser;
	alx_catalog_unref(cat);
	rc = alx_session_setting_put(s, "session_authorization", name);
	if (rc == 0)
		rc = alx_session_setting_put(s, "is_superuser",
					     super ? "on" : "off");
	if (rc != 0)
		return rc;
	memcpy(s->user, name, n + 1);
	return 0;
}

static void fill_info(const struct alx_cat_role *r, struct alx_role_info *out)
{
	memset(out, 0, sizeof(*out));
	out->can_login = r->can_login;
	out->superuser = r->superuser;
	if (r->verifier != NULL)
		snprintf(out->verifier, sizeof(out->verifier), "%s",
			 r->verifier);
}

int alx_sql_role_get(alopex_db *db, const char *name, struct alx_role_info *out,
		     alopex_diag *d)
{
	struct alx_session *s = NULL;
	struct alx_catalog *cat = NULL;
	int rc = alx_session_create(db, &s, d);
	if (rc != 0)
		return rc;
	rc = alx_session_catalog(s, &cat);
	if (rc != 0) {
		*d = s->diag;
		goto fail;
	}
	const struct alx_cat_role *r = alx_sql_role_find(cat, name);
	if (r == NULL) {
		rc = alx_diag_set(d, ALOPEX_ENOTFOUND, "42704",
				  "role \"%s\" does not exist", name);
		goto fail;
	}
	fill_info(r, out);
fail:
	alx_catalog_unref(cat);
	alx_session_destroy(s);
	return rc;
}

/* ---- passwords ---------------------------------------------------------- */

/* PostgreSQL's isMD5: "md5" and 32 hex digits. */
static bool is_md5(const char *p)
{
	if (strncmp(p, "md5", 3) != 0 || strlen(p) != 35)
		return false;
	for (int i = 3; i < 35; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		      (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/*
 * The verifier to store for a password (a SCRAM verifier as given is
 * kept, as PostgreSQL does); *out in a. Errors are SQL errors in d.
 */
static int password_verifier(struct alx_arena *a, const char *pw, char **out,
			     alopex_diag *d)
{
	struct alx_scram_secret sec;
	if (alx_scram_parse(pw, &sec) == 0) {
		if (strlen(pw) >= ALX_SCRAM_VERIFIER_MAX)
			return alx_diag_set(d, ALOPEX_ESQL, "22023",
					    "SCRAM secret is too long");
		*out = alx_arena_strdup(a, pw);
	} else if (is_md5(pw)) {
		return alx_diag_set(d, ALOPEX_ESQL, "0A000",
				    "MD5 password hashes are not supported\n"
				    "Give the password in clear text or as a "
				    "SCRAM-SHA-256 secret.");
	} else {
		char v[ALX_SCRAM_VERIFIER_MAX];
		int rc = alx_scram_verifier_new(pw, strlen(pw), v, sizeof(v));
		if (rc != 0)
			return alx_diag_set(d, rc, "58000",
					    "could not generate random salt");
		*out = alx_arena_strdup(a, v);
	}
	return *out ? 0
		    : alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
}

/* ---- DDL ------------------------------------------------------------------ */

/* Options as PostgreSQL's CreateRole/AlterRole collect them: -1 when
 * not given. */
struct role_opts {
	const struct alx_sql_val *password;
	int superuser, inherit, createrole, createdb, canlogin, replication,
		bypassrls;
	bool has_connlimit;
	int32_t connlimit;
	const struct alx_sql_val *valid_until;
	bool sysid, members;
};

static int conflicting(struct alx_ddl *c)
{
	return alx_ddl_err(c, "42601", "conflicting or redundant options");
}

static int parse_opts(struct alx_ddl *c, const struct alx_sql_role *r,
		      struct role_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->superuser = o->inherit = o->createrole = o->createdb = -1;
	o->canlogin = o->replication = o->bypassrls = -1;
	static const struct {
		const char *name;
		size_t off;
	} flags[] = {
		{"superuser", offsetof(struct role_opts, superuser)},
		{"inherit", offsetof(struct role_opts, inherit)},
		{"createrole", offsetof(struct role_opts, createrole)},
		{"createdb", offsetof(struct role_opts, createdb)},
		{"canlogin", offsetof(struct role_opts, canlogin)},
		{"isreplication", offsetof(struct role_opts, replication)},
		{"bypassrls", offsetof(struct role_opts, bypassrls)},
	};
	for (uint32_t i = 0; i < r->noptions; i++) {
		const struct alx_sql_defelem *e = &r->options[i];
		const char *n = e->name.ptr;
		bool done = false;
		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
			if (strcmp(n, flags[k].name) != 0)
				continue;
			int *f = (int *)((char *)o + flags[k].off);
			if (*f >= 0)
				return conflicting(c);
			*f = strcmp(e->val.text.ptr, "true") == 0;
			done = true;
		}
		if (done)
			continue;
		if (strcmp(n, "password") == 0) {
			if (o->password != NULL)
				return conflicting(c);
			o->password = &e->val;
		} else if (strcmp(n, "connectionlimit") == 0) {
			if (o->has_connlimit)
				return conflicting(c);
			const char *t = e->val.text.ptr;
			char *end;
			errno = 0;
			long v = strtol(t, &end, 10);
			if (errno != 0 || *end != '\0' || v < -1 ||
			    v > INT32_MAX)
				return alx_ddl_err(c, "22023",
						   "invalid connection limit: "
						   "%s",
						   t);
			o->has_connlimit = true;
			o->connlimit = (int32_t)v;
		} else if (strcmp(n, "validUntil") == 0) {
			if (o->valid_until != NULL)
				return conflicting(c);
			o->valid_until = &e->val;
		} else if (strcmp(n, "sysid") == 0) {
			o->sysid = true;
		} else {
			/* addroleto, rolemembers, adminmembers */
			o->members = true;
		}
	}
	if (o->members)
		return alx_ddl_err(c, "0A000",
				   "role membership is not supported");
	/* Expiry is not enforced, so only "never" can be accepted. */
	if (o->valid_until != NULL &&
	    strcmp(o->valid_until->text.ptr, "infinity") != 0)
		return alx_ddl_err(c, "0A000",
				   "VALID UNTIL is not supported\nOnly VALID "
				   "UNTIL 'infinity' can be given.");
	return 0;
}

__attribute__((format(printf, 3, 4))) static void notice(struct alx_ddl *c,
							 const char *state,
							 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	snprintf(c->notice_state, sizeof(c->notice_state), "%s", state);
	vsnprintf(c->notice, sizeof(c->notice), fmt, ap);
	va_end(ap);
}

/* Apply PASSWORD to *verifier: NULL and '' clear it. */
static int set_password(struct alx_ddl *c, const struct role_opts *o,
			char **verifier)
{
	if (o->password == NULL)
		return 0;
	if (o->password->kind == ALX_SQL_VAL_NULL) {
		*verifier = NULL;
		return 0;
	}
	const char *pw = o->password->text.ptr;
	if (pw[0] == '\0') {
		notice(c, "00000",
		       "empty string is not a valid password, clearing "
		       "password");
		*verifier = NULL;
		return 0;
	}
	return password_verifier(c->b->a, pw, verifier, c->ex->d);
}

/* The session's role in the statement's catalog, or NULL. */
static const struct alx_cat_role *me(struct alx_ddl *c)
{
	return alx_sql_role_find(c->cat, alx_sql_session_user(c->b->s, c->cat));
}

static bool superuser(struct alx_ddl *c)
{
	const struct alx_cat_role *r = me(c);
	return r != NULL && r->superuser;
}

static bool have_createrole(struct alx_ddl *c)
{
	const struct alx_cat_role *r = me(c);
	return r != NULL && (r->superuser || r->createrole);
}

static bool reserved_name(const char *name)
{
	return strncmp(name, "pg_", 3) == 0;
}

static int create_role(struct alx_ddl *c, const struct alx_sql_role *r)
{
	struct role_opts o;
	snprintf(c->tag, sizeof(c->tag), "CREATE ROLE");
	int rc = parse_opts(c, r, &o);
	if (rc != 0)
		return rc;
	if (o.sysid)
		notice(c, "00000", "SYSID can no longer be specified");
	if (o.superuser > 0) {
		if (!superuser(c))
			return alx_ddl_err(c, "42501",
					   "must be superuser to create "
					   "superusers");
	} else if (o.replication > 0) {
		if (!superuser(c))
			return alx_ddl_err(c, "42501",
					   "must be superuser to create "
					   "replication users");
	} else if (o.bypassrls > 0) {
		if (!superuser(c))
			return alx_ddl_err(c, "42501",
					   "must be superuser to create "
					   "bypassrls users");
	} else if (!have_createrole(c)) {
		return alx_ddl_err(c, "42501",
				   "permission denied to create role");
	}
	/* The lexer already cut the name to 63 bytes, as PostgreSQL's. */
	const char *name = r->name.ptr;
	if (reserved_name(name))
		return alx_ddl_err(c, "42939",
				   "role name \"%s\" is reserved\nRole names "
				   "starting with \"pg_\" are reserved.",
				   name);
	if (alx_sql_role_find(c->cat, name) != NULL)
		return alx_ddl_err(c, "42710", "role \"%s\" already exists",
				   name);
	struct alx_cat_role n = {
		.name = (char *)name,
		.superuser = o.superuser > 0,
		.inherit = o.inherit != 0, /* default true */
		.createrole = o.createrole > 0,
		.createdb = o.createdb > 0,
		.can_login = o.canlogin < 0 ? r->is_user : o.canlogin > 0,
		.replication = o.replication > 0,
		.bypassrls = o.bypassrls > 0,
		.connlimit = o.has_connlimit ? o.connlimit : -1,
	};
	rc = set_password(c, &o, &n.verifier);
	if (rc == 0)
		rc = alx_cat_new_id(c->cat, c->ex->txn, &n.oid, c->ex->d);
	if (rc == 0)
		rc = alx_cat_put_role(c->cat, c->ex->txn, &n, c->ex->d);
	return rc;
}

/* The role an ALTER names: CURRENT_USER and friends are the session's. */
static const char *spec_name(struct alx_ddl *c, const struct alx_sql_role *r)
{
	if (r->spec != 0)
		return alx_sql_session_user(c->b->s, c->cat);
	return r->name.ptr;
}

static int rename_role(struct alx_ddl *c, const struct alx_sql_role *r)
{
	const char *old = r->name.ptr;
	const struct alx_cat_role *x = alx_sql_role_find(c->cat, old);
	if (x == NULL)
		return alx_ddl_err(c, "42704", "role \"%s\" does not exist",
				   old);
	/* Sessions here have one user: session and current user are it. */
	if (x == me(c))
		return alx_ddl_err(c, "0A000",
				   "session user cannot be renamed");
	if (reserved_name(x->name))
		return alx_ddl_err(c, "42939",
				   "role name \"%s\" is reserved\nRole names "
				   "starting with \"pg_\" are reserved.",
				   x->name);
	const char *name = r->newname.ptr;
	if (reserved_name(name))
		return alx_ddl_err(c, "42939",
				   "role name \"%s\" is reserved\nRole names "
				   "starting with \"pg_\" are reserved.",
				   name);
	if (alx_sql_role_find(c->cat, name) != NULL)
		return alx_ddl_err(c, "42710", "role \"%s\" already exists",
				   name);
	if (x->superuser) {
		if (!superuser(c))
			return alx_ddl_err(c, "42501",
					   "must be superuser to rename "
					   "superusers");
	} else if (!have_createrole(c)) {
		return alx_ddl_err(c, "42501",
				   "permission denied to rename role");
	}
	/* SCRAM secrets do not depend on the name (PostgreSQL clears only
	 * MD5 ones), so the password survives. */
	struct alx_cat_role n = *x;
	n.name = (char *)name;
	return alx_cat_put_role(c->cat, c->ex->txn, &n, c->ex->d);
}

static int alter_role(struct alx_ddl *c, const struct alx_sql_role *r)
{
	snprintf(c->tag, sizeof(c->tag), "ALTER ROLE");
	if (r->newname.ptr != NULL)
		return rename_role(c, r);
	struct role_opts o;
	int rc = parse_opts(c, r, &o);
	if (rc != 0)
		return rc;
	const char *name = spec_name(c, r);
	if (r->spec == 0 && reserved_name(name))
		return alx_ddl_err(c, "42939",
				   "role name \"%s\" is reserved\nCannot alter "
				   "reserved roles.",
				   name);
	const struct alx_cat_role *x = alx_sql_role_find(c->cat, name);
	if (x == NULL)
		return alx_ddl_err(c, "42704", "role \"%s\" does not exist",
				   name);
	if (x->superuser || o.superuser >= 0) {
		if (!superuser(c))
			return alx_ddl_err(c, "42501",
					   "must be superuser to alter "
					   "superuser roles or change "
					   "superuser attribute");
	} else if (x->replication || o.replication >= 0) {
		if (!superuser(c))
			return alx_ddl_err(c, "42501",
					   "must be superuser to alter "
					   "replication roles or change "
					   "replication attribute");
	} else if (o.bypassrls >= 0) {
		if (!superuser(c))
			return alx_ddl_err(c, "42501",
					   "must be superuser to change "
					   "bypassrls attribute");
	} else if (!have_createrole(c)) {
		/* Anyone may change their own password, nothing else. */
		if (!(o.inherit < 0 && o.createrole < 0 && o.createdb < 0 &&
		      o.canlogin < 0 && !o.has_connlimit &&
		      o.valid_until == NULL && o.password != NULL &&
		      x == me(c)))
			return alx_ddl_err(c, "42501", "permission denied");
	}
	struct alx_cat_role n = *x;
	if (o.superuser >= 0)
		n.superuser = o.superuser;
	if (o.inherit >= 0)
		n.inherit = o.inherit;
	if (o.createrole >= 0)
		n.createrole = o.createrole;
	if (o.createdb >= 0)
		n.createdb = o.createdb;
	if (o.canlogin >= 0)
		n.can_login = o.canlogin;
	if (o.replication >= 0)
		n.replication = o.replication;
	if (o.bypassrls >= 0)
		n.bypassrls = o.bypassrls;
	if (o.has_connlimit)
		n.connlimit = o.connlimit;
	rc = set_password(c, &o, &n.verifier);
	if (rc == 0)
		rc = alx_cat_put_role(c->cat, c->ex->txn, &n, c->ex->d);
	return rc;
}

int alx_exec_role(struct alx_ddl *c, const struct alx_sql_stmt *st)
{
	if (st->kind == ALX_SQL_STMT_CREATE_ROLE)
		return create_role(c, st->u.role);
	return alter_role(c, st->u.role);
}

int alx_exec_drop_role(struct alx_ddl *c, const struct alx_sql_drop *d)
{
	snprintf(c->tag, sizeof(c->tag), "DROP ROLE");
	if (!have_createrole(c))
		return alx_ddl_err(c, "42501",
				   "permission denied to drop role");
	for (uint32_t i = 0; i < d->nnames; i++) {
		const struct alx_sql_names *nm = &d->names[i];
		const char *name = nm->v[nm->n - 1].ptr;
		if (strcmp(name, "public") == 0)
			return alx_ddl_err(c, "22023",
					   "cannot use special role specifier "
					   "in DROP ROLE");
		const struct alx_cat_role *x = alx_sql_role_find(c->cat, name);
		if (x == NULL) {
			if (!d->if_exists)
				return alx_ddl_err(c, "42704",
						   "role \"%s\" does not exist",
						   name);
			notice(c, "00000",
			       "role \"%s\" does not exist, skipping", name);
			continue;
		}
		if (x == me(c))
			return alx_ddl_err(c, "55006",
					   "current user cannot be dropped");
		if (x->superuser && !superuser(c))
			return alx_ddl_err(c, "42501",
					   "must be superuser to drop "
					   "superusers");
		if (x->oid == ALX_ROLE_BOOTSTRAP_OID || reserved_name(x->name))
			return alx_ddl_err(c, "2BP01",
					   "cannot drop role %s because it is "
					   "required by the database system",
					   x->name);
		int rc =
			alx_cat_drop_role(c->cat, c->ex->txn, x->oid, c->ex->d);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- bootstrap ------------------------------------------------------------ */

static int check_boot_name(const char *name, alopex_diag *d)
{
	size_t n = strlen(name);
	if (n == 0 || n > ALX_NAME_MAX || strcmp(name, "public") == 0 ||
	    strcmp(name, "none") == 0 || reserved_name(name))
		return alx_diag_set(d, ALOPEX_EINVAL, "42939",
				    "invalid bootstrap role name \"%s\"", name);
	return 0;
}

/* One attempt in its own transaction; ALOPEX_ECONFLICT to retry. */
static int bootstrap_once(struct alx_session *s, const char *name,
			  const char *password, struct alx_arena *a)
{
	struct alx_catalog *cat = NULL;
	int rc = alx_session_stmt_begin(s);
	if (rc == 0)
		rc = alx_session_ddl_catalog(s, &cat);
	if (rc != 0)
		goto fail;
	char *verifier = NULL;
	if (password != NULL && password[0] != '\0') {
		rc = password_verifier(a, password, &verifier, &s->diag);
		if (rc != 0)
			goto fail;
	}
	const struct alx_cat_role *x = alx_sql_role_find(cat, name);
	const struct alx_cat_role *boot =
		alx_sql_role_by_oid(cat, ALX_ROLE_BOOTSTRAP_OID);
	struct alx_cat_role n;
	if (x != NULL) {
		if (x->superuser && x->can_login && password == NULL) {
			alx_catalog_unref(cat);
			return alx_session_stmt_end(s, false);
		}
		n = *x;
	} else if (!cat->roles_stored && boot != NULL) {
		/* Never written: the implicit superuser takes this name. */
		n = *boot;
	} else {
		n = (struct alx_cat_role){.inherit = true, .connlimit = -1};
		rc = alx_cat_new_id(cat, s->txn, &n.oid, &s->diag);
		if (rc != 0)
			goto fail;
	}
	n.name = (char *)name;
	n.superuser = n.can_login = true;
	n.createrole = n.createdb = n.replication = n.bypassrls = true;
	if (password != NULL)
		n.verifier = verifier;
	rc = alx_cat_put_role(cat, s->txn, &n, &s->diag);
	if (rc != 0)
		goto fail;
	alx_session_set_txn_catalog(s, cat);
	return alx_session_stmt_end(s, true);
fail:
	alx_catalog_unref(cat);
	alx_session_stmt_end(s, false);
	return rc;
}

int alx_sql_role_bootstrap(alopex_db *db, const char *name,
			   const char *password_or_null, alopex_diag *d)
{
	int rc = check_boot_name(name, d);
	if (rc != 0)
		return rc;
	struct alx_session *s = NULL;
	rc = alx_session_create(db, &s, d);
	if (rc != 0)
		return rc;
	struct alx_arena a;
	alx_arena_init(&a, s->db->rt, 0);
	/* A concurrent DDL commit conflicts on the catalog's meta row:
	 * retry a few times on a fresh snapshot. */
	for (int attempt = 0; attempt < 16; attempt++) {
		rc = bootstrap_once(s, name, password_or_null, &a);
		if (rc != ALOPEX_ECONFLICT)
			break;
	}
	if (rc != 0)
		*d = s->diag;
	alx_arena_fini(&a);
	alx_session_destroy(s);
	return rc;
}
