/* Child processes for crash tests; see alx_test_proc.h. */
#include "alx_test_proc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int64_t alx_test_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

pid_t alx_test_child_start(alx_test_child_fn fn, void *arg, int *rfd)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		/* never outlive the test, even if it dies before the kill */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[0]);
		fn(arg, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	*rfd = fds[0];
	return pid;
}

int alx_test_child_kill(pid_t pid, int *status)
{
	kill(pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (status != NULL)
		*status = st;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? 0 : -1;
}

void alx_test_child_linger(int64_t start_ms, int max_ms)
{
	while (alx_test_now_ms() - start_ms < max_ms)
		usleep(10000);
	_exit(0);
}
