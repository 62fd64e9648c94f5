/*
 * Vector index contract, run against every index kind (flat, hnsw):
 * recall against exact search, removal, filtered search, persistence
 * through the KV engine, concurrent use, concurrent transactions (no write
 * conflicts, memory engine and WiredTiger), restart after a checkpoint and
 * after a crash, old snapshots (removed ids on request); plus option
 * parsing.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"
#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_registry.h"
#include "runtime/alx_runtime.h"
#include "vector/vec_index.h"
#include "vindex_common.h"
#include "vindex_data.h"

#define K 10

static struct alx_runtime *rt;
static struct vd_set plain, unit; /* 10k x 64: raw (L2), normalised */

struct fx {
	const struct alopex_plugin *p;
	const struct alopex_index_ops *ops;
	void *inst;
	void *idx;
};

static int suite_setup(void)
{
	alopex_diag d;
	if (alx_runtime_create(NULL, &rt, &d) != 0)
		return -1;
	struct vd_spec s = {10000, 100, 64, 20, 32, 0.5, 7, 0};
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
	alx_runtime_destroy(rt);
	return 0;
}

static const struct alopex_vector_kernels *kern(void)
{
	return alx_runtime_host(rt)->vector_kernels;
}

static void fx_plugin(struct fx *f, const char *kind, struct alx_runtime *r)
{
	memset(f, 0, sizeof(*f));
	f->p = alx_registry_find(alx_runtime_registry(r), ALOPEX_PLUGIN_INDEX,
				 kind);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->p);
	f->ops = f->p->ops;
	CU_ASSERT_FATAL(f->ops->size >= sizeof(struct alopex_index_ops));
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(
		f->p->init(alx_runtime_host(r), NULL, &f->inst, &d), 0);
}

