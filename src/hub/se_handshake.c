// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther's login on the hub side (se_handshake.h).  Every message is an
 * HTTP request read whole into one bounded buffer (head <= 8 KiB, signature
 * body <= 3410 bytes, PACK <= 64 KiB) before it is judged; every answer is
 * one TLS write.  Refusals are answered the way a stock client reports them:
 * an HTTP 403 before the Hello, a PACK with "error" after it.  As in our own
 * protocol, an unknown user gets the same answer, after the same work, as a
 * wrong password.
 */
#include "se_handshake.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admit.h"
#include "auth.h"
#include "hub.h"
#include "hublog.h"
#include "log.h"
#include "sehttp.h"
#include "sepack.h"
#include "seproto.h"
#include "session.h"
#include "state.h"
#include "tls.h"
#include "wallclock.h"

#define SE_RBUF (SEHTTP_HEAD_MAX + SEHTTP_PACK_MAX)
/* the Welcome: its PACK and the hub message */
#define SE_WBUF (SEHTTP_HEAD_MAX + 16384 + PROTO_MESSAGE_MAX)
#define SE_HTTP_REQUESTS_MAX 20 /* 19 others, then the signature */

struct se_login {
	struct session *s;
	struct hub_config *cfg;
	const struct conf_hub *hub;
	const struct conf_user *user;
	uint8_t random[AUTH_SE_RANDOM_LEN];
	uint8_t *rbuf, *wbuf;
	struct sepack pack;
	char hubname[SE_NAME_MAX + 1], username[SE_NAME_MAX + 1];
	uint32_t authtype;
};

bool se_detect(struct session *s)
{
	char c;

	/* ours starts with a length's high byte (0); SoftEther's with POST, or a GET first */
	return SSL_peek(s->ssl, &c, 1) == 1 && (c == 'P' || c == 'G');
}

static void refused(struct se_login *l, const char *why)
{
	struct session *s = l->s;

	log_info("session %u from %s (user %s): SoftEther login refused: %s", s->id, s->peer,
		 l->username[0] ? l->username : "?", why);
	if (s->hub)
		hublog_session(s->hub->log, s, "SoftEther login refused: %s", why);
}

static void http_refuse(struct se_login *l, int status, const char *why)
{
	char head[128];
	int n = sehttp_error_head(head, sizeof(head), status);

	if (n > 0)
		(void)tls_write_all(l->s->ssl, head, (size_t)n);
	refused(l, why);
}

/* Sends body[0..len) as a 200 answer, in one write; 0 or -1. */
static int send_pack(struct se_login *l, struct sepack_out *o)
{
	long n = sepack_out_finish(o);
	uint8_t *out = l->wbuf;
	int h;

	if (n < 0)
		return -1;
	h = sehttp_ok_head((char *)out, SEHTTP_HEAD_MAX, (size_t)n);
	if (h < 0)
		return -1;
	memmove(out + h, o->buf, (size_t)n);
	return tls_write_all(l->s->ssl, out, (size_t)h + (size_t)n);
}

/* The PACK answer that makes a stock client report code. */
static void pack_refuse(struct se_login *l, uint32_t code, const char *why)
{
	struct sepack_out o;

	sepack_out_init(&o, l->wbuf + SEHTTP_HEAD_MAX, SE_WBUF - SEHTTP_HEAD_MAX);
	sepack_add_int(&o, "error", code);
	(void)send_pack(l, &o);
	refused(l, why);
}

static uint16_t sockaddr_text(const struct sockaddr_storage *ss, char *out, size_t len)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)len);
		return ntohs(in->sin_port);
	}
	const struct sockaddr_in6 *in6 = (const void *)ss;

	if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
		inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], out, (socklen_t)len);
	else
		inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)len);
	return ntohs(in6->sin6_port);
}

/*
 * A GET before the signature: a stock client probes with "GET /" and takes
 * a 403 page with a body as a SoftEther server's answer; the connection stays.
 */
static int answer_get(struct se_login *l, const struct sehttp_head *h)
{
	int status = strcmp(h->target, "/") != 0 ? 404 : 403;
	char body[512], head[256], addr[INET6_ADDRSTRLEN] = "?";
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint16_t port = 0;
	int b, n;

	if (getsockname(l->s->fd, (struct sockaddr *)&ss, &sl) == 0)
		port = sockaddr_text(&ss, addr, sizeof(addr));
	b = snprintf(body, sizeof(body),
		     "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\r\n<HTML><HEAD>\r\n"
		     "<TITLE>%d %s</TITLE>\r\n</HEAD><BODY>\r\n<H1>%s</H1>\r\n"
		     "You don't have permission to access %s\r\non this server.<P>\r\n<HR>\r\n"
		     "<ADDRESS>HTTP Server at %s Port %u</ADDRESS>\r\n</BODY></HTML>\r\n",
		     status, status == 403 ? "Forbidden" : "Not Found",
		     status == 403 ? "Forbidden" : "Not Found", h->target, addr, port);
	n = sehttp_html_head(head, sizeof(head), status, (size_t)b);
	if (n < 0 || b < 0 || (size_t)b >= sizeof(body))
		return -1;
	memcpy(l->wbuf, head, (size_t)n);
	memcpy(l->wbuf + n, body, (size_t)b);
	if (tls_write_all(l->s->ssl, l->wbuf, (size_t)n + (size_t)b) != 0)
		return -1;
	return 1;
}

