"""The scene tier (spec §16): every corpus figure described, rebuilt with no trust, and
compared with its own PNG (SSIM, scikit-image); liveness after a zoom; the checker's
refusals; the describer's private reads.

The cross-version half (described on one matplotlib, rebuilt on every other) is in
``tests/test_xver.py``; the GUI half in ``tests/test_unpack_gui.py``.
"""

from __future__ import annotations

import dataclasses
import io
from typing import Any, List

import matplotlib
import matplotlib.backends.backend_agg
import matplotlib.dates
import matplotlib.layout_engine
import matplotlib.patheffects
import numpy as np
import pytest
from figures import BIG, CORPUS, SKIPPED, UNPICKLABLE, close
from matplotlib.figure import Figure
from PIL import Image
from scene_support import ssim as support_ssim
from scene_support import zoom_problems
from skimage.metrics import structural_similarity

import figwire
from figwire import _codec
from figwire.scene import _private, check_scene, decode_scene, describe, draw_for_scene, encode_scene, rebuild
from figwire.scene._describe import _all_axes

SCENE_PARTS = ["pickle", "scene", "image/png"]


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return 0.0
    return float(structural_similarity(a[..., :3], b[..., :3], channel_axis=2, data_range=255))


def png_pixels(data: memoryview) -> np.ndarray:
    with Image.open(io.BytesIO(bytes(data))) as image:
        return np.asarray(image.convert("RGBA"))


