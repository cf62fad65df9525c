// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Start-up report (report.h) and the table that ranks the SoftEther items
 * this release does not implement.  An item not in the table is ranked as a
 * behaviour change: an unknown setting is never silently called inert.
 */
#include "report.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"

#define HUB "root/VirtualHUB/*/"
#define OPT HUB "Option/"
#define SC "root/ServerConfiguration/"
#define USER HUB "SecurityAccountDatabase/UserList/*/"

/* def: the value at which the item changes nothing ("" for empty); NULL: any value. */
struct rule {
	const char *pattern; /* fnmatch, '*' within one path element; "/" at the end: a subtree */
	enum report_rank rank;
	const char *def;
	const char *advice;
};

static const char NO_NEED[] = "nothing to do";
static const char STATS[] = "nothing to do: a counter or time stamp SoftEther keeps";
static const char LOGS[] = "see docs/logging.md for what the logs here record";
static const char NO_SECURENAT[] = "vpnhub has no SecureNAT: run a DHCP server (dnsmasq) and "
				   "a router on a host bridged to the hub";

static const struct rule rules[] = {
    /* security or access */
    {SC "Tls_Disable1_2", REPORT_SECURITY, "false",
     "vpnhub accepts TLS 1.2 and 1.3 and cannot be limited to 1.3 yet; restrict clients "
     "another way if 1.2 must be refused"},
    {SC "MaxConnectionsPerIP", REPORT_SECURITY, "256",
     "vpnhub limits the sessions of the whole server and per hub (Vpnhub/MaxSessions, "
     "HubMaxSessions), not per source address; use a firewall rate limit"},
    {SC "MaxUnestablishedConnections", REPORT_SECURITY, "1000",
     "vpnhub cuts slow handshakes after a fixed time; use Vpnhub/MaxSessions"},
    {SC "DisableDosProtection", REPORT_SECURITY, "false", NO_NEED},
    {HUB "AdminOption/*", REPORT_SECURITY, "0",
     "delegated hub-administrator limits are not enforced: only the server console "
     "(vpnhubctl) administers hubs here"},
    {OPT "ClientMinimumRequiredBuild", REPORT_SECURITY, "0",
     "vpnhub does not check client builds; keep vpnclient up to date by packaging"},
    {OPT "RequiredClientId", REPORT_SECURITY, "0", "vpnhub does not check client ids"},
    {OPT "ApplyIPv4AccessListOnArpPacket", REPORT_SECURITY, "false",
     "ARP frames are not matched by access list entries here; add MAC-based entries"},
    {OPT "DenyAllRadiusLoginWithNoVlanAssign", REPORT_INERT, NULL,
     "RADIUS logins do not exist here"},
    {HUB "AccessList/*/RedirectUrl", REPORT_SECURITY, "",
     "the entry discards matching packets here instead of redirecting them"},
    {HUB "Radius*", REPORT_INERT, NULL, "RADIUS users (AuthType 4) cannot log in here"},
    {USER "AuthNtLmSecureHash", REPORT_INERT, NULL,
     "only used for MS-CHAPv2 (L2TP, SSTP, OpenVPN), which vpnhub does not serve"},
    {USER "AuthRadiusUsername", REPORT_INERT, NULL, "RADIUS users cannot log in here"},
    {USER "AuthNtUserName", REPORT_INERT, NULL, "NT domain users cannot log in here"},
    /* behaviour */
    {"root/LocalBridgeList/DoNotDisableOffloading", REPORT_INERT, NULL, NO_NEED},
    {HUB "CascadeList/*/*", REPORT_INERT, NULL, "not read for a cascade link (docs/cascade.md)"},
    {HUB "CascadeList/*/*/*", REPORT_INERT, NULL, "not read for a cascade link (docs/cascade.md)"},
    {HUB "SecureNAT/Disabled", REPORT_BEHAVIOUR, "true", NO_SECURENAT},
    {HUB "SecureNAT/*", REPORT_INERT, NULL, NO_SECURENAT},
    {HUB "SecureNAT/*/*", REPORT_INERT, NULL, NO_SECURENAT},
    {"root/IPsec/L2TP_IPsec", REPORT_BEHAVIOUR, "false", "only vpnclient can connect here"},
    {"root/IPsec/L2TP_Raw", REPORT_BEHAVIOUR, "false", "only vpnclient can connect here"},
    {"root/IPsec/EtherIP_IPsec", REPORT_BEHAVIOUR, "false", "only vpnclient can connect here"},
    {"root/IPsec/*", REPORT_INERT, NULL, NO_NEED},
    {"root/IPsec/*/", REPORT_INERT, NULL, NO_NEED},
    {SC "Proto/*/Enabled", REPORT_BEHAVIOUR, "false", "only vpnclient can connect here"},
    {SC "Proto/*/*", REPORT_INERT, NULL, NO_NEED},
    {SC "EnableVpnOverDns", REPORT_BEHAVIOUR, "false", "only TLS over TCP is served here"},
    {SC "EnableVpnOverIcmp", REPORT_BEHAVIOUR, "false", "only TLS over TCP is served here"},
    {SC "DisableIPv6Listener", REPORT_BEHAVIOUR, "false",
     "give each ListenerList entry an Address to choose the family"},
    {SC "ListenIP", REPORT_BEHAVIOUR, "0.0.0.0",
     "give the ListenerList entries an Address item instead"},
    {"root/ListenerList/*/DisableDos", REPORT_INERT, NULL, NO_NEED},
    {OPT "AdjustTcpMssValue", REPORT_BEHAVIOUR, "0", "clamp the MSS with iptables TCPMSS"},
    {OPT "DisableAdjustTcpMss", REPORT_INERT, NULL, "the hub never changes the MSS here"},
    {OPT "DetectDormantSessionInterval", REPORT_BEHAVIOUR, "0", "floods go to every session here"},
    {OPT "MaxLoggedPacketsPerMinute", REPORT_BEHAVIOUR, "0",
     "SoftEther dropped packets beyond this; the packet log here drops log records, "
     "never packets"},
    {OPT "NoIPv6DefaultRouterInRAWhenIPv6", REPORT_BEHAVIOUR, "false",
     "use policy RAFilter or NoIPv6DefaultRouterInRA"},
    {OPT "DropArpInPrivacyFilterMode", REPORT_BEHAVIOUR, "true", NO_NEED},
    {OPT "DropBroadcastsInPrivacyFilterMode", REPORT_BEHAVIOUR, "true", NO_NEED},
    {OPT "AllowSameUserInPrivacyFilterMode", REPORT_BEHAVIOUR, "false", NO_NEED},
    {OPT "NoMacAddressLog", REPORT_BEHAVIOUR, "true", LOGS},
    {OPT "NoDhcpPacketLogOutsideHub", REPORT_BEHAVIOUR, "true", LOGS},
    {OPT "NoIPv4PacketLog", REPORT_BEHAVIOUR, "false", LOGS},
    {OPT "NoIPv6PacketLog", REPORT_BEHAVIOUR, "false", LOGS},
    {OPT "NoPhysicalIPOnPacketLog", REPORT_BEHAVIOUR, "false", LOGS},
    {OPT "DoNotSaveHeavySecurityLogs", REPORT_BEHAVIOUR, "false", LOGS},
    {OPT "DisableIPParsing", REPORT_BEHAVIOUR, "false", NO_NEED},
    {OPT "DisableHttpParsing", REPORT_INERT, NULL, "the packet log here never parses HTTP"},
    {OPT "DisableCorrectIpOffloadChecksum", REPORT_INERT, NULL,
     "checksums travel as virtio offload metadata here"},
    {OPT "NoIPv6AddrPolling", REPORT_BEHAVIOUR, "false", NO_NEED},
    {OPT "NoLookBPDUBridgeId", REPORT_BEHAVIOUR, "false", NO_NEED},
    {OPT "AccessListIncludeFileCacheLifetime", REPORT_BEHAVIOUR, "30", NO_NEED},
    {OPT "RemoveDefGwOnDhcpForLocalhost", REPORT_BEHAVIOUR, "true", NO_SECURENAT},
    {OPT "NoEnum", REPORT_INERT, NULL, "hubs are never listed to anyone here"},
    {OPT "SecureNAT_*", REPORT_INERT, NULL, NO_SECURENAT},
    {OPT "Disable*SecureNAT", REPORT_INERT, NULL, NO_SECURENAT},
    {OPT "DisableUdpAcceleration", REPORT_INERT, NULL, "there is no UDP acceleration here"},
    {OPT "DisableUdpFilterForLocalBridgeNic", REPORT_INERT, NULL, NO_NEED},
    {OPT "YieldAfterStorePacket", REPORT_INERT, NULL, NO_NEED},
    {OPT "NoSpinLockForPacketDelay", REPORT_INERT, NULL, NO_NEED},
    {OPT "SuppressClientUpdateNotification", REPORT_INERT, NULL, NO_NEED},
    {OPT "UseHubNameAs*", REPORT_INERT, NULL, NO_NEED},
    {OPT "AssignVLanIdByRadiusAttribute", REPORT_INERT, NULL, NO_NEED},
    {OPT "AllowEapMatchUserByCert", REPORT_INERT, NULL, NO_NEED},
    {OPT "DhcpDiscoverTimeoutMs", REPORT_INERT, NULL, NO_NEED},
    {OPT "DefaultGateway", REPORT_INERT, NULL, NO_NEED},
    {OPT "DefaultSubnet", REPORT_INERT, NULL, NO_NEED},
    {OPT "FixForDLinkBPDU", REPORT_BEHAVIOUR, "false", NO_NEED},
    {HUB "AccessList/*/Delay", REPORT_BEHAVIOUR, "0", "use tc netem on the hub host"},
    {HUB "AccessList/*/Jitter", REPORT_BEHAVIOUR, "0", "use tc netem on the hub host"},
    {HUB "AccessList/*/Loss", REPORT_BEHAVIOUR, "0", "use tc netem on the hub host"},
    {HUB "LogSetting/*", REPORT_BEHAVIOUR, NULL, LOGS},
    {SC "ServerLogSwitchType", REPORT_BEHAVIOUR, "4", LOGS},
    {SC "LoggerMaxLogSize", REPORT_BEHAVIOUR, "1073741823", "use Vpnhub/LogMaxFileSize"},
    {SC "SyslogSettings/SaveType", REPORT_BEHAVIOUR, "0",
     "use Vpnhub/LogToStderr under systemd and let the journal forward to syslog"},
    {SC "SyslogSettings/*", REPORT_INERT, NULL, NO_NEED},
    /* inert: SoftEther's own bookkeeping and features with no counterpart */
    {"root/ConfigRevision", REPORT_INERT, NULL, STATS},
    {"root/Region", REPORT_INERT, NULL, NO_NEED},
    {"root/*MessageDisplayed", REPORT_INERT, NULL, NO_NEED},
    {"root/DDnsClient/", REPORT_INERT, NULL, "there is no dynamic DNS client here"},
    {"root/VirtualLayer3SwitchList/", REPORT_BEHAVIOUR, NULL,
     "route between hubs with a Linux host bridged to both"},
    {"root/WireGuardKeyList/", REPORT_BEHAVIOUR, NULL, "only vpnclient can connect here"},
    {SC "GlobalParams/", REPORT_INERT, NULL, NO_NEED},
    {SC "ServerTraffic/", REPORT_INERT, NULL, STATS},
    {SC "*", REPORT_INERT, NULL, NO_NEED},
    {SC "*/", REPORT_INERT, NULL, NO_NEED},
    {HUB "Traffic/", REPORT_INERT, NULL, STATS},
    {HUB "*Time", REPORT_INERT, NULL, STATS},
    {HUB "NumLogin", REPORT_INERT, NULL, STATS},
    {HUB "Type", REPORT_BEHAVIOUR, "0", "clustering does not exist here"},
    {HUB "SecurityAccountDatabase/*/*/Traffic/", REPORT_INERT, NULL, STATS},
    {USER "*Time", REPORT_INERT, NULL, STATS},
    {USER "NumLogin", REPORT_INERT, NULL, STATS},
};

