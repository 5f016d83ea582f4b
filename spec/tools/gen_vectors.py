"""Write figwire's conformance vectors: spec/vectors/{valid,invalid,join,verdict,negotiate,auth}.json (spec §14).

Every case is built from fixed inputs: one message id, one creation time, one producer,
and hand-made payload bytes (pickle streams of a few opcodes, a 1x1 PNG, compressed
frames assembled block by block). Nothing is pickled from a real figure and nothing
depends on the local zlib or zstd build, so this writes identical files anywhere;
``--check`` says whether the files on disk are what it writes.

Envelopes come from figwire's own encoder (``encode_part``, ``encode_envelope``, ``join``).
A case that needs an envelope figwire would never write (unknown fields, wrong types,
broken msgpack) starts from the encoder's map and alters it, spelling msgpack out with
``pack`` below where msgpack-python cannot express the fault (a repeated key, a float 32).

Expected results are written down from what each case is built from, never read back
from figwire's decoder: the vectors test the decoder, so they must not come from it.

Usage: python spec/tools/gen_vectors.py [--check]
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import hmac
import json
import struct
import sys
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "spec" / "vectors"

sys.path.insert(0, str(ROOT))

import msgpack  # noqa: E402

from figwire._codec import PartData, encode_envelope, encode_part  # noqa: E402
from figwire._envelope import FigureFacts, Header, Part  # noqa: E402
from figwire._framing import join  # noqa: E402
from figwire._spec import (  # noqa: E402
    AUTH_MAGIC,
    BLAKE3_KEY_CONTEXT,
    ENVELOPE_MAGIC,
    FALLBACK_TYPES,
    FIELD_TABLES,
    FORMAT_VERSION,
    JOIN_MAGIC,
    Codec,
    DigestAlg,
    MediaType,
    Role,
    format_version_str,
)

# -- fixed inputs -------------------------------------------------------------------------

MSG_ID = "6f1d2c3b4a5948372615a4b3c2d1e0f9"
CREATED = 1767225600.25  # 2026-01-01T00:00:00.25Z
PRODUCER = {
    "python": "3.12.4",
    "implementation": "cpython",
    "matplotlib": "3.10.1",
    "numpy": "2.2.4",
    "figwire": "figwire 0.1.0",
    "platform": "linux-x86_64",
    "byteorder": "little",
}
FIGURE = FigureFacts(
    label="vectors",
    number=None,
    size_inches=(4.0, 3.0),
    dpi=100.0,
    pixels=(400, 300),
    axes=1,
    suptitle=None,
    titles=("sales",),
)
REQUIRES = {"matplotlib": "3.10.1", "numpy": "2.2.4"}

#: Protocol 5 pickle of None: PROTO 5, NONE, STOP.
PICKLE_STREAM = b"\x80\x05N."
#: Protocol 5 pickle of a tuple of its two out-of-band buffers: PROTO 5, NEXT_BUFFER x2, TUPLE2, STOP.
PICKLE_TWO_BUFFERS = b"\x80\x05\x97\x97\x86."
#: Protocol 4 pickle of None.
PICKLE_4 = b"\x80\x04N."
BUFFER_A = bytes(range(256)) * 4
BUFFER_B = b"\xfe\xff" * 40
#: A 1x1 RGBA PNG, one pixel (31, 119, 180, 255).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63902fdff21f00044d024acc1db5fa0000000049454e44ae426082"
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="288pt" height="216pt" viewBox="0 0 288 216"/>\n'
#: A stand-in, not a PDF document: decoders treat part bytes as opaque (§5.3).
PDF = b"%PDF-1.4\n% figwire conformance vector: a stand-in for a one-page PDF\n%%EOF\n"
#: Text with repeats, and its zlib stream as zlib 1.2.13 wrote it at level 9; kept as a
#: literal so that the vectors do not depend on the local zlib's choices.
DEFLATE_RAW = b"figwire conformance vector: " + bytes(range(32, 127)) * 2 + b"figwire " * 16
DEFLATE_ZLIB = bytes.fromhex(
    "78da4bcb4c2fcf2c4a5548cecf4bcb2fca4dcc4b4e55284b4d2ec92fb2525050545256515553d7d0d4d2d6d1d5d337303432363135"
    "33b7b0b4b2b6b1b5b37770747276717573f7f0f4f2f6f1f5f30f080c0a0e090d0b8f888c8a8e898d8b4f484c4a4e494d4bcfc8cccace"
    "c9cdcb2f282c2a2e292d2bafa8acaaaea9ada3b1f169509f0d140d003c9e7618"
)

PICKLE_TYPE = MediaType.PICKLE.value
PNG_TYPE, SVG_TYPE, PDF_TYPE = FALLBACK_TYPES
_CODECS = {c.value for c in Codec}
_DIGESTS = {d.value for d in DigestAlg}
SCENE_TYPE = MediaType.SCENE.value
_KNOWN_PARTS = (
    {(Role.PICKLE.value, PICKLE_TYPE), (Role.SCENE.value, SCENE_TYPE)}
    | {(Role.FALLBACK.value, t) for t in FALLBACK_TYPES}
)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# -- compressed frames, assembled by hand ---------------------------------------------------


def zlib_stored(data: bytes) -> bytes:
    """A zlib stream (RFC 1950) of stored DEFLATE blocks: valid, and the same on every zlib."""
    return b"\x78\x01" + deflate_stored(data) + struct.pack(">I", zlib.adler32(data))


def deflate_stored(data: bytes) -> bytes:
    """Raw DEFLATE (RFC 1951) stored blocks of ``data``, at most 65535 bytes each."""
    chunks = [data[i : i + 65535] for i in range(0, len(data), 65535)] or [b""]
    out = b""
    for k, chunk in enumerate(chunks):
        final = 1 if k == len(chunks) - 1 else 0
        out += bytes([final]) + struct.pack("<HH", len(chunk), 0xFFFF ^ len(chunk)) + chunk
    return out


def gzip_stored(data: bytes) -> bytes:
    """A gzip member (RFC 1952) of ``data`` with mtime 0: what a zlib frame is not."""
    header = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x00\xff"
    return header + deflate_stored(data) + struct.pack("<II", zlib.crc32(data), len(data))


ZstdBlock = Tuple[str, bytes, int]  # ("raw", bytes, 0) or ("rle", one byte, repeat count)


def zstd_frame(blocks: Sequence[ZstdBlock]) -> Tuple[bytes, bytes]:
    """One Zstandard frame (RFC 8878) of raw and RLE blocks, content size declared; and its content."""
    content = b""
    body = b""
    for k, (kind, payload, count) in enumerate(blocks):
        last = 1 if k == len(blocks) - 1 else 0
        if kind == "raw":
            content += payload
            size, data, block_type = len(payload), payload, 0
        else:
            content += payload * count
            size, data, block_type = count, payload, 1
        body += (last | block_type << 1 | size << 3).to_bytes(3, "little") + data
    n = len(content)
    if n < 256:
        fcs_flag, fcs = 0, bytes([n])
    else:
        fcs_flag, fcs = 1, (n - 256).to_bytes(2, "little")
    descriptor = fcs_flag << 6 | 1 << 5  # single segment: no window descriptor, no checksum
    return b"\x28\xb5\x2f\xfd" + bytes([descriptor]) + fcs + body, content


def zstd_skippable(data: bytes) -> bytes:
    return struct.pack("<II", 0x184D2A50, len(data)) + data


ZSTD_FRAME, ZSTD_RAW = zstd_frame(
    [("raw", b"figwire zstd vector: a raw block, then an RLE block of ", 0), ("rle", b"*", 300)]
)

# -- msgpack spelled out --------------------------------------------------------------------


class Raw(bytes):
    """msgpack bytes spliced in verbatim."""


class F32(float):
    """A float written as msgpack float 32 (the value must be exact in 32 bits)."""


class Pairs(list):  # type: ignore[type-arg]
    """A map given as (key, value) pairs, so that a key can repeat."""


def _header(n: int, fix: int, b16: int, b32: int, fix_max: int) -> bytes:
    if n <= fix_max:
        return bytes([fix | n])
    if n < 1 << 16:
        return bytes([b16]) + struct.pack(">H", n)
    return bytes([b32]) + struct.pack(">I", n)


def pack(obj: Any) -> bytes:
    """msgpack of ``obj`` with the shortest headers, as msgpack-python writes; plus ``Raw``, ``F32``, ``Pairs``."""
    if isinstance(obj, Raw):
        return bytes(obj)
    if isinstance(obj, F32):
        return b"\xca" + struct.pack(">f", obj)
    if isinstance(obj, (dict, Pairs)):
        items = list(obj.items()) if isinstance(obj, dict) else list(obj)
        return _header(len(items), 0x80, 0xDE, 0xDF, 15) + b"".join(pack(k) + pack(v) for k, v in items)
    if isinstance(obj, list):
        return _header(len(obj), 0x90, 0xDC, 0xDD, 15) + b"".join(pack(v) for v in obj)
    return msgpack.packb(obj, use_bin_type=True)


def envelope(wire: Any) -> bytes:
    return ENVELOPE_MAGIC + pack(wire)


# -- messages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blob:
    """One frame of a part: as sent, and once its codec is undone."""

    sent: bytes
    raw: bytes

    @classmethod
    def plain(cls, data: bytes) -> "Blob":
        return cls(data, data)


@dataclass(frozen=True)
class PartSpec:
    role: str
    media_type: str
    blobs: Tuple[Blob, ...]
    codec: Optional[str] = None
    digest: Optional[str] = None
    fields: Mapping[str, Any] = field(default_factory=dict)


def pickle_part(stream: bytes = PICKLE_STREAM, buffers: Sequence[bytes] = (), **kw: Any) -> PartSpec:
    return coded_pickle([Blob.plain(b) for b in (stream, *buffers)], **kw)


def coded_pickle(blobs: Sequence[Blob], **kw: Any) -> PartSpec:
    """A pickle part of ``blobs`` (pass ``codec`` when they are compressed)."""
    fields = {"protocol": 5, "requires": REQUIRES, "numpy_private": False, **kw.pop("fields", {})}
    return PartSpec(Role.PICKLE.value, PICKLE_TYPE, tuple(blobs), fields=fields, **kw)


def fallback(media_type: str, data: bytes, **kw: Any) -> PartSpec:
    return coded_fallback(media_type, Blob.plain(data), **kw)


def coded_fallback(media_type: str, blob: Blob, **kw: Any) -> PartSpec:
    """A fallback part of one frame (pass ``codec`` when it is compressed)."""
    fields = {"width": 1, "height": 1, "dpi": 100.0} if media_type == PNG_TYPE else {"dpi": 100.0}
    return PartSpec(Role.FALLBACK.value, media_type, (blob,), fields={**fields, **kw.pop("fields", {})}, **kw)


@dataclass
class Message:
    header: Header
    frames: List[bytes]
    specs: Tuple[PartSpec, ...]

    @property
    def wire(self) -> Dict[str, Any]:
        """The encoder's envelope map: a fresh copy each time, for a case to alter."""
        return self.header.to_wire()


def build(
    specs: Sequence[PartSpec],
    *,
    version: Tuple[int, int] = FORMAT_VERSION,
    figure: FigureFacts = FIGURE,
    missing: Optional[Mapping[str, str]] = None,
    extra_frames: Sequence[bytes] = (),
) -> Message:
    """A message of ``specs`` written by figwire's encoder; codecs are pre-applied in the blobs."""
    frames: List[bytes] = []
    parts = []
    for spec in specs:
        descriptor = Part(role=spec.role, media_type=spec.media_type, frames=(), sizes=(), **spec.fields)
        known_digest = spec.digest if spec.digest in _DIGESTS else None
        part, sent = encode_part(
            PartData(descriptor, tuple(b.sent for b in spec.blobs)), len(frames) + 1, digest=known_digest
        )
        if spec.digest is not None and known_digest is None:  # a name figwire refuses to write
            digests = tuple(hashlib.new(spec.digest, b.sent, usedforsecurity=False).digest() for b in spec.blobs)
            part = replace(part, digest=spec.digest, digests=digests)
        if spec.codec is not None:
            part = replace(part, codec=spec.codec, raw_sizes=tuple(len(b.raw) for b in spec.blobs))
        parts.append(part)
        frames.extend(bytes(f) for f in sent)
    header = Header(
        version=version,
        id=MSG_ID,
        created=CREATED,
        producer=PRODUCER,
        figure=figure,
        parts=tuple(parts),
        missing=dict(missing or {}),
    )
    return Message(header, [encode_envelope(header), *frames, *extra_frames], tuple(specs))


# -- expected results -----------------------------------------------------------------------


def _json_value(value: Any, wire_type: str) -> Any:
    """A decoded wire value in the vectors' JSON form: floats as floats, bin as base64."""
    if wire_type.endswith(" | nil"):
        return None if value is None else _json_value(value, wire_type[: -len(" | nil")])
    if wire_type.startswith("array of "):
        return [_json_value(v, wire_type[len("array of ") :]) for v in value]
    if wire_type.startswith("map of str to "):
        return {k: _json_value(v, wire_type[len("map of str to ") :]) for k, v in value.items()}
    if wire_type == "float":
        return float(value)
    if wire_type == "bin":
        return b64(value)
    return value


def _known(wire: Mapping[str, Any], table: str) -> Dict[str, Any]:
    """The fields of ``table`` present in ``wire``, nested tables left out (the caller walks them)."""
    nested = ("map", "array of map")
    return {
        f.name: _json_value(wire[f.name], f.type)
        for f in FIELD_TABLES[table]
        if f.name in wire and f.type not in nested
    }


def expected_of(wire: Mapping[str, Any], specs: Sequence[PartSpec]) -> Dict[str, Any]:
    """What a decoder reads from an envelope map built from ``specs`` (§14)."""
    parts = []
    for p, spec in zip(wire["parts"], specs):
        part = _known(p, "part")
        if not part.get("requires", True):
            del part["requires"]
        usable = (p["role"], p["type"]) in _KNOWN_PARTS and not (
            p["role"] == Role.FALLBACK.value and len(p["frames"]) != 1
        )
        if usable:
            if spec.codec not in (None, *_CODECS) or spec.digest not in (None, *_DIGESTS):
                raise ValueError("a valid case's usable part must use known codecs and digests")
            part["data"] = [b64(b.raw) for b in spec.blobs] + [b64(_lent(wire, specs, i)) for i in p.get("borrows", ())]
        parts.append(part)
    top = _known(wire, "envelope")
    out: Dict[str, Any] = {
        "version": top.pop("figwire"),
        **top,
        "producer": _known(wire["producer"], "producer"),
        "figure": _known(wire["figure"], "figure"),
        "parts": parts,
        "pickle": next(
            (i for i, p in enumerate(wire["parts"]) if (p["role"], p["type"]) == (Role.PICKLE.value, PICKLE_TYPE)), None
        ),
    }
    if not out.get("missing", True):
        del out["missing"]
    return out


