/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Child processes for network setup (ip, the DHCP client, resolver
 * managers, hooks): fork and execve with exactly the environment given
 * (never ours), stdin from a string or /dev/null, stdout captured or
 * discarded, bounded in time.  Safe to call from any thread: the child
 * only makes async-signal-safe calls before execve.
 */
#ifndef VPN_SPAWN_H
#define VPN_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SPAWN_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct spawn_io {
	const char *in; /* written to the child's stdin, or NULL for /dev/null */
	char *out;	/* stdout (and stderr) captured here, NUL-terminated, or NULL */
	size_t outlen;
	int timeout_ms; /* then SIGKILL */
};

/*
 * Runs argv[0] (an absolute path) with envp and waits; the exit status
 * (0-255), or -1 with errno (ETIMEDOUT after the kill).
 */
int spawn_run(char *const argv[], char *const envp[], struct spawn_io *io);
/* Starts a long-running child that gets SIGTERM when this process dies; pid or -1. */
pid_t spawn_start(char *const argv[], char *const envp[]);
/* SIGTERM, up to timeout_ms for the exit, then SIGKILL; reaps it. */
void spawn_stop(pid_t pid, int timeout_ms);
/* The first of /usr/sbin, /usr/bin, /sbin, /bin holding an executable name; NULL if none. */
const char *spawn_find(const char *name, char *buf, size_t len);

#endif
