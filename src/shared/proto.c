// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Wire protocol v1: message framing and the handshake messages.  Encoding uses
 * a bounded write cursor, decoding a bounded read cursor; both stop at the
 * first overflow, so no field can be read or written past its buffer.
 */
#include "proto.h"

#include <stdio.h>
#include <string.h>

#include "bytes.h"

struct wcur {
	uint8_t *p;
	size_t cap, len;
	int overflow;
};

struct rcur {
	const uint8_t *p;
	size_t len, off;
	int underflow;
};

static void w_bytes(struct wcur *w, const void *src, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = 1;
		return;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void w_u8(struct wcur *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void w_u16(struct wcur *w, uint16_t v)
{
	uint8_t b[2];

	put_be16(b, v);
	w_bytes(w, b, 2);
}

static void w_u32(struct wcur *w, uint32_t v)
{
	uint8_t b[4];

	put_be32(b, v);
	w_bytes(w, b, 4);
}

static void w_str(struct wcur *w, const char *s)
{
	size_t n = strlen(s);

	if (n > 255) {
		w->overflow = 1;
		return;
	}
	w_u8(w, (uint8_t)n);
	w_bytes(w, s, n);
}

static const uint8_t *r_bytes(struct rcur *r, size_t n)
{
	const uint8_t *p;

	if (r->underflow || r->len - r->off < n) {
		r->underflow = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

static uint8_t r_u8(struct rcur *r)
{
	const uint8_t *p = r_bytes(r, 1);

	return p ? p[0] : 0;
}

static uint16_t r_u16(struct rcur *r)
{
	const uint8_t *p = r_bytes(r, 2);

	return p ? get_be16(p) : 0;
}

static uint32_t r_u32(struct rcur *r)
{
	const uint8_t *p = r_bytes(r, 4);

	return p ? get_be32(p) : 0;
}

/* Reads a u8-length string into dst (cap >= 256); fails on NUL or control bytes. */
static void r_str(struct rcur *r, char *dst)
{
	uint8_t n = r_u8(r);
	const uint8_t *p = r_bytes(r, n);

	dst[0] = '\0';
	if (!p)
		return;
	memcpy(dst, p, n);
	dst[n] = '\0';
	if (strlen(dst) != n)
		r->underflow = 1;
}

int proto_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > PROTO_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

size_t proto_put_hdr(uint8_t *dst, uint8_t type, uint8_t flags, uint32_t len)
{
	put_be32(dst, len);
	dst[4] = type;
	dst[5] = flags;
	dst[6] = 0;
	dst[7] = 0;
	return PROTO_HDR_LEN;
}

/* Checks one header against the per-type bounds of docs/protocol.md. */
static const char *proto_check_hdr(uint8_t type, uint8_t flags, uint32_t len, uint16_t zero)
{
	if (zero != 0)
		return "reserved header bits set";
	switch (type) {
	case PROTO_FRAME:
		if (flags & ~PROTO_F_VNET)
			return "unknown frame flags";
		if (flags & PROTO_F_VNET) {
			if (len < PROTO_VNET_HDR_LEN + PROTO_FRAME_MIN)
				return "frame shorter than virtio header + Ethernet header";
			if (len > PROTO_VNET_HDR_LEN + PROTO_FRAME_MAX)
				return "frame longer than 65,563 bytes (virtio header included)";
		} else {
			if (len < PROTO_FRAME_MIN)
				return "frame shorter than an Ethernet header";
			if (len > PROTO_FRAME_MAX)
				return "frame longer than 65,553 bytes";
		}
		return NULL;
	case PROTO_MESSAGE:
		if (flags != 0)
			return "flags set on a control message";
		if (len > 2 + PROTO_MESSAGE_MAX)
			return "hub message longer than 20,000 bytes";
		return NULL;
	case PROTO_KEEPALIVE:
	case PROTO_BYE:
	case PROTO_HELLO:
	case PROTO_CHALLENGE:
	case PROTO_AUTH:
	case PROTO_WELCOME:
	case PROTO_REJECT:
		if (flags != 0)
			return "flags set on a control message";
		if (len > PROTO_CTRL_MAX)
			return "control message longer than 1024 bytes";
		return NULL;
	default:
		return "unknown message type";
	}
}

int proto_next(const uint8_t *buf, size_t avail, struct proto_msg *m, size_t *used,
	       const char **err)
{
	uint32_t len;

	if (avail < PROTO_HDR_LEN)
		return 0;
	len = get_be32(buf);
	*err = proto_check_hdr(buf[4], buf[5], len, get_be16(buf + 6));
	if (*err)
		return -1;
	if (avail - PROTO_HDR_LEN < len)
		return 0;
	m->type = buf[4];
	m->flags = buf[5];
	m->len = len;
	m->payload = buf + PROTO_HDR_LEN;
	*used = PROTO_HDR_LEN + (size_t)len;
	return 1;
}

/* Finishes an encoding: writes the header in front of the payload. */
static size_t finish(struct wcur *w, uint8_t type)
{
	size_t max = type == PROTO_MESSAGE ? 2 + PROTO_MESSAGE_MAX : PROTO_CTRL_MAX;

	if (w->overflow || w->len - PROTO_HDR_LEN > max)
		return 0;
	proto_put_hdr(w->p, type, 0, (uint32_t)(w->len - PROTO_HDR_LEN));
	return w->len;
}

static int start(struct wcur *w, uint8_t *out, size_t cap)
{
	w->p = out;
	w->cap = cap;
	w->len = PROTO_HDR_LEN;
	w->overflow = cap < PROTO_HDR_LEN;
	return !w->overflow;
}

size_t proto_enc_hello(uint8_t *out, size_t cap, const struct proto_hello *h)
{
	struct wcur w;

	if (!start(&w, out, cap))
		return 0;
	w_bytes(&w, PROTO_MAGIC, 6);
	w_u16(&w, h->version);
	w_u32(&w, h->caps);
	w_u8(&w, h->method);
	w_str(&w, h->hub);
	w_str(&w, h->user);
	return finish(&w, PROTO_HELLO);
}

size_t proto_enc_challenge(uint8_t *out, size_t cap, const struct proto_challenge *c)
{
	struct wcur w;

	if (!start(&w, out, cap) || c->salt_len > PROTO_SALT_MAX)
		return 0;
	w_u8(&w, c->method);
	w_u32(&w, c->iterations);
	w_u8(&w, c->salt_len);
	w_bytes(&w, c->salt, c->salt_len);
	w_bytes(&w, c->nonce, PROTO_NONCE_LEN);
	return finish(&w, PROTO_CHALLENGE);
}

size_t proto_enc_auth(uint8_t *out, size_t cap, const struct proto_auth *a)
{
	struct wcur w;

	if (!start(&w, out, cap))
		return 0;
	w_bytes(&w, a->proof, PROTO_KEY_LEN);
	return finish(&w, PROTO_AUTH);
}

size_t proto_enc_welcome(uint8_t *out, size_t cap, const struct proto_welcome *wl)
{
	struct wcur w;

	if (!start(&w, out, cap) || wl->npolicy > PROTO_POLICY_MAX)
		return 0;
	w_u32(&w, wl->session_id);
	w_u16(&w, wl->keepalive_s);
	w_u16(&w, wl->timeout_s);
	w_u32(&w, wl->caps);
	w_bytes(&w, wl->server_sig, PROTO_KEY_LEN);
	w_u16(&w, wl->npolicy);
	for (uint16_t i = 0; i < wl->npolicy; i++) {
		w_u16(&w, wl->policy[i].id);
		w_u32(&w, wl->policy[i].value);
	}
	return finish(&w, PROTO_WELCOME);
}

size_t proto_enc_reject(uint8_t *out, size_t cap, const struct proto_reject *r)
{
	struct wcur w;

	if (!start(&w, out, cap))
		return 0;
	w_u16(&w, r->reason);
	w_str(&w, r->text);
	return finish(&w, PROTO_REJECT);
}

size_t proto_enc_bye(uint8_t *out, size_t cap, uint16_t reason)
{
	struct wcur w;

	if (!start(&w, out, cap))
		return 0;
	w_u16(&w, reason);
	return finish(&w, PROTO_BYE);
}

size_t proto_enc_keepalive(uint8_t *out, size_t cap)
{
	struct wcur w;

	if (!start(&w, out, cap))
		return 0;
	return finish(&w, PROTO_KEEPALIVE);
}

static void r_init(struct rcur *r, const struct proto_msg *m)
{
	r->p = m->payload;
	r->len = m->len;
	r->off = 0;
	r->underflow = 0;
}

/* A message must be of the expected type, fully consumed and not truncated. */
static int r_done(const struct rcur *r, const char **err)
{
	if (r->underflow) {
		*err = "truncated or malformed field";
		return -1;
	}
	if (r->off != r->len) {
		*err = "trailing bytes after the last field";
		return -1;
	}
	return 0;
}

static int want(const struct proto_msg *m, uint8_t type, const char **err)
{
	if (m->type == type)
		return 0;
	*err = "unexpected message type";
	return -1;
}

int proto_dec_hello(const struct proto_msg *m, struct proto_hello *h, const char **err)
{
	struct rcur r;
	const uint8_t *magic;

	if (want(m, PROTO_HELLO, err))
		return -1;
	r_init(&r, m);
	magic = r_bytes(&r, 6);
	if (!magic || memcmp(magic, PROTO_MAGIC, 6) != 0) {
		*err = "not a vpnhub client (bad magic)";
		return -1;
	}
	h->version = r_u16(&r);
	h->caps = r_u32(&r);
	h->method = r_u8(&r);
	r_str(&r, h->hub);
	r_str(&r, h->user);
	if (r_done(&r, err))
		return -1;
	if (!proto_name_ok(h->hub) || !proto_name_ok(h->user)) {
		*err = "empty name or control characters in hub or user name";
		return -1;
	}
	return 0;
}

int proto_dec_challenge(const struct proto_msg *m, struct proto_challenge *c, const char **err)
{
	struct rcur r;
	const uint8_t *p;

	if (want(m, PROTO_CHALLENGE, err))
		return -1;
	r_init(&r, m);
	c->method = r_u8(&r);
	c->iterations = r_u32(&r);
	c->salt_len = r_u8(&r);
	if (c->salt_len > PROTO_SALT_MAX) {
		*err = "salt longer than 64 bytes";
		return -1;
	}
	p = r_bytes(&r, c->salt_len);
	if (p)
		memcpy(c->salt, p, c->salt_len);
	p = r_bytes(&r, PROTO_NONCE_LEN);
	if (p)
		memcpy(c->nonce, p, PROTO_NONCE_LEN);
	return r_done(&r, err);
}

int proto_dec_auth(const struct proto_msg *m, struct proto_auth *a, const char **err)
{
	struct rcur r;
	const uint8_t *p;

	if (want(m, PROTO_AUTH, err))
		return -1;
	r_init(&r, m);
	p = r_bytes(&r, PROTO_KEY_LEN);
	if (p)
		memcpy(a->proof, p, PROTO_KEY_LEN);
	return r_done(&r, err);
}

int proto_dec_welcome(const struct proto_msg *m, struct proto_welcome *w, const char **err)
{
	struct rcur r;
	const uint8_t *p;

	if (want(m, PROTO_WELCOME, err))
		return -1;
	r_init(&r, m);
	w->session_id = r_u32(&r);
	w->keepalive_s = r_u16(&r);
	w->timeout_s = r_u16(&r);
	w->caps = r_u32(&r);
	p = r_bytes(&r, PROTO_KEY_LEN);
	if (p)
		memcpy(w->server_sig, p, PROTO_KEY_LEN);
	w->npolicy = r_u16(&r);
	if (w->npolicy > PROTO_POLICY_MAX) {
		*err = "too many policy values";
		return -1;
	}
	for (uint16_t i = 0; i < w->npolicy; i++) {
		w->policy[i].id = r_u16(&r);
		w->policy[i].value = r_u32(&r);
	}
	return r_done(&r, err);
}

int proto_dec_reject(const struct proto_msg *m, struct proto_reject *rj, const char **err)
{
	struct rcur r;
	char text[PROTO_NAME_MAX + 1];

	if (want(m, PROTO_REJECT, err))
		return -1;
	r_init(&r, m);
	rj->reason = r_u16(&r);
	r_str(&r, text);
	if (r_done(&r, err))
		return -1;
	for (char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?'; /* the hub's text reaches the user's terminal */
	snprintf(rj->text, sizeof(rj->text), "%.199s", text);
	return 0;
}

int proto_dec_bye(const struct proto_msg *m, uint16_t *reason, const char **err)
{
	struct rcur r;

	if (want(m, PROTO_BYE, err))
		return -1;
	r_init(&r, m);
	*reason = r_u16(&r);
	return r_done(&r, err);
}

/* Length of the UTF-8 sequence at p (1..4), or 0 if it is not a valid one. */
static size_t utf8_seq(const uint8_t *p, size_t left, uint32_t *cp)
{
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n = p[0] < 0x80		   ? 1
		   : (p[0] & 0xe0) == 0xc0 ? 2
		   : (p[0] & 0xf0) == 0xe0 ? 3
		   : (p[0] & 0xf8) == 0xf0 ? 4
					   : 0;

	if (n == 0 || n > left)
		return 0;
	*cp = n == 1 ? p[0] : p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if (*cp < min[n] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

const char *proto_message_check(const char *text, size_t len)
{
	const uint8_t *p = (const uint8_t *)text;

	if (len > PROTO_MESSAGE_MAX)
		return "hub message longer than 20,000 bytes";
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_seq(p + i, len - i, &cp);

		if (n == 0)
			return "hub message is not valid UTF-8";
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f))
			return "hub message holds control characters";
		i += n;
	}
	return NULL;
}

size_t proto_enc_message(uint8_t *out, size_t cap, const char *text, size_t len)
{
	struct wcur w;

	if (!start(&w, out, cap) || proto_message_check(text, len))
		return 0;
	w_u16(&w, (uint16_t)len);
	w_bytes(&w, text, len);
	return finish(&w, PROTO_MESSAGE);
}

int proto_dec_message(const struct proto_msg *m, char *out, size_t cap, const char **err)
{
	struct rcur r;
	uint16_t n;
	const uint8_t *p;

	if (want(m, PROTO_MESSAGE, err))
		return -1;
	r_init(&r, m);
	n = r_u16(&r);
	p = r_bytes(&r, n);
	if (r_done(&r, err))
		return -1;
	if (n >= cap) {
		*err = "hub message longer than the buffer";
		return -1;
	}
	*err = proto_message_check((const char *)p, n);
	if (*err)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

const char *proto_reason_str(uint16_t reason)
{
	static const char *const text[PROTO_R_MAX] = {
	    [PROTO_R_NONE] = "no reason given",
	    [PROTO_R_VERSION] = "protocol version not supported by the hub",
	    [PROTO_R_PROTOCOL] = "protocol error",
	    [PROTO_R_UNKNOWN_HUB] = "no such virtual hub on this server",
	    [PROTO_R_AUTH_FAILED] = "authentication failed: wrong user name or password",
	    [PROTO_R_HUB_FULL] = "the virtual hub has reached its session limit",
	    [PROTO_R_SERVER_FULL] = "the server has reached its session limit",
	    [PROTO_R_HUB_OFFLINE] = "the virtual hub is offline",
	    [PROTO_R_SHUTDOWN] = "the hub is shutting down",
	    [PROTO_R_KICKED] = "disconnected by an administrator",
	    [PROTO_R_TIMEOUT] = "peer silent for too long (dead-peer timeout)",
	    [PROTO_R_METHOD] = "authentication method not allowed for this user",
	    [PROTO_R_INTERNAL] = "internal error on the hub",
	    [PROTO_R_CLIENT_EXIT] = "client disconnected",
	    [PROTO_R_EXPIRED] = "the user account has expired",
	    [PROTO_R_ACCESS_DENIED] = "access denied by the hub's security policy for this user",
	    [PROTO_R_ACCOUNT_REMOVED] = "the user account was removed or changed on the hub",
	    [PROTO_R_MULTI_LOGIN] = "this user already has as many sessions as its policy allows",
	    [PROTO_R_AUTO_DISCONNECT] = "the session reached the time limit of its policy",
	    [PROTO_R_SOURCE_DENIED] = "the hub's source address list does not admit this address",
	    [PROTO_R_CERT_REFUSED] = ("certificate not accepted for this user (unknown user, or "
				      "not registered, not trusted, expired or revoked)"),
	};

	if (reason < PROTO_R_MAX && text[reason])
		return text[reason];
	return "unknown reason code";
}
