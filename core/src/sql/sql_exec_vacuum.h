/* VACUUM and ANALYZE statements (sql_exec_vacuum.c). */
#ifndef ALX_SQL_EXEC_VACUUM_H
#define ALX_SQL_EXEC_VACUUM_H

struct alx_portal;

/* Runs the portal's VACUUM or ANALYZE: checks, then done (tag set). */
int alx_session_run_vacuum(struct alx_portal *pt);

#endif
