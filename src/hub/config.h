/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hub's configuration: SoftHUB.cfg, SoftEther's configuration format
 * (shared/cfg.h), read into an immutable snapshot.  Item names are
 * SoftEther's (softhub-cfg.md); our additions live in root/Vpnhub and in
 * the user items AuthVerifier*, which SoftEther ignores.  A snapshot is
 * reference-counted: sessions in the middle of a login hold one while a
 * reload swaps in the next (config_get / config_put in hub.c).
 */
#ifndef VPN_HUB_CONFIG_H
#define VPN_HUB_CONFIG_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "certauth.h"
#include "congestion.h"
#include "policy.h"
#include "proto.h"
#include "proxy.h"
#include "report.h"
#include "sha0.h"
#include "srcacl.h"
#include "tls.h"

#define CONF_DEFAULT_PATH "/etc/vpnhub/SoftHUB.cfg"
#define CONF_LISTEN_MAX 16
#define CONF_HUBS_MAX 4096   /* SoftEther's MAX_HUBS */
#define CONF_USERS_MAX 10000 /* SoftEther's MAX_USERS, per hub */
#define CONF_GROUPS_MAX 10000
#define CONF_ACCESS_MAX 32768 /* SoftEther's MAX_ACCESSLISTS */
#define CONF_MESSAGE_MAX 20000
#define CONF_TEXT_MAX 256
#define CONF_BRIDGES_MAX 64	  /* LocalBridgeList entries */
#define CONF_CASCADES_MAX 64	  /* CascadeList entries per hub */
#define CONF_CASCADE_DER_MAX 4096 /* a cascade's ClientCert, its ClientKey (RSA-4096 fits) */
#define CONF_IFNAME_MAX 15	  /* Linux IFNAMSIZ - 1 */
#define CONF_TAP_PREFIX "tap_"	  /* SoftEther's name for a TAP-mode bridge's device */

struct conf_listen {
	char host[256]; /* "" = every address, IPv6 and IPv4 */
	uint16_t port;
};

struct conf_user {
	char name[PROTO_NAME_MAX + 1];
	char group[PROTO_NAME_MAX + 1]; /* "" = none */
	char realname[CONF_TEXT_MAX];
	char note[CONF_TEXT_MAX];
	uint64_t expire_ms; /* ms since 1970 (SoftEther's offset removed); 0 = never */
	uint32_t auth_type; /* SoftEther AuthType: 1 password, 2 and 3 certificate */
	bool has_verifier;  /* AuthVerifier*: salted, preferred when present */
	struct auth_verifier verifier;
	bool has_se_hash; /* AuthPassword: SoftEther's password-equivalent hash */
	uint8_t se_hash[AUTH_SE_HASH_LEN];
	bool has_policy;
	struct policy policy;
	struct certauth_user cert; /* AuthType 2 and 3 */
};

/* Whether a user can log in at all, and how (proto_auth_method), or 0. */
int conf_user_method(const struct conf_user *u);

struct conf_group {
	char name[PROTO_NAME_MAX + 1];
	char realname[CONF_TEXT_MAX];
	char note[CONF_TEXT_MAX];
	bool has_policy;
	struct policy policy;
};

/* One access list entry (softether-notes 2.3); stored, enforced by the firewall later. */
struct conf_access {
	uint32_t id, priority, protocol;
	bool active, discard, is_ipv6;
	char note[CONF_TEXT_MAX];
	uint8_t src_ip[16], src_mask[16], dst_ip[16], dst_mask[16];
	uint16_t src_port[2], dst_port[2];
	char src_user[PROTO_NAME_MAX + 1], dst_user[PROTO_NAME_MAX + 1];
	bool check_src_mac, check_dst_mac, check_tcp_state, established;
	uint8_t src_mac[6], src_mac_mask[6], dst_mac[6], dst_mac_mask[6];
};

enum conf_log_class {
	LOG_TCP_CONN,
	LOG_TCP,
	LOG_DHCP,
	LOG_UDP,
	LOG_ICMP,
	LOG_IP,
	LOG_ARP,
	LOG_ETHERNET,
	LOG_CLASSES
};

struct conf_log {
	bool save_packet_log, save_security_log;
	uint32_t packet_switch, security_switch;
	uint32_t packet_level[LOG_CLASSES]; /* 0 none, 1 header, 2 full */
};