def _lent(wire: Mapping[str, Any], specs: Sequence[PartSpec], index: int) -> bytes:
    """The decoded bytes of frame ``index``, read from the part that owns it (§5.6)."""
    for p, spec in zip(wire["parts"], specs):
        if index in p["frames"]:
            return spec.blobs[p["frames"].index(index)].raw
    raise ValueError(f"no part owns frame {index}")


def scene_part(document: bytes, borrows: Sequence[int] = (), **kw: Any) -> PartSpec:
    """A scene part of one document frame (§5.5; the envelope vectors do not read the
    document) that borrows ``borrows`` (§5.6)."""
    fields = {"borrows": tuple(borrows)} if borrows else {}
    return PartSpec(Role.SCENE.value, SCENE_TYPE, (Blob.plain(document),), fields=fields, **kw)


#: A scene document's bytes for the envelope vectors: a msgpack map, never read by them.
SCENE_DOC = pack({"scene": "1.3"})


def borrowing(digest: Optional[str] = None, png_first: bool = False) -> Message:
    """A pickle with buffers A and B (frames 1-3), a scene that borrows B then A, a PNG;
    ``png_first`` puts the PNG first, moving the others up by one."""
    first = 2 if png_first else 1
    specs = [
        pickle_part(PICKLE_TWO_BUFFERS, [BUFFER_A, BUFFER_B], digest=digest),
        scene_part(SCENE_DOC, [first + 2, first + 1], digest=digest),
    ]
    png = fallback(PNG_TYPE, PNG)
    return build([png, *specs] if png_first else [*specs, png])


# -- case collections -------------------------------------------------------------------------


class Cases:
    """One vector file's cases; refuses repeated ids and descriptions, and modal verbs."""

    def __init__(self) -> None:
        self.cases: List[Dict[str, Any]] = []

    def add(self, case: Dict[str, Any]) -> None:
        for key in ("id", "description"):
            if any(c[key] == case[key] for c in self.cases):
                raise ValueError(f"repeated {key}: {case[key]!r}")
        if "should" in case["description"].lower():
            raise ValueError(f"{case['id']}: descriptions state facts; drop 'should'")
        self.cases.append(case)


def _limits(limits: Optional[Mapping[str, int]]) -> Dict[str, Any]:
    return {} if limits is None else {"limits": dict(limits)}


def valid_case(
    cases: Cases,
    id: str,
    description: str,
    spec: str,
    msg: Message,
    *,
    wire: Optional[Any] = None,
    limits: Optional[Mapping[str, int]] = None,
) -> None:
    """A message that decodes. ``wire`` replaces the encoder's envelope map (then decoder-only)."""
    frames = list(msg.frames)
    roundtrip = wire is None
    if wire is not None:
        frames[0] = envelope(wire)
    cases.add(
        {
            "id": id,
            "description": description,
            "spec": spec,
            "roundtrip": roundtrip,
            **_limits(limits),
            "frames": [b64(f) for f in frames],
            "expected": expected_of(msg.wire if wire is None else wire, msg.specs),
        }
    )


def invalid_case(
    cases: Cases,
    id: str,
    description: str,
    spec: str,
    frames: Sequence[bytes],
    error: str,
    *,
    part: Optional[int] = None,
    limits: Optional[Mapping[str, int]] = None,
) -> None:
    case: Dict[str, Any] = {"id": id, "description": description, "spec": spec, **_limits(limits)}
    case["frames"] = [b64(f) for f in frames]
    case["error"] = error
    if part is not None:
        case["part"] = part
    cases.add(case)


def with_envelope(msg: Message, wire: Any) -> List[bytes]:
    return [envelope(wire), *msg.frames[1:]]


# -- valid.json ---------------------------------------------------------------------------------


def minimal() -> Message:
    return build([pickle_part()])


def with_buffers() -> Message:
    return build([pickle_part(PICKLE_TWO_BUFFERS, [BUFFER_A, BUFFER_B]), fallback(PNG_TYPE, PNG)])


def valid_cases() -> Cases:
    cases = Cases()
    add = valid_case

    add(cases, "pickle-only", "a pickle part of one frame and nothing else", "§5.2", minimal())
    add(
        cases,
        "pickle-out-of-band-and-png",
        "a pickle stream with two out-of-band buffers as frames 2 and 3, then a PNG fallback",
        "§5.2",
        with_buffers(),
    )
    add(
        cases,
        "pickle-empty-buffer",
        "an out-of-band buffer may be an empty frame",
        "§3.1",
        build([pickle_part(PICKLE_TWO_BUFFERS, [b"", BUFFER_B])]),
    )
    add(
        cases,
        "pickle-protocol-4",
        "a protocol 4 pickle part has exactly one frame",
        "§7.1",
        build([pickle_part(PICKLE_4, fields={"protocol": 4})]),
    )
    add(
        cases,
        "fallbacks-only",
        "PNG, SVG and PDF fallbacks, with the reason the pickle was left out in missing",
        "§5.3",
        build(
            [fallback(PNG_TYPE, PNG), fallback(SVG_TYPE, SVG), fallback(PDF_TYPE, PDF)],
            missing={"pickle": "the figure cannot be pickled: PicklingError: a lambda"},
        ),
    )
    add(
        cases,
        "no-parts",
        "an envelope with no parts at all decodes; every part asked for is in missing",
        "§4.1",
        build([], missing={"pickle": "the figure cannot be pickled", PNG_TYPE: "rendering failed"}),
    )
    add(
        cases,
        "figure-facts",
        "a pyplot-managed figure with a suptitle, several Axes and non-ASCII text",
        "§4.3",
        build(
            [fallback(PNG_TYPE, PNG)],
            figure=FigureFacts(
                label="Température",
                number=3,
                size_inches=(6.4, 4.8),
                dpi=72.0,
                pixels=(460, 345),
                axes=2,
                suptitle="Ventes 2025",
                titles=("Nord", ""),
            ),
        ),
    )
    add(
        cases,
        "digest-sha256",
        "every frame of both parts carries a sha256 digest",
        "§6",
        build(
            [
                pickle_part(PICKLE_TWO_BUFFERS, [BUFFER_A, BUFFER_B], digest="sha256"),
                fallback(PNG_TYPE, PNG, digest="sha256"),
            ]
        ),
    )
    add(
        cases,
        "digest-blake2b",
        "a blake2b digest is 64 bytes",
        "§6",
        build([fallback(SVG_TYPE, SVG, digest="blake2b")]),
    )
    add(
        cases,
        "zlib-stored",
        "a zlib frame made of stored blocks decodes to raw_sizes bytes",
        "§6",
        build([coded_pickle([Blob(zlib_stored(PICKLE_STREAM), PICKLE_STREAM)], codec="zlib")]),
    )
    add(
        cases,
        "zlib-deflate-with-digest",
        "a compressed zlib frame; its digest is over the compressed bytes as sent",
        "§6",
        build([coded_fallback(SVG_TYPE, Blob(DEFLATE_ZLIB, DEFLATE_RAW), codec="zlib", digest="sha256")]),
    )
    add(
        cases,
        "zlib-every-frame",
        "a codec applies to each frame of a part separately, the empty one included",
        "§6",
        build([coded_pickle([Blob(zlib_stored(b), b) for b in (PICKLE_TWO_BUFFERS, BUFFER_A, b"")], codec="zlib")]),
    )
    add(
        cases,
        "zstd",
        "a Zstandard frame of a raw block and an RLE block decodes to raw_sizes bytes",
        "§6",
        build([coded_fallback(SVG_TYPE, Blob(ZSTD_FRAME, ZSTD_RAW), codec="zstd")]),
    )
    add(
        cases,
        "requires-and-numpy-private",
        "a pickle part naming extra packages and numpy's private modules",
        "§7.3",
        build(
            [
                pickle_part(
                    fields={"requires": {**REQUIRES, "pandas": "2.2.3", "mpl_toolkits": ""}, "numpy_private": True}
                )
            ]
        ),
    )

    future = minimal()
    wire = future.wire
    wire["figwire"] = "1.7"
    wire["trace"] = {"span": "a1b2", "hops": [1, 2, {"deep": [b"\x00\x01", None, True, -1.5]}]}
    wire["producer"]["gpu"] = "none"
    wire["figure"]["theme"] = {"name": "dark", "contrast": 4.5}
    wire["parts"][0]["checksum_of_state"] = b"\x01\x02\x03"
    add(
        cases,
        "unknown-minor-and-fields",
        "a later minor (1.7) with unknown fields in every map decodes; the unknown fields are ignored",
        "§8",
        future,
        wire=wire,
    )

    largest = minimal()
    wire = largest.wire
    wire["figwire"] = "1.999999"
    add(cases, "minor-six-digits", "a minor version of six digits is a version", "§4.1", largest, wire=wire)

    numbers = build([fallback(PNG_TYPE, PNG)])
    wire = numbers.wire
    wire["created"] = 1767225600
    wire["figure"]["size_inches"] = [4, F32(3.0)]
    wire["figure"]["dpi"] = F32(100.0)
    wire["parts"][0]["dpi"] = 100
    add(
        cases,
        "float-fields-as-int-and-float32",
        "float fields written as integers and as float 32 read as those numbers",
        "§4",
        numbers,
        wire=wire,
    )

    unknown = build(
        [
            PartSpec(
                "vega",
                "application/vnd.vegalite.v5+json",
                (Blob(b"\x00compressed?", b""),),
                codec="brotli",
                digest="md5",
            ),
            fallback("image/webp", b"RIFF\x00\x00\x00\x00WEBP"),
            fallback(PNG_TYPE, PNG),
        ]
    )
    add(
        cases,
        "unknown-role-and-media-type",
        "a part of an unknown role with an unknown codec and digest, and a fallback of an unknown media type, are ignored",
        "§5.4",
        unknown,
    )
    add(
        cases,
        "pickle-role-unknown-type",
        "a pickle-role part of an unknown media type is not the pickle part; the first figwire pickle is",
        "§5.2",
        build(
            [
                PartSpec(
                    Role.PICKLE.value, "application/x-cloudpickle", (Blob.plain(PICKLE_STREAM),), fields={"protocol": 5}
                ),
                pickle_part(),
            ]
        ),
    )
    add(
        cases,
        "fallback-two-frames",
        "a fallback part of two frames is ignored",
        "§5.3",
        build(
            [
                PartSpec(Role.FALLBACK.value, PNG_TYPE, (Blob.plain(PNG[:8]), Blob.plain(PNG[8:]))),
                fallback(SVG_TYPE, SVG),
            ]
        ),
    )
    add(
        cases,
        "unnamed-frame",
        "a frame that no part names is ignored",
        "§5.4",
        build([pickle_part()], extra_frames=[b"not named by any part"]),
    )
    add(
        cases,
        "scene-borrows-pickle-buffers",
        "a scene that reads the pickle's two out-of-band buffers after its own frame, in its own order",
        "§5.6",
        borrowing(),
    )
    add(
        cases,
        "scene-borrows-with-digests",
        "a borrowed frame is checked against its lender's sha256 digest",
        "§5.6",
        borrowing("sha256"),
    )
    at_limit = with_buffers()
    add(
        cases,
        "envelope-at-limit",
        "an envelope exactly max_envelope_bytes long is allowed",
        "§10",
        at_limit,
        limits={"max_envelope_bytes": len(at_limit.frames[0])},
    )
    add(
        cases,
        "frames-at-limit",
        "a message of exactly max_frames frames is allowed",
        "§10",
        with_buffers(),
        limits={"max_frames": 5},
    )
    add(
        cases,
        "message-bytes-at-limit",
        "frames plus decoded sizes exactly at max_message_bytes are allowed",
        "§10",
        build([coded_fallback(SVG_TYPE, Blob(DEFLATE_ZLIB, DEFLATE_RAW), codec="zlib")]),
        limits={"max_message_bytes": len(DEFLATE_ZLIB) + len(DEFLATE_RAW)},
    )
    return cases


# -- invalid.json -------------------------------------------------------------------------------


def _mutated(edit: Callable[[Dict[str, Any]], None], base: Optional[Message] = None) -> List[bytes]:
    """``base``'s frames with its envelope map edited in place by ``edit``."""
    msg = base or minimal()
    wire = msg.wire
    edit(wire)
    return with_envelope(msg, wire)


def _set(path: Sequence[Any], value: Any) -> Callable[[Dict[str, Any]], None]:
    def edit(wire: Dict[str, Any]) -> None:
        target = wire
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _delete(path: Sequence[Any]) -> Callable[[Dict[str, Any]], None]:
    def edit(wire: Dict[str, Any]) -> None:
        target = wire
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


def _flip_last(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 0x01])


