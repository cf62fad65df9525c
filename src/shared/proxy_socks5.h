/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SOCKS5, the wire side: the method greeting and choice (RFC 1928 section 3),
 * the user/password exchange (RFC 1929) and the CONNECT request and reply
 * (RFC 1928 sections 4-6), with IPv4, IPv6 and domain-name addresses.  Pure
 * functions over buffers; proxy.c does the I/O.
 */
#ifndef VPN_PROXY_SOCKS5_H
#define VPN_PROXY_SOCKS5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SOCKS5_VERSION 5
#define SOCKS5_AUTH_VERSION 1 /* RFC 1929's sub-negotiation version */
#define SOCKS5_M_NONE 0x00
#define SOCKS5_M_USERPASS 0x02
#define SOCKS5_M_REFUSED 0xff
#define SOCKS5_ATYP_IPV4 1
#define SOCKS5_ATYP_DOMAIN 3
#define SOCKS5_ATYP_IPV6 4
#define SOCKS5_REQ_MAX (4 + 1 + 255 + 2) /* a CONNECT to a 255-byte name */
#define SOCKS5_AUTH_MAX (3 + 255 + 255)
#define SOCKS5_REPLY_MIN 5 /* enough to know the whole reply's length */
#define SOCKS5_REPLY_MAX (4 + 1 + 255 + 2)
#define PROXY_SOCKS5_BOUND_MAX (255 + 8) /* "name:port" or "[v6]:port" */

struct proxy_socks5_reply {
	uint8_t rep; /* 0: succeeded; else the reason (proxy_socks5_rep_str) */
	char bound[PROXY_SOCKS5_BOUND_MAX];
};

/* Writes the greeting offering no authentication, and user/password if with_auth; length. */
size_t proxy_socks5_greeting(uint8_t out[4], bool with_auth);

/* Checks the 2-byte method choice; the method, or -1 with a static message. */
int proxy_socks5_method_parse(const uint8_t in[2], const char **perr);

/* Writes the RFC 1929 request; length, or 0 if user or password is empty or over 255 bytes. */
size_t proxy_socks5_auth_request(uint8_t out[SOCKS5_AUTH_MAX], const char *user,
				 const char *password);

/* Checks the 2-byte RFC 1929 answer: 0 (accepted), the non-zero status, or -1 (malformed). */
int proxy_socks5_auth_parse(const uint8_t in[2], const char **perr);

/*
 * Writes a CONNECT request for host:port: an IPv4 or IPv6 address as such,
 * anything else as a domain name the proxy resolves.  Length, or 0 when host
 * is not proxy_host_ok (proxy_host.h).
 */
size_t proxy_socks5_connect_request(uint8_t out[SOCKS5_REQ_MAX], const char *host, uint16_t port);

/*
 * Parses a CONNECT reply.  Returns 0 when buf holds exactly one valid reply
 * (filled into r), the total length needed when len is short of it (at
 * least SOCKS5_REPLY_MIN bytes are needed to know), or -1 with a static
 * message when malformed.
 */
int proxy_socks5_reply_parse(const uint8_t *buf, size_t len, struct proxy_socks5_reply *r,
			     const char **perr);

/* RFC 1928's words for a reply code, in plain language. */
const char *proxy_socks5_rep_str(uint8_t rep);

#endif
