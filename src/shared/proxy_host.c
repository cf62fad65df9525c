// SPDX-License-Identifier: GPL-2.0-or-later
/* The proxy host check (proxy_host.h). */
#include "proxy_host.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

bool proxy_host_ok(const char *host)
{
	size_t n = strlen(host);
	uint8_t a[16];

	if (inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1)
		return true;
	if (n == 0 || n > PROXY_HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = host[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}
