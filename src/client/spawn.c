// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fork + execve with a chosen environment.  Waiting polls waitpid() every
 * 10 ms: these children are few and short (an ip command, a hook), and no
 * SIGCHLD handler has to be shared with the rest of the client.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void child_exec(char *const argv[], char *const envp[], int in_fd, int out_fd, bool pdeath)
{
	int null = open("/dev/null", O_RDWR);
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;

	/* the blocked mask (our signalfd's) and ignored SIGPIPE would survive execve */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	if (pdeath)
		prctl(PR_SET_PDEATHSIG, SIGTERM);
	dup2(in_fd >= 0 ? in_fd : null, 0);
	dup2(out_fd >= 0 ? out_fd : null, 1);
	dup2(out_fd >= 0 ? out_fd : null, 2);
	/* every other descriptor is O_CLOEXEC in this program */
	execve(argv[0], argv, envp);
	_exit(127);
}

static int wait_for(pid_t pid, int timeout_ms)
{
	int status, waited = 0;
	pid_t r;

	while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
		if (timeout_ms >= 0 && waited >= timeout_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
		waited += 10;
	}
	if (r < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Feeds the input and collects the output, then closes both pipes. */
static void exchange(int in_w, int out_r, const char *in, struct spawn_io *io, int timeout_ms)
{
	size_t in_left = in ? strlen(in) : 0, got = 0;

	while (in_w >= 0 || out_r >= 0) {
		struct pollfd p[2] = {{.fd = in_w, .events = POLLOUT},
				      {.fd = out_r, .events = POLLIN}};
		ssize_t n;

		if (poll(p, 2, timeout_ms) <= 0)
			break;
		if (in_w >= 0 && p[0].revents) {
			n = in_left ? write(in_w, in, in_left) : 0;
			if (n > 0) {
				in += n;
				in_left -= (size_t)n;
			}
			if (n <= 0 || !in_left) {
				close(in_w);
				in_w = -1;
			}
		}
		if (out_r >= 0 && p[1].revents) {
			char sink[512];
			bool keep = io->out && got + 1 < io->outlen;

			n = keep ? read(out_r, io->out + got, io->outlen - 1 - got)
				 : read(out_r, sink, sizeof(sink));
			if (n <= 0) {
				close(out_r);
				out_r = -1;
			} else if (keep) {
				got += (size_t)n;
			}
		}
	}
	if (in_w >= 0)
		close(in_w);
	if (out_r >= 0)
		close(out_r);
	if (io->out)
		io->out[got] = '\0';
}

int spawn_run(char *const argv[], char *const envp[], struct spawn_io *io)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1};
	pid_t pid;

	if ((io->in && pipe2(in, O_CLOEXEC) != 0) || pipe2(out, O_CLOEXEC) != 0) {
		if (in[0] >= 0) {
			close(in[0]);
			close(in[1]);
		}
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child_exec(argv, envp, in[0], out[1], false);
	if (in[0] >= 0)
		close(in[0]);
	close(out[1]);
	if (pid < 0) {
		if (in[1] >= 0)
			close(in[1]);
		close(out[0]);
		return -1;
	}
	exchange(in[1], out[0], io->in, io, io->timeout_ms);
	return wait_for(pid, io->timeout_ms);
}

pid_t spawn_start(char *const argv[], char *const envp[])
{
	pid_t pid = fork();

	if (pid == 0)
		child_exec(argv, envp, -1, -1, true);
	return pid;
}

void spawn_stop(pid_t pid, int timeout_ms)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	if (wait_for(pid, timeout_ms) < 0 && errno != ETIMEDOUT)
		waitpid(pid, NULL, 0);
}

const char *spawn_find(const char *name, char *buf, size_t len)
{
	static const char *const dirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, len, "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}
