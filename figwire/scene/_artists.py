"""Artists -> scene nodes (the producer side of §16.6): one function per kind of leaf.

Each describer gets a drawn artist and a ``Place`` (which coordinate spaces its axes
or figure offers) and returns nodes: plain values and numpy arrays only. Geometry in a
space the scene names is written as it is; anything else (legend entries, offset
annotations, shadows) is *baked*: transformed to display pixels at the recorded draw,
then back into data or axes fraction. What cannot be carried exactly is reported in
``Place.skipped`` with the reason, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import font_manager
from matplotlib.collections import Collection, PathCollection, QuadMesh
from matplotlib.contour import ContourSet
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import IdentityTransform

from . import _private
from ._schema import BOXSTYLES, FONTSTYLES, LINESTYLES

__all__ = ["Place", "describe_leaf"]

Node = Dict[str, Any]


@dataclass
class Place:
    """Where artists are described: an axes (data, axes, xaxis, yaxis, figure spaces) or
    the figure itself (figure space only)."""

    figure: Any
    axes: Any = None
    where: str = "figure"
    skipped: List[Tuple[str, str]] = field(default_factory=list)

    def spaces(self) -> List[Tuple[str, Any]]:
        out = [("figure", self.figure.transFigure)]
        if self.axes is not None:
            ax = self.axes
            out = [
                ("data", ax.transData),
                ("axes", ax.transAxes),
                ("xaxis", ax.get_xaxis_transform()),
                ("yaxis", ax.get_yaxis_transform()),
            ] + out
        return out

    def space_of(self, transform: Any) -> Optional[str]:
        """The scene space ``transform`` is, or None."""
        for name, known in self.spaces():
            if transform is known:
                return name
        for name, known in self.spaces():
            try:
                if transform == known:
                    return name
            except Exception:  # a transform whose __eq__ cannot compare with this one
                continue
        return None

    def bake_target(self, transform: Any) -> str:
        """Where a display-space geometry goes: data when it follows the data (on
        separable axes, where straight display segments stay straight in data), else
        axes fraction (it keeps its place on screen under zoom), figure outside axes."""
        if self.axes is None:
            return "figure"
        try:
            follows = transform.contains_branch(self.axes.transData)
        except Exception:
            follows = False
        return "data" if follows and self.axes.name == "rectilinear" else "axes"

    def from_display(self, xy: np.ndarray, space: str) -> np.ndarray:
        known = dict(self.spaces())
        with np.errstate(all="ignore"):
            return np.asarray(known[space].inverted().transform(np.asarray(xy, float).reshape(-1, 2)), float)

    def skip(self, what: str, reason: str) -> None:
        self.skipped.append((f"{self.where}.{what}", reason))


def _color(value: Any, alpha: Any = None) -> List[float]:
    rgba = mcolors.to_rgba(value, alpha if isinstance(alpha, (int, float)) else None)
    return [min(1.0, max(0.0, float(c))) for c in rgba]


def _rgba_array(values: Any) -> np.ndarray:
    arr = np.asarray(mcolors.to_rgba_array(values), float).reshape(-1, 4)
    return np.clip(np.nan_to_num(arr), 0.0, 1.0)


def _path_fields(paths: List[Any]) -> Dict[str, Any]:
    """Paths concatenated: vertices, codes (when any path has them), lengths."""
    vertices = [np.asarray(p.vertices, float).reshape(-1, 2) for p in paths]
    out: Dict[str, Any] = {
        "vertices": np.concatenate(vertices) if vertices else np.zeros((0, 2)),
        "lengths": np.array([len(v) for v in vertices], np.int64),
    }
    if any(p.codes is not None for p in paths):
        codes = []
        for p, v in zip(paths, vertices):
            if p.codes is not None:
                codes.append(np.asarray(p.codes, np.uint8))
            else:
                c = np.full(len(v), Path.LINETO, np.uint8)
                c[:1] = Path.MOVETO
                codes.append(c)
        out["codes"] = np.concatenate(codes)
    steps = [_private.interpolation_steps(p) for p in paths]
    if any(steps):
        out["interpolation_steps"] = max(s for s in steps if s)
    return out


def _common(artist: Any, place: Place, zorder: Optional[float]) -> Node:
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


def _stroke(artist: Any, node: Node, dash_reader: Any) -> None:
    node["linewidth"] = float(artist.get_linewidth())
    style = artist.get_linestyle()
    node["linestyle"] = style if style in LINESTYLES else "-"
    dashes = dash_reader(artist)
    if dashes is not None and style not in ("-", "None"):
        offset, seq = dashes
        if len(seq) % 2 == 0 and 0 < len(seq) <= 16 and sum(seq) > 0:
            node["dashes"] = [offset, *seq]
    for name, getters in (("capstyle", ("get_capstyle", "get_dash_capstyle")), ("joinstyle", ("get_joinstyle", "get_dash_joinstyle"))):
        value = next((v for v in (_style(artist, g) for g in getters) if v is not None), None)
        if isinstance(value, str):
            node[name] = value
    node["antialiased"] = bool(np.any(artist.get_antialiased()))


def _style(artist: Any, getter: str) -> Any:
    """A cap or join style, None when unset (matplotlib 3.5's Collection.get_capstyle
    raises then) or when the artist has no such getter."""
    method = getattr(artist, getter, None)
    try:
        return None if method is None else method()
    except AttributeError:
        return None


def _geometry(place: Place, transform: Any, xy: np.ndarray) -> Tuple[str, np.ndarray]:
    """``(space, xy)``: ``xy`` in its own space if the scene has it, else baked."""
    space = place.space_of(transform)
    if space is not None:
        return space, np.asarray(xy, float)
    target = place.bake_target(transform)
    with np.errstate(all="ignore"):
        display = transform.transform(np.asarray(xy, float).reshape(-1, 2))
    return target, place.from_display(display, target)


# -- lines -------------------------------------------------------------------------
def line(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    node = _common(artist, place, zorder)
    space, xy = _geometry(place, artist.get_transform(), artist.get_xydata())
    alpha = artist.get_alpha()
    node.update(type="line", xy=xy, space=space, color=_color(artist.get_color(), alpha))
    _stroke(artist, node, _private.dash_pattern)
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
            node["marker_path"] = _path_fields([style.get_transform().transform_path(style.get_path())])
            node["marker_path"].pop("lengths")
    if node.get("marker") not in ("None", "none", "", " ", None) or "marker_path" in node:
        node.update(
            markersize=float(artist.get_markersize()),
            markeredgewidth=float(artist.get_markeredgewidth()),
            markerfacecolor=_color(artist.get_markerfacecolor(), alpha),
            markerfacecoloralt=_color(artist.get_markerfacecoloralt(), alpha),
            markeredgecolor=_color(artist.get_markeredgecolor(), alpha),
            fillstyle=artist.get_fillstyle(),
        )
        every = artist.get_markevery()
        if every is not None:
            indices = _markevery(every, len(xy))
            if indices is None:
                place.skip("line", f"markevery={every!r} is not carried: every point gets a marker")
            else:
                node["markevery"] = indices
    return [node]


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
    node = _common(artist, place, zorder)
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
        node["offset_space"], node["offsets"] = _geometry(place, offset_trf, offsets)
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
            node["offset_space"], node["offsets"] = _geometry(place, offset_trf, offsets)
        else:
            node["offset_space"], node["offsets"] = "figure", np.zeros((1, 2))
    if not paths:
        return []
    node["paths"] = _path_fields(paths)
    node["facecolors"] = _rgba_array(artist.get_facecolor())
    node["edgecolors"] = _rgba_array(artist.get_edgecolor())
    if isinstance(artist, ContourSet):
        return _contour_set(artist, node, paths)
    widths = np.atleast_1d(np.asarray(artist.get_linewidth(), float))
    node["linewidths"] = widths
    node["linestyles"] = [_unscaled(style, widths[i % len(widths)]) for i, style in enumerate(artist.get_linestyle())]
    hatch = artist.get_hatch()
    if hatch:
        node["hatch"] = hatch
    for name in ("capstyle", "joinstyle"):
        value = _style(artist, f"get_{name}")
        if isinstance(value, str):
            node[name] = value
    node["antialiased"] = bool(np.any(artist.get_antialiased()))
    return [node]


def _contour_set(artist: Any, node: Node, paths: List[Any]) -> List[Node]:
    """A ContourSet (a Collection from matplotlib 3.8) draws path by path, each with its
    level's colour and hatch, so its facecolors after a draw are the last level's only:
    the colours come from its levels, and levels with different hatches become nodes."""
    colors = _rgba_array(artist.to_rgba(np.asarray(artist.get_array()), artist.get_alpha()))
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
            node, paths=_path_fields([path]), facecolors=colors[i : i + 1] if artist.filled else node["facecolors"]
        )
        part.pop("hatch", None)
        if hatches[i % len(hatches)]:
            part["hatch"] = hatches[i % len(hatches)]
        out.append(part)
    return out


def _affine(matrix: np.ndarray) -> Any:
    from matplotlib.transforms import Affine2D

    return Affine2D(np.asarray(matrix, float))


def _unscaled(style: Any, width: float) -> Dict[str, Any]:
    """A collection's dash pattern as matplotlib scaled it by the line width, unscaled."""
    offset, seq = style
    if seq is None or width <= 0:
        return {}
    return {"dashes": [float(offset) / width, *(float(s) / width for s in seq)]}