def rendered(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return png_pixels(memoryview(buf.getvalue()))


def _scene_result(name: str, factory=None):
    fig = (factory or CORPUS[name])()
    frames = figwire.pack(fig, parts=SCENE_PARTS)
    result = figwire.unpack(frames)  # unsigned, no opt-in: only the scene can be live
    return fig, frames, result


FIGURES = sorted(n for n in CORPUS if n not in SKIPPED and n not in BIG)


@pytest.fixture(scope="module")
def outcomes():
    """name -> (SSIM against the figure's own PNG, skipped nodes), for the share test."""
    return {}


@pytest.mark.parametrize("name", FIGURES)
def test_corpus_figure_is_live_by_scene_and_looks_the_same(name: str, outcomes) -> None:
    fig, frames, result = _scene_result(name)
    try:
        assert result.live and result.tier == "scene", result.reason
        assert not result.authenticated and result.header.pickle is not None, "the pickle was there, and refused"
        score = ssim(rendered(result.figure), png_pixels(result.fallbacks["image/png"]))
        outcomes[name] = (score, result.skipped)
        if score < 0.95:  # allowed only when the result says what it could not carry
            assert result.skipped, f"SSIM {score:.3f} with nothing reported as skipped"
    finally:
        close(fig)


def test_share_of_the_corpus_at_ssim_095(outcomes) -> None:
    if len(outcomes) < len(FIGURES):
        pytest.skip("runs after the per-figure tests")
    good = [n for n, (score, _) in outcomes.items() if score >= 0.95]
    assert len(good) / len(FIGURES) >= 0.95, sorted(set(outcomes) - set(good))


def test_a_third_party_projection_gets_the_image_and_the_reason() -> None:
    """A projection the scene does not name runs code of its own: no scene, and says so."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.projections import register_projection

    class Skewed(Axes):
        name = "figwire_test_skewed"

    register_projection(Skewed)
    fig = Figure()
    fig.add_subplot(projection="figwire_test_skewed").plot([0, 1], [1, 0])
    frames = figwire.pack(fig, parts=SCENE_PARTS)
    result = figwire.unpack(frames)
    assert result.tier == "image/png" and not result.live
    assert "figwire_test_skewed" in result.header.missing["scene"]


@pytest.mark.parametrize("name", FIGURES)
def test_rebuilt_figure_zooms_like_the_original(name: str) -> None:
    """Limits and ticks follow a zoom exactly as in the producer's own figure (same
    locator kind), except where the producer's ticks were fixed or custom
    (``scene_support.zoom_problems``)."""
    fig, frames, result = _scene_result(name)
    try:
        doc = decode_scene(_codec.part_buffers(frames, result.header, result.header.scene))
        assert zoom_problems(CORPUS[name](), result.figure, doc) == []
    finally:
        close(fig)


def test_numpy_ssim_is_scikit_images() -> None:
    """The cross-version workers have no scikit-image: their SSIM must be the same number."""
    rng = np.random.default_rng(3)
    a = rendered(CORPUS["lines"]())
    for b in (a, rendered(CORPUS["hist"]()), np.clip(a + rng.integers(-40, 40, a.shape), 0, 255).astype(np.uint8)):
        assert support_ssim(a, b) == pytest.approx(ssim(a, b), abs=1e-9)


def _shown_labels(ax: Any) -> List[str]:
    """The x tick labels the view shows (matplotlib's list also has the locator's ticks
    beyond the view, which a rebuilt axis does not make)."""
    return [t.label1.get_text() for t in ax.xaxis._update_ticks()]


@pytest.mark.parametrize("name", sorted(n for n in UNPICKLABLE if n not in SKIPPED))
def test_unpicklable_figure_still_gets_a_live_scene(name: str) -> None:
    fig = UNPICKLABLE[name]()
    frames = figwire.pack(fig)
    header = figwire.inspect(frames)
    assert header.pickle is None and "pickle" in header.missing
    result = figwire.unpack(frames, trust_unsigned=True)
    assert result.tier == "scene", result.reason
    draw_for_scene(fig)
    want = [_shown_labels(ax) for ax in _all_axes(fig)]
    draw_for_scene(result.figure)  # a secondary axis takes its limits from its parent when drawn
    got = [_shown_labels(ax) for ax in _all_axes(result.figure)]
    assert got == want, "tick labels (a lambda formatter's too) are snapshotted"
    close(fig)


def test_unsigned_message_from_another_minor_is_live_by_scene() -> None:
    fig = CORPUS["imshow_cbar"]()
    frames = figwire.pack(fig)
    header = figwire.inspect(frames)
    major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
    other = dataclasses.replace(header, producer={**header.producer, "matplotlib": f"{major}.{minor - 1}.4"})
    result = figwire.unpack([_codec.encode_envelope(other), *frames[1:]], trust_unsigned=True)
    assert result.tier == "scene" and result.live
    assert any("pickle:" in n and "minor" in n for n in result.notes)
    close(fig)


def test_a_scene_that_fails_to_build_falls_back_to_the_image(monkeypatch) -> None:
    from figwire.scene import _build_artists

    def broken(*args, **kwargs):
        raise RuntimeError("this matplotlib cannot")

    monkeypatch.setitem(_build_artists._BUILDERS, "line", broken)
    result = figwire.unpack(figwire.pack(CORPUS["lines"]()))
    assert not result.live and result.tier == "image/png"
    assert "scene" in result.reason and "RuntimeError" in result.reason
    with pytest.raises(figwire.FigwireError, match="RuntimeError") as refused:
        rebuild(figwire.scene.describe_frames(CORPUS["lines"]())[0])
    assert refused.value.code == figwire.ErrorCode.LOAD_FAILED


def test_default_pack_carries_the_scene_and_negotiation_leaves_it_out_when_the_pickle_loads() -> None:
    fig = CORPUS["lines"]()
    assert figwire.inspect(figwire.pack(fig)).scene is not None
    same = figwire.inspect(figwire.pack(fig, accept=figwire.capabilities()))
    assert same.pickle is not None and same.scene is None and "pickle" in same.missing["scene"]
    no_pickles = figwire.inspect(figwire.pack(fig, accept=figwire.capabilities(load_pickles=False)))
    assert no_pickles.pickle is None and no_pickles.scene is not None


# -- the checker -----------------------------------------------------------------------


def _doc(fig=None):
    fig = fig or CORPUS["lines"]()
    draw_for_scene(fig)
    return describe(fig)[0]


def _roundtrip(doc):
    return check_scene(decode_scene(encode_scene(doc)))


def _first_line(doc):
    return next(n for n in doc["figure"]["axes"][0]["artists"] if n["type"] == "line")


BAD = {
    "no version": lambda d: d.pop("scene"),
    "unknown major": lambda d: d.update(scene="2.0"),
    "unknown required node type": lambda d: d["figure"]["axes"][0]["artists"].append({"type": "hologram"}),
    "colour out of range": lambda d: _first_line(d).update(color=[2.0, 0, 0, 1]),
    "NaN width": lambda d: _first_line(d).update(linewidth=float("nan")),
    "a path to a font file": lambda d: d["figure"]["axes"][0]["titles"].append(
        {"loc": "left", "text": "x", "family": ["/etc/passwd"]}
    ),
    "forward share": lambda d: d["figure"]["axes"][0].update(sharex=0),
    "dash cycle too fine": lambda d: _first_line(d).update(linestyle="--", dashes=[0.0, 0.01, 0.01]),
    "long hatch": lambda d: d["figure"]["axes"][0]["artists"].append(
        {"type": "patch", "path": {"vertices": np.zeros((3, 2))}, "hatch": "/" * 100}
    ),
    "bad path code": lambda d: d["figure"]["axes"][0]["artists"].append(
        {"type": "patch", "path": {"vertices": np.zeros((2, 2)), "codes": np.array([1, 9], np.uint8)}}
    ),
    "codes not starting with MOVETO": lambda d: d["figure"]["axes"][0]["artists"].append(
        {"type": "patch", "path": {"vertices": np.zeros((2, 2)), "codes": np.array([0, 2], np.uint8)}}
    ),
    "five-channel pixels": lambda d: d["figure"]["axes"][0]["artists"].append(
        {"type": "image", "pixels": np.zeros((2, 2, 5)), "extent": [0, 1, 0, 1]}
    ),
    "float RGB over 1": lambda d: d["figure"]["axes"][0]["artists"].append(
        {"type": "image", "pixels": np.full((2, 2, 3), 7.0), "extent": [0, 1, 0, 1]}
    ),
    "huge figure": lambda d: d["figure"].update(size_inches=[1000.0, 1000.0], dpi=1000.0),
    "tick labels miscounted": lambda d: d["figure"]["axes"][0]["xaxis"]["major"]["labels"].append("extra"),
    # hostile producers: each of these was accepted once and cost the client a hang or memory
    "5000 ticks (minutes to draw)": lambda d: d["figure"]["axes"][0]["xaxis"].update(
        major={"locs": np.linspace(0, 1, 5000), "labels": [""] * 5000}
    ),
    "a multiple locator of 1e-12 (36 TiB on the first zoom)": lambda d: d["figure"]["axes"][0]["xaxis"].update(
        locator="multiple", locator_base=1e-12
    ),
    "10,001 texts (a layout each, on every draw)": lambda d: d["figure"]["axes"][0]["artists"].extend(
        {"type": "text", "text": "x", "xy": [0.5, 0.5], "space": "axes"} for _ in range(10_001)
    ),
    "2e9 interpolated vertices (a curved path)": lambda d: d["figure"]["axes"][0]["artists"].append(
        {"type": "patch", "path": {"vertices": np.zeros((2_000_000, 2)), "interpolation_steps": 1000}}
    ),
    "2000 characters at 1000 pt (FreeType rasterises each glyph whole: minutes a draw)": lambda d: d["figure"]["axes"][
        0
    ]["artists"].append({"type": "text", "text": "W" * 2000, "xy": [0.5, 0.5], "space": "axes", "fontsize": 1000.0}),
    # in each field's type but not drawable: matplotlib raises only in the first draw
    "an inverted norm": lambda d: d["figure"]["axes"][0]["artists"].append(_image(kind="linear", vmin=2.0, vmax=1.0)),
    "a log norm from 0": lambda d: d["figure"]["axes"][0]["artists"].append(_image(kind="log", vmin=0.0, vmax=1.0)),
    "a two-slope centre outside": lambda d: d["figure"]["axes"][0]["artists"].append(
        _image(kind="twoslope", vmin=0.0, vmax=1.0, vcenter=3.0)
    ),
    "unordered boundaries": lambda d: d["figure"]["axes"][0]["artists"].append(
        _image(kind="boundary", boundaries=np.array([0.0, 2.0, 1.0]), ncolors=256)
    ),
    "a negative axes height": lambda d: d["figure"]["axes"][0].update(position=[0.1, 0.1, 0.8, -0.5]),
    "limits of 1e308 (a singular transform)": lambda d: d["figure"]["axes"][0].update(ylim=[-1e308, 1e308]),
    "a spine 1e308 points out": lambda d: d["figure"]["axes"][0]["spines"][0].update(position=[1e308]),
}


def _image(**norm):
    return {"type": "image", "pixels": np.zeros((2, 2)), "extent": [0, 1, 0, 1], "norm": norm}


@pytest.mark.parametrize("case", sorted(BAD))
def test_invalid_scene_is_refused_with_a_figwire_error(case: str) -> None:
    doc = _doc()
    BAD[case](doc)
    with pytest.raises(figwire.FigwireError):
        _roundtrip(doc)


def test_every_number_a_scene_carries_is_bounded() -> None:
    """Each numeric field has a range: unbounded in-type values (1e308 limits, a spine 1e308
    points out) are what made matplotlib raise in the first draw."""
    from figwire.scene import _schema

    numeric = ("num", "int", "nums", "vec") + tuple(f"num[{k}]" for k in range(2, 9))
    tables = {**_schema.STRUCTS, **_schema.NODE_TYPES, "artist": _schema.ARTIST_FIELDS}
    unbounded = [
        f"{table}.{f.name}" for table, fields in tables.items() for f in fields if f.type in numeric and f.range is None
    ]
    assert unbounded == []


def test_a_scene_matplotlib_cannot_draw_is_refused_and_unpack_shows_the_image(monkeypatch) -> None:
    """In range field by field, yet undrawable (FreeType has no size under a pixel at 3 dpi):
    ``rebuild`` refuses it with a figwire error, and ``unpack`` falls back with the reason."""
    from figwire.scene import _describe

    doc = _doc()
    doc["figure"]["dpi"] = 3.0
    with pytest.raises(figwire.FigwireError) as refused:
        rebuild(encode_scene(doc))
    assert refused.value.code == figwire.ErrorCode.LOAD_FAILED and "first draw" in str(refused.value)
    real = _describe.describe
    monkeypatch.setattr(_describe, "describe", lambda fig: (doc, real(fig)[1]))
    result = figwire.unpack(figwire.pack(CORPUS["lines"](), parts=["scene", "image/png"]))
    assert not result.live and result.tier == "image/png" and "first draw" in result.reason


def _tight_hists():
    """The gallery's ``statistics/hist.py`` #2, the figure that showed a check leaving a trace."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    x = np.random.default_rng(19680801).standard_normal(100_000)
    fig = Figure(layout="tight")
    left, right = fig.subplots(1, 2)
    left.hist(x, bins=20)
    right.hist(x, bins=20, density=True)
    right.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    return fig


