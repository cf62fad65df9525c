// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Security policies, hub filters and access lists applied to parsed frames.
 * The checks are small predicates over struct pkt_info, grouped as SoftEther
 * groups them: what a session may send (ingress) and what it may receive
 * (egress).
 */
#include "firewall.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub.h"
#include "hublog.h"
#include "log.h"
#include "queue.h"
#include "session.h"

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

bool fw_is_control(const struct pkt_info *pi)
{
	return pi->l3 == PKT_L3_ARP || pi->l4 == PKT_L4_ICMPV4 || pi->l4 == PKT_L4_ICMPV6 ||
	       pi->l7 == PKT_L7_DHCPV4 || pi->l7 == PKT_L7_DHCPV6 ||
	       (pi->l4 == PKT_L4_TCP && pi->tcp_flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST));
}

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
	if (!r->per_second || fw_is_control(pi))
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

static enum fw_reason ip_table(struct hub *h, struct session *src, const struct pkt_info *pi,
			       uint64_t now_ms)
{
	struct fw_session *fs = &src->fw;
	const uint8_t *v4 = claimed_v4(pi);
	static const uint8_t zero4[4];
	enum ipt_result r;

	if (h->fw.opt.no_ip_table)
		return FW_PASS;
	if (v4 && memcmp(v4, zero4, 4) != 0) {
		if (fs->pol.v[POL_DHCP_FORCE] &&
		    !ipt_is_dhcp_owner(h->fw.ips, v4, &fs->ips, now_ms))
			return fw_policy(POL_DHCP_FORCE);
		if (!ipt_manageable(v4, false, h->fw.opt.manage_only_private_ip))
			return FW_PASS;
		r = ipt_learn(h->fw.ips, v4, false, &fs->ips, now_ms);
		if (r == IPT_EXCLUSIVE)
			return fw_policy(POL_CHECK_IP);
		if (r == IPT_LIMIT)
			return fw_policy(fs->pol.v[POL_MAX_IP] ? POL_MAX_IP : POL_NO_ROUTING);
	} else if (learns_v6(pi) && ipt_manageable(pi->ip_src, true, true)) {
		r = ipt_learn(h->fw.ips, pi->ip_src, true, &fs->ips, now_ms);
		if (r == IPT_EXCLUSIVE)
			return fw_policy(POL_CHECK_IPV6);
		if (r == IPT_LIMIT)
			return fw_policy(fs->pol.v[POL_MAX_IPV6] ? POL_MAX_IPV6
								 : POL_NO_ROUTING_V6);
	}
	return FW_PASS;
}

/* Counts an access-list discard against its entry; returns the reason. */
static enum fw_reason acl_discard(struct hub *h, struct fw_session *fs, uint32_t id)
{
	struct fw_hub *fh = &h->fw;

	fs->acl_id = id;
	uint32_t *at = bsearch(&id, fh->acl_ids, fh->nacl, sizeof(id), cmp_u32);

	if (at)
		atomic_fetch_add_explicit(&fh->acl_hits[at - fh->acl_ids], 1, memory_order_relaxed);
	return FW_R_ACCESS_LIST;
}

static enum fw_reason ingress_checks(struct hub *h, struct session *src, const struct pkt_info *pi,
				     uint32_t len, uint64_t now_ms, bool *acl_decided)
{
	struct fw_session *fs = &src->fw;
	enum fw_reason r;

	if (fs->monitor)
		return fw_policy(POL_MONITOR_PORT);
	/* an L2-L4 header that does not add up could hide what the policies look
	 * for; odd application payloads (DNS, BOOTP) are left to the endpoints */
	if (pi->flags & PKT_F_MALFORMED && pi->malformed_layer <= 4)
		return FW_R_MALFORMED;
	if ((r = hub_filters(&h->fw.opt, pi)) != FW_PASS)
		return r;
	if ((r = send_policy(&fs->pol, pi)) != FW_PASS)
		return r;
	if (!rate_allows(&fs->up, pi, len, now_ms))
		return fw_policy(POL_MAX_UPLOAD);
	if ((r = ip_table(h, src, pi, now_ms)) != FW_PASS)
		return r;
	if (h->fw.acl) {
		uint32_t id;

		if (acl_ingress(h->fw.acl, pi, &fs->who, &id) == ACL_DISCARD)
			return acl_discard(h, fs, id);
		*acl_decided = id != 0;
	}
	return FW_PASS;
}

