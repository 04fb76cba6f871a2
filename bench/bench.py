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
"""
import argparse
import datetime
import fcntl
import os
import re
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEERS = ["direct", "yucon", "conserver", "screen"]
SSH_OPTS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "ControlMaster=no", "-o", "ControlPath=none"]
KEYS = b"abceijknopqstuvwyz"   # no letters that end common escape sequences (h l m r d f) and no 'x'
# busybox ash asks for the cursor position (ESC [6n) after its prompt; nobody has to answer.
PROMPT_END = rb"# (?:\x1b\[6n)?$"
NOTES = "## Notes (written by hand; kept when the harness rewrites this file)"
SKIPPED = re.compile(rb"(\d+) bytes of console output (?:were skipped|did not reach the gateway)")


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


class Timeout(Exception):
    pass


# ---------------------------------------------------------------------------------------------- processes

class Procs:
    """Every process this run started, by pid; stops them and their descendants, newest first."""

    def __init__(self, work):
        self.file = work / "pids"
        self.pids = []

    def add(self, pid):
        self.pids.append(pid)
        with open(self.file, "a") as f:
            f.write(f"{pid} {start_time(pid)}\n")

    def start(self, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.add(p.pid)
        return p

    def stop(self, pid, grace=2.0, tree=True):
        """SIGTERM to pid and (unless tree is False) its descendants, then SIGKILL to what is left."""
        tree = [pid] + (descendants(pid) if tree else [])
        for p in tree:
            kill(p, signal.SIGTERM)
        deadline = time.time() + grace
        while time.time() < deadline and any(alive(p) for p in tree):
            reap()
            time.sleep(0.05)
        for p in tree:
            kill(p, signal.SIGKILL)
        reap()

    def stop_all(self):
        for pid in reversed(self.pids):
            if alive(pid):
                self.stop(pid, grace=1.0)


def start_time(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except OSError:
        return "0"


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


def kill(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def reap():
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def descendants(pid):
    children = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int(Path(d, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_ticks(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def jit_ticks(pid):
    """CPU ticks of a JVM's JIT compiler threads (C1, C2) so far."""
    ticks = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if (task / "comm").read_text().startswith(("C1 CompilerThre", "C2 CompilerThre")):
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        except OSError:
            pass  # a thread that ended meanwhile
    return ticks


# ---------------------------------------------------------------------------------------------- terminals

