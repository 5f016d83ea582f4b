"""``pack``: a figure -> a list of frames (the producer side; matplotlib at the edge)."""

from __future__ import annotations

import time
import uuid
import warnings
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._auth import KeyLike, as_key, tag_frame
from ._codec import Frame, PartData, as_view, encode_envelope, encode_part
from ._envelope import Auth, FigureFacts, Header, Part
from ._errors import EncodeError
from ._facts import environment, figure_facts
from ._negotiate import ALL_PARTS, Advert
from ._spec import (
    DEFAULT_PARTS,
    DEFAULT_PICKLE_PROTOCOL,
    FORMAT_VERSION,
    PICKLE_PROTOCOLS,
    Codec,
    MediaType,
    Role,
)

#: Parts a codec is applied to; PNG and PDF are compressed already.
_COMPRESSIBLE = frozenset({MediaType.PICKLE.value, MediaType.SVG.value})


def _check_args(parts: Sequence[str], protocol: int, codec: Optional[str]) -> None:
    if isinstance(parts, str):
        raise EncodeError(f"parts must be a sequence of names, not the string {parts!r}")
    unknown = [p for p in parts if p not in ALL_PARTS]
    if unknown or len(set(parts)) != len(parts):
        raise EncodeError(f"parts must name each of {', '.join(ALL_PARTS)} at most once; got {list(parts)!r}")
    if protocol not in PICKLE_PROTOCOLS:
        raise EncodeError(f"protocol must be one of {sorted(PICKLE_PROTOCOLS)}, not {protocol!r}")
    if codec is not None and codec not in {c.value for c in Codec}:
        raise EncodeError(f"codec must be one of {[c.value for c in Codec]} or None, not {codec!r}")


def _pickle_part(fig: Any, protocol: int, missing: Dict[str, str]) -> Optional[PartData]:
    from ._pickler import Unpicklable, pickle_figure

    try:
        pickled = pickle_figure(fig, protocol)
    except Unpicklable as exc:  # a figure holding a lambda, a GUI canvas, a blit cache...
        missing["pickle"] = f"the figure cannot be pickled: {exc}"
        return None
    descriptor = Part(
        role=Role.PICKLE.value,
        media_type=MediaType.PICKLE.value,
        frames=(),
        sizes=(),
        protocol=pickled.protocol,
        requires=pickled.requires,
        numpy_private=pickled.numpy_private,
    )
    return PartData(descriptor, (pickled.data, *pickled.buffers))


@dataclass(frozen=True)
class _Scene:
    """The scene part, and which of the pickle's out-of-band buffers it reads instead of
    framing the same bytes again (``borrowed``, indices into ``lendable``)."""

    part: PartData
    borrowed: Tuple[int, ...]
    lendable: Tuple[Any, ...]

    def framed(self, lender: Optional[Part]) -> Tuple[PartData, Tuple[int, ...]]:
        """``(part to frame, message frames it borrows)``: borrowing from ``lender`` (the
        pickle's descriptor, framed already), or, when the lender does not travel as sent
        (left out, or compressed), the same scene with the buffers as its own frames."""
        if not self.borrowed:
            return self.part, ()
        if lender is None or lender.codec is not None:
            own = (*self.part.buffers, *(self.lendable[j] for j in self.borrowed))
            return PartData(self.part.descriptor, own), ()
        return self.part, tuple(lender.frames[1 + j] for j in self.borrowed)


def _scene_part(fig: Any, drawn: bool, missing: Dict[str, str], lendable: Tuple[Any, ...]) -> Optional[_Scene]:
    """The scene (§16), described from the figure's last draw when that was at its own
    dpi (the PNG's), else after a draw of its own; left out, with the reason, for a
    figure a scene cannot carry (a third-party projection) or that fails to describe.
    An array the pickle frames already is borrowed from it (§5.6), not sent twice."""
    from .scene import Undescribable, describe_frames, draw_for_scene

    if not drawn:
        try:
            draw_for_scene(fig)
        except Exception as exc:  # the figure's own failure (no TeX here, an artist that raises)
            missing["scene"] = f"drawing the figure failed: {type(exc).__name__}: {exc}"
            return None
    try:
        frames, borrowed, _ = describe_frames(fig, lendable)
    except Undescribable as exc:
        missing["scene"] = str(exc)
        return None
    except Exception as exc:  # figwire's own bug on a figure it did not foresee: never fail the pack
        missing["scene"] = f"describing the figure failed: {type(exc).__name__}: {exc}"
        warnings.warn(
            f"figwire bug: describing the figure's scene raised {type(exc).__name__}: {exc}"
            " (packed without a scene; please report it)",
            RuntimeWarning,
            stacklevel=3,  # pack's caller
        )
        return None
    descriptor = Part(role=Role.SCENE.value, media_type=MediaType.SCENE.value, frames=(), sizes=())
    return _Scene(PartData(descriptor, tuple(frames)), borrowed, lendable)


