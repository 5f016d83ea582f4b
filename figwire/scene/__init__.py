"""The scene tier (spec §16): a figure as plain data, rebuilt live on any matplotlib.

``describe_part`` (producer) turns a drawn figure into a scene part's frames;
``rebuild`` (consumer) turns those frames back into a live figure, with no trust
needed: the part is data, checked against the node tables before anything is built.
The codec never imports this package; ``pack`` and ``unpack`` reach it lazily.
"""

from __future__ import annotations

from typing import Any, List, Sequence, Tuple

from ._check import check_scene
from ._describe import Undescribable, describe, draw_for_scene
from ._schema import DEFAULT_SCENE_LIMITS, SCENE_VERSION, SceneLimits
from ._wire import decode_scene, encode_scene

__all__ = [
    "SCENE_VERSION",
    "SceneLimits",
    "Undescribable",
    "check_scene",
    "decode_scene",
    "describe",
    "describe_frames",
    "draw_for_scene",
    "encode_scene",
    "rebuild",
]


def describe_frames(fig: Any) -> Tuple[List[Any], List[Tuple[str, str]]]:
    """``(frames of a scene part, skipped)`` for a figure drawn at its own dpi."""
    doc, skipped = describe(fig)
    return encode_scene(doc), skipped


def rebuild(frames: Sequence[Any], limits: SceneLimits = DEFAULT_SCENE_LIMITS) -> Tuple[Any, List[Tuple[str, str]]]:
    """``(live figure, skipped)`` from a scene part's frames: decoded, checked, built.

    Everything a first draw could trip on is settled while building (values checked,
    settings this matplotlib refuses left at their defaults, mathtext it cannot parse
    drawn plain), so the figure is not drawn here; a window's first draw is still
    checked (``unpack(backend=...)`` shows the image if it fails)."""
    from ._build import build

    doc, skipped = check_scene(decode_scene(frames, limits), limits)
    figure, unbuilt = build(doc)
    return figure, skipped + unbuilt
