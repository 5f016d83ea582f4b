"""Legends as legends (spec §16.4 ``legend``): both halves of the one node.

A legend's box, entry spacing and, with ``loc="best"``, its place follow from text
metrics and from where the data lies; frozen as drawn it keeps the producer's, and a
consumer of another matplotlib draws its own copy of the figure differently (3.11's text
metrics make every legend a few pixels larger). So the producer writes what the legend
was made from: which of the axes' artists it lists, their labels, and its settings; the
consumer makes it with ``Axes.legend`` over the artists it built. The legend's drawn
leaves still travel, marked ``drawn_by``, for a consumer that does not know the node.

Only a legend that ``Axes.legend()`` would make from the axes' own labelled artists is
carried this way, each entry a line, a patch or a scatter: proxy handles, containers
(error bars, bar and stem containers) and custom handler maps have handlers a consumer
cannot be sure to match, and those legends stay as drawn.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np

from . import _private
from ._place import Node, as_color, bounds_of, in_ranges, rgba_array
from ._rules import MAX_MARKER_POINTS, marker_points
from ._schema import FIGURE_LEGEND_FIELDS, LEGEND_FIELDS

__all__ = ["build_figure_legend", "build_legend", "describe_figure_legend", "describe_legend"]

#: Legend settings that are plain attributes of the same name on every supported matplotlib.
_SPACINGS = ("markerscale", "handlelength", "handleheight", "handletextpad", "borderpad", "labelspacing",
             "columnspacing", "borderaxespad")  # fmt: skip
_COUNTS = ("numpoints", "scatterpoints")


def _handle_ok(handle: Any) -> bool:
    """A handle whose built counterpart gets the same legend handler on any consumer."""
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(handle, PathCollection):
        return len(handle.get_sizes()) > 0  # a scatter: built as a PathCollection with sizes
    return isinstance(handle, (Line2D, Patch))


def describe_legend(legend: Any, node_of: Dict[Any, Node]) -> Optional[Node]:
    """The ``legend`` node of an axes legend, or None when it stays as drawn. ``node_of``
    maps each of the axes' artists described as one node to that node; the ones the legend
    lists get an ``id``."""
    ax = getattr(legend, "axes", None)
    if ax is None or legend.parent is not ax:
        return None
    handles, labels = ax.get_legend_handles_labels()
    if not all(h in node_of for h in handles):
        return None
    node = _settings(legend, handles, labels, [node_of[h] for h in handles], ax.transAxes)
    if node is not None:
        node["entries"] = [_id(node_of, h) for h in handles]
    return node


def describe_figure_legend(legend: Any, axes_list: List[Any], node_maps: Dict[Any, Dict[Any, Node]]) -> Optional[Node]:
    """The ``figure_legend`` node (scene 1.4) of a legend that ``Figure.legend()`` made from
    the labelled artists of the figure's own axes, or None when it stays as drawn.
    ``node_maps``: each axes' ``node_of``."""
    fig = legend.parent
    if getattr(fig, "legends", None) is None or legend not in fig.legends or getattr(fig, "figure", fig) is not fig:
        return None  # a subfigure's legend: its axes are laid out with the subfigure, frozen
    handles: List[Any] = []
    labels: List[str] = []
    for ax in fig.axes:
        more, named = ax.get_legend_handles_labels()
        handles += more
        labels += named
    owners = [getattr(h, "axes", None) for h in handles]
    if not all(ax in node_maps and ax in axes_list and h in node_maps[ax] for h, ax in zip(handles, owners)):
        return None
    node = _settings(legend, handles, labels, [node_maps[ax][h] for h, ax in zip(handles, owners)], fig.transFigure)
    if node is None or not in_ranges(node, FIGURE_LEGEND_FIELDS):
        return None
    node["type"] = "figure_legend"
    outside = _private.legend_outside(legend)
    if outside is not None:
        node["outside"] = outside
    node["entries"] = [_id(node_maps[ax], h) for h, ax in zip(handles, owners)]
    node["entry_axes"] = [axes_list.index(ax) for ax in owners]
    return node


def _id(node_of: Dict[Any, Node], handle: Any) -> int:
    """The ``id`` of ``handle``'s node, given one unique in its axes if it has none yet."""
    return int(node_of[handle].setdefault("id", len([n for n in node_of.values() if "id" in n])))


def _settings(legend: Any, handles: List[Any], labels: List[str], nodes: List[Node], transform: Any) -> Optional[Node]:
    """A legend's node without its entries, when it lists ``handles`` as drawn and a
    consumer can make it the same way; ``transform``: to the fraction its anchor is in."""
    layout = _private.legend_layout(legend)
    if layout is None or getattr(legend, "_custom_handler_map", None):
        return None
    texts = legend.get_texts()
    if [t.get_text() for t in texts] != labels or not all(_handle_ok(h) for h in handles):
        return None
    loc, ncols, mode = layout
    frame = legend.get_frame()
    node: Node = {
        "type": "legend",
        "optional": True,
        "zorder": float(legend.get_zorder()),
        "labels": labels,
        "loc": loc,
        "ncols": ncols,
        "fontsize": float(legend.prop.get_size_in_points()),
        "frameon": bool(legend.get_frame_on()),
        "fancybox": type(frame.get_boxstyle()).__name__ == "Round",
        "shadow": bool(legend.shadow),
        "framealpha": float(frame.get_alpha() if frame.get_alpha() is not None else 1.0),
        "facecolor": as_color(frame.get_facecolor()),
        "edgecolor": as_color(frame.get_edgecolor()),
        "draggable": bool(legend.get_draggable()),
    }
    if mode is not None:
        node["mode"] = mode
    if texts:
        node["labelcolors"] = rgba_array([t.get_color() for t in texts])
    anchor = legend.get_bbox_to_anchor()
    if anchor is not legend.parent.bbox:  # set by the producer: kept in axes (figure) fraction
        node["anchor"] = bounds_of(transform.inverted().transform_bbox(anchor))
    title = legend.get_title()
    if title.get_visible() and title.get_text():
        node.update(title=title.get_text(), title_fontsize=float(title.get_fontsize()))
    alignment = getattr(legend, "get_alignment", lambda: None)()
    if alignment in ("left", "center", "right"):
        node["alignment"] = alignment
    for name in _SPACINGS:
        node[name] = float(getattr(legend, name))
    for name in _COUNTS:
        node[name] = int(getattr(legend, name))
    largest = max((marker_points(n) for n in nodes), default=0.0)  # as the consumer counts it
    if not in_ranges(node, LEGEND_FIELDS) or largest * node["markerscale"] > MAX_MARKER_POINTS:
        return None  # a consumer refuses these: the legend is described as drawn
    return node