/*
 * Reads one whole request (head and Content-Length body) to target; 0 with
 * the body in l->rbuf[*off..*off+*len), 1 for a GET (answered as a stock
 * server does: 403 for "/", else 404), or -1 after refusing it.
 */
static int read_request(struct se_login *l, const char *target, uint32_t max_body, size_t *off,
			size_t *len)
{
	struct sehttp_head h = {0};
	size_t have = 0;
	const char *why;
	int head = 0;

	while (head == 0 || have < (size_t)head + h.content_length) {
		int n = SSL_read(l->s->ssl, l->rbuf + have, (int)(SE_RBUF - have));

		if (n <= 0) {
			refused(l, "connection closed during the login");
			return -1;
		}
		have += (size_t)n;
		if (head)
			continue;
		head = sehttp_head_len((const char *)l->rbuf, have);
		if (head < 0)
			return http_refuse(l, 403, "HTTP head too long"), -1;
		if (head == 0)
			continue;
		if (sehttp_head_parse((const char *)l->rbuf, (size_t)head, &h, &why) != 0)
			return http_refuse(l, 403, why), -1;
		if (!h.is_response && strcmp(h.method, "GET") == 0 && !h.has_length &&
		    have == (size_t)head)
			return answer_get(l, &h);
		if (h.is_response || strcmp(h.method, "POST") != 0 ||
		    strcmp(h.target, target) != 0 || !h.has_length || h.content_length > max_body)
			return http_refuse(l, 403, "not the expected POST, or its body too large"),
			       -1;
	}
	if (have != (size_t)head + h.content_length)
		return http_refuse(l, 403, "bytes after the request"), -1;
	*off = (size_t)head;
	*len = h.content_length;
	return 0;
}

static int signature_and_hello(struct se_login *l)
{
	struct sepack_out o;
	size_t off, len;
	int rc = 1;

	/* a stock server answers up to 19 other requests before the signature */
	for (int i = 0; rc == 1 && i < SE_HTTP_REQUESTS_MAX; i++)
		rc = read_request(l, SEHTTP_SIG_TARGET,
				  SEHTTP_WATERMARK_LEN + SEHTTP_WATERMARK_PAD_MAX - 1, &off, &len);
	if (rc != 0)
		return rc < 0 ? -1 : (refused(l, "too many requests before the signature"), -1);
	if (!sehttp_signature_ok(l->rbuf + off, len))
		return http_refuse(l, 403, "not a SoftEther signature"), -1;
	if (l->cfg->disable_se_protocol)
		return http_refuse(l, 403, "DisableSoftEtherProtocol is set"), -1;
	if (RAND_bytes(l->random, sizeof(l->random)) != 1)
		return -1;
	sepack_out_init(&o, l->wbuf + SEHTTP_HEAD_MAX, SE_WBUF - SEHTTP_HEAD_MAX);
	sepack_add_str(&o, "hello", "vpnhub " VPN_VERSION " (SoftEther protocol)");
	sepack_add_int(&o, "version", SE_VERSION);
	sepack_add_int(&o, "build", SE_BUILD);
	sepack_add_data(&o, "random", l->random, sizeof(l->random));
	sepack_add_pencore(&o);
	return send_pack(l, &o);
}

/* Reads the login PACK and the names in it; -1 after refusing it. */
static int read_login(struct se_login *l)
{
	size_t off, len;
	const char *why;
	char method[32];

	if (read_request(l, SEHTTP_PACK_TARGET, SEHTTP_PACK_MAX, &off, &len) != 0)
		return -1;
	if (sepack_decode(l->rbuf + off, len, &l->pack, &why) != 0)
		return pack_refuse(l, SE_ERR_PROTOCOL, why), -1;
	if (sepack_get_str(&l->pack, "method", method, sizeof(method)) != 0 ||
	    strcmp(method, "login") != 0)
		return pack_refuse(l, SE_ERR_NOT_SUPPORTED,
				   "not a login (additional connections are not served)"),
		       -1;
	if (sepack_get_str(&l->pack, "hubname", l->hubname, sizeof(l->hubname)) != 0 ||
	    sepack_get_str(&l->pack, "username", l->username, sizeof(l->username)) != 0)
		return pack_refuse(l, SE_ERR_PROTOCOL, "login without hubname or username"), -1;
	snprintf(l->s->user, sizeof(l->s->user), "%s", l->username);
	l->authtype = sepack_get_int(&l->pack, "authtype");
	return 0;
}

