// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Session threads: accept to close, the data loop in between (session_loop.h).
 *
 * Per loop iteration: read what TLS has (bounded), switch it in batches;
 * drain the send queue into the stream's buffer and write it ("drain, then
 * flush"); then sleep in poll until the socket, the queue's eventfd or the
 * next timer needs attention.
 */
#include "session_loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "vnet.h"
#include "dataphase.h"
#include "forward.h"
#include "handshake.h"
#include "hub.h"
#include "hublog.h"
#include "linkrate.h"
#include "log.h"
#include "loopguard.h"
#include "pending.h"
#include "se_dataphase.h"
#include "stream.h"

#define RX_BATCH 256		/* frames switched per hub-lock acquisition */
#define RX_BUDGET (512 * 1024)	/* bytes read before servicing the send side */
#define TX_BUDGET (1024 * 1024) /* bytes sent before servicing the receive side */
#define DRAIN_MAX 128		/* frames taken per queue-lock acquisition */
/* back-pressure (queue.h): pauses of 1, 2, 4 ... 16 ms, each followed by a read of 64 KiB */
#define RX_HOLD_MS 1
#define RX_HOLD_MAX_MS 16
#define RX_HOLD_BUDGET (64 * 1024)

struct rx_hold {
	uint64_t until; /* reads pause until then */
	unsigned ms;	/* the last pause; 0 once a read met no destination past its mark */
};

struct rx_ctx {
	struct session *s;
	struct pkt *batch[RX_BATCH];
	unsigned n;
	uint64_t now_ms;
};

static void rx_flush(struct rx_ctx *rx)
{
	if (rx->n == 0)
		return;
	hub_forward(rx->s->hub, rx->s, rx->batch, rx->n, rx->now_ms);
	for (unsigned i = 0; i < rx->n; i++)
		pkt_put(rx->batch[i]);
	rx->n = 0;
}

/* One received frame into the batch, switched when the batch is full. */
static void rx_push(struct rx_ctx *rx, const uint8_t *data, uint32_t len, uint8_t flags)
{
	struct pkt *p = pkt_new(data, len, flags);

	if (!p) {
		sess_count(&rx->s->drops_nomem, 1); /* lose this frame, not the session */
		return;
	}
	rx->batch[rx->n++] = p;
	sess_count(&rx->s->rx_frames, 1);
	sess_count(&rx->s->rx_frame_bytes, len);
	if (rx->n == RX_BATCH)
		rx_flush(rx);
}

/* The data phase's frame handler (dataphase.h): checked, batched, switched per batch. */
static int rx_frame(void *ctx, const struct proto_msg *m, char *err, size_t errlen)
{
	struct vnet_hdr vh;
	const char *why;

	if (m->flags & PROTO_F_VNET) {
		vnet_decode(m->payload, &vh);
		why = vnet_check(&vh, m->len - PROTO_VNET_HDR_LEN);
		if (why) {
			snprintf(err, errlen, "bad virtio header: %s", why);
			return -1;
		}
	}
	rx_push(ctx, m->payload, m->len, m->flags);
	return 0;
}

/* A SoftEther client's frame (se_dataphase.h): plain Ethernet, no virtio header. */
static void rx_se_frame(void *ctx, const uint8_t *frame, uint32_t len)
{
	rx_push(ctx, frame, len, 0);
}

/* Packs queued frames into the stream buffer until it or the queue runs out. */
static bool tx_fill(struct session *s, struct stream *st)
{
	struct pkt *p[DRAIN_MAX];
	uint32_t n;

	while (st->wlen < STREAM_FLUSH_AT &&
	       stream_room(st) >= STREAM_MSG_ROOM + DRAIN_MAX * PROTO_HDR_LEN) {
		/* the budget always admits one largest frame, so n == 0 means empty */
		n = queue_drain_budget(&s->queue, p, DRAIN_MAX,
				       stream_room(st) - DRAIN_MAX * PROTO_HDR_LEN);
		if (n == 0)
			return false;
		for (uint32_t i = 0; i < n; i++) {
			stream_put(st, PROTO_FRAME, p[i]->flags, p[i]->data, p[i]->len);
			sess_count(&s->tx_frames, 1);
			sess_count(&s->tx_frame_bytes, p[i]->len);
			pkt_put(p[i]);
		}
	}
	return true; /* buffer full: more may be queued */
}

