"""The load's budget: what the checked reconstructors charge against the ``LoadPolicy``.

A reconstructor checks a size before it allocates anything, against the policy of the
load in progress (the active guard's) or the default policy outside one; the running
total of array bytes lives on the guard, so one pickle cannot spread an exhaustion over
many small arrays.
"""

from __future__ import annotations

from typing import Any

from ._guard import current
from ._loadpolicy import DEFAULT_LOAD_POLICY, LoadPolicy

__all__ = ["LoadRefused", "charge", "charge_items", "policy", "short"]


class LoadRefused(Exception):
    """A reconstructor's arguments are outside what a figure can need."""


def policy() -> LoadPolicy:
    """The policy of the load in progress."""
    guard = current()
    return guard.policy if guard is not None else DEFAULT_LOAD_POLICY


def charge(nbytes: int, what: str) -> None:
    """Refuse ``what`` if its ``nbytes`` are over the per-array limit or bring the load's
    total over its limit; else add them to the total."""
    guard = current()
    limits = guard.policy if guard is not None else DEFAULT_LOAD_POLICY
    if nbytes > limits.max_array_bytes:
        raise LoadRefused(f"{what} of {nbytes} bytes is over LoadPolicy.max_array_bytes ({limits.max_array_bytes})")
    if guard is not None:
        guard.total_bytes += nbytes
        if guard.total_bytes > limits.max_total_bytes:
            raise LoadRefused(
                f"the pickle's arrays add up to over LoadPolicy.max_total_bytes ({limits.max_total_bytes})"
            )


def charge_items(n: int, what: str) -> None:
    """Refuse a container of ``n`` items over ``LoadPolicy.max_container_items``."""
    limit = policy().max_container_items
    if n > limit:
        raise LoadRefused(f"{what} of {n} items is over LoadPolicy.max_container_items ({limit})")


def short(value: Any) -> str:
    """``repr(value)`` cut to 80 characters, for a refusal's message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
