/* A program a user writes against the installed library. */
#include <alopex.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: example DIR\n");
		return 2;
	}
	alopex_db *db;
	alopex_diag diag;
	if (alopex_open_ex(argv[1], NULL, NULL, &db, &diag) != 0) {
		fprintf(stderr, "open: %s\n", diag.message);
		return 1;
	}
	alopex_kv_txn *txn;
	const void *val;
	size_t len;
	if (alopex_kv_begin(db, 0, &txn) != 0 ||
	    alopex_kv_put(txn, "fox", 3, "arctic", 6) != 0 ||
	    alopex_kv_commit(txn) != 0 ||
	    alopex_kv_begin(db, ALOPEX_KV_READONLY, &txn) != 0 ||
	    alopex_kv_get(txn, "fox", 3, &val, &len) != 0) {
		fprintf(stderr, "kv: %s\n", alopex_errmsg(db));
		return 1;
	}
	printf("fox=%.*s\n", (int)len, (const char *)val);
	alopex_kv_rollback(txn);
	return alopex_close(db) == 0 ? 0 : 1;
}
