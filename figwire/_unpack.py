"""``unpack``: frames -> the live figure if it can be had, else the fallbacks; always why.

The decision is an ordered list of tiers, best first: the pickle (authenticated or
opted in, a compatible environment), then the scene (plain data, rebuilt on any
matplotlib with no trust needed, §16), then the images. A tier either yields a figure
or says why it could not; the first that yields wins, and the result names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from ._auth import KeyLike, authenticate
from ._codec import Frame, part_buffers, read_header
from ._envelope import Header, Part
from ._errors import DecodeError, FigwireError
from ._loadpolicy import DEFAULT_LOAD_POLICY, LoadPolicy
from ._replay import ReplayGuard
from ._spec import DEFAULT_LIMITS, ErrorCode, Limits, MediaType
from .scene._schema import DEFAULT_SCENE_LIMITS, SceneLimits

__all__ = ["Unpacked", "unpack", "inspect"]


@dataclass(frozen=True)
class Unpacked:
    """What ``unpack`` got, and why.

    ``figure`` is the live matplotlib figure when ``live``, else None (or, with a
    ``backend``, the figure showing the fallback image); ``reason`` says why the figure
    is not live (None when it is); ``fallbacks`` maps media type to bytes for every
    fallback part that decoded; ``notes`` records each tier's outcome, in order.
    ``tier`` is what the user gets: ``"pickle"`` or ``"scene"`` when live, else the
    media type of the image shown (with a backend) or the best one to show, None when
    there is none. ``skipped`` lists ``(node, reason)`` for what a scene-rebuilt figure
    could not carry exactly (path effects, a custom clip path...).
    """

    figure: Any
    live: bool
    reason: Optional[str]
    header: Header
    fallbacks: Mapping[str, memoryview] = field(default_factory=dict)
    notes: Tuple[str, ...] = ()
    authenticated: bool = False
    tier: Optional[str] = None
    skipped: Tuple[Tuple[str, str], ...] = ()


def inspect(frames: Sequence[Frame], *, key: Optional[KeyLike] = None, limits: Limits = DEFAULT_LIMITS) -> Header:
    """The decoded envelope, checked against the frames, without importing matplotlib or
    touching any payload byte. A router uses it to decide what to forward.

    With ``key``, a signed message is verified first (``DecodeError(auth-failed)`` if it
    does not verify); an unsigned one is returned as it is, its ``auth`` None.
    """
    if key is None:
        return read_header(frames, limits)
    return authenticate(frames, key, limits)[0]


@dataclass
class _Context:
    frames: Sequence[Frame]
    header: Header
    authenticated: bool
    keyed: bool
    trust_unsigned: bool
    allow: Iterable[Tuple[str, str]]
    zero_copy: bool
    policy: LoadPolicy
    scene_limits: SceneLimits
    #: a backend will draw the figure at once, checking that draw (so the scene tier need not).
    will_draw: bool = False
    #: what a tier made safe in the figure it returns (``LoadPolicy`` notes).
    notes: List[str] = field(default_factory=list)
    #: what the scene tier could not carry exactly.
    skipped: List[Tuple[str, str]] = field(default_factory=list)


def _pickle_tier(ctx: _Context) -> Any:
    """Load the pickle, if the caller trusts the message and the verdict allows it."""
    part = ctx.header.pickle
    if part is None:
        reason = ctx.header.missing.get("pickle", "the message has no pickle part")
        raise DecodeError(ErrorCode.PART_MISSING, reason)
    if not (ctx.authenticated or ctx.trust_unsigned):
        raise DecodeError(ErrorCode.PICKLE_REFUSED, _unauthenticated(ctx))
    from ._compat import verdict

    decision = verdict(ctx.header)
    if not decision.ok:
        raise DecodeError(ErrorCode.INCOMPATIBLE, decision.reason)
    return _load(ctx, part)


def _unauthenticated(ctx: _Context) -> str:
    if ctx.keyed:
        return (
            "a pickle is code, and this message is not signed: its pickle is not used, only its scene "
            "and images (trust_unsigned=True loads unsigned pickles, for files you made yourself)"
        )
    return (
        "a pickle is code, and this message is not authenticated: pass unpack(..., key=...) with the "
        "producer's shared key, or trust_unsigned=True only for files you made yourself"
    )


def _load(ctx: _Context, part: Part) -> Any:
    from matplotlib._pylab_helpers import Gcf
    from matplotlib.figure import Figure

    from ._unpickler import load
    from ._validate import validate

    stream, *buffers = part_buffers(ctx.frames, ctx.header, part)
    if not ctx.zero_copy:
        buffers = [_writable(b) for b in buffers]
    bound: List[Any] = []
    managers = set(Gcf.figs.values())
    step = "loading the pickle"
    try:
        figure = load(stream, buffers, ctx.allow, ctx.policy, bound)
        if not isinstance(figure, Figure):
            raise DecodeError(ErrorCode.LOAD_FAILED, f"the pickle holds a {type(figure).__name__}, not a Figure")
        step = "checking the loaded figure"  # its methods run on the pickle's state: a damaged one fails here
        ctx.notes.extend(validate(figure, ctx.policy, bound))
        _curve_polar_bars(figure)
    except FigwireError:
        raise
    except Exception as exc:  # the pickle's own failure (or a check's, named as such): fall back
        raise DecodeError(ErrorCode.LOAD_FAILED, f"{step} raised {_describe(exc)}") from None
    finally:
        _unregister(Gcf, managers)
    return figure


def _describe(exc: BaseException) -> str:
    """``Type: message`` of an exception the pickle raised. Its ``str`` is the pickle's code
    too (an exception holding a half-built artist whose repr raises), so it may fail."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except Exception:
        return f"{name} (whose message could not be formatted)"
    return f"{name}: {text if len(text) <= 500 else text[:497] + '...'}"