/* Patterns ending in '/' name folders reported as a whole; the others name items. */
static bool matches(const char *pattern, const char *path, bool is_folder)
{
	size_t n = strlen(pattern);
	char pat[512];

	if (n == 0 || (pattern[n - 1] == '/') != is_folder)
		return false;
	if (!is_folder)
		return fnmatch(pattern, path, FNM_CASEFOLD | FNM_PATHNAME) == 0;
	if (n >= sizeof(pat))
		return false;
	memcpy(pat, pattern, n - 1);
	pat[n - 1] = '\0';
	return fnmatch(pat, path, FNM_CASEFOLD | FNM_PATHNAME) == 0;
}

void report_value(const struct cfg_item *it, char *buf, size_t cap)
{
	switch (it->type) {
	case CFG_BOOL:
		snprintf(buf, cap, "%s", it->v.b ? "true" : "false");
		break;
	case CFG_UINT:
		snprintf(buf, cap, "%u", it->v.u);
		break;
	case CFG_UINT64:
		snprintf(buf, cap, "%llu", (unsigned long long)it->v.u64);
		break;
	case CFG_STRING:
		/* bounded, control characters shown as '?' */
		snprintf(buf, cap, "%.*s", (int)(it->len < 64 ? it->len : 64), (char *)it->v.data);
		for (char *c = buf; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		break;
	default:
		snprintf(buf, cap, "(%u bytes)", it->len);
	}
}

int report_classify(const char *pattern, const struct cfg_item *it, const char **advice)
{
	char value[80] = "";

	if (it)
		report_value(it, value, sizeof(value));
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];

		if (!matches(r->pattern, pattern, it == NULL))
			continue;
		*advice = r->advice;
		if (!r->def)
			return (int)r->rank;
		return strcasecmp(value, r->def) == 0 ? REPORT_INERT : (int)r->rank;
	}
	*advice = "its meaning is unknown to this release; check that the hub does what you need "
		  "without it";
	return it ? REPORT_BEHAVIOUR : -1;
}

