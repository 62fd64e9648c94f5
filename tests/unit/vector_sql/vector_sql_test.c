/*
 * Vector indexes through SQL: CREATE INDEX ... USING hnsw/flat and its
 * errors, recall against exact search for the three metrics, EXPLAIN,
 * filtered search at several selectivities, visibility (UPDATE, DELETE,
 * ROLLBACK, savepoints, other sessions), persistence without a rebuild,
 * crash consistency (kill -9 a writer), concurrent sessions, and the
 * exact scan's own top-k without an index (same rows as the full TOPK,
 * NULLs, errors, snapshots) and a flat index through SQL.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "db/db_internal.h"
#include "kv/kv_space.h"
#include "kv/kv_txn.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"
#include "sql/sql_vindex.h"
#include "vindex_data.h"

#define K 10
#define DIM 64

/* ---- helpers ------------------------------------------------------------ */

static char logbuf[16384];
static size_t loglen;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void log_fn(void *arg, int level, const char *component,
		   const char *message)
{
	(void)arg;
	if (level <= ALOPEX_LOG_WARN)
		fprintf(stderr, "alopex %s: %s\n", component, message);
	pthread_mutex_lock(&log_mu);
	int n = snprintf(logbuf + loglen, sizeof(logbuf) - loglen, "%s: %s\n",
			 component, message);
	if (n > 0 && (size_t)n < sizeof(logbuf) - loglen)
		loglen += (size_t)n;
	pthread_mutex_unlock(&log_mu);
}

/* Open dir with the default engine (WiredTiger), or with the in-memory
 * engine where durability is not the point (faster under sanitizers);
 * log_fn keeps what was logged. */
static alopex_db *db_open_engine(const char *dir, bool memory)
{
	char *cfgdir = NULL, *cfg = NULL;
	if (memory)
		CU_ASSERT_FATAL(
			alx_test_memory_config("vsql-cfg", &cfgdir, &cfg) == 0);
	alopex_db *db =
		alx_test_open_dir_log(dir, cfg, log_fn, ALOPEX_LOG_INFO);
	alx_test_memory_config_free(&cfgdir, &cfg);
	return db;
}

static alopex_db *db_open(const char *dir)
{
	return db_open_engine(dir, false);
}

static alopex_db *db_open_mem(const char *dir)
{
	return db_open_engine(dir, true);
}

#define EXEC(db, sql) ALX_TEST_EXEC(db, sql)
/* The statement fails with sqlstate and a message containing msg. */
#define FAILS(db, sql, st, msg) alx_test_expect_error(db, sql, st, msg)

/* Rows of a one-column integer query with a vector parameter. */
static uint32_t ids_of(alopex_stmt *st, const float *q, int64_t *out,
		       uint32_t max)
{
	alopex_reset(st);
	if (q != NULL)
		CU_ASSERT_EQUAL(alopex_bind_vector(st, 1, q, DIM), 0);
	uint32_t n = 0;
	int rc;
	while ((rc = alopex_step(st)) == ALOPEX_ROW)
		if (n < max)
			out[n++] = alopex_column_int64(st, 0);
	CU_ASSERT_EQUAL(rc, ALOPEX_DONE);
	return n;
}

/* EXPLAIN text, lines joined by '\n'. */
static void explain(alopex_db *db, const char *sql, char *out, size_t n)
{
	char q[1024];
	snprintf(q, sizeof(q), "EXPLAIN %s", sql);
	alopex_stmt *st = ALX_TEST_PREPARE(db, q);
	size_t len = 0;
	out[0] = '\0';
	while (alopex_step(st) == ALOPEX_ROW) {
		int w = snprintf(out + len, n - len, "%s\n",
				 alopex_column_text(st, 0));
		if (w > 0 && (size_t)w < n - len)
			len += (size_t)w;
	}
	alopex_finalize(st);
}

static int64_t scalar(alopex_db *db, const char *sql)
{
	alopex_stmt *st = ALX_TEST_PREPARE(db, sql);
	int64_t v = -1;
	if (alopex_step(st) == ALOPEX_ROW)
		v = alopex_column_int64(st, 0);
	alopex_finalize(st);
	return v;
}

/* Load rows id = 0..n-1 (cat = id % 100) with vectors of d. */
static void load(alopex_db *db, const char *table, const struct vd_set *d,
		 uint32_t n)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES ($1, $2, $3)", table);
	EXEC(db, "BEGIN");
	alopex_stmt *st = ALX_TEST_PREPARE(db, sql);
	for (uint32_t i = 0; i < n; i++) {
		alopex_reset(st);
		alopex_bind_int64(st, 1, i);
		alopex_bind_int64(st, 2, i % 100);
		alopex_bind_vector(st, 3, d->base + (size_t)i * DIM, DIM);
		CU_ASSERT_EQUAL_FATAL(alopex_step(st), ALOPEX_DONE);
	}
	alopex_finalize(st);
	EXEC(db, "COMMIT");
}

static struct alx_vreg_stats vstats(alopex_db *db)
{
	struct alx_vreg_stats s = {0};
	alx_vreg_stats(alx_sql_db_vreg(db->sql), &s);
	return s;
}

static const struct alopex_vector_kernels *kern(alopex_db *db)
{
	return alx_runtime_host(db->rt)->vector_kernels;
}

/* Keys in the SQL tables' key space (rows, indexes, index records). */
static uint64_t table_keys(alopex_db *db)
{
	struct alx_kv_txn *t;
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_begin(db, ALX_KV_TXN_READONLY, &t, &d),
			      0);
	uint8_t lo[1] = {ALX_SPACE_TABLE}, hi[1] = {ALX_SPACE_TABLE + 1};
	struct alx_kv_cursor *c;
	CU_ASSERT_EQUAL_FATAL(alx_kv_cursor_open(t, (alopex_slice){lo, 1},
						 (alopex_slice){hi, 1}, 0, &c),
			      0);
	uint64_t n = 0;
	alopex_slice k, v;
	while (alx_kv_cursor_next(c, &k, &v) == ALOPEX_ROW)
		n++;
	alx_kv_cursor_close(c);
	alx_kv_txn_rollback(t);
	return n;
}

static struct vd_set plain, unit;

static int suite_setup(void)
{
	struct vd_spec s = {10000, 100, DIM, 20, 32, 0.5, 7, 0};
	if (vd_generate(&s, &plain) != 0)
		return -1;
	s.normalize = 1;
	s.seed = 8;
	return vd_generate(&s, &unit);
}

static int suite_teardown(void)
{
	vd_free(&plain);
	vd_free(&unit);
	return 0;
}

/* ---- CREATE INDEX, options, DROP --------------------------------------------- */

