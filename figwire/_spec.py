"""Every protocol constant of the figwire format, in one place.

The spec (``spec/figwire-1.rst``) renders its field, code and limit tables from this
module (``spec/tools/render_tables.py``) and a test fails when they drift, so change a
constant here and re-render; never edit the spec's tables by hand.

Nothing here imports matplotlib, numpy or msgpack: this is the codec's vocabulary.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Tuple

#: The format version this implementation writes: ``(major, minor)``. It is not the
#: package version; a minor only adds optional fields, a major may change anything
#: after the magic.
FORMAT_VERSION: Tuple[int, int] = (1, 4)

#: Majors this implementation reads (any minor of them).
READABLE_MAJORS = frozenset({1})

#: First bytes of frame 0. Never changes across versions: a receiver sharing a socket
#: with other traffic recognises figwire messages by it. The high bit catches 7-bit
#: transports, as PNG's signature does.
ENVELOPE_MAGIC = b"\x89FGW"

#: First bytes of a joined message (``figwire.join``), e.g. a ``.fgw`` file.
JOIN_MAGIC = b"\x89FGW-J\r\n"

#: Joined frames start at multiples of this, so arrays rebuilt over them are aligned.
JOIN_ALIGN = 64

#: Suffix for files that hold a joined message.
FILE_SUFFIX = ".fgw"

#: First bytes of a signed message's last frame, the authentication tag (§13.5).
AUTH_MAGIC = b"\x89FGA"

#: First bytes of a control message's frame 0 (§15.2): a request for a figure, or a
#: status that answers one without a figure. Never a figure message's magic, so one
#: socket carries both and a receiver tells them apart before parsing anything.
CONTROL_MAGIC = b"\x89FGC"

#: At most this many transport frames (a PUB/SUB topic, ROUTER identities and their
#: delimiter) precede a message on a ZeroMQ socket (§15.1).
MAX_PREFIX_FRAMES = 8


class ControlType(str, enum.Enum):
    """What a control message is (§15.2)."""

    REQUEST = "request"
    STATUS = "status"


class Role(str, enum.Enum):
    """What a part is for (§5)."""

    PICKLE = "pickle"
    SCENE = "scene"  # since 1.3 (§16)
    FALLBACK = "fallback"


class MediaType(str, enum.Enum):
    """Media types of the parts this implementation writes (§5)."""

    PICKLE = "application/vnd.figwire.pickle"
    SCENE = "application/vnd.figwire.scene"
    PNG = "image/png"
    SVG = "image/svg+xml"
    PDF = "application/pdf"


#: Fallback media types a producer may render; the first is the default fallback.
FALLBACK_TYPES = (MediaType.PNG.value, MediaType.SVG.value, MediaType.PDF.value)

#: The ``parts`` argument of ``pack`` when none is given.
DEFAULT_PARTS = ("pickle", "scene", MediaType.PNG.value)


class Codec(str, enum.Enum):
    """Per-part compression codecs (§6). Absent means the bytes are sent as they are."""

    ZLIB = "zlib"
    ZSTD = "zstd"


class DigestAlg(str, enum.Enum):
    """Digest algorithms a part may name (§6); names are ``hashlib`` names."""

    SHA256 = "sha256"
    BLAKE2B = "blake2b"


class AuthAlg(str, enum.Enum):
    """Message authentication algorithms (§13.5). HMAC names follow Jupyter's
    ``signature_scheme``; ``blake3`` (keyed BLAKE3) needs the ``blake3`` package."""

    HMAC_SHA256 = "hmac-sha256"
    HMAC_SHA512 = "hmac-sha512"
    BLAKE3 = "blake3"


#: The algorithm a producer signs with unless told otherwise (Jupyter's own default).
DEFAULT_AUTH_ALG = AuthAlg.HMAC_SHA256.value

#: Tag length in bytes of each algorithm.
AUTH_TAG_SIZES = {AuthAlg.HMAC_SHA256.value: 32, AuthAlg.HMAC_SHA512.value: 64, AuthAlg.BLAKE3.value: 32}

#: BLAKE3's key derivation context: keyed BLAKE3 takes a 32-byte key, derived from the
#: shared key with this context (so any shared key works, as with HMAC).
BLAKE3_KEY_CONTEXT = "figwire 1 message authentication key"

#: Shared keys shorter than this, or with fewer distinct byte values than
#: ``MIN_KEY_DISTINCT``, are refused as obviously weak (a Jupyter key is 36 characters).
MIN_KEY_BYTES = 16
MIN_KEY_DISTINCT = 8


#: The pickle protocol written by default. Protocol 5 carries out-of-band buffers.
DEFAULT_PICKLE_PROTOCOL = 5
PICKLE_PROTOCOLS = frozenset({4, 5})

#: Arrays at least this large travel as their own frames (pickle protocol 5 only).
#: Below it, a frame costs more than the copy into the pickle stream (pyzmq copies
#: anything under 64 KiB anyway).
OOB_THRESHOLD = 64 * 1024


class ErrorCode(str, enum.Enum):
    """Machine-readable error codes (§9). Every ``FigwireError`` carries one."""

    MALFORMED = "malformed"
    UNSUPPORTED_VERSION = "unsupported-version"
    LIMIT_EXCEEDED = "limit-exceeded"
    FRAME_MISMATCH = "frame-mismatch"
    DIGEST_MISMATCH = "digest-mismatch"
    CODEC_UNAVAILABLE = "codec-unavailable"
    CODEC_ERROR = "codec-error"
    PART_MISSING = "part-missing"
    PICKLE_REFUSED = "pickle-refused"
    INCOMPATIBLE = "incompatible"
    LOAD_FAILED = "load-failed"
    BACKEND_UNAVAILABLE = "backend-unavailable"
    INVALID_ARGUMENT = "invalid-argument"
    AUTH_FAILED = "auth-failed"
    NOT_SIGNED = "not-signed"
    REPLAYED = "replayed"
    INVALID_KEY = "invalid-key"
    NOT_FOUND = "not-found"


#: One line per code for the spec's table.
ERROR_MEANINGS = {
    ErrorCode.MALFORMED: "not a figwire message, or an envelope field has the wrong type or is missing",
    ErrorCode.UNSUPPORTED_VERSION: "the envelope's major format version is not one this decoder reads",
    ErrorCode.LIMIT_EXCEEDED: "a size or count is over the receiver's limit",
    ErrorCode.FRAME_MISMATCH: "frames do not match the part table: wrong count, index or byte length",
    ErrorCode.DIGEST_MISMATCH: "a frame's digest differs from the one its part declares",
    ErrorCode.CODEC_UNAVAILABLE: "a part uses a codec or digest this receiver does not have",
    ErrorCode.CODEC_ERROR: "a compressed frame does not decode to its declared length",
    ErrorCode.PART_MISSING: "the message has no part of the kind asked for",
    ErrorCode.PICKLE_REFUSED: "the receiver's policy forbids loading this pickle",
    ErrorCode.INCOMPATIBLE: "the pickle cannot load in this environment (versions, packages)",
    ErrorCode.LOAD_FAILED: "loading or first drawing the pickle raised",
    ErrorCode.BACKEND_UNAVAILABLE: "the requested GUI backend cannot start here",
    ErrorCode.INVALID_ARGUMENT: "a caller passed an argument figwire cannot use (producer side)",
    ErrorCode.AUTH_FAILED: (
        "a key was given and the message is not verifiably from its holder: its tag is wrong, "
        "missing though the envelope declares it, or of an unknown algorithm; nothing of it is used"
    ),
    ErrorCode.NOT_SIGNED: "verification was asked for and the message carries no authentication tag",
    ErrorCode.REPLAYED: "an authenticated message was seen before, or was created outside the accepted window",
    ErrorCode.INVALID_KEY: "a key is empty, obviously weak, or cannot be read (the key itself is never shown)",
    ErrorCode.NOT_FOUND: "a request names a figure the producer does not hold (any more)",
}


@dataclass(frozen=True)
class Limits:
    """Receiver-side limits; every count and size read from the wire is checked.

    Defaults are generous for figures (a 4096x4096 float64 image is 134 MB) and
    small for the envelope, which is all that is parsed before a part is used.
    """

    max_envelope_bytes: int = 1 << 20
    max_frames: int = 1 << 16
    max_message_bytes: int = 1 << 31
    max_parts: int = 64
    max_requires: int = 256

    def __post_init__(self) -> None:
        for name in ("max_envelope_bytes", "max_frames", "max_message_bytes", "max_parts", "max_requires"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive int, not {value!r}")


DEFAULT_LIMITS = Limits()


# -- The envelope's fields (§4). ---------------------------------------------------
# Each row: (name, wire type, required, added in format version, meaning).
# Wire types are the names used in the spec: str, int, float, bool, bin, map, array,
# "array of T", "map of str to T", and "x | nil" for a nullable field.


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    added: Tuple[int, int]
    meaning: str
    absent: str = ""  # adverts only: what a producer reads when the field is absent (§12.2)


ENVELOPE_FIELDS = (
    Field("figwire", "str", True, (1, 0), 'format version "major.minor"'),
    Field("id", "str", True, (1, 0), "message id, unique per producer"),
    Field("created", "float", True, (1, 0), "creation time, seconds since the Unix epoch (UTC)"),
    Field("producer", "map", True, (1, 0), "the producer's environment (§4.2)"),
    Field("figure", "map", True, (1, 0), "facts about the figure (§4.3)"),
    Field("parts", "array of map", True, (1, 0), "one descriptor per part (§5)"),
    Field("missing", "map of str to str", False, (1, 0), "parts asked for but left out, with the reason"),
    Field("auth", "map", False, (1, 1), "present when the message is signed (§13.5)"),
    Field(
        "related",
        "str",
        False,
        (1, 2),
        "id of the message that carries the rest of this figure as it was then: the live part and the images sent apart (§15.4)",
    ),
)

AUTH_FIELDS = (
    Field("alg", "str", True, (1, 1), "authentication algorithm (§13.5), the one the tag frame names"),
    Field("frame", "int", True, (1, 1), "index of the tag frame: always the last frame"),
    Field("key_id", "str", False, (1, 1), "which shared key signed it (informative; never the key)"),
)

CONTROL_FIELDS = (
    Field("figwire", "str", True, (1, 2), 'format version "major.minor"'),
    Field("type", "str", True, (1, 2), "``request`` or ``status`` (§15.2); a consumer ignores other types"),
    Field("id", "str", True, (1, 2), "this message's id, unique per sender (inside the MAC)"),
    Field("created", "float", True, (1, 2), "creation time, seconds since the Unix epoch (UTC)"),
    Field("accept", "map", False, (1, 2), "request: the client's advert (§12.1); the answer is packed for it"),
    Field("message_id", "str", False, (1, 2), "request: the figure message wanted again (e.g. live, with its pickle)"),
    Field("label", "str", False, (1, 2), "request: the figure wanted, by label; with neither, the latest figure"),
    Field("reply_to", "str", False, (1, 2), "status: the id of the request it answers"),
    Field("code", "str", False, (1, 2), "status: ``ok`` or an error code (§9)"),
    Field("message", "str", False, (1, 2), "status: one human-readable line"),
    Field("auth", "map", False, (1, 2), "present when the message is signed, as in the envelope (§13.5)"),
)

PRODUCER_FIELDS = (
    Field("python", "str", True, (1, 0), "Python version, e.g. 3.11.7"),
    Field("implementation", "str", True, (1, 0), "sys.implementation.name, e.g. cpython"),
    Field("matplotlib", "str", True, (1, 0), "matplotlib version"),
    Field("numpy", "str", True, (1, 0), "numpy version"),
    Field("figwire", "str", True, (1, 0), "producing library and version, e.g. figwire 0.1.0"),
    Field("platform", "str", True, (1, 0), "sys.platform and machine, e.g. linux-x86_64"),
    Field("byteorder", "str", True, (1, 0), 'sys.byteorder: "little" or "big"'),
)

FIGURE_FIELDS = (
    Field("label", "str", True, (1, 0), "Figure.get_label()"),
    Field("number", "int | nil", True, (1, 0), "pyplot figure number, nil if not pyplot-managed"),
    Field("size_inches", "array of float", True, (1, 0), "[width, height] in inches"),
    Field("dpi", "float", True, (1, 0), "Figure.dpi"),
    Field("pixels", "array of int", True, (1, 0), "[width, height] in pixels at that dpi"),
    Field("axes", "int", True, (1, 0), "number of Axes"),
    Field("suptitle", "str | nil", True, (1, 0), "the suptitle text, nil if none"),
    Field("titles", "array of str", True, (1, 0), "each Axes' title, in order"),
)

PART_FIELDS = (
    Field("role", "str", True, (1, 0), "pickle, scene (since 1.3) or fallback; a decoder skips roles it does not know"),
    Field("type", "str", True, (1, 0), "media type"),
    Field("frames", "array of int", True, (1, 0), "indices of the frames holding this part, in order"),
    Field("sizes", "array of int", True, (1, 0), "byte length of each of those frames as sent"),
    Field("codec", "str", False, (1, 0), "compression codec of every frame; absent: none"),
    Field("raw_sizes", "array of int", False, (1, 0), "decoded byte length of each frame; required with codec"),
    Field("digest", "str", False, (1, 0), "digest algorithm of digests"),
    Field("digests", "array of bin", False, (1, 0), "digest of each frame as sent; required with digest"),
    Field("protocol", "int", False, (1, 0), "pickle parts: pickle protocol; frames[1:] are its out-of-band buffers"),
    Field(
        "requires",
        "map of str to str",
        False,
        (1, 0),
        "pickle parts: top-level packages the pickle imports, with producer versions",
    ),
    Field("numpy_private", "bool", False, (1, 0), "pickle parts: whether the pickle names numpy's private modules"),
    Field("width", "int", False, (1, 0), "raster fallbacks: width in pixels"),
    Field("height", "int", False, (1, 0), "raster fallbacks: height in pixels"),
    Field("dpi", "float", False, (1, 0), "fallbacks: dots per inch they were rendered at"),
    Field(
        "borrows",
        "array of int",
        False,
        (1, 4),
        "frames of other parts this part also reads, after its own (§5.6); absent: none",
    ),
)

#: A client's advert (§12.1), in the order ``capabilities()`` writes it. No field is
#: required; a present field of the wrong type is refused (``invalid-argument``).
ADVERT_FIELDS = (
    Field("figwire", "str", False, (1, 0), "the client's figwire version (informative)", "nothing"),
    Field(
        "formats",
        "array of str",
        False,
        (1, 0),
        'format versions it reads, "major.minor" (§4.1), one per major',
        "the producer's own version",
    ),
    Field("python", "str", False, (1, 0), "Python version (informative)", "nothing"),
    Field("matplotlib", "str", False, (1, 0), "matplotlib version", "a version without release numbers"),
    Field("numpy", "str", False, (1, 0), "numpy version", "a version without release numbers"),
    Field("pickle_protocol", "int", False, (1, 0), "highest pickle protocol it reads", "5"),
    Field(
        "accept",
        "array of str",
        False,
        (1, 0),
        "part names it can use, best first: ``pickle`` and fallback media types",
        "``pickle``, then the media types of §5.3 in table order",
    ),
    Field("pickle", "bool", False, (1, 0), "false: it never loads a pickle", "true"),
    Field("codecs", "array of str", False, (1, 0), "codecs it decodes (§6)", "none"),
    Field(
        "packages",
        "map of str to (str | nil)",
        False,
        (1, 0),
        'packages it was asked about: version, "" if it has none, nil if not installed',
        "nothing is known about any package",
    ),
    Field("max_message_bytes", "int", False, (1, 0), "the largest §10 total it accepts", "no limit"),
)

FIELD_TABLES = {
    "envelope": ENVELOPE_FIELDS,
    "producer": PRODUCER_FIELDS,
    "figure": FIGURE_FIELDS,
    "part": PART_FIELDS,
    "auth": AUTH_FIELDS,
    "control": CONTROL_FIELDS,
}


def format_version_str(version: Tuple[int, int] = FORMAT_VERSION) -> str:
    """``(1, 0)`` -> ``"1.0"``, the form the envelope carries."""
    return f"{version[0]}.{version[1]}"
