"""Artists -> scene nodes (the producer side of §16.6): one function per kind of leaf.

Each describer gets a drawn artist and a ``Place`` and returns nodes: plain values and
numpy arrays only. What cannot be carried exactly is reported in ``Place.skipped`` with
the reason, never dropped silently.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
from matplotlib.collections import Collection, PathCollection, QuadMesh
from matplotlib.contour import ContourSet
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import IdentityTransform

from . import _private
from ._artists_common import common, stroke, style_of
from ._place import Node, Place, as_color, geometry, path_fields, rgba_array
from ._texts import text

__all__ = ["PARTS", "describe_leaf", "line_style", "norm_of", "unscaled_dashes"]


# -- lines -------------------------------------------------------------------------
def line(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    node = common(artist, place, zorder)
    space, xy = geometry(place, artist.get_transform(), artist.get_xydata())
    node.update(type="line", xy=xy, space=space)
    line_style(artist, node, len(xy), place)
    return [node]


def line_style(artist: Any, node: Node, count: int, place: Place) -> None:
    """A line's colour, stroke, steps and markers (``count``: its points)."""
    alpha = artist.get_alpha()
    node["color"] = as_color(artist.get_color(), alpha)
    stroke(artist, node, _private.dash_pattern)
    node["drawstyle"] = artist.get_drawstyle()
    marker = artist.get_marker()
    if isinstance(marker, str) and marker in ("none", "", " "):
        node["marker"] = "None"  # one spelling every matplotlib accepts (3.5 refuses "none")
    elif isinstance(marker, str) and (len(marker) <= 64 or not marker.startswith("$")):
        node["marker"] = marker
    elif isinstance(marker, int) and not isinstance(marker, bool):
        node["marker"] = marker
    else:
        style = _private.marker_style(artist)
        if style is not None:
            node["marker_path"] = path_fields([style.get_transform().transform_path(style.get_path())])
            node["marker_path"].pop("lengths")
    if node.get("marker") not in ("None", "none", "", " ", None) or "marker_path" in node:
        node.update(
            markersize=float(artist.get_markersize()),
            markeredgewidth=float(artist.get_markeredgewidth()),
            markerfacecolor=as_color(artist.get_markerfacecolor(), alpha),
            markerfacecoloralt=as_color(artist.get_markerfacecoloralt(), alpha),
            markeredgecolor=as_color(artist.get_markeredgecolor(), alpha),
            fillstyle=artist.get_fillstyle(),
        )
        every = artist.get_markevery()
        if every is not None:
            indices = _markevery(every, count)
            if indices is None:
                place.skip("line", f"markevery={every!r} is not carried: every point gets a marker")
            else:
                node["markevery"] = indices


def _markevery(every: Any, n: int) -> Optional[np.ndarray]:
    if isinstance(every, (int, np.integer)) and not isinstance(every, bool):
        return np.arange(0, n, max(1, int(every)), dtype=np.int64)
    if isinstance(every, tuple) and len(every) == 2 and all(isinstance(v, (int, np.integer)) for v in every):
        return np.arange(int(every[0]), n, max(1, int(every[1])), dtype=np.int64)
    if isinstance(every, slice):
        return np.arange(n, dtype=np.int64)[every]
    if isinstance(every, (list, np.ndarray)) and np.asarray(every).dtype.kind in "iu":
        return np.asarray(every, np.int64)
    return None