static void test_ddl(void)
{
	char *dir = alx_test_tmpdir("vsql-ddl");
	alopex_db *db = db_open_mem(dir);
	EXEC(db,
	     "CREATE TABLE t (id int PRIMARY KEY, cat int, emb vector(64))");
	load(db, "t", &plain, 500);
	uint64_t keys0 = table_keys(db);

	FAILS(db, "CREATE INDEX ON t USING hnsw (emb) WITH (m = 1)", "22023",
	      "value 1 out of bounds for option \"m\"\nValid values are "
	      "between \"2\" and \"100\".");
	FAILS(db, "CREATE INDEX ON t USING hnsw (emb) WITH (m = 101)", "22023",
	      "value 101 out of bounds for option \"m\"");
	FAILS(db,
	      "CREATE INDEX ON t USING hnsw (emb) WITH (ef_construction = 2)",
	      "22023",
	      "value 2 out of bounds for option \"ef_construction\"\nValid "
	      "values are between \"4\" and \"1000\".");
	FAILS(db, "CREATE INDEX ON t USING hnsw (emb) WITH (lists = 3)",
	      "22023", "unrecognized parameter \"lists\"");
	FAILS(db, "CREATE INDEX ON t USING hnsw (emb) WITH (m = 'eight')",
	      "22023", "invalid value for integer option \"m\": \"eight\"");
	FAILS(db,
	      "CREATE INDEX ON t USING hnsw (emb) WITH (m = 32, "
	      "ef_construction = 40)",
	      "22023",
	      "ef_construction must be greater than or equal to 2 * m");
	FAILS(db, "CREATE INDEX ON t USING hnsw (emb vector_l1_ops)", "42704",
	      "operator class \"vector_l1_ops\" does not exist for access "
	      "method \"hnsw\"");
	FAILS(db, "CREATE INDEX ON t USING hnsw (cat)", "42804",
	      "vector column");
	FAILS(db, "CREATE INDEX ON t USING flat (emb) WITH (m = 4)", "22023",
	      "unrecognized parameter \"m\"");
	EXEC(db, "CREATE TABLE nodim (id int PRIMARY KEY, emb vector)");
	FAILS(db, "CREATE INDEX ON nodim USING hnsw (emb)", "22023",
	      "column does not have dimensions");
	EXEC(db, "CREATE TABLE tk (id text PRIMARY KEY, emb vector(3))");
	FAILS(db, "CREATE INDEX ON tk USING hnsw (emb)", "0A000",
	      "integer column");
	/* nothing was left behind by the failures */
	CU_ASSERT_EQUAL(table_keys(db), keys0);
	CU_ASSERT_EQUAL(vstats(db).builds, 0);

	/* pgvector's form, the Alopex form, flat */
	EXEC(db, "CREATE INDEX t_l2 ON t USING hnsw (emb vector_l2_ops) WITH "
		 "(m = 8, ef_construction = 32)");
	uint64_t keys1 = table_keys(db);
	CU_ASSERT(keys1 > keys0 + 500); /* a node record per row at least */
	EXEC(db, "CREATE INDEX t_cos ON t (emb) USING HNSW WITH (m = 12, "
		 "metric = 'cosine')");
	EXEC(db, "CREATE INDEX t_ip ON t USING flat (emb vector_ip_ops)");
	FAILS(db, "CREATE INDEX t_x ON t (emb) USING HNSW WITH (metric = 'l7')",
	      "22023", "invalid value for option \"metric\"");
	CU_ASSERT_EQUAL(vstats(db).builds, 3);

	char ex[2048];
	explain(db, "SELECT id FROM t ORDER BY emb <=> '[1,2]' LIMIT 3", ex,
		sizeof(ex));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(ex, "Index Scan using t_cos on t (hnsw, cosine, "
			   "ef_search=40)"));
	explain(db, "SELECT id FROM t ORDER BY emb <#> '[1,2]' LIMIT 3", ex,
		sizeof(ex));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(ex, "Index Scan using t_ip on t (flat, inner product)"));

	/* DROP INDEX removes its records; DROP TABLE everything */
	EXEC(db, "DROP INDEX t_cos");
	EXEC(db, "DROP INDEX t_ip");
	CU_ASSERT_EQUAL(table_keys(db), keys1);
	EXEC(db, "DROP INDEX t_l2");
	CU_ASSERT_EQUAL(table_keys(db), keys0);
	explain(db, "SELECT id FROM t ORDER BY emb <-> '[1,2]' LIMIT 3", ex,
		sizeof(ex));
	CU_ASSERT_PTR_NOT_NULL(strstr(ex, "Vector Top-N Sort (exact, l2)"));
	/* a rolled back CREATE INDEX leaves nothing, not even in memory */
	EXEC(db, "BEGIN");
	EXEC(db, "CREATE INDEX t_l2 ON t USING hnsw (emb)");
	EXEC(db, "ROLLBACK");
	CU_ASSERT_EQUAL(table_keys(db), keys0);
	EXEC(db, "CREATE INDEX t_l2 ON t USING hnsw (emb)");
	EXEC(db, "DROP TABLE t");
	EXEC(db, "DROP TABLE nodim");
	EXEC(db, "DROP TABLE tk");
	CU_ASSERT_EQUAL(table_keys(db), 0);
	alx_test_close_dir(db, dir);
}

/* ---- recall and EXPLAIN --------------------------------------------------------- */

