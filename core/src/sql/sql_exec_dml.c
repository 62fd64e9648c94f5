/*
 * INSERT, UPDATE and DELETE over the key layout of sql_catalog.h: a row is
 * 0x10, table id, index 0, its encoded primary key (or hidden row id) ->
 * the encoded row; an index entry is 0x10, table id, index id, the encoded
 * index columns, the row's key suffix -> empty. Every write goes through
 * the core transaction, so it is in the commit batch.
 *
 * UPDATE and DELETE collect their rows first and write afterwards, so a
 * statement never sees its own changes (no Halloween problem).
 */
#include <stdio.h>
#include <string.h>

#include "db/db_internal.h"
#include "kv/kv_txn.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_catalog.h"
#include "sql/sql_exec_dml.h"
#include "sql/sql_exec_int.h"
#include "sql/sql_session.h"
#include "sql/sql_table_gate.h"
#include "sql/sql_vindex.h"

int alx_exec_nextval(struct alx_exec *ex, const struct alx_cat_sequence *seq,
		     int64_t *out)
{
	return alx_seq_next(ex->db, alx_sql_db_seqs(ex->db->sql), seq, out,
			    ex->d);
}

/* ---- keys -------------------------------------------------------------------------- */

int alx_table_row_key(struct alx_arena *a, const struct alx_cat_table *t,
		      const struct alx_value *row, int64_t rowid,
		      struct alx_buf *out, alopex_diag *d)
{
	/* Room for the prefix and a usual key at once, as alx_buf_append
	 * would size it: one allocation instead of a first append's. */
	alx_buf_init(out, a);
	out->ptr = alx_arena_alloc(a, 64);
	if (out->ptr == NULL)
		return alx_diag_set(d, ALOPEX_ENOMEM, "53200", "out of memory");
	out->cap = 64;
	alx_table_prefix(out->ptr, t->id, 0);
	out->len = ALX_TABLE_PREFIX_LEN;
	if (!t->has_pk) {
		struct alx_value v = alx_value_int(ALX_T_INT8, rowid);
		return alx_key_encode(out, &v, 0, d);
	}
	const struct alx_cat_index *pk = &t->indexes[0];
	for (uint32_t i = 0; i < pk->ncols; i++) {
		int rc =
			alx_key_encode(out, &row[pk->cols[i]], pk->flags[i], d);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * An index entry: prefix(t, x) + the encoded index columns, then the row
 * key's suffix (the key minus the table prefix). A unique index's entry
 * without NULLs keeps the suffix in its value instead, so two
 * transactions adding the same value write the same key and conflict
 * (40001) rather than both committing a duplicate.
 */
static bool entry_has_suffix(const struct alx_cat_index *x,
			     const struct alx_value *row)
{
	if (!x->unique)
		return true;
	for (uint32_t i = 0; i < x->ncols; i++)
		if (row[x->cols[i]].null)
			return true;
	return false;
}

static int index_key(struct alx_exec *ex, struct alx_arena *a,
		     const struct alx_cat_table *t,
		     const struct alx_cat_index *x, const struct alx_value *row,
		     alopex_slice rowkey, bool with_suffix, struct alx_buf *out)
{
	uint8_t pre[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, t->id, x->id);
	alx_buf_init(out, a);
	if (alx_buf_append(out, pre, sizeof(pre)) != 0)
		return alx_exec_oom(ex);
	for (uint32_t i = 0; i < x->ncols; i++) {
		int rc = alx_key_encode(out, &row[x->cols[i]], x->flags[i],
					ex->d);
		if (rc != 0)
			return rc;
	}
	if (with_suffix && entry_has_suffix(x, row) &&
	    alx_buf_append(out, rowkey.ptr + ALX_TABLE_PREFIX_LEN,
			   rowkey.len - ALX_TABLE_PREFIX_LEN) != 0)
		return alx_exec_oom(ex);
	return 0;
}

/* The entry's value: the row key's suffix when the key has none. */
static alopex_slice entry_value(const struct alx_cat_index *x,
				const struct alx_value *row,
				alopex_slice rowkey)
{
	alopex_slice v = {(const uint8_t *)"", 0};
	if (!entry_has_suffix(x, row)) {
		v.ptr = rowkey.ptr + ALX_TABLE_PREFIX_LEN;
		v.len = rowkey.len - ALX_TABLE_PREFIX_LEN;
	}
	return v;
}

static bool is_vector_index(const struct alx_cat_index *x)
{
	return x->method != NULL && strcmp(x->method, "btree") != 0;
}

/* ---- messages ------------------------------------------------------------------------ */

const char *alx_exec_row_text(struct alx_exec *ex, struct alx_arena *a,
			      const struct alx_cat_table *t,
			      const struct alx_value *row)
{
	struct alx_buf b;
	alx_buf_init(&b, a);
	alx_buf_append(&b, "(", 1);
	bool first = true;
	for (uint32_t i = 0; i < t->ncols; i++) {
		if (t->cols[i].dropped)
			continue;
		if (!first)
			alx_buf_append(&b, ", ", 2);
		first = false;
		const char *s;
		size_t n;
		if (row[i].null ||
		    alx_value_out(a, &row[i], ex->fmt, &s, &n, NULL) != 0 ||
		    s == NULL) {
			s = "null";
			n = 4;
		}
		alx_buf_append(&b, s, n);
	}
	alx_buf_append(&b, ")", 2);
	return b.ptr ? (const char *)b.ptr : "()";
}

static int dup_key_error(struct alx_exec *ex, struct alx_arena *a,
			 const struct alx_cat_table *t,
			 const struct alx_cat_index *x,
			 const struct alx_value *row)
{
	struct alx_buf names, vals;
	alx_buf_init(&names, a);
	alx_buf_init(&vals, a);
	for (uint32_t i = 0; i < x->ncols; i++) {
		const struct alx_value *v = &row[x->cols[i]];
		const char *s;
		size_t n;
		if (i > 0) {
			alx_buf_append(&names, ", ", 2);
			alx_buf_append(&vals, ", ", 2);
		}
		const char *cn = t->cols[x->cols[i]].name;
		alx_buf_append(&names, cn, strlen(cn));
		if (v->null ||
		    alx_value_out(a, v, ex->fmt, &s, &n, NULL) != 0 ||
		    s == NULL) {
			s = "null";
			n = 4;
		}
		alx_buf_append(&vals, s, n);
	}
	alx_buf_append(&names, "", 1);
	alx_buf_append(&vals, "", 1);
	return alx_exec_err(ex, "23505",
			    "duplicate key value violates unique constraint "
			    "\"%s\"\nKey (%s)=(%s) already exists.",
			    x->name, names.ptr ? (char *)names.ptr : "",
			    vals.ptr ? (char *)vals.ptr : "");
}

static int check_row(struct alx_exec *ex, struct alx_arena *a,
		     const struct alx_cat_table *t, const struct alx_value *row,
		     struct alx_bx *const *checks, uint32_t nchecks)
{
	for (uint32_t i = 0; i < t->ncols; i++) {
		if (t->cols[i].dropped || !t->cols[i].notnull || !row[i].null)
			continue;
		return alx_exec_err(ex, "23502",
				    "null value in column \"%s\" of relation "
				    "\"%s\" violates not-null constraint\n"
				    "Failing row contains %s.",
				    t->cols[i].name, t->name,
				    alx_exec_row_text(ex, a, t, row));
	}
	struct alx_ev ev = {ex, a, row, NULL};
	for (uint32_t i = 0; i < nchecks; i++) {
		struct alx_value v;
		int rc = alx_eval(&ev, checks[i], &v);
		if (rc != 0)
			return rc;
		if (!v.null && !v.u.b)
			return alx_exec_err(ex, "23514",
					    "new row for relation \"%s\" "
					    "violates check constraint "
					    "\"%s\"\nFailing row contains %s.",
					    t->name, t->checks[i].name,
					    alx_exec_row_text(ex, a, t, row));
	}
	return 0;
}

/* ---- conflicts ------------------------------------------------------------------------- */

/*
 * Whether another row already holds x's key for this row: *existing gets
 * that row's key (in a). ignore: a row key not to count (the row being
 * updated).
 */
static int find_conflict(struct alx_exec *ex, struct alx_arena *a,
			 const struct alx_cat_table *t,
			 const struct alx_cat_index *x,
			 const struct alx_value *row, alopex_slice ignore,
			 alopex_slice *existing)
{
	existing->ptr = NULL;
	existing->len = 0;
	for (uint32_t i = 0; i < x->ncols; i++)
		if (row[x->cols[i]].null)
			return 0; /* NULLs never conflict */
	struct alx_buf k;
	alopex_slice none = {NULL, 0};
	int rc;
	if (x->id == 0) {
		rc = alx_table_row_key(a, t, row, 0, &k, ex->d);
		if (rc != 0)
			return rc;
		alopex_slice ks = {k.ptr, k.len}, v;
		if (ignore.ptr && ignore.len == k.len &&
		    memcmp(ignore.ptr, k.ptr, k.len) == 0)
			return 0;
		rc = alx_kv_txn_get(ex->txn, ks, &v);
		if (rc == ALOPEX_ENOTFOUND)
			return 0;
		if (rc != 0)
			return alx_exec_kv_err(ex, rc);
		*existing = ks;
		return 0;
	}
	/* No NULLs here: the entry is exactly the columns' key, holding
	 * the row key's suffix. */
	rc = index_key(ex, a, t, x, row, none, false, &k);
	if (rc != 0)
		return rc;
	alopex_slice ks = {k.ptr, k.len}, v;
	rc = alx_kv_txn_get(ex->txn, ks, &v);
	if (rc == ALOPEX_ENOTFOUND)
		return 0;
	if (rc != 0)
		return alx_exec_kv_err(ex, rc);
	struct alx_buf rk;
	uint8_t pre[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, t->id, 0);
	alx_buf_init(&rk, a);
	if (alx_buf_append(&rk, pre, sizeof(pre)) != 0 ||
	    alx_buf_append(&rk, v.ptr, v.len) != 0)
		return alx_exec_oom(ex);
	if (ignore.ptr && ignore.len == rk.len &&
	    memcmp(ignore.ptr, rk.ptr, rk.len) == 0)
		return 0;
	existing->ptr = rk.ptr;
	existing->len = rk.len;
	return 0;
}

/* ---- writing --------------------------------------------------------------------------- */

static int put_row(struct alx_exec *ex, struct alx_arena *a,
		   const struct alx_cat_table *t, const struct alx_value *row,
		   alopex_slice key, bool fresh)
{
	struct alx_buf b;
	alx_buf_init(&b, a);
	int rc = alx_row_encode(&b, row, t->ncols, ex->d);
	if (rc != 0)
		return rc;
	alopex_slice v = {b.ptr ? b.ptr : (const uint8_t *)"", b.len};
	rc = fresh ? alx_kv_txn_put_fresh(ex->txn, key, v)
		   : alx_kv_txn_put(ex->txn, key, v);
	return rc != 0 ? alx_exec_kv_err(ex, rc) : 0;
}

static int put_entry(struct alx_exec *ex, struct alx_arena *a,
		     const struct alx_cat_table *t,
		     const struct alx_cat_index *x, const struct alx_value *row,
		     alopex_slice key, bool del, bool fresh)
{
	struct alx_buf k;
	int rc = index_key(ex, a, t, x, row, key, true, &k);
	if (rc != 0)
		return rc;
	alopex_slice ks = {k.ptr, k.len};
	/*
	 * A fresh unique entry (no NULLs: the key is the value alone; not
	 * the one the row had) was checked absent; inserting it rather than putting it turns a
	 * REPEATABLE READ conflict with a concurrent committed insert of the
	 * value into 23505, as in PostgreSQL (alx_kv_txn_insert).
	 */
	if (fresh && !del && x->unique && !entry_has_suffix(x, row) &&
	    !alx_kv_txn_read_committed(ex->txn)) {
		rc = alx_kv_txn_insert(ex->txn, ks, entry_value(x, row, key));
		if (rc == ALOPEX_EEXIST)
			return dup_key_error(ex, a, t, x, row);
		return rc != 0 ? alx_exec_kv_err(ex, rc) : 0;
	}
	/* A non-unique entry ends with the new row's key: new to the
	 * statement. A unique one may collide with a concurrent commit,
	 * which READ COMMITTED must see (re-run, then 23505). */
	rc = del ? alx_kv_txn_del(ex->txn, ks)
	     : fresh && !x->unique
		     ? alx_kv_txn_put_fresh(ex->txn, ks,
					    entry_value(x, row, key))
		     : alx_kv_txn_put(ex->txn, ks, entry_value(x, row, key));
	if (del && rc == ALOPEX_ENOTFOUND)
		rc = 0;
	return rc != 0 ? alx_exec_kv_err(ex, rc) : 0;
}

static int write_new(struct alx_exec *ex, struct alx_arena *a,
		     const struct alx_cat_table *t, const struct alx_value *row,
		     alopex_slice key)
{
	/* Only a hidden row id is certainly new; a primary key may meet a
	 * concurrent commit that READ COMMITTED must see. */
	int rc = put_row(ex, a, t, row, key, !t->has_pk);
	for (uint32_t i = t->has_pk ? 1 : 0; rc == 0 && i < t->nindexes; i++)
		if (!is_vector_index(&t->indexes[i]))
			rc = put_entry(ex, a, t, &t->indexes[i], row, key,
				       false, true);
	if (rc == 0 && alx_vsql_table_has(t))
		rc = alx_vsql_row_change(ex, t, NULL, NULL, &key, row);
	return rc;
}

/* Check every unique key of a new row (skipping `ignore`'s own). */
static int check_unique(struct alx_exec *ex, struct alx_arena *a,
			const struct alx_cat_table *t,
			const struct alx_value *row, alopex_slice ignore,
			const struct alx_cat_index **hit,
			alopex_slice *existing)
{
	*hit = NULL;
	for (uint32_t i = 0; i < t->nindexes; i++) {
		const struct alx_cat_index *x = &t->indexes[i];
		if (!x->unique || is_vector_index(x))
			continue;
		int rc = find_conflict(ex, a, t, x, row, ignore, existing);
		if (rc != 0)
			return rc;
		if (existing->ptr != NULL) {
			*hit = x;
			return 0;
		}
	}
	return 0;
}

/*
 * Check the unique keys of a new row and write it unless one is taken:
 * *hit and *existing then name the first taken key, in check_unique's
 * order (primary key, then the unique indexes), and nothing is written.
 * Else *existing is the new row's key (ON CONFLICT DO UPDATE remembers it).
 *
 * With a primary key the engine's insert-if-absent checks it while writing
 * the row, saving a lookup. The unique indexes are looked up first, so
 * nothing needs undoing when one is taken; only then is the primary key
 * looked up, since it would have been reported first. vec: t has a vector
 * index (alx_vsql_table_has, asked once per statement).
 */
static int insert_new(struct alx_exec *ex, struct alx_arena *a,
		      const struct alx_cat_table *t, bool vec,
		      const struct alx_value *row,
		      const struct alx_cat_index **hit, alopex_slice *existing)
{
	alopex_slice none = {NULL, 0};
	struct alx_buf k;
	int rc;
	if (!t->has_pk) {
		rc = check_unique(ex, a, t, row, none, hit, existing);
		if (rc != 0 || *hit != NULL)
			return rc;
		int64_t rowid = 0;
		rc = alx_exec_nextval(ex, NULL, &rowid);
		if (rc == 0)
			rc = alx_table_row_key(a, t, row, rowid, &k, ex->d);
		if (rc != 0)
			return rc;
		alopex_slice ks = {k.ptr, k.len};
		rc = write_new(ex, a, t, row, ks);
		if (rc == 0)
			*existing = ks;
		return rc;
	}
	*hit = NULL;
	for (uint32_t i = 1; i < t->nindexes && *hit == NULL; i++) {
		const struct alx_cat_index *x = &t->indexes[i];
		if (!x->unique || is_vector_index(x))
			continue;
		rc = find_conflict(ex, a, t, x, row, none, existing);
		if (rc != 0)
			return rc;
		if (existing->ptr != NULL)
			*hit = x;
	}
	rc = alx_table_row_key(a, t, row, 0, &k, ex->d);
	if (rc != 0)
		return rc;
	alopex_slice ks = {k.ptr, k.len};
	/* The key's lock and pending-set slots load while the row encodes. */
	uint64_t kh = alx_kv_txn_prefetch(ex->txn, ks);
	if (*hit != NULL) {
		alopex_slice v;
		rc = alx_kv_txn_get(ex->txn, ks, &v);
		if (rc == 0) {
			*hit = &t->indexes[0];
			*existing = ks;
		} else if (rc != ALOPEX_ENOTFOUND) {
			return alx_exec_kv_err(ex, rc);
		}
		return 0;
	}
	struct alx_buf b;
	alx_buf_init(&b, a);
	rc = alx_row_encode(&b, row, t->ncols, ex->d);
	if (rc != 0)
		return rc;
	alopex_slice v = {b.ptr ? b.ptr : (const uint8_t *)"", b.len};
	rc = alx_kv_txn_insert_hashed(ex->txn, ks, v, kh);
	if (rc == ALOPEX_EEXIST) {
		*hit = &t->indexes[0];
		*existing = ks;
		return 0;
	}
	if (rc != 0)
		return alx_exec_kv_err(ex, rc);
	for (uint32_t i = 1; rc == 0 && i < t->nindexes; i++)
		if (!is_vector_index(&t->indexes[i]))
			rc = put_entry(ex, a, t, &t->indexes[i], row, ks, false,
				       true);
	if (rc == 0 && vec)
		rc = alx_vsql_row_change(ex, t, NULL, NULL, &ks, row);
	if (rc == 0)
		*existing = ks;
	return rc;
}

int alx_exec_insert_row(struct alx_exec *ex, const struct alx_cat_table *t,
			struct alx_value *row, struct alx_bx *const *checks,
			uint32_t nchecks)
{
	int rc = alx_gate_write(ex, t);
	if (rc != 0)
		return rc;
	struct alx_arena a;
	alx_arena_init(&a, ex->db->rt, 0);
	rc = check_row(ex, &a, t, row, checks, nchecks);
	const struct alx_cat_index *hit = NULL;
	alopex_slice existing;
	if (rc == 0)
		rc = insert_new(ex, &a, t, alx_vsql_table_has(t), row, &hit,
				&existing);
	if (rc == 0 && hit != NULL)
		rc = dup_key_error(ex, &a, t, hit, row);
	alx_arena_fini(&a);
	return rc;
}

/* Replace the row at old_key (old values old) by row. */
static int update_row(struct alx_exec *ex, struct alx_arena *a,
		      const struct alx_cat_table *t, alopex_slice old_key,
		      const struct alx_value *old, const struct alx_value *row)
{
	struct alx_buf nk;
	int rc;
	alopex_slice key = old_key;
	if (t->has_pk) {
		rc = alx_table_row_key(a, t, row, 0, &nk, ex->d);
		if (rc != 0)
			return rc;
		key.ptr = nk.ptr;
		key.len = nk.len;
	}
	bool moved = key.len != old_key.len ||
		     memcmp(key.ptr, old_key.ptr, key.len) != 0;
	const struct alx_cat_index *hit;
	alopex_slice existing;
	rc = check_unique(ex, a, t, row, old_key, &hit, &existing);
	if (rc == 0 && hit != NULL)
		return dup_key_error(ex, a, t, hit, row);
	/* index entries that change: out with the old, in with the new */
	for (uint32_t i = t->has_pk ? 1 : 0; rc == 0 && i < t->nindexes; i++) {
		const struct alx_cat_index *x = &t->indexes[i];
		if (is_vector_index(x))
			continue;
		struct alx_buf ok, nk2;
		rc = index_key(ex, a, t, x, old, old_key, true, &ok);
		if (rc == 0)
			rc = index_key(ex, a, t, x, row, key, true, &nk2);
		if (rc != 0)
			break;
		bool same_key = ok.len == nk2.len &&
				memcmp(ok.ptr, nk2.ptr, ok.len) == 0;
		alopex_slice ov = entry_value(x, old, old_key),
			     nv = entry_value(x, row, key);
		if (same_key && ov.len == nv.len &&
		    memcmp(ov.ptr, nv.ptr, ov.len) == 0)
			continue;
		/* the same key with a new value (the row moved) is a put */
		if (!same_key)
			rc = put_entry(ex, a, t, x, old, old_key, true, false);
		if (rc == 0)
			rc = put_entry(ex, a, t, x, row, key, false, !same_key);
	}
	if (rc == 0 && moved) {
		rc = alx_kv_txn_del(ex->txn, old_key);
		if (rc != 0 && rc != ALOPEX_ENOTFOUND)
			return alx_exec_kv_err(ex, rc);
		rc = 0;
	}
	if (rc == 0)
		rc = put_row(ex, a, t, row, key, false);
	if (rc == 0 && alx_vsql_table_has(t))
		rc = alx_vsql_row_change(ex, t, &old_key, old, &key, row);
	return rc;
}

static int delete_row(struct alx_exec *ex, struct alx_arena *a,
		      const struct alx_cat_table *t, alopex_slice key,
		      const struct alx_value *old)
{
	int rc = alx_kv_txn_del(ex->txn, key);
	if (rc == ALOPEX_ENOTFOUND)
		return 0;
	if (rc != 0)
		return alx_exec_kv_err(ex, rc);
	for (uint32_t i = t->has_pk ? 1 : 0; rc == 0 && i < t->nindexes; i++)
		if (!is_vector_index(&t->indexes[i]))
			rc = put_entry(ex, a, t, &t->indexes[i], old, key, true,
				       false);
	if (rc == 0 && alx_vsql_table_has(t))
		rc = alx_vsql_row_change(ex, t, &key, old, NULL, NULL);
	return rc;
}

/* ---- statements ------------------------------------------------------------------------ */

struct dml_run {
	struct alx_exec *ex;
	const struct alx_bdml *m;
	alx_dml_row_fn fn;
	void *arg;
	uint64_t count;
	bool vec; /* the table has a vector index */
	/*
	 * ON CONFLICT DO UPDATE of several rows: the row keys the statement
	 * inserted or updated to (bytea), which a later conflict must not
	 * update again (21000). NULL otherwise: plain INSERTs keep no set.
	 */
	struct alx_htab *written;
};

/* Remember a row key the statement wrote (copied into the set). */
static int note_written(struct dml_run *r, alopex_slice key)
{
	struct alx_value v = alx_value_bytes(ALX_T_BYTEA, key.ptr, key.len);
	struct alx_htab_entry *e;
	bool created;
	return alx_htab_get(r->written, &v, true, &e, &created);
}

static int returning(struct dml_run *r, struct alx_arena *a,
		     const struct alx_value *row)
{
	const struct alx_bdml *m = r->m;
	if (m->nreturning == 0 || r->fn == NULL)
		return 0;
	struct alx_value *out =
		alx_arena_alloc(a, (m->nreturning + 1) * sizeof(*out));
	if (out == NULL)
		return alx_exec_oom(r->ex);
	struct alx_ev ev = {r->ex, a, row, NULL};
	for (uint32_t i = 0; i < m->nreturning; i++) {
		int rc = alx_eval(&ev, m->returning[i], &out[i]);
		if (rc != 0)
			return rc;
	}
	return r->fn(r->arg, out);
}

/* ON CONFLICT DO UPDATE against the row at key. */
static int conflict_update(struct dml_run *r, struct alx_arena *a,
			   alopex_slice key, const struct alx_value *proposed)
{
	struct alx_exec *ex = r->ex;
	const struct alx_bdml *m = r->m;
	const struct alx_cat_table *t = m->table;
	alopex_slice v;
	int rc = alx_kv_txn_get(ex->txn, key, &v);
	if (rc != 0)
		return alx_exec_kv_err(ex, rc);
	uint32_t n = t->ncols;
	struct alx_value *both = alx_arena_calloc(a, 2 * n + 1, sizeof(*both));
	struct alx_value *row = alx_arena_calloc(a, n + 1, sizeof(*row));
	uint8_t *kc = alx_arena_memdup(a, key.ptr, key.len);
	if (both == NULL || row == NULL || kc == NULL)
		return alx_exec_oom(ex);
	key.ptr = kc;
	if (r->written != NULL) {
		/* Before the WHERE, as PostgreSQL: a row this statement
		 * inserted or updated is never updated again. */
		struct alx_value kv =
			alx_value_bytes(ALX_T_BYTEA, key.ptr, key.len);
		struct alx_htab_entry *e;
		bool created;
		rc = alx_htab_get(r->written, &kv, false, &e, &created);
		if (rc != 0)
			return rc;
		if (e != NULL)
			return alx_exec_err(ex, "21000",
					    "ON CONFLICT DO UPDATE command "
					    "cannot affect row a second time");
	}
	rc = alx_table_decode_row(a, t, v, both, ex->d);
	if (rc != 0)
		return rc;
	memcpy(both + n, proposed, n * sizeof(*both));
	struct alx_ev ev = {ex, a, both, NULL};
	if (m->conflict_where != NULL) {
		int ok;
		rc = alx_eval_cond(&ev, m->conflict_where, &ok);
		if (rc != 0 || !ok)
			return rc;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (m->conflict_set[i] == NULL) {
			row[i] = both[i];
			continue;
		}
		rc = alx_eval(&ev, m->conflict_set[i], &row[i]);
		if (rc != 0)
			return rc;
	}
	rc = check_row(ex, a, t, row, m->checks, m->nchecks);
	if (rc == 0)
		rc = update_row(ex, a, t, key, both, row);
	if (rc == 0 && r->written != NULL) {
		/* where the row is now: update_row's key */
		struct alx_buf nk;
		if (t->has_pk) {
			rc = alx_table_row_key(a, t, row, 0, &nk, ex->d);
			key.ptr = nk.ptr;
			key.len = nk.len;
		}
		if (rc == 0)
			rc = note_written(r, key);
	}
	if (rc == 0) {
		r->count++;
		rc = returning(r, a, row);
	}
	return rc;
}

/* row: src's columns where the INSERT names them, defaults elsewhere. */
static int fill_defaults(struct alx_exec *ex, struct alx_arena *a,
			 const struct alx_bdml *m, const struct alx_value *src,
			 struct alx_value *row)
{
	const struct alx_cat_table *t = m->table;
	uint8_t given_small[64];
	uint8_t *given = t->ncols < sizeof(given_small)
				 ? given_small
				 : alx_arena_alloc(a, t->ncols + 1);
	if (given == NULL)
		return alx_exec_oom(ex);
	memset(given, 0, t->ncols + 1);
	for (uint32_t i = 0; i < m->ninsert; i++) {
		row[m->insert_cols[i]] = src[i];
		given[m->insert_cols[i]] = 1;
	}
	struct alx_ev ev = {ex, a, NULL, NULL};
	for (uint32_t i = 0; i < t->ncols; i++) {
		if (given[i])
			continue;
		if (m->defaults[i] != NULL && !t->cols[i].dropped) {
			int rc = alx_eval(&ev, m->defaults[i], &row[i]);
			if (rc != 0)
				return rc;
		} else {
			row[i] = alx_value_null(t->cols[i].type.id);
		}
	}
	for (uint32_t i = 0; i < t->ncols; i++)
		if (row[i].null)
			row[i].type = t->cols[i].type.id;
	return 0;
}

static int insert_one(struct dml_run *r, struct alx_arena *a,
		      const struct alx_value *src)
{
	struct alx_exec *ex = r->ex;
	const struct alx_bdml *m = r->m;
	const struct alx_cat_table *t = m->table;
	/* Every column of row is set below. */
	struct alx_value *row =
		alx_arena_alloc(a, (t->ncols + 1) * sizeof(*row));
	if (row == NULL)
		return alx_exec_oom(ex);
	if (m->ninsert == t->ncols) {
		/* All given (the binder takes each column once, none
		 * dropped): no defaults, no bookkeeping of which. */
		for (uint32_t i = 0; i < m->ninsert; i++) {
			uint32_t c = m->insert_cols[i];
			row[c] = src[i];
			if (row[c].null)
				row[c].type = t->cols[c].type.id;
		}
	} else {
		int rc = fill_defaults(ex, a, m, src, row);
		if (rc != 0)
			return rc;
	}
	int rc = check_row(ex, a, t, row, m->checks, m->nchecks);
	if (rc != 0)
		return rc;
	const struct alx_cat_index *hit;
	alopex_slice existing;
	rc = insert_new(ex, a, t, r->vec, row, &hit, &existing);
	if (rc != 0)
		return rc;
	if (hit != NULL) {
		bool matches = m->conflict != 0 && (m->conflict_index == NULL ||
						    m->conflict_index == hit);
		if (!matches)
			return dup_key_error(ex, a, t, hit, row);
		if (m->conflict == ALX_SQL_CONFLICT_NOTHING)
			return 0;
		return conflict_update(r, a, existing, row);
	}
	if (r->written != NULL) {
		rc = note_written(r, existing);
		if (rc != 0)
			return rc;
	}
	r->count++;
	return returning(r, a, row);
}

struct target_row {
	alopex_slice key;
	struct alx_value *old, *row;
};

/*
 * One VALUES row (a prepared single-row INSERT, as bulk loads run it):
 * the VALUES expressions, then the projection, evaluated as the FUNCSCAN
 * and PROJECT nodes would, without opening them (node setup was a tenth of
 * such an insert).
 */
static bool one_values_row(const struct alx_exec *ex,
			   const struct alx_plan *source)
{
	const struct alx_plan *fs = source->child;
	return ex->a != NULL && source->kind == ALX_P_PROJECT &&
	       fs->kind == ALX_P_FUNCSCAN && fs->rte->kind == ALX_RTE_VALUES &&
	       fs->rte->nrows == 1 && fs->nquals == 0 && fs->child == NULL &&
	       fs->right == NULL && fs->nchildren == 0;
}

/* alx_eval, with its two plainest cases (a parameter, a column of the
 * row) done here: a prepared INSERT's VALUES and projection are those. */
static inline int eval_plain(struct alx_ev *ev, const struct alx_bx *e,
			     struct alx_value *out)
{
	if (e->kind == ALX_BX_PARAM && e->u.param < ev->ex->nparams) {
		*out = ev->ex->params[e->u.param];
		return 0;
	}
	if (e->kind == ALX_BX_VAR && e->u.var.level == 0 && ev->row != NULL) {
		*out = ev->row[e->u.var.slot];
		if (out->null)
			out->type = e->type.id;
		return 0;
	}
	return alx_eval(ev, e, out);
}

static int insert_values_row(struct dml_run *r, const struct alx_plan *source)
{
	struct alx_exec *ex = r->ex;
	const struct alx_plan *fs = source->child;
	const struct alx_rte *rte = fs->rte;
	struct alx_arena *a = ex->a;
	/* Both live only through this call (insert_one copies out): on the
	 * stack when small, as a bulk load's are. */
	struct alx_value in_small[8], out_small[8];
	struct alx_value *in =
		fs->width < 8
			? in_small
			: alx_arena_alloc(a, (fs->width + 1) * sizeof(*in));
	struct alx_value *out =
		source->nexprs < 8 ? out_small
				   : alx_arena_alloc(a, (source->nexprs + 1) *
								sizeof(*out));
	if (in == NULL || out == NULL)
		return alx_exec_oom(ex);
	for (uint32_t i = 0; i < fs->width; i++)
		in[i] = alx_value_null(ALX_T_UNKNOWN);
	struct alx_ev ev = {ex, a, NULL, NULL};
	for (uint32_t c = 0; c < rte->ncols; c++) {
		int rc = eval_plain(&ev, rte->rows[0][c], &in[rte->off + c]);
		if (rc != 0)
			return rc;
	}
	ev.row = in;
	for (uint32_t i = 0; i < source->nexprs; i++) {
		int rc = eval_plain(&ev, source->exprs[i], &out[i]);
		if (rc != 0)
			return rc;
	}
	return insert_one(r, a, out);
}

static int insert_rows(struct dml_run *r, const struct alx_plan *source)
{
	struct alx_exec *ex = r->ex;
	/* INSERT ... SELECT may read the table it writes: take the source
	 * rows first. VALUES can go row by row. */
	bool stream = source->kind == ALX_P_PROJECT &&
		      source->child->kind == ALX_P_FUNCSCAN &&
		      source->child->rte->kind == ALX_RTE_VALUES;
	struct alx_node *n;
	int rc = alx_node_open(ex, source, NULL, &n);
	if (rc != 0)
		return rc;
	struct alx_arena rowa, keep;
	alx_arena_init(&rowa, ex->db->rt, 0);
	alx_arena_init(&keep, ex->db->rt, 0);
	struct alx_value **rows = NULL;
	uint32_t nrows = 0, cap = 0, w = r->m->ninsert;
	uint64_t streamed = 0;
	for (;;) {
		const struct alx_value *src;
		rc = alx_node_next(n, &src);
		if (rc == ALOPEX_DONE) {
			rc = 0;
			break;
		}
		if (rc != ALOPEX_ROW)
			break;
		rc = 0;
		if (stream) {
			/*
			 * The first row borrows the statement's arena: a
			 * single-row INSERT, the common prepared case, then
			 * allocates no arena chunk of its own.
			 */
			struct alx_arena *a = ex->a;
			if (streamed++ > 0 || a == NULL) {
				alx_arena_reset(&rowa);
				a = &rowa;
			}
			rc = insert_one(r, a, src);
			if (rc != 0)
				break;
			continue;
		}
		if (nrows == cap) {
			cap = cap ? cap * 2 : 64;
			struct alx_value **v =
				alx_arena_alloc(&keep, cap * sizeof(*v));
			if (v == NULL) {
				rc = alx_exec_oom(ex);
				break;
			}
			if (nrows > 0)
				memcpy(v, rows, nrows * sizeof(*v));
			rows = v;
		}
		struct alx_value *k =
			alx_arena_alloc(&keep, (w + 1) * sizeof(*k));
		if (k == NULL) {
			rc = alx_exec_oom(ex);
			break;
		}
		for (uint32_t i = 0; i < w && rc == 0; i++)
			if (alx_value_copy(&keep, &src[i], &k[i]) != 0)
				rc = alx_exec_oom(ex);
		if (rc != 0)
			break;
		rows[nrows++] = k;
	}
	alx_node_close(n);
	for (uint32_t i = 0; rc == 0 && i < nrows; i++) {
		alx_arena_reset(&rowa);
		rc = alx_exec_tick(ex);
		if (rc == 0)
			rc = insert_one(r, &rowa, rows[i]);
	}
	alx_arena_fini(&rowa);
	alx_arena_fini(&keep);
	return rc;
}

static int run_insert(struct dml_run *r, const struct alx_plan *source)
{
	struct alx_exec *ex = r->ex;
	/* One row cannot meet a row of its own statement: no set. */
	if (one_values_row(ex, source))
		return insert_values_row(r, source);
	if (r->m->conflict != ALX_SQL_CONFLICT_UPDATE)
		return insert_rows(r, source);
	struct alx_arena wa;
	alx_arena_init(&wa, ex->db->rt, 0);
	r->written = alx_htab_create(ex, &wa, 1);
	int rc = r->written != NULL ? insert_rows(r, source) : alx_exec_oom(ex);
	r->written = NULL;
	alx_arena_fini(&wa);
	return rc;
}

static int collect(struct dml_run *r, const struct alx_plan *source,
		   struct alx_arena *keep, struct target_row **out,
		   uint32_t *count)
{
	struct alx_exec *ex = r->ex;
	const struct alx_bdml *m = r->m;
	const struct alx_cat_table *t = m->table;
	struct alx_node *n;
	int rc = alx_node_open(ex, source, NULL, &n);
	if (rc != 0)
		return rc;
	struct alx_htab *seen = alx_htab_create(ex, keep, 1);
	struct target_row *v = NULL;
	uint32_t nv = 0, cap = 0;
	struct alx_arena rowa;
	alx_arena_init(&rowa, ex->db->rt, 0);
	if (seen == NULL)
		rc = alx_exec_oom(ex);
	while (rc == 0) {
		const struct alx_value *src;
		rc = alx_node_next(n, &src);
		if (rc == ALOPEX_DONE) {
			rc = 0;
			break;
		}
		if (rc != ALOPEX_ROW)
			break;
		/* a row joined to several FROM rows is changed once */
		struct alx_htab_entry *e;
		bool created;
		rc = alx_htab_get(seen, &src[m->key_slot], true, &e, &created);
		if (rc != 0 || !created)
			continue;
		if (nv == cap) {
			cap = cap ? cap * 2 : 64;
			struct target_row *nvv =
				alx_arena_alloc(keep, cap * sizeof(*nvv));
			if (nvv == NULL) {
				rc = alx_exec_oom(ex);
				break;
			}
			if (nv > 0)
				memcpy(nvv, v, nv * sizeof(*nvv));
			v = nvv;
		}
		struct target_row *tr = &v[nv];
		tr->old = alx_arena_alloc(keep,
					  (t->ncols + 1) * sizeof(*tr->old));
		tr->row = alx_arena_alloc(keep,
					  (t->ncols + 1) * sizeof(*tr->row));
		const struct alx_value *kv = &src[m->key_slot];
		tr->key.ptr = alx_arena_memdup(keep, kv->u.s.ptr, kv->u.s.len);
		tr->key.len = kv->u.s.len;
		if (tr->old == NULL || tr->row == NULL || tr->key.ptr == NULL) {
			rc = alx_exec_oom(ex);
			break;
		}
		alx_arena_reset(&rowa);
		struct alx_ev ev = {ex, &rowa, src, NULL};
		for (uint32_t i = 0; rc == 0 && i < t->ncols; i++) {
			const struct alx_value *ov = &src[m->target_off + i];
			if (alx_value_copy(keep, ov, &tr->old[i]) != 0) {
				rc = alx_exec_oom(ex);
				break;
			}
			if (ov->null)
				tr->old[i].type = t->cols[i].type.id;
			if (m->set == NULL || m->set[i] == NULL) {
				tr->row[i] = tr->old[i];
				continue;
			}
			struct alx_value nvv;
			rc = alx_eval(&ev, m->set[i], &nvv);
			if (rc == 0 && alx_value_copy(keep, &nvv, &tr->row[i]))
				rc = alx_exec_oom(ex);
			if (rc == 0 && tr->row[i].null)
				tr->row[i].type = t->cols[i].type.id;
		}
		if (rc == 0)
			nv++;
	}
	alx_arena_fini(&rowa);
	alx_node_close(n);
	if (rc != 0)
		return rc;
	*out = v;
	*count = nv;
	return 0;
}

int alx_exec_dml(struct alx_exec *ex, const struct alx_bdml *m,
		 const struct alx_plan *source, alx_dml_row_fn fn, void *arg,
		 uint64_t *count)
{
	struct dml_run r = {ex, m, fn, arg, 0, false, NULL};
	int rc = alx_gate_write(ex, m->table);
	/* asked once: insert_new would ask per row */
	r.vec = alx_vsql_table_has(m->table);
	if (rc == 0 && r.vec) {
		/* it may wait for another writer: the statement's timestamp
		 * is from before */
		alx_exec_stmt_ts(ex);
		rc = alx_vsql_dml_begin(ex, m->table);
	}
	if (rc != 0)
		return rc;
	if (m->kind == ALX_SQL_STMT_INSERT) {
		rc = run_insert(&r, source);
	} else {
		struct alx_arena keep, rowa;
		alx_arena_init(&keep, ex->db->rt, 0);
		alx_arena_init(&rowa, ex->db->rt, 0);
		struct target_row *rows = NULL;
		uint32_t n = 0;
		rc = collect(&r, source, &keep, &rows, &n);
		for (uint32_t i = 0; rc == 0 && i < n; i++) {
			alx_arena_reset(&rowa);
			rc = alx_exec_tick(ex);
			if (rc != 0)
				break;
			if (m->kind == ALX_SQL_STMT_DELETE) {
				rc = delete_row(ex, &rowa, m->table,
						rows[i].key, rows[i].old);
				if (rc == 0)
					rc = returning(&r, &rowa, rows[i].old);
			} else {
				rc = check_row(ex, &rowa, m->table, rows[i].row,
					       m->checks, m->nchecks);
				if (rc == 0)
					rc = update_row(ex, &rowa, m->table,
							rows[i].key,
							rows[i].old,
							rows[i].row);
				if (rc == 0)
					rc = returning(&r, &rowa, rows[i].row);
			}
			if (rc == 0)
				r.count++;
		}
		alx_arena_fini(&rowa);
		alx_arena_fini(&keep);
	}
	if (rc == 0)
		*count = r.count;
	return rc;
}

/* ---- bulk operations for DDL ------------------------------------------------------------ */

int alx_exec_visit_rows(struct alx_exec *ex, const struct alx_cat_table *t,
			alx_visit_fn fn, void *arg)
{
	/* Keys first (a cursor must not run under our own writes), then
	 * each row by point lookup. */
	uint8_t pre[ALX_TABLE_PREFIX_LEN], post[ALX_TABLE_PREFIX_LEN];
	alx_table_prefix(pre, t->id, 0);
	alx_table_prefix(post, t->id, 1);
	struct alx_arena keep, a;
	alx_arena_init(&keep, ex->db->rt, 0);
	alx_arena_init(&a, ex->db->rt, 0);
	alopex_slice lo = {pre, sizeof(pre)}, up = {post, sizeof(post)};
	struct alx_kv_cursor *c;
	int rc = alx_kv_cursor_open(ex->txn, lo, up, 0, &c);
	if (rc != 0) {
		rc = alx_exec_kv_err(ex, rc);
		goto out;
	}
	alopex_slice *keys = NULL;
	uint32_t nk = 0, cap = 0;
	for (;;) {
		alopex_slice k, v;
		rc = alx_kv_cursor_next(c, &k, &v);
		if (rc == ALOPEX_DONE) {
			rc = 0;
			break;
		}
		if (rc != ALOPEX_ROW) {
			rc = alx_exec_kv_err(ex, rc);
			break;
		}
		if (nk == cap) {
			cap = cap ? cap * 2 : 256;
			alopex_slice *nkv =
				alx_arena_alloc(&keep, cap * sizeof(*nkv));
			if (nkv == NULL) {
				rc = alx_exec_oom(ex);
				break;
			}
			if (nk > 0)
				memcpy(nkv, keys, nk * sizeof(*nkv));
			keys = nkv;
		}
		keys[nk].ptr = alx_arena_memdup(&keep, k.ptr, k.len);
		keys[nk].len = k.len;
		if (keys[nk].ptr == NULL) {
			rc = alx_exec_oom(ex);
			break;
		}
		nk++;
	}
	alx_kv_cursor_close(c);
	for (uint32_t i = 0; rc == 0 && i < nk; i++) {
		alx_arena_reset(&a);
		alopex_slice v;
		rc = alx_kv_txn_get(ex->txn, keys[i], &v);
		if (rc != 0) {
			rc = alx_exec_kv_err(ex, rc);
			break;
		}
		struct alx_value *row =
			alx_arena_calloc(&a, t->ncols + 1, sizeof(*row));
		if (row == NULL) {
			rc = alx_exec_oom(ex);
			break;
		}
		rc = alx_table_decode_row(&a, t, v, row, ex->d);
		if (rc == 0)
			rc = alx_exec_tick(ex);
		if (rc == 0)
			rc = fn(ex, arg, &a, keys[i], row);
	}
out:
	alx_arena_fini(&a);
	alx_arena_fini(&keep);
	return rc;
}

struct build_arg {
	const struct alx_cat_table *t;
	const struct alx_cat_index *x;
};

static int build_one(struct alx_exec *ex, void *arg, struct alx_arena *a,
		     alopex_slice key, struct alx_value *row)
{
	struct build_arg *b = arg;
	if (b->x->unique) {
		alopex_slice existing;
		int rc = find_conflict(ex, a, b->t, b->x, row, key, &existing);
		if (rc != 0)
			return rc;
		if (existing.ptr != NULL) {
			struct alx_buf dummy;
			(void)dummy;
			rc = dup_key_error(ex, a, b->t, b->x, row);
			/* PostgreSQL words this one differently: "Key
			 * (a)=(1) is duplicated." */
			char detail[400];
			const char *d = strchr(ex->d->message, '\n');
			snprintf(detail, sizeof(detail), "%s", d ? d + 1 : "");
			char *tail = strstr(detail, " already exists.");
			if (tail != NULL)
				snprintf(tail,
					 sizeof(detail) -
						 (size_t)(tail - detail),
					 " is duplicated.");
			return alx_exec_err(ex, "23505",
					    "could not create unique index "
					    "\"%s\"\n%s",
					    b->x->name, detail);
		}
	}
	return put_entry(ex, a, b->t, b->x, row, key, false, true);
}

int alx_exec_build_index(struct alx_exec *ex, const struct alx_cat_table *t,
			 const struct alx_cat_index *x)
{
	if (is_vector_index(x))
		return alx_vsql_build(ex, t, x);
	struct build_arg b = {t, x};
	return alx_exec_visit_rows(ex, t, build_one, &b);
}

struct rewrite_arg {
	const struct alx_cat_table *old_t, *new_t;
	alx_row_map_fn fn;
	void *arg;
};

static int rewrite_one(struct alx_exec *ex, void *arg, struct alx_arena *a,
		       alopex_slice key, struct alx_value *row)
{
	struct rewrite_arg *w = arg;
	struct alx_value *out =
		alx_arena_calloc(a, w->new_t->ncols + 1, sizeof(*out));
	if (out == NULL)
		return alx_exec_oom(ex);
	int rc = w->fn(w->arg, ex, row, out);
	if (rc == 0)
		rc = check_row(ex, a, w->new_t, out, NULL, 0);
	if (rc == 0)
		rc = put_row(ex, a, w->new_t, out, key, false);
	return rc;
}

int alx_exec_rewrite_rows(struct alx_exec *ex,
			  const struct alx_cat_table *old_t,
			  const struct alx_cat_table *new_t, alx_row_map_fn fn,
			  void *arg)
{
	struct rewrite_arg w = {old_t, new_t, fn, arg};
	return alx_exec_visit_rows(ex, old_t, rewrite_one, &w);
}
