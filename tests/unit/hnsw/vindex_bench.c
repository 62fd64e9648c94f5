/*
 * ANN benchmark driver for the index plugins through the plugin ABI (what
 * an hnswlib/FAISS comparison calls): builds an index over the clustered
 * recipe of BENCHMARKS.md, then for each ef_search measures recall@10
 * against exact ground truth and single-thread QPS, one query at a time.
 *
 *   vindex_bench [kind=hnsw] [n=100000] [dim=128] [q=1000] [c=100] [r=16]
 *                [sigma=0.3] [seed=1] [metric=l2|cosine|ip] [m=16]
 *                [efc=64] [ef=10,20,40,80,160] [threads=1] [kv=none|wt]
 *                [batch=1000]
 *
 * threads > 1 builds by calling insert from that many threads (ids
 * interleaved), as a parallel CREATE INDEX would. kv=wt stores the index
 * in a WiredTiger database in a temporary directory: each thread inserts
 * in transactions of `batch` rows, as concurrent INSERTs would, and the
 * commits that fail (ECONFLICT) are counted. dump=PREFIX also writes
 * PREFIX.base.fvecs, PREFIX.query.fvecs and PREFIX.gt.ivecs (k = 10), the
 * TEXMEX format peers' harnesses (hnswlib, FAISS) read.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"
#include "vector/vec_index.h"
#include "vindex_data.h"

static const char *arg(int argc, char **argv, const char *key, const char *def)
{
	size_t n = strlen(key);
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	return def;
}

struct src {
	const struct vd_set *d;
	uint32_t next;
};

static int src_next(void *a, uint64_t *id, const float **vec)
{
	struct src *s = a;
	if (s->next >= s->d->spec.nbase)
		return ALOPEX_DONE;
	*id = s->next;
	*vec = s->d->base + (size_t)s->next++ * s->d->spec.dim;
	return ALOPEX_ROW;
}

static int write_vecs(const char *prefix, const char *what, const void *rows,
		      uint32_t n, uint32_t dim, size_t elem)
{
	char path[512];
	snprintf(path, sizeof(path), "%s.%s", prefix, what);
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	int32_t d = (int32_t)dim;
	for (uint32_t i = 0; i < n; i++) {
		fwrite(&d, sizeof(d), 1, f);
		fwrite((const char *)rows + (size_t)i * dim * elem, elem, dim,
		       f);
	}
	return fclose(f);
}

static const uint8_t kv_prefix[9] = {0x10, 0, 0, 0, 77, 0, 0, 0, 1};

struct builder {
	const struct alopex_index_ops *ops;
	void *idx;
	const struct vd_set *d;
	uint32_t first, step;
	alopex_db *db; /* NULL: memory only */
	uint32_t batch;
	int rc;
	uint32_t commits, conflicts;
};

