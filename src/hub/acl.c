// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The access list engine (acl.h).  Each phase's entries become rules
 * numbered by evaluation order; every rule is filed under one index key,
 * the most selective one it offers: a destination or source port (a narrow
 * range under each of its ports), an address under its mask, a MAC address
 * under its mask, a user name hash, or the IP protocol.  Rules with no
 * condition to file under go on a "wildcard" list.  A table holds one
 * (field, family, mask) combination: with only a few distinct masks in a
 * list, a lookup probes a few hash tables with the frame's own values and
 * checks only the rules found there, each bucket in rule order, stopping at
 * the first match or at a rule later than the best match so far.  Since a
 * rule filed under key K can only match a frame whose value is K, no rule
 * that matches is ever missed.
 *
 * Which key a rule goes under is chosen by cost: the number of rules that
 * offer the same key, so that 5,000 rules on port 22 with distinct hosts go
 * under their hosts, not all into the port-22 bucket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl.h"

#define ACL_TABLES_MAX 32   /* distinct (field, family, mask) tables per phase */
#define ACL_RANGE_FANOUT 16 /* a port range this narrow is filed under each port */
#define ACL_SCAN_MAX 16	    /* a list this short is cheaper to scan than to index */
#define ACL_NONE UINT32_MAX

enum acl_field {
	FLD_DIP,
	FLD_SIP,
	FLD_DPORT,
	FLD_SPORT,
	FLD_DMAC,
	FLD_SMAC,
	FLD_DUSER,
	FLD_SUSER,
	FLD_PROTO,
	FLD_COUNT
};

/* conditions a rule checks */
#define CHK_SMAC 0x001
#define CHK_DMAC 0x002
#define CHK_SIP 0x004
#define CHK_DIP 0x008
#define CHK_PROTO 0x010
#define CHK_SPORT 0x020
#define CHK_DPORT 0x040
#define CHK_TCP 0x080
#define CHK_SUSER 0x100
#define CHK_DUSER 0x200

struct acl_key {
	uint64_t a, b;
};

struct acl_rule {
	uint32_t id;
	uint16_t checks;
	uint8_t family; /* 4 or 6: of the address and protocol conditions */
	uint8_t proto;
	bool discard, established;
	uint16_t sport[2], dport[2];
	uint64_t smac, smac_mask, dmac, dmac_mask; /* addresses pre-masked */
	struct acl_key sip, sip_mask, dip, dip_mask;
	uint64_t suser, duser;
};

struct acl_slot {
	struct acl_key key;
	uint32_t start, count; /* in acl_set.lists; count 0 = empty slot */
};

struct acl_table {
	uint8_t field, family;
	struct acl_key mask;
	uint32_t min_pos;   /* earliest rule in any of its buckets */
	uint32_t slot_mask; /* slots - 1, a power of two minus one */
	struct acl_slot *slots;
};

/* One phase's rules and their index. */
struct acl_set {
	struct acl_rule *rules;
	uint32_t nrules;
	struct acl_table tables[ACL_TABLES_MAX];
	uint32_t ntables;
	uint32_t *lists; /* rule numbers, ascending within each bucket */
	uint32_t wild_start, wild_count;
};

struct acl {
	unsigned flags;
	struct acl_set in, out;
};

/* The frame's values, extracted once per lookup. */
struct acl_view {
	uint8_t ip_family;   /* 4 or 6 for an IP frame, else 0 */
	uint8_t addr_family; /* ip_family, or 4 for ARP under ACL_APPLY_IPV4_ON_ARP */
	uint8_t proto;
	bool ports, tcp, established;
	uint16_t sport, dport;
	uint64_t smac, dmac;
	struct acl_key sip, dip;
	const struct acl_who *src, *dst;
};

/* A key a rule offers, while compiling. */
struct acl_cand {
	struct acl_key key;
	uint32_t table, pos, count;
	uint8_t field;
};

/* ---- names ---- */

