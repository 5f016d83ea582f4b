"""figwire over ZeroMQ (spec §15.1): send and receive figures on any socket type.

``send(socket, fig_or_frames)`` packs (when given a figure) and sends with
``copy=False``: frames at or over pyzmq's copy threshold go to libzmq without a copy.
``recv(socket)`` receives with ``copy=False`` and returns a ``Received`` whose frames are
the ``zmq.Frame`` objects themselves, so ``unpack`` rebuilds big arrays as views of the
received memory. Transport frames may precede a message (a PUB/SUB topic, ROUTER
identities and the REQ delimiter): ``prefix=`` on send, ``Received.prefix`` on receive;
the message starts at the first frame with figwire's magic, so prefixes need no
configuration. Request/reply (``request``, ``answer``) carries negotiation and "send me
this figure live" as control messages (§15.2); ``hub`` fans many producers out to many
viewers through ``zmq.proxy`` (XSUB/XPUB). ``zmq.asyncio`` sockets: ``send_async`` /
``recv_async``. Needs pyzmq (the ``[zmq]`` extra); the codec never imports this module.

Zero copy means the sent frames are the figure's own array memory until libzmq has sent
them: do not change the figure's arrays in place before then (``copy=True`` copies, or
pass ``track=True`` and wait on the returned tracker).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple, Union

import zmq

from ._auth import KeyLike
from ._codec import Frame, as_view
from ._control import Control, Request, decode_control, encode_control, is_control
from ._errors import DecodeError, LimitExceededError
from ._pack import pack
from ._replay import ReplayGuard
from ._serve import FigureStore
from ._spec import CONTROL_MAGIC, DEFAULT_LIMITS, ENVELOPE_MAGIC, MAX_PREFIX_FRAMES, ErrorCode, Limits
from ._unpack import Unpacked, inspect, unpack

__all__ = [
    "send",
    "recv",
    "send_async",
    "recv_async",
    "Received",
    "request",
    "answer",
    "hub",
    "limit",
    "FigureStore",
]

Message = Union[Any, Sequence[Frame]]  # a matplotlib Figure, or figwire frames


def _is_figure(message: Any) -> bool:
    from matplotlib.figure import Figure

    return isinstance(message, Figure)


def _starts_message(frame: Any) -> bool:
    """Whether ``frame`` is a message's frame 0: a figure envelope or a control frame."""
    return bytes(as_view(frame)[: len(ENVELOPE_MAGIC)]) in (ENVELOPE_MAGIC, CONTROL_MAGIC)


def _outgoing(message: Message, prefix: Sequence[bytes], key: Optional[KeyLike], pack_options: Any) -> List[Any]:
    for frame in prefix:
        if _starts_message(frame):
            raise ValueError("a prefix frame must not start with figwire's magic")
    if len(prefix) > MAX_PREFIX_FRAMES:
        raise ValueError(f"at most {MAX_PREFIX_FRAMES} prefix frames precede a message")
    if _is_figure(message):
        frames = pack(message, key=key, **pack_options)
    else:
        if key is not None or pack_options:
            raise TypeError("key and pack options apply only when sending a figure; sign frames with figwire.sign")
        frames = list(message)
    return [*prefix, *frames]


def send(
    socket: zmq.Socket,
    message: Message,
    *,
    prefix: Sequence[bytes] = (),
    key: Optional[KeyLike] = None,
    flags: int = 0,
    copy: bool = False,
    track: bool = False,
    **pack_options: Any,
) -> Optional[zmq.MessageTracker]:
    """Send a figure (packed here, with ``key`` and any ``pack`` option) or frames.

    ``prefix`` frames go first (a topic for PUB, identities for ROUTER). ``flags`` is
    passed to ``send_multipart`` (``zmq.NOBLOCK`` raises ``zmq.Again`` when the socket's
    queue is full). Returns the tracker when ``track=True``.

    ``send`` returns once the message is queued. A process about to exit must close the
    socket with a linger and ``term()`` its context: pyzmq does not term at exit, so a
    message its I/O thread has not yet written is dropped (measured: 2 in 20 32 MB
    messages on ipc).
    """
    return socket.send_multipart(_outgoing(message, prefix, key, pack_options), flags=flags, copy=copy, track=track)


async def send_async(
    socket: Any,
    message: Message,
    *,
    prefix: Sequence[bytes] = (),
    key: Optional[KeyLike] = None,
    flags: int = 0,
    copy: bool = False,
    **pack_options: Any,
) -> None:
    """``send`` for a ``zmq.asyncio`` socket (packing a figure runs in the caller's thread)."""
    await socket.send_multipart(_outgoing(message, prefix, key, pack_options), flags=flags, copy=copy)