@pytest.mark.parametrize("name", FIGURES + ["tight hists"])
def test_the_checked_first_draw_leaves_no_trace(name: str) -> None:
    """The check's layout pass must not change what the caller's first draw shows: a layout
    engine is not a fixed point (a tight layout moved every axes of the gallery's
    ``statistics/hist.py`` through the subplot parameters it adjusts), so the figure from
    ``rebuild()`` renders pixel-identical to the unchecked one."""
    fig = _tight_hists() if name == "tight hists" else CORPUS[name]()
    frames = figwire.pack(fig, parts=["scene"])
    close(fig)
    header = figwire.inspect(frames)
    buffers = _codec.part_buffers(frames, header, header.scene)
    checked, _ = rebuild(buffers)
    unchecked, _ = rebuild(buffers, verify=False)
    np.testing.assert_array_equal(rendered(checked), rendered(unchecked))
    close(checked)
    close(unchecked)


def test_unknown_optional_node_is_skipped_and_reported() -> None:
    doc = _doc()
    doc["figure"]["axes"][0]["artists"].append({"type": "hologram", "optional": True, "zorder": 3})
    checked, skipped = _roundtrip(doc)
    assert any("hologram" in reason for _, reason in skipped)
    assert all(n["type"] != "hologram" for n in checked["figure"]["axes"][0]["artists"])