uint64_t acl_name_hash(const char *name)
{
	const char *p;
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	if (!name || !*name)
		return 0;
	p = strrchr(name, '\\');
	name = p ? p + 1 : name; /* SoftEther ignores an NT domain prefix */
	for (; *name; name++) {
		unsigned char c = (unsigned char)*name;

		h ^= (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

void acl_who_init(struct acl_who *w, const char *user, const char *group)
{
	w->user = acl_name_hash(user);
	w->group = acl_name_hash(group);
}

static bool who_is(const struct acl_who *w, uint64_t name)
{
	return w && (w->user == name || w->group == name);
}

/* ---- rules ---- */

static uint64_t mac64(const uint8_t *m)
{
	return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 | (uint64_t)m[2] << 24 |
	       (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 | m[5];
}

static uint64_t be64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 8; i++)
		v = v << 8 | (i < n ? p[i] : 0);
	return v;
}

/* An address as a key: IPv4 in the top 32 bits of a, IPv6 across a and b. */
static struct acl_key ip_key(const uint8_t *ip, uint8_t family)
{
	struct acl_key k = {be64(ip, family == 6 ? 8 : 4), family == 6 ? be64(ip + 8, 8) : 0};

	return k;
}

static struct acl_key key_and(struct acl_key x, struct acl_key m)
{
	struct acl_key k = {x.a & m.a, x.b & m.b};

	return k;
}

static bool key_eq(struct acl_key x, struct acl_key y)
{
	return x.a == y.a && x.b == y.b;
}

static bool is_set(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return true;
	return false;
}

static bool is_file_ref(const char *name)
{
	return strncasecmp(name, "include:", 8) == 0 || strncasecmp(name, "exclude:", 8) == 0;
}

static void set_addr(struct acl_key *addr, struct acl_key *mask, const uint8_t *ip,
		     const uint8_t *m, uint8_t family)
{
	*mask = ip_key(m, family);
	*addr = key_and(ip_key(ip, family), *mask);
}

static void set_ports(uint16_t out[2], const uint16_t in[2])
{
	out[0] = in[0];
	out[1] = in[1] < in[0] ? in[0] : in[1]; /* End = max(End, Start) */
}

static void set_macs_and_users(struct acl_rule *r, const struct conf_access *a)
{
	if (a->check_src_mac) {
		r->checks |= CHK_SMAC;
		r->smac_mask = mac64(a->src_mac_mask);
		r->smac = mac64(a->src_mac) & r->smac_mask;
	}
	if (a->check_dst_mac) {
		r->checks |= CHK_DMAC;
		r->dmac_mask = mac64(a->dst_mac_mask);
		r->dmac = mac64(a->dst_mac) & r->dmac_mask;
	}
	if (a->src_user[0]) {
		r->checks |= CHK_SUSER;
		r->suser = acl_name_hash(a->src_user);
	}
	if (a->dst_user[0]) {
		r->checks |= CHK_DUSER;
		r->duser = acl_name_hash(a->dst_user);
	}
}

static void set_l3_l4(struct acl_rule *r, const struct conf_access *a)
{
	size_t alen = a->is_ipv6 ? 16 : 4;

	r->family = a->is_ipv6 ? 6 : 4;
	if (is_set(a->src_ip, alen) || is_set(a->src_mask, alen)) {
		r->checks |= CHK_SIP;
		set_addr(&r->sip, &r->sip_mask, a->src_ip, a->src_mask, r->family);
	}
	if (is_set(a->dst_ip, alen) || is_set(a->dst_mask, alen)) {
		r->checks |= CHK_DIP;
		set_addr(&r->dip, &r->dip_mask, a->dst_ip, a->dst_mask, r->family);
	}
	if (a->protocol) {
		r->checks |= CHK_PROTO;
		r->proto = (uint8_t)a->protocol;
	}
	if (a->src_port[0]) {
		r->checks |= CHK_SPORT;
		set_ports(r->sport, a->src_port);
	}
	if (a->dst_port[0]) {
		r->checks |= CHK_DPORT;
		set_ports(r->dport, a->dst_port);
	}
	if (a->check_tcp_state) {
		r->checks |= CHK_TCP;
		r->established = a->established;
	}
}

static int rule_from_conf(const struct conf_access *a, struct acl_rule *r, char *err, size_t errlen)
{
	const char *file = is_file_ref(a->src_user) ? a->src_user : a->dst_user;

	if (is_file_ref(file)) {
		snprintf(err, errlen,
			 "access list entry %u: user name \"%.64s\": include:/exclude: files are "
			 "not supported",
			 a->id, file);
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->id = a->id;
	r->discard = a->discard;
	set_macs_and_users(r, a);
	set_l3_l4(r, a);
	return 0;
}

static bool in_range(uint16_t v, const uint16_t r[2])
{
	return v >= r[0] && v <= r[1];
}

static bool addr_match(const struct acl_view *v, struct acl_key frame, struct acl_key addr,
		       struct acl_key mask, uint8_t family)
{
	return v->addr_family == family && key_eq(key_and(frame, mask), addr);
}

/* SoftEther's IsPacketMaskedByAccessList for one compiled rule. */
static bool rule_match(const struct acl_rule *r, const struct acl_view *v)
{
	uint16_t c = r->checks;

	if (((c & CHK_SUSER) && !who_is(v->src, r->suser)) ||
	    ((c & CHK_DUSER) && !who_is(v->dst, r->duser)))
		return false;
	if (((c & CHK_SMAC) && (v->smac & r->smac_mask) != r->smac) ||
	    ((c & CHK_DMAC) && (v->dmac & r->dmac_mask) != r->dmac))
		return false;
	if ((c & CHK_TCP) && (!v->tcp || v->established != r->established))
		return false;
	if (((c & CHK_SIP) && !addr_match(v, v->sip, r->sip, r->sip_mask, r->family)) ||
	    ((c & CHK_DIP) && !addr_match(v, v->dip, r->dip, r->dip_mask, r->family)))
		return false;
	if ((c & CHK_PROTO) && (v->ip_family != r->family || v->proto != r->proto))
		return false;
	if (((c & CHK_SPORT) && (!v->ports || !in_range(v->sport, r->sport))) ||
	    ((c & CHK_DPORT) && (!v->ports || !in_range(v->dport, r->dport))))
		return false;
	return true;
}

/* ---- the index ---- */

/* MurmurHash3's finalizer: addresses differ in their high bits, ports in their low ones. */
static uint64_t key_hash(struct acl_key k)
{
	uint64_t h = k.a ^ (k.b * 0x9e3779b97f4a7c15ULL);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ h >> 33;
}

static const struct acl_slot *table_find(const struct acl_table *t, struct acl_key k)
{
	for (uint64_t i = key_hash(k) & t->slot_mask;; i = (i + 1) & t->slot_mask) {
		const struct acl_slot *s = &t->slots[i];

		if (s->count == 0)
			return NULL;
		if (key_eq(s->key, k))
			return s;
	}
}

/* The table for (field, family, mask), made if new; -1 when there are too many. */
static int table_get(struct acl_set *s, uint8_t field, uint8_t family, struct acl_key mask)
{
	for (uint32_t i = 0; i < s->ntables; i++) {
		const struct acl_table *t = &s->tables[i];

		if (t->field == field && t->family == family && key_eq(t->mask, mask))
			return (int)i;
	}
	if (s->ntables == ACL_TABLES_MAX)
		return -1;
	s->tables[s->ntables] = (struct acl_table){.field = field, .family = family, .mask = mask};
	return (int)s->ntables++;
}

/*
 * The keys rule r offers for field f, into keys[0..ACL_RANGE_FANOUT), with
 * the table's family and mask; 0 when r has no such condition to file under.
 */
static size_t rule_keys(const struct acl_rule *r, uint8_t f, struct acl_key *keys, uint8_t *family,
			struct acl_key *mask)
{
	const uint16_t *range = f == FLD_DPORT ? r->dport : r->sport;
	uint16_t chk = f == FLD_DPORT ? CHK_DPORT : CHK_SPORT;
	const struct acl_key ones = {UINT64_MAX, 0};
	size_t n = 0;

	*family = 0;
	*mask = ones;
	switch (f) {
	case FLD_DPORT:
	case FLD_SPORT:
		if (!(r->checks & chk) || range[1] - range[0] >= ACL_RANGE_FANOUT)
			return 0;
		for (uint32_t p = range[0]; p <= range[1]; p++)
			keys[n++] = (struct acl_key){p, 0};
		return n;
	case FLD_DIP:
	case FLD_SIP:
		if (!(r->checks & (f == FLD_DIP ? CHK_DIP : CHK_SIP)))
			return 0;
		*family = r->family;
		*mask = f == FLD_DIP ? r->dip_mask : r->sip_mask;
		keys[0] = f == FLD_DIP ? r->dip : r->sip;
		return 1;
	case FLD_DMAC:
	case FLD_SMAC:
		if (!(r->checks & (f == FLD_DMAC ? CHK_DMAC : CHK_SMAC)))
			return 0;
		*mask = (struct acl_key){f == FLD_DMAC ? r->dmac_mask : r->smac_mask, 0};
		keys[0] = (struct acl_key){f == FLD_DMAC ? r->dmac : r->smac, 0};
		return 1;
	case FLD_DUSER:
	case FLD_SUSER:
		if (!(r->checks & (f == FLD_DUSER ? CHK_DUSER : CHK_SUSER)))
			return 0;
		keys[0] = (struct acl_key){f == FLD_DUSER ? r->duser : r->suser, 0};
		return 1;
	case FLD_PROTO:
		if (!(r->checks & CHK_PROTO))
			return 0;
		*family = r->family;
		keys[0] = (struct acl_key){r->proto, 0};
		return 1;
	}
	return 0;
}

struct acl_cands {
	struct acl_cand *v;
	size_t n, cap;
};

static int cands_push(struct acl_cands *c, const struct acl_cand *x)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct acl_cand *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -1;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *x;
	return 0;
}

/* Every key every rule offers, in every field it has a condition on. */
static int collect_cands(struct acl_set *s, struct acl_cands *c)
{
	struct acl_key keys[ACL_RANGE_FANOUT], mask;
	uint8_t family;

	for (uint32_t pos = 0; pos < s->nrules; pos++) {
		for (enum acl_field f = 0; f < FLD_COUNT; f++) {
			size_t n = rule_keys(&s->rules[pos], f, keys, &family, &mask);
			int t = n ? table_get(s, f, family, mask) : -1;

			for (size_t i = 0; t >= 0 && i < n; i++) {
				struct acl_cand x = {
				    .key = keys[i], .table = (uint32_t)t, .pos = pos, .field = f};

				if (cands_push(c, &x) != 0)
					return -1;
			}
		}
	}
	return 0;
}

static int cand_cmp(const void *x, const void *y)
{
	const struct acl_cand *a = x, *b = y;

	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	if (a->key.a != b->key.a)
		return a->key.a < b->key.a ? -1 : 1;
	if (a->key.b != b->key.b)
		return a->key.b < b->key.b ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static bool same_bucket(const struct acl_cand *a, const struct acl_cand *b)
{
	return a->table == b->table && key_eq(a->key, b->key);
}

/* Sets each candidate's count: how many candidates share its bucket. */
static void count_buckets(struct acl_cands *c)
{
	for (size_t i = 0, j; i < c->n; i = j) {
		for (j = i + 1; j < c->n && same_bucket(&c->v[i], &c->v[j]); j++)
			;
		for (size_t k = i; k < j; k++)
			c->v[k].count = (uint32_t)(j - i);
	}
}

/* Per rule, the field whose buckets hold the fewest rules; FLD_COUNT = wildcard. */
static int choose_fields(const struct acl_set *s, const struct acl_cands *c, uint8_t *choice)
{
	uint64_t *cost = calloc((size_t)s->nrules * FLD_COUNT + 1, sizeof(*cost));

	if (!cost)
		return -1;
	for (size_t i = 0; i < c->n; i++)
		cost[(size_t)c->v[i].pos * FLD_COUNT + c->v[i].field] += c->v[i].count;
	for (uint32_t pos = 0; pos < s->nrules; pos++) {
		const uint64_t *rc = cost + (size_t)pos * FLD_COUNT;

		choice[pos] = FLD_COUNT;
		for (enum acl_field f = 0; f < FLD_COUNT; f++)
			if (rc[f] && (choice[pos] == FLD_COUNT || rc[f] < rc[choice[pos]]))
				choice[pos] = f;
	}
	free(cost);
	return 0;
}

/* Keeps the chosen candidates (still sorted) and drops the tables left empty. */
static void keep_chosen(struct acl_set *s, struct acl_cands *c, const uint8_t *choice)
{
	uint32_t remap[ACL_TABLES_MAX] = {0};
	bool used[ACL_TABLES_MAX] = {false};
	uint32_t nt = 0;
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].field == choice[c->v[i].pos]) {
			used[c->v[i].table] = true;
			c->v[n++] = c->v[i];
		}
	c->n = n;
	for (uint32_t t = 0; t < s->ntables; t++) {
		remap[t] = nt;
		if (used[t])
			s->tables[nt++] = s->tables[t];
	}
	s->ntables = nt;
	for (size_t i = 0; i < c->n; i++)
		c->v[i].table = remap[c->v[i].table];
}

static uint32_t slots_for(size_t keys)
{
	uint32_t n = 4;

	while (n < keys * 2)
		n *= 2;
	return n;
}

static void table_insert(struct acl_table *t, struct acl_key k, uint32_t start, uint32_t count)
{
	uint64_t i = key_hash(k) & t->slot_mask;

	while (t->slots[i].count)
		i = (i + 1) & t->slot_mask;
	t->slots[i] = (struct acl_slot){k, start, count};
}

/* Builds table t's slots from its run of candidates c[0..n); appends their rules. */
static int build_table(struct acl_set *s, struct acl_table *t, const struct acl_cand *c, size_t n,
		       uint32_t *used)
{
	size_t keys = 0;
	uint32_t slots;

	for (size_t i = 0; i < n; i++)
		keys += i == 0 || !same_bucket(&c[i - 1], &c[i]);
	slots = slots_for(keys);
	t->slots = calloc(slots, sizeof(*t->slots));
	if (!t->slots)
		return -1;
	t->slot_mask = slots - 1;
	t->min_pos = ACL_NONE;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && same_bucket(&c[i], &c[j]); j++)
			;
		table_insert(t, c[i].key, *used, (uint32_t)(j - i));
		for (size_t k = i; k < j; k++)
			s->lists[(*used)++] = c[k].pos;
		if (c[i].pos < t->min_pos)
			t->min_pos = c[i].pos;
	}
	return 0;
}

