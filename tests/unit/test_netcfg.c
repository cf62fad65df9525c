// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network-setup profile keys (netcfg.c) through the profile reader, the
 * control requests (ctlproto.c: status, disconnect, DHCP lease events with
 * every value checked), the resolv.conf text the "file" resolver writes
 * (resolver_compose), and the profile names behind control sockets.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "control.h"
#include "ctlproto.h"
#include "netcfg.h"
#include "profile.h"
#include "resolver.h"
#include "suites.h"

static const char BASE[] = "server = vpn.example.com\nhub = DEFAULT\nuser = alice\n"
			   "password = secret\nverify = none\n";

/* Parses BASE plus extra; 0 or -1 with err. */
static int parse_extra(const char *extra, struct profile *p, char *err, size_t errlen)
{
	char text[8192];

	snprintf(text, sizeof(text), "%s%s", BASE, extra);
	err[0] = '\0';
	return profile_parse(text, strlen(text), "t.conf", p, err, errlen);
}

static void refuse(const char *extra, const char *what)
{
	struct profile *p = calloc(1, sizeof(*p));
	char err[512];

	ck_assert_ptr_nonnull(p);
	ck_assert_msg(parse_extra(extra, p, err, sizeof(err)) == -1, "accepted \"%s\"", extra);
	ck_assert_msg(strstr(err, what), "\"%s\": error \"%s\" lacks \"%s\"", extra, err, what);
	free(p);
}

START_TEST(test_keys_parsed)
{
	struct profile *p = calloc(1, sizeof(*p));
	char err[512], buf[128];

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(
	    parse_extra("address = dhcp\naddress = dhcp6\naddress = slaac\naddress = 10.1.0.1/24\n"
			"route = 10.88.0.0/16 via 10.77.0.3\nroute = default6\n"
			"route = 192.168.7.0/24\tvia 10.77.0.1\n"
			"dns = 10.77.0.3\ndns = fd77::3\ndns_search = office.test\n"
			"dns_search = b.example.\nresolver = file\n"
			"up = ip link show \"$VPN_INTERFACE\"\nup = true\ndown = true\n",
			p, err, sizeof(err)),
	    0);
	ck_assert(p->net.dhcp4 && p->net.dhcp6 && p->net.slaac);
	ck_assert_uint_eq(p->naddr, 1);
	ck_assert_uint_eq(p->net.nroute, 3);
	ck_assert_str_eq(netcfg_route_str(&p->net.route[0], buf, sizeof(buf)),
			 "10.88.0.0/16 via 10.77.0.3");
	ck_assert_str_eq(netcfg_route_str(&p->net.route[1], buf, sizeof(buf)), "::/0");
	ck_assert_str_eq(netcfg_route_str(&p->net.route[2], buf, sizeof(buf)),
			 "192.168.7.0/24 via 10.77.0.1");
	ck_assert_uint_eq(p->net.ndns, 2);
	ck_assert_int_eq(p->net.dns[1].family, AF_INET6);
	ck_assert_uint_eq(p->net.nsearch, 2);
	ck_assert_str_eq(p->net.search[1], "b.example.");
	ck_assert_int_eq(p->net.resolver, RESOLVER_FILE);
	ck_assert_uint_eq(p->net.nup, 2);
	ck_assert_str_eq(p->net.up[0], "ip link show \"$VPN_INTERFACE\"");
	ck_assert_uint_eq(p->net.ndown, 1);
	ck_assert(netcfg_needs_root(&p->net));
	free(p);
}
END_TEST

