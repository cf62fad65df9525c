// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Congestion detection per destination and throttling per source (see
 * congestion.h and docs/congestion.md).
 */
#include "congestion.h"

#include <string.h>

#define ETH_P_ARP 0x0806
#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58
#define TCP_CONTROL_FLAGS 0x07 /* FIN, SYN, RST */

void cong_params_default(struct cong_params *p)
{
	*p = (struct cong_params){
	    .enabled = true,
	    .target_ms = 50,
	    .min_bytes = 128 * 1024,
	    .reserve_pct = 10,
	    .pacing = true,
	    .pace_drop_pct = 25,
	    .flood_quota = 32u << 20,
	};
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool is_port(uint16_t sport, uint16_t dport, uint16_t a, uint16_t b)
{
	return (sport == a && dport == b) || (sport == b && dport == a);
}

/* TCP with SYN, FIN or RST; DHCP (v4 67/68, v6 546/547); ICMP of either family.  Notes TCP. */
static bool l4_is_control(uint8_t proto, const uint8_t *l4, size_t room, struct cong_frame *out)
{
	switch (proto) {
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		return true;
	case IPPROTO_TCP_:
		out->tcp = true;
		return room >= 14 && (l4[13] & TCP_CONTROL_FLAGS);
	case IPPROTO_UDP_:
		return room >= 4 && (is_port(be16(l4), be16(l4 + 2), 67, 68) ||
				     is_port(be16(l4), be16(l4 + 2), 546, 547));
	default:
		return false;
	}
}

static void classify_ipv4(const uint8_t *ip, size_t room, struct cong_frame *out)
{
	size_t ihl;

	if (room < 20 || ip[0] >> 4 != 4)
		return;
	memcpy(out->key.src_ip, ip + 12, 4);
	memcpy(out->key.dst_ip, ip + 16, 4);
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	/* a later fragment carries no L4 header */
	if (ihl < 20 || ihl > room || (be16(ip + 6) & 0x1fff) != 0)
		return;
	out->control = l4_is_control(ip[9], ip + ihl, room - ihl, out);
}

/* Extension headers are not walked: such frames count as bulk. */
static void classify_ipv6(const uint8_t *ip, size_t room, struct cong_frame *out)
{
	if (room < 40 || ip[0] >> 4 != 6)
		return;
	memcpy(out->key.src_ip, ip + 8, 16);
	memcpy(out->key.dst_ip, ip + 24, 16);
	out->control = l4_is_control(ip[6], ip + 40, room - 40, out);
}

void cong_classify(const struct frame_info *fi, const uint8_t *frame, size_t len,
		   struct cong_frame *out)
{
	const uint8_t *l3 = frame + fi->l3_off;
	size_t room = len > fi->l3_off ? len - fi->l3_off : 0;

	memset(out, 0, sizeof(*out));
	memcpy(out->key.src_mac, fi->src, 6);
	switch (fi->ethertype) {
	case ETH_P_ARP:
		out->control = true;
		if (room >= 28) {
			memcpy(out->key.src_ip, l3 + 14, 4);
			memcpy(out->key.dst_ip, l3 + 24, 4);
		}
		break;
	case ETH_P_IPV4:
		classify_ipv4(l3, room, out);
		break;
	case ETH_P_IPV6:
		classify_ipv6(l3, room, out);
		break;
	default:
		break;
	}
}

/*
 * A rate sample needs the queue backlogged at both ends of a window that is
 * not much longer than one: otherwise the owner may have idled in between and
 * the bytes it took say nothing about what it could take.
 */
void cong_dest_update(struct cong_dest *d, size_t depth, uint64_t now_ms,
		      const struct cong_params *p)
{
	uint64_t elapsed = now_ms - d->win_start_ms;

	if (elapsed >= CONG_RATE_WINDOW_MS) {
		if (d->win_depth > 0 && depth > 0 && elapsed <= 2 * CONG_RATE_WINDOW_MS) {
			uint64_t sample = d->win_drained * 1000 / elapsed;

			d->rate = d->rate ? (3 * d->rate + sample) / 4 : sample;
		}
		d->growing = depth > d->win_depth;
		d->win_depth = depth;
		d->win_drained = 0;
		d->win_start_ms = now_ms;
	}
	d->congested =
	    p->enabled && depth >= p->min_bytes && cong_dest_delay_ms(d, depth) >= p->target_ms;
	if (!d->congested) {
		d->above_since_ms = 0;
		d->dropping = false;
	} else if (!d->above_since_ms) {
		d->above_since_ms = now_ms;
	}
}

uint64_t cong_dest_delay_ms(const struct cong_dest *d, size_t depth)
{
	if (depth == 0)
		return 0;
	return d->rate ? (uint64_t)depth * 1000 / d->rate : UINT64_MAX;
}

/* floor(sqrt(n)), n >= 1; a few iterations for the counts seen here */
static uint32_t isqrt(uint32_t n)
{
	uint32_t r = 1;

	while ((uint64_t)(r + 1) * (r + 1) <= n)
		r++;
	return r;
}

/* Starts or continues the drop schedule; true when this frame is the one to drop. */
static bool codel_due(struct cong_dest *d, uint64_t now_ms)
{
	if (!d->dropping) {
		if (now_ms - d->above_since_ms < CONG_INTERVAL_MS)
			return false;
		/* congested again soon after the last episode: resume near its rate */
		d->drop_count = now_ms - d->drop_next_ms < 8 * CONG_INTERVAL_MS && d->drop_count > 2
				    ? d->drop_count - 2
				    : 1;
		d->dropping = true;
	} else if (now_ms < d->drop_next_ms) {
		return false;
	} else {
		d->drop_count++;
	}
	d->drop_next_ms = now_ms + CONG_INTERVAL_MS / isqrt(d->drop_count);
	return true;
}

/*
 * CoDel's schedule (Nichols and Jacobson) applied at enqueue to the sources
 * holding at least a fair share of the queue: once the delay has stayed above
 * the target for an interval, one of their bulk frames is dropped, then the
 * next after interval / sqrt(drops so far) while it stays above.  A TCP
 * backs off after one loss per round trip, which this spacing gives it; what
 * does not back off (a flood) meets an ever faster schedule, and beyond
 * CONG_HARD_FACTOR times the target every such frame.  Light sources are
 * never dropped early.
 */
bool cong_dest_early_drop(struct cong_dest *d, size_t depth, uint32_t src, uint64_t now_ms,
			  const struct cong_params *p)
{
	uint32_t own = d->src_bytes[src % CONG_SLOTS];
	uint64_t delay;

	if (!d->congested || d->nsources == 0 || (uint64_t)own * d->nsources < depth)
		return false;
	delay = cong_dest_delay_ms(d, depth);
	if (delay == UINT64_MAX) /* congested with an unknown rate: nothing measured yet */
		return false;
	if (delay >= (uint64_t)CONG_HARD_FACTOR * p->target_ms)
		return true;
	return codel_due(d, now_ms);
}

void cong_dest_add(struct cong_dest *d, uint32_t src, uint32_t len)
{
	uint32_t *b = &d->src_bytes[src % CONG_SLOTS];

	if (*b == 0)
		d->nsources++;
	*b += len;
}

void cong_dest_remove(struct cong_dest *d, uint32_t src, uint32_t len, bool drained)
{
	uint32_t *b = &d->src_bytes[src % CONG_SLOTS];

	*b -= len;
	if (*b == 0)
		d->nsources--;
	if (drained)
		d->win_drained += len;
}

void cong_src_note(struct cong_src *s, uint32_t len, const struct cong_outcome *o)
{
	s->win_frames++;
	if (o->throttled)
		atomic_fetch_add_explicit(&s->drops_throttled, 1, memory_order_relaxed);
	if (!o->dropped) {
		s->win_accepted_bytes += len;
		return;
	}
	s->win_dropped++;
	if (!o->responsive)
		s->win_overrun = true;
}

/* Whether the period just ended shows a flood: a large share lost, or non-TCP loss persisting. */
static bool is_flooding(struct cong_src *s, const struct cong_params *p)
{
	s->overruns = s->win_overrun ? s->overruns + 1 : 0;
	return (s->win_frames >= 32 && s->win_dropped * 100 >= s->win_frames * p->pace_drop_pct) ||
	       s->overruns >= CONG_PACE_OVERRUNS;
}

static uint64_t pace_allowance(uint64_t bytes)
{
	return bytes < CONG_PACE_MIN ? CONG_PACE_MIN : bytes;
}

/*
 * AIMD on the allowance, starting from the floor: a period with drops halves
 * what got through, a period without adds CONG_PACE_MIN / 10 (about 5 Mbit/s
 * more per second), so a flood stays far below the rate that overran its
 * destination.  Pacing ends
 * after CONG_PACE_CALM periods without drops in which the source did not
 * even use its allowance.
 */
static void pace_roll(struct cong_src *s, const struct cong_params *p)
{
	bool paced = atomic_load_explicit(&s->paced, memory_order_relaxed);
	uint64_t allowance = atomic_load_explicit(&s->allowance, memory_order_relaxed);
	bool flooding = is_flooding(s, p);

	if (!paced && p->enabled && p->pacing && flooding) {
		paced = true;
		s->calm = 0;
		allowance = CONG_PACE_MIN; /* a flood earns its rate back from the floor */
	} else if (paced && s->win_dropped > 0) {
		s->calm = 0;
		allowance = pace_allowance(
		    (s->win_accepted_bytes < allowance ? s->win_accepted_bytes : allowance) / 2);
	} else if (paced) {
		s->calm = s->win_read < allowance ? s->calm + 1 : 0;
		allowance += CONG_PACE_MIN / 10;
		paced = s->calm < CONG_PACE_CALM;
	}
	if (paced)
		atomic_fetch_add_explicit(&s->paced_periods, 1, memory_order_relaxed);
	atomic_store_explicit(&s->allowance, allowance, memory_order_relaxed);
	atomic_store_explicit(&s->paced, paced, memory_order_relaxed);
}

size_t cong_src_allowance(struct cong_src *s, uint64_t now_ms, const struct cong_params *p)
{
	uint64_t allowance;

	if (now_ms - s->win_start_ms >= CONG_PACE_WINDOW_MS) {
		pace_roll(s, p);
		s->win_start_ms = now_ms;
		s->win_frames = s->win_dropped = s->win_accepted_bytes = s->win_read = 0;
		s->win_overrun = false;
	}
	if (!atomic_load_explicit(&s->paced, memory_order_relaxed))
		return SIZE_MAX;
	allowance = atomic_load_explicit(&s->allowance, memory_order_relaxed);
	return s->win_read >= allowance ? 0 : (size_t)(allowance - s->win_read);
}

void cong_src_read(struct cong_src *s, size_t bytes)
{
	s->win_read += bytes;
}

int cong_src_wait_ms(const struct cong_src *s, uint64_t now_ms)
{
	uint64_t end = s->win_start_ms + CONG_PACE_WINDOW_MS;

	return end <= now_ms ? 0 : (int)(end - now_ms);
}
