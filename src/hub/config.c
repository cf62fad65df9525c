// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftHUB.cfg -> struct hub_config.  Reads the tree with shared/cfg.c, then
 * each folder SoftEther defines: listeners, server settings, virtual hubs with
 * their options, message, log settings, access list, groups and users with
 * policies.  Missing items mean what they mean to SoftEther (0, false, empty,
 * or the documented exceptions).  Type and range errors stop the load with
 * file:line:column; things an administrator should know (items we do not
 * implement, password-equivalent hashes) become start-up notes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cfg.h"
#include "config_keys.h"
#include "known.h"
#include "stream.h"
#include "wallclock.h"

#define DEFAULT_STATE_DIR "/var/lib/vpnhub"
#define DEFAULT_ADMIN_SOCKET "/run/vpnhub/admin.sock"
#define FLOODING_QUOTA_DEFAULT (32u << 20)

struct loader {
	struct hub_config *c;
	char *err;
	size_t errlen;
};

/* A start-up report line (report.h); "; do: ADVICE" ends every one that is not inert. */
__attribute__((format(printf, 3, 4))) static void note(struct hub_config *c, enum report_rank rank,
						       const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report_add(&c->report, rank, "%s", buf);
}

/* "file:line:col: what" for an item, or for a folder when it is NULL. */
__attribute__((format(printf, 4, 5))) static int
fail(struct loader *ld, const struct cfg_folder *f, const struct cfg_item *it, const char *fmt, ...)
{
	char where[PATH_MAX + 32], what[400];
	va_list ap;

	if (it)
		cfg_item_where(it, where, sizeof(where));
	else
		cfg_folder_where(f, where, sizeof(where));
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(ld->err, ld->errlen, "%s: %s", where, what);
	return -1;
}

static int get_bool(struct loader *ld, const struct cfg_folder *f, const char *name, bool def,
		    bool *out)
{
	return cfg_get_bool(f, name, def, out, ld->err, ld->errlen);
}

static int get_uint(struct loader *ld, const struct cfg_folder *f, const char *name, uint32_t def,
		    uint32_t lo, uint32_t hi, uint32_t *out)
{
	if (cfg_get_uint(f, name, def, out, ld->err, ld->errlen) != 0)
		return -1;
	if (*out < lo || *out > hi)
		return fail(ld, f, cfg_find_item(f, name), "%s must be %u..%u, not %u", name, lo,
			    hi, *out);
	return 0;
}

/* A string item copied into dst; control characters refused where names are concerned. */
static int get_text(struct loader *ld, const struct cfg_folder *f, const char *name, char *dst,
		    size_t cap, bool is_name)
{
	const char *s;
	size_t len;

	if (cfg_get_string(f, name, "", &s, &len, ld->err, ld->errlen) != 0)
		return -1;
	if (len >= cap || strlen(s) != len)
		return fail(ld, f, cfg_find_item(f, name),
			    "%s: longer than %zu bytes or holds a "
			    "NUL byte",
			    name, cap - 1);
	if (is_name && len > 0 && !proto_name_ok(s))
		return fail(ld, f, cfg_find_item(f, name), "%s: control characters in a name",
			    name);
	memcpy(dst, s, len + 1);
	return 0;
}

/* A byte item of exactly len bytes; *found tells whether it was there. */
static int get_fixed_bytes(struct loader *ld, const struct cfg_folder *f, const char *name,
			   uint8_t *dst, size_t len, bool *found)
{
	const uint8_t *p;
	size_t n;

	*found = false;
	if (cfg_get_byte(f, name, &p, &n, ld->err, ld->errlen) != 0)
		return -1;
	if (!p)
		return 0;
	if (n != len)
		return fail(ld, f, cfg_find_item(f, name), "%s: %zu bytes, expected %zu", name, n,
			    len);
	memcpy(dst, p, len);
	*found = true;
	return 0;
}

static int parse_listeners(struct loader *ld, const struct cfg_folder *root)
{
	const struct cfg_folder *list = cfg_find_folder(root, "ListenerList");

	for (size_t i = 0; list && i < list->nfolders; i++) {
		const struct cfg_folder *f = list->folders[i];
		struct conf_listen l;
		bool enabled;
		uint32_t port;

		if (get_bool(ld, f, CONFIG_KEY(LISTENER, Enabled), false, &enabled) != 0 ||
		    get_uint(ld, f, CONFIG_KEY(LISTENER, Port), 0, 1, 65535, &port) != 0 ||
		    get_text(ld, f, CONFIG_KEY(LISTENER, Address), l.host, sizeof(l.host), false) !=
			0)
			return -1;
		if (!enabled)
			continue;
		if (ld->c->nlisten == CONF_LISTEN_MAX)
			return fail(ld, f, NULL, "more than %d enabled listeners", CONF_LISTEN_MAX);
		l.port = (uint16_t)port;
		ld->c->listen[ld->c->nlisten++] = l;
	}
	if (ld->c->nlisten == 0)
		return fail(ld, root, NULL, "no enabled listener in ListenerList");
	return 0;
}

/*
 * TunnelCongestionControl: a kernel algorithm's name, or "system".  One this
 * kernel does not offer is a start-up note, and the kernel's default is used.
 */
static int parse_tunnel_cc(struct loader *ld, const struct cfg_folder *f, char cc[STREAM_CC_MAX])
{
	const char *name = CONFIG_KEY(VPNHUB, TunnelCongestionControl), *why;
	const struct cfg_item *it = cfg_find_item(f, name);
	char text[STREAM_CC_MAX];
	int err;

	/* absent: cong_params_default's */
	if (it) {
		if (get_text(ld, f, name, text, sizeof(text), false))
			return -1;
		why = stream_cc_parse(text, cc);
		if (why)
			return fail(ld, f, it, "%s: \"%s\" %s", name, text, why);
	}
	err = cc[0] ? stream_cc_probe(cc) : 0;
	if (err) {
		report_add(&ld->c->report, REPORT_BEHAVIOUR,
			   "%s %s: not available here (%s); the kernel's default is used", name, cc,
			   strerror(err));
		cc[0] = '\0';
	}
	return 0;
}

/* root/Vpnhub congestion control items (docs/congestion.md); the flood quota is per hub. */
static int parse_congestion(struct loader *ld, const struct cfg_folder *f, struct cong_params *p)
{
	struct cong_params d;

	cong_params_default(&d);
	*p = d;
	return get_bool(ld, f, CONFIG_KEY(VPNHUB, CongestionControl), d.enabled, &p->enabled) ||
	       get_uint(ld, f, CONFIG_KEY(VPNHUB, CongestionTargetDelay), d.target_ms, 1, 10000,
			&p->target_ms) ||
	       get_uint(ld, f, CONFIG_KEY(VPNHUB, CongestionMinQueue), d.min_bytes, 1500,
			256u << 20, &p->min_bytes) ||
	       get_uint(ld, f, CONFIG_KEY(VPNHUB, ControlFrameReserve), d.reserve_pct, 0, 50,
			&p->reserve_pct) ||
	       get_bool(ld, f, CONFIG_KEY(VPNHUB, SourcePacing), d.pacing, &p->pacing) ||
	       get_uint(ld, f, CONFIG_KEY(VPNHUB, SourcePacingDropRatio), d.pace_drop_pct, 1, 100,
			&p->pace_drop_pct) ||
	       parse_tunnel_cc(ld, f, p->tunnel_cc);
}

/* root/Vpnhub/Log*: where and how much the logs keep. */
static int parse_log_items(struct loader *ld, const struct cfg_folder *f)
{
	struct hub_config *c = ld->c;
	uint32_t max_mb, retain_mb;

	if (get_text(ld, f, CONFIG_KEY(VPNHUB, LogDir), c->log_dir, sizeof(c->log_dir), false) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, LogMaxFileSize), 1024, 1, 1u << 20, &max_mb) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, LogRetainDays), 90, 0, 36500, &c->log_retain_days) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, LogRetainMegabytes), 1024, 0, UINT32_MAX,
		     &retain_mb) ||
	    get_bool(ld, f, CONFIG_KEY(VPNHUB, LogToStderr), false, &c->log_to_stderr))
		return -1;
	c->log_max_file_size = (uint64_t)max_mb << 20;
	c->log_retain_bytes = (uint64_t)retain_mb << 20;
	return 0;
}

