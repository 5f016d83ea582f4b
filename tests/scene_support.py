"""Judging a scene-rebuilt figure: SSIM against a native render, and zoom liveness.

Shared by ``tests/test_scene.py`` and the cross-version harness's workers
(``tools/xver_scene.py``), which run in environments that have numpy and matplotlib
but not scikit-image: ``ssim`` is a numpy transcription of scikit-image's
``structural_similarity`` defaults (7x7 uniform window, K1 = 0.01, K2 = 0.03, sample
covariance, data range 255, the mean over windows inside the image), checked against
scikit-image itself in ``tests/test_scene.py``. Imports on Python 3.9 with numpy >= 1.20.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

#: The share of figures that must reach this SSIM, per pair of matplotlib minors.
SSIM_GOOD = 0.95


def _ssim_channel(x: np.ndarray, y: np.ndarray, win: int = 7) -> float:
    from numpy.lib.stride_tricks import sliding_window_view

    def mean(z: np.ndarray) -> np.ndarray:
        return sliding_window_view(z, (win, win)).mean(axis=(-1, -2))

    norm = win * win / (win * win - 1.0)
    ux, uy = mean(x), mean(y)
    vx = norm * (mean(x * x) - ux * ux)
    vy = norm * (mean(y * y) - uy * uy)
    vxy = norm * (mean(x * y) - ux * uy)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return float(s.mean())


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of the RGB channels of two H x W x 4 uint8 renders; 0.0 if their sizes differ."""
    if a.shape != b.shape or min(a.shape[:2]) < 7:
        return 0.0
    a, b = a[..., :3].astype(np.float64), b[..., :3].astype(np.float64)
    return float(np.mean([_ssim_channel(a[..., c], b[..., c]) for c in range(3)]))


def _zoomable(ax: Any) -> bool:
    """Axes a user zooms: not a secondary axis (its view follows its parent's)."""
    return ax.name == "rectilinear" and ax.get_navigate() and ax.get_visible() and type(ax).__name__ != "SecondaryAxis"


def zoom(fig: Any) -> Dict[Tuple[float, ...], Optional[Tuple[Tuple[float, float], List[float], Tuple[float, ...]]]]:
    """Zoom every navigable rectilinear axes into the middle half of its x view, draw, and
    return, keyed by where each axes was drawn before (its pixel box), (xlim, x tick
    locations inside the view, box after)."""
    from figwire.scene import draw_for_scene
    from figwire.scene._describe import _all_axes

    draw_for_scene(fig)
    axes = _all_axes(fig)
    keys = [tuple(np.round(ax.bbox.bounds, 1)) for ax in axes]
    for ax in axes:
        if not _zoomable(ax):
            continue
        lo, hi = ax.get_xlim()
        if ax.get_xscale() == "log" and lo > 0 and hi > 0:
            lo, hi = np.log10(lo), np.log10(hi)
            ax.set_xlim(10 ** (lo + (hi - lo) / 4), 10 ** (hi - (hi - lo) / 4))
        else:
            ax.set_xlim(lo + (hi - lo) / 4, hi - (hi - lo) / 4)
    draw_for_scene(fig)
    out: Dict[Tuple[float, ...], Any] = {}
    for key, ax in zip(keys, axes):
        if not _zoomable(ax):
            out[key] = None
            continue
        lo, hi = sorted(ax.get_xlim())
        ticks = [float(t) for t in ax.get_xticks() if lo - 1e-9 * abs(hi - lo) <= t <= hi + 1e-9 * abs(hi - lo)]
        out[key] = (tuple(ax.get_xlim()), ticks, tuple(np.round(ax.get_position().bounds, 4)))
    return out


def _native_ticks(axis_doc: Dict[str, Any]) -> bool:
    """Whether the scene hands this axis over to a native locator a zoom can be compared with."""
    locator = axis_doc.get("locator", "default")
    return locator in ("auto", "log", "date", "multiple") or (
        locator == "default" and axis_doc.get("scale", "linear") != "function"
    )


def _pair_by_box(native: List[Tuple[float, ...]], rebuilt: List[Tuple[float, ...]]) -> Dict[Tuple[float, ...], Tuple[float, ...]]:
    """Each native axes' box paired with the nearest rebuilt one: the same figure's axes
    sit a pixel or two apart across matplotlib versions (their own layout engines), and
    child axes are listed in another order."""
    left = list(rebuilt)
    out = {}
    for box in native:
        nearest = min(left, key=lambda other: float(np.abs(np.subtract(box, other)).sum()))
        out[box] = nearest
        left.remove(nearest)
    return out


def zoom_problems(native: Any, rebuilt: Any, doc: Dict[str, Any]) -> List[str]:
    """What differs when both figures are zoomed alike: limits always; tick locations where
    the scene uses a native locator and the box is the same (a producer's layout engine
    or axes locator re-runs after a zoom, a scene's frozen positions do not)."""
    want, got = zoom(native), zoom(rebuilt)
    if len(want) != len(got):
        return [f"{len(got)} axes rebuilt, {len(want)} in the native figure"]
    pairs = _pair_by_box(list(want), list(got))
    problems = []
    for i, (key, w) in enumerate(want.items()):  # native order is the scene's order
        g = got[pairs[key]]
        if w is None or g is None:
            continue
        if not np.allclose(w[0], g[0], rtol=1e-9, atol=1e-12):
            problems.append(f"axes {i}: x limits {g[0]} after a zoom, native {w[0]}")
        elif w[2] == g[2] and _native_ticks(doc["figure"]["axes"][i].get("xaxis", {})):
            if len(w[1]) != len(g[1]) or not np.allclose(w[1], g[1]):
                problems.append(f"axes {i}: x ticks {g[1]} after a zoom, native {w[1]}")
    return problems


def mouse_turns_3d(fig: Any) -> bool:
    """Drag with the left button across a 3D axes, as a user turns it: its camera moves."""
    from matplotlib.backend_bases import MouseButton, MouseEvent

    ax = fig.axes[0]
    before = (ax.elev, ax.azim)
    (x0, y0), (x1, y1) = ax.transAxes.transform([(0.5, 0.5), (0.7, 0.6)])
    for name, x, y in [("button_press_event", x0, y0), ("motion_notify_event", x1, y1), ("button_release_event", x1, y1)]:
        fig.canvas.callbacks.process(name, MouseEvent(name, fig.canvas, x, y, MouseButton.LEFT))
    return (ax.elev, ax.azim) != before


def toolbar_zoom_works(fig: Any) -> bool:
    """Drag a zoom rectangle through the toolbar's handlers; then go home."""
    from matplotlib.backend_bases import MouseButton, MouseEvent

    toolbar, ax = fig.canvas.manager.toolbar, fig.axes[0]
    before = ax.get_xlim()
    toolbar.zoom()
    (x0, y0), (x1, y1) = ax.transAxes.transform([(0.3, 0.3), (0.6, 0.7)])
    for name, x, y in [("button_press_event", x0, y0), ("button_release_event", x1, y1)]:
        fig.canvas.callbacks.process(name, MouseEvent(name, fig.canvas, x, y, MouseButton.LEFT))
    zoomed = ax.get_xlim()
    toolbar.zoom()
    toolbar.home()
    return zoomed != before and ax.get_xlim() == before


def rebuilt_by_scene(fig: Any) -> Any:
    """``fig`` through a scene-only message with no key: the rebuilt figure, on an Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    import figwire

    result = figwire.unpack(figwire.pack(fig, parts=("scene",)))
    assert result.tier == "scene", result.reason
    FigureCanvasAgg(result.figure)
    return result.figure
