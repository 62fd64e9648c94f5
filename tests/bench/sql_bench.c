/*
 * alopex-sql-bench: the embedded SQL API against SQLite, side by side in
 * one process (BENCHMARKS.md section 6.4): each round opens both on the
 * same rows and runs every timed phase on one and then at once on the
 * other (which goes first alternates by round); the summary gives medians,
 * their ratio ours/SQLite, and the median of the per-round ratios
 * ("paired": each compares two runs seconds apart, which this shared
 * machine's drifting speed disturbs least).
 *
 * Schema, both sides: t(id BIGINT PRIMARY KEY, v TEXT) (SQLite: id INTEGER
 * PRIMARY KEY, its rowid), v a 16-character text derived from id. Ids are
 * 1..N inserted in a shuffled order, so neither side gets the append-only
 * fast path. Workloads, one thread:
 *   bulk insert      N prepared INSERTs in one transaction
 *   single-row ins.  autocommit INSERTs of new ids, bounded by count and
 *                    time (ours: default fsync per commit; SQLite: WAL,
 *                    synchronous=FULL)
 *   point select     prepared SELECT v FROM t WHERE id = $1, random
 *                    existing ids, autocommit each, after an untimed
 *                    warm-up of a tenth as many
 * Then, after the rounds (each side opened once, loaded untimed, closed
 * and reopened, one untimed warm-up; A then B per round):
 *   filtered scan    SELECT count(*) FROM s WHERE v % 7 = 3 over a
 *                    s(id BIGINT PRIMARY KEY, v BIGINT) of --scan-rows
 *                    rows (default 1M), the same text on both sides
 *   exact k-NN       ours only: SELECT id FROM e ORDER BY emb <-> $1
 *                    LIMIT 10 over --knn-rows (100k) x --knn-dim (128)
 *                    float vectors, and the same search as a raw kernel
 *                    loop over a flat array; queries/s and GB/s against
 *                    the read bandwidth of this machine measured in the
 *                    same round (a STREAM-like sequential read of
 *                    --stream-mb, one thread, best of 5 passes)
 * Every row read is checked against what was written, and the single-row
 * inserts are read back; scan counts must match the expected count and
 * k-NN answers must be the exact nearest rows; a mismatch or an error makes
 * the exit status non-zero. Timings are never asserted.
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
#include "bench_mem.h"
#include "bench_util.h"

#define VAL_LEN 16
#define SEED 20240601u
#define MAX_ROUNDS 50

struct opts {
	size_t nrows;
	size_t nselects;
	unsigned rounds;
	size_t fsync_max;
	double fsync_secs;
	const char *base;
	int run_ours, run_lite;
	size_t scan_rows, scan_reps;
	size_t knn_rows, knn_dim, knn_queries, knn_raw_queries;
	size_t stream_mb;
};

/* The workload, identical for both sides. */
struct data {
	size_t nrows, nselects, nfsync;
	int64_t *ids;	  /* nrows ids, insertion order (a shuffle of 1..N) */
	int64_t *lookups; /* nselects random existing ids */
};

enum metric {
	M_BULK,
	M_FSYNC,
	M_SELECT,
	M_SCAN, /* from the scan phase, after the rounds */
	M_COUNT,
};

static const char *const metric_name[M_COUNT] = {
	"bulk INSERT, one transaction",
	"single-row INSERT, autocommit",
	"point SELECT by PK, autocommit",
	"scan count(*) WHERE v % 7 = 3",
};

static const char *const metric_sync[M_COUNT] = {
	"1 commit",
	"fsync/commit vs WAL FULL",
	"-",
	"- (rows scanned/s)",
};

/* ---- random data -------------------------------------------------------- */

/* The value of a row: 16 lowercase hex digits of a hash of its id. */
static void value_of(int64_t id, char out[VAL_LEN + 1])
{
	uint64_t x = (uint64_t)id ^ SEED;
	snprintf(out, VAL_LEN + 1, "%016" PRIx64, bench_splitmix64(&x));
}

static void data_free(struct data *d)
{
	free(d->ids);
	free(d->lookups);
}

static int data_init(struct data *d, const struct opts *o)
{
	uint64_t r = SEED;
	memset(d, 0, sizeof(*d));
	d->nrows = o->nrows;
	d->nselects = o->nselects;
	d->nfsync = o->fsync_max;
	d->ids = malloc(d->nrows * sizeof(int64_t));
	d->lookups = malloc(d->nselects * sizeof(int64_t));
	if (!d->ids || !d->lookups) {
		data_free(d);
		return -1;
	}
	for (size_t i = 0; i < d->nrows; i++)
		d->ids[i] = (int64_t)i + 1;
	/* Fisher-Yates. */
	for (size_t i = d->nrows - 1; i > 0; i--) {
		size_t j = (size_t)(bench_splitmix64(&r) % (i + 1));
		int64_t t = d->ids[i];
		d->ids[i] = d->ids[j];
		d->ids[j] = t;
	}
	for (size_t i = 0; i < d->nselects; i++)
		d->lookups[i] = (int64_t)(bench_splitmix64(&r) % d->nrows) + 1;
	return 0;
}

/* Single-row inserts use new ids after the bulk-loaded ones. */
static int64_t fsync_id(const struct data *d, size_t j)
{
	return (int64_t)(d->nrows + 1 + j);
}

/* ---- helpers ------------------------------------------------------------ */

/* Bytes in regular files under path (single-threaded, so a static sum). */

static int check_value(const char *who, int64_t id, const char *v, size_t vlen)
{
	char expect[VAL_LEN + 1];
	value_of(id, expect);
	if (v == NULL || vlen != VAL_LEN || memcmp(v, expect, VAL_LEN) != 0) {
		fprintf(stderr, "%s: id %" PRId64 ": read back %s, not %s\n",
			who, id, v ? v : "NULL", expect);
		return -1;
	}
	return 0;
}

