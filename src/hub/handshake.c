// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Server side of the login (docs/protocol.md): TLS accept, HELLO, CHALLENGE,
 * AUTH, then WELCOME or REJECT.  A stream that starts like HTTP is a stock
 * SoftEther client: se_handshake.c logs it in instead.  Handshakes that outlast
 * SESS_HANDSHAKE_TIMEOUT_MS are cut by the accept thread (sess_reap_handshakes).  Runs in the
 * session thread on a blocking socket whose timeouts bound every step.  An unknown user gets a
 * decoy challenge and the same rejection as a wrong password, so user names cannot be probed.
 */
#include "handshake.h"

#include <ctype.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "admit.h"
#include "auth.h"
#include "authfail.h"
#include "hub.h"
#include "hublog.h"
#include "log.h"
#include "pending.h"
#include "se_handshake.h"
#include "session.h"
#include "state.h"
#include "tls.h"
#include "wallclock.h"

struct login {
	struct hub_config *cfg; /* the snapshot this login is judged by */
	const struct conf_hub *hub;
	const struct conf_user *user; /* NULL: no usable password, decoy challenge */
	struct proto_hello hello;
	struct proto_challenge chal;
	uint8_t transcript[AUTH_KEY_LEN];
};

/* The REJECT message alone (the caller logs, or counts, the refusal). */
static void send_reject(struct session *s, uint16_t reason)
{
	struct proto_reject r = {.reason = reason};
	uint8_t buf[PROTO_HDR_LEN + PROTO_CTRL_MAX];
	size_t n;

	snprintf(r.text, sizeof(r.text), "%s", proto_reason_str(reason));
	n = proto_enc_reject(buf, sizeof(buf), &r);
	if (n)
		(void)tls_write_all(s->ssl, buf, n);
}

static void reject(struct session *s, uint16_t reason, const char *why)
{
	send_reject(s, reason);
	log_info("session %u from %s (user %s): rejected: %s", s->id, s->peer,
		 s->user[0] ? s->user : "?", why);
	hublog_session(s->hub ? s->hub->log : NULL, s, "login refused: %s (%s)",
		       proto_reason_str(reason), why);
}

/*
 * A wrong password or an unknown user: the first of an episode from its
 * source is logged in full, the rest are summed up by authfail.h.
 */
static void reject_password(struct session *s, const struct login *l)
{
	const char *why = l->user ? "wrong password" : "no such user in this hub";

	if (authfail_note(&s->srv->authfail, s->src_key, s->hub->name, s->hub->log, s->user,
			  hub_now_ms())) {
		reject(s, PROTO_R_AUTH_FAILED, why);
		return;
	}
	send_reject(s, PROTO_R_AUTH_FAILED);
	log_debug("session %u from %s (user %s): rejected: %s", s->id, s->peer, s->user, why);
}

static int read_msg(struct session *s, uint8_t *buf, struct proto_msg *m)
{
	const char *err = NULL;
	char ebuf[200];

	if (tls_read_msg(s->ssl, buf, PROTO_HDR_LEN + PROTO_CTRL_MAX, m, &err) == 0)
		return 0;
	if (err)
		reject(s, PROTO_R_PROTOCOL, err);
	else
		log_info("session %u from %s: handshake aborted: %s", s->id, s->peer,
			 tls_error(s->ssl, ebuf, sizeof(ebuf)));
	return -1;
}

static void make_challenge(struct session *s, struct login *l)
{
	struct proto_challenge *c = &l->chal;

	c->method = PROTO_PW_SCRAM;
	if (l->user && l->user->has_verifier) {
		c->iterations = l->user->verifier.iterations;
		c->salt_len = (uint8_t)l->user->verifier.salt_len;
		memcpy(c->salt, l->user->verifier.salt, c->salt_len);
	} else if (l->user && l->user->has_se_hash) {
		c->method = PROTO_PW_SOFTETHER; /* no salt: SoftEther's hash has none */
		c->iterations = 0;
		c->salt_len = 0;
	} else {
		/* decoy: stable per user name, indistinguishable from a real salt */
		uint8_t mac[32];
		unsigned int n = sizeof(mac);
		char key[2 * PROTO_NAME_MAX + 2];
		int klen = snprintf(key, sizeof(key), "%s/%s", s->hub->name, s->user);

		/* names match case-insensitively, so must the decoy */
		for (int i = 0; i < klen; i++)
			key[i] = (char)tolower((unsigned char)key[i]);

		HMAC(EVP_sha256(), s->srv->secret, sizeof(s->srv->secret), (uint8_t *)key,
		     (size_t)klen, mac, &n);
		c->iterations = l->hub->decoy_iterations;
		c->salt_len = (uint8_t)l->hub->decoy_salt_len;
		/* salts run to 64 bytes: stretch the MAC over them */
		for (uint8_t i = 0; i < c->salt_len; i++)
			c->salt[i] = mac[i % sizeof(mac)] ^ (uint8_t)(i / sizeof(mac));
	}
	RAND_bytes(c->nonce, PROTO_NONCE_LEN);
}

