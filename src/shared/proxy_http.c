// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HTTP CONNECT on the wire (RFC 9110 section 9.3.6, RFC 9112): the request
 * with Basic credentials (RFC 7617), and the proxy's reply head, parsed
 * strictly: a status line, header lines of a token, a colon and a value
 * without control characters, no line folding, one blank line at the end.
 * Only the status and the Proxy-Authenticate schemes are kept: a 2xx opens
 * the tunnel, anything else is reported.
 */
#include "proxy_http.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proxy_host.h"

/* "host:port", or "[v6]:port"; -1 if it does not fit. */
static int authority(char *out, size_t cap, const char *host, unsigned port)
{
	struct in6_addr a;
	int n = inet_pton(AF_INET6, host, &a) == 1 ? snprintf(out, cap, "[%s]:%u", host, port)
						   : snprintf(out, cap, "%s:%u", host, port);

	return n > 0 && (size_t)n < cap ? n : -1;
}

/* "Proxy-Authorization: Basic base64(user:password)\r\n"; length, or 0 if it does not fit. */
static size_t basic_header(char *out, size_t cap, const char *user, const char *password)
{
	uint8_t cred[2 * PROXY_CRED_MAX + 2];
	char b64[4 * ((sizeof(cred) + 2) / 3) + 1];
	int clen = snprintf((char *)cred, sizeof(cred), "%s:%s", user, password), n = -1;

	if (clen > 0 && (size_t)clen < sizeof(cred)) {
		EVP_EncodeBlock((unsigned char *)b64, cred, clen);
		n = snprintf(out, cap, "Proxy-Authorization: Basic %s\r\n", b64);
	}
	OPENSSL_cleanse(cred, sizeof(cred));
	OPENSSL_cleanse(b64, sizeof(b64));
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t proxy_http_request(char *out, size_t cap, const char *host, unsigned port, const char *user,
			  const char *password)
{
	char target[PROXY_HOST_MAX + 9];
	size_t len, auth = 0;
	int n;

	/* RFC 7617: the user-id cannot hold a colon */
	if (!proxy_host_ok(host) || authority(target, sizeof(target), host, port) < 0 ||
	    strchr(user, ':'))
		return 0;
	n = snprintf(out, cap, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n", target, target);
	if (n < 0 || (size_t)n >= cap)
		return 0;
	len = (size_t)n;
	if (user[0] && (auth = basic_header(out + len, cap - len, user, password)) == 0)
		return 0;
	len += auth;
	if (cap - len < 3)
		return 0;
	memcpy(out + len, "\r\n", 3);
	return len + 2;
}

size_t proxy_http_head_len(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The next line from *pos, without its CRLF or LF; false when no line end follows. */
static bool next_line(const char *head, size_t len, size_t *pos, const char **line, size_t *n)
{
	const char *nl = *pos < len ? memchr(head + *pos, '\n', len - *pos) : NULL;

	if (!nl)
		return false;
	*line = head + *pos;
	*n = (size_t)(nl - *line);
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	*pos = (size_t)(nl - head) + 1;
	return true;
}

/* Field value and reason phrase bytes: VCHAR, SP, HTAB and obs-text, no other controls. */
static bool is_text(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/d.d NNN[ reason]" */
static int parse_status(const char *s, size_t n, struct proxy_http_reply *r, const char **perr)
{
	size_t k = 0;

	if (n < 12 || memcmp(s, "HTTP/", 5) != 0 || !is_digit(s[5]) || s[6] != '.' ||
	    !is_digit(s[7]) || s[8] != ' ' || !is_digit(s[9]) || !is_digit(s[10]) ||
	    !is_digit(s[11]) || (n > 12 && s[12] != ' ')) {
		*perr = "not an HTTP status line";
		return -1;
	}
	r->status = (unsigned)((s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0'));
	if (r->status < 100) {
		*perr = "status code below 100";
		return -1;
	}
	for (size_t i = 13; i < n; i++) {
		if (!is_text((unsigned char)s[i])) {
			*perr = "control character in the reason phrase";
			return -1;
		}
		/* kept for messages: printable ASCII only */
		if (k + 1 < sizeof(r->reason))
			r->reason[k++] = (char)(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
	}
	r->reason[k] = '\0';
	return 0;
}

/* Notes the scheme of a Proxy-Authenticate challenge (its first token). */
static void note_challenge(const char *v, size_t n, struct proxy_http_reply *r)
{
	size_t t = 0, used = strlen(r->schemes);

	while (t < n && is_tchar((unsigned char)v[t]))
		t++;
	if (t == 5 && strncasecmp(v, "Basic", 5) == 0)
		r->basic_offered = true;
	if (t && used + t + 3 < sizeof(r->schemes))
		snprintf(r->schemes + used, sizeof(r->schemes) - used, "%s%.*s", used ? ", " : "",
			 (int)t, v);
}

static int parse_field(const char *s, size_t n, struct proxy_http_reply *r, const char **perr)
{
	size_t name = 0, v;

	while (name < n && is_tchar((unsigned char)s[name]))
		name++;
	if (name == 0 || name == n || s[name] != ':') {
		*perr = s[0] == ' ' || s[0] == '\t' ? "folded header line"
						    : "header line without a name and a colon";
		return -1;
	}
	for (v = name + 1; v < n; v++)
		if (!is_text((unsigned char)s[v])) {
			*perr = "control character in a header value";
			return -1;
		}
	for (v = name + 1; v < n && (s[v] == ' ' || s[v] == '\t'); v++)
		;
	if (name == 18 && strncasecmp(s, "Proxy-Authenticate", 18) == 0)
		note_challenge(s + v, n - v, r);
	return 0;
}

int proxy_http_reply_parse(const char *head, size_t len, struct proxy_http_reply *r,
			   const char **perr)
{
	size_t pos = 0, n;
	const char *line;

	memset(r, 0, sizeof(*r));
	if (!next_line(head, len, &pos, &line, &n)) {
		*perr = "no status line";
		return -1;
	}
	if (parse_status(line, n, r, perr) != 0)
		return -1;
	while (next_line(head, len, &pos, &line, &n) && n > 0)
		if (parse_field(line, n, r, perr) != 0)
			return -1;
	if (n != 0 || pos != len) {
		*perr = n != 0 ? "no blank line after the header" : "bytes after the blank line";
		return -1;
	}
	return 0;
}