/* Returns 1 if more work is ready now, 0 if idle, -1 on error. */
static int tx_step(struct session *s, struct stream *st)
{
	uint64_t start = st->tx_bytes;
	bool more = true;

	while (st->tx_bytes - start < TX_BUDGET) {
		int rc = stream_flush(st);

		if (rc > 0)
			sess_count(&s->tx_blocked, 1);
		if (rc != 0)
			return rc < 0 ? -1 : 0; /* blocked: POLLOUT will wake us */
		if (!more)
			return 0;
		more = s->softether ? se_tx_fill(s, st) : tx_fill(s, st);
		if (!stream_pending(st))
			return 0;
	}
	return 1;
}

/* The data phase's timers, and the policy's AutoDisconnect. */
static int poll_timeout(const struct session *s, const struct dataphase *dp,
			const struct stream *st, uint64_t now)
{
	int t = dataphase_timeout_ms(dp, st, now);
	uint64_t end = s->established_ms + s->auto_disconnect_s * 1000ull;
	uint64_t left = end <= now ? 0 : end - now;

	return s->auto_disconnect_s && left < (uint64_t)t ? (int)left : t;
}

/* Socket events to wait for: no POLLIN while a paced source has used its allowance. */
static short rx_events(const struct stream *st, size_t allow)
{
	short ev = stream_poll_events(st);

	return allow ? ev : (short)(ev & ~POLLIN);
}

/* Starts a pause if hub_forward asked for one; the read budget now (0 while paused). */
static size_t hold_budget(struct session *s, struct rx_hold *h, uint64_t now)
{
	if (s->rx_hold) { /* set by hub_forward on this thread */
		s->rx_hold = false;
		h->ms = !h->ms			     ? RX_HOLD_MS
			: h->ms < RX_HOLD_MAX_MS / 2 ? 2 * h->ms
						     : RX_HOLD_MAX_MS;
		h->until = now + h->ms;
		sess_count(&s->rx_holds, 1);
	}
	if (now < h->until)
		return 0;
	return h->ms ? RX_HOLD_BUDGET : RX_BUDGET;
}

/*
 * poll_timeout, shortened to the end of the pacing period or of a hold while
 * reads wait for it.
 */
static int sleep_ms(const struct session *s, const struct dataphase *dp, const struct stream *st,
		    uint64_t now, size_t allow, uint64_t hold_until)
{
	int t = poll_timeout(s, dp, st, now);
	int pace = allow	      ? t
		   : now < hold_until ? (int)(hold_until - now)
				      : cong_src_wait_ms(&s->csrc, now);

	return pace < t ? pace : t;
}

/*
 * Every rate window: the hold mark of our queue follows what our connection
 * delivers, the largest recent sample (an eighth forgotten per window).
 */
static void follow_link_rate(struct session *s, uint64_t now, uint64_t *next, uint64_t *rate)
{
	uint64_t r;

	if (now < *next)
		return;
	*next = now + CONG_RATE_WINDOW_MS;
	r = linkrate_sample(s->fd);
	if (r < *rate - *rate / 8)
		r = *rate - *rate / 8;
	if (r != *rate)
		queue_set_link_rate(&s->queue, r);
	*rate = r;
}

