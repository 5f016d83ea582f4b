"""3D axes -> scene nodes (scene 1.3): the camera, the box, the panes, the z axis, and
artists in data coordinates.

mplot3d projects each artist from its 3D data on every draw, and after a draw its 2D
getters hold that projection. A scene therefore carries the 3D data (read where
mplot3d keeps it, ``_private``), and the consumer's axes project it again: the figure
turns, pans and zooms as the producer's did. Depth order is not carried; the consumer
sorts as its matplotlib does (``computed_zorder``), as its own copy of the figure would.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from matplotlib.collections import Collection

from . import _private
from ._artists import line_style, unscaled_dashes
from ._artists_common import common, stroke, style_of
from ._describe_axis import describe_axis
from ._place import Node, Place, as_color, path_fields, rgba_array
from ._rules import CLOSEPOLY, LINETO, MOVETO
from ._texts import text_style
from ._vocab import LINESTYLES

__all__ = ["describe_leaf3d", "describe_view", "is_3d"]


def is_3d(artist: Any) -> bool:
    """Whether ``artist`` is one of mplot3d's (projected by its axes on every draw)."""
    return type(artist).__module__.startswith("mpl_toolkits.mplot3d") or hasattr(artist, "do_3d_projection")


@functools.lru_cache(maxsize=1)
def _default_box_size() -> float:
    """The length of this matplotlib's default box aspect (3.9 made the box larger)."""
    from matplotlib.figure import Figure

    return float(np.linalg.norm(Figure().add_subplot(projection="3d").get_box_aspect()))


def describe_view(ax: Any, place: Place) -> Dict[str, Any]:
    """The fields a 3D axes adds to its node: ``zlim``, ``zaxis``, ``view3d``, ``axis_on``."""
    vertical, focal, drawn, grid = _private.view3d(ax) or (2, None, True, True)
    view: Dict[str, Any] = {"elev": float(ax.elev), "azim": float(ax.azim)}
    roll = getattr(ax, "roll", None)
    if isinstance(roll, (int, float)) and roll:
        view["roll"] = float(roll)
    view["vertical_axis"] = "xyz"[vertical]
    if focal is not None:
        view["proj_type"] = "ortho" if np.isinf(focal) else "persp"
        if np.isfinite(focal) and 1e-3 <= focal <= 1e3:
            view["focal_length"] = focal
    box = np.roll(np.asarray(ax.get_box_aspect(), float), vertical - 2)  # as set_box_aspect takes it
    if box.shape == (3,) and np.isfinite(box).all() and box.min() > 0:
        view["box_aspect"] = [float(v) for v in box / box.max()]
        view["zoom"] = float(np.clip(np.linalg.norm(box) / _default_box_size(), 1e-3, 1e3))
    view.update(_autoscaled(ax))
    view["computed_zorder"] = bool(getattr(ax, "computed_zorder", True))
    view["grid"] = grid
    view["panes"] = [_pane(axis) for axis in (ax.xaxis, ax.yaxis, ax.zaxis)]
    return {
        "zlim": [float(v) for v in ax.get_zlim()],
        "zaxis": describe_axis(ax.zaxis, ax, place),
        "view3d": view,
        "axis_on": drawn,
    }


def _autoscaled(ax: Any) -> Dict[str, Any]:
    """Which limits matplotlib chose from the data, the data's intervals and the margins:
    3.9 changed how it pads them (a view margin on top of the margins), so a consumer
    makes such limits its own way, as its own copy of the figure would have them (limits
    the user set are kept as they are)."""
    flags = [bool(ax.get_autoscalex_on()), bool(ax.get_autoscaley_on()), bool(ax.get_autoscalez_on())]
    flags = [on and axis.get_scale() == "linear" for on, axis in zip(flags, (ax.xaxis, ax.yaxis, ax.zaxis))]
    intervals = [ax.xy_dataLim.intervalx, ax.xy_dataLim.intervaly, ax.zz_dataLim.intervalx]
    data = np.asarray(intervals, float).ravel()
    if not any(flags) or not np.isfinite(data).all() or np.abs(data).max() > 1e300:
        return {}
    margins = [float(m) for m in ax.margins()]
    out = {"autoscale": [float(f) for f in flags], "datalim": [float(v) for v in data]}
    if len(margins) == 3 and all(-0.49 <= m <= 100.0 for m in margins):
        out["margins"] = margins
    return out


def _pane(axis: Any) -> Node:
    pane, line = axis.pane, axis.line
    out: Node = {
        "facecolor": as_color(pane.get_facecolor()),
        "edgecolor": as_color(pane.get_edgecolor()),
        "visible": bool(pane.get_visible()),
        "line_color": as_color(line.get_color(), line.get_alpha()),
        "line_width": float(line.get_linewidth()),
    }
    grid = _private.grid3d(axis) or {}
    if grid.get("color") is not None:
        out["grid_color"] = as_color(grid["color"])
    if isinstance(grid.get("linewidth"), (int, float)):
        out["grid_linewidth"] = float(grid["linewidth"])
    if grid.get("linestyle") in LINESTYLES:
        out["grid_linestyle"] = grid["linestyle"]
    return out


