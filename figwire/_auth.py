"""Message authentication (spec §13.5): a keyed MAC over every frame, in one pass.

A signed message ends with a **tag frame**: ``AUTH_MAGIC``, one byte *n*, the *n*-byte
ASCII algorithm name, then the tag. The tag is the MAC, under the shared key, of::

    tag frame's bytes before the tag | u64 N | for each of the N other frames, in order: u64 length | bytes

(integers big-endian). Every frame's length is bound in and their count too, so no
boundary, reordering, truncation or splicing trick moves bytes between frames; the
envelope is covered, and with it its ``auth`` map, the message ``id`` and ``created``.
The MAC is fed each frame's buffer directly (``update`` on a view): one pass, no copy.

A verifier finds the tag without parsing anything (it is the last frame), so it checks
sizes against ``Limits`` and then the tag *before* the envelope is decoded: a tampered
message yields ``auth-failed`` and nothing from it is used. Sans-IO like the codec:
keys arrive as values (``_keys`` reads them from files and the environment).
"""

from __future__ import annotations

import hmac
import struct
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple, Union

import msgpack

from ._codec import Frame, as_view, decode_envelope_map, frame_count, read_header
from ._envelope import Auth, Header
from ._errors import DecodeError, InvalidKeyError, LimitExceededError
from ._spec import (
    AUTH_MAGIC,
    AUTH_TAG_SIZES,
    BLAKE3_KEY_CONTEXT,
    DEFAULT_AUTH_ALG,
    DEFAULT_LIMITS,
    ENVELOPE_MAGIC,
    FORMAT_VERSION,
    MIN_KEY_BYTES,
    MIN_KEY_DISTINCT,
    AuthAlg,
    ErrorCode,
    Limits,
    format_version_str,
)

__all__ = ["Key", "sign", "verify", "authenticate", "available_algorithms"]

_U64 = struct.Struct(">Q")


@dataclass(frozen=True, repr=False)
class Key:
    """A shared key and the algorithm to sign with. Its ``repr`` never shows the secret.

    Any supported algorithm is accepted when verifying (they are all strong), so ``alg``
    only chooses how this side signs; ``id`` names the key in the envelope (``key_id``),
    to pick among several, and is never secret.
    """

    secret: bytes
    alg: str = DEFAULT_AUTH_ALG
    id: Optional[str] = None

    def __post_init__(self) -> None:
        if not isinstance(self.secret, bytes):
            raise InvalidKeyError(f"a key's secret must be bytes, not {type(self.secret).__name__}")
        if not self.secret:
            raise InvalidKeyError("the key is empty (an empty Jupyter key means signing is off)")
        if len(self.secret) < MIN_KEY_BYTES or len(set(self.secret)) < MIN_KEY_DISTINCT:
            raise InvalidKeyError(
                f"the key is too weak: use at least {MIN_KEY_BYTES} bytes with at least {MIN_KEY_DISTINCT} "
                "different values (e.g. secrets.token_hex(32), or a Jupyter connection file's key)"
            )
        if self.alg not in AUTH_TAG_SIZES:
            raise InvalidKeyError(f"unknown algorithm {self.alg!r}; figwire signs with {', '.join(AUTH_TAG_SIZES)}")
        if self.id is not None and not isinstance(self.id, str):
            raise InvalidKeyError(f"a key id must be a str, not {type(self.id).__name__}")

    def __repr__(self) -> str:
        return f"Key(alg={self.alg!r}, id={self.id!r}, secret=<{len(self.secret)} bytes, not shown>)"

    __str__ = __repr__


KeyLike = Union[Key, bytes, bytearray, memoryview, str]


def as_key(key: KeyLike) -> Key:
    """``key`` as a ``Key``: bytes as they are, a str as its UTF-8 bytes (Jupyter's keys are text)."""
    if isinstance(key, Key):
        return key
    if isinstance(key, str):
        return Key(key.encode("utf-8"))
    if isinstance(key, (bytes, bytearray, memoryview)):
        return Key(bytes(key))
    raise InvalidKeyError(f"a key must be bytes, str or figwire.Key, not {type(key).__name__}")


def available_algorithms() -> Tuple[str, ...]:
    """The algorithms this process can sign and verify with."""
    return tuple(a.value for a in AuthAlg if a is not AuthAlg.BLAKE3 or _blake3() is not None)


def _blake3() -> Any:
    try:
        import blake3
    except ImportError:
        return None
    return blake3


def _mac(alg: str, secret: bytes) -> Any:
    """A fresh keyed hash object for ``alg``; None if this process lacks it."""
    if alg == AuthAlg.HMAC_SHA256.value:
        return hmac.new(secret, digestmod="sha256")
    if alg == AuthAlg.HMAC_SHA512.value:
        return hmac.new(secret, digestmod="sha512")
    if alg == AuthAlg.BLAKE3.value:
        blake3 = _blake3()
        if blake3 is None:
            return None
        return blake3.blake3(key=blake3.blake3(secret, derive_key_context=BLAKE3_KEY_CONTEXT).digest())
    return None


def _prefix(alg: str) -> bytes:
    name = alg.encode("ascii")
    return AUTH_MAGIC + bytes([len(name)]) + name


def compute_tag(views: Sequence[memoryview], alg: str, secret: bytes) -> bytes:
    """The MAC of the frames ``views`` (every frame but the tag frame, in order)."""
    mac = _mac(alg, secret)
    if mac is None:
        raise InvalidKeyError(f"algorithm {alg!r} is not available here (have: {', '.join(available_algorithms())})")
    mac.update(_prefix(alg))
    mac.update(_U64.pack(len(views)))
    for view in views:
        mac.update(_U64.pack(view.nbytes))
        mac.update(view)
    return bytes(mac.digest())


