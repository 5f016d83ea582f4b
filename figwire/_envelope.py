"""The envelope as frozen value objects, and its strict conversion from a wire map.

Validation is driven by the field tables in ``_spec`` (the same tables the spec renders),
so a field's wire type is written down exactly once. Unknown keys are ignored, as the
versioning rules require; a known key with a wrong type is ``malformed``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from ._errors import DecodeError, LimitExceededError, UnsupportedVersionError
from ._spec import (
    AUTH_FIELDS,
    ENVELOPE_FIELDS,
    FIGURE_FIELDS,
    PART_FIELDS,
    PRODUCER_FIELDS,
    READABLE_MAJORS,
    ErrorCode,
    Field,
    Limits,
    MediaType,
    Role,
    format_version_str,
)

__all__ = ["Header", "Part", "FigureFacts", "Auth"]

_VERSION_RE = re.compile(r"(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\Z")


_SCALARS = {"str": str, "bool": bool, "bin": bytes, "map": dict, "array": list}


@functools.lru_cache(maxsize=None)
def _checker(wire_type: str) -> Callable[[Any], bool]:
    """A predicate for the spec's ``wire_type``, built once per type: every message is
    checked against the same few types, and parsing them each time cost more than msgpack."""
    if wire_type.startswith("(") and wire_type.endswith(")"):
        return _checker(wire_type[1:-1])
    if wire_type.startswith("array of "):
        item = _checker(wire_type[len("array of ") :])
        return lambda value: isinstance(value, list) and all(map(item, value))
    if wire_type.startswith("map of str to "):
        item = _checker(wire_type[len("map of str to ") :])
        return lambda value: isinstance(value, dict) and all(isinstance(k, str) and item(v) for k, v in value.items())
    if wire_type.endswith(" | nil"):
        inner = _checker(wire_type[: -len(" | nil")])
        return lambda value: value is None or inner(value)
    if wire_type == "int":
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if wire_type == "float":  # an integral float may arrive packed as an int
        return lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)
    scalar = _SCALARS[wire_type]
    return lambda value: isinstance(value, scalar)


def _is(value: Any, wire_type: str) -> bool:
    """Whether a decoded msgpack value has the spec's ``wire_type``."""
    return _checker(wire_type)(value)


def _check(wire: Any, fields: Iterable[Field], where: str) -> Dict[str, Any]:
    """Check ``wire`` against a field table; return only the known fields present."""
    if not isinstance(wire, dict):
        raise DecodeError(ErrorCode.MALFORMED, f"{where} must be a map")
    known: Dict[str, Any] = {}
    for f in fields:
        if f.name not in wire:
            if f.required:
                raise DecodeError(ErrorCode.MALFORMED, f"{where} lacks required field {f.name!r}")
            continue
        value = wire[f.name]
        if not _is(value, f.type):
            raise DecodeError(
                ErrorCode.MALFORMED,
                f"{where}.{f.name} must be {f.type}, not {type(value).__name__}",
            )
        known[f.name] = value
    return known


def parse_version(value: str) -> Tuple[int, int]:
    """``"1.0"`` -> ``(1, 0)``; refuse majors this decoder does not read."""
    match = _VERSION_RE.match(value)
    if match is None:
        raise DecodeError(ErrorCode.MALFORMED, f"format version {value!r} is not major.minor")
    version = (int(match.group(1)), int(match.group(2)))
    if version[0] not in READABLE_MAJORS:
        raise UnsupportedVersionError(value, tuple(sorted(READABLE_MAJORS)))
    return version