def _fallback_parts(fig: Any, media_types: List[str], dpi: Optional[float], missing: Dict[str, str]) -> List[PartData]:
    from ._render import render

    out = []
    for media_type in media_types:  # one at a time, so one failing format does not cost the others
        try:
            (rendering,) = render(fig, [media_type], dpi=dpi)
        except Exception as exc:
            missing[media_type] = f"rendering failed: {type(exc).__name__}: {exc}"
            continue
        descriptor = Part(
            role=Role.FALLBACK.value,
            media_type=media_type,
            frames=(),
            sizes=(),
            width=rendering.width,
            height=rendering.height,
            dpi=rendering.dpi,
        )
        out.append(PartData(descriptor, (rendering.data,)))
    return out


def pack(
    fig: Any,
    *,
    parts: Optional[Sequence[str]] = None,
    accept: Optional[Mapping[str, Any]] = None,
    dpi: Optional[float] = None,
    protocol: int = DEFAULT_PICKLE_PROTOCOL,
    codec: Optional[str] = None,
    digest: Optional[str] = None,
    msg_id: Optional[str] = None,
    created: Optional[float] = None,
    key: Optional[KeyLike] = None,
    related: Optional[str] = None,
) -> List[Frame]:
    """Pack ``fig`` into figwire frames, ready for ``zmq`` ``send_multipart``.

    ``parts`` names what to include: ``"pickle"`` (the live figure), ``"scene"`` (the
    figure as plain data, live on any matplotlib and without trust: §16) and fallback
    media types (``"image/png"``, ``"image/svg+xml"``, ``"application/pdf"``); by default
    the pickle, the scene and a PNG, or with ``accept``, whatever the client can use (the
    scene only when it cannot load the pickle). The pickle is made first, before any
    drawing (drawing grows it); the scene is described from the PNG's draw, and
    reads the arrays the pickle frames already from the pickle's frames (§5.6) instead
    of sending them twice. A part that
    cannot be made is left out and the envelope's ``missing`` says why, so an
    unpicklable figure still packs with its scene and fallbacks. ``accept`` is a client's ``capabilities()``: then only
    what that client can use is sent (no pickle it could not load, its favourite
    fallback, its codecs, nothing over its size limit). ``dpi`` is the fallbacks'
    resolution (default: what ``savefig`` would use). ``codec`` (``"zlib"``/``"zstd"``) compresses
    the pickle and SVG parts; ``digest`` (``"sha256"``/``"blake2b"``) adds a digest per
    frame. ``msg_id`` and ``created`` are injectable so output can be byte-exact.
    ``key`` (bytes, str or ``figwire.Key``) signs the message (spec §13.5): a tag frame
    over every frame, which a consumer holding the same key verifies before using any.
    ``related`` is the id of another message carrying the rest of this figure (a live
    part sent first, its images right after: spec §15.4).
    """
    signer = None if key is None else as_key(key)  # a bad key fails before any work
    advert = None if accept is None else Advert.read(accept)
    if parts is None:
        parts = DEFAULT_PARTS if advert is None else ALL_PARTS
    _check_args(parts, protocol, codec)
    missing: Dict[str, str] = {}
    if advert is not None:
        plan = advert.plan(parts, codec, protocol)
        parts, codec, protocol = plan.parts, plan.codec, plan.protocol
        missing.update(plan.left_out)
    pickled = None
    if "pickle" in parts:
        pickled = _pickle_part(fig, protocol, missing)
        if pickled is not None and advert is not None:
            pickled = _negotiated_pickle(fig, pickled, advert, missing)
    if "scene" in parts and advert is not None and pickled is not None and advert.pickles:
        parts = [p for p in parts if p != "scene"]  # negotiated: this client loads the pickle
        missing["scene"] = "not sent: the client loads the pickle"
    wanted = [p for p in parts if p not in ("pickle", "scene")]
    fallbacks = _fallback_parts(fig, wanted, dpi, missing) if wanted else []
    scene = None
    if "scene" in parts:
        # with an advert, a scene only goes where the pickle does not, so there is no lender;
        # a compressed pickle lends nothing (§5.6: borrowed frames are read as sent)
        lendable = tuple(pickled.buffers[1:]) if pickled is not None and codec is None else ()
        scene = _scene_part(fig, _drew_at_figure_dpi(fig, fallbacks), missing, lendable)

    frames: List[Frame] = []
    descriptors: List[Part] = []
    queue: List[Union[PartData, _Scene]] = [*([pickled] if pickled else []), *([scene] if scene else []), *fallbacks]
    for item in queue:
        borrows: Tuple[int, ...] = ()
        if isinstance(item, _Scene):  # framed after the pickle, whose frames it may borrow
            part, borrows = item.framed(next((d for d in descriptors if d.role == Role.PICKLE.value), None))
        else:
            part = item
        part_codec = codec if part.descriptor.media_type in _COMPRESSIBLE else None
        descriptor, part_frames = encode_part(part, len(frames) + 1, codec=part_codec, digest=digest)
        descriptor = replace(descriptor, borrows=borrows)
        if advert is not None and advert.max_message_bytes is not None:
            if sum(_total(p) for p in (*descriptors, descriptor)) > advert.max_message_bytes:
                missing[descriptor.name] = f"not sent: over the client's limit of {advert.max_message_bytes} bytes"
                continue
        descriptors.append(descriptor)
        frames.extend(part_frames)
    header = Header(
        version=FORMAT_VERSION,
        id=uuid.uuid4().hex if msg_id is None else str(msg_id),
        created=time.time() if created is None else float(created),
        producer=environment(),
        figure=figure_facts(fig),
        parts=tuple(descriptors),
        missing=missing,
        auth=None if signer is None else Auth(signer.alg, len(frames) + 1, signer.id),
        related=None if related is None else str(related),
    )
    message = [encode_envelope(header), *frames]
    if signer is not None:
        message.append(tag_frame([as_view(f) for f in message], signer))
    return message


