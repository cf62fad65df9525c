// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Client connection lifecycle: TCP connect, TLS with hub verification
 * (CA file + host name, or pinned fingerprint), the login exchange, the data
 * loop, and reconnection.  The data loop reads TAP frames straight into the
 * TLS send buffer behind their message headers (no copy) and writes received
 * frames straight from the receive buffer to the device.  The TCP connection
 * may cross an HTTP or SOCKS5 proxy (proxy.h) before TLS starts.
 */
#include "tunnel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "daemon.h"
#include "dataphase.h"
#include "hubmsg.h"
#include "log.h"
#include "policy.h"
#include "proxy.h"
#include "stream.h"
#include "tls.h"

#define RX_BUDGET (512 * 1024)
#define STOP_GRACE_MS 20000 /* for the teardown that needs the link */

enum attempt {
	ATTEMPT_STOPPED, /* signal */
	ATTEMPT_RETRY,	 /* network trouble: try again later */
	ATTEMPT_FATAL,	 /* refused or not trustworthy: give up */
	ATTEMPT_LOCAL,	 /* the virtual interface or this machine failed */
};

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

/*
 * Non-blocking connect bounded by the profile's timeout and interrupted by a
 * stop signal; fd, or -1 with a message (err empty when a signal came).
 */
static int connect_one(struct tunnel *t, const struct addrinfo *ai, int timeout_ms, char *err,
		       size_t errlen)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct pollfd p[2] = {{.events = POLLOUT}, {.fd = t->sig_fd, .events = POLLIN}};
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	int soerr = 0, n;
	socklen_t len = sizeof(soerr);

	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	p[0].fd = fd;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
		snprintf(err, errlen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	/* a SIGHUP is consumed and the wait goes on; a stop signal ends it */
	while ((n = poll(p, 2, (int)(deadline > now_ms() ? deadline - now_ms() : 0))) > 0 &&
	       p[1].revents && !got_signal(t, 0))
		;
	if (n < 1 || t->stopping) {
		if (t->stopping)
			err[0] = '\0';
		else
			snprintf(err, errlen, "connection timed out after %d s", timeout_ms / 1000);
		close(fd);
		return -1;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	if (soerr) {
		snprintf(err, errlen, "%s", strerror(soerr));
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* TCP to each address of host in turn; what names it in messages ("hub", "HTTP proxy"). */
static int connect_host(struct tunnel *t, const char *what, const char *host, uint16_t port,
			char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	char serv[8], why[200] = "no address";
	int fd = -1, rc;

	snprintf(serv, sizeof(serv), "%u", port);
	rc = getaddrinfo(host, serv, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s address %s: %s", what, host,
			 gai_strerror(rc));
		return -1;
	}
	log_debug("connecting to %s:%u", host, port);
	for (ai = res; ai && fd < 0 && why[0]; ai = ai->ai_next)
		fd = connect_one(t, ai, (int)t->p->connect_timeout_s * 1000, why, sizeof(why));
	freeaddrinfo(res);
	if (fd < 0 && why[0])
		snprintf(err, errlen, "cannot reach %s %s:%u: %s", what, host, port, why);
	return fd;
}

/* A connection to the hub, straight or through the profile's proxy (a refusal is final). */
static int connect_hub(struct tunnel *t, enum attempt *why, char *err, size_t errlen)
{
	const struct profile *p = t->p;
	char name[PROXY_NAME_MAX];
	enum proxy_status st;
	int fd;

	if (p->proxy.type == PROXY_NONE)
		return connect_host(t, "hub", p->host, p->port, err, errlen);
	fd = connect_host(t, p->proxy.type == PROXY_HTTP ? "HTTP proxy" : "SOCKS5 proxy",
			  p->proxy.host, p->proxy.port, err, errlen);
	if (fd < 0)
		return -1;
	st = proxy_open(fd, &p->proxy, p->host, p->port, (int)p->connect_timeout_s * 1000, err,
			errlen);
	if (st != PROXY_OK) {
		*why = st == PROXY_E_REFUSED ? ATTEMPT_FATAL : ATTEMPT_RETRY;
		close(fd);
		return -1;
	}
	proxy_name(&p->proxy, name, sizeof(name));
	log_info("%s opened a tunnel to the hub at %s:%u", name, p->host, p->port);
	return fd;
}

/* Checks the hub's certificate against the pinned fingerprint. */
static int check_fingerprint(const struct profile *p, SSL *ssl, char *err, size_t errlen)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	uint8_t fp[TLS_FP_LEN];
	char got[TLS_FP_STR_LEN], want[TLS_FP_STR_LEN];
	int rc;

	if (!cert) {
		snprintf(err, errlen, "TLS verification failed: the hub sent no certificate");
		return -1;
	}
	rc = tls_fingerprint(cert, fp);
	X509_free(cert);
	if (rc == 0 && memcmp(fp, p->fingerprint, TLS_FP_LEN) == 0)
		return 0;
	tls_fingerprint_str(fp, got);
	tls_fingerprint_str(p->fingerprint, want);
	snprintf(err, errlen,
		 "TLS verification failed: the hub's certificate fingerprint is %s, the profile "
		 "pins %s (wrong hub, or someone in the middle)",
		 got, want);
	return -1;
}

static SSL *tls_connect(struct tunnel *t, int fd, enum attempt *why, char *err, size_t errlen)
{
	const struct profile *p = t->p;
	SSL *ssl = SSL_new(t->ctx);
	struct in6_addr ip;
	char ebuf[256];

	*why = ATTEMPT_RETRY;
	if (!ssl) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	SSL_set_fd(ssl, fd);
	if (inet_pton(AF_INET, p->host, &ip) != 1 && inet_pton(AF_INET6, p->host, &ip) != 1)
		SSL_set_tlsext_host_name(ssl, p->host);
	if (p->verify == VERIFY_CA && SSL_set1_host(ssl, p->verify_name) != 1) {
		*why = ATTEMPT_LOCAL;
		snprintf(err, errlen, "cannot set up host name verification for %s",
			 p->verify_name);
		SSL_free(ssl);
		return NULL;
	}
	if (SSL_connect(ssl) != 1) {
		/* only CA mode verifies during the handshake; a failure there is final */
		if (p->verify == VERIFY_CA && SSL_get_verify_result(ssl) != X509_V_OK)
			*why = ATTEMPT_FATAL;
		snprintf(err, errlen, "TLS handshake with %s:%u failed: %s", p->host, p->port,
			 tls_error(ssl, ebuf, sizeof(ebuf)));
		SSL_free(ssl);
		return NULL;
	}
	if (p->verify == VERIFY_FINGERPRINT && check_fingerprint(p, ssl, err, errlen) != 0) {
		*why = ATTEMPT_FATAL;
		SSL_free(ssl);
		return NULL;
	}
	if (p->verify == VERIFY_NONE)
		log_warnx("WARNING: the hub's certificate is NOT verified (verify = none): an "
			  "impostor of %s can collect what it needs to guess your password "
			  "offline; pin its fingerprint instead",
			  p->host);
	return ssl;
}

/* Reads the next handshake message; a REJECT becomes a fatal, plain-words error. */
static int expect(SSL *ssl, uint8_t *buf, uint8_t type, struct proto_msg *m, enum attempt *why,
		  char *err, size_t errlen)
{
	const char *perr = NULL;
	struct proto_reject r;
	char ebuf[200];

	if (tls_read_msg(ssl, buf, PROTO_HDR_LEN + PROTO_CTRL_MAX, m, &perr) != 0) {
		snprintf(err, errlen, "login failed: %s",
			 perr ? perr : tls_error(ssl, ebuf, sizeof(ebuf)));
		return -1;
	}
	if (m->type == PROTO_REJECT && proto_dec_reject(m, &r, &perr) == 0) {
		snprintf(err, errlen, "the hub refused the connection: %s",
			 proto_reason_str(r.reason));
		/* a full, offline or restarting hub may take us later */
		*why = r.reason == PROTO_R_HUB_FULL || r.reason == PROTO_R_SERVER_FULL ||
			       r.reason == PROTO_R_SHUTDOWN || r.reason == PROTO_R_INTERNAL ||
			       r.reason == PROTO_R_HUB_OFFLINE || r.reason == PROTO_R_MULTI_LOGIN
			   ? ATTEMPT_RETRY
			   : ATTEMPT_FATAL;
		return -1;
	}
	if (m->type != type) {
		snprintf(err, errlen, "login failed: unexpected message type %u from the hub",
			 m->type);
		return -1;
	}
	return 0;
}

static int send_hello(struct tunnel *t, SSL *ssl, uint8_t *buf)
{
	struct proto_hello h = {
	    .version = PROTO_VERSION,
	    .caps = PROTO_CAP_VNET | PROTO_CAP_MESSAGE,
	    .method = t->p->cert_file[0] ? PROTO_AUTH_CERT : PROTO_AUTH_PASSWORD,
	};
	size_t n;

	snprintf(h.hub, sizeof(h.hub), "%s", t->p->hub);
	snprintf(h.user, sizeof(h.user), "%s", t->p->user);
	n = proto_enc_hello(buf, PROTO_HDR_LEN + PROTO_CTRL_MAX, &h);
	return n && tls_write_all(ssl, buf, n) == 0 ? 0 : -1;
}

/* What the client must check in WELCOME: the expected server signature. */
struct expect_sig {
	uint8_t sig[AUTH_KEY_LEN];
};

static bool challenge_ok(const struct proto_challenge *c)
{
	if (c->method == PROTO_PW_SOFTETHER)
		return c->salt_len == 0;
	return c->method == PROTO_PW_SCRAM && c->iterations >= AUTH_ITER_MIN &&
	       c->iterations <= AUTH_ITER_MAX && c->salt_len >= 8;
}

/* Computes the proof for the hub's scheme and the signature WELCOME must carry. */
static int prove(const struct tunnel *t, const struct proto_challenge *c,
		 const uint8_t transcript[AUTH_KEY_LEN], uint8_t proof[AUTH_KEY_LEN],
		 struct expect_sig *want)
{
	uint8_t client_key[AUTH_KEY_LEN], server_key[AUTH_KEY_LEN], se[AUTH_SE_HASH_LEN];

	if (c->method == PROTO_PW_SOFTETHER) {
		auth_softether_hash(t->p->password, t->p->user, se);
		auth_softether_proof(se, transcript, proof);
		auth_softether_signature(se, transcript, want->sig);
		OPENSSL_cleanse(se, sizeof(se));
		return 0;
	}
	if (auth_derive(t->p->password, c->salt, c->salt_len, c->iterations, client_key,
			server_key) != 0)
		return -1;
	auth_client_proof(client_key, transcript, proof);
	auth_server_signature(server_key, transcript, want->sig);
	OPENSSL_cleanse(client_key, sizeof(client_key));
	return 0;
}

/* Answers the challenge and says which server signature WELCOME must carry. */
static int answer(struct tunnel *t, SSL *ssl, const struct proto_challenge *c, uint8_t *buf,
		  struct expect_sig *want, char *err, size_t errlen)
{
	uint8_t binding[32], transcript[AUTH_KEY_LEN];
	struct proto_auth a;
	size_t n;

	if (!challenge_ok(c)) {
		snprintf(err, errlen,
			 "login failed: the hub sent unacceptable password "
			 "parameters (scheme %u, %u iterations)",
			 c->method, c->iterations);
		return -1;
	}
	if (tls_exporter(ssl, binding) != 0) {
		snprintf(err, errlen, "login failed: TLS exporter error");
		return -1;
	}
	auth_transcript(t->p->hub, t->p->user, c->nonce, PROTO_NONCE_LEN, binding, sizeof(binding),
			transcript);
	if (prove(t, c, transcript, a.proof, want) != 0) {
		snprintf(err, errlen, "login failed: key derivation error");
		return -1;
	}
	n = proto_enc_auth(buf, PROTO_HDR_LEN + PROTO_CTRL_MAX, &a);
	return n && tls_write_all(ssl, buf, n) == 0 ? 0 : -1;
}

/* The policy values the hub sent (ids are SoftEther's item numbers), when set. */
static void log_policy(const struct proto_welcome *w)
{
	char line[512];
	size_t n = 0;

	for (uint16_t i = 0; i < w->npolicy && n < sizeof(line) - 64; i++) {
		const struct proto_policy *p = &w->policy[i];

		if (p->id < POL_COUNT && p->value)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%u",
					      policy_items[p->id].name, p->value);
	}
	if (n)
		log_info("hub policy for this session:%s", line);
}

