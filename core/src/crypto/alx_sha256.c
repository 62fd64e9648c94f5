/* SHA-256, HMAC-SHA-256, PBKDF2-HMAC-SHA-256 from FIPS 180-4, RFC 2104
 * and RFC 8018. */
#include "crypto/alx_sha256.h"

#include <string.h>

#include "alopex.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t *h, const uint8_t blk[ALX_HASH_BLOCK])
{
	uint32_t w[64];
	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)blk[4 * t] << 24 |
		       (uint32_t)blk[4 * t + 1] << 16 |
		       (uint32_t)blk[4 * t + 2] << 8 | blk[4 * t + 3];
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^
			      (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^
			      (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5],
		 g = h[6], hh = h[7];
	for (int t = 0; t < 64; t++) {
		uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = hh + S1 + ch + K[t] + w[t];
		uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = S0 + maj;
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

void alx_sha256_init(struct alx_sha256 *c)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
				       0xa54ff53a, 0x510e527f, 0x9b05688c,
				       0x1f83d9ab, 0x5be0cd19};
	memcpy(c->h, iv, sizeof(iv));
	alx_hash_block_init(&c->blk);
}

void alx_sha256_update(struct alx_sha256 *c, const void *data, size_t len)
{
	alx_hash_block_update(&c->blk, c->h, compress, data, len);
}

void alx_sha256_final(struct alx_sha256 *c, uint8_t out[ALX_SHA256_LEN])
{
	/* FIPS 180-4 5.1.1: the length is big-endian */
	alx_hash_block_final(&c->blk, c->h, compress, true);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
	alx_secure_zero(c, sizeof(*c));
}

void alx_sha256(const void *data, size_t len, uint8_t out[ALX_SHA256_LEN])
{
	struct alx_sha256 c;
	alx_sha256_init(&c);
	alx_sha256_update(&c, data, len);
	alx_sha256_final(&c, out);
}

void alx_hmac_sha256_init(struct alx_hmac_sha256 *c, const void *key,
			  size_t keylen)
{
	uint8_t k[ALX_SHA256_BLOCK] = {0}, pad[ALX_SHA256_BLOCK];
	/* RFC 2104: keys longer than a block are hashed first. */
	if (keylen > ALX_SHA256_BLOCK)
		alx_sha256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (int i = 0; i < ALX_SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	alx_sha256_init(&c->inner);
	alx_sha256_update(&c->inner, pad, sizeof(pad));
	for (int i = 0; i < ALX_SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	alx_sha256_init(&c->outer);
	alx_sha256_update(&c->outer, pad, sizeof(pad));
	alx_secure_zero(k, sizeof(k));
	alx_secure_zero(pad, sizeof(pad));
}

void alx_hmac_sha256_update(struct alx_hmac_sha256 *c, const void *data,
			    size_t len)
{
	alx_sha256_update(&c->inner, data, len);
}

void alx_hmac_sha256_final(struct alx_hmac_sha256 *c,
			   uint8_t out[ALX_SHA256_LEN])
{
	uint8_t ih[ALX_SHA256_LEN];
	alx_sha256_final(&c->inner, ih);
	alx_sha256_update(&c->outer, ih, sizeof(ih));
	alx_sha256_final(&c->outer, out);
	alx_secure_zero(ih, sizeof(ih));
}

void alx_hmac_sha256(const void *key, size_t keylen, const void *data,
		     size_t len, uint8_t out[ALX_SHA256_LEN])
{
	struct alx_hmac_sha256 c;
	alx_hmac_sha256_init(&c, key, keylen);
	alx_hmac_sha256_update(&c, data, len);
	alx_hmac_sha256_final(&c, out);
}

int alx_pbkdf2_sha256(const void *password, size_t pwlen, const void *salt,
		      size_t saltlen, uint32_t iterations, uint8_t *out,
		      size_t dklen)
{
	if (iterations == 0 || dklen == 0 ||
	    dklen / ALX_SHA256_LEN >= 0xffffffffu)
		return ALOPEX_EINVAL;
	/* The keyed state is computed once and copied per block, as the
	 * password is the same key for every HMAC. */
	struct alx_hmac_sha256 keyed, c;
	alx_hmac_sha256_init(&keyed, password, pwlen);
	uint8_t u[ALX_SHA256_LEN], t[ALX_SHA256_LEN];
	for (uint32_t blk = 1; dklen > 0; blk++) {
		uint8_t be[4] = {(uint8_t)(blk >> 24), (uint8_t)(blk >> 16),
				 (uint8_t)(blk >> 8), (uint8_t)blk};
		c = keyed;
		alx_hmac_sha256_update(&c, salt, saltlen);
		alx_hmac_sha256_update(&c, be, 4);
		alx_hmac_sha256_final(&c, u);
		memcpy(t, u, sizeof(t));
		for (uint32_t i = 1; i < iterations; i++) {
			c = keyed;
			alx_hmac_sha256_update(&c, u, sizeof(u));
			alx_hmac_sha256_final(&c, u);
			for (int j = 0; j < ALX_SHA256_LEN; j++)
				t[j] ^= u[j];
		}
		size_t n = dklen < ALX_SHA256_LEN ? dklen : ALX_SHA256_LEN;
		memcpy(out, t, n);
		out += n;
		dklen -= n;
	}
	alx_secure_zero(&keyed, sizeof(keyed));
	alx_secure_zero(&c, sizeof(c));
	alx_secure_zero(u, sizeof(u));
	alx_secure_zero(t, sizeof(t));
	return 0;
}

void alx_secure_zero(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n-- > 0)
		*v++ = 0;
}
