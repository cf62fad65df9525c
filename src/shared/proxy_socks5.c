// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SOCKS5 on the wire: the greeting and the proxy's method choice, the
 * RFC 1929 user/password exchange, and CONNECT with its reply.  Every field
 * of every answer is checked (versions, the reserved byte, address type and
 * exact length); reply codes get RFC 1928's meaning in words.
 */
#include "proxy_socks5.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "proxy_host.h"

size_t proxy_socks5_greeting(uint8_t out[4], bool with_auth)
{
	out[0] = SOCKS5_VERSION;
	out[1] = with_auth ? 2 : 1;
	out[2] = SOCKS5_M_NONE;
	out[3] = SOCKS5_M_USERPASS;
	return with_auth ? 4 : 3;
}

int proxy_socks5_method_parse(const uint8_t in[2], const char **perr)
{
	if (in[0] != SOCKS5_VERSION) {
		*perr = "not a SOCKS5 answer (wrong version byte)";
		return -1;
	}
	return in[1];
}

size_t proxy_socks5_auth_request(uint8_t out[SOCKS5_AUTH_MAX], const char *user,
				 const char *password)
{
	size_t u = strlen(user), p = strlen(password);

	if (u == 0 || u > 255 || p == 0 || p > 255)
		return 0;
	out[0] = SOCKS5_AUTH_VERSION;
	out[1] = (uint8_t)u;
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): length-prefixed, no NUL */
	memcpy(out + 2, user, u);
	out[2 + u] = (uint8_t)p;
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): length-prefixed, no NUL */
	memcpy(out + 3 + u, password, p);
	return 3 + u + p;
}

int proxy_socks5_auth_parse(const uint8_t in[2], const char **perr)
{
	if (in[0] != SOCKS5_AUTH_VERSION) {
		*perr = "not an RFC 1929 answer (wrong version byte)";
		return -1;
	}
	return in[1];
}

size_t proxy_socks5_connect_request(uint8_t out[SOCKS5_REQ_MAX], const char *host, uint16_t port)
{
	size_t n = 4;

	if (!proxy_host_ok(host))
		return 0;
	out[0] = SOCKS5_VERSION;
	out[1] = 1; /* CONNECT */
	out[2] = 0; /* reserved */
	if (inet_pton(AF_INET, host, out + 4) == 1) {
		out[3] = SOCKS5_ATYP_IPV4;
		n += 4;
	} else if (inet_pton(AF_INET6, host, out + 4) == 1) {
		out[3] = SOCKS5_ATYP_IPV6;
		n += 16;
	} else {
		size_t len = strlen(host); /* at most 255: proxy_host_ok */

		out[3] = SOCKS5_ATYP_DOMAIN;
		out[4] = (uint8_t)len;
		memcpy(out + 5, host, len);
		n += 1 + len;
	}
	out[n] = (uint8_t)(port >> 8);
	out[n + 1] = (uint8_t)port;
	return n + 2;
}

/* Length of the whole reply from its first 5 bytes; -1 for an unknown address type. */
static int reply_len(const uint8_t *buf)
{
	switch (buf[3]) {
	case SOCKS5_ATYP_IPV4:
		return 4 + 4 + 2;
	case SOCKS5_ATYP_IPV6:
		return 4 + 16 + 2;
	case SOCKS5_ATYP_DOMAIN:
		return 4 + 1 + buf[4] + 2;
	default:
		return -1;
	}
}

/* The bound address as text: "a.b.c.d:port", "[v6]:port" or "name:port". */
static int bound_str(const uint8_t *buf, size_t len, char *out, size_t cap, const char **perr)
{
	unsigned port = (unsigned)buf[len - 2] << 8 | buf[len - 1];
	char ip[INET6_ADDRSTRLEN];

	if (buf[3] == SOCKS5_ATYP_DOMAIN) {
		for (size_t i = 5; i < len - 2; i++)
			if (buf[i] < 0x21 || buf[i] > 0x7e) {
				*perr = "unprintable bound address";
				return -1;
			}
		snprintf(out, cap, "%.*s:%u", (int)buf[4], (const char *)buf + 5, port);
		return 0;
	}
	inet_ntop(buf[3] == SOCKS5_ATYP_IPV4 ? AF_INET : AF_INET6, buf + 4, ip, sizeof(ip));
	snprintf(out, cap, buf[3] == SOCKS5_ATYP_IPV4 ? "%s:%u" : "[%s]:%u", ip, port);
	return 0;
}

int proxy_socks5_reply_parse(const uint8_t *buf, size_t len, struct proxy_socks5_reply *r,
			     const char **perr)
{
	int need;

	if (len < SOCKS5_REPLY_MIN)
		return SOCKS5_REPLY_MIN;
	if (buf[0] != SOCKS5_VERSION || buf[2] != 0) {
		*perr = buf[0] != SOCKS5_VERSION ? "not a SOCKS5 reply (wrong version byte)"
						 : "reserved byte not zero";
		return -1;
	}
	need = reply_len(buf);
	if (need < 0) {
		*perr = "unknown address type";
		return -1;
	}
	if (len < (size_t)need)
		return need;
	if (len > (size_t)need) {
		*perr = "bytes after the reply";
		return -1;
	}
	r->rep = buf[1];
	return bound_str(buf, len, r->bound, sizeof(r->bound), perr);
}

const char *proxy_socks5_rep_str(uint8_t rep)
{
	static const char *const words[] = {
	    [0] = "succeeded",
	    [1] = "general SOCKS server failure",
	    [2] = "connection not allowed by its rules",
	    [3] = "network unreachable",
	    [4] = "host unreachable",
	    [5] = "connection refused by the destination",
	    [6] = "TTL expired",
	    [7] = "command not supported",
	    [8] = "address type not supported",
	};

	return rep < sizeof(words) / sizeof(words[0]) ? words[rep] : "unassigned reply code";
}
