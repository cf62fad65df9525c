// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Control socket: SOCK_SEQPACKET, so a request and its reply are one
 * message each and need no framing.  The thread owns the socket; a
 * "disconnect" becomes a SIGTERM to this process, which the tunnel loop's
 * signalfd already turns into an orderly stop.
 */
#include "control.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@"

int control_profile_name(const char *path, char *name, size_t len, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base);

	if (n > 5 && strcmp(base + n - 5, ".conf") == 0)
		n -= 5;
	if (n == 0 || n > 63 || n >= len || base[0] == '.' || strspn(base, NAME_CHARS) < n) {
		snprintf(err, errlen,
			 "\"%.64s\": a profile name is 1 to 63 letters, digits, '.', '_', '-' or "
			 "'@', not starting with '.'",
			 base);
		return -1;
	}
	snprintf(name, len, "%.*s", (int)n, base);
	return 0;
}

int control_path(const char *rundir, const char *name, char *out, size_t len, char *err,
		 size_t errlen)
{
	int n = snprintf(out, len, "%s/%s.sock", rundir, name);

	if (n < 0 || (size_t)n >= len || (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen, "control socket path %s/%s.sock is too long", rundir, name);
		return -1;
	}
	return 0;
}

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa->sun_path, path, strlen(path));
	return 0;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (unix_addr(path, &sa) != 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		fd = -1;
	}
	return fd;
}

int control_listen(struct control *c, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd, rc;

	c->fd = c->stop_fd = -1;
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (unix_addr(path, &sa) != 0) {
		snprintf(err, errlen, "control socket %s: path too long", path);
		return -1;
	}
	fd = connect_to(path);
	if (fd >= 0) {
		close(fd);
		snprintf(err, errlen, "%s: another vpnclient runs this profile", path);
		return -1;
	}
	unlink(path); /* a stale socket of a process that died */
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0177);
	rc = bind(c->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || chmod(path, 0600) != 0 || listen(c->fd, 8) != 0) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

/* Answers one request into reply; the reply's length. */
static size_t handle(struct control *c, const char *req, size_t len, char *reply, size_t cap)
{
	struct ctl_req *r = malloc(sizeof(*r));
	char err[512];
	size_t n;

	if (!r)
		return (size_t)snprintf(reply, cap, "error: out of memory\n");
	/* NOLINTNEXTLINE(bugprone-branch-clone): a parse error and a lease error answer alike */
	if (ctl_parse(req, len, r, err, sizeof(err)) != 0) {
		n = (size_t)snprintf(reply, cap, "error: %s\n", err);
	} else if (r->cmd == CTL_STATUS) {
		n = status_render(c->status, (int)r->fmt, reply, cap);
	} else if (r->cmd == CTL_DISCONNECT) {
		log_info("disconnect requested on the control socket");
		kill(getpid(), SIGTERM);
		n = (size_t)snprintf(reply, cap, "ok\n");
	} else if (c->on_lease && c->on_lease(c->arg, &r->lease, err, sizeof(err)) != 0) {
		n = (size_t)snprintf(reply, cap, "error: %s\n", err);
	} else {
		n = (size_t)snprintf(reply, cap, "ok\n");
	}
	free(r);
	return n < cap ? n : cap - 1;
}

static void serve_one(struct control *c, int fd, char *req, char *reply)
{
	struct timeval tv = {.tv_sec = 2};
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!peer_allowed(fd))
		return;
	n = recv(fd, req, CTL_MSG_MAX + 1, MSG_TRUNC);
	if (n <= 0)
		return;
	if (n > CTL_MSG_MAX) {
		static const char too_long[] = "error: request too long\n";

		send(fd, too_long, sizeof(too_long) - 1, MSG_NOSIGNAL);
		return;
	}
	send(fd, reply, handle(c, req, (size_t)n, reply, CTL_REPLY_MAX), MSG_NOSIGNAL);
}

static void *control_main(void *arg)
{
	struct control *c = arg;
	char *req = malloc(CTL_MSG_MAX + 1), *reply = malloc(CTL_REPLY_MAX);

	while (req && reply) {
		struct pollfd p[2] = {{.fd = c->fd, .events = POLLIN},
				      {.fd = c->stop_fd, .events = POLLIN}};
		int fd;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve_one(c, fd, req, reply);
		close(fd);
	}
	free(req);
	free(reply);
	return NULL;
}

int control_start(struct control *c)
{
	c->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (c->stop_fd < 0)
		return -1;
	if (pthread_create(&c->thread, NULL, control_main, c) != 0) {
		close(c->stop_fd);
		c->stop_fd = -1;
		return -1;
	}
	c->running = true;
	return 0;
}

void control_close(struct control *c)
{
	if (c->running) {
		uint64_t one = 1;

		if (write(c->stop_fd, &one, sizeof(one)) != sizeof(one))
			log_warn("control thread stop");
		pthread_join(c->thread, NULL);
		c->running = false;
	}
	if (c->stop_fd >= 0)
		close(c->stop_fd);
	if (c->fd >= 0) {
		close(c->fd);
		unlink(c->path);
	}
	c->fd = c->stop_fd = -1;
}

int control_ask(const char *path, const char *req, size_t reqlen, char *reply, size_t cap,
		int timeout_s, char *err, size_t errlen)
{
	struct timeval tv = {.tv_sec = timeout_s};
	int fd = connect_to(path);
	ssize_t n = -1;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path,
			 errno == ENOENT || errno == ECONNREFUSED ? "not running"
								  : strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (send(fd, req, reqlen, MSG_NOSIGNAL) != (ssize_t)reqlen ||
	    (n = recv(fd, reply, cap - 1, 0)) <= 0) {
		snprintf(err, errlen, "%s: no answer: %s", path,
			 n == 0 ? "closed" : strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	reply[n] = '\0';
	return 0;
}
