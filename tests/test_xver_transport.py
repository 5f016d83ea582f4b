"""The transports across versions: ``module://figwire.backend`` and ``figwire.zmq`` on the
supported floor (Python 3.9, matplotlib 3.5, numpy 1.23, in a venv of the cross-version
harness) talking to this environment over real sockets, in both directions.

Same versions at both ends load live; across matplotlib minors the live part is refused
with the reason before unpickling and the PNG that follows it (``related``) is what shows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest
from xver_support import missing_pythons

FLOOR = "py39-mpl35-np123"
_MISSING = missing_pythons((FLOOR,))
pytestmark = [pytest.mark.xver, pytest.mark.skipif(_MISSING is not None, reason=str(_MISSING))]

ROOT = Path(__file__).resolve().parents[1]
KEY = "cross-version transport key, not a secret: 0123456789"

SEND = r"""
import matplotlib.pyplot as plt
plt.figure(label="sent"); plt.plot([1, 3, 2]); plt.title("across"); plt.show()
"""

RECEIVE = r"""
import json, sys
import zmq
import figwire, figwire.zmq as fz
sock = zmq.Context.instance().socket(zmq.PULL)
sock.bind(sys.argv[1])
print("bound", flush=True)
key = figwire.key_from_env()
out = []
for _ in range(2):  # the live part, then its PNG
    result = fz.recv(sock).unpack(key=key)
    out.append({"live": result.live, "reason": result.reason, "authenticated": result.authenticated,
                "png": "image/png" in result.fallbacks, "id": result.header.id, "related": result.header.related,
                "producer": result.header.producer["matplotlib"],
                "title": result.figure.axes[0].get_title() if result.live else None})
print("RESULT " + json.dumps(out), flush=True)
"""


@pytest.fixture(scope="module")
def floor() -> Path:
    sys.path.insert(0, str(ROOT / "tools"))
    import xver

    spec = next(s for s in xver.load_specs() if s.name == FLOOR)
    return xver.ensure_env(spec, xver.pyenv_root()).python


def _env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIGWIRE_", "MPLBACKEND", "PYTHONPATH"))}
    env.update({"PYTHONPATH": str(ROOT), "FIGWIRE_KEY": KEY, "MPLBACKEND": "Agg", **extra})
    return env


def _exchange(sender: Path, receiver: Path, endpoint: str) -> List[dict]:
    recv = subprocess.Popen([str(receiver), "-c", RECEIVE, endpoint], env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert recv.stdout.readline().strip() == "bound"
        sent = subprocess.run(
            [str(sender), "-c", SEND], env=_env(MPLBACKEND="module://figwire.backend", FIGWIRE_ENDPOINT=endpoint),
            capture_output=True, text=True, timeout=120,
        )
        assert sent.returncode == 0, sent.stderr
        out, _ = recv.communicate(timeout=120)
    finally:
        recv.kill()
    lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
    assert recv.returncode == 0 and lines, out
    return json.loads(lines[-1][len("RESULT ") :])


def test_the_floor_sends_and_receives_live_with_itself(floor: Path, tmp_path: Path) -> None:
    live, image = _exchange(floor, floor, f"ipc://{tmp_path}/floor")
    assert live["live"] and live["authenticated"] and live["title"] == "across" and live["producer"] == "3.5.3"
    assert image["png"] and image["related"] == live["id"] and live["related"] == image["id"]


@pytest.mark.parametrize("direction", ["floor to here", "here to floor"])
def test_across_minors_the_live_part_is_refused_and_the_png_follows(floor: Path, tmp_path: Path, direction: str) -> None:
    here = Path(sys.executable)
    sender, receiver = (floor, here) if direction == "floor to here" else (here, floor)
    live, image = _exchange(sender, receiver, f"ipc://{tmp_path}/across")
    assert not live["live"] and "minor" in live["reason"] and live["authenticated"]
    assert image["png"] and image["related"] == live["id"]
