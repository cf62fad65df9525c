// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data path of a virtual hub: a batch of frames received from one session
 * is parsed, filtered (firewall.c), learned and looked up (mactable.c), then
 * queued (queue.c) to its destination, to every session (flood) and to the
 * monitor ports (mirror).
 */
#include "forward.h"

#include <stdatomic.h>
#include <stdio.h>

#include "bytes.h"
#include "hub.h"
#include "hublog.h"
#include "log.h"
#include "loopguard.h"
#include "packet.h"
#include "rewrite.h"
#include "session.h"

/* Counts and logs a drop of reason (one security-log line per episode). */
static void drop_frame(struct hub *h, struct session *s, enum fw_reason r,
		       const struct pkt_info *pi, uint64_t now_ms)
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
	pkt_describe(pi, what, sizeof(what));
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
	hublog_session(h->log, s, "dropping frames (%s): %s", why, what);
	e->frames = 1;
	e->last_ms = now_ms;
}

/* DHCP ACK snooping for DHCPForce: records the address a server gave. */
static void snoop_dhcp(struct hub *h, const struct pkt_info *pi, uint64_t now_ms)
{
	struct sw_port *port;

	if (pi->l7 != PKT_L7_DHCPV4 || pi->dhcp_op != 2 || pi->dhcp_msg_type != PKT_DHCP_ACK ||
	    h->fw.opt.no_ip_table)
		return;
	port = sw_lookup(h->macs, pi->dhcp_chaddr, pi->vlan_id, now_ms);
	if (port)
		ipt_learn_dhcp(h->fw.ips, pi->dhcp_yiaddr, &sess_from_port(port)->fw.ips, now_ms);
}

/* Queues p to dst under src's congestion control; caller holds the hub lock. */
static enum queue_push_result enqueue(struct hub *h, struct session *src, struct session *dst,
				      struct pkt *p, uint64_t now_ms)
{
	enum queue_push_result r = queue_push_cc(&dst->queue, p, &src->cong, now_ms);

	switch (r) {
	case QUEUE_PUSHED_WAKE:
		queue_wake(&dst->queue);
		break;
	case QUEUE_PUSHED:
	case QUEUE_PUSHED_DEEP:
		break;
	case QUEUE_FULL:
		atomic_fetch_add_explicit(&h->stats.drops_full, 1, memory_order_relaxed);
		break;
	case QUEUE_THROTTLED:
		atomic_fetch_add_explicit(&h->stats.drops_throttled, 1, memory_order_relaxed);
		break;
	case QUEUE_OVER_QUOTA:
		atomic_fetch_add_explicit(&h->stats.drops_quota, 1, memory_order_relaxed);
		break;
	}
	return r;
}

/*
 * Queues p to dst if dst's policy and the egress access list let it through;
 * what the queue did (QUEUE_PUSHED when the firewall took the frame: that is
 * no congestion).
 */
static enum queue_push_result deliver(struct hub *h, struct session *src, struct session *dst,
				      struct pkt *p, const struct pkt_info *pi, uint64_t now_ms,
				      bool acl_decided)
{
	enum queue_push_result r;
	unsigned edits;
	struct pkt *copy;

	enum fw_reason why =
	    fw_egress(&h->fw, &src->fw, &dst->fw, pi, p->len, now_ms, acl_decided, &edits);

	if (why != FW_PASS) {
		if (why !=
		    fw_policy(POL_VLAN_ID)) /* another VLAN's frame: not for dst, not a drop */
			drop_frame(h, dst, why, pi, now_ms);
		return QUEUE_PUSHED;
	}
	if (!edits)
		return enqueue(h, src, dst, p, now_ms);
	copy = rewrite_copy(p, pi, edits & FW_EDIT_UNTAG, edits & FW_EDIT_RA_ZERO);
	if (!copy) {
		atomic_fetch_add_explicit(&h->stats.drops_nomem, 1, memory_order_relaxed);
		return QUEUE_PUSHED;
	}
	copy->src = p->src;
	copy->cls = p->cls;
	r = enqueue(h, src, dst, copy, now_ms);
	pkt_put(copy);
	return r;
}

/* Monitor-port sessions get a copy of every frame. */
static void mirror(struct hub *h, struct session *src, struct pkt *p, uint64_t now_ms)
{
	struct session *s;

	list_for_each_entry(s, &h->sessions, hub_link) if (s->fw.monitor && s != src)
	    enqueue(h, src, s, p, now_ms);
}

