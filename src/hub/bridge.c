// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Local bridge ports: lifecycle (bridge_sync) and the data loop of a port's
 * thread.  Per iteration: read a batch from the interface (bounded by the
 * congestion control's pacing, like a client's socket) and switch it under
 * one hub-lock acquisition; drain the port's send queue into the interface
 * in batches; then sleep in poll(2) on the interface and the queue's eventfd.
 */
#include "bridge.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge_dev.h"
#include "forward.h"
#include "hub.h"
#include "hublog.h"
#include "log.h"
#include "session.h"
#include "session_loop.h"

#define RX_BATCH 256		  /* frames switched per hub-lock acquisition */
#define RX_BUDGET (512 * 1024)	  /* bytes read before servicing the send side */
#define DRAIN_MAX 128		  /* frames taken from the queue at a time */
#define RETRY_MS 1000		  /* how often a missing interface is looked for */
#define BRIDGE_USER "LOCALBRIDGE" /* SoftEther's session name: SID-LOCALBRIDGE-<n> */

struct bridge_port {
	struct conf_bridge conf;
	struct hub_server *srv;
	struct session *s;
	struct bridge_dev dev;
	pthread_t tid;
	atomic_bool attached; /* for "bridge list"; the port's thread writes it */
	struct bridge_port *next;
	/* the data loop's send side: frames taken from the queue, not yet sent */
	struct pkt *tx[DRAIN_MAX];
	unsigned txn, txoff;
};

int bridge_caps(const struct hub_config *c, cap_value_t out[2])
{
	bool tap = false, direct = false;
	int n = 0;

	for (size_t i = 0; i < c->nbridges; i++) {
		tap |= c->bridges[i].tap_mode;
		direct |= !c->bridges[i].tap_mode;
	}
	if (tap)
		out[n++] = CAP_NET_ADMIN;
	if (direct)
		out[n++] = CAP_NET_RAW;
	return n;
}

static void log_direct_mode_limit(const struct bridge_port *bp)
{
	if (bp->conf.tap_mode)
		return;
	log_info("local bridge %s (hub %s): direct mode: the host's own addresses on %s cannot "
		 "reach the hub's clients (the hub's frames go out to the wire, never up this "
		 "host's stack); use TapMode and a Linux bridge for that",
		 bp->conf.ifname, bp->conf.hub, bp->conf.ifname);
}

/* Opens the interface; logs the outcome when it changes (once each way). */
static bool port_attach(struct bridge_port *bp, bool was_lost, bool *failing)
{
	char err[256] = "";

	if (bp->dev.ops->attach(&bp->dev, &bp->conf, err, sizeof(err)) != 0) {
		if (!*failing && !was_lost) /* a loss was logged already: one line each way */
			log_warnx("local bridge %s (hub %s): %s; retrying every %d s",
				  bp->conf.ifname, bp->conf.hub, err, RETRY_MS / 1000);
		*failing = true;
		return false;
	}
	if (was_lost)
		log_info("local bridge %s (hub %s): interface back, re-attached (%s mode)",
			 bp->dev.ifname, bp->conf.hub, bp->dev.ops->mode);
	else
		log_info("local bridge %s (hub %s): attached (%s mode%s%s)", bp->dev.ifname,
			 bp->conf.hub, bp->dev.ops->mode,
			 !bp->conf.tap_mode && !bp->conf.no_promiscuous ? ", promiscuous" : "",
			 bp->conf.monitor ? ", monitor" : "");
	*failing = false;
	atomic_store_explicit(&bp->attached, true, memory_order_relaxed);
	return true;
}

static void drop_tx(struct bridge_port *bp)
{
	for (unsigned i = bp->txoff; i < bp->txn; i++) {
		bp->dev.tx_drops++;
		pkt_put(bp->tx[i]);
	}
	bp->txn = bp->txoff = 0;
}

static void port_lost(struct bridge_port *bp)
{
	log_warnx("local bridge %s (hub %s): interface gone; frames to it are dropped until it "
		  "is back",
		  bp->dev.ifname, bp->conf.hub);
	bp->dev.ops->detach(&bp->dev);
	drop_tx(bp);
	atomic_store_explicit(&bp->attached, false, memory_order_relaxed);
}

