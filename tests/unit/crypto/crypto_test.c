/*
 * MD5, SHA-256, HMAC-SHA-256, PBKDF2-HMAC-SHA-256, base64 and SCRAM
 * verifiers against published vectors (RFC 1321 appendix A.5, FIPS 180-4
 * examples, RFC 4231, RFC 7914 section 11, RFC 4648) and a verifier
 * PostgreSQL 15 produced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alopex.h"
#include "alx_test.h"
#include "crypto/alx_base64.h"
#include "crypto/alx_md5.h"
#include "crypto/alx_scram.h"
#include "crypto/alx_sha256.h"

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static void check_sha(const void *msg, size_t len, const char *want)
{
	uint8_t d[ALX_SHA256_LEN];
	char h[2 * ALX_SHA256_LEN + 1];
	alx_sha256(msg, len, d);
	hex(d, sizeof(d), h);
	CU_ASSERT_STRING_EQUAL(h, want);
}

static void test_sha256_vectors(void)
{
	check_sha("abc", 3,
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f"
		  "20015ad");
	check_sha("", 0,
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7"
		  "852b855");
	const char *m448 =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check_sha(m448, strlen(m448),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd41"
		  "9db06c1");
	const char *m896 =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghij"
		"klmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrs"
		"tnopqrstu";
	check_sha(m896, strlen(m896),
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037"
		  "afee9d1");
}

/* The streaming API of a hash, for the checks MD5 and SHA-256 share. */
union hash_ctx {
	struct alx_md5 md5;
	struct alx_sha256 sha256;
};

struct hash_api {
	size_t len;
	void (*init)(union hash_ctx *c);
	void (*update)(union hash_ctx *c, const void *p, size_t n);
	void (*final)(union hash_ctx *c, uint8_t *out);
	void (*oneshot)(const void *p, size_t n, uint8_t *out);
};

static void md5_init(union hash_ctx *c)
{
	alx_md5_init(&c->md5);
}

static void md5_update(union hash_ctx *c, const void *p, size_t n)
{
	alx_md5_update(&c->md5, p, n);
}

static void md5_final(union hash_ctx *c, uint8_t *out)
{
	alx_md5_final(&c->md5, out);
}

static void sha256_init(union hash_ctx *c)
{
	alx_sha256_init(&c->sha256);
}

static void sha256_update(union hash_ctx *c, const void *p, size_t n)
{
	alx_sha256_update(&c->sha256, p, n);
}

static void sha256_final(union hash_ctx *c, uint8_t *out)
{
	alx_sha256_final(&c->sha256, out);
}

static const struct hash_api md5_api = {ALX_MD5_LEN, md5_init, md5_update,
					md5_final, alx_md5};
static const struct hash_api sha256_api = {
	ALX_SHA256_LEN, sha256_init, sha256_update, sha256_final, alx_sha256};

/* One million 'a' fed in uneven pieces, so block boundaries fall inside
 * updates as well as between them. */
static void check_million_a(const struct hash_api *api, const char *want)
{
	char chunk[997];
	memset(chunk, 'a', sizeof(chunk));
	union hash_ctx c;
	api->init(&c);
	size_t left = 1000000;
	for (size_t step = 1; left > 0;
	     step = (step * 31 + 7) % sizeof(chunk) + 1) {
		size_t n = step < left ? step : left;
		api->update(&c, chunk, n);
		left -= n;
	}
	uint8_t d[ALX_SHA256_LEN];
	char h[2 * ALX_SHA256_LEN + 1];
	api->final(&c, d);
	hex(d, api->len, h);
	CU_ASSERT_STRING_EQUAL(h, want);
}

/* Messages of every length around the padding boundaries (55, 56, 63, 64
 * bytes and one block on) agree between one-shot and byte-at-a-time
 * hashing. */
static void check_bytewise(const struct hash_api *api)
{
	uint8_t msg[200];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof(msg); len++) {
		uint8_t a[ALX_SHA256_LEN], b[ALX_SHA256_LEN];
		api->oneshot(msg, len, a);
		union hash_ctx c;
		api->init(&c);
		for (size_t i = 0; i < len; i++)
			api->update(&c, msg + i, 1);
		api->final(&c, b);
		CU_ASSERT(memcmp(a, b, api->len) == 0);
	}
}

static void test_sha256_million(void)
{
	check_million_a(&sha256_api, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48"
				     "a497200e046d39ccc7112cd0");
}

