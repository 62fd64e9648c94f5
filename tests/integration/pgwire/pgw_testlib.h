/*
 * Helpers shared by the pgwire integration tests: alopex-server as a child
 * process with a given configuration on a free loopback port, and a raw
 * protocol client that writes frontend messages by hand and summarises
 * the backend's answer as a compact trace ("1 2 D D s Z:I"), so a test
 * can state exactly what PostgreSQL sends for the same messages.
 */
#ifndef PGW_TESTLIB_H
#define PGW_TESTLIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pgwt_server {
	char *dir; /* alx_test_tmpdir: config, log, data */
	int port;
	pid_t pid; /* -1: not running */
	/* PGWT_EXTERNAL_PORT=N in the environment: use the server already
	 * listening there (a PostgreSQL to compare with); start and stop
	 * do nothing */
	int external;
	char conninfo[256]; /* host, port, user=postgres, dbname=postgres */
	int workers;	    /* --workers for the next start; 0: default */
};

/* A free loopback TCP port, or -1. */
int pgwt_free_port(void);
void pgwt_sleep_ms(int ms);
/* Temporary directory, free port, config file text (YAML); not started. */
int pgwt_init(struct pgwt_server *s, const char *tag, const char *config);
/* Rewrite the config (for the next start). */
int pgwt_set_config(struct pgwt_server *s, const char *config);
/* Start and wait (bounded) until it accepts connections: 0 or -1. */
int pgwt_start(struct pgwt_server *s);
/* SIGTERM and a bounded wait: the exit status, or -1. */
int pgwt_stop(struct pgwt_server *s);
/* Stop if running, remove the directory. */
void pgwt_fini(struct pgwt_server *s);
/* VmRSS of the server in KiB, or -1. */
long pgwt_rss_kib(const struct pgwt_server *s);
/* The server's log so far (malloc'd, NUL-terminated), or NULL. */
char *pgwt_log(const struct pgwt_server *s);

/* ---- raw protocol client ---------------------------------------------- */

struct pgwt_msgbuf {
	uint8_t *p;
	size_t len, cap;
};

int pgwt_raw_connect(int port);
/* Startup as user/database and read up to the first ReadyForQuery
 * (trust only). 0, or -1 when the server did not say ReadyForQuery. */
int pgwt_raw_startup(int fd, const char *user, const char *database);

/* Append frontend messages to b. */
void pgwt_put_parse(struct pgwt_msgbuf *b, const char *name, const char *sql);
/* Text parameters (NULL: SQL NULL); one result format code for all
 * columns (rfmt < 0: none given, i.e. text). */
void pgwt_put_bind(struct pgwt_msgbuf *b, const char *portal, const char *stmt,
		   int nparams, const char *const *params, int rfmt);
void pgwt_put_execute(struct pgwt_msgbuf *b, const char *portal,
		      int32_t max_rows);
void pgwt_put_describe(struct pgwt_msgbuf *b, char what, const char *name);
void pgwt_put_close(struct pgwt_msgbuf *b, char what, const char *name);
void pgwt_put_sync(struct pgwt_msgbuf *b);
void pgwt_put_flush(struct pgwt_msgbuf *b);
void pgwt_put_query(struct pgwt_msgbuf *b, const char *sql);
/* Send everything in b and empty it: 0 or -1. */
int pgwt_send(int fd, struct pgwt_msgbuf *b);
void pgwt_msgbuf_free(struct pgwt_msgbuf *b);

/*
 * Read backend messages until `nready` ReadyForQuery messages arrived,
 * EOF, or timeout_ms of silence, and describe them in out, space
 * separated: the type letter, with ":SQLSTATE" for 'E' and 'N', ":tag"
 * for 'C', ":status" for 'Z', ":formats" (one digit per column) for 'T',
 * ":first column" for 'D' (text up to 24 bytes, else "(N bytes)", or
 * NULL), and "EOF" at end of stream. Returns the number of messages.
 */
int pgwt_trace(int fd, int nready, int timeout_ms, char *out, size_t cap);
/* The same, reading at most maxmsgs messages. */
int pgwt_trace_n(int fd, int nready, int maxmsgs, int timeout_ms, char *out,
		 size_t cap);
/* The last ErrorResponse's fields seen by pgwt_trace: 'M', 'P', ... */
const char *pgwt_last_error_field(char field);

#endif
