// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Proxy traversal: the proxy URL and password file of a profile, and the
 * exchange with the proxy over an open TCP connection, bounded by one
 * deadline.  Replies are read exactly (SOCKS5) or up to their blank line
 * (HTTP, by peeking), so not one byte of the hub's stream is consumed here.
 * Refusals become messages that name the proxy and say what to change.
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "proxy_http.h"
#include "proxy_socks5.h"

/* --- the URL --- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3986 userinfo characters that need no encoding (unreserved, sub-delims, ':'). */
static bool is_userinfo_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("-._~!$&'()*+,;=:", c));
}

/* Percent-decodes s[0..n) into out (cap bytes with the NUL); 0, or -1 with a message. */
static int decode_cred(const char *what, const char *s, size_t n, char *out, size_t cap, char *err,
		       size_t errlen)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (s[i] == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;

			if (hi < 0 || lo < 0) {
				snprintf(err, errlen, "proxy: bad %%-escape in the %s", what);
				return -1;
			}
			c = hi * 16 + lo;
			i += 2;
		} else if (!is_userinfo_char(s[i])) {
			/* which one is not said: it may be part of the password */
			snprintf(err, errlen,
				 "proxy: the %s holds a character that must be %%-encoded (only "
				 "letters, digits and -._~!$&'()*+,;=: may stand as they are)",
				 what);
			return -1;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(err, errlen, "proxy: control character in the %s", what);
			return -1;
		}
		if (k + 1 >= cap) {
			snprintf(err, errlen, "proxy: the %s is longer than %zu bytes", what,
				 cap - 1);
			return -1;
		}
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return 0;
}

/* "user[:password]" */
static int parse_userinfo(const char *s, size_t n, struct proxy_conf *pc, char *err, size_t errlen)
{
	const char *colon = memchr(s, ':', n);
	size_t ulen = colon ? (size_t)(colon - s) : n;

	if (decode_cred("user name", s, ulen, pc->user, sizeof(pc->user), err, errlen) != 0)
		return -1;
	if (!pc->user[0]) {
		snprintf(err, errlen, "proxy: empty user name before '@'");
		return -1;
	}
	if (pc->type == PROXY_HTTP && strchr(pc->user, ':')) {
		snprintf(err, errlen, "proxy: an HTTP proxy user name cannot hold ':' (RFC 7617)");
		return -1;
	}
	if (!colon)
		return 0;
	if (decode_cred("password", colon + 1, n - ulen - 1, pc->password, sizeof(pc->password),
			err, errlen) != 0)
		return -1;
	if (!pc->password[0]) {
		snprintf(err, errlen,
			 "proxy: empty password after ':' (leave out the ':' to read "
			 "it from proxy_password_file)");
		return -1;
	}
	pc->has_password = true;
	return 0;
}

