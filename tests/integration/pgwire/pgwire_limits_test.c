/*
 * pgwire resource limits: idle_session_timeout closes an idle session
 * with FATAL 57P05 (not one inside a transaction block, not a busy one);
 * a client that asks for hundreds of megabytes of rows and never reads
 * them does not grow the server's memory without bound (RSS from
 * /proc/PID/status) and does not stop other clients; a message over
 * max_message_size closes that connection only, with FATAL 54000; a
 * thousand idle connections at once. The texts were checked against
 * PostgreSQL 15 where it has the same limit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "alx_test.h"
#include "pgw_testlib.h"

static struct pgwt_server srv;

#define NIDLE 1000

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
	/* ASan keeps freed memory in a quarantine (256 MB by default),
	 * which would hide what the server itself holds on to */
	const char *asan = getenv("ASAN_OPTIONS");
	char opts[512];
	snprintf(opts, sizeof(opts), "%s%squarantine_size_mb=16",
		 asan ? asan : "", asan && asan[0] ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
	return pgwt_init(&srv, "pgwlimits", "");
}

static int teardown(void)
{
	int rc = srv.pid > 0 ? pgwt_stop(&srv) : 0;
	pgwt_fini(&srv);
	return rc == 0 ? 0 : -1;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int query_int(PGconn *c, const char *sql, long *out)
{
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok)
		*out = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return ok ? 0 : -1;
}

/* ---- idle_session_timeout ------------------------------------------------- */

static void test_idle_session_timeout(void)
{
	CU_ASSERT_EQUAL_FATAL(
		restart("protocols:\n  pgwire:\n    idle_session_timeout: "
			"1s\n"),
		0);
	PGconn *idle = PQconnectdb(srv.conninfo);
	PGconn *inblock = PQconnectdb(srv.conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(idle), CONNECTION_OK);
	CU_ASSERT_EQUAL_FATAL(PQstatus(inblock), CONNECTION_OK);
	PQsetErrorVerbosity(idle, PQERRORS_VERBOSE);
	PQclear(PQexec(inblock, "BEGIN"));
	/* a raw client sees the FATAL arrive by itself, then EOF */
	int fd = pgwt_raw_connect(srv.port);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(pgwt_raw_startup(fd, "postgres", "postgres"), 0);
	int64_t t0 = now_ms();
	char tr[512];
	pgwt_trace(fd, 1, 4000, tr, sizeof(tr));
	int64_t waited = now_ms() - t0;
	CU_ASSERT_STRING_EQUAL(tr, "E:57P05 EOF");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('S'), "FATAL");
	CU_ASSERT_STRING_EQUAL(
		pgwt_last_error_field('M'),
		"terminating connection due to idle-session timeout");
	CU_ASSERT(waited >= 900 && waited < 3000);
	close(fd);
	/* a session that keeps working is not idle */
	PGconn *busy = PQconnectdb(srv.conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(busy), CONNECTION_OK);
	for (int i = 0; i < 10; i++) {
		long v = 0;
		CU_ASSERT_EQUAL(query_int(busy, "SELECT 1", &v), 0);
		pgwt_sleep_ms(250);
	}
	/* libpq finds the FATAL when it next uses the connection (the
	 * same text as PostgreSQL 15's) */
	PGresult *r = PQexec(idle, "SELECT 1");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_FATAL_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(PQerrorMessage(idle),
				      "FATAL:  57P05: terminating connection "
				      "due to idle-session timeout"));
	PQclear(r);
	CU_ASSERT_EQUAL(PQstatus(idle), CONNECTION_BAD);
	/* inside a transaction block: not closed */
	long v = 0;
	CU_ASSERT_EQUAL(query_int(inblock, "SELECT 2", &v), 0);
	CU_ASSERT_EQUAL(v, 2);
	PQclear(PQexec(inblock, "COMMIT"));
	CU_ASSERT_EQUAL(query_int(busy, "SELECT 3", &v), 0);
	PQfinish(idle);
	PQfinish(inblock);
	PQfinish(busy);
}