/* root/Vpnhub: our settings; every one optional. */
static int parse_vpnhub(struct loader *ld, const struct cfg_folder *root)
{
	const struct cfg_folder *f = cfg_find_folder(root, "Vpnhub");
	struct hub_config *c = ld->c;
	uint32_t admin_port;

	if (get_text(ld, f, CONFIG_KEY(VPNHUB, Certificate), c->cert_file, sizeof(c->cert_file),
		     false) ||
	    get_text(ld, f, CONFIG_KEY(VPNHUB, Key), c->key_file, sizeof(c->key_file), false) ||
	    get_text(ld, f, CONFIG_KEY(VPNHUB, StateDir), c->state_dir, sizeof(c->state_dir),
		     false) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, KeepAlive), 5, 1, 3600, &c->keepalive_s) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, Timeout), 20, 3, 7200, &c->timeout_s) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, MaxSessions), 4096, 1, 100000, &c->max_sessions) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, HubMaxSessions), 1024, 1, 100000,
		     &c->hub_max_sessions) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, MaxPendingHandshakes), 1000, 1, 100000,
		     &c->max_pending) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, MaxPendingPerSource), 64, 1, 100000,
		     &c->max_pending_per_src) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, LoginBackoff), 100, 0, 60000, &c->backoff_ms) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, LoginBackoffMax), 30000, 1, 3600000,
		     &c->backoff_max_ms) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, LoginBackoffSources), 4096, 16, 1u << 20,
		     &c->backoff_sources) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, QueueFrames), 2048, 16, 65536, &c->queue_frames) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, QueueBytes), 4u << 20, 256u << 10, 256u << 20,
		     &c->queue_bytes) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, MaxMacTable), 65536, 16, 1u << 20, &c->max_macs) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, SessionMaxMacs), 1024, 3, 1u << 20,
		     &c->session_max_macs) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, MacAging), 600, 10, 86400, &c->mac_aging_s) ||
	    parse_log_items(ld, f) ||
	    get_text(ld, f, CONFIG_KEY(VPNHUB, AdminSocket), c->admin_socket,
		     sizeof(c->admin_socket), false) ||
	    get_uint(ld, f, CONFIG_KEY(VPNHUB, AdminPort), 0, 0, 65535, &admin_port) ||
	    get_bool(ld, f, CONFIG_KEY(VPNHUB, DisableSoftEtherProtocol), false,
		     &c->disable_se_protocol) ||
	    parse_congestion(ld, f, &c->cong))
		return -1;
	c->admin_port = (uint16_t)admin_port;
	if (!cfg_find_item(f, CONFIG_KEY(VPNHUB, AdminSocket)))
		snprintf(c->admin_socket, sizeof(c->admin_socket), "%s", DEFAULT_ADMIN_SOCKET);
	if (!c->state_dir[0])
		snprintf(c->state_dir, sizeof(c->state_dir), "%s", DEFAULT_STATE_DIR);
	if (!c->cert_file[0] != !c->key_file[0])
		return fail(ld, f, NULL, "Certificate and Key go together");
	if (c->keepalive_s * 2 > c->timeout_s)
		return fail(ld, f, NULL, "Timeout (%u s) must be at least twice KeepAlive (%u s)",
			    c->timeout_s, c->keepalive_s);
	return 0;
}

static int parse_policy(struct loader *ld, const struct cfg_folder *owner, bool *has,
			struct policy *p)
{
	const struct cfg_folder *f = cfg_find_folder(owner, "Policy");
	char msg[200];

	*has = f != NULL;
	/* SoftEther reads an absent item of a Policy folder as 0/false */
	memset(p, 0, sizeof(*p));
	policy_set(p, POL_MAX_CONNECTION, 0, msg, sizeof(msg));
	for (size_t i = 0; f && i < f->nitems; i++) {
		const struct cfg_item *it = f->items[i];
		int idx = policy_find(it->name);
		uint32_t v;

		if (idx < 0)
			continue; /* reported as unknown */
		if (policy_items[idx].is_bool ? it->type != CFG_BOOL : it->type != CFG_UINT)
			return fail(ld, f, it, "policy %s must be a %s", it->name,
				    policy_items[idx].is_bool ? "bool" : "uint");
		v = it->type == CFG_BOOL ? it->v.b : it->v.u;
		if (policy_set(p, idx, v, msg, sizeof(msg)) != 0)
			return fail(ld, f, it, "%s", msg);
	}
	return 0;
}

static int parse_ip(struct loader *ld, const struct cfg_folder *f, const char *name, bool v6,
		    uint8_t out[16])
{
	char text[INET6_ADDRSTRLEN + 1];

	memset(out, 0, 16);
	if (get_text(ld, f, name, text, sizeof(text), false) != 0)
		return -1;
	if (!text[0])
		return 0;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, out) != 1)
		return fail(ld, f, cfg_find_item(f, name), "%s: \"%s\" is not an IPv%d address",
			    name, text, v6 ? 6 : 4);
	return 0;
}

