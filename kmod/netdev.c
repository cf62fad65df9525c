// SPDX-License-Identifier: GPL-2.0
/*
 * The vpnlan Ethernet device: transmit into the tx ring with the queue
 * stopped before the ring can overflow, receive from the rx ring by NAPI
 * with GRO, ethtool counters.  Notifications follow the store-buffering
 * pattern of docs/ring-abi.md: a side notifies only a peer that set its
 * NEED_WAKEUP / NEED_SPACE flag, with a full barrier on both sides.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

#include "compat.h"
#include "vpnlan.h"

static const char vpnlan_counter_names[VPNLAN_C_COUNT][ETH_GSTRING_LEN] = {
	[VPNLAN_C_TX_RING_FULL] = "tx_ring_full",
	[VPNLAN_C_TX_STOPS] = "tx_stops",
	[VPNLAN_C_TX_WAKES] = "tx_wakes",
	[VPNLAN_C_USER_KICKS] = "user_kicks",
	[VPNLAN_C_EVENTFD_SIGNALS] = "eventfd_signals",
	[VPNLAN_C_BAD_DESC] = "bad_desc",
	[VPNLAN_C_TX_DROPS] = "tx_drops",
	[VPNLAN_C_RX_DROPS] = "rx_drops",
};

void vpnlan_signal_user(struct vpnlan_priv *vp)
{
	vpnlan_eventfd_signal(vp->efd);
	vpnlan_count(vp, VPNLAN_C_EVENTFD_SIGNALS);
}

/* User space broke a ring rule: drop everything until the file is closed. */
static void vpnlan_break(struct vpnlan_priv *vp)
{
	vpnlan_count(vp, VPNLAN_C_BAD_DESC);
	if (!READ_ONCE(vp->broken))
		netdev_err(vp->dev, "invalid ring index or descriptor from user space; "
				    "dropping all frames until the device file is closed\n");
	WRITE_ONCE(vp->broken, true);
}

/* Wakes the queue if the consumer freed room for a largest frame; tx lock held. */
static bool vpnlan_tx_try_wake(struct vpnlan_priv *vp)
{
	u32 space;

	if (vpnlan_tx_space(&vp->tx, &space) || space < vp->tx.max_chain)
		return false;
	WRITE_ONCE(*vp->tx.prod_flags, 0);
	netif_wake_queue(vp->dev);
	vpnlan_count(vp, VPNLAN_C_TX_WAKES);
	return true;
}

/* Stops the queue before the ring can overflow (no tail drop, unlike tap). */
static void vpnlan_tx_stop(struct vpnlan_priv *vp)
{
	netif_stop_queue(vp->dev);
	vpnlan_count(vp, VPNLAN_C_TX_STOPS);
	WRITE_ONCE(*vp->tx.prod_flags, VPNLAN_RING_NEED_SPACE);
	smp_mb(); /* flag before re-reading cons; pairs with the consumer's barrier */
	vpnlan_tx_try_wake(vp);
}

static void vpnlan_tx_notify(struct vpnlan_priv *vp)
{
	smp_mb(); /* prod before NEED_WAKEUP; pairs with the consumer's barrier */
	if (READ_ONCE(*vp->tx.cons_flags) & VPNLAN_RING_NEED_WAKEUP)
		vpnlan_signal_user(vp);
}

static netdev_tx_t vpnlan_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vpnlan_priv *vp = netdev_priv(dev);
	struct virtio_net_hdr hdr;
	u32 space, need, len = skb->len;

	if (READ_ONCE(vp->broken))
		goto drop;
	if (vpnlan_tx_space(&vp->tx, &space)) {
		vpnlan_break(vp);
		goto drop;
	}
	if (len > VPNLAN_FRAME_MAX)
		goto drop;
	need = vpnlan_slots_for(&vp->tx, vp->hdr_len + len);
	if (need > space) { /* only when user space moved cons backwards */
		vpnlan_count(vp, VPNLAN_C_TX_RING_FULL);
		vpnlan_tx_stop(vp);
		goto drop;
	}
	if (vp->hdr_len && virtio_net_hdr_from_skb(skb, &hdr, true, false, 0))
		goto drop;
	if (vpnlan_tx_put(&vp->tx, &hdr, vp->hdr_len, skb))
		goto drop;
	dev_sw_netstats_tx_add(dev, 1, len);
	if (space - need < vp->tx.max_chain)
		vpnlan_tx_stop(vp);
	if (!netdev_xmit_more() || netif_queue_stopped(dev))
		vpnlan_tx_notify(vp);
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;
drop:
	vpnlan_count(vp, VPNLAN_C_TX_DROPS);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* One frame from the rx ring into GRO; a bad frame is this frame's loss. */
