/*
 * Statements that must not wait (alx_session_set_noblock: a server runs
 * them on an event loop): a row lock held by another transaction makes
 * the statement undo what it wrote and leave its portal as new, without
 * failing the transaction block; run again with noblock off it waits as
 * usual and gives the ordinary result. Which statements count as point
 * writes (alx_prep_is_point_write). On both engines.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"
#ifdef ALX_TEST_WT_HOOKS
#include "wt_debug.h"
#endif

#define OK(s, sql) ALX_TEST_SESSION_OK(s, sql)

static const char ddl[] = "CREATE TABLE r (id int PRIMARY KEY, v int);"
			  "INSERT INTO r VALUES (0, 0), (1, 0)";

static struct alx_portal *bind_sql(struct alx_session *s, const char *sql,
				   struct alx_prep **pp)
{
	struct alx_prep *p = NULL;
	struct alx_portal *pt = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alx_session_prepare(s, sql, strlen(sql), NULL, 0, &p), 0);
	CU_ASSERT_EQUAL_FATAL(alx_portal_create(p, NULL, 0, &pt), 0);
	*pp = p;
	return pt;
}

/* Drive the portal to its end: ALOPEX_DONE or the error. */
static int drain(struct alx_portal *pt)
{
	const struct alx_value *row;
	for (int i = 0; i < 1000; i++) {
		int rc = alx_portal_next(pt, &row);
		if (rc != ALOPEX_ROW)
			return rc;
	}
	return ALOPEX_EINTERNAL;
}

static const char *value_of(struct alx_session *s, const char *sql, char *buf,
			    size_t cap)
{
	struct alx_prep *p;
	struct alx_portal *pt = bind_sql(s, sql, &p);
	const struct alx_value *row = NULL;
	snprintf(buf, cap, "?");
	if (alx_portal_next(pt, &row) == ALOPEX_ROW) {
		size_t n = 0;
		const char *t = alx_portal_text(pt, &row[0], &n);
		snprintf(buf, cap, "%.*s", (int)n, t ? t : "NULL");
	}
	drain(pt);
	alx_portal_destroy(pt);
	alx_prep_destroy(p);
	return buf;
}

struct rerun {
	struct alx_portal *pt;
	pthread_t th;
	atomic_bool done;
	int rc;
};

static void *rerun_main(void *arg)
{
	struct rerun *r = arg;
	r->rc = drain(r->pt);
	atomic_store(&r->done, true);
	return NULL;
}

static void blocked_in_block(bool memory)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "noblock", ALX_TEST_ENGINE(memory));
	ALX_TEST_EXEC(f.db, ddl);
	struct alx_session *a = alx_test_session(f.db);
	struct alx_session *b = alx_test_session(f.db);
	OK(b, "SET lock_timeout = '20s'");
	OK(a, "BEGIN; UPDATE r SET v = 5 WHERE id = 1");
	OK(b, "BEGIN; UPDATE r SET v = 1 WHERE id = 0");

	/* row 0 is written first, then row 1 would wait */
	alx_session_set_noblock(b, true);
	struct alx_prep *p;
	struct alx_portal *pt = bind_sql(b, "UPDATE r SET v = v + 100", &p);
	CU_ASSERT_EQUAL(drain(pt), ALOPEX_EBUSY);
	CU_ASSERT(alx_session_blocked(b));
	/* not an error of the block: it goes on */
	CU_ASSERT_EQUAL(alx_session_txn_status(b), 'T');
	char buf[32];
	/* the statement's write to row 0 is undone; b's earlier one stays */
	CU_ASSERT_STRING_EQUAL(
		value_of(b, "SELECT v FROM r WHERE id = 0", buf, sizeof(buf)),
		"1");
	CU_ASSERT(!alx_session_blocked(b));

	/* the same portal, allowed to wait: it waits for a */
	alx_session_set_noblock(b, false);
	struct rerun w = {.pt = pt};
	atomic_init(&w.done, false);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&w.th, NULL, rerun_main, &w), 0);
	usleep(200 * 1000);
	CU_ASSERT(!atomic_load(&w.done));
	OK(a, "COMMIT");
	pthread_join(w.th, NULL);
	CU_ASSERT_EQUAL(w.rc, ALOPEX_DONE);
	CU_ASSERT_STRING_EQUAL(alx_portal_tag(pt), "UPDATE 2");
	alx_portal_destroy(pt);
	alx_prep_destroy(p);
	OK(b, "COMMIT");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 0",
					buf, sizeof(buf)),
		"101");
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 1",
					buf, sizeof(buf)),
		"105");
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

