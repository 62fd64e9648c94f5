/* libpq helpers; see alx_test_pq.h. */
#include "alx_test_pq.h"

#include <signal.h>
#include <stdio.h>

PGconn *alx_test_pq_connect(const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

void alx_test_pq_ok_at(PGconn *c, const char *sql, const char *file, int line)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fprintf(stderr, "\n%s:%d: %s: %s", file, line, sql,
			PQresultErrorMessage(r));
	CU_ASSERT_EQUAL(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
}

int alx_test_pq_main(int argc, char **argv,
		     const struct alx_test_suite *const *suites)
{
	signal(SIGPIPE, SIG_IGN);
	return alx_test_main(argc, argv, suites);
}