/* The hub's source-IP list, before any authentication work (srcacl.h). */
static bool source_denied(struct session *s, const struct login *l)
{
	const struct srcacl_entry *e =
	    srcacl_match(l->hub->srcacl, l->hub->nsrcacl, (const struct sockaddr *)&s->peer_addr);
	char why[160], rule[80];

	if (!e || !e->deny)
		return false;
	srcacl_format(e, rule, sizeof(rule));
	snprintf(why, sizeof(why),
		 "source address denied by IPAccessControlList entry Acl%u (priority %u, deny %s)",
		 e->number, e->priority, rule);
	reject(s, PROTO_R_SOURCE_DENIED, why);
	return true;
}

static int check_hello(struct session *s, struct login *l)
{
	if (l->hello.version != PROTO_VERSION) {
		reject(s, PROTO_R_VERSION, "unsupported protocol version");
		return -1;
	}
	if (!(l->hello.caps & PROTO_CAP_VNET)) {
		reject(s, PROTO_R_VERSION, "client cannot take virtio-header frames");
		return -1;
	}
	s->hub = hub_find(s->srv, l->hello.hub);
	l->hub = config_find_hub(l->cfg, l->hello.hub);
	if (!s->hub || !l->hub) {
		reject(s, PROTO_R_UNKNOWN_HUB, "no such hub");
		return -1;
	}
	if (!l->hub->online) {
		reject(s, PROTO_R_HUB_OFFLINE, "hub offline");
		return -1;
	}
	if (source_denied(s, l))
		return -1;
	if (l->hello.method != PROTO_AUTH_PASSWORD && l->hello.method != PROTO_AUTH_CERT) {
		reject(s, PROTO_R_METHOD, "authentication method not supported");
		return -1;
	}
	l->user = config_find_user(l->hub, l->hello.user);
	/* a user who cannot log in this way is treated like an unknown one */
	if (l->user && conf_user_method(l->user) != l->hello.method)
		l->user = NULL;
	return 0;
}

static bool proof_ok(const struct login *l, const uint8_t proof[AUTH_KEY_LEN])
{
	static const struct auth_verifier dummy;

	if (!l->user) {
		/* the same work as for a real user: timing tells nothing */
		(void)auth_proof_ok(&dummy, l->transcript, proof);
		return false;
	}
	if (l->chal.method == PROTO_PW_SOFTETHER)
		return auth_softether_proof_ok(l->user->se_hash, l->transcript, proof);
	return auth_proof_ok(&l->user->verifier, l->transcript, proof);
}

/* Certificate login: the TLS handshake proved the client holds the key; is it this user's? */
static int cert_authenticate(struct session *s, struct login *l)
{
	X509 *peer = SSL_get1_peer_certificate(s->ssl);
	char why[256];

	if (!l->user) {
		X509_free(peer);
		reject(s, PROTO_R_CERT_REFUSED, "no certificate user of this name in this hub");
		return -1;
	}
	if (certauth_check(&l->hub->certs, &l->user->cert, l->user->auth_type, peer,
			   SSL_get_peer_cert_chain(s->ssl), (time_t)(wallclock_ms() / 1000), why,
			   sizeof(why)) != 0) {
		X509_free(peer);
		reject(s, PROTO_R_CERT_REFUSED, why);
		return -1;
	}
	/* judged again on every reload (revocations), away from this SSL's thread */
	s->cert = peer;
	if (SSL_get_peer_cert_chain(s->ssl))
		s->chain = X509_chain_up_ref(SSL_get_peer_cert_chain(s->ssl));
	return 0;
}

static int authenticate(struct session *s, struct login *l, uint8_t *buf)
{
	uint8_t binding[32];
	struct proto_msg m;
	struct proto_auth a;
	const char *err;
	size_t n;

	make_challenge(s, l);
	n = proto_enc_challenge(buf, PROTO_HDR_LEN + PROTO_CTRL_MAX, &l->chal);
	if (!n || tls_write_all(s->ssl, buf, n) != 0 || read_msg(s, buf, &m) != 0)
		return -1;
	if (proto_dec_auth(&m, &a, &err) != 0) {
		reject(s, PROTO_R_PROTOCOL, err);
		return -1;
	}
	if (tls_exporter(s->ssl, binding) != 0) {
		reject(s, PROTO_R_INTERNAL, "TLS exporter failed");
		return -1;
	}
	/* the names as the client spelled them: it hashes the same bytes */
	auth_transcript(l->hello.hub, l->hello.user, l->chal.nonce, PROTO_NONCE_LEN, binding,
			sizeof(binding), l->transcript);
	if (!proof_ok(l, a.proof)) {
		backoff_failed(&s->srv->backoff, s->src_key, hub_now_ms(), l->cfg->backoff_ms,
			       l->cfg->backoff_max_ms);
		reject_password(s, l);
		return -1;
	}
	return 0;
}

