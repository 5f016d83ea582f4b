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
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ._codec import Frame, available_codecs, encode_envelope, read_header
from ._compat import _local_package, remote_environment, verdict
from ._envelope import Header
from ._errors import EncodeError
from ._spec import DEFAULT_LIMITS, FALLBACK_TYPES, FORMAT_VERSION, READABLE_MAJORS, ErrorCode, Limits, format_version_str
from ._version import __version__

__all__ = ["capabilities", "strip"]

#: Every part name a client may accept, in figwire's default preference order.
ALL_PARTS = ("pickle",) + FALLBACK_TYPES


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
        "formats": [format_version_str((major, FORMAT_VERSION[1] if major == FORMAT_VERSION[0] else 0)) for major in sorted(READABLE_MAJORS)],
        "python": platform.python_version(),
        "matplotlib": matplotlib.__version__,
        "numpy": numpy.__version__,
        "pickle_protocol": pickle.HIGHEST_PROTOCOL,
        "accept": list(accept),
        "pickle": bool(load_pickles),
        "codecs": list(available_codecs()),
        "packages": {name: version for name, version in found.items() if version is not None},
    }
    if max_message_bytes is not None:
        caps["max_message_bytes"] = int(max_message_bytes)
    return caps


@dataclass(frozen=True)
class Advert:
    """A client's advert, checked: the producer-side view of ``capabilities()``."""

    caps: Mapping[str, Any]
    accept: Tuple[str, ...]
    pickles: bool
    codecs: frozenset
    max_message_bytes: Optional[int]

    @classmethod
    def read(cls, caps: Mapping[str, Any]) -> "Advert":
        if not isinstance(caps, Mapping):
            raise EncodeError("accept= takes a capabilities() map")
        formats = caps.get("formats", [format_version_str()])
        if not any(str(f).partition(".")[0] == str(FORMAT_VERSION[0]) for f in formats):
            raise EncodeError(f"the client reads figwire formats {list(formats)}; this producer writes {format_version_str()}", ErrorCode.UNSUPPORTED_VERSION)
        accept = tuple(p for p in caps.get("accept", ALL_PARTS) if p in ALL_PARTS)  # unknown names: ignored
        limit = caps.get("max_message_bytes")
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise EncodeError(f"max_message_bytes must be a non-negative int, not {limit!r}")
        return cls(caps, accept, bool(caps.get("pickle", True)), frozenset(caps.get("codecs", ())), limit)

    def parts(self, requested: Sequence[str]) -> List[str]:
        """What to make: the pickle if wanted and accepted, and the client's favourite
        fallback among those requested (all of them only if it accepts nothing requested)."""
        wanted = [p for p in self.accept if p in requested]
        fallbacks = [p for p in wanted if p != "pickle"]
        chosen = ["pickle"] if "pickle" in wanted and self.pickles else []
        return chosen + fallbacks[:1]

    def codec(self, codec: Optional[str]) -> Optional[str]:
        """The producer's codec if the client decodes it, else none."""
        return codec if codec in self.codecs else None

    def refuse_pickle(self, header: Header) -> Optional[str]:
        """Why this client could not load ``header``'s pickle (None: it could)."""
        decision = verdict(header, remote_environment(self.caps))
        return None if decision.ok else decision.reason


def strip(frames: Sequence[Frame], keep: Iterable[str], *, limits: Limits = DEFAULT_LIMITS) -> List[Frame]:
    """The same message with only the parts named in ``keep`` (``"pickle"`` or media types).

    Only the envelope is rewritten: kept frames are passed through as the same objects,
    and the envelope's ``missing`` says which parts a forwarder removed.
    """
    header = read_header(frames, limits)
    keep = set(keep)
    out: List[Frame] = [b""]
    parts = []
    missing = dict(header.missing)
    for part in header.parts:
        name = "pickle" if part.role == "pickle" else part.media_type
        if name not in keep:
            missing[name] = "removed by a forwarder"
            continue
        parts.append(replace(part, frames=tuple(range(len(out), len(out) + len(part.frames)))))
        out.extend(frames[i] for i in part.frames)
    out[0] = encode_envelope(replace(header, parts=tuple(parts), missing=missing))
    return out
