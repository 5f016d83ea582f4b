"""Every private matplotlib attribute the describer reads, in one place, each guarded.

They are read only where matplotlib has no public getter. Each read returns a default
when the attribute moved or changed shape, so a new matplotlib degrades the scene (the
describer reports what it approximated) instead of breaking it; the cross-version
matrix (``tools/xver.py``) and ``tests/test_scene.py::test_private_reads_answer``
notice the day one of them stops answering.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

#: Every private read, by the name of the function here that makes it (``dash_pattern``
#: serves patches too): what it reads, and why there is no public way.
PRIVATE_READS: Dict[str, str] = {
    "dash_pattern": "Line2D/Patch._unscaled_dash_pattern: a custom dash sequence (get_linestyle says only '--')",
    "hatch_color": "Patch._hatch_color: no getter before matplotlib 3.10",
    "interpolation_steps": "Path._interpolation_steps: polar bars are curved by it; Path has no getter",
    "tick_direction": "Tick._tickdir: Axis.get_tick_params exists only from 3.7 and omits the direction",
    "linespacing": "Text._linespacing: no getter; 3.11 allows 'normal', which older consumers refuse",
    "title_pad": "Axes._set_title_offset_trans sets titleOffsetTrans; its translation is the pad",
    "marker_style": "Line2D._marker: get_marker returns what was passed, not the resolved MarkerStyle",
    "clip_patch": "TransformedPatchPath._patch: whether an artist is clipped to its axes' own patch",
    "mesh_shading": "QuadMesh._shading: flat or gouraud has no getter",
    "antialiased": "Collection._antialiaseds: Collection.get_antialiased exists only from matplotlib 3.8",
    "mesh_antialiased": "QuadMesh._antialiased: what draw_quad_mesh uses (get_antialiased is the Collection's)",
    "arrow_paths": "FancyArrowPatch._get_path_in_displaycoord: an arrow's sub-paths and which are filled",
    "symlog_norm": "SymLogNorm._scale: linthresh, linscale and base (no public getters before 3.7)",
    "multiple_base": "MultipleLocator._edge.step: the tick spacing has no getter",
    "date_rule": "RRuleLocator.rule._construct: the dateutil rule's parameters (rrulewrapper has no getter)",
    "microsecond_interval": "MicrosecondLocator._interval: the tick spacing has no getter",
    "max_n": "MaxNLocator._nbins/_steps/_integer/_symmetric/_prune/_min_n_ticks: set_params has no getter",
    "scalar_notation": "ScalarFormatter._scientific/_powerlimits: set_scientific and set_powerlimits have no getters",
    "secondary": "SecondaryAxis._parent/_orientation/_loc/_functions: what a secondary axis follows (no getters)",
    "draw_disabled": "RendererBase._draw_disabled: lay a figure out without rasterizing (draw_without_rendering uses it)",
    "path_effects": "AbstractPathEffect._offset/_gc/_shadow_*/_alpha/_rho/_spacing/_angle/_length: no getters",
    "sup_texts": "Figure._suptitle/_supxlabel/_supylabel: get_suptitle (3.8) gives the string, not the Text; their _autopos",
    "tight_parameters": "Figure._tight_parameters: tight_layout's pads on matplotlib < 3.6 (no layout engines)",
    "side_titles": "Axes._left_title/_right_title: the left and right titles' Text artists",
    "colorbar": "Axes._colorbar: the Colorbar an axes holds (a mappable's .colorbar misses ScalarMappable-only ones)",
    "colorbar_owned": "Colorbar._extend_patches: the extension triangles, drawn by the colorbar, not the user",
    "colorbar_info": "Axes._colorbar_info: what make_axes was given (parents, location, fraction...), which "
    "constrained layout reads; no getter",
    "colorbar_box": "_ColorbarAxesLocator._orig_locator: the box before the colorbar shrinks it for its extensions",
    "layout_compress": "ConstrainedLayoutEngine._compress: layout='compressed' (not in the engine's get())",
    "labels_by_value": "Axis._format_with_dict: set_ticklabels labels fixed ticks by a FuncFormatter over a partial "
    "of it and a {value: label} dict (3.5 to 3.11), with no getter for the dict",
    "annotation_drawn": "Annotation._check_xy: whether an annotation is drawn at all (annotation_clip with an xy "
    "outside the axes hides it, arrow and text); no public form of the rule",
    "title_autopos": "Axes._autotitlepos: whether matplotlib places the titles' y (set_title(y=...) turns it off); "
    "no getter",
    "legend_outside": "Legend._outside_loc: the side a figure legend at loc='outside ...' keeps out of the axes "
    "(constrained layout makes room for it there); no getter",
    "legend_layout": "Legend._loc/_ncols (_ncol before 3.6)/_mode: where and how a legend lays itself out; no getters",
    "aligned_labels": "Figure._align_label_groups: the Groupers align_xlabels/align_ylabels/align_titles join axes "
    "in (titles from 3.9); no getter lists them",
    "label_coords": "Axis._autolabelpos: false once set_label_coords placed the label by hand; no getter",
    # 3D (mplot3d keeps an artist's 3D geometry only in private attributes; its getters give the last projection)
    "polys3d": "Poly3DCollection._vec/_segslices (3.5 to 3.10) or _faces/_invalid_vertices (3.11), _codes3d, "
    "_sort_zpos, _zsortfunc, _facecolor3d, _edgecolor3d: the polygons in data space, how they are depth-sorted, "
    "their colours in their own order",
    "segments3d": "Line3DCollection._segments3d: the segments in data space (get_segments gives the projection)",
    "patch3d": "Patch3D._segment3d (and PathPatch3D._code3d): a 3D patch's outline in data space",
    "paths3d": "Collection3D._3dverts_codes (3.8+, contours in 3D axes): each path in data space, with its codes",
    "scatter3d": "Path3DCollection._offsets3d/_sizes3d/_linewidths3d/_edgecolors: the points in data space, in "
    "their own order (the getters give them depth-sorted and shaded after a draw), and edges drawn as the faces",
    "text3d_direction": "Text3D._dir_vec: the direction a 3D text runs along (zdir)",
    "view3d": "Axes3D._vertical_axis, _focal_length (_projection on 3.5), _axis3don, _draw_grid: the camera's "
    "up axis and lens, whether the axes are drawn, whether the grid is (no getters)",
    "grid3d": "Axis3D._axinfo['grid']: a 3D axis' grid colour, width and style (set from rcParams when it is made)",
    "axlim_clip": "the _axlim_clip of a 3D artist (3.10+): clipped to the axes' view limits in data space",
}


def _guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any) -> Any:
        try:
            return function(*args)
        except Exception:
            return None

    return wrapper


@_guarded
def dash_pattern(artist: Any) -> Optional[Tuple[float, Tuple[float, ...]]]:
    offset, seq = artist._unscaled_dash_pattern
    if seq is None:
        return None
    return float(offset), tuple(float(s) for s in seq)


@_guarded
def hatch_color(patch: Any) -> Any:
    getter = getattr(patch, "get_hatchcolor", None)
    return getter() if getter is not None else patch._hatch_color


@_guarded
def interpolation_steps(path: Any) -> Optional[int]:
    steps = path._interpolation_steps
    return int(steps) if isinstance(steps, int) and steps > 1 else None


@_guarded
def tick_direction(tick: Any) -> Optional[str]:
    direction = tick._tickdir
    return direction if direction in ("in", "out", "inout") else None


@_guarded
def linespacing(text: Any) -> Optional[float]:
    """A text's line spacing when it was set: None for this matplotlib's default (1.2
    until 3.10, ``'normal'`` from 3.11), which the consumer's own default replaces (so
    a 3.10 figure's texts are not spaced more widely than a 3.11 consumer's own)."""
    from matplotlib.text import Text

    value = text._linespacing
    default: Any = Text()
    if value == default._linespacing or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@_guarded
def title_pad(axes: Any) -> Optional[float]:
    """The title's offset in points (``Axes.set_title(pad=...)``)."""
    return float(axes.titleOffsetTrans.get_matrix()[1, 2]) * 72.0 / float(axes.figure.dpi)