static void vpnlan_rx_deliver(struct vpnlan_priv *vp, const struct vpnlan_chain *c)
{
	struct virtio_net_hdr hdr;
	struct sk_buff *skb;
	u32 flen;

	if (c->len < vp->hdr_len + ETH_HLEN)
		goto drop;
	flen = c->len - vp->hdr_len;
	skb = napi_alloc_skb(&vp->napi, flen);
	if (!skb)
		goto drop;
	vpnlan_rx_copy(&vp->rx, c, 0, &hdr, vp->hdr_len);
	vpnlan_rx_copy(&vp->rx, c, vp->hdr_len, skb_put(skb, flen), flen);
	skb_reset_mac_header(skb);
	if (vp->hdr_len && virtio_net_hdr_to_skb(skb, &hdr, true)) {
		kfree_skb(skb);
		goto drop;
	}
	skb->protocol = eth_type_trans(skb, vp->dev);
	dev_sw_netstats_rx_add(vp->dev, flen);
	napi_gro_receive(&vp->napi, skb);
	return;
drop:
	vpnlan_count(vp, VPNLAN_C_RX_DROPS);
}

static int vpnlan_rx_batch(struct vpnlan_priv *vp, int budget)
{
	struct vpnlan_kring *r = &vp->rx;
	u32 prod = smp_load_acquire(r->prod); /* (C): pairs with user space's (B) */
	struct vpnlan_chain c;
	int done = 0;

	if (prod - r->own > r->nslots) {
		vpnlan_break(vp);
		return 0;
	}
	while (done < budget && r->own != prod) {
		if (vpnlan_rx_peek(r, prod - r->own, &c)) {
			vpnlan_break(vp);
			break;
		}
		vpnlan_rx_deliver(vp, &c);
		r->own += c.nslots;
		done++;
	}
	smp_store_release(r->cons, r->own); /* (D): slots free; pairs with user space's (A) */
	smp_mb(); /* cons before NEED_SPACE; pairs with the producer's barrier */
	if (done && READ_ONCE(*r->prod_flags) & VPNLAN_RING_NEED_SPACE)
		vpnlan_signal_user(vp);
	return done;
}

static int vpnlan_poll(struct napi_struct *napi, int budget)
{
	struct vpnlan_priv *vp = container_of(napi, struct vpnlan_priv, napi);
	struct vpnlan_kring *r = &vp->rx;
	int done = 0;

	WRITE_ONCE(*r->cons_flags, 0); /* polling: the producer need not kick */
	if (!READ_ONCE(vp->broken))
		done = vpnlan_rx_batch(vp, budget);
	if (done < budget && napi_complete_done(napi, done)) {
		WRITE_ONCE(*r->cons_flags, VPNLAN_RING_NEED_WAKEUP);
		smp_mb(); /* flag before re-reading prod; pairs with the producer's barrier */
		if (!READ_ONCE(vp->broken) && smp_load_acquire(r->prod) != r->own &&
		    napi_schedule_prep(napi)) {
			WRITE_ONCE(*r->cons_flags, 0);
			__napi_schedule(napi);
		}
	}
	return done;
}

/* VPNLAN_IOC_KICK: the daemon published rx frames and/or freed tx slots. */
void vpnlan_kick(struct vpnlan_priv *vp)
{
	vpnlan_count(vp, VPNLAN_C_USER_KICKS);
	if (READ_ONCE(vp->broken))
		return;
	if (netif_queue_stopped(vp->dev)) {
		netif_tx_lock_bh(vp->dev);
		if (netif_queue_stopped(vp->dev))
			vpnlan_tx_try_wake(vp);
		netif_tx_unlock_bh(vp->dev);
	}
	local_bh_disable();
	napi_schedule(&vp->napi);
	local_bh_enable();
}

static int vpnlan_open(struct net_device *dev)
{
	struct vpnlan_priv *vp = netdev_priv(dev);

	napi_enable(&vp->napi);
	netif_start_queue(dev);
	local_bh_disable();
	napi_schedule(&vp->napi); /* frames published while the device was down */
	local_bh_enable();
	return 0;
}

static int vpnlan_stop(struct net_device *dev)
{
	struct vpnlan_priv *vp = netdev_priv(dev);

	netif_stop_queue(dev);
	napi_disable(&vp->napi);
	return 0;
}

