"""Scene layouts the consumer re-runs with its own text metrics (spec §16.6-16.7).

Across matplotlib minors the same figure is laid out differently (3.11's text metrics
move a tight layout's axes by several pixels), so a scene that froze the producer's
positions would look like the producer's figure, not like the consumer's own copy. These
tests pin down when the consumer lays out again and when it keeps what it was sent.
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
    rebuilt, _ = build(doc)
    np.testing.assert_allclose(_boxes(rebuilt), _boxes(fig), atol=1e-9)
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
