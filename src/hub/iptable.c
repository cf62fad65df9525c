// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IP table: a chained hash of (address, family) entries with expiry.  Expired
 * entries are reclaimed when met on a chain and, when the table is full, by
 * a purge at most once a second; the table never grows past its bound.
 */
#include "iptable.h"

#include <stdlib.h>
#include <string.h>

#define IPT_BUCKETS 16384 /* power of two */
#define IPT_PURGE_INTERVAL_MS 1000

struct ipt_entry {
	struct ipt_entry *next;
	uint8_t ip[16];
	bool v6, dhcp;
	struct ipt_port *port;
	uint64_t updated_ms;
};

struct ipt_table {
	struct ipt_entry *bucket[IPT_BUCKETS];
	uint32_t count;
	uint64_t last_purge_ms;
};

struct ipt_table *ipt_new(void)
{
	return calloc(1, sizeof(struct ipt_table));
}

void ipt_free(struct ipt_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < IPT_BUCKETS; i++)
		for (struct ipt_entry *e = t->bucket[i], *next; e; e = next) {
			next = e->next;
			free(e);
		}
	free(t);
}

static size_t ip_len(bool v6)
{
	return v6 ? 16 : 4;
}

static uint32_t hash(const uint8_t *ip, bool v6)
{
	uint32_t h = v6 ? 0x9e3779b9u : 2166136261u;

	for (size_t i = 0; i < ip_len(v6); i++)
		h = (h ^ ip[i]) * 16777619u;
	return h & (IPT_BUCKETS - 1);
}

static bool expired(const struct ipt_entry *e, uint64_t now_ms)
{
	return now_ms - e->updated_ms >= (e->dhcp ? IPT_EXPIRE_DHCP_MS : IPT_EXPIRE_MS);
}

static void port_count(struct ipt_port *port, bool v6, int delta)
{
	if (v6)
		port->n6 += (uint32_t)delta;
	else
		port->n4 += (uint32_t)delta;
}

static void unlink_entry(struct ipt_table *t, struct ipt_entry **pp)
{
	struct ipt_entry *e = *pp;

	*pp = e->next;
	port_count(e->port, e->v6, -1);
	t->count--;
	free(e);
}

/* The entry for ip on its chain, dropping expired entries met on the way. */
static struct ipt_entry **find(struct ipt_table *t, const uint8_t *ip, bool v6, uint64_t now_ms)
{
	struct ipt_entry **pp = &t->bucket[hash(ip, v6)];

	while (*pp) {
		if (expired(*pp, now_ms)) {
			unlink_entry(t, pp);
			continue;
		}
		if ((*pp)->v6 == v6 && memcmp((*pp)->ip, ip, ip_len(v6)) == 0)
			return pp;
		pp = &(*pp)->next;
	}
	return pp;
}

static void purge(struct ipt_table *t, uint64_t now_ms)
{
	t->last_purge_ms = now_ms;
	for (uint32_t i = 0; i < IPT_BUCKETS; i++)
		for (struct ipt_entry **pp = &t->bucket[i]; *pp;)
			if (expired(*pp, now_ms))
				unlink_entry(t, pp);
			else
				pp = &(*pp)->next;
}

static bool at_limit(const struct ipt_port *port, bool v6)
{
	uint32_t max = v6 ? port->max6 : port->max4;

	return max && (v6 ? port->n6 : port->n4) >= max;
}

static enum ipt_result insert(struct ipt_table *t, struct ipt_entry **pp, const uint8_t *ip,
			      bool v6, struct ipt_port *port, uint64_t now_ms)
{
	struct ipt_entry *e;

	if (t->count >= IPT_MAX_ENTRIES && now_ms - t->last_purge_ms >= IPT_PURGE_INTERVAL_MS) {
		purge(t, now_ms);
		pp = find(t, ip, v6, now_ms);
	}
	if (t->count >= IPT_MAX_ENTRIES || !(e = calloc(1, sizeof(*e))))
		return IPT_TABLE_FULL;
	memcpy(e->ip, ip, ip_len(v6));
	e->v6 = v6;
	e->port = port;
	e->updated_ms = now_ms;
	*pp = e;
	port_count(port, v6, 1);
	t->count++;
	return IPT_OK;
}

enum ipt_result ipt_learn(struct ipt_table *t, const uint8_t *ip, bool v6, struct ipt_port *port,
			  uint64_t now_ms)
{
	struct ipt_entry **pp = find(t, ip, v6, now_ms), *e = *pp;

	if (e && e->port == port) {
		e->updated_ms = now_ms;
		return IPT_OK;
	}
	if (e && (v6 ? port->exclusive6 : port->exclusive4) &&
	    now_ms - e->updated_ms < IPT_EXCLUSIVE_MS)
		return IPT_EXCLUSIVE;
	if (at_limit(port, v6))
		return IPT_LIMIT;
	if (!e)
		return insert(t, pp, ip, v6, port, now_ms);
	port_count(e->port, v6, -1);
	e->port = port;
	e->dhcp = false;
	e->updated_ms = now_ms;
	port_count(port, v6, 1);
	return IPT_OK;
}

void ipt_learn_dhcp(struct ipt_table *t, const uint8_t ip[4], struct ipt_port *port,
		    uint64_t now_ms)
{
	struct ipt_entry **pp = find(t, ip, false, now_ms), *e = *pp;

	if (!e) {
		if (insert(t, pp, ip, false, port, now_ms) != IPT_OK)
			return;
		e = *pp;
	} else if (e->port != port) {
		port_count(e->port, false, -1);
		e->port = port;
		port_count(port, false, 1);
	}
	e->dhcp = true;
	e->updated_ms = now_ms;
}

bool ipt_is_dhcp_owner(struct ipt_table *t, const uint8_t ip[4], const struct ipt_port *port,
		       uint64_t now_ms)
{
	struct ipt_entry *e = *find(t, ip, false, now_ms);

	return e && e->port == port && e->dhcp;
}

void ipt_forget_port(struct ipt_table *t, struct ipt_port *port)
{
	for (uint32_t i = 0; i < IPT_BUCKETS && (port->n4 || port->n6); i++)
		for (struct ipt_entry **pp = &t->bucket[i]; *pp;)
			if ((*pp)->port == port)
				unlink_entry(t, pp);
			else
				pp = &(*pp)->next;
}

uint32_t ipt_count(const struct ipt_table *t)
{
	return t->count;
}

void ipt_walk(struct ipt_table *t, uint64_t now_ms, ipt_walk_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < IPT_BUCKETS; i++)
		for (struct ipt_entry *e = t->bucket[i]; e; e = e->next)
			if (!expired(e, now_ms) &&
			    fn(ctx, e->ip, e->v6, e->port, e->dhcp, e->updated_ms))
				return;
}

bool ipt_manageable(const uint8_t *ip, bool v6, bool only_private)
{
	if (v6) {
		static const uint8_t zero[16];

		if (ip[0] == 0xff || memcmp(ip, zero, 16) == 0)
			return false; /* multicast, unspecified */
		/* link-local fe80::/10 and unique-local fc00::/7 */
		return !only_private || (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80) ||
		       (ip[0] & 0xfe) == 0xfc;
	}
	if (ip[0] == 0 || ip[0] >= 224 || ip[0] == 127)
		return false; /* unspecified, multicast/reserved/broadcast, loopback */
	return !only_private || ip[0] == 10 || (ip[0] == 172 && (ip[1] & 0xf0) == 16) ||
	       (ip[0] == 192 && ip[1] == 168) || (ip[0] == 169 && ip[1] == 254);
}
