"""The fleet's relay (issue 22): two gateways on loopback, each with its keeper; the guest `uml` runs on h2.

Measured on that one console, in interleaved rounds (the order alternates, so that the machine's load, shared with
other work, falls on both alike): the echo of single keys (p50, p99) and one viewer's flood throughput, logged in on
h2 directly (`ssh h2 console uml`) against through h1 (`ssh h1 console uml`: one relay hop, a channel on h1's one
SSH connection to h2, and one more viewer on h2's hub), after unmeasured warm-up runs each way.
"""
import statistics
import subprocess
import time

from yuconbench import SSH_OPTS
from yuconbench.figures import fmt
from yuconbench.peers import Peer
from yuconbench.procs import Timeout, cpu_ticks, free_port, loadavg, log

GUEST = "uml"
HOSTS = ("h1", "h2")


class Entry(Peer):
    """`ssh -tt admin@127.0.0.1 -p PORT console uml` on one of the two gateways."""

    def __init__(self, bench, name, port):
        super().__init__(bench)
        self.name = name
        self.port = port

    def client_argv(self, w, spy):
        return ["ssh", "-tt", *SSH_OPTS, "-i", str(self.b.key), "-p", str(self.port), "admin@127.0.0.1", "console", w]


class Fleet:
    def __init__(self, bench):
        self.b = bench
        self.root = bench.work
        self.ports = {h: free_port() for h in HOSTS}
        self.results = {"direct": [], "relay": [], "load": [], "cpu": {"direct": [], "relay": []}}
        self.pids = {}

    def run(self):
        b = self.b
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(b.key)], check=True)
        for host, guests in (("h2", {GUEST: self.guest_text()}), ("h1", {})):
            self.on(host)
            etc = b.write_yucon_etc(guests)
            subprocess.run([*b.gateway_command(), "hostkeys", "--etc", str(etc)], check=True, capture_output=True)
        for host, peer in (("h1", "h2"), ("h2", "h1")):
            key = (self.root / peer / "hostkeys" / "ssh_host_ed25519_key.pub").read_text().strip()
            with open(self.root / host / "etc" / "yucon.toml", "a") as toml:
                toml.write(f'[fleet]\nname = "{host}"\n[[peer]]\nname = "{peer}"\naddress = "127.0.0.1"\n'
                           f'port = {self.ports[peer]}\nhost_key = "{key}"\n')
        for host in ("h2", "h1"):
            self.on(host)
            b.start_gateway()
            self.pids[host] = b.gateway.pid
            log(f"fleet: {host}'s gateway on port {self.ports[host]}, pid {b.gateway.pid}")
        self.on("h2")
        r = b.yucon_verb("boot", GUEST)
        if r.returncode != 0:
            raise RuntimeError(f"boot {GUEST} on h2: {r.stderr.strip()}")
        self.await_relay()
        b.peers = {"direct": Entry(b, "direct", self.ports["h2"]), "relay": Entry(b, "relay", self.ports["h1"])}
        self.login()
        n = b.args.flood_mb_uml * 10**6
        self.warm_up(n)
        for rnd in range(b.args.rounds):
            order = ("direct", "relay") if rnd % 2 == 0 else ("relay", "direct")
            for way in order:
                self.results["load"].append(float(loadavg()))
                before = {h: cpu_ticks(pid) for h, pid in self.pids.items()}
                rec = b.console_run(way, GUEST, rnd, n)
                self.results["cpu"][way].append({h: (cpu_ticks(pid) - before[h]) * 10 for h, pid in self.pids.items()})
                if rec.failed:
                    raise RuntimeError(f"{way} round {rnd}: {rec.failed}")
                self.results[way].append(rec)
                log(f"fleet round {rnd} {way}: echo p50 {rec.p50:.3f} ms p99 {rec.p99:.3f} ms; {fmt(rec.mbps, '.1f')} MB/s")

    def warm_up(self, n):
        """Unmeasured runs each way first (--warmup-runs): h1's JVM compiles the relay's path only while relaying, so
        without them the first relay rounds paid h1's compiler (its CPU per relay run fell from 0.8 s to 0.2-0.3 s
        over the first rounds; h2, warmed by both ways, fell less)."""
        for _ in range(self.b.args.warmup_runs):
            for way in ("direct", "relay"):
                rec = self.b.console_run(way, GUEST, 0, n)
                if rec.failed:
                    raise RuntimeError(f"{way} warm-up: {rec.failed}")
                log(f"fleet warm-up {way}: echo p50 {rec.p50:.3f} ms p99 {rec.p99:.3f} ms; {fmt(rec.mbps, '.1f')} MB/s")

    def on(self, host):
        """Points the harness at one host's directory and port (its etc, state, keys and log)."""
        self.b.work = self.root / host
        self.b.work.mkdir(exist_ok=True)
        self.b.gw_port = self.ports[host]

    def guest_text(self):
        return (f'memory = "128M"\nshutdown_timeout = "10s"\n[[disk]]\nimage = "{self.b.image}"\n'
                f'cow = "{self.root / "h2" / "state" / (GUEST + ".cow")}"\n')

    def await_relay(self):
        """Until h1's poll has learnt that h2 holds the guest and sees it running."""
        self.on("h1")
        deadline = time.monotonic() + 90
        while f"h2 {GUEST} running" not in self.b.yucon_verb("status").stdout:
            if time.monotonic() > deadline:
                raise Timeout(f"h1 did not see {GUEST} running on h2 within 90 s")
            time.sleep(0.5)
        self.on("h2")

    def login(self):
        t = self.b.connect("direct", GUEST)
        try:
            self.b.workloads[GUEST].login(t, timeout=90)
        finally:
            self.b.disconnect("direct", t)

    def halt(self):
        self.on("h2")
        self.b.yucon_verb("shutdown", "--halt", GUEST)


