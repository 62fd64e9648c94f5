/*
 * pgwire frontend-message parser and backend-message encoders. Validation
 * follows PostgreSQL 15's backend (postgres.c SocketBackend and the
 * exec_*_message readers, pqformat.c's pq_getmsg*), and the error texts are
 * PG's where PG has one, so a client sees the same words from us.
 */
#include "pgw_msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

/* Startup packet codes (pqcomm.h). */
#define PGW_SSL_CODE 80877103u
#define PGW_GSSENC_CODE 80877104u
#define PGW_CANCEL_CODE 80877102u
/* PG bounds the startup packet and the small messages itself
 * (MAX_STARTUP_PACKET_LENGTH, PQ_SMALL_MESSAGE_LIMIT); so do we. */
#define PGW_MAX_STARTUP 10000u
#define PGW_SMALL_LIMIT 10000u
/* PG_MAX_AUTH_TOKEN_LENGTH: bound of a password/SASL message. */
#define PGW_AUTH_LIMIT 65535u

void pgw_buf_free(struct pgw_buf *b)
{
	if (!b)
		return;
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

int pgw_buf_reserve(struct pgw_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	if (extra > SIZE_MAX - b->len)
		return -ENOMEM;
	need = b->len + extra;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

uint32_t pgw_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

uint16_t pgw_get_u16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | (unsigned)p[1]);
}

