"""Bounds on one load's memory and time, used by the guard (``_guard``).

* **Memory.** Where ``RLIMIT_AS`` exists, the address space may grow by at most
  ``LoadPolicy.memory_headroom`` while unpickling: a memo index of 2**28 or a huge
  container then fails with ``MemoryError`` instead of taking the machine. The limit is
  process-wide, so concurrent loads share one (counted) cap.
* **Time.** One daemon thread interrupts loads running past ``LoadPolicy.max_load_seconds``.
"""

from __future__ import annotations

import os
import threading
from typing import Dict, Optional, Set, Tuple

__all__ = ["Refused", "LoadTimeout", "limit_memory", "unlimit_memory", "watchdog"]


class Refused(Exception):
    """An operation the pickle attempted that a load may not do (raised inside the load)."""


# -- memory -------------------------------------------------------------------------

_rlimit_lock = threading.Lock()
_rlimit_users = 0
_rlimit_saved: Optional[Tuple[int, int]] = None


def _address_space() -> Optional[int]:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def limit_memory(headroom: int) -> bool:
    """Cap the address space at its current size plus ``headroom``; True if it did."""
    global _rlimit_users, _rlimit_saved
    try:
        import resource
    except ImportError:  # not on this platform: load-time memory is bounded by the checks only
        return False
    with _rlimit_lock:
        if _rlimit_users == 0:
            size = _address_space()
            if size is None:
                return False
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = size + headroom
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            if soft != resource.RLIM_INFINITY and soft <= cap:
                return False  # already tighter than ours
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
            _rlimit_saved = (soft, hard)
        _rlimit_users += 1
        return True


def unlimit_memory() -> None:
    global _rlimit_users, _rlimit_saved
    import resource

    with _rlimit_lock:
        _rlimit_users -= 1
        if _rlimit_users == 0 and _rlimit_saved is not None:
            resource.setrlimit(resource.RLIMIT_AS, _rlimit_saved)
            _rlimit_saved = None


# -- time -------------------------------------------------------------------------


class LoadTimeout(Refused):
    """Raised inside a load that ran past ``LoadPolicy.max_load_seconds``."""


class _Watchdog:
    """One daemon thread that interrupts loads running past their deadline.

    The interruption is an asynchronous exception (``PyThreadState_SetAsyncExc``), which
    Python raises at the loading thread's next bytecode: it stops a pickle that keeps
    calling admitted Python code (a costly constructor, thousands of times), not one busy
    inside a single C call (hashing a deeply shared tuple); a child-process first load
    (``LoadPolicy.isolate``) bounds that.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition(threading.Lock())
        self._deadlines: Dict[int, float] = {}
        self._fired: Set[int] = set()
        self._thread: Optional[threading.Thread] = None

    def start(self, seconds: float) -> None:
        import time

        with self._lock:
            self._deadlines[threading.get_ident()] = time.monotonic() + seconds
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="figwire-load-watchdog", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        ident = threading.get_ident()
        with self._lock:
            self._deadlines.pop(ident, None)
            if ident in self._fired:  # fired as the load ended: do not let it escape the load
                self._fired.discard(ident)
                _async_raise(ident, None)

    def _run(self) -> None:
        import time

        with self._lock:
            while True:
                now = time.monotonic()
                for ident, deadline in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[ident]
                        self._fired.add(ident)
                        _async_raise(ident, LoadTimeout)
                # Polls (no wake-up per load, which costs a thread switch): a deadline is
                # honoured within _POLL seconds.
                self._lock.wait(_POLL)


def _async_raise(ident: int, exc: Optional[type]) -> None:
    try:
        import ctypes
    except ImportError:  # not CPython: loads are bounded by the size checks only
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc else None)


_POLL = 0.25
watchdog = _Watchdog()
