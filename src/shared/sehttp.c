// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther's HTTP envelope: head framing, parsing and building (see
 * sehttp.h).  Lines end in CRLF or LF; header names are case-insensitive;
 * a repeated or malformed Content-Length refuses the head.
 */
#include "sehttp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int sehttp_head_len(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + (len < SEHTTP_HEAD_MAX ? len : SEHTTP_HEAD_MAX), *nl;

	/* the head ends at the first empty line: "\n\n" or "\n\r\n" */
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		size_t rest = (size_t)(end - nl) - 1;

		if (rest >= 1 && nl[1] == '\n')
			return (int)(nl + 2 - buf);
		if (rest >= 2 && nl[1] == '\r' && nl[2] == '\n')
			return (int)(nl + 3 - buf);
		p = nl + 1;
	}
	return len >= SEHTTP_HEAD_MAX ? -1 : 0;
}

/* Next line of [*p, end): its start and length without CR/LF; advances *p. */
static bool next_line(const char **p, const char *end, const char **line, size_t *n)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (!nl)
		return false;
	*line = *p;
	*n = (size_t)(nl - *p);
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	*p = nl + 1;
	return true;
}

static int copy_token(const char *s, size_t n, char *out, size_t cap)
{
	if (n == 0 || n >= cap || memchr(s, '\0', n))
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int parse_status(const char *l, size_t n, struct sehttp_head *h)
{
	int code = 0;

	/* "HTTP/1.x NNN reason" */
	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || l[8] != ' ')
		return -1;
	for (size_t i = 9; i < 12; i++) {
		if (l[i] < '0' || l[i] > '9')
			return -1;
		code = code * 10 + (l[i] - '0');
	}
	if (n > 12 && l[12] != ' ')
		return -1;
	h->is_response = true;
	h->status = code;
	return 0;
}

static int parse_request(const char *l, size_t n, struct sehttp_head *h)
{
	const char *sp1 = memchr(l, ' ', n), *sp2;

	if (!sp1)
		return -1;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(l + n - sp1 - 1));
	if (!sp2 || (size_t)(l + n - sp2 - 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return -1;
	if (copy_token(l, (size_t)(sp1 - l), h->method, sizeof(h->method)) ||
	    copy_token(sp1 + 1, (size_t)(sp2 - sp1 - 1), h->target, sizeof(h->target)))
		return -1;
	return 0;
}

static int parse_length(const char *v, size_t n, uint32_t *out)
{
	uint64_t x = 0;

	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (x > SEHTTP_BODY_MAX)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

static int parse_field(const char *l, size_t n, struct sehttp_head *h, const char **why)
{
	const char *colon = memchr(l, ':', n), *v;
	size_t name_len, vn;

	if (!colon || colon == l)
		return *why = "HTTP header line without a name", -1;
	name_len = (size_t)(colon - l);
	v = colon + 1;
	vn = (size_t)(l + n - v);
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (name_len == 14 && strncasecmp(l, "Content-Length", 14) == 0) {
		if (h->has_length || parse_length(v, vn, &h->content_length))
			return *why = "HTTP Content-Length repeated, malformed or too large", -1;
		h->has_length = true;
	} else if (name_len == 12 && strncasecmp(l, "Content-Type", 12) == 0) {
		if (vn >= sizeof(h->content_type) || memchr(v, '\0', vn))
			return *why = "HTTP Content-Type too long", -1;
		memcpy(h->content_type, v, vn);
		h->content_type[vn] = '\0';
	}
	return 0;
}

int sehttp_head_parse(const char *buf, size_t len, struct sehttp_head *h, const char **why)
{
	const char *p = buf, *end = buf + len, *l;
	size_t n;

	memset(h, 0, sizeof(*h));
	if (len > SEHTTP_HEAD_MAX || !next_line(&p, end, &l, &n))
		return *why = "HTTP head too long or without a line end", -1;
	if (n >= 5 && memcmp(l, "HTTP/", 5) == 0 ? parse_status(l, n, h) : parse_request(l, n, h))
		return *why = "HTTP request or status line malformed", -1;
	while (next_line(&p, end, &l, &n)) {
		if (n == 0)
			return p == end ? 0 : (*why = "HTTP head followed by bytes", -1);
		if (parse_field(l, n, h, why))
			return -1;
	}
	return *why = "HTTP head without its blank line", -1;
}

int sehttp_is_signature_start(const uint8_t *buf, size_t len)
{
	static const char start[] = "POST " SEHTTP_SIG_TARGET " ";
	size_t n = sizeof(start) - 1;

	if (memcmp(buf, start, len < n ? len : n) != 0)
		return 0;
	return len < n ? -1 : 1;
}

bool sehttp_signature_ok(const uint8_t *body, size_t len)
{
	if (len == sizeof(SEHTTP_SIG_VPNCONNECT) - 1)
		return memcmp(body, SEHTTP_SIG_VPNCONNECT, len) == 0;
	return len >= SEHTTP_WATERMARK_LEN &&
	       len < SEHTTP_WATERMARK_LEN + SEHTTP_WATERMARK_PAD_MAX &&
	       memcmp(body, "GIF89a", 6) == 0;
}

static int fitted(int n, size_t cap)
{
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int sehttp_post_head(char *out, size_t cap, const char *target, const char *host,
		     const char *content_type, size_t body_len)
{
	return fitted(snprintf(out, cap,
			       "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\n"
			       "Connection: Keep-Alive\r\nKeep-Alive: timeout=15; max=19\r\n"
			       "Content-Length: %zu\r\n\r\n",
			       target, host, content_type, body_len),
		      cap);
}

int sehttp_ok_head(char *out, size_t cap, size_t body_len)
{
	return fitted(snprintf(out, cap,
			       "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
			       "Connection: Keep-Alive\r\nKeep-Alive: timeout=15; max=19\r\n"
			       "Content-Length: %zu\r\n\r\n",
			       body_len),
		      cap);
}

static const char *reason_of(int status)
{
	return status == 403 ? "Forbidden" : status == 404 ? "Not Found" : "Error";
}

int sehttp_html_head(char *out, size_t cap, int status, size_t body_len)
{
	return fitted(snprintf(out, cap,
			       "HTTP/1.1 %d %s\r\nConnection: Keep-Alive\r\nContent-Length: %zu\r\n"
			       "Content-Type: text/html; charset=iso-8859-1\r\n"
			       "Keep-Alive: timeout=15; max=19\r\n\r\n",
			       status, reason_of(status), body_len),
		      cap);
}

int sehttp_error_head(char *out, size_t cap, int status)
{
	const char *reason = reason_of(status);

	return fitted(
	    snprintf(out, cap,
		     "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: Keep-Alive\r\n\r\n",
		     status, reason),
	    cap);
}
