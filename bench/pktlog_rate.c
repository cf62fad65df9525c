// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_pktlog: how fast the logger turns packet records into a file, apart
 * from forwarding.  One thread enqueues records of a parsed 64-byte UDP frame
 * in chunks of 16 (as the forwarding path does) at header and at full level;
 * whenever the queue refuses one it yields and retries, so no record is lost
 * and the time measured is the logger's.  Also the producer's cost per record
 * with the queue never full (the forwarding path's share), and the
 * renderer's alone.  Prints numbers; asserts nothing.
 * Usage: bench_pktlog DIR [RECORDS]
 */
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logger.h"
#include "packet.h"
#include "pktlog.h"

#define CHUNK 16
#define BURST 2048 /* records: a quarter of what the queue holds, the logger does not wake */

static const uint8_t frame[64] = {
    0x02, 0,	0,    0,    0, 0x02, 0x02, 0, 0,  0,  0, 0x01, 0x08, 0x00, /* Ethernet */
    0x45, 0,	0,    50,   0, 1,    0,	   0, 64, 17, 0, 0,    10,   88,
    0,	  1,	10,   88,   0, 2,	      /* IPv4 */
    0x13, 0x88, 0x17, 0x70, 0, 30,   0,	   0, /* UDP */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct pktlog_frame chunk[CHUNK];
static char src_name[PKTLOG_NAME_MAX];
static size_t src_len;

static void make_chunk(const struct pkt_info *pi, unsigned level)
{
	for (int i = 0; i < CHUNK; i++) {
		chunk[i] = (struct pktlog_frame){
		    .pi = pi, .frame = frame, .len = sizeof(frame), .level = (uint8_t)level};
		chunk[i].dst_len = (uint16_t)pktlog_session_name(chunk[i].dst, "bob", 2);
	}
	src_len = pktlog_session_name(src_name, "alice", 1);
}

static struct log_stream *start(struct logger **lg, const char *dir, const char *base)
{
	struct logfile_opts o = {0};
	struct log_stream *ls;

	*lg = logger_new();
	ls = *lg ? logger_add(*lg, "bench", dir, base, &o, pktlog_render) : NULL;
	if (!ls) {
		fprintf(stderr, "bench_pktlog: cannot start a logger in %s\n", dir);
		exit(1);
	}
	return ls;
}

/* Seconds to log n records at level, everything written (logger_free waits for it). */
static double run(const char *dir, unsigned level, unsigned long n, const struct pkt_info *pi)
{
	struct logger *lg;
	struct log_stream *ls = start(&lg, dir, "packet");
	unsigned long dropped = 0;
	double t0 = now_s();

	make_chunk(pi, level);
	for (unsigned long i = 0; i < n; i += CHUNK) {
		pktlog_enqueue(ls, src_name, src_len, chunk, CHUNK);
		while (log_stream_dropped(ls) > dropped) { /* full: let the logger catch up */
			unsigned long lost = log_stream_dropped(ls) - dropped;

			dropped += lost;
			sched_yield();
			pktlog_enqueue(ls, src_name, src_len, chunk + CHUNK - lost, (unsigned)lost);
		}
	}
	logger_free(lg);
	return now_s() - t0;
}

/* Nanoseconds per record queued while the queue has room (bursts of BURST, then drained). */
static double producer_ns(const char *dir, const struct pkt_info *pi)
{
	struct logger *lg;
	struct log_stream *ls = start(&lg, dir, "producer");
	double spent = 0;

	make_chunk(pi, PKTLOG_HEADER);
	for (int burst = 0; burst < 50; burst++) {
		struct timespec pause = {.tv_nsec = 300 * 1000000L};
		double t0 = now_s();

		for (int i = 0; i < BURST; i += CHUNK)
			pktlog_enqueue(ls, src_name, src_len, chunk, CHUNK);
		spent += now_s() - t0;
		nanosleep(&pause, NULL);
	}
	logger_free(lg);
	return spent * 1e9 / (50 * BURST);
}

static _Alignas(8) unsigned char captured[LOGGER_LINE_MAX];

/* A renderer that keeps a copy of the record it renders. */
static size_t capture(const struct log_rec *r, char *out)
{
	if (sizeof(*r) + r->paylen <= sizeof(captured))
		memcpy(captured, r, sizeof(*r) + r->paylen);
	return pktlog_render(r, out);
}

/* Nanoseconds to render one line at level, the renderer alone (no queue, no file). */
static double render_ns(const char *dir, unsigned level, const struct pkt_info *pi)
{
	struct logfile_opts o = {0};
	struct logger *lg = logger_new();
	struct log_stream *ls = lg ? logger_add(lg, "bench", dir, "render", &o, capture) : NULL;
	static char line[LOGGER_LINE_MAX];
	const int n = 1000000;
	size_t bytes = 0;
	double t0;

	if (!ls)
		exit(1);
	make_chunk(pi, level);
	pktlog_enqueue(ls, src_name, src_len, chunk, 1);
	logger_free(lg); /* rendered once: captured */
	t0 = now_s();
	for (int i = 0; i < n; i++)
		bytes += pktlog_render((const void *)captured, line);
	return bytes ? (now_s() - t0) * 1e9 / n : 0;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000000;
	struct pkt_info pi;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_pktlog DIR [RECORDS]\n");
		return 2;
	}
	pkt_parse(frame, sizeof(frame), NULL, &pi);
	for (unsigned level = PKTLOG_HEADER; level <= PKTLOG_FULL; level++) {
		double s = run(argv[1], level, n, &pi);

		printf("%s level: %lu records in %.2f s: %.0f lines/s\n",
		       level == PKTLOG_HEADER ? "header" : "full", n, s, (double)n / s);
	}
	printf("producer (forwarding path): %.0f ns per record\n", producer_ns(argv[1], &pi));
	printf("renderer alone: %.0f ns per line at header level, %.0f at full level\n",
	       render_ns(argv[1], PKTLOG_HEADER, &pi), render_ns(argv[1], PKTLOG_FULL, &pi));
	return 0;
}
