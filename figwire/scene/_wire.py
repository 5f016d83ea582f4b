"""A scene as frames and back (§16.3): a msgpack document plus out-of-band array frames.

Sans-IO and matplotlib-free (numpy and msgpack only). Encoding replaces every numpy
array in the document by an array reference; big arrays get a frame of their own and
travel without a copy, or borrow the pickle's frame that already holds their bytes (§5.6). Decoding checks each reference (dtype from a fixed set, shape,
byte count, frame index, totals) and returns read-only numpy views of the frames.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import msgpack
import numpy as np

from .._codec import as_view, strict_msgpack
from .._errors import DecodeError, LimitExceededError
from .._spec import ErrorCode
from ._schema import ARRAY_DTYPES, ARRAY_TAG, DEFAULT_SCENE_LIMITS, SCENE_OOB_THRESHOLD, SceneLimits

__all__ = ["encode_scene", "encode_scene_lent", "decode_scene"]


def encode_scene(doc: Dict[str, Any], threshold: int = SCENE_OOB_THRESHOLD) -> List[Any]:
    """``[document, *array frames]``: arrays of at least ``threshold`` bytes become frames
    (memoryviews of the arrays themselves), smaller ones are inlined as ``bin``."""
    return encode_scene_lent(doc, (), threshold)[0]


def encode_scene_lent(
    doc: Dict[str, Any], lendable: Sequence[Any], threshold: int = SCENE_OOB_THRESHOLD
) -> Tuple[List[Any], Tuple[int, ...]]:
    """``(own frames, borrowed)``: ``encode_scene``, except that an array whose bytes are
    those of one of the ``lendable`` buffers (the pickle's out-of-band buffers) is not
    framed again but borrowed (§5.6): ``borrowed`` lists, in reference order, which
    lendable buffer each borrowed frame is. The references number borrowed frames after
    the scene's own, so ``own + [lendable[j] for j in borrowed]`` is the same scene
    without borrowing, for a message in which the lender does not travel."""
    frames: List[Any] = [b""]
    lenders = _Lenders(lendable)
    borrowed: List[Tuple[Dict[str, Any], int]] = []

    def ref(array: np.ndarray) -> Dict[str, Any]:
        if array.dtype.kind not in "biuf" or array.dtype.str[1:] not in ARRAY_DTYPES:
            array = array.astype(np.float64)
        array = np.ascontiguousarray(array)
        out: Dict[str, Any] = {ARRAY_TAG: array.dtype.str, "shape": list(array.shape)}
        if array.nbytes < threshold:
            out["data"] = array.tobytes()
            return out
        lender = lenders.find(array)
        if lender is None:
            out["frame"] = len(frames)
            frames.append(array.data.cast("B"))
        else:
            borrowed.append((out, lender))
        return out

    def walk(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return ref(value)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        if isinstance(value, np.generic):
            return value.item()
        return value

    tree = walk(doc)
    for k, (out, _) in enumerate(borrowed):
        out["frame"] = len(frames) + k
    frames[0] = msgpack.packb(tree, use_bin_type=True)
    return frames, tuple(j for _, j in borrowed)


class _Lenders:
    """The lendable buffers by size, each lent at most once (a frame is read once, §16.3)."""

    def __init__(self, lendable: Sequence[Any]) -> None:
        self.by_size: Dict[int, List[Tuple[int, np.ndarray]]] = {}
        for j, buffer in enumerate(lendable):
            view = np.frombuffer(as_view(buffer), np.uint8)
            self.by_size.setdefault(view.nbytes, []).append((j, view))

    def find(self, array: np.ndarray) -> Any:
        """The index of an unlent buffer holding exactly ``array``'s bytes, else None: the
        same memory (the usual case: the pickle framed the very array) or equal bytes."""
        candidates = self.by_size.get(array.nbytes, [])
        mine = np.frombuffer(array.data.cast("B"), np.uint8)
        for k, (j, view) in enumerate(candidates):
            if _same_bytes(mine, view):
                del candidates[k]
                return j
        return None


def _same_bytes(a: np.ndarray, b: np.ndarray) -> bool:
    """Byte equality of two equally long uint8 arrays; compared in 8-byte words where the
    length allows (20x faster than bytewise)."""
    if a.__array_interface__["data"][0] == b.__array_interface__["data"][0]:
        return True
    word = next(w for w in (8, 4, 2, 1) if a.nbytes % w == 0)
    if a.nbytes and (a[0] != b[0] or a[-1] != b[-1]):
        return False
    return bool(np.array_equal(a.view(f"u{word}"), b.view(f"u{word}")))


def decode_scene(frames: Sequence[Any], limits: SceneLimits = DEFAULT_SCENE_LIMITS) -> Dict[str, Any]:
    """The document of a scene part's frames, with every array reference replaced by a
    read-only numpy array (a view of its frame, or of the inlined bytes).

    Raises ``DecodeError`` (``malformed`` or ``limit-exceeded``); the document's fields
    are checked afterwards, against the node tables (``_check``).
    """
    if not frames:
        raise DecodeError(ErrorCode.MALFORMED, "a scene part has at least its document frame")
    doc = strict_msgpack(frames[0], "the scene")
    if not isinstance(doc, dict):
        raise DecodeError(ErrorCode.MALFORMED, "the scene document must be a map")
    views = [as_view(f) for f in frames[1:]]
    used: Dict[int, int] = {}
    total = [0]

    def array(ref: Dict[str, Any], where: str) -> np.ndarray:
        dtype, shape = ref.get(ARRAY_TAG), ref.get("shape")
        if not isinstance(dtype, str) or len(dtype) != 3 or dtype[0] not in "<>|=" or dtype[1:] not in ARRAY_DTYPES:
            raise DecodeError(ErrorCode.MALFORMED, f"{where}: array dtype {dtype!r} is not one a scene uses")
        if (
            not isinstance(shape, list)
            or not 1 <= len(shape) <= 3
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
        ):
            raise DecodeError(ErrorCode.MALFORMED, f"{where}: array shape must be 1 to 3 non-negative ints")
        items = 1
        for n in shape:
            items *= n
        if items > limits.max_array_items:
            raise LimitExceededError(f"{where} array items", items, limits.max_array_items)
        nbytes = items * int(dtype[2])
        total[0] += nbytes
        if total[0] > limits.max_array_bytes:
            raise LimitExceededError("scene array bytes", total[0], limits.max_array_bytes)
        if "frame" in ref:
            index = ref["frame"]
            if not isinstance(index, int) or isinstance(index, bool) or not 1 <= index <= len(views):
                raise DecodeError(
                    ErrorCode.FRAME_MISMATCH, f"{where}: array frame {index!r} is not a frame of the part"
                )
            if index in used:
                raise DecodeError(ErrorCode.FRAME_MISMATCH, f"{where}: array frame {index} is used twice")
            used[index] = 1
            data: Any = views[index - 1]
        elif isinstance(ref.get("data"), bytes):
            data = ref["data"]
        else:
            raise DecodeError(ErrorCode.MALFORMED, f"{where}: an array needs 'frame' or 'data'")
        if len(data) != nbytes:
            raise DecodeError(ErrorCode.FRAME_MISMATCH, f"{where}: array of {nbytes} bytes carried in {len(data)}")
        out = np.frombuffer(data, dtype=np.dtype(dtype)).reshape(shape)
        out.flags.writeable = False
        return out

    def walk(value: Any, where: str, depth: int) -> Any:
        if depth > limits.max_depth:
            raise LimitExceededError("scene nesting depth", depth, limits.max_depth)
        if isinstance(value, dict):
            if ARRAY_TAG in value:
                return array(value, where)
            return {k: walk(v, f"{where}.{k}", depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
        return value

    out = walk(doc, "scene", 0)
    if len(used) != len(views):
        raise DecodeError(ErrorCode.FRAME_MISMATCH, f"the scene part has {len(views) - len(used)} frames no array uses")
    return out


def array_frames(frames: Sequence[Any]) -> Tuple[int, int]:
    """(number of array frames, their bytes): for reports."""
    return len(frames) - 1, sum(as_view(f).nbytes for f in frames[1:])
