"""A small W3C WebDriver client (the standard library only) for chromedriver and headless Chromium."""

import base64
import json
import pathlib
import socket
import subprocess
import time
import urllib.error
import urllib.request


class WebDriverError(RuntimeError):
    """chromedriver answered with an error."""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Chrome:
    """One chromedriver process and one headless Chromium session; use it as a context manager."""

    def __init__(self, chromedriver, chromium, width=1400, height=1800):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [chromedriver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait_ready()
        capabilities = {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    f"--window-size={width},{height}",
                ],
            },
        }
        try:
            answer = self._call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        except BaseException:
            self.process.kill()
            raise
        self.session = answer["sessionId"]

    def _wait_ready(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/status", timeout=2) as r:
                    if json.load(r)["value"].get("ready"):
                        return
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        self.process.kill()
        raise WebDriverError("chromedriver did not become ready in 20 s")

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return json.load(r)["value"]
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")
            raise WebDriverError(f"{method} {path}: HTTP {e.code}: {detail[:500]}") from None

    def _session(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def open(self, url):
        """Navigates to `url` and waits for the page to load."""
        self._session("POST", "/url", {"url": url})

    def run(self, script, *args):
        """The value of synchronous JavaScript `script` (a function body) run with `args`."""
        return self._session("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        """The element `css` selects (the first one); fails when there is none."""
        element = self._session("POST", "/element", {"using": "css selector", "value": css})
        return next(iter(element.values()))

    def click(self, element):
        """Clicks `element` as a user would (scrolled into view first)."""
        self._session("POST", f"/element/{element}/click", {})

    def type(self, element, text):
        """Types `text` into `element`."""
        self._session("POST", f"/element/{element}/value", {"text": text})

    def clear(self, element):
        """Empties the input `element`."""
        self._session("POST", f"/element/{element}/clear", {})

    def console(self):
        """The browser's console entries since the last call (chromedriver's log endpoint)."""
        return self._session("POST", "/se/log", {"type": "browser"})

    def screenshot(self, path):
        """Saves a PNG of the viewport to `path`."""
        png = base64.b64decode(self._session("GET", "/screenshot"))
        pathlib.Path(path).write_bytes(png)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self._session("DELETE", "")
        except (OSError, WebDriverError):
            pass
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
