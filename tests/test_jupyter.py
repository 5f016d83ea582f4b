"""A real kernel: jupyter_client starts ipykernel, ``%load_ext figwire``, cells plot.

Asserted at the message level (headless): the notebook's ``display_data`` is byte for
byte what it was without the extension, one per figure; each figure also arrives as a
comm message whose frames verify with the connection file's key and unpack live,
rendering exactly like the notebook's PNG; the live size limit, ``%figwire live``,
requests by message id, unsigned requests refused, nothing pickled without a client.
Windows (Tk under Xvfb) and the console are in ``test_jupyter_gui.py``.
"""

from __future__ import annotations

import base64
import io
import os
import queue
import uuid
from typing import Any, Dict, Iterator, List, Tuple

import numpy as np
import pytest
from PIL import Image

import figwire
from figwire._control import Request, Status, decode_control, encode_control

jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

CELL = "import matplotlib.pyplot as plt, numpy as np\nplt.figure(label='k')\nplt.plot(np.sin(np.linspace(0, 9, 300)))\nplt.title('from the kernel')"


@pytest.fixture(scope="module")
def kernel() -> Iterator[Tuple[Any, Any]]:
    from jupyter_client.manager import start_new_kernel

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel picks its inline backend
    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120, env=env)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc: Any, code: str, timeout: float = 120) -> List[Dict[str, Any]]:
    """Execute ``code``; every IOPub message it caused, in order, until the kernel is idle."""
    msg_id = kc.execute(code)
    out = []
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no idle status for {code!r}; got {[m['header']['msg_type'] for m in out]}") from None
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(msg)
        if msg["header"]["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out


def _of(messages: List[Dict[str, Any]], msg_type: str) -> List[Dict[str, Any]]:
    return [m for m in messages if m["header"]["msg_type"] == msg_type]


def _stdout(messages: List[Dict[str, Any]]) -> str:
    return "".join(m["content"]["text"] for m in _of(messages, "stream"))


def open_comm(kc: Any) -> str:
    comm_id = uuid.uuid4().hex
    msg = kc.session.msg(
        "comm_open", {"comm_id": comm_id, "target_name": "figwire", "data": {"accept": figwire.capabilities()}}
    )
    kc.shell_channel.send(msg)
    return comm_id


def send_request(kc: Any, comm_id: str, request: Request, key: Any) -> None:
    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {}})
    kc.session.send(kc.shell_channel.socket, msg, buffers=encode_control(request, key=key))


def wait_comm(kc: Any, comm_id: str, timeout: float = 60) -> List[memoryview]:
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["header"]["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
            return msg["buffers"]


def _png(display: Dict[str, Any]) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(display["content"]["data"]["image/png"]))).convert("RGBA"))


def test_the_notebook_output_is_unchanged_and_each_figure_also_goes_live(kernel) -> None:
    km, kc = kernel
    before = _of(run(kc, CELL), "display_data")
    assert len(before) == 1
    loaded = run(kc, "%load_ext figwire")
    assert "signed with the connection key" in _stdout(loaded)

    no_client = run(kc, CELL)
    assert [m["content"] for m in _of(no_client, "display_data")] == [before[0]["content"]]
    assert not _of(no_client, "comm_msg")
    assert "0 message(s) sent" in _stdout(run(kc, "%figwire status")), "nothing is pickled without a client"

    comm_id = open_comm(kc)
    with_client = run(kc, CELL)
    displays, comms = _of(with_client, "display_data"), _of(with_client, "comm_msg")
    assert [m["content"] for m in displays] == [before[0]["content"]], "the notebook gets exactly what it got"
    assert len(comms) == 1 and comms[0]["content"]["comm_id"] == comm_id
    assert with_client.index(comms[0]) < with_client.index(displays[0]), "the live part leaves before the PNG"

    key = figwire.key_from_connection_file(km.connection_file)
    frames = comms[0]["buffers"]
    header = figwire.verify(frames, key)
    assert [p.media_type for p in header.parts] == ["application/vnd.figwire.pickle"], "no second draw: no PNG"
    result = figwire.unpack(frames, key=key)
    assert result.live and result.authenticated and result.figure.axes[0].get_title() == "from the kernel"
    tight = io.BytesIO()
    result.figure.savefig(tight, format="png", bbox_inches="tight", dpi=result.figure.dpi)
    got = np.asarray(Image.open(tight).convert("RGBA"))
    want = _png(displays[0])
    assert got.shape == want.shape and (got == want).all(), "the live figure draws what the notebook shows"
    with pytest.raises(figwire.DecodeError):
        figwire.verify(frames, b"not the kernel's key but long enough")