static void *build_part(void *a)
{
	struct builder *b = a;
	alopex_diag d;
	struct alx_kv_txn *t = NULL;
	struct alx_vindex_kv kv;
	uint32_t in_txn = 0;
	for (uint32_t i = b->first; i < b->d->spec.nbase && b->rc == 0;
	     i += b->step) {
		if (b->db != NULL && t == NULL) {
			if ((b->rc = alx_kv_txn_begin(b->db, 0, &t, &d)) != 0)
				break;
			alx_vindex_kv_init(&kv, t, kv_prefix,
					   sizeof(kv_prefix));
		}
		b->rc = b->ops->insert(b->idx, t ? &kv.ops : NULL, i,
				       b->d->base + (size_t)i * b->d->spec.dim,
				       &d);
		if (b->rc == ALOPEX_ECONFLICT) {
			/* Only an index that writes shared records gets
			 * here: the transaction is lost. */
			b->rc = 0;
			b->conflicts++;
			alx_kv_txn_rollback(t);
			t = NULL;
			in_txn = 0;
			continue;
		}
		if (t != NULL && ++in_txn == b->batch) {
			int rc = alx_kv_txn_commit(t, NULL, &d);
			t = NULL;
			in_txn = 0;
			b->commits++;
			if (rc == ALOPEX_ECONFLICT)
				b->conflicts++;
			else if (rc != 0)
				b->rc = rc;
		}
	}
	if (t != NULL) {
		int rc = alx_kv_txn_commit(t, NULL, &d);
		b->commits++;
		if (rc == ALOPEX_ECONFLICT)
			b->conflicts++;
		else if (rc != 0 && b->rc == 0)
			b->rc = rc;
	}
	if (b->rc != 0)
		fprintf(stderr, "insert: %s\n", d.message);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *kind = arg(argc, argv, "kind", "hnsw");
	const char *mname = arg(argc, argv, "metric", "l2");
	uint32_t metric = strcmp(mname, "cosine") == 0 ? ALOPEX_METRIC_COSINE
			  : strcmp(mname, "ip") == 0   ? ALOPEX_METRIC_IP
						       : ALOPEX_METRIC_L2;
	struct vd_spec s = {
		(uint32_t)atoi(arg(argc, argv, "n", "100000")),
		(uint32_t)atoi(arg(argc, argv, "q", "1000")),
		(uint32_t)atoi(arg(argc, argv, "dim", "128")),
		(uint32_t)atoi(arg(argc, argv, "c", "100")),
		(uint32_t)atoi(arg(argc, argv, "r", "16")),
		atof(arg(argc, argv, "sigma", "0.3")),
		(uint64_t)atoll(arg(argc, argv, "seed", "1")),
		metric != ALOPEX_METRIC_L2,
	};
	char opts[128];
	snprintf(opts, sizeof(opts), "m=%s,ef_construction=%s",
		 arg(argc, argv, "m", "16"), arg(argc, argv, "efc", "64"));
	const char *efs = arg(argc, argv, "ef", "10,20,40,80,160");

	struct alx_runtime *rt;
	alopex_diag d;
	if (alx_runtime_create(NULL, &rt, &d) != 0)
		return 1;
	const struct alopex_host *h = alx_runtime_host(rt);
	const struct alopex_plugin *p = alx_registry_find(
		alx_runtime_registry(rt), ALOPEX_PLUGIN_INDEX, kind);
	if (p == NULL) {
		fprintf(stderr, "no index plugin '%s'\n", kind);
		return 1;
	}
	const struct alopex_index_ops *ops = p->ops;
	void *inst, *idx;
	uint8_t o[256];
	if (p->init(h, NULL, &inst, &d) != 0 ||
	    (ops->build_options != NULL &&
	     alx_vindex_options_parse(ops->build_options, opts, strlen(opts), o,
				      &d) != 0)) {
		fprintf(stderr, "%s\n", d.message);
		return 1;
	}
	struct vd_set data;
	double t0 = vd_now();
	if (vd_generate(&s, &data) != 0)
		return 1;
	uint64_t *gt = malloc((size_t)s.nquery * 10 * sizeof(uint64_t));
	uint32_t *ngt = malloc(s.nquery * sizeof(uint32_t));
	for (uint32_t i = 0; i < s.nquery; i++)
		ngt[i] = vd_exact(h->vector_kernels, metric, &data,
				  data.query + (size_t)i * s.dim, 10, NULL,
				  NULL, gt + (size_t)i * 10);
	double t1 = vd_now();
	const char *dump = arg(argc, argv, "dump", NULL);
	if (dump != NULL) {
		int32_t *g = malloc((size_t)s.nquery * 10 * sizeof(int32_t));
		for (size_t i = 0; i < (size_t)s.nquery * 10; i++)
			g[i] = (int32_t)gt[i];
		if (write_vecs(dump, "base.fvecs", data.base, s.nbase, s.dim,
			       4) != 0 ||
		    write_vecs(dump, "query.fvecs", data.query, s.nquery, s.dim,
			       4) != 0 ||
		    write_vecs(dump, "gt.ivecs", g, s.nquery, 10, 4) != 0) {
			fprintf(stderr, "cannot write %s.*\n", dump);
			return 1;
		}
		free(g);
	}
	struct alopex_index_params prm = {sizeof(prm), s.dim, metric,
					  ops->build_options ? o : NULL};
	alopex_db *db = NULL;
	char dbdir[] = "/tmp/vindex-bench-XXXXXX";
	if (strcmp(arg(argc, argv, "kv", "none"), "wt") == 0) {
		if (mkdtemp(dbdir) == NULL || alopex_open(dbdir, NULL, &db)) {
			fprintf(stderr, "cannot open a database in %s\n",
				dbdir);
			return 1;
		}
	}
	struct alx_kv_txn *t = NULL;
	struct alx_vindex_kv kv;
	if (db != NULL) {
		if (alx_kv_txn_begin(db, 0, &t, &d) != 0)
			return 1;
		alx_vindex_kv_init(&kv, t, kv_prefix, sizeof(kv_prefix));
	}
	if (ops->create(inst, &prm, t ? &kv.ops : NULL, &idx, &d) != 0 ||
	    (t != NULL && alx_kv_txn_commit(t, NULL, &d) != 0)) {
		fprintf(stderr, "%s\n", d.message);
		return 1;
	}
	int threads = atoi(arg(argc, argv, "threads", "1"));
	uint32_t batch = (uint32_t)atoi(arg(argc, argv, "batch", "1000"));
	double b0 = vd_now();
	uint32_t commits = 0, conflicts = 0;
	if (threads <= 1 && db == NULL) {
		struct src src = {&data, 0};
		if (ops->build(idx, NULL, src_next, &src, NULL, NULL, &d) !=
		    0) {
			fprintf(stderr, "%s\n", d.message);
			return 1;
		}
	} else {
		struct builder b[16];
		pthread_t th[16];
		if (threads < 1)
			threads = 1;
		if (threads > 16)
			threads = 16;
		for (int i = 0; i < threads; i++) {
			b[i] = (struct builder){ops,
						idx,
						&data,
						(uint32_t)i,
						(uint32_t)threads,
						db,
						batch ? batch : 1,
						0,
						0,
						0};
			pthread_create(&th[i], NULL, build_part, &b[i]);
		}
		for (int i = 0; i < threads; i++) {
			pthread_join(th[i], NULL);
			if (b[i].rc != 0)
				return 1;
			commits += b[i].commits;
			conflicts += b[i].conflicts;
		}
	}
	double b1 = vd_now();
	if (db != NULL) {
		printf("kv=wt: %u commits, %u failed with a write conflict\n",
		       commits, conflicts);
		/* Save the graph, then open it again from the records. */
		double c0 = vd_now();
		int rc = alx_kv_txn_begin(db, 0, &t, &d);
		if (rc == 0) {
			alx_vindex_kv_init(&kv, t, kv_prefix,
					   sizeof(kv_prefix));
			if (ops->checkpoint != NULL)
				rc = ops->checkpoint(idx, &kv.ops, &d);
			if (rc == 0)
				rc = alx_kv_txn_commit(t, NULL, &d);
			else
				alx_kv_txn_rollback(t);
		}
		double c1 = vd_now();
		if (rc == 0)
			rc = alx_kv_txn_begin(db, ALX_KV_TXN_READONLY, &t, &d);
		void *again = NULL;
		if (rc == 0) {
			alx_vindex_kv_init(&kv, t, kv_prefix,
					   sizeof(kv_prefix));
			rc = ops->open(inst, &kv.ops, &again, &d);
			alx_kv_txn_rollback(t);
		}
		double c2 = vd_now();
		if (rc != 0) {
			fprintf(stderr, "checkpoint/open: %s\n", d.message);
			return 1;
		}
		struct alopex_index_stats so = {.size = sizeof(so)};
		ops->stats(again, &so);
		printf("kv=wt: checkpoint %.2fs, open %.2fs (%llu nodes, "
		       "%llu re-inserted)\n",
		       c1 - c0, c2 - c1, (unsigned long long)so.count,
		       (unsigned long long)so.reinserted);
		ops->close(again);
	}
	struct alopex_index_stats st = {.size = sizeof(st)};
	ops->stats(idx, &st);
	printf("%s %s n=%u dim=%u q=%u %s kernels=%s: data+gt %.1fs, build "
	       "(%d threads) %.2fs (%.0f inserts/s), %u levels, %.1f MB\n",
	       kind, mname, s.nbase, s.dim, s.nquery, opts,
	       h->vector_kernels->name, t1 - t0, threads, b1 - b0,
	       s.nbase / (b1 - b0), st.levels, st.memory_bytes / 1e6);
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", efs);
	for (char *tok = strtok(buf, ","); tok != NULL;
	     tok = strtok(NULL, ",")) {
		uint32_t ef = (uint32_t)atoi(tok);
		struct alopex_index_result r[10];
		double sum = 0;
		double q0 = vd_now();
		for (uint32_t i = 0; i < s.nquery; i++) {
			struct alopex_index_query q = {
				.size = sizeof(q),
				.vec = data.query + (size_t)i * s.dim,
				.k = 10,
				.ef = ef,
			};
			uint32_t n;
			ops->search(idx, &q, r, &n, &d);
			sum += vd_recall(gt + (size_t)i * 10, ngt[i], r, n);
		}
		double q1 = vd_now();
		printf("  ef %4u: recall@10 %.3f, %.0f QPS\n", ef,
		       sum / s.nquery, s.nquery / (q1 - q0));
	}
	ops->close(idx);
	p->fini(inst);
	if (db != NULL) {
		alopex_close(db);
		char cmd[64];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dbdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dbdir);
	}
	free(gt);
	free(ngt);
	vd_free(&data);
	alx_runtime_destroy(rt);
	return 0;
}
