/*
 * The embedded COPY API (alopex_copy_*) over the default session's COPY
 * portals (sql/sql_session.h: alx_portal_copy_in/done/fail/out), the same
 * entry points pgwire's CopyData/CopyDone/CopyFail map onto. Each call
 * holds the default session's mutex; while a COPY is open, db->copy keeps
 * other SQL calls off the session (its transaction is the COPY's).
 */
#include <string.h>

#include "db/db_internal.h"
#include "runtime/alx_diag.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_session.h"
#include "sql/sql_session_int.h"

struct alopex_copy {
	alopex_db *db;
	struct alx_session *s;
	struct alx_prep *prep;
	struct alx_portal *pt;
	unsigned flags;
	int rc;	   /* the error that failed the COPY; 0 while it runs */
	bool done; /* TO STDOUT: ALOPEX_DONE was returned */
};

int alx_db_copy_busy(alopex_db *db)
{
	return alx_db_failf(db, ALOPEX_EMISUSE, NULL,
			    "a COPY is in progress on this handle: finish it "
			    "with alopex_copy_end or alopex_copy_abort");
}

/* Frees the copy; the caller holds def_mu. */
static void copy_free(alopex_copy *cp)
{
	alopex_db *db = cp->db;
	alx_portal_destroy(cp->pt);
	alx_prep_destroy(cp->prep);
	if (db->copy == cp) {
		db->copy = NULL;
		atomic_fetch_sub(&db->sql->nstmts, 1);
	}
	alx_free(db->rt, cp);
}

int alopex_copy_begin(alopex_db *db, const char *sql, alopex_copy **out)
{
	if (db == NULL || sql == NULL || out == NULL)
		return ALOPEX_EINVAL;
	struct alx_session *s;
	int rc = alx_db_default_session(db, &s);
	if (rc != 0)
		return rc;
	alopex_copy *cp = alx_calloc(db->rt, 1, sizeof(*cp));
	if (cp == NULL)
		return alx_db_failf(db, ALOPEX_ENOMEM, "53200",
				    "out of memory");
	cp->db = db;
	cp->s = s;
	pthread_mutex_lock(&db->sql->def_mu);
	if (db->copy != NULL) {
		rc = alx_db_copy_busy(db);
		goto fail;
	}
	rc = alx_session_prepare(s, sql, strlen(sql), NULL, 0, &cp->prep);
	if (rc != 0) {
		alx_db_session_fail(db, s, rc);
		goto fail;
	}
	/* Check the kind before running anything. */
	const struct alx_sql_stmt *st = cp->prep->stmt;
	if (st == NULL || st->kind != ALX_SQL_STMT_COPY) {
		rc = alx_db_failf(db, ALOPEX_EINVAL, NULL,
				  "alopex_copy_begin runs COPY ... FROM STDIN "
				  "or COPY ... TO STDOUT only");
		goto fail;
	}
	rc = alx_portal_create(cp->prep, NULL, 0, &cp->pt);
	if (rc != 0) {
		alx_db_session_fail(db, s, rc);
		goto fail;
	}
	const struct alx_value *row;
	rc = alx_portal_next(cp->pt, &row);
	if (rc == ALOPEX_AGAIN) {
		cp->flags = ALOPEX_COPY_FROM;
	} else if (cp->pt->state == ALX_PT_COPY_OUT) {
		/* the portal says "read it with alx_portal_copy_out" */
		alx_diag_clear(&s->diag);
	} else {
		if (rc >= 0)
			rc = alx_db_failf(db, ALOPEX_EINVAL, NULL,
					  "not a COPY FROM STDIN or TO STDOUT");
		else
			alx_db_session_fail(db, s, rc);
		goto fail;
	}
	struct alx_copy_info info;
	if (alx_portal_copy_info(cp->pt, &info) == 0 && info.csv)
		cp->flags |= ALOPEX_COPY_CSV;
	db->copy = cp;
	atomic_fetch_add(&db->sql->nstmts, 1);
	alx_db_clear_error(db);
	pthread_mutex_unlock(&db->sql->def_mu);
	*out = cp;
	return 0;
fail:
	copy_free(cp);
	pthread_mutex_unlock(&db->sql->def_mu);
	return rc;
}

