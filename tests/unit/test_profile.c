// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Client profile tests on in-memory text: a full profile sets every field,
 * defaults fill the rest, each required key is named when missing, every
 * value check refuses with "name:LINE:", single-valued keys, verification
 * modes and password sources are each given once, relative paths start at
 * the profile's directory, and the derived MAC address is stable, locally
 * administered and unicast.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "profile.h"
#include "suites.h"

#define FP_HEX                                                                                     \
	"sha256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"                                  \
	"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"

/* The smallest valid profile, one line per required key, and the same as one text. */
static const char *const MINIMAL_LINES[] = {
    "server = vpn.example.com", "hub = DEFAULT", "user = alice",
    "password = secret",	"verify = none",
};
static const char MINIMAL[] = "server = vpn.example.com\n"
			      "hub = DEFAULT\n"
			      "user = alice\n"
			      "password = secret\n"
			      "verify = none\n";

static struct profile *profile_alloc(void)
{
	struct profile *p = calloc(1, sizeof(*p));

	ck_assert_ptr_nonnull(p);
	return p;
}

/* Parses text as "test.conf"; err is cleared first. */
static int parse(const char *text, struct profile *p, char *err, size_t errlen)
{
	err[0] = '\0';
	return profile_parse(text, strlen(text), "test.conf", p, err, errlen);
}

/* Keys that may be given only once together: verification modes, password sources. */
static int key_group(const char *line)
{
	static const char *const groups[][3] = {{"ca", "fingerprint", "verify"},
						{"password", "password_file", NULL}};
	size_t n = strcspn(line, " =");

	for (int g = 0; g < 2; g++)
		for (int k = 0; k < 3 && groups[g][k]; k++)
			if (strlen(groups[g][k]) == n && strncmp(line, groups[g][k], n) == 0)
				return g + 1;
	return 0;
}

/* True if the two "key = value" lines set the same key or keys of one group. */
static bool same_key(const char *a, const char *b)
{
	size_t n = strcspn(a, " =");

	return (n == strcspn(b, " =") && strncmp(a, b, n) == 0) ||
	       (key_group(a) && key_group(a) == key_group(b));
}

/*
 * Parses the minimal profile plus one line, always line 6: a minimal line the
 * new one would conflict with becomes a comment, so line numbers stay put.
 */
static int parse_with(const char *line, struct profile *p, char *err, size_t errlen)
{
	char text[2048] = "";

	for (int i = 0; i < 5; i++) {
		strcat(text, same_key(MINIMAL_LINES[i], line) ? "# replaced" : MINIMAL_LINES[i]);
		strcat(text, "\n");
	}
	ck_assert_uint_lt(strlen(text) + strlen(line) + 2, sizeof(text));
	strcat(text, line);
	strcat(text, "\n");
	return parse(text, p, err, errlen);
}

/* Expects parse_with(line) to fail on line 6 with a message mentioning what. */
static void refuse_line6(const char *line, const char *what)
{
	struct profile *p = profile_alloc();
	char err[512];

	ck_assert_msg(parse_with(line, p, err, sizeof(err)) == -1, "accepted \"%s\"", line);
	ck_assert_msg(strncmp(err, "test.conf:6: ", 13) == 0, "\"%s\": error \"%s\"", line, err);
	ck_assert_msg(strstr(err, what) != NULL, "\"%s\": error \"%s\" lacks \"%s\"", line, err,
		      what);
	free(p);
}

