"""Writes continuously to every node of a cluster and records which nodes accept writes, when.

Every `interval` (50 ms) a round starts: one thread per node tries an INSERT of a unique id with a
short timeout. A node that commits "accepted a write" in that round. The split-brain invariant is
that no round ever has two accepting nodes. Acknowledged ids are kept per node, so a test can check
after a failover that no acknowledged write was lost.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import psycopg

SETUP_SQL = "CREATE TABLE IF NOT EXISTS pgswarm_checker (id bigint PRIMARY KEY, node text, at timestamptz DEFAULT now())"


@dataclass
class Round:
    started: float
    accepted: list[str] = field(default_factory=list)


class WriteChecker:
    def __init__(self, dsns: dict[str, str], interval: float = 0.05, timeout: float = 0.5) -> None:
        self.dsns = dsns
        self.interval = interval
        self.timeout = timeout
        self.rounds: list[Round] = []
        self.acknowledged: dict[str, list[int]] = {name: [] for name in dsns}
        # Ids are unique across checkers that share a table (a random 40-bit base per checker).
        self._ids = itertools.count(random.getrandbits(40) << 20)
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=len(dsns) + 1)
        self._connections: dict[str, psycopg.Connection | None] = {name: None for name in dsns}
        self._thread = threading.Thread(target=self._run, name="writechecker", daemon=True)

    def start(self) -> WriteChecker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self._pool.shutdown(wait=True)
        for connection in self._connections.values():
            if connection is not None:
                connection.close()

    def __enter__(self) -> WriteChecker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # What tests assert

    def split_brain_rounds(self) -> list[Round]:
        """Rounds in which more than one node accepted a write."""
        return [r for r in self.rounds if len(set(r.accepted)) > 1]

    def writers(self) -> list[str]:
        """The sequence of distinct accepting nodes over time (A, B, A ...)."""
        sequence: list[str] = []
        for r in self.rounds:
            for name in r.accepted:
                if not sequence or sequence[-1] != name:
                    sequence.append(name)
        return sequence

    def outages(self) -> list[tuple[float, float]]:
        """(start, end) of each period with no accepting node, in monotonic seconds."""
        gaps, start = [], None
        for r in self.rounds:
            if not r.accepted and start is None:
                start = r.started
            elif r.accepted and start is not None:
                gaps.append((start, r.started))
                start = None
        return gaps

    def last_accepting(self) -> str | None:
        for r in reversed(self.rounds):
            if r.accepted:
                return r.accepted[0]
        return None

    # Machinery

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            current = Round(started)
            futures = {self._pool.submit(self._try_write, name): name for name in self.dsns}
            wait(futures, timeout=self.timeout + 1)
            for future, name in futures.items():
                if future.done() and future.result():
                    current.accepted.append(name)
            self.rounds.append(current)
            elapsed = time.monotonic() - started
            self._stop.wait(max(0.0, self.interval - elapsed))

    def _try_write(self, name: str) -> bool:
        identifier = next(self._ids)
        try:
            connection = self._connections[name]
            if connection is None or connection.closed:
                connection = psycopg.connect(self.dsns[name], connect_timeout=1, autocommit=True,
                                             options=f"-c statement_timeout={int(self.timeout * 1000)}")
                connection.execute(SETUP_SQL)
                self._connections[name] = connection
            connection.execute("INSERT INTO pgswarm_checker (id, node) VALUES (%s, %s)", (identifier, name))
        except psycopg.Error:
            connection = self._connections.get(name)
            if connection is not None:
                connection.close()
            self._connections[name] = None
            return False
        self.acknowledged[name].append(identifier)
        return True
