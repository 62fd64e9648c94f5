/*
 * ALTER TABLE ADD PRIMARY KEY over existing rows (issue 5/3).
 *
 * Rows are keyed by the primary key (a table without one by a hidden row
 * id), so the table moves to new storage: a fresh table id N whose rows
 * are keyed by the new key, with its secondary indexes rebuilt. The old
 * rows are read in key order in chunks through the statement's
 * transaction; each goes to N by insert-if-absent, which is the
 * uniqueness check. The catalog then names N instead of the old id, in
 * the statement's transaction, and the old storage is deleted.
 *
 * An autocommit statement on a table without vector indexes streams: N
 * is filled by a series of short transactions of its own (a 1M-row table
 * in one transaction would hold every write in the commit batch, the lock
 * table and WiredTiger's cache at once), which nobody sees since no
 * catalog names N; the statement's transaction only flips the catalog,
 * and the old storage goes after the commit, as one range delete. A
 * failure deletes N; a crash leaves N (before the commit) or the old
 * storage (after it) unnamed by the catalog, and alx_ddl_sweep_orphans
 * deletes it when the database's catalog is first loaded. Otherwise
 * (inside a transaction block, or after earlier writes of the statement's
 * transaction) everything runs in the statement's transaction.
 *
 * As in PostgreSQL, a duplicate key is reported before a NULL in a key
 * column (its index build comes before the table rewrite that checks NOT
 * NULL); messages checked against PostgreSQL 15.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "db/db_internal.h"
#include "kv/kv_space.h"
#include "kv/kv_txn.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_diag.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec_ddl.h"
#include "sql/sql_exec_dml.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"
#include "sql/sql_vindex.h"

/* Rows read per cursor pass (the cursor is closed before writing). */
#define PK_CHUNK 512
/* A building transaction commits after this many bytes of writes. */
#define PK_BATCH_BYTES (4u << 20)
/* How far past the catalog's next id a streaming build's id is. */
#define PK_ID_GAP 256u

static void table_id_prefix(uint8_t out[5], uint32_t id)
{
	out[0] = ALX_SPACE_TABLE;
	out[1] = (uint8_t)(id >> 24);
	out[2] = (uint8_t)(id >> 16);
	out[3] = (uint8_t)(id >> 8);
	out[4] = (uint8_t)id;
}

/*
 * Delete every key of table id's storage, which no catalog names (the old
 * storage after the flip committed, a failed build's, an orphan): one
 * range delete in a transaction of its own. Nobody writes there any more:
 * writers bound to the old table meet the retired gate (40001), and
 * nothing binds to an id the catalog does not name. An engine without
 * range deletes goes key by key, in the same transaction.
 */
static int drop_storage(alopex_db *db, uint32_t id, alopex_diag *d)
{
	uint8_t lo[5], hi[5] = {ALX_SPACE_TABLE + 1, 0, 0, 0, 0};
	table_id_prefix(lo, id);
	size_t hilen = 1;
	if (id != UINT32_MAX) {
		table_id_prefix(hi, id + 1);
		hilen = 5;
	}
	struct alx_kv_txn *t = NULL;
	int rc = alx_kv_txn_begin(db, 0, &t, d);
	if (rc != 0)
		return rc;
	alopex_slice l = {lo, sizeof(lo)}, u = {hi, hilen};
	rc = alx_kv_txn_del_range(t, l, u, 0);
	if (rc != 0) {
		*d = t->diag;
		alx_kv_txn_rollback(t);
		return rc;
	}
	return alx_kv_txn_commit(t, NULL, d);
}

