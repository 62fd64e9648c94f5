/*
 * alopex-server over pgwire with libpq, the library psql and most drivers
 * use: prepared statements, binary parameters and results, COPY both
 * ways, CancelRequest, statement_timeout, a wrong database, too many
 * clients, and hostile bytes on raw sockets (the server keeps serving the
 * other clients and loses no committed data). The server runs as a child
 * process on a free loopback port in a temporary directory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "alx_test.h"

static char *dir;
static pid_t server = -1;
static int port;
static char conninfo[256];

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	int p = -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		p = ntohs(a.sin_port);
	close(fd);
	return p;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static PGconn *connect_db(const char *db)
{
	char ci[300];
	snprintf(ci, sizeof(ci),
		 "host=127.0.0.1 port=%d user=postgres dbname=%s "
		 "connect_timeout=5 sslmode=disable",
		 port, db);
	return PQconnectdb(ci);
}

static int start_server(void)
{
	char cfg[512], log[512], data[512], ps[16];
	snprintf(cfg, sizeof(cfg), "%s/alopex.yaml", dir);
	snprintf(log, sizeof(log), "%s/server.log", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(ps, sizeof(ps), "%d", port);
	server = fork();
	if (server == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		execl(PGW_SERVER_PATH, PGW_SERVER_PATH, "--config", cfg,
		      "--port", ps, "--data", data, "--stop-grace", "5000",
		      (char *)NULL);
		_exit(127);
	}
	/* bounded wait until it accepts */
	for (int i = 0; i < 200; i++) {
		PGPing p = PQping(conninfo);
		if (p == PQPING_OK)
			return 0;
		int st;
		if (waitpid(server, &st, WNOHANG) == server) {
			server = -1;
			return -1;
		}
		sleep_ms(50);
	}
	return -1;
}

/* SIGTERM and a bounded wait; the exit status, or -1. */
static int stop_server(void)
{
	if (server <= 0)
		return -1;
	kill(server, SIGTERM);
	for (int i = 0; i < 300; i++) {
		int st;
		if (waitpid(server, &st, WNOHANG) == server) {
			server = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		sleep_ms(50);
	}
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	server = -1;
	return -1;
}

static int setup(void)
{
	dir = alx_test_tmpdir("pgwire");
	port = free_port();
	if (dir == NULL || port <= 0)
		return -1;
	snprintf(conninfo, sizeof(conninfo),
		 "host=127.0.0.1 port=%d user=postgres dbname=alopex "
		 "connect_timeout=5 sslmode=disable",
		 port);
	char cfg[512];
	snprintf(cfg, sizeof(cfg), "%s/alopex.yaml", dir);
	if (alx_test_write_file(cfg, "protocols:\n"
				     "  pgwire:\n"
				     "    max_connections: 6\n"
				     "    max_message_size: 1MB\n") != 0)
		return -1;
	return start_server();
}

static int teardown(void)
{
	int rc = stop_server();
	alx_test_rmdir(dir);
	free(dir);
	return rc == 0 ? 0 : -1;
}

static PGresult *exec_ok(PGconn *c, const char *sql, ExecStatusType want)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != want)
		fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(c));
	CU_ASSERT_EQUAL(PQresultStatus(r), want);
	return r;
}

static void exec_cmd(PGconn *c, const char *sql)
{
	PQclear(exec_ok(c, sql, PGRES_COMMAND_OK));
}

