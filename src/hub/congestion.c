// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Congestion detection per destination and throttling per source (see
 * congestion.h and docs/congestion.md).
 */
#include "congestion.h"

#include <string.h>

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
	    .tunnel_cc = STREAM_CC_DEFAULT,
	};
}

void cong_classify(const struct pkt_info *pi, struct cong_frame *out)
{
	memset(out, 0, sizeof(*out));
	out->control = pkt_is_control(pi);
	out->tcp = pi->l4 == PKT_L4_TCP;
	memcpy(out->key.src_mac, pi->src, sizeof(out->key.src_mac));
	if (pi->l3 == PKT_L3_ARP) {
		memcpy(out->key.src_ip, pi->arp_spa, sizeof(pi->arp_spa));
		memcpy(out->key.dst_ip, pi->arp_tpa, sizeof(pi->arp_tpa));
	} else if (pkt_is_ip(pi)) {
		memcpy(out->key.src_ip, pi->ip_src, sizeof(out->key.src_ip));
		memcpy(out->key.dst_ip, pi->ip_dst, sizeof(out->key.dst_ip));
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

/*
 * A queue that drains into a fast link empties in well under a millisecond
 * from CongestionMinQueue, so a source paused at that depth (1 ms at least)
 * left the owner idle: on a LAN the mark follows the link.  A slow link keeps
 * the floor, and with it the short queue its clients' latency needs.
 */
size_t cong_hold_mark(const struct cong_dest *d, const struct cong_params *p, size_t max_bytes)
{
	size_t hi = max_bytes / 2, lo = p->min_bytes < hi ? p->min_bytes : hi;
	uint64_t want = d->link_rate / 1000 * CONG_HOLD_MS;

	return want <= lo ? lo : want >= hi ? hi : (size_t)want;
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
