#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Groups a flat perf report (perf report --no-children --sort dso,sym -g none --stdio)
into cost categories and prints each as a share and as CPU s per GB.

  perfcat.py NAME CPU_S_PER_GB < report
"""
import re
import sys

# first match wins: (category, dso regex, symbol regex)
RULES = [
    ("crypto (AES-GCM)", r"libcrypto", r"gcm|aes|0x0|ghash|Xor|ossl_gcm|CRYPTO_gcm"),
    ("TLS record layer (libssl, libcrypto glue)", r"libssl|libcrypto", r""),
    ("copies (user memmove, kernel copy to/from user)", r"",
     r"memmove|memcpy|_copy_(from|to)_iter|copy_user|copyout|copyin|rep_movs"),
    ("malloc/free and page faults", r"",
     r"malloc|free|_int_|exc_page_fault|clear_page|do_anonymous_page|handle_mm_fault|"
     r"unmap|page_fault|mmap|munmap|madvise|do_user_addr_fault|__alloc_pages|"
     r"folio|lru|zap_|release_pages|free_unref|get_page_from_freelist|brk|tcache"),
    ("sleep, wake-ups, context switches (poll, eventfd)", r"",
     r"finish_task_switch|schedule|__schedule|try_to_wake_up|wake_up|eventfd|poll|"
     r"pick_next|enqueue_task|dequeue_task|update_curr|hrtimer|ttwu|select_task_rq|"
     r"psi_|switch_mm|__switch_to|futex|_raw_spin_unlock_irq"),
    ("locks (mutex, spinlocks)", r"", r"pthread_mutex|spin_lock|spin_unlock|lll_lock|"
     r"__lll|mutex"),
    ("system call entry/exit", r"kernel",
     r"syscall|entry_|exit_to_user|__x64_sys|ksys_|vfs_(read|write)|fdget|__fget|"
     r"sock_(read|write)_iter|rw_verify|security_|apparmor"),
    ("kernel TCP/IP, TAP and veth", r"kernel",
     r"tcp|ip_|ipv4|inet|skb|sock|sk_|__dev|dev_|netif|net_|veth|tun_|napi|gro|"
     r"softirq|__netif|neigh|nf_|fib|dst_|raw_|csum|eth_|rps|__napi|__kfree|kmem|"
     r"kmalloc|slab|__build_skb|virtio_net|sch_|qdisc|bpf"),
    ("hub switching, parse, queues, congestion", r"vpnhub",
     r"hub_|sw_|pkt_|queue_|cong_|switch_|learn|deliver|enqueue|flood|admit|tx_|rx_|"
     r"data_loop|on_msg|mac|frame"),
    ("hub firewall and access lists", r"vpnhub", r"fw_|acl_|ipt_|storm"),
    ("hub packet log", r"vpnhub", r"hublog|pktlog|logger"),
    ("stream framing (proto, stream)", r"vpnhub|vpnclient", r"proto_|stream_|deliver"),
    ("client data loop and device", r"vpnclient", r""),
    ("other user space", r"vpnhub|libc", r""),
    ("other kernel", r"kernel", r""),
]


def main():
    name, spg = sys.argv[1], float(sys.argv[2])
    cats = {c: 0.0 for c, _, _ in RULES}
    cats["unattributed"] = 0.0
    for line in sys.stdin:
        m = re.match(r"\s*([0-9.]+)%\s+(\S+)\s+\[.\]\s+(.*)$", line)
        if not m:
            continue
        pct, dso, sym = float(m.group(1)), m.group(2), m.group(3).strip()
        for c, dre, sre in RULES:
            if re.search(dre, dso) and re.search(sre, sym):
                cats[c] += pct
                break
        else:
            cats["unattributed"] += pct
    tot = sum(cats.values()) or 1
    print("%s: %.2f CPU s/GB" % (name, spg))
    for c, v in sorted(cats.items(), key=lambda kv: -kv[1]):
        if v >= 0.5:
            print("  %-52s %5.1f%%  %5.2f s/GB" % (c, 100 * v / tot, spg * v / tot))


main()
