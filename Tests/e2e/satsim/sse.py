"""Reads a server-sent events endpoint of central in a thread, bounded in time."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.request


class EventStream:
    def __init__(self, url: str, token: str, timeout: float = 60):
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        self.response = urllib.request.urlopen(request, timeout=timeout)
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        self.lines: list[str] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for raw in self.response:
                with self.lock:
                    self.lines.append(raw.decode(errors="replace").rstrip("\n"))
        except Exception:  # noqa: BLE001  (closed by `close`, or timed out: the reader just stops)
            pass

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.lines)

    def wait_for(self, predicate, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if predicate(text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"server-sent events did not match within {timeout} s:\n{self.text()[-3000:]}")

    def close(self):
        # Shut the socket down first: closing the response alone would wait for the reader
        # thread, which is blocked reading a stream that never ends.
        sock = getattr(getattr(self.response.fp, "raw", None), "_sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=5)
        with contextlib.suppress(Exception):
            self.response.close()