def report(results, command, machine):
    lines = [f"### The fleet's relay (`{command}`)", "",
             f"{machine}; load average during the rounds "
             f"{min(results['load'], default=0):.2f}-{max(results['load'], default=0):.2f} (shared with other work); "
             f"{len(results['direct'])} interleaved rounds, medians of the rounds.", "",
             "| way to the console of `uml` on h2 | echo p50 | echo p99 | flood throughput |", "| --- | --- | --- | --- |"]
    figures = {}
    for way, label in (("direct", "logged in on h2 directly"), ("relay", "through h1 (one relay hop)")):
        runs = results[way]
        if not runs:
            continue
        p50 = statistics.median(r.p50 for r in runs)
        p99 = statistics.median(r.p99 for r in runs)
        mbps = statistics.median(r.mbps or 0 for r in runs)
        figures[way] = (p50, p99, mbps)
        lines.append(f"| {label} | {p50:.3f} ms | {p99:.3f} ms | {mbps:.1f} MB/s |")
    if len(figures) == 2:
        d, r = figures["direct"], figures["relay"]
        lines += ["", f"Relay against direct: p50 {r[0] - d[0]:+.3f} ms (target within +0.2 ms), throughput "
                      f"{r[2] / d[2] if d[2] else 0:.2f} of direct (target at least 0.9)."]
        lines += per_round(results) + cpu(results["cpu"])
    return "\n".join(lines)


def cpu(runs):
    """Each gateway's CPU in a run (login, keys, flood), medians of the rounds: the relay's cost in work, which the
    load of other processes changes far less than it changes times."""
    if not runs["direct"] or not runs["relay"]:
        return []
    med = {way: {h: statistics.median(r[h] for r in rs) for h in HOSTS} for way, rs in runs.items()}
    return ["", f"Gateways' CPU per run (medians): direct, h2 {med['direct']['h2']:.0f} ms (h1, polling only, "
                f"{med['direct']['h1']:.0f} ms); relay, h1 {med['relay']['h1']:.0f} ms and h2 {med['relay']['h2']:.0f} ms."]


def per_round(results):
    """Relay against direct within each round (the two ways ran back to back, under about the same load), and the
    medians of those: on a shared machine, steadier than the ratio of the medians."""
    pairs = list(zip(results["direct"], results["relay"]))
    deltas = [r.p50 - d.p50 for d, r in pairs]
    ratios = [(r.mbps or 0) / d.mbps for d, r in pairs if d.mbps]
    if not deltas or not ratios:
        return []
    return ["", "Per round, relay against direct: p50 " + ", ".join(f"{x:+.3f}" for x in deltas)
            + f" ms (median {statistics.median(deltas):+.3f}); throughput " + ", ".join(f"{x:.2f}" for x in ratios)
            + f" (median {statistics.median(ratios):.2f})."]
