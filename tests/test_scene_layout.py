"""What the consumer lays out or makes itself, with its own text metrics (spec §16.6-16.7):
layouts, colorbars and legends.

Across matplotlib minors the same figure is laid out differently (3.11's text metrics
move a tight layout's axes, a colorbar and a legend's box by several pixels), so a scene
that froze the producer's drawing would look like the producer's figure, not like the
consumer's own copy. These tests pin down when the consumer makes them again and when it
keeps what it was sent.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from figures import close
from matplotlib.figure import Figure

from figwire.scene import check_scene, decode_scene, describe, draw_for_scene, encode_scene
from figwire.scene._build import build
from figwire.scene._schema import TIGHT_TOLERANCE


def _grid_figure(tight: bool = True) -> Figure:
    fig = Figure(figsize=(4.0, 3.0), dpi=80)
    for i, ax in enumerate(fig.subplots(2, 2).flat):
        ax.plot(np.arange(10) ** (i + 1))
        ax.set_title(f"title {i}")
        ax.set_xlabel(f"x label {i}")
        ax.set_ylabel(f"y^{i + 1}")
    if tight:
        fig.tight_layout()
    return fig


def _doc(fig: Figure) -> dict:
    draw_for_scene(fig)
    doc, _ = describe(fig)
    return check_scene(decode_scene(encode_scene(doc)))[0]


def _boxes(fig: Figure) -> np.ndarray:
    return np.array([ax.get_position().extents for ax in fig.axes])


def test_a_figure_laid_out_once_by_tight_layout_is_laid_out_again_by_the_consumer() -> None:
    fig = _grid_figure()
    doc = _doc(fig)
    layout = doc["figure"]["layout"]
    assert layout["engine"] == "tight" and layout["once"] and len(layout["subplotpars"]) == 6
    assert all("cell" in axes for axes in doc["figure"]["axes"])
    rebuilt, skipped = build(doc)
    assert not skipped
    np.testing.assert_allclose(_boxes(rebuilt), _boxes(fig), atol=1e-9)
    assert rebuilt.get_layout_engine() is None or type(rebuilt.get_layout_engine()).__name__ != "TightLayoutEngine"
    close(fig)
    close(rebuilt)


def test_the_consumers_own_metrics_win_within_the_tolerance() -> None:
    """A producer whose fonts measured differently drew the axes a little elsewhere: the
    consumer's figure is laid out as its own copy would be, not where the producer drew."""
    fig = _grid_figure()
    doc = copy.deepcopy(_doc(fig))
    shift = TIGHT_TOLERANCE / 3
    for axes in doc["figure"]["axes"]:
        x0, y0, w, h = axes["position"]
        axes["position"] = [x0 + shift, y0 - shift, w - shift, h]
    left, bottom, right, top, wspace, hspace = doc["figure"]["layout"]["subplotpars"]
    doc["figure"]["layout"]["subplotpars"] = [left + shift, bottom - shift, right, top, wspace, hspace]
    doc["figure"]["layout"]["metrics"] = "matplotlib 3.5.3, FreeType 2.6.1"
    rebuilt, _ = build(doc)
    np.testing.assert_allclose(_boxes(rebuilt), _boxes(fig), atol=1e-9)
    close(fig)
    close(rebuilt)


def test_a_consumer_that_measures_text_as_the_producer_keeps_its_layout() -> None:
    """Same matplotlib and FreeType: the producer's layout is the consumer's own, so the
    recorded subplot parameters are kept as they are (no second layout to differ from it)."""
    fig = _grid_figure()
    doc = copy.deepcopy(_doc(fig))
    assert doc["figure"]["layout"]["metrics"].startswith("matplotlib ")
    doc["figure"]["layout"]["subplotpars"][0] += 0.01  # not where a tight layout would put it
    rebuilt, _ = build(doc)
    assert rebuilt.subplotpars.left == pytest.approx(doc["figure"]["layout"]["subplotpars"][0])
    close(fig)
    close(rebuilt)


