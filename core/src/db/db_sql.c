/*
 * The embedded SQL API (alopex_exec, alopex_prepare, bind, step, column)
 * over the database's default session (sql/sql_session.h). API calls on
 * the default session are serialised by a mutex; errors are copied to the
 * handle for alopex_errmsg/alopex_sqlstate.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_numeric.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

struct alopex_stmt {
	alopex_db *db;
	struct alx_session *s;
	struct alx_prep *prep;
	uint32_t nparams;
	struct alx_param *params;
	/* Per parameter: our copy of text/blob/vector, kept and reused by
	 * the next bind of the slot (a bulk load binds a value per row). */
	void **owned;
	size_t *owned_cap;
	struct alx_portal *pt;
	const struct alx_value *row;
	bool done;
	/* pt was recycled by alopex_reset: the next step only rebinds. */
	bool recycled;
};

int alx_db_sql_busy(alopex_db *db)
{
	if (db->sql == NULL)
		return 0;
	/* statements, and sessions other than the default one */
	return atomic_load(&db->sql->nstmts) +
	       atomic_load(&db->sql->nsessions) - (db->sql->def ? 1 : 0);
}

void alx_db_sql_close(alopex_db *db)
{
	alx_sql_db_destroy(db->sql);
	db->sql = NULL;
}

int alx_db_session_fail(alopex_db *db, struct alx_session *s, int rc)
{
	const alopex_diag *d = alx_session_diag(s);
	if (d->code != 0)
		return alx_db_fail(db, d);
	return alx_db_failf(db, rc, NULL, "%s", alopex_code_str(rc));
}

int alx_db_default_session(alopex_db *db, struct alx_session **out)
{
	if (db->sql != NULL && db->sql->def != NULL) {
		*out = db->sql->def;
		return 0;
	}
	alopex_diag d;
	alx_diag_clear(&d);
	struct alx_session *s;
	int rc = alx_session_create(db, &s, &d);
	if (rc != 0)
		return alx_db_fail(db, &d);
	pthread_mutex_lock(&db->sql_mu);
	if (db->sql->def == NULL) {
		db->sql->def = s;
		s = NULL;
	}
	pthread_mutex_unlock(&db->sql_mu);
	alx_session_destroy(s);
	*out = db->sql->def;
	return 0;
}

int alopex_exec(alopex_db *db, const char *sql)
{
	if (db == NULL || sql == NULL)
		return ALOPEX_EINVAL;
	struct alx_session *s;
	int rc = alx_db_default_session(db, &s);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&db->sql->def_mu);
	if (db->copy != NULL) {
		rc = alx_db_copy_busy(db);
	} else {
		rc = alx_session_execute(s, sql, strlen(sql), NULL, NULL);
		if (rc != 0)
			alx_db_session_fail(db, s, rc);
		else
			alx_db_clear_error(db);
	}
	pthread_mutex_unlock(&db->sql->def_mu);
	return rc;
}