static void test_block_wt(void)
{
	blocked_in_block(false);
}

static void test_block_mem(void)
{
	blocked_in_block(true);
}

/* An autocommit statement that would wait: its transaction goes whole. */
static void test_autocommit(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "noblock", ALX_TEST_ENGINE(false));
	ALX_TEST_EXEC(f.db, ddl);
	struct alx_session *a = alx_test_session(f.db);
	struct alx_session *b = alx_test_session(f.db);
	OK(a, "BEGIN; UPDATE r SET v = 5 WHERE id = 1");
	alx_session_set_noblock(b, true);
	struct alx_prep *p;
	struct alx_portal *pt = bind_sql(b, "UPDATE r SET v = v + 100", &p);
	CU_ASSERT_EQUAL(drain(pt), ALOPEX_EBUSY);
	CU_ASSERT(alx_session_blocked(b));
	CU_ASSERT_EQUAL(alx_session_txn_status(b), 'I');
	OK(a, "COMMIT");
	/* nothing of it was kept */
	char buf[32];
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 0",
					buf, sizeof(buf)),
		"0");
	/* run again (the lock is free now): done, once */
	CU_ASSERT_EQUAL(drain(pt), ALOPEX_DONE);
	CU_ASSERT(!alx_session_blocked(b));
	CU_ASSERT_STRING_EQUAL(alx_portal_tag(pt), "UPDATE 2");
	alx_portal_destroy(pt);
	alx_prep_destroy(p);
	CU_ASSERT_STRING_EQUAL(alx_test_query_rows(f.db,
						   "SELECT v FROM r ORDER BY "
						   "id",
						   buf, sizeof(buf)),
			       "100\n105");
	/* a real error is still an error with noblock on */
	struct alx_portal *bad = bind_sql(b, "INSERT INTO r VALUES (0, 0)", &p);
	CU_ASSERT(drain(bad) < 0);
	CU_ASSERT(!alx_session_blocked(b));
	CU_ASSERT_STRING_EQUAL(alx_session_diag(b)->sqlstate, "23505");
	alx_portal_destroy(bad);
	alx_prep_destroy(p);
	alx_session_destroy(a);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}

static bool point_write(struct alx_session *s, const char *sql)
{
	struct alx_prep *p = NULL;
	if (alx_session_prepare(s, sql, strlen(sql), NULL, 0, &p) != 0) {
		fprintf(stderr, "prepare %s: %s\n", sql,
			alx_session_diag(s)->message);
		return false;
	}
	uint32_t np, nc;
	const struct alx_type *pt;
	const struct alx_sql_col *cols;
	bool ok = alx_prep_describe(p, &np, &pt, &nc, &cols) == 0 &&
		  alx_prep_is_point_write(p);
	alx_prep_destroy(p);
	return ok;
}

static void test_point_write(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "noblock", ALX_TEST_ENGINE(false));
	ALX_TEST_EXEC(f.db, ddl);
	ALX_TEST_EXEC(f.db, "CREATE TABLE h (a int, t timestamptz);"
			    "CREATE TABLE s (id serial PRIMARY KEY, v int)");
	struct alx_session *s = alx_test_session(f.db);
	/* pgbench's TPC-B statements */
	CU_ASSERT(point_write(s, "UPDATE r SET v = v + $1 WHERE id = $2"));
	CU_ASSERT(point_write(s, "INSERT INTO h (a, t) VALUES ($1, "
				 "CURRENT_TIMESTAMP)"));
	CU_ASSERT(point_write(s, "DELETE FROM r WHERE id = 1"));
	CU_ASSERT(point_write(s, "INSERT INTO r VALUES (7, 1) RETURNING v"));
	/* more than one row, or unbounded work */
	CU_ASSERT(!point_write(s, "UPDATE r SET v = 1"));
	CU_ASSERT(!point_write(s, "UPDATE r SET v = 1 WHERE v = 2"));
	CU_ASSERT(!point_write(s, "INSERT INTO r VALUES (8, 1), (9, 1)"));
	CU_ASSERT(!point_write(s, "INSERT INTO r SELECT id + 10, v FROM r"));
	CU_ASSERT(!point_write(s, "UPDATE r SET v = random() * 10 WHERE id = "
				  "1"));
	CU_ASSERT(!point_write(s, "INSERT INTO r VALUES (9, (SELECT 1))"));
	/* a default that calls nextval */
	CU_ASSERT(!point_write(s, "INSERT INTO s (v) VALUES (1)"));
	CU_ASSERT(!point_write(s, "INSERT INTO r VALUES (1, 1) ON CONFLICT "
				  "DO NOTHING"));
	CU_ASSERT(!point_write(s, "SELECT v FROM r WHERE id = 1"));
	alx_session_destroy(s);
	alx_test_db_close(&f);
}

