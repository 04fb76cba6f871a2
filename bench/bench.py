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
import ctypes
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
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEERS = ["direct", "yucon", "conserver", "screen"]
# A reference beside direct on `syn`: a C relay (socat) between the workload's pty and a second one, as every
# remote console has (the guest's pty and the client's terminal): what the second pty alone costs.
RELAY = "relay"
# Another on `syn`: OpenSSH's sshd running the workload itself in the SSH session's pty, no console server at all:
# the path every SSH console has (client, encryption, sshd, the session's pty), what any of them costs at least.
SSHD = "sshd"
SSH_OPTS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "ControlMaster=no", "-o", "ControlPath=none"]
KEYS = b"abceijknopqstuvwyz"   # no letters that end common escape sequences (h l m r d f) and no 'x'
# busybox ash asks for the cursor position (ESC [6n) after its prompt; nobody has to answer.
PROMPT_END = rb"# (?:\x1b\[6n)?$"
NOTES = "## Notes (written by hand; kept when the harness rewrites this file)"
SKIPPED = re.compile(rb"(\d+) bytes of console output (?:were skipped|did not reach the gateway)")
SKIPPED_WORDS = b" bytes of console output "


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


class Timeout(Exception):
    pass


# ---------------------------------------------------------------------------------------------- processes