def test_unknown_fields_are_ignored() -> None:
    doc = _doc()
    doc["figure"]["hologram"] = {"anything": [1, 2, 3]}
    _first_line(doc)["glow"] = 7
    checked, _ = _roundtrip(doc)
    assert "hologram" not in checked["figure"] and "glow" not in _first_line(checked)


def test_scene_never_honours_usetex_or_code_in_formats() -> None:
    fig = CORPUS["lines"]()
    fig.axes[0].set_title("$x^2$")
    fig.axes[0].xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:.1f}"))
    doc = _doc(fig)
    doc["figure"]["axes"][0]["titles"][0]["usetex"] = True  # not a scene field: ignored
    doc["figure"]["axes"][0]["xaxis"]["format"] = "{x.__class__.__mro__}"
    built, _ = rebuild(encode_scene(doc))
    ax = built.axes[0]
    assert not any(t.get_usetex() for t in ax.texts + [ax.title])
    ax.set_xlim(0.5, 1.0)
    draw_for_scene(built)  # the hostile format is refused: the default formatter takes over
    assert all("class" not in t.get_text() for t in ax.get_xticklabels())


def test_private_reads_answer_on_this_matplotlib() -> None:
    """Each guarded private read still finds what it reads: the day one moves, this fails
    (and the describer degrades instead of breaking)."""
    fig = CORPUS["annotate_arrows"]()
    extra = CORPUS["contourf_hatch_clabel"]()
    mesh_fig = CORPUS["pcolormesh"]()
    for f in (fig, extra, mesh_fig):
        draw_for_scene(f)
    ax = fig.axes[0]
    line = ax.plot([0, 1], [0, 1], "--")[0]
    polar_line = fig.add_subplot(223, projection="polar").plot([0, 1], [0, 1])[0]
    spaced = ax.text(0, 0, "a\nb", linespacing=1.5)
    annotation = next(t for t in ax.texts if getattr(t, "arrow_patch", None) is not None)
    arrow = annotation.arrow_patch
    bar = ax.bar([0], [1], hatch="/")[0]
    mesh = mesh_fig.axes[0].collections[0]
    colorbar = mesh_fig.colorbar(mesh, ax=mesh_fig.axes[0], extend="both", use_gridspec=False)
    labelled = mesh_fig.add_subplot(224)
    labelled.set_xticks([0.0, 1.0], labels=["a", "b"])  # a {value: label} FuncFormatter
    labelled.yaxis.set_label_coords(-0.2, 0.5)  # placed by hand
    mesh_fig.align_xlabels()
    answers = {
        "dash_pattern": _private.dash_pattern(line),
        "hatch_color": _private.hatch_color(bar),
        "interpolation_steps": _private.interpolation_steps(
            matplotlib.path.Path([[0, 0], [1, 1]], _interpolation_steps=5)
        ),
        "tick_direction": _private.tick_direction(ax.xaxis.get_major_ticks()[0]),
        "linespacing": _private.linespacing(spaced),
        "title_pad": _private.title_pad(ax),
        "marker_style": _private.marker_style(line),
        "clip_patch": _private.clip_patch(polar_line.get_clip_path()),
        "mesh_shading": _private.mesh_shading(mesh),
        "mesh_antialiased": _private.mesh_antialiased(mesh),
        "antialiased": _private.antialiased(mesh),
        "arrow_paths": _private.arrow_paths(arrow),
        "symlog_norm": _private.symlog_norm(matplotlib.colors.SymLogNorm(1.0)),
        "multiple_base": _private.multiple_base(matplotlib.ticker.MultipleLocator(0.5)),
        "max_n": _private.max_n(matplotlib.ticker.MaxNLocator(4, integer=True, prune="lower")),
        "scalar_notation": _private.scalar_notation(matplotlib.ticker.ScalarFormatter()),
        "date_rule": _private.date_rule(matplotlib.dates.MonthLocator(bymonthday=15)),
        "microsecond_interval": _private.microsecond_interval(matplotlib.dates.MicrosecondLocator(1000)),
        "side_titles": _private.side_titles(ax),
        "path_effects": _private.path_effects(
            ax.plot([0, 1], [1, 0], path_effects=[matplotlib.patheffects.withStroke(linewidth=3, foreground="w")])[0]
        ),
        "sup_texts": _private.sup_texts(fig) if fig.suptitle("t") else None,
        "tight_parameters": _private.tight_parameters(fig) if hasattr(fig, "_tight_parameters") else "3.5 only",
        "draw_disabled": _private.draw_disabled(matplotlib.backends.backend_agg.RendererAgg(10, 10, 72)),
        "secondary": _private.secondary(ax.secondary_xaxis("top", functions=(np.square, np.sqrt))),
        "colorbar": _private.colorbar(colorbar.ax),
        "colorbar_owned": _private.colorbar_owned(colorbar),
        "colorbar_info": _private.colorbar_info(colorbar.ax),
        "colorbar_box": _private.colorbar_box(colorbar),
        "legend_layout": _private.legend_layout(ax.legend(["a legend"])),
        "legend_outside": _private.legend_outside(fig.legend(["a figure legend"], loc="outside right upper")),
        "layout_compress": _private.layout_compress(matplotlib.layout_engine.ConstrainedLayoutEngine(compress=True)),
        "labels_by_value": _private.labels_by_value(labelled.xaxis.get_major_formatter()),
        "annotation_drawn": _private.annotation_drawn(annotation),
        "title_autopos": _private.title_autopos(ax),
        "label_coords": _private.label_coords(labelled.yaxis),
        "aligned_labels": _private.aligned_labels(mesh_fig),
        **_private_3d_answers(),
    }
    assert set(answers) == set(_private.PRIVATE_READS)
    assert all(callable(getattr(_private, name)) for name in answers)
    assert _private.dash_pattern(matplotlib.patches.Rectangle((0, 0), 1, 1, linestyle="--")) is not None
    assert [name for name, value in answers.items() if value is None] == []
    outside = ax.annotate("gone", xy=(1e9, 1e9), xytext=(0.5, 0.5), textcoords="axes fraction", arrowprops={})
    assert _private.annotation_drawn(outside) is False  # matplotlib draws neither its arrow nor its text
    for f in (fig, extra, mesh_fig):
        close(f)


