// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The log writer thread and its streams (logger.h).  A stream's queue is a
 * byte ring of variable-length records: producers append at head under the
 * queue lock (a copy of a few hundred bytes at most, never I/O), the thread
 * reads [tail, head) without the lock and then advances tail under it, so
 * the region it reads is never written concurrently.
 */
#include "logger.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"

#define REC_ALIGN 8
#define REC_PAD 0	     /* len of a record that fills the ring's end: skip to 0 */
#define PASS_MS 100	     /* the thread's wake-up interval */
#define RETRY_MS 1000	     /* a failing file is tried again this often */
#define DROP_REPORT_MS 10000 /* ongoing drops reported this often */
#define PRUNE_MS 60000	     /* retention checked this often */
#define FLUSH_AT (LOGGER_BUF_BYTES / 2)
#define LOGGER_NICE 10 /* the thread's nice value (Linux: per thread) */

struct log_stream {
	struct log_stream *next; /* the logger's list; set before publication */
	char name[128];

	/* the queue, under lock */
	pthread_mutex_t lock;
	unsigned char *ring;
	uint64_t head, tail; /* byte counters; position = counter % LOGGER_QUEUE_BYTES */
	uint64_t dropped;
	bool kicked; /* the thread was woken for this fill; reset by the thread */
	bool has_new_opts;
	struct logfile_opts new_opts;
	struct logger *lg;

	/* the thread's own */
	log_render_fn render;
	struct logfile file;
	char *buf;
	size_t used;
	uint64_t last_flush_ms, retry_ms, last_prune_ms, drop_report_ms;
	uint64_t drops_reported, drops_seen;
	bool failing; /* the last write failed; reported once */
};

