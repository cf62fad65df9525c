// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loop protection (loopguard.h): probes out, probes in, the block decision.
 */
#include "loopguard.h"

#include <pthread.h>
#include <string.h>

#include "bytes.h"
#include "hub.h"
#include "log.h"
#include "packet.h"
#include "pkt.h"
#include "session.h"

#define PROBE_ETHERTYPE 0x88B5 /* IEEE 802 local experimental */
#define PROBE_LEN 60
#define PROBE_MAGIC "VHLG"
#define OFF_MAGIC 14
#define OFF_ID 19
#define OFF_SEQ 27
#define OFF_FLAGS 31
#define PROBE_TC 0x01 /* topology changed: forget the MACs learned from other hubs */

/* 03-...: multicast, locally administered; "vpnhb" */
static const uint8_t probe_dst[6] = {0x03, 0x76, 0x70, 0x6e, 0x68, 0x62};

bool loopguard_is_probe(const struct pkt *p, const struct pkt_info *pi)
{
	const uint8_t *f = p->data + pkt_frame_off(p);

	return pi->ethertype == PROBE_ETHERTYPE && memcmp(pi->dst, probe_dst, 6) == 0 &&
	       p->len >= pkt_frame_off(p) + OFF_SEQ + 4 &&
	       memcmp(f + OFF_MAGIC, PROBE_MAGIC, 4) == 0;
}

/*
 * Whether a loop can pass through port s: a cascade or a bridge, or a client
 * that brought in another hub's probe or more than one MAC address (another
 * hub's link, a SoftEther cascade, a bridged LAN).  A plain client, one host,
 * cannot close a loop: 10,000 of them would otherwise each wake every second
 * for a probe the kernel drops.  Once set, it stays for the session's life.
 */
static bool probed(struct session *s)
{
	if (!s->probed && (s->kind != SESS_CLIENT || s->port.nmacs >= 2))
		s->probed = true;
	return s->probed;
}

/*
 * Queues p to every port a loop can pass through but except (NULL: all), as a
 * control frame: a full queue gives up bulk frames for it, so a busy link does
 * not hide a loop.
 */
static void flood_probe(struct hub *h, const struct session *except, struct pkt *p, uint64_t now_ms)
{
	struct cong_params cp;
	struct session *s;

	cong_params_default(&cp);
	cp.flood_quota = 0;
	list_for_each_entry(s, &h->sessions, hub_link)
	{
		if (s == except || s->fw.monitor || !probed(s))
			continue;
		if (queue_push_cc(&s->queue, p, &cp, now_ms) == QUEUE_PUSHED_WAKE)
			queue_wake(&s->queue);
	}
}

static struct session *find_session(struct hub *h, uint32_t id)
{
	struct session *s;

	list_for_each_entry(s, &h->sessions, hub_link)
	{
		if (s->id == id)
			return s;
	}
	return NULL;
}

static struct loopguard_origin *origin_slot(struct loopguard *lg, const uint8_t id[8])
{
	struct loopguard_origin *oldest = &lg->origins[0];

	for (size_t i = 0; i < LOOPGUARD_ORIGINS; i++) {
		struct loopguard_origin *o = &lg->origins[i];

		if (memcmp(o->id, id, 8) == 0 && o->seen_ms)
			return o;
		if (o->seen_ms < oldest->seen_ms)
			oldest = o;
	}
	memset(oldest, 0, sizeof(*oldest));
	memcpy(oldest->id, id, 8);
	return oldest;
}

static void note_port(struct loopguard_origin *o, uint32_t session, uint64_t now_ms)
{
	size_t victim = 0;

	for (size_t i = 0; i < LOOPGUARD_PORTS; i++) {
		if (o->port[i].session == session) {
			o->port[i].ms = now_ms;
			return;
		}
		if (o->port[i].ms < o->port[victim].ms)
			victim = i;
	}
	o->port[victim].session = session;
	o->port[victim].ms = now_ms;
}

