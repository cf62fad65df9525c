/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP CONNECT, the wire side: the request (with Basic credentials) and a
 * strict, bounded parser for the proxy's reply head.  Pure functions over
 * buffers; proxy.c does the I/O.
 */
#ifndef VPN_PROXY_HTTP_H
#define VPN_PROXY_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define PROXY_HTTP_HEAD_MAX 8192 /* the largest reply head read */
#define PROXY_HTTP_REQ_MAX 2048
#define PROXY_HTTP_REASON_MAX 64

struct proxy_http_reply {
	unsigned status;		     /* 100..999 */
	char reason[PROXY_HTTP_REASON_MAX];  /* printable ASCII, maybe truncated */
	bool basic_offered;		     /* a Proxy-Authenticate: Basic challenge */
	char schemes[PROXY_HTTP_REASON_MAX]; /* the challenges' schemes, for messages */
};

/*
 * Writes "CONNECT host:port HTTP/1.1" with its headers, and
 * Proxy-Authorization: Basic when user is not empty.  The length, or 0 when
 * host is not proxy_host_ok (proxy_host.h), user holds a ':' or it does not fit in cap.
 * The caller cleanses out (it holds the credentials).
 */
size_t proxy_http_request(char *out, size_t cap, const char *host, unsigned port, const char *user,
			  const char *password);

/*
 * Length of the reply head in buf up to and including its blank line (CRLF
 * or a bare LF ends a line), or 0 when the blank line has not arrived yet.
 */
size_t proxy_http_head_len(const char *buf, size_t len);

/*
 * Parses a complete reply head of len bytes: the status line
 * "HTTP/d.d NNN reason" and header lines "name: value" (no control
 * characters, no line folding).  0, or -1 with a static message in *perr.
 */
int proxy_http_reply_parse(const char *head, size_t len, struct proxy_http_reply *r,
			   const char **perr);

#endif