def _writable(buffer: memoryview) -> memoryview:
    """``buffer``, or a writable copy of it when it is read-only (``bytes``).

    Out-of-band frames become the figure's big arrays (views, not copies). Stock-pickled
    figures own writable arrays, and users' code edits them in place
    (``line.get_ydata()[0] = 5``), so read-only frames are copied, once each; frames
    that are writable already (pyzmq 27's ``zmq.Frame``, a ``bytearray``) are not.
    numpy's copy is used because it is about twice as fast as ``bytearray()`` here on big
    frames (it asks the kernel for huge pages, so far fewer page faults).
    """
    if not buffer.readonly:
        return buffer
    import numpy as np

    return memoryview(np.frombuffer(buffer, dtype=np.uint8).copy())


def _curve_polar_bars(figure: Any) -> None:
    """Give bars on curved axes the curved edges they had in the producer, for this figure only.

    ``Axes.bar`` sets ``_interpolation_steps = 100`` on the one ``Path.unit_rectangle()``
    every rectangle shares: a process-wide side effect a pickle cannot carry, so a polar
    bar chart loaded in a process that never called ``bar`` drew straight-edged bars.
    Setting it here would change every rectangle of the client's own figures; instead,
    each bar of a non-affine (polar) axes gets its own curved unit path, as an instance
    ``get_path`` (a bound ``Path.copy``, which pickles again like any bound method).
    """
    from matplotlib.container import BarContainer
    from matplotlib.patches import Rectangle
    from matplotlib.path import Path

    unit = Path.unit_rectangle()
    if unit._interpolation_steps >= 100:  # type: ignore[attr-defined]  # this process already curves bars
        return
    curved = None
    for ax in figure.get_axes():
        if ax.transData.is_affine:
            continue
        for container in ax.containers:
            if not isinstance(container, BarContainer):
                continue
            for patch in container.patches:
                if type(patch).get_path is Rectangle.get_path and "get_path" not in vars(patch):
                    if curved is None:
                        curved = Path(unit.vertices, unit.codes, _interpolation_steps=100, readonly=True)
                    patch.get_path = curved.copy  # type: ignore[method-assign]