/* A new index of `kind`; options as WITH text (NULL: defaults). */
static void fx_create(struct fx *f, const char *kind, struct alx_runtime *r,
		      uint32_t dim, uint32_t metric, const char *options,
		      const struct alopex_index_kv *kv)
{
	fx_plugin(f, kind, r);
	alopex_diag d;
	uint8_t opts[256];
	const void *o = NULL;
	if (f->ops->build_options != NULL) {
		CU_ASSERT_FATAL(f->ops->build_options->config_size <=
				sizeof(opts));
		CU_ASSERT_EQUAL_FATAL(
			alx_vindex_options_parse(f->ops->build_options, options,
						 options ? strlen(options) : 0,
						 opts, &d),
			0);
		o = opts;
	}
	struct alopex_index_params prm = {sizeof(prm), dim, metric, o};
	int rc = f->ops->create(f->inst, &prm, kv, &f->idx, &d);
	if (rc != 0)
		fprintf(stderr, "create: %s\n", d.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void fx_close(struct fx *f)
{
	f->ops->close(f->idx);
	f->idx = NULL;
	f->p->fini(f->inst);
}

static uint32_t search(struct fx *f, const float *q, uint32_t k, uint32_t ef,
		       alopex_index_filter_fn filter, void *arg,
		       struct alopex_index_result *out)
{
	struct alopex_index_query qq = {sizeof(qq), q, k, ef, filter, arg, 0};
	uint32_t n = UINT32_MAX;
	alopex_diag d;
	CU_ASSERT_EQUAL(f->ops->search(f->idx, &qq, out, &n, &d), 0);
	return n;
}

/* ---- build source over a data set ------------------------------------ */

struct src {
	const struct vd_set *d;
	uint32_t next, end;
};

static int src_next(void *arg, uint64_t *id, const float **vec)
{
	struct src *s = arg;
	if (s->next >= s->end)
		return ALOPEX_DONE;
	*id = s->next;
	*vec = s->d->base + (size_t)s->next * s->d->spec.dim;
	s->next++;
	return ALOPEX_ROW;
}

struct progress {
	uint64_t calls, done, total;
};

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress *p = arg;
	p->calls++;
	p->done = done;
	p->total = total;
}

static void fx_build(struct fx *f, const struct vd_set *d, uint32_t n,
		     const struct alopex_index_kv *kv)
{
	struct src s = {d, 0, n};
	struct progress pr = {0};
	alopex_diag dg;
	int rc = f->ops->build(f->idx, kv, src_next, &s, on_progress, &pr, &dg);
	if (rc != 0)
		fprintf(stderr, "build: %s\n", dg.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(pr.done, n);
	CU_ASSERT_EQUAL(pr.total, n);
	CU_ASSERT(pr.calls >= n / 1024);
}

/* ---- recall ------------------------------------------------------------ */

static double recall_of(struct fx *f, const struct vd_set *d, uint32_t metric,
			uint32_t nq, uint32_t ef, bool exact)
{
	double sum = 0;
	for (uint32_t i = 0; i < nq; i++) {
		const float *q = d->query + (size_t)i * d->spec.dim;
		uint64_t gt[K];
		uint32_t ngt =
			vd_exact(kern(), metric, d, q, K, NULL, NULL, gt);
		struct alopex_index_result r[K];
		uint32_t n = search(f, q, K, ef, NULL, NULL, r);
		CU_ASSERT_EQUAL(n, K);
		for (uint32_t j = 1; j < n; j++)
			CU_ASSERT(r[j - 1].distance <= r[j].distance);
		for (uint32_t j = 0; exact && j < n && j < ngt; j++)
			CU_ASSERT_EQUAL(r[j].id, gt[j]);
		sum += vd_recall(gt, ngt, r, n);
	}
	return sum / nq;
}

static void recall_case(const char *kind, uint32_t metric)
{
	const struct vd_set *d = metric == ALOPEX_METRIC_L2 ? &plain : &unit;
	struct fx f;
	fx_create(&f, kind, rt, d->spec.dim, metric, NULL, NULL);
	double t0 = vd_now();
	fx_build(&f, d, d->spec.nbase, NULL);
	double t1 = vd_now();
	bool exact = (f.ops->caps & ALOPEX_INDEX_EXACT) != 0;
	double rec = recall_of(&f, d, metric, d->spec.nquery, 0, exact);
	struct alopex_index_stats st = {.size = sizeof(st)};
	CU_ASSERT_EQUAL(f.ops->stats(f.idx, &st), 0);
	CU_ASSERT_EQUAL(st.count, d->spec.nbase);
	CU_ASSERT_EQUAL(st.dim, d->spec.dim);
	CU_ASSERT(st.memory_bytes >=
		  (uint64_t)d->spec.nbase * d->spec.dim * sizeof(float));
	printf("\n  %s metric %u: recall@10 %.4f, build %.2fs, %u levels, "
	       "%.1f MB",
	       kind, metric, rec, t1 - t0, st.levels, st.memory_bytes / 1e6);
	if (exact) {
		CU_ASSERT_EQUAL(rec, 1.0);
	} else {
		CU_ASSERT(rec >= 0.95);
	}
	fx_close(&f);
}

static void test_recall_flat_l2(void)
{
	recall_case("flat", ALOPEX_METRIC_L2);
}
static void test_recall_flat_cosine(void)
{
	recall_case("flat", ALOPEX_METRIC_COSINE);
}
static void test_recall_flat_ip(void)
{
	recall_case("flat", ALOPEX_METRIC_IP);
}
static void test_recall_hnsw_l2(void)
{
	recall_case("hnsw", ALOPEX_METRIC_L2);
}
static void test_recall_hnsw_cosine(void)
{
	recall_case("hnsw", ALOPEX_METRIC_COSINE);
}
static void test_recall_hnsw_ip(void)
{
	recall_case("hnsw", ALOPEX_METRIC_IP);
}

/* ---- removal ----------------------------------------------------------- */

static int not_removed(void *arg, uint64_t id)
{
	(void)arg;
	return id % 3 != 0;
}

static void check_removed_never_returned(struct fx *f, uint32_t n,
					 double min_recall)
{
	double sum = 0;
	for (uint32_t i = 0; i < 50; i++) {
		const float *q = plain.query + (size_t)i * plain.spec.dim;
		struct alopex_index_result r[K];
		uint32_t got = search(f, q, K, 0, NULL, NULL, r);
		CU_ASSERT_EQUAL(got, K);
		for (uint32_t j = 0; j < got; j++)
			CU_ASSERT(r[j].id % 3 != 0 && r[j].id < n);
		uint64_t gt[K];
		struct vd_set sub = plain;
		sub.spec.nbase = n;
		uint32_t ngt = vd_exact(kern(), ALOPEX_METRIC_L2, &sub, q, K,
					not_removed, NULL, gt);
		sum += vd_recall(gt, ngt, r, got);
	}
	CU_ASSERT(sum / 50 >= min_recall);
}

static void removal_case(const char *kind)
{
	const uint32_t n = 3000;
	struct fx f;
	alopex_diag d;
	fx_create(&f, kind, rt, 64, ALOPEX_METRIC_L2, NULL, NULL);
	fx_build(&f, &plain, n, NULL);
	for (uint64_t id = 0; id < n; id += 3)
		CU_ASSERT_EQUAL(f.ops->remove(f.idx, NULL, id, &d), 0);
	CU_ASSERT_EQUAL(f.ops->remove(f.idx, NULL, 3, &d), ALOPEX_ENOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "not indexed"));
	CU_ASSERT_EQUAL(f.ops->insert(f.idx, NULL, 1, plain.base + 64, &d),
			ALOPEX_EEXIST);
	struct alopex_index_stats st = {.size = sizeof(st)};
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.count, n - 1000);
	check_removed_never_returned(&f, n, 0.9);

	/* A removed vector's own query finds its neighbours, never it. */
	struct alopex_index_result r[K];
	uint32_t got = search(&f, plain.base + 300 * 64, K, 0, NULL, NULL, r);
	CU_ASSERT_EQUAL(got, K);
	CU_ASSERT(r[0].id != 300);

	/* Vacuum repairs and reclaims; nothing removed comes back. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.ops->vacuum);
	CU_ASSERT_EQUAL(f.ops->vacuum(f.idx, NULL, &d), 0);
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.count, n - 1000);
	CU_ASSERT_EQUAL(st.deleted, 0);
	check_removed_never_returned(&f, n, 0.9);

	/* Insert a removed id again: found under its new vector. */
	CU_ASSERT_EQUAL(
		f.ops->insert(f.idx, NULL, 300, plain.base + 301 * 64, &d), 0);
	got = search(&f, plain.base + 301 * 64, 2, 0, NULL, NULL, r);
	CU_ASSERT_EQUAL(got, 2);
	CU_ASSERT((r[0].id == 300 || r[0].id == 301) && r[0].distance == 0);
	CU_ASSERT((r[1].id == 300 || r[1].id == 301) && r[1].distance == 0);

	/* Remove everything: searches come back empty, then refill. */
	for (uint64_t id = 0; id < n; id++)
		if (id % 3 != 0 || id == 300)
			CU_ASSERT_EQUAL(f.ops->remove(f.idx, NULL, id, &d), 0);
	got = search(&f, plain.query, K, 0, NULL, NULL, r);
	CU_ASSERT_EQUAL(got, 0);
	CU_ASSERT_EQUAL(f.ops->vacuum(f.idx, NULL, &d), 0);
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.count, 0);
	CU_ASSERT_EQUAL(f.ops->insert(f.idx, NULL, 7, plain.base, &d), 0);
	got = search(&f, plain.query, K, 0, NULL, NULL, r);
	CU_ASSERT_EQUAL(got, 1);
	CU_ASSERT_EQUAL(r[0].id, 7);
	fx_close(&f);
}

static void test_remove_flat(void)
{
	removal_case("flat");
}
static void test_remove_hnsw(void)
{
	removal_case("hnsw");
}

/* ---- filtered search -------------------------------------------------- */

struct sel {
	uint64_t mod, rem;
	uint64_t calls;
};

static int keep_sel(void *arg, uint64_t id)
{
	struct sel *s = arg;
	s->calls++;
	return id % s->mod == s->rem;
}

