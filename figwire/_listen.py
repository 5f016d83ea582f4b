"""``python -m figwire listen``: a socket, a ``Viewer``, and a loop that serves both.

By default the viewer binds a PULL socket at the endpoint, where scripts using
``module://figwire.backend`` push their figures (they may start first: their figures
wait). ``--connect`` instead connects a SUB socket to a hub's viewer side. Messages over
the size limit are dropped by libzmq before they are allocated (``figwire.zmq.limit``),
and a replay guard is on unless ``--no-replay-guard``.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import zmq

from ._auth import Key
from ._errors import DecodeError, FigwireError
from ._replay import ReplayGuard
from ._spec import ErrorCode
from ._viewer import Viewer, default_accept
from .zmq import limit, recv, request

__all__ = ["listen"]


def _requester(context: zmq.Context, endpoint: str, key: Optional[Key]) -> Callable[[str], Any]:
    def ask(message_id: str) -> Any:
        socket = context.socket(zmq.REQ)  # one per request: a REQ that timed out is unusable
        socket.connect(endpoint)
        try:
            received = request(socket, accept=default_accept(), message_id=message_id, key=key, timeout=30)
        finally:
            socket.close(0)
        if received.is_control:
            status, _ = received.control(key=key)
            code = getattr(status, "code", "")
            known = code if code in {c.value for c in ErrorCode} else ErrorCode.MALFORMED.value
            raise DecodeError(ErrorCode(known), f"the producer says {code}: {getattr(status, 'message', '')}")
        return received.frames

    return ask


def listen(
    endpoint: str,
    backend: str,
    *,
    key: Optional[Key] = None,
    connect: bool = False,
    trust_unsigned: bool = False,
    replay: bool = True,
    progressive: bool = True,
    request_endpoint: Optional[str] = None,
    count: Optional[int] = None,
    log: Callable[[str], None] = print,
    signed_only: bool = False,
) -> int:
    """Show figures from ``endpoint`` until interrupted (or ``count`` figures, then until
    their windows are closed). Returns how many figures were shown."""
    context = zmq.Context()
    socket = limit(context.socket(zmq.SUB if connect else zmq.PULL))
    if connect:
        socket.setsockopt(zmq.SUBSCRIBE, b"")
        socket.connect(endpoint)
    else:
        socket.bind(endpoint)
    viewer = Viewer(
        backend,
        key=key,
        trust_unsigned=trust_unsigned,
        replay=ReplayGuard() if replay else None,
        progressive=progressive,
        ask_live=None if request_endpoint is None else _requester(context, request_endpoint, key),
        log=log,
        signed_only=signed_only,
    )
    log(f"figwire viewer: {'connected to' if connect else 'listening on'} {endpoint}, backend {backend}")
    shown = 0
    try:
        while count is None or shown < count:
            windows = viewer.pump(0.02)
            if not socket.poll(0 if windows else 100):
                continue
            try:
                received = recv(socket, flags=zmq.NOBLOCK)
                if received.is_control:
                    continue
                if viewer.show(received.frames).figure is not None:  # not the skipped half of a pair
                    shown += 1
            except zmq.Again:
                continue
            except FigwireError as exc:
                log(f"message refused: {exc}")
        while viewer.pump(0.05):  # keep the windows alive until the user closes them
            pass
    except KeyboardInterrupt:
        pass
    finally:
        socket.close(0)
        context.term()
    return shown