static void put_u32_at(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Formats err; always returns -code so callers can `return seterr(..)`. */
static int seterr(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -code;
}

/* A read cursor over one message body, mirroring pqformat.c's readers. */
struct rd {
	const uint8_t *p;
	size_t n, off;
	char *err;
	size_t errlen;
};

static int rd_bytes(struct rd *r, size_t n, const uint8_t **out)
{
	if (n > r->n - r->off)
		return seterr(r->err, r->errlen, EPROTO,
			      "insufficient data left in message");
	*out = r->p + r->off;
	r->off += n;
	return 0;
}

static int rd_u16(struct rd *r, uint16_t *v)
{
	const uint8_t *p = NULL;
	int rc = rd_bytes(r, 2, &p);

	if (rc == 0)
		*v = pgw_get_u16(p);
	return rc;
}

static int rd_u32(struct rd *r, uint32_t *v)
{
	const uint8_t *p = NULL;
	int rc = rd_bytes(r, 4, &p);

	if (rc == 0)
		*v = pgw_get_u32(p);
	return rc;
}

/* NUL-terminated string inside the body; the slice excludes the NUL. */
static int rd_str(struct rd *r, struct pgw_slice *s)
{
	const uint8_t *start = r->p + r->off;
	const uint8_t *nul = memchr(start, 0, r->n - r->off);

	if (!nul)
		return seterr(r->err, r->errlen, EPROTO,
			      "invalid string in message");
	s->p = start;
	s->n = (size_t)(nul - start);
	r->off += s->n + 1;
	return 0;
}

static int rd_end(struct rd *r)
{
	if (r->off != r->n)
		return seterr(r->err, r->errlen, EPROTO,
			      "invalid message format");
	return 0;
}

static int parse_startup(const uint8_t *buf, size_t len, size_t max_len,
			 struct pgw_fe_msg *out, size_t *used, char *err,
			 size_t errlen)
{
	uint32_t plen, code, major, minor;
	size_t off, end, nparams = 0;

	if (len < 4)
		return 0;
	plen = pgw_get_u32(buf);
	if (plen < 8 || plen > PGW_MAX_STARTUP || plen > max_len)
		return seterr(err, errlen, EPROTO,
			      "invalid length of startup packet");
	if (len < plen)
		return 0;
	code = pgw_get_u32(buf + 4);
	memset(out, 0, sizeof(*out));
	if (code == PGW_SSL_CODE || code == PGW_GSSENC_CODE) {
		if (plen != 8)
			return seterr(err, errlen, EPROTO,
				      "invalid length of startup packet");
		out->kind = code == PGW_SSL_CODE ? PGW_FE_SSL_REQUEST
						 : PGW_FE_GSSENC_REQUEST;
		*used = 8;
		return 1;
	}
	if (code == PGW_CANCEL_CODE) {
		if (plen != 16)
			return seterr(err, errlen, EPROTO,
				      "invalid length of startup packet");
		out->kind = PGW_FE_CANCEL;
		out->u.cancel.pid = (int32_t)pgw_get_u32(buf + 8);
		out->u.cancel.key = (int32_t)pgw_get_u32(buf + 12);
		*used = 16;
		return 1;
	}
	major = code >> 16;
	minor = code & 0xffff;
	if (major != 3)
		return seterr(err, errlen, EPROTO,
			      "unsupported frontend protocol %u.%u: server "
			      "supports 3.0 to 3.0",
			      major, minor);
	/*
	 * name\0value\0 ... \0, the terminator exactly at the last byte, as
	 * ProcessStartupPacket demands. A name without its value, or a
	 * missing terminator, is the same layout error there.
	 */
	off = 8;
	end = plen;
	for (;;) {
		const uint8_t *n0, *v0;
		size_t nl, vl;

		if (off >= end)
			goto layout;
		if (buf[off] == 0)
			break;
		n0 = memchr(buf + off, 0, end - off);
		if (!n0)
			goto layout;
		nl = (size_t)(n0 - (buf + off));
		if (off + nl + 1 >= end)
			goto layout;
		v0 = memchr(n0 + 1, 0, end - (off + nl + 1));
		if (!v0)
			goto layout;
		vl = (size_t)(v0 - (n0 + 1));
		if (nparams == 64)
			return seterr(err, errlen, EPROTO,
				      "too many parameters in startup packet "
				      "(max 64)");
		out->u.startup.names[nparams].p = buf + off;
		out->u.startup.names[nparams].n = nl;
		out->u.startup.values[nparams].p = n0 + 1;
		out->u.startup.values[nparams].n = vl;
		nparams++;
		off += nl + 1 + vl + 1;
	}
	if (off != end - 1)
		goto layout;
	out->kind = PGW_FE_STARTUP;
	out->u.startup.version = code;
	out->u.startup.nparams = nparams;
	*used = plen;
	return 1;
layout:
	return seterr(err, errlen, EPROTO,
		      "invalid startup packet layout: expected terminator as "
		      "last byte");
}

/* Kind and PG's own length bound for each typed frontend message. */
static int typed_kind(uint8_t t, enum pgw_fe_kind *kind, size_t *limit)
{
	size_t lim = PGW_SMALL_LIMIT;
	enum pgw_fe_kind k;

	switch (t) {
	case 'Q':
		k = PGW_FE_QUERY;
		lim = SIZE_MAX;
		break;
	case 'P':
		k = PGW_FE_PARSE;
		lim = SIZE_MAX;
		break;
	case 'B':
		k = PGW_FE_BIND;
		lim = SIZE_MAX;
		break;
	case 'F':
		k = PGW_FE_FUNCTION_CALL;
		lim = SIZE_MAX;
		break;
	case 'd':
		k = PGW_FE_COPY_DATA;
		lim = SIZE_MAX;
		break;
	case 'p':
		k = PGW_FE_PASSWORD;
		lim = PGW_AUTH_LIMIT;
		break;
	case 'D':
		k = PGW_FE_DESCRIBE;
		break;
	case 'E':
		k = PGW_FE_EXECUTE;
		break;
	case 'S':
		k = PGW_FE_SYNC;
		break;
	case 'H':
		k = PGW_FE_FLUSH;
		break;
	case 'C':
		k = PGW_FE_CLOSE;
		break;
	case 'X':
		k = PGW_FE_TERMINATE;
		break;
	case 'c':
		k = PGW_FE_COPY_DONE;
		break;
	case 'f':
		k = PGW_FE_COPY_FAIL;
		break;
	default:
		return -1;
	}
	*kind = k;
	*limit = lim;
	return 0;
}

static int check_fmt_codes(struct rd *r, const uint8_t *p, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		int16_t f = (int16_t)pgw_get_u16(p + 2 * (size_t)i);

		if (f != 0 && f != 1)
			return seterr(r->err, r->errlen, EINVAL,
				      "unsupported format code: %d", f);
	}
	return 0;
}