static int build_index(struct acl_set *s, const struct acl_cands *c, const uint8_t *choice)
{
	uint32_t used = 0;
	size_t i = 0;

	s->lists = malloc((c->n + s->nrules + 1) * sizeof(*s->lists));
	if (!s->lists)
		return -1;
	for (uint32_t t = 0; t < s->ntables; t++) {
		size_t j = i;

		while (j < c->n && c->v[j].table == t)
			j++;
		if (build_table(s, &s->tables[t], c->v + i, j - i, &used) != 0)
			return -1;
		i = j;
	}
	s->wild_start = used;
	for (uint32_t pos = 0; pos < s->nrules; pos++)
		if (choice[pos] == FLD_COUNT)
			s->lists[used++] = pos;
	s->wild_count = used - s->wild_start;
	return 0;
}

static int index_set(struct acl_set *s)
{
	struct acl_cands c = {0};
	uint8_t *choice = malloc(s->nrules ? s->nrules : 1);
	int rc = -1;

	if (!choice)
		return -1;
	if (s->nrules <= ACL_SCAN_MAX) {
		memset(choice, FLD_COUNT, s->nrules); /* all on the wildcard list */
		rc = build_index(s, &c, choice);
	} else if (collect_cands(s, &c) == 0) {
		if (c.n)
			qsort(c.v, c.n, sizeof(*c.v), cand_cmp);
		count_buckets(&c);
		if (choose_fields(s, &c, choice) == 0) {
			keep_chosen(s, &c, choice);
			rc = build_index(s, &c, choice);
		}
	}
	free(c.v);
	free(choice);
	return rc;
}

