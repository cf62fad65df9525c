// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source-IP access list (srcacl.h).  A few entries per hub at most in
 * practice: a linear scan per login is cheaper than anything cleverer.
 */
#include "srcacl.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "config_keys.h"

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* A prefix length as a mask; false when out of range. */
static bool prefix_mask(const char *text, int family, uint8_t *mask)
{
	char *end;
	unsigned long bits = strtoul(text, &end, 10);
	size_t len = addr_len(family);

	if (!text[0] || *end || bits > len * 8)
		return false;
	memset(mask, 0, len);
	for (size_t i = 0; i < len; i++, bits = bits >= 8 ? bits - 8 : 0)
		mask[i] = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
	return true;
}

static bool parse_mask(const char *text, int family, uint8_t *mask)
{
	if (strchr(text, family == AF_INET ? '.' : ':'))
		return inet_pton(family, text, mask) == 1;
	return prefix_mask(text, family, mask);
}

int srcacl_parse(const char *text, struct srcacl_entry *e)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);

	if (n >= sizeof(addr))
		return -1;
	memcpy(addr, text, n);
	addr[n] = '\0';
	memset(e->addr, 0, sizeof(e->addr));
	memset(e->mask, 0xff, sizeof(e->mask));
	if (inet_pton(AF_INET, addr, e->addr) == 1)
		e->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, e->addr) == 1)
		e->family = AF_INET6;
	else
		return -1;
	if (slash && !parse_mask(slash + 1, e->family, e->mask))
		return -1;
	for (size_t i = 0; i < addr_len(e->family); i++)
		e->addr[i] &= e->mask[i];
	return 0;
}

static int fail(char *err, size_t errlen, const struct cfg_folder *f, const char *what)
{
	char where[4200];

	cfg_folder_where(f, where, sizeof(where));
	snprintf(err, errlen, "%s: %s", where, what);
	return -1;
}

/* Acl<n>'s n, for the order among equal priorities (folder names sort as text). */
static uint32_t acl_number(const char *name)
{
	unsigned long n = strncasecmp(name, "Acl", 3) == 0 ? strtoul(name + 3, NULL, 10) : 0;

	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static int load_entry(const struct cfg_folder *f, struct srcacl_entry *e, char *err, size_t errlen)
{
	const char *ip, *mask;
	char text[200];

	memset(e, 0, sizeof(*e));
	e->number = acl_number(f->name);
	if (cfg_get_bool(f, CONFIG_KEY(SRCACL, Deny), false, &e->deny, err, errlen) ||
	    cfg_get_uint(f, CONFIG_KEY(SRCACL, Priority), 0, &e->priority, err, errlen) ||
	    cfg_get_string(f, CONFIG_KEY(SRCACL, IpAddress), "", &ip, NULL, err, errlen) ||
	    cfg_get_string(f, CONFIG_KEY(SRCACL, NetMask), "", &mask, NULL, err, errlen))
		return -1;
	if (snprintf(text, sizeof(text), mask[0] ? "%s/%s" : "%s", ip, mask) >= (int)sizeof(text) ||
	    srcacl_parse(text, e) != 0)
		return fail(err, errlen, f,
			    "IpAddress/NetMask is not an IPv4 or IPv6 address and mask");
	return 0;
}

static int by_priority(const void *a, const void *b)
{
	const struct srcacl_entry *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->number < y->number ? -1 : x->number > y->number;
}

int srcacl_load(const struct cfg_folder *db, struct srcacl_entry **out, size_t *n, char *err,
		size_t errlen)
{
	const struct cfg_folder *list = cfg_find_folder(db, "IPAccessControlList");

	*out = NULL;
	*n = 0;
	if (!list || list->nfolders == 0)
		return 0;
	if (list->nfolders > SRCACL_MAX)
		return fail(err, errlen, list, "more than 4096 source-IP entries");
	*out = calloc(list->nfolders, sizeof(**out));
	if (!*out)
		return fail(err, errlen, list, "out of memory");
	for (size_t i = 0; i < list->nfolders; i++) {
		if (load_entry(list->folders[i], &(*out)[i], err, errlen) != 0) {
			free(*out);
			*out = NULL;
			return -1;
		}
	}
	*n = list->nfolders;
	qsort(*out, *n, sizeof(**out), by_priority);
	return 0;
}

/* The family and bytes of a socket address; an IPv4-mapped IPv6 address is IPv4. */
static int peer_addr(const struct sockaddr *sa, uint8_t *addr)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (sa->sa_family == AF_INET) {
		memcpy(addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return AF_INET;
	}
	if (sa->sa_family != AF_INET6)
		return -1;
	memcpy(addr, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
		memmove(addr, addr + 12, 4);
		return AF_INET;
	}
	return AF_INET6;
}

const struct srcacl_entry *srcacl_match(const struct srcacl_entry *e, size_t n,
					const struct sockaddr *sa)
{
	uint8_t addr[16];
	int family = peer_addr(sa, addr);

	for (size_t i = 0; i < n; i++) {
		size_t len = addr_len(e[i].family), k;

		if (e[i].family != family)
			continue;
		for (k = 0; k < len && (addr[k] & e[i].mask[k]) == e[i].addr[k]; k++)
			;
		if (k == len)
			return &e[i];
	}
	return NULL;
}

bool srcacl_admits(const struct srcacl_entry *e, size_t n, const struct sockaddr *sa)
{
	const struct srcacl_entry *m = srcacl_match(e, n, sa);

	return !m || !m->deny;
}

/* The prefix length of a contiguous mask, or -1. */
static int mask_prefix(const uint8_t *mask, size_t len)
{
	int bits = 0;
	size_t i = 0;

	for (; i < len && mask[i] == 0xff; i++)
		bits += 8;
	if (i < len) {
		uint8_t m = mask[i++];

		while (m & 0x80) {
			bits++;
			m = (uint8_t)(m << 1);
		}
		if (m)
			return -1;
	}
	for (; i < len; i++)
		if (mask[i])
			return -1;
	return bits;
}

void srcacl_format(const struct srcacl_entry *e, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
	size_t len = addr_len(e->family);
	int prefix = mask_prefix(e->mask, len);

	inet_ntop(e->family, e->addr, a, sizeof(a));
	if (prefix == (int)len * 8)
		snprintf(buf, cap, "%s", a);
	else if (prefix >= 0)
		snprintf(buf, cap, "%s/%d", a, prefix);
	else {
		inet_ntop(e->family, e->mask, m, sizeof(m));
		snprintf(buf, cap, "%s/%s", a, m);
	}
}
