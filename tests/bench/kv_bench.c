/*
 * alopex-kv-bench: the embedded KV API against SQLite, side by side in one
 * process (BENCHMARKS.md section 6): each round runs Alopex then SQLite on
 * the same keys, and the summary gives medians and ratios ours/SQLite.
 *
 * Workloads (16-byte random keys, 100-byte values, one thread):
 *   batched writes   N keys in commits of 1,000 puts (ours: default fsync
 *                    per commit; SQLite: WAL, synchronous=FULL, one
 *                    transaction per 1,000 prepared INSERTs)
 *   point reads      N random gets of existing keys, one read-only
 *                    transaction per get, and one per 1,000 gets
 *   scan             forward scan of all keys
 *   fsync writes     single-put commits (SQLite: autocommit INSERTs),
 *                    bounded by count and time
 * Everything read is checked against what was written; a mismatch or an
 * error makes the exit status non-zero. Timings are never asserted.
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alopex.h"
#include "bench_util.h"

#define KEY_LEN 16
#define VAL_LEN 100
#define BATCH 1000
#define POOL_LEN (4u << 20)
#define SEED 20240601u
#define MAX_ROUNDS 50

struct opts {
	size_t nkeys;
	size_t nreads;
	unsigned rounds;
	size_t fsync_max;
	double fsync_secs;
	const char *base;
	int run_ours, run_lite;
};

/* The workload, identical for both sides. */
struct data {
	size_t nkeys, nreads, nfsync;
	uint8_t *keys;	  /* nkeys x KEY_LEN, insertion order */
	uint8_t *fkeys;	  /* nfsync x KEY_LEN, for single-put commits */
	uint32_t *reads;  /* nreads random indexes into keys */
	uint32_t *sorted; /* indexes of keys in byte order */
	uint8_t *pool;	  /* values are windows of this random pool */
};

enum metric {
	M_BATCH,
	M_GET1,
	M_GET1000,
	M_SCAN,
	M_FSYNC,
	M_COUNT,
};

static const char *const metric_name[M_COUNT] = {
	"batched writes, 1000 puts/commit",
	"point reads, 1 get/read txn",
	"point reads, 1000 gets/read txn",
	"forward scan, all keys",
	"single-put commits",
};

static const char *const metric_sync[M_COUNT] = {
	"fsync/commit vs WAL FULL", "-", "-", "-", "fsync/commit vs WAL FULL",
};

/* ---- random data -------------------------------------------------------- */

struct xoshiro {
	uint64_t s[4];
};