/* ---- the two sides -------------------------------------------------------- */

struct side;

struct side_ops {
	const char *name;
	int (*open)(struct side *s, const char *dir);
	void (*close)(struct side *s);
	int (*bulk_insert)(struct side *s, const struct data *d);
	/* Autocommit inserts until max or deadline; *done gets the count. */
	int (*fsync_inserts)(struct side *s, const struct data *d, size_t max,
			     double deadline, size_t *done);
	/* Point selects of ids[from..from+n), each checked. */
	int (*selects)(struct side *s, const int64_t *ids, size_t n);
};

struct side {
	const struct side_ops *ops;
	alopex_db *db;
	alopex_stmt *ins, *sel;
	sqlite3 *lite;
	sqlite3_stmt *lins, *lsel;
};

/* Alopex ------------------------------------------------------------------- */

static int ours_fail(struct side *s, const char *what, int rc)
{
	fprintf(stderr, "alopex: %s: %s (%s, SQLSTATE %s)\n", what,
		alopex_errmsg(s->db), alopex_code_name(rc),
		alopex_sqlstate(s->db));
	return -1;
}

/*
 * Warnings and errors only: INFO lines would interleave the table. The
 * level is also filtered here because the config's log_level wins over
 * the open option.
 */

static void ours_close(struct side *s)
{
	alopex_finalize(s->ins);
	alopex_finalize(s->sel);
	s->ins = s->sel = NULL;
	int rc = alopex_close(s->db);
	if (rc != ALOPEX_OK)
		fprintf(stderr, "alopex: close: %s\n", alopex_code_name(rc));
	s->db = NULL;
}

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
	rc = alopex_exec(s->db,
			 "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)");
	if (rc != ALOPEX_OK) {
		ours_fail(s, "create table", rc);
		goto fail;
	}
	rc = alopex_prepare(s->db, "INSERT INTO t VALUES ($1, $2)", &s->ins);
	if (rc != ALOPEX_OK) {
		ours_fail(s, "prepare insert", rc);
		goto fail;
	}
	rc = alopex_prepare(s->db, "SELECT v FROM t WHERE id = $1", &s->sel);
	if (rc != ALOPEX_OK) {
		ours_fail(s, "prepare select", rc);
		goto fail;
	}
	return 0;
fail:
	ours_close(s);
	return -1;
}

static int ours_insert(struct side *s, int64_t id)
{
	char v[VAL_LEN + 1];
	value_of(id, v);
	int rc = alopex_bind_int64(s->ins, 1, id);
	if (rc == ALOPEX_OK)
		rc = alopex_bind_text(s->ins, 2, v, VAL_LEN);
	if (rc == ALOPEX_OK)
		rc = alopex_step(s->ins);
	int rrc = alopex_reset(s->ins);
	if (rc != ALOPEX_DONE)
		return ours_fail(s, "insert", rc);
	if (rrc != ALOPEX_OK)
		return ours_fail(s, "reset insert", rrc);
	return 0;
}

static int ours_bulk_insert(struct side *s, const struct data *d)
{
	int rc = alopex_exec(s->db, "BEGIN");
	if (rc != ALOPEX_OK)
		return ours_fail(s, "begin", rc);
	for (size_t i = 0; i < d->nrows; i++) {
		if (ours_insert(s, d->ids[i])) {
			alopex_exec(s->db, "ROLLBACK");
			return -1;
		}
	}
	rc = alopex_exec(s->db, "COMMIT");
	if (rc != ALOPEX_OK)
		return ours_fail(s, "commit", rc);
	return 0;
}

static int ours_fsync_inserts(struct side *s, const struct data *d, size_t max,
			      double deadline, size_t *done)
{
	size_t j = 0;
	for (; j < max && (j % 64 != 0 || bench_now_s() < deadline); j++) {
		if (ours_insert(s, fsync_id(d, j)))
			return -1;
	}
	*done = j;
	return 0;
}

static int ours_selects(struct side *s, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = alopex_bind_int64(s->sel, 1, ids[i]);
		if (rc != ALOPEX_OK)
			return ours_fail(s, "bind", rc);
		rc = alopex_step(s->sel);
		if (rc != ALOPEX_ROW) {
			alopex_reset(s->sel);
			if (rc == ALOPEX_DONE)
				fprintf(stderr,
					"alopex: id %" PRId64 ": no row\n",
					ids[i]);
			else
				ours_fail(s, "select", rc);
			return -1;
		}
		const char *v = alopex_column_text(s->sel, 0);
		if (check_value("alopex", ids[i], v, v ? strlen(v) : 0)) {
			alopex_reset(s->sel);
			return -1;
		}
		/* Step to the end, as a caller checking for one row would. */
		rc = alopex_step(s->sel);
		int rrc = alopex_reset(s->sel);
		if (rc != ALOPEX_DONE)
			return ours_fail(s, "select: second row", rc);
		if (rrc != ALOPEX_OK)
			return ours_fail(s, "reset select", rrc);
	}
	return 0;
}

