"""Date tickers in a scene (scene 1.4): which native date locator and format take over.

Without these a date axis came back with ``AutoDateLocator`` and ``AutoDateFormatter``
whatever the producer chose (``MonthLocator(bymonthday=1)``, ``DateFormatter('%b')``):
right at the recorded view, wrong after a pan or zoom, and wrong at once under a layout
engine, which lays the axes out at other sizes first, where the natives decide.

A rule travels as data (frequency, interval, the ``by*`` lists), never as an object,
and the consumer rebuilds it only when it would make a bounded number of ticks over the
recorded view. Describer and builder of the same fields live here together.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

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


def native_date_locator(doc: Dict[str, Any], span_days: float) -> Any:
    """The date locator the fields name, or AutoDateLocator (also when a rule would
    make over ``MAX_RULE_TICKS`` ticks across the recorded view, ``span_days`` long)."""
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
        if span_days * 86400 / (_PERIOD[freq] * interval) * per_period <= MAX_RULE_TICKS:
            month, day = kwargs.get("bymonth", [1]), kwargs.get("bymonthday", [1])
            if which == "year" and len(month) == 1 and len(day) == 1:
                return dates.YearLocator(base=interval, month=month[0], day=day[0])
            return dates.RRuleLocator(dates.rrulewrapper(freq, interval=interval, **kwargs))
    return dates.AutoDateLocator(
        minticks=int(doc.get("date_minticks", 5)),
        maxticks=doc.get("date_maxticks"),
        interval_multiples=bool(doc.get("date_multiples", True)),
    )


def native_date_format(doc: Dict[str, Any], locator: Any) -> Any:
    """``DateFormatter`` of the recorded format, else AutoDateFormatter over ``locator``."""
    fmt = doc.get("date_format")
    if isinstance(fmt, str) and date_format_ok(fmt):
        return dates.DateFormatter(fmt)
    return dates.AutoDateFormatter(locator if isinstance(locator, dates.DateLocator) else dates.AutoDateLocator())
