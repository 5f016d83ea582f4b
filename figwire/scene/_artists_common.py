"""What every artist node carries (zorder, label, clip, path effects), and strokes."""

from __future__ import annotations

from typing import Any, Optional

from . import _private
from ._place import Node, Place
from ._vocab import LINESTYLES

__all__ = ["common", "stroke", "style_of"]


def common(artist: Any, place: Place, zorder: Optional[float]) -> Node:
    node: Node = {"zorder": float(artist.get_zorder() if zorder is None else zorder)}
    label = artist.get_label()
    if isinstance(label, str) and label and not label.startswith("_"):
        node["label"] = label[:10_000]
    clip = bool(artist.get_clip_on()) and (artist.get_clip_box() is not None or artist.get_clip_path() is not None)
    node["clip"] = clip
    clip_path = artist.get_clip_path()
    if (
        clip
        and clip_path is not None
        and place.axes is not None
        and _private.clip_patch(clip_path) is not place.axes.patch
    ):
        place.skip(type(artist).__name__, "a custom clip path is not carried: clipped to the axes instead")
    if artist.get_path_effects():
        effects = _private.path_effects(artist)
        if effects is None:
            place.skip(type(artist).__name__, "path effects of a kind the scene does not name are not carried")
        else:
            node["path_effects"] = effects
    return node


def stroke(artist: Any, node: Node, dash_reader: Any) -> None:
    node["linewidth"] = float(artist.get_linewidth())
    style = artist.get_linestyle()
    node["linestyle"] = style if style in LINESTYLES else "-"
    dashes = dash_reader(artist)
    if dashes is not None and style not in ("-", "None"):
        offset, seq = dashes
        if len(seq) % 2 == 0 and 0 < len(seq) <= 16 and sum(seq) > 0:
            node["dashes"] = [offset, *seq]
    for name, getters in (
        ("capstyle", ("get_capstyle", "get_dash_capstyle")),
        ("joinstyle", ("get_joinstyle", "get_dash_joinstyle")),
    ):
        value = next((v for v in (style_of(artist, g) for g in getters) if v is not None), None)
        if isinstance(value, str):
            node[name] = value
    node["antialiased"] = _private.antialiased(artist)


def style_of(artist: Any, getter: str) -> Any:
    """A cap or join style, None when unset (matplotlib 3.5's Collection.get_capstyle
    raises then) or when the artist has no such getter."""
    method = getattr(artist, getter, None)
    try:
        return None if method is None else method()
    except AttributeError:
        return None
