"""Date expressions in a sentence, resolved against the article's date (never the clock).

"on Monday" in an article of Tuesday 18 March 2008 is 2008-03-17; "Sunday, April 6" in 2008
is 2008-04-06; "last October" is 2007-10 (xsd:gYearMonth). Without an article date a
relative expression stays unresolved (value None).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from kg.ruleset import Ruleset

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTH_RE = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
_DAY_RE = "|".join(d.capitalize() for d in WEEKDAYS)

ABSOLUTE = re.compile(
    rf"\b(?:(?P<wd>{_DAY_RE}),?\s+)?(?P<month>{_MONTH_RE})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH_RE})\.?,?(?:\s+(?P<year2>(?:19|20)\d\d))?\b"
    rf"|\b(?:in\s+)?(?P<month3>{_MONTH_RE})\.?\s+(?P<year3>(?:19|20)\d\d)\b")
WEEKDAY = re.compile(rf"\b(?:(?P<rel>last|next|this|on)\s+)?(?P<wd>{_DAY_RE})\b")
LAST_MONTH_NAME = re.compile(rf"\b(?P<rel>last|next|this|earlier this|in)\s+(?P<month>{_MONTH_RE})\b")
# Every match of ABSOLUTE and LAST_MONTH_NAME holds a month's name, every WEEKDAY match a
# day's: most sentences hold neither, and these plain searches rule them out quickly.
_ANY_MONTH = re.compile(_MONTH_RE)
_ANY_WEEKDAY = re.compile(_DAY_RE)


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    value: str | None          # ISO date or year-month; None when it cannot be resolved
    datatype: str | None       # "xsd:date" or "xsd:gYearMonth"
    rule: str


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _phrase_patterns(rules: Ruleset) -> tuple[list, list]:
    """(phrase, shift, pattern) of the relative day and month words, longest phrase first."""
    def compiled(words: dict[str, int]) -> list:
        return [(phrase, shift, re.compile(rf"\b{re.escape(phrase)}\b"))
                for phrase, shift in sorted(words.items(), key=lambda kv: -len(kv[0]))]
    return compiled(rules.day_words), compiled(rules.month_words)


def find_dates(text: str, start: int, end: int, today: dt.date | None, rules: Ruleset) -> list[DateMention]:
    """Date expressions in text[start:end]."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, value, datatype, rule):
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        found.append(DateMention(s, e, value, datatype, rule))

    has_month = _ANY_MONTH.search(text, start, end) is not None
    for m in ABSOLUTE.finditer(text, start, end) if has_month else ():
        if m.group("month3"):
            add(m.start(), m.end(), f"{m.group('year3')}-{MONTHS[m.group('month3').lower()]:02d}",
                "xsd:gYearMonth", "date.month-year")
            continue
        month = MONTHS[(m.group("month") or m.group("month2")).lower()]
        day = int(m.group("day") or m.group("day2"))
        year = m.group("year") or m.group("year2")
        if year is None and today is None:
            add(m.start(), m.end(), None, None, "date.day-month")
            continue
        y = int(year) if year else today.year
        try:
            value = dt.date(y, month, day)
        except ValueError:
            continue
        if not year and value > today + dt.timedelta(days=180):
            value = value.replace(year=y - 1)  # "December 20" read in January is last year's
        add(m.start(), m.end(), value.isoformat(), "xsd:date", "date.absolute")
    for m in LAST_MONTH_NAME.finditer(text, start, end) if has_month else ():
        if today is None:
            add(m.start(), m.end(), None, None, "date.relative-month-name")
            continue
        month = MONTHS[m.group("month").lower()]
        rel = m.group("rel")
        year = today.year
        if rel == "last" and month >= today.month:
            year -= 1
        elif rel == "next" and month <= today.month:
            year += 1
        elif rel == "in":
            # "in April" is the April nearest the article: ahead in February, behind in November
            candidates = [(abs((y * 12 + month) - (today.year * 12 + today.month)), y)
                          for y in (today.year - 1, today.year, today.year + 1)]
            year = min(candidates)[1]
        add(m.start(), m.end(), f"{year}-{month:02d}", "xsd:gYearMonth", "date.relative-month-name")
    for m in WEEKDAY.finditer(text, start, end) if _ANY_WEEKDAY.search(text, start, end) else ():
        if today is None:
            add(m.start(), m.end(), None, None, "date.weekday")
            continue
        wd = WEEKDAYS[m.group("wd").lower()]
        delta = (today.weekday() - wd) % 7
        value = today - dt.timedelta(days=delta)
        if m.group("rel") == "next":
            value = today + dt.timedelta(days=(wd - today.weekday()) % 7 or 7)
        elif m.group("rel") == "last" and delta == 0:
            value = today - dt.timedelta(days=7)
        add(m.start(), m.end(), value.isoformat(), "xsd:date", "date.weekday")
    lowered = text[start:end].lower()
    day_phrases, month_phrases = rules.cached("dates.phrases", _phrase_patterns)
    for phrase, days, pattern in day_phrases:
        if phrase not in lowered:
            continue  # a substring test is far cheaper than the pattern
        for m in pattern.finditer(lowered):
            s = start + m.start()
            value = (today + dt.timedelta(days=days)).isoformat() if today else None
            add(s, s + len(phrase), value, "xsd:date" if today else None, "date.relative-day")
    for phrase, months, pattern in month_phrases:
        if phrase not in lowered:
            continue
        for m in pattern.finditer(lowered):
            s = start + m.start()
            if today:
                y, mo = _shift_month(today.year, today.month, months)
                add(s, s + len(phrase), f"{y}-{mo:02d}", "xsd:gYearMonth", "date.relative-month")
            else:
                add(s, s + len(phrase), None, None, "date.relative-month")
    return sorted(found, key=lambda d: d.start)
