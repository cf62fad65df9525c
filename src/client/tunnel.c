// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Client connection lifecycle: one attempt logs in with the shared client
 * side of the protocol (hubconn.h: connect, optional proxy, TLS with hub
 * verification, login), then runs the data loop, and reconnects with
 * back-off.  The data loop reads TAP frames straight into the TLS send
 * buffer behind their message headers (no copy) and writes received frames
 * straight from the receive buffer to the device.
 */
#include "tunnel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "dataphase.h"
#include "drops.h"
#include "hubconn.h"
#include "hubmsg.h"
#include "log.h"
#include "se_data.h"
#include "stream.h"

#define RX_BUDGET (512 * 1024)
#define STOP_GRACE_MS 20000 /* for the teardown that needs the link */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Waits up to timeout_ms for SIGINT or SIGTERM (true).  SIGHUP is consumed
 * and logged: a profile is read once, at start.
 */
static bool got_signal(struct tunnel *t, int timeout_ms)
{
	struct pollfd p = {.fd = t->sig_fd, .events = POLLIN};
	struct signalfd_siginfo si;
	int every = daemon_watchdog_interval_ms();

	/* in watchdog-sized steps, so a long back-off still kicks it */
	while (!t->stopping) {
		int step = every && (timeout_ms < 0 || timeout_ms > every) ? every : timeout_ms;
		int n = poll(&p, 1, step);

		daemon_watchdog_kick();
		if (n == 0 && step != timeout_ms) {
			timeout_ms -= step;
			continue;
		}
		if (n <= 0)
			break;
		if (read(t->sig_fd, &si, sizeof(si)) != sizeof(si))
			break;
		if (si.ssi_signo == SIGHUP)
			log_info("SIGHUP ignored: the profile is read only at start");
		else
			t->stopping = true;
	}
	return t->stopping;
}

/* hubconn's cancel check: a stop signal arrived (a SIGHUP is consumed). */
static bool stop_requested(void *ctx)
{
	return got_signal(ctx, 0);
}

struct rx_ctx {
	struct tunnel *t;
	bool device_failed;
};

/* The data phase's frame handler (dataphase.h): onto the device, with a virtio header. */
static int rx_frame(void *ctx, const struct proto_msg *m, char *err, size_t errlen)
{
	static const uint8_t zero_hdr[PROTO_VNET_HDR_LEN];
	struct rx_ctx *rx = ctx;
	int rc;

	if (m->flags & PROTO_F_VNET)
		rc = rx->t->vif->ops->write(rx->t->vif, NULL, m->payload, m->len);
	else
		rc = rx->t->vif->ops->write(rx->t->vif, zero_hdr, m->payload, m->len);
	if (rc != 0) {
		snprintf(err, errlen, "device write: %s", strerror(errno));
		rx->device_failed = true;
		return -1;
	}
	rx->t->rx_frames++;
	return 0;
}

/* Reads device frames into the send buffer until drained or full; -1 on device error. */
static int fill_from_device(struct tunnel *t, struct stream *st, bool *more)
{
	*more = false;
	while (st->wlen < STREAM_FLUSH_AT && stream_room(st) >= STREAM_MSG_ROOM) {
		uint8_t *msg = stream_tail(st);
		ssize_t n = t->vif->ops->read(t->vif, msg + PROTO_HDR_LEN, PROTO_PAYLOAD_MAX);

		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (n < PROTO_VNET_HDR_LEN + PROTO_FRAME_MIN)
			continue; /* runt from the stack: nothing to forward */
		proto_put_hdr(msg, PROTO_FRAME, PROTO_F_VNET, (uint32_t)n);
		stream_commit(st, PROTO_HDR_LEN + (size_t)n);
		t->tx_frames++;
	}
	*more = true;
	return 0;
}

/* The data phase's timers, woken in time for the watchdog. */
static int data_timeout(const struct dataphase *dp, const struct stream *st, uint64_t now)
{
	int every = daemon_watchdog_interval_ms();
	int ms = dataphase_timeout_ms(dp, st, now);

	return every && ms > every ? every : ms;
}

