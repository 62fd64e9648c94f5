/*
 * Roles: CREATE/ALTER/DROP ROLE|USER, their errors and notices (wording
 * and SQLSTATEs checked against PostgreSQL 15), SCRAM verifiers, the
 * bootstrap superuser, transactions, persistence, privileges, and the
 * lookups the server uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "crypto/alx_scram.h"
#include "sql/sql_catalog.h"
#include "sql/sql_roles.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

/* A verifier PostgreSQL 15 made for the password "p". */
#define PG_VERIFIER                                                       \
	"SCRAM-SHA-256$4096:ZDwZKpYZRpIT1XoIGvBXdw==$SirjfEeRdz8UcHuxeN/" \
	"oLwAPvV2Fgc89TFNtnUso9oA=:wTa+HZm/"                              \
	"xQPXSBJ6JLfeOVzfiiERkzLAnbvFAIb6Lag="

static struct alx_session *session(alopex_db *db, const char *user)
{
	struct alx_session *s = alx_test_session(db);
	if (user != NULL)
		CU_ASSERT_EQUAL_FATAL(alx_session_set_user(s, user), 0);
	return s;
}

/* Rows as text ('|' between columns, '\n' between rows) and the tag. */
struct out {
	char text[4096];
	size_t n;
	char tag[64];
};

static int collect(void *arg, struct alx_portal *pt,
		   const struct alx_value *row)
{
	struct out *o = arg;
	if (row == NULL) {
		snprintf(o->tag, sizeof(o->tag), "%s", alx_portal_tag(pt));
		return 0;
	}
	if (o->n > 0 && o->n < sizeof(o->text) - 1)
		o->text[o->n++] = '\n';
	for (uint32_t c = 0; c < alx_portal_ncols(pt); c++) {
		size_t len;
		const char *t = alx_portal_text(pt, &row[c], &len);
		o->n += (size_t)snprintf(o->text + o->n, sizeof(o->text) - o->n,
					 "%s%s", c ? "|" : "",
					 t ? t : "<null>");
		if (o->n >= sizeof(o->text))
			o->n = sizeof(o->text) - 1;
	}
	return 0;
}

static struct out last;

/* last, emptied for the next statement */
static struct out *fresh(void)
{
	memset(&last, 0, sizeof(last));
	return &last;
}

#define OK(s, sql) \
	alx_test_session_ok_at(s, sql, collect, fresh(), __FILE__, __LINE__)
/* The statement fails with this SQLSTATE and exact message. */
#define ERR(s, sql, st, msg)                                                 \
	alx_test_session_err_at(s, sql, collect, fresh(), st, msg, __FILE__, \
				__LINE__)

/* The last statement's NOTICE, or "" when none. */
static const char *notice(struct alx_session *s)
{
	const char *level = NULL, *state = NULL;
	const char *n = alx_session_last_notice(s, &level, &state);
	return n != NULL && strcmp(level, "NOTICE") == 0 ? n : "";
}

/* The role as the committed catalog has it (a copy), or false. */
static bool role_rec(struct alx_session *s, const char *name,
		     struct alx_cat_role *out, char *verifier, size_t vcap)
{
	struct alx_catalog *cat = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_session_catalog(s, &cat), 0);
	const struct alx_cat_role *r = alx_sql_role_find(cat, name);
	if (r != NULL) {
		*out = *r;
		out->name = NULL;
		snprintf(verifier, vcap, "%s", r->verifier ? r->verifier : "");
		out->verifier = NULL;
	}
	alx_catalog_unref(cat);
	return r != NULL;
}

/* The verifier is PostgreSQL's format and belongs to password. */
static void check_verifier(const char *v, const char *password)
{
	struct alx_scram_secret sec;
	CU_ASSERT_EQUAL_FATAL(alx_scram_parse(v, &sec), 0);
	CU_ASSERT_EQUAL(strncmp(v, "SCRAM-SHA-256$4096:", 19), 0);
	CU_ASSERT_EQUAL(sec.iterations, 4096);
	CU_ASSERT_EQUAL(sec.salt_len, 16);
	char again[ALX_SCRAM_VERIFIER_MAX];
	CU_ASSERT_EQUAL(alx_scram_verifier(password, strlen(password), sec.salt,
					   sec.salt_len, sec.iterations, again,
					   sizeof(again)),
			0);
	CU_ASSERT_STRING_EQUAL(again, v);
}

