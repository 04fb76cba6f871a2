#!/usr/bin/env python3
"""A gateway's cold start beside its steady state (issue 19), for JVM option sets side by side.

One gateway configuration with one UML guest (`uml`), booted once; then, for each round and each option set in
alternating order: the gateway alone is stopped (its keeper and the guest stay, as at an upgrade) and started with
that option set; the time to its SSH banner; the echo of the first `--keys` keys through `ssh console uml` (cold);
then `--warm-keys` keys and a flood unmeasured; then `--keys` keys again (warm). Prints per run the p50/p99 of both,
the keys' positions among the slowest 1 %, and the JIT compilers' CPU during the cold keys; then medians per set.

  bench/coldstart.py --jar target/yucon.jar --work /tmp/cold --rounds 3 \\
      --opts "-XX:+UseSerialGC -Xms64m -Xmx512m" --opts "... -XX:SharedArchiveFile=..."

Every process it starts is stopped by pid on exit (Procs), Ctrl-C included.
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from yuconbench.figures import pct  # noqa: E402
from yuconbench.harness import Bench  # noqa: E402
from yuconbench.procs import become_subreaper, cpu_ticks, free_port, jit_ticks, log  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", required=True, help="scratch directory (must not exist)")
    p.add_argument("--jar", required=True)
    p.add_argument("--java", action="append", default=None, help="the java binary of each option set (default java)")
    p.add_argument("--opts", action="append", required=True, help="JVM options of one set (give two or more)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--keys", type=int, default=1000)
    p.add_argument("--warm-keys", type=int, default=6000)
    p.add_argument("--start-only", action="store_true", help="only the starts: time and CPU to the SSH banner")
    args = p.parse_args()
    javas = args.java or ["java"] * len(args.opts)
    work = Path(args.work)
    work.mkdir(parents=True)
    become_subreaper()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    b = Bench(types.SimpleNamespace(work=str(work), jar=args.jar, conserver_tls=False, keys=args.keys,
                                    flood_timeout=30.0, mem_guests=0))
    runs = {i: [] for i in range(len(args.opts))}
    try:
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(b.key)], check=True)
        b.gw_port = free_port()
        b.write_yucon_etc({"uml": f'memory = "64M"\nshutdown_timeout = "5s"\n[[disk]]\nimage = "{b.image}"\n'
                                  f'cow = "{work / "state" / "uml.cow"}"\n'})
        use(b, javas[0], args.opts[0])
        b.start_gateway()
        r = b.yucon_verb("boot", "uml")
        if r.returncode != 0:
            raise RuntimeError(f"boot uml: {r.stderr.strip()}")
        t = b.connect("yucon", "uml")
        b.workloads["uml"].login(t, timeout=120)
        b.disconnect("yucon", t)
        for rnd in range(args.rounds):
            order = list(runs) if rnd % 2 == 0 else list(runs)[::-1]
            for i in order:
                stop_gateway(b)
                use(b, javas[i], args.opts[i])
                if args.start_only:
                    rec = start(b)
                    runs[i].append(rec)
                    log(f"set {i} round {rnd + 1}: start {rec['start_ms']:.0f} ms, gateway CPU {rec['start_cpu_ms']} ms")
                    continue
                rec = cold_and_warm(b, args)
                runs[i].append(rec)
                log(f"set {i} round {rnd + 1}: start {rec['start_ms']:.0f} ms; cold p50 {rec['cold_p50']:.3f} p99 "
                    f"{rec['cold_p99']:.3f} ms (slowest 1 % at keys {rec['slow_at']}); JIT during the cold keys "
                    f"{rec['jit_ms']} ms, gateway CPU cold / warm keys {rec['cold_cpu_ms']} / {rec['warm_cpu_ms']} ms; slowest 12 cold {rec['slowest']}, warm {rec['warm_slowest']}; warm p50 {rec['warm_p50']:.3f} p99 {rec['warm_p99']:.3f} ms; "
                    f"cold/warm p99 {rec['cold_p99'] / rec['warm_p99']:.2f}")
        for i, recs in runs.items():
            if args.start_only:
                print(f"set {i} ({javas[i]} {args.opts[i]}): medians of {len(recs)}: start "
                      f"{statistics.median(r['start_ms'] for r in recs):.0f} ms, gateway CPU "
                      f"{statistics.median(r['start_cpu_ms'] for r in recs):.0f} ms")
                continue
            m = {k: statistics.median(r[k] for r in recs) for k in ("start_ms", "cold_p99", "warm_p99", "jit_ms")}
            ratio = statistics.median(r["cold_p99"] / r["warm_p99"] for r in recs)
            print(f"set {i} ({javas[i]} {args.opts[i]}): medians of {len(recs)}: start {m['start_ms']:.0f} ms, cold p99 "
                  f"{m['cold_p99']:.3f} ms, warm p99 {m['warm_p99']:.3f} ms, cold/warm {ratio:.2f}, JIT during the cold "
                  f"keys {m['jit_ms']:.0f} ms")
    finally:
        if getattr(b, "gateway", None) is not None:
            b.yucon_verb("shutdown", "--halt", "uml")
            stop_gateway(b)
        b.procs.stop_all()


def stop_gateway(b):
    """SIGTERM, and time to exit: a JVM that writes a class archive or an AOT cache at exit takes seconds."""
    b.procs.stop(b.gateway.pid, grace=120, tree=False)


def use(b, java, opts):
    """The next gateway start runs this java with these options (the launcher's own -D flags kept)."""
    b.gateway_command = lambda: [java, *opts.split(), "-Dsun.nio.ch.internalThreadPoolSize=0", "-jar", str(b.jar)]


def start(b):
    """Starts the gateway: wall time and the gateway's CPU time (less bent by other load) to its SSH banner."""
    start_ms = b.start_gateway()
    return {"start_ms": start_ms, "start_cpu_ms": cpu_ticks(b.gateway.pid) * 1000 // os.sysconf("SC_CLK_TCK")}


def cold_and_warm(b, args):
    start_ms = start(b)["start_ms"]
    t = b.connect("yucon", "uml")
    try:
        t.send(b"\r")
        t.expect(b.workloads["uml"].prompt(), 20)
        t.quiet(0.1)
        hz, pid = os.sysconf("SC_CLK_TCK"), b.gateway.pid
        jit0, cpu0 = jit_ticks(pid), cpu_ticks(pid)
        cold = b.echo(t, "uml", args.keys)
        jit_ms, cold_cpu_ms = (jit_ticks(pid) - jit0) * 1000 // hz, (cpu_ticks(pid) - cpu0) * 1000 // hz
        b.echo(t, "uml", args.warm_keys)
        b.flood([t], "uml", 8 * 10**6, 30.0)
        cpu0 = cpu_ticks(pid)
        warm = b.echo(t, "uml", args.keys)
        warm_cpu_ms = (cpu_ticks(pid) - cpu0) * 1000 // hz
    finally:
        b.disconnect("yucon", t)
    slow = sorted(range(len(cold)), key=lambda k: cold[k])[-max(1, len(cold) // 100):]
    return {"start_ms": start_ms, "cold_p50": pct(cold, 50), "cold_p99": pct(cold, 99), "warm_p50": pct(warm, 50),
            "warm_p99": pct(warm, 99), "jit_ms": jit_ms, "cold_cpu_ms": cold_cpu_ms, "warm_cpu_ms": warm_cpu_ms, "slow_at": sorted(slow),
            "slowest": [round(x, 1) for x in sorted(cold)[-12:]], "warm_slowest": [round(x, 1) for x in sorted(warm)[-12:]]}


if __name__ == "__main__":
    main()
