"""The cross-version harness (tools/xver.py) on a reduced matrix, end to end.

Three environments give the two relations the full matrix is about: numpy 2 -> numpy 1
within one matplotlib (py312-mpl310-np22 -> py311-mpl310-np126, both 3.10.8) and
different matplotlib minors (3.9.4 <-> 3.10.8), where every pickle must be refused.
Missing environments are built from PyPI wheels (a few minutes on a fresh machine),
so the test needs pyenv (with Pythons 3.11 and 3.12) and the network; without those Pythons
it is skipped, naming what to install.

The figures cover the kinds of state that travel: plain lines, a colormapped image
with a colorbar, mplot3d, functions of the caller's own module (``secondary_axis``)
and date axes. Besides the harness's exit status, the report is checked for the
cells those relations must produce, so a harness that silently measured nothing
cannot pass.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest
from xver_support import missing_pythons

NUMPY2, NUMPY1, OTHER_MINOR = "py312-mpl310-np22", "py311-mpl310-np126", "py311-mpl39-np20"
_MISSING = missing_pythons((NUMPY2, NUMPY1, OTHER_MINOR))
pytestmark = [pytest.mark.xver, pytest.mark.skipif(_MISSING is not None, reason=str(_MISSING))]

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ("lines", "imshow_cbar", "surface3d", "secondary_axis", "dates", "hand_set_tickers", "figure_legend_outside",
           "spines_moved")  # fmt: skip


def _matrix(report: str) -> Dict[str, Dict[str, str]]:
    """The default-pack table of the report as {producer: {consumer: cell}}."""
    lines = report.split("## Matrix", 1)[1].split("\n## ", 1)[0].splitlines()
    table = [[c.strip().strip("*") for c in line.strip("|").split("|")] for line in lines if line.startswith("| ")]
    header, rows = table[0], table[1:]
    return {row[0]: dict(zip(header[1:], row[1:])) for row in rows}


def test_reduced_matrix_passes(tmp_path: Path) -> None:
    out = tmp_path / "xver.md"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "xver.py"),
            "--envs",
            f"{OTHER_MINOR},{NUMPY1},{NUMPY2}",
            "--figures",
            ",".join(FIGURES),
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"exit status {done.returncode}\n{done.stdout}\n{done.stderr}"
    report = out.read_text()
    assert "**Result: PASS.**" in report
    cells = _matrix(report)
    n = len(FIGURES)
    assert cells[NUMPY2][NUMPY1] == f"{n}=", "numpy 2 -> numpy 1 within matplotlib 3.10.8 must load live and identical"
    for env in (NUMPY1, NUMPY2, OTHER_MINOR):
        assert cells[env][env] == f"{n}="
    for a, b in ((OTHER_MINOR, NUMPY1), (NUMPY1, OTHER_MINOR), (OTHER_MINOR, NUMPY2), (NUMPY2, OTHER_MINOR)):
        assert cells[a][b] == f"{n}F", f"{a} -> {b} crosses matplotlib minors: every pickle must be refused"
    scene = _matrix(report.split("## Matrix: the scene tier", 1)[1].join(["## Matrix", ""]))
    for a, b in ((OTHER_MINOR, NUMPY1), (NUMPY1, OTHER_MINOR), (OTHER_MINOR, NUMPY2), (NUMPY2, OTHER_MINOR)):
        assert scene[a][b] == f"{n}S", f"{a} -> {b}: live by scene with no key, the 3D figure too"

