#!/usr/bin/env python3
"""Failover benchmark (`make bench`): our write outage measured the way spec/patroni-baseline.md
measured Patroni's, on the same kind of machine, with real processes (Tests/e2e/sidecarcluster.py):
three members, each `failover-sidecar supervise` (PostgreSQL) + `failover-sidecar run`, against the
real kube-apiserver.

Writer: one thread INSERTs a row every 100 ms (autocommit, connect_timeout=1, statement_timeout=2s)
through a libpq multi-host conninfo listing all three nodes with target_session_attrs=read-write; it
keeps its connection and reconnects after any error, logging every attempt.

Scenarios (each run: cluster healthy, writer 3 s + uniform(0, retry period), then the fault):
  (a) node loss: SIGKILL of the primary's sidecar, supervisor, postmaster and backends at once;
      outage = fault -> first acknowledged INSERT on another node. Then the old node's processes are
      restarted and `rejoin` = restart -> it streams from the new primary on its timeline.
  (b) PostgreSQL crash: SIGKILL of the postmaster and backends only; outage = fault -> first ack
      (on the same node: a failover would count as a failure of the scenario).
  (c) SIGTERM of the primary's sidecar and supervisor (a pod deletion); outage = fault -> first ack
      on another node; also the longest gap between acknowledged INSERTs (Patroni's switchover metric).
Every sidecar streams to a satellite (the grpcio one of the e2e tests) as in production, so its
resident set size, measured too, includes the stream. Figures are printed next to Patroni's and merged
into .bench/results.json under "failover". Usage: failover-bench.py BINARY [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import tempfile
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))

import psycopg  # noqa: E402
from kube_fixture import kube_testenv  # noqa: E402
from sidecarcluster import Member, SidecarCluster, wait_for  # noqa: E402
from sidecarsatellite import FakeSatellite  # noqa: E402

# Patroni 3.0.2 on this machine (spec/patroni-baseline.md): medians (min-max), seconds.
PATRONI = {
    "a_15s": "14.0 (12.7-14.9), tuned ttl 15",
    "a_5s": "6.3 (6.0-6.4), aggressive ttl 6",
    "a_default": "26.9 (25.9-29.7), default ttl 30",
    "rejoin": "9.2 (8.1-11.0) tuned / 6.8 (6.7-7.3) aggressive",
    "switchover": "1.51 (1.50-1.71) longest INSERT outage",
    "rss_kib": "~61,000",
}
PROFILES = {"15s": (15, 10, 2, 2), "5s": (5, 3, 1, 1)}


@dataclass
class Attempt:
    started: float
    ended: float
    ok: bool
    port: int | None


class Writer:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.attempts: list[Attempt] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._next_id = random.getrandbits(40) << 20

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        connection = None
        while not self._stop.is_set():
            started = time.monotonic()
            ok, port = False, None
            try:
                if connection is None or connection.closed:
                    connection = psycopg.connect(self.dsn, autocommit=True, options="-c statement_timeout=2000")
                    connection.execute("CREATE TABLE IF NOT EXISTS bench (id bigint PRIMARY KEY, at timestamptz DEFAULT now())")
                self._next_id += 1
                connection.execute("INSERT INTO bench (id) VALUES (%s)", (self._next_id,))
                ok, port = True, connection.info.port
            except psycopg.Error:
                if connection is not None:
                    connection.close()
                connection = None
            self.attempts.append(Attempt(started, time.monotonic(), ok, port))
            self._stop.wait(max(0.0, 0.1 - (time.monotonic() - started)))
        if connection is not None:
            connection.close()

    def first_ack_after(self, instant: float, port_not: int | None = None, port: int | None = None) -> float | None:
        for attempt in list(self.attempts):
            if attempt.ok and attempt.ended > instant:
                if port_not is not None and attempt.port == port_not:
                    continue
                if port is not None and attempt.port != port:
                    continue
                return attempt.ended
        return None

    def longest_gap(self, since: float) -> float:
        acks = [a.ended for a in self.attempts if a.ok and a.ended >= since - 1]
        return max((b - a for a, b in zip(acks, acks[1:])), default=0.0)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu_shares(cluster: SidecarCluster, seconds: float = 10) -> list[float]:
    """Each sidecar's CPU use in a quiet cluster, as a share of one core."""
    pids = [m.sidecar.pid for m in cluster.members if m.sidecar and m.sidecar.poll() is None]
    before = {pid: cpu_seconds(pid) for pid in pids}
    time.sleep(seconds)
    return [round((cpu_seconds(pid) - before[pid]) / seconds, 4) for pid in pids]


