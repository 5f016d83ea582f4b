"""The benchmark scripts still run end to end (no timing is asserted: a benchmark that
cannot run is how a broken measurement goes unnoticed, as the transport benchmark did
when a pair's image half became live by its scene)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(args: List[str]) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600, cwd=BENCHMARKS.parent)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_the_codec_benchmark_runs() -> None:
    out = _run([str(BENCHMARKS / "bench.py"), "--quick", "--repeat", "1", "--only", "bytes,unpack"])
    assert "| line 1e6 |" in out and "correctness errors: 0" in out


def test_the_transport_benchmark_runs(tmp_path: Path) -> None:
    pytest.importorskip("zmq")
    out = _run([str(BENCHMARKS / "bench_transport.py"), "--repeat", "1", "--figures", "line 1e3", "--output", str(tmp_path / "r.md")])
    assert out.count("| line 1e3 |") == 2, out  # a latency row and a throughput row


def test_the_scene_benchmark_runs() -> None:
    out = _run([str(BENCHMARKS / "bench_scene.py"), "--quick", "--repeat", "1"])
    assert "| dashboard 3x3 |" in out
