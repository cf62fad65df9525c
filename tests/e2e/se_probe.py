#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/e2e/se_probe.py HOST PORT CASE: one hostile or malformed SoftEther
login against the hub, over TLS (no certificate check).  Prints what the hub
answered: the HTTP status, then for a 200 the PACK's "error" value (0 when
absent), or "closed".  CASE:
  badsig     a signature body of 5 bytes
  bighead    a head of 9000 bytes without its blank line
  bigpack    a valid signature, then a login POST announcing 70000 bytes
  badpack    a valid signature, then a login POST whose PACK is truncated
  addconn    a valid signature, then an additional_connect PACK
  anon HUB USER  an anonymous login (authtype 0); prints "200 ERROR" and, when
             the Welcome carries the hub message (element "Msg"), "msg=TEXT"
"""
import socket
import ssl
import struct
import sys


def pack(items):
    out = struct.pack(">I", len(items))
    for name, kind, val in items:
        out += struct.pack(">I", len(name) + 1) + name.encode()
        if kind == "int":
            out += struct.pack(">III", 0, 1, val)
        else:
            out += struct.pack(">III", 2, 1, len(val)) + val.encode()
    return out


def error_of(body):
    """The INT element "error" of a PACK (0 when absent)."""
    return elements(body).get("error", 0)


def elements(body):
    """Each element's first value: an int, or the bytes of a data/string value."""
    out = {}
    n, = struct.unpack_from(">I", body, 0)
    off = 4
    for _ in range(n):
        ln, = struct.unpack_from(">I", body, off)
        name = body[off + 4:off + 3 + ln].decode()
        off += 3 + ln
        kind, cnt = struct.unpack_from(">II", body, off)
        off += 8
        for _ in range(cnt):
            if kind in (0,):
                v, = struct.unpack_from(">I", body, off)
                off += 4
            elif kind == 4:
                v, = struct.unpack_from(">Q", body, off)
                off += 8
            else:
                sz, = struct.unpack_from(">I", body, off)
                v = body[off + 4:off + 4 + sz]
                off += 4 + sz
            out.setdefault(name, v)
    return out


def read_answer(s):
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            return None, b""
        buf += d
    head, _, body = buf.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(body) < length:
        d = s.recv(65536)
        if not d:
            break
        body += d
    return status, body


def post(s, target, body, length=None):
    s.sendall(b"POST %s HTTP/1.1\r\nContent-Type: application/octet-stream\r\n"
              b"Content-Length: %d\r\n\r\n" % (target, len(body) if length is None else length)
              + body)


def main():
    host, port, case = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(socket.create_connection((host, port), timeout=10))
    if case == "badsig":
        post(s, b"/vpnsvc/connect.cgi", b"HELLO")
    elif case == "bighead":
        s.sendall(b"POST /vpnsvc/connect.cgi HTTP/1.1\r\nX: " + b"a" * 9000)
    else:
        post(s, b"/vpnsvc/connect.cgi", b"VPNCONNECT")
        status, _ = read_answer(s)
        if status != 200:
            print("hello", status)
            return
        if case == "bigpack":
            post(s, b"/vpnsvc/vpn.cgi", b"", 70000)
        elif case == "badpack":
            post(s, b"/vpnsvc/vpn.cgi", pack([("method", "str", "login")])[:-3])
        elif case == "addconn":
            post(s, b"/vpnsvc/vpn.cgi", pack([("method", "str", "additional_connect")]))
        elif case == "anon":
            post(s, b"/vpnsvc/vpn.cgi", pack([("method", "str", "login"),
                                              ("hubname", "str", sys.argv[4]),
                                              ("username", "str", sys.argv[5]),
                                              ("authtype", "int", 0)]))
    try:
        status, body = read_answer(s)
    except (ConnectionError, ssl.SSLError):
        status = None
    if status is None:
        print("closed")
    elif status == 200:
        msg = elements(body).get("Msg")
        print(200, error_of(body), *(["msg=" + msg.decode()] if msg else []))
    else:
        print(status)


main()