int alx_ddl_sweep_orphans(alopex_db *db, const struct alx_catalog *cat,
			  alopex_diag *d)
{
	uint32_t id = 0;
	int rc = 0;
	/* one probe per table id present: bounded by the stored tables */
	for (;;) {
		struct alx_kv_txn *t = NULL;
		rc = alx_kv_txn_begin(db, ALX_KV_TXN_READONLY, &t, d);
		if (rc != 0)
			return rc;
		uint8_t lo[5], hi[1] = {ALX_SPACE_TABLE + 1};
		table_id_prefix(lo, id);
		alopex_slice l = {lo, sizeof(lo)}, u = {hi, sizeof(hi)}, k, v;
		struct alx_kv_cursor *cur;
		rc = alx_kv_cursor_open(t, l, u, 0, &cur);
		if (rc != 0) {
			*d = t->diag;
			alx_kv_txn_rollback(t);
			return rc;
		}
		rc = alx_kv_cursor_next(cur, &k, &v);
		uint32_t found = 0;
		bool have = rc == ALOPEX_ROW && k.len >= 5;
		if (have)
			found = (uint32_t)k.ptr[1] << 24 |
				(uint32_t)k.ptr[2] << 16 |
				(uint32_t)k.ptr[3] << 8 | k.ptr[4];
		if (rc != ALOPEX_ROW && rc != ALOPEX_DONE)
			*d = t->diag;
		alx_kv_cursor_close(cur);
		alx_kv_txn_rollback(t);
		if (rc != ALOPEX_ROW && rc != ALOPEX_DONE)
			return rc;
		rc = 0;
		if (!have)
			return 0;
		if (alx_cat_table_by_id(cat, found) == NULL) {
			rc = drop_storage(db, found, d);
			if (rc != 0)
				return rc;
		}
		if (found == UINT32_MAX)
			return 0;
		id = found + 1;
	}
}

void alx_ddl_after_commit(struct alx_ddl *c, bool committed)
{
	uint32_t id = committed ? c->drop_after_commit : c->built_storage;
	c->drop_after_commit = c->built_storage = 0;
	/* TRUNCATE's gates (alx_ddl_gate_table): writers may go on */
	for (uint32_t i = 0; i < c->nrange_gated; i++)
		alx_gate_rewrite_end(c->ex->s, c->range_gated[i], false);
	c->nrange_gated = 0;
	if (c->gated_table != 0) {
		/* writers waiting for the old table now fail with 40001 */
		alx_gate_rewrite_end(c->ex->s, c->gated_table,
				     committed && id != 0);
		c->gated_table = 0;
	}
	if (id == 0)
		return;
	/* Best effort: what is left is swept when the database opens. */
	alopex_diag d = {0};
	(void)drop_storage(c->ex->db, id, &d);
}

/* ---- the rebuild ------------------------------------------------------------ */

struct pk_build {
	struct alx_ddl *c;
	struct alx_exec *ex;
	const struct alx_cat_table *old_t;
	const struct alx_cat_table *new_t; /* id N */
	struct alx_cat_table ins_t;	   /* new_t without vector indexes */
	bool stream;
	struct alx_kv_txn *w;	  /* streaming: the open building transaction */
	const char *null_col;	  /* the first NULL met in a key column */
	struct alx_catalog *base; /* streaming: the published catalog (ref) */
};

/* PostgreSQL's wording when an index build meets a duplicate. */
static int dup_error(struct pk_build *pb, struct alx_arena *a,
		     const struct alx_value *row)
{
	struct alx_exec *ex = pb->ex;
	const struct alx_cat_table *t = pb->new_t;
	const struct alx_cat_index *x = &t->indexes[0];
	struct alx_buf names, vals;
	alx_buf_init(&names, a);
	alx_buf_init(&vals, a);
	for (uint32_t i = 0; i < x->ncols; i++) {
		const struct alx_value *v = &row[x->cols[i]];
		const char *cn = t->cols[x->cols[i]].name, *s;
		size_t n;
		if (i > 0) {
			alx_buf_append(&names, ", ", 2);
			alx_buf_append(&vals, ", ", 2);
		}
		alx_buf_append(&names, cn, strlen(cn));
		if (v->null ||
		    alx_value_out(a, v, ex->fmt, &s, &n, NULL) != 0 ||
		    s == NULL) {
			s = "null";
			n = 4;
		}
		alx_buf_append(&vals, s, n);
	}
	if (alx_buf_append(&names, "", 1) != 0 ||
	    alx_buf_append(&vals, "", 1) != 0)
		return alx_exec_oom(ex);
	return alx_exec_err(ex, "23505",
			    "could not create unique index \"%s\"\nKey "
			    "(%s)=(%s) is duplicated.",
			    x->name, (const char *)names.ptr,
			    (const char *)vals.ptr);
}

static int build_commit(struct pk_build *pb)
{
	struct alx_kv_txn *w = pb->w;
	pb->w = NULL;
	int rc = alx_kv_txn_commit(w, NULL, pb->ex->d);
	if (rc == 0)
		return 0;
	if (pb->ex->d->sqlstate[0] == '\0')
		alx_diag_set(pb->ex->d, rc, "XX000", "%s", alopex_code_str(rc));
	return rc;
}

