/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hub's logs on top of the logger thread (logger.h): per virtual hub a
 * packet log (LOGDIR/<hub>/packet.log, pktlog.h) and a security log
 * (LOGDIR/<hub>/security.log), and the server log (LOGDIR/server.log, a copy
 * of every daemon log line).  With Vpnhub/LogToStderr the server and
 * security logs go to stderr (the journal under systemd) and no file is
 * written for them.  One logger for the process, like log.c.
 *
 * The calls from the rest of the hub are one line each: hublog_packet on
 * the forwarding path (never blocks), hublog_security / hublog_session for
 * events, hublog_configure on start and reload, hublog_reopen on SIGHUP.
 */
#ifndef VPN_HUBLOG_H
#define VPN_HUBLOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "packet.h"

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
 * Forwarding path: logs one frame src sent to dst (NULL: flooded) at the
 * level its classes give; copies a compact record and returns.  hl may be NULL.
 */
void hublog_packet(struct hublog *hl, const struct session *src, const struct session *dst,
		   const struct pkt_info *pi, const uint8_t *frame, size_t len);

/* hublog_packet for a queued frame (struct pkt, virtio-net header skipped). */
struct pkt;
void hublog_forwarded(struct hublog *hl, const struct session *src, const struct session *dst,
		      const struct pkt_info *pi, const struct pkt *p);
/* Security log: a MAC address now reached through another session. */
void hublog_mac_moved(struct hublog *hl, const uint8_t mac[6], uint16_t vlan,
		      const struct session *to);

/* A security log line for the hub (hl NULL: the server log only). */
void hublog_security(struct hublog *hl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A security log line about a session: "session 7 (alice) from 10.0.0.2:5000: <text>". */
void hublog_session(const struct session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A security log line for every hub (start, configuration reloads). */
struct hub_server;
void hublog_all(struct hub_server *srv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Packet and security records dropped so far because a queue was full. */
uint64_t hublog_dropped(const struct hublog *hl);

#endif