/* "00-AC-61-98-AB-7C" (SoftEther's MacToStr) or a 6-byte byte item. */
static int parse_mac(struct loader *ld, const struct cfg_folder *f, const char *name,
		     uint8_t out[6])
{
	const struct cfg_item *it = cfg_find_item(f, name);
	unsigned int b[6];
	char tail;

	memset(out, 0, 6);
	if (!it)
		return 0;
	if (it->type == CFG_BYTE && it->len == 6) {
		memcpy(out, it->v.data, 6);
		return 0;
	}
	if (it->type == CFG_STRING && it->len == 0)
		return 0;
	if (it->type != CFG_STRING || sscanf((const char *)it->v.data, "%2x-%2x-%2x-%2x-%2x-%2x%c",
					     &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
		return fail(ld, f, it, "%s: expected a MAC address like 00-AC-61-98-AB-7C", name);
	for (int i = 0; i < 6; i++)
		out[i] = (uint8_t)b[i];
	return 0;
}

static int parse_ports(struct loader *ld, const struct cfg_folder *f, const char *start,
		       const char *end, uint16_t out[2])
{
	uint32_t s, e;

	if (get_uint(ld, f, start, 0, 0, 65535, &s) || get_uint(ld, f, end, 0, 0, 65535, &e))
		return -1;
	out[0] = (uint16_t)s;
	out[1] = (uint16_t)(s && e < s ? s : e); /* SoftEther: End = max(End, Start) */
	return 0;
}

static int parse_access_entry(struct loader *ld, const struct cfg_folder *f, struct conf_access *a)
{
	char *end;

	memset(a, 0, sizeof(*a));
	a->id = (uint32_t)strtoul(f->name, &end, 10);
	if (get_bool(ld, f, CONFIG_KEY(ACCESS, Active), false, &a->active) ||
	    get_bool(ld, f, CONFIG_KEY(ACCESS, Discard), false, &a->discard) ||
	    get_bool(ld, f, CONFIG_KEY(ACCESS, IsIPv6), false, &a->is_ipv6) ||
	    get_uint(ld, f, CONFIG_KEY(ACCESS, Priority), 0, 0, UINT32_MAX, &a->priority) ||
	    get_uint(ld, f, CONFIG_KEY(ACCESS, Protocol), 0, 0, 255, &a->protocol) ||
	    get_text(ld, f, CONFIG_KEY(ACCESS, Note), a->note, sizeof(a->note), false) ||
	    get_text(ld, f, CONFIG_KEY(ACCESS, SrcUsername), a->src_user, sizeof(a->src_user),
		     false) ||
	    get_text(ld, f, CONFIG_KEY(ACCESS, DestUsername), a->dst_user, sizeof(a->dst_user),
		     false) ||
	    parse_ports(ld, f, CONFIG_KEY(ACCESS, SrcPortStart), CONFIG_KEY(ACCESS, SrcPortEnd),
			a->src_port) ||
	    parse_ports(ld, f, CONFIG_KEY(ACCESS, DestPortStart), CONFIG_KEY(ACCESS, DestPortEnd),
			a->dst_port) ||
	    get_bool(ld, f, CONFIG_KEY(ACCESS, CheckSrcMac), false, &a->check_src_mac) ||
	    get_bool(ld, f, CONFIG_KEY(ACCESS, CheckDstMac), false, &a->check_dst_mac) ||
	    get_bool(ld, f, CONFIG_KEY(ACCESS, CheckTcpState), false, &a->check_tcp_state) ||
	    get_bool(ld, f, CONFIG_KEY(ACCESS, Established), false, &a->established) ||
	    parse_mac(ld, f, CONFIG_KEY(ACCESS, SrcMacAddress), a->src_mac) ||
	    parse_mac(ld, f, CONFIG_KEY(ACCESS, SrcMacMask), a->src_mac_mask) ||
	    parse_mac(ld, f, CONFIG_KEY(ACCESS, DstMacAddress), a->dst_mac) ||
	    parse_mac(ld, f, CONFIG_KEY(ACCESS, DstMacMask), a->dst_mac_mask))
		return -1;
	if (a->is_ipv6)
		return parse_ip(ld, f, CONFIG_KEY(ACCESS, SrcIpAddress6), true, a->src_ip) ||
		       parse_ip(ld, f, CONFIG_KEY(ACCESS, SrcSubnetMask6), true, a->src_mask) ||
		       parse_ip(ld, f, CONFIG_KEY(ACCESS, DestIpAddress6), true, a->dst_ip) ||
		       parse_ip(ld, f, CONFIG_KEY(ACCESS, DestSubnetMask6), true, a->dst_mask);
	return parse_ip(ld, f, CONFIG_KEY(ACCESS, SrcIpAddress), false, a->src_ip) ||
	       parse_ip(ld, f, CONFIG_KEY(ACCESS, SrcSubnetMask), false, a->src_mask) ||
	       parse_ip(ld, f, CONFIG_KEY(ACCESS, DestIpAddress), false, a->dst_ip) ||
	       parse_ip(ld, f, CONFIG_KEY(ACCESS, DestSubnetMask), false, a->dst_mask);
}

/* SoftEther's order: Priority, then pass before discard, then position. */
static int access_cmp(const void *x, const void *y)
{
	const struct conf_access *a = x, *b = y;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	if (a->discard != b->discard)
		return a->discard ? 1 : -1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int parse_access_list(struct loader *ld, const struct cfg_folder *hubf, struct conf_hub *h)
{
	const struct cfg_folder *list = cfg_find_folder(hubf, "AccessList");

	if (!list || list->nfolders == 0)
		return 0;
	if (list->nfolders > CONF_ACCESS_MAX)
		return fail(ld, list, NULL, "more than %d access list entries", CONF_ACCESS_MAX);
	h->access = calloc(list->nfolders, sizeof(*h->access));
	if (!h->access)
		return fail(ld, list, NULL, "out of memory");
	for (size_t i = 0; i < list->nfolders; i++)
		if (parse_access_entry(ld, list->folders[i], &h->access[h->naccess++]) != 0)
			return -1;
	qsort(h->access, h->naccess, sizeof(*h->access), access_cmp);
	return 0;
}

/* The Option folder as written, each item marked applied when this release reads it. */
static int keep_option_items(struct loader *ld, const struct cfg_folder *f, struct conf_hub *h)
{
	char path[128];

	if (!f || f->nitems == 0)
		return 0;
	h->opt_items = calloc(f->nitems, sizeof(*h->opt_items));
	if (!h->opt_items)
		return fail(ld, f, NULL, "out of memory");
	for (size_t i = 0; i < f->nitems; i++) {
		struct conf_opt_item *o = &h->opt_items[h->nopt_items++];

		snprintf(o->name, sizeof(o->name), "%s", f->items[i]->name);
		report_value(f->items[i], o->value, sizeof(o->value));
		snprintf(path, sizeof(path), "root/VirtualHUB/*/Option/%s", o->name);
		o->applied = known_path(path, false);
	}
	return 0;
}

static int parse_options(struct loader *ld, const struct cfg_folder *hubf, struct conf_hub *h)
{
	const struct cfg_folder *f = cfg_find_folder(hubf, "Option");
	struct conf_options *o = &h->opt;
	char tpid[16];
	bool ipv6_unicast;

	if (keep_option_items(ld, f, h) ||
	    get_uint(ld, f, CONFIG_KEY(OPTION, MaxSession), 0, 0, UINT32_MAX, &o->max_session) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, NoArpPolling), false, &o->no_arp_polling) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, NoIpTable), false, &o->no_ip_table) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, SoftEtherPolicyDefaults), false,
		     &o->softether_policy_defaults) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, ManageOnlyPrivateIP), true,
		     &o->manage_only_private_ip) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, ManageOnlyLocalUnicastIPv6), true, &ipv6_unicast) ||
	    get_uint(ld, f, CONFIG_KEY(OPTION, BroadcastStormDetectionThreshold), 0, 0, UINT32_MAX,
		     &o->storm_threshold) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, BroadcastLimiterStrictMode), false,
		     &o->storm_strict) ||
	    get_uint(ld, f, CONFIG_KEY(OPTION, FloodingSendQueueBufferQuota),
		     FLOODING_QUOTA_DEFAULT, 0, UINT32_MAX, &o->flooding_quota) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, FilterIPv4), false, &o->filter_ipv4) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, FilterIPv6), false, &o->filter_ipv6) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, FilterNonIP), false, &o->filter_non_ip) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, FilterPPPoE), false, &o->filter_pppoe) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, FilterOSPF), false, &o->filter_ospf) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, FilterBPDU), false, &o->filter_bpdu) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, NoManageVlanId), false, &o->no_manage_vlan_id) ||
	    get_bool(ld, f, CONFIG_KEY(OPTION, DisableCheckMacOnLocalBridge), false,
		     &o->disable_check_mac_on_local_bridge) ||
	    get_text(ld, f, CONFIG_KEY(OPTION, VlanTypeId), tpid, sizeof(tpid), false))
		return -1;
	o->vlan_tpid = 0x8100;
	if (tpid[0]) {
		char *end;
		unsigned long v = strtoul(tpid, &end, 16);

		if (*end || v > 0xffff)
			return fail(ld, f, cfg_find_item(f, CONFIG_KEY(OPTION, VlanTypeId)),
				    "VlanTypeId: \"%s\" is not a hex EtherType like 0x8100", tpid);
		if (v)
			o->vlan_tpid = (uint16_t)v;
	}
	return 0;
}

static int parse_log(struct loader *ld, const struct cfg_folder *hubf, struct conf_hub *h)
{
	static const char *const classes[LOG_CLASSES] = {
	    CONFIG_KEY(LOGSETTING, PACKET_LOG_TCP_CONN),
	    CONFIG_KEY(LOGSETTING, PACKET_LOG_TCP),
	    CONFIG_KEY(LOGSETTING, PACKET_LOG_DHCP),
	    CONFIG_KEY(LOGSETTING, PACKET_LOG_UDP),
	    CONFIG_KEY(LOGSETTING, PACKET_LOG_ICMP),
	    CONFIG_KEY(LOGSETTING, PACKET_LOG_IP),
	    CONFIG_KEY(LOGSETTING, PACKET_LOG_ARP),
	    CONFIG_KEY(LOGSETTING, PACKET_LOG_ETHERNET),
	};
	const struct cfg_folder *f = cfg_find_folder(hubf, "LogSetting");
	struct conf_log *l = &h->log;

	if (get_bool(ld, f, CONFIG_KEY(LOGSETTING, SavePacketLog), false, &l->save_packet_log) ||
	    get_bool(ld, f, CONFIG_KEY(LOGSETTING, SaveSecurityLog), false,
		     &l->save_security_log) ||
	    get_uint(ld, f, CONFIG_KEY(LOGSETTING, PacketLogSwitchType), 0, 0, 6,
		     &l->packet_switch) ||
	    get_uint(ld, f, CONFIG_KEY(LOGSETTING, SecurityLogSwitchType), 0, 0, 6,
		     &l->security_switch))
		return -1;
	for (int i = 0; i < LOG_CLASSES; i++)
		if (get_uint(ld, f, classes[i], 0, 0, 2, &l->packet_level[i]) != 0)
			return -1;
	return 0;
}

