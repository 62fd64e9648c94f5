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
/* A suite's setup: pgwt_init, then pgwt_start with `workers` I/O workers
 * (0: the default). 0 or -1. */
int pgwt_setup(struct pgwt_server *s, const char *tag, const char *config,
	       int workers);
/* A suite's teardown: pgwt_stop, pgwt_fini. 0, or -1 when the server did
 * not exit with status 0. */
int pgwt_teardown(struct pgwt_server *s);
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
/* Connected and started up as postgres on database postgres, or -1. */
int pgwt_raw_session(int port);

/* Two raw sessions, a and o (the other), and a buffer for the messages of
 * a test; open is FATAL when a session does not start. */
struct pgwt_two {
	int a, o;
	struct pgwt_msgbuf b;
};
void pgwt_two_open(struct pgwt_two *t, int port);
void pgwt_two_close(struct pgwt_two *t);
/* A test body on the two sessions and their buffer. */
typedef void (*pgwt_two_fn)(int a, int o, struct pgwt_msgbuf *b);
/* Open two sessions, run fn on them, close them. */
void pgwt_two_run(int port, pgwt_two_fn fn);

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
/* Bind the unnamed portal to stmt (text parameters, text results) and
 * Execute it to the end. */
void pgwt_put_run(struct pgwt_msgbuf *b, const char *stmt, int nparams,
		  const char *const *params);
/*
 * Frontend messages written as text, separated by '|' (so no '|' inside):
 * "S" Sync, "H" Flush, "Q <sql>" a simple query, "P <name> <sql>" Parse
 * (name "-": the unnamed statement), anything else "<stmt> [param ...]":
 * Bind of the unnamed portal to that statement with those text
 * parameters (at most 8), then Execute. For example
 * "P ins INSERT INTO t VALUES ($1) | ins 1 | ins 2 | S".
 */
void pgwt_put_script(struct pgwt_msgbuf *b, const char *script);
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

/*
 * Assertions on traces; `what` names the step in what is printed when one
 * fails. pgwt_expect sends b (emptying it), traces the answer as
 * pgwt_trace does and wants exactly `want`; pgwt_expect_has wants it to
 * contain `part` (for setup whose notices vary); pgwt_check_trace compares
 * a trace read some other way.
 */
void pgwt_expect(int fd, struct pgwt_msgbuf *b, int nready, int timeout_ms,
		 const char *want, const char *what);
void pgwt_expect_has(int fd, struct pgwt_msgbuf *b, int nready, int timeout_ms,
		     const char *part, const char *what);
void pgwt_check_trace(const char *got, const char *want, const char *what);

/*
 * Table-driven exchanges on two sessions: each step sends its script on
 * a or on o and wants the trace up to nready ReadyForQuery (or timeout_ms
 * of silence), then, unless msg is NULL, that message in the last error.
 */
enum pgwt_on { PGWT_A, PGWT_O };
struct pgwt_step {
	enum pgwt_on on;
	const char *send; /* pgwt_put_script */
	int nready;
	const char *want;
	const char *msg;
};
void pgwt_run_steps(int a, int o, struct pgwt_msgbuf *b,
		    const struct pgwt_step *steps, size_t n, int timeout_ms);
/* The same on two fresh sessions (pgwt_two_open), closed after. */
void pgwt_two_steps(int port, const struct pgwt_step *steps, size_t n,
		    int timeout_ms);
#define PGWT_NSTEPS(steps) (sizeof(steps) / sizeof((steps)[0]))

#endif