/* Another hub whose probes reach us on two ports lately: we are on a cycle with it. */
static bool on_cycle(const struct loopguard_origin *o, uint64_t now_ms)
{
	int n = 0;

	for (size_t i = 0; i < LOOPGUARD_PORTS; i++)
		n += o->port[i].session && now_ms - o->port[i].ms < LOOPGUARD_WINDOW_MS;
	return o->seen_ms && n >= 2;
}

/* Updates when each origin was last on a cycle with us; whether any is now. */
static bool loop_now(struct loopguard *lg, uint64_t now_ms)
{
	bool any = false;

	for (size_t i = 0; i < LOOPGUARD_ORIGINS; i++) {
		struct loopguard_origin *o = &lg->origins[i];

		if (on_cycle(o, now_ms)) {
			if (!o->cycle_ms || now_ms - o->cycle_ms >= LOOPGUARD_MEMBER_MS)
				o->cycle_since_ms = now_ms;
			o->cycle_ms = now_ms;
			any = true;
		}
	}
	return any;
}

/*
 * Whether a hub with a higher identifier has been on a cycle with us lately
 * (LOOPGUARD_MEMBER_MS: a busy link may delay a probe), for at least for_ms.
 */
static bool higher_on_cycle(const struct loopguard *lg, uint64_t for_ms, uint64_t now_ms)
{
	for (size_t i = 0; i < LOOPGUARD_ORIGINS; i++) {
		const struct loopguard_origin *o = &lg->origins[i];

		if (o->cycle_ms && now_ms - o->cycle_ms < LOOPGUARD_MEMBER_MS &&
		    now_ms - o->cycle_since_ms >= for_ms && memcmp(o->id, lg->id, 8) > 0)
			return true;
	}
	return false;
}

/* Whether we act on loops: no hub with a higher identifier is on one with us. */
static bool we_decide(const struct loopguard *lg, uint64_t now_ms)
{
	return !higher_on_cycle(lg, 0, now_ms);
}

/*
 * Whether a hub with a higher identifier has been on a cycle with us long
 * enough to have blocked a port of it itself.  Probes race (each hub floods
 * only the first copy of a probe it gets), so a hub may see another's probes
 * on two ports only seconds after the loop formed, and block before it knows
 * it does not decide: two blocks on one cycle part the hubs on it, so the
 * lower one's block goes.
 */
static bool outranked(const struct loopguard *lg, uint64_t now_ms)
{
	return higher_on_cycle(lg, LOOPGUARD_CONFIRM_MS + LOOPGUARD_PERIOD_MS, now_ms);
}

/* The port to block: one the looping probes come in on, one of our own links if possible. */
static struct session *pick_victim(struct hub *h, uint64_t now_ms)
{
	struct session *pick = NULL;

	for (size_t i = 0; i < LOOPGUARD_ORIGINS; i++) {
		const struct loopguard_origin *o = &h->lg.origins[i];

		for (size_t j = 0; on_cycle(o, now_ms) && j < LOOPGUARD_PORTS; j++) {
			struct session *s = now_ms - o->port[j].ms < LOOPGUARD_WINDOW_MS
						? find_session(h, o->port[j].session)
						: NULL;

			if (s && s->kind == SESS_CASCADE)
				return s;
			if (s && !pick)
				pick = s;
		}
	}
	return pick;
}

/* Whether other hubs' probes came in on port session: a port toward other hubs. */
static bool hub_facing(const struct loopguard *lg, uint32_t session)
{
	for (size_t i = 0; i < LOOPGUARD_ORIGINS; i++)
		for (size_t j = 0; j < LOOPGUARD_PORTS; j++)
			if (lg->origins[i].port[j].session == session)
				return true;
	return false;
}

/*
 * The paths between hubs changed: the MACs learned on ports toward other hubs
 * may point at a dead path (a cut link is only noticed at its dead-peer
 * timeout), so they go; frames to them flood until the hosts speak again.
 */
