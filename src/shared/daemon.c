// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Service plumbing shared by vpnhub and vpnclient (see daemon.h).
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

bool daemon_opt(struct daemon_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'u':
		o->user = arg;
		return true;
	case 'p':
		o->pidfile = arg;
		return true;
	case 'd':
		o->daemonize = true;
		return true;
	case 'f':
		o->daemonize = false;
		return true;
	case 'v':
		o->verbosity++;
		return true;
	default:
		return false;
	}
}

static const char *pidfile_path;

static void remove_pidfile(void)
{
	unlink(pidfile_path);
}

/*
 * Frames of up to 64 KB are allocated and freed all the time.  glibc gives
 * the top of a thread's heap back to the kernel once 128 KB of it are free,
 * and the next frames fault those pages in again, zeroed: about a tenth of
 * the hub's CPU time (bench/README.md).  Memory freed stays for reuse up to
 * 4 MB per arena (a session's default queue), and allocations below 1 MB
 * always come from the heaps.
 */
static void keep_freed_memory(void)
{
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

int daemon_begin(const struct daemon_opts *o, char *err, size_t errlen)
{
	keep_freed_memory();
	if (o->daemonize && daemon_detach(err, errlen) != 0)
		return -1;
	if (!o->pidfile)
		return 0;
	if (daemon_pidfile_write(o->pidfile, err, errlen) != 0)
		return -1;
	/* removed at any exit, fatal ones included */
	pidfile_path = o->pidfile;
	atexit(remove_pidfile);
	return 0;
}

int daemon_detach(char *err, size_t errlen)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		_exit(0);
	if (setsid() < 0) {
		snprintf(err, errlen, "setsid: %s", strerror(errno));
		return -1;
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	/* the working directory stays: relative paths in a reload still resolve */
	return 0;
}

int daemon_pidfile_write(const char *path, char *err, size_t errlen)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0 || write(fd, buf, (size_t)n) != n) {
		snprintf(err, errlen, "cannot write pid file %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void daemon_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	len = strlen(path);
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	(void)sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int daemon_watchdog_interval_ms(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long us;

	if (!usec || (pid && atoi(pid) != (int)getpid()))
		return 0;
	us = strtoull(usec, NULL, 10);
	if (us < 2000)
		return 0;
	return us / 2000 > 3600000 ? 3600000 : (int)(us / 2000);
}

void daemon_watchdog_kick(void)
{
	static uint64_t last;
	int every = daemon_watchdog_interval_ms();
	uint64_t now;

	if (!every)
		return;
	now = mono_ms();
	if (now - last >= (uint64_t)every) {
		daemon_notify("WATCHDOG=1");
		last = now;
	}
}

static bool kept(cap_value_t c, const cap_value_t *keep, int n)
{
	for (int i = 0; i < n; i++)
		if (keep[i] == c)
			return true;
	return false;
}

/* Empties the bounding set except keep[]: needs CAP_SETPCAP, so runs as root. */
static int drop_bounding(const cap_value_t *keep, int n, char *err, size_t errlen)
{
	/* the running kernel's count, not the headers': newer kernels know more */
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++) {
		if (kept(c, keep, n))
			continue;
		if (cap_drop_bound(c) != 0) {
			snprintf(err, errlen, "cannot drop capability %d from the bounding set: %s",
				 (int)c, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int switch_user(const struct passwd *pw, char *err, size_t errlen)
{
	/* keep permitted capabilities across setuid; cleared again below */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setgroups(0, NULL) != 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
		snprintf(err, errlen, "cannot switch to user %s: %s", pw->pw_name, strerror(errno));
		return -1;
	}
	return prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == 0 ? 0 : -1;
}

static int set_caps(const cap_value_t *keep, int n, char *err, size_t errlen)
{
	cap_t caps = cap_init();
	int rc = -1;

	if (caps && (n == 0 || (cap_set_flag(caps, CAP_PERMITTED, n, keep, CAP_SET) == 0 &&
				cap_set_flag(caps, CAP_EFFECTIVE, n, keep, CAP_SET) == 0)))
		rc = cap_set_proc(caps);
	if (rc != 0)
		snprintf(err, errlen, "cannot set capabilities: %s", strerror(errno));
	cap_free(caps);
	return rc;
}

int daemon_drop_privileges(const char *user, const cap_value_t *keep, int n, char *err,
			   size_t errlen)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		snprintf(err, errlen, "no such user: %s", user);
		return -1;
	}
	if (drop_bounding(keep, n, err, errlen) != 0 || switch_user(pw, err, errlen) != 0 ||
	    set_caps(keep, n, err, errlen) != 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	return 0;
}
