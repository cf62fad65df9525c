// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP backend: the device of shared/tap.h (vnet headers, TSO/checksum
 * offload: one read(2) returns a whole TCP super-frame of up to 64 KB and one
 * write(2) delivers one).  Carrier follows the tunnel (TUNSETCARRIER).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tap.h"
#include "vif.h"

static int tap_vif_open(struct vif *v, const struct profile *p, char *err, size_t errlen)
{
	v->fd = tap_open(p->device, v->name, err, errlen);
	if (v->fd < 0)
		return -1;
	/* a SoftEther server carries frames of at most 1600 bytes, checksummed */
	if ((p->protocol == HUBCONN_SOFTETHER &&
	     tap_disable_offloads(v->fd, v->name, err, errlen) != 0) ||
	    vif_configure(v, p, err, errlen) != 0) {
		close(v->fd);
		v->fd = -1;
		return -1;
	}
	return 0;
}

static ssize_t tap_read(struct vif *v, uint8_t *buf, size_t cap)
{
	ssize_t n = read(v->fd, buf, cap);

	if (n >= 0)
		return n;
	return errno == EAGAIN || errno == EINTR ? 0 : -1;
}

static int tap_write(struct vif *v, const uint8_t *hdr, const uint8_t *buf, size_t len)
{
	static const uint8_t zero_hdr[10];
	struct iovec iov[2] = {
	    {.iov_base = (void *)(hdr ? hdr : zero_hdr), .iov_len = sizeof(zero_hdr)},
	    {.iov_base = (void *)buf, .iov_len = len},
	};
	ssize_t n = hdr ? writev(v->fd, iov, 2) : write(v->fd, buf, len);

	/*
	 * A refused frame (queue full, bad offload header from a peer, no
	 * memory) is this frame's loss, never the client's: count it.
	 */
	if (n < 0) {
		v->write_drops++;
		return errno == EBADF ? -1 : 0;
	}
	return 0;
}

static int tap_vif_set_carrier(struct vif *v, bool up)
{
	return tap_set_carrier(v->fd, up);
}

static void tap_close(struct vif *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

const struct vif_ops vif_tap_ops = {
    .name = "tap",
    .open = tap_vif_open,
    .read = tap_read,
    .write = tap_write,
    .set_carrier = tap_vif_set_carrier,
    .close = tap_close,
};
