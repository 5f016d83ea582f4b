"""``%figwire``: the kernel side's controls, for the person at the notebook or console.

``%figwire live [LABEL]`` sends a figure live to every client, whatever its size (the
seed issue's ``%plotgui``): by label, else the last figure displayed. ``%figwire limit
BYTES`` sets the live size limit; ``%figwire status`` says who is connected.
"""

from __future__ import annotations

from typing import Any

__all__ = ["register"]

USAGE = "usage: %figwire live [LABEL] | %figwire limit BYTES | %figwire status"


def register(shell: Any, extension: Any) -> None:
    def figwire(line: str) -> None:
        from .._control import Request

        command, _, rest = line.strip().partition(" ")
        rest = rest.strip()
        if command == "live":
            fig = extension.store.find(Request(label=rest or None))
            if fig is None:
                print(
                    f"figwire: no figure {'labelled ' + repr(rest) if rest else 'displayed yet'} (the kernel keeps the last {extension.store.capacity})"
                )
                return
            sent = extension.publish(fig, limit=1 << 62)
            print(f"figwire: sent live to {sent} client(s)" if sent else "figwire: no figwire client is connected")
        elif command == "limit" and rest:
            try:
                extension.live_max_bytes = int(float(rest))
            except ValueError:
                print(USAGE)
                return
            print(f"figwire: figures over {extension.live_max_bytes:,} bytes are sent without their pickle")
        elif command in ("status", ""):
            signed = (
                "signed with the connection key" if extension.key is not None else "UNSIGNED (the kernel has no key)"
            )
            print(
                f"figwire: {len(extension.clients)} client(s), {extension.sent} message(s) sent, {signed},"
                f" live limit {extension.live_max_bytes:,} bytes, {len(extension.store)} figure(s) kept"
            )
        else:
            print(USAGE)

    shell.register_magic_function(figwire, magic_kind="line", magic_name="figwire")