unsigned alopex_copy_flags(const alopex_copy *copy)
{
	return copy != NULL ? copy->flags : 0;
}

/* A COPY that can take this call: 0, or the error to return. */
static int usable(alopex_copy *cp, bool from)
{
	if (cp->rc != 0)
		return cp->rc;
	if (from != ((cp->flags & ALOPEX_COPY_FROM) != 0))
		return alx_db_failf(cp->db, ALOPEX_EMISUSE, NULL,
				    from ? "not a COPY FROM STDIN: use "
					   "alopex_copy_read"
					 : "not a COPY TO STDOUT: use "
					   "alopex_copy_write");
	return 0;
}

int alopex_copy_write(alopex_copy *copy, const void *data, size_t len)
{
	if (copy == NULL)
		return ALOPEX_EMISUSE;
	if (len > 0 && data == NULL)
		return ALOPEX_EINVAL;
	alopex_db *db = copy->db;
	pthread_mutex_lock(&db->sql->def_mu);
	int rc = usable(copy, true);
	if (rc == 0 && len > 0) {
		rc = alx_portal_copy_in(copy->pt, data, len);
		if (rc != 0)
			copy->rc = alx_db_session_fail(db, copy->s, rc);
	}
	pthread_mutex_unlock(&db->sql->def_mu);
	return rc;
}

int alopex_copy_read(alopex_copy *copy, const void **data, size_t *len)
{
	if (copy == NULL)
		return ALOPEX_EMISUSE;
	if (data == NULL || len == NULL)
		return ALOPEX_EINVAL;
	alopex_db *db = copy->db;
	pthread_mutex_lock(&db->sql->def_mu);
	int rc = usable(copy, false);
	if (rc == 0 && copy->done)
		rc = ALOPEX_DONE;
	if (rc == 0) {
		const void *d = NULL;
		size_t n = 0;
		rc = alx_portal_copy_out(copy->pt, &d, &n);
		if (rc == ALOPEX_ROW) {
			*data = d;
			*len = n;
		} else if (rc == ALOPEX_DONE) {
			copy->done = true;
		} else {
			copy->rc = alx_db_session_fail(db, copy->s, rc);
		}
	}
	pthread_mutex_unlock(&db->sql->def_mu);
	return rc;
}

uint64_t alopex_copy_rows(const alopex_copy *copy)
{
	if (copy == NULL || copy->pt == NULL)
		return 0;
	/* COPY TO counts its query's rows as they stream */
	if (copy->pt->inner != NULL && !copy->done)
		return alx_portal_rows(copy->pt->inner);
	return alx_portal_rows(copy->pt);
}

int alopex_copy_end(alopex_copy *copy)
{
	if (copy == NULL)
		return ALOPEX_EMISUSE;
	alopex_db *db = copy->db;
	pthread_mutex_lock(&db->sql->def_mu);
	int rc = copy->rc;
	if (rc == 0 && (copy->flags & ALOPEX_COPY_FROM)) {
		rc = alx_portal_copy_done(copy->pt);
		if (rc != 0)
			alx_db_session_fail(db, copy->s, rc);
		else
			alx_db_clear_error(db);
	}
	copy_free(copy);
	pthread_mutex_unlock(&db->sql->def_mu);
	return rc;
}

void alopex_copy_abort(alopex_copy *copy, const char *msg)
{
	if (copy == NULL)
		return;
	alopex_db *db = copy->db;
	pthread_mutex_lock(&db->sql->def_mu);
	if (copy->rc == 0 && (copy->flags & ALOPEX_COPY_FROM)) {
		alx_portal_copy_fail(copy->pt, msg != NULL ? msg : "aborted");
		alx_db_session_fail(db, copy->s, ALOPEX_ESQL);
	}
	copy_free(copy);
	pthread_mutex_unlock(&db->sql->def_mu);
}
