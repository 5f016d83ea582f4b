"""figwire._gui against real Tk and Qt windows on a private Xvfb.

Each test runs a scenario from gui_support.py in its own interpreter (one toolkit per
process) and asserts on the JSON it prints. Pixel checks compare the GUI canvas's Agg
buffer *and* the X server's screen with an independent Agg render of the same pickle.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest
from gui_support import CANVAS, run_scenario, xvfb

HAVE_TK = importlib.util.find_spec("_tkinter") is not None
HAVE_QT = any(importlib.util.find_spec(m) is not None
              for m in ("PyQt6", "PySide6", "PyQt5", "PySide2"))
TK = pytest.param("TkAgg", marks=pytest.mark.skipif(not HAVE_TK, reason="no tkinter"))
QT = pytest.param("QtAgg", marks=pytest.mark.skipif(not HAVE_QT, reason="no Qt binding"))


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    with xvfb() as name:
        yield name


@pytest.mark.gui
@pytest.mark.parametrize("backend", [TK, QT])
@pytest.mark.parametrize("client", ["same", "agg"])
def test_show_live_opens_the_same_figure(display: str, backend: str, client: str) -> None:
    """`client`: the client's own figures 1 and 5 were made on `backend` (no switch) or
    on Agg (a switch, which closed open figures before matplotlib 3.10)."""
    r = run_scenario("live", backend, display, client=client)
    assert r["canvas"] == CANVAS[backend.lower()]
    assert r["mapped"] and r["visible"] and r["toolbar_shown"]
    assert r["toolbar"].startswith("NavigationToolbar2")
    assert r["zoom_works"]
    assert r["pixel_ratio"] == 1
    assert r["buffer_diff"] == 0
    assert r["screen_diff"] == 0
    assert r["label"] == r["title"] == "received: sine"
    assert r["fignums"] == [1, 5, 6] and r["number"] == 6 and r["current"]
    assert r["client_kept"] == [True, True]
    assert not [w for w in r["warnings"] if "close" in w.lower()]


@pytest.mark.gui
@pytest.mark.parametrize("backend", [TK, QT])
def test_show_image_native_pixels(display: str, backend: str) -> None:
    r = run_scenario("image", backend, display, client="agg")
    assert r["canvas"] == CANVAS[backend.lower()]
    assert r["size"] == [257, 113]  # 113 / 100 * 100 < 113: see _exact_dpi
    assert r["mapped"] and r["visible"]
    assert r["buffer_diff"] == 0
    assert r["screen_diff"] == 0
    assert r["title"] == "fallback: noise"
    assert r["registered"] and r["fignums"] == [1, 5, 6]
    assert r["client_kept"] == [True, True]
    if "svg_error" in r:
        assert "cairosvg" in r["svg_error"]
    else:  # rasterised at 100 dpi: the size of the PNG the figure saves at 100 dpi
        assert r["svg_size"] == [413, 307]


@pytest.mark.gui
@pytest.mark.parametrize("backend", [TK, QT])
@pytest.mark.parametrize("bad_display", [None, ":59999"], ids=["no-DISPLAY", "dead-DISPLAY"])
def test_unavailable_display_leaves_pyplot_alone(backend: str, bad_display: str) -> None:
    r = run_scenario("unavailable", backend, bad_display)
    assert all(r["errors"]), r["errors"]
    assert r["managed_refused"]  # a figure that already has a manager: ValueError
    assert r["unchanged"] and r["current"]
    assert r["detached"] == "FigureCanvasBase"
    assert r["client_kept"] == [True, True]


@pytest.mark.gui
@pytest.mark.parametrize("backend, others", [
    pytest.param("QtAgg", ["TkAgg", "agg"], id="qt-running-refuses-tk",
                 marks=pytest.mark.skipif(not (HAVE_QT and HAVE_TK), reason="needs Tk+Qt")),
    pytest.param("TkAgg", ["agg"], id="tk-refuses-agg",
                 marks=pytest.mark.skipif(not HAVE_TK, reason="no tkinter")),
])
def test_refused_backend_leaves_pyplot_alone(display: str, backend: str, others: list) -> None:
    """Another toolkit while Qt's app exists, or a backend with no window, is refused."""
    r = run_scenario("refused", backend, display, others=others)
    assert all(r["errors"].values()), r["errors"]
    assert all(r["detached"])
    assert r["unchanged"] and r["first_alive"]
    assert r["client_kept"] == [True, True]


@pytest.mark.gui
@pytest.mark.parametrize("backend", [TK, QT])
def test_window_failure_half_way_is_undone(display: str, backend: str) -> None:
    r = run_scenario("broken", backend, display)
    assert r["error"] and "simulated failure" in r["error"]
    assert r["restored"] and r["unchanged"]
    assert r["client_kept"] == [True, True]


# ------------------------------------------------------- no window needed (no gui mark)


@pytest.mark.parametrize("dpi", [72, 96, 100, 150, 200.5])
def test_exact_dpi_survives_the_canvas_resize_arithmetic(dpi: float) -> None:
    from figwire._gui import _exact_dpi

    assert 113 / 100 * 100 < 113  # why: matplotlib <= 3.10 would make 112 pixels
    for width, height in [(113, 29), (257, 113), (1, 1), (4099, 3001)]:
        exact = _exact_dpi(dpi, width, height)
        assert abs(exact - dpi) < 1e-9 * dpi
        assert width / exact * exact == width and height / exact * exact == height


@pytest.mark.parametrize("data, media_type, match", [
    (b"not a png", "image/png", "cannot decode"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/png", "cannot decode"),
    (b"\x89PNG", "image/jpeg", "only image/png"),
])
def test_show_image_rejects_bad_data_before_any_window(
        data: bytes, media_type: str, match: str) -> None:
    from figwire._gui import show_image

    with pytest.raises(ValueError, match=match):
        show_image(data, media_type, "TkAgg", title="t")
