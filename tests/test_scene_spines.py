"""Moved spines in a scene (scene 1.5): placed by the consumer, so the ticks go with them.

A spine moved to an axes fraction or a data value (``set_position(('data', 0))``, the
shorthands ``'center'`` and ``'zero'``) was carried as a path only: the ticks stayed on
the axes' edge, a data-placed spine stayed where it was after a zoom, and ``'center'``
and ``'zero'`` were not drawn at all (matplotlib's ``spines/spine_placement_demo``: SSIM
0.922). Now the spine node says where it is, the consumer places its own spine there, and
leaves out the path, which stays in the scene for older consumers.
"""

from __future__ import annotations

from typing import Any, Dict, List

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scene_support import rebuilt_by_scene
from skimage.metrics import structural_similarity

import figwire
from figwire import DecodeError
from figwire._codec import part_buffers
from figwire.scene import _check, check_scene, describe, draw_for_scene, rebuild
from figwire.scene._build import build

matplotlib.use("Agg")

PLACEMENTS = st.one_of(
    st.sampled_from(["center", "zero"]),
    st.tuples(st.just("axes"), st.floats(-0.2, 1.2)),
    st.tuples(st.just("data"), st.floats(-1.5, 1.5)),
    st.tuples(st.just("outward"), st.floats(0, 20)),
)


def _figure(moved: Dict[str, Any], hidden: List[str]) -> Figure:
    fig = Figure(figsize=(4, 3))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = np.linspace(-2, 2, 50)
    ax.plot(x, np.sin(2 * x))
    for side, where in moved.items():
        ax.spines[side].set_position(where)
    for side in hidden:
        ax.spines[side].set_visible(False)
    return fig


def _pixels(fig: Figure) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


def _ssim(a: Figure, b: Figure) -> float:
    return float(structural_similarity(_pixels(a), _pixels(b), channel_axis=2, data_range=255))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    moved=st.dictionaries(st.sampled_from(["left", "bottom", "right", "top"]), PLACEMENTS, min_size=1, max_size=4),
    hidden=st.lists(st.sampled_from(["left", "bottom", "right", "top"]), unique=True, max_size=2),
    zoom=st.tuples(st.floats(-1.0, 0.5), st.floats(0.2, 3.0)),
)
def test_a_moved_spine_is_placed_by_the_consumer_and_follows_a_zoom(moved, hidden, zoom) -> None:
    """The rebuilt figure looks like the original at the recorded view and after the same
    zoom (a data-placed spine and its ticks move with the data), with no path left over."""
    fig = _figure(moved, hidden)
    draw_for_scene(fig)
    rebuilt = rebuilt_by_scene(fig)
    assert _ssim(fig, rebuilt) >= 0.98
    assert not rebuilt.axes[0].patches, "the paths that drew the spines for older consumers are left out"
    for f in (fig, rebuilt):
        f.axes[0].set_xlim(zoom[0], zoom[0] + zoom[1])
        f.axes[0].set_ylim(zoom[0] * 0.5, zoom[0] * 0.5 + zoom[1])
    assert _ssim(fig, rebuilt) >= 0.98
    for side in ("left", "bottom", "right", "top"):
        assert rebuilt.axes[0].spines[side].get_visible() == fig.axes[0].spines[side].get_visible()


def test_the_shorthands_are_written_as_what_they_mean() -> None:
    fig = _figure({"left": "zero", "bottom": "center"}, [])
    draw_for_scene(fig)
    spines = {s["name"]: s for s in describe(fig)[0]["figure"]["axes"][0]["spines"]}
    assert (spines["left"]["placement"], spines["left"]["at"]) == ("data", 0.0)
    assert (spines["bottom"]["placement"], spines["bottom"]["at"]) == ("axes", 0.5)
    assert not spines["left"]["visible"], "an older consumer draws it as its path"


