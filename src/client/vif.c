// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backend selection.  TAP is the only backend in this release; "auto" picks it.
 */
#include "vif.h"

#include <string.h>

int vif_open(struct vif *v, const struct profile *p, char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	v->fd = -1;
	switch (p->backend) {
	case BACKEND_AUTO:
	case BACKEND_TAP:
		v->ops = &vif_tap_ops;
		break;
	}
	return v->ops->open(v, p, err, errlen);
}
