/*
 * The vector index scan: the rows of ORDER BY col <op> q LIMIT k from an
 * index search, checked against the statement's snapshot, or an exact
 * scan when the index cannot answer (filter too selective, fewer than k
 * found, a query vector of another size) or there is no index. The TOPK
 * node above still orders the rows by the distance it computes, and
 * applies OFFSET.
 *
 * The exact scan keeps its own bounded top-k of (distance, row copy),
 * computing the distance on the stored float bytes, and hands the TOPK
 * only those k rows: most rows are never decoded nor projected.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_session_int.h"
#include "sql/sql_vector.h"
#include "sql/sql_vindex.h"
#include "vector/vec_kernels.h"

/* Rows read to estimate a filter's selectivity: SAMPLE_RUNS runs of
 * SAMPLE_RUN rows spread over the key range. */
#define SAMPLE_RUN 64
#define SAMPLE_RUNS 16
/* Largest k the index answers; above it, the exact scan. */
#define VSCAN_MAX_K 10000

/* A row to emit: its order (for the exact top-k) and a copy of its key
 * and value. */
struct alx_vcand {
	double d;
	uint64_t seq; /* scan position: of equal distances the first wins */
	uint8_t cls;  /* 0 a distance, 1 NaN, 2 NULL (ASC NULLS LAST) */
	uint32_t klen, vlen;
	size_t cap;
	uint8_t *buf; /* key then value; kept for reuse */
};

struct alx_vscan_state {
	bool exact;
	/* the exact scan's top-k is still to be made (topk_k rows) */
	bool topk_pending;
	int64_t topk_k;
	/* rows to emit come from cand[0..ncand) (pos counts) */
	bool from_cand;
	struct alx_vcand *cand;
	uint32_t ncand, capcand;
	uint32_t qdim;
	float *vbuf;		/* a stored vector not 4-aligned, copied */
	struct alx_type *types; /* the table's column types */
	uint32_t ntypes;
	/* LIST: the ids found, closest first */
	struct alopex_index_result *res;
	uint32_t nres, pos;
	/* the filter callback's row and arena */
	struct alx_value *frow;
	struct alx_arena fa;
	int frc; /* an error inside the callback */
	uint64_t fcalls;
	float *qv;
};

static const struct alx_rte *rte_of(const struct alx_node *n)
{
	return n->p->rte;
}

/* Decode the row at key (value val) into row (the RTE's slots). */
static int decode_into(struct alx_node *n, struct alx_arena *a,
		       struct alx_value *row, alopex_slice key,
		       alopex_slice val)
{
	const struct alx_rte *r = rte_of(n);
	int rc = alx_table_decode_row(a, n->p->table, val, row + r->off,
				      n->ex->d);
	if (rc != 0)
		return rc;
	if (r->want_key) {
		uint8_t *k = alx_arena_memdup(a, key.ptr, key.len);
		if (k == NULL)
			return alx_exec_oom(n->ex);
		row[r->key_slot] = alx_value_bytes(ALX_T_BYTEA, k, key.len);
	}
	return 0;
}

/* ---- rows kept to emit ------------------------------------------------ */

