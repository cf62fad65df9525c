// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Line logger for both daemons.  Each line is formatted into a local buffer and
 * written with one write(2) so lines from different threads never interleave.
 */
#include "log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "vpn";
static int log_verbosity;
static int log_journal;
static int log_syslog;
static _Atomic(log_sink_fn) log_sink;

void log_init(const char *progname, int verbosity)
{
	log_prog = progname;
	log_verbosity = verbosity;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

void log_use_syslog(void)
{
	openlog(log_prog, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = 1;
}

void log_set_sink(log_sink_fn sink)
{
	/* release: pairs with the acquire load in log_line */
	atomic_store_explicit(&log_sink, sink, memory_order_release);
}

void log_set_verbosity(int verbosity)
{
	log_verbosity = verbosity;
}

/* Length of the UTF-8 sequence at p that must be escaped (C1 control, bidi or
 * invisible direction mark), or 0; its code point goes to *cp. */
static size_t unsafe_utf8(const unsigned char *p, size_t len, unsigned *cp)
{
	if (len >= 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
		*cp = p[1];
		return 2;
	}
	if (len >= 2 && p[0] == 0xd8 && p[1] == 0x9c) { /* U+061C ARABIC LETTER MARK */
		*cp = 0x61c;
		return 2;
	}
	if (len >= 3 && p[0] == 0xe2 && (p[1] == 0x80 || p[1] == 0x81)) {
		*cp = 0x2000u + ((unsigned)(p[1] & 0x3f) << 6) + (p[2] & 0x3fu);
		if ((*cp >= 0x200e && *cp <= 0x200f) || (*cp >= 0x202a && *cp <= 0x202e) ||
		    (*cp >= 0x2066 && *cp <= 0x2069))
			return 3;
	}
	return 0;
}

size_t log_sanitize(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t n = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i < len && p[i];) {
		unsigned cp;
		size_t k = unsafe_utf8(p + i, len - i, &cp);
		char esc[12];
		int e = 0;

		if (k)
			e = snprintf(esc, sizeof(esc), "\\u%04X", cp);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			e = snprintf(esc, sizeof(esc), "\\x%02X", p[i]);
		if (e > 0) {
			if (n + (size_t)e >= cap)
				break;
			memcpy(dst + n, esc, (size_t)e);
			n += (size_t)e;
			i += k ? k : 1;
			continue;
		}
		if (n + 1 >= cap)
			break;
		dst[n++] = (char)p[i++];
	}
	dst[n] = '\0';
	return n;
}

__attribute__((format(printf, 4, 0))) static void log_line(int prio, const char *level, int err,
							   const char *fmt, va_list ap)
{
	/* acquire: pairs with the release store in log_set_sink */
	log_sink_fn sink = atomic_load_explicit(&log_sink, memory_order_acquire);
	char line[1024], raw[1024];
	size_t n = 0, pre;

	/* names and text from the network reach here: escape what could forge or hide */
	vsnprintf(raw, sizeof(raw), fmt, ap);
	if (log_syslog) {
		n = (size_t)snprintf(line, sizeof(line), "%s", level);
		log_sanitize(line + n, sizeof(line) - n, raw, strlen(raw));
		if (err)
			syslog(prio, "%s: %s", line, strerror(err));
		else
			syslog(prio, "%s", line);
		if (sink)
			sink("", line, strlen(line));
		return;
	}
	if (log_journal) {
		n = (size_t)snprintf(line, sizeof(line), "<%d>", prio);
	} else {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S%z ", &tm);
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s[%d]: %s", log_prog,
				      (int)getpid(), level);
	}
	pre = n < sizeof(line) ? n : sizeof(line); /* the text starts here */
	if (n < sizeof(line))
		n += log_sanitize(line + n, sizeof(line) - n, raw, strlen(raw));
	if (err && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, ": %s", strerror(err));
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (sink)
		sink(level, line + pre, n - pre);
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, n);
}

#define LOG_BODY(prio, level, err)                                                                 \
	do {                                                                                       \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_line(prio, level, err, fmt, ap);                                               \
		va_end(ap);                                                                        \
	} while (0)

void log_info(const char *fmt, ...)
{
	LOG_BODY(6, "", 0);
}

void log_debug(const char *fmt, ...)
{
	if (log_verbosity > 0)
		LOG_BODY(7, "debug: ", 0);
}

void log_warn(const char *fmt, ...)
{
	int err = errno;

	LOG_BODY(4, "warning: ", err);
}

void log_warnx(const char *fmt, ...)
{
	LOG_BODY(4, "warning: ", 0);
}

void fatal(const char *fmt, ...)
{
	int err = errno;

	LOG_BODY(2, "fatal: ", err);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_BODY(2, "fatal: ", 0);
	exit(1);
}