static void flush_hub_facing(struct hub *h)
{
	struct session *s;

	list_for_each_entry(s, &h->sessions, hub_link)
	{
		if (hub_facing(&h->lg, s->id))
			sw_forget_port(h->macs, &s->port);
	}
}

static void send_probe(struct hub *h, uint64_t now_ms);

/*
 * The paths between hubs changed: we forget the MACs behind other hubs and
 * tell the other hubs at once to do the same (the hosts behind the link a
 * block cuts, or behind the path an unblock opens, are elsewhere now).
 */
static void topology_changed(struct hub *h, uint64_t now_ms)
{
	h->lg.tc_until_ms = now_ms + LOOPGUARD_TC_MS;
	flush_hub_facing(h);
	send_probe(h, now_ms);
}

static void block(struct hub *h, struct session *victim, uint64_t now_ms)
{
	h->lg.blocked = victim->id;
	atomic_store_explicit(&victim->loop_blocked, true, memory_order_relaxed);
	log_warnx("hub %s: loop detected (another hub's probes arrive on two ports); blocking "
		  "session %u (%s %s) until another path of the loop fails",
		  h->name, victim->id, victim->user, victim->peer);
	topology_changed(h, now_ms);
}

/* Lifts the block (why: for the log). */
static void unblock(struct hub *h, struct session *s, const char *why, uint64_t now_ms)
{
	if (s) {
		atomic_store_explicit(&s->loop_blocked, false, memory_order_relaxed);
		log_warnx("hub %s: %s; session %u (%s %s) carries traffic again", h->name, why,
			  s->id, s->user, s->peer);
	}
	h->lg.blocked = 0;
	topology_changed(h, now_ms);
}

/*
 * Blocks one port of a loop that lasted LOOPGUARD_CONFIRM_MS; unblocks when
 * it is gone, or when a hub that outranks us decides it.
 */
static void decide(struct hub *h, uint64_t now_ms)
{
	struct loopguard *lg = &h->lg;
	bool loop = loop_now(lg, now_ms);
	struct session *victim;

	if (!loop) {
		lg->loop_since_ms = 0;
		if (lg->blocked)
			unblock(h, find_session(h, lg->blocked), "the loop is gone", now_ms);
		return;
	}
	if (!lg->loop_since_ms)
		lg->loop_since_ms = now_ms;
	if (lg->blocked && !find_session(h, lg->blocked))
		lg->blocked = 0; /* the blocked port left: decide again */
	if (lg->blocked && outranked(lg, now_ms))
		unblock(h, find_session(h, lg->blocked),
			"a hub with a higher identifier on the loop blocks it", now_ms);
	if (lg->blocked || now_ms - lg->loop_since_ms < LOOPGUARD_CONFIRM_MS ||
	    !we_decide(lg, now_ms))
		return;
	victim = pick_victim(h, now_ms);
	if (victim)
		block(h, victim, now_ms);
}

/*
 * Callers read their clocks before they take the hub lock (a session thread
 * once per batch), so their times can arrive out of order.  An older time than
 * one already recorded would make a fresh probe look 2^64 ms old, the loop
 * gone and the block lifted: a storm.  So time here never goes back.
 */
static uint64_t lg_clock(struct loopguard *lg, uint64_t now_ms)
{
	if (now_ms < lg->clock_ms)
		return lg->clock_ms;
	lg->clock_ms = now_ms;
	return now_ms;
}