/*
 * A row of a table with no other index, by insert-if-absent into ex's
 * transaction: what alx_exec_insert_row does then, in the caller's arena
 * (the old rows met every other constraint already).
 */
static int put_row(struct pk_build *pb, struct alx_arena *a,
		   const struct alx_value *row)
{
	struct alx_exec *ex = pb->ex;
	struct alx_buf k, b;
	int rc = alx_table_row_key(a, &pb->ins_t, row, 0, &k, ex->d);
	if (rc != 0)
		return rc;
	alx_buf_init(&b, a);
	rc = alx_row_encode(&b, row, pb->ins_t.ncols, ex->d);
	if (rc != 0)
		return rc;
	alopex_slice ks = {k.ptr, k.len},
		     vs = {b.ptr ? b.ptr : (const uint8_t *)"", b.len};
	rc = alx_kv_txn_insert(ex->txn, ks, vs);
	if (rc == ALOPEX_EEXIST)
		return alx_exec_err(ex, "23505", "duplicate key");
	return rc != 0 ? alx_exec_kv_err(ex, rc) : 0;
}

/* One old row into the new storage. */
static int build_row(struct pk_build *pb, struct alx_arena *a, alopex_slice val)
{
	struct alx_exec *ex = pb->ex;
	const struct alx_cat_table *nt = pb->new_t;
	struct alx_value *row = alx_arena_calloc(
		a, pb->old_t->ncols + nt->ncols + 1, sizeof(*row));
	if (row == NULL)
		return alx_exec_oom(ex);
	int rc = alx_table_decode_row(a, pb->old_t, val, row, ex->d);
	if (rc != 0)
		return rc;
	/* PostgreSQL checks the new NOT NULL columns in column order; a
	 * row with a NULL key never conflicts, and the NULL is reported
	 * only if no duplicate is found. */
	bool null_key = false;
	for (uint32_t i = 0; i < nt->ncols; i++)
		if (nt->cols[i].notnull && !pb->old_t->cols[i].notnull &&
		    row[i].null) {
			if (pb->null_col == NULL)
				pb->null_col = nt->cols[i].name;
			null_key = true;
			break;
		}
	if (null_key)
		return 0;
	if (pb->stream && pb->w == NULL) {
		rc = alx_kv_txn_begin(ex->db, 0, &pb->w, ex->d);
		if (rc != 0)
			return rc;
	}
	struct alx_kv_txn *stmt_txn = ex->txn;
	if (pb->stream)
		ex->txn = pb->w;
	if (pb->ins_t.nindexes == 1)
		rc = put_row(pb, a, row);
	else
		rc = alx_exec_insert_row(ex, &pb->ins_t, row, NULL, 0);
	ex->txn = stmt_txn;
	if (rc == ALOPEX_ESQL && strcmp(ex->d->sqlstate, "23505") == 0)
		return dup_error(pb, a, row);
	if (rc != 0)
		return rc;
	if (pb->stream && pb->w->batch.len >= PK_BATCH_BYTES)
		return build_commit(pb);
	return 0;
}

