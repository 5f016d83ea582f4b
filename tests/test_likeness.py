"""The consumer's check of a rebuilt scene against the producer's PNG (``figwire.scene._likeness``).

The score must be scikit-image's SSIM (so that what the README and the gallery report
mean by it is a known measure), cheap, and a fair judge: a figure's own render scores 1,
a render of another figure scores low, and a PNG that cannot be compared is no verdict.
"""

from __future__ import annotations

import io

import figures
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from skimage.metrics import structural_similarity

from figwire.scene import _likeness
from figwire.scene._schema import MIN_LIKENESS, SceneLimits


def _png(rgba: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, format="PNG")
    return out.getvalue()


def _render(fig: Figure) -> np.ndarray:
    FigureCanvasAgg(fig).draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(7, 40), st.integers(7, 40)), elements=st.floats(0, 255)),
    st.floats(0, 60),
    st.integers(0, 2**31 - 1),
)
def test_ssim_is_scikit_image_s(x: np.ndarray, noise: float, seed: int) -> None:
    """Any sizes from the window up, any values, any amount of difference: the same score."""
    y = np.clip(x + np.random.default_rng(seed).normal(0, noise, x.shape), 0, 255)
    want = np.mean([structural_similarity(x[c], y[c], data_range=255) for c in range(len(x))])
    assert _likeness.ssim(x, y) == pytest.approx(want, abs=2e-4)


@settings(max_examples=25, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(14, 300), st.integers(14, 300), st.just(4))))
def test_an_image_is_like_itself_and_symmetric(rgba: np.ndarray) -> None:
    assert _likeness.likeness(rgba, _png(rgba)) == pytest.approx(1.0, abs=1e-5)
    other = 255 - rgba
    assert _likeness.similarity(rgba, other) == pytest.approx(_likeness.similarity(other, rgba), abs=1e-5)


def test_transparent_pixels_are_seen_over_white() -> None:
    clear = np.zeros((50, 60, 4), np.uint8)  # black, but fully transparent
    white = np.full((50, 60, 4), 255, np.uint8)
    assert _likeness.similarity(clear, white) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("name", ["lines", "imshow_cbar", "pie", "dates"])
def test_a_figure_is_like_its_png_and_unlike_another_figure_s(name: str) -> None:
    fig = figures.CORPUS[name]()
    pixels = _render(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    assert _likeness.likeness(pixels, out.getvalue()) >= 0.999
    other = "pie" if name != "pie" else "lines"
    other_pixels = _render(figures.CORPUS[other]())
    if other_pixels.shape == pixels.shape:
        assert _likeness.likeness(other_pixels, out.getvalue()) < MIN_LIKENESS


@pytest.mark.parametrize("name", ["lines", "dashboard", "mathtext"])
def test_the_same_figure_at_another_dpi_is_alike(name: str) -> None:
    """A HiDPI window, or a PNG made at a higher dpi (``pack(dpi=...)``): the same figure at
    another size is compared at a common one. Text and line widths rasterise differently
    at each dpi (about 0.9 here), still well above the threshold. A PNG made smaller than
    the render is a thumbnail, too coarse to judge by: not compared."""
    fig = figures.CORPUS[name]()
    for scale, compared in ((2.5, True), (0.7, False)):
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=fig.dpi * scale)
        score = _likeness.likeness(_render(fig), out.getvalue())
        assert (score > MIN_LIKENESS + 0.05) if compared else score is None, (scale, score)


def test_what_cannot_be_compared_gives_no_score() -> None:
    rgba = np.full((100, 200, 4), 255, np.uint8)
    assert _likeness.likeness(rgba, b"not a png") is None
    assert _likeness.likeness(rgba, _png(np.full((200, 100, 4), 255, np.uint8))) is None  # another aspect
    assert _likeness.likeness(rgba[:13, :26], _png(rgba[:13, :26])) is None  # under two windows
    # a PNG declaring more pixels than a window may show is not decoded at all
    huge = io.BytesIO()
    Image.new("1", (20000, 20000)).save(huge, format="PNG")
    assert _likeness.likeness(rgba, huge.getvalue()) is None


def test_a_png_far_larger_than_the_figure_is_not_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's check bounds what it decodes by the figure's own size: a hostile
    message's huge PNG costs a header read, not a decode."""
    from figwire import _gui

    decoded = []
    monkeypatch.setattr(_gui, "_decode", lambda *a: decoded.append(a) or np.zeros((10, 10, 4), np.uint8))
    big = io.BytesIO()
    Image.new("RGB", (4000, 3000)).save(big, format="PNG")
    rgba = np.full((300, 400, 4), 255, np.uint8)
    assert _likeness.Reference(big.getvalue(), max_pixels=4 * 400 * 300).score(rgba) is None
    assert not decoded


def test_the_threshold_is_a_setting() -> None:
    assert SceneLimits().min_likeness == MIN_LIKENESS
    assert SceneLimits(min_likeness=0).min_likeness == 0
    for bad in (-0.1, 1.5, True, "0.9"):
        with pytest.raises(ValueError, match="min_likeness"):
            SceneLimits(min_likeness=bad)  # type: ignore[arg-type]
