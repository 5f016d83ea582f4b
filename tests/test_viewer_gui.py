"""The viewer with real windows under Xvfb: a script using ``module://figwire.backend``
sends its figures to ``python -m figwire listen``, and they open as live windows.

Every process is real: the viewer and the script are subprocesses on an ipc socket, the
windows are checked with ``xwininfo`` (mapped, titled, one per label), and an
in-process viewer (in a child interpreter) is checked for its canvas class, its pixels
against an Agg render, and progressive display (the image window was mapped before the
live figure replaced it).
"""

from __future__ import annotations

import json
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pytest
from gui_support import CANVAS, REPO, xvfb
from proc_support import interruptible
from ssh_support import free_port, sshd

pytestmark = pytest.mark.gui

KEY = "viewer test key, not a secret: 0123456789"

SCRIPT = r"""
import os, sys, time
import matplotlib.pyplot as plt, numpy as np, zmq
import figwire, figwire.zmq
assert type(plt.figure().canvas).__module__ == "figwire.backend"; plt.close("all")
plt.figure(label="waves"); plt.plot(np.sin(np.linspace(0, 10, 500))); plt.show()
plt.figure(label="big image"); plt.imshow(np.random.default_rng(0).random((2048, 2048))); plt.show()
plt.figure("waves"); plt.plot(np.cos(np.linspace(0, 10, 500))); plt.show()  # the same label: its window is replaced
# A producer of its own: one message with the pickle and the PNG, which the viewer shows progressively.
push = zmq.Context.instance().socket(zmq.PUSH); push.connect(os.environ["FIGWIRE_ENDPOINT"])
big = plt.figure(label="one message"); plt.imshow(np.random.default_rng(1).random((2048, 2048)))
figwire.zmq.send(push, big, key=figwire.key_from_env(), copy=True); push.close(linger=30000)
zmq.Context.instance().term()  # waits for delivery: a process that just exits drops what its I/O thread has not written
"""

SCENARIO = r"""
import json, sys
import numpy as np
import matplotlib
matplotlib.use(sys.argv[1])
import matplotlib.pyplot as plt
from matplotlib._pylab_helpers import Gcf
import figwire
from figwire._viewer import Viewer
from matplotlib.figure import Figure
key = b"viewer test key, not a secret: 0123456789"
fig = Figure(figsize=(4.13, 3.07), dpi=100, label="scene")
ax = fig.add_subplot(); ax.imshow(np.arange(1200 * 900, dtype=float).reshape(900, 1200)); ax.set_title("viewer")
want = figwire.unpack(figwire.pack(fig, parts=["pickle"]), trust_unsigned=True).figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
agg = FigureCanvasAgg(want); agg.draw(); want = np.asarray(agg.buffer_rgba()).copy()
seen = []
viewer = Viewer(sys.argv[1], key=key, log=seen.append)
first = viewer.show(figwire.pack(fig, key=key))
for _ in range(10): viewer.pump(0.05)
canvas = first.figure.canvas
window = canvas.manager.window
mapped = bool(window.winfo_ismapped()) if hasattr(window, "winfo_ismapped") else bool(window.isVisible())
got = np.asarray(canvas.buffer_rgba())
first_window = canvas.manager.window
again = viewer.show(figwire.pack(fig, key=key))  # same label: replaces the window
for _ in range(5): viewer.pump(0.05)
again_canvas = again.figure.canvas
again_pixels = np.asarray(again_canvas.buffer_rgba())
if hasattr(first_window, "winfo_children"):  # Tk: the toolbars among the window's children
    toolbars = sum(type(w).__name__.startswith("NavigationToolbar") for w in first_window.winfo_children())
else:  # Qt: the central widget is the new canvas, and one toolbar is left once deletions ran
    from matplotlib.backends.qt_compat import QtWidgets
    QtWidgets.QApplication.processEvents()
    toolbars = len(first_window.findChildren(QtWidgets.QToolBar)) if first_window.centralWidget() is again_canvas else -1
unsigned = viewer.show(figwire.pack(Figure(label="unsigned")))
fignums = plt.get_fignums()
same_window = again.figure.canvas.manager.window is first_window
replaced = first.figure.canvas.manager not in Gcf.figs.values() and again.figure.canvas.manager in Gcf.figs.values()
if hasattr(first_window, "winfo_children"):  # the window's close button, as the window manager presses it
    first_window.tk.call(first_window.protocol("WM_DELETE_WINDOW"))
else:
    first_window.close()
for _ in range(5): viewer.pump(0.05)
closed = again.figure.canvas.manager not in Gcf.figs.values() and len(plt.get_fignums()) == len(fignums) - 1
# An unsigned scene shown live, then one under the same label whose PNG is another figure's:
# its rebuilt first draw does not look like the producer's image, so its window shows the image.
import dataclasses
from figwire import _codec
def lines_figure():
    f = Figure(figsize=(4.13, 3.07), dpi=100, label="likeness"); f.add_subplot().plot(np.sin(np.linspace(0, 9, 300)))
    return f
alike = viewer.show(figwire.pack(lines_figure()))
alike_window = alike.figure.canvas.manager.window
frames = list(figwire.pack(lines_figure()))
other = Figure(figsize=(4.13, 3.07), dpi=100); other.add_subplot().imshow(np.random.default_rng(2).random((60, 80)))
png = figwire.pack(other, parts=["image/png"])[1]
header = figwire.inspect(frames); part = header.fallbacks[0]; frames[part.frames[0]] = png
parts = tuple(dataclasses.replace(p, sizes=(len(png),)) if p is part else p for p in header.parts)
unlike = viewer.show([_codec.encode_envelope(dataclasses.replace(header, parts=parts)), *frames[1:]])
for _ in range(5): viewer.pump(0.05)
print("RESULT " + json.dumps({
    "alike_live": alike.live, "alike_tier": alike.tier,
    "unlike_live": unlike.live, "unlike_tier": unlike.tier, "unlike_reason": unlike.reason,
    "unlike_in_place": unlike.figure.canvas.manager.window is alike_window,
    "live": first.live, "canvas": type(canvas).__name__, "mapped": mapped,
    "same_pixels": got.shape == want.shape and bool((got[..., :3] == want[..., :3]).all()),
    "first_pixels": first.first_pixels, "seconds": first.seconds,
    "replaced": replaced,
    "same_window": same_window,
    "unsigned_live": unsigned.live, "unsigned_tier": unsigned.tier, "unsigned_line": unsigned.line(),
    "again_pixels": again_pixels.shape == want.shape and bool((again_pixels[..., :3] == want[..., :3]).all()),
    "toolbars": toolbars, "closed": closed, "fignums": fignums, "lines": seen,
}))
"""


