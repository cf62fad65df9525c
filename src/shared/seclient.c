// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther's login as a client (seclient.h), on the shared codec: the HTTP
 * envelope (sehttp.h) and the PACK (sepack.h).  Responses are read exactly
 * (the head byte by byte from the TLS record, then Content-Length bytes), so
 * nothing of the data phase that follows the Welcome is consumed here.
 */
#include "seclient.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "log.h"
#include "sehttp.h"
#include "sepack.h"
#include "seproto.h"
#include "tls.h"

#define SECLIENT_STR "vpnhub vpnclient"
#define SE_RANDOM_LEN AUTH_SE_RANDOM_LEN

/* Cedar.h error codes a login can end with, in words */
static const struct {
	uint32_t code;
	const char *text;
	bool fatal; /* retrying cannot change the answer */
} se_errors[] = {
    {2, "the server is not a SoftEther VPN server", true},
    {3, "disconnected by the server", false},
    {SE_ERR_PROTOCOL, "protocol error", false},
    {SE_ERR_AUTHTYPE_NOT_SUPPORTED, "the server does not accept this authentication method", true},
    {SE_ERR_HUB_NOT_FOUND, "no such virtual hub on the server", true},
    {SE_ERR_AUTH_FAILED, "authentication failed: wrong user name or password", true},
    {SE_ERR_HUB_STOPPING, "the virtual hub is stopping", false},
    {SE_ERR_SESSION_REMOVED, "the session was removed by the server", false},
    {SE_ERR_ACCESS_DENIED, "access denied", true},
    {SE_ERR_SESSION_TIMEOUT, "session timed out", false},
    {SE_ERR_TOO_MANY_CONNECTION, "too many connections", false},
    {SE_ERR_HUB_IS_BUSY, "the virtual hub is busy", false},
    {SE_ERR_TOO_MANY_USER_SESSION, "too many sessions of this user", false},
    {SE_ERR_INTERNAL, "internal error on the server", false},
    {SE_ERR_NOT_SUPPORTED, "not supported by the server", true},
    {SE_ERR_IP_ADDRESS_DENIED, "the server refuses this client's address", true},
};

const char *seclient_error_str(uint32_t code)
{
	for (size_t i = 0; i < sizeof(se_errors) / sizeof(se_errors[0]); i++)
		if (se_errors[i].code == code)
			return se_errors[i].text;
	return "an error this client does not know";
}

static bool se_error_fatal(uint32_t code)
{
	for (size_t i = 0; i < sizeof(se_errors) / sizeof(se_errors[0]); i++)
		if (se_errors[i].code == code)
			return se_errors[i].fatal;
	return false;
}

/* A POST of body to target; 0 or -1. */
static int post(SSL *ssl, const char *host, const char *target, const char *type,
		const uint8_t *body, size_t len)
{
	char head[512];
	int n = sehttp_post_head(head, sizeof(head), target, host, type, len);

	if (n < 0 || tls_write_all(ssl, head, (size_t)n) != 0)
		return -1;
	return tls_write_all(ssl, body, len);
}

