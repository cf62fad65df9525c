/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTTP/1.1 envelope of SoftEther's handshake (Cedar Protocol.c,
 * Mayaqua HTTP.c): the client's signature POST to /vpnsvc/connect.cgi, the
 * server's "200 OK" carrying the Hello PACK, the client's login POST to
 * /vpnsvc/vpn.cgi and the server's answer.  Only what those four messages
 * need: a bounded head parser (request or status line, Content-Length,
 * Content-Type), the head builders and the signature body check.
 * Transport-free; shared by the hub side and the client side.
 */
#ifndef VPN_SEHTTP_H
#define VPN_SEHTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEHTTP_HEAD_MAX 8192	      /* the whole head, request line to blank line */
#define SEHTTP_BODY_MAX (1024 * 1024) /* what the parser accepts; callers tighten */
#define SEHTTP_PACK_MAX 65536	      /* a login-phase PACK a server accepts (HTTP_PACK_MAX_SIZE) */
#define SEHTTP_SIG_TARGET "/vpnsvc/connect.cgi"
#define SEHTTP_PACK_TARGET "/vpnsvc/vpn.cgi"
#define SEHTTP_SIG_VPNCONNECT "VPNCONNECT"
/* The watermark body: 1411 bytes starting "GIF89a", plus 0..1999 random bytes */
#define SEHTTP_WATERMARK_LEN 1411
#define SEHTTP_WATERMARK_PAD_MAX 2000

struct sehttp_head {
	bool is_response;
	char method[8];	  /* request: "POST" */
	char target[128]; /* request: "/vpnsvc/connect.cgi" */
	int status;	  /* response: 200 */
	bool has_length;
	uint32_t content_length;
	char content_type[64];
};

/*
 * Length of the head at buf[0..len) including its blank line (CRLF or LF
 * line ends), 0 if it is not complete yet, -1 if no blank line comes within
 * SEHTTP_HEAD_MAX bytes.
 */
int sehttp_head_len(const char *buf, size_t len);

/* Parses a head of sehttp_head_len bytes.  0, or -1 with a static *why. */
int sehttp_head_parse(const char *buf, size_t len, struct sehttp_head *h, const char **why);

/*
 * Does a decrypted stream starting with buf[0..len) begin a SoftEther
 * signature POST?  1 yes, 0 no, -1 too short to tell.
 */
int sehttp_is_signature_start(const uint8_t *buf, size_t len);

/* A signature body a stock server accepts: "VPNCONNECT" or the watermark's size and magic. */
bool sehttp_signature_ok(const uint8_t *body, size_t len);

/* Head builders: the head's length (without NUL), or -1 if cap is too small. */
int sehttp_post_head(char *out, size_t cap, const char *target, const char *host,
		     const char *content_type, size_t body_len);
int sehttp_ok_head(char *out, size_t cap, size_t body_len);
int sehttp_error_head(char *out, size_t cap, int status);
/* A stock server's answer to a GET: status, an HTML body of body_len bytes, kept alive. */
int sehttp_html_head(char *out, size_t cap, int status, size_t body_len);

#endif
