// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Virtual hubs: membership and the switching decision for each frame.
 */
#include "hub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "frame.h"
#include "hublog.h"
#include "log.h"
#include "packet.h"
#include "session.h"
#include "wallclock.h"

uint64_t hub_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A new hub with an empty MAC table, appended to srv->hubs; caller holds srv->lock. */
static struct hub *hub_add(struct hub_server *srv, const struct hub_config *cfg, const char *name)
{
	struct hub *h;

	if (srv->nhubs == srv->hubs_cap) {
		size_t cap = srv->hubs_cap ? 2 * srv->hubs_cap : 16;
		struct hub **v = realloc(srv->hubs, cap * sizeof(*v));

		if (!v)
			return NULL;
		srv->hubs = v;
		srv->hubs_cap = cap;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->macs = sw_new(cfg->max_macs, cfg->mac_aging_s * 1000);
	if (!h->macs || fw_hub_init(&h->fw, config_find_hub(cfg, name)) != 0) {
		sw_free(h->macs);
		fw_hub_free(&h->fw);
		free(h);
		return NULL;
	}
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->log = hublog_new(name);
	pthread_mutex_init(&h->lock, NULL);
	srv->hubs[srv->nhubs++] = h;
	return h;
}

/* Any hub by name, removed ones included; caller holds srv->lock. */
static struct hub *hub_lookup(struct hub_server *srv, const char *name)
{
	for (size_t i = 0; i < srv->nhubs; i++)
		if (strcasecmp(srv->hubs[i]->name, name) == 0)
			return srv->hubs[i];
	return NULL;
}

/* Creates the hubs cfg names that do not exist yet; caller holds srv->lock. */
static int add_new_hubs(struct hub_server *srv, const struct hub_config *cfg)
{
	for (size_t i = 0; i < cfg->nhubs; i++) {
		struct hub *h = hub_lookup(srv, cfg->hubs[i].name);

		if (h) {
			h->removed = false;
			pthread_mutex_lock(&h->lock);
			fw_hub_update(&h->fw, &cfg->hubs[i]);
			pthread_mutex_unlock(&h->lock);
		} else if (!(h = hub_add(srv, cfg, cfg->hubs[i].name))) {
			return -1;
		}
		hublog_configure(h->log, cfg, &cfg->hubs[i]);
	}
	return 0;
}

int hub_server_init(struct hub_server *srv, struct hub_config *cfg)
{
	int rc;

	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->idle, NULL);
	atomic_init(&srv->next_id, 1);
	srv->cfg = cfg;
	pthread_mutex_lock(&srv->lock);
	rc = add_new_hubs(srv, cfg);
	pthread_mutex_unlock(&srv->lock);
	return rc;
}

struct hub_config *hub_config_get(struct hub_server *srv)
{
	struct hub_config *c;

	pthread_mutex_lock(&srv->lock);
	c = srv->cfg;
	/* relaxed: the reference comes from the one srv holds, under the lock */
	atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&srv->lock);
	return c;
}

int hub_user_admissible(const struct conf_hub *h, const struct conf_user *u)
{
	struct policy pol;

	if (u->expire_ms && wallclock_ms() >= u->expire_ms)
		return PROTO_R_EXPIRED;
	config_user_policy(h, u, &pol);
	if (!pol.v[POL_ACCESS])
		return PROTO_R_ACCESS_DENIED;
	return 0;
}

/* Why an established session may not stay under the new snapshot, or 0. */
static int session_verdict(const struct conf_hub *ch, const struct session *s)
{
	const struct conf_user *u;
	char why[256];

	if (!ch)
		return PROTO_R_UNKNOWN_HUB;
	if (!ch->online)
		return PROTO_R_HUB_OFFLINE;
	if (!srcacl_admits(ch->srcacl, ch->nsrcacl, (const struct sockaddr *)&s->peer_addr))
		return PROTO_R_SOURCE_DENIED;
	u = config_find_user(ch, s->user);
	if (!u || conf_user_method(u) != (s->cert ? PROTO_AUTH_CERT : PROTO_AUTH_PASSWORD))
		return PROTO_R_ACCOUNT_REMOVED;
	if (s->cert && certauth_check(&ch->certs, &u->cert, u->auth_type, s->cert, s->chain,
				      (time_t)(wallclock_ms() / 1000), why, sizeof(why)) != 0)
		return PROTO_R_CERT_REFUSED;
	return hub_user_admissible(ch, u);
}