static void test_create(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("roles", &dir);
	struct alx_session *s = session(db, NULL);
	struct alx_role_info ri;
	alopex_diag d;

	OK(s, "CREATE ROLE a");
	CU_ASSERT_STRING_EQUAL(last.tag, "CREATE ROLE");
	CU_ASSERT_EQUAL_FATAL(alx_sql_role_get(db, "a", &ri, &d), 0);
	CU_ASSERT_FALSE(ri.can_login);
	CU_ASSERT_FALSE(ri.superuser);
	CU_ASSERT_STRING_EQUAL(ri.verifier, "");

	/* CREATE USER implies LOGIN; the tag is still CREATE ROLE */
	OK(s, "CREATE USER u1");
	CU_ASSERT_STRING_EQUAL(last.tag, "CREATE ROLE");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "u1", &ri, &d), 0);
	CU_ASSERT_TRUE(ri.can_login);
	OK(s, "CREATE USER u2 NOLOGIN");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "u2", &ri, &d), 0);
	CU_ASSERT_FALSE(ri.can_login);

	OK(s, "CREATE ROLE b WITH LOGIN SUPERUSER PASSWORD 'x'");
	CU_ASSERT_EQUAL_FATAL(alx_sql_role_get(db, "b", &ri, &d), 0);
	CU_ASSERT_TRUE(ri.can_login);
	CU_ASSERT_TRUE(ri.superuser);
	check_verifier(ri.verifier, "x");
	OK(s, "CREATE ROLE e ENCRYPTED PASSWORD 'x'");
	struct alx_role_info re;
	CU_ASSERT_EQUAL_FATAL(alx_sql_role_get(db, "e", &re, &d), 0);
	check_verifier(re.verifier, "x");
	CU_ASSERT_STRING_NOT_EQUAL(re.verifier, ri.verifier); /* own salt */

	OK(s, "CREATE ROLE f CREATEDB CREATEROLE NOINHERIT CONNECTION LIMIT 5 "
	      "REPLICATION BYPASSRLS VALID UNTIL 'infinity'");
	struct alx_cat_role r;
	char v[256];
	CU_ASSERT_FATAL(role_rec(s, "f", &r, v, sizeof(v)));
	CU_ASSERT_TRUE(r.createdb && r.createrole && r.replication &&
		       r.bypassrls);
	CU_ASSERT_FALSE(r.inherit || r.superuser || r.can_login);
	CU_ASSERT_EQUAL(r.connlimit, 5);
	CU_ASSERT_FATAL(role_rec(s, "a", &r, v, sizeof(v)));
	CU_ASSERT_TRUE(r.inherit);
	CU_ASSERT_EQUAL(r.connlimit, -1);
	CU_ASSERT(r.oid >= ALX_CAT_FIRST_ID);

	/* a SCRAM secret is stored as given, PASSWORD NULL is none */
	OK(s, "CREATE ROLE g PASSWORD '" PG_VERIFIER "'");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "g", &ri, &d), 0);
	CU_ASSERT_STRING_EQUAL(ri.verifier, PG_VERIFIER);
	OK(s, "CREATE ROLE h PASSWORD NULL");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "h", &ri, &d), 0);
	CU_ASSERT_STRING_EQUAL(ri.verifier, "");
	/* a broken secret is just a password */
	OK(s, "CREATE ROLE i PASSWORD 'SCRAM-SHA-256$bad'");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "i", &ri, &d), 0);
	check_verifier(ri.verifier, "SCRAM-SHA-256$bad");

	/* PostgreSQL 15: NOTICE, and no password */
	OK(s, "CREATE ROLE j PASSWORD ''");
	CU_ASSERT_STRING_EQUAL(notice(s), "empty string is not a valid "
					  "password, clearing password");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "j", &ri, &d), 0);
	CU_ASSERT_STRING_EQUAL(ri.verifier, "");
	OK(s, "CREATE ROLE k SYSID 5");
	CU_ASSERT_STRING_EQUAL(notice(s), "SYSID can no longer be specified");
	OK(s, "CREATE GROUP grp");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "grp", &ri, &d), 0);
	/* quoted names keep their case; "current_user" quoted is a name */
	OK(s, "CREATE ROLE \"Mixed\"");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "Mixed", &ri, &d), 0);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "mixed", &ri, &d),
			ALOPEX_ENOTFOUND);
	OK(s, "CREATE ROLE \"current_user\"");
	OK(s, "CREATE ROLE \"PUBLIC\"");
	OK(s, "CREATE ROLE \"NONE\"");
	/* identifiers longer than 63 bytes are cut (by the lexer) */
	OK(s, "CREATE ROLE averyveryveryveryveryveryveryveryveryveryveryvery"
	      "veryverylongname123");
	CU_ASSERT_EQUAL(alx_sql_role_get(db,
					 "averyveryveryveryveryveryveryveryvery"
					 "veryveryveryveryverylongna",
					 &ri, &d),
			0);
	alx_session_destroy(s);
	alx_test_close_dir(db, dir);
}