static void recall_case(const char *opclass, const char *op, uint32_t metric)
{
	const struct vd_set *d = metric == ALOPEX_METRIC_L2 ? &plain : &unit;
	char *dir = alx_test_tmpdir("vsql-recall");
	alopex_db *db = db_open_mem(dir);
	EXEC(db, "CREATE TABLE items (id int PRIMARY KEY, cat int, "
		 "emb vector(64))");
	load(db, "items", d, d->spec.nbase);
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "CREATE INDEX items_emb_idx ON items USING hnsw (emb %s) WITH "
		 "(m = 16, ef_construction = 64)",
		 opclass);
	EXEC(db, sql);
	snprintf(sql, sizeof(sql),
		 "SELECT id FROM items ORDER BY emb %s $1 LIMIT 10", op);
	char ex[2048];
	explain(db, sql, ex, sizeof(ex));
	char want[160];
	snprintf(want, sizeof(want),
		 "Index Scan using items_emb_idx on items (hnsw, %s, "
		 "ef_search=40)",
		 metric == ALOPEX_METRIC_L2	  ? "l2"
		 : metric == ALOPEX_METRIC_COSINE ? "cosine"
						  : "inner product");
	CU_ASSERT_PTR_NOT_NULL(strstr(ex, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(ex, "Order By:"));
	if (strstr(ex, want) == NULL)
		fprintf(stderr, "%s\n", ex);
	/* another operator than the index's metric: exact top-k */
	const char *other = metric == ALOPEX_METRIC_L2 ? "<=>" : "<->";
	char sql2[256];
	snprintf(sql2, sizeof(sql2),
		 "SELECT id FROM items ORDER BY emb %s $1 LIMIT 10", other);
	explain(db, sql2, ex, sizeof(ex));
	CU_ASSERT_PTR_NULL(strstr(ex, "items_emb_idx"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ex, "Vector Top-N Sort (exact"));

	alopex_stmt *st = ALX_TEST_PREPARE(db, sql);
	struct alx_vreg_stats s0 = vstats(db);
	double sum = 0, qt = 0;
	for (uint32_t i = 0; i < d->spec.nquery; i++) {
		const float *q = d->query + (size_t)i * DIM;
		int64_t got[K];
		double t0 = vd_now();
		uint32_t n = ids_of(st, q, got, K);
		qt += vd_now() - t0;
		CU_ASSERT_EQUAL(n, K);
		uint64_t gt[K];
		uint32_t ngt =
			vd_exact(kern(db), metric, d, q, K, NULL, NULL, gt);
		struct alopex_index_result r[K];
		for (uint32_t j = 0; j < n; j++)
			r[j].id = (uint64_t)got[j];
		sum += vd_recall(gt, ngt, r, n);
	}
	struct alx_vreg_stats s1 = vstats(db);
	CU_ASSERT_EQUAL(s1.index_scans - s0.index_scans, d->spec.nquery);
	CU_ASSERT_EQUAL(s1.exact_fallbacks, s0.exact_fallbacks);
	double rec = sum / d->spec.nquery;
	printf("\n  sql %s: recall@10 %.4f, %.0f q/s", opclass, rec,
	       d->spec.nquery / qt);
	CU_ASSERT(rec >= 0.95);

	/* SET hnsw.ef_search reaches the search (and EXPLAIN) */
	FAILS(db, "SET hnsw.ef_search = 0", "22023",
	      "0 is outside the valid range for parameter "
	      "\"hnsw.ef_search\" (1 .. 1000)");
	EXEC(db, "SET hnsw.ef_search = 200");
	explain(db, sql, ex, sizeof(ex));
	CU_ASSERT_PTR_NOT_NULL(strstr(ex, "ef_search=200"));
	alopex_finalize(st);
	st = ALX_TEST_PREPARE(db, sql);
	double sum2 = 0;
	for (uint32_t i = 0; i < 30; i++) {
		const float *q = d->query + (size_t)i * DIM;
		int64_t got[K];
		uint32_t n = ids_of(st, q, got, K);
		uint64_t gt[K];
		uint32_t ngt =
			vd_exact(kern(db), metric, d, q, K, NULL, NULL, gt);
		struct alopex_index_result r[K];
		for (uint32_t j = 0; j < n; j++)
			r[j].id = (uint64_t)got[j];
		sum2 += vd_recall(gt, ngt, r, n);
	}
	CU_ASSERT(sum2 / 30 >= 0.99);
	alopex_finalize(st);
	alx_test_close_dir(db, dir);
}

static void test_recall_l2(void)
{
	recall_case("vector_l2_ops", "<->", ALOPEX_METRIC_L2);
}
static void test_recall_cosine(void)
{
	recall_case("vector_cosine_ops", "<=>", ALOPEX_METRIC_COSINE);
}
static void test_recall_ip(void)
{
	recall_case("vector_ip_ops", "<#>", ALOPEX_METRIC_IP);
}

/* ---- filtered search -------------------------------------------------------- */

static void test_filter(void)
{
	char *dir = alx_test_tmpdir("vsql-filter");
	alopex_db *db = db_open_mem(dir);
	EXEC(db, "CREATE TABLE items (id int PRIMARY KEY, cat int, "
		 "emb vector(64))");
	load(db, "items", &plain, 10000);
	EXEC(db, "CREATE INDEX items_emb_idx ON items USING hnsw (emb)");
	struct {
		int below; /* cat < below: below % of the rows */
		const char *strategy;
	} cases[] = {{1, "(exact scan (filter selectivity 1%); index "
			 "items_emb_idx not used)"},
		     {10, "(hnsw, l2, ef_search=40, filtered traversal, "
			  "filter selectivity "},
		     {50, "(hnsw, l2, ef_search=40, filtered traversal, "
			  "filter selectivity "}};
	for (size_t c = 0; c < 3; c++) {
		char sql[256], lit[64], ex[2048];
		snprintf(lit, sizeof(lit), "%d", cases[c].below);
		snprintf(sql, sizeof(sql),
			 "SELECT id FROM items WHERE cat < %s ORDER BY emb "
			 "<-> $1 LIMIT 10",
			 lit);
		explain(db, sql, ex, sizeof(ex));
		if (strstr(ex, cases[c].strategy) == NULL)
			fprintf(stderr, "%s\n", ex);
		CU_ASSERT_PTR_NOT_NULL(strstr(ex, cases[c].strategy));
		alopex_stmt *st = ALX_TEST_PREPARE(db, sql);
		double sum = 0;
		for (uint32_t i = 0; i < 20; i++) {
			const float *q = plain.query + (size_t)i * DIM;
			int64_t got[K];
			uint32_t n = ids_of(st, q, got, K);
			CU_ASSERT_EQUAL(n, K);
			for (uint32_t j = 0; j < n; j++)
				CU_ASSERT(got[j] % 100 < cases[c].below);
			struct alopex_index_result r[K];
			for (uint32_t j = 0; j < n; j++)
				r[j].id = (uint64_t)got[j];
			uint64_t gt[K];
			int below = cases[c].below;
			struct vd_set sub = plain;
			uint32_t ngt = 0;
			/* exact among the matching rows */
			float best[K];
			for (uint32_t id = 0; id < sub.spec.nbase; id++) {
				if ((int)(id % 100) >= below)
					continue;
				const float *v = plain.base + (size_t)id * DIM;
				float dd = 0;
				for (int e = 0; e < DIM; e++)
					dd += (v[e] - q[e]) * (v[e] - q[e]);
				uint32_t pos = ngt < K ? ngt++ : K;
				if (pos == K && dd >= best[K - 1])
					continue;
				if (pos == K)
					pos = K - 1;
				while (pos > 0 && best[pos - 1] > dd) {
					best[pos] = best[pos - 1];
					gt[pos] = gt[pos - 1];
					pos--;
				}
				best[pos] = dd;
				gt[pos] = id;
			}
			sum += vd_recall(gt, ngt, r, n);
		}
		printf("\n  filter %d%%: recall@10 %.3f", cases[c].below,
		       sum / 20);
		CU_ASSERT(sum / 20 >= 0.9);
		alopex_finalize(st);
	}
	/* fewer matching rows than k: all of them, by the exact path */
	alopex_stmt *st =
		ALX_TEST_PREPARE(db, "SELECT id FROM items WHERE id IN (5, 77, "
				     "9000) ORDER BY emb <-> $1 LIMIT 10");
	int64_t got[K];
	CU_ASSERT_EQUAL(ids_of(st, plain.query, got, K), 3);
	alopex_finalize(st);
	/* a filter with a parameter: chosen per execution */
	st = ALX_TEST_PREPARE(
		db, "SELECT id FROM items WHERE cat = $2 ORDER BY emb <-> "
		    "$1 LIMIT 10");
	for (int64_t cat = 0; cat < 100; cat += 33) {
		alopex_reset(st);
		alopex_bind_vector(st, 1, plain.query, DIM);
		alopex_bind_int64(st, 2, cat);
		uint32_t n = 0;
		while (alopex_step(st) == ALOPEX_ROW) {
			CU_ASSERT_EQUAL(alopex_column_int64(st, 0) % 100, cat);
			n++;
		}
		CU_ASSERT_EQUAL(n, K);
	}
	alopex_finalize(st);
	alx_test_close_dir(db, dir);
}