/* The order of ORDER BY distance ASC NULLS LAST, then the scan order. */
static int vcand_cmp(const struct alx_vcand *a, const struct alx_vcand *b)
{
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if (a->cls == 0 && a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
}

static int vcand_set(struct alx_exec *ex, struct alx_vcand *c, alopex_slice k,
		     alopex_slice v)
{
	size_t need = k.len + v.len;
	if (need > c->cap) {
		uint8_t *b = alx_realloc(ex->db->rt, c->buf, need);
		if (b == NULL)
			return alx_exec_oom(ex);
		c->buf = b;
		c->cap = need;
	}
	if (k.len > 0)
		memcpy(c->buf, k.ptr, k.len);
	if (v.len > 0)
		memcpy(c->buf + k.len, v.ptr, v.len);
	c->klen = (uint32_t)k.len;
	c->vlen = (uint32_t)v.len;
	return 0;
}

/* Room for n rows; the buffers of earlier ones stay for reuse. */
static int vcand_reserve(struct alx_exec *ex, struct alx_vscan_state *vs,
			 uint32_t n)
{
	if (n <= vs->capcand)
		return 0;
	struct alx_vcand *c =
		alx_realloc(ex->db->rt, vs->cand, (size_t)n * sizeof(*c));
	if (c == NULL)
		return alx_exec_oom(ex);
	memset(c + vs->capcand, 0, (size_t)(n - vs->capcand) * sizeof(*c));
	vs->cand = c;
	vs->capcand = n;
	return 0;
}

static void vcand_free(struct alx_exec *ex, struct alx_vscan_state *vs)
{
	for (uint32_t i = 0; i < vs->capcand; i++)
		alx_free(ex->db->rt, vs->cand[i].buf);
	alx_free(ex->db->rt, vs->cand);
	vs->cand = NULL;
	vs->capcand = vs->ncand = 0;
}

/* Max-heap on vcand_cmp: the root is the worst row kept. */
static void vheap_down(struct alx_vcand *h, uint32_t n, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && vcand_cmp(&h[l], &h[m]) > 0)
			m = l;
		if (r < n && vcand_cmp(&h[r], &h[m]) > 0)
			m = r;
		if (m == i)
			return;
		struct alx_vcand t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void vheap_up(struct alx_vcand *h, uint32_t i)
{
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (vcand_cmp(&h[i], &h[parent]) <= 0)
			return;
		struct alx_vcand t = h[i];
		h[i] = h[parent];
		h[parent] = t;
		i = parent;
	}
}

/* ---- the exact top-k -------------------------------------------------- */

static bool host_le(void)
{
	const uint16_t one = 1;
	uint8_t b;
	memcpy(&b, &one, 1);
	return b == 1;
}

/* The distance the SQL function computes (sql_func.c, sql_vector.c) from
 * the same kernels; *finite false when an element or a sum is not. */
static double vdist(const struct alopex_vector_kernels *kt, uint32_t metric,
		    const float *a, const float *b, uint32_t dim, bool *finite)
{
	if (metric == ALOPEX_METRIC_COSINE) {
		float s[3];
		kt->cosine_parts(a, b, dim, s);
		*finite = isfinite(s[0]) && isfinite(s[1]) && isfinite(s[2]);
		return alx_vec_cosine_from((double)s[0], (double)s[1],
					   (double)s[2]);
	}
	if (metric == ALOPEX_METRIC_IP) {
		float s = kt->dot(a, b, dim);
		*finite = isfinite(s);
		return -(double)s;
	}
	float s = kt->l2sq(a, b, dim);
	*finite = isfinite(s);
	return sqrt((double)s);
}

/*
 * Read every row (in key order), keep the k closest as (distance, scan
 * position, row copy), then sort them. Rows failing the WHERE are dropped
 * first; of equal distances the first read stays, as the TOPK above would
 * keep it.
 */
