"""An independent, minimal figwire decoder that checks every conformance vector (spec §14).

Vectors made by one implementation and checked only by that implementation prove
nothing about the spec: they would agree with its bugs. So this decoder is written from
``spec/figwire-1.rst`` alone and never imports figwire; beyond the standard library it
uses only ``msgpack`` (and ``blake3`` for keyed-BLAKE3 tags). Its field tables and limits
are restated from the spec's §4, §5, §10 and §12 rather than read from figwire's code.

It decodes envelopes and parts, splits joined messages, computes verdicts, plans,
decides and strips as §12 says a producer and a forwarder do, and verifies
authentication tags as §13.5 says (``hmac``; keyed BLAKE3 through the ``blake3`` package,
skipped without it), then compares each result with the case's expectation. For ``zstd`` it decodes only raw and
RLE blocks, which is all the vectors use (a frame with compressed blocks is reported as
skipped, not as passed). For scene parts (§16) it checks the document and its array
references (§16.3, §16.5, §16.8) and reads the expected axes and node counts from the
document, with the rules of §16.4 that hold across its tables (finite numbers, colours,
font names, node types, shares, tick and path counts, dash cycles, tick and curved-path
bounds); it does not restate
the per-field tables, so a refusal that needs them would be reported as skipped.

Usage: python spec/tools/verify_vectors.py [vectors directory]; exits 1 on any mismatch.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import struct
import sys
import zlib
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import msgpack

VECTORS = Path(__file__).resolve().parents[1] / "vectors"

MAGIC = b"\x89FGW"
JOIN_MAGIC = b"\x89FGW-J\r\n"
ALIGN = 64
READ_MAJORS = (1,)
#: §10 defaults.
LIMITS = {
    "max_envelope_bytes": 1 << 20,
    "max_frames": 1 << 16,
    "max_message_bytes": 1 << 31,
    "max_parts": 64,
    "max_requires": 256,
}
#: §3.1: producers nest at most 32 levels; this decoder takes up the MAY and refuses more.
MAX_DEPTH = 32

# §4.1 to §5.1, as (field, type, required).
ENVELOPE = (
    ("figwire", "str", True),
    ("id", "str", True),
    ("created", "float", True),
    ("producer", "map", True),
    ("figure", "map", True),
    ("parts", "array of map", True),
    ("missing", "map of str to str", False),
    ("auth", "map", False),
    ("related", "str", False),
)
AUTH = (("alg", "str", True), ("frame", "int", True), ("key_id", "str", False))
PRODUCER = tuple(
    (name, "str", True)
    for name in ("python", "implementation", "matplotlib", "numpy", "figwire", "platform", "byteorder")
)
FIGURE = (
    ("label", "str", True),
    ("number", "int | nil", True),
    ("size_inches", "array of float", True),
    ("dpi", "float", True),
    ("pixels", "array of int", True),
    ("axes", "int", True),
    ("suptitle", "str | nil", True),
    ("titles", "array of str", True),
)
PART = (
    ("role", "str", True),
    ("type", "str", True),
    ("frames", "array of int", True),
    ("sizes", "array of int", True),
    ("codec", "str", False),
    ("raw_sizes", "array of int", False),
    ("digest", "str", False),
    ("digests", "array of bin", False),
    ("protocol", "int", False),
    ("requires", "map of str to str", False),
    ("numpy_private", "bool", False),
    ("width", "int", False),
    ("height", "int", False),
    ("dpi", "float", False),
    ("borrows", "array of int", False),
)
PICKLE = ("pickle", "application/vnd.figwire.pickle")
SCENE = ("scene", "application/vnd.figwire.scene")
FALLBACK_TYPES = ("image/png", "image/svg+xml", "application/pdf")
DIGESTS: Dict[str, Callable[[bytes], bytes]] = {
    "sha256": lambda data: hashlib.sha256(data).digest(),
    "blake2b": lambda data: hashlib.blake2b(data, digest_size=64).digest(),
}
VERSION = re.compile(r"(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})")


class Refused(Exception):
    """The decoder refuses: ``code`` is the §9 error code."""

    def __init__(self, code: str, why: str) -> None:
        super().__init__(f"{code}: {why}")
        self.code = code


class Unsupported(Exception):
    """Something this minimal decoder does not implement (and the spec lets it lack)."""


# -- §3.1: frame 0 ----------------------------------------------------------------------------


def _pairs(pairs: List[Tuple[Any, Any]]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in pairs:
        if not isinstance(key, str):
            raise Refused("malformed", f"map key {key!r} is not a str")
        if key in out:
            raise Refused("malformed", f"map key {key!r} repeats")
        out[key] = _no_timestamp(value)
    return out


def _no_timestamp(value: Any) -> Any:
    # msgpack-python turns extension -1 into a Timestamp without calling ext_hook
    if isinstance(value, msgpack.Timestamp):
        raise Refused("malformed", "a msgpack timestamp extension")
    return value


def _no_ext(code: int, data: bytes) -> Any:
    raise Refused("malformed", f"msgpack extension type {code}")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item)
    return deepest


def read_envelope(frame: bytes, limits: Mapping[str, int]) -> Dict[str, Any]:
    if len(frame) > limits["max_envelope_bytes"]:
        raise Refused("limit-exceeded", "envelope frame too long")
    if frame[: len(MAGIC)] != MAGIC:
        raise Refused("malformed", "no magic")
    try:
        wire = msgpack.unpackb(
            frame[len(MAGIC) :],
            raw=False,
            strict_map_key=False,
            object_pairs_hook=_pairs,
            list_hook=lambda items: [_no_timestamp(v) for v in items],
            ext_hook=_no_ext,
        )
    except Refused:
        raise
    except Exception as exc:  # msgpack's many error types: invalid, truncated, extra data, too deep
        raise Refused("malformed", f"not one msgpack object: {type(exc).__name__}") from None
    if not isinstance(wire, dict):
        raise Refused("malformed", "envelope is not a map")
    if _depth(wire) > MAX_DEPTH:
        raise Refused("malformed", "nested too deeply")
    return wire


# -- §4, §5.1: fields -------------------------------------------------------------------------


def has_type(value: Any, wire_type: str) -> bool:
    if wire_type.startswith("(") and wire_type.endswith(")"):
        return has_type(value, wire_type[1:-1])
    if wire_type.endswith(" | nil"):
        return value is None or has_type(value, wire_type[:-6])
    if wire_type.startswith("array of "):
        return isinstance(value, list) and all(has_type(v, wire_type[9:]) for v in value)
    if wire_type.startswith("map of str to "):
        return isinstance(value, dict) and all(has_type(v, wire_type[14:]) for v in value.values())
    if wire_type == "int":
        return type(value) is int
    if wire_type == "float":
        return type(value) in (int, float)
    return isinstance(value, {"str": str, "bool": bool, "bin": bytes, "map": dict}[wire_type])


def known_fields(wire: Any, table: Sequence[Tuple[str, str, bool]]) -> Dict[str, Any]:
    if not isinstance(wire, dict):
        raise Refused("malformed", "not a map")
    out = {}
    for name, wire_type, required in table:
        if name not in wire:
            if required:
                raise Refused("malformed", f"{name} missing")
            continue
        if not has_type(wire[name], wire_type):
            raise Refused("malformed", f"{name} is not {wire_type}")
        out[name] = wire[name]
    return out


def check_part(wire: Any, limits: Mapping[str, int]) -> Dict[str, Any]:
    part = known_fields(wire, PART)
    n = len(part["frames"])
    if n == 0 or len(part["sizes"]) != n:
        raise Refused("malformed", "frames and sizes")
    if any(n < 0 for n in part["sizes"]) or any(n < 0 for n in part.get("raw_sizes", ())):
        raise Refused("malformed", "negative size")
    if "codec" in part and len(part.get("raw_sizes", ())) != n:
        raise Refused("malformed", "codec without raw_sizes")
    if ("digest" in part) != ("digests" in part) or len(part.get("digests", [None] * n)) != n:
        raise Refused("malformed", "digest and digests")
    if len(part.get("requires", {})) > limits["max_requires"]:
        raise Refused("limit-exceeded", "requires")
    if "codec" not in part:
        part.pop("raw_sizes", None)  # meaningless without a codec (§5.1)
    elif part.get("borrows"):
        raise Refused("malformed", "a compressed part borrows")
    return part


def read_header(frames: Sequence[bytes], limits: Mapping[str, int]) -> Dict[str, Any]:
    """Steps 1 to 5 of §2: the envelope, checked against the frames."""
    if not frames:
        raise Refused("malformed", "no frames")
    if len(frames) > limits["max_frames"]:
        raise Refused("limit-exceeded", "frames")
    wire = read_envelope(frames[0], limits)
    version = wire.get("figwire")
    match = VERSION.fullmatch(version) if isinstance(version, str) else None
    if match is None:
        raise Refused("malformed", "version")
    if int(match.group(1)) not in READ_MAJORS:
        raise Refused("unsupported-version", version)
    top = known_fields(wire, ENVELOPE)
    header = {**top, "producer": known_fields(top["producer"], PRODUCER), "figure": known_fields(top["figure"], FIGURE)}
    for pair in ("size_inches", "pixels"):
        if len(header["figure"][pair]) != 2:
            raise Refused("malformed", pair)
    if len(top["parts"]) > limits["max_parts"]:
        raise Refused("limit-exceeded", "parts")
    header["parts"] = [check_part(p, limits) for p in top["parts"]]
    owned, total = set(), 0
    for part in header["parts"]:
        for index, size in zip(part["frames"], part["sizes"]):
            if not 0 < index < len(frames) or index in owned or len(frames[index]) != size:
                raise Refused("frame-mismatch", f"frame {index}")
            owned.add(index)
            total += size
        total += sum(part.get("raw_sizes", ()))
    if total > limits["max_message_bytes"]:
        raise Refused("limit-exceeded", "message bytes")
    for part in header["parts"]:  # §5.6: only another part's frames, once each, read as sent
        borrowed = part.get("borrows", [])
        if len(set(borrowed)) != len(borrowed):
            raise Refused("frame-mismatch", "a frame borrowed twice")
        for index in borrowed:
            lender = lender_of(header, index)
            if lender is None or lender is part:
                raise Refused("frame-mismatch", f"borrowed frame {index}")
            if "codec" in lender or lender.get("digest") != part.get("digest"):
                raise Refused("malformed", "a lender with a codec or another digest")
    if "auth" in top:
        header["auth"] = known_fields(top["auth"], AUTH)
        if header["auth"]["frame"] != len(frames) - 1 or header["auth"]["frame"] in owned:
            raise Refused("frame-mismatch", "auth frame")
    return header


# -- §13.5: authentication ----------------------------------------------------------------------

AUTH_MAGIC = b"\x89FGA"
TAG_SIZES = {"hmac-sha256": 32, "hmac-sha512": 64, "blake3": 32}


def mac(alg: str, key: bytes, data: bytes) -> bytes:
    if alg.startswith("hmac-"):
        return hmac.new(key, data, alg[len("hmac-") :]).digest()
    try:
        import blake3
    except ImportError:
        raise Unsupported("keyed BLAKE3 needs the blake3 package") from None
    derived = blake3.blake3(key, derive_key_context="figwire 1 message authentication key").digest()
    return blake3.blake3(data, key=derived).digest()


def authenticate(frames: Sequence[bytes], key: bytes, limits: Mapping[str, int]) -> Tuple[Dict[str, Any], bool]:
    """§13.5's verifying steps: (header, signed), or Refused."""
    if not frames:
        raise Refused("malformed", "no frames")
    if len(frames) > limits["max_frames"] or len(frames[0]) > limits["max_envelope_bytes"]:
        raise Refused("limit-exceeded", "frames")
    if sum(map(len, frames)) > limits["max_message_bytes"]:
        raise Refused("limit-exceeded", "message bytes")
    last = frames[-1]
    if len(frames) < 2 or not last.startswith(AUTH_MAGIC):
        try:
            wire = read_envelope(frames[0], limits)
        except Refused:
            if any(f.startswith(AUTH_MAGIC) for f in frames):
                raise Refused("auth-failed", "a tag frame that is not last") from None
            raise
        if isinstance(wire, dict) and "auth" in wire:
            raise Refused("auth-failed", "auth declared, no tag frame")
        return read_header(frames, limits), False
    n = last[4] if len(last) > 4 else 0
    alg = last[5 : 5 + n].decode("ascii", "replace")
    if alg not in TAG_SIZES or len(last) != 5 + n + TAG_SIZES[alg]:
        raise Refused("auth-failed", f"algorithm {alg!r} or tag length")
    data = last[: 5 + n] + struct.pack(">Q", len(frames) - 1)
    data += b"".join(struct.pack(">Q", len(f)) + f for f in frames[:-1])
    if not hmac.compare_digest(mac(alg, key, data), last[5 + n :]):
        raise Refused("auth-failed", "tag")
    header = read_header(frames, limits)
    if header.get("auth", {}).get("alg") != alg:
        raise Refused("auth-failed", "envelope does not declare the tag")
    return header, True


