// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The client's status record and its three renderings.  Addresses are read
 * from the interface at render time (getifaddrs), so they show what the
 * kernel has, whether static, leased or autoconfigured.
 */
#include "status.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctlproto.h"

static const char *const state_names[] = {
    [STATUS_CONNECTING] = "connecting",
    [STATUS_CONNECTED] = "connected",
    [STATUS_BACKOFF] = "backing off",
};

uint64_t status_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void status_init(struct status *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->i.started_ms = s->i.since_ms = status_now_ms();
	s->i.state = STATUS_CONNECTING;
}

void status_destroy(struct status *s)
{
	pthread_mutex_destroy(&s->lock);
}

void status_connecting(struct status *s)
{
	pthread_mutex_lock(&s->lock);
	s->i.state = STATUS_CONNECTING;
	s->i.since_ms = status_now_ms();
	pthread_mutex_unlock(&s->lock);
}

void status_connected(struct status *s, const char *server_addr, uint32_t session_id,
		      const char *tls_version, const char *tls_cipher)
{
	pthread_mutex_lock(&s->lock);
	s->i.state = STATUS_CONNECTED;
	s->i.since_ms = status_now_ms();
	s->i.session_id = session_id;
	snprintf(s->i.server_addr, sizeof(s->i.server_addr), "%s", server_addr);
	snprintf(s->i.tls_version, sizeof(s->i.tls_version), "%s", tls_version);
	snprintf(s->i.tls_cipher, sizeof(s->i.tls_cipher), "%s", tls_cipher);
	if (s->i.logins++)
		s->i.reconnects++;
	pthread_mutex_unlock(&s->lock);
}

void status_backoff(struct status *s, const char *err, int wait_ms)
{
	pthread_mutex_lock(&s->lock);
	s->i.state = STATUS_BACKOFF;
	s->i.since_ms = status_now_ms();
	s->i.retry_at_ms = s->i.since_ms + (uint64_t)(wait_ms > 0 ? wait_ms : 0);
	snprintf(s->i.last_error, sizeof(s->i.last_error), "%s", err);
	pthread_mutex_unlock(&s->lock);
}

void status_traffic(struct status *s, uint64_t session_in, uint64_t session_out, uint64_t frames_in,
		    uint64_t frames_out)
{
	/* relaxed: plain counters, no other data is published through them */
	atomic_store_explicit(&s->bytes_in, s->base_in + session_in, memory_order_relaxed);
	atomic_store_explicit(&s->bytes_out, s->base_out + session_out, memory_order_relaxed);
	atomic_store_explicit(&s->frames_in, frames_in, memory_order_relaxed);
	atomic_store_explicit(&s->frames_out, frames_out, memory_order_relaxed);
}

void status_drops(struct status *s, const struct drop_counts *d)
{
	pthread_mutex_lock(&s->lock);
	s->i.drops = *d;
	pthread_mutex_unlock(&s->lock);
}

void status_session_end(struct status *s, uint64_t session_in, uint64_t session_out)
{
	s->base_in += session_in;
	s->base_out += session_out;
}

