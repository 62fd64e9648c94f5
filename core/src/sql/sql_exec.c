/* Executor: node lifecycle, scans and the simple operators. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_func.h"
#include "sql/sql_session_int.h"
#include "sql/sql_syscat.h"
#include "sql/sql_vindex.h"

int alx_exec_err(struct alx_exec *ex, const char *sqlstate, const char *fmt,
		 ...)
{
	char msg[sizeof(ex->d->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return alx_diag_set(ex->d, ALOPEX_ESQL, sqlstate, "%s", msg);
}

int alx_exec_oom(struct alx_exec *ex)
{
	return alx_diag_set(ex->d, ALOPEX_ENOMEM, "53200", "out of memory");
}

int alx_exec_tick(struct alx_exec *ex)
{
	if ((++ex->ticks & 1023) != 0)
		return 0;
	return alx_exec_interrupted(ex);
}

int alx_exec_interrupted(struct alx_exec *ex)
{
	if (ex->s != NULL && atomic_exchange_explicit(&ex->s->cancel_req, 0,
						      memory_order_relaxed))
		return alx_exec_err(ex, "57014",
				    "canceling statement due to user request");
	if (ex->deadline_us == 0)
		return 0;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	if (now > ex->deadline_us)
		return alx_exec_err(ex, "57014",
				    "canceling statement due to statement "
				    "timeout");
	return 0;
}

/*
 * ex's transaction timestamp when not known at setup: the session's
 * transaction's, which an autocommit statement's (not read yet) becomes
 * t; an autocommit SELECT's own snapshot's is t.
 */
static void settle_txn_ts(struct alx_exec *ex, int64_t t)
{
	struct alx_session *s = ex->s;
	if (s != NULL && s->txn != NULL && ex->txn == s->txn) {
		if (s->txn_ts == 0)
			s->txn_ts = t;
		t = s->txn_ts;
	}
	ex->txn_ts = t;
}

int64_t alx_exec_stmt_ts(struct alx_exec *ex)
{
	if (ex->stmt_ts != 0)
		return ex->stmt_ts;
	ex->stmt_ts = alx_session_clock();
	/* A transaction's timestamp is no later than any clock reading of
	 * its statements. */
	if (ex->txn_ts == 0)
		settle_txn_ts(ex, ex->stmt_ts);
	return ex->stmt_ts;
}

int64_t alx_exec_txn_ts(struct alx_exec *ex)
{
	if (ex->txn_ts == 0) {
		int64_t t = alx_exec_stmt_ts(ex);
		if (ex->txn_ts == 0)
			settle_txn_ts(ex, t);
	}
	return ex->txn_ts;
}

int alx_exec_kv_err(struct alx_exec *ex, int rc)
{
	if (ex->txn != NULL && ex->txn->diag.code != 0)
		*ex->d = ex->txn->diag;
	else
		alx_diag_set(ex->d, rc, NULL, "%s", alopex_code_str(rc));
	/* deadlock detected (40P01) keeps its own SQLSTATE */
	if (rc == ALOPEX_ECONFLICT && strcmp(ex->d->sqlstate, "40P01") != 0)
		alx_diag_set(ex->d, rc, "40001",
			     "could not serialize access due to concurrent "
			     "update");
	return rc;
}

/* ---- values ------------------------------------------------------------------ */

static size_t payload_size(const struct alx_value *v)
{
	if (v->null)
		return 0;
	if (v->type == ALX_T_VECTOR)
		return (size_t)v->u.vec.dim * sizeof(float);
	if (alx_type_is_varlen(v->type) || v->type == ALX_T_NUMERIC ||
	    v->type == ALX_T_UNKNOWN)
		return v->u.s.len;
	return 0;
}

static void payload_copy(const struct alx_value *in, struct alx_value *out,
			 uint8_t *dst)
{
	*out = *in;
	size_t n = payload_size(in);
	if (n == 0 && !in->null && in->type == ALX_T_VECTOR)
		return;
	if (n == 0) {
		if (!in->null &&
		    (alx_type_is_varlen(in->type) || in->type == ALX_T_UNKNOWN))
			out->u.s.ptr = (const uint8_t *)"";
		return;
	}
	if (in->type == ALX_T_VECTOR) {
		memcpy(dst, in->u.vec.ptr, n);
		out->u.vec.ptr = (const float *)dst;
	} else {
		memcpy(dst, in->u.s.ptr, n);
		out->u.s.ptr = dst;
	}
}