def test_subplot_parameters_moved_after_tight_layout_are_kept() -> None:
    """``tight_layout()`` then ``subplots_adjust(bottom=...)`` (room for a figure legend):
    the consumer's own tight layout would undo the adjustment, so the recorded one stays."""
    fig = _grid_figure()
    fig.subplots_adjust(bottom=0.3)
    doc = _doc(fig)
    assert doc["figure"]["layout"]["once"]
    rebuilt, _ = build(doc)
    np.testing.assert_allclose(_boxes(rebuilt), _boxes(fig), atol=1e-9)
    close(fig)
    close(rebuilt)


@pytest.mark.parametrize("adjust", [None, {"left": 0.2, "right": 0.8}])
def test_a_figure_never_laid_out_by_tight_layout_keeps_its_positions(adjust) -> None:
    fig = _grid_figure(tight=False)
    if adjust:
        fig.subplots_adjust(**adjust)
    doc = _doc(fig)
    assert "layout" not in doc["figure"]
    rebuilt, _ = build(doc)
    np.testing.assert_allclose(_boxes(rebuilt), _boxes(fig), atol=1e-9)
    close(fig)
    close(rebuilt)


@pytest.mark.parametrize(
    "params", [[0.9, 0.1, 0.1, 0.9, 0.2, 0.2], [0.1, 0.9, 0.9, 0.1, 0.2, 0.2], [0.1, 0.1, 0.9, 0.9, -0.1, 0.2]]
)
def test_impossible_subplot_parameters_are_refused(params) -> None:
    from figwire import DecodeError

    doc = copy.deepcopy(_doc(_grid_figure()))
    doc["figure"]["layout"]["subplotpars"] = params
    with pytest.raises(DecodeError, match="subplotpars"):
        check_scene(decode_scene(encode_scene(doc)))


# -- colorbars -------------------------------------------------------------------------

import io  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib import colors as mcolors  # noqa: E402
from PIL import Image  # noqa: E402
from skimage.metrics import structural_similarity  # noqa: E402

import figwire  # noqa: E402
from figwire import DecodeError  # noqa: E402


def _pixels(fig: Figure) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    with Image.open(buf) as image:
        return np.asarray(image.convert("RGB"))


def _ssim(a: np.ndarray, b: np.ndarray) -> float:
    return 0.0 if a.shape != b.shape else float(structural_similarity(a, b, channel_axis=2, data_range=255))


@st.composite
def colorbar_params(draw) -> dict:
    """How users make one colorbar: beside one axes or several, on any side, with or
    without a layout engine, extensions, a norm of each kind, over each kind of mappable."""
    return {
        "layout": draw(st.sampled_from([None, "constrained"])),
        "grid": (draw(st.integers(1, 2)), draw(st.integers(1, 2))),
        "kind": draw(st.sampled_from(["imshow", "pcolormesh", "contourf", "scatter"])),
        "norm": draw(st.sampled_from(["linear", "log", "twoslope", "boundary"])),
        "power": draw(st.sampled_from([1.0, 2.0])),
        "cmap": draw(st.sampled_from(["viridis", "RdBu", "magma", "tab10"])),
        "all_parents": draw(st.booleans()),
        "location": draw(st.sampled_from(["right", "left", "top", "bottom"])),
        "shrink": draw(st.sampled_from([1.0, 0.8, 0.6])),
        "extend": draw(st.sampled_from(["neither", "both", "min", "max"])),
        "label": draw(st.booleans()),
    }


