/*
 * Roles: CREATE/ALTER/DROP ROLE|USER, stored in the SQL catalog (key
 * 0x02 'R' oid), so they are durable and transactional like tables: a
 * rolled-back CREATE ROLE leaves nothing. Passwords are kept only as
 * PostgreSQL SCRAM-SHA-256 verifiers:
 *   SCRAM-SHA-256$4096:<salt b64>$<StoredKey b64>:<ServerKey b64>
 *
 * For the server (authentication): alx_sql_role_bootstrap once at start,
 * alx_sql_role_get per connection, alx_session_set_user after a
 * successful login. For pg_roles/pg_authid: alx_sql_roles_list over the
 * catalog a statement is bound against.
 */
#ifndef ALX_SQL_ROLES_H
#define ALX_SQL_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alopex.h"

struct alx_session;
struct alx_catalog;

struct alx_role_info {
	bool can_login, superuser;
	char verifier[256]; /* "" if no password */
};

/*
 * The committed role named name (exact, case-sensitive: the name as the
 * client sent it). 0, ALOPEX_ENOTFOUND if no such role, or an error.
 */
int alx_sql_role_get(alopex_db *db, const char *name, struct alx_role_info *out,
		     alopex_diag *d);

/*
 * Ensure a superuser login role named name exists (idempotent, in its own
 * transaction). A database that never had a role has an implicit
 * superuser "postgres" (oid 10, no password: trust); bootstrapping
 * another name there renames it, later it adds a superuser.
 * password_or_null non-NULL sets the password (a SCRAM verifier is stored
 * as is, "" clears it); NULL leaves an existing role's password as it is.
 * An existing role of that name is made superuser + login.
 */
int alx_sql_role_bootstrap(alopex_db *db, const char *name,
			   const char *password_or_null, alopex_diag *d);

/* The name of the bootstrap superuser embedded sessions run as. */
#define ALX_ROLE_BOOTSTRAP_DEFAULT "postgres"
/* Its oid, as initdb's BOOTSTRAP_SUPERUSERID. */
#define ALX_ROLE_BOOTSTRAP_OID 10

/*
 * The session's user (current_user, session_user, user). Embedded
 * sessions run as the bootstrap superuser; the server sets the
 * authenticated role right after alx_session_create (also sets the
 * session_authorization and is_superuser settings). Empty or longer than
 * 63 bytes: ALOPEX_EINVAL (session diag).
 */
int alx_session_set_user(struct alx_session *s, const char *name);
/* The name set by alx_session_set_user, or NULL if none was set. */
const char *alx_session_user(const struct alx_session *s);

/* ---- catalog records (for pg_roles / pg_authid) ---------------------- */

/* A role as stored; catalog records are immutable once published. */
struct alx_cat_role {
	uint32_t oid; /* pg_authid.oid */
	char *name;
	bool superuser, inherit, createrole, createdb, can_login, replication,
		bypassrls;
	int32_t connlimit; /* -1: no limit */
	char *verifier;	   /* NULL: no password */
};

/*
 * Calls fn for every role of the catalog in oid order (the roles a
 * statement bound against cat sees, including its own transaction's
 * uncommitted changes). A non-zero return of fn stops the walk and is
 * returned.
 */
typedef int (*alx_role_visit_fn)(void *ctx, const struct alx_cat_role *r);
int alx_sql_roles_list(const struct alx_catalog *cat, alx_role_visit_fn fn,
		       void *ctx);
/* By name (exact), or NULL. */
const struct alx_cat_role *alx_sql_role_find(const struct alx_catalog *cat,
					     const char *name);
/* By oid, or NULL (pg_get_userbyid). */
const struct alx_cat_role *alx_sql_role_by_oid(const struct alx_catalog *cat,
					       uint32_t oid);

/* ---- internal: executor and functions -------------------------------- */

struct alx_ddl;
struct alx_sql_stmt;
struct alx_sql_drop;

/* The name current_user/session_user/user return: the session's user,
 * else the bootstrap superuser of cat (oid 10). Never NULL. */
const char *alx_sql_session_user(const struct alx_session *s,
				 const struct alx_catalog *cat);
/* CREATE ROLE|USER, ALTER ROLE|USER (sql_exec_ddl.c dispatches here). */
int alx_exec_role(struct alx_ddl *c, const struct alx_sql_stmt *st);
/* DROP ROLE|USER [IF EXISTS] a, b, ... */
int alx_exec_drop_role(struct alx_ddl *c, const struct alx_sql_drop *d);

#endif