static enum hubconn_status data_loop(struct tunnel *t, struct stream *st, struct drops *dr,
				     char *err, size_t errlen)
{
	struct rx_ctx rx = {.t = t};
	uint64_t now = now_ms(), stop_at = 0;
	struct dataphase dp;
	bool busy = false;
	int done_fd = -1;

	dataphase_init(&dp, rx_frame, &rx, "from the hub", t->keepalive_s, t->timeout_s, now);

	for (;;) {
		struct pollfd pfd[4] = {
		    {.fd = st->fd, .events = stream_poll_events(st)},
		    {.fd = t->sig_fd, .events = POLLIN},
		    /* a blocked TLS write leaves frames in the device queue: back-pressure */
		    {.fd = t->vif->fd, .events = stream_pending(st) ? 0 : POLLIN},
		    {.fd = done_fd, .events = POLLIN},
		};
		uint64_t rx_before = st->rx_bytes, tx_before = st->tx_bytes;
		enum stream_status rs;
		bool more = false;
		int wait = busy ? 0 : data_timeout(&dp, st, now);

		poll(pfd, 4, stop_at && wait > 100 ? 100 : wait);
		now = now_ms();
		daemon_watchdog_kick();
		if (pfd[1].revents & POLLIN && got_signal(t, 0) && !stop_at) {
			/* the teardown (down hooks, DHCP release) still needs the link */
			done_fd = t->on_stop ? t->on_stop(t->arg) : -1;
			stop_at = now + STOP_GRACE_MS;
		}
		if (stop_at && (done_fd < 0 || pfd[3].revents || now >= stop_at)) {
			stream_close(st, PROTO_R_CLIENT_EXIT, 1000);
			return HUBCONN_STOPPED;
		}
		rs = stream_read(st, RX_BUDGET, dataphase_on_msg, &dp);
		if (rs == STREAM_EOF || dp.got_bye) {
			snprintf(err, errlen, "the hub closed the connection: %s",
				 dp.got_bye ? proto_reason_str(dp.bye_reason) : "no reason given");
			return HUBCONN_RETRY;
		}
		if (rs == STREAM_ERROR) {
			snprintf(err, errlen, "connection lost: %s", dp.err[0] ? dp.err : st->err);
			return rx.device_failed ? HUBCONN_LOCAL : HUBCONN_RETRY;
		}
		if (st->rx_bytes != rx_before)
			dp.last_rx = now;
		if (!stream_pending(st) && fill_from_device(t, st, &more) != 0) {
			snprintf(err, errlen, "device read: %s", strerror(errno));
			return HUBCONN_LOCAL;
		}
		if (dataphase_keepalive_due(&dp, st, now))
			stream_put(st, PROTO_KEEPALIVE, 0, NULL, 0);
		switch (stream_flush(st)) {
		case -1:
			snprintf(err, errlen, "connection lost: %s", st->err);
			return HUBCONN_RETRY;
		case 1:
			dr->tx_blocked++;
			break;
		}
		drops_log(dr, t->vif, st->fd, t->rx_frames, t->tx_frames, now, false);
		if (st->tx_bytes != tx_before)
			dp.last_tx = now;
		if (t->status) {
			status_traffic(t->status, st->rx_bytes, st->tx_bytes, t->rx_frames,
				       t->tx_frames);
			drops_status(dr, t->vif, st->fd, t->status, now);
		}
		busy = rs == STREAM_MORE || (more && !stream_pending(st));
		if (dataphase_peer_dead(&dp, now)) {
			snprintf(err, errlen, "the hub was silent for %u s (dead-peer timeout)",
				 t->timeout_s);
			return HUBCONN_RETRY;
		}
	}
}

/* Tells the status record and the login callback about the new session. */
static void report_login(struct tunnel *t, SSL *ssl, int fd)
{
	struct sockaddr_storage ss = {0};
	socklen_t len = sizeof(ss);
	char addr[INET6_ADDRSTRLEN] = "";

	getpeername(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof(addr));
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof(addr));
	if (t->status)
		status_connected(t->status, addr, t->session_id, SSL_get_version(ssl),
				 SSL_get_cipher_name(ssl));
	if (t->on_login)
		t->on_login(t->arg, (struct sockaddr *)&ss, t->session_id);
}

/* The data phase with a stock SoftEther server (se_data.h). */
static enum hubconn_status se_session(struct tunnel *t, struct stream *st, struct drops *dr,
				      char *err, size_t errlen)
{
	struct se_port port = {
	    .vif = t->vif,
	    .status = t->status,
	    .rx_frames = t->rx_frames,
	    .tx_frames = t->tx_frames,
	    .timeout_s = t->timeout_s,
	    .sig_fd = t->sig_fd,
	    .signalled = stop_requested,
	    .tunnel = t,
	    .on_stop = t->on_stop,
	    .arg = t->arg,
	};
	enum hubconn_status a = se_data_loop(&port, st, dr, err, errlen);

	t->rx_frames = port.rx_frames;
	t->tx_frames = port.tx_frames;
	return a;
}

