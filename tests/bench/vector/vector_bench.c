/*
 * alopex-vector-bench: Alopex's side of tests/bench/run-vector-bench.sh.
 * Reads the same .fvecs/.ivecs files as the peers, builds the hnsw index
 * through the index plugin ABI (what SQL's CREATE INDEX calls), sweeps
 * ef_search and prints key=value lines in the peers' format; with --flat 1
 * it also times the flat (exact) index and reports the bytes per second it
 * streams, for comparison with the machine's read bandwidth.
 *
 *   alopex-vector-bench --base B --query Q --gt GT --metric l2|ip|cosine
 *     [--label s128] [--m 16] [--efc 64] [--build-threads 2]
 *     [--ef 10,20,40] [--threads 1,2] [--min-seconds 2] [--flat 1]
 *     [--sql 1] [--count 1]
 *
 * --sql 1 also runs the same data through SQL on an embedded database in
 * a temporary directory: multi-row INSERTs, CREATE INDEX ... USING hnsw,
 * then the queries as a prepared SELECT id FROM t ORDER BY emb <op> $1
 * LIMIT 10 per ef (SET hnsw.ef_search), one session, printing
 * engine=alopex-sql lines.
 *
 * --count 1 also makes one single-threaded pass per ef with a counting
 * wrapper around the distance kernels and prints the distance
 * computations per query (op=count), to compare the work per query with
 * the peers' (peer_ann.cpp has the same option) independent of timing.
 */
#include <ftw.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alopex.h"
#include "alopex_plugin.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"
#include "vector/vec_index.h"

#define K 10
#define MAX_THREADS 16

struct set {
	float *base, *query;
	int32_t *gt;
	uint32_t dim, gk;
	size_t n, nq;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long rss_bytes(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f != NULL) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * 4096L;
}