def invalid_cases() -> Cases:
    cases = Cases()

    def bad(id: str, description: str, spec: str, frames: Sequence[bytes], error: str, **kw: Any) -> None:
        invalid_case(cases, id, description, spec, frames, error, **kw)

    base = minimal()
    env = base.frames[0]
    body = env[len(ENVELOPE_MAGIC) :]

    # §3.1: frames and frame 0
    bad("no-frames", "a message of no frames", "§3.1", [], "malformed")
    bad(
        "bad-magic",
        "frame 0 begins with the PNG signature instead of the magic",
        "§3.1",
        [b"\x89PNG" + body, *base.frames[1:]],
        "malformed",
    )
    bad("short-magic", "frame 0 is shorter than the magic", "§3.1", [ENVELOPE_MAGIC[:2]], "malformed")
    bad(
        "magic-only",
        "frame 0 is the magic with nothing after it",
        "§3.1",
        [ENVELOPE_MAGIC, *base.frames[1:]],
        "malformed",
    )
    bad(
        "not-msgpack",
        "the envelope is the byte 0xc1, which msgpack never uses",
        "§3.1",
        [ENVELOPE_MAGIC + b"\xc1", *base.frames[1:]],
        "malformed",
    )
    bad(
        "truncated-msgpack",
        "the envelope's msgpack ends one byte early",
        "§3.1",
        [env[:-1], *base.frames[1:]],
        "malformed",
    )
    bad(
        "trailing-msgpack",
        "a nil follows the envelope map in frame 0",
        "§3.1",
        [env + b"\xc0", *base.frames[1:]],
        "malformed",
    )
    bad("not-a-map", "the envelope is an array", "§3.1", [envelope(["1.0", MSG_ID]), *base.frames[1:]], "malformed")
    bad(
        "ext-type",
        "an unknown field holds a msgpack extension of type 5",
        "§3.1",
        _mutated(_set(["x"], Raw(b"\xc7\x03\x05abc"))),
        "malformed",
    )
    bad(
        "timestamp-ext",
        "an unknown field holds a msgpack timestamp (extension type -1)",
        "§3.1",
        _mutated(_set(["x"], Raw(b"\xd6\xff\x00\x00\x00\x00"))),
        "malformed",
    )
    bad("int-key", "the envelope map has an integer key", "§3.1", _mutated(_set([1], "one")), "malformed")
    bad("bin-key", "the producer map has a bin key", "§3.1", _mutated(_set(["producer", b"os"], "linux")), "malformed")

    def repeat_id(wire: Dict[str, Any]) -> Any:
        return Pairs([*wire.items(), ("id", "another-id")])

    bad(
        "repeated-key",
        "the envelope map has the key id twice",
        "§3.1",
        [envelope(repeat_id(base.wire)), *base.frames[1:]],
        "malformed",
    )
    bad(
        "deep-nesting",
        "an unknown field nests 2000 arrays",
        "§3.1",
        _mutated(_set(["x"], Raw(b"\x91" * 2000 + b"\xc0"))),
        "malformed",
    )
    bad(
        "invalid-utf8",
        "the figure label is a str that is not UTF-8",
        "§3.1",
        _mutated(_set(["figure", "label"], Raw(b"\xa2\xc3\x28"))),
        "malformed",
    )

    # §4: version
    bad("version-missing", "the envelope lacks figwire", "§4", _mutated(_delete(["figwire"])), "malformed")
    bad("version-not-str", "figwire is the float 1.0", "§4", _mutated(_set(["figwire"], 1.0)), "malformed")
    for id, version in (
        ("version-major-only", "1"),
        ("version-three-numbers", "1.0.0"),
        ("version-leading-zero", "01.0"),
        ("version-prefix", "v1.0"),
        ("version-seven-digits", "1.1000000"),
    ):
        bad(id, f"figwire is {version!r}, not major.minor", "§4.1", _mutated(_set(["figwire"], version)), "malformed")
    bad(
        "unknown-major",
        "figwire is 2.0 and nothing else of 1.x is present",
        "§8",
        [envelope({"figwire": "2.0", "frames": "anything"}), *base.frames[1:]],
        "unsupported-version",
    )
    bad("major-zero", "figwire is 0.9", "§8", _mutated(_set(["figwire"], "0.9")), "unsupported-version")

    # §4.1 to §4.3: fields
    bad("missing-id", "the envelope lacks id", "§4.1", _mutated(_delete(["id"])), "malformed")
    bad("missing-parts", "the envelope lacks parts", "§4.1", _mutated(_delete(["parts"])), "malformed")
    bad("created-str", "created is a str", "§4.1", _mutated(_set(["created"], "2026-01-01")), "malformed")
    bad(
        "missing-not-str",
        "a reason in missing is an integer",
        "§4.1",
        _mutated(_set(["missing"], {"image/png": 3})),
        "malformed",
    )
    bad("producer-not-map", "producer is a str", "§4.2", _mutated(_set(["producer"], "figwire 0.1.0")), "malformed")
    bad(
        "producer-missing-matplotlib",
        "producer lacks matplotlib",
        "§4.2",
        _mutated(_delete(["producer", "matplotlib"])),
        "malformed",
    )
    bad("figure-missing-dpi", "figure lacks dpi", "§4.3", _mutated(_delete(["figure", "dpi"])), "malformed")
    bad(
        "figure-axes-bool",
        "figure.axes is true, and a bool is not an int",
        "§4",
        _mutated(_set(["figure", "axes"], True)),
        "malformed",
    )
    bad(
        "figure-number-float",
        "figure.number is the float 1.0",
        "§4",
        _mutated(_set(["figure", "number"], 1.0)),
        "malformed",
    )
    bad(
        "figure-label-nil",
        "figure.label is nil, and label is not nullable",
        "§4",
        _mutated(_set(["figure", "label"], None)),
        "malformed",
    )
    bad(
        "size-inches-three",
        "figure.size_inches holds three numbers",
        "§4.3",
        _mutated(_set(["figure", "size_inches"], [4.0, 3.0, 1.0])),
        "malformed",
    )

    # §5.1: descriptors
    bad("part-not-map", "an entry of parts is a str", "§5.1", _mutated(_set(["parts"], ["pickle"])), "malformed")
    bad("part-missing-sizes", "a descriptor lacks sizes", "§5.1", _mutated(_delete(["parts", 0, "sizes"])), "malformed")
    bad(
        "part-frame-float",
        "a frame index is the float 1.0",
        "§4",
        _mutated(_set(["parts", 0, "frames"], [1.0])),
        "malformed",
    )
    bad(
        "part-no-frames",
        "a descriptor names no frames",
        "§5.1",
        _mutated(lambda w: w["parts"][0].update(frames=[], sizes=[])),
        "malformed",
    )
    two = with_buffers()
    bad(
        "frames-sizes-lengths",
        "a descriptor names three frames and gives two sizes",
        "§5.1",
        _mutated(lambda w: w["parts"][0]["sizes"].pop(), two),
        "malformed",
    )
    bad("negative-size", "a size is negative", "§5.1", _mutated(_set(["parts", 0, "sizes"], [-1])), "malformed")
    zlib_msg = build([pickle_part(stream=zlib_stored(PICKLE_STREAM))])
    bad(
        "codec-without-raw-sizes",
        "a descriptor names a codec and no raw_sizes",
        "§5.1",
        _mutated(_set(["parts", 0, "codec"], "zlib"), zlib_msg),
        "malformed",
    )
    zlib_part = build([coded_pickle([Blob(zlib_stored(PICKLE_STREAM), PICKLE_STREAM)], codec="zlib")])
    bad(
        "raw-sizes-length",
        "a descriptor with a codec gives two raw_sizes for one frame",
        "§5.1",
        _mutated(_set(["parts", 0, "raw_sizes"], [len(PICKLE_STREAM), 0]), zlib_part),
        "malformed",
    )
    bad(
        "raw-size-negative",
        "a raw size is negative",
        "§5.1",
        _mutated(_set(["parts", 0, "raw_sizes"], [-4]), zlib_part),
        "malformed",
    )
    digested = build([pickle_part(digest="sha256")])
    bad(
        "digest-without-digests",
        "a descriptor names a digest and no digests",
        "§5.1",
        _mutated(_delete(["parts", 0, "digests"]), digested),
        "malformed",
    )
    bad(
        "digests-without-digest",
        "a descriptor gives digests and no digest",
        "§5.1",
        _mutated(_delete(["parts", 0, "digest"]), digested),
        "malformed",
    )
    bad(
        "digests-count",
        "a descriptor of one frame gives two digests",
        "§5.1",
        _mutated(lambda w: w["parts"][0]["digests"].append(w["parts"][0]["digests"][0]), digested),
        "malformed",
    )
    bad(
        "digests-as-str",
        "digests are str, not bin",
        "§4",
        _mutated(lambda w: w["parts"][0].update(digests=[d.hex() for d in w["parts"][0]["digests"]]), digested),
        "malformed",
    )
    bad(
        "requires-int-version",
        "a version in requires is an integer",
        "§4",
        _mutated(_set(["parts", 0, "requires"], {"numpy": 2})),
        "malformed",
    )

    # §5.1: the frame table against the frames
    bad(
        "frame-shorter",
        "frame 1 is one byte shorter than its size",
        "§5.1",
        [env, PICKLE_STREAM[:-1]],
        "frame-mismatch",
    )
    bad(
        "frame-longer",
        "frame 1 is one byte longer than its size",
        "§5.1",
        [env, PICKLE_STREAM + b"."],
        "frame-mismatch",
    )
    bad("frame-absent", "the part names frame 1 and the message is frame 0 alone", "§5.1", [env], "frame-mismatch")
    bad(
        "frame-out-of-range",
        "a part names frame 5 of a two-frame message",
        "§5.1",
        _mutated(_set(["parts", 0, "frames"], [5])),
        "frame-mismatch",
    )
    bad(
        "frame-zero",
        "a part names frame 0, the envelope",
        "§5.1",
        _mutated(_set(["parts", 0, "frames"], [0])),
        "frame-mismatch",
    )
    bad(
        "frame-negative",
        "a part names frame -1",
        "§5.1",
        _mutated(_set(["parts", 0, "frames"], [-1])),
        "frame-mismatch",
    )
    shared = build([pickle_part(), fallback(PNG_TYPE, PICKLE_STREAM)])
    bad(
        "frame-claimed-twice",
        "two parts name frame 1",
        "§5.1",
        [*_mutated(lambda w: w["parts"][1].update(frames=[1]), shared)[:2]],
        "frame-mismatch",
    )
    bad(
        "frame-twice-in-part",
        "one part names frame 2 twice",
        "§5.1",
        _mutated(
            lambda w: w["parts"][0].update(
                frames=[1, 2, 2], sizes=[len(PICKLE_TWO_BUFFERS), len(BUFFER_A), len(BUFFER_A)]
            ),
            two,
        ),
        "frame-mismatch",
    )

    # §10: limits
    bad(
        "envelope-over-limit",
        "frame 0 is one byte over max_envelope_bytes",
        "§10",
        base.frames,
        "limit-exceeded",
        limits={"max_envelope_bytes": len(env) - 1},
    )
    bad(
        "frames-over-limit",
        "a message of five frames against max_frames 4",
        "§10",
        two.frames,
        "limit-exceeded",
        limits={"max_frames": 4},
    )
    bad(
        "parts-over-limit",
        "a message of two parts against max_parts 1",
        "§10",
        two.frames,
        "limit-exceeded",
        limits={"max_parts": 1},
    )
    bad(
        "requires-over-limit",
        "a requires map of two entries against max_requires 1",
        "§10",
        base.frames,
        "limit-exceeded",
        limits={"max_requires": 1},
    )
    deflated = build([coded_fallback(SVG_TYPE, Blob(DEFLATE_ZLIB, DEFLATE_RAW), codec="zlib")])
    bad(
        "message-bytes-over-limit",
        "frames plus decoded sizes one byte over max_message_bytes",
        "§10",
        deflated.frames,
        "limit-exceeded",
        limits={"max_message_bytes": len(DEFLATE_ZLIB) + len(DEFLATE_RAW) - 1},
    )
    bad(
        "declared-bomb",
        "a zlib frame declaring 2^31 decoded bytes is refused before it is decompressed",
        "§10",
        _mutated(_set(["parts", 0, "raw_sizes"], [1 << 31]), deflated),
        "limit-exceeded",
    )

    # §6: refused when the part is used
    def part_bad(id: str, description: str, msg_frames: Sequence[bytes], error: str, part: int = 0) -> None:
        bad(id, description, "§6", msg_frames, error, part=part)

    digest_two = build(
        [fallback(PNG_TYPE, PNG), pickle_part(PICKLE_TWO_BUFFERS, [BUFFER_A, BUFFER_B], digest="sha256")]
    )
    part_bad(
        "digest-mismatch",
        "the sha256 digest of the third frame of the pickle part is wrong",
        _mutated(
            lambda w: w["parts"][1]["digests"].__setitem__(2, _flip_last(w["parts"][1]["digests"][2])), digest_two
        ),
        "digest-mismatch",
        part=1,
    )
    part_bad(
        "digest-short",
        "a sha256 digest of 31 bytes",
        _mutated(lambda w: w["parts"][0]["digests"].__setitem__(0, w["parts"][0]["digests"][0][:31]), digested),
        "digest-mismatch",
    )
    part_bad(
        "digest-unknown",
        "a correct md5 digest: md5 is not a figwire digest algorithm",
        build([pickle_part(digest="md5")]).frames,
        "codec-unavailable",
    )
    part_bad(
        "codec-unknown",
        "a part whose codec is brotli, which is not a figwire codec",
        build([coded_pickle([Blob(b"\x0b\x01\x80" + PICKLE_STREAM + b"\x03", PICKLE_STREAM)], codec="brotli")]).frames,
        "codec-unavailable",
    )

    borrow_cases(bad)

    def zlib_frame(sent: bytes, raw: bytes = PICKLE_STREAM, raw_size: Optional[int] = None) -> List[bytes]:
        msg = build([coded_pickle([Blob(sent, raw)], codec="zlib")])
        if raw_size is None:
            return msg.frames
        return _mutated(_set(["parts", 0, "raw_sizes"], [raw_size]), msg)

    stored = zlib_stored(PICKLE_STREAM)
    part_bad(
        "zlib-short",
        "a zlib frame decodes to one byte fewer than its raw size",
        zlib_frame(stored, raw_size=len(PICKLE_STREAM) + 1),
        "codec-error",
    )
    part_bad(
        "zlib-long",
        "a zlib frame decodes to one byte more than its raw size",
        zlib_frame(stored, raw_size=len(PICKLE_STREAM) - 1),
        "codec-error",
    )
    part_bad("zlib-trailing", "a zero byte follows a complete zlib stream", zlib_frame(stored + b"\x00"), "codec-error")
    part_bad(
        "zlib-two-streams",
        "a zlib frame holds two streams",
        zlib_frame(stored + stored, raw=PICKLE_STREAM * 2),
        "codec-error",
    )
    part_bad("zlib-truncated", "a zlib stream lacks its Adler-32 checksum", zlib_frame(stored[:-4]), "codec-error")
    part_bad(
        "zlib-bad-checksum", "a zlib stream's Adler-32 checksum is wrong", zlib_frame(_flip_last(stored)), "codec-error"
    )
    part_bad("zlib-gzip", "a gzip member is not a zlib frame", zlib_frame(gzip_stored(PICKLE_STREAM)), "codec-error")
    part_bad(
        "zlib-raw-deflate",
        "raw DEFLATE data without the zlib header is not a zlib frame",
        zlib_frame(deflate_stored(PICKLE_STREAM)),
        "codec-error",
    )

    def zstd_msg(sent: bytes, raw_size: Optional[int] = None) -> List[bytes]:
        msg = build([coded_fallback(SVG_TYPE, Blob(sent, ZSTD_RAW), codec="zstd")])
        return msg.frames if raw_size is None else _mutated(_set(["parts", 0, "raw_sizes"], [raw_size]), msg)

    part_bad(
        "zstd-long",
        "a zstd frame decodes to one byte more than its raw size",
        zstd_msg(ZSTD_FRAME, len(ZSTD_RAW) - 1),
        "codec-error",
    )
    part_bad(
        "zstd-skippable",
        "a skippable frame follows the zstd frame",
        zstd_msg(ZSTD_FRAME + zstd_skippable(b"note")),
        "codec-error",
    )
    part_bad("zstd-truncated", "a zstd frame ends inside its last block", zstd_msg(ZSTD_FRAME[:-1]), "codec-error")
    return cases


# -- join.json ----------------------------------------------------------------------------------


