#!/usr/bin/env python3
"""Finds ordering cycles through our units in a unit root.

systemd-analyze verify starts each unit on its own and misses a cycle that
only the boot transaction closes (one made our provisioning fallback's start
job be deleted at every boot). This builds the After=/Before= graph of every
unit in ROOT (unit files and drop-ins, plus the implicit ordering of
DefaultDependencies=yes services and targets) and prints any cycle that
passes through a unit whose name starts with PREFIX.

usage: ordering-cycles.py ROOT PREFIX   (exit 1 when a cycle is found)
"""
import os
import sys

root, prefix = sys.argv[1], sys.argv[2]
dirs = [os.path.join(root, d) for d in ("etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system")]

units = {}  # name -> {key: [values]}


def read(path, entry):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if "=" not in line or line.startswith(("#", ";", "[")):
                continue
            key, value = line.split("=", 1)
            entry.setdefault(key.strip(), []).extend(value.split())


for d in reversed(dirs):  # earlier directories override later ones
    if not os.path.isdir(d):
        continue
    for name in os.listdir(d):
        path = os.path.join(d, name)
        if name.endswith(".d") and os.path.isdir(path):
            for conf in sorted(os.listdir(path)):
                if conf.endswith(".conf"):
                    read(os.path.join(path, conf), units.setdefault(name[:-2], {}))
        elif os.path.isfile(path) and not name.endswith(".wants"):
            entry = {}
            read(path, entry)
            units[name] = entry
    for name in os.listdir(d):  # X.wants/ symlinks
        if name.endswith((".wants", ".requires")) and os.path.isdir(os.path.join(d, name)):
            target = name.rsplit(".", 1)[0]
            units.setdefault(target, {}).setdefault("Wants", []).extend(os.listdir(os.path.join(d, name)))

before = {}  # a -> set of b: a is ordered before b


def edge(a, b):
    before.setdefault(a, set()).add(b)


for name, e in units.items():
    for b in e.get("Before", []):
        edge(name, b)
    for a in e.get("After", []):
        edge(a, name)
    default = e.get("DefaultDependencies", ["yes"])[-1].lower() not in ("no", "false", "0")
    if default and name.endswith(".service"):
        edge("sysinit.target", name)
        edge("basic.target", name)
        edge(name, "shutdown.target")
    if default and name.endswith(".target"):
        for w in e.get("Wants", []) + e.get("Requires", []):
            if w != name:
                edge(w, name)

found = []


def dfs(node, path, on_path, seen):
    for nxt in sorted(before.get(node, ())):
        if nxt in on_path:
            cycle = path[path.index(nxt):] + [nxt]
            if any(n.startswith(prefix) for n in cycle):
                found.append(cycle)
            continue
        if nxt in seen:
            continue
        seen.add(nxt)
        on_path.add(nxt)
        dfs(nxt, path + [nxt], on_path, seen)
        on_path.discard(nxt)


sys.setrecursionlimit(10000)
for start in sorted(n for n in units if n.startswith(prefix)):
    dfs(start, [start], {start}, {start})
for cycle in found:
    print("ordering cycle: " + " -> ".join(cycle) + "  (a -> b: a before b)")
print(f"{len(units)} units, {sum(len(v) for v in before.values())} ordering edges, {len(found)} cycles through {prefix}*")
sys.exit(1 if found else 0)
