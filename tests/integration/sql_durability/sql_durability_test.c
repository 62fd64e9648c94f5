/*
 * Crash durability through SQL, as tests/integration/durability does for
 * the KV API: a child process inserts numbered rows with a prepared
 * statement and reports each one alopex_step acknowledged (autocommit);
 * every fifth row is instead a BEGIN ... COMMIT of two rows (the row and
 * its twin in a second table) acknowledged by the COMMIT. The parent
 * SIGKILLs the child at a random moment, reopens the directory and checks
 * that every acknowledged row is there, at most the one in flight beyond,
 * no holes, no half transaction, and secondary indexes agree with the
 * rows.
 *
 * The seed is printed; ALX_SQL_DURABILITY_SEED=<n> repeats a run.
 */
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "alx_test_proc.h"

#define CHILD_MAX_ROWS 200000u
#define CHILD_MAX_MS 15000
#define FIRST_ACK_MS 5000
#define KILL_DELAY_MAX_MS 1200
#define ROUND_MAX_MS 8000
#define TEST_BUDGET_MS 60000
#define ROUNDS 6

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void child_fail(const char *what, alopex_db *db)
{
	fprintf(stderr, "sql durability child: %s: %s %s\n", what,
		db ? alopex_sqlstate(db) : "", db ? alopex_errmsg(db) : "");
	_exit(3);
}

/* arg: the data directory */
static void child_main(void *arg, int fd)
{
	const char *dir = arg;
	alopex_db *db = NULL;
	alopex_diag d = {0};
	if (alopex_open_ex(dir, NULL, &alx_test_quiet_open, &db, &d) != 0) {
		fprintf(stderr, "child open: %s\n", d.message);
		_exit(3);
	}
	alopex_stmt *ins = NULL, *twin = NULL;
	if (alopex_prepare(db,
			   "INSERT INTO rows (id, payload) VALUES ($1, "
			   "'p' || $1::text)",
			   &ins) != 0 ||
	    alopex_prepare(db, "INSERT INTO twins VALUES ($1)", &twin) != 0)
		child_fail("prepare", db);
	int64_t start = alx_test_now_ms();
	for (uint32_t i = 0; i < CHILD_MAX_ROWS; i++) {
		if (alx_test_now_ms() - start > CHILD_MAX_MS)
			break;
		bool txn = i % 5 == 4;
		if (txn && alopex_exec(db, "BEGIN") != 0)
			child_fail("begin", db);
		alopex_reset(ins);
		alopex_bind_int64(ins, 1, i);
		if (alopex_step(ins) != ALOPEX_DONE)
			child_fail("insert", db);
		if (txn) {
			alopex_reset(twin);
			alopex_bind_int64(twin, 1, i);
			if (alopex_step(twin) != ALOPEX_DONE)
				child_fail("insert twin", db);
			if (alopex_exec(db, "COMMIT") != 0)
				child_fail("commit", db);
		}
		/* only now is row i acknowledged */
		if (write(fd, &i, sizeof(i)) != (ssize_t)sizeof(i))
			_exit(4);
	}
	alx_test_child_linger(start, CHILD_MAX_MS);
}

struct round {
	int64_t acked; /* highest acknowledged row, -1: none */
	char err[256];
};

static void run_child(pid_t pid, int fd, unsigned delay_ms, struct round *r)
{
	uint8_t buf[4096];
	size_t have = 0;
	int64_t start = alx_test_now_ms(), first = -1;
	for (;;) {
		int64_t now = alx_test_now_ms();
		if (first < 0 && now - start > FIRST_ACK_MS)
			break;
		if (first >= 0 && now - first >= delay_ms)
			break;
		if (now - start > ROUND_MAX_MS)
			break;
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 5) <= 0)
			continue;
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		size_t used = 0;
		while (have - used >= sizeof(uint32_t)) {
			uint32_t i;
			memcpy(&i, buf + used, sizeof(i));
			used += sizeof(i);
			if ((int64_t)i != r->acked + 1)
				snprintf(r->err, sizeof(r->err),
					 "ack out of order: %u", i);
			r->acked = i;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
		if (first < 0 && r->acked >= 0)
			first = alx_test_now_ms();
	}
	int status = 0;
	int killed = alx_test_child_kill(pid, &status);
	for (int guard = 0; guard < 1000000; guard++) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		size_t used = 0;
		while (have - used >= sizeof(uint32_t)) {
			uint32_t i;
			memcpy(&i, buf + used, sizeof(i));
			used += sizeof(i);
			r->acked = i;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	if (killed != 0)
		snprintf(r->err, sizeof(r->err),
			 "child ended on its own (status %d): see its stderr",
			 status);
	else if (first < 0)
		snprintf(r->err, sizeof(r->err), "no row acknowledged");
}

static int64_t query_int(alopex_db *db, const char *sql, int *ok)
{
	alopex_stmt *st = NULL;
	int64_t v = -1;
	*ok = 0;
	if (alopex_prepare(db, sql, &st) != 0)
		return v;
	if (alopex_step(st) == ALOPEX_ROW) {
		v = alopex_column_type(st, 0) == ALOPEX_TYPE_NULL
			    ? -1
			    : alopex_column_int64(st, 0);
		*ok = alopex_step(st) == ALOPEX_DONE;
	}
	alopex_finalize(st);
	return v;
}

