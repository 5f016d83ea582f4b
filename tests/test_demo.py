"""The newcomer's first command works: ``python -m figwire demo``, then ``inspect``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import figwire


def test_demo_packs_writes_and_unpacks_live(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "figwire", "demo", "--out", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "live=True" in done.stdout and "application/vnd.figwire.pickle" in done.stdout
    for name in ("demo.fgw", "demo-fallback.png", "demo-live.png"):
        assert (tmp_path / name).stat().st_size > 0
    shown = subprocess.run(
        [sys.executable, "-m", "figwire", "inspect", str(tmp_path / "demo.fgw")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0 and f"figwire format {figwire.FORMAT_VERSION[0]}.{figwire.FORMAT_VERSION[1]}" in shown.stdout