static int64_t count_rows(PGconn *c, const char *table)
{
	char q[128];
	snprintf(q, sizeof(q), "SELECT count(*) FROM %s", table);
	PGresult *r = PQexec(c, q);
	int64_t n = PQresultStatus(r) == PGRES_TUPLES_OK
			    ? strtoll(PQgetvalue(r, 0, 0), NULL, 10)
			    : -1;
	PQclear(r);
	return n;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_params_at_startup(void)
{
	PGconn *c = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	CU_ASSERT_STRING_EQUAL(PQparameterStatus(c, "server_encoding"), "UTF8");
	CU_ASSERT_STRING_EQUAL(PQparameterStatus(c, "integer_datetimes"), "on");
	CU_ASSERT_STRING_EQUAL(
		PQparameterStatus(c, "standard_conforming_strings"), "on");
	CU_ASSERT_STRING_EQUAL(PQparameterStatus(c, "session_authorization"),
			       "postgres");
	CU_ASSERT_PTR_NOT_NULL(
		strstr(PQparameterStatus(c, "server_version"), "Alopex"));
	CU_ASSERT_EQUAL(PQserverVersion(c), 150000);
	CU_ASSERT(PQbackendPID(c) > 0);
	CU_ASSERT_EQUAL(PQtransactionStatus(c), PQTRANS_IDLE);
	exec_cmd(c, "BEGIN");
	CU_ASSERT_EQUAL(PQtransactionStatus(c), PQTRANS_INTRANS);
	PQclear(PQexec(c, "SELECT 1/0"));
	CU_ASSERT_EQUAL(PQtransactionStatus(c), PQTRANS_INERROR);
	exec_cmd(c, "ROLLBACK");
	CU_ASSERT_EQUAL(PQtransactionStatus(c), PQTRANS_IDLE);
	PQfinish(c);
}

static void test_simple_multi(void)
{
	PGconn *c = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	exec_cmd(c, "CREATE TABLE multi (id int PRIMARY KEY, v text)");
	/* several statements, one message: the last result is returned */
	PGresult *r = exec_ok(c,
			      "INSERT INTO multi VALUES (1, 'a'); "
			      "INSERT INTO multi VALUES (2, 'b'); "
			      "SELECT v FROM multi ORDER BY id",
			      PGRES_TUPLES_OK);
	CU_ASSERT_EQUAL(PQntuples(r), 2);
	CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 1, 0), "b");
	PQclear(r);
	/* an error stops the rest and rolls the implicit block back */
	r = PQexec(c, "INSERT INTO multi VALUES (3, 'c'); "
		      "INSERT INTO multi VALUES (1, 'dup'); "
		      "INSERT INTO multi VALUES (4, 'd')");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_FATAL_ERROR);
	CU_ASSERT_STRING_EQUAL(PQresultErrorField(r, PG_DIAG_SQLSTATE),
			       "23505");
	PQclear(r);
	CU_ASSERT_EQUAL(count_rows(c, "multi"), 2);
	/* syntax errors carry a position */
	r = PQexec(c, "SELECT 1 FROM multi WHERE");
	CU_ASSERT_STRING_EQUAL(PQresultErrorField(r, PG_DIAG_SQLSTATE),
			       "42601");
	CU_ASSERT_PTR_NOT_NULL(
		PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION));
	PQclear(r);
	r = PQexec(c, "");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_EMPTY_QUERY);
	PQclear(r);
	PQfinish(c);
}