static int find_hub(struct se_login *l)
{
	struct session *s = l->s;

	s->hub = hub_find(s->srv, l->hubname);
	l->hub = config_find_hub(l->cfg, l->hubname);
	if (!s->hub || !l->hub) {
		s->hub = NULL;
		return pack_refuse(l, SE_ERR_HUB_NOT_FOUND, "no such hub"), -1;
	}
	if (!l->hub->online)
		return pack_refuse(l, SE_ERR_HUB_STOPPING, "hub offline"), -1;
	if (!srcacl_admits(l->hub->srcacl, l->hub->nsrcacl, (const struct sockaddr *)&s->peer_addr))
		return pack_refuse(l, SE_ERR_IP_ADDRESS_DENIED,
				   "source address denied by IPAccessControlList"),
		       -1;
	return 0;
}

/* The proof for authtype 1 or 2 against what the user has; false for an unknown user. */
static bool password_ok(struct se_login *l, const struct conf_user *u)
{
	uint8_t proof[AUTH_SE_HASH_LEN], hash[AUTH_SE_HASH_LEN];
	char plain[SE_PASSWORD_MAX + 1];
	bool ok = false;

	if (l->authtype == SE_AUTH_PASSWORD) {
		if (sepack_get_data(&l->pack, "secure_password", proof, sizeof(proof)) != 0)
			return false;
		/* an unknown user or one without SoftEther's hash: the same work, refused */
		ok = auth_softether_secure_password_ok(u && u->has_se_hash ? u->se_hash : proof,
						       l->random, proof) &&
		     u && u->has_se_hash;
		return ok;
	}
	if (sepack_get_str(&l->pack, "plain_password", plain, sizeof(plain)) != 0)
		return false;
	if (u && u->has_verifier)
		ok = auth_password_ok(&u->verifier, plain);
	else if (u && u->has_se_hash) {
		auth_softether_hash(plain, u->name, hash);
		ok = CRYPTO_memcmp(hash, u->se_hash, sizeof(hash)) == 0;
	}
	OPENSSL_cleanse(plain, sizeof(plain));
	return ok;
}

static int authenticate(struct se_login *l)
{
	const struct conf_user *u = config_find_user(l->hub, l->username);
	struct session *s = l->s;
	bool ok;

	if (u && u->expire_ms && wallclock_ms() >= u->expire_ms)
		u = NULL; /* SoftEther answers an expired account as a failed login */
	switch (l->authtype) {
	case SE_AUTH_ANONYMOUS:
		ok = u && u->auth_type == 0;
		s->anonymous = ok;
		break;
	case SE_AUTH_PASSWORD:
	case SE_AUTH_PLAIN:
		if (u && u->auth_type != 1)
			u = NULL;
		ok = password_ok(l, u);
		break;
	default:
		return pack_refuse(
			   l, SE_ERR_AUTHTYPE_NOT_SUPPORTED,
			   "authentication method not supported (certificates: use vpnclient)"),
		       -1;
	}
	if (!ok) {
		backoff_failed(&s->srv->backoff, s->src_key, hub_now_ms(), l->cfg->backoff_ms,
			       l->cfg->backoff_max_ms);
		pack_refuse(l, SE_ERR_AUTH_FAILED,
			    !u ? "no such user in this hub"
			    : l->authtype == SE_AUTH_PASSWORD && !u->has_se_hash
				? "the user has only a salted verifier: the SoftEther client must "
				  "send the plain password (account password type RADIUS / NT "
				  "domain)"
				: "wrong password");
		return -1;
	}
	l->user = u;
	return 0;
}

static uint32_t se_error_of(int reason)
{
	switch (reason) {
	case PROTO_R_ACCESS_DENIED:
		return SE_ERR_ACCESS_DENIED;
	case PROTO_R_EXPIRED:
		return SE_ERR_AUTH_FAILED;
	case PROTO_R_HUB_FULL:
		return SE_ERR_HUB_IS_BUSY;
	case PROTO_R_MULTI_LOGIN:
		return SE_ERR_TOO_MANY_USER_SESSION;
	case PROTO_R_SERVER_FULL:
		return SE_ERR_TOO_MANY_CONNECTION;
	case PROTO_R_HUB_OFFLINE:
		return SE_ERR_HUB_STOPPING;
	case PROTO_R_UNKNOWN_HUB:
	case PROTO_R_ACCOUNT_REMOVED:
		return SE_ERR_SESSION_REMOVED;
	default:
		return SE_ERR_INTERNAL;
	}
}