struct logger {
	pthread_t thread;
	int efd;
	_Atomic(struct log_stream *) streams; /* prepend-only until logger_free */
	atomic_bool stop, reopen;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void kick(struct logger *lg)
{
	uint64_t one = 1;

	(void)!write(lg->efd, &one, sizeof(one));
}

/* ---- producer side ---- */

void *log_stream_reserve(struct log_stream *ls, size_t paylen)
{
	size_t need = (sizeof(struct log_rec) + paylen + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1);
	struct log_rec *r;
	size_t pos, room_to_end;
	bool wake = false;

	if (need > LOGGER_QUEUE_BYTES / 4)
		return NULL;
	pthread_mutex_lock(&ls->lock);
	pos = ls->head % LOGGER_QUEUE_BYTES;
	room_to_end = LOGGER_QUEUE_BYTES - pos;
	if (room_to_end < need) { /* the record must be contiguous: pad to the start */
		if (ls->head - ls->tail + room_to_end + need > LOGGER_QUEUE_BYTES)
			goto full;
		((struct log_rec *)(ls->ring + pos))->len = REC_PAD;
		ls->head += room_to_end;
		pos = 0;
	} else if (ls->head - ls->tail + need > LOGGER_QUEUE_BYTES) {
		goto full;
	}
	r = (struct log_rec *)(ls->ring + pos);
	r->len = (uint32_t)need;
	r->paylen = (uint32_t)paylen;
	clock_gettime(CLOCK_REALTIME, &r->ts);
	ls->head += need;
	if (!ls->kicked && ls->head - ls->tail > LOGGER_QUEUE_BYTES / 2) {
		ls->kicked = true; /* half full: do not wait for the next pass */
		wake = true;
	}
	if (wake)
		kick(ls->lg); /* one write(2) per half-fill, not per record */
	return r->payload;
full:
	ls->dropped++;
	pthread_mutex_unlock(&ls->lock);
	return NULL;
}

void log_stream_commit(struct log_stream *ls)
{
	pthread_mutex_unlock(&ls->lock);
}

void log_stream_vprintf(struct log_stream *ls, const char *fmt, va_list ap)
{
	char text[LOGGER_TEXT_MAX];
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n >= sizeof(text) ? sizeof(text) - 1 : (size_t)n;
	char *p = log_stream_reserve(ls, len);

	if (!p)
		return;
	memcpy(p, text, len);
	log_stream_commit(ls);
}

void log_stream_printf(struct log_stream *ls, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_stream_vprintf(ls, fmt, ap);
	va_end(ap);
}

uint64_t log_stream_dropped(struct log_stream *ls)
{
	uint64_t d;

	pthread_mutex_lock(&ls->lock);
	d = ls->dropped;
	pthread_mutex_unlock(&ls->lock);
	return d;
}

void log_stream_set_opts(struct log_stream *ls, const struct logfile_opts *opt)
{
	pthread_mutex_lock(&ls->lock);
	ls->new_opts = *opt;
	ls->has_new_opts = true;
	pthread_mutex_unlock(&ls->lock);
}

void logger_reopen(struct logger *lg)
{
	/* release: pairs with the thread's acquire exchange in pass() */
	atomic_store_explicit(&lg->reopen, true, memory_order_release);
	kick(lg);
}

/* ---- rendering ---- */

size_t log_render_text(const struct log_rec *r, char *out)
{
	struct tm tm;
	size_t n, len = r->paylen;

	localtime_r(&r->ts.tv_sec, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(out + n, 8, ".%03ld", r->ts.tv_nsec / 1000000);
	n += strftime(out + n, 16, "%z ", &tm);
	if (len > LOGGER_LINE_MAX - n - 1)
		len = LOGGER_LINE_MAX - n - 1;
	for (size_t i = 0; i < len; i++) { /* one record, one line */
		char c = (char)r->payload[i];

		out[n++] = c == '\n' || c == '\r' ? ' ' : c;
	}
	out[n++] = '\n';
	return n;
}

/* ---- the thread ---- */

/* Writes the buffer; a failing file is retried only every RETRY_MS unless force. */
static void flush(struct log_stream *ls, uint64_t now_ms, bool force)
{
	size_t done = 0;

	if (ls->failing && now_ms < ls->retry_ms && !force)
		return;
	while (done < ls->used) {
		ssize_t n = logfile_write(&ls->file, ls->buf + done, ls->used - done, time(NULL));

		if (n <= 0) {
			if (!ls->failing)
				log_warn("%s: cannot write %s/%s.log (retrying every %d ms)",
					 ls->name, ls->file.dir, ls->file.base, RETRY_MS);
			ls->failing = true;
			ls->retry_ms = now_ms + RETRY_MS;
			logfile_close(&ls->file); /* reopened (or created anew) at the retry */
			break;
		}
		done += (size_t)n;
	}
	if (done && ls->failing && done == ls->used) {
		log_info("%s: writing again", ls->name);
		ls->failing = false;
	}
	memmove(ls->buf, ls->buf + done, ls->used - done);
	ls->used -= done;
	ls->last_flush_ms = now_ms;
}

/* Renders queued records into the buffer while it has room; returns the new tail. */
static uint64_t render_queued(struct log_stream *ls, uint64_t tail, uint64_t head, uint64_t now_ms)
{
	while (tail != head) {
		const struct log_rec *r = (const void *)(ls->ring + tail % LOGGER_QUEUE_BYTES);

		if (r->len == REC_PAD) {
			tail += LOGGER_QUEUE_BYTES - tail % LOGGER_QUEUE_BYTES;
			continue;
		}
		if (LOGGER_BUF_BYTES - ls->used < LOGGER_LINE_MAX) {
			flush(ls, now_ms, false);
			if (LOGGER_BUF_BYTES - ls->used < LOGGER_LINE_MAX)
				break; /* the file is failing: leave the rest queued */
		}
		ls->used += ls->render(r, ls->buf + ls->used);
		tail += r->len;
	}
	return tail;
}

/* Drops are told once the pressure ends, and every DROP_REPORT_MS while it lasts. */
static void report_drops(struct log_stream *ls, uint64_t dropped, uint64_t now_ms)
{
	bool ended = dropped == ls->drops_seen;

	ls->drops_seen = dropped;
	if (dropped == ls->drops_reported || (!ended && now_ms < ls->drop_report_ms))
		return;
	log_warnx("%s: %llu records dropped (queue full, the disk fell behind)%s; %llu in total",
		  ls->name, (unsigned long long)(dropped - ls->drops_reported),
		  ended ? "" : ", still dropping", (unsigned long long)dropped);
	ls->drops_reported = dropped;
	ls->drop_report_ms = now_ms + DROP_REPORT_MS;
}

static void drain(struct log_stream *ls, uint64_t now_ms, bool reopen, bool final)
{
	uint64_t head, tail, dropped;
	struct logfile_opts opt;
	bool new_opts;

	pthread_mutex_lock(&ls->lock);
	head = ls->head;
	tail = ls->tail;
	new_opts = ls->has_new_opts;
	opt = ls->new_opts;
	ls->has_new_opts = false;
	pthread_mutex_unlock(&ls->lock);
	if (new_opts)
		logfile_set_opts(&ls->file, &opt);
	if (reopen)
		logfile_reopen(&ls->file);
	tail = render_queued(ls, tail, head, now_ms);
	while (final && tail != head) { /* at exit: all of it, if the disk lets us */
		flush(ls, now_ms, true);
		if (ls->failing)
			break;
		tail = render_queued(ls, tail, head, now_ms);
	}
	pthread_mutex_lock(&ls->lock);
	ls->tail = tail;
	ls->kicked = false;
	dropped = ls->dropped;
	pthread_mutex_unlock(&ls->lock);
	if (ls->used &&
	    (final || ls->used >= FLUSH_AT || now_ms - ls->last_flush_ms >= LOGGER_FLUSH_MS))
		flush(ls, now_ms, final);
	report_drops(ls, dropped, now_ms);
	if (now_ms - ls->last_prune_ms >= PRUNE_MS) {
		ls->last_prune_ms = now_ms;
		(void)logfile_prune(&ls->file, time(NULL));
	}
}

static void pass(struct logger *lg, bool final)
{
	/* acquire: pairs with the release stores in logger_reopen and logger_add */
	bool reopen = atomic_exchange_explicit(&lg->reopen, false, memory_order_acq_rel);
	struct log_stream *ls = atomic_load_explicit(&lg->streams, memory_order_acquire);
	uint64_t now_ms = mono_ms();

	for (; ls; ls = ls->next)
		drain(ls, now_ms, reopen, final);
}

static void *logger_main(void *arg)
{
	struct logger *lg = arg;
	struct pollfd pfd = {.fd = lg->efd, .events = POLLIN};
	uint64_t v;

	/* forwarding first: when the CPU is short, the log falls behind (and drops), not frames */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), LOGGER_NICE);

