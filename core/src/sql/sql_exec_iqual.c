/*
 * Scan filters compiled for integers. The longest prefix of a scan's quals
 * built from integer columns of its table, integer constants and
 * parameters, + - * / %, integer casts, comparisons, AND, OR and NOT is
 * compiled when the scan opens and tested on the stored row before it is
 * decoded (alx_row_ints): a row such a qual rejects is skipped without
 * decoding it or building any value. Whatever the compiled form cannot
 * decide exactly (a NULL, an overflow, a zero or -1 divisor, a narrowing
 * cast out of range, a row it cannot read) sends the row the generic way,
 * which then gives the answer or the error it always gave.
 */
#include <string.h>

#include "sql/sql_bind.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_plan.h"

#define IQ_MAX_NODES 32
#define IQ_MAX_QUALS 8

enum {
	IQ_COL = 1,
	IQ_CONST,
	IQ_ARITH,
	IQ_CAST,
	IQ_CMP,
	IQ_AND,
	IQ_OR,
	IQ_NOT,
};

struct alx_iq_node {
	uint8_t kind;
	uint8_t rank; /* integer width of the result: 1 INT2, 2 INT4, 3 INT8 */
	int op;	      /* ALX_OP_* or ALX_CMP_* */
	uint32_t col; /* IQ_COL */
	int64_t k;    /* IQ_CONST */
	int16_t l, r; /* operands (node indexes) */
};

/* The common shape `(col [op k1]) cmp k2`, tested without the tree. */
struct alx_iq_simple {
	uint32_t col;
	int aop; /* ALX_OP_*, 0: none */
	uint8_t rank;
	bool exact; /* aop cannot leave the rank: no check */
	int cop;    /* ALX_CMP_* */
	int64_t k1, k2;
	uint32_t off;  /* direct: the column's offset after the header */
	uint8_t width; /* direct: 2, 4 or 8 bytes */
};

struct alx_iqual {
	uint32_t nquals; /* compiled: p->quals[0 .. nquals) */
	bool simple;	 /* every compiled qual has the simple shape */
	struct alx_iq_simple sq[IQ_MAX_QUALS];
	uint64_t want;	/* table columns they read */
	uint32_t ncols; /* columns up to the last one read */
	int16_t root[IQ_MAX_QUALS];
	uint32_t nnodes;
	struct alx_iq_node node[IQ_MAX_NODES];
	struct alx_type types[64];
	struct alx_row_pick pick;
	/* Simple quals on a row whose first ncols (<= 8) columns are fixed
	 * width: a row storing them all, none NULL, is read at fixed offsets
	 * without alx_row_pick's general loop. */
	bool direct;
	uint8_t nullmask; /* the first bitmap byte's bits of those columns */
};

static int add_node(struct alx_iqual *q, struct alx_iq_node nd)
{
	if (q->nnodes >= IQ_MAX_NODES)
		return -1;
	q->node[q->nnodes] = nd;
	return (int)q->nnodes++;
}

static int compile_leaf_value(struct alx_iqual *q, const struct alx_value *v)
{
	int rank = alx_int_rank(v->type);
	if (v->null || rank == 0)
		return -1;
	return add_node(q, (struct alx_iq_node){.kind = IQ_CONST,
						.rank = (uint8_t)rank,
						.k = v->u.i});
}

/* The node index of e compiled, or -1 when it does not compile. Integer
 * results carry their rank; boolean ones rank 0. */
