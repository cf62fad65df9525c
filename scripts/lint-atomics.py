#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every ordered atomic in user space names its partner (STYLE.md: "every
atomic or barrier carries a comment naming its pair").

An atomic with an acquire, release, acq_rel or seq_cst order spelled out
(C11 memory_order_* or the __ATOMIC_* builtins), and every fence, needs a
comment saying "pairs with ..." on its own line or in the three lines above
it.  Relaxed atomics (counters, single-word reads) need none.

Prints "ok - ..." or "not ok - ..." with one line per bare atomic; exits 1
on a finding.  Usage: scripts/lint-atomics.py [ROOT]
"""
import os
import re
import sys

SCANNED = ("src", "tests", "bench")
ORDERED = re.compile(r"\b(memory_order_(acquire|release|acq_rel|seq_cst)|__ATOMIC_(ACQUIRE|RELEASE|ACQ_REL|SEQ_CST)"
                     r"|atomic_thread_fence|__atomic_thread_fence|__sync_synchronize)\b")
PAIRS = re.compile(r"\bpair(s|ed)? with\b", re.I)
LOOK_BACK = 3


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    bare, total = [], 0
    for top in SCANNED:
        for d, _, files in sorted(os.walk(os.path.join(root, top))):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(d, f)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    lines = fh.read().split("\n")
                for i, line in enumerate(lines):
                    if not ORDERED.search(line) or line.lstrip().startswith(("*", "/*", "//")):
                        continue
                    total += 1
                    # the statement may span lines: look back from its first line
                    first = i
                    while first > 0 and lines[first - 1].rstrip().endswith((",", "(", "&&", "||")):
                        first -= 1
                    context = lines[max(0, first - LOOK_BACK):i + 1]
                    if not any(PAIRS.search(c) for c in context):
                        bare.append(f"{os.path.relpath(path, root)}:{i + 1}: {line.strip()}")
    name = f"atomics: the {total} ordered atomics and fences in src, tests, bench name their pairs"
    if bare:
        print(f"not ok - {name}")
        for b in bare:
            print(f"#   {b}")
        return 1
    print(f"ok - {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