def build_legend(ax: Any, node: Node, built: Dict[int, Any], builder: Any, where: str) -> bool:
    """Make the legend of a checked ``legend`` node over the artists built from its
    entries (``built``: by ``id``); False when that is not possible here (the caller then
    draws the legend's leaves)."""
    handles = [built.get(int(i)) for i in node["entries"]]
    if any(h is None for h in handles) or len(handles) != len(node["labels"]):
        builder.skipped.append((where, "a legend entry names an artist this scene did not build: drawn as it was"))
        return False
    _make(ax.legend, handles, node, _kwargs(node, handles, ax.transAxes), builder, where)
    return True


def build_figure_legend(fig: Any, node: Node, built: List[Dict[int, Any]], builder: Any, where: str) -> bool:
    """Make the figure legend of a checked ``figure_legend`` node; ``built``: each axes'
    artists by ``id``, in ``figure.axes`` order. False when not possible here."""
    pairs = list(zip(node["entry_axes"], node["entries"]))
    handles = [built[int(a)].get(int(i)) if 0 <= a < len(built) else None for a, i in pairs]
    if any(h is None for h in handles) or len(handles) != len(node["labels"]):
        builder.skipped.append((where, "a legend entry names an artist this scene did not build: drawn as it was"))
        return False
    kwargs = _kwargs(node, handles, fig.transFigure)
    if "outside" in node:  # constrained layout makes room for it beside the axes, as in the producer
        try:
            outside = {**kwargs, "loc": _outside(node["outside"], int(node.get("loc", 1)))}
            _make(fig.legend, handles, node, outside, builder, where)
            return True
        except ValueError:  # matplotlib < 3.7 has no loc='outside ...': at the same place, over the axes
            builder.skipped.append((where, "this matplotlib places no legend outside the axes: drawn over them"))
    _make(fig.legend, handles, node, kwargs, builder, where)
    return True


#: matplotlib's legend location codes, by the words of their names
_CODES = ("best", "upper right", "upper left", "lower left", "lower right", "right", "center left", "center right",
          "lower center", "upper center", "center")  # fmt: skip


def _outside(side: str, code: int) -> str:
    """``loc='outside ...'`` for a legend kept out on ``side`` at location ``code``."""
    words = _CODES[code].split() if 0 <= code < len(_CODES) else ["upper", "right"]
    vertical = words[0] if words[0] in ("upper", "lower", "center") and len(words) == 2 else "center"
    horizontal = words[-1] if words[-1] in ("left", "right", "center") else "center"
    return f"outside {side} {vertical if side in ('left', 'right') else horizontal}"


def _kwargs(node: Node, handles: List[Any], transform: Any) -> Dict[str, Any]:
    kwargs: Dict[str, Any] = {k: node[k] for k in (*_SPACINGS, *_COUNTS) if k in node}
    for key, name in (("loc", "loc"), ("ncols", "ncol"), ("mode", "mode"), ("fontsize", "fontsize"),
                      ("title", "title"), ("title_fontsize", "title_fontsize"), ("frameon", "frameon"),
                      ("fancybox", "fancybox"), ("shadow", "shadow"), ("framealpha", "framealpha"),
                      ("facecolor", "facecolor"), ("edgecolor", "edgecolor")):  # fmt: skip
        if key in node:
            kwargs[name] = node[key]
    if "labelcolors" in node and len(node["labelcolors"]) == len(handles):
        kwargs["labelcolor"] = [tuple(c) for c in np.array(node["labelcolors"], float) / _scale(node["labelcolors"])]
    if "anchor" in node:
        x, y, width, height = node["anchor"]
        kwargs["bbox_to_anchor"] = (x, y) if width == height == 0 else (x, y, width, height)
        kwargs["bbox_transform"] = transform
    if "alignment" in node:
        kwargs["alignment"] = node["alignment"]
    return kwargs


def _make(
    make: Any, handles: List[Any], node: Node, kwargs: Dict[str, Any], builder: Any = None, where: str = ""
) -> None:
    try:
        legend = make(handles, list(node["labels"]), **kwargs)
    except TypeError:  # a setting this matplotlib's legend does not take (alignment before 3.6)
        kwargs.pop("alignment", None)
        if builder is not None:
            builder.skipped.append((where, "the legend's alignment is not supported here"))
        legend = make(handles, list(node["labels"]), **kwargs)
    legend.set_zorder(node.get("zorder", 5.0))
    legend.set_draggable(bool(node.get("draggable", False)))


def _scale(colors: Any) -> float:
    """Colours travel as floats in [0, 1] or as uint8."""
    return 255.0 if np.asarray(colors).dtype.kind == "u" else 1.0