enum fw_reason fw_ingress(struct hub *h, struct session *src, const struct pkt_info *pi,
			  uint32_t len, uint64_t now_ms, bool *acl_decided)
{
	enum fw_reason r;

	*acl_decided = false;
	r = ingress_checks(h, src, pi, len, now_ms, acl_decided);

	if (r != FW_PASS)
		fw_drop(h, src, r, pi, now_ms);
	return r;
}

static enum fw_reason egress_checks(struct hub *h, struct session *src, struct session *dst,
				    const struct pkt_info *pi, uint32_t len, uint64_t now_ms,
				    bool acl_decided)
{
	const struct fw_session *fs = &src->fw;
	struct fw_session *fd = &dst->fw;
	enum fw_reason r;
	uint32_t id;

	if (fs->pol.v[POL_PRIVACY_FILTER] && fd->pol.v[POL_PRIVACY_FILTER])
		return fw_policy(POL_PRIVACY_FILTER);
	if ((r = both_ways(&fd->pol, pi)) != FW_PASS)
		return r;
	if (!acl_decided && acl_has_egress(h->fw.acl) &&
	    acl_egress(h->fw.acl, pi, &fs->who, &fd->who, &id) == ACL_DISCARD)
		return acl_discard(h, fd, id);
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

enum fw_reason fw_egress(struct hub *h, struct session *src, struct session *dst,
			 const struct pkt_info *pi, uint32_t len, uint64_t now_ms, bool acl_decided,
			 unsigned *edits)
{
	struct fw_session *fd = &dst->fw;
	enum fw_reason r;
	uint16_t access_vlan = atomic_load_explicit(&fd->vlan_id, memory_order_relaxed);

	*edits = 0;
	if (access_vlan) {
		/* an access port sees its own VLAN only, untagged */
		if (pi->vlan_id != access_vlan)
			return fw_policy(POL_VLAN_ID);
		*edits |= FW_EDIT_UNTAG;
	}
	r = egress_checks(h, src, dst, pi, len, now_ms, acl_decided);
	if (r != FW_PASS) {
		fw_drop(h, dst, r, pi, now_ms);
		return r;
	}
	if (zero_ra_for(fd, pi))
		*edits |= FW_EDIT_RA_ZERO;
	return FW_PASS;
}

void fw_snoop_dhcp(struct hub *h, const struct pkt_info *pi, uint64_t now_ms)
{
	struct sw_port *port;

	if (pi->l7 != PKT_L7_DHCPV4 || pi->dhcp_op != 2 || pi->dhcp_msg_type != PKT_DHCP_ACK ||
	    h->fw.opt.no_ip_table)
		return;
	port = sw_lookup(h->macs, pi->dhcp_chaddr, pi->vlan_id, now_ms);
	if (port)
		ipt_learn_dhcp(h->fw.ips, pi->dhcp_yiaddr, &sess_from_port(port)->fw.ips, now_ms);
}

/* ---- accounting ---- */

void fw_drop(struct hub *h, struct session *s, enum fw_reason r, const struct pkt_info *pi,
	     uint64_t now_ms)
{
	struct fw_episode *e = &s->fw.episode[r];
	char what[160], why[48];

	atomic_fetch_add_explicit(&h->fw.drops[r], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->fw.drops[r], 1, memory_order_relaxed);
	if (e->frames && now_ms - e->last_ms < FW_EPISODE_GAP_MS) {
		e->frames++;
		e->last_ms = now_ms;
		return;
	}
	fw_describe(pi, what, sizeof(what));
	if (r == FW_R_ACCESS_LIST)
		snprintf(why, sizeof(why), "AccessList entry %u", s->fw.acl_id);
	else
		snprintf(why, sizeof(why), "%s", fw_reason_name(r));
	if (e->frames > 1)
		log_info("security: hub %s session %u (%s): dropping frames (%s): %s; the "
			 "previous episode dropped %llu",
			 h->name, s->id, s->user, why, what, (unsigned long long)e->frames);
	else
		log_info("security: hub %s session %u (%s): dropping frames (%s): %s", h->name,
			 s->id, s->user, why, what);
	hublog_session(s, "dropping frames (%s): %s", why, what);
	e->frames = 1;
	e->last_ms = now_ms;
}

static void fmt_mac(const uint8_t *m, char *out, size_t len)
{
	snprintf(out, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

void fw_describe(const struct pkt_info *pi, char *out, size_t len)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], smac[18], dmac[18];
	int af = pi->l3 == PKT_L3_IPV6 ? AF_INET6 : AF_INET;

	fmt_mac(pi->src, smac, sizeof(smac));
	fmt_mac(pi->dst, dmac, sizeof(dmac));
	if (pi->l3 == PKT_L3_ARP) {
		inet_ntop(AF_INET, pi->arp_spa, src, sizeof(src));
		inet_ntop(AF_INET, pi->arp_tpa, dst, sizeof(dst));
		snprintf(out, len, "ARP %s %s > %s", pi->arp_op == 1 ? "request" : "reply", src,
			 dst);
	} else if (pkt_is_ip(pi)) {
		inet_ntop(af, pi->ip_src, src, sizeof(src));
		inet_ntop(af, pi->ip_dst, dst, sizeof(dst));
		if (pi->l4 == PKT_L4_TCP || pi->l4 == PKT_L4_UDP)
			snprintf(out, len, "%s %s port %u > %s port %u",
				 pi->l7 ? pkt_l7_name(pi->l7) : pkt_l4_name(pi->l4), src, pi->sport,
				 dst, pi->dport);
		else
			snprintf(out, len, "%s %s > %s", pkt_l4_name(pi->l4), src, dst);
	} else {
		snprintf(out, len, "EtherType 0x%04x %s > %s", pi->ethertype, smac, dmac);
	}
}

/* ---- frame surgery ---- */

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Moves the virtio_net_hdr's offsets by delta bytes (a tag added or removed). */
static void vnet_shift(uint8_t *vh, int delta)
{
	if (vh[0] & 1) /* VIRTIO_NET_HDR_F_NEEDS_CSUM: csum_start */
		put_le16(vh + 6, (uint16_t)(get_le16(vh + 6) + delta));
	if (vh[1] & 0x7f) /* GSO: hdr_len */
		put_le16(vh + 2, (uint16_t)(get_le16(vh + 2) + delta));
}

struct pkt *fw_vlan_insert(const struct pkt *p, uint16_t vlan_id, uint16_t tpid)
{
	size_t off = pkt_frame_off(p);
	struct pkt *q;

	if (p->len < off + 12 || p->len + 4 > PROTO_PAYLOAD_MAX)
		return NULL;
	q = pkt_new(NULL, p->len + 4, p->flags);
	if (!q)
		return NULL;
	memcpy(q->data, p->data, off + 12);
	put_be16(q->data + off + 12, tpid ? tpid : 0x8100);
	put_be16(q->data + off + 14, vlan_id & 0x0fff);
	memcpy(q->data + off + 16, p->data + off + 12, p->len - off - 12);
	if (off)
		vnet_shift(q->data, 4);
	return q;
}

/* RFC 1624 incremental update of a 16-bit one's complement checksum. */
static uint16_t csum_replace(uint16_t sum, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~sum + (uint16_t)~old + new_;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

struct pkt *fw_edit_copy(const struct pkt *p, const struct pkt_info *pi, unsigned edits)
{
	size_t off = pkt_frame_off(p);
	bool untag = edits & FW_EDIT_UNTAG && pi->flags & PKT_F_VLAN;
	struct pkt *q = pkt_new(p->data, p->len, p->flags);
	uint8_t *f;

	if (!q)
		return NULL;
	f = q->data + off;
	if (edits & FW_EDIT_RA_ZERO && pi->ra_router_lifetime_off &&
	    pi->ra_router_lifetime_off + 2 <= p->len - off && pi->l4_off + 4 <= p->len - off) {
		uint8_t *lt = f + pi->ra_router_lifetime_off, *ck = f + pi->l4_off + 2;
		uint16_t old = (uint16_t)(lt[0] << 8 | lt[1]);

		put_be16(ck, csum_replace((uint16_t)(ck[0] << 8 | ck[1]), old, 0));
		put_be16(lt, 0);
	}
	if (untag) {
		memmove(f + 12, f + 16, q->len - off - 16);
		q->len -= 4;
		if (off)
			vnet_shift(q->data, -4);
	}
	return q;
}
