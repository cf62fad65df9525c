// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Security policies, hub filters and access lists applied to parsed frames.
 * The checks are small predicates over struct pkt_info, grouped as SoftEther
 * groups them: what a session may send (ingress) and what it may receive
 * (egress).
 */
#include "firewall.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

/* SoftEther's floors: MAC_MIN_LIMIT_COUNT etc. (softether-notes 2.2) */
#define FW_NO_ROUTING_MAX_IP 4
#define FW_NO_ROUTING_V6_MAX_IP 15
#define FW_MIN_MAX_IP 4
#define FW_MIN_MAX_IPV6 5

#define DHCP6_ADVERTISE 2
#define DHCP6_REPLY 7
#define DHCP6_RECONFIGURE 10
#define DHCP6_RELAY_REPL 13

const char *fw_reason_name(enum fw_reason r)
{
	static const char *const extra[] = {
	    /* cppcheck-suppress duplicateExpression ; index 0, spelled like the others */
	    [FW_R_HUB_FILTER - FW_R_HUB_FILTER] = "HubFilter",
	    [FW_R_ACCESS_LIST - FW_R_HUB_FILTER] = "AccessList",
	    [FW_R_MALFORMED - FW_R_HUB_FILTER] = "Malformed",
	    [FW_R_BAD_SOURCE - FW_R_HUB_FILTER] = "BadSourceMac",
	    [FW_R_MAC_TABLE - FW_R_HUB_FILTER] = "MacTableFull",
	};

	if (r >= FW_R_POLICY && r < FW_R_HUB_FILTER)
		return policy_items[r - FW_R_POLICY].name;
	if (r >= FW_R_HUB_FILTER && r < FW_R_COUNT)
		return extra[r - FW_R_HUB_FILTER];
	return "pass";
}

/* ---- hub state ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void free_acl(struct fw_hub *fh)
{
	acl_free(fh->acl);
	free(fh->acl_ids);
	free(fh->acl_hits);
	fh->acl = NULL;
	fh->acl_ids = NULL;
	fh->acl_hits = NULL;
	fh->nacl = 0;
}

static int compile_acl(struct fw_hub *fh, const struct conf_hub *ch)
{
	struct fw_hub next = {.nacl = (uint32_t)ch->naccess};
	char err[200] = "out of memory";

	if (ch->naccess) {
		next.acl = acl_compile(ch->access, ch->naccess, 0, err, sizeof(err));
		next.acl_ids = malloc(ch->naccess * sizeof(*next.acl_ids));
		next.acl_hits = calloc(ch->naccess, sizeof(*next.acl_hits));
		if (!next.acl || !next.acl_ids || !next.acl_hits) {
			log_warnx("hub %s: access list not applied, the previous one stays: %s",
				  ch->name, err);
			free_acl(&next);
			return -1;
		}
		for (size_t i = 0; i < ch->naccess; i++)
			next.acl_ids[i] = ch->access[i].id;
		qsort(next.acl_ids, ch->naccess, sizeof(*next.acl_ids), cmp_u32);
	}
	free_acl(fh);
	fh->acl = next.acl;
	fh->acl_ids = next.acl_ids;
	fh->acl_hits = next.acl_hits;
	fh->nacl = next.nacl;
	return 0;
}

unsigned long long fw_acl_hits(struct fw_hub *fh, uint32_t id)
{
	uint32_t *at = fh->nacl ? bsearch(&id, fh->acl_ids, fh->nacl, sizeof(id), cmp_u32) : NULL;

	return at ? atomic_load_explicit(&fh->acl_hits[at - fh->acl_ids], memory_order_relaxed) : 0;
}

int fw_hub_init(struct fw_hub *fh, const struct conf_hub *ch)
{
	memset(fh, 0, sizeof(*fh));
	fh->ips = ipt_new();
	if (!fh->ips)
		return -1;
	fh->opt = ch->opt;
	atomic_store_explicit(&fh->tpid, ch->opt.vlan_tpid, memory_order_relaxed);
	return compile_acl(fh, ch);
}

int fw_hub_update(struct fw_hub *fh, const struct conf_hub *ch)
{
	fh->opt = ch->opt;
	atomic_store_explicit(&fh->tpid, ch->opt.vlan_tpid, memory_order_relaxed);
	return compile_acl(fh, ch);
}

void fw_hub_free(struct fw_hub *fh)
{
	ipt_free(fh->ips);
	fh->ips = NULL;
	free_acl(fh);
}

/* ---- session state ---- */