/* CHALLENGE, AUTH, WELCOME with the hub's proof that it knows the password verifier. */
static int password_login(struct tunnel *t, SSL *ssl, uint8_t *buf, struct proto_welcome *w,
			  enum attempt *why, char *err, size_t errlen)
{
	struct expect_sig want;
	struct proto_challenge c;
	struct proto_msg m;
	const char *perr;

	if (expect(ssl, buf, PROTO_CHALLENGE, &m, why, err, errlen) != 0)
		return -1;
	if (proto_dec_challenge(&m, &c, &perr) != 0) {
		snprintf(err, errlen, "login failed: bad challenge: %s", perr);
		return -1;
	}
	if (answer(t, ssl, &c, buf, &want, err, errlen) != 0 ||
	    expect(ssl, buf, PROTO_WELCOME, &m, why, err, errlen) != 0)
		return -1;
	if (proto_dec_welcome(&m, w, &perr) != 0) {
		snprintf(err, errlen, "login failed: bad welcome: %s", perr);
		return -1;
	}
	if (CRYPTO_memcmp(want.sig, w->server_sig, AUTH_KEY_LEN) != 0) {
		*why = ATTEMPT_FATAL;
		snprintf(err, errlen,
			 "the hub could not prove it knows this user's password "
			 "verifier: not trusting it");
		return -1;
	}
	return 0;
}

