/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a session's own TCP connection delivers, from the kernel's rate
 * samples (TCP_INFO's delivery rate): the hold mark of the session's send
 * queue follows it (congestion.h, cong_hold_mark).
 */
#ifndef VPN_HUB_LINKRATE_H
#define VPN_HUB_LINKRATE_H

#include <stdint.h>

/*
 * The connection's latest delivery rate in bytes/s (0: none yet).  A sample
 * taken while the sender had too little to send is a lower bound of what the
 * path carries, so callers keep the largest recent one.
 */
uint64_t linkrate_sample(int fd);

#endif
