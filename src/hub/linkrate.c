// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TCP_INFO through the kernel's own header: glibc's struct tcp_info stops
 * before tcpi_delivery_rate, so this file includes <linux/tcp.h> and nothing
 * that pulls in <netinet/tcp.h>.
 */
#include "linkrate.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

uint64_t linkrate_sample(int fd)
{
	struct tcp_info ti = {0};
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
	    len < offsetof(struct tcp_info, tcpi_delivery_rate) + sizeof(ti.tcpi_delivery_rate))
		return 0;
	return ti.tcpi_delivery_rate;
}