static int compile(struct alx_iqual *q, const struct alx_node *n,
		   const struct alx_bx *e)
{
	const struct alx_rte *r = n->p->rte;
	const struct alx_cat_table *t = n->p->table;
	switch (e->kind) {
	case ALX_BX_CONST:
		return compile_leaf_value(q, &e->u.v);
	case ALX_BX_PARAM:
		if (e->u.param >= n->ex->nparams)
			return -1;
		return compile_leaf_value(q, &n->ex->params[e->u.param]);
	case ALX_BX_VAR: {
		if (e->u.var.level != 0 || e->u.var.slot < r->off)
			return -1;
		uint32_t c = e->u.var.slot - r->off;
		if (c >= t->ncols || c >= 64 || t->cols[c].dropped)
			return -1;
		int rank = alx_int_rank(t->cols[c].type.id);
		if (rank == 0 || t->cols[c].type.id != e->type.id)
			return -1;
		q->want |= (uint64_t)1 << c;
		if (c + 1 > q->ncols)
			q->ncols = c + 1;
		return add_node(q, (struct alx_iq_node){.kind = IQ_COL,
							.rank = (uint8_t)rank,
							.col = c});
	}
	case ALX_BX_ARITH:
	case ALX_BX_CMP:
	case ALX_BX_AND:
	case ALX_BX_OR: {
		if (e->nargs != 2)
			return -1;
		int a = compile(q, n, e->args[0]);
		int b = a < 0 ? -1 : compile(q, n, e->args[1]);
		if (b < 0)
			return -1;
		int ra = q->node[a].rank, rb = q->node[b].rank;
		struct alx_iq_node nd = {
			.op = e->u.op.code, .l = (int16_t)a, .r = (int16_t)b};
		if (e->kind == ALX_BX_AND || e->kind == ALX_BX_OR) {
			if (ra != 0 || rb != 0)
				return -1;
			nd.kind = e->kind == ALX_BX_AND ? IQ_AND : IQ_OR;
			return add_node(q, nd);
		}
		if (ra == 0 || rb == 0)
			return -1;
		if (e->kind == ALX_BX_CMP) {
			if (e->u.op.code < ALX_CMP_EQ ||
			    e->u.op.code > ALX_CMP_GE)
				return -1;
			nd.kind = IQ_CMP;
			return add_node(q, nd);
		}
		/* As the generic integer fast path: the result is the wider
		 * operand's type; other typings go the generic way. */
		int rank = alx_int_rank(e->type.id);
		if (rank == 0 || rank != (ra > rb ? ra : rb) ||
		    e->u.op.code < ALX_OP_ADD || e->u.op.code > ALX_OP_MOD)
			return -1;
		nd.kind = IQ_ARITH;
		nd.rank = (uint8_t)rank;
		return add_node(q, nd);
	}
	case ALX_BX_CAST: {
		int rank = alx_int_rank(e->type.id);
		int a = rank == 0 || e->nargs != 1 ? -1
						   : compile(q, n, e->args[0]);
		if (a < 0 || q->node[a].rank == 0)
			return -1;
		return add_node(q, (struct alx_iq_node){.kind = IQ_CAST,
							.rank = (uint8_t)rank,
							.l = (int16_t)a});
	}
	case ALX_BX_NOT: {
		int a = e->nargs == 1 ? compile(q, n, e->args[0]) : -1;
		if (a < 0 || q->node[a].rank != 0)
			return -1;
		return add_node(q, (struct alx_iq_node){.kind = IQ_NOT,
							.l = (int16_t)a});
	}
	default:
		return -1;
	}
}

static bool cmp_holds(int code, int64_t x, int64_t y)
{
	switch (code) {
	case ALX_CMP_EQ:
		return x == y;
	case ALX_CMP_NE:
		return x != y;
	case ALX_CMP_LT:
		return x < y;
	case ALX_CMP_LE:
		return x <= y;
	case ALX_CMP_GT:
		return x > y;
	default:
		return x >= y;
	}
}

/* false: undecided here (the generic path decides). */
static bool eval(const struct alx_iqual *q, int i, const int64_t *vals,
		 int64_t *out)
{
	const struct alx_iq_node *nd = &q->node[i];
	int64_t x, y, z;
	switch (nd->kind) {
	case IQ_COL:
		*out = vals[nd->col];
		return true;
	case IQ_CONST:
		*out = nd->k;
		return true;
	case IQ_CAST:
		if (!eval(q, nd->l, vals, &x) || !alx_int_fits(nd->rank, x))
			return false;
		*out = x;
		return true;
	case IQ_NOT:
		if (!eval(q, nd->l, vals, &x))
			return false;
		*out = !x;
		return true;
	default:
		break;
	}
	if (!eval(q, nd->l, vals, &x) || !eval(q, nd->r, vals, &y))
		return false;
	switch (nd->kind) {
	case IQ_CMP:
		*out = cmp_holds(nd->op, x, y);
		return true;
	case IQ_AND:
		*out = x && y;
		return true;
	case IQ_OR:
		*out = x || y;
		return true;
	default:
		break;
	}
	if (!alx_int_arith_fast(nd->op, nd->rank, x, y, &z))
		return false;
	*out = z;
	return true;
}

/* Whether root has the simple shape; *out gets it. */
static bool simple_shape(const struct alx_iqual *q, int root,
			 struct alx_iq_simple *out)
{
	const struct alx_iq_node *c = &q->node[root];
	if (c->kind != IQ_CMP || q->node[c->r].kind != IQ_CONST)
		return false;
	const struct alx_iq_node *x = &q->node[c->l];
	struct alx_iq_simple s = {.cop = c->op, .k2 = q->node[c->r].k};
	if (x->kind == IQ_ARITH && q->node[x->l].kind == IQ_COL &&
	    q->node[x->r].kind == IQ_CONST) {
		s.aop = x->op;
		s.rank = x->rank;
		s.k1 = q->node[x->r].k;
		x = &q->node[x->l];
	}
	if (x->kind != IQ_COL)
		return false;
	s.col = x->col;
	/* x / k and x % k stay within x's range unless k is 0 or -1. */
	s.exact = (s.aop == ALX_OP_DIV || s.aop == ALX_OP_MOD) && s.k1 != 0 &&
		  s.k1 != -1;
	*out = s;
	return true;
}

