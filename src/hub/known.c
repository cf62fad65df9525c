// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of SoftHUB.cfg paths this release reads (config.c), matched
 * ASCII case-insensitively.  O(table) per lookup: fine for a start-up report.
 */
#include "known.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy.h"

#define HUB "root/VirtualHUB/*/"
#define DB HUB "SecurityAccountDatabase/"

static const char *const known_items[] = {
    "root/ListenerList/*/Enabled",
    "root/ListenerList/*/Port",
    "root/ListenerList/*/Address",
    "root/ServerConfiguration/HashedPassword",
    "root/ServerConfiguration/ServerCert",
    "root/ServerConfiguration/ServerKey",
    "root/Vpnhub/Certificate",
    "root/Vpnhub/Key",
    "root/Vpnhub/StateDir",
    "root/Vpnhub/KeepAlive",
    "root/Vpnhub/Timeout",
    "root/Vpnhub/MaxSessions",
    "root/Vpnhub/HubMaxSessions",
    "root/Vpnhub/QueueFrames",
    "root/Vpnhub/QueueBytes",
    "root/Vpnhub/MaxMacTable",
    "root/Vpnhub/SessionMaxMacs",
    "root/Vpnhub/MacAging",
    "root/Vpnhub/CongestionControl",
    "root/Vpnhub/CongestionTargetDelay",
    "root/Vpnhub/CongestionMinQueue",
    "root/Vpnhub/ControlFrameReserve",
    "root/Vpnhub/SourcePacing",
    "root/Vpnhub/SourcePacingDropRatio",
    "root/Vpnhub/LogDir",
    "root/Vpnhub/LogMaxFileSize",
    "root/Vpnhub/LogRetainDays",
    "root/Vpnhub/LogRetainMegabytes",
    "root/Vpnhub/LogToStderr",
    "root/Vpnhub/AdminSocket",
    "root/Vpnhub/AdminPort",
    HUB "Online",
    HUB "HashedPassword",
    HUB "SecurePassword",
    HUB "Option/MaxSession",
    HUB "Option/NoArpPolling",
    HUB "Option/NoIpTable",
    HUB "Option/ManageOnlyPrivateIP",
    HUB "Option/ManageOnlyLocalUnicastIPv6",
    HUB "Option/BroadcastStormDetectionThreshold",
    HUB "Option/BroadcastLimiterStrictMode",
    HUB "Option/FloodingSendQueueBufferQuota",
    HUB "Option/FilterIPv4",
    HUB "Option/FilterIPv6",
    HUB "Option/FilterNonIP",
    HUB "Option/FilterPPPoE",
    HUB "Option/FilterOSPF",
    HUB "Option/FilterBPDU",
    HUB "Option/NoManageVlanId",
    HUB "Option/VlanTypeId",
    HUB "Message/MessageText",
    HUB "Option/NoEnum",
    HUB "Vpnhub/TrustedCaFile",
    HUB "Vpnhub/CrlFile",
    DB "CertList/*/X509",
    DB "CrlList/*/CommonName",
    DB "CrlList/*/Organization",
    DB "CrlList/*/Unit",
    DB "CrlList/*/Country",
    DB "CrlList/*/State",
    DB "CrlList/*/Local",
    DB "CrlList/*/Serial",
    DB "CrlList/*/DigestMD5",
    DB "CrlList/*/DigestSHA1",
    DB "IPAccessControlList/*/Deny",
    DB "IPAccessControlList/*/Priority",
    DB "IPAccessControlList/*/IpAddress",
    DB "IPAccessControlList/*/NetMask",
    HUB "LogSetting/SavePacketLog",
    HUB "LogSetting/SaveSecurityLog",
    HUB "LogSetting/PacketLogSwitchType",
    HUB "LogSetting/SecurityLogSwitchType",
    HUB "LogSetting/PACKET_LOG_TCP_CONN",
    HUB "LogSetting/PACKET_LOG_TCP",
    HUB "LogSetting/PACKET_LOG_DHCP",
    HUB "LogSetting/PACKET_LOG_UDP",
    HUB "LogSetting/PACKET_LOG_ICMP",
    HUB "LogSetting/PACKET_LOG_IP",
    HUB "LogSetting/PACKET_LOG_ARP",
    HUB "LogSetting/PACKET_LOG_ETHERNET",
    HUB "AccessList/*/Active",
    HUB "AccessList/*/Discard",
    HUB "AccessList/*/IsIPv6",
    HUB "AccessList/*/Priority",
    HUB "AccessList/*/Protocol",
    HUB "AccessList/*/Note",
    HUB "AccessList/*/SrcUsername",
    HUB "AccessList/*/DestUsername",
    HUB "AccessList/*/SrcPortStart",
    HUB "AccessList/*/SrcPortEnd",
    HUB "AccessList/*/DestPortStart",
    HUB "AccessList/*/DestPortEnd",
    HUB "AccessList/*/CheckSrcMac",
    HUB "AccessList/*/CheckDstMac",
    HUB "AccessList/*/CheckTcpState",
    HUB "AccessList/*/Established",
    HUB "AccessList/*/SrcMacAddress",
    HUB "AccessList/*/SrcMacMask",
    HUB "AccessList/*/DstMacAddress",
    HUB "AccessList/*/DstMacMask",
    HUB "AccessList/*/SrcIpAddress",
    HUB "AccessList/*/SrcSubnetMask",
    HUB "AccessList/*/DestIpAddress",
    HUB "AccessList/*/DestSubnetMask",
    HUB "AccessList/*/SrcIpAddress6",
    HUB "AccessList/*/SrcSubnetMask6",
    HUB "AccessList/*/DestIpAddress6",
    HUB "AccessList/*/DestSubnetMask6",
    DB "GroupList/*/RealName",
    DB "GroupList/*/Note",
    DB "UserList/*/AuthType",
    DB "UserList/*/AuthPassword",
    DB "UserList/*/AuthVerifierIterations",
    DB "UserList/*/AuthVerifierSalt",
    DB "UserList/*/AuthVerifierStoredKey",
    DB "UserList/*/AuthVerifierServerKey",
    DB "UserList/*/GroupName",
    DB "UserList/*/RealName",
    DB "UserList/*/Note",
    DB "UserList/*/ExpireTime",
    DB "UserList/*/AuthUserCert",
    DB "UserList/*/AuthCommonName",
    DB "UserList/*/AuthSerial",
};