static void free_set(struct acl_set *s)
{
	for (uint32_t t = 0; t < s->ntables; t++)
		free(s->tables[t].slots);
	free(s->rules);
	free(s->lists);
}

/* The active entries of e[0..n) as rule set s, indexed. */
static int compile_set(struct acl_set *s, const struct conf_access *e, size_t n, char *err,
		       size_t errlen)
{
	s->rules = calloc(n ? n : 1, sizeof(*s->rules));
	if (!s->rules)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		if (!e[i].active)
			continue;
		if (rule_from_conf(&e[i], &s->rules[s->nrules], err, errlen) != 0)
			return -1;
		s->nrules++;
	}
	if (index_set(s) == 0)
		return 0;
nomem:
	snprintf(err, errlen, "access list: out of memory");
	return -1;
}

struct acl *acl_compile(const struct conf_access *entries, size_t n, unsigned flags, char *err,
			size_t errlen)
{
	struct acl *acl = calloc(1, sizeof(*acl));
	size_t split = 0;

	if (!acl) {
		snprintf(err, errlen, "access list: out of memory");
		return NULL;
	}
	acl->flags = flags;
	/* SoftEther splits at the first entry naming a DestUsername, active or not */
	while (split < n && !entries[split].dst_user[0])
		split++;
	if (compile_set(&acl->in, entries, split, err, errlen) != 0 ||
	    compile_set(&acl->out, entries + split, n - split, err, errlen) != 0) {
		acl_free(acl);
		return NULL;
	}
	return acl;
}

