"""``figwire._render``: PNG pixel-identical to savefig, figure untouched, one draw per type."""

from __future__ import annotations

import importlib.util
import io
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any, Dict, Iterator

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

PIL_Image = pytest.importorskip("PIL.Image")


def _load_render() -> Any:
    """``figwire._render``, by file path if the package ``__init__`` cannot import here."""
    try:
        import figwire._render as module

        return module
    except Exception:
        path = Path(__file__).resolve().parents[1] / "figwire" / "_render.py"
        spec = importlib.util.spec_from_file_location("figwire._render", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["figwire._render"] = module  # savefig imports the canvas by this name
        spec.loader.exec_module(module)
        return module


_render = _load_render()
render = _render.render

PNG, SVG, PDF = "image/png", "image/svg+xml", "application/pdf"


@pytest.fixture(autouse=True)
def _rc_restored() -> Iterator[None]:
    with matplotlib.rc_context():
        yield


def _agg_figure(figsize: tuple = (6.4, 4.8), dpi: float = 100) -> Figure:
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def _savefig_png(fig: Figure, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", **kwargs)
    return out.getvalue()


def _pixels(data: bytes) -> np.ndarray:
    image = PIL_Image.open(io.BytesIO(data))
    assert image.mode == "RGBA"
    return np.asarray(image)


def _chunks(data: bytes) -> Dict[bytes, bytes]:
    """PNG chunk tag -> body, checking each CRC on the way."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: Dict[bytes, bytes] = {}
    offset = 8
    while offset < len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        tagged = data[offset + 4 : offset + 8 + length]
        assert zlib.crc32(tagged) == int.from_bytes(data[offset + 8 + length : offset + 12 + length], "big")
        chunks.setdefault(tagged[:4], tagged[4:])
        offset += 12 + length
    assert offset == len(data)
    return chunks


def _assert_same_as_savefig(fig: Figure, dpi: Any = None) -> Any:
    """Render, then savefig with the same arguments: equal RGBA arrays and pHYs chunks.

    Constrained layout moves things by rounding errors over the first few draws, so
    savefig is repeated until it is stable; render must match that settled output.
    """
    previous = _savefig_png(fig, dpi=dpi)
    for _ in range(5):
        current = _savefig_png(fig, dpi=dpi)
        if np.array_equal(_pixels(current), _pixels(previous)):
            break
        previous = current
    (rendering,) = render(fig, [PNG], dpi=dpi)
    expected = _savefig_png(fig, dpi=dpi)
    got = _pixels(rendering.data)
    assert got.shape == _pixels(expected).shape
    assert np.array_equal(got, _pixels(expected))
    assert (rendering.height, rendering.width) == got.shape[:2]
    assert _chunks(rendering.data)[b"pHYs"] == _chunks(expected)[b"pHYs"]
    return rendering


def _lines() -> Figure:
    fig = _agg_figure()
    ax = fig.subplots()
    x = np.linspace(0, 10, 1000)
    ax.plot(x, np.sin(x), label="sin")
    ax.plot(x, np.cumsum(np.random.default_rng(0).standard_normal(x.size)) / 10, "--", label="walk")
    ax.legend()
    ax.set_title("lines")
    return fig


def _imshow() -> Figure:
    fig = _agg_figure()
    ax = fig.subplots()
    fig.colorbar(ax.imshow(np.random.default_rng(1).standard_normal((300, 200))), ax=ax)
    return fig


def _constrained() -> Figure:
    fig = _agg_figure((8, 6))
    try:
        fig.set_layout_engine("constrained")
    except AttributeError:  # matplotlib < 3.6
        fig.set_constrained_layout(True)  # type: ignore[attr-defined]
    rng = np.random.default_rng(2)
    for ax in fig.subplots(2, 2).flat:
        ax.scatter(rng.random(200), rng.random(200), c=rng.random(200))
        ax.set_title("panel")
    fig.suptitle("constrained")
    return fig


@pytest.mark.parametrize("make", [_lines, _imshow, _constrained])
def test_png_pixels_equal_savefig(make: Any) -> None:
    _assert_same_as_savefig(make())


def test_png_transparent_facecolor() -> None:
    fig = _lines()
    fig.patch.set_facecolor((1, 1, 1, 0))
    fig.axes[0].patch.set_alpha(0.3)
    plt.rcParams["savefig.facecolor"] = "auto"
    pixels = _pixels(_assert_same_as_savefig(fig).data)
    assert pixels[0, 0, 3] == 0  # the corner really is transparent


def test_png_honours_savefig_rc_colors() -> None:
    fig = _lines()
    fig.patch.set_facecolor("none")
    fig.patch.set_linewidth(8)
    plt.rcParams["savefig.facecolor"] = "#336699"
    plt.rcParams["savefig.edgecolor"] = "red"
    pixels = _pixels(_assert_same_as_savefig(fig).data)
    assert tuple(pixels[20, 20]) == (0x33, 0x66, 0x99, 255)
    assert tuple(pixels[0, 0]) == (255, 0, 0, 255)
    assert fig.patch.get_facecolor() == (0, 0, 0, 0)  # restored after rendering


def test_png_honours_savefig_transparent_and_tight_rc() -> None:
    fig = _imshow()
    plt.rcParams["savefig.transparent"] = True
    plt.rcParams["savefig.bbox"] = "tight"
    rendering = _assert_same_as_savefig(fig)
    assert rendering.width < 640  # the tight bbox applied


def test_png_non_integer_size_and_dpi() -> None:
    fig = _agg_figure((6.33, 4.17), dpi=72.5)
    fig.subplots().plot([0, 1, 0.5])
    rendering = _assert_same_as_savefig(fig)
    assert (rendering.width, rendering.height) == (int(6.33 * 72.5), int(4.17 * 72.5))
    assert rendering.dpi == 72.5


def test_png_explicit_and_rc_dpi() -> None:
    fig = _lines()
    rendering = _assert_same_as_savefig(fig, dpi=150)
    assert (rendering.width, rendering.height, rendering.dpi) == (960, 720, 150.0)
    plt.rcParams["savefig.dpi"] = 50
    rendering = _assert_same_as_savefig(fig)
    assert (rendering.width, rendering.height, rendering.dpi) == (320, 240, 50.0)


def _state(fig: Figure) -> tuple:
    return (
        fig.canvas,
        fig.dpi,
        fig.__dict__.get("_original_dpi"),
        tuple(fig.get_size_inches()),
        fig.patch.get_facecolor(),
        fig.patch.get_edgecolor(),
        fig.canvas.manager,
    )


ALL = [PNG, SVG, PDF]


def test_figure_unchanged_agg_canvas() -> None:
    fig = _lines()
    fig.canvas.draw()
    before = _state(fig)
    render(fig, ALL, dpi=150)
    assert _state(fig) == before


def test_figure_unchanged_base_canvas() -> None:
    fig = Figure()  # no backend: a FigureCanvasBase, which cannot draw by itself
    fig.subplots().plot([1, 3, 2])
    before = _state(fig)
    assert type(fig.canvas) is FigureCanvasBase
    _assert_same_as_savefig(fig)
    render(fig, ALL)
    assert _state(fig) == before


def test_figure_unchanged_pyplot_managed() -> None:
    fig = plt.figure(num="managed", figsize=(5, 4))
    plt.plot([1, 2, 3])
    canvas, manager = fig.canvas, fig.canvas.manager
    assert manager is not None
    before = _state(fig)
    _assert_same_as_savefig(fig)
    render(fig, ALL)
    assert _state(fig) == before
    assert fig.canvas is canvas and canvas.manager is manager
    assert plt.gcf() is fig and plt.fignum_exists("managed")


def test_figure_unchanged_hidpi_canvas() -> None:
    """A GUI canvas on a 2x screen runs the figure at twice its logical dpi."""
    fig = _lines()
    fig.canvas._set_device_pixel_ratio(2)  # type: ignore[attr-defined]
    assert (fig.dpi, fig.__dict__["_original_dpi"]) == (200, 100)
    before = _state(fig)
    (rendering,) = render(fig, [PNG])
    render(fig, [SVG, PDF])
    assert _state(fig) == before
    assert (rendering.width, rendering.dpi) == (640, 100.0)  # savefig's "figure" dpi: the logical one
    assert np.array_equal(_pixels(rendering.data), _pixels(_savefig_png(fig)))


class _OwnPngCanvas(FigureCanvasBase):
    """Stands for a canvas with its own PNG writer (cairo, pgf), which savefig keeps."""

    def print_png(self, filename_or_obj: Any, **kwargs: Any) -> None:
        filename_or_obj.write(_render.encode_png(np.full((2, 3, 4), 7, np.uint8), 42.0))


def test_png_from_a_canvas_with_its_own_writer() -> None:
    fig = Figure()
    canvas = _OwnPngCanvas(fig)
    (rendering,) = render(fig, [PNG], dpi=30)
    assert rendering.data == _savefig_png(fig, dpi=30)
    assert (rendering.width, rendering.height, rendering.dpi) == (3, 2, 30.0)
    assert fig.canvas is canvas


def test_vector_formats() -> None:
    fig = _lines()
    svg, pdf = render(fig, [SVG, PDF], dpi=80)
    assert (svg.media_type, svg.width, svg.height, svg.dpi) == (SVG, None, None, 80.0)
    assert svg.data.startswith(b"<?xml") and b"<svg" in svg.data
    assert ET.fromstring(svg.data).tag.endswith("svg")
    assert (pdf.media_type, pdf.width, pdf.height, pdf.dpi) == (PDF, None, None, 80.0)
    assert pdf.data.startswith(b"%PDF-") and pdf.data.rstrip().endswith(b"%%EOF")


def test_each_media_type_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fig = _lines()
    draws = []
    original = Figure.draw

    def counting_draw(self: Figure, renderer: Any) -> None:
        draws.append(type(renderer).__name__)
        original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting_draw)
    renderings = render(fig, [SVG, PNG, PDF, PNG, SVG])
    assert [r.media_type for r in renderings] == [SVG, PNG, PDF]
    assert draws == ["MixedModeRenderer", "RendererAgg", "MixedModeRenderer"]


def test_unknown_media_type_renders_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    fig = _lines()
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: pytest.fail("drew"))
    with pytest.raises(ValueError, match="image/gif"):
        render(fig, [PNG, "image/gif"])


@pytest.mark.parametrize("shape", [(1, 1), (63, 5), (64, 3), (65, 7), (130, 33), (200, 1)])
def test_encode_png_round_trips(shape: tuple) -> None:
    """Row counts around the filter step (64) and noise that defeats run-length coding."""
    rgba = np.random.default_rng(shape[0]).integers(0, 256, (*shape, 4), dtype=np.uint8)
    rgba[: shape[0] // 2, :, 3] = 255
    data = _render.encode_png(rgba, 96.0)
    assert np.array_equal(_pixels(data), rgba)
    assert list(_chunks(data)) == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]
    assert _chunks(data)[b"pHYs"] == (3780).to_bytes(4, "big") * 2 + b"\x01"  # 96 dpi, in pixels per metre
