// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Listening sockets and the accept thread, which also does the hub's
 * housekeeping: cutting handshakes that run too long (once a second) and
 * saving the state file (once a minute).
 */
#include "listener.h"

#include <errno.h>
#include <stdbool.h>
#include <netdb.h>
#include <netinet/in.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hub.h"
#include "log.h"
#include "loopguard.h"
#include "session_loop.h"
#include "state.h"
#include "tls_accept.h"

#define LISTEN_FD_MAX (2 * CONF_LISTEN_MAX)
#define STATE_SAVE_INTERVAL_MS 60000
#define SESS_TRIM_BURST 64	/* sessions ended below the peak */
#define SESS_TRIM_QUIET_MS 2000 /* then no session began or ended */

struct listener {
	struct hub_server *srv;
	int fds[LISTEN_FD_MAX];
	size_t nfds;
	int stop_fd;
	pthread_t thread;
	bool started;
	/* pre-authentication refusals since the last report (one line per episode) */
	uint64_t refused[SESS_REFUSED_COUNT];
	char last_source[INET6_ADDRSTRLEN]; /* the last source refused at its own bound */
	uint64_t last_report_ms, fd_warned_ms;
	bool episode; /* the last report had something to say */
	/* established sessions: the peak since the last trim, the last count and when it changed */
	uint32_t sess_peak, sess_last;
	uint64_t sess_changed_ms;
	/*
	 * Connections admitted that have not sent their first request: polled
	 * here, given a thread once they have.  Until their first TLS record is
	 * all in, one costs its session (no stack, no TLS state); then its TLS
	 * handshake runs here (tls_accept.h) and it costs its SSL object too.
	 * pfd: the listeners, stop_fd, then one per parked session.
	 */
	struct session **parked;
	struct pollfd *pfd;
	size_t nparked, cap;
};

#define PREAUTH_REPORT_MS 10000