/* Hub options (softether-notes 2.1) that this release reads. */
struct conf_options {
	uint32_t max_session; /* 0 = only the server-wide bound */
	bool no_arp_polling, no_ip_table, manage_only_private_ip;
	bool softether_policy_defaults; /* no impersonation guards without a policy */
	uint32_t storm_threshold;
	bool storm_strict;
	uint32_t flooding_quota;
	bool filter_ipv4, filter_ipv6, filter_non_ip, filter_pppoe, filter_ospf, filter_bpdu;
	bool no_manage_vlan_id;
	uint16_t vlan_tpid;
	bool disable_check_mac_on_local_bridge; /* DisableCheckMacOnLocalBridge */
};

/*
 * One LocalBridgeList/LocalBridge<n> (SoftEther's items): frames between a
 * virtual hub and a host interface (bridge.h).
 */
struct conf_bridge {
	char device[CONF_IFNAME_MAX + 1]; /* DeviceName as written */
	char ifname[CONF_IFNAME_MAX + 1]; /* the interface: DeviceName, or tap_<devicename> */
	char hub[PROTO_NAME_MAX + 1];	  /* HubName */
	bool tap_mode;			  /* TapMode: the hub creates a TAP device */
	bool has_tap_mac;
	uint8_t tap_mac[6];   /* TapMacAddress; else derived from the name */
	bool monitor;	      /* MonitorMode: receives every frame, sends none */
	bool limit_broadcast; /* LimitBroadcast: the storm limiter applies */
	bool no_promiscuous;  /* NoPromiscuousMode (direct mode) */
};

/*
 * One VirtualHUB/<hub>/CascadeList/<entry> (SoftEther's items, and our
 * required VpnhubFingerprint and optional Protocol): the hub logs in to
 * another hub (or a stock SoftEther server) as a client, and the link is a
 * port of this hub (cascade.h).
 */
struct conf_cascade {
	char entry[PROTO_NAME_MAX + 1]; /* the folder's name: Cascade0 ... */
	char account[CONF_TEXT_MAX];	/* ClientOption/AccountName: what the console calls it */
	bool online;			/* Online */
	char host[256];			/* ClientOption/Hostname */
	uint16_t port;			/* ClientOption/Port */
	char hub[PROTO_NAME_MAX + 1];	/* ClientOption/HubName: the remote hub */
	struct proxy_conf proxy;	/* ClientOption/Proxy*: none, HTTP or SOCKS5 */
	uint32_t retry_s;		/* ClientOption/RetryInterval: the back-off's base */
	char user[PROTO_NAME_MAX + 1];	/* ClientAuth/Username */
	bool has_password;		/* ClientAuth/PlainPassword (AuthType 2) */
	char password[CONF_TEXT_MAX];
	uint8_t se_hash[AUTH_SE_HASH_LEN]; /* ClientAuth/HashedPassword (AuthType 1) */
	bool cert_login;		   /* AuthType 3: ClientCert and ClientKey (DER) */
	uint8_t client_cert[CONF_CASCADE_DER_MAX];
	uint8_t client_key[CONF_CASCADE_DER_MAX];
	size_t client_cert_len, client_key_len;
	uint8_t fingerprint[TLS_FP_LEN]; /* VpnhubFingerprint: the remote hub's certificate */
	bool softether;	      /* Protocol softether: the far end is a stock SoftEther server */
	struct policy policy; /* Policy: applies to the link's port here */
	char unusable[200];   /* why the link cannot start (the file still loads); "" = it can */
};

/* An item of a hub's Option folder as written, for "hub show" (applied or stored only). */
struct conf_opt_item {
	char name[64];
	char value[80];
	bool applied;
};

struct conf_hub {
	char name[PROTO_NAME_MAX + 1];
	bool online;
	bool has_admin_hash;
	uint8_t admin_hash[SHA0_LEN];	/* HashedPassword: SHA-0(password) */
	uint8_t admin_secure[SHA0_LEN]; /* SecurePassword */
	struct conf_options opt;
	struct conf_opt_item *opt_items; /* every item of Option, in file order */
	size_t nopt_items;
	char *message;	 /* Message/MessageText, or NULL */
	bool message_ok; /* UTF-8 without control characters: sent to clients */
	struct conf_log log;
	struct conf_user *users; /* sorted as SoftEther sorts names */
	size_t nusers;
	struct conf_group *groups;
	size_t ngroups;
	struct conf_access *access; /* by ascending priority */
	size_t naccess;
	struct srcacl_entry *srcacl; /* IPAccessControlList, in matching order */
	size_t nsrcacl;
	struct certauth certs; /* CertList, CrlList, Vpnhub/TrustedCaFile and CrlFile */
	uint32_t decoy_iterations, decoy_salt_len; /* shape of unknown users' challenges */
	struct conf_cascade *cascades;		   /* CascadeList, in folder order */
	size_t ncascades;
};

