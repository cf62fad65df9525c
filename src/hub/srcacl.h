/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hub's source-IP access list, SoftEther's IPAccessControlList
 * (SecurityAccountDatabase/IPAccessControlList/Acl<n>: Deny, Priority,
 * IpAddress, NetMask).  Entries are tried by ascending Priority (ties in Acl
 * number order); the first one whose address and mask cover the client's
 * address decides (Deny true refuses, false admits); no match admits.  IPv4
 * entries see IPv4 clients (also as ::ffff:a.b.c.d), IPv6 entries IPv6
 * clients.  An entry without NetMask is a single host.  Checked before any
 * authentication work (handshake.c) and again for every session on reload.
 */
#ifndef VPN_HUB_SRCACL_H
#define VPN_HUB_SRCACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct cfg_folder;

#define SRCACL_MAX 4096 /* SoftEther's MAX_HUB_ACS */

struct srcacl_entry {
	uint32_t number; /* n of Acl<n> */
	uint32_t priority;
	bool deny;
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16], mask[16];
};

/* db = SecurityAccountDatabase; *out sorted for matching (free() it).  0 or -1 with err. */
int srcacl_load(const struct cfg_folder *db, struct srcacl_entry **out, size_t *n, char *err,
		size_t errlen);

/* The deciding entry for the address in sa (AF_INET or AF_INET6), or NULL: admitted. */
const struct srcacl_entry *srcacl_match(const struct srcacl_entry *e, size_t n,
					const struct sockaddr *sa);

/* True if the address in sa may connect. */
bool srcacl_admits(const struct srcacl_entry *e, size_t n, const struct sockaddr *sa);

/* "10.1.2.0/24", "10.1.2.3" (single host), "2001:db8::/32", or "addr/mask" when not a prefix. */
void srcacl_format(const struct srcacl_entry *e, char *buf, size_t cap);

/*
 * "a.b.c.d", "a.b.c.d/24", "a.b.c.d/255.255.255.0", "v6", "v6/64", "v6/ffff::"
 * into an entry's family, address and mask; 0, or -1 (not an address / mask).
 */
int srcacl_parse(const char *text, struct srcacl_entry *e);

#endif