void acl_free(struct acl *acl)
{
	if (!acl)
		return;
	free_set(&acl->in);
	free_set(&acl->out);
	free(acl);
}

/* ---- lookups ---- */

static void view_init(struct acl_view *v, unsigned flags, const struct pkt_info *pi,
		      const struct acl_who *src, const struct acl_who *dst)
{
	memset(v, 0, sizeof(*v));
	v->src = src;
	v->dst = dst;
	v->smac = mac64(pi->src);
	v->dmac = mac64(pi->dst);
	if (pkt_is_ip(pi)) {
		v->ip_family = v->addr_family = pi->l3 == PKT_L3_IPV4 ? 4 : 6;
		v->proto = pi->ip_proto;
		v->sip = ip_key(pi->ip_src, v->ip_family);
		v->dip = ip_key(pi->ip_dst, v->ip_family);
	} else if (pi->l3 == PKT_L3_ARP && (flags & ACL_APPLY_IPV4_ON_ARP)) {
		v->addr_family = 4;
		v->sip = ip_key(pi->arp_spa, 4);
		v->dip = ip_key(pi->arp_tpa, 4);
	}
	v->ports = pi->l4 == PKT_L4_TCP || pi->l4 == PKT_L4_UDP;
	v->sport = pi->sport;
	v->dport = pi->dport;
	v->tcp = pi->l4 == PKT_L4_TCP;
	v->established = !pkt_tcp_is_syn(pi);
}