/* Whether the simple quals can read the stored row directly. */
static void direct_init(struct alx_iqual *q)
{
	const struct alx_row_pick *pk = &q->pick;
	q->direct = q->simple && q->nquals > 0 && pk->fixed && q->ncols <= 8;
	for (uint32_t i = 0; q->direct && i < q->nquals; i++) {
		struct alx_iq_simple *sq = &q->sq[i];
		q->direct = false;
		for (uint32_t w = 0; w < pk->nwant; w++) {
			if (pk->col[w] != sq->col)
				continue;
			sq->off = pk->off[w];
			sq->width = pk->width[w];
			q->direct = sq->width == 2 || sq->width == 4 ||
				    sq->width == 8;
		}
	}
	q->nullmask = (uint8_t)((1u << q->ncols) - 1);
}

int alx_iqual_compile(struct alx_node *n)
{
	const struct alx_plan *p = n->p;
	if (n->iq != NULL)
		n->iq->nquals = 0;
	if (p->nquals == 0 || p->table == NULL || p->rte == NULL ||
	    p->access == ALX_ACCESS_VECTOR)
		return 0;
	if (n->iq == NULL) {
		n->iq = alx_arena_alloc(n->ex->a, sizeof(*n->iq));
		if (n->iq == NULL)
			return alx_exec_oom(n->ex);
	}
	struct alx_iqual *q = n->iq;
	q->nquals = 0;
	q->want = 0;
	q->ncols = 0;
	q->nnodes = 0;
	/* Parameters are read here: compiled again at every open. */
	for (uint32_t i = 0; i < p->nquals && i < IQ_MAX_QUALS; i++) {
		int root = compile(q, n, p->quals[i]);
		if (root < 0 || q->node[root].rank != 0)
			break;
		q->root[i] = (int16_t)root;
		q->nquals = i + 1;
	}
	for (uint32_t c = 0; c < q->ncols; c++)
		q->types[c] = p->table->cols[c].type;
	alx_row_pick_init(&q->pick, q->types, q->ncols, q->want);
	q->simple = true;
	for (uint32_t i = 0; i < q->nquals && q->simple; i++)
		q->simple = simple_shape(q, q->root[i], &q->sq[i]);
	direct_init(q);
	return 0;
}

uint32_t alx_iqual_count(const struct alx_node *n)
{
	return n->iq != NULL ? n->iq->nquals : 0;
}

/* A little-endian integer (compilers make the shifts one load). */
static int64_t load_int(const uint8_t *p, uint8_t width)
{
	uint64_t u = (uint64_t)p[0] | (uint64_t)p[1] << 8;
	if (width == 2)
		return (int16_t)(uint16_t)u;
	u |= (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
	if (width == 4)
		return (int32_t)(uint32_t)u;
	u |= (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	     (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
	return (int64_t)u;
}

/* The simple quals on a stored row at fixed offsets: 1, 0, -1 as
 * alx_iqual_test, or 2 when the row does not have the direct layout. */
static int direct_test(const struct alx_iqual *q, const uint8_t *b, size_t len)
{
	if (len < 3 || b[0] != ALX_ROW_VERSION || b[1] >= 0x80 ||
	    b[1] < q->ncols || (b[2] & q->nullmask) != 0)
		return 2;
	size_t start = 2 + ((size_t)b[1] + 7) / 8;
	if (len < start + q->pick.end)
		return 2;
	for (uint32_t i = 0; i < q->nquals; i++) {
		const struct alx_iq_simple *sq = &q->sq[i];
		int64_t x = load_int(b + start + sq->off, sq->width);
		if (sq->exact)
			x = sq->aop == ALX_OP_MOD ? x % sq->k1 : x / sq->k1;
		else if (sq->aop != 0 &&
			 !alx_int_arith_fast(sq->aop, sq->rank, x, sq->k1, &x))
			return -1;
		if (!cmp_holds(sq->cop, x, sq->k2))
			return 0;
	}
	return 1;
}

/* The general reader, out of line: its 64 values would give every row
 * the direct test reads a large frame. */
__attribute__((noinline)) static int pick_test(const struct alx_iqual *q,
					       alopex_slice row)
{
	int64_t vals[64];
	uint64_t nulls;
	if (alx_row_pick(&q->pick, row.ptr, row.len, vals, &nulls) != 0 ||
	    (nulls & q->want) != 0)
		return -1;
	if (q->simple) {
		for (uint32_t i = 0; i < q->nquals; i++) {
			const struct alx_iq_simple *sq = &q->sq[i];
			int64_t x = vals[sq->col];
			if (sq->aop != 0 &&
			    !alx_int_arith_fast(sq->aop, sq->rank, x, sq->k1,
						&x))
				return -1;
			if (!cmp_holds(sq->cop, x, sq->k2))
				return 0;
		}
		return 1;
	}
	for (uint32_t i = 0; i < q->nquals; i++) {
		int64_t ok;
		if (!eval(q, q->root[i], vals, &ok))
			return -1;
		if (!ok)
			return 0;
	}
	return 1;
}

int alx_iqual_test(const struct alx_node *n, alopex_slice row)
{
	const struct alx_iqual *q = n->iq;
	if (q->direct) {
		int t = direct_test(q, row.ptr, row.len);
		if (t != 2)
			return t;
	}
	return pick_test(q, row);
}