def borrow_cases(bad: Callable[..., None]) -> None:
    """§5.1 and §5.6: what a part may borrow, and from whom."""

    def borrows(*indices: Any) -> Callable[[Dict[str, Any]], None]:
        return _set(["parts", 1, "borrows"], list(indices))

    plain = borrowing()
    for id, description, edit in (
        ("borrows-own-frame", "a scene that borrows its own document frame", borrows(4)),
        ("borrows-frame-zero", "a scene that borrows frame 0, the envelope", borrows(0)),
        ("borrows-past-the-end", "a scene that borrows frame 9 of a 6-frame message", borrows(9)),
        ("borrows-twice", "a scene that borrows the same frame twice", borrows(3, 3)),
    ):
        bad(id, description, "§5.1", _mutated(edit, plain), "frame-mismatch")
    unnamed = build(list(plain.specs), extra_frames=[b"a frame no part names"])
    bad(
        "borrows-unowned-frame",
        "a scene that borrows a frame no part names",
        "§5.1",
        _mutated(borrows(6), unnamed),
        "frame-mismatch",
    )
    tag = len(plain.frames)
    bad(
        "borrows-the-tag",
        "a signed message whose scene borrows the tag frame",
        "§5.1",
        _mutated(lambda w: [borrows(tag)(w), w.update(auth={"alg": "hmac-sha256", "frame": tag})], plain) + [b"t"],
        "frame-mismatch",
    )
    bad(
        "borrows-not-ints",
        "borrows holds a string",
        "§4",
        _mutated(borrows("3"), plain),
        "malformed",
    )
    compressed = build(
        [
            coded_pickle([Blob(zlib_stored(PICKLE_STREAM), PICKLE_STREAM)], codec="zlib"),
            scene_part(SCENE_DOC, [1]),
        ]
    )
    bad("borrows-from-compressed", "a scene that borrows a frame of a zlib-compressed pickle", "§5.1",
        compressed.frames, "malformed")
    bad(
        "borrows-with-codec",
        "a compressed scene part that borrows",
        "§5.1",
        _mutated(lambda w: w["parts"][1].update(codec="zlib", raw_sizes=[len(SCENE_DOC)]), plain),
        "malformed",
    )
    bad(
        "borrows-other-digest",
        "a scene without digests borrows from a pickle with sha256 digests",
        "§5.1",
        _mutated(lambda w: [w["parts"][1].pop(k) for k in ("digest", "digests")], borrowing("sha256")),
        "malformed",
    )
    bad(
        "borrowed-digest-mismatch",
        "the lender's digest of a borrowed frame is wrong: the scene that reads it is refused",
        "§5.6",
        _mutated(
            lambda w: w["parts"][0]["digests"].__setitem__(2, _flip_last(w["parts"][0]["digests"][2])),
            borrowing("sha256"),
        ),
        "digest-mismatch",
        part=1,
    )


def join_cases() -> Cases:
    cases = Cases()

    def ok(id: str, description: str, frames: Sequence[bytes]) -> None:
        data = join(frames)
        cases.add(
            {
                "id": id,
                "description": description,
                "spec": "§3.2",
                "roundtrip": True,
                "data": b64(data),
                "frames": [b64(f) for f in frames],
            }
        )

    def bad(id: str, description: str, data: bytes, error: str, limits: Optional[Mapping[str, int]] = None) -> None:
        cases.add(
            {"id": id, "description": description, "spec": "§3.2", **_limits(limits), "data": b64(data), "error": error}
        )

    ok("one-frame", "a message of its envelope alone", build([]).frames)
    one = minimal().frames
    ok("two-frames", "an envelope and a pickle stream of four bytes", one)
    edges = build([pickle_part(PICKLE_TWO_BUFFERS, [b"", b"\x01" * 63, b"\x02" * 64, b"\x03" * 65])]).frames
    ok("frame-lengths", "frames of 0, 63, 64 and 65 bytes, each padded to the next multiple of 64", edges)
    ok("message", "a pickle part with out-of-band buffers and a PNG fallback", with_buffers().frames)

    data = join(one)
    head = len(JOIN_MAGIC) + 4 + 8 * len(one)
    first_end = 64 + len(one[0])
    bad("bad-magic", "the joined magic's last byte is changed", _flip_last(data[:8]) + data[8:], "malformed")
    bad("envelope-frame", "a bare envelope frame is not a joined message", one[0], "malformed")
    bad("too-short", "eleven bytes: the magic and part of the count", data[:11], "malformed")
    bad("truncated-table", "the buffer ends inside the length table", data[: head - 4], "frame-mismatch")
    bad(
        "truncated-frame",
        "the buffer ends inside the last frame",
        data[: len(data) - 64 + len(one[-1]) - 1],
        "frame-mismatch",
    )
    bad(
        "missing-last-padding",
        "the padding after the last frame is absent",
        data[: len(data) - 64 + len(one[-1])],
        "frame-mismatch",
    )
    bad("trailing-bytes", "64 zero bytes follow the last frame's padding", data + bytes(64), "frame-mismatch")
    bad(
        "header-padding-nonzero",
        "a byte of the padding after the length table is not zero",
        data[:head] + b"\x01" + data[head + 1 :],
        "frame-mismatch",
    )
    bad(
        "frame-padding-nonzero",
        "a byte of the padding after frame 0 is not zero",
        data[:first_end] + b"\x01" + data[first_end + 1 :],
        "frame-mismatch",
    )
    bad("count-over-limit", "two frames against max_frames 1", data, "limit-exceeded", limits={"max_frames": 1})
    bad("count-huge", "a count of 2^32 - 1 frames", JOIN_MAGIC + b"\xff\xff\xff\xff" + bytes(52), "limit-exceeded")
    bad(
        "length-over-limit",
        "a frame length over max_message_bytes",
        data,
        "limit-exceeded",
        limits={"max_message_bytes": len(one[0]) - 1},
    )
    bad(
        "length-huge",
        "a frame length of 2^64 - 1 bytes",
        JOIN_MAGIC + struct.pack(">IQ", 1, (1 << 64) - 1) + bytes(44),
        "limit-exceeded",
    )
    return cases


# -- verdict.json -------------------------------------------------------------------------------

_CONSUMER = {"matplotlib": "3.10.1", "numpy": "2.2.4", "highest_protocol": 5, "packages": {}}
_PRODUCER = {"matplotlib": "3.10.1", "numpy": "2.2.4"}
_PICKLE = {"protocol": 5, "numpy_private": False}
ABSENT = object()  # a pickle fact the descriptor lacks

#: (id, description, the rule that refuses or None, then changes to the producer, the
#: pickle part's facts (None: no pickle part; "requires": packages beyond matplotlib and
#: numpy) and the consumer above).
# fmt: off
VERDICTS: Tuple[Tuple[str, str, Optional[str], Dict[str, str], Optional[Dict[str, Any]], Dict[str, Any]], ...] = (
    ("same", "producer and consumer have the same versions", None, {}, {}, {}),
    ("no-pickle", "a message without a pickle part", "pickle", {}, None, {}),
    ("protocol-too-new", "a protocol 5 pickle for a consumer that reads up to 4", "protocol", {}, {}, {"highest_protocol": 4}),
    ("protocol-absent", "an absent protocol counts as 5", "protocol", {}, {"protocol": ABSENT}, {"highest_protocol": 4}),
    ("protocol-4", "a protocol 4 pickle for a consumer that reads up to 4", None, {}, {"protocol": 4}, {"highest_protocol": 4}),
    ("first-rule-decides", "protocol and matplotlib both fail; protocol comes first", "protocol", {}, {}, {"highest_protocol": 4, "matplotlib": "3.9.2"}),
    ("matplotlib-minor", "matplotlib 3.10 pickles do not load in 3.9", "matplotlib", {}, {}, {"matplotlib": "3.9.2"}),
    ("matplotlib-newer-minor", "matplotlib 3.10 pickles do not load in 3.11", "matplotlib", {}, {}, {"matplotlib": "3.11.0"}),
    ("matplotlib-newer-patch", "a newer consumer patch release loads", None, {}, {}, {"matplotlib": "3.10.3"}),
    ("matplotlib-older-patch", "an older consumer patch release may lack state a newer one added", "matplotlib", {}, {}, {"matplotlib": "3.10.0"}),
    ("matplotlib-prerelease", "3.10.1rc1 has release 3.10.1, the producer's", None, {}, {}, {"matplotlib": "3.10.1rc1"}),
    ("matplotlib-unparsable", "a matplotlib version that is not PEP 440", "matplotlib", {"matplotlib": "unknown"}, {}, {}),
    ("numpy-public-2-to-1", "no private numpy module: numpy 2 to 1 loads", None, {}, {}, {"numpy": "1.24.4"}),
    ("numpy-private-2-to-1", "private numpy modules, protocol 5: numpy 2 to 1.26 fails", "numpy", {}, {"numpy_private": True}, {"numpy": "1.26.4"}),
    ("numpy-private-absent", "an absent numpy_private counts as true", "numpy", {}, {"numpy_private": ABSENT}, {"numpy": "1.26.4"}),
    ("numpy-private-protocol-4", "private numpy modules, protocol 4: numpy 2 to 1.26 loads", None, {}, {"numpy_private": True, "protocol": 4}, {"numpy": "1.26.4"}),
    ("numpy-private-protocol-4-old", "private numpy modules, protocol 4: numpy 2 to 1.25 fails", "numpy", {}, {"numpy_private": True, "protocol": 4}, {"numpy": "1.25.2"}),
    ("numpy-private-1-to-2", "private numpy modules: numpy 1 to 2 loads", None, {"numpy": "1.26.4"}, {"numpy_private": True}, {}),
    ("numpy-private-unparsable", "private numpy modules and an unparsable numpy version", "numpy", {}, {"numpy_private": True}, {"numpy": "dev"}),
    ("package-absent", "the pickle needs pandas, which is not installed", "packages", {}, {"requires": {"pandas": "2.2.3"}}, {"packages": {"pandas": None}}),
    ("package-minor-sensitive", "pandas must match to the minor version", "packages", {}, {"requires": {"pandas": "2.2.3"}}, {"packages": {"pandas": "2.1.4"}}),
    ("package-same-minor", "pandas of the same minor loads", None, {}, {"requires": {"pandas": "2.2.3"}}, {"packages": {"pandas": "2.2.0"}}),
    ("package-major", "scipy must match to the major version only", None, {}, {"requires": {"scipy": "1.11.4"}}, {"packages": {"scipy": "1.14.1"}}),
    ("package-major-differs", "scipy 1 pickles do not load with scipy 2", "packages", {}, {"requires": {"scipy": "1.11.4"}}, {"packages": {"scipy": "2.0.0"}}),
    ("package-version-unknown", "an installed package with no version passes", None, {}, {"requires": {"seaborn": "0.13.2"}}, {"packages": {"seaborn": ""}}),
    ("package-unadvertised", "nothing known about a package: it passes", None, {}, {"requires": {"cartopy": "0.24.1"}}, {}),
    ("package-shipped-with-matplotlib", "mpl_toolkits is checked with matplotlib, not on its own", None, {}, {"requires": {"mpl_toolkits": ""}}, {"packages": {"mpl_toolkits": None}}),
)
# fmt: on


def verdict_cases() -> Cases:
    cases = Cases()
    for id, description, rule, producer_changes, pickle_changes, consumer_changes in VERDICTS:
        producer = {**_PRODUCER, **producer_changes}
        part = None
        if pickle_changes is not None:
            # requires names the producer's own matplotlib and numpy, as a producer writes it
            requires = {**producer, **pickle_changes.get("requires", {})}
            facts = {**_PICKLE, **{k: v for k, v in pickle_changes.items() if k != "requires"}, "requires": requires}
            part = {k: v for k, v in facts.items() if v is not ABSENT}
        expected: Dict[str, Any] = {"ok": rule is None, **({} if rule is None else {"rule": rule})}
        consumer = {**_CONSUMER, **consumer_changes}
        cases.add(
            {
                "id": id,
                "description": description,
                "spec": "§11",
                "producer": producer,
                "pickle": part,
                "consumer": consumer,
                "expected": expected,
            }
        )
    return cases


# -- negotiate.json -----------------------------------------------------------------------------

#: The advert of a client in the producer's own environment (PRODUCER), as capabilities() writes it.
ADVERT: Dict[str, Any] = {
    "figwire": "0.1.0",
    "formats": ["1.0"],
    "python": "3.12.4",
    "matplotlib": "3.10.1",
    "numpy": "2.2.4",
    "pickle_protocol": 5,
    "accept": ["pickle", PNG_TYPE, SVG_TYPE, PDF_TYPE],
    "pickle": True,
    "codecs": ["zlib", "zstd"],
    "packages": {},
}


