"""Real kernels, real windows: IPython issue #2322's scenario end to end, under Xvfb.

A child process runs ``FigwireClient`` against a kernel started with jupyter_client and
checks the Tk window it opens (canvas class, mapped, pixels), the image window of a
figure over the live limit and its replacement by ``%figwire live``. The console is
driven as a person would, in a pseudo-terminal (pexpect): typing a plot command opens a
mapped Tk window whose pixels are the figure's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

import numpy as np
import pytest
from gui_support import REPO, xvfb

pytestmark = pytest.mark.gui
pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

SCENARIO = r"""
import json, os, queue, sys
import numpy as np
import matplotlib
matplotlib.use("TkAgg")
import matplotlib.pyplot as plt
from jupyter_client.manager import start_new_kernel
import figwire
from figwire.jupyter.client import FigwireClient
from matplotlib.backends.backend_agg import FigureCanvasAgg

km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120)
frames = []
def run(client, code):
    msg_id = kc.execute(code)
    shown = []
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["header"]["msg_type"] == "comm_msg":
            frames.append([bytes(b) for b in msg["buffers"]])
        got = client.handle(msg)
        if got is not None:
            shown.append(got)
        if msg["parent_header"].get("msg_id") == msg_id and msg["header"]["msg_type"] == "status" \
                and msg["content"]["execution_state"] == "idle":
            for _ in range(10):
                client.viewer.pump(0.05)
            return shown
try:
    client = FigwireClient(kc, "TkAgg", log=lambda line: None)
    (first,) = run(client, "import matplotlib.pyplot as plt\nplt.figure(label='k'); plt.plot([1, 3, 2]); plt.title('kernel')")
    canvas = first.figure.canvas
    window = canvas.manager.window
    reference = figwire.unpack(frames[-1], key=client.key).figure
    agg = FigureCanvasAgg(reference); agg.draw()
    want, got = np.asarray(agg.buffer_rgba()), np.asarray(canvas.buffer_rgba())
    run(client, "%figwire limit 1000")
    (image,) = run(client, "import numpy as np; plt.figure(label='big'); plt.imshow(np.random.default_rng(1).random((200, 200)))")
    image_title = image.figure.canvas.manager.get_window_title()
    image_canvas = type(image.figure.canvas).__name__
    image_window = image.figure.canvas.manager.window
    (live,) = run(client, "%figwire live big")
    print("RESULT " + json.dumps({
        "live": first.live, "canvas": type(canvas).__name__, "mapped": bool(window.winfo_ismapped()),
        "same_pixels": got.shape == want.shape and bool((got[..., :3] == want[..., :3]).all()),
        "image_live": image.live, "image_title": image_title, "image_canvas": image_canvas,
        "then_live": live.live,
        "image_closed": image.figure.canvas.manager not in matplotlib._pylab_helpers.Gcf.figs.values(),
        "same_window": live.figure.canvas.manager.window is image_window,
        "windows": sorted(m.get_window_title() for m in matplotlib._pylab_helpers.Gcf.get_all_fig_managers()),
    }))
finally:
    km.shutdown_kernel(now=True)
"""


def _prompt(n: int) -> str:
    """``In [n]:`` as prompt_toolkit draws it, colours and all."""
    ansi = r"(?:\x1b\[[0-9;?]*[a-zA-Z])*"
    return rf"In {ansi}\[{ansi}{n}{ansi}\]{ansi}:"


def _env(display: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    env.update(DISPLAY=display, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])))
    return env


def test_a_kernel_figure_opens_live_under_tk_and_big_ones_on_request() -> None:
    with xvfb() as display:
        proc = subprocess.run([sys.executable, "-c", SCENARIO], env=_env(display), capture_output=True, text=True, timeout=300)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    got = json.loads(lines[-1][len("RESULT ") :])
    assert got["live"] and got["canvas"] == "FigureCanvasTkAgg" and got["mapped"], got
    assert got["same_pixels"], "the window draws the kernel's figure exactly"
    assert not got["image_live"] and got["image_canvas"] == "FigureCanvasTkAgg"
    assert "live available" in got["image_title"], got["image_title"]
    assert got["then_live"] and got["image_closed"], "%figwire live replaced the image window"
    assert got["same_window"], "the live figure took the image's place in the same Tk window"
    assert got["windows"] == ["big", "k"], got["windows"]


@pytest.mark.skipif(shutil.which("xwininfo") is None, reason="xwininfo (Debian x11-utils) is not installed")
def test_the_console_opens_a_live_window_for_a_typed_plot(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    from PIL import Image, ImageGrab

    saved = tmp_path / "expected.png"
    with xvfb() as display:
        console = pexpect.spawn(
            sys.executable, ["-m", "figwire", "console", "--no-confirm-exit"], env=_env(display),
            encoding="utf-8", timeout=120, dimensions=(40, 200),
        )
        try:
            console.expect(_prompt(1))
            console.sendline(
                f"import matplotlib.pyplot as plt; plt.plot([1, 3, 2]); plt.title('typed'); "
                f"plt.savefig({str(saved)!r}, dpi=plt.gcf().dpi)"
            )
            console.expect(r"\[figwire\] figure 1: live in FigureCanvasTkAgg")
            console.expect(_prompt(2))
            info = subprocess.run(["xwininfo", "-name", "Figure 1"], env={"DISPLAY": display}, capture_output=True, text=True)
            assert "IsViewable" in info.stdout, info.stdout + info.stderr
            x, y = (int(re.search(rf"Absolute upper-left {axis}:\s+(\d+)", info.stdout).group(1)) for axis in "XY")
            want = np.asarray(Image.open(saved).convert("RGB"))
            shot = np.asarray(ImageGrab.grab(xdisplay=display).convert("RGB"))
            got = shot[y : y + want.shape[0], x : x + want.shape[1]]
            assert got.shape == want.shape and (got == want).all(), "the window shows the figure's pixels"
            console.sendline("exit")
            console.expect(pexpect.EOF)
        finally:
            console.close(force=True)


@pytest.mark.skipif(shutil.which("xwininfo") is None, reason="xwininfo (Debian x11-utils) is not installed")
def test_the_console_attaches_to_a_running_kernel(tmp_path: Path) -> None:
    """``python -m figwire console --existing CONNECTION_FILE``: a kernel someone else started."""
    pexpect = pytest.importorskip("pexpect")
    from jupyter_client.manager import start_new_kernel

    with xvfb() as display:
        km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120, env=_env(display))
        try:
            console = pexpect.spawn(
                sys.executable, ["-m", "figwire", "console", "--existing", km.connection_file, "--no-confirm-exit"],
                env=_env(display), encoding="utf-8", timeout=120, dimensions=(40, 200),
            )
            try:
                console.expect(_prompt(1))
                console.sendline("import matplotlib.pyplot as plt; plt.figure(label='attached'); plt.plot([2, 1, 3])")
                console.expect(r"\[figwire\] attached: live in FigureCanvasTkAgg")
                console.expect(_prompt(2))
                info = subprocess.run(["xwininfo", "-name", "attached"], env={"DISPLAY": display}, capture_output=True, text=True)
                assert "IsViewable" in info.stdout, info.stdout + info.stderr
                console.sendline("exit(keep_kernel=True)")
                console.expect("keeping kernel alive")
            finally:
                console.close(force=True)
            assert km.is_alive(), "the console leaves a kernel it did not start running"
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
