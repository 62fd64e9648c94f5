/*
 * libpq helpers for tests that talk to alopex-server (link with the PQ
 * option of alx_add_test).
 */
#ifndef ALX_TEST_PQ_H
#define ALX_TEST_PQ_H

#include <libpq-fe.h>

#include "alx_test.h"

/* The configuration most pgwire tests start the server with. */
#define ALX_TEST_PQ_CONFIG "protocols:\n  pgwire:\n    max_connections: 20\n"

/*
 * For tests built with pgw_testlib.c (tests/integration/pgwire): a static
 * struct pgwt_server srv, and the suite's setup() starting it with config
 * (and, _WORKERS, that many I/O workers) and teardown() stopping it (-1
 * when either fails).
 */
#define ALX_TEST_PQ_SERVER_SUITE_WORKERS(srv, tag, config, workers) \
	static struct pgwt_server srv;                              \
	static int setup(void)                                      \
	{                                                           \
		return pgwt_setup(&srv, tag, config, workers);      \
	}                                                           \
	static int teardown(void)                                   \
	{                                                           \
		return pgwt_teardown(&srv);                         \
	}
#define ALX_TEST_PQ_SERVER_SUITE(srv, tag, config) \
	ALX_TEST_PQ_SERVER_SUITE_WORKERS(srv, tag, config, 0)

/* A connection, or NULL (the error printed). */
PGconn *alx_test_pq_connect(const char *conninfo);

/* A simple query that must end in PGRES_COMMAND_OK. */
void alx_test_pq_ok_at(PGconn *c, const char *sql, const char *file, int line);
#define ALX_TEST_PQ_OK(c, sql) alx_test_pq_ok_at(c, sql, __FILE__, __LINE__)

/* alx_test_main with SIGPIPE ignored: a server that goes away must fail a
 * test, not kill the runner. */
int alx_test_pq_main(int argc, char **argv,
		     const struct alx_test_suite *const *suites);

#endif