/* The frame's value for table t's field; false when the frame has none. */
static bool view_key(const struct acl_view *v, const struct acl_table *t, struct acl_key *k)
{
	switch (t->field) {
	case FLD_DPORT:
	case FLD_SPORT:
		*k = (struct acl_key){t->field == FLD_DPORT ? v->dport : v->sport, 0};
		return v->ports;
	case FLD_DIP:
	case FLD_SIP:
		*k = key_and(t->field == FLD_DIP ? v->dip : v->sip, t->mask);
		return v->addr_family == t->family;
	case FLD_DMAC:
	case FLD_SMAC:
		*k = (struct acl_key){(t->field == FLD_DMAC ? v->dmac : v->smac) & t->mask.a, 0};
		return true;
	case FLD_PROTO:
		*k = (struct acl_key){v->proto, 0};
		return v->ip_family == t->family;
	}
	return false;
}

/* Checks list[0..n) in order until a match or a rule not before *best. */
static void scan(const struct acl_set *s, const uint32_t *list, uint32_t n,
		 const struct acl_view *v, uint32_t *best)
{
	for (uint32_t i = 0; i < n && list[i] < *best; i++)
		if (rule_match(&s->rules[list[i]], v)) {
			*best = list[i];
			return;
		}
}

static void probe(const struct acl_set *s, const struct acl_table *t, struct acl_key k,
		  const struct acl_view *v, uint32_t *best)
{
	const struct acl_slot *slot = table_find(t, k);

	if (slot)
		scan(s, s->lists + slot->start, slot->count, v, best);
}