static int exact_topk(struct alx_node *n)
{
	struct alx_exec *ex = n->ex;
	struct alx_vscan_state *vs = n->vs;
	const struct alx_plan *p = n->p;
	const struct alx_vscan_plan *vp = p->vscan;
	const struct alx_rte *r = rte_of(n);
	const struct alopex_vector_kernels *kt = alx_vec_kernels_detect();
	uint32_t k = (uint32_t)vs->topk_k, have = 0;
	uint64_t seq = 0;
	bool le = host_le();
	int rc = vcand_reserve(ex, vs, k);
	while (rc == 0 && k > 0) {
		if ((rc = alx_exec_tick(ex)) != 0)
			break;
		alopex_slice key, val;
		rc = alx_kv_cursor_next(n->cur, &key, &val);
		if (rc == ALOPEX_DONE) {
			rc = 0;
			break;
		}
		if (rc != ALOPEX_ROW)
			return alx_exec_err(ex, "XX000", "%s",
					    ex->txn->diag.message);
		rc = 0;
		seq++;
		const uint8_t *e = NULL;
		const float *vec = NULL;
		uint32_t dim = 0;
		int found = -1;
		bool decoded = false;
		if (p->nquals == 0 && le)
			found = alx_row_vector(val.ptr, val.len, vs->types,
					       vs->ntypes, vp->col, &e, &dim);
		if (found < 0) {
			alx_arena_reset(&n->rowa);
			if ((rc = decode_into(n, &n->rowa, n->row, key, val)) !=
			    0)
				return rc;
			decoded = true;
			int ok = 1;
			rc = alx_eval_quals(&n->ev, p->quals, p->nquals, &ok);
			if (rc != 0)
				return rc;
			if (!ok)
				continue;
			const struct alx_value *cv = &n->row[r->off + vp->col];
			found = !cv->null;
			if (found) {
				vec = cv->u.vec.ptr;
				dim = cv->u.vec.dim;
			}
		}
		struct alx_vcand c = {.seq = seq, .cls = 2};
		if (found) {
			if (dim != vs->qdim)
				return vp->col_first
					       ? alx_vec_check_dims(
							 dim, vs->qdim, ex->d)
					       : alx_vec_check_dims(vs->qdim,
								    dim, ex->d);
			if (!decoded && ((uintptr_t)e % _Alignof(float)) != 0) {
				memcpy(vs->vbuf, e,
				       (size_t)dim * sizeof(float));
				vec = vs->vbuf;
			} else if (!decoded) {
				vec = (const float *)(const void *)e;
			}
			bool fin;
			c.d = vp->col_first ? vdist(kt, vp->metric, vec, vs->qv,
						    dim, &fin)
					    : vdist(kt, vp->metric, vs->qv, vec,
						    dim, &fin);
			if (!fin && !decoded) {
				/* an element not finite is damage the
				 * decoder reports (else a sum overflowed) */
				alx_arena_reset(&n->rowa);
				rc = decode_into(n, &n->rowa, n->row, key, val);
				if (rc != 0)
					return rc;
			}
			c.cls = isnan(c.d) ? 1 : 0;
		}
		if (have == k && vcand_cmp(&c, &vs->cand[0]) >= 0)
			continue;
		struct alx_vcand *slot = &vs->cand[have < k ? have : 0];
		slot->d = c.d;
		slot->seq = c.seq;
		slot->cls = c.cls;
		if ((rc = vcand_set(ex, slot, key, val)) != 0)
			return rc;
		if (have < k)
			vheap_up(vs->cand, have++);
		else
			vheap_down(vs->cand, have, 0);
	}
	if (rc != 0)
		return rc;
	/* Heap to ascending order: move the worst to the end, repeatedly. */
	for (uint32_t m = have; m > 1; m--) {
		struct alx_vcand t = vs->cand[0];
		vs->cand[0] = vs->cand[m - 1];
		vs->cand[m - 1] = t;
		vheap_down(vs->cand, m - 1, 0);
	}
	vs->ncand = have;
	vs->pos = 0;
	vs->from_cand = true;
	return 0;
}

/*
 * The row with this id passes: visible in the statement's snapshot and
 * matching the WHERE. Runs under the index's read lock: only KV reads.
 */
static int row_passes(struct alx_node *n, uint64_t id)
{
	struct alx_vscan_state *vs = n->vs;
	struct alx_exec *ex = n->ex;
	vs->fcalls++;
	alx_arena_reset(&vs->fa);
	alopex_slice key, val;
	if (alx_vsql_id_key(&vs->fa, n->p->table, id, &key) != 0) {
		vs->frc = alx_exec_oom(ex);
		return 0;
	}
	int rc = alx_kv_txn_get(ex->txn, key, &val);
	if (rc == ALOPEX_ENOTFOUND)
		return 0;
	if (rc == 0 && n->p->nquals == 0)
		return 1;
	if (rc == 0)
		rc = decode_into(n, &vs->fa, vs->frow, key, val);
	int ok = 0;
	if (rc == 0) {
		struct alx_ev ev = {ex, &vs->fa, vs->frow, n->outer};
		rc = alx_eval_quals(&ev, n->p->quals, n->p->nquals, &ok);
	}
	if (rc != 0) {
		if (vs->frc == 0)
			vs->frc = rc < 0 ? rc : ALOPEX_EIO;
		return 0;
	}
	return ok;
}

static int filter_cb(void *arg, uint64_t id)
{
	struct alx_node *n = arg;
	/* after an error, nothing more is admitted: the search ends */
	return n->vs->frc == 0 && row_passes(n, id);
}