/* "host:port" or "[v6]:port", optionally followed by one '/'. */
static int parse_hostport(const char *s, struct proxy_conf *pc, char *err, size_t errlen)
{
	const char *h = s, *end, *p;
	size_t hlen;
	struct in6_addr a6;
	unsigned long port = 0;

	if (s[0] == '[') {
		end = strchr(s, ']');
		h = s + 1;
		p = end ? end + 1 : NULL;
	} else {
		end = s + strcspn(s, ":/");
		p = end;
	}
	if (!end || !p || *p != ':') {
		snprintf(err, errlen, "proxy: expected host:port after the scheme%s",
			 s[0] == '[' ? " (an IPv6 address in brackets)" : "");
		return -1;
	}
	hlen = (size_t)(end - h);
	if (hlen == 0 || hlen > PROXY_HOST_MAX) {
		snprintf(err, errlen, "proxy: %s",
			 hlen ? "overlong host"
			      : "no host before the port (an IPv6 "
				"address goes in brackets)");
		return -1;
	}
	memcpy(pc->host, h, hlen);
	pc->host[hlen] = '\0';
	if (s[0] == '[' ? inet_pton(AF_INET6, pc->host, &a6) != 1
			: !proxy_host_ok(pc->host) || strchr(pc->host, ':')) {
		snprintf(err, errlen, "proxy: \"%.64s\" is not a host name or address%s", pc->host,
			 s[0] == '[' ? " (IPv6 in brackets)" : "");
		return -1;
	}
	for (p++; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (unsigned long)(*p - '0');
	if (port == 0 || port > 65535 || (*p && strcmp(p, "/") != 0)) {
		snprintf(err, errlen,
			 "proxy: the port must be 1 to 65535, and nothing may follow "
			 "but '/'");
		return -1;
	}
	pc->port = (uint16_t)port;
	return 0;
}

int proxy_url_parse(const char *url, struct proxy_conf *pc, char *err, size_t errlen)
{
	const char *rest = strstr(url, "://"), *at, *auth_end;

	memset(pc, 0, sizeof(*pc));
	if (strlen(url) > PROXY_URL_MAX) {
		snprintf(err, errlen, "proxy: longer than %d bytes", PROXY_URL_MAX);
		return -1;
	}
	if (rest && (size_t)(rest - url) == 4 && strncasecmp(url, "http", 4) == 0)
		pc->type = PROXY_HTTP;
	else if (rest && (size_t)(rest - url) == 6 && strncasecmp(url, "socks5", 6) == 0)
		pc->type = PROXY_SOCKS5;
	else {
		snprintf(err, errlen,
			 "proxy: expected http://host:port or socks5://host:port "
			 "(with user:password@ before the host if needed)");
		return -1;
	}
	rest += 3;
	auth_end = rest + strcspn(rest, "/?#");
	at = memrchr(rest, '@', (size_t)(auth_end - rest));
	if (strchr(auth_end, '@')) {
		snprintf(err, errlen,
			 "proxy: '/', '?' and '#' in the user name or password must "
			 "be written %%2F, %%3F and %%23");
		return -1;
	}
	if (at && memchr(rest, '@', (size_t)(at - rest))) {
		snprintf(err, errlen,
			 "proxy: '@' in the user name or password must be written %%40");
		return -1;
	}
	if (at && parse_userinfo(rest, (size_t)(at - rest), pc, err, errlen) != 0) {
		OPENSSL_cleanse(pc->password, sizeof(pc->password));
		return -1;
	}
	if (parse_hostport(at ? at + 1 : rest, pc, err, errlen) != 0) {
		OPENSSL_cleanse(pc->password, sizeof(pc->password));
		return -1;
	}
	return 0;
}

/* --- the password file --- */

/* The first line of buf[0..n), without its line end, into pc->password. */
static int take_first_line(const char *path, const char *buf, size_t n, struct proxy_conf *pc,
			   char *err, size_t errlen)
{
	size_t len = 0;

	while (len < n && buf[len] != '\r' && buf[len] != '\n')
		len++;
	if (len == 0 || len > PROXY_CRED_MAX) {
		snprintf(err, errlen, "proxy_password_file: the first line of %s is %s", path,
			 len ? "longer than 255 bytes" : "empty");
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f) {
			snprintf(err, errlen,
				 "proxy_password_file: control character in the first line of %s",
				 path);
			return -1;
		}
	memcpy(pc->password, buf, len);
	pc->password[len] = '\0';
	return 0;
}

int proxy_read_password_file(const char *path, struct proxy_conf *pc, bool *exposed, char *err,
			     size_t errlen)
{
	char buf[PROXY_PASSWORD_FILE_MAX + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), rc = -1;
	struct stat sb;
	ssize_t n;

	if (fd < 0) {
		snprintf(err, errlen, "proxy_password_file: cannot open %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		snprintf(err, errlen, "proxy_password_file: %s is not a regular file", path);
	else if (sb.st_size > PROXY_PASSWORD_FILE_MAX)
		snprintf(err, errlen, "proxy_password_file: %s is larger than %d bytes", path,
			 PROXY_PASSWORD_FILE_MAX);
	else if ((n = read(fd, buf, sizeof(buf) - 1)) < 0)
		snprintf(err, errlen, "proxy_password_file: cannot read %s: %s", path,
			 strerror(errno));
	else {
		buf[n] = '\0';
		*exposed = (sb.st_mode & (S_IRGRP | S_IROTH)) != 0;
		rc = take_first_line(path, buf, (size_t)n, pc, err, errlen);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return rc;
}

void proxy_name(const struct proxy_conf *pc, char *out, size_t len)
{
	snprintf(out, len, strchr(pc->host, ':') ? "%s proxy [%s]:%u" : "%s proxy %s:%u",
		 pc->type == PROXY_SOCKS5 ? "SOCKS5" : "HTTP", pc->host, pc->port);
}

/* --- bounded I/O: one deadline for the whole exchange --- */

struct exchange {
	int fd;
	uint64_t deadline; /* CLOCK_MONOTONIC, ms */
	const struct proxy_conf *pc;
	const char *host; /* the hub */
	uint16_t port;
	char name[PROXY_NAME_MAX]; /* "HTTP proxy host:port" */
	char *err;
	size_t errlen;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits for events on the socket until the deadline; 0, or -1 with a message. */
static int wait_fd(struct exchange *x, short events)
{
	struct pollfd p = {.fd = x->fd, .events = events};
	int n;

	do {
		uint64_t now = now_ms();

		n = poll(&p, 1, x->deadline > now ? (int)(x->deadline - now) : 0);
	} while (n < 0 && errno == EINTR);
	if (n > 0)
		return 0;
	snprintf(x->err, x->errlen, "%s: %s", x->name,
		 n == 0 ? "no answer in time" : strerror(errno));
	return -1;
}

static int send_all(struct exchange *x, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n;

		if (wait_fd(x, POLLOUT) != 0)
			return -1;
		n = send(x->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			snprintf(x->err, x->errlen, "%s: %s", x->name, strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Receives up to len bytes (flags: MSG_PEEK or 0) once the socket is readable; count or -1. */
static ssize_t recv_some(struct exchange *x, void *buf, size_t len, int flags)
{
	for (;;) {
		ssize_t n;

		if (wait_fd(x, POLLIN) != 0)
			return -1;
		n = recv(x->fd, buf, len, flags | MSG_DONTWAIT);
		if (n > 0)
			return n;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		snprintf(x->err, x->errlen, "%s: %s", x->name,
			 n == 0 ? "closed the connection without a complete answer"
				: strerror(errno));
		return -1;
	}
}

static int recv_exact(struct exchange *x, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = recv_some(x, p, len, 0);

		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Reads an HTTP reply head and not one byte more: peeks at what has arrived
 * and takes only up to the blank line.  Its length, or 0 with a message.
 */
static size_t recv_head(struct exchange *x, char *buf, size_t cap)
{
	size_t have = 0;

	while (have < cap) {
		ssize_t n = recv_some(x, buf + have, cap - have, MSG_PEEK);
		size_t end, take;

		if (n < 0)
			return 0;
		end = proxy_http_head_len(buf, have + (size_t)n);
		take = end ? end - have : (size_t)n;
		if (recv_exact(x, buf + have, take) != 0)
			return 0;
		have += take;
		if (end)
			return have;
	}
	snprintf(x->err, x->errlen, "%s: reply head longer than %zu bytes", x->name, cap);
	return 0;
}

/* --- HTTP CONNECT --- */

/* "host:port" or "[v6]:port" of the hub, for messages. */
static void target_str(const struct exchange *x, char *out, size_t len)
{
	snprintf(out, len, strchr(x->host, ':') ? "[%s]:%u" : "%s:%u", x->host, x->port);
}

static enum proxy_status http_refused_auth(struct exchange *x, const struct proxy_http_reply *r,
					   const char *status)
{
	if (!x->pc->user[0])
		snprintf(x->err, x->errlen,
			 "%s asks for credentials (%s): put user:password@ (or user@ and "
			 "proxy_password_file) before its host in the proxy URL",
			 x->name, status);
	else if (!r->basic_offered && r->schemes[0])
		snprintf(x->err, x->errlen,
			 "%s does not take Basic credentials (%s): it offers only %s", x->name,
			 status, r->schemes);
	else
		snprintf(x->err, x->errlen,
			 "%s refused the credentials of proxy user \"%s\" (%s): check the proxy "
			 "user name and password",
			 x->name, x->pc->user, status);
	return PROXY_E_REFUSED;
}

/* What a final status means: 2xx opens the tunnel; client errors are final. */
static enum proxy_status http_verdict(struct exchange *x, const struct proxy_http_reply *r)
{
	char target[PROXY_HOST_MAX + 9], status[PROXY_HTTP_REASON_MAX + 8];
	bool final = r->status / 100 == 4 && r->status != 408 && r->status != 429;

	if (r->status / 100 == 2)
		return PROXY_OK;
	snprintf(status, sizeof(status), "%u%s%s", r->status, r->reason[0] ? " " : "", r->reason);
	if (r->status == 407)
		return http_refused_auth(x, r, status);
	target_str(x, target, sizeof(target));
	if (r->status == 403 || r->status == 405)
		snprintf(x->err, x->errlen,
			 "%s refused a tunnel to %s (%s): its rules do not allow it", x->name,
			 target, status);
	else
		snprintf(x->err, x->errlen, "%s could not open a tunnel to %s (%s)", x->name,
			 target, status);
	return final ? PROXY_E_REFUSED : PROXY_E_RETRY;
}

static enum proxy_status http_open(struct exchange *x)
{
	char req[PROXY_HTTP_REQ_MAX], head[PROXY_HTTP_HEAD_MAX];
	size_t n =
	    proxy_http_request(req, sizeof(req), x->host, x->port, x->pc->user, x->pc->password);
	struct proxy_http_reply r;
	const char *perr = NULL;
	int rc;

	if (n == 0) {
		snprintf(x->err, x->errlen, "%s: the CONNECT request does not fit in %zu bytes",
			 x->name, sizeof(req));
		return PROXY_E_REFUSED;
	}
	rc = send_all(x, req, n);
	OPENSSL_cleanse(req, sizeof(req));
	if (rc != 0)
		return PROXY_E_RETRY;
	n = recv_head(x, head, sizeof(head));
	if (n == 0)
		return PROXY_E_RETRY;
	if (proxy_http_reply_parse(head, n, &r, &perr) != 0) {
		snprintf(x->err, x->errlen, "%s: malformed reply: %s", x->name, perr);
		return PROXY_E_RETRY;
	}
	return http_verdict(x, &r);
}

/* --- SOCKS5 --- */

static enum proxy_status socks5_malformed(struct exchange *x, const uint8_t *got, const char *perr)
{
	snprintf(x->err, x->errlen, "%s: malformed answer: %s%s", x->name, perr,
		 got[0] == 'H' ? " (it answers like an HTTP server: use http://)" : "");
	return PROXY_E_RETRY;
}

/* Offers the methods the profile allows and runs RFC 1929 if the proxy wants it. */
static enum proxy_status socks5_authenticate(struct exchange *x)
{
	bool creds = x->pc->user[0] != '\0';
	uint8_t buf[SOCKS5_AUTH_MAX];
	const char *perr = NULL;
	size_t n = proxy_socks5_greeting(buf, creds);
	int m, rc;

	if (send_all(x, buf, n) != 0 || recv_exact(x, buf, 2) != 0)
		return PROXY_E_RETRY;
	m = proxy_socks5_method_parse(buf, &perr);
	if (m < 0)
		return socks5_malformed(x, buf, perr);
	if (m == SOCKS5_M_NONE)
		return PROXY_OK;
	if (m == SOCKS5_M_REFUSED || m != SOCKS5_M_USERPASS || !creds) {
		snprintf(x->err, x->errlen, "%s %s", x->name,
			 m != SOCKS5_M_REFUSED ? "chose an authentication method not offered"
			 : creds ? "accepts neither user/password nor no authentication"
				 : "asks for credentials: put user:password@ (or user@ and "
				   "proxy_password_file) before its host in the proxy URL");
		return m == SOCKS5_M_REFUSED ? PROXY_E_REFUSED : PROXY_E_RETRY;
	}
	n = proxy_socks5_auth_request(buf, x->pc->user, x->pc->password);
	if (n == 0) {
		snprintf(x->err, x->errlen,
			 "%s: the proxy user name or password is empty or longer "
			 "than 255 bytes",
			 x->name);
		return PROXY_E_REFUSED;
	}
	rc = send_all(x, buf, n);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (rc != 0 || recv_exact(x, buf, 2) != 0)
		return PROXY_E_RETRY;
	rc = proxy_socks5_auth_parse(buf, &perr);
	if (rc < 0)
		return socks5_malformed(x, buf, perr);
	if (rc == 0)
		return PROXY_OK;
	snprintf(x->err, x->errlen,
		 "%s refused the user name or password of proxy user \"%s\" (RFC 1929 status "
		 "%d): check them",
		 x->name, x->pc->user, rc);
	return PROXY_E_REFUSED;
}

/* A failure code from the proxy: rules and unsupported requests are final. */
static enum proxy_status socks5_refused(struct exchange *x, uint8_t rep)
{
	char target[PROXY_HOST_MAX + 9];

	target_str(x, target, sizeof(target));
	snprintf(x->err, x->errlen, "%s could not open a tunnel to %s: %s (SOCKS5 reply %u)",
		 x->name, target, proxy_socks5_rep_str(rep), rep);
	return rep == 2 || rep == 7 || rep == 8 ? PROXY_E_REFUSED : PROXY_E_RETRY;
}

static enum proxy_status socks5_open(struct exchange *x)
{
	_Static_assert(SOCKS5_REPLY_MAX <= SOCKS5_REQ_MAX, "one buffer for request and reply");
	uint8_t buf[SOCKS5_REQ_MAX];
	struct proxy_socks5_reply r;
	enum proxy_status st = socks5_authenticate(x);
	const char *perr = NULL;
	size_t n;
	int need;

	if (st != PROXY_OK)
		return st;
	n = proxy_socks5_connect_request(buf, x->host, x->port);
	if (send_all(x, buf, n) != 0 || recv_exact(x, buf, 2) != 0)
		return PROXY_E_RETRY;
	/* a failure code is reported even if the proxy closes without the rest */
	if (buf[0] == SOCKS5_VERSION && buf[1] != 0)
		return socks5_refused(x, buf[1]);
	if (recv_exact(x, buf + 2, SOCKS5_REPLY_MIN - 2) != 0)
		return PROXY_E_RETRY;
	need = proxy_socks5_reply_parse(buf, SOCKS5_REPLY_MIN, &r, &perr);
	if (need > SOCKS5_REPLY_MIN &&
	    recv_exact(x, buf + SOCKS5_REPLY_MIN, (size_t)need - SOCKS5_REPLY_MIN) != 0)
		return PROXY_E_RETRY;
	if (need < 0 || proxy_socks5_reply_parse(buf, (size_t)need, &r, &perr) != 0)
		return socks5_malformed(x, buf, perr ? perr : "short reply");
	return PROXY_OK;
}

enum proxy_status proxy_open(int fd, const struct proxy_conf *pc, const char *host, uint16_t port,
			     int timeout_ms, char *err, size_t errlen)
{
	struct exchange x = {
	    .fd = fd,
	    .deadline = now_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0),
	    .pc = pc,
	    .host = host,
	    .port = port,
	    .err = err,
	    .errlen = errlen,
	};

	proxy_name(pc, x.name, sizeof(x.name));
	if (!proxy_host_ok(host)) {
		snprintf(err, errlen,
			 "%s: cannot ask for hub \"%.64s\": a proxy takes an IP address or a name "
			 "of letters, digits, '.', '-' and '_'",
			 x.name, host);
		return PROXY_E_REFUSED;
	}
	return pc->type == PROXY_SOCKS5 ? socks5_open(&x) : http_open(&x);
}