static int bind_one(const struct addrinfo *ai, bool dual_stack, char *err, size_t errlen,
		    const char *what)
{
	int one = 1, v6only = !dual_stack;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

	if (fd < 0) {
		snprintf(err, errlen, "listen %s: socket: %s", what, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
		snprintf(err, errlen, "listen %s: %s", what, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Binds one configured listener.  No address means every address: one
 * dual-stack IPv6 socket, or IPv4 alone where the kernel has no IPv6.
 */
static int bind_addr(struct listener *l, const struct conf_listen *c, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res, *ai;
	bool any = !c->host[0];
	char port[8], what[300];
	int rc;

	snprintf(port, sizeof(port), "%u", c->port);
	snprintf(what, sizeof(what), "%s:%u", any ? "*" : c->host, c->port);
	hints.ai_family = any ? AF_INET6 : AF_UNSPEC;
	rc = getaddrinfo(any ? NULL : c->host, port, &hints, &res);
	if (rc != 0 && any) {
		hints.ai_family = AF_INET;
		rc = getaddrinfo(NULL, port, &hints, &res);
	}
	if (rc != 0) {
		snprintf(err, errlen, "listen %s: %s", what, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int fd;

		if (l->nfds == LISTEN_FD_MAX)
			break;
		fd = bind_one(ai, any, err, errlen, what);
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
	struct hub_config *cfg;

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
	cfg = hub_config_get(srv);
	for (size_t i = 0; i < cfg->nlisten; i++) {
		if (bind_addr(l, &cfg->listen[i], err, errlen) != 0) {
			config_put(cfg);
			listener_close(l);
			return NULL;
		}
	}
	config_put(cfg);
	return l;
}

static void accept_failed(struct listener *l)
{
	uint64_t now;

	if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
		return;
	if (errno != EMFILE && errno != ENFILE) {
		log_warn("accept");
		return;
	}
	now = hub_now_ms();
	if (now - l->fd_warned_ms >= PREAUTH_REPORT_MS) {
		log_warnx("accept: out of file descriptors (%s): raise LimitNOFILE= or lower "
			  "Vpnhub/MaxSessions",
			  errno == EMFILE ? "this process's RLIMIT_NOFILE" : "system-wide");
		l->fd_warned_ms = now;
	}
	usleep(100 * 1000); /* let sessions end before trying again */
}

/* Room for one more parked session (and its pollfd); -1 when out of memory. */
static int park_room(struct listener *l)
{
	size_t cap = l->cap ? 2 * l->cap : 64;
	struct session **v;
	struct pollfd *p;

	if (l->nparked < l->cap)
		return 0;
	v = realloc(l->parked, cap * sizeof(*v));
	if (!v)
		return -1;
	l->parked = v;
	p = realloc(l->pfd, (LISTEN_FD_MAX + 1 + cap) * sizeof(*p));
	if (!p)
		return -1;
	l->pfd = p;
	l->cap = cap;
	return 0;
}

/* Parks s until its first bytes; or, if there is no room, starts its thread now. */
static void park(struct listener *l, struct session *s)
{
	if (park_room(l) == 0)
		l->parked[l->nparked++] = s;
	else if (sess_start(s) != 0)
		l->refused[SESS_REFUSED_NOMEM]++;
}

/* A TLS record: a 5-byte header and up to 2^14 + 2048 bytes (RFC 8446 5.2). */
#define TLS_RECORD_MAX (5 + 16384 + 2048)

/*
 * Whether a parked client has sent its whole first TLS record (its
 * ClientHello).  Until then it stays parked, with SO_RCVLOWAT set to what the
 * record needs so that poll waits for all of it: a client trickling bytes
 * holds no thread either.  Anything else (not a TLS handshake record, closed)
 * goes on to the TLS step (tls_accept.h), which refuses it at once.
 */
static bool first_record_in(int fd)
{
	uint8_t h[5] = {0};
	ssize_t n = recv(fd, h, sizeof(h), MSG_PEEK | MSG_DONTWAIT);
	int want, avail = 0, one = 1;

	if (n <= 0)
		return true;
	want = n < 5 ? 5 : 5 + (h[3] << 8 | h[4]);
	if (h[0] == 0x16 && (n < 2 || h[1] == 3) && want <= TLS_RECORD_MAX &&
	    ioctl(fd, FIONREAD, &avail) == 0 && avail < want &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &want, sizeof(want)) == 0)
		return false;
	/* the thread reads with blocking calls: they must not wait for a low mark */
	setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &one, sizeof(one));
	return true;
}

/*
 * One step for a parked session with an event: true to keep it parked.  Once
 * its first TLS record is in, its TLS handshake runs here, and its thread
 * starts with its first request (tls_accept.h); one the reaper or a stop cut
 * (shutdown), or whose handshake failed, is ended here, without a thread.
 */
static bool step_parked(struct listener *l, struct session *s, short revents)
{
	/* acquire: pairs with the release store of stop in sess_stop */
	bool stop = atomic_load_explicit(&s->stop, memory_order_acquire);
	int hangup = revents & (POLLHUP | POLLERR | POLLRDHUP);

	if (stop) {
		sess_discard(s);
		return false;
	}
	if (!s->ssl && !hangup && !first_record_in(s->fd))
		return true;
	switch (tls_accept_step(s, &s->park_events, hangup)) {
	case TLS_ACCEPT_WAIT:
		return true;
	case TLS_ACCEPT_START:
		if (sess_start(s) != 0)
			l->refused[SESS_REFUSED_NOMEM]++;
		return false;
	default:
		sess_discard(s);
		return false;
	}
}

/* The parked sessions with an event take their step; the others wait on. */
static void wake_parked(struct listener *l, const struct pollfd *pfd)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->nparked; i++)
		if (!pfd[i].revents || step_parked(l, l->parked[i], pfd[i].revents))
			l->parked[kept++] = l->parked[i];
	l->nparked = kept;
}

static void accept_one(struct listener *l, int lfd)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	enum sess_refusal why;
	struct session *s;

	if (fd < 0) {
		accept_failed(l);
		return;
	}
	why = sess_accept(l->srv, fd, &peer, &s);
	if (why == SESS_ADMITTED) {
		park(l, s);
		return;
	}
	l->refused[why]++;
	if (why == SESS_REFUSED_SOURCE) {
		char host[INET6_ADDRSTRLEN];

		if (getnameinfo((struct sockaddr *)&peer, plen, host, sizeof(host), NULL, 0,
				NI_NUMERICHOST) == 0)
			snprintf(l->last_source, sizeof(l->last_source), "%s",
				 strncmp(host, "::ffff:", 7) == 0 && strchr(host, '.') ? host + 7
										       : host);
	}
}

/* One line per PREAUTH_REPORT_MS at most, with the counts of everything refused or cut. */
static void report_preauth(struct listener *l, uint64_t now)
{
	struct hub_server *srv = l->srv;
	uint64_t *r = l->refused;
	unsigned tls_failed, reaped;

	if (now - l->last_report_ms < PREAUTH_REPORT_MS)
		return;
	tls_failed = atomic_exchange(&srv->tls_failed, 0);
	reaped = atomic_exchange(&srv->hs_reaped, 0);
	if (!tls_failed && !reaped && !r[SESS_REFUSED_SOURCE] && !r[SESS_REFUSED_BACKOFF] &&
	    !r[SESS_REFUSED_PENDING] && !r[SESS_REFUSED_SESSIONS] && !r[SESS_REFUSED_NOMEM]) {
		if (l->episode) { /* quiet again: give the attack's heap back to the system */
			malloc_trim(0);
			l->episode = false;
		}
		return;
	}
	l->episode = true;
	log_warnx("pre-authentication, last %d s: refused %llu at a source's bound "
		  "(Vpnhub/MaxPendingPerSource%s%s), %llu backing off after failed logins "
		  "(Vpnhub/LoginBackoff), %llu at the handshake bound "
		  "(Vpnhub/MaxPendingHandshakes), %llu at the session bound (Vpnhub/MaxSessions), "
		  "%llu out of memory; %u TLS handshakes failed, %u not finished within %d s",
		  PREAUTH_REPORT_MS / 1000, (unsigned long long)r[SESS_REFUSED_SOURCE],
		  l->last_source[0] ? ", last " : "", l->last_source,
		  (unsigned long long)r[SESS_REFUSED_BACKOFF],
		  (unsigned long long)r[SESS_REFUSED_PENDING],
		  (unsigned long long)r[SESS_REFUSED_SESSIONS],
		  (unsigned long long)r[SESS_REFUSED_NOMEM], tls_failed, reaped,
		  SESS_HANDSHAKE_TIMEOUT_MS / 1000);
	memset(l->refused, 0, sizeof(l->refused));
	l->last_source[0] = '\0';
	l->last_report_ms = now;
}

/*
 * After a burst of session ends (SESS_TRIM_BURST or more below the peak) and once the
 * count has held still for SESS_TRIM_QUIET_MS: give the heaps' freed memory back, as
 * at the end of a pre-authentication episode. glibc keeps it otherwise (daemon.c
 * keeps 4 MB per arena on purpose, for the data path).
 */
static void trim_after_session_ends(struct listener *l, uint64_t now)
{
	struct hub_server *srv = l->srv;
	uint32_t n;

	pthread_mutex_lock(&srv->lock);
	n = srv->nthreads - srv->npending;
	pthread_mutex_unlock(&srv->lock);
	if (n > l->sess_peak)
		l->sess_peak = n;
	if (n != l->sess_last) {
		l->sess_last = n;
		l->sess_changed_ms = now;
	} else if (l->sess_peak - n >= SESS_TRIM_BURST &&
		   now - l->sess_changed_ms >= SESS_TRIM_QUIET_MS) {
		malloc_trim(0);
		l->sess_peak = n;
	}
}

static void *accept_main(void *arg)
{
	struct listener *l = arg;
	uint64_t last_save = hub_now_ms();
	size_t fixed = l->nfds + 1;

	for (;;) {
		struct pollfd *pfd = l->pfd;
		bool ready[LISTEN_FD_MAX];
		uint64_t now;
		int n;

		for (size_t i = 0; i < l->nfds; i++)
			pfd[i] = (struct pollfd){.fd = l->fds[i], .events = POLLIN};
		pfd[l->nfds] = (struct pollfd){.fd = l->stop_fd, .events = POLLIN};
		for (size_t i = 0; i < l->nparked; i++) {
			short ev = l->parked[i]->park_events;

			pfd[fixed + i] = (struct pollfd){.fd = l->parked[i]->fd,
							 .events = (ev ? ev : POLLIN) | POLLRDHUP};
		}
		/* twice a second: the loop guard's probes are due every second */
		n = poll(pfd, fixed + l->nparked, LOOPGUARD_PERIOD_MS / 2);
		now = hub_now_ms();

		sess_reap_handshakes(l->srv, now);
		loopguard_tick_all(l->srv, now);
		report_preauth(l, now);
		trim_after_session_ends(l, now);
		authfail_report(&l->srv->authfail, now);
		hub_report_mac_moves(l->srv, now);
		if (now - last_save >= STATE_SAVE_INTERVAL_MS) {
			char err[512];

			if (state_save(l->srv->state, err, sizeof(err)) != 0)
				log_warnx("state file: %s", err);
			last_save = now;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_warn("listener poll");
			return NULL;
		}
		if (pfd[l->nfds].revents)
			return NULL;
		if (n <= 0)
			continue;
		wake_parked(l, pfd + fixed);
		/* an accept may grow (move) l->pfd when it parks: read the events first */
		for (size_t i = 0; i < l->nfds; i++)
			ready[i] = pfd[i].revents & POLLIN;
		for (size_t i = 0; i < l->nfds; i++)
			if (ready[i])
				accept_one(l, l->fds[i]);
	}
}

int listener_start(struct listener *l)
{
	l->pfd = calloc(LISTEN_FD_MAX + 1, sizeof(*l->pfd));
	if (!l->pfd || pthread_create(&l->thread, NULL, accept_main, l) != 0)
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
		for (size_t i = 0; i < l->nparked; i++) /* they never got a thread */
			sess_discard(l->parked[i]);
		/* the failed logins and MAC moves not summed up yet, while the logs still run */
		authfail_report(&l->srv->authfail, UINT64_MAX);
		hub_report_mac_moves(l->srv, UINT64_MAX);
	}
	for (size_t i = 0; i < l->nfds; i++)
		close(l->fds[i]);
	close(l->stop_fd);
	free(l->parked);
	free(l->pfd);
	free(l);
}