/* Folders whose children are named by the administrator. */
static const char *const name_lists[] = {
    "VirtualHUB",	   "UserList", "GroupList", "AccessList", "ListenerList",
    "IPAccessControlList", "CertList", "CrlList",
};

static bool is_name_list(const char *seg, size_t len)
{
	for (size_t i = 0; i < sizeof(name_lists) / sizeof(name_lists[0]); i++)
		if (strlen(name_lists[i]) == len && strncasecmp(name_lists[i], seg, len) == 0)
			return true;
	return false;
}

void known_generalise(const char *path, char *out, size_t cap)
{
	const char *seg = path, *prev = NULL;
	size_t prev_len = 0, n = 0;

	out[0] = '\0';
	while (seg && n < cap) {
		const char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
		bool star = prev && is_name_list(prev, prev_len);
		int w = snprintf(out + n, cap - n, "%s%.*s", n ? "/" : "", star ? 1 : (int)len,
				 star ? "*" : seg);

		if (w < 0)
			break;
		n += (size_t)w;
		prev = seg;
		prev_len = len;
		seg = slash ? slash + 1 : NULL;
	}
}

/* A policy item of a user's or group's Policy folder. */
static bool is_policy_item(const char *pattern)
{
	static const char *const owners[] = {DB "UserList/*/Policy/", DB "GroupList/*/Policy/"};

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(owners[i]);

		if (strncasecmp(pattern, owners[i], n) == 0)
			return policy_find(pattern + n) >= 0;
	}
	return false;
}

bool known_path(const char *pattern, bool is_folder)
{
	size_t n = strlen(pattern);

	for (size_t i = 0; i < sizeof(known_items) / sizeof(known_items[0]); i++) {
		const char *k = known_items[i];

		if (!is_folder && strcasecmp(k, pattern) == 0)
			return true;
		/* a folder is known if something known lives inside it */
		if (is_folder && strncasecmp(k, pattern, n) == 0 && k[n] == '/')
			return true;
	}
	if (is_folder)
		return strcasecmp(pattern, "root") == 0 ||
		       strcasecmp(pattern, DB "UserList/*/Policy") == 0 ||
		       strcasecmp(pattern, DB "GroupList/*/Policy") == 0;
	return is_policy_item(pattern);
}
