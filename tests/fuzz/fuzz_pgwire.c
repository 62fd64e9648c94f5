/*
 * pgwire codec (protocols/pgwire/pgw_*.c): bytes from any client on the
 * network. The first input byte picks what is fuzzed:
 *   0  pgw_parse in the startup phase, message after message;
 *   1  pgw_parse in the typed phase, walking Bind parameters (both ways,
 *      which must agree) through pgw_binary_to_text, and SASL bodies;
 *   2  pgw_binary_to_text for one OID (second byte), then text -> binary
 *      -> text must reproduce the first text;
 *   3  pgw_text_to_binary for one OID, then binary -> text -> binary
 *      must reproduce the first binary;
 *   4  a SCRAM exchange: client-first up to '\n', the rest client-final.
 * Any disagreement aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pgw_binary.h"
#include "pgw_msg.h"
#include "pgw_scram.h"

static const uint32_t oids[] = {
	16,   17,   20,	  21,	23,   25,   26,	  114,	700,	       701,
	1042, 1043, 1082, 1114, 1184, 1186, 1700, 3802, PGW_OID_VECTOR};
#define NOIDS (sizeof(oids) / sizeof(oids[0]))

/* PG's verifier for 'pencil' (see the unit test). */
#define VERIFIER                                                               \
	"SCRAM-SHA-256$4096:BzHTE7KcjY6D+6T5Dg0BKQ==$yR1zu5u3tWcbkISWrfsE11dv" \
	"x1IbY+sZDXtAQiitrmM=:pDKh6VXHNgYzlhFPX2kTp7wOSJO4fjf86q5b4BOtzWo="

/* text -> binary -> text is the identity on our own output. */
static void text_fixpoint(uint32_t oid, const struct pgw_buf *t1)
{
	struct pgw_buf b = {0}, t2 = {0};
	char err[256];

	if (pgw_text_to_binary(oid, (const char *)t1->p, t1->len, &b, err,
			       sizeof(err)) == 0) {
		if (pgw_binary_to_text(oid, b.p, b.len, &t2, err,
				       sizeof(err)) != 0 ||
		    t2.len != t1->len || memcmp(t2.p, t1->p, t1->len) != 0)
			abort();
	} else if (oid != 1186) {
		/* Every text we print must read back (intervals too, but
		 * their parser is deliberately not PG's full grammar). */
		abort();
	}
	pgw_buf_free(&b);
	pgw_buf_free(&t2);
}

static void walk_bind(const struct pgw_fe_msg *m, uint8_t oidsel)
{
	struct pgw_bind_iter it;
	struct pgw_slice v, w;
	int nul, nul2;
	uint16_t i = 0;

	pgw_bind_iter_init(&it, m);
	while (pgw_bind_iter_next(&it, &nul, &v) == 1) {
		struct pgw_buf t = {0};
		char err[256];
		uint32_t oid = oids[(oidsel + i) % NOIDS];

		if (pgw_bind_param(m, i, &nul2, &w) != 0 || nul2 != nul ||
		    w.n != v.n || w.p != v.p)
			abort();
		(void)pgw_bind_param_format(m, i);
		if (!nul && pgw_binary_to_text(oid, v.p, v.n, &t, err,
					       sizeof(err)) == 0)
			text_fixpoint(oid, &t);
		pgw_buf_free(&t);
		i++;
	}
	if (i != m->u.bind.nparams || pgw_bind_param(m, i, &nul, &v) == 0)
		abort();
	for (uint16_t c = 0; c < 4; c++)
		(void)pgw_bind_result_format(m, c);
}

static void parse_stream(const uint8_t *p, size_t n, int startup,
			 uint8_t oidsel)
{
	for (int guard = 0; guard < 10000 && n > 0; guard++) {
		struct pgw_fe_msg m;
		struct pgw_slice mech, data;
		char err[256];
		size_t used = 0;
		int rc = pgw_parse(p, n, startup, 1u << 16, &m, &used, err,
				   sizeof(err));

		if (rc <= 0)
			return;
		if (used == 0 || used > n)
			abort();
		if (m.kind == PGW_FE_BIND)
			walk_bind(&m, oidsel);
		if (m.kind == PGW_FE_PASSWORD)
			(void)pgw_parse_sasl_initial(m.u.password.data, &mech,
						     &data);
		p += used;
		n -= used;
	}
}

static void scram(const uint8_t *p, size_t n)
{
	struct pgw_scram *s = NULL;
	struct pgw_buf out = {0};
	const uint8_t *nl = memchr(p, '\n', n);
	size_t first = nl ? (size_t)(nl - p) : n;

	if (pgw_scram_begin_with_nonce(VERIFIER, "fuzznonce", &s) != 0)
		return;
	if (pgw_scram_step(s, (struct pgw_slice){p, first}, &out) == 0 && nl) {
		out.len = 0;
		if (pgw_scram_step(s, (struct pgw_slice){nl + 1, n - first - 1},
				   &out) == 0 &&
		    !pgw_scram_done(s))
			abort();
	}
	(void)pgw_scram_error(s, NULL);
	pgw_scram_free(s);
	pgw_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	uint32_t oid;

	if (size < 2)
		return 0;
	/* A private exact-size copy so ASan sees reads past the end. */
	copy = malloc(size - 2 ? size - 2 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 2, size - 2);
	oid = oids[data[1] % NOIDS];
	switch (data[0] % 5) {
	case 0:
	case 1:
		parse_stream(copy, size - 2, data[0] % 5 == 0, data[1]);
		break;
	case 2: {
		struct pgw_buf t = {0};
		char err[256];

		if (pgw_binary_to_text(oid, copy, size - 2, &t, err,
				       sizeof(err)) == 0) {
			if (!t.p || strlen((char *)t.p) > t.len)
				abort();
			text_fixpoint(oid, &t);
		}
		pgw_buf_free(&t);
		break;
	}
	case 3: {
		struct pgw_buf b = {0}, t = {0}, b2 = {0};
		char err[256];

		if (pgw_text_to_binary(oid, (const char *)copy, size - 2, &b,
				       err, sizeof(err)) == 0) {
			if (pgw_binary_to_text(oid, b.p, b.len, &t, err,
					       sizeof(err)) != 0)
				abort();
			/* numeric keeps the input's dscale, jsonb/text
			 * pass bytes through: all must be a fixpoint. */
			if (pgw_text_to_binary(oid, (const char *)t.p, t.len,
					       &b2, err, sizeof(err)) != 0 ||
			    b2.len != b.len ||
			    (b.len && memcmp(b.p, b2.p, b.len) != 0))
				abort();
		}
		pgw_buf_free(&b);
		pgw_buf_free(&t);
		pgw_buf_free(&b2);
		break;
	}
	default:
		scram(copy, size - 2);
		break;
	}
	free(copy);
	return 0;
}