class Whole:
    """An advert given whole, not as changes to ADVERT (for one that is not even a map)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def advert(changes: Any) -> Any:
    """ADVERT with ``changes`` (ABSENT removes a field), or the value a ``Whole`` holds."""
    if isinstance(changes, Whole):
        return changes.value
    merged = {**ADVERT, **changes}
    return {k: v for k, v in merged.items() if v is not ABSENT}


NA, NP, PR = "not-accepted", "not-preferred", "protocol"  # the reasons of §12.3
ALL = None  # requested: every part the producer can make
PlanResult = Tuple[List[str], Optional[str], Optional[int], Dict[str, str]]  # parts, codec, protocol, left_out

#: (id, description, section, changes to ADVERT, requested, the producer's codec and protocol,
#: and what the producer plans, or the error code it refuses the advert with).
# fmt: off
PLANS: Tuple[Tuple[str, str, str, Any, Optional[List[str]], Optional[str], int, Any], ...] = (
    ("same-environment", "a client like the producer: the pickle and its favourite fallback, PNG", "§12.3",
     {}, ALL, None, 5, (["pickle", PNG_TYPE], None, 5, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("default-set-requested", "the producer's default set requested explicitly of a 1.2 client: pickle and PNG, the scene left out", "§12.3",
     {}, ["pickle", "scene", PNG_TYPE], None, 5, (["pickle", PNG_TYPE], None, 5, {"scene": NA})),
    ("svg-first", "a client that ranks SVG before PNG gets the pickle and SVG", "§12.3",
     {"accept": ["pickle", SVG_TYPE, PNG_TYPE]}, ALL, None, 5, (["pickle", SVG_TYPE], None, 5, {"scene": NA, PNG_TYPE: NP, PDF_TYPE: NA})),
    ("favourite-among-requested", "the favourite fallback among those requested, not among those accepted", "§12.3",
     {"accept": [SVG_TYPE, PNG_TYPE, "pickle"]}, [PNG_TYPE, PDF_TYPE], None, 5, ([PNG_TYPE], None, None, {PDF_TYPE: NA})),
    ("fallback-not-accepted", "the only requested part is a fallback the client does not accept: nothing is sent", "§12.3",
     {"accept": ["pickle", PNG_TYPE]}, [PDF_TYPE], None, 5, ([], None, None, {PDF_TYPE: NA})),
    ("pickle-false", "a client whose pickle field is false gets no pickle, even though accept lists it", "§12.3",
     {"pickle": False}, ALL, None, 5, ([PNG_TYPE], None, None, {"pickle": NA, "scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("pickle-not-accepted", "a client whose accept does not list pickle gets no pickle", "§12.3",
     {"accept": [PNG_TYPE, SVG_TYPE]}, ALL, None, 5, ([PNG_TYPE], None, None, {"pickle": NA, "scene": NA, SVG_TYPE: NP, PDF_TYPE: NA})),
    ("pickle-listed-last", "where pickle stands in accept does not matter: the pickle part comes first", "§12.3",
     {"accept": [PNG_TYPE, "pickle"]}, ALL, None, 5, (["pickle", PNG_TYPE], None, 5, {"scene": NA, SVG_TYPE: NA, PDF_TYPE: NA})),
    ("pickle-only", "a client that accepts only the pickle gets no fallback", "§12.3",
     {"accept": ["pickle"]}, ALL, None, 5, (["pickle"], None, 5, {"scene": NA, PNG_TYPE: NA, SVG_TYPE: NA, PDF_TYPE: NA})),
    ("nothing-accepted", "a client whose accept is empty gets no part, and every part is left out", "§12.3",
     {"accept": []}, ALL, None, 5, ([], None, None, {"pickle": NA, "scene": NA, PNG_TYPE: NA, SVG_TYPE: NA, PDF_TYPE: NA})),
    ("client-protocol-4", "a client that reads pickle protocols up to 4 gets a protocol 4 pickle", "§12.3",
     {"pickle_protocol": 4}, ALL, None, 5, (["pickle", PNG_TYPE], None, 4, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("client-protocol-3", "a client that reads pickle protocols up to 3 gets no pickle", "§12.3",
     {"pickle_protocol": 3}, ALL, None, 5, ([PNG_TYPE], None, None, {"pickle": PR, "scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("producer-protocol-4", "a producer asked for protocol 4 writes 4 for a client that reads 5", "§12.3",
     {}, ALL, None, 4, (["pickle", PNG_TYPE], None, 4, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("client-protocol-6", "a client that reads a protocol above 5 gets the producer's protocol 5", "§12.3",
     {"pickle_protocol": 6}, ALL, None, 5, (["pickle", PNG_TYPE], None, 5, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("codec-listed", "the producer's codec zstd is used for a client that lists it", "§12.3",
     {}, ALL, "zstd", 5, (["pickle", PNG_TYPE], "zstd", 5, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("codec-lacking", "the producer's codec zstd is dropped for a client that lists only zlib", "§12.3",
     {"codecs": ["zlib"]}, ALL, "zstd", 5, (["pickle", PNG_TYPE], None, 5, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("codecs-absent", "an advert without codecs lists none: even zlib is dropped", "§12.3",
     {"codecs": ABSENT}, ALL, "zlib", 5, (["pickle", PNG_TYPE], None, 5, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("unknown-part-names", "part names the producer does not know are ignored in accept", "§12.2",
     {"accept": ["image/webp", "pickle", "image/avif", SVG_TYPE]}, ALL, None, 5, (["pickle", SVG_TYPE], None, 5, {"scene": NA, PNG_TYPE: NA, PDF_TYPE: NA})),
    ("unknown-part-names-only", "a client that accepts only unknown part names gets no part", "§12.2",
     {"accept": ["image/webp", "text/html"]}, ALL, None, 5, ([], None, None, {"pickle": NA, "scene": NA, PNG_TYPE: NA, SVG_TYPE: NA, PDF_TYPE: NA})),
    ("unknown-codec-names", "codec names the producer does not know are ignored in codecs", "§12.2",
     {"codecs": ["brotli", "zlib"]}, ALL, "zlib", 5, (["pickle", PNG_TYPE], "zlib", 5, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("unknown-fields", "fields the table does not list are ignored, whatever their values", "§12.2",
     {"gpu": "none", "future": [1, {"deep": None}], "pickle_formats": 7}, ALL, None, 5, (["pickle", PNG_TYPE], None, 5, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("empty-advert", "an empty advert: every field absent takes its default, and no codec is used", "§12.2",
     Whole({}), ALL, "zlib", 5, (["pickle", "scene", PNG_TYPE], None, 5, {SVG_TYPE: NP, PDF_TYPE: NP})),
    ("packages-nil", "a package listed with nil is a valid advert", "§12.2",
     {"packages": {"pandas": None, "scipy": "1.14.1", "seaborn": ""}}, ALL, None, 5, (["pickle", PNG_TYPE], None, 5, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("formats-later-minor-and-major", "a client that reads 1.7 and 2.1 reads the producer's 1.0", "§12.2",
     {"formats": ["2.1", "1.7"]}, ALL, None, 5, (["pickle", PNG_TYPE], None, 5, {"scene": NA, SVG_TYPE: NP, PDF_TYPE: NP})),
    ("scene-accepted", "a client that accepts the scene gets it after the pickle (pack drops it again when the pickle loads: §12.4)", "§12.3",
     {"accept": ["pickle", "scene", PNG_TYPE]}, ALL, None, 5, (["pickle", "scene", PNG_TYPE], None, 5, {SVG_TYPE: NA, PDF_TYPE: NA})),
    ("scene-without-pickles", "a client that loads no pickles and accepts the scene: live by scene, and its image", "§12.3",
     {"accept": ["scene", "pickle", PNG_TYPE], "pickle": False}, ALL, None, 5, (["scene", PNG_TYPE], None, None, {"pickle": NA, SVG_TYPE: NA, PDF_TYPE: NA})),
    ("scene-requested-not-accepted", "the scene requested of a client that does not list it: left out", "§12.3",
     {}, ["scene", PNG_TYPE], None, 5, ([PNG_TYPE], None, None, {"scene": NA})),
    ("formats-major-2-only", "a client that reads only major version 2", "§12.2", {"formats": ["2.0"]}, ALL, None, 5, "unsupported-version"),
    ("formats-empty", "a client that reads no format version", "§12.2", {"formats": []}, ALL, None, 5, "unsupported-version"),
    ("formats-major-2-bad-fields", "major 2 only, with other fields of the wrong type for 1.x: formats is read first", "§12.2",
     {"formats": ["2.0"], "accept": "everything", "pickle": "yes"}, ALL, None, 5, "unsupported-version"),
    ("format-not-a-version", "a formats entry that is not major.minor", "§12.2", {"formats": ["1"]}, ALL, None, 5, "invalid-argument"),
    ("not-a-map", "an advert that is an array, not a map", "§12.2", Whole(["pickle", PNG_TYPE]), ALL, None, 5, "invalid-argument"),
    ("figwire-not-str", "figwire is an int", "§12.2", {"figwire": 1}, ALL, None, 5, "invalid-argument"),
    ("formats-not-array", "formats is a str, not an array of str", "§12.2", {"formats": "1.0"}, ALL, None, 5, "invalid-argument"),
    ("python-not-str", "python is a number", "§12.2", {"python": 3.12}, ALL, None, 5, "invalid-argument"),
    ("matplotlib-not-str", "matplotlib is an array of numbers", "§12.2", {"matplotlib": [3, 10, 1]}, ALL, None, 5, "invalid-argument"),
    ("numpy-not-str", "numpy is an int", "§12.2", {"numpy": 2}, ALL, None, 5, "invalid-argument"),
    ("pickle-protocol-not-int", "pickle_protocol is a str", "§12.2", {"pickle_protocol": "5"}, ALL, None, 5, "invalid-argument"),
    ("pickle-protocol-bool", "pickle_protocol is true: a bool is not an int", "§12.2", {"pickle_protocol": True}, ALL, None, 5, "invalid-argument"),
    ("pickle-protocol-negative", "pickle_protocol is -1", "§12.2", {"pickle_protocol": -1}, ALL, None, 5, "invalid-argument"),
    ("pickle-protocol-nil", "pickle_protocol is nil, which is not read as absent", "§12.2", {"pickle_protocol": None}, ALL, None, 5, "invalid-argument"),
    ("accept-not-array", "accept is a str, not an array of str", "§12.2", {"accept": PNG_TYPE}, ALL, None, 5, "invalid-argument"),
    ("accept-entry-not-str", "an entry of accept is an int", "§12.2", {"accept": ["pickle", 7]}, ALL, None, 5, "invalid-argument"),
    ("pickle-not-bool", "pickle is the str false, not the bool", "§12.2", {"pickle": "false"}, ALL, None, 5, "invalid-argument"),
    ("codecs-not-array", "codecs is a map", "§12.2", {"codecs": {"zlib": True}}, ALL, None, 5, "invalid-argument"),
    ("packages-not-map", "packages is an array of names", "§12.2", {"packages": ["pandas"]}, ALL, None, 5, "invalid-argument"),
    ("packages-value-not-str", "a version in packages is a number", "§12.2", {"packages": {"pandas": 2.2}}, ALL, None, 5, "invalid-argument"),
    ("max-message-bytes-not-int", "max_message_bytes is a float", "§12.2", {"max_message_bytes": 1e6}, ALL, None, 5, "invalid-argument"),
    ("max-message-bytes-negative", "max_message_bytes is -1", "§12.2", {"max_message_bytes": -1}, ALL, None, 5, "invalid-argument"),
    ("max-message-bytes-nil", "max_message_bytes is nil, which is not read as absent", "§12.2", {"max_message_bytes": None}, ALL, None, 5, "invalid-argument"),
)

#: (id, description, what the producer does: (True, protocol sent) or (False, refusing rule),
#: changes to ADVERT, changes to the pickle's facts ("requires": packages beyond matplotlib and numpy)).
DECISIONS: Tuple[Tuple[str, str, Tuple[bool, Any], Dict[str, Any], Dict[str, Any]], ...] = (
    ("pickle-same-environment", "the pickle of a client like the producer is sent", (True, 5), {}, {}),
    ("pickle-other-matplotlib-minor", "a client with matplotlib 3.9 gets no 3.10 pickle", (False, "matplotlib"), {"matplotlib": "3.9.4"}, {}),
    ("pickle-older-matplotlib-patch", "a client on an older patch of the same minor gets no pickle", (False, "matplotlib"), {"matplotlib": "3.10.0"}, {}),
    ("pickle-matplotlib-unadvertised", "an advert without matplotlib gets no pickle", (False, "matplotlib"), {"matplotlib": ABSENT}, {}),
    ("pickle-numpy-1-public", "a numpy 1 client gets a pickle that names no private numpy module", (True, 5), {"numpy": "1.26.4"}, {}),
    ("pickle-numpy-1-private-retried", "numpy 1.26, private numpy modules: the protocol 5 pickle is refused, its protocol 4 remake is sent",
     (True, 4), {"numpy": "1.26.4"}, {"numpy_private": True}),
    ("pickle-numpy-1-private-protocol-4", "numpy 1.26, private numpy modules, a protocol 4 pickle: sent as it is",
     (True, 4), {"numpy": "1.26.4"}, {"numpy_private": True, "protocol": 4}),
    ("pickle-numpy-1-25-private", "numpy 1.25, private numpy modules: protocol 4 does not help, no pickle",
     (False, "numpy"), {"numpy": "1.25.2"}, {"numpy_private": True}),
    ("pickle-numpy-unadvertised-private", "an advert without numpy gets no pickle naming private numpy modules",
     (False, "numpy"), {"numpy": ABSENT}, {"numpy_private": True}),
    ("pickle-numpy-unadvertised-public", "an advert without numpy gets a pickle naming no private numpy module", (True, 5), {"numpy": ABSENT}, {}),
    ("pickle-client-protocol-4", "a protocol 5 pickle for a client that reads up to 4 is made again with protocol 4",
     (True, 4), {"pickle_protocol": 4}, {}),
    ("pickle-retry-cannot-help", "matplotlib differs and numpy is private: the rule of the protocol 4 remake is matplotlib",
     (False, "matplotlib"), {"matplotlib": "3.9.4", "numpy": "1.26.4"}, {"numpy_private": True}),
    ("pickle-package-advertised-absent", "the pickle needs pandas, which the client lists with nil: no pickle",
     (False, "packages"), {"packages": {"pandas": None}}, {"requires": {"pandas": "2.2.3"}}),
    ("pickle-package-other-minor", "the pickle needs pandas 2.2, the client has 2.1: no pickle",
     (False, "packages"), {"packages": {"pandas": "2.1.4"}}, {"requires": {"pandas": "2.2.3"}}),
    ("pickle-package-same-minor", "the pickle needs pandas 2.2, the client has 2.2.0", (True, 5), {"packages": {"pandas": "2.2.0"}}, {"requires": {"pandas": "2.2.3"}}),
    ("pickle-package-not-advertised", "the pickle needs cartopy, which the advert does not name: it is sent",
     (True, 5), {"packages": {"pandas": "2.2.0"}}, {"requires": {"cartopy": "0.24.1"}}),
    ("pickle-package-without-version", "the pickle needs seaborn, which the client has without a version", (True, 5), {"packages": {"seaborn": ""}}, {"requires": {"seaborn": "0.13.2"}}),
)
# fmt: on


def _plan_expected(result: Any) -> Dict[str, Any]:
    if isinstance(result, str):
        return {"error": result}
    parts, codec, protocol, left_out = result
    return {"expected": {"parts": parts, "codec": codec, "protocol": protocol, "left_out": left_out}}


def _strip_case(
    cases: Cases, id: str, description: str, msg: Message, keep: Sequence[str], *, wire: Optional[Any] = None
) -> None:
    """A forwarder keeping ``keep``; expected from the message's own part table (§12.7)."""
    frames = list(msg.frames) if wire is None else with_envelope(msg, wire)
    wire = msg.wire if wire is None else wire
    missing = dict(wire.get("missing", {}))
    sources: List[int] = []
    parts = []

    def name(p: Mapping[str, Any]) -> str:
        return p["role"] if p["role"] in (Role.PICKLE.value, Role.SCENE.value) else p["type"]

    kept = [dict(p) for p in wire["parts"] if name(p) in keep]
    missing.update((name(p), "removed by a forwarder") for p in wire["parts"] if name(p) not in keep)
    for part in kept:  # §5.6: a part whose lender is removed takes what it borrows
        lenders = [next(q for q in wire["parts"] if i in q["frames"]) for i in part.get("borrows", ())]
        if any(name(q) not in keep for q in lenders):
            at = [q["frames"].index(i) for i, q in zip(part["borrows"], lenders)]
            part["sizes"] = [*part["sizes"], *(q["sizes"][k] for q, k in zip(lenders, at))]
            if "digests" in part:
                part["digests"] = [*part["digests"], *(q["digests"][k] for q, k in zip(lenders, at))]
            part["frames"] = [*part["frames"], *part.pop("borrows")]
    moved: Dict[int, int] = {}
    starts = []
    for p in kept:
        starts.append(len(sources) + 1)
        for i in p["frames"]:
            moved.setdefault(i, len(sources) + 1)
            sources.append(i)
    for p, start in zip(kept, starts):
        part = {**_known(p, "part"), "frames": list(range(start, start + len(p["frames"])))}
        if "borrows" in part:
            part["borrows"] = [moved[i] for i in part["borrows"]]
        if not part.get("requires", True):
            del part["requires"]
        parts.append(part)
    expected: Dict[str, Any] = {"frames": sources, "parts": parts, **({"missing": missing} if missing else {})}
    cases.add(
        {
            "id": id,
            "description": description,
            "spec": "§12.7",
            "frames": [b64(f) for f in frames],
            "keep": list(keep),
            "expected": expected,
        }
    )