static int parse_bind(struct rd *r, struct pgw_fe_msg *out)
{
	const uint8_t *p;
	uint16_t nf = 0, np = 0, nr = 0;
	int rc;

	if ((rc = rd_str(r, &out->u.bind.portal)) < 0 ||
	    (rc = rd_str(r, &out->u.bind.stmt)) < 0 ||
	    (rc = rd_u16(r, &nf)) < 0 ||
	    (rc = rd_bytes(r, 2 * (size_t)nf, &out->u.bind.fmts)) < 0 ||
	    (rc = rd_u16(r, &np)) < 0)
		return rc;
	if (nf > 1 && nf != np)
		return seterr(r->err, r->errlen, EPROTO,
			      "bind message has %u parameter formats but %u "
			      "parameters",
			      (unsigned)nf, (unsigned)np);
	out->u.bind.nfmts = nf;
	out->u.bind.nparams = np;
	out->u.bind.params = r->p + r->off;
	for (uint16_t i = 0; i < np; i++) {
		uint32_t l = 0;

		if ((rc = rd_u32(r, &l)) < 0)
			return rc;
		if (l == UINT32_MAX)
			continue;
		/* Any other negative length: pq_getmsgbytes' complaint. */
		if (l > INT32_MAX)
			return seterr(r->err, r->errlen, EPROTO,
				      "insufficient data left in message");
		if ((rc = rd_bytes(r, l, &p)) < 0)
			return rc;
	}
	if ((rc = rd_u16(r, &nr)) < 0 ||
	    (rc = rd_bytes(r, 2 * (size_t)nr, &out->u.bind.rfmts)) < 0 ||
	    (rc = rd_end(r)) < 0)
		return rc;
	out->u.bind.nrfmts = nr;
	if ((rc = check_fmt_codes(r, out->u.bind.fmts, nf)) < 0 ||
	    (rc = check_fmt_codes(r, out->u.bind.rfmts, nr)) < 0)
		return rc;
	return 0;
}

static int parse_body(uint8_t t, struct rd *r, struct pgw_fe_msg *out)
{
	const uint8_t *p = NULL;
	uint32_t v = 0;
	int rc;

	switch (out->kind) {
	case PGW_FE_QUERY:
		if ((rc = rd_str(r, &out->u.query.sql)) < 0)
			return rc;
		return rd_end(r);
	case PGW_FE_PARSE:
		if ((rc = rd_str(r, &out->u.parse.name)) < 0 ||
		    (rc = rd_str(r, &out->u.parse.sql)) < 0 ||
		    (rc = rd_u16(r, &out->u.parse.ntypes)) < 0 ||
		    (rc = rd_bytes(r, 4 * (size_t)out->u.parse.ntypes,
				   &out->u.parse.types)) < 0)
			return rc;
		return rd_end(r);
	case PGW_FE_BIND:
		return parse_bind(r, out);
	case PGW_FE_DESCRIBE:
	case PGW_FE_CLOSE:
		if ((rc = rd_bytes(r, 1, &p)) < 0 ||
		    (rc = rd_str(r, &out->u.describe.name)) < 0 ||
		    (rc = rd_end(r)) < 0)
			return rc;
		if (*p != 'S' && *p != 'P')
			return seterr(r->err, r->errlen, EPROTO,
				      "invalid %s message subtype %d",
				      t == 'D' ? "DESCRIBE" : "CLOSE", *p);
		out->u.describe.what = (char)*p;
		return 0;
	case PGW_FE_EXECUTE:
		if ((rc = rd_str(r, &out->u.execute.portal)) < 0 ||
		    (rc = rd_u32(r, &v)) < 0)
			return rc;
		out->u.execute.max_rows = (int32_t)v;
		return rd_end(r);
	case PGW_FE_COPY_FAIL:
		if ((rc = rd_str(r, &out->u.copy_fail.msg)) < 0)
			return rc;
		return rd_end(r);
	case PGW_FE_COPY_DATA:
	case PGW_FE_PASSWORD:
	case PGW_FE_FUNCTION_CALL:
		/* Raw: the session interprets (or rejects) the body. */
		out->u.copy_data.data.p = r->p;
		out->u.copy_data.data.n = r->n;
		r->off = r->n;
		return 0;
	default: /* Sync, Flush, Terminate, CopyDone: no body. */
		return rd_end(r);
	}
}

/* The bytes of a message other than StartupMessage: bind is the largest
 * member of the union after startup's arrays. */
