/* sql_exec_tests.h on the shared fixture (alx_test_db.h). */
#include "sql_exec_tests.h"

alopex_db *t_reopen(const char *dir)
{
	return alx_test_open_dir(dir, NULL);
}

alopex_db *t_open(char **dir)
{
	return alx_test_open_tmp("sqlexec", dir);
}

void t_close(alopex_db *db, char *dir)
{
	alx_test_close_dir(db, dir);
}

const char *t_query(alopex_db *db, const char *sql)
{
	static char buf[16384];
	return alx_test_query_rows(db, sql, buf, sizeof(buf));
}
