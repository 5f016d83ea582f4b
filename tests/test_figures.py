"""Checks on the shared figure corpus itself, so figwire tests can trust it.

Every CORPUS figure must build, pickle with the standard pickler and, once loaded, render
pixel-identical to the original, whether pickled before or after its first draw (drawing
adds ticks and caches to the pickled state). Every UNPICKLABLE figure must make the
standard pickler raise. Set FIGWIRE_BIG=1 to include the BIG figures.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

import figures
import numpy as np
import pytest
from matplotlib.figure import Figure

PROTOCOL = 5
# What the stdlib pickler raises for lambdas and local functions (AttributeError up to
# Python 3.13, PicklingError in others) and for C objects without pickle support (TypeError).
PICKLE_ERRORS = (pickle.PicklingError, AttributeError, TypeError)


class _RecordingUnpickler(pickle.Unpickler):
    """Notes every global the stream imports; a figure must never carry its canvas (test_pickle.py)."""

    def __init__(self, blob: bytes) -> None:
        super().__init__(io.BytesIO(blob))
        self.globals: set[tuple[str, str]] = set()

    def find_class(self, module: str, name: str) -> Any:
        self.globals.add((module, name))
        return super().find_class(module, name)


def _assert_same_pixels(expected: np.ndarray, actual: np.ndarray, what: str) -> None:
    assert actual.shape == expected.shape, f"{what}: size {actual.shape} != {expected.shape}"
    if not np.array_equal(actual, expected):
        differ = np.any(actual != expected, axis=-1)
        pytest.fail(
            f"{what}: {differ.mean():.3%} of pixels differ, max |diff| {np.abs(actual.astype(int) - expected).max()}"
        )


def test_skipped_figures_are_reported() -> None:
    """Show which figures this matplotlib cannot build, and why, in the test summary."""
    if figures.SKIPPED:
        pytest.skip("; ".join(f"{name}: {why}" for name, why in figures.SKIPPED.items()))


@pytest.mark.parametrize("name", list(figures.CORPUS))
def test_round_trip(name: str) -> None:
    fig = figures.CORPUS[name]()
    opened = [fig]
    try:
        assert isinstance(fig, Figure)
        assert figures.is_pyplot_managed(fig) == (name in figures.PYPLOT)
        if name in figures.PICKLE_FAILS:
            with pytest.raises(PICKLE_ERRORS):
                pickle.dumps(fig, PROTOCOL)
            pytest.xfail(figures.PICKLE_FAILS[name])
        undrawn = pickle.dumps(fig, PROTOCOL)
        first_render = figures.render_rgba(fig)
        drawn = pickle.dumps(fig, PROTOCOL)
        # Compare with the original's render at the same draw count: constrained layout
        # with subfigures places things differently on the first draw than on later ones.
        second_render = figures.render_rgba(fig)
        for label, blob, expected in (
            ("pickled before draw", undrawn, first_render),
            ("pickled after draw", drawn, second_render),
        ):
            unpickler = _RecordingUnpickler(blob)
            loaded = unpickler.load()
            opened.append(loaded)
            assert figures.is_pyplot_managed(loaded) == (name in figures.PYPLOT), label
            canvases = {n for _, n in unpickler.globals if n.startswith("FigureCanvas")}
            assert bool(canvases) == (name in figures.CANVAS_LEAKS), f"{label}: {canvases}"
            _assert_same_pixels(expected, figures.render_rgba(loaded), label)
    finally:
        for each in opened:
            figures.close(each)


@pytest.mark.parametrize("name", list(figures.UNPICKLABLE))
def test_unpicklable(name: str) -> None:
    fig = figures.UNPICKLABLE[name]()
    try:
        assert figures.is_pyplot_managed(fig) == (name in figures.PYPLOT)
        with pytest.raises(PICKLE_ERRORS):
            pickle.dumps(fig, PROTOCOL)
        assert figures.render_rgba(fig).shape == (240, 320, 4)  # the image fallback still works
    finally:
        figures.close(fig)


def test_deterministic() -> None:
    """Two builds of one factory render identically (a global RNG or clock would break this)."""
    for name in ("scatter_cbar", "dates", "dashboard"):
        first, second = figures.CORPUS[name](), figures.CORPUS[name]()
        _assert_same_pixels(figures.render_rgba(first), figures.render_rgba(second), name)


def test_render_rgba() -> None:
    fig = figures.CORPUS["lines"]()
    try:
        image = figures.render_rgba(fig)
        assert image.dtype == np.uint8 and image.shape == (240, 320, 4)
        assert figures.render_rgba(fig, dpi=40).shape == (120, 160, 4)
    finally:
        figures.close(fig)
    assert not figures.is_pyplot_managed(fig)


def test_catalogue() -> None:
    declared = {*figures.CORPUS, *figures.UNPICKLABLE, *figures.SKIPPED}
    assert len(figures.CORPUS) + len(figures.SKIPPED) >= 34 + len(figures.BIG)
    assert not set(figures.CORPUS) & set(figures.UNPICKLABLE)
    assert figures.BIG <= {*figures.CORPUS, *figures.SKIPPED}
    assert figures.PYPLOT <= declared
    assert {*figures.PICKLE_FAILS, *figures.CANVAS_LEAKS} <= set(figures.CORPUS)
    assert 0.4 <= len(figures.PYPLOT) / len(declared) <= 0.6
    assert all(figures.available(name) for name in (*figures.CORPUS, *figures.UNPICKLABLE))
    assert not any(figures.available(name) for name in figures.SKIPPED)
