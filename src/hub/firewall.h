/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hub's firewall (the seed's packet analysis and security policies):
 * every frame is parsed once (packet.h) and checked against the hub's Filter*
 * options, the sending session's policy and the ingress access list before it
 * is switched, and against each destination's policy and the egress access
 * list before it is queued there.  SoftEther's semantics (softether-notes 2.1
 * to 2.3, 3.2) unless docs/firewall.md says otherwise.
 *
 * Everything here runs under the hub's lock: the state below is shared by
 * the session threads that switch frames through one hub.  A leaf: it sees
 * its own state and the parse result only; counting and logging a drop,
 * DHCP snooping and rewriting frames belong to the caller (forward.c).
 */
#ifndef VPN_FIREWALL_H
#define VPN_FIREWALL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "acl.h"
#include "config.h"
#include "iptable.h"
#include "packet.h"
#include "policy.h"

/* Why a frame was dropped: a policy item, or one of the reasons after them. */
enum fw_reason {
	FW_PASS = 0,
	FW_R_POLICY = 1,			   /* + enum policy_item */
	FW_R_HUB_FILTER = FW_R_POLICY + POL_COUNT, /* the hub's Filter* options */
	FW_R_ACCESS_LIST,			   /* a discarding access-list entry */
	FW_R_MALFORMED,				   /* a header that does not add up */
	FW_R_BAD_SOURCE,			   /* multicast, zero or broadcast source MAC */
	FW_R_MAC_TABLE,				   /* the hub's MAC table is full */
	FW_R_COUNT
};

static inline enum fw_reason fw_policy(enum policy_item item)
{
	return (enum fw_reason)(FW_R_POLICY + item);
}

/* "DHCPNoServer", "AccessList", ... */
const char *fw_reason_name(enum fw_reason r);

/* Per-second byte budget for MaxUpload / MaxDownload (SoftEther's 1000 ms window). */
struct fw_rate {
	uint64_t window_ms, bytes, per_second; /* per_second 0 = unlimited */
};

/* One security-log line per episode: drops of one reason with gaps under FW_EPISODE_GAP_MS. */
#define FW_EPISODE_GAP_MS 10000
struct fw_episode {
	uint64_t last_ms, frames;
};

/* A session's firewall state; set at login and on reload. */
struct fw_session {
	struct policy pol;
	bool monitor;	       /* MonitorPort: receives every frame, sends none */
	bool transport_v6;     /* the session's TCP connection is over IPv6 */
	atomic_ushort vlan_id; /* VLanId: access port (read before the lock) */
	struct acl_who who;    /* access-list user and group keys */
	uint32_t acl_id;       /* the access-list entry behind the last AccessList drop */
	struct ipt_port ips;
	struct fw_rate up, down;
	atomic_ullong drops[FW_R_COUNT];
	struct fw_episode episode[FW_R_COUNT];
};

/* A hub's firewall: its options, IP table and drop counters. */
struct fw_hub {
	struct conf_options opt;
	atomic_ushort tpid; /* opt.vlan_tpid, read before the lock */
	struct ipt_table *ips;
	struct acl *acl;	 /* compiled access list, or NULL when empty */
	uint32_t *acl_ids;	 /* the entries' Ids, ascending */
	atomic_ullong *acl_hits; /* discards per entry, in acl_ids order */
	uint32_t nacl;
	uint32_t nmonitors; /* sessions in monitor mode */
	atomic_ullong drops[FW_R_COUNT];
};

int fw_hub_init(struct fw_hub *fh, const struct conf_hub *ch);
/* Applies a reloaded hub configuration (options and access list); 0 or -1 (kept old). */
int fw_hub_update(struct fw_hub *fh, const struct conf_hub *ch);
void fw_hub_free(struct fw_hub *fh);
/* Frames the access-list entry with this Id discarded; caller holds the hub lock. */
unsigned long long fw_acl_hits(struct fw_hub *fh, uint32_t id);

/* Sets up a session's state from its effective policy and user/group names. */
void fw_session_init(struct fw_session *fs, const struct policy *pol, const char *user,
		     const char *group, bool transport_v6);
/* Applies a reloaded policy to a live session; caller holds the hub lock. */
void fw_session_update(struct fw_session *fs, const struct policy *pol);

/*
 * Ingress checks for a frame from the session fs: hub filters, its policy,
 * its upload rate, the IP table and the ingress access list.  FW_PASS or the
 * reason (not yet counted: the caller reports drops).  *acl_decided is set
 * when an ingress access-list entry passed the frame: then no egress entry is
 * consulted.
 */
enum fw_reason fw_ingress(struct fw_hub *fh, struct fw_session *fs, const struct pkt_info *pi,
			  uint32_t len, uint64_t now_ms, bool *acl_decided);

/* What a destination needs done to its copy of a frame (rewrite.h). */
#define FW_EDIT_UNTAG 1	  /* remove the 802.1Q tag (access port) */
#define FW_EDIT_RA_ZERO 2 /* zero the RA router lifetime */

/*
 * Egress checks of a frame from the session from toward the session to;
 * FW_PASS with *edits set, or the reason (for the caller to count against
 * to).  Frames of another VLAN than an access port's are not for it:
 * FW_R_POLICY+POL_VLAN_ID, which is no drop (no other check returns it).
 */
enum fw_reason fw_egress(struct fw_hub *fh, const struct fw_session *from, struct fw_session *to,
			 const struct pkt_info *pi, uint32_t len, uint64_t now_ms, bool acl_decided,
			 unsigned *edits);

#endif
