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
	int cop; /* ALX_CMP_* */
	int64_t k1, k2;
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
};

static int int_rank(int t)
{
	return t == ALX_T_INT2	 ? 1
	       : t == ALX_T_INT4 ? 2
	       : t == ALX_T_INT8 ? 3
				 : 0;
}

static bool fits(int rank, int64_t z)
{
	return rank == 3 || (rank == 2 && z >= INT32_MIN && z <= INT32_MAX) ||
	       (rank == 1 && z >= INT16_MIN && z <= INT16_MAX);
}

static int add_node(struct alx_iqual *q, struct alx_iq_node nd)
{
	if (q->nnodes >= IQ_MAX_NODES)
		return -1;
	q->node[q->nnodes] = nd;
	return (int)q->nnodes++;
}

static int compile_leaf_value(struct alx_iqual *q, const struct alx_value *v)
{
	int rank = int_rank(v->type);
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
		int rank = int_rank(t->cols[c].type.id);
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
		int rank = int_rank(e->type.id);
		if (rank == 0 || rank != (ra > rb ? ra : rb) ||
		    e->u.op.code < ALX_OP_ADD || e->u.op.code > ALX_OP_MOD)
			return -1;
		nd.kind = IQ_ARITH;
		nd.rank = (uint8_t)rank;
		return add_node(q, nd);
	}
	case ALX_BX_CAST: {
		int rank = int_rank(e->type.id);
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

/* x op y as the generic integer path computes it; false when that path
 * must decide (overflow, out of the result's range, a 0 or -1 divisor). */
static bool arith(int op, int rank, int64_t x, int64_t y, int64_t *out)
{
	int64_t z;
	switch (op) {
	case ALX_OP_ADD:
		if (__builtin_add_overflow(x, y, &z))
			return false;
		break;
	case ALX_OP_SUB:
		if (__builtin_sub_overflow(x, y, &z))
			return false;
		break;
	case ALX_OP_MUL:
		if (__builtin_mul_overflow(x, y, &z))
			return false;
		break;
	default: /* DIV, MOD */
		if (y == 0 || y == -1)
			return false;
		z = op == ALX_OP_DIV ? x / y : x % y;
		break;
	}
	if (!fits(rank, z))
		return false;
	*out = z;
	return true;
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
		if (!eval(q, nd->l, vals, &x) || !fits(nd->rank, x))
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
	if (!arith(nd->op, nd->rank, x, y, &z))
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
	*out = s;
	return true;
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
	return 0;
}

uint32_t alx_iqual_count(const struct alx_node *n)
{
	return n->iq != NULL ? n->iq->nquals : 0;
}

int alx_iqual_test(const struct alx_node *n, alopex_slice row)
{
	const struct alx_iqual *q = n->iq;
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
			    !arith(sq->aop, sq->rank, x, sq->k1, &x))
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