@_guarded
def title_autopos(axes: Any) -> Optional[bool]:
    """Whether matplotlib lifts ``axes``' titles above its decorations (None counts as yes)."""
    return axes._autotitlepos is not False


@_guarded
def marker_style(line: Any) -> Any:
    return line._marker


@_guarded
def clip_patch(clip_path: Any) -> Any:
    return clip_path._patch


@_guarded
def mesh_shading(mesh: Any) -> Optional[str]:
    shading = mesh._shading
    return shading if shading in ("flat", "gouraud") else None


def antialiased(artist: Any) -> bool:
    """Whether an artist is drawn antialiased (any of a collection's paths)."""
    getter = getattr(artist, "get_antialiased", None)
    try:
        value = getter() if getter is not None else artist._antialiaseds
    except Exception:
        return True
    return bool(np.any(value))


@_guarded
def mesh_antialiased(mesh: Any) -> Optional[bool]:
    return bool(mesh._antialiased)


@_guarded
def arrow_paths(arrow: Any) -> Any:
    """``(paths, fillables)`` of an arrow in display pixels."""
    reader = getattr(arrow, "_get_path_in_displaycoord", None) or arrow.get_path_in_displaycoord
    paths, fillables = reader()
    if hasattr(paths, "vertices"):  # one path and one flag ("fancy", "simple", "wedge"), not lists
        paths, fillables = [paths], [fillables]
    return list(paths), [bool(f) for f in fillables]


