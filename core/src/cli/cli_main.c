/*
 * alopex-cli: command-line access to a data directory.
 *
 *   alopex-cli [--data DIR] [--config FILE] kv put KEY VALUE
 *   alopex-cli [--data DIR] [--config FILE] kv get KEY
 *   alopex-cli [--data DIR] [--config FILE] kv del KEY
 *   alopex-cli [--data DIR] [--config FILE] kv scan [PREFIX] [--reverse]
 *                                                   [--limit N]
 *   alopex-cli [--data DIR] [--config FILE] log [--after N]
 *   alopex-cli [--data DIR] [--config FILE] sql "STATEMENT; ..."
 *
 * Keys and values are taken as given; output escapes non-printable bytes
 * as \xNN so binary data stays readable and unambiguous.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "runtime/alx_arena.h"
#include "runtime/alx_runtime.h"
#include "sql/sql_ast.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: alopex-cli [--data DIR] [--config FILE] COMMAND\n"
		"commands:\n"
		"  kv put KEY VALUE          store VALUE under KEY\n"
		"  kv get KEY                print the value (exit 1 when "
		"absent)\n"
		"  kv del KEY                delete KEY (exit 1 when absent)\n"
		"  kv scan [PREFIX] [--reverse] [--limit N]\n"
		"                            print keys and values in order\n"
		"  log [--after N]           print retained commit batches\n"
		"  sql \"STATEMENTS\"          run SQL; rows print as psql -A "
		"does\n"
		"  version                   print the version\n");
}

static void print_escaped(const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
}

static int fail(alopex_db *db, const char *what)
{
	fprintf(stderr, "alopex-cli: %s: %s\n", what, alopex_errmsg(db));
	return 1;
}

/* Run one write with retries on conflicts (other writers may be busy). */
static int kv_write(alopex_db *db, const char *key, const char *val)
{
	for (int attempt = 0; attempt < 10; attempt++) {
		alopex_kv_txn *txn;
		int rc = alopex_kv_begin(db, 0, &txn);
		if (rc != 0)
			return fail(db, "begin");
		rc = val != NULL ? alopex_kv_put(txn, key, strlen(key), val,
						 strlen(val))
				 : alopex_kv_delete(txn, key, strlen(key));
		if (rc == ALOPEX_ENOTFOUND) {
			alopex_kv_rollback(txn);
			fprintf(stderr, "alopex-cli: key not found\n");
			return 1;
		}
		if (rc == 0)
			rc = alopex_kv_commit(txn);
		else
			alopex_kv_rollback(txn);
		if (rc == 0)
			return 0;
		if (rc != ALOPEX_ECONFLICT)
			return fail(db, val != NULL ? "put" : "del");
	}
	return fail(db, "write kept conflicting");
}

static int kv_get(alopex_db *db, const char *key)
{
	alopex_kv_txn *txn;
	if (alopex_kv_begin(db, ALOPEX_KV_READONLY, &txn) != 0)
		return fail(db, "begin");
	const void *val;
	size_t vlen;
	int rc = alopex_kv_get(txn, key, strlen(key), &val, &vlen);
	if (rc == 0) {
		print_escaped(val, vlen);
		putchar('\n');
	} else if (rc == ALOPEX_ENOTFOUND) {
		fprintf(stderr, "alopex-cli: key not found\n");
	} else {
		fail(db, "get");
	}
	alopex_kv_rollback(txn);
	return rc == 0 ? 0 : 1;
}