/* Every old row, in key order, PK_CHUNK at a time. */
static int build_rows(struct pk_build *pb)
{
	struct alx_exec *ex = pb->ex;
	uint8_t pre[ALX_TABLE_PREFIX_LEN], post[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, pb->old_t->id, 0);
	alx_table_prefix(post, pb->old_t->id, 1);
	struct alx_arena ka, ra;
	alx_arena_init(&ka, ex->db->rt, 0);
	alx_arena_init(&ra, ex->db->rt, 0);
	uint8_t from_buf[1024];
	size_t from_len = sizeof(pre);
	memcpy(from_buf, pre, sizeof(pre));
	int rc = 0;
	alopex_slice *keys = NULL, *vals = NULL;
	for (;;) {
		alx_arena_reset(&ka);
		keys = alx_arena_alloc(&ka, PK_CHUNK * sizeof(*keys));
		vals = alx_arena_alloc(&ka, PK_CHUNK * sizeof(*vals));
		if (keys == NULL || vals == NULL) {
			rc = alx_exec_oom(ex);
			break;
		}
		/* Streaming reads each chunk in a short transaction of its
		 * own: a snapshot held across the build would keep
		 * WiredTiger from ever evicting what the build wrote. */
		struct alx_kv_txn *rt = ex->txn, *stmt_txn = ex->txn;
		if (pb->stream) {
			rc = alx_kv_txn_begin(ex->db, ALX_KV_TXN_READONLY, &rt,
					      ex->d);
			if (rc != 0)
				break;
		}
		struct alx_kv_cursor *cur;
		alopex_slice lo = {from_buf, from_len},
			     up = {post, sizeof(post)};
		ex->txn = rt;
		rc = alx_kv_cursor_open(rt, lo, up, 0, &cur);
		if (rc != 0) {
			rc = alx_exec_kv_err(ex, rc);
			ex->txn = stmt_txn;
			if (rt != stmt_txn)
				alx_kv_txn_rollback(rt);
			break;
		}
		uint32_t n = 0;
		while (n < PK_CHUNK) {
			alopex_slice k, v;
			rc = alx_kv_cursor_next(cur, &k, &v);
			if (rc == ALOPEX_DONE) {
				rc = 0;
				break;
			}
			if (rc != ALOPEX_ROW) {
				rc = alx_exec_kv_err(ex, rc);
				break;
			}
			rc = 0;
			keys[n].ptr = alx_arena_memdup(&ka, k.ptr, k.len);
			keys[n].len = k.len;
			vals[n].ptr = alx_arena_memdup(&ka, v.len ? v.ptr : pre,
						       v.len ? v.len : 1);
			vals[n].len = v.len;
			if (keys[n].ptr == NULL || vals[n].ptr == NULL) {
				rc = alx_exec_oom(ex);
				break;
			}
			n++;
		}
		alx_kv_cursor_close(cur);
		ex->txn = stmt_txn;
		if (rt != stmt_txn)
			alx_kv_txn_rollback(rt);
		if (rc == 0)
			rc = alx_exec_tick(ex);
		for (uint32_t i = 0; rc == 0 && i < n; i++) {
			alx_arena_reset(&ra);
			rc = build_row(pb, &ra, vals[i]);
		}
		if (rc != 0 || n < PK_CHUNK)
			break;
		/* the next pass starts just after the last key */
		if (keys[n - 1].len + 1 > sizeof(from_buf)) {
			rc = alx_exec_err(ex, "XX000",
					  "row key too long for ALTER TABLE");
			break;
		}
		memcpy(from_buf, keys[n - 1].ptr, keys[n - 1].len);
		from_buf[keys[n - 1].len] = 0;
		from_len = keys[n - 1].len + 1;
	}
	alx_arena_fini(&ra);
	alx_arena_fini(&ka);
	if (rc == 0 && pb->null_col != NULL)
		rc = alx_exec_err(ex, "23502",
				  "column \"%s\" of relation \"%s\" contains "
				  "null values",
				  pb->null_col, pb->new_t->name);
	if (rc == 0 && pb->stream && pb->w != NULL)
		rc = build_commit(pb);
	return rc;
}

/* The catalog names N instead of the old id (statement's transaction). */
static int flip(struct pk_build *pb, struct alx_cat_table *nt, uint32_t nid)
{
	struct alx_ddl *c = pb->c;
	struct alx_exec *ex = pb->ex;
	uint32_t oid = pb->old_t->id;
	if (pb->stream) {
		/*
		 * The build's commits went through the row-lock table's
		 * "last commit" slots, so the statement's snapshot would see
		 * every catalog key as changed: take a fresh one (nothing is
		 * written yet) and check instead that no DDL committed since
		 * the build began.
		 */
		struct alx_sql_db *sdb = ex->s->sdb;
		pthread_mutex_lock(&sdb->mu);
		bool moved = sdb->cat != pb->base;
		pthread_mutex_unlock(&sdb->mu);
		if (moved)
			return alx_exec_err(ex, "40001",
					    "could not serialize access due "
					    "to concurrent update");
		int rc = alx_kv_txn_stmt_snapshot(ex->txn);
		if (rc != 0)
			return alx_exec_kv_err(ex, rc);
		/* the meta row: ids up to nid are taken */
		uint32_t got;
		c->cat->next_id = nid;
		rc = alx_cat_new_id(c->cat, ex->txn, &got, ex->d);
		if (rc != 0)
			return rc;
	}
	for (uint32_t i = 0; i < c->cat->nsequences; i++) {
		if (c->cat->sequences[i]->owner_table != oid)
			continue;
		struct alx_cat_sequence q = *c->cat->sequences[i];
		q.owner_table = nid;
		int rc = alx_cat_put_sequence(c->cat, ex->txn, &q, ex->d);
		if (rc != 0)
			return rc;
	}
	int rc = alx_cat_drop_table(c->cat, ex->txn, oid, ex->d);
	if (rc != 0)
		return rc;
	nt->id = nid;
	if (pb->stream) {
		c->drop_after_commit = oid;
		return 0;
	}
	uint8_t pre[5];
	table_id_prefix(pre, oid);
	/* a range: no catalog names oid once we commit */
	return alx_ddl_delete_prefix(c, pre, sizeof(pre), 0);
}