static void test_create_errors(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("roles", &dir);
	struct alx_session *s = session(db, NULL);
	OK(s, "CREATE ROLE a");
	ERR(s, "CREATE ROLE a", "42710", "role \"a\" already exists");
	ERR(s, "CREATE USER postgres", "42710",
	    "role \"postgres\" already exists");
	ERR(s, "CREATE ROLE public", "42939",
	    "role name \"public\" is reserved");
	ERR(s, "CREATE ROLE \"public\"", "42939",
	    "role name \"public\" is reserved");
	ERR(s, "CREATE ROLE none", "42939", "role name \"none\" is reserved");
	ERR(s, "CREATE ROLE \"none\"", "42939",
	    "role name \"none\" is reserved");
	ERR(s, "CREATE ROLE pg_x", "42939",
	    "role name \"pg_x\" is reserved\nRole names starting with \"pg_\" "
	    "are reserved.");
	ERR(s, "CREATE ROLE current_user", "42939",
	    "CURRENT_USER cannot be used as a role name here");
	ERR(s, "CREATE ROLE session_user", "42939",
	    "SESSION_USER cannot be used as a role name here");
	ERR(s, "CREATE ROLE c LOGIN LOGIN", "42601",
	    "conflicting or redundant options");
	ERR(s, "CREATE ROLE c LOGIN NOLOGIN", "42601",
	    "conflicting or redundant options");
	ERR(s, "CREATE ROLE c PASSWORD 'a' PASSWORD 'b'", "42601",
	    "conflicting or redundant options");
	ERR(s, "CREATE ROLE c NOINHERIT NOCREATEDB CREATEDB", "42601",
	    "conflicting or redundant options");
	ERR(s, "CREATE ROLE c UNENCRYPTED PASSWORD 'x'", "0A000",
	    "UNENCRYPTED PASSWORD is no longer supported");
	ERR(s, "CREATE ROLE c CONNECTION LIMIT -2", "22023",
	    "invalid connection limit: -2");
	ERR(s, "CREATE ROLE c IN ROLE a", "0A000",
	    "role membership is not supported");
	ERR(s, "CREATE ROLE c PASSWORD 'md5abcdef0123456789abcdef0123456789'",
	    "0A000",
	    "MD5 password hashes are not supported\nGive the password in "
	    "clear text or as a SCRAM-SHA-256 secret.");
	ERR(s, "CREATE ROLE c VALID UNTIL '2030-01-01'", "0A000",
	    "VALID UNTIL is not supported\nOnly VALID UNTIL 'infinity' can "
	    "be given.");
	struct alx_role_info ri;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "c", &ri, &d), ALOPEX_ENOTFOUND);
	CU_ASSERT_STRING_EQUAL(d.message, "role \"c\" does not exist");
	alx_session_destroy(s);
	alx_test_close_dir(db, dir);
}

