/*
 * pg_catalog / information_schema virtual tables and the functions psql's
 * describe queries call, through the embedded API. The queries psql 15
 * sends are in psql15_describe.sql, captured with `psql -E`; the expected
 * values (names, formatted types, index definitions, ...) were checked
 * against PostgreSQL 15 for the same objects.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "alx_test_db.h"

#define t_exec(db, sql) ALX_TEST_EXEC(db, sql)

/* Rows as text (alx_test_query_rows); NULL when the query fails. Static
 * buffer. */
static const char *t_query(alopex_db *db, const char *sql)
{
	static char buf[32768];
	return alx_test_query_rows(db, sql, buf, sizeof(buf));
}

static void expect_at(alopex_db *db, const char *sql, const char *want,
		      int line)
{
	const char *got = t_query(db, sql);
	if (got == NULL || strcmp(got, want) != 0)
		fprintf(stderr, "line %d: %s\n  got:  [%s]\n  want: [%s]\n",
			line, sql, got ? got : "(error)", want);
	CU_ASSERT_PTR_NOT_NULL(got);
	if (got != NULL)
		CU_ASSERT_STRING_EQUAL(got, want);
}
#define expect(db, sql, want) expect_at(db, sql, want, __LINE__)

static void make_objects(alopex_db *db)
{
	t_exec(db, "CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL "
		   "DEFAULT 'x', v numeric(10,2), c varchar(20))");
	t_exec(db, "CREATE INDEX t_name ON t (name)");
	t_exec(db, "CREATE SEQUENCE s1");
	t_exec(db, "CREATE TABLE t2 (id serial PRIMARY KEY, a int CHECK "
		   "(a > 0), b text)");
}

/* ---- the captured psql queries -------------------------------------- */

struct captured {
	char cmd[32];
	char *sql;
};

static int load_captured(struct captured *out, int max)
{
	FILE *f = fopen(ALX_SYSCAT_QUERIES, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	static char text[65536];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	int k = 0;
	char *p = text;
	while (k < max && (p = strstr(p, "-- query ")) != NULL) {
		p += 9;
		char *nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		*nl = 0;
		snprintf(out[k].cmd, sizeof(out[k].cmd), "%s", p);
		out[k].sql = nl + 1;
		char *end = strstr(out[k].sql, ";\n");
		if (end == NULL)
			break;
		end[1] = 0;
		p = end + 2;
		k++;
	}
	return k;
}

/* The query with @OID@ replaced; static buffer. */
static const char *with_oid(const char *sql, const char *oid)
{
	static char buf[8192];
	size_t o = 0;
	for (const char *p = sql; *p && o < sizeof(buf) - 16;) {
		if (strncmp(p, "@OID@", 5) == 0) {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s",
					      oid);
			p += 5;
		} else {
			buf[o++] = *p++;
		}
	}
	buf[o] = 0;
	return buf;
}

/* Every captured query runs; the \d family finds its objects. */
static void test_psql_queries_run(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("syscat", &dir);
	make_objects(db);
	static struct captured q[64];
	int n = load_captured(q, 64);
	CU_ASSERT(n >= 50);
	char oid[32] = "0";
	for (int i = 0; i < n; i++) {
		/* the first query of "\d name" finds the object's OID */
		const char *sp = strchr(q[i].cmd, ' ');
		bool first = i == 0 || strcmp(q[i - 1].cmd, q[i].cmd) != 0;
		if (first && sp != NULL && strncmp(q[i].cmd, "\\d", 2) == 0 &&
		    strchr("tsv", q[i].cmd[2]) == NULL) {
			char tmp[256];
			snprintf(
				tmp, sizeof(tmp),
				"SELECT oid FROM pg_class WHERE relname = '%s'",
				sp + 1);
			const char *r = t_query(db, tmp);
			snprintf(oid, sizeof(oid), "%s", r && *r ? r : "0");
		}
		const char *res = t_query(db, with_oid(q[i].sql, oid));
		if (res == NULL)
			fprintf(stderr, "psql query for %s failed\n", q[i].cmd);
		CU_ASSERT_PTR_NOT_NULL(res);
	}
	alx_test_close_dir(db, dir);
}

static const char *q_of(struct captured *q, int n, const char *cmd, int k)
{
	for (int i = 0; i < n; i++)
		if (strcmp(q[i].cmd, cmd) == 0 && k-- == 0)
			return q[i].sql;
	fprintf(stderr, "captured query for %s missing\n", cmd);
	CU_FAIL("captured query missing");
	return "SELECT 1";
}

/* What psql's queries return: checked against PostgreSQL 15's answers
 * for the same objects (OIDs and owners aside). */