START_TEST(test_full_profile)
{
	static const char text[] = "# a full profile\n"
				   "server = [2001:db8::10]:4433\n"
				   "hub = Office LAN\n"
				   "user = Alice\n"
				   "password = \" s3cret # with spaces \"\n"
				   "fingerprint = " FP_HEX "\n"
				   "verify_name = hub.example.com\n"
				   "device = vpntest0\n"
				   "backend = tap\n"
				   "mac = 02:11:22:aa:bb:cc\n"
				   "mtu = 1400\n"
				   "address = 10.77.0.1/24\n"
				   "address = fd77::1/64\n"
				   "reconnect = no\n"
				   "reconnect_min = 2\n"
				   "reconnect_max = 30\n"
				   "connect_timeout = 7\n";
	static const uint8_t fp[32] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
				       0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
				       0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
				       0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	static const uint8_t v4[4] = {10, 77, 0, 1};
	uint8_t v6[16];
	struct profile *p = profile_alloc();
	char err[512];

	ck_assert_msg(parse(text, p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(p->path, "test.conf");
	ck_assert_str_eq(p->host, "2001:db8::10");
	ck_assert_uint_eq(p->port, 4433);
	ck_assert_str_eq(p->hub, "Office LAN");
	ck_assert_str_eq(p->user, "Alice");
	ck_assert_str_eq(p->password, " s3cret # with spaces ");
	ck_assert_int_eq(p->verify, VERIFY_FINGERPRINT);
	ck_assert_mem_eq(p->fingerprint, fp, 32);
	ck_assert_str_eq(p->verify_name, "hub.example.com");
	ck_assert_str_eq(p->device, "vpntest0");
	ck_assert_int_eq(p->backend, BACKEND_TAP);
	ck_assert(p->mac_set);
	ck_assert_mem_eq(p->mac, "\x02\x11\x22\xaa\xbb\xcc", 6);
	ck_assert_uint_eq(p->mtu, 1400);
	ck_assert_uint_eq(p->naddr, 2);
	ck_assert_int_eq(p->addr[0].family, AF_INET);
	ck_assert_mem_eq(p->addr[0].addr, v4, 4);
	ck_assert_uint_eq(p->addr[0].prefix, 24);
	ck_assert_str_eq(p->addr[0].text, "10.77.0.1/24");
	ck_assert_int_eq(inet_pton(AF_INET6, "fd77::1", v6), 1);
	ck_assert_int_eq(p->addr[1].family, AF_INET6);
	ck_assert_mem_eq(p->addr[1].addr, v6, 16);
	ck_assert_uint_eq(p->addr[1].prefix, 64);
	ck_assert_str_eq(p->addr[1].text, "fd77::1/64");
	ck_assert(!p->reconnect);
	ck_assert_uint_eq(p->reconnect_min_s, 2);
	ck_assert_uint_eq(p->reconnect_max_s, 30);
	ck_assert_uint_eq(p->connect_timeout_s, 7);
	free(p);
}
END_TEST

START_TEST(test_defaults)
{
	struct profile *p = profile_alloc();
	char err[512];

	ck_assert_msg(parse(MINIMAL, p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(p->host, "vpn.example.com");
	ck_assert_uint_eq(p->port, PROFILE_DEFAULT_PORT);
	ck_assert_int_eq(p->verify, VERIFY_NONE);
	ck_assert_str_eq(p->verify_name, "vpn.example.com");
	ck_assert_str_eq(p->device, "vpn0");
	ck_assert_int_eq(p->backend, BACKEND_AUTO);
	ck_assert(!p->mac_set);
	ck_assert_uint_eq(p->mtu, 1500);
	ck_assert_uint_eq(p->naddr, 0);
	ck_assert(p->reconnect);
	ck_assert_uint_eq(p->reconnect_min_s, 1);
	ck_assert_uint_eq(p->reconnect_max_s, 60);
	ck_assert_uint_eq(p->connect_timeout_s, 10);
	ck_assert_str_eq(p->congestion_control, "cubic");
	ck_assert_str_eq(p->ca_file, "");

	ck_assert_int_eq(parse_with("ca = /etc/vpn/ca.pem", p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->verify, VERIFY_CA);
	ck_assert_str_eq(p->ca_file, "/etc/vpn/ca.pem");
	free(p);
}
END_TEST

START_TEST(test_missing_required)
{
	static const char *const keys[] = {"server", "hub", "user", "password", "verify"};
	static const char *const named[] = {"\"server\"", "\"hub\"", "\"user\"",
					    "\"password or password_file (or cert and key)\"",
					    "\"ca or fingerprint (or verify = none)\""};
	struct profile *p = profile_alloc();
	char text[1024], err[512];

	for (int skip = 0; skip < 5; skip++) {
		text[0] = '\0';
		for (int k = 0; k < 5; k++) {
			if (k == skip)
				continue;
			strcat(text, MINIMAL_LINES[k]);
			strcat(text, "\n");
		}
		ck_assert_ptr_null(strstr(text, keys[skip]));
		ck_assert_int_eq(parse(text, p, err, sizeof(err)), -1);
		ck_assert_ptr_eq(strstr(err, "test.conf: missing "), err);
		ck_assert_msg(strstr(err, named[skip]) != NULL, "%s", err);
		/* a refused profile does not keep the password around */
		ck_assert_str_eq(p->password, "");
	}
	ck_assert_int_eq(parse("", p, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "test.conf: missing \"server\"");
	free(p);
}
END_TEST

START_TEST(test_error_line_numbers)
{
	struct profile *p = profile_alloc();
	char err[512];

	ck_assert_int_eq(parse("server = h\n\n# c\nmtu = 100\nhub = x\n", p, err, sizeof(err)), -1);
	ck_assert_ptr_eq(strstr(err, "test.conf:4: mtu:"), err);
	refuse_line6("mtu = 100", "mtu");
	refuse_line6("colour = red", "unknown key \"colour\"");
	refuse_line6("server = host:0", "server");
	refuse_line6("reconnect = sometimes", "reconnect");
	refuse_line6("reconnect_min = 0", "reconnect_min");
	refuse_line6("reconnect_max = 86401", "reconnect_max");
	refuse_line6("connect_timeout = 301", "connect_timeout");
	refuse_line6("fingerprint = abc", "fingerprint");
	refuse_line6("password = ", "password");
	refuse_line6("ca = ", "ca");
	refuse_line6("hub = a\x01z", "hub");
	refuse_line6("user = \x7f", "user");
	free(p);
}
END_TEST

START_TEST(test_bad_mac)
{
	struct profile *p = profile_alloc();
	char err[512];

	refuse_line6("mac = 02:11:22:33:44", "is not a MAC address");
	refuse_line6("mac = 02:11:22:33:44:55:66", "is not a MAC address");
	refuse_line6("mac = 02:11:22:33:44:55x", "is not a MAC address");
	refuse_line6("mac = zz:11:22:33:44:55", "is not a MAC address");
	refuse_line6("mac = 021:1:22:33:44:55", "is not a MAC address");
	refuse_line6("mac = 02:11-22:33:44:55", "is not a MAC address");
	refuse_line6("mac = ", "is not a MAC address");
	refuse_line6("mac = 01:00:5e:00:00:01", "multicast");
	refuse_line6("mac = ff:ff:ff:ff:ff:ff", "multicast");
	refuse_line6("mac = 33:33:00:00:00:01", "multicast");

	ck_assert_int_eq(parse_with("mac = 02-AB-cd-00-00-01", p, err, sizeof(err)), 0);
	ck_assert_mem_eq(p->mac, "\x02\xab\xcd\x00\x00\x01", 6);
	ck_assert(p->mac_set);
	/* a globally administered unicast address is the user's choice */
	ck_assert_int_eq(parse_with("mac = 00:16:3e:00:00:01", p, err, sizeof(err)), 0);
	ck_assert_mem_eq(p->mac, "\x00\x16\x3e\x00\x00\x01", 6);
	free(p);
}
END_TEST

START_TEST(test_mtu)
{
	struct profile *p = profile_alloc();
	char err[512];

	refuse_line6("mtu = 575", "mtu");
	refuse_line6("mtu = 9001", "mtu");
	refuse_line6("mtu = abc", "mtu");
	refuse_line6("mtu = -1500", "mtu");
	ck_assert_int_eq(parse_with("mtu = 576", p, err, sizeof(err)), 0);
	ck_assert_uint_eq(p->mtu, 576);
	ck_assert_int_eq(parse_with("mtu = 9000", p, err, sizeof(err)), 0);
	ck_assert_uint_eq(p->mtu, 9000);
	free(p);
}
END_TEST

START_TEST(test_congestion_control)
{
	struct profile *p = profile_alloc();
	char err[512];

	ck_assert_int_eq(parse_with("congestion_control = reno", p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->congestion_control, "reno");
	ck_assert_int_eq(parse_with("congestion_control = bbr2_x", p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->congestion_control, "bbr2_x");
	/* "system": the kernel's default, nothing set on the socket */
	ck_assert_int_eq(parse_with("congestion_control = system", p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->congestion_control, "");
	refuse_line6("congestion_control = BBR", "congestion_control");
	refuse_line6("congestion_control = cu/bic", "congestion_control");
	refuse_line6("congestion_control =", "congestion_control");
	refuse_line6("congestion_control = a234567890123456", "congestion_control");
	free(p);
}
END_TEST

START_TEST(test_protocol)
{
	struct profile *p = profile_alloc();
	char err[512];

	ck_assert_int_eq(parse(MINIMAL, p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->protocol, HUBCONN_VPNHUB);
	ck_assert_int_eq(parse_with("protocol = softether", p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->protocol, HUBCONN_SOFTETHER);
	ck_assert_int_eq(parse_with("protocol = vpnhub", p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->protocol, HUBCONN_VPNHUB);
	refuse_line6("protocol = SoftEther2", "protocol");
	refuse_line6("protocol =", "protocol");
	/* what SoftEther's protocol cannot carry is refused for the whole profile */
	ck_assert_int_ne(parse_with("protocol = softether\nmtu = 9000", p, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "mtu over 1500"));
	ck_assert_int_ne(parse_with("protocol = softether\nbackend = kmod", p, err, sizeof(err)),
			 0);
	ck_assert_ptr_nonnull(strstr(err, "backend = kmod"));
	ck_assert_int_eq(parse_with("protocol = softether\nmtu = 1500", p, err, sizeof(err)), 0);
	free(p);
}
END_TEST

START_TEST(test_address)
{
	struct profile *p = profile_alloc();
	char text[2048], err[512];

	refuse_line6("address = 10.0.0.1", "ADDRESS/PREFIX");
	refuse_line6("address = 10.0.0.1/", "address");
	refuse_line6("address = 10.0.0.1/0", "address");
	refuse_line6("address = 10.0.0.1/33", "address");
	refuse_line6("address = 10.0.0.1/24x", "address");
	refuse_line6("address = 10.0.0.256/24", "not an IPv4 or IPv6 address");
	refuse_line6("address = 10.0.0/24", "not an IPv4 or IPv6 address");
	refuse_line6("address = /24", "not an IPv4 or IPv6 address");
	refuse_line6("address = host.example/24", "not an IPv4 or IPv6 address");
	refuse_line6("address = fd00::1/129", "address");
	refuse_line6("address = fd00::g/64", "not an IPv4 or IPv6 address");
	refuse_line6("address = "
		     "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000/64",
		     "ADDRESS/PREFIX");

	ck_assert_int_eq(parse_with("address = 192.168.1.1/32", p, err, sizeof(err)), 0);
	ck_assert_uint_eq(p->addr[0].prefix, 32);
	ck_assert_int_eq(parse_with("address = fd00::1/128", p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->addr[0].family, AF_INET6);
	ck_assert_uint_eq(p->addr[0].prefix, 128);
	ck_assert_int_eq(parse_with("address = ::ffff:10.0.0.1/96", p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->addr[0].family, AF_INET6);

	/* at most PROFILE_ADDR_MAX addresses */
	snprintf(text, sizeof(text), "%s", MINIMAL);
	for (int i = 0; i < PROFILE_ADDR_MAX; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "address = 10.0.%d.1/24\n", i);
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), 0);
	ck_assert_uint_eq(p->naddr, PROFILE_ADDR_MAX);
	ck_assert_str_eq(p->addr[PROFILE_ADDR_MAX - 1].text, "10.0.7.1/24");
	strcat(text, "address = fd00::1/64\n");
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "test.conf:14:"));
	ck_assert_ptr_nonnull(strstr(err, "more than 8"));
	free(p);
}
END_TEST

START_TEST(test_device)
{
	struct profile *p = profile_alloc();
	char err[512];

	refuse_line6("device = abcdefghijklmnop", "not a valid interface name");
	refuse_line6("device = a/b", "not a valid interface name");
	refuse_line6("device = a:b", "not a valid interface name");
	refuse_line6("device = \"a b\"", "not a valid interface name");
	refuse_line6("device = .", "not a valid interface name");
	refuse_line6("device = ..", "not a valid interface name");
	refuse_line6("device = ", "not a valid interface name");
	ck_assert_int_eq(parse_with("device = abcdefghijklmno", p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->device, "abcdefghijklmno");
	ck_assert_int_eq(parse_with("device = tap-vpn.1", p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->device, "tap-vpn.1");
	free(p);
}
END_TEST

START_TEST(test_backend_and_verify)
{
	struct profile *p = profile_alloc();
	char err[512];

	ck_assert_int_eq(parse_with("backend = auto", p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->backend, BACKEND_AUTO);
	ck_assert_int_eq(parse_with("backend = tap", p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->backend, BACKEND_TAP);
	refuse_line6("backend = tun", "auto, tap");
	refuse_line6("backend = TAP", "auto, tap");
	refuse_line6("backend = ", "auto, tap");

	ck_assert_int_eq(parse(MINIMAL, p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->verify, VERIFY_NONE);
	refuse_line6("verify = ca", "only \"none\"");
	refuse_line6("verify = fingerprint", "only \"none\"");
	refuse_line6("verify = None", "only \"none\"");
	refuse_line6("verify = ", "only \"none\"");
	free(p);
}
END_TEST

START_TEST(test_reconnect_order)
{
	struct profile *p = profile_alloc();
	char err[512];

	ck_assert_int_eq(parse_with("reconnect_min = 61", p, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "test.conf: reconnect_min is larger than reconnect_max");
	ck_assert_int_eq(parse_with("reconnect_min = 60", p, err, sizeof(err)), 0);
	ck_assert_uint_eq(p->reconnect_min_s, 60);
	free(p);
}
END_TEST

START_TEST(test_names_and_password_bounds)
{
	struct profile *p = profile_alloc();
	char line[1024], err[1024];

	/* 255-byte names are accepted, 256 refused */
	strcpy(line, "hub = ");
	memset(line + 6, 'h', PROTO_NAME_MAX);
	line[6 + PROTO_NAME_MAX] = '\0';
	ck_assert_int_eq(parse_with(line, p, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(p->hub), PROTO_NAME_MAX);
	strcat(line, "h");
	refuse_line6(line, "hub");
	/* passwords up to PROFILE_PASSWORD_MAX bytes */
	strcpy(line, "password = ");
	memset(line + 11, 'p', PROFILE_PASSWORD_MAX);
	line[11 + PROFILE_PASSWORD_MAX] = '\0';
	ck_assert_int_eq(parse_with(line, p, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(p->password), PROFILE_PASSWORD_MAX);
	strcat(line, "p");
	refuse_line6(line, "password");
	free(p);
}
END_TEST

START_TEST(test_derived_mac)
{
	struct profile *p = profile_alloc();
	char text[1024], err[512];
	uint8_t first[6];

	ck_assert_int_eq(parse(MINIMAL, p, err, sizeof(err)), 0);
	ck_assert(!p->mac_set);
	ck_assert_uint_eq(p->mac[0] & 1, 0); /* unicast */
	ck_assert_uint_eq(p->mac[0] & 2, 2); /* locally administered */
	memcpy(first, p->mac, 6);

	/* stable across parses; neither key order, password nor port matter */
	ck_assert_int_eq(parse("verify = none\npassword = other\nuser = alice\nhub = DEFAULT\n"
			       "server = vpn.example.com:9999\n",
			       p, err, sizeof(err)),
			 0);
	ck_assert_mem_eq(p->mac, first, 6);

	/* a different user, hub, server or device gives another address */
	ck_assert_int_eq(parse("server = vpn.example.com\nhub = DEFAULT\nuser = bob\n"
			       "password = secret\nverify = none\n",
			       p, err, sizeof(err)),
			 0);
	ck_assert(memcmp(p->mac, first, 6) != 0);
	ck_assert_uint_eq(p->mac[0] & 3, 2);
	ck_assert_int_eq(parse_with("device = vpn1", p, err, sizeof(err)), 0);
	ck_assert(memcmp(p->mac, first, 6) != 0);
	ck_assert_int_eq(parse_with("hub = OTHER", p, err, sizeof(err)), 0);
	ck_assert(memcmp(p->mac, first, 6) != 0);
	snprintf(text, sizeof(text), "%s", MINIMAL);
	text[strlen("server = vpn.example.co")] = 'n';
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->host, "vpn.example.con");
	ck_assert(memcmp(p->mac, first, 6) != 0);
	/* a configured MAC is kept as given */
	ck_assert_int_eq(parse_with("mac = 02:00:00:00:00:01", p, err, sizeof(err)), 0);
	ck_assert_mem_eq(p->mac, "\x02\x00\x00\x00\x00\x01", 6);
	free(p);
}
END_TEST

/* Writes content to dir/name; returns the path in a static buffer. */
static const char *write_file(const char *dir, const char *name, const char *content)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static int parse_pwfile(const char *path, struct profile *p, char *err, size_t errlen)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "server = h\nhub = x\nuser = y\nverify = none\npassword_file = %s\n", path);
	return parse(text, p, err, errlen);
}

START_TEST(test_password_file)
{
	char dir[] = "/tmp/proftest.XXXXXX", err[1024], path[256];
	struct profile *p = profile_alloc();

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s", write_file(dir, "pw", "pw from file #1\n"));
	ck_assert_msg(parse_pwfile(path, p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(p->password, "pw from file #1");
	unlink(path);

	/* CRLF, no newline, and only the first line counts */
	snprintf(path, sizeof(path), "%s", write_file(dir, "pw", "crlf\r\nsecond line\n"));
	ck_assert_int_eq(parse_pwfile(path, p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->password, "crlf");
	unlink(path);
	snprintf(path, sizeof(path), "%s", write_file(dir, "pw", "bare"));
	ck_assert_int_eq(parse_pwfile(path, p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->password, "bare");
	unlink(path);

	/* empty files, and a first line that is empty */
	snprintf(path, sizeof(path), "%s", write_file(dir, "pw", ""));
	ck_assert_int_eq(parse_pwfile(path, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "test.conf:5: password_file:"));
	ck_assert_ptr_nonnull(strstr(err, "is empty"));
	unlink(path);
	snprintf(path, sizeof(path), "%s", write_file(dir, "pw", "\nsecret on line 2\n"));
	ck_assert_int_eq(parse_pwfile(path, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "is empty"));
	ck_assert_str_eq(p->password, "");
	unlink(path);

	/* a missing file is named */
	ck_assert_int_eq(parse_pwfile(path, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
	ck_assert_ptr_nonnull(strstr(err, path));
	rmdir(dir);
	free(p);
}
END_TEST

/* cert, key and key_passphrase_file: certificate login needs no password. */
START_TEST(test_certificate_keys)
{
	char dir[] = "/tmp/proftest.XXXXXX", err[1024], text[2048], long_line[600];
	struct profile *p = profile_alloc();
	const char *base = "server = h\nhub = x\nuser = y\nverify = none\n";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "pass", "open sesame\nignored\n");
	snprintf(text, sizeof(text),
		 "%scert = c.pem\nkey = /abs/k.pem\nkey_passphrase_file = %s/pass\n", base, dir);
	ck_assert_int_eq(profile_parse(text, strlen(text), "/etc/vpn/p.conf", p, err, sizeof(err)),
			 0);
	ck_assert_str_eq(p->cert_file, "/etc/vpn/c.pem");
	ck_assert_str_eq(p->key_file, "/abs/k.pem");
	ck_assert_str_eq(p->key_passphrase, "open sesame");
	ck_assert_str_eq(p->password, "");

	/* without a passphrase file: asked on the terminal later */
	snprintf(text, sizeof(text), "%scert = c.pem\nkey = k.pem\n", base);
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->key_passphrase, "");

	/* refusals */
	snprintf(text, sizeof(text), "%scert = c.pem\n", base);
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "go together"));
	snprintf(text, sizeof(text), "%scert = c.pem\nkey = k\npassword = pw\n", base);
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not both"));
	ck_assert_str_eq(p->password, "");
	snprintf(text, sizeof(text), "%scert = c.pem\ncert = d.pem\nkey = k\n", base);
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "test.conf:6: cert: given twice"));
	snprintf(text, sizeof(text), "%scert = c\nkey = k\nkey_passphrase_file = %s/none\n", base,
		 dir);
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
	write_file(dir, "empty", "\n");
	snprintf(text, sizeof(text), "%scert = c\nkey = k\nkey_passphrase_file = %s/empty\n", base,
		 dir);
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "is empty"));
	memset(long_line, 'x', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	write_file(dir, "long", long_line);
	snprintf(text, sizeof(text), "%scert = c\nkey = k\nkey_passphrase_file = %s/long\n", base,
		 dir);
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than"));
	ck_assert_str_eq(p->key_passphrase, "");
	unlink(write_file(dir, "pass", ""));
	unlink(write_file(dir, "empty", ""));
	unlink(write_file(dir, "long", ""));
	rmdir(dir);
	free(p);
}
END_TEST

START_TEST(test_single_valued_keys)
{
	static const char *const keys[] = {
	    "hub = h2",
	    "user = u2",
	    "device = vpn9",
	    "backend = tap",
	    "mac = 02:00:00:00:00:09",
	    "mtu = 1400",
	    "reconnect = no",
	    "reconnect_min = 2",
	    "reconnect_max = 9",
	    "connect_timeout = 9",
	    "verify_name = n",
	    "password = again",
	    "congestion_control = reno",
	};
	struct profile *p = profile_alloc();
	char text[1024], err[512];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(text, sizeof(text), "%s\n# between\n%s", keys[i], keys[i]);
		ck_assert_msg(parse_with(text, p, err, sizeof(err)) == -1, "\"%s\" twice accepted",
			      keys[i]);
		ck_assert_msg(strncmp(err, "test.conf:8: ", 13) == 0 && strstr(err, "given twice"),
			      "\"%s\" twice: %s", keys[i], err);
	}
	/* servers are an ordered list: the first is also host/port */
	ck_assert_int_eq(parse_with("server = h2:1000\nserver = h3", p, err, sizeof(err)), 0);
	ck_assert_uint_eq(p->nservers, 2);
	ck_assert_str_eq(p->servers[0].host, "h2");
	ck_assert_uint_eq(p->servers[0].port, 1000);
	ck_assert_str_eq(p->servers[1].host, "h3");
	ck_assert_uint_eq(p->servers[1].port, PROFILE_DEFAULT_PORT);
	ck_assert_str_eq(p->host, "h2");
	/* addresses are a list */
	ck_assert_int_eq(
	    parse_with("address = 10.0.0.1/8\naddress = 10.0.0.2/8", p, err, sizeof(err)), 0);
	ck_assert_uint_eq(p->naddr, 2);
	free(p);
}
END_TEST

START_TEST(test_one_verification_mode)
{
	static const char *const modes[] = {"fingerprint = " FP_HEX, "ca = /etc/ca.pem",
					    "verify = none"};
	struct profile *p = profile_alloc();
	char text[1024], err[512];

	/* any two modes, in either order: a later line must not silently win */
	for (int a = 0; a < 3; a++) {
		for (int b = 0; b < 3; b++) {
			snprintf(text, sizeof(text),
				 "server = h\nhub = x\nuser = y\npassword = z\n%s\n%s\n", modes[a],
				 modes[b]);
			ck_assert_msg(parse(text, p, err, sizeof(err)) == -1,
				      "\"%s\" then \"%s\" accepted (verify = %d)", modes[a],
				      modes[b], (int)p->verify);
			ck_assert_msg(strncmp(err, "test.conf:6: ", 13) == 0, "%s", err);
		}
	}
	free(p);
}
END_TEST

START_TEST(test_password_from_one_place)
{
	char dir[] = "/tmp/proftest.XXXXXX", text[1024], err[1024], path[256];
	struct profile *p = profile_alloc();

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s", write_file(dir, "pw", "from-file\n"));
	snprintf(text, sizeof(text), "%spassword_file = %s\n", MINIMAL, path);
	ck_assert_msg(parse(text, p, err, sizeof(err)) == -1,
		      "password and password_file together accepted (password \"%s\")",
		      p->password);
	ck_assert_ptr_nonnull(strstr(err, "test.conf:6: "));
	ck_assert_str_eq(p->password, "");
	snprintf(text, sizeof(text),
		 "server = h\nhub = x\nuser = y\nverify = none\npassword_file = %s\n"
		 "password = typed\n",
		 path);
	ck_assert_int_eq(parse(text, p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "test.conf:6: "));
	unlink(path);
	rmdir(dir);
	free(p);
}
END_TEST

START_TEST(test_relative_paths)
{
	char dir[] = "/tmp/proftest.XXXXXX", name[128], want[256], text[512], err[1024];
	struct profile *p = profile_alloc();

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "pw", "relative secret\n");
	snprintf(name, sizeof(name), "%s/client.conf", dir);
	snprintf(text, sizeof(text),
		 "server = h\nhub = x\nuser = y\npassword_file = pw\n"
		 "ca = certs/ca.pem\n");
	ck_assert_msg(profile_parse(text, strlen(text), name, p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(p->password, "relative secret");
	snprintf(want, sizeof(want), "%s/certs/ca.pem", dir);
	ck_assert_str_eq(p->ca_file, want);
	ck_assert_int_eq(p->verify, VERIFY_CA);
	ck_assert_str_eq(p->path, name);

	/* absolute paths are kept; a bare name stays relative to the caller */
	snprintf(want, sizeof(want), "%s/pw", dir);
	snprintf(text, sizeof(text),
		 "server = h\nhub = x\nuser = y\npassword_file = %s\n"
		 "ca = /etc/ca.pem\n",
		 want);
	ck_assert_int_eq(profile_parse(text, strlen(text), name, p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->ca_file, "/etc/ca.pem");
	ck_assert_int_eq(parse_with("ca = ca.pem", p, err, sizeof(err)), 0);
	ck_assert_str_eq(p->ca_file, "ca.pem");
	snprintf(want, sizeof(want), "%s/pw", dir);
	unlink(want);
	rmdir(dir);
	free(p);
}
END_TEST

Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("parse");
	TCase *pw = tcase_create("files");
	TCase *cross = tcase_create("once");

	tcase_add_test(tc, test_full_profile);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_missing_required);
	tcase_add_test(tc, test_error_line_numbers);
	tcase_add_test(tc, test_bad_mac);
	tcase_add_test(tc, test_mtu);
	tcase_add_test(tc, test_congestion_control);
	tcase_add_test(tc, test_address);
	tcase_add_test(tc, test_device);
	tcase_add_test(tc, test_backend_and_verify);
	tcase_add_test(tc, test_reconnect_order);
	tcase_add_test(tc, test_names_and_password_bounds);
	tcase_add_test(tc, test_derived_mac);
	suite_add_tcase(s, tc);

	tcase_add_test(pw, test_password_file);
	tcase_add_test(pw, test_relative_paths);
	tcase_add_test(pw, test_certificate_keys);
	suite_add_tcase(s, pw);

	tcase_add_test(cross, test_single_valued_keys);
	tcase_add_test(cross, test_protocol);
	tcase_add_test(cross, test_one_verification_mode);
	tcase_add_test(cross, test_password_from_one_place);
	suite_add_tcase(s, cross);
	return s;
}