def negotiate_cases() -> Cases:
    cases = Cases()
    for id, description, section, changes, requested, codec, protocol, result in PLANS:
        cases.add(
            {
                "id": id,
                "description": description,
                "spec": section,
                "advert": advert(changes),
                "requested": requested,
                "codec": codec,
                "protocol": protocol,
                **_plan_expected(result),
            }
        )
    for id, description, (send, detail), advert_changes, pickle_changes in DECISIONS:
        requires = {**_PRODUCER, **pickle_changes.get("requires", {})}
        facts = {**_PICKLE, **{k: v for k, v in pickle_changes.items() if k != "requires"}, "requires": requires}
        expected = {"send": send, ("protocol" if send else "rule"): detail}
        cases.add(
            {
                "id": id,
                "description": description,
                "spec": "§12.4",
                "advert": advert(advert_changes),
                "producer": dict(_PRODUCER),
                "pickle": facts,
                "expected": expected,
            }
        )

    three = build(
        [pickle_part(PICKLE_TWO_BUFFERS, [BUFFER_A, BUFFER_B]), fallback(PNG_TYPE, PNG), fallback(SVG_TYPE, SVG)]
    )
    _strip_case(
        cases, "strip-keep-png", "a forwarder keeps only the PNG of a pickle, PNG and SVG message", three, [PNG_TYPE]
    )
    _strip_case(
        cases,
        "strip-keep-pickle",
        "a forwarder keeps only the pickle and its two out-of-band buffers",
        three,
        ["pickle"],
    )
    _strip_case(
        cases,
        "strip-keep-all",
        "a forwarder that keeps every part changes no part and adds nothing to missing",
        three,
        ["pickle", PNG_TYPE, SVG_TYPE],
    )
    _strip_case(cases, "strip-keep-none", "a forwarder that keeps no part sends the envelope alone", three, [])
    coded = build(
        [pickle_part(), coded_fallback(SVG_TYPE, Blob(DEFLATE_ZLIB, DEFLATE_RAW), codec="zlib", digest="sha256")],
        missing={PDF_TYPE: "rendering failed: RuntimeError: no PDF backend"},
    )
    _strip_case(
        cases,
        "strip-keeps-codec-and-digests",
        "a kept compressed SVG keeps its codec, sizes and digests; missing keeps its entry and gains the pickle",
        coded,
        [SVG_TYPE, PDF_TYPE],
    )
    _strip_case(
        cases,
        "strip-scene-takes-borrowed",
        "removing the pickle a scene borrows from gives the scene those frames as its own, in borrows order",
        borrowing("sha256"),
        ["scene", PNG_TYPE],
    )
    _strip_case(
        cases,
        "strip-renumbers-borrows",
        "removing a PNG before the pickle renumbers the scene's borrows with the pickle's frames",
        borrowing(png_first=True),
        ["pickle", "scene"],
    )
    future = build([pickle_part(), fallback(PNG_TYPE, PNG)], extra_frames=[b"a frame no part names"])
    wire = future.wire
    wire["figwire"] = "1.7"
    wire["trace"] = {"span": "a1b2"}
    wire["parts"][1]["colorspace"] = "sRGB"
    _strip_case(
        cases,
        "strip-later-minor",
        "a 1.7 message with unknown fields and a frame no part names; the unknown fields may be dropped",
        future,
        [PNG_TYPE],
        wire=wire,
    )
    return cases


# -- auth.json ------------------------------------------------------------------------------

#: The published test key of §13.5's vectors. Never use it for anything else.
TEST_KEY = b"figwire 1.1 test key: public, never use it"
OTHER_KEY = b"another figwire key, also public only"


def mac_input(frames: Sequence[bytes], alg: str) -> bytes:
    """§13.5's byte string, written out here from the spec (not from figwire's code)."""
    name = alg.encode("ascii")
    out = AUTH_MAGIC + bytes([len(name)]) + name + struct.pack(">Q", len(frames))
    for frame in frames:
        out += struct.pack(">Q", len(frame)) + frame
    return out


def mac(alg: str, key: bytes, data: bytes) -> bytes:
    if alg == "hmac-sha256":
        return hmac.new(key, data, "sha256").digest()
    if alg == "hmac-sha512":
        return hmac.new(key, data, "sha512").digest()
    if alg == "blake3":
        import blake3  # the test extra installs it

        return blake3.blake3(data, key=blake3.blake3(key, derive_key_context=BLAKE3_KEY_CONTEXT).digest()).digest()
    raise ValueError(alg)


def signed(msg: Message, alg: str = "hmac-sha256", key: bytes = TEST_KEY, key_id: Optional[str] = None) -> List[bytes]:
    """``msg`` with ``auth`` in its envelope and the tag frame appended."""
    wire = msg.wire
    wire["auth"] = {"alg": alg, "frame": len(msg.frames), **({"key_id": key_id} if key_id is not None else {})}
    frames = [envelope(wire), *msg.frames[1:]]
    name = alg.encode("ascii")
    return [*frames, AUTH_MAGIC + bytes([len(name)]) + name + mac(alg, key, mac_input(frames, alg))]


def _flip(data: bytes, index: int, bit: int = 0) -> bytes:
    out = bytearray(data)
    out[index] ^= 1 << bit
    return bytes(out)


def auth_cases() -> Cases:
    cases = Cases()
    base = with_buffers()

    def ok(id: str, description: str, frames: Sequence[bytes], alg: str, key: bytes = TEST_KEY) -> None:
        cases.add(
            {
                "id": id,
                "description": description,
                "spec": "§13.5",
                "key": b64(key),
                "frames": [b64(f) for f in frames],
                "expected": {
                    "signed": True,
                    "alg": alg,
                    "mac_input": b64(mac_input(frames[:-1], alg)),
                    "tag": b64(mac(alg, key, mac_input(frames[:-1], alg))),
                },
            }
        )

    def refused(
        id: str,
        description: str,
        frames: Sequence[bytes],
        key: bytes = TEST_KEY,
        error: str = "auth-failed",
        **extra: Any,
    ) -> None:
        cases.add(
            {
                "id": id,
                "description": description,
                "spec": extra.pop("spec", "§13.5"),
                "key": b64(key),
                **extra,
                "frames": [b64(f) for f in frames],
                "error": error,
            }
        )

    good = signed(base)
    ok("hmac-sha256", "the default algorithm over a pickle with two out-of-band buffers and a PNG", good, "hmac-sha256")
    ok(
        "hmac-sha256-minimal",
        "the smallest signed message: an envelope, a pickle frame, the tag",
        signed(minimal()),
        "hmac-sha256",
    )
    ok("hmac-sha512", "HMAC-SHA-512, a 64-byte tag", signed(base, "hmac-sha512"), "hmac-sha512")
    ok("blake3", "keyed BLAKE3, its key derived from the shared key", signed(base, "blake3"), "blake3")
    ok(
        "key-id",
        "a key_id names the key; it is covered like the rest of the envelope",
        signed(base, key_id="kernel-7f3a"),
        "hmac-sha256",
    )
    empty = build([pickle_part(PICKLE_TWO_BUFFERS, [BUFFER_A, b""])])
    ok(
        "empty-frame",
        "an empty out-of-band buffer: its zero length is bound in all the same",
        signed(empty),
        "hmac-sha256",
    )
    cases.add(
        {
            "id": "unsigned",
            "description": "no tag and no auth field: unsigned, its images usable and its pickle not loaded",
            "spec": "§13.1",
            "key": b64(TEST_KEY),
            "frames": [b64(f) for f in base.frames],
            "expected": {"signed": False},
        }
    )

    refused("wrong-key", "signed with the test key, verified with another key", good, key=OTHER_KEY)
    for k, what in enumerate(
        ("the envelope", "the pickle frame", "out-of-band buffer 0", "out-of-band buffer 1", "the PNG frame")
    ):
        for where, index in (("first", 0), ("last", -1)):
            frames = list(good)
            frames[k] = _flip(frames[k], index if index >= 0 else len(frames[k]) - 1)
            refused(f"flip-{where}-byte-frame-{k}", f"one bit flipped in the {where} byte of {what}", frames)
    tag = good[-1]
    for id, index, what in (
        ("magic", 1, "the tag frame's magic"),
        ("alg-length", 4, "the algorithm name's length"),
        ("alg", 6, "the algorithm name"),
        ("tag", len(tag) - 1, "the tag itself"),
    ):
        refused(f"flip-{id}", f"one bit flipped in {what}", [*good[:-1], _flip(tag, index)])
    refused("tag-truncated", "the tag frame lost its last byte", [*good[:-1], tag[:-1]])
    refused("tag-extended", "a byte appended to the tag frame", [*good[:-1], tag + b"\x00"])
    refused("tag-dropped", "the tag frame removed: the envelope still declares auth", good[:-1])
    refused("frame-dropped", "the last out-of-band buffer removed, the tag kept", [*good[:3], *good[4:]])
    refused("frame-truncated", "an out-of-band buffer lost its last byte", [*good[:2], good[2][:-1], *good[3:]])
    refused("frames-swapped", "the two out-of-band buffers swapped", [good[0], good[1], good[3], good[2], *good[4:]])
    refused("frame-duplicated", "an out-of-band buffer sent twice, before the tag", [*good[:3], good[2], *good[3:]])
    refused("tag-and-envelope-swapped", "the tag frame first and the envelope last", [good[-1], *good[1:-1], good[0]])
    refused("frame-appended", "a frame appended after the tag: the tag is no longer last", [*good, b"appended"])
    shifted = [good[0], good[1], good[2] + good[3][:1], good[3][1:], *good[4:]]
    refused(
        "boundary-moved", "one byte moved from buffer 1 to the end of buffer 0: the same bytes, other lengths", shifted
    )
    other = signed(build([pickle_part(PICKLE_TWO_BUFFERS, [BUFFER_B, BUFFER_A]), fallback(PNG_TYPE, PNG)]))
    refused("spliced", "frames of two messages signed with the same key, spliced", [*good[:2], other[2], *good[3:]])
    refused("tag-of-another-message", "a valid tag of another message under the same key", [*good[:-1], other[-1]])
    name = b"hmac-md5"
    refused(
        "unknown-algorithm",
        "the tag frame names an algorithm the format does not define",
        signed_with(base, "hmac-md5", AUTH_MAGIC + bytes([len(name)]) + name + bytes(16)),
    )
    refused(
        "tag-missing", "the envelope declares auth, but the last frame is a PNG", signed_with(base, "hmac-sha256", None)
    )
    refused(
        "oversized-before-mac",
        "frames over max_message_bytes are refused before any hashing",
        good,
        error="limit-exceeded",
        limits={"max_message_bytes": 1024},
        spec="§10",
    )
    return cases


def signed_with(msg: Message, alg: str, tag_frame: Optional[bytes]) -> List[bytes]:
    """``msg`` with ``auth`` naming ``alg`` and the given tag frame (none: not appended)."""
    wire = msg.wire
    wire["auth"] = {"alg": alg, "frame": len(msg.frames) if tag_frame is not None else len(msg.frames) - 1}
    frames = [envelope(wire), *msg.frames[1:]]
    return frames if tag_frame is None else [*frames, tag_frame]


# -- control.json -----------------------------------------------------------------------------

CONTROL_MAGIC = b"\x89FGC"


def control(wire: Mapping[str, Any], key: Optional[bytes] = TEST_KEY, alg: str = "hmac-sha256") -> List[bytes]:
    """A control message (§15.2): the frame, and with ``key`` the tag frame of §13.5."""
    wire = dict(wire)
    if key is not None:
        wire["auth"] = {"alg": alg, "frame": 1}
    frames = [CONTROL_MAGIC + pack(wire)]
    if key is not None:
        name = alg.encode("ascii")
        frames.append(AUTH_MAGIC + bytes([len(name)]) + name + mac(alg, key, mac_input(frames, alg)))
    return frames


def control_cases() -> Cases:
    cases = Cases()
    common = {"figwire": "1.2", "id": "req-0001", "created": 1767225600.0}
    request = {
        **common,
        "type": "request",
        "message_id": "1f0e2d3c4b5a69788796a5b4c3d2e1f0",
        "accept": {"formats": ["1.2"], "accept": ["pickle", "image/png"]},
    }
    status = {
        **common,
        "id": "st-0001",
        "type": "status",
        "reply_to": "req-0001",
        "code": "not-found",
        "message": "no such figure",
    }

    def case(id: str, description: str, frames: Sequence[bytes], key: Optional[bytes], outcome: Dict[str, Any]) -> None:
        """One control case; ``outcome`` is ``expected`` or ``error``."""
        cases.add(
            {
                "id": id,
                "description": description,
                "spec": "§15.2",
                "key": None if key is None else b64(key),
                "frames": [b64(f) for f in frames],
                **outcome,
            }
        )

    def ok(
        id: str, description: str, frames: Sequence[bytes], expected: Mapping[str, Any], key: Optional[bytes] = TEST_KEY
    ) -> None:
        case(id, description, frames, key, {"expected": dict(expected)})

    def refused(
        id: str, description: str, frames: Sequence[bytes], error: str, key: Optional[bytes] = TEST_KEY
    ) -> None:
        case(id, description, frames, key, {"error": error})

    def read(wire: Mapping[str, Any], signed: bool) -> Dict[str, Any]:
        fields = ("type", "id", "created", "accept", "message_id", "label", "reply_to", "code", "message")
        return {**{k: wire[k] for k in fields if k in wire}, "signed": signed}

    good = control(request)
    ok("request-signed", "a signed request for a message again, packed for an advert", good, read(request, True))
    label = {**common, "type": "request", "label": "sales"}
    ok(
        "request-unsigned",
        "an unsigned request by label, read without a key",
        control(label, None),
        read(label, False),
        key=None,
    )
    ok(
        "request-latest",
        "a request with neither id nor label: the latest figure",
        control({**common, "type": "request"}),
        read({**common, "type": "request"}, True),
    )
    ok("status-signed", "a status answering a request: not-found", control(status), read(status, True))
    ok(
        "unknown-field",
        "a field this version does not define is ignored",
        control({**request, "x-future": [1, 2]}),
        read(request, True),
    )
    ok("blake3", "signed with keyed BLAKE3", control(request, alg="blake3"), read(request, True))
    flipped = bytearray(good[0])
    flipped[-1] ^= 1
    refused("flipped", "one bit flipped in the control frame", [bytes(flipped), good[1]], "auth-failed")
    refused("wrong-key", "signed with another key", good, "auth-failed", key=OTHER_KEY)
    refused("tag-dropped", "the map declares auth but the tag frame is gone", good[:1], "auth-failed")
    refused("three-frames", "a control message has one frame and maybe a tag", [*good, b"more"], "malformed")
    refused("second-not-a-tag", "the second frame is not a tag frame", [good[0], b"not a tag"], "malformed", key=None)
    refused("unknown-type", "a type this version does not know", control({**common, "type": "subscribe"}), "malformed")
    refused(
        "no-id",
        "the required id is missing",
        control({"figwire": "1.2", "created": 1.0, "type": "request"}),
        "malformed",
    )
    refused(
        "status-no-code",
        "a status without its code",
        control({k: v for k, v in status.items() if k != "code"}),
        "malformed",
    )
    refused("wrong-type", "message_id is not a str", control({**request, "message_id": 7}), "malformed")
    refused(
        "major-2",
        "a major version this decoder does not read",
        control({**request, "figwire": "2.0"}),
        "unsupported-version",
    )
    refused(
        "figure-magic",
        "a figure message's magic is not a control message",
        [ENVELOPE_MAGIC + pack(request)],
        "malformed",
        key=None,
    )
    return cases


