#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A lossy, delayed Ethernet link between two TAP devices, in user space.

Stands in for `tc qdisc ... netem` on kernels built without sch_netem (this
benchmark's VMs): frames from tap A to tap B are dropped with probability
LOSS_PCT/100, serialised at RATE_MBIT (0 = unlimited) behind a buffer of
BUFFER_MS of that rate (tail drop beyond, like a router), and delayed by
DELAY_MS; frames from B to A pass unchanged.

    linkemu.py NAME_A NAME_B DELAY_MS LOSS_PCT RATE_MBIT BUFFER_MS READY_FILE

Creates the two TAP devices in the current network namespace and writes
READY_FILE when they exist; the caller moves them into their namespaces
(the open file descriptors follow the devices) and configures them.  Runs
until killed; the devices vanish with it.  Frames are held in memory for at
most DELAY_MS plus the queue bound (QUEUE_MAX frames, tail drop beyond).
"""
import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
QUEUE_MAX = 100000


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def main():
    name_a, name_b, delay_ms, loss_pct, rate_mbit, buffer_ms, ready = sys.argv[1:8]
    delay = float(delay_ms) / 1000.0
    loss = float(loss_pct) / 100.0
    rate = float(rate_mbit) * 1e6 / 8  # bytes per second
    buffer_s = float(buffer_ms) / 1000.0
    link_free = 0.0  # when the emulated line finishes sending what it holds
    a, b = open_tap(name_a), open_tap(name_b)
    open(ready, "w").close()
    pending = []  # (due time, sequence, frame) for a -> b
    seq = 0
    poller = select.poll()
    poller.register(a, select.POLLIN)
    poller.register(b, select.POLLIN)
    while True:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            _, _, frame = heapq.heappop(pending)
            try:
                os.write(b, frame)
            except OSError:
                pass  # device down or its queue full: lost, as on a wire
        timeout = max(0, (pending[0][0] - now) * 1000) if pending else 1000
        for fd, _ in poller.poll(timeout):
            for _ in range(64):
                try:
                    frame = os.read(fd, 65536)
                except BlockingIOError:
                    break
                if fd == b:
                    try:
                        os.write(a, frame)
                    except OSError:
                        pass
                    continue
                now = time.monotonic()
                if rate > 0:
                    if link_free - now > buffer_s:
                        continue  # the line's buffer is full: tail drop
                    link_free = max(link_free, now) + len(frame) / rate
                    sent = link_free
                else:
                    sent = now
                if random.random() >= loss and len(pending) < QUEUE_MAX:
                    seq += 1
                    heapq.heappush(pending, (sent + delay, seq, frame))


if __name__ == "__main__":
    main()
