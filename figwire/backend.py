"""A matplotlib backend that sends figures to a figwire viewer: ``MPLBACKEND=module://figwire.backend``.

A script on a cluster, a server or a container draws nothing itself: ``plt.show()`` (and
``fig.show()``) packs every open figure and sends it over ZeroMQ to a viewer
(``python -m figwire listen``), which opens each as a live window; rendering happens
with Agg, so ``savefig`` works as usual. Over ssh: ``ssh -R 5599:localhost:5599 cluster``
and the script's figures open on the laptop.

Configuration, environment first, then ``$XDG_CONFIG_HOME/figwire/backend.json``
(``~/.config/figwire/backend.json``; keys ``endpoint``, ``pattern``, ``key_file``,
``queue``, ``linger``):

* ``FIGWIRE_ENDPOINT``: where the viewer listens (default ``tcp://127.0.0.1:5599``);
* ``FIGWIRE_PATTERN``: ``push`` (default: the viewer binds a PULL socket; the backend
  connects) or ``pub`` (connect to a hub's producer side, ``python -m figwire hub``);
* ``FIGWIRE_KEY`` / ``FIGWIRE_KEY_FILE`` (``figwire.key_from_env``): sign every figure.
  Without a key the figures go unsigned and a viewer shows only their images unless it
  was started with ``--trust-unsigned``;
* ``FIGWIRE_QUEUE``: figures kept while no viewer is there (default 64);
* ``FIGWIRE_LINGER``: seconds the script waits at exit for queued figures (default 10).

``plt.show()`` sends each open figure that is new or changed since it was last sent;
``fig.show()`` sends that figure, changed or not. A viewer replaces the window of a
figure sent again (same label, or same pyplot number).

What the ``push`` pattern guarantees: a figure shown while no viewer is listening waits
in the sender's queue (up to ``FIGWIRE_QUEUE`` figures; more are dropped, with a warning)
and is delivered, in order, when a viewer binds, while the script runs or within
``FIGWIRE_LINGER`` seconds of its end; after that the script exits and says how many
were not delivered. ``pub`` gives no such guarantee: a hub forwards only to viewers
subscribed at the time. Sending never waits for the viewer; packing runs in the caller.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

from matplotlib._pylab_helpers import Gcf
from matplotlib.backend_bases import FigureManagerBase, _Backend
from matplotlib.backends.backend_agg import FigureCanvasAgg

from ._auth import Key
from ._keys import key_from_env, key_from_file

__all__ = ["FigureCanvas", "FigureManager", "SenderConfig"]  # and show, new_figure_manager... (_Backend.export)

DEFAULT_ENDPOINT = "tcp://127.0.0.1:5599"
PATTERNS = ("push", "pub")


@dataclass(frozen=True)
class SenderConfig:
    """Where and how the backend sends (``from_env`` reads the conventions above)."""

    endpoint: str = DEFAULT_ENDPOINT
    pattern: str = "push"
    key: Optional[Key] = None
    queue: int = 64
    linger: float = 10.0

    def __post_init__(self) -> None:
        if self.pattern not in PATTERNS:
            raise ValueError(f"FIGWIRE_PATTERN must be one of {PATTERNS}, not {self.pattern!r}")
        if self.queue < 1 or self.linger < 0:
            raise ValueError("FIGWIRE_QUEUE must be at least 1 and FIGWIRE_LINGER not negative")

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "SenderConfig":
        env = os.environ if environ is None else environ
        file = _config_file(env)
        key = key_from_env(env)
        if key is None and file.get("key_file"):
            key = key_from_file(file["key_file"])
        try:
            return cls(
                endpoint=env.get("FIGWIRE_ENDPOINT") or file.get("endpoint") or DEFAULT_ENDPOINT,
                pattern=env.get("FIGWIRE_PATTERN") or file.get("pattern") or "push",
                key=key,
                queue=int(env.get("FIGWIRE_QUEUE") or file.get("queue") or 64),
                linger=float(env.get("FIGWIRE_LINGER") or file.get("linger") or 10.0),
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"figwire backend configuration: {exc}") from None


def _config_file(env: Mapping[str, str]) -> Dict[str, Any]:
    base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    path = base / "figwire" / "backend.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a JSON object")
    return data


class _Sender:
    """One socket per process, made on the first ``show``, flushed at exit."""

    def __init__(self, config: SenderConfig) -> None:
        import zmq

        self.config = config
        self._zmq = zmq
        self._context = zmq.Context()
        kind = zmq.PUSH if config.pattern == "push" else zmq.PUB
        self._socket = self._context.socket(kind)
        self._socket.setsockopt(zmq.SNDHWM, 2 * config.queue)  # two messages per figure
        self._socket.setsockopt(zmq.LINGER, int(config.linger * 1000))
        self._monitor = self._socket.get_monitor_socket(zmq.EVENT_CONNECTED)
        self._socket.connect(config.endpoint)
        self._lock = threading.Lock()
        self.sent = self.dropped = 0
        self.connected = False
        atexit.register(self.close)

    def send(self, fig: Any) -> None:
        """Send ``fig`` as two messages: its pickle at once, then its scene and PNG, which
        share one draw made after the pickle has left (a viewer that loads the pickle
        never waits for a draw here; one on another matplotlib, or without the key, gets
        the figure live by its scene; either way it has the PNG). Each names the other
        (``related``)."""
        from .zmq import send

        live_id, image_id = uuid.uuid4().hex, uuid.uuid4().hex
        with self._lock:
            try:
                for parts, msg_id, related in ((["pickle"], live_id, image_id), (["scene", "image/png"], image_id, live_id)):
                    # copy=True: the script goes on changing its figures after show()
                    send(
                        self._socket,
                        fig,
                        key=self.config.key,
                        parts=parts,
                        msg_id=msg_id,
                        related=related,
                        flags=self._zmq.NOBLOCK,
                        copy=True,
                    )
                self.sent += 1
            except self._zmq.Again:
                self.dropped += 1
                print(
                    f"figwire: figure dropped: {self.config.queue} figures already wait for a viewer at"
                    f" {self.config.endpoint} (FIGWIRE_QUEUE)",
                    file=sys.stderr,
                )

    def _seen_connection(self, timeout_ms: int) -> bool:
        while not self.connected and self._monitor.poll(timeout_ms):
            self._monitor.recv_multipart()
            self.connected = True
        return self.connected

    def close(self) -> None:
        if self._socket.closed:
            return
        undelivered = self.sent and not self._seen_connection(int(self.config.linger * 1000))
        self._monitor.close(0)
        self._socket.close(0 if undelivered else None)  # LINGER already spent waiting
        self._context.term()  # blocks until the queue is delivered, at most LINGER
        if undelivered:
            print(
                f"figwire: {self.sent} figure(s) not delivered: no viewer at {self.config.endpoint}"
                f" within {self.config.linger:g} s (start `python -m figwire listen {self.config.endpoint}`)",
                file=sys.stderr,
            )


_sender: Optional[_Sender] = None
_sender_lock = threading.Lock()


def _get_sender() -> _Sender:
    global _sender
    with _sender_lock:
        if _sender is None:
            _sender = _Sender(SenderConfig.from_env())
        return _sender


class FigureManager(FigureManagerBase):
    """A window-less manager whose ``show`` (``fig.show()``) sends its figure."""

    def show(self) -> None:
        fig = self.canvas.figure
        _get_sender().send(fig)
        # Packing may leave the flag set (rendering the PNG at another dpi and back);
        # any later change to the figure or its artists sets it again.
        fig.stale = False
        self._figwire_sent = True


class FigureCanvas(FigureCanvasAgg):
    manager_class = FigureManager  # matplotlib >= 3.6 reads this; older ones use _Backend's


@_Backend.export
class _BackendFigwire(_Backend):
    FigureCanvas = FigureCanvas
    FigureManager = FigureManager

    @classmethod
    def show(cls, *args: Any, **kwargs: Any) -> None:
        """``plt.show()``: send every open figure that is new or changed since it was
        last sent (matplotlib's ``stale`` flag, cleared when a figure is sent and set by
        any change to it). Returns at once: nothing here blocks."""
        for manager in Gcf.get_all_fig_managers():
            if not getattr(manager, "_figwire_sent", False) or manager.canvas.figure.stale:
                manager.show()