static int kv_scan(alopex_db *db, int argc, char **argv)
{
	const char *prefix = NULL;
	int reverse = 0;
	long limit = -1;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--reverse") == 0) {
			reverse = 1;
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			char *end;
			limit = strtol(argv[++i], &end, 10);
			if (*end != '\0' || limit < 0) {
				fprintf(stderr, "alopex-cli: --limit needs a "
						"non-negative number\n");
				return 2;
			}
		} else if (prefix == NULL && argv[i][0] != '-') {
			prefix = argv[i];
		} else {
			fprintf(stderr,
				"alopex-cli: unexpected argument '%s'\n",
				argv[i]);
			return 2;
		}
	}
	/* A prefix p scans [p, p+1) where p+1 increments the last byte. */
	char *hi = NULL;
	size_t plen = prefix ? strlen(prefix) : 0, hilen = plen;
	if (plen > 0) {
		hi = malloc(plen);
		if (hi == NULL)
			return 1;
		memcpy(hi, prefix, plen);
		while (hilen > 0 && (unsigned char)hi[hilen - 1] == 0xff)
			hilen--;
		if (hilen > 0)
			hi[hilen - 1]++;
	}
	alopex_kv_txn *txn;
	alopex_kv_cursor *cur;
	int rc = 1;
	if (alopex_kv_begin(db, ALOPEX_KV_READONLY, &txn) != 0) {
		free(hi);
		return fail(db, "begin");
	}
	if (alopex_kv_scan(txn, prefix, plen, hilen > 0 ? hi : NULL, hilen,
			   reverse ? ALOPEX_SCAN_REVERSE : 0, &cur) != 0) {
		fail(db, "scan");
		goto out;
	}
	const void *k, *v;
	size_t kl, vl;
	long n = 0;
	int step;
	while ((limit < 0 || n < limit) &&
	       (step = alopex_kv_cursor_next(cur, &k, &kl, &v, &vl)) ==
		       ALOPEX_ROW) {
		print_escaped(k, kl);
		putchar('\t');
		print_escaped(v, vl);
		putchar('\n');
		n++;
	}
	if ((limit < 0 || n < limit) && step != ALOPEX_DONE)
		fail(db, "scan");
	else
		rc = 0;
	alopex_kv_cursor_close(cur);
out:
	alopex_kv_rollback(txn);
	free(hi);
	return rc;
}

static int print_batch(void *arg, const alopex_batch *b)
{
	(void)arg;
	printf("batch %llu: %zu mutation%s\n", (unsigned long long)b->position,
	       b->count, b->count == 1 ? "" : "s");
	for (size_t i = 0; i < b->count; i++) {
		const alopex_mutation *m = &b->mutations[i];
		printf("  %s ", m->op == ALOPEX_MUT_PUT		   ? "put"
				: m->op == ALOPEX_MUT_DELETE_RANGE ? "delrange"
								   : "del");
		print_escaped(m->key, m->klen);
		if (m->op != ALOPEX_MUT_DELETE) {
			putchar(' ');
			print_escaped(m->val, m->vlen);
		}
		putchar('\n');
	}
	return 0;
}

static int show_log(alopex_db *db, int argc, char **argv)
{
	unsigned long long after = 0;
	if (argc == 2 && strcmp(argv[0], "--after") == 0) {
		char *end;
		errno = 0;
		after = strtoull(argv[1], &end, 10);
		if (errno != 0 || *end != '\0') {
			fprintf(stderr, "alopex-cli: --after needs a number\n");
			return 2;
		}
	} else if (argc != 0) {
		usage(stderr);
		return 2;
	}
	int rc = alopex_log_read(db, after, print_batch, NULL);
	if (rc == ALOPEX_ENOTFOUND) {
		fprintf(stderr,
			"alopex-cli: batches after %llu are no longer "
			"retained\n",
			after);
		return 1;
	}
	return rc == 0 ? 0 : fail(db, "log");
}