@dataclass(frozen=True)
class Part:
    """One part's descriptor: which frames hold it and how to read them (§5)."""

    role: str
    media_type: str
    frames: Tuple[int, ...]
    sizes: Tuple[int, ...]
    codec: Optional[str] = None
    raw_sizes: Optional[Tuple[int, ...]] = None
    digest: Optional[str] = None
    digests: Optional[Tuple[bytes, ...]] = None
    protocol: Optional[int] = None
    requires: Mapping[str, str] = field(default_factory=dict)
    numpy_private: Optional[bool] = None
    width: Optional[int] = None
    height: Optional[int] = None
    dpi: Optional[float] = None
    borrows: Tuple[int, ...] = ()  # frames other parts own that this one also reads (§5.6)

    @property
    def name(self) -> str:
        """How ``pack(parts=...)`` and ``missing`` name this part: ``"pickle"``, ``"scene"``,
        or a fallback's media type."""
        return self.role if self.role in (Role.PICKLE.value, Role.SCENE.value) else self.media_type

    @property
    def nbytes(self) -> int:
        """Bytes this part occupies once decoded."""
        return sum(self.raw_sizes if self.raw_sizes is not None else self.sizes)

    def to_wire(self) -> Dict[str, Any]:
        wire: Dict[str, Any] = {
            "role": self.role,
            "type": self.media_type,
            "frames": list(self.frames),
            "sizes": list(self.sizes),
        }
        optional = {
            "codec": self.codec,
            "raw_sizes": None if self.raw_sizes is None else list(self.raw_sizes),
            "digest": self.digest,
            "digests": None if self.digests is None else list(self.digests),
            "protocol": self.protocol,
            "requires": dict(self.requires) if self.role == Role.PICKLE.value else None,
            "numpy_private": self.numpy_private,
            "width": self.width,
            "height": self.height,
            "dpi": self.dpi,
            "borrows": list(self.borrows) if self.borrows else None,
        }
        wire.update((k, v) for k, v in optional.items() if v is not None)
        return wire

    @classmethod
    def from_wire(cls, wire: Any, where: str, limits: Limits) -> "Part":
        known = _check(wire, PART_FIELDS, where)
        frames, sizes = known["frames"], known["sizes"]
        if not frames or len(frames) != len(sizes):
            raise DecodeError(ErrorCode.MALFORMED, f"{where}: frames and sizes must be non-empty and equally long")
        if any(n < 0 for n in sizes):
            raise DecodeError(ErrorCode.MALFORMED, f"{where}: negative size")
        raw_sizes = known.get("raw_sizes")
        if "codec" in known and (raw_sizes is None or len(raw_sizes) != len(frames) or any(n < 0 for n in raw_sizes)):
            raise DecodeError(ErrorCode.MALFORMED, f"{where}: a codec needs one non-negative raw size per frame")
        digests = known.get("digests")
        if ("digest" in known) != (digests is not None) or (digests is not None and len(digests) != len(frames)):
            raise DecodeError(ErrorCode.MALFORMED, f"{where}: digest and one digest per frame go together")
        borrows = tuple(known.get("borrows", ()))
        if borrows and "codec" in known:
            raise DecodeError(ErrorCode.MALFORMED, f"{where}: a part with a codec cannot borrow frames")
        requires = known.get("requires", {})
        if len(requires) > limits.max_requires:
            raise LimitExceededError(f"{where}.requires entries", len(requires), limits.max_requires)
        return cls(
            role=known["role"],
            media_type=known["type"],
            frames=tuple(frames),
            sizes=tuple(sizes),
            codec=known.get("codec"),
            raw_sizes=None if raw_sizes is None or "codec" not in known else tuple(raw_sizes),
            digest=known.get("digest"),
            digests=None if digests is None else tuple(digests),
            protocol=known.get("protocol"),
            requires=requires,
            numpy_private=known.get("numpy_private"),
            width=known.get("width"),
            height=known.get("height"),
            dpi=None if "dpi" not in known else float(known["dpi"]),
            borrows=borrows,
        )


@dataclass(frozen=True)
class FigureFacts:
    """What a receiver may want to know about the figure without loading any part (§4.3)."""

    label: str = ""
    number: Optional[int] = None
    size_inches: Tuple[float, float] = (0.0, 0.0)
    dpi: float = 0.0
    pixels: Tuple[int, int] = (0, 0)
    axes: int = 0
    suptitle: Optional[str] = None
    titles: Tuple[str, ...] = ()

    def to_wire(self) -> Dict[str, Any]:
        return {
            "label": self.label,
            "number": self.number,
            "size_inches": list(self.size_inches),
            "dpi": self.dpi,
            "pixels": list(self.pixels),
            "axes": self.axes,
            "suptitle": self.suptitle,
            "titles": list(self.titles),
        }

    @classmethod
    def from_wire(cls, wire: Any) -> "FigureFacts":
        known = _check(wire, FIGURE_FIELDS, "figure")
        for pair in ("size_inches", "pixels"):
            if len(known[pair]) != 2:
                raise DecodeError(ErrorCode.MALFORMED, f"figure.{pair} must hold two numbers")
        return cls(
            label=known["label"],
            number=known["number"],
            size_inches=(float(known["size_inches"][0]), float(known["size_inches"][1])),
            dpi=float(known["dpi"]),
            pixels=(known["pixels"][0], known["pixels"][1]),
            axes=known["axes"],
            suptitle=known["suptitle"],
            titles=tuple(known["titles"]),
        )