@_guarded
def symlog_norm(norm: Any) -> Optional[Tuple[float, float, float]]:
    scale = norm._scale
    return float(scale.linthresh), float(scale.linscale), float(getattr(scale, "base", 10.0))


@_guarded
def multiple_base(locator: Any) -> Optional[float]:
    step = float(locator._edge.step)
    return step if step > 0 else None


@_guarded
def date_rule(locator: Any) -> Optional[Dict[str, Any]]:
    return dict(locator.rule._construct)


@_guarded
def microsecond_interval(locator: Any) -> Optional[int]:
    interval = locator._interval
    return interval if isinstance(interval, int) and interval > 0 else None


@_guarded
def max_n(locator: Any) -> Optional[Dict[str, Any]]:
    """A MaxNLocator's parameters, as the scene's fields (``nbins`` absent for ``'auto'``)."""
    out: Dict[str, Any] = {
        "integer": bool(locator._integer),
        "symmetric": bool(locator._symmetric),
        "min_n_ticks": int(locator._min_n_ticks),
        "steps": [float(s) for s in locator._steps],
    }
    if locator._nbins != "auto":
        out["nbins"] = int(locator._nbins)
    if locator._prune in ("lower", "upper", "both"):
        out["prune"] = locator._prune
    return out


@_guarded
def scalar_notation(formatter: Any) -> Optional[Tuple[bool, Tuple[int, int]]]:
    """Whether a ScalarFormatter may use scientific notation, and its power limits."""
    low, high = formatter._powerlimits
    return bool(formatter._scientific), (int(low), int(high))


@_guarded
def secondary(axes: Any) -> Optional[Tuple[Any, str, float, Callable[[Any], Any]]]:
    """``(parent axes, "x" or "y", location in parent axes fraction, forward)`` of a
    secondary axis, None for any other axes."""
    if type(axes).__name__ != "SecondaryAxis":
        return None
    location = axes._loc
    location = {"top": 1.0, "right": 1.0, "bottom": 0.0, "left": 0.0}.get(location, location)
    functions = axes._functions
    forward = functions.transform if hasattr(functions, "transform") else functions[0]
    return axes._parent, axes._orientation, float(location), forward


@_guarded
def draw_disabled(renderer: Any) -> Any:
    return renderer._draw_disabled()


_EFFECT_KINDS = {"Normal": "normal", "Stroke": "stroke", "SimplePatchShadow": "simple_patch_shadow",
                 "SimpleLineShadow": "simple_line_shadow", "TickedStroke": "ticked_stroke"}  # fmt: skip


@_guarded
def path_effects(artist: Any) -> Optional[list]:
    """An artist's path effects as plain values, or None if one is not a kind the scene
    names or carries graphics-context settings beyond a stroke's width and colour."""
    import matplotlib.patheffects as pe
    from matplotlib.colors import to_rgba

    out = []
    for effect in artist.get_path_effects():
        base = next(
            (c for c in type(effect).__mro__ if c.__module__ == pe.__name__ and c.__name__ in _EFFECT_KINDS), None
        )
        gc = dict(getattr(effect, "_gc", {}) or {})
        if base is None or set(gc) - {"linewidth", "foreground"}:
            return None
        node: Dict[str, Any] = {"kind": _EFFECT_KINDS[base.__name__], "offset": [float(v) for v in effect._offset]}
        if type(effect) is not base:  # withStroke and friends: the artist is drawn after the effect
            node["with_normal"] = True
        if "linewidth" in gc:
            node["linewidth"] = float(gc["linewidth"])
        if "foreground" in gc:
            node["foreground"] = [float(c) for c in to_rgba(gc["foreground"])]
        for attr, key in (("_shadow_rgbFace", "shadow_color"), ("_shadow_color", "shadow_color")):
            if getattr(effect, attr, None) is not None:
                node[key] = [float(c) for c in to_rgba(getattr(effect, attr))]
        for attr in ("alpha", "rho", "spacing", "angle", "length"):
            value = getattr(effect, f"_{attr}", None)
            if isinstance(value, (int, float)) and value is not None:
                node[attr] = float(value)
        out.append(node)
    return out