static const struct side_ops ours_ops = {
	"alopex",	  ours_open,	      ours_close,
	ours_bulk_insert, ours_fsync_inserts, ours_selects,
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

static void lite_close(struct side *s)
{
	sqlite3_finalize(s->lins);
	sqlite3_finalize(s->lsel);
	s->lins = s->lsel = NULL;
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
	    lite_exec(s, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
		goto fail;
	if (sqlite3_prepare_v2(s->lite, "INSERT INTO t VALUES (?, ?)", -1,
			       &s->lins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->lite, "SELECT v FROM t WHERE id = ?", -1,
			       &s->lsel, NULL) != SQLITE_OK) {
		lite_fail(s, "prepare");
		goto fail;
	}
	return 0;
fail:
	lite_close(s);
	return -1;
}

static int lite_insert(struct side *s, int64_t id)
{
	char v[VAL_LEN + 1];
	value_of(id, v);
	sqlite3_bind_int64(s->lins, 1, id);
	sqlite3_bind_text(s->lins, 2, v, VAL_LEN, SQLITE_STATIC);
	int rc = sqlite3_step(s->lins);
	sqlite3_reset(s->lins);
	if (rc != SQLITE_DONE)
		return lite_fail(s, "insert");
	return 0;
}

static int lite_bulk_insert(struct side *s, const struct data *d)
{
	if (lite_exec(s, "BEGIN"))
		return -1;
	for (size_t i = 0; i < d->nrows; i++) {
		if (lite_insert(s, d->ids[i])) {
			lite_exec(s, "ROLLBACK");
			return -1;
		}
	}
	return lite_exec(s, "COMMIT");
}

static int lite_fsync_inserts(struct side *s, const struct data *d, size_t max,
			      double deadline, size_t *done)
{
	size_t j = 0;
	for (; j < max && (j % 64 != 0 || bench_now_s() < deadline); j++) {
		if (lite_insert(s, fsync_id(d, j)))
			return -1;
	}
	*done = j;
	return 0;
}

static int lite_selects(struct side *s, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(s->lsel, 1, ids[i]);
		int rc = sqlite3_step(s->lsel);
		if (rc != SQLITE_ROW) {
			if (rc == SQLITE_DONE)
				fprintf(stderr,
					"sqlite: id %" PRId64 ": no row\n",
					ids[i]);
			else
				lite_fail(s, "select");
			sqlite3_reset(s->lsel);
			return -1;
		}
		const char *v = (const char *)sqlite3_column_text(s->lsel, 0);
		size_t vlen = (size_t)sqlite3_column_bytes(s->lsel, 0);
		if (check_value("sqlite", ids[i], v, vlen)) {
			sqlite3_reset(s->lsel);
			return -1;
		}
		rc = sqlite3_step(s->lsel);
		sqlite3_reset(s->lsel);
		if (rc != SQLITE_DONE)
			return lite_fail(s, "select: second row");
	}
	return 0;
}

static const struct side_ops lite_ops = {
	"sqlite",	  lite_open,	      lite_close,
	lite_bulk_insert, lite_fsync_inserts, lite_selects,
};

/* ---- one round of one side ------------------------------------------------ */

struct result {
	double v[M_COUNT]; /* rows or operations per second */
	uint64_t disk;	   /* bytes on disk after close */
};

/*
 * One round: both sides open, each timed phase run on one side and then at
 * once on the other (which goes first alternates by round), so that the
 * two figures a ratio compares are seconds apart, not a whole side's run:
 * this machine's speed drifts by 2x within a minute. ops[k] NULL: side k
 * is skipped.
 */
static int run_round(const struct side_ops *const ops[2], const struct opts *o,
		     const struct data *d, const char *const dir[2],
		     unsigned round, struct result *res[2])
{
	struct side s[2];
	int opened[2] = {0, 0};
	int rc = -1;
	size_t done[2] = {0, 0};
	/* Warm-up selects: a tenth, untimed, not counted. */
	size_t warm = d->nselects / 10;
	for (int k = 0; k < 2; k++) {
		s[k] = (struct side){ops[k], NULL, NULL, NULL,
				     NULL,   NULL, NULL};
		if (ops[k] != NULL) {
			if (ops[k]->open(&s[k], dir[k]))
				goto out;
			opened[k] = 1;
		}
	}
	for (int phase = 0; phase < 3; phase++) {
		for (int j = 0; j < 2; j++) {
			int k = (int)((round + (unsigned)j) % 2);
			if (ops[k] == NULL)
				continue;
			double t0, t1;
			switch (phase) {
			case 0:
				t0 = bench_now_s();
				if (ops[k]->bulk_insert(&s[k], d))
					goto out;
				t1 = bench_now_s();
				res[k]->v[M_BULK] =
					(double)d->nrows / (t1 - t0);
				break;
			case 1:
				t0 = bench_now_s();
				if (ops[k]->fsync_inserts(
					    &s[k], d, o->fsync_max,
					    t0 + o->fsync_secs, &done[k]))
					goto out;
				t1 = bench_now_s();
				res[k]->v[M_FSYNC] =
					done[k] ? (double)done[k] / (t1 - t0)
						: 0;
				break;
			default:
				if (ops[k]->selects(&s[k], d->lookups, warm))
					goto out;
				t0 = bench_now_s();
				if (ops[k]->selects(&s[k], d->lookups,
						    d->nselects))
					goto out;
				t1 = bench_now_s();
				res[k]->v[M_SELECT] =
					(double)d->nselects / (t1 - t0);
				break;
			}
		}
	}
	/* Untimed: every single-row insert is there. */
	for (int k = 0; k < 2; k++) {
		for (size_t j = 0; ops[k] != NULL && j < done[k]; j++) {
			int64_t id = fsync_id(d, j);
			if (ops[k]->selects(&s[k], &id, 1))
				goto out;
		}
	}
	rc = 0;
out:
	for (int k = 0; k < 2; k++) {
		if (opened[k]) {
			ops[k]->close(&s[k]);
			if (rc == 0)
				res[k]->disk = bench_du_bytes(dir[k]);
		}
	}
	return rc;
}

/* ---- filtered scan phase ------------------------------------------------ */

#define SCAN_SQL "SELECT count(*) FROM s WHERE v % 7 = 3"
#define SCAN_BATCH 100000 /* rows per loading transaction */

static int64_t scan_value(int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15u ^ SEED;
	return (int64_t)(bench_splitmix64(&x) % 1000000);
}

static int64_t scan_expected(size_t n)
{
	int64_t c = 0;
	for (size_t i = 1; i <= n; i++)
		c += scan_value((int64_t)i) % 7 == 3;
	return c;
}

static int ours_db_open(const char *dir, alopex_db **out)
{
	alopex_diag diag = {0};
	alopex_open_options opt = {.size = sizeof(opt),
				   .log_fn = bench_quiet_log,
				   .log_level = ALOPEX_LOG_WARN,
				   .create_if_missing = 1};
	int rc = alopex_open_ex(dir, NULL, &opt, out, &diag);
	if (rc != ALOPEX_OK) {
		fprintf(stderr, "alopex: open %s: %s (%s)\n", dir, diag.message,
			alopex_code_name(rc));
		return -1;
	}
	return 0;
}

static int ours_db_fail(alopex_db *db, const char *what, int rc)
{
	fprintf(stderr, "alopex: %s: %s (%s, SQLSTATE %s)\n", what,
		alopex_errmsg(db), alopex_code_name(rc), alopex_sqlstate(db));
	return -1;
}

/* Rows 1..n in id order, SCAN_BATCH per transaction. */
static int ours_scan_load(alopex_db *db, size_t n)
{
	alopex_stmt *ins = NULL;
	int rc = alopex_exec(db, "CREATE TABLE s (id BIGINT PRIMARY KEY, "
				 "v BIGINT)");
	if (rc == ALOPEX_OK)
		rc = alopex_prepare(db, "INSERT INTO s VALUES ($1, $2)", &ins);
	if (rc != ALOPEX_OK)
		return ours_db_fail(db, "scan table", rc);
	for (size_t i = 1; i <= n && rc == ALOPEX_OK; i++) {
		if (i % SCAN_BATCH == 1)
			rc = alopex_exec(db, "BEGIN");
		if (rc == ALOPEX_OK)
			rc = alopex_bind_int64(ins, 1, (int64_t)i);
		if (rc == ALOPEX_OK)
			rc = alopex_bind_int64(ins, 2, scan_value((int64_t)i));
		if (rc == ALOPEX_OK) {
			rc = alopex_step(ins);
			alopex_reset(ins);
			rc = rc == ALOPEX_DONE ? ALOPEX_OK : rc;
		}
		if (rc == ALOPEX_OK && (i % SCAN_BATCH == 0 || i == n))
			rc = alopex_exec(db, "COMMIT");
	}
	alopex_finalize(ins);
	if (rc != ALOPEX_OK) {
		alopex_exec(db, "ROLLBACK");
		return ours_db_fail(db, "scan load", rc);
	}
	return 0;
}

/* Not inlined: callgrind --toggle-collect=ours_scan_count counts a scan. */
__attribute__((noinline)) static int ours_scan_count(alopex_db *db,
						     alopex_stmt *st,
						     int64_t *count)
{
	int rc = alopex_step(st);
	if (rc == ALOPEX_ROW) {
		*count = alopex_column_int64(st, 0);
		rc = alopex_step(st);
	}
	alopex_reset(st);
	return rc == ALOPEX_DONE ? 0 : ours_db_fail(db, "scan", rc);
}

static int lite_db_open(const char *dir, sqlite3 **out)
{
	char path[4096];
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		perror(dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/scan.db", dir);
	struct side s = {0};
	if (sqlite3_open_v2(path, &s.lite,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK ||
	    lite_exec(&s, "PRAGMA journal_mode=WAL") ||
	    lite_exec(&s, "PRAGMA synchronous=FULL") ||
	    lite_exec(&s, "PRAGMA cache_size=-262144")) {
		lite_fail(&s, "open");
		sqlite3_close(s.lite);
		return -1;
	}
	*out = s.lite;
	return 0;
}

static int lite_scan_load(sqlite3 *db, size_t n)
{
	struct side s = {0};
	s.lite = db;
	sqlite3_stmt *ins = NULL;
	if (lite_exec(&s, "CREATE TABLE s (id INTEGER PRIMARY KEY, "
			  "v INTEGER)") ||
	    sqlite3_prepare_v2(db, "INSERT INTO s VALUES (?, ?)", -1, &ins,
			       NULL) != SQLITE_OK)
		return lite_fail(&s, "scan table");
	int bad = 0;
	for (size_t i = 1; i <= n && !bad; i++) {
		if (i % SCAN_BATCH == 1 && lite_exec(&s, "BEGIN"))
			bad = 1;
		sqlite3_bind_int64(ins, 1, (int64_t)i);
		sqlite3_bind_int64(ins, 2, scan_value((int64_t)i));
		if (!bad && sqlite3_step(ins) != SQLITE_DONE)
			bad = lite_fail(&s, "scan load");
		sqlite3_reset(ins);
		if (!bad && (i % SCAN_BATCH == 0 || i == n) &&
		    lite_exec(&s, "COMMIT"))
			bad = 1;
	}
	sqlite3_finalize(ins);
	return bad ? -1 : 0;
}

/* Not inlined: callgrind --toggle-collect=lite_scan_count counts a scan. */
__attribute__((noinline)) static int lite_scan_count(sqlite3 *db,
						     sqlite3_stmt *st,
						     int64_t *count)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "sqlite: scan: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int check_count(const char *who, int64_t got, int64_t want)
{
	if (got == want)
		return 0;
	fprintf(stderr, "%s: scan counted %" PRId64 ", expected %" PRId64 "\n",
		who, got, want);
	return -1;
}

/*
 * Both sides loaded, closed and reopened (a warm restart), one untimed
 * warm-up each; then per round ours then SQLite, scan_reps queries each.
 * Rows scanned per second go to ours[r]/lite[r].v[M_SCAN].
 */
static int scan_phase(const struct opts *o, const char *tmp,
		      struct result *ours, struct result *lite)
{
	char od[4200], ld[4200];
	snprintf(od, sizeof(od), "%s/scan-alopex", tmp);
	snprintf(ld, sizeof(ld), "%s/scan-sqlite", tmp);
	alopex_db *adb = NULL;
	alopex_stmt *ast = NULL;
	sqlite3 *ldb = NULL;
	sqlite3_stmt *lst = NULL;
	int64_t want = scan_expected(o->scan_rows), got = -1;
	int bad = 0;
	double t0, t1;

	printf("\nscan: %zu rows, %s (expect %" PRId64 "), %zu per round\n",
	       o->scan_rows, SCAN_SQL, want, o->scan_reps);
	if (o->run_ours) {
		t0 = bench_now_s();
		bad = ours_db_open(od, &adb) ||
		      ours_scan_load(adb, o->scan_rows);
		t1 = bench_now_s();
		if (adb != NULL)
			alopex_close(adb);
		adb = NULL;
		if (!bad)
			printf("load   alopex %12.0f rows/s (untimed for the "
			       "ratio; %d rows per transaction)\n",
			       (double)o->scan_rows / (t1 - t0), SCAN_BATCH);
		bad = bad || ours_db_open(od, &adb);
		if (!bad && alopex_prepare(adb, SCAN_SQL, &ast) != ALOPEX_OK)
			bad = ours_db_fail(adb, "prepare scan", -1);
		bad = bad || ours_scan_count(adb, ast, &got) ||
		      check_count("alopex", got, want);
	}
	if (o->run_lite && !bad) {
		t0 = bench_now_s();
		bad = lite_db_open(ld, &ldb) ||
		      lite_scan_load(ldb, o->scan_rows);
		t1 = bench_now_s();
		sqlite3_close(ldb);
		ldb = NULL;
		if (!bad)
			printf("load   sqlite %12.0f rows/s\n",
			       (double)o->scan_rows / (t1 - t0));
		bad = bad || lite_db_open(ld, &ldb);
		if (!bad && sqlite3_prepare_v2(ldb, SCAN_SQL, -1, &lst, NULL) !=
				    SQLITE_OK) {
			fprintf(stderr, "sqlite: prepare scan: %s\n",
				sqlite3_errmsg(ldb));
			bad = 1;
		}
		bad = bad || lite_scan_count(ldb, lst, &got) ||
		      check_count("sqlite", got, want);
	}
	for (unsigned r = 0; r < o->rounds && !bad; r++) {
		printf("round %u", r + 1);
		if (o->run_ours) {
			t0 = bench_now_s();
			for (size_t i = 0; i < o->scan_reps && !bad; i++)
				bad = ours_scan_count(adb, ast, &got) ||
				      check_count("alopex", got, want);
			t1 = bench_now_s();
			ours[r].v[M_SCAN] =
				(double)(o->scan_rows * o->scan_reps) /
				(t1 - t0);
			printf(" alopex %12.0f rows/s", ours[r].v[M_SCAN]);
		}
		if (o->run_lite && !bad) {
			t0 = bench_now_s();
			for (size_t i = 0; i < o->scan_reps && !bad; i++)
				bad = lite_scan_count(ldb, lst, &got) ||
				      check_count("sqlite", got, want);
			t1 = bench_now_s();
			lite[r].v[M_SCAN] =
				(double)(o->scan_rows * o->scan_reps) /
				(t1 - t0);
			printf("  sqlite %12.0f rows/s", lite[r].v[M_SCAN]);
		}
		printf("\n");
		fflush(stdout);
	}
	alopex_finalize(ast);
	if (adb != NULL)
		alopex_close(adb);
	sqlite3_finalize(lst);
	sqlite3_close(ldb);
	bench_rm_tree(od);
	bench_rm_tree(ld);
	return bad ? -1 : 0;
}

/* ---- exact k-NN phase (ours) --------------------------------------------- */

#define KNN_K 10
#define KNN_SQL "SELECT id FROM e ORDER BY emb <-> $1 LIMIT 10"
#define KNN_BATCH 10000 /* rows per loading transaction */
#define STREAM_PASSES 5

struct knn_result {
	double sql_qps, raw_qps, bw_gbs; /* bandwidth: bytes/s / 1e9 */
};

/* Uniform floats in [-1, 1) from a seeded splitmix64 stream. */
static void fill_floats(float *v, size_t n, uint64_t seed)
{
	uint64_t x = seed;
	for (size_t i = 0; i < n; i++)
		v[i] = (float)((double)(bench_splitmix64(&x) >> 40) /
				       (double)(1u << 23) -
			       1.0);
}

/*
 * The answer is exact when its ids are distinct rows whose exact distances
 * are within the k-th smallest exact distance (float rounding may swap
 * near-ties, which is fine).
 */
static int knn_check(const char *who, const float *base, size_t n, size_t dim,
		     const float *q, const int64_t *ids)
{
	double best[KNN_K];
	size_t have = 0;
	for (size_t i = 0; i < n; i++) {
		double d = bench_mem_l2sq_exact(base + i * dim, q, dim);
		if (have == KNN_K && d >= best[KNN_K - 1])
			continue;
		size_t j = have < KNN_K ? have++ : KNN_K - 1;
		while (j > 0 && best[j - 1] > d) {
			best[j] = best[j - 1];
			j--;
		}
		best[j] = d;
	}
	double limit = best[KNN_K - 1] * (1 + 1e-5) + 1e-12;
	for (size_t j = 0; j < KNN_K; j++) {
		int dup = 0;
		for (size_t i = 0; i < j; i++)
			dup |= ids[i] == ids[j];
		if (ids[j] < 1 || (size_t)ids[j] > n || dup ||
		    bench_mem_l2sq_exact(base + (size_t)(ids[j] - 1) * dim, q,
					 dim) > limit) {
			fprintf(stderr,
				"%s: k-NN answer %zu (id %" PRId64
				") is not among the exact nearest\n",
				who, j, ids[j]);
			return -1;
		}
	}
	return 0;
}

static int ours_knn_load(alopex_db *db, const float *base, size_t n, size_t dim)
{
	char sql[128];
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE e (id BIGINT PRIMARY KEY, emb VECTOR(%zu))",
		 dim);
	alopex_stmt *ins = NULL;
	int rc = alopex_exec(db, sql);
	if (rc == ALOPEX_OK)
		rc = alopex_prepare(db, "INSERT INTO e VALUES ($1, $2)", &ins);
	if (rc != ALOPEX_OK)
		return ours_db_fail(db, "k-NN table", rc);
	for (size_t i = 0; i < n && rc == ALOPEX_OK; i++) {
		if (i % KNN_BATCH == 0)
			rc = alopex_exec(db, "BEGIN");
		if (rc == ALOPEX_OK)
			rc = alopex_bind_int64(ins, 1, (int64_t)i + 1);
		if (rc == ALOPEX_OK)
			rc = alopex_bind_vector(ins, 2, base + i * dim, dim);
		if (rc == ALOPEX_OK) {
			rc = alopex_step(ins);
			alopex_reset(ins);
			rc = rc == ALOPEX_DONE ? ALOPEX_OK : rc;
		}
		if (rc == ALOPEX_OK && ((i + 1) % KNN_BATCH == 0 || i + 1 == n))
			rc = alopex_exec(db, "COMMIT");
	}
	alopex_finalize(ins);
	if (rc != ALOPEX_OK) {
		alopex_exec(db, "ROLLBACK");
		return ours_db_fail(db, "k-NN load", rc);
	}
	return 0;
}

static int ours_knn_query(alopex_db *db, alopex_stmt *st, const float *q,
			  size_t dim, int64_t *ids)
{
	int rc = alopex_bind_vector(st, 1, q, dim);
	size_t n = 0;
	while (rc == ALOPEX_OK || rc == ALOPEX_ROW) {
		rc = alopex_step(st);
		if (rc == ALOPEX_ROW && n < KNN_K)
			ids[n++] = alopex_column_int64(st, 0);
	}
	alopex_reset(st);
	if (rc != ALOPEX_DONE)
		return ours_db_fail(db, "k-NN query", rc);
	if (n != KNN_K) {
		fprintf(stderr, "alopex: k-NN query gave %zu rows\n", n);
		return -1;
	}
	return 0;
}

/* Best of STREAM_PASSES sequential reads of buf, GB/s. */
static double stream_read_gbs(const float *buf, size_t n, double *sink)
{
	double best = 0;
	for (int p = 0; p < STREAM_PASSES; p++) {
		double t0 = bench_now_s();
		*sink += bench_mem_read_sum(buf, n);
		double t1 = bench_now_s();
		double gbs = (double)(n * sizeof(float)) / (t1 - t0) / 1e9;
		if (gbs > best)
			best = gbs;
	}
	return best;
}

static int knn_phase(const struct opts *o, const char *tmp,
		     struct knn_result *res)
{
	size_t n = o->knn_rows, dim = o->knn_dim;
	size_t nq = o->knn_queries > o->knn_raw_queries ? o->knn_queries
							: o->knn_raw_queries;
	size_t nstream = o->stream_mb * ((size_t)1 << 20) / sizeof(float);
	float *base = malloc(n * dim * sizeof(float));
	float *qs = malloc(nq * dim * sizeof(float));
	float *sbuf = malloc(nstream * sizeof(float));
	int64_t *got = malloc(nq * KNN_K * sizeof(int64_t));
	uint32_t rows[KNN_K];
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/knn-alopex", tmp);
	alopex_db *db = NULL;
	alopex_stmt *st = NULL;
	double sink = 0, bytes = (double)(n * dim * sizeof(float));
	int bad = base == NULL || qs == NULL || sbuf == NULL || got == NULL;
	if (bad)
		fprintf(stderr, "k-NN: out of memory\n");
	if (!bad) {
		fill_floats(base, n * dim, SEED + 1);
		fill_floats(qs, nq * dim, SEED + 2);
		for (size_t i = 0; i < nstream; i++)
			sbuf[i] = (float)(i & 7); /* touch every page */
		printf("\nk-NN: %zu x %zu float4 (%.1f MB per pass), k = %d, "
		       "1 thread, kernels %s; %zu SQL and %zu raw queries "
		       "per round; read bandwidth over %zu MiB\n",
		       n, dim, bytes / 1e6, KNN_K, bench_mem_isa(),
		       o->knn_queries, o->knn_raw_queries, o->stream_mb);
		double t0 = bench_now_s();
		bad = ours_db_open(dir, &db) || ours_knn_load(db, base, n, dim);
		double t1 = bench_now_s();
		if (!bad)
			printf("load   alopex %12.0f rows/s\n",
			       (double)n / (t1 - t0));
	}
	if (!bad && alopex_prepare(db, KNN_SQL, &st) != ALOPEX_OK)
		bad = ours_db_fail(db, "prepare k-NN", -1);
	/* Warm-up, checked. */
	bad = bad || ours_knn_query(db, st, qs, dim, got) ||
	      knn_check("alopex", base, n, dim, qs, got);
	for (unsigned r = 0; r < o->rounds && !bad; r++) {
		res[r].bw_gbs = stream_read_gbs(sbuf, nstream, &sink);

		double t0 = bench_now_s();
		for (size_t i = 0; i < o->knn_raw_queries; i++) {
			bench_mem_knn(base, n, dim, qs + i * dim, KNN_K, rows);
			for (size_t j = 0; j < KNN_K; j++)
				got[i * KNN_K + j] = (int64_t)rows[j] + 1;
		}
		double t1 = bench_now_s();
		res[r].raw_qps = (double)o->knn_raw_queries / (t1 - t0);
		for (size_t i = 0; i < o->knn_raw_queries && i < 3 && !bad; i++)
			bad = knn_check("raw kernel", base, n, dim,
					qs + i * dim, got + i * KNN_K);

		t0 = bench_now_s();
		for (size_t i = 0; i < o->knn_queries && !bad; i++)
			bad = ours_knn_query(db, st, qs + i * dim, dim,
					     got + i * KNN_K);
		t1 = bench_now_s();
		res[r].sql_qps = (double)o->knn_queries / (t1 - t0);
		for (size_t i = 0; i < o->knn_queries && !bad; i++)
			bad = knn_check("alopex", base, n, dim, qs + i * dim,
					got + i * KNN_K);
		if (!bad)
			printf("round %u read %.2f GB/s; raw %.1f q/s "
			       "(%.2f GB/s); SQL %.1f q/s (%.2f GB/s)\n",
			       r + 1, res[r].bw_gbs, res[r].raw_qps,
			       res[r].raw_qps * bytes / 1e9, res[r].sql_qps,
			       res[r].sql_qps * bytes / 1e9);
		fflush(stdout);
	}
	if (sink == 42.5) /* never: keeps the reads */
		printf(" ");
	alopex_finalize(st);
	if (db != NULL)
		alopex_close(db);
	bench_rm_tree(dir);
	free(base);
	free(qs);
	free(sbuf);
	free(got);
	return bad ? -1 : 0;
}

static void print_knn_summary(const struct opts *o,
			      const struct knn_result *res)
{
	unsigned n = o->rounds;
	double bytes = (double)(o->knn_rows * o->knn_dim * sizeof(float));
	double sql[MAX_ROUNDS], raw[MAX_ROUNDS], bw[MAX_ROUNDS];
	for (unsigned r = 0; r < n; r++) {
		sql[r] = res[r].sql_qps;
		raw[r] = res[r].raw_qps;
		bw[r] = res[r].bw_gbs;
	}
	double mbw = bench_median(bw, n);
	printf("\nExact k-NN, %zu x %zu float4, k = %d, one thread; "
	       "bound = the read bandwidth measured in the same round\n\n",
	       o->knn_rows, o->knn_dim, KNN_K);
	printf("%-34s %10s %8s %9s  %s\n", "path", "queries/s", "GB/s",
	       "of bound", "per-round fraction of bound");
	const char *names[2] = {"SQL ORDER BY emb <-> $1 LIMIT 10",
				"raw kernel loop (flat array)"};
	const double *v[2] = {sql, raw};
	for (int p = 0; p < 2; p++) {
		double q = bench_median(v[p], n);
		printf("%-34s %10.1f %8.2f %8.0f%% ", names[p], q,
		       q * bytes / 1e9, 100 * q * bytes / 1e9 / mbw);
		for (unsigned r = 0; r < n; r++)
			printf(" %.2f", v[p][r] * bytes / 1e9 / bw[r]);
		printf("\n");
	}
	printf("%-34s %10s %8.2f %9s ", "memory read (STREAM-like)", "-", mbw,
	       "bound");
	for (unsigned r = 0; r < n; r++)
		printf(" %.2f", bw[r]);
	printf(" GB/s\n");
}

/* ---- report ----------------------------------------------------------------- */

static void print_round(unsigned r, const char *name, const struct result *x)
{
	printf("round %u %-6s", r + 1, name);
	for (int m = 0; m < M_SCAN; m++)
		printf(" %12.0f", x->v[m]);
	printf(" %10.1f\n", (double)x->disk / (1 << 20));
}

static void print_summary(const struct opts *o, struct result *ours,
			  struct result *lite)
{
	unsigned n = o->rounds;
	printf("\nSummary: medians of %u round(s), rows or operations per "
	       "second (higher is better); ratio = alopex / sqlite of the "
	       "medians, paired = median of the per-round ratios\n\n",
	       n);
	printf("%-32s %-26s %12s %12s %7s %7s  %s\n", "workload", "durability",
	       "alopex", "sqlite", "ratio", "paired", "per-round ratios");
	for (int m = 0; m < M_COUNT; m++) {
		double a[MAX_ROUNDS], b[MAX_ROUNDS];
		if (m == M_SCAN && o->scan_rows == 0)
			continue;
		for (unsigned r = 0; r < n; r++) {
			a[r] = ours[r].v[m];
			b[r] = lite[r].v[m];
		}
		double ma = o->run_ours ? bench_median(a, n) : 0;
		double mb = o->run_lite ? bench_median(b, n) : 0;
		printf("%-32s %-26s %12.0f %12.0f ", metric_name[m],
		       metric_sync[m], ma, mb);
		double pr[MAX_ROUNDS];
		for (unsigned r = 0; r < n; r++)
			pr[r] = b[r] > 0 ? a[r] / b[r] : 0;
		if (ma > 0 && mb > 0)
			printf("%6.2fx %6.2fx ", ma / mb, bench_median(pr, n));
		else
			printf("%7s %7s ", "-", "-");
		for (unsigned r = 0; r < n && ma > 0 && mb > 0; r++)
			printf(" %.2f", pr[r]);
		printf("\n");
	}
}

/* ---- main ------------------------------------------------------------------- */

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--rows N] [--selects N] [--rounds R] "
		"[--fsync-commits N] [--fsync-seconds S] [--dir BASE] "
		"[--only alopex|sqlite] [--scan-rows N] [--scan-reps N] "
		"[--knn-rows N] [--knn-dim D] [--knn-queries N] "
		"[--knn-raw-queries N] [--stream-mb MB]\n"
		"(--scan-rows 0 / --knn-rows 0 skip those phases)\n",
		argv0);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	const char *tmp = getenv("TMPDIR");
	*o = (struct opts){.nrows = 100000,
			   .nselects = 200000,
			   .rounds = 3,
			   .fsync_max = 3000,
			   .fsync_secs = 10.0,
			   .base = tmp && *tmp ? tmp : "/tmp",
			   .run_ours = 1,
			   .run_lite = 1,
			   .scan_rows = 1000000,
			   .scan_reps = 3,
			   .knn_rows = 100000,
			   .knn_dim = 128,
			   .knn_queries = 20,
			   .knn_raw_queries = 100,
			   .stream_mb = 1024};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t n = 0;
		if (v == NULL)
			return -1;
		i++;
		if (strcmp(a, "--rows") == 0 && !bench_parse_size(v, &n) &&
		    n > 0 && n <= UINT32_MAX)
			o->nrows = n;
		else if (strcmp(a, "--selects") == 0 &&
			 !bench_parse_size(v, &n) && n > 0)
			o->nselects = n;
		else if (strcmp(a, "--rounds") == 0 &&
			 !bench_parse_size(v, &n) && n > 0 && n <= MAX_ROUNDS)
			o->rounds = (unsigned)n;
		else if (strcmp(a, "--fsync-commits") == 0 &&
			 !bench_parse_size(v, &n))
			o->fsync_max = n;
		else if (strcmp(a, "--fsync-seconds") == 0 &&
			 !bench_parse_size(v, &n))
			o->fsync_secs = (double)n;
		else if (strcmp(a, "--scan-rows") == 0 &&
			 !bench_parse_size(v, &n))
			o->scan_rows = n;
		else if (strcmp(a, "--scan-reps") == 0 &&
			 !bench_parse_size(v, &n) && n > 0)
			o->scan_reps = n;
		else if (strcmp(a, "--knn-rows") == 0 &&
			 !bench_parse_size(v, &n) && (n == 0 || n >= KNN_K) &&
			 n <= UINT32_MAX)
			o->knn_rows = n;
		else if (strcmp(a, "--knn-dim") == 0 &&
			 !bench_parse_size(v, &n) && n > 0 && n <= 16000)
			o->knn_dim = n;
		else if (strcmp(a, "--knn-queries") == 0 &&
			 !bench_parse_size(v, &n) && n > 0)
			o->knn_queries = n;
		else if (strcmp(a, "--knn-raw-queries") == 0 &&
			 !bench_parse_size(v, &n) && n > 0)
			o->knn_raw_queries = n;
		else if (strcmp(a, "--stream-mb") == 0 &&
			 !bench_parse_size(v, &n) && n > 0 && n <= 65536)
			o->stream_mb = n;
		else if (strcmp(a, "--dir") == 0)
			o->base = v;
		else if (strcmp(a, "--only") == 0 && strcmp(v, "alopex") == 0)
			o->run_lite = 0;
		else if (strcmp(a, "--only") == 0 && strcmp(v, "sqlite") == 0)
			o->run_ours = 0;
		else
			return -1;
	}
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
	snprintf(tmp, sizeof(tmp), "%s/alopex-sql-bench-XXXXXX", o.base);
	if (mkdtemp(tmp) == NULL) {
		perror(tmp);
		data_free(&d);
		return 1;
	}
	printf("alopex %s, sqlite %s; rows %zu (id BIGINT, v TEXT %d chars), "
	       "point selects %zu, single-row inserts <= %zu or %.0f s, "
	       "rounds %u, seed %u\n",
	       ALOPEX_VERSION, sqlite3_libversion(), o.nrows, VAL_LEN,
	       o.nselects, o.fsync_max, o.fsync_secs, o.rounds, SEED);
	printf("alopex: embedded default (WiredTiger, fsync per commit); "
	       "sqlite: WAL, synchronous=FULL, cache 256 MiB, "
	       "INTEGER PRIMARY KEY\n");
	printf("data in %s\n\n", tmp);
	printf("%-14s", "");
	printf(" %12s %12s %12s %10s\n", "bulk-row/s", "commit/s", "select/s",
	       "disk MiB");

	struct result ours[MAX_ROUNDS], lite[MAX_ROUNDS];
	memset(ours, 0, sizeof(ours));
	memset(lite, 0, sizeof(lite));
	for (unsigned r = 0; r < o.rounds && !failed; r++) {
		char dirs[2][4200];
		snprintf(dirs[0], sizeof(dirs[0]), "%s/alopex-%u", tmp, r);
		snprintf(dirs[1], sizeof(dirs[1]), "%s/sqlite-%u", tmp, r);
		const char *const dir[2] = {dirs[0], dirs[1]};
		const struct side_ops *const ops[2] = {
			o.run_ours ? &ours_ops : NULL,
			o.run_lite ? &lite_ops : NULL};
		struct result *res[2] = {&ours[r], &lite[r]};
		if (run_round(ops, &o, &d, dir, r, res) == 0) {
			if (o.run_ours)
				print_round(r, "alopex", &ours[r]);
			if (o.run_lite)
				print_round(r, "sqlite", &lite[r]);
		} else {
			failed = 1;
		}
		bench_rm_tree(dirs[0]);
		bench_rm_tree(dirs[1]);
		fflush(stdout);
	}
	if (!failed && o.scan_rows > 0 && scan_phase(&o, tmp, ours, lite))
		failed = 1;
	struct knn_result knn[MAX_ROUNDS];
	memset(knn, 0, sizeof(knn));
	int do_knn = o.knn_rows > 0 && o.run_ours;
	if (!failed && do_knn && knn_phase(&o, tmp, knn))
		failed = 1;
	bench_rm_tree(tmp);
	if (!failed) {
		print_summary(&o, ours, lite);
		if (do_knn)
			print_knn_summary(&o, knn);
	} else
		fprintf(stderr, "benchmark FAILED\n");
	data_free(&d);
	return failed;
}