static void test_alter(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("roles", &dir);
	struct alx_session *s = session(db, NULL);
	struct alx_role_info ri;
	alopex_diag d;
	OK(s, "CREATE ROLE a");
	ERR(s, "ALTER ROLE nosuch LOGIN", "42704",
	    "role \"nosuch\" does not exist");
	OK(s, "ALTER USER a LOGIN");
	CU_ASSERT_STRING_EQUAL(last.tag, "ALTER ROLE");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "a", &ri, &d), 0);
	CU_ASSERT_TRUE(ri.can_login);
	OK(s, "ALTER ROLE a WITH SUPERUSER PASSWORD 'pw'");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "a", &ri, &d), 0);
	CU_ASSERT_TRUE(ri.superuser);
	check_verifier(ri.verifier, "pw");
	ERR(s, "ALTER ROLE a WITH NOSUPERUSER SUPERUSER", "42601",
	    "conflicting or redundant options");

	/* RENAME keeps the SCRAM secret (PostgreSQL clears only MD5) */
	char before[256];
	snprintf(before, sizeof(before), "%s", ri.verifier);
	OK(s, "ALTER ROLE a RENAME TO a2");
	CU_ASSERT_STRING_EQUAL(last.tag, "ALTER ROLE");
	CU_ASSERT_STRING_EQUAL(notice(s), "");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "a", &ri, &d), ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "a2", &ri, &d), 0);
	CU_ASSERT_STRING_EQUAL(ri.verifier, before);
	OK(s, "CREATE ROLE b");
	ERR(s, "ALTER ROLE a2 RENAME TO b", "42710",
	    "role \"b\" already exists");
	ERR(s, "ALTER ROLE b RENAME TO b", "42710",
	    "role \"b\" already exists");
	ERR(s, "ALTER ROLE nosuch RENAME TO x", "42704",
	    "role \"nosuch\" does not exist");
	ERR(s, "ALTER ROLE pg_nosuch RENAME TO x", "42704",
	    "role \"pg_nosuch\" does not exist");
	ERR(s, "ALTER ROLE b RENAME TO pg_foo", "42939",
	    "role name \"pg_foo\" is reserved\nRole names starting with "
	    "\"pg_\" are reserved.");
	ERR(s, "ALTER ROLE b RENAME TO public", "42939",
	    "role name \"public\" is reserved");
	ERR(s, "ALTER ROLE postgres RENAME TO p2", "0A000",
	    "session user cannot be renamed");
	ERR(s, "ALTER ROLE current_user RENAME TO zz", "42939",
	    "CURRENT_USER cannot be used as a role name here");
	ERR(s, "ALTER ROLE pg_monitor LOGIN", "42939",
	    "role name \"pg_monitor\" is reserved\nCannot alter reserved "
	    "roles.");
	ERR(s, "ALTER ROLE public LOGIN", "42704",
	    "role \"public\" does not exist");
	ERR(s, "ALTER ROLE none LOGIN", "42939",
	    "role name \"none\" is reserved");

	/* PASSWORD NULL and '' clear the password */
	OK(s, "ALTER ROLE a2 PASSWORD NULL");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "a2", &ri, &d), 0);
	CU_ASSERT_STRING_EQUAL(ri.verifier, "");
	OK(s, "ALTER ROLE a2 PASSWORD 'again'");
	OK(s, "ALTER ROLE a2 PASSWORD ''");
	CU_ASSERT_STRING_EQUAL(notice(s), "empty string is not a valid "
					  "password, clearing password");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "a2", &ri, &d), 0);
	CU_ASSERT_STRING_EQUAL(ri.verifier, "");

	/* CURRENT_USER is the session's role */
	OK(s, "ALTER ROLE current_user CONNECTION LIMIT 7");
	struct alx_cat_role r;
	char v[256];
	CU_ASSERT_FATAL(role_rec(s, "postgres", &r, v, sizeof(v)));
	CU_ASSERT_EQUAL(r.connlimit, 7);
	CU_ASSERT_EQUAL(r.oid, ALX_ROLE_BOOTSTRAP_OID);
	alx_session_destroy(s);
	alx_test_close_dir(db, dir);
}

