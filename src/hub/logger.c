// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The log writer thread and its streams (logger.h).  A stream's queue is a
 * byte ring of variable-length records: producers append under the queue
 * lock (a copy of a few hundred bytes at most, never I/O) and publish head
 * at the end of a batch; the thread reads [tail, head) and publishes tail,
 * without ever taking that lock.  It runs at the lowest priority
 * (SCHED_IDLE): on a saturated machine it gets only the time forwarding
 * leaves, the queue fills and records are dropped (counted), frames never
 * wait.  A lock it held while preempted would stall every producer, hence
 * the lock-free consumer side.
 */
#include "logger.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
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
#define WAKE_AT (LOGGER_QUEUE_BYTES / 4) /* queued bytes that wake the thread early */
#define LOGGER_NICE 19			 /* if SCHED_IDLE is refused (Linux: per thread) */

struct log_stream {
	struct log_stream *next; /* the logger's list; set before publication */
	char name[128];

	/* the queue: byte counters, position = counter % LOGGER_QUEUE_BYTES */
	pthread_mutex_t lock; /* producers only */
	unsigned char *ring;
	uint64_t fill;	       /* under lock: head plus the batch being written */
	_Atomic uint64_t head; /* records before it are complete (release) */
	_Atomic uint64_t tail; /* the thread is done with the bytes before it (release) */
	atomic_ullong dropped; /* records refused: the queue was full */
	atomic_ullong written; /* records rendered (the thread's; read by anyone) */
	atomic_bool kicked;    /* the thread was woken for this fill; reset by the thread */
	struct logger *lg;

	/* new settings for the thread */
	pthread_mutex_t opts_lock;
	bool has_new_opts;
	struct logfile_opts new_opts;

