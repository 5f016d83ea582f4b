"""Control messages (spec §15.2): a request for a figure, and a status that answers one.

A figure message answers "here is a figure"; a transport with a way back (REQ/REP, a
Jupyter comm) also needs "send me a figure, packed for me" (negotiation over the wire,
and "make this figure live" by message id) and "I have nothing for you, because...".
A control message is one frame, ``CONTROL_MAGIC`` + a msgpack map (the rules of §3.1,
its fields checked against ``CONTROL_FIELDS``), optionally followed by a tag frame made
exactly as a figure message's (§13.5), so a producer that holds a key answers only the
clients that hold it too. Sans-IO: values in, frames out, no sockets and no clock.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import msgpack

from ._auth import KeyLike, as_key, check_tag, read_tag, sized, tag_frame
from ._codec import Frame, as_view, decode_envelope_map
from ._envelope import Auth, _check, parse_version
from ._errors import DecodeError
from ._spec import (
    CONTROL_FIELDS,
    CONTROL_MAGIC,
    DEFAULT_LIMITS,
    FORMAT_VERSION,
    ControlType,
    ErrorCode,
    Limits,
    format_version_str,
)

__all__ = ["Request", "Status", "encode_control", "decode_control", "is_control"]


@dataclass(frozen=True)
class Request:
    """A client asks for a figure: ``message_id`` (a message it saw, wanted again, e.g.
    with its pickle), else ``label``, else the producer's latest; packed for ``accept``
    (the client's ``capabilities()``) when given."""

    accept: Optional[Mapping[str, Any]] = None
    message_id: Optional[str] = None
    label: Optional[str] = None
    id: str = ""
    created: float = 0.0

    def _wire(self) -> Dict[str, Any]:
        wire: Dict[str, Any] = {"type": ControlType.REQUEST.value}
        for name in ("accept", "message_id", "label"):
            value = getattr(self, name)
            if value is not None:
                wire[name] = dict(value) if name == "accept" else value
        return wire


@dataclass(frozen=True)
class Status:
    """The answer to request ``reply_to`` when there is no figure to send: ``code`` is an
    ``ErrorCode`` value (``not-found``, ``auth-failed``...) and ``message`` says why."""

    reply_to: str
    code: str
    message: str
    id: str = ""
    created: float = 0.0

    def _wire(self) -> Dict[str, Any]:
        return {"type": ControlType.STATUS.value, "reply_to": self.reply_to, "code": self.code, "message": self.message}


Control = Union[Request, Status]


def is_control(frame: Frame) -> bool:
    """Whether ``frame`` starts a control message (frame 0), by its magic alone."""
    return as_view(frame)[: len(CONTROL_MAGIC)] == CONTROL_MAGIC


def encode_control(
    message: Control,
    *,
    key: Optional[KeyLike] = None,
    msg_id: Optional[str] = None,
    created: Optional[float] = None,
) -> List[bytes]:
    """The frames of ``message``: its control frame, and a tag frame when ``key`` is given.
    The message's ``id``/``created`` are taken from it when set, else fresh."""
    signer = None if key is None else as_key(key)
    wire = message._wire()
    wire["figwire"] = format_version_str(FORMAT_VERSION)
    wire["id"] = msg_id or message.id or uuid.uuid4().hex
    wire["created"] = float(created if created is not None else message.created or time.time())
    if signer is not None:
        wire["auth"] = Auth(signer.alg, 1, signer.id).to_wire()
    frames = [CONTROL_MAGIC + msgpack.packb(wire, use_bin_type=True)]
    if signer is not None:
        frames.append(tag_frame([memoryview(frames[0])], signer))
    return frames


def decode_control(
    frames: Sequence[Frame], *, key: Optional[KeyLike] = None, limits: Limits = DEFAULT_LIMITS
) -> Tuple[Control, bool]:
    """``(message, authenticated)`` from a control message's frames.

    With ``key``, a tag is verified before the frame is parsed, and a message whose
    map declares a tag it lacks is ``auth-failed``, as for figure messages; without a
    key nothing is verified (``authenticated=False``). A type this version does not
    know is ``malformed`` (its sender expects an answer this receiver cannot give).
    """
    views = sized(frames, limits)
    if len(views) > 2:
        raise DecodeError(ErrorCode.MALFORMED, f"a control message has one frame and maybe a tag, not {len(views)}")
    tag = read_tag(views[-1]) if len(views) == 2 else None
    if len(views) == 2 and tag is None:
        raise DecodeError(ErrorCode.MALFORMED, "a control message's second frame must be a tag frame")
    signed = False
    if key is not None and tag is not None:
        check_tag(views, tag, as_key(key))
        signed = True
    wire = decode_envelope_map(views[0], limits, CONTROL_MAGIC)
    known = _check(wire, CONTROL_FIELDS, "control message")
    parse_version(known["figwire"])
    auth = Auth.from_wire(known["auth"]) if "auth" in known else None
    if key is not None:
        if auth is not None and not signed:
            raise DecodeError(ErrorCode.AUTH_FAILED, "the control message says it is signed, but carries no tag")
        if signed and (auth is None or auth.alg != tag[0] or auth.frame != 1):  # type: ignore[index]
            raise DecodeError(ErrorCode.AUTH_FAILED, "the tag verifies but the control message does not declare it")
    kind, common = known["type"], {"id": known["id"], "created": float(known["created"])}
    if kind == ControlType.REQUEST.value:
        return Request(known.get("accept"), known.get("message_id"), known.get("label"), **common), signed
    if kind == ControlType.STATUS.value:
        for name in ("reply_to", "code", "message"):
            if name not in known:
                raise DecodeError(ErrorCode.MALFORMED, f"a status lacks required field {name!r}")
        return Status(known["reply_to"], known["code"], known["message"], **common), signed
    raise DecodeError(ErrorCode.MALFORMED, f"control message type {kind!r} is not one this receiver knows")