/* Reads and switches one batch; -1 when the interface is gone, else whether more waits. */
static int port_rx(struct bridge_port *bp, size_t allow, uint64_t now)
{
	struct session *s = bp->s;
	struct pkt *batch[RX_BATCH];
	size_t bytes = 0;
	int n = bp->dev.ops->rx(&bp->dev, batch, RX_BATCH, allow < RX_BUDGET ? allow : RX_BUDGET);

	if (n <= 0)
		return n;
	for (int i = 0; i < n; i++)
		bytes += batch[i]->len;
	sess_count(&s->rx_frames, (uint64_t)n);
	sess_count(&s->rx_frame_bytes, bytes);
	hub_forward(s->hub, s, batch, (unsigned)n, now);
	for (int i = 0; i < n; i++)
		pkt_put(batch[i]);
	cong_src_read(&s->csrc, bytes);
	return n == RX_BATCH || bytes >= RX_BUDGET;
}

/* Sends what the queue holds; -1 when the interface is gone, else whether more waits. */
static int port_tx(struct bridge_port *bp)
{
	struct session *s = bp->s;
	bool full = false;
	int r;

	if (bp->txn == 0) {
		bp->txn = queue_drain(&s->queue, bp->tx, DRAIN_MAX);
		bp->txoff = 0;
		full = bp->txn == DRAIN_MAX;
	}
	if (bp->txn == 0)
		return 0;
	if (bp->dev.fd < 0) {
		drop_tx(bp);
		return full;
	}
	r = bp->dev.ops->tx(&bp->dev, bp->tx + bp->txoff, bp->txn - bp->txoff);
	if (r < 0)
		return -1;
	for (int i = 0; i < r; i++) {
		struct pkt *p = bp->tx[bp->txoff + (unsigned)i];

		sess_count(&s->tx_frames, 1);
		sess_count(&s->tx_frame_bytes, p->len);
		pkt_put(p);
	}
	bp->txoff += (unsigned)r;
	if (bp->txoff < bp->txn)
		return 0; /* pushed back: POLLOUT */
	bp->txn = bp->txoff = 0;
	return full;
}

/* Until the next retry (detached) or the next look at a link that is down, or the pacing. */
static int poll_timeout(const struct bridge_port *bp, uint64_t now, uint64_t next_try, size_t allow,
			bool busy)
{
	int t = allow ? -1 : cong_src_wait_ms(&bp->s->csrc, now);
	int retry = next_try > now ? (int)(next_try - now) : 0;

	if (busy)
		return 0;
	if (bp->dev.fd < 0 || (bp->dev.down && (t < 0 || retry < t)))
		return retry;
	return t;
}

/* POLLERR, or a link that is down looked at again: whether the interface is gone. */
static bool port_gone(struct bridge_port *bp, short revents, uint64_t now, uint64_t *next_try)
{
	if (bp->dev.fd < 0 ||
	    !(revents & (POLLERR | POLLHUP | POLLNVAL) || (bp->dev.down && now >= *next_try)))
		return false;
	if (bp->dev.ops->gone(&bp->dev))
		return true;
	if (bp->dev.down)
		*next_try = now + RETRY_MS;
	return false;
}

static void data_loop(struct bridge_port *bp)
{
	struct session *s = bp->s;
	uint64_t now = hub_now_ms(), next_try = now;
	bool busy = false, lost = false, failing = false;

	/* acquire: pairs with the release store of stop in sess_stop */
	while (!atomic_load_explicit(&s->stop, memory_order_acquire)) {
		size_t allow = cong_src_allowance(&s->csrc, now, &s->cong);
		struct pollfd pfd[2] = {
		    {.fd = bp->dev.fd,
		     .events = (short)((allow ? POLLIN : 0) | (bp->txn ? POLLOUT : 0))},
		    {.fd = s->queue.wake_fd, .events = POLLIN},
		};
		int rx = 0, tx;

		if (bp->dev.fd < 0 && now >= next_try) {
			if (port_attach(bp, lost, &failing))
				lost = false;
			else
				next_try = now + RETRY_MS;
			pfd[0].fd = bp->dev.fd;
		}
		if (poll(pfd, 2, poll_timeout(bp, now, next_try, allow, busy)) < 0 &&
		    errno != EINTR) {
			log_warn("local bridge %s: poll", bp->conf.ifname);
			return;
		}
		now = hub_now_ms();
		if (pfd[1].revents & POLLIN)
			queue_clear_wake(&s->queue);
		if (port_gone(bp, pfd[0].revents, now, &next_try))
			rx = -1;
		if (rx == 0 && bp->dev.fd >= 0 && allow)
			rx = port_rx(bp, allow, now);
		tx = rx < 0 ? 0 : port_tx(bp);
		if (rx < 0 || tx < 0) {
			port_lost(bp);
			lost = true;
			next_try =
			    now; /* a TAP device comes back at once; others when they exist */
			rx = tx = 0;
		}
		busy = rx > 0 || tx > 0;
	}
}

