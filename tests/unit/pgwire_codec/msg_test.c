/*
 * pgw_parse: every frontend message kind, PG's validation errors (wording
 * as PostgreSQL 15's backend prints them), truncated and oversized input,
 * and a pipelined stream split at every byte position.
 */
#include "codec_tests.h"
#include "pgw_msg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLEN (1u << 20)

/* A message under construction; typed messages get their length patched. */
struct mb {
	uint8_t b[70000];
	size_t n, start;
};

static void mb_u8(struct mb *m, uint8_t v)
{
	m->b[m->n++] = v;
}

static void mb_u16(struct mb *m, uint16_t v)
{
	mb_u8(m, (uint8_t)(v >> 8));
	mb_u8(m, (uint8_t)v);
}

static void mb_u32(struct mb *m, uint32_t v)
{
	mb_u16(m, (uint16_t)(v >> 16));
	mb_u16(m, (uint16_t)v);
}

static void mb_str(struct mb *m, const char *s)
{
	size_t l = strlen(s) + 1;

	memcpy(m->b + m->n, s, l);
	m->n += l;
}

static void mb_raw(struct mb *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void mb_begin(struct mb *m, char type)
{
	m->start = m->n;
	mb_u8(m, (uint8_t)type);
	mb_u32(m, 0);
}

static void mb_end(struct mb *m)
{
	uint32_t l = (uint32_t)(m->n - m->start - 1);

	m->b[m->start + 1] = (uint8_t)(l >> 24);
	m->b[m->start + 2] = (uint8_t)(l >> 16);
	m->b[m->start + 3] = (uint8_t)(l >> 8);
	m->b[m->start + 4] = (uint8_t)l;
}

static void mb_startup_begin(struct mb *m, uint32_t code)
{
	m->start = m->n;
	mb_u32(m, 0);
	mb_u32(m, code);
}

static void mb_startup_end(struct mb *m)
{
	uint32_t l = (uint32_t)(m->n - m->start);

	m->b[m->start] = (uint8_t)(l >> 24);
	m->b[m->start + 1] = (uint8_t)(l >> 16);
	m->b[m->start + 2] = (uint8_t)(l >> 8);
	m->b[m->start + 3] = (uint8_t)l;
}

static bool sl_eq(struct pgw_slice s, const char *want)
{
	return s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

/* Parses one whole message, checks every proper prefix needs more. */
static int parse_all(const struct mb *m, int startup, struct pgw_fe_msg *out,
		     char *err)
{
	size_t used = 0;
	int rc;

	for (size_t k = 0; k < m->n; k++) {
		rc = pgw_parse(m->b, k, startup, MAXLEN, out, &used, err, 200);
		if (rc != 0)
			return rc < 0 ? rc : -1000;
	}
	rc = pgw_parse(m->b, m->n, startup, MAXLEN, out, &used, err, 200);
	if (rc == 1)
		CU_ASSERT_EQUAL(used, m->n);
	return rc;
}

/* Expects an error rc with message want from the whole buffer. */
static void expect_err(const struct mb *m, int startup, size_t max, int rc,
		       const char *want)
{
	struct pgw_fe_msg out;
	char err[200] = "";
	size_t used = 12345;
	int got = pgw_parse(m->b, m->n, startup, max, &out, &used, err,
			    sizeof(err));

	CU_ASSERT_EQUAL(got, rc);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_EQUAL(used, 12345); /* out-params untouched on error */
}

static void test_startup(void)
{
	static struct mb m;
	struct pgw_fe_msg out;
	char err[200];

	m.n = 0;
	mb_startup_begin(&m, 196608);
	mb_str(&m, "user");
	mb_str(&m, "alice");
	mb_str(&m, "database");
	mb_str(&m, "db1");
	mb_str(&m, "application_name");
	mb_str(&m, "");
	mb_u8(&m, 0);
	mb_startup_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 1, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_STARTUP);
	CU_ASSERT_EQUAL(out.u.startup.version, 196608);
	CU_ASSERT_EQUAL(out.u.startup.nparams, 3);
	CU_ASSERT(sl_eq(out.u.startup.names[0], "user"));
	CU_ASSERT(sl_eq(out.u.startup.values[0], "alice"));
	CU_ASSERT(sl_eq(out.u.startup.names[1], "database"));
	CU_ASSERT(sl_eq(out.u.startup.values[1], "db1"));
	CU_ASSERT(sl_eq(out.u.startup.names[2], "application_name"));
	CU_ASSERT(sl_eq(out.u.startup.values[2], ""));

	/* No parameters at all: just the terminator. Minor 3.2 is parsed
	 * (the session answers with NegotiateProtocolVersion). */
	m.n = 0;
	mb_startup_begin(&m, 196610);
	mb_u8(&m, 0);
	mb_startup_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 1, &out, err), 1);
	CU_ASSERT_EQUAL(out.u.startup.nparams, 0);
	CU_ASSERT_EQUAL(out.u.startup.version, 196610);
}