def colorbar_figure(p: dict) -> Figure:
    fig = Figure(figsize=(4.0, 3.0), dpi=60, layout=p["layout"])
    axs = np.atleast_1d(fig.subplots(*p["grid"])).ravel()
    data = np.linspace(0.1, 9.9, 48).reshape(6, 8) ** p["power"]
    lo, hi = float(data.min()), float(data.max())
    norm = {
        "linear": mcolors.Normalize(lo, hi),
        "log": mcolors.LogNorm(lo, hi),
        "twoslope": mcolors.TwoSlopeNorm((lo + hi) / 2, lo, hi),
        "boundary": mcolors.BoundaryNorm(np.linspace(lo, hi, 6), 256),
    }[p["norm"]]
    mappable = None
    for ax in axs:
        if p["kind"] == "imshow":
            mappable = ax.imshow(data, cmap=p["cmap"], norm=norm)
        elif p["kind"] == "pcolormesh":
            mappable = ax.pcolormesh(data, cmap=p["cmap"], norm=norm)
        elif p["kind"] == "contourf":
            mappable = ax.contourf(data, levels=6, cmap=p["cmap"], norm=None if p["norm"] == "boundary" else norm)
        else:
            xy = np.arange(48) % 8, np.arange(48) // 8
            mappable = ax.scatter(*xy, c=data.ravel(), cmap=p["cmap"], norm=norm)
    parents = axs if p["all_parents"] and len(axs) > 1 else axs[-1]
    label = "a colorbar label" if p["label"] else ""
    fig.colorbar(mappable, ax=parents, location=p["location"], shrink=p["shrink"], extend=p["extend"], label=label)
    return fig


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(colorbar_params())
def test_a_colorbar_is_rebuilt_as_a_colorbar_that_looks_the_same(params) -> None:
    fig = colorbar_figure(params)
    frames = figwire.pack(fig, parts=["scene"])
    result = figwire.unpack(frames)
    assert result.tier == "scene", result.reason
    rebuilt = result.figure
    colorbars = [ax for ax in rebuilt.axes if getattr(ax, "_colorbar", None) is not None]
    # against a fresh copy's first draw: a layout engine is not a fixed point, and the
    # packed figure has been drawn once already
    fresh = colorbar_figure(params)
    if params["kind"] == "contourf" and params["norm"] == "log":  # a log scale only a contour set gets: frozen
        assert not colorbars and _ssim(_pixels(fresh), _pixels(rebuilt)) >= 0.97
        return
    assert len(colorbars) == 1, "the colorbar is made by this matplotlib, not drawn as frozen artists"
    original = next(ax._colorbar for ax in fig.axes if getattr(ax, "_colorbar", None) is not None)
    made = colorbars[0]._colorbar
    assert (made.orientation, made.extend) == (original.orientation, original.extend)
    assert (made.norm.vmin, made.norm.vmax) == pytest.approx((original.norm.vmin, original.norm.vmax))
    if fig.get_layout_engine() is not None:  # placed by this matplotlib's layout, beside its parents
        assert getattr(colorbars[0], "_colorbar_info", None) is not None
    assert _ssim(_pixels(fresh), _pixels(rebuilt)) >= 0.97
    # drawn (the box aspect is applied at draw time), it sits where the original does
    placed = next(ax for ax in fresh.axes if getattr(ax, "_colorbar", None) is not None)
    np.testing.assert_allclose(colorbars[0].get_position().extents, placed.get_position().extents, atol=2e-3)
    for f in (fig, fresh, rebuilt):
        close(f)


def _colorbar_figure() -> Figure:
    """Two axes in a constrained layout, with one colorbar beside both."""
    fig = Figure(figsize=(4.0, 3.0), dpi=60, layout="constrained")
    axs = fig.subplots(1, 2)
    image = axs[1].imshow(np.arange(12.0).reshape(3, 4))
    fig.colorbar(image, ax=axs, extend="both")
    return fig


def _colorbar_doc() -> dict:
    return _doc(_colorbar_figure())