static void test_sha256_incremental(void)
{
	check_bytewise(&sha256_api);
}

static void check_md5(const char *msg, const char *want)
{
	uint8_t d[ALX_MD5_LEN];
	char h[2 * ALX_MD5_LEN + 1];
	alx_md5(msg, strlen(msg), d);
	hex(d, sizeof(d), h);
	CU_ASSERT_STRING_EQUAL(h, want);
}

/* The seven messages of RFC 1321's test suite (appendix A.5). */
static void test_md5_rfc1321(void)
{
	check_md5("", "d41d8cd98f00b204e9800998ecf8427e");
	check_md5("a", "0cc175b9c0f1b6a831c399e269772661");
	check_md5("abc", "900150983cd24fb0d6963f7d28e17f72");
	check_md5("message digest", "f96b697d7cb7938d525a2f31aaf161d0");
	check_md5("abcdefghijklmnopqrstuvwxyz",
		  "c3fcd3d76192e4007dfb496cca67e13b");
	check_md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		  "0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f");
	check_md5("1234567890123456789012345678901234567890"
		  "1234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a");
}

/* One million 'a' (a widely published digest), 'a' repeated across the
 * padding boundaries (digests from Python's hashlib), and one-shot against
 * byte-at-a-time hashing. */
static void test_md5_incremental(void)
{
	check_million_a(&md5_api, "7707d6ae4e027c70eea2a935c2296f21");
	static const struct {
		size_t n;
		const char *md5;
	} edge[] = {
		{55, "ef1772b6dff9a122358552954ad0df65"},
		{56, "3b0c8ac703f828b04c6c197006d17218"},
		{63, "b06521f39153d618550606be297466d5"},
		{64, "014842d480b571495a4a0363793f7367"},
		{119, "8a7bd0732ed6a28ce75f6dabc90e1613"},
		{120, "5f61c0ccad4cac44c75ff505e1f1e537"},
	};
	char a[120];
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		uint8_t d[ALX_MD5_LEN];
		char h[2 * ALX_MD5_LEN + 1];
		alx_md5(a, edge[i].n, d);
		hex(d, sizeof(d), h);
		CU_ASSERT_STRING_EQUAL(h, edge[i].md5);
	}
	check_bytewise(&md5_api);
}

static void check_hmac(const void *key, size_t klen, const void *data,
		       size_t dlen, const char *want)
{
	uint8_t d[ALX_SHA256_LEN];
	char h[2 * ALX_SHA256_LEN + 1];
	alx_hmac_sha256(key, klen, data, dlen, d);
	hex(d, sizeof(d), h);
	CU_ASSERT_STRING_EQUAL(h, want);
}

static void test_hmac_rfc4231(void)
{
	uint8_t k[131], dd[50];
	memset(k, 0x0b, 20);
	check_hmac(k, 20, "Hi There", 8,
		   "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2"
		   "e32cff7");
	check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
		   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b96"
		   "4ec3843");
	memset(k, 0xaa, 20);
	memset(dd, 0xdd, 50);
	check_hmac(k, 20, dd, 50,
		   "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514c"
		   "ed565fe");
	for (int i = 0; i < 25; i++)
		k[i] = (uint8_t)(i + 1);
	memset(dd, 0xcd, 50);
	check_hmac(k, 25, dd, 50,
		   "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46"
		   "729665b");
	/* Test case 5 is truncated to 128 bits. */
	memset(k, 0x0c, 20);
	uint8_t d[ALX_SHA256_LEN];
	char h[2 * ALX_SHA256_LEN + 1];
	alx_hmac_sha256(k, 20, "Test With Truncation", 20, d);
	hex(d, 16, h);
	CU_ASSERT_STRING_EQUAL(h, "a3b6167473100ee06e0c796c2955552b");
	memset(k, 0xaa, 131);
	const char *m6 =
		"Test Using Larger Than Block-Size Key - Hash Key First";
	check_hmac(k, 131, m6, strlen(m6),
		   "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0"
		   "ee37f54");
	const char *m7 =
		"This is a test using a larger than block-size key and "
		"a larger than block-size data. The key needs to be "
		"hashed before being used by the HMAC algorithm.";
	check_hmac(k, 131, m7, strlen(m7),
		   "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535"
		   "c3a35e2");
}

