"""The scene tier (spec §16): a figure as plain data, rebuilt live on any matplotlib.

``describe_frames`` (producer) turns a drawn figure into a scene part's frames;
``rebuild`` (consumer) turns those frames back into a live figure, with no trust
needed: the part is data, checked against the node tables before anything is built.

Importing this package costs nothing: its limits and version are plain values, and
everything that needs numpy or matplotlib is imported when first used, so that
``import figwire`` stays free of both (``pack`` and ``unpack`` reach the rest lazily).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, List, Sequence, Tuple

from .._errors import DecodeError
from .._spec import ErrorCode
from ._schema import DEFAULT_SCENE_LIMITS, SCENE_VERSION, SceneLimits

__all__ = [
    "DEFAULT_SCENE_LIMITS",
    "SCENE_VERSION",
    "SceneLimits",
    "Undescribable",
    "check_scene",
    "decode_scene",
    "describe",
    "describe_frames",
    "draw_for_scene",
    "encode_scene",
    "encode_scene_lent",
    "likeness",
    "rebuild",
]

#: Names served lazily, by the module that defines them.
_LAZY = {
    "check_scene": "._check",
    "decode_scene": "._wire",
    "encode_scene": "._wire",
    "encode_scene_lent": "._wire",
    "describe": "._describe",
    "draw_for_scene": "._describe",
    "likeness": "._likeness",
}


class Undescribable(Exception):
    """The figure has something a scene cannot carry (3D axes...); the message is why."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def describe_frames(
    fig: Any, lendable: Sequence[Any] = ()
) -> Tuple[List[Any], Tuple[int, ...], List[Tuple[str, str]]]:
    """``(own frames of a scene part, borrowed, skipped)`` for a figure drawn at its own
    dpi; ``borrowed`` names the ``lendable`` buffers (the pickle's out-of-band buffers) the
    scene reads instead of framing the same bytes again (``encode_scene_lent``)."""
    from ._describe import describe
    from ._wire import encode_scene_lent

    doc, skipped = describe(fig)
    frames, borrowed = encode_scene_lent(doc, lendable)
    return frames, borrowed, skipped


def rebuild(
    frames: Sequence[Any], limits: SceneLimits = DEFAULT_SCENE_LIMITS, *, verify: bool = True
) -> Tuple[Any, List[Tuple[str, str]]]:
    """``(live figure, skipped)`` from a scene part's frames: decoded, checked, built,
    and laid out once (``check_first_draw``), so that a scene matplotlib cannot draw is
    refused here (a ``DecodeError``, as is a build matplotlib raises on) instead of failing
    the caller's first draw.
    ``verify=False`` is for a caller that checks its own first draw (``unpack(backend=...)``)."""
    from ._build import build, check_first_draw
    from ._check import check_scene
    from ._wire import decode_scene

    doc, skipped = check_scene(decode_scene(frames, limits), limits)
    try:
        figure, unbuilt = build(doc)
    except Exception as exc:  # a combination of checked values this matplotlib refuses
        raise DecodeError(ErrorCode.LOAD_FAILED, f"building the scene raised {type(exc).__name__}: {exc}") from None
    if verify:
        try:
            check_first_draw(figure)
        except Exception as exc:
            raise DecodeError(
                ErrorCode.LOAD_FAILED, f"the rebuilt scene failed its first draw: {type(exc).__name__}: {exc}"
            ) from None
    return figure, skipped + unbuilt