/* Quals true on a sample of rows: *sel the share, *nrows read. */
static int estimate(struct alx_node *n, double *sel)
{
	struct alx_exec *ex = n->ex;
	struct alx_vscan_state *vs = n->vs;
	const struct alx_cat_table *t = n->p->table;
	uint8_t pre[ALX_TABLE_PREFIX_LEN], hi[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, t->id, 0);
	alx_table_prefix(hi, t->id, 1);
	uint64_t seen = 0, pass = 0;
	/* Runs from the first key, back from the last, and from ids
	 * between (keys are integers), so that a filter correlated with
	 * the key order is not judged by one end of the table. */
	uint64_t lo_id = 0, hi_id = 0;
	bool have_ids = false;
	for (int run = 0; run < SAMPLE_RUNS; run++) {
		alopex_slice lo = {pre, sizeof(pre)}, up = {hi, sizeof(hi)};
		unsigned fl = run == 1 ? ALOPEX_CURSOR_REVERSE : 0;
		alx_arena_reset(&vs->fa);
		if (run >= 2) {
			if (!have_ids || hi_id <= lo_id)
				break;
			uint64_t id = lo_id + (hi_id - lo_id) /
						      (SAMPLE_RUNS - 1) *
						      (uint64_t)(run - 1);
			if (alx_vsql_id_key(&vs->fa, t, id, &lo) != 0)
				return alx_exec_oom(ex);
		}
		struct alx_kv_cursor *c;
		int rc = alx_kv_cursor_open(ex->txn, lo, up, fl, &c);
		if (rc != 0)
			return alx_exec_err(ex, "XX000", "%s",
					    ex->txn->diag.message);
		alopex_slice k, v;
		uint32_t got = 0;
		while (got < SAMPLE_RUN &&
		       (rc = alx_kv_cursor_next(c, &k, &v)) == ALOPEX_ROW) {
			uint64_t id;
			if (alx_vsql_key_id(t, k, &id) == 0) {
				if (run == 0 && got == 0)
					lo_id = id;
				if (run == 1 && got == 0) {
					hi_id = id;
					have_ids = true;
				}
			}
			got++;
			seen++;
			int ok = 0;
			alopex_slice kk = k;
			rc = decode_into(n, &vs->fa, vs->frow, kk, v);
			if (rc == 0) {
				struct alx_ev ev = {ex, &vs->fa, vs->frow,
						    n->outer};
				rc = alx_eval_quals(&ev, n->p->quals,
						    n->p->nquals, &ok);
			}
			if (rc != 0)
				break;
			pass += ok != 0;
		}
		alx_kv_cursor_close(c);
		if (rc < 0)
			return rc;
		if (run == 0 && got < SAMPLE_RUN)
			break; /* the whole table was read */
	}
	*sel = seen ? (double)pass / (double)seen : 1.0;
	return 0;
}

/* Whether an exact scan beats a filtered traversal at this selectivity. */
bool alx_vscan_exact_wins(double sel, uint64_t nrows, uint32_t ef, uint64_t k)
{
	double want = ef > k ? ef : (double)k;
	/* A traversal reads about want / sel rows by random lookups; the
	 * exact scan reads every row in order (about 4x cheaper each). */
	if (sel <= 0)
		return true;
	double trav = want / sel * 4.0, scan = (double)nrows;
	return sel < 0.02 || trav > scan;
}

/* Largest k the exact scan keeps a top-k for; above, the TOPK does. */
#define VSCAN_TOPK_MAX (1u << 20)

/* The exact scan over every row; with its own top-k when only the
 * distance orders and the query vector and k are known. */
static int start_exact(struct alx_node *n, const struct alx_value *qv,
		       int64_t k)
{
	struct alx_vscan_state *vs = n->vs;
	const struct alx_vscan_plan *vp = n->p->vscan;
	const struct alx_cat_table *t = n->p->table;
	vs->exact = true;
	vs->from_cand = false;
	vs->ncand = vs->pos = 0;
	vs->topk_pending = vp->topk && k >= 0 && k <= VSCAN_TOPK_MAX &&
			   qv != NULL && !qv->null &&
			   qv->type == ALX_T_VECTOR && vp->metric != 0;
	if (vs->topk_pending) {
		vs->topk_k = k;
		vs->qdim = qv->u.vec.dim;
		size_t bytes = ((size_t)vs->qdim + 1) * sizeof(float);
		vs->qv = alx_arena_alloc(&n->keep, bytes);
		vs->vbuf = alx_arena_alloc(&n->keep, bytes);
		if (vs->types == NULL)
			vs->types = alx_arena_alloc(
				&n->keep, (t->ncols + 1) * sizeof(*vs->types));
		if (vs->qv == NULL || vs->vbuf == NULL || vs->types == NULL)
			return alx_exec_oom(n->ex);
		if (vs->qdim > 0)
			memcpy(vs->qv, qv->u.vec.ptr,
			       (size_t)vs->qdim * sizeof(float));
		for (uint32_t i = 0; i < t->ncols; i++)
			vs->types[i] = t->cols[i].type;
		vs->ntypes = t->ncols;
		if (k == 0) {
			/* LIMIT 0: nothing, as from the index */
			vs->topk_pending = false;
			vs->from_cand = true;
			return 0;
		}
	}
	uint8_t pre[ALX_TABLE_PREFIX_LEN], hi[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, t->id, 0);
	alx_table_prefix(hi, t->id, 1);
	alopex_slice lo = {pre, sizeof(pre)}, up = {hi, sizeof(hi)};
	int rc = alx_kv_cursor_open(n->ex->txn, lo, up, 0, &n->cur);
	if (rc != 0)
		return alx_exec_err(n->ex, "XX000", "%s",
				    n->ex->txn->diag.message);
	return 0;
}

