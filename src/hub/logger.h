/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The log writer: one thread for every log of the server (packet, security
 * and server logs), each log a stream with a bounded record queue, its own
 * write buffer and its file (shared/logfile.h).  Producers (session threads
 * on the forwarding path) only copy a record into the queue: when the queue
 * is full the record is dropped and counted, never waited for.  The thread
 * renders records into the buffer and writes it when it is large or every
 * LOGGER_FLUSH_MS; write errors are reported once, retried, and the drop
 * count is reported when the pressure ends.
 *
 * Ownership: a stream lives until logger_free; producers may use it from any
 * thread.  The thread is the only one touching a stream's buffer and file.
 */
#ifndef VPN_LOGGER_H
#define VPN_LOGGER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "logfile.h"

#define LOGGER_FLUSH_MS 200	      /* buffered lines reach the file within this */
#define LOGGER_QUEUE_BYTES (4u << 20) /* per stream: bounded memory, ~25,000 full records */
#define LOGGER_BUF_BYTES (256u << 10) /* per stream write buffer */
#define LOGGER_LINE_MAX 8192	      /* the longest line a renderer may produce */
#define LOGGER_TEXT_MAX 1024	      /* security and server log messages */

struct logger;
struct log_stream;

/* A queued record as the renderer sees it. */
struct log_rec {
	uint32_t len;	    /* header + payload, 8-aligned; internal */
	uint32_t paylen;    /* payload bytes */
	struct timespec ts; /* CLOCK_REALTIME when queued */
	unsigned char payload[];
};

/*
 * Turns one record into text at out (at most LOGGER_LINE_MAX bytes, newline
 * included); returns the length.  Runs on the logger thread only.
 */
typedef size_t (*log_render_fn)(const struct log_rec *r, char *out);

/* Starts the thread; NULL when out of memory or threads. */
struct logger *logger_new(void);
/* Flushes every stream, stops the thread, frees every stream. */
void logger_free(struct logger *lg);

/*
 * A new stream writing DIR/BASE.log; name is how messages about it refer to
 * it ("hub DEFAULT packet log").  NULL on a bad name or out of memory.
 */
struct log_stream *logger_add(struct logger *lg, const char *name, const char *dir,
			      const char *base, const struct logfile_opts *opt,
			      log_render_fn render);
/* New rotation and retention settings; applied by the thread at its next pass. */
void log_stream_set_opts(struct log_stream *ls, const struct logfile_opts *opt);
/* Reopens every file at the next pass (SIGHUP, for logrotate users). */
void logger_reopen(struct logger *lg);

/*
 * Producers queue records in batches that share one lock and one timestamp:
 * log_batch_begin locks the queue and reads the clock, log_batch_add
 * reserves one record's payload to fill (NULL, and one more drop counted,
 * when the queue is full), log_batch_end unlocks and wakes the thread if the
 * queue is filling.  Nothing in between may block.
 */
struct log_batch {
	struct log_stream *ls;
	struct timespec ts; /* CLOCK_REALTIME at log_batch_begin */
	uint64_t tail;	    /* the queue's tail then */
	bool wake;
};
void log_batch_begin(struct log_batch *b, struct log_stream *ls);
void *log_batch_add(struct log_batch *b, size_t paylen);
void log_batch_end(struct log_batch *b);

/* A text line for a security or server log (rendered by log_render_text). */
void log_stream_printf(struct log_stream *ls, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_stream_vprintf(struct log_stream *ls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* "2025-01-15T09:12:01.002+0100 <text>\n" */
size_t log_render_text(const struct log_rec *r, char *out);

/*
 * Whether the queue has less than bytes of room (a hint, without the lock), and
 * counting n records the caller dropped on that account: a producer with many
 * records skips the copying when they cannot fit anyway.
 */
bool log_stream_full(struct log_stream *ls, size_t bytes);
void log_stream_count_dropped(struct log_stream *ls, uint64_t n);

/* Records dropped so far because the queue was full. */
uint64_t log_stream_dropped(struct log_stream *ls);
/* Records rendered into the file's buffer so far (updated after each pass). */
uint64_t log_stream_written(struct log_stream *ls);

#endif