def _env(display: str, **extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND", "FIGWIRE_KEY", "FIGWIRE_KEY_FILE")}
    env.update(DISPLAY=display, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])), **extra)
    return env


def _windows(display: str) -> List[str]:
    out = subprocess.run(["xwininfo", "-root", "-tree"], env={"DISPLAY": display}, capture_output=True, text=True)
    return re.findall(r'^\s+0x[0-9a-f]+ "([^"]*)": \("matplotlib', out.stdout, re.M)


def _lines(proc: subprocess.Popen, n: int, timeout: float) -> List[str]:
    lines, deadline = [], time.monotonic() + timeout
    while len(lines) < n and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
    return lines


Sender = Callable[[Path, Dict[str, str]], "subprocess.CompletedProcess[str]"]


def _run_here(script: Path, env: Dict[str, str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)


def _listen_to(
    tmp_path: Path,
    script: str,
    lines: int,
    *flags: str,
    endpoint: Optional[str] = None,
    send: Sender = _run_here,
    **sender_env: str,
) -> "tuple[List[str], List[str], int]":
    """``python -m figwire listen`` under Xvfb while ``script`` sends to it (run by
    ``send``): the viewer's first ``lines`` figure lines, the mapped window titles, and
    its exit status."""
    endpoint = endpoint or f"ipc://{tmp_path}/viewer"
    with xvfb() as display:
        viewer = subprocess.Popen(
            [sys.executable, "-m", "figwire", "listen", endpoint, "--backend", "TkAgg", *flags],
            env=_env(display, FIGWIRE_KEY=KEY),
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=interruptible,
        )
        try:
            assert "listening on" in _lines(viewer, 1, 60)[0]
            path = tmp_path / "send.py"
            path.write_text(script)
            sender = send(path, _env(display, FIGWIRE_KEY=KEY, FIGWIRE_ENDPOINT=endpoint, **sender_env))
            assert sender.returncode == 0, sender.stderr
            got = _lines(viewer, lines, 120)
            time.sleep(1)
            windows = _windows(display)
        finally:
            viewer.send_signal(signal.SIGINT)
            viewer.wait(20)
    return got, windows, viewer.returncode


@pytest.mark.skipif(shutil.which("xwininfo") is None, reason="xwininfo (Debian x11-utils) is not installed")
def test_a_script_s_figures_open_as_live_windows_in_the_viewer(tmp_path: Path) -> None:
    lines, windows, status = _listen_to(tmp_path, SCRIPT, 4, "--count", "4", MPLBACKEND="module://figwire.backend")
    by_backend = [line for line in lines if not line.startswith("one message")]  # another socket: any order
    assert [line.split(":")[0] for line in by_backend] == ["waves", "big image", "waves"], lines
    assert all(f"live in {CANVAS['tkagg']}" in line for line in lines), lines
    assert "image after" not in by_backend[1], "the backend's live part comes first: no image to wait for"
    (own,) = [line for line in lines if line.startswith("one message")]
    early, total = (int(x) for x in re.search(r"MB, (\d+) ms, image after (\d+) ms", own).groups()[::-1])
    assert early < total, "progressive display: the image was up before the live figure"
    assert sorted(windows) == ["big image", "one message", "waves"], windows  # one window per label, mapped
    assert status == 0


@pytest.mark.parametrize("backend", ["TkAgg", "QtAgg"])
def test_the_viewer_draws_the_figure_exactly_and_shows_an_image_first(tmp_path: Path, backend: str) -> None:
    if backend == "QtAgg":
        pytest.importorskip("PySide6")
    with xvfb() as display:
        proc = subprocess.run(
            [sys.executable, "-c", SCENARIO, backend], env=_env(display), capture_output=True, text=True, timeout=180
        )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr
    got = json.loads(lines[-1][len("RESULT ") :])
    assert got["live"] and got["canvas"] == CANVAS[backend.lower()] and got["mapped"], got
    assert got["same_pixels"], "the live window draws exactly what Agg draws"
    assert got["first_pixels"] is not None and got["first_pixels"] < got["seconds"], got
    assert got["replaced"], "a figure sent again under its label replaces its window"
    assert got["same_window"], "in the same toplevel window"
    assert got["again_pixels"] and got["toolbars"] == 1, "the new canvas draws exactly, under one toolbar"
    assert got["closed"], "closing the window closes the figure now in it"
    # an unsigned message never loads its pickle; its scene needs no trust
    assert got["unsigned_live"] and got["unsigned_tier"] == "scene" and "by scene" in got["unsigned_line"], got
    assert len(got["fignums"]) == 2, got  # the replaced window and the unsigned figure; no leftovers
    # a rebuilt figure unlike its message's PNG gives way to the PNG, in the same window
    assert got["alike_live"] and got["alike_tier"] == "scene", got
    assert not got["unlike_live"] and got["unlike_tier"] == "image/png", got
    assert "does not look like the producer's image" in got["unlike_reason"] and got["unlike_in_place"], got


LIVE_ON_DEMAND = r"""
import json, sys, threading
import numpy as np
import matplotlib
matplotlib.use("TkAgg")
import matplotlib.pyplot as plt
import zmq
from matplotlib.backend_bases import KeyEvent
from matplotlib.figure import Figure
import figwire, figwire.zmq as fz
from figwire._listen import _requester
from figwire._viewer import Viewer
key = figwire.Key(b"viewer test key, not a secret: 0123456789")
fig = Figure(figsize=(3, 2), label="on demand"); fig.add_subplot().plot([3, 1, 2])
store = fz.FigureStore()
ctx = zmq.Context()
rep = ctx.socket(zmq.REP); port = rep.bind_to_random_port("tcp://127.0.0.1")
server = threading.Thread(target=fz.answer, args=(rep, store), kwargs={"key": key}); server.start()
seen = []
viewer = Viewer("TkAgg", key=key, ask_live=_requester(ctx, f"tcp://127.0.0.1:{port}", key), log=seen.append)
images_only = figwire.pack(fig, parts=["image/png"], key=key)  # a producer that left the pickle out
store.add(fig, figwire.inspect(images_only).id)
first = viewer.show(images_only)
canvas = first.figure.canvas
window = canvas.manager.window
canvas.callbacks.process("key_press_event", KeyEvent("key_press_event", canvas, "L"))  # the user presses L
server.join(30)
for _ in range(5): viewer.pump(0.05)
now = viewer.windows["on demand"]
print("RESULT " + json.dumps({
    "first_live": first.live, "now_live": type(now.canvas).__name__ == "FigureCanvasTkAgg" and now is not first.figure
        and len(now.axes) == 1 and len(now.axes[0].lines) == 1,
    "image_closed": first.figure.canvas.manager not in matplotlib._pylab_helpers.Gcf.figs.values(),
    "same_window": now.canvas.manager.window is window, "windows": len(plt.get_fignums()), "lines": seen,
}))
ctx.destroy(linger=0)
"""


def test_l_in_an_image_window_asks_the_producer_for_it_live(tmp_path: Path) -> None:
    with xvfb() as display:
        proc = subprocess.run([sys.executable, "-c", LIVE_ON_DEMAND], env=_env(display), capture_output=True, text=True, timeout=180)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr
    got = json.loads(lines[-1][len("RESULT ") :])
    assert not got["first_live"] and got["now_live"] and got["image_closed"] and got["windows"] == 1, got
    assert got["same_window"], "the live figure takes the image's place in the same window"
    assert any("asking the producer" in line for line in got["lines"]) and "live in FigureCanvasTkAgg" in got["lines"][-1]


UNSIGNED_THEN_SIGNED = r"""
import os, zmq, numpy as np
from matplotlib.figure import Figure
import figwire, figwire.zmq
push = zmq.Context.instance().socket(zmq.PUSH); push.connect(os.environ["FIGWIRE_ENDPOINT"])
for label, key in (("stranger", None), ("other key", b"another key, also 32 bytes long!!"), ("ours", figwire.key_from_env())):
    fig = Figure(label=label); fig.add_subplot().plot(np.arange(10))
    figwire.zmq.send(push, fig, key=key, copy=True)
push.close(linger=30000)
zmq.Context.instance().term()  # waits for delivery (pyzmq does not term at exit)
"""


@pytest.mark.skipif(shutil.which("xwininfo") is None, reason="xwininfo (Debian x11-utils) is not installed")
def test_a_signed_only_viewer_opens_no_window_for_an_unsigned_or_foreign_message(tmp_path: Path) -> None:
    """By default an unsigned message's image is shown (spec 13.1), so anyone who reaches the
    socket can open windows; ``--signed-only`` refuses it, images and all, before unpacking."""
    lines, windows, _ = _listen_to(tmp_path, UNSIGNED_THEN_SIGNED, 3, "--signed-only", "--count", "1")
    assert "not-signed" in lines[0] and "signed messages only" in lines[0], lines
    assert "auth-failed" in lines[1], lines
    assert lines[2].startswith("ours") and f"live in {CANVAS['tkagg']}" in lines[2], lines
    assert windows == ["ours"], windows


ANALYSIS = r"""
import matplotlib.pyplot as plt, numpy as np
plt.figure(label="from the cluster"); plt.plot(np.cumsum(np.random.default_rng(2).standard_normal(300))); plt.show()
"""


@pytest.mark.skipif(shutil.which("xwininfo") is None, reason="xwininfo (Debian x11-utils) is not installed")
def test_the_readme_s_cluster_recipe_through_a_real_ssh_tunnel(tmp_path: Path) -> None:
    """README's "on a cluster" recipe, command for command, against a private sshd: the
    key file copied with ``scp``, the script run by ``ssh -R`` with the key file and the
    backend, its figure live in a window of the viewer. The "cluster" side's endpoint is
    a port nothing listens on but the ssh remote forward, so the figure went through ssh;
    ``--signed-only`` shows the key the viewer checked is the one that was copied."""
    laptop, cluster = free_port(), free_port()
    key_file = tmp_path / ".figwire-key"
    key_file.write_text(KEY)
    key_file.chmod(0o600)
    remote = tmp_path / "cluster-home"
    remote.mkdir()

    with sshd(tmp_path) as server:

        def through_ssh(script: Path, env: Dict[str, str]) -> "subprocess.CompletedProcess[str]":
            copied = subprocess.run(server.scp(key_file, str(remote / ".figwire-key")), capture_output=True, text=True)
            assert copied.returncode == 0, copied.stderr
            command = (
                f"cd {shlex.quote(str(remote))} && PYTHONPATH={shlex.quote(str(REPO))}"
                f" FIGWIRE_ENDPOINT=tcp://127.0.0.1:{cluster}"
                f" FIGWIRE_KEY_FILE={shlex.quote(str(remote / '.figwire-key'))}"
                f" MPLBACKEND=module://figwire.backend {shlex.quote(sys.executable)} {shlex.quote(str(script))}"
            )
            ssh = server.ssh("-R", f"{cluster}:127.0.0.1:{laptop}", server.host, command)
            return subprocess.run(ssh, capture_output=True, text=True, timeout=120, env=env)

        lines, windows, status = _listen_to(
            tmp_path, ANALYSIS, 1, "--signed-only", "--count", "1", endpoint=f"tcp://127.0.0.1:{laptop}", send=through_ssh
        )
    assert len(lines) == 1 and lines[0].startswith("from the cluster:"), lines
    assert f"live in {CANVAS['tkagg']}" in lines[0], lines
    assert windows == ["from the cluster"], windows
    assert status == 0
    assert oct((remote / ".figwire-key").stat().st_mode & 0o777) == "0o600", "scp kept the key file private"
