#!/usr/bin/env python3
"""Where a key's and a megabyte's CPU goes, thread by thread: yucon beside bare OpenSSH on the synthetic console.

One gateway (its keeper, the `syn` console) and one sshd. Each client is warmed up first (keys and a flood, so that
both JVMs have compiled their paths), then yucon and `sshd` take turns, `--rounds` times: an echo run of `--keys`
keys and a 40 MB flood, each bracketed by a snapshot of every thread on the machine (/proc/PID/task/TID: schedstat's
CPU time, voluntary and involuntary context switches). Prints, per run, the threads that used more than 0.5 µs per key
(per MB for the flood) with their CPU and wake-ups per key, the gateway's and keeper's threads named as such.

  bench/threadcpu.py --jar target/yucon.jar --work /tmp/threads [--rounds 3] [--keys 3000]

Every process it starts is stopped by pid on exit (Procs), Ctrl-C included.
"""
import argparse
import collections
import os
import re
import signal
import subprocess
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from yuconbench.harness import Bench  # noqa: E402
from yuconbench.procs import become_subreaper, free_port  # noqa: E402

FLOOD = 40_000_000


def snapshot():
    """(pid, tid) -> (process, thread name, CPU ns, voluntary, involuntary switches) for every thread now."""
    threads = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                switches = [int(line.split()[1]) for line in Path(f"/proc/{pid}/task/{tid}/status").read_text().splitlines()
                            if line.startswith(("voluntary_ctxt", "nonvoluntary_ctxt"))]
                ns = int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0])
            except (OSError, IndexError, ValueError):
                continue
            threads[(int(pid), tid)] = (comm, stat[stat.index("(") + 1:stat.rindex(")")], ns, *switches)
    return threads


def report(title, before, after, units, names):
    """Per process and thread name (numbered threads together): CPU and switches per unit, the busiest first."""
    sums = collections.defaultdict(lambda: [0, 0, 0])
    for key, (comm, name, ns, vol, invol) in after.items():
        _, _, ns0, vol0, invol0 = before.get(key, (comm, name, 0, 0, 0))
        label = names.get(key[0], comm) + ": " + re.sub(r"\d+$", "#", name)
        for i, d in enumerate((ns - ns0, vol - vol0, invol - invol0)):
            sums[label][i] += d
    print(title)
    for label, (ns, vol, invol) in sorted(sums.items(), key=lambda kv: -kv[1][0]):
        if ns / units > 500:
            print(f"  {label:45s} {ns / units / 1000:8.1f} µs   wake-ups {vol / units:7.2f}   preempted {invol / units:6.2f}")
    print(f"  {'all':45s} {sum(s[0] for s in sums.values()) / units / 1000:8.1f} µs")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", required=True, help="scratch directory (must not exist)")
    p.add_argument("--jar", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--keys", type=int, default=3000)
    args = p.parse_args()
    Path(args.work).mkdir(parents=True)
    become_subreaper()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    b = Bench(types.SimpleNamespace(work=args.work, jar=args.jar, conserver_tls=False, keys=args.keys,
                                    flood_timeout=30.0, mem_guests=0))
    try:
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(b.key)], check=True)
        b.gw_port, b.cs_port, b.sshd_port = free_port(), free_port(), free_port()
        b.peers["yucon"].setup()
        b.peers["sshd"].setup()
        names = {b.gateway.pid: "gateway", b.keeper: "keeper"}
        for _ in range(args.rounds):
            for peer in ("yucon", "sshd"):
                t = b.connect(peer, "syn")
                b.echo(t, "syn", 6000 if peer == "yucon" else 500)
                b.flood([t], "syn", 100_000_000 if peer == "yucon" else 10_000_000, 60)
                t.quiet(0.5)
                s0 = snapshot()
                lat = sorted(b.echo(t, "syn", args.keys))
                s1 = snapshot()
                report(f"{peer}: echo p50 {lat[len(lat) // 2]:.3f} ms, per key", s0, s1, args.keys, names)
                s0 = snapshot()
                secs = b.flood([t], "syn", FLOOD, 30)[0][0][0]
                s1 = snapshot()
                rate = f"{FLOOD / 1e6 / secs:.1f} MB/s" if secs else "timed out"
                report(f"{peer}: flood {rate}, per MB", s0, s1, FLOOD / 1e6, names)
                b.disconnect(peer, t)
    finally:
        b.procs.stop_all()


if __name__ == "__main__":
    main()
