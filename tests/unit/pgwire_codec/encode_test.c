/*
 * Backend encoders: exact bytes of each message as the protocol
 * documentation (PostgreSQL 15, "Message Formats") lays them out.
 */
#include "codec_tests.h"
#include "pgw_msg.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* Compares b with want[0..n) and empties b for the next message. */
static void check(struct pgw_buf *b, const char *want, size_t n)
{
	CU_ASSERT_EQUAL(b->len, n);
	if (b->len == n)
		CU_ASSERT_EQUAL(memcmp(b->p, want, n), 0);
	b->len = 0;
}

#define CHECK(b, lit) check((b), (lit), sizeof(lit) - 1)

static void test_auth_and_startup(void)
{
	struct pgw_buf b = {0};
	static const char mechs[] = "SCRAM-SHA-256\0";

	CU_ASSERT_EQUAL(pgw_put_auth(&b, 0, NULL, 0), 0);
	CHECK(&b, "R\0\0\0\x08\0\0\0\0");
	CU_ASSERT_EQUAL(pgw_put_auth(&b, 3, NULL, 0), 0);
	CHECK(&b, "R\0\0\0\x08\0\0\0\x03");
	CU_ASSERT_EQUAL(pgw_put_auth(&b, 10, mechs, sizeof(mechs)), 0);
	CHECK(&b, "R\0\0\0\x17\0\0\0\x0aSCRAM-SHA-256\0\0");
	CU_ASSERT_EQUAL(pgw_put_auth(&b, 11, "r=x", 3), 0);
	CHECK(&b, "R\0\0\0\x0b\0\0\0\x0br=x");
	CU_ASSERT_EQUAL(pgw_put_param_status(&b, "client_encoding", "UTF8"), 0);
	CHECK(&b, "S\0\0\0\x19"
		  "client_encoding\0UTF8\0");
	CU_ASSERT_EQUAL(pgw_put_backend_key(&b, 0x01020304, -2), 0);
	CHECK(&b, "K\0\0\0\x0c\x01\x02\x03\x04\xff\xff\xff\xfe");
	CU_ASSERT_EQUAL(pgw_put_ready(&b, 'T'), 0);
	CHECK(&b, "Z\0\0\0\x05T");
	CU_ASSERT_EQUAL(pgw_put_negotiate_version(
				&b, 0,
				(const struct pgw_slice[]){
					{(const uint8_t *)"_pq_.x", 6}},
				1),
			0);
	CHECK(&b, "v\0\0\0\x13\0\0\0\0\0\0\0\x01_pq_.x\0");
	pgw_buf_free(&b);
	pgw_buf_free(&b); /* NULL-safe twice */
	pgw_buf_free(NULL);
}

static void test_descriptions(void)
{
	struct pgw_buf b = {0};
	const struct pgw_coldesc cols[] = {{"id", 16384, 1, 23, 4, -1, 0},
					   {"v", 0, 0, 1700, -1, 655366, 1}};
	const uint32_t oids[] = {23, 25};

	CU_ASSERT_EQUAL(pgw_put_row_desc(&b, cols, 2), 0);
	CHECK(&b, "T\0\0\0\x2f\0\x02"
		  "id\0\0\0\x40\0\0\x01\0\0\0\x17\0\x04\xff\xff\xff\xff\0\0"
		  "v\0\0\0\0\0\0\0\0\0\x06\xa4\xff\xff\0\x0a\0\x06\0\x01");
	CU_ASSERT_EQUAL(pgw_put_row_desc(&b, cols, 0), 0);
	CHECK(&b, "T\0\0\0\x06\0\0");
	CU_ASSERT_EQUAL(pgw_put_param_desc(&b, oids, 2), 0);
	CHECK(&b, "t\0\0\0\x0e\0\x02\0\0\0\x17\0\0\0\x19");
	CU_ASSERT_EQUAL(pgw_put_no_data(&b), 0);
	CHECK(&b, "n\0\0\0\x04");
	pgw_buf_free(&b);
}