static void test_startup_errors(void)
{
	static struct mb m;
	char name[16];

	/* Version 2.0. */
	m.n = 0;
	mb_startup_begin(&m, 2u << 16);
	mb_u8(&m, 0);
	mb_startup_end(&m);
	expect_err(&m, 1, MAXLEN, -EPROTO,
		   "unsupported frontend protocol 2.0: server supports 3.0 "
		   "to 3.0");
	/* Length below 8 and above PG's 10000 limit: from 4 bytes alone. */
	m.n = 0;
	mb_u32(&m, 7);
	expect_err(&m, 1, MAXLEN, -EPROTO, "invalid length of startup packet");
	m.n = 0;
	mb_u32(&m, 10001);
	expect_err(&m, 1, MAXLEN, -EPROTO, "invalid length of startup packet");
	m.n = 0;
	mb_u32(&m, 0x80000000u);
	expect_err(&m, 1, MAXLEN, -EPROTO, "invalid length of startup packet");
	/* Missing terminator; value missing; terminator not last. */
	m.n = 0;
	mb_startup_begin(&m, 196608);
	mb_str(&m, "user");
	mb_str(&m, "bob");
	mb_startup_end(&m);
	expect_err(&m, 1, MAXLEN, -EPROTO,
		   "invalid startup packet layout: expected terminator as "
		   "last byte");
	m.n = 0;
	mb_startup_begin(&m, 196608);
	mb_str(&m, "user");
	mb_u8(&m, 0);
	mb_startup_end(&m);
	expect_err(&m, 1, MAXLEN, -EPROTO,
		   "invalid startup packet layout: expected terminator as "
		   "last byte");
	m.n = 0;
	mb_startup_begin(&m, 196608);
	mb_str(&m, "user");
	mb_str(&m, "bob");
	mb_u8(&m, 0);
	mb_u8(&m, 'x');
	mb_startup_end(&m);
	expect_err(&m, 1, MAXLEN, -EPROTO,
		   "invalid startup packet layout: expected terminator as "
		   "last byte");
	/* Unterminated value at the very end. */
	m.n = 0;
	mb_startup_begin(&m, 196608);
	mb_str(&m, "user");
	mb_raw(&m, "bob", 3);
	mb_startup_end(&m);
	expect_err(&m, 1, MAXLEN, -EPROTO,
		   "invalid startup packet layout: expected terminator as "
		   "last byte");
	/* 65 pairs. */
	m.n = 0;
	mb_startup_begin(&m, 196608);
	for (int i = 0; i < 65; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		mb_str(&m, name);
		mb_str(&m, "v");
	}
	mb_u8(&m, 0);
	mb_startup_end(&m);
	expect_err(&m, 1, MAXLEN, -EPROTO,
		   "too many parameters in startup packet (max 64)");
	/* Cancel and SSL requests of the wrong size. */
	m.n = 0;
	mb_startup_begin(&m, 80877102);
	mb_u32(&m, 1);
	mb_startup_end(&m);
	expect_err(&m, 1, MAXLEN, -EPROTO, "invalid length of startup packet");
	m.n = 0;
	mb_startup_begin(&m, 80877103);
	mb_u32(&m, 1);
	mb_startup_end(&m);
	expect_err(&m, 1, MAXLEN, -EPROTO, "invalid length of startup packet");
	/* max_len smaller than the declared length. */
	m.n = 0;
	mb_u32(&m, 100);
	expect_err(&m, 1, 99, -EPROTO, "invalid length of startup packet");
}

static void test_special_requests(void)
{
	static struct mb m;
	struct pgw_fe_msg out;
	char err[200];

	m.n = 0;
	mb_startup_begin(&m, 80877103);
	mb_startup_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 1, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_SSL_REQUEST);
	m.n = 0;
	mb_startup_begin(&m, 80877104);
	mb_startup_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 1, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_GSSENC_REQUEST);
	m.n = 0;
	mb_startup_begin(&m, 80877102);
	mb_u32(&m, 4242);
	mb_u32(&m, 0xdeadbeef);
	mb_startup_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 1, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_CANCEL);
	CU_ASSERT_EQUAL(out.u.cancel.pid, 4242);
	CU_ASSERT_EQUAL(out.u.cancel.key, (int32_t)0xdeadbeef);
}