int alx_value_copy(struct alx_arena *a, const struct alx_value *in,
		   struct alx_value *out)
{
	size_t n = payload_size(in);
	uint8_t *dst = NULL;
	if (n > 0) {
		dst = alx_arena_alloc(a, n);
		if (dst == NULL)
			return ALOPEX_ENOMEM;
	}
	payload_copy(in, out, dst);
	return 0;
}

int alx_value_sort_cmp(const struct alx_value *a, const struct alx_value *b,
		       bool desc, bool nulls_first)
{
	if (a->null || b->null) {
		if (a->null && b->null)
			return 0;
		int r = a->null ? 1 : -1; /* NULL after values */
		return nulls_first ? -r : r;
	}
	int c = alx_value_cmp(a, b);
	return desc ? -c : c;
}

struct alx_rowblob *alx_rowblob_make(struct alx_exec *ex,
				     const struct alx_value *row, uint32_t n)
{
	size_t total = sizeof(struct alx_rowblob) + n * sizeof(row[0]);
	for (uint32_t i = 0; i < n; i++)
		total += (payload_size(&row[i]) + 15) & ~(size_t)15;
	struct alx_rowblob *b = alx_malloc(ex->db->rt, total);
	if (b == NULL)
		return NULL;
	b->n = n;
	uint8_t *p = (uint8_t *)&b->v[n];
	for (uint32_t i = 0; i < n; i++) {
		payload_copy(&row[i], &b->v[i], p);
		p += (payload_size(&row[i]) + 15) & ~(size_t)15;
	}
	return b;
}

void alx_rowblob_free(struct alx_exec *ex, struct alx_rowblob *b)
{
	if (b != NULL)
		alx_free(ex->db->rt, b);
}

int alx_exec_keep_row(struct alx_node *n, const struct alx_value *row,
		      uint32_t width, struct alx_value **out)
{
	struct alx_value *v =
		alx_arena_alloc(&n->keep, (width + 1) * sizeof(*v));
	if (v == NULL)
		return alx_exec_oom(n->ex);
	for (uint32_t i = 0; i < width; i++)
		if (alx_value_copy(&n->keep, &row[i], &v[i]) != 0)
			return alx_exec_oom(n->ex);
	*out = v;
	return 0;
}

/* ---- table keys and rows ------------------------------------------------------ */

/* Types alx_row_decode turns into values that keep no pointer into the
 * row (fixed width, and INTERVAL). */
static bool decodes_by_value(int type)
{
	switch (type) {
	case ALX_T_BOOL:
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
	case ALX_T_DATE:
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
	case ALX_T_INTERVAL:
		return true;
	default:
		return false;
	}
}

/* The decoder's column types, made once per node rather than per row. */
static int scan_types(struct alx_node *n)
{
	const struct alx_cat_table *t = n->p->table;
	if (n->types != NULL || t == NULL)
		return 0;
	n->types =
		alx_arena_alloc(n->ex->a, (t->ncols + 1) * sizeof(*n->types));
	if (n->types == NULL)
		return alx_exec_oom(n->ex);
	n->by_value = true;
	for (uint32_t i = 0; i < t->ncols; i++) {
		n->types[i] = t->cols[i].type;
		n->by_value = n->by_value && decodes_by_value(n->types[i].id);
	}
	return 0;
}

