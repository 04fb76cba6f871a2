"""The web page's figures (issue 20): one gateway with one real guest, its page over HTTPS on loopback.

Measured: the page's load as a browser makes it (the HTML, its stylesheet and script, then /api/state, which fills
the guest table), 20 times on one logged-in session; the time from a guest's state change (the `since` the gateway
stamps on it) to the server-sent event that tells an open page, over boots and halts of the guest; and the gateway's
RSS with 100 open pages (event streams) against none. The HTTP client is Python's; what a browser then spends
drawing the table is not in these figures.
"""
import http.client
import json
import re
import ssl
import statistics
import subprocess
import threading
import time
import urllib.parse
from datetime import datetime

from yuconbench.figures import pct
from yuconbench.procs import Timeout, free_port, log, steady_rss_kb

GUEST = "w1"
PAGES = 100
LOADS = 20
CYCLES = 4


class Web:
    def __init__(self, bench):
        self.b = bench
        self.port = None
        self.cookie = None
        self.results = {}
        self.tls = ssl.create_default_context()
        # The gateway's self-signed certificate: the harness measures, it does not judge the certificate.
        self.tls.check_hostname = False
        self.tls.verify_mode = ssl.CERT_NONE

    def run(self):
        b = self.b
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(b.key)], check=True)
        b.gw_port = free_port()
        b.write_yucon_etc({GUEST: f'memory = "48M"\nshutdown_timeout = "30s"\n[[disk]]\nimage = "{b.image}"\n'
                                  f'cow = "{b.work / "state" / "cow" / (GUEST + ".cow")}"\n'})
        self.port = int(re.search(r"\[web\]\nport = (\d+)", (b.work / "etc" / "yucon.toml").read_text()).group(1))
        b.start_gateway()
        self.await_page()
        self.login()
        self.results["load"] = self.page_loads()
        self.results["push"] = self.state_pushes()
        self.results["memory"] = self.open_pages()

    def connection(self):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.tls, timeout=30)

    def headers(self, extra=None):
        h = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookie:
            h["Cookie"] = self.cookie
        h.update(extra or {})
        return h

    def get(self, conn, path):
        conn.request("GET", path, headers=self.headers())
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"GET {path}: {r.status} {body[:200]!r}")
        return body

    def await_page(self):
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = self.connection()
                conn.request("GET", "/login", headers=self.headers())
                conn.getresponse().read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise Timeout("the web page did not answer within 30 s")
                time.sleep(0.2)

    def login(self):
        conn = self.connection()
        body = urllib.parse.urlencode({"login": "admin", "password": "secret"})
        conn.request("POST", "/login", body=body, headers=self.headers({
            "Origin": f"https://127.0.0.1:{self.port}", "Content-Type": "application/x-www-form-urlencoded"}))
        r = conn.getresponse()
        r.read()
        cookie = r.getheader("Set-Cookie")
        if r.status not in (302, 303) or not cookie:
            raise RuntimeError(f"the web login failed: {r.status}")
        self.cookie = cookie.split(";")[0]

    def page_loads(self):
        """Milliseconds from the first byte asked to the guest table's data, the page's own requests in its order."""
        conn = self.connection()
        times = []
        for _ in range(LOADS):
            t0 = time.monotonic()
            html = self.get(conn, "/").decode()
            for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
                self.get(conn, asset)
            state = json.loads(self.get(conn, "/api/state"))
            times.append((time.monotonic() - t0) * 1000)
            if not any(g["name"] == GUEST for g in state["guests"]):
                raise RuntimeError(f"{GUEST} is not in the guest table: {state}")
        log(f"web: page loads {statistics.median(times):.1f} ms median")
        return {"n": len(times), "p50": pct(times, 50), "max": max(times), "first": times[0]}

    def state_pushes(self):
        """Over boots and halts: an event's arrival against the `since` of the state it brings."""
        delays = []
        seen = {}
        done = threading.Event()
        stream = self.open_stream()

        def read():
            data = ""
            while not done.is_set():
                line = stream.readline().decode()
                if not line:
                    return
                if line.startswith("data: "):
                    data = line[len("data: "):].strip()
                elif line.strip() == "" and data:
                    arrived = time.time()
                    for g in json.loads(data).get("guests", []):
                        key = (g["state"], g["since"])
                        if g["name"] == GUEST and seen.get(GUEST) != key:
                            seen[GUEST] = key
                            since = datetime.fromisoformat(g["since"].replace("Z", "+00:00")).timestamp()
                            delays.append((g["state"], (arrived - since) * 1000))
                    data = ""

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        for _ in range(CYCLES):
            self.verb_until("boot", "running")
            self.verb_until("shutdown --halt", "off")
        done.set()
        changes = [ms for state, ms in delays[1:]]
        log(f"web: {len(changes)} state changes pushed, median {statistics.median(changes):.1f} ms")
        return {"n": len(changes), "p50": pct(changes, 50), "max": max(changes),
                "states": sorted({state for state, _ in delays[1:]})}

    def verb_until(self, verb, state):
        r = self.b.yucon_verb(*verb.split(), GUEST)
        if r.returncode != 0:
            raise RuntimeError(f"{verb} {GUEST}: {r.stderr.strip()}")
        deadline = time.monotonic() + 90
        while state not in self.b.yucon_verb("status", GUEST).stdout:
            if time.monotonic() > deadline:
                raise Timeout(f"{GUEST} not {state} within 90 s")
            time.sleep(0.2)

    def open_stream(self):
        conn = self.connection()
        conn.request("GET", "/api/events", headers=self.headers({"Accept": "text/event-stream"}))
        r = conn.getresponse()
        if r.status != 200:
            raise RuntimeError(f"the event stream: {r.status}")
        return r

    def open_pages(self):
        gateway = self.b.gateway.pid
        before = steady_rss_kb(gateway)[0]
        streams = [self.open_stream() for _ in range(PAGES)]
        for s in streams:
            s.readline()
        after = steady_rss_kb(gateway)[0]
        for s in streams:
            s.close()
        log(f"web: gateway RSS {before / 1024:.0f} MB, {after / 1024:.0f} MB with {PAGES} open pages")
        return {"pages": PAGES, "before_mb": before / 1024, "after_mb": after / 1024,
                "per_page_kb": (after - before) / PAGES}


def report(results, command):
    lines = [f"### The web page (`{command} --web`)", "",
             "| figure | value |", "| --- | --- |"]
    load = results.get("load")
    if load:
        lines.append(f"| page load to the guest table's data (HTML, assets, /api/state), {load['n']} loads | "
                     f"p50 {load['p50']:.1f} ms, max {load['max']:.1f} ms, first {load['first']:.1f} ms |")
    push = results.get("push")
    if push:
        lines.append(f"| state change to the open page's event ({push['n']} changes: {', '.join(push['states'])}) | "
                     f"p50 {push['p50']:.1f} ms, max {push['max']:.1f} ms (target < 300 ms) |")
    memory = results.get("memory")
    if memory:
        lines.append(f"| gateway RSS with {memory['pages']} open pages | {memory['before_mb']:.0f} -> "
                     f"{memory['after_mb']:.0f} MB ({memory['per_page_kb']:.0f} KB a page) |")
    return "\n".join(lines)
