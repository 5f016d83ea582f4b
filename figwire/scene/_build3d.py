"""Scene 3D nodes -> mplot3d (the consumer side of scene 1.3): a 3D axes' camera, box
and panes, and its artists, made the way mplot3d's own plotting methods make them.

Each artist is made as a 2D one and lifted with mplot3d's public converters
(``patch_collection_2d_to_3d``, ``patch_2d_to_3d``...) or made with its public 3D
classes (``Line3D``, ``Poly3DCollection``, ``Line3DCollection``), so that this
matplotlib projects, depth-sorts and shades it as it would its own copy of the figure.
"""

from __future__ import annotations

from typing import Any, Callable, Dict

import matplotlib
import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.transforms import IdentityTransform

from ._build_artists import (
    _OFFSET_KW,
    _paths,
    apply_common,
    collection_style,
    colors_of,
    line_kwargs,
    patch_kwargs,
    split_paths,
)

__all__ = ["BUILDERS_3D", "grid_rc", "seed_data_limits", "set_view"]

Node = Dict[str, Any]


def grid_rc(spec: Node) -> Dict[str, Any]:
    """rcParams a 3D axes reads its grid's look from when it is made (the x axis' pane:
    matplotlib styles the three grids alike)."""
    panes = spec.get("view3d", {}).get("panes", [])
    pane = panes[0] if panes else {}
    names = {"grid_color": "grid.color", "grid_linewidth": "grid.linewidth", "grid_linestyle": "grid.linestyle"}
    return {rc: pane[key] for key, rc in names.items() if key in pane}


def set_view(ax: Any, spec: Node, builder: Any, where: str) -> None:
    """The camera, the box and the panes of a 3D axes."""
    view = spec.get("view3d")
    if view is None:
        return
    kwargs: Dict[str, Any] = {"elev": view["elev"], "azim": view["azim"]}
    if view.get("roll"):
        kwargs["roll"] = view["roll"]
    if view.get("vertical_axis", "z") != "z":
        kwargs["vertical_axis"] = view["vertical_axis"]
    builder.attempt(f"{where}.view3d", ax.view_init, **kwargs)
    if view.get("proj_type") == "ortho":
        builder.attempt(f"{where}.view3d.proj_type", ax.set_proj_type, "ortho")
    elif view.get("focal_length", 1.0) != 1.0:
        builder.attempt(f"{where}.view3d.focal_length", ax.set_proj_type, "persp", focal_length=view["focal_length"])
    if "box_aspect" in view:
        builder.attempt(f"{where}.view3d.box_aspect", ax.set_box_aspect, view["box_aspect"], zoom=view.get("zoom", 1.0))
    if "autoscale" in view and "datalim" in view:
        _autoscale(ax, view["autoscale"], view["datalim"], view.get("margins"))
    ax.computed_zorder = view.get("computed_zorder", True)
    ax.grid(view.get("grid", True))
    for axis, pane in zip((ax.xaxis, ax.yaxis, ax.zaxis), view.get("panes", [])):
        if "facecolor" in pane:
            axis.set_pane_color(tuple(pane["facecolor"]))
        if "edgecolor" in pane:
            axis.pane.set_edgecolor(tuple(pane["edgecolor"]))
        axis.pane.set_visible(pane.get("visible", True))
        if "line_color" in pane:
            axis.line.set_color(tuple(pane["line_color"]))
        if "line_width" in pane:
            axis.line.set_linewidth(pane["line_width"])


def seed_data_limits(ax: Any, spec: Node) -> None:
    """The data's intervals, before the axes' scales are set: a producer's axes has its
    data when its script sets a log scale, and 3.11's ``set_zscale`` pads the data limits
    of an axes that has none yet (an empty axes would get other limits)."""
    datalim = spec.get("view3d", {}).get("datalim")
    if datalim is not None:
        x0, x1, y0, y1, z0, z1 = datalim
        ax.auto_scale_xyz([x0, x1], [y0, y1], [z0, z1], had_data=False)


def _autoscale(ax: Any, flags: Any, datalim: Any, margins: Any) -> None:
    """Limits the producer's matplotlib chose from the data, chosen by this one from the
    same data and margins (its own padding), then frozen as every scene axes is."""
    x0, x1, y0, y1, z0, z1 = datalim
    if margins is not None:
        ax.margins(*margins)
    for on, setter in zip(flags, (ax.set_autoscalex_on, ax.set_autoscaley_on, ax.set_autoscalez_on)):
        setter(on >= 0.5)
    ax.auto_scale_xyz([x0, x1], [y0, y1], [z0, z1], had_data=False)
    ax.set_autoscale_on(False)
    ax.set_autoscalez_on(False)


