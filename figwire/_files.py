"""Figures in files: ``save``/``load`` of ``.fgw`` (a joined message, spec §3.2), and ``convert``.

A file is a message at rest, so the same rule holds: its pickle loads only if the file
verifies with your key, or you say you trust it (``trust_unsigned=True``, for files you
made yourself); otherwise you get its images, and the reason.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional, Tuple, Union

from ._auth import KeyLike
from ._errors import EncodeError, LimitExceededError
from ._framing import join, split
from ._pack import pack
from ._spec import DEFAULT_LIMITS, FILE_SUFFIX, Limits, MediaType
from ._unpack import Unpacked, unpack

__all__ = ["save", "load", "convert"]

PathLike = Union[str, "os.PathLike[str]"]

#: Output suffix -> the media type of a fallback that can be written as it is.
SUFFIX_TYPES = {".png": MediaType.PNG.value, ".svg": MediaType.SVG.value, ".pdf": MediaType.PDF.value}


def save(fig: Any, path: PathLike, *, key: Optional[KeyLike] = None, **pack_options: Any) -> Path:
    """Pack ``fig`` (``pack``'s options; ``key`` signs it) and write it to ``path``
    (``.fgw`` is appended when it has no suffix). The write is atomic: a reader never
    sees half a file. Returns the path written."""
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(FILE_SUFFIX)
    data = join(pack(fig, key=key, **pack_options))
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path


def _read(path: PathLike, limits: Limits) -> bytes:
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_message_bytes:
        raise LimitExceededError("file bytes", size, limits.max_message_bytes)
    return path.read_bytes()


def load(
    path: PathLike,
    backend: Optional[str] = None,
    *,
    key: Optional[KeyLike] = None,
    trust_unsigned: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    **unpack_options: Any,
) -> Unpacked:
    """``unpack`` the message in ``path`` (``DecodeError`` if it is not one)."""
    frames = split(_read(path, limits), limits=limits)
    return unpack(frames, backend, key=key, trust_unsigned=trust_unsigned, limits=limits, **unpack_options)


def convert(
    source: PathLike,
    target: PathLike,
    *,
    key: Optional[KeyLike] = None,
    trust_unsigned: bool = False,
    dpi: Optional[float] = None,
) -> Tuple[Path, str]:
    """Write ``source``'s figure to ``target`` (``.png``, ``.svg`` or ``.pdf``):
    rendered from the pickled figure when it loads; else the message's own fallback of
    that type, copied byte for byte (the producer's exact pixels); else rendered from
    the scene-rebuilt figure. Returns ``(target, how)``; ``EncodeError`` when none is
    possible (with the reason the figure is not live)."""
    target = Path(target)
    media_type = SUFFIX_TYPES.get(target.suffix.lower())
    if media_type is None:
        raise EncodeError(f"cannot write {target.suffix or 'a file without a suffix'}: use .png, .svg or .pdf")
    result = load(source, key=key, trust_unsigned=trust_unsigned)
    data = result.fallbacks.get(media_type)
    if result.tier == "pickle" or (result.live and (data is None or dpi is not None)):
        result.figure.savefig(target, dpi=dpi if dpi is not None else "figure")
        return target, f"rendered from the live figure ({result.tier})"
    if data is None:
        have = ", ".join(result.fallbacks) or "no fallbacks"
        raise EncodeError(f"the figure is not live ({result.reason}) and the file has no {media_type} (it has {have})")
    target.write_bytes(data)
    why = "the scene is live, its own image is exact" if result.live else f"not live: {result.reason}"
    return target, f"the file's own {media_type} fallback ({why})"
