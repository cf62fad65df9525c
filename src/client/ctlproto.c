// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Control request parser.  Lease values come from the DHCP client, which
 * took them from the network: addresses by inet_pton, the netmask must be
 * contiguous, RFC 3442 routes are decoded octet by octet with every width
 * checked, domain names by their label rules, and each list is bounded.
 */
#include "ctlproto.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kvconf.h"

const char *const ctl_lease_vars[] = {
    "reason",
    "new_ip_address",
    "new_subnet_mask",
    "new_domain_name_servers",
    "new_domain_name",
    "new_domain_search",
    "new_rfc3442_classless_static_routes",
    "new_dhcp_lease_time",
    "new_ip6_address",
    "new_ip6_prefixlen",
    "new_dhcp6_name_servers",
    "new_dhcp6_domain_search",
    "new_max_life",
    NULL,
};

static int parse_reason(struct ctl_lease *l, const char *v, char *err, size_t errlen)
{
	static const char *const bound[] = {"BOUND", "RENEW", "REBIND", "REBOOT"};
	static const char *const gone[] = {"EXPIRE", "FAIL", "RELEASE", "STOP"};
	static const char *const ignore[] = {"PREINIT", "TIMEOUT",  "MEDIUM",
					     "NBI",	"ARPCHECK", "ARPSEND"};

	char base[16];
	size_t n = strlen(v);

	snprintf(l->reason, sizeof(l->reason), "%.15s", v);
	/* dhclient -6 says "BOUND6", "RELEASE6", ...; DEPREF6 and INFORM6 change nothing here */
	l->family = n > 1 && v[n - 1] == '6' ? AF_INET6 : AF_INET;
	snprintf(base, sizeof(base), "%.*s", (int)(l->family == AF_INET6 ? n - 1 : n), v);
	if (strcmp(v, "DEPREF6") == 0 || strcmp(v, "INFORM6") == 0) {
		l->event = LEASE_IGNORE;
		return 0;
	}
	v = base;
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, bound[i]) == 0)
			l->event = LEASE_BOUND;
		else if (strcmp(v, gone[i]) == 0)
			l->event = LEASE_GONE;
		else
			continue;
		return 0;
	}
	for (size_t i = 0; i < sizeof(ignore) / sizeof(ignore[0]); i++)
		if (strcmp(v, ignore[i]) == 0) {
			l->event = LEASE_IGNORE;
			return 0;
		}
	snprintf(err, errlen, "lease: unknown reason \"%.32s\"", v);
	return -1;
}

static int parse_ipf(int family, const char *name, const char *v, struct netcfg_ip *ip, char *err,
		     size_t errlen)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = family;
	if (inet_pton(family, v, ip->addr) != 1) {
		snprintf(err, errlen, "lease: %s: \"%.48s\" is not an IPv%c address", name, v,
			 family == AF_INET ? '4' : '6');
		return -1;
	}
	return 0;
}

static int parse_ip4(const char *name, const char *v, struct netcfg_ip *ip, char *err,
		     size_t errlen)
{
	return parse_ipf(AF_INET, name, v, ip, err, errlen);
}

static int parse_mask(struct ctl_lease *l, const char *v, char *err, size_t errlen)
{
	struct netcfg_ip m;
	uint32_t bits;

	if (parse_ip4("new_subnet_mask", v, &m, err, errlen) != 0)
		return -1;
	bits = (uint32_t)m.addr[0] << 24 | (uint32_t)m.addr[1] << 16 | (uint32_t)m.addr[2] << 8 |
	       m.addr[3];
	if (bits == 0 || (~bits & (~bits + 1)) != 0) {
		snprintf(err, errlen, "lease: netmask %.32s is not contiguous", v);
		return -1;
	}
	l->prefix = (uint8_t)__builtin_popcount(bits);
	return 0;
}

/* Space-separated words of v, each handed to fn; -1 if fn refuses one. */
static int each_word(const char *v, int (*fn)(struct ctl_lease *, const char *, char *, size_t),
		     struct ctl_lease *l, char *err, size_t errlen)
{
	char buf[CTL_MSG_MAX], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (fn(l, w, err, errlen) != 0)
			return -1;
	return 0;
}

static int add_dns(struct ctl_lease *l, const char *w, char *err, size_t errlen)
{
	if (l->ndns == NETCFG_DNS_MAX)
		return 0; /* resolv.conf uses three: the rest would be ignored anyway */
	return parse_ipf(strchr(w, ':') ? AF_INET6 : AF_INET, "name servers", w, &l->dns[l->ndns++],
			 err, errlen);
}

/* dhclient writes "office.test. b.test." (option 119) or "office.test" (option 15). */
static int add_search(struct ctl_lease *l, const char *w, char *err, size_t errlen)
{
	char d[NETCFG_DOMAIN_MAX + 1];
	size_t n = strlen(w);

	if (n && w[n - 1] == '.')
		n--;
	if (n == 0 || n > NETCFG_DOMAIN_MAX) {
		snprintf(err, errlen, "lease: empty or overlong search domain");
		return -1;
	}
	snprintf(d, sizeof(d), "%.*s", (int)n, w);
	if (!netcfg_domain_ok(d)) {
		snprintf(err, errlen, "lease: \"%.64s\" is not a domain name", d);
		return -1;
	}
	for (size_t i = 0; i < l->nsearch; i++)
		if (strcmp(l->search[i], d) == 0)
			return 0;
	if (l->nsearch < NETCFG_SEARCH_MAX)
		snprintf(l->search[l->nsearch++], NETCFG_DOMAIN_MAX + 1, "%s", d);
	return 0;
}