# -- collections -------------------------------------------------------------------
def collection(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    if isinstance(artist, QuadMesh):
        return mesh(artist, place, zorder)
    node = common(artist, place, zorder)
    node["type"] = "collection"
    paths = list(artist.get_paths())
    offsets = np.asarray(artist.get_offsets(), float).reshape(-1, 2)
    transforms = np.asarray(artist.get_transforms()).reshape(-1, 3, 3)
    master = artist.get_transform()
    offset_trf = artist.get_offset_transform()
    has_offsets = len(offsets) > 0 and bool(np.any(offsets))
    scatter = isinstance(artist, PathCollection) and isinstance(master, IdentityTransform) and len(artist.get_sizes())
    if not has_offsets and not len(transforms):
        space = place.space_of(master)
        if space is None:
            space = place.bake_target(master)
            paths = [Path(place.from_display(master.transform_path(p).vertices, space), p.codes) for p in paths]
        node["space"] = space
    elif scatter:
        node["space"] = "points"
        node["sizes"] = np.asarray(artist.get_sizes(), float)
        node["offset_space"], node["offsets"] = geometry(place, offset_trf, offsets)
    else:  # glyphs (quiver arrows, ellipses, hexagons): drawn in display, anchored at offsets
        scale = 72.0 / float(place.figure.dpi)
        count = max(len(paths), len(offsets) if has_offsets else 0)
        glyphs = []
        for i in range(count):
            p = paths[i % len(paths)]
            if len(transforms):
                p = p.transformed(_affine(transforms[i % len(transforms)]))
            with np.errstate(all="ignore"):
                glyphs.append(Path(master.transform_path(p).vertices * scale, p.codes))
        paths = glyphs
        node["space"] = "points"
        if has_offsets:
            node["offset_space"], node["offsets"] = geometry(place, offset_trf, offsets)
        else:
            node["offset_space"], node["offsets"] = "figure", np.zeros((1, 2))
    if not paths:
        return []
    node["paths"] = path_fields(paths)
    node["facecolors"] = rgba_array(artist.get_facecolor())
    node["edgecolors"] = rgba_array(artist.get_edgecolor())
    widths = np.atleast_1d(np.asarray(artist.get_linewidth(), float))
    node["linewidths"] = widths
    node["linestyles"] = unscaled_dashes(artist, widths)
    hatch = artist.get_hatch()
    if hatch:
        node["hatch"] = hatch
    for name in ("capstyle", "joinstyle"):
        value = style_of(artist, f"get_{name}")
        if isinstance(value, str):
            node[name] = value
    node["antialiased"] = _private.antialiased(artist)
    if isinstance(artist, ContourSet):
        return _contour_set(artist, node, paths)
    return [node]


def _contour_set(artist: Any, node: Node, paths: List[Any]) -> List[Node]:
    """A ContourSet (a Collection from matplotlib 3.8) draws path by path, each with its
    level's colour and hatch, so its facecolors after a draw are the last level's only:
    the colours come from its levels, and levels with different hatches become nodes."""
    colors = rgba_array(artist.to_rgba(np.asarray(artist.get_array()), artist.get_alpha()))
    node["facecolors" if artist.filled else "edgecolors"] = colors
    if artist.filled:
        node["edgecolors"] = np.zeros((0, 4))
    hatches = list(artist.hatches or [None])
    if len(set(hatches)) <= 1:
        if hatches[0]:
            node["hatch"] = hatches[0]
        return [node]
    out = []
    for i, path in enumerate(paths):
        part = dict(
            node, paths=path_fields([path]), facecolors=colors[i : i + 1] if artist.filled else node["facecolors"]
        )
        part.pop("hatch", None)
        if hatches[i % len(hatches)]:
            part["hatch"] = hatches[i % len(hatches)]
        out.append(part)
    return out


def _affine(matrix: np.ndarray) -> Any:
    from matplotlib.transforms import Affine2D

    return Affine2D(np.asarray(matrix, float))


def unscaled_dashes(artist: Any, widths: np.ndarray) -> List[Dict[str, Any]]:
    """A collection's dash pattern per path, as ``linestyles`` nodes."""
    return [_unscaled(style, widths[i % len(widths)]) for i, style in enumerate(artist.get_linestyle())]


def _unscaled(style: Any, width: float) -> Dict[str, Any]:
    """A collection's dash pattern as matplotlib scaled it by the line width, unscaled."""
    offset, seq = style
    if seq is None or width <= 0:
        return {}
    return {"dashes": [float(offset) / width, *(float(s) / width for s in seq)]}


def mesh(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    node = common(artist, place, zorder)
    coords = np.asarray(artist.get_coordinates(), float)
    space, flat = geometry(place, artist.get_transform(), coords.reshape(-1, 2))
    if space != "data":
        place.skip("mesh", "a mesh outside data space is drawn as recorded in data space")
    node.update(
        type="mesh",
        coordinates=flat.reshape(coords.shape),
        facecolors=rgba_array(artist.get_facecolor()),
        edgecolors=rgba_array(artist.get_edgecolor()),
        linewidths=np.atleast_1d(np.asarray(artist.get_linewidth(), float)),
        shading=_private.mesh_shading(artist) or "flat",
        antialiased=bool(_private.mesh_antialiased(artist)),
    )
    return [node]


# -- images ------------------------------------------------------------------------
#: Parts of composite artists that do not list them as children.
PARTS = {"QuiverKey": ("vector", "text"), "InsetIndicator": ("rectangle", "connectors")}

_NORMS = {"Normalize": "linear", "CenteredNorm": "linear", "LogNorm": "log", "SymLogNorm": "symlog", "PowerNorm": "power",
          "TwoSlopeNorm": "twoslope", "BoundaryNorm": "boundary", "NoNorm": "none"}  # fmt: skip


def norm_of(norm: Any) -> Optional[Dict[str, Any]]:
    """A norm as a ``norm`` node, or None for a kind the scene does not name."""
    kind = _NORMS.get(type(norm).__name__) if type(norm).__module__ == "matplotlib.colors" else None
    if kind is None or norm.vmin is None or norm.vmax is None:
        return None
    out: Dict[str, Any] = {"kind": kind, "vmin": float(norm.vmin), "vmax": float(norm.vmax), "clip": bool(norm.clip)}
    if kind == "symlog":
        scale = _private.symlog_norm(norm)
        if scale is None:
            return None
        out.update(linthresh=scale[0], linscale=scale[1], base=scale[2])
    elif kind == "power":
        out["gamma"] = float(norm.gamma)
    elif kind == "twoslope":
        out["vcenter"] = float(norm.vcenter)
    elif kind == "boundary":
        out.update(boundaries=np.asarray(norm.boundaries, float), ncolors=int(norm.Ncmap), extend=norm.extend)
    return out


def image(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    node = common(artist, place, zorder)
    node["type"] = "image"
    alpha = artist.get_alpha()
    if isinstance(alpha, (int, float)):
        node["alpha"] = float(alpha)
    if type(artist) is not AxesImage or place.space_of(artist.get_transform()) not in ("data", "axes"):
        return _baked_image(artist, place, node)
    data = artist.get_array()
    norm = norm_of(artist.norm) if data is not None and data.ndim == 2 else None
    if data is None or (data.ndim == 2 and (norm is None or artist.cmap.N > 4096)):
        return _baked_image(artist, place, node)
    node["space"] = place.space_of(artist.get_transform())
    node["extent"] = [float(v) for v in artist.get_extent()]
    node["origin"] = artist.origin
    node["interpolation"] = artist.get_interpolation()
    node["resample"] = bool(artist.get_resample())
    node["filterrad"] = float(artist.get_filterrad())
    stage = getattr(artist, "get_interpolation_stage", lambda: None)()
    if isinstance(stage, str):
        node["interpolation_stage"] = stage
    if data.ndim == 2:
        values = np.ma.getdata(data)
        node["pixels"] = np.asarray(values, float if values.dtype.kind == "f" else values.dtype)
        mask = np.ma.getmaskarray(data)
        if mask.any():
            node["mask"] = mask
        cmap = artist.cmap
        node["lut"] = rgba_array(cmap(np.linspace(0.0, 1.0, cmap.N)))
        node.update(over=as_color(cmap.get_over()), under=as_color(cmap.get_under()), bad=as_color(cmap.get_bad()))
        node["norm"] = norm
    else:
        pixels = np.ma.getdata(data)
        if pixels.dtype.kind == "f":
            pixels = np.clip(np.nan_to_num(pixels.astype(float)), 0.0, 1.0)
        elif pixels.dtype != np.uint8:
            pixels = np.clip(pixels, 0, 255).astype(np.uint8)
        node["pixels"] = pixels
    return [node]


def _baked_image(artist: Any, place: Place, node: Node) -> List[Node]:
    """An image the scene has no exact form for (a custom norm, a resampled image class),
    as the RGBA pixels of the recorded draw, placed where they were drawn."""
    from matplotlib.backends.backend_agg import RendererAgg

    width, height = place.figure.bbox.size
    made = artist.make_image(RendererAgg(int(width), int(height), place.figure.dpi), unsampled=False)
    rgba, x, y = made[0], float(made[1]), float(made[2])
    if rgba is None or rgba.size == 0:
        return []
    if place.axes is None:  # figure images (figimage): not in this version
        place.skip("image", "a figure-level image is not carried")
        return []
    height, width = rgba.shape[:2]  # row 0 is the bottom row of pixels
    space = "data" if place.axes.name == "rectilinear" else "axes"
    (x0, y0), (x1, y1) = place.from_display(np.array([[x, y], [x + width, y + height]]), space)
    node.update(space=space, extent=[x0, x1, y0, y1], origin="lower", interpolation="nearest",
                pixels=np.ascontiguousarray(np.asarray(rgba, np.uint8)))  # fmt: skip
    place.skip("image", f"a {type(artist).__name__} is carried as its drawn pixels (no resampling on zoom)")
    return [node]


# -- patches -----------------------------------------------------------------------
def patch(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    base = common(artist, place, zorder)
    base["type"] = "patch"
    alpha = artist.get_alpha()
    if artist.get_fill():
        base["facecolor"] = as_color(artist.get_facecolor())
    if artist.get_linewidth() > 0:
        base["edgecolor"] = as_color(artist.get_edgecolor())
    stroke(artist, base, _private.dash_pattern)
    hatch = artist.get_hatch()
    if hatch:
        base["hatch"] = hatch
        color = _private.hatch_color(artist)
        if color is not None:
            base["hatch_color"] = as_color(color, alpha)
    if isinstance(artist, FancyArrowPatch):
        arrows = _private.arrow_paths(artist)
        if arrows is None:
            place.skip("patch", "an arrow's paths could not be read")
            return []
        out = []
        target = place.bake_target(artist.get_transform())
        for path, fillable in zip(*arrows):
            node = dict(base, space=target)
            node["path"] = path_fields([Path(place.from_display(path.vertices, target), path.codes)])
            if not fillable:
                node.pop("facecolor", None)
            out.append(node)
        return out
    space = place.space_of(artist.get_data_transform())
    if space is not None:
        path = artist.get_patch_transform().transform_path(artist.get_path())
    else:
        space = place.bake_target(artist.get_transform())
        display = artist.get_transform().transform_path(artist.get_path())
        path = Path(place.from_display(display.vertices, space), display.codes)
    base["space"] = space
    base["path"] = path_fields([path])
    base["path"].pop("lengths")
    return [base]


def describe_leaf(artist: Any, place: Place, zorder: Optional[float] = None) -> Optional[List[Node]]:
    """Nodes for a leaf artist, or None when it is not a leaf this module knows."""
    if isinstance(artist, Line2D):
        return line(artist, place, zorder)
    if isinstance(artist, Collection):
        return collection(artist, place, zorder)
    if hasattr(artist, "make_image") and hasattr(artist, "get_extent"):
        return image(artist, place, zorder)
    if isinstance(artist, Patch):
        return patch(artist, place, zorder)
    if isinstance(artist, Text):
        return text(artist, place, zorder)
    return None