# -- scene.json ---------------------------------------------------------------------------------
# Scene documents (§16) written by hand with this file's own msgpack writer: a decoder
# that rebuilds them must get the expected figure (axes, limits, artist counts, colours);
# one that refuses must say the code.


def arr(dtype: str, shape: Sequence[int], data: bytes, frame: Optional[int] = None) -> Dict[str, Any]:
    ref: Dict[str, Any] = {"@array": dtype, "shape": list(shape)}
    if frame is None:
        ref["data"] = data
    else:
        ref["frame"] = frame
    return ref


def f8(*values: float, order: str = "<") -> bytes:
    return struct.pack(f"{order}{len(values)}d", *values)


def scene_doc(axes: Sequence[Dict[str, Any]] = (), **figure: Any) -> Dict[str, Any]:
    return {"scene": "1.0", "figure": {"size_inches": [4.0, 3.0], "dpi": 50.0, **figure, "axes": list(axes)}}


def axes_of(*artists: Dict[str, Any], **fields: Any) -> Dict[str, Any]:
    return {
        "position": [0.125, 0.11, 0.775, 0.77],
        "xlim": [0.0, 10.0],
        "ylim": [-1.0, 1.0],
        **fields,
        "artists": list(artists),
    }


RED, BLUE = [1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]
LINE = {"type": "line", "xy": arr("<f8", (3, 2), f8(0, 0, 5, 1, 10, -1)), "color": RED, "linewidth": 2.0}


def scene_case(
    cases: Cases,
    id: str,
    description: str,
    doc: Any,
    *arrays: bytes,
    expected: Any = None,
    error: Optional[str] = None,
    scene_limits: Optional[Dict[str, int]] = None,
    spec: str = "§16.4",
) -> None:
    case: Dict[str, Any] = {
        "id": id,
        "description": description,
        "spec": spec,
        "frames": [b64(pack(doc)), *(b64(a) for a in arrays)],
    }
    if scene_limits:
        case["scene_limits"] = scene_limits
    case.update({"expected": expected} if error is None else {"error": error})
    cases.add(case)


def scene_expect(
    axes: Sequence[Tuple[List[float], List[float], Dict[str, int]]], skipped: int = 0, **extra: Any
) -> Dict[str, Any]:
    out = {"axes": [{"xlim": x, "ylim": y, "artists": counts} for x, y, counts in axes], "skipped": skipped}
    out.update(extra)
    return out


def _xyz(*points: Tuple[float, float, float]) -> Dict[str, Any]:
    return arr("<f8", (len(points), 3), f8(*(v for p in points for v in p)))


def _lengths(*counts: int) -> Dict[str, Any]:
    return arr("<i8", (len(counts),), struct.pack(f"<{len(counts)}q", *counts))


def axes_3d(*artists: Dict[str, Any], **fields: Any) -> Dict[str, Any]:
    """A 3D axes (scene 1.3) holding ``artists``."""
    return axes_of(
        *artists,
        projection="3d",
        zlim=[0.0, 1.0],
        view3d={"elev": 30.0, "azim": -60.0, "box_aspect": [1.0, 1.0, 0.75], "zoom": 1.0, "grid": True},
        **{"xlim": [0.0, 1.0], "ylim": [0.0, 1.0], **fields},
    )


def scene_3d_cases(cases: Cases) -> None:
    """Scene 1.3's 3D axes and nodes (§16.2, §16.4)."""
    ok, bad = scene_case, scene_case
    square = _xyz((0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (0, 0, 0))
    nodes = [
        {"type": "line3d", "xyz": _xyz((0, 0, 0), (0.5, 0.5, 1), (1, 1, 0)), "color": RED},
        {
            "type": "polys3d",
            "polygons": {
                "vertices": _xyz((0, 0, 0), (1, 0, 0), (0, 1, 1), (1, 1, 0), (1, 0, 1), (0, 1, 0)),
                "lengths": _lengths(3, 3),
            },
            "facecolors": arr("|u1", (2, 4), bytes([255, 0, 0, 255, 0, 0, 255, 128])),
            "zsort": "average",
        },
        {
            "type": "lines3d",
            "segments": {"vertices": _xyz((0, 0, 1), (1, 1, 1), (1, 0, 0), (0, 1, 0)), "lengths": _lengths(2, 2)},
            "edgecolors": arr("<f8", (1, 4), f8(*BLUE)),
        },
        {
            "type": "points3d",
            "xyz": _xyz((0.2, 0.2, 0.2), (0.5, 0.5, 0.5), (0.8, 0.8, 0.8)),
            "paths": {"vertices": arr("<f8", (4, 2), f8(-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5))},
            "sizes": arr("<f8", (1,), f8(36.0)),
            "facecolors": arr("<f8", (1, 4), f8(*BLUE)),
            "edges_as_faces": True,
            "depthshade": True,
        },
        {"type": "patch3d", "path": {"vertices": square}, "facecolor": BLUE, "edgecolor": RED},
        {"type": "text3d", "text": "along x", "xyz": [0.5, 0.5, 0.5], "zdir": [1.0, 0.0, 0.0]},
    ]
    counts = {node["type"]: 1 for node in nodes}
    three_d = scene_doc([axes_3d(*nodes)])
    three_d["scene"] = "1.3"
    ok(
        cases,
        "axes-3d",
        "a 3D axes with its camera and one node of each 3D type, in data coordinates",
        three_d,
        expected=scene_expect([([0.0, 1.0], [0.0, 1.0], counts)]),
        spec="§16.4",
    )
    flat = scene_doc([axes_of(nodes[0])])
    flat["scene"] = "1.3"
    bad(cases, "3d-node-in-2d-axes", "a line3d node in a rectilinear axes", flat, error="malformed", spec="§16.2")
    loose = scene_doc(artists=[nodes[5]])
    loose["scene"] = "1.3"
    bad(cases, "3d-node-at-figure-level", "a text3d node among the figure's artists", loose, error="malformed", spec="§16.2")
    twinned = scene_doc([axes_3d(), axes_3d(twin={"of": 0, "shared": "x"})])
    twinned["scene"] = "1.3"
    bad(cases, "3d-axes-twinned", "a 3D axes that says it is a twin", twinned, error="malformed", spec="§16.2")
    bad(
        cases,
        "3d-polygons-too-many",
        "a polys3d node of 2 polygons where max_paths is 1: each path is an object built",
        three_d,
        error="limit-exceeded",
        scene_limits={"max_paths": 1},
        spec="§16.5",
    )
    short = copy.deepcopy(three_d)
    short["figure"]["axes"][0]["artists"][1]["polygons"]["lengths"] = _lengths(3, 2)
    bad(cases, "3d-polygon-lengths", "polygons whose lengths do not sum to their vertices", short, error="malformed")


def scene_cases() -> Cases:
    cases = Cases()
    ok, bad = scene_case, scene_case
    ok(cases, "empty-figure", "a figure with no axes", scene_doc(), expected=scene_expect([]), spec="§16.4")
    ok(
        cases,
        "one-axes",
        "one axes with its limits and no artists",
        scene_doc([axes_of()]),
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {})]),
    )
    ok(
        cases,
        "line-inline",
        "a red line, its points inline",
        scene_doc([axes_of(LINE)]),
        expected=scene_expect(
            [([0.0, 10.0], [-1.0, 1.0], {"line": 1})], first_line={"color": RED, "xy": [[0, 0], [5, 1], [10, -1]]}
        ),
    )
    big = f8(*[float(v) for i in range(1024) for v in (i, (i % 7) / 7)], order=">")
    ok(
        cases,
        "line-out-of-band",
        "a line whose 1024 big-endian points travel as the part's second frame",
        scene_doc(
            [
                axes_of(
                    {"type": "line", "xy": arr(">f8", (1024, 2), b"", frame=1), "color": BLUE},
                    xlim=[0.0, 1023.0],
                    ylim=[0.0, 1.0],
                )
            ]
        ),
        big,
        expected=scene_expect([([0.0, 1023.0], [0.0, 1.0], {"line": 1})], first_line={"color": BLUE, "xy_len": 1024}),
        spec="§16.3",
    )
    image = {
        "type": "image",
        "pixels": arr("<f8", (2, 2), f8(0, 1, 2, 3)),
        "extent": [0.0, 10.0, -1.0, 1.0],
        "lut": arr("|u1", (2, 4), bytes([0, 0, 0, 255, 255, 255, 255, 255])),
        "norm": {"kind": "linear", "vmin": 0.0, "vmax": 3.0},
    }
    ok(
        cases,
        "image-lut-norm",
        "a colour-mapped image: values, a two-colour table and a linear norm",
        scene_doc([axes_of(image)]),
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {"image": 1})]),
    )
    text = {
        "type": "text",
        "text": "hello",
        "xy": [0.5, 0.5],
        "space": "axes",
        "color": BLUE,
        "fontsize": 12.0,
        "family": ["DejaVu Sans"],
    }
    ok(
        cases,
        "text-axes-space",
        "a text anchored in axes fraction",
        scene_doc([axes_of(text)]),
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {"text": 1})]),
        spec="§16.2",
    )
    twin = axes_of(LINE, sharex=0, ylim=[0.0, 100.0])
    ok(
        cases,
        "twin-shares-x",
        "a second axes sharing the first one's x view",
        scene_doc([axes_of(), twin]),
        expected=scene_expect(
            [([0.0, 10.0], [-1.0, 1.0], {}), ([0.0, 10.0], [0.0, 100.0], {"line": 1})], shared_x=[[0, 1]]
        ),
    )
    optional = {"type": "hologram", "optional": True, "depth": 3}
    ok(
        cases,
        "unknown-optional-node",
        "an unknown node marked optional is left out and reported",
        scene_doc([axes_of(LINE, optional)]),
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {"line": 1})], skipped=1),
        spec="§16.7",
    )
    later = scene_doc([axes_of(dict(LINE, glow=7))], hologram={"any": [1, 2]})
    later["scene"] = "1.7"
    ok(
        cases,
        "later-minor-unknown-fields",
        "a later scene minor with fields this version does not list: ignored",
        later,
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {"line": 1})]),
        spec="§16.8",
    )
    ok(
        cases,
        "producer-skipped",
        "what the producer could not carry reaches the consumer's report",
        dict(
            scene_doc([axes_of()]), skipped=[{"node": "axes[0].artists[3]", "reason": "path effects are not carried"}]
        ),
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {})], skipped=1),
        spec="§16.6",
    )

    major2 = scene_doc([axes_of()])
    major2["scene"] = "2.0"
    bad(
        cases,
        "scene-major-2",
        "a scene major this consumer does not read",
        major2,
        error="unsupported-version",
        spec="§16.8",
    )
    bad(
        cases,
        "no-version",
        "the document lacks its scene version",
        {"figure": scene_doc()["figure"]},
        error="malformed",
        spec="§16.8",
    )
    bad(cases, "no-figure", "the document lacks its figure", {"scene": "1.0"}, error="malformed")
    bad(cases, "not-a-map", "the document is an array", [1, 2, 3], error="malformed", spec="§16.3")
    bad(
        cases,
        "complex-dtype",
        "an array of a dtype a scene does not use",
        scene_doc([axes_of(dict(LINE, xy=arr("<c16", (3, 2), bytes(96))))]),
        error="malformed",
        spec="§16.3",
    )
    bad(
        cases,
        "frame-out-of-range",
        "an array names a frame the part does not have",
        scene_doc([axes_of(dict(LINE, xy=arr("<f8", (3, 2), b"", frame=2)))]),
        f8(0, 0, 5, 1, 10, -1),
        error="frame-mismatch",
        spec="§16.3",
    )
    bad(
        cases,
        "frame-unused",
        "a frame of the part that no array names",
        scene_doc([axes_of(LINE)]),
        b"stray",
        error="frame-mismatch",
        spec="§16.3",
    )
    bad(
        cases,
        "byte-count",
        "an array whose bytes are not its shape times its item size",
        scene_doc([axes_of(dict(LINE, xy=arr("<f8", (3, 2), f8(0, 0, 5, 1, 10))))]),
        error="frame-mismatch",
        spec="§16.3",
    )
    bad(
        cases,
        "colour-out-of-range",
        "a colour component above 1",
        scene_doc([axes_of(dict(LINE, color=[2.0, 0.0, 0.0, 1.0]))]),
        error="malformed",
    )
    bad(
        cases,
        "nan-width",
        "a NaN line width",
        scene_doc([axes_of(dict(LINE, linewidth=float("nan")))]),
        error="malformed",
    )
    bad(
        cases,
        "unknown-required-node",
        "an unknown node type not marked optional",
        scene_doc([axes_of({"type": "hologram"})]),
        error="malformed",
        spec="§16.7",
    )
    bad(
        cases,
        "font-path",
        "a font family that is a path",
        scene_doc([axes_of(dict(text, family=["/etc/passwd"]))]),
        error="malformed",
        spec="§16.9",
    )
    bad(
        cases,
        "share-forward",
        "an axes sharing x with itself (shares name earlier axes)",
        scene_doc([axes_of(sharex=0)]),
        error="malformed",
    )
    bad(
        cases,
        "dash-too-fine",
        "a dash cycle of 0.02 points",
        scene_doc([axes_of(dict(LINE, linestyle="--", dashes=[0.0, 0.01, 0.01]))]),
        error="malformed",
        spec="§16.9",
    )
    bad(
        cases,
        "huge-figure",
        "a figure of 1000 x 1000 inches at 1000 dpi",
        scene_doc(size_inches=[1000.0, 1000.0], dpi=1000.0),
        error="limit-exceeded",
        spec="§16.5",
    )
    bad(
        cases,
        "too-many-axes",
        "two axes where the consumer allows one",
        scene_doc([axes_of(), axes_of()]),
        error="limit-exceeded",
        scene_limits={"max_axes": 1},
        spec="§16.5",
    )
    bad(
        cases,
        "tick-labels-miscounted",
        "two tick locations, one label",
        scene_doc([axes_of(xaxis={"major": {"locs": arr("<f8", (2,), f8(0, 5)), "labels": ["0"]}})]),
        error="malformed",
    )
    bad(
        cases,
        "too-many-texts",
        "two text nodes where the consumer allows one",
        scene_doc([axes_of(text, dict(text, text="again"))]),
        error="limit-exceeded",
        scene_limits={"max_text_nodes": 1},
        spec="§16.5",
    )
    bad(
        cases,
        "too-many-ticks",
        "1001 tick locations in one tick set",
        scene_doc([axes_of(xaxis={"major": {"locs": arr("<f8", (1001,), f8(*range(1001))), "labels": [""] * 1001}})]),
        error="limit-exceeded",
        spec="§16.5",
    )
    bad(
        cases,
        "multiple-too-fine",
        "a multiple locator of spacing 1e-12 over a view 10 wide",
        scene_doc([axes_of(xaxis={"locator": "multiple", "locator_base": 1e-12})]),
        error="limit-exceeded",
        spec="§16.5",
    )
    bad(
        cases,
        "path-without-moveto",
        "a patch whose path codes start with STOP, which matplotlib's Path refuses",
        scene_doc(
            [
                axes_of(
                    {
                        "type": "patch",
                        "path": {"vertices": arr("<f8", (2, 2), bytes(32)), "codes": arr("|u1", (2,), bytes([0, 2]))},
                    }
                )
            ]
        ),
        error="malformed",
    )
    bad(
        cases,
        "text-too-costly",
        "1000 characters at 1000 pt and 200 dpi: 7.7e9 glyph pixels to rasterise on every draw",
        scene_doc([axes_of(dict(text, text="W" * 1000, fontsize=1000.0))], size_inches=[2.0, 2.0], dpi=200.0),
        error="limit-exceeded",
        spec="§16.5",
    )
    bad(
        cases,
        "curved-path-too-costly",
        "a path of 5000 vertices curved in 1000 steps each",
        scene_doc(
            [
                axes_of(
                    {
                        "type": "patch",
                        "path": {"vertices": arr("<f8", (5000, 2), bytes(80000)), "interpolation_steps": 1000},
                    }
                )
            ]
        ),
        error="limit-exceeded",
        spec="§16.5",
    )
    bad(
        cases,
        "path-lengths",
        "a collection whose path lengths do not sum to its vertex count",
        scene_doc(
            [
                axes_of(
                    {
                        "type": "collection",
                        "paths": {
                            "vertices": arr("<f8", (3, 2), f8(0, 0, 1, 1, 2, 0)),
                            "lengths": arr("<i8", (1,), struct.pack("<q", 5)),
                        },
                    }
                )
            ]
        ),
        error="malformed",
    )
    norm = image["norm"]
    for id, description, changed in (
        ("norm-inverted", "a norm with vmin above vmax", dict(norm, vmin=3.0, vmax=0.0)),
        ("log-norm-at-zero", "a log norm whose lower limit is 0", dict(norm, kind="log", vmin=0.0)),
        (
            "twoslope-centre-outside",
            "a two-slope norm centred outside its limits",
            dict(norm, kind="twoslope", vcenter=5.0),
        ),
        (
            "boundary-norm-unordered",
            "a boundary norm whose boundaries decrease",
            {"kind": "boundary", "boundaries": arr("<f8", (3,), f8(2, 1, 0)), "ncolors": 2},
        ),
    ):
        bad(cases, id, description, scene_doc([axes_of(dict(image, norm=changed))]), error="malformed")
    bad(
        cases,
        "axes-negative-height",
        "an axes box of negative height",
        scene_doc([axes_of(position=[0.125, 0.9, 0.775, -0.77])]),
        error="malformed",
    )
    colorbar_cases(cases, image)
    return cases


