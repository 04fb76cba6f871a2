"""One class per peer: how it is set up, how a client reaches one of its consoles, how a console is booted afresh.

Each peer object belongs to the harness's one thread; its mutable state (Terms, processes, generations) is that
thread's."""
import os
import signal
import subprocess
import time
from pathlib import Path

from . import SSH_OPTS
from .procs import find_process, jit_ticks, kill, log, wait_port
from .term import Term

PEERS = ["direct", "yucon", "conserver", "screen"]
# A reference beside direct on `syn`: a C relay (socat) between the workload's pty and a second one, as every
# remote console has (the guest's pty and the client's terminal): what the second pty alone costs.
RELAY = "relay"
# Another on `syn`: OpenSSH's sshd running the workload itself in the SSH session's pty, no console server at all:
# the path every SSH console has (client, encryption, sshd, the session's pty), what any of them costs at least.
SSHD = "sshd"
CONSOLES = ("uml", "syn")


class Peer:
    name = ""
    prefix = ""         # of its workloads' umids
    redraws = False     # output is redrawn, not forwarded: its bytes cannot be counted (screen)

    def __init__(self, bench):
        self.b = bench
        self.generation = {}   # workload -> how many times that console was booted afresh (its umid)

    def setup(self):
        pass

    def umid(self, w):
        """The umid (and COW file) of this peer's copy of a workload: a fresh one after each restart."""
        n = self.generation.get(w, 0)
        return f"{self.prefix}-{w}" + (f"-{n}" if n else "")

    def bump(self, w):
        self.generation[w] = self.generation.get(w, 0) + 1

    def argv(self, w):
        return self.b.workloads[w].argv(self.umid(w))

    def client_argv(self, w, spy):
        raise NotImplementedError

    def connect(self, w, spy=False):
        return Term(self.b.procs, self.client_argv(w, spy), env=dict(os.environ, TERM="xterm"), name=f"{self.name}-{w}")

    def disconnect(self, t):
        t.close()

    def restart(self, w):
        """Stops the workload's process of this peer by pid and boots a fresh one (new umid, new COW file)."""
        raise NotImplementedError

    def compiler_ticks(self):
        """JIT compiler ticks so far; None for a peer without a JIT (C programs)."""
        return None

    def note(self, w):
        """For the log line of a run: anything the peer adds."""
        return ""


class Direct(Peer):
    """The workload's own pty master, read and written by the harness (the limit)."""
    name, prefix = "direct", "dr"

    def __init__(self, bench):
        super().__init__(bench)
        self.terms = {}   # workload -> Term holding the workload itself

    def setup(self):
        for w in CONSOLES:
            self.start(w)

    def start(self, w):
        self.terms[w] = Term(self.b.procs, self.argv(w), name=f"direct-{w}", console=True)

    def connect(self, w, spy=False):
        return self.terms[w]

    def disconnect(self, t):
        pass

    def restart(self, w):
        self.terms.pop(w).close()
        self.bump(w)
        self.start(w)

    def note(self, w):
        """How many SIGIO kicks the harness's direct reader has sent that UML so far."""
        t = self.terms.get(w)
        return f"; SIGIO kicks so far {t.kicks.sent}" if t and t.kicks and t.kicks.sent else ""


class Relay(Peer):
    """socat between a `syn` of its own on one pty and the harness on a second one (only `syn`)."""
    name, prefix = RELAY, "rl"

    def __init__(self, bench):
        super().__init__(bench)
        self.term = None

    def setup(self):
        self.term = Term(self.b.procs, ["socat", "STDIO,rawer", f"EXEC:{' '.join(self.argv('syn'))},pty,rawer,setsid,ctty"],
                         name="relay-syn")

    def connect(self, w, spy=False):
        return self.term

    def disconnect(self, t):
        pass

    def restart(self, w):
        self.term.close()
        self.bump(w)
        self.setup()


class Yucon(Peer):
    """ssh -tt admin@127.0.0.1 console NAME: `yucon serve` (the harness's gateway), guests held by its keeper."""
    name = "yucon"

    def setup(self):
        b = self.b
        b.write_yucon_etc()
        b.results["start_cold_ms"] = b.start_gateway()
        log(f"yucon: gateway on port {b.gw_port}, pid {b.gateway.pid}, keeper {b.keeper}")
        for g in CONSOLES:
            r = b.yucon_verb("boot", g)
            if r.returncode != 0:
                raise RuntimeError(f"yucon boot {g}: {r.stderr.strip()}")

    def client_argv(self, w, spy):
        return ["ssh", "-tt", *SSH_OPTS, "-i", str(self.b.key), "-p", str(self.b.gw_port), "admin@127.0.0.1",
                "console", w]

    def restart(self, w):
        # The product's keeper holds the guest; with the default restart policy ("never") a guest killed by pid is
        # "crashed" and boots again on `yucon boot`.
        b = self.b
        uml = find_process(b.keeper, f"umid={w}")
        if uml:
            b.procs.stop(uml[0], start=uml[1])
        (b.work / "state" / f"{w}.cow").unlink(missing_ok=True)   # a fresh disk, as for the other peers
        deadline = time.monotonic() + 30
        while True:
            r = b.yucon_verb("boot", w)
            if r.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"yucon boot {w}: {(r.stderr or r.stdout).strip()[:200]}")
            time.sleep(1.0)   # the keeper may not have reaped the old UML yet

    def compiler_ticks(self):
        """The gateway's and the keeper's JIT compilers so far: the compilers' share of a run's machine CPU, which a
        gateway that has run for long would not spend."""
        try:
            return jit_ticks(self.b.gateway.pid) + jit_ticks(self.b.keeper)
        except OSError:
            return None   # a process gone: the run itself will say what happened