START_TEST(test_keys_refused)
{
	char many[4096] = "";

	refuse("route = 10.88.0.1/16\n", "bits set after the first 16");
	refuse("route = 10.88.0.0/33\n", "route");
	refuse("route = 10.88.0.0\n", "PREFIX/LENGTH");
	refuse("route = 10.88.0.0/16 via\n", "PREFIX/LENGTH [via GATEWAY]");
	refuse("route = 10.88.0.0/16 by 10.0.0.1\n", "PREFIX/LENGTH [via GATEWAY]");
	refuse("route = 10.88.0.0/16 via 10.0.0.1 extra\n", "PREFIX/LENGTH [via GATEWAY]");
	refuse("route = 10.88.0.0/16 via fd77::1\n", "not of the prefix's address family");
	refuse("route = 10.88.0.0/16 via host.example\n", "not an IPv4 or IPv6 address");
	refuse("dns = 10.77.0.300\n", "not an IPv4 or IPv6 address");
	refuse("dns = 1.1.1.1\ndns = 1.1.1.2\ndns = 1.1.1.3\ndns = 1.1.1.4\n", "more than 3");
	refuse("dns_search = -bad.example\n", "not a domain name");
	refuse("dns_search = a..b\n", "not a domain name");
	refuse("dns_search = a b\n", "not a domain name");
	refuse("resolver = magic\n", "not one of");
	refuse("resolver = file\nresolver = file\n", "given twice");
	refuse("address = dhcp\naddress = dhcp\n", "given twice");
	refuse("address = dhcp4\n", "expected ADDRESS/PREFIX");
	refuse("address = dhcp6\naddress = dhcp6\n", "given twice");
	refuse("up = \"\"\n", "empty");
	for (int i = 0; i < 9; i++)
		strcat(many, "down = true\n");
	refuse(many, "more than 8");
	memset(many, 'x', 1100);
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): a prefix over the x's */
	memcpy(many, "up = ", 5);
	strcpy(many + 1100, "\n");
	refuse(many, "longer than 1024");
}
END_TEST

START_TEST(test_domains_and_cover)
{
	struct netcfg_route r;
	struct netcfg_ip ip = {.family = AF_INET};
	char err[256], label64[80];

	ck_assert(netcfg_domain_ok("office.test"));
	ck_assert(netcfg_domain_ok("a-b.c_d.example."));
	ck_assert(!netcfg_domain_ok("a-.example"));
	ck_assert(!netcfg_domain_ok(".example"));
	ck_assert(!netcfg_domain_ok(""));
	memset(label64, 'a', 64);
	label64[64] = '\0';
	ck_assert(!netcfg_domain_ok(label64));
	label64[63] = '\0';
	ck_assert(netcfg_domain_ok(label64));
	ck_assert_int_eq(netcfg_parse_route("route", "10.199.1.0/25", &r, err, sizeof(err)), 0);
	inet_pton(AF_INET, "10.199.1.1", ip.addr);
	ck_assert(netcfg_route_covers(&r, &ip));
	inet_pton(AF_INET, "10.199.1.129", ip.addr);
	ck_assert(!netcfg_route_covers(&r, &ip));
	ck_assert_int_eq(netcfg_parse_route("route", "default", &r, err, sizeof(err)), 0);
	ck_assert(netcfg_route_covers(&r, &ip));
	ip.family = AF_INET6;
	ck_assert(!netcfg_route_covers(&r, &ip));
}
END_TEST

static int req(const char *text, struct ctl_req *r, char *err)
{
	err[0] = '\0';
	return ctl_parse(text, strlen(text), r, err, 256);
}

START_TEST(test_ctl_commands)
{
	struct ctl_req *r = malloc(sizeof(*r));
	char err[256];

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(req("status json", r, err), 0);
	ck_assert(r->cmd == CTL_STATUS && r->fmt == CTL_FMT_JSON);
	ck_assert_int_eq(req("status text", r, err), 0);
	ck_assert(r->fmt == CTL_FMT_TEXT);
	ck_assert_int_eq(req("status line", r, err), 0);
	ck_assert(r->fmt == CTL_FMT_LINE);
	ck_assert_int_eq(req("disconnect", r, err), 0);
	ck_assert(r->cmd == CTL_DISCONNECT);
	ck_assert_int_eq(req("status xml", r, err), -1);
	ck_assert_int_eq(req("", r, err), -1);
	ck_assert_int_eq(ctl_parse("status\0json", 11, r, err, sizeof(err)), -1);
	ck_assert_int_eq(req("status\tjson", r, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "control character"));
	free(r);
}
END_TEST

