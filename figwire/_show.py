"""``unpack(..., backend=...)``: put the result in a window of the client's backend.

The live figure when there is one and it draws; otherwise the best fallback image at
its native pixel size, with the reason in the window title. A live figure that fails
its first draw is closed again, so nothing half-built stays registered with pyplot.
"""

from __future__ import annotations

from dataclasses import replace
from typing import List, Optional, Tuple

from ._errors import DecodeError
from ._gui import BackendUnavailable, show_image, show_live
from ._spec import ErrorCode
from ._unpack import SHOWABLE, Unpacked


def show(result: Unpacked, backend: str) -> Unpacked:
    notes = list(result.notes)
    if result.live:
        failure = _show_live(result, backend)
        if failure is None:
            return replace(result, notes=tuple(notes + [f"backend: live in {backend}"]))
        notes.append(f"backend: {failure}")
        result = replace(result, figure=None, live=False, reason=failure.args[0], skipped=())
    figure, shown = _show_fallback(result, backend, notes)
    return replace(result, figure=figure, notes=tuple(notes), tier=shown)


def _show_live(result: Unpacked, backend: str) -> Optional[DecodeError]:
    import matplotlib.pyplot as plt

    try:
        show_live(result.figure, backend)
    except BackendUnavailable as exc:
        return DecodeError(ErrorCode.BACKEND_UNAVAILABLE, str(exc))
    try:
        result.figure.canvas.draw()  # the first draw is where a same-minor mismatch can still fail
    except Exception as exc:
        plt.close(result.figure)
        return DecodeError(ErrorCode.LOAD_FAILED, f"the live figure failed its first draw: {type(exc).__name__}: {exc}")
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
