/* SPDX-License-Identifier: GPL-2.0 */
/* The few kernel API differences between Linux 6.1 and later kernels. */
#ifndef VPNLAN_COMPAT_H
#define VPNLAN_COMPAT_H

#include <linux/eventfd.h>

/*
 * 6.8 (commit 3652117f8548) dropped eventfd_signal()'s count argument.
 * Kbuild defines VPNLAN_EVENTFD_SIGNAL_NO_COUNT when the headers built
 * against declare the one-argument form (a feature test, not a version
 * number, so a distribution's backport is followed too).
 */
#ifdef VPNLAN_EVENTFD_SIGNAL_NO_COUNT
#define vpnlan_eventfd_signal(ctx) eventfd_signal(ctx)
#else
#define vpnlan_eventfd_signal(ctx) eventfd_signal((ctx), 1)
#endif

#endif