def test_over_the_live_limit_the_figure_is_announced_and_sent_on_request(kernel) -> None:
    km, kc = kernel
    key = figwire.key_from_connection_file(km.connection_file)
    run(kc, "%load_ext figwire")
    comm_id = open_comm(kc)
    run(kc, "%figwire limit 1000")
    messages = run(kc, CELL.replace("'k'", "'big'"))
    (comm,) = [m for m in _of(messages, "comm_msg") if m["content"]["comm_id"] == comm_id]  # one per client
    header = figwire.verify(comm["buffers"], key)
    assert header.parts == () and "live available" in header.missing["pickle"]
    assert len(_of(messages, "display_data")) == 1, "the image still reaches everyone"

    send_request(kc, comm_id, Request(figwire.capabilities(), header.id), key)
    answer = wait_comm(kc, comm_id)
    result = figwire.unpack(answer, key=key)
    assert result.live and result.header.figure.label == "big"

    live = run(kc, "%figwire live big")  # its comm message is part of the cell's output
    assert "sent live to 2 client(s)" in _stdout(live)
    (comm,) = [m for m in _of(live, "comm_msg") if m["content"]["comm_id"] == comm_id]
    result = figwire.unpack(comm["buffers"], key=key)
    assert result.live and result.header.figure.label == "big"

    send_request(kc, comm_id, Request(message_id="no such message"), key)
    status, signed = decode_control(wait_comm(kc, comm_id), key=key)
    assert signed and isinstance(status, Status) and status.code == "not-found"
    send_request(kc, comm_id, Request(message_id=header.id), None)  # unsigned
    status, _ = decode_control(wait_comm(kc, comm_id))
    assert isinstance(status, Status) and status.code == "not-signed"
    run(kc, f"%figwire limit {64 << 20}")


COUNT_DRAWS = """
import matplotlib.figure as _mf
_draws = [0]
_original_draw = _mf.Figure.draw
def _counting_draw(self, renderer):
    _draws[0] += 1
    return _original_draw(self, renderer)
_mf.Figure.draw = _counting_draw
"""


def test_the_kernel_draws_each_figure_once_as_before(kernel) -> None:
    """The comm message carries no image: the only draws are the inline backend's, as before."""
    km, kc = kernel
    run(kc, "%load_ext figwire")
    run(kc, COUNT_DRAWS)
    counts = []
    for with_client in (False, True):
        if with_client:
            comm_id = open_comm(kc)
        run(kc, "_draws[0] = 0")
        messages = run(kc, CELL)
        counts.append(int(_stdout(run(kc, "print(_draws[0])")).strip()))
        if with_client:
            assert any(m["content"]["comm_id"] == comm_id for m in _of(messages, "comm_msg"))
    # the inline PNG (bbox_inches="tight") draws the figure 3 times on matplotlib 3.11; the
    # extension and its client add none
    assert counts[0] == counts[1] >= 1, counts
    run(kc, "_mf.Figure.draw = _original_draw")


def test_the_extension_loads_from_the_kernel_s_configuration() -> None:
    """``c.InteractiveShellApp.extensions = ["figwire"]``, here as its command-line form."""
    from jupyter_client.manager import start_new_kernel

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    km, kc = start_new_kernel(
        kernel_name="python3", startup_timeout=120, env=env, extra_arguments=["--InteractiveShellApp.extensions=figwire"]
    )
    try:
        assert "0 client(s)" in _stdout(run(kc, "%figwire status"))
        comm_id = open_comm(kc)
        (comm,) = [m for m in _of(run(kc, CELL), "comm_msg") if m["content"]["comm_id"] == comm_id]
        assert figwire.unpack(comm["buffers"], key=figwire.key_from_connection_file(km.connection_file)).live
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
