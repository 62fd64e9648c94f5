/* The session API the protocols use: several sessions (40001), portals
 * run in pieces, parameter descriptions, COPY in text and CSV. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/sql_session.h"
#include "sql_exec_tests.h"

static struct alx_session *session(alopex_db *db)
{
	struct alx_session *s = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_session_create(db, &s, &d), 0);
	return s;
}

static int run(struct alx_session *s, const char *sql)
{
	int rc = alx_session_execute(s, sql, strlen(sql), NULL, NULL);
	return rc;
}

/*
 * Two sessions on one thread write the same row: the second waits for
 * the first's row lock, which cannot end here, so lock_timeout ends the
 * wait (55P03, as PostgreSQL 15 words it). sql_locks_test has the waits
 * that end.
 */
static void test_conflict(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE c (id int PRIMARY KEY, n int)");
	t_exec(db, "INSERT INTO c VALUES (1, 0), (2, 0)");
	struct alx_session *a = session(db), *b = session(db);
	CU_ASSERT_EQUAL(run(b, "SET lock_timeout = '50ms'"), 0);
	CU_ASSERT_EQUAL(run(a, "BEGIN"), 0);
	CU_ASSERT_EQUAL(run(b, "BEGIN"), 0);
	CU_ASSERT_EQUAL(run(a, "UPDATE c SET n = n + 1 WHERE id = 1"), 0);
	CU_ASSERT_EQUAL(run(b, "UPDATE c SET n = n + 1 WHERE id = 2"), 0);
	CU_ASSERT_EQUAL(run(b, "UPDATE c SET n = n + 10 WHERE id = 1"),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "55P03");
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->message,
			       "canceling statement due to lock timeout");
	CU_ASSERT_EQUAL(alx_session_txn_status(b), 'E');
	CU_ASSERT_EQUAL(run(b, "SELECT 1"), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "25P02");
	CU_ASSERT_EQUAL(run(b, "ROLLBACK"), 0);
	CU_ASSERT_EQUAL(alx_session_txn_status(b), 'I');
	CU_ASSERT_EQUAL(run(a, "COMMIT"), 0);
	/* b's next statement sees a's commit */
	CU_ASSERT_EQUAL(run(b, "UPDATE c SET n = n + 10 WHERE id = 1"), 0);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT n FROM c ORDER BY id"),
			       "11\n0");
	/* concurrent DDL conflicts too */
	CU_ASSERT_EQUAL(run(a, "BEGIN; CREATE TABLE x1 (a int)"), 0);
	CU_ASSERT_EQUAL(run(b, "CREATE TABLE x2 (a int)"), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "55P03");
	CU_ASSERT_EQUAL(run(a, "COMMIT"), 0);
	CU_ASSERT_EQUAL(run(b, "CREATE TABLE x2 (a int)"), 0);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT count(*) FROM x1, x2"), "0");
	/* two rows with one unique value cannot both commit */
	t_exec(db, "CREATE TABLE u (id int PRIMARY KEY, email text UNIQUE)");
	CU_ASSERT_EQUAL(run(a, "BEGIN; INSERT INTO u VALUES (1, 'x@y')"), 0);
	CU_ASSERT_EQUAL(run(b, "BEGIN"), 0);
	CU_ASSERT_EQUAL(run(b, "INSERT INTO u VALUES (2, 'x@y')"), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "55P03");
	CU_ASSERT_EQUAL(run(b, "ROLLBACK"), 0);
	CU_ASSERT_EQUAL(run(b, "BEGIN; INSERT INTO u VALUES (3, NULL)"), 0);
	CU_ASSERT_EQUAL(run(a, "INSERT INTO u VALUES (4, NULL); COMMIT"), 0);
	CU_ASSERT_EQUAL(run(b, "COMMIT"), 0);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT id, email FROM u ORDER BY "
					   "id"),
			       "1|x@y\n3|<null>\n4|<null>");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT id FROM u WHERE email = "
					   "'x@y'"),
			       "1");
	alx_session_destroy(a);
	alx_session_destroy(b);
	t_close(db, dir);
}

