"""Negotiation: a client advertises what it can use; a producer packs only that.

The advert (``capabilities()``) is a small msgpack/JSON-able map, carried however the
transport likes (comm_open data, kernel_info extras, a header): there is no handshake,
and a producer without an advert sends the default set and lets the receiver decide.
A forwarder that will not use a part ``strip``s it from the envelope without touching
any payload (no matplotlib needed), so a notebook server passes on only the fallbacks.
"""

from __future__ import annotations

import pickle
import platform
from dataclasses import dataclass, replace
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from ._auth import KeyLike, sign
from ._codec import Frame, available_codecs, encode_envelope, lent_frames, read_header
from ._compat import Verdict, _local_package, remote_environment, verdict
from ._envelope import _VERSION_RE, Header, Part, _check
from ._errors import DecodeError, EncodeError
from ._spec import (
    ADVERT_FIELDS,
    DEFAULT_LIMITS,
    FALLBACK_TYPES,
    FORMAT_VERSION,
    PICKLE_PROTOCOLS,
    READABLE_MAJORS,
    ErrorCode,
    Limits,
    format_version_str,
)
from ._version import __version__

__all__ = ["capabilities", "strip"]

#: Every part name a client may accept, in figwire's default preference order.
#: Every part a producer can make: the two live ones, then the fallbacks.
ALL_PARTS = ("pickle", "scene") + FALLBACK_TYPES


def capabilities(
    *,
    accept: Sequence[str] = ALL_PARTS,
    load_pickles: bool = True,
    max_message_bytes: Optional[int] = None,
    packages: Iterable[str] = (),
) -> Dict[str, Any]:
    """This process's advert: what it reads and can use, in preference order.

    ``accept`` lists part names (``"pickle"`` and media types), best first;
    ``load_pickles=False`` says the client will never load a pickle (so none is sent);
    ``packages`` names extra packages (pandas, cartopy, ...) whose versions the
    producer should check a pickle against.
    """
    import matplotlib
    import numpy

    unknown = [p for p in accept if p not in ALL_PARTS]
    if unknown:
        raise EncodeError(f"cannot accept {unknown}: known parts are {list(ALL_PARTS)}")
    found = {name: _local_package(name) for name in packages}
    caps: Dict[str, Any] = {
        "figwire": __version__,
        "formats": [
            format_version_str((major, FORMAT_VERSION[1] if major == FORMAT_VERSION[0] else 0))
            for major in sorted(READABLE_MAJORS)
        ],
        "python": platform.python_version(),
        "matplotlib": matplotlib.__version__,
        "numpy": numpy.__version__,
        "pickle_protocol": pickle.HIGHEST_PROTOCOL,
        "accept": list(accept),
        "pickle": bool(load_pickles),
        "codecs": list(available_codecs()),
        "packages": found,  # None: asked about, not installed
    }
    if max_message_bytes is not None:
        caps["max_message_bytes"] = int(max_message_bytes)
    return caps


@dataclass(frozen=True)
class Plan:
    """What a producer makes for one client, decided before anything is rendered."""

    parts: Tuple[str, ...]
    codec: Optional[str]
    protocol: int
    left_out: Mapping[str, str]  # requested parts the client will not get, and why


