/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hub's logs on top of the logger thread (logger.h): per virtual hub a
 * packet log (LOGDIR/<hub>/packet.log, pktlog.h) and a security log
 * (LOGDIR/<hub>/security.log), and the server log (LOGDIR/server.log, a copy
 * of every daemon log line).  With Vpnhub/LogToStderr the server and
 * security logs go to stderr (the journal under systemd) and no file is
 * written for them.  One logger for the process, like log.c.
 *
 * The calls from the rest of the hub are one line each: hublog_batch_* on
 * the forwarding path (never blocks), hublog_security / hublog_session for
 * events, hublog_configure on start and reload, hublog_reopen on SIGHUP.
 */
#ifndef VPN_HUBLOG_H
#define VPN_HUBLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "packet.h"
#include "pktlog.h"

struct hublog;
struct session;

/* Starts the logger thread and the server log; 0, or -1 with a message. */
int hublog_start(const struct hub_config *cfg, char *err, size_t errlen);
/* Flushes everything and stops the thread (after the sessions are gone). */
void hublog_stop(void);
/* Hands the log directories and files made so far to the service user (--user). */
void hublog_chown(uid_t uid, gid_t gid);
/* Reopens every log file at the logger's next pass (SIGHUP, logrotate). */
void hublog_reopen(void);

/* A hub's logs, created on first use; lives until hublog_stop.  NULL if out of memory. */
struct hublog *hublog_new(const char *hub_name);
void hublog_free(struct hublog *hl);
/* Settings from a snapshot (start and every reload); creates the directory and files' streams. */
void hublog_configure(struct hublog *hl, const struct hub_config *cfg, const struct conf_hub *ch);

/*
 * The forwarding path logs a chunk of frames from one source at a time:
 * hublog_batch_begin (false: the packet log is off, skip the rest),
 * hublog_batch_note for each frame switched, under the hub lock (dst NULL:
 * flooded; it copies the destination's name, and nothing if the frame's
 * classes are not logged), then hublog_batch_end after the lock, which
 * queues the records, one lock and one timestamp for the chunk; it never
 * blocks.  The frames and their parse results must live until then.
 */
#define HUBLOG_BATCH_MAX 16
struct hublog_batch {
	struct log_stream *ls;
	uint32_t level[LOG_CLASSES];
	bool full; /* the queue was full at the start: count the chunk's records as dropped */
	unsigned n, lost; /* records in f; records dropped because full */
	struct pktlog_frame f[HUBLOG_BATCH_MAX];
};
struct pkt;
bool hublog_batch_begin(struct hublog_batch *b, struct hublog *hl);
void hublog_batch_note(struct hublog_batch *b, const struct session *dst, const struct pkt_info *pi,
		       const struct pkt *p);
void hublog_batch_end(struct hublog_batch *b, const struct session *src);

/* Security log: a MAC address now reached through another session. */
void hublog_mac_moved(struct hublog *hl, const uint8_t mac[6], uint16_t vlan,
		      const struct session *to);

/* A security log line for the hub (hl NULL: the server log only). */
void hublog_security(struct hublog *hl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * A security log line about a session in the log hl of its hub (NULL before
 * the login picked one: the server log only): "session 7 (alice) from
 * 10.0.0.2:5000: <text>".
 */
void hublog_session(struct hublog *hl, const struct session *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A hub's log records so far: written (rendered into the file's buffer) and dropped (queue full).
 */
struct hublog_counts {
	uint64_t packet_written, packet_dropped, security_written, security_dropped;
};
void hublog_counts(const struct hublog *hl, struct hublog_counts *c);

#endif
