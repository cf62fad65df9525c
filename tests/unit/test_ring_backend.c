// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The client's choice of device backend: "backend = kmod" parses, and
 * without the vpnlan module (never loaded on the build machines) opening it
 * fails with a message that says what is missing and what to do instead.
 */
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "suites.h"
#include "vif.h"
#include "vpnlan_abi.h"

static const char PROFILE_KMOD[] = "server = vpn.example.com\n"
				   "hub = DEFAULT\n"
				   "user = alice\n"
				   "password = secret\n"
				   "verify = none\n"
				   "backend = kmod\n";

START_TEST(test_backend_kmod_parses)
{
	static struct profile p;
	char err[256] = "";

	ck_assert_int_eq(
	    profile_parse(PROFILE_KMOD, strlen(PROFILE_KMOD), "k.conf", &p, err, sizeof(err)), 0);
	ck_assert_int_eq(p.backend, BACKEND_KMOD);
}
END_TEST

START_TEST(test_kmod_missing_fails_clearly)
{
	static struct profile p;
	struct vif v;
	char err[256] = "";

	ck_assert_int_eq(access(VPNLAN_DEVICE, F_OK), -1); /* no module on this machine */
	ck_assert_int_eq(
	    profile_parse(PROFILE_KMOD, strlen(PROFILE_KMOD), "k.conf", &p, err, sizeof(err)), 0);
	ck_assert_int_eq(vif_open(&v, &p, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cannot open /dev/vpnlan") != NULL, "error \"%s\"", err);
	ck_assert_msg(strstr(err, "vpnlan module") != NULL, "error \"%s\"", err);
	ck_assert_ptr_null(v.vpnlan); /* nothing left behind */
	ck_assert_int_eq(v.fd, -1);
}
END_TEST

Suite *ring_backend_suite(void)
{
	Suite *s = suite_create("ring_backend");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_backend_kmod_parses);
	tcase_add_test(tc, test_kmod_missing_fails_clearly);
	suite_add_tcase(s, tc);
	return s;
}
