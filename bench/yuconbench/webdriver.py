"""Debian's chromedriver and headless Chromium over the W3C WebDriver HTTP API, without Selenium for Python (not
installed here; the JUnit tests use Selenium for Java). Keys go in through the DevTools protocol
(Input.dispatchKeyEvent, chromedriver's goog/cdp/execute): Chromium's own input pipeline, as a keyboard's keys,
to whatever element has the focus. Belongs to the harness's one thread."""
import json
import tempfile
import time
import urllib.error
import urllib.request

from .procs import Timeout, free_port, wait_port

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHIFT = 8
# Windows virtual key codes of a US layout (a terminal reads them: 45, '-' as a code, is Insert), and Shift.
PUNCTUATION = {"-": (189, False), "_": (189, True), "'": (222, False), '"': (222, True), "#": (51, True),
               "$": (52, True), "(": (57, True), ")": (48, True), "*": (56, True), "+": (187, True),
               "=": (187, False), "|": (220, True), "\\": (220, False), ";": (186, False), ":": (186, True),
               "/": (191, False), ".": (190, False), ",": (188, False)}


class WebDriver:
    def __init__(self, procs, width=1200, height=800):
        self.procs = procs
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="yucon-bench-chromium-")
        self.driver = procs.start([CHROMEDRIVER, f"--port={self.port}"], stdout=open("/dev/null", "w"),
                                  stderr=open("/dev/null", "w"))
        wait_port(self.port)
        caps = {"browserName": "chrome", "acceptInsecureCerts": True, "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={self.profile}", f"--window-size={width},{height}"]}}
        self.session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["sessionId"]
        self.call("POST", f"/session/{self.session}/timeouts", {"script": 120_000})

    def call(self, method, path, body=None, timeout=180):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.read()[:500]!r}") from None

    def s(self, path):
        return f"/session/{self.session}{path}"

    def get(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def url(self):
        return self.call("GET", self.s("/url"))

    def js(self, script, *args):
        return self.call("POST", self.s("/execute/sync"), {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        """The script's last argument is the callback that returns its value."""
        return self.call("POST", self.s("/execute/async"), {"script": script, "args": list(args)})

    def cdp(self, cmd, params):
        return self.call("POST", self.s("/goog/cdp/execute"), {"cmd": cmd, "params": params})

    def key(self, ch):
        """One key as a US keyboard gives it: keyDown (with its text) and keyUp, to the focused element."""
        if ch == "\r":
            down = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"}
        elif ch.isalnum() or ch == " ":
            down = {"key": ch, "text": ch, "windowsVirtualKeyCode": ord(ch.upper()),
                    "code": "Space" if ch == " " else f"Key{ch.upper()}" if ch.isalpha() else f"Digit{ch}"}
            if ch.isupper():
                down["modifiers"] = SHIFT
        else:
            vk, shift = PUNCTUATION[ch]
            down = {"key": ch, "text": ch, "windowsVirtualKeyCode": vk, **({"modifiers": SHIFT} if shift else {})}
        self.cdp("Input.dispatchKeyEvent", {"type": "keyDown", **down})
        self.cdp("Input.dispatchKeyEvent", {"type": "keyUp", **{k: v for k, v in down.items() if k != "text"}})

    def type(self, text):
        for ch in text:
            self.key(ch)

    def until(self, what, script, timeout=30.0, every=0.05):
        """Polls a script until it returns something true; returns that."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(script)
            if value:
                return value
            if time.monotonic() > deadline:
                raise Timeout(f"the browser: {what} not within {timeout:.0f} s")
            time.sleep(every)

    def close(self):
        try:
            self.call("DELETE", self.s(""), timeout=20)
        except Exception:
            pass
        self.procs.stop(self.driver.pid)