static uint32_t floor_of(uint32_t v, uint32_t min)
{
	return v && v < min ? min : v;
}

void fw_session_update(struct fw_session *fs, const struct policy *pol)
{
	const uint32_t *v = pol->v;

	fs->pol = *pol;
	fs->monitor = v[POL_MONITOR_PORT] != 0;
	atomic_store_explicit(&fs->vlan_id, (uint16_t)v[POL_VLAN_ID], memory_order_relaxed);
	fs->ips.max4 = floor_of(v[POL_MAX_IP], FW_MIN_MAX_IP);
	if (v[POL_NO_ROUTING] && (!fs->ips.max4 || fs->ips.max4 > FW_NO_ROUTING_MAX_IP))
		fs->ips.max4 = FW_NO_ROUTING_MAX_IP;
	fs->ips.max6 = floor_of(v[POL_MAX_IPV6], FW_MIN_MAX_IPV6);
	if (v[POL_NO_ROUTING_V6] && (!fs->ips.max6 || fs->ips.max6 > FW_NO_ROUTING_V6_MAX_IP))
		fs->ips.max6 = FW_NO_ROUTING_V6_MAX_IP;
	fs->ips.exclusive4 = v[POL_CHECK_IP] != 0;
	fs->ips.exclusive6 = v[POL_CHECK_IPV6] != 0;
	fs->up.per_second = v[POL_MAX_UPLOAD] / 8;
	fs->down.per_second = v[POL_MAX_DOWNLOAD] / 8;
}

void fw_session_init(struct fw_session *fs, const struct policy *pol, const char *user,
		     const char *group, bool transport_v6)
{
	memset(fs, 0, sizeof(*fs));
	fs->transport_v6 = transport_v6;
	acl_who_init(&fs->who, user, group && group[0] ? group : NULL);
	fw_session_update(fs, pol);
}

/* ---- classification helpers ---- */

static bool is_ipv4_family(const struct pkt_info *pi)
{
	return pi->l3 == PKT_L3_IPV4 || pi->l3 == PKT_L3_ARP;
}

static bool is_non_ip(const struct pkt_info *pi)
{
	return !is_ipv4_family(pi) && pi->l3 != PKT_L3_IPV6;
}

static bool is_icmpv6_type(const struct pkt_info *pi, uint8_t type)
{
	return pi->l4 == PKT_L4_ICMPV6 && pi->icmp_type == type;
}

static bool is_rs_or_ra(const struct pkt_info *pi)
{
	return is_icmpv6_type(pi, PKT_ICMPV6_RS) || is_icmpv6_type(pi, PKT_ICMPV6_RA);
}

static bool is_dhcp6_server_msg(const struct pkt_info *pi)
{
	uint8_t t = pi->dhcp6_msg_type;

	return pi->l7 == PKT_L7_DHCPV6 && (t == DHCP6_ADVERTISE || t == DHCP6_REPLY ||
					   t == DHCP6_RECONFIGURE || t == DHCP6_RELAY_REPL);
}