	/* the thread's own */
	log_render_fn render;
	struct logfile file;
	char *buf;
	size_t used;
	uint64_t last_flush_ms, retry_ms, last_prune_ms, drop_report_ms;
	uint64_t drops_reported, drops_seen;
	uint64_t rendered;
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

void log_batch_begin(struct log_batch *b, struct log_stream *ls)
{
	b->ls = ls;
	b->wake = false;
	clock_gettime(CLOCK_REALTIME, &b->ts);
	pthread_mutex_lock(&ls->lock);
	/* acquire: pairs with the thread's release of tail in drain; it is done reading */
	b->tail = atomic_load_explicit(&ls->tail, memory_order_acquire);
}

void *log_batch_add(struct log_batch *b, size_t paylen)
{
	struct log_stream *ls = b->ls;
	size_t need = (sizeof(struct log_rec) + paylen + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1);
	size_t pos = ls->fill % LOGGER_QUEUE_BYTES, room_to_end = LOGGER_QUEUE_BYTES - pos;
	uint64_t used = ls->fill - b->tail;
	struct log_rec *r;

	if (need > LOGGER_QUEUE_BYTES / 4)
		goto full;
	if (room_to_end < need) { /* the record must be contiguous: pad to the start */
		if (used + room_to_end + need > LOGGER_QUEUE_BYTES)
			goto full;
		((struct log_rec *)(ls->ring + pos))->len = REC_PAD;
		ls->fill += room_to_end;
		pos = 0;
	} else if (used + need > LOGGER_QUEUE_BYTES) {
		goto full;
	}
	r = (struct log_rec *)(ls->ring + pos);
	r->len = (uint32_t)need;
	r->paylen = (uint32_t)paylen;
	r->ts = b->ts;
	ls->fill += need;
	/* relaxed: a wake-up more or less; the thread also wakes every PASS_MS */
	if (ls->fill - b->tail > WAKE_AT &&
	    !atomic_load_explicit(&ls->kicked, memory_order_relaxed)) {
		atomic_store_explicit(&ls->kicked, true, memory_order_relaxed);
		b->wake = true;
	}
	return r->payload;
full:
	atomic_fetch_add_explicit(&ls->dropped, 1, memory_order_relaxed);
	return NULL;
}

void log_batch_end(struct log_batch *b)
{
	struct log_stream *ls = b->ls;

	/* release: pairs with the thread's acquire of head in drain; the records are complete */
	atomic_store_explicit(&ls->head, ls->fill, memory_order_release);
	pthread_mutex_unlock(&ls->lock);
	if (b->wake)
		kick(ls->lg); /* one write(2) per fill, not per record */
}

void log_stream_vprintf(struct log_stream *ls, const char *fmt, va_list ap)
{
	char text[LOGGER_TEXT_MAX];
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n >= sizeof(text) ? sizeof(text) - 1 : (size_t)n;
	struct log_batch b;
	char *p;

	log_batch_begin(&b, ls);
	p = log_batch_add(&b, len);
	if (p)
		memcpy(p, text, len);
	log_batch_end(&b);
}

void log_stream_printf(struct log_stream *ls, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_stream_vprintf(ls, fmt, ap);
	va_end(ap);
}

bool log_stream_full(struct log_stream *ls, size_t bytes)
{
	/* relaxed: a hint; a record that does not fit is still refused by log_batch_add */
	uint64_t used = atomic_load_explicit(&ls->head, memory_order_relaxed) -
			atomic_load_explicit(&ls->tail, memory_order_relaxed);

	return used + bytes > LOGGER_QUEUE_BYTES;
}

void log_stream_count_dropped(struct log_stream *ls, uint64_t n)
{
	atomic_fetch_add_explicit(&ls->dropped, n, memory_order_relaxed);
}

uint64_t log_stream_dropped(struct log_stream *ls)
{
	return atomic_load_explicit(&ls->dropped, memory_order_relaxed);
}

uint64_t log_stream_written(struct log_stream *ls)
{
	return atomic_load_explicit(&ls->written, memory_order_relaxed);
}

void log_stream_set_opts(struct log_stream *ls, const struct logfile_opts *opt)
{
	pthread_mutex_lock(&ls->opts_lock);
	ls->new_opts = *opt;
	ls->has_new_opts = true;
	pthread_mutex_unlock(&ls->opts_lock);
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
	char flat[LOGGER_LINE_MAX];
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

		flat[i] = c == '\n' || c == '\r' ? ' ' : c;
	}
	/* user names and other text from the network: no control, C1 or bidi characters */
	n += log_sanitize(out + n, LOGGER_LINE_MAX - n - 1, flat, len);
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
		ls->rendered++;
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
	log_warnx("%s: %llu records dropped (queue full: the disk or the CPU fell behind)%s; %llu "
		  "in total",
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

	pthread_mutex_lock(&ls->opts_lock);
	new_opts = ls->has_new_opts;
	opt = ls->new_opts;
	ls->has_new_opts = false;
	pthread_mutex_unlock(&ls->opts_lock);
	/* acquire: pairs with the release in log_batch_end; the records are complete */
	head = atomic_load_explicit(&ls->head, memory_order_acquire);
	tail = atomic_load_explicit(&ls->tail, memory_order_relaxed); /* ours */
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
	/* release: pairs with the acquire of tail in log_batch_begin; producers may overwrite */
	atomic_store_explicit(&ls->tail, tail, memory_order_release);
	atomic_store_explicit(&ls->kicked, false, memory_order_relaxed);
	atomic_store_explicit(&ls->written, ls->rendered, memory_order_relaxed);
	dropped = atomic_load_explicit(&ls->dropped, memory_order_relaxed);
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

	/* text lines (security, server) first: in the little time a saturated machine leaves the
	 * thread, they must not wait behind a packet log's backlog */
	for (struct log_stream *t = ls; t; t = t->next)
		if (t->render == log_render_text)
			drain(t, now_ms, reopen, final);
	for (; ls; ls = ls->next)
		if (ls->render != log_render_text)
			drain(ls, now_ms, reopen, final);
}

static void *logger_main(void *arg)
{
	struct logger *lg = arg;
	struct pollfd pfd = {.fd = lg->efd, .events = POLLIN};
	uint64_t v;

	/* forwarding first: when the CPU is short, the log falls behind (and drops), not frames */
	if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &(struct sched_param){0}) != 0)
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
	pthread_mutex_init(&ls->opts_lock, NULL);
	ls->render = render;
	ls->lg = lg;
	ls->last_flush_ms = ls->last_prune_ms = mono_ms();
	ls->next = atomic_load_explicit(&lg->streams, memory_order_relaxed);
	/* release: pairs with the acquire load of streams in pass(): a complete stream */
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
	/* release: pairs with the acquire load of stop in the thread's loop */
	atomic_store_explicit(&lg->stop, true, memory_order_release);
	kick(lg);
	pthread_join(lg->thread, NULL);
	/* acquire: pairs with logger_add's release (the join has ordered it already) */
	for (ls = atomic_load_explicit(&lg->streams, memory_order_acquire); ls; ls = next) {
		next = ls->next;
		logfile_close(&ls->file);
		pthread_mutex_destroy(&ls->lock);
		pthread_mutex_destroy(&ls->opts_lock);
		free(ls->ring);
		free(ls->buf);
		free(ls);
	}
	close(lg->efd);
	free(lg);
}
