"""The scale mode of the benchmark (issue 19, "A hundred guests"): N real guests behind one gateway.

N guests of 48 MB, each a COW over the one root image, every console logged, booted with the admin's `boot` verb.
Measured: the time from the first boot to all running; the `status` verb's latency, sampled every 50 ms while the
first N-10 are booted one after the other (each verb returns at once: all but [boot] at_once of them wait their
turn) and while the last 10 are booted at once (max and p99), and for 5 s before and after the boots, when nothing
boots, to tell what the machine's load costs by itself; the idle CPU and RSS of gateway and keeper over 30 s with all
N running; `status --json`; the time a gateway started after a SIGKILL of the old one
takes to show all N running with their consoles; the time from the shutdowns to all off.

`status` is timed by bench/StatusProbe.java, one client process holding one SSH connection, a channel per sample, so a
sample is the gateway's answer to the verb, not a login of its own nor the start of a client process (an `ssh`
process per sample timed mostly its own start while the guests booted). The other verbs go over one connection held
by OpenSSH (ControlMaster).
"""
import signal
import statistics
import subprocess
import threading
import time

from yuconbench import SSH_OPTS
from yuconbench.figures import pct
from yuconbench.procs import (Timeout, cpu_ticks, free_port, kill, loadavg, log, machine, machine_ticks, read_line,
                              short_error, steady_rss_kb)

SAMPLE_EVERY = 0.05
# Samples at least this slow are also written, stamped with their start, to WORK/status-slow.log: to set beside the
# gateway's own records (its log, a JFR recording) of that moment.
SLOW_MS = 300
AT_ONCE = 10
IDLE_SECONDS = 30
MEMORY = "48M"
STUCK = 60
# A second of the machine with less CPU than this (ticks of 10 ms, 200 on 2 CPUs) is quiet: the guests' start is over.
SETTLED_TICKS = 50
# The detail of a guest whose boot waits for one of the gateway's turns ([boot] at_once).
WAITS = "waits its turn to boot"
QUIET_SECONDS = 5
# bench's options without its ControlMaster=no / ControlPath=none pair: here one connection is held and shared.
OPTS = [o for i, o in enumerate(SSH_OPTS)
        if not ("Control" in o or (o == "-o" and i + 1 < len(SSH_OPTS) and "Control" in SSH_OPTS[i + 1]))]


