/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A client connection profile (vpnclient.conf(5)): "key = value" lines naming
 * the hub, the credentials, how to verify the hub, and the virtual interface.
 */
#ifndef VPN_PROFILE_H
#define VPN_PROFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hubconn.h"
#include "netcfg.h"
#include "proto.h"
#include "proxy.h"
#include "stream.h"
#include "tls.h"

#define PROFILE_ADDR_MAX 8
#define PROFILE_PASSWORD_MAX 512
#define PROFILE_DEFAULT_PORT 5555
#define PROFILE_SERVERS_MAX 8

enum profile_backend {
	BACKEND_AUTO,
	BACKEND_TAP,
	BACKEND_KMOD, /* the vpnlan module's rings, /dev/vpnlan */
};

struct profile_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t prefix;
	char text[64];
};

/* One "server =" line: hubs are tried in the order given. */
struct profile_server {
	char host[256];
	uint16_t port;
};

struct profile {
	char path[PATH_MAX];
	char host[256]; /* the first server */
	uint16_t port;
	struct profile_server servers[PROFILE_SERVERS_MAX];
	size_t nservers;
	bool verify_name_given;		/* else each server is checked against its own name */
	enum hubconn_protocol protocol; /* "protocol = vpnhub|softether" */
	char hub[PROTO_NAME_MAX + 1];
	char user[PROTO_NAME_MAX + 1];
	char password[PROFILE_PASSWORD_MAX + 1];
	enum hubconn_verify verify; /* VERIFY_CA: chain to ca_file, host name check */
	char ca_file[PATH_MAX];
	char verify_name[256]; /* host name to check in CA mode; default: host */
	uint8_t fingerprint[TLS_FP_LEN];
	char device[16];
	enum profile_backend backend;
	uint8_t mac[6];
	bool mac_set;
	uint32_t mtu;
	struct profile_addr addr[PROFILE_ADDR_MAX];
	size_t naddr;
	bool reconnect;
	uint32_t reconnect_min_s, reconnect_max_s;
	uint32_t connect_timeout_s;
	char congestion_control[STREAM_CC_MAX]; /* the tunnel's TCP (stream.h); "" = the kernel's */
	struct proxy_conf proxy;		/* type PROXY_NONE: straight to the hub */
	char proxy_password_file[PATH_MAX];	/* resolved path, or empty */
	bool proxy_password_exposed;		/* that file is readable by group or others */
	struct netcfg net;			/* address = dhcp/slaac, routes, DNS, hooks */
	/* certificate login (profile_cert.c): no password then */
	char cert_file[PATH_MAX];
	char key_file[PATH_MAX];
	char key_passphrase_file[PATH_MAX];
	char key_passphrase[PROFILE_PASSWORD_MAX + 2]; /* "" = none given: ask on a terminal */
};

/* Parses a profile file; 0, or -1 with "file:line: reason" in err. */
int profile_load(const char *path, struct profile *p, char *err, size_t errlen);
/*
 * Parses profile text; name is the file's path (for messages), and relative
 * paths in the profile resolve against its directory.
 */
int profile_parse(const char *text, size_t len, const char *name, struct profile *p, char *err,
		  size_t errlen);

/* cert, key, key_passphrase_file: 1 if key is none of them, else 0 or -1 with err. */
int profile_cert_item(struct profile *p, const char *dir, const char *key, const char *v, char *err,
		      size_t errlen);
/* Whole-profile rules of those keys; reads the passphrase file.  0 or -1 with err. */
int profile_cert_check(struct profile *p, const char *name, char *err, size_t errlen);

#endif