class Term:
    """A program on a pty that we hold the master of: an SSH or console client, or the workload itself."""

    def __init__(self, procs, argv, env=None, cols=80, rows=24, name=""):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

        def child_setup():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = procs.start(argv, stdin=slave, stdout=slave, stderr=slave, preexec_fn=child_setup,
                                env=env, close_fds=True)
        os.close(slave)
        self.procs = procs
        self.fd = master
        self.name = name
        self.buf = bytearray()

    @property
    def pid(self):
        return self.proc.pid

    def send(self, data):
        os.write(self.fd, data)

    def read(self, timeout):
        """Appends what arrives within timeout (at least one read if data is there) to buf; b"" on timeout."""
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return b""
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            raise EOFError(f"{self.name}: the client ended; last output: {bytes(self.buf[-300:])!r}")
        self.buf += data
        return data

    def expect(self, pattern, timeout=20.0):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) > 65536:
                del self.buf[:-8192]   # a flood that is still running: only the end matters
            m = regex.search(self.buf)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout(f"{self.name}: no {pattern!r} within {timeout}s; last output: {bytes(self.buf[-400:])!r}")
            self.read(left)

    def quiet(self, quiet=0.3, limit=10.0):
        """Reads until nothing arrived for `quiet` seconds; then forgets what came."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not self.read(quiet):
                break
        self.buf.clear()

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass
        self.procs.stop(self.pid, grace=1.0)


# ---------------------------------------------------------------------------------------------- workloads

class Workload:
    def __init__(self, name):
        self.name = name

    def login(self, t):
        pass

    def prompt(self):
        raise NotImplementedError

    def flood_command(self, n):
        raise NotImplementedError


class Uml(Workload):
    """A real UML guest: busybox getty on its console, root without a password."""

    def __init__(self, name, kernel, image, work):
        super().__init__(name)
        self.kernel, self.image, self.work = kernel, image, work

    def argv(self, umid):
        uml_dir = self.work / "uml"
        uml_dir.mkdir(exist_ok=True)
        return [str(self.kernel), f"umid={umid}", f"hostname={umid}", f"uml_dir={uml_dir}", "mem=64M",
                f"ubd0={self.work / (umid + '.cow')},{self.image}", "root=/dev/ubda",
                "con0=fd:0,fd:1", "con=null", "ssl=null"]

    def login(self, t, timeout=60.0):
        t.send(b"\r")
        m = t.expect(rb"login: ?$|" + PROMPT_END, timeout)
        if m.group(0).startswith(b"login"):
            t.buf.clear()
            t.send(b"root\r")
            t.expect(PROMPT_END, 20)
        t.quiet(0.3)

    def prompt(self):
        return rb"# "

    def flood_command(self, n):
        # The marker is quoted so that the echo of the command line does not contain it.
        return f"head -c {n} /dev/zero | tr '\\0' x; echo FLOOD-E''ND".encode()


class Synthetic(Workload):
    def argv(self, umid):
        return [str(BENCH / "synthetic.py")]

    def login(self, t, timeout=30.0):
        t.send(b"\r")
        t.expect(rb"\$ ", timeout)
        t.quiet(0.2)

    def prompt(self):
        return rb"\$ "

    def flood_command(self, n):
        return f"flood {n}".encode()


# ---------------------------------------------------------------------------------------------- peers

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
        self.direct = {}       # workload -> Term holding the workload itself
        self.results = {}
        self.load_start = loadavg()

    # -- setup -------------------------------------------------------------------------------------

    def setup(self):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key)], check=True)
        self.gw_port, self.cs_port, self.sshd_port = free_port(), free_port(), free_port()
        self.setup_yucon()
        self.setup_conserver()
        self.setup_sshd_screen()
        self.setup_direct()
        self.login_all()

    def write_yucon_etc(self):
        etc = self.work / "etc"
        (etc / "guests").mkdir(parents=True)
        (etc / "accounts").mkdir()
        (etc / "yucon.toml").write_text(
            f'[ssh]\nport = {self.gw_port}\nhost_keys = "{self.work / "hostkeys"}"\n'
            f'[paths]\nstate = "{self.work / "state"}"\n'
            # 100 viewers and 1,000 idle menus come from one account and one address.
            '[limits]\nsessions_per_account = 5000\nsessions_total = 5000\nthrottle_failures = 1000000\n')
        guests = ["uml", "syn"] + [f"m{i}" for i in range(1, self.args.mem_guests + 1)]
        for g in guests:
            kernel = f'kernel = "{BENCH / "synthetic.py"}"\n' if g == "syn" else ""
            (etc / "guests" / f"{g}.toml").write_text(
                f'{kernel}memory = "64M"\nshutdown_timeout = "5s"\n[[disk]]\nimage = "{self.image}"\n'
                f'cow = "{self.work / "state" / (g + ".cow")}"\n')
        hashed = subprocess.run(["openssl", "passwd", "-6", "secret"], capture_output=True, text=True,
                                check=True).stdout.strip()
        pub = Path(str(self.key) + ".pub").read_text()
        for account, grant in [("admin", "admin = true"), ("uml", 'guests = ["uml"]')]:
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
                if pid not in self.procs.pids:
                    self.procs.add(pid)
                self.keeper = pid
                break
            time.sleep(0.05)
        return ms

    def yucon_verb(self, *verb, user="admin"):
        return subprocess.run(["ssh", *SSH_OPTS, "-i", str(self.key), "-p", str(self.gw_port),
                               f"{user}@127.0.0.1", *verb], capture_output=True, text=True, timeout=30)

    def setup_yucon(self):
        self.write_yucon_etc()
        self.results["start_cold_ms"] = self.start_gateway()
        log(f"yucon: gateway on port {self.gw_port}, pid {self.gateway.pid}, keeper {self.keeper}")
        for g in ("uml", "syn"):
            r = self.yucon_verb("boot", g)
            if r.returncode != 0:
                raise RuntimeError(f"yucon boot {g}: {r.stderr.strip()}")

    def setup_conserver(self):
        d = self.work / "conserver"
        d.mkdir()
        consoles = "".join(
            f"console {w} {{ master 127.0.0.1; type exec; exec {' '.join(self.workloads[w].argv('cs-' + w))}; }}\n"
            for w in ("uml", "syn"))
        (d / "conserver.cf").write_text(
            "config * { defaultaccess rejected; }\n"
            "access * { trusted 127.0.0.1; }\n"
            f"default * {{ logfile {d}/&.log; timestamp 1ma; rw *; }}\n" + consoles)
        (d / "conserver.passwd").write_text("*any*:\n")
        out = open(d / "conserver.out", "w")
        self.conserver = self.procs.start(
            ["conserver", "-C", str(d / "conserver.cf"), "-P", str(d / "conserver.passwd"),
             "-p", str(self.cs_port), "-M", "127.0.0.1", *([] if self.args.conserver_tls else ["-E"])], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_port(self.cs_port)
        log(f"conserver: port {self.cs_port}, pid {self.conserver.pid}")

    def setup_sshd_screen(self):
        d = self.work / "sshd"
        d.mkdir()
        Path("/run/sshd").mkdir(exist_ok=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "host_ed25519")], check=True)
        (d / "authorized_keys").write_text(Path(str(self.key) + ".pub").read_text())
        (d / "sshd_config").write_text("\n".join([
            f"Port {self.sshd_port}", "ListenAddress 127.0.0.1", f"HostKey {d / 'host_ed25519'}",
            f"PidFile {d / 'sshd.pid'}", f"AuthorizedKeysFile {d / 'authorized_keys'}", "PermitRootLogin yes",
            "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "PrintMotd no",
            "PrintLastLog no", "StrictModes no", "UseDNS no", "MaxStartups 1000", "MaxSessions 1000", ""]))
        self.sshd = self.procs.start(["/usr/sbin/sshd", "-D", "-e", "-f", str(d / "sshd_config")],
                                     stdout=open(d / "sshd.log", "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_port(self.sshd_port)
        self.screendir = self.work / "screens"
        self.screendir.mkdir(mode=0o700)
        (self.work / "screenrc").write_text("startup_message off\nescape ^Aa\ndefscrollback 1000\n")
        env = dict(os.environ, SCREENDIR=str(self.screendir), TERM="xterm")
        self.screens = {}
        for w in ("uml", "syn"):
            # -D -m: detached and without forking, so the pid is screen's own.
            self.screens[w] = self.procs.start(
                ["screen", "-D", "-m", "-S", f"bench-{w}", "-c", str(self.work / "screenrc"),
                 *self.workloads[w].argv("sc-" + w)], env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log(f"sshd: port {self.sshd_port}, pid {self.sshd.pid}; screens {[p.pid for p in self.screens.values()]}")

    def setup_direct(self):
        for w in ("uml", "syn"):
            self.direct[w] = Term(self.procs, self.workloads[w].argv("dr-" + w), name=f"direct-{w}")

    def login_all(self):
        """Logs in on each UML console once (the shell stays logged in between clients)."""
        time.sleep(1.0)
        for peer in PEERS:
            for w in ("uml", "syn"):
                t = self.connect(peer, w)
                try:
                    self.workloads[w].login(t, timeout=90)
                finally:
                    self.disconnect(peer, t)
        log("all consoles are logged in")

    # -- clients -----------------------------------------------------------------------------------

    def client_argv(self, peer, w, spy=False):
        if peer == "yucon":
            return ["ssh", "-tt", *SSH_OPTS, "-i", str(self.key), "-p", str(self.gw_port), "admin@127.0.0.1",
                    "console", w]
        if peer == "conserver":
            return ["console", *([] if self.args.conserver_tls else ["-E"]), "-M", "127.0.0.1", "-p", str(self.cs_port), "-l", "bench",
                    *(["-s"] if spy else []), w]
        if peer == "screen":
            return ["ssh", "-tt", *SSH_OPTS, "-i", str(self.key), "-p", str(self.sshd_port), "root@127.0.0.1",
                    f"SCREENDIR={self.screendir} exec screen -x bench-{w}"]
        raise ValueError(peer)

    def connect(self, peer, w, spy=False, settle=True):
        if peer == "direct":
            t = self.direct[w]
        else:
            t = Term(self.procs, self.client_argv(peer, w, spy), env=dict(os.environ, TERM="xterm"),
                     name=f"{peer}-{w}")
        if settle:
            t.quiet(0.3)
        return t

    def disconnect(self, peer, t):
        if peer != "direct":
            t.close()

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

    def flood(self, terms, w, n, timeout, kick_pid=None):
        """Asks terms[0]'s console to print n bytes; reads every term until the end marker.

        Returns per term (seconds or None on timeout, 'x' bytes received, bytes the gateway said were skipped)."""
        writer = terms[0]
        cmd = self.workloads[w].flood_command(n)
        writer.send(cmd)
        writer.expect(re.escape(cmd[-3:]), 10)
        time.sleep(0.05)
        for t in terms:
            t.quiet(0.05, limit=2)
        state = {t.fd: {"t": t, "x": 0, "skipped": 0, "tail": b"", "end": None} for t in terms}
        open_fds = set(state)
        t0 = time.perf_counter()
        writer.send(b"\r")
        last = t0
        while open_fds:
            now = time.perf_counter()
            if now - t0 > timeout:
                break
            r, _, _ = select.select(list(open_fds), [], [], 0.02)
            if not r:
                if kick_pid and time.perf_counter() - last > 0.02:
                    kill(kick_pid, signal.SIGIO)   # UML can lose a console wake-up (FIELD-NOTES); yucon does this too
                continue
            last = time.perf_counter()
            for fd in r:
                s = state[fd]
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    open_fds.discard(fd)
                    continue
                s["x"] += data.count(b"x")
                window = s["tail"] + data
                skipped_here = [int(m.group(1)) for m in SKIPPED.finditer(window) if m.end() > len(s["tail"])]
                s["skipped"] += sum(skipped_here)
                if b"FLOOD-END" in window:
                    s["end"] = time.perf_counter() - t0
                    open_fds.discard(fd)
                s["tail"] = window[-200:]
        if any(s["end"] is None for s in state.values()):
            writer.send(b"\x03")   # stop a flood that ran out of time
        for t in terms:
            t.quiet(0.2, limit=30)
        # Back to a prompt before the next run.
        writer.send(b"\r")
        writer.expect(self.workloads[w].prompt(), 30)
        for t in terms:
            t.quiet(0.1, limit=10)
        return [(state[t.fd]["end"], state[t.fd]["x"], state[t.fd]["skipped"]) for t in terms]

    def run_console_rounds(self):
        """Echo latency and one-viewer throughput, per workload, peers in alternation, round after round."""
        a = self.args
        if a.profile:
            self.jfr("start")
        for w in a.workloads:
            n = a.flood_mb_uml * 10**6 if w == "uml" else a.flood_mb_syn * 10**6
            for rnd in range(1, a.rounds + 1):
                order = PEERS if rnd % 2 else [PEERS[0]] + PEERS[:0:-1]
                for peer in [p for p in order if p in a.peers]:
                    t = self.connect(peer, w)
                    try:
                        t.send(b"\r")
                        t.expect(self.workloads[w].prompt(), 20)
                        t.quiet(0.1)
                        lat = self.echo(t, w, a.keys)
                        kick = self.direct[w].pid if (peer == "direct" and w == "uml") else None
                        secs, got, skipped = self.flood([t], w, n, a.flood_timeout, kick_pid=kick)[0]
                    finally:
                        self.disconnect(peer, t)
                    # A flood that timed out is credited with what arrived in the time.
                    # Delivered bytes: a viewer that was skipped ahead gets no credit for what it never saw (screen
                    # redraws, so its bytes cannot be counted: there the time to the marker is all there is).
                    delivered = n if (peer == "screen" and secs) else got
                    rate = delivered / (secs or a.flood_timeout) / 1e6
                    if peer != "screen" and got > n:
                        rate = None    # more bytes than printed: the peer repeated output (see the notes)
                    rec = {"p50": pct(lat, 50), "p99": pct(lat, 99), "mbps": rate, "got": got, "skipped": skipped,
                           "secs": secs, "corrupt": peer != "screen" and got > n}
                    self.results.setdefault(("console", w, peer), []).append(rec)
                    log(f"{w} round {rnd} {peer:9s} echo p50 {rec['p50']:.3f} p99 {rec['p99']:.3f} ms; "
                        f"{n / 1e6:.0f} MB in {fmt(secs, '.2f', 'timeout')} s = {fmt(rate, '.1f')} MB/s, "
                        f"x received {got}, skipped {skipped}")

        if a.profile:
            self.jfr("stop")

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
        n = a.fanout_mb * 10**6
        for viewers in a.fanout:
            timeout = a.flood_timeout + 0.25 * viewers
            for rnd in range(1, (a.fanout_rounds if viewers < 100 else 1) + 1):
                for peer in ["yucon", "conserver", "screen"]:
                    if peer not in a.peers or (peer == "screen" and viewers > a.screen_fanout_max):
                        continue
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
                        res = self.flood(terms, w, n, timeout)
                    finally:
                        for t in terms:
                            self.disconnect(peer, t)
                    rates = [(n if (peer == "screen" and s) else x) / (s or a.flood_timeout) / 1e6 for s, x, _ in res]
                    lost = [max(0, n - x) for s, x, _ in res if s is not None]
                    skipped = sum(sk for _, _, sk in res)
                    timeouts = sum(1 for s, _, _ in res if s is None)
                    rec = {"median_mbps": statistics.median(rates), "min_mbps": min(rates),
                           "lost": sum(lost), "lost_viewers": sum(1 for x in lost if x), "skipped": skipped,
                           "timeouts": timeouts, "failed": failed}
                    self.results.setdefault(("fanout", viewers, peer), []).append(rec)
                    log(f"fan-out {viewers:3d} round {rnd} {peer:9s} per viewer median {rec['median_mbps']:.1f} "
                        f"min {rec['min_mbps']:.1f} MB/s; lost {rec['lost']} bytes in {rec['lost_viewers']} viewers "
                        f"(gateway said skipped {skipped}); timeouts {timeouts}; clients that ended before the flood {failed}")

    def run_login(self):
        a = self.args
        for rnd in range(a.login_rounds):
            for peer in (["yucon", "openssh"] if rnd % 2 == 0 else ["openssh", "yucon"]):
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
                    ms = (time.perf_counter() - t0) * 1000
                finally:
                    t.close()
                self.results.setdefault(("login", peer), []).append(ms)
        log("login to first frame: yucon median %.0f ms, OpenSSH to prompt median %.0f ms" % (
            statistics.median(self.results[("login", "yucon")]), statistics.median(self.results[("login", "openssh")])))

    def run_idle(self):
        a = self.args
        classes = self.work / "classes"
        classes.mkdir(exist_ok=True)
        cp = f"{self.jar.parent / 'lib'}/*"
        subprocess.run(["javac", "-q" if False else "-nowarn", "-d", str(classes), "-cp", cp,
                        str(BENCH / "IdleSessions.java")], check=True)
        for count in a.idle:
            base_rss = rss_kb(self.gateway.pid)
            client = self.procs.start(
                ["java", "-Xss256k", "-cp", f"{classes}:{cp}", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                 "IdleSessions", "127.0.0.1", str(self.gw_port), "uml", "secret", str(count)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.work / "idle.log", "a"), text=True)
            try:
                line = read_line(client.stdout, 180)
                if not line.startswith("READY"):
                    raise RuntimeError(f"idle client: {line!r}; see {self.work}/idle.log")
                ready_secs = float(line.split()[2])
                settle_secs = self.settle(a.idle_settle, a.idle_settle_max, a.idle_jit_quiet)
                if a.profile:
                    self.jcmd(f"idle{count}", "JFR.start", "name=idle", "settings=profile",
                              f"filename={self.work / f'idle{count}.jfr'}")
                c0, j0, t0 = cpu_ticks(self.gateway.pid), jit_ticks(self.gateway.pid), time.monotonic()
                time.sleep(a.idle_sample)
                c1, j1, t1 = cpu_ticks(self.gateway.pid), jit_ticks(self.gateway.pid), time.monotonic()
                if a.profile:
                    self.jcmd(f"idle{count}", "JFR.stop", "name=idle")
                    for what in ("GC.heap_info", "GC.class_histogram", "Thread.print"):
                        self.jcmd(f"idle{count}-{what}", what)
                    log(f"profile of {count} idle sessions: {self.work}/idle{count}*")
                hz = os.sysconf("SC_CLK_TCK")
                cpu = (c1 - c0) / hz / (t1 - t0) * 100
                jit = (j1 - j0) / hz / (t1 - t0) * 100
                rss = rss_kb(self.gateway.pid)
                threads = len(os.listdir(f"/proc/{self.gateway.pid}/task"))
            finally:
                client.stdin.close()
                self.procs.stop(client.pid)
            rec = {"sessions": count, "rss_mb": rss / 1024, "base_rss_mb": base_rss / 1024, "cpu_pct": cpu,
                   "jit_pct": jit, "settle_secs": settle_secs, "threads": threads, "open_secs": ready_secs}
            self.results[("idle", count)] = rec
            log(f"idle {count}: gateway RSS {rss / 1024:.0f} MB (before {base_rss / 1024:.0f}), CPU {cpu:.2f} % of a "
                f"core (JIT {jit:.2f}), {threads} threads; sessions open in {ready_secs:.1f} s, measured {settle_secs:.0f} s later")
            time.sleep(2)

    def settle(self, least, most, quiet_pct):
        """Waits at least `least` seconds, then until the gateway's JIT compiler has used at most `quiet_pct` % of a
        core over 10 s (two of the menus' ticks), or `most` seconds in all: opening the sessions (1,000 key exchanges)
        and their first ticks keep the compiler busy for a minute or so, and that is not what idle sessions cost.
        Returns the seconds waited."""
        t0 = time.monotonic()
        time.sleep(least)
        hz = os.sysconf("SC_CLK_TCK")
        while time.monotonic() - t0 < most:
            j0 = jit_ticks(self.gateway.pid)
            time.sleep(10)
            if (jit_ticks(self.gateway.pid) - j0) / hz / 10 * 100 <= quiet_pct:
                break
        return time.monotonic() - t0

    def run_restart(self):
        a = self.args
        for _ in range(a.restart_rounds):
            # The gateway alone: its console keeper (a child of the first gateway) and the guests stay.
            self.procs.stop(self.gateway.pid, grace=10, tree=False)
            ms = self.start_gateway()
            self.results.setdefault("start_warm_ms", []).append(ms)
        log(f"gateway start to SSH banner: cold {self.results['start_cold_ms']:.0f} ms, with the keeper running "
            f"{statistics.median(self.results['start_warm_ms']):.0f} ms (median)")

    def run_memory(self):
        k = self.args.mem_guests
        if k <= 0:
            return

        def both():
            return rss_kb(self.gateway.pid) + rss_kb(self.keeper)

        before = both()
        g_before, k_before = rss_kb(self.gateway.pid), rss_kb(self.keeper)
        for i in range(1, k + 1):
            r = self.yucon_verb("boot", f"m{i}")
            if r.returncode != 0:
                raise RuntimeError(f"boot m{i}: {r.stderr}")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            st = self.yucon_verb("status").stdout
            if sum(1 for line in st.splitlines() if re.match(r"\s*m\d+\s", line) and "unning" in line) >= k:
                break
            time.sleep(1)
        else:
            raise Timeout(f"the memory guests did not all run: {st}")
        time.sleep(3)
        after = both()
        uml_rss = sum(rss_kb(p) for p in descendants(self.keeper)) / 1024
        self.results["memory"] = {
            "guests": k, "per_guest_mb": (after - before) / 1024 / k,
            "gateway_mb": (rss_kb(self.gateway.pid) - g_before) / 1024 / k,
            "keeper_mb": (rss_kb(self.keeper) - k_before) / 1024 / k,
            "uml_rss_mb_all": uml_rss}
        log(f"memory: keeper + gateway RSS {before / 1024:.0f} -> {after / 1024:.0f} MB for {k} more guests = "
            f"{(after - before) / 1024 / k:.1f} MB per guest")
        for i in range(1, k + 1):
            self.yucon_verb("shutdown", "--halt", f"m{i}")


# ---------------------------------------------------------------------------------------------- helpers

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise Timeout(f"nothing listens on port {port}")


def settle(terms, quiet):
    """Reads every term until none had output for `quiet` seconds (attach banners, replays).

    A client that ended is taken out of `terms` (closed, its last words logged); returns how many ended."""
    fds = {t.fd: t for t in terms}
    ended = 0
    deadline = time.monotonic() + 60
    last = time.monotonic()
    while time.monotonic() - last < quiet and time.monotonic() < deadline:
        r, _, _ = select.select(list(fds), [], [], 0.1)
        for fd in r:
            try:
                fds[fd].read(0)
            except EOFError as e:
                log(f"a viewer's client ended: {e}")
                t = fds.pop(fd)
                terms.remove(t)
                t.close()
                ended += 1
            last = time.monotonic()
        if not fds:
            break
    for t in terms:
        t.buf.clear()
    return ended


def read_line(stream, timeout):
    r, _, _ = select.select([stream], [], [], timeout)
    if not r:
        raise Timeout(f"no answer within {timeout} s")
    return stream.readline().strip()


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def fmt(v, spec, none="–"):
    return none if v is None else format(v, spec)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# ---------------------------------------------------------------------------------------------- report

def loadavg():
    return Path("/proc/loadavg").read_text().split()[0]


def machine():
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return f"{os.cpu_count()} CPUs, {model}, {mem / 1024 / 1024:.1f} GiB RAM, Linux {os.uname().release}"


def report(b, command, started, elapsed):
    R, a = b.results, b.args
    out = []
    add = out.append
    add("# Benchmarks\n")
    add("yucon next to conserver and OpenSSH + GNU screen, on the same consoles, on the same machine, in the same run "
        "(issue 6). Produced by `./dist/bench`; rerun it when performance work lands.\n")
    add(f"- Command: `{command}`")
    add(f"- Date: {started:%Y-%m-%d %H:%M} UTC; the run took {elapsed / 60:.1f} min")
    add(f"- Machine: {machine()}; load average (1 min) at the start {b.load_start}, at the end {loadavg()} — "
        "anything above the run's own load is other work on the machine, which widens the tails")
    add(f"- Peers: yucon (`yucon serve`, {product(b.jar)}; JVM options: {b.gateway_jvm or 'none'}), conserver {pkg_version('conserver-server')}, "
        f"OpenSSH {pkg_version('openssh-server')} + screen {pkg_version('screen')}; all on 127.0.0.1; every "
        "client is the real client program (`ssh -tt`, `console`) on a pty driven by the harness")
    add(f"- Workloads: `uml` a real UML guest ({b.kernel.name}, 64M, busybox root, logged in as root); `syn` "
        "bench/synthetic.py on a pty (echoes keys, prints N bytes of `x` on demand) — it isolates the gateway's cost")
    add(f"- Each console figure is the median over {a.rounds} rounds; in each round every peer runs once, in "
        "alternating order (direct, yucon, conserver, screen / direct, screen, conserver, yucon); ratios are "
        "taken within a round, then their median. Echo: "
        f"{a.keys} keys per run. Throughput: {a.flood_mb_uml} MB (uml) / {a.flood_mb_syn} MB (syn) of `x`, timed "
        "from Enter until the end marker reaches the client; `direct` reads the workload's pty master itself "
        "(for UML it sends SIGIO after 20 ms without output, as yucon's keeper does).\n")

    def console(w, peer, key):
        return [r[key] for r in R.get(("console", w, peer), [])]

    def ratio(w, peer, key, base="yucon"):
        a_, b_ = R.get(("console", w, base), []), R.get(("console", w, peer), [])
        rs = [x[key] / y[key] for x, y in zip(a_, b_) if x[key] and y[key]]
        return med(rs)

    for w in a.workloads:
        add(f"## Console `{w}`: echo latency and one viewer\n")
        add("| peer | echo p50 ms | echo p99 ms | p99 worst round | throughput MB/s | worst round | bytes lost | "
            "yucon/peer p99 | yucon/peer MB/s |")
        add("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        n = (a.flood_mb_uml if w == "uml" else a.flood_mb_syn) * 10**6
        for peer in PEERS:
            recs = R.get(("console", w, peer), [])
            if not recs:
                continue
            rates = [r["mbps"] for r in recs if r["mbps"] is not None]
            finished = [r for r in recs if r["secs"] is not None]
            lost = "n/a (redrawn)" if peer == "screen" else str(sum(max(0, n - r["got"]) for r in finished))
            if peer == "yucon":
                lost += f" (told skipped: {sum(r['skipped'] for r in recs)})"
            timeouts = sum(1 for r in recs if r["secs"] is None)
            corrupt = sum(1 for r in recs if r.get("corrupt"))
            worst_rate = (f"{min(rates):.3g}" if rates else "–") + \
                (f"; {timeouts} of {len(recs)} timed out" if timeouts else "") + \
                (f"; {corrupt} of {len(recs)} delivered more bytes than printed" if corrupt else "")
            add(f"| {peer} | {med(console(w, peer, 'p50')):.3f} | {med(console(w, peer, 'p99')):.3f} | "
                f"{max(console(w, peer, 'p99')):.3f} | {fmt(med(rates), '.3g')} | {worst_rate} | {lost} | "
                f"{fmt(ratio(w, peer, 'p99'), '.2f') if peer != 'yucon' else ''} | "
                f"{fmt(ratio(w, peer, 'mbps'), '.2f') if peer != 'yucon' else ''} |")
        add("")

    if any(k[0] == "fanout" for k in R if isinstance(k, tuple)):
        add(f"## Fan-out: viewers on one console (`syn`, {a.fanout_mb} MB, {a.fanout_rounds} rounds; 1 round with 100 "
            "viewers)\n")
        add("The first viewer types `flood N`, every viewer reads. Per-viewer throughput = bytes of `x` received / "
            f"time until that viewer saw the end marker (a viewer still without it after {a.flood_timeout:.0f} s + "
            "0.25 s per viewer is a timeout, credited with what it got). Lost = bytes of `x` that a viewer which "
            "reached the marker never received; for yucon also what the gateway told the viewers it skipped. "
            "screen redraws rather than forwarding bytes, so its loss is not countable; screen with 100 viewers is "
            f"left out (`--screen-fanout-max {a.screen_fanout_max}`).\n")
        add("| viewers | peer | per-viewer MB/s (median) | slowest viewer MB/s | bytes lost (all viewers, all rounds) | "
            "viewers that lost (worst round) | timeouts | clients that failed to attach |")
        add("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for viewers in a.fanout:
            for peer in ["yucon", "conserver", "screen"]:
                recs = R.get(("fanout", viewers, peer))
                if not recs:
                    continue
                lost = "n/a" if peer == "screen" else f"{sum(r['lost'] for r in recs)}"
                if peer == "yucon":
                    lost += f" (told skipped: {sum(r['skipped'] for r in recs)})"
                add(f"| {viewers} | {peer} | {med([r['median_mbps'] for r in recs]):.1f} | "
                    f"{min(r['min_mbps'] for r in recs):.1f} | {lost} | "
                    f"{'n/a' if peer == 'screen' else max(r['lost_viewers'] for r in recs)} | "
                    f"{sum(r['timeouts'] for r in recs)} | {sum(r.get('failed', 0) for r in recs)} |")
        add("")

    add("## Gateway\n")
    add("| figure | yucon | peer |")
    add("| --- | --- | --- |")
    if ("login", "yucon") in R:
        y, o = R[("login", "yucon")], R[("login", "openssh")]
        rs = [a_ / b_ for a_, b_ in zip(y, o)]
        add(f"| login to first menu frame (ms, median of {len(y)}) | {med(y):.0f} (ratio to OpenSSH {med(rs):.2f}) | "
            f"OpenSSH login to shell prompt {med(o):.0f} |")
    for count in a.idle:
        r = R.get(("idle", count))
        if r:
            add(f"| {count} idle menu sessions: gateway RSS / CPU | {r['rss_mb']:.0f} MB (before: "
                f"{r['base_rss_mb']:.0f} MB) / {r['cpu_pct']:.2f} % of one core, of which the JIT compiler "
                f"{r['jit_pct']:.2f} % ({r['threads']} threads; sessions opened in {r['open_secs']:.1f} s; measured over "
                f"{a.idle_sample:.0f} s from {r['settle_secs']:.0f} s later, once the JIT compiler was quiet) | |")
    if "start_cold_ms" in R:
        warm = R.get("start_warm_ms", [])
        add(f"| gateway start to SSH banner (ms) | first start (also starts the keeper) {R['start_cold_ms']:.0f}; "
            f"restart with the keeper and guests running {fmt(med(warm), '.0f')} (median of {len(warm)}) | |")
    if "memory" in R:
        m = R["memory"]
        add(f"| memory per running guest (keeper + gateway RSS delta, {m['guests']} guests) | "
            f"{m['per_guest_mb']:.1f} MB (gateway {m['gateway_mb']:.1f}, keeper {m['keeper_mb']:.1f}); the UMLs "
            f"themselves: {m['uml_rss_mb_all']:.0f} MB RSS for all running | |")
    add("")

    add("## Targets (issue 6)\n")
    add("| target | figure | met? |")
    add("| --- | --- | --- |")
    for line in targets(b):
        add(line)
    add("")
    return "\n".join(out) + "\n"


def targets(b):
    R, a = b.results, b.args
    lines = []

    def c(w, peer):
        return R.get(("console", w, peer), [])

    def row(target, figure, ok):
        lines.append(f"| {target} | {figure} | {'n/a' if ok is None else ('met' if ok else '**missed**')} |")

    for w in a.workloads:
        y, d, cs, sc = c(w, "yucon"), c(w, "direct"), c(w, "conserver"), c(w, "screen")
        if not y:
            continue
        yp99 = med([r["p99"] for r in y])
        peers99 = {p: med([r["p99"] for r in c(w, p)]) for p in ("conserver", "screen") if c(w, p)}
        dp99 = med([r["p99"] for r in d])
        row(f"`{w}`: echo p99 below both peers", f"yucon {yp99:.3f} ms; " +
            ", ".join(f"{p} {v:.3f} ms" for p, v in peers99.items()), all(yp99 < v for v in peers99.values()))
        row(f"`{w}`: echo p99 within 0.3 ms of the direct read", f"yucon {yp99:.3f} ms, direct {dp99:.3f} ms "
            f"(+{yp99 - dp99:.3f})", yp99 - dp99 <= 0.3)
        worst = [(yr["mbps"] or 0) / dr["mbps"] for yr, dr in zip(y, d) if dr["mbps"]]
        skipped_rounds = sum(1 for r in y if r["skipped"])
        row(f"`{w}`: one-viewer throughput ≥ 0.9 of direct in every round",
            "yucon/direct per round: " + ", ".join(f"{x:.2f}" for x in worst) +
            (f" (counting delivered bytes only; yucon skipped output in {skipped_rounds} of {len(y)} rounds: "
             f"{sum(r['skipped'] for r in y)} bytes)" if skipped_rounds else ""), bool(worst) and min(worst) >= 0.9)
    f100 = R.get(("fanout", 100, "yucon"))
    if f100:
        lost = sum(r["lost"] for r in f100)
        skipped = sum(r["skipped"] for r in f100)
        timeouts = sum(r["timeouts"] for r in f100)
        row("100 viewers with 0 bytes lost", f"yucon: {lost} bytes lost by viewers that finished, {skipped} bytes "
            f"told skipped, {timeouts} of {100 * len(f100)} viewers timed out", lost == 0 and skipped == 0 and not timeouts)
    idle = R.get(("idle", 1000))
    if idle:
        row("1,000 idle sessions within 300 MB RSS", f"{idle['rss_mb']:.0f} MB", idle["rss_mb"] <= 300)
        row("1,000 idle sessions within 2 % of one core", f"{idle['cpu_pct']:.2f} %", idle["cpu_pct"] <= 2)
    if ("login", "yucon") in R:
        rs = med([x / y for x, y in zip(R[("login", "yucon")], R[("login", "openssh")])])
        row("login to first frame within 1.2x of OpenSSH login to prompt", f"{rs:.2f}x", rs <= 1.2)
    return lines


def jvm_options(pid):
    """The -X options of a running java (heap, stack, GC), as its command line gives them."""
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    return " ".join(a for a in argv if a.startswith("-X"))


def product(jar):
    """Which yucon was measured: the commit the jar was built from, when it was built from a clone."""
    r = subprocess.run(["git", "-C", str(jar.parent.parent), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    return f"commit {r.stdout.strip()[:80]}" if r.returncode == 0 and r.stdout.strip() else str(jar)


def pkg_version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or "?"


# ---------------------------------------------------------------------------------------------- main

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
    p.add_argument("--flood-mb-uml", type=int, default=10)
    p.add_argument("--flood-mb-syn", type=int, default=10)
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
    p.add_argument("--skip", nargs="*", default=[], choices=["console", "fanout", "login", "idle", "restart", "memory"])
    args = p.parse_args()

    work = Path(args.work)
    work.mkdir(parents=True)
    bench = Bench(args)
    started = datetime.datetime.utcnow()
    t_start = time.monotonic()

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        bench.setup()
        # Memory first, while the gateway's heap is quiet; its guests are halted again before the rest.
        steps = [("memory", bench.run_memory), ("console", bench.run_console_rounds), ("fanout", bench.run_fanout),
                 ("login", bench.run_login), ("idle", bench.run_idle), ("restart", bench.run_restart)]
        for name, step in steps:
            if name not in args.skip:
                step()
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


if __name__ == "__main__":
    main()