def test_a_consumer_that_does_not_know_placements_draws_the_path(monkeypatch) -> None:
    """A scene 1.4 consumer ignores the new fields: the spine stays hidden, the patch that
    drew it where it was is drawn, as before."""
    fig = _figure({"left": ("data", 0.5), "bottom": "zero"}, [])
    draw_for_scene(fig)
    spine_fields = tuple(f for f in _check.STRUCTS["spine"] if f.name not in ("placement", "at"))
    patch_fields = tuple(f for f in _check.NODE_TYPES["patch"] if f.name != "spine")
    monkeypatch.setitem(_check.STRUCTS, "spine", spine_fields)
    monkeypatch.setitem(_check.NODE_TYPES, "patch", patch_fields)
    rebuilt = rebuilt_by_scene(fig)
    ax = rebuilt.axes[0]
    assert not ax.spines["left"].get_visible() and not ax.spines["bottom"].get_visible()
    assert len(ax.patches) == 2


def test_the_tick_labels_of_a_moved_spine_never_use_tex() -> None:
    """Moving a spine resets its axis' ticks; they are made after it, so the first tick the
    others copy has TeX off, whatever this process' ``text.usetex``."""
    fig = _figure({"left": ("outward", 10), "bottom": ("data", 0.2)}, [])
    draw_for_scene(fig)
    frames = figwire.pack(fig, parts=("scene",))
    header = figwire.inspect(frames)
    with matplotlib.rc_context({"text.usetex": True}):
        rebuilt = rebuild(part_buffers(frames, header, header.scene), verify=False)[0]
        for axis in (rebuilt.axes[0].xaxis, rebuilt.axes[0].yaxis):
            first = axis.get_major_ticks(1)[0]
            assert not (first.label1.get_usetex() or first.label2.get_usetex())


@pytest.mark.parametrize(
    "spoil",
    [
        {"placement": "figure", "at": 0.5},
        {"placement": "data", "at": float("nan")},
        {"placement": "data", "at": 1e301},
        {"placement": "axes", "at": "0.5"},
    ],
)
def test_a_placement_out_of_the_schema_is_refused(spoil: Dict[str, Any]) -> None:
    fig = _figure({"left": "zero"}, [])
    draw_for_scene(fig)
    doc = describe(fig)[0]
    next(s for s in doc["figure"]["axes"][0]["spines"] if s["name"] == "left").update(spoil)
    with pytest.raises(DecodeError):
        check_scene(doc)


def test_a_patch_naming_a_spine_that_was_not_placed_is_drawn() -> None:
    """Only a spine the consumer placed takes its path's place: a patch that names a spine
    whose node has no placement (a producer's choice, or an edited scene) is drawn."""
    fig = _figure({"left": "zero"}, [])
    draw_for_scene(fig)
    doc = describe(fig)[0]
    axes = doc["figure"]["axes"][0]
    for spine in axes["spines"]:
        spine.pop("placement", None)
        spine.pop("at", None)
    checked, _ = check_scene(doc)
    rebuilt, _ = build(checked)
    assert len(rebuilt.axes[0].patches) == 1 and not rebuilt.axes[0].spines["left"].get_visible()


@pytest.mark.parametrize("placement", [("data", 1e300), ("data", -1e300), ("axes", 1e300), ("data", -5.0)])
def test_a_spine_placed_beyond_reach_is_left_to_its_patch(placement) -> None:
    """A hostile ``at`` (the schema allows any finite value) put the spine's tick labels
    at 1e300 px: the headless check passed and the caller's Agg draw raised in FreeType.
    Such a spine is drawn as its patch, the figure draws, and the spine is not placed.
    (``("data", -5.0)`` on a log axis has no place at all.)"""
    fig = _figure({"left": "zero"}, [])
    if placement == ("data", -5.0):
        fig.axes[0].set_xscale("log")
        fig.axes[0].set_xlim(0.1, 10)
    draw_for_scene(fig)
    doc = describe(fig)[0]
    next(s for s in doc["figure"]["axes"][0]["spines"] if s["name"] == "left").update(
        placement=placement[0], at=placement[1]
    )
    rebuilt, _ = build(check_scene(doc)[0])
    FigureCanvasAgg(rebuilt).draw()
    ax = rebuilt.axes[0]
    assert ax.spines["left"].get_position() == ("outward", 0.0) and not ax.spines["left"].get_visible()
    assert len(ax.patches) == 1, "its patch draws it where it was"