static void *load_vecs(const char *path, uint32_t *dim, size_t *n)
{
	FILE *f = fopen(path, "rb");
	int32_t d;
	if (f == NULL || fread(&d, 4, 1, f) != 1 || d <= 0 || d > 65536) {
		fprintf(stderr, "alopex-vector-bench: cannot read %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	size_t row = 4 + (size_t)d * 4, rows = (size_t)size / row;
	float *out = malloc(rows * (size_t)d * 4 + 4);
	for (size_t i = 0; out != NULL && i < rows; i++) {
		int32_t rd;
		if (fread(&rd, 4, 1, f) != 1 || rd != d ||
		    fread(out + i * (size_t)d, 4, (size_t)d, f) != (size_t)d) {
			fprintf(stderr, "alopex-vector-bench: %s: bad row\n",
				path);
			exit(2);
		}
	}
	fclose(f);
	if (out == NULL)
		exit(1);
	*dim = (uint32_t)d;
	*n = rows;
	return out;
}

struct opts {
	const char *base, *query, *gt, *metric, *label, *efs, *threads;
	int m, efc, build_threads, flat, sql, count;
	double min_seconds;
};

static int list_next(const char **s, int *out)
{
	if (**s == 0)
		return 0;
	*out = atoi(*s);
	const char *c = strchr(*s, ',');
	*s = c ? c + 1 : *s + strlen(*s);
	return 1;
}

/* ---- counting distance kernels (--count 1) ------------------------------ */

static const struct alopex_vector_kernels *count_base;
static uint64_t count_dists; /* only read single-threaded */

static float count_l2sq(const float *a, const float *b, size_t n)
{
	__atomic_fetch_add(&count_dists, 1, __ATOMIC_RELAXED);
	return count_base->l2sq(a, b, n);
}

static float count_dot(const float *a, const float *b, size_t n)
{
	__atomic_fetch_add(&count_dists, 1, __ATOMIC_RELAXED);
	return count_base->dot(a, b, n);
}

static void count_cosine_parts(const float *a, const float *b, size_t n,
			       float out[3])
{
	__atomic_fetch_add(&count_dists, 1, __ATOMIC_RELAXED);
	count_base->cosine_parts(a, b, n, out);
}

static double count_norm_sq(const float *a, size_t n)
{
	return count_base->norm_sq(a, n);
}

static struct alopex_vector_kernels count_kernels = {
	.size = sizeof(struct alopex_vector_kernels),
	.name = "counting",
	.l2sq = count_l2sq,
	.dot = count_dot,
	.cosine_parts = count_cosine_parts,
	.norm_sq = count_norm_sq,
};

/* CPU seconds (user + system, every thread) in a getrusage sample. */
static double cpu_s(const struct rusage *r)
{
	return (double)r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 +
	       (double)r->ru_stime.tv_sec + r->ru_stime.tv_usec / 1e6;
}

struct builder {
	const struct alopex_index_ops *ops;
	void *idx;
	const struct set *d;
	size_t first, step;
	int rc;
};

static void *build_part(void *a)
{
	struct builder *b = a;
	alopex_diag diag;
	for (size_t i = b->first; i < b->d->n && b->rc == 0; i += b->step)
		b->rc = b->ops->insert(b->idx, NULL, i,
				       b->d->base + i * b->d->dim, &diag);
	if (b->rc != 0)
		fprintf(stderr, "alopex-vector-bench: insert: %s\n",
			diag.message);
	return NULL;
}

struct searcher {
	const struct alopex_index_ops *ops;
	void *idx;
	const struct set *d;
	size_t first, step, nq;
	uint32_t ef;
	uint64_t *results; /* nq x K */
	int rc;
};

static void *search_part(void *a)
{
	struct searcher *s = a;
	struct alopex_index_result r[K];
	alopex_diag diag;
	for (size_t q = s->first; q < s->nq && s->rc == 0; q += s->step) {
		struct alopex_index_query query = {
			.size = sizeof(query),
			.vec = s->d->query + q * s->d->dim,
			.k = K,
			.ef = s->ef,
		};
		uint32_t n = 0;
		s->rc = s->ops->search(s->idx, &query, r, &n, &diag);
		for (uint32_t i = 0; i < K; i++)
			s->results[q * K + i] = i < n ? r[i].id : UINT64_MAX;
	}
	return NULL;
}

/* Runs whole passes over the first nq queries on `threads` threads until
 * min_seconds; returns QPS and leaves the last pass's results. */
static double timed_search(const struct alopex_index_ops *ops, void *idx,
			   const struct set *d, size_t nq, uint32_t ef,
			   int threads, double min_seconds, uint64_t *results)
{
	double start = now_s(), elapsed = 0;
	size_t done = 0;
	for (int pass = 0; pass < 50; pass++) {
		struct searcher s[MAX_THREADS];
		pthread_t th[MAX_THREADS];
		for (int t = 0; t < threads; t++) {
			s[t] = (struct searcher){
				ops, idx, d,	   (size_t)t, (size_t)threads,
				nq,  ef,  results, 0};
			pthread_create(&th[t], NULL, search_part, &s[t]);
		}
		for (int t = 0; t < threads; t++) {
			pthread_join(th[t], NULL);
			if (s[t].rc != 0)
				return -1;
		}
		done += nq;
		elapsed = now_s() - start;
		if (elapsed >= min_seconds)
			break;
	}
	return (double)done / elapsed;
}

static double recall_of(const struct set *d, size_t nq, const uint64_t *results)
{
	size_t hit = 0;
	for (size_t q = 0; q < nq; q++)
		for (int a = 0; a < K; a++)
			for (int b = 0; b < K; b++)
				if (results[q * K + a] ==
				    (uint64_t)d->gt[q * d->gk + b]) {
					hit++;
					break;
				}
	return (double)hit / (double)(nq * K);
}

/* Creates an index of `kind` over the whole base set. */
static int build_index(const struct alopex_host *h, struct alx_runtime *rt,
		       const char *kind, const struct opts *o, uint32_t metric,
		       const struct set *d,
		       const struct alopex_plugin **plug_out, void **inst_out,
		       void **idx_out)
{
	alopex_diag diag;
	const struct alopex_plugin *p = alx_registry_find(
		alx_runtime_registry(rt), ALOPEX_PLUGIN_INDEX, kind);
	if (p == NULL) {
		fprintf(stderr, "alopex-vector-bench: no index plugin '%s'\n",
			kind);
		return -1;
	}
	const struct alopex_index_ops *ops = p->ops;
	uint8_t optbuf[256];
	char text[128];
	snprintf(text, sizeof text, "m=%d,ef_construction=%d", o->m, o->efc);
	void *inst, *idx;
	if (p->init(h, NULL, &inst, &diag) != 0)
		goto fail;
	if (ops->build_options != NULL &&
	    alx_vindex_options_parse(ops->build_options, text, strlen(text),
				     optbuf, &diag) != 0)
		goto fail;
	struct alopex_index_params prm = {sizeof(prm), d->dim, metric,
					  ops->build_options ? optbuf : NULL};
	if (ops->create(inst, &prm, NULL, &idx, &diag) != 0)
		goto fail;
	int threads = o->build_threads < 1	       ? 1
		      : o->build_threads > MAX_THREADS ? MAX_THREADS
						       : o->build_threads;
	struct builder b[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	for (int t = 0; t < threads; t++) {
		b[t] = (struct builder){ops, idx, d, (size_t)t, (size_t)threads,
					0};
		pthread_create(&th[t], NULL, build_part, &b[t]);
	}
	int rc = 0;
	for (int t = 0; t < threads; t++) {
		pthread_join(th[t], NULL);
		if (b[t].rc != 0)
			rc = -1;
	}
	*plug_out = p;
	*inst_out = inst;
	*idx_out = idx;
	return rc;
fail:
	fprintf(stderr, "alopex-vector-bench: %s: %s\n", kind, diag.message);
	return -1;
}

/* ---- through SQL (--sql 1) ---------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int sql_fail(alopex_db *db, const char *what)
{
	fprintf(stderr, "alopex-vector-bench: sql %s: %s %s\n", what,
		alopex_sqlstate(db), alopex_errmsg(db));
	return -1;
}

/* Rows per multi-row INSERT and per transaction. */
#define SQL_ROWS_PER_INSERT 64
#define SQL_ROWS_PER_TXN 8192

static int sql_load(alopex_db *db, const struct set *d)
{
	char *sql = malloc(64 + SQL_ROWS_PER_INSERT * 24);
	if (sql == NULL)
		return -1;
	size_t len = (size_t)sprintf(sql, "INSERT INTO t VALUES ");
	for (int i = 0; i < SQL_ROWS_PER_INSERT; i++)
		len += (size_t)sprintf(sql + len, "%s($%d, $%d)", i ? ", " : "",
				       2 * i + 1, 2 * i + 2);
	alopex_stmt *many = NULL, *one = NULL;
	int rc = alopex_prepare(db, sql, &many) != 0 ||
				 alopex_prepare(db,
						"INSERT INTO t VALUES ($1, $2)",
						&one) != 0
			 ? sql_fail(db, "prepare insert")
			 : 0;
	free(sql);
	for (size_t i = 0; rc == 0 && i < d->n;) {
		if (i % SQL_ROWS_PER_TXN == 0 && alopex_exec(db, "BEGIN") != 0)
			rc = sql_fail(db, "begin");
		bool batch = d->n - i >= SQL_ROWS_PER_INSERT;
		alopex_stmt *st = batch ? many : one;
		int rows = batch ? SQL_ROWS_PER_INSERT : 1;
		alopex_reset(st);
		for (int r = 0; r < rows; r++) {
			alopex_bind_int64(st, 2 * r + 1, (int64_t)(i + r));
			alopex_bind_vector(st, 2 * r + 2,
					   d->base + (i + r) * d->dim, d->dim);
		}
		if (rc == 0 && alopex_step(st) != ALOPEX_DONE)
			rc = sql_fail(db, "insert");
		i += (size_t)rows;
		if (rc == 0 &&
		    (i % SQL_ROWS_PER_TXN < (size_t)rows || i == d->n) &&
		    alopex_exec(db, "COMMIT") != 0)
			rc = sql_fail(db, "commit");
	}
	alopex_finalize(many);
	alopex_finalize(one);
	return rc;
}

static int sql_bench(const struct opts *o, const struct set *d, uint32_t metric,
		     uint64_t *results)
{
	char dir[] = "/tmp/alopex-vector-bench-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		perror("alopex-vector-bench: mkdtemp");
		return -1;
	}
	alopex_open_options oo = {.size = sizeof(oo),
				  .log_level = ALOPEX_LOG_WARN,
				  .create_if_missing = 1};
	alopex_db *db = NULL;
	alopex_diag diag;
	int rc = alopex_open_ex(dir, NULL, &oo, &db, &diag);
	if (rc != 0) {
		fprintf(stderr, "alopex-vector-bench: open %s: %s\n", dir,
			diag.message);
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		return -1;
	}
	const char *opclass = metric == ALOPEX_METRIC_IP ? "vector_ip_ops"
			      : metric == ALOPEX_METRIC_COSINE
				      ? "vector_cosine_ops"
				      : "vector_l2_ops";
	const char *op = metric == ALOPEX_METRIC_IP	  ? "<#>"
			 : metric == ALOPEX_METRIC_COSINE ? "<=>"
							  : "<->";
	char sql[256];
	alopex_stmt *st = NULL;
	snprintf(sql, sizeof sql,
		 "CREATE TABLE t (id int8 PRIMARY KEY, emb vector(%u))",
		 d->dim);
	rc = alopex_exec(db, sql) != 0 ? sql_fail(db, "create table") : 0;
	double t0 = now_s();
	if (rc == 0)
		rc = sql_load(db, d);
	double load_s = now_s() - t0;
	snprintf(sql, sizeof sql,
		 "CREATE INDEX t_emb ON t USING hnsw (emb %s) WITH (m = %d, "
		 "ef_construction = %d)",
		 opclass, o->m, o->efc);
	t0 = now_s();
	if (rc == 0 && alopex_exec(db, sql) != 0)
		rc = sql_fail(db, "create index");
	double build_s = now_s() - t0;
	if (rc == 0)
		printf("engine=alopex-sql data=%s op=build n=%zu dim=%u m=%d "
		       "efc=%d threads=1 seconds=%.3f load_seconds=%.3f\n",
		       o->label, d->n, d->dim, o->m, o->efc, build_s, load_s);
	snprintf(sql, sizeof sql,
		 "SELECT id FROM t ORDER BY emb %s $1 LIMIT 10", op);
	if (rc == 0 && alopex_prepare(db, sql, &st) != 0)
		rc = sql_fail(db, "prepare select");
	const char *e = o->efs;
	int ef;
	while (rc == 0 && list_next(&e, &ef)) {
		char set[64];
		snprintf(set, sizeof set, "SET hnsw.ef_search = %d", ef);
		if (alopex_exec(db, set) != 0) {
			rc = sql_fail(db, "set ef_search");
			break;
		}
		/* the setting is read when the statement runs */
		double start = now_s(), elapsed = 0;
		size_t done = 0;
		for (int pass = 0; pass < 50 && rc == 0; pass++) {
			for (size_t q = 0; q < d->nq && rc == 0; q++) {
				alopex_reset(st);
				alopex_bind_vector(st, 1, d->query + q * d->dim,
						   d->dim);
				int n = 0, s;
				while ((s = alopex_step(st)) == ALOPEX_ROW)
					if (n < K)
						results[q * K +
							n++] = (uint64_t)
							alopex_column_int64(st,
									    0);
				if (s != ALOPEX_DONE)
					rc = sql_fail(db, "select");
				while (n < K)
					results[q * K + n++] = UINT64_MAX;
			}
			done += d->nq;
			elapsed = now_s() - start;
			if (elapsed >= o->min_seconds)
				break;
		}
		if (rc == 0)
			printf("engine=alopex-sql data=%s op=search ef=%d "
			       "threads=1 recall=%.4f qps=%.1f\n",
			       o->label, ef, recall_of(d, d->nq, results),
			       (double)done / elapsed);
		fflush(stdout);
	}
	alopex_finalize(st);
	if (alopex_close(db) != 0 && rc == 0)
		rc = sql_fail(db, "close");
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = {.metric = "l2",
			 .label = "data",
			 .efs = "10,20,40,80,160",
			 .threads = "1,2",
			 .m = 16,
			 .efc = 64,
			 .build_threads = 2,
			 .min_seconds = 2};
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--base"))
			o.base = v;
		else if (!strcmp(k, "--query"))
			o.query = v;
		else if (!strcmp(k, "--gt"))
			o.gt = v;
		else if (!strcmp(k, "--metric"))
			o.metric = v;
		else if (!strcmp(k, "--label"))
			o.label = v;
		else if (!strcmp(k, "--ef"))
			o.efs = v;
		else if (!strcmp(k, "--threads"))
			o.threads = v;
		else if (!strcmp(k, "--m"))
			o.m = atoi(v);
		else if (!strcmp(k, "--efc"))
			o.efc = atoi(v);
		else if (!strcmp(k, "--build-threads"))
			o.build_threads = atoi(v);
		else if (!strcmp(k, "--flat"))
			o.flat = atoi(v);
		else if (!strcmp(k, "--sql"))
			o.sql = atoi(v);
		else if (!strcmp(k, "--count"))
			o.count = atoi(v);
		else if (!strcmp(k, "--min-seconds"))
			o.min_seconds = atof(v);
		else {
			fprintf(stderr,
				"alopex-vector-bench: unknown option %s\n", k);
			return 2;
		}
	}
	if (o.base == NULL || o.query == NULL || o.gt == NULL) {
		fprintf(stderr, "alopex-vector-bench: --base, --query and "
				"--gt are required\n");
		return 2;
	}
	uint32_t metric = !strcmp(o.metric, "ip")	? ALOPEX_METRIC_IP
			  : !strcmp(o.metric, "cosine") ? ALOPEX_METRIC_COSINE
							: ALOPEX_METRIC_L2;
	struct set d;
	uint32_t qdim;
	size_t ngt;
	d.base = load_vecs(o.base, &d.dim, &d.n);
	d.query = load_vecs(o.query, &qdim, &d.nq);
	d.gt = load_vecs(o.gt, &d.gk, &ngt);
	if (qdim != d.dim || ngt != d.nq || d.gk < K) {
		fprintf(stderr, "alopex-vector-bench: inconsistent inputs\n");
		return 2;
	}

	struct alx_runtime *rt;
	alopex_diag diag;
	if (alx_runtime_create(NULL, &rt, &diag) != 0) {
		fprintf(stderr, "alopex-vector-bench: %s\n", diag.message);
		return 1;
	}
	const struct alopex_host *h = alx_runtime_host(rt);
	struct alopex_host counting_host;
	if (o.count) {
		counting_host = *h;
		count_base = h->vector_kernels;
		counting_host.vector_kernels = &count_kernels;
		h = &counting_host;
	}
	uint64_t *results = malloc(d.nq * K * sizeof(uint64_t));
	const struct alopex_plugin *plug;
	void *inst, *idx;
	int rc = 1;

	long rss0 = rss_bytes();
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	double t0 = now_s();
	if (build_index(h, rt, "hnsw", &o, metric, &d, &plug, &inst, &idx) != 0)
		goto out;
	const struct alopex_index_ops *ops = plug->ops;
	double build_s = now_s() - t0;
	getrusage(RUSAGE_SELF, &ru1);
	/* CPU time and voluntary context switches (waits) of the build:
	 * on a busy shared machine they say more than wall time. */
	printf("engine=alopex data=%s op=build n=%zu dim=%u m=%d efc=%d "
	       "threads=%d seconds=%.3f bytes_per_vector=%.1f kernels=%s "
	       "cpu_seconds=%.3f vcs=%ld\n",
	       o.label, d.n, d.dim, o.m, o.efc, o.build_threads, build_s,
	       (double)(rss_bytes() - rss0) / (double)d.n,
	       h->vector_kernels->name, cpu_s(&ru1) - cpu_s(&ru0),
	       ru1.ru_nvcsw - ru0.ru_nvcsw);
	fflush(stdout);
	const char *e = o.efs;
	int ef, threads;
	if (o.count) {
		printf("engine=alopex data=%s op=count phase=build "
		       "dists_per_insert=%.1f\n",
		       o.label, (double)count_dists / (double)d.n);
		while (list_next(&e, &ef)) {
			count_dists = 0;
			if (timed_search(ops, idx, &d, d.nq, (uint32_t)ef, 1, 0,
					 results) < 0)
				goto out;
			printf("engine=alopex data=%s op=count ef=%d "
			       "recall=%.4f dists_per_query=%.1f\n",
			       o.label, ef, recall_of(&d, d.nq, results),
			       (double)count_dists / (double)d.nq);
		}
		e = "";
	}
	while (list_next(&e, &ef)) {
		const char *t = o.threads;
		while (list_next(&t, &threads)) {
			if (threads < 1 || threads > MAX_THREADS)
				continue;
			double qps =
				timed_search(ops, idx, &d, d.nq, (uint32_t)ef,
					     threads, o.min_seconds, results);
			if (qps < 0)
				goto out;
			printf("engine=alopex data=%s op=search ef=%d "
			       "threads=%d recall=%.4f qps=%.1f\n",
			       o.label, ef, threads,
			       recall_of(&d, d.nq, results), qps);
			fflush(stdout);
		}
	}
	ops->close(idx);
	plug->fini(inst);
	if (o.flat) {
		void *finst, *fidx;
		const struct alopex_plugin *fplug;
		if (build_index(h, rt, "flat", &o, metric, &d, &fplug, &finst,
				&fidx) != 0)
			goto out;
		const struct alopex_index_ops *fops = fplug->ops;
		/* An exact scan reads the whole set per query: a few hundred
		 * queries measure it. */
		size_t nq = d.nq < 200 ? d.nq : 200;
		const char *t = o.threads;
		while (list_next(&t, &threads)) {
			if (threads < 1 || threads > MAX_THREADS)
				continue;
			double qps =
				timed_search(fops, fidx, &d, nq, 0, threads,
					     o.min_seconds, results);
			if (qps < 0)
				goto out;
			printf("engine=alopex-flat data=%s op=flat threads=%d "
			       "recall=%.4f qps=%.1f gbps=%.2f\n",
			       o.label, threads, recall_of(&d, nq, results),
			       qps, qps * (double)d.n * d.dim * 4.0 / 1e9);
			fflush(stdout);
		}
		fops->close(fidx);
		fplug->fini(finst);
	}
	if (o.sql && sql_bench(&o, &d, metric, results) != 0)
		goto out;
	rc = 0;
out:
	free(results);
	free(d.base);
	free(d.query);
	free(d.gt);
	alx_runtime_destroy(rt);
	return rc;
}