def _colorbar_of(doc: dict) -> dict:
    return next(a["colorbar"] for a in doc["figure"]["axes"] if "colorbar" in a)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda cb: cb["placement"].update(parents=[0, 5]), "earlier axes"),
        (lambda cb: cb["placement"].update(parents=[0.5]), "earlier axes"),
        (lambda cb: cb.update(boundaries=np.array([0.0, 2.0, 1.0])), "increasing"),
        (lambda cb: cb.update(boundaries=np.array([0.0, 1.0, 2.0]), values=np.array([0.5])), "one fewer"),
        (lambda cb: cb.update(values=np.array([1.0])), "increasing"),
        (lambda cb: cb.update(extendfrac=[0.1, 0.2, 0.3]), "one or two"),
        (lambda cb: cb.update(lut=np.zeros((0, 4))), "lut"),
    ],
)
def test_a_colorbar_that_cannot_be_made_is_refused(change, message) -> None:
    doc = copy.deepcopy(_colorbar_doc())
    change(_colorbar_of(doc))
    with pytest.raises(DecodeError, match=message):
        check_scene(decode_scene(encode_scene(doc)))


def test_a_colormap_table_over_the_limit_is_refused_before_anything_is_built() -> None:
    from figwire import LimitExceededError
    from figwire.scene import SceneLimits

    doc = copy.deepcopy(_colorbar_doc())
    _colorbar_of(doc)["lut"] = np.zeros((5000, 4))
    with pytest.raises(LimitExceededError):
        check_scene(decode_scene(encode_scene(doc)))
    assert check_scene(decode_scene(encode_scene(doc)), SceneLimits(max_lut=8192))


def test_a_colorbar_with_contour_lines_or_hatches_stays_as_drawn() -> None:
    """What the node cannot say is not approximated: the colorbar is carried frozen."""
    fig = Figure(figsize=(4.0, 3.0), dpi=60)
    ax = fig.subplots()
    data = np.linspace(0.0, 1.0, 48).reshape(6, 8)
    filled = ax.contourf(data, levels=4, hatches=["/", None, "\\\\", None])
    lines = ax.contour(data, levels=4, colors="k")
    fig.colorbar(filled).add_lines(lines)
    doc = _doc(fig)
    assert not any("colorbar" in a for a in doc["figure"]["axes"])
    rebuilt, _ = build(doc)
    assert _ssim(_pixels(fig), _pixels(rebuilt)) >= 0.97
    close(fig)
    close(rebuilt)


# -- legends ---------------------------------------------------------------------------


@st.composite
def legend_params(draw) -> dict:
    """Legends as ``Axes.legend()`` makes them from labelled lines, scatters and patches."""
    return {
        "layout": draw(st.sampled_from([None, "constrained"])),
        "kinds": draw(st.lists(st.sampled_from(["line", "marker line", "scatter", "patch"]), min_size=1, max_size=5)),
        "loc": draw(st.sampled_from(["best", "upper right", "lower left", "center", "outside"])),
        "ncols": draw(st.integers(1, 2)),
        "title": draw(st.sampled_from([None, "the legend"])),
        "frameon": draw(st.booleans()),
        "fancybox": draw(st.booleans()),
        "shadow": draw(st.booleans()),
        "fontsize": draw(st.sampled_from([6.0, 10.0])),
        "markerscale": draw(st.sampled_from([1.0, 2.0])),
        "draggable": draw(st.booleans()),
    }


def legend_figure(p: dict) -> Figure:
    fig = Figure(figsize=(4.0, 3.0), dpi=60, layout=p["layout"])
    ax = fig.subplots()
    x = np.linspace(0.0, 1.0, 20)
    for i, kind in enumerate(p["kinds"]):
        label = f"entry {i}"
        if kind == "line":
            ax.plot(x, x ** (i + 1), label=label)
        elif kind == "marker line":
            ax.plot(x, x ** (i + 1), "o--", ms=3, label=label)
        elif kind == "scatter":
            ax.scatter(x, 1 - x ** (i + 1), s=8 + 4 * i, label=label)
        else:
            ax.fill([0.1 * i, 0.1 * i + 0.05, 0.1 * i], [0.0, 0.0, 0.3], alpha=0.5, label=label)
    where = {"loc": p["loc"]} if p["loc"] != "outside" else {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0)}
    legend = ax.legend(
        ncols=p["ncols"], title=p["title"], frameon=p["frameon"], fancybox=p["fancybox"], shadow=p["shadow"],
        fontsize=p["fontsize"], markerscale=p["markerscale"], **where,
    )  # fmt: skip
    legend.set_draggable(p["draggable"])
    return fig


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legend_params())
def test_a_legend_is_made_by_the_consumer_and_looks_the_same(params) -> None:
    fig = legend_figure(params)
    result = figwire.unpack(figwire.pack(fig, parts=["scene"]))
    assert result.tier == "scene", result.reason
    rebuilt, fresh = result.figure, legend_figure(params)
    made, original = rebuilt.axes[0].get_legend(), fig.axes[0].get_legend()
    assert made is not None, "the legend is made by this matplotlib, not drawn as frozen leaves"
    assert [t.get_text() for t in made.get_texts()] == [t.get_text() for t in original.get_texts()]
    assert made.get_draggable() == original.get_draggable()
    assert _ssim(_pixels(fresh), _pixels(rebuilt)) >= 0.97
    for f in (fig, fresh, rebuilt):
        close(f)


