// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The admin console server (admin.h): sockets, the accept thread, one
 * thread per client reading bounded lines (telnet negotiation stripped) and
 * writing answers with a deadline.  Commands run in admin_cmd.c.
 */
#include "admin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "admin_cmd.h"
#include "admin_session.h"
#include "cmdline.h"
#include "hub.h"
#include "list.h"
#include "log.h"

#ifndef VPN_VERSION
#define VPN_VERSION "0.1.0"
#endif

enum { TN_DATA, TN_IAC, TN_OPTION, TN_SB, TN_SB_IAC }; /* telnet input states */

#define TN_IAC_BYTE 255
#define TN_SB_BYTE 250
#define TN_SE_BYTE 240

struct admin {
	struct admin_core core;
	int unix_fd, tcp_fd, stop_fd;
	dev_t sock_dev; /* the socket file we made, removed at close only if still ours */
	ino_t sock_ino;
	pthread_t accept_thread;
	bool started;
	pthread_mutex_t lock; /* clients, nclients, closing */
	pthread_cond_t idle;
	struct list_node clients; /* struct client.link */
	uint32_t nclients;
	bool closing;
};

struct client {
	struct admin *a;
	int fd;
	bool tcp;
	struct list_node link; /* in a->clients, under a->lock */
	struct admin_session as;
	struct admin_out out;
	/* line assembly */
	char line[ADMIN_LINE_MAX + 1];
	size_t len;
	bool overlong;
	int tn_state;
	int failed_logins;
};

static int make_unix(struct admin *a, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat sb;
	struct group *gr;
	char dir[sizeof(sun.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	gr = getgrnam("vpnhub");
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == 0 && gr && chown(dir, 0, gr->gr_gid) != 0)
			log_warn("cannot give %s to group vpnhub", dir);
	}
	/* a socket file left by a hub that died: nobody answers on it */
	if (lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode)) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool alive =
		    probe >= 0 && connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0;

		if (probe >= 0)
			close(probe);
		if (alive) {
			snprintf(err, errlen, "%s: another hub answers on it", path);
			return -1;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || chmod(path, 0660) != 0 ||
	    (gr && chown(path, 0, gr->gr_gid) != 0 && geteuid() == 0) || listen(fd, 64) != 0 ||
	    stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	a->sock_dev = sb.st_dev;
	a->sock_ino = sb.st_ino;
	a->unix_fd = fd;
	return 0;
}

static int make_tcp(struct admin *a, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd, one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only: telnet sends clear text */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 64) != 0) {
		snprintf(err, errlen, "127.0.0.1:%u: %s", port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	a->tcp_fd = fd;
	return 0;
}

struct admin *admin_open(struct hub_server *srv, char *err, size_t errlen)
{
	struct admin *a = calloc(1, sizeof(*a));
	struct hub_config *cfg;
	char why[300];

	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->unix_fd = a->tcp_fd = -1;
	a->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (a->stop_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		free(a);
		return NULL;
	}
	admin_core_init(&a->core, srv);
	pthread_mutex_init(&a->lock, NULL);
	list_init(&a->clients);
	pthread_cond_init(&a->idle, NULL);
	cfg = hub_config_get(srv);
	if (cfg->admin_socket[0] && make_unix(a, cfg->admin_socket, why, sizeof(why)) != 0)
		log_warnx("admin console: no Unix socket: %s", why);
	else if (cfg->admin_socket[0])
		snprintf(a->core.socket_path, sizeof(a->core.socket_path), "%s", cfg->admin_socket);
	if (cfg->admin_port && make_tcp(a, cfg->admin_port, why, sizeof(why)) != 0)
		log_warnx("admin console: no TCP port: %s", why);
	else
		a->core.tcp_port = cfg->admin_port;
	config_put(cfg);
	return a;
}

/* Writes everything within ADMIN_WRITE_TIMEOUT_MS; -1 for a slow or gone client. */
static int write_all(int fd, const char *buf, size_t len)
{
	uint64_t deadline = hub_now_ms() + ADMIN_WRITE_TIMEOUT_MS;

	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		uint64_t now;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		now = hub_now_ms();
		if (now >= deadline || poll(&p, 1, (int)(deadline - now)) < 0)
			return -1;
	}
	return 0;
}