static void probe_who(const struct acl_set *s, const struct acl_table *t, const struct acl_who *w,
		      const struct acl_view *v, uint32_t *best)
{
	if (!w)
		return;
	if (w->user)
		probe(s, t, (struct acl_key){w->user, 0}, v, best);
	if (w->group && w->group != w->user)
		probe(s, t, (struct acl_key){w->group, 0}, v, best);
}

/* The first rule of s matching the frame; ACL_NONE when none does. */
static uint32_t set_lookup(const struct acl_set *s, const struct acl_view *v)
{
	uint32_t best = ACL_NONE;
	struct acl_key k;

	scan(s, s->lists + s->wild_start, s->wild_count, v, &best);
	for (uint32_t i = 0; i < s->ntables; i++) {
		const struct acl_table *t = &s->tables[i];

		if (t->min_pos >= best)
			continue;
		if (t->field == FLD_SUSER || t->field == FLD_DUSER)
			probe_who(s, t, t->field == FLD_SUSER ? v->src : v->dst, v, &best);
		else if (view_key(v, t, &k))
			probe(s, t, k, v, &best);
	}
	return best;
}

static enum acl_verdict decide(const struct acl_set *s, const struct acl_view *v,
			       uint32_t *entry_id)
{
	uint32_t pos = set_lookup(s, v);
	const struct acl_rule *r = pos == ACL_NONE ? NULL : &s->rules[pos];

	if (entry_id)
		*entry_id = r ? r->id : 0;
	return r && r->discard ? ACL_DISCARD : ACL_PASS;
}

enum acl_verdict acl_ingress(const struct acl *acl, const struct pkt_info *pi,
			     const struct acl_who *src, uint32_t *entry_id)
{
	struct acl_view v;

	if (!acl || acl->in.nrules == 0) {
		if (entry_id)
			*entry_id = 0;
		return ACL_PASS;
	}
	view_init(&v, acl->flags, pi, src, NULL);
	return decide(&acl->in, &v, entry_id);
}

enum acl_verdict acl_egress(const struct acl *acl, const struct pkt_info *pi,
			    const struct acl_who *src, const struct acl_who *dst,
			    uint32_t *entry_id)
{
	struct acl_view v;

	if (!acl || acl->out.nrules == 0) {
		if (entry_id)
			*entry_id = 0;
		return ACL_PASS;
	}
	view_init(&v, acl->flags, pi, src, dst);
	return decide(&acl->out, &v, entry_id);
}

bool acl_has_egress(const struct acl *acl)
{
	return acl && acl->out.nrules > 0;
}

size_t acl_ingress_count(const struct acl *acl)
{
	return acl ? acl->in.nrules : 0;
}

size_t acl_egress_count(const struct acl *acl)
{
	return acl ? acl->out.nrules : 0;
}