@dataclass(frozen=True)
class Advert:
    """A client's advert, checked: the producer-side view of ``capabilities()`` (§12).

    Unknown keys and unknown part names are ignored, as in the envelope; a known key
    of the wrong type is refused.
    """

    caps: Mapping[str, Any]
    accept: Tuple[str, ...]
    pickles: bool
    codecs: Tuple[str, ...]
    highest_protocol: int
    max_message_bytes: Optional[int]

    @classmethod
    def read(cls, caps: Mapping[str, Any]) -> "Advert":
        if not isinstance(caps, Mapping):
            raise EncodeError("accept= takes a capabilities() map")
        formats = caps.get("formats", [format_version_str()])  # read first: it decides the rest
        if not isinstance(formats, list) or not all(isinstance(f, str) and _VERSION_RE.match(f) for f in formats):
            raise EncodeError(f"the advert's 'formats' must be a list of major.minor versions, not {formats!r}")
        if not any(f.partition(".")[0] == str(FORMAT_VERSION[0]) for f in formats):
            raise EncodeError(
                f"the client reads figwire formats {formats}; this producer writes {format_version_str()}",
                ErrorCode.UNSUPPORTED_VERSION,
            )
        try:
            known = _check(dict(caps), ADVERT_FIELDS, "advert")
        except DecodeError as exc:
            raise EncodeError(exc.args[0]) from None
        for name in ("max_message_bytes", "pickle_protocol"):
            if known.get(name, 0) < 0:
                raise EncodeError(f"the advert's {name!r} must not be negative")
        return cls(
            caps=caps,
            accept=tuple(p for p in known.get("accept", ALL_PARTS) if p in ALL_PARTS),
            pickles=known.get("pickle", True),
            codecs=tuple(known.get("codecs", ())),
            highest_protocol=known.get("pickle_protocol", 5),
            max_message_bytes=known.get("max_message_bytes"),
        )

    def plan(self, requested: Sequence[str], codec: Optional[str], protocol: int) -> Plan:
        """The pickle if requested, accepted and loadable by protocol; the scene if
        requested and accepted; then the client's favourite fallback among those
        requested; the codec only if the client has it."""
        left_out: Dict[str, str] = {}
        chosen: List[str] = []
        if "pickle" in requested:
            if "pickle" not in self.accept or not self.pickles:
                left_out["pickle"] = "not sent: the client does not load pickles"
            elif min(protocol, self.highest_protocol) < min(PICKLE_PROTOCOLS):
                left_out["pickle"] = f"not sent: the client reads pickle protocols up to {self.highest_protocol}"
            else:
                chosen.append("pickle")
        if "scene" in requested and "scene" in self.accept:
            chosen.append("scene")  # pack drops it again when the client can load the pickle
        fallbacks = [p for p in self.accept if p not in ("pickle", "scene") and p in requested]
        chosen.extend(fallbacks[:1])
        for name in requested:
            if name not in chosen and name not in left_out:
                left_out[name] = (
                    "not sent: the client prefers another part"
                    if name in self.accept
                    else "not sent: the client does not accept it"
                )
        return Plan(
            tuple(chosen), codec if codec in self.codecs else None, min(protocol, self.highest_protocol), left_out
        )

    def verdict(self, header: Header) -> Verdict:
        """Whether this client could load ``header``'s pickle (§11 on the advertised environment)."""
        return verdict(header, remote_environment(self.caps))


def strip(
    frames: Sequence[Frame],
    keep: Iterable[str],
    *,
    limits: Limits = DEFAULT_LIMITS,
    key: Optional[KeyLike] = None,
    reason: str = "removed by a forwarder",
) -> List[Frame]:
    """The same message with only the parts named in ``keep`` (``"pickle"``, ``"scene"`` or media types).

    Only the envelope is rewritten: kept frames are passed through as the same objects
    (a kept part that borrowed from a removed one takes those frames as its own, §5.6),
    and the envelope's ``missing`` gives ``reason`` for each part removed. A changed
    message is no longer signed (its tag is dropped); ``key`` signs the result again,
    for a forwarder its consumers trust (``figwire.sign``).
    """
    header = read_header(frames, limits)
    keep = set(keep)
    owners = lent_frames(header)
    kept = [_self_contained(p, owners, keep) for p in header.parts if p.name in keep]
    missing = dict(header.missing)
    missing.update((p.name, reason) for p in header.parts if p.name not in keep)
    out: List[Frame] = [b""]
    moved: Dict[int, int] = {}
    for part in kept:
        for index in part.frames:
            moved.setdefault(index, len(out))
            out.append(frames[index])
    parts = [
        replace(
            part,
            frames=tuple(range(start, start + len(part.frames))),
            borrows=tuple(moved[i] for i in part.borrows),
        )
        for part, start in zip(kept, _starts(kept))
    ]
    out[0] = encode_envelope(replace(header, parts=tuple(parts), missing=missing, auth=None))
    if key is not None:
        return sign(out, key, limits=limits)
    return out


def _self_contained(part: Part, owners: Dict[int, Tuple[Part, int]], keep: Set[str]) -> Part:
    """``part`` as it travels once some parts are removed: when a part it borrows from
    (§5.6) is removed, it takes every frame it borrows as its own, in the same order (its
    content numbers them after its own frames, so nothing inside it changes), with the
    lender's sizes and digests (the same algorithm: read_header checked it)."""
    lent = [owners[i] for i in part.borrows]
    if all(q.name in keep for q, _ in lent):
        return part
    digests = None
    if part.digests is not None:
        digests = (*part.digests, *(q.digests[k] for q, k in lent if q.digests is not None))
    return replace(
        part,
        frames=(*part.frames, *part.borrows),
        sizes=(*part.sizes, *(q.sizes[k] for q, k in lent)),
        digests=digests,
        borrows=(),
    )


def _starts(parts: Sequence[Part]) -> List[int]:
    """Where each part's frames start in a message that lays them out in order after frame 0."""
    starts, at = [], 1
    for part in parts:
        starts.append(at)
        at += len(part.frames)
    return starts