/* Tells the source's pacing (congestion.h) how its frame fared. */
static void note_outcome(struct session *src, const struct pkt *p, const struct cong_frame *cf,
			 bool dropped, bool throttled)
{
	struct cong_outcome o = {
	    .responsive = cf->tcp,
	    .dropped = dropped,
	    .throttled = dropped && throttled,
	};

	cong_src_note(&src->csrc, p->len, &o);
}

static void flood(struct hub *h, struct session *src, struct pkt *p, const struct pkt_info *pi,
		  const struct cong_frame *cf, uint64_t now_ms, bool acl_decided)
{
	unsigned tried = 0, refused = 0, throttled = 0;
	struct session *s;

	if (storm_check(&src->storm, &cf->key, now_ms)) {
		atomic_fetch_add_explicit(&h->stats.drops_storm, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&src->csrc.drops_storm, 1, memory_order_relaxed);
		return;
	}
	list_for_each_entry(s, &h->sessions, hub_link) if (s != src && !s->fw.monitor)
	{
		enum queue_push_result r;

		if (loopguard_port_closed(s, now_ms)) {
			atomic_fetch_add_explicit(&h->stats.drops_loop, 1, memory_order_relaxed);
			continue;
		}
		r = deliver(h, src, s, p, pi, now_ms, acl_decided);

		tried++;
		refused += queue_refused(r);
		throttled += r == QUEUE_THROTTLED;
	}
	note_outcome(src, p, cf, tried > 0 && refused == tried, throttled > 0);
	atomic_fetch_add_explicit(&h->stats.flooded, 1, memory_order_relaxed);
}

/* MAC learning; false when the frame must be dropped (counted, logged). */
static bool learn(struct hub *h, struct session *src, const struct pkt_info *pi, uint64_t now_ms)
{
	switch (sw_learn(h->macs, pi->src, pi->vlan_id, &src->port, now_ms)) {
	case SW_EXCLUSIVE:
		drop_frame(h, src, fw_policy(POL_CHECK_MAC), pi, now_ms);
		return false;
	case SW_PORT_LIMIT: /* counted once, under its policy or firewall reason */
		drop_frame(h, src,
			   fw_policy(src->fw.pol.v[POL_MAX_MAC] ? POL_MAX_MAC : POL_NO_BRIDGE), pi,
			   now_ms);
		return false;
	case SW_TABLE_FULL:
		drop_frame(h, src, FW_R_MAC_TABLE, pi, now_ms);
		return false;
	case SW_MOVED:
		hublog_mac_moved(h->log, pi->src, pi->vlan_id, src);
		return true;
	default:
		return true;
	}
}

/* Switches one frame; a frame flooded or handed to its destination's queue goes to lb. */
static void switch_one(struct hub *h, struct session *src, struct pkt *p, const struct pkt_info *pi,
		       uint64_t now_ms, struct hublog_batch *lb)
{
	enum queue_push_result r;
	struct cong_frame cf;
	struct sw_port *port;
	struct session *dst;
	enum fw_reason why;
	bool acl_decided;

	if (pi->flags & PKT_F_BAD_SOURCE) {
		atomic_fetch_add_explicit(&h->stats.drops_malformed, 1, memory_order_relaxed);
		drop_frame(h, src, FW_R_BAD_SOURCE, pi, now_ms);
		return;
	}
	if (loopguard_is_probe(p, pi)) {
		loopguard_rx(h, src, p, now_ms);
		return;
	}
	if (loopguard_port_closed(src, now_ms)) {
		atomic_fetch_add_explicit(&h->stats.drops_loop, 1, memory_order_relaxed);
		return;
	}
	why = fw_ingress(&h->fw, &src->fw, pi, p->len, now_ms, &acl_decided);
	if (why != FW_PASS) {
		drop_frame(h, src, why, pi, now_ms);
		return;
	}
	if (!learn(h, src, pi, now_ms))
		return;
	snoop_dhcp(h, pi, now_ms);
	cong_classify(pi, &cf);
	port =
	    pi->flags & PKT_F_MULTICAST ? NULL : sw_lookup(h->macs, pi->dst, pi->vlan_id, now_ms);
	/* the class is final before the first queue holds p: queues account by it */
	p->src = src->id;
	p->cls = (cf.control ? PKT_CLASS_CONTROL : 0) | (port ? 0 : PKT_CLASS_FLOOD) |
		 (cf.tcp && port ? PKT_CLASS_TCP : 0);
	if (h->fw.nmonitors)
		mirror(h, src, p, now_ms);
	if (!port) {
		flood(h, src, p, pi, &cf, now_ms, acl_decided);
		if (lb)
			hublog_batch_note(lb, NULL, pi, p);
		return;
	}
	dst = sess_from_port(port);
	if (dst == src) {
		atomic_fetch_add_explicit(&h->stats.drops_local, 1, memory_order_relaxed);
		return;
	}
	if (loopguard_port_closed(dst, now_ms)) {
		atomic_fetch_add_explicit(&h->stats.drops_loop, 1, memory_order_relaxed);
		return;
	}
	r = deliver(h, src, dst, p, pi, now_ms, acl_decided);
	/* back-pressure (queue.h): TCP slows down when its source pauses; other traffic is not held
	 */
	if (r == QUEUE_PUSHED_DEEP && cf.tcp)
		src->rx_hold = true;
	note_outcome(src, p, &cf, queue_refused(r), r == QUEUE_THROTTLED);
	if (lb)
		hublog_batch_note(lb, dst, pi, p);
	atomic_fetch_add_explicit(&h->stats.unicast, 1, memory_order_relaxed);
}