def _unregister(gcf: Any, before: Set[Any]) -> None:
    """Undo every pyplot registration the load made, whatever its outcome.

    A figure whose state sets ``_restore_to_pylab`` registers itself with pyplot while
    it is unpickled (figwire's producer never sets it, another producer's pickle may).
    It may be the result, or nested in something else, or in a pickle that then fails:
    each manager that was not there before loading is destroyed and its figure given a
    plain canvas, so the client's pyplot state (its figures, the current one) is as it
    was. The receiver, not the pickle, decides where a figure goes.
    """
    from matplotlib.backend_bases import FigureCanvasBase

    for num, manager in [(n, m) for n, m in gcf.figs.items() if m not in before]:
        try:
            figure = manager.canvas.figure
            gcf.destroy(num)  # by number: Gcf.destroy takes a manager only in newer matplotlibs
            FigureCanvasBase(figure)
        except Exception:  # a half-built manager from a damaged pickle: at least forget it
            gcf.figs.pop(num, None)


def _scene_tier(ctx: _Context) -> Any:
    """Rebuild the scene: plain data, checked before use, so no trust is needed."""
    part = ctx.header.scene
    if part is None:
        raise DecodeError(ErrorCode.PART_MISSING, ctx.header.missing.get("scene", "the message has no scene part"))
    from .scene import rebuild

    buffers = part_buffers(ctx.frames, ctx.header, part)
    try:
        figure, skipped = rebuild(buffers, ctx.scene_limits, verify=not ctx.will_draw)
    except FigwireError:
        raise
    except Exception as exc:  # this matplotlib could not build or draw it: the image instead
        raise DecodeError(ErrorCode.LOAD_FAILED, f"rebuilding the scene raised {_describe(exc)}") from None
    ctx.skipped.extend(skipped)
    if skipped:
        ctx.notes.append(f"{len(skipped)} node(s) approximated or left out (see skipped)")
    return figure


#: Live tiers, best first: (name, attempt). Each returns a figure or raises FigwireError.
LIVE_TIERS: Tuple[Tuple[str, Callable[[_Context], Any]], ...] = (("pickle", _pickle_tier), ("scene", _scene_tier))

#: Fallback media types in the order a client shows them (PDF is kept as bytes only).
SHOWABLE = (MediaType.PNG.value, MediaType.SVG.value)


def _decode_fallbacks(frames: Sequence[Frame], header: Header, notes: List[str]) -> Dict[str, memoryview]:
    fallbacks: Dict[str, memoryview] = {}
    for part in header.fallbacks:
        if part.media_type in fallbacks or len(part.frames) != 1:
            notes.append(f"{part.media_type}: skipped (duplicate, or not one frame)")
            continue
        try:
            (fallbacks[part.media_type],) = part_buffers(frames, header, part)
        except FigwireError as exc:
            notes.append(f"{part.media_type}: {exc}")
    return fallbacks