/* Rows as psql's unaligned output: a header, rows with '|', a count. */
static int run_statement(alopex_db *db, const char *text)
{
	alopex_stmt *st;
	if (alopex_prepare(db, text, &st) != 0) {
		fprintf(stderr, "ERROR:  %s: %s\n", alopex_sqlstate(db),
			alopex_errmsg(db));
		return 1;
	}
	int ncols = alopex_column_count(st), rc;
	long rows = 0;
	for (int c = 0; c < ncols; c++)
		printf("%s%s", c ? "|" : "", alopex_column_name(st, c));
	if (ncols > 0)
		putchar('\n');
	while ((rc = alopex_step(st)) == ALOPEX_ROW) {
		for (int c = 0; c < ncols; c++) {
			const char *v = alopex_column_text(st, c);
			printf("%s%s", c ? "|" : "", v != NULL ? v : "");
		}
		putchar('\n');
		rows++;
	}
	if (rc != ALOPEX_DONE) {
		fprintf(stderr, "ERROR:  %s: %s\n", alopex_sqlstate(db),
			alopex_errmsg(db));
		alopex_finalize(st);
		return 1;
	}
	if (ncols > 0)
		printf("(%ld row%s)\n", rows, rows == 1 ? "" : "s");
	alopex_finalize(st);
	return 0;
}

/* Split the text into statements with the parser, run each in turn. */
static int run_sql(alopex_db *db, const char *sql)
{
	struct alx_runtime *rt = NULL;
	if (alx_runtime_create(NULL, &rt, NULL) != 0)
		return 1;
	struct alx_arena a;
	alx_arena_init(&a, rt, 0);
	size_t len = strlen(sql), off = 0, next;
	int status = 0;
	for (;;) {
		struct alx_sql_stmt *stmt;
		struct alx_sql_error err;
		alopex_diag d;
		alx_arena_reset(&a);
		int rc = alx_sql_parse_next(&a, sql, len, off, NULL, &stmt,
					    &next, &err, &d);
		if (rc == ALOPEX_DONE)
			break;
		if (rc != 0) {
			fprintf(stderr, "ERROR:  %s: %s\n", d.sqlstate,
				d.message);
			status = 1;
			break;
		}
		char *text = alx_arena_strndup(&a, sql + stmt->start,
					       stmt->end - stmt->start);
		if (text == NULL || run_statement(db, text) != 0) {
			status = 1;
			break;
		}
		off = next;
	}
	alx_arena_fini(&a);
	alx_runtime_destroy(rt);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'D'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *data = "./data", *config = NULL;
	int c;
	/* "+": stop at the command so its own flags are left alone. */
	while ((c = getopt_long(argc, argv, "+D:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			data = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[0], "version") == 0) {
		printf("alopex-cli %s\n", ALOPEX_VERSION);
		return 0;
	}
	int is_kv = strcmp(argv[0], "kv") == 0;
	int is_sql = strcmp(argv[0], "sql") == 0;
	if (!(is_kv && argc >= 2) && !(is_sql && argc == 2) &&
	    strcmp(argv[0], "log") != 0) {
		usage(stderr);
		return 2;
	}
	alopex_diag d;
	alopex_db *db = NULL;
	alopex_open_options o = {.size = sizeof(o),
				 .log_level = ALOPEX_LOG_WARN,
				 .create_if_missing = 1};
	if (alopex_open_ex(data, config, &o, &db, &d) != 0) {
		if (d.line > 0)
			fprintf(stderr, "alopex-cli: %s:%u:%u: %s\n", d.file,
				d.line, d.col, d.message);
		else
			fprintf(stderr, "alopex-cli: %s\n", d.message);
		return 1;
	}
	int rc = 2;
	if (is_sql)
		rc = run_sql(db, argv[1]);
	else if (!is_kv)
		rc = show_log(db, argc - 1, argv + 1);
	else if (strcmp(argv[1], "put") == 0 && argc == 4)
		rc = kv_write(db, argv[2], argv[3]);
	else if (strcmp(argv[1], "get") == 0 && argc == 3)
		rc = kv_get(db, argv[2]);
	else if (strcmp(argv[1], "del") == 0 && argc == 3)
		rc = kv_write(db, argv[2], NULL);
	else if (strcmp(argv[1], "scan") == 0)
		rc = kv_scan(db, argc - 2, argv + 2);
	else
		usage(stderr);
	alopex_close(db);
	return rc;
}