static void filter_case(const char *kind)
{
	const uint32_t n = 5000;
	struct fx f;
	fx_create(&f, kind, rt, 64, ALOPEX_METRIC_L2, NULL, NULL);
	fx_build(&f, &plain, n, NULL);
	bool exact = (f.ops->caps & ALOPEX_INDEX_EXACT) != 0;
	CU_ASSERT(f.ops->caps & ALOPEX_INDEX_FILTER);
	struct sel sels[] = {{100, 7, 0}, {10, 3, 0}, {2, 1, 0}, {1667, 5, 0}};
	struct vd_set sub = plain;
	sub.spec.nbase = n;
	for (size_t si = 0; si < sizeof(sels) / sizeof(sels[0]); si++) {
		struct sel *s = &sels[si];
		/* 1667: ids 5, 1672, 3339 only - fewer than k exist. */
		uint32_t want = s->mod == 1667 ? 3 : K;
		double sum = 0;
		for (uint32_t i = 0; i < 30; i++) {
			const float *q = plain.query + (size_t)i * 64;
			struct alopex_index_result r[K];
			uint32_t got = search(&f, q, K, 0, keep_sel, s, r);
			CU_ASSERT_EQUAL(got, want);
			for (uint32_t j = 0; j < got; j++)
				CU_ASSERT_EQUAL(r[j].id % s->mod, s->rem);
			uint64_t gt[K];
			uint32_t ngt = vd_exact(kern(), ALOPEX_METRIC_L2, &sub,
						q, K, keep_sel, s, gt);
			sum += vd_recall(gt, ngt, r, got);
		}
		printf("\n  %s filter 1/%llu: recall@10 %.3f", kind,
		       (unsigned long long)s->mod, sum / 30);
		if (exact) {
			CU_ASSERT_EQUAL(sum / 30, 1.0);
		} else {
			CU_ASSERT(sum / 30 >= 0.9);
		}
		CU_ASSERT(s->calls > 0);
	}
	fx_close(&f);
}

static void test_filter_flat(void)
{
	filter_case("flat");
}
static void test_filter_hnsw(void)
{
	filter_case("hnsw");
}

/* ---- persistence through the KV engine -------------------------------- */

/* Close and open the same directory: what is on disk, nothing else. */
static void kvdb_reopen(struct alx_test_db *k)
{
	alx_test_close(k->db);
	alx_test_db_reopen(k);
}

static const uint8_t prefix[9] = {0x10, 0, 0, 0, 99, 0, 0, 0, 1};

static struct alx_kv_txn *begin(struct alx_test_db *k, struct alx_vindex_kv *b)
{
	struct alx_kv_txn *t;
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_begin(k->db, 0, &t, &d), 0);
	CU_ASSERT_EQUAL_FATAL(alx_vindex_kv_init(b, t, prefix, sizeof(prefix)),
			      0);
	return t;
}

static void commit(struct alx_kv_txn *t)
{
	alopex_diag d;
	CU_ASSERT_EQUAL_FATAL(alx_kv_txn_commit(t, NULL, &d), 0);
}

#define PQ 20

static void snapshot(struct fx *f, struct alopex_index_result r[PQ][K],
		     uint32_t n[PQ])
{
	for (uint32_t i = 0; i < PQ; i++)
		n[i] = search(f, plain.query + (size_t)i * 64, K, 0, NULL, NULL,
			      r[i]);
}

/* |a ∩ b| / na: how much of one answer another keeps. */
static double overlap(const struct alopex_index_result *a, uint32_t na,
		      const struct alopex_index_result *b, uint32_t nb)
{
	if (na == 0)
		return nb == 0;
	uint32_t hit = 0;
	for (uint32_t i = 0; i < na; i++)
		for (uint32_t j = 0; j < nb; j++)
			if (a[i].id == b[j].id) {
				hit++;
				break;
			}
	return (double)hit / na;
}

static bool has_op(const struct alopex_index_ops *ops, size_t end)
{
	return ops->size >= end;
}

#define HAS_OP(ops, f) \
	has_op(ops, offsetof(struct alopex_index_ops, f) + sizeof((ops)->f))