static void test_pbkdf2_rfc7914(void)
{
	uint8_t out[64];
	char h[129];
	CU_ASSERT_EQUAL(alx_pbkdf2_sha256("passwd", 6, "salt", 4, 1, out, 64),
			0);
	hex(out, 64, h);
	CU_ASSERT_STRING_EQUAL(
		h, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c2"
		   "0dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd50911"
		   "2041d3a19783");
	CU_ASSERT_EQUAL(
		alx_pbkdf2_sha256("Password", 8, "NaCl", 4, 80000, out, 64), 0);
	hex(out, 64, h);
	CU_ASSERT_STRING_EQUAL(
		h, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b"
		   "34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f"
		   "62b397f33c8d");
	/* A length that is not a multiple of the block: a prefix. */
	uint8_t part[20];
	CU_ASSERT_EQUAL(alx_pbkdf2_sha256("passwd", 6, "salt", 4, 1, part, 20),
			0);
	hex(part, 20, h);
	CU_ASSERT_STRING_EQUAL(h, "55ac046e56e3089fec1691c22544b605f9418521");
	CU_ASSERT_EQUAL(alx_pbkdf2_sha256("p", 1, "s", 1, 0, out, 32),
			ALOPEX_EINVAL);
}

static void test_base64(void)
{
	/* RFC 4648 section 10. */
	static const char *const in[] = {"",	 "f",	  "fo",	   "foo",
					 "foob", "fooba", "foobar"};
	static const char *const out[] = {
		"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (int i = 0; i < 7; i++) {
		char e[16];
		uint8_t dbuf[16];
		size_t n = alx_base64_encode((const uint8_t *)in[i],
					     strlen(in[i]), e);
		CU_ASSERT_EQUAL(n, strlen(out[i]));
		CU_ASSERT_STRING_EQUAL(e, out[i]);
		long m = alx_base64_decode(out[i], strlen(out[i]), dbuf,
					   sizeof(dbuf));
		CU_ASSERT_EQUAL(m, (long)strlen(in[i]));
		CU_ASSERT(m >= 0 && memcmp(dbuf, in[i], (size_t)m) == 0);
	}
	uint8_t b[8];
	CU_ASSERT_EQUAL(alx_base64_decode("Zg=", 3, b, 8), -1);
	CU_ASSERT_EQUAL(alx_base64_decode("Z=g=", 4, b, 8), -1);
	CU_ASSERT_EQUAL(alx_base64_decode("Zm9v!A==", 8, b, 8), -1);
	CU_ASSERT_EQUAL(alx_base64_decode("Zm9vYmFy", 8, b, 5), -1);
}

/*
 * Verifiers produced by PostgreSQL 15 (SET password_encryption =
 * 'scram-sha-256'; CREATE ROLE u PASSWORD 'p'; SELECT rolpassword FROM
 * pg_authid), recomputed here from their salt: byte for byte equal.
 */
static void check_pg_verifier(const char *password, const char *pg)
{
	struct alx_scram_secret s;
	CU_ASSERT_EQUAL_FATAL(alx_scram_parse(pg, &s), 0);
	CU_ASSERT_EQUAL(s.iterations, 4096);
	CU_ASSERT_EQUAL(s.salt_len, 16);
	char v[ALX_SCRAM_VERIFIER_MAX];
	CU_ASSERT_EQUAL(alx_scram_verifier(password, strlen(password), s.salt,
					   s.salt_len, s.iterations, v,
					   sizeof(v)),
			0);
	CU_ASSERT_STRING_EQUAL(v, pg);
}

static void test_scram_matches_postgres(void)
{
	check_pg_verifier("p", "SCRAM-SHA-256$4096:ZDwZKpYZRpIT1XoIGvBXdw==$"
			       "SirjfEeRdz8UcHuxeN/oLwAPvV2Fgc89TFNtnUso9oA=:"
			       "wTa+HZm/xQPXSBJ6JLfeOVzfiiERkzLAnbvFAIb6Lag=");
	check_pg_verifier("pencil",
			  "SCRAM-SHA-256$4096:eIjxTh2t7zuQWapbx4U/ow==$"
			  "6snZwRtD64yG9PXxma/Id9QbLBWavPlY1WLu0HsWIDg=:"
			  "Wql9f5p6Rj4vrrFzQYuNS6tJgfCLVbspOBBpu47nNjo=");
}