/* ---- visibility: UPDATE, DELETE, ROLLBACK, other sessions -------------- */

static struct alx_session *session(alopex_db *db)
{
	struct alx_session *s = NULL;
	alopex_diag d = {0};
	CU_ASSERT_EQUAL_FATAL(alx_session_create(db, &s, &d), 0);
	return s;
}

static int srun(struct alx_session *s, const char *sql)
{
	int rc = alx_session_execute(s, sql, strlen(sql), NULL, NULL);
	if (rc != 0)
		fprintf(stderr, "session: %s: %s\n", sql,
			alx_session_diag(s)->message);
	return rc;
}

/* The first id of the nearest-neighbour query for v (-1: none). */
static int64_t nearest(alopex_stmt *st, const float *v)
{
	int64_t got[K];
	uint32_t n = ids_of(st, v, got, K);
	return n > 0 ? got[0] : -1;
}

static bool found(alopex_stmt *st, const float *v, int64_t id)
{
	int64_t got[K];
	uint32_t n = ids_of(st, v, got, K);
	for (uint32_t i = 0; i < n; i++)
		if (got[i] == id)
			return true;
	return false;
}

static void vec_lit(const float *v, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "[");
	for (int i = 0; i < DIM; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%.9g",
					i ? "," : "", v[i]);
	snprintf(buf + len, n - len, "]");
}

static void test_visibility(void)
{
	char *dir = alx_test_tmpdir("vsql-vis");
	alopex_db *db = db_open_mem(dir);
	EXEC(db, "CREATE TABLE items (id int PRIMARY KEY, cat int, "
		 "emb vector(64))");
	load(db, "items", &plain, 2000);
	EXEC(db, "CREATE INDEX items_emb_idx ON items USING hnsw (emb)");
	alopex_stmt *st = ALX_TEST_PREPARE(
		db, "SELECT id FROM items ORDER BY emb <-> $1 LIMIT 10");
	const float *v5 = plain.base + 5 * DIM, *v7 = plain.base + 7 * DIM;
	CU_ASSERT_EQUAL(nearest(st, v5), 5);

	/* DELETE: never returned again */
	EXEC(db, "DELETE FROM items WHERE id = 5");
	CU_ASSERT(!found(st, v5, 5));
	/* UPDATE of the vector: found under the new one only */
	EXEC(db, "UPDATE items SET emb = (SELECT emb FROM items WHERE id = 7) "
		 "WHERE id = 9");
	CU_ASSERT(found(st, v7, 9));
	CU_ASSERT(!found(st, plain.base + 9 * DIM, 9) ||
		  nearest(st, plain.base + 9 * DIM) != 9);
	/* UPDATE of the key moves the row's id */
	EXEC(db, "UPDATE items SET id = 100005 WHERE id = 11");
	CU_ASSERT(found(st, plain.base + 11 * DIM, 100005));
	CU_ASSERT(!found(st, plain.base + 11 * DIM, 11));
	/* UPDATE of another column leaves the index alone */
	EXEC(db, "UPDATE items SET cat = -1 WHERE id = 13");
	CU_ASSERT_EQUAL(nearest(st, plain.base + 13 * DIM), 13);

	/* ROLLBACK of an insert: never returned */
	char lit[2048], sql[2300];
	vec_lit(plain.query, lit, sizeof(lit));
	EXEC(db, "BEGIN");
	snprintf(sql, sizeof(sql), "INSERT INTO items VALUES (50000, 0, '%s')",
		 lit);
	EXEC(db, sql);
	CU_ASSERT_EQUAL(nearest(st, plain.query), 50000); /* own write */
	EXEC(db, "ROLLBACK");
	CU_ASSERT(!found(st, plain.query, 50000));
	/* ROLLBACK of a DELETE and of an UPDATE: as before */
	EXEC(db, "BEGIN");
	EXEC(db, "DELETE FROM items WHERE id = 21");
	EXEC(db, "UPDATE items SET emb = (SELECT emb FROM items WHERE id = 7) "
		 "WHERE id = 23");
	CU_ASSERT(!found(st, plain.base + 21 * DIM, 21));
	EXEC(db, "ROLLBACK");
	CU_ASSERT_EQUAL(nearest(st, plain.base + 21 * DIM), 21);
	CU_ASSERT_EQUAL(nearest(st, plain.base + 23 * DIM), 23);
	/* ROLLBACK TO SAVEPOINT */
	EXEC(db, "BEGIN");
	EXEC(db, "DELETE FROM items WHERE id = 31");
	EXEC(db, "SAVEPOINT a");
	snprintf(sql, sizeof(sql), "INSERT INTO items VALUES (50001, 0, '%s')",
		 lit);
	EXEC(db, sql);
	EXEC(db, "DELETE FROM items WHERE id = 33");
	EXEC(db, "UPDATE items SET emb = (SELECT emb FROM items WHERE id = 7) "
		 "WHERE id = 35");
	EXEC(db, "ROLLBACK TO SAVEPOINT a");
	CU_ASSERT(!found(st, plain.query, 50001));
	CU_ASSERT_EQUAL(nearest(st, plain.base + 33 * DIM), 33);
	CU_ASSERT_EQUAL(nearest(st, plain.base + 35 * DIM), 35);
	CU_ASSERT(!found(st, plain.base + 31 * DIM, 31));
	EXEC(db, "COMMIT");
	CU_ASSERT(!found(st, plain.base + 31 * DIM, 31));
	CU_ASSERT(!found(st, plain.query, 50001));

	/* another session's uncommitted rows are not returned */
	struct alx_session *s2 = session(db);
	CU_ASSERT_EQUAL(srun(s2, "BEGIN"), 0);
	snprintf(sql, sizeof(sql), "INSERT INTO items VALUES (50002, 0, '%s')",
		 lit);
	CU_ASSERT_EQUAL(srun(s2, sql), 0);
	CU_ASSERT_EQUAL(srun(s2, "DELETE FROM items WHERE id = 41"), 0);
	int64_t got[K];
	CU_ASSERT_EQUAL(ids_of(st, plain.query, got, K), K);
	for (int i = 0; i < K; i++)
		CU_ASSERT(got[i] != 50002);
	/* ... and its uncommitted DELETE does not hide row 41 from us,
	 * when the index can offer removed rows to older snapshots */
	const struct alopex_plugin *hp = alx_registry_find(
		alx_runtime_registry(db->rt), ALOPEX_PLUGIN_INDEX, "hnsw");
	const struct alopex_index_ops *hops = hp->ops;
	if (hops->caps & ALOPEX_INDEX_SNAPSHOTS)
		CU_ASSERT(found(st, plain.base + 41 * DIM, 41));
	CU_ASSERT_EQUAL(srun(s2, "COMMIT"), 0);
	CU_ASSERT_EQUAL(nearest(st, plain.query), 50002);
	CU_ASSERT(!found(st, plain.base + 41 * DIM, 41));
	alx_session_destroy(s2);

	/* VACUUM reclaims the committed removals; answers stay */
	struct alx_vreg_stats s0 = vstats(db);
	EXEC(db, "VACUUM items");
	CU_ASSERT_EQUAL(vstats(db).vacuums, s0.vacuums + 1);
	CU_ASSERT_EQUAL(nearest(st, plain.query), 50002);
	CU_ASSERT_EQUAL(nearest(st, plain.base + 33 * DIM), 33);
	CU_ASSERT(!found(st, plain.base + 5 * DIM, 5));
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM items"), 1998);

	/* TRUNCATE empties the index; rolled back, it is whole again */
	EXEC(db, "BEGIN");
	EXEC(db, "TRUNCATE items");
	CU_ASSERT_EQUAL(ids_of(st, plain.query, got, K), 0);
	EXEC(db, "ROLLBACK");
	CU_ASSERT_EQUAL(nearest(st, plain.base + 33 * DIM), 33);
	CU_ASSERT_EQUAL(nearest(st, plain.query), 50002);
	EXEC(db, "TRUNCATE items");
	CU_ASSERT_EQUAL(ids_of(st, plain.query, got, K), 0);
	snprintf(sql, sizeof(sql), "INSERT INTO items VALUES (1, 0, '%s')",
		 lit);
	EXEC(db, sql);
	CU_ASSERT_EQUAL(ids_of(st, plain.query, got, K), 1);
	CU_ASSERT_EQUAL(got[0], 1);
	alopex_finalize(st);
	alx_test_close_dir(db, dir);
}

