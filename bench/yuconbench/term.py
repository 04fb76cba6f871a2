"""Programs on a pty that the harness holds: clients, and the workloads themselves with the keeper's pacing and kicks."""
import fcntl
import os
import re
import select
import signal
import struct
import termios
import time

from .procs import Timeout, catches_sigio, kill, log


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
