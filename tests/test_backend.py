"""``MPLBACKEND=module://figwire.backend``: scripts as real subprocesses, a real socket.

What the push pattern promises (README): figures shown before a viewer exists wait and
arrive in order when it binds, within the linger time; beyond the queue they are
dropped with a warning; with no viewer at all the script still exits, and says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zmq

import figwire
import figwire.zmq as fz
from figwire.backend import SenderConfig

KEY = "backend test key, not a secret: 0123456789"

SCRIPT = r"""
import sys
import matplotlib.pyplot as plt
for i in range(int(sys.argv[1])):
    plt.figure(label=f"figure {i}"); plt.plot([0, i])
    plt.gcf().show()
plt.show(); plt.show()  # nothing changed since each was sent: nothing more is sent
print("shown", flush=True)
"""


def _script(tmp_path: Path, n: int, endpoint: str, **env: str) -> subprocess.Popen:
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    full = {k: v for k, v in os.environ.items() if not k.startswith("FIGWIRE_")}
    full.update(MPLBACKEND="module://figwire.backend", FIGWIRE_ENDPOINT=endpoint, FIGWIRE_KEY=KEY, **env)
    return subprocess.Popen(
        [sys.executable, str(script), str(n)], env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_figures_wait_for_a_viewer_that_starts_later(tmp_path: Path) -> None:
    endpoint = f"ipc://{tmp_path}/late"
    proc = _script(tmp_path, 3, endpoint, FIGWIRE_LINGER="30")
    assert proc.stdout.readline().strip() == "shown"  # the script is done showing; nobody listens yet
    time.sleep(1)
    context = zmq.Context()
    try:
        pull = context.socket(zmq.PULL)
        pull.bind(endpoint)
        got = []
        while pull.poll(20_000 if len(got) < 6 else 1000):
            result = fz.recv(pull).unpack(key=KEY)
            assert result.authenticated
            got.append(result)
    finally:
        context.destroy(linger=0)
    assert proc.wait(30) == 0, proc.stderr.read()
    # each figure as two messages, in order: its pickle, then its scene and PNG (one draw);
    # each names the other
    assert [(r.header.figure.label, r.tier) for r in got] == [
        (f"figure {i}", tier) for i in range(3) for tier in ("pickle", "scene")
    ]
    for live, image in zip(got[::2], got[1::2]):
        assert live.header.related == image.header.id and image.header.related == live.header.id
        assert "image/png" in image.fallbacks and not live.fallbacks and image.header.pickle is None


def test_with_no_viewer_the_script_exits_and_says_so(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = _script(tmp_path, 2, f"ipc://{tmp_path}/nobody", FIGWIRE_LINGER="0.5")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "2 figure(s) not delivered" in err and "figwire listen" in err
    assert time.monotonic() - started < 30


def test_beyond_the_queue_figures_are_dropped_with_a_warning(tmp_path: Path) -> None:
    proc = _script(tmp_path, 6, f"ipc://{tmp_path}/full", FIGWIRE_QUEUE="2", FIGWIRE_LINGER="0")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert err.count("figure dropped") == 4, err  # two messages per figure: 2 figures fit in 4


def test_configuration_from_the_environment_and_the_file(tmp_path: Path) -> None:
    config = tmp_path / "figwire" / "backend.json"
    config.parent.mkdir()
    config.write_text('{"endpoint": "tcp://10.0.0.1:7000", "queue": 5}')
    got = SenderConfig.from_env({"XDG_CONFIG_HOME": str(tmp_path), "FIGWIRE_LINGER": "2", "FIGWIRE_KEY": KEY})
    assert got.endpoint == "tcp://10.0.0.1:7000" and got.queue == 5 and got.linger == 2.0 and got.pattern == "push"
    assert got.key == figwire.Key(KEY.encode()) and KEY not in repr(got)
    with pytest.raises(ValueError, match="FIGWIRE_PATTERN"):
        SenderConfig.from_env({"XDG_CONFIG_HOME": str(tmp_path), "FIGWIRE_PATTERN": "broadcast"})
    config.write_text("[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        SenderConfig.from_env({"XDG_CONFIG_HOME": str(tmp_path)})
