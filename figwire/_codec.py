"""The sans-IO codec: frames <-> (header, part bytes). No matplotlib, no sockets, no clock.

A message is a list of frames. Frame 0 is the envelope (``ENVELOPE_MAGIC`` + a msgpack
map); every other frame belongs to at most one part, named by index in the part's
descriptor, so frame roles never depend on order alone. Everything read from the wire
is checked against ``Limits`` before it is used, and every failure is a ``DecodeError``.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

import msgpack

from ._envelope import Header, Part
from ._errors import DecodeError, EncodeError, LimitExceededError
from ._spec import ENVELOPE_MAGIC, Codec, DigestAlg, ErrorCode, Limits

Frame = Any  # bytes, bytearray, memoryview, zmq.Frame: anything exposing a buffer


def as_view(frame: Frame) -> memoryview:
    """A flat byte view of one frame, without copying.

    ``zmq.Frame`` objects expose their bytes as ``.buffer``; everything else must
    support the buffer protocol and be C-contiguous.
    """
    try:
        view = memoryview(frame)
    except TypeError:
        buffer = getattr(frame, "buffer", None)
        if buffer is None:
            raise DecodeError(ErrorCode.MALFORMED, f"a frame must be bytes-like, not {type(frame).__name__}") from None
        view = memoryview(buffer)
    if view.format != "B" or view.ndim != 1:
        if not view.c_contiguous:
            raise DecodeError(ErrorCode.MALFORMED, "a frame must be a contiguous buffer")
        view = view.cast("B")
    return view


# -- envelope ------------------------------------------------------------------------


def _refuse_ext(code: int, data: bytes) -> None:
    raise ValueError(f"msgpack extension type {code} is not used by figwire")


def _checked_map(pairs: List[Tuple[Any, Any]]) -> Dict[str, Any]:
    """A map with str keys, each once (§3.1): msgpack's own options allow bin keys and repeats."""
    out: Dict[str, Any] = {}
    for key, value in pairs:
        if not isinstance(key, str) or key in out:
            raise ValueError(f"map key {key!r} is not a str, or repeats")
        if isinstance(value, msgpack.Timestamp):
            raise ValueError("msgpack timestamps are not used by figwire")
        out[key] = value
    return out


def _checked_array(items: List[Any]) -> List[Any]:
    if any(isinstance(item, msgpack.Timestamp) for item in items):  # ext -1 bypasses ext_hook
        raise ValueError("msgpack timestamps are not used by figwire")
    return items


def encode_envelope(header: Header) -> bytes:
    return ENVELOPE_MAGIC + msgpack.packb(header.to_wire(), use_bin_type=True)


def decode_envelope(frame: Frame, limits: Limits) -> Header:
    return Header.from_wire(decode_envelope_map(frame, limits), limits)


def decode_envelope_map(frame: Frame, limits: Limits, magic: bytes = ENVELOPE_MAGIC) -> Any:
    """Frame 0's msgpack value under the rules of §3.1, before any field is read
    (``magic`` is ``CONTROL_MAGIC`` for a control message's frame, §15.2)."""
    view = as_view(frame)
    if view.nbytes > limits.max_envelope_bytes:
        raise LimitExceededError("envelope frame bytes", view.nbytes, limits.max_envelope_bytes)
    if view[: len(magic)] != magic:
        kind = "figwire" if magic == ENVELOPE_MAGIC else "figwire control"
        raise DecodeError(ErrorCode.MALFORMED, f"frame 0 does not start with the {kind} magic")
    return strict_msgpack(view[len(magic) :], "the envelope")


def strict_msgpack(data: Frame, what: str) -> Any:
    """``data`` as one msgpack value under the rules of §3.1 (str keys, none repeated, no
    extension types), or ``DecodeError(malformed)`` naming ``what``.

    unpackb runs on a private, contiguous bytes copy: msgpack < 1.2.0 had a use-after-free
    on non-contiguous input, and the documents it reads (an envelope, a scene's document
    frame) are small. Unpacker objects are never reused.
    """
    try:
        return msgpack.unpackb(
            bytes(as_view(data)),
            raw=False,
            strict_map_key=True,
            ext_hook=_refuse_ext,
            object_pairs_hook=_checked_map,
            list_hook=_checked_array,
        )
    except Exception as exc:  # msgpack raises many types (ValueError, StackError, ExtraData, ...)
        raise DecodeError(ErrorCode.MALFORMED, f"{what} is not valid msgpack: {type(exc).__name__}: {exc}") from None