def unpack(
    frames: Sequence[Frame],
    backend: Optional[str] = None,
    *,
    key: Optional[KeyLike] = None,
    trust_unsigned: bool = False,
    replay: Optional[ReplayGuard] = None,
    allow: Iterable[Tuple[str, str]] = (),
    limits: Limits = DEFAULT_LIMITS,
    zero_copy: bool = False,
    policy: LoadPolicy = DEFAULT_LOAD_POLICY,
    scene_limits: SceneLimits = DEFAULT_SCENE_LIMITS,
    on_verified: Optional[Callable[[Header, Mapping[str, memoryview]], None]] = None,
) -> Unpacked:
    """Rebuild the figure from ``frames``: live when possible, else the fallbacks.

    The envelope is decoded and checked first (a ``DecodeError`` if it cannot be);
    after that nothing raises: each tier's failure becomes the result's ``reason``.

    A pickle is code, so it is loaded only from an authenticated message: ``key`` (the
    producer's shared key) verifies the message's tag before anything of it is decoded,
    and a message that fails raises ``DecodeError(auth-failed)``; an unsigned message
    then never loads its pickle (its scene and images are used). ``trust_unsigned=True`` is the one opt-in for loading
    unsigned pickles, for files you made yourself. ``replay`` (a ``ReplayGuard``) refuses
    a message seen before or created outside its window (``DecodeError(replayed)``).

    The pickle is loaded only when authenticated (or opted in), the producer's environment is compatible with this one (decided from the envelope,
    before unpickling), and it passes figwire's loader (spec §13.2): every name it
    uses admitted by the policy's rules or by ``allow``, nothing it does outside itself,
    and the figure within ``policy``'s limits. With ``backend=None`` nothing is opened and the figure is not registered with pyplot.

    ``policy`` (a ``LoadPolicy``) bounds what the pickle may build while loading and
    what the figure may do when drawn; what it made safe (``usetex`` off, say) is in
    ``notes``, and a pickle over a limit falls back with the reason.

    The figure's big arrays are views of the out-of-band frames. A read-only frame
    (``bytes``) is copied once so that they are writable, as in a
    stock-pickled figure; ``zero_copy=True`` skips that copy, and the arrays over
    read-only frames are then read-only views (in-place edits raise ``ValueError``).

    A message with no usable pickle is live by its scene (spec §16) when it has one: plain
    data, so no key or opt-in is needed; ``scene_limits`` (a ``SceneLimits``) bounds it
    before anything is built, and ``result.skipped`` lists what it could not carry. With
    a ``backend``, the window's first draw of a rebuilt figure is also compared with the
    message's PNG: below ``scene_limits.min_likeness`` the window shows the PNG instead,
    with the score in the reason (spec §16.7). Headless, the caller draws where it wants
    (``figwire.scene.likeness(pixels, png)`` is the same check).

    ``on_verified(header, fallbacks)`` is called once the message is verified and its
    fallbacks decoded, before any pickle is loaded: a viewer shows the image at once
    there and the live figure when it is ready (progressive display).
    """
    if key is None:
        header, authenticated = read_header(frames, limits), False
    else:
        header, authenticated = authenticate(frames, key, limits)
    if replay is not None:
        replay.check(header, authenticated)
    notes: List[str] = []
    fallbacks = _decode_fallbacks(frames, header, notes)
    if on_verified is not None:
        on_verified(header, fallbacks)
    ctx = _Context(
        frames,
        header,
        authenticated,
        key is not None,
        trust_unsigned,
        allow,
        zero_copy,
        policy,
        scene_limits,
        backend is not None,
    )
    reasons = []
    for name, attempt in LIVE_TIERS:
        try:
            figure = attempt(ctx)
        except FigwireError as exc:
            notes.append(f"{name}: {exc}")
            reasons.append(f"{name}: {exc.args[0]}")
            continue
        notes.extend(f"{name}: {note}" for note in ctx.notes)
        notes.append(f"{name}: live")
        result = Unpacked(figure, True, None, header, fallbacks, tuple(notes), authenticated, name, tuple(ctx.skipped))
        return _finish(result, backend, scene_limits)
    reason = "; ".join(reasons) if reasons else "the message has no live part"
    shown = next((m for m in SHOWABLE if m in fallbacks), None)
    result = Unpacked(None, False, reason, header, fallbacks, tuple(notes), authenticated, shown)
    return _finish(result, backend, scene_limits)


def _finish(result: Unpacked, backend: Optional[str], scene_limits: SceneLimits) -> Unpacked:
    if backend is None:
        return result
    from ._show import show

    return show(result, backend, scene_limits)