static void test_data_row(void)
{
	struct pgw_buf b = {0};
	size_t off;

	/* Something before the row: the offset must be honoured. */
	CU_ASSERT_EQUAL(pgw_put_simple(&b, '2'), 0);
	off = pgw_row_begin(&b, 3);
	CU_ASSERT_EQUAL(off, 5);
	CU_ASSERT_EQUAL(pgw_row_col(&b, "42", 2), 0);
	CU_ASSERT_EQUAL(pgw_row_col(&b, NULL, -1), 0);
	CU_ASSERT_EQUAL(pgw_row_col(&b, "", 0), 0);
	CU_ASSERT_EQUAL(pgw_row_col(&b, "x", -2), -EINVAL);
	pgw_row_end(&b, off);
	CHECK(&b, "2\0\0\0\x04"
		  "D\0\0\0\x14\0\x03\0\0\0\x02"
		  "42\xff\xff\xff\xff\0\0\0\0");
	pgw_row_end(&b, SIZE_MAX); /* failed begin: no-op */
	CU_ASSERT_EQUAL(b.len, 0);
	pgw_buf_free(&b);
}

static void test_complete_simple_copy(void)
{
	struct pgw_buf b = {0};
	const char simple[] = "123nsIc";

	CU_ASSERT_EQUAL(pgw_put_complete(&b, "SELECT 1"), 0);
	CHECK(&b, "C\0\0\0\x0dSELECT 1\0");
	for (size_t i = 0; simple[i]; i++) {
		char want[5] = {simple[i], 0, 0, 0, 4};

		CU_ASSERT_EQUAL(pgw_put_simple(&b, simple[i]), 0);
		check(&b, want, 5);
	}
	CU_ASSERT_EQUAL(pgw_put_copy_response(&b, 'G', 0, 2), 0);
	CHECK(&b, "G\0\0\0\x0b\0\0\x02\0\0\0\0");
	CU_ASSERT_EQUAL(pgw_put_copy_response(&b, 'H', 1, 1), 0);
	CHECK(&b, "H\0\0\0\x09\x01\0\x01\0\x01");
	CU_ASSERT_EQUAL(pgw_put_copy_data(&b, "a\tb\n", 4), 0);
	CHECK(&b, "d\0\0\0\x08"
		  "a\tb\n");
	pgw_buf_free(&b);
}

static void test_error(void)
{
	struct pgw_buf b = {0};
	struct pgw_err_fields f = {.severity = "ERROR",
				   .sqlstate = "42P01",
				   .message = "relation \"t\" does not exist",
				   .position = "15"};
	struct pgw_err_fields n = {.severity = "NOTICE",
				   .sqlstate = "00000",
				   .message = "hi",
				   .detail = "d",
				   .hint = "h",
				   .where = "w"};
	struct pgw_err_fields full8 = {.severity = "XXXXXXXX",
				       .sqlstate = "P0001",
				       .message = "m",
				       .context = "c",
				       .where = "ignored"};

	CU_ASSERT_EQUAL(pgw_put_error(&b, 'E', &f), 0);
	CHECK(&b, "E\0\0\0\x3bSERROR\0VERROR\0C42P01\0"
		  "Mrelation \"t\" does not exist\0P15\0\0");
	CU_ASSERT_EQUAL(pgw_put_error(&b, 'N', &n), 0);
	CHECK(&b, "N\0\0\0\x29SNOTICE\0VNOTICE\0C00000\0Mhi\0Dd\0Hh\0Ww\0\0");
	/* An unterminated 8-byte severity is read as 8 bytes, no more. */
	CU_ASSERT_EQUAL(pgw_put_error(&b, 'E', &full8), 0);
	CHECK(&b, "E\0\0\0\x26SXXXXXXXX\0VXXXXXXXX\0CP0001\0Mm\0Wc\0\0");
	pgw_buf_free(&b);
}

static void test_buf_reserve(void)
{
	struct pgw_buf b = {0};

	CU_ASSERT_EQUAL(pgw_buf_reserve(&b, 10), 0);
	CU_ASSERT(b.cap >= 10);
	b.len = 5;
	CU_ASSERT_EQUAL(pgw_buf_reserve(&b, SIZE_MAX - 2), -ENOMEM);
	CU_ASSERT_EQUAL(b.len, 5);
	CU_ASSERT_EQUAL(pgw_buf_reserve(&b, 100000), 0);
	CU_ASSERT(b.cap >= 100005);
	pgw_buf_free(&b);
	CU_ASSERT_PTR_NULL(b.p);
	CU_ASSERT_EQUAL(b.cap, 0);
}

static const struct alx_test_case cases[] = {
	{"auth_and_startup", test_auth_and_startup},
	{"descriptions", test_descriptions},
	{"data_row", test_data_row},
	{"complete_simple_copy", test_complete_simple_copy},
	{"error", test_error},
	{"buf_reserve", test_buf_reserve},
	{NULL, NULL}};

const struct alx_test_suite suite_pgw_encode = {"pgwire/encode", NULL, NULL,
						cases};
