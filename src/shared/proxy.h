/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proxy traversal for a client connection: the proxy URL of a profile
 * (http:// for HTTP CONNECT with Basic authentication, socks5:// for SOCKS5
 * with RFC 1929 user/password), the proxy password file, and the exchange
 * that turns a TCP connection to the proxy into a byte pipe to the hub.
 * Everything after that exchange (TLS, its verification, the login) runs end
 * to end through the pipe: the proxy sees only TLS.  The wire formats are in
 * proxy_http.h and proxy_socks5.h.
 */
#ifndef VPN_PROXY_H
#define VPN_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proxy_host.h" /* PROXY_HOST_MAX, PROXY_CRED_MAX, proxy_host_ok */

#define PROXY_URL_MAX 1024
#define PROXY_PASSWORD_FILE_MAX 4096
#define PROXY_NAME_MAX (16 + PROXY_HOST_MAX + 8) /* "SOCKS5 proxy [host]:port" */

enum proxy_type {
	PROXY_NONE,
	PROXY_HTTP,   /* HTTP CONNECT (RFC 9110 9.3.6), Basic credentials (RFC 7617) */
	PROXY_SOCKS5, /* RFC 1928 CONNECT, RFC 1929 user/password */
};

struct proxy_conf {
	enum proxy_type type;
	char host[PROXY_HOST_MAX + 1]; /* name, IPv4 or IPv6 address (no brackets) */
	uint16_t port;
	char user[PROXY_CRED_MAX + 1]; /* empty: no credentials */
	char password[PROXY_CRED_MAX + 1];
	bool has_password; /* the URL gave one (it may come from a file instead) */
};

/* Outcome of proxy_open; errors come with a message. */
enum proxy_status {
	PROXY_OK = 0,
	PROXY_E_RETRY = -1,   /* network trouble, or a proxy that may recover */
	PROXY_E_REFUSED = -2, /* credentials or rules refused: retrying cannot help */
};

/*
 * Parses "http://[user[:password]@]host:port[/]" or the same with socks5://
 * into pc (cleared first).  user and password are percent-decoded and may not
 * hold control characters; an IPv6 host is written in brackets.  0, or -1 with
 * a message (never quoting the password) in err.
 */
int proxy_url_parse(const char *url, struct proxy_conf *pc, char *err, size_t errlen);

/*
 * Reads the proxy password from the first line of path (a regular file of at
 * most PROXY_PASSWORD_FILE_MAX bytes, line end removed) into pc->password.
 * *exposed says whether the group or other users may read the file.  0, or -1
 * with a message.
 */
int proxy_read_password_file(const char *path, struct proxy_conf *pc, bool *exposed, char *err,
			     size_t errlen);

/* "HTTP proxy host:port" or "SOCKS5 proxy [v6]:port", for messages. */
void proxy_name(const struct proxy_conf *pc, char *out, size_t len);

/*
 * Over fd, a blocking TCP connection to the proxy, asks for a tunnel to
 * host:port (a name is resolved by the proxy).  The whole exchange takes at
 * most timeout_ms; nothing past the proxy's answer is read, so the next byte
 * on fd comes from the hub.  Returns PROXY_OK, or an error with a message.
 */
enum proxy_status proxy_open(int fd, const struct proxy_conf *pc, const char *host, uint16_t port,
			     int timeout_ms, char *err, size_t errlen);

#endif
