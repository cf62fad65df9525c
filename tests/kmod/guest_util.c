// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers of the in-guest vpnlan test. */
#define _GNU_SOURCE
#include "guest_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int test_failures;

void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	test_failures += !ok;
}

int lan_create(struct lan *l, const char *name, uint32_t nslots, uint32_t slot_size)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->fd = open(VPNLAN_DEVICE, O_RDWR | O_CLOEXEC);
	l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	l->nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (l->fd < 0 || l->efd < 0 || l->nsfd < 0)
		goto fail;
	snprintf(l->s.ifname, sizeof(l->s.ifname), "%s", name);
	l->s.abi = VPNLAN_ABI_VERSION;
	l->s.nslots = nslots;
	l->s.slot_size = slot_size;
	l->s.eventfd = l->efd;
	l->s.features = VPNLAN_F_VNET_HDR;
	if (ioctl(l->fd, VPNLAN_IOC_CREATE, &l->s) != 0)
		goto fail;
	l->map_size = l->s.map_size;
	l->map = mmap(NULL, l->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, l->fd, 0);
	if (l->map == MAP_FAILED) {
		l->map = NULL;
		goto fail;
	}
	if (ring_attach(&l->tx, l->map, l->map_size, &l->s.tx, nslots, slot_size) != 0 ||
	    ring_attach(&l->rx, l->map, l->map_size, &l->s.rx, nslots, slot_size) != 0) {
		errno = EPROTO;
		goto fail;
	}
	return 0;
fail:
	err = errno;
	lan_close(l);
	return -err;
}

void lan_close(struct lan *l)
{
	if (l->map)
		munmap(l->map, l->map_size);
	if (l->fd > 0)
		close(l->fd);
	if (l->efd > 0)
		close(l->efd);
	if (l->nsfd > 0)
		close(l->nsfd);
	memset(l, 0, sizeof(*l));
}

int lan_kick(struct lan *l)
{
	return ioctl(l->fd, VPNLAN_IOC_KICK);
}

int lan_carrier(struct lan *l, bool up)
{
	return ioctl(l->fd, VPNLAN_IOC_CARRIER, up ? 1 : 0);
}

static int ifreq_ioctl(int s, unsigned long req, const char *name, struct ifreq *ifr)
{
	snprintf(ifr->ifr_name, IFNAMSIZ, "%s", name);
	return ioctl(s, req, ifr);
}

static void set_sin(struct sockaddr *sa, const char *ip)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};

	inet_pton(AF_INET, ip, &sin.sin_addr);
	memcpy(sa, &sin, sizeof(sin));
}

int if_setup(const char *name, const char *ip)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;
	struct ifreq ifr;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	if (ip) {
		set_sin(&ifr.ifr_addr, ip);
		if (ifreq_ioctl(s, SIOCSIFADDR, name, &ifr) != 0)
			goto out;
		set_sin(&ifr.ifr_netmask, "255.255.255.0");
		if (ifreq_ioctl(s, SIOCSIFNETMASK, name, &ifr) != 0)
			goto out;
	}
	if (ifreq_ioctl(s, SIOCGIFFLAGS, name, &ifr) != 0)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	rc = ifreq_ioctl(s, SIOCSIFFLAGS, name, &ifr);
out:
	close(s);
	return rc;
}

static int ethtool(int s, const char *name, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = cmd;
	return ifreq_ioctl(s, SIOCETHTOOL, name, &ifr);
}

int64_t if_counter(const char *name, const char *counter)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t n;
	} info = {.hdr = {.cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ull << ETH_SS_STATS}};
	struct ethtool_gstrings *strs = NULL;
	struct ethtool_stats *stats = NULL;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int64_t v = -1;

	if (s < 0 || ethtool(s, name, &info) != 0 || info.n == 0 || info.n > 64)
		goto out;
	strs = calloc(1, sizeof(*strs) + info.n * ETH_GSTRING_LEN);
	stats = calloc(1, sizeof(*stats) + info.n * sizeof(uint64_t));
	if (!strs || !stats)
		goto out;
	*strs = (struct ethtool_gstrings){
	    .cmd = ETHTOOL_GSTRINGS, .string_set = ETH_SS_STATS, .len = info.n};
	*stats = (struct ethtool_stats){.cmd = ETHTOOL_GSTATS, .n_stats = info.n};
	if (ethtool(s, name, strs) != 0 || ethtool(s, name, stats) != 0)
		goto out;
	for (uint32_t i = 0; i < info.n; i++)
		if (strncmp((char *)strs->data + i * ETH_GSTRING_LEN, counter, ETH_GSTRING_LEN) ==
		    0)
			v = (int64_t)stats->data[i];
out:
	free(strs);
	free(stats);
	if (s >= 0)
		close(s);
	return v;
}

int ns_enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWNET);
}

int ns_current(void)
{
	return open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
}

int ns_run(int nsfd, char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (ns_enter(nsfd) != 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