static void port_log_end(struct bridge_port *bp)
{
	struct session *s = bp->s;

	log_info("local bridge %s (hub %s) stopped: frames in %llu (%llu bytes), out %llu (%llu "
		 "bytes), lost in %llu (ring full %llu), refused by the interface %llu",
		 bp->conf.ifname, bp->conf.hub, (unsigned long long)sess_counter(&s->rx_frames),
		 (unsigned long long)sess_counter(&s->rx_frame_bytes),
		 (unsigned long long)sess_counter(&s->tx_frames),
		 (unsigned long long)sess_counter(&s->tx_frame_bytes),
		 (unsigned long long)bp->dev.rx_drops, (unsigned long long)bp->dev.ring_drops,
		 (unsigned long long)bp->dev.tx_drops);
}

static void *port_main(void *arg)
{
	struct bridge_port *bp = arg;
	struct session *s = bp->s;

	log_direct_mode_limit(bp);
	data_loop(bp);
	s->state = SESS_CLOSING;
	hub_detach(s->hub, s);
	drop_tx(bp);
	bp->dev.ops->detach(&bp->dev);
	port_log_end(bp);
	hublog_session(s->hub->log, s, "local bridge %s stopped", bp->conf.ifname);
	sess_unlist(s);
	sess_thread_done(bp->srv);
	return NULL;
}

/* CheckMac and the storm limiter from the hub's options; caller holds the hub lock or owns s. */
static void apply_hub_options(struct session *s, const struct conf_bridge *b,
			      const struct conf_hub *ch)
{
	s->port.exclusive_ms = ch->opt.disable_check_mac_on_local_bridge ? 0 : SW_EXCLUSIVE_MS;
	s->port.max_macs = 0; /* a whole LAN is behind it: only the hub-wide bound */
	storm_init(&s->storm, ch->opt.storm_threshold, ch->opt.storm_strict, !b->limit_broadcast);
}

static struct session *port_session(struct hub_server *srv, struct hub *h,
				    const struct hub_config *cfg, const struct conf_hub *ch,
				    const struct conf_bridge *b)
{
	struct session *s = calloc(1, sizeof(*s));
	struct policy pol;

	if (!s || queue_init(&s->queue, cfg->queue_frames, cfg->queue_bytes) != 0) {
		free(s);
		return NULL;
	}
	s->queue.flood_bytes = &srv->flood_bytes;
	s->kind = SESS_BRIDGE;
	s->srv = srv;
	s->hub = h;
	s->fd = -1;
	s->id = atomic_fetch_add_explicit(&srv->next_id, 1, memory_order_relaxed);
	snprintf(s->user, sizeof(s->user), "%s", BRIDGE_USER);
	snprintf(s->peer, sizeof(s->peer), "%s (%s)", b->ifname, b->tap_mode ? "TAP" : "direct");
	policy_resolve(NULL, NULL, &pol);
	fw_session_init(&s->fw, &pol, s->user, NULL, false);
	s->fw.monitor = b->monitor;
	s->cong = cfg->cong;
	if (ch->opt.flooding_quota)
		s->cong.flood_quota = ch->opt.flooding_quota;
	apply_hub_options(s, b, ch);
	s->started_ms = s->established_ms = hub_now_ms();
	atomic_init(&s->state, SESS_ESTABLISHED);
	atomic_init(&s->stop, false);
	atomic_init(&s->stop_reason, PROTO_R_NONE);
	return s;
}

static void port_free(struct bridge_port *bp)
{
	queue_destroy(&bp->s->queue);
	free(bp->s);
	free(bp);
}