static void xo_seed(struct xoshiro *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = bench_splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t xo_next(struct xoshiro *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

static void fill_random(struct xoshiro *r, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = xo_next(r);
		memcpy(p + i, &v, n - i < 8 ? n - i : 8);
	}
}

/*
 * Values are 100-byte windows of a 4 MiB random pool: incompressible for
 * a page compressor, and reproducible from the key index alone.
 */
static const uint8_t *value_of(const struct data *d, size_t idx)
{
	return d->pool + (idx * 131u) % (POOL_LEN - VAL_LEN);
}

static const uint8_t *fvalue_of(const struct data *d, size_t j)
{
	return value_of(d, d->nkeys + j);
}

static int cmp_keys(const void *a, const void *b, void *arg)
{
	const uint8_t *keys = arg;
	return memcmp(keys + (size_t) * (const uint32_t *)a * KEY_LEN,
		      keys + (size_t) * (const uint32_t *)b * KEY_LEN, KEY_LEN);
}

static void data_free(struct data *d)
{
	free(d->keys);
	free(d->fkeys);
	free(d->reads);
	free(d->sorted);
	free(d->pool);
}

static int data_init(struct data *d, const struct opts *o)
{
	struct xoshiro r;
	memset(d, 0, sizeof(*d));
	d->nkeys = o->nkeys;
	d->nreads = o->nreads;
	d->nfsync = o->fsync_max;
	d->keys = malloc(d->nkeys * KEY_LEN);
	d->fkeys = malloc((d->nfsync ? d->nfsync : 1) * KEY_LEN);
	d->reads = malloc(d->nreads * sizeof(uint32_t));
	d->sorted = malloc(d->nkeys * sizeof(uint32_t));
	d->pool = malloc(POOL_LEN);
	if (!d->keys || !d->fkeys || !d->reads || !d->sorted || !d->pool) {
		data_free(d);
		return -1;
	}
	xo_seed(&r, SEED);
	fill_random(&r, d->pool, POOL_LEN);
	fill_random(&r, d->keys, d->nkeys * KEY_LEN);
	fill_random(&r, d->fkeys, d->nfsync * KEY_LEN);
	for (size_t i = 0; i < d->nreads; i++)
		d->reads[i] = (uint32_t)(xo_next(&r) % d->nkeys);
	for (size_t i = 0; i < d->nkeys; i++)
		d->sorted[i] = (uint32_t)i;
	qsort_r(d->sorted, d->nkeys, sizeof(uint32_t), cmp_keys, d->keys);
	/* 128 random bits collide only by a bug; a duplicate would skew. */
	for (size_t i = 1; i < d->nkeys; i++) {
		if (cmp_keys(&d->sorted[i - 1], &d->sorted[i], d->keys) == 0) {
			fprintf(stderr, "duplicate key in the data set\n");
			data_free(d);
			return -1;
		}
	}
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

/* Bytes in regular files under path (single-threaded, so a static sum). */

/* ---- the two sides -------------------------------------------------------- */

struct side;

struct side_ops {
	const char *name;
	int (*open)(struct side *s, const char *dir);
	void (*close)(struct side *s);
	int (*batch_write)(struct side *s, const struct data *d);
	int (*reads)(struct side *s, const struct data *d, size_t from,
		     size_t n, size_t per_txn);
	int (*scan)(struct side *s, const struct data *d);
	/* Single-put commits until max or deadline; *done gets the count. */
	int (*fsync_writes)(struct side *s, const struct data *d, size_t max,
			    double deadline, size_t *done);
	/* Untimed: the single-put keys 0..n-1 read back. */
	int (*check_fsync)(struct side *s, const struct data *d, size_t n);
};

struct side {
	const struct side_ops *ops;
	alopex_db *db;
	sqlite3 *lite;
	sqlite3_stmt *ins, *sel, *begin, *commit;
};

static int check_value(const char *who, const void *v, size_t vlen,
		       const uint8_t *expect)
{
	if (vlen != VAL_LEN || memcmp(v, expect, VAL_LEN) != 0) {
		fprintf(stderr, "%s: read back a wrong value\n", who);
		return -1;
	}
	return 0;
}

/* Alopex ------------------------------------------------------------------- */

static int ours_fail(struct side *s, const char *what, int rc)
{
	fprintf(stderr, "alopex: %s: %s (%s)\n", what, alopex_errmsg(s->db),
		alopex_code_name(rc));
	return -1;
}

/*
 * Warnings and errors only: INFO lines would interleave the table. The
 * level is also filtered here because the config's log_level wins over
 * the open option.
 */

static int ours_open(struct side *s, const char *dir)
{
	alopex_diag diag = {0};
	alopex_open_options opt = {.size = sizeof(opt),
				   .log_fn = bench_quiet_log,
				   .log_level = ALOPEX_LOG_WARN,
				   .create_if_missing = 1};
	int rc = alopex_open_ex(dir, NULL, &opt, &s->db, &diag);
	if (rc != ALOPEX_OK) {
		fprintf(stderr, "alopex: open %s: %s (%s)\n", dir, diag.message,
			alopex_code_name(rc));
		return -1;
	}
	return 0;
}

static void ours_close(struct side *s)
{
	int rc = alopex_close(s->db);
	if (rc != ALOPEX_OK)
		fprintf(stderr, "alopex: close: %s\n", alopex_code_name(rc));
	s->db = NULL;
}

static int ours_batch_write(struct side *s, const struct data *d)
{
	for (size_t i = 0; i < d->nkeys; i += BATCH) {
		alopex_kv_txn *txn = NULL;
		int rc = alopex_kv_begin(s->db, 0, &txn);
		if (rc != ALOPEX_OK)
			return ours_fail(s, "begin", rc);
		size_t end = i + BATCH < d->nkeys ? i + BATCH : d->nkeys;
		for (size_t j = i; j < end; j++) {
			rc = alopex_kv_put(txn, d->keys + j * KEY_LEN, KEY_LEN,
					   value_of(d, j), VAL_LEN);
			if (rc != ALOPEX_OK) {
				fprintf(stderr, "alopex: put: %s\n",
					alopex_kv_errmsg(txn));
				alopex_kv_rollback(txn);
				return -1;
			}
		}
		rc = alopex_kv_commit(txn);
		if (rc != ALOPEX_OK)
			return ours_fail(s, "commit", rc);
	}
	return 0;
}

static int ours_reads(struct side *s, const struct data *d, size_t from,
		      size_t n, size_t per_txn)
{
	for (size_t i = from; i < from + n; i += per_txn) {
		alopex_kv_txn *txn = NULL;
		int rc = alopex_kv_begin(s->db, ALOPEX_KV_READONLY, &txn);
		if (rc != ALOPEX_OK)
			return ours_fail(s, "begin", rc);
		size_t end = i + per_txn < from + n ? i + per_txn : from + n;
		for (size_t j = i; j < end; j++) {
			uint32_t idx = d->reads[j];
			const void *v;
			size_t vlen;
			rc = alopex_kv_get(txn, d->keys + (size_t)idx * KEY_LEN,
					   KEY_LEN, &v, &vlen);
			if (rc != ALOPEX_OK ||
			    check_value("alopex", v, vlen, value_of(d, idx))) {
				if (rc != ALOPEX_OK)
					fprintf(stderr,
						"alopex: get: %s (%s)\n",
						alopex_kv_errmsg(txn),
						alopex_code_name(rc));
				alopex_kv_rollback(txn);
				return -1;
			}
		}
		rc = alopex_kv_commit(txn);
		if (rc != ALOPEX_OK)
			return ours_fail(s, "read commit", rc);
	}
	return 0;
}

static int ours_scan(struct side *s, const struct data *d)
{
	alopex_kv_txn *txn = NULL;
	alopex_kv_cursor *cur = NULL;
	int rc = alopex_kv_begin(s->db, ALOPEX_KV_READONLY, &txn);
	if (rc != ALOPEX_OK)
		return ours_fail(s, "begin", rc);
	rc = alopex_kv_scan(txn, NULL, 0, NULL, 0, 0, &cur);
	if (rc != ALOPEX_OK) {
		fprintf(stderr, "alopex: scan: %s\n", alopex_kv_errmsg(txn));
		alopex_kv_rollback(txn);
		return -1;
	}
	size_t n = 0;
	int bad = 0;
	for (;;) {
		const void *k, *v;
		size_t klen, vlen;
		rc = alopex_kv_cursor_next(cur, &k, &klen, &v, &vlen);
		if (rc != ALOPEX_ROW)
			break;
		/* Keys come back in byte order: the n-th sorted key. */
		if (n >= d->nkeys) {
			bad = 1;
			break;
		}
		uint32_t idx = d->sorted[n++];
		if (klen != KEY_LEN ||
		    memcmp(k, d->keys + (size_t)idx * KEY_LEN, KEY_LEN) != 0 ||
		    check_value("alopex scan", v, vlen, value_of(d, idx))) {
			bad = 1;
			break;
		}
	}
	if (rc < 0)
		fprintf(stderr, "alopex: cursor: %s (%s)\n",
			alopex_kv_errmsg(txn), alopex_code_name(rc));
	alopex_kv_cursor_close(cur);
	alopex_kv_rollback(txn);
	if (bad || rc != ALOPEX_DONE || n != d->nkeys) {
		fprintf(stderr, "alopex: scan saw %zu of %zu keys%s\n", n,
			d->nkeys, bad ? ", out of order or wrong" : "");
		return -1;
	}
	return 0;
}

static int ours_fsync_writes(struct side *s, const struct data *d, size_t max,
			     double deadline, size_t *done)
{
	size_t j = 0;
	for (; j < max && (j % 64 != 0 || bench_now_s() < deadline); j++) {
		alopex_kv_txn *txn = NULL;
		int rc = alopex_kv_begin(s->db, 0, &txn);
		if (rc != ALOPEX_OK)
			return ours_fail(s, "begin", rc);
		rc = alopex_kv_put(txn, d->fkeys + j * KEY_LEN, KEY_LEN,
				   fvalue_of(d, j), VAL_LEN);
		if (rc != ALOPEX_OK) {
			fprintf(stderr, "alopex: put: %s\n",
				alopex_kv_errmsg(txn));
			alopex_kv_rollback(txn);
			return -1;
		}
		rc = alopex_kv_commit(txn);
		if (rc != ALOPEX_OK)
			return ours_fail(s, "commit", rc);
	}
	*done = j;
	return 0;
}

static int ours_check_fsync(struct side *s, const struct data *d, size_t n)
{
	alopex_kv_txn *txn = NULL;
	int rc = alopex_kv_begin(s->db, ALOPEX_KV_READONLY, &txn);
	if (rc != ALOPEX_OK)
		return ours_fail(s, "begin", rc);
	for (size_t j = 0; j < n; j++) {
		const void *v;
		size_t vlen;
		rc = alopex_kv_get(txn, d->fkeys + j * KEY_LEN, KEY_LEN, &v,
				   &vlen);
		if (rc != ALOPEX_OK ||
		    check_value("alopex", v, vlen, fvalue_of(d, j))) {
			fprintf(stderr, "alopex: single-put key %zu: %s\n", j,
				alopex_code_name(rc));
			alopex_kv_rollback(txn);
			return -1;
		}
	}
	alopex_kv_rollback(txn);
	return 0;
}

static const struct side_ops ours_ops = {
	"alopex",   ours_open, ours_close,	  ours_batch_write,
	ours_reads, ours_scan, ours_fsync_writes, ours_check_fsync,
};

/* SQLite ------------------------------------------------------------------- */

static int lite_fail(struct side *s, const char *what)
{
	fprintf(stderr, "sqlite: %s: %s\n", what, sqlite3_errmsg(s->lite));
	return -1;
}

static int lite_exec(struct side *s, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(s->lite, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sqlite: %s: %s\n", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* Run a prepared statement that returns no rows, then reset it. */
static int lite_step_done(struct side *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return lite_fail(s, what);
	return 0;
}

static void lite_close(struct side *s)
{
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->sel);
	sqlite3_finalize(s->begin);
	sqlite3_finalize(s->commit);
	s->ins = s->sel = s->begin = s->commit = NULL;
	if (sqlite3_close(s->lite) != SQLITE_OK)
		fprintf(stderr, "sqlite: close: %s\n", sqlite3_errmsg(s->lite));
	s->lite = NULL;
}

static int lite_open(struct side *s, const char *dir)
{
	char path[4096];
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		perror(dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/bench.db", dir);
	if (sqlite3_open_v2(path, &s->lite,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		lite_fail(s, "open");
		goto fail;
	}
	/* Matched durability: WAL with an fsync per commit. 256 MiB cache. */
	if (lite_exec(s, "PRAGMA journal_mode=WAL") ||
	    lite_exec(s, "PRAGMA synchronous=FULL") ||
	    lite_exec(s, "PRAGMA cache_size=-262144") ||
	    lite_exec(s, "CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB) "
			 "WITHOUT ROWID"))
		goto fail;
	if (sqlite3_prepare_v2(s->lite, "INSERT INTO kv(k,v) VALUES(?,?)", -1,
			       &s->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->lite, "SELECT v FROM kv WHERE k=?", -1,
			       &s->sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->lite, "BEGIN", -1, &s->begin, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(s->lite, "COMMIT", -1, &s->commit, NULL) !=
		    SQLITE_OK) {
		lite_fail(s, "prepare");
		goto fail;
	}
	return 0;
fail:
	lite_close(s);
	return -1;
}

static int lite_insert(struct side *s, const uint8_t *k, const uint8_t *v)
{
	sqlite3_bind_blob(s->ins, 1, k, KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s->ins, 2, v, VAL_LEN, SQLITE_STATIC);
	return lite_step_done(s, s->ins, "insert");
}

static int lite_batch_write(struct side *s, const struct data *d)
{
	for (size_t i = 0; i < d->nkeys; i += BATCH) {
		if (lite_step_done(s, s->begin, "begin"))
			return -1;
		size_t end = i + BATCH < d->nkeys ? i + BATCH : d->nkeys;
		for (size_t j = i; j < end; j++) {
			if (lite_insert(s, d->keys + j * KEY_LEN,
					value_of(d, j))) {
				lite_exec(s, "ROLLBACK");
				return -1;
			}
		}
		if (lite_step_done(s, s->commit, "commit"))
			return -1;
	}
	return 0;
}

/* One prepared SELECT; checks the value. */
static int lite_get(struct side *s, const uint8_t *k, const uint8_t *expect)
{
	sqlite3_bind_blob(s->sel, 1, k, KEY_LEN, SQLITE_STATIC);
	int rc = sqlite3_step(s->sel);
	int ret = 0;
	if (rc != SQLITE_ROW)
		ret = lite_fail(s, "select: no row");
	else
		ret = check_value("sqlite", sqlite3_column_blob(s->sel, 0),
				  (size_t)sqlite3_column_bytes(s->sel, 0),
				  expect);
	sqlite3_reset(s->sel);
	return ret;
}

static int lite_reads(struct side *s, const struct data *d, size_t from,
		      size_t n, size_t per_txn)
{
	for (size_t i = from; i < from + n; i += per_txn) {
		/* One get: autocommit, i.e. its own read transaction. */
		if (per_txn > 1 && lite_step_done(s, s->begin, "begin"))
			return -1;
		size_t end = i + per_txn < from + n ? i + per_txn : from + n;
		for (size_t j = i; j < end; j++) {
			uint32_t idx = d->reads[j];
			if (lite_get(s, d->keys + (size_t)idx * KEY_LEN,
				     value_of(d, idx))) {
				if (per_txn > 1)
					lite_exec(s, "ROLLBACK");
				return -1;
			}
		}
		if (per_txn > 1 && lite_step_done(s, s->commit, "commit"))
			return -1;
	}
	return 0;
}

static int lite_scan(struct side *s, const struct data *d)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->lite, "SELECT k, v FROM kv ORDER BY k", -1,
			       &st, NULL) != SQLITE_OK)
		return lite_fail(s, "prepare scan");
	size_t n = 0;
	int bad = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n >= d->nkeys) {
			bad = 1;
			break;
		}
		uint32_t idx = d->sorted[n++];
		const void *k = sqlite3_column_blob(st, 0);
		int klen = sqlite3_column_bytes(st, 0);
		if (klen != KEY_LEN ||
		    memcmp(k, d->keys + (size_t)idx * KEY_LEN, KEY_LEN) != 0 ||
		    check_value("sqlite scan", sqlite3_column_blob(st, 1),
				(size_t)sqlite3_column_bytes(st, 1),
				value_of(d, idx))) {
			bad = 1;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		lite_fail(s, "scan");
	sqlite3_finalize(st);
	if (bad || rc != SQLITE_DONE || n != d->nkeys) {
		fprintf(stderr, "sqlite: scan saw %zu of %zu keys%s\n", n,
			d->nkeys, bad ? ", out of order or wrong" : "");
		return -1;
	}
	return 0;
}

static int lite_fsync_writes(struct side *s, const struct data *d, size_t max,
			     double deadline, size_t *done)
{
	size_t j = 0;
	for (; j < max && (j % 64 != 0 || bench_now_s() < deadline); j++) {
		if (lite_insert(s, d->fkeys + j * KEY_LEN, fvalue_of(d, j)))
			return -1;
	}
	*done = j;
	return 0;
}

static int lite_check_fsync(struct side *s, const struct data *d, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		if (lite_get(s, d->fkeys + j * KEY_LEN, fvalue_of(d, j)))
			return -1;
	}
	return 0;
}

static const struct side_ops lite_ops = {
	"sqlite",   lite_open, lite_close,	  lite_batch_write,
	lite_reads, lite_scan, lite_fsync_writes, lite_check_fsync,
};

/* ---- one round of one side ------------------------------------------------ */

struct result {
	double v[M_COUNT]; /* operations per second */
	uint64_t disk;	   /* bytes on disk after close */
};

static int run_side(const struct side_ops *ops, const struct opts *o,
		    const struct data *d, const char *dir, struct result *res)
{
	struct side s = {ops, NULL, NULL, NULL, NULL, NULL, NULL};
	double t0, t1;
	size_t done = 0;
	/* Warm-up reads: a tenth, untimed, not counted. */
	size_t warm = d->nreads / 10;
	if (ops->open(&s, dir))
		return -1;

	t0 = bench_now_s();
	if (ops->batch_write(&s, d))
		goto fail;
	t1 = bench_now_s();
	res->v[M_BATCH] = (double)d->nkeys / (t1 - t0);

	if (ops->reads(&s, d, 0, warm, BATCH))
		goto fail;
	t0 = bench_now_s();
	if (ops->reads(&s, d, 0, d->nreads, 1))
		goto fail;
	t1 = bench_now_s();
	res->v[M_GET1] = (double)d->nreads / (t1 - t0);

	t0 = bench_now_s();
	if (ops->reads(&s, d, 0, d->nreads, BATCH))
		goto fail;
	t1 = bench_now_s();
	res->v[M_GET1000] = (double)d->nreads / (t1 - t0);

	t0 = bench_now_s();
	if (ops->scan(&s, d))
		goto fail;
	t1 = bench_now_s();
	res->v[M_SCAN] = (double)d->nkeys / (t1 - t0);

	t0 = bench_now_s();
	if (ops->fsync_writes(&s, d, o->fsync_max, t0 + o->fsync_secs, &done))
		goto fail;
	t1 = bench_now_s();
	res->v[M_FSYNC] = done ? (double)done / (t1 - t0) : 0;
	if (ops->check_fsync(&s, d, done))
		goto fail;
	ops->close(&s);
	res->disk = bench_du_bytes(dir);
	return 0;
fail:
	ops->close(&s);
	return -1;
}

/* ---- report ----------------------------------------------------------------- */

static void print_round(unsigned r, const char *name, const struct result *x)
{
	printf("round %u %-6s", r + 1, name);
	for (int m = 0; m < M_COUNT; m++)
		printf(" %12.0f", x->v[m]);
	printf(" %10.1f\n", (double)x->disk / (1 << 20));
}

static void print_summary(const struct opts *o, struct result *ours,
			  struct result *lite)
{
	unsigned n = o->rounds;
	printf("\nSummary: medians of %u round(s), operations per second "
	       "(higher is better); ratio = alopex / sqlite\n\n",
	       n);
	printf("%-34s %-26s %12s %12s %7s  %s\n", "workload", "durability",
	       "alopex", "sqlite", "ratio", "per-round ratios");
	for (int m = 0; m < M_COUNT; m++) {
		double a[MAX_ROUNDS], b[MAX_ROUNDS];
		for (unsigned r = 0; r < n; r++) {
			a[r] = ours[r].v[m];
			b[r] = lite[r].v[m];
		}
		double ma = o->run_ours ? bench_median(a, n) : 0;
		double mb = o->run_lite ? bench_median(b, n) : 0;
		printf("%-34s %-26s %12.0f %12.0f ", metric_name[m],
		       metric_sync[m], ma, mb);
		if (ma > 0 && mb > 0)
			printf("%6.2fx ", ma / mb);
		else
			printf("%7s ", "-");
		for (unsigned r = 0; r < n && ma > 0 && mb > 0; r++)
			printf(" %.2f", b[r] > 0 ? a[r] / b[r] : 0);
		printf("\n");
	}
}

/* ---- main ------------------------------------------------------------------- */

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--keys N] [--reads N] [--rounds R] "
		"[--fsync-commits N] [--fsync-seconds S] [--dir BASE] "
		"[--only alopex|sqlite]\n",
		argv0);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	const char *tmp = getenv("TMPDIR");
	*o = (struct opts){
		1000000, 0, 3, 5000, 10.0, tmp && *tmp ? tmp : "/tmp", 1, 1};
	int reads_set = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t n = 0;
		if (v == NULL)
			return -1;
		i++;
		if (strcmp(a, "--keys") == 0 && !bench_parse_size(v, &n) &&
		    n > 0 && n <= UINT32_MAX)
			o->nkeys = n;
		else if (strcmp(a, "--reads") == 0 &&
			 !bench_parse_size(v, &n) && n > 0) {
			o->nreads = n;
			reads_set = 1;
		} else if (strcmp(a, "--rounds") == 0 &&
			   !bench_parse_size(v, &n) && n > 0 && n <= MAX_ROUNDS)
			o->rounds = (unsigned)n;
		else if (strcmp(a, "--fsync-commits") == 0 &&
			 !bench_parse_size(v, &n))
			o->fsync_max = n;
		else if (strcmp(a, "--fsync-seconds") == 0 &&
			 !bench_parse_size(v, &n))
			o->fsync_secs = (double)n;
		else if (strcmp(a, "--dir") == 0)
			o->base = v;
		else if (strcmp(a, "--only") == 0 && strcmp(v, "alopex") == 0)
			o->run_lite = 0;
		else if (strcmp(a, "--only") == 0 && strcmp(v, "sqlite") == 0)
			o->run_ours = 0;
		else
			return -1;
	}
	if (!reads_set)
		o->nreads = o->nkeys;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct data d;
	int failed = 0;
	if (parse_opts(argc, argv, &o)) {
		usage(argv[0]);
		return 2;
	}
	if (data_init(&d, &o)) {
		fprintf(stderr, "cannot build the data set\n");
		return 1;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s/alopex-kv-bench-XXXXXX", o.base);
	if (mkdtemp(tmp) == NULL) {
		perror(tmp);
		data_free(&d);
		return 1;
	}
	printf("alopex %s, sqlite %s; keys %zu x %d B, values %d B, reads "
	       "%zu, single-put commits <= %zu or %.0f s, rounds %u, seed %u\n",
	       ALOPEX_VERSION, sqlite3_libversion(), o.nkeys, KEY_LEN, VAL_LEN,
	       o.nreads, o.fsync_max, o.fsync_secs, o.rounds, SEED);
	printf("alopex: embedded default (WiredTiger, fsync per commit); "
	       "sqlite: WAL, synchronous=FULL, cache 256 MiB, WITHOUT ROWID\n");
	printf("data in %s\n\n", tmp);
	printf("%-14s", "");
	printf(" %12s %12s %12s %12s %12s %10s\n", "batch-put/s", "get/s",
	       "get1000/s", "scan-key/s", "commit/s", "disk MiB");

	struct result ours[MAX_ROUNDS], lite[MAX_ROUNDS];
	memset(ours, 0, sizeof(ours));
	memset(lite, 0, sizeof(lite));
	for (unsigned r = 0; r < o.rounds && !failed; r++) {
		char dir[4200];
		/* A then B, every round: alternation spreads machine noise. */
		if (o.run_ours) {
			snprintf(dir, sizeof(dir), "%s/alopex-%u", tmp, r);
			if (run_side(&ours_ops, &o, &d, dir, &ours[r]) == 0)
				print_round(r, "alopex", &ours[r]);
			else
				failed = 1;
			bench_rm_tree(dir);
		}
		if (o.run_lite && !failed) {
			snprintf(dir, sizeof(dir), "%s/sqlite-%u", tmp, r);
			if (run_side(&lite_ops, &o, &d, dir, &lite[r]) == 0)
				print_round(r, "sqlite", &lite[r]);
			else
				failed = 1;
			bench_rm_tree(dir);
		}
		fflush(stdout);
	}
	bench_rm_tree(tmp);
	if (!failed)
		print_summary(&o, ours, lite);
	else
		fprintf(stderr, "benchmark FAILED\n");
	data_free(&d);
	return failed;
}
