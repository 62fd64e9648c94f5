/*
 * SQL entry points. The SQL engine (parser, planner, executor) is the next
 * milestone; until it lands every statement is refused with SQLSTATE 0A000
 * so callers get a clear answer instead of a crash or a silent no-op.
 */
#include "db/db_internal.h"

struct alopex_stmt {
	alopex_db *db;
};

static int sql_unsupported(alopex_db *db)
{
	return alx_db_failf(db, ALOPEX_ENOTSUP, "0A000",
			    "SQL statements are not supported yet in this "
			    "build of Alopex; use the key-value API "
			    "(alopex_kv_*)");
}

int alopex_exec(alopex_db *db, const char *sql)
{
	if (db == NULL || sql == NULL)
		return ALOPEX_EINVAL;
	return sql_unsupported(db);
}

int alopex_prepare(alopex_db *db, const char *sql, alopex_stmt **out)
{
	if (db == NULL || sql == NULL || out == NULL)
		return ALOPEX_EINVAL;
	return sql_unsupported(db);
}

/* No statement can exist yet, so every call on one is misuse. */
int alopex_bind_null(alopex_stmt *stmt, int idx)
{
	(void)idx;
	return stmt == NULL ? ALOPEX_EMISUSE : ALOPEX_EINTERNAL;
}

int alopex_bind_int64(alopex_stmt *stmt, int idx, int64_t value)
{
	(void)value;
	return alopex_bind_null(stmt, idx);
}

int alopex_bind_double(alopex_stmt *stmt, int idx, double value)
{
	(void)value;
	return alopex_bind_null(stmt, idx);
}

int alopex_bind_text(alopex_stmt *stmt, int idx, const char *text, int len)
{
	(void)text;
	(void)len;
	return alopex_bind_null(stmt, idx);
}

int alopex_bind_blob(alopex_stmt *stmt, int idx, const void *data, size_t len)
{
	(void)data;
	(void)len;
	return alopex_bind_null(stmt, idx);
}

int alopex_bind_vector(alopex_stmt *stmt, int idx, const float *values,
		       size_t count)
{
	(void)values;
	(void)count;
	return alopex_bind_null(stmt, idx);
}

int alopex_step(alopex_stmt *stmt)
{
	return stmt == NULL ? ALOPEX_EMISUSE : ALOPEX_EINTERNAL;
}

int alopex_reset(alopex_stmt *stmt)
{
	return alopex_step(stmt);
}

int alopex_column_count(alopex_stmt *stmt)
{
	(void)stmt;
	return 0;
}

const char *alopex_column_name(alopex_stmt *stmt, int col)
{
	(void)stmt;
	(void)col;
	return NULL;
}

int alopex_column_type(alopex_stmt *stmt, int col)
{
	(void)stmt;
	(void)col;
	return ALOPEX_TYPE_NULL;
}

int64_t alopex_column_int64(alopex_stmt *stmt, int col)
{
	(void)stmt;
	(void)col;
	return 0;
}

double alopex_column_double(alopex_stmt *stmt, int col)
{
	(void)stmt;
	(void)col;
	return 0.0;
}

const void *alopex_column_blob(alopex_stmt *stmt, int col, size_t *len)
{
	(void)stmt;
	(void)col;
	if (len != NULL)
		*len = 0;
	return NULL;
}

const char *alopex_column_text(alopex_stmt *stmt, int col)
{
	(void)stmt;
	(void)col;
	return NULL;
}

int alopex_finalize(alopex_stmt *stmt)
{
	(void)stmt;
	return 0;
}
