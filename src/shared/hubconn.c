// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The protocol's client side up to the data phase (hubconn.h), moved out of
 * vpnclient's tunnel so that the hub's cascade links log in with the same
 * code: connect (straight or through a proxy), TLS and hub verification,
 * HELLO / CHALLENGE / AUTH / WELCOME.
 */
#include "hubconn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "policy.h"
#include "seclient.h"
#include "stream.h"

struct attempt {
	const struct hubconn_target *t;
	const struct hubconn_cancel *cancel;
	bool stopped;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Whether the caller wants the attempt to end (its cancel fd was readable). */
static bool cancelled(struct attempt *a)
{
	if (!a->stopped && a->cancel && a->cancel->stop(a->cancel->ctx))
		a->stopped = true;
	return a->stopped;
}

/*
 * Non-blocking connect bounded by the timeout and interrupted by the caller;
 * fd, or -1 with a message (err empty when stopped).
 */
static int connect_one(struct attempt *a, const struct addrinfo *ai, int timeout_ms, char *err,
		       size_t errlen)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct pollfd p[2] = {{.events = POLLOUT},
			      {.fd = a->cancel ? a->cancel->fd : -1, .events = POLLIN}};
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
	/* an event the caller does not stop for is consumed and the wait goes on */
	while ((n = poll(p, 2, (int)(deadline > now_ms() ? deadline - now_ms() : 0))) > 0 &&
	       p[1].revents && !cancelled(a))
		;
	if (n < 1 || a->stopped) {
		if (a->stopped)
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
static int connect_host(struct attempt *a, const char *what, const char *host, uint16_t port,
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
		fd = connect_one(a, ai, (int)a->t->connect_timeout_s * 1000, why, sizeof(why));
	freeaddrinfo(res);
	if (fd < 0 && why[0])
		snprintf(err, errlen, "cannot reach %s %s:%u: %s", what, host, port, why);
	else if (fd < 0)
		err[0] = '\0';
	return fd;
}

/* A connection to the hub, straight or through the proxy (a refusal is final). */
static int connect_hub(struct attempt *a, enum hubconn_status *why, char *err, size_t errlen)
{
	const struct hubconn_target *t = a->t;
	const struct proxy_conf *px = t->proxy;
	char name[PROXY_NAME_MAX];
	enum proxy_status st;
	int fd;

	if (!px || px->type == PROXY_NONE)
		return connect_host(a, "hub", t->host, t->port, err, errlen);
	fd = connect_host(a, px->type == PROXY_HTTP ? "HTTP proxy" : "SOCKS5 proxy", px->host,
			  px->port, err, errlen);
	if (fd < 0)
		return -1;
	st = proxy_open(fd, px, t->host, t->port, (int)t->connect_timeout_s * 1000, err, errlen);
	if (st != PROXY_OK) {
		*why = st == PROXY_E_REFUSED ? HUBCONN_FATAL : HUBCONN_RETRY;
		close(fd);
		return -1;
	}
	proxy_name(px, name, sizeof(name));
	log_info("%s opened a tunnel to the hub at %s:%u", name, t->host, t->port);
	return fd;
}

/* Checks the hub's certificate against the pinned fingerprint. */
static int check_fingerprint(const struct hubconn_target *t, SSL *ssl, char *err, size_t errlen)
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
	if (rc == 0 && memcmp(fp, t->fingerprint, TLS_FP_LEN) == 0)
		return 0;
	tls_fingerprint_str(fp, got);
	tls_fingerprint_str(t->fingerprint, want);
	snprintf(err, errlen,
		 "TLS verification failed: the hub's certificate fingerprint is %s, %s pinned "
		 "(wrong hub, or someone in the middle)",
		 got, want);
	return -1;
}

static SSL *tls_connect(const struct hubconn_target *t, SSL_CTX *ctx, int fd,
			enum hubconn_status *why, char *err, size_t errlen)
{
	SSL *ssl = SSL_new(ctx);
	struct in6_addr ip;
	char ebuf[256];

