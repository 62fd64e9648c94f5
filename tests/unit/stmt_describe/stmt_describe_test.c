/*
 * alx_prep_describe as the house style wants a describer: a NULL
 * statement is an error code (not a crash), and the out-params are left
 * alone when describing fails, also when the failure comes after the
 * statement was bound (SHOW of an unknown setting).
 */
#include <stdint.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "sql/sql_session.h"

/* Values no describe writes, to see that nothing was written. */
static const struct alx_type *const sentinel_types =
	(const struct alx_type *)&sentinel_types;
static const struct alx_sql_col *const sentinel_cols =
	(const struct alx_sql_col *)&sentinel_cols;

static void test_null(void)
{
	uint32_t np = 77, nc = 88;
	const struct alx_type *pt = sentinel_types;
	const struct alx_sql_col *cols = sentinel_cols;
	CU_ASSERT_EQUAL(alx_prep_describe(NULL, &np, &pt, &nc, &cols),
			ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(np, 77);
	CU_ASSERT_EQUAL(nc, 88);
	CU_ASSERT_PTR_EQUAL(pt, sentinel_types);
	CU_ASSERT_PTR_EQUAL(cols, sentinel_cols);
	CU_ASSERT_FALSE(alx_prep_returns_rows(NULL));
	alx_prep_destroy(NULL);
}

static struct alx_prep *prepare(struct alx_session *s, const char *sql)
{
	struct alx_prep *p = NULL;
	int rc = alx_session_prepare(s, sql, strlen(sql), NULL, 0, &p);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return p;
}

static void test_describe(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("stmt_describe", &dir);
	struct alx_session *s = alx_test_session(db);
	uint32_t np = 77, nc = 88;
	const struct alx_type *pt = sentinel_types;
	const struct alx_sql_col *cols = sentinel_cols;

	/* a real statement still describes itself */
	struct alx_prep *p = prepare(s, "SELECT $1::int AS a, 'x' AS b");
	CU_ASSERT_EQUAL(alx_prep_describe(p, &np, &pt, &nc, &cols), 0);
	CU_ASSERT_EQUAL(np, 1);
	CU_ASSERT_EQUAL(nc, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cols);
	CU_ASSERT_STRING_EQUAL(cols[0].name, "a");
	CU_ASSERT_STRING_EQUAL(cols[1].name, "b");
	CU_ASSERT_TRUE(alx_prep_returns_rows(p));
	alx_prep_destroy(p);

	/* SHOW of an unknown setting fails at describe, after binding:
	 * nothing written then (PostgreSQL 15 also fails it at Describe,
	 * 42704). */
	np = 77;
	nc = 88;
	pt = sentinel_types;
	cols = sentinel_cols;
	p = prepare(s, "SHOW no_such_setting");
	CU_ASSERT_NOT_EQUAL(alx_prep_describe(p, &np, &pt, &nc, &cols), 0);
	CU_ASSERT_STRING_EQUAL(alx_session_diag(s)->sqlstate, "42704");
	CU_ASSERT_STRING_EQUAL(
		alx_session_diag(s)->message,
		"unrecognized configuration parameter \"no_such_setting\"");
	CU_ASSERT_EQUAL(np, 77);
	CU_ASSERT_EQUAL(nc, 88);
	CU_ASSERT_PTR_EQUAL(pt, sentinel_types);
	CU_ASSERT_PTR_EQUAL(cols, sentinel_cols);
	alx_prep_destroy(p);

	alx_session_destroy(s);
	alx_test_close_dir(db, dir);
}

/* Through the embedded API: the prepare fails with the describe's error
 * (it used to size its parameter slots from an unwritten count: a fuzz
 * input asked calloc for 218 GB). */
static void test_api_show_unknown(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("stmt_describe_api", &dir);
	alopex_stmt *st = NULL;
	CU_ASSERT_NOT_EQUAL(alopex_prepare(db, "SHOW no_such_setting", &st),
			    ALOPEX_OK);
	CU_ASSERT_PTR_NULL(st);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42704");
	CU_ASSERT_STRING_EQUAL(
		alopex_errmsg(db),
		"unrecognized configuration parameter \"no_such_setting\"");
	/* the handle still works, and a known setting describes */
	CU_ASSERT_EQUAL(alopex_prepare(db, "SHOW TimeZone", &st), ALOPEX_OK);
	CU_ASSERT_EQUAL(alopex_step(st), ALOPEX_ROW);
	CU_ASSERT_STRING_EQUAL(alopex_column_text(st, 0), "UTC");
	alopex_finalize(st);
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"null", test_null},
	{"describe", test_describe},
	{"api_show_unknown", test_api_show_unknown},
	{NULL, NULL}};
static const struct alx_test_suite suite = {"stmt_describe", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
