#!/usr/bin/env python3
"""Writes profiles/failover-sidecar.order: the functions a failover sidecar runs, as linker sections.

Why: a resident page of code costs memory in every PostgreSQL pod, and the kernel maps code in
64 KiB windows around each page it faults in. Linked in source order, the ~1.5 MB of code a
sidecar runs is scattered over ~13 MB of text and keeps ~7 MB of it resident. `make sidecar`
compiles with one section per function and hands gold this list (`--section-ordering-file`), so
the functions that run sit side by side.

How: a real cluster (three supervisors with PostgreSQL, three sidecars, the kube-apiserver, as in
the failover benchmark) where every sidecar runs under valgrind's callgrind and streams to a
satellite (the grpcio one of the e2e tests), as in production. It goes through start, election, a
status command from the satellite, a PostgreSQL crash on the primary, a SIGTERM handover and the
status port. Callgrind
names every function that ran; each name becomes `.text.<name>`, together with the names of
functions gold folded into the same code (`--icf`), since only the kept section can be placed.
Functions with assembler-local names (`.L__unnamed_N`, `.Lobjectdestroy`: small thunks, 40 KB in
all) have no symbol to profile by, so every such section in the link map is listed.

Usage: scripts/sidecar-profile.py BINARY MAP   (as `make sidecar` writes them)
Needs valgrind. A function missing from the list still works: it is only placed with the cold code.
"""

from __future__ import annotations

import argparse
import collections
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))

from kube_fixture import kube_testenv  # noqa: E402
from sidecarcluster import Member, SidecarCluster  # noqa: E402
from sidecarsatellite import FakeSatellite  # noqa: E402

ORDER_FILE = REPO / "profiles" / "failover-sidecar.order"
# Long enough that a sidecar slowed down ~50x by valgrind still renews its lease in time.
TIMINGS = (30, 20, 3, 4)


def exercise(cluster: SidecarCluster, satellite: FakeSatellite) -> None:
    primary = cluster.wait_healthy(300)
    time.sleep(5)
    for member in cluster.members:
        member.status()
        member.metrics()
        satellite.wait_stream(member.name, 120)
        satellite.command(member.name, lambda command: command.status.SetInParent(), timeout=120)
    primary.kill_postgres()
    time.sleep(8)
    primary = cluster.wait_healthy(300)
    time.sleep(3)
    primary.terminate()
    primary.wait_stopped(120)
    primary.start()
    cluster.wait_healthy(300)
    time.sleep(10)


def run_profiled(binary: Path, folder: Path) -> list[Path]:
    """Runs the scenario with each sidecar under callgrind; returns the profiles written."""
    wrapper = ["valgrind", "--tool=callgrind", "--demangle=no", "--compress-strings=no", "--compress-pos=no"]
    spawn = Member._spawn

    def profiled_spawn(member: Member, argv: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen:
        if argv[1] == "run":
            argv = [*wrapper, f"--callgrind-out-file={folder}/callgrind.{member.name}.%p", *argv]
        return spawn(member, argv, env, log_name)

    Member._spawn = profiled_spawn  # type: ignore[method-assign]
    token = secrets.token_hex(24)
    token_file = folder / "token"
    token_file.write_text(token + "\n")
    token_file.chmod(0o644)
    satellite = FakeSatellite(token)
    stream = ("--satellite-address", f"127.0.0.1:{satellite.port}", "--sidecar-stream-token-file", str(token_file))
    env = kube_testenv.start()
    try:
        cluster = SidecarCluster(env, binary, timings=TIMINGS, log_level="notice", sidecar_args=stream).start(300)
        try:
            exercise(cluster, satellite)
            # callgrind writes its profile when the process exits; SIGTERM is a clean exit.
            for member in cluster.members:
                if member.sidecar and member.sidecar.poll() is None:
                    member.sidecar.send_signal(signal.SIGTERM)
            for member in cluster.members:
                if member.sidecar:
                    member.sidecar.wait(120)
        finally:
            cluster.shutdown()
    finally:
        kube_testenv.stop(env.dir)
        satellite.stop()
        Member._spawn = spawn  # type: ignore[method-assign]
    return sorted(folder.glob("callgrind.*"))


def functions_run(profiles: list[Path], binary_name: str) -> list[str]:
    """Functions of the binary that ran, the most expensive first."""
    cost: collections.Counter[str] = collections.Counter()
    for profile in profiles:
        objekt = function = ""
        for line in profile.read_text(errors="replace").splitlines():
            if line.startswith("ob="):
                objekt = line[3:]
            elif line.startswith("fn="):
                # callgrind marks recursion depth as name'2
                function = line[3:].split("'")[0]
                if objekt.endswith(binary_name):
                    cost[function] += 0
            elif line[:1].isdigit() and function and objekt.endswith(binary_name):
                fields = line.split()
                if len(fields) >= 2:
                    cost[function] += int(fields[1])
    return [name for name, _ in cost.most_common() if not name.startswith("0x")]


def folded_names(binary: Path) -> dict[str, list[str]]:
    """For each function symbol, every function symbol at the same address (identical code folding)."""
    at: dict[str, list[str]] = collections.defaultdict(list)
    names: dict[str, str] = {}
    listing = subprocess.run(["nm", "--defined-only", str(binary)], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwW":
            at[fields[0]].append(fields[2])
            names[fields[2]] = fields[0]
    return {name: at[address] for name, address in names.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary", type=Path)
    parser.add_argument("map", type=Path, help="gold's link map of BINARY (-Map)")
    args = parser.parse_args()
    binary = args.binary.resolve()
    with tempfile.TemporaryDirectory(prefix="sidecar-profile.") as scratch:
        # valgrind 3.19 cannot read the DWARF 5 the Swift compiler writes; the symbol table is enough.
        plain = Path(scratch) / "failover-sidecar"
        subprocess.run(["objcopy", "--strip-debug", str(binary), str(plain)], check=True)
        profiles = run_profiled(plain, Path(scratch))
        if len(profiles) < 3:
            print(f"expected a profile from each of 3 sidecars, got {len(profiles)}", file=sys.stderr)
            return 1
        hot = functions_run(profiles, plain.name)
    folded = folded_names(binary)
    sections: list[str] = []
    seen: set[str] = set()
    for name in hot:
        for alias in [name, *folded.get(name, [])]:
            if alias not in seen:
                seen.add(alias)
                sections.append(f".text.{alias}")
    for line in args.map.read_text(errors="replace").splitlines():
        if line.startswith(" .text..L"):
            name = line.split()[0]
            if name[6:] not in seen:
                seen.add(name[6:])
                sections.append(name)
    ORDER_FILE.parent.mkdir(exist_ok=True)
    ORDER_FILE.write_text("\n".join(sections) + "\n")
    print(f"{len(hot)} functions ran; {len(sections)} sections written to {ORDER_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