def frame_count(frames: Sequence[Frame], limits: Limits) -> int:
    """How many frames ``frames`` holds, refused if it is not a sequence, empty, or over
    ``limits.max_frames``: the first check of every decode path."""
    try:
        count = len(frames)
    except TypeError:
        raise DecodeError(ErrorCode.MALFORMED, "frames must be a sequence") from None
    if count == 0:
        raise DecodeError(ErrorCode.MALFORMED, "a message has at least the envelope frame")
    if count > limits.max_frames:
        raise LimitExceededError("frame count", count, limits.max_frames)
    return count


def read_header(frames: Sequence[Frame], limits: Limits) -> Header:
    """Decode the envelope and check the part table against the frames actually present."""
    count = frame_count(frames, limits)
    header = decode_envelope(frames[0], limits)
    total = 0
    owner: Dict[int, int] = {}
    for p, part in enumerate(header.parts):
        for index, size in zip(part.frames, part.sizes):
            if not 1 <= index < count:
                raise DecodeError(ErrorCode.FRAME_MISMATCH, f"parts[{p}] names frame {index}; the message has {count}")
            if index in owner:
                raise DecodeError(
                    ErrorCode.FRAME_MISMATCH, f"frame {index} is claimed by parts[{owner[index]}] and parts[{p}]"
                )
            owner[index] = p
            actual = as_view(frames[index]).nbytes
            if actual != size:
                raise DecodeError(ErrorCode.FRAME_MISMATCH, f"frame {index} has {actual} bytes; parts[{p}] says {size}")
            total += size
        if part.raw_sizes is not None:
            total += sum(part.raw_sizes)
    if total > limits.max_message_bytes:
        raise LimitExceededError("message bytes (sent + decoded)", total, limits.max_message_bytes)
    for p, part in enumerate(header.parts):
        _check_borrows(header, p, part, owner)
    if header.auth is not None and (header.auth.frame != count - 1 or header.auth.frame in owner):
        raise DecodeError(
            ErrorCode.FRAME_MISMATCH,
            f"auth names frame {header.auth.frame} as its tag; the tag is the last frame ({count - 1}), which no part names",
        )
    return header


def _check_borrows(header: Header, p: int, part: Part, owner: Dict[int, int]) -> None:
    """§5.6: a part borrows only frames another part owns, each once, and only from a part
    that sends them as they are read (no codec) under the same digest algorithm: so the
    borrowed bytes are the lender's, checked by the lender's digests, and a forwarder that
    drops the lender can hand them over unchanged."""
    seen = set()
    for index in part.borrows:
        lender = owner.get(index)
        if lender is None or lender == p or index in seen:
            why = "it owns" if lender == p else "it names twice" if index in seen else "no other part owns"
            raise DecodeError(ErrorCode.FRAME_MISMATCH, f"parts[{p}] borrows frame {index}, which {why}")
        seen.add(index)
        source = header.parts[lender]
        if source.codec is not None or source.digest != part.digest:
            raise DecodeError(
                ErrorCode.MALFORMED,
                f"parts[{p}] borrows frame {index} from parts[{lender}], which has a codec or another digest",
            )


# -- codecs and digests ----------------------------------------------------------------


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        return None
    return zstandard


def available_codecs() -> Tuple[str, ...]:
    """Codecs this process can decode (and encode)."""
    return (Codec.ZLIB.value,) + ((Codec.ZSTD.value,) if _zstd() is not None else ())


def _compress(codec: str, data: memoryview) -> bytes:
    if codec == Codec.ZLIB.value:
        return zlib.compress(data, 1)
    zstandard = _zstd()
    if codec == Codec.ZSTD.value and zstandard is not None:
        return zstandard.ZstdCompressor(level=3).compress(data)
    raise EncodeError(f"codec {codec!r} is not available here (have: {', '.join(available_codecs())})")


def _decompress(codec: str, data: memoryview, raw_size: int) -> bytes:
    """Decode one frame, never producing more than its declared ``raw_size`` bytes."""
    if codec == Codec.ZLIB.value:
        try:
            inflater = zlib.decompressobj()
            out = inflater.decompress(data, raw_size + 1)
            complete = inflater.eof and not inflater.unconsumed_tail and not inflater.unused_data
        except zlib.error as exc:
            raise DecodeError(ErrorCode.CODEC_ERROR, f"zlib: {exc}") from None
    elif codec == Codec.ZSTD.value and _zstd() is not None:
        zstandard = _zstd()
        try:  # exactly one frame: bytes after it (a skippable frame, say) are refused as zlib's are
            inflater = zstandard.ZstdDecompressor().decompressobj()
            out = b""
            for start in range(0, data.nbytes, 1 << 16):  # bounded: stop once past raw_size
                out += inflater.decompress(data[start : start + (1 << 16)])
                if len(out) > raw_size:
                    break
            complete = inflater.eof and not inflater.unused_data
        except zstandard.ZstdError as exc:
            raise DecodeError(ErrorCode.CODEC_ERROR, f"zstd: {exc}") from None
    else:
        raise DecodeError(ErrorCode.CODEC_UNAVAILABLE, f"codec {codec!r} is not available here")
    if len(out) != raw_size or not complete:
        raise DecodeError(ErrorCode.CODEC_ERROR, f"{codec} frame does not decode to its declared {raw_size} bytes")
    return out


