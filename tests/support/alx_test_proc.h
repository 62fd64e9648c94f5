/*
 * Child processes for crash tests: a child runs a workload and reports on
 * a pipe, the parent SIGKILLs it at a moment of its choosing and checks
 * what survived.
 *
 *   static void child(void *arg, int fd) { ... write(fd, ...) ...;
 *           alx_test_child_linger(start, MAX_MS); }
 *   int rfd;
 *   pid_t pid = alx_test_child_start(child, &args, &rfd);
 *   ... read(rfd, ...) ...
 *   CU_ASSERT_EQUAL(alx_test_child_kill(pid, NULL), 0);
 */
#ifndef ALX_TEST_PROC_H
#define ALX_TEST_PROC_H

#include <stdint.h>
#include <sys/types.h>

/* Milliseconds on the monotonic clock. */
int64_t alx_test_now_ms(void);

/* A child's body; fd is the write end of the pipe to the parent. */
typedef void (*alx_test_child_fn)(void *arg, int fd);

/*
 * Fork a child that runs fn(arg, fd) and then _exit(0)s; it is SIGKILLed
 * when the test process dies (PR_SET_PDEATHSIG), so it never outlives a
 * failed test. stdio is flushed first, so nothing buffered is written
 * twice. The parent gets the pid and the read end in *rfd; -1 when the
 * pipe or the fork fails.
 */
pid_t alx_test_child_start(alx_test_child_fn fn, void *arg, int *rfd);

/* SIGKILL the child and reap it. 0 when that SIGKILL ended it, -1 when it
 * had ended on its own before; its wait status in *status unless NULL. */
int alx_test_child_kill(pid_t pid, int *status);

/* In the child, out of work: wait to be killed, as a live process would,
 * and _exit(0) max_ms after start_ms if no kill comes. */
void alx_test_child_linger(int64_t start_ms, int max_ms)
	__attribute__((noreturn));

#endif
