// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * badpeer hold N [WINDOW]: N real, idle sessions in one process (bench/logins.sh).
 * WINDOW threads log in one session at a time each (blocking TLS and login, the
 * client key derived once per thread); every established session is handed to the
 * main thread, which waits on them all in one epoll set (its cost grows with the
 * sessions that are ready, not with all of them) and, like a real client, sends each a
 * keep-alive after HOLD_KEEPALIVE_MS without sending (the hub answers it).
 * Prints "badpeer: held N" every 1000 sessions, one summary line with the login
 * rate, and "badpeer: hub closed all N sessions" when none is left (exit 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "badpeer.h"
#include "tls.h"

/* The hub's default KeepAlive, which bench/logins.sh keeps. */
#define HOLD_KEEPALIVE_MS 5000.0

struct held {
	SSL *ssl;
	int fd;	       /* -1 once the hub closed it */
	double ka_due; /* when its next keep-alive goes out */
};

/*
 * The sessions in the order their keep-alives fall due: one interval for all,
 * so a session sent to goes to the back, and a FIFO is a timer queue.
 */
struct ka_fifo {
	unsigned long *idx;
	unsigned long head, len, cap;
};

struct hold {
	const char *host, *port, *hub, *user, *pw;
	SSL_CTX *ctx;
	unsigned long want;
	pthread_mutex_t lock;
	/* under lock */
	unsigned long next, n_held, n_failed, workers_left;
	struct held *held;
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One session logged in, or NULL; its socket becomes non-blocking for the poll loop. */
static SSL *open_session(struct hold *h, struct badpeer_keys *keys, int *fd_out)
{
	int fd = badpeer_dial(h->host, h->port);
	SSL *ssl;

	if (fd < 0)
		return NULL;
	ssl = SSL_new(h->ctx);
	if (!ssl || SSL_set_fd(ssl, fd) != 1 || SSL_connect(ssl) != 1 ||
	    badpeer_login(ssl, h->hub, h->user, h->pw, keys) != 0) {
		SSL_free(ssl);
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
	*fd_out = fd;
	return ssl;
}

/* A login thread: takes the next slot until all are taken or too many logins failed. */
static void *login_worker(void *arg)
{
	struct hold *h = arg;
	struct badpeer_keys keys = {0};
	SSL *ssl;
	int fd;

	for (;;) {
		pthread_mutex_lock(&h->lock);
		int stop = h->next >= h->want || h->n_failed > 10 + h->want / 10;
		h->next += !stop;
		pthread_mutex_unlock(&h->lock);
		if (stop)
			break;
		ssl = open_session(h, &keys, &fd);
		pthread_mutex_lock(&h->lock);
		if (ssl)
			h->held[h->n_held++] = (struct held){ssl, fd, 0};
		else
			h->n_failed++;
		pthread_mutex_unlock(&h->lock);
	}
	pthread_mutex_lock(&h->lock);
	h->workers_left--;
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* Drains one readable session; 0 once the hub closed it. */
static int serve(struct held *s)
{
	uint8_t buf[4096];
	size_t n;

	while (SSL_read_ex(s->ssl, buf, sizeof(buf), &n) == 1)
		;
	return SSL_get_error(s->ssl, 0) == SSL_ERROR_WANT_READ;
}

static void ka_push(struct ka_fifo *q, struct held *all, unsigned long i, double now)
{
	all[i].ka_due = now + HOLD_KEEPALIVE_MS;
	q->idx[(q->head + q->len++) % q->cap] = i;
}

/* Sends the keep-alives due by now; ms until the next one (at most 100). */
static int ka_send_due(struct ka_fifo *q, struct held *all, const uint8_t *ka, size_t ka_len,
		       double now)
{
	size_t w;

	while (q->len) {
		unsigned long i = q->idx[q->head];

		if (all[i].fd >= 0 && all[i].ka_due > now)
			return all[i].ka_due - now < 100 ? (int)(all[i].ka_due - now) + 1 : 100;
		q->head = (q->head + 1) % q->cap;
		q->len--;
		if (all[i].fd < 0)
			continue;			  /* closed by the hub */
		SSL_write_ex(all[i].ssl, ka, ka_len, &w); /* a few bytes on an idle socket */
		ka_push(q, all, i, now);
	}
	return 100;
}

/* Raises the soft fd limit to the hard one: two per session is plenty. */
static void raise_nofile(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* Waits on every established session until the logins are over and the hub closed all. */
static void poll_sessions(struct hold *h, int ep, double start)
{
	uint8_t ka[PROTO_HDR_LEN];
	struct epoll_event ev[256];
	struct ka_fifo q = {.idx = calloc(h->want, sizeof(*q.idx)), .cap = h->want};
	unsigned long seen = 0, open = 0, reported = 0, n, left, failed;
	int summary = 0, ready, wait_ms;

	if (!q.idx) {
		fprintf(stderr, "badpeer: out of memory\n");
		return;
	}

	proto_enc_keepalive(ka, sizeof(ka));
	for (;;) {
		pthread_mutex_lock(&h->lock);
		n = h->n_held;
		left = h->workers_left;
		failed = h->n_failed;
		pthread_mutex_unlock(&h->lock);
		for (; seen < n; seen++, open++) {
			struct epoll_event add = {.events = EPOLLIN, .data.u64 = seen};

			epoll_ctl(ep, EPOLL_CTL_ADD, h->held[seen].fd, &add);
			ka_push(&q, h->held, seen, now_ms());
		}
		for (; reported + 1000 <= n; reported += 1000)
			printf("badpeer: held %lu\n", reported + 1000);
		if (!left && !summary) {
			double ms = now_ms() - start;
			printf(
			    "badpeer: held %lu sessions (%lu failed), logged in in %.0f ms: %.0f "
			    "logins/s\n",
			    n, failed, ms, (double)n * 1e3 / (ms > 0 ? ms : 1));
			summary = 1;
		}
		fflush(stdout);
		if (summary && !open)
			break;
		wait_ms = ka_send_due(&q, h->held, ka, sizeof(ka), now_ms());
		ready = epoll_wait(ep, ev, 256, wait_ms);
		if (ready < 0 && errno != EINTR)
			break;
		for (int i = 0; i < ready; i++) {
			struct held *s = &h->held[ev[i].data.u64];

			if (!serve(s)) {
				SSL_free(s->ssl);
				close(s->fd); /* leaves the epoll set */
				s->fd = -1;
				open--;
			}
		}
	}
	free(q.idx);
	printf("badpeer: hub closed all %lu sessions\n", seen);
}

/* Frees what badpeer_hold made; rc passes through. */
static int hold_end(struct hold *h, pthread_t *tid, int ep, int rc)
{
	SSL_CTX_free(h->ctx);
	free(h->held);
	free(tid);
	if (ep >= 0)
		close(ep);
	return rc;
}

int badpeer_hold(const char *host, const char *port, const char *hub, const char *user,
		 const char *pw, unsigned long n, unsigned long window)
{
	struct hold h = {.host = host, .port = port, .hub = hub, .user = user, .pw = pw, .want = n};
	char err[256];
	pthread_t *tid;
	unsigned long started = 0;
	double start;
	int ep;

	if (n == 0 || n > 1000000 || window == 0 || window > 256) {
		fprintf(stderr, "badpeer: hold N (1-1000000) [WINDOW (1-256)]\n");
		return 2;
	}
	raise_nofile();
	ep = epoll_create1(EPOLL_CLOEXEC);
	h.ctx = tls_client_ctx(NULL, err, sizeof(err));
	h.held = calloc(n, sizeof(*h.held));
	tid = calloc(window, sizeof(*tid));
	if (!h.ctx || !h.held || ep < 0 || !tid) {
		fprintf(stderr, "badpeer: out of memory\n");
		return hold_end(&h, tid, ep, 2);
	}
	pthread_mutex_init(&h.lock, NULL);
	h.workers_left = window;
	start = now_ms();
	while (started < window && pthread_create(&tid[started], NULL, login_worker, &h) == 0)
		started++;
	pthread_mutex_lock(&h.lock);
	h.workers_left -= window - started; /* fewer threads: a smaller window */
	pthread_mutex_unlock(&h.lock);
	if (!started) {
		fprintf(stderr, "badpeer: cannot start a thread\n");
		return hold_end(&h, tid, ep, 2);
	}
	poll_sessions(&h, ep, start);
	for (unsigned long i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&h.lock);
	return hold_end(&h, tid, ep, h.n_held ? 0 : 1);
}