# -- §6: parts --------------------------------------------------------------------------------


def inflate(data: bytes, raw_size: int) -> bytes:
    inflater = zlib.decompressobj(wbits=15)  # RFC 1950 only: no gzip, no raw DEFLATE
    try:
        out = inflater.decompress(data, raw_size + 1)
    except zlib.error as exc:
        raise Refused("codec-error", str(exc)) from None
    if len(out) != raw_size or not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise Refused("codec-error", "zlib length or trailing data")
    return out


def unzstd(data: bytes, raw_size: int) -> bytes:
    """One Zstandard frame of raw and RLE blocks, nothing before or after it."""
    if data[:4] != b"\x28\xb5\x2f\xfd" or len(data) < 6:
        raise Refused("codec-error", "not a zstd frame")
    descriptor = data[4]
    fcs_flag, single, checksum, dict_flag = descriptor >> 6, descriptor >> 5 & 1, descriptor >> 2 & 1, descriptor & 3
    if descriptor & 0x08:
        raise Refused("codec-error", "reserved bit set")
    pos = 5 + (0 if single else 1)
    dict_len = (0, 1, 2, 4)[dict_flag]
    if int.from_bytes(data[pos : pos + dict_len], "little"):
        raise Refused("codec-error", "a dictionary is named")
    pos += dict_len
    fcs_len = (1 if single else 0, 2, 4, 8)[fcs_flag]
    declared = int.from_bytes(data[pos : pos + fcs_len], "little") + (256 if fcs_len == 2 else 0) if fcs_len else None
    pos += fcs_len
    out = bytearray()
    while True:
        if pos + 3 > len(data):
            raise Refused("codec-error", "truncated block header")
        header = int.from_bytes(data[pos : pos + 3], "little")
        last, block_type, size = header & 1, header >> 1 & 3, header >> 3
        pos += 3
        if block_type == 2:
            raise Unsupported("zstd compressed blocks")
        if block_type == 3:
            raise Refused("codec-error", "reserved block type")
        payload = data[pos : pos + (size if block_type == 0 else 1)]
        if len(payload) != (size if block_type == 0 else 1):
            raise Refused("codec-error", "truncated block")
        pos += len(payload)
        if len(out) + size > raw_size + 1:
            raise Refused("codec-error", "more than raw_size")
        out += payload if block_type == 0 else payload * size
        if last:
            break
    if checksum:
        raise Unsupported("zstd content checksums (needs xxhash64)")
    if pos != len(data):
        raise Refused("codec-error", "bytes after the zstd frame")
    if len(out) != raw_size or (declared is not None and declared != len(out)):
        raise Refused("codec-error", "zstd length")
    return bytes(out)


