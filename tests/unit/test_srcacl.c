// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source-IP access list: the list SoftEther 5.01 wrote (tests/data/migrate),
 * first match by priority, single hosts, masks as prefix or dotted, IPv6,
 * IPv4-mapped clients, no match admits, malformed entries refused.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "srcacl.h"
#include "suites.h"

static char err[512];

static struct sockaddr_storage addr(const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, text, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, text, &s4->sin_addr), 1);
	}
	return ss;
}

static bool admits(const struct srcacl_entry *e, size_t n, const char *text)
{
	struct sockaddr_storage ss = addr(text);

	return srcacl_admits(e, n, (struct sockaddr *)&ss);
}

static struct cfg_folder *db_of(const char *text)
{
	struct cfg_folder *root;

	ck_assert_msg(cfg_read_text(text, strlen(text), "t.cfg", &root, err, sizeof(err)) == 0,
		      "%s", err);
	return root;
}

START_TEST(test_softether_list)
{
	char path[4096];
	const char *slash = strrchr(__FILE__, '/');
	struct cfg_folder *root, *db;
	struct srcacl_entry *e;
	size_t n;
	char text[80];

	snprintf(path, sizeof(path), "%.*s/../data/migrate/vpn_server.config",
		 slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".");
	if (access(path, R_OK) != 0)
		snprintf(path, sizeof(path), "tests/data/migrate/vpn_server.config");
	ck_assert_msg(cfg_read_file(path, &root, err, sizeof(err)) == 0, "%s", err);
	db = cfg_find_folder(
		 cfg_find_folder(cfg_find_folder(cfg_find_folder(root, "VirtualHUB"), "MIGRATE"),
				 "SecurityAccountDatabase"),
		 "IPAccessControlList")
		 ->parent;
	ck_assert_int_eq(srcacl_load(db, &e, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 4);
	/* priority order; single host without NetMask; dotted and v6 masks */
	ck_assert_uint_eq(e[0].priority, 5);
	ck_assert(!e[0].deny);
	srcacl_format(&e[0], text, sizeof(text));
	ck_assert_str_eq(text, "10.199.1.2");
	srcacl_format(&e[1], text, sizeof(text));
	ck_assert_str_eq(text, "10.199.1.0/24");
	srcacl_format(&e[2], text, sizeof(text));
	ck_assert_str_eq(text, "10.199.2.0/24");
	srcacl_format(&e[3], text, sizeof(text));
	ck_assert_str_eq(text, "2001:db8::/32");
	/* first match decides: the host allowed before its network is denied */
	ck_assert(admits(e, n, "10.199.1.2"));
	ck_assert(!admits(e, n, "10.199.1.3"));
	ck_assert(!admits(e, n, "10.199.2.2"));
	ck_assert(!admits(e, n, "::ffff:10.199.2.2")); /* a dual-stack listener's view */
	ck_assert(admits(e, n, "::ffff:10.199.1.2"));
	ck_assert(!admits(e, n, "2001:db8:1::5"));
	ck_assert(admits(e, n, "2001:db9::5"));
	ck_assert(admits(e, n, "10.199.3.2")); /* no match admits */
	ck_assert_uint_eq(
	    srcacl_match(
		e, n, (struct sockaddr *)&(struct sockaddr_storage){.ss_family = AF_UNIX}) == NULL,
	    1);
	free(e);
	cfg_free(root);
}
END_TEST

START_TEST(test_priority_ties_and_masks)
{
	struct cfg_folder *root =
	    db_of("declare root\n{\ndeclare IPAccessControlList\n{\n"
		  "declare Acl10\n{\nbool Deny true\nstring IpAddress 0.0.0.0\nstring NetMask 0\n"
		  "uint Priority 7\n}\n"
		  "declare Acl2\n{\nbool Deny false\nstring IpAddress 192.0.2.0\nstring NetMask "
		  "255.255.255.128\nuint Priority 7\n}\n"
		  "declare Acl3\n{\nbool Deny true\nstring IpAddress 192.0.2.77\nstring NetMask "
		  "255.0.255.255\nuint Priority 1\n}\n"
		  "declare Acl4\n{\nbool Deny false\nstring IpAddress fd00::1\nuint Priority 9\n}\n"
		  "}\n}\n");
	struct srcacl_entry *e;
	size_t n;
	char text[80];

	ck_assert_int_eq(srcacl_load(root, &e, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 4);
	/* equal priorities in Acl number order (2 before 10, not as text) */
	ck_assert_uint_eq(e[1].number, 2);
	ck_assert_uint_eq(e[2].number, 10);
	srcacl_format(&e[0], text, sizeof(text));
	ck_assert_str_eq(text, "192.0.2.77/255.0.255.255"); /* not a prefix */
	ck_assert(!admits(e, n, "192.5.2.77"));		    /* Acl3's odd mask */
	ck_assert(admits(e, n, "192.0.2.100"));		    /* Acl2 */
	ck_assert(!admits(e, n, "192.0.2.200"));	    /* Acl10: everything */
	ck_assert(!admits(e, n, "198.51.100.1"));
	ck_assert(admits(e, n, "fd00::1"));
	ck_assert(admits(e, n, "fd00::2")); /* IPv4 "deny all" does not see IPv6 */
	free(e);
	cfg_free(root);
}
END_TEST

START_TEST(test_bad_entries)
{
	static const char *const bad[] = {
	    "string IpAddress 10.0.0.256\n",
	    "string IpAddress 10.0.0.0\nstring NetMask 33\n",
	    "string IpAddress 10.0.0.0\nstring NetMask ffff::\n",
	    "string IpAddress fd00::\nstring NetMask 255.0.0.0\n",
	    "string IpAddress fd00::\nstring NetMask 129\n",
	    "string NetMask 8\n",
	    "uint IpAddress 5\n",
	};
	char text[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_folder *root;
		struct srcacl_entry *e;
		size_t n;

		snprintf(
		    text, sizeof(text),
		    "declare root\n{\ndeclare IPAccessControlList\n{\ndeclare Acl1\n{\n%s}\n}\n}\n",
		    bad[i]);
		root = db_of(text);
		ck_assert_msg(srcacl_load(root, &e, &n, err, sizeof(err)) == -1, "%s", bad[i]);
		ck_assert_ptr_null(e);
		ck_assert_ptr_nonnull(strstr(err, "t.cfg:"));
		cfg_free(root);
	}
}
END_TEST

START_TEST(test_parse)
{
	struct srcacl_entry e;
	char text[80];

	ck_assert_int_eq(srcacl_parse("10.1.2.3/8", &e), 0);
	srcacl_format(&e, text, sizeof(text));
	ck_assert_str_eq(text, "10.0.0.0/8"); /* host bits cleared */
	ck_assert_int_eq(srcacl_parse("2001:db8::1/128", &e), 0);
	srcacl_format(&e, text, sizeof(text));
	ck_assert_str_eq(text, "2001:db8::1");
	ck_assert_int_eq(srcacl_parse("::/0", &e), 0);
	srcacl_format(&e, text, sizeof(text));
	ck_assert_str_eq(text, "::/0");
	ck_assert_int_eq(srcacl_parse("10.0.0.0/", &e), -1);
	ck_assert_int_eq(srcacl_parse("host.example", &e), -1);
	ck_assert_int_eq(srcacl_parse("10.0.0.0/8x", &e), -1);
}
END_TEST

Suite *srcacl_suite(void)
{
	Suite *s = suite_create("srcacl");
	TCase *tc = tcase_create("list");

	tcase_add_test(tc, test_softether_list);
	tcase_add_test(tc, test_priority_ties_and_masks);
	tcase_add_test(tc, test_bad_entries);
	tcase_add_test(tc, test_parse);
	suite_add_tcase(s, tc);
	return s;
}