@_guarded
def sup_texts(figure: Any) -> Dict[str, Any]:
    texts = {name: getattr(figure, f"_{name}", None) for name in ("suptitle", "supxlabel", "supylabel")}
    return {name: t for name, t in texts.items() if t is not None}


@_guarded
def tight_parameters(figure: Any) -> Dict[str, Any]:
    return dict(figure._tight_parameters or {})


@_guarded
def side_titles(axes: Any) -> Any:
    return {"left": axes._left_title, "right": axes._right_title}


@_guarded
def colorbar(axes: Any) -> Any:
    from matplotlib.colorbar import Colorbar

    cbar = getattr(axes, "_colorbar", None)
    return cbar if isinstance(cbar, Colorbar) and cbar.ax is axes else None


@_guarded
def colorbar_owned(cbar: Any) -> Optional[set]:
    """Every artist the colorbar draws itself (its solids, edges, extensions, outline)."""
    owned = {cbar.solids, cbar.dividers, cbar.outline, *cbar.solids_patches, *cbar._extend_patches}
    return owned - {None}


@_guarded
def colorbar_info(axes: Any) -> Optional[Dict[str, Any]]:
    info = axes._colorbar_info
    return dict(info) if isinstance(info, dict) else None


@_guarded
def colorbar_box(cbar: Any) -> Any:
    """The colorbar axes' box before its extensions shrink it, in display pixels."""
    from matplotlib.transforms import TransformedBbox

    ax = cbar.ax
    parent = getattr(cbar.ax.get_axes_locator(), "_orig_locator", None)
    box = ax.get_position(original=True) if parent is None else parent(ax, None)
    return TransformedBbox(box, ax.figure.transSubfigure).frozen()


@_guarded
def legend_layout(legend: Any) -> Optional[Tuple[int, int, Optional[str]]]:
    """``(loc code, columns, mode)`` of a legend."""
    loc = legend._loc
    ncols = getattr(legend, "_ncols", None) or legend._ncol
    mode = legend._mode
    if not isinstance(loc, int) or not isinstance(ncols, int) or mode not in (None, "expand"):
        return None
    return loc, ncols, mode


@_guarded
def legend_outside(legend: Any) -> Optional[str]:
    """``'upper'``, ``'lower'``, ``'left'`` or ``'right'`` for a figure legend placed outside."""
    side = getattr(legend, "_outside_loc", None)
    return side if side in ("upper", "lower", "left", "right") else None


@_guarded
def label_coords(axis: Any) -> Optional[Tuple[float, float]]:
    """An axis label's position in axes fraction when ``Axis.set_label_coords`` set it (so
    matplotlib no longer places it from the tick labels); None otherwise."""
    if axis._autolabelpos is not False or axis.label.get_transform() != axis.axes.transAxes:
        return None
    x, y = axis.label.get_position()
    return float(x), float(y)


@_guarded
def aligned_labels(figure: Any) -> Dict[str, List[List[Any]]]:
    """``{'x': groups, 'y': groups, 'title': groups}``: the axes whose x (or y) labels
    ``Figure.align_xlabels`` (``align_ylabels``, ``align_labels``) aligned, and whose titles
    ``align_titles`` did (matplotlib >= 3.9), as lists of two or more. The figure keeps
    them in ``Grouper``s and no getter lists them."""
    groups = figure._align_label_groups
    return {
        axis: [list(group) for group in groups[axis] if len(list(group)) > 1]
        for axis in ("x", "y", "title")
        if axis in groups
    }


@_guarded
def layout_compress(engine: Any) -> Optional[bool]:
    compress = engine._compress
    return compress if isinstance(compress, bool) else None


@_guarded
def labels_by_value(formatter: Any) -> Optional[Dict[Any, Any]]:
    """The ``{value: label}`` dict of a FuncFormatter that ``Axis.set_ticklabels`` made; None else."""
    from matplotlib.axis import Axis

    func = getattr(formatter, "func", None)
    if isinstance(func, functools.partial) and func.func is getattr(Axis, "_format_with_dict", None) and len(func.args) == 1:
        table = func.args[0]
        return table if isinstance(table, dict) else None
    return None


@_guarded
def annotation_drawn(annotation: Any) -> Optional[bool]:
    """Whether matplotlib draws ``annotation`` (its arrow and its text) at all."""
    return bool(annotation._check_xy(None))


# -- 3D ----------------------------------------------------------------------------
def _xyz(points: Any) -> np.ndarray:
    """Points as a float (n, 3) array, masked entries as NaN."""
    arr: Any = np.ma.filled(np.ma.asarray(points, float), np.nan)
    return np.asarray(arr, float).reshape(-1, 3)