#define U_SIZE(f) sizeof(((struct pgw_fe_msg *)0)->u.f)
#define TYPED_SIZE (offsetof(struct pgw_fe_msg, u) + U_SIZE(bind))
_Static_assert(U_SIZE(parse) <= U_SIZE(bind) &&
		       U_SIZE(describe) <= U_SIZE(bind) &&
		       U_SIZE(execute) <= U_SIZE(bind) &&
		       U_SIZE(copy_fail) <= U_SIZE(bind) &&
		       U_SIZE(copy_data) <= U_SIZE(bind) &&
		       U_SIZE(cancel) <= U_SIZE(bind) &&
		       U_SIZE(query) <= U_SIZE(bind),
	       "TYPED_SIZE must cover every typed message");

int pgw_parse(const uint8_t *buf, size_t len, int startup_phase, size_t max_len,
	      struct pgw_fe_msg *out, size_t *used, char *err, size_t errlen)
{
	struct pgw_fe_msg m;
	enum pgw_fe_kind kind;
	size_t limit, mlen, n = 0;
	struct rd r;
	int rc;

	if (startup_phase) {
		rc = parse_startup(buf, len, max_len, &m, &n, err, errlen);
		if (rc == 1) {
			*out = m;
			*used = n;
		}
		return rc;
	}
	if (len < 1)
		return 0;
	/* The type byte alone decides, before any length is trusted. */
	if (typed_kind(buf[0], &kind, &limit) < 0)
		return seterr(err, errlen, EPROTO,
			      "invalid frontend message type %d", buf[0]);
	if (len < 5)
		return 0;
	mlen = pgw_get_u32(buf + 1);
	if (mlen < 4)
		return seterr(err, errlen, EPROTO, "invalid message length");
	if (limit > max_len)
		limit = max_len;
	if (mlen > limit)
		return seterr(err, errlen, EMSGSIZE,
			      "message too large (%zu bytes; max %zu)", mlen,
			      limit);
	if (len - 1 < mlen)
		return 0;
	/* not startup's 2 KB of arrays: clearing and copying them showed
	 * in every request's profile */
	memset(&m, 0, TYPED_SIZE);
	m.kind = kind;
	r.p = buf + 5;
	r.n = mlen - 4;
	r.off = 0;
	r.err = err;
	r.errlen = errlen;
	rc = parse_body(buf[0], &r, &m);
	if (rc < 0)
		return rc;
	memcpy(out, &m, TYPED_SIZE);
	*used = mlen + 1;
	return 1;
}

int pgw_parse_sasl_initial(struct pgw_slice body, struct pgw_slice *mech,
			   struct pgw_slice *data)
{
	struct pgw_slice m, d;
	struct rd r = {body.p, body.n, 0, NULL, 0};
	uint32_t l = 0;

	if (!body.p || rd_str(&r, &m) < 0 || rd_u32(&r, &l) < 0)
		return -EPROTO;
	if (l == UINT32_MAX) {
		d.p = r.p + r.off;
		d.n = 0;
	} else if (l > INT32_MAX || rd_bytes(&r, l, &d.p) < 0) {
		return -EPROTO;
	} else {
		d.n = l;
	}
	if (rd_end(&r) < 0)
		return -EPROTO;
	*mech = m;
	*data = d;
	return 0;
}

void pgw_bind_iter_init(struct pgw_bind_iter *it, const struct pgw_fe_msg *bind)
{
	it->cur = bind->u.bind.params;
	it->i = 0;
	it->n = bind->u.bind.nparams;
}

int pgw_bind_iter_next(struct pgw_bind_iter *it, int *is_null,
		       struct pgw_slice *val)
{
	uint32_t l = 0;

	if (it->i >= it->n)
		return 0;
	l = pgw_get_u32(it->cur);
	it->cur += 4;
	if (l == UINT32_MAX) {
		*is_null = 1;
		val->p = NULL;
		val->n = 0;
	} else {
		*is_null = 0;
		val->p = it->cur;
		val->n = l;
		it->cur += l;
	}
	it->i++;
	return 1;
}

int pgw_bind_param(const struct pgw_fe_msg *bind, uint16_t i, int *is_null,
		   struct pgw_slice *val)
{
	struct pgw_bind_iter it;
	struct pgw_slice v = {NULL, 0};
	int nul = 0;

	if (bind->kind != PGW_FE_BIND || i >= bind->u.bind.nparams)
		return -EPROTO;
	pgw_bind_iter_init(&it, bind);
	do
		pgw_bind_iter_next(&it, &nul, &v);
	while (it.i <= i);
	*is_null = nul;
	*val = v;
	return 0;
}