/* The data phase; returns the reason the session ends. */
static uint16_t data_loop(struct session *s, struct stream *st, char *why, size_t whylen)
{
	struct rx_ctx rx = {.s = s};
	struct se_rx se_rx = {.s = s, .frame = rx_se_frame, .ctx = &rx};
	uint64_t now = hub_now_ms();
	struct rx_hold hold = {0};
	uint64_t link_rate = 0, next_rate_ms = 0;
	struct dataphase dp;
	int busy = 0;
	bool rx_more = false; /* the last read stopped at its budget: more may be buffered */

	dataphase_init(&dp, rx_frame, &rx, "in data phase",
		       s->softether ? se_keepalive_s(s) : s->keepalive_s, s->timeout_s, now);
	dp.answers = s->kind == SESS_CLIENT; /* a client keeps its own timer (dataphase.h) */

	for (;;) {
		/* a paced source (congestion.h) reads no more than its allowance per period */
		size_t allow, budget;
		struct pollfd pfd[2] = {
		    {.fd = s->fd},
		    {.fd = s->queue.wake_fd, .events = POLLIN},
		};
		uint64_t tx_before = st->tx_bytes, rx_before = st->rx_bytes;
		enum stream_status rs;

		budget = hold_budget(s, &hold, now);
		allow = budget ? cong_src_allowance(&s->csrc, now, &s->cong) : 0;
		pfd[0].events = rx_events(st, allow);
		/* acquire: pairs with the release store of stop in sess_stop */
		if (atomic_load_explicit(&s->stop, memory_order_acquire))
			return atomic_load_explicit(&s->stop_reason, memory_order_relaxed);
		if (poll(pfd, 2,
			 busy || (rx_more && allow)
			     ? 0
			     : sleep_ms(s, &dp, st, now, allow, hold.until)) < 0 &&
		    errno != EINTR) {
			snprintf(why, whylen, "poll: %s", strerror(errno));
			return PROTO_R_INTERNAL;
		}
		now = hub_now_ms();
		/* clear before draining: a push after the drain sets it again */
		if (pfd[1].revents & POLLIN)
			queue_clear_wake(&s->queue);
		rx.now_ms = now;
		rs = STREAM_AGAIN;
		if (allow) {
			size_t b = allow < budget ? allow : budget;

			rs = s->softether ? stream_read_bytes(st, b, se_rx_parse, &se_rx)
					  : stream_read(st, b, dataphase_on_msg, &dp);
			rx_more = rs == STREAM_MORE;
		}
		rx_flush(&rx);
		if (allow && !s->rx_hold)
			hold.ms = 0; /* that read met no destination past its mark */
		cong_src_read(&s->csrc, st->rx_bytes - rx_before);
		if (rs == STREAM_EOF || dp.got_bye) {
			if (!dp.got_bye)
				snprintf(why, whylen, "connection closed%s",
					 s->softether ? "" : " without a goodbye");
			else if (dp.bye_reason != PROTO_R_CLIENT_EXIT)
				snprintf(why, whylen, "goodbye: %s",
					 proto_reason_str(dp.bye_reason));
			return PROTO_R_CLIENT_EXIT;
		}
		if (rs == STREAM_ERROR) {
			snprintf(why, whylen, "%s", dp.err[0] ? dp.err : st->err);
			return PROTO_R_PROTOCOL;
		}
		if (st->rx_bytes != rx_before)
			dp.last_rx = now;
		if (dataphase_keepalive_due(&dp, st, now)) {
			if (s->softether)
				dp.keepalive_s = se_put_keepalive(s, st);
			else
				stream_put(st, PROTO_KEEPALIVE, 0, NULL, 0);
		}
		busy = tx_step(s, st);
		if (busy < 0) {
			snprintf(why, whylen, "%s", st->err);
			return PROTO_R_PROTOCOL;
		}
		if (st->tx_bytes != tx_before)
			dp.last_tx = now;
		follow_link_rate(s, now, &next_rate_ms, &link_rate);
		if (dataphase_peer_dead(&dp, now)) {
			snprintf(why, whylen, "no data for %u s", s->timeout_s);
			return PROTO_R_TIMEOUT;
		}
		if (s->auto_disconnect_s &&
		    now - s->established_ms >= s->auto_disconnect_s * 1000ull) {
			snprintf(why, whylen, "after %u s", s->auto_disconnect_s);
			return PROTO_R_AUTO_DISCONNECT;
		}
	}
}