/* A reload's policy for a session that stays; caller holds h->lock. */
static void apply_policy(struct hub *h, struct session *s, const struct conf_hub *ch)
{
	struct policy pol;

	config_user_policy(ch, config_find_user(ch, s->user), &pol);
	h->fw.nmonitors -= s->fw.monitor;
	fw_session_update(&s->fw, &pol);
	h->fw.nmonitors += s->fw.monitor;
	s->port.exclusive_ms = pol.v[POL_CHECK_MAC] ? SW_EXCLUSIVE_MS : 0;
}

/* Ends the sessions the new snapshot no longer admits; caller holds srv->lock. */
static void apply_to_sessions(struct hub_server *srv, const struct hub_config *cfg)
{
	for (size_t i = 0; i < srv->nhubs; i++) {
		struct hub *h = srv->hubs[i];
		const struct conf_hub *ch = config_find_hub(cfg, h->name);

		h->removed = ch == NULL;
		pthread_mutex_lock(&h->lock);
		for (struct session *s = h->sessions; s; s = s->hub_next) {
			int why = session_verdict(ch, s);

			if (why) {
				log_info("reload: session %u (%s@%s) ends: %s", s->id, s->user,
					 h->name, proto_reason_str((uint16_t)why));
				sess_stop(s, (uint16_t)why);
			} else {
				apply_policy(h, s, ch);
			}
		}
		pthread_mutex_unlock(&h->lock);
	}
}

int hub_recheck(struct hub_server *srv, const struct hub_config *used, const struct session *s)
{
	int why = 0;

	pthread_mutex_lock(&srv->lock);
	if (srv->cfg != used)
		why = session_verdict(config_find_hub(srv->cfg, s->hub->name), s);
	pthread_mutex_unlock(&srv->lock);
	return why;
}