static int eval_k(struct alx_node *n, const struct alx_bx *e, int64_t *out)
{
	*out = 0;
	if (e == NULL)
		return 0;
	struct alx_value v;
	struct alx_ev ev = n->ev;
	ev.row = NULL;
	int rc = alx_eval(&ev, e, &v);
	if (rc != 0)
		return rc;
	*out = v.null ? -1 : v.u.i;
	return 0;
}

/* Whether the index can offer removed ids to a snapshot that still sees
 * them, and has some. The stats call can cost a pass over the index: it
 * is skipped while no remove happened since one reported none. */
static bool wants_removed(struct alx_vidx *v)
{
	if (!(v->ops->caps & ALOPEX_INDEX_SNAPSHOTS))
		return false;
	uint64_t r = atomic_load(&v->nremoves);
	if (atomic_load(&v->clean_at) == r)
		return false;
	struct alopex_index_stats st = {.size = sizeof(st)};
	if (v->ops->stats(v->index, &st) != 0)
		return false;
	if (st.deleted == 0)
		atomic_store(&v->clean_at, r);
	return st.deleted > 0;
}

static int search(struct alx_node *n, struct alx_vidx *v, uint32_t k,
		  uint32_t ef, bool filtered)
{
	struct alx_vscan_state *vs = n->vs;
	struct alopex_index_query q = {
		.size = sizeof(q),
		.vec = vs->qv,
		.k = k,
		.ef = ef,
		.filter = filtered ? filter_cb : NULL,
		.filter_arg = filtered ? n : NULL,
	};
	/* Rows removed by transactions this snapshot does not see are
	 * still its rows: let the (visibility) filter decide. */
	if (filtered && wants_removed(v))
		q.flags = ALOPEX_INDEX_QUERY_INCLUDE_REMOVED;
	alopex_diag pd;
	alx_diag_clear(&pd);
	uint32_t got = 0;
	vs->frc = 0;
	int rc = v->ops->search(v->index, &q, vs->res, &got, &pd);
	if (vs->frc != 0)
		return vs->frc;
	if (rc != 0)
		return alx_exec_err(n->ex, "XX000", "vector index search: %s",
				    pd.message);
	/* An id removed and inserted again may come twice: once is enough
	 * (the row is fetched by id, its distance computed above). */
	uint32_t out = 0;
	for (uint32_t i = 0; i < got; i++) {
		bool dup = false;
		for (uint32_t j = 0; j < out && !dup; j++)
			dup = vs->res[j].id == vs->res[i].id;
		if (!dup)
			vs->res[out++] = vs->res[i];
	}
	vs->nres = out;
	vs->pos = 0;
	return 0;
}

/* After a plain search: the rows of the ids found, kept for next; *all
 * false when one of them is not in the statement's snapshot. */
static int fetch_found(struct alx_node *n, bool *all)
{
	struct alx_exec *ex = n->ex;
	struct alx_vscan_state *vs = n->vs;
	*all = true;
	int rc = vcand_reserve(ex, vs, vs->nres);
	for (uint32_t i = 0; rc == 0 && i < vs->nres; i++) {
		alx_arena_reset(&vs->fa);
		alopex_slice key, val;
		if (alx_vsql_id_key(&vs->fa, n->p->table, vs->res[i].id,
				    &key) != 0)
			return alx_exec_oom(ex);
		rc = alx_kv_txn_get(ex->txn, key, &val);
		if (rc == ALOPEX_ENOTFOUND) {
			*all = false;
			return 0;
		}
		if (rc != 0)
			return alx_exec_kv_err(ex, rc);
		rc = vcand_set(ex, &vs->cand[i], key, val);
	}
	if (rc != 0)
		return rc;
	vs->ncand = vs->nres;
	vs->from_cand = true;
	vs->pos = 0;
	return 0;
}