def test_a_legend_of_proxies_or_containers_stays_as_drawn() -> None:
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(4.0, 3.0), dpi=60)
    left, right = fig.subplots(1, 2)
    left.plot([0, 1], [0, 1])
    left.legend(handles=[Line2D([], [], color="r", ls=":")], labels=["a proxy"])
    right.errorbar([0, 1], [0, 1], yerr=0.1, label="error bars")
    right.legend()
    doc = _doc(fig)
    assert not any(n["type"] == "legend" for a in doc["figure"]["axes"] for n in a["artists"])
    rebuilt, _ = build(doc)
    assert [ax.get_legend() for ax in rebuilt.axes] == [None, None]
    assert _ssim(_pixels(fig), _pixels(rebuilt)) >= 0.97
    close(fig)
    close(rebuilt)


def _legend_doc() -> dict:
    fig = Figure(figsize=(4.0, 3.0), dpi=60)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="one")
    ax.plot([0, 1], [1, 0], label="two")
    ax.legend()
    return copy.deepcopy(_doc(fig))


def _legend_of(doc: dict) -> dict:
    return next(n for n in doc["figure"]["axes"][0]["artists"] if n["type"] == "legend")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda doc: _legend_of(doc).update(entries=[0, 7]), "earlier lines"),
        (lambda doc: _legend_of(doc).update(labels=["one"]), "one label per entry"),
        (lambda doc: doc["figure"]["axes"][0]["artists"][1].update(id=0), "unique"),
    ],
)
def test_a_legend_that_cannot_be_made_is_refused(change, message) -> None:
    doc = _legend_doc()
    change(doc)
    with pytest.raises(DecodeError, match=message):
        check_scene(decode_scene(encode_scene(doc)))


def test_a_consumer_that_does_not_know_legends_draws_the_legend_as_it_was() -> None:
    """Scene 1.0 consumers skip the optional ``legend`` node and draw its marked leaves."""
    doc = _legend_doc()
    older = copy.deepcopy(doc)
    older["figure"]["axes"][0]["artists"] = [
        {k: v for k, v in n.items() if k != "drawn_by"}
        for n in older["figure"]["axes"][0]["artists"]
        if n["type"] != "legend"
    ]
    made, _ = build(check_scene(decode_scene(encode_scene(doc)))[0])
    drawn, _ = build(check_scene(decode_scene(encode_scene(older)))[0])
    assert made.axes[0].get_legend() is not None and drawn.axes[0].get_legend() is None
    assert _ssim(_pixels(made), _pixels(drawn)) >= 0.98
    close(made)
    close(drawn)


# -- what a hostile producer could ask of the consumer's colorbars and legends (red team) --


def _colorbar_and_legend_doc() -> dict:
    fig = _colorbar_figure()
    fig.axes[0].plot([0, 1], [0, 1], "o", label="a")
    fig.axes[0].legend()
    return copy.deepcopy(_doc(fig))


def _mutated(change) -> dict:
    doc = _colorbar_and_legend_doc()
    axes = doc["figure"]["axes"]
    change(
        doc,
        axes,
        next(a for a in axes if "colorbar" in a),
        next(n for n in axes[0]["artists"] if n["type"] == "legend"),
    )
    return doc