/* The policy items a client acts on or reports, sent in WELCOME. */
static const enum policy_item client_items[] = {
    POL_TIMEOUT,      POL_AUTO_DISCONNECT, POL_MAX_UPLOAD,	 POL_MAX_DOWNLOAD,
    POL_MONITOR_PORT, POL_VLAN_ID,	   POL_NO_SAVE_PASSWORD, POL_FIX_PASSWORD,
};

static void welcome_policy(const struct session *s, const struct policy *pol,
			   struct proto_welcome *w)
{
	w->keepalive_s = (uint16_t)s->keepalive_s;
	w->timeout_s = (uint16_t)s->timeout_s;
	w->npolicy = 0;
	for (size_t i = 0; i < sizeof(client_items) / sizeof(client_items[0]); i++) {
		w->policy[w->npolicy].id = (uint16_t)client_items[i];
		w->policy[w->npolicy++].value = pol->v[client_items[i]];
	}
}

/* The hub message right after WELCOME (checked when the configuration was read). */
static int send_message(struct session *s, const char *text)
{
	size_t len = strlen(text), cap = PROTO_HDR_LEN + 2 + len;
	uint8_t *buf = malloc(cap);
	size_t n = buf ? proto_enc_message(buf, cap, text, len) : 0;
	int rc = n && tls_write_all(s->ssl, buf, n) == 0 ? 0 : -1;

	free(buf);
	return rc;
}

static int welcome(struct session *s, struct login *l, uint8_t *buf)
{
	struct proto_welcome w = {
	    .session_id = s->id,
	    .caps = l->hello.caps & PROTO_CAP_VNET,
	};
	struct policy pol;
	size_t n;
	int reason;

	sess_apply_policy(s, l->cfg, l->hub, l->user, &pol);
	welcome_policy(s, &pol, &w);
	/* certificate logins: the client trusts the hub by its TLS certificate alone */
	if (l->hello.method == PROTO_AUTH_CERT)
		memset(w.server_sig, 0, sizeof(w.server_sig));
	else if (l->chal.method == PROTO_PW_SOFTETHER)
		auth_softether_signature(l->user->se_hash, l->transcript, w.server_sig);
	else
		auth_server_signature(l->user->verifier.server_key, l->transcript, w.server_sig);
	if ((l->hello.caps & PROTO_CAP_MESSAGE) && l->hub->message_ok)
		w.caps |= PROTO_CAP_MESSAGE;
	reason = sess_admit(s, l->cfg, l->hub, l->user);
	if (reason) {
		reject(s, (uint16_t)reason, proto_reason_str((uint16_t)reason));
		return -1;
	}
	n = proto_enc_welcome(buf, PROTO_HDR_LEN + PROTO_CTRL_MAX, &w);
	if (!n || tls_write_all(s->ssl, buf, n) != 0 ||
	    ((w.caps & PROTO_CAP_MESSAGE) && send_message(s, l->hub->message) != 0)) {
		sess_unadmit(s);
		return -1;
	}
	s->caps = w.caps & ~(uint32_t)PROTO_CAP_MESSAGE;
	return 0;
}

void handshake_tls_failed(struct session *s)
{
	char ebuf[200];

	/* counted, reported once per episode by the accept thread */
	atomic_fetch_add_explicit(&s->srv->tls_failed, 1, memory_order_relaxed);
	log_debug("session %u from %s: TLS handshake failed: %s", s->id, s->peer,
		  tls_error(s->ssl, ebuf, sizeof(ebuf)));
}

static int login(struct session *s, struct login *l)
{
	uint8_t buf[PROTO_HDR_LEN + PROTO_CTRL_MAX];
	struct proto_msg m;
	const char *err;

	if (SSL_accept(s->ssl) != 1) {
		handshake_tls_failed(s);
		return -1;
	}
	if (se_detect(s))
		return se_login(s, l->cfg);
	if (read_msg(s, buf, &m) != 0)
		return -1;
	if (proto_dec_hello(&m, &l->hello, &err) != 0) {
		reject(s, PROTO_R_PROTOCOL, err);
		return -1;
	}
	snprintf(s->user, sizeof(s->user), "%s", l->hello.user);
	if (check_hello(s, l) != 0 ||
	    (l->hello.method == PROTO_AUTH_CERT ? cert_authenticate(s, l)
						: authenticate(s, l, buf)) != 0 ||
	    welcome(s, l, buf) != 0)
		return -1;
	state_login(s->srv->state, s->hub->name, l->user->name);
	log_info("session %u: %s logged in to hub %s from %s (%s, %s)", s->id, l->user->name,
		 s->hub->name, s->peer, SSL_get_version(s->ssl),
		 SSL_CIPHER_get_name(SSL_get_current_cipher(s->ssl)));
	hublog_session(s->hub->log, s, "logged in to hub %s", s->hub->name);
	return 0;
}

int sess_handshake(struct session *s)
{
	struct login l;
	int rc;

	memset(&l, 0, sizeof(l));
	l.cfg = hub_config_get(s->srv);
	rc = login(s, &l);
	config_put(l.cfg);
	return rc;
}