/*
 * An access port's frames get its VLAN tag before anything else looks at
 * them; one that arrives tagged already is a VLAN-hopping attempt.  Replaces
 * *pp (the caller still drops one reference per slot); false to drop.
 */
static bool tag_for_access_port(uint16_t vlan_id, struct pkt **pp, uint16_t tpid)
{
	size_t off = pkt_frame_off(*pp);
	const uint8_t *f = (*pp)->data + off;
	struct pkt *tagged;

	if ((*pp)->len >= off + 14 && get_be16(f + 12) == (tpid ? tpid : PKT_TPID_8021Q))
		return false;
	tagged = rewrite_vlan_insert(*pp, vlan_id, tpid);
	if (!tagged)
		return false;
	pkt_put(*pp);
	*pp = tagged;
	return true;
}

/* frames parsed outside the lock, then switched under it; their log records queued after it */
#define FORWARD_CHUNK HUBLOG_BATCH_MAX

void hub_forward(struct hub *h, struct session *src, struct pkt **pkts, unsigned n, uint64_t now_ms)
{
	struct pkt_info info[FORWARD_CHUNK];
	struct pkt_parse_opts opts = {0};
	enum fw_reason early[FORWARD_CHUNK]; /* decided before the lock */
	struct hublog_batch lb; /* the chunk's packet log records, queued after the lock */
	uint16_t access_vlan;
	bool logging;

	atomic_fetch_add_explicit(&h->stats.frames_in, n, memory_order_relaxed);
	for (unsigned base = 0; base < n; base += FORWARD_CHUNK) {
		unsigned m = n - base;

		if (m > FORWARD_CHUNK)
			m = FORWARD_CHUNK;
		/* both change at a reload; a frame handled with the previous values is fine */
		opts.vlan_tpid = atomic_load_explicit(&h->fw.tpid, memory_order_relaxed);
		access_vlan = atomic_load_explicit(&src->fw.vlan_id, memory_order_relaxed);
		for (unsigned i = 0; i < m; i++) {
			struct pkt **pp = &pkts[base + i];
			size_t off;

			early[i] = FW_PASS;
			if (access_vlan && !tag_for_access_port(access_vlan, pp, opts.vlan_tpid))
				early[i] = fw_policy(POL_VLAN_ID);
			off = pkt_frame_off(*pp);
			if (pkt_parse((*pp)->data + off, (*pp)->len - off, &opts, &info[i]) != 0)
				early[i] = FW_R_MALFORMED;
		}
		logging = hublog_batch_begin(&lb, h->log);
		pthread_mutex_lock(&h->lock);
		for (unsigned i = 0; i < m; i++) {
			if (early[i] == FW_R_MALFORMED)
				atomic_fetch_add_explicit(&h->stats.drops_malformed, 1,
							  memory_order_relaxed);
			if (early[i] != FW_PASS)
				drop_frame(h, src, early[i], &info[i], now_ms);
			else
				switch_one(h, src, pkts[base + i], &info[i], now_ms,
					   logging ? &lb : NULL);
		}
		pthread_mutex_unlock(&h->lock);
		if (logging)
			hublog_batch_end(&lb, src);
	}
}