/* A SYN+ACK: the sender answers a connection, i.e. acts as a TCP server. */
static bool is_syn_ack(const struct pkt_info *pi)
{
	return pi->l4 == PKT_L4_TCP &&
	       (pi->tcp_flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == (PKT_TCP_SYN | PKT_TCP_ACK);
}

/* ArpDhcpOnly: the broadcasts that stay allowed. */
static bool is_allowed_broadcast(const struct pkt_info *pi)
{
	return pi->l3 == PKT_L3_ARP || pi->l7 == PKT_L7_DHCPV4 || pi->l7 == PKT_L7_DHCPV6 ||
	       pi->l4 == PKT_L4_ICMPV6;
}

/* ---- checks ---- */

static enum fw_reason hub_filters(const struct conf_options *o, const struct pkt_info *pi)
{
	if ((o->filter_ipv4 && is_ipv4_family(pi)) || (o->filter_ipv6 && pi->l3 == PKT_L3_IPV6) ||
	    (o->filter_non_ip && is_non_ip(pi)) ||
	    (o->filter_pppoe && (pi->ethertype == 0x8863 || pi->ethertype == 0x8864)) ||
	    (o->filter_ospf && pi->l3 == PKT_L3_IPV4 && pi->ip_proto == 89) ||
	    (o->filter_bpdu && pi->l3 == PKT_L3_BPDU))
		return FW_R_HUB_FILTER;
	return FW_PASS;
}

/* The policy filters that apply in both directions ("from and to the session"). */
static enum fw_reason both_ways(const struct policy *pol, const struct pkt_info *pi)
{
	const uint32_t *v = pol->v;

	if (v[POL_FILTER_IPV4] && is_ipv4_family(pi))
		return fw_policy(POL_FILTER_IPV4);
	if (v[POL_FILTER_IPV6] && pi->l3 == PKT_L3_IPV6)
		return fw_policy(POL_FILTER_IPV6);
	if (v[POL_FILTER_NON_IP] && is_non_ip(pi))
		return fw_policy(POL_FILTER_NON_IP);
	if (v[POL_DHCP_FILTER] && pi->l7 == PKT_L7_DHCPV4)
		return fw_policy(POL_DHCP_FILTER);
	if (v[POL_DHCPV6_FILTER] && pi->l7 == PKT_L7_DHCPV6)
		return fw_policy(POL_DHCPV6_FILTER);
	if (v[POL_RS_AND_RA_FILTER] && is_rs_or_ra(pi))
		return fw_policy(POL_RS_AND_RA_FILTER);
	if (v[POL_ARP_DHCP_ONLY] && pi->flags & PKT_F_MULTICAST && !is_allowed_broadcast(pi))
		return fw_policy(POL_ARP_DHCP_ONLY);
	return FW_PASS;
}

/* What the session may not send. */
static enum fw_reason send_policy(const struct policy *pol, const struct pkt_info *pi)
{
	const uint32_t *v = pol->v;

	if (v[POL_DHCP_NO_SERVER] && pi->l7 == PKT_L7_DHCPV4 && pi->dhcp_op == 2)
		return fw_policy(POL_DHCP_NO_SERVER);
	if (v[POL_DHCPV6_NO_SERVER] && is_dhcp6_server_msg(pi))
		return fw_policy(POL_DHCPV6_NO_SERVER);
	if (v[POL_RA_FILTER] && is_icmpv6_type(pi, PKT_ICMPV6_RA))
		return fw_policy(POL_RA_FILTER);
	if (v[POL_NO_SERVER] && pi->l3 == PKT_L3_IPV4 && is_syn_ack(pi))
		return fw_policy(POL_NO_SERVER);
	if (v[POL_NO_SERVER_V6] && pi->l3 == PKT_L3_IPV6 && is_syn_ack(pi))
		return fw_policy(POL_NO_SERVER_V6);
	return both_ways(pol, pi);
}

/* Whether len more bytes fit this second's budget; control frames always do. */
static bool rate_allows(struct fw_rate *r, const struct pkt_info *pi, uint32_t len, uint64_t now_ms)
{
	if (!r->per_second || pkt_is_control(pi))
		return true;
	if (now_ms - r->window_ms >= 1000) {
		r->window_ms = now_ms;
		r->bytes = 0;
	}
	if (r->bytes + len > r->per_second)
		return false;
	r->bytes += len;
	return true;
}

/* The IPv4 source a frame claims: the IP source, or an ARP sender address. */
static const uint8_t *claimed_v4(const struct pkt_info *pi)
{
	if (pi->l3 == PKT_L3_IPV4)
		return pi->ip_src;
	if (pi->l3 == PKT_L3_ARP)
		return pi->arp_spa;
	return NULL;
}

/* IPv6 sources are learned from unicast traffic other than RS/RA and DHCPv6. */
static bool learns_v6(const struct pkt_info *pi)
{
	return pi->l3 == PKT_L3_IPV6 && !(pi->flags & PKT_F_MULTICAST) && !is_rs_or_ra(pi) &&
	       pi->l7 != PKT_L7_DHCPV6;
}

/*
 * Neighbour discovery claims addresses too: a Neighbor Advertisement its
 * target, for the MAC in its target link-layer option; a solicitation pairs
 * its source with its source link-layer option, multicast as it is.  Under
 * CheckIPv6 an advertised target is held like a source address, and the
 * option must name the frame's own MAC (the Ethernet source CheckMac holds).
 */
static enum fw_reason nd_claims(struct fw_hub *fh, struct fw_session *fs, const struct pkt_info *pi,
				uint64_t now_ms)
{
	if (!fs->ips.exclusive6 || pi->l3 != PKT_L3_IPV6)
		return FW_PASS;
	if (is_icmpv6_type(pi, PKT_ICMPV6_NA)) {
		if (pi->nd_has_tll && memcmp(pi->nd_tll, pi->src, 6) != 0)
			return fw_policy(POL_CHECK_IPV6);
		if (ipt_manageable(pi->nd_target, true, true) &&
		    ipt_learn(fh->ips, pi->nd_target, true, &fs->ips, now_ms) == IPT_EXCLUSIVE)
			return fw_policy(POL_CHECK_IPV6);
	} else if (is_icmpv6_type(pi, PKT_ICMPV6_NS) && pi->nd_has_sll &&
		   memcmp(pi->nd_sll, pi->src, 6) != 0) {
		return fw_policy(POL_CHECK_IPV6);
	}
	return FW_PASS;
}

static enum fw_reason ip_table(struct fw_hub *fh, struct fw_session *fs, const struct pkt_info *pi,
			       uint64_t now_ms)
{
	const uint8_t *v4 = claimed_v4(pi);
	static const uint8_t zero4[4];
	enum ipt_result r;

	if (fh->opt.no_ip_table)
		return FW_PASS;
	if (v4 && memcmp(v4, zero4, 4) != 0) {
		if (fs->pol.v[POL_DHCP_FORCE] && !ipt_is_dhcp_owner(fh->ips, v4, &fs->ips, now_ms))
			return fw_policy(POL_DHCP_FORCE);
		if (!ipt_manageable(v4, false, fh->opt.manage_only_private_ip))
			return FW_PASS;
		r = ipt_learn(fh->ips, v4, false, &fs->ips, now_ms);
		if (r == IPT_EXCLUSIVE)
			return fw_policy(POL_CHECK_IP);
		if (r == IPT_LIMIT)
			return fw_policy(fs->pol.v[POL_MAX_IP] ? POL_MAX_IP : POL_NO_ROUTING);
	} else if (learns_v6(pi) && ipt_manageable(pi->ip_src, true, true)) {
		r = ipt_learn(fh->ips, pi->ip_src, true, &fs->ips, now_ms);
		if (r == IPT_EXCLUSIVE)
			return fw_policy(POL_CHECK_IPV6);
		if (r == IPT_LIMIT)
			return fw_policy(fs->pol.v[POL_MAX_IPV6] ? POL_MAX_IPV6
								 : POL_NO_ROUTING_V6);
	}
	return nd_claims(fh, fs, pi, now_ms);
}

/* Counts an access-list discard against its entry; returns the reason. */
static enum fw_reason acl_discard(struct fw_hub *fh, struct fw_session *fs, uint32_t id)
{
	fs->acl_id = id;
	uint32_t *at = bsearch(&id, fh->acl_ids, fh->nacl, sizeof(id), cmp_u32);

	if (at)
		atomic_fetch_add_explicit(&fh->acl_hits[at - fh->acl_ids], 1, memory_order_relaxed);
	return FW_R_ACCESS_LIST;
}

static enum fw_reason ingress_checks(struct fw_hub *fh, struct fw_session *fs,
				     const struct pkt_info *pi, uint32_t len, uint64_t now_ms,
				     bool *acl_decided)
{
	enum fw_reason r;

	if (fs->monitor)
		return fw_policy(POL_MONITOR_PORT);
	/* an L2-L4 header that does not add up could hide what the policies look
	 * for; odd application payloads (DNS, BOOTP) are left to the endpoints */
	if (pi->flags & PKT_F_MALFORMED && pi->malformed_layer <= 4)
		return FW_R_MALFORMED;
	if ((r = hub_filters(&fh->opt, pi)) != FW_PASS)
		return r;
	if ((r = send_policy(&fs->pol, pi)) != FW_PASS)
		return r;
	if (!rate_allows(&fs->up, pi, len, now_ms))
		return fw_policy(POL_MAX_UPLOAD);
	if ((r = ip_table(fh, fs, pi, now_ms)) != FW_PASS)
		return r;
	if (fh->acl) {
		uint32_t id;

		if (acl_ingress(fh->acl, pi, &fs->who, &id) == ACL_DISCARD)
			return acl_discard(fh, fs, id);
		*acl_decided = id != 0;
	}
	return FW_PASS;
}

enum fw_reason fw_ingress(struct fw_hub *fh, struct fw_session *fs, const struct pkt_info *pi,
			  uint32_t len, uint64_t now_ms, bool *acl_decided)
{
	*acl_decided = false;
	return ingress_checks(fh, fs, pi, len, now_ms, acl_decided);
}

static enum fw_reason egress_checks(struct fw_hub *fh, const struct fw_session *fs,
				    struct fw_session *fd, const struct pkt_info *pi, uint32_t len,
				    uint64_t now_ms, bool acl_decided)
{
	enum fw_reason r;
	uint32_t id;

	if (fs->pol.v[POL_PRIVACY_FILTER] && fd->pol.v[POL_PRIVACY_FILTER])
		return fw_policy(POL_PRIVACY_FILTER);
	if ((r = both_ways(&fd->pol, pi)) != FW_PASS)
		return r;
	if (!acl_decided && acl_has_egress(fh->acl) &&
	    acl_egress(fh->acl, pi, &fs->who, &fd->who, &id) == ACL_DISCARD)
		return acl_discard(fh, fd, id);
	if (!rate_allows(&fd->down, pi, len, now_ms))
		return fw_policy(POL_MAX_DOWNLOAD);
	return FW_PASS;
}

static bool zero_ra_for(const struct fw_session *fd, const struct pkt_info *pi)
{
	return is_icmpv6_type(pi, PKT_ICMPV6_RA) && pi->ra_router_lifetime &&
	       (fd->pol.v[POL_NO_IPV6_DEFAULT_ROUTER_IN_RA] ||
		(fd->pol.v[POL_NO_IPV6_DEFAULT_ROUTER_IN_RA_WHEN_IPV6] && fd->transport_v6));
}

enum fw_reason fw_egress(struct fw_hub *fh, const struct fw_session *fs, struct fw_session *fd,
			 const struct pkt_info *pi, uint32_t len, uint64_t now_ms, bool acl_decided,
			 unsigned *edits)
{
	enum fw_reason r;
	uint16_t access_vlan = atomic_load_explicit(&fd->vlan_id, memory_order_relaxed);

	*edits = 0;
	if (access_vlan) {
		/* an access port sees its own VLAN only, untagged */
		if (pi->vlan_id != access_vlan)
			return fw_policy(POL_VLAN_ID);
		*edits |= FW_EDIT_UNTAG;
	}
	r = egress_checks(fh, fs, fd, pi, len, now_ms, acl_decided);
	if (r != FW_PASS)
		return r;
	if (zero_ra_for(fd, pi))
		*edits |= FW_EDIT_RA_ZERO;
	return FW_PASS;
}
