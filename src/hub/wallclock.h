/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hub's idea of the date and time, for decisions made by the calendar:
 * account expiry (ExpireTime) and certificate validity dates.  Timers use
 * the monotonic clock (hub_now_ms) and never this one.
 *
 * Test clock: vpnhub --test-clock FILE makes the hub read the time from FILE
 * (decimal Unix milliseconds, re-read at every decision) so a test can put
 * the clock on either side of an expiry.  Only the command line enables it,
 * never the environment, and the hub warns about it at start-up.  It grants
 * nothing: whoever chooses the hub's command line can edit ExpireTime in its
 * configuration just as well.
 */
#ifndef VPN_HUB_WALLCLOCK_H
#define VPN_HUB_WALLCLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Enables the test clock; 0, or -1 if path is unusable (then nothing changes). */
int wallclock_use_file(const char *path);
bool wallclock_is_test(void);
/* Unix milliseconds; the test clock when enabled (a bad file reads as the real time). */
uint64_t wallclock_ms(void);

#endif