int alx_exec_vscan_open(struct alx_node *n)
{
	struct alx_exec *ex = n->ex;
	const struct alx_plan *p = n->p;
	const struct alx_vscan_plan *vp = p->vscan;
	alx_kv_cursor_close(n->cur);
	n->cur = NULL;
	alx_arena_reset(&n->rowa);
	if (n->vs == NULL) {
		n->vs = alx_arena_calloc(&n->keep, 1, sizeof(*n->vs));
		if (n->vs == NULL)
			return alx_exec_oom(ex);
		alx_arena_init(&n->vs->fa, ex->db->rt, 0);
		n->vs->frow = alx_arena_calloc(&n->keep, p->width + 1,
					       sizeof(struct alx_value));
		if (n->vs->frow == NULL)
			return alx_exec_oom(ex);
	}
	struct alx_vscan_state *vs = n->vs;
	vs->exact = vs->from_cand = vs->topk_pending = false;
	vs->nres = vs->pos = vs->ncand = 0;
	struct alx_vreg *reg =
		ex->s && p->index != NULL ? alx_sql_db_vreg(ex->s->sdb) : NULL;

	int64_t lim, off;
	int rc = eval_k(n, p->limit, &lim);
	if (rc == 0)
		rc = eval_k(n, p->offset, &off);
	if (rc != 0)
		return rc;
	int64_t k = lim < 0 || off < 0 ? -1 : lim + off;
	struct alx_value qv;
	struct alx_ev ev = n->ev;
	ev.row = NULL;
	rc = alx_eval(&ev, vp->query, &qv);
	if (rc != 0)
		return rc;
	const struct alx_cat_table *t = p->table;
	struct alx_vidx *v = NULL;
	if (p->index == NULL)
		return start_exact(n, &qv, k); /* no index: exact */
	if (reg == NULL || k < 0 || k > VSCAN_MAX_K || qv.null ||
	    qv.type != ALX_T_VECTOR)
		goto exact;
	if (k == 0)
		return 0; /* LIMIT 0: nothing */
	rc = alx_vsql_acquire(ex->s, t, p->index, &v, ex->d);
	if (rc != 0)
		return rc;
	if (qv.u.vec.dim != v->dim)
		goto exact; /* the distance function reports it */
	vs->qv = alx_arena_alloc(&n->keep, v->dim * sizeof(float));
	vs->res = alx_arena_alloc(&n->keep, (size_t)k * sizeof(*vs->res));
	if (vs->qv == NULL || vs->res == NULL) {
		alx_vidx_release(v);
		return alx_exec_oom(ex);
	}
	memcpy(vs->qv, qv.u.vec.ptr, v->dim * sizeof(float));
	uint32_t ef = alx_vsql_ef_search(ex->s);
	if (p->nquals > 0) {
		/* estimated again each time: the rows and the parameters
		 * change, the plan stays */
		double sel;
		rc = estimate(n, &sel);
		if (rc != 0)
			goto fail;
		struct alopex_index_stats st = {.size = sizeof(st)};
		v->ops->stats(v->index, &st);
		if (alx_vscan_exact_wins(sel, st.count, ef, (uint64_t)k))
			goto exact;
		rc = search(n, v, (uint32_t)k, ef, true);
	} else {
		/* Most results are visible: search plainly, then check;
		 * search again with the check inside only when needed. */
		rc = search(n, v, (uint32_t)k, ef, false);
		bool all = rc == 0 && !wants_removed(v);
		/* the rows are kept: next does not read them again */
		if (all)
			rc = fetch_found(n, &all);
		if (rc == 0 && !all) {
			vs->from_cand = false;
			rc = search(n, v, (uint32_t)k, ef, true);
		}
	}
	if (rc != 0)
		goto fail;
	if (vs->nres < (uint32_t)k)
		goto exact; /* fewer than k found: maybe fewer exist */
	alx_vidx_release(v);
	alx_vreg_note(reg, false);
	return 0;
exact:
	alx_vidx_release(v);
	if (reg != NULL)
		alx_vreg_note(reg, true);
	return start_exact(n, &qv, k);
fail:
	alx_vidx_release(v);
	return rc;
}

