"""Processes: started by pid, stopped by pid (also their descendants), and what /proc says about them."""
import ctypes
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


class Timeout(Exception):
    pass



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



def ticks_since(before):
    return tuple(now - then for now, then in zip(machine_ticks(), before))



def loadavg():
    return Path("/proc/loadavg").read_text().split()[0]


def machine():
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return f"{os.cpu_count()} CPUs, {model}, {mem / 1024 / 1024:.1f} GiB RAM, Linux {os.uname().release}"