	*why = HUBCONN_RETRY;
	if (!ssl) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	SSL_set_fd(ssl, fd);
	if (inet_pton(AF_INET, t->host, &ip) != 1 && inet_pton(AF_INET6, t->host, &ip) != 1)
		SSL_set_tlsext_host_name(ssl, t->host);
	if (t->verify == VERIFY_CA && SSL_set1_host(ssl, t->verify_name) != 1) {
		*why = HUBCONN_LOCAL;
		snprintf(err, errlen, "cannot set up host name verification for %s",
			 t->verify_name);
		SSL_free(ssl);
		return NULL;
	}
	if (SSL_connect(ssl) != 1) {
		/* only CA mode verifies during the handshake; a failure there is final */
		if (t->verify == VERIFY_CA && SSL_get_verify_result(ssl) != X509_V_OK)
			*why = HUBCONN_FATAL;
		snprintf(err, errlen, "TLS handshake with %s:%u failed: %s", t->host, t->port,
			 tls_error(ssl, ebuf, sizeof(ebuf)));
		SSL_free(ssl);
		return NULL;
	}
	if (t->verify == VERIFY_FINGERPRINT && check_fingerprint(t, ssl, err, errlen) != 0) {
		*why = HUBCONN_FATAL;
		SSL_free(ssl);
		return NULL;
	}
	if (t->verify == VERIFY_NONE)
		log_warnx("WARNING: the hub's certificate is NOT verified (verify = none): an "
			  "impostor of %s can collect what it needs to guess your password "
			  "offline; pin its fingerprint instead",
			  t->host);
	return ssl;
}

/* Reads the next handshake message; a REJECT becomes a plain-words error. */
static int expect(SSL *ssl, uint8_t *buf, uint8_t type, struct proto_msg *m,
		  enum hubconn_status *why, char *err, size_t errlen)
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
			   ? HUBCONN_RETRY
			   : HUBCONN_FATAL;
		return -1;
	}
	if (m->type != type) {
		snprintf(err, errlen, "login failed: unexpected message type %u from the hub",
			 m->type);
		return -1;
	}
	return 0;
}