def _drew_at_figure_dpi(fig: Any, fallbacks: List[PartData]) -> bool:
    """Whether the figure's last draw (a fallback's) left every artist where a draw at
    the figure's own dpi would: the PNG drawn at that dpi, with no tight bbox."""
    import matplotlib

    png = next((p for p in fallbacks if p.descriptor.media_type == MediaType.PNG.value), None)
    return (
        png is not None
        and png is fallbacks[-1]
        and png.descriptor.dpi == float(fig.dpi)
        and matplotlib.rcParams["savefig.bbox"] != "tight"
    )


def _total(part: Part) -> int:
    """A part's share of the §10 total a receiver checks: bytes sent plus bytes decoded."""
    return sum(part.sizes) + sum(part.raw_sizes or ())


def _negotiated_pickle(fig: Any, pickled: PartData, advert: Advert, missing: Dict[str, str]) -> Optional[PartData]:
    """The pickle if this client can load it: re-made with protocol 4 when the protocol or
    numpy is the obstacle (a numpy 2 pickle loads under numpy >= 1.26 with protocol 4); else None,
    with the reason in ``missing``."""
    probe = Header(FORMAT_VERSION, "", 0.0, environment(), FigureFacts(), (pickled.descriptor,))
    decision = advert.verdict(probe)
    if not decision.ok and decision.rule in ("protocol", "numpy") and pickled.descriptor.protocol != 4:
        retry = _pickle_part(fig, 4, missing)
        if retry is None:
            return None
        pickled, decision = retry, advert.verdict(replace(probe, parts=(retry.descriptor,)))
    if not decision.ok:
        missing["pickle"] = f"not sent: {decision.reason}"
        return None
    return pickled
