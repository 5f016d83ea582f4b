"""Figures with subfigures: a scene draws their parts in the order the producer drew them.

A subfigure draws as a unit (background, then its artists and axes) at a point of its
parent's drawing that depends on matplotlib (after everything up to 3.8, by zorder from
3.9). Opaque subfigure backgrounds that overlap the parent's axes, titles and texts make
any mistake visible, so the rebuilt figure is compared with the original pixel for pixel.
"""

from __future__ import annotations

import io

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from PIL import Image

import figwire
from figwire.scene._order import draw_ranks


def _pixels(fig: Figure) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    with Image.open(buf) as image:
        return np.asarray(image.convert("RGB")).astype(int)


@st.composite
def overlapping(draw) -> Figure:
    fig = Figure(figsize=(4.0, 3.0), dpi=60)
    parent = fig.add_subplot()
    parent.plot([0, 1, 0.3], color="tab:red", linewidth=4)
    parent.set_zorder(draw(st.sampled_from([-2.0, 0.0, 4.0])))
    if draw(st.booleans()):
        fig.suptitle("the figure's title", fontsize=20, y=0.6)
    if draw(st.booleans()):
        fig.text(0.5, 0.5, "figure text", zorder=draw(st.sampled_from([-1.0, 3.0, 10.0])), fontsize=18)
    subs = fig.subfigures(1, 2, wspace=0.0, width_ratios=[1, draw(st.sampled_from([1, 2]))])
    for i, sub in enumerate(subs):
        sub.set_facecolor(draw(st.sampled_from(["0.8", "lightyellow", "none"])))
        sub.set_zorder(draw(st.sampled_from([-1.0, 0.0, 2.0, 6.0])))
        ax = sub.add_subplot()
        ax.plot([i, 1 - i], color="tab:blue", linewidth=3)
        ax.set_zorder(draw(st.sampled_from([0.0, 5.0])))
        if draw(st.booleans()):
            sub.suptitle(f"subfigure {i}", fontsize=14)
        if i == 0 and draw(st.booleans()):
            inner = sub.subfigures(2, 1)[1]
            inner.set_facecolor("lightblue")
            inner.text(0.3, 0.3, "nested", fontsize=16)
    return fig


@settings(max_examples=40, deadline=None)
@given(overlapping())
def test_subfigures_draw_in_the_producers_order(fig: Figure) -> None:
    want = _pixels(fig)
    result = figwire.unpack(figwire.pack(fig, parts=["scene"]))
    assert result.live and result.tier == "scene", result.reason
    got = _pixels(result.figure)
    assert got.shape == want.shape
    wrong = np.abs(got - want).max(axis=2) > 60
    assert wrong.mean() < 0.002, f"{wrong.mean():.2%} of the pixels differ"


def test_the_ranks_put_the_figures_titles_where_the_consumer_draws_them() -> None:
    """The consumer's suptitle is at zorder 3: what the producer drew before it ranks below 3."""
    import matplotlib

    fig = Figure()
    fig.add_subplot()
    title = fig.suptitle("t")
    sub = fig.subfigures(1, 1)
    ranks = draw_ranks(fig, [title])
    assert id(title) not in ranks and len(set(ranks.values())) == len(ranks)
    assert ranks[id(fig.axes[0])] < 3  # axes (zorder 0) draw before the title (zorder 3)
    if tuple(matplotlib.__version_info__[:2]) >= (3, 9):  # subfigures sorted by zorder (0): before it
        assert ranks[id(fig.axes[0])] < ranks[id(sub.patch)] < 3
    else:  # drawn after everything their parent draws
        assert ranks[id(sub.patch)] > 3


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["->", "-|>", "fancy", "simple", "wedge", "<->", "]-["]),
    st.sampled_from(["arc3,rad=0.3", "angle,angleA=-95,angleB=35,rad=10", "angle3,angleA=0,angleB=90", "arc3"]),
    st.sampled_from(["data", "axes fraction", "offset points"]),
    st.booleans(),
)
def test_an_annotation_draws_its_arrow_or_nothing(style: str, connection: str, textcoords: str, inside: bool) -> None:
    """An annotation is drawn whole (arrow, then text) or, with its point outside the axes,
    not at all: the rebuilt figure matches the original either way."""
    assume(style not in ("fancy", "simple", "wedge") or connection.startswith(("arc3", "angle3")))  # else mpl raises
    fig = Figure(figsize=(3.0, 2.0), dpi=80)
    ax = fig.add_subplot()
    ax.plot([0, 10], [0, 5], color="0.8")
    text_at = {"data": (8, 1), "axes fraction": (0.8, 0.2), "offset points": (40, -30)}[textcoords]
    ax.annotate("note", xy=(2, 4) if inside else (20, 4), xytext=text_at, textcoords=textcoords,
                arrowprops={"arrowstyle": style, "connectionstyle": connection, "color": "k", "lw": 2})  # fmt: skip
    want = _pixels(fig)
    result = figwire.unpack(figwire.pack(fig, parts=["scene"]))
    assert result.live, result.reason
    wrong = np.abs(_pixels(result.figure) - want).max(axis=2) > 60
    assert wrong.mean() < 0.002, f"{wrong.mean():.2%} of the pixels differ"


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["left", "center", "right"]),
    st.sampled_from([None, 1.0, 0.85, 1.1]),
    st.sampled_from([None, 0.02, 0.3]),
    st.sampled_from([None, -14.0, 12.0]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([None, "constrained"]),
)
def test_titles_sit_where_the_producer_put_them_whatever_the_consumers_rc(
    loc: str, y, x, pad, label_top: bool, ticks_top: bool, layout
) -> None:
    """Titles lifted above top labels and ticks, or placed by hand (``y``, ``x``), land where
    they were, even when the consumer's own rcParams move titles (``axes.titley``)."""
    import matplotlib

    fig = Figure(figsize=(3.0, 2.4), dpi=80, layout=layout)
    ax = fig.add_subplot()
    ax.plot(range(10))
    if label_top:
        ax.xaxis.set_label_position("top")
    if ticks_top:
        ax.xaxis.tick_top()
    ax.set_xlabel("X-label")
    ax.set_title("a title", loc=loc, y=y, pad=pad, **({} if x is None else {"x": x}))
    want = _pixels(fig)
    with matplotlib.rc_context({"axes.titley": 1.0, "axes.titlepad": -14}):  # a consumer's own style
        result = figwire.unpack(figwire.pack(fig, parts=["scene"]))
    assert result.live, result.reason
    wrong = np.abs(_pixels(result.figure) - want).max(axis=2) > 60
    assert wrong.mean() < 0.002, f"{wrong.mean():.2%} of the pixels differ"
