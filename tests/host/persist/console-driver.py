#!/usr/bin/env python3
"""Runs a command with a pseudo-terminal standing in for a console.

The pty's slave is reachable as /dev/NAME (a symlink, removed again at
exit), so a kernel argument console=NAME makes nd-persist prompt there. Each
--answer PATTERN=TEXT waits for PATTERN in the console output (in order) and
then types TEXT plus a newline. Everything written to the console is saved to
--transcript. Exit status: the command's, or 3 when an expected prompt never
came (after --timeout seconds).

usage: console-driver.py --link NAME --transcript FILE [--answer PATTERN=TEXT]... -- COMMAND...
"""
import argparse
import os
import pty
import select
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--link", required=True)
    ap.add_argument("--transcript", required=True)
    ap.add_argument("--answer", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("command", nargs="+")
    a = ap.parse_args()

    master, slave = pty.openpty()
    link = "/dev/" + a.link
    os.symlink(os.ttyname(slave), link)
    answers = [x.split("=", 1) for x in a.answer]
    out = b""
    seen = 0
    try:
        proc = subprocess.Popen(a.command, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + a.timeout
        while proc.poll() is None and time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.1)
            if master in r:
                out += os.read(master, 4096)
            if answers and answers[0][0].encode() in out[seen:]:
                seen = out.index(answers[0][0].encode(), seen) + len(answers[0][0])
                os.write(master, answers[0][1].encode() + b"\n")
                answers.pop(0)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
            rc = 3
        else:
            rc = 3 if answers else proc.returncode
        # what is still buffered
        while select.select([master], [], [], 0.2)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.unlink(link)
        with open(a.transcript, "wb") as f:
            f.write(out)
    if answers:
        print(f"console-driver: prompt never came: {answers[0][0]!r}", file=sys.stderr)
    sys.exit(rc)


main()