CODECS: Dict[str, Callable[[bytes, int], bytes]] = {"zlib": inflate, "zstd": unzstd}


def lender_of(header: Mapping[str, Any], index: int) -> Optional[Mapping[str, Any]]:
    """The part whose ``frames`` name frame ``index``, if any."""
    return next((p for p in header["parts"] if index in p["frames"]), None)


def read_part(frames: Sequence[bytes], part: Mapping[str, Any], header: Mapping[str, Any]) -> List[bytes]:
    """A part's decoded frames, then those it borrows, each checked by its lender's digest."""
    out = read_frames(frames, part)
    for index in part.get("borrows", ()):
        lender = lender_of(header, index)
        assert lender is not None  # read_header checked it
        k = lender["frames"].index(index)
        alone = {**lender, "frames": [index], **({"digests": [lender["digests"][k]]} if "digests" in lender else {})}
        out += read_frames(frames, alone)
    return out


def read_frames(frames: Sequence[bytes], part: Mapping[str, Any]) -> List[bytes]:
    digest = DIGESTS.get(part["digest"]) if "digest" in part else None
    if "digest" in part and digest is None:
        raise Refused("codec-unavailable", part["digest"])
    if "codec" in part and part["codec"] not in CODECS:
        raise Refused("codec-unavailable", part["codec"])
    for k, index in enumerate(part["frames"]):  # every digest before any byte is used
        if digest is not None and digest(frames[index]) != part["digests"][k]:
            raise Refused("digest-mismatch", f"frame {index}")
    if "codec" not in part:
        return [frames[i] for i in part["frames"]]
    return [CODECS[part["codec"]](frames[i], n) for i, n in zip(part["frames"], part["raw_sizes"])]


def usable(part: Mapping[str, Any]) -> bool:
    """Whether a consumer uses this part at all (§5.2 to §5.4)."""
    if (part["role"], part["type"]) in (PICKLE, SCENE):
        return True
    return part["role"] == "fallback" and part["type"] in FALLBACK_TYPES and len(part["frames"]) == 1


# -- §14: the expected form -------------------------------------------------------------------


def as_json(value: Any, wire_type: str) -> Any:
    if value is None:
        return None
    if wire_type.endswith(" | nil"):
        return as_json(value, wire_type[:-6])
    if wire_type.startswith("array of "):
        return [as_json(v, wire_type[9:]) for v in value]
    if wire_type == "float":
        return float(value)
    if wire_type == "bin":
        return base64.b64encode(value).decode("ascii")
    return value


def expected_form(header: Mapping[str, Any], frames: Sequence[bytes]) -> Dict[str, Any]:
    def fields(values: Mapping[str, Any], table: Sequence[Tuple[str, str, bool]]) -> Dict[str, Any]:
        return {name: as_json(values[name], t) for name, t, _ in table if name in values}

    parts = []
    for part in header["parts"]:
        out = fields(part, PART)
        if not out.get("requires", True):
            del out["requires"]
        if usable(part):
            out["data"] = [base64.b64encode(b).decode("ascii") for b in read_part(frames, part, header)]
        parts.append(out)
    result: Dict[str, Any] = {"version": header["figwire"], "id": header["id"], "created": float(header["created"])}
    if header.get("missing"):
        result["missing"] = header["missing"]
    result.update(
        producer=header["producer"],
        figure=fields(header["figure"], FIGURE),
        parts=parts,
        pickle=next((i for i, p in enumerate(header["parts"]) if (p["role"], p["type"]) == PICKLE), None),
    )
    return result


# -- §3.2: the joined form --------------------------------------------------------------------


def split(data: bytes, limits: Mapping[str, int]) -> List[bytes]:
    if len(data) < 12 or data[:8] != JOIN_MAGIC:
        raise Refused("malformed", "joined magic")
    (count,) = struct.unpack_from(">I", data, 8)
    if count > limits["max_frames"]:
        raise Refused("limit-exceeded", "count")
    end = 12 + 8 * count
    if len(data) < end:
        raise Refused("frame-mismatch", "truncated table")
    lengths = struct.unpack_from(f">{count}Q", data, 12)
    frames = []
    for length in lengths:
        if length > limits["max_message_bytes"]:
            raise Refused("limit-exceeded", "frame length")
    for length in (None, *lengths):
        if length is not None:
            frames.append(data[end : end + length])
            end += length
            if end > len(data):
                raise Refused("frame-mismatch", "truncated frame")
        padded = end + (-end % ALIGN)
        if data[end:padded] != bytes(padded - end):
            raise Refused("frame-mismatch", "padding missing or not zero")
        end = padded
    if end != len(data):
        raise Refused("frame-mismatch", "trailing bytes")
    return frames


# -- §11: the verdict -------------------------------------------------------------------------