/* ---- persistence ---------------------------------------------------------------- */

#define PQ 20

static void test_persist(void)
{
	char *dir = alx_test_tmpdir("vsql-persist");
	alopex_db *db = db_open(dir);
	EXEC(db, "CREATE TABLE items (id int PRIMARY KEY, cat int, "
		 "emb vector(64))");
	load(db, "items", &plain, 3000);
	EXEC(db, "CREATE INDEX items_emb_idx ON items USING hnsw (emb) WITH "
		 "(m = 8)");
	EXEC(db, "DELETE FROM items WHERE id % 10 = 3");
	static int64_t before[PQ][K], after[PQ][K];
	alopex_stmt *st = ALX_TEST_PREPARE(
		db, "SELECT id FROM items ORDER BY emb <-> $1 LIMIT 10");
	for (int i = 0; i < PQ; i++)
		CU_ASSERT_EQUAL(
			ids_of(st, plain.query + (size_t)i * DIM, before[i], K),
			K);
	alopex_finalize(st);
	alx_test_close(db);

	loglen = 0;
	db = db_open(dir);
	st = ALX_TEST_PREPARE(
		db, "SELECT id FROM items ORDER BY emb <-> $1 LIMIT 10");
	for (int i = 0; i < PQ; i++) {
		CU_ASSERT_EQUAL(
			ids_of(st, plain.query + (size_t)i * DIM, after[i], K),
			K);
		for (int j = 0; j < K; j++)
			CU_ASSERT_EQUAL(after[i][j], before[i][j]);
	}
	struct alx_vreg_stats s = vstats(db);
	CU_ASSERT_EQUAL(s.builds, 0); /* loaded, not rebuilt */
	CU_ASSERT_EQUAL(s.opens, 1);
	CU_ASSERT_EQUAL(s.index_scans, PQ);
	CU_ASSERT_PTR_NULL(strstr(logbuf, "built index"));
	alopex_finalize(st);
	alx_test_close_dir(db, dir);
}

/* A commit that leaves many removed rows vacuums the index. */
static void test_autovacuum(void)
{
	char *dir = alx_test_tmpdir("vsql-autovac");
	alopex_db *db = db_open_mem(dir);
	EXEC(db, "CREATE TABLE items (id int PRIMARY KEY, cat int, "
		 "emb vector(64))");
	load(db, "items", &plain, 2500);
	EXEC(db, "CREATE INDEX items_emb_idx ON items USING hnsw (emb)");
	EXEC(db, "DELETE FROM items WHERE id < 200");
	CU_ASSERT_EQUAL(vstats(db).vacuums, 0);
	EXEC(db, "DELETE FROM items WHERE id < 1200");
	CU_ASSERT_EQUAL(vstats(db).vacuums, 1);
	alopex_stmt *st = ALX_TEST_PREPARE(
		db, "SELECT id FROM items ORDER BY emb <-> $1 LIMIT 10");
	for (uint32_t i = 0; i < 20; i++) {
		int64_t got[K];
		CU_ASSERT_EQUAL(
			ids_of(st, plain.query + (size_t)i * DIM, got, K), K);
		for (int j = 0; j < K; j++)
			CU_ASSERT(got[j] >= 1200);
	}
	struct alx_vreg_stats s = vstats(db);
	CU_ASSERT_EQUAL(s.exact_fallbacks, 0);
	alopex_finalize(st);
	alx_test_close_dir(db, dir);
}

/* A large build logs its progress. */
static void test_build_progress(void)
{
	char *dir = alx_test_tmpdir("vsql-progress");
	alopex_db *db = db_open_mem(dir);
	EXEC(db, "CREATE TABLE big (id int PRIMARY KEY, cat int, "
		 "emb vector(64))");
	struct vd_spec sp = {24000, 1, DIM, 20, 32, 0.5, 11, 0};
	struct vd_set big;
	CU_ASSERT_EQUAL_FATAL(vd_generate(&sp, &big), 0);
	load(db, "big", &big, sp.nbase);
	loglen = 0;
	EXEC(db, "CREATE INDEX big_idx ON big USING hnsw (emb) WITH (m = 4, "
		 "ef_construction = 8)");
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "building index \"big_idx\": "));
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "of 24000 rows"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(logbuf, "built index \"big_idx\": 24000 rows"));
	vd_free(&big);
	alx_test_close_dir(db, dir);
}

/* ---- crash consistency ------------------------------------------------------ */

#define CRASH_ROWS 100000u
#define CRASH_MS 8000

static void crash_child(const char *dir, int fd) __attribute__((noreturn));

