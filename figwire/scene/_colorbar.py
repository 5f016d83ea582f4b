"""Colorbars as colorbars (spec §16.4 ``colorbar``): both halves of the one node.

A colorbar drawn by matplotlib is a small axes whose solids, extension triangles, ticks
and size follow from a norm, a colormap and where it was made. Frozen as drawn, it keeps
the producer's layout and tick choices; a consumer of another matplotlib lays its own
copy of the figure out differently (3.11's text metrics move a constrained layout's
colorbar by several pixels). So the producer writes the values a colorbar is made from,
and the consumer makes it with ``Figure.colorbar`` (beside its parents, when its layout
engine places it) or ``Colorbar`` (in an axes at the recorded place). A colorbar the
node cannot say (contour lines or hatches drawn on it, a contour set's log scale,
``extendfrac="auto"``, a norm or colormap a scene does not carry) stays frozen as drawn.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from . import _private
from ._artists import norm_of
from ._place import Node, anchor_of, as_color, in_ranges, rgba_array
from ._schema import CBPLACEMENT_FIELDS, COLORBAR_FIELDS, DEFAULT_SCENE_LIMITS

#: Band edges a consumer takes by default (each is a tick of the colorbar).
MAX_BAND_EDGES = DEFAULT_SCENE_LIMITS.max_ticks + 1

__all__ = ["build_colorbar", "describe_colorbar", "placement"]

_SIDES = ("left", "right", "top", "bottom")


def describe_colorbar(ax: Any) -> Optional[Tuple[Node, set, Any]]:
    """``(colorbar node, the artists it draws itself, its box before its extensions
    shrink it, in display pixels)``, or None when ``ax`` is not a colorbar the node can
    say: the axes is then described as drawn, like any other."""
    cbar = _private.colorbar(ax)
    if cbar is None:
        return None
    owned, box = _private.colorbar_owned(cbar), _private.colorbar_box(cbar)
    norm, cmap = norm_of(cbar.norm), cbar.cmap
    if (
        owned is None
        or box is None
        or norm is None
        or cmap is None
        or cmap.N > 4096
        or cbar.lines
        or _contour_only(cbar)
        or isinstance(cbar.extendfrac, str)
        or cbar.orientation not in ("vertical", "horizontal")
        or cbar.ticklocation not in _SIDES
    ):
        return None
    node: Node = {
        "orientation": cbar.orientation,
        "ticklocation": cbar.ticklocation,
        "lut": rgba_array(cmap(np.linspace(0.0, 1.0, cmap.N))),
        "over": as_color(cmap.get_over()),
        "under": as_color(cmap.get_under()),
        "bad": as_color(cmap.get_bad()),
        "norm": norm,
        "extend": cbar.extend,
        "extendrect": bool(cbar.extendrect),
        "drawedges": bool(cbar.drawedges),
        "spacing": cbar.spacing,
    }
    if cbar.extendfrac is not None:
        node["extendfrac"] = [float(v) for v in np.atleast_1d(cbar.extendfrac)]
    for name in ("boundaries", "values"):
        if getattr(cbar, name) is not None:
            node[name] = np.asarray(getattr(cbar, name), float)
    if isinstance(cbar.alpha, (int, float)):
        node["alpha"] = float(cbar.alpha)
    bands = [node.get("boundaries"), node.get("values"), norm.get("boundaries")]
    if any(b is not None and len(b) > MAX_BAND_EDGES for b in bands) or not in_ranges(node, COLORBAR_FIELDS):
        return None  # a consumer refuses these (a tick per band edge): described as drawn
    return node, owned, box


def _contour_only(cbar: Any) -> bool:
    """What ``Colorbar`` does only for a contour set, which a plain mappable cannot ask of
    it: hatched bands, and a log scale for a log norm (boundaries get a uniform scale)."""
    from matplotlib.colors import LogNorm
    from matplotlib.contour import ContourSet

    if not isinstance(cbar.mappable, ContourSet):
        return False
    return isinstance(cbar.norm, LogNorm) or any(h is not None for h in cbar.mappable.hatches or ())


def placement(ax: Any, index: int, axes_list: List[Any]) -> Optional[Node]:
    """Where ``make_axes`` put a colorbar (parents, side, sizes), for a consumer whose
    layout engine places it; None for one in a grid cell or placed by hand."""
    info = _private.colorbar_info(ax)
    spec = getattr(ax, "get_subplotspec", lambda: None)()
    if info is None or spec is not None or info.get("location") not in _SIDES:
        return None
    parents = list(np.ravel(info.get("parents", [])))
    if not parents or any(p not in axes_list[:index] for p in parents):
        return None
    out: Node = {"parents": [axes_list.index(p) for p in parents], "location": info["location"]}
    for name in ("fraction", "shrink", "aspect", "pad"):
        if isinstance(info.get(name), (int, float)):
            out[name] = float(info[name])
    for name in ("anchor", "panchor"):
        value = info.get(name)
        if value is not False and value is not None:
            out[name] = anchor_of(value)
    return out if in_ranges(out, CBPLACEMENT_FIELDS) else None


def build_colorbar(fig: Any, node: Node, made: List[Any], place_axes: Callable[[], Any]) -> Any:
    """The colorbar's axes, made by this matplotlib from a checked ``colorbar`` node."""
    from matplotlib import colors as mcolors
    from matplotlib.cm import ScalarMappable
    from matplotlib.colorbar import Colorbar

    from ._build_artists import norm_from

    lut = np.array(node["lut"], float)
    if lut.max() > 1.0:
        lut = lut / 255.0
    cmap = mcolors.ListedColormap(lut).with_extremes(**{k: node[k] for k in ("over", "under", "bad") if k in node})
    mappable = ScalarMappable(norm=norm_from(node["norm"]), cmap=cmap)
    kwargs: Dict[str, Any] = {
        k: node[k] for k in ("extend", "extendrect", "drawedges", "spacing", "alpha") if k in node
    }
    for name in ("boundaries", "values"):
        if name in node:
            kwargs[name] = np.array(node[name], float)
    if "extendfrac" in node:
        kwargs["extendfrac"] = node["extendfrac"][0] if len(node["extendfrac"]) == 1 else node["extendfrac"]
    where_placed = node.get("placement")
    if where_placed is not None:
        sizes = {k: where_placed[k] for k in ("fraction", "shrink", "aspect", "pad") if k in where_placed}
        if "anchor" in where_placed:
            sizes["anchor"] = tuple(where_placed["anchor"])
        sizes["panchor"] = tuple(where_placed["panchor"]) if "panchor" in where_placed else False
        parents = [made[int(i)] for i in where_placed["parents"]]
        return fig.colorbar(
            mappable, ax=parents, use_gridspec=False, location=where_placed["location"], **sizes, **kwargs
        ).ax
    cax = place_axes()
    Colorbar(cax, mappable, orientation=node["orientation"], ticklocation=node.get("ticklocation", "auto"), **kwargs)
    return cax