/* A checkpoint in a transaction of its own, committed. */
static void checkpoint(struct alx_test_db *k, struct fx *f)
{
	CU_ASSERT_FATAL(HAS_OP(f->ops, checkpoint));
	if (f->ops->checkpoint == NULL)
		return;
	struct alx_vindex_kv b;
	alopex_diag d;
	struct alx_kv_txn *t = begin(k, &b);
	int rc = f->ops->checkpoint(f->idx, &b.ops, &d);
	if (rc != 0)
		fprintf(stderr, "checkpoint: %s\n", d.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	commit(t);
}

static void persist_case(const char *kind)
{
	struct alx_test_db k;
	alx_test_db_open(&k, "vindex-db", ALX_TEST_ENGINE_MEMORY);
	struct alx_runtime *drt = k.db->rt;
	struct alx_vindex_kv b;
	alopex_diag d;
	struct fx f;

	/* Nothing stored yet: open says so. */
	struct alx_kv_txn *t = begin(&k, &b);
	fx_plugin(&f, kind, drt);
	void *none = NULL;
	CU_ASSERT_EQUAL(f.ops->open(f.inst, &b.ops, &none, &d),
			ALOPEX_ENOTFOUND);
	CU_ASSERT_PTR_NULL(none);
	f.p->fini(f.inst);

	/* Create and fill in two transactions, with removals. */
	fx_create(&f, kind, drt, 64, ALOPEX_METRIC_L2,
		  "m = 8, ef_construction = 40", &b.ops);
	fx_build(&f, &plain, 1500, &b.ops);
	commit(t);
	t = begin(&k, &b);
	for (uint32_t i = 1500; i < 2000; i++)
		CU_ASSERT_EQUAL(f.ops->insert(f.idx, &b.ops, i,
					      plain.base + (size_t)i * 64, &d),
				0);
	for (uint64_t id = 0; id < 2000; id += 20)
		CU_ASSERT_EQUAL(f.ops->remove(f.idx, &b.ops, id, &d), 0);
	commit(t);
	checkpoint(&k, &f);

	static struct alopex_index_result before[PQ][K], after[PQ][K];
	uint32_t nb[PQ], na[PQ];
	snapshot(&f, before, nb);
	struct alopex_index_stats s1 = {.size = sizeof(s1)};
	struct alopex_index_stats s2 = {.size = sizeof(s2)};
	f.ops->stats(f.idx, &s1);
	CU_ASSERT_EQUAL(s1.count, 1900);
	CU_ASSERT_EQUAL(s1.unsaved, 0);

	/* A rolled-back transaction: forget its inserts in memory. */
	t = begin(&k, &b);
	for (uint32_t i = 0; i < 50; i++)
		CU_ASSERT_EQUAL(f.ops->insert(f.idx, &b.ops, 5000 + i,
					      plain.query + (size_t)i * 64, &d),
				0);
	CU_ASSERT_EQUAL(f.ops->remove(f.idx, &b.ops, 1, &d), 0);
	alx_kv_txn_rollback(t);
	for (uint32_t i = 0; i < 50; i++)
		f.ops->forget(f.idx, 5000 + i);
	f.ops->restore(f.idx, 1);
	snapshot(&f, after, na);
	for (uint32_t i = 0; i < PQ; i++) {
		CU_ASSERT_EQUAL(na[i], K);
		for (uint32_t j = 0; j < na[i]; j++)
			CU_ASSERT(after[i][j].id < 2000 &&
				  after[i][j].id % 20 != 0);
	}
	f.ops->close(f.idx);
	f.idx = NULL;

	/* Reopen from the committed records: the same answers. */
	t = begin(&k, &b);
	CU_ASSERT_EQUAL_FATAL(f.ops->open(f.inst, &b.ops, &f.idx, &d), 0);
	f.ops->stats(f.idx, &s2);
	CU_ASSERT_EQUAL(s2.count, s1.count);
	CU_ASSERT_EQUAL(s2.levels, s1.levels);
	CU_ASSERT_EQUAL(s2.dim, 64);
	CU_ASSERT_EQUAL(s2.reinserted, 0); /* all in the checkpoint */
	snapshot(&f, after, na);
	/* An exact index answers the same; a graph was repaired around the
	 * rows removed since its checkpoint: nearly the same. */
	bool exact = (f.ops->caps & ALOPEX_INDEX_EXACT) != 0;
	double same = 0;
	for (uint32_t i = 0; i < PQ; i++) {
		CU_ASSERT_EQUAL(na[i], nb[i]);
		for (uint32_t j = 0; exact && j < na[i] && j < nb[i]; j++) {
			CU_ASSERT_EQUAL(after[i][j].id, before[i][j].id);
			CU_ASSERT_EQUAL(after[i][j].distance,
					before[i][j].distance);
		}
		same += overlap(before[i], nb[i], after[i], na[i]);
	}
	CU_ASSERT(same / PQ >= 0.95);
	/* Vacuum writes through KV too: reopen after it still agrees. */
	if (f.ops->vacuum != NULL) {
		CU_ASSERT_EQUAL(f.ops->vacuum(f.idx, &b.ops, &d), 0);
	}
	commit(t);
	f.ops->close(f.idx);
	t = begin(&k, &b);
	CU_ASSERT_EQUAL_FATAL(f.ops->open(f.inst, &b.ops, &f.idx, &d), 0);
	f.ops->stats(f.idx, &s2);
	CU_ASSERT_EQUAL(s2.count, 1900);
	CU_ASSERT_EQUAL(s2.deleted, 0);
	double sum = 0;
	for (uint32_t i = 0; i < PQ; i++) {
		struct alopex_index_result r[K];
		uint32_t got = search(&f, plain.query + (size_t)i * 64, K, 0,
				      NULL, NULL, r);
		CU_ASSERT_EQUAL(got, K);
		sum += vd_recall((uint64_t[]){before[i][0].id, before[i][1].id,
					      before[i][2].id, before[i][3].id,
					      before[i][4].id, before[i][5].id,
					      before[i][6].id, before[i][7].id,
					      before[i][8].id, before[i][9].id},
				 K, r, got);
	}
	CU_ASSERT(sum / PQ >= 0.9);
	f.ops->close(f.idx);
	f.idx = NULL;

	/* A damaged record is reported, not trusted. */
	uint8_t key[9] = {kind[0] == 'h' ? 'n' : 'v', 0, 0, 0, 0, 0, 0, 0, 2};
	CU_ASSERT_EQUAL(
		b.ops.put(b.ops.ctx, vx_slice(key, 9), vx_slice("junk", 4)), 0);
	CU_ASSERT_EQUAL(f.ops->open(f.inst, &b.ops, &f.idx, &d),
			ALOPEX_ECORRUPT);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "damaged"));
	CU_ASSERT_PTR_NULL(f.idx);
	alx_kv_txn_rollback(t);
	f.p->fini(f.inst);
	alx_test_db_close(&k);
}

static void test_persist_flat(void)
{
	persist_case("flat");
}
static void test_persist_hnsw(void)
{
	persist_case("hnsw");
}

/* ---- concurrency -------------------------------------------------------- */

struct worker {
	struct fx *f;
	uint32_t first, count; /* writers: ids to insert */
	int reader;
	int errors;
	uint32_t searches;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	alopex_diag d;
	if (!w->reader) {
		for (uint32_t i = w->first; i < w->first + w->count; i++)
			if (w->f->ops->insert(w->f->idx, NULL, i,
					      plain.base + (size_t)i * 64,
					      &d) != 0)
				w->errors++;
		return NULL;
	}
	for (uint32_t i = 0; i < 300; i++) {
		struct alopex_index_result r[K];
		struct alopex_index_query q = {
			sizeof(q), plain.query + (i % 100) * 64,
			K,	   0,
			NULL,	   NULL,
			0};
		uint32_t n;
		if (w->f->ops->search(w->f->idx, &q, r, &n, &d) != 0 || n != K)
			w->errors++;
		for (uint32_t j = 1; j < n; j++)
			if (r[j - 1].distance > r[j].distance)
				w->errors++;
		w->searches++;
	}
	return NULL;
}

static void concurrent_case(const char *kind)
{
	struct fx f;
	fx_create(&f, kind, rt, 64, ALOPEX_METRIC_L2, NULL, NULL);
	fx_build(&f, &plain, 1000, NULL);
	CU_ASSERT(f.ops->caps & ALOPEX_INDEX_CONCURRENT);
	struct worker w[4] = {
		{&f, 1000, 1000, 0, 0, 0},
		{&f, 2000, 1000, 0, 0, 0},
		{&f, 0, 0, 1, 0, 0},
		{&f, 0, 0, 1, 0, 0},
	};
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, work, &w[i]),
				      0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(w[i].errors, 0);
	}
	CU_ASSERT_EQUAL(w[2].searches + w[3].searches, 600);
	struct alopex_index_stats st = {.size = sizeof(st)};
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.count, 3000);
	/* Every vector the writers added is found by its own query. */
	int misses = 0;
	for (uint32_t i = 1000; i < 3000; i += 7) {
		struct alopex_index_result r[1];
		uint32_t n = search(&f, plain.base + (size_t)i * 64, 1, 64,
				    NULL, NULL, r);
		misses += n != 1 || r[0].distance != 0;
	}
	CU_ASSERT(misses <= 2);
	fx_close(&f);
}