static int parse_groups(struct loader *ld, const struct cfg_folder *db, struct conf_hub *h)
{
	const struct cfg_folder *list = cfg_find_folder(db, "GroupList");

	if (!list || list->nfolders == 0)
		return 0;
	if (list->nfolders > CONF_GROUPS_MAX)
		return fail(ld, list, NULL, "more than %d groups", CONF_GROUPS_MAX);
	h->groups = calloc(list->nfolders, sizeof(*h->groups));
	if (!h->groups)
		return fail(ld, list, NULL, "out of memory");
	for (size_t i = 0; i < list->nfolders; i++) {
		const struct cfg_folder *f = list->folders[i];
		struct conf_group *g = &h->groups[h->ngroups++];

		if (!proto_name_ok(f->name))
			return fail(ld, f, NULL, "bad group name");
		snprintf(g->name, sizeof(g->name), "%s", f->name);
		if (get_text(ld, f, CONFIG_KEY(GROUP, RealName), g->realname, sizeof(g->realname),
			     false) ||
		    get_text(ld, f, CONFIG_KEY(GROUP, Note), g->note, sizeof(g->note), false) ||
		    parse_policy(ld, f, &g->has_policy, &g->policy))
			return -1;
	}
	return 0;
}

/* AuthVerifierIterations/Salt/StoredKey/ServerKey: all four or none. */
static int parse_verifier(struct loader *ld, const struct cfg_folder *f, struct conf_user *u)
{
	struct auth_verifier *v = &u->verifier;
	const uint8_t *salt;
	size_t salt_len;
	bool has_stored, has_server;

	if (get_uint(ld, f, CONFIG_KEY(USER, AuthVerifierIterations), 0, 0, AUTH_ITER_MAX,
		     &v->iterations) ||
	    cfg_get_byte(f, CONFIG_KEY(USER, AuthVerifierSalt), &salt, &salt_len, ld->err,
			 ld->errlen) ||
	    get_fixed_bytes(ld, f, CONFIG_KEY(USER, AuthVerifierStoredKey), v->stored_key,
			    AUTH_KEY_LEN, &has_stored) ||
	    get_fixed_bytes(ld, f, CONFIG_KEY(USER, AuthVerifierServerKey), v->server_key,
			    AUTH_KEY_LEN, &has_server))
		return -1;
	u->has_verifier = v->iterations || salt || has_stored || has_server;
	if (!u->has_verifier)
		return 0;
	if (!has_stored || !has_server || !salt || salt_len < 8 || salt_len > AUTH_SALT_MAX ||
	    v->iterations < AUTH_ITER_MIN)
		return fail(ld, f, NULL,
			    "user %s: incomplete AuthVerifier* items (need Iterations >= %d, "
			    "Salt of 8..%d bytes, StoredKey and ServerKey of %d bytes)",
			    u->name, AUTH_ITER_MIN, AUTH_SALT_MAX, AUTH_KEY_LEN);
	memcpy(v->salt, salt, salt_len);
	v->salt_len = salt_len;
	return 0;
}

static int parse_user(struct loader *ld, const struct conf_hub *h, const struct cfg_folder *f,
		      struct conf_user *u)
{
	if (!proto_name_ok(f->name))
		return fail(ld, f, NULL, "bad user name");
	snprintf(u->name, sizeof(u->name), "%s", f->name);
	if (get_uint(ld, f, CONFIG_KEY(USER, AuthType), 0, 0, UINT32_MAX, &u->auth_type) ||
	    get_fixed_bytes(ld, f, CONFIG_KEY(USER, AuthPassword), u->se_hash, AUTH_SE_HASH_LEN,
			    &u->has_se_hash) ||
	    parse_verifier(ld, f, u) ||
	    get_text(ld, f, CONFIG_KEY(USER, GroupName), u->group, sizeof(u->group), true) ||
	    get_text(ld, f, CONFIG_KEY(USER, RealName), u->realname, sizeof(u->realname), false) ||
	    get_text(ld, f, CONFIG_KEY(USER, Note), u->note, sizeof(u->note), false) ||
	    cfg_get_time(f, CONFIG_KEY(USER, ExpireTime), &u->expire_ms, ld->err, ld->errlen) ||
	    parse_policy(ld, f, &u->has_policy, &u->policy))
		return -1;
	if (certauth_user_load(&u->cert, f, u->auth_type, ld->err, ld->errlen) != 0)
		return -1;
	if (u->auth_type == 1 && !u->has_verifier && !u->has_se_hash)
		note(ld->c, REPORT_SECURITY,
		     "hub %s: user %s has no password hash and cannot log in; do: vpnhubctl user "
		     "passwd %s",
		     h->name, u->name, u->name);
	else if (u->auth_type == 1 && !u->has_verifier)
		note(ld->c, REPORT_SECURITY,
		     "hub %s: user %s has only SoftEther's password hash, which is "
		     "password-equivalent; do: set a new password (vpnhubctl user passwd) to store "
		     "a "
		     "salted verifier",
		     h->name, u->name);
	else if (u->auth_type == 2 && !u->cert.cert)
		note(ld->c, REPORT_SECURITY,
		     "hub %s: certificate user %s has no AuthUserCert and cannot log in; do: "
		     "vpnhubctl user set %s --cert @FILE",
		     h->name, u->name, u->name);
	else if (u->auth_type == 3 && !u->cert.cn[0] && !u->cert.serial_len)
		note(ld->c, REPORT_SECURITY,
		     "hub %s: certificate user %s matches no common name or serial: any "
		     "certificate of a trusted CA logs in as %s (as in SoftEther); do: vpnhubctl "
		     "user set %s --signed --cn NAME",
		     h->name, u->name, u->name, u->name);
	else if (u->auth_type == 0 && !ld->c->disable_se_protocol)
		note(ld->c, REPORT_SECURITY,
		     "hub %s: user %s is anonymous (AuthType 0): any stock SoftEther client may "
		     "log in as %s without a password; do: give it a password, or set "
		     "DisableSoftEtherProtocol",
		     h->name, u->name, u->name);
	else if (u->auth_type == 0 || u->auth_type > 3)
		note(ld->c, REPORT_SECURITY,
		     "hub %s: user %s has AuthType %u (%s), which this release does not serve: "
		     "the user cannot log in; do: give it a password or a certificate",
		     h->name, u->name, u->auth_type,
		     u->auth_type == 0	 ? "anonymous"
		     : u->auth_type == 4 ? "RADIUS"
		     : u->auth_type == 5 ? "NT domain"
					 : "unknown");
	if (u->group[0] && !config_find_group(h, u->group))
		note(ld->c, REPORT_SECURITY,
		     "hub %s: user %s is in group %s, which does not exist, so the group's policy "
		     "does not apply; do: create the group or change GroupName",
		     h->name, u->name, u->group);
	return 0;
}

/*
 * Unknown users get a decoy challenge shaped like the hub's real ones: the
 * parameters of its first salted verifier (all users made here share them).
 */
static void pick_decoy(struct conf_hub *h)
{
	h->decoy_iterations = AUTH_ITER_DEFAULT;
	h->decoy_salt_len = AUTH_SALT_LEN;
	for (size_t i = 0; i < h->nusers; i++) {
		if (h->users[i].has_verifier) {
			h->decoy_iterations = h->users[i].verifier.iterations;
			h->decoy_salt_len = (uint32_t)h->users[i].verifier.salt_len;
			return;
		}
	}
}