static int login(struct tunnel *t, SSL *ssl, enum attempt *why, char *err, size_t errlen)
{
	uint8_t buf[PROTO_HDR_LEN + PROTO_CTRL_MAX];
	struct proto_welcome w;
	struct proto_msg m;
	const char *perr;

	if (send_hello(t, ssl, buf) != 0) {
		snprintf(err, errlen, "login failed: cannot send to the hub");
		return -1;
	}
	if (t->p->cert_file[0]) {
		/* certificate login: the TLS handshake proved the key; WELCOME or REJECT next */
		if (expect(ssl, buf, PROTO_WELCOME, &m, why, err, errlen) != 0)
			return -1;
		if (proto_dec_welcome(&m, &w, &perr) != 0) {
			snprintf(err, errlen, "login failed: bad welcome: %s", perr);
			return -1;
		}
	} else if (password_login(t, ssl, buf, &w, why, err, errlen) != 0)
		return -1;
	if ((w.caps & PROTO_CAP_MESSAGE) && hubmsg_receive(ssl, err, errlen) != 0)
		return -1;
	t->session_id = w.session_id;
	log_policy(&w);
	t->keepalive_s = w.keepalive_s ? w.keepalive_s : 5;
	t->timeout_s = w.timeout_s > t->keepalive_s ? w.timeout_s : (uint16_t)(4 * t->keepalive_s);
	return 0;
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

static enum attempt data_loop(struct tunnel *t, struct stream *st, char *err, size_t errlen)
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
			return ATTEMPT_STOPPED;
		}
		rs = stream_read(st, RX_BUDGET, dataphase_on_msg, &dp);
		if (rs == STREAM_EOF || dp.got_bye) {
			snprintf(err, errlen, "the hub closed the connection: %s",
				 dp.got_bye ? proto_reason_str(dp.bye_reason) : "no reason given");
			return ATTEMPT_RETRY;
		}
		if (rs == STREAM_ERROR) {
			snprintf(err, errlen, "connection lost: %s", dp.err[0] ? dp.err : st->err);
			return rx.device_failed ? ATTEMPT_LOCAL : ATTEMPT_RETRY;
		}
		if (st->rx_bytes != rx_before)
			dp.last_rx = now;
		if (!stream_pending(st) && fill_from_device(t, st, &more) != 0) {
			snprintf(err, errlen, "device read: %s", strerror(errno));
			return ATTEMPT_LOCAL;
		}
		if (dataphase_keepalive_due(&dp, st, now))
			stream_put(st, PROTO_KEEPALIVE, 0, NULL, 0);
		if (stream_flush(st) < 0) {
			snprintf(err, errlen, "connection lost: %s", st->err);
			return ATTEMPT_RETRY;
		}
		if (st->tx_bytes != tx_before)
			dp.last_tx = now;
		if (t->status)
			status_traffic(t->status, st->rx_bytes, st->tx_bytes, t->rx_frames,
				       t->tx_frames);
		busy = rs == STREAM_MORE || (more && !stream_pending(st));
		if (dataphase_peer_dead(&dp, now)) {
			snprintf(err, errlen, "the hub was silent for %u s (dead-peer timeout)",
				 t->timeout_s);
			return ATTEMPT_RETRY;
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

static enum attempt run_session(struct tunnel *t, SSL *ssl, int fd, char *err, size_t errlen)
{
	struct stream st;
	enum attempt a;

	if (stream_init(&st, ssl, fd) != 0) {
		snprintf(err, errlen, "out of memory");
		return ATTEMPT_LOCAL;
	}
	t->vif->ops->set_carrier(t->vif, true);
	log_info("connected to hub %s on %s:%u as %s (session %u, %s); %s is up", t->p->hub,
		 t->p->host, t->p->port, t->p->user, t->session_id, SSL_get_version(ssl),
		 t->vif->name);
	report_login(t, ssl, fd);
	a = data_loop(t, &st, err, errlen);
	t->vif->ops->set_carrier(t->vif, false);
	if (t->status)
		status_session_end(t->status, st.rx_bytes, st.tx_bytes);
	stream_free(&st);
	return a;
}

/* One connection attempt from TCP connect to the end of the data phase. */
static enum attempt attempt(struct tunnel *t, bool *logged_in, char *err, size_t errlen)
{
	enum attempt a = ATTEMPT_RETRY;
	int fd;
	SSL *ssl;

	if (t->status)
		status_connecting(t->status);
	fd = connect_hub(t, &a, err, errlen);
	*logged_in = false;
	if (fd < 0)
		return got_signal(t, 0) ? ATTEMPT_STOPPED : a;
	stream_socket_handshake(fd, (int)t->p->connect_timeout_s);
	daemon_watchdog_kick(); /* each step below is bounded by connect_timeout */
	ssl = tls_connect(t, fd, &a, err, errlen);
	daemon_watchdog_kick();
	if (ssl && login(t, ssl, &a, err, errlen) == 0) {
		*logged_in = true;
		/* a stop signal during the (bounded) login is honoured now */
		a = got_signal(t, 0) ? ATTEMPT_STOPPED : run_session(t, ssl, fd, err, errlen);
	}
	SSL_free(ssl);
	close(fd);
	return a;
}

/* Uniform in [base/2, base] milliseconds: spreads clients after a hub restart. */
static int backoff_ms(uint32_t base_s)
{
	uint32_t r = 0;

	RAND_bytes((uint8_t *)&r, sizeof(r));
	return (int)(base_s * 500u + r % (base_s * 500u + 1));
}

int tunnel_run(struct tunnel *t)
{
	uint32_t backoff = t->p->reconnect_min_s;
	char err[512];

	for (;;) {
		bool logged_in;
		enum attempt a;
		int wait;

		err[0] = '\0';
		a = attempt(t, &logged_in, err, sizeof(err));
		if (a == ATTEMPT_STOPPED)
			return EXIT_OK;
		log_warnx("%s", err[0] ? err : "connection ended");
		if (a == ATTEMPT_FATAL)
			return EXIT_REFUSED;
		if (a == ATTEMPT_LOCAL)
			return EXIT_RUNTIME;
		if (!t->p->reconnect)
			return EXIT_NETWORK;
		if (logged_in)
			backoff = t->p->reconnect_min_s;
		wait = backoff_ms(backoff);
		log_info("reconnecting in %.1f s", wait / 1000.0);
		if (t->status)
			status_backoff(t->status, err[0] ? err : "connection ended", wait);
		if (got_signal(t, wait))
			return EXIT_OK;
		backoff = backoff * 2 > t->p->reconnect_max_s ? t->p->reconnect_max_s : backoff * 2;
	}
}
