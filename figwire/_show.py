"""``unpack(..., backend=...)``: put the result in a window of the client's backend.

The live figure when there is one and it draws; otherwise the best fallback image at
its native pixel size, with the reason in the window title. A live figure that fails
its first draw is closed again, so nothing half-built stays registered with pyplot.
A figure rebuilt from a scene can also fail it by not looking like the producer's
image (``unlike``): the image is then shown instead, with the score in the reason.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, List, Optional, Tuple

from ._errors import DecodeError
from ._gui import BackendUnavailable, show_image, show_live
from ._spec import ErrorCode, MediaType
from ._unpack import SHOWABLE, Unpacked
from .scene import DEFAULT_SCENE_LIMITS, SceneLimits


def show(result: Unpacked, backend: str, scene_limits: SceneLimits = DEFAULT_SCENE_LIMITS) -> Unpacked:
    notes = list(result.notes)
    if result.live:
        failure = _show_live(result, backend, scene_limits, notes)
        if failure is None:
            return replace(result, notes=tuple(notes + [f"backend: live in {backend}"]))
        notes.append(f"backend: {failure}")
        result = replace(result, figure=None, live=False, reason=failure.args[0], skipped=())
    figure, shown = _show_fallback(result, backend, notes)
    return replace(result, figure=figure, notes=tuple(notes), tier=shown)


def _show_live(result: Unpacked, backend: str, scene_limits: SceneLimits, notes: List[str]) -> Optional[DecodeError]:
    import matplotlib.pyplot as plt

    reference = reference_image(result, scene_limits, notes)
    try:
        show_live(result.figure, backend)
    except BackendUnavailable as exc:
        return DecodeError(ErrorCode.BACKEND_UNAVAILABLE, str(exc))
    try:
        result.figure.canvas.draw()  # the first draw is where a same-minor mismatch can still fail
    except Exception as exc:
        plt.close(result.figure)
        return DecodeError(ErrorCode.LOAD_FAILED, f"the live figure failed its first draw: {type(exc).__name__}: {exc}")
    failure = unlike(result.figure, reference, scene_limits, notes)
    if failure is not None:
        plt.close(result.figure)
    return failure


def reference_image(result: Unpacked, scene_limits: SceneLimits, notes: List[str]) -> Any:
    """The producer's PNG, decoding in the background, for a figure rebuilt from a scene
    (None for a pickled one, whose drawing is the producer's own code, or with no PNG).

    Only a producer of this very matplotlib version drew what this one would: another
    version lays text out with other metrics (3.11 bundles FreeType 2.14), and a consumer
    lays the figure out itself, so a correct rebuild scored 0.71-0.72 against such a PNG
    (the cross-version matrix: 112 of 3554 loads, every one across that FreeType change)."""
    import matplotlib

    png = result.fallbacks.get(MediaType.PNG.value)
    if result.tier != "scene" or png is None or not scene_limits.min_likeness:
        return None
    producer = result.header.producer.get("matplotlib")
    if producer != matplotlib.__version__:
        notes.append(
            f"scene: not compared with the producer's image (drawn by matplotlib {producer}, whose text"
            f" metrics and layout may differ from {matplotlib.__version__}'s)"
        )
        return None
    from .scene._likeness import Reference

    dpi = next((p.dpi for p in result.header.fallbacks if p.media_type == MediaType.PNG.value and p.dpi), None)
    width, height = result.figure.bbox.size
    return Reference(png, dpi or 100.0, max_pixels=4 * width * height)


def unlike(figure: Any, reference: Any, scene_limits: SceneLimits, notes: List[str]) -> Optional[DecodeError]:
    """Why the drawn ``figure`` should not be shown live: its first draw scores below
    ``scene_limits.min_likeness`` against the producer's image. Notes the score either way."""
    if reference is None:
        return None
    from .scene._likeness import rendered_pixels

    pixels = rendered_pixels(figure)
    score = None if pixels is None else reference.score(pixels)
    if score is None:
        notes.append(
            "scene: not compared with the producer's image (the canvas keeps no pixels, or the PNG is"
            " unreadable, far larger than the figure, a thumbnail or of another shape)"
        )
        return None
    if score < scene_limits.min_likeness:
        return DecodeError(
            ErrorCode.LOAD_FAILED,
            f"the figure rebuilt from the scene does not look like the producer's image (likeness {score:.3f},"
            f" below SceneLimits.min_likeness {scene_limits.min_likeness:g})",
        )
    notes.append(f"scene: looks like the producer's image (likeness {score:.3f})")
    return None


def _show_fallback(result: Unpacked, backend: str, notes: List[str]) -> Tuple[Optional[object], Optional[str]]:
    label = result.header.figure.label or f"figure {result.header.id[:8]}"
    title = f"{label} (not live: {result.reason})"
    dpis = {p.media_type: p.dpi for p in result.header.fallbacks}
    for media_type in SHOWABLE:
        data = result.fallbacks.get(media_type)
        if data is None:
            continue
        try:
            figure = show_image(bytes(data), media_type, backend, title=title, dpi=dpis.get(media_type) or 100)
        except (BackendUnavailable, ValueError) as exc:
            notes.append(f"backend: {media_type} not shown: {exc}")
            continue
        notes.append(f"backend: {media_type} fallback shown in {backend}")
        return figure, media_type
    notes.append("backend: no fallback could be shown")
    return None, None
