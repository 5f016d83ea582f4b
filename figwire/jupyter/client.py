"""The client side for ``jupyter_client`` users: a kernel's figures as live windows.

``FigwireClient(kernel_client, backend="TkAgg")`` loads the extension in the kernel
(``%load_ext figwire``, silently), opens a ``figwire`` comm carrying this process's
advert, and then ``handle(msg)`` turns each IOPub message meant for it into a window:
figure messages are verified with the connection key (the kernel signs with it) and
shown live; a figure that cannot be live here (another matplotlib minor, over the
kernel's live size limit) is shown as the PNG the kernel's ``display_data`` carries,
which arrives right after it, with the reason in the title and ``L`` to ask for it live.

    client = FigwireClient(kc, backend="TkAgg")
    while True:
        client.handle(kc.get_iopub_msg())
        client.viewer.pump(0.02)
"""

from __future__ import annotations

import base64
import collections
import uuid
from typing import Any, Deque, Dict, Optional

from .._auth import Key, KeyLike
from .._control import Request, Status, decode_control, encode_control, is_control
from .._errors import FigwireError
from .._negotiate import capabilities
from .._spec import FORMAT_VERSION, format_version_str
from .._viewer import Shown, Viewer
from . import TARGET

__all__ = ["FigwireClient"]


def _session_key(kernel_client: Any) -> Optional[Key]:
    session = kernel_client.session
    return Key(bytes(session.key), session.signature_scheme) if session.key else None


class FigwireClient:
    """Watch one kernel's IOPub for figwire figures; see the module docstring."""

    def __init__(
        self,
        kernel_client: Any,
        backend: str = "TkAgg",
        *,
        key: Optional[KeyLike] = None,
        load_extension: bool = True,
        viewer: Optional[Viewer] = None,
        log: Any = print,
        timeout: float = 60,
    ) -> None:
        self.kc = kernel_client
        self.key = key if key is not None else _session_key(kernel_client)
        self.viewer = viewer or Viewer(backend, key=self.key, ask_live=self.request_live, log=log)
        self.log = log
        self.comm_id = uuid.uuid4().hex
        #: per execute request: the figures that arrived without an image, awaiting its PNG
        self._waiting: Dict[str, Deque[Optional[Shown]]] = collections.defaultdict(collections.deque)
        if load_extension:
            self._execute("%load_ext figwire", timeout)
        self._send(
            "comm_open",
            {"target_name": TARGET, "data": {"figwire": format_version_str(FORMAT_VERSION), "accept": capabilities()}},
        )

    def _execute(self, code: str, timeout: float) -> None:
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                if reply["content"].get("status") != "ok":
                    raise RuntimeError(f"the kernel could not load figwire: {reply['content'].get('evalue')}")
                return

    def _send(self, msg_type: str, content: Dict[str, Any], buffers: Any = None) -> None:
        msg = self.kc.session.msg(msg_type, {"comm_id": self.comm_id, **content})
        self.kc.session.send(self.kc.shell_channel.socket, msg, buffers=buffers)

    def request_live(self, message_id: str) -> None:
        """Ask the kernel for figure message ``message_id`` again, live; the answer comes
        as a comm message, and ``handle`` shows it in that figure's window."""
        frames = encode_control(Request(capabilities(), message_id), key=self.key)
        self._send("comm_msg", {"data": {"figwire": format_version_str(FORMAT_VERSION)}}, buffers=frames)

    def handle(self, msg: Dict[str, Any]) -> Optional[Shown]:
        """Act on one IOPub message if it is for this client; None if it was not."""
        msg_type = msg.get("header", {}).get("msg_type")
        parent = msg.get("parent_header", {}).get("msg_id", "")
        content = msg.get("content", {})
        if msg_type == "comm_msg" and content.get("comm_id") == self.comm_id:
            return self._figure(msg.get("buffers") or [], parent)
        if msg_type in ("display_data", "execute_result") and "image/png" in content.get("data", {}):
            return self._image(content, parent)
        return None

    def _figure(self, frames: Any, parent: str) -> Optional[Shown]:
        if not frames:
            return None
        try:
            if is_control(frames[0]):
                status, _ = decode_control(frames, key=self.key)
                if isinstance(status, Status):
                    self.log(f"figwire: the kernel says {status.code}: {status.message}")
                return None
            shown = self.viewer.show(frames, quiet_if_nothing=True)
        except FigwireError as exc:
            self.log(f"figwire: message refused: {exc}")
            self._waiting[parent].append(None)  # its PNG is still coming: show it as a plain image
            return None
        self._waiting[parent].append(shown)
        return shown if shown.figure is not None else None  # else its image is still coming

    def _image(self, content: Dict[str, Any], parent: str) -> Optional[Shown]:
        waiting = self._waiting.get(parent)
        shown = waiting.popleft() if waiting else None
        if waiting is not None and not waiting:
            del self._waiting[parent]
        if shown is not None and shown.live:
            return None  # the live window already shows it
        png = base64.b64decode(content["data"]["image/png"])
        if shown is None:
            shown = Shown(f"image {uuid.uuid4().hex[:6]}", False, "an image, not a figwire figure", 0, 0.0, None)
        return self.viewer.show_png(shown, png)

    def close(self) -> None:
        self._send("comm_close", {"data": {}})
