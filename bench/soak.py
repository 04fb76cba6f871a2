#!/usr/bin/env python3
"""The soak of issue 19: yucon under a steady mix of everything for a while (10 minutes unless told).

Guests print numbered lines (SOAK-<boot>-<n>, 20 a second) from a loop started at a root login on their console;
meanwhile viewers attach and leave, accounts run verbs, one guest is shut down and booted again now and then, and
the gateway is restarted every few minutes (SIGKILL and SIGTERM in turn). At the end every guest is shut down and
its console log (with its rotated parts) must hold each boot's lines exactly once, in order, without a gap; the
gateway's and the keeper's RSS, threads and open files at the start and at the end are printed.

Every process it starts is recorded by pid (yuconbench's Procs) and stopped by pid on any exit, Ctrl-C included.
"""
import argparse
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from yuconbench import PROMPT_END, SSH_OPTS  # noqa: E402
from yuconbench.procs import Procs, Timeout, become_subreaper, free_port, log  # noqa: E402
from yuconbench.term import Term  # noqa: E402

LINE = re.compile(rb"^SOAK-(\d+)-(\d+)\r?$", re.M)
# The loop prints its boot's number and a count; quoted apart so that the command's own echo never matches LINE.
PRINTER = "i=0; while :; do i=$((i+1)); echo SOA''K-{boot}-$i; sleep 0.05; done\r"


