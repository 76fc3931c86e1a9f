#!/usr/bin/env python3
"""BENCHMARK ONLY, runs inside the QEMU test guest (bench/guest/boot2.sh).

io:  sequential write+read of one large file and a many-small-files workload
     in each named directory, caches dropped before every timed step;
     repetitions alternate the order of the directories.
kdf: `cryptsetup open --test-passphrase` on the given LUKS2 device and on a
     fresh volume made with cryptsetup's defaults: wall time and peak RSS
     (wait4 rusage) of each run, and the keyslot's PBKDF parameters.
Results go to --out as JSON; bench/run-all reads them back.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import time

CHUNK = 1 << 20


def drop_caches():
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


CPU = {}  # last step's CPU seconds (user, system) of this process


def timed(fn):
    drop_caches()
    c = os.times()
    t = time.monotonic()
    fn()
    wall = time.monotonic() - t
    e = os.times()
    CPU["user"], CPU["sys"] = e.user - c.user, e.system - c.system
    return wall


def wait_lazyinit(limit=600):
    """ext4 initialises inode tables of a new filesystem in a kernel thread
    after the first mounts; it would slow whichever workload runs first.
    The thread exits when it has nothing left to do."""
    t = time.monotonic()
    while time.monotonic() - t < limit:
        if not any(open(f"/proc/{p}/comm").read().strip() == "ext4lazyinit"
                   for p in os.listdir("/proc") if p.isdigit() and os.path.exists(f"/proc/{p}/comm")):
            break
        time.sleep(2)
    return time.monotonic() - t


def large_write(path, mib, buf):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for _ in range(mib):
            os.write(fd, buf)
        os.fsync(fd)
    finally:
        os.close(fd)


def large_read(path):
    with open(path, "rb", buffering=0) as f:
        while f.read(CHUNK):
            pass


def small_write(d, n, data):
    os.mkdir(d)
    for i in range(n):
        fd = os.open(os.path.join(d, f"f{i:06d}"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.close(fd)
    os.sync()


def small_read(d):
    for name in os.listdir(d):
        with open(os.path.join(d, name), "rb", buffering=0) as f:
            f.read()


def small_delete(d):
    shutil.rmtree(d)
    os.sync()


def io(args):
    targets = [t.split("=", 1) for t in args.targets]
    buf = os.urandom(CHUNK)
    small = os.urandom(4096)
    res = {"mib": args.mib, "files": args.files, "file_size": 4096, "reps": args.reps,
           "order": [], "results": {name: {} for name, _ in targets}, "cpu": {name: {} for name, _ in targets}}
    res["lazyinit_wait_s"] = wait_lazyinit()
    for name, d in targets:  # warm-up, untimed: code paths and metadata paged in for both
        large_write(os.path.join(d, "warm.bin"), 8, buf)
        large_read(os.path.join(d, "warm.bin"))
        os.unlink(os.path.join(d, "warm.bin"))
        small_write(os.path.join(d, "warm"), 200, small)
        small_read(os.path.join(d, "warm"))
        small_delete(os.path.join(d, "warm"))
    for rep in range(args.reps):
        order = targets if rep % 2 == 0 else list(reversed(targets))
        res["order"].append([n for n, _ in order])
        for name, d in order:
            r = res["results"][name]
            big = os.path.join(d, "large.bin")
            c = res["cpu"][name]

            def step(key, fn):
                r.setdefault(key, []).append(timed(fn))
                c.setdefault(key, []).append([CPU["user"], CPU["sys"]])

            step("large_write_s", lambda: large_write(big, args.mib, buf))
            step("large_read_s", lambda: large_read(big))
            os.unlink(big)
            sd = os.path.join(d, "small")
            step("small_write_s", lambda: small_write(sd, args.files, small))
            step("small_read_s", lambda: small_read(sd))
            step("small_delete_s", lambda: small_delete(sd))
            print(f"rep {rep + 1} {name}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in r.items()), flush=True)
    try:
        res["profile_files"] = min(args.files, 500)
        res["profile"] = io_profile(targets, res["profile_files"], small)
    except (OSError, subprocess.CalledProcessError) as e:
        res["profile_error"] = str(e)
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)


TRACING = "/sys/kernel/tracing"


def tw(name, value):
    with open(os.path.join(TRACING, name), "w") as f:
        f.write(value)


def graph_profile(pattern, fn):
    """Kernel profile of fn(): the function_graph tracer started at every
    function matching pattern, depth 1, so each outermost call of such a
    function is recorded with its duration (children included). Returns
    {function: [calls, total_us]} (this kernel has no FUNCTION_PROFILER)."""
    if not os.path.exists(os.path.join(TRACING, "current_tracer")):
        subprocess.run(["mount", "-t", "tracefs", "tracefs", TRACING], check=True)
    tw("tracing_on", "0")
    tw("current_tracer", "nop")
    tw("buffer_size_kb", "32768")
    tw("set_graph_function", pattern)
    tw("max_graph_depth", "1")
    tw("current_tracer", "function_graph")
    tw("trace", "")
    drop_caches()
    tw("tracing_on", "1")
    fn()
    tw("tracing_on", "0")
    agg = {"_sample": []}
    rx = re.compile(r"([\d.]+) us\s+\|\s+([\w.]+)(?: \[\w+\])?\(\);")
    with open(os.path.join(TRACING, "trace")) as f:
        for line in f:
            if len(agg["_sample"]) < 12 and not line.startswith("#"):
                agg["_sample"].append(line.rstrip())
            m = rx.search(line)
            if m:
                a = agg.setdefault(m.group(2), [0, 0.0])
                a[0] += 1
                a[1] += float(m.group(1))
    tw("current_tracer", "nop")
    tw("set_graph_function", "")
    return agg


def io_profile(targets, files, small):
    """One traced round of the small-file workloads per directory: overlay
    entry points (ovl_*) for the persisted path, ext4 entry points (ext4_*)
    for both, so the report can say where the extra kernel time goes."""
    out = {}
    for name, d in targets:
        for pattern in (["ovl_*", "ext4_*"] if name == "persisted" else ["ext4_*"]):
            sd = os.path.join(d, "prof")
            prof = {"write": graph_profile(pattern, lambda: small_write(sd, files, small)),
                    "read": graph_profile(pattern, lambda: small_read(sd))}
            small_delete(sd)
            out[f"{name}:{pattern}"] = prof
    return out


def run_rusage(cmd):
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    err = p.stderr.read().decode(errors="replace")
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {err}")
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_kib": ru.ru_maxrss}


def keyslot_pbkdf(dev):
    out = subprocess.run(["cryptsetup", "luksDump", dev], capture_output=True, text=True, check=True).stdout
    ks = out[out.index("Keyslots:"):]
    get = lambda k: re.search(rf"^\s*{k}:\s*(\S+)", ks, re.M).group(1)
    p = {"pbkdf": get("PBKDF"), "time_cost": int(get("Time cost")), "memory_kib": int(get("Memory")),
         "threads": int(get("Threads"))}
    p["keyslots"] = len(re.findall(r"^\s+\d+: luks2", ks, re.M))
    return p


def kdf(args):
    res = {"memtotal_kib": int(open("/proc/meminfo").read().split()[1]), "nproc": os.cpu_count()}
    test = ["cryptsetup", "open", "--test-passphrase", "--key-file", args.key]
    res["ours"] = {"device": args.device, "params": keyslot_pbkdf(args.device),
                   "open": [run_rusage(test + [args.device]) for _ in range(args.reps)]}
    img = "/run/bench-default.luks"
    with open(img, "wb") as f:
        f.truncate(32 << 20)
    try:
        fmt = run_rusage(["cryptsetup", "luksFormat", "-q", "--type", "luks2", "--key-file", args.key, img])
        res["default"] = {"format": fmt, "params": keyslot_pbkdf(img),
                          "open": [run_rusage(test + [img]) for _ in range(args.reps)]}
    finally:
        os.unlink(img)
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res), flush=True)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("io")
    a.add_argument("--out", required=True)
    a.add_argument("--mib", type=int, default=128)
    a.add_argument("--files", type=int, default=10000)
    a.add_argument("--reps", type=int, default=3)
    a.add_argument("targets", nargs="+", help="NAME=DIR")
    k = sub.add_parser("kdf")
    k.add_argument("--out", required=True)
    k.add_argument("--key", required=True)
    k.add_argument("--reps", type=int, default=3)
    k.add_argument("device")
    args = ap.parse_args()
    io(args) if args.cmd == "io" else kdf(args)


if __name__ == "__main__":
    main()