@_guarded
def polys3d(collection: Any) -> Optional[Tuple[np.ndarray, np.ndarray, Optional[list], Optional[float], Any, Any, Any]]:
    """``(vertices (n, 3), vertices per polygon, codes per polygon or None, sort_zpos, zsort, face colours,
    edge colours)`` of a Poly3DCollection; the colours in the polygons' order, shading applied (the getters
    give them depth-sorted). Read whole, not polygon by polygon: a surface has tens of thousands."""
    if hasattr(collection, "_faces"):  # 3.11: (polygons, most vertices, 3), padding marked invalid
        faces: Any = np.ma.filled(np.ma.asarray(collection._faces, float), np.nan)
        valid = ~np.broadcast_to(np.asarray(collection._invalid_vertices, bool), faces.shape[:2])
        vertices, lengths = faces[valid], valid.sum(axis=1)
    else:  # 3.5 to 3.10: homogeneous coordinates of every polygon, one after another
        vec: Any = np.ma.filled(np.ma.asarray(collection._vec, float), np.nan)
        slices = list(collection._segslices)
        lengths = np.array([s.stop - s.start for s in slices], np.int64)
        starts = np.array([s.start for s in slices], np.int64)
        if len(slices) and not (starts == np.concatenate([[0], np.cumsum(lengths)[:-1]])).all():
            return None
        vertices = vec[:3, : int(lengths.sum())].T
    codes = getattr(collection, "_codes3d", None)
    codes = None if codes is None else [None if c is None else np.asarray(c, np.uint8) for c in codes]
    zsort = {np.average: "average", np.mean: "average", np.min: "min", np.max: "max"}.get(collection._zsortfunc)
    zpos = collection._sort_zpos
    faces, edges = collection._facecolor3d, collection._edgecolor3d
    out = np.ascontiguousarray(vertices, float).reshape(-1, 3)
    return out, np.asarray(lengths, np.int64), codes, None if zpos is None else float(zpos), zsort, faces, edges


@_guarded
def segments3d(collection: Any) -> Optional[list]:
    return [_xyz(s) for s in collection._segments3d]


@_guarded
def patch3d(patch: Any) -> Optional[Tuple[np.ndarray, Optional[np.ndarray]]]:
    codes = getattr(patch, "_code3d", None)
    return _xyz(patch._segment3d), None if codes is None else np.asarray(codes, np.uint8)


@_guarded
def paths3d(collection: Any) -> Optional[list]:
    return [(_xyz(vs), None if codes is None else np.asarray(codes, np.uint8)) for vs, codes in collection._3dverts_codes]


@_guarded
def scatter3d(collection: Any) -> Optional[Tuple[np.ndarray, np.ndarray, np.ndarray, bool]]:
    """``(points, sizes, linewidths, edges are the faces)`` of a 3D scatter, in its own order."""
    xs, ys, zs = collection._offsets3d
    n = len(np.atleast_1d(xs))
    xyz = _xyz(np.column_stack([np.broadcast_to(np.ma.filled(np.ma.asarray(v, float), np.nan), n) for v in (xs, ys, zs)]))
    face = isinstance(collection._edgecolors, str) and collection._edgecolors == "face"
    sizes = np.atleast_1d(np.asarray(collection._sizes3d, float))
    widths = np.atleast_1d(np.asarray(getattr(collection, "_linewidths3d", collection.get_linewidth()), float))
    return xyz, sizes, widths, face


@_guarded
def text3d_direction(text: Any) -> Optional[Tuple[float, float, float]]:
    x, y, z = (float(v) for v in np.asarray(text._dir_vec, float).reshape(3))
    return x, y, z


@_guarded
def view3d(axes: Any) -> Optional[Tuple[int, Optional[float], bool, bool]]:
    """``(vertical axis index, focal length (inf: orthographic; None: perspective of 3.5), axes drawn, grid drawn)``."""
    focal = getattr(axes, "_focal_length", None)
    if focal is None and getattr(axes, "_projection", None) is not None:  # 3.5: a projection function
        focal = float("inf") if axes._projection.__name__.startswith("ortho") else None
    return int(axes._vertical_axis), None if focal is None else float(focal), bool(axes._axis3don), bool(axes._draw_grid)


@_guarded
def grid3d(axis: Any) -> Optional[Dict[str, Any]]:
    return dict(axis._axinfo["grid"])


@_guarded
def axlim_clip(artist: Any) -> Optional[bool]:
    clip = artist._axlim_clip
    return clip if isinstance(clip, bool) else None
