/*
 * VACUUM and ANALYZE. They check what PostgreSQL checks (no VACUUM in a
 * transaction block, the tables and analyzed columns exist) and then have
 * nothing to do: the storage engine reclaims old row versions itself
 * (WiredTiger drops updates no snapshot can see; the memory engine on
 * commit), so there is no dead-tuple space to recover, and the planner
 * keeps no statistics for ANALYZE to refresh. Accepting them lets clients
 * that send them (pgbench -i, ORMs' maintenance jobs) run unchanged.
 */
#include <stdio.h>
#include <string.h>

#include "sql/sql_exec_vacuum.h"
#include "sql/sql_session_int.h"
#include "sql/sql_vindex.h"

static int check_columns(struct alx_bind_ctx *b, const struct alx_cat_table *t,
			 const struct alx_sql_names *cols)
{
	for (uint32_t i = 0; i < cols->n; i++) {
		const struct alx_sql_str *c = &cols->v[i];
		bool found = false;
		for (uint32_t k = 0; k < t->ncols && !found; k++)
			found = !t->cols[k].dropped &&
				strlen(t->cols[k].name) == c->len &&
				memcmp(t->cols[k].name, c->ptr, c->len) == 0;
		if (!found)
			return alx_bind_err(b, "42703",
					    "column \"%.*s\" of relation "
					    "\"%s\" does not exist",
					    (int)c->len, c->ptr, t->name);
		for (uint32_t k = 0; k < i; k++)
			if (cols->v[k].len == c->len &&
			    memcmp(cols->v[k].ptr, c->ptr, c->len) == 0)
				return alx_bind_err(
					b, "42701",
					"column \"%.*s\" of relation \"%s\" "
					"appears more than once",
					(int)c->len, c->ptr, t->name);
	}
	return 0;
}

int alx_session_run_vacuum(struct alx_portal *pt)
{
	struct alx_session *s = pt->s;
	const struct alx_sql_vacuum *v = pt->prep->stmt->u.vacuum;
	if (v->vacuum && s->state != ALX_TXN_IDLE)
		return alx_session_err(s, "25001",
				       "VACUUM cannot run inside a "
				       "transaction block");
	struct alx_catalog *cat;
	int rc = alx_session_catalog(s, &cat);
	if (rc != 0)
		return rc;
	struct alx_bind_ctx b = {0};
	b.a = &pt->a;
	b.s = s;
	b.cat = cat;
	b.d = &s->diag;
	for (uint32_t i = 0; i < v->ntables && rc == 0; i++) {
		const struct alx_cat_table *t;
		rc = alx_bind_resolve_table(&b, &v->tables[i], &t);
		if (rc == 0)
			rc = check_columns(&b, t, &v->columns[i]);
		/* vector indexes do keep removed rows: reclaim them */
		if (rc == 0 && v->vacuum)
			rc = alx_vsql_vacuum(s, cat, t);
	}
	if (rc == 0 && v->vacuum && v->ntables == 0)
		rc = alx_vsql_vacuum(s, cat, NULL);
	alx_catalog_unref(cat);
	if (rc != 0)
		return rc;
	snprintf(pt->tag, sizeof(pt->tag), "%s",
		 v->vacuum ? "VACUUM" : "ANALYZE");
	pt->state = ALX_PT_DONE;
	return 0;
}