def _hasher(alg: str) -> Any:
    if alg not in {a.value for a in DigestAlg}:
        return None
    return getattr(hashlib, alg)


def part_buffers(frames: Sequence[Frame], header: Header, part: Part) -> List[memoryview]:
    """The decoded bytes of each frame of ``part``, then of each frame it borrows (§5.6):
    digests checked (a borrowed frame's by its lender), codec undone.

    Frames without a codec come back as views of the received buffers, not copies.
    Call ``read_header`` first: it has checked indices, sizes and borrows.
    """
    out = _own_buffers(frames, part)
    lenders = lent_frames(header) if part.borrows else {}
    for index in part.borrows:
        if index not in lenders:  # read_header refuses this; a header from elsewhere might not
            raise DecodeError(ErrorCode.FRAME_MISMATCH, f"borrowed frame {index} has no lender")
        lender, k = lenders[index]
        out.extend(_own_buffers(frames, replace(lender, frames=(index,), digests=_nth(lender.digests, k))))
    return out


def lent_frames(header: Header) -> Dict[int, Tuple[Part, int]]:
    """Frame index -> (the part that owns it, its position there): one pass over the part
    table, so that resolving many borrowed frames stays linear (a message may name 65536)."""
    return {index: (part, k) for part in header.parts for k, index in enumerate(part.frames)}


def _nth(digests: Optional[Tuple[bytes, ...]], k: int) -> Optional[Tuple[bytes, ...]]:
    return None if digests is None else (digests[k],)


def _own_buffers(frames: Sequence[Frame], part: Part) -> List[memoryview]:
    hasher = None
    if part.digest is not None:
        hasher = _hasher(part.digest)
        if hasher is None:
            raise DecodeError(ErrorCode.CODEC_UNAVAILABLE, f"digest {part.digest!r} is not known here")
    if part.codec is not None and part.codec not in available_codecs():
        raise DecodeError(ErrorCode.CODEC_UNAVAILABLE, f"codec {part.codec!r} is not available here")
    out = []
    for k, index in enumerate(part.frames):
        view = as_view(frames[index])
        if hasher is not None and part.digests is not None:
            if not hmac.compare_digest(hasher(view).digest(), part.digests[k]):
                raise DecodeError(ErrorCode.DIGEST_MISMATCH, f"frame {index} does not match its {part.digest} digest")
        if part.codec is not None and part.raw_sizes is not None:
            view = memoryview(_decompress(part.codec, view, part.raw_sizes[k]))
        out.append(view)
    return out


# -- building a message ----------------------------------------------------------------


@dataclass(frozen=True)
class PartData:
    """A part before framing: its descriptor fields (frames/sizes unset) and its buffers."""

    descriptor: Part
    buffers: Tuple[Frame, ...]


def encode_part(
    part: PartData, first_frame: int, *, codec: Optional[str] = None, digest: Optional[str] = None
) -> Tuple[Part, List[Frame]]:
    """Frame one part: apply the codec and digest, and fill in its frame table."""
    views = [as_view(b) for b in part.buffers]
    raw_sizes: Optional[Tuple[int, ...]] = None
    if codec is not None:
        raw_sizes = tuple(v.nbytes for v in views)
        views = [memoryview(_compress(codec, v)) for v in views]
    digests: Optional[Tuple[bytes, ...]] = None
    if digest is not None:
        hasher = _hasher(digest)
        if hasher is None:
            raise EncodeError(f"digest {digest!r} is not one of {', '.join(a.value for a in DigestAlg)}")
        digests = tuple(hasher(v).digest() for v in views)
    descriptor = replace(
        part.descriptor,
        frames=tuple(range(first_frame, first_frame + len(views))),
        sizes=tuple(v.nbytes for v in views),
        codec=codec,
        raw_sizes=raw_sizes,
        digest=digest,
        digests=digests,
    )
    return descriptor, [v if codec is not None else b for v, b in zip(views, part.buffers)]
