"""A single etcd member on free loopback ports, for the Python tests that keep runs in etcd.

The binary is ``OLVM_DR_ETCD_BIN``, else ``etcd`` on the PATH (Debian's ``etcd-server``, which
``.ci/run`` installs). The member's data lives in a temporary directory removed with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator


def etcd_binary() -> str | None:
    """The etcd binary to start, or ``None`` when there is none."""
    return shutil.which(os.environ.get("OLVM_DR_ETCD_BIN", "etcd"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(client: str) -> bool:
    try:
        with urllib.request.urlopen(f"{client}/health", timeout=1) as answer:
            return json.load(answer).get("health") == "true"
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def etcd_member(within: float = 30.0) -> Iterator[str]:
    """Starts a one-member cluster and yields its endpoint, ``127.0.0.1:PORT``; stops it
    (SIGKILL) at the end. Fails with the member's log when it is not healthy ``within``
    seconds."""
    binary = etcd_binary()
    if binary is None:
        raise RuntimeError("no etcd binary: install etcd-server or set OLVM_DR_ETCD_BIN")
    with tempfile.TemporaryDirectory(prefix="olvm-dr-etcd-") as home:
        client, peer = _free_port(), _free_port()
        client_url, peer_url = f"http://127.0.0.1:{client}", f"http://127.0.0.1:{peer}"
        log_path = os.path.join(home, "etcd.log")
        with open(log_path, "wb") as log:
            member = subprocess.Popen(
                [
                    binary,
                    "--name", "m0",
                    "--data-dir", os.path.join(home, "data"),
                    "--listen-client-urls", client_url,
                    "--advertise-client-urls", client_url,
                    "--listen-peer-urls", peer_url,
                    "--initial-advertise-peer-urls", peer_url,
                    "--initial-cluster", f"m0={peer_url}",
                    "--initial-cluster-state", "new",
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        try:
            deadline = time.monotonic() + within
            while not _healthy(client_url):
                if member.poll() is not None or time.monotonic() > deadline:
                    with open(log_path, encoding="utf-8", errors="replace") as text:
                        tail = text.read()[-3000:]
                    raise RuntimeError(f"etcd did not become healthy on {client_url}:\n{tail}")
                time.sleep(0.1)
            yield f"127.0.0.1:{client}"
        finally:
            member.kill()
            member.wait()
