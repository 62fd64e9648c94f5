/*
 * Authentication and TLS over pgwire with libpq and psql: SCRAM-SHA-256
 * logins for roles made with CREATE ROLE ... PASSWORD, the FATAL errors
 * PostgreSQL 15 sends for a wrong password, an unknown user (the same
 * 28P01: existence is not revealed), a NOLOGIN role (checked after the
 * password, as PostgreSQL does), ALTER ROLE ... PASSWORD, trust for the
 * bootstrap superuser by a per-user auth entry; the cleartext 'password'
 * method refused on plain sockets unless cleartext_without_tls is set;
 * TLS with a throwaway self-signed certificate made here with the openssl
 * tool (libpq sslmode=require, PQsslInUse, a large result through TLS,
 * psql's \conninfo), SSLRequest answered 'N' without a certificate (and
 * libpq's "server does not support SSL" message), GSSENCRequest declined.
 * Every expected error text was checked against PostgreSQL 15.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "alx_test.h"
#include "pgw_testlib.h"

static struct pgwt_server srv;
static char cert[600], key[600];

#define TRUST_POSTGRES "'127.0.0.1/32 postgres trust'"

static int restart(const char *config)
{
	if (srv.pid > 0 && pgwt_stop(&srv) != 0)
		return -1;
	if (pgwt_set_config(&srv, config) != 0)
		return -1;
	return pgwt_start(&srv);
}

static int setup(void)
{
	if (pgwt_init(&srv, "pgwauth", "") != 0)
		return -1;
	snprintf(cert, sizeof(cert), "%s/cert.pem", srv.dir);
	snprintf(key, sizeof(key), "%s/key.pem", srv.dir);
	char cmd[1600];
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt "
		 "ec_paramgen_curve:prime256v1 -nodes -keyout '%s' -out '%s' "
		 "-days 2 -subj /CN=localhost >/dev/null 2>&1",
		 key, cert);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static int teardown(void)
{
	int rc = srv.pid > 0 ? pgwt_stop(&srv) : 0;
	pgwt_fini(&srv);
	return rc == 0 ? 0 : -1;
}

/*
 * Connect with libpq, verbose errors from the start so a failed login
 * shows its SQLSTATE ("FATAL:  28P01: ..."). *msg gets the error text.
 */
static PGconn *login(const char *user, const char *password,
		     const char *sslmode, char *msg, size_t cap)
{
	char ci[512];
	snprintf(ci, sizeof(ci),
		 "host=127.0.0.1 port=%d user=%s dbname=postgres "
		 "connect_timeout=10 sslmode=%s gssencmode=disable%s%s",
		 srv.port, user, sslmode, password ? " password=" : "",
		 password ? password : "");
	PGconn *c = PQconnectStart(ci);
	if (c == NULL)
		return NULL;
	PQsetErrorVerbosity(c, PQERRORS_VERBOSE);
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	for (int i = 0; i < 1000 && PQstatus(c) != CONNECTION_BAD; i++) {
		st = PQconnectPoll(c);
		if (st == PGRES_POLLING_OK || st == PGRES_POLLING_FAILED)
			break;
		struct pollfd p = {
			PQsocket(c),
			st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
		poll(&p, 1, 1000);
	}
	snprintf(msg, cap, "%s", PQerrorMessage(c));
	return c;
}

/* A login that must fail with this text in its error. */
static void login_fails(const char *user, const char *password,
			const char *sslmode, const char *want)
{
	char msg[1024];
	PGconn *c = login(user, password, sslmode, msg, sizeof(msg));
	CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_BAD);
	if (strstr(msg, want) == NULL)
		fprintf(stderr, "\nlogin %s: want [%s]\n got [%s]\n", user,
			want, msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
	PQfinish(c);
}

/* A login that must work: the session's user, then a query. */
static void login_works(const char *user, const char *password,
			const char *sslmode, int want_ssl)
{
	char msg[1024];
	PGconn *c = login(user, password, sslmode, msg, sizeof(msg));
	if (PQstatus(c) != CONNECTION_OK)
		fprintf(stderr, "\nlogin %s failed: %s\n", user, msg);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	CU_ASSERT_EQUAL(PQsslInUse(c), want_ssl);
	CU_ASSERT_EQUAL(PQconnectionUsedPassword(c), password != NULL);
	PGresult *r = PQexec(c, "SELECT current_user");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_TUPLES_OK);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 0), user);
	PQclear(r);
	PQfinish(c);
}