@pytest.mark.parametrize(
    "change, refusal",
    [
        # a multiple locator counted over the recorded limits, while the colorbar's view is its norm's
        (lambda d, a, cax, leg: (cax["colorbar"].update(norm={"kind": "linear", "vmin": 0.0, "vmax": 5000.0}),
                                 cax["yaxis"].update(locator="multiple", locator_base=1.0)), "ticks"),
        # a tick per colour band edge
        (lambda d, a, cax, leg: cax["colorbar"].update(
            norm={"kind": "boundary", "boundaries": np.linspace(0.0, 1.0, 4097), "ncolors": 4096}), "bands"),
        # a 1000 pt marker drawn 20 times larger in the legend
        (lambda d, a, cax, leg: (a[0]["artists"][0].update(markersize=1000.0), leg.update(markerscale=20.0)), "marker"),
        # markers multiplied by entries and points per entry
        (lambda d, a, cax, leg: (a[0]["artists"][0].update(markersize=100.0),
                                 leg.update(entries=[0] * 60, labels=["a"] * 60, numpoints=100, markerscale=10.0)),
         "marker pixels"),
        (lambda d, a, cax, leg: a[0]["artists"].append(dict(leg)), "second legend"),
        (lambda d, a, cax, leg: d["figure"].setdefault("artists", []).append(dict(leg)), "belongs to an axes"),
        (lambda d, a, cax, leg: cax["colorbar"]["placement"].update(parents=[]), "earlier axes in grid cells"),
    ],
)  # fmt: skip
def test_a_costly_or_impossible_colorbar_or_legend_is_refused_before_anything_is_built(change, refusal) -> None:
    from figwire import FigwireError

    with pytest.raises(FigwireError, match=refusal):
        check_scene(decode_scene(encode_scene(_mutated(change))))


def test_a_legend_counts_as_the_texts_it_lays_out() -> None:
    from figwire import LimitExceededError
    from figwire.scene import SceneLimits

    doc = _mutated(lambda d, a, cax, leg: leg.update(entries=[0] * 30, labels=["a"] * 30))
    with pytest.raises(LimitExceededError):
        check_scene(decode_scene(encode_scene(doc)), SceneLimits(max_text_nodes=100))


