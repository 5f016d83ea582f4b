"""figwire: move live matplotlib figures between processes.

A producer ``pack``s a figure into frames (a msgpack envelope, a pickle of the figure
with big arrays out-of-band, image fallbacks); a consumer ``unpack``s them into the
live figure when its environment can load it, else into the best fallback, and says
why. ``inspect`` reads the envelope alone; ``join``/``split`` turn frames into one
buffer and back. ``pack(fig, key=...)``/``sign`` add a MAC over every frame, which
``unpack(frames, key=...)``/``verify`` check before anything is decoded: a pickle loads
only from an authenticated message (or with the explicit ``trust_unsigned=True``). The format is specified in ``spec/figwire-1.rst``.
"""

from ._auth import Key, sign, verify
from ._compat import Verdict, verdict
from ._envelope import FigureFacts, Header, Part
from ._errors import (
    DecodeError,
    EncodeError,
    FigwireError,
    InvalidKeyError,
    LimitExceededError,
    UnsupportedVersionError,
)
from ._files import convert, load, save
from ._framing import join, split
from ._keys import key_from_connection_file, key_from_env, key_from_file
from ._loadpolicy import LoadPolicy
from ._negotiate import capabilities, strip
from ._pack import pack
from ._replay import ReplayGuard
from ._spec import FORMAT_VERSION, ErrorCode, Limits
from ._unpack import Unpacked, inspect, unpack
from ._version import __version__
from .scene import SceneLimits

__all__ = [
    "pack",
    "unpack",
    "inspect",
    "join",
    "split",
    "save",
    "load",
    "convert",
    "capabilities",
    "strip",
    "sign",
    "verify",
    "Key",
    "key_from_connection_file",
    "key_from_file",
    "key_from_env",
    "ReplayGuard",
    "verdict",
    "Verdict",
    "Unpacked",
    "Header",
    "Part",
    "FigureFacts",
    "Limits",
    "LoadPolicy",
    "SceneLimits",
    "ErrorCode",
    "FORMAT_VERSION",
    "FigwireError",
    "EncodeError",
    "DecodeError",
    "UnsupportedVersionError",
    "LimitExceededError",
    "InvalidKeyError",
    "__version__",
]


def load_ipython_extension(shell: object) -> None:
    """``%load_ext figwire`` in an ipykernel kernel (``figwire.jupyter``)."""
    from .jupyter import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: object) -> None:
    from .jupyter import unload_ipython_extension as unload

    unload(shell)


def __dir__() -> "list[str]":
    return list(__all__)
