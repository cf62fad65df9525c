// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backend selection and the interface setup both backends share.  "auto"
 * takes the vpnlan module when /dev/vpnlan exists and TAP otherwise;
 * "kmod" insists on the module.  The caller logs which one it got.
 */
#include "vif.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "netif.h"
#include "vpnlan_abi.h"

int vif_configure(struct vif *v, const struct profile *p, char *err, size_t errlen)
{
	if (netif_set_mac(v->name, p->mac, err, errlen) != 0 ||
	    netif_set_mtu(v->name, p->mtu, err, errlen) != 0)
		return -1;
	if (v->ops->set_carrier(v, false) != 0) {
		snprintf(err, errlen, "%s: cannot set carrier: %s", v->name, strerror(errno));
		return -1;
	}
	if (netif_set_up(v->name, err, errlen) != 0)
		return -1;
	for (size_t i = 0, v4 = 0; i < p->naddr; i++) {
		if (netif_add_addr(v->name, &p->addr[i], (unsigned int)v4, err, errlen) != 0)
			return -1;
		v4 += p->addr[i].family == AF_INET;
	}
	return 0;
}

static int open_with(struct vif *v, const struct vif_ops *ops, const struct profile *p, char *err,
		     size_t errlen)
{
	memset(v, 0, sizeof(*v));
	v->fd = -1;
	v->ops = ops;
	return ops->open(v, p, err, errlen);
}

int vif_open(struct vif *v, const struct profile *p, char *err, size_t errlen)
{
	switch (p->backend) {
	case BACKEND_KMOD:
		return open_with(v, &vif_vpnlan_ops, p, err, errlen);
	case BACKEND_TAP:
		return open_with(v, &vif_tap_ops, p, err, errlen);
	case BACKEND_AUTO:
		break;
	}
	if (p->protocol == HUBCONN_SOFTETHER)
		return open_with(v, &vif_tap_ops, p, err, errlen); /* frames, not rings */
	if (access(VPNLAN_DEVICE, F_OK) != 0) {
		log_info("backend auto: %s is absent, using TAP", VPNLAN_DEVICE);
		return open_with(v, &vif_tap_ops, p, err, errlen);
	}
	if (open_with(v, &vif_vpnlan_ops, p, err, errlen) == 0) {
		log_info("backend auto: %s exists, using the vpnlan module", VPNLAN_DEVICE);
		return 0;
	}
	log_warnx("backend auto: %s; falling back to TAP", err);
	return open_with(v, &vif_tap_ops, p, err, errlen);
}