/* The session's firewall drops by reason, if any, on one line. */
static void log_drops(struct session *s)
{
	char line[512];
	size_t n = 0;

	for (int r = FW_R_POLICY; r < FW_R_COUNT && n < sizeof(line) - 64; r++) {
		unsigned long long c = atomic_load_explicit(&s->fw.drops[r], memory_order_relaxed);

		if (c)
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s %llu",
					      n ? ", " : "", fw_reason_name((enum fw_reason)r), c);
	}
	if (n)
		log_info("session %u (%s): firewall drops: %s", s->id, s->user, line);
}

void sess_run_established(struct session *s)
{
	struct stream st;
	struct sess_cong_stats cs;
	char why[256] = "";
	uint16_t reason;

	if (stream_init(&st, s->ssl, s->fd, s->cong.tunnel_cc) != 0) {
		log_warnx("session %u (%s): out of memory", s->id, s->user);
		hub_detach(s->hub, s);
		return;
	}
	reason = data_loop(s, &st, why, sizeof(why));
	s->state = SESS_CLOSING;
	hub_detach(s->hub, s);
	loopguard_recheck(s->hub, hub_now_ms());
	/* SoftEther's protocol has no goodbye message: the TLS close and the FIN say it */
	if (reason != PROTO_R_CLIENT_EXIT && reason != PROTO_R_PROTOCOL) {
		if (s->softether)
			stream_finish(&st, 1000);
		else
			stream_close(&st, reason, 1000);
	}
	sess_get_cong_stats(s, &cs);
	log_info("session %u (%s@%s from %s) closed: %s%s%s; frames in %llu (%llu bytes), "
		 "out %llu (%llu bytes), dropped %llu (queue full) %llu (no memory), "
		 "queue high-water %u frames %zu bytes",
		 s->id, s->user, s->hub->name, s->peer, proto_reason_str(reason),
		 why[0] ? ": " : "", why, (unsigned long long)sess_counter(&s->rx_frames),
		 (unsigned long long)sess_counter(&s->rx_frame_bytes),
		 (unsigned long long)sess_counter(&s->tx_frames),
		 (unsigned long long)sess_counter(&s->tx_frame_bytes),
		 (unsigned long long)cs.q.drops_full,
		 (unsigned long long)sess_counter(&s->drops_nomem), cs.q.hwm_frames,
		 cs.q.hwm_bytes);
	log_drops(s);
	if (s->softether)
		log_info("session %u (%s): SoftEther peer: %llu super-frames segmented into "
			 "%llu frames, %llu frames dropped (over 1600 bytes or bad offload)",
			 s->id, s->user, (unsigned long long)sess_counter(&s->se_gso_frames),
			 (unsigned long long)sess_counter(&s->se_segments),
			 (unsigned long long)sess_counter(&s->se_drops));
	sess_log_cong(s, &cs);
	hublog_session(s->hub->log, s,
		       "logged out: %s%s%s; frames in %llu (%llu bytes), out %llu (%llu bytes)",
		       proto_reason_str(reason), why[0] ? ": " : "", why,
		       (unsigned long long)s->rx_frames, (unsigned long long)s->rx_frame_bytes,
		       (unsigned long long)s->tx_frames, (unsigned long long)s->tx_frame_bytes);
	stream_free(&st);
}

void sess_unlist(struct session *s)
{
	struct hub_server *srv = s->srv;

	pthread_mutex_lock(&srv->lock);
	sess_unpend_locked(s);
	list_del(&s->all_link);
	pthread_mutex_unlock(&srv->lock);
}

static void sess_free(struct session *s)
{
	SSL_free(s->ssl);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	close(s->fd);
	if (s->queue.ring) /* made when the login succeeded (sess_promote) */
		queue_destroy(&s->queue);
	free(s);
}

void sess_thread_done(struct hub_server *srv)
{
	pthread_mutex_lock(&srv->lock);
	srv->nthreads--;
	pthread_cond_broadcast(&srv->idle);
	pthread_mutex_unlock(&srv->lock);
}

