"""Figure legends in a scene (scene 1.4): ``Figure.legend()`` made again by the consumer.

A figure legend was carried as its drawn leaves only, so a constrained layout on the
consumer did not make room for a legend placed ``outside`` and the axes ran under it
(matplotlib's own ``figlegend_demo`` scored SSIM 0.67). Now its node lists the axes'
artists it was made from, and the consumer makes it with ``Figure.legend``.
"""

from __future__ import annotations

import io
from typing import Any, List

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image
from scene_support import rebuilt_by_scene
from skimage.metrics import structural_similarity

import figwire
from figwire import DecodeError
from figwire._codec import part_buffers
from figwire.scene import _check, check_scene, describe, draw_for_scene

matplotlib.use("Agg")

LOCS = ["outside right upper", "outside upper center", "outside lower center", "outside left lower", "upper left",
        "center right"]  # fmt: skip


def _render(fig: Figure) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return np.asarray(Image.open(buffer).convert("RGB"))


def _figure(n_axes: int, kinds: List[str], loc: str, ncols: int, layout: Any) -> Figure:
    fig = Figure(figsize=(6, 3), layout=layout)
    FigureCanvasAgg(fig)
    axs = fig.subplots(1, n_axes, squeeze=False)[0]
    x = np.linspace(0, 10, 30)
    for i, kind in enumerate(kinds):
        ax = axs[i % n_axes]
        if kind == "line":
            ax.plot(x, np.sin(x + i), label=f"line {i}")
        elif kind == "marker":
            ax.plot(x, np.cos(x + i), "o-", markersize=4, label=f"markers {i}")
        elif kind == "scatter":
            ax.scatter(x, x * 0.1 * i, s=12, label=f"scatter {i}")
        else:
            ax.fill_between(x, 0, np.abs(np.sin(x)) + i, alpha=0.4, label=f"fill {i}")
    fig.legend(loc=loc, ncols=ncols)
    return fig


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_axes=st.integers(1, 3),
    kinds=st.lists(st.sampled_from(["line", "marker", "scatter"]), min_size=1, max_size=4),
    loc=st.sampled_from(LOCS),
    ncols=st.integers(1, 3),
    layout=st.sampled_from(["constrained", None]),
)
def test_a_figure_legend_is_made_again_and_the_figure_looks_the_same(n_axes, kinds, loc, ncols, layout) -> None:
    """The consumer's first draw against the producer's image of the same message (a
    constrained layout is not always a fixed point after one draw: both are first draws)."""
    fig = _figure(n_axes, kinds, loc, ncols, layout)
    frames = figwire.pack(fig, parts=("scene", "image/png"))
    header = figwire.inspect(frames)
    (png,) = part_buffers(frames, header, header.fallbacks[0])
    doc, _ = describe(fig)
    assert [n["type"] for n in doc["figure"]["artists"]].count("figure_legend") == 1
    result = figwire.unpack(frames)
    assert result.tier == "scene", result.reason
    rebuilt = result.figure
    FigureCanvasAgg(rebuilt)
    assert len(rebuilt.legends) == 1
    assert [t.get_text() for t in rebuilt.legends[0].get_texts()] == [t.get_text() for t in fig.legends[0].get_texts()]
    want, got = np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB")), _render(rebuilt)
    assert got.shape == want.shape
    assert structural_similarity(want, got, channel_axis=2) >= 0.95  # the project's "looks the same"


def test_the_legend_outside_makes_room_in_the_consumer_s_layout() -> None:
    fig = _figure(2, ["line", "marker", "line", "marker"], "outside right upper", 1, "constrained")
    draw_for_scene(fig)
    rebuilt = rebuilt_by_scene(fig)
    rebuilt.canvas.draw()
    legend_left = rebuilt.legends[0].get_window_extent().x0
    assert max(ax.get_window_extent().x1 for ax in rebuilt.axes) < legend_left
    for a, b in zip(fig.axes, rebuilt.axes):
        assert np.allclose(a.get_position().bounds, b.get_position().bounds, atol=5e-3)


def test_a_consumer_that_does_not_know_the_node_draws_the_legend_as_drawn(monkeypatch) -> None:
    """A scene 1.3 consumer: the node is optional, so it is left out and its leaves drawn."""
    fig = _figure(2, ["line", "scatter"], "outside right upper", 1, "constrained")
    draw_for_scene(fig)
    monkeypatch.setattr(_check, "NODE_TYPES", {k: v for k, v in _check.NODE_TYPES.items() if k != "figure_legend"})
    result = figwire.unpack(figwire.pack(fig, parts=("scene",)))
    assert result.tier == "scene", result.reason
    assert not result.figure.legends
    assert {"line 0", "scatter 1"} <= {t.get_text() for t in result.figure.findobj(Text)}
    assert any("figure_legend" in why for _, why in result.skipped)


def _doc() -> Any:
    fig = _figure(2, ["line", "scatter"], "upper left", 1, None)
    draw_for_scene(fig)
    return describe(fig)[0]


def _legend(doc: Any) -> Any:
    return next(n for n in doc["figure"]["artists"] if n["type"] == "figure_legend")


@pytest.mark.parametrize(
    "spoil",
    [
        lambda doc: _legend(doc).update(entries=[0, 99]),
        lambda doc: _legend(doc).update(entry_axes=[0, 7]),
        lambda doc: _legend(doc).update(entry_axes=[0]),
        lambda doc: _legend(doc).update(labels=["only one"]),
        lambda doc: doc["figure"]["axes"][0]["artists"].append(dict(_legend(doc))),
        lambda doc: _legend(doc).update(outside="inside"),
    ],
)
def test_a_figure_legend_that_names_nothing_it_can_list_is_refused(spoil) -> None:
    doc = _doc()
    spoil(doc)
    with pytest.raises(DecodeError):
        check_scene(doc)


def test_a_subfigure_s_legend_stays_as_drawn() -> None:
    fig = Figure(figsize=(6, 3))
    FigureCanvasAgg(fig)
    sub = fig.subfigures(1, 2)[0]
    sub.subplots().plot([0, 1], label="a")
    sub.legend()
    draw_for_scene(fig)
    doc, _ = describe(fig)
    assert "figure_legend" not in [n["type"] for n in doc["figure"]["artists"]]
    assert np.isfinite(structural_similarity(_render(fig), _render(rebuilt_by_scene(fig)), channel_axis=2))
