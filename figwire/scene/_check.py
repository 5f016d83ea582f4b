"""Check a decoded scene against the node tables (§16.4, §16.5), before anything is built.

Every field a builder reads is checked here for type, range and size, so the builder
never sees a value the tables do not allow. Unknown fields are ignored; a node of an
unknown type is dropped and reported when it says ``optional``, otherwise the scene is
refused (a consumer never shows a figure with a piece silently missing).
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Dict, List, Tuple

import numpy as np

from .._errors import DecodeError, LimitExceededError
from .._spec import ErrorCode
from ._rules import (
    CLOSEPOLY,
    LEGEND_ENTRY_TEXTS,
    PATH_CODES,
    bad,
    check_3d,
    check_cell,
    check_colorbar,
    check_figure_legends,
    check_ids,
    check_multiple,
    glyph_pixels,
    nested_rules,
)  # fmt: skip
from ._schema import (
    ARTIST_FIELDS,
    DEFAULT_SCENE_LIMITS,
    HATCH_CHARS,
    NODE_TYPES,
    NODE_TYPES_3D,
    SCENE_FIELDS,
    SCENE_MAJORS,
    STRUCTS,
    SceneLimits,
    SField,
)

__all__ = ["check_scene"]

_VERSION = re.compile(r"(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\Z")
_NAME = re.compile(r"[A-Za-z0-9 _.+-]{1,64}\Z")
_NUM_LIST = re.compile(r"num\[(\d)\]\Z")
#: Marker codes a scene may name: matplotlib's single-character and named markers.
_MARKERS = frozenset(".,ov^<>12348sp*hH+xXDd|_P") | frozenset({"None", "none", " ", ""})
_MARKER_INTS = frozenset(range(12))


class _Checker:
    def __init__(self, limits: SceneLimits) -> None:
        self.limits = limits
        self.nodes = 0
        self.texts = 0
        self.strings = 0
        self.skipped: List[Tuple[str, str]] = []
        self.kinds: Dict[str, Callable[[Any, str, SField], Any]] = {
            "bool": self._bool,
            "int": self._int,
            "num": self._num,
            "str": self._str,
            "name": self._name,
            "names": self._names,
            "color": self._color,
            "nums": self._nums,
            "enum": self._enum,
            "marker": self._marker,
            "xy": lambda v, w, f: self._array(v, w, "f", (None, 2)),
            "xyz": lambda v, w, f: self._array(v, w, "f", (None, 3)),
            "vec": lambda v, w, f: self._vec(v, w, f),
            "ints": lambda v, w, f: self._array(v, w, "iu", (None,)),
            "codes": lambda v, w, f: self._codes(v, w),
            "rgba": lambda v, w, f: self._rgba(v, w),
            "mesh": lambda v, w, f: self._array(v, w, "f", (None, None, 2)),
            "pixels": lambda v, w, f: self._pixels(v, w),
            "mask": lambda v, w, f: self._array(v, w, "b", None),
            "nodes": lambda v, w, f: self._nodes(v, w),
        }

    # -- scalars ---------------------------------------------------------------
    def _bool(self, value: Any, where: str, f: SField) -> bool:
        if not isinstance(value, bool):
            raise bad(where, "must be a bool")
        return value

    def _int(self, value: Any, where: str, f: SField) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad(where, "must be an int")
        self._in_range(value, where, f)
        return value

    def _num(self, value: Any, where: str, f: SField) -> float:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise bad(where, "must be a finite number")
        self._in_range(value, where, f)
        return float(value)

    def _in_range(self, value: float, where: str, f: SField) -> None:
        if f.range is not None and not f.range[0] <= value <= f.range[1]:
            raise bad(where, f"must be in [{f.range[0]}, {f.range[1]}], not {value!r}")

    def _str(self, value: Any, where: str, f: SField) -> str:
        if not isinstance(value, str):
            raise bad(where, "must be a str")
        if len(value) > self.limits.max_text:
            raise LimitExceededError(f"scene: {where} characters", len(value), self.limits.max_text)
        if f.name == "hatch" and (len(value) > self.limits.max_hatch or not set(value) <= HATCH_CHARS):
            raise bad(
                where, f"must be a hatch pattern of at most {self.limits.max_hatch} of {''.join(sorted(HATCH_CHARS))}"
            )
        self._count_strings(1)
        return value

    def _count_strings(self, n: int) -> None:
        self.strings += n
        if self.strings > self.limits.max_strings:
            raise LimitExceededError("scene strings", self.strings, self.limits.max_strings)

    def _name(self, value: Any, where: str, f: SField) -> str:
        if not isinstance(value, str) or not _NAME.match(value):
            raise bad(where, "must be a name (letters, digits, space, _ . + -; at most 64)")
        return value

    def _names(self, value: Any, where: str, f: SField) -> List[str]:
        if not isinstance(value, list) or len(value) > 16:
            raise bad(where, "must be a list of at most 16 names")
        self._count_strings(len(value))
        return [self._name(v, f"{where}[{i}]", f) for i, v in enumerate(value)]

    def _color(self, value: Any, where: str, f: SField) -> Tuple[float, ...]:
        if not isinstance(value, list) or len(value) != 4:
            raise bad(where, "must be a colour: 4 numbers")
        for v in value:
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0.0 <= v <= 1.0:
                raise bad(where, "colour components must be numbers in [0, 1]")
        return tuple(float(v) for v in value)

    def _nums(self, value: Any, where: str, f: SField, count: int = -1) -> List[float]:
        if not isinstance(value, list) or (count >= 0 and len(value) != count) or len(value) > 64:
            raise bad(where, f"must be a list of {count if count >= 0 else 'at most 64'} numbers")
        out = [self._num(v, f"{where}[{i}]", f) for i, v in enumerate(value)]
        if f.name == "dashes" and out:
            if len(out) > self.limits.max_dashes + 1 or len(out) % 2 == 0:
                raise bad(where, f"must be an offset and 1 to {self.limits.max_dashes // 2} on/off pairs")
            if sum(out[1:]) < self.limits.min_dash_cycle:
                raise bad(where, f"dash cycle must be at least {self.limits.min_dash_cycle} points")
        return out

    def _enum(self, value: Any, where: str, f: SField) -> str:
        if not isinstance(value, str) or value not in f.choices:
            raise bad(where, f"must be one of {', '.join(f.choices)}; not {value!r}")
        return value

    def _marker(self, value: Any, where: str, f: SField) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value in _MARKER_INTS:
            return value
        if isinstance(value, str) and (
            value in _MARKERS or (2 <= len(value) <= 64 and value.startswith("$") and value.endswith("$"))
        ):
            return value
        raise bad(where, "must be a matplotlib marker code or $mathtext$ of at most 64 characters")

    # -- arrays ----------------------------------------------------------------
    def _array(self, value: Any, where: str, kinds: str, shape: Any) -> np.ndarray:
        if not isinstance(value, np.ndarray):
            raise bad(where, "must be an array reference")
        if value.dtype.kind not in kinds:
            raise bad(where, f"must hold {kinds!r} numbers, not {value.dtype.str}")
        if shape is not None:
            if value.ndim != len(shape) or any(
                want is not None and got != want for want, got in zip(shape, value.shape)
            ):
                raise bad(where, f"must have shape {tuple('n' if s is None else s for s in shape)}, not {value.shape}")
        if (
            value.dtype.kind == "f"
            and not np.isfinite(value).all()
            and where.rsplit(".", 1)[-1] not in ("xy", "xyz", "pixels", "vertices", "offsets")
        ):
            raise bad(where, "must hold finite numbers")  # lines and images may hold NaN (gaps, bad pixels)
        return value

    def _vec(self, value: Any, where: str, f: SField) -> np.ndarray:
        vec = self._array(value, where, "f", (None,))
        if f.range is not None and vec.size and (vec.min() < f.range[0] or vec.max() > f.range[1]):
            raise bad(where, f"must hold numbers in [{f.range[0]}, {f.range[1]}]")
        return vec

    def _codes(self, value: Any, where: str) -> np.ndarray:
        codes = self._array(value, where, "u", (None,))
        if codes.size and (codes.max() > CLOSEPOLY or not np.isin(codes, PATH_CODES).all()):
            raise bad(where, "path codes must be STOP, MOVETO, LINETO, CURVE3, CURVE4 or CLOSEPOLY")
        return codes

    def _rgba(self, value: Any, where: str) -> np.ndarray:
        rgba = self._array(value, where, "fu", (None, 4))
        if rgba.dtype.kind == "u" and rgba.dtype.itemsize != 1:
            raise bad(where, "integer colours must be uint8")
        if rgba.dtype.kind == "f" and rgba.size and (rgba.min() < 0.0 or rgba.max() > 1.0):
            raise bad(where, "colour components must be in [0, 1]")
        return rgba

    def _pixels(self, value: Any, where: str) -> np.ndarray:
        pixels = self._array(value, where, "fiub", None)
        if pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] not in (3, 4)):
            raise bad(where, "must be (rows, columns) or (rows, columns, 3 or 4)")
        count = pixels.shape[0] * pixels.shape[1]
        if count > self.limits.max_image_pixels:
            raise LimitExceededError(f"scene: {where} pixels", count, self.limits.max_image_pixels)
        if (
            pixels.ndim == 3
            and pixels.dtype.kind == "f"
            and pixels.size
            and not (np.nanmin(pixels) >= 0.0 and np.nanmax(pixels) <= 1.0)
        ):
            raise bad(where, "RGB(A) float pixels must be in [0, 1]")
        if pixels.ndim == 3 and pixels.dtype.kind in "iu" and pixels.dtype.itemsize != 1:
            raise bad(where, "RGB(A) integer pixels must be uint8")
        return pixels

    # -- structure -------------------------------------------------------------
    def struct(self, value: Any, fields: Tuple[SField, ...], where: str) -> Dict[str, Any]:
        if not isinstance(value, dict):
            raise bad(where, "must be a map")
        out: Dict[str, Any] = {}
        for f in fields:
            if f.name not in value:
                if f.required:
                    raise bad(where, f"lacks required field {f.name!r}")
                continue
            out[f.name] = self.field(value[f.name], f"{where}.{f.name}", f)
        return out

    def field(self, value: Any, where: str, f: SField) -> Any:
        kind = f.type
        match = _NUM_LIST.match(kind)
        if match:
            return self._nums(value, where, f, int(match.group(1)))
        if kind.startswith("list of "):
            item = kind[len("list of ") :]
            if not isinstance(value, list):
                raise bad(where, "must be a list")
            if item == "str":
                self._count_strings(len(value))
                return [self._str(v, f"{where}[{i}]", f) for i, v in enumerate(value)]
            if item == "axes" and len(value) > self.limits.max_axes:
                raise LimitExceededError("scene axes", len(value), self.limits.max_axes)
            if item == "patheffect" and len(value) > 8:
                raise LimitExceededError(f"scene: {where} path effects", len(value), 8)
            return [self.struct(v, STRUCTS[item], f"{where}[{i}]") for i, v in enumerate(value)]
        if kind in STRUCTS:
            return self.struct(value, STRUCTS[kind], where)
        return self.kinds[kind](value, where, f)

    def _nodes(self, value: Any, where: str) -> List[Dict[str, Any]]:
        if not isinstance(value, list):
            raise bad(where, "must be a list of nodes")
        out = []
        for i, node in enumerate(value):
            here = f"{where}[{i}]"
            self.nodes += 1
            if self.nodes > self.limits.max_nodes:
                raise LimitExceededError("scene nodes", self.nodes, self.limits.max_nodes)
            if not isinstance(node, dict) or not isinstance(node.get("type"), str):
                raise bad(here, "must be a map with a str 'type'")
            if node["type"] in ("text", "text3d", "legend", "figure_legend"):  # each text is laid out on every draw
                labels = node.get("labels") if node["type"] in ("legend", "figure_legend") else None
                # a legend: its title, and per entry a label, a handle and their packing (measured: 3.5 texts)
                self.texts += 1 + LEGEND_ENTRY_TEXTS * len(labels) if isinstance(labels, list) else 1
                if self.texts > self.limits.max_text_nodes:
                    raise LimitExceededError("scene text nodes", self.texts, self.limits.max_text_nodes)
            fields = NODE_TYPES.get(node["type"])
            if fields is None:
                if node.get("optional") is True:
                    self.skipped.append(
                        (here, f"node type {node['type'][:40]!r} is not known here (optional: left out)")
                    )
                    continue
                raise bad(here, f"has node type {node['type'][:40]!r}, which this consumer does not know")
            out.append(self.struct(node, ARTIST_FIELDS + fields, here))
        return out


def check_scene(doc: Any, limits: SceneLimits = DEFAULT_SCENE_LIMITS) -> Tuple[Dict[str, Any], List[Tuple[str, str]]]:
    """``(checked document, skipped)``: only known fields, every one checked; ``skipped``
    lists what the producer reported it could not describe exactly, then the optional
    nodes left out here. Raises ``DecodeError`` for anything else."""
    if not isinstance(doc, dict) or not isinstance(doc.get("scene"), str) or not _VERSION.match(doc["scene"]):
        raise bad("document", "lacks its version string 'scene'")
    major = int(doc["scene"].partition(".")[0])
    if major not in SCENE_MAJORS:
        raise DecodeError(ErrorCode.UNSUPPORTED_VERSION, f"scene major version {major} is not one this consumer reads")
    checker = _Checker(limits)
    checked = checker.struct(doc, SCENE_FIELDS, "scene")
    figure = checked["figure"]
    width, height = figure["size_inches"]
    pixels = width * height * figure["dpi"] ** 2
    if pixels > limits.max_figure_pixels:
        raise LimitExceededError("scene figure pixels", int(pixels), limits.max_figure_pixels)
    glyphs = glyph_pixels(checked)
    if glyphs > limits.max_glyph_pixels:
        raise LimitExceededError("scene glyph pixels", int(glyphs), limits.max_glyph_pixels)
    params = figure.get("layout", {}).get("subplotpars")
    if params is not None and not (params[0] < params[2] and params[1] < params[3] and min(params[4:]) >= 0):
        raise bad("figure.layout.subplotpars", "must have left < right, bottom < top and no negative spacing")
    if any(node["type"] == "legend" for node in figure.get("artists", [])):
        raise bad("figure.artists", "holds a legend node (a legend node belongs to an axes)")
    if any(node["type"] in NODE_TYPES_3D for node in figure.get("artists", [])):
        raise bad("figure.artists", "holds a 3D node (a 3D node belongs to a 3D axes)")
    markers = 0.0
    for i, axes in enumerate(figure.get("axes", [])):
        for share in ("sharex", "sharey"):
            if share in axes and not 0 <= axes[share] < i:
                raise bad(f"figure.axes[{i}].{share}", "must name an earlier axes")
        for field, key in (("secondary", "parent"), ("twin", "of"), ("inset", "parent")):
            if field in axes and not 0 <= axes[field][key] < i:
                raise bad(f"figure.axes[{i}].{field}.{key}", "must name an earlier axes")
        for box in ("position", "original_position"):
            if box in axes and min(axes[box][2:]) < 0:
                raise bad(f"figure.axes[{i}].{box}", "has a negative width or height")
        check_3d(axes, f"figure.axes[{i}]")
        if "cell" in axes:
            check_cell(axes["cell"], figure.get("gridspecs", []), f"figure.axes[{i}].cell")
        if "colorbar" in axes:
            check_colorbar(axes["colorbar"], figure["axes"], i, limits)
        markers += check_ids(axes.get("artists", []), f"figure.axes[{i}].artists", figure["dpi"])
        if any(node["type"] == "figure_legend" for node in axes.get("artists", [])):
            raise bad(f"figure.axes[{i}].artists", "holds a figure_legend node (it belongs to the figure)")
        functions = [axes.get(name, {}).get("function") for name in ("xaxis", "yaxis", "zaxis")]
        functions.append(axes.get("secondary", {}).get("function"))
        for name in ("xaxis", "yaxis", "zaxis"):
            ticks = [axes.get(name, {}).get(w) for w in ("major", "minor")]
            for t in ticks:
                if t is not None and len(t["labels"]) != len(t["locs"]):
                    raise bad(f"figure.axes[{i}].{name}", "has a tick label count different from its tick count")
                if t is not None and len(t["locs"]) > limits.max_ticks:
                    raise LimitExceededError(f"figure.axes[{i}].{name} ticks", len(t["locs"]), limits.max_ticks)
            check_multiple(axes, name, limits, f"figure.axes[{i}].{name}")
        for function in functions:
            if function is not None:
                x, y = function["x"], function["y"]
                dy = np.diff(y)
                if (
                    len(x) != len(y)
                    or len(x) < 2
                    or not (np.diff(x) > 0).all()
                    or not ((dy > 0).all() or (dy < 0).all())
                ):
                    raise bad(
                        f"figure.axes[{i}]", "has a function that is not two equally long strictly monotonic samples"
                    )
    markers += check_figure_legends(figure)
    if glyphs + markers > limits.max_glyph_pixels:
        raise LimitExceededError("scene glyph and legend marker pixels", int(glyphs + markers), limits.max_glyph_pixels)
    nested_rules(checked, limits)
    producer = [(s["node"], s["reason"]) for s in checked.get("skipped", [])]
    return checked, producer + checker.skipped