static void test_drop(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("roles", &dir);
	struct alx_session *s = session(db, NULL);
	struct alx_role_info ri;
	alopex_diag d;
	OK(s, "CREATE ROLE a; CREATE ROLE b; CREATE ROLE c");
	ERR(s, "DROP ROLE nosuch", "42704", "role \"nosuch\" does not exist");
	/* the whole statement fails: a stays */
	ERR(s, "DROP ROLE a, nosuch", "42704",
	    "role \"nosuch\" does not exist");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "a", &ri, &d), 0);
	OK(s, "DROP ROLE IF EXISTS nosuch, a");
	CU_ASSERT_STRING_EQUAL(last.tag, "DROP ROLE");
	CU_ASSERT_STRING_EQUAL(notice(s),
			       "role \"nosuch\" does not exist, skipping");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "a", &ri, &d), ALOPEX_ENOTFOUND);
	OK(s, "DROP USER IF EXISTS b, b");
	CU_ASSERT_STRING_EQUAL(last.tag, "DROP ROLE");
	CU_ASSERT_STRING_EQUAL(notice(s),
			       "role \"b\" does not exist, skipping");
	OK(s, "DROP GROUP c");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "c", &ri, &d), ALOPEX_ENOTFOUND);
	ERR(s, "DROP ROLE postgres", "55006", "current user cannot be dropped");
	ERR(s, "DROP ROLE public", "22023",
	    "cannot use special role specifier in DROP ROLE");
	ERR(s, "DROP ROLE current_user", "22023",
	    "cannot use special role specifier in DROP ROLE");
	/* another superuser cannot drop the bootstrap superuser either */
	OK(s, "CREATE ROLE admin SUPERUSER LOGIN");
	struct alx_session *s2 = session(db, "admin");
	ERR(s2, "DROP ROLE postgres", "2BP01",
	    "cannot drop role postgres because it is required by the "
	    "database system");
	ERR(s2, "DROP ROLE admin", "55006", "current user cannot be dropped");
	OK(s, "DROP ROLE admin"); /* other sessions' users can go */
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "admin", &ri, &d),
			ALOPEX_ENOTFOUND);
	alx_session_destroy(s2);
	alx_session_destroy(s);
	alx_test_close_dir(db, dir);
}

static void test_transactions(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("roles", &dir);
	struct alx_session *s = session(db, NULL);
	struct alx_role_info ri;
	alopex_diag d;
	struct alx_cat_role r;
	char v[256];
	OK(s, "BEGIN");
	OK(s, "CREATE ROLE tx PASSWORD 'p'");
	/* the transaction sees its role, the server's lookup does not */
	CU_ASSERT_TRUE(role_rec(s, "tx", &r, v, sizeof(v)));
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "tx", &ri, &d), ALOPEX_ENOTFOUND);
	ERR(s, "CREATE ROLE tx", "42710", "role \"tx\" already exists");
	OK(s, "ROLLBACK");
	CU_ASSERT_FALSE(role_rec(s, "tx", &r, v, sizeof(v)));
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "tx", &ri, &d), ALOPEX_ENOTFOUND);

	OK(s, "BEGIN; CREATE ROLE t1; SAVEPOINT sp; DROP ROLE t1; "
	      "CREATE ROLE t2; ROLLBACK TO sp; ALTER ROLE t1 LOGIN; COMMIT");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "t1", &ri, &d), 0);
	CU_ASSERT_TRUE(ri.can_login);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "t2", &ri, &d), ALOPEX_ENOTFOUND);

	/* a rolled back rename and drop change nothing */
	OK(s, "BEGIN; ALTER ROLE t1 RENAME TO t3; DROP ROLE t3; ROLLBACK");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "t1", &ri, &d), 0);

	/* two sessions creating roles at once: the second waits for the
	 * first's catalog row lock (one thread here: lock_timeout ends it) */
	struct alx_session *s2 = session(db, NULL);
	OK(s2, "SET lock_timeout = '50ms'");
	OK(s, "BEGIN; CREATE ROLE c1");
	CU_ASSERT_EQUAL(
		alx_test_session_run(s2, "CREATE ROLE c2", collect, fresh()),
		ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(s2)->sqlstate, "55P03");
	OK(s, "COMMIT");
	OK(s2, "CREATE ROLE c2");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "c1", &ri, &d), 0);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "c2", &ri, &d), 0);
	alx_session_destroy(s2);
	alx_session_destroy(s);
	alx_test_close_dir(db, dir);
}

