/* Stage 2: access paths, indexes kept in step with the rows, top-k. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_exec_tests.h"

/* The plan's text, lines joined by '\n'. */
static const char *plan(alopex_db *db, const char *sql)
{
	static char buf[4096];
	char q[1024];
	snprintf(q, sizeof(q), "EXPLAIN %s", sql);
	const char *r = t_query(db, q);
	if (r == NULL)
		return "";
	snprintf(buf, sizeof(buf), "%s", r);
	return buf;
}

#define HAS(hay, needle)                                                    \
	do {                                                                \
		const char *h_ = (hay);                                     \
		if (strstr(h_, needle) == NULL)                             \
			fprintf(stderr, "plan lacks \"%s\":\n%s\n", needle, \
				h_);                                        \
		CU_ASSERT_PTR_NOT_NULL(strstr(h_, needle));                 \
	} while (0)

static void test_access_paths(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE p (id int PRIMARY KEY, cat text, price int)");
	t_exec(db, "CREATE TABLE c2 (a int, b text, c int, PRIMARY KEY (a, "
		   "b))");
	t_exec(db, "CREATE INDEX p_cat_idx ON p (cat)");
	HAS(plan(db, "SELECT * FROM p WHERE id = 3"),
	    "Index Scan using p_pkey on p\n  Index Cond: (id = 3)");
	HAS(plan(db, "SELECT * FROM p WHERE id > 3 AND id < 9"),
	    "Index Cond: ((id > 3) AND (id < 9))");
	HAS(plan(db, "SELECT * FROM p WHERE 5 < id"), "Index Cond: (id > 5)");
	HAS(plan(db, "SELECT * FROM p WHERE cat = 'x'"),
	    "Index Scan using p_cat_idx on p");
	HAS(plan(db, "SELECT * FROM p WHERE price = 1"), "Seq Scan on p");
	HAS(plan(db, "SELECT * FROM c2 WHERE a = 1"),
	    "Index Scan using c2_pkey on c2\n  Index Cond: (a = 1)");
	HAS(plan(db, "SELECT * FROM c2 WHERE b = 'x'"), "Seq Scan on c2");
	HAS(plan(db, "SELECT * FROM c2 WHERE a = 1 AND b = 'q'"),
	    "Index Cond: ((a = 1) AND (b = 'q'::text))");
	HAS(plan(db, "SELECT * FROM p ORDER BY price LIMIT 3"),
	    "Limit\n  ->  Top-N Sort\n        Sort Key: price\n");
	HAS(plan(db, "SELECT * FROM p ORDER BY price"), "Sort\n");
	HAS(plan(db, "SELECT p.id FROM c2 JOIN p ON p.id = c2.c"),
	    "Nested Loop\n  ->  Seq Scan on c2\n  ->  Index Scan using "
	    "p_pkey on p\n        Index Cond: (id = c2.c)");
	HAS(plan(db, "SELECT p.id FROM c2 JOIN p ON p.price = c2.c"),
	    "Hash Join");
	HAS(plan(db, "SELECT 1 FROM p, c2 WHERE p.price > c2.c"),
	    "Nested Loop\n");
	t_close(db, dir);
}