int alx_ddl_pk_rebuild(struct alx_ddl *c, const struct alx_cat_table *old_t,
		       struct alx_cat_table *nt, bool alone)
{
	struct alx_exec *ex = c->ex;
	struct alx_session *s = ex->s;
	/* READ COMMITTED only: a REPEATABLE READ transaction holds its
	 * snapshot from the start, which pins what the build writes. */
	bool stream = alone && s != NULL && s->implicit && ex->txn == s->txn &&
		      alx_kv_txn_read_committed(ex->txn) &&
		      !alx_kv_txn_wrote(ex->txn) && !alx_vsql_table_has(nt);
	uint32_t nid;
	int rc = 0;
	if (stream) {
		/*
		 * The statement's transaction must not write before the flip
		 * (WiredTiger 3.2 keeps everything newer than a running
		 * writer's id from being evicted, and rolls that transaction
		 * back when the cache is stuck), so the id is written with the
		 * flip. Until then another DDL may take ids from next_id on:
		 * ours is PK_ID_GAP past it, out of their reach; whichever
		 * commits second conflicts on the meta row.
		 */
		if (c->cat->next_id > UINT32_MAX - PK_ID_GAP - 1)
			return alx_exec_err(ex, "54000",
					    "out of object identifiers");
		nid = c->cat->next_id + PK_ID_GAP;
	} else {
		rc = alx_cat_new_id(c->cat, ex->txn, &nid, ex->d);
		if (rc != 0)
			return rc;
	}
	struct alx_cat_table *new_t = alx_cat_table_copy(c->cat, nt);
	if (new_t == NULL)
		return alx_exec_oom(ex);
	new_t->id = nid;
	struct pk_build pb = {0};
	pb.c = c;
	pb.ex = ex;
	pb.old_t = old_t;
	pb.new_t = new_t;
	pb.stream = stream;
	pb.ins_t = *new_t;
	pb.ins_t.indexes = alx_arena_calloc(c->b->a, new_t->nindexes + 1,
					    sizeof(*pb.ins_t.indexes));
	if (pb.ins_t.indexes == NULL)
		return alx_exec_oom(ex);
	pb.ins_t.nindexes = 0;
	for (uint32_t i = 0; i < new_t->nindexes; i++)
		if (!alx_vsql_is_vector(&new_t->indexes[i]))
			pb.ins_t.indexes[pb.ins_t.nindexes++] =
				new_t->indexes[i];
	if (stream) {
		/* Other sessions' writes to the old storage from here on
		 * would not reach the new one. */
		rc = alx_gate_rewrite_begin(ex, old_t);
		if (rc != 0)
			return rc;
		c->gated_table = old_t->id;
		c->built_storage = nid;
		struct alx_sql_db *sdb = s->sdb;
		pthread_mutex_lock(&sdb->mu);
		pb.base = sdb->cat ? alx_catalog_ref(sdb->cat) : NULL;
		pthread_mutex_unlock(&sdb->mu);
	}
	rc = build_rows(&pb);
	for (uint32_t i = 0; rc == 0 && i < new_t->nindexes; i++)
		if (alx_vsql_is_vector(&new_t->indexes[i]))
			rc = alx_vsql_build(ex, new_t, &new_t->indexes[i]);
	if (rc == 0)
		rc = flip(&pb, nt, nid);
	if (rc != 0 && stream) {
		alx_kv_txn_rollback(pb.w);
		alopex_diag keep = *ex->d;
		alx_ddl_after_commit(c, false);
		*ex->d = keep;
	}
	alx_catalog_unref(pb.base);
	return rc;
}
