"""Texts -> scene nodes: a text's string, font (family names only, never a file) and box.

Titles and axis labels use ``text_style`` alone; text artists add their anchor.
"""

from __future__ import annotations

from typing import Any, List, Optional

import numpy as np
from matplotlib import font_manager
from matplotlib.text import Text

from . import _private
from ._artists_common import common
from ._place import Node, Place, as_color, geometry
from ._vocab import BOXSTYLES, FONTSTYLES, LINESTYLES

__all__ = ["text", "text_metrics", "text_style"]


def _font(text: Any, node: Node) -> None:
    props = text.get_fontproperties()
    node["fontsize"] = float(props.get_size_in_points())
    node["family"] = [f for f in props.get_family() if isinstance(f, str)][:16]
    style = props.get_style()
    node["style"] = style if style in FONTSTYLES else "normal"
    node["variant"] = props.get_variant() if props.get_variant() in ("normal", "small-caps") else "normal"
    weight = props.get_weight()
    node["weight"] = int(font_manager.weight_dict.get(weight, weight) if isinstance(weight, str) else weight)
    stretch = props.get_stretch()
    node["stretch"] = int(font_manager.stretch_dict.get(stretch, 500) if isinstance(stretch, str) else stretch)
    math = getattr(props, "get_math_fontfamily", lambda: None)()
    if isinstance(math, str):
        node["math_fontfamily"] = math


def text_style(text: Text, place: Place) -> Node:
    """The look of a text (titles and axis labels use this alone)."""
    node: Node = {"text": text.get_text()}
    node["color"] = as_color(text.get_color(), text.get_alpha())
    _font(text, node)
    node["ha"], node["va"] = text.get_horizontalalignment(), text.get_verticalalignment()
    node["rotation"] = float(text.get_rotation())
    node["rotation_mode"] = text.get_rotation_mode() or "default"
    spacing = _private.linespacing(text)
    if spacing is not None:
        node["linespacing"] = spacing
    node["wrap"] = bool(text.get_wrap())
    if text.get_usetex():
        place.skip("text", "usetex is not honoured from a scene: drawn with mathtext")
    box = text.get_bbox_patch()
    if box is not None:
        node["bbox"] = _bbox(box, place)
        if node["bbox"] is None:
            del node["bbox"]
    return node


def _bbox(box: Any, place: Place) -> Optional[Node]:
    style = box.get_boxstyle()
    name = type(style).__name__.lower()
    if name not in BOXSTYLES:
        place.skip("text.bbox", f"box style {type(style).__name__} is not carried: square instead")
        name = "square"
    out: Node = {"boxstyle": name}
    for attr in ("pad", "rounding_size", "tooth_size"):
        value = getattr(style, attr, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[attr] = float(value)
    if box.get_fill():
        out["facecolor"] = as_color(box.get_facecolor())
    out["edgecolor"] = as_color(box.get_edgecolor())
    out["linewidth"] = float(box.get_linewidth())
    style_name = box.get_linestyle()
    out["linestyle"] = style_name if style_name in LINESTYLES else "-"
    return out


def text(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    if not artist.get_text():
        return []
    node = common(artist, place, zorder)
    node.update(type="text", **text_style(artist, place))
    xy = np.asarray(artist.get_unitless_position(), float).reshape(1, 2)
    space, where = geometry(place, artist.get_transform(), xy)
    if not np.isfinite(where).all():
        return []
    node["space"], node["xy"] = space, [float(v) for v in where[0]]
    return [node]


def text_metrics() -> str:
    """What text measures depend on here: matplotlib's and FreeType's versions."""
    import matplotlib
    from matplotlib import ft2font

    return f"matplotlib {matplotlib.__version__}, FreeType {ft2font.__freetype_version__}"