static void test_prepared(void)
{
	PGconn *c = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	exec_cmd(c, "CREATE TABLE prep (id int PRIMARY KEY, name text, "
		    "score float8)");
	PGresult *r = PQprepare(
		c, "ins", "INSERT INTO prep VALUES ($1, $2, $3)", 3, NULL);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	for (int i = 1; i <= 20; i++) {
		char id[16], name[16], score[32];
		snprintf(id, sizeof(id), "%d", i);
		snprintf(name, sizeof(name), "n%d", i);
		snprintf(score, sizeof(score), "%d.5", i);
		const char *v[3] = {id, name, i == 7 ? NULL : score};
		r = PQexecPrepared(c, "ins", 3, v, NULL, NULL, 0);
		CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
		CU_ASSERT_STRING_EQUAL(PQcmdTuples(r), "1");
		PQclear(r);
	}
	/* describe: parameter types inferred from the statement */
	r = PQprepare(c, "sel",
		      "SELECT id, name, score FROM prep WHERE id = $1", 1,
		      NULL);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	r = PQdescribePrepared(c, "sel");
	CU_ASSERT_EQUAL(PQnparams(r), 1);
	CU_ASSERT_EQUAL(PQparamtype(r, 0), 23);
	CU_ASSERT_EQUAL(PQnfields(r), 3);
	CU_ASSERT_EQUAL(PQftype(r, 1), 25);
	CU_ASSERT_EQUAL(PQftype(r, 2), 701);
	PQclear(r);
	/* binary parameter and binary results */
	uint32_t be = htonl(7);
	const char *pv[1] = {(const char *)&be};
	int plen[1] = {4}, pfmt[1] = {1};
	r = PQexecPrepared(c, "sel", 1, pv, plen, pfmt, 1);
	CU_ASSERT_EQUAL_FATAL(PQresultStatus(r), PGRES_TUPLES_OK);
	CU_ASSERT_EQUAL_FATAL(PQntuples(r), 1);
	CU_ASSERT_EQUAL(PQfformat(r, 0), 1);
	CU_ASSERT_EQUAL(PQgetlength(r, 0, 0), 4);
	uint32_t got;
	memcpy(&got, PQgetvalue(r, 0, 0), 4);
	CU_ASSERT_EQUAL(ntohl(got), 7);
	CU_ASSERT_EQUAL(PQgetlength(r, 0, 1), 2);
	CU_ASSERT_NSTRING_EQUAL(PQgetvalue(r, 0, 1), "n7", 2);
	CU_ASSERT(PQgetisnull(r, 0, 2));
	PQclear(r);
	be = htonl(3);
	r = PQexecPrepared(c, "sel", 1, pv, plen, pfmt, 1);
	CU_ASSERT_EQUAL_FATAL(PQntuples(r), 1);
	CU_ASSERT_EQUAL(PQgetlength(r, 0, 2), 8);
	uint64_t bits;
	memcpy(&bits, PQgetvalue(r, 0, 2), 8);
	bits = be64toh(bits);
	double d;
	memcpy(&d, &bits, 8);
	CU_ASSERT_DOUBLE_EQUAL(d, 3.5, 0);
	PQclear(r);
	/* text results of the same statement */
	const char *tv[1] = {"20"};
	r = PQexecPrepared(c, "sel", 1, tv, NULL, NULL, 0);
	CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 2), "20.5");
	PQclear(r);
	/* errors: unknown statement, wrong parameter count */
	r = PQexecPrepared(c, "nosuch", 0, NULL, NULL, NULL, 0);
	CU_ASSERT_STRING_EQUAL(PQresultErrorField(r, PG_DIAG_SQLSTATE),
			       "26000");
	PQclear(r);
	r = PQexecParams(c, "SELECT $1::int + 1", 0, NULL, NULL, NULL, NULL, 0);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	/* the session still works after the extended-query error */
	CU_ASSERT_EQUAL(count_rows(c, "prep"), 20);
	PQfinish(c);
}

static void test_single_row_mode(void)
{
	PGconn *c = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	CU_ASSERT_EQUAL(PQsendQueryParams(c,
					  "SELECT g FROM generate_series(1, "
					  "5000) g",
					  0, NULL, NULL, NULL, NULL, 0),
			1);
	CU_ASSERT_EQUAL(PQsetSingleRowMode(c), 1);
	int rows = 0, last = 0;
	PGresult *r;
	while ((r = PQgetResult(c)) != NULL) {
		if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
			rows++;
			last = atoi(PQgetvalue(r, 0, 0));
		} else {
			CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_TUPLES_OK);
		}
		PQclear(r);
	}
	CU_ASSERT_EQUAL(rows, 5000);
	CU_ASSERT_EQUAL(last, 5000);
	PQfinish(c);
}

