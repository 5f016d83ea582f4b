"""A producer's answers to requests (spec §15.2), independent of the transport.

A producer that sent a figure without its pickle (the client's advert, a size policy)
keeps it for a while, so a client can ask for it again live, by message id; a client
that joins late can ask for the latest figure, or one by label, packed for it. The store
is bounded (a kernel makes figures all day), and holds the figures themselves: a figure
changed since it was sent is answered as it is now, which is what its window should show.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import replace
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from ._auth import KeyLike
from ._codec import Frame
from ._control import Request, Status, decode_control, encode_control
from ._errors import DecodeError, FigwireError
from ._pack import pack
from ._replay import ReplayGuard
from ._spec import DEFAULT_LIMITS, ErrorCode, Limits

__all__ = ["FigureStore"]


class FigureStore:
    """The figures of the last ``capacity`` messages sent, by message id and by label (thread-safe).

    ``add(fig, message_id)`` after each send; ``answer(request)`` gives the frames to
    send back: the figure packed for the request's advert, or a ``Status``.
    """

    def __init__(self, capacity: int = 32) -> None:
        if capacity < 1:
            raise ValueError("a FigureStore holds at least one figure")
        self.capacity = capacity
        self._by_id: "OrderedDict[str, Any]" = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, fig: Any, message_id: str) -> None:
        """Remember ``fig`` as sent in message ``message_id``; the oldest is forgotten first."""
        with self._lock:
            self._by_id[message_id] = fig
            self._by_id.move_to_end(message_id)
            while len(self._by_id) > self.capacity:
                self._by_id.popitem(last=False)

    def find(self, request: Request) -> Optional[Any]:
        """The figure ``request`` asks for: by message id, else the newest with its label,
        else the newest of all; None if the store has none such."""
        with self._lock:
            if request.message_id is not None:
                return self._by_id.get(request.message_id)
            for fig in reversed(self._by_id.values()):
                if request.label is None or fig.get_label() == request.label:
                    return fig
        return None

    def answer(self, request: Request, *, key: Optional[KeyLike] = None, **pack_options: Any) -> List[Frame]:
        """The frames that answer ``request``: its figure packed for its advert (and
        remembered under the new message id), or a status saying why there is none."""
        fig = self.find(request)
        if fig is None:
            wanted = request.message_id or (f"label {request.label!r}" if request.label is not None else "any figure")
            why = f"no figure for {wanted}: this producer keeps the last {self.capacity}"
            return encode_control(Status(request.id, ErrorCode.NOT_FOUND.value, why), key=key)
        message_id = uuid.uuid4().hex
        try:
            frames = pack(fig, accept=request.accept, key=key, msg_id=message_id, **pack_options)
        except FigwireError as exc:
            return encode_control(Status(request.id, exc.code.value, exc.args[0]), key=key)
        self.add(fig, message_id)
        return frames

    def respond(
        self,
        frames: Sequence[Frame],
        *,
        key: Optional[KeyLike] = None,
        replay: Optional[ReplayGuard] = None,
        accept: Optional[Mapping[str, Any]] = None,
        limits: Limits = DEFAULT_LIMITS,
        **pack_options: Any,
    ) -> Tuple[Optional[Request], List[Frame]]:
        """Read a received control message and give ``(request, frames to send back)``.

        With ``key``, a request not signed with it gets a status (``not-signed`` or
        ``auth-failed``) and no figure: a producer holding a key answers only those who
        hold it too. ``accept`` is the advert used when the request carries none (one a
        client announced earlier). A message that is not a request gets a status, and
        ``request`` is None.
        """
        try:
            request, signed = decode_control(frames, key=key, limits=limits)
            if not isinstance(request, Request):
                raise DecodeError(ErrorCode.MALFORMED, "expected a request, got a status")
            if key is not None and not signed:
                raise DecodeError(ErrorCode.NOT_SIGNED, "this producer answers signed requests only")
            if replay is not None:
                replay.check(request, signed)
        except DecodeError as exc:  # the request's fault; a bad key of our own still raises
            return None, encode_control(Status("", exc.code.value, exc.args[0]), key=key)
        if request.accept is None and accept is not None:
            request = replace(request, accept=accept)
        return request, self.answer(request, key=key, **pack_options)