static void crash_child(const char *dir, int fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alopex_open_options o = {.size = sizeof(o),
				 .log_level = ALOPEX_LOG_ERROR,
				 .create_if_missing = 1};
	alopex_db *db = NULL;
	alopex_diag d = {0};
	if (alopex_open_ex(dir, NULL, &o, &db, &d) != 0)
		_exit(3);
	alopex_stmt *ins = NULL;
	if (alopex_prepare(db, "INSERT INTO items VALUES ($1, 0, $2)", &ins) !=
	    0)
		_exit(3);
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < CRASH_ROWS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 > CRASH_MS)
			break;
		/* every seventh row is rolled back: never to be found */
		bool rb = i % 7 == 6;
		if (rb && alopex_exec(db, "BEGIN") != 0)
			_exit(3);
		alopex_reset(ins);
		alopex_bind_int64(ins, 1, 10000 + i);
		alopex_bind_vector(ins, 2,
				   plain.base + (size_t)(i % 10000) * DIM, DIM);
		if (alopex_step(ins) != ALOPEX_DONE)
			_exit(3);
		if (rb) {
			if (alopex_exec(db, "ROLLBACK") != 0)
				_exit(3);
			continue;
		}
		if (write(fd, &i, sizeof(i)) != (ssize_t)sizeof(i))
			_exit(4);
	}
	for (;;)
		pause();
}

/*
 * A lost row, for the report: still in the table (so the index lost it:
 * its node unreachable, or absent after the reopen), and what the search
 * returned instead.
 */
static void crash_evidence(alopex_stmt *byid, uint32_t r, const int64_t *got,
			   uint32_t n)
{
	int64_t rows = -1;
	alopex_reset(byid);
	alopex_bind_int64(byid, 1, 10000 + (int64_t)r);
	if (alopex_step(byid) == ALOPEX_ROW)
		rows = alopex_column_int64(byid, 0);
	char ids[256];
	size_t len = 0;
	ids[0] = 0;
	for (uint32_t j = 0; j < n && len < sizeof(ids) - 24; j++)
		len += (size_t)snprintf(ids + len, sizeof(ids) - len, " %lld",
					(long long)got[j]);
	fprintf(stderr,
		"crash: row %u (id %u) acknowledged, %lld in the table, not "
		"found by the index; its nearest by the index:%s\n",
		r, 10000 + r, (long long)rows, ids);
}

static void test_crash(void)
{
	char *dir = alx_test_tmpdir("vsql-crash");
	alopex_db *db = db_open(dir);
	EXEC(db, "CREATE TABLE items (id int PRIMARY KEY, cat int, "
		 "emb vector(64))");
	load(db, "items", &plain, 1000);
	EXEC(db, "CREATE INDEX items_emb_idx ON items USING hnsw (emb) WITH "
		 "(m = 16, ef_construction = 64)");
	alx_test_close(db);
	fflush(NULL);
	int fds[2];
	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		crash_child(dir, fds[1]);
	}
	close(fds[1]);
	/* let it write for a moment, then kill it mid-stream */
	uint32_t acked = 0, last = 0;
	bool any = false;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	unsigned delay_ms = 600 + (unsigned)(t0.tv_nsec % 600000000) / 1000000;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		int64_t ms = (t.tv_sec - t0.tv_sec) * 1000 +
			     (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > (any ? (int64_t)delay_ms : 5000))
			break;
		struct pollfd p = {fds[0], POLLIN, 0};
		if (poll(&p, 1, 5) <= 0)
			continue;
		uint32_t i;
		if (read(fds[0], &i, sizeof(i)) != (ssize_t)sizeof(i))
			break;
		last = i;
		acked++;
		any = true;
	}
	kill(pid, SIGKILL);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	uint32_t i;
	while (read(fds[0], &i, sizeof(i)) == (ssize_t)sizeof(i)) {
		last = i;
		acked++;
	}
	close(fds[0]);
	CU_ASSERT_FATAL(any);
	printf("\n  crash: %u rows acknowledged before kill -9", acked);

	db = db_open(dir);
	/* A wide search, so that an approximate miss among the duplicate
	 * vectors below is not taken for a lost row. */
	EXEC(db, "SET hnsw.ef_search = 400");
	alopex_stmt *byid = ALX_TEST_PREPARE(
		db, "SELECT count(*) FROM items WHERE id = $1");
	/* From here the log is the index's open (at the first search). */
	pthread_mutex_lock(&log_mu);
	loglen = 0;
	logbuf[0] = 0;
	pthread_mutex_unlock(&log_mu);
	alopex_stmt *st = ALX_TEST_PREPARE(
		db, "SELECT id FROM items ORDER BY emb <-> $1 LIMIT 10");
	alopex_stmt *wide = ALX_TEST_PREPARE(
		db, "SELECT id FROM items ORDER BY emb <-> $1 LIMIT 64");
	/* every acknowledged row is in the index; the rolled back ones
	 * never appear */
	uint32_t missing = 0, ghosts = 0;
	uint32_t stride = last / 4000 + 1; /* bound the checking time */
	for (uint32_t r = 0; r <= last; r += stride) {
		const float *v = plain.base + (size_t)(r % 10000) * DIM;
		int64_t got[K];
		uint32_t n = ids_of(st, v, got, K);
		bool hit = false;
		for (uint32_t j = 0; j < n; j++) {
			if (got[j] == 10000 + (int64_t)r)
				hit = true;
			if (got[j] >= 10000 && (got[j] - 10000) % 7 == 6)
				ghosts++;
		}
		if (r % 7 == 6)
			continue;
		/* the same vector is also row r % 10000 and maybe other
		 * copies: k = 10 holds them all while few copies exist */
		if (!hit) {
			/* Identical vectors tie at distance 0 (the data
			 * repeats some): look further than k before calling
			 * the row lost. */
			int64_t more[64];
			uint32_t m = ids_of(wide, v, more, 64);
			for (uint32_t j = 0; j < m; j++)
				if (more[j] == 10000 + (int64_t)r)
					hit = true;
		}
		if (!hit && ++missing <= 5)
			crash_evidence(byid, r, got, n);
	}
	struct alx_vreg_stats s = vstats(db);
	CU_ASSERT_EQUAL(s.builds, 0);
	CU_ASSERT_EQUAL(ghosts, 0);
	CU_ASSERT_EQUAL(missing, 0);
	if (missing != 0) {
		/* What the index did on open: re-inserted, removed, linked
		 * in again (a node nothing links to is never found). */
		pthread_mutex_lock(&log_mu);
		fprintf(stderr,
			"crash: %u of %u acknowledged rows missing; "
			"log of the reopen:\n%s",
			missing, last + 1, logbuf);
		pthread_mutex_unlock(&log_mu);
	}
	/* the count of rows the index knows matches the table */
	CU_ASSERT(scalar(db, "SELECT count(*) FROM items") >= 1000 + acked);
	alopex_finalize(st);
	alopex_finalize(wide);
	alopex_finalize(byid);
	alx_test_close_dir(db, dir);
}

/* ---- concurrent sessions --------------------------------------------------------- */