static void test_scram_new_and_parse(void)
{
	char a[ALX_SCRAM_VERIFIER_MAX], b[ALX_SCRAM_VERIFIER_MAX];
	CU_ASSERT_EQUAL_FATAL(alx_scram_verifier_new("secret", 6, a, sizeof(a)),
			      0);
	CU_ASSERT_EQUAL_FATAL(alx_scram_verifier_new("secret", 6, b, sizeof(b)),
			      0);
	CU_ASSERT_STRING_NOT_EQUAL(a, b); /* fresh salts */
	CU_ASSERT_EQUAL(strncmp(a, "SCRAM-SHA-256$4096:", 19), 0);
	/* 24 chars of salt, 44 per key, the separators. */
	CU_ASSERT_EQUAL(strlen(a), 19 + 24 + 1 + 44 + 1 + 44);
	struct alx_scram_secret s;
	CU_ASSERT_EQUAL_FATAL(alx_scram_parse(a, &s), 0);
	char again[ALX_SCRAM_VERIFIER_MAX];
	CU_ASSERT_EQUAL(alx_scram_verifier("secret", 6, s.salt, s.salt_len,
					   s.iterations, again, sizeof(again)),
			0);
	CU_ASSERT_STRING_EQUAL(again, a);
	CU_ASSERT_EQUAL(alx_scram_verifier("Secret", 6, s.salt, s.salt_len,
					   s.iterations, again, sizeof(again)),
			0);
	CU_ASSERT_STRING_NOT_EQUAL(again, a);

	static const char *const bad[] = {
		"SCRAM-SHA-256$bad",
		"SCRAM-SHA-256$0:ZDwZKpYZRpIT1XoIGvBXdw==$SirjfEeRdz8UcHuxeN/"
		"oLwAPvV2Fgc89TFNtnUso9oA=:wTa+HZm/xQPXSBJ6JLfeOVzfiiERkzLAnbvF"
		"AIb6Lag=",
		"SCRAM-SHA-256$4096:$SirjfEeRdz8UcHuxeN/"
		"oLwAPvV2Fgc89TFNtnUso9oA="
		":wTa+HZm/xQPXSBJ6JLfeOVzfiiERkzLAnbvFAIb6Lag=",
		/* a stored key of 31 bytes */
		"SCRAM-SHA-256$4096:ZDwZKpYZRpIT1XoIGvBXdw==$"
		"SirjfEeRdz8UcHuxeN/"
		"oLwAPvV2Fgc89TFNtnUso9g==:wTa+HZm/xQPXSBJ6JLfeOVzfiiERkzLAnbvF"
		"AIb6Lag=",
		"SCRAM-SHA-256$4096:ZDwZKpYZRpIT1XoIGvBXdw==$"
		"SirjfEeRdz8UcHuxeN/"
		"oLwAPvV2Fgc89TFNtnUso9oA=",
		"md5abcdef0123456789abcdef0123456789",
		"plain password",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(alx_scram_parse(bad[i], &s), ALOPEX_EINVAL);
}

static void test_ct_equal(void)
{
	CU_ASSERT_TRUE(alx_ct_equal("abcd", "abcd", 4));
	CU_ASSERT_FALSE(alx_ct_equal("abcd", "abce", 4));
	uint8_t r1[32] = {0}, r2[32] = {0};
	CU_ASSERT_EQUAL(alx_random_bytes(r1, sizeof(r1)), 0);
	CU_ASSERT_EQUAL(alx_random_bytes(r2, sizeof(r2)), 0);
	CU_ASSERT_FALSE(alx_ct_equal(r1, r2, sizeof(r1)));
}

static const struct alx_test_case cases[] = {
	{"md5_rfc1321", test_md5_rfc1321},
	{"md5_incremental", test_md5_incremental},
	{"sha256_vectors", test_sha256_vectors},
	{"sha256_million", test_sha256_million},
	{"sha256_incremental", test_sha256_incremental},
	{"hmac_rfc4231", test_hmac_rfc4231},
	{"pbkdf2_rfc7914", test_pbkdf2_rfc7914},
	{"base64", test_base64},
	{"scram_matches_postgres", test_scram_matches_postgres},
	{"scram_new_and_parse", test_scram_new_and_parse},
	{"ct_equal", test_ct_equal},
	{NULL, NULL},
};

static const struct alx_test_suite suite = {"crypto", NULL, NULL, cases};

int main(int argc, char **argv)
{
	const struct alx_test_suite *s[] = {&suite, NULL};
	return alx_test_main(argc, argv, s);
}
