"""Date tickers in a scene (scene 1.4): which native date locator and format take over.

Without these a date axis came back with ``AutoDateLocator`` and ``AutoDateFormatter``
whatever the producer chose (``MonthLocator(bymonthday=1)``, ``DateFormatter('%b')``):
right at the recorded view, wrong after a pan or zoom, and wrong at once under a layout
engine, which lays the axes out at other sizes first, where the natives decide.

A rule travels as data (frequency, interval, the ``by*`` lists), never as an object,
and the consumer rebuilds it only when it would make a bounded number of ticks over the
recorded view and a date it allows is found (``native_date_locator``). Describer and
builder of the same fields live here together.
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Any, Dict, List, Optional, Sequence

from dateutil.rrule import weekday
from matplotlib import dates

from . import _private
from ._vocab import DATE_FREQS

__all__ = ["describe_date_locator", "describe_date_format", "native_date_locator", "native_date_format"]

_BY = ("bymonth", "bymonthday", "byhour", "byminute", "bysecond", "bysetpos")
#: rule keys the locators set themselves while ticking, or that carry no choice
_TRANSIENT = frozenset({"dtstart", "until", "tzinfo", "cache", "freq", "interval", "byweekday", *_BY})
#: seconds per occurrence at each frequency, roughly (bounds the ticks a rule would make)
_PERIOD = (365.25 * 86400, 30.44 * 86400, 7 * 86400, 86400, 3600, 60, 1)
#: a rule that would make more ticks than this over the recorded view is not rebuilt
MAX_RULE_TICKS = 5000
#: the frequency each ``by`` list is at (``DATE_FREQS`` index): finer than the rule's own,
#: it adds occurrences within each period; at or above it, it only picks among them
_LEVEL = {"bymonth": 1, "bymonthday": 3, "byweekday": 3, "byhour": 4, "byminute": 5, "bysecond": 6}
_DIRECTIVE = re.compile(r"%([-_0^#]*)(\d*)(.)")


def describe_date_locator(locator: Any) -> Dict[str, Any]:
    """The fields that rebuild ``locator`` (a ``matplotlib.dates`` one), or {} for the default."""
    name = type(locator).__name__
    if name == "AutoDateLocator":
        out: Dict[str, Any] = {"date_locator": "auto"}
        maxticks = locator.maxticks
        if isinstance(maxticks, dict) and len(set(maxticks.values())) == 1:
            maxticks = next(iter(maxticks.values()))
        if isinstance(maxticks, int) and 1 <= maxticks <= 100:
            out["date_maxticks"] = maxticks
        if isinstance(locator.minticks, int) and 1 <= locator.minticks <= 100:
            out["date_minticks"] = locator.minticks
        out["date_multiples"] = bool(locator.interval_multiples)
        return out
    if name == "MicrosecondLocator":
        interval = _private.microsecond_interval(locator)
        return {"date_locator": "microsecond", "date_interval": interval} if interval else {}
    rule = _private.date_rule(locator)
    if rule is None or not isinstance(rule.get("freq"), int) or not 0 <= rule["freq"] < len(DATE_FREQS):
        return {}
    if any(rule.get(key) is not None for key in rule if key not in _TRANSIENT):
        return {}  # byweekno, byyearday, byeaster, count...: left to AutoDateLocator
    out = {
        "date_locator": "year" if name == "YearLocator" else "rrule",
        "date_freq": DATE_FREQS[rule["freq"]],
        "date_interval": int(rule.get("interval") or 1),
    }
    for key in _BY:
        values = _ints(rule.get(key))
        if values is None:
            return {}
        if values:
            out[f"date_{key}"] = values
    weekdays = _weekdays(rule.get("byweekday"))
    if weekdays is None:
        return {}
    if weekdays:
        out["date_byweekday"] = weekdays
    return out


def _ints(value: Any) -> Optional[List[float]]:
    if value is None:
        return []
    try:
        items = [value] if isinstance(value, int) else list(value)
    except TypeError:
        return None
    if len(items) > 64 or not all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        return None
    return [float(v) for v in items]


def _weekdays(value: Any) -> Optional[List[float]]:
    """dateutil weekdays (``SU``, ``MO(+1)``) or ints, as flat [weekday, n or 0] pairs."""
    if value is None:
        return []
    items = [value] if not isinstance(value, (list, tuple)) else list(value)
    out: List[float] = []
    for item in items[:32]:
        day = item if isinstance(item, int) else getattr(item, "weekday", None)
        n = None if isinstance(item, int) else getattr(item, "n", None)
        if not isinstance(day, int) or not 0 <= day <= 6 or not (n is None or isinstance(n, int)):
            return None
        out += [float(day), float(n or 0)]
    return out if len(items) <= 32 else None


def describe_date_format(formatter: Any) -> Dict[str, Any]:
    """A ``DateFormatter``'s format, when the consumer may use it."""
    fmt = getattr(formatter, "fmt", None)
    if type(formatter).__name__ == "DateFormatter" and isinstance(fmt, str) and date_format_ok(fmt):
        return {"date_format": fmt}
    return {}