struct worker {
	alopex_db *db;
	int writer;
	uint32_t first, count;
	int errors;
	uint32_t done;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct alx_session *s = NULL;
	alopex_diag d = {0};
	if (alx_session_create(w->db, &s, &d) != 0) {
		w->errors++;
		return NULL;
	}
	char sql[4096], lit[2048];
	for (uint32_t i = 0; i < w->count; i++) {
		uint32_t id = w->first + i;
		if (w->writer) {
			vec_lit(plain.base + (size_t)(id % 10000) * DIM, lit,
				sizeof(lit));
			snprintf(sql, sizeof(sql),
				 "INSERT INTO items VALUES (%u, 0, '%s')",
				 100000 + id, lit);
		} else {
			vec_lit(plain.query + (size_t)(i % 100) * DIM, lit,
				sizeof(lit));
			snprintf(sql, sizeof(sql),
				 "SELECT id FROM items ORDER BY emb <-> '%s' "
				 "LIMIT 10",
				 lit);
		}
		if (alx_session_execute(s, sql, strlen(sql), NULL, NULL) != 0) {
			fprintf(stderr, "worker: %s\n",
				alx_session_diag(s)->message);
			w->errors++;
		}
		w->done++;
	}
	alx_session_destroy(s);
	return NULL;
}

static void test_concurrent(void)
{
	char *dir = alx_test_tmpdir("vsql-conc");
	alopex_db *db = db_open_mem(dir);
	EXEC(db, "CREATE TABLE items (id int PRIMARY KEY, cat int, "
		 "emb vector(64))");
	load(db, "items", &plain, 2000);
	EXEC(db, "CREATE INDEX items_emb_idx ON items USING hnsw (emb)");
	struct worker w[4] = {
		{db, 1, 2000, 300, 0, 0},
		{db, 1, 3000, 300, 0, 0},
		{db, 0, 0, 200, 0, 0},
		{db, 0, 0, 200, 0, 0},
	};
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, work, &w[i]),
				      0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(w[i].errors, 0);
	}
	CU_ASSERT_EQUAL(scalar(db, "SELECT count(*) FROM items"), 2600);
	/* every row the writers added is found by its own vector */
	alopex_stmt *st =
		ALX_TEST_PREPARE(db, "SELECT id FROM items WHERE id >= 100000 "
				     "ORDER BY emb <-> $1 LIMIT 10");
	uint32_t misses = 0;
	for (uint32_t id = 2000; id < 3300; id += 7) {
		if (id >= 2300 && id < 3000)
			continue;
		if (!found(st, plain.base + (size_t)id * DIM, 100000 + id))
			misses++;
	}
	CU_ASSERT_EQUAL(misses, 0);
	alopex_finalize(st);
	alx_test_close_dir(db, dir);
}

/* ---- exact top-k without an index ------------------------------------------- */

/* Rows (id, distance) of a query with a vector parameter. */
static uint32_t rows_of(alopex_stmt *st, const float *q, uint32_t dim,
			int64_t *ids, double *dist, uint32_t max)
{
	alopex_reset(st);
	CU_ASSERT_EQUAL(alopex_bind_vector(st, 1, q, dim), 0);
	uint32_t n = 0;
	int rc;
	while ((rc = alopex_step(st)) == ALOPEX_ROW)
		if (n < max) {
			ids[n] = alopex_column_int64(st, 0);
			dist[n++] = alopex_column_double(st, 1);
		}
	CU_ASSERT_EQUAL(rc, ALOPEX_DONE);
	return n;
}

/* The exact scan's own top-k (ORDER BY the distance alone) gives what the
 * TOPK over every row gives (ORDER BY the distance, id: the same order,
 * as ids ascend with the scan): ids and distances. */
static void same_as_full(alopex_db *db, const char *table, const char *op,
			 const char *where, const char *tail, uint32_t nq)
{
	char a[512], b[512];
	snprintf(a, sizeof(a),
		 "SELECT id, emb %s $1 FROM %s %s ORDER BY emb %s $1 %s", op,
		 table, where, op, tail);
	snprintf(b, sizeof(b),
		 "SELECT id, emb %s $1 FROM %s %s ORDER BY emb %s $1, id %s",
		 op, table, where, op, tail);
	alopex_stmt *fast = ALX_TEST_PREPARE(db, a),
		    *full = ALX_TEST_PREPARE(db, b);
	for (uint32_t q = 0; q < nq; q++) {
		const float *v = plain.query + (size_t)q * DIM;
		int64_t ia[2 * K], ib[2 * K];
		double da[2 * K], dbl[2 * K];
		uint32_t na = rows_of(fast, v, DIM, ia, da, 2 * K);
		uint32_t nb = rows_of(full, v, DIM, ib, dbl, 2 * K);
		CU_ASSERT_EQUAL(na, nb);
		bool same = na == nb;
		for (uint32_t i = 0; same && i < na; i++)
			same = ia[i] == ib[i] && da[i] == dbl[i];
		if (!same)
			fprintf(stderr, "exact top-k differs: %s (query %u)\n",
				a, q);
		CU_ASSERT(same);
	}
	alopex_finalize(fast);
	alopex_finalize(full);
}

static double ref_l2(const float *a, const float *b)
{
	double s = 0;
	for (int i = 0; i < DIM; i++) {
		double t = (double)a[i] - (double)b[i];
		s += t * t;
	}
	return sqrt(s);
}

