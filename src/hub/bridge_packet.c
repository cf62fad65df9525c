// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Direct-mode bridge ports (bridge_dev.h): AF_PACKET on an existing
 * interface.  Receive: a TPACKET_V3 ring of RING_BLOCK_NR blocks; the kernel
 * hands over a whole block of frames at a time (when it is full, or
 * RING_RETIRE_MS after its first frame), so a busy link costs one wake-up per
 * block and no syscall per frame.  Each frame is copied once, out of the ring
 * into the pkt the hub switches (it outlives the block).  Send: sendmmsg(2)
 * of up to TX_BATCH frames.  PACKET_VNET_HDR on both sides carries GSO and
 * checksum offload: a super-frame that GRO built on the NIC (up to 64 KB)
 * arrives whole behind its virtio_net_hdr and is never dropped as oversized;
 * one the hub sends is segmented by the kernel if the NIC cannot.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bridge_dev.h"
#include "bytes.h"
#include "netif_link.h"
#include "packet.h"
#include "proto.h"
#include "vnet.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23 /* Linux 4.20 */
#endif

#define RING_BLOCK_SIZE (1u << 18) /* 256 KB: a 64 KB super-frame fits with room */
#define RING_BLOCK_NR 16	   /* 4 MB per port */
#define RING_FRAME_SIZE 2048	   /* only a unit of account in TPACKET_V3 */
#define RING_RETIRE_MS 1	   /* longest wait of a frame in a block not yet full */
#define TX_BATCH 64
#define VLAN_HLEN 4

static int fail_errno(char *err, size_t errlen, const char *ifname, const char *what)
{
	int e = errno;

	snprintf(err, errlen, "%s: %s: %s%s", ifname, what, strerror(e),
		 e == EPERM ? " (AF_PACKET needs CAP_NET_RAW)" : "");
	return -1;
}

static int setopt_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

