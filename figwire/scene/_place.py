"""Where artists are described, and the plain values every describer writes.

A ``Place`` is an axes (data, axes, xaxis, yaxis and figure spaces) or the figure itself
(figure space only). Geometry in a space the scene names is written as it is; anything
else (legend entries, offset annotations, shadows) is *baked*: transformed to display
pixels at the recorded draw, then back into data or axes fraction (spec §16.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.path import Path

from . import _private

__all__ = ["Node", "Place", "anchor_of", "as_color", "bounds_of", "rgba_array", "path_fields", "geometry", "in_ranges"]


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
        if self.axes is not None and self.axes.name == "3d":  # its data space is 3D: 2D artists are baked
            return [("axes", self.axes.transAxes)] + out
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


def as_color(value: Any, alpha: Any = None) -> List[float]:
    rgba = mcolors.to_rgba(value, alpha if isinstance(alpha, (int, float)) else None)
    return [min(1.0, max(0.0, float(c))) for c in rgba]


def rgba_array(values: Any) -> np.ndarray:
    arr = np.asarray(mcolors.to_rgba_array(values), float).reshape(-1, 4)
    return np.clip(np.nan_to_num(arr), 0.0, 1.0)


def path_fields(paths: List[Any]) -> Dict[str, Any]:
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


def geometry(place: Place, transform: Any, xy: np.ndarray) -> Tuple[str, np.ndarray]:
    """``(space, xy)``: ``xy`` in its own space if the scene has it, else baked."""
    space = place.space_of(transform)
    if space is not None:
        return space, np.asarray(xy, float)
    target = place.bake_target(transform)
    with np.errstate(all="ignore"):
        display = transform.transform(np.asarray(xy, float).reshape(-1, 2))
    return target, place.from_display(display, target)


def in_ranges(node: Node, fields: Any) -> bool:
    """Whether every number of ``node`` that ``fields`` bounds is within its range: a
    describer leaves out (or describes as drawn) what a consumer would refuse, since one
    value out of range makes the whole scene invalid."""
    for f in fields:
        value = node.get(f.name)
        if f.range is None or value is None or isinstance(value, (bool, str, dict)):
            continue
        values = np.ravel(np.asarray(value, float))
        if values.size and not (f.range[0] <= values.min() and values.max() <= f.range[1]):
            return False
    return True


def bounds_of(box: Any) -> List[float]:
    """A box as the scene writes one: left, bottom, width, height."""
    return [float(box.x0), float(box.y0), float(box.width), float(box.height)]


def anchor_of(anchor: Any) -> List[float]:
    """An anchor (a code such as ``"C"``, or fractions) as fractions of its box."""
    from matplotlib.transforms import Bbox

    return [float(v) for v in (Bbox.coefs[anchor] if isinstance(anchor, str) else anchor)]
