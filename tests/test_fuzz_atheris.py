"""A bounded run of the coverage-guided fuzzer (fuzz/fuzz_decode.py) in the default tests.

The long runs are ``tox -e fuzz``; this one proves the harness works on this machine and
that a few thousand mutated messages of each shape (joined, tampered signed, envelope,
pickle) give a result or a FigwireError: libFuzzer exits non-zero on any other exception,
on an input running over 20 s, or on 4 GB of memory.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris", reason="atheris is only installed on Linux (the test extra)")

HARNESS = Path(__file__).resolve().parents[1] / "fuzz" / "fuzz_decode.py"


def test_fuzzer_runs_clean_for_a_bounded_time(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            "-max_total_time=25",
            "-rss_limit_mb=4096",
            "-timeout=20",
            "-max_len=300000",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    tail = done.stderr[-3000:]
    assert done.returncode == 0, tail
    assert "Done " in tail and not list(tmp_path.glob("crash-*")) and not list(tmp_path.glob("timeout-*"))
    assert len(list(corpus.iterdir())) > 5  # seeds were written and the fuzzer found new inputs