def date_format_ok(fmt: str) -> bool:
    """A bounded ``strftime`` format: no field widths (glibc pads ``%1000000Y``)."""
    return len(fmt) <= 200 and all(not width for _, width, _ in _DIRECTIVE.findall(fmt))


def native_date_locator(doc: Dict[str, Any], span_days: float, recorded: Sequence[float] = ()) -> Any:
    """The date locator the fields name, or AutoDateLocator: also when a rule would make
    over ``MAX_RULE_TICKS`` ticks across the recorded view (``span_days`` long), and when
    none of the ``recorded`` ticks (matplotlib dates) is a date the rule allows.

    The last is what keeps dateutil from searching for ever: a rule no date satisfies
    (February 31st, a sixth Monday, the 40th weekday of a month) makes it walk every day
    to the year 9999 (10-23 s measured), and a hostile scene can name one. A recorded tick
    the rule allows, or with none a day it allows within 28 years, is a witness that the
    rule recurs within a calendar cycle; so only
    ``bysetpos`` of -1 or 1 (the last or first of a period's dates) is rebuilt, and a
    weekday's ``n`` only for monthly rules, where a witness checks it too."""
    which = doc.get("date_locator", "auto")
    interval = int(doc.get("date_interval", 1))
    if which == "microsecond" and span_days * 86400e6 / interval <= MAX_RULE_TICKS:
        return dates.MicrosecondLocator(interval)
    if which in ("rrule", "year") and "date_freq" in doc:
        freq = DATE_FREQS.index(doc["date_freq"])
        kwargs: Dict[str, Any] = {key: [int(v) for v in doc[f"date_{key}"]] for key in _BY if f"date_{key}" in doc}
        pairs = [int(v) for v in doc.get("date_byweekday", ())]
        if len(pairs) % 2 == 0 and pairs:
            kwargs["byweekday"] = [weekday(d, n or None) for d, n in zip(pairs[::2], pairs[1::2])]
        per_period = 1  # a list finer than the frequency multiplies its occurrences; others filter
        for key, values in kwargs.items():
            if _LEVEL.get(key, 0) > freq:
                per_period *= max(1, len(values))
        bounded = span_days * 86400 / (_PERIOD[freq] * interval) * per_period <= MAX_RULE_TICKS
        if bounded and _witnessed(freq, kwargs, recorded):
            month, day = kwargs.get("bymonth", [1]), kwargs.get("bymonthday", [1])
            if which == "year" and len(month) == 1 and len(day) == 1:
                return dates.YearLocator(base=interval, month=month[0], day=day[0])
            return dates.RRuleLocator(dates.rrulewrapper(freq, interval=interval, **kwargs))
    return dates.AutoDateLocator(
        minticks=int(doc.get("date_minticks", 5)),
        maxticks=doc.get("date_maxticks"),
        interval_multiples=bool(doc.get("date_multiples", True)),
    )


def _witnessed(freq: int, rule: Dict[str, Any], recorded: Sequence[float]) -> bool:
    """Whether a ``recorded`` tick is a date ``rule``'s ``by`` lists allow (and the rule's
    ``bysetpos`` and weekday counts are ones a witness vouches for)."""
    if any(p not in (-1, 1) for p in rule.get("bysetpos", ())):
        return False
    weekdays = rule.get("byweekday", ())
    if any(w.n is not None for w in weekdays) and freq != DATE_FREQS.index("monthly"):
        return False
    for value in recorded[:MAX_RULE_TICKS]:
        try:
            day = dates.num2date(float(value))
        except (ValueError, OverflowError):
            continue
        if _allows(rule, day):
            return True
    # No recorded tick (a view between two of the rule's dates): a day it allows within
    # 28 years, the cycle of weekdays over the days of the months, is a witness too (its
    # hours, minutes and seconds are in range, so every such day has some).
    day = datetime.datetime(2000, 1, 1)
    for _ in range(_CYCLE_DAYS):
        if _allows(rule, day, times=False):
            return True
        day += datetime.timedelta(days=1)
    return False


_CYCLE_DAYS = 28 * 366


def _allows(rule: Dict[str, Any], day: Any, times: bool = True) -> bool:
    length = calendar.monthrange(day.year, day.month)[1]
    if "bymonth" in rule and day.month not in rule["bymonth"]:
        return False
    if "bymonthday" in rule and not any(d == day.day or d == day.day - length - 1 for d in rule["bymonthday"]):
        return False
    for key, part in (("byhour", day.hour), ("byminute", day.minute), ("bysecond", day.second)):
        if times and key in rule and part not in rule[key]:
            return False
    weekdays = rule.get("byweekday")
    if weekdays:
        nth, from_end = (day.day - 1) // 7 + 1, -((length - day.day) // 7 + 1)
        if not any(w.weekday == day.weekday() and w.n in (None, nth, from_end) for w in weekdays):
            return False
    return True


def native_date_format(doc: Dict[str, Any], locator: Any) -> Any:
    """``DateFormatter`` of the recorded format, else AutoDateFormatter over ``locator``."""
    fmt = doc.get("date_format")
    if isinstance(fmt, str) and date_format_ok(fmt):
        return dates.DateFormatter(fmt)
    return dates.AutoDateFormatter(locator if isinstance(locator, dates.DateLocator) else dates.AutoDateLocator())