START_TEST(test_ctl_lease)
{
	struct ctl_req *r = malloc(sizeof(*r));
	char err[256], buf[128];

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(
	    req("lease\nreason=BOUND\nnew_ip_address=10.77.0.104\n"
		"new_subnet_mask=255.255.255.0\nnew_domain_name_servers=10.77.0.3 10.77.0.4\n"
		"new_domain_search=office.test. b.test.\nnew_domain_name=office.test\n"
		"new_rfc3442_classless_static_routes=16 10 88 10 77 0 3 0 10 77 0 1 "
		"32 10 9 9 9 0 0 0 0\nnew_dhcp_lease_time=120",
		r, err),
	    0);
	ck_assert(r->cmd == CTL_LEASE && r->lease.event == LEASE_BOUND);
	ck_assert_uint_eq(r->lease.prefix, 24);
	ck_assert_uint_eq(r->lease.ndns, 2);
	ck_assert_uint_eq(r->lease.nsearch, 2); /* office.test once */
	ck_assert_str_eq(r->lease.search[0], "office.test");
	ck_assert_str_eq(r->lease.search[1], "b.test");
	ck_assert_uint_eq(r->lease.nroute, 3);
	ck_assert_str_eq(netcfg_route_str(&r->lease.route[0], buf, sizeof(buf)),
			 "10.88.0.0/16 via 10.77.0.3");
	ck_assert_str_eq(netcfg_route_str(&r->lease.route[1], buf, sizeof(buf)),
			 "0.0.0.0/0 via 10.77.0.1");
	ck_assert_str_eq(netcfg_route_str(&r->lease.route[2], buf, sizeof(buf)), "10.9.9.9/32");
	ck_assert_uint_eq(r->lease.lease_s, 120);
	ck_assert_int_eq(r->lease.family, AF_INET);
	ck_assert_int_eq(req("lease\nreason=BOUND6\nnew_ip6_address=fd77::1db\n"
			     "new_ip6_prefixlen=128\nnew_dhcp6_name_servers=fd77::3\n"
			     "new_dhcp6_domain_search=office.test.\nnew_max_life=120",
			     r, err),
			 0);
	ck_assert(r->lease.event == LEASE_BOUND && r->lease.family == AF_INET6);
	ck_assert_uint_eq(r->lease.prefix, 128);
	ck_assert_int_eq(r->lease.dns[0].family, AF_INET6);
	ck_assert_str_eq(r->lease.search[0], "office.test");
	ck_assert_uint_eq(r->lease.lease_s, 120);
	ck_assert_int_eq(req("lease\nreason=RELEASE6", r, err), 0);
	ck_assert(r->lease.event == LEASE_GONE && r->lease.family == AF_INET6);
	ck_assert_int_eq(req("lease\nreason=DEPREF6", r, err), 0);
	ck_assert(r->lease.event == LEASE_IGNORE);
	ck_assert_int_eq(req("lease\nreason=RELEASE", r, err), 0);
	ck_assert(r->lease.event == LEASE_GONE);
	ck_assert_int_eq(req("lease\nreason=PREINIT", r, err), 0);
	ck_assert(r->lease.event == LEASE_IGNORE);
	free(r);
}
END_TEST

static void lease_refused(const char *text, const char *what)
{
	struct ctl_req *r = malloc(sizeof(*r));
	char err[256];

	ck_assert_ptr_nonnull(r);
	ck_assert_msg(req(text, r, err) == -1, "accepted %s", text);
	ck_assert_msg(strstr(err, what), "\"%s\": error \"%s\" lacks \"%s\"", text, err, what);
	free(r);
}

START_TEST(test_ctl_lease_refused)
{
	lease_refused("lease\nreason=BOUND\nnew_ip_address=10.77.0.1",
		      "without an address and netmask");
	lease_refused("lease\nnew_ip_address=10.77.0.1", "no reason");
	lease_refused("lease\nreason=EXPLODE", "unknown reason");
	lease_refused("lease\nreason=BOUND\nreason=BOUND", "repeated");
	lease_refused("lease\nreason=BOUND\nbogus=1", "unknown or repeated");
	lease_refused("lease\nreason=BOUND\nnew_ip_address=10.77.0\nnew_subnet_mask=255.0.0.0",
		      "not an IPv4 address");
	lease_refused("lease\nreason=BOUND\nnew_ip_address=10.77.0.1\nnew_subnet_mask=255.0.255.0",
		      "not contiguous");
	lease_refused(
	    "lease\nreason=RENEW\nnew_rfc3442_classless_static_routes=33 1 2 3 4 5 6 7 8 9",
	    "classless");
	lease_refused("lease\nreason=RENEW\nnew_rfc3442_classless_static_routes=24 10 88 0 10 77",
		      "classless");
	lease_refused("lease\nreason=RENEW\nnew_rfc3442_classless_static_routes=8 256 1 1 1 1",
		      "classless");
	lease_refused("lease\nreason=RENEW\nnew_domain_search=bad..name", "not a domain name");
	lease_refused("lease\nreason=RENEW\nnew_domain_name_servers=10.0.0.1 nonsense",
		      "not an IPv4 address");
	lease_refused("lease\nreason=RENEW\nno equals sign", "NAME=VALUE");
	lease_refused("lease\nreason=BOUND6\nnew_ip6_address=fd77::1", "without an address");
	lease_refused("lease\nreason=BOUND6\nnew_ip_address=10.0.0.1\nnew_subnet_mask=255.0.0.0",
		      "without an address");
	lease_refused("lease\nreason=BOUND6\nnew_ip6_address=10.0.0.1\nnew_ip6_prefixlen=64",
		      "not an IPv6 address");
	lease_refused("lease\nreason=BOUND6\nnew_ip6_address=fd77::1\nnew_ip6_prefixlen=129",
		      "new_ip6_prefixlen");
}
END_TEST

