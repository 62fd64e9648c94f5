/* Hash tables of rows, aggregation, DISTINCT, INTERSECT and EXCEPT. */
#include <stdio.h>
#include <string.h>

#include "db/db_internal.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_interval.h"
#include "sql/sql_numeric.h"

/* ---- hash table ---------------------------------------------------------------- */

struct alx_htab {
	struct alx_exec *ex;
	struct alx_arena *a;
	uint32_t nkey;
	struct alx_htab_entry **buckets;
	uint32_t nbuckets, count;
	struct alx_htab_entry *first, *last;
};

uint64_t alx_row_hash(const struct alx_value *v, uint32_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ alx_value_hash(&v[i])) * 0x100000001b3ull;
	return h;
}

bool alx_row_equal(const struct alx_value *a, const struct alx_value *b,
		   uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (a[i].null || b[i].null) {
			if (a[i].null != b[i].null)
				return false;
			continue;
		}
		if (alx_value_cmp(&a[i], &b[i]) != 0)
			return false;
	}
	return true;
}

struct alx_htab *alx_htab_create(struct alx_exec *ex, struct alx_arena *a,
				 uint32_t nkey)
{
	struct alx_htab *h = alx_arena_calloc(a, 1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->ex = ex;
	h->a = a;
	h->nkey = nkey;
	h->nbuckets = 64;
	/* Buckets live in the arena too: tables die with their node. */
	h->buckets = alx_arena_calloc(a, h->nbuckets, sizeof(*h->buckets));
	return h->buckets ? h : NULL;
}

void alx_htab_destroy(struct alx_htab *h)
{
	(void)h;
}

static int grow(struct alx_htab *h)
{
	uint32_t nb = h->nbuckets * 2;
	struct alx_htab_entry **b = alx_arena_calloc(h->a, nb, sizeof(*b));
	if (b == NULL)
		return alx_exec_oom(h->ex);
	for (struct alx_htab_entry *e = h->first; e != NULL; e = e->list) {
		uint32_t i = (uint32_t)(e->hash & (nb - 1));
		e->next = b[i];
		b[i] = e;
	}
	h->buckets = b;
	h->nbuckets = nb;
	return 0;
}

static int insert(struct alx_htab *h, const struct alx_value *key,
		  uint64_t hash, struct alx_htab_entry **out)
{
	if (h->count >= h->nbuckets) {
		int rc = grow(h);
		if (rc != 0)
			return rc;
	}
	struct alx_htab_entry *e = alx_arena_calloc(h->a, 1, sizeof(*e));
	struct alx_value *k = alx_arena_alloc(h->a, (h->nkey + 1) * sizeof(*k));
	if (e == NULL || k == NULL)
		return alx_exec_oom(h->ex);
	for (uint32_t i = 0; i < h->nkey; i++)
		if (alx_value_copy(h->a, &key[i], &k[i]) != 0)
			return alx_exec_oom(h->ex);
	e->hash = hash;
	e->key = k;
	uint32_t i = (uint32_t)(hash & (h->nbuckets - 1));
	e->next = h->buckets[i];
	h->buckets[i] = e;
	if (h->last != NULL)
		h->last->list = e;
	else
		h->first = e;
	h->last = e;
	h->count++;
	*out = e;
	return 0;
}

int alx_htab_get(struct alx_htab *h, const struct alx_value *key, bool create,
		 struct alx_htab_entry **out, bool *created)
{
	uint64_t hash = alx_row_hash(key, h->nkey);
	*created = false;
	for (struct alx_htab_entry *e = h->buckets[hash & (h->nbuckets - 1)];
	     e != NULL; e = e->next) {
		if (e->hash == hash && alx_row_equal(e->key, key, h->nkey)) {
			*out = e;
			return 0;
		}
	}
	if (!create) {
		*out = NULL;
		return 0;
	}
	*created = true;
	return insert(h, key, hash, out);
}

struct alx_htab_entry *alx_htab_next_same(struct alx_htab *h,
					  struct alx_htab_entry *e,
					  const struct alx_value *key)
{
	(void)h;
	uint64_t hash = e->hash;
	for (e = e->next; e != NULL; e = e->next)
		if (e->hash == hash && alx_row_equal(e->key, key, h->nkey))
			return e;
	return NULL;
}

int alx_htab_add(struct alx_htab *h, const struct alx_value *key,
		 struct alx_htab_entry **out)
{
	return insert(h, key, alx_row_hash(key, h->nkey), out);
}

struct alx_htab_entry *alx_htab_first(struct alx_htab *h)
{
	return h->first;
}

void alx_exec_node_free_rows(struct alx_node *n)
{
	if (n->heap != NULL) {
		for (uint32_t i = 0; i < n->nrows; i++)
			alx_rowblob_free(n->ex, n->heap[i]);
		alx_free(n->ex->db->rt, n->heap);
		n->heap = NULL;
	}
	alx_htab_destroy(n->ht);
	n->ht = NULL;
	n->groups = NULL;
	n->rows = NULL;
	n->nrows = n->cap = n->pos = 0;
	n->lrow = NULL;
	n->chain = NULL;
	alx_arena_reset(&n->keep);
}

/* ---- aggregation ---------------------------------------------------------------- */

struct sagg_item {
	struct alx_value val, delim;
	struct alx_value *keys; /* the aggregate's norder keys */
};

struct agg_state {
	int64_t count;
	bool has;
	__int128 i;
	double f;
	struct alx_value v;
	struct alx_buf str;
	/* string_agg with ORDER BY: the rows, sorted when the group ends */
	struct sagg_item *items;
	uint32_t nitems, capitems;
	struct alx_htab *seen; /* DISTINCT */
	float *vec;
	uint32_t dim;
};

/* One row of an ordered string_agg: value, delimiter and keys copied into
 * the group's memory. */
static int sagg_add(struct alx_node *n, struct alx_ev *ev,
		    const struct alx_agg *ag, struct agg_state *st,
		    const struct alx_value *v)
{
	if (st->nitems == st->capitems) {
		uint32_t cap = st->capitems ? st->capitems * 2 : 16;
		struct sagg_item *p =
			alx_arena_alloc(&n->keep, cap * sizeof(*p));
		if (p == NULL)
			return alx_exec_oom(n->ex);
		if (st->nitems > 0)
			memcpy(p, st->items, st->nitems * sizeof(*p));
		st->items = p;
		st->capitems = cap;
	}
	struct sagg_item *it = &st->items[st->nitems];
	struct alx_value x;
	int rc = alx_value_copy(&n->keep, v, &it->val);
	if (rc == 0)
		rc = alx_eval(ev, ag->arg2, &x);
	if (rc == 0)
		rc = alx_value_copy(&n->keep, &x, &it->delim);
	if (rc != 0)
		return rc;
	it->keys = alx_arena_alloc(&n->keep, ag->norder * sizeof(*it->keys));
	if (it->keys == NULL)
		return alx_exec_oom(n->ex);
	for (uint32_t k = 0; k < ag->norder; k++) {
		rc = alx_eval(ev, ag->order[k], &x);
		if (rc == 0)
			rc = alx_value_copy(&n->keep, &x, &it->keys[k]);
		if (rc != 0)
			return rc;
	}
	st->nitems++;
	st->has = true;
	return 0;
}

static int sagg_cmp(const struct alx_agg *ag, const struct sagg_item *x,
		    const struct sagg_item *y)
{
	for (uint32_t k = 0; k < ag->norder; k++) {
		const struct alx_value *a = &x->keys[k], *b = &y->keys[k];
		int c;
		if (a->null || b->null)
			c = a->null == b->null		    ? 0
			    : a->null == ag->nulls_first[k] ? -1
							    : 1;
		else
			c = ag->order_desc[k] ? -alx_value_cmp(a, b)
					      : alx_value_cmp(a, b);
		if (c != 0)
			return c;
	}
	return 0;
}

/* Stable merge sort, then the values joined as unordered string_agg does
 * (each value after the first preceded by its row's delimiter). */
static int sagg_final(struct alx_node *n, const struct alx_agg *ag,
		      struct agg_state *st, struct alx_value *out)
{
	uint32_t m = st->nitems;
	struct sagg_item *a = st->items, *t = NULL;
	if (m > 1) {
		t = alx_arena_alloc(&n->rowa, m * sizeof(*t));
		if (t == NULL)
			return alx_exec_oom(n->ex);
	}
	for (uint32_t w = 1; w < m; w *= 2) {
		for (uint32_t lo = 0; lo < m; lo += 2 * w) {
			uint32_t mid = lo + w < m ? lo + w : m;
			uint32_t hi = lo + 2 * w < m ? lo + 2 * w : m;
			uint32_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				t[k++] = sagg_cmp(ag, &a[j], &a[i]) < 0
						 ? a[j++]
						 : a[i++];
			while (i < mid)
				t[k++] = a[i++];
			while (j < hi)
				t[k++] = a[j++];
		}
		memcpy(a, t, m * sizeof(*a));
	}
	struct alx_buf b;
	alx_buf_init(&b, &n->rowa);
	for (uint32_t i = 0; i < m; i++) {
		const struct alx_value *d = &a[i].delim;
		if (i > 0 && !d->null &&
		    alx_buf_append(&b, d->u.s.ptr, d->u.s.len) != 0)
			return alx_exec_oom(n->ex);
		if (alx_buf_append(&b, a[i].val.u.s.ptr, a[i].val.u.s.len) != 0)
			return alx_exec_oom(n->ex);
	}
	*out = alx_value_bytes(ALX_T_TEXT, b.ptr ? b.ptr : (const uint8_t *)"",
			       b.len);
	return 0;
}

static int agg_update(struct alx_node *n, const struct alx_agg *ag,
		      struct agg_state *st, const struct alx_value *row)
{
	struct alx_ev ev = n->ev;
	ev.row = row;
	int rc;
	if (ag->filter != NULL) {
		int ok;
		rc = alx_eval_cond(&ev, ag->filter, &ok);
		if (rc != 0 || !ok)
			return rc;
	}
	if (ag->kind == ALX_AGG_COUNT_STAR) {
		st->count++;
		return 0;
	}
	struct alx_value v;
	rc = alx_eval(&ev, ag->arg, &v);
	if (rc != 0)
		return rc;
	if (v.null)
		return 0;
	if (ag->distinct) {
		if (st->seen == NULL) {
			st->seen = alx_htab_create(n->ex, &n->keep, 1);
			if (st->seen == NULL)
				return alx_exec_oom(n->ex);
		}
		struct alx_htab_entry *e;
		bool created;
		rc = alx_htab_get(st->seen, &v, true, &e, &created);
		if (rc != 0 || !created)
			return rc;
	}
	st->count++;
	switch (ag->kind) {
	case ALX_AGG_COUNT:
		return 0;
	case ALX_AGG_SUM:
	case ALX_AGG_AVG:
		switch (v.type) {
		case ALX_T_INT2:
		case ALX_T_INT4:
		case ALX_T_INT8:
			st->i += v.u.i;
			break;
		case ALX_T_FLOAT4:
		case ALX_T_FLOAT8:
			st->f += v.u.f;
			break;
		case ALX_T_VECTOR:
			if (!st->has) {
				st->dim = v.u.vec.dim;
				st->vec = alx_arena_calloc(
					&n->keep, st->dim + 1, sizeof(float));
				if (st->vec == NULL)
					return alx_exec_oom(n->ex);
			} else if (st->dim != v.u.vec.dim) {
				return alx_exec_err(n->ex, "22000",
						    "different vector "
						    "dimensions %u and %u",
						    st->dim, v.u.vec.dim);
			}
			for (uint32_t i = 0; i < st->dim; i++)
				st->vec[i] += v.u.vec.ptr[i];
			break;
		default: /* NUMERIC */
			if (!st->has) {
				rc = alx_value_copy(&n->keep, &v, &st->v);
			} else {
				struct alx_value s;
				rc = alx_value_binop(&n->keep, ALX_OP_ADD,
						     &st->v, &v, &s, n->ex->d);
				st->v = s;
			}
			if (rc != 0)
				return rc;
		}
		st->has = true;
		return 0;
	case ALX_AGG_MIN:
	case ALX_AGG_MAX: {
		int c = st->has ? alx_value_cmp(&v, &st->v) : 0;
		if (!st->has || (ag->kind == ALX_AGG_MIN ? c < 0 : c > 0)) {
			rc = alx_value_copy(&n->keep, &v, &st->v);
			if (rc != 0)
				return alx_exec_oom(n->ex);
			st->has = true;
		}
		return 0;
	}
	case ALX_AGG_BOOL_AND:
	case ALX_AGG_BOOL_OR:
		if (!st->has)
			st->v = v;
		else if (ag->kind == ALX_AGG_BOOL_AND)
			st->v.u.b = st->v.u.b && v.u.b;
		else
			st->v.u.b = st->v.u.b || v.u.b;
		st->has = true;
		return 0;
	case ALX_AGG_STRING_AGG: {
		if (ag->norder > 0)
			return sagg_add(n, &ev, ag, st, &v);
		if (!st->has) {
			alx_buf_init(&st->str, &n->keep);
		} else {
			struct alx_value dl;
			rc = alx_eval(&ev, ag->arg2, &dl);
			if (rc != 0)
				return rc;
			if (!dl.null && alx_buf_append(&st->str, dl.u.s.ptr,
						       dl.u.s.len) != 0)
				return alx_exec_oom(n->ex);
		}
		if (alx_buf_append(&st->str, v.u.s.ptr, v.u.s.len) != 0)
			return alx_exec_oom(n->ex);
		st->has = true;
		return 0;
	}
	default:
		return alx_exec_err(n->ex, "0A000", "aggregate not supported");
	}
}

static int numeric_of_i128(struct alx_arena *a, __int128 v,
			   struct alx_value *out, alopex_diag *d)
{
	char buf[48], *p = buf + sizeof(buf);
	*--p = '\0';
	bool neg = v < 0;
	unsigned __int128 u =
		neg ? -(unsigned __int128)v : (unsigned __int128)v;
	do {
		*--p = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0);
	if (neg)
		*--p = '-';
	return alx_value_in(a, alx_type_make(ALX_T_NUMERIC), p, strlen(p), NULL,
			    out, d);
}

static int agg_final(struct alx_node *n, const struct alx_agg *ag,
		     struct agg_state *st, struct alx_value *out)
{
	struct alx_arena *a = &n->rowa;
	alopex_diag *d = n->ex->d;
	int t = ag->arg ? ag->arg->type.id : 0;
	switch (ag->kind) {
	case ALX_AGG_COUNT_STAR:
	case ALX_AGG_COUNT:
		*out = alx_value_int(ALX_T_INT8, st->count);
		return 0;
	default:
		break;
	}
	if (!st->has) {
		*out = alx_value_null(ag->type.id);
		return 0;
	}
	switch (ag->kind) {
	case ALX_AGG_SUM:
		if (t == ALX_T_INT2 || t == ALX_T_INT4) {
			if (st->i > INT64_MAX || st->i < INT64_MIN)
				return alx_exec_err(n->ex, "22003",
						    "bigint out of range");
			*out = alx_value_int(ALX_T_INT8, (int64_t)st->i);
			return 0;
		}
		if (t == ALX_T_INT8)
			return numeric_of_i128(a, st->i, out, d);
		if (t == ALX_T_FLOAT4 || t == ALX_T_FLOAT8) {
			*out = alx_value_float(ag->type.id,
					       t == ALX_T_FLOAT4
						       ? (double)(float)st->f
						       : st->f);
			return 0;
		}
		if (t == ALX_T_VECTOR) {
			out->type = ALX_T_VECTOR;
			out->null = false;
			out->u.vec.ptr = st->vec;
			out->u.vec.dim = st->dim;
			return 0;
		}
		*out = st->v;
		return 0;
	case ALX_AGG_AVG: {
		if (t == ALX_T_FLOAT4 || t == ALX_T_FLOAT8) {
			*out = alx_value_float(ALX_T_FLOAT8,
					       st->f / (double)st->count);
			return 0;
		}
		if (t == ALX_T_VECTOR) {
			float *v = alx_arena_alloc(a, (st->dim + 1) *
							      sizeof(float));
			if (v == NULL)
				return alx_exec_oom(n->ex);
			for (uint32_t i = 0; i < st->dim; i++)
				v[i] = (float)((double)st->vec[i] /
					       (double)st->count);
			out->type = ALX_T_VECTOR;
			out->null = false;
			out->u.vec.ptr = v;
			out->u.vec.dim = st->dim;
			return 0;
		}
		if (t == ALX_T_INTERVAL) {
			/* interval_avg: the sum divided by the count */
			struct alx_value r = st->v;
			int rc = alx_interval_div(
				&st->v.u.iv, (double)st->count, &r.u.iv, d);
			if (rc == 0)
				*out = r;
			return rc;
		}
		struct alx_value sum, cnt;
		int rc = t == ALX_T_NUMERIC
				 ? (sum = st->v, 0)
				 : numeric_of_i128(a, st->i, &sum, d);
		if (rc == 0)
			rc = numeric_of_i128(a, st->count, &cnt, d);
		if (rc == 0)
			rc = alx_value_binop(a, ALX_OP_DIV, &sum, &cnt, out, d);
		return rc;
	}
	case ALX_AGG_STRING_AGG:
		if (ag->norder > 0)
			return sagg_final(n, ag, st, out);
		*out = alx_value_bytes(ALX_T_TEXT,
				       st->str.ptr ? st->str.ptr
						   : (const uint8_t *)"",
				       st->str.len);
		return 0;
	default: /* MIN, MAX, BOOL_* */
		*out = st->v;
		out->type = ag->type.id;
		return 0;
	}
}

/* Only count(*)s, without GROUP BY, over a table scan: the scan counts. */
static bool counts_scan(const struct alx_node *n)
{
	const struct alx_bq *q = n->p->q;
	if (q->ngroup != 0 || q->naggs == 0 || n->child == NULL ||
	    n->child->p->kind != ALX_P_SCAN)
		return false;
	for (uint32_t i = 0; i < q->naggs; i++)
		if (q->aggs[i]->kind != ALX_AGG_COUNT_STAR ||
		    q->aggs[i]->filter != NULL)
			return false;
	return true;
}

/* The group of n->keys in n->ht, created with zeroed states when new. */
static int agg_group(struct alx_node *n, size_t ssize, struct agg_state **out)
{
	struct alx_htab_entry *e;
	bool created;
	int rc = alx_htab_get(n->ht, n->keys, true, &e, &created);
	if (rc != 0)
		return rc;
	if (created) {
		e->data = alx_arena_calloc(&n->keep, 1, ssize);
		if (e->data == NULL)
			return alx_exec_oom(n->ex);
	}
	*out = e->data;
	return 0;
}

/* Every child row into its group's states. */
static int agg_feed(struct alx_node *n, size_t ssize)
{
	const struct alx_bq *q = n->p->q;
	for (;;) {
		const struct alx_value *r;
		int rc = alx_node_next(n->child, &r);
		if (rc == ALOPEX_DONE)
			return 0;
		if (rc != ALOPEX_ROW)
			return rc;
		alx_arena_reset(&n->rowa);
		struct alx_ev ev = n->ev;
		ev.row = r;
		for (uint32_t i = 0; i < q->ngroup; i++) {
			rc = alx_eval(&ev, q->group[i], &n->keys[i]);
			if (rc != 0)
				return rc;
		}
		struct agg_state *st = NULL;
		rc = agg_group(n, ssize, &st);
		if (rc != 0)
			return rc;
		for (uint32_t i = 0; i < q->naggs; i++) {
			rc = agg_update(n, q->aggs[i], &st[i], r);
			if (rc != 0)
				return rc;
		}
	}
}

static int agg_consume(struct alx_node *n)
{
	const struct alx_bq *q = n->p->q;
	n->ht = alx_htab_create(n->ex, &n->keep, q->ngroup);
	n->keys = alx_arena_calloc(&n->keep, q->ngroup + 1, sizeof(*n->keys));
	if (n->ht == NULL || n->keys == NULL)
		return alx_exec_oom(n->ex);
	size_t ssize = (q->naggs + 1) * sizeof(struct agg_state);
	struct agg_state *st = NULL;
	int rc;
	if (counts_scan(n)) {
		int64_t c;
		rc = alx_exec_scan_count(n->child, &c);
		if (rc != 0)
			return rc;
		rc = agg_group(n, ssize, &st);
		if (rc != 0)
			return rc;
		for (uint32_t i = 0; i < q->naggs; i++)
			st[i].count = c;
	} else {
		rc = agg_feed(n, ssize);
		if (rc != 0)
			return rc;
	}
	/* Aggregates without GROUP BY give one row even for no input. */
	if (q->ngroup == 0 && n->ht->count == 0) {
		rc = agg_group(n, ssize, &st);
		if (rc != 0)
			return rc;
	}
	n->groups = alx_htab_first(n->ht);
	n->started = true;
	return 0;
}

int alx_exec_agg_next(struct alx_node *n, const struct alx_value **row)
{
	const struct alx_bq *q = n->p->q;
	if (n->ht == NULL) {
		int rc = agg_consume(n);
		if (rc != 0)
			return rc;
	}
	struct alx_htab_entry *e = n->groups;
	if (e == NULL)
		return ALOPEX_DONE;
	n->groups = e->list;
	alx_arena_reset(&n->rowa);
	for (uint32_t i = 0; i < q->ngroup; i++)
		n->row[i] = e->key[i];
	struct agg_state *st = e->data;
	for (uint32_t i = 0; i < q->naggs; i++) {
		int rc = agg_final(n, q->aggs[i], &st[i],
				   &n->row[q->ngroup + i]);
		if (rc != 0)
			return rc;
	}
	*row = n->row;
	return ALOPEX_ROW;
}

/* ---- DISTINCT and set operations ------------------------------------------------ */

int alx_exec_distinct_next(struct alx_node *n, const struct alx_value **row)
{
	if (n->ht == NULL) {
		n->ht = alx_htab_create(n->ex, &n->keep, n->p->ncols);
		if (n->ht == NULL)
			return alx_exec_oom(n->ex);
	}
	for (;;) {
		const struct alx_value *r;
		int rc = alx_node_next(n->child, &r);
		if (rc != ALOPEX_ROW)
			return rc;
		struct alx_htab_entry *e;
		bool created;
		rc = alx_htab_get(n->ht, r, true, &e, &created);
		if (rc != 0)
			return rc;
		if (created) {
			*row = r;
			return ALOPEX_ROW;
		}
	}
}

int alx_exec_setop_next(struct alx_node *n, const struct alx_value **row)
{
	const struct alx_plan *p = n->p;
	if (n->ht == NULL) {
		n->ht = alx_htab_create(n->ex, &n->keep, p->ncols);
		if (n->ht == NULL)
			return alx_exec_oom(n->ex);
		for (;;) {
			const struct alx_value *r;
			int rc = alx_node_next(n->right, &r);
			if (rc == ALOPEX_DONE)
				break;
			if (rc != ALOPEX_ROW)
				return rc;
			struct alx_htab_entry *e;
			bool created;
			rc = alx_htab_get(n->ht, r, true, &e, &created);
			if (rc != 0)
				return rc;
			e->count++;
		}
	}
	for (;;) {
		const struct alx_value *r;
		int rc = alx_node_next(n->child, &r);
		if (rc != ALOPEX_ROW)
			return rc;
		struct alx_htab_entry *e;
		bool created;
		rc = alx_htab_get(n->ht, r, !p->all, &e, &created);
		if (rc != 0)
			return rc;
		bool emit;
		if (p->setop == ALX_SQL_INTERSECT) {
			/* created: not in the right side at all */
			emit = e != NULL && !created && e->count > 0;
			if (emit)
				e->count = p->all ? e->count - 1 : -1;
		} else if (p->all) {
			emit = e == NULL || e->count <= 0;
			if (!emit)
				e->count--;
		} else {
			/* EXCEPT: count 0 means "left only, not emitted" */
			emit = created;
			if (emit)
				e->count = -1;
		}
		if (emit) {
			*row = r;
			return ALOPEX_ROW;
		}
	}
}