static int count_roles(void *ctx, const struct alx_cat_role *r)
{
	uint32_t *n = ctx;
	/* oid order */
	static uint32_t prev;
	if (*n == 0)
		prev = 0;
	CU_ASSERT(r->oid > prev);
	prev = r->oid;
	(*n)++;
	return 0;
}

static int stop_at_two(void *ctx, const struct alx_cat_role *r)
{
	(void)r;
	return ++*(int *)ctx == 2 ? 42 : 0;
}

static void test_persistence(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("roles", &dir);
	struct alx_session *s = session(db, NULL);
	OK(s, "CREATE ROLE keep LOGIN PASSWORD 'secret' CONNECTION LIMIT 3");
	OK(s, "CREATE ROLE gone; DROP ROLE gone");
	OK(s, "CREATE ROLE old; ALTER ROLE old RENAME TO new");
	struct alx_role_info before, after;
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(alx_sql_role_get(db, "keep", &before, &d), 0);
	alx_session_destroy(s);
	CU_ASSERT_EQUAL(alopex_close(db), 0);

	db = alx_test_open_dir(dir, NULL);
	CU_ASSERT_EQUAL_FATAL(alx_sql_role_get(db, "keep", &after, &d), 0);
	CU_ASSERT_STRING_EQUAL(after.verifier, before.verifier);
	check_verifier(after.verifier, "secret");
	CU_ASSERT_TRUE(after.can_login);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "gone", &after, &d),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "old", &after, &d),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "new", &after, &d), 0);
	/* the bootstrap superuser was written out with the first role */
	CU_ASSERT_EQUAL_FATAL(alx_sql_role_get(db, "postgres", &after, &d), 0);
	CU_ASSERT_TRUE(after.superuser && after.can_login);
	CU_ASSERT_STRING_EQUAL(after.verifier, "");

	s = session(db, NULL);
	struct alx_catalog *cat = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_session_catalog(s, &cat), 0);
	uint32_t n = 0;
	CU_ASSERT_EQUAL(alx_sql_roles_list(cat, count_roles, &n), 0);
	CU_ASSERT_EQUAL(n, 3); /* postgres, keep, new */
	int k = 0;
	CU_ASSERT_EQUAL(alx_sql_roles_list(cat, stop_at_two, &k), 42);
	const struct alx_cat_role *boot =
		alx_sql_role_by_oid(cat, ALX_ROLE_BOOTSTRAP_OID);
	CU_ASSERT_PTR_NOT_NULL_FATAL(boot);
	CU_ASSERT_STRING_EQUAL(boot->name, "postgres");
	CU_ASSERT_TRUE(boot->superuser && boot->createrole && boot->createdb &&
		       boot->replication && boot->bypassrls && boot->inherit);
	const struct alx_cat_role *keep = alx_sql_role_find(cat, "keep");
	CU_ASSERT_PTR_NOT_NULL_FATAL(keep);
	CU_ASSERT_EQUAL(keep->connlimit, 3);
	CU_ASSERT_PTR_EQUAL(alx_sql_role_by_oid(cat, keep->oid), keep);
	CU_ASSERT_PTR_NULL(alx_sql_role_find(cat, "nobody"));
	alx_catalog_unref(cat);
	alx_session_destroy(s);
	alx_test_close_dir(db, dir);
}

