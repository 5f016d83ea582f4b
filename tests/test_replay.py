"""ReplayGuard (spec §13.6): a replay is never accepted, memory stays bounded."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import figwire
from figwire import ErrorCode, FigureFacts, Header


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def header(id: str, created: float) -> Header:
    return Header((1, 1), id, created, {}, FigureFacts(), ())


def refused(guard: figwire.ReplayGuard, h: Header, authenticated: bool = True) -> bool:
    try:
        guard.check(h, authenticated)
    except figwire.DecodeError as exc:
        assert exc.code is ErrorCode.REPLAYED
        return True
    return False


def test_a_message_is_accepted_once_and_stale_or_future_ones_never() -> None:
    clock = Clock()
    guard = figwire.ReplayGuard(window=300, skew=30, clock=clock)
    assert not refused(guard, header("a", clock.now))
    assert refused(guard, header("a", clock.now))
    assert refused(guard, header("old", clock.now - 301))
    assert refused(guard, header("future", clock.now + 31))
    assert refused(guard, header("nan", float("nan")))
    clock.now += 1000  # "a" expires from memory, and its replay is refused by its time
    assert refused(guard, header("a", clock.now - 1000)) and len(guard) <= 1


def test_unauthenticated_messages_are_not_remembered() -> None:
    clock = Clock()
    guard = figwire.ReplayGuard(clock=clock)
    for i in range(10):
        assert not refused(guard, header(f"u{i}", clock.now), authenticated=False)
    assert len(guard) == 0
    assert not refused(guard, header("u1", clock.now))  # an unauthenticated sender cannot pre-empt an id


def test_a_full_guard_forgets_the_oldest_and_refuses_anything_not_newer() -> None:
    clock = Clock()
    guard = figwire.ReplayGuard(window=300, capacity=3, clock=clock)
    for i in range(4):
        assert not refused(guard, header(f"m{i}", clock.now + i))
    assert len(guard) == 3
    assert refused(guard, header("m0", clock.now))  # forgotten, but not newer than the floor
    assert refused(guard, header("fresh-but-as-old", clock.now))


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        figwire.ReplayGuard(window=0)


events = st.lists(
    st.tuples(
        st.floats(0, 200),  # the clock advances
        st.sampled_from("abcdefgh"),  # a small id pool: replays are frequent
        st.floats(-400, 60),  # created, relative to now
        st.booleans(),  # authenticated
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(events, st.integers(1, 5))
def test_property_no_replay_is_ever_accepted_and_memory_is_bounded(events, capacity) -> None:
    clock = Clock()
    guard = figwire.ReplayGuard(window=300, skew=30, capacity=capacity, clock=clock)
    accepted = set()
    sent = {}  # id -> created: a producer never reuses an id, so a repeat is a replay
    for dt, id, offset, authenticated in events:
        clock.now += dt
        created = sent.setdefault(id, clock.now + offset)
        ok = not refused(guard, header(id, created), authenticated)
        if ok and authenticated:
            assert id not in accepted, "a replay was accepted"
            accepted.add(id)
        if ok:
            assert clock.now - 300 <= created <= clock.now + 30
        assert len(guard) <= capacity


def test_unpack_with_a_guard_refuses_a_replay_before_using_anything(monkeypatch) -> None:
    from matplotlib.figure import Figure

    key = b"replay test key 0123456789abcdefghij"
    frames = figwire.pack(Figure(), key=key)
    guard = figwire.ReplayGuard()
    assert figwire.unpack(frames, key=key, replay=guard).live
    monkeypatch.setattr("figwire._unpack._decode_fallbacks", lambda *a: pytest.fail("used a replayed message"))
    with pytest.raises(figwire.DecodeError) as info:
        figwire.unpack(frames, key=key, replay=guard)
    assert info.value.code is ErrorCode.REPLAYED
    stale = figwire.pack(Figure(), key=key, created=0.0)
    with pytest.raises(figwire.DecodeError, match="too long ago"):
        figwire.unpack(stale, key=key, replay=guard)
