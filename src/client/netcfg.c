// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network-setup profile keys: every value checked and bounded (routes with
 * no host bits, same-family gateways, DNS names by their label rules, hook
 * commands without control characters), multi-valued keys counted.
 */
#include "netcfg.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "kvconf.h"

static int parse_ip(const char *key, const char *v, struct netcfg_ip *ip, char *err, size_t errlen)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, v, ip->addr) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, v, ip->addr) == 1)
		ip->family = AF_INET6;
	else {
		snprintf(err, errlen, "%s: \"%.64s\" is not an IPv4 or IPv6 address", key, v);
		return -1;
	}
	return 0;
}

static bool host_bits_zero(const struct netcfg_ip *ip, unsigned int prefix)
{
	unsigned int len = ip->family == AF_INET ? 4 : 16;

	for (unsigned int i = 0; i < len; i++) {
		unsigned int keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;
		uint8_t mask = (uint8_t)(0xff00u >> keep);

		if (ip->addr[i] & (uint8_t)~mask)
			return false;
	}
	return true;
}

/* "A/LEN", "default" (0.0.0.0/0) or "default6" (::/0). */
static int parse_prefix(const char *key, const char *v, struct netcfg_route *r, char *err,
			size_t errlen)
{
	char ip[64];
	const char *slash = strchr(v, '/');
	uint32_t len;

	if (strcmp(v, "default") == 0 || strcmp(v, "default6") == 0) {
		r->dst.family = v[7] ? AF_INET6 : AF_INET;
		r->prefix = 0;
		return 0;
	}
	if (!slash || (size_t)(slash - v) >= sizeof(ip)) {
		snprintf(err, errlen, "%s: expected PREFIX/LENGTH, got \"%.64s\"", key, v);
		return -1;
	}
	snprintf(ip, sizeof(ip), "%.*s", (int)(slash - v), v);
	if (parse_ip(key, ip, &r->dst, err, errlen) != 0 ||
	    kv_uint(key, slash + 1, 0, r->dst.family == AF_INET ? 32 : 128, &len, err, errlen) != 0)
		return -1;
	r->prefix = (uint8_t)len;
	if (!host_bits_zero(&r->dst, len)) {
		snprintf(err, errlen, "%s: %s has bits set after the first %u", key, v, len);
		return -1;
	}
	return 0;
}

int netcfg_parse_route(const char *key, const char *v, struct netcfg_route *r, char *err,
		       size_t errlen)
{
	char buf[160], *tok[4], *save = NULL;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	if (strlen(v) < sizeof(buf)) {
		snprintf(buf, sizeof(buf), "%s", v);
		for (char *t = strtok_r(buf, " \t", &save); t && n < 4;
		     t = strtok_r(NULL, " \t", &save))
			tok[n++] = t;
	}
	if (!(n == 1 || (n == 3 && strcmp(tok[1], "via") == 0))) {
		snprintf(err, errlen, "%s: expected \"PREFIX/LENGTH [via GATEWAY]\", got \"%.64s\"",
			 key, v);
		return -1;
	}
	if (parse_prefix(key, tok[0], r, err, errlen) != 0)
		return -1;
	if (n == 1)
		return 0;
	if (parse_ip(key, tok[2], &r->via, err, errlen) != 0)
		return -1;
	if (r->via.family != r->dst.family) {
		snprintf(err, errlen, "%s: gateway %s is not of the prefix's address family", key,
			 tok[2]);
		return -1;
	}
	r->has_via = true;
	return 0;
}

bool netcfg_domain_ok(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (len == 0 || len > NETCFG_DOMAIN_MAX + 1 ||
	    (len == NETCFG_DOMAIN_MAX + 1 && s[len - 1] != '.'))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		if ((label == 0 && c == '-') || ++label > 63)
			return false;
	}
	return s[len - 1] != '-';
}

static int parse_hook(const char *key, const char *v, char (*list)[NETCFG_HOOK_LEN + 1], size_t *n,
		      char *err, size_t errlen)
{
	if (*n == NETCFG_HOOK_MAX) {
		snprintf(err, errlen, "%s: more than %d commands", key, NETCFG_HOOK_MAX);
		return -1;
	}
	if (!v[0] || strlen(v) > NETCFG_HOOK_LEN) {
		snprintf(err, errlen, "%s: empty, or longer than %d bytes", key, NETCFG_HOOK_LEN);
		return -1;
	}
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			snprintf(err, errlen, "%s: contains a control character", key);
			return -1;
		}
	snprintf(list[(*n)++], NETCFG_HOOK_LEN + 1, "%s", v);
	return 0;
}

