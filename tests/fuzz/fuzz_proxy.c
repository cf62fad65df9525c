// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: what a proxy sends back.  Every input goes through the
 * HTTP CONNECT reply head parser, the SOCKS5 answer parsers and the proxy
 * URL parser, and then, as the whole answer of a proxy on a socket pair,
 * through proxy_open itself (the first byte picks HTTP or SOCKS5, with or
 * without credentials).  Checked: a found head ends with its blank line, a
 * SOCKS5 reply asks only for more than it has, and after a tunnel opens
 * through HTTP exactly the bytes past the head are left unread.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proxy.h"
#include "proxy_http.h"
#include "proxy_socks5.h"

static void parse_all(const uint8_t *data, size_t size)
{
	struct proxy_http_reply hr;
	struct proxy_socks5_reply sr;
	struct proxy_conf pc;
	const char *perr;
	char err[256], *text;
	size_t head = proxy_http_head_len((const char *)data, size);
	int need;

	if (head && (head > size || data[head - 1] != '\n'))
		abort();
	(void)proxy_http_reply_parse((const char *)data, head ? head : size, &hr, &perr);
	for (size_t len = 0; len <= size && len <= SOCKS5_REPLY_MAX + 1; len++) {
		need = proxy_socks5_reply_parse(data, len, &sr, &perr);
		if (need > 0 && (size_t)need <= len)
			abort();
	}
	if (size >= 2) {
		(void)proxy_socks5_method_parse(data, &perr);
		(void)proxy_socks5_auth_parse(data, &perr);
	}
	text = malloc(size + 1);
	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (proxy_url_parse(text, &pc, err, sizeof(err)) == 0 &&
	    (pc.port == 0 || !proxy_host_ok(pc.host) || pc.type == PROXY_NONE))
		abort();
	free(text);
}

/* The input, after its first byte, is everything the proxy says, then end of stream. */
static void open_through(const uint8_t *data, size_t size)
{
	struct proxy_conf pc = {.host = "10.0.0.1", .port = 3128};
	uint8_t rest[256];
	char err[512];
	size_t left = 0;
	ssize_t n;
	int sv[2];

	if (size < 1 || size > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	pc.type = data[0] & 1 ? PROXY_SOCKS5 : PROXY_HTTP;
	if (data[0] & 2) {
		memcpy(pc.user, "bob", 4);
		memcpy(pc.password, "pw", 3);
	}
	if (size > 1 && write(sv[1], data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	shutdown(sv[1], SHUT_WR);
	if (proxy_open(sv[0], &pc, "hub.test", 5555, 1000, err, sizeof(err)) == PROXY_OK &&
	    pc.type == PROXY_HTTP) {
		while ((n = recv(sv[0], rest, sizeof(rest), MSG_DONTWAIT)) > 0)
			left += (size_t)n;
		if (left != size - 1 - proxy_http_head_len((const char *)data + 1, size - 1))
			abort();
	}
	close(sv[0]);
	close(sv[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_all(data, size);
	open_through(data, size);
	return 0;
}