static int send_hello(const struct hubconn_target *t, SSL *ssl, uint8_t *buf)
{
	struct proto_hello h = {
	    .version = PROTO_VERSION,
	    .caps = PROTO_CAP_VNET | (t->receive_message ? PROTO_CAP_MESSAGE : 0),
	    .method = t->cert_login ? PROTO_AUTH_CERT : PROTO_AUTH_PASSWORD,
	};
	size_t n;

	snprintf(h.hub, sizeof(h.hub), "%s", t->hub);
	snprintf(h.user, sizeof(h.user), "%s", t->user);
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
static int prove(const struct hubconn_target *t, const struct proto_challenge *c,
		 const uint8_t transcript[AUTH_KEY_LEN], uint8_t proof[AUTH_KEY_LEN],
		 struct expect_sig *want, char *err, size_t errlen)
{
	uint8_t client_key[AUTH_KEY_LEN], server_key[AUTH_KEY_LEN], se[AUTH_SE_HASH_LEN];

	if (c->method == PROTO_PW_SOFTETHER) {
		if (t->password)
			auth_softether_hash(t->password, t->user, se);
		else
			memcpy(se, t->se_hash, sizeof(se));
		auth_softether_proof(se, transcript, proof);
		auth_softether_signature(se, transcript, want->sig);
		OPENSSL_cleanse(se, sizeof(se));
		return 0;
	}
	if (!t->password) {
		snprintf(err, errlen,
			 "login failed: the hub keeps a salted verifier for %s, which needs the "
			 "password itself, and only SoftEther's password hash is stored here",
			 t->user);
		return -1;
	}
	if (auth_derive(t->password, c->salt, c->salt_len, c->iterations, client_key, server_key) !=
	    0) {
		snprintf(err, errlen, "login failed: key derivation error");
		return -1;
	}
	auth_client_proof(client_key, transcript, proof);
	auth_server_signature(server_key, transcript, want->sig);
	OPENSSL_cleanse(client_key, sizeof(client_key));
	return 0;
}

/* Answers the challenge and says which server signature WELCOME must carry. */
static int answer(const struct hubconn_target *t, SSL *ssl, const struct proto_challenge *c,
		  uint8_t *buf, struct expect_sig *want, enum hubconn_status *why, char *err,
		  size_t errlen)
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
	auth_transcript(t->hub, t->user, c->nonce, PROTO_NONCE_LEN, binding, sizeof(binding),
			transcript);
	if (prove(t, c, transcript, a.proof, want, err, errlen) != 0) {
		*why = HUBCONN_FATAL;
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
static int password_login(const struct hubconn_target *t, SSL *ssl, uint8_t *buf,
			  struct proto_welcome *w, enum hubconn_status *why, char *err,
			  size_t errlen)
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
	if (answer(t, ssl, &c, buf, &want, why, err, errlen) != 0 ||
	    expect(ssl, buf, PROTO_WELCOME, &m, why, err, errlen) != 0)
		return -1;
	if (proto_dec_welcome(&m, w, &perr) != 0) {
		snprintf(err, errlen, "login failed: bad welcome: %s", perr);
		return -1;
	}
	if (CRYPTO_memcmp(want.sig, w->server_sig, AUTH_KEY_LEN) != 0) {
		*why = HUBCONN_FATAL;
		snprintf(err, errlen,
			 "the hub could not prove it knows this user's password "
			 "verifier: not trusting it");
		return -1;
	}
	return 0;
}

static int login(const struct hubconn_target *t, SSL *ssl, struct hubconn *hc,
		 enum hubconn_status *why, char *err, size_t errlen)
{
	uint8_t buf[PROTO_HDR_LEN + PROTO_CTRL_MAX];
	struct proto_welcome w;
	struct proto_msg m;
	const char *perr;

	if (send_hello(t, ssl, buf) != 0) {
		snprintf(err, errlen, "login failed: cannot send to the hub");
		return -1;
	}
	if (t->cert_login) {
		/* certificate login: the TLS handshake proved the key; WELCOME or REJECT next */
		if (expect(ssl, buf, PROTO_WELCOME, &m, why, err, errlen) != 0)
			return -1;
		if (proto_dec_welcome(&m, &w, &perr) != 0) {
			snprintf(err, errlen, "login failed: bad welcome: %s", perr);
			return -1;
		}
	} else if (password_login(t, ssl, buf, &w, why, err, errlen) != 0)
		return -1;
	if ((w.caps & PROTO_CAP_MESSAGE) && t->receive_message &&
	    t->receive_message(ssl, err, errlen) != 0)
		return -1;
	hc->session_id = w.session_id;
	log_policy(&w);
	hc->keepalive_s = w.keepalive_s ? w.keepalive_s : 5;
	hc->timeout_s =
	    w.timeout_s > hc->keepalive_s ? w.timeout_s : (uint16_t)(4 * hc->keepalive_s);
	return 0;
}

/* SoftEther's login (seclient.h); the timers from the server's timeout. */
static int se_login(const struct hubconn_target *t, SSL *ssl, struct hubconn *hc,
		    enum hubconn_status *why, char *err, size_t errlen)
{
	const struct seclient_account a = {.host = t->host,
					   .hub = t->hub,
					   .user = t->user,
					   .password = t->password,
					   .se_hash = t->se_hash,
					   .bridge = t->bridge};
	struct seclient_session s;

	switch (seclient_login(ssl, &a, &s, err, errlen)) {
	case SECLIENT_OK:
		break;
	case SECLIENT_RETRY:
		*why = HUBCONN_RETRY;
		return -1;
	case SECLIENT_FATAL:
		*why = HUBCONN_FATAL;
		return -1;
	case SECLIENT_LOCAL:
		*why = HUBCONN_LOCAL;
		return -1;
	}
	snprintf(hc->session_name, sizeof(hc->session_name), "%s", s.name);
	hc->session_id = 0;
	hc->timeout_s = (uint16_t)(s.timeout_ms / 1000);
	/* SoftEther sends one after [timeout/5, timeout/2) of silence; the lower end here */
	hc->keepalive_s = (uint16_t)(hc->timeout_s / 5);
	return 0;
}

static void tick(const struct hubconn_cancel *c)
{
	if (c && c->tick)
		c->tick();
}

enum hubconn_status hubconn_open(const struct hubconn_target *t, SSL_CTX *ctx,
				 const struct hubconn_cancel *cancel, struct hubconn *hc, char *err,
				 size_t errlen)
{
	struct attempt a = {.t = t, .cancel = cancel};
	enum hubconn_status st = HUBCONN_RETRY;
	int fd;
	SSL *ssl;

	memset(hc, 0, sizeof(*hc));
	hc->fd = -1;
	err[0] = '\0';
	fd = connect_hub(&a, &st, err, errlen);
	if (fd < 0)
		return a.stopped || (cancel && cancelled(&a)) ? HUBCONN_STOPPED : st;
	stream_socket_handshake(fd, (int)t->connect_timeout_s);
	tick(cancel);
	ssl = tls_connect(t, ctx, fd, &st, err, errlen);
	tick(cancel);
	if (ssl && (t->protocol == HUBCONN_SOFTETHER ? se_login(t, ssl, hc, &st, err, errlen)
						     : login(t, ssl, hc, &st, err, errlen)) == 0) {
		hc->fd = fd;
		hc->ssl = ssl;
		return HUBCONN_OK;
	}
	SSL_free(ssl);
	close(fd);
	return st;
}

void hubconn_close(struct hubconn *hc)
{
	SSL_free(hc->ssl);
	if (hc->fd >= 0)
		close(hc->fd);
	hc->ssl = NULL;
	hc->fd = -1;
}

int hubconn_backoff_ms(uint32_t base_s)
{
	uint32_t r = 0;

	RAND_bytes((uint8_t *)&r, sizeof(r));
	return (int)(base_s * 500u + r % (base_s * 500u + 1));
}