struct hub_config {
	atomic_uint refs;
	char path[PATH_MAX];
	struct conf_listen listen[CONF_LISTEN_MAX];
	size_t nlisten;
	struct conf_hub *hubs;
	size_t nhubs;
	struct conf_bridge bridges[CONF_BRIDGES_MAX]; /* LocalBridgeList */
	size_t nbridges;
	bool has_admin_hash;
	uint8_t admin_hash[SHA0_LEN]; /* ServerConfiguration/HashedPassword */
	/* root/Vpnhub */
	char cert_file[PATH_MAX];
	char key_file[PATH_MAX];
	char state_dir[PATH_MAX - 64]; /* room for file names inside it */
	uint32_t keepalive_s;	       /* send a keep-alive after this much send silence */
	uint32_t timeout_s;	       /* declare a peer dead after this much receive silence */
	uint32_t max_sessions;	       /* whole server: established sessions */
	uint32_t max_pending;	       /* handshakes in progress, whole server */
	uint32_t max_pending_per_src;  /* ... from one IPv4 address or IPv6 /64 */
	uint32_t backoff_ms, backoff_max_ms; /* failed logins: first delay (0 = off), bound */
	uint32_t backoff_sources;	     /* the back-off table's slots (start only) */
	uint32_t hub_max_sessions; /* per virtual hub, unless Option/MaxSession is lower */
	uint32_t queue_frames;	   /* per-session send queue bounds */
	uint32_t queue_bytes;
	struct cong_params cong;   /* congestion control (docs/congestion.md) */
	uint32_t max_macs;	   /* per hub */
	uint32_t session_max_macs; /* per session, unless policy MaxMac or NoBridge sets it */
	uint32_t mac_aging_s;
	/* logs (logger.h, hublog.h) */
	char log_dir[PATH_MAX - 384]; /* "" = StateDir/log; room for hub and file names */
	uint64_t log_max_file_size;   /* split a log file before it passes this */
	uint32_t log_retain_days;     /* rotated files older than this are deleted; 0 = keep */
	uint64_t log_retain_bytes;    /* per log: oldest rotated files deleted above; 0 = keep */
	bool log_to_stderr;	      /* server and security logs to stderr (journal), no files */
	char admin_socket[108];	      /* AdminSocket: the console's Unix socket; "" = none */
	uint16_t admin_port;	      /* AdminPort: loopback TCP console (telnet); 0 = none */
	bool disable_se_protocol;     /* DisableSoftEtherProtocol: refuse stock SoftEther clients */
	/* ServerConfiguration/ServerCert and ServerKey (DER), used without Certificate/Key */
	uint8_t *se_cert, *se_key;
	size_t se_cert_len, se_key_len;
	/* the start-up report: what is not applied, ranked (report.h) */
	struct report report;
};

/*
 * Reads a SoftHUB.cfg; returns a snapshot with one reference, or NULL with
 * "file:line:column: reason" in err.  Never writes the file.
 */
struct hub_config *config_load(const char *path, char *err, size_t errlen);
/* The same from a tree already read (the admin console edits one); path names the file. */
struct cfg_folder;
struct hub_config *config_from_tree(const struct cfg_folder *root, const char *path, char *err,
				    size_t errlen);
void config_put(struct hub_config *c);

const struct conf_hub *config_find_hub(const struct hub_config *c, const char *name);
/* User and group names are case-insensitive, as in SoftEther.  O(log n). */
const struct conf_user *config_find_user(const struct conf_hub *h, const char *name);
const struct conf_group *config_find_group(const struct conf_hub *h, const char *name);
/* The user's effective policy: own Policy, else its group's, else defaults. */
void config_user_policy(const struct conf_hub *h, const struct conf_user *u, struct policy *out);
/* Whether two cascade entries describe the same link (a reload keeps it connected). */
bool config_cascade_same(const struct conf_cascade *a, const struct conf_cascade *b);
/* A hub's cascade by AccountName (case-insensitive), or NULL. */
/* A TLS client context holding an AuthType 3 entry's ClientCert and ClientKey, or NULL. */
SSL_CTX *config_cascade_tls(const struct conf_cascade *k, char *err, size_t errlen);
const struct conf_cascade *config_find_cascade(const struct conf_hub *h, const char *account);
/* Whether two bridge entries describe the same port (a reload keeps it running). */
bool config_bridge_same(const struct conf_bridge *a, const struct conf_bridge *b);

/*
 * Writes a tree to path atomically: temp file in the same directory, fsync,
 * the previous file kept as path.bak (when keep_backup), rename, fsync of the
 * directory.  0, or -1 with a message.
 */
int config_save_tree(const struct cfg_folder *root, const char *path, bool keep_backup, char *err,
		     size_t errlen);

#endif
