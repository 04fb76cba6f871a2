"""What runs on a console: a real UML guest, or the synthetic console."""
from . import BENCH, PROMPT_END


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


