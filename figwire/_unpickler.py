"""The one place figwire unpickles, so that it can be gated in one place.

A pickle is code: loading one calls whatever it names, and pickle's BUILD, SETITEM and
APPEND opcodes act on whatever object is on its stack. Three layers, each for what the
others cannot see (spec §13):

1. ``_policy``: which names may be resolved at all, by rules; what may be *called* while
   loading resolves to a checking function (``_checked``), never to the real callable.
   ``builtins.getattr`` (how bound methods pickle) resolves to a guarded version that
   returns only methods the method rules admit.
2. ``_guard``: for the duration of the load, no process, file, socket or import, bounded
   memory, and every class and registry the load could touch compared afterwards and
   put back (the message is then refused).
3. ``_validate`` (in ``_unpack``): the figure's draw-time limits, checked before it is
   handed over.

The C unpickler does the work, so a load costs about what ``pickle.loads`` costs; the
pure-Python one costs 3.5-6x on figure pickles.
"""

from __future__ import annotations

import gc
import io
import pickle
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from ._checked import LoadRefused
from ._errors import DecodeError
from ._guard import Guard, LoadTimeout, Refused
from ._loadpolicy import DEFAULT_LOAD_POLICY, LoadPolicy
from ._policy import Policy, explain_method, method_refusal
from ._spec import ErrorCode

__all__ = ["load"]


def _guarded_getattr(
    policy_refusal: Callable[[Any, Any], Any], record: Callable[[Any], None]
) -> Callable[..., Any]:
    """``getattr`` as a pickle resolves it: admitted methods only, each bound one recorded."""
    decided: Dict[Tuple[type, str], bool] = {}  # (owner's type, name) -> allowed; per load

    def getattr_(owner: Any, name: Any, *default: Any) -> Any:
        if default or not isinstance(name, str):
            raise _refusal(f"getattr{(type(owner).__name__, name)!r} with unusual arguments", "M1")
        key = (owner if isinstance(owner, type) else type(owner), name)
        allowed = decided.get(key)
        if allowed is None:
            why = policy_refusal(owner, name)
            if why is not None:
                raise _refusal(explain_method(owner, name), why)
            allowed = decided[key] = True
        found = getattr(owner, name)
        record(found)
        return found

    return getattr_


def _refusal(what: str, rule: str) -> DecodeError:
    return DecodeError(
        ErrorCode.PICKLE_REFUSED,
        f"the pickle names {what}, which figwire's loading policy does not admit ({rule})",
    )


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, buffers: Sequence[Any], policy: Policy, guard: Guard) -> None:
        super().__init__(file, buffers=buffers, encoding="bytes")
        self._policy = policy
        self._getattr = _guarded_getattr(method_refusal, guard.bound.append)

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name == "getattr":
            return self._getattr
        return self._policy.resolve(module, name)


def load(
    data: Any,
    buffers: Sequence[Any],
    allow: Iterable[Tuple[str, str]] = (),
    policy: LoadPolicy = DEFAULT_LOAD_POLICY,
    bound: Optional[List[Any]] = None,
) -> Any:
    """Unpickle ``data`` with out-of-band ``buffers`` under figwire's loading policy.

    ``bound``, when given, receives every bound method and ``functools.partial`` the
    load made, for ``validate`` to check what they are bound to.

    Raises ``DecodeError(PICKLE_REFUSED)`` when the pickle names or does something the
    policy refuses, or when the load changed process-wide state (which is put back);
    any other exception is the pickle's own failure and propagates for the caller to report.
    """
    extra: FrozenSet[Tuple[str, str]] = frozenset((str(m), str(n)) for m, n in allow)
    if policy.isolate:
        from ._isolate import first_load_in_child

        why = first_load_in_child(lambda p: load(data, buffers, extra, p), policy)
        if why is not None:
            raise _refused(why)
    guard = Guard(policy)
    try:
        with guard:
            rules = Policy(extra, guard.watch_class, guard.pause)
            try:
                result = _paused_collection(_Unpickler(io.BytesIO(data), buffers, rules, guard).load)
            except (Refused, LoadRefused, MemoryError, DecodeError):
                raise
            except Exception:
                if not guard.refusals:
                    raise
                result = None  # a refusal the pickle's own code turned into another error: below
    except LoadTimeout:
        raise _refused(
            f"loading the pickle took over LoadPolicy.max_load_seconds ({policy.max_load_seconds} s)"
        ) from None
    except (Refused, LoadRefused) as exc:
        raise _refused(f"the pickle was refused while loading: {exc}") from None
    except MemoryError:
        raise _refused(
            f"loading the pickle needed more than LoadPolicy.memory_headroom ({policy.memory_headroom} bytes)"
        ) from None
    if guard.refusals:
        raise _refused(f"the pickle attempted {guard.refusals[0]} while loading")
    if guard.changes:
        raise _refused("loading the pickle changed process-wide state (put back): " + ", ".join(guard.changes[:5]))
    if bound is not None:
        bound.extend(guard.bound)
    return result


def _paused_collection(run: Callable[[], Any]) -> Any:
    """``run()`` with the cyclic garbage collector paused, as it was before afterwards.

    A figure pickle builds thousands of container objects, and each 700 allocations start
    a collection that walks the young ones (and now and then all of them): 16 % of a
    ``pickle.loads`` of the benchmark figures (dashboard 59.8 -> 50.4 ms). Nothing a load
    makes is garbage until it ends; the guard bounds its memory either way."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return run()
    finally:
        if collecting:
            gc.enable()


def _refused(message: str) -> DecodeError:
    return DecodeError(ErrorCode.PICKLE_REFUSED, message)
