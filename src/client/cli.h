/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The commands that talk to running profiles over their control sockets:
 * "vpnclient status [PROFILE] [--json]", "list [--json]" and
 * "disconnect PROFILE".  Each returns the process exit status.
 */
#ifndef VPN_CLI_H
#define VPN_CLI_H

#include <stdbool.h>

/* One profile (a name or a profile path), or every running one when profile is NULL. */
int cli_status(const char *rundir, const char *profile, bool json);
int cli_list(const char *rundir, bool json);
/* Asks the profile to stop and waits (up to 60 s) until it has undone its setup. */
int cli_disconnect(const char *rundir, const char *profile);

#endif