static void test_portals(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE pt (id int PRIMARY KEY, v varchar(8), n "
		   "numeric(6,2))");
	t_exec(db, "INSERT INTO pt SELECT g, 'v' || g, g / 4.0 FROM "
		   "generate_series(1, 10) g");
	struct alx_session *s = session(db);
	struct alx_prep *p = NULL;
	const char *sql = "SELECT id, v, n FROM pt WHERE id > $1 AND v <> $2 "
			  "ORDER BY id";
	CU_ASSERT_EQUAL_FATAL(
		alx_session_prepare(s, sql, strlen(sql), NULL, 0, &p), 0);
	uint32_t np, nc;
	const struct alx_type *pt;
	const struct alx_sql_col *cols;
	CU_ASSERT_EQUAL(alx_prep_describe(p, &np, &pt, &nc, &cols), 0);
	CU_ASSERT_EQUAL(np, 2);
	CU_ASSERT_EQUAL(pt[0].id, ALX_T_INT4);
	CU_ASSERT_EQUAL(pt[1].id, ALX_T_VARCHAR);
	CU_ASSERT_EQUAL_FATAL(nc, 3);
	CU_ASSERT_STRING_EQUAL(cols[1].name, "v");
	CU_ASSERT_EQUAL(cols[1].type_oid, 1043);
	CU_ASSERT_EQUAL(cols[1].typmod, 12);
	CU_ASSERT_EQUAL(cols[2].type_oid, 1700);
	CU_ASSERT_EQUAL(cols[2].typmod, (6 << 16 | 2) + 4);
	struct alx_param params[2] = {
		{.kind = ALX_PARAM_TEXT, .ptr = "3", .len = 1},
		{.kind = ALX_PARAM_TEXT, .ptr = "v5", .len = 2}};
	struct alx_portal *po = NULL;
	CU_ASSERT_EQUAL_FATAL(alx_portal_create(p, params, 2, &po), 0);
	/* Execute with a row limit of 2, then resume. */
	const struct alx_value *row;
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(alx_portal_next(po, &row), ALOPEX_ROW);
	CU_ASSERT_STRING_EQUAL(alx_portal_text(po, &row[0], NULL), "6");
	CU_ASSERT_STRING_EQUAL(alx_portal_text(po, &row[2], NULL), "1.50");
	/* another statement runs between the pieces */
	CU_ASSERT_EQUAL(run(s, "INSERT INTO pt VALUES (11, 'v11', 0)"), 0);
	int more = 0;
	while (alx_portal_next(po, &row) == ALOPEX_ROW && more < 100)
		more++;
	CU_ASSERT_EQUAL(more, 4); /* 7..10: the snapshot of the start */
	CU_ASSERT_STRING_EQUAL(alx_portal_tag(po), "SELECT 6");
	alx_portal_destroy(po);
	/* wrong parameter count and bad values are Bind errors */
	CU_ASSERT_EQUAL(alx_portal_create(p, params, 1, &po), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(s)->sqlstate, "08P01");
	params[0].ptr = "x";
	CU_ASSERT_EQUAL(alx_portal_create(p, params, 2, &po), ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(s)->sqlstate, "22P02");
	alx_prep_destroy(p);
	/* given parameter types win over inference */
	uint32_t oids[1] = {20};
	sql = "SELECT $1";
	CU_ASSERT_EQUAL_FATAL(
		alx_session_prepare(s, sql, strlen(sql), oids, 1, &p), 0);
	CU_ASSERT_EQUAL(alx_prep_describe(p, &np, &pt, &nc, &cols), 0);
	CU_ASSERT_EQUAL(pt[0].id, ALX_T_INT8);
	CU_ASSERT_EQUAL(cols[0].type_oid, 20);
	alx_prep_destroy(p);
	/* tags */
	sql = "UPDATE pt SET n = 0 WHERE id < 4";
	CU_ASSERT_EQUAL_FATAL(
		alx_session_prepare(s, sql, strlen(sql), NULL, 0, &p), 0);
	CU_ASSERT_EQUAL_FATAL(alx_portal_create(p, NULL, 0, &po), 0);
	CU_ASSERT_EQUAL(alx_portal_next(po, &row), ALOPEX_DONE);
	CU_ASSERT_STRING_EQUAL(alx_portal_tag(po), "UPDATE 3");
	alx_portal_destroy(po);
	alx_prep_destroy(p);
	/* the simple query protocol's implicit transaction */
	const char *q = "INSERT INTO pt VALUES (50, 'a', 0); SELECT 1/0";
	CU_ASSERT_EQUAL(alx_session_execute_ex(s, q, strlen(q),
					       ALX_EXEC_IMPLICIT_TXN, NULL,
					       NULL),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(s)->sqlstate, "22012");
	CU_ASSERT_EQUAL(alx_session_txn_status(s), 'I');
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT count(*) FROM pt WHERE id "
					   "= 50"),
			       "0");
	q = "INSERT INTO pt VALUES (50, 'a', 0); INSERT INTO pt VALUES (51, "
	    "'b', 0)";
	CU_ASSERT_EQUAL(alx_session_execute_ex(s, q, strlen(q),
					       ALX_EXEC_IMPLICIT_TXN, NULL,
					       NULL),
			0);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT count(*) FROM pt WHERE id "
					   ">= 50"),
			       "2");
	/* without the flag each statement commits on its own */
	q = "INSERT INTO pt VALUES (52, 'a', 0); SELECT 1/0";
	CU_ASSERT_EQUAL(alx_session_execute(s, q, strlen(q), NULL, NULL),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT count(*) FROM pt WHERE id "
					   "= 52"),
			       "1");
	alx_session_destroy(s);
	t_close(db, dir);
}

