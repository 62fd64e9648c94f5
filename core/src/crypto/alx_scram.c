/* SCRAM-SHA-256 verifiers as PostgreSQL stores them. */
#include "crypto/alx_scram.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "alopex.h"
#include "crypto/alx_base64.h"

#define PREFIX "SCRAM-SHA-256$"

int alx_scram_salted_password(const char *password, size_t pwlen,
			      const uint8_t *salt, size_t salt_len,
			      uint32_t iterations, uint8_t out[ALX_SHA256_LEN])
{
	return alx_pbkdf2_sha256(password, pwlen, salt, salt_len, iterations,
				 out, ALX_SHA256_LEN);
}

void alx_scram_client_key(const uint8_t salted[ALX_SHA256_LEN],
			  uint8_t out[ALX_SHA256_LEN])
{
	alx_hmac_sha256(salted, ALX_SHA256_LEN, "Client Key", 10, out);
}

void alx_scram_server_key(const uint8_t salted[ALX_SHA256_LEN],
			  uint8_t out[ALX_SHA256_LEN])
{
	alx_hmac_sha256(salted, ALX_SHA256_LEN, "Server Key", 10, out);
}

int alx_scram_verifier(const char *password, size_t pwlen, const uint8_t *salt,
		       size_t salt_len, uint32_t iterations, char *out,
		       size_t cap)
{
	if (salt_len == 0 || salt_len > ALX_SCRAM_SALT_MAX ||
	    cap < ALX_SCRAM_VERIFIER_MAX)
		return ALOPEX_EINVAL;
	uint8_t salted[ALX_SHA256_LEN], ck[ALX_SHA256_LEN];
	uint8_t stored[ALX_SHA256_LEN], server[ALX_SHA256_LEN];
	int rc = alx_scram_salted_password(password, pwlen, salt, salt_len,
					   iterations, salted);
	if (rc != 0)
		return rc;
	alx_scram_client_key(salted, ck);
	alx_sha256(ck, sizeof(ck), stored);
	alx_scram_server_key(salted, server);
	char s64[ALX_BASE64_ENC_LEN(ALX_SCRAM_SALT_MAX) + 1];
	char k1[ALX_BASE64_ENC_LEN(ALX_SHA256_LEN) + 1];
	char k2[ALX_BASE64_ENC_LEN(ALX_SHA256_LEN) + 1];
	alx_base64_encode(salt, salt_len, s64);
	alx_base64_encode(stored, sizeof(stored), k1);
	alx_base64_encode(server, sizeof(server), k2);
	int n = snprintf(out, cap, PREFIX "%u:%s$%s:%s", iterations, s64, k1,
			 k2);
	alx_secure_zero(salted, sizeof(salted));
	alx_secure_zero(ck, sizeof(ck));
	return n > 0 && (size_t)n < cap ? 0 : ALOPEX_EINVAL;
}

int alx_scram_verifier_new(const char *password, size_t pwlen, char *out,
			   size_t cap)
{
	uint8_t salt[ALX_SCRAM_SALT_LEN];
	int rc = alx_random_bytes(salt, sizeof(salt));
	if (rc != 0)
		return rc;
	return alx_scram_verifier(password, pwlen, salt, sizeof(salt),
				  ALX_SCRAM_ITERATIONS, out, cap);
}

/* One base64 field ending at stop (or the end of text): decoded into
 * out; *next past the separator. */
static long field(const char *p, char stop, uint8_t *out, size_t cap,
		  const char **next)
{
	const char *e = stop ? strchr(p, stop) : p + strlen(p);
	if (e == NULL || e == p)
		return -1;
	*next = *e ? e + 1 : e;
	return alx_base64_decode(p, (size_t)(e - p), out, cap);
}

int alx_scram_parse(const char *text, struct alx_scram_secret *out)
{
	struct alx_scram_secret s;
	if (strncmp(text, PREFIX, sizeof(PREFIX) - 1) != 0)
		return ALOPEX_EINVAL;
	const char *p = text + sizeof(PREFIX) - 1;
	uint64_t it = 0;
	if (*p < '0' || *p > '9')
		return ALOPEX_EINVAL;
	while (*p >= '0' && *p <= '9') {
		it = it * 10 + (uint64_t)(*p++ - '0');
		if (it > 0x7fffffff)
			return ALOPEX_EINVAL;
	}
	if (*p++ != ':' || it == 0)
		return ALOPEX_EINVAL;
	s.iterations = (uint32_t)it;
	long n = field(p, '$', s.salt, sizeof(s.salt), &p);
	if (n <= 0)
		return ALOPEX_EINVAL;
	s.salt_len = (size_t)n;
	if (field(p, ':', s.stored_key, sizeof(s.stored_key), &p) !=
		    ALX_SHA256_LEN ||
	    field(p, '\0', s.server_key, sizeof(s.server_key), &p) !=
		    ALX_SHA256_LEN)
		return ALOPEX_EINVAL;
	*out = s;
	return 0;
}

int alx_random_bytes(void *out, size_t n)
{
	uint8_t *p = out;
	for (int tries = 0; n > 0 && tries < 100; tries++) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ALOPEX_EIO;
		}
		p += r;
		n -= (size_t)r;
	}
	return n == 0 ? 0 : ALOPEX_EIO;
}

bool alx_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