/* Creates the port's session in its hub and starts its thread; caller holds srv->bridge_lock. */
static void port_start(struct hub_server *srv, const struct hub_config *cfg,
		       const struct conf_bridge *b)
{
	const struct conf_hub *ch = config_find_hub(cfg, b->hub);
	struct hub *h = hub_find(srv, b->hub);
	struct bridge_port *bp;

	if (!h || !ch || !ch->online)
		return; /* reported at load; started by the reload that brings the hub */
	bp = calloc(1, sizeof(*bp));
	if (!bp || !(bp->s = port_session(srv, h, cfg, ch, b))) {
		free(bp);
		log_warnx("local bridge %s: out of memory", b->ifname);
		return;
	}
	bp->conf = *b;
	bp->srv = srv;
	bridge_dev_init(&bp->dev, b);
	if (!sess_register(srv, bp->s)) {
		port_free(bp);
		return;
	}
	if (hub_attach(h, bp->s, UINT32_MAX, 0) != 0) {
		sess_unlist(bp->s);
		sess_thread_done(srv);
		port_free(bp);
		return;
	}
	if (pthread_create(&bp->tid, NULL, port_main, bp) != 0) {
		log_warnx("local bridge %s: cannot start its thread", b->ifname);
		hub_detach(h, bp->s);
		sess_unlist(bp->s);
		sess_thread_done(srv);
		port_free(bp);
		return;
	}
	bp->next = srv->bridges;
	srv->bridges = bp;
}

/* Whether a running port still matches an entry of cfg whose hub is online. */
static const struct conf_bridge *still_wanted(struct hub_server *srv, const struct hub_config *cfg,
					      const struct bridge_port *bp)
{
	for (size_t i = 0; i < cfg->nbridges; i++) {
		const struct conf_bridge *b = &cfg->bridges[i];
		const struct conf_hub *ch = config_find_hub(cfg, b->hub);

		if (config_bridge_same(b, &bp->conf) && ch && ch->online &&
		    hub_find(srv, b->hub) == bp->s->hub)
			return b;
	}
	return NULL;
}

static bool running(const struct hub_server *srv, const struct conf_bridge *b)
{
	for (const struct bridge_port *bp = srv->bridges; bp; bp = bp->next)
		if (config_bridge_same(b, &bp->conf))
			return true;
	return false;
}

void bridge_sync(struct hub_server *srv)
{
	struct hub_config *cfg = hub_config_get(srv);
	struct bridge_port **pp;

	pthread_mutex_lock(&srv->bridge_lock);
	for (pp = &srv->bridges; *pp;) {
		struct bridge_port *bp = *pp;
		const struct conf_bridge *b = still_wanted(srv, cfg, bp);

		if (b) {
			struct hub *h = bp->s->hub;

			pthread_mutex_lock(&h->lock);
			apply_hub_options(bp->s, b, config_find_hub(cfg, b->hub));
			pthread_mutex_unlock(&h->lock);
			pp = &bp->next;
			continue;
		}
		log_info("reload: local bridge %s (hub %s) ends", bp->conf.ifname, bp->conf.hub);
		sess_stop(bp->s, PROTO_R_SHUTDOWN);
		pthread_join(bp->tid, NULL); /* its interface is free again for a new entry */
		*pp = bp->next;
		port_free(bp);
	}
	for (size_t i = 0; i < cfg->nbridges; i++)
		if (!running(srv, &cfg->bridges[i]))
			port_start(srv, cfg, &cfg->bridges[i]);
	pthread_mutex_unlock(&srv->bridge_lock);
	config_put(cfg);
}

void bridge_free_all(struct hub_server *srv)
{
	pthread_mutex_lock(&srv->bridge_lock);
	while (srv->bridges) {
		struct bridge_port *bp = srv->bridges;

		sess_stop(bp->s, PROTO_R_SHUTDOWN);
		pthread_join(bp->tid, NULL);
		srv->bridges = bp->next;
		port_free(bp);
	}
	pthread_mutex_unlock(&srv->bridge_lock);
}

void bridge_state(struct hub_server *srv, const struct conf_bridge *b, struct bridge_state *out)
{
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&srv->bridge_lock);
	for (struct bridge_port *bp = srv->bridges; bp; bp = bp->next) {
		if (!config_bridge_same(b, &bp->conf) || atomic_load(&bp->s->stop))
			continue;
		out->running = true;
		out->attached = atomic_load_explicit(&bp->attached, memory_order_relaxed);
		out->session = bp->s->id;
	}
	pthread_mutex_unlock(&srv->bridge_lock);
}

void bridge_dev_init(struct bridge_dev *d, const struct conf_bridge *b)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->ops = b->tap_mode ? &bridge_tap_ops : &bridge_packet_ops;
	snprintf(d->ifname, sizeof(d->ifname), "%s", b->ifname);
}