def memory_kib(pid: int) -> dict[str, int]:
    """RSS, and how it splits: PSS (shared pages divided among the processes mapping them: the
    supervisor runs the same binary) and private (anonymous) memory; and where the resident pages
    are: the sidecar's own binary, shared libraries (libpq and what it loads, OpenSSL, libc),
    anonymous memory (heap, stacks)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    binary = Path(f"/proc/{pid}/exe").resolve()
    where = {"binary": 0, "libraries": 0, "anonymous": 0}
    mapping = "anonymous"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and not head[0].endswith(":"):
            path = head[5] if len(head) > 5 else ""
            mapping = ("binary" if path == str(binary) else
                       "libraries" if path.startswith("/") else "anonymous")
        elif head and head[0] == "Rss:":
            where[mapping] += int(head[1])
    return {"rss": fields["Rss"], "pss": fields["Pss"], "private": fields.get("Anonymous", 0),
            **{f"rss_{key}": value for key, value in where.items()}}


def wait_streaming(cluster: SidecarCluster, member: Member, primary: Member, timeout: float) -> float:
    started = time.monotonic()
    timeline = primary.timeline()
    wait_for(lambda: member.is_streaming_from(primary) and member.timeline() == timeline, timeout, 0.05,
             f"{member.name} streaming from {primary.name}")
    return time.monotonic() - started


def settle(cluster: SidecarCluster, retry: float) -> Member:
    primary = cluster.wait_healthy(120)
    time.sleep(3)
    return primary


def run_failover(cluster: SidecarCluster, retry: float, results: dict, key: str) -> None:
    old = settle(cluster, retry)
    with Writer(cluster.multihost_dsn()) as writer:
        time.sleep(3 + random.uniform(0, retry))
        fault = time.monotonic()
        old.kill_all()
        ack = wait_for(lambda: writer.first_ack_after(fault, port_not=old.port), 120, 0.02, "a write on a new primary")
    outage = ack - fault
    new = wait_for(cluster.primary, 30, 0.05, "the new primary")
    old.start()
    rejoin = wait_streaming(cluster, old, new, 120)
    results.setdefault(key, []).append(outage)
    results.setdefault("rejoin_" + key, []).append(rejoin)
    print(f"  {key}: {old.name} -> {new.name}: outage {outage:.3f} s, old primary streaming again "
          f"{rejoin:.3f} s after its restart", flush=True)


def run_crash(cluster: SidecarCluster, retry: float, results: dict) -> None:
    primary = settle(cluster, retry)
    transitions = cluster.lease()["spec"].get("leaseTransitions", 0)
    with Writer(cluster.multihost_dsn()) as writer:
        time.sleep(3 + random.uniform(0, retry))
        fault = time.monotonic()
        primary.kill_postgres()
        ack = wait_for(lambda: writer.first_ack_after(fault), 60, 0.02, "a write after the crash")
        port = next(a.port for a in writer.attempts if a.ok and a.ended == ack)
    failover = port != primary.port or cluster.lease()["spec"].get("leaseTransitions", 0) != transitions
    results.setdefault("b", []).append(ack - fault)
    results.setdefault("b_failovers", []).append(1 if failover else 0)
    print(f"  b: {primary.name} restarted in place: outage {ack - fault:.3f} s, failover: {failover}", flush=True)


def run_sigterm(cluster: SidecarCluster, retry: float, results: dict) -> None:
    old = settle(cluster, retry)
    with Writer(cluster.multihost_dsn()) as writer:
        time.sleep(3 + random.uniform(0, retry))
        fault = time.monotonic()
        old.terminate()
        ack = wait_for(lambda: writer.first_ack_after(fault, port_not=old.port), 60, 0.02, "a write on a new primary")
        time.sleep(0.5)
        gap = writer.longest_gap(fault)
    old.wait_stopped(30)
    results.setdefault("c", []).append(ack - fault)
    results.setdefault("c_longest_gap", []).append(gap)
    print(f"  c: {old.name} handed over: outage {ack - fault:.3f} s, longest gap between acks {gap:.3f} s", flush=True)
    old.start()


def summary(values: list[float]) -> dict:
    return {"median_s": round(statistics.median(values), 3), "max_s": round(max(values), 3),
            "min_s": round(min(values), 3), "runs": len(values), "all_s": [round(v, 3) for v in values]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = kube_testenv.start()
    token = secrets.token_hex(24)
    token_file = Path(tempfile.mkdtemp(prefix="failover-bench.")) / "token"
    token_file.write_text(token + "\n")
    token_file.chmod(0o644)
    satellite = FakeSatellite(token)
    stream = ("--satellite-address", f"127.0.0.1:{satellite.port}", "--sidecar-stream-token-file", str(token_file))
    results: dict[str, list[float]] = {}
    rss: list[dict[str, int]] = []
    idle_cpu: list[float] = []
    began = time.monotonic()
    try:
        for name, timings in PROFILES.items():
            lease, renew, retry, fence = timings
            print(f"(a) node loss, lease {lease} s / renew {renew} s / retry {retry} s", flush=True)
            cluster = SidecarCluster(env, args.binary, timings=timings, log_level="notice",
                                     sidecar_args=stream).start(120)
            try:
                for _ in range(args.runs):
                    run_failover(cluster, retry, results, f"a_{name}")
                if name == "15s":
                    settle(cluster, retry)
                    idle_cpu += idle_cpu_shares(cluster)
                    rss += [memory_kib(m.sidecar.pid) for m in cluster.members if m.sidecar and m.sidecar.poll() is None]
                    print("(b) PostgreSQL crash on the primary", flush=True)
                    for _ in range(args.runs):
                        run_crash(cluster, retry, results)
                    print("(c) SIGTERM of the primary's pod", flush=True)
                    for _ in range(args.runs):
                        run_sigterm(cluster, retry, results)
                    rss += [memory_kib(m.sidecar.pid) for m in cluster.members if m.sidecar and m.sidecar.poll() is None]
            finally:
                cluster.shutdown()
    finally:
        kube_testenv.stop(env.dir)
        satellite.stop()
    figures = {key: summary(values) for key, values in results.items() if not key.startswith("b_failovers")}
    figures["b_failovers"] = sum(results.get("b_failovers", []))
    figures["sidecar_memory_kib"] = {
        kind: {"max": max(m[kind] for m in rss), "median": statistics.median(m[kind] for m in rss)}
        for kind in ("rss", "pss", "private", "rss_binary", "rss_libraries", "rss_anonymous")} if rss else None
    figures["sidecar_idle_cpu_share_of_one_core"] = {"max": max(idle_cpu), "all": idle_cpu} if idle_cpu else None
    figures["goals"] = {"a": "<= lease + 1 s", "b": "<= 3 s, no failover", "c": "<= 2 s",
                        "rejoin": "<= 8 s after restart", "rss": "<= 15 MB"}
    figures["patroni"] = PATRONI
    figures["bench_seconds"] = round(time.monotonic() - began, 1)
    print_table(figures)
    merge(figures)
    return 0


def print_table(figures: dict) -> None:
    def cell(key: str) -> str:
        entry = figures.get(key)
        return f"{entry['median_s']:.2f} (max {entry['max_s']:.2f})" if entry else "-"
    rows = [
        ("(a) node loss, 15 s lease", cell("a_15s"), "<= 16 s", PATRONI["a_15s"]),
        ("(a) node loss, 5 s lease", cell("a_5s"), "<= 6 s", PATRONI["a_5s"]),
        ("old primary streaming again (15 s)", cell("rejoin_a_15s"), "<= 8 s", PATRONI["rejoin"]),
        ("old primary streaming again (5 s)", cell("rejoin_a_5s"), "<= 8 s", PATRONI["rejoin"]),
        ("(b) PostgreSQL crash, in place", cell("b"), "<= 3 s", "(Patroni: not measured)"),
        ("(c) SIGTERM handover", cell("c"), "<= 2 s", PATRONI["switchover"]),
        ("(c) longest gap between acks", cell("c_longest_gap"), "", PATRONI["switchover"]),
    ]
    print("\nfailover write outage, seconds: median (max) of runs          goal       Patroni")
    for name, ours, goal, patroni in rows:
        print(f"  {name:38s} {ours:22s} {goal:10s} {patroni}")
    if figures.get("sidecar_memory_kib"):
        memory = figures["sidecar_memory_kib"]
        print(f"  sidecar memory, max: RSS {memory['rss']['max']} KiB (goal <= 15 MB; Patroni {PATRONI['rss_kib']} KiB), "
              f"PSS {memory['pss']['max']} KiB, private {memory['private']['max']} KiB")
        print(f"  sidecar RSS, median: binary {memory['rss_binary']['median']} KiB, shared libraries "
              f"{memory['rss_libraries']['median']} KiB, anonymous {memory['rss_anonymous']['median']} KiB")
    if figures.get("sidecar_idle_cpu_share_of_one_core"):
        print(f"  sidecar CPU in a quiet cluster: {figures['sidecar_idle_cpu_share_of_one_core']['max'] * 100:.1f} % of a core at most")
    print(f"  failovers during (b): {figures['b_failovers']}; bench took {figures['bench_seconds']} s")


def merge(figures: dict) -> None:
    directory = REPO / ".bench"
    directory.mkdir(exist_ok=True)
    path = directory / "results.json"
    try:
        everything = json.loads(path.read_text())
    except (OSError, ValueError):
        everything = {}
    figures["measured_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    everything["failover"] = figures
    path.write_text(json.dumps(everything, indent=2, sort_keys=True))
    print("  written to .bench/results.json (failover)")


if __name__ == "__main__":
    sys.exit(main())
