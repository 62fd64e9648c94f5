/*
 * alopex-sql-bench: the embedded SQL API against SQLite, side by side in
 * one process (BENCHMARKS.md section 6.4): each round runs Alopex then
 * SQLite on the same rows, and the summary gives medians and ratios
 * ours/SQLite.
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
 * Every row read is checked against what was written, and the single-row
 * inserts are read back; a mismatch or an error makes the exit status
 * non-zero. Timings are never asserted.
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
	M_COUNT,
};

static const char *const metric_name[M_COUNT] = {
	"bulk INSERT, one transaction",
	"single-row INSERT, autocommit",
	"point SELECT by PK, autocommit",
};

static const char *const metric_sync[M_COUNT] = {
	"1 commit",
	"fsync/commit vs WAL FULL",
	"-",
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

static int run_side(const struct side_ops *ops, const struct opts *o,
		    const struct data *d, const char *dir, struct result *res)
{
	struct side s = {ops, NULL, NULL, NULL, NULL, NULL, NULL};
	double t0, t1;
	size_t done = 0;
	/* Warm-up selects: a tenth, untimed, not counted. */
	size_t warm = d->nselects / 10;
	if (ops->open(&s, dir))
		return -1;

	t0 = bench_now_s();
	if (ops->bulk_insert(&s, d))
		goto fail;
	t1 = bench_now_s();
	res->v[M_BULK] = (double)d->nrows / (t1 - t0);

	t0 = bench_now_s();
	if (ops->fsync_inserts(&s, d, o->fsync_max, t0 + o->fsync_secs, &done))
		goto fail;
	t1 = bench_now_s();
	res->v[M_FSYNC] = done ? (double)done / (t1 - t0) : 0;

	if (ops->selects(&s, d->lookups, warm))
		goto fail;
	t0 = bench_now_s();
	if (ops->selects(&s, d->lookups, d->nselects))
		goto fail;
	t1 = bench_now_s();
	res->v[M_SELECT] = (double)d->nselects / (t1 - t0);

	/* Untimed: every single-row insert is there. */
	for (size_t j = 0; j < done; j++) {
		int64_t id = fsync_id(d, j);
		if (ops->selects(&s, &id, 1))
			goto fail;
	}
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
	printf("\nSummary: medians of %u round(s), rows or operations per "
	       "second (higher is better); ratio = alopex / sqlite\n\n",
	       n);
	printf("%-32s %-26s %12s %12s %7s  %s\n", "workload", "durability",
	       "alopex", "sqlite", "ratio", "per-round ratios");
	for (int m = 0; m < M_COUNT; m++) {
		double a[MAX_ROUNDS], b[MAX_ROUNDS];
		for (unsigned r = 0; r < n; r++) {
			a[r] = ours[r].v[m];
			b[r] = lite[r].v[m];
		}
		double ma = o->run_ours ? bench_median(a, n) : 0;
		double mb = o->run_lite ? bench_median(b, n) : 0;
		printf("%-32s %-26s %12.0f %12.0f ", metric_name[m],
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
		"usage: %s [--rows N] [--selects N] [--rounds R] "
		"[--fsync-commits N] [--fsync-seconds S] [--dir BASE] "
		"[--only alopex|sqlite]\n",
		argv0);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	const char *tmp = getenv("TMPDIR");
	*o = (struct opts){100000, 200000, 3,
			   3000,   10.0,   tmp && *tmp ? tmp : "/tmp",
			   1,	   1};
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