static void test_copy(void)
{
	PGconn *c = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	exec_cmd(c, "CREATE TABLE cp (id int PRIMARY KEY, v text)");
	PGresult *r = exec_ok(c, "COPY cp FROM STDIN", PGRES_COPY_IN);
	PQclear(r);
	/* chunks that split rows */
	CU_ASSERT_EQUAL(PQputCopyData(c, "1\tone\n2\tt", 9), 1);
	CU_ASSERT_EQUAL(PQputCopyData(c, "wo\n3\t\\N\n", 8), 1);
	CU_ASSERT_EQUAL(PQputCopyEnd(c, NULL), 1);
	r = PQgetResult(c);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	CU_ASSERT_STRING_EQUAL(PQcmdTuples(r), "3");
	PQclear(r);
	PQclear(PQgetResult(c));
	/* CSV in */
	r = exec_ok(c, "COPY cp FROM STDIN WITH (FORMAT csv)", PGRES_COPY_IN);
	PQclear(r);
	PQputCopyData(c, "4,\"four, quoted\"\n", 17);
	PQputCopyEnd(c, NULL);
	r = PQgetResult(c);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQclear(PQgetResult(c));
	/* a bad row fails the whole COPY */
	r = exec_ok(c, "COPY cp FROM STDIN", PGRES_COPY_IN);
	PQclear(r);
	PQputCopyData(c, "5\tfive\nnotanumber\tx\n", 21);
	PQputCopyEnd(c, NULL);
	r = PQgetResult(c);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_FATAL_ERROR);
	CU_ASSERT_STRING_EQUAL(PQresultErrorField(r, PG_DIAG_SQLSTATE),
			       "22P02");
	PQclear(r);
	PQclear(PQgetResult(c));
	/* client-side abort */
	r = exec_ok(c, "COPY cp FROM STDIN", PGRES_COPY_IN);
	PQclear(r);
	PQputCopyData(c, "6\tsix\n", 6);
	PQputCopyEnd(c, "changed my mind");
	r = PQgetResult(c);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_FATAL_ERROR);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(PQresultErrorMessage(r), "changed my mind"));
	PQclear(r);
	PQclear(PQgetResult(c));
	CU_ASSERT_EQUAL(count_rows(c, "cp"), 4);
	/* COPY TO STDOUT */
	r = exec_ok(c, "COPY (SELECT * FROM cp ORDER BY id) TO STDOUT",
		    PGRES_COPY_OUT);
	PQclear(r);
	char all[256] = "";
	char *line;
	int n;
	while ((n = PQgetCopyData(c, &line, 0)) > 0) {
		strncat(all, line,
			(size_t)n < sizeof(all) - strlen(all) - 1
				? (size_t)n
				: sizeof(all) - strlen(all) - 1);
		PQfreemem(line);
	}
	CU_ASSERT_EQUAL(n, -1);
	r = PQgetResult(c);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQclear(PQgetResult(c));
	CU_ASSERT_STRING_EQUAL(all,
			       "1\tone\n2\ttwo\n3\t\\N\n4\tfour, quoted\n");
	/* COPY in the middle of a multi-statement query */
	r = PQexec(c, "SELECT 1; COPY cp FROM STDIN");
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COPY_IN);
	PQclear(r);
	PQputCopyData(c, "9\tnine\n", 7);
	PQputCopyEnd(c, NULL);
	while ((r = PQgetResult(c)) != NULL)
		PQclear(r);
	CU_ASSERT_EQUAL(count_rows(c, "cp"), 5);
	PQfinish(c);
}

static void test_cancel_and_timeout(void)
{
	PGconn *c = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	const char *slow = "SELECT count(*) FROM generate_series(1, 400000000)";
	CU_ASSERT_EQUAL(PQsendQuery(c, slow), 1);
	sleep_ms(300);
	PGcancel *cn = PQgetCancel(c);
	char err[256];
	CU_ASSERT_EQUAL(PQcancel(cn, err, sizeof(err)), 1);
	PQfreeCancel(cn);
	PGresult *r = PQgetResult(c);
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_FATAL_ERROR);
	CU_ASSERT_STRING_EQUAL(PQresultErrorField(r, PG_DIAG_SQLSTATE),
			       "57014");
	CU_ASSERT_PTR_NOT_NULL(
		strstr(PQresultErrorMessage(r), "due to user request"));
	PQclear(r);
	PQclear(PQgetResult(c));
	/* a cancel for a finished statement does not hit the next one */
	exec_cmd(c, "SET statement_timeout = 200");
	r = PQexec(c, slow);
	CU_ASSERT_STRING_EQUAL(PQresultErrorField(r, PG_DIAG_SQLSTATE),
			       "57014");
	CU_ASSERT_PTR_NOT_NULL(
		strstr(PQresultErrorMessage(r), "statement timeout"));
	PQclear(r);
	exec_cmd(c, "SET statement_timeout = 0");
	r = exec_ok(c, "SELECT 42", PGRES_TUPLES_OK);
	CU_ASSERT_STRING_EQUAL(PQgetvalue(r, 0, 0), "42");
	PQclear(r);
	PQfinish(c);
}

