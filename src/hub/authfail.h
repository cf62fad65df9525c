/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Failed password logins in the log, per source (IPv4 address or IPv6 /64)
 * and hub: the first failure of an episode is logged on its own line as it
 * happens; the ones after it are counted, with the user names tried, and
 * summed up in one line a minute while they go on, and one when the source
 * has been quiet for AUTHFAIL_QUIET_MS.  A fixed table: a source that finds
 * no free slot pushes out the stalest, whose summary is written first.
 */
#ifndef VPN_AUTHFAIL_H
#define VPN_AUTHFAIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto.h"

#define AUTHFAIL_SLOTS 64
#define AUTHFAIL_NAMES 4	   /* user names kept per summary; the rest are counted */
#define AUTHFAIL_QUIET_MS 10000	   /* a source quiet this long ends its episode */
#define AUTHFAIL_INTERVAL_MS 60000 /* a summary at least this often while it goes on */

struct hublog;

struct authfail_entry {
	uint8_t key[16];
	bool used;
	char source[64]; /* the address as logged */
	char hub[PROTO_NAME_MAX + 1];
	struct hublog *log; /* the hub's security log (lives until exit); NULL: none */
	uint64_t count;	    /* failures since the last line about this source */
	uint64_t total;	    /* in this episode */
	uint64_t first_ms, last_ms, reported_ms;
	char names[AUTHFAIL_NAMES][PROTO_NAME_MAX + 1];
	unsigned nnames;
	uint64_t other_names; /* failures for names past the ones kept */
};

struct authfail {
	pthread_mutex_t lock;
	struct authfail_entry slots[AUTHFAIL_SLOTS];
};

void authfail_init(struct authfail *af);
void authfail_destroy(struct authfail *af);
/*
 * A failed login for user at hub (log: its security log) from the source
 * key; true when it is the first of an episode, which the caller logs in full.
 */
bool authfail_note(struct authfail *af, const uint8_t key[16], const char *hub, struct hublog *log,
		   const char *user, uint64_t now_ms);
/* The summary lines that are due (the accept thread, about twice a second). */
void authfail_report(struct authfail *af, uint64_t now_ms);

#endif