/* An output buffer that never overflows; a truncated rendering stays NUL-terminated. */
struct out {
	char *p;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

/* A JSON string: quotes, backslash and control characters escaped; other bytes as they are. */
static void put_json_str(struct out *o, const char *s)
{
	put(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			put(o, "\\u%04x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

void status_iface_addrs(const char *ifname, char *buf, size_t len)
{
	struct ifaddrs *all, *a;
	struct out o = {.p = buf, .cap = len};

	buf[0] = '\0';
	if (getifaddrs(&all) != 0)
		return;
	for (a = all; a; a = a->ifa_next) {
		char ip[INET6_ADDRSTRLEN];
		const void *addr;
		const uint8_t *m;
		unsigned int bits = 0, mlen;

		if (!a->ifa_addr || strcmp(a->ifa_name, ifname) != 0 || !a->ifa_netmask ||
		    (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6))
			continue;
		if (a->ifa_addr->sa_family == AF_INET) {
			addr = &((struct sockaddr_in *)a->ifa_addr)->sin_addr;
			m = (const uint8_t *)&((struct sockaddr_in *)a->ifa_netmask)->sin_addr;
			mlen = 4;
		} else {
			addr = &((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;
			m = (const uint8_t *)&((struct sockaddr_in6 *)a->ifa_netmask)->sin6_addr;
			mlen = 16;
		}
		for (unsigned int i = 0; i < mlen; i++)
			bits += (unsigned int)__builtin_popcount(m[i]);
		inet_ntop(a->ifa_addr->sa_family, addr, ip, sizeof(ip));
		put(&o, "%s%s/%u", o.len ? " " : "", ip, bits);
	}
	freeifaddrs(all);
}

struct snapshot {
	struct status_info s; /* copied under the lock */
	uint64_t now, bytes_in, bytes_out, frames_in, frames_out;
	char addrs[1024];
};

static void snap(struct status *s, struct snapshot *n)
{
	pthread_mutex_lock(&s->lock);
	n->s = s->i;
	pthread_mutex_unlock(&s->lock);
	n->now = status_now_ms();
	n->bytes_in = atomic_load_explicit(&s->bytes_in, memory_order_relaxed);
	n->bytes_out = atomic_load_explicit(&s->bytes_out, memory_order_relaxed);
	n->frames_in = atomic_load_explicit(&s->frames_in, memory_order_relaxed);
	n->frames_out = atomic_load_explicit(&s->frames_out, memory_order_relaxed);
	status_iface_addrs(n->s.ifname, n->addrs, sizeof(n->addrs));
}

static void render_json(const struct snapshot *n, struct out *o)
{
	const struct status_info *s = &n->s;
	char buf[1024], *save = NULL;
	bool first = true;

	put(o, "{\"profile\":");
	put_json_str(o, s->profile);
	put(o, ",\"pid\":%d,\"state\":\"%s\",\"last_error\":", (int)s->pid, state_names[s->state]);
	put_json_str(o, s->last_error);
	put(o, ",\"hub\":");
	put_json_str(o, s->hub);
	put(o, ",\"server\":");
	put_json_str(o, s->host);
	put(o, ",\"port\":%u,\"server_address\":", s->port);
	put_json_str(o, s->state == STATUS_CONNECTED ? s->server_addr : "");
	put(o, ",\"user\":");
	put_json_str(o, s->user);
	put(o, ",\"session_id\":%u,\"tls_version\":",
	    s->state == STATUS_CONNECTED ? s->session_id : 0);
	put_json_str(o, s->state == STATUS_CONNECTED ? s->tls_version : "");
	put(o, ",\"tls_cipher\":");
	put_json_str(o, s->state == STATUS_CONNECTED ? s->tls_cipher : "");
	put(o, ",\"backend\":\"%s\",\"interface\":", s->backend);
	put_json_str(o, s->ifname);
	put(o, ",\"addresses\":[");
	snprintf(buf, sizeof(buf), "%s", n->addrs);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), first = false)
		put(o, "%s\"%s\"", first ? "" : ",", w);
	put(o, "],\"bytes_in\":%llu,\"bytes_out\":%llu,\"frames_in\":%llu,\"frames_out\":%llu",
	    (unsigned long long)n->bytes_in, (unsigned long long)n->bytes_out,
	    (unsigned long long)n->frames_in, (unsigned long long)n->frames_out);
	put(o,
	    ",\"drops\":{\"device_refused\":%llu,\"kernel_tx_dropped\":%llu,"
	    "\"kernel_rx_dropped\":%llu,\"tls_writes_blocked\":%llu,\"retransmissions\":%llu}",
	    (unsigned long long)s->drops.device_refused, (unsigned long long)s->drops.kernel_tx,
	    (unsigned long long)s->drops.kernel_rx, (unsigned long long)s->drops.tls_blocked,
	    (unsigned long long)s->drops.retransmits);
	put(o, ",\"uptime_s\":%llu,\"state_for_s\":%llu,\"retry_in_s\":%llu,\"reconnects\":%u}\n",
	    (unsigned long long)((n->now - s->started_ms) / 1000),
	    (unsigned long long)((n->now - s->since_ms) / 1000),
	    (unsigned long long)(s->state == STATUS_BACKOFF && s->retry_at_ms > n->now
				     ? (s->retry_at_ms - n->now + 999) / 1000
				     : 0),
	    s->reconnects);
}

static void render_text(const struct snapshot *n, struct out *o)
{
	const struct status_info *s = &n->s;

	put(o, "profile:     %s (pid %d)\nstate:       %s for %llu s\n", s->profile, (int)s->pid,
	    state_names[s->state], (unsigned long long)((n->now - s->since_ms) / 1000));
	if (s->state == STATUS_BACKOFF)
		put(o, "retry in:    %llu s\n",
		    (unsigned long long)(s->retry_at_ms > n->now
					     ? (s->retry_at_ms - n->now + 999) / 1000
					     : 0));
	if (s->last_error[0])
		put(o, "last error:  %s\n", s->last_error);
	put(o, "hub:         %s on %s:%u as %s\n", s->hub, s->host, s->port, s->user);
	if (s->state == STATUS_CONNECTED)
		put(o, "session:     %u, %s address %s, %s %s\n", s->session_id, "server",
		    s->server_addr, s->tls_version, s->tls_cipher);
	put(o, "interface:   %s (%s backend) %s\n", s->ifname, s->backend, n->addrs);
	put(o, "traffic:     in %llu bytes, %llu frames; out %llu bytes, %llu frames\n",
	    (unsigned long long)n->bytes_in, (unsigned long long)n->frames_in,
	    (unsigned long long)n->bytes_out, (unsigned long long)n->frames_out);
	put(o,
	    "drops:       device refused %llu, kernel tx_dropped %llu rx_dropped %llu, TLS "
	    "writes blocked %llu, retransmissions %llu (this session)\n",
	    (unsigned long long)s->drops.device_refused, (unsigned long long)s->drops.kernel_tx,
	    (unsigned long long)s->drops.kernel_rx, (unsigned long long)s->drops.tls_blocked,
	    (unsigned long long)s->drops.retransmits);
	put(o, "uptime:      %llu s, %u reconnects\n",
	    (unsigned long long)((n->now - s->started_ms) / 1000), s->reconnects);
}

size_t status_render(struct status *s, int fmt, char *out, size_t cap)
{
	struct snapshot *n = calloc(1, sizeof(*n));
	struct out o = {.p = out, .cap = cap};

	out[0] = '\0';
	if (!n)
		return 0;
	snap(s, n);
	if (fmt == CTL_FMT_JSON)
		render_json(n, &o);
	else if (fmt == CTL_FMT_TEXT)
		render_text(n, &o);
	else
		put(&o, "%-16s %-12s %s@%s:%u/%s %s %s\n", n->s.profile, state_names[n->s.state],
		    n->s.user, n->s.host, n->s.port, n->s.hub, n->s.ifname, n->addrs);
	free(n);
	return o.len;
}