	/* acquire: pairs with the release store in logger_free */
	while (!atomic_load_explicit(&lg->stop, memory_order_acquire)) {
		if (poll(&pfd, 1, PASS_MS) > 0)
			(void)!read(lg->efd, &v, sizeof(v));
		pass(lg, false);
	}
	pass(lg, true);
	return NULL;
}

struct logger *logger_new(void)
{
	struct logger *lg = calloc(1, sizeof(*lg));

	if (!lg)
		return NULL;
	lg->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (lg->efd < 0)
		goto fail_efd;
	if (pthread_create(&lg->thread, NULL, logger_main, lg) != 0)
		goto fail_thread;
	return lg;
fail_thread:
	close(lg->efd);
fail_efd:
	free(lg);
	return NULL;
}

struct log_stream *logger_add(struct logger *lg, const char *name, const char *dir,
			      const char *base, const struct logfile_opts *opt,
			      log_render_fn render)
{
	struct log_stream *ls = calloc(1, sizeof(*ls));

	if (!ls)
		return NULL;
	if (logfile_init(&ls->file, dir, base, opt) != 0)
		goto fail_name;
	ls->ring = malloc(LOGGER_QUEUE_BYTES);
	ls->buf = malloc(LOGGER_BUF_BYTES);
	if (!ls->ring || !ls->buf)
		goto fail_mem;
	snprintf(ls->name, sizeof(ls->name), "%s", name);
	pthread_mutex_init(&ls->lock, NULL);
	ls->render = render;
	ls->lg = lg;
	ls->last_flush_ms = ls->last_prune_ms = mono_ms();
	ls->next = atomic_load_explicit(&lg->streams, memory_order_relaxed);
	/* release: the thread's acquire load in pass() sees a complete stream */
	while (!atomic_compare_exchange_weak_explicit(&lg->streams, &ls->next, ls,
						      memory_order_release, memory_order_relaxed))
		;
	return ls;
fail_mem:
	free(ls->ring);
	free(ls->buf);
fail_name:
	free(ls);
	return NULL;
}

void logger_free(struct logger *lg)
{
	struct log_stream *ls, *next;

	if (!lg)
		return;
	atomic_store_explicit(&lg->stop, true, memory_order_release);
	kick(lg);
	pthread_join(lg->thread, NULL);
	for (ls = atomic_load_explicit(&lg->streams, memory_order_acquire); ls; ls = next) {
		next = ls->next;
		logfile_close(&ls->file);
		pthread_mutex_destroy(&ls->lock);
		free(ls->ring);
		free(ls->buf);
		free(ls);
	}
	close(lg->efd);
	free(lg);
}
