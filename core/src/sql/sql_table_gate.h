/*
 * Table write gates: what keeps a streamed table rewrite (ALTER TABLE ADD
 * PRIMARY KEY building new storage outside the statement's transaction)
 * from losing rows other sessions write meanwhile, as PostgreSQL's ACCESS
 * EXCLUSIVE lock does. A transaction holds its tables' gates shared from
 * its first write to its end; a rewrite waits until nobody holds its
 * table's gate, then holds it alone until its catalog change committed.
 * Tables hash onto ALX_GATE_STRIPES stripes, so a rewrite also pauses
 * writers of the few tables sharing its stripe.
 */
#ifndef ALX_SQL_TABLE_GATE_H
#define ALX_SQL_TABLE_GATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define ALX_GATE_STRIPES 64
#define ALX_GATE_RETIRED 64

struct alx_exec;
struct alx_session;
struct alx_cat_table;

struct alx_table_gates {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint32_t shared[ALX_GATE_STRIPES];
	const struct alx_session *owner[ALX_GATE_STRIPES]; /* rewriting */
	/* Table ids whose storage a rewrite replaced, newest last (a ring):
	 * a writer that bound its statement before the rewrite committed
	 * finds its table here once the gate lets it in. */
	uint32_t retired[ALX_GATE_RETIRED];
	uint32_t nretired;
};

int alx_gates_init(struct alx_table_gates *g);
void alx_gates_fini(struct alx_table_gates *g);
/* Before ex's transaction first writes t: waits while t is being
 * rewritten (cancel, statement_timeout and lock_timeout apply); 40001 if
 * a rewrite replaced t's storage after the statement was bound. */
int alx_gate_write(struct alx_exec *ex, const struct alx_cat_table *t);
/* At the end of s's transaction. */
void alx_gate_release(struct alx_session *s);
/* Waits until no other transaction holds t's gate, then holds it. */
int alx_gate_rewrite_begin(struct alx_exec *ex, const struct alx_cat_table *t);
/* table_id's rewrite ended; retired: its storage was replaced. */
void alx_gate_rewrite_end(struct alx_session *s, uint32_t table_id,
			  bool retired);
/*
 * As alx_gate_rewrite_begin without waiting, for a statement that already
 * holds other gates or wrote (waiting then could deadlock): 0 when s now
 * holds table_id's gate alone, 1 when it already did, ALOPEX_EBUSY when
 * another transaction holds it. End with alx_gate_rewrite_end.
 */
int alx_gate_rewrite_try(struct alx_session *s, uint32_t table_id);

#endif
