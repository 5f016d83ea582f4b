"""Replay protection (spec §13.6): refuse a message seen before, or created out of window.

A MAC proves who made a message, not that it is new: anyone on the path can send a
captured signed message again (re-opening a window, re-running its load). A consumer
that keeps a ``ReplayGuard`` refuses an authenticated message whose ``id`` it has seen
within ``window`` seconds, and any message whose ``created`` is older than ``window`` or
more than ``skew`` seconds in the future. Both fields are inside the MAC.

Memory is bounded: at most ``capacity`` ids are kept. When it is full the oldest id is
forgotten and the guard's floor rises to its ``created``, so a message at or below the
floor is refused as too old: forgetting never lets a replay through.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import TYPE_CHECKING, Callable

from ._envelope import Header

if TYPE_CHECKING:
    from ._control import Control
from ._errors import DecodeError
from ._spec import ErrorCode

__all__ = ["ReplayGuard"]


class ReplayGuard:
    """Remembers the ids of authenticated messages; ``check`` refuses replays."""

    def __init__(
        self,
        window: float = 300.0,
        skew: float = 30.0,
        capacity: int = 1 << 16,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not (window > 0 and skew >= 0 and capacity >= 1):
            raise ValueError("ReplayGuard needs window > 0, skew >= 0 and capacity >= 1")
        self.window, self.skew, self.capacity = float(window), float(skew), int(capacity)
        self._clock = clock
        self._seen: "collections.OrderedDict[str, float]" = collections.OrderedDict()
        self._floor = float("-inf")
        self._lock = threading.Lock()

    def check(self, header: Header | Control, authenticated: bool = True) -> None:
        """Refuse ``header``'s message (``DecodeError(replayed)``) or remember it: a
        figure message's ``Header``, or a control message (``Request``/``Status``).

        Only authenticated messages are remembered (an unauthenticated sender could
        otherwise fill the guard, or pre-empt an id); every message's time is checked.
        """
        now = self._clock()
        created = header.created
        if not (created == created) or created < now - self.window or created <= self._floor:
            raise DecodeError(
                ErrorCode.REPLAYED, f"message {header.id!r} was created too long ago ({now - created:.0f} s)"
            )
        if created > now + self.skew:
            raise DecodeError(
                ErrorCode.REPLAYED,
                f"message {header.id!r} was created {created - now:.0f} s in the future (clock skew)",
            )
        if not authenticated:
            return
        with self._lock:
            self._expire(now)
            if header.id in self._seen:
                raise DecodeError(ErrorCode.REPLAYED, f"message {header.id!r} was received before")
            self._seen[header.id] = created
            while len(self._seen) > self.capacity:
                _, dropped = self._seen.popitem(last=False)
                self._floor = max(self._floor, dropped)

    def _expire(self, now: float) -> None:
        """Forget the oldest ids while their message is out of window anyway (a replay of
        one is refused by its time, which is inside the MAC). Ids arrive roughly in time
        order, so this looks at the front only: O(1) per message."""
        horizon = now - self.window
        while self._seen:
            first = next(iter(self._seen.values()))
            if first >= horizon:
                break
            self._seen.popitem(last=False)

    def __len__(self) -> int:
        return len(self._seen)
