"""A real window from another environment: live from the same matplotlib minor, a fallback from another.

The consumer is the harness's matplotlib 3.10.8 / numpy 1.26 environment; producers are
3.10.8 / numpy 2.2 (same minor: a live Tk window, pixel-exact) and 3.9.4 (another minor:
the PNG fallback in a Tk window, the reason in its title). Environments come from
tools/xver.py's cache and are built from PyPI wheels when missing.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from gui_support import UNPACK_IN_WINDOW, xvfb
from xver_support import missing_pythons, xver

CONSUMER, SAME_MINOR, OTHER_MINOR = "py311-mpl310-np126", "py312-mpl310-np22", "py311-mpl39-np20"
_MISSING = missing_pythons((CONSUMER, SAME_MINOR, OTHER_MINOR))
pytestmark = [pytest.mark.gui, pytest.mark.xver, pytest.mark.skipif(_MISSING is not None, reason=str(_MISSING))]
ROOT = Path(__file__).resolve().parents[1]

PRODUCE = """
import sys, matplotlib
matplotlib.use("Agg")
import figures, figwire
frames = figwire.pack(figures.CORPUS["imshow_cbar"](), parts=sys.argv[2].split(","))
open(sys.argv[1], "wb").write(figwire.join(frames))
"""


@pytest.fixture(scope="module")
def pythons():
    specs = {s.name: s for s in xver.load_specs()}
    root = xver.pyenv_root()
    return {name: xver.ensure_env(specs[name], root).python for name in (CONSUMER, SAME_MINOR, OTHER_MINOR)}


def _env(**extra: str):
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "PYTHONPATH")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests")])
    env.update(extra)
    return env


DEFAULT = "pickle,scene,image/png"


@pytest.mark.parametrize(
    "producer, parts, tier",
    [(SAME_MINOR, DEFAULT, "pickle"), (OTHER_MINOR, DEFAULT, "scene"), (OTHER_MINOR, "pickle,image/png", "image/png")],
)
def test_window_from_another_environment(tmp_path: Path, pythons, producer: str, parts: str, tier: str) -> None:
    """Same minor: the pickle, pixel-identical. Another minor: live by scene (a real
    window of matplotlib 3.10 rebuilt from 3.9's scene, zoomable), or without a scene
    the image, saying why."""
    message = tmp_path / "m.fgw"
    subprocess.run([str(pythons[producer]), "-c", PRODUCE, str(message), parts], env=_env(), check=True, timeout=120)
    with xvfb() as display:
        done = subprocess.run(
            [str(pythons[CONSUMER]), "-c", UNPACK_IN_WINDOW, str(message), "TkAgg"],
            env=_env(DISPLAY=display, MPLBACKEND="TkAgg"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr
    got = json.loads(lines[-1][len("RESULT ") :])
    assert got["canvas"] == "FigureCanvasTkAgg" and got["mapped"] and got["tier"] == tier, got
    if tier == "pickle":
        assert got["same_pixels"], got
    elif tier == "scene":
        assert got["ssim"] >= 0.95 and got["zoom_works"] and got["reason"] is None, got
    else:
        assert got["same_pixels"] and "minor" in got["reason"] and "not live" in got["title"], got