/* Reads exactly len bytes; 0 or -1. */
static int read_exact(SSL *ssl, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		int n = SSL_read(ssl, buf + got, (int)(len - got));

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/*
 * Reads one "200 OK" response whose body is a PACK into buf[0..cap) and
 * decodes it into p; 0, or -1 with err.
 */
static int read_pack(SSL *ssl, const char *what, uint8_t *buf, size_t cap, struct sepack *p,
		     char *err, size_t errlen)
{
	struct sehttp_head h;
	const char *why = NULL;
	size_t len = 0;
	int hl = 0;

	while (hl == 0) {
		if (len >= cap || len >= SEHTTP_HEAD_MAX || read_exact(ssl, buf + len, 1) != 0) {
			snprintf(err, errlen,
				 "login failed: the server closed the connection "
				 "before its %s",
				 what);
			return -1;
		}
		hl = sehttp_head_len((const char *)buf, ++len);
	}
	if (hl < 0 || sehttp_head_parse((const char *)buf, (size_t)hl, &h, &why) != 0) {
		snprintf(err, errlen, "login failed: bad HTTP head before the server's %s: %s",
			 what, why ? why : "too long");
		return -1;
	}
	if (!h.is_response || h.status != 200) {
		snprintf(err, errlen,
			 "login failed: the server answered HTTP %d instead of its %s (not a "
			 "SoftEther VPN server, or its SoftEther protocol is off)",
			 h.status, what);
		return -1;
	}
	if (!h.has_length || h.content_length == 0 || h.content_length > SEHTTP_PACK_MAX ||
	    h.content_length > cap) {
		snprintf(err, errlen, "login failed: the server's %s has a bad length", what);
		return -1;
	}
	if (read_exact(ssl, buf, h.content_length) != 0) {
		snprintf(err, errlen, "login failed: the connection ended inside the server's %s",
			 what);
		return -1;
	}
	if (sepack_decode(buf, h.content_length, p, &why) != 0) {
		snprintf(err, errlen, "login failed: bad PACK in the server's %s: %s", what, why);
		return -1;
	}
	return 0;
}

/* SHA-0(SHA-0(password || USER) || random): SoftEther's secure_password. */
static void secure_password(const struct seclient_account *t, const uint8_t random[SE_RANDOM_LEN],
			    uint8_t out[AUTH_SE_HASH_LEN])
{
	uint8_t hash[AUTH_SE_HASH_LEN];

	if (t->password)
		auth_softether_hash(t->password, t->user, hash);
	else
		memcpy(hash, t->se_hash, sizeof(hash));
	auth_softether_secure_password(hash, random, out);
	OPENSSL_cleanse(hash, sizeof(hash));
}

/* The login PACK (Protocol.c PackLoginWithPassword + the client's session options). */
static long login_pack(const struct seclient_account *t, const uint8_t random[SE_RANDOM_LEN],
		       uint8_t *buf, size_t cap)
{
	uint8_t proof[AUTH_SE_HASH_LEN], unique[20];
	struct sepack_out o;
	long n;

	secure_password(t, random, proof);
	RAND_bytes(unique, sizeof(unique));
	sepack_out_init(&o, buf, cap);
	sepack_add_str(&o, "method", "login");
	sepack_add_str(&o, "hubname", t->hub);
	sepack_add_str(&o, "username", t->user);
	sepack_add_int(&o, "authtype", SE_AUTH_PASSWORD);
	sepack_add_data(&o, "secure_password", proof, sizeof(proof));
	sepack_add_str(&o, "hello", SECLIENT_STR);
	sepack_add_int(&o, "version", SE_VERSION);
	sepack_add_int(&o, "build", SE_BUILD);
	sepack_add_str(&o, "client_str", SECLIENT_STR);
	sepack_add_int(&o, "client_ver", SE_VERSION);
	sepack_add_int(&o, "client_build", SE_BUILD);
	sepack_add_int(&o, "client_id", 0);
	sepack_add_int(&o, "protocol", 0); /* CONNECTION_TCP */
	sepack_add_int(&o, "max_connection", 1);
	sepack_add_bool(&o, "use_encrypt", true);
	sepack_add_bool(&o, "use_compress", false);
	sepack_add_bool(&o, "half_connection", false);
	sepack_add_bool(&o, "qos", false);
	sepack_add_bool(&o, "require_bridge_routing_mode", t->bridge);
	sepack_add_bool(&o, "require_monitor_mode", false);
	sepack_add_bool(&o, "use_udp_acceleration", false);
	sepack_add_data(&o, "unique_id", unique, sizeof(unique));
	sepack_add_str(&o, "ClientProductName", SECLIENT_STR);
	sepack_add_pencore(&o);
	n = sepack_out_finish(&o);
	OPENSSL_cleanse(proof, sizeof(proof));
	return n;
}

/* The Welcome's error, or its session parameters into s. */
static enum seclient_status welcome(const struct seclient_account *t, const struct sepack *p,
				    struct seclient_session *s, char *err, size_t errlen)
{
	uint32_t code = sepack_get_int(p, "error"), timeout_ms;

	if (code != 0) {
		snprintf(err, errlen,
			 "the SoftEther server refused the login of %s to hub %s: %s "
			 "(SoftEther error %u)",
			 t->user, t->hub, seclient_error_str(code), code);
		return se_error_fatal(code) ? SECLIENT_FATAL : SECLIENT_RETRY;
	}
	if (sepack_get_bool(p, "Redirect")) {
		snprintf(err, errlen,
			 "the SoftEther server redirects to a cluster member, which "
			 "this client does not follow");
		return SECLIENT_FATAL;
	}
	if (sepack_get_int(p, "max_connection") > 1 || sepack_get_bool(p, "use_compress") ||
	    sepack_get_bool(p, "half_connection") || !sepack_get_bool(p, "use_encrypt")) {
		snprintf(err, errlen,
			 "the SoftEther server set session options this client did "
			 "not ask for (more connections, compression or no encryption)");
		return SECLIENT_FATAL;
	}
	if (sepack_get_str(p, "session_name", s->name, sizeof(s->name)) != 0)
		snprintf(s->name, sizeof(s->name), "(unnamed)");
	/* SoftEther's policy timeout (default 20 s; its policy allows up to 600 s) */
	timeout_ms = sepack_get_int(p, "timeout");
	s->timeout_ms = timeout_ms < SE_TIMEOUT_MIN_MS ? SE_TIMEOUT_MIN_MS
			: timeout_ms > 600000	       ? 600000
						       : timeout_ms;
	return SECLIENT_OK;
}

enum seclient_status seclient_login(SSL *ssl, const struct seclient_account *t,
				    struct seclient_session *s, char *err, size_t errlen)
{
	static const char sig[] = SEHTTP_SIG_VPNCONNECT;
	struct work {
		struct sepack p;
		uint8_t buf[SEHTTP_PACK_MAX];
	} *w = malloc(sizeof(*w));
	struct sepack *p = w ? &w->p : NULL;
	uint8_t *buf = w ? w->buf : NULL, random[SE_RANDOM_LEN];
	char hello[64] = "";
	enum seclient_status rc = SECLIENT_RETRY;
	long n;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return SECLIENT_LOCAL;
	}
	if (post(ssl, t->host, SEHTTP_SIG_TARGET, "image/jpeg", (const uint8_t *)sig,
		 sizeof(sig) - 1) != 0) {
		snprintf(err, errlen, "login failed: cannot send to the server");
		goto out;
	}
	if (read_pack(ssl, "Hello", buf, sizeof(w->buf), p, err, errlen) != 0)
		goto out;
	if (sepack_get_data(p, "random", random, sizeof(random)) != 0) {
		snprintf(err, errlen, "login failed: the server's Hello has no 20-byte random");
		goto out;
	}
	sepack_get_str(p, "hello", hello, sizeof(hello));
	log_info("SoftEther server: %s, version %u build %u", hello[0] ? hello : "(unnamed)",
		 sepack_get_int(p, "version"), sepack_get_int(p, "build"));
	n = login_pack(t, random, buf, sizeof(w->buf));
	if (n < 0 || post(ssl, t->host, SEHTTP_PACK_TARGET, "application/octet-stream", buf,
			  (size_t)n) != 0) {
		snprintf(err, errlen, "login failed: cannot send to the server");
		goto out;
	}
	OPENSSL_cleanse(buf, (size_t)(n > 0 ? n : 0));
	if (read_pack(ssl, "Welcome", buf, sizeof(w->buf), p, err, errlen) != 0)
		goto out;
	rc = welcome(t, p, s, err, errlen);
out:
	free(w);
	return rc;
}
