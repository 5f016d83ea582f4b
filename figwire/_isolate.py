"""A first load in a child process, for pickles whose cost nothing in-process can bound.

Some pickles cost unbounded CPU inside a single C call, where neither the size checks nor
the watchdog can reach: a dict key that is a tuple nested 64 deep with each level shared
twice is hashed along 2**64 paths (about 100 bytes of pickle, and stock ``pickle.loads``
hangs too). With ``LoadPolicy(isolate=True)`` the load is first run in a forked child
with the same guard, a CPU-time limit and a wall-clock deadline; the client loads the
pickle itself only when the child finished. It doubles the cost of a load, so it is for
pickles from sources the caller trusts least (files), not the default.
"""

from __future__ import annotations

import dataclasses
import os
import select
import signal
import time
import warnings
from typing import Any, Callable, Optional

from ._loadpolicy import LoadPolicy

__all__ = ["first_load_in_child"]


def first_load_in_child(load: Callable[[LoadPolicy], Any], policy: LoadPolicy) -> Optional[str]:
    """Run ``load(policy)`` in a forked child: None when it finished, else why not."""
    if not hasattr(os, "fork"):
        return "LoadPolicy.isolate needs os.fork, which this platform does not have"
    seconds = max(policy.max_load_seconds, 1)
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded, fork() may deadlock"
        pid = os.fork()
    if pid == 0:  # the child: no return from here
        code = 1
        try:
            os.close(read)
            import resource

            resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
            load(dataclasses.replace(policy, isolate=False))
            code = 0
        except BaseException as exc:  # noqa: B036  (the child reports everything, then exits)
            os.write(write, str(exc).encode("utf-8", "replace")[:2000])
        finally:
            os._exit(code)
    os.close(write)
    try:
        return _wait(pid, read, 2.0 * seconds + 1)
    finally:
        os.close(read)


def _wait(pid: int, read: int, deadline: float) -> Optional[str]:
    end = time.monotonic() + deadline
    message = b""
    while True:
        left = end - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return f"the first load, in a child process, did not finish within {deadline:.0f} s"
        ready, _, _ = select.select([read], [], [], min(left, 0.5))
        if ready:
            chunk = os.read(read, 4096)
            if chunk:
                message += chunk
                continue
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return _outcome(status, message)


def _outcome(status: int, message: bytes) -> Optional[str]:
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return None
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return f"the first load, in a child process, was killed by {name} (over its CPU or memory limit)"
    return "the first load, in a child process, failed: " + (message.decode("utf-8", "replace") or "no reason given")