static int fmt_of(const uint8_t *codes, uint16_t n, uint16_t i)
{
	if (n == 0)
		return 0;
	if (n == 1)
		return (int16_t)pgw_get_u16(codes);
	if (i >= n)
		return 0;
	return (int16_t)pgw_get_u16(codes + 2 * (size_t)i);
}

int pgw_bind_param_format(const struct pgw_fe_msg *bind, uint16_t i)
{
	return fmt_of(bind->u.bind.fmts, bind->u.bind.nfmts, i);
}

int pgw_bind_result_format(const struct pgw_fe_msg *bind, uint16_t col)
{
	return fmt_of(bind->u.bind.rfmts, bind->u.bind.nrfmts, col);
}

/* ---- encoders ---- */

/*
 * Starts a message of known body length: type byte and length. The
 * body must fit PG's int32 length.
 */
static int begin(struct pgw_buf *b, char type, size_t body)
{
	int rc;

	if (body > (size_t)INT32_MAX - 4)
		return -EMSGSIZE;
	rc = pgw_buf_reserve(b, 5 + body);
	if (rc < 0)
		return rc;
	b->p[b->len] = (uint8_t)type;
	put_u32_at(b->p + b->len + 1, (uint32_t)(body + 4));
	b->len += 5;
	return 0;
}