static int copy_in(struct alx_session *s, const char *sql,
		   const char *const *chunks, char *tag, size_t tagsz)
{
	struct alx_prep *p = NULL;
	int rc = alx_session_prepare(s, sql, strlen(sql), NULL, 0, &p);
	if (rc != 0)
		return rc;
	struct alx_portal *po = NULL;
	rc = alx_portal_create(p, NULL, 0, &po);
	const struct alx_value *row;
	if (rc == 0)
		rc = alx_portal_next(po, &row);
	if (rc == ALOPEX_AGAIN) {
		struct alx_copy_info ci;
		CU_ASSERT_EQUAL(alx_portal_copy_info(po, &ci), 0);
		CU_ASSERT(ci.from);
		rc = 0;
		for (int i = 0; rc == 0 && chunks[i] != NULL; i++)
			rc = alx_portal_copy_in(po, chunks[i],
						strlen(chunks[i]));
		if (rc == 0)
			rc = alx_portal_copy_done(po);
		if (rc == 0)
			snprintf(tag, tagsz, "%s", alx_portal_tag(po));
	}
	alx_portal_destroy(po);
	alx_prep_destroy(p);
	return rc;
}

static const char *copy_out(struct alx_session *s, const char *sql)
{
	static char buf[2048];
	struct alx_prep *p = NULL;
	buf[0] = '\0';
	if (alx_session_prepare(s, sql, strlen(sql), NULL, 0, &p) != 0)
		return NULL;
	struct alx_portal *po = NULL;
	size_t n = 0;
	if (alx_portal_create(p, NULL, 0, &po) == 0) {
		const struct alx_value *row;
		int rc = alx_portal_next(po, &row);
		(void)rc;
		const void *data;
		size_t len;
		while (alx_portal_copy_out(po, &data, &len) == ALOPEX_ROW &&
		       n + len < sizeof(buf)) {
			memcpy(buf + n, data, len);
			n += len;
		}
		buf[n] = 0;
	}
	alx_portal_destroy(po);
	alx_prep_destroy(p);
	return buf;
}

