// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Wiring of a running profile: status <- tunnel, control -> status and
 * netsetup, tunnel login -> netsetup.
 */
#include "runtime.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static int make_rundir(const char *rundir, char *err, size_t errlen)
{
	if (mkdir(rundir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", rundir, strerror(errno));
		return -1;
	}
	return 0;
}

static void fill_status(struct status *s, const struct profile *p, const struct vif *vif,
			const char *name)
{
	status_init(s);
	snprintf(s->i.profile, sizeof(s->i.profile), "%s", name);
	snprintf(s->i.host, sizeof(s->i.host), "%s", p->host);
	snprintf(s->i.hub, sizeof(s->i.hub), "%s", p->hub);
	snprintf(s->i.user, sizeof(s->i.user), "%s", p->user);
	snprintf(s->i.ifname, sizeof(s->i.ifname), "%s", vif->name);
	/* the user-facing names: "tap" and "vpnlan" */
	snprintf(s->i.backend, sizeof(s->i.backend), "%s",
		 vif->ops == &vif_vpnlan_ops ? "vpnlan" : "tap");
	s->i.port = p->port;
	s->i.pid = getpid();
}

int runtime_open(struct runtime *rt, const struct profile *p, const struct vif *vif,
		 const char *rundir, char *err, size_t errlen)
{
	memset(rt, 0, sizeof(*rt));
	if (control_profile_name(p->path, rt->name, sizeof(rt->name), err, errlen) != 0 ||
	    control_path(rundir, rt->name, rt->sock, sizeof(rt->sock), err, errlen) != 0)
		return -1;
	fill_status(&rt->status, p, vif, rt->name);
	if (make_rundir(rundir, err, errlen) != 0) {
		if (netcfg_needs_root(&p->net))
			goto fail_status;
		/* a minimal system without /run: the tunnel works, only status cannot see it */
		log_warnx("%s: running without a control socket", err);
		return 0;
	}
	rt->ctl.status = &rt->status;
	if (control_listen(&rt->ctl, rt->sock, err, errlen) != 0)
		goto fail_status;
	rt->ctl_open = true;
	netsetup_recover(rundir, rt->name);
	if (netsetup_init(&rt->ns, p, rt->name, rundir, vif->name, rt->status.i.backend, rt->sock,
			  err, errlen) != 0 ||
	    netsetup_prepare(&rt->ns, err, errlen) != 0)
		goto fail_ns;
	rt->ns_open = true;
	rt->ctl.on_lease = netsetup_lease;
	rt->ctl.arg = &rt->ns;
	if (control_start(&rt->ctl) != 0) {
		snprintf(err, errlen, "cannot start the control thread: %s", strerror(errno));
		goto fail_ns;
	}
	return 0;
fail_ns:
	netsetup_destroy(&rt->ns);
	rt->ns_open = false;
	control_close(&rt->ctl);
	rt->ctl_open = false;
fail_status:
	status_destroy(&rt->status);
	return -1;
}

static void on_login(void *arg, const struct sockaddr *hub, uint32_t session_id)
{
	struct runtime *rt = arg;

	if (rt->ns_open)
		netsetup_connected(&rt->ns, hub, session_id);
}

static void *stopper_main(void *arg)
{
	struct runtime *rt = arg;
	uint64_t one = 1;

	netsetup_stop(&rt->ns);
	if (write(rt->stop_done_fd, &one, sizeof(one)) != sizeof(one))
		log_warn("stop eventfd");
	return NULL;
}

/* The stop signal came while connected: undo the setup in a thread while frames flow. */
static int on_stop(void *arg)
{
	struct runtime *rt = arg;

	if (!rt->ns_open || rt->stopper_started)
		return -1;
	rt->stop_done_fd = eventfd(0, EFD_CLOEXEC);
	if (rt->stop_done_fd < 0)
		return -1;
	if (pthread_create(&rt->stopper, NULL, stopper_main, rt) != 0) {
		close(rt->stop_done_fd);
		return -1;
	}
	rt->stopper_started = true;
	return rt->stop_done_fd;
}

void runtime_attach(struct runtime *rt, struct tunnel *t)
{
	t->status = &rt->status;
	t->on_login = on_login;
	t->on_stop = on_stop;
	t->arg = rt;
}

void runtime_close(struct runtime *rt)
{
	if (rt->stopper_started) {
		pthread_join(rt->stopper, NULL);
		close(rt->stop_done_fd);
	}
	if (rt->ns_open) {
		netsetup_stop(&rt->ns);
		netsetup_destroy(&rt->ns);
	}
	if (rt->ctl_open)
		control_close(&rt->ctl);
	status_destroy(&rt->status);
}
