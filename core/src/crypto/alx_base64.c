/* Base64, RFC 4648 section 4. */
#include "crypto/alx_base64.h"

#include <stdbool.h>

static const char ALPHA[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t alx_base64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t o = 0, i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];
		out[o++] = ALPHA[v >> 18];
		out[o++] = ALPHA[(v >> 12) & 63];
		out[o++] = ALPHA[(v >> 6) & 63];
		out[o++] = ALPHA[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = ALPHA[v >> 18];
		out[o++] = ALPHA[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = ALPHA[v >> 18];
		out[o++] = ALPHA[(v >> 12) & 63];
		out[o++] = ALPHA[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static int val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long alx_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
	if (len % 4 != 0)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		int pad = 0;
		uint32_t v = 0;
		for (int j = 0; j < 4; j++) {
			char c = in[i + j];
			int x;
			if (c == '=' && last && j >= 2) {
				pad++;
				x = 0;
			} else if (pad > 0 || (x = val(c)) < 0) {
				return -1;
			}
			v = v << 6 | (uint32_t)x;
		}
		size_t n = 3 - (size_t)pad;
		if (o + n > cap)
			return -1;
		out[o++] = (uint8_t)(v >> 16);
		if (n > 1)
			out[o++] = (uint8_t)(v >> 8);
		if (n > 2)
			out[o++] = (uint8_t)v;
	}
	return (long)o;
}
