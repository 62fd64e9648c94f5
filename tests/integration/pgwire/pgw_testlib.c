/* Helpers shared by the pgwire integration tests; see pgw_testlib.h. */
#include "pgw_testlib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "alx_test.h"

int pgwt_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	int p = -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		p = ntohs(a.sin_port);
	close(fd);
	return p;
}

void pgwt_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

int pgwt_set_config(struct pgwt_server *s, const char *config)
{
	char cfg[512];
	snprintf(cfg, sizeof(cfg), "%s/alopex.yaml", s->dir);
	return alx_test_write_file(cfg, config);
}

int pgwt_init(struct pgwt_server *s, const char *tag, const char *config)
{
	memset(s, 0, sizeof(*s));
	s->pid = -1;
	s->dir = alx_test_tmpdir(tag);
	/* differential runs: an already running server (PostgreSQL) */
	const char *ext = getenv("PGWT_EXTERNAL_PORT");
	s->external = ext != NULL && ext[0] != '\0';
	s->port = s->external ? atoi(ext) : pgwt_free_port();
	if (s->dir == NULL || s->port <= 0)
		return -1;
	snprintf(s->conninfo, sizeof(s->conninfo),
		 "host=127.0.0.1 port=%d user=postgres dbname=postgres "
		 "connect_timeout=5 sslmode=disable gssencmode=disable",
		 s->port);
	return pgwt_set_config(s, config);
}

int pgwt_start(struct pgwt_server *s)
{
	char cfg[512], log[512], data[512], ps[16], ws[16];
	snprintf(cfg, sizeof(cfg), "%s/alopex.yaml", s->dir);
	snprintf(log, sizeof(log), "%s/server.log", s->dir);
	snprintf(data, sizeof(data), "%s/data", s->dir);
	snprintf(ps, sizeof(ps), "%d", s->port);
	snprintf(ws, sizeof(ws), "%d", s->workers);
	if (s->external)
		return PQping(s->conninfo) == PQPING_OK ? 0 : -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		if (s->workers > 0)
			execl(PGW_SERVER_PATH, PGW_SERVER_PATH, "--config", cfg,
			      "--port", ps, "--data", data, "--stop-grace",
			      "5000", "--workers", ws, (char *)NULL);
		else
			execl(PGW_SERVER_PATH, PGW_SERVER_PATH, "--config", cfg,
			      "--port", ps, "--data", data, "--stop-grace",
			      "5000", (char *)NULL);
		_exit(127);
	}
	/* bounded wait until it accepts */
	for (int i = 0; i < 300; i++) {
		PGPing p = PQping(s->conninfo);
		if (p == PQPING_OK || p == PQPING_REJECT)
			return 0;
		int st;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = -1;
			return -1;
		}
		pgwt_sleep_ms(50);
	}
	return -1;
}

int pgwt_stop(struct pgwt_server *s)
{
	if (s->external)
		return 0;
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	for (int i = 0; i < 400; i++) {
		int st;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		pgwt_sleep_ms(50);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	s->pid = -1;
	return -1;
}

void pgwt_fini(struct pgwt_server *s)
{
	if (s->pid > 0)
		pgwt_stop(s);
	if (s->dir != NULL) {
		alx_test_rmdir(s->dir);
		free(s->dir);
		s->dir = NULL;
	}
}

int pgwt_setup(struct pgwt_server *s, const char *tag, const char *config,
	       int workers)
{
	if (pgwt_init(s, tag, config) != 0)
		return -1;
	s->workers = workers;
	return pgwt_start(s);
}

int pgwt_teardown(struct pgwt_server *s)
{
	int rc = pgwt_stop(s);
	pgwt_fini(s);
	return rc == 0 ? 0 : -1;
}

long pgwt_rss_kib(const struct pgwt_server *s)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)s->pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	long kib = -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

char *pgwt_log(const struct pgwt_server *s)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/server.log", s->dir);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap + 1);
	if (buf != NULL)
		n = fread(buf, 1, cap, f);
	fclose(f);
	if (buf != NULL)
		buf[n] = '\0';
	return buf;
}

/* ---- raw protocol client ---------------------------------------------- */

static char last_error[2048]; /* field letter, text, NUL; ...; NUL */
static size_t last_error_len;