/* ---- a slow reader ---------------------------------------------------------- */

static void test_slow_reader(void)
{
	CU_ASSERT_EQUAL_FATAL(restart("protocols:\n  pgwire:\n    "
				      "output_buffer: 1MB\n"),
			      0);
	PGconn *other = PQconnectdb(srv.conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(other), CONNECTION_OK);
	long v = 0;
	CU_ASSERT_EQUAL(query_int(other, "SELECT 1", &v), 0);
	long before = pgwt_rss_kib(&srv);
	CU_ASSERT_FATAL(before > 0);

	int fd = pgwt_raw_connect(srv.port);
	CU_ASSERT_FATAL(fd >= 0);
	int small = 64 * 1024;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	CU_ASSERT_EQUAL_FATAL(pgwt_raw_startup(fd, "postgres", "postgres"), 0);
	/* about 600 MB of rows, never read */
	struct pgwt_msgbuf b = {0};
	pgwt_put_query(&b, "SELECT g, repeat('x', 1500) FROM "
			   "generate_series(1, 400000) g");
	CU_ASSERT_EQUAL_FATAL(pgwt_send(fd, &b), 0);
	pgwt_msgbuf_free(&b);
	long peak = before;
	for (int i = 0; i < 20; i++) {
		pgwt_sleep_ms(200);
		long now = pgwt_rss_kib(&srv);
		if (now > peak)
			peak = now;
		/* other clients are served meanwhile */
		if (i % 5 == 0) {
			int64_t t0 = now_ms();
			CU_ASSERT_EQUAL(query_int(other,
						  "SELECT count(*) FROM "
						  "generate_series(1, 1000)",
						  &v),
					0);
			CU_ASSERT_EQUAL(v, 1000);
			CU_ASSERT(now_ms() - t0 < 2000);
		}
	}
	fprintf(stderr, "\nslow reader: RSS %ld KiB before, %ld KiB peak\n",
		before, peak);
	CU_ASSERT(peak - before < 64 * 1024);
	/* what did arrive is the result: RowDescription, then rows */
	char tr[256];
	pgwt_trace_n(fd, 1, 4, 1000, tr, sizeof(tr));
	CU_ASSERT_STRING_EQUAL(tr, "T:00 D:1 D:2 D:3");
	close(fd);
	/* the statement stops when the client goes: the server is not
	 * left busy; the other client still works */
	CU_ASSERT_EQUAL(query_int(other, "SELECT 42", &v), 0);
	CU_ASSERT_EQUAL(v, 42);
	PQfinish(other);
}

/* ---- max_message_size ------------------------------------------------------- */