static int parse_users(struct loader *ld, const struct cfg_folder *db, struct conf_hub *h)
{
	const struct cfg_folder *list = cfg_find_folder(db, "UserList");

	if (!list || list->nfolders == 0) {
		note(ld->c, REPORT_BEHAVIOUR,
		     "hub %s has no users: every login is refused until one is added; do: "
		     "vpnhubctl -H %s user add NAME",
		     h->name, h->name);
		return 0;
	}
	if (list->nfolders > CONF_USERS_MAX)
		return fail(ld, list, NULL, "more than %d users", CONF_USERS_MAX);
	h->users = calloc(list->nfolders, sizeof(*h->users));
	if (!h->users)
		return fail(ld, list, NULL, "out of memory");
	/* list->folders is in cfg_name_cmp order: config_find_user can bisect */
	for (size_t i = 0; i < list->nfolders; i++)
		if (parse_user(ld, h, list->folders[i], &h->users[h->nusers++]) != 0)
			return -1;
	return 0;
}

/* SoftEther's ClientOption/ProxyType: 0 direct, 1 HTTP, 2 SOCKS4, 3 SOCKS5. */
static int parse_cascade_proxy(struct loader *ld, const struct cfg_folder *o,
			       struct conf_cascade *k)
{
	const struct cfg_item *pw = cfg_find_item(o, CONFIG_KEY(CASCADE_OPT, ProxyPassword));
	uint32_t type, port;

	if (get_uint(ld, o, CONFIG_KEY(CASCADE_OPT, ProxyType), 0, 0, 3, &type) ||
	    get_text(ld, o, CONFIG_KEY(CASCADE_OPT, ProxyName), k->proxy.host,
		     sizeof(k->proxy.host), false) ||
	    get_uint(ld, o, CONFIG_KEY(CASCADE_OPT, ProxyPort), 0, 0, 65535, &port) ||
	    get_text(ld, o, CONFIG_KEY(CASCADE_OPT, ProxyUsername), k->proxy.user,
		     sizeof(k->proxy.user), false))
		return -1;
	if (type == 0)
		return 0;
	if (type == 2) {
		snprintf(k->unusable, sizeof(k->unusable),
			 "ProxyType 2 (SOCKS4) is not supported; use 1 (HTTP) or 3 (SOCKS5)");
		return 0;
	}
	k->proxy.type = type == 1 ? PROXY_HTTP : PROXY_SOCKS5;
	k->proxy.port = (uint16_t)port;
	if (!k->proxy.host[0] || !port)
		return fail(ld, o, NULL, "ProxyType %u needs ProxyName and ProxyPort", type);
	/* SoftEther stores an obfuscated byte value; ours is a plain string like the password */
	if (pw && pw->type == CFG_STRING)
		return get_text(ld, o, CONFIG_KEY(CASCADE_OPT, ProxyPassword), k->proxy.password,
				sizeof(k->proxy.password), false);
	if (pw && pw->len > 0 && k->proxy.user[0])
		snprintf(k->unusable, sizeof(k->unusable),
			 "ProxyPassword is in SoftEther's obfuscated byte form, which is not "
			 "read: write it as string ProxyPassword");
	return 0;
}

/*
 * A DER byte item of at most CONF_CASCADE_DER_MAX bytes; *len 0 when absent.  A
 * longer one makes the entry unusable (a stock file still loads).
 */
static int get_der(struct loader *ld, const struct cfg_folder *f, const char *name, uint8_t *dst,
		   size_t *len, struct conf_cascade *k)
{
	const uint8_t *p;
	size_t n;

	*len = 0;
	if (cfg_get_byte(f, name, &p, &n, ld->err, ld->errlen) != 0)
		return -1;
	if (!p)
		return 0;
	if (n > CONF_CASCADE_DER_MAX) {
		snprintf(k->unusable, sizeof(k->unusable), "%s: %zu bytes, more than %d", name, n,
			 CONF_CASCADE_DER_MAX);
		return 0;
	}
	memcpy(dst, p, n);
	*len = n;
	return 0;
}

