// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Admin console commands for local bridges (bridge.h): "bridge list" shows
 * the LocalBridgeList of the running configuration with each port's state;
 * "bridge add" and "bridge delete" edit LocalBridgeList/LocalBridge<n> as
 * SoftEther names them, and the reload that follows every change starts or
 * stops the port (bridge_sync).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "admin_cmd_impl.h"
#include "admin_out.h"
#include "bridge.h"
#include "cfg.h"
#include "config.h"
#include "hub.h"

#define LIST "LocalBridgeList"

int cmd_bridge_list(struct admin_call *c)
{
	struct hub_server *srv = c->as->core->srv;
	struct hub_config *cfg = hub_config_get(srv);
	char mac[18];

	out_list_begin(c->out, NULL);
	for (size_t i = 0; i < cfg->nbridges; i++) {
		const struct conf_bridge *b = &cfg->bridges[i];
		struct bridge_state st;

		bridge_state(srv, b, &st);
		out_obj_begin(c->out, NULL);
		out_str(c->out, "device", b->device);
		out_str(c->out, "interface", b->ifname);
		out_str(c->out, "hub", b->hub);
		out_str(c->out, "mode", b->tap_mode ? "tap" : "direct");
		out_str(c->out, "state",
			!st.running   ? "waiting for its hub"
			: st.attached ? "attached"
				      : "detached");
		out_u64(c->out, "session", st.session);
		if (b->tap_mode && b->has_tap_mac) {
			snprintf(mac, sizeof(mac), "%02X-%02X-%02X-%02X-%02X-%02X", b->tap_mac[0],
				 b->tap_mac[1], b->tap_mac[2], b->tap_mac[3], b->tap_mac[4],
				 b->tap_mac[5]);
			out_str(c->out, "tap_mac", mac);
		}
		out_bool(c->out, "monitor", b->monitor);
		out_bool(c->out, "limit_broadcast", b->limit_broadcast);
		out_bool(c->out, "promiscuous", !b->tap_mode && !b->no_promiscuous);
		out_obj_end(c->out);
	}
	out_list_end(c->out);
	config_put(cfg);
	return 0;
}

/* "yes"/"no" of option name into item (absent: default); -1 with a message. */
static int set_yes_no(struct admin_call *c, struct cfg_folder *f, const char *opt, const char *item,
		      bool def)
{
	const char *v = admin_opt_get(c->cl, opt);
	bool on = def;

	if (v && strcasecmp(v, "yes") != 0 && strcasecmp(v, "no") != 0)
		return admin_fail(c, "--%s: expected yes or no", opt);
	if (v)
		on = strcasecmp(v, "yes") == 0;
	return cfg_set_bool(f, item, on, c->err, c->errlen);
}

/* The entry whose DeviceName or interface name is name, or NULL. */
static struct cfg_folder *find_entry(struct cfg_folder *list, const char *name)
{
	for (size_t i = 0; list && i < list->nfolders; i++) {
		struct cfg_folder *f = list->folders[i];
		const char *dev = NULL;
		size_t len;
		bool tap = false;
		char ifname[64];

		if (cfg_get_string(f, "DeviceName", "", &dev, &len, NULL, 0) != 0 ||
		    cfg_get_bool(f, "TapMode", false, &tap, NULL, 0) != 0)
			continue;
		snprintf(ifname, sizeof(ifname), "%s%s", tap ? CONF_TAP_PREFIX : "", dev);
		if (strcasecmp(dev, name) == 0 || strcasecmp(ifname, name) == 0)
			return f;
	}
	return NULL;
}

int edit_bridge_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *dev = admin_arg(c, 0), *hub = admin_opt_get(c->cl, "hub");
	const char *mac = admin_opt_get(c->cl, "mac");
	struct cfg_folder *list = cfg_add_folder(root, LIST, c->err, c->errlen), *f;
	char name[32];
	unsigned k = 0;

	if (!list)
		return -1;
	if (!hub)
		return admin_fail(c, "bridge add needs --hub HUB");
	if (find_entry(list, dev))
		return admin_fail(c, "%.64s is bridged already", dev);
	do /* SoftEther's folder names: LocalBridge0, LocalBridge1, ... */
		snprintf(name, sizeof(name), "LocalBridge%u", k++);
	while (cfg_find_folder(list, name));
	if (!(f = cfg_add_folder(list, name, c->err, c->errlen)) ||
	    cfg_set_string(f, "DeviceName", dev, strlen(dev), c->err, c->errlen) ||
	    cfg_set_string(f, "HubName", hub, strlen(hub), c->err, c->errlen) ||
	    set_yes_no(c, f, "tap", "TapMode", false) ||
	    set_yes_no(c, f, "monitor", "MonitorMode", false) ||
	    set_yes_no(c, f, "limit-broadcast", "LimitBroadcast", false) ||
	    set_yes_no(c, f, "no-promiscuous", "NoPromiscuousMode", false) ||
	    cfg_set_string(f, "TapMacAddress", mac ? mac : "", mac ? strlen(mac) : 0, c->err,
			   c->errlen))
		return -1;
	snprintf(done, n, "local bridge %s added to hub %s", dev, hub);
	return 0;
}

int edit_bridge_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *dev = admin_arg(c, 0);
	struct cfg_folder *list = cfg_find_folder(root, LIST);
	struct cfg_folder *f = find_entry(list, dev);

	if (!f)
		return admin_fail(c, "no local bridge %.64s", dev);
	snprintf(done, n, "local bridge %s deleted", dev);
	cfg_delete_folder(list, f->name);
	return 0;
}