/* Socket options, ring and binding, in the order the kernel requires. */
static int packet_setup(struct bridge_dev *d, const struct conf_bridge *b, char *err, size_t errlen)
{
	struct tpacket_req3 req = {
	    .tp_block_size = RING_BLOCK_SIZE,
	    .tp_block_nr = RING_BLOCK_NR,
	    .tp_frame_size = RING_FRAME_SIZE,
	    .tp_frame_nr = RING_BLOCK_SIZE / RING_FRAME_SIZE * RING_BLOCK_NR,
	    .tp_retire_blk_tov = RING_RETIRE_MS,
	};
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ALL),
	    .sll_ifindex = d->ifindex,
	};
	struct packet_mreq mr = {.mr_ifindex = d->ifindex, .mr_type = PACKET_MR_PROMISC};

	/* the virtio header and the version must come before the ring */
	if (setopt_int(d->fd, SOL_PACKET, PACKET_VNET_HDR, 1) != 0)
		return fail_errno(err, errlen, b->ifname, "PACKET_VNET_HDR");
	if (setopt_int(d->fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3) != 0)
		return fail_errno(err, errlen, b->ifname, "TPACKET_V3");
	if (setsockopt(d->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) != 0)
		return fail_errno(err, errlen, b->ifname, "PACKET_RX_RING");
	d->ring_len = (size_t)RING_BLOCK_SIZE * RING_BLOCK_NR;
	d->ring =
	    mmap(NULL, d->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, d->fd, 0);
	if (d->ring == MAP_FAILED) {
		d->ring = NULL;
		return fail_errno(err, errlen, b->ifname, "mmap of the receive ring");
	}
	d->block_size = RING_BLOCK_SIZE;
	d->block_nr = RING_BLOCK_NR;
	d->block = d->left = 0;
	d->down = false;
	/* the hub's own frames (and the host's) leave by this interface: never read them */
	if (setopt_int(d->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1) != 0)
		return fail_errno(err, errlen, b->ifname, "PACKET_IGNORE_OUTGOING");
	(void)setopt_int(d->fd, SOL_SOCKET, SO_SNDBUF, 4 << 20); /* capped by wmem_max */
	if (bind(d->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		return fail_errno(err, errlen, b->ifname, "bind");
	if (!b->no_promiscuous &&
	    setsockopt(d->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) != 0)
		return fail_errno(err, errlen, b->ifname, "promiscuous mode");
	return 0;
}

/* Adds the kernel's count of frames the full ring refused (reading it resets it). */
static void count_ring_drops(struct bridge_dev *d)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	if (getsockopt(d->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		d->ring_drops += st.tp_drops;
}

static void packet_detach(struct bridge_dev *d)
{
	if (d->fd >= 0)
		count_ring_drops(d);
	if (d->ring)
		munmap(d->ring, d->ring_len);
	d->ring = NULL;
	if (d->fd >= 0)
		close(d->fd); /* the promiscuous membership goes with the socket */
	d->fd = -1;
}

static int packet_attach(struct bridge_dev *d, const struct conf_bridge *b, char *err,
			 size_t errlen)
{
	d->ifindex = (int)if_nametoindex(b->ifname);
	if (d->ifindex == 0) {
		snprintf(err, errlen, "%s: no such interface", b->ifname);
		return -1;
	}
	snprintf(d->ifname, sizeof(d->ifname), "%s", b->ifname);
	d->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0)
		return fail_errno(err, errlen, b->ifname, "AF_PACKET socket");
	if (packet_setup(d, b, err, errlen) != 0) {
		packet_detach(d);
		return -1;
	}
	return 0;
}

static struct tpacket_block_desc *block_at(const struct bridge_dev *d, uint32_t i)
{
	return (struct tpacket_block_desc *)(d->ring + (size_t)i * d->block_size);
}

/* Whether the kernel has handed the block over (acquire: its frames are written). */
static bool block_ready(struct tpacket_block_desc *bd)
{
	/* pairs with the kernel's write barrier before it sets TP_STATUS_USER on a block */
	return __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER;
}

/* Gives the block back to the kernel (release: we are done reading it) and moves on. */
static void block_release(struct bridge_dev *d)
{
	/* pairs with the kernel's read of block_status before it fills the block again */
	__atomic_store_n(&block_at(d, d->block)->hdr.bh1.block_status, TP_STATUS_KERNEL,
			 __ATOMIC_RELEASE);
	d->block = (d->block + 1) % d->block_nr;
	d->left = 0;
}

/*
 * A NIC with VLAN offload hands the tag over beside the frame: put it back,
 * so a trunk port stays a trunk port, and move the offsets behind it.
 */
static void insert_vlan(uint8_t *out, const uint8_t *mac, uint32_t len,
			const struct tpacket3_hdr *h)
{
	uint16_t tpid =
	    (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid : PKT_TPID_8021Q;
	struct vnet_hdr vh;

	vnet_decode(out, &vh);
	if (vh.flags & VNET_F_NEEDS_CSUM)
		put_le16(out + 6, (uint16_t)(vh.csum_start + VLAN_HLEN));
	if (vh.gso_type != VNET_GSO_NONE)
		put_le16(out + 2, (uint16_t)(vh.hdr_len + VLAN_HLEN));
	out += PROTO_VNET_HDR_LEN;
	memcpy(out, mac, 12);
	out[12] = (uint8_t)(tpid >> 8);
	out[13] = (uint8_t)tpid;
	out[14] = (uint8_t)(h->hv1.tp_vlan_tci >> 8);
	out[15] = (uint8_t)h->hv1.tp_vlan_tci;
	memcpy(out + 16, mac + 12, len - 12);
}

/* One frame of the ring as a new pkt, or NULL (counted). */
static struct pkt *frame_to_pkt(struct bridge_dev *d, const struct tpacket3_hdr *h)
{
	const uint8_t *mac = (const uint8_t *)h + h->tp_mac;
	bool tagged = h->tp_status & TP_STATUS_VLAN_VALID;
	uint32_t len = h->tp_snaplen;
	struct pkt *p;

	/* cut short by the ring (cannot happen with 256 KB blocks): never forward a stump */
	if (len != h->tp_len || len < ETH_HLEN || h->tp_mac < PROTO_VNET_HDR_LEN) {
		d->rx_drops++;
		return NULL;
	}
	p = pkt_new(NULL, PROTO_VNET_HDR_LEN + len + (tagged ? VLAN_HLEN : 0), PROTO_F_VNET);
	if (!p) {
		d->rx_drops++;
		return NULL;
	}
	memcpy(p->data, mac - PROTO_VNET_HDR_LEN, PROTO_VNET_HDR_LEN);
	if (tagged)
		insert_vlan(p->data, mac, len, h);
	else
		memcpy(p->data + PROTO_VNET_HDR_LEN, mac, len);
	return p;
}

static int packet_rx(struct bridge_dev *d, struct pkt **out, unsigned max, size_t budget)
{
	unsigned n = 0;
	size_t bytes = 0;

	while (n < max && bytes < budget) {
		struct tpacket_block_desc *bd = block_at(d, d->block);
		const struct tpacket3_hdr *h;

		if (d->left == 0) {
			if (!block_ready(bd))
				break;
			d->left = bd->hdr.bh1.num_pkts;
			d->at = bd->hdr.bh1.offset_to_first_pkt;
			if (d->left == 0) {
				block_release(d);
				continue;
			}
		}
		h = (const struct tpacket3_hdr *)((const uint8_t *)bd + d->at);
		if ((out[n] = frame_to_pkt(d, h)) != NULL)
			bytes += out[n++]->len;
		d->at += h->tp_next_offset;
		if (--d->left == 0)
			block_release(d);
	}
	return (int)n;
}

/* Whether the bound interface still exists under its name (it may just be down). */
static bool still_there(const struct bridge_dev *d)
{
	char name[IFNAMSIZ];

	return if_indextoname((unsigned)d->ifindex, name) && strcmp(name, d->ifname) == 0;
}

static int packet_tx(struct bridge_dev *d, struct pkt **pkts, unsigned n)
{
	static const uint8_t zero_hdr[PROTO_VNET_HDR_LEN];
	struct mmsghdr msg[TX_BATCH];
	struct iovec iov[TX_BATCH][2];
	unsigned done = 0;

	while (done < n) {
		unsigned k = n - done;
		int r;

		if (k > TX_BATCH)
			k = TX_BATCH;
		memset(msg, 0, k * sizeof(msg[0]));
		for (unsigned i = 0; i < k; i++) {
			struct pkt *p = pkts[done + i];
			bool vnet = p->flags & PROTO_F_VNET;

			iov[i][0] = (struct iovec){(void *)zero_hdr, sizeof(zero_hdr)};
			iov[i][1] = (struct iovec){p->data, p->len};
			msg[i].msg_hdr.msg_iov = vnet ? &iov[i][1] : &iov[i][0];
			msg[i].msg_hdr.msg_iovlen = vnet ? 1 : 2;
		}
		r = sendmmsg(d->fd, msg, k, MSG_DONTWAIT);
		if (r > 0) {
			done += (unsigned)r;
			continue;
		}
		if (errno == EAGAIN || errno == EINTR)
			return (int)done; /* socket buffer full: POLLOUT, then the rest */
		if (errno == ENETDOWN || errno == ENXIO || errno == ENODEV) {
			if (!still_there(d))
				return -1;
			d->tx_drops += n - done; /* link down: the whole batch is lost */
			return (int)n;
		}
		/* this frame's loss (qdisc full, link down, too big, bad header): the next one */
		d->tx_drops++;
		done++;
	}
	return (int)n;
}

/* POLLERR is ENETDOWN: the link went down (the kernel re-binds on up), or it is going away. */
static bool packet_gone(struct bridge_dev *d)
{
	struct ifreq ifr;
	char err[128];
	int e = 0;
	socklen_t len = sizeof(e);

	(void)getsockopt(d->fd, SOL_SOCKET, SO_ERROR, &e, &len); /* clears it */
	if (!still_there(d))
		return true;
	netif_ifreq(&ifr, d->ifname);
	d->down = netif_ioctl(AF_INET, SIOCGIFFLAGS, &ifr, "read flags", d->ifname, err,
			      sizeof(err)) != 0 ||
		  !(ifr.ifr_flags & IFF_UP);
	return false;
}

const struct bridge_dev_ops bridge_packet_ops = {
    .mode = "direct",
    .gone = packet_gone,
    .attach = packet_attach,
    .rx = packet_rx,
    .tx = packet_tx,
    .detach = packet_detach,
};