/*
 * Until the client's first bytes (or the handshake's end, or a stop): an idle
 * connection holds no TLS state, only its session and its thread's stack.
 */
static bool first_bytes(struct session *s)
{
	/* the reaper (sess_reap_handshakes) stops it at the timeout; this is a backstop */
	uint64_t end = s->started_ms + SESS_HANDSHAKE_TIMEOUT_MS + 2000, now;
	struct pollfd p = {.fd = s->fd, .events = POLLIN};
	int n;

	for (;;) {
		now = hub_now_ms();
		/* acquire: pairs with the release store of stop in sess_stop */
		if (now >= end || atomic_load_explicit(&s->stop, memory_order_acquire))
			return false;
		n = poll(&p, 1, (int)(end - now));
		if (n > 0)
			return !(p.revents & POLLNVAL);
		if (n < 0 && errno != EINTR)
			return false;
	}
}

/*
 * Its SSL object, once there is something to read; during the handshake it
 * gives its record buffers back whenever they are empty (SSL_MODE_RELEASE_BUFFERS,
 * cleared after the login: the data phase keeps them).
 */
static bool sess_tls(struct session *s)
{
	SSL *ssl;

	if (s->ssl) /* the accept thread did the TLS handshake (tls_accept.h) */
		return true;
	if (!first_bytes(s) || !(ssl = SSL_new(s->srv->tls)))
		return false;
	SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
	s->ssl = ssl; /* this thread's alone, as before */
	return SSL_set_fd(ssl, s->fd) == 1;
}

static void *sess_main(void *arg)
{
	struct session *s = arg;
	struct hub_server *srv = s->srv;

	stream_socket_handshake(s->fd, SESS_HANDSHAKE_TIMEOUT_MS / 1000);
	if (sess_tls(s) && sess_handshake(s) == 0) {
		SSL_clear_mode(s->ssl, SSL_MODE_RELEASE_BUFFERS);
		sess_run_established(s);
	}
	sess_unlist(s);
	sess_free(s); /* OpenSSL state goes before the server may */
	/* and this thread's own (error queue, DRBG), which thread exit would free after
	 * thread_done, racing OpenSSL's cleanup at process exit */
	OPENSSL_thread_stop();
	sess_thread_done(srv);
	return NULL;
}

static void format_peer(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
		snprintf(out, len, "%s:%u", addr, ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		snprintf(out, len, "[%s]:%u", addr, ntohs(in6->sin6_port));
	}
}

/* A pending handshake: no send queue (sess_promote) and no TLS state (sess_tls) yet. */
static struct session *sess_new(struct hub_server *srv, int fd)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->queue.wake_fd = -1;
	cong_params_default(&s->cong); /* the login sets the snapshot's */
	storm_init(&s->storm, 0, false, false);
	s->srv = srv;
	s->fd = fd;
	atomic_init(&s->state, SESS_HANDSHAKE);
	s->id = atomic_fetch_add_explicit(&srv->next_id, 1, memory_order_relaxed);
	s->started_ms = hub_now_ms();
	atomic_init(&s->stop, false);
	atomic_init(&s->stop_reason, PROTO_R_NONE);
	return s;
}

bool sess_register(struct hub_server *srv, struct session *s)
{
	bool ok;

	pthread_mutex_lock(&srv->lock);
	ok = !srv->stopping && srv->nthreads - srv->npending < srv->cfg->max_sessions;
	if (ok) {
		list_add(&srv->all, &s->all_link);
		srv->nthreads++;
	}
	pthread_mutex_unlock(&srv->lock);
	return ok;
}