/* ---- COMMIT with noblock: in the log now, durable later -------------- */

#ifdef ALX_TEST_WT_HOOKS
struct actor {
	struct alx_session *s;
	alopex_db *db;
	uint64_t pos; /* 0: run COMMIT on s; else alx_kv_sync_to(pos) */
	int rc;
	atomic_bool done;
	pthread_t th;
};

static void *actor_main(void *arg)
{
	struct actor *a = arg;
	if (a->pos == 0) {
		a->rc = alx_session_execute(a->s, "COMMIT", 6, NULL, NULL);
	} else {
		alopex_diag d;
		alx_diag_clear(&d);
		a->rc = alx_kv_sync_to(a->db, a->pos, &d);
	}
	atomic_store(&a->done, true);
	return NULL;
}

static void start(struct actor *a)
{
	atomic_init(&a->done, false);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&a->th, NULL, actor_main, a), 0);
}

/* Poll for up to 20 s. */
static bool eventually_done(struct actor *a)
{
	for (int i = 0; i < 20000 && !atomic_load(&a->done); i++)
		usleep(1000);
	return atomic_load(&a->done);
}

static bool have_waiter(void *inst)
{
	for (int i = 0; i < 20000; i++) {
		unsigned n = 0;
		alx_wt_debug_sync_state(inst, &n);
		if (n >= 1)
			return true;
		usleep(1000);
	}
	return false;
}

/*
 * With the group flush held: a noblock COMMIT returns (its locks free, its
 * row visible) and owes a log position past what is on disk; waiting for
 * that position waits for the flush. Without noblock nothing is owed.
 */
static void test_commit_defers_wt(void)
{
	struct alx_test_db f;
	alx_test_db_open(&f, "noblock", ALX_TEST_ENGINE_DEFAULT);
	ALX_TEST_EXEC(f.db, ddl);
	void *inst = f.db->einst;
	struct alx_session *b = alx_test_session(f.db);
	OK(b, "BEGIN; UPDATE r SET v = 9 WHERE id = 0");
	alx_session_set_noblock(b, true);
	alx_wt_debug_hold_sync(inst, 1);
	struct actor c = {.s = b};
	start(&c);
	bool returned = eventually_done(&c);
	CU_ASSERT(returned);
	if (!returned)
		alx_wt_debug_hold_sync(inst, 0);
	pthread_join(c.th, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT_EQUAL(alx_session_txn_status(b), 'I');
	uint64_t pos = alx_session_take_sync_pos(b);
	CU_ASSERT(pos != 0);
	CU_ASSERT_EQUAL(alx_session_take_sync_pos(b), 0);
	CU_ASSERT(alx_wt_debug_sync_state(inst, NULL) < pos);

	/* whoever reports the commit waits for the flush */
	struct actor w = {.db = f.db, .pos = pos};
	start(&w);
	CU_ASSERT(have_waiter(inst));
	CU_ASSERT(!atomic_load(&w.done));
	alx_wt_debug_hold_sync(inst, 0);
	pthread_join(w.th, NULL);
	CU_ASSERT_EQUAL(w.rc, 0);
	CU_ASSERT(alx_wt_debug_sync_state(inst, NULL) >= pos);

	/* the row lock went with the commit, before the flush */
	char buf[32];
	CU_ASSERT_STRING_EQUAL(
		alx_test_query_text_buf(f.db, "SELECT v FROM r WHERE id = 0",
					buf, sizeof(buf)),
		"9");
	/* nothing written, or noblock off: nothing owed */
	OK(b, "BEGIN; SELECT v FROM r WHERE id = 0; COMMIT");
	CU_ASSERT_EQUAL(alx_session_take_sync_pos(b), 0);
	alx_session_set_noblock(b, false);
	OK(b, "BEGIN; UPDATE r SET v = 10 WHERE id = 0; COMMIT");
	CU_ASSERT_EQUAL(alx_session_take_sync_pos(b), 0);
	alx_session_destroy(b);
	alx_test_db_close(&f);
}
#endif

static const struct alx_test_case cases[] = {
	{"block_wt", test_block_wt},
	{"block_mem", test_block_mem},
	{"autocommit", test_autocommit},
	{"point_write", test_point_write},
#ifdef ALX_TEST_WT_HOOKS
	{"commit_defers_wt", test_commit_defers_wt},
#endif
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"sql/noblock", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