void loopguard_rx(struct hub *h, struct session *src, const struct pkt *p, uint64_t now_ms)
{
	struct loopguard *lg = &h->lg;
	const uint8_t *f = p->data + pkt_frame_off(p);
	uint32_t seq = get_be32(f + OFF_SEQ);
	struct loopguard_origin *o;
	struct pkt *copy;

	now_ms = lg_clock(lg, now_ms);
	lg->probes_in++;
	if (memcmp(f + OFF_ID, lg->id, 8) == 0)
		return; /* ours, back through a port that does not dedupe (not a hub) */
	/* another hub is behind it: ours go there too */
	src->probed = true;
	o = origin_slot(lg, f + OFF_ID);
	note_port(o, src->id, now_ms);
	decide(h, now_ms);
	/* a restarted hub starts its sequence again: a long silence resets ours */
	if (o->seen_ms && seq <= o->last_seq && now_ms - o->seen_ms < LOOPGUARD_WINDOW_MS) {
		o->seen_ms = now_ms;
		return; /* seen already: flooded once */
	}
	o->seen_ms = now_ms;
	o->last_seq = seq;
	if (p->len > pkt_frame_off(p) + OFF_FLAGS && (f[OFF_FLAGS] & PROBE_TC) &&
	    now_ms - lg->tc_flush_ms > LOOPGUARD_TC_MS) {
		/* once per change, and at most so often whoever sends (forged probes) */
		lg->tc_flush_ms = now_ms;
		flush_hub_facing(h);
	}
	copy = pkt_new(p->data, p->len, p->flags);
	if (!copy)
		return;
	copy->src = src->id;
	copy->cls = PKT_CLASS_CONTROL;
	flood_probe(h, src, copy, now_ms);
	pkt_put(copy);
	lg->probes_fwd++;
}

static void send_probe(struct hub *h, uint64_t now_ms)
{
	struct loopguard *lg = &h->lg;
	struct pkt *p = pkt_new(NULL, PROBE_LEN, 0);

	lg->last_sent_ms = now_ms;
	if (!p)
		return;
	memset(p->data, 0, PROBE_LEN);
	memcpy(p->data, probe_dst, 6);
	p->data[6] = 0x02; /* locally administered unicast source from our identifier */
	memcpy(p->data + 7, lg->id, 5);
	put_be16(p->data + 12, PROBE_ETHERTYPE);
	memcpy(p->data + OFF_MAGIC, PROBE_MAGIC, 4);
	p->data[OFF_MAGIC + 4] = 1; /* version */
	memcpy(p->data + OFF_ID, lg->id, 8);
	put_be32(p->data + OFF_SEQ, ++lg->seq);
	p->data[OFF_FLAGS] = now_ms < lg->tc_until_ms ? PROBE_TC : 0;
	p->cls = PKT_CLASS_CONTROL;
	flood_probe(h, NULL, p, now_ms);
	pkt_put(p);
	lg->probes_sent++;
}

void loopguard_tick(struct hub *h, uint64_t now_ms)
{
	now_ms = lg_clock(&h->lg, now_ms);
	/* a loop needs two ports; a lone client gets no probes */
	if (h->nsessions >= 2 && now_ms - h->lg.last_sent_ms >= LOOPGUARD_PERIOD_MS)
		send_probe(h, now_ms);
	if (h->lg.blocked)
		decide(h, now_ms);
}

void loopguard_recheck(struct hub *h, uint64_t now_ms)
{
	pthread_mutex_lock(&h->lock);
	if (h->lg.blocked)
		decide(h, lg_clock(&h->lg, now_ms));
	pthread_mutex_unlock(&h->lock);
}

bool loopguard_port_closed(const struct session *s, uint64_t now_ms)
{
	return atomic_load_explicit(&s->loop_blocked, memory_order_relaxed) ||
	       now_ms < s->loop_quarantine_until;
}

bool loopguard_port_blocked(struct session *s)
{
	return atomic_load_explicit(&s->loop_blocked, memory_order_relaxed);
}

void loopguard_tick_all(struct hub_server *srv, uint64_t now_ms)
{
	pthread_mutex_lock(&srv->lock);
	for (size_t i = 0; i < srv->nhubs; i++) {
		struct hub *h = srv->hubs[i];

		if (h->removed)
			continue;
		pthread_mutex_lock(&h->lock);
		loopguard_tick(h, now_ms);
		pthread_mutex_unlock(&h->lock);
	}
	pthread_mutex_unlock(&srv->lock);
}