static void exec_as_postgres(const char *sql)
{
	char msg[512];
	PGconn *c = login("postgres", NULL, "disable", msg, sizeof(msg));
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
}

/* Role u with password q, whatever ran before (tests run alone too). */
static void role_u(void)
{
	char msg[512];
	PGconn *c = login("postgres", NULL, "disable", msg, sizeof(msg));
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	PQclear(PQexec(c, "CREATE ROLE u"));
	PGresult *r = PQexec(c, "ALTER ROLE u LOGIN PASSWORD 'q'");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
}

/* First byte the server answers to an 8-byte request code, then whether
 * a normal startup works on the same connection. */
static char request_reply(uint32_t code, int *startup_ok)
{
	int fd = pgwt_raw_connect(srv.port);
	if (fd < 0)
		return 0;
	uint32_t pkt[2] = {htonl(8), htonl(code)};
	char reply = 0;
	if (write(fd, pkt, 8) == 8) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 5000) == 1 && read(fd, &reply, 1) != 1)
			reply = 0;
	}
	*startup_ok = reply == 'N' &&
		      pgwt_raw_startup(fd, "postgres", "postgres") == 0;
	close(fd);
	return reply;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_scram(void)
{
	CU_ASSERT_EQUAL_FATAL(
		restart("protocols:\n  pgwire:\n    auth: [" TRUST_POSTGRES
			", '127.0.0.1/32 scram-sha-256']\n"),
		0);
	/* the bootstrap superuser by trust: no password asked */
	login_works("postgres", NULL, "disable", 0);
	exec_as_postgres("CREATE ROLE u LOGIN PASSWORD 'p'");
	exec_as_postgres("CREATE ROLE nl NOLOGIN PASSWORD 'p'");
	exec_as_postgres("CREATE ROLE nopw LOGIN");

	login_works("u", "p", "disable", 0);
	login_fails("u", "wrong", "disable",
		    "FATAL:  28P01: password authentication failed for user "
		    "\"u\"");
	/* no such role, or no password: the same answer */
	login_fails("nosuch", "p", "disable",
		    "FATAL:  28P01: password authentication failed for user "
		    "\"nosuch\"");
	login_fails("nopw", "p", "disable",
		    "FATAL:  28P01: password authentication failed for user "
		    "\"nopw\"");
	/* NOLOGIN: told only with the right password */
	login_fails("nl", "p", "disable",
		    "FATAL:  28000: role \"nl\" is not permitted to log in");
	login_fails("nl", "wrong", "disable",
		    "FATAL:  28P01: password authentication failed for user "
		    "\"nl\"");

	exec_as_postgres("ALTER ROLE u PASSWORD 'q'");
	login_fails("u", "p", "disable",
		    "FATAL:  28P01: password authentication failed for user "
		    "\"u\"");
	login_works("u", "q", "disable", 0);
	exec_as_postgres("ALTER ROLE nl LOGIN");
	login_works("nl", "p", "disable", 0);
}

static void test_no_tls(void)
{
	/* no certificate */
	CU_ASSERT_EQUAL_FATAL(
		restart("protocols:\n  pgwire:\n    auth: [" TRUST_POSTGRES
			", '127.0.0.1/32 scram-sha-256']\n"),
		0);
	login_fails("postgres", NULL, "require",
		    "server does not support SSL, but SSL was required");
	int ok = 0;
	CU_ASSERT_EQUAL(request_reply(80877103, &ok), 'N'); /* SSLRequest */
	CU_ASSERT(ok);
	/* GSSENCRequest: declined, and the startup goes on in plain */
	CU_ASSERT_EQUAL(request_reply(80877104, &ok), 'N');
	CU_ASSERT(ok);
	char msg[512], ci[256];
	snprintf(ci, sizeof(ci),
		 "host=127.0.0.1 port=%d user=postgres dbname=postgres "
		 "connect_timeout=10 sslmode=prefer gssencmode=prefer",
		 srv.port);
	PGconn *c = PQconnectdb(ci);
	snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c));
	CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_OK);
	CU_ASSERT_EQUAL(PQsslInUse(c), 0);
	PQfinish(c);
}