def _joined(vertices: np.ndarray, lengths: np.ndarray, codes: Optional[List[Any]]) -> Tuple[Node, np.ndarray]:
    """``_path3d`` of polygons given joined, with their lengths: the common case (no codes,
    none empty) without splitting them one by one."""
    lengths = np.asarray(lengths, np.int64)
    if (codes is None or all(c is None for c in codes)) and lengths.size and lengths.min() > 0:
        return {"vertices": vertices, "lengths": lengths}, np.arange(len(lengths), dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    return _path3d([vertices[a:b] for a, b in zip(bounds[:-1], bounds[1:])], codes)


def _path3d(polys: List[np.ndarray], codes: Optional[List[Any]]) -> Tuple[Node, np.ndarray]:
    """``(path3d map, indices kept)`` of polylines or polygons; empty ones are left out
    (a contour level with no region). Where some have codes and others not (a polygon
    without codes is closed), those are given codes that close them."""
    keep = np.array([i for i, p in enumerate(polys) if len(p)], np.int64)
    polys = [polys[i] for i in keep]
    codes = None if codes is None else [codes[i] if i < len(codes) else None for i in keep]
    if codes is not None and any(c is not None for c in codes):
        filled = []
        for i, p in enumerate(polys):
            c = codes[i] if i < len(codes) else None
            if c is None or len(c) != len(p):
                c = np.array([MOVETO] + [LINETO] * (len(p) - 1) + [CLOSEPOLY], np.uint8)
                p = np.vstack([p, p[:1]])
                polys[i] = p
            filled.append(np.asarray(c, np.uint8))
        out: Node = {"vertices": np.concatenate(polys), "codes": np.concatenate(filled)}
    else:
        out = {"vertices": np.concatenate(polys) if polys else np.zeros((0, 3))}
    out["lengths"] = np.array([len(p) for p in polys], np.int64)
    return out, keep


def _kept(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Per-path values (cycled) of the paths kept; one value stays one."""
    return values if len(values) <= 1 else values[keep % len(values)]


def _fill(artist: Any, node: Node, faces: Any, edges: Any, keep: np.ndarray) -> None:
    """A 3D collection's colours (in its own order, as ``_private`` reads them) and
    strokes, for the paths ``keep`` of ``_path3d`` kept."""
    if faces is not None:
        node["facecolors"] = _kept(rgba_array(faces), keep) if len(faces) else np.zeros((0, 4))
    node["edgecolors"] = _kept(rgba_array(edges), keep) if len(edges) else np.zeros((0, 4))
    widths = np.atleast_1d(np.asarray(artist.get_linewidth(), float))
    node["linewidths"] = _kept(widths, keep)
    styles = unscaled_dashes(artist, widths)
    node["linestyles"] = styles if len(styles) <= 1 else [styles[i % len(styles)] for i in keep]
    for name in ("capstyle", "joinstyle"):
        value = style_of(artist, f"get_{name}")
        if isinstance(value, str):
            node[name] = value
    node["antialiased"] = _private.antialiased(artist)


def _clip(artist: Any, node: Node) -> None:
    if _private.axlim_clip(artist):
        node["axlim_clip"] = True


def _line3d(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    node = common(artist, place, zorder)
    data: List[Any] = [np.ma.filled(np.ma.asarray(v, float), np.nan) for v in artist.get_data_3d()]
    n = max(len(np.atleast_1d(v)) for v in data)
    node.update(type="line3d", xyz=np.column_stack([np.broadcast_to(v, n) for v in data]).astype(float))
    line_style(artist, node, n, place)
    _clip(artist, node)
    return [node]


def _points3d(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    read = _private.scatter3d(artist)
    if read is None:
        place.skip("points3d", "a 3D scatter's points could not be read")
        return []
    xyz, sizes, widths, edges_as_faces = read
    node = common(artist, place, zorder)
    node.update(type="points3d", xyz=xyz, sizes=sizes, linewidths=widths)
    node["paths"] = path_fields(list(artist.get_paths()))
    node["facecolors"] = rgba_array(Collection.get_facecolor(artist))  # its own order, before depth shading
    if edges_as_faces:
        node["edges_as_faces"] = True
    else:
        node["edgecolors"] = rgba_array(Collection.get_edgecolor(artist))
    node["linestyles"] = unscaled_dashes(artist, widths)
    node["depthshade"] = bool(artist.get_depthshade())
    _clip(artist, node)
    return [node]


def _polys3d(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    read = _private.polys3d(artist)
    if read is None:
        place.skip("polys3d", "a 3D polygon collection's polygons could not be read")
        return []
    vertices, lengths, codes, zpos, zsort, faces, edges = read
    node = common(artist, place, zorder)
    node["type"], (node["polygons"], keep) = "polys3d", _joined(vertices, lengths, codes)
    _fill(artist, node, faces, edges, keep)
    if artist.get_hatch():
        node["hatch"] = artist.get_hatch()
    if zsort is not None:
        node["zsort"] = zsort
    if zpos is not None and np.isfinite(zpos):
        node["sort_zpos"] = zpos
    _clip(artist, node)
    return [node]


def _lines3d(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    segments = _private.segments3d(artist)
    if segments is None:
        place.skip("lines3d", "a 3D line collection's segments could not be read")
        return []
    node = common(artist, place, zorder)
    node["type"], (node["segments"], keep) = "lines3d", _path3d(segments, None)
    _fill(artist, node, None, artist.get_edgecolor(), keep)
    _clip(artist, node)
    return [node]


def _collection3d(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    """A 2D collection mplot3d lifted into 3D (3.8+: contours in 3D axes), path by path:
    filled ones as polygons with their codes, lines as polylines split at each MOVETO."""
    paths = _private.paths3d(artist)
    if paths is None:
        place.skip("collection3d", f"a {type(artist).__name__}'s 3D paths could not be read")
        return []
    filled = bool(getattr(artist, "filled", len(artist.get_facecolor()) > 0))
    array = artist.get_array() if hasattr(artist, "levels") else None
    colors = rgba_array(artist.to_rgba(np.asarray(array), artist.get_alpha())) if array is not None else None
    node = common(artist, place, zorder)
    if filled:
        faces = colors if colors is not None else artist.get_facecolor()
        node["type"], (node["polygons"], keep) = "polys3d", _path3d([vs for vs, _ in paths], [c for _, c in paths])
        _fill(artist, node, faces, np.zeros((0, 4)) if colors is not None else artist.get_edgecolor(), keep)
        return [node] if len(keep) else []
    edges = colors if colors is not None else rgba_array(artist.get_edgecolor())
    widths = np.atleast_1d(np.asarray(artist.get_linewidth(), float))
    pieces, piece_colors, piece_widths = [], [], []
    for i, (vs, codes) in enumerate(paths):
        starts: List[int] = [0] if codes is None else [int(k) for k in np.flatnonzero(codes == MOVETO)] or [0]
        for a, b in zip(starts, starts[1:] + [len(vs)]):
            if b - a >= 2:
                pieces.append(vs[a:b])
                piece_colors.append(edges[i % len(edges)] if len(edges) else [0.0, 0.0, 0.0, 0.0])
                piece_widths.append(widths[i % len(widths)])
    if not pieces:
        return []
    node["type"], (node["segments"], keep) = "lines3d", _path3d(pieces, None)
    _fill(artist, node, None, np.asarray(piece_colors, float), keep)
    node["linewidths"] = np.asarray(piece_widths, float)
    return [node]


def _patch3d(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    read = _private.patch3d(artist)
    if read is None:
        place.skip("patch3d", "a 3D patch's outline could not be read")
        return []
    vertices, codes = read
    node = common(artist, place, zorder)
    node["type"] = "patch3d"
    path: Node = {"vertices": vertices}
    if codes is not None and len(codes) == len(vertices):
        path["codes"] = codes
    node["path"] = path
    if artist.get_fill():
        node["facecolor"] = as_color(artist.get_facecolor())
    if artist.get_linewidth() > 0:
        node["edgecolor"] = as_color(artist.get_edgecolor())
    stroke(artist, node, _private.dash_pattern)
    if artist.get_hatch():
        node["hatch"] = artist.get_hatch()
    _clip(artist, node)
    return [node]


def _text3d(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    if not artist.get_text():
        return []
    node = common(artist, place, zorder)
    node.update(type="text3d", **text_style(artist, place))
    node.pop("rotation", None)  # mplot3d turns it along zdir on every draw
    xyz = np.asarray(artist.get_position_3d(), float)
    if not np.isfinite(xyz).all():
        return []
    node["xyz"] = [float(v) for v in xyz]
    direction = _private.text3d_direction(artist)
    if direction is not None and any(direction):
        node["zdir"] = list(direction)
    _clip(artist, node)
    return [node]


def describe_leaf3d(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    """Nodes for one of mplot3d's artists; an unknown one is reported and left out (a
    frozen projection of it would be wrong the moment the figure turns)."""
    from mpl_toolkits.mplot3d import art3d

    kinds = [
        (art3d.Line3D, _line3d),
        (art3d.Path3DCollection, _points3d),
        (art3d.Poly3DCollection, _polys3d),
        (art3d.Line3DCollection, _lines3d),
        (getattr(art3d, "Collection3D", ()), _collection3d),
        (art3d.Patch3D, _patch3d),
        (art3d.Text3D, _text3d),
    ]
    for kind, describer in kinds:
        if kind and isinstance(artist, kind):
            return describer(artist, place, zorder)
    place.skip(type(artist).__name__, f"a 3D {type(artist).__name__} is not carried (no scene form)")
    return []
