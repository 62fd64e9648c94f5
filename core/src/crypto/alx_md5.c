/* MD5 from RFC 1321. */
#include "crypto/alx_md5.h"

#include <string.h>

/* T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 section 3.4 */
static const uint32_t T[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
	0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
	0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
	0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* The rotation amounts of each round's four steps. */
static const uint8_t S[16] = {7, 12, 17, 22, 5, 9,  14, 20,
			      4, 11, 16, 23, 6, 10, 15, 21};

static void compress(uint32_t *h, const uint8_t blk[ALX_HASH_BLOCK])
{
	uint32_t x[16];
	for (int i = 0; i < 16; i++)
		x[i] = (uint32_t)blk[4 * i] | (uint32_t)blk[4 * i + 1] << 8 |
		       (uint32_t)blk[4 * i + 2] << 16 |
		       (uint32_t)blk[4 * i + 3] << 24;
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
	for (int i = 0; i < 64; i++) {
		uint32_t f;
		int k;
		if (i < 16) {
			f = (b & c) | (~b & d);
			k = i;
		} else if (i < 32) {
			f = (d & b) | (~d & c);
			k = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ c ^ d;
			k = (3 * i + 5) % 16;
		} else {
			f = c ^ (b | ~d);
			k = (7 * i) % 16;
		}
		uint32_t t = d, v = a + f + T[i] + x[k];
		int s = S[(i / 16) * 4 + i % 4];
		d = c;
		c = b;
		b = b + ((v << s) | (v >> (32 - s)));
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

void alx_md5_init(struct alx_md5 *c)
{
	static const uint32_t iv[4] = {0x67452301, 0xefcdab89, 0x98badcfe,
				       0x10325476};
	memcpy(c->h, iv, sizeof(iv));
	alx_hash_block_init(&c->blk);
}

void alx_md5_update(struct alx_md5 *c, const void *data, size_t len)
{
	alx_hash_block_update(&c->blk, c->h, compress, data, len);
}

void alx_md5_final(struct alx_md5 *c, uint8_t out[ALX_MD5_LEN])
{
	alx_hash_block_final(&c->blk, c->h, compress, false);
	for (int i = 0; i < ALX_MD5_LEN; i++)
		out[i] = (uint8_t)(c->h[i / 4] >> (8 * (i % 4)));
}

void alx_md5(const void *data, size_t len, uint8_t out[ALX_MD5_LEN])
{
	struct alx_md5 c;
	alx_md5_init(&c);
	alx_md5_update(&c, data, len);
	alx_md5_final(&c, out);
}