/* After many changes, index lookups and full scans agree. */
static void test_index_consistency(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE ic (id int PRIMARY KEY, k int, s text)");
	t_exec(db, "CREATE INDEX ic_k ON ic (k)");
	t_exec(db, "CREATE UNIQUE INDEX ic_s ON ic (s)");
	t_exec(db, "INSERT INTO ic SELECT g, g % 7, 's' || g FROM "
		   "generate_series(1, 300) g");
	t_exec(db, "UPDATE ic SET k = k + 1 WHERE id % 3 = 0");
	t_exec(db, "UPDATE ic SET id = id + 1000 WHERE id % 5 = 0");
	t_exec(db, "DELETE FROM ic WHERE id % 11 = 0");
	t_exec(db, "UPDATE ic SET s = 'u' || id WHERE k = 2");
	for (int k = 0; k < 8; k++) {
		char a[128], b[128];
		snprintf(a, sizeof(a),
			 "SELECT count(*), sum(id) FROM ic WHERE k = %d", k);
		snprintf(b, sizeof(b),
			 "SELECT count(*), sum(id) FROM ic WHERE k + 0 = %d",
			 k);
		char ra[64];
		snprintf(ra, sizeof(ra), "%s", t_query(db, a));
		CU_ASSERT_STRING_EQUAL(ra, t_query(db, b));
		CU_ASSERT(strstr(plan(db, a), "ic_k") != NULL);
	}
	const char *probes[] = {"s1", "s10", "s12", "u1005", "s22", "nope"};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		char a[128], b[128], ra[256];
		snprintf(a, sizeof(a), "SELECT id, k FROM ic WHERE s = '%s'",
			 probes[i]);
		snprintf(b, sizeof(b),
			 "SELECT id, k FROM ic WHERE s || '' = '%s'",
			 probes[i]);
		snprintf(ra, sizeof(ra), "%s", t_query(db, a));
		CU_ASSERT_STRING_EQUAL(ra, t_query(db, b));
		CU_ASSERT(strstr(plan(db, a), "ic_s") != NULL);
	}
	CU_ASSERT_STRING_EQUAL(t_query(db, "SELECT id FROM ic WHERE s = "
					   "'s10'"),
			       "1010");
	t_fail(db, "UPDATE ic SET s = 's1' WHERE id = 2", "23505");
	/* a unique index cannot be built over duplicates, and is not */
	t_fail(db, "CREATE UNIQUE INDEX ic_k2 ON ic (k)", "23505");
	CU_ASSERT_PTR_NOT_NULL(strstr(alopex_errmsg(db),
				      "could not create unique index "
				      "\"ic_k2\"\nKey (k)=("));
	CU_ASSERT_PTR_NOT_NULL(strstr(alopex_errmsg(db), ") is duplicated."));
	CU_ASSERT(strstr(plan(db, "SELECT * FROM ic WHERE k = 1"), "ic_k2") ==
		  NULL);
	CU_ASSERT(strstr(plan(db, "SELECT * FROM ic WHERE k = 1"), "ic_k\n") ||
		  strstr(plan(db, "SELECT * FROM ic WHERE k = 1"), "ic_k "));
	t_exec(db, "DROP INDEX ic_k");
	CU_ASSERT(strstr(plan(db, "SELECT * FROM ic WHERE k = 1"),
			 "Seq Scan") != NULL);
	t_close(db, dir);
}

static void test_topk(void)
{
	char *dir;
	alopex_db *db = t_open(&dir);
	t_exec(db, "CREATE TABLE tk (id int PRIMARY KEY, v int)");
	/* v repeats, so ties are broken by id */
	t_exec(db, "INSERT INTO tk SELECT g, (g * 7919) % 101 FROM "
		   "generate_series(1, 2000) g");
	char full[2048];
	snprintf(full, sizeof(full), "%s",
		 t_query(db, "SELECT id FROM (SELECT id, v FROM tk ORDER BY v "
			     "DESC, id) s LIMIT 25"));
	const char *top = t_query(db, "SELECT id FROM tk ORDER BY v DESC, id "
				      "LIMIT 25");
	CU_ASSERT_STRING_EQUAL(top, full);
	top = t_query(db, "SELECT id FROM tk ORDER BY v, id LIMIT 3 OFFSET 2");
	/* checked against PostgreSQL 15 */
	CU_ASSERT_STRING_EQUAL(top, "303\n404\n505");
	CU_ASSERT_STRING_EQUAL(
		t_query(db, "SELECT count(*) FROM (SELECT id FROM tk ORDER BY "
			    "v LIMIT 0) s"),
		"0");
	t_close(db, dir);
}

static const struct alx_test_case cases[] = {
	{"access_paths", test_access_paths},
	{"index_consistency", test_index_consistency},
	{"topk", test_topk},
	{NULL, NULL},
};

const struct alx_test_suite sql_suite_stage2 = {"sql/stage2", NULL, NULL,
						cases};
