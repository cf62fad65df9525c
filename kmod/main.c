// SPDX-License-Identifier: GPL-2.0
/*
 * vpnlan.ko: a virtual Ethernet card whose frames cross to user space through
 * two mmap'd rings.  This file is the /dev/vpnlan misc device: each open file
 * may create one interface (VPNLAN_IOC_CREATE), maps the rings, kicks the
 * kernel side and sets the carrier; closing it removes the interface.
 */
#include <linux/capability.h>
#include <linux/etherdevice.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <net/net_namespace.h>

#include "vpnlan.h"

struct vpnlan_file {
	struct mutex lock;	/* create and mmap against each other */
	struct net_device *dev; /* NULL until VPNLAN_IOC_CREATE */
};

static int vpnlan_fopen(struct inode *inode, struct file *file)
{
	struct vpnlan_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return 0;
}

static void vpnlan_destroy(struct net_device *dev)
{
	struct vpnlan_priv *vp = netdev_priv(dev);
	struct eventfd_ctx *efd = vp->efd;
	void *area = vp->area;

	/* unregister first: no transmit or NAPI poll may see freed rings */
	unregister_netdev(dev);
	free_netdev(dev);
	eventfd_ctx_put(efd);
	vfree(area); /* pages still mapped stay alive until munmap */
}

static int vpnlan_release(struct inode *inode, struct file *file)
{
	struct vpnlan_file *f = file->private_data;

	if (f->dev)
		vpnlan_destroy(f->dev);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static int vpnlan_check_setup(const struct vpnlan_setup *s)
{
	if (s->abi != VPNLAN_ABI_VERSION || s->features & ~VPNLAN_F_ALL)
		return -EINVAL;
	if (!is_power_of_2(s->nslots) || s->nslots < VPNLAN_SLOTS_MIN ||
	    s->nslots > VPNLAN_SLOTS_MAX)
		return -EINVAL;
	if (s->slot_size % 64 || s->slot_size < VPNLAN_SLOT_SIZE_MIN ||
	    s->slot_size > VPNLAN_SLOT_SIZE_MAX)
		return -EINVAL;
	if ((u64)s->nslots * s->slot_size > VPNLAN_RING_BYTES_MAX)
		return -EINVAL;
	if (strnlen(s->ifname, sizeof(s->ifname)) == sizeof(s->ifname))
		return -EINVAL;
	if (!is_zero_ether_addr(s->mac) && !is_valid_ether_addr(s->mac))
		return -EINVAL;
	return 0;
}

/* Registers the interface in the caller's network namespace. */
static int vpnlan_register(struct vpnlan_file *f, struct vpnlan_setup *s)
{
	struct eventfd_ctx *efd;
	struct net_device *dev;
	void *area;
	int err;

	efd = eventfd_ctx_fdget(s->eventfd);
	if (IS_ERR(efd))
		return PTR_ERR(efd);
	err = -ENOMEM;
	area = vmalloc_user(vpnlan_map_layout(s));
	if (!area)
		goto put_efd;
	dev = vpnlan_netdev_alloc(s, area, s->map_size, efd);
	if (!dev)
		goto free_area;
	dev_net_set(dev, current->nsproxy->net_ns);
	err = register_netdev(dev);
	if (err)
		goto free_dev;
	strscpy(s->ifname, dev->name, sizeof(s->ifname));
	f->dev = dev;
	return 0;
free_dev:
	free_netdev(dev);
free_area:
	vfree(area);
put_efd:
	eventfd_ctx_put(efd);
	return err;
}

static long vpnlan_create(struct vpnlan_file *f, void __user *arg)
{
	struct vpnlan_setup s;
	int err;

	if (!ns_capable(current->nsproxy->net_ns->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	err = vpnlan_check_setup(&s);
	if (err)
		return err;
	mutex_lock(&f->lock);
	err = f->dev ? -EBUSY : vpnlan_register(f, &s);
	/* on -EFAULT the interface stays, removed with the file like any other */
	if (!err && copy_to_user(arg, &s, sizeof(s)))
		err = -EFAULT;
	mutex_unlock(&f->lock);
	return err;
}

static struct vpnlan_priv *vpnlan_file_priv(struct vpnlan_file *f)
{
	struct net_device *dev;

	mutex_lock(&f->lock);
	dev = f->dev;
	mutex_unlock(&f->lock);
	return dev ? netdev_priv(dev) : NULL;
}

static long vpnlan_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vpnlan_file *f = file->private_data;
	struct vpnlan_priv *vp;

	if (cmd == VPNLAN_IOC_CREATE)
		return vpnlan_create(f, (void __user *)arg);
	vp = vpnlan_file_priv(f); /* the device lives as long as the file */
	if (!vp)
		return cmd == VPNLAN_IOC_KICK || cmd == VPNLAN_IOC_CARRIER ? -ENODEV : -ENOTTY;
	switch (cmd) {
	case VPNLAN_IOC_KICK:
		vpnlan_kick(vp);
		return 0;
	case VPNLAN_IOC_CARRIER:
		if (arg)
			netif_carrier_on(vp->dev);
		else
			netif_carrier_off(vp->dev);
		return 0;
	default:
		return -ENOTTY;
	}
}

static int vpnlan_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vpnlan_priv *vp = vpnlan_file_priv(file->private_data);

	if (!vp)
		return -ENODEV;
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > vp->map_size)
		return -EINVAL;
	return remap_vmalloc_range(vma, vp->area, 0);
}

static const struct file_operations vpnlan_fops = {
	.owner = THIS_MODULE,
	.open = vpnlan_fopen,
	.release = vpnlan_release,
	.unlocked_ioctl = vpnlan_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = vpnlan_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice vpnlan_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VPNLAN_DRV_NAME,
	.nodename = VPNLAN_DRV_NAME,
	.fops = &vpnlan_fops,
	.mode = 0600,
};

static int __init vpnlan_module_init(void)
{
	int err = misc_register(&vpnlan_misc);

	if (!err)
		pr_info("vpnlan: virtual Ethernet with shared rings, ABI %d\n", VPNLAN_ABI_VERSION);
	return err;
}

static void __exit vpnlan_module_exit(void)
{
	misc_deregister(&vpnlan_misc);
}

module_init(vpnlan_module_init);
module_exit(vpnlan_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vpnlan: virtual Ethernet card with mmap'd rings for vpnclient");
MODULE_VERSION(VPNLAN_DRV_VERSION);