static void test_psql_describe_results(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("syscat", &dir);
	make_objects(db);
	static struct captured q[64];
	int n = load_captured(q, 64);
	expect(db, q_of(q, n, "\\dt", 0),
	       "public|t|table|postgres\npublic|t2|table|postgres");
	expect(db, q_of(q, n, "\\dt t", 0), "public|t|table|postgres");
	expect(db, q_of(q, n, "\\di", 0),
	       "public|t2_pkey|index|postgres|t2\n"
	       "public|t_name|index|postgres|t\n"
	       "public|t_pkey|index|postgres|t");
	expect(db, q_of(q, n, "\\ds", 0),
	       "public|s1|sequence|postgres\n"
	       "public|t2_id_seq|sequence|postgres");
	expect(db, q_of(q, n, "\\dn", 0), "public|postgres");
	expect(db, q_of(q, n, "\\l", 0),
	       "alopex|postgres|UTF8|C|C|<null>|libc|<null>");
	expect(db, q_of(q, n, "\\du", 0),
	       "postgres|t|t|t|t|t|-1|<null>|{}|t|t");

	char oid[32];
	snprintf(oid, sizeof(oid), "%s",
		 t_query(db, "SELECT oid FROM pg_class WHERE relname = 't'"));
	/* \d t: the pattern query, then columns and indexes */
	const char *r = t_query(db, q_of(q, n, "\\d t", 0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	char want[128];
	snprintf(want, sizeof(want), "%s|public|t", oid);
	CU_ASSERT_STRING_EQUAL(r, want);
	expect(db, with_oid(q_of(q, n, "\\d t", 1), oid),
	       "0|r|t|f|f|f|f|f|f||0||p|d|heap");
	expect(db, with_oid(q_of(q, n, "\\d t", 2), oid),
	       "id|integer|<null>|t|<null>||\n"
	       "name|text|'x'::text|t|<null>||\n"
	       "v|numeric(10,2)|<null>|f|<null>||\n"
	       "c|character varying(20)|<null>|f|<null>||");
	expect(db, with_oid(q_of(q, n, "\\d t", 3), oid),
	       "t_pkey|t|t|f|t|CREATE UNIQUE INDEX t_pkey ON t USING btree "
	       "(id)|PRIMARY KEY (id)|p|f|f|f|0\n"
	       "t_name|f|f|f|t|CREATE INDEX t_name ON t USING btree "
	       "(name)|<null>|<null>|<null>|<null>|f|0");
	/* \d+ t: storage column */
	expect(db, with_oid(q_of(q, n, "\\d+ t", 2), oid),
	       "id|integer|<null>|t|<null>|||p||<null>|<null>\n"
	       "name|text|'x'::text|t|<null>|||x||<null>|<null>\n"
	       "v|numeric(10,2)|<null>|f|<null>|||m||<null>|<null>\n"
	       "c|character varying(20)|<null>|f|<null>|||x||<null>|<null>");
	/* \d s1 */
	snprintf(oid, sizeof(oid), "%s",
		 t_query(db, "SELECT oid FROM pg_class WHERE relname = 's1'"));
	expect(db, with_oid(q_of(q, n, "\\d s1", 2), oid),
	       "bigint|1|1|9223372036854775807|1|no|1");
	/* \d t2's serial sequence is owned by its column */
	snprintf(oid, sizeof(oid), "%s",
		 t_query(db, "SELECT oid FROM pg_class WHERE relname = "
			     "'t2_id_seq'"));
	expect(db, with_oid(q_of(q, n, "\\d s1", 3), oid), "public.t2.id|a");
	snprintf(oid, sizeof(oid), "%s",
		 t_query(db, "SELECT oid FROM pg_class WHERE relname = 't2'"));
	expect(db, with_oid(q_of(q, n, "\\d t2", 0), oid),
	       "t2_a_check|CHECK (a > 0)");
	/* \d t_name */
	snprintf(oid, sizeof(oid), "%s",
		 t_query(db, "SELECT oid FROM pg_class WHERE relname = "
			     "'t_name'"));
	expect(db, with_oid(q_of(q, n, "\\d t_name", 2), oid),
	       "name|text|yes|name");
	expect(db, with_oid(q_of(q, n, "\\d t_name", 3), oid),
	       "f|f|f|t|f|f|f|f|btree|t|<null>");
	alx_test_close_dir(db, dir);
}

static void test_catalog_functions(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("syscat", &dir);
	make_objects(db);
	/* format_type: PostgreSQL 15's spellings */
	expect(db,
	       "SELECT format_type(1043, 24), format_type(1700, 655366), "
	       "format_type(1114, 3), format_type(1184, -1), "
	       "format_type(23, NULL), format_type(0, NULL), "
	       "format_type(999999, NULL), format_type(1042, 5), "
	       "format_type(1042, -1), format_type(16, -1)",
	       "character varying(20)|numeric(10,2)|"
	       "timestamp(3) without time zone|timestamp with time zone|"
	       "integer|-|???|character(1)|bpchar|boolean");
	expect(db,
	       "SELECT pg_size_pretty(0::bigint), pg_size_pretty(10239), "
	       "pg_size_pretty(10240), pg_size_pretty(123456789), "
	       "pg_size_pretty(-5000000000)",
	       "0 bytes|10239 bytes|10 kB|118 MB|-4768 MB");
	expect(db, "SELECT 't'::regclass::text, 'pg_class'::regclass",
	       "t|1259");
	expect(db,
	       "SELECT c.oid::regclass, c.relname FROM pg_class c WHERE "
	       "c.relname OPERATOR(pg_catalog.~) '^(t.*)$' COLLATE "
	       "pg_catalog.default AND pg_table_is_visible(c.oid) ORDER BY 2",
	       "t|t\nt2|t2\nt2_id_seq|t2_id_seq\nt2_pkey|t2_pkey\n"
	       "t_name|t_name\nt_pkey|t_pkey");
	expect(db,
	       "SELECT 'abc' ~ 'b', 'abc' !~ 'b', 'ABC' ~* 'b', "
	       "'ABC' !~* 'x'",
	       "t|f|t|t");
	expect(db,
	       "SELECT current_schemas(true), current_schemas(false), "
	       "current_database(), quote_ident('a b'), quote_ident('ab')",
	       "{pg_catalog,public}|{public}|alopex|\"a b\"|ab");
	expect(db,
	       "SELECT ARRAY(SELECT relname FROM pg_class WHERE relname "
	       "IN ('t', 't2') ORDER BY 1), 2 = ANY ('{1,2}'), "
	       "array_to_string('{a,NULL,\"b c\"}', '-'), "
	       "array_upper('{1,2,3}', 1), ('{7,8}'::int2[])[2]",
	       "{t,t2}|t|a-b c|3|8");
	expect(db, "SELECT x FROM unnest('{a,b}'::text[]) x", "a\nb");
	expect(db,
	       "SELECT pg_get_userbyid(10), pg_table_is_visible("
	       "'t'::regclass), has_table_privilege('t', 'SELECT'), "
	       "obj_description('t'::regclass, 'pg_class'), "
	       "pg_encoding_to_char(6)",
	       "postgres|t|t|<null>|UTF8");
	expect(db, "SELECT version() LIKE 'PostgreSQL 15.%'", "t");
	alx_test_close_dir(db, dir);
}

static void test_info_schema(void)
{
	char *dir;
	alopex_db *db = alx_test_open_tmp("syscat", &dir);
	make_objects(db);
	expect(db,
	       "SELECT column_name, ordinal_position, column_default, "
	       "is_nullable, data_type, character_maximum_length, "
	       "numeric_precision, numeric_scale, udt_name FROM "
	       "information_schema.columns WHERE table_name = 't' ORDER BY "
	       "ordinal_position",
	       "id|1|<null>|NO|integer|<null>|32|0|int4\n"
	       "name|2|'x'::text|NO|text|<null>|<null>|<null>|text\n"
	       "v|3|<null>|YES|numeric|<null>|10|2|numeric\n"
	       "c|4|<null>|YES|character varying|20|<null>|<null>|varchar");
	expect(db,
	       "SELECT table_name, table_type FROM information_schema.tables "
	       "WHERE table_schema = 'public' ORDER BY 1",
	       "t|BASE TABLE\nt2|BASE TABLE");
	expect(db,
	       "SELECT schema_name FROM information_schema.schemata ORDER BY 1",
	       "information_schema\npg_catalog\npublic");
	/* unknown catalog tables are 42P01, user tables are not shadowed
	 * by information_schema's names */
	CU_ASSERT(alopex_exec(db, "SELECT * FROM pg_catalog.nope") < 0);
	CU_ASSERT_STRING_EQUAL(alopex_sqlstate(db), "42P01");
	t_exec(db, "CREATE TABLE tables (x int)");
	expect(db, "SELECT count(*) FROM tables", "0");
	/* a transaction sees its own DDL in the catalogs */
	t_exec(db, "BEGIN");
	t_exec(db, "CREATE TABLE t3 (z int)");
	expect(db, "SELECT relname FROM pg_class WHERE relname = 't3'", "t3");
	t_exec(db, "ROLLBACK");
	expect(db, "SELECT count(*) FROM pg_class WHERE relname = 't3'", "0");
	/* pg_settings follows SET */
	t_exec(db, "SET extra_float_digits = 2");
	expect(db,
	       "SELECT setting FROM pg_settings WHERE name = "
	       "'extra_float_digits'",
	       "2");
	alx_test_close_dir(db, dir);
}

static const struct alx_test_case cases[] = {
	{"psql_queries_run", test_psql_queries_run},
	{"psql_describe_results", test_psql_describe_results},
	{"catalog_functions", test_catalog_functions},
	{"info_schema", test_info_schema},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"syscat", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *suites[] = {&suite, NULL};
	return alx_test_main(argc, argv, suites);
}