static void test_query_parse(void)
{
	static struct mb m;
	struct pgw_fe_msg out;
	char err[200];

	m.n = 0;
	mb_begin(&m, 'Q');
	mb_str(&m, "SELECT 1;");
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_QUERY);
	CU_ASSERT(sl_eq(out.u.query.sql, "SELECT 1;"));

	m.n = 0;
	mb_begin(&m, 'P');
	mb_str(&m, "s1");
	mb_str(&m, "SELECT $1, $2");
	mb_u16(&m, 2);
	mb_u32(&m, 23);
	mb_u32(&m, 0);
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_PARSE);
	CU_ASSERT(sl_eq(out.u.parse.name, "s1"));
	CU_ASSERT(sl_eq(out.u.parse.sql, "SELECT $1, $2"));
	CU_ASSERT_EQUAL(out.u.parse.ntypes, 2);
	CU_ASSERT_EQUAL(pgw_get_u32(out.u.parse.types), 23);
	CU_ASSERT_EQUAL(pgw_get_u32(out.u.parse.types + 4), 0);
}

static void build_bind(struct mb *m)
{
	mb_begin(m, 'B');
	mb_str(m, "p1");
	mb_str(m, "s1");
	mb_u16(m, 3);
	mb_u16(m, 0);
	mb_u16(m, 1);
	mb_u16(m, 0);
	mb_u16(m, 3);
	mb_u32(m, 2);
	mb_raw(m, "42", 2);
	mb_u32(m, UINT32_MAX); /* NULL */
	mb_u32(m, 0);	       /* empty, not NULL */
	mb_u16(m, 1);
	mb_u16(m, 1);
	mb_end(m);
}

static void test_bind(void)
{
	static struct mb m;
	struct pgw_fe_msg out;
	struct pgw_bind_iter it;
	struct pgw_slice v;
	char err[200];
	int nul, k = 0;

	m.n = 0;
	build_bind(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_BIND);
	CU_ASSERT(sl_eq(out.u.bind.portal, "p1"));
	CU_ASSERT(sl_eq(out.u.bind.stmt, "s1"));
	CU_ASSERT_EQUAL(out.u.bind.nparams, 3);
	CU_ASSERT_EQUAL(pgw_bind_param(&out, 0, &nul, &v), 0);
	CU_ASSERT(!nul && sl_eq(v, "42"));
	CU_ASSERT_EQUAL(pgw_bind_param(&out, 1, &nul, &v), 0);
	CU_ASSERT(nul);
	CU_ASSERT_EQUAL(pgw_bind_param(&out, 2, &nul, &v), 0);
	CU_ASSERT(!nul && v.n == 0);
	CU_ASSERT_EQUAL(pgw_bind_param(&out, 3, &nul, &v), -EPROTO);
	CU_ASSERT_EQUAL(pgw_bind_param_format(&out, 0), 0);
	CU_ASSERT_EQUAL(pgw_bind_param_format(&out, 1), 1);
	CU_ASSERT_EQUAL(pgw_bind_param_format(&out, 2), 0);
	/* One result format code applies to every column. */
	CU_ASSERT_EQUAL(pgw_bind_result_format(&out, 0), 1);
	CU_ASSERT_EQUAL(pgw_bind_result_format(&out, 7), 1);
	pgw_bind_iter_init(&it, &out);
	while (pgw_bind_iter_next(&it, &nul, &v) == 1) {
		CU_ASSERT_EQUAL(nul, k == 1);
		k++;
	}
	CU_ASSERT_EQUAL(k, 3);

	/* No format codes: everything text; zero params. */
	m.n = 0;
	mb_begin(&m, 'B');
	mb_str(&m, "");
	mb_str(&m, "");
	mb_u16(&m, 0);
	mb_u16(&m, 0);
	mb_u16(&m, 0);
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.u.bind.nparams, 0);
	CU_ASSERT_EQUAL(pgw_bind_result_format(&out, 3), 0);
	CU_ASSERT_EQUAL(pgw_bind_param(&out, 0, &nul, &v), -EPROTO);
}

