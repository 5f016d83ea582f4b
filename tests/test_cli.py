"""The command line as a user meets it: files, conversion, and errors as one clear line.

Every command runs as a real subprocess. A failure must be one line on stderr and exit
status 2, never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

import figwire

KEY = "cli test key, not a secret: 0123456789"


def _run(*args: str, key: bool = False, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIGWIRE_")}
    env["MPLBACKEND"] = "Agg"
    if key:
        env["FIGWIRE_KEY"] = KEY
    return subprocess.run(
        [sys.executable, "-m", "figwire", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def _one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def _figure() -> Figure:
    fig = Figure(figsize=(3, 2), label="cli")
    fig.add_subplot().plot(np.arange(10) ** 2)
    return fig


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = figwire.save(_figure(), tmp_path / "figure", key=KEY)
    assert path.suffix == ".fgw" and not list(tmp_path.glob("*.partial"))
    assert figwire.load(path, key=KEY).live
    unsigned = figwire.load(path)  # no key given: a file is not trusted by default, its scene needs no trust
    assert unsigned.tier == "scene" and "image/png" in unsigned.fallbacks
    assert figwire.load(figwire.save(_figure(), tmp_path / "mine.fgw"), trust_unsigned=True).live


def test_inspect_json_is_the_envelope(tmp_path: Path) -> None:
    path = figwire.save(_figure(), tmp_path / "f.fgw", key=KEY)
    done = _run("inspect", str(path), "--json", key=True)
    assert done.returncode == 0, done.stderr
    wire = json.loads(done.stdout)
    assert wire["figure"]["label"] == "cli" and wire["verified"] and wire["auth"]["alg"] == "hmac-sha256"


def test_convert_renders_the_live_figure_or_copies_the_fallback(tmp_path: Path) -> None:
    path = figwire.save(_figure(), tmp_path / "f.fgw", key=KEY)
    done = _run("convert", str(path), str(tmp_path / "live.svg"), key=True)
    assert done.returncode == 0 and "live figure" in done.stdout, done.stderr
    assert (tmp_path / "live.svg").read_text().lstrip().startswith("<?xml")
    done = _run("convert", str(path), str(tmp_path / "copy.png"))  # no key: the file's own PNG, not a re-render
    assert done.returncode == 0 and "fallback" in done.stdout, done.stderr
    assert (tmp_path / "copy.png").read_bytes() == bytes(figwire.load(path).fallbacks["image/png"])
    Image.open(io.BytesIO((tmp_path / "copy.png").read_bytes())).verify()
    done = _run("convert", str(path), str(tmp_path / "scene.pdf"))  # no PDF inside: rendered from the scene
    assert done.returncode == 0 and "(scene)" in done.stdout, done.stderr
    images_only = figwire.save(_figure(), tmp_path / "images.fgw", parts=["pickle", "image/png"])
    line = _one_line_error(_run("convert", str(images_only), str(tmp_path / "copy.pdf")))
    assert "no application/pdf" in line and "not live" in line


@pytest.mark.parametrize(
    "args, needle",
    [
        (["inspect", "/nonexistent.fgw"], "No such file"),
        (["show", "/nonexistent.fgw"], "No such file"),
        (["convert", "/nonexistent.fgw", "x.png"], "No such file"),
        (["convert", "NOFILE", "x.gif"], "use .png, .svg or .pdf"),
        (["listen", "bogus://endpoint", "--backend", "Agg"], "cannot bind"),
        (["hub", "bogus://a", "bogus://b"], "cannot bind"),
        (["listen", "tcp://127.0.0.1:5599", "--signed-only"], "--signed-only needs a key"),
    ],
)
def test_errors_are_one_line(args, needle) -> None:
    assert needle in _one_line_error(_run(*args))


def test_a_file_that_is_not_figwire_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.fgw"
    junk.write_bytes(b"\x89PNG not a figwire file")
    for command in (["inspect", str(junk)], ["show", str(junk)], ["convert", str(junk), str(tmp_path / "o.png")]):
        assert "malformed" in _one_line_error(_run(*command))


def test_a_weak_key_is_refused_without_showing_it(tmp_path: Path) -> None:
    path = figwire.save(_figure(), tmp_path / "f.fgw")
    env = {**os.environ, "FIGWIRE_KEY": "aaaaaaaaaaaaaaaaaaaa", "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-m", "figwire", "inspect", str(path)], capture_output=True, text=True, env=env
    )
    line = _one_line_error(done)
    assert "invalid-key" in line and "aaaa" not in line


def test_help_reads_well() -> None:
    done = _run("--help")
    assert done.returncode == 0
    for command in ("demo", "inspect", "show", "convert", "listen", "hub"):
        assert command in done.stdout
    listen = _run("listen", "--help")
    assert "--key-file" in listen.stdout and "--trust-unsigned" in listen.stdout and "--request" in listen.stdout


def test_demo_with_a_backend_that_cannot_open_a_window_says_why(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    done = subprocess.run(
        [sys.executable, "-m", "figwire", "demo", "--out", str(tmp_path), "--backend", "TkAgg"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "cannot open a window" in done.stderr and "TkAgg" in done.stderr
