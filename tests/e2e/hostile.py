#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Attacker tools for tests/e2e/t_hostile.sh (run inside the test's namespaces).

  hostile.py hold HOST PORT N SECONDS [silent|trickle|hello]
      opens N TCP connections (no TLS; every other one trickles a byte a second;
      silent: none does; hello: each sends a whole TLS ClientHello, then stalls),
      waits 2 s, prints "open A closed B" (B: closed by the hub), holds the rest
      for SECONDS, then prints the same line again.
  hostile.py garp IFACE IP
      sends 3 gratuitous ARP requests claiming IP.
  hostile.py ra IFACE
      sends 3 IPv6 router advertisements (a rogue default router) to ff02::1.
"""
import socket
import ssl
import struct
import sys
import time


def count(conns):
    closed = 0
    for c in conns:
        try:
            if c.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    return len(conns) - closed, closed


# what a slow TLS client trickles: the header of a 512-byte handshake record, then its body
TRICKLE = b"\x16\x03\x01\x02\x00" + b"\x01" * 512


def client_hello():
    """The bytes of a real TLS ClientHello (Python's own TLS client)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    out = ssl.MemoryBIO()
    tls = ctx.wrap_bio(ssl.MemoryBIO(), out)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def hold(host, port, n, secs, mode="trickle"):
    """n connections held secs: silent; or (trickle) every other one sending
    the next byte of a TLS record (TRICKLE) each second; or (hello) each
    sending a whole ClientHello and nothing more."""
    trickle = mode == "trickle"
    conns = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect((host, port))
        if mode == "hello":
            s.sendall(client_hello())
        s.setblocking(False)
        conns.append(s)
    time.sleep(2)
    print("open %d closed %d" % count(conns), flush=True)
    end = time.time() + secs
    sent = 0
    while time.time() < end:
        for i, c in enumerate(conns):
            if trickle and i % 2:
                try:
                    c.send(TRICKLE[sent:sent + 1])
                except OSError:  # closed, or its buffer is full
                    pass
        sent = min(sent + 1, len(TRICKLE) - 1)
        time.sleep(1)
    print("open %d closed %d" % count(conns), flush=True)


def garp(iface, ip):
    """3 gratuitous ARP requests claiming ip from iface's own MAC."""
    mac = bytes.fromhex(open("/sys/class/net/%s/address" % iface).read().strip().replace(":", ""))
    addr = socket.inet_aton(ip)
    frame = (b"\xff" * 6 + mac + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1)
             + mac + addr + b"\x00" * 6 + addr)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for _ in range(3):
        s.send(frame)
        time.sleep(0.3)


def ra(iface):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
    # type 134, code 0, checksum (kernel), hop limit 64, flags 0, lifetime 1800 s
    msg = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
    idx = socket.if_nametoindex(iface)
    for _ in range(3):
        s.sendto(msg, ("ff02::1", 0, 0, idx))
        time.sleep(0.3)


def na(iface, target):
    """An unsolicited, overriding Neighbor Advertisement to all nodes: target is
    at this interface's MAC."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    with open("/sys/class/net/%s/address" % iface) as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    # type 136, code 0, checksum (kernel), flags: override; target; option 2 (TLL)
    msg = struct.pack("!BBHI", 136, 0, 0, 0x20000000)
    msg += socket.inet_pton(socket.AF_INET6, target) + bytes([2, 1]) + mac
    idx = socket.if_nametoindex(iface)
    for _ in range(3):
        s.sendto(msg, ("ff02::1", 0, 0, idx))
        time.sleep(0.3)


if __name__ == "__main__":
    if sys.argv[1] == "hold":
        hold(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
             (sys.argv[6:7] or ["trickle"])[0])
    elif sys.argv[1] == "garp":
        garp(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "ra":
        ra(sys.argv[2])
    elif sys.argv[1] == "na":
        na(sys.argv[2], sys.argv[3])
    else:
        sys.exit(2)