# PEP 440, appendix B.
PEP440 = re.compile(
    r"""^\s*v?(?:(?:[0-9]+)!)?(?P<release>[0-9]+(?:\.[0-9]+)*)
    (?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?
    (?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?
    (?:[-_.]?dev[-_.]?[0-9]*)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
MINOR_SENSITIVE = {"cartopy", "geopandas", "matplotlib", "mpl_toolkits", "pandas", "shapely", "xarray"}


def release(text: Optional[str]) -> Optional[Tuple[int, ...]]:
    match = PEP440.match(text) if isinstance(text, str) else None
    return None if match is None else tuple(int(n) for n in match.group("release").split("."))


def verdict(
    producer: Mapping[str, str], part: Optional[Mapping[str, Any]], consumer: Mapping[str, Any]
) -> Tuple[bool, Optional[str]]:
    if part is None:
        return False, "pickle"
    protocol = part.get("protocol", 5)
    if protocol > consumer["highest_protocol"]:
        return False, "protocol"
    theirs, ours = release(producer["matplotlib"]), release(consumer["matplotlib"])
    if theirs is None or ours is None or theirs[:2] != ours[:2] or ours < theirs:
        return False, "matplotlib"
    if part.get("numpy_private") is not False:
        theirs, ours = release(producer["numpy"]), release(consumer["numpy"])
        if theirs is None or ours is None:
            return False, "numpy"
        if theirs[0] > ours[0] and not (theirs[0] == 2 and (1, 26) <= ours[:2] < (2,) and protocol <= 4):
            return False, "numpy"
    packages = consumer["packages"]
    for name in sorted(part.get("requires", {})):
        if name in ("matplotlib", "numpy", "mpl_toolkits") or name not in packages:
            continue
        if packages[name] is None:
            return False, "packages"
        theirs, ours = release(part["requires"][name]), release(packages[name])
        depth = 2 if name in MINOR_SENSITIVE else 1
        if theirs is not None and ours is not None and theirs[:depth] != ours[:depth]:
            return False, "packages"
    return True, None


# -- §12: negotiation -------------------------------------------------------------------------

# §12.1, as (field, type); the values a producer reads when one is absent are applied in read_advert.
ADVERT = (
    ("figwire", "str"),
    ("formats", "array of str"),
    ("python", "str"),
    ("matplotlib", "str"),
    ("numpy", "str"),
    ("pickle_protocol", "int"),
    ("accept", "array of str"),
    ("pickle", "bool"),
    ("codecs", "array of str"),
    ("packages", "map of str to (str | nil)"),
    ("max_message_bytes", "int"),
)
WRITE_MAJOR = 1
PICKLE_PROTOCOLS = (4, 5)
PART_NAMES = ("pickle", "scene") + FALLBACK_TYPES  # §12.3: what "every part it can make" is, in order
CODEC_NAMES = ("zlib", "zstd")


def read_advert(advert: Any) -> Dict[str, Any]:
    """§12.2: the advert checked, known names only, absent fields at their defaults."""
    if not isinstance(advert, dict):
        raise Refused("invalid-argument", "not a map")
    formats = advert.get("formats", [f"{WRITE_MAJOR}.0"])
    if not has_type(formats, "array of str") or not all(VERSION.fullmatch(f) for f in formats):
        raise Refused("invalid-argument", "formats")
    if not any(int(f.split(".")[0]) == WRITE_MAJOR for f in formats):
        raise Refused("unsupported-version", "no major this producer writes")
    for name, wire_type in ADVERT:
        if name in advert and not has_type(advert[name], wire_type):
            raise Refused("invalid-argument", f"{name} is not {wire_type}")
    for name in ("pickle_protocol", "max_message_bytes"):
        if advert.get(name, 0) < 0:
            raise Refused("invalid-argument", f"{name} is negative")
    return {
        "matplotlib": advert.get("matplotlib"),
        "numpy": advert.get("numpy"),
        "pickle_protocol": advert.get("pickle_protocol", 5),
        "accept": [p for p in advert.get("accept", PART_NAMES) if p in PART_NAMES],
        "pickle": advert.get("pickle", True),
        "codecs": [c for c in advert.get("codecs", []) if c in CODEC_NAMES],
        "packages": advert.get("packages", {}),
    }


def plan(advert: Any, requested: Optional[Sequence[str]], codec: Optional[str], protocol: int) -> Dict[str, Any]:
    """§12.3: what a producer sends for this advert."""
    caps = read_advert(advert)
    requested = PART_NAMES if requested is None else requested
    parts: List[str] = []
    left_out: Dict[str, str] = {}
    protocol = min(protocol, caps["pickle_protocol"])
    if "pickle" in requested:
        if "pickle" not in caps["accept"] or caps["pickle"] is False:
            left_out["pickle"] = "not-accepted"
        elif protocol < min(PICKLE_PROTOCOLS):
            left_out["pickle"] = "protocol"
        else:
            parts.append("pickle")
    if "scene" in requested and "scene" in caps["accept"]:
        parts.append("scene")
    fallbacks = [p for p in caps["accept"] if p in FALLBACK_TYPES and p in requested]
    parts.extend(fallbacks[:1])
    for name in requested:
        if name not in parts and name not in left_out:
            left_out[name] = "not-preferred" if name in fallbacks else "not-accepted"
    return {
        "parts": parts,
        "codec": codec if codec in caps["codecs"] else None,
        "protocol": protocol if "pickle" in parts else None,
        "left_out": left_out,
    }


def decide(advert: Any, producer: Mapping[str, str], pickle: Mapping[str, Any]) -> Dict[str, Any]:
    """§12.4: the verdict against the advertised environment, with the protocol 4 remake."""
    caps = read_advert(advert)
    consumer = {
        "matplotlib": caps["matplotlib"],
        "numpy": caps["numpy"],
        "highest_protocol": caps["pickle_protocol"],
        "packages": caps["packages"],
    }
    ok, rule = verdict(producer, pickle, consumer)
    if not ok and pickle["protocol"] == 5:
        pickle = {**pickle, "protocol": 4}
        ok, rule = verdict(producer, pickle, consumer)
    return {"send": True, "protocol": pickle["protocol"]} if ok else {"send": False, "rule": rule}


def strip(frames: Sequence[bytes], keep: Sequence[str]) -> Dict[str, Any]:
    """§12.7: which received frames a forwarder sends, the kept descriptors, and missing."""
    header = read_header(frames, LIMITS)

    def name(part: Mapping[str, Any]) -> str:
        return part["role"] if (part["role"], part["type"]) in (PICKLE, SCENE) else part["type"]

    missing = dict(header.get("missing", {}))
    kept = []
    for part in header["parts"]:
        if name(part) not in keep:
            missing[name(part)] = "removed by a forwarder"
            continue
        part = dict(part)
        lenders = [lender_of(header, i) for i in part.get("borrows", ())]
        if any(name(q) not in keep for q in lenders):  # §5.6: it takes what it borrows
            for index, q in zip(part.pop("borrows"), lenders):
                k = q["frames"].index(index)
                part["frames"] = [*part["frames"], index]
                part["sizes"] = [*part["sizes"], q["sizes"][k]]
                if "digests" in part:
                    part["digests"] = [*part["digests"], q["digests"][k]]
        kept.append(part)
    sources: List[int] = []
    first: Dict[int, int] = {}
    parts = []
    for part in kept:
        out = {n: as_json(part[n], t) for n, t, _ in PART if n in part}
        out["frames"] = list(range(len(sources) + 1, len(sources) + 1 + len(part["frames"])))
        for i, new in zip(part["frames"], out["frames"]):
            first.setdefault(i, new)
        sources.extend(part["frames"])
        if not out.get("requires", True):
            del out["requires"]
        parts.append(out)
    for out, part in zip(parts, kept):
        if "borrows" in out:
            out["borrows"] = [first[i] for i in part["borrows"]]
    return {"frames": sources, "parts": parts, **({"missing": missing} if missing else {})}


# -- running the vectors ----------------------------------------------------------------------


def _frames(case: Mapping[str, Any]) -> List[bytes]:
    return [base64.b64decode(f) for f in case["frames"]]


def _limits(case: Mapping[str, Any]) -> Dict[str, int]:
    return {**LIMITS, **case.get("limits", {})}


def _refusal(action: Callable[[], Any]) -> Optional[str]:
    try:
        action()
    except Refused as exc:
        return exc.code
    return None


def check_valid(case: Mapping[str, Any]) -> None:
    frames = _frames(case)
    got = expected_form(read_header(frames, _limits(case)), frames)
    if got != case["expected"]:
        raise AssertionError(f"decoded {got!r}")


def check_invalid(case: Mapping[str, Any]) -> None:
    frames, limits = _frames(case), _limits(case)
    if "part" not in case:
        code = _refusal(lambda: read_header(frames, limits))
    else:
        header = read_header(frames, limits)
        code = _refusal(lambda: read_part(frames, header["parts"][case["part"]], header))
    if code != case["error"]:
        raise AssertionError(f"refused with {code}")


def check_auth(case: Mapping[str, Any]) -> None:
    frames, key = _frames(case), base64.b64decode(case["key"])
    if "error" in case:
        code = _refusal(lambda: authenticate(frames, key, _limits(case)))
        if code != case["error"]:
            raise AssertionError(f"refused with {code}")
        return
    _, signed = authenticate(frames, key, _limits(case))
    expected = case["expected"]
    if signed != expected["signed"]:
        raise AssertionError(f"signed is {signed}")
    if signed and not frames[-1].endswith(base64.b64decode(expected["tag"])):
        raise AssertionError("the tag is not the expected one")


def check_join(case: Mapping[str, Any]) -> None:
    data = base64.b64decode(case["data"])
    if "error" in case:
        code = _refusal(lambda: split(data, _limits(case)))
        if code != case["error"]:
            raise AssertionError(f"refused with {code}")
    elif split(data, _limits(case)) != _frames(case):
        raise AssertionError("split into other frames")


def check_verdict(case: Mapping[str, Any]) -> None:
    ok, rule = verdict(case["producer"], case["pickle"], case["consumer"])
    if {"ok": ok, **({"rule": rule} if rule else {})} != case["expected"]:
        raise AssertionError(f"verdict {ok}, {rule}")


def check_negotiate(case: Mapping[str, Any]) -> None:
    if "keep" in case:
        got = strip(_frames(case), case["keep"])
        if got != case["expected"]:
            raise AssertionError(f"stripped to {got!r}")
        return
    if "pickle" in case:
        got = decide(case["advert"], case["producer"], case["pickle"])
        if got != case["expected"]:
            raise AssertionError(f"decided {got!r}")
        return
    try:
        got = plan(case["advert"], case["requested"], case["codec"], case["protocol"])
    except Refused as exc:
        if exc.code != case.get("error"):
            raise AssertionError(f"refused with {exc.code}") from None
        return
    if got != case.get("expected"):
        raise AssertionError(f"planned {got!r}")


# -- §15.2: control messages -----------------------------------------------------------------------

CONTROL_MAGIC = b"\x89FGC"
CONTROL = (
    ("figwire", "str", True),
    ("type", "str", True),
    ("id", "str", True),
    ("created", "float", True),
    ("accept", "map", False),
    ("message_id", "str", False),
    ("label", "str", False),
    ("reply_to", "str", False),
    ("code", "str", False),
    ("message", "str", False),
    ("auth", "map", False),
)


def read_control(frames: Sequence[bytes], key: Optional[bytes]) -> Dict[str, Any]:
    if not 1 <= len(frames) <= 2:
        raise Refused("malformed", "frame count")
    signed = False
    if len(frames) == 2:
        if frames[1][:4] != b"\x89FGA":
            raise Refused("malformed", "second frame is not a tag")
        if key is not None:
            n = frames[1][4]
            alg = frames[1][5 : 5 + n].decode("ascii", "replace")
            if alg not in TAG_SIZES or len(frames[1]) != 5 + n + TAG_SIZES[alg]:
                raise Refused("auth-failed", "algorithm or tag length")
            data = frames[1][: 5 + n] + struct.pack(">Q", 1) + struct.pack(">Q", len(frames[0])) + frames[0]
            if not hmac.compare_digest(mac(alg, key, data), frames[1][5 + n :]):
                raise Refused("auth-failed", "tag")
            signed = True
    if frames[0][:4] != CONTROL_MAGIC:
        raise Refused("malformed", "no control magic")
    wire = read_envelope(MAGIC + frames[0][4:], LIMITS)
    known = known_fields(wire, CONTROL)
    major = known["figwire"].split(".")[0]
    if not major.isdigit() or int(major) != 1:
        raise Refused("unsupported-version", known["figwire"])
    if key is not None and "auth" in known and not signed:
        raise Refused("auth-failed", "auth declared, no tag")
    required = {"request": (), "status": ("reply_to", "code", "message")}.get(known["type"])
    if required is None or any(name not in known for name in required):
        raise Refused("malformed", "type or its fields")
    return {**{k: v for k, v in known.items() if k not in ("figwire", "auth")}, "signed": signed}


def check_control(case: Mapping[str, Any]) -> None:
    frames = _frames(case)
    key = None if case["key"] is None else base64.b64decode(case["key"])
    if "error" in case:
        code = _refusal(lambda: read_control(frames, key))
        if code != case["error"]:
            raise AssertionError(f"refused with {code}")
        return
    got = read_control(frames, key)
    if got != case["expected"]:
        raise AssertionError(f"read {got!r}")


# -- §16: scene parts (the document and its arrays; the field tables of §16.4 are not
# re-implemented here: a refusal that needs them is reported as skipped) ---------------------

SCENE_DTYPES = {"f8", "f4", "f2", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"}
SCENE_LIMITS = {
    "max_axes": 1024,
    "max_array_items": 1 << 27,
    "max_array_bytes": 1 << 30,
    "max_figure_pixels": 1 << 26,
    "max_depth": 16,
    "max_ticks": 1000,
    "max_curved_vertices": 1 << 22,
    "max_paths": 1 << 18,
    "max_text_nodes": 10_000,
    "max_glyph_pixels": 1 << 31,
    "max_lut": 4096,
}
SCENE_NODE_TYPES_3D = {"line3d", "polys3d", "lines3d", "points3d", "patch3d", "text3d"}  # §16.2, scene 1.3
SIDES = ("left", "right", "bottom", "top")  # a rectilinear axes' side spines (§16.8, scene 1.5)
SCENE_NODE_TYPES = {"line", "collection", "mesh", "image", "patch", "text", "legend", "figure_legend"} | SCENE_NODE_TYPES_3D
LEGEND_ENTRIES = ("line", "patch", "collection", "line3d", "points3d")
#: Fields a 3D axes may not have (§16.2).
NOT_IN_3D_AXES = ("colorbar", "secondary", "twin", "inset", "polar")


def read_scene(frames: Sequence[bytes], limits: Mapping[str, int]) -> Dict[str, Any]:
    """§16.3 and §16.8: the document, with every array reference checked against the frames."""
    try:
        doc = msgpack.unpackb(frames[0], raw=False, strict_map_key=False, object_pairs_hook=_pairs, ext_hook=_no_ext)
    except Refused:
        raise
    except Exception as exc:
        raise Refused("malformed", f"not msgpack: {exc}") from None
    if not isinstance(doc, dict):
        raise Refused("malformed", "the document is not a map")
    version = doc.get("scene")
    if not isinstance(version, str) or not re.fullmatch(r"(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})", version):
        raise Refused("malformed", "no scene version")
    if version.split(".")[0] != "1":
        raise Refused("unsupported-version", f"scene major {version}")
    if _depth(doc) > limits["max_depth"] + 1:
        raise Refused("limit-exceeded", "nesting")
    used: Dict[int, int] = {}
    total = [0]

    def array(ref: Dict[str, Any]) -> Dict[str, Any]:
        dtype, shape = ref.get("@array"), ref.get("shape")
        if not isinstance(dtype, str) or len(dtype) != 3 or dtype[0] not in "<>|=" or dtype[1:] not in SCENE_DTYPES:
            raise Refused("malformed", f"array dtype {dtype!r}")
        if not isinstance(shape, list) or not 1 <= len(shape) <= 3 or not all(type(n) is int and n >= 0 for n in shape):
            raise Refused("malformed", "array shape")
        items = 1
        for n in shape:
            items *= n
        if items > limits["max_array_items"]:
            raise Refused("limit-exceeded", "array items")
        total[0] += items * int(dtype[2])
        if total[0] > limits["max_array_bytes"]:
            raise Refused("limit-exceeded", "array bytes")
        if "frame" in ref:
            k = ref["frame"]
            if type(k) is not int or not 1 <= k < len(frames) or k in used:
                raise Refused("frame-mismatch", f"array frame {k!r}")
            used[k] = 1
            data = frames[k]
        elif isinstance(ref.get("data"), bytes):
            data = ref["data"]
        else:
            raise Refused("malformed", "an array without frame or data")
        if len(data) != items * int(dtype[2]):
            raise Refused("frame-mismatch", "array byte count")
        return {"dtype": dtype, "shape": shape, "bytes": data}

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if "@array" in value:
                return array(value)
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    doc = walk(doc)
    if len(used) != len(frames) - 1:
        raise Refused("frame-mismatch", "a frame no array names")
    figure = doc.get("figure")
    if (
        not isinstance(figure, dict)
        or not isinstance(figure.get("size_inches"), list)
        or not isinstance(figure.get("dpi"), (int, float))
    ):
        raise Refused("malformed", "no figure")
    width, height = figure["size_inches"]
    if width * height * figure["dpi"] ** 2 > limits["max_figure_pixels"]:
        raise Refused("limit-exceeded", "figure pixels")
    if len(figure.get("axes", [])) > limits["max_axes"]:
        raise Refused("limit-exceeded", "axes")
    return doc


SCENE_NAME = re.compile(r"[A-Za-z0-9 _.+-]{1,64}")


def _items(ref: Mapping[str, Any]) -> int:
    n = 1
    for k in ref["shape"]:
        n *= k
    return n


def check_scene_rules(doc: Mapping[str, Any], limits: Mapping[str, int]) -> None:
    """The rules of §16.4 that hold across the tables (finite numbers, colours, names,
    nodes) and its cross-field rules; the per-field types and ranges are not restated."""

    def walk(value: Any, key: str) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise Refused("malformed", f"{key} is not finite")
        if key in ("boundaries", "values") and isinstance(value, dict) and _items(value) > limits["max_lut"] + 1:
            raise Refused("limit-exceeded", "colour bands")
        if isinstance(value, dict) and "dtype" in value and "bytes" in value:
            return
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            if (
                key.endswith("color")
                and len(value) == 4
                and not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in value)
            ):
                raise Refused("malformed", f"{key} is not a colour")
            if key == "family" and not all(isinstance(v, str) and SCENE_NAME.fullmatch(v) for v in value):
                raise Refused("malformed", "a font family that is not a name")
            if key == "dashes" and value and (len(value) % 2 == 0 or sum(value[1:]) < 0.5):
                raise Refused("malformed", "a dash pattern")
            if key == "artists":
                for node in value:
                    if node.get("type") not in SCENE_NODE_TYPES and node.get("optional") is not True:
                        raise Refused("malformed", f"unknown node type {node.get('type')!r}")
            for v in value:
                walk(v, key)

    walk(doc, "scene")
    nodes = [n for ax in doc["figure"].get("axes", []) for n in ax.get("artists", [])] + doc["figure"].get(
        "artists", []
    )
    texts = sum(n.get("type") in ("text", "text3d") for n in nodes)
    texts += sum(1 + 4 * len(n.get("labels", [])) for n in nodes if n.get("type") in ("legend", "figure_legend"))
    if any(n.get("type") == "legend" for n in doc["figure"].get("artists", [])):
        raise Refused("malformed", "a legend node at figure level")
    if any(n.get("type") in SCENE_NODE_TYPES_3D for n in doc["figure"].get("artists", [])):
        raise Refused("malformed", "a 3D node at figure level")
    axes_list = doc["figure"].get("axes", [])
    if any(s.get("placement", "axes") not in ("axes", "data") for ax in axes_list for s in ax.get("spines", [])):
        raise Refused("malformed", "a spine placed other than in axes fraction or data")
    if any(n.get("type") == "figure_legend" for ax in axes_list for n in ax.get("artists", [])):
        raise Refused("malformed", "a figure legend in an axes")
    for node in doc["figure"].get("artists", []):
        if node.get("type") != "figure_legend":
            continue
        if not len(node["labels"]) == len(node["entries"]) == len(node["entry_axes"]):
            raise Refused("malformed", "figure legend entries miscounted")
        if node.get("outside", "upper") not in ("upper", "lower", "left", "right"):
            raise Refused("malformed", "a figure legend outside on no side")
        for a, e in zip(node["entry_axes"], node["entries"]):
            found = [n for n in axes_list[a].get("artists", []) if n.get("id") == e] if 0 <= a < len(axes_list) else []
            if not found or found[0]["type"] not in LEGEND_ENTRIES:
                raise Refused("malformed", "a figure legend entry that names no line, patch or collection")
    if texts > limits["max_text_nodes"]:
        raise Refused("limit-exceeded", "text nodes")
    if glyph_pixels(doc) > limits["max_glyph_pixels"]:
        raise Refused("limit-exceeded", "glyph pixels")
    params = doc["figure"].get("layout", {}).get("subplotpars")
    if params is not None and not (params[0] < params[2] and params[1] < params[3] and min(params[4:]) >= 0):
        raise Refused("malformed", "subplot parameters out of order")
    for i, ax in enumerate(doc["figure"].get("axes", [])):
        for share in ("sharex", "sharey"):
            if share in ax and not 0 <= ax[share] < i:
                raise Refused("malformed", f"{share} names axes {ax[share]}")
        if ax.get("projection") == "3d" and any(name in ax for name in NOT_IN_3D_AXES):
            raise Refused("malformed", "a 3D axes with a field it may not have")
        if ax.get("projection") != "3d" and any(n.get("type") in SCENE_NODE_TYPES_3D for n in ax.get("artists", [])):
            raise Refused("malformed", "a 3D node in an axes that is not 3D")
        if "colorbar" in ax:
            check_colorbar(ax["colorbar"], i, doc["figure"]["axes"], limits)
        ids: Dict[int, Mapping[str, Any]] = {}
        if sum(node.get("type") == "legend" for node in ax.get("artists", [])) > 1:
            raise Refused("malformed", "two legends in one axes")
        for node in ax.get("artists", []):
            if "id" in node:
                if node["id"] in ids:
                    raise Refused("malformed", f"artist id {node['id']} twice")
                ids[node["id"]] = node
            if node.get("type") == "legend":
                if len(node["labels"]) != len(node["entries"]):
                    raise Refused("malformed", "legend labels miscounted")
                entries = [ids.get(e) for e in node["entries"]]
                if any(
                    e is None or e["type"] not in LEGEND_ENTRIES for e in entries
                ):
                    raise Refused("malformed", "a legend entry that names no earlier line, patch, collection or 3D one")
                for e in entries:
                    size = e.get("markersize", 6.0) if e["type"] in ("line", "line3d") else 6.0
                    if "sizes" in e and _items(e["sizes"]):
                        size = max(_numbers(e["sizes"])) ** 0.5
                    if size * node.get("markerscale", 1.0) > 1000.0:
                        raise Refused("malformed", "a legend marker over 1000 points")
        for box in ("position", "original_position"):
            if box in ax and min(ax[box][2:]) < 0:
                raise Refused("malformed", f"{box} has a negative size")
        for name in ("xaxis", "yaxis", "zaxis"):
            for which in ("major", "minor"):
                ticks = ax.get(name, {}).get(which)
                if ticks is not None and len(ticks["labels"]) != _items(ticks["locs"]):
                    raise Refused("malformed", "tick labels miscounted")
                if ticks is not None and _items(ticks["locs"]) > limits["max_ticks"]:
                    raise Refused("limit-exceeded", "too many ticks")
            base = ax.get(name, {}).get("locator_base")
            view = ax.get({"xaxis": "xlim", "yaxis": "ylim", "zaxis": "zlim"}[name])
            if base is not None and view is None:
                raise Refused("malformed", "a multiple locator without view limits")
            if base is not None and abs(view[1] - view[0]) / base > limits["max_ticks"]:
                raise Refused("limit-exceeded", "a multiple locator too fine for its view")
        for node in ax.get("artists", []):
            if isinstance(node.get("norm"), dict):
                check_norm(node["norm"])
            for path in (node.get(k) for k in ("paths", "path", "polygons", "segments")):
                if not isinstance(path, dict) or not isinstance(path.get("vertices"), dict):
                    continue
                count = path["vertices"]["shape"][0]  # (n, 2), or (n, 3) in a 3D node
                if count * path.get("interpolation_steps", 1) > limits["max_curved_vertices"]:
                    raise Refused("limit-exceeded", "a curved path's vertices")
                if path and "codes" in path and _items(path["codes"]) and path["codes"]["bytes"][0] != 1:
                    raise Refused("malformed", "path codes that do not start with MOVETO")
                if path and "lengths" in path and _items(path["lengths"]) > limits["max_paths"]:
                    raise Refused("limit-exceeded", "paths in one node")
                if path and "lengths" in path:
                    lengths = struct.unpack(f"<{_items(path['lengths'])}q", path["lengths"]["bytes"])
                    if sum(lengths) != count:
                        raise Refused("malformed", "path lengths")


def glyph_pixels(doc: Mapping[str, Any]) -> float:
    """§16.5's text cost: characters times (points x dpi / 72) squared, a string of no size
    at 20 pt; tick labels twice, plus their offset string."""
    em = doc["figure"]["dpi"] / 72.0
    total = 0.0
    stack: List[Any] = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("text"), str):
                total += len(value["text"]) * (value.get("fontsize", 20.0) * em) ** 2
            if isinstance(value.get("labels"), list):
                chars = 2 * sum(len(label) for label in value["labels"]) + len(value.get("offset", ""))
                total += chars * (value.get("style", {}).get("labelsize", value.get("fontsize", 20.0)) * em) ** 2
            if isinstance(value.get("title"), str):  # a legend's
                total += len(value["title"]) * (value.get("title_fontsize", 20.0) * em) ** 2
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return total


_STRUCT_CODES = {"f8": "d", "f4": "f", "f2": "e", "i1": "b", "i2": "h", "i4": "i", "i8": "q",
                 "u1": "B", "u2": "H", "u4": "I", "u8": "Q", "b1": "?"}  # fmt: skip


def _numbers(ref: Mapping[str, Any]) -> List[float]:
    order = "<" if ref["dtype"][0] in "|=" else ref["dtype"][0]
    return list(struct.unpack(f"{order}{_items(ref)}{_STRUCT_CODES[ref['dtype'][1:]]}", ref["bytes"]))


def check_colorbar(
    colorbar: Mapping[str, Any], index: int, axes: Sequence[Mapping[str, Any]], limits: Mapping[str, int]
) -> None:
    """§16.4's colorbar rules: earlier whole-number parents, increasing bands, one value
    per band, a colormap table within max_lut."""
    if not 1 <= colorbar["lut"]["shape"][0] <= limits["max_lut"]:
        raise Refused("limit-exceeded" if colorbar["lut"]["shape"][0] else "malformed", "colormap table size")
    if "placement" in colorbar and not colorbar["placement"]["parents"]:
        raise Refused("malformed", "a colorbar placed beside no parent")
    for p in colorbar.get("placement", {}).get("parents", []):
        if p != int(p) or not 0 <= p < index or not {"cell", "twin"} & set(axes[int(p)]):
            raise Refused("malformed", f"colorbar parent {p}")
    for edges in (colorbar.get("boundaries"), colorbar.get("values"), colorbar["norm"].get("boundaries")):
        if edges is not None and _items(edges) > limits["max_ticks"] + 1:
            raise Refused("limit-exceeded", "colorbar bands, a tick each")
    edges = colorbar.get("boundaries", colorbar.get("values"))
    if edges is not None:
        numbers = _numbers(edges)
        if len(numbers) < 2 or any(b <= a for a, b in zip(numbers, numbers[1:])):
            raise Refused("malformed", "colorbar bands that do not increase")
    if "boundaries" in colorbar and "values" in colorbar:
        if _items(colorbar["values"]) != _items(colorbar["boundaries"]) - 1:
            raise Refused("malformed", "colorbar values miscounted")


def check_norm(norm: Mapping[str, Any]) -> None:
    """§16.4's norm rules: limits in order, log limits above 0, a two-slope centre strictly
    inside, boundaries increasing."""
    vmin, vmax, centre = norm.get("vmin"), norm.get("vmax"), norm.get("vcenter")
    if vmin is not None and vmax is not None and vmin > vmax:
        raise Refused("malformed", "vmin above vmax")
    if norm.get("kind") == "log" and any(v is not None and v <= 0 for v in (vmin, vmax)):
        raise Refused("malformed", "a log norm limit at or below 0")
    if norm.get("kind") == "twoslope" and centre is not None:
        if (vmin is not None and not vmin < centre) or (vmax is not None and not centre < vmax):
            raise Refused("malformed", "a two-slope centre outside its limits")
    if norm.get("kind") == "boundary":
        edges = norm.get("boundaries")
        values = (
            struct.unpack(f"{edges['dtype'][0].replace('|', '<')}{_items(edges)}d", edges["bytes"]) if edges else ()
        )
        if len(values) < 2 or any(b <= a for a, b in zip(values, values[1:])):
            raise Refused("malformed", "boundaries not increasing")


def _xy(ref: Mapping[str, Any]) -> List[List[float]]:
    fmt = {"<": "<", ">": ">", "|": "<", "=": "="}[ref["dtype"][0]] + f"{len(ref['bytes']) // 8}d"
    values = struct.unpack(fmt, ref["bytes"])
    return [list(values[i : i + 2]) for i in range(0, len(values), 2)]


def check_scene(case: Mapping[str, Any]) -> None:
    limits = {**SCENE_LIMITS, **case.get("scene_limits", {})}
    frames = _frames(case)
    if "error" in case:
        got = _refusal(lambda: check_scene_rules(read_scene(frames, limits), limits))
        if got is None:
            raise Unsupported(f"refusing it takes the field tables of §16.4 ({case['error']})")
        assert got == case["error"], f"refused with {got}, expected {case['error']}"
        return
    doc = read_scene(frames, limits)
    check_scene_rules(doc, limits)
    want = case["expected"]
    skipped = len(doc.get("skipped", []))
    axes_seen = []
    colorbars = {c["axes"]: c for c in want.get("colorbars", [])}
    for i, ax in enumerate(doc["figure"].get("axes", [])):
        counts: Dict[str, int] = {}
        if i in colorbars:  # made by the consumer's matplotlib: its artists are its own
            made = ax["colorbar"]
            got = (made["orientation"], made.get("extend", "neither"), made.get("placement", {}).get("parents"))
            assert got == tuple(colorbars[i][k] for k in ("orientation", "extend", "parents")), got
            axes_seen.append({"xlim": ax["xlim"], "ylim": ax["ylim"], "artists": {}})
            continue
        legend_made = any(node.get("type") == "legend" for node in ax.get("artists", []))
        placed = {s["name"] for s in ax.get("spines", []) if "placement" in s and "at" in s and s["name"] in SIDES}
        for node in ax.get("artists", []):
            if node.get("drawn_by") == "legend" and legend_made:
                continue  # the consumer's own legend draws these
            if node.get("type") == "patch" and node.get("spine") in placed:
                continue  # the spine the consumer placed draws it (scene 1.5)
            if node["type"] in SCENE_NODE_TYPES:
                counts[node["type"]] = counts.get(node["type"], 0) + 1
            elif node.get("optional") is True:
                skipped += 1
            else:
                raise AssertionError(f"an unknown required node {node['type']!r} in a valid case")
        axes_seen.append({"xlim": ax["xlim"], "ylim": ax["ylim"], "artists": counts})
    made = [n for n in doc["figure"].get("artists", []) if n.get("type") == "figure_legend"]
    assert [n["labels"] for n in made] == want.get("figure_legends", []), made
    spines = []
    for i, ax in enumerate(doc["figure"].get("axes", [])):
        drawn = {n.get("spine") for n in ax.get("artists", []) if n.get("type") == "patch"}
        for s in ax.get("spines", []):
            if "placement" in s and "at" in s and s["name"] in SIDES:
                spines.append({"axes": i, "name": s["name"], "position": [s["placement"], s["at"]], "visible": s["name"] in drawn})
    assert spines == want.get("spines", []), spines
    assert axes_seen == want["axes"], axes_seen
    assert skipped == want["skipped"], skipped
    if "first_line" in want:
        line = next(n for ax in doc["figure"]["axes"] for n in ax["artists"] if n["type"] == "line")
        assert line["color"] == want["first_line"]["color"]
        xy = _xy(line["xy"])
        assert xy == want["first_line"]["xy"] if "xy" in want["first_line"] else len(xy) == want["first_line"]["xy_len"]
    for i, j in want.get("shared_x", []):
        assert doc["figure"]["axes"][j].get("sharex") == i


CHECKS = {
    "valid": check_valid,
    "invalid": check_invalid,
    "join": check_join,
    "verdict": check_verdict,
    "negotiate": check_negotiate,
    "auth": check_auth,
    "control": check_control,
    "scene": check_scene,
}


def main(argv: Sequence[str]) -> int:
    directory = Path(argv[0]) if argv else VECTORS
    failures = 0
    for kind, check in CHECKS.items():
        cases = json.loads((directory / f"{kind}.json").read_text(encoding="utf-8"))["cases"]
        passed = skipped = 0
        for case in cases:
            try:
                check(case)
            except Unsupported as exc:
                skipped += 1
                print(f"{kind}/{case['id']}: skipped ({exc})")
            except Exception as exc:  # report every case, not just the first failure
                failures += 1
                print(f"{kind}/{case['id']}: FAILED: {type(exc).__name__}: {exc}")
            else:
                passed += 1
        print(f"{kind}.json: {passed} passed, {skipped} skipped, {len(cases) - passed - skipped} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