static void test_max_message_size(void)
{
	CU_ASSERT_EQUAL_FATAL(restart("protocols:\n  pgwire:\n    "
				      "max_message_size: 1MB\n"),
			      0);
	PGconn *other = PQconnectdb(srv.conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(other), CONNECTION_OK);
	PQclear(PQexec(other, "CREATE TABLE big (id int PRIMARY KEY)"));
	PQclear(PQexec(other, "INSERT INTO big VALUES (1), (2)"));

	/* just under the limit is fine */
	size_t n = 1000 * 1000;
	char *sql = malloc(n + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
	int k = snprintf(sql, 64, "SELECT length('");
	memset(sql + k, 'z', n - 100);
	snprintf(sql + k + n - 100, 64, "')");
	long v = 0;
	CU_ASSERT_EQUAL(query_int(other, sql, &v), 0);
	CU_ASSERT_EQUAL(v, (long)(n - 100));
	free(sql);

	/* a raw client declares 2 MB: FATAL 54000, then the socket closes
	 * (without the server reading the rest) */
	int fd = pgwt_raw_connect(srv.port);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(pgwt_raw_startup(fd, "postgres", "postgres"), 0);
	uint8_t hdr[5] = {'Q'};
	uint32_t len = htonl(2u * 1024 * 1024);
	memcpy(hdr + 1, &len, 4);
	CU_ASSERT_EQUAL(write(fd, hdr, 5), 5);
	CU_ASSERT_EQUAL(write(fd, "SELECT '", 8), 8);
	char tr[512];
	pgwt_trace(fd, 1, 3000, tr, sizeof(tr));
	CU_ASSERT_STRING_EQUAL(tr, "E:54000 EOF");
	CU_ASSERT_STRING_EQUAL(pgwt_last_error_field('S'), "FATAL");
	close(fd);

	/* libpq sending a 3 MB query loses its connection */
	PGconn *c = PQconnectdb(srv.conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	n = 3 * 1024 * 1024;
	sql = malloc(n + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
	k = snprintf(sql, 64, "SELECT length('");
	memset(sql + k, 'z', n);
	snprintf(sql + k + n, 64, "')");
	PGresult *r = PQexec(c, sql);
	free(sql);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_BAD);
	PQfinish(c);

	/* only those connections closed */
	CU_ASSERT_EQUAL(PQstatus(other), CONNECTION_OK);
	CU_ASSERT_EQUAL(query_int(other, "SELECT count(*) FROM big", &v), 0);
	CU_ASSERT_EQUAL(v, 2);
	PQfinish(other);
}

/* ---- many idle connections ------------------------------------------------ */

static void test_thousand_idle(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < NIDLE + 64 && rl.rlim_max >= NIDLE + 64) {
		rl.rlim_cur = NIDLE + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	/* the server inherits the limit; it needs one descriptor per
	 * client, as the test does */
	CU_ASSERT_FATAL(rl.rlim_cur >= NIDLE + 64);
	/* the default max_connections is 100, as PostgreSQL's: raise it */
	CU_ASSERT_EQUAL_FATAL(restart("protocols:\n  pgwire:\n    "
				      "max_connections: 1100\n"),
			      0);
	long before = pgwt_rss_kib(&srv);
	PGconn **cs = calloc(NIDLE, sizeof(*cs));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cs);
	int ok = 0;
	int64_t t0 = now_ms();
	for (int i = 0; i < NIDLE; i++) {
		cs[i] = PQconnectdb(srv.conninfo);
		if (PQstatus(cs[i]) == CONNECTION_OK)
			ok++;
		else if (ok == i)
			fprintf(stderr, "connection %d: %s", i,
				PQerrorMessage(cs[i]));
	}
	CU_ASSERT_EQUAL(ok, NIDLE);
	long during = pgwt_rss_kib(&srv);
	fprintf(stderr,
		"\n%d connections in %lld ms; server RSS %ld -> %ld KiB\n", ok,
		(long long)(now_ms() - t0), before, during);
	/* all of them answer */
	int answered = 0;
	for (int i = 0; i < NIDLE; i += 1) {
		long v = -1;
		if (PQstatus(cs[i]) == CONNECTION_OK &&
		    query_int(cs[i], "SELECT 7", &v) == 0 && v == 7)
			answered++;
	}
	CU_ASSERT_EQUAL(answered, NIDLE);
	for (int i = 0; i < NIDLE; i++)
		PQfinish(cs[i]);
	free(cs);
	/* and the server is fine afterwards */
	PGconn *c = NULL;
	for (int i = 0; i < 50; i++) {
		c = PQconnectdb(srv.conninfo);
		if (PQstatus(c) == CONNECTION_OK)
			break;
		PQfinish(c);
		c = NULL;
		pgwt_sleep_ms(100);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	long v = 0;
	CU_ASSERT_EQUAL(query_int(c, "SELECT 8", &v), 0);
	PQfinish(c);
}

static const struct alx_test_case cases[] = {
	{"idle_session_timeout", test_idle_session_timeout},
	{"slow_reader", test_slow_reader},
	{"max_message_size", test_max_message_size},
	{"thousand_idle", test_thousand_idle},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/limits", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