@dataclass(frozen=True)
class Received:
    """One message as received: its transport ``prefix`` and its figwire ``frames``
    (``zmq.Frame`` objects, not copied)."""

    prefix: Tuple[bytes, ...]
    frames: Tuple[Any, ...]

    @property
    def is_control(self) -> bool:
        return is_control(self.frames[0])

    def unpack(self, backend: Optional[str] = None, **options: Any) -> Unpacked:
        """``figwire.unpack`` of a figure message (``DecodeError`` for a control message)."""
        if self.is_control:
            raise DecodeError(ErrorCode.MALFORMED, "a control message holds no figure")
        return unpack(self.frames, backend, **options)

    def inspect(self, **options: Any) -> Any:
        return inspect(self.frames, **options)

    def control(self, *, key: Optional[KeyLike] = None, limits: Limits = DEFAULT_LIMITS) -> Tuple[Control, bool]:
        """``(Request or Status, authenticated)`` of a control message."""
        if not self.is_control:
            raise DecodeError(ErrorCode.MALFORMED, "a figure message is not a control message")
        return decode_control(self.frames, key=key, limits=limits)


def _split(parts: List[Any], limits: Limits) -> Received:
    if len(parts) > limits.max_frames + MAX_PREFIX_FRAMES:
        raise LimitExceededError("frames received", len(parts), limits.max_frames + MAX_PREFIX_FRAMES)
    for i, part in enumerate(parts[: MAX_PREFIX_FRAMES + 1]):
        if _starts_message(part):
            return Received(tuple(bytes(as_view(p)) for p in parts[:i]), tuple(parts[i:]))
    raise DecodeError(
        ErrorCode.MALFORMED,
        f"no figwire message in the {min(len(parts), MAX_PREFIX_FRAMES + 1)} first frames received",
    )


def recv(socket: zmq.Socket, *, flags: int = 0, limits: Limits = DEFAULT_LIMITS) -> Received:
    """Receive one message without copying it. Raises ``DecodeError`` if what arrived is
    not a figwire message (nothing of it is kept); ``zmq.Again`` with ``zmq.NOBLOCK``."""
    return _split(socket.recv_multipart(flags=flags, copy=False), limits)


async def recv_async(socket: Any, *, flags: int = 0, limits: Limits = DEFAULT_LIMITS) -> Received:
    """``recv`` for a ``zmq.asyncio`` socket."""
    return _split(await socket.recv_multipart(flags=flags, copy=False), limits)


def limit(socket: zmq.Socket, limits: Limits = DEFAULT_LIMITS) -> zmq.Socket:
    """Make libzmq drop a peer that sends a frame over ``limits.max_message_bytes``
    (``zmq.MAXMSGSIZE``), before it is allocated: set it on a socket facing peers you
    do not control, before ``bind``/``connect`` (libzmq applies it to new connections).
    Returns the socket."""
    socket.setsockopt(zmq.MAXMSGSIZE, limits.max_message_bytes)
    return socket


def request(
    socket: zmq.Socket,
    *,
    accept: Optional[Any] = None,
    message_id: Optional[str] = None,
    label: Optional[str] = None,
    key: Optional[KeyLike] = None,
    timeout: Optional[float] = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Received:
    """Ask the producer at the other end of a REQ (or DEALER) socket for a figure and
    wait for its answer: a figure message packed for ``accept`` (a ``capabilities()``
    advert), or a control message with a ``Status`` (``Received.control()``).

    ``message_id`` asks for that message's figure again (live, when the first message
    left its pickle out), else ``label``, else the latest. ``timeout`` (seconds) raises
    ``TimeoutError`` if no answer comes; a REQ socket then needs closing.
    """
    frames = encode_control(Request(accept, message_id, label), key=key)
    prefix = [b""] if socket.type == zmq.DEALER else []  # what a REQ socket adds itself
    socket.send_multipart([*prefix, *frames])
    if timeout is not None and not socket.poll(int(timeout * 1000), zmq.POLLIN):
        raise TimeoutError(f"no answer within {timeout} s")
    return recv(socket, limits=limits)


def answer(
    socket: zmq.Socket,
    store: FigureStore,
    *,
    key: Optional[KeyLike] = None,
    replay: Optional[ReplayGuard] = None,
    limits: Limits = DEFAULT_LIMITS,
    flags: int = 0,
    **pack_options: Any,
) -> Optional[Request]:
    """Receive one request on a REP (or ROUTER) socket and answer it from ``store``.

    ``FigureStore.respond`` decides the answer (with ``key``, unsigned requests get only
    a status). Returns the request answered, or None.
    """
    received = recv(socket, flags=flags, limits=limits)
    request, reply = store.respond(received.frames, key=key, replay=replay, limits=limits, **pack_options)
    send(socket, reply, prefix=received.prefix)
    return request


def hub(frontend: str, backend: str, *, context: Optional[zmq.Context] = None) -> None:
    """Run a fan-out hub until the context is terminated: producers connect PUB sockets
    to ``frontend``, viewers connect SUB sockets to ``backend`` (both bound here), and
    ``zmq.proxy`` forwards every message and every subscription. Messages pass through
    unparsed (signed messages stay verifiable end to end; the hub needs no key)."""
    context = context or zmq.Context.instance()
    xsub = context.socket(zmq.XSUB)
    xpub = context.socket(zmq.XPUB)
    try:
        xsub.bind(frontend)
        xpub.bind(backend)
        zmq.proxy(xsub, xpub)
    except zmq.ContextTerminated:
        pass
    finally:
        xsub.close(0)
        xpub.close(0)