def tag_frame(views: Sequence[memoryview], key: Key) -> bytes:
    return _prefix(key.alg) + compute_tag(views, key.alg, key.secret)


def _failed(why: str) -> DecodeError:
    return DecodeError(ErrorCode.AUTH_FAILED, why)


def read_tag(view: memoryview) -> Optional[Tuple[str, bytes]]:
    """(algorithm, tag) if ``view`` is a tag frame, None if it is not one at all."""
    if view.nbytes < len(AUTH_MAGIC) + 1 or view[: len(AUTH_MAGIC)] != AUTH_MAGIC:
        return None
    n = view[len(AUTH_MAGIC)]
    start = len(AUTH_MAGIC) + 1 + n
    alg = bytes(view[len(AUTH_MAGIC) + 1 : start]).decode("ascii", "replace")
    size = AUTH_TAG_SIZES.get(alg)
    if size is None or alg not in available_algorithms():
        raise _failed(f"the tag frame names algorithm {alg!r}, which this consumer does not verify")
    if view.nbytes != start + size:
        raise _failed(f"the {alg} tag frame has {view.nbytes} bytes, not {start + size}")
    return alg, bytes(view[start:])


def sized(frames: Sequence[Frame], limits: Limits) -> List[memoryview]:
    """The frames as views, with their count and sizes checked against ``limits``: before
    any hashing, so an oversized unauthenticated message costs no MAC pass."""
    frame_count(frames, limits)
    views = [as_view(f) for f in frames]
    if views[0].nbytes > limits.max_envelope_bytes:
        raise LimitExceededError("envelope frame bytes", views[0].nbytes, limits.max_envelope_bytes)
    total = sum(v.nbytes for v in views)
    if total > limits.max_message_bytes:
        raise LimitExceededError("message bytes (every frame)", total, limits.max_message_bytes)
    return views


def check_tag(views: Sequence[memoryview], tag: Tuple[str, bytes], key: Key) -> str:
    """Check ``tag`` (from ``read_tag(views[-1])``) over the other frames, in constant
    time; the algorithm if it verifies, ``DecodeError(auth-failed)`` if not."""
    alg, received = tag
    if not hmac.compare_digest(compute_tag(views[:-1], alg, key.secret), received):
        raise _failed(f"the {alg} tag does not match: the message was changed, or signed with another key")
    return alg


def authenticate(frames: Sequence[Frame], key: KeyLike, limits: Limits = DEFAULT_LIMITS) -> Tuple[Header, bool]:
    """Check ``frames`` with ``key``, then decode the envelope: ``(header, signed)``.

    A tag that does not verify, or an envelope that declares a tag the message lacks,
    raises ``DecodeError(auth-failed)`` before the envelope is decoded or any part is
    touched. An unsigned message gives ``signed=False``: its caller may show its images
    but must not load its pickle (§13.1).
    """
    key = as_key(key)
    views = sized(frames, limits)
    tag = read_tag(views[-1]) if len(views) >= 2 else None
    if tag is None:
        try:
            wire = decode_envelope_map(views[0], limits)
        except DecodeError:
            if any(v[: len(AUTH_MAGIC)] == AUTH_MAGIC for v in views):  # the tag and envelope swapped, say
                raise _failed("the message has a tag frame, but not as its last frame") from None
            raise
        if isinstance(wire, dict) and "auth" in wire:  # before the part table, which it breaks
            raise _failed(
                "the envelope says the message is signed, but its last frame is not a tag "
                "(the tag was dropped or moved, or frames were appended)"
            )
        return read_header(frames, limits), False
    alg = check_tag(views, tag, key)
    header = read_header(frames, limits)
    if header.auth is None or header.auth.alg != alg:
        raise _failed("the tag verifies but the envelope does not declare it (a producer bug)")
    return header, True


def verify(frames: Sequence[Frame], key: KeyLike, *, limits: Limits = DEFAULT_LIMITS) -> Header:
    """The envelope of a message signed with ``key``; ``DecodeError`` otherwise
    (``auth-failed`` if tampered or signed with another key, ``not-signed`` if unsigned)."""
    header, signed = authenticate(frames, key, limits)
    if not signed:
        raise DecodeError(ErrorCode.NOT_SIGNED, "the message carries no authentication tag")
    return header


def sign(frames: Sequence[Frame], key: KeyLike, *, limits: Limits = DEFAULT_LIMITS) -> List[Frame]:
    """The same message signed with ``key`` (a previous tag is replaced).

    For a forwarder that changed a message (``strip``) and must vouch for it again, or a
    producer that packed without a key. Only the envelope is rewritten (its ``auth`` set,
    its version raised to at least 1.1, every other field kept, unknown ones included);
    the other frames are passed on as the same objects.
    """
    key = as_key(key)
    header = read_header(frames, limits)
    body = list(frames[: header.auth.frame] if header.auth is not None else frames)
    wire = decode_envelope_map(frames[0], limits)
    wire["figwire"] = format_version_str((header.version[0], max(header.version[1], FORMAT_VERSION[1])))
    wire["auth"] = Auth(key.alg, len(body), key.id).to_wire()
    body[0] = ENVELOPE_MAGIC + msgpack.packb(wire, use_bin_type=True)
    return [*body, tag_frame([as_view(f) for f in body], key)]