static int next_octet(const char **p, uint8_t *out)
{
	char *end;
	unsigned long v;

	while (**p == ' ')
		(*p)++;
	if (**p < '0' || **p > '9')
		return -1;
	v = strtoul(*p, &end, 10);
	if (v > 255 || end - *p > 3)
		return -1;
	*p = end;
	*out = (uint8_t)v;
	return 0;
}

/* RFC 3442: width, the significant octets of the destination, the 4-octet router. */
static int parse_classless(struct ctl_lease *l, const char *v, char *err, size_t errlen)
{
	const char *p = v;
	uint8_t width;

	while (next_octet(&p, &width) == 0) {
		struct netcfg_route *r = &l->route[l->nroute];
		uint8_t oct[8];
		int n = (width + 7) / 8;

		if (width > 32 || l->nroute == NETCFG_ROUTE_MAX)
			goto bad;
		for (int i = 0; i < n + 4; i++)
			if (next_octet(&p, &oct[i]) != 0)
				goto bad;
		memset(r, 0, sizeof(*r));
		r->dst.family = r->via.family = AF_INET;
		memcpy(r->dst.addr, oct, (size_t)n);
		if (width % 8)
			r->dst.addr[n - 1] &= (uint8_t)(0xff00u >> (width % 8));
		r->prefix = width;
		memcpy(r->via.addr, oct + n, 4);
		r->has_via = memcmp(r->via.addr, "\0\0\0\0", 4) != 0; /* 0.0.0.0: on the link */
		l->nroute++;
	}
	while (*p == ' ')
		p++;
	if (!*p)
		return 0;
bad:
	snprintf(err, errlen, "lease: malformed classless static routes \"%.64s\"", v);
	return -1;
}

static int parse_prefixlen(struct ctl_lease *l, const char *v, char *err, size_t errlen)
{
	uint32_t len;

	if (kv_uint("new_ip6_prefixlen", v, 1, 128, &len, err, errlen) != 0)
		return -1;
	l->prefix = (uint8_t)len;
	return 0;
}

static int lease_var(struct ctl_lease *l, size_t idx, const char *v, char *err, size_t errlen)
{
	switch (idx) {
	case 0:
		return parse_reason(l, v, err, errlen);
	case 1:
		l->has_ip = true;
		return parse_ip4("new_ip_address", v, &l->ip, err, errlen);
	case 2:
		return parse_mask(l, v, err, errlen);
	case 3:
		return each_word(v, add_dns, l, err, errlen);
	case 4:
	case 5:
		return each_word(v, add_search, l, err, errlen);
	case 6:
		return parse_classless(l, v, err, errlen);
	case 8:
		l->has_ip = true;
		return parse_ipf(AF_INET6, "new_ip6_address", v, &l->ip, err, errlen);
	case 9:
		return parse_prefixlen(l, v, err, errlen);
	case 10:
		return each_word(v, add_dns, l, err, errlen);
	case 11:
		return each_word(v, add_search, l, err, errlen);
	default: /* 7 and 12: lease time, valid lifetime */
		return kv_uint(ctl_lease_vars[idx], v, 0, UINT32_MAX, &l->lease_s, err, errlen);
	}
}

/* "NAME=VALUE" lines after "lease"; each known name once, the reason required. */
static int parse_lease(char *text, struct ctl_lease *l, char *err, size_t errlen)
{
	unsigned int seen = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		size_t i;

		if (!eq) {
			snprintf(err, errlen, "lease: expected NAME=VALUE, got \"%.32s\"", line);
			return -1;
		}
		*eq = '\0';
		for (i = 0; ctl_lease_vars[i] && strcmp(line, ctl_lease_vars[i]) != 0; i++)
			;
		if (!ctl_lease_vars[i] || seen & (1u << i)) {
			snprintf(err, errlen, "lease: unknown or repeated name \"%.40s\"", line);
			return -1;
		}
		seen |= 1u << i;
		if (lease_var(l, i, eq + 1, err, errlen) != 0)
			return -1;
	}
	if (!(seen & 1)) {
		snprintf(err, errlen, "lease: no reason");
		return -1;
	}
	/* an address and its netmask or prefix length, of the reason's family */
	if (l->event == LEASE_BOUND && (!l->has_ip || l->ip.family != l->family ||
					!(seen & (l->family == AF_INET ? 1u << 2 : 1u << 9)))) {
		snprintf(err, errlen, "lease: %s without an address and netmask", l->reason);
		return -1;
	}
	return 0;
}

int ctl_parse(const char *buf, size_t len, struct ctl_req *r, char *err, size_t errlen)
{
	char text[CTL_MSG_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (len == 0 || len > CTL_MSG_MAX || memchr(buf, '\0', len)) {
		snprintf(err, errlen, "request empty, too long or holding a NUL byte");
		return -1;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n') {
			snprintf(err, errlen, "request holds a control character");
			return -1;
		}
	if (strcmp(text, "status json") == 0 || strcmp(text, "status") == 0)
		r->fmt = CTL_FMT_JSON;
	else if (strcmp(text, "status text") == 0)
		r->fmt = CTL_FMT_TEXT;
	else if (strcmp(text, "status line") == 0)
		r->fmt = CTL_FMT_LINE;
	else if (strcmp(text, "disconnect") == 0)
		r->cmd = CTL_DISCONNECT;
	else if (strncmp(text, "lease\n", 6) == 0) {
		r->cmd = CTL_LEASE;
		return parse_lease(text + 6, &r->lease, err, errlen);
	} else {
		snprintf(err, errlen, "unknown request \"%.32s\"", text);
		return -1;
	}
	return 0;
}
