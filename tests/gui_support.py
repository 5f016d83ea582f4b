"""Helpers for the GUI tests: a private Xvfb, and scenarios that run in child processes.

Every scenario runs in its own interpreter (``python gui_support.py SCENARIO BACKEND
JSON-KWARGS``): matplotlib cannot change toolkit once one has started, and a toolkit that
crashes (Qt aborts when its xcb plugin cannot load) must not take pytest with it. The
child prints one ``RESULT_TAG`` line of JSON; the parent asserts on it.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import pytest
from scene_support import toolbar_zoom_works

RESULT_TAG = "FIGWIRE-GUI-RESULT "
REPO = Path(__file__).resolve().parent.parent
# 1920x1440 at -dpi 96 measures exactly 96 dpi, so Tk's HiDPI scaling is exactly 1.
# -noreset: by default Xvfb resets when its last client leaves, and a child connecting
# during the reset fails ("could not connect to display").
XVFB_SCREEN = ["-screen", "0", "1920x1440x24", "-dpi", "96", "-nolisten", "tcp", "-noreset"]
CANVAS = {"tkagg": "FigureCanvasTkAgg", "qtagg": "FigureCanvasQTAgg"}


@contextmanager
def xvfb() -> Iterator[str]:
    """Run a private Xvfb; yield its DISPLAY. ``-displayfd`` picks a free number."""
    exe = shutil.which("Xvfb") or ""
    if not exe:
        pytest.skip("Xvfb is not installed (Debian package xvfb)")
    read_end, write_end = os.pipe()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([exe, "-displayfd", str(write_end), *XVFB_SCREEN],
                            pass_fds=(write_end,), stdout=log, stderr=log)
    os.close(write_end)
    try:
        number = b""
        while not number.endswith(b"\n"):
            ready, _, _ = select.select([read_end], [], [], 20)
            chunk = os.read(read_end, 16) if ready else b""
            if not chunk:
                log.seek(0)
                pytest.fail(f"Xvfb did not start: {log.read().decode(errors='replace')}")
            number += chunk
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_end)
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def run_scenario(scenario: str, backend: str, display: str | None,
                 **kwargs: Any) -> dict[str, Any]:
    """Run `scenario` in a fresh interpreter with only `display` set; return its JSON."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND", "QT_QPA_PLATFORM")}
    if display is not None:
        env["DISPLAY"] = display
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, __file__, scenario, backend, json.dumps(kwargs)],
        env=env, capture_output=True, text=True, timeout=180)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_TAG)]
    if proc.returncode != 0 or not lines:
        pytest.fail(f"{scenario}/{backend} child exited {proc.returncode}\n"
                    f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return json.loads(lines[-1][len(RESULT_TAG):])


UNPACK_IN_WINDOW = r"""
# A client: its own figure 3 first, then figwire.unpack(argv[1], backend=argv[2]); prints JSON.
# argv[3]: the corpus figure the message holds (default imshow_cbar).
import json, sys
import numpy as np
import figures, figwire
import matplotlib.pyplot as plt
from PIL import Image
import io
other = plt.figure(num=3, label="client's own")
result = figwire.unpack(figwire.split(open(sys.argv[1], "rb").read()), backend=sys.argv[2], trust_unsigned=True)
plt.pause(0.5)
fignums = plt.get_fignums()
fig = result.figure
canvas = fig.canvas
window = canvas.manager.window
mapped = bool(window.winfo_ismapped()) if hasattr(window, "winfo_ismapped") else bool(window.isVisible())
got = np.asarray(canvas.buffer_rgba())
if result.live:
    want = figures.render_rgba(figures.CORPUS[sys.argv[3] if len(sys.argv) > 3 else "imshow_cbar"]())
else:
    want = np.asarray(Image.open(io.BytesIO(bytes(result.fallbacks["image/png"]))).convert("RGBA"))
from scene_support import mouse_turns_3d, ssim, toolbar_zoom_works
same_shape = got.shape == want.shape
print("RESULT " + json.dumps({
    "live": result.live, "reason": result.reason, "canvas": type(canvas).__name__, "mapped": mapped,
    "title": canvas.manager.get_window_title(), "fignums": fignums, "tier": result.tier,
    "same_pixels": same_shape and bool((got[..., :3] == want[..., :3]).all()),
    "ssim": ssim(got, want),
    "toolbar": canvas.manager.toolbar is not None,
    "zoom_works": bool(result.live and fig.axes[0].name != "3d" and toolbar_zoom_works(fig)),
    "mouse_turns": bool(result.live and fig.axes[0].name == "3d" and mouse_turns_3d(fig)),
    "notes": list(result.notes),
}))
"""


# --------------------------------------------------------------------------- child side


def _source_figure(label: str) -> Any:
    """A detached figure with odd pixel sizes, as the unpacker delivers it."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.13, 3.07), dpi=100)
    ax = fig.add_subplot()
    x = np.linspace(0, 6, 200)
    ax.plot(x, np.sin(x), label="sin")
    ax.scatter(x[::20], np.cos(x[::20]), c=x[::20])
    ax.set_title("received")
    ax.legend()
    fig.set_label(label)
    return fig


def _detached(label: str) -> tuple[Any, Any]:
    """Unpickle a figure twice: one to show, one to render the reference pixels."""
    blob = pickle.dumps(_source_figure(label))
    fig, twin = pickle.loads(blob), pickle.loads(blob)
    return fig, _render(twin)


def _render(fig: Any) -> Any:
    import io

    import numpy as np

    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=fig.dpi)
    width, height = (int(v) for v in fig.bbox.size)
    return np.frombuffer(buf.getvalue(), np.uint8).reshape(height, width, 4)


def _pump(until: Callable[[], bool], seconds: float = 10) -> None:
    import matplotlib.pyplot as plt

    for _ in range(int(seconds / 0.1)):
        plt.pause(0.1)
        if until():
            return


def _window(fig: Any) -> dict[str, Any]:
    """What the toolkit says about `fig`'s window, and the canvas rectangle on screen."""
    manager, canvas = fig.canvas.manager, fig.canvas
    if hasattr(canvas, "get_tk_widget"):
        widget = canvas.get_tk_widget()
        return {"mapped": bool(manager.window.winfo_ismapped()),
                "visible": bool(widget.winfo_viewable()),
                "toolbar_shown": bool(manager.toolbar.winfo_ismapped()),
                "rect": [widget.winfo_rootx(), widget.winfo_rooty(),
                         widget.winfo_width(), widget.winfo_height()],
                "pixel_ratio": canvas.device_pixel_ratio}
    from matplotlib.backends.qt_compat import QtCore  # type: ignore[attr-defined]

    origin = canvas.mapToGlobal(QtCore.QPoint(0, 0))
    return {"mapped": bool(manager.window.isVisible()),
            "visible": bool(canvas.isVisible()),
            "toolbar_shown": bool(manager.toolbar.isVisible()),
            "rect": [origin.x(), origin.y(), canvas.width(), canvas.height()],
            "pixel_ratio": canvas.devicePixelRatioF()}


def _shown(fig: Any) -> bool:
    """Window, canvas and toolbar are all on screen (they map one after the other)."""
    window = _window(fig)
    return window["mapped"] and window["visible"] and window["toolbar_shown"]


def _diff(got: Any, want: Any) -> int:
    """Number of differing pixels (RGB), or -1 if the sizes differ."""
    if got.shape[:2] != want.shape[:2]:
        return -1
    return int((got[..., :3] != want[..., :3]).any(axis=-1).sum())


def _screen_diff(fig: Any, want: Any) -> int:
    """Compare what the X server shows where `fig`'s canvas is with `want`.

    Without a window manager nothing raises a newly shown window, and Tk creates its X
    windows lazily, so the client's earlier windows can cover this one: raise it first.
    """
    import numpy as np
    from PIL import ImageGrab

    window = fig.canvas.manager.window
    window.lift() if hasattr(window, "lift") else window.raise_()
    _pump(lambda: False, 0.3)
    x, y, w, h = _window(fig)["rect"]
    shot = ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).convert("RGB")
    return _diff(np.asarray(shot.crop((x, y, x + w, y + h))), want)