static void test_concurrent_flat(void)
{
	concurrent_case("flat");
}
static void test_concurrent_hnsw(void)
{
	concurrent_case("hnsw");
}

/* ---- concurrent transactions ------------------------------------------ */

/* Whether id's own vector finds it (k = 1, generous ef). */
static bool finds(struct fx *f, uint64_t id, const float *v, uint32_t flags)
{
	struct alopex_index_query q = {sizeof(q), v, 1, 64, NULL, NULL, flags};
	struct alopex_index_result r[1];
	uint32_t n = 0;
	alopex_diag d;
	CU_ASSERT_EQUAL(f->ops->search(f->idx, &q, r, &n, &d), 0);
	return n == 1 && r[0].id == id && r[0].distance == 0;
}

/* Whether a search around v returns id (k = K). */
static bool returns(struct fx *f, uint64_t id, const float *v, uint32_t flags)
{
	struct alopex_index_query q = {sizeof(q), v, K, 64, NULL, NULL, flags};
	struct alopex_index_result r[K];
	uint32_t n = 0;
	alopex_diag d;
	CU_ASSERT_EQUAL(f->ops->search(f->idx, &q, r, &n, &d), 0);
	for (uint32_t i = 0; i < n; i++)
		if (r[i].id == id)
			return true;
	return false;
}

static const float *vec_of(uint64_t id)
{
	return plain.base + (size_t)id * 64;
}

#define TX_BASE 500  /* committed before the writers start */
#define TX_ROUNDS 25 /* transactions per writer */
#define TX_PER 20    /* inserts per transaction */

struct txw {
	struct alx_test_db *k;
	struct fx *f;
	pthread_barrier_t *bar;
	uint32_t first; /* ids first .. first + TX_ROUNDS * TX_PER */
	int conflicts, errors;
	/* the checkpointer */
	int checkpointer, stop, checkpoints;
};

/*
 * One writer: each round both writers open a transaction, insert TX_PER
 * rows and remove one of their previous round's, and only then commit
 * (the barriers make the transactions overlap). Every insert links into
 * the same popular nodes: an index that stored those links in the row's
 * transaction would fail one of the two commits nearly every round.
 */
static void *txn_work(void *arg)
{
	struct txw *w = arg;
	alopex_diag d;
	for (uint32_t r = 0; r < TX_ROUNDS; r++) {
		struct alx_vindex_kv b;
		struct alx_kv_txn *t = NULL;
		if (alx_kv_txn_begin(w->k->db, 0, &t, &d) != 0 ||
		    alx_vindex_kv_init(&b, t, prefix, sizeof(prefix)) != 0)
			w->errors++;
		pthread_barrier_wait(w->bar);
		for (uint32_t i = 0; t != NULL && i < TX_PER; i++) {
			uint32_t id = w->first + r * TX_PER + i;
			int rc = w->f->ops->insert(w->f->idx, &b.ops, id,
						   vec_of(id), &d);
			w->conflicts += rc == ALOPEX_ECONFLICT;
			w->errors += rc != 0 && rc != ALOPEX_ECONFLICT;
		}
		if (t != NULL && r > 0) {
			uint32_t id = w->first + (r - 1) * TX_PER;
			int rc = w->f->ops->remove(w->f->idx, &b.ops, id, &d);
			w->conflicts += rc == ALOPEX_ECONFLICT;
			w->errors += rc != 0 && rc != ALOPEX_ECONFLICT;
		}
		pthread_barrier_wait(w->bar);
		if (t != NULL) {
			int rc = alx_kv_txn_commit(t, NULL, &d);
			w->conflicts += rc == ALOPEX_ECONFLICT;
			w->errors += rc != 0 && rc != ALOPEX_ECONFLICT;
		}
	}
	return NULL;
}

