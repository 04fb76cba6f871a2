#!/usr/bin/env python3
"""yucon's benchmark harness (issue 6): yucon next to conserver and OpenSSH + screen, on the same consoles.

Run it through ./dist/bench, which builds what is needed and cleans up by pid whatever happens. Everything
listens on 127.0.0.1 only. Every process started here is recorded in WORK/pids ("pid starttime" lines) so the
launcher can stop it even when this script dies.

Peers and how a client reaches a console (every client is a real program on a pty that this script holds):
  direct     the workload's own pty master, read and written by this script (the limit)
  yucon      ssh -tt admin@127.0.0.1 console NAME        (yucon serve, guests held by its console keeper)
  conserver  console -M 127.0.0.1 -p PORT NAME            (conserver, the workload as an `exec` console)
  screen     ssh -tt root@127.0.0.1 screen -x bench-NAME  (OpenSSH sshd on a loopback port, GNU screen)
Workloads: "uml" a real UML guest (busybox root, logged in as root), "syn" bench/synthetic.py (prints N bytes
on demand, echoes keys) which isolates the gateway's own cost.

A measurement that fails (no echo, no prompt, a client that cannot attach) is recorded for the report's Failures
and the run goes on; a console that no longer answers is stopped by pid and booted afresh.
"""
import argparse
import datetime
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from yuconbench.harness import Bench  # noqa: E402
from yuconbench.peers import PEERS  # noqa: E402
from yuconbench.procs import become_subreaper, log  # noqa: E402
from yuconbench.report import report  # noqa: E402

NOTES = "## Notes (written by hand; kept when the harness rewrites this file)"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", required=True, help="scratch directory (must not exist)")
    p.add_argument("--jar", required=True, help="yucon.jar, with lib/ beside it")
    p.add_argument("--out", help="write the report here (BENCHMARKS.md)")
    p.add_argument("--command", default="./dist/bench", help="the command line, for the report")
    p.add_argument("--workloads", nargs="+", default=["uml", "syn"], choices=["uml", "syn"])
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--peers", nargs="+", default=PEERS, choices=PEERS, help="peers of the console and fan-out figures")
    p.add_argument("--conserver-tls", action="store_true",
                   help="conserver with its TLS (Debian's default); by default -E, see BENCHMARKS.md's notes")
    p.add_argument("--profile", action="store_true", help="record JFR of gateway and keeper during the console rounds")
    p.add_argument("--keys", type=int, default=1000, help="keystrokes per echo run")
    p.add_argument("--warmup-keys", type=int, default=10000,
                   help="keystrokes of yucon's unmeasured run on `syn` before the rounds")
    p.add_argument("--warmup-mb", type=int, default=300,
                   help="MB of yucon's unmeasured flood on `syn` before the rounds, for the JIT (0: no warm-up)")
    p.add_argument("--warmup-runs", type=int, default=3,
                   help="then unmeasured runs of yucon on each workload, each like a round's, and one of every "
                        "other peer on `uml` (0: none); with --fleet, unmeasured runs each way before the rounds")
    # 40 MB: a flood of 1.5-2 s on `uml`, 0.3-0.6 s on `syn`; 10 MB floods (0.4 s, 0.07 s) varied by a third
    # between rounds for `direct` itself, too much for a figure that must hold in every round.
    p.add_argument("--flood-mb-uml", type=int, default=40)
    p.add_argument("--flood-mb-syn", type=int, default=40)
    p.add_argument("--flood-timeout", type=float, default=5.0,
                   help="seconds before a flood counts as timed out (then rate = bytes received / this)")
    p.add_argument("--fanout", type=int, nargs="*", default=[1, 10, 100])
    p.add_argument("--fanout-mb", type=int, default=2)
    p.add_argument("--fanout-rounds", type=int, default=2)
    p.add_argument("--screen-fanout-max", type=int, default=10,
                   help="screen with more viewers than this is left out (100 displays: over a minute per round)")
    p.add_argument("--idle", type=int, nargs="*", default=[100, 1000])
    p.add_argument("--idle-settle", type=float, default=5.0, help="seconds at least between opening and measuring")
    p.add_argument("--idle-settle-max", type=float, default=120.0,
                   help="seconds at most to wait for the gateway's JIT compiler to go quiet before measuring")
    p.add_argument("--idle-jit-quiet", type=float, default=0.5,
                   help="%% of a core over 10 s below which the JIT compiler counts as quiet")
    p.add_argument("--idle-sample", type=float, default=10.0)
    p.add_argument("--login-rounds", type=int, default=10)
    p.add_argument("--restart-rounds", type=int, default=3)
    p.add_argument("--mem-guests", type=int, default=4, help="extra real guests booted to measure memory per guest")
    p.add_argument("--scale", type=int, default=0, metavar="N",
                   help="instead of the rest: N real guests behind one gateway (bench/scale.py, issue 19); prints "
                        "its figures and leaves --out alone")
    p.add_argument("--boots-at-once", type=int, default=0, metavar="N",
                   help="--scale: the gateway's [boot] at_once (0: its default, four per CPU)")
    p.add_argument("--web", action="store_true",
                   help="instead of the rest: the web page's figures (bench/web.py, issue 20); prints them and leaves "
                        "--out alone")
    p.add_argument("--fleet", action="store_true",
                   help="instead of the rest: echo and throughput through one relay hop against the holding host "
                        "directly (bench/fleet.py, issue 22); prints them and leaves --out alone")
    p.add_argument("--web-console", action="store_true",
                   help="instead of the rest: the console in the browser beside SSH and shellinabox (bench/webconsole.py, "
                        "issue 21); prints its figures and leaves --out alone")
    p.add_argument("--web-keys", type=int, default=300, help="--web-console: keystrokes per echo run")
    p.add_argument("--web-flood-mb", type=int, default=20, help="--web-console: MB of `x` per flood")
    p.add_argument("--flood-timeout-web", type=float, default=60.0, help="--web-console: seconds a flood may take")
    p.add_argument("--skip", nargs="*", default=[], choices=["console", "fanout", "login", "idle", "restart", "memory"])
    args = p.parse_args()

    work = Path(args.work)
    work.mkdir(parents=True)
    become_subreaper()
    bench = Bench(args)
    started = datetime.datetime.utcnow()
    t_start = time.monotonic()

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    if args.scale:
        run_scale(bench, args)
        return
    if args.web:
        run_web(bench, args)
        return
    if args.fleet:
        run_fleet(bench, args)
        return
    if args.web_console:
        run_web_console(bench, args)
        return
    try:
        bench.setup()
        # Memory first, while the gateway's heap is quiet; its guests are halted again before the rest.
        steps = [("memory", bench.run_memory), ("console", bench.run_console_rounds), ("fanout", bench.run_fanout),
                 ("login", bench.run_login), ("idle", bench.run_idle), ("restart", bench.run_restart)]
        for name, step in steps:
            if name not in args.skip:
                try:
                    step()
                except Exception as e:
                    # What the step measured before it failed is in the report; the other steps still run.
                    bench.failed(f"the {name} step", e)
        if bench.failures:
            log(f"{len(bench.failures)} measurement(s) failed; the report lists them under Failures")
        text = report(bench, args.command, started, time.monotonic() - t_start)
        print(text)
        if args.out:
            # Hand-written analysis below NOTES in an earlier report survives a rerun.
            old = Path(args.out).read_text() if Path(args.out).exists() else ""
            if NOTES in old:
                text += "\n" + old[old.index(NOTES):]
            Path(args.out).write_text(text)
            log(f"wrote {args.out}")
    finally:
        bench.procs.stop_all()