def _client_figures(client: str, backend: str) -> tuple[Any, Any]:
    """The client's own figures 1 and 5, on `backend` or on Agg."""
    import matplotlib.pyplot as plt

    plt.switch_backend(backend if client == "same" else "agg")
    mine = plt.figure(label="client's own")
    five = plt.figure(5)
    return mine, five


def scenario_live(backend: str, client: str) -> dict[str, Any]:
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np

    from figwire._gui import show_live

    mine, five = _client_figures(client, backend)
    fig, reference = _detached("received: sine")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        show_live(fig, backend)
    _pump(lambda: _shown(fig))
    window = _window(fig)
    return {
        "mpl": matplotlib.__version__,
        "canvas": type(fig.canvas).__name__,
        "fignums": plt.get_fignums(),
        "number": fig.number,
        "current": plt.gcf() is fig,
        "client_kept": [plt.fignum_exists(1) and mine.number == 1,
                        plt.fignum_exists(5) and five.number == 5],
        "label": fig.get_label(),
        "title": fig.canvas.manager.get_window_title(),
        "toolbar": type(fig.canvas.manager.toolbar).__name__,
        "warnings": [str(w.message) for w in caught],
        **window,
        "buffer_diff": _diff(np.asarray(fig.canvas.buffer_rgba()), reference),
        "screen_diff": _screen_diff(fig, reference),
        "zoom_works": toolbar_zoom_works(fig),
    }