void hub_server_reconfigure(struct hub_server *srv, struct hub_config *cfg)
{
	struct hub_config *old;

	pthread_mutex_lock(&srv->lock);
	old = srv->cfg;
	srv->cfg = cfg;
	if (add_new_hubs(srv, cfg) != 0)
		log_warnx("reload: out of memory creating hubs");
	apply_to_sessions(srv, cfg);
	pthread_mutex_unlock(&srv->lock);
	config_put(old);
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

/* One line per session of h; caller holds h->lock (sessions stay in the hub). */
static void log_session_stats(struct hub *h)
{
	struct sess_cong_stats cs;

	for (struct session *s = h->sessions; s; s = s->hub_next) {
		sess_get_cong_stats(s, &cs);
		sess_log_cong(s, &cs);
	}
}

void hub_server_log_stats(struct hub_server *srv)
{
	pthread_mutex_lock(&srv->lock);
	for (size_t i = 0; i < srv->nhubs; i++) {
		struct hub *h = srv->hubs[i];
		struct hub_stats *st = &h->stats;

		log_info("hub %s: frames in %llu, unicast %llu, flooded %llu; dropped: queue full "
			 "%llu, throttled %llu, flood quota %llu, storm %llu, MAC limit %llu, to "
			 "sender %llu, malformed %llu",
			 h->name, rd(&st->frames_in), rd(&st->unicast), rd(&st->flooded),
			 rd(&st->drops_full), rd(&st->drops_throttled), rd(&st->drops_quota),
			 rd(&st->drops_storm), rd(&st->drops_mac), rd(&st->drops_local),
			 rd(&st->drops_malformed));
		pthread_mutex_lock(&h->lock);
		log_session_stats(h);
		pthread_mutex_unlock(&h->lock);
	}
	log_info("flooded bytes queued, server-wide: %llu", rd(&srv->flood_bytes));
	pthread_mutex_unlock(&srv->lock);
}

void hub_server_free(struct hub_server *srv)
{
	for (size_t i = 0; i < srv->nhubs; i++) {
		sw_free(srv->hubs[i]->macs);
		hublog_free(srv->hubs[i]->log);
		fw_hub_free(&srv->hubs[i]->fw);
		pthread_mutex_destroy(&srv->hubs[i]->lock);
		free(srv->hubs[i]);
	}
	free(srv->hubs);
	srv->hubs = NULL;
	SSL_CTX_free(srv->tls);
	config_put(srv->cfg);
	srv->cfg = NULL;
}

struct hub *hub_find(struct hub_server *srv, const char *name)
{
	struct hub *h;

	pthread_mutex_lock(&srv->lock);
	h = hub_lookup(srv, name);
	if (h && h->removed)
		h = NULL;
	pthread_mutex_unlock(&srv->lock);
	return h;
}

/* Sessions of user in h; caller holds h->lock. */
static uint32_t logins_of(const struct hub *h, const char *user)
{
	uint32_t n = 0;

	for (const struct session *s = h->sessions; s; s = s->hub_next)
		n += strcasecmp(s->user, user) == 0;
	return n;
}

int hub_attach(struct hub *h, struct session *s, uint32_t max_sessions, uint32_t max_logins)
{
	pthread_mutex_lock(&h->lock);
	if (h->nsessions >= max_sessions) {
		pthread_mutex_unlock(&h->lock);
		return PROTO_R_HUB_FULL;
	}
	if (max_logins && logins_of(h, s->user) >= max_logins) {
		pthread_mutex_unlock(&h->lock);
		return PROTO_R_MULTI_LOGIN;
	}
	h->fw.nmonitors += s->fw.monitor;
	s->log_name_len = (uint16_t)pktlog_session_name(s->log_name, s->user, s->id);
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
	h->fw.nmonitors -= s->fw.monitor;
	sw_forget_port(h->macs, &s->port);
	ipt_forget_port(h->fw.ips, &s->fw.ips);
	pthread_mutex_unlock(&h->lock);
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

	if (fw_egress(h, src, dst, pi, p->len, now_ms, acl_decided, &edits) != FW_PASS)
		return QUEUE_PUSHED;
	if (!edits)
		return enqueue(h, src, dst, p, now_ms);
	copy = fw_edit_copy(p, pi, edits);
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
	for (struct session *s = h->sessions; s; s = s->hub_next)
		if (s->fw.monitor && s != src)
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

	if (storm_check(&src->storm, &cf->key, now_ms)) {
		atomic_fetch_add_explicit(&h->stats.drops_storm, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&src->csrc.drops_storm, 1, memory_order_relaxed);
		return;
	}
	for (struct session *s = h->sessions; s; s = s->hub_next)
		if (s != src && !s->fw.monitor) {
			enum queue_push_result r = deliver(h, src, s, p, pi, now_ms, acl_decided);

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
		fw_drop(h, src, fw_policy(POL_CHECK_MAC), pi, now_ms);
		return false;
	case SW_PORT_LIMIT:
		atomic_fetch_add_explicit(&h->stats.drops_mac, 1, memory_order_relaxed);
		fw_drop(h, src, fw_policy(src->fw.pol.v[POL_MAX_MAC] ? POL_MAX_MAC : POL_NO_BRIDGE),
			pi, now_ms);
		return false;
	case SW_TABLE_FULL:
		atomic_fetch_add_explicit(&h->stats.drops_mac, 1, memory_order_relaxed);
		fw_drop(h, src, FW_R_MAC_TABLE, pi, now_ms);
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
	bool acl_decided;

	if (pi->flags & PKT_F_BAD_SOURCE) {
		atomic_fetch_add_explicit(&h->stats.drops_malformed, 1, memory_order_relaxed);
		fw_drop(h, src, FW_R_BAD_SOURCE, pi, now_ms);
		return;
	}
	if (fw_ingress(h, src, pi, p->len, now_ms, &acl_decided) != FW_PASS ||
	    !learn(h, src, pi, now_ms))
		return;
	fw_snoop_dhcp(h, pi, now_ms);
	cong_classify(pi, &cf);
	port =
	    pi->flags & PKT_F_MULTICAST ? NULL : sw_lookup(h->macs, pi->dst, pi->vlan_id, now_ms);
	/* the class is final before the first queue holds p: queues account by it */
	p->src = src->id;
	p->cls = (cf.control ? PKT_CLASS_CONTROL : 0) | (port ? 0 : PKT_CLASS_FLOOD);
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
	r = deliver(h, src, dst, p, pi, now_ms, acl_decided);
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

	if ((*pp)->len >= off + 14 && (f[12] << 8 | f[13]) == (tpid ? tpid : FRAME_TPID_8021Q))
		return false;
	tagged = fw_vlan_insert(*pp, vlan_id, tpid);
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
		unsigned m = n - base < FORWARD_CHUNK ? n - base : FORWARD_CHUNK;

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
				fw_drop(h, src, early[i], &info[i], now_ms);
			else
				switch_one(h, src, pkts[base + i], &info[i], now_ms,
					   logging ? &lb : NULL);
		}
		pthread_mutex_unlock(&h->lock);
		if (logging)
			hublog_batch_end(&lb, src);
	}
}
