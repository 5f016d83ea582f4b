"""``python -m figwire console``: jupyter_console, with the kernel's figures as live windows.

The terminal console of IPython issue #2322: type ``plt.plot(...)`` at the prompt and a
real, zoomable window of the figure opens, while the kernel keeps its inline backend
(a notebook attached to the same kernel still gets its PNGs). Built on jupyter_console
(6.6): its shell gets a ``FigwireClient`` fed by every IOPub message, a GUI task that
runs the toolkit's events while the prompt waits for input (and between IOPub polls
while a cell runs), and images shown in windows instead of an external viewer.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any, List, Optional, Sequence

from jupyter_console.app import ZMQTerminalIPythonApp
from jupyter_console.ptshell import ZMQTerminalInteractiveShell
from traitlets import Unicode

from .client import FigwireClient

__all__ = ["FigwireConsoleApp", "main"]


def _flush_gui() -> None:
    from matplotlib._pylab_helpers import Gcf

    for manager in Gcf.get_all_fig_managers():
        manager.canvas.flush_events()
        break  # one toolkit, one event queue: flushing one canvas serves every window


class FigwireShell(ZMQTerminalInteractiveShell):
    """jupyter_console's shell, showing figwire figures as windows."""

    figwire_backend = Unicode("TkAgg", help="matplotlib GUI backend for the windows").tag(config=True)
    figwire: Optional[FigwireClient] = None

    def init_kernel_info(self) -> None:
        super().init_kernel_info()
        import matplotlib

        matplotlib.use(self.figwire_backend)
        self.figwire = FigwireClient(self.client, self.figwire_backend, log=self._log)
        channel = self.client.iopub_channel
        get_msg = channel.get_msg

        def observed(*args: Any, **kwargs: Any) -> Any:
            msg = get_msg(*args, **kwargs)
            if self.figwire is not None:
                try:
                    self.figwire.handle(msg)
                except Exception as exc:  # a window must never kill the console
                    self._log(f"figwire: {type(exc).__name__}: {exc}")
                _flush_gui()
            return msg

        channel.get_msg = observed  # every IOPub message passes here, before the shell sees it

    def _log(self, line: str) -> None:
        print(f"[figwire] {line}", flush=True)

    def handle_rich_data(self, data: Any) -> bool:
        if self.figwire is not None and "image/png" in data:
            return True  # shown in a window by the figwire client
        return bool(super().handle_rich_data(data))

    async def _gui(self) -> None:
        while True:
            _flush_gui()
            if self.figwire is not None and not self._executing:
                self.handle_iopub()  # figures from other sessions; prints only what the shell would
            await asyncio.sleep(0.02)

    async def _main_task(self) -> None:
        gui = asyncio.create_task(self._gui())
        try:
            await super()._main_task()
        finally:
            gui.cancel()


class FigwireConsoleApp(ZMQTerminalIPythonApp):
    name = "figwire-console"
    description = "A Jupyter terminal console whose figures open as live matplotlib windows (figwire)."
    classes = [FigwireShell] + ZMQTerminalIPythonApp.classes[1:]

    def init_shell(self) -> None:
        import signal

        from jupyter_client.consoleapp import JupyterConsoleApp

        JupyterConsoleApp.initialize(self)
        signal.signal(signal.SIGINT, self.handle_sigint)
        self.shell = FigwireShell.instance(
            parent=self, manager=self.kernel_manager, client=self.kernel_client, confirm_exit=self.confirm_exit
        )
        self.shell.own_kernel = not self.existing


def main(argv: Optional[Sequence[str]] = None, backend: str = "TkAgg") -> int:
    args: List[str] = list(sys.argv[1:] if argv is None else argv)
    args.append(f"--FigwireShell.figwire_backend={backend}")
    FigwireConsoleApp.launch_instance(argv=args)
    return 0