def scenario_image(backend: str, client: str) -> dict[str, Any]:
    import io

    import matplotlib.pyplot as plt
    import numpy as np

    from figwire._gui import show_image

    mine, five = _client_figures(client, backend)
    pixels = np.random.default_rng(0).integers(0, 256, (113, 257, 3), dtype=np.uint8)
    fig: Any = show_image(_png(pixels), "image/png", backend, title="fallback: noise")
    _pump(lambda: _shown(fig))
    window = _window(fig)
    result = {
        "canvas": type(fig.canvas).__name__,
        "size": list(fig.canvas.get_width_height()),
        "fignums": plt.get_fignums(),
        "client_kept": [mine.number == 1, five.number == 5],
        "registered": plt.gcf() is fig,
        "title": fig.canvas.manager.get_window_title(),
        **window,
        "buffer_diff": _diff(np.asarray(fig.canvas.buffer_rgba()), pixels),
        "screen_diff": _screen_diff(fig, pixels),
    }
    svg = io.BytesIO()
    _source_figure("svg").savefig(svg, format="svg")
    try:
        svg_fig = show_image(svg.getvalue(), "image/svg+xml", backend, title="svg")
        result["svg_size"] = list(svg_fig.canvas.get_width_height())
    except ValueError as exc:
        result["svg_error"] = str(exc)
    return result


def _png(pixels: Any) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def scenario_unavailable(backend: str) -> dict[str, Any]:
    """No usable display: both calls must fail cleanly and leave pyplot alone."""
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np

    from figwire._gui import BackendUnavailable, show_image, show_live

    mine, five = _client_figures("agg", backend)
    before = plt.get_fignums(), matplotlib.get_backend()
    fig, _ = _detached("never shown")
    errors: list[str | None] = []
    for call in (lambda: show_live(fig, backend),
                 lambda: show_image(_png(np.zeros((2, 3, 3), np.uint8)), "image/png",
                                    backend, title="t")):
        try:
            call()
            errors.append(None)
        except BackendUnavailable as exc:
            errors.append(str(exc))
    try:
        show_live(mine, backend)
        managed_refused = False
    except ValueError:
        managed_refused = True
    return {
        "errors": errors,
        "managed_refused": managed_refused,
        "unchanged": [plt.get_fignums(), matplotlib.get_backend()] == list(before),
        "current": plt.gcf() is five,
        "detached": fig.canvas.manager is None and type(fig.canvas).__name__,
        "client_kept": [mine.number == 1, five.number == 5],
    }


def scenario_refused(backend: str, others: list[str]) -> dict[str, Any]:
    """With a `backend` window open, each of `others` must be refused cleanly."""
    import matplotlib
    import matplotlib.pyplot as plt

    from figwire._gui import BackendUnavailable, show_live

    mine, five = _client_figures("same", backend)
    first, _ = _detached("first")
    show_live(first, backend)
    _pump(lambda: _shown(first))
    before = plt.get_fignums(), matplotlib.get_backend()
    errors: dict[str, str | None] = {}
    detached = []
    for name in others:
        fig, _ = _detached(name)
        try:
            show_live(fig, name)
            errors[name] = None
        except BackendUnavailable as exc:
            errors[name] = str(exc)
        detached.append(fig.canvas.manager is None)
    return {
        "errors": errors,
        "detached": detached,
        "unchanged": [plt.get_fignums(), matplotlib.get_backend()] == list(before),
        "first_alive": _shown(first) and plt.gcf() is first,
        "client_kept": [mine.number == 1, five.number == 5],
    }


def scenario_broken(backend: str) -> dict[str, Any]:
    """The toolkit starts but the window fails half-way (after the GUI canvas re-homed
    the figure): the figure must be detached again and pyplot as it was."""
    import importlib

    import matplotlib
    import matplotlib.pyplot as plt

    from figwire._gui import BackendUnavailable, show_live

    mine, five = _client_figures("agg", backend)
    before = plt.get_fignums(), matplotlib.get_backend()
    module = importlib.import_module("matplotlib.backends.backend_" + backend.lower())

    def fail(self: Any, canvas: Any, *args: Any) -> None:
        raise RuntimeError(f"simulated failure after {type(canvas).__name__} was made")

    module.FigureManager.__init__ = fail
    fig, _ = _detached("broken")
    canvas = fig.canvas
    try:
        show_live(fig, backend)
        error = None
    except BackendUnavailable as exc:
        error = str(exc)
    return {
        "error": error,
        "restored": fig.canvas is canvas and fig.canvas.manager is None,
        "unchanged": [plt.get_fignums(), matplotlib.get_backend()] == list(before),
        "client_kept": [mine.number == 1, five.number == 5],
    }


if __name__ == "__main__":
    scenario, backend_name, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    outcome = globals()["scenario_" + scenario](backend_name, **options)
    print(RESULT_TAG + json.dumps(outcome), flush=True)
