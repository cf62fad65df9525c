// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Virtual hubs: membership and the switching decision for each frame.
 */
#include "hub.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "frame.h"
#include "log.h"
#include "session.h"

uint64_t hub_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int hub_server_init(struct hub_server *srv)
{
	srv->hubs = calloc(srv->cfg.nhubs, sizeof(*srv->hubs));
	if (!srv->hubs)
		return -1;
	for (size_t i = 0; i < srv->cfg.nhubs; i++) {
		struct hub *h = &srv->hubs[i];

		h->cfg = &srv->cfg.hubs[i];
		h->max_sessions = srv->cfg.hub_max_sessions;
		h->macs = sw_new(srv->cfg.max_macs, srv->cfg.mac_aging_s * 1000);
		if (!h->macs)
			return -1;
		pthread_mutex_init(&h->lock, NULL);
		srv->nhubs++;
	}
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->idle, NULL);
	atomic_init(&srv->next_id, 1);
	return 0;
}

uint32_t hub_server_stop(struct hub_server *srv, uint16_t reason, int timeout_ms)
{
	struct timespec deadline;
	uint32_t left;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&srv->lock);
	srv->stopping = true;
	for (struct session *s = srv->all; s; s = s->all_next)
		sess_stop(s, reason);
	while (srv->nthreads > 0)
		if (pthread_cond_timedwait(&srv->idle, &srv->lock, &deadline) != 0)
			break;
	left = srv->nthreads;
	pthread_mutex_unlock(&srv->lock);
	if (left > 0)
		log_warnx("%u session threads did not finish in time", left);
	return left;
}

static unsigned long long rd(atomic_ullong *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void hub_server_log_stats(struct hub_server *srv)
{
	for (size_t i = 0; i < srv->nhubs; i++) {
		struct hub_stats *st = &srv->hubs[i].stats;

		log_info("hub %s: frames in %llu, unicast %llu, flooded %llu; dropped: queue full "
			 "%llu, MAC limit %llu, to sender %llu, malformed %llu",
			 srv->hubs[i].cfg->name, rd(&st->frames_in), rd(&st->unicast),
			 rd(&st->flooded), rd(&st->drops_full), rd(&st->drops_mac),
			 rd(&st->drops_local), rd(&st->drops_malformed));
	}
}

void hub_server_free(struct hub_server *srv)
{
	for (size_t i = 0; i < srv->nhubs; i++) {
		sw_free(srv->hubs[i].macs);
		pthread_mutex_destroy(&srv->hubs[i].lock);
	}
	free(srv->hubs);
	srv->hubs = NULL;
	SSL_CTX_free(srv->tls);
	config_free(&srv->cfg);
}

struct hub *hub_find(struct hub_server *srv, const char *name)
{
	for (size_t i = 0; i < srv->nhubs; i++)
		if (strcasecmp(srv->hubs[i].cfg->name, name) == 0)
			return &srv->hubs[i];
	return NULL;
}

int hub_attach(struct hub *h, struct session *s)
{
	pthread_mutex_lock(&h->lock);
	if (h->nsessions >= h->max_sessions) {
		pthread_mutex_unlock(&h->lock);
		return PROTO_R_HUB_FULL;
	}
	s->hub_prev = NULL;
	s->hub_next = h->sessions;
	if (h->sessions)
		h->sessions->hub_prev = s;
	h->sessions = s;
	h->nsessions++;
	pthread_mutex_unlock(&h->lock);
	return 0;
}

void hub_detach(struct hub *h, struct session *s)
{
	pthread_mutex_lock(&h->lock);
	if (s->hub_prev)
		s->hub_prev->hub_next = s->hub_next;
	else
		h->sessions = s->hub_next;
	if (s->hub_next)
		s->hub_next->hub_prev = s->hub_prev;
	h->nsessions--;
	sw_forget_port(h->macs, &s->port);
	pthread_mutex_unlock(&h->lock);
}

/* Queues p to dst; caller holds the hub lock. */
static void deliver(struct hub *h, struct session *dst, struct pkt *p)
{
	switch (queue_push(&dst->queue, p)) {
	case QUEUE_PUSHED_WAKE:
		queue_wake(&dst->queue);
		break;
	case QUEUE_PUSHED:
		break;
	case QUEUE_FULL:
		atomic_fetch_add_explicit(&h->stats.drops_full, 1, memory_order_relaxed);
		break;
	}
}

static void flood(struct hub *h, struct session *src, struct pkt *p)
{
	for (struct session *s = h->sessions; s; s = s->hub_next)
		if (s != src)
			deliver(h, s, p);
	atomic_fetch_add_explicit(&h->stats.flooded, 1, memory_order_relaxed);
}

static void switch_one(struct hub *h, struct session *src, struct pkt *p, uint64_t now_ms)
{
	size_t off = p->flags & PROTO_F_VNET ? PROTO_VNET_HDR_LEN : 0;
	struct frame_info fi;
	struct sw_port *port;
	struct session *dst;

	/* a truncated VLAN tag, or a multicast source address */
	if (frame_parse_eth(p->data + off, p->len - off, &fi) != 0 || frame_is_multicast(fi.src)) {
		atomic_fetch_add_explicit(&h->stats.drops_malformed, 1, memory_order_relaxed);
		return;
	}
	switch (sw_learn(h->macs, fi.src, fi.vlan_id, &src->port, now_ms)) {
	case SW_TABLE_FULL:
	case SW_PORT_LIMIT:
		atomic_fetch_add_explicit(&h->stats.drops_mac, 1, memory_order_relaxed);
		return;
	default:
		break;
	}
	if (frame_is_multicast(fi.dst)) {
		flood(h, src, p);
		return;
	}
	port = sw_lookup(h->macs, fi.dst, fi.vlan_id, now_ms);
	if (!port) {
		flood(h, src, p);
		return;
	}
	dst = sess_from_port(port);
	if (dst == src) {
		atomic_fetch_add_explicit(&h->stats.drops_local, 1, memory_order_relaxed);
		return;
	}
	deliver(h, dst, p);
	atomic_fetch_add_explicit(&h->stats.unicast, 1, memory_order_relaxed);
}

void hub_forward(struct hub *h, struct session *src, struct pkt **pkts, unsigned n,
		 uint64_t now_ms)
{
	atomic_fetch_add_explicit(&h->stats.frames_in, n, memory_order_relaxed);
	pthread_mutex_lock(&h->lock);
	for (unsigned i = 0; i < n; i++)
		switch_one(h, src, pkts[i], now_ms);
	pthread_mutex_unlock(&h->lock);
}