def _clipped(make: Callable[..., Any], node: Node, builder: Any, where: str, *args: Any, **kwargs: Any) -> Any:
    """``make(*args, **kwargs)``, with ``axlim_clip`` when the node asks for it and this
    matplotlib has it (3.10+); reported when it does not."""
    if node.get("axlim_clip"):
        try:
            return make(*args, axlim_clip=True, **kwargs)
        except (TypeError, AttributeError):  # "unexpected keyword", "no property 'axlim_clip'"
            builder.skipped.append((f"{where}.axlim_clip", f"not supported by matplotlib {matplotlib.__version__}"))
    return make(*args, **kwargs)


def _line3d(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    from mpl_toolkits.mplot3d import art3d

    xyz = np.array(node["xyz"], float)
    kwargs = line_kwargs(node, len(xyz), ax.transData)
    line = _clipped(art3d.Line3D, node, builder, where, xyz[:, 0], xyz[:, 1], xyz[:, 2], **kwargs)
    apply_common(line, node)
    ax.add_line(line)
    line.set_clip_on(node.get("clip", True))
    return line


def _points3d(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    """As ``Axes3D.scatter``: a 2D scatter at the points' x and y, lifted to their z."""
    from mpl_toolkits.mplot3d import art3d

    xyz = np.array(node["xyz"], float)
    coll = PathCollection(
        _paths(node["paths"]),
        sizes=np.array(node.get("sizes", [36.0]), float),
        offsets=xyz[:, :2],
        facecolors=colors_of(node, "facecolors"),
        edgecolors="face" if node.get("edges_as_faces") else colors_of(node, "edgecolors"),
        linewidths=np.array(node.get("linewidths", [1.0]), float),
        **{_OFFSET_KW: ax.transData},
    )
    coll.set_transform(IdentityTransform())
    collection_style(coll, node, builder, where)
    apply_common(coll, node)
    ax.add_collection(coll, autolim=False)
    coll.set_clip_on(node.get("clip", True))
    depth = {"zs": xyz[:, 2], "zdir": "z", "depthshade": node.get("depthshade", True)}
    _clipped(art3d.patch_collection_2d_to_3d, node, builder, where, coll, **depth)
    return coll


def _fill_style(coll: Any, node: Node, builder: Any, where: str) -> None:
    if "linewidths" in node:
        coll.set_linewidth(np.array(node["linewidths"], float))
    coll.set_antialiased(node.get("antialiased", True))
    collection_style(coll, node, builder, where)
    apply_common(coll, node)


def _polys3d(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    from mpl_toolkits.mplot3d import art3d

    polys, codes = split_paths(node["polygons"])
    kwargs = {"facecolors": colors_of(node, "facecolors"), "edgecolors": colors_of(node, "edgecolors")}
    coll = _clipped(art3d.Poly3DCollection, node, builder, where, polys, zsort=node.get("zsort", "average"), **kwargs)
    if codes is not None:
        coll.set_verts_and_codes(polys, codes)
    if "sort_zpos" in node:
        coll.set_sort_zpos(node["sort_zpos"])
    _fill_style(coll, node, builder, where)
    ax.add_collection(coll, autolim=False)
    coll.set_clip_on(node.get("clip", True))
    return coll


def _lines3d(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    from mpl_toolkits.mplot3d import art3d

    segments, _ = split_paths(node["segments"])
    coll = _clipped(art3d.Line3DCollection, node, builder, where, segments, colors=colors_of(node, "edgecolors"))
    _fill_style(coll, node, builder, where)
    ax.add_collection(coll, autolim=False)
    coll.set_clip_on(node.get("clip", True))
    return coll


def _patch3d(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    """A 2D patch of the outline's x and y, lifted to each vertex' z by
    ``pathpatch_2d_to_3d``, which keeps the vertices as they are (``patch_2d_to_3d``, as
    ``Axes3D.bar`` uses it, re-closes them); both draw the projected outline."""
    from mpl_toolkits.mplot3d import art3d

    xyz = np.array(node["path"]["vertices"], float)
    codes = node["path"].get("codes")
    path = Path(xyz[:, :2], None if codes is None else np.array(codes, np.uint8))
    patch = PathPatch(path, **patch_kwargs(node, ax.transData))
    apply_common(patch, node)
    ax.add_patch(patch)
    patch.set_clip_on(node.get("clip", True))
    _clipped(art3d.pathpatch_2d_to_3d, node, builder, where, patch, z=xyz[:, 2], zdir="z")
    return patch


def _text3d(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    from ._build import _style_text

    x, y, z = node["xyz"]
    zdir = tuple(node.get("zdir", (0.0, 0.0, 0.0)))
    text = _clipped(ax.text, node, builder, where, x, y, z, node["text"], zdir=zdir if any(zdir) else None)
    _style_text(text, node, builder, where)
    apply_common(text, node)
    text.set_clip_on(node.get("clip", True))
    return text


BUILDERS_3D: Dict[str, Callable[..., Any]] = {
    "line3d": _line3d,
    "points3d": _points3d,
    "polys3d": _polys3d,
    "lines3d": _lines3d,
    "patch3d": _patch3d,
    "text3d": _text3d,
}
