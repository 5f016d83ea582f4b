"""figwire's exceptions: one root, two halves, a machine-readable code on each.

``EncodeError`` is the producer's own fault (a bad argument); ``DecodeError`` means
the bytes received cannot be used. Both also subclass ``ValueError`` so code that only
catches builtins still catches them. Callers dispatch on ``.code`` (an ``ErrorCode``),
not on message text.
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

from ._spec import ErrorCode

# Everything in __all__ is re-exported as figwire's public API.
__all__ = [
    "FigwireError",
    "EncodeError",
    "DecodeError",
    "UnsupportedVersionError",
    "LimitExceededError",
    "InvalidKeyError",
]


class FigwireError(Exception):
    """Root of every error figwire raises. Abstract: raise a subclass."""

    code: ErrorCode

    def __init__(self, code: ErrorCode, message: str) -> None:
        if type(self) is FigwireError:
            raise TypeError("FigwireError is abstract; raise EncodeError or DecodeError")
        super().__init__(message)
        self.code = ErrorCode(code)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.code, str(self)))

    def __str__(self) -> str:
        return f"[{self.code.value}] {super().__str__()}"


class EncodeError(FigwireError, ValueError):
    """The producer was asked for something figwire cannot do."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.INVALID_ARGUMENT) -> None:
        super().__init__(code, message)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.args[0], self.code))


class DecodeError(FigwireError, ValueError):
    """Received bytes that cannot be used; ``code`` says why."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(code, message)


class UnsupportedVersionError(DecodeError):
    """The message's major format version is one this decoder does not read."""

    def __init__(self, offered: str, supported: Tuple[int, ...]) -> None:
        self.offered = offered
        self.supported = tuple(supported)
        majors = ", ".join(f"{m}.x" for m in self.supported)
        super().__init__(
            ErrorCode.UNSUPPORTED_VERSION,
            f"message is figwire format {offered}; this decoder reads {majors}",
        )

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.offered, self.supported))


class LimitExceededError(DecodeError):
    """A size or count read from the wire is over the receiver's limit."""

    def __init__(self, what: str, size: int, limit: int, hint: Optional[str] = None) -> None:
        self.what = what
        self.size = size
        self.limit = limit
        message = f"{what} is {size}, over the limit of {limit}"
        super().__init__(ErrorCode.LIMIT_EXCEEDED, message + (f" ({hint})" if hint else ""))
        self._hint = hint

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.what, self.size, self.limit, self._hint))


class InvalidKeyError(FigwireError, ValueError):
    """A key given to figwire cannot be used: empty, obviously weak, of an unknown
    algorithm, or unreadable. The message never contains the key."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.INVALID_KEY, message)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.args[0],))