int pgwt_raw_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void put_bytes(struct pgwt_msgbuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (q == NULL)
			abort(); /* test code: out of memory is fatal */
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void put_u32(struct pgwt_msgbuf *b, uint32_t v)
{
	v = htonl(v);
	put_bytes(b, &v, 4);
}

static void put_u16(struct pgwt_msgbuf *b, uint16_t v)
{
	v = htons(v);
	put_bytes(b, &v, 2);
}

static void put_str(struct pgwt_msgbuf *b, const char *s)
{
	put_bytes(b, s, strlen(s) + 1);
}

/* Start a typed message; returns the offset of its length field. */
static size_t begin(struct pgwt_msgbuf *b, char type)
{
	put_bytes(b, &type, 1);
	size_t off = b->len;
	put_u32(b, 0);
	return off;
}

static void end(struct pgwt_msgbuf *b, size_t off)
{
	uint32_t n = htonl((uint32_t)(b->len - off));
	memcpy(b->p + off, &n, 4);
}

void pgwt_put_parse(struct pgwt_msgbuf *b, const char *name, const char *sql)
{
	size_t off = begin(b, 'P');
	put_str(b, name);
	put_str(b, sql);
	put_u16(b, 0);
	end(b, off);
}

void pgwt_put_bind(struct pgwt_msgbuf *b, const char *portal, const char *stmt,
		   int nparams, const char *const *params, int rfmt)
{
	size_t off = begin(b, 'B');
	put_str(b, portal);
	put_str(b, stmt);
	put_u16(b, 0); /* all parameters text */
	put_u16(b, (uint16_t)nparams);
	for (int i = 0; i < nparams; i++) {
		if (params[i] == NULL) {
			put_u32(b, 0xffffffffu);
			continue;
		}
		put_u32(b, (uint32_t)strlen(params[i]));
		put_bytes(b, params[i], strlen(params[i]));
	}
	if (rfmt < 0) {
		put_u16(b, 0);
	} else {
		put_u16(b, 1);
		put_u16(b, (uint16_t)rfmt);
	}
	end(b, off);
}

void pgwt_put_execute(struct pgwt_msgbuf *b, const char *portal,
		      int32_t max_rows)
{
	size_t off = begin(b, 'E');
	put_str(b, portal);
	put_u32(b, (uint32_t)max_rows);
	end(b, off);
}

void pgwt_put_describe(struct pgwt_msgbuf *b, char what, const char *name)
{
	size_t off = begin(b, 'D');
	put_bytes(b, &what, 1);
	put_str(b, name);
	end(b, off);
}

void pgwt_put_close(struct pgwt_msgbuf *b, char what, const char *name)
{
	size_t off = begin(b, 'C');
	put_bytes(b, &what, 1);
	put_str(b, name);
	end(b, off);
}

void pgwt_put_sync(struct pgwt_msgbuf *b)
{
	end(b, begin(b, 'S'));
}

void pgwt_put_flush(struct pgwt_msgbuf *b)
{
	end(b, begin(b, 'H'));
}

void pgwt_put_query(struct pgwt_msgbuf *b, const char *sql)
{
	size_t off = begin(b, 'Q');
	put_str(b, sql);
	end(b, off);
}

void pgwt_put_run(struct pgwt_msgbuf *b, const char *stmt, int nparams,
		  const char *const *params)
{
	pgwt_put_bind(b, "", stmt, nparams, params, -1);
	pgwt_put_execute(b, "", 0);
}

/* One message of a pgwt_put_script script, spaces trimmed. */
static void put_script_msg(struct pgwt_msgbuf *b, char *m)
{
	while (*m == ' ')
		m++;
	size_t n = strlen(m);
	while (n > 0 && m[n - 1] == ' ')
		m[--n] = '\0';
	if (strcmp(m, "S") == 0) {
		pgwt_put_sync(b);
	} else if (strcmp(m, "H") == 0) {
		pgwt_put_flush(b);
	} else if (strncmp(m, "Q ", 2) == 0) {
		pgwt_put_query(b, m + 2);
	} else if (strncmp(m, "P ", 2) == 0) {
		char *name = m + 2, *sql = strchr(name, ' ');
		CU_ASSERT_PTR_NOT_NULL_FATAL(sql);
		*sql++ = '\0';
		pgwt_put_parse(b, strcmp(name, "-") == 0 ? "" : name, sql);
	} else {
		const char *params[8];
		int np = 0;
		char *save = NULL, *p;
		const char *stmt = strtok_r(m, " ", &save);
		while ((p = strtok_r(NULL, " ", &save)) != NULL) {
			CU_ASSERT_FATAL(np < 8);
			params[np++] = p;
		}
		CU_ASSERT_PTR_NOT_NULL_FATAL(stmt);
		pgwt_put_run(b, stmt, np, params);
	}
}

void pgwt_put_script(struct pgwt_msgbuf *b, const char *script)
{
	char buf[2048];
	CU_ASSERT_FATAL(strlen(script) < sizeof(buf));
	snprintf(buf, sizeof(buf), "%s", script);
	char *save = NULL;
	for (char *m = strtok_r(buf, "|", &save); m != NULL;
	     m = strtok_r(NULL, "|", &save))
		put_script_msg(b, m);
}

int pgwt_send(int fd, struct pgwt_msgbuf *b)
{
	size_t done = 0;
	while (done < b->len) {
		ssize_t n = write(fd, b->p + done, b->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	b->len = 0;
	return 0;
}

void pgwt_msgbuf_free(struct pgwt_msgbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* Read exactly n bytes within timeout_ms of silence: 0, -1 timeout, -2 EOF. */
static int read_full(int fd, void *buf, size_t n, int timeout_ms)
{
	size_t got = 0;
	while (got < n) {
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		ssize_t k = read(fd, (uint8_t *)buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -2;
		got += (size_t)k;
	}
	return 0;
}

static void append(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);
	if (n > 0 && n + 1 < cap)
		out[n++] = ' ', out[n] = '\0';
	snprintf(out + n, cap - n, "%s", s);
}

static const char *error_field(const uint8_t *body, size_t n, char field)
{
	size_t i = 0;
	while (i < n && body[i] != 0) {
		char f = (char)body[i++];
		const char *v = (const char *)body + i;
		size_t l = strnlen(v, n - i);
		if (f == field)
			return v;
		i += l + 1;
	}
	return NULL;
}

int pgwt_trace(int fd, int nready, int timeout_ms, char *out, size_t cap)
{
	return pgwt_trace_n(fd, nready, INT_MAX, timeout_ms, out, cap);
}

int pgwt_trace_n(int fd, int nready, int maxmsgs, int timeout_ms, char *out,
		 size_t cap)
{
	out[0] = '\0';
	int count = 0, ready = 0;
	uint8_t *body = NULL;
	while (ready < nready && count < maxmsgs) {
		uint8_t hdr[5];
		int r = read_full(fd, hdr, 5, timeout_ms);
		if (r == -2)
			append(out, cap, "EOF");
		if (r != 0)
			break;
		uint32_t len;
		memcpy(&len, hdr + 1, 4);
		len = ntohl(len);
		if (len < 4 || len > (1u << 30))
			break;
		free(body);
		body = malloc(len - 4 + 1);
		if (body == NULL ||
		    read_full(fd, body, len - 4, timeout_ms) != 0)
			break;
		body[len - 4] = 0;
		size_t n = len - 4;
		char item[160];
		char t = (char)hdr[0];
		count++;
		switch (t) {
		case 'E':
		case 'N': {
			const char *st = error_field(body, n, 'C');
			snprintf(item, sizeof(item), "%c:%s", t, st ? st : "?");
			if (t == 'E') {
				size_t k = n < sizeof(last_error) - 1
						   ? n
						   : sizeof(last_error) - 1;
				memcpy(last_error, body, k);
				last_error[k] = 0;
				last_error_len = k;
			}
			break;
		}
		case 'C':
			snprintf(item, sizeof(item), "C:%s", (char *)body);
			break;
		case 'Z':
			snprintf(item, sizeof(item), "Z:%c", (char)body[0]);
			ready++;
			break;
		case 'T': {
			/* one format digit per column */
			uint16_t nc = (uint16_t)((body[0] << 8) | body[1]);
			size_t off = 2;
			int w = snprintf(item, sizeof(item), "T:");
			for (uint16_t i = 0; i < nc && off < n; i++) {
				off += strnlen((char *)body + off, n - off) + 1;
				off += 16; /* table, attnum, type, len, mod */
				if (off + 2 > n)
					break;
				int fmt = (body[off] << 8) | body[off + 1];
				off += 2;
				if (w < (int)sizeof(item) - 2)
					w += snprintf(item + w,
						      sizeof(item) - (size_t)w,
						      "%d", fmt);
			}
			break;
		}
		case 'D': {
			/* the first column, as text (binary: its length) */
			uint32_t cl = 0;
			if (n >= 6)
				memcpy(&cl, body + 2, 4);
			cl = ntohl(cl);
			if (n < 6 || cl == 0xffffffffu)
				snprintf(item, sizeof(item), "D:NULL");
			else if (cl > 24 || 6 + cl > n ||
				 memchr(body + 6, 0, cl) != NULL)
				snprintf(item, sizeof(item), "D:(%u bytes)",
					 cl);
			else
				snprintf(item, sizeof(item), "D:%.*s", (int)cl,
					 (const char *)body + 6);
			break;
		}
		default:
			snprintf(item, sizeof(item), "%c", t);
		}
		append(out, cap, item);
	}
	free(body);
	return count;
}

const char *pgwt_last_error_field(char field)
{
	return error_field((const uint8_t *)last_error, last_error_len, field);
}

int pgwt_raw_startup(int fd, const char *user, const char *database)
{
	struct pgwt_msgbuf b = {0};
	put_u32(&b, 0);
	put_u32(&b, 196608);
	put_str(&b, "user");
	put_str(&b, user);
	put_str(&b, "database");
	put_str(&b, database);
	put_bytes(&b, "", 1);
	uint32_t n = htonl((uint32_t)b.len);
	memcpy(b.p, &n, 4);
	int rc = pgwt_send(fd, &b);
	pgwt_msgbuf_free(&b);
	if (rc != 0)
		return -1;
	char tr[4096];
	pgwt_trace(fd, 1, 5000, tr, sizeof(tr));
	size_t l = strlen(tr);
	return l >= 3 && strcmp(tr + l - 3, "Z:I") == 0 ? 0 : -1;
}

int pgwt_raw_session(int port)
{
	int fd = pgwt_raw_connect(port);
	if (fd >= 0 && pgwt_raw_startup(fd, "postgres", "postgres") != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void pgwt_two_open(struct pgwt_two *t, int port)
{
	memset(&t->b, 0, sizeof(t->b));
	t->a = pgwt_raw_session(port);
	t->o = pgwt_raw_session(port);
	if (t->a < 0 || t->o < 0)
		pgwt_two_close(t);
	CU_ASSERT_FATAL(t->a >= 0 && t->o >= 0);
}

void pgwt_two_close(struct pgwt_two *t)
{
	pgwt_msgbuf_free(&t->b);
	if (t->a >= 0)
		close(t->a);
	if (t->o >= 0)
		close(t->o);
	t->a = t->o = -1;
}

void pgwt_two_run(int port, pgwt_two_fn fn)
{
	struct pgwt_two t;
	pgwt_two_open(&t, port);
	fn(t.a, t.o, &t.b);
	pgwt_two_close(&t);
}

/* ---- assertions on traces --------------------------------------------- */

void pgwt_check_trace(const char *got, const char *want, const char *what)
{
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n%s:\n  want: %s\n  got:  %s\n", what, want,
			got);
	CU_ASSERT_STRING_EQUAL(got, want);
}

void pgwt_expect(int fd, struct pgwt_msgbuf *b, int nready, int timeout_ms,
		 const char *want, const char *what)
{
	char tr[4096];
	CU_ASSERT_EQUAL_FATAL(pgwt_send(fd, b), 0);
	pgwt_trace(fd, nready, timeout_ms, tr, sizeof(tr));
	pgwt_check_trace(tr, want, what);
}

void pgwt_expect_has(int fd, struct pgwt_msgbuf *b, int nready, int timeout_ms,
		     const char *part, const char *what)
{
	char tr[4096];
	CU_ASSERT_EQUAL_FATAL(pgwt_send(fd, b), 0);
	pgwt_trace(fd, nready, timeout_ms, tr, sizeof(tr));
	if (strstr(tr, part) == NULL)
		fprintf(stderr, "\n%s:\n  want: ... %s ...\n  got:  %s\n", what,
			part, tr);
	CU_ASSERT_PTR_NOT_NULL(strstr(tr, part));
}

void pgwt_run_steps(int a, int o, struct pgwt_msgbuf *b,
		    const struct pgwt_step *steps, size_t n, int timeout_ms)
{
	for (size_t i = 0; i < n; i++) {
		const struct pgwt_step *st = &steps[i];
		char what[2200];
		snprintf(what, sizeof(what), "step %zu on %c: %s", i,
			 st->on == PGWT_A ? 'a' : 'o', st->send);
		pgwt_put_script(b, st->send);
		pgwt_expect(st->on == PGWT_A ? a : o, b, st->nready, timeout_ms,
			    st->want, what);
		if (st->msg != NULL) {
			const char *m = pgwt_last_error_field('M');
			pgwt_check_trace(m ? m : "(none)", st->msg, what);
		}
	}
}

void pgwt_two_steps(int port, const struct pgwt_step *steps, size_t n,
		    int timeout_ms)
{
	struct pgwt_two t;
	pgwt_two_open(&t, port);
	pgwt_run_steps(t.a, t.o, &t.b, steps, n, timeout_ms);
	pgwt_two_close(&t);
}