static void test_cleartext(void)
{
	char cfg[2048];
	snprintf(cfg, sizeof(cfg),
		 "protocols:\n  pgwire:\n    tls_cert: '%s'\n"
		 "    tls_key: '%s'\n    auth: [" TRUST_POSTGRES
		 ", '127.0.0.1/32 password']\n",
		 cert, key);
	CU_ASSERT_EQUAL_FATAL(restart(cfg), 0);
	role_u();
	/* by default no cleartext password on a plain socket */
	login_fails("u", "q", "disable",
		    "FATAL:  28000: cleartext password authentication for "
		    "user \"u\" requires an SSL connection");
	/* through TLS it is fine */
	login_works("u", "q", "require", 1);
	login_fails("u", "p", "require",
		    "FATAL:  28P01: password authentication failed for user "
		    "\"u\"");
	login_fails("nosuch", "q", "require",
		    "FATAL:  28P01: password authentication failed for user "
		    "\"nosuch\"");

	/* allowed by configuration */
	CU_ASSERT_EQUAL_FATAL(
		restart("protocols:\n  pgwire:\n    cleartext_without_tls: "
			"true\n    auth: [" TRUST_POSTGRES
			", '127.0.0.1/32 password']\n"),
		0);
	login_works("u", "q", "disable", 0);
	login_fails("u", "p", "disable",
		    "FATAL:  28P01: password authentication failed for user "
		    "\"u\"");
}

static void test_tls(void)
{
	char cfg[2048];
	snprintf(cfg, sizeof(cfg),
		 "protocols:\n  pgwire:\n    tls_cert: '%s'\n"
		 "    tls_key: '%s'\n    auth: [" TRUST_POSTGRES
		 ", '127.0.0.1/32 scram-sha-256']\n",
		 cert, key);
	CU_ASSERT_EQUAL_FATAL(restart(cfg), 0);
	role_u();
	login_works("u", "q", "require", 1);
	login_works("postgres", NULL, "require", 1);
	/* TLS is offered, not imposed */
	login_works("u", "q", "disable", 0);

	char msg[512];
	PGconn *c = login("u", "q", "require", msg, sizeof(msg));
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	const char *proto = PQsslAttribute(c, "protocol");
	CU_ASSERT_PTR_NOT_NULL_FATAL(proto);
	CU_ASSERT_EQUAL(strncmp(proto, "TLSv1.", 6), 0);
	/* a result much larger than a TLS record and the output buffer */
	PGresult *r = PQexec(c, "SELECT g, repeat('x', 1000) FROM "
				"generate_series(1, 3000) g");
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_TUPLES_OK);
	CU_ASSERT_EQUAL(PQntuples(r), 3000);
	CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 2999, 0), "3000");
	CU_ASSERT_EQUAL(PQgetlength(r, 2999, 1), 1000);
	PQclear(r);
	/* and a large message the other way */
	char *big = malloc(300 * 1024);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	int n = snprintf(big, 64, "SELECT length('");
	memset(big + n, 'y', 200000);
	snprintf(big + n + 200000, 64, "')");
	r = PQexec(c, big);
	free(big);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_TUPLES_OK);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 0), "200000");
	PQclear(r);
	PQfinish(c);

	/* psql through TLS */
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "PGPASSWORD=q timeout 30 psql -X -At 'host=127.0.0.1 "
		 "port=%d user=u dbname=postgres sslmode=require' "
		 "-c 'SELECT 40 + 2' -c '\\conninfo' 2>&1",
		 srv.port);
	FILE *f = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char out[2048];
	size_t got = fread(out, 1, sizeof(out) - 1, f);
	out[got] = '\0';
	pclose(f);
	if (strncmp(out, "42\n", 3) != 0 ||
	    strstr(out, "SSL connection (protocol: TLSv1.") == NULL)
		fprintf(stderr, "psql said:\n%s", out);
	CU_ASSERT_EQUAL(strncmp(out, "42\n", 3), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "SSL connection (protocol: TLSv1."));
}

static const struct alx_test_case cases[] = {
	{"scram", test_scram},
	{"no_tls", test_no_tls},
	{"cleartext", test_cleartext},
	{"tls", test_tls},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/auth_tls", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