int alopex_prepare(alopex_db *db, const char *sql, alopex_stmt **out)
{
	if (db == NULL || sql == NULL || out == NULL)
		return ALOPEX_EINVAL;
	struct alx_session *s;
	int rc = alx_db_default_session(db, &s);
	if (rc != 0)
		return rc;
	alopex_stmt *st = alx_calloc(db->rt, 1, sizeof(*st));
	if (st == NULL)
		return alx_db_failf(db, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	st->db = db;
	st->s = s;
	pthread_mutex_lock(&db->sql->def_mu);
	if (db->copy != NULL)
		rc = alx_db_copy_busy(db);
	else if ((rc = alx_session_prepare(s, sql, strlen(sql), NULL, 0,
					   &st->prep)) != 0)
		alx_db_session_fail(db, s, rc);
	if (rc != 0) {
		pthread_mutex_unlock(&db->sql->def_mu);
		alx_free(db->rt, st);
		return rc;
	}
	uint32_t n = 0, ncols = 0;
	const struct alx_type *types = NULL;
	const struct alx_sql_col *cols = NULL;
	/* Describing can fail (SHOW of an unknown setting): the prepare
	 * fails with it, as PostgreSQL's Parse/Describe does. */
	rc = alx_prep_describe(st->prep, &n, &types, &ncols, &cols);
	if (rc != 0)
		alx_db_session_fail(db, s, rc);
	pthread_mutex_unlock(&db->sql->def_mu);
	if (rc != 0) {
		alx_prep_destroy(st->prep);
		alx_free(db->rt, st);
		return rc;
	}
	st->nparams = n;
	st->params = alx_calloc(db->rt, n + 1, sizeof(*st->params));
	st->owned = alx_calloc(db->rt, n + 1, sizeof(*st->owned));
	st->owned_cap = alx_calloc(db->rt, n + 1, sizeof(*st->owned_cap));
	if (st->params == NULL || st->owned == NULL || st->owned_cap == NULL) {
		alx_free(db->rt, st->params);
		alx_free(db->rt, st->owned);
		alx_free(db->rt, st->owned_cap);
		alx_prep_destroy(st->prep);
		alx_free(db->rt, st);
		return alx_db_failf(db, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	}
	atomic_fetch_add(&db->sql->nstmts, 1);
	alx_db_clear_error(db);
	*out = st;
	return 0;
}

/* ---- binding ------------------------------------------------------------------ */

static int bind_slot(alopex_stmt *st, int idx, struct alx_param **out)
{
	if (st == NULL)
		return ALOPEX_EMISUSE;
	if (st->pt != NULL && !st->done)
		return alx_db_failf(st->db, ALOPEX_EMISUSE, NULL,
				    "cannot bind while the statement runs: "
				    "call alopex_reset first");
	if (idx < 1 || (uint32_t)idx > st->nparams)
		return alx_db_failf(st->db, ALOPEX_ERANGE, NULL,
				    "bind index %d out of range (1..%u)", idx,
				    st->nparams);
	memset(&st->params[idx - 1], 0, sizeof(st->params[idx - 1]));
	*out = &st->params[idx - 1];
	return 0;
}

int alopex_bind_null(alopex_stmt *stmt, int idx)
{
	struct alx_param *p = NULL;
	int rc = bind_slot(stmt, idx, &p);
	if (rc == 0)
		p->kind = ALX_PARAM_NULL;
	return rc;
}

int alopex_bind_int64(alopex_stmt *stmt, int idx, int64_t value)
{
	struct alx_param *p = NULL;
	int rc = bind_slot(stmt, idx, &p);
	if (rc == 0) {
		p->kind = ALX_PARAM_INT64;
		p->i = value;
	}
	return rc;
}

int alopex_bind_double(alopex_stmt *stmt, int idx, double value)
{
	struct alx_param *p = NULL;
	int rc = bind_slot(stmt, idx, &p);
	if (rc == 0) {
		p->kind = ALX_PARAM_DOUBLE;
		p->f = value;
	}
	return rc;
}

static int bind_bytes(alopex_stmt *stmt, int idx, int kind, const void *data,
		      size_t len)
{
	struct alx_param *p = NULL;
	int rc = bind_slot(stmt, idx, &p);
	if (rc != 0)
		return rc;
	if (len > 0 && data == NULL)
		return alx_db_failf(stmt->db, ALOPEX_EINVAL, NULL,
				    "bind: NULL data with a length");
	/* Portals copy parameters when they convert them, so the slot's
	 * buffer is free for reuse by the next bind. A big one is not kept
	 * for small values. */
	size_t cap = stmt->owned_cap[idx - 1];
	if (cap < len || cap == 0 || (cap > 65536 && len < cap / 4)) {
		size_t want = len < 64 ? 64 : len;
		void *nb = alx_malloc(stmt->db->rt, want);
		if (nb == NULL) {
			p->kind = ALX_PARAM_NULL;
			return alx_db_failf(stmt->db, ALOPEX_ENOMEM, "53200",
					    "out of memory");
		}
		alx_free(stmt->db->rt, stmt->owned[idx - 1]);
		stmt->owned[idx - 1] = nb;
		stmt->owned_cap[idx - 1] = want;
	}
	void *copy = stmt->owned[idx - 1];
	if (len > 0)
		memcpy(copy, data, len);
	p->kind = (uint8_t)kind;
	p->ptr = copy;
	p->len = kind == ALX_PARAM_VECTOR ? len / sizeof(float) : len;
	return 0;
}

int alopex_bind_text(alopex_stmt *stmt, int idx, const char *text, int len)
{
	if (text == NULL)
		return alopex_bind_null(stmt, idx);
	size_t n = len < 0 ? strlen(text) : (size_t)len;
	return bind_bytes(stmt, idx, ALX_PARAM_TEXT, text, n);
}

int alopex_bind_blob(alopex_stmt *stmt, int idx, const void *data, size_t len)
{
	return bind_bytes(stmt, idx, ALX_PARAM_BLOB, data, len);
}

int alopex_bind_vector(alopex_stmt *stmt, int idx, const float *values,
		       size_t count)
{
	if (stmt == NULL)
		return ALOPEX_EMISUSE;
	if (count > SIZE_MAX / sizeof(float))
		return ALOPEX_EINVAL;
	for (size_t i = 0; values != NULL && i < count; i++)
		if (!isfinite(values[i]))
			return alx_db_failf(
				stmt->db, ALOPEX_ESQL, "22000",
				"%s not allowed in vector",
				isnan(values[i]) ? "NaN" : "infinite value");
	return bind_bytes(stmt, idx, ALX_PARAM_VECTOR, values,
			  count * sizeof(float));
}

/* ---- stepping ------------------------------------------------------------------- */

int alopex_step(alopex_stmt *stmt)
{
	if (stmt == NULL)
		return ALOPEX_EMISUSE;
	alopex_db *db = stmt->db;
	pthread_mutex_lock(&db->sql->def_mu);
	int rc = 0;
	if (db->copy != NULL) {
		rc = alx_db_copy_busy(db);
		pthread_mutex_unlock(&db->sql->def_mu);
		return rc;
	}
	if (stmt->pt != NULL && stmt->done) {
		/* Stepping a finished statement runs it again: in the same
		 * portal, its memory kept, when its kind allows. */
		stmt->done = false;
		stmt->row = NULL;
		bool kept = stmt->recycled || alx_portal_recycle(stmt->pt);
		stmt->recycled = false;
		if (kept) {
			rc = alx_portal_rebind(stmt->pt, stmt->params,
					       stmt->nparams);
			if (rc != 0) {
				alx_portal_destroy(stmt->pt);
				stmt->pt = NULL;
				goto fail;
			}
		} else {
			alx_portal_destroy(stmt->pt);
			stmt->pt = NULL;
		}
	}
	if (stmt->pt == NULL) {
		stmt->done = false;
		stmt->row = NULL;
		rc = alx_portal_create(stmt->prep, stmt->params, stmt->nparams,
				       &stmt->pt);
		if (rc != 0)
			goto fail;
	}
	rc = alx_portal_next(stmt->pt, &stmt->row);
	if (rc == ALOPEX_ROW) {
		pthread_mutex_unlock(&db->sql->def_mu);
		return rc;
	}
	stmt->row = NULL;
	if (rc == ALOPEX_DONE) {
		stmt->done = true;
		alx_db_clear_error(db);
		pthread_mutex_unlock(&db->sql->def_mu);
		return rc;
	}
	if (rc == ALOPEX_AGAIN) {
		alx_portal_copy_fail(stmt->pt, "COPY FROM STDIN has no data "
					       "source in alopex_step");
		rc = ALOPEX_ENOTSUP;
		alx_db_failf(db, rc, "0A000",
			     "COPY FROM STDIN needs a protocol: use the "
			     "session API");
		stmt->done = true;
		pthread_mutex_unlock(&db->sql->def_mu);
		return rc;
	}
	stmt->done = true;
fail:
	alx_db_session_fail(db, stmt->s, rc);
	pthread_mutex_unlock(&db->sql->def_mu);
	return rc;
}

int alopex_reset(alopex_stmt *stmt)
{
	if (stmt == NULL)
		return ALOPEX_EMISUSE;
	pthread_mutex_lock(&stmt->db->sql->def_mu);
	/* A kept portal counts as finished: the next step runs it again. */
	if (stmt->pt != NULL &&
	    (stmt->recycled || alx_portal_recycle(stmt->pt))) {
		stmt->done = true;
		stmt->recycled = true;
	} else {
		alx_portal_destroy(stmt->pt);
		stmt->pt = NULL;
		stmt->done = false;
		stmt->recycled = false;
	}
	stmt->row = NULL;
	pthread_mutex_unlock(&stmt->db->sql->def_mu);
	return 0;
}

int alopex_finalize(alopex_stmt *stmt)
{
	if (stmt == NULL)
		return 0;
	alopex_db *db = stmt->db;
	pthread_mutex_lock(&db->sql->def_mu);
	alx_portal_destroy(stmt->pt);
	alx_prep_destroy(stmt->prep);
	pthread_mutex_unlock(&db->sql->def_mu);
	for (uint32_t i = 0; i < stmt->nparams; i++)
		alx_free(db->rt, stmt->owned[i]);
	alx_free(db->rt, stmt->owned);
	alx_free(db->rt, stmt->owned_cap);
	alx_free(db->rt, stmt->params);
	atomic_fetch_sub(&db->sql->nstmts, 1);
	alx_free(db->rt, stmt);
	return 0;
}

/* ---- columns --------------------------------------------------------------------- */

static const struct alx_sql_col *columns(alopex_stmt *stmt, uint32_t *n)
{
	if (stmt->pt != NULL && alx_portal_cols(stmt->pt) != NULL) {
		*n = alx_portal_ncols(stmt->pt);
		return alx_portal_cols(stmt->pt);
	}
	uint32_t np;
	const struct alx_type *types;
	const struct alx_sql_col *cols;
	if (alx_prep_describe(stmt->prep, &np, &types, n, &cols) != 0 ||
	    cols == NULL) {
		*n = 0;
		return NULL;
	}
	return cols;
}

int alopex_column_count(alopex_stmt *stmt)
{
	if (stmt == NULL)
		return 0;
	uint32_t n;
	columns(stmt, &n);
	return (int)n;
}

const char *alopex_column_name(alopex_stmt *stmt, int col)
{
	if (stmt == NULL || col < 0)
		return NULL;
	uint32_t n;
	const struct alx_sql_col *c = columns(stmt, &n);
	return c != NULL && (uint32_t)col < n ? c[col].name : NULL;
}

static const struct alx_value *value_at(alopex_stmt *stmt, int col)
{
	if (stmt == NULL || stmt->row == NULL || stmt->pt == NULL || col < 0 ||
	    (uint32_t)col >= alx_portal_ncols(stmt->pt))
		return NULL;
	return &stmt->row[col];
}

int alopex_column_type(alopex_stmt *stmt, int col)
{
	const struct alx_value *v = value_at(stmt, col);
	if (v == NULL || v->null)
		return ALOPEX_TYPE_NULL;
	switch (v->type) {
	case ALX_T_BOOL:
		return ALOPEX_TYPE_BOOL;
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
		return ALOPEX_TYPE_INT64;
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		return ALOPEX_TYPE_DOUBLE;
	case ALX_T_NUMERIC:
		return ALOPEX_TYPE_NUMERIC;
	case ALX_T_BYTEA:
		return ALOPEX_TYPE_BLOB;
	case ALX_T_VECTOR:
		return ALOPEX_TYPE_VECTOR;
	case ALX_T_DATE:
		return ALOPEX_TYPE_DATE;
	case ALX_T_TIMESTAMP:
		return ALOPEX_TYPE_TIMESTAMP;
	case ALX_T_TIMESTAMPTZ:
		return ALOPEX_TYPE_TIMESTAMPTZ;
	case ALX_T_JSON:
	case ALX_T_JSONB:
		return ALOPEX_TYPE_JSON;
	default:
		return ALOPEX_TYPE_TEXT;
	}
}

int64_t alopex_column_int64(alopex_stmt *stmt, int col)
{
	const struct alx_value *v = value_at(stmt, col);
	if (v == NULL || v->null)
		return 0;
	switch (v->type) {
	case ALX_T_BOOL:
		return v->u.b;
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
		return v->u.i;
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		if (isnan(v->u.f))
			return 0;
		return v->u.f >= 9.2233720368547758e18	  ? INT64_MAX
		       : v->u.f <= -9.2233720368547758e18 ? INT64_MIN
							  : (int64_t)v->u.f;
	case ALX_T_NUMERIC: {
		struct alx_num_ref n = {v->u.s.ptr, v->u.s.len};
		int64_t out = 0;
		if (alx_numeric_to_int(n, INT64_MIN, INT64_MAX, "bigint", &out,
				       NULL) != 0)
			out = 0;
		return out;
	}
	case ALX_T_DATE:
		return v->u.date;
	case ALX_T_TIMESTAMP:
	case ALX_T_TIMESTAMPTZ:
		return v->u.ts;
	default: {
		const char *t = alopex_column_text(stmt, col);
		return t ? strtoll(t, NULL, 10) : 0;
	}
	}
}

double alopex_column_double(alopex_stmt *stmt, int col)
{
	const struct alx_value *v = value_at(stmt, col);
	if (v == NULL || v->null)
		return 0.0;
	switch (v->type) {
	case ALX_T_FLOAT4:
	case ALX_T_FLOAT8:
		return v->u.f;
	case ALX_T_INT2:
	case ALX_T_INT4:
	case ALX_T_INT8:
		return (double)v->u.i;
	case ALX_T_BOOL:
		return v->u.b;
	case ALX_T_NUMERIC:
		return alx_numeric_approx(
			(struct alx_num_ref){v->u.s.ptr, v->u.s.len});
	default: {
		const char *t = alopex_column_text(stmt, col);
		return t ? strtod(t, NULL) : 0.0;
	}
	}
}

const void *alopex_column_blob(alopex_stmt *stmt, int col, size_t *len)
{
	const struct alx_value *v = value_at(stmt, col);
	if (v == NULL || v->null) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	switch (v->type) {
	case ALX_T_BYTEA:
	case ALX_T_TEXT:
	case ALX_T_VARCHAR:
	case ALX_T_BPCHAR:
	case ALX_T_JSON:
	case ALX_T_JSONB:
		if (len != NULL)
			*len = v->u.s.len;
		return v->u.s.len ? (const void *)v->u.s.ptr : "";
	case ALX_T_VECTOR:
		if (len != NULL)
			*len = (size_t)v->u.vec.dim * sizeof(float);
		return v->u.vec.ptr;
	default: {
		size_t n = 0;
		const char *t = alx_portal_text(stmt->pt, v, &n);
		if (len != NULL)
			*len = t ? n : 0;
		return t;
	}
	}
}

const char *alopex_column_text(alopex_stmt *stmt, int col)
{
	const struct alx_value *v = value_at(stmt, col);
	if (v == NULL || v->null)
		return NULL;
	return alx_portal_text(stmt->pt, v, NULL);
}