/* Status line, the body with dot-stuffing, the closing ".". */
static int answer(struct client *cl, int rc, const char *err)
{
	struct admin_out *o = &cl->out;
	struct admin_out w;
	const char *p, *end;

	out_init(&w, false);
	if (rc == 0)
		out_printf(&w, "ok\n");
	else
		out_printf(&w, "error: %s\n", err);
	p = o->buf ? o->buf : "";
	end = p + o->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		out_printf(&w, "%s%.*s\n", *p == '.' ? "." : "", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	out_printf(&w, ".\n");
	rc = w.truncated ? -1 : write_all(cl->fd, w.buf, w.len);
	out_free(&w);
	return rc;
}

static int run_line(struct client *cl)
{
	char err[1024] = "";
	int rc;

	if (cl->overlong) {
		cl->overlong = false;
		out_reset(&cl->out, false);
		snprintf(err, sizeof(err), "line too long (at most %d bytes)", ADMIN_LINE_MAX);
		return answer(cl, -1, err);
	}
	if (cl->len == 0)
		return 0;
	out_reset(&cl->out, false);
	rc = admin_exec(&cl->as, cl->line, cl->len, &cl->out, err, sizeof(err));
	if (rc != 0 && strncmp(cl->line, "login", 5) == 0 &&
	    ++cl->failed_logins >= ADMIN_LOGIN_TRIES)
		cl->as.quit = true;
	return answer(cl, rc, err);
}

/* One byte of input; telnet commands are dropped, CR ignored, LF ends a line. */
static int feed(struct client *cl, uint8_t b)
{
	switch (cl->tn_state) {
	case TN_IAC:
		cl->tn_state = b == TN_SB_BYTE		? TN_SB
			       : (b >= 251 && b <= 254) ? TN_OPTION
							: TN_DATA;
		if (b != TN_IAC_BYTE)
			return 0;
		break; /* IAC IAC: a data byte 255 */
	case TN_OPTION:
		cl->tn_state = TN_DATA;
		return 0;
	case TN_SB:
		if (b == TN_IAC_BYTE)
			cl->tn_state = TN_SB_IAC;
		return 0;
	case TN_SB_IAC:
		cl->tn_state = b == TN_SE_BYTE ? TN_DATA : TN_SB;
		return 0;
	default:
		if (b == TN_IAC_BYTE && cl->tcp) {
			cl->tn_state = TN_IAC;
			return 0;
		}
	}
	if (b == '\r' || (b == '\0' && cl->tcp))
		return 0;
	if (b == '\n') {
		int rc = run_line(cl);

		cl->len = 0;
		return rc;
	}
	if (cl->len == ADMIN_LINE_MAX)
		cl->overlong = true;
	else if (!cl->overlong)
		cl->line[cl->len++] = (char)b;
	return 0;
}

static void greet(struct client *cl)
{
	out_reset(&cl->out, false);
	out_printf(&cl->out, "vpnhub %s admin console; %s; \"help\" lists the commands\n",
		   VPN_VERSION,
		   cl->as.id.role == ADMIN_SERVER ? "server administrator"
						  : "log in with: login [HUB] PASSWORD");
	answer(cl, 0, "");
}

static void serve(struct client *cl)
{
	uint8_t buf[4096];

	greet(cl);
	while (!cl->as.quit) {
		struct pollfd p = {.fd = cl->fd, .events = POLLIN};
		ssize_t n;
		int rc = poll(&p, 1, ADMIN_IDLE_MS);

		if (rc == 0)
			break; /* idle */
		if (rc < 0 && errno != EINTR)
			break;
		n = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			break;
		for (ssize_t i = 0; i < n && !cl->as.quit; i++) {
			if (feed(cl, buf[i]) != 0) {
				log_info(
				    "admin console: %s disconnected: it does not read its answers",
				    cl->as.peer);
				return;
			}
		}
	}
}

static void unlink_client(struct client *cl)
{
	struct admin *a = cl->a;

	pthread_mutex_lock(&a->lock);
	list_del(&cl->link);
	a->nclients--;
	pthread_cond_broadcast(&a->idle);
	pthread_mutex_unlock(&a->lock);
}

static void *client_main(void *arg)
{
	struct client *cl = arg;

	serve(cl);
	shutdown(cl->fd, SHUT_RDWR);
	out_free(&cl->out);
	/* the fd is closed under the lock, so admin_close never shuts down a reused number */
	pthread_mutex_lock(&cl->a->lock);
	close(cl->fd);
	cl->fd = -1;
	pthread_mutex_unlock(&cl->a->lock);
	unlink_client(cl);
	free(cl);
	return NULL;
}

static void describe_peer(int fd, bool tcp, char *out, size_t cap)
{
	if (tcp) {
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);
		char addr[INET_ADDRSTRLEN] = "?";

		if (getpeername(fd, (struct sockaddr *)&sin, &len) == 0)
			inet_ntop(AF_INET, &sin.sin_addr, addr, sizeof(addr));
		snprintf(out, cap, "tcp %s:%u", addr, ntohs(sin.sin_port));
	} else {
		struct ucred uc;
		socklen_t len = sizeof(uc);

		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0)
			snprintf(out, cap, "unix uid %u pid %d", (unsigned)uc.uid, (int)uc.pid);
		else
			snprintf(out, cap, "unix");
	}
}

