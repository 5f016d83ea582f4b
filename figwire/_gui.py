"""Show a received figure in a real GUI window (client side).

The unpacker hands over figures that were unpickled *detached*: the pickle carries no
``_restore_to_pylab``, so the figure has a plain ``FigureCanvasBase`` and pyplot does not
know it. Here it gets a window of the backend the client asked for, and joins pyplot like
a ``plt.figure()`` would, so ``plt.show()``/``plt.pause()``, the toolbar (pan/zoom/save),
``plt.gcf()`` and ``plt.close()`` all work on it.

Per matplotlib version (measured on 3.5.3, 3.6.3, 3.7.5, 3.8.4, 3.9.4, 3.10.8, 3.11.2):

* adoption: 3.11+ has the public ``plt.figure(fig)``; up to 3.10 that raises ``ValueError``,
  so the same two private calls that ``Figure.__setstate__`` makes are used instead;
* ``plt.switch_backend`` raises ``ImportError`` when the toolkit is missing, when there
  is no display, or when another toolkit's event loop runs. Up to 3.9 it also
  ``close("all")``s: 3.5 and 3.6 on *every* call, before they know whether the switch
  works; 3.7 to 3.9 when the backend changes. 3.10+ keeps open figures (with their
  old managers). figwire must never close the client's figures, so on older versions they
  are hidden from pyplot during the switch and put back: every version then behaves like
  3.10+. A figure made with the old backend keeps its old window (or none, for Agg); like
  in matplotlib itself, only one GUI toolkit can run its event loop in a process.
* Importing pyplot headless silently turns an interactive rc backend into Agg
  (``backend_fallback``), so the canvas class of the backend actually in use is checked.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib import _pylab_helpers
from matplotlib.figure import Figure

__all__ = ["BackendUnavailable", "show_live", "show_image", "image_figure", "replace_in_window"]

_MPL = tuple(mpl.__version_info__[:2])


class BackendUnavailable(Exception):
    """The GUI backend cannot open a window here; ``str(exc)`` says why."""


def show_live(fig: Figure, backend: str) -> None:
    """Give the detached `fig` a window of `backend` and register it with pyplot.

    The figure becomes pyplot's current figure under the lowest free number above all
    open ones (numbers the client uses are never reused); its label becomes the window
    title. The client's other figures stay open with their numbers. The window appears on
    the next ``plt.show()``/``plt.pause()`` (at once in interactive mode).

    Raises ``ValueError`` if `fig` already has a manager, and `BackendUnavailable` if
    `backend` cannot start (no display, toolkit missing, another toolkit's loop running,
    not a GUI backend); then pyplot's figures and backend are as they were. "Running" is
    matplotlib's test: Qt from its QApplication's creation on, Tk only inside mainloop,
    so Qt after Tk opens (both kinds of windows exist; one loop serves them at a time).
    """
    import matplotlib.pyplot as plt

    if fig.canvas.manager is not None:
        raise ValueError("show_live needs a detached figure; this one already has a window")
    previous = dict.__getitem__(mpl.rcParams, "backend")  # no auto-resolution
    switched = not (isinstance(previous, str) and previous.lower() == backend.lower())
    if switched:
        _switch_backend(backend)
    canvas = fig.canvas
    try:
        canvas_class = plt._get_backend_mod().FigureCanvas
        if getattr(canvas_class, "required_interactive_framework", None) is None:
            raise BackendUnavailable(f"backend {backend!r} is not a GUI backend: no window")
        _adopt(fig)
    except Exception as exc:
        manager = fig.canvas.manager
        if manager is not None and manager in _pylab_helpers.Gcf.figs.values():
            _pylab_helpers.Gcf.destroy(manager)
        fig.set_canvas(canvas)
        if switched:
            try:
                _switch_backend(previous)
            except BackendUnavailable:
                pass  # e.g. the failed attempt started another toolkit's app
        if isinstance(exc, BackendUnavailable):
            raise
        raise BackendUnavailable(f"backend {backend!r} could not open a window: {type(exc).__name__}: {exc}") from exc
    fig.canvas.draw_idle()


def replace_in_window(old: Figure, new: Figure) -> bool:
    """Show the detached ``new`` in the window ``old`` is shown in, and retire ``old``:
    the same toplevel (position, stacking), a new canvas and toolbar, ``old``'s pyplot
    number. Tk and Qt, whose managers are rebuilt around the existing window as their own
    constructors build one around a new window; False, having changed nothing, where
    that cannot be done, and the caller opens a window instead.
    """
    manager: Any = getattr(old.canvas, "manager", None)
    if new.canvas.manager is not None or manager not in _pylab_helpers.Gcf.figs.values():
        return False
    replacement = _replace_tk(manager, new)
    if replacement is None:
        replacement = _replace_qt(manager, new)
    if replacement is None:
        return False
    _pylab_helpers.Gcf._set_new_active_manager(replacement)
    replacement.show()  # Tk: binds the window's close button to the new manager
    new.canvas.draw_idle()
    return True


def _replace_tk(manager: Any, new: Figure) -> Any:
    try:
        from matplotlib.backends import _backend_tk
    except ImportError:
        return None
    window: Any = getattr(manager, "window", None)
    if not isinstance(manager, _backend_tk.FigureManagerTk) or not window.winfo_exists():
        return None
    canvas: Any = manager.canvas  # a FigureCanvasTkAgg, as its manager is a FigureManagerTk
    for pending in ("_idle_draw_id", "_event_loop_id"):
        if getattr(canvas, pending, None):
            canvas._tkcanvas.after_cancel(getattr(canvas, pending))
    toolbar: Any = manager.toolbar
    if toolbar is not None:
        toolbar.destroy()
    canvas.get_tk_widget().destroy()
    num: Any = manager.num
    del _pylab_helpers.Gcf.figs[num]
    withdraw = window.withdraw
    window.withdraw = lambda: None  # the manager's __init__ hides its window until show()
    try:
        return type(manager)(type(canvas)(new, master=window), num, window)
    finally:
        window.withdraw = withdraw


def _replace_qt(manager: Any, new: Figure) -> Any:
    """Qt: ``FigureManagerQT.__init__`` makes its window with the module's ``MainWindow()``
    (3.5 to 3.11), so for one call that name returns the existing window. The old toolbar
    is removed, the old canvas goes when the new one becomes the central widget, and the
    window's close signal is moved to the new manager. Only the version in use here is
    tested with Qt (PySide6); the cross-version environments have no Qt binding."""
    import sys

    backend_qt = sys.modules.get("matplotlib.backends.backend_qt")
    main_window = getattr(backend_qt, "MainWindow", None)
    if main_window is None or not isinstance(manager, backend_qt.FigureManagerQT):  # type: ignore[union-attr]
        return None
    window: Any = manager.window
    if not isinstance(window, main_window) or window._destroying:
        return None
    canvas: Any = manager.canvas
    fresh = type(canvas)(new)  # before anything changes: it can fail only here
    window.closing.disconnect()  # the old manager's slots (3.5 also connects its canvas's close_event)
    if manager.toolbar is not None:
        window.removeToolBar(manager.toolbar)
        manager.toolbar.deleteLater()
    del _pylab_helpers.Gcf.figs[manager.num]
    backend_qt.MainWindow = lambda: window  # type: ignore[union-attr]
    try:
        replacement = type(manager)(fresh, manager.num)
    finally:
        backend_qt.MainWindow = main_window  # type: ignore[union-attr]
    canvas.manager = None
    return replacement


def image_figure(data: bytes, media_type: str, *, title: str, dpi: float = 100) -> Figure:
    """The detached figure ``show_image`` shows: the image at its native pixel size."""
    rgba = _decode(data, media_type, dpi)
    height, width = rgba.shape[:2]
    exact = _exact_dpi(dpi, width, height)
    fig = Figure(figsize=(width / exact, height / exact), dpi=exact)
    fig.set_label(title)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.imshow(rgba, interpolation="none", origin="upper", aspect="auto")
    return fig


def show_image(data: bytes, media_type: str, backend: str, *, title: str, dpi: float = 100) -> Figure:
    """Open a `backend` window showing a fallback image at its native pixel size.

    One image pixel is one canvas pixel: the figure is ``w/dpi x h/dpi`` inches at `dpi`
    (nudged by a few ulps, see `_exact_dpi`), one axes fills it with no ticks or frame,
    and ``interpolation="none"`` copies pixels. (On a HiDPI screen the toolkit scales
    the canvas like any figure.) `title` is the figure's label, hence the window title;
    drawing it as text would cover image pixels. Transparent pixels show the figure's
    white face.

    ``image/png`` is decoded by Pillow (a matplotlib dependency). ``image/svg+xml`` is
    rasterised by the optional ``cairosvg`` package at `dpi` pixels per SVG inch, so a
    matplotlib SVG comes out at the size of the PNG saved with that dpi; without cairosvg
    it raises ``ValueError``, as it does for other media types and for undecodable data
    (before any window opens). Backend failures raise `BackendUnavailable` as in
    `show_live`. Returns the pyplot-registered figure.
    """
    fig = image_figure(data, media_type, title=title, dpi=dpi)
    show_live(fig, backend)
    return fig


def _switch_backend(name: str) -> None:
    """``plt.switch_backend`` that keeps open figures and maps failures.

    `name` may also be the rcParams' "auto" sentinel, when undoing a switch.
    """
    import matplotlib.pyplot as plt

    try:
        with _open_figures_kept():
            plt.switch_backend(name)
    except ImportError as exc:
        raise BackendUnavailable(f"cannot switch to backend {name!r}: {exc}") from exc


@contextmanager
def _open_figures_kept() -> Iterator[None]:
    """Hide pyplot's figures from a ``switch_backend`` that would close them (< 3.10).

    They are put back in their order, ahead of any figure the switch created, whether
    the switch worked or not.
    """
    if _MPL >= (3, 10):
        yield
        return
    figs = _pylab_helpers.Gcf.figs
    kept = list(figs.items())
    figs.clear()
    try:
        yield
    finally:
        added = list(figs.items())
        figs.clear()
        figs.update(kept)
        figs.update(added)


def _adopt(fig: Figure) -> None:
    """Create `fig`'s manager with pyplot's backend and make it the active figure."""
    import matplotlib.pyplot as plt

    if _MPL >= (3, 11):
        plt.figure(fig)
        return
    num = max(plt.get_fignums(), default=0) + 1
    manager = plt._get_backend_mod().new_figure_manager_given_figure(num, fig)
    _pylab_helpers.Gcf._set_new_active_manager(manager)


def _exact_dpi(dpi: float, *pixels: int) -> float:
    """A dpi within a few ulps of `dpi` at which ``p / dpi * dpi == p`` for every size.

    GUI canvases set the figure size to ``width / dpi`` inches on each resize, and up to
    3.10 matplotlib truncates ``inches * dpi`` back to pixels: 113 / 100 * 100 is
    112.99999999999999, so a 113-pixel-high image would get a 112-pixel canvas. The image
    has no text or lines, so the nudge is invisible. Some nudge of at most ~30 ulps worked
    for every size tried; a power of two always works (its divisions are exact).
    """
    candidate = float(dpi)
    for _ in range(1000):
        if all(p / candidate * candidate == p for p in pixels):
            return candidate
        candidate = math.nextafter(candidate, math.inf)
    return 2.0 ** round(math.log2(dpi))


def _decode(data: bytes, media_type: str, dpi: float) -> np.ndarray:
    """Decode a PNG (or rasterise an SVG) into an ``(h, w, 4)`` uint8 array.

    Pillow may only use its PNG decoder: the bytes come from another process, and
    mislabelled data must not reach Pillow's other (larger) decoders.
    """
    from PIL import Image

    kind = media_type.split(";")[0].strip().lower()
    if kind == "image/svg+xml":
        try:
            import cairosvg
        except ImportError as exc:
            raise ValueError(
                "showing an SVG needs the optional 'cairosvg' package; show the PNG fallback instead"
            ) from exc
    elif kind != "image/png":
        raise ValueError(f"cannot show {media_type!r}: only image/png and image/svg+xml")
    if kind == "image/svg+xml":
        svg_width, svg_height = _svg_pixels(data, dpi)
        _check_pixels(svg_width, svg_height, kind)
    try:
        if kind == "image/svg+xml":
            data = cairosvg.svg2png(bytestring=data, dpi=dpi)
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            width, height = image.size
            _check_pixels(width, height, kind)  # read from the header, before anything is decoded
            return np.asarray(image.convert("RGBA"))
    except ValueError:
        raise
    except Exception as exc:  # each decoder has its own errors; all mean bad data
        raise ValueError(f"cannot decode the {kind} image: {exc}") from exc


#: The largest image a window shows: the loader's canvas limit (``LoadPolicy.max_canvas_pixels``),
#: 2**26 pixels, 256 MiB as RGBA. A small PNG or SVG can declare far more.
MAX_IMAGE_PIXELS = 1 << 26

_SVG_SIZE = re.compile(
    rb"<svg\b[^>]*?\bwidth=\"([0-9.]+)(pt|px|in|mm|cm)?\"[^>]*?\bheight=\"([0-9.]+)(pt|px|in|mm|cm)?\"", re.S
)
_PER_INCH = {b"pt": 72.0, b"px": 96.0, b"in": 1.0, b"mm": 25.4, b"cm": 2.54, None: 96.0}


def _check_pixels(width: float, height: float, kind: str) -> None:
    if not (width > 0 and height > 0) or width * height > MAX_IMAGE_PIXELS:
        raise ValueError(
            f"the {kind} image is {width:.0f} x {height:.0f} pixels: over {MAX_IMAGE_PIXELS} pixels, not shown"
        )


def _svg_pixels(data: bytes, dpi: float) -> "tuple[float, float]":
    """The pixel size an SVG rasterises to at ``dpi``, from its root's width and height
    (before cairosvg allocates a surface for it)."""
    match = _SVG_SIZE.search(bytes(data[:4096]))
    if match is None:
        raise ValueError("the image/svg+xml image does not declare its width and height in its first 4 KiB")
    w, wu, h, hu = match.groups()
    try:
        return float(w) / _PER_INCH[wu] * dpi, float(h) / _PER_INCH[hu] * dpi
    except ValueError:
        raise ValueError("the image/svg+xml image's width or height is not a number") from None
