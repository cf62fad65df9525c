/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The vpnlan user/kernel ABI: the one definition shared by vpnlan.ko and
 * vpnclient.  docs/ring-abi.md explains it.
 *
 * open("/dev/vpnlan") and VPNLAN_IOC_CREATE make one Ethernet interface
 * tied to that file; closing the file removes it.  mmap(offset 0,
 * map_size) shows two single-producer/single-consumer rings:
 *   tx: stack -> daemon (the kernel produces, user space consumes)
 *   rx: daemon -> stack (user space produces, the kernel consumes)
 * A frame is [struct virtio_net_hdr, if VPNLAN_F_VNET_HDR][Ethernet frame]
 * spread over consecutive slots; every slot but the last has
 * VPNLAN_DESC_F_MORE.  Indices are free-running __u32, masked by nslots - 1.
 */
#ifndef VPNLAN_ABI_H
#define VPNLAN_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VPNLAN_DEVICE "/dev/vpnlan"
#define VPNLAN_ABI_VERSION 1

#define VPNLAN_VNET_HDR_LEN 10		  /* struct virtio_net_hdr */
#define VPNLAN_FRAME_MAX (65535 + 14 + 4) /* max IP packet + Ethernet + VLAN */
#define VPNLAN_FRAME_MIN 14		  /* Ethernet header */
#define VPNLAN_UNIT_MAX (VPNLAN_VNET_HDR_LEN + VPNLAN_FRAME_MAX)

/* Ring geometry limits (checked by VPNLAN_IOC_CREATE) */
#define VPNLAN_SLOTS_MIN 64u
#define VPNLAN_SLOTS_MAX 16384u /* power of two in between */
#define VPNLAN_SLOT_SIZE_MIN 2048u
#define VPNLAN_SLOT_SIZE_MAX 65536u	  /* multiple of 64 in between */
#define VPNLAN_RING_BYTES_MAX (32u << 20) /* nslots * slot_size per ring */
/* Slots one frame may span: ceil(UNIT_MAX / SLOT_SIZE_MIN) */
#define VPNLAN_CHAIN_MAX ((VPNLAN_UNIT_MAX + VPNLAN_SLOT_SIZE_MIN - 1) / VPNLAN_SLOT_SIZE_MIN)

/* struct vpnlan_setup.features */
#define VPNLAN_F_VNET_HDR 0x1u /* frames carry virtio_net_hdr: GSO and checksum offload */
#define VPNLAN_F_ALL VPNLAN_F_VNET_HDR

/* struct vpnlan_desc.flags */
#define VPNLAN_DESC_F_MORE 0x1u /* the frame continues in the next slot */

/* cons_flags, written by the consumer: it sleeps, the producer must notify */
#define VPNLAN_RING_NEED_WAKEUP 0x1u
/* prod_flags, written by the producer: it waits for space, the consumer must notify */
#define VPNLAN_RING_NEED_SPACE 0x1u

/* Slot i is described by desc[i]; its bytes are at data + i * slot_size. */
struct vpnlan_desc {
	__u32 len;
	__u32 flags;
};

/*
 * Byte offsets from the start of the mapping.  prod and prod_flags share a
 * cache line written only by the producer; cons and cons_flags share another
 * written only by the consumer.  All are __u32.
 */
struct vpnlan_ring_offsets {
	__u64 prod;
	__u64 prod_flags;
	__u64 cons;
	__u64 cons_flags;
	__u64 desc; /* nslots * struct vpnlan_desc */
	__u64 data; /* nslots * slot_size */
};

/* In/out argument of VPNLAN_IOC_CREATE. */
struct vpnlan_setup {
	char ifname[16];	       /* in: name or pattern ("" = "vpnlan%d"); out: the name */
	__u8 mac[6];		       /* in: unicast address, all zero = random */
	__u16 abi;		       /* in: VPNLAN_ABI_VERSION */
	__u32 nslots;		       /* in: slots per ring */
	__u32 slot_size;	       /* in: bytes per slot */
	__s32 eventfd;		       /* in: kernel -> user notification */
	__u32 features;		       /* in: VPNLAN_F_* */
	__u64 map_size;		       /* out: bytes to mmap at offset 0 */
	struct vpnlan_ring_offsets tx; /* out: stack -> daemon */
	struct vpnlan_ring_offsets rx; /* out: daemon -> stack */
};

/*
 * The layout VPNLAN_IOC_CREATE reports (user space must use the offsets it
 * returns, not call this): page 0 holds each ring's producer line (prod,
 * prod_flags) and consumer line (cons, cons_flags), 64 bytes apart; then
 * both descriptor arrays, then both data areas, each 4096-aligned.
 * Fills s->map_size and the offsets and returns the size.
 */
#define VPNLAN_LAYOUT_ALIGN 4096u
#define VPNLAN_LAYOUT_LINE 64u

static inline __u64 vpnlan_layout_round(__u64 n)
{
	return (n + VPNLAN_LAYOUT_ALIGN - 1) & ~(__u64)(VPNLAN_LAYOUT_ALIGN - 1);
}

static inline __u64 vpnlan_layout(struct vpnlan_setup *s)
{
	__u64 desc_bytes = vpnlan_layout_round((__u64)s->nslots * sizeof(struct vpnlan_desc));
	__u64 data_bytes = vpnlan_layout_round((__u64)s->nslots * s->slot_size);
	struct vpnlan_ring_offsets *rings[2] = { &s->tx, &s->rx };
	__u64 off = VPNLAN_LAYOUT_ALIGN;
	int i;

	for (i = 0; i < 2; i++) {
		rings[i]->prod = (__u64)i * 2 * VPNLAN_LAYOUT_LINE;
		rings[i]->prod_flags = rings[i]->prod + sizeof(__u32);
		rings[i]->cons = rings[i]->prod + VPNLAN_LAYOUT_LINE;
		rings[i]->cons_flags = rings[i]->cons + sizeof(__u32);
		rings[i]->desc = off;
		off += desc_bytes;
	}
	for (i = 0; i < 2; i++) {
		rings[i]->data = off;
		off += data_bytes;
	}
	s->map_size = off;
	return off;
}

#define VPNLAN_IOC_MAGIC 0xd7
#define VPNLAN_IOC_CREATE _IOWR(VPNLAN_IOC_MAGIC, 1, struct vpnlan_setup)
/* user -> kernel: "rx has frames" and/or "tx has space" (no argument) */
#define VPNLAN_IOC_KICK _IO(VPNLAN_IOC_MAGIC, 2)
/* carrier on (argument != 0) or off; the argument is the int value itself */
#define VPNLAN_IOC_CARRIER _IO(VPNLAN_IOC_MAGIC, 3)

#endif
