/* SPDX-License-Identifier: GPL-2.0 */
/* vpnlan.ko internals shared by the character device and the netdev. */
#ifndef VPNLAN_H
#define VPNLAN_H

#include <linux/atomic.h>
#include <linux/netdevice.h>

#include "vpnlan_abi.h"

#define VPNLAN_DRV_NAME "vpnlan"
#define VPNLAN_DRV_VERSION "1.0"

/*
 * One ring as the kernel sees it.  The shared words (prod, cons, flags,
 * descriptors, data) are in the mapping user space writes to; the kernel
 * keeps its own index in "own" and never reads it back from shared memory.
 */
struct vpnlan_kring {
	u32 *prod, *prod_flags, *cons, *cons_flags;
	struct vpnlan_desc *desc;
	u8 *data;
	u32 nslots, slot_size, mask;
	u32 own;       /* the kernel's index: prod on tx, cons on rx */
	u32 max_chain; /* slots one largest frame needs */
};

enum vpnlan_counter {
	VPNLAN_C_TX_RING_FULL,
	VPNLAN_C_TX_STOPS,
	VPNLAN_C_TX_WAKES,
	VPNLAN_C_USER_KICKS,
	VPNLAN_C_EVENTFD_SIGNALS,
	VPNLAN_C_BAD_DESC,
	VPNLAN_C_TX_DROPS,
	VPNLAN_C_RX_DROPS,
	VPNLAN_C_COUNT
};

struct vpnlan_priv {
	struct net_device *dev;
	struct napi_struct napi;
	struct vpnlan_kring tx; /* stack -> daemon */
	struct vpnlan_kring rx; /* daemon -> stack */
	struct eventfd_ctx *efd;
	void *area;
	size_t map_size;
	unsigned int hdr_len; /* 10 with VPNLAN_F_VNET_HDR, else 0 */
	bool broken;	      /* user space broke a ring rule: drop everything */
	atomic64_t counters[VPNLAN_C_COUNT];
};

static inline void vpnlan_count(struct vpnlan_priv *vp, enum vpnlan_counter c)
{
	atomic64_inc(&vp->counters[c]);
}

/* netdev.c */
struct net_device *vpnlan_netdev_alloc(const struct vpnlan_setup *s, void *area, size_t map_size,
				       struct eventfd_ctx *efd);
void vpnlan_kick(struct vpnlan_priv *vp);
void vpnlan_signal_user(struct vpnlan_priv *vp);

/* ring.c */
size_t vpnlan_map_layout(struct vpnlan_setup *s);
void vpnlan_kring_init(struct vpnlan_kring *r, void *area, const struct vpnlan_ring_offsets *o,
		       const struct vpnlan_setup *s);
u32 vpnlan_slots_for(const struct vpnlan_kring *r, u32 bytes);
int vpnlan_tx_space(struct vpnlan_kring *r, u32 *space);
int vpnlan_tx_put(struct vpnlan_kring *r, const void *hdr, unsigned int hdr_len,
		  const struct sk_buff *skb);

/* A frame's slot lengths, copied once out of the shared descriptors. */
struct vpnlan_chain {
	u32 nslots;
	u32 len;
	u32 lens[VPNLAN_CHAIN_MAX];
};

int vpnlan_rx_peek(const struct vpnlan_kring *r, u32 avail, struct vpnlan_chain *c);
void vpnlan_rx_copy(const struct vpnlan_kring *r, const struct vpnlan_chain *c, u32 off, void *dst,
		    u32 n);

#endif
