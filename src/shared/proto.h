/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wire protocol v1 codec (docs/protocol.md).  Inside the TLS stream every
 * message is an 8-byte header followed by its payload:
 *
 *   u32 length (big-endian, payload bytes) | u8 type | u8 flags | u16 zero
 *
 * FRAME messages carry one Ethernet frame, optionally preceded by a 10-byte
 * virtio_net_hdr (flag PROTO_F_VNET) so GSO super-frames cross unchanged.
 * Many messages are packed back to back into each TLS record.
 * The decoder never trusts a length: every type has its own bound, and a
 * violation is reported with a static reason string.
 */
#ifndef VPN_PROTO_H
#define VPN_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION 1
#define PROTO_MAGIC "VPNHUB"
#define PROTO_HDR_LEN 8
#define PROTO_VNET_HDR_LEN 10
#define PROTO_FRAME_MIN 14		 /* Ethernet header */
#define PROTO_FRAME_MAX (65535 + 14 + 4) /* GSO super-frame: max IP + Ethernet + VLAN */
#define PROTO_PAYLOAD_MAX (PROTO_VNET_HDR_LEN + PROTO_FRAME_MAX)
#define PROTO_CTRL_MAX 1024 /* any handshake or control message */
#define PROTO_NAME_MAX 255  /* hub and user names (SoftEther's limit) */
#define PROTO_NONCE_LEN 32
#define PROTO_KEY_LEN 32
#define PROTO_SALT_MAX 64
#define PROTO_POLICY_MAX 32

enum proto_type {
	PROTO_HELLO = 1,     /* client -> hub: version, hub, user, method */
	PROTO_CHALLENGE = 2, /* hub -> client: salt, iterations, nonce */
	PROTO_AUTH = 3,	     /* client -> hub: proof */
	PROTO_WELCOME = 4,   /* hub -> client: session id, timers, policy */
	PROTO_REJECT = 5,    /* hub -> client: reason code and text, then close */
	PROTO_MESSAGE = 6,   /* hub -> client: the hub's message, right after WELCOME */
	PROTO_FRAME = 16,    /* either way: one Ethernet frame */
	PROTO_KEEPALIVE = 17,
	PROTO_BYE = 18, /* either way: orderly close with a reason */
};

#define PROTO_F_VNET 0x01 /* FRAME payload starts with struct virtio_net_hdr */

/* Client capability bits (HELLO caps, echoed by WELCOME for the agreed set). */
#define PROTO_CAP_VNET 0x1 /* accepts PROTO_F_VNET frames, including GSO */
/* HELLO: the client can show a hub message; WELCOME: a MESSAGE follows it */
#define PROTO_CAP_MESSAGE 0x2
#define PROTO_MESSAGE_MAX 20000 /* bytes of UTF-8 (SoftEther's HUB_MAXMSG_LEN) */

enum proto_auth_method {
	PROTO_AUTH_PASSWORD = 1, /* HELLO: the client proves knowledge of a password */
	PROTO_AUTH_CERT = 2,	 /* HELLO: the TLS client certificate identifies the user */
};

/* CHALLENGE method: how the hub stores this user's password (auth.h). */
enum proto_pw_scheme {
	PROTO_PW_SCRAM = 1,	/* salted, iterated verifier (salt and iterations sent) */
	PROTO_PW_SOFTETHER = 2, /* SoftEther's SHA-0(password || UPPER(user)), imported users */
};

enum proto_reason {
	PROTO_R_NONE = 0,
	PROTO_R_VERSION = 1,
	PROTO_R_PROTOCOL = 2,
	PROTO_R_UNKNOWN_HUB = 3,
	PROTO_R_AUTH_FAILED = 4,
	PROTO_R_HUB_FULL = 5,
	PROTO_R_SERVER_FULL = 6,
	PROTO_R_HUB_OFFLINE = 7,
	PROTO_R_SHUTDOWN = 8,
	PROTO_R_KICKED = 9,
	PROTO_R_TIMEOUT = 10,
	PROTO_R_METHOD = 11,
	PROTO_R_INTERNAL = 12,
	PROTO_R_CLIENT_EXIT = 13,
	PROTO_R_EXPIRED = 14,
	PROTO_R_ACCESS_DENIED = 15,
	PROTO_R_ACCOUNT_REMOVED = 16,
	PROTO_R_MULTI_LOGIN = 17,
	PROTO_R_AUTO_DISCONNECT = 18,
	PROTO_R_SOURCE_DENIED = 19,
	PROTO_R_CERT_REFUSED = 20,
	PROTO_R_MAX
};

