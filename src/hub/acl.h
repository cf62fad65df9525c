/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hub's access list (softether-notes 2.3), compiled once per configuration
 * into an index so that a frame is checked against the few entries that can
 * match it, not against all of them.
 *
 * Semantics (SoftEther's IsPacketMaskedByAccessList): entries by ascending
 * Priority (config.c sorts them), the first matching entry decides pass or
 * discard, no match passes, inactive entries never match.  Two phases: the
 * ingress phase (once per frame, at the sender) uses the entries before the
 * first entry naming a DestUsername; the egress phase (per destination
 * session) uses the entries from that one on.  An entry that matched in
 * ingress decides for every destination: egress runs only when ingress
 * matched nothing (entry id 0).
 *
 * Conditions: source/destination MAC with mask; IPv4 or IPv6 address with
 * mask (such an entry never matches a frame of the other family or a non-IP
 * frame; ARP frames only with ACL_APPLY_IPV4_ON_ARP, compared by the ARP
 * sender/target protocol addresses); IP protocol (IPv4 protocol or IPv6
 * final next header); port ranges, which only TCP and UDP segments with a
 * transport header can match (never a non-first fragment); TCP state
 * (established = not SYN-without-ACK, TCP only); source and destination user
 * or group name, case-insensitive, an NT "DOMAIN\" prefix ignored.
 */
#ifndef VPN_HUB_ACL_H
#define VPN_HUB_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "packet.h"

enum acl_verdict {
	ACL_PASS,
	ACL_DISCARD,
};

/* acl_compile flags */
#define ACL_APPLY_IPV4_ON_ARP 0x1 /* hub option ApplyIPv4AccessListOnArpPacket */

/* Who a session is, for the user/group conditions: built once at login. */
struct acl_who {
	uint64_t user;	/* acl_name_hash(user name) */
	uint64_t group; /* acl_name_hash(group name), 0 when in no group */
};

struct acl;

/*
 * Compiles entries[0..n) (in evaluation order, as config.c leaves them) into
 * a new access list; NULL with a message naming the entry in err when an
 * entry cannot be honoured (a SrcUsername/DestUsername "include:"/"exclude:"
 * file, which this release does not read) or when out of memory.  n = 0
 * gives an empty list that passes everything.  O(n log n).
 */
struct acl *acl_compile(const struct conf_access *entries, size_t n, unsigned flags, char *err,
			size_t errlen);
void acl_free(struct acl *acl);

/* Case-insensitive 64-bit hash of a user or group name; 0 only for "" or NULL. */
uint64_t acl_name_hash(const char *name);
void acl_who_init(struct acl_who *w, const char *user, const char *group);

/*
 * The ingress phase for a frame sent by src.  Returns ACL_PASS or
 * ACL_DISCARD and sets *entry_id to the deciding entry's Id, 0 when no
 * entry matched (then ACL_PASS, and acl_egress decides per destination).
 * acl may be NULL (no list).  Read-only: any number of threads at once.
 */
enum acl_verdict acl_ingress(const struct acl *acl, const struct pkt_info *pi,
			     const struct acl_who *src, uint32_t *entry_id);

/* The egress phase for the same frame towards one destination session dst. */
enum acl_verdict acl_egress(const struct acl *acl, const struct pkt_info *pi,
			    const struct acl_who *src, const struct acl_who *dst,
			    uint32_t *entry_id);

/* True when the list has egress entries (else acl_egress always passes). */
bool acl_has_egress(const struct acl *acl);

/* Active entries in each phase, for logs. */
size_t acl_ingress_count(const struct acl *acl);
size_t acl_egress_count(const struct acl *acl);

#endif