/* Checkpoints in their own transactions while the writers run. */
static void *ckpt_work(void *arg)
{
	struct txw *w = arg;
	alopex_diag d;
	for (int i = 0; i < 200 && !__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE);
	     i++) {
		struct alx_vindex_kv b;
		struct alx_kv_txn *t = NULL;
		if (alx_kv_txn_begin(w->k->db, 0, &t, &d) != 0) {
			w->errors++;
			break;
		}
		alx_vindex_kv_init(&b, t, prefix, sizeof(prefix));
		int rc = w->f->ops->checkpoint(w->f->idx, &b.ops, &d);
		if (rc == 0)
			rc = alx_kv_txn_commit(t, NULL, &d);
		else
			alx_kv_txn_rollback(t);
		w->conflicts += rc == ALOPEX_ECONFLICT;
		w->errors += rc != 0 && rc != ALOPEX_ECONFLICT;
		w->checkpoints += rc == 0;
		struct timespec ts = {0, 2 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* Every committed row is found, no removed one is returned. */
static void check_rows(struct fx *f, uint32_t end)
{
	int misses = 0, ghosts = 0;
	for (uint32_t id = 0; id < end; id++) {
		bool removed = id >= TX_BASE && (id - TX_BASE) % TX_PER == 0 &&
			       (id - TX_BASE) % (TX_ROUNDS * TX_PER) <
				       (TX_ROUNDS - 1) * TX_PER;
		if (removed)
			ghosts += returns(f, id, vec_of(id), 0);
		else
			misses += !finds(f, id, vec_of(id), 0);
	}
	CU_ASSERT_EQUAL(ghosts, 0);
	CU_ASSERT(misses <= (int)end / 200);
	if (misses > 0)
		printf("\n  %d of %u rows not found by their own vector",
		       misses, end);
}

static void txn_case(const char *kind, bool wt)
{
	struct alx_test_db k;
	if (wt)
		alx_test_db_open(&k, "vindex-wt", ALX_TEST_ENGINE_DEFAULT);
	else
		alx_test_db_open(&k, "vindex-db", ALX_TEST_ENGINE_MEMORY);
	struct alx_vindex_kv b;
	struct fx f;
	alopex_diag d;
	struct alx_kv_txn *t = begin(&k, &b);
	/* The suite's runtime: the plugin outlives a database reopen. */
	fx_create(&f, kind, rt, 64, ALOPEX_METRIC_L2, NULL, &b.ops);
	fx_build(&f, &plain, TX_BASE, &b.ops);
	commit(t);
	CU_ASSERT(f.ops->caps & ALOPEX_INDEX_ROW_KEYED);
	CU_ASSERT_FATAL(HAS_OP(f.ops, vacuum_some));

	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, 2);
	const uint32_t span = TX_ROUNDS * TX_PER;
	struct txw w[3] = {
		{&k, &f, &bar, TX_BASE, 0, 0, 0, 0, 0},
		{&k, &f, &bar, TX_BASE + span, 0, 0, 0, 0, 0},
		{&k, &f, NULL, 0, 0, 0, 1, 0, 0},
	};
	bool ckpt = f.ops->checkpoint != NULL;
	pthread_t th[3];
	double t0 = vd_now();
	for (int i = 0; i < 3; i++)
		if (i < 2 || ckpt)
			CU_ASSERT_EQUAL_FATAL(
				pthread_create(&th[i], NULL,
					       i < 2 ? txn_work : ckpt_work,
					       &w[i]),
				0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	__atomic_store_n(&w[2].stop, 1, __ATOMIC_RELEASE);
	if (ckpt)
		pthread_join(th[2], NULL);
	pthread_barrier_destroy(&bar);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(w[i].conflicts, 0);
		CU_ASSERT_EQUAL(w[i].errors, 0);
	}
	printf("\n  %s on %s: %d transactions, %d checkpoints beside, no "
	       "conflicts (%d), %.2fs",
	       kind, wt ? "wiredtiger" : "memory", 2 * TX_ROUNDS,
	       w[2].checkpoints, w[0].conflicts + w[1].conflicts,
	       vd_now() - t0);
	const uint32_t end = TX_BASE + 2 * span;
	const uint64_t live = end - 2 * (TX_ROUNDS - 1);
	struct alopex_index_stats st = {.size = sizeof(st)};
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.count, live);
	check_rows(&f, end);

	/* Crash: the memory index is dropped without a checkpoint; on
	 * WiredTiger the database itself is closed and opened again. */
	f.ops->close(f.idx);
	f.idx = NULL;
	if (wt)
		kvdb_reopen(&k);
	t = begin(&k, &b);
	CU_ASSERT_EQUAL_FATAL(f.ops->open(f.inst, &b.ops, &f.idx, &d), 0);
	alx_kv_txn_rollback(t);
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.count, live);
	CU_ASSERT_EQUAL(st.deleted, 0);
	CU_ASSERT(st.reinserted <= live);
	check_rows(&f, end);
	f.ops->close(f.idx);
	f.idx = NULL;
	f.p->fini(f.inst);
	alx_test_db_close(&k);
}

static void test_txn_flat_memory(void)
{
	txn_case("flat", false);
}
static void test_txn_hnsw_memory(void)
{
	txn_case("hnsw", false);
}
static void test_txn_hnsw_wiredtiger(void)
{
	txn_case("hnsw", true);
}

/* ---- restart: checkpoint, later rows, crash --------------------------- */

static void insert_range(struct alx_test_db *k, struct fx *f, uint32_t from,
			 uint32_t to, bool keep)
{
	struct alx_vindex_kv b;
	alopex_diag d;
	struct alx_kv_txn *t = begin(k, &b);
	for (uint32_t id = from; id < to; id++)
		CU_ASSERT_EQUAL(f->ops->insert(f->idx, &b.ops, id,
					       vec_of(id % 10000), &d),
				0);
	if (keep) {
		commit(t);
		return;
	}
	alx_kv_txn_rollback(t);
	for (uint32_t id = from; id < to; id++)
		f->ops->forget(f->idx, id);
}

static void reopen(struct alx_test_db *k, struct fx *f)
{
	struct alx_vindex_kv b;
	alopex_diag d;
	f->ops->close(f->idx);
	f->idx = NULL;
	struct alx_kv_txn *t = begin(k, &b);
	int rc = f->ops->open(f->inst, &b.ops, &f->idx, &d);
	if (rc != 0)
		fprintf(stderr, "open: %s\n", d.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	alx_kv_txn_rollback(t);
}

static void test_restart_hnsw(void)
{
	struct alx_test_db k;
	alx_test_db_open(&k, "vindex-db", ALX_TEST_ENGINE_MEMORY);
	struct alx_vindex_kv b;
	struct fx f;
	alopex_diag d;
	struct alx_kv_txn *t = begin(&k, &b);
	fx_create(&f, "hnsw", k.db->rt, 64, ALOPEX_METRIC_L2, NULL, &b.ops);
	commit(t);
	for (uint32_t i = 0; i < 1000; i += 250)
		insert_range(&k, &f, i, i + 250, true);
	struct alopex_index_stats st = {.size = sizeof(st)};
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.unsaved, 1000);
	checkpoint(&k, &f);
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.unsaved, 0);

	/* A checkpoint that rolls back: the next one writes what it had. */
	insert_range(&k, &f, 1000, 1100, true);
	t = begin(&k, &b);
	CU_ASSERT_EQUAL(f.ops->checkpoint(f.idx, &b.ops, &d), 0);
	alx_kv_txn_rollback(t);
	insert_range(&k, &f, 1100, 1300, true);
	/* Checkpointed rows deleted, rows rolled back. */
	t = begin(&k, &b);
	for (uint64_t id = 0; id < 50; id++)
		CU_ASSERT_EQUAL(f.ops->remove(f.idx, &b.ops, id, &d), 0);
	commit(t);
	insert_range(&k, &f, 20000, 20020, false);
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.count, 1250);
	CU_ASSERT(st.unsaved >= 300);

	/* Crash: the newer rows are re-inserted, nothing else. */
	reopen(&k, &f);
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.count, 1250);
	CU_ASSERT_EQUAL(st.deleted, 0);
	CU_ASSERT_EQUAL(st.reinserted, 300);
	int misses = 0;
	for (uint32_t id = 50; id < 1300; id++)
		misses += !finds(&f, id, vec_of(id), 0);
	CU_ASSERT(misses <= 3);
	for (uint32_t id = 0; id < 50; id++)
		CU_ASSERT(!returns(&f, id, vec_of(id), 0));
	for (uint32_t id = 20000; id < 20020; id++)
		CU_ASSERT(!returns(&f, id, vec_of(id % 10000),
				   ALOPEX_INDEX_QUERY_INCLUDE_REMOVED));
	double rec = 0;
	struct vd_set sub = plain;
	sub.spec.nbase = 1300;
	for (uint32_t i = 0; i < PQ; i++) {
		const float *q = plain.query + (size_t)i * 64;
		uint64_t gt[K];
		struct sel live = {1, 0, 0};
		uint32_t ngt = vd_exact(kern(), ALOPEX_METRIC_L2, &sub, q, K,
					keep_sel, &live, gt);
		/* ids 0..49 are gone: compare from the exact answer of the
		 * rest */
		uint32_t m = 0;
		for (uint32_t j = 0; j < ngt; j++)
			if (gt[j] >= 50)
				gt[m++] = gt[j];
		struct alopex_index_result r[K];
		uint32_t n = search(&f, q, K, 0, NULL, NULL, r);
		rec += vd_recall(gt, m, r, n);
	}
	CU_ASSERT(rec / PQ >= 0.85);

	/* A clean checkpoint: the next open re-inserts nothing and answers
	 * exactly as before. */
	checkpoint(&k, &f);
	static struct alopex_index_result before[PQ][K], after[PQ][K];
	uint32_t nb[PQ], na[PQ];
	snapshot(&f, before, nb);
	reopen(&k, &f);
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.count, 1250);
	CU_ASSERT_EQUAL(st.reinserted, 0);
	CU_ASSERT_EQUAL(st.unsaved, 0);
	snapshot(&f, after, na);
	for (uint32_t i = 0; i < PQ; i++) {
		CU_ASSERT_EQUAL(na[i], nb[i]);
		for (uint32_t j = 0; j < na[i] && j < nb[i]; j++)
			CU_ASSERT_EQUAL(after[i][j].id, before[i][j].id);
	}
	fx_close(&f);
	alx_test_db_close(&k);
}

