"""End to end: ``unpack(frames, backend=...)`` opens a real window: live, or the fallback with its reason.

Each case runs in a child interpreter under a private Xvfb (one GUI toolkit per process).
The "other matplotlib minor" message is the same figure with its envelope's producer
version changed: the client decides from the envelope alone, so that is exactly what an
older kernel's message looks like to it (tools/xver.py exercises real cross-version
messages headless).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from gui_support import REPO, UNPACK_IN_WINDOW, xvfb

import figwire
from figwire import _codec

pytestmark = pytest.mark.gui


CANVAS = {"TkAgg": "FigureCanvasTkAgg", "QtAgg": "FigureCanvasQTAgg"}


def _message(
    tmp_path: Path, producer_matplotlib: str, parts: str = "pickle,scene,image/png", figure: str = "imshow_cbar"
) -> Path:
    code = (
        "import sys, matplotlib; matplotlib.use('Agg'); sys.path.insert(0, sys.argv[2]);"
        "import figures, figwire;"
        "frames = figwire.pack(figures.CORPUS[sys.argv[4]](), parts=sys.argv[3].split(','));"
        "open(sys.argv[1], 'wb').write(figwire.join(frames))"
    )
    path = tmp_path / "m.fgw"
    subprocess.run([sys.executable, "-c", code, str(path), str(REPO / "tests"), parts, figure], check=True)
    if producer_matplotlib != matplotlib.__version__:
        frames = figwire.split(path.read_bytes())
        header = figwire.inspect(frames)
        header = dataclasses.replace(header, producer={**header.producer, "matplotlib": producer_matplotlib})
        path.write_bytes(figwire.join([_codec.encode_envelope(header), *frames[1:]]))
    return path


def _run(path: Path, backend: str, display: str, figure: str = "imshow_cbar") -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "QT_QPA_PLATFORM")}
    env["DISPLAY"] = display
    env["MPLBACKEND"] = backend  # the client's own figure (made first) uses the same toolkit
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(REPO / "tests")])
    proc = subprocess.run(
        [sys.executable, "-c", UNPACK_IN_WINDOW, str(path), backend, figure],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr
    return json.loads(lines[-1][len("RESULT ") :])


def _backends():
    yield "TkAgg"
    try:
        import PySide6  # noqa: F401
    except ImportError:
        try:
            import PyQt6  # noqa: F401
        except ImportError:
            return
    yield "QtAgg"


@pytest.mark.parametrize("backend", list(_backends()))
def test_live_window_from_same_minor(tmp_path: Path, backend: str) -> None:
    same_minor_older_patch = ".".join(matplotlib.__version__.split(".")[:2] + ["0"])
    path = _message(tmp_path, same_minor_older_patch)
    with xvfb() as display:
        got = _run(path, backend, display)
    assert got["live"] and got["reason"] is None
    assert got["canvas"] == CANVAS[backend] and got["mapped"] and got["toolbar"]
    assert got["same_pixels"], "the window must draw the figure exactly"
    assert got["fignums"] == [3, 4], "the client's own figure keeps its number"


@pytest.mark.parametrize("backend", list(_backends()))
def test_scene_window_from_other_minor(tmp_path: Path, backend: str) -> None:
    """Another minor's message is live by its scene: a real window, toolbar zoom and home."""
    major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
    path = _message(tmp_path, f"{major}.{minor - 1}.8")
    with xvfb() as display:
        got = _run(path, backend, display)
    assert got["live"] and got["tier"] == "scene" and got["reason"] is None
    assert got["canvas"] == CANVAS[backend] and got["mapped"] and got["toolbar"]
    assert got["ssim"] >= 0.95, got["ssim"]
    assert got["zoom_works"], "the toolbar zooms the rebuilt axes and goes home"
    # another version lays text out with its own metrics: its PNG is no yardstick for this rebuild
    assert any("not compared with the producer's image (drawn by matplotlib" in n for n in got["notes"]), got["notes"]