def _private_3d_answers() -> dict:
    """The 3D private reads, on one of each artist mplot3d makes."""
    fig = Figure()
    ax = fig.add_subplot(projection="3d")
    x, y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    surface = ax.plot_surface(x, y, x * y)
    wires = ax.plot_wireframe(x, y, x * y + 1)
    points = ax.scatter([0, 1], [1, 0], [0, 1], axlim_clip=True)
    bar = ax.bar([0.5], [1.0], zs=0, zdir="y")[0]
    contour = ax.contour(x, y, x * y, offset=-1)
    label = ax.text(0, 0, 0, "t", zdir="x")
    draw_for_scene(fig)
    return {
        "polys3d": _private.polys3d(surface),
        "segments3d": _private.segments3d(wires),
        "patch3d": _private.patch3d(bar),
        "paths3d": _private.paths3d(contour),
        "scatter3d": _private.scatter3d(points),
        "text3d_direction": _private.text3d_direction(label),
        "view3d": _private.view3d(ax),
        "grid3d": _private.grid3d(ax.xaxis),
        "axlim_clip": _private.axlim_clip(points),
    }


# -- properties: any change to a valid scene gives a figure that draws, or a FigwireError -------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=20),
    st.lists(st.floats(allow_nan=True), max_size=6),
    st.dictionaries(st.sampled_from(["type", "@array", "shape", "frame", "data", "x"]), st.integers(-3, 5), max_size=3),
    st.builds(lambda n: np.full((n, 2), 1e308), st.integers(0, 4)),
    st.builds(lambda n: np.zeros(n, np.uint8), st.integers(0, 4)),
)


