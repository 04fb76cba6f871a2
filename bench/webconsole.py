"""The console in the browser (issue 21), side by side on one real UML console, rounds interleaved:

  web          yucon's web console (/console/NAME: xterm.js over the WebSocket) in headless Chromium
  ssh          yucon over SSH (`ssh -tt admin@... console NAME` on a pty, as the main bench's yucon peer)
  shellinabox  Debian's shellinaboxd (HTTPS, its own AJAX terminal) in the same Chromium, whose session runs the same
               OpenSSH client to the same gateway: a peer web terminal in front of an SSH session on the console

Keys in the browser are typed through the page: Chromium's DevTools Input.dispatchKeyEvent to the focused terminal,
as a keyboard gives them. A key's echo is timed in the page, from its keydown (a capturing listener on the window,
before the terminal's own) to the moment the terminal has parsed it: xterm.js's onWriteParsed with the key in the
cell before the cursor; shellinabox's VT100.vt100(text) returning on a text with the key. A flood of N bytes of
`x` is timed from the Enter's keydown to the parse of its end marker (xterm.js: the write callback, which the page
also acknowledges by). These hooks are a bench-only script run through WebDriver into the open page; the product's
page and its CSP are unchanged. Only one client is attached at a time (the others' floods would go to them too).
"""
import re
import statistics
import subprocess
import time

from yuconbench import SSH_OPTS
from yuconbench.figures import pct
from yuconbench.peers import Yucon
from yuconbench.procs import Timeout, descendants, free_port, loadavg, log, machine, wait_port
from yuconbench.webdriver import WebDriver

GUEST = "uml"
CLIENTS = ["web", "ssh", "shellinabox"]
KEYS = "abceijknopqstuvwyz"

# Bench-only hooks, one per page kind. Both keep B.text (the last parsed output, for prompts), time keys armed by
# B.arm and count a flood armed by B.flood. B.wait(cb) answers an armed key's latency (ms) once it has echoed.
COMMON_JS = r"""
const B = window.__bench = {key: null, t0: null, t1: null, cb: null, flood: null, text: ''};
B.arm = (k) => { B.key = k; B.t0 = null; B.t1 = null; B.cb = null; };
B.wait = (cb) => {
  if (B.t1 !== null) { cb(B.t1 - B.t0); return; }
  B.cb = cb;
  setTimeout(() => { if (B.cb === cb) { B.cb = null; cb(null); } }, 5000);
};
B.echoed = () => {
  B.t1 = performance.now();
  if (B.cb) { const cb = B.cb; B.cb = null; cb(B.t1 - B.t0); }
};
B.parsed = (s, xs) => {
  B.text = (B.text + s).slice(-400);
  const f = B.flood;
  if (f && f.t0 !== null && f.t1 === null) {
    f.x += xs;
    f.tail = (f.tail + s).slice(-64);
    if (f.tail.includes('FLOOD-END')) f.t1 = performance.now();
  }
};
window.addEventListener('keydown', (e) => {
  if (B.key !== null && e.key === B.key && B.t0 === null) B.t0 = performance.now();
  if (B.flood && e.key === 'Enter' && B.flood.t0 === null) B.flood.t0 = performance.now();
}, true);
"""

XTERM_JS = COMMON_JS + r"""
const latin1 = new TextDecoder('latin1');
term.onWriteParsed(() => {
  if (B.t0 === null || B.t1 !== null) return;
  const b = term.buffer.active;
  const line = b.getLine(b.baseY + b.cursorY);
  const cell = line && b.cursorX > 0 ? line.getCell(b.cursorX - 1) : null;
  if (cell && cell.getChars() === B.key) B.echoed();
});
const write = term.write.bind(term);
term.write = (data, cb) => write(data, () => {
  let xs = 0;
  if (B.flood) for (let i = 0; i < data.length; i++) if (data[i] === 120) xs++;
  B.parsed(data.length > 400 ? latin1.decode(data.subarray(data.length - 400)) : latin1.decode(data), xs);
  if (cb) cb();
});
term.focus();
"""

SHELLINABOX_JS = COMMON_JS + r"""
const sh = window.shellinabox;
const vt100 = sh.vt100;
let depth = 0;
sh.vt100 = function (s) {
  depth++;
  try { return vt100.apply(this, arguments); } finally {
    if (--depth === 0 && typeof s === 'string') {
      if (B.t0 !== null && B.t1 === null && s.includes(B.key)) B.echoed();
      let xs = 0;
      if (B.flood) for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 120) xs++;
      B.parsed(s.length > 400 ? s.slice(-400) : s, xs);
    }
  }
};
"""