static void test_bind_errors(void)
{
	static struct mb m;

	/* 2 format codes for 3 parameters. */
	m.n = 0;
	mb_begin(&m, 'B');
	mb_str(&m, "");
	mb_str(&m, "");
	mb_u16(&m, 2);
	mb_u16(&m, 0);
	mb_u16(&m, 0);
	mb_u16(&m, 3);
	for (int i = 0; i < 3; i++)
		mb_u32(&m, UINT32_MAX);
	mb_u16(&m, 0);
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO,
		   "bind message has 2 parameter formats but 3 parameters");
	/* Length -2. */
	m.n = 0;
	mb_begin(&m, 'B');
	mb_str(&m, "");
	mb_str(&m, "");
	mb_u16(&m, 0);
	mb_u16(&m, 1);
	mb_u32(&m, 0xfffffffe);
	mb_u16(&m, 0);
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO, "insufficient data left in message");
	/* A parameter longer than the rest of the message. */
	m.n = 0;
	mb_begin(&m, 'B');
	mb_str(&m, "");
	mb_str(&m, "");
	mb_u16(&m, 0);
	mb_u16(&m, 1);
	mb_u32(&m, 100);
	mb_raw(&m, "abc", 3);
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO, "insufficient data left in message");
	/* Parameter count larger than what follows. */
	m.n = 0;
	mb_begin(&m, 'B');
	mb_str(&m, "");
	mb_str(&m, "");
	mb_u16(&m, 0);
	mb_u16(&m, 65535);
	mb_u32(&m, 0);
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO, "insufficient data left in message");
	/* Format code 2: PG's 22023 error, not a protocol violation. */
	m.n = 0;
	mb_begin(&m, 'B');
	mb_str(&m, "");
	mb_str(&m, "");
	mb_u16(&m, 1);
	mb_u16(&m, 2);
	mb_u16(&m, 0);
	mb_u16(&m, 0);
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EINVAL, "unsupported format code: 2");
	/* Trailing garbage after the result formats. */
	m.n = 0;
	mb_begin(&m, 'B');
	mb_str(&m, "");
	mb_str(&m, "");
	mb_u16(&m, 0);
	mb_u16(&m, 0);
	mb_u16(&m, 0);
	mb_u8(&m, 0);
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO, "invalid message format");
}

static void test_describe_execute_close(void)
{
	static struct mb m;
	struct pgw_fe_msg out;
	char err[200];

	m.n = 0;
	mb_begin(&m, 'D');
	mb_u8(&m, 'S');
	mb_str(&m, "s1");
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_DESCRIBE);
	CU_ASSERT_EQUAL(out.u.describe.what, 'S');
	CU_ASSERT(sl_eq(out.u.describe.name, "s1"));

	m.n = 0;
	mb_begin(&m, 'C');
	mb_u8(&m, 'P');
	mb_str(&m, "");
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_CLOSE);
	CU_ASSERT_EQUAL(out.u.close.what, 'P');
	CU_ASSERT_EQUAL(out.u.close.name.n, 0);

	m.n = 0;
	mb_begin(&m, 'E');
	mb_str(&m, "p1");
	mb_u32(&m, 10);
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_EXECUTE);
	CU_ASSERT(sl_eq(out.u.execute.portal, "p1"));
	CU_ASSERT_EQUAL(out.u.execute.max_rows, 10);

	m.n = 0;
	mb_begin(&m, 'D');
	mb_u8(&m, 'X');
	mb_str(&m, "s1");
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO,
		   "invalid DESCRIBE message subtype 88");
	m.n = 0;
	mb_begin(&m, 'C');
	mb_u8(&m, 'Q');
	mb_str(&m, "s1");
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO, "invalid CLOSE message subtype 81");
	m.n = 0;
	mb_begin(&m, 'E');
	mb_str(&m, "p1");
	mb_u16(&m, 1);
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO, "insufficient data left in message");
}

