// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Listening sockets and the accept thread, which also cuts handshakes that
 * run too long (once a second).
 */
#include "listener.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "session.h"

#define LISTEN_FD_MAX (2 * CFG_LISTEN_MAX)

struct listener {
	struct hub_server *srv;
	int fds[LISTEN_FD_MAX];
	size_t nfds;
	int stop_fd;
	pthread_t thread;
	bool started;
};

static int bind_one(const struct addrinfo *ai, char *err, size_t errlen, const char *what)
{
	int one = 1;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

	if (fd < 0) {
		snprintf(err, errlen, "listen %s: socket: %s", what, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
		snprintf(err, errlen, "listen %s: %s", what, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int bind_addr(struct listener *l, const struct cfg_listen *c, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res, *ai;
	char port[8], what[300];
	int rc;

	snprintf(port, sizeof(port), "%u", c->port);
	snprintf(what, sizeof(what), "%s:%u", c->host, c->port);
	rc = getaddrinfo(c->host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "listen %s: %s", what, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int fd;

		if (l->nfds == LISTEN_FD_MAX)
			break;
		fd = bind_one(ai, err, errlen, what);
		if (fd < 0) {
			freeaddrinfo(res);
			return -1;
		}
		l->fds[l->nfds++] = fd;
		log_info("listening on %s", what);
	}
	freeaddrinfo(res);
	return 0;
}

struct listener *listener_open(struct hub_server *srv, char *err, size_t errlen)
{
	struct listener *l = calloc(1, sizeof(*l));

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->srv = srv;
	l->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->stop_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		free(l);
		return NULL;
	}
	for (size_t i = 0; i < srv->cfg.nlisten; i++) {
		if (bind_addr(l, &srv->cfg.listen[i], err, errlen) != 0) {
			listener_close(l);
			return NULL;
		}
	}
	return l;
}

static void accept_one(struct listener *l, int lfd)
{
	static uint64_t last_full_log;
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("accept");
		if (errno == EMFILE || errno == ENFILE)
			usleep(100 * 1000); /* let sessions end before trying again */
		return;
	}
	if (sess_spawn(l->srv, fd, &peer) != 0) {
		uint64_t now = hub_now_ms();

		if (now - last_full_log > 10000) {
			log_warnx("connection refused: %u sessions (max_sessions) or out of memory",
				  l->srv->cfg.max_sessions);
			last_full_log = now;
		}
	}
}

static void *accept_main(void *arg)
{
	struct listener *l = arg;
	struct pollfd pfd[LISTEN_FD_MAX + 1];

	for (size_t i = 0; i < l->nfds; i++)
		pfd[i] = (struct pollfd){.fd = l->fds[i], .events = POLLIN};
	pfd[l->nfds] = (struct pollfd){.fd = l->stop_fd, .events = POLLIN};
	for (;;) {
		int n = poll(pfd, l->nfds + 1, 1000);

		sess_reap_handshakes(l->srv, hub_now_ms());
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_warn("listener poll");
			return NULL;
		}
		if (pfd[l->nfds].revents)
			return NULL;
		for (size_t i = 0; i < l->nfds; i++)
			if (pfd[i].revents & POLLIN)
				accept_one(l, l->fds[i]);
	}
}

int listener_start(struct listener *l)
{
	if (pthread_create(&l->thread, NULL, accept_main, l) != 0)
		return -1;
	l->started = true;
	return 0;
}

void listener_close(struct listener *l)
{
	uint64_t one = 1;

	if (l->started) {
		(void)!write(l->stop_fd, &one, sizeof(one));
		pthread_join(l->thread, NULL);
	}
	for (size_t i = 0; i < l->nfds; i++)
		close(l->fds[i]);
	close(l->stop_fd);
	free(l);
}