def duration(text):
    """'90', '90s', '5m', '1h' -> seconds."""
    m = re.fullmatch(r"(\d+)([smh]?)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 300, 90s, 5m)")
    return int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def figures(pid):
    """RSS (MB), threads and open files of a live JVM, from /proc, and its live heap (MB) after a full GC: RSS alone
    follows how far the collector let the heap grow, which is not a leak."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"rss_mb": int(status["VmRSS"].split()[0]) / 1024, "threads": int(status["Threads"]),
            "files": len(os.listdir(f"/proc/{pid}/fd")), "kinds": open_kinds(pid), "heap_mb": live_heap_mb(pid)}


def open_kinds(pid):
    """What a process's open files are, counted by kind (a socket, a pipe, a pty, a file's path without digits)."""
    kinds = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = re.sub(r"\d+", "N", os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue
        kinds[target] = kinds.get(target, 0) + 1
    return kinds


def live_heap_mb(pid):
    """The heap in use right after a full collection (jcmd GC.run, then jstat -gc: survivors, eden and old used)."""
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60, check=True)
    header, values = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=60,
                                    check=True).stdout.split("\n")[:2]
    gc = dict(zip(header.split(), values.split()))
    return sum(float(gc[k]) for k in ("S0U", "S1U", "EU", "OU")) / 1024


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip() + f", {os.cpu_count()} CPUs"
    return "unknown CPU"


class Soak:
    def __init__(self, args, launcher):
        self.args = args
        self.work = Path(args.work).resolve()
        self.procs = Procs(self.work)
        self.launcher = launcher
        self.image = Path.home() / ".cache/yucon/rootfs/root.img"
        self.key = self.work / "id_ed25519"
        self.port = free_port()
        self.guests = [f"s{i}" for i in range(1, args.guests + 1)]
        self.boots = {g: 0 for g in self.guests}     # the boot number each guest prints now
        self.gateway = None
        self.keeper = None
        self.counts = {"viewers": 0, "verbs": 0, "logins": 0, "cycles": 0, "restarts": 0}

    # -- set-up -----------------------------------------------------------------------------------

    def write_etc(self):
        etc = self.work / "etc"
        (etc / "guests").mkdir(parents=True)
        (etc / "accounts").mkdir()
        (etc / "yucon.toml").write_text(
            f'[ssh]\nport = {self.port}\nhost_keys = "{self.work / "hostkeys"}"\n'
            f'[paths]\nstate = "{self.work / "state"}"\n'
            '[limits]\nthrottle_failures = 1000000\n'
            # The web page on a port of its own: the default (8443) may be another gateway's.
            f'[web]\nport = {free_port()}\n')
        for g in self.guests:
            (etc / "guests" / f"{g}.toml").write_text(
                f'memory = "48M"\nshutdown_timeout = "10s"\n[[disk]]\nimage = "{self.image}"\n'
                f'cow = "{self.work / "state" / "cow" / g / "root.cow"}"\n')
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key)], check=True)
        pub = Path(str(self.key) + ".pub").read_text()
        accounts = [("admin", "admin = true")] + [(g, f'guests = ["{g}"]') for g in self.guests]
        for account, grant in accounts:
            # Keys only: no password hash is needed (or made) for a soak.
            (etc / "accounts" / f"{account}.toml").write_text(f"{grant}\n")
            (etc / "accounts" / f"{account}.keys").write_text(pub)

    def start_gateway(self):
        out = open(self.work / "gateway.log", "a")
        self.gateway = self.procs.start([str(self.launcher), "serve", "--etc", str(self.work / "etc")],
                                        stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while "yucon listens on" not in (self.work / "gateway.log").read_text(errors="replace").split("starting #")[-1]:
            if self.gateway.poll() is not None:
                raise RuntimeError(f"the gateway exited ({self.gateway.returncode}); see {self.work}/gateway.log")
            if time.monotonic() > deadline:
                raise Timeout("the gateway did not listen within 90 s")
            time.sleep(0.1)
        pid = int((self.work / "state" / "keeper.pid").read_text().split()[0])
        if not self.procs.known(pid):
            self.procs.add(pid)
        self.keeper = pid

    def restart_gateway(self):
        self.counts["restarts"] += 1
        hard = self.counts["restarts"] % 2 == 1
        log(f"restart {self.counts['restarts']}: {'SIGKILL' if hard else 'SIGTERM'} to the gateway {self.gateway.pid}")
        with open(self.work / "gateway.log", "a") as f:
            f.write(f"--- soak: starting #{self.counts['restarts']}\n")
        self.gateway.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
        self.gateway.wait(30)
        self.start_gateway()
        for g in self.guests:
            self.await_state(g, "running", 60)

    # -- what users do ----------------------------------------------------------------------------

    def verb(self, *words, user="admin", timeout=60):
        self.counts["verbs"] += 1
        return subprocess.run(["ssh", *SSH_OPTS, "-i", str(self.key), "-p", str(self.port), f"{user}@127.0.0.1", *words],
                              capture_output=True, text=True, timeout=timeout)

    def await_state(self, guest, state, timeout):
        deadline = time.monotonic() + timeout
        while True:
            r = self.verb("status", guest)
            if r.returncode == 0 and r.stdout.startswith(f"{guest} {state}"):
                return
            if time.monotonic() > deadline:
                raise Timeout(f"{guest} not {state} within {timeout} s: {r.stdout.strip()} {r.stderr.strip()}")
            time.sleep(0.5)

    def console(self, guest, user="admin"):
        return Term(self.procs, ["ssh", "-tt", *SSH_OPTS, "-i", str(self.key), "-p", str(self.port),
                                 f"{user}@127.0.0.1", "console", guest], name=f"{user}:{guest}")

    def boot_and_print(self, guest):
        """Boots the guest, logs in as root on its console (as its owner) and starts its numbered lines."""
        r = self.verb("boot", guest)
        if r.returncode != 0:
            raise RuntimeError(f"boot {guest}: {r.stderr.strip()}")
        self.boots[guest] += 1
        t = self.console(guest, user=guest)
        try:
            t.expect(rb"login: ?$", 90)
            t.send(b"root\r")
            t.expect(PROMPT_END, 30)
            self.counts["logins"] += 1
            t.send(PRINTER.format(boot=self.boots[guest]).encode())
            t.expect(rb"SOAK-%d-3\r" % self.boots[guest], 30)
        finally:
            self.leave(t)
        self.await_state(guest, "running", 60)

    def cycle(self, guest):
        """Shuts the guest down (its loop ends with it) and boots it again with a new boot number."""
        self.counts["cycles"] += 1
        log(f"cycle {self.counts['cycles']}: {guest} shuts down and boots again")
        r = self.verb("shutdown", guest)
        if r.returncode != 0:
            raise RuntimeError(f"shutdown {guest}: {r.stderr.strip()}")
        self.await_state(guest, "off", 60)
        self.boot_and_print(guest)

    def view(self, guest, seconds):
        """A viewer attaches, watches the lines go by for a while, and leaves."""
        self.counts["viewers"] += 1
        t = self.console(guest)
        try:
            t.expect(rb"SOAK-\d+-\d+\r", 30)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                t.read(end - time.monotonic())
                del t.buf[:-4096]
        finally:
            self.leave(t)

    @staticmethod
    def leave(t):
        """Ctrl-A d, as a person leaves (the session ends), then the client is stopped if it has not."""
        try:
            t.send(b"\x01d")
            t.expect(rb"detached|closed", 5)
        except (OSError, EOFError, Timeout):
            pass
        t.close()

    # -- the run ----------------------------------------------------------------------------------

    def run(self):
        self.write_etc()
        self.start_gateway()
        for g in self.guests:
            self.boot_and_print(g)
        time.sleep(5)
        start = {"gateway": figures(self.gateway.pid), "keeper": figures(self.keeper)}
        log(f"start: { {k: {n: v for n, v in f.items() if n != 'kinds'} for k, f in start.items()} }")
        t0 = time.monotonic()
        next_restart = t0 + self.args.restart_every
        next_cycle = t0 + self.args.cycle_every
        rng = random.Random(19)
        while time.monotonic() - t0 < self.args.duration:
            now = time.monotonic()
            if now >= next_restart:
                self.restart_gateway()
                next_restart = time.monotonic() + self.args.restart_every
            elif now >= next_cycle:
                self.cycle(rng.choice(self.guests))
                next_cycle = time.monotonic() + self.args.cycle_every
            else:
                self.view(rng.choice(self.guests), rng.uniform(0.5, 3))
                r = self.verb("status", user=rng.choice(self.guests))
                if r.returncode != 0:
                    raise RuntimeError(f"status: {r.stderr.strip()}")
        end = {"gateway": figures(self.gateway.pid), "keeper": figures(self.keeper)}
        log(f"end: { {k: {n: v for n, v in f.items() if n != 'kinds'} for k, f in end.items()} }")
        for g in self.guests:
            self.verb("shutdown", g)
        for g in self.guests:
            self.await_state(g, "off", 60)
        failures = [f for g in self.guests for f in self.check(g)]
        self.report(start, end, time.monotonic() - t0, failures)
        return 1 if failures else 0

    def check(self, guest):
        """Each boot's lines in the log, rotated parts first: 1..n, each once, in order."""
        logs = self.work / "state" / "logs"
        parts = sorted(logs.glob(f"{guest}.log.*"), key=lambda p: -int(p.suffix[1:])) + [logs / f"{guest}.log"]
        text = b"".join(p.read_bytes() for p in parts)
        seen = {}
        failures = []
        for m in LINE.finditer(text):
            boot, n = int(m.group(1)), int(m.group(2))
            expected = seen.get(boot, 0) + 1
            if n != expected:
                failures.append(f"{guest} boot {boot}: SOAK-{boot}-{n} where SOAK-{boot}-{expected} was due")
            seen[boot] = max(n, seen.get(boot, 0))
        missing = [b for b in range(1, self.boots[guest] + 1) if b not in seen]
        failures += [f"{guest} boot {b}: no lines in the log" for b in missing]
        self.lines = getattr(self, "lines", {})
        self.lines[guest] = seen
        return failures

    def report(self, start, end, seconds, failures):
        print(f"soak: {seconds / 60:.1f} min on {cpu_model()}, {len(self.guests)} guests")
        print("soak: " + ", ".join(f"{v} {k}" for k, v in self.counts.items()))
        for g in self.guests:
            boots = self.lines[g]
            print(f"soak: {g}: {sum(boots.values())} numbered lines in {len(boots)} boots, each once and in order"
                  if not any(f.startswith(g + " ") for f in failures) else f"soak: {g}: FAILED")
        for who in ("gateway", "keeper"):
            a, b = start[who], end[who]
            print(f"soak: {who:7} RSS {a['rss_mb']:.0f} -> {b['rss_mb']:.0f} MB, live heap {a['heap_mb']:.1f} ->"
                  f" {b['heap_mb']:.1f} MB, threads {a['threads']} -> {b['threads']}, open files {a['files']} -> {b['files']}"
                  + (" (a later gateway process: restarted)" if who == "gateway" and self.counts["restarts"] else ""))
            more = {k: b["kinds"].get(k, 0) - a["kinds"].get(k, 0) for k in set(a["kinds"]) | set(b["kinds"])}
            changed = ", ".join(f"{k} {n:+d}" for k, n in sorted(more.items()) if n)
            if changed:
                print(f"soak: {who:7} open files that changed: {changed}")
        for f in failures:
            print("soak: FAILURE " + f)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=duration, default=600, help="how long the mix runs (default 10m; e.g. 300, 4m)")
    p.add_argument("--guests", type=int, default=3)
    p.add_argument("--restart-every", type=duration, default=150, help="gateway restarts (default 150s)")
    p.add_argument("--cycle-every", type=duration, default=45, help="a guest's shutdown and boot (default 45s)")
    p.add_argument("--work", required=True, help="a new directory for the run's files")
    p.add_argument("--launcher", required=True, help="dist/yucon")
    args = p.parse_args()
    Path(args.work).mkdir(parents=True)
    become_subreaper()
    soak = Soak(args, Path(args.launcher))

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        sys.exit(soak.run())
    finally:
        soak.procs.stop_all()


if __name__ == "__main__":
    main()
