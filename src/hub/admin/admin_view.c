// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Admin console commands that read: status, hubs, sessions, MAC table,
 * users, groups, policies, access list, log settings, statistics and
 * listeners.  Live state is copied under the hub's lock into plain structs
 * and printed afterwards, so no lock is held while the answer is built or
 * written; configuration comes from the current snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <arpa/inet.h>

#include "admin_cmd_impl.h"
#include "admin_out.h"
#include "bytes.h"
#include "hub.h"
#include "hublog.h"
#include "cfg.h"
#include "iptable.h"
#include "log.h"
#include "session.h"

/* Counters of a hub, by name: add a line here when hub_stats grows. */
struct counter_desc {
	const char *name;
	size_t off;
};

static const struct counter_desc hub_traffic[] = {
    {"frames_in", offsetof(struct hub_stats, frames_in)},
    {"unicast", offsetof(struct hub_stats, unicast)},
    {"flooded", offsetof(struct hub_stats, flooded)},
};

/* Drop reasons (stats "drops" object). */
static const struct counter_desc hub_drops[] = {
    {"queue_full", offsetof(struct hub_stats, drops_full)},
    {"throttled", offsetof(struct hub_stats, drops_throttled)},
    {"flood_quota", offsetof(struct hub_stats, drops_quota)},
    {"storm", offsetof(struct hub_stats, drops_storm)},
    {"to_sender", offsetof(struct hub_stats, drops_local)},
    {"malformed", offsetof(struct hub_stats, drops_malformed)},
    {"no_memory", offsetof(struct hub_stats, drops_nomem)},
};

static uint64_t counter(const struct hub_stats *st, const struct counter_desc *d)
{
	return atomic_load_explicit((atomic_ullong *)((char *)st + d->off), memory_order_relaxed);
}

/* A session as copied under its hub's lock. */
struct sess_view {
	uint32_t id;
	char user[PROTO_NAME_MAX + 1];
	char peer[64];
	uint64_t started_ms;
	uint64_t rx_frames, tx_frames, rx_bytes, tx_bytes, drops_nomem;
	uint64_t rx_holds, tx_blocked;
	struct queue_stats qs;
	size_t hold_mark; /* from qs.link_rate and the session's parameters */
	uint32_t qframes;
	size_t qbytes;
	uint32_t nmacs, nips4, nips6;
	uint64_t fw_drops[FW_R_COUNT]; /* firewall drops by reason (firewall.h) */
	const char *protocol; /* "vpnhub", "softether" (se_handshake.h), "bridge", "cascade" */
	bool softether;
	uint64_t se_gso_frames, se_segments, se_drops;
};

/* The live hub called name, or NULL. */
static struct hub *live_hub(struct admin_call *c, const char *name)
{
	struct hub *h = hub_find(c->as->core->srv, name);

	if (!h)
		admin_fail(c, "no hub %.64s is running", name);
	return h;
}

static void copy_session(struct session *s, struct sess_view *v)
{
	v->id = s->id;
	snprintf(v->user, sizeof(v->user), "%s", s->user);
	snprintf(v->peer, sizeof(v->peer), "%s", s->peer);
	v->started_ms = s->started_ms;
	v->rx_frames = sess_counter(&s->rx_frames);
	v->tx_frames = sess_counter(&s->tx_frames);
	v->rx_bytes = sess_counter(&s->rx_frame_bytes);
	v->tx_bytes = sess_counter(&s->tx_frame_bytes);
	v->drops_nomem = sess_counter(&s->drops_nomem);
	v->rx_holds = sess_counter(&s->rx_holds);
	v->tx_blocked = sess_counter(&s->tx_blocked);
	v->nmacs = s->port.nmacs;
	v->nips4 = s->fw.ips.n4;
	v->nips6 = s->fw.ips.n6;
	for (int r = 0; r < FW_R_COUNT; r++)
		v->fw_drops[r] = atomic_load_explicit(&s->fw.drops[r], memory_order_relaxed);
	queue_get_stats(&s->queue, &v->qs, &v->qframes, &v->qbytes);
	v->hold_mark = cong_hold_mark(&(struct cong_dest){.link_rate = v->qs.link_rate}, &s->cong,
				      s->queue.max_bytes);
	v->softether = s->softether; /* set before the session joined the hub */
	v->protocol = s->kind == SESS_BRIDGE	? "bridge"
		      : s->kind == SESS_CASCADE ? "cascade"
		      : s->softether		? "softether"
						: "vpnhub";
	v->se_gso_frames = sess_counter(&s->se_gso_frames);
	v->se_segments = sess_counter(&s->se_segments);
	v->se_drops = sess_counter(&s->se_drops);
}

