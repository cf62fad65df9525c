/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers of the in-guest vpnlan test: one interface behind its rings, netns, counters. */
#ifndef VPN_KMOD_GUEST_UTIL_H
#define VPN_KMOD_GUEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ring.h"

struct lan {
	int fd, efd, nsfd;
	void *map;
	size_t map_size;
	struct vpnlan_setup s;
	struct ring tx, rx; /* tx: stack -> us, rx: us -> stack */
};

/* Creates an interface in the current netns with the given geometry; 0 or -errno. */
int lan_create(struct lan *l, const char *name, uint32_t nslots, uint32_t slot_size);
void lan_close(struct lan *l);
int lan_kick(struct lan *l);
int lan_carrier(struct lan *l, bool up);

/* IPv4 address, netmask /24, up; in the current netns. 0 or -1. */
int if_setup(const char *name, const char *ip);
/* An ethtool counter of the interface in the current netns, or -1. */
int64_t if_counter(const char *name, const char *counter);

int ns_enter(int nsfd);
int ns_current(void);
/* Runs argv in nsfd (fork, setns, exec); the exit status, or -1. */
int ns_run(int nsfd, char *const argv[]);

extern int test_failures;
void report(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