static void test_copy(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE cp (id int PRIMARY KEY, t text, n int "
		   "DEFAULT 9, CHECK (id > 0))");
	struct alx_session *s = session(db);
	char tag[64] = "";
	/* text format, a row split across chunks, escapes and \N */
	const char *const text[] = {"1\thello\t1\n2\tta", "b\\there\t\\N\n",
				    "3\tline\\nbreak\t3\n\\.\n", NULL};
	CU_ASSERT_EQUAL(
		copy_in(s, "COPY cp FROM STDIN", text, tag, sizeof(tag)), 0);
	CU_ASSERT_STRING_EQUAL(tag, "COPY 3");
	CU_ASSERT_STRING_EQUAL(
		t_query(db, "SELECT id, t, n FROM cp ORDER BY id"),
		"1|hello|1\n2|tab\there|<null>\n3|line\nbreak|3");
	/* CSV with a header, quotes, an embedded newline; n defaults */
	const char *const csv[] = {"id,t\n10,\"a,b\"\n11,\"multi\nline\"\n",
				   "12,\"q\"\"uote\"\n13,\n", NULL};
	CU_ASSERT_EQUAL(copy_in(s,
				"COPY cp (id, t) FROM STDIN WITH (FORMAT "
				"csv, HEADER)",
				csv, tag, sizeof(tag)),
			0);
	CU_ASSERT_STRING_EQUAL(tag, "COPY 4");
	CU_ASSERT_STRING_EQUAL(
		t_query(db, "SELECT id, t, n FROM cp WHERE id >= 10 ORDER BY "
			    "id"),
		"10|a,b|9\n11|multi\nline|9\n12|q\"uote|9\n13|<null>|9");
	/* a bad row fails the whole COPY */
	const char *const bad[] = {"20\tok\t1\n21\tbad\tx\n", NULL};
	CU_ASSERT_EQUAL(copy_in(s, "COPY cp FROM STDIN", bad, tag, sizeof(tag)),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(s)->sqlstate, "22P02");
	CU_ASSERT_PTR_NOT_NULL(
		strstr(alx_session_diag(s)->message, "COPY cp, line 2"));
	const char *const neg[] = {"-1\tneg\t1\n", NULL};
	CU_ASSERT_EQUAL(copy_in(s, "COPY cp FROM STDIN", neg, tag, sizeof(tag)),
			ALOPEX_ESQL);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(s)->sqlstate, "23514");
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT count(*) FROM cp"), "7");
	/* out: text and CSV (as PostgreSQL prints them) */
	CU_ASSERT_STRING_EQUAL(
		copy_out(s, "COPY (SELECT id, t, n FROM cp WHERE id < 4 ORDER "
			    "BY id) TO STDOUT"),
		"1\thello\t1\n2\ttab\\there\t\\N\n3\tline\\nbreak\t3\n");
	CU_ASSERT_STRING_EQUAL(
		copy_out(s, "COPY (SELECT id, t FROM cp WHERE id >= 10 ORDER "
			    "BY id) TO STDOUT WITH (FORMAT csv, HEADER)"),
		"id,t\n10,\"a,b\"\n11,\"multi\nline\"\n12,\"q\"\"uote\"\n13,"
		"\n");
	const char *all = copy_out(s, "COPY cp (id) TO STDOUT");
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "13\n"));
	alx_session_destroy(s);
	t_close(db, dir);
}

struct worker {
	alopex_db *db;
	int id;
	int failures;
};

/* Each thread its own session: inserts, DDL-free reads, sequences. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct alx_session *s = NULL;
	alopex_diag d = {0};
	if (alx_session_create(w->db, &s, &d) != 0) {
		w->failures++;
		return NULL;
	}
	for (int i = 0; i < 150; i++) {
		char sql[160];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO mt (id, who) VALUES (%d, %d)",
			 w->id * 1000 + i, w->id);
		if (run(s, sql) != 0)
			w->failures++;
		if (i % 50 == 0 &&
		    run(s, "SELECT count(*) FROM mt WHERE who = 0") != 0)
			w->failures++;
	}
	alx_session_destroy(s);
	return NULL;
}

static void test_threads(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE mt (id int PRIMARY KEY, who int, seq "
		   "bigserial)");
	struct worker w[3];
	pthread_t th[3];
	for (int i = 0; i < 3; i++) {
		w[i] = (struct worker){db, i, 0};
		CU_ASSERT_EQUAL_FATAL(
			pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(w[i].failures, 0);
	}
	/* every row, and the sequence handed out distinct values */
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT count(*), count(DISTINCT "
					   "seq) FROM mt"),
			       "450|450");
	t_close(db, dir);
}

static const struct alx_test_case cases[] = {
	{"conflict", test_conflict},
	{"threads", test_threads},
	{"portals", test_portals},
	{"copy", test_copy},
	{NULL, NULL},
};

const struct alx_test_suite sql_suite_session = {"sql/session", NULL, NULL,
						 cases};
