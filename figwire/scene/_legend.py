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

from typing import Any, Dict, Optional

import numpy as np

from . import _private
from ._place import Node, as_color, bounds_of, in_ranges, rgba_array
from ._rules import MAX_MARKER_POINTS, marker_points
from ._schema import LEGEND_FIELDS

__all__ = ["build_legend", "describe_legend"]

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
    layout = _private.legend_layout(legend)
    if ax is None or legend.parent is not ax or layout is None or getattr(legend, "_custom_handler_map", None):
        return None
    handles, labels = ax.get_legend_handles_labels()
    texts = legend.get_texts()
    if [t.get_text() for t in texts] != labels or not all(_handle_ok(h) and h in node_of for h in handles):
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
    if anchor is not legend.parent.bbox:  # set by the producer: kept in axes fraction
        box = ax.transAxes.inverted().transform_bbox(anchor)
        node["anchor"] = bounds_of(box)
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
    largest = max((marker_points(node_of[h]) for h in handles), default=0.0)  # as the consumer counts it
    if not in_ranges(node, LEGEND_FIELDS) or largest * node["markerscale"] > MAX_MARKER_POINTS:
        return None  # a consumer refuses these: the legend is described as drawn
    for handle in handles:
        node_of[handle].setdefault("id", len([n for n in node_of.values() if "id" in n]))
    node["entries"] = [node_of[h]["id"] for h in handles]
    return node


def build_legend(ax: Any, node: Node, built: Dict[int, Any], builder: Any, where: str) -> bool:
    """Make the legend of a checked ``legend`` node over the artists built from its
    entries (``built``: by ``id``); False when that is not possible here (the caller then
    draws the legend's leaves)."""
    handles = [built.get(int(i)) for i in node["entries"]]
    if any(h is None for h in handles) or len(handles) != len(node["labels"]):
        builder.skipped.append((where, "a legend entry names an artist this scene did not build: drawn as it was"))
        return False
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
        kwargs["bbox_transform"] = ax.transAxes
    if "alignment" in node:
        kwargs["alignment"] = node["alignment"]
    try:
        legend = ax.legend(handles, list(node["labels"]), **kwargs)
    except TypeError:  # a setting this matplotlib's legend does not take (alignment before 3.6)
        kwargs.pop("alignment", None)
        builder.skipped.append((where, "the legend's alignment is not supported here"))
        legend = ax.legend(handles, list(node["labels"]), **kwargs)
    legend.set_zorder(node.get("zorder", 5.0))
    legend.set_draggable(bool(node.get("draggable", False)))
    return True


def _scale(colors: Any) -> float:
    """Colours travel as floats in [0, 1] or as uint8."""
    return 255.0 if np.asarray(colors).dtype.kind == "u" else 1.0