/* Copies the hub's sessions (all, or only id when id != 0); *n set; NULL if none or no memory. */
static struct sess_view *copy_sessions(struct hub *h, uint32_t id, size_t *n)
{
	struct sess_view *v;
	struct session *s;
	size_t k = 0;

	pthread_mutex_lock(&h->lock);
	v = h->nsessions ? calloc(h->nsessions, sizeof(*v)) : NULL;
	if (v)
		list_for_each_entry(s, &h->sessions, hub_link) if (!id || s->id == id)
		    copy_session(s, &v[k++]);
	pthread_mutex_unlock(&h->lock);
	*n = k;
	return v;
}

/* Firewall drops by reason: every reason in JSON, the ones that happened in text. */
static void print_fw_drops(struct admin_out *o, const uint64_t *drops)
{
	out_obj_begin(o, "firewall_drops");
	for (int r = FW_R_POLICY; r < FW_R_COUNT; r++)
		if (drops[r] || o->json)
			out_u64(o, fw_reason_name((enum fw_reason)r), drops[r]);
	out_obj_end(o);
}

static void print_session(struct admin_out *o, const struct sess_view *v, const char *hub,
			  bool detail)
{
	uint64_t now = hub_now_ms();

	out_obj_begin(o, NULL);
	out_u64(o, "id", v->id);
	out_str(o, "hub", hub);
	out_str(o, "user", v->user);
	out_str(o, "peer", v->peer);
	out_str(o, "protocol", v->protocol);
	out_u64(o, "connected_s", (now - v->started_ms) / 1000);
	out_u64(o, "rx_frames", v->rx_frames);
	out_u64(o, "tx_frames", v->tx_frames);
	if (detail) {
		out_u64(o, "rx_bytes", v->rx_bytes);
		out_u64(o, "tx_bytes", v->tx_bytes);
		out_u64(o, "macs", v->nmacs);
		out_u64(o, "ipv4_addresses", v->nips4);
		out_u64(o, "ipv6_addresses", v->nips6);
		out_u64(o, "queue_frames", v->qframes);
		out_u64(o, "queue_bytes", v->qbytes);
		out_u64(o, "queue_hwm_frames", v->qs.hwm_frames);
		out_u64(o, "queue_hwm_bytes", v->qs.hwm_bytes);
		out_obj_begin(o, "drops");
		out_u64(o, "queue_full", v->qs.drops_full);
		out_u64(o, "throttled", v->qs.drops_throttled);
		out_u64(o, "flood_quota", v->qs.drops_quota);
		out_u64(o, "evicted", v->qs.evicted);
		out_u64(o, "no_memory", v->drops_nomem);
		out_obj_end(o);
		/* back-pressure (queue.h): no frame lost, but where the data path waited */
		out_obj_begin(o, "backpressure");
		out_u64(o, "hold_mark_bytes", v->hold_mark);
		out_u64(o, "link_rate_bytes_per_s", v->qs.link_rate);
		out_u64(o, "holds_asked", v->qs.holds);
		out_u64(o, "reads_paused", v->rx_holds);
		out_u64(o, "tls_writes_blocked", v->tx_blocked);
		out_obj_end(o);
		print_fw_drops(o, v->fw_drops);
		if (v->softether) {
			/* frames it cannot take whole: segmented or dropped (segment.h) */
			out_obj_begin(o, "softether");
			out_u64(o, "superframes_segmented", v->se_gso_frames);
			out_u64(o, "segments", v->se_segments);
			out_u64(o, "dropped", v->se_drops);
			out_obj_end(o);
		}
	}
	out_obj_end(o);
}

int cmd_session_list(struct admin_call *c)
{
	const char *name;
	struct hub *h;
	struct sess_view *v;
	size_t n;

	if (admin_need_hub(c, &name) != 0 || !(h = live_hub(c, name)))
		return -1;
	v = copy_sessions(h, 0, &n);
	out_list_begin(c->out, NULL);
	for (size_t i = 0; i < n; i++)
		print_session(c->out, &v[i], h->name, false);
	out_list_end(c->out);
	free(v);
	return 0;
}

/* The one session id of the selected hub, printed in full. */
static int show_session(struct admin_call *c, const char *idtext)
{
	const char *name;
	struct hub *h;
	struct sess_view *v;
	uint32_t id;
	size_t n;

	if (admin_need_hub(c, &name) != 0 || admin_parse_uint(c, "ID", idtext, UINT32_MAX, &id) ||
	    !(h = live_hub(c, name)))
		return -1;
	v = copy_sessions(h, id ? id : UINT32_MAX, &n);
	if (n == 0) {
		free(v);
		return admin_fail(c, "no session %u in hub %s", id, h->name);
	}
	print_session(c->out, &v[0], h->name, true);
	free(v);
	return 0;
}