/* Registers a client and starts its thread; false when full or closing. */
static bool add_client(struct admin *a, struct client *cl)
{
	pthread_attr_t attr;
	pthread_t tid;
	bool ok;

	pthread_mutex_lock(&a->lock);
	ok = !a->closing && a->nclients < ADMIN_CLIENTS_MAX;
	if (ok) {
		list_add(&a->clients, &cl->link);
		a->nclients++;
	}
	pthread_mutex_unlock(&a->lock);
	if (!ok)
		return false;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	if (pthread_create(&tid, &attr, client_main, cl) != 0) {
		pthread_attr_destroy(&attr);
		unlink_client(cl);
		return false;
	}
	pthread_attr_destroy(&attr);
	return true;
}

static void accept_one(struct admin *a, int lfd, bool tcp)
{
	static const char full[] = "error: too many console clients; try again later\n.\n";
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	struct client *cl;

	if (fd < 0)
		return;
	cl = calloc(1, sizeof(*cl));
	if (cl) {
		char peer[80];

		cl->a = a;
		cl->fd = fd;
		cl->tcp = tcp;
		describe_peer(fd, tcp, peer, sizeof(peer));
		admin_session_init(&cl->as, &a->core, tcp ? ADMIN_NOBODY : ADMIN_SERVER, peer);
		out_init(&cl->out, false);
		if (add_client(a, cl))
			return;
		free(cl);
	}
	if (send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("admin console: refused client gone: %s", strerror(errno));
	close(fd);
}

static void *accept_main(void *arg)
{
	struct admin *a = arg;

	for (;;) {
		struct pollfd p[3] = {
		    {.fd = a->stop_fd, .events = POLLIN},
		    {.fd = a->unix_fd, .events = POLLIN},
		    {.fd = a->tcp_fd, .events = POLLIN},
		};

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN)
			accept_one(a, a->unix_fd, false);
		if (p[2].revents & POLLIN)
			accept_one(a, a->tcp_fd, true);
	}
	return NULL;
}

int admin_start(struct admin *a)
{
	if (a->unix_fd < 0 && a->tcp_fd < 0)
		return 0;
	if (pthread_create(&a->accept_thread, NULL, accept_main, a) != 0)
		return -1;
	a->started = true;
	log_info("admin console on %s%s%s", a->core.socket_path[0] ? a->core.socket_path : "",
		 a->core.socket_path[0] && a->core.tcp_port ? " and " : "",
		 a->core.tcp_port ? "127.0.0.1 (TCP)" : "");
	return 0;
}

void admin_config_lock(struct admin *a)
{
	pthread_mutex_lock(&a->core.edit_lock);
}

void admin_config_unlock(struct admin *a)
{
	pthread_mutex_unlock(&a->core.edit_lock);
}

/* Removes the socket file if it is still the one bound here. */
static void remove_socket(struct admin *a)
{
	struct stat sb;

	if (a->unix_fd < 0)
		return;
	if (stat(a->core.socket_path, &sb) == 0 && sb.st_dev == a->sock_dev &&
	    sb.st_ino == a->sock_ino)
		unlink(a->core.socket_path);
	close(a->unix_fd);
}

void admin_close(struct admin *a)
{
	struct client *cl;
	uint64_t one = 1;

	if (!a)
		return;
	if (a->started) {
		if (write(a->stop_fd, &one, sizeof(one)) != sizeof(one))
			log_warn("admin console: cannot stop the accept thread");
		pthread_join(a->accept_thread, NULL);
	}
	remove_socket(a);
	if (a->tcp_fd >= 0)
		close(a->tcp_fd);
	pthread_mutex_lock(&a->lock);
	a->closing = true;
	list_for_each_entry(cl, &a->clients, link) if (cl->fd >= 0) shutdown(cl->fd, SHUT_RDWR);
	while (a->nclients > 0)
		pthread_cond_wait(&a->idle, &a->lock);
	pthread_mutex_unlock(&a->lock);
	close(a->stop_fd);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->idle);
	admin_core_destroy(&a->core);
	free(a);
}