@pytest.fixture(scope="module")
def varied_doc():
    fig = CORPUS["mpl_complete"]()
    draw_for_scene(fig)
    doc = describe(fig)[0]
    close(fig)
    return doc


def _paths(value, prefix=()):
    """Every (path, value) in a document, maps and lists alike."""
    yield prefix, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _replaced(doc, path, value):
    if not path:
        return value
    head, *rest = path
    copy = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[head] = _replaced(doc[head], rest, value)
    return copy


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_field_draws_or_is_refused(varied_doc, data) -> None:
    paths = [p for p, _ in _paths(varied_doc)]
    path = data.draw(st.sampled_from(paths))
    draws_or_is_refused(_replaced(varied_doc, path, data.draw(_VALUES)))


def draws_or_is_refused(doc) -> None:
    """A changed document builds and draws, or is refused with a figwire error."""
    try:
        frames = encode_scene(doc) if isinstance(doc, dict) else None
    except Exception:
        return  # not a document the encoder writes (an int where a map was): the wire tests cover bytes
    if frames is None:
        return
    try:
        figure, _ = rebuild(frames)
    except figwire.FigwireError:
        return
    draw_for_scene(figure)


@settings(max_examples=100, deadline=None)  # each is a rebuild and a draw; the atheris harness goes deeper
@given(data=st.binary(max_size=400), at=st.integers(0, 10_000))
def test_any_bytes_in_a_scene_message_never_raise(data, at) -> None:
    """Through ``unpack``: damage anywhere in the document frame gives a result, and a
    scene-live result draws."""
    frames = [bytes(memoryview(f)) for f in SCENE_MESSAGE]
    header = figwire.inspect(frames)
    index = header.scene.frames[0]
    doc = frames[index]
    at %= max(1, len(doc))
    damaged = doc[:at] + data + doc[at + len(data) :]
    parts = tuple(dataclasses.replace(p, sizes=(len(damaged),)) if p.name == "scene" else p for p in header.parts)
    frames = [_codec.encode_envelope(dataclasses.replace(header, parts=parts)), *frames[1:]]
    frames[index] = damaged
    result = figwire.unpack(frames)
    assert result.tier != "pickle"
    if result.tier == "scene":
        draw_for_scene(result.figure)


