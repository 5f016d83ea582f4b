"""Smoke test: the benchmark script runs (no timing assertions). ``pytest benchmarks/test_smoke.py``."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().with_name("bench.py")


def test_bench_quick_bytes_exits_0() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--only", "bytes"],
        capture_output=True, text=True, timeout=300, cwd=BENCH.parents[1],
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "| line 1e6 |" in done.stdout