static void test_bootstrap(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("roles", &dir);
	struct alx_role_info ri;
	alopex_diag d;
	/* a new database has postgres (trust: no password) */
	CU_ASSERT_EQUAL_FATAL(alx_sql_role_get(db, "postgres", &ri, &d), 0);
	CU_ASSERT_TRUE(ri.superuser && ri.can_login);
	CU_ASSERT_STRING_EQUAL(ri.verifier, "");
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "postgres", NULL, &d), 0);
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "postgres", NULL, &d), 0);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "postgres", &ri, &d), 0);
	CU_ASSERT_STRING_EQUAL(ri.verifier, "");
	/* with a password: set, kept by a later NULL */
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "postgres", "boot", &d), 0);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "postgres", &ri, &d), 0);
	check_verifier(ri.verifier, "boot");
	char v[256];
	snprintf(v, sizeof(v), "%s", ri.verifier);
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "postgres", NULL, &d), 0);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "postgres", &ri, &d), 0);
	CU_ASSERT_STRING_EQUAL(ri.verifier, v);
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "pg_x", NULL, &d),
			ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "public", NULL, &d),
			ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "", NULL, &d),
			ALOPEX_EINVAL);
	/* another name once roles exist: a new superuser; a demoted role
	 * of that name is made superuser again */
	CU_ASSERT_EQUAL(alopex_exec(db, "CREATE ROLE ops"), 0);
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "ops", PG_VERIFIER, &d), 0);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "ops", &ri, &d), 0);
	CU_ASSERT_TRUE(ri.superuser && ri.can_login);
	CU_ASSERT_STRING_EQUAL(ri.verifier, PG_VERIFIER);
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "ops2", NULL, &d), 0);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "ops2", &ri, &d), 0);
	CU_ASSERT_TRUE(ri.superuser);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "postgres", &ri, &d), 0);
	alx_test_close_dir(db, dir);

	/* a fresh database bootstrapped under another name: the implicit
	 * superuser takes it, and embedded sessions run as it */
	db = alx_test_open_tmp("roles", &dir);
	CU_ASSERT_EQUAL(alx_sql_role_bootstrap(db, "admin", "pw", &d), 0);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "admin", &ri, &d), 0);
	CU_ASSERT_TRUE(ri.superuser && ri.can_login);
	check_verifier(ri.verifier, "pw");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "postgres", &ri, &d),
			ALOPEX_ENOTFOUND);
	struct alx_session *s = session(db, NULL);
	OK(s, "SELECT current_user, session_user, user, current_role");
	CU_ASSERT_STRING_EQUAL(last.text, "admin|admin|admin|admin");
	alx_session_destroy(s);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
	db = alx_test_open_dir(dir, NULL);
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "admin", &ri, &d), 0);
	check_verifier(ri.verifier, "pw");
	alx_test_close_dir(db, dir);
}