static void test_exact_topk(void)
{
	char *dir = alx_test_tmpdir("vsql-exact");
	alopex_db *db = db_open(dir);
	/* text columns before the vector: the scan skips them in place */
	EXEC(db, "CREATE TABLE items (id int PRIMARY KEY, cat int, "
		 "emb vector(64))");
	EXEC(db, "CREATE TABLE wide (name text, id int PRIMARY KEY, "
		 "note varchar(20), emb vector(64))");
	load(db, "items", &plain, 3000);
	EXEC(db, "INSERT INTO wide SELECT 'n' || id, id, CASE WHEN id % 3 = 0 "
		 "THEN NULL ELSE repeat('x', id % 7) END, emb FROM items");
	alopex_stmt *st = ALX_TEST_PREPARE(
		db, "SELECT id, emb <-> $1 FROM items ORDER BY emb <-> $1 "
		    "LIMIT 10");
	/* against a double-precision reference */
	for (int q = 0; q < 5; q++) {
		const float *v = plain.query + (size_t)q * DIM;
		int64_t ids[K];
		double d[K];
		CU_ASSERT_EQUAL_FATAL(rows_of(st, v, DIM, ids, d, K), K);
		double kth = d[K - 1];
		uint32_t closer = 0;
		for (uint32_t i = 0; i < 3000; i++)
			closer += ref_l2(plain.base + (size_t)i * DIM, v) <
				  kth * (1 - 1e-5);
		CU_ASSERT(closer < K);
		for (int i = 0; i < K; i++) {
			double r = ref_l2(plain.base + (size_t)ids[i] * DIM, v);
			CU_ASSERT(fabs(r - d[i]) <= 1e-4 * (r + 1));
			if (i > 0)
				CU_ASSERT(d[i - 1] <= d[i]);
		}
	}
	/* every metric, OFFSET, a WHERE, the wide rows */
	same_as_full(db, "items", "<->", "", "LIMIT 10", 8);
	same_as_full(db, "items", "<=>", "", "LIMIT 10", 8);
	same_as_full(db, "items", "<#>", "", "LIMIT 10", 8);
	same_as_full(db, "items", "<->", "", "LIMIT 5 OFFSET 7", 4);
	same_as_full(db, "items", "<->", "WHERE cat = 7", "LIMIT 10", 4);
	same_as_full(db, "wide", "<->", "", "LIMIT 10", 4);
	same_as_full(db, "wide", "<=>", "WHERE note IS NULL", "LIMIT 10", 4);
	/* LIMIT 0 */
	alopex_stmt *z = ALX_TEST_PREPARE(
		db, "SELECT id, emb <-> $1 FROM items ORDER BY "
		    "emb <-> $1 LIMIT 0");
	int64_t ids[2 * K];
	double d[2 * K];
	CU_ASSERT_EQUAL(rows_of(z, plain.query, DIM, ids, d, K), 0);
	alopex_finalize(z);

	/* EXPLAIN is a sequential scan under the vector top-N sort */
	char plan[2048];
	explain(db, "SELECT id FROM items ORDER BY emb <-> '[1]' LIMIT 3", plan,
		sizeof(plan));
	CU_ASSERT(strstr(plan, "Vector Top-N Sort") != NULL);
	CU_ASSERT(strstr(plan, "Seq Scan on items") != NULL);

	/* another size: the distance function's error, either side */
	FAILS(db, "SELECT id FROM items ORDER BY emb <-> '[1,2,3]' LIMIT 5",
	      "22000", "different vector dimensions 64 and 3");
	FAILS(db, "SELECT id FROM items ORDER BY '[1,2,3]' <-> emb LIMIT 5",
	      "22000", "different vector dimensions 3 and 64");

	/* NULL vectors sort last; rows missing from the scan stay out */
	EXEC(db, "CREATE TABLE few (id int PRIMARY KEY, emb vector(64))");
	EXEC(db, "INSERT INTO few SELECT id, emb FROM items WHERE id < 4");
	EXEC(db, "INSERT INTO few VALUES (10, NULL), (11, NULL)");
	alopex_stmt *f =
		ALX_TEST_PREPARE(db, "SELECT id, emb <-> $1 FROM few ORDER BY "
				     "emb <-> $1 LIMIT 10");
	CU_ASSERT_EQUAL(rows_of(f, plain.base + 2 * DIM, DIM, ids, d, 2 * K),
			6);
	CU_ASSERT_EQUAL(ids[0], 2);
	CU_ASSERT(ids[4] + ids[5] == 21 && ids[4] != ids[5]);
	alopex_finalize(f);

	/* snapshots: another session's uncommitted insert and delete */
	const float *v9 = plain.base + 9 * DIM;
	CU_ASSERT_EQUAL(rows_of(st, v9, DIM, ids, d, K), K);
	CU_ASSERT_EQUAL(ids[0], 9);
	struct alx_session *s2 = session(db);
	char lit[2048], sql[2300];
	vec_lit(v9, lit, sizeof(lit));
	CU_ASSERT_EQUAL(srun(s2, "BEGIN"), 0);
	snprintf(sql, sizeof(sql), "INSERT INTO items VALUES (70000, 0, '%s')",
		 lit);
	CU_ASSERT_EQUAL(srun(s2, sql), 0);
	CU_ASSERT_EQUAL(srun(s2, "DELETE FROM items WHERE id = 9"), 0);
	CU_ASSERT_EQUAL(rows_of(st, v9, DIM, ids, d, K), K);
	CU_ASSERT_EQUAL(ids[0], 9);
	for (int i = 0; i < K; i++)
		CU_ASSERT(ids[i] != 70000);
	CU_ASSERT_EQUAL(srun(s2, "COMMIT"), 0);
	alx_session_destroy(s2);
	CU_ASSERT_EQUAL(rows_of(st, v9, DIM, ids, d, K), K);
	CU_ASSERT_EQUAL(ids[0], 70000);
	for (int i = 0; i < K; i++)
		CU_ASSERT(ids[i] != 9);
	/* own writes: a deleted row is gone inside the transaction */
	EXEC(db, "BEGIN");
	EXEC(db, "DELETE FROM items WHERE id = 70000");
	CU_ASSERT_EQUAL(rows_of(st, v9, DIM, ids, d, K), K);
	CU_ASSERT(ids[0] != 70000);
	EXEC(db, "ROLLBACK");

	/* a flat index answers the same through SQL */
	int64_t before[4][K];
	for (int q = 0; q < 4; q++)
		CU_ASSERT_EQUAL(rows_of(st, plain.query + (size_t)q * DIM, DIM,
					before[q], d, K),
				K);
	EXEC(db, "CREATE INDEX items_flat ON items USING flat (emb)");
	explain(db, "SELECT id FROM items ORDER BY emb <-> '[1]' LIMIT 3", plan,
		sizeof(plan));
	CU_ASSERT(strstr(plan, "items_flat") != NULL);
	struct alx_vreg_stats v0 = vstats(db);
	for (int q = 0; q < 4; q++) {
		CU_ASSERT_EQUAL(rows_of(st, plain.query + (size_t)q * DIM, DIM,
					ids, d, K),
				K);
		CU_ASSERT(memcmp(ids, before[q], sizeof(ids[0]) * K) == 0);
	}
	CU_ASSERT_EQUAL(vstats(db).index_scans, v0.index_scans + 4);
	/* ... and a removed row is not offered, a rolled-back removal is */
	EXEC(db, "BEGIN");
	EXEC(db, "DELETE FROM items WHERE id = 70000");
	CU_ASSERT_EQUAL(rows_of(st, v9, DIM, ids, d, K), K);
	CU_ASSERT(ids[0] != 70000);
	EXEC(db, "ROLLBACK");
	CU_ASSERT_EQUAL(rows_of(st, v9, DIM, ids, d, K), K);
	CU_ASSERT_EQUAL(ids[0], 70000);
	alopex_finalize(st);
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"ddl", test_ddl},
	{"recall_l2", test_recall_l2},
	{"recall_cosine", test_recall_cosine},
	{"recall_ip", test_recall_ip},
	{"filter", test_filter},
	{"visibility", test_visibility},
	{"persist", test_persist},
	{"autovacuum", test_autovacuum},
	{"build_progress", test_build_progress},
	{"crash", test_crash},
	{"concurrent", test_concurrent},
	{"exact_topk", test_exact_topk},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"vector_sql", suite_setup,
					    suite_teardown, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