static void test_wrong_database(void)
{
	PGconn *c = connect_db("nosuchdb");
	CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_BAD);
	CU_ASSERT_PTR_NOT_NULL(strstr(PQerrorMessage(c),
				      "database \"nosuchdb\" does not exist"));
	PQfinish(c);
	/* the bootstrap user's default database is accepted */
	c = connect_db("postgres");
	CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_OK);
	PQfinish(c);
}

static void test_too_many_clients(void)
{
	PGconn *cs[6];
	int ok = 0;
	for (int i = 0; i < 6; i++) {
		cs[i] = PQconnectdb(conninfo);
		ok += PQstatus(cs[i]) == CONNECTION_OK;
	}
	CU_ASSERT_EQUAL(ok, 6);
	PGconn *extra = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL(PQstatus(extra), CONNECTION_BAD);
	CU_ASSERT_PTR_NOT_NULL(strstr(PQerrorMessage(extra),
				      "sorry, too many clients already"));
	PQfinish(extra);
	for (int i = 0; i < 6; i++)
		PQfinish(cs[i]);
	/* the slots come back (closing is asynchronous: bounded retry) */
	PGconn *again = NULL;
	for (int i = 0; i < 50; i++) {
		again = PQconnectdb(conninfo);
		if (PQstatus(again) == CONNECTION_OK)
			break;
		PQfinish(again);
		again = NULL;
		sleep_ms(50);
	}
	CU_ASSERT_PTR_NOT_NULL(again);
	PQfinish(again);
}

/* ---- raw sockets ------------------------------------------------------------- */

static int raw_connect(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read until EOF or timeout; bytes read, and *eof. */
static size_t raw_read(int fd, char *buf, size_t cap, int timeout_ms, int *eof)
{
	size_t n = 0;
	*eof = 0;
	while (n < cap) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, timeout_ms) <= 0)
			break;
		ssize_t r = read(fd, buf + n, cap - n);
		if (r <= 0) {
			*eof = 1;
			break;
		}
		n += (size_t)r;
	}
	return n;
}

static size_t startup_packet(uint8_t *b)
{
	size_t n = 8;
	const char kv[] = "user\0postgres\0database\0alopex\0";
	memcpy(b + 8, kv, sizeof(kv));
	n += sizeof(kv); /* includes the final NUL terminator */
	uint32_t len = htonl((uint32_t)n), ver = htonl(196608);
	memcpy(b, &len, 4);
	memcpy(b + 4, &ver, 4);
	return n;
}

