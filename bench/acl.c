// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_acl: the per-frame cost of the access list and of the packet parser.
 *
 * Access lists of 10, 5,000 and 32,768 (the most a hub may have) entries in a realistic mix (TCP to
 * hosts, UDP port ranges from subnets, IPv6 hosts, source MACs, per-user SSH rules, ICMP to
 * subnets, source ports), checked with acl_ingress against two frames: one no entry matches, and
 * one only the last entry matches.  Also pkt_parse on a 66-byte TCP segment, a DNS query and a 64
 * KB GSO segment, and the time acl_compile takes for each list. Prints one line per case, "name
 * ns/frame" (median of REPEAT runs); it asserts nothing.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "packet.h"

#define ITERATIONS 2000000
#define REPEAT 5

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, REPEAT, sizeof(*v), cmp_double);
	return v[REPEAT / 2];
}

static void set_v4(uint8_t *ip, uint8_t *mask, const char *addr, int prefix)
{
	uint32_t m = prefix ? htonl(~0u << (32 - prefix)) : 0;

	inet_pton(AF_INET, addr, ip);
	memcpy(mask, &m, 4);
}

/* Entry i of the mix; the kinds cycle so every size gets all of them. */
static void mix_entry(struct conf_access *a, uint32_t i)
{
	char addr[64];
	uint16_t port = (uint16_t)(1024 + (i * 7) % 20000);

	memset(a, 0, sizeof(*a));
	a->id = i + 1;
	a->priority = i + 1;
	a->active = true;
	a->discard = i % 3 != 0;
	switch (i % 7) {
	case 0: /* TCP to one host and port */
		snprintf(addr, sizeof(addr), "10.%u.%u.1", i / 256 % 256, i % 256);
		set_v4(a->dst_ip, a->dst_mask, addr, 32);
		a->protocol = 6;
		a->dst_port[0] = a->dst_port[1] = port;
		break;
	case 1: /* UDP port range from a /24 */
		snprintf(addr, sizeof(addr), "192.168.%u.0", i % 256);
		set_v4(a->src_ip, a->src_mask, addr, 24);
		a->protocol = 17;
		a->dst_port[0] = port;
		a->dst_port[1] = (uint16_t)(port + 3);
		break;
	case 2: /* HTTPS to an IPv6 host */
		a->is_ipv6 = true;
		snprintf(addr, sizeof(addr), "2001:db8::%x", i);
		inet_pton(AF_INET6, addr, a->dst_ip);
		memset(a->dst_mask, 0xff, 16);
		a->dst_port[0] = a->dst_port[1] = 443;
		break;
	case 3: /* one source MAC */
		a->check_src_mac = true;
		memcpy(a->src_mac, (const uint8_t[]){0x02, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i},
		       6);
		memset(a->src_mac_mask, 0xff, 6);
		break;
	case 4: /* a user's SSH */
		snprintf(a->src_user, sizeof(a->src_user), "user%u", i);
		a->dst_port[0] = a->dst_port[1] = 22;
		break;
	case 5: /* ICMP to a /24 */
		snprintf(addr, sizeof(addr), "172.16.%u.0", i % 256);
		set_v4(a->dst_ip, a->dst_mask, addr, 24);
		a->protocol = 1;
		break;
	default: /* a source port */
		a->src_port[0] = a->src_port[1] = port;
		break;
	}
}

/* Ethernet + IPv4 + TCP (ACK) from 10.200.0.1 to dst:dport; the frame's length. */
static size_t tcp_frame(uint8_t *f, const uint8_t *dst_ip, uint16_t dport, size_t payload)
{
	static const uint8_t head[] = {0x02, 0,	   0,	 0,    0,    0x0b, 0x02, 0xaa, 0,  0, 0,
				       0x0a, 0x08, 0x00, /* Ethernet */
				       0x45, 0,	   0,	 0,    0,    0,	   0x40, 0,    64, 6, 0,
				       0,    10,   200,	 0,    1,    0,	   0,	 0,    0, /* IPv4 */
				       0xc0, 0x00, 0,	 0,    0,    0,	   0,	 1,    0,  0, 0,
				       1,    0x50, 0x10, 0xff, 0xff, 0,	   0,	 0,    0};
	size_t ip_len = 40 + payload;

	memcpy(f, head, sizeof(head));
	memset(f + sizeof(head), 0x5a, payload);
	f[16] = (uint8_t)(ip_len >> 8);
	f[17] = (uint8_t)ip_len;
	memcpy(f + 30, dst_ip, 4);
	f[36] = (uint8_t)(dport >> 8);
	f[37] = (uint8_t)dport;
	return sizeof(head) + payload;
}