SSL_CTX *config_cascade_tls(const struct conf_cascade *k, char *err, size_t errlen)
{
	const struct tls_der_pair der = {
	    .cert = k->client_cert,
	    .cert_len = k->client_cert_len,
	    .key = k->client_key,
	    .key_len = k->client_key_len,
	    .cert_item = "ClientCert",
	    .key_item = "ClientKey",
	};
	SSL_CTX *ctx = tls_client_ctx(NULL, err, errlen);

	if (ctx && tls_use_der(ctx, &der, err, errlen) != 0) {
		SSL_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* AuthType 3: ClientCert and ClientKey must be one certificate and its key. */
static void check_cascade_cert(struct conf_cascade *k)
{
	char err[160];
	SSL_CTX *ctx;

	if (!k->client_cert_len || !k->client_key_len) {
		snprintf(k->unusable, sizeof(k->unusable),
			 "AuthType 3 without byte ClientCert and byte ClientKey");
		return;
	}
	ctx = config_cascade_tls(k, err, sizeof(err));
	if (ctx)
		k->cert_login = true;
	else
		snprintf(k->unusable, sizeof(k->unusable), "%.150s", err);
	SSL_CTX_free(ctx);
}

/*
 * ClientAuth: AuthType 1 (SoftEther's HashedPassword), 2 (PlainPassword) or
 * 3 (ClientCert and ClientKey: DER bytes, as SoftEther writes them).
 */
static int parse_cascade_auth(struct loader *ld, const struct cfg_folder *a, struct conf_cascade *k)
{
	uint32_t type;
	bool has_hash = false;

	if (get_uint(ld, a, CONFIG_KEY(CASCADE_AUTH, AuthType), 0, 0, 255, &type) ||
	    get_text(ld, a, CONFIG_KEY(CASCADE_AUTH, Username), k->user, sizeof(k->user), true) ||
	    get_fixed_bytes(ld, a, CONFIG_KEY(CASCADE_AUTH, HashedPassword), k->se_hash,
			    sizeof(k->se_hash), &has_hash) ||
	    get_der(ld, a, CONFIG_KEY(CASCADE_AUTH, ClientCert), k->client_cert,
		    &k->client_cert_len, k) ||
	    get_der(ld, a, CONFIG_KEY(CASCADE_AUTH, ClientKey), k->client_key, &k->client_key_len,
		    k))
		return -1;
	if (cfg_find_item(a, CONFIG_KEY(CASCADE_AUTH, PlainPassword))) {
		if (get_text(ld, a, CONFIG_KEY(CASCADE_AUTH, PlainPassword), k->password,
			     sizeof(k->password), false))
			return -1;
		k->has_password = k->password[0] != '\0';
	}
	if (k->unusable[0])
		return 0; /* a ClientCert or ClientKey too long */
	if (!k->user[0])
		snprintf(k->unusable, sizeof(k->unusable), "ClientAuth/Username is missing");
	else if (type == 2 && !k->has_password)
		snprintf(k->unusable, sizeof(k->unusable),
			 "AuthType 2 without string PlainPassword (SoftEther's obfuscated "
			 "EncryptedPassword is not read)");
	else if (type == 1 && !has_hash && !k->has_password)
		snprintf(k->unusable, sizeof(k->unusable), "AuthType 1 without HashedPassword");
	else if (type == 3)
		check_cascade_cert(k);
	else if (type != 1 && type != 2)
		snprintf(k->unusable, sizeof(k->unusable),
			 "AuthType %u: only password (1, 2) and certificate (3) logins are served",
			 type);
	return 0;
}

static int parse_cascade(struct loader *ld, const struct conf_hub *h, const struct cfg_folder *f,
			 struct conf_cascade *k)
{
	const struct cfg_folder *o = cfg_find_folder(f, "ClientOption");
	const struct cfg_folder *a = cfg_find_folder(f, "ClientAuth");
	char fp[TLS_FP_STR_LEN + 8] = "", proto[16] = "";
	uint32_t port;
	bool has_policy;

	memset(k, 0, sizeof(*k));
	snprintf(k->entry, sizeof(k->entry), "%s", f->name);
	if (get_bool(ld, f, CONFIG_KEY(CASCADE, Online), false, &k->online) ||
	    get_text(ld, f, CONFIG_KEY(CASCADE, VpnhubFingerprint), fp, sizeof(fp), false) ||
	    get_text(ld, f, CONFIG_KEY(CASCADE, Protocol), proto, sizeof(proto), false) ||
	    get_text(ld, o, CONFIG_KEY(CASCADE_OPT, AccountName), k->account, sizeof(k->account),
		     true) ||
	    get_text(ld, o, CONFIG_KEY(CASCADE_OPT, Hostname), k->host, sizeof(k->host), false) ||
	    get_uint(ld, o, CONFIG_KEY(CASCADE_OPT, Port), 443, 1, 65535, &port) ||
	    get_text(ld, o, CONFIG_KEY(CASCADE_OPT, HubName), k->hub, sizeof(k->hub), true) ||
	    get_uint(ld, o, CONFIG_KEY(CASCADE_OPT, RetryInterval), 15, 1, 3600, &k->retry_s) ||
	    parse_cascade_proxy(ld, o, k) || parse_cascade_auth(ld, a, k) ||
	    parse_policy(ld, f, &has_policy, &k->policy))
		return -1;
	k->port = (uint16_t)port;
	if (!has_policy)
		policy_defaults(&k->policy);
	if (!k->account[0])
		snprintf(k->account, sizeof(k->account), "%s", k->entry);
	if (!k->host[0] || !k->hub[0])
		return fail(ld, f, NULL, "cascade %s: ClientOption/Hostname and HubName are needed",
			    k->account);
	if (fp[0] && tls_fingerprint_parse(fp, k->fingerprint) != 0)
		return fail(ld, f, cfg_find_item(f, CONFIG_KEY(CASCADE, VpnhubFingerprint)),
			    "VpnhubFingerprint: not a SHA-256 fingerprint (64 hex digits, "
			    "colons allowed)");
	if (proto[0] && strcasecmp(proto, "softether") != 0 && strcasecmp(proto, "vpnhub") != 0)
		return fail(ld, f, cfg_find_item(f, CONFIG_KEY(CASCADE, Protocol)),
			    "Protocol: expected vpnhub or softether");
	k->softether = strcasecmp(proto, "softether") == 0;
	if (k->softether && k->cert_login)
		snprintf(k->unusable, sizeof(k->unusable),
			 "Protocol softether with a certificate login (AuthType 3): only "
			 "password logins are spoken to a SoftEther server");
	if (!fp[0] && !k->unusable[0])
		snprintf(k->unusable, sizeof(k->unusable),
			 "no VpnhubFingerprint: the remote hub's certificate must be pinned "
			 "(string VpnhubFingerprint <sha256> in the entry)");
	if (k->unusable[0])
		note(ld->c, REPORT_BEHAVIOUR,
		     "hub %s, cascade %s: %s; the link stays down; do: fix the entry "
		     "(docs/cascade.md)",
		     h->name, k->account, k->unusable);
	return 0;
}

/* VirtualHUB/<hub>/CascadeList: links to other hubs; AccountName must be unique. */
static int parse_cascades(struct loader *ld, const struct cfg_folder *hf, struct conf_hub *h)
{
	const struct cfg_folder *list = cfg_find_folder(hf, "CascadeList");

	if (!list || list->nfolders == 0)
		return 0;
	if (list->nfolders > CONF_CASCADES_MAX)
		return fail(ld, list, NULL, "more than %d cascades", CONF_CASCADES_MAX);
	h->cascades = calloc(list->nfolders, sizeof(*h->cascades));
	if (!h->cascades)
		return fail(ld, list, NULL, "out of memory");
	for (size_t i = 0; i < list->nfolders; i++) {
		struct conf_cascade *k = &h->cascades[h->ncascades];

		if (parse_cascade(ld, h, list->folders[i], k) != 0)
			return -1;
		if (config_find_cascade(h, k->account))
			return fail(ld, list->folders[i], NULL, "cascade %s is named twice",
				    k->account);
		h->ncascades++;
	}
	return 0;
}

const struct conf_cascade *config_find_cascade(const struct conf_hub *h, const char *account)
{
	for (size_t i = 0; i < h->ncascades; i++)
		if (strcasecmp(h->cascades[i].account, account) == 0)
			return &h->cascades[i];
	return NULL;
}

static bool proxy_same(const struct proxy_conf *a, const struct proxy_conf *b)
{
	return a->type == b->type && strcmp(a->host, b->host) == 0 && a->port == b->port &&
	       strcmp(a->user, b->user) == 0 && strcmp(a->password, b->password) == 0 &&
	       a->has_password == b->has_password;
}

bool config_cascade_same(const struct conf_cascade *a, const struct conf_cascade *b)
{
	return strcmp(a->entry, b->entry) == 0 && strcmp(a->account, b->account) == 0 &&
	       a->online == b->online && strcmp(a->host, b->host) == 0 && a->port == b->port &&
	       strcmp(a->hub, b->hub) == 0 && proxy_same(&a->proxy, &b->proxy) &&
	       a->retry_s == b->retry_s && strcmp(a->user, b->user) == 0 &&
	       a->has_password == b->has_password && strcmp(a->password, b->password) == 0 &&
	       memcmp(a->se_hash, b->se_hash, sizeof(a->se_hash)) == 0 &&
	       a->cert_login == b->cert_login && a->client_cert_len == b->client_cert_len &&
	       a->client_key_len == b->client_key_len &&
	       memcmp(a->client_cert, b->client_cert, a->client_cert_len) == 0 &&
	       memcmp(a->client_key, b->client_key, a->client_key_len) == 0 &&
	       memcmp(a->fingerprint, b->fingerprint, sizeof(a->fingerprint)) == 0 &&
	       a->softether == b->softether &&
	       memcmp(a->policy.v, b->policy.v, sizeof(a->policy.v)) == 0 &&
	       strcmp(a->unusable, b->unusable) == 0;
}

static int parse_message(struct loader *ld, const struct cfg_folder *f, struct conf_hub *h);
static int parse_certs(struct loader *ld, const struct cfg_folder *f, const struct cfg_folder *db,
		       struct conf_hub *h);

static int parse_hub(struct loader *ld, const struct cfg_folder *f, struct conf_hub *h)
{
	const struct cfg_folder *db = cfg_find_folder(f, "SecurityAccountDatabase");
	bool has_secure;

	if (!proto_name_ok(f->name))
		return fail(ld, f, NULL, "bad hub name");
	snprintf(h->name, sizeof(h->name), "%s", f->name);
	if (get_bool(ld, f, CONFIG_KEY(HUB, Online), false, &h->online) ||
	    get_fixed_bytes(ld, f, CONFIG_KEY(HUB, HashedPassword), h->admin_hash, SHA0_LEN,
			    &h->has_admin_hash) ||
	    get_fixed_bytes(ld, f, CONFIG_KEY(HUB, SecurePassword), h->admin_secure, SHA0_LEN,
			    &has_secure) ||
	    parse_options(ld, f, h) || parse_log(ld, f, h) || parse_access_list(ld, f, h) ||
	    parse_groups(ld, db, h) || parse_users(ld, db, h) || parse_cascades(ld, f, h))
		return -1;
	pick_decoy(h);
	if (srcacl_load(db, &h->srcacl, &h->nsrcacl, ld->err, ld->errlen) != 0 ||
	    parse_certs(ld, f, db, h) != 0)
		return -1;
	return parse_message(ld, f, h);
}

/* Message/MessageText: kept whatever it holds; sent only when it is fit for a terminal. */
static int parse_message(struct loader *ld, const struct cfg_folder *f, struct conf_hub *h)
{
	const char *msg, *why;
	size_t len;

	if (cfg_get_string(cfg_find_folder(f, "Message"), CONFIG_KEY(MESSAGE, MessageText), NULL,
			   &msg, &len, ld->err, ld->errlen) != 0)
		return -1;
	if (msg && len > CONF_MESSAGE_MAX)
		return fail(ld, f, NULL, "Message/MessageText longer than %d bytes",
			    CONF_MESSAGE_MAX);
	if (!msg || len == 0)
		return 0;
	if (!(h->message = strndup(msg, len)))
		return fail(ld, f, NULL, "out of memory");
	why = strlen(h->message) == len ? proto_message_check(msg, len)
					: "hub message holds a NUL byte";
	h->message_ok = why == NULL;
	if (why)
		note(ld->c, REPORT_BEHAVIOUR,
		     "hub %s: the hub message is not sent to clients: %s; do: fix "
		     "Message/MessageText",
		     h->name, why);
	return 0;
}

/* Trusted CAs and revocations for certificate users; relative files start at the config's dir. */
static int parse_certs(struct loader *ld, const struct cfg_folder *f, const struct cfg_folder *db,
		       struct conf_hub *h)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(ld->c->path, '/');
	time_t now = (time_t)(wallclock_ms() / 1000);
	size_t stale;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - ld->c->path) : 1,
		 slash ? ld->c->path : ".");
	if (slash == ld->c->path)
		snprintf(dir, sizeof(dir), "/");
	if (certauth_load(&h->certs, db, cfg_find_folder(f, "Vpnhub"), dir, ld->err, ld->errlen))
		return -1;
	stale = certauth_stale_crls(&h->certs, now);
	if (stale)
		note(ld->c, REPORT_SECURITY,
		     "hub %s: %zu CRL(s) of %s are past their next update: revocations since then "
		     "are unknown; do: install the CA's current CRL",
		     h->name, stale, h->certs.crl_file);
	return 0;
}