@pytest.mark.parametrize("backend", list(_backends()))
def test_scene_window_from_this_version_is_compared_with_its_png(tmp_path: Path, backend: str) -> None:
    """An unsigned file from this very matplotlib (no pickle: the scene is live with no trust):
    the window's first draw is compared with the producer's PNG, and looks like it."""
    path = _message(tmp_path, matplotlib.__version__, parts="scene,image/png")
    with xvfb() as display:
        got = _run(path, backend, display)
    assert got["live"] and got["tier"] == "scene", got
    scores = [float(n.rsplit(" ", 1)[1].rstrip(")")) for n in got["notes"] if "looks like the producer's image" in n]
    assert scores and scores[0] >= 0.95, got["notes"]


def _with_png_of(path: Path, tmp_path: Path, figure: str) -> None:
    """Put another corpus figure's PNG (same size) in the message at ``path``, in place of its own:
    a scene whose rebuild does not look like the producer's image, as the consumer sees it."""
    other = _message(tmp_path / "other", matplotlib.__version__, parts="image/png", figure=figure)
    frames, png = figwire.split(path.read_bytes()), figwire.split(other.read_bytes())
    header = figwire.inspect(frames)
    part = header.fallbacks[0]
    (index,) = part.frames
    frames[index] = png[1]
    parts = tuple(dataclasses.replace(p, sizes=(len(png[1]),)) if p is part else p for p in header.parts)
    path.write_bytes(figwire.join([_codec.encode_envelope(dataclasses.replace(header, parts=parts)), *frames[1:]]))


@pytest.mark.parametrize("backend", list(_backends()))
def test_scene_unlike_the_producer_s_image_shows_the_image(tmp_path: Path, backend: str) -> None:
    """A rebuilt figure whose first draw does not look like the message's PNG is not shown live:
    the window shows the PNG, and the reason gives the score."""
    path = _message(tmp_path, matplotlib.__version__, parts="scene,image/png")
    (tmp_path / "other").mkdir()
    _with_png_of(path, tmp_path, "pie")
    with xvfb() as display:
        got = _run(path, backend, display)
    assert not got["live"] and got["tier"] == "image/png", got
    assert "does not look like the producer's image (likeness" in got["reason"]
    assert got["canvas"] == CANVAS[backend] and got["mapped"] and got["same_pixels"]
    assert "not live" in got["title"]
    assert 3 in got["fignums"] and len(got["fignums"]) == 2, "the rebuilt figure was closed again"


@pytest.mark.parametrize("backend", list(_backends()))
def test_3d_scene_window_turns_with_the_mouse(tmp_path: Path, backend: str) -> None:
    """A 3D figure from another minor opens live by its scene and turns under a mouse drag."""
    major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
    path = _message(tmp_path, f"{major}.{minor - 1}.8", figure="mixed3d")
    with xvfb() as display:
        got = _run(path, backend, display, figure="mixed3d")
    assert got["live"] and got["tier"] == "scene" and got["reason"] is None
    assert got["canvas"] == CANVAS[backend] and got["mapped"] and got["toolbar"]
    assert got["ssim"] >= 0.95, got["ssim"]
    assert got["mouse_turns"], "dragging turns the rebuilt 3D axes"


@pytest.mark.parametrize("backend", list(_backends()))
def test_fallback_window_from_other_minor(tmp_path: Path, backend: str) -> None:
    major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
    path = _message(tmp_path, f"{major}.{minor - 1}.8", parts="pickle,image/png")
    with xvfb() as display:
        got = _run(path, backend, display)
    assert not got["live"] and "minor" in got["reason"]
    assert got["canvas"] == CANVAS[backend] and got["mapped"]
    assert got["same_pixels"], "the fallback shows the PNG at its native pixel size"
    assert "not live" in got["title"] and "minor" in got["title"]