int cmd_session_show(struct admin_call *c)
{
	return show_session(c, admin_arg(c, 0));
}

int cmd_session_kick(struct admin_call *c)
{
	struct hub_server *srv = c->as->core->srv;
	const char *name;
	struct session *s;
	struct hub *h;
	uint32_t id;
	bool found = false, bridge = false;
	char peer[sizeof(s->peer)] = "";

	if (admin_need_hub(c, &name) != 0 ||
	    admin_parse_uint(c, "ID", admin_arg(c, 0), UINT32_MAX, &id) || !(h = live_hub(c, name)))
		return -1;
	/* srv->lock keeps the session alive while sess_stop reaches it (session.h) */
	pthread_mutex_lock(&srv->lock);
	pthread_mutex_lock(&h->lock);
	list_for_each_entry(s, &h->sessions, hub_link)
	{
		if (s->id == id && s->kind == SESS_BRIDGE) {
			/* the configuration owns a bridge port: "bridge delete" ends it */
			bridge = true;
			snprintf(peer, sizeof(peer), "%s", s->peer);
			break;
		}
		if (s->id == id) {
			sess_stop(s, PROTO_R_KICKED);
			hublog_session(s->hub->log, s, "kicked by the administrator (%s)",
				       c->as->peer);
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&h->lock);
	pthread_mutex_unlock(&srv->lock);
	if (bridge)
		return admin_fail(
		    c, "session %u is the local bridge %s: \"bridge delete\" removes it", id, peer);
	if (!found)
		return admin_fail(c, "no session %u in hub %s", id, h->name);
	log_info("admin console: %s kicked session %u of hub %s", c->as->peer, id, h->name);
	out_printf(c->out, "session %u disconnected\n", id);
	return 0;
}

struct mac_view {
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t session;
	uint64_t updated_ms;
};

struct mac_copy {
	struct mac_view *v;
	size_t n, cap;
};

static int copy_mac(void *ctx, const uint8_t mac[6], uint16_t vlan, struct sw_port *port,
		    uint64_t updated_ms)
{
	struct mac_copy *mc = ctx;
	struct mac_view *v;

	if (mc->n == mc->cap)
		return 1;
	v = &mc->v[mc->n++];
	memcpy(v->mac, mac, 6);
	v->vlan = vlan;
	v->session = sess_from_port(port)->id;
	v->updated_ms = updated_ms;
	return 0;
}

int cmd_mac_table(struct admin_call *c)
{
	struct mac_copy mc = {0};
	const char *name;
	struct hub *h;
	uint64_t now = hub_now_ms();

	if (admin_need_hub(c, &name) != 0 || !(h = live_hub(c, name)))
		return -1;
	pthread_mutex_lock(&h->lock);
	mc.cap = sw_count(h->macs);
	mc.v = mc.cap ? calloc(mc.cap, sizeof(*mc.v)) : NULL;
	if (mc.v)
		sw_walk(h->macs, copy_mac, &mc);
	pthread_mutex_unlock(&h->lock);
	out_list_begin(c->out, NULL);
	for (size_t i = 0; i < mc.n; i++) {
		char mac[MAC_STR_LEN];

		mac_format(mc.v[i].mac, mac);
		out_obj_begin(c->out, NULL);
		out_str(c->out, "mac", mac);
		out_u64(c->out, "vlan", mc.v[i].vlan);
		out_u64(c->out, "session", mc.v[i].session);
		out_u64(c->out, "idle_s",
			now > mc.v[i].updated_ms ? (now - mc.v[i].updated_ms) / 1000 : 0);
		out_obj_end(c->out);
	}
	out_list_end(c->out);
	free(mc.v);
	return 0;
}

struct ip_view {
	uint8_t ip[16];
	bool v6, dhcp;
	uint32_t session;
	uint64_t updated_ms;
};

struct ip_copy {
	struct ip_view *v;
	size_t n, cap;
};

static int copy_ip(void *ctx, const uint8_t *ip, bool v6, struct ipt_port *port, bool dhcp,
		   uint64_t updated_ms)
{
	struct ip_copy *ic = ctx;
	struct ip_view *v;

	if (ic->n == ic->cap)
		return 1;
	v = &ic->v[ic->n++];
	memcpy(v->ip, ip, v6 ? 16 : 4);
	v->v6 = v6;
	v->dhcp = dhcp;
	v->session = container_of(port, struct session, fw.ips)->id;
	v->updated_ms = updated_ms;
	return 0;
}

int cmd_ip_table(struct admin_call *c)
{
	struct ip_copy ic = {0};
	const char *name;
	struct hub *h;
	uint64_t now = hub_now_ms();
	bool off;

	if (admin_need_hub(c, &name) != 0 || !(h = live_hub(c, name)))
		return -1;
	pthread_mutex_lock(&h->lock);
	off = h->fw.opt.no_ip_table || !h->fw.ips;
	ic.cap = off ? 0 : ipt_count(h->fw.ips);
	ic.v = ic.cap ? calloc(ic.cap, sizeof(*ic.v)) : NULL;
	if (ic.v)
		ipt_walk(h->fw.ips, now, copy_ip, &ic);
	pthread_mutex_unlock(&h->lock);
	out_list_begin(c->out, NULL);
	for (size_t i = 0; i < ic.n; i++) {
		char addr[INET6_ADDRSTRLEN];

		inet_ntop(ic.v[i].v6 ? AF_INET6 : AF_INET, ic.v[i].ip, addr, sizeof(addr));
		out_obj_begin(c->out, NULL);
		out_str(c->out, "ip", addr);
		out_u64(c->out, "session", ic.v[i].session);
		out_bool(c->out, "dhcp", ic.v[i].dhcp);
		out_u64(c->out, "idle_s",
			now > ic.v[i].updated_ms ? (now - ic.v[i].updated_ms) / 1000 : 0);
		out_obj_end(c->out);
	}
	out_list_end(c->out);
	free(ic.v);
	if (off)
		out_printf(c->out, "hub %s does not keep an IP table (Option/NoIpTable)\n",
			   h->name);
	return 0;
}

/* The live hubs, copied under srv->lock (a hub lives until exit). */
static struct hub **copy_hubs(struct hub_server *srv, size_t *n)
{
	struct hub **v;
	size_t k = 0;

	pthread_mutex_lock(&srv->lock);
	v = calloc(srv->nhubs ? srv->nhubs : 1, sizeof(*v));
	for (size_t i = 0; v && i < srv->nhubs; i++)
		if (!srv->hubs[i]->removed)
			v[k++] = srv->hubs[i];
	pthread_mutex_unlock(&srv->lock);
	*n = k;
	return v;
}

static uint32_t hub_sessions(struct hub *h)
{
	uint32_t n;

	pthread_mutex_lock(&h->lock);
	n = h->nsessions;
	pthread_mutex_unlock(&h->lock);
	return n;
}

int cmd_hub_list(struct admin_call *c)
{
	struct hub_config *cfg = hub_config_get(c->as->core->srv);
	const struct admin_identity *id = &c->as->id;

	out_list_begin(c->out, NULL);
	for (size_t i = 0; i < cfg->nhubs; i++) {
		const struct conf_hub *ch = &cfg->hubs[i];
		struct hub *h;

		if (id->role != ADMIN_SERVER && strcasecmp(ch->name, id->hub) != 0)
			continue;
		h = hub_find(c->as->core->srv, ch->name);
		out_obj_begin(c->out, NULL);
		out_str(c->out, "name", ch->name);
		out_bool(c->out, "online", ch->online);
		out_u64(c->out, "sessions", h ? hub_sessions(h) : 0);
		out_u64(c->out, "users", ch->nusers);
		out_u64(c->out, "groups", ch->ngroups);
		out_bool(c->out, "selected", strcasecmp(ch->name, c->as->hub) == 0);
		out_obj_end(c->out);
	}
	out_list_end(c->out);
	config_put(cfg);
	return 0;
}

int cmd_hub_select(struct admin_call *c)
{
	struct hub_config *cfg = hub_config_get(c->as->core->srv);
	const struct conf_hub *ch = config_find_hub(cfg, admin_arg(c, 0));

	if (ch) {
		snprintf(c->as->hub, sizeof(c->as->hub), "%s", ch->name);
		out_printf(c->out, "hub %s selected\n", ch->name);
	}
	config_put(cfg);
	if (!ch)
		return admin_fail(c, "no hub %.64s", admin_arg(c, 0));
	return 0;
}

int cmd_status(struct admin_call *c)
{
	struct admin_core *core = c->as->core;
	struct hub_server *srv = core->srv;
	uint64_t now = hub_now_ms(), frames = 0, rate = 0;
	uint32_t sessions = 0, connections;
	size_t n;
	struct hub **hubs = copy_hubs(srv, &n);

	for (size_t i = 0; hubs && i < n; i++) {
		if (c->as->id.role == ADMIN_HUB && strcasecmp(hubs[i]->name, c->as->id.hub) != 0)
			continue; /* a hub administrator sees its own hub */
		sessions += hub_sessions(hubs[i]);
		frames += counter(&hubs[i]->stats, &hub_traffic[0]);
	}
	free(hubs);
	pthread_mutex_lock(&srv->lock);
	connections = srv->nthreads;
	pthread_mutex_unlock(&srv->lock);
	pthread_mutex_lock(&core->rate_lock);
	if (now > core->rate_ms && frames >= core->rate_frames)
		rate = (frames - core->rate_frames) * 1000 / (now - core->rate_ms);
	core->rate_ms = now;
	core->rate_frames = frames;
	pthread_mutex_unlock(&core->rate_lock);
	out_obj_begin(c->out, NULL);
	out_str(c->out, "version", VPN_VERSION);
	out_u64(c->out, "uptime_s", (now - core->started_ms) / 1000);
	out_u64(c->out, "hubs", c->as->id.role == ADMIN_HUB ? 1 : n);
	out_u64(c->out, "sessions", sessions);
	out_u64(c->out, "connections", connections);
	out_u64(c->out, "frames_in", frames);
	out_u64(c->out, "frames_per_s", rate); /* since the previous status */
	out_str(c->out, "selected_hub", c->as->hub);
	out_obj_end(c->out);
	return 0;
}

static void print_counters(struct admin_out *o, const struct hub_stats *st,
			   const struct counter_desc *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_u64(o, d[i].name, counter(st, &d[i]));
}

int cmd_stats(struct admin_call *c)
{
	const char *name, *what = admin_arg(c, 0);
	uint64_t fw[FW_R_COUNT];
	struct hublog_counts lc;
	struct hub *h;

	if (what) {
		if (strcasecmp(what, "session") != 0 || !admin_arg(c, 1))
			return admin_fail(c, "usage: stats [session ID] [--json]");
		return show_session(c, admin_arg(c, 1));
	}
	if (admin_need_hub(c, &name) != 0 || !(h = live_hub(c, name)))
		return -1;
	out_obj_begin(c->out, NULL);
	out_str(c->out, "hub", h->name);
	out_u64(c->out, "sessions", hub_sessions(h));
	pthread_mutex_lock(&h->lock);
	out_u64(c->out, "macs", sw_count(h->macs));
	pthread_mutex_unlock(&h->lock);
	print_counters(c->out, &h->stats, hub_traffic,
		       sizeof(hub_traffic) / sizeof(hub_traffic[0]));
	out_obj_begin(c->out, "drops");
	print_counters(c->out, &h->stats, hub_drops, sizeof(hub_drops) / sizeof(hub_drops[0]));
	out_obj_end(c->out);
	for (int r = 0; r < FW_R_COUNT; r++)
		fw[r] = atomic_load_explicit(&h->fw.drops[r], memory_order_relaxed);
	print_fw_drops(c->out, fw);
	hublog_counts(h->log, &lc);
	out_obj_begin(c->out, "log_records");
	out_u64(c->out, "packet_written", lc.packet_written);
	out_u64(c->out, "packet_dropped", lc.packet_dropped);
	out_u64(c->out, "security_written", lc.security_written);
	out_u64(c->out, "security_dropped", lc.security_dropped);
	out_obj_end(c->out);
	out_obj_end(c->out);
	return 0;
}

/* The selected hub in the current snapshot; *cfg holds a reference (config_put it). */
static const struct conf_hub *selected_conf_hub(struct admin_call *c, struct hub_config **cfg)
{
	const char *name;
	const struct conf_hub *ch;

	*cfg = NULL;
	if (admin_need_hub(c, &name) != 0)
		return NULL;
	*cfg = hub_config_get(c->as->core->srv);
	ch = config_find_hub(*cfg, name);
	if (!ch)
		admin_fail(c, "no hub %.64s", name);
	return ch;
}

static void format_time(uint64_t ms, char *buf, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!ms || !gmtime_r(&t, &tm)) {
		snprintf(buf, cap, "never");
		return;
	}
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* How the user logs in: password (and how it is stored) or certificate (and what must match). */
static void print_auth(struct admin_out *o, const struct conf_user *u)
{
	char text[512], serial[2 * CERTAUTH_SERIAL_MAX + 1] = "";

	switch (u->auth_type) {
	case 1:
		out_str(o, "auth",
			u->has_verifier	 ? "verifier"
			: u->has_se_hash ? "softether-hash"
					 : "none");
		return;
	case 2:
		out_str(o, "auth",
			u->cert.cert ? "certificate (AuthType 2)"
				     : "certificate (AuthType 2), none registered");
		return;
	case 3:
		for (size_t i = 0; i < u->cert.serial_len; i++)
			snprintf(serial + 2 * i, 3, "%02X", u->cert.serial[i]);
		snprintf(text, sizeof(text),
			 "signed by a trusted CA (AuthType 3), common name %s, serial %s",
			 u->cert.cn[0] ? u->cert.cn : "any", serial[0] ? serial : "any");
		out_str(o, "auth", text);
		return;
	default:
		snprintf(text, sizeof(text), "other (AuthType %u): cannot log in here",
			 u->auth_type);
		out_str(o, "auth", text);
	}
}

static void print_user(struct admin_out *o, const struct conf_hub *ch, const struct conf_user *u,
		       bool detail)
{
	char expire[32];

	format_time(u->expire_ms, expire, sizeof(expire));
	out_obj_begin(o, NULL);
	out_str(o, "name", u->name);
	out_str(o, "group", u->group);
	out_str(o, "realname", u->realname);
	out_str(o, "expire", expire);
	print_auth(o, u);
	if (detail) {
		out_str(o, "note", u->note);
		out_bool(o, "own_policy", u->has_policy);
		out_str(o, "admissible",
			hub_user_admissible(ch, u) ? "no (expired or Access=false)" : "yes");
	}
	out_obj_end(o);
}

int cmd_user_list(struct admin_call *c)
{
	struct hub_config *cfg;
	const struct conf_hub *ch = selected_conf_hub(c, &cfg);

	if (ch) {
		out_list_begin(c->out, NULL);
		for (size_t i = 0; i < ch->nusers; i++)
			print_user(c->out, ch, &ch->users[i], false);
		out_list_end(c->out);
	}
	config_put(cfg);
	return ch ? 0 : -1;
}

int cmd_user_show(struct admin_call *c)
{
	struct hub_config *cfg;
	const struct conf_hub *ch = selected_conf_hub(c, &cfg);
	const struct conf_user *u = ch ? config_find_user(ch, admin_arg(c, 0)) : NULL;
	int rc = 0;

	if (u)
		print_user(c->out, ch, u, true);
	else if (ch)
		rc = admin_fail(c, "no user %.64s in hub %s", admin_arg(c, 0), ch->name);
	else
		rc = -1;
	config_put(cfg);
	return rc;
}

int cmd_group_list(struct admin_call *c)
{
	struct hub_config *cfg;
	const struct conf_hub *ch = selected_conf_hub(c, &cfg);

	if (ch) {
		out_list_begin(c->out, NULL);
		for (size_t i = 0; i < ch->ngroups; i++) {
			const struct conf_group *g = &ch->groups[i];
			size_t members = 0;

			for (size_t k = 0; k < ch->nusers; k++)
				members += cfg_name_cmp(ch->users[k].group, g->name) == 0;
			out_obj_begin(c->out, NULL);
			out_str(c->out, "name", g->name);
			out_str(c->out, "realname", g->realname);
			out_str(c->out, "note", g->note);
			out_u64(c->out, "members", members);
			out_bool(c->out, "own_policy", g->has_policy);
			out_obj_end(c->out);
		}
		out_list_end(c->out);
	}
	config_put(cfg);
	return ch ? 0 : -1;
}

int cmd_policy_show(struct admin_call *c)
{
	struct hub_config *cfg;
	const struct conf_hub *ch = selected_conf_hub(c, &cfg);
	const char *kind = admin_arg(c, 0), *name = admin_arg(c, 1);
	struct policy pol;
	const char *source = "defaults";
	int rc = 0;

	if (!ch) {
		config_put(cfg);
		return -1;
	}
	if (strcasecmp(kind, "user") == 0) {
		const struct conf_user *u = config_find_user(ch, name);

		if (!u)
			rc = admin_fail(c, "no user %.64s in hub %s", name, ch->name);
		else {
			config_user_policy(ch, u, &pol);
			source = u->has_policy ? "user"
				 : u->group[0] ? "group or defaults"
					       : source;
		}
	} else if (strcasecmp(kind, "group") == 0) {
		const struct conf_group *g = config_find_group(ch, name);

		if (!g)
			rc = admin_fail(c, "no group %.64s in hub %s", name, ch->name);
		else {
			policy_resolve(NULL, g->has_policy ? &g->policy : NULL, &pol);
			source = g->has_policy ? "group" : source;
		}
	} else {
		rc = admin_fail(c, "usage: policy show user|group NAME [--json]");
	}
	if (rc == 0) {
		out_obj_begin(c->out, NULL);
		out_str(c->out, "from", source);
		for (int i = 0; i < POL_COUNT; i++) {
			if (policy_items[i].is_bool)
				out_bool(c->out, policy_items[i].name, pol.v[i] != 0);
			else
				out_u64(c->out, policy_items[i].name, pol.v[i]);
		}
		out_obj_end(c->out);
	}
	config_put(cfg);
	return rc;
}

static void format_ip(const struct conf_access *a, const uint8_t *ip, const uint8_t *mask,
		      char *buf, size_t cap)
{
	char addr[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
	int af = a->is_ipv6 ? AF_INET6 : AF_INET;

	inet_ntop(af, ip, addr, sizeof(addr));
	inet_ntop(af, mask, m, sizeof(m));
	snprintf(buf, cap, "%s/%s", addr, m);
}

/* "any" or "02-00-5e-00-00-99/ff-ff-ff-ff-ff-ff" */
static void format_mac(bool check, const uint8_t *mac, const uint8_t *mask, char *buf, size_t cap)
{
	if (!check) {
		snprintf(buf, cap, "any");
		return;
	}
	snprintf(buf, cap, "%02x-%02x-%02x-%02x-%02x-%02x/%02x-%02x-%02x-%02x-%02x-%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5], mask[0], mask[1], mask[2], mask[3],
		 mask[4], mask[5]);
}

static void print_access(struct admin_out *o, const struct conf_access *a, uint64_t discards)
{
	char src[100], dst[100];

	format_ip(a, a->src_ip, a->src_mask, src, sizeof(src));
	format_ip(a, a->dst_ip, a->dst_mask, dst, sizeof(dst));
	out_obj_begin(o, NULL);
	out_u64(o, "id", a->id);
	out_u64(o, "priority", a->priority);
	out_str(o, "action", a->discard ? "discard" : "pass");
	out_bool(o, "active", a->active);
	out_u64(o, "protocol", a->protocol);
	out_str(o, "src", src);
	out_str(o, "dst", dst);
	out_u64(o, "src_port_lo", a->src_port[0]);
	out_u64(o, "src_port_hi", a->src_port[1]);
	out_u64(o, "dst_port_lo", a->dst_port[0]);
	out_u64(o, "dst_port_hi", a->dst_port[1]);
	out_str(o, "src_user", a->src_user);
	out_str(o, "dst_user", a->dst_user);
	format_mac(a->check_src_mac, a->src_mac, a->src_mac_mask, src, sizeof(src));
	format_mac(a->check_dst_mac, a->dst_mac, a->dst_mac_mask, dst, sizeof(dst));
	out_str(o, "src_mac", src);
	out_str(o, "dst_mac", dst);
	out_str(o, "tcp_state",
		!a->check_tcp_state ? "any"
		: a->established    ? "established"
				    : "unestablished");
	out_str(o, "note", a->note);
	out_u64(o, "discards", discards); /* frames this entry discarded */
	out_obj_end(o);
}

int cmd_access_list(struct admin_call *c)
{
	struct hub_config *cfg;
	const struct conf_hub *ch = selected_conf_hub(c, &cfg);
	struct hub *h = ch ? hub_find(c->as->core->srv, ch->name) : NULL;
	uint64_t *hits = ch && ch->naccess ? calloc(ch->naccess, sizeof(*hits)) : NULL;

	if (h && hits) {
		pthread_mutex_lock(&h->lock);
		for (size_t i = 0; i < ch->naccess; i++)
			hits[i] = fw_acl_hits(&h->fw, ch->access[i].id);
		pthread_mutex_unlock(&h->lock);
	}
	if (ch) {
		out_list_begin(c->out, NULL);
		for (size_t i = 0; i < ch->naccess; i++)
			print_access(c->out, &ch->access[i], hits ? hits[i] : 0);
		out_list_end(c->out);
	}
	free(hits);
	config_put(cfg);
	return ch ? 0 : -1;
}

/* LogSetting items in SoftHUB.cfg order; shared with "log set" by name. */
const char *const admin_log_classes[LOG_CLASSES] = {
    "PACKET_LOG_TCP_CONN", "PACKET_LOG_TCP", "PACKET_LOG_DHCP", "PACKET_LOG_UDP",
    "PACKET_LOG_ICMP",	   "PACKET_LOG_IP",  "PACKET_LOG_ARP",	"PACKET_LOG_ETHERNET",
};

int cmd_log_show(struct admin_call *c)
{
	struct hub_config *cfg;
	const struct conf_hub *ch = selected_conf_hub(c, &cfg);

	if (ch) {
		const struct conf_log *l = &ch->log;

		out_obj_begin(c->out, NULL);
		out_bool(c->out, "SavePacketLog", l->save_packet_log);
		out_bool(c->out, "SaveSecurityLog", l->save_security_log);
		out_u64(c->out, "PacketLogSwitchType", l->packet_switch);
		out_u64(c->out, "SecurityLogSwitchType", l->security_switch);
		for (int i = 0; i < LOG_CLASSES; i++)
			out_u64(c->out, admin_log_classes[i], l->packet_level[i]);
		out_obj_end(c->out);
	}
	config_put(cfg);
	return ch ? 0 : -1;
}

int cmd_listener_list(struct admin_call *c)
{
	struct admin_core *core = c->as->core;
	struct hub_config *cfg = hub_config_get(core->srv);
	char port[8];

	out_list_begin(c->out, NULL);
	for (size_t i = 0; i < cfg->nlisten; i++) {
		snprintf(port, sizeof(port), "%u", cfg->listen[i].port);
		out_obj_begin(c->out, NULL);
		out_str(c->out, "kind", "vpn");
		out_str(c->out, "address", cfg->listen[i].host[0] ? cfg->listen[i].host : "*");
		out_str(c->out, "port", port);
		out_obj_end(c->out);
	}
	if (core->socket_path[0]) {
		out_obj_begin(c->out, NULL);
		out_str(c->out, "kind", "admin-unix");
		out_str(c->out, "address", core->socket_path);
		out_str(c->out, "port", "");
		out_obj_end(c->out);
	}
	if (core->tcp_port) {
		snprintf(port, sizeof(port), "%u", core->tcp_port);
		out_obj_begin(c->out, NULL);
		out_str(c->out, "kind", "admin-tcp");
		out_str(c->out, "address", "127.0.0.1");
		out_str(c->out, "port", port);
		out_obj_end(c->out);
	}
	out_list_end(c->out);
	config_put(cfg);
	return 0;
}

/* Every option of the hub as written, with its effect here; the other hub settings. */
int cmd_hub_show(struct admin_call *c)
{
	struct hub_config *cfg;
	const struct conf_hub *ch = selected_conf_hub(c, &cfg);
	const char *nl;

	if (!ch) {
		config_put(cfg);
		return -1;
	}
	out_obj_begin(c->out, NULL);
	out_str(c->out, "name", ch->name);
	out_bool(c->out, "online", ch->online);
	out_u64(c->out, "max_session_effective",
		ch->opt.max_session && ch->opt.max_session < cfg->hub_max_sessions
		    ? ch->opt.max_session
		    : cfg->hub_max_sessions);
	nl = ch->message ? strpbrk(ch->message, "\r\n") : NULL;
	if (ch->message) {
		char first[200];

		snprintf(
		    first, sizeof(first), "%.*s%s",
		    (int)(nl ? (size_t)(nl - ch->message) < 120 ? nl - ch->message : 120 : 120),
		    ch->message, nl || strlen(ch->message) > 120 ? " ..." : "");
		out_str(c->out, "message", first);
		out_str(c->out, "message_effect",
			ch->message_ok ? "applied (sent at login)"
				       : "stored only (not UTF-8 or holds control characters)");
	}
	out_u64(c->out, "source_ip_rules", ch->nsrcacl);
	out_u64(c->out, "access_rules", ch->naccess);
	out_u64(c->out, "trusted_cas", ch->certs.ntrusted);
	out_u64(c->out, "crl_list_entries", ch->certs.ncrl_entries);
	out_str(c->out, "crl_file", ch->certs.crl_file[0] ? ch->certs.crl_file : "none");
	out_str(c->out, "trusted_ca_file", ch->certs.ca_file[0] ? ch->certs.ca_file : "none");
	out_obj_end(c->out);
	out_printf(c->out, "%-40s %-24s %s\n", "Option", "value", "effect");
	out_list_begin(c->out, "options");
	for (size_t i = 0; i < ch->nopt_items; i++) {
		const struct conf_opt_item *o = &ch->opt_items[i];

		if (c->out->json) {
			out_obj_begin(c->out, NULL);
			out_str(c->out, "name", o->name);
			out_str(c->out, "value", o->value);
			out_str(c->out, "effect", o->applied ? "applied" : "stored only");
			out_obj_end(c->out);
		} else
			out_printf(c->out, "%-40s %-24s %s\n", o->name, o->value,
				   o->applied ? "applied" : "stored only");
	}
	out_list_end(c->out);
	config_put(cfg);
	return 0;
}

/* The source-IP list in matching order. */
int cmd_ac_list(struct admin_call *c)
{
	struct hub_config *cfg;
	const struct conf_hub *ch = selected_conf_hub(c, &cfg);
	char addr[100];

	if (!ch) {
		config_put(cfg);
		return -1;
	}
	out_printf(c->out, "%4s %8s %-6s %s\n", "Acl", "priority", "action", "address");
	out_list_begin(c->out, NULL);
	for (size_t i = 0; i < ch->nsrcacl; i++) {
		const struct srcacl_entry *e = &ch->srcacl[i];

		srcacl_format(e, addr, sizeof(addr));
		if (c->out->json) {
			out_obj_begin(c->out, NULL);
			out_u64(c->out, "acl", e->number);
			out_u64(c->out, "priority", e->priority);
			out_str(c->out, "action", e->deny ? "deny" : "allow");
			out_str(c->out, "address", addr);
			out_obj_end(c->out);
		} else
			out_printf(c->out, "%4u %8u %-6s %s\n", e->number, e->priority,
				   e->deny ? "deny" : "allow", addr);
	}
	out_list_end(c->out);
	out_printf(c->out, "no match: allow\n");
	config_put(cfg);
	return 0;
}