void report_add(struct report *r, enum report_rank rank, const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < r->n; i++)
		if (r->lines[i].rank == rank && strcmp(r->lines[i].text, buf) == 0)
			return;
	if (r->n == REPORT_LINES_MAX) {
		r->dropped++;
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 32;
		struct report_line *l = realloc(r->lines, cap * sizeof(*l));

		if (!l) {
			r->dropped++;
			return;
		}
		r->lines = l;
		r->cap = cap;
	}
	r->lines[r->n].text = strdup(buf);
	if (!r->lines[r->n].text) {
		r->dropped++;
		return;
	}
	r->lines[r->n++].rank = rank;
}

size_t report_count(const struct report *r, enum report_rank rank)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->lines[i].rank == rank;
	return n;
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i].text);
	free(r->lines);
	memset(r, 0, sizeof(*r));
}

void report_print(const struct report *r, const char *path, bool all,
		  void (*emit)(void *ctx, const char *line), void *ctx)
{
	static const char *const tag[REPORT_RANKS] = {"SECURITY/ACCESS", "behaviour", "inert"};
	size_t count[REPORT_RANKS];
	char line[700];

	for (int k = 0; k < REPORT_RANKS; k++)
		count[k] = report_count(r, (enum report_rank)k);
	snprintf(line, sizeof(line),
		 "%s: start-up report: %zu security or access item(s) to act on, %zu behaviour "
		 "change(s) not applied, %zu inert item(s)",
		 path, count[REPORT_SECURITY], count[REPORT_BEHAVIOUR], count[REPORT_INERT]);
	emit(ctx, line);
	for (int k = 0; k < REPORT_RANKS; k++) {
		if (k == REPORT_INERT && !all) {
			if (count[k]) {
				snprintf(line, sizeof(line),
					 "inert: %zu item(s) stored without effect here (vpnhub "
					 "--check-config -v lists them)",
					 count[k]);
				emit(ctx, line);
			}
			break;
		}
		for (size_t i = 0; i < r->n; i++) {
			if (r->lines[i].rank != (enum report_rank)k)
				continue;
			snprintf(line, sizeof(line), "%s: %s", tag[k], r->lines[i].text);
			emit(ctx, line);
		}
	}
	if (r->dropped) {
		snprintf(line, sizeof(line), "%zu more report line(s) not kept", r->dropped);
		emit(ctx, line);
	}
}