static size_t dns_frame(uint8_t *f)
{
	static const uint8_t q[] = {0x12, 0x34, 1,   0,	  0,   1,   0,	 0,   0,   0,	0,
				    0,	  3,	'w', 'w', 'w', 7,   'e', 'x', 'a', 'm', 'p',
				    'l',  'e',	3,   'c', 'o', 'm', 0,	 0,   1,   0,	1};
	size_t n = tcp_frame(f, (const uint8_t[]){10, 0, 0, 53}, 0, 0) - 20;

	f[23] = 17;
	memcpy(f + 34, (const uint8_t[]){0xc0, 0x00, 0, 53, 0, 8 + sizeof(q), 0, 0}, 8);
	memcpy(f + 42, q, sizeof(q));
	n += 8 + sizeof(q);
	f[16] = (uint8_t)((n - 14) >> 8);
	f[17] = (uint8_t)(n - 14);
	return n;
}

static double bench_acl(const struct acl *acl, const struct pkt_info *pi, const struct acl_who *who,
			uint32_t want_id)
{
	double runs[REPEAT];
	uint32_t id = 0, sum = 0;

	for (int r = 0; r < REPEAT; r++) {
		double t0 = now_ns();

		for (int i = 0; i < ITERATIONS; i++) {
			sum += acl_ingress(acl, pi, who, &id);
			__asm__ volatile("" ::: "memory"); /* keep every call */
		}
		runs[r] = (now_ns() - t0) / ITERATIONS;
	}
	if (id != want_id) {
		fprintf(stderr, "bench_acl: matched entry %u, expected %u\n", id, want_id);
		exit(1);
	}
	(void)sum;
	return median(runs);
}

static double bench_parse(const uint8_t *f, size_t len, int iterations)
{
	double runs[REPEAT];
	struct pkt_info pi = {0};

	for (int r = 0; r < REPEAT; r++) {
		double t0 = now_ns();

		for (int i = 0; i < iterations; i++) {
			pkt_parse(f, len, NULL, &pi);
			__asm__ volatile("" ::: "memory");
		}
		runs[r] = (now_ns() - t0) / iterations;
	}
	if (pi.flags & PKT_F_MALFORMED) {
		fprintf(stderr, "bench_acl: sample frame parsed as malformed\n");
		exit(1);
	}
	return median(runs);
}

static void report(const char *label, double ns)
{
	printf("%-56s %8.1f ns/frame\n", label, ns);
}

static const char *label_of(char *out, size_t len, const char *what, uint32_t n)
{
	snprintf(out, len, "%s, %u entries", what, n);
	return out;
}

static void run_list(uint32_t n, const struct acl_who *who)
{
	struct conf_access *e = calloc(n, sizeof(*e));
	uint8_t f[128];
	struct pkt_info none, last;
	struct acl *acl;
	char err[256], label[80];
	double t0, compile_ms;
	size_t len;

	if (!e)
		exit(1);
	for (uint32_t i = 0; i < n; i++)
		mix_entry(&e[i], i);
	/* the last entry: TCP to one host and port, which no other entry catches */
	mix_entry(&e[n - 1], 0);
	e[n - 1].id = n;
	e[n - 1].priority = n;
	set_v4(e[n - 1].dst_ip, e[n - 1].dst_mask, "10.250.250.250", 32);
	e[n - 1].dst_port[0] = e[n - 1].dst_port[1] = 60000;
	t0 = now_ns();
	acl = acl_compile(e, n, 0, err, sizeof(err));
	compile_ms = (now_ns() - t0) / 1e6;
	if (!acl) {
		fprintf(stderr, "bench_acl: %s\n", err);
		exit(1);
	}
	len = tcp_frame(f, (const uint8_t[]){10, 99, 99, 99}, 50000, 0);
	pkt_parse(f, len, NULL, &none);
	len = tcp_frame(f, (const uint8_t[]){10, 250, 250, 250}, 60000, 0);
	pkt_parse(f, len, NULL, &last);
	snprintf(label, sizeof(label), "acl_ingress, %u entries, frame matching none", n);
	report(label, bench_acl(acl, &none, who, 0));
	snprintf(label, sizeof(label), "acl_ingress, %u entries, frame matching the last", n);
	report(label, bench_acl(acl, &last, who, n));
	printf("%-56s %8.2f ms\n", label_of(label, sizeof(label), "acl_compile", n), compile_ms);
	acl_free(acl);
	free(e);
}

int main(void)
{
	static uint8_t big[14 + 20 + 20 + 65495];
	struct acl_who who;
	uint8_t f[128];
	char label[80];
	size_t len;

	acl_who_init(&who, "alice", "staff");
	run_list(10, &who);
	run_list(5000, &who);
	run_list(CONF_ACCESS_MAX, &who);
	len = tcp_frame(f, (const uint8_t[]){10, 0, 0, 2}, 22, 12);
	snprintf(label, sizeof(label), "pkt_parse, TCP segment of %zu bytes", len);
	report(label, bench_parse(f, len, ITERATIONS));
	len = dns_frame(f);
	snprintf(label, sizeof(label), "pkt_parse, DNS query of %zu bytes", len);
	report(label, bench_parse(f, len, ITERATIONS));
	len = tcp_frame(big, (const uint8_t[]){10, 0, 0, 2}, 22, 65495 - 20);
	snprintf(label, sizeof(label), "pkt_parse, TCP GSO segment of %zu bytes", len);
	report(label, bench_parse(big, len, ITERATIONS));
	return 0;
}