static void verify(const char *dir, struct round *r)
{
	alopex_db *db = NULL;
	alopex_diag d = {0};
	int rc = alopex_open_ex(dir, NULL, &alx_test_quiet_open, &db, &d);
	if (rc != 0)
		fprintf(stderr, "reopen: %s\n", d.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	int ok;
	int64_t n = query_int(db, "SELECT count(*) FROM rows", &ok);
	CU_ASSERT(ok);
	int64_t top = query_int(db, "SELECT max(id) FROM rows", &ok);
	CU_ASSERT(ok);
	/* no holes: rows 0..top, all of them */
	if (n != top + 1)
		snprintf(r->err, sizeof(r->err),
			 "%" PRId64 " rows but the highest id is %" PRId64, n,
			 top);
	if (top < r->acked)
		snprintf(r->err, sizeof(r->err),
			 "acknowledged row %" PRId64 " lost (rows end at "
			 "%" PRId64 ")",
			 r->acked, top);
	if (top > r->acked + 1)
		snprintf(r->err, sizeof(r->err),
			 "row %" PRId64 " present, only %" PRId64
			 " acknowledged",
			 top, r->acked);
	/* transactions are whole: each twin has its row and back */
	int64_t lonely = query_int(db,
				   "SELECT count(*) FROM rows r WHERE r.id % 5 "
				   "= 4 AND NOT EXISTS (SELECT 1 FROM twins t "
				   "WHERE t.id = r.id)",
				   &ok);
	CU_ASSERT(ok);
	int64_t orphans = query_int(db,
				    "SELECT count(*) FROM twins t LEFT JOIN "
				    "rows r ON r.id = t.id WHERE r.id IS NULL",
				    &ok);
	CU_ASSERT(ok);
	if (lonely != 0 || orphans != 0)
		snprintf(r->err, sizeof(r->err),
			 "torn transaction: %" PRId64 " rows without twin, "
			 "%" PRId64 " twins without row",
			 lonely, orphans);
	/* the secondary index agrees with the rows */
	int64_t via_index = query_int(db,
				      "SELECT count(*) FROM rows WHERE payload "
				      "= 'p' || (SELECT max(id) FROM "
				      "rows)::text",
				      &ok);
	if (top >= 0 && via_index != 1)
		snprintf(r->err, sizeof(r->err),
			 "index lookup of the last row found %" PRId64,
			 via_index);
	/* the table keeps working */
	char sql[128];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO rows (id, payload) VALUES (%" PRId64 ", 'x')",
		 top + 1);
	CU_ASSERT_EQUAL(alopex_exec(db, sql), 0);
	CU_ASSERT_EQUAL(alopex_close(db), 0);
}

static void test_kill(void)
{
	const char *s = getenv("ALX_SQL_DURABILITY_SEED");
	uint64_t seed = s && *s ? strtoull(s, NULL, 0)
				: (uint64_t)time(NULL) ^ (uint64_t)getpid();
	printf("\n  seed %" PRIu64 " (ALX_SQL_DURABILITY_SEED repeats it)",
	       seed);
	uint64_t rs = seed;
	int64_t t0 = alx_test_now_ms();
	for (unsigned round = 0; round < ROUNDS; round++) {
		if (alx_test_now_ms() - t0 > TEST_BUDGET_MS)
			break;
		char *tmp = alx_test_tmpdir("sqldur");
		CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
		char dir[512];
		snprintf(dir, sizeof(dir), "%s/data", tmp);
		/* the schema exists before the child starts */
		alopex_db *db = NULL;
		alopex_diag d = {0};
		CU_ASSERT_EQUAL_FATAL(alopex_open_ex(dir, NULL,
						     &alx_test_quiet_open, &db,
						     &d),
				      0);
		CU_ASSERT_EQUAL(
			alopex_exec(db, "CREATE TABLE rows (id int PRIMARY "
					"KEY, payload text); CREATE INDEX "
					"rows_payload ON rows (payload); "
					"CREATE TABLE twins (id int PRIMARY "
					"KEY)"),
			0);
		CU_ASSERT_EQUAL_FATAL(alopex_close(db), 0);
		int rfd;
		pid_t pid = alx_test_child_start(child_main, dir, &rfd);
		CU_ASSERT_FATAL(pid >= 0);
		struct round r = {-1, ""};
		unsigned delay =
			(unsigned)(rng_next(&rs) % (KILL_DELAY_MAX_MS + 1));
		run_child(pid, rfd, delay, &r);
		close(rfd);
		if (r.err[0] == '\0')
			verify(dir, &r);
		printf("\n  round %u: kill at %u ms, acked %" PRId64 "%s%s",
		       round, delay, r.acked + 1, r.err[0] ? ": FAIL " : "",
		       r.err);
		if (r.err[0] != '\0')
			CU_FAIL(r.err);
		alx_test_rmdir(tmp);
		free(tmp);
	}
	printf("\n  ");
}

static const struct alx_test_case cases[] = {
	{"kill", test_kill},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"sql_durability", NULL, NULL,
					    cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