struct proto_msg {
	uint8_t type;
	uint8_t flags;
	uint32_t len;
	const uint8_t *payload;
};

struct proto_hello {
	uint16_t version;
	uint32_t caps;
	uint8_t method;
	char hub[PROTO_NAME_MAX + 1];
	char user[PROTO_NAME_MAX + 1];
};

struct proto_challenge {
	uint8_t method;
	uint32_t iterations;
	uint8_t salt_len;
	uint8_t salt[PROTO_SALT_MAX];
	uint8_t nonce[PROTO_NONCE_LEN];
};

struct proto_auth {
	uint8_t proof[PROTO_KEY_LEN];
};

struct proto_policy {
	uint16_t id;
	uint32_t value;
};

struct proto_welcome {
	uint32_t session_id;
	uint16_t keepalive_s;
	uint16_t timeout_s;
	uint32_t caps;
	uint8_t server_sig[PROTO_KEY_LEN];
	uint16_t npolicy;
	struct proto_policy policy[PROTO_POLICY_MAX];
};

struct proto_reject {
	uint16_t reason;
	char text[200];
};

/*
 * Decode the next message from buf[0..avail).  Returns 1 and fills *m and
 * *used when a whole message is there, 0 when more bytes are needed, -1 on a
 * malformed header with *err set to a static reason.  m->payload points into buf.
 */
int proto_next(const uint8_t *buf, size_t avail, struct proto_msg *m, size_t *used,
	       const char **err);

/* Write a message header; returns PROTO_HDR_LEN. */
size_t proto_put_hdr(uint8_t *dst, uint8_t type, uint8_t flags, uint32_t len);

/*
 * Encoders write header + payload into out[0..cap) and return the total length,
 * or 0 if it does not fit.  Decoders return 0, or -1 with *err set.
 */
size_t proto_enc_hello(uint8_t *out, size_t cap, const struct proto_hello *h);
size_t proto_enc_challenge(uint8_t *out, size_t cap, const struct proto_challenge *c);
size_t proto_enc_auth(uint8_t *out, size_t cap, const struct proto_auth *a);
size_t proto_enc_welcome(uint8_t *out, size_t cap, const struct proto_welcome *w);
size_t proto_enc_reject(uint8_t *out, size_t cap, const struct proto_reject *r);
size_t proto_enc_bye(uint8_t *out, size_t cap, uint16_t reason);
size_t proto_enc_keepalive(uint8_t *out, size_t cap);
/* text: len bytes of valid UTF-8 (proto_message_ok), at most PROTO_MESSAGE_MAX. */
size_t proto_enc_message(uint8_t *out, size_t cap, const char *text, size_t len);

int proto_dec_hello(const struct proto_msg *m, struct proto_hello *h, const char **err);
int proto_dec_challenge(const struct proto_msg *m, struct proto_challenge *c, const char **err);
int proto_dec_auth(const struct proto_msg *m, struct proto_auth *a, const char **err);
int proto_dec_welcome(const struct proto_msg *m, struct proto_welcome *w, const char **err);
int proto_dec_reject(const struct proto_msg *m, struct proto_reject *r, const char **err);
int proto_dec_bye(const struct proto_msg *m, uint16_t *reason, const char **err);
/* The text NUL-terminated in out (cap > PROTO_MESSAGE_MAX), checked by proto_message_ok. */
int proto_dec_message(const struct proto_msg *m, char *out, size_t cap, const char **err);

/*
 * A hub message fit for a terminal: valid UTF-8 (no overlong forms, no
 * surrogates), no C0 control character other than TAB, LF and CR, no DEL and
 * no C1 control (U+0080..U+009F), so it cannot carry escape sequences.
 * NULL, or a static reason.
 */
const char *proto_message_check(const char *text, size_t len);

/* Plain-words explanation of a reason code (never NULL). */
const char *proto_reason_str(uint16_t reason);

/* True if name is 1..PROTO_NAME_MAX bytes with no control characters. */
int proto_name_ok(const char *name);

#endif