def run_scale(bench, args):
    from scale import Scale, report as scale_report
    scale = Scale(bench, args.scale, args.boots_at_once)
    try:
        scale.run()
    finally:
        if getattr(bench, "gateway", None) is not None and bench.gateway.poll() is None:
            scale.halt_all()
        bench.procs.stop_all()
        text = scale_report(scale.results, args.command)
        (bench.work / "scale.md").write_text(text + "\n")
        print(text)


def run_web(bench, args):
    from web import Web, report as web_report
    web = Web(bench)
    try:
        web.run()
    finally:
        if getattr(bench, "gateway", None) is not None and bench.gateway.poll() is None:
            bench.yucon_verb("shutdown", "--halt", "w1")
        bench.procs.stop_all()
        text = web_report(web.results, args.command)
        (bench.work / "web.md").write_text(text + "\n")
        print(text)


def run_fleet(bench, args):
    from fleet import Fleet, report as fleet_report
    from yuconbench.procs import machine
    fleet = Fleet(bench)
    try:
        fleet.run()
    finally:
        if getattr(bench, "gateway", None) is not None:
            fleet.halt()
        bench.procs.stop_all()
        text = fleet_report(fleet.results, args.command, machine())
        (fleet.root / "fleet.md").write_text(text + "\n")
        print(text)


def run_web_console(bench, args):
    from webconsole import WebConsoleBench, report as console_report
    runs = WebConsoleBench(bench, args)
    try:
        runs.run()
    finally:
        runs.close()
        if getattr(bench, "gateway", None) is not None and bench.gateway.poll() is None:
            bench.yucon_verb("shutdown", "--halt", "uml")
        bench.procs.stop_all()
        text = console_report(runs, args.command)
        (bench.work / "web-console.md").write_text(text + "\n")
        print(text)


if __name__ == "__main__":
    main()