static int parse_hubs(struct loader *ld, const struct cfg_folder *root)
{
	const struct cfg_folder *list = cfg_find_folder(root, "VirtualHUB");

	if (!list || list->nfolders == 0)
		return fail(ld, root, NULL, "no virtual hub in VirtualHUB");
	if (list->nfolders > CONF_HUBS_MAX)
		return fail(ld, list, NULL, "more than %d virtual hubs", CONF_HUBS_MAX);
	ld->c->hubs = calloc(list->nfolders, sizeof(*ld->c->hubs));
	if (!ld->c->hubs)
		return fail(ld, list, NULL, "out of memory");
	for (size_t i = 0; i < list->nfolders; i++)
		if (parse_hub(ld, list->folders[i], &ld->c->hubs[ld->c->nhubs++]) != 0)
			return -1;
	return 0;
}

/* What Linux accepts as an interface name (dev_valid_name): no '/', ':' or space. */
static bool ifname_ok(const char *s)
{
	if (!s[0] || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* SoftEther's TAP name: "tap_" + the lower-cased DeviceName, cut to 15 bytes. */
static void tap_ifname(const char *device, char out[CONF_IFNAME_MAX + 1])
{
	snprintf(out, CONF_IFNAME_MAX + 1, CONF_TAP_PREFIX "%.*s",
		 CONF_IFNAME_MAX - (int)strlen(CONF_TAP_PREFIX), device);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

static int parse_bridge(struct loader *ld, const struct cfg_folder *f, struct conf_bridge *b)
{
	char device[256];

	memset(b, 0, sizeof(*b));
	if (get_text(ld, f, CONFIG_KEY(BRIDGE, DeviceName), device, sizeof(device), false) ||
	    get_text(ld, f, CONFIG_KEY(BRIDGE, HubName), b->hub, sizeof(b->hub), true) ||
	    get_bool(ld, f, CONFIG_KEY(BRIDGE, TapMode), false, &b->tap_mode) ||
	    get_bool(ld, f, CONFIG_KEY(BRIDGE, MonitorMode), false, &b->monitor) ||
	    get_bool(ld, f, CONFIG_KEY(BRIDGE, LimitBroadcast), false, &b->limit_broadcast) ||
	    get_bool(ld, f, CONFIG_KEY(BRIDGE, NoPromiscuousMode), false, &b->no_promiscuous) ||
	    parse_mac(ld, f, CONFIG_KEY(BRIDGE, TapMacAddress), b->tap_mac))
		return -1;
	if (!ifname_ok(device) || strlen(device) > CONF_IFNAME_MAX)
		return fail(ld, f, cfg_find_item(f, CONFIG_KEY(BRIDGE, DeviceName)),
			    "DeviceName \"%s\" is not a Linux interface name (1..%d bytes, no "
			    "'/', ':' or white space)",
			    device, CONF_IFNAME_MAX);
	if (!b->hub[0])
		return fail(ld, f, NULL, "HubName is missing");
	memcpy(b->device, device, strlen(device) + 1); /* fits: checked above */
	b->has_tap_mac = memcmp(b->tap_mac, "\0\0\0\0\0\0", 6) != 0;
	if (!b->tap_mode) {
		memcpy(b->ifname, b->device, sizeof(b->ifname));
		return 0;
	}
	tap_ifname(device, b->ifname);
	if (strlen(CONF_TAP_PREFIX) + strlen(device) > CONF_IFNAME_MAX)
		note(ld->c, REPORT_BEHAVIOUR,
		     "local bridge %s: the TAP device is named %s (\"" CONF_TAP_PREFIX
		     "%s\" cut to %d bytes, as SoftEther does)",
		     device, b->ifname, device, CONF_IFNAME_MAX);
	if (b->has_tap_mac && (b->tap_mac[0] & 1))
		return fail(ld, f, cfg_find_item(f, CONFIG_KEY(BRIDGE, TapMacAddress)),
			    "TapMacAddress is a multicast address");
	return 0;
}

/* root/LocalBridgeList: SoftEther's local bridges, one interface each. */
static int parse_bridges(struct loader *ld, const struct cfg_folder *root)
{
	const struct cfg_folder *list = cfg_find_folder(root, "LocalBridgeList");
	struct hub_config *c = ld->c;

	for (size_t i = 0; list && i < list->nfolders; i++) {
		const struct cfg_folder *f = list->folders[i];
		struct conf_bridge *b = &c->bridges[c->nbridges];

		if (c->nbridges == CONF_BRIDGES_MAX)
			return fail(ld, f, NULL, "more than %d local bridges", CONF_BRIDGES_MAX);
		if (parse_bridge(ld, f, b) != 0)
			return -1;
		for (size_t k = 0; k < c->nbridges; k++)
			if (strcmp(c->bridges[k].ifname, b->ifname) == 0)
				return fail(ld, f, NULL, "interface %s is bridged twice",
					    b->ifname);
		if (!config_find_hub(c, b->hub))
			note(c, REPORT_BEHAVIOUR,
			     "local bridge %s: no virtual hub %s; the bridge waits for it",
			     b->device, b->hub);
		c->nbridges++;
	}
	return 0;
}

bool config_bridge_same(const struct conf_bridge *a, const struct conf_bridge *b)
{
	return strcmp(a->ifname, b->ifname) == 0 && strcasecmp(a->hub, b->hub) == 0 &&
	       a->tap_mode == b->tap_mode && a->has_tap_mac == b->has_tap_mac &&
	       memcmp(a->tap_mac, b->tap_mac, 6) == 0 && a->monitor == b->monitor &&
	       a->limit_broadcast == b->limit_broadcast && a->no_promiscuous == b->no_promiscuous;
}

struct unknown_ctx {
	struct hub_config *c;
	char skip[512]; /* a folder reported as a whole: its contents are not looked at */
};

/*
 * Items this release does not read, ranked (report.c).  Inert ones are named
 * by their generalised path, so each is reported once; the others by their
 * own path and value, so each hub's setting is seen.
 */
static int report_unknown(void *vctx, const char *path, const struct cfg_folder *f,
			  const struct cfg_item *it)
{
	struct unknown_ctx *u = vctx;
	char pattern[512], value[80] = "";
	const char *advice;
	int rank;

	if (u->skip[0] && strncmp(path, u->skip, strlen(u->skip)) == 0 &&
	    path[strlen(u->skip)] == '/')
		return 0;
	u->skip[0] = '\0';
	known_generalise(path, pattern, sizeof(pattern));
	if (known_path(pattern, it == NULL))
		return 0;
	if (!it && f->nitems == 0 && f->nfolders == 0)
		return 0; /* an empty folder sets nothing */
	rank = report_classify(pattern, it, &advice);
	if (rank < 0)
		return 0; /* a folder looked at item by item */
	if (!it)
		snprintf(u->skip, sizeof(u->skip), "%s", path);
	if (rank == REPORT_INERT) {
		note(u->c, REPORT_INERT, "%s %s (%s)", it ? "item" : "folder", pattern, advice);
		return 0;
	}
	if (it)
		report_value(it, value, sizeof(value));
	note(u->c, (enum report_rank)rank, "%s%s%s is not applied here; do: %s", path,
	     it ? " = " : " (folder)", value, advice);
	return 0;
}

static void check_permissions(struct hub_config *c)
{
	struct stat sb;

	if (stat(c->path, &sb) == 0 && (sb.st_mode & S_IROTH))
		note(c, REPORT_SECURITY,
		     "%s is readable by every user and holds password hashes; do: chmod 640 %s",
		     c->path, c->path);
}

/* A byte item copied out of the tree (the tree is freed after the load). */
static int copy_bytes(struct loader *ld, const struct cfg_folder *f, const char *name,
		      uint8_t **out, size_t *len)
{
	const uint8_t *p;

	if (cfg_get_byte(f, name, &p, len, ld->err, ld->errlen) != 0)
		return -1;
	if (!p || *len == 0)
		return 0;
	*out = malloc(*len);
	if (!*out)
		return fail(ld, f, NULL, "out of memory");
	memcpy(*out, p, *len);
	return 0;
}

/* SoftEther's certificate and key: the hub's own unless Vpnhub/Certificate is set. */
static int parse_server_cert(struct loader *ld, const struct cfg_folder *sc)
{
	struct hub_config *c = ld->c;

	if (copy_bytes(ld, sc, CONFIG_KEY(SERVER, ServerCert), &c->se_cert, &c->se_cert_len) != 0 ||
	    copy_bytes(ld, sc, CONFIG_KEY(SERVER, ServerKey), &c->se_key, &c->se_key_len) != 0)
		return -1;
	if (!c->se_cert != !c->se_key)
		return fail(ld, sc, NULL, "ServerCert and ServerKey go together");
	if (c->se_cert && c->cert_file[0])
		note(c, REPORT_BEHAVIOUR,
		     "ServerConfiguration/ServerCert (SoftEther's certificate) is not used: "
		     "Vpnhub/Certificate is; do: tell every client the new fingerprint, or remove "
		     "Vpnhub/Certificate and Key to keep SoftEther's");
	return 0;
}

struct hub_config *config_from_tree(const struct cfg_folder *root, const char *path, char *err,
				    size_t errlen)
{
	struct hub_config *c = calloc(1, sizeof(*c));
	struct loader ld = {.c = c, .err = err, .errlen = errlen};
	struct unknown_ctx *u = NULL;
	bool has_admin;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	atomic_init(&c->refs, 1);
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (get_fixed_bytes(&ld, cfg_find_folder(root, "ServerConfiguration"),
			    CONFIG_KEY(SERVER, HashedPassword), c->admin_hash, SHA0_LEN,
			    &has_admin) != 0 ||
	    parse_listeners(&ld, root) != 0 || parse_vpnhub(&ld, root) != 0 ||
	    parse_hubs(&ld, root) != 0 || parse_bridges(&ld, root) != 0) {
		config_put(c);
		return NULL;
	}
	c->has_admin_hash = has_admin;
	if (parse_server_cert(&ld, cfg_find_folder(root, "ServerConfiguration")) != 0) {
		config_put(c);
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (u) {
		u->c = c;
		cfg_walk(root, report_unknown, u);
		free(u);
	}
	check_permissions(c);
	return c;
}

struct hub_config *config_load(const char *path, char *err, size_t errlen)
{
	struct cfg_folder *root = NULL;
	struct hub_config *c;

	if (cfg_read_file(path, &root, err, errlen) != 0)
		return NULL;
	c = config_from_tree(root, path, err, errlen);
	cfg_free(root);
	return c;
}

void config_put(struct hub_config *c)
{
	if (!c)
		return;
	/* acq_rel pairs with the other holders' puts: the last one frees */
	if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (size_t i = 0; i < c->nhubs; i++) {
		for (size_t k = 0; k < c->hubs[i].nusers; k++)
			certauth_user_free(&c->hubs[i].users[k].cert);
		certauth_free(&c->hubs[i].certs);
		free(c->hubs[i].users);
		free(c->hubs[i].groups);
		free(c->hubs[i].access);
		free(c->hubs[i].srcacl);
		free(c->hubs[i].opt_items);
		free(c->hubs[i].message);
		if (c->hubs[i].cascades)
			OPENSSL_cleanse(c->hubs[i].cascades,
					c->hubs[i].ncascades * sizeof(*c->hubs[i].cascades));
		free(c->hubs[i].cascades);
	}
	report_free(&c->report);
	free(c->se_cert);
	free(c->se_key);
	free(c->hubs);
	free(c);
}

const struct conf_hub *config_find_hub(const struct hub_config *c, const char *name)
{
	for (size_t i = 0; i < c->nhubs; i++)
		if (strcasecmp(c->hubs[i].name, name) == 0)
			return &c->hubs[i];
	return NULL;
}

const struct conf_user *config_find_user(const struct conf_hub *h, const char *name)
{
	size_t lo = 0, hi = h->nusers;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cfg_name_cmp(name, h->users[mid].name);

		if (r == 0)
			return &h->users[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct conf_group *config_find_group(const struct conf_hub *h, const char *name)
{
	for (size_t i = 0; i < h->ngroups; i++)
		if (cfg_name_cmp(h->groups[i].name, name) == 0)
			return &h->groups[i];
	return NULL;
}

int conf_user_method(const struct conf_user *u)
{
	if (u->auth_type == 1 && (u->has_verifier || u->has_se_hash))
		return PROTO_AUTH_PASSWORD;
	if ((u->auth_type == 2 && u->cert.cert) || u->auth_type == 3)
		return PROTO_AUTH_CERT;
	return 0;
}

void config_user_policy(const struct conf_hub *h, const struct conf_user *u, struct policy *out)
{
	const struct conf_group *g = u->group[0] ? config_find_group(h, u->group) : NULL;

	policy_resolve(u->has_policy ? &u->policy : NULL, g && g->has_policy ? &g->policy : NULL,
		       out);
	if (!u->has_policy && !(g && g->has_policy) && !h->opt.softether_policy_defaults)
		policy_secure_defaults(out);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* path.bak := path, replacing the old .bak only once the new one exists. */
static int keep_previous(const char *path, const char *bak)
{
	char tmp[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s.new", bak) >= (int)sizeof(tmp))
		return -1;
	unlink(tmp);
	if (link(path, tmp) != 0)
		return -1;
	return rename(tmp, bak);
}

int config_save_tree(const struct cfg_folder *root, const char *path, bool keep_backup, char *err,
		     size_t errlen)
{
	char tmp[PATH_MAX], bak[PATH_MAX], dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	char *buf = NULL;
	size_t len;
	int fd, dfd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp) ||
	    snprintf(bak, sizeof(bak), "%s.bak", path) >= (int)sizeof(bak)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
	if (cfg_write_text(root, &buf, &len) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, 0640) != 0 || write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(buf);
		return -1;
	}
	free(buf);
	close(fd);
	/* the previous file stays reachable as .bak: a hard link survives the rename */
	if (keep_backup && access(path, F_OK) == 0 && keep_previous(path, bak) != 0) {
		snprintf(err, errlen, "cannot keep %s: %s", bak, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}
