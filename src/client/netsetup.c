// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network setup through iproute2 ("ip", run as a child with a clean
 * environment) and the resolver manager.  Every route is added with
 * "ip route add", so one that exists already is not ours and is never
 * removed by us; what was added is listed in memory and in the state file.
 */
#include "netsetup.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"
#include "status.h"

#define HOOK_TIMEOUT_MS 30000
#define IP_TIMEOUT_MS 10000

/* Runs "ip ARGS" (ARGS: validated words separated by single spaces); output into out. */
static int ip_run(const char *args, char *out, size_t outlen)
{
	static char *const env[] = {SPAWN_PATH, "LC_ALL=C", NULL};
	char exe[64], buf[512], *argv[40], *save = NULL;
	size_t n = 0;
	struct spawn_io io = {.out = out, .outlen = outlen, .timeout_ms = IP_TIMEOUT_MS};

	if (!spawn_find("ip", exe, sizeof(exe))) {
		snprintf(out, outlen, "iproute2 (ip) not found");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", args);
	argv[n++] = exe;
	for (char *w = strtok_r(buf, " ", &save); w && n < 39; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return spawn_run(argv, env, &io);
}

/* "ip ARGS", with a warning naming the command when it fails; 0 or -1. */
__attribute__((format(printf, 1, 2))) static int ip_do(const char *fmt, ...)
{
	char args[400], out[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (ip_run(args, out, sizeof(out)) == 0)
		return 0;
	out[strcspn(out, "\n")] = '\0';
	log_warnx("ip %s: %s", args, out);
	return -1;
}

static const char *family_flag(int family)
{
	return family == AF_INET ? "-4" : "-6";
}

/* The state file, rewritten whole (tmp + rename) after every change. */
static void state_write(struct netsetup *ns)
{
	char tmp[PATH_MAX + 8], ip[64];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", ns->state_path);
	f = fopen(tmp, "we");
	if (!f) {
		log_warn("%s", tmp);
		return;
	}
	for (size_t i = 0; i < ns->napplied; i++)
		fprintf(f, "route %s\n", ns->applied[i].args);
	for (int k = LEASE4; k <= LEASE6; k++)
		if (ns->has_lease[k])
			fprintf(f, "addr %s addr del %s/%u dev %s\n",
				family_flag(ns->lease[k].family),
				netcfg_ip_str(&ns->lease[k].ip, ip, sizeof(ip)),
				ns->lease[k].prefix, ns->ifname);
	if (ns->dns_applied)
		fprintf(f, "dns %s %s\n", resolver_name(ns->resolver), ns->ifname);
	for (int k = LEASE4; k <= LEASE6; k++)
		if (ns->dhcp[k].pid > 0)
			fprintf(f, "dhcp %d %s\n", (int)ns->dhcp[k].pid, ns->dhcp[k].pidfile);
	if (fclose(f) != 0 || rename(tmp, ns->state_path) != 0)
		log_warn("%s", ns->state_path);
}

int netsetup_init(struct netsetup *ns, const struct profile *p, const char *name,
		  const char *rundir, const char *ifname, const char *backend, const char *sock,
		  char *err, size_t errlen)
{
	ssize_t n;

	memset(ns, 0, sizeof(*ns));
	pthread_mutex_init(&ns->lock, NULL);
	ns->p = p;
	ns->cfg = &p->net;
	snprintf(ns->name, sizeof(ns->name), "%s", name);
	snprintf(ns->ifname, sizeof(ns->ifname), "%s", ifname);
	snprintf(ns->backend, sizeof(ns->backend), "%s", backend);
	snprintf(ns->sock, sizeof(ns->sock), "%s", sock);
	snprintf(ns->state_path, sizeof(ns->state_path), "%s/%s.state", rundir, name);
	snprintf(ns->resolv_saved, sizeof(ns->resolv_saved), "%s/%s.resolv.conf", rundir, name);
	n = readlink("/proc/self/exe", ns->self_exe, sizeof(ns->self_exe) - 1);
	if (n <= 0) {
		snprintf(err, errlen, "cannot find my own executable: %s", strerror(errno));
		return -1;
	}
	ns->self_exe[n] = '\0';
	if ((ns->cfg->ndns || ns->cfg->nsearch || ns->cfg->dhcp4 || ns->cfg->dhcp6) &&
	    resolver_pick(ns->cfg->resolver, &ns->resolver, err, errlen) != 0)
		return -1;
	if ((ns->cfg->dhcp4 &&
	     dhcp_init(&ns->dhcp[LEASE4], AF_INET, rundir, name, ifname, err, errlen) != 0) ||
	    (ns->cfg->dhcp6 &&
	     dhcp_init(&ns->dhcp[LEASE6], AF_INET6, rundir, name, ifname, err, errlen) != 0))
		return -1;
	return 0;
}

int netsetup_prepare(struct netsetup *ns, char *err, size_t errlen)
{
	static const char *const knobs[][2] = {{"accept_ra", "2"}, {"autoconf", "1"}};

	if (!ns->cfg->slaac)
		return 0;
	/* accept_ra 2: router advertisements count even where forwarding is on */
	for (size_t i = 0; i < 2; i++) {
		char path[128];
		int fd;
		bool ok;

		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ns->ifname,
			 knobs[i][0]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		ok = fd >= 0 && write(fd, knobs[i][1], 1) == 1;
		if (fd >= 0)
			close(fd);
		if (!ok) {
			snprintf(err, errlen, "address = slaac: cannot write %s: %s", path,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The word after key in text ("via 10.0.0.1 dev eth0"), into out; 0 or -1. */
static int word_after(const char *text, const char *key, char *out, size_t len)
{
	char pat[16];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), " %s ", key);
	p = strstr(text, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	n = strcspn(p, " \n");
	if (n == 0 || n >= len)
		return -1;
	snprintf(out, len, "%.*s", (int)n, p);
	return 0;
}

/* How the hub is reached now, before any route of ours: "via GW dev IF" or "dev IF". */
static void find_hub_path(struct netsetup *ns)
{
	char ip[64], args[128], out[512], via[64], dev[32];

	snprintf(args, sizeof(args), "%s route get %s", family_flag(ns->hub.family),
		 netcfg_ip_str(&ns->hub, ip, sizeof(ip)));
	if (ip_run(args, out, sizeof(out)) != 0 || word_after(out, "dev", dev, sizeof(dev)) != 0 ||
	    strcmp(dev, ns->ifname) == 0)
		return;
	if (word_after(out, "via", via, sizeof(via)) == 0)
		snprintf(ns->hub_path, sizeof(ns->hub_path), "via %s dev %s", via, dev);
	else
		snprintf(ns->hub_path, sizeof(ns->hub_path), "dev %s", dev);
}

static void applied_add(struct netsetup *ns, const char *args, int from)
{
	if (ns->napplied == NETSETUP_APPLIED_MAX)
		return;
	snprintf(ns->applied[ns->napplied].args, sizeof(ns->applied[0].args), "%s", args);
	ns->applied[ns->napplied++].from = from;
}

/* Before a route that holds the hub's address: a host route along the original path. */
static void keep_hub_reachable(struct netsetup *ns, const struct netcfg_route *r)
{
	char ip[64], args[160];

	if (!ns->hub_known || !ns->hub_path[0] || !netcfg_route_covers(r, &ns->hub))
		return;
	snprintf(args, sizeof(args), "%s route add %s/%d %s", family_flag(ns->hub.family),
		 netcfg_ip_str(&ns->hub, ip, sizeof(ip)), ns->hub.family == AF_INET ? 32 : 128,
		 ns->hub_path);
	if (ip_do("%s", args) == 0) {
		log_info("host route to the hub %s kept on %s", ip, ns->hub_path);
		applied_add(ns, args, ROUTE_PROFILE);
	}
	ns->hub_path[0] = '\0'; /* once */
}

static void route_add(struct netsetup *ns, const struct netcfg_route *r, int from)
{
	char dst[64], via[64], args[160];

	keep_hub_reachable(ns, r);
	netcfg_ip_str(&r->dst, dst, sizeof(dst));
	if (r->has_via)
		snprintf(args, sizeof(args), "%s route add %s/%u via %s dev %s",
			 family_flag(r->dst.family), dst, r->prefix,
			 netcfg_ip_str(&r->via, via, sizeof(via)), ns->ifname);
	else
		snprintf(args, sizeof(args), "%s route add %s/%u dev %s",
			 family_flag(r->dst.family), dst, r->prefix, ns->ifname);
	if (ip_do("%s", args) == 0)
		applied_add(ns, args, from);
}

/* "X route add ..." -> "X route del ...", run; failures are quiet (the route may be gone). */
static int route_undo(const char *args)
{
	char del[200], out[256];
	const char *add = strstr(args, " route add ");

	if (!add)
		return -1;
	snprintf(del, sizeof(del), "%.*s route del %s", (int)(add - args), args, add + 11);
	return ip_run(del, out, sizeof(out));
}

/* Removes the applied routes from one source (LEASE4, LEASE6), or all (-1), newest first. */
static void routes_remove(struct netsetup *ns, int from)
{
	size_t kept = 0;

	for (size_t i = ns->napplied; i-- > 0;)
		if (from < 0 || ns->applied[i].from == from)
			route_undo(ns->applied[i].args);
	for (size_t i = 0; i < ns->napplied; i++)
		if (from >= 0 && ns->applied[i].from != from)
			ns->applied[kept++] = ns->applied[i];
	ns->napplied = kept;
}

/* The profile's DNS first, then the lease's; set, replaced, or removed when empty. */
static void dns_update(struct netsetup *ns)
{
	struct resolver_set d = {0};
	char err[512];

	memcpy(d.dns, ns->cfg->dns, ns->cfg->ndns * sizeof(d.dns[0]));
	d.ndns = ns->cfg->ndns;
	for (size_t i = 0; i < ns->cfg->nsearch; i++)
		snprintf(d.search[d.nsearch++], sizeof(d.search[0]), "%s", ns->cfg->search[i]);
	for (int k = LEASE4; k <= LEASE6; k++) {
		const struct ctl_lease *l = &ns->lease[k];

		for (size_t i = 0; ns->has_lease[k] && i < l->ndns && d.ndns < 2 * NETCFG_DNS_MAX;
		     i++)
			d.dns[d.ndns++] = l->dns[i];
		for (size_t i = 0;
		     ns->has_lease[k] && i < l->nsearch && d.nsearch < 2 * NETCFG_SEARCH_MAX; i++)
			snprintf(d.search[d.nsearch++], sizeof(d.search[0]), "%s", l->search[i]);
	}
	if (d.ndns == 0 && d.nsearch == 0) {
		if (ns->dns_applied && resolver_remove(ns->resolver, ns->ifname, ns->name,
						       ns->resolv_saved, err, sizeof(err)) != 0)
			log_warnx("%s", err);
		ns->dns_applied = false;
		return;
	}
	if (resolver_apply(ns->resolver, ns->ifname, ns->name, ns->resolv_saved, &d, err,
			   sizeof(err)) != 0) {
		log_warnx("%s", err);
		return;
	}
	ns->dns_applied = true;
	log_info("%s: DNS set through %s: %zu servers, %zu search domains", ns->ifname,
		 resolver_name(ns->resolver), d.ndns, d.nsearch);
}

/* Runs each hook command with /bin/sh and the documented environment, in order. */
static void hooks_run(struct netsetup *ns, const char *what,
		      const char (*cmds)[NETCFG_HOOK_LEN + 1], size_t n)
{
	char addrs[1024], hub[64] = "", env_buf[12][1200], out[1024];
	char *env[13];
	struct spawn_io io = {.out = out, .outlen = sizeof(out), .timeout_ms = HOOK_TIMEOUT_MS};
	size_t e = 0;

	if (ns->hub_known)
		netcfg_ip_str(&ns->hub, hub, sizeof(hub));
	status_iface_addrs(ns->ifname, addrs, sizeof(addrs));
#define SETENV(...) snprintf(env_buf[e], sizeof(env_buf[e]), __VA_ARGS__), env[e] = env_buf[e], e++
	SETENV("%s", SPAWN_PATH);
	SETENV("VPN_ACTION=%s", what);
	SETENV("VPN_PROFILE=%s", ns->name);
	SETENV("VPN_INTERFACE=%s", ns->ifname);
	SETENV("VPN_BACKEND=%s", ns->backend);
	SETENV("VPN_HUB=%s", ns->p->hub);
	SETENV("VPN_USER=%s", ns->p->user);
	SETENV("VPN_SERVER=%s", ns->p->host);
	SETENV("VPN_SERVER_ADDRESS=%s", hub);
	SETENV("VPN_SESSION=%u", ns->session_id);
	SETENV("VPN_ADDRESSES=%s", addrs);
#undef SETENV
	env[e] = NULL;
	for (size_t i = 0; i < n; i++) {
		int rc = spawn_run((char *[]){"/bin/sh", "-c", (char *)cmds[i], NULL}, env, &io);

		if (rc != 0) {
			out[strcspn(out, "\n")] = '\0';
			log_warnx("%s hook \"%s\" failed (%s %d): %s", what, cmds[i],
				  rc < 0 ? "error" : "status", rc, out);
		}
	}
}

static void static_setup(struct netsetup *ns)
{
	for (size_t i = 0; i < ns->cfg->nroute; i++)
		route_add(ns, &ns->cfg->route[i], ROUTE_PROFILE);
	ns->routes_done[LEASE4] = ns->routes_done[LEASE6] = true;
	dns_update(ns);
}

void netsetup_connected(struct netsetup *ns, const struct sockaddr *hub, uint32_t session_id)
{
	char err[512];

	pthread_mutex_lock(&ns->lock);
	ns->session_id = session_id;
	if (ns->first_login_done || ns->stopping) {
		pthread_mutex_unlock(&ns->lock);
		return;
	}
	ns->first_login_done = true;
	memset(&ns->hub, 0, sizeof(ns->hub));
	ns->hub.family = hub->sa_family;
	if (hub->sa_family == AF_INET)
		memcpy(ns->hub.addr, &((const struct sockaddr_in *)hub)->sin_addr, 4);
	else
		memcpy(ns->hub.addr, &((const struct sockaddr_in6 *)hub)->sin6_addr, 16);
	ns->hub_known = hub->sa_family == AF_INET || hub->sa_family == AF_INET6;
	if (ns->hub_known)
		find_hub_path(ns);
	for (int k = LEASE4; k <= LEASE6; k++)
		if ((k == LEASE4 ? ns->cfg->dhcp4 : ns->cfg->dhcp6) &&
		    dhcp_start(&ns->dhcp[k], ns->self_exe, ns->sock, err, sizeof(err)) != 0)
			log_warnx("%s", err);
	if (!ns->cfg->dhcp4 && !ns->cfg->dhcp6) {
		static_setup(ns);
		ns->up_done = true;
		hooks_run(ns, "up", ns->cfg->up, ns->cfg->nup);
	}
	state_write(ns);
	pthread_mutex_unlock(&ns->lock);
}

static void lease_remove(struct netsetup *ns, int k)
{
	char ip[64];

	if (!ns->has_lease[k])
		return;
	routes_remove(ns, k);
	ip_do("%s addr del %s/%u dev %s", family_flag(ns->lease[k].family),
	      netcfg_ip_str(&ns->lease[k].ip, ip, sizeof(ip)), ns->lease[k].prefix, ns->ifname);
	ns->has_lease[k] = false;
}

static bool route_equal(const struct netcfg_route *a, const struct netcfg_route *b)
{
	return memcmp(&a->dst, &b->dst, sizeof(a->dst)) == 0 && a->prefix == b->prefix &&
	       a->has_via == b->has_via && memcmp(&a->via, &b->via, sizeof(a->via)) == 0;
}

static void lease_apply(struct netsetup *ns, int k, const struct ctl_lease *l)
{
	const struct ctl_lease *old = &ns->lease[k];
	char ip[64], life[64] = "";
	bool same = ns->has_lease[k] && memcmp(&old->ip, &l->ip, sizeof(l->ip)) == 0 &&
		    old->prefix == l->prefix;
	bool same_routes = same && old->nroute == l->nroute;

	for (size_t i = 0; same_routes && i < l->nroute; i++)
		same_routes = route_equal(&old->route[i], &l->route[i]);
	if (!same)
		lease_remove(ns, k);
	else if (!same_routes) /* a renewal that changes nothing keeps its routes in place */
		routes_remove(ns, k);
	if (l->lease_s)
		snprintf(life, sizeof(life), " valid_lft %u preferred_lft %u", l->lease_s,
			 l->lease_s);
	if (ip_do("%s addr replace %s/%u dev %s%s", family_flag(l->family),
		  netcfg_ip_str(&l->ip, ip, sizeof(ip)), l->prefix, ns->ifname, life) != 0)
		return;
	ns->lease[k] = *l;
	ns->has_lease[k] = true;
	if (!same)
		log_info("%s: DHCP%s lease %s/%u (%s), %zu routes, %zu DNS servers", ns->ifname,
			 k == LEASE6 ? "v6" : "", ip, l->prefix, l->reason, l->nroute, l->ndns);
	for (size_t i = 0; !same_routes && i < l->nroute; i++)
		route_add(ns, &l->route[i], k);
}

/*
 * The profile's routes of each family, once: a gateway may be in the leased
 * subnet, so a family whose address comes by DHCP waits for that lease.
 */
static void profile_routes(struct netsetup *ns, int lease)
{
	for (int k = LEASE4; k <= LEASE6; k++) {
		int family = k == LEASE4 ? AF_INET : AF_INET6;
		bool by_dhcp = k == LEASE4 ? ns->cfg->dhcp4 : ns->cfg->dhcp6;

		if (ns->routes_done[k] || (by_dhcp && k != lease))
			continue;
		ns->routes_done[k] = true;
		for (size_t i = 0; i < ns->cfg->nroute; i++)
			if (ns->cfg->route[i].dst.family == family)
				route_add(ns, &ns->cfg->route[i], ROUTE_PROFILE);
	}
}

int netsetup_lease(void *arg, const struct ctl_lease *l, char *err, size_t errlen)
{
	struct netsetup *ns = arg;
	int k = l->family == AF_INET6 ? LEASE6 : LEASE4;

	(void)err;
	(void)errlen;
	pthread_mutex_lock(&ns->lock);
	if (ns->stopping || !(k == LEASE4 ? ns->cfg->dhcp4 : ns->cfg->dhcp6) ||
	    l->event == LEASE_IGNORE) {
		pthread_mutex_unlock(&ns->lock);
		return 0;
	}
	if (l->event == LEASE_BOUND) {
		lease_apply(ns, k, l);
		profile_routes(ns, k);
		dns_update(ns);
		/* "up" once the main address is there: the IPv4 lease, if one is asked for */
		if (!ns->up_done && (k == LEASE4 || !ns->cfg->dhcp4)) {
			ns->up_done = true;
			hooks_run(ns, "up", ns->cfg->up, ns->cfg->nup);
		}
	} else {
		log_info("%s: DHCP%s lease gone (%s)", ns->ifname, k == LEASE6 ? "v6" : "",
			 l->reason);
		lease_remove(ns, k);
		dns_update(ns);
	}
	state_write(ns);
	pthread_mutex_unlock(&ns->lock);
	return 0;
}

void netsetup_stop(struct netsetup *ns)
{
	bool up;

	pthread_mutex_lock(&ns->lock);
	if (ns->stopping) { /* done already, while the tunnel ran */
		pthread_mutex_unlock(&ns->lock);
		return;
	}
	ns->stopping = true;
	up = ns->up_done;
	pthread_mutex_unlock(&ns->lock);
	/* without the lock: the release makes dhclient call back (netsetup_lease) */
	if (up)
		hooks_run(ns, "down", ns->cfg->down, ns->cfg->ndown);
	for (int k = LEASE4; k <= LEASE6; k++)
		dhcp_stop(&ns->dhcp[k], true);
	pthread_mutex_lock(&ns->lock);
	for (int k = LEASE4; k <= LEASE6; k++)
		lease_remove(ns, k);
	routes_remove(ns, -1);
	dns_update(ns);
	unlink(ns->state_path);
	pthread_mutex_unlock(&ns->lock);
}

void netsetup_destroy(struct netsetup *ns)
{
	pthread_mutex_destroy(&ns->lock);
}

/* One state line of a dead process, undone. */
static void recover_line(char *line, const char *rundir, const char *name)
{
	char saved[PATH_MAX], err[512], kind[16], ifname[16], pidfile[PATH_MAX], out[256];
	enum netcfg_resolver r;
	int pid;

	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "route ", 6) == 0) {
		if (route_undo(line + 6) == 0)
			log_info("removed a route a previous run left: %s", line + 6);
	} else if (strncmp(line, "addr ", 5) == 0) {
		ip_run(line + 5, out, sizeof(out));
	} else if (sscanf(line, "dns %15s %15s", kind, ifname) == 2 &&
		   resolver_parse(kind, &r) == 0) {
		snprintf(saved, sizeof(saved), "%s/%s.resolv.conf", rundir, name);
		if (resolver_remove(r, ifname, name, saved, err, sizeof(err)) != 0)
			log_warnx("%s", err);
		else
			log_info("removed the DNS settings a previous run left (%s)", kind);
	} else if (sscanf(line, "dhcp %d %4095s", &pid, pidfile) == 2 && pid > 1) {
		dhcp_kill_stale(pid, pidfile);
	}
}

void netsetup_recover(const char *rundir, const char *name)
{
	char path[PATH_MAX], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.state", rundir, name);
	f = fopen(path, "re");
	if (!f)
		return;
	log_info("%s: the previous run of this profile did not stop cleanly; undoing its setup",
		 path);
	while (fgets(line, sizeof(line), f))
		recover_line(line, rundir, name);
	fclose(f);
	unlink(path);
}
