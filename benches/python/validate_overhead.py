#!/usr/bin/env python3
"""How much the Python package costs over the olvm-dr command: offline validation of a
synthetic mapping file (2 000 entries by default, the benches crate's generator) by
``olvm_dr.validate(path)`` in this process, by a fresh ``python -c`` process, and by the
``olvm-dr validate --offline`` command. Prints the medians and the ratios, and exits 1 when the
in-process call takes more than 1.5 times the command.

Measure release builds (debug builds compare debug code with debug code)::

    cargo build --release -p olvm-dr-cli -p olvm-dr-benches --bin olvm-dr --bin synthetic-mapping
    (cd olvm-dr-py && maturin develop --release)
    python benches/python/validate_overhead.py \\
        --cli target/release/olvm-dr --synthetic target/release/synthetic-mapping
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import olvm_dr

LIMIT = 1.5


def median_seconds(run: Callable[[], object], runs: int) -> float:
    run()  # warm up: page cache, lazy initialisation
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cli", required=True, help="the olvm-dr binary")
    parser.add_argument("--synthetic", required=True, help="the synthetic-mapping binary")
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        directory = pathlib.Path(tmp)
        (directory / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
        path = directory / "vars.yml"
        path.write_bytes(subprocess.run([args.synthetic, str(args.entries)], check=True, capture_output=True).stdout)

        found = olvm_dr.validate(path)
        errors = [d for d in found if d.is_error]
        if errors:
            print(f"the synthetic mapping has errors: {errors[:3]}", file=sys.stderr)
            return 2
        command = [args.cli, "validate", "--offline", "--quiet", str(path)]
        subprocess.run(command, check=True, capture_output=True)
        cold = [sys.executable, "-c", f"import olvm_dr; olvm_dr.validate({str(path)!r})"]

        cli = median_seconds(lambda: subprocess.run(command, check=True, capture_output=True), args.runs)
        python = median_seconds(lambda: olvm_dr.validate(path), args.runs)
        process = median_seconds(lambda: subprocess.run(cold, check=True, capture_output=True), args.runs)
        size = path.stat().st_size

    print(f"offline validation of a {args.entries}-entry mapping ({size / 1024:.0f} KiB), median of {args.runs} runs")
    print(f"  olvm-dr validate --offline (process)   {cli * 1000:8.1f} ms")
    print(f"  olvm_dr.validate(path) (in process)    {python * 1000:8.1f} ms   {python / cli:4.2f}x")
    print(f"  python -c 'olvm_dr.validate(...)'      {process * 1000:8.1f} ms   {process / cli:4.2f}x")
    if python > LIMIT * cli:
        print(f"FAIL: the Python call takes more than {LIMIT}x the command", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