class Conserver(Peer):
    """console -M 127.0.0.1 -p PORT NAME: conserver, the workload as an `exec` console."""
    name, prefix = "conserver", "cs"

    def __init__(self, bench):
        super().__init__(bench)
        self.dir = bench.work / "conserver"
        self.proc = None

    def tls_flag(self):
        return [] if self.b.args.conserver_tls else ["-E"]

    def write_cf(self):
        consoles = "".join(f"console {w} {{ master 127.0.0.1; type exec; exec {' '.join(self.argv(w))}; }}\n"
                           for w in CONSOLES)
        (self.dir / "conserver.cf").write_text(
            "config * { defaultaccess rejected; }\n"
            "access * { trusted 127.0.0.1; }\n"
            f"default * {{ logfile {self.dir}/&.log; timestamp 1ma; rw *; }}\n" + consoles)

    def setup(self):
        d, port = self.dir, self.b.cs_port
        d.mkdir()
        self.write_cf()
        (d / "conserver.passwd").write_text("*any*:\n")
        self.proc = self.b.procs.start(
            ["conserver", "-C", str(d / "conserver.cf"), "-P", str(d / "conserver.passwd"), "-p", str(port),
             "-M", "127.0.0.1", *self.tls_flag()],
            stdout=open(d / "conserver.out", "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_port(port)
        log(f"conserver: port {port}, pid {self.proc.pid}")

    def client_argv(self, w, spy):
        return ["console", *self.tls_flag(), "-M", "127.0.0.1", "-p", str(self.b.cs_port), "-l", "bench",
                *(["-s"] if spy else []), w]

    def restart(self, w):
        # conserver restarts an `exec` console at once when its program dies (autoreinit), with the same umid and
        # COW: so change the console's command line first (SIGHUP: conserver replaces it), then make sure the old
        # UML is gone.
        old = find_process(self.proc.pid, f"umid={self.umid(w)}")
        self.bump(w)
        self.write_cf()
        kill(self.proc.pid, signal.SIGHUP)
        time.sleep(1.0)
        if old:
            self.b.procs.stop(old[0], start=old[1])


class Sshd(Peer):
    """ssh -tt root@127.0.0.1 'exec WORKLOAD': OpenSSH's sshd (on a loopback port, also screen's) running a workload
    of its own in the session's pty (only `syn`)."""
    name, prefix = SSHD, "sh"

    def setup(self):
        b = self.b
        d = b.work / "sshd"
        d.mkdir()
        Path("/run/sshd").mkdir(exist_ok=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "host_ed25519")], check=True)
        (d / "authorized_keys").write_text(Path(str(b.key) + ".pub").read_text())
        (d / "sshd_config").write_text("\n".join([
            f"Port {b.sshd_port}", "ListenAddress 127.0.0.1", f"HostKey {d / 'host_ed25519'}",
            f"PidFile {d / 'sshd.pid'}", f"AuthorizedKeysFile {d / 'authorized_keys'}", "PermitRootLogin yes",
            "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "PrintMotd no",
            "PrintLastLog no", "StrictModes no", "UseDNS no", "MaxStartups 1000", "MaxSessions 1000", ""]))
        self.proc = b.procs.start(["/usr/sbin/sshd", "-D", "-e", "-f", str(d / "sshd_config")],
                                  stdout=open(d / "sshd.log", "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_port(b.sshd_port)
        log(f"sshd: port {b.sshd_port}, pid {self.proc.pid}")

    def client_argv(self, w, spy):
        return ["ssh", "-tt", *SSH_OPTS, "-i", str(self.b.key), "-p", str(self.b.sshd_port), "root@127.0.0.1",
                "exec " + " ".join(self.argv(w))]

    def restart(self, w):
        pass   # sshd starts a console of its own for every client


class Screen(Peer):
    """ssh -tt root@127.0.0.1 screen -x bench-NAME: GNU screen behind the same sshd."""
    name, prefix, redraws = "screen", "sc", True

    def __init__(self, bench):
        super().__init__(bench)
        self.dir = bench.work / "screens"
        self.screens = {}   # workload -> screen's process

    def setup(self):
        self.dir.mkdir(mode=0o700)
        (self.b.work / "screenrc").write_text("startup_message off\nescape ^Aa\ndefscrollback 1000\n")
        self.screens = {w: self.start(w) for w in CONSOLES}
        log(f"screens {[p.pid for p in self.screens.values()]}")

    def start(self, w):
        # -D -m: detached and without forking, so the pid is screen's own.
        return self.b.procs.start(
            ["screen", "-D", "-m", "-S", f"bench-{w}", "-c", str(self.b.work / "screenrc"), *self.argv(w)],
            env=dict(os.environ, SCREENDIR=str(self.dir), TERM="xterm"), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def client_argv(self, w, spy):
        return ["ssh", "-tt", *SSH_OPTS, "-i", str(self.b.key), "-p", str(self.b.sshd_port), "root@127.0.0.1",
                f"SCREENDIR={self.dir} exec screen -x bench-{w}"]

    def restart(self, w):
        old = self.screens.pop(w)
        self.b.procs.stop(old.pid)
        Path(self.dir, f"{old.pid}.bench-{w}").unlink(missing_ok=True)   # else `screen -x` sees two sessions
        self.bump(w)
        self.screens[w] = self.start(w)
        deadline = time.monotonic() + 10
        while not any(self.dir.glob(f"{self.screens[w].pid}.bench-{w}")) and time.monotonic() < deadline:
            time.sleep(0.1)   # its socket, for `screen -x`


def make_peers(bench):
    """Every peer, in the order they are set up."""
    return {p.name: p(bench) for p in (Yucon, Conserver, Sshd, Screen, Direct, Relay)}
