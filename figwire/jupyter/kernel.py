"""The kernel side: ``%load_ext figwire`` in ipykernel.

Every time IPython displays a matplotlib figure (the inline backend's flush after a
cell, ``plt.show()``, ``display(fig)``, a figure as a cell's value), the figure is also
sent, live, to each figwire client of the kernel: a Jupyter comm message (target
``figwire``, spec §15.3) whose buffers are the figwire frames, signed with the kernel's
own connection key. The hook wraps IPython's image formatter for ``Figure``, so the
notebook gets exactly the ``display_data`` it got before, byte for byte; the comm message
is sent first and carries only the pickle (the PNG in ``display_data`` is the image every
client already has), so the kernel draws each figure once, as before, and the live part
leaves before the PNG is drawn.

Clients opt in by opening a ``figwire`` comm with their advert (``capabilities()``); a
kernel with no such client pickles nothing. A figure whose pickle is over the live size
limit (``FIGWIRE_LIVE_MAX_BYTES``, default 64 MiB; ``%figwire limit``) is announced
without it ("live available"); a client asks for it by message id, or the user runs
``%figwire live [label]``. The kernel keeps the last 16 figures to answer.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any, Dict, List, Optional

from .._auth import Key
from .._errors import InvalidKeyError
from .._negotiate import strip
from .._pack import pack
from .._serve import FigureStore
from .._spec import FORMAT_VERSION, format_version_str
from . import TARGET

__all__ = ["FigwireKernel", "load", "unload", "TARGET"]

DEFAULT_LIVE_MAX_BYTES = 64 << 20
#: Image formatters that may hold matplotlib's Figure printer, in the order tried.
#: What a comm message carries: the pickle, and the scene for a client that cannot load
#: it (negotiation leaves the scene out for one that can; a client without an advert
#: gets both). The images reach every client in the ordinary display_data.
LIVE_PARTS = ("pickle", "scene")
_FORMATS = ("image/png", "image/svg+xml", "image/jpeg", "application/pdf")


def _kernel_key(kernel: Any) -> Optional[Key]:
    session = getattr(kernel, "session", None)
    secret = getattr(session, "key", b"")
    if not secret:
        return None
    return Key(bytes(secret), getattr(session, "signature_scheme", "hmac-sha256"))


class _Client:
    def __init__(self, comm: Any, accept: Optional[Dict[str, Any]]) -> None:
        self.comm = comm
        self.accept = accept


class FigwireKernel:
    """What ``%load_ext figwire`` installs in a shell (one per shell)."""

    def __init__(self, shell: Any, *, live_max_bytes: Optional[int] = None) -> None:
        self.shell = shell
        kernel = getattr(shell, "kernel", None)
        if kernel is None or not hasattr(kernel, "comm_manager"):
            raise RuntimeError("figwire's extension needs an ipykernel kernel (Jupyter), not a terminal IPython")
        self.kernel: Any = kernel
        try:
            self.key = _kernel_key(self.kernel)
        except InvalidKeyError as exc:
            raise RuntimeError(f"the kernel's connection key cannot sign figwire messages: {exc}") from None
        env_limit = os.environ.get("FIGWIRE_LIVE_MAX_BYTES")
        self.live_max_bytes = live_max_bytes or (int(env_limit) if env_limit else DEFAULT_LIVE_MAX_BYTES)
        self.store = FigureStore(capacity=16)
        self.clients: Dict[str, _Client] = {}
        self.sent = 0
        self.kernel.comm_manager.register_target(TARGET, self._on_open)
        shell.events.register("pre_run_cell", self._hook)
        # First of the post_execute callbacks: the inline backend's flush (registered when
        # pyplot is first imported, possibly during a cell) must find the wrapped printer.
        shell.events.callbacks["post_execute"].insert(0, self._hook)
        self._hook()

    # -- the display hook ---------------------------------------------------------------

    def _hook(self, *args: Any) -> None:
        """(Re)wrap the figure printer: the inline backend re-registers it on activation
        and on ``%config InlineBackend.figure_formats``."""
        from matplotlib.figure import Figure

        formatters = self.shell.display_formatter.formatters
        for media_type in _FORMATS:
            formatter = formatters.get(media_type)
            printer = None if formatter is None else formatter.type_printers.get(Figure)
            if printer is None:
                continue
            if getattr(printer, "_figwire", None) is not None:
                return
            formatter.for_type(Figure, self._wrap(printer))
            return

    def _wrap(self, printer: Any) -> Any:
        def print_and_send(fig: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                self.publish(fig)
            except Exception as exc:  # never break the notebook's own output
                print(f"figwire: figure not sent: {type(exc).__name__}: {exc}")
            return printer(fig, *args, **kwargs)

        print_and_send._figwire = printer  # type: ignore[attr-defined]  # the original, for unload
        return print_and_send

    # -- comms --------------------------------------------------------------------------

    def _on_open(self, comm: Any, msg: Dict[str, Any]) -> None:
        data = msg.get("content", {}).get("data") or {}
        accept = data.get("accept") if isinstance(data.get("accept"), dict) else None
        self.clients[comm.comm_id] = _Client(comm, accept)
        comm.on_msg(self._on_msg)
        comm.on_close(lambda close_msg: self.clients.pop(comm.comm_id, None))

    def _on_msg(self, msg: Dict[str, Any]) -> None:
        comm_id = msg["content"]["comm_id"]
        client = self.clients.get(comm_id)
        if client is None:
            return
        _, reply = self.store.respond(msg.get("buffers") or [], key=self.key, accept=client.accept, parts=LIVE_PARTS)
        self._send(client, reply)

    def _send(self, client: _Client, frames: List[Any]) -> None:
        client.comm.send({"figwire": format_version_str(FORMAT_VERSION)}, buffers=[memoryview(f) for f in frames])

    # -- publishing ---------------------------------------------------------------------

    def publish(self, fig: Any, *, limit: Optional[int] = None) -> int:
        """Send ``fig`` live to every client; returns how many got it. Clients with the
        same advert share one message (the figure is pickled once per kind of client)."""
        if not self.clients:
            self.store.add(fig, uuid.uuid4().hex)  # a client that connects later can ask for it
            return 0
        limit = self.live_max_bytes if limit is None else limit
        groups: Dict[str, List[_Client]] = {}
        for client in list(self.clients.values()):
            groups.setdefault(json.dumps(client.accept, sort_keys=True, default=str), []).append(client)
        for clients in groups.values():
            message_id = uuid.uuid4().hex
            frames = pack(fig, parts=LIVE_PARTS, accept=clients[0].accept, key=self.key, msg_id=message_id)
            nbytes = sum(memoryview(f).nbytes for f in frames)
            if nbytes > limit:
                why = (
                    f"live available: {nbytes:,} bytes is over the kernel's live limit of {limit:,};"
                    f" ask for message {message_id} again, or run %figwire live"
                )
                frames = strip(frames, keep=(), key=self.key, reason=why)
            self.store.add(fig, message_id)
            for client in clients:
                self._send(client, frames)
                self.sent += 1
        return sum(len(clients) for clients in groups.values())

    def close(self) -> None:
        from matplotlib.figure import Figure

        self.shell.events.unregister("pre_run_cell", self._hook)
        self.shell.events.unregister("post_execute", self._hook)
        for media_type in _FORMATS:
            formatter = self.shell.display_formatter.formatters.get(media_type)
            printer = None if formatter is None else formatter.type_printers.get(Figure)
            original = getattr(printer, "_figwire", None)
            if original is not None:
                formatter.for_type(Figure, original)
        self.kernel.comm_manager.unregister_target(TARGET, self._on_open)


_installed: Dict[int, FigwireKernel] = {}


def load(shell: Any) -> FigwireKernel:
    if id(shell) not in _installed:
        _installed[id(shell)] = FigwireKernel(shell)
        from .magic import register

        register(shell, _installed[id(shell)])
    return _installed[id(shell)]


def unload(shell: Any) -> None:
    extension = _installed.pop(id(shell), None)
    if extension is not None:
        extension.close()
