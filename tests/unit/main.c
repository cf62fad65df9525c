// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit test runner: every suite in one SRunner, each test in its own process
 * (CK_FORK unless CK_FORK=no is set), check's summary line on stdout, and a
 * non-zero exit status if any test failed.
 */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
	    proto_suite,     auth_suite,     vnet_suite,	 mactable_suite,   queue_suite,
	    kvconf_suite,    profile_suite,  config_suite,	 tls_suite,	   cfg_suite,
	    packet_suite,    firewall_suite, acl_suite,		 log_suite,	   admin_suite,
	    admin_cmd_suite, ring_suite,     ring_backend_suite, congestion_suite, storm_suite,
	    proxy_suite,     netcfg_suite,   srcacl_suite,	 certauth_suite,   backoff_suite,
	    sewire_suite,    segment_suite,  loopguard_suite,
	};
	SRunner *sr = srunner_create(NULL);
	int failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