/* The append helpers run after begin() reserved the room. */
static void app(struct pgw_buf *b, const void *p, size_t n)
{
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void app_u32(struct pgw_buf *b, uint32_t v)
{
	put_u32_at(b->p + b->len, v);
	b->len += 4;
}

static void app_u16(struct pgw_buf *b, uint16_t v)
{
	b->p[b->len] = (uint8_t)(v >> 8);
	b->p[b->len + 1] = (uint8_t)v;
	b->len += 2;
}

static void app_str(struct pgw_buf *b, const char *s, size_t n)
{
	app(b, s, n);
	b->p[b->len++] = 0;
}

int pgw_put_auth(struct pgw_buf *b, uint32_t code, const void *extra, size_t n)
{
	int rc;

	if (!extra)
		n = 0;
	if (n > (size_t)INT32_MAX)
		return -EMSGSIZE;
	if ((rc = begin(b, 'R', 4 + n)) < 0)
		return rc;
	app_u32(b, code);
	app(b, extra, n);
	return 0;
}

int pgw_put_param_status(struct pgw_buf *b, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	int rc;

	if (nl > INT32_MAX / 2 || vl > INT32_MAX / 2)
		return -EMSGSIZE;
	if ((rc = begin(b, 'S', nl + vl + 2)) < 0)
		return rc;
	app_str(b, name, nl);
	app_str(b, value, vl);
	return 0;
}

int pgw_put_backend_key(struct pgw_buf *b, int32_t pid, int32_t key)
{
	int rc;

	if ((rc = begin(b, 'K', 8)) < 0)
		return rc;
	app_u32(b, (uint32_t)pid);
	app_u32(b, (uint32_t)key);
	return 0;
}

int pgw_put_ready(struct pgw_buf *b, char status)
{
	int rc;

	if ((rc = begin(b, 'Z', 1)) < 0)
		return rc;
	b->p[b->len++] = (uint8_t)status;
	return 0;
}

int pgw_put_row_desc(struct pgw_buf *b, const struct pgw_coldesc *c, uint16_t n)
{
	size_t body = 2;
	int rc;

	for (uint16_t i = 0; i < n; i++) {
		size_t nl = strlen(c[i].name);

		if (nl > INT32_MAX || body > (size_t)INT32_MAX - nl - 19)
			return -EMSGSIZE;
		body += nl + 19;
	}
	if ((rc = begin(b, 'T', body)) < 0)
		return rc;
	app_u16(b, n);
	for (uint16_t i = 0; i < n; i++) {
		app_str(b, c[i].name, strlen(c[i].name));
		app_u32(b, c[i].table_oid);
		app_u16(b, (uint16_t)c[i].attnum);
		app_u32(b, c[i].type_oid);
		app_u16(b, (uint16_t)c[i].typlen);
		app_u32(b, (uint32_t)c[i].typmod);
		app_u16(b, (uint16_t)c[i].format);
	}
	return 0;
}

int pgw_put_param_desc(struct pgw_buf *b, const uint32_t *oids, uint16_t n)
{
	int rc;

	if ((rc = begin(b, 't', 2 + 4 * (size_t)n)) < 0)
		return rc;
	app_u16(b, n);
	for (uint16_t i = 0; i < n; i++)
		app_u32(b, oids[i]);
	return 0;
}

int pgw_put_no_data(struct pgw_buf *b)
{
	return pgw_put_simple(b, 'n');
}

size_t pgw_row_begin(struct pgw_buf *b, uint16_t ncols)
{
	size_t off = b->len;

	if (begin(b, 'D', 2) < 0)
		return SIZE_MAX;
	app_u16(b, ncols);
	return off;
}

int pgw_row_col(struct pgw_buf *b, const void *v, int32_t n)
{
	size_t len = n < 0 ? 0 : (size_t)n;
	int rc;

	if (n < -1)
		return -EINVAL;
	if ((rc = pgw_buf_reserve(b, 4 + len)) < 0)
		return rc;
	app_u32(b, n < 0 ? UINT32_MAX : (uint32_t)n);
	if (len)
		app(b, v, len);
	return 0;
}

void pgw_row_end(struct pgw_buf *b, size_t off)
{
	if (off == SIZE_MAX || off >= b->len)
		return;
	put_u32_at(b->p + off + 1, (uint32_t)(b->len - off - 1));
}

int pgw_put_complete(struct pgw_buf *b, const char *tag)
{
	size_t n = strlen(tag);
	int rc;

	if (n > INT32_MAX)
		return -EMSGSIZE;
	if ((rc = begin(b, 'C', n + 1)) < 0)
		return rc;
	app_str(b, tag, n);
	return 0;
}

int pgw_put_simple(struct pgw_buf *b, char type)
{
	return begin(b, type, 0);
}

int pgw_put_error(struct pgw_buf *b, char type, const struct pgw_err_fields *f)
{
	const char *w = f->context ? f->context : f->where;
	struct {
		char code;
		const char *s;
	} fl[] = {{'S', f->severity}, {'V', f->severity},
		  {'C', f->sqlstate}, {'M', f->message},
		  {'D', f->detail},   {'H', f->hint},
		  {'P', f->position}, {'W', w}};
	size_t sev = 0, body = 1, lens[8];
	int rc;

	/* severity is a fixed array: it need not be NUL-terminated. */
	while (sev < sizeof(f->severity) && f->severity[sev])
		sev++;
	for (size_t i = 0; i < 8; i++) {
		lens[i] = !fl[i].s ? 0 : i < 2 ? sev : strlen(fl[i].s);
		if (lens[i] > INT32_MAX / 16)
			return -EMSGSIZE;
		if (fl[i].s)
			body += lens[i] + 2;
	}
	if ((rc = begin(b, type, body)) < 0)
		return rc;
	for (size_t i = 0; i < 8; i++) {
		if (!fl[i].s)
			continue;
		b->p[b->len++] = (uint8_t)fl[i].code;
		app_str(b, fl[i].s, lens[i]);
	}
	b->p[b->len++] = 0;
	return 0;
}

int pgw_put_copy_response(struct pgw_buf *b, char type, int binary,
			  uint16_t ncols)
{
	int rc;

	if ((rc = begin(b, type, 3 + 2 * (size_t)ncols)) < 0)
		return rc;
	b->p[b->len++] = binary ? 1 : 0;
	app_u16(b, ncols);
	for (uint16_t i = 0; i < ncols; i++)
		app_u16(b, binary ? 1 : 0);
	return 0;
}

int pgw_put_copy_data(struct pgw_buf *b, const void *p, size_t n)
{
	int rc;

	if ((rc = begin(b, 'd', n)) < 0)
		return rc;
	app(b, p, n);
	return 0;
}

int pgw_put_negotiate_version(struct pgw_buf *b, uint32_t newest_minor,
			      const struct pgw_slice *opts, size_t nopts)
{
	size_t body = 8;
	int rc;

	if (nopts > INT32_MAX)
		return -EMSGSIZE;
	for (size_t i = 0; i < nopts; i++) {
		if (opts[i].n > (size_t)INT32_MAX - body - 1)
			return -EMSGSIZE;
		body += opts[i].n + 1;
	}
	if ((rc = begin(b, 'v', body)) < 0)
		return rc;
	app_u32(b, newest_minor);
	app_u32(b, (uint32_t)nopts);
	for (size_t i = 0; i < nopts; i++)
		app_str(b, (const char *)opts[i].p, opts[i].n);
	return 0;
}
