"""figwire in Jupyter: the kernel extension (``%load_ext figwire``), a client helper for
``jupyter_client`` users, and a terminal console that opens live windows (spec §15.3).

Needs ipykernel on the kernel side and jupyter_client (and, for the console,
jupyter_console) on the client side; the codec never imports this package.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_ipython_extension", "unload_ipython_extension", "TARGET"]

TARGET = "figwire"


def load_ipython_extension(shell: Any) -> None:
    from .kernel import load

    extension = load(shell)
    signed = "signed with the connection key" if extension.key is not None else "unsigned: the kernel has no key"
    print(f"figwire: figures go live to figwire clients ({signed}); %figwire status")


def unload_ipython_extension(shell: Any) -> None:
    from .kernel import unload

    unload(shell)
