"""Where shared keys come from: a Jupyter connection file, a key file, the environment.

The I/O edge of authentication (``_auth`` takes keys as values). The conventions, shared
by the kernel side and the viewer:

* ``FIGWIRE_KEY``: the key itself, as text;
* ``FIGWIRE_KEY_FILE``: a file holding it, either a Jupyter connection file (its ``key``
  and ``signature_scheme``) or a file whose content, less surrounding whitespace, is
  the key; like ssh, figwire refuses a key file that other users can read;
* ``FIGWIRE_AUTH_ALG``: the algorithm to sign with, if not the default (``hmac-sha256``,
  or the connection file's scheme).

No error message ever contains a key: they name the file or variable instead.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Mapping, Optional, Union

from ._auth import Key
from ._errors import InvalidKeyError
from ._spec import AUTH_TAG_SIZES, DEFAULT_AUTH_ALG, AuthAlg

__all__ = ["key_from_connection_file", "key_from_file", "key_from_env", "ENV_KEY", "ENV_KEY_FILE", "ENV_ALG"]

ENV_KEY = "FIGWIRE_KEY"
ENV_KEY_FILE = "FIGWIRE_KEY_FILE"
ENV_ALG = "FIGWIRE_AUTH_ALG"

_MAX_FILE_BYTES = 1 << 20  # a connection file is a few hundred bytes

PathLike = Union[str, "os.PathLike[str]"]


def _read(path: PathLike) -> bytes:
    path = Path(path)
    try:  # non-blocking: opening a FIFO for reading would otherwise wait for a writer
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise InvalidKeyError(f"key file {path} is not a regular file")
            if os.name == "posix" and mode & 0o077:
                raise InvalidKeyError(
                    f"key file {path} can be read by other users (mode {stat.S_IMODE(mode):04o}): chmod 600 {path}"
                )
            data = f.read(_MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InvalidKeyError(f"cannot read key file {path}: {exc.strerror or exc}") from None
    if len(data) > _MAX_FILE_BYTES:
        raise InvalidKeyError(f"key file {path} is over {_MAX_FILE_BYTES} bytes: not a key file")
    return data


def _alg(alg: Optional[str], default: str, where: str) -> str:
    alg = default if alg is None else alg
    if alg not in AUTH_TAG_SIZES:
        raise InvalidKeyError(f"{where}: algorithm {alg!r} is not one figwire signs with ({', '.join(AUTH_TAG_SIZES)})")
    return alg


def _connection_key(data: bytes, where: str, alg: Optional[str]) -> Key:
    try:
        info = json.loads(data)
    except ValueError:
        raise InvalidKeyError(f"{where} is not valid JSON") from None
    if not isinstance(info, dict) or not isinstance(info.get("key"), str):
        raise InvalidKeyError(f"{where} has no 'key' string: not a Jupyter connection file")
    if not info["key"]:
        raise InvalidKeyError(f"{where} has an empty key: the kernel runs without message signing")
    scheme = info.get("signature_scheme", DEFAULT_AUTH_ALG)
    if not isinstance(scheme, str) or not scheme.startswith("hmac-") or scheme not in AUTH_TAG_SIZES:
        hmacs = [a.value for a in AuthAlg if a.value.startswith("hmac-")]
        raise InvalidKeyError(f"{where}: signature_scheme {scheme!r} is not one figwire uses ({', '.join(hmacs)})")
    return Key(info["key"].encode("utf-8"), _alg(alg, scheme, where))


def key_from_connection_file(path: PathLike, *, alg: Optional[str] = None) -> Key:
    """The key of a Jupyter connection file, to sign with its ``signature_scheme`` (or ``alg``).

    A kernel's figwire messages are signed with its connection key, so a client holding
    the connection file verifies them as it verifies the kernel's own messages.
    """
    return _connection_key(_read(path), f"connection file {path}", alg)


def key_from_file(path: PathLike, *, alg: Optional[str] = None) -> Key:
    """The key in ``path``: a Jupyter connection file, or a file holding just the key."""
    data = _read(path)
    if data.lstrip().startswith(b"{"):
        return _connection_key(data, f"connection file {path}", alg)
    try:
        return Key(data.strip(), _alg(alg, DEFAULT_AUTH_ALG, f"key file {path}"))
    except InvalidKeyError as exc:
        raise InvalidKeyError(f"key file {path}: {exc.args[0]}") from None


def key_from_env(environ: Optional[Mapping[str, str]] = None) -> Optional[Key]:
    """The key the environment names (``FIGWIRE_KEY`` or ``FIGWIRE_KEY_FILE``), or None."""
    env = os.environ if environ is None else environ
    text, path, alg = env.get(ENV_KEY), env.get(ENV_KEY_FILE), env.get(ENV_ALG) or None
    if text and path:
        raise InvalidKeyError(f"both {ENV_KEY} and {ENV_KEY_FILE} are set: set one")
    if path:
        return key_from_file(path, alg=alg)
    if text:
        try:
            return Key(text.encode("utf-8"), _alg(alg, DEFAULT_AUTH_ALG, ENV_ALG))
        except InvalidKeyError as exc:
            raise InvalidKeyError(f"{ENV_KEY}: {exc.args[0]}") from None
    return None
