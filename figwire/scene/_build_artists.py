"""Scene artist nodes -> matplotlib artists (the consumer side of §16.7).

One builder per node type; each makes the artist with matplotlib's public constructors
from checked values and adds it to its axes (or the figure), in the node's space.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

import matplotlib
import numpy as np
from matplotlib import colors as mcolors
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, IdentityTransform

__all__ = ["apply_common", "attach", "build_artist", "collection_style", "colors_of", "line_kwargs", "norm_from", "patch_kwargs", "split_paths"]

Node = Dict[str, Any]
_MPL = tuple(int(p) for p in matplotlib.__version__.split(".")[:2])
#: The keyword a collection's offset transform takes (renamed in matplotlib 3.6).
_OFFSET_KW = "offset_transform" if _MPL >= (3, 6) else "transOffset"


def _space(name: str, fig: Any, ax: Any) -> Any:
    if name == "figure" or ax is None:
        return fig.transFigure
    if name == "points":
        return Affine2D().scale(1.0 / 72.0) + fig.dpi_scale_trans
    return {
        "data": ax.transData,
        "axes": ax.transAxes,
        "xaxis": ax.get_xaxis_transform(),
        "yaxis": ax.get_yaxis_transform(),
    }[name]


def _path(spec: Node) -> Path:
    codes = spec.get("codes")
    return Path(np.array(spec["vertices"], float), None if codes is None else np.array(codes, np.uint8),
                _interpolation_steps=spec.get("interpolation_steps", 1))  # fmt: skip


def split_paths(spec: Node) -> Tuple[List[np.ndarray], Optional[List[np.ndarray]]]:
    """A checked path map's vertices, and codes if it has them, split by its ``lengths``."""
    vertices = np.array(spec["vertices"], float)
    codes = spec.get("codes")
    bounds = np.cumsum([0, *(int(k) for k in spec.get("lengths", [len(vertices)]))])
    parts = [vertices[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    return parts, None if codes is None else [np.array(codes[a:b], np.uint8) for a, b in zip(bounds[:-1], bounds[1:])]


def _paths(spec: Node) -> List[Path]:
    vertices = np.array(spec["vertices"], float)
    codes = spec.get("codes")
    lengths = spec.get("lengths", [len(vertices)])
    out, start = [], 0
    steps = spec.get("interpolation_steps", 1)
    for n in (int(k) for k in lengths):
        part_codes = None if codes is None else np.array(codes[start : start + n], np.uint8)
        out.append(Path(vertices[start : start + n], part_codes, _interpolation_steps=steps))
        start += n
    return out


def apply_common(artist: Any, node: Node) -> None:
    artist.set_zorder(node.get("zorder", artist.get_zorder()))
    if "label" in node:
        artist.set_label(node["label"])
    if node.get("path_effects"):
        artist.set_path_effects([e for spec in node["path_effects"] for e in _path_effect(spec)])


def _path_effect(spec: Node) -> List[Any]:
    """matplotlib path effects from checked values (``with_normal``: then the artist)."""
    import matplotlib.patheffects as pe

    offset = tuple(spec.get("offset", (0.0, 0.0)))
    kind = spec["kind"]
    if kind == "normal":
        return [pe.Normal()]
    if kind == "stroke":
        gc = {k: spec[k] for k in ("linewidth", "foreground") if k in spec}
        effect: Any = pe.Stroke(offset=offset, **gc)
    elif kind == "ticked_stroke":
        effect = pe.TickedStroke(offset=offset, **{k: spec[k] for k in ("spacing", "angle", "length") if k in spec})
    else:
        shade = pe.SimplePatchShadow if kind == "simple_patch_shadow" else pe.SimpleLineShadow
        color_kw = "shadow_rgbFace" if kind == "simple_patch_shadow" else "shadow_color"
        kwargs: Dict[str, Any] = {k: spec[k] for k in ("alpha", "rho") if k in spec}
        if "shadow_color" in spec:
            kwargs[color_kw] = spec["shadow_color"]
        effect = shade(offset=offset, **kwargs)
    return [effect, pe.Normal()] if spec.get("with_normal") else [effect]


def attach(artist: Any, node: Node, fig: Any, ax: Any, add: Callable[[Any], Any]) -> Any:
    if ax is None:
        fig.add_artist(artist)
        artist.set_clip_on(False)
        return artist
    if ax.name == "3d":
        # a 3D axes projects every collection and patch it holds, so its 2D artists (a
        # legend's frame, lines and texts, baked to axes fraction) are drawn by the
        # figure, all of them, so that they keep their order; clipped to the axes' box
        fig.add_artist(artist)
        artist.set_clip_on(node.get("clip", True))
        artist.set_clip_box(ax.bbox)
        return artist
    add(artist)
    artist.set_clip_on(node.get("clip", True))
    return artist


def _dashes(node: Node) -> Any:
    if node.get("dashes"):
        offset, *seq = node["dashes"]
        return (offset, seq)
    return node.get("linestyle", "-")


def _line(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    xy = np.array(node["xy"], float)
    line = Line2D(xy[:, 0], xy[:, 1], **line_kwargs(node, len(xy), _space(node.get("space", "data"), fig, ax)))
    apply_common(line, node)
    return attach(line, node, fig, ax, lambda a: ax.add_line(a))


def line_kwargs(node: Node, count: int, transform: Any) -> Dict[str, Any]:
    """A line node's style as ``Line2D`` takes it (``count``: its points)."""
    kwargs: Dict[str, Any] = {
        "color": node.get("color", "C0"),
        "linewidth": node.get("linewidth", 1.5),
        "linestyle": _dashes(node),
        "drawstyle": node.get("drawstyle", "default"),
        "antialiased": node.get("antialiased", True),
        "transform": transform,
    }
    if "marker_path" in node:
        kwargs["marker"] = _path(node["marker_path"])
    elif "marker" in node:
        kwargs["marker"] = "None" if node["marker"] in ("none", "", " ") else node["marker"]
    for key in (
        "markersize",
        "markeredgewidth",
        "markerfacecolor",
        "markerfacecoloralt",
        "markeredgecolor",
        "fillstyle",
    ):
        if key in node:
            kwargs[key] = node[key]
    if "markevery" in node:
        kwargs["markevery"] = [int(i) for i in node["markevery"] if 0 <= i < count]
    for key in ("capstyle", "joinstyle"):
        if key in node:
            kwargs[f"solid_{key}"] = kwargs[f"dash_{key}"] = node[key]
    return kwargs


def _collection(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    space = node.get("space", "data")
    kwargs: Dict[str, Any] = {}
    if "offsets" in node:
        kwargs["offsets"] = np.array(node["offsets"], float)
        kwargs[_OFFSET_KW] = _space(node.get("offset_space", "data"), fig, ax)
    if space == "points" and "sizes" in node:
        kwargs["sizes"] = np.array(node["sizes"], float)
        transform = IdentityTransform()
    else:
        transform = _space(space, fig, ax)
    coll = PathCollection(
        _paths(node["paths"]),
        facecolors=colors_of(node, "facecolors"),
        edgecolors=colors_of(node, "edgecolors"),
        linewidths=np.array(node["linewidths"], float) if "linewidths" in node else 1.0,
        antialiaseds=node.get("antialiased", True),
        **kwargs,
    )
    coll.set_transform(transform)
    collection_style(coll, node, builder, where)
    apply_common(coll, node)
    return attach(coll, node, fig, ax, lambda a: ax.add_collection(a, autolim=False))


def colors_of(node: Node, key: str) -> Any:
    """An ``rgba`` array as matplotlib takes colours (uint8 ones scaled to [0, 1]);
    ``"none"`` when it is absent or empty."""
    colors = node.get(key)
    if colors is None or not len(colors):
        return "none"
    values = np.array(colors, float)
    return values / 255.0 if np.asarray(colors).dtype.kind == "u" else values


def collection_style(coll: Any, node: Node, builder: Any, where: str) -> None:
    """A collection node's dash patterns, hatch, caps and joins."""
    styles: Any = [
        (p["dashes"][0], p["dashes"][1:]) if p.get("dashes") else "solid" for p in node.get("linestyles", [])
    ]
    if styles:
        coll.set_linestyle(styles)
    if "hatch" in node:
        coll.set_hatch(node["hatch"])
    for key in ("capstyle", "joinstyle"):
        if key in node:
            builder.attempt(f"{where}.{key}", getattr(coll, f"set_{key}"), node[key])


def _mesh(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    coords = np.array(node["coordinates"], float)
    mesh = QuadMesh(coords, shading=node.get("shading", "flat"), antialiased=node.get("antialiased", False))
    mesh.set_facecolor(colors_of(node, "facecolors"))
    mesh.set_edgecolor(colors_of(node, "edgecolors"))
    if "linewidths" in node:
        widths: Any = np.array(node["linewidths"], float)
        mesh.set_linewidth(widths)
    mesh.set_transform(_space("data", fig, ax))
    apply_common(mesh, node)
    return attach(mesh, node, fig, ax, lambda a: ax.add_collection(a, autolim=False))


def norm_from(spec: Optional[Node]) -> Any:
    """A matplotlib norm from a checked ``norm`` node (None: linear over the data)."""
    if spec is None:
        return mcolors.Normalize()
    kind = spec["kind"]
    lims = {"vmin": spec.get("vmin"), "vmax": spec.get("vmax")}
    clip = spec.get("clip", False)
    if kind == "linear":
        return mcolors.Normalize(clip=clip, **lims)
    if kind == "log":
        return mcolors.LogNorm(clip=clip, **lims)
    if kind == "symlog":
        return mcolors.SymLogNorm(spec.get("linthresh", 1.0), linscale=spec.get("linscale", 1.0), clip=clip,
                                  base=spec.get("base", 10.0), **lims)  # fmt: skip
    if kind == "power":
        return mcolors.PowerNorm(spec.get("gamma", 1.0), clip=clip, **lims)
    if kind == "twoslope":
        return mcolors.TwoSlopeNorm(spec.get("vcenter", 0.0), **lims)
    if kind == "boundary":
        return mcolors.BoundaryNorm(np.array(spec["boundaries"], float), spec.get("ncolors", 256), clip=clip,
                                    extend=spec.get("extend", "neither"))  # fmt: skip
    return mcolors.NoNorm(vmin=lims["vmin"], vmax=lims["vmax"])


def _image(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    if ax is None:
        builder.skipped.append((where, "a figure-level image is not built"))
        return
    pixels = np.array(node["pixels"])
    kwargs: Dict[str, Any] = {"origin": node.get("origin", "upper"), "extent": node["extent"]}
    if pixels.ndim == 2:
        lut = np.array(node.get("lut", [[0, 0, 0, 1], [1, 1, 1, 1]]), float)
        if lut.dtype.kind == "u" or lut.max() > 1.0:
            lut = lut / 255.0
        extremes = {key: node[key] for key in ("over", "under", "bad") if key in node}
        cmap = mcolors.ListedColormap(lut).with_extremes(**extremes)
        kwargs.update(cmap=cmap, norm=norm_from(node.get("norm")))
        if "mask" in node and np.shape(node["mask"]) == pixels.shape:
            pixels = np.ma.masked_array(pixels, np.array(node["mask"], bool))
    image = AxesImage(ax, **kwargs)
    _set_with_older_name(
        image.set_interpolation, node.get("interpolation", "antialiased"), builder, f"{where}.interpolation"
    )
    if "interpolation_stage" in node and hasattr(image, "set_interpolation_stage"):
        _set_with_older_name(
            image.set_interpolation_stage, node["interpolation_stage"], builder, f"{where}.interpolation_stage"
        )
    image.set_resample(node.get("resample", False))
    if "filterrad" in node and node["filterrad"] > 0:
        image.set_filterrad(node["filterrad"])
    image.set_data(pixels)
    if "alpha" in node:
        image.set_alpha(node["alpha"])
    if node.get("space", "data") == "axes":
        image.set_transform(ax.transAxes)
    apply_common(image, node)
    return attach(image, node, fig, ax, lambda a: ax.add_image(a))


#: What matplotlib called a setting before its current name: 3.10's "auto" interpolation
#: is what "antialiased" was, and its "auto" stage decides as 3.9's "data" did for most.
_OLDER_NAMES = {"auto": ("antialiased", "data")}


def _set_with_older_name(setter: Callable[[Any], Any], value: str, builder: Any, where: str) -> None:
    try:
        setter(value)
        return
    except ValueError:
        pass
    for older in _OLDER_NAMES.get(value, ()):
        try:
            setter(older)
            return
        except ValueError:
            continue
    builder.attempt(where, setter, value)  # reports it, and leaves the default


def _patch(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    kwargs = patch_kwargs(node, _space(node.get("space", "data"), fig, ax))
    if "hatch_color" in node:
        patch = _with_hatch_color(_path(node["path"]), kwargs, node["hatch_color"])
    else:
        patch = PathPatch(_path(node["path"]), **kwargs)
    apply_common(patch, node)
    return attach(patch, node, fig, ax, lambda a: ax.add_patch(a))


def patch_kwargs(node: Node, transform: Any) -> Dict[str, Any]:
    """A patch node's style as ``Patch`` takes it."""
    kwargs: Dict[str, Any] = {
        "facecolor": node.get("facecolor", "none"),
        "edgecolor": node.get("edgecolor", "none"),
        "fill": "facecolor" in node,
        "linewidth": node.get("linewidth", 1.0),
        "linestyle": _dashes(node),
        "antialiased": node.get("antialiased", True),
        "transform": transform,
    }
    for key in ("hatch", "capstyle", "joinstyle"):
        if key in node:
            kwargs[key] = node[key]
    return kwargs


def _with_hatch_color(path: Path, kwargs: Dict[str, Any], color: Any) -> PathPatch:
    """A patch with its own hatch colour: the ``hatchcolor`` keyword where matplotlib has
    it (3.11), else through ``hatch.color``, which a patch reads when it is made."""
    try:
        return PathPatch(path, hatchcolor=color, **kwargs)
    except (TypeError, AttributeError):  # "unexpected keyword argument 'hatchcolor'"
        with matplotlib.rc_context({"hatch.color": color}):
            return PathPatch(path, **kwargs)


def _text(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    from ._build import _style_text

    x, y = node.get("xy", [0.0, 0.0])
    text = Text(x, y, node["text"], transform=_space(node.get("space", "data"), fig, ax))
    _style_text(text, node, builder, where)
    apply_common(text, node)
    return attach(text, node, fig, ax, lambda a: ax.add_artist(a))


_BUILDERS: Dict[str, Callable[..., None]] = {
    "line": _line,
    "collection": _collection,
    "mesh": _mesh,
    "image": _image,
    "patch": _patch,
    "text": _text,
}


def build_artist(node: Node, fig: Any, ax: Any, builder: Any, where: str) -> Any:
    """Build one checked artist node into ``ax`` (or the figure when ``ax`` is None); the
    artist, or None when it was left out."""
    return _BUILDERS[node["type"]](node, fig, ax, builder, where)