/* Our resolved policy as SoftEther's 38 "policy:" values, one TCP connection. */
static void add_policy(struct sepack_out *o, const struct policy *pol)
{
	char name[SEPACK_NAME_MAX + 1];

	for (int i = 0; i < POL_COUNT; i++) {
		uint32_t v = i == POL_MAX_CONNECTION ? 1 : pol->v[i];

		snprintf(name, sizeof(name), "policy:%s", policy_items[i].name);
		sepack_add_int(o, name, v);
	}
	sepack_add_bool(o, "policy:Ver3", true);
}

static int welcome(struct se_login *l)
{
	struct session *s = l->s;
	uint8_t key[AUTH_SE_HASH_LEN];
	uint32_t key32;
	struct sepack_out o;
	struct policy pol;
	char name[96];
	int reason;

	sess_apply_policy(s, l->cfg, l->hub, l->user, &pol);
	/* the timeout a stock client accepts; its keepalives follow it */
	if (s->timeout_s < SE_TIMEOUT_MIN_MS / 1000)
		s->timeout_s = SE_TIMEOUT_MIN_MS / 1000;
	if (s->timeout_s > SE_TIMEOUT_MAX_MS / 1000)
		s->timeout_s = SE_TIMEOUT_MAX_MS / 1000;
	s->softether = true;
	reason = sess_admit(s, l->cfg, l->hub, l->user);
	if (reason)
		return pack_refuse(l, se_error_of(reason), proto_reason_str((uint16_t)reason)), -1;
	if (RAND_bytes(key, sizeof(key)) != 1 || RAND_bytes((uint8_t *)&key32, 4) != 1) {
		sess_unadmit(s);
		return -1;
	}
	sepack_out_init(&o, l->wbuf + SEHTTP_HEAD_MAX, SE_WBUF - SEHTTP_HEAD_MAX);
	sepack_add_int(&o, "error", SE_ERR_NONE);
	snprintf(name, sizeof(name), "%.*s", (int)s->log_name_len, s->log_name);
	sepack_add_str(&o, "session_name", name[0] ? name : "SID");
	snprintf(name, sizeof(name), "CID-%u", s->id);
	sepack_add_str(&o, "connection_name", name);
	sepack_add_int(&o, "max_connection", 1);
	sepack_add_bool(&o, "use_encrypt", true);
	sepack_add_bool(&o, "use_compress", false);
	sepack_add_bool(&o, "half_connection", false);
	sepack_add_bool(&o, "qos", false);
	sepack_add_int(&o, "timeout", s->timeout_s * 1000);
	sepack_add_data(&o, "session_key", key, sizeof(key));
	sepack_add_int(&o, "session_key_32", key32);
	add_policy(&o, &pol);
	sepack_add_int(&o, "vlan_id", pol.v[POL_VLAN_ID]);
	sepack_add_bool(&o, "use_udp_acceleration", false);
	sepack_add_bool(&o, "enable_bulk_on_rudp", false);
	sepack_add_bool(&o, "enable_udp_recovery", false);
	/* the hub message: UTF-8 without a NUL, shown by the client after the login */
	if (l->hub->message_ok)
		sepack_add_data(&o, "Msg", l->hub->message, strlen(l->hub->message));
	sepack_add_pencore(&o);
	if (send_pack(l, &o) != 0) {
		sess_unadmit(s);
		return -1;
	}
	return 0;
}

static int run(struct se_login *l)
{
	struct session *s = l->s;

	if (signature_and_hello(l) || read_login(l) || find_hub(l) || authenticate(l) || welcome(l))
		return -1;
	state_login(s->srv->state, s->hub->name, l->user->name);
	log_info("session %u: %s logged in to hub %s from %s (SoftEther client, %s, %s)", s->id,
		 l->user->name, s->hub->name, s->peer,
		 l->authtype == SE_AUTH_ANONYMOUS  ? "anonymous"
		 : l->authtype == SE_AUTH_PASSWORD ? "secure_password"
						   : "plain_password",
		 SSL_get_version(s->ssl));
	hublog_session(s->hub->log, s, "logged in to hub %s (SoftEther client)", s->hub->name);
	return 0;
}

int se_login(struct session *s, struct hub_config *cfg)
{
	struct se_login *l = calloc(1, sizeof(*l));
	int rc = -1;

	if (!l)
		return -1;
	l->s = s;
	l->cfg = cfg;
	l->rbuf = malloc(SE_RBUF);
	l->wbuf = malloc(SE_WBUF);
	if (l->rbuf && l->wbuf)
		rc = run(l);
	free(l->rbuf);
	free(l->wbuf);
	free(l);
	return rc;
}
