#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The include graph's rules, checked over the #include "..." lines.

1. Layers: src/shared includes nothing of ours; src/client, src/hub and
   src/ctl include only their own directory and src/shared (src/client also
   the module's ABI header kmod/vpnlan_abi.h); kmod/ includes only kmod/.
   CMakeLists.txt keeps the same rule for what each target compiles and puts
   on its include path: a target of src/ctl compiling a src/hub file breaks it.
2. No cycle between concepts: foo.c, foo.h and foo_impl.h are one node; a
   cycle through two or more nodes is reported as its include path.

Prints TAP-style "ok - ..." / "not ok - ..." lines, the reasons under each
failing one; exits 1 when one fails.  Usage: scripts/lint-includes.py [ROOT]
"""
import os
import re
import sys

LAYERS = ("shared", "client", "hub", "ctl")
ALLOWED = {  # what each layer may include besides itself
    "shared": set(),
    "client": {"shared", "kmod/vpnlan_abi.h"},
    "hub": {"shared"},
    "ctl": {"shared"},
}
SCANNED = ("src", "kmod", "tests", "bench")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(root):
    for top in SCANNED:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, f), root)


def layer_of(path):
    """'hub' for src/hub/..., 'kmod' for kmod/..., None for tests and bench."""
    parts = path.split("/")
    if parts[0] == "src" and len(parts) > 2:
        return parts[1]
    return "kmod" if parts[0] == "kmod" else None


def resolve(root, src, name, headers):
    """The header a quoted include names: the includer's directory first (as
    the compiler does), then the path as given, then src/shared, then any
    other directory that has a header of that name (a cross-layer include)."""
    here = os.path.normpath(os.path.join(os.path.dirname(src), name))
    if here in headers:
        return here
    if os.path.normpath(name) in headers:
        return os.path.normpath(name)
    shared = os.path.join("src/shared", name)
    if shared in headers:
        return shared
    matches = sorted(h for h in headers if h.endswith("/" + name) and h.startswith(("src/", "kmod/")))
    return matches[0] if matches else None


def concept(path):
    """foo.c, foo.h and foo_impl.h are one node: dir/foo."""
    base = re.sub(r"(_impl)?\.[ch]$", "", path)
    return base


def read_edges(root):
    files = list(sources(root))
    headers = {f for f in files if f.endswith(".h")}
    edges = []  # (from file, line number, to file)
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for m in INCLUDE.finditer(text):
            target = resolve(root, f, m.group(1), headers)
            if target:
                edges.append((f, text.count("\n", 0, m.start()) + 1, target))
    return edges


def layer_violations(edges):
    bad = []
    for src, line, dst in edges:
        a, b = layer_of(src), layer_of(dst)
        if a is None or a == b:
            continue
        if a == "kmod" or b not in ALLOWED.get(a, set()) and dst not in ALLOWED.get(a, set()):
            bad.append(f'{src}:{line}: #include "{dst}": {a} may not depend on {b}')
    return bad


def cmake_violations(root):
    """Each CMake target compiles and includes from one layer of src/ (plus shared)."""
    path = os.path.join(root, "CMakeLists.txt")
    with open(path, encoding="utf-8") as fh:
        text = re.sub(r"#[^\n]*", "", fh.read())
    target_layers = {}
    bad = []
    for m in re.finditer(r"\b(add_executable|add_library|target_include_directories)\s*\(([^)]*)\)", text):
        words = m.group(2).split()
        if not words:
            continue
        line = text.count("\n", 0, m.start()) + 1
        layers = set()
        for w in words[1:]:
            lm = re.match(r"(?:\$\{[A-Z_]+\}/)?src/([a-z]+)", w)
            if lm and lm.group(1) in LAYERS:
                layers.add(lm.group(1))
        if m.group(1) != "target_include_directories":
            target_layers[words[0]] = layers - {"shared"} or layers
        own = target_layers.get(words[0], set())
        if len(own) > 1:
            if m.group(1) != "target_include_directories":
                bad.append(f"CMakeLists.txt:{line}: {words[0]} compiles files of src/{', src/'.join(sorted(own))}")
            continue
        what = "has on its include path" if m.group(1) == "target_include_directories" else "compiles"
        for lay in sorted(layers - own - {"shared"}) if own else ():
            bad.append(f"CMakeLists.txt:{line}: {words[0]} (src/{next(iter(own))}) {what} src/{lay}")
    return bad


def strongly_connected(nodes, succ):
    """Tarjan's algorithm, iterative; returns the components of 2+ nodes."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(succ.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(succ.get(w, ())))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def cycle_in(comp, succ):
    """One shortest cycle through the component's first node (breadth-first)."""
    inside = set(comp)
    start = comp[0]
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(succ.get(v, ())):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w in inside and w not in prev:
                prev[w] = v
                queue.append(w)
    return [start]


def cycles(edges):
    succ, why = {}, {}
    for src, line, dst in edges:
        a, b = concept(src), concept(dst)
        if a != b:
            succ.setdefault(a, set()).add(b)
            why.setdefault((a, b), f"{src}:{line}")
    nodes = set(succ) | {b for s in succ.values() for b in s}
    found = []
    for comp in strongly_connected(nodes, succ):
        path = cycle_in(comp, succ)
        steps = "".join(f"{a} -[{why[(a, b)]}]-> " for a, b in zip(path, path[1:]))
        found.append(f"{len(comp)} concepts in a cycle: {', '.join(comp)}")
        found.append(f"  cycle: {steps}{path[-1]}")
    return found


def report(name, problems):
    if problems:
        print(f"not ok - {name}")
        for p in problems:
            print(f"#   {p}")
    else:
        print(f"ok - {name}")
    return not problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    edges = read_edges(root)
    ok = report("include graph: layers (shared <- client, hub, ctl; kmod alone)", layer_violations(edges))
    ok &= report("include graph: CMake targets compile one layer (plus shared)", cmake_violations(root))
    ok &= report("include graph: no cycle between concepts", cycles(edges))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