static void test_bodyless_and_copy(void)
{
	static const struct {
		char t;
		enum pgw_fe_kind k;
	} bl[] = {{'S', PGW_FE_SYNC},
		  {'H', PGW_FE_FLUSH},
		  {'X', PGW_FE_TERMINATE},
		  {'c', PGW_FE_COPY_DONE}};
	static struct mb m;
	struct pgw_fe_msg out;
	char err[200];

	for (size_t i = 0; i < 4; i++) {
		m.n = 0;
		mb_begin(&m, bl[i].t);
		mb_end(&m);
		CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
		CU_ASSERT_EQUAL(out.kind, bl[i].k);
		m.n = 0;
		mb_begin(&m, bl[i].t);
		mb_u8(&m, 0);
		mb_end(&m);
		expect_err(&m, 0, MAXLEN, -EPROTO, "invalid message format");
	}
	m.n = 0;
	mb_begin(&m, 'd');
	mb_raw(&m, "1\tx\n\0", 5);
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_COPY_DATA);
	CU_ASSERT_EQUAL(out.u.copy_data.data.n, 5);
	CU_ASSERT_EQUAL(memcmp(out.u.copy_data.data.p, "1\tx\n\0", 5), 0);

	m.n = 0;
	mb_begin(&m, 'f');
	mb_str(&m, "client gave up");
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_COPY_FAIL);
	CU_ASSERT(sl_eq(out.u.copy_fail.msg, "client gave up"));

	m.n = 0;
	mb_begin(&m, 'F');
	mb_u32(&m, 1234);
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_FUNCTION_CALL);
}

static void test_password_sasl(void)
{
	static struct mb m;
	struct pgw_fe_msg out;
	struct pgw_slice mech, data;
	char err[200];

	m.n = 0;
	mb_begin(&m, 'p');
	mb_str(&m, "SCRAM-SHA-256");
	mb_u32(&m, 8);
	mb_raw(&m, "n,,n=,r=", 8);
	mb_end(&m);
	CU_ASSERT_EQUAL(parse_all(&m, 0, &out, err), 1);
	CU_ASSERT_EQUAL(out.kind, PGW_FE_PASSWORD);
	CU_ASSERT_EQUAL(
		pgw_parse_sasl_initial(out.u.password.data, &mech, &data), 0);
	CU_ASSERT(sl_eq(mech, "SCRAM-SHA-256"));
	CU_ASSERT(sl_eq(data, "n,,n=,r="));

	/* Length -1: no initial response. */
	m.n = 0;
	mb_str(&m, "SCRAM-SHA-256");
	mb_u32(&m, UINT32_MAX);
	CU_ASSERT_EQUAL(pgw_parse_sasl_initial((struct pgw_slice){m.b, m.n},
					       &mech, &data),
			0);
	CU_ASSERT_EQUAL(data.n, 0);
	/* Declared 9, 8 present; then 7 with one extra byte; no NUL. */
	m.n = 0;
	mb_str(&m, "SCRAM-SHA-256");
	mb_u32(&m, 9);
	mb_raw(&m, "n,,n=,r=", 8);
	CU_ASSERT_EQUAL(pgw_parse_sasl_initial((struct pgw_slice){m.b, m.n},
					       &mech, &data),
			-EPROTO);
	m.b[m.n - 9] = 7;
	CU_ASSERT_EQUAL(pgw_parse_sasl_initial((struct pgw_slice){m.b, m.n},
					       &mech, &data),
			-EPROTO);
	CU_ASSERT_EQUAL(pgw_parse_sasl_initial(
				(struct pgw_slice){(const uint8_t *)"SCRAM", 5},
				&mech, &data),
			-EPROTO);
}

static void test_typed_errors(void)
{
	static struct mb m;

	/* Unknown type byte: decided from the first byte alone. */
	m.n = 0;
	mb_u8(&m, 'Z');
	expect_err(&m, 0, MAXLEN, -EPROTO, "invalid frontend message type 90");
	m.n = 0;
	mb_u8(&m, 0);
	expect_err(&m, 0, MAXLEN, -EPROTO, "invalid frontend message type 0");
	/* Lengths below 4. */
	m.n = 0;
	mb_u8(&m, 'Q');
	mb_u32(&m, 3);
	expect_err(&m, 0, MAXLEN, -EPROTO, "invalid message length");
	/* Oversized: rejected from the 5-byte header, before buffering. */
	m.n = 0;
	mb_u8(&m, 'Q');
	mb_u32(&m, 100001);
	expect_err(&m, 0, 100000, -EMSGSIZE,
		   "message too large (100001 bytes; max 100000)");
	m.n = 0;
	mb_u8(&m, 'd');
	mb_u32(&m, 0xffffffffu);
	expect_err(&m, 0, MAXLEN, -EMSGSIZE,
		   "message too large (4294967295 bytes; max 1048576)");
	/* Small messages have PG's 10000-byte bound whatever max_len says. */
	m.n = 0;
	mb_u8(&m, 'S');
	mb_u32(&m, 10001);
	expect_err(&m, 0, MAXLEN, -EMSGSIZE,
		   "message too large (10001 bytes; max 10000)");
	/* String not terminated inside the message. */
	m.n = 0;
	mb_begin(&m, 'Q');
	mb_raw(&m, "SELECT 1", 8);
	mb_end(&m);
	mb_u8(&m, 0); /* a NUL right after the message must not count */
	expect_err(&m, 0, MAXLEN, -EPROTO, "invalid string in message");
	/* Query followed by junk inside the declared length. */
	m.n = 0;
	mb_begin(&m, 'Q');
	mb_str(&m, "SELECT 1");
	mb_u8(&m, 'x');
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO, "invalid message format");
	/* Parse claiming more type OIDs than present. */
	m.n = 0;
	mb_begin(&m, 'P');
	mb_str(&m, "");
	mb_str(&m, "SELECT $1");
	mb_u16(&m, 2);
	mb_u32(&m, 23);
	mb_end(&m);
	expect_err(&m, 0, MAXLEN, -EPROTO, "insufficient data left in message");
}

