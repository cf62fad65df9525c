/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a proxy exchange may carry: the host names and credentials' limits,
 * and the check that a host may go into a request as is.  Shared by the URL
 * parser (proxy.c) and the two wire codecs (proxy_http.c, proxy_socks5.c),
 * which need nothing else of proxy.h.
 */
#ifndef VPN_PROXY_HOST_H
#define VPN_PROXY_HOST_H

#include <stdbool.h>

#define PROXY_HOST_MAX 255
#define PROXY_CRED_MAX 255 /* user or password: RFC 1929's limit, used for both kinds */

/*
 * True when host may go into a request line or a SOCKS5 domain name as is:
 * an IPv4 or IPv6 address, or 1 to 255 letters, digits, '.', '-' and '_'.
 */
bool proxy_host_ok(const char *host);

#endif