def test_no_text_of_a_scene_uses_tex_whatever_this_process_says() -> None:
    """A producer's tick labels, legend labels and titles are its strings: with the
    consumer's own ``text.usetex`` on, they would reach ``latex`` (``\\input`` of any file)."""
    import matplotlib
    from matplotlib.texmanager import TexManager

    doc = _colorbar_and_legend_doc()
    doc["figure"]["axes"][0]["xaxis"]["major"]["labels"][0] = r"\input{/etc/hostname}"
    with matplotlib.rc_context({"text.usetex": True}):
        built, _ = build(check_scene(decode_scene(encode_scene(doc)))[0])
        original = TexManager.make_dvi
        TexManager.make_dvi = lambda *args, **kwargs: pytest.fail("TeX was started")  # type: ignore[method-assign]
        try:
            _pixels(built)
            built.axes[0].set_xlim(0.2, 0.4)  # new ticks are made at the next draw
            _pixels(built)
        finally:
            TexManager.make_dvi = original  # type: ignore[method-assign]
        texts = [t for ax in built.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
        texts += [*built.axes[0].get_legend().get_texts(), built.axes[0].get_legend().get_title()]
        assert texts and not any(t.get_usetex() for t in texts)
    close(built)


def test_a_colorbar_or_legend_a_consumer_would_refuse_is_described_as_drawn() -> None:
    """The describer writes only what the tables allow: a legend at ``markerscale`` 25 or a
    colorbar of 2000 band edges is carried as drawn, not as a node that would make the
    whole scene invalid."""
    fig = Figure(figsize=(4.0, 3.0), dpi=60)
    left, right = fig.subplots(1, 2)
    left.plot([0, 1], [0, 1], "o", ms=4, label="a")
    left.legend(markerscale=25)
    image = right.imshow(
        np.random.default_rng(0).random((5, 5)), norm=mcolors.BoundaryNorm(np.linspace(0, 1, 2001), 4096)
    )
    fig.colorbar(image, ax=right, ticks=[0.0, 0.5, 1.0])
    draw_for_scene(fig)
    doc, _ = describe(fig)
    assert not any(n["type"] == "legend" for a in doc["figure"]["axes"] for n in a["artists"])
    assert not any("colorbar" in a for a in doc["figure"]["axes"])
    close(fig)


@pytest.mark.parametrize("layout", ["constrained", "tight"])
def test_aligned_labels_and_titles_are_aligned_again(layout) -> None:
    """``Figure.align_ylabels``/``align_xlabels``/``align_titles`` (scene 1.5): the rebuilt
    labels line up as the original's, in the same places, laid out by this matplotlib.
    (matplotlib aligns only axes in grid cells, which a consumer makes with a layout
    engine; without one the axes are placed where drawn, and labels are not aligned.)"""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    import figwire

    fig = Figure(figsize=(6, 4), layout=layout)
    FigureCanvasAgg(fig)
    axs = fig.subplots(2, 2)
    for i, ax in enumerate(axs.flat):
        ax.plot(np.arange(5) * 10.0 ** (3 * (i % 2) - i), np.arange(5))  # tick labels of other widths
        ax.set_ylabel(f"y {i}")
        ax.set_xlabel(f"x {i}")
        ax.set_title(f"title {i}")
    axs[0, 0].xaxis.tick_top()
    fig.align_ylabels(axs[:, 0])
    fig.align_xlabels()
    aligns_titles = hasattr(fig, "align_titles")
    if aligns_titles:
        fig.align_titles()
    draw_for_scene(fig)
    result = figwire.unpack(figwire.pack(fig, parts=("scene",)))
    assert result.tier == "scene", result.reason
    rebuilt = result.figure
    FigureCanvasAgg(rebuilt)
    for f in (fig, rebuilt):
        draw_for_scene(f)

    def where(f: Figure) -> list:
        out = []
        for ax in f.axes:
            y, x = ax.yaxis.label.get_window_extent(), ax.xaxis.label.get_window_extent()
            out.append([round(y.x0), round(x.y0), round(ax.title.get_window_extent().y0)])
        return out

    got, want = where(rebuilt), where(fig)
    assert got == want
    assert got[0][0] == got[2][0], "the first column's y labels are aligned"
    assert got[0][1] == got[1][1] and got[2][1] == got[3][1], "each row's x labels are aligned"
    if aligns_titles and matplotlib.__version__ >= "3.9":
        assert got[0][2] == got[1][2], "the top row's titles are aligned above the top ticks"


@pytest.mark.parametrize("layout", [None, "constrained"])
def test_a_label_placed_by_hand_stays_there(layout) -> None:
    """``Axis.set_label_coords`` (scene 1.5): the label is where the producer put it, in
    axes fraction, not where matplotlib would put it from the tick labels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    import figwire

    fig = Figure(figsize=(5, 3), layout=layout)
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    for ax, scale in ((left, 1.0), (right, 1e6)):
        ax.plot([0, 1], [0, scale])
        ax.set_ylabel("by hand")
        ax.yaxis.set_label_coords(-0.3, 0.4)
    draw_for_scene(fig)
    result = figwire.unpack(figwire.pack(fig, parts=("scene",)))
    assert result.tier == "scene", result.reason
    FigureCanvasAgg(result.figure)
    draw_for_scene(result.figure)
    for original, rebuilt in zip(fig.axes, result.figure.axes):
        assert rebuilt.yaxis.label.get_position() == pytest.approx(original.yaxis.label.get_position())
        got, want = (ax.yaxis.label.get_window_extent() for ax in (rebuilt, original))
        assert (round(got.x0), round(got.y0)) == (round(want.x0), round(want.y0))