/*
 * A pipelined extended-query batch followed by a simple query and
 * Terminate, delivered in two reads split at every byte position, and
 * one byte at a time: the parsed sequence is always the same.
 */
static void test_pipeline_splits(void)
{
	static const enum pgw_fe_kind want[] = {
		PGW_FE_PARSE, PGW_FE_BIND,  PGW_FE_DESCRIBE, PGW_FE_EXECUTE,
		PGW_FE_SYNC,  PGW_FE_QUERY, PGW_FE_TERMINATE};
	static struct mb m;
	static uint8_t rx[4096];
	size_t total;

	m.n = 0;
	mb_begin(&m, 'P');
	mb_str(&m, "");
	mb_str(&m, "SELECT $1::int");
	mb_u16(&m, 1);
	mb_u32(&m, 23);
	mb_end(&m);
	build_bind(&m);
	mb_begin(&m, 'D');
	mb_u8(&m, 'P');
	mb_str(&m, "p1");
	mb_end(&m);
	mb_begin(&m, 'E');
	mb_str(&m, "p1");
	mb_u32(&m, 0);
	mb_end(&m);
	mb_begin(&m, 'S');
	mb_end(&m);
	mb_begin(&m, 'Q');
	mb_str(&m, "SELECT 2");
	mb_end(&m);
	mb_begin(&m, 'X');
	mb_end(&m);
	total = m.n;

	for (size_t split = 0; split <= total + 1; split++) {
		/* split == total + 1: one byte per read. */
		size_t have = 0, off = 0, fed = 0, nmsg = 0;
		int bad = 0;

		while (fed < total && !bad) {
			size_t chunk = split == total + 1 ? 1
				       : fed == 0	  ? split
							  : total - fed;
			if (chunk == 0)
				chunk = total - fed;
			memcpy(rx + have, m.b + fed, chunk);
			have += chunk;
			fed += chunk;
			for (;;) {
				struct pgw_fe_msg out;
				char err[200];
				size_t used;
				int rc = pgw_parse(rx + off, have - off, 0,
						   MAXLEN, &out, &used, err,
						   sizeof(err));

				if (rc == 0)
					break;
				if (rc < 0 || nmsg >= 7 ||
				    out.kind != want[nmsg]) {
					bad = 1;
					break;
				}
				if (out.kind == PGW_FE_QUERY &&
				    !sl_eq(out.u.query.sql, "SELECT 2"))
					bad = 1;
				if (out.kind == PGW_FE_EXECUTE &&
				    !sl_eq(out.u.execute.portal, "p1"))
					bad = 1;
				off += used;
				nmsg++;
			}
		}
		CU_ASSERT_FALSE(bad);
		CU_ASSERT_EQUAL(nmsg, 7);
		CU_ASSERT_EQUAL(off, total);
		if (bad || nmsg != 7)
			break;
	}
}

static const struct alx_test_case cases[] = {
	{"startup", test_startup},
	{"startup_errors", test_startup_errors},
	{"special_requests", test_special_requests},
	{"query_parse", test_query_parse},
	{"bind", test_bind},
	{"bind_errors", test_bind_errors},
	{"describe_execute_close", test_describe_execute_close},
	{"bodyless_and_copy", test_bodyless_and_copy},
	{"password_sasl", test_password_sasl},
	{"typed_errors", test_typed_errors},
	{"pipeline_splits", test_pipeline_splits},
	{NULL, NULL}};

const struct alx_test_suite suite_pgw_msg = {"pgwire/msg", NULL, NULL, cases};