def colorbar_cases(cases: Cases, image: Dict[str, Any]) -> None:
    """Scene 1.1: colorbars made by the consumer, and layouts it runs once."""
    grid = {"gridspecs": [{"nrows": 1, "ncols": 2}]}
    cell = [{"cell": {"gridspec": 0, "rows": [0, 1], "cols": [c, c + 1]}} for c in (0, 1)]
    colorbar = {
        "orientation": "vertical",
        "lut": image["lut"],
        "norm": image["norm"],
        "extend": "both",
        "placement": {"parents": [0, 1], "location": "right", "shrink": 0.8, "fraction": 0.15, "pad": 0.05},
    }
    outline = {
        "type": "patch",
        "drawn_by": "colorbar",
        "space": "axes",
        "path": {"vertices": arr("<f8", (2, 2), f8(0, 0, 1, 1))},
    }
    cbar_axes = axes_of(outline, colorbar=colorbar, xlim=[0.0, 1.0], ylim=[0.0, 3.0])
    beside = scene_doc(
        [axes_of(image, **cell[0]), axes_of(image, **cell[1]), cbar_axes],
        layout={"engine": "constrained"},
        **grid,
    )
    beside["scene"] = "1.1"
    counts = {"image": 1}
    ok = bad = scene_case
    ok(
        cases,
        "colorbar-beside-parents",
        "a colorbar the consumer makes beside two axes, placed by its constrained layout; its "
        "outline is marked drawn by the colorbar",
        beside,
        expected=scene_expect(
            [
                ([0.0, 10.0], [-1.0, 1.0], counts),
                ([0.0, 10.0], [-1.0, 1.0], counts),
                ([0.0, 1.0], [0.0, 3.0], {}),
            ],
            colorbars=[{"axes": 2, "orientation": "vertical", "extend": "both", "parents": [0, 1]}],
        ),
    )
    once = scene_doc(
        [axes_of(LINE, **cell[0]), axes_of(**cell[1])],
        layout={"engine": "tight", "once": True, "pad": 1.08, "subplotpars": [0.1, 0.1, 0.95, 0.9, 0.3, 0.2]},
        **grid,
    )
    once["scene"] = "1.1"
    ok(
        cases,
        "layout-tight-once",
        "a figure laid out once by tight_layout: the consumer lays it out once, with its own text metrics",
        once,
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {"line": 1}), ([0.0, 10.0], [-1.0, 1.0], {})]),
        spec="§16.7",
    )
    inverted = copy.deepcopy(once)
    inverted["figure"]["layout"]["subplotpars"] = [0.9, 0.1, 0.1, 0.9, 0.3, 0.2]
    bad(cases, "subplotpars-inverted", "subplot parameters with left beyond right", inverted, error="malformed")
    for id, description, change in (
        ("colorbar-parent-later", "a colorbar made beside an axes that comes after it", {"parents": [0, 3]}),
        ("colorbar-parent-fraction", "a colorbar parent index that is not a whole number", {"parents": [0.5]}),
    ):
        changed = copy.deepcopy(beside)
        changed["figure"]["axes"][2]["colorbar"]["placement"].update(change)
        bad(cases, id, description, changed, error="malformed")
    for id, description, change in (
        (
            "colorbar-bands-unordered",
            "colorbar band edges that decrease",
            {"boundaries": arr("<f8", (3,), f8(2, 1, 0))},
        ),
        (
            "colorbar-values-miscounted",
            "colorbar band values not one fewer than the edges",
            {"boundaries": arr("<f8", (3,), f8(0, 1, 2)), "values": arr("<f8", (1,), f8(0.5))},
        ),
    ):
        changed = copy.deepcopy(beside)
        changed["figure"]["axes"][2]["colorbar"].update(change)
        bad(cases, id, description, changed, error="malformed")
    lines = [dict(LINE, id=0, label="one"), dict(LINE, id=1, label="two", color=BLUE)]
    legend = {"type": "legend", "optional": True, "entries": [0, 1], "labels": ["one", "two"], "loc": 1, "title": "t"}
    leaf = {"type": "text", "drawn_by": "legend", "text": "one", "xy": [0.8, 0.9], "space": "axes"}
    with_legend = scene_doc([axes_of(*lines, leaf, legend)])
    with_legend["scene"] = "1.1"
    ok(
        cases,
        "legend-made-by-consumer",
        "a legend the consumer makes over the two lines its entries name; its drawn leaf is marked drawn_by",
        with_legend,
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {"line": 2, "legend": 1})]),
        spec="§16.7",
    )
    for id, description, change in (
        ("legend-entry-unknown", "a legend entry that names no earlier artist", {"entries": [0, 5]}),
        ("legend-labels-miscounted", "a legend with fewer labels than entries", {"labels": ["one"]}),
    ):
        changed = copy.deepcopy(with_legend)
        changed["figure"]["axes"][0]["artists"][3].update(change)
        bad(cases, id, description, changed, error="malformed")
    two = copy.deepcopy(with_legend)
    two["figure"]["axes"][0]["artists"].append(copy.deepcopy(legend))
    bad(cases, "legend-twice", "two legend nodes in one axes", two, error="malformed")
    huge = copy.deepcopy(with_legend)
    huge["figure"]["axes"][0]["artists"][0].update(marker="o", markersize=1000.0)
    huge["figure"]["axes"][0]["artists"][3]["markerscale"] = 20.0
    bad(
        cases,
        "legend-marker-too-large",
        "a 1000 pt marker drawn 20 times larger in its legend",
        huge,
        error="malformed",
    )
    twice = copy.deepcopy(with_legend)
    twice["figure"]["axes"][0]["artists"][1]["id"] = 0
    bad(cases, "artist-id-twice", "two artists of one axes with the same id", twice, error="malformed")
    figure_legend = {"type": "figure_legend", "optional": True, "entries": [0, 0], "entry_axes": [0, 1],
                     "labels": ["left", "right"], "loc": 1, "outside": "right"}  # fmt: skip
    leaf = {"type": "text", "drawn_by": "legend", "text": "left", "xy": [0.9, 0.9], "space": "figure"}
    two_axes = [axes_of(dict(LINE, id=0)), axes_of(dict(LINE, id=0, color=BLUE), position=[0.5, 0.1, 0.3, 0.8])]
    figure_legends = scene_doc(two_axes, artists=[leaf, figure_legend])
    figure_legends["scene"] = "1.4"
    ok(
        cases,
        "figure-legend-made-by-consumer",
        "a figure legend over a line of each axes, kept outside on the right; its drawn leaf is marked drawn_by",
        figure_legends,
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {"line": 1})] * 2, figure_legends=[["left", "right"]]),
        spec="§16.7",
    )
    for id, description, change in (
        ("figure-legend-entry-unknown", "a figure legend entry that names no artist of its axes", {"entries": [0, 3]}),
        ("figure-legend-axes-unknown", "a figure legend entry in an axes the figure does not have", {"entry_axes": [0, 2]}),
        ("figure-legend-miscounted", "a figure legend with fewer entry axes than entries", {"entry_axes": [0]}),
        ("figure-legend-no-side", "a figure legend kept outside on no side", {"outside": "inside"}),
    ):
        changed = copy.deepcopy(figure_legends)
        changed["figure"]["artists"][1].update(change)
        bad(cases, id, description, changed, error="malformed")
    misplaced = copy.deepcopy(figure_legends)
    misplaced["figure"]["axes"][0]["artists"].append(copy.deepcopy(figure_legend))
    bad(cases, "figure-legend-in-axes", "a figure legend node among an axes' artists", misplaced, error="malformed")
    spine_path = {"type": "patch", "spine": "left", "space": "axes", "clip": False, "edgecolor": [0.0, 0.0, 0.0, 1.0],
                  "path": {"vertices": arr("<f8", (2, 2), f8(0.5, 0, 0.5, 1))}}  # fmt: skip
    moved = [{"name": "left", "visible": False, "placement": "data", "at": 5.0},
             {"name": "bottom", "visible": False, "placement": "axes", "at": 0.5}]  # fmt: skip
    spined = scene_doc([axes_of(dict(LINE), spine_path, spines=moved)])
    spined["scene"] = "1.5"
    ok(
        cases,
        "spine-placed-by-consumer",
        "a left spine at data x=5 (its patch, for older consumers, left out) and a hidden bottom one at axes 0.5",
        spined,
        expected=scene_expect(
            [([0.0, 10.0], [-1.0, 1.0], {"line": 1})],
            spines=[
                {"axes": 0, "name": "left", "position": ["data", 5.0], "visible": True},
                {"axes": 0, "name": "bottom", "position": ["axes", 0.5], "visible": False},
            ],
        ),
        spec="§16.8",
    )
    elsewhere = copy.deepcopy(spined)
    elsewhere["figure"]["axes"][0]["spines"][0]["placement"] = "figure"
    bad(cases, "spine-placement-unknown", "a spine placed in figure coordinates", elsewhere, error="malformed")
    titles = [
        {"loc": "left", "text": "placed by hand", "xy": [0.02, 0.85], "pad": 6.0},
        {"loc": "center", "text": "lifted by matplotlib", "xy": [0.5, 1.0], "autopos": True},
    ]
    titled = scene_doc(
        [axes_of(dict(LINE), titles=titles)],
        suptitle={"text": "x chosen, y laid out", "xy": [0.01, 0.98], "ha": "left", "autopos": True},
    )
    titled["scene"] = "1.2"
    ok(
        cases,
        "titles-placed",
        "an axes title placed by hand (xy), one matplotlib lifts (autopos), a figure title whose x is kept",
        titled,
        expected=scene_expect([([0.0, 10.0], [-1.0, 1.0], {"line": 1})]),
        spec="§16.4",
    )
    scene_3d_cases(cases)
    many_bands = copy.deepcopy(beside)
    many_bands["figure"]["axes"][2]["colorbar"]["boundaries"] = arr("<f8", (2000,), f8(*range(2000)), frame=1)
    bad(
        cases,
        "colorbar-bands-too-many",
        "a colorbar of 1999 colour bands: a tick at each edge, over max_ticks",
        many_bands,
        f8(*range(2000)),
        error="limit-exceeded",
        spec="§16.5",
    )
    crowded = copy.deepcopy(with_legend)
    crowded["figure"]["axes"][0]["artists"][3].update(entries=[0] * 6, labels=["one"] * 6)
    bad(
        cases,
        "legend-labels-over-text-limit",
        "a legend whose labels and title make more texts than max_text_nodes",
        crowded,
        error="limit-exceeded",
        scene_limits={"max_text_nodes": 6},
        spec="§16.5",
    )
    long_lut = copy.deepcopy(beside)
    long_lut["figure"]["axes"][2]["colorbar"]["lut"] = arr("|u1", (5000, 4), bytes(20000))
    bad(
        cases,
        "lut-too-long",
        "a colormap table of 5000 colours, over max_lut",
        long_lut,
        error="limit-exceeded",
        spec="§16.5",
    )


# -- files --------------------------------------------------------------------------------------

FILES: Dict[str, Tuple[str, Callable[[], Cases]]] = {
    "valid": ("Messages that decode, with what a decoder reads from them.", valid_cases),
    "invalid": ("Messages a decoder refuses, each with exactly one fault, and the error code.", invalid_cases),
    "join": ("Joined messages (§3.2): the frames they split into, or the error code.", join_cases),
    "verdict": (
        "Compatibility verdicts (§11): envelope facts and a consumer environment, and the outcome.",
        verdict_cases,
    ),
    "negotiate": (
        "Negotiation (§12): a client's advert and the producer's plan, its pickle decision, or a forwarder's strip.",
        negotiate_cases,
    ),
    "auth": (
        "Authentication (§13.5): a key and a message, and the tag a verifier computes, or the error code.",
        auth_cases,
    ),
    "control": (
        "Control messages (§15.2): a key (or none) and a message, and what a receiver reads from it, or the error code.",
        control_cases,
    ),
    "scene": (
        "Scene parts (§16): a scene part's frames, and the figure a consumer rebuilds from them, or the error code.",
        scene_cases,
    ),
}


def render(kind: str) -> str:
    description, make = FILES[kind]
    doc = {
        "kind": kind,
        "format_version": format_version_str(),
        "generator": "spec/tools/gen_vectors.py",
        "description": description + " See spec/figwire-1.rst §14.",
        "cases": make().cases,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a vector file differs from what this writes")
    args = parser.parse_args(argv)
    stale = []
    for kind in FILES:
        path = OUT / f"{kind}.json"
        text = render(kind)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python spec/tools/gen_vectors.py", file=sys.stderr)
        return 1 if stale else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