PROMPT_JS = r"return /# (\x1b\[6n)?$/.test(window.__bench.text.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, (m) => m === '\x1b[6n' ? m : ''))"


class WebConsoleBench:
    def __init__(self, bench, args):
        self.b = bench
        self.rounds = args.rounds
        self.keys = args.web_keys
        self.n = args.web_flood_mb * 1_000_000
        self.timeout = args.flood_timeout_web
        self.results = {c: [] for c in CLIENTS}   # client -> per round dict
        self.load = []
        self.browser = None
        self.web_port = None
        self.sib_port = None
        self.sib = None
        self.ssh = Yucon(bench)

    # -- set-up ------------------------------------------------------------------------------------

    def run(self):
        b = self.b
        self.load.append(loadavg())
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(b.key)], check=True)
        b.gw_port = free_port()
        b.write_yucon_etc({GUEST: f'memory = "64M"\nshutdown_timeout = "5s"\n[[disk]]\nimage = "{b.image}"\n'
                                  f'cow = "{b.work / "state" / (GUEST + ".cow")}"\n'})
        self.web_port = int(re.search(r"\[web\]\nport = (\d+)", (b.work / "etc" / "yucon.toml").read_text()).group(1))
        b.start_gateway()
        r = b.yucon_verb("boot", GUEST)
        if r.returncode != 0:
            raise RuntimeError(f"yucon boot {GUEST}: {r.stderr.strip()}")
        t = b.connect("yucon", GUEST)
        try:
            b.workloads[GUEST].login(t, timeout=90)
        finally:
            b.disconnect("yucon", t)
        self.start_shellinabox()
        self.browser = WebDriver(b.procs)
        self.log_in()
        self.warm_up()
        for rnd in range(1, self.rounds + 1):
            for client in (CLIENTS if rnd % 2 else CLIENTS[::-1]):
                rec = self.measure(client, self.keys, self.n)
                rec["round"] = rnd
                self.results[client].append(rec)
                log(f"round {rnd} {client:11s} echo p50 {rec['p50']:.2f} p99 {rec['p99']:.2f} ms; flood "
                    f"{rec['mb']:.1f} MB in {rec['secs']:.2f} s = {rec['mbps']:.2f} MB/s, x parsed {rec['x']}"
                    f"{' (timed out)' if rec['timed_out'] else ''}; load {loadavg()}")
        self.load.append(loadavg())

    def start_shellinabox(self):
        b = self.b
        self.sib_port = free_port()
        certs = b.work / "shellinabox"
        certs.mkdir()
        # Its own self-signed certificate (key and certificate in one file), made here: shellinaboxd makes one only
        # where the user it switches to may write.
        pem = certs / "certificate.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-keyout", str(pem), "-out", str(certs / "cert.pem")],
                       check=True, capture_output=True)
        pem.write_text(pem.read_text() + (certs / "cert.pem").read_text())
        pem.chmod(0o644)
        certs.chmod(0o755)
        ssh = " ".join(["ssh", "-tt", *SSH_OPTS, "-i", str(b.key), "-p", str(b.gw_port), "admin@127.0.0.1",
                        "console", GUEST])
        self.sib = b.procs.start(["shellinaboxd", "--port", str(self.sib_port), "--localhost-only", "--no-beep",
                                  "--disable-ssl-menu", "--cert", str(certs), "-s", f"/:root:root:/:{ssh}"],
                                 stdout=open(b.work / "shellinabox.log", "w"), stderr=subprocess.STDOUT)
        wait_port(self.sib_port)

    def log_in(self):
        d = self.browser
        origin = f"https://127.0.0.1:{self.web_port}"
        d.get(origin + "/login")
        d.js("document.querySelector('[name=login]').value = 'admin';"
             "document.querySelector('[name=password]').value = 'secret';"
             "document.querySelector('form').submit();")
        deadline = time.monotonic() + 30
        while d.url() != origin + "/":
            if time.monotonic() > deadline:
                raise Timeout(f"the web login: still on {d.url()}")
            time.sleep(0.1)

    def warm_up(self):
        """One unmeasured run of each, so that both JVMs and Chromium's JIT have compiled the paths."""
        for client in CLIENTS:
            rec = self.measure(client, 200, min(self.n, 1_000_000))
            log(f"warm-up {client:11s} echo p99 {rec['p99']:.2f} ms, flood {rec['mbps']:.2f} MB/s")
        log("warm-up done")

    # -- one run -----------------------------------------------------------------------------------

    def measure(self, client, keys, n):
        if client == "ssh":
            return self.ssh_run(keys, n)
        self.open_page(client)
        try:
            lat = self.page_echo(keys)
            secs, x, timed_out = self.page_flood(n)
        finally:
            self.close_page(client)
        return self.figures(lat, n, secs, x, timed_out)

    def figures(self, lat, n, secs, x, timed_out):
        return {"p50": pct(lat, 50), "p99": pct(lat, 99), "keys": len(lat), "mb": n / 1e6, "secs": secs,
                "mbps": x / 1e6 / secs, "x": x, "timed_out": timed_out}

    def ssh_run(self, keys, n):
        b = self.b
        t = b.connect("yucon", GUEST)
        try:
            lat = b.echo(t, GUEST, keys)
            [(secs, x, _)], _ = b.flood([t], GUEST, n, self.timeout)
        finally:
            b.disconnect("yucon", t)
        time.sleep(0.5)   # the gateway detaches the closed channel before the next client attaches
        return self.figures(lat, n, secs if secs is not None else self.timeout, x, secs is None)

    def open_page(self, client):
        d = self.browser
        if client == "web":
            d.get(f"https://127.0.0.1:{self.web_port}/console/{GUEST}")
            d.until("the console attached", "return document.getElementById('console-state').textContent"
                    " === 'attached' && typeof term !== 'undefined'")
            d.js(XTERM_JS)
        else:
            d.get(f"https://127.0.0.1:{self.sib_port}/")
            d.until("shellinabox's terminal", "return !!window.shellinabox")
            d.js(SHELLINABOX_JS)
            d.js("document.body.click(); if (window.shellinabox.input) window.shellinabox.input.focus();")
        time.sleep(0.3)
        self.prompt()

    def prompt(self):
        """Enter until the shell's prompt is the last thing shown (after a flood that timed out: once it ended)."""
        d = self.browser
        deadline = time.monotonic() + 120
        while True:
            d.key("\r")
            try:
                d.until("the shell's prompt", PROMPT_JS, timeout=3)
                return
            except Timeout:
                if time.monotonic() > deadline:
                    raise Timeout(f"no prompt in the page: {d.js('return window.__bench.text')!r}")

    def close_page(self, client):
        self.browser.get("about:blank")
        if client == "shellinabox":
            # shellinaboxd keeps a session a while after its page left; its ssh client goes now, by pid.
            for pid in descendants(self.sib.pid):
                try:
                    cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[0]
                except OSError:
                    continue
                if cmd == b"ssh":
                    self.b.procs.stop(pid, start=None, tree=False)
        time.sleep(0.5)   # the gateway detaches the closed socket/channel before the next client attaches

    def page_echo(self, keys):
        """As the harness's SSH echo: `#` (the line is a comment), up to 50 keys, Enter, the prompt; again."""
        d = self.browser
        lat = []
        i = 0
        while len(lat) < keys:
            d.key("#")
            for _ in range(min(50, keys - len(lat))):
                k = KEYS[i % len(KEYS)]
                i += 1
                d.js("window.__bench.arm(arguments[0])", k)
                d.key(k)
                ms = d.js_async("window.__bench.wait(arguments[arguments.length - 1])")
                if ms is None:
                    raise Timeout(f"key {k!r} did not echo in the page within 5 s: "
                                  f"{d.js('return window.__bench.text')[-200:]!r}")
                lat.append(ms)
            d.js("window.__bench.text = ''")
            d.key("\r")
            d.until("the prompt after Enter", PROMPT_JS, timeout=10, every=0.01)
        return lat

    def page_flood(self, n):
        d = self.browser
        cmd = self.b.workloads[GUEST].flood_command(n).decode()
        d.type(cmd)
        try:
            d.until("the flood command's echo", f"return window.__bench.text.includes({cmd[-6:]!r})", timeout=10,
                    every=0.02)
        except Timeout as e:
            raise Timeout(f"{e}: {d.js('return window.__bench.text')[-300:]!r}") from None
        d.js("window.__bench.flood = {x: 0, t0: null, t1: null, tail: ''}")
        d.key("\r")
        deadline = time.monotonic() + self.timeout
        f = None
        while time.monotonic() < deadline:
            f = d.js("return window.__bench.flood")
            if f["t1"] is not None:
                break
            time.sleep(0.1)
        timed_out = f["t1"] is None
        if timed_out:
            d.cdp("Input.dispatchKeyEvent", {"type": "keyDown", "key": "c", "code": "KeyC", "modifiers": 2,
                                             "windowsVirtualKeyCode": 67})   # Ctrl-C stops the flood
            f = d.js("return window.__bench.flood")
        d.js("window.__bench.flood = null; window.__bench.text = ''")
        if not timed_out:
            d.key("\r")
            d.until("the prompt after the flood", PROMPT_JS, timeout=60, every=0.1)
        # else the page's backlog goes with the page (close_page); the next client waits for the prompt
        secs = ((f["t1"] if not timed_out else f["t0"] + self.timeout * 1000) - f["t0"]) / 1000
        return secs, f["x"], timed_out

    def close(self):
        if self.browser:
            self.browser.close()


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def report(runs, command):
    r = runs.results
    rounds = len(r["web"])
    lines = [f"### The console in the browser (issue 21): `{command}`", "",
             f"- Machine: {machine()}; load average (1 min) {' -> '.join(runs.load)} (other helpers' tests ran "
             "beside it: ratios within a round are the figures to trust)",
             f"- One real UML guest (`{GUEST}`, 64M, logged in as root), one client attached at a time; {rounds} rounds, "
             f"in each every client once, order alternating ({', '.join(CLIENTS)} / reversed), after one unmeasured "
             f"run of each. Echo: {runs.keys} keys a run; flood: {runs.n / 1e6:.0f} MB of `x` "
             "(`head -c N /dev/zero | tr '\\0' x`), timed from Enter to the end marker parsed by the terminal "
             f"(timeout {runs.timeout:.0f} s, then credited with what it parsed)",
             "- `web`: yucon's page in headless Chromium (Debian), keys through DevTools Input.dispatchKeyEvent, timed "
             "in the page from keydown to xterm.js having parsed the echo; `ssh`: `ssh -tt` on a pty (the main bench's "
             "yucon peer), timed from the write to the pty to the echo's read; `shellinabox`: Debian's shellinaboxd "
             "(HTTPS) in the same Chromium, its session running the same `ssh -tt ... console` to the same gateway, "
             "timed as `web` (to its VT100.vt100 having parsed the echo)", "",
             "| client | echo p50 ms | echo p99 ms | p99 worst round | flood MB/s | worst round | x parsed of sent "
             "(all rounds) |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for c in CLIENTS:
        recs = r[c]
        if not recs:
            continue
        lines.append(f"| {c} | {median([x['p50'] for x in recs]):.2f} | {median([x['p99'] for x in recs]):.2f} | "
                     f"{max(x['p99'] for x in recs):.2f} | {median([x['mbps'] for x in recs]):.2f} | "
                     f"{min(x['mbps'] for x in recs):.2f} | {sum(x['x'] for x in recs)} of "
                     f"{int(sum(x['mb'] for x in recs) * 1e6)}"
                     f"{'; ' + str(sum(x['timed_out'] for x in recs)) + ' timed out' if any(x['timed_out'] for x in recs) else ''} |")
    pairs = list(zip(r["web"], r["ssh"], r["shellinabox"]))
    if pairs:
        vs_ssh = [w["p99"] / s["p99"] for w, s, _ in pairs]
        vs_peer = [w["p99"] / p["p99"] for w, _, p in pairs]
        flood = [w["mbps"] / p["mbps"] for w, _, p in pairs]
        lines += ["", "| target | per round | met? |", "| --- | --- | --- |",
                  f"| browser echo p99 within 1.5x of yucon's SSH echo p99 | web/ssh {', '.join(f'{v:.2f}' for v in vs_ssh)} "
                  f"| {'met' if median(vs_ssh) <= 1.5 else '**missed**'} (median {median(vs_ssh):.2f}; "
                  f"{sum(v <= 1.5 for v in vs_ssh)} of {len(vs_ssh)} rounds) |",
                  f"| browser echo p99 below the peer's | web/shellinabox {', '.join(f'{v:.2f}' for v in vs_peer)} "
                  f"| {'met' if all(v < 1 for v in vs_peer) else '**missed**'} ({sum(v < 1 for v in vs_peer)} of "
                  f"{len(vs_peer)} rounds) |",
                  f"| flood throughput at least the peer's, every round | web/shellinabox "
                  f"{', '.join(f'{v:.2f}' for v in flood)} | {'met' if all(v >= 1 for v in flood) else '**missed**'} |"]
    return "\n".join(lines)