/* ---- old snapshots: removed ids on request ---------------------------- */

static int reclaim_mod20(void *arg, uint64_t id)
{
	(*(int *)arg)++;
	return id % 20 == 0;
}

static void removed_case(const char *kind)
{
	const uint32_t n = 2000;
	struct fx f;
	alopex_diag d;
	fx_create(&f, kind, rt, 64, ALOPEX_METRIC_L2, NULL, NULL);
	fx_build(&f, &plain, n, NULL);
	CU_ASSERT(f.ops->caps & ALOPEX_INDEX_SNAPSHOTS);
	CU_ASSERT_FATAL(HAS_OP(f.ops, vacuum_some));
	const uint32_t incl = ALOPEX_INDEX_QUERY_INCLUDE_REMOVED;
	for (uint64_t id = 0; id < n; id += 10)
		CU_ASSERT_EQUAL(f.ops->remove(f.idx, NULL, id, &d), 0);
	/* Not returned, unless asked for; a filter still decides. */
	int plainhits = 0, inclhits = 0, filtered = 0;
	for (uint64_t id = 0; id < n; id += 10) {
		plainhits += returns(&f, id, vec_of(id), 0);
		inclhits += finds(&f, id, vec_of(id), incl);
		struct sel odd = {10, 5, 0};
		struct alopex_index_query q = {sizeof(q), vec_of(id), K,   64,
					       keep_sel,  &odd,	      incl};
		struct alopex_index_result r[K];
		uint32_t got = 0;
		CU_ASSERT_EQUAL(f.ops->search(f.idx, &q, r, &got, &d), 0);
		CU_ASSERT_EQUAL(got, K);
		for (uint32_t j = 0; j < got; j++)
			filtered += r[j].id % 10 != 5;
	}
	CU_ASSERT_EQUAL(plainhits, 0);
	CU_ASSERT(inclhits >= 198);
	CU_ASSERT_EQUAL(filtered, 0);
	/* An insert that never committed is never offered. */
	CU_ASSERT_EQUAL(f.ops->insert(f.idx, NULL, 9000, plain.query, &d), 0);
	f.ops->forget(f.idx, 9000);
	CU_ASSERT(!returns(&f, 9000, plain.query, incl));
	/* Removed and inserted again (an UPDATE): both vectors found. */
	CU_ASSERT_EQUAL(f.ops->remove(f.idx, NULL, 7, &d), 0);
	CU_ASSERT_EQUAL(f.ops->insert(f.idx, NULL, 7, plain.query + 64, &d), 0);
	CU_ASSERT(finds(&f, 7, vec_of(7), incl));
	CU_ASSERT(!finds(&f, 7, vec_of(7), 0));
	CU_ASSERT(finds(&f, 7, plain.query + 64, 0));

	/* Reclaim only what the caller says no snapshot needs. */
	int asked = 0;
	CU_ASSERT_EQUAL(
		f.ops->vacuum_some(f.idx, NULL, reclaim_mod20, &asked, &d), 0);
	CU_ASSERT(asked >= 200);
	struct alopex_index_stats st = {.size = sizeof(st)};
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.deleted, 101); /* ids 10 mod 20, and 7's old */
	CU_ASSERT_EQUAL(st.count, n - 200);
	inclhits = 0;
	for (uint64_t id = 0; id < n; id += 10) {
		if (id % 20 == 0) {
			CU_ASSERT(!returns(&f, id, vec_of(id), incl));
		} else {
			inclhits += finds(&f, id, vec_of(id), incl);
		}
	}
	CU_ASSERT(inclhits >= 99);
	CU_ASSERT(finds(&f, 7, vec_of(7), incl));
	/* Then everything. */
	CU_ASSERT_EQUAL(f.ops->vacuum_some(f.idx, NULL, NULL, NULL, &d), 0);
	f.ops->stats(f.idx, &st);
	CU_ASSERT_EQUAL(st.deleted, 0);
	for (uint64_t id = 10; id < n; id += 20)
		CU_ASSERT(!returns(&f, id, vec_of(id), incl));
	CU_ASSERT(!finds(&f, 7, vec_of(7), incl));
	fx_close(&f);
}

static void test_removed_flat(void)
{
	removed_case("flat");
}
static void test_removed_hnsw(void)
{
	removed_case("hnsw");
}

/* ---- options and parameters --------------------------------------------- */