def mesh(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    node = _common(artist, place, zorder)
    coords = np.asarray(artist.get_coordinates(), float)
    space, flat = _geometry(place, artist.get_transform(), coords.reshape(-1, 2))
    if space != "data":
        place.skip("mesh", "a mesh outside data space is drawn as recorded in data space")
    node.update(
        type="mesh",
        coordinates=flat.reshape(coords.shape),
        facecolors=_rgba_array(artist.get_facecolor()),
        edgecolors=_rgba_array(artist.get_edgecolor()),
        linewidths=np.atleast_1d(np.asarray(artist.get_linewidth(), float)),
        shading=_private.mesh_shading(artist) or "flat",
        antialiased=bool(_private.mesh_antialiased(artist)),
    )
    return [node]


# -- images ------------------------------------------------------------------------
#: Parts of composite artists that do not list them as children.
_PARTS = {"QuiverKey": ("vector", "text"), "InsetIndicator": ("rectangle", "connectors")}

_NORMS = {"Normalize": "linear", "CenteredNorm": "linear", "LogNorm": "log", "SymLogNorm": "symlog", "PowerNorm": "power",
          "TwoSlopeNorm": "twoslope", "BoundaryNorm": "boundary", "NoNorm": "none"}  # fmt: skip


def _norm(norm: Any) -> Optional[Dict[str, Any]]:
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
    node = _common(artist, place, zorder)
    node["type"] = "image"
    alpha = artist.get_alpha()
    if isinstance(alpha, (int, float)):
        node["alpha"] = float(alpha)
    if type(artist) is not AxesImage or place.space_of(artist.get_transform()) not in ("data", "axes"):
        return _baked_image(artist, place, node)
    data = artist.get_array()
    norm = _norm(artist.norm) if data is not None and data.ndim == 2 else None
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
        node["lut"] = _rgba_array(cmap(np.linspace(0.0, 1.0, cmap.N)))
        node.update(over=_color(cmap.get_over()), under=_color(cmap.get_under()), bad=_color(cmap.get_bad()))
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
    base = _common(artist, place, zorder)
    base["type"] = "patch"
    alpha = artist.get_alpha()
    if artist.get_fill():
        base["facecolor"] = _color(artist.get_facecolor())
    if artist.get_linewidth() > 0:
        base["edgecolor"] = _color(artist.get_edgecolor())
    _stroke(artist, base, _private.dash_pattern)
    hatch = artist.get_hatch()
    if hatch:
        base["hatch"] = hatch
        color = _private.hatch_color(artist)
        if color is not None:
            base["hatch_color"] = _color(color, alpha)
    if isinstance(artist, FancyArrowPatch):
        arrows = _private.arrow_paths(artist)
        if arrows is None:
            place.skip("patch", "an arrow's paths could not be read")
            return []
        out = []
        target = place.bake_target(artist.get_transform())
        for path, fillable in zip(*arrows):
            node = dict(base, space=target)
            node["path"] = _path_fields([Path(place.from_display(path.vertices, target), path.codes)])
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
    base["path"] = _path_fields([path])
    base["path"].pop("lengths")
    return [base]


# -- text --------------------------------------------------------------------------
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
    node["color"] = _color(text.get_color(), text.get_alpha())
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
        out["facecolor"] = _color(box.get_facecolor())
    out["edgecolor"] = _color(box.get_edgecolor())
    out["linewidth"] = float(box.get_linewidth())
    style_name = box.get_linestyle()
    out["linestyle"] = style_name if style_name in LINESTYLES else "-"
    return out


def text(artist: Any, place: Place, zorder: Optional[float]) -> List[Node]:
    if not artist.get_text():
        return []
    node = _common(artist, place, zorder)
    node.update(type="text", **text_style(artist, place))
    xy = np.asarray(artist.get_unitless_position(), float).reshape(1, 2)
    space, where = _geometry(place, artist.get_transform(), xy)
    if not np.isfinite(where).all():
        return []
    node["space"], node["xy"] = space, [float(v) for v in where[0]]
    return [node]


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