class StatusSampler:
    """`status` every 50 ms from bench/StatusProbe.java (one MINA client process, one SSH connection, a channel per
    sample), on a thread of its own that reads its answers and keeps each latency in ms, by the phase it ended in."""

    def __init__(self, scale):
        b = scale.b
        self.slow_log = b.work / "status-slow.log"
        self.phase = None
        self.samples = {}
        self.probe = b.procs.start(
            ["java", "-cp", b.compile_client("StatusProbe.java"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
             "StatusProbe", "127.0.0.1", str(b.gw_port), "admin", "secret", str(int(SAMPLE_EVERY * 1000)),
             str(b.gateway.pid)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(b.work / "status-probe.log", "a"), text=True)
        line = read_line(self.probe.stdout, 60)
        if line.strip() != "READY":
            raise RuntimeError(f"status probe: {line!r}; see {b.work}/status-probe.log")
        self.thread = threading.Thread(target=self.run, name="status-sampler", daemon=True)

    def run(self):
        for line in self.probe.stdout:
            word, text, answered, probe_wait, gateway_wait = line.split()
            if word != "SAMPLE":
                continue
            ms = float(text)
            phase = self.phase
            if phase is not None and int(answered) > 0:
                self.samples.setdefault(phase, []).append(ms)
            if ms >= SLOW_MS:
                began = time.time() - ms / 1000
                with open(self.slow_log, "a") as f:
                    f.write(f"{time.strftime('%H:%M:%S', time.localtime(began))}.{int(began * 1000) % 1000:03d} "
                            f"{phase} {text} ms, {answered} bytes; runnable, not running: probe {probe_wait} ms, "
                            f"gateway {gateway_wait} ms (summed over threads)\n")

    def stop(self, procs):
        self.probe.stdin.close()
        procs.stop(self.probe.pid, grace=5.0)
        self.thread.join()

    def figures(self, phase):
        values = self.samples.get(phase, [])
        if not values:
            return None
        return {"n": len(values), "p50": pct(values, 50), "p99": pct(values, 99), "max": max(values)}


class Scale:
    def __init__(self, bench, n, boots_at_once):
        self.b = bench
        self.n = n
        self.boots_at_once = boots_at_once
        self.names = [f"g{i:03d}" for i in range(1, n + 1)]
        self.results = {"guests": n, "load": loadavg(), "boots_at_once": boots_at_once or "the default, four per CPU"}
        self.master = None

    # -- set-up ------------------------------------------------------------------------------------

    def write_etc(self):
        b = self.b
        b.write_yucon_etc({g: f'memory = "{MEMORY}"\nshutdown_timeout = "30s"\n[[disk]]\nimage = "{b.image}"\n'
                              f'cow = "{b.work / "state" / "cow" / (g + ".cow")}"\n' for g in self.names},
                          f"[boot]\nat_once = {self.boots_at_once}\n")

    def connect(self):
        """One SSH connection held open; every verb runs on a channel of it."""
        self.control = self.b.work / "control.sock"
        self.master = self.b.procs.start(
            ["ssh", *OPTS, "-o", "ControlMaster=yes",
             "-o", f"ControlPath={self.control}", "-o", "ControlPersist=no", "-N", "-i", str(self.b.key),
             "-p", str(self.b.gw_port), "admin@127.0.0.1"], stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while self.verb("help").returncode != 0:
            if time.monotonic() > deadline:
                raise Timeout("the held SSH connection did not come up")
            time.sleep(0.1)

    def disconnect(self):
        if self.master is not None:
            self.b.procs.stop(self.master.pid, grace=1.0)
            self.master = None

    def verb_argv(self, *words):
        """ssh's arguments for a verb on a channel of the held connection."""
        return ["ssh", *OPTS, "-o", "ControlMaster=no", "-o", f"ControlPath={self.control}", "-i", str(self.b.key),
                "-p", str(self.b.gw_port), "admin@127.0.0.1", *words]

    def boot(self, g):
        """The verb's answer, not ssh's exit status, tells: a multiplexed ssh sometimes exits 255 after the answer
        (the exit status reaches its master after the channel's close); wait_all then sees whether it boots."""
        r = self.verb("boot", g)
        if "is booting" not in r.stdout and WAITS not in r.stdout:
            raise RuntimeError(f"boot {g}: exit {r.returncode}: {r.stdout.strip()} {r.stderr.strip()}")

    def verb(self, *words):
        return subprocess.run(self.verb_argv(*words), capture_output=True, text=True, timeout=60)

    def states(self):
        """name -> (state, detail) from `status`."""
        out = {}
        for line in self.verb("status").stdout.splitlines():
            parts = line.split(" ", 2)
            if len(parts) >= 2:
                out[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
        return out

    def wait_all(self, names, state, limit, console=False):
        """Waits until every guest of `names` is in `state`; waiting for running, boots that failed are retried."""
        deadline = time.monotonic() + limit
        booting_since = {}
        while True:
            st = self.states()
            if state == "running":
                self.retry_failed_boots(names, st, booting_since)
            if all(st.get(g, ("",))[0] == state and (not console or "earlier gateway" not in st[g][1]) for g in names):
                return time.monotonic()
            if time.monotonic() > deadline:
                missing = [f"{g}: {st.get(g)}" for g in names if st.get(g, ("",))[0] != state][:5]
                raise Timeout(f"not all {state} within {limit:.0f} s: {missing}")
            time.sleep(0.1)

    def retry_failed_boots(self, names, st, booting_since):
        """A guest that crashed as it booted (issue 19's first part: a SIGWINCH too early panics UML) is booted
        again; one still booting after STUCK seconds (seen here: a 6.1 UML that stops after "Adding ... bytes to
        physical memory") is halted, then booted again. Both are named in the report."""
        now = time.monotonic()
        for g in names:
            state, detail = st.get(g, ("", ""))
            if state == "booting" and WAITS in detail:
                booting_since.pop(g, None)
            elif state == "booting":
                if now - booting_since.setdefault(g, now) > STUCK:
                    log(f"scale: {g} still boots after {STUCK} s; halting it, to boot it again")
                    self.results.setdefault("stuck", []).append(g)
                    self.verb("shutdown", "--halt", g)
                    booting_since.pop(g)
            elif state in ("crashed", "off"):
                log(f"scale: {g} is {state} ({detail}); booting it again")
                self.results.setdefault("crashed", []).append(f"{g} ({state}{', ' + detail if detail else ''})")
                booting_since.pop(g, None)
                self.verb("boot", g)

    # -- the run -----------------------------------------------------------------------------------

    def run(self):
        b = self.b
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(b.key)], check=True)
        b.gw_port = free_port()
        self.write_etc()
        b.start_gateway()
        log(f"scale: gateway pid {b.gateway.pid}, keeper {b.keeper}, {self.n} guests configured")
        self.connect()
        g0, k0 = steady_rss_kb(b.gateway.pid, b.keeper)
        self.results["rss_none_mb"] = (g0 + k0) / 1024
        sampler = StatusSampler(self)
        sampler.thread.start()
        time.sleep(QUIET_SECONDS)   # unmeasured: the probe's JVM compiles its own path first
        try:
            self.quietly(sampler, "quiet, none running")
            self.boot_all(sampler)
            self.quietly(sampler, "quiet, all running")
        finally:
            sampler.stop(b.procs)
        for phase in ("quiet, none running", "one by one", "at once", "quiet, all running"):
            self.results[f"status {phase}"] = sampler.figures(phase)
        self.idle()
        self.json_latency()
        self.readopt()
        self.shut_down()

    @staticmethod
    def quietly(sampler, phase):
        """`status` while no guest boots: what the machine's load and the SSH path cost by themselves."""
        sampler.phase = phase
        time.sleep(QUIET_SECONDS)
        sampler.phase = None

    def boot_all(self, sampler):
        first, last = self.names[:-AT_ONCE], self.names[-AT_ONCE:]
        ours, machine_busy = self.ticks(), machine_ticks()[0]
        t0 = time.monotonic()
        sampler.phase = "one by one"
        for g in first:
            self.boot(g)
        self.wait_all(first, "running", 300)
        sampler.phase = None
        time.sleep(2)
        sampler.phase = "at once"
        t1 = time.monotonic()
        booting = [threading.Thread(target=self.boot, args=(g,)) for g in last]
        for t in booting:
            t.start()
        for t in booting:
            t.join()
        done = self.wait_all(last, "running", 120)
        sampler.phase = None
        self.results["all_running_s"] = (time.monotonic() - t0)
        # Who had the CPUs while the guests booted: gateway and keeper, or everything else (UMLs, other sessions).
        self.results["boot_cpu_ours_pct"] = (self.ticks() - ours) / 100 / self.results["all_running_s"] * 100
        self.results["boot_cpu_machine_pct"] = (machine_ticks()[0] - machine_busy) / 100 / self.results["all_running_s"] * 100
        self.results["ten_running_s"] = done - t1
        self.results["settled_s"] = self.settled(t0)
        log(f"scale: {len(first)} booted one by one, then {len(last)} at once; all running "
            f"{self.results['all_running_s']:.1f} s after the first boot")

    @staticmethod
    def settled(t0, limit=120):
        """Seconds from t0 to the end of the guests' start: a guest counts as running once its kernel has its disks,
        and its init goes on after that, so the boots' work ends when the machine turns quiet (a second under
        SETTLED_TICKS ticks of CPU). With boots in turns, more of that work falls before the last guest runs."""
        deadline = time.monotonic() + limit
        before = machine_ticks()[0]
        while time.monotonic() < deadline:
            time.sleep(1)
            now = machine_ticks()[0]
            if now - before < SETTLED_TICKS:
                return time.monotonic() - 1 - t0
            before = now
        return None

    def ticks(self):
        return cpu_ticks(self.b.gateway.pid) + cpu_ticks(self.b.keeper)

    def idle(self):
        b = self.b
        gw, kp = steady_rss_kb(b.gateway.pid, b.keeper, most=60)
        before = cpu_ticks(b.gateway.pid) + cpu_ticks(b.keeper)
        t0 = time.monotonic()
        time.sleep(IDLE_SECONDS)
        ticks = cpu_ticks(b.gateway.pid) + cpu_ticks(b.keeper) - before
        secs = time.monotonic() - t0
        hz = 100
        self.results["idle_cpu_pct"] = ticks / hz / secs * 100
        self.results["rss_gateway_mb"] = gw / 1024
        self.results["rss_keeper_mb"] = kp / 1024
        log(f"scale: idle with {self.n} running: {self.results['idle_cpu_pct']:.2f} % of a core, RSS gateway "
            f"{gw / 1024:.0f} MB + keeper {kp / 1024:.0f} MB")

    def json_latency(self):
        samples = []
        for _ in range(5):
            t0 = time.monotonic()
            self.verb("status", "--json")
            samples.append((time.monotonic() - t0) * 1000)
        self.results["json_ms"] = statistics.median(samples)

    def readopt(self):
        b = self.b
        self.disconnect()
        kill(b.gateway.pid, signal.SIGKILL)
        b.gateway.wait()
        t0 = time.monotonic()
        self.results["readopt_banner_s"] = b.start_gateway() / 1000
        self.connect()
        self.wait_all(self.names, "running", 120, console=True)
        self.results["readopt_s"] = time.monotonic() - t0
        log(f"scale: a new gateway showed all {self.n} running with their consoles {self.results['readopt_s']:.1f} s "
            f"after its start")

    def shut_down(self):
        t0 = time.monotonic()
        for g in self.names:
            self.verb("shutdown", g)
        self.wait_all(self.names, "off", 120)
        self.results["all_off_s"] = time.monotonic() - t0
        log(f"scale: all off {self.results['all_off_s']:.1f} s after the first shutdown")

    def halt_all(self):
        """Whatever happened: no guest stays up (the run's Procs stop the keeper and its UMLs as well)."""
        try:
            for g, (state, _) in self.states().items():
                if state not in ("off", "crashed"):
                    self.verb("shutdown", "--halt", g)
        except (subprocess.SubprocessError, OSError, AttributeError) as e:
            log(f"scale: halting: {short_error(e)}")


def report(results, command):
    r = results

    def st(key):
        f = r.get(key)
        return "–" if not f else f"max {f['max']:.0f}, p99 {f['p99']:.0f}, p50 {f['p50']:.0f} ms ({f['n']} samples)"

    def num(key, spec, unit=""):
        return "–" if r.get(key) is None else f"{r[key]:{spec}}{unit}"

    return "\n".join([
        f"`{command}`, {machine()}, {r['guests']} guests of {MEMORY}, as many booting at once as the gateway's "
        f"[boot] at_once: {r['boots_at_once']}; load average {r.get('load', '?')} at the start:",
        "",
        f"- all running {num('all_running_s', '.1f', ' s')} after the first boot; the last {AT_ONCE}, booted at once, "
        f"{num('ten_running_s', '.1f', ' s')}; meanwhile gateway + keeper used {num('boot_cpu_ours_pct', '.0f', ' %')} of a "
        f"core, the whole machine {num('boot_cpu_machine_pct', '.0f', ' %')} (of 200 %); the machine quiet again (a "
        f"second under {SETTLED_TICKS / 2:.0f} % busy) {num('settled_s', '.1f', ' s')} after the first boot",
        f"- `status` with no guest running, nothing booting: {st('status quiet, none running')}",
        f"- `status` while the first {r['guests'] - AT_ONCE} boot one by one: {st('status one by one')}",
        f"- `status` while the last {AT_ONCE} boot at once: {st('status at once')}",
        f"- `status` with all running, nothing booting: {st('status quiet, all running')}",
        f"- idle with all running, over {IDLE_SECONDS} s: gateway + keeper {num('idle_cpu_pct', '.2f', ' %')} of a core, "
        f"RSS {num('rss_gateway_mb', '.0f')} + {num('rss_keeper_mb', '.0f')} MB (with no guest running "
        f"{num('rss_none_mb', '.0f', ' MB')} together)",
        f"- `status --json`: {num('json_ms', '.0f', ' ms')} (median of 5)",
        f"- gateway SIGKILLed, a new one started: its SSH banner after {num('readopt_banner_s', '.1f', ' s')}, all "
        f"running with their consoles (seen over a new SSH connection) after {num('readopt_s', '.1f', ' s')}",
        f"- all off {num('all_off_s', '.1f', ' s')} after the first graceful shutdown",
        f"- boots retried: crashed or off while waiting for running {', '.join(r.get('crashed', [])) or 'none'}; still booting after "
        f"{STUCK} s, halted {', '.join(r.get('stuck', [])) or 'none'}",
    ])
