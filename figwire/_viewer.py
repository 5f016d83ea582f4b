"""The viewer behind ``python -m figwire listen``: figures from a socket into windows.

Each figure message opens a window of the chosen backend: the live figure when it can
load (authenticated with the viewer's key, or ``trust_unsigned``), else its best image
with the reason in the title. A figure sent again under the same label (or pyplot
number) takes its window's place instead of opening another: under Tk in the same
toplevel window (``_gui.replace_in_window``), elsewhere in a new one at the same
position. One line per figure says what happened.

**Related messages** (spec §15.4): a producer that sends a figure's live part first and
its images right after (``module://figwire.backend``) names each in the other; the
images of a figure already live are skipped, and a live part that cannot load waits
for its images, shown with the reason.

**Progressive display**: decoding a PNG costs a few milliseconds, unpickling and drawing
a big figure tens to hundreds. When a message has both, the image is shown as soon as
the message is verified (``unpack``'s ``on_verified``), and the live figure takes its
place when ready. **Live on demand**: given a request socket to the producer, the key
``L`` in a window showing an image asks for that figure again with its pickle, by
message id (§15.2); the answer replaces the window.

The GUI loop runs between messages (``canvas.start_event_loop`` of an open window, the
backend's own loop), so windows stay responsive while the viewer waits.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Mapping, Optional

from ._auth import KeyLike
from ._envelope import Header
from ._errors import DecodeError, FigwireError
from ._gui import BackendUnavailable, image_figure, replace_in_window, show_image
from ._negotiate import capabilities
from ._replay import ReplayGuard
from ._show import reference_image, show, unlike
from ._spec import ErrorCode, MediaType
from ._unpack import inspect, unpack
from .scene import DEFAULT_SCENE_LIMITS

__all__ = ["Viewer", "Shown"]


@dataclass(frozen=True)
class Shown:
    """What the viewer did with one message (also its one printed line)."""

    key: str
    live: bool
    reason: Optional[str]
    nbytes: int
    seconds: float
    first_pixels: Optional[float]  # seconds until the early image was up, if one was
    figure: Any = None
    message_id: str = ""
    tier: Optional[str] = None  # "pickle", "scene", or the image's media type

    def line(self) -> str:
        canvas = type(self.figure.canvas).__name__ if self.figure is not None else "no window"
        by = " (by scene: rebuilt from plain data)" if self.tier == "scene" else ""
        what = f"live in {canvas}{by}" if self.live else f"image in {canvas} (not live: {self.reason})"
        early = "" if self.first_pixels is None else f", image after {self.first_pixels * 1e3:.0f} ms"
        return f"{self.key}: {what}, {self.nbytes / 1e6:.2f} MB, {self.seconds * 1e3:.0f} ms{early}"


def _window_key(header: Header) -> str:
    facts = header.figure
    if facts.label:
        return facts.label
    return f"figure {facts.number}" if facts.number is not None else f"message {header.id[:8]}"


def _has(header: Header, media_type: str) -> bool:
    return any(p.media_type == media_type for p in header.parts)


def _geometry(fig: Any) -> Any:
    window = getattr(getattr(fig.canvas, "manager", None), "window", None)
    if window is None:
        return None
    if hasattr(window, "winfo_geometry"):  # Tk
        return ("tk", window.winfo_x(), window.winfo_y())
    if hasattr(window, "pos"):  # Qt
        return ("qt", window.pos())
    return None


def _place(fig: Any, where: Any) -> None:
    window = getattr(getattr(fig.canvas, "manager", None), "window", None)
    if window is None or where is None:
        return
    if where[0] == "tk":
        window.geometry(f"+{where[1]}+{where[2]}")
    elif where[0] == "qt":
        window.move(where[1])


def _png_dpi(header: Header) -> float:
    """The dpi the message's PNG was drawn at (100 if it does not say)."""
    return next((p.dpi for p in header.fallbacks if p.media_type == MediaType.PNG.value), None) or 100


def _mapped(fig: Any) -> bool:
    """Whether the figure's window is on screen now (Tk and Qt; others: assumed)."""
    window: Any = getattr(fig.canvas.manager, "window", None)
    if hasattr(window, "winfo_viewable"):
        return bool(window.winfo_viewable())
    if hasattr(window, "isVisible"):
        return bool(window.isVisible())
    return True


