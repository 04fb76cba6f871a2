"""The measurements: set-up of every peer, console rounds (echo, one viewer), fan-out, logins, idle sessions,
gateway restarts, memory per guest. Everything runs on the harness's one thread; `results` maps a step's key to
its figures (figures.py), which report.py turns into BENCHMARKS.md."""
import os
import re
import select
import socket
import statistics
import subprocess
import time
import traceback
from pathlib import Path

from . import BENCH, SSH_OPTS
from .figures import ConsoleRun, FanoutRun, Failure, IdleRun, MemoryFigures, fmt, machine_cost, pct
from .peers import PEERS, RELAY, SSHD, make_peers
from .procs import (Procs, Timeout, descendants, jit_ticks, loadavg, log, machine_ticks, rss_kb, short_error,
                    steady_rss_kb, ticks_since, cpu_ticks, free_port, read_line)
from .report import jvm_options
from .term import StallKicks, Term, settle
from .workloads import Synthetic, Uml

KEYS = b"abceijknopqstuvwyz"   # no letters that end common escape sequences (h l m r d f) and no 'x'
SKIPPED = re.compile(rb"(\d+) bytes of console output (?:were skipped|did not reach the gateway)")
SKIPPED_WORDS = b" bytes of console output "


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.work).resolve()
        self.procs = Procs(self.work)
        self.jar = Path(args.jar).resolve()
        props = dict(line.split("=", 1) for line in
                     (Path.home() / ".cache/yucon/kernel/kernel.properties").read_text().splitlines()
                     if "=" in line and not line.startswith("#"))
        self.kernel = Path(props["binary"])
        self.image = Path.home() / ".cache/yucon/rootfs/root.img"
        self.workloads = {"uml": Uml("uml", self.kernel, self.image, self.work), "syn": Synthetic("syn")}
        self.key = self.work / "id_ed25519"
        self.peers = make_peers(self)
        self.results = {}
        self.failures = []     # Failure: measurements that failed, in order (the report lists them)
        self.cold = None       # the warm-up's ConsoleRun: a cold gateway's figures
        self.warming = []      # (workload, ConsoleRun) of the warm-up's runs like a round's
        self.broken = {}       # (peer, workload) -> why its console is down for good: later runs on it are skipped
        self.load_start = loadavg()

    # -- setup -------------------------------------------------------------------------------------

    def setup(self):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key)], check=True)
        self.gw_port, self.cs_port, self.sshd_port = free_port(), free_port(), free_port()
        for peer in self.peers.values():
            peer.setup()
        self.login_all()

    def write_yucon_etc(self, guests=None, sections=""):
        """The gateway's configuration; `guests` maps a name to its guest file's text (by default the console
        workloads and the memory step's guests); `sections` is added to yucon.toml."""
        etc = self.work / "etc"
        (etc / "guests").mkdir(parents=True)
        (etc / "accounts").mkdir()
        (etc / "yucon.toml").write_text(
            f'[ssh]\nport = {self.gw_port}\nhost_keys = "{self.work / "hostkeys"}"\n'
            f'[paths]\nstate = "{self.work / "state"}"\n'
            # 100 viewers and 1,000 idle menus come from one account and one address, many logging in at once
            # (as OpenSSH's MaxStartups 1000 below).
            '[limits]\nsessions_per_account = 5000\nsessions_total = 5000\nthrottle_failures = 1000000\n'
            'max_startups = "1000"\nper_source_max_startups = 1000\n'
            # The web page as users get it, on a port of its own: the default (8443) may be another gateway's.
            f'[web]\nport = {free_port()}\n' + sections)
        if guests is None:
            # The synthetic console has no mconsole: without boot_timeout = "0s" the boot watchdog took every run
            # of it for a hung boot and killed it after 20 s (a full run then measured no `syn` round of yucon).
            guests = {g: (f'kernel = "{BENCH / "synthetic.py"}"\nboot_timeout = "0s"\n' if g == "syn" else "")
                      + f'memory = "64M"\nshutdown_timeout = "5s"\n[[disk]]\nimage = "{self.image}"\n'
                      f'cow = "{self.work / "state" / (g + ".cow")}"\n'
                      for g in ["uml", "syn"] + [f"m{i}" for i in range(1, self.args.mem_guests + 1)]}
        for g, text in guests.items():
            (etc / "guests" / f"{g}.toml").write_text(text)
        hashed = subprocess.run(["openssl", "passwd", "-6", "secret"], capture_output=True, text=True,
                                check=True).stdout.strip()
        pub = Path(str(self.key) + ".pub").read_text()
        for account, grant in [("admin", "admin = true")] + ([("uml", 'guests = ["uml"]')] if "uml" in guests else []):
            (etc / "accounts" / f"{account}.toml").write_text(f'password = "{hashed}"\n{grant}\n')
            (etc / "accounts" / f"{account}.keys").write_text(pub)
        return etc

    def gateway_command(self):
        """The launcher next to the jar when the jar is its own build (the JVM options users get, e.g. the heap
        bound, are part of what is measured; YUCON_JAVA_OPTS replaces them), else plain java."""
        launcher = self.jar.parent.parent / "dist" / "yucon"
        if launcher.exists() and self.jar == (launcher.parent.parent / "target" / "yucon.jar").resolve():
            return [str(launcher)]
        return ["java", "-Dorg.slf4j.simpleLogger.log.org.apache.sshd=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS", "-jar", str(self.jar)]

    def start_gateway(self):
        """Starts `yucon serve`; returns the milliseconds until it answers with an SSH banner."""
        t0 = time.monotonic()
        out = open(self.work / "gateway.log", "a")
        self.gateway = self.procs.start(
            [*self.gateway_command(), "serve", "--etc", str(self.work / "etc")],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        while True:
            if self.gateway.poll() is not None:
                raise RuntimeError(f"the gateway exited ({self.gateway.returncode}); see {self.work}/gateway.log")
            try:
                with socket.create_connection(("127.0.0.1", self.gw_port), timeout=1) as s:
                    if s.recv(64).startswith(b"SSH-"):
                        break
            except OSError:
                time.sleep(0.01)
            if time.monotonic() - t0 > 60:
                raise Timeout("the gateway did not listen within 60 s")
        ms = (time.monotonic() - t0) * 1000
        self.gateway_jvm = jvm_options(self.gateway.pid)
        keeper_pid = self.work / "state" / "keeper.pid"
        for _ in range(100):
            if keeper_pid.exists():
                pid = int(keeper_pid.read_text().split()[0])
                if not self.procs.known(pid):
                    self.procs.add(pid)
                self.keeper = pid
                break
            time.sleep(0.05)
        return ms

    def yucon_verb(self, *verb, user="admin"):
        return subprocess.run(["ssh", *SSH_OPTS, "-i", str(self.key), "-p", str(self.gw_port),
                               f"{user}@127.0.0.1", *verb], capture_output=True, text=True, timeout=30)

    def login_all(self):
        """Logs in on each UML console once (the shell stays logged in between clients).

        A console that cannot be logged in is a failure of its peer, not of the run: it is restarted once, and
        left out (its runs recorded as failed) if that does not help."""
        time.sleep(1.0)
        for peer in PEERS:
            for w in ("uml", "syn"):
                try:
                    self.login_console(peer, w)
                except Exception as e:
                    self.failed(f"login on `{w}` through {peer} (setup)", e).after = self.restart_and_login(peer, w)
        log("all consoles are logged in")

    def login_console(self, peer, w):
        t = self.connect(peer, w)
        try:
            self.workloads[w].login(t, timeout=90)
        finally:
            self.disconnect(peer, t)

    # -- failures ----------------------------------------------------------------------------------

    def failed(self, what, error):
        """Records a failed measurement for the report (the run goes on); the caller may add what came after."""
        reason = error if isinstance(error, str) else short_error(error)
        log(f"FAILED: {what}: {reason}")
        if not isinstance(error, (str, Timeout, EOFError, OSError)):
            log("".join(traceback.format_exception(error)).rstrip())   # a fault of the harness itself: the trace
        failure = Failure(what, reason)
        self.failures.append(failure)
        return failure

    def recover(self, peer, w):
        """After a failure on a console: does it still answer? If not, a fresh one. Returns what happened."""
        alive, why = self.probe(peer, w)
        if alive:
            log(f"{peer}-{w}: the console still answers")
            return "the console still answered"
        log(f"{peer}-{w}: the console is dead ({why}); booting a fresh one")
        return f"the console was dead ({why}); " + self.restart_and_login(peer, w)

    def restart_and_login(self, peer, w):
        try:
            self.peers[peer].restart(w)
            self.login_console(peer, w)
        except Exception as e:
            self.broken[(peer, w)] = f"down since a restart failed ({short_error(e)})"
            log(f"{peer}-{w}: the restart failed ({short_error(e)}); later runs on it are skipped")
            return f"a restart failed: {short_error(e)}"
        log(f"{peer}-{w}: restarted and logged in")
        return "restarted"

    def probe(self, peer, w):
        """Whether the console gives a prompt for Enter (after a Ctrl-C for whatever still runs)."""
        t = None
        try:
            t = self.connect(peer, w)
            t.send(b"\x03")
            t.quiet(0.2, limit=5)
            t.send(b"\r")
            t.expect(self.workloads[w].prompt(), 15)
            t.quiet(0.1)
            return True, ""
        except Exception as e:
            return False, short_error(e)
        finally:
            if t:
                self.disconnect(peer, t)

    # -- clients -----------------------------------------------------------------------------------

    def connect(self, peer, w, spy=False, settle=True):
        t = self.peers[peer].connect(w, spy)
        if settle:
            t.quiet(0.3)
        return t

    def disconnect(self, peer, t):
        self.peers[peer].disconnect(t)

    # -- figures -----------------------------------------------------------------------------------

    def echo(self, t, w, keys):
        """Latencies in ms of `keys` single keystrokes: send one, wait for it to come back."""
        prompt = re.compile(self.workloads[w].prompt())
        lat = []
        i = 0
        while len(lat) < keys:
            t.buf.clear()
            t.send(b"#")
            t.expect(rb"#", 10)
            for _ in range(min(50, keys - len(lat))):
                k = KEYS[i % len(KEYS):i % len(KEYS) + 1]
                i += 1
                t.buf.clear()
                t.input_room()
                t0 = time.perf_counter()
                t.send(k)
                while k not in t.buf:
                    if not t.read(5.0):
                        raise Timeout(f"{t.name}: key {k!r} did not echo within 5 s")
                lat.append((time.perf_counter() - t0) * 1000)
            t.buf.clear()
            t.send(b"\r")
            deadline = time.monotonic() + 10
            while not prompt.search(t.buf):
                if time.monotonic() > deadline:
                    raise Timeout(f"{t.name}: no prompt after Enter: {bytes(t.buf[-200:])!r}")
                t.read(1.0)
            t.quiet(0.02)
        return lat

    def flood(self, terms, w, n, timeout):
        """Asks terms[0]'s console to print n bytes; reads every term until the end marker.

        Returns per term (seconds or None on timeout, 'x' bytes received, bytes the gateway said were skipped),
        and the machine's CPU ticks (busy, stolen) from Enter until the last term had the marker."""
        writer = terms[0]
        cmd = self.workloads[w].flood_command(n)
        writer.send(cmd)
        writer.expect(re.escape(cmd[-3:]), 10)
        time.sleep(0.05)
        for t in terms:
            t.quiet(0.05, limit=2)
        state = {t.fd: {"t": t, "x": 0, "skipped": 0, "tail": b"", "end": None} for t in terms}
        open_fds = set(state)
        poll = StallKicks.FIRST if any(t.kicks for t in terms) else 0.02   # a stalled console is kicked in time
        t0 = time.perf_counter()
        before = machine_ticks()
        writer.send(b"\r")
        while open_fds:
            now = time.perf_counter()
            if now - t0 > timeout:
                break
            r, _, _ = select.select(list(open_fds), [], [], poll)
            for t in terms:
                t.kick_if_stalled()   # direct only: UML can lose a console wake-up (FIELD-NOTES); the keeper kicks too
            for fd in r:
                s = state[fd]
                try:
                    data = s["t"].read_raw()
                except EOFError:
                    open_fds.discard(fd)
                    continue
                if not data:
                    continue
                s["x"] += data.count(b"x")
                window = s["tail"] + data
                # The regular expression only where its words are: run on every read it made this loop the
                # bottleneck of the direct read (30-45 MB/s instead of 130-200 on `syn`).
                if SKIPPED_WORDS in window:
                    s["skipped"] += sum(int(m.group(1)) for m in SKIPPED.finditer(window) if m.end() > len(s["tail"]))
                if b"FLOOD-END" in window:
                    s["end"] = time.perf_counter() - t0
                    open_fds.discard(fd)
                s["tail"] = window[-200:]
        spent = ticks_since(before)
        if any(s["end"] is None for s in state.values()):
            writer.send(b"\x03")   # stop a flood that ran out of time
        for t in terms:
            t.quiet(0.2, limit=30)
        # Back to a prompt before the next run.
        writer.send(b"\r")
        writer.expect(self.workloads[w].prompt(), 30)
        for t in terms:
            t.quiet(0.1, limit=10)
        return [(state[t.fd]["end"], state[t.fd]["x"], state[t.fd]["skipped"]) for t in terms], spent

    def run_console_rounds(self):
        """Echo latency and one-viewer throughput, per workload, peers in alternation, round after round."""
        a = self.args
        if a.profile:
            self.jfr("start")
        self.warm_up()
        for w in a.workloads:
            n = self.flood_bytes(w)
            for rnd in range(1, a.rounds + 1):
                order = PEERS if rnd % 2 else [PEERS[0]] + PEERS[:0:-1]
                peers = [p for p in order if p in a.peers]
                if w == "syn" and "direct" in peers:
                    peers[peers.index("direct") + 1:peers.index("direct") + 1] = [RELAY, SSHD]
                for peer in peers:
                    rec = self.console_run(peer, w, rnd, n)
                    self.results.setdefault(("console", w, peer), []).append(rec)
                    log(f"{w} round {rnd} {peer:9s} echo p50 {fmt(rec.p50, '.3f')} p99 {fmt(rec.p99, '.3f')} ms; "
                        f"{n / 1e6:.0f} MB in {fmt(rec.secs, '.2f', 'timeout')} s = {fmt(rec.mbps, '.1f')} MB/s, "
                        f"x received {rec.got}, skipped {rec.skipped}; machine CPU {fmt(rec.cpu_us_key, '.0f')} "
                        f"us/key (stolen {fmt(rec.steal_us_key, '.0f')}), {fmt(rec.cpu_ms_mb, '.1f')} ms/MB "
                        f"(stolen {fmt(rec.steal_ms_mb, '.1f')})" + self.peers[peer].note(w) +
                        (f"; JIT compilers during the echo {rec.compiler_ms} ms" if rec.compiler_ms is not None else ""))
                    if rec.failed:
                        failure = self.failed(f"`{w}` round {rnd}, {peer}", rec.failed)
                        if not rec.skipped_run:
                            failure.after = self.recover(peer, w)
        if a.profile:
            self.jfr("stop")

    def warm_up(self):
        """Unmeasured runs before the rounds. First one of yucon on the synthetic console (the fastest): a JVM runs
        its hot paths interpreted or lightly compiled until the JIT has seen them thousands of times (the gateway's
        AES-CTR takes its AES-NI form once the method has run some 5,000 times: a packet each, about 160 MB; until
        then the gateway spends 3-4 times the CPU per byte; the keystroke path keeps the compiler busy for some
        10,000 keys, and the compiler's time slices then delay the threads an echo passes through), and a gateway
        runs for months; the rounds measure the steady state. The warm-up's own figures (a cold gateway) are reported
        beside them. The other peers are C programs, which have no warm-up.

        Then a few runs of yucon on each workload as in a round (a login, the keys, a flood): the first rounds
        after such a warm-up still set both JVMs' compilers to work. A probe on `uml` (3,000 keys and a flood to
        warm up, 60 s idle, then rounds of a login, 1,000 keys and a 40 MB flood): compiler CPU per round in the
        gateway / the keeper 0.85 / 0.11 s, 0.51 / 0.28, 0.20 / 0.42, 0.15 / 0.10, 0.04 / 0.01; the rounds' echo p99
        4.4, 5.0, 5.5, 1.8, 0.6 ms. Every other peer then gets one run on `uml`, so that yucon's guest is not the
        only one that has run the shell, the keys and a flood before the rounds."""
        if not self.args.warmup_mb or "yucon" not in self.args.peers:
            return
        # On `syn` when it is measured; otherwise its console is not there, and the warm-up goes to the first workload.
        first = "syn" if "syn" in self.args.workloads else self.args.workloads[0]
        rec = self.console_run("yucon", first, 0, self.args.warmup_mb * 10**6, keys=self.args.warmup_keys, timeout=90)
        self.cold = rec
        log("warm-up yucon " + (f"failed: {rec.failed}" if rec.failed else
                                f"echo p50 {fmt(rec.p50, '.3f')} p99 {fmt(rec.p99, '.3f')} ms; {fmt(rec.mbps, '.1f')} MB/s"))
        for w in self.args.workloads:
            for _ in range(self.args.warmup_runs):
                self.warming.append((w, self.unmeasured_run("yucon", w)))
        if "uml" in self.args.workloads and self.args.warmup_runs:
            for peer in (p for p in self.args.peers if p != "yucon"):
                self.unmeasured_run(peer, "uml")

    def unmeasured_run(self, peer, w):
        """A run like a round's that counts for nothing; a console it leaves dead is booted afresh for the rounds."""
        rec = self.console_run(peer, w, 0, self.flood_bytes(w))
        if rec.failed and not rec.skipped_run:
            self.recover(peer, w)
        log(f"warm-up {peer} {w} " + (f"failed: {rec.failed}" if rec.failed else
                                      f"echo p99 {fmt(rec.p99, '.3f')} ms; {fmt(rec.mbps, '.1f')} MB/s"))
        return rec

    def flood_bytes(self, w):
        return (self.args.flood_mb_uml if w == "uml" else self.args.flood_mb_syn) * 10**6

    def console_run(self, peer, w, rnd, n, keys=None, timeout=None):
        """One peer's run in one round: echo, then one viewer's flood. What was measured before a failure is kept;
        rec.failed says at which stage and why."""
        rec = ConsoleRun(rnd)
        if (peer, w) in self.broken:
            rec.failed, rec.skipped_run = f"not run: the console is {self.broken[(peer, w)]}", True
            return rec
        stage, t = "attach", None
        try:
            t = self.connect(peer, w)
            stage = "prompt"
            t.send(b"\r")
            t.expect(self.workloads[w].prompt(), 20)
            t.quiet(0.1)
            stage = "echo"
            before, compiled = machine_ticks(), self.peers[peer].compiler_ticks()
            lat = self.echo(t, w, keys or self.args.keys)
            rec.p50, rec.p99 = pct(lat, 50), pct(lat, 99)
            rec.cpu_us_key, rec.steal_us_key = machine_cost(ticks_since(before), len(lat) / 1e6)
            compiled_after = self.peers[peer].compiler_ticks()
            if compiled is not None and compiled_after is not None:
                rec.compiler_ms = (compiled_after - compiled) * 10
            stage = "flood"
            [(secs, got, skipped)], spent = self.flood([t], w, n, timeout or self.args.flood_timeout)
            self.flood_figures(rec, peer, n, secs, got, skipped, spent)
        except Exception as e:
            rec.failed = f"{stage}: {short_error(e)}"
            if not isinstance(e, (Timeout, EOFError, OSError)):
                log("".join(traceback.format_exception(e)).rstrip())
        finally:
            if t:
                self.disconnect(peer, t)
        return rec

    def flood_figures(self, rec, peer, n, secs, got, skipped, spent):
        # A flood that timed out is credited with what arrived in the time.
        # Delivered bytes: a viewer that was skipped ahead gets no credit for what it never saw (screen
        # redraws, so its bytes cannot be counted: there the time to the marker is all there is).
        redraws = self.peers[peer].redraws
        delivered = n if (redraws and secs) else got
        rec.got, rec.skipped, rec.secs = got, skipped, secs
        rec.corrupt = not redraws and got > n
        # More bytes than printed: the peer repeated output (see the notes), no rate.
        rec.mbps = None if rec.corrupt else delivered / (secs or self.args.flood_timeout) / 1e6
        if secs and not rec.corrupt:
            # CPU per MB the guest printed, for floods that ended: a timed-out one spent its time waiting.
            rec.cpu_ms_mb, rec.steal_ms_mb = machine_cost(spent, n / 1e9)

    def jfr(self, what):
        """--profile: Java Flight Recordings of the gateway and the keeper over the console rounds."""
        for name, pid in (("gateway", self.gateway.pid), ("keeper", self.keeper)):
            f = self.work / f"{name}.jfr"
            cmd = (["JFR.start", "name=bench", "settings=profile", f"filename={f}"] if what == "start"
                   else ["JFR.stop", "name=bench"])
            subprocess.run(["jcmd", str(pid), *cmd], capture_output=True, timeout=60)
            if what == "stop":
                log(f"profile of the {name}: {f} (jfr print --events jdk.ExecutionSample {f})")

    def jcmd(self, tag, *command):
        r = subprocess.run(["jcmd", str(self.gateway.pid), *command], capture_output=True, text=True, timeout=120)
        (self.work / f"{tag}.txt").write_text(r.stdout + r.stderr)

    def run_fanout(self):
        a = self.args
        w = "syn"
        for viewers in a.fanout:
            for rnd in range(1, (a.fanout_rounds if viewers < 100 else 1) + 1):
                for peer in ["yucon", "conserver", "screen"]:
                    if peer not in a.peers or (self.peers[peer].redraws and viewers > a.screen_fanout_max):
                        continue
                    where = f"fan-out {viewers} viewers round {rnd}, {peer}"
                    if (peer, w) in self.broken:
                        rec = FanoutRun(failed=f"not run: the console is {self.broken[(peer, w)]}")
                        self.failed(where, rec.failed)
                    else:
                        try:
                            rec = self.fanout_run(peer, w, viewers, rnd)
                        except Exception as e:
                            rec = FanoutRun(failed=short_error(e))
                            self.failed(where, e).after = self.recover(peer, w)
                    self.results.setdefault(("fanout", viewers, peer), []).append(rec)

    def fanout_run(self, peer, w, viewers, rnd):
        """One round: the first viewer types `flood N`, every viewer reads."""
        a = self.args
        n = a.fanout_mb * 10**6
        terms = []
        failed = 0
        try:
            terms.append(self.connect(peer, w))
            terms[0].send(b"\r")
            terms[0].expect(self.workloads[w].prompt(), 20)
            for i in range(1, viewers):
                terms.append(self.connect(peer, w, spy=True, settle=False))
                if i % 10 == 0:
                    failed += settle(terms, 0.05)   # a few at a time, as people would come
            failed += settle(terms, 1.0)
            if not terms:
                raise RuntimeError(f"all {viewers} clients ended before the flood")
            res, _ = self.flood(terms, w, n, a.flood_timeout + 0.25 * viewers)
        finally:
            for t in terms:
                self.disconnect(peer, t)
        rates = [(n if (self.peers[peer].redraws and s) else x) / (s or a.flood_timeout) / 1e6 for s, x, _ in res]
        lost = [max(0, n - x) for s, x, _ in res if s is not None]
        skipped = sum(sk for _, _, sk in res)
        timeouts = sum(1 for s, _, _ in res if s is None)
        rec = FanoutRun(median_mbps=statistics.median(rates), min_mbps=min(rates),
                        lost=sum(lost), lost_viewers=sum(1 for x in lost if x), skipped=skipped,
                        timeouts=timeouts, attach_failed=failed)
        log(f"fan-out {viewers:3d} round {rnd} {peer:9s} per viewer median {rec.median_mbps:.1f} "
            f"min {rec.min_mbps:.1f} MB/s; lost {rec.lost} bytes in {rec.lost_viewers} viewers "
            f"(gateway said skipped {skipped}); timeouts {timeouts}; clients that ended before the flood {failed}")
        return rec

    def run_login(self):
        """A round counts only if both logins in it worked (the ratio is taken within a round)."""
        a = self.args
        for rnd in range(a.login_rounds):
            peers = ["yucon", "openssh"] if rnd % 2 == 0 else ["openssh", "yucon"]
            try:
                ms = {peer: self.login_time(peer) for peer in peers}
            except Exception as e:
                self.failed(f"login round {rnd + 1}", e)
                continue
            for peer in peers:
                self.results.setdefault(("login", peer), []).append(ms[peer])
        if ("login", "yucon") in self.results:
            log("login to first frame: yucon median %.0f ms, OpenSSH to prompt median %.0f ms" % (
                statistics.median(self.results[("login", "yucon")]),
                statistics.median(self.results[("login", "openssh")])))

    def login_time(self, peer):
        if peer == "yucon":
            argv = ["ssh", "-tt", *SSH_OPTS, "-i", str(self.key), "-p", str(self.gw_port), "uml@127.0.0.1"]
            pattern = rb"Options:"
        else:
            argv = ["ssh", "-tt", *SSH_OPTS, "-i", str(self.key), "-p", str(self.sshd_port), "root@127.0.0.1"]
            pattern = rb"[#$] "
        t0 = time.perf_counter()
        t = Term(self.procs, argv, env=dict(os.environ, TERM="xterm"), name=f"login-{peer}")
        try:
            t.expect(pattern, 20)
            return (time.perf_counter() - t0) * 1000
        finally:
            t.close()

    def compile_client(self, source):
        """Compiles one of bench/'s Java clients against the product's libraries; returns its class path."""
        classes = self.work / "classes"
        classes.mkdir(exist_ok=True)
        cp = f"{self.jar.parent / 'lib'}/*"
        subprocess.run(["javac", "-nowarn", "-d", str(classes), "-cp", cp, str(BENCH / source)], check=True)
        return f"{classes}:{cp}"

    def run_idle(self):
        a = self.args
        cp = self.compile_client("IdleSessions.java")
        for count in a.idle:
            try:
                self.idle_run(count, cp)
            except Exception as e:
                self.failed(f"{count} idle menu sessions", e)
            time.sleep(2)

    def idle_run(self, count, cp):
        a = self.args
        base_rss = rss_kb(self.gateway.pid)
        client = self.procs.start(
            ["java", "-Xss256k", "-cp", cp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
             "IdleSessions", "127.0.0.1", str(self.gw_port), "uml", "secret", str(count)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.work / "idle.log", "a"), text=True)
        try:
            line = read_line(client.stdout, 180)
            if not line.startswith("READY"):
                raise RuntimeError(f"idle client: {line!r}; see {self.work}/idle.log")
            ready_secs = float(line.split()[2])
            if a.profile:
                self.jcmd(f"idle{count}", "JFR.start", "name=idle", "settings=profile",
                          f"filename={self.work / f'idle{count}.jfr'}")
            cpu, jit, settle_secs = self.quiet_window()
            if a.profile:
                self.jcmd(f"idle{count}", "JFR.stop", "name=idle")
                for what in ("GC.heap_info", "GC.class_histogram", "Thread.print"):
                    self.jcmd(f"idle{count}-{what}", what)
                log(f"profile of {count} idle sessions: {self.work}/idle{count}*")
            rss = rss_kb(self.gateway.pid)
            threads = len(os.listdir(f"/proc/{self.gateway.pid}/task"))
        finally:
            client.stdin.close()
            self.procs.stop(client.pid)
        rec = IdleRun(sessions=count, rss_mb=rss / 1024, base_rss_mb=base_rss / 1024, cpu_pct=cpu, jit_pct=jit,
                      settle_secs=settle_secs, threads=threads, open_secs=ready_secs)
        self.results[("idle", count)] = rec
        log(f"idle {count}: gateway RSS {rss / 1024:.0f} MB (before {base_rss / 1024:.0f}), CPU {cpu:.2f} % of a "
            f"core (JIT {jit:.2f}), {threads} threads; sessions open in {ready_secs:.1f} s, measured {settle_secs:.0f} s later")

    def quiet_window(self):
        """The gateway's CPU and its JIT compiler's share (% of a core) over the first window of `--idle-sample`
        seconds, from `--idle-settle` seconds on, in which the compiler used at most `--idle-jit-quiet` % (else the
        window that ends past `--idle-settle-max`): opening the sessions (1,000 key exchanges) and their first ticks
        keep the compiler busy for a minute or so, and that is not what idle sessions cost. The window measured is
        itself the quiet one: the compiler can wake again after a quiet window (the 09:33 run measured the window
        after one, and the compiler took 2.1 % of a core in it). Returns (cpu, jit, seconds before the window)."""
        a = self.args
        hz = os.sysconf("SC_CLK_TCK")
        start = time.monotonic()
        time.sleep(a.idle_settle)
        while True:
            c0, j0, t0 = cpu_ticks(self.gateway.pid), jit_ticks(self.gateway.pid), time.monotonic()
            time.sleep(a.idle_sample)
            c1, j1, t1 = cpu_ticks(self.gateway.pid), jit_ticks(self.gateway.pid), time.monotonic()
            jit = (j1 - j0) / hz / (t1 - t0) * 100
            if jit <= a.idle_jit_quiet or t1 - start >= a.idle_settle_max:
                return (c1 - c0) / hz / (t1 - t0) * 100, jit, t0 - start

    def run_restart(self):
        a = self.args
        for rnd in range(1, a.restart_rounds + 1):
            # The gateway alone: its console keeper (a child of the first gateway) and the guests stay.
            self.procs.stop(self.gateway.pid, grace=10, tree=False)
            try:
                ms = self.start_gateway()
            except Exception as e:
                self.failed(f"gateway restart {rnd}", e)
                continue
            self.results.setdefault("start_warm_ms", []).append(ms)
        if self.results.get("start_warm_ms"):
            log(f"gateway start to SSH banner: cold {self.results['start_cold_ms']:.0f} ms, with the keeper running "
                f"{statistics.median(self.results['start_warm_ms']):.0f} ms (median)")

    def run_memory(self):
        k = self.args.mem_guests
        if k <= 0:
            return
        try:
            self.measure_memory(k)
        finally:
            # Halted whatever happened: running, they would load the machine for the rest of the run.
            for i in range(1, k + 1):
                try:
                    self.yucon_verb("shutdown", "--halt", f"m{i}")
                except subprocess.SubprocessError as e:
                    log(f"memory: halting m{i}: {short_error(e)}")

    def measure_memory(self, k):
        g_before, k_before = steady_rss_kb(self.gateway.pid, self.keeper)
        before = g_before + k_before
        for i in range(1, k + 1):
            r = self.yucon_verb("boot", f"m{i}")
            if r.returncode != 0:
                raise RuntimeError(f"boot m{i}: {r.stderr.strip()}")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            st = self.yucon_verb("status").stdout
            if sum(1 for line in st.splitlines() if re.match(r"\s*m\d+\s", line) and "unning" in line) >= k:
                break
            time.sleep(1)
        else:
            raise Timeout(f"the memory guests did not all run: {st}")
        g_after, k_after = steady_rss_kb(self.gateway.pid, self.keeper)
        after = g_after + k_after
        uml_rss = sum(rss_kb(p) for p in descendants(self.keeper)) / 1024
        self.results["memory"] = MemoryFigures(
            guests=k, per_guest_mb=(after - before) / 1024 / k, gateway_mb=(g_after - g_before) / 1024 / k,
            keeper_mb=(k_after - k_before) / 1024 / k, uml_rss_mb_all=uml_rss)
        log(f"memory: keeper + gateway RSS {before / 1024:.0f} -> {after / 1024:.0f} MB for {k} more guests = "
            f"{(after - before) / 1024 / k:.1f} MB per guest")