class Procs:
    """Every process this run started, by pid; stops them and their descendants, newest first.

    A pid is signalled only while it is still the process that was started (same start time in /proc): once a
    process has been reaped, its pid may belong to anything else on the host."""

    def __init__(self, work):
        self.file = work / "pids"
        self.started = {}      # pid -> start time, oldest first

    def add(self, pid):
        start = start_time(pid)
        self.started.pop(pid, None)
        self.started[pid] = start
        with open(self.file, "a") as f:
            f.write(f"{pid} {start}\n")

    def known(self, pid):
        return pid in self.started

    def start(self, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.add(p.pid)
        return p

    def stop(self, pid, grace=2.0, tree=True, start=None):
        """SIGTERM to pid and (unless tree is False) its descendants, then SIGKILL to what is left.

        Nothing happens if pid is no longer the process started at `start` (or, by default, the one recorded)."""
        start = start or self.started.get(pid)
        if start is not None and start_time(pid) != start:
            return
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
        for pid in reversed(list(self.started)):
            if alive(pid):
                self.stop(pid, grace=1.0)
        # Orphans of a process that ended on its own (a UML of a crashed conserver, a keeper whose gateway died):
        # this script is their subreaper (become_subreaper), so they are still its descendants, and still ours.
        for pid in descendants(os.getpid()):
            if alive(pid):
                self.stop(pid, grace=1.0, start=start_time(pid))


def become_subreaper():
    """Descendants whose parent dies are re-parented to this process instead of init (prctl
    PR_SET_CHILD_SUBREAPER), so that Procs.stop_all finds every process the run started, directly or not."""
    if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:
        log(f"prctl(PR_SET_CHILD_SUBREAPER) failed (errno {ctypes.get_errno()}): orphans would go to init")


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


def steady_rss_kb(*pids, most=30.0):
    """Each process's RSS once every one has held within 1 MB for 3 s (at most `most` seconds): a JVM gives memory
    back for a while after work (the compilers' arenas, the buffers of threads that ended), and a run measured 18 MB
    less for the keeper after booting 4 guests than before."""
    deadline = time.monotonic() + most
    seen = [[rss_kb(pid) for pid in pids]]
    while time.monotonic() < deadline:
        time.sleep(1)
        seen = (seen + [[rss_kb(pid) for pid in pids]])[-4:]
        if len(seen) == 4 and all(max(column) - min(column) < 1024 for column in zip(*seen)):
            break
    return seen[-1]


def cpu_ticks(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def machine_ticks():
    """The whole machine's CPU time so far, in clock ticks (100 a second): (busy, stolen). Busy is every process,
    interrupt and kernel thread, the harness included, so that a peer's figure holds all the work its path does
    (a C peer's one process against yucon's two JVMs, `ssh`, the pty's kernel work); stolen is time the hypervisor
    gave to other machines while this one wanted to run."""
    cpu = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = cpu
    return user + nice + system + irq + softirq, steal


def catches_sigio(pid):
    """Whether pid has a SIGIO handler (SigCgt): SIGIO's default action is to terminate, and UML installs its
    handler only some way into its boot (yucon's ConsolePort checks the same before a kick)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGIO - 1)))
    except (OSError, ValueError):
        pass
    return False


def find_process(root, arg):
    """(pid, start time) of the topmost descendant of root whose command line has `arg` (e.g. umid=cs-uml), or None.

    UML's own helper processes carry the same command line; the topmost one is the UML itself."""
    for pid in descendants(root):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            parent_argv = Path(f"/proc/{parent}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if arg.encode() in argv and arg.encode() not in parent_argv:
            return pid, start_time(pid)
    return None


def write_all(fd, data, timeout=10.0):
    """Writes all of data to a non-blocking fd. A program that takes no input for `timeout` s is a failure of the
    measurement, not a reason for the harness to hang in write(2)."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            if not select.select([], [fd], [], timeout)[1]:
                raise Timeout(f"the console took no input for {timeout:.0f} s")


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

class InputPacer:
    """yucon's input pacing (ConsolePort.write), for the harness's own writes to a workload's pty.

    A UML guest takes console input far slower than a pty accepts it, and input that outruns it kills the guest's
    console input for good (measured in the product: a 4 KiB paste in one write; 100 KB/s in chunks of 512 or
    1024 bytes). So at most BURST bytes per write(2) and 12.8 KB/s on average; a keystroke, or a short burst after
    a pause, goes at once."""
    BURST = 128
    SECS_PER_BYTE = 0.010 / BURST

    def __init__(self):
        self.drained = time.monotonic()   # when the input written so far will have been taken at the paced rate

    def wait(self):
        """Until earlier input has had its time at the paced rate."""
        left = self.drained - time.monotonic()
        if left > 0:
            time.sleep(left)

    def write(self, fd, data):
        for at in range(0, len(data), self.BURST):
            chunk = data[at:at + self.BURST]
            self.wait()
            write_all(fd, chunk)
            self.drained = max(self.drained, time.monotonic()) + len(chunk) * self.SECS_PER_BYTE


class StallKicks:
    """yucon's keeper's answer to UML's lost console wake-up (ConsolePort.kickIfStalled): when output stops after
    activity, SIGIO at 2, 4, 8 ... ms of quiet, at most 7 per lull. And one the keeper does not need: SIGIO when
    typed input gets no output within 0.5 ms. UML misses the wake-up for a key that reaches it just as it goes idle
    (the key then waits for its next tick, 10 ms); a reader whose round trip is as short as this one's (0.1 ms) lands
    1-4 % of keys typed in a row there, in phases, so without the kick `direct` measured that race rather than the
    pty; through yucon (round trip 0.2 ms and more) 0-2 keys in 10,000 land there. Only ever to a process that
    catches SIGIO."""
    FIRST = 0.002
    PER_LULL = 7
    ANSWER = 0.0005

    def __init__(self, pid):
        self.pid = pid
        self.last = time.monotonic()
        self.kicks = 0           # in this lull
        self.unanswered = None   # when input was typed that no output has followed yet
        self.sent = 0            # in all, for the log

    def typed(self):
        self.activity()
        self.unanswered = self.last

    def output(self):
        self.activity()
        self.unanswered = None

    def activity(self):
        self.last = time.monotonic()
        self.kicks = 0

    def due_in(self):
        """Seconds until the next kick (<= 0: now), or None when none is coming."""
        now = time.monotonic()
        dues = [] if self.unanswered is None else [self.answer_kick_at() - now]
        if self.kicks < self.PER_LULL:
            dues.append(self.stall_kick_at() - now)
        return min(dues) if dues else None

    def stall_kick_at(self):
        """When this lull's next kick is due."""
        return self.last + self.FIRST * (1 << self.kicks)

    def answer_kick_at(self):
        """When unanswered input gets its kick."""
        return self.unanswered + self.ANSWER

    def kick_if_due(self):
        now = time.monotonic()
        if self.unanswered is not None and now >= self.answer_kick_at():
            self.unanswered = None
            self.kick()
        if self.kicks < self.PER_LULL and now >= self.stall_kick_at():
            self.kicks += 1      # the slot is used even when the process cannot take a kick yet (booting)
            self.kick()

    def kick(self):
        if catches_sigio(self.pid):
            kill(self.pid, signal.SIGIO)
            self.sent += 1


class Term:
    """A program on a pty that we hold the master of: an SSH or console client, or the workload itself.

    console=True: the harness is the program's console, as yucon's keeper is: input paced like the product's, and
    SIGIO kicks when output stalls (they only ever reach a process that catches SIGIO, i.e. a booted UML)."""

    def __init__(self, procs, argv, env=None, cols=80, rows=24, name="", console=False):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

        def child_setup():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = procs.start(argv, stdin=slave, stdout=slave, stderr=slave, preexec_fn=child_setup,
                                env=env, close_fds=True)
        os.close(slave)
        os.set_blocking(master, False)   # a program that stops taking input must not hang the harness in write(2)
        self.procs = procs
        self.fd = master
        self.name = name
        self.buf = bytearray()
        self.pacer = InputPacer() if console else None
        self.kicks = StallKicks(self.proc.pid) if console else None

    @property
    def pid(self):
        return self.proc.pid

    def send(self, data):
        if self.pacer:
            self.pacer.write(self.fd, data)
        else:
            write_all(self.fd, data)
        if self.kicks:
            self.kicks.typed()

    def input_room(self):
        """Waits until the pacer would write at once (nothing for a client): a keystroke's echo is timed from its
        write(2), not from the harness's wish to type faster than a console takes input."""
        if self.pacer:
            self.pacer.wait()

    def kick_if_stalled(self):
        if self.kicks:
            self.kicks.kick_if_due()

    def wait_readable(self, timeout):
        """Whether output is there within timeout; kicks a stalled console meanwhile."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            wait = deadline - time.monotonic()
            due = self.kicks.due_in() if self.kicks else None
            if due is not None:
                wait = min(wait, max(0.0, due))
            if select.select([self.fd], [], [], max(0.0, wait))[0]:
                return True
            self.kick_if_stalled()
            if time.monotonic() >= deadline:
                return False

    def read_raw(self):
        """One read(2): the bytes (not kept in buf), None if there were none after all; EOFError once the
        program ended."""
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return None
        except OSError:
            data = b""      # EIO: the other side of the pty is closed
        if not data:
            raise EOFError(f"{self.name}: the program ended; last output: {bytes(self.buf[-300:])!r}")
        if self.kicks:
            self.kicks.output()
        return data

    def read(self, timeout):
        """Appends what arrives within timeout (at least one read if data is there) to buf; b"" on timeout."""
        deadline = time.monotonic() + max(0.0, timeout)
        while self.wait_readable(deadline - time.monotonic()):
            data = self.read_raw()
            if data:
                self.buf += data
                return data
        return b""

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
        # synthetic.py ignores its arguments; umid= names the process (and makes a restarted console's line differ)
        return [str(BENCH / "synthetic.py"), f"umid={umid}"]

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
        self.relay = None      # Term holding socat, which holds a `syn` of its own on a second pty
        self.results = {}
        self.failures = []     # {"what", "reason", "after"}: measurements that failed, in order (the report lists them)
        self.cold = None       # the warm-up's console_run record: a cold gateway's figures
        self.warming = []      # (workload, console_run record) of the warm-up's runs like a round's
        self.broken = {}       # (peer, workload) -> why its console is down for good: later runs on it are skipped
        self.generation = {}   # (prefix, workload) -> how many times that console was booted afresh (its umid)
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

    def write_yucon_etc(self, guests=None):
        """The gateway's configuration; `guests` maps a name to its guest file's text (by default the console
        workloads and the memory step's guests)."""
        etc = self.work / "etc"
        (etc / "guests").mkdir(parents=True)
        (etc / "accounts").mkdir()
        (etc / "yucon.toml").write_text(
            f'[ssh]\nport = {self.gw_port}\nhost_keys = "{self.work / "hostkeys"}"\n'
            f'[paths]\nstate = "{self.work / "state"}"\n'
            # 100 viewers and 1,000 idle menus come from one account and one address, many logging in at once
            # (as OpenSSH's MaxStartups 1000 below).
            '[limits]\nsessions_per_account = 5000\nsessions_total = 5000\nthrottle_failures = 1000000\n'
            'max_startups = "1000"\nper_source_max_startups = 1000\n')
        if guests is None:
            guests = {g: (f'kernel = "{BENCH / "synthetic.py"}"\n' if g == "syn" else "")
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

    def setup_yucon(self):
        self.write_yucon_etc()
        self.results["start_cold_ms"] = self.start_gateway()
        log(f"yucon: gateway on port {self.gw_port}, pid {self.gateway.pid}, keeper {self.keeper}")
        for g in ("uml", "syn"):
            r = self.yucon_verb("boot", g)
            if r.returncode != 0:
                raise RuntimeError(f"yucon boot {g}: {r.stderr.strip()}")

    def umid(self, prefix, w):
        """The umid (and COW file) of the harness's own copy of a workload: a fresh one after each restart."""
        n = self.generation.get((prefix, w), 0)
        return f"{prefix}-{w}" + (f"-{n}" if n else "")

    def write_conserver_cf(self):
        d = self.work / "conserver"
        consoles = "".join(
            f"console {w} {{ master 127.0.0.1; type exec; "
            f"exec {' '.join(self.workloads[w].argv(self.umid('cs', w)))}; }}\n" for w in ("uml", "syn"))
        (d / "conserver.cf").write_text(
            "config * { defaultaccess rejected; }\n"
            "access * { trusted 127.0.0.1; }\n"
            f"default * {{ logfile {d}/&.log; timestamp 1ma; rw *; }}\n" + consoles)

    def setup_conserver(self):
        d = self.work / "conserver"
        d.mkdir()
        self.write_conserver_cf()
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
        self.screens = {w: self.start_screen(w) for w in ("uml", "syn")}
        log(f"sshd: port {self.sshd_port}, pid {self.sshd.pid}; screens {[p.pid for p in self.screens.values()]}")

    def start_screen(self, w):
        # -D -m: detached and without forking, so the pid is screen's own.
        env = dict(os.environ, SCREENDIR=str(self.screendir), TERM="xterm")
        return self.procs.start(
            ["screen", "-D", "-m", "-S", f"bench-{w}", "-c", str(self.work / "screenrc"),
             *self.workloads[w].argv(self.umid("sc", w))], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def setup_direct(self):
        for w in ("uml", "syn"):
            self.start_direct(w)
        self.start_relay()

    def start_relay(self):
        argv = self.workloads["syn"].argv(self.umid("rl", "syn"))
        self.relay = Term(self.procs, ["socat", "STDIO,rawer", f"EXEC:{' '.join(argv)},pty,rawer,setsid,ctty"],
                          name="relay-syn")

    def start_direct(self, w):
        self.direct[w] = Term(self.procs, self.workloads[w].argv(self.umid("dr", w)), name=f"direct-{w}",
                              console=True)

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
                    self.failed(f"login on `{w}` through {peer} (setup)", e)["after"] = self.restart_and_login(peer, w)
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
        failure = {"what": what, "reason": reason, "after": ""}
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
            self.restart_console(peer, w)
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

    def restart_console(self, peer, w):
        """Stops the workload's process of this peer by pid and boots a fresh one (new umid, new COW file)."""
        {"direct": self.restart_direct, "screen": self.restart_screen, "conserver": self.restart_conserver,
         "yucon": self.restart_yucon, RELAY: self.restart_relay,
         SSHD: lambda w: None}[peer](w)   # sshd starts a console of its own for every client

    def restart_relay(self, w):
        self.relay.close()
        self.bump("rl", w)
        self.start_relay()

    def restart_direct(self, w):
        self.direct.pop(w).close()
        self.bump("dr", w)
        self.start_direct(w)

    def restart_screen(self, w):
        old = self.screens.pop(w)
        self.procs.stop(old.pid)
        Path(self.screendir, f"{old.pid}.bench-{w}").unlink(missing_ok=True)   # else `screen -x` sees two sessions
        self.bump("sc", w)
        self.screens[w] = self.start_screen(w)
        deadline = time.monotonic() + 10
        while not any(self.screendir.glob(f"{self.screens[w].pid}.bench-{w}")) and time.monotonic() < deadline:
            time.sleep(0.1)   # its socket, for `screen -x`

    def restart_conserver(self, w):
        # conserver restarts an `exec` console at once when its program dies (autoreinit), with the same umid and
        # COW: so change the console's command line first (SIGHUP: conserver replaces it), then make sure the old
        # UML is gone.
        old = find_process(self.conserver.pid, f"umid={self.umid('cs', w)}")
        self.bump("cs", w)
        self.write_conserver_cf()
        kill(self.conserver.pid, signal.SIGHUP)
        time.sleep(1.0)
        if old:
            self.procs.stop(old[0], start=old[1])

    def restart_yucon(self, w):
        # The product's keeper holds the guest; with the default restart policy ("never") a guest killed by pid is
        # "crashed" and boots again on `yucon boot`.
        uml = find_process(self.keeper, f"umid={w}")
        if uml:
            self.procs.stop(uml[0], start=uml[1])
        (self.work / "state" / f"{w}.cow").unlink(missing_ok=True)   # a fresh disk, as for the other peers
        deadline = time.monotonic() + 30
        while True:
            r = self.yucon_verb("boot", w)
            if r.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"yucon boot {w}: {(r.stderr or r.stdout).strip()[:200]}")
            time.sleep(1.0)   # the keeper may not have reaped the old UML yet

    def bump(self, prefix, w):
        self.generation[(prefix, w)] = self.generation.get((prefix, w), 0) + 1

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
        if peer == SSHD:
            return ["ssh", "-tt", *SSH_OPTS, "-i", str(self.key), "-p", str(self.sshd_port), "root@127.0.0.1",
                    "exec " + " ".join(self.workloads[w].argv(self.umid("sh", w)))]
        raise ValueError(peer)

    def connect(self, peer, w, spy=False, settle=True):
        if peer == "direct":
            t = self.direct[w]
        elif peer == RELAY:
            t = self.relay
        else:
            t = Term(self.procs, self.client_argv(peer, w, spy), env=dict(os.environ, TERM="xterm"),
                     name=f"{peer}-{w}")
        if settle:
            t.quiet(0.3)
        return t

    def disconnect(self, peer, t):
        if peer not in ("direct", RELAY):
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
                    log(f"{w} round {rnd} {peer:9s} echo p50 {fmt(rec['p50'], '.3f')} p99 {fmt(rec['p99'], '.3f')} ms; "
                        f"{n / 1e6:.0f} MB in {fmt(rec['secs'], '.2f', 'timeout')} s = {fmt(rec['mbps'], '.1f')} MB/s, "
                        f"x received {rec['got']}, skipped {rec['skipped']}; machine CPU {fmt(rec['cpu_us_key'], '.0f')} "
                        f"us/key (stolen {fmt(rec['steal_us_key'], '.0f')}), {fmt(rec['cpu_ms_mb'], '.1f')} ms/MB "
                        f"(stolen {fmt(rec['steal_ms_mb'], '.1f')})" + self.kicks_note(peer, w) +
                        (f"; JIT compilers during the echo {rec['compiler_ms']} ms" if "compiler_ms" in rec else ""))
                    if rec["failed"]:
                        failure = self.failed(f"`{w}` round {rnd}, {peer}", rec["failed"])
                        if not rec.get("skipped_run"):
                            failure["after"] = self.recover(peer, w)
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
        rec = self.console_run("yucon", "syn", 0, self.args.warmup_mb * 10**6, keys=self.args.warmup_keys, timeout=90)
        self.cold = rec
        log("warm-up yucon " + (f"failed: {rec['failed']}" if rec["failed"] else
                                f"echo p50 {fmt(rec['p50'], '.3f')} p99 {fmt(rec['p99'], '.3f')} ms; {fmt(rec['mbps'], '.1f')} MB/s"))
        for w in self.args.workloads:
            for _ in range(self.args.warmup_runs):
                self.warming.append((w, self.unmeasured_run("yucon", w)))
        if "uml" in self.args.workloads and self.args.warmup_runs:
            for peer in (p for p in self.args.peers if p != "yucon"):
                self.unmeasured_run(peer, "uml")

    def unmeasured_run(self, peer, w):
        """A run like a round's that counts for nothing; a console it leaves dead is booted afresh for the rounds."""
        rec = self.console_run(peer, w, 0, self.flood_bytes(w))
        if rec["failed"] and not rec.get("skipped_run"):
            self.recover(peer, w)
        log(f"warm-up {peer} {w} " + (f"failed: {rec['failed']}" if rec["failed"] else
                                      f"echo p99 {fmt(rec['p99'], '.3f')} ms; {fmt(rec['mbps'], '.1f')} MB/s"))
        return rec

    def flood_bytes(self, w):
        return (self.args.flood_mb_uml if w == "uml" else self.args.flood_mb_syn) * 10**6

    def console_run(self, peer, w, rnd, n, keys=None, timeout=None):
        """One peer's run in one round: echo, then one viewer's flood. What was measured before a failure is kept;
        rec["failed"] says at which stage and why."""
        rec = {"round": rnd, "p50": None, "p99": None, "mbps": None, "got": 0, "skipped": 0, "secs": None,
               "cpu_us_key": None, "steal_us_key": None, "cpu_ms_mb": None, "steal_ms_mb": None,
               "corrupt": False, "failed": None}
        if (peer, w) in self.broken:
            rec.update(failed=f"not run: the console is {self.broken[(peer, w)]}", skipped_run=True)
            return rec
        stage, t = "attach", None
        try:
            t = self.connect(peer, w)
            stage = "prompt"
            t.send(b"\r")
            t.expect(self.workloads[w].prompt(), 20)
            t.quiet(0.1)
            stage = "echo"
            before, compiled = machine_ticks(), self.compiler_ticks(peer)
            lat = self.echo(t, w, keys or self.args.keys)
            rec.update(p50=pct(lat, 50), p99=pct(lat, 99), **machine_cost(ticks_since(before), "us_key", len(lat) / 1e6))
            compiled_after = self.compiler_ticks(peer)
            if compiled is not None and compiled_after is not None:
                rec["compiler_ms"] = (compiled_after - compiled) * 10
            stage = "flood"
            [(secs, got, skipped)], spent = self.flood([t], w, n, timeout or self.args.flood_timeout)
            rec.update(self.flood_figures(peer, n, secs, got, skipped, spent))
        except Exception as e:
            rec["failed"] = f"{stage}: {short_error(e)}"
            if not isinstance(e, (Timeout, EOFError, OSError)):
                log("".join(traceback.format_exception(e)).rstrip())
        finally:
            if t:
                self.disconnect(peer, t)
        return rec

    def compiler_ticks(self, peer):
        """yucon's JIT compilers (gateway and keeper) so far, None for the other peers: the compilers' share of a
        run's machine CPU, which a gateway that has run for long would not spend."""
        if peer != "yucon":
            return None
        try:
            return jit_ticks(self.gateway.pid) + jit_ticks(self.keeper)
        except OSError:
            return None   # a process gone: the run itself will say what happened

    def flood_figures(self, peer, n, secs, got, skipped, spent):
        # A flood that timed out is credited with what arrived in the time.
        # Delivered bytes: a viewer that was skipped ahead gets no credit for what it never saw (screen
        # redraws, so its bytes cannot be counted: there the time to the marker is all there is).
        delivered = n if (peer == "screen" and secs) else got
        rate = delivered / (secs or self.args.flood_timeout) / 1e6
        corrupt = peer != "screen" and got > n
        if corrupt:
            rate = None    # more bytes than printed: the peer repeated output (see the notes)
        # CPU per MB the guest printed, for floods that ended: a timed-out one spent its time waiting.
        cost = machine_cost(spent, "ms_mb", n / 1e9) if secs and not corrupt else {}
        return {"mbps": rate, "got": got, "skipped": skipped, "secs": secs, "corrupt": corrupt, **cost}

    def kicks_note(self, peer, w):
        """For the log: how many SIGIO kicks the harness's direct reader has sent that UML so far."""
        t = self.direct.get(w) if peer == "direct" else None
        return f"; SIGIO kicks so far {t.kicks.sent}" if t and t.kicks and t.kicks.sent else ""

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
                    if peer not in a.peers or (peer == "screen" and viewers > a.screen_fanout_max):
                        continue
                    where = f"fan-out {viewers} viewers round {rnd}, {peer}"
                    if (peer, w) in self.broken:
                        rec = {"failed": f"not run: the console is {self.broken[(peer, w)]}"}
                        self.failed(where, rec["failed"])
                    else:
                        try:
                            rec = self.fanout_run(peer, w, viewers, rnd)
                        except Exception as e:
                            rec = {"failed": short_error(e)}
                            self.failed(where, e)["after"] = self.recover(peer, w)
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
        rates = [(n if (peer == "screen" and s) else x) / (s or a.flood_timeout) / 1e6 for s, x, _ in res]
        lost = [max(0, n - x) for s, x, _ in res if s is not None]
        skipped = sum(sk for _, _, sk in res)
        timeouts = sum(1 for s, _, _ in res if s is None)
        rec = {"median_mbps": statistics.median(rates), "min_mbps": min(rates),
               "lost": sum(lost), "lost_viewers": sum(1 for x in lost if x), "skipped": skipped,
               "timeouts": timeouts, "failed": None, "attach_failed": failed}
        log(f"fan-out {viewers:3d} round {rnd} {peer:9s} per viewer median {rec['median_mbps']:.1f} "
            f"min {rec['min_mbps']:.1f} MB/s; lost {rec['lost']} bytes in {rec['lost_viewers']} viewers "
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

    def run_idle(self):
        a = self.args
        classes = self.work / "classes"
        classes.mkdir(exist_ok=True)
        cp = f"{self.jar.parent / 'lib'}/*"
        subprocess.run(["javac", "-q" if False else "-nowarn", "-d", str(classes), "-cp", cp,
                        str(BENCH / "IdleSessions.java")], check=True)
        for count in a.idle:
            try:
                self.idle_run(count, classes, cp)
            except Exception as e:
                self.failed(f"{count} idle menu sessions", e)
            time.sleep(2)

    def idle_run(self, count, classes, cp):
        a = self.args
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
        rec = {"sessions": count, "rss_mb": rss / 1024, "base_rss_mb": base_rss / 1024, "cpu_pct": cpu,
               "jit_pct": jit, "settle_secs": settle_secs, "threads": threads, "open_secs": ready_secs}
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
        self.results["memory"] = {
            "guests": k, "per_guest_mb": (after - before) / 1024 / k,
            "gateway_mb": (g_after - g_before) / 1024 / k, "keeper_mb": (k_after - k_before) / 1024 / k,
            "uml_rss_mb_all": uml_rss}
        log(f"memory: keeper + gateway RSS {before / 1024:.0f} -> {after / 1024:.0f} MB for {k} more guests = "
            f"{(after - before) / 1024 / k:.1f} MB per guest")


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


def short_error(e):
    """One line for the report: the message without the client's last output (that stays in the log)."""
    text = str(e).split("; last output:")[0].strip() or type(e).__name__
    if not isinstance(e, (Timeout, EOFError)):
        text = f"{type(e).__name__}: {text}"
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


def read_line(stream, timeout):
    r, _, _ = select.select([stream], [], [], timeout)
    if not r:
        raise Timeout(f"no answer within {timeout} s")
    return stream.readline().strip()


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def ticks_since(before):
    return tuple(now - then for now, then in zip(machine_ticks(), before))


def machine_cost(spent, unit, per):
    """Machine CPU time spent (busy and stolen ticks), in seconds divided by `per`, as rec keys `cpu_<unit>` and
    `steal_<unit>` (µs per key: per = keys / 1e6; ms per MB: per = bytes / 1e9)."""
    busy, steal = spent
    return {f"cpu_{unit}": busy / 100 / per, f"steal_{unit}": steal / 100 / per}


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


def cold_figures(b):
    """The warm-up's own figures: what a freshly started gateway does."""
    rec = b.cold
    if rec is None:
        return "There was no warm-up."
    if rec["failed"]:
        return f"The warm-up failed ({rec['failed']})."
    runs = "; ".join(f"`{w}` " + ", ".join("failed" if r["failed"] else fmt(r["p99"], ".2f")
                                           for v, r in b.warming if v == w)
                     for w in b.args.workloads if any(v == w for v, _ in b.warming))
    then = f"; echo p99 (ms) of the runs like a round's that follow it: {runs}" if runs else ""
    return (f"The warm-up itself, a cold gateway: echo p50 {fmt(rec['p50'], '.3f')} ms, p99 {fmt(rec['p99'], '.3f')} "
            f"ms; {fmt(rec['mbps'], '.1f')} MB/s{then}")


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
    if b.failures:
        add(f"- **{len(b.failures)} measurement(s) failed**: listed under Failures below")
    add(f"- Peers: yucon (`yucon serve`, {product(b.jar)}; JVM options: {b.gateway_jvm or 'none'}), conserver {pkg_version('conserver-server')}, "
        f"OpenSSH {pkg_version('openssh-server')} + screen {pkg_version('screen')}; all on 127.0.0.1; every "
        "client is the real client program (`ssh -tt`, `console`) on a pty driven by the harness")
    add(f"- Workloads: `uml` a real UML guest ({b.kernel.name}, 64M, busybox root, logged in as root); `syn` "
        "bench/synthetic.py on a pty (echoes keys, prints N bytes of `x` on demand) — it isolates the gateway's cost")
    add("- `relay` (on `syn`, a reference like `direct`): socat between a `syn` of its own on one pty and the harness on "
        "a second one, read like `direct`. Every remote console has those two ptys (the guest's, and the terminal "
        "the client writes to), so relay/direct is what the second pty alone leaves of the direct rate")
    add("- `sshd` (on `syn`, a reference too): `ssh -tt` to the same OpenSSH sshd as screen's, which runs a `syn` of "
        "its own as the session's command, on the session's pty: no console server at all, only what every SSH "
        "console has on its way (the client, encryption both ways, sshd, the session's pty): the least any SSH console "
        "does")
    rounds_like = (f", then {a.warmup_runs} per workload like a round's (and every other peer one on `uml`: no guest "
                   "is fresher than yucon's)") if a.warmup_runs else ""
    add(f"- Before the rounds yucon gets one unmeasured run on `syn` ({a.warmup_keys} keys, a {a.warmup_mb} MB "
        f"flood){rounds_like}, so that the figures are the steady state of a "
        "running gateway, not the JVM's warm-up (a fresh gateway spends 3-4 times the CPU per byte until the JIT "
        "has compiled its AES-CTR to AES-NI, after some 160 MB; its compiler works on the keystroke path for some "
        "10,000 keys, and its time slices then delay the threads an echo passes through; each of the next few "
        "logins, echo runs and floods still keeps the compilers of both JVMs busy for tenths of a second); the "
        "other peers are C programs. " + cold_figures(b) + "\n"
        f"- Each console figure is the median over {a.rounds} rounds; in each round every peer runs once, in "
        "alternating order (direct, yucon, conserver, screen / direct, screen, conserver, yucon); ratios are "
        "taken within a round, then their median. Echo: "
        f"{a.keys} keys per run. Throughput: {a.flood_mb_uml} MB (uml) / {a.flood_mb_syn} MB (syn) of `x`, timed "
        "from Enter until the end marker reaches the client; `direct` reads and writes the workload's pty master "
        "itself, as yucon's keeper does: input paced like the keeper's (at most 128 bytes per write, 12.8 KB/s on "
        "average; a key's echo is timed from its write), and for UML SIGIO when output stops (after 2, 4, 8 ... ms, "
        "at most 7 times); `direct` also kicks UML when a key gets no output within 0.5 ms (see the notes). "
        "Machine CPU: the CPU time of the whole machine (`/proc/stat`: every process, the harness and the kernel "
        "included, in 10 ms ticks) during the echo run per key, and from Enter to the end marker per MB printed: "
        "all the work a peer's path does, beside the time it takes; stolen: time the hypervisor kept this VM "
        "waiting.\n")

    def console(w, peer, key):
        return [r[key] for r in R.get(("console", w, peer), []) if r[key] is not None]

    def cost(w, peer, unit, spec):
        """Median machine CPU, with the median stolen by the hypervisor beside it when there was any."""
        busy, stolen = med(console(w, peer, "cpu_" + unit)), med(console(w, peer, "steal_" + unit))
        return fmt(busy, spec) + (f" (stolen {stolen:{spec}})" if stolen else "")

    def ratio(w, peer, key, base="yucon"):
        """Median of base/peer, taken within each round in which both have the figure."""
        by_round = {r["round"]: r[key] for r in R.get(("console", w, base), [])}
        return med([by_round[r["round"]] / r[key] for r in R.get(("console", w, peer), [])
                    if r[key] and by_round.get(r["round"])])

    for w in a.workloads:
        add(f"## Console `{w}`: echo latency and one viewer\n")
        add("| peer | echo p50 ms | echo p99 ms | p99 worst round | throughput MB/s | worst round | bytes lost | "
            "yucon/peer p99 | yucon/peer MB/s | machine CPU µs per key | machine CPU ms per MB | failed rounds |")
        add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        n = b.flood_bytes(w)
        for peer in [PEERS[0], RELAY, SSHD, *PEERS[1:]]:
            recs = R.get(("console", w, peer), [])
            if not recs:
                continue
            rates = console(w, peer, "mbps")
            flooded = [r for r in recs if not r["failed"]]   # a failed run has no flood figures, not even a timeout
            finished = [r for r in flooded if r["secs"] is not None]
            lost = "n/a (redrawn)" if peer == "screen" else str(sum(max(0, n - r["got"]) for r in finished))
            if peer == "yucon":
                lost += f" (told skipped: {sum(r['skipped'] for r in recs)})"
            timeouts = sum(1 for r in flooded if r["secs"] is None)
            corrupt = sum(1 for r in recs if r.get("corrupt"))
            worst_rate = (f"{min(rates):.3g}" if rates else "–") + \
                (f"; {timeouts} of {len(flooded)} timed out" if timeouts else "") + \
                (f"; {corrupt} of {len(flooded)} delivered more bytes than printed" if corrupt else "")
            p99s = console(w, peer, "p99")
            failed = sum(1 for r in recs if r["failed"])
            add(f"| {peer} | {fmt(med(console(w, peer, 'p50')), '.3f')} | {fmt(med(p99s), '.3f')} | "
                f"{fmt(max(p99s) if p99s else None, '.3f')} | {fmt(med(rates), '.3g')} | {worst_rate} | {lost} | "
                f"{fmt(ratio(w, peer, 'p99'), '.2f') if peer != 'yucon' else ''} | "
                f"{fmt(ratio(w, peer, 'mbps'), '.2f') if peer != 'yucon' else ''} | "
                f"{cost(w, peer, 'us_key', '.0f')} | {cost(w, peer, 'ms_mb', '.1f')} | "
                f"{f'{failed} of {len(recs)}' if failed else 0} |")
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
            "viewers that lost (worst round) | timeouts | clients that failed to attach | failed rounds |")
        add("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for viewers in a.fanout:
            for peer in ["yucon", "conserver", "screen"]:
                if R.get(("fanout", viewers, peer)):
                    add(fanout_row(viewers, peer, R[("fanout", viewers, peer)]))
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
        restart = (f"restart with the keeper and guests running {med(warm):.0f} (median of {len(warm)})" if warm
                   else "restart not measured")
        add(f"| gateway start to SSH banner (ms) | first start (also starts the keeper) {R['start_cold_ms']:.0f}; "
            f"{restart} | |")
    if "memory" in R:
        m = R["memory"]
        add(f"| memory per running guest (keeper + gateway RSS delta, {m['guests']} guests) | "
            f"{m['per_guest_mb']:.1f} MB (gateway {m['gateway_mb']:.1f}, keeper {m['keeper_mb']:.1f}); the UMLs "
            f"themselves: {m['uml_rss_mb_all']:.0f} MB RSS for all running | |")
    add("")

    if b.failures:
        add("## Failures\n")
        add("Measurements that failed; the run went on without them (their figures are left out of the medians "
            "above). After a failure the console was checked (Ctrl-C, Enter, a prompt within 15 s); one that no "
            "longer answered was stopped by pid and booted afresh on a new COW disk, and one that could not be "
            "restarted was left out of the later runs.\n")
        for f in b.failures:
            add(f"- {f['what']}: {f['reason']}" + (f" — afterwards {f['after']}" if f["after"] else ""))
        add("")

    add("## Targets (issue 6)\n")
    add("| target | figure | met? |")
    add("| --- | --- | --- |")
    for line in targets(b):
        add(line)
    add("")
    return "\n".join(out) + "\n"


def fanout_row(viewers, peer, recs):
    ok = [r for r in recs if not r["failed"]]
    failed = len(recs) - len(ok)
    lost = "n/a" if peer == "screen" else f"{sum(r['lost'] for r in ok)}"
    if peer == "yucon":
        lost += f" (told skipped: {sum(r['skipped'] for r in ok)})"
    lost_viewers = "n/a" if peer == "screen" else (max(r["lost_viewers"] for r in ok) if ok else "–")
    return (f"| {viewers} | {peer} | {fmt(med([r['median_mbps'] for r in ok]), '.1f')} | "
            f"{fmt(min(r['min_mbps'] for r in ok) if ok else None, '.1f')} | {lost} | {lost_viewers} | "
            f"{sum(r['timeouts'] for r in ok)} | {sum(r['attach_failed'] for r in ok)} | "
            f"{f'{failed} of {len(recs)}' if failed else 0} |")


def targets(b):
    R, a = b.results, b.args
    lines = []

    def c(w, peer):
        return R.get(("console", w, peer), [])

    def row(target, figure, ok):
        lines.append(f"| {target} | {figure} | {'n/a' if ok is None else ('met' if ok else '**missed**')} |")

    for w in a.workloads:
        y, d = c(w, "yucon"), c(w, "direct")
        if not y:
            continue
        yp99 = med([r["p99"] for r in y])
        peers99 = {p: med([r["p99"] for r in c(w, p)]) for p in ("conserver", "screen")}
        peers99 = {p: v for p, v in peers99.items() if v is not None}
        dp99 = med([r["p99"] for r in d])
        if yp99 is None:
            row(f"`{w}`: echo p99", f"no figure: yucon's echo failed in {len(y)} of {len(y)} rounds", None)
        else:
            floor = med([r["p99"] for r in c(w, SSHD)])
            row(f"`{w}`: echo p99 below both peers", f"yucon {yp99:.3f} ms; " +
                (", ".join(f"{p} {v:.3f} ms" for p, v in peers99.items()) or "no peer figure") +
                (f" (`sshd` alone: {floor:.3f} ms)" if floor is not None else ""),
                all(yp99 < v for v in peers99.values()) if peers99 else None)
            row(f"`{w}`: echo p99 within 0.3 ms of the direct read",
                f"yucon {yp99:.3f} ms, direct {dp99:.3f} ms (+{yp99 - dp99:.3f})" if dp99 is not None
                else f"yucon {yp99:.3f} ms, direct: no figure", None if dp99 is None else yp99 - dp99 <= 0.3)
        throughput_target(w, y, d, c(w, RELAY), row)
    f100 = R.get(("fanout", 100, "yucon"))
    if f100:
        ok = [r for r in f100 if not r["failed"]]
        lost = sum(r["lost"] for r in ok)
        skipped = sum(r["skipped"] for r in ok)
        timeouts = sum(r["timeouts"] for r in ok)
        clean = lost == 0 and skipped == 0 and not timeouts
        row("100 viewers with 0 bytes lost", f"yucon: {lost} bytes lost by viewers that finished, {skipped} bytes "
            f"told skipped, {timeouts} of {100 * len(ok)} viewers timed out" +
            (f"; {len(f100) - len(ok)} of {len(f100)} rounds failed" if len(ok) < len(f100) else ""),
            (None if len(ok) < len(f100) else True) if clean else False)
    idle = R.get(("idle", 1000))
    if idle:
        row("1,000 idle sessions within 300 MB RSS", f"{idle['rss_mb']:.0f} MB", idle["rss_mb"] <= 300)
        row("1,000 idle sessions within 2 % of one core", f"{idle['cpu_pct']:.2f} %", idle["cpu_pct"] <= 2)
    if ("login", "yucon") in R:
        rs = med([x / y for x, y in zip(R[("login", "yucon")], R[("login", "openssh")])])
        row("login to first frame within 1.2x of OpenSSH login to prompt", f"{rs:.2f}x", rs <= 1.2)
    return lines


def throughput_target(w, y, d, relay, row):
    """yucon/direct within each round. A round without a direct figure has no ratio; one in which yucon's run
    failed is named: then the target cannot be called met ("in every round"). The relay's ratio, where there is
    one, says what the second pty alone leaves of the direct rate."""
    direct = {r["round"]: r["mbps"] for r in d if r["mbps"]}
    ratios, failed = [], []
    for r in y:
        if r["round"] not in direct:
            continue
        if r["failed"]:
            failed.append(r["round"])
        else:
            ratios.append((r["mbps"] or 0) / direct[r["round"]])   # None: more bytes than printed, no credit
    skipped_rounds = sum(1 for r in y if r["skipped"])
    figure = "yucon/direct per round: " + ", ".join(f"{x:.2f}" for x in ratios)
    if failed:
        figure += f"; yucon's run failed in round(s) {', '.join(map(str, failed))}"
    if len(direct) < len(y):
        figure += f"; no direct figure in {len(y) - len(direct)} round(s)"
    if skipped_rounds:
        figure += (f" (counting delivered bytes only; yucon skipped output in {skipped_rounds} of {len(y)} rounds: "
                   f"{sum(r['skipped'] for r in y)} bytes)")
    relayed = {r["round"]: r["mbps"] for r in relay if r["mbps"]}
    if relayed:
        figure += "; relay/direct: " + ", ".join(f"{relayed[k] / direct[k]:.2f}" for k in sorted(relayed) if k in direct)
        figure += "; yucon/relay: " + ", ".join(f"{r['mbps'] / relayed[r['round']]:.2f}" for r in y
                                               if r["mbps"] and r["round"] in relayed)
    met = bool(ratios) and min(ratios) >= 0.9
    row(f"`{w}`: one-viewer throughput ≥ 0.9 of direct in every round", figure, None if met and failed else met)


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
    p.add_argument("--warmup-keys", type=int, default=10000,
                   help="keystrokes of yucon's unmeasured run on `syn` before the rounds")
    p.add_argument("--warmup-mb", type=int, default=300,
                   help="MB of yucon's unmeasured flood on `syn` before the rounds, for the JIT (0: no warm-up)")
    p.add_argument("--warmup-runs", type=int, default=3,
                   help="then unmeasured runs of yucon on each workload, each like a round's, and one of every "
                        "other peer on `uml` (0: none)")
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
    scale = Scale(bench, args.scale)
    try:
        scale.run()
    finally:
        if getattr(bench, "gateway", None) is not None and bench.gateway.poll() is None:
            scale.halt_all()
        bench.procs.stop_all()
        text = scale_report(scale.results, args.command)
        (bench.work / "scale.md").write_text(text + "\n")
        print(text)


if __name__ == "__main__":
    main()