SCENE_MESSAGE = figwire.pack(CORPUS["mpl_complete"](), parts=["scene", "image/png"])


def test_unpack_honours_the_callers_scene_limits() -> None:
    frames = figwire.pack(CORPUS["twinx_shared"](), parts=["scene", "image/png"])
    assert figwire.unpack(frames).tier == "scene"
    tight = figwire.unpack(frames, scene_limits=figwire.SceneLimits(max_axes=1))
    assert tight.tier == "image/png" and "limit-exceeded" in " ".join(tight.notes)


def test_the_codec_never_imports_the_scene() -> None:
    """The sans-IO codec (envelope, parts, framing, keys) knows the scene only as a role."""
    import ast
    from pathlib import Path

    root = Path(figwire.__file__).parent
    for name in ("_codec.py", "_envelope.py", "_spec.py", "_framing.py", "_auth.py", "_negotiate.py"):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [m for m in imported if m.startswith("scene") or ".scene" in m], name


def test_a_describer_bug_packs_without_a_scene_and_says_so(monkeypatch) -> None:
    """pack never fails on figwire's own describer, and never hides it either."""
    from figwire.scene import _describe

    def broken(fig):
        raise KeyError("a figwire bug")

    monkeypatch.setattr(_describe, "describe", broken)
    with pytest.warns(RuntimeWarning, match="figwire bug"):
        frames = figwire.pack(CORPUS["lines"]())
    header = figwire.inspect(frames)
    assert header.scene is None and "KeyError" in header.missing["scene"] and header.pickle is not None


TEX_SAMPLE = ("spines_moved", "secondary_axis", "dates", "imshow_cbar", "legend_draggable", "mathtext", "polar",
              "subfigures", "constrained_layout", "log_scale", "inset_axes", "categorical_bar")  # fmt: skip


@pytest.mark.parametrize("name", [n for n in TEX_SAMPLE if n in CORPUS])
def test_a_rebuilt_figure_never_starts_tex_whatever_this_process_says(name: str, monkeypatch) -> None:
    """With the consumer's own ``text.usetex`` on, drawing a rebuilt figure, and drawing it
    again after a zoom (new ticks are made then, each copying the first), starts no TeX:
    every text in a scene is the producer's string."""
    from matplotlib.texmanager import TexManager

    frames = figwire.pack(CORPUS[name](), parts=("scene",))
    started: list = []
    monkeypatch.setattr(TexManager, "make_dvi", classmethod(lambda cls, *a, **k: started.append(a)))
    with matplotlib.rc_context({"text.usetex": True}):
        result = figwire.unpack(frames)
        assert result.tier == "scene", result.reason
        canvas = matplotlib.backends.backend_agg.FigureCanvasAgg(result.figure)
        canvas.draw()
        for ax in result.figure.axes:
            if ax.name == "rectilinear":
                low, high = ax.get_xlim()
                ax.set_xlim(low, low + (high - low) / 3)
        canvas.draw()
    assert started == []
    close(result.figure)


@pytest.mark.parametrize("x", [1e300, -1e20, 1e12, 3e7])
def test_a_text_where_no_glyph_can_be_drawn_is_refused_before_the_callers_draw(x: float) -> None:
    """A hostile scene anchors a text at a data x of ``x`` (any finite value is in range):
    FreeType cannot render a glyph that far out, and the caller's first Agg draw raised
    TypeError or RuntimeError after the headless check, which draws no pixels, passed. The
    check now refuses it; a text at the edge of the reach still draws."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from figwire.scene._describe import GLYPH_REACH

    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0, 1])
    ax.text(0.5, 0.5, "far")
    draw_for_scene(fig)
    doc = describe(fig)[0]
    node = next(n for n in doc["figure"]["axes"][0]["artists"] if n["type"] == "text")
    node["xy"] = [x, 0.5]
    with pytest.raises(figwire.DecodeError, match="no glyph"):
        rebuild(encode_scene(doc))
    pixels_per_unit = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]
    node["xy"] = [0.9 * GLYPH_REACH / pixels_per_unit, 0.5]
    rebuilt, _ = rebuild(encode_scene(doc))
    FigureCanvasAgg(rebuilt).draw()
