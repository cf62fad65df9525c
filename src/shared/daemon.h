/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What both daemons do to be good services: detach (--daemon), a pid file,
 * the systemd notification protocol, and dropping root for a service user
 * with libcap, keeping only the capabilities named.  The notification
 * protocol is a datagram to $NOTIFY_SOCKET, done here in a few lines rather
 * than by linking libsystemd (sd_notify(3) documents the protocol as stable).
 */
#ifndef VPN_DAEMON_H
#define VPN_DAEMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/capability.h>

/* The options both daemons share: --user, --pidfile, --daemon, --foreground, -v. */
struct daemon_opts {
	const char *user;
	const char *pidfile;
	bool daemonize;
	int verbosity;
};

#define DAEMON_SHORTOPTS "u:p:dfv"
#define DAEMON_LONGOPTS                                                                            \
	{"user", required_argument, NULL, 'u'}, {"pidfile", required_argument, NULL, 'p'},         \
	    {"daemon", no_argument, NULL, 'd'}, {"foreground", no_argument, NULL, 'f'},            \
	{                                                                                          \
		"verbose", no_argument, NULL, 'v'                                                  \
	}

/* Takes getopt's option c if it is one of the shared ones; true if it was. */
bool daemon_opt(struct daemon_opts *o, int c, const char *arg);

/*
 * Keeps freed heap memory for reuse (the data path allocates frames all the
 * time), detaches if asked, then writes the pid file if asked (removed again
 * by atexit); 0, or -1 with a message.
 */
int daemon_begin(const struct daemon_opts *o, char *err, size_t errlen);

/*
 * Forks into the background (setsid, stdio to /dev/null; the working
 * directory stays, so relative paths keep their meaning); 0 in the child.
 */
int daemon_detach(char *err, size_t errlen);

/* Writes our PID to path (mode 0644); 0 or -1. */
int daemon_pidfile_write(const char *path, char *err, size_t errlen);

/* Sends a state string ("READY=1", "STOPPING=1", ...) if $NOTIFY_SOCKET is set. */
void daemon_notify(const char *state);
/* Sends WATCHDOG=1 if the watchdog is on and half its period has passed. */
void daemon_watchdog_kick(void);
/* Half the watchdog period in ms (how often to wake for a kick), or 0 when off. */
int daemon_watchdog_interval_ms(void);

/*
 * Switches to user (its uid, primary gid, no supplementary groups), keeps
 * only keep[0..n) as permitted and effective capabilities, empties the
 * bounding set of the rest and sets no_new_privs.  Call while single-
 * threaded: capabilities are per thread.  0, or -1 with a message.
 */
int daemon_drop_privileges(const char *user, const cap_value_t *keep, int n, char *err,
			   size_t errlen);

#endif
