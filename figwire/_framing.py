"""One self-delimiting buffer for a message: for files (``.fgw``), HTTP and websockets.

Layout (spec §3.2), all integers big-endian::

    JOIN_MAGIC (8 bytes) | count: u32 | count x length: u64 | zero padding | frames

Each frame, and the first one, starts at a multiple of ``JOIN_ALIGN`` bytes (zero
padding between), so arrays rebuilt over a frame are aligned as they were when sent.
``split`` returns views into the buffer it is given: no frame is copied.
"""

from __future__ import annotations

import struct
from typing import Any, List, Sequence

from ._codec import Frame, as_view
from ._errors import DecodeError, LimitExceededError
from ._spec import DEFAULT_LIMITS, JOIN_ALIGN, JOIN_MAGIC, ErrorCode, Limits

__all__ = ["join", "split"]

_COUNT = struct.Struct(">I")


def _pad(n: int) -> int:
    return -n % JOIN_ALIGN


def _check_padding(view: memoryview, start: int, end: int) -> None:
    """Padding is zero, so a message has one joined form and no bytes outside any frame."""
    if any(view[start:end]):
        raise DecodeError(ErrorCode.FRAME_MISMATCH, f"padding at bytes {start}..{end} is not zero")


def join(frames: Sequence[Frame]) -> bytes:
    """Concatenate a message's frames into one buffer that ``split`` reverses."""
    views = [as_view(f) for f in frames]
    head = JOIN_MAGIC + _COUNT.pack(len(views)) + struct.pack(f">{len(views)}Q", *(v.nbytes for v in views))
    pieces: List[Any] = [head, bytes(_pad(len(head)))]
    for v in views:
        pieces.append(v)
        pieces.append(bytes(_pad(v.nbytes)))
    return b"".join(pieces)


def split(data: Frame, *, limits: Limits = DEFAULT_LIMITS) -> List[memoryview]:
    """The frames of a joined message, as zero-copy views of ``data``.

    Raises ``DecodeError`` if ``data`` is not exactly one joined message (trailing
    bytes included) and ``LimitExceededError`` for counts or sizes over ``limits``.
    """
    view = as_view(data)
    fixed = len(JOIN_MAGIC) + _COUNT.size
    if view.nbytes < fixed or view[: len(JOIN_MAGIC)] != JOIN_MAGIC:
        raise DecodeError(ErrorCode.MALFORMED, "not a joined figwire message (bad magic)")
    (count,) = _COUNT.unpack_from(view, len(JOIN_MAGIC))
    if count > limits.max_frames:
        raise LimitExceededError("frame count", count, limits.max_frames)
    head = fixed + 8 * count
    if view.nbytes < head:
        raise DecodeError(ErrorCode.FRAME_MISMATCH, f"joined message truncated in its table of {count} frames")
    lengths = struct.unpack_from(f">{count}Q", view, fixed)
    offset = head + _pad(head)
    _check_padding(view, head, offset)
    frames = []
    for length in lengths:
        if length > limits.max_message_bytes:
            raise LimitExceededError("frame bytes", length, limits.max_message_bytes)
        end = offset + length
        if end > view.nbytes:
            raise DecodeError(
                ErrorCode.FRAME_MISMATCH, f"joined message truncated: frame needs {end} bytes, have {view.nbytes}"
            )
        frames.append(view[offset:end])
        offset = end + _pad(length)
        _check_padding(view, end, offset)
    if offset != view.nbytes:
        raise DecodeError(
            ErrorCode.FRAME_MISMATCH, f"joined message has {view.nbytes - offset} bytes after its last frame"
        )
    return frames
