/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hub for the unit tests that push frames through the real switching path
 * (test_firewall.c, test_loopguard.c): its MAC table, firewall and lock,
 * without a server, listener or session threads.
 */
#ifndef VPN_TEST_HUB_H
#define VPN_TEST_HUB_H

#include "hub.h"

/* A hub named after ch->name, its firewall set up from ch. */
struct hub *testhub_new(const struct conf_hub *ch);
/* Detaches s from its hub and frees it with its queue. */
void testhub_leave(struct session *s);
void testhub_free(struct hub *h);

#endif