static void test_current_user(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("roles", &dir);
	struct alx_session *s = session(db, NULL);
	CU_ASSERT_PTR_NULL(alx_session_user(s));
	OK(s, "SELECT current_user, session_user, user, current_role");
	CU_ASSERT_STRING_EQUAL(last.text,
			       "postgres|postgres|postgres|postgres");
	OK(s, "CREATE ROLE alice LOGIN");
	struct alx_session *a = session(db, "alice");
	CU_ASSERT_STRING_EQUAL(alx_session_user(a), "alice");
	OK(a, "SELECT current_user, session_user, user, current_role");
	CU_ASSERT_STRING_EQUAL(last.text, "alice|alice|alice|alice");
	OK(a, "SHOW session_authorization");
	CU_ASSERT_STRING_EQUAL(last.text, "alice");
	OK(a, "SHOW is_superuser");
	CU_ASSERT_STRING_EQUAL(last.text, "off");
	OK(s, "SHOW is_superuser");
	CU_ASSERT_STRING_EQUAL(last.text, "on");
	CU_ASSERT_EQUAL(alx_session_set_user(a, ""), ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(
		alx_session_set_user(a, "a123456789012345678901234567890123456"
					"789012345678901234567890123"),
		ALOPEX_EINVAL);
	CU_ASSERT_STRING_EQUAL(alx_session_user(a), "alice");
	/* the embedded API's own session */
	CU_ASSERT_STRING_EQUAL(
		alopex_exec(db, "SELECT 1") == 0 ? "ok" : "failed", "ok");
	alx_session_destroy(a);
	alx_session_destroy(s);
	alx_test_close_dir(db, dir);
}

static void test_privileges(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("roles", &dir);
	struct alx_session *s = session(db, NULL);
	OK(s, "CREATE ROLE bob LOGIN; CREATE ROLE cr LOGIN CREATEROLE; "
	      "CREATE ROLE victim; CREATE ROLE rep REPLICATION");
	struct alx_session *b = session(db, "bob");
	ERR(b, "CREATE ROLE z", "42501", "permission denied to create role");
	ERR(b, "CREATE ROLE z SUPERUSER", "42501",
	    "must be superuser to create superusers");
	ERR(b, "DROP ROLE victim", "42501", "permission denied to drop role");
	ERR(b, "ALTER ROLE victim LOGIN", "42501", "permission denied");
	ERR(b, "ALTER ROLE bob CREATEDB", "42501", "permission denied");
	ERR(b, "ALTER ROLE victim RENAME TO v2", "42501",
	    "permission denied to rename role");
	/* one's own password is allowed */
	OK(b, "ALTER ROLE bob PASSWORD 'mine'");
	struct alx_role_info ri;
	alopex_diag d;
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "bob", &ri, &d), 0);
	check_verifier(ri.verifier, "mine");
	ERR(b, "ALTER ROLE victim PASSWORD 'x'", "42501", "permission denied");

	struct alx_session *c = session(db, "cr");
	ERR(c, "CREATE ROLE z SUPERUSER", "42501",
	    "must be superuser to create superusers");
	ERR(c, "CREATE ROLE z REPLICATION", "42501",
	    "must be superuser to create replication users");
	ERR(c, "CREATE ROLE z BYPASSRLS", "42501",
	    "must be superuser to create bypassrls users");
	OK(c, "CREATE ROLE z LOGIN PASSWORD 'zz'");
	OK(c, "ALTER ROLE z CREATEDB");
	OK(c, "ALTER ROLE z RENAME TO z2");
	ERR(c, "ALTER ROLE postgres PASSWORD 'x'", "42501",
	    "must be superuser to alter superuser roles or change superuser "
	    "attribute");
	ERR(c, "ALTER ROLE z2 SUPERUSER", "42501",
	    "must be superuser to alter superuser roles or change superuser "
	    "attribute");
	ERR(c, "ALTER ROLE rep LOGIN", "42501",
	    "must be superuser to alter replication roles or change "
	    "replication attribute");
	ERR(c, "ALTER ROLE z2 BYPASSRLS", "42501",
	    "must be superuser to change bypassrls attribute");
	ERR(c, "ALTER ROLE postgres RENAME TO p", "42501",
	    "must be superuser to rename superusers");
	ERR(c, "DROP ROLE postgres", "42501",
	    "must be superuser to drop superusers");
	OK(c, "DROP ROLE z2, victim");
	CU_ASSERT_EQUAL(alx_sql_role_get(db, "victim", &ri, &d),
			ALOPEX_ENOTFOUND);
	/* a session whose role was dropped has no privileges */
	OK(s, "DROP ROLE bob");
	ERR(b, "CREATE ROLE y", "42501", "permission denied to create role");
	alx_session_destroy(c);
	alx_session_destroy(b);
	alx_session_destroy(s);
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"create", test_create},
	{"create_errors", test_create_errors},
	{"alter", test_alter},
	{"drop", test_drop},
	{"transactions", test_transactions},
	{"persistence", test_persistence},
	{"bootstrap", test_bootstrap},
	{"current_user", test_current_user},
	{"privileges", test_privileges},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"roles", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