int alx_exec_vscan_next(struct alx_node *n, const struct alx_value **row)
{
	struct alx_exec *ex = n->ex;
	struct alx_vscan_state *vs = n->vs;
	for (;;) {
		int rc = alx_exec_tick(ex);
		if (rc != 0)
			return rc;
		alx_arena_reset(&n->rowa);
		alopex_slice k, v;
		if (vs->topk_pending) {
			vs->topk_pending = false;
			if ((rc = exact_topk(n)) != 0)
				return rc;
		}
		if (vs->from_cand) {
			/* rows already checked: the snapshot's, passing the
			 * WHERE (the index's are fetched only without one) */
			if (vs->pos >= vs->ncand)
				return ALOPEX_DONE;
			const struct alx_vcand *c = &vs->cand[vs->pos++];
			k = (alopex_slice){c->buf, c->klen};
			v = (alopex_slice){c->buf + c->klen, c->vlen};
			rc = decode_into(n, &n->rowa, n->row, k, v);
			if (rc != 0)
				return rc;
			*row = n->row;
			return ALOPEX_ROW;
		}
		if (vs->exact) {
			rc = alx_kv_cursor_next(n->cur, &k, &v);
			if (rc == ALOPEX_DONE)
				return rc;
			if (rc != ALOPEX_ROW)
				return alx_exec_err(ex, "XX000", "%s",
						    ex->txn->diag.message);
		} else {
			if (vs->pos >= vs->nres)
				return ALOPEX_DONE;
			uint64_t id = vs->res[vs->pos++].id;
			if (alx_vsql_id_key(&n->rowa, n->p->table, id, &k) != 0)
				return alx_exec_oom(ex);
			rc = alx_kv_txn_get(ex->txn, k, &v);
			if (rc == ALOPEX_ENOTFOUND)
				continue;
			if (rc != 0)
				return alx_exec_err(ex, "XX000", "%s",
						    ex->txn->diag.message);
		}
		rc = decode_into(n, &n->rowa, n->row, k, v);
		if (rc != 0)
			return rc;
		int ok = 1;
		rc = alx_eval_quals(&n->ev, n->p->quals, n->p->nquals, &ok);
		if (rc != 0)
			return rc;
		if (ok) {
			*row = n->row;
			return ALOPEX_ROW;
		}
	}
}

void alx_exec_vscan_close(struct alx_node *n)
{
	alx_kv_cursor_close(n->cur);
	n->cur = NULL;
	if (n->vs != NULL) {
		vcand_free(n->ex, n->vs);
		alx_arena_fini(&n->vs->fa);
		n->vs = NULL;
	}
}

int alx_vscan_estimate_now(struct alx_bind_ctx *b, const struct alx_plan *scan,
			   double *sel, uint64_t *nrows)
{
	struct alx_session *s = b->s;
	struct alx_kv_txn *own = NULL, *txn = s->txn;
	int rc = 0;
	if (txn == NULL) {
		rc = alx_kv_txn_begin(s->db, ALX_KV_TXN_READONLY, &own, b->d);
		if (rc != 0)
			return rc;
		txn = own;
	}
	struct alx_exec ex = {0};
	ex.s = s;
	ex.db = s->db;
	ex.txn = txn;
	ex.a = b->a;
	ex.fmt = &s->fmt;
	ex.d = b->d;
	ex.cat = b->cat;
	ex.txn_ts = ex.stmt_ts = alx_session_clock();
	struct alx_node n = {0};
	n.p = scan;
	n.ex = &ex;
	n.ev.ex = &ex;
	n.ev.a = b->a;
	struct alx_vscan_state vs = {0};
	alx_arena_init(&vs.fa, s->db->rt, 0);
	vs.frow = alx_arena_calloc(b->a, scan->width + 1, sizeof(*vs.frow));
	n.vs = &vs;
	rc = vs.frow ? estimate(&n, sel) : alx_exec_oom(&ex);
	alx_arena_fini(&vs.fa);
	alx_kv_txn_rollback(own);
	(void)nrows;
	return rc;
}
