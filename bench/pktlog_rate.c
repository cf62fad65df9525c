// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_pktlog: how fast the logger turns packet records into a file, apart
 * from forwarding.  One thread enqueues records of a parsed 64-byte UDP frame
 * (as the forwarding path does) at header and at full level; whenever the
 * queue refuses one it yields and retries, so no record is lost and the time
 * measured is the logger's.  Also the producer's cost per record with the
 * queue never full (the forwarding path's share).  Prints numbers; asserts
 * nothing.  Usage: bench_pktlog DIR [RECORDS]
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "logger.h"
#include "packet.h"
#include "pktlog.h"

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

/* Seconds to log n records at level, everything written (logger_free waits for it). */
static double run(const char *dir, unsigned level, unsigned long n, const struct pkt_info *pi)
{
	struct logfile_opts o = {0};
	struct pktlog_peer src = {.user = "alice", .id = 1}, dst = {.user = "bob", .id = 2};
	struct logger *lg = logger_new();
	struct log_stream *ls =
	    lg ? logger_add(lg, "bench", dir, "packet", &o, pktlog_render) : NULL;
	double t0 = now_s();

	if (!ls) {
		fprintf(stderr, "bench_pktlog: cannot start a logger in %s\n", dir);
		exit(1);
	}
	for (unsigned long i = 0, dropped = 0; i < n; i++) {
		pktlog_enqueue(ls, level, &src, &dst, pi, frame, sizeof(frame));
		while (log_stream_dropped(ls) > dropped) { /* full: let the logger catch up */
			dropped++;
			sched_yield();
			pktlog_enqueue(ls, level, &src, &dst, pi, frame, sizeof(frame));
		}
	}
	logger_free(lg);
	return now_s() - t0;
}

/* Nanoseconds per enqueue while the queue has room (bursts of 10,000, then drained). */
static double producer_ns(const char *dir, const struct pkt_info *pi)
{
	struct logfile_opts o = {0};
	struct pktlog_peer src = {.user = "alice", .id = 1}, dst = {.user = "bob", .id = 2};
	struct logger *lg = logger_new();
	struct log_stream *ls =
	    lg ? logger_add(lg, "bench", dir, "producer", &o, pktlog_render) : NULL;
	double spent = 0;

	if (!ls)
		exit(1);
	for (int burst = 0; burst < 50; burst++) {
		double t0 = now_s();

		for (int i = 0; i < 10000; i++)
			pktlog_enqueue(ls, PKTLOG_HEADER, &src, &dst, pi, frame, sizeof(frame));
		spent += now_s() - t0;
		struct timespec pause = {.tv_nsec = 300 * 1000000L};
		nanosleep(&pause, NULL);
	}
	logger_free(lg);
	return spent * 1e9 / 500000;
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
	return 0;
}
