/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The unit test suites, one per module under test (test_<module>.c), run
 * together by main.c.
 */
#ifndef VPN_TEST_SUITES_H
#define VPN_TEST_SUITES_H

#include <check.h>

Suite *proto_suite(void);
Suite *auth_suite(void);
Suite *vnet_suite(void);
Suite *mactable_suite(void);
Suite *queue_suite(void);
Suite *kvconf_suite(void);
Suite *profile_suite(void);
Suite *config_suite(void);
Suite *tls_suite(void);
Suite *cfg_suite(void);
Suite *congestion_suite(void);
Suite *storm_suite(void);
Suite *loopguard_suite(void);
Suite *firewall_suite(void);
Suite *log_suite(void);
Suite *packet_suite(void);
Suite *acl_suite(void);
Suite *admin_suite(void);
Suite *admin_cmd_suite(void);
Suite *ring_suite(void);
Suite *ring_backend_suite(void);
Suite *proxy_suite(void);
Suite *netcfg_suite(void);
Suite *srcacl_suite(void);
Suite *certauth_suite(void);
Suite *backoff_suite(void);
Suite *sewire_suite(void);
Suite *segment_suite(void);

#endif