/* The pending-handshake key of a source: an IPv4 address, or an IPv6 /64. */
static void source_key(const struct sockaddr_storage *ss, uint8_t key[16])
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(key, 0, 16);
	if (ss->ss_family == AF_INET) {
		memcpy(key, v4mapped, 12);
		memcpy(key + 12, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, 4);
	} else {
		const uint8_t *a =
		    ((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr.s6_addr;

		memcpy(key, a, memcmp(a, v4mapped, 12) == 0 ? 16 : 8);
	}
}

/* Handshakes in progress from key's source, counting up to limit. */
static uint32_t pending_from(struct hub_server *srv, const uint8_t key[16], uint32_t limit)
{
	struct session *o;
	uint32_t n = 0;

	list_for_each_entry(o, &srv->pending, pending_link)
	{
		if (memcmp(o->src_key, key, 16) == 0 && ++n >= limit)
			break;
	}
	return n;
}

/* Adds s to the server's lists as a pending handshake, or says why not. */
static enum sess_refusal register_session(struct hub_server *srv, struct session *s)
{
	const struct hub_config *cfg;
	enum sess_refusal r = SESS_ADMITTED;

	pthread_mutex_lock(&srv->lock);
	cfg = srv->cfg;
	if (srv->stopping)
		r = SESS_REFUSED_STOPPING;
	else if (srv->nthreads - srv->npending >= cfg->max_sessions)
		r = SESS_REFUSED_SESSIONS;
	else if (srv->npending >= cfg->max_pending)
		r = SESS_REFUSED_PENDING;
	else if (pending_from(srv, s->src_key, cfg->max_pending_per_src) >=
		 cfg->max_pending_per_src)
		r = SESS_REFUSED_SOURCE;
	if (r == SESS_ADMITTED) {
		list_add(&srv->all, &s->all_link);
		list_add(&srv->pending, &s->pending_link);
		s->is_pending = true;
		srv->npending++;
		srv->nthreads++;
	}
	pthread_mutex_unlock(&srv->lock);
	return r;
}

enum sess_refusal sess_accept(struct hub_server *srv, int fd, const struct sockaddr_storage *peer,
			      struct session **out)
{
	struct session *s;
	enum sess_refusal why;
	uint8_t key[16];

	source_key(peer, key);
	if (backoff_wait_ms(&srv->backoff, key, hub_now_ms()) > 0) {
		close(fd); /* before any TLS work: a guessing source costs one accept */
		return SESS_REFUSED_BACKOFF;
	}
	s = sess_new(srv, fd);
	if (!s) {
		close(fd);
		return SESS_REFUSED_NOMEM;
	}
	format_peer(peer, s->peer, sizeof(s->peer));
	s->peer_addr = *peer;
	memcpy(s->src_key, key, sizeof(key));
	why = register_session(srv, s);
	if (why != SESS_ADMITTED) {
		sess_free(s);
		return why;
	}
	*out = s;
	return SESS_ADMITTED;
}

void sess_discard(struct session *s)
{
	struct hub_server *srv = s->srv;

	sess_unlist(s);
	sess_free(s);
	sess_thread_done(srv);
}

int sess_start(struct session *s)
{
	pthread_attr_t attr;
	pthread_t tid;
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	rc = pthread_create(&tid, &attr, sess_main, s);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		sess_discard(s);
		return -1;
	}
	return 0;
}

enum sess_refusal sess_spawn(struct hub_server *srv, int fd, const struct sockaddr_storage *peer)
{
	struct session *s;
	enum sess_refusal why = sess_accept(srv, fd, peer, &s);

	if (why != SESS_ADMITTED)
		return why;
	return sess_start(s) == 0 ? SESS_ADMITTED : SESS_REFUSED_NOMEM;
}

void sess_reap_handshakes(struct hub_server *srv, uint64_t now_ms)
{
	struct session *s;

	pthread_mutex_lock(&srv->lock);
	list_for_each_entry(s, &srv->pending, pending_link)
	{
		if (now_ms - s->started_ms > SESS_HANDSHAKE_TIMEOUT_MS && !atomic_load(&s->stop)) {
			sess_stop(s, PROTO_R_TIMEOUT);
			atomic_fetch_add_explicit(&srv->hs_reaped, 1, memory_order_relaxed);
		}
	}
	pthread_mutex_unlock(&srv->lock);
}