static int vpnlan_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void vpnlan_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static void vpnlan_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct vpnlan_priv *vp = netdev_priv(dev);

	dev_fetch_sw_netstats(s, dev->tstats);
	s->tx_dropped = atomic64_read(&vp->counters[VPNLAN_C_TX_DROPS]);
	s->rx_dropped = atomic64_read(&vp->counters[VPNLAN_C_RX_DROPS]);
	s->rx_frame_errors = atomic64_read(&vp->counters[VPNLAN_C_BAD_DESC]);
	s->rx_errors = s->rx_frame_errors;
}

static const struct net_device_ops vpnlan_netdev_ops = {
	.ndo_init = vpnlan_init,
	.ndo_uninit = vpnlan_uninit,
	.ndo_open = vpnlan_open,
	.ndo_stop = vpnlan_stop,
	.ndo_start_xmit = vpnlan_xmit,
	.ndo_get_stats64 = vpnlan_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static void vpnlan_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, VPNLAN_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, VPNLAN_DRV_VERSION, sizeof(info->version));
	strscpy(info->bus_info, VPNLAN_DRV_NAME, sizeof(info->bus_info));
}

static void vpnlan_get_ringparam(struct net_device *dev, struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	struct vpnlan_priv *vp = netdev_priv(dev);

	ring->rx_max_pending = vp->rx.nslots;
	ring->rx_pending = vp->rx.nslots;
	ring->tx_max_pending = vp->tx.nslots;
	ring->tx_pending = vp->tx.nslots;
}

static int vpnlan_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? VPNLAN_C_COUNT : -EOPNOTSUPP;
}

static void vpnlan_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, vpnlan_counter_names, sizeof(vpnlan_counter_names));
}

static void vpnlan_get_ethtool_stats(struct net_device *dev, struct ethtool_stats *stats, u64 *data)
{
	struct vpnlan_priv *vp = netdev_priv(dev);
	int i;

	for (i = 0; i < VPNLAN_C_COUNT; i++)
		data[i] = atomic64_read(&vp->counters[i]);
}

static const struct ethtool_ops vpnlan_ethtool_ops = {
	.get_drvinfo = vpnlan_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_ringparam = vpnlan_get_ringparam,
	.get_sset_count = vpnlan_get_sset_count,
	.get_strings = vpnlan_get_strings,
	.get_ethtool_stats = vpnlan_get_ethtool_stats,
};

static void vpnlan_setup_dev(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &vpnlan_netdev_ops;
	dev->ethtool_ops = &vpnlan_ethtool_ops;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
}

/* The offloads tap offers with TUNSETOFFLOAD(CSUM|TSO4|TSO6|TSO_ECN). */
#define VPNLAN_OFFLOADS                                                                            \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN |             \
	 NETIF_F_HIGHDMA)

struct net_device *vpnlan_netdev_alloc(const struct vpnlan_setup *s, void *area, size_t map_size,
				       struct eventfd_ctx *efd)
{
	struct net_device *dev;
	struct vpnlan_priv *vp;

	dev = alloc_netdev(sizeof(*vp), s->ifname[0] ? s->ifname : "vpnlan%d", NET_NAME_USER,
			   vpnlan_setup_dev);
	if (!dev)
		return NULL;
	vp = netdev_priv(dev);
	vp->dev = dev;
	vp->area = area;
	vp->map_size = map_size;
	vp->efd = efd;
	vp->hdr_len = s->features & VPNLAN_F_VNET_HDR ? VPNLAN_VNET_HDR_LEN : 0;
	vpnlan_kring_init(&vp->tx, area, &s->tx, s);
	vpnlan_kring_init(&vp->rx, area, &s->rx, s);
	*vp->rx.cons_flags = VPNLAN_RING_NEED_WAKEUP; /* NAPI starts idle */
	if (is_zero_ether_addr(s->mac))
		eth_hw_addr_random(dev);
	else
		eth_hw_addr_set(dev, s->mac);
	if (vp->hdr_len) {
		dev->hw_features |= VPNLAN_OFFLOADS;
		dev->features |= VPNLAN_OFFLOADS;
		dev->vlan_features |= VPNLAN_OFFLOADS & ~NETIF_F_HIGHDMA;
	}
	netif_napi_add(dev, &vp->napi, vpnlan_poll);
	netif_carrier_off(dev);
	return dev;
}