START_TEST(test_resolv_compose)
{
	struct resolver_set d = {.ndns = 2, .nsearch = 1};
	char out[1024];

	d.dns[0].family = AF_INET;
	inet_pton(AF_INET, "10.77.0.3", d.dns[0].addr);
	d.dns[1].family = AF_INET6;
	inet_pton(AF_INET6, "fd77::3", d.dns[1].addr);
	snprintf(d.search[0], sizeof(d.search[0]), "office.test");
	ck_assert_int_gt(resolver_compose("# host\nnameserver 192.0.2.53\nsearch home.test\n"
					  "options edns0\ndomain old.test",
					  "c1", &d, out, sizeof(out)),
			 0);
	ck_assert_str_eq(out, "# vpnclient c1: added here, removed when it stops\n"
			      "nameserver 10.77.0.3\nnameserver fd77::3\n"
			      "search office.test home.test old.test\n"
			      "# host\nnameserver 192.0.2.53\noptions edns0\n");
	ck_assert_int_eq(resolver_compose("nameserver 192.0.2.53\n", "c1", &d, out, 40), -1);
}
END_TEST

START_TEST(test_profile_names)
{
	char name[64], err[256], path[108];

	ck_assert_int_eq(control_profile_name("/etc/vpnclient/office.conf", name, sizeof(name), err,
					      sizeof(err)),
			 0);
	ck_assert_str_eq(name, "office");
	ck_assert_int_eq(control_profile_name("lab-2@home", name, sizeof(name), err, sizeof(err)),
			 0);
	ck_assert_str_eq(name, "lab-2@home");
	ck_assert_int_eq(control_profile_name(".conf", name, sizeof(name), err, sizeof(err)), -1);
	ck_assert_int_eq(control_profile_name(".hidden", name, sizeof(name), err, sizeof(err)), -1);
	ck_assert_int_eq(control_profile_name("a b", name, sizeof(name), err, sizeof(err)), -1);
	ck_assert_int_eq(control_profile_name("x/", name, sizeof(name), err, sizeof(err)), -1);
	ck_assert_int_eq(
	    control_path("/run/vpnclient", "office", path, sizeof(path), err, sizeof(err)), 0);
	ck_assert_str_eq(path, "/run/vpnclient/office.sock");
	ck_assert_int_eq(control_path("/a/very/long/run/directory/that/does/not/fit/in/a/unix/"
				      "socket/address/at/all/really",
				      "office-profile-name", path, sizeof(path), err, sizeof(err)),
			 -1);
}
END_TEST

Suite *netcfg_suite(void)
{
	Suite *s = suite_create("netcfg");
	TCase *tc = tcase_create("netcfg");

	tcase_add_test(tc, test_keys_parsed);
	tcase_add_test(tc, test_keys_refused);
	tcase_add_test(tc, test_domains_and_cover);
	tcase_add_test(tc, test_ctl_commands);
	tcase_add_test(tc, test_ctl_lease);
	tcase_add_test(tc, test_ctl_lease_refused);
	tcase_add_test(tc, test_resolv_compose);
	tcase_add_test(tc, test_profile_names);
	suite_add_tcase(s, tc);
	return s;
}