@dataclass(frozen=True)
class Auth:
    """The envelope's ``auth`` map (§13.5): the message is signed, with ``alg``, and its tag
    is frame ``frame`` (the last). It says what to check, never that the check passed."""

    alg: str
    frame: int
    key_id: Optional[str] = None

    def to_wire(self) -> Dict[str, Any]:
        wire: Dict[str, Any] = {"alg": self.alg, "frame": self.frame}
        if self.key_id is not None:
            wire["key_id"] = self.key_id
        return wire

    @classmethod
    def from_wire(cls, wire: Any) -> "Auth":
        known = _check(wire, AUTH_FIELDS, "auth")
        return cls(alg=known["alg"], frame=known["frame"], key_id=known.get("key_id"))


@dataclass(frozen=True)
class Header:
    """A decoded envelope: everything a receiver decides from, before touching a part."""

    version: Tuple[int, int]
    id: str
    created: float
    producer: Mapping[str, str]
    figure: FigureFacts
    parts: Tuple[Part, ...]
    missing: Mapping[str, str] = field(default_factory=dict)
    auth: Optional[Auth] = None
    related: Optional[str] = None

    @property
    def pickle(self) -> Optional[Part]:
        """The pickle part, if the message has one."""
        return next(
            (p for p in self.parts if p.role == Role.PICKLE.value and p.media_type == MediaType.PICKLE.value), None
        )

    @property
    def scene(self) -> Optional[Part]:
        """The scene part (§16), if the message has one."""
        return next((p for p in self.parts if p.role == Role.SCENE.value and p.media_type == MediaType.SCENE.value), None)

    @property
    def fallbacks(self) -> Tuple[Part, ...]:
        """The fallback parts, in the producer's order."""
        return tuple(p for p in self.parts if p.role == Role.FALLBACK.value)

    def to_wire(self) -> Dict[str, Any]:
        wire: Dict[str, Any] = {
            "figwire": format_version_str(self.version),
            "id": self.id,
            "created": self.created,
            "producer": dict(self.producer),
            "figure": self.figure.to_wire(),
            "parts": [p.to_wire() for p in self.parts],
        }
        if self.missing:
            wire["missing"] = dict(self.missing)
        if self.auth is not None:
            wire["auth"] = self.auth.to_wire()
        if self.related is not None:
            wire["related"] = self.related
        return wire

    @classmethod
    def from_wire(cls, wire: Any, limits: Limits) -> "Header":
        if not isinstance(wire, dict):
            raise DecodeError(ErrorCode.MALFORMED, "the envelope must be a map")
        # The version decides how to read everything else, so it is checked first.
        if not isinstance(wire.get("figwire"), str):
            raise DecodeError(ErrorCode.MALFORMED, "the envelope lacks its format version string 'figwire'")
        version = parse_version(wire["figwire"])
        known = _check(wire, ENVELOPE_FIELDS, "envelope")
        producer = _check(known["producer"], PRODUCER_FIELDS, "producer")
        if len(known["parts"]) > limits.max_parts:
            raise LimitExceededError("number of parts", len(known["parts"]), limits.max_parts)
        parts: List[Part] = [Part.from_wire(p, f"parts[{i}]", limits) for i, p in enumerate(known["parts"])]
        return cls(
            version=version,
            id=known["id"],
            created=float(known["created"]),
            producer=producer,
            figure=FigureFacts.from_wire(known["figure"]),
            parts=tuple(parts),
            missing=known.get("missing", {}),
            auth=Auth.from_wire(known["auth"]) if "auth" in known else None,
            related=known.get("related"),
        )