class Viewer:
    """Show each figure message passed to ``show`` in a window of ``backend``, and run
    the GUI loop with ``pump`` in between; see the module docstring."""

    def __init__(
        self,
        backend: str,
        *,
        key: Optional[KeyLike] = None,
        trust_unsigned: bool = False,
        replay: Optional[ReplayGuard] = None,
        progressive: bool = True,
        ask_live: Optional[Callable[[str], Optional[Any]]] = None,
        log: Callable[[str], None] = print,
        signed_only: bool = False,
    ) -> None:
        if signed_only and key is None:
            raise ValueError("signed_only needs the key the messages are signed with")
        self.backend = backend
        #: refuse unsigned messages outright: by default their images are shown (§13.1),
        #: so anyone who reaches the socket can open windows.
        self.signed_only = signed_only
        self.key = key
        self.trust_unsigned = trust_unsigned
        self.replay = replay
        self.progressive = progressive
        self.ask_live = ask_live
        self.log = log
        self.windows: Dict[str, Any] = {}
        #: message ids shown live, and images awaited (id -> why the live part failed);
        #: both bounded, for the pairs of related messages (§15.4)
        self._live: "OrderedDict[str, str]" = OrderedDict()
        self._waiting: "OrderedDict[str, str]" = OrderedDict()

    @staticmethod
    def _remember(table: "OrderedDict[str, str]", message_id: str, value: str) -> None:
        table[message_id] = value
        while len(table) > 256:
            table.popitem(last=False)

    def show(self, frames: Any, *, quiet_if_nothing: bool = False) -> Shown:
        """Show one figure message; raises ``FigwireError`` only for a message that cannot
        be read at all (then nothing is shown). ``quiet_if_nothing``: print no line when
        nothing could be shown (its image comes separately: ``show_png``)."""
        import matplotlib.pyplot as plt

        started = time.perf_counter()
        early: Dict[str, Any] = {}
        peek = inspect(frames)  # the envelope alone: the images of a figure already live are not unpacked
        if self.signed_only and peek.auth is None:
            raise DecodeError(ErrorCode.NOT_SIGNED, "this viewer shows signed messages only (--signed-only)")
        if peek.related is not None and peek.related in self._live:
            nbytes = sum(memoryview(f.buffer if hasattr(f, "buffer") else f).nbytes for f in frames)
            return Shown(
                _window_key(peek), False, "its live part is already shown", nbytes, time.perf_counter() - started, None
            )

        def on_verified(header: Header, fallbacks: Mapping[str, memoryview]) -> None:
            png = fallbacks.get(MediaType.PNG.value)
            live_part = _has(header, MediaType.PICKLE.value) or _has(header, MediaType.SCENE.value)
            if not (self.progressive and png is not None and live_part):
                return
            try:
                fig = self._image(png, _window_key(header), _png_dpi(header), self.windows.get(_window_key(header)))
            except (BackendUnavailable, ValueError):
                return
            fig.canvas.manager.show()  # a window of its own, or the one it took over
            fig.canvas.draw()
            fig.canvas.flush_events()
            early["figure"] = fig
            if _mapped(fig):
                early["at"] = time.perf_counter() - started

        result = unpack(
            frames,
            key=self.key,
            trust_unsigned=self.trust_unsigned,
            replay=self.replay,
            on_verified=on_verified,
        )
        key = _window_key(result.header)
        header = result.header
        nbytes = sum(memoryview(f.buffer if hasattr(f, "buffer") else f).nbytes for f in frames)
        if result.live:
            self._remember(self._live, header.id, "")
        elif header.related is not None and not result.fallbacks:
            # the live part that could not load; its images follow in the related message
            self._remember(self._waiting, header.related, result.reason or "")
            return Shown(key, False, result.reason, nbytes, time.perf_counter() - started, None, None, header.id)
        if not result.live and header.id in self._waiting:
            result = replace(result, reason=self._waiting.pop(header.id))  # why the live part failed
        image = early.get("figure")
        target = image if image is not None else self.windows.get(key)
        if image is not None and not result.live:
            result = replace(result, figure=image)  # the image already up is the answer
            image.canvas.manager.set_window_title(f"{key} (not live: {result.reason})")
        elif target is not None and (in_place := self._in_place(target, result)) is not None:
            result = in_place
        else:
            result = show(result, self.backend)
            if image is not None:
                _place(result.figure, _geometry(image))
                plt.close(image)
        self._install(key, result, placed=image is not None, message_id=result.header.id)
        shown = Shown(
            key,
            result.live,
            result.reason,
            nbytes,
            time.perf_counter() - started,
            early.get("at"),
            result.figure,
            result.header.id,
            result.tier,
        )
        if result.figure is not None or not quiet_if_nothing:
            self.log(shown.line())
        return shown

    def _in_place(self, target: Any, result: Any) -> Any:
        """``result`` with its figure (live, else its PNG) put in ``target``'s window (Tk, Qt);
        None, with nothing changed, where that cannot be done."""
        figure = result.figure
        if not result.live:
            png = result.fallbacks.get(MediaType.PNG.value)
            if png is None:
                return None
            title = f"{_window_key(result.header)} (not live: {result.reason})"
            try:
                figure = image_figure(bytes(png), MediaType.PNG.value, title=title, dpi=_png_dpi(result.header))
            except ValueError:
                return None
        if not replace_in_window(target, figure):
            return None
        if not result.live:
            return replace(result, figure=figure, tier=MediaType.PNG.value)
        notes = list(result.notes)
        reference = reference_image(result, DEFAULT_SCENE_LIMITS, notes)  # decodes while the figure draws
        try:
            figure.canvas.draw()  # the first draw is where a same-minor mismatch can still fail
            failure = unlike(figure, reference, DEFAULT_SCENE_LIMITS, notes)
            reason = None if failure is None else str(failure.args[0])
        except Exception as exc:
            reason = f"the live figure failed its first draw: {type(exc).__name__}: {exc}"
        if reason is not None:
            failed = replace(result, figure=None, live=False, reason=reason, skipped=(), notes=tuple(notes))
            return self._in_place(figure, failed) or failed  # its image, in the same window
        return replace(result, figure=figure, notes=tuple(notes))

    def _image(self, png: Any, title: str, dpi: float, old: Any) -> Any:
        """A window showing ``png``: ``old``'s, where it can be replaced in place (Tk, Qt),
        else a new one at ``old``'s position."""
        fig = image_figure(bytes(png), MediaType.PNG.value, title=title, dpi=dpi)
        if old is None or not replace_in_window(old, fig):
            fig = show_image(bytes(png), MediaType.PNG.value, self.backend, title=title, dpi=dpi)
            _place(fig, None if old is None else _geometry(old))
        return fig

    def show_png(self, shown: Shown, png: bytes, dpi: float = 100) -> Shown:
        """Show ``png`` as the image of a figure message that had none (``shown``, its
        outcome): a Jupyter kernel sends the PNG as ``display_data`` instead."""
        started = time.perf_counter()
        fig = self._image(png, f"{shown.key} (not live: {shown.reason})", dpi, self.windows.get(shown.key))
        result = replace(shown, figure=fig, nbytes=len(png))
        self._install(shown.key, result, placed=False, message_id=shown.message_id)
        result = replace(result, seconds=time.perf_counter() - started)
        self.log(result.line())
        return result

    def _install(self, key: str, result: Any, *, placed: bool, message_id: str) -> None:
        """Make ``result.figure`` the window for ``key``: where the old one was, which closes."""
        import matplotlib.pyplot as plt

        old = self.windows.get(key)
        if old is not None and old is not result.figure:
            if not placed:
                _place(result.figure, _geometry(old))
            plt.close(old)
        if result.figure is None:
            return
        self.windows[key] = result.figure
        if not result.live and self.ask_live is not None and message_id:
            self._offer_live(result.figure, key, message_id)
        manager = result.figure.canvas.manager
        if manager is not None:
            manager.show()

    def _offer_live(self, figure: Any, key: str, message_id: str) -> None:
        def on_key(event: Any) -> None:
            if event.key not in ("l", "L") or self.ask_live is None:
                return
            self.log(f"{key}: asking the producer for it live")
            try:
                frames = self.ask_live(message_id)  # None: the answer comes later (a comm)
                if frames is not None:
                    self.show(frames)
            except (FigwireError, TimeoutError) as exc:
                self.log(f"{key}: not live: {exc}")

        figure.canvas.mpl_connect("key_press_event", on_key)

    def pump(self, seconds: float) -> bool:
        """Run the GUI event loop for ``seconds`` if any window is open (True), else return
        at once (False) so the caller can wait on its socket instead."""
        from matplotlib._pylab_helpers import Gcf

        managers = Gcf.get_all_fig_managers()
        open_figures = {m.canvas.figure for m in managers}
        self.windows = {k: f for k, f in self.windows.items() if f in open_figures}
        if not managers:
            return False
        managers[-1].canvas.start_event_loop(seconds)
        return True


def default_accept() -> Dict[str, Any]:
    """What the viewer asks for when it asks for a figure live: everything, pickle first."""
    return capabilities()