static int parse_resolver(struct netcfg *n, const char *key, const char *v, char *err,
			  size_t errlen)
{
	static const char *const names[] = {"auto", "resolved", "resolvconf", "file"};

	if (n->resolver_set) {
		snprintf(err, errlen, "%s: given twice", key);
		return -1;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0) {
			n->resolver = (enum netcfg_resolver)i;
			n->resolver_set = true;
			return 0;
		}
	snprintf(err, errlen, "%s: \"%.32s\" is not one of: auto, resolved, resolvconf, file", key,
		 v);
	return -1;
}

static int parse_auto_address(struct netcfg *n, const char *key, const char *v, char *err,
			      size_t errlen)
{
	bool *flag = strcmp(v, "dhcp") == 0    ? &n->dhcp4
		     : strcmp(v, "dhcp6") == 0 ? &n->dhcp6
					       : &n->slaac;

	if (*flag) {
		snprintf(err, errlen, "%s: \"%s\" given twice", key, v);
		return -1;
	}
	*flag = true;
	return 0;
}

static int parse_dns(struct netcfg *n, const char *key, const char *v, char *err, size_t errlen)
{
	if (n->ndns == NETCFG_DNS_MAX) {
		snprintf(err, errlen, "%s: more than %d servers", key, NETCFG_DNS_MAX);
		return -1;
	}
	return parse_ip(key, v, &n->dns[n->ndns++], err, errlen);
}

static int parse_search(struct netcfg *n, const char *key, const char *v, char *err, size_t errlen)
{
	if (n->nsearch == NETCFG_SEARCH_MAX) {
		snprintf(err, errlen, "%s: more than %d domains", key, NETCFG_SEARCH_MAX);
		return -1;
	}
	if (!netcfg_domain_ok(v)) {
		snprintf(err, errlen, "%s: \"%.64s\" is not a domain name", key, v);
		return -1;
	}
	snprintf(n->search[n->nsearch++], NETCFG_DOMAIN_MAX + 1, "%s", v);
	return 0;
}

int netcfg_item(struct netcfg *n, const char *key, const char *v, char *err, size_t errlen)
{
	if (strcmp(key, "address") == 0 &&
	    (strcmp(v, "dhcp") == 0 || strcmp(v, "dhcp6") == 0 || strcmp(v, "slaac") == 0))
		return parse_auto_address(n, key, v, err, errlen);
	if (strcmp(key, "route") == 0) {
		if (n->nroute == NETCFG_ROUTE_MAX) {
			snprintf(err, errlen, "%s: more than %d routes", key, NETCFG_ROUTE_MAX);
			return -1;
		}
		if (netcfg_parse_route(key, v, &n->route[n->nroute], err, errlen) != 0)
			return -1;
		n->nroute++;
		return 0;
	}
	if (strcmp(key, "dns") == 0)
		return parse_dns(n, key, v, err, errlen);
	if (strcmp(key, "dns_search") == 0)
		return parse_search(n, key, v, err, errlen);
	if (strcmp(key, "resolver") == 0)
		return parse_resolver(n, key, v, err, errlen);
	if (strcmp(key, "up") == 0)
		return parse_hook(key, v, n->up, &n->nup, err, errlen);
	if (strcmp(key, "down") == 0)
		return parse_hook(key, v, n->down, &n->ndown, err, errlen);
	return NETCFG_OTHER;
}

bool netcfg_needs_root(const struct netcfg *n)
{
	return n->dhcp4 || n->dhcp6 || n->slaac || n->nroute || n->ndns || n->nsearch || n->nup ||
	       n->ndown;
}

const char *netcfg_ip_str(const struct netcfg_ip *ip, char *buf, size_t len)
{
	if (!inet_ntop(ip->family, ip->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *netcfg_route_str(const struct netcfg_route *r, char *buf, size_t len)
{
	char a[64], g[64];

	netcfg_ip_str(&r->dst, a, sizeof(a));
	if (r->has_via)
		snprintf(buf, len, "%s/%u via %s", a, r->prefix,
			 netcfg_ip_str(&r->via, g, sizeof(g)));
	else
		snprintf(buf, len, "%s/%u", a, r->prefix);
	return buf;
}

bool netcfg_route_covers(const struct netcfg_route *r, const struct netcfg_ip *addr)
{
	unsigned int full = r->prefix / 8, rest = r->prefix % 8;

	if (r->dst.family != addr->family)
		return false;
	if (memcmp(r->dst.addr, addr->addr, full) != 0)
		return false;
	return rest == 0 ||
	       ((r->dst.addr[full] ^ addr->addr[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}
