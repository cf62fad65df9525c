/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Daemon logging in the OpenBSD style: log_warn appends strerror(errno),
 * log_warnx does not; fatal/fatalx log and exit.  Lines go to stderr with a
 * level prefix (under systemd, JOURNAL_STREAM set, lines carry "<N>" priority prefixes).
 * Thread-safe: one write(2) per line.  Never call from the per-frame path.
 */
#ifndef VPN_LOG_H
#define VPN_LOG_H

#include <stdbool.h>
#include <stddef.h>

void log_init(const char *progname, int verbosity);
void log_set_verbosity(int verbosity);
/* From now on, to syslog(3) (daemon facility): for --daemon, where stderr is gone. */
void log_use_syslog(void);
/*
 * Also hands every line to sink (level prefix such as "warning: " or "", and
 * the text without time stamp or newline), e.g. for a server log file; NULL
 * stops.  sink must not block.
 */
typedef void (*log_sink_fn)(const char *level, const char *msg, size_t len);
void log_set_sink(log_sink_fn sink);
/*
 * Copies src into dst (cap bytes, NUL-terminated), escaping control characters
 * as \xNN and C1 controls and bidi/direction marks as \uNNNN; returns the length.
 */
size_t log_sanitize(char *dst, size_t cap, const char *src, size_t len);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
