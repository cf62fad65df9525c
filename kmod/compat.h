/* SPDX-License-Identifier: GPL-2.0 */
/* The few kernel API differences between Linux 6.1 and later kernels. */
#ifndef VPNLAN_COMPAT_H
#define VPNLAN_COMPAT_H

#include <linux/eventfd.h>
#include <linux/version.h>

/* 6.8 (commit 3652117f8548) dropped eventfd_signal()'s count argument */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
#define vpnlan_eventfd_signal(ctx) eventfd_signal((ctx), 1)
#else
#define vpnlan_eventfd_signal(ctx) eventfd_signal(ctx)
#endif

#endif