int alx_table_decode_row(struct alx_arena *a, const struct alx_cat_table *t,
			 alopex_slice val, struct alx_value *cols,
			 alopex_diag *d)
{
	struct alx_type types[64], *tp = types;
	if (t->ncols > 64) {
		tp = alx_arena_alloc(a, t->ncols * sizeof(*tp));
		if (tp == NULL)
			return alx_diag_set(d, ALOPEX_ENOMEM, "53200",
					    "out of memory");
	}
	bool by_value = true;
	for (uint32_t i = 0; i < t->ncols; i++) {
		tp[i] = t->cols[i].type;
		by_value = by_value && decodes_by_value(tp[i].id);
	}
	/* Values of these types are decoded into the columns themselves, so
	 * nothing points into the engine's buffer. */
	if (by_value)
		return alx_row_decode(a, val.ptr, val.len, tp, t->ncols, cols,
				      d);
	/* The engine's value is only valid until its next call. */
	uint8_t *copy = alx_arena_memdup(a, val.ptr, val.len ? val.len : 1);
	if (copy == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
	return alx_row_decode(a, copy, val.len, tp, t->ncols, cols, d);
}

/* ---- scans ---------------------------------------------------------------------- */

static void prefix_succ(struct alx_buf *b)
{
	while (b->len > 0 && b->ptr[b->len - 1] == 0xff)
		b->len--;
	if (b->len > 0)
		b->ptr[b->len - 1]++;
}

/* Compute [lo, hi) for the scan from its key expressions. */
static int scan_bounds(struct alx_node *n)
{
	const struct alx_plan *p = n->p;
	struct alx_exec *ex = n->ex;
	uint32_t iid = p->index ? p->index->id : 0;
	uint8_t pre[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, p->table->id, iid);
	alx_buf_init(&n->lo, &n->rowa);
	alx_buf_init(&n->hi, &n->rowa);
	n->empty = false;
	/* The room alx_buf_append would give, without its first call. */
	n->lo.ptr = alx_arena_alloc(&n->rowa, 64);
	if (n->lo.ptr == NULL)
		return alx_exec_oom(ex);
	n->lo.cap = 64;
	memcpy(n->lo.ptr, pre, sizeof(pre));
	n->lo.len = sizeof(pre);
	struct alx_ev ev = n->ev;
	ev.row = n->param;
	for (uint32_t i = 0; i < p->neq; i++) {
		struct alx_value v;
		int rc = alx_eval(&ev, p->eq[i], &v);
		if (rc != 0)
			return rc;
		if (v.null) {
			n->empty = true;
			return 0;
		}
		rc = alx_key_encode(&n->lo, &v, p->index->flags[i], ex->d);
		if (rc != 0)
			return rc;
	}
	/* A point lookup reads one key: it has no upper bound. */
	if (n->cur == NULL && p->key_only && p->access == ALX_ACCESS_PK &&
	    p->lo == NULL && p->hi == NULL)
		return 0;
	size_t eq_len = n->lo.len;
	if (alx_buf_append(&n->hi, n->lo.ptr, eq_len) != 0)
		return alx_exec_oom(ex);
	unsigned fl = p->index && p->neq < p->index->ncols
			      ? p->index->flags[p->neq]
			      : 0;
	if (p->lo != NULL) {
		struct alx_value v;
		int rc = alx_eval(&ev, p->lo, &v);
		if (rc != 0)
			return rc;
		if (v.null) {
			n->empty = true;
			return 0;
		}
		rc = alx_key_encode(&n->lo, &v, fl, ex->d);
		if (rc != 0)
			return rc;
	}
	if (p->hi != NULL) {
		struct alx_value v;
		int rc = alx_eval(&ev, p->hi, &v);
		if (rc != 0)
			return rc;
		if (v.null) {
			n->empty = true;
			return 0;
		}
		rc = alx_key_encode(&n->hi, &v, fl, ex->d);
		if (rc != 0)
			return rc;
	}
	prefix_succ(&n->hi);
	return 0;
}

int alx_exec_scan_open(struct alx_node *n)
{
	if (n->p->access == ALX_ACCESS_VECTOR)
		return alx_exec_vscan_open(n);
	alx_kv_cursor_close(n->cur);
	n->cur = NULL;
	alx_arena_reset(&n->rowa);
	n->point_done = false;
	if (n->p->key_only && n->p->access == ALX_ACCESS_PK) {
		/* A point lookup: no cursor, and next builds the key itself
		 * (in rowa, which it resets): building it here was waste.
		 * The decoder's types are made once, as for other scans. */
		n->empty = false;
		return scan_types(n);
	}
	int rc = scan_bounds(n);
	if (rc != 0 || n->empty)
		return rc;
	rc = alx_iqual_compile(n);
	if (rc == 0)
		rc = scan_types(n);
	if (rc != 0)
		return rc;
	alopex_slice lo = {n->lo.ptr, n->lo.len}, hi = {n->hi.ptr, n->hi.len};
	unsigned fl = n->p->reverse ? ALOPEX_CURSOR_REVERSE : 0;
	rc = alx_kv_cursor_open(n->ex->txn, lo, hi, fl, &n->cur);
	return rc != 0 ? alx_exec_kv_err(n->ex, rc) : 0;
}

void alx_exec_scan_close(struct alx_node *n)
{
	if (n->p->access == ALX_ACCESS_VECTOR) {
		alx_exec_vscan_close(n);
		return;
	}
	alx_kv_cursor_close(n->cur);
	n->cur = NULL;
}

/* The row key of an index entry: the table prefix and the entry's
 * trailing primary key (or row id), which a unique entry without NULLs
 * keeps in its value. */
static int index_row_key(struct alx_node *n, alopex_slice k, alopex_slice v,
			 struct alx_buf *out)
{
	const struct alx_cat_index *x = n->p->index;
	const struct alx_cat_table *t = n->p->table;
	size_t pos = ALX_TABLE_PREFIX_LEN;
	for (uint32_t i = 0; i < x->ncols; i++) {
		struct alx_value col;
		int rc = alx_key_decode(&n->rowa, k.ptr, k.len, &pos,
					t->cols[x->cols[i]].type, x->flags[i],
					&col, n->ex->d);
		if (rc != 0)
			return rc;
	}
	uint8_t pre[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, t->id, 0);
	alx_buf_init(out, &n->rowa);
	const uint8_t *suffix = k.ptr + pos;
	size_t slen = k.len - pos;
	if (slen == 0) {
		suffix = v.ptr;
		slen = v.len;
	}
	if (slen == 0)
		return alx_exec_err(n->ex, "XX001",
				    "index \"%s\" has an entry without a row",
				    x->name);
	if (alx_buf_append(out, pre, sizeof(pre)) != 0 ||
	    alx_buf_append(out, suffix, slen) != 0)
		return alx_exec_oom(n->ex);
	return 0;
}

static int emit_table_row(struct alx_node *n, alopex_slice key,
			  alopex_slice val)
{
	const struct alx_rte *r = n->p->rte;
	int rc;
	if (n->types != NULL) {
		const uint8_t *row = val.ptr;
		/* The engine's value is only valid until its next call. */
		if (!n->by_value) {
			row = alx_arena_memdup(&n->rowa, val.ptr,
					       val.len ? val.len : 1);
			if (row == NULL)
				return alx_exec_oom(n->ex);
		}
		rc = alx_row_decode(&n->rowa, row, val.len, n->types,
				    n->p->table->ncols, n->row + r->off,
				    n->ex->d);
	} else {
		rc = alx_table_decode_row(&n->rowa, n->p->table, val,
					  n->row + r->off, n->ex->d);
	}
	if (rc != 0)
		return rc;
	if (r->want_key) {
		uint8_t *k = alx_arena_memdup(&n->rowa, key.ptr, key.len);
		if (k == NULL)
			return alx_exec_oom(n->ex);
		n->row[r->key_slot] = alx_value_bytes(ALX_T_BYTEA, k, key.len);
	}
	return 0;
}

int alx_exec_scan_next(struct alx_node *n, const struct alx_value **row)
{
	if (n->p->access == ALX_ACCESS_VECTOR)
		return alx_exec_vscan_next(n, row);
	struct alx_exec *ex = n->ex;
	if (n->empty)
		return ALOPEX_DONE;
	uint32_t niq = n->cur != NULL ? alx_iqual_count(n) : 0;
	for (;;) {
		int rc = alx_exec_tick(ex);
		if (rc != 0)
			return rc;
		/* A row the integer filters reject allocated nothing. */
		if (n->rowa.used != 0)
			alx_arena_reset(&n->rowa);
		alopex_slice k, v;
		if (n->cur == NULL) {
			/* point lookup on the primary key */
			if (n->point_done)
				return ALOPEX_DONE;
			n->point_done = true;
			/* the bounds live in rowa: rebuild them */
			rc = scan_bounds(n);
			if (rc != 0)
				return rc;
			if (n->empty)
				return ALOPEX_DONE;
			k.ptr = n->lo.ptr;
			k.len = n->lo.len;
			rc = alx_kv_txn_get(ex->txn, k, &v);
			if (rc == ALOPEX_ENOTFOUND)
				return ALOPEX_DONE;
			if (rc != 0)
				return alx_exec_kv_err(ex, rc);
		} else {
			rc = alx_kv_cursor_next(n->cur, &k, &v);
			if (rc == ALOPEX_DONE)
				return rc;
			if (rc != ALOPEX_ROW)
				return alx_exec_kv_err(ex, rc);
			if (n->p->access == ALX_ACCESS_INDEX) {
				struct alx_buf rk;
				rc = index_row_key(n, k, v, &rk);
				if (rc != 0)
					return rc;
				k.ptr = rk.ptr;
				k.len = rk.len;
				rc = alx_kv_txn_get(ex->txn, k, &v);
				if (rc == ALOPEX_ENOTFOUND)
					return alx_exec_err(
						ex, "XX002",
						"index \"%s\" points to a "
						"missing row",
						n->p->index->name);
				if (rc != 0)
					return alx_exec_kv_err(ex, rc);
			}
		}
		/* Integer filters first, on the stored row: most rows of a
		 * selective scan are never decoded. */
		uint32_t done = 0;
		if (niq > 0) {
			int t = alx_iqual_test(n, v);
			if (t == 0)
				continue;
			done = t > 0 ? niq : 0;
		}
		rc = emit_table_row(n, k, v);
		if (rc != 0)
			return rc;
		int ok = 1;
		/* no pointer arithmetic on a NULL quals array */
		if (n->p->nquals > done)
			rc = alx_eval_quals(&n->ev, n->p->quals + done,
					    n->p->nquals - done, &ok);
		if (rc != 0)
			return rc;
		if (ok) {
			*row = n->row;
			return ALOPEX_ROW;
		}
	}
}

/*
 * The number of rows scan_next would return, without returning them: on a
 * table scan whose quals all compiled to integer filters a row they accept
 * is counted undecoded. Rows they cannot decide go the generic way, for
 * its answer or its error; other scans count scan_next's rows.
 */
int alx_exec_scan_count(struct alx_node *n, int64_t *count)
{
	struct alx_exec *ex = n->ex;
	int64_t c = 0;
	int rc;
	if (n->p->access == ALX_ACCESS_VECTOR ||
	    n->p->access == ALX_ACCESS_INDEX || n->cur == NULL || n->empty ||
	    alx_iqual_count(n) != n->p->nquals) {
		const struct alx_value *row;
		while ((rc = alx_exec_scan_next(n, &row)) == ALOPEX_ROW)
			c++;
		if (rc != ALOPEX_DONE)
			return rc;
		*count = c;
		return 0;
	}
	uint32_t nq = n->p->nquals;
	for (;;) {
		rc = alx_exec_tick(ex);
		if (rc != 0)
			return rc;
		alopex_slice k, v;
		rc = alx_kv_cursor_next(n->cur, &k, &v);
		if (rc == ALOPEX_DONE)
			break;
		if (rc != ALOPEX_ROW)
			return alx_exec_kv_err(ex, rc);
		int t = nq > 0 ? alx_iqual_test(n, v) : 1;
		if (t >= 0) {
			c += t;
			continue;
		}
		if (n->rowa.used != 0)
			alx_arena_reset(&n->rowa);
		rc = emit_table_row(n, k, v);
		int ok = 1;
		if (rc == 0)
			rc = alx_eval_quals(&n->ev, n->p->quals, nq, &ok);
		if (rc != 0)
			return rc;
		c += ok != 0;
	}
	*count = c;
	return 0;
}

/* ---- node lifecycle ------------------------------------------------------------- */

static bool is_unnest(const struct alx_rte *r)
{
	return r->kind == ALX_RTE_FUNCTION && r->func->kind == ALX_BX_FUNC &&
	       strcmp(r->func->u.func.def->name, "unnest") == 0;
}

/* unnest(array literal): its elements become one-column rows. */
static int unnest_open(struct alx_node *n)
{
	const struct alx_bx *f = n->p->rte->func;
	struct alx_value arr;
	struct alx_ev ev = n->ev;
	ev.row = n->param;
	ev.a = &n->keep;
	alx_arena_reset(&n->keep);
	n->rows = NULL;
	n->nrows = 0;
	int rc = alx_eval(&ev, f->args[0], &arr);
	if (rc != 0 || arr.null)
		return rc;
	struct alx_value *v;
	uint32_t cnt;
	rc = alx_array_elements(&ev, &arr, &v, &cnt);
	if (rc != 0)
		return rc;
	n->rows = alx_arena_calloc(&n->keep, cnt + 1, sizeof(*n->rows));
	if (n->rows == NULL)
		return alx_exec_oom(n->ex);
	for (uint32_t i = 0; i < cnt; i++)
		n->rows[i] = &v[i];
	n->nrows = cnt;
	return 0;
}

static int funcscan_open(struct alx_node *n)
{
	const struct alx_rte *r = n->p->rte;
	n->vrow = 0;
	if (r->kind == ALX_RTE_SYSCAT) {
		/* computed once per open, kept until the node closes */
		if (n->rows == NULL)
			return alx_syscat_rows(n->ex, &n->keep, r, &n->rows,
					       &n->nrows);
		return 0;
	}
	if (r->kind != ALX_RTE_FUNCTION)
		return 0;
	if (is_unnest(r))
		return unnest_open(n);
	/* generate_series(start, stop[, step]) over integers */
	const struct alx_bx *f = r->func;
	struct alx_value v[3] = {0};
	struct alx_ev ev = n->ev;
	ev.row = n->param;
	for (uint32_t i = 0; i < f->nargs && i < 3; i++) {
		int rc = alx_eval(&ev, f->args[i], &v[i]);
		if (rc != 0)
			return rc;
		if (v[i].null) {
			n->done = true;
			return 0;
		}
	}
	n->gs_cur = v[0].u.i;
	n->gs_end = v[1].u.i;
	n->gs_step = f->nargs > 2 ? v[2].u.i : 1;
	if (n->gs_step == 0)
		return alx_exec_err(n->ex, "22023",
				    "step size cannot equal zero");
	n->done = false;
	return 0;
}

static int funcscan_next(struct alx_node *n, const struct alx_value **row)
{
	const struct alx_rte *r = n->p->rte;
	for (;;) {
		alx_arena_reset(&n->rowa);
		if (r->kind == ALX_RTE_SYSCAT || is_unnest(r)) {
			if (n->vrow >= n->nrows)
				return ALOPEX_DONE;
			memcpy(&n->row[r->off], n->rows[n->vrow],
			       r->ncols * sizeof(n->row[0]));
			n->vrow++;
		} else if (r->kind == ALX_RTE_VALUES) {
			if (n->vrow >= r->nrows)
				return ALOPEX_DONE;
			struct alx_ev ev = n->ev;
			ev.row = n->param;
			for (uint32_t c = 0; c < r->ncols; c++) {
				int rc = alx_eval(&ev, r->rows[n->vrow][c],
						  &n->row[r->off + c]);
				if (rc != 0)
					return rc;
			}
			n->vrow++;
		} else {
			if (n->done)
				return ALOPEX_DONE;
			if ((n->gs_step > 0 && n->gs_cur > n->gs_end) ||
			    (n->gs_step < 0 && n->gs_cur < n->gs_end))
				return ALOPEX_DONE;
			n->row[r->off] =
				alx_value_int(r->coltypes[0].id, n->gs_cur);
			if (__builtin_add_overflow(n->gs_cur, n->gs_step,
						   &n->gs_cur))
				n->done = true;
		}
		int ok = 1;
		int rc = alx_eval_quals(&n->ev, n->p->quals, n->p->nquals, &ok);
		if (rc != 0)
			return rc;
		if (ok) {
			*row = n->row;
			return ALOPEX_ROW;
		}
	}
}

static int limit_value(struct alx_node *n, const struct alx_bx *e,
		       const char *what, int64_t *out)
{
	*out = -1;
	if (e == NULL)
		return 0;
	struct alx_value v;
	struct alx_ev ev = n->ev;
	ev.row = NULL;
	int rc = alx_eval(&ev, e, &v);
	if (rc != 0)
		return rc;
	if (v.null)
		return 0;
	if (v.u.i < 0)
		return alx_exec_err(n->ex, what[0] == 'L' ? "2201W" : "2201X",
				    "%s must not be negative", what);
	*out = v.u.i;
	return 0;
}

static int node_start(struct alx_node *n)
{
	const struct alx_plan *p = n->p;
	int rc = 0;
	n->seen = 0;
	n->pos = 0;
	n->cur_child = 0;
	switch (p->kind) {
	case ALX_P_SCAN:
		return alx_exec_scan_open(n);
	case ALX_P_FUNCSCAN:
		return funcscan_open(n);
	case ALX_P_RESULT:
		n->done = false;
		return 0;
	case ALX_P_LIMIT:
	case ALX_P_TOPK:
		rc = limit_value(n, p->limit, "LIMIT", &n->limit);
		if (rc == 0)
			rc = limit_value(n, p->offset, "OFFSET", &n->offset);
		if (n->offset < 0)
			n->offset = 0;
		return rc;
	default:
		return 0;
	}
}

static int node_open(struct alx_exec *ex, const struct alx_plan *p,
		     const struct alx_ev *outer, bool start,
		     struct alx_node **out)
{
	struct alx_node *n = alx_arena_calloc(ex->a, 1, sizeof(*n));
	if (n == NULL)
		return alx_exec_oom(ex);
	n->p = p;
	n->ex = ex;
	n->outer = outer;
	alx_arena_init(&n->rowa, ex->db->rt, 0);
	alx_arena_init(&n->keep, ex->db->rt, 0);
	n->ev.ex = ex;
	n->ev.a = &n->rowa;
	n->ev.outer = outer;
	n->row = alx_arena_calloc(ex->a, p->width + 1, sizeof(*n->row));
	int rc = 0;
	if (n->row == NULL) {
		rc = alx_exec_oom(ex);
		goto fail;
	}
	for (uint32_t i = 0; i < p->width; i++)
		n->row[i] = alx_value_null(ALX_T_UNKNOWN);
	n->ev.row = n->row;
	/* A FROM subquery sees the levels above this query, as its
	 * binding did; an expression's subplan sees the expression's row,
	 * which its opener passes as outer. */
	if (p->child != NULL)
		rc = node_open(ex, p->child, outer, start, &n->child);
	/* A parameterised inner side starts with its first outer row. */
	if (rc == 0 && p->right != NULL)
		rc = node_open(ex, p->right, outer, start && !p->param_right,
			       &n->right);
	if (rc == 0 && p->nchildren > 0) {
		n->children = alx_arena_calloc(ex->a, p->nchildren,
					       sizeof(*n->children));
		if (n->children == NULL)
			rc = alx_exec_oom(ex);
		for (uint32_t i = 0; rc == 0 && i < p->nchildren; i++)
			rc = node_open(ex, p->children[i], outer, start,
				       &n->children[i]);
	}
	if (rc == 0 && start)
		rc = node_start(n);
	if (rc != 0)
		goto fail;
	n->started = true;
	*out = n;
	return 0;
fail:
	alx_node_close(n);
	return rc;
}

int alx_node_open(struct alx_exec *ex, const struct alx_plan *p,
		  const struct alx_ev *outer, struct alx_node **out)
{
	return node_open(ex, p, outer, true, out);
}

void alx_node_set_outer(struct alx_node *n, const struct alx_ev *outer)
{
	if (n == NULL)
		return;
	n->outer = outer;
	n->ev.outer = outer;
	alx_node_set_outer(n->child, outer);
	alx_node_set_outer(n->right, outer);
	for (uint32_t i = 0; n->children && i < n->p->nchildren; i++)
		alx_node_set_outer(n->children[i], outer);
}

void alx_exec_finish(struct alx_exec *ex)
{
	for (uint32_t i = 0; ex->subs && i < ex->nsubs; i++) {
		alx_node_close(ex->subs[i].node);
		ex->subs[i].node = NULL;
	}
}

int alx_node_rescan(struct alx_node *n, const struct alx_value *param)
{
	n->param = param;
	n->done = false;
	alx_exec_node_free_rows(n);
	if (n->child != NULL) {
		int rc = alx_node_rescan(n->child, param);
		if (rc != 0)
			return rc;
	}
	if (n->right != NULL && !n->p->param_right) {
		int rc = alx_node_rescan(n->right, param);
		if (rc != 0)
			return rc;
	}
	for (uint32_t i = 0; i < n->p->nchildren; i++) {
		int rc = alx_node_rescan(n->children[i], param);
		if (rc != 0)
			return rc;
	}
	return node_start(n);
}

void alx_node_close(struct alx_node *n)
{
	if (n == NULL)
		return;
	alx_node_close(n->child);
	alx_node_close(n->right);
	for (uint32_t i = 0; n->children && i < n->p->nchildren; i++)
		alx_node_close(n->children[i]);
	if (n->p->kind == ALX_P_SCAN)
		alx_exec_scan_close(n);
	alx_exec_node_free_rows(n);
	alx_arena_fini(&n->rowa);
	alx_arena_fini(&n->keep);
	n->child = n->right = NULL;
	n->children = NULL;
}

bool alx_node_tree_keepable(const struct alx_plan *p)
{
	for (; p != NULL; p = p->child) {
		switch (p->kind) {
		case ALX_P_SCAN:
			if (p->access == ALX_ACCESS_VECTOR)
				return false;
			break;
		case ALX_P_FILTER:
		case ALX_P_PROJECT:
		case ALX_P_LIMIT:
		case ALX_P_RESULT:
			break;
		default:
			return false;
		}
		if (p->right != NULL || p->nchildren > 0)
			return false;
	}
	return true;
}

void alx_node_park(struct alx_node *n)
{
	for (; n != NULL; n = n->child)
		if (n->p->kind == ALX_P_SCAN)
			alx_exec_scan_close(n);
}

static int next_filter(struct alx_node *n, const struct alx_value **row)
{
	for (;;) {
		const struct alx_value *r;
		int rc = alx_node_next(n->child, &r);
		if (rc != ALOPEX_ROW)
			return rc;
		alx_arena_reset(&n->rowa);
		struct alx_ev ev = n->ev;
		ev.row = r;
		int ok = 1;
		rc = alx_eval_quals(&ev, n->p->quals, n->p->nquals, &ok);
		if (rc != 0)
			return rc;
		if (ok) {
			*row = r;
			return ALOPEX_ROW;
		}
	}
}

static int next_project(struct alx_node *n, const struct alx_value **row)
{
	const struct alx_value *r;
	int rc = alx_node_next(n->child, &r);
	if (rc != ALOPEX_ROW)
		return rc;
	alx_arena_reset(&n->rowa);
	struct alx_ev ev = n->ev;
	ev.row = r;
	for (uint32_t i = 0; i < n->p->nexprs; i++) {
		rc = alx_eval(&ev, n->p->exprs[i], &n->row[i]);
		if (rc != 0)
			return rc;
	}
	*row = n->row;
	return ALOPEX_ROW;
}

static int next_subquery(struct alx_node *n, const struct alx_value **row)
{
	for (;;) {
		const struct alx_value *r;
		int rc = alx_node_next(n->child, &r);
		if (rc != ALOPEX_ROW)
			return rc;
		for (uint32_t i = 0; i < n->p->ncols; i++)
			n->row[n->p->off + i] = r[i];
		alx_arena_reset(&n->rowa);
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

static int next_limit(struct alx_node *n, const struct alx_value **row)
{
	for (;;) {
		if (n->limit >= 0 && n->seen >= n->offset + n->limit)
			return ALOPEX_DONE;
		int rc = alx_node_next(n->child, row);
		if (rc != ALOPEX_ROW)
			return rc;
		if (n->seen++ >= n->offset)
			return ALOPEX_ROW;
	}
}

static int next_append(struct alx_node *n, const struct alx_value **row)
{
	while (n->cur_child < n->p->nchildren) {
		int rc = alx_node_next(n->children[n->cur_child], row);
		if (rc != ALOPEX_DONE)
			return rc;
		n->cur_child++;
	}
	return ALOPEX_DONE;
}

int alx_node_next(struct alx_node *n, const struct alx_value **row)
{
	int rc = alx_exec_tick(n->ex);
	if (rc != 0)
		return rc;
	switch (n->p->kind) {
	case ALX_P_RESULT:
		if (n->done)
			return ALOPEX_DONE;
		n->done = true;
		*row = n->row;
		return ALOPEX_ROW;
	case ALX_P_SCAN:
		return alx_exec_scan_next(n, row);
	case ALX_P_FUNCSCAN:
		return funcscan_next(n, row);
	case ALX_P_SUBQUERY:
		return next_subquery(n, row);
	case ALX_P_FILTER:
		return next_filter(n, row);
	case ALX_P_PROJECT:
		return next_project(n, row);
	case ALX_P_LIMIT:
		return next_limit(n, row);
	case ALX_P_APPEND:
		return next_append(n, row);
	case ALX_P_NESTLOOP:
	case ALX_P_HASHJOIN:
		return alx_exec_join_next(n, row);
	case ALX_P_AGG:
		return alx_exec_agg_next(n, row);
	case ALX_P_DISTINCT:
		return alx_exec_distinct_next(n, row);
	case ALX_P_SETOP:
		return alx_exec_setop_next(n, row);
	case ALX_P_SORT:
		return alx_exec_sort_next(n, row);
	case ALX_P_TOPK:
		return alx_exec_topk_next(n, row);
	default:
		return alx_exec_err(n->ex, "XX000", "unknown plan node %d",
				    n->p->kind);
	}
}