static void test_hostile_bytes(void)
{
	PGconn *c = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	exec_cmd(c, "CREATE TABLE keep (id int PRIMARY KEY)");
	exec_cmd(c, "INSERT INTO keep SELECT g FROM generate_series(1, 100) "
		    "g");
	char buf[4096];
	int eof;

	/* garbage instead of a startup packet */
	int fd = raw_connect();
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "GET / HTTP/1.1\r\n\r\n", 18), 18);
	size_t n = raw_read(fd, buf, sizeof(buf), 3000, &eof);
	CU_ASSERT(eof);
	CU_ASSERT(n > 0 && buf[0] == 'E');
	close(fd);

	/* a truncated startup packet, then the client goes away */
	fd = raw_connect();
	uint8_t pkt[128];
	size_t plen = startup_packet(pkt);
	CU_ASSERT_EQUAL(write(fd, pkt, 10), 10);
	close(fd);

	/* a good startup, then a message declaring 2 GB */
	fd = raw_connect();
	CU_ASSERT_EQUAL(write(fd, pkt, plen), (ssize_t)plen);
	n = raw_read(fd, buf, sizeof(buf), 500, &eof);
	CU_ASSERT(n > 0 && buf[n - 6] == 'Z');
	uint8_t big[5] = {'Q', 0x7f, 0xff, 0xff, 0xff};
	CU_ASSERT_EQUAL(write(fd, big, 5), 5);
	n = raw_read(fd, buf, sizeof(buf), 3000, &eof);
	CU_ASSERT(eof);
	CU_ASSERT(n > 0 && buf[0] == 'E');
	CU_ASSERT(memmem(buf, n, "54000", 5) != NULL);
	close(fd);

	/* an unknown message type after startup */
	fd = raw_connect();
	CU_ASSERT_EQUAL(write(fd, pkt, plen), (ssize_t)plen);
	raw_read(fd, buf, sizeof(buf), 500, &eof);
	uint8_t odd[9] = {'!', 0, 0, 0, 8, 1, 2, 3, 4};
	CU_ASSERT_EQUAL(write(fd, odd, 9), 9);
	n = raw_read(fd, buf, sizeof(buf), 3000, &eof);
	CU_ASSERT(eof);
	CU_ASSERT(n > 0 && buf[0] == 'E');
	close(fd);

	/* a bad length field (smaller than the header) */
	fd = raw_connect();
	CU_ASSERT_EQUAL(write(fd, pkt, plen), (ssize_t)plen);
	raw_read(fd, buf, sizeof(buf), 500, &eof);
	uint8_t bad[5] = {'Q', 0, 0, 0, 1};
	CU_ASSERT_EQUAL(write(fd, bad, 5), 5);
	raw_read(fd, buf, sizeof(buf), 3000, &eof);
	CU_ASSERT(eof);
	close(fd);

	/* the other client was not disturbed and nothing was lost */
	CU_ASSERT_EQUAL(PQstatus(c), CONNECTION_OK);
	CU_ASSERT_EQUAL(count_rows(c, "keep"), 100);
	PQfinish(c);
}

static void test_restart_keeps_data(void)
{
	PGconn *c = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	exec_cmd(c, "CREATE TABLE durable (id int PRIMARY KEY, v text)");
	exec_cmd(c, "INSERT INTO durable SELECT g, 'v' || g FROM "
		    "generate_series(1, 500) g");
	/* SIGTERM while a client is connected: graceful stop */
	CU_ASSERT_EQUAL(stop_server(), 0);
	PGresult *r = PQexec(c, "SELECT 1");
	CU_ASSERT_NOT_EQUAL(PQresultStatus(r), PGRES_TUPLES_OK);
	PQclear(r);
	PQfinish(c);
	CU_ASSERT_EQUAL_FATAL(start_server(), 0);
	c = PQconnectdb(conninfo);
	CU_ASSERT_EQUAL_FATAL(PQstatus(c), CONNECTION_OK);
	CU_ASSERT_EQUAL(count_rows(c, "durable"), 500);
	CU_ASSERT_EQUAL(count_rows(c, "keep"), 100);
	PQfinish(c);
}

static const struct alx_test_case cases[] = {
	{"params_at_startup", test_params_at_startup},
	{"simple_multi", test_simple_multi},
	{"prepared", test_prepared},
	{"single_row_mode", test_single_row_mode},
	{"copy", test_copy},
	{"cancel_and_timeout", test_cancel_and_timeout},
	{"wrong_database", test_wrong_database},
	{"too_many_clients", test_too_many_clients},
	{"hostile_bytes", test_hostile_bytes},
	{"restart_keeps_data", test_restart_keeps_data},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"pgwire/libpq", setup, teardown,
					    cases};

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