static enum hubconn_status run_session(struct tunnel *t, const struct profile_server *srv, SSL *ssl,
				       int fd, char *err, size_t errlen)
{
	struct stream st;
	struct drops dr;
	enum hubconn_status a;

	if (stream_init(&st, ssl, fd, t->cc) != 0) {
		snprintf(err, errlen, "out of memory");
		return HUBCONN_LOCAL;
	}
	t->vif->ops->set_carrier(t->vif, true);
	if (t->p->protocol == HUBCONN_SOFTETHER)
		log_info("connected to hub %s on %s:%u as %s (SoftEther session %s, %s); %s is up",
			 t->p->hub, srv->host, srv->port, t->p->user, t->session_name,
			 SSL_get_version(ssl), t->vif->name);
	else
		log_info("connected to hub %s on %s:%u as %s (session %u, %s); %s is up", t->p->hub,
			 srv->host, srv->port, t->p->user, t->session_id, SSL_get_version(ssl),
			 t->vif->name);
	report_login(t, ssl, fd);
	drops_start(&dr, t->vif, now_ms());
	a = t->p->protocol == HUBCONN_SOFTETHER ? se_session(t, &st, &dr, err, errlen)
						: data_loop(t, &st, &dr, err, errlen);
	drops_log(&dr, t->vif, fd, t->rx_frames, t->tx_frames, now_ms(), true);
	t->vif->ops->set_carrier(t->vif, false);
	if (t->status)
		status_session_end(t->status, st.rx_bytes, st.tx_bytes);
	stream_free(&st);
	return a;
}

/* One connection attempt to srv from TCP connect to the end of the data phase. */
static enum hubconn_status attempt(struct tunnel *t, const struct profile_server *srv,
				   bool *logged_in, char *err, size_t errlen)
{
	const struct profile *p = t->p;
	const struct hubconn_target target = {
	    .protocol = p->protocol,
	    .host = srv->host,
	    .port = srv->port,
	    .hub = p->hub,
	    .user = p->user,
	    .cert_login = p->cert_file[0] != '\0',
	    .password = p->password,
	    .proxy = &p->proxy,
	    .verify = p->verify,
	    .verify_name = p->verify_name_given ? p->verify_name : srv->host,
	    .fingerprint = p->fingerprint,
	    .connect_timeout_s = p->connect_timeout_s,
	    .receive_message = hubmsg_receive,
	};
	const struct hubconn_cancel cancel = {
	    .fd = t->sig_fd, .stop = stop_requested, .ctx = t, .tick = daemon_watchdog_kick};
	struct hubconn hc;
	enum hubconn_status a;

	if (t->status)
		status_connecting(t->status);
	a = hubconn_open(&target, t->ctx, &cancel, &hc, err, errlen);

	*logged_in = a == HUBCONN_OK;
	if (a != HUBCONN_OK)
		return a;
	t->session_id = hc.session_id;
	t->keepalive_s = hc.keepalive_s;
	t->timeout_s = hc.timeout_s;
	snprintf(t->session_name, sizeof(t->session_name), "%s", hc.session_name);
	/* a stop signal during the (bounded) login is honoured now */
	a = got_signal(t, 0) ? HUBCONN_STOPPED : run_session(t, srv, hc.ssl, hc.fd, err, errlen);
	hubconn_close(&hc);
	return a;
}

int tunnel_run(struct tunnel *t)
{
	uint32_t backoff = t->p->reconnect_min_s;
	size_t next = 0; /* the server to try; the list starts over after a session or a round */
	char err[512];
	int cc_err = t->p->congestion_control[0] ? stream_cc_probe(t->p->congestion_control) : 0;

	t->cc = cc_err ? "" : t->p->congestion_control;
	if (cc_err)
		log_warnx(
		    "congestion_control %s: not available here (%s); the kernel's default is used",
		    t->p->congestion_control, strerror(cc_err));
	for (;;) {
		const struct profile_server *srv = &t->p->servers[next];
		bool logged_in;
		enum hubconn_status a;
		int wait;

		err[0] = '\0';
		a = attempt(t, srv, &logged_in, err, sizeof(err));
		if (a == HUBCONN_STOPPED)
			return EXIT_OK;
		log_warnx("%s", err[0] ? err : "connection ended");
		if (a == HUBCONN_FATAL)
			return EXIT_REFUSED;
		if (a == HUBCONN_LOCAL)
			return EXIT_RUNTIME;
		if (!t->p->reconnect)
			return EXIT_NETWORK;
		next = logged_in ? 0 : next + 1;
		if (next > 0 && next < t->p->nservers) {
			log_info("trying the next server, %s:%u", t->p->servers[next].host,
				 t->p->servers[next].port);
			continue; /* a failed hub: the next one at once, the back-off after a round
				   */
		}
		next = 0;
		if (logged_in)
			backoff = t->p->reconnect_min_s;
		wait = hubconn_backoff_ms(backoff);
		log_info("reconnecting in %.1f s", wait / 1000.0);
		if (t->status)
			status_backoff(t->status, err[0] ? err : "connection ended", wait);
		if (got_signal(t, wait))
			return EXIT_OK;
		backoff = backoff * 2 > t->p->reconnect_max_s ? t->p->reconnect_max_s : backoff * 2;
	}
}