static void test_options(void)
{
	struct fx f;
	fx_plugin(&f, "hnsw", rt);
	const struct alopex_cfg_schema *s = f.ops->build_options;
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.ops->query_options);
	CU_ASSERT_STRING_EQUAL(f.ops->query_options->fields[0].key,
			       "ef_search");
	int64_t o[2];
	alopex_diag d;
	const char *t = " m = 8 , ef_construction='100' ";
	CU_ASSERT_EQUAL(alx_vindex_options_parse(s, t, strlen(t), o, &d), 0);
	CU_ASSERT_EQUAL(o[0], 8);
	CU_ASSERT_EQUAL(o[1], 100);
	CU_ASSERT_EQUAL(alx_vindex_options_parse(s, NULL, 0, o, &d), 0);
	CU_ASSERT_EQUAL(o[0], 16);
	CU_ASSERT_EQUAL(o[1], 64);
	t = "m=1";
	CU_ASSERT_EQUAL(alx_vindex_options_parse(s, t, strlen(t), o, &d),
			ALOPEX_EINVAL);
	CU_ASSERT_STRING_EQUAL(d.message, "value 1 out of bounds for option "
					  "\"m\" (valid range 2 to 100)");
	t = "m=8,lists=3";
	CU_ASSERT_EQUAL(alx_vindex_options_parse(s, t, strlen(t), o, &d),
			ALOPEX_EINVAL);
	CU_ASSERT_STRING_EQUAL(d.message, "unrecognized parameter \"lists\"");
	t = "m=eight";
	CU_ASSERT_EQUAL(alx_vindex_options_parse(s, t, strlen(t), o, &d),
			ALOPEX_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.message, "\"m\""));

	/* Planner helpers: operator class and ORDER BY function. */
	CU_ASSERT_EQUAL(alx_vindex_metric_of_opclass(NULL), ALOPEX_METRIC_L2);
	CU_ASSERT_EQUAL(alx_vindex_metric_of_opclass("vector_cosine_ops"),
			ALOPEX_METRIC_COSINE);
	CU_ASSERT_EQUAL(alx_vindex_metric_of_opclass("vector_ip_ops"),
			ALOPEX_METRIC_IP);
	CU_ASSERT_EQUAL(alx_vindex_metric_of_opclass("int4_ops"), 0);
	CU_ASSERT_EQUAL(alx_vindex_metric_of_func("l2_distance", NULL),
			ALOPEX_METRIC_L2);
	CU_ASSERT_EQUAL(
		alx_vindex_metric_of_func("negative_inner_product", NULL),
		ALOPEX_METRIC_IP);
	CU_ASSERT_EQUAL(alx_vindex_metric_of_func("inner_product", NULL), 0);
	CU_ASSERT_EQUAL(alx_vindex_metric_of_func("vector_distance", "cosine"),
			ALOPEX_METRIC_COSINE);
	CU_ASSERT_EQUAL(alx_vindex_metric_of_func("vector_distance", NULL), 0);

	/* ef_construction below 2 * m is refused at create. */
	t = "m=32, ef_construction=40";
	CU_ASSERT_EQUAL(alx_vindex_options_parse(s, t, strlen(t), o, &d), 0);
	struct alopex_index_params prm = {sizeof(prm), 8, ALOPEX_METRIC_L2, o};
	void *idx = NULL;
	CU_ASSERT_EQUAL(f.ops->create(f.inst, &prm, NULL, &idx, &d),
			ALOPEX_EINVAL);
	CU_ASSERT_STRING_EQUAL(d.message, "ef_construction must be greater "
					  "than or equal to 2 * m");
	prm.options = NULL;
	prm.metric = 9;
	CU_ASSERT_EQUAL(f.ops->create(f.inst, &prm, NULL, &idx, &d),
			ALOPEX_EINVAL);
	CU_ASSERT_PTR_NULL(idx);

	/* Cosine cannot index a zero vector; a zero query finds nothing. */
	prm.metric = ALOPEX_METRIC_COSINE;
	CU_ASSERT_EQUAL_FATAL(f.ops->create(f.inst, &prm, NULL, &idx, &d), 0);
	float zero[8] = {0}, one[8] = {1, 0, 0, 0, 0, 0, 0, 0};
	CU_ASSERT_EQUAL(f.ops->insert(idx, NULL, 1, zero, &d), ALOPEX_EINVAL);
	CU_ASSERT_EQUAL(f.ops->insert(idx, NULL, 2, one, &d), 0);
	struct alopex_index_result r[1];
	struct alopex_index_query q = {sizeof(q), zero, 1, 0, NULL, NULL, 0};
	uint32_t n = 9;
	CU_ASSERT_EQUAL(f.ops->search(idx, &q, r, &n, &d), 0);
	CU_ASSERT_EQUAL(n, 0);
	q.vec = one;
	CU_ASSERT_EQUAL(f.ops->search(idx, &q, r, &n, &d), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(r[0].id, 2);
	CU_ASSERT_DOUBLE_EQUAL(r[0].distance, 0, 1e-6);
	f.ops->close(idx);
	f.p->fini(f.inst);
}

static const struct alx_test_case cases[] = {
	{"recall_flat_l2", test_recall_flat_l2},
	{"recall_flat_cosine", test_recall_flat_cosine},
	{"recall_flat_ip", test_recall_flat_ip},
	{"recall_hnsw_l2", test_recall_hnsw_l2},
	{"recall_hnsw_cosine", test_recall_hnsw_cosine},
	{"recall_hnsw_ip", test_recall_hnsw_ip},
	{"remove_flat", test_remove_flat},
	{"remove_hnsw", test_remove_hnsw},
	{"filter_flat", test_filter_flat},
	{"filter_hnsw", test_filter_hnsw},
	{"persist_flat", test_persist_flat},
	{"persist_hnsw", test_persist_hnsw},
	{"concurrent_flat", test_concurrent_flat},
	{"concurrent_hnsw", test_concurrent_hnsw},
	{"txn_flat_memory", test_txn_flat_memory},
	{"txn_hnsw_memory", test_txn_hnsw_memory},
	{"txn_hnsw_wiredtiger", test_txn_hnsw_wiredtiger},
	{"restart_hnsw", test_restart_hnsw},
	{"removed_flat", test_removed_flat},
	{"removed_hnsw", test_removed_hnsw},
	{"options", test_options},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"vector/index", suite_setup,
					    suite_teardown, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
