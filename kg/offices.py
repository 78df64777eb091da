"""The dated office table: who held which office when, read from the people gazetteer.

    office_table(rules) -> OfficeTable
    holder_on(role, of, date, rules) -> person id | None
    offices_of(person_id, rules) -> list[OfficeRow]

Every `offices` row of kg/rules/gazetteer/people.toml becomes one OfficeRow, with the
source it names. A row holds from its `from` day up to, but not including, its `to` day,
so that on a handover day (7 May 2008) the incoming holder holds the office: Medvedev was
sworn in that day. A row without `from` says nothing about any given day; a row without
`to` runs on (the table's rows were written in 2010).

Ids are gazetteer ids ("person/vladimir-putin", "country/russia"); the "gaz:" prefix of
extraction refs is accepted and dropped.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kg.ruleset import Ruleset

__all__ = ["OfficeRow", "OfficeTable", "office_table", "holder_on", "offices_of", "RULE_BY_DATE"]

# The evidence rule of an office read from a description and the table ("the Russian
# president" in an article of March 2008); graph.py names the row used beside it.
RULE_BY_DATE = "role.by-date"


@dataclass(frozen=True, slots=True)
class OfficeRow:
    """One dated office of one person, as the gazetteer states it."""

    person: str                  # gazetteer id, e.g. "person/vladimir-putin"
    title: str                   # lower-case role title, as in titles.toml: "president"
    of: str                      # gazetteer id of the country or organization
    start: dt.date | None
    end: dt.date | None          # exclusive; None: still held when the table was written
    source: str
    index: int                   # position of the row in the person's `offices` list

    def holds_on(self, day: dt.date) -> bool:
        """True when the row covers `day` (a row without a start covers no day)."""
        return self.start is not None and self.start <= day and (self.end is None or day < self.end)

    def note(self) -> str:
        """The row as one line, for nkg:gazetteer on evidence that used it.

        >>> OfficeRow("person/x", "president", "country/y", dt.date(2000, 1, 2), None, "S", 0).note()
        'people.toml: person/x offices[0]: president of country/y from 2000-01-02 (source: S)'
        """
        span = f" from {self.start.isoformat()}" if self.start else ""
        span += f" to {self.end.isoformat()}" if self.end else ""
        return f"people.toml: {self.person} offices[{self.index}]: {self.title} of {self.of}{span} (source: {self.source})"


def _bare(ref: str | None) -> str | None:
    return ref[4:] if ref and ref.startswith("gaz:") else ref


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class OfficeTable:
    """All rows of the people gazetteer, indexed by office and by person."""

    def __init__(self, rows: list[OfficeRow]):
        self.rows = tuple(sorted(rows, key=lambda r: (r.of, r.title, r.start or dt.date.min, r.person)))
        self._by_office: dict[tuple[str, str], list[OfficeRow]] = {}
        self._by_person: dict[str, list[OfficeRow]] = {}
        for r in self.rows:
            self._by_office.setdefault((r.title, r.of), []).append(r)
            self._by_person.setdefault(r.person, []).append(r)

    @classmethod
    def from_rules(cls, rules: Ruleset) -> "OfficeTable":
        rows = []
        for entry in rules.entries.values():
            if entry.kind != "Person":
                continue
            for n, raw in enumerate(entry.prop("offices", ()) or ()):
                row = dict(raw)
                if "title" not in row or "of" not in row:
                    continue
                rows.append(OfficeRow(entry.id, row["title"].lower(), row["of"], _as_date(row.get("from")),
                                      _as_date(row.get("to")), row.get("source", ""), n))
        return cls(rows)

    def has_office(self, role: str, of: str | None) -> bool:
        return (role, _bare(of)) in self._by_office

    def rows_on(self, role: str, of: str | None, date: dt.date | None) -> list[OfficeRow]:
        """Every row of the office (role, of) that covers `date`."""
        if date is None or of is None:
            return []
        return [r for r in self._by_office.get((role, _bare(of)), ()) if r.holds_on(date)]

    def holding_row(self, role: str, of: str | None, date: dt.date | None) -> OfficeRow | None:
        """The one row of the office on `date`; None when nobody or more than one holds it."""
        rows = self.rows_on(role, of, date)
        return rows[0] if len({r.person for r in rows}) == 1 else None

    def offices_of(self, person: str) -> list[OfficeRow]:
        return list(self._by_person.get(_bare(person), ()))

    def row_for(self, person: str, role: str, of: str | None, date: dt.date | None = None) -> OfficeRow | None:
        """The person's row of that office: the one covering `date`, else the only one."""
        rows = [r for r in self._by_person.get(_bare(person), ()) if r.title == role and r.of == _bare(of)]
        if date is not None:
            covering = [r for r in rows if r.holds_on(date)]
            if covering:
                return covering[0]
        return rows[0] if len(rows) == 1 else None

    def successor_row(self, person: str, date: dt.date | None) -> tuple[OfficeRow, OfficeRow] | None:
        """(predecessor's row, successor's row) for "X's successor" read on `date`.

        The office is the one X holds on `date` (or left last before it); the successor is
        whoever holds it next. A successor counts only when known on `date`: already in
        office, or holding the office's "-elect" title then. Anything else is a guess.
        """
        if date is None:
            return None
        mine = [r for r in self._by_person.get(_bare(person), ()) if r.start is not None]
        current = [r for r in mine if r.holds_on(date) and not r.title.endswith("-elect")]
        if not current:
            ended = [r for r in mine if r.end is not None and r.end <= date]
            current = [max(ended, key=lambda r: r.end)] if ended else []
        found = set()
        for row in current:
            nxt = [r for r in self._by_office.get((row.title, row.of), ())
                   if r.person != row.person and r.start is not None and row.end is not None
                   and row.end <= r.start + dt.timedelta(days=2) and r.start >= row.start]
            if not nxt:
                continue
            succ = min(nxt, key=lambda r: r.start)
            known = succ.start <= date or any(
                r.person == succ.person and r.title == f"{row.title}-elect" and r.of == row.of and r.holds_on(date)
                for r in self._by_office.get((f"{row.title}-elect", row.of), ()))
            if known:
                found.add((row, succ))
        return found.pop() if len({s.person for _, s in found}) == 1 else None


def office_table(rules: Ruleset) -> OfficeTable:
    """The table of the rules' people gazetteer, built once per ruleset (reading it walks
    every gazetteer entry)."""
    return rules.cached("office_table", OfficeTable.from_rules)


def holder_on(role: str, of: str, date: dt.date | None, rules: Ruleset) -> str | None:
    """Who held the office `role` of `of` on `date`, by the table; None if unknown or ambiguous.

    Parameters
    ----------
    role : lower-case role title, as titles.toml names it ("president", "secretary of state").
    of : gazetteer id of the country or organization ("country/russia", "org/nato").
    date : the day; None (an undated article) gives None: nothing is guessed.

    Returns the person's gazetteer id, or None.

    Example
    -------
    >>> from kg.ruleset import load_ruleset
    >>> rules = load_ruleset()
    >>> holder_on("president", "country/russia", dt.date(2008, 3, 18), rules)
    'person/vladimir-putin'
    >>> holder_on("president", "country/russia", dt.date(2008, 11, 5), rules)
    'person/dmitry-medvedev'
    >>> holder_on("president", "country/russia", None, rules) is None
    True
    """
    row = office_table(rules).holding_row(role, of, date)
    return row.person if row else None


def offices_of(person_id: str, rules: Ruleset) -> list[OfficeRow]:
    """The person's rows in the table, in date order.

    >>> from kg.ruleset import load_ruleset
    >>> [r.title for r in offices_of("person/vladimir-putin", load_ruleset())]
    ['president', 'prime minister']
    """
    return sorted(office_table(rules).offices_of(person_id), key=lambda r: (r.start or dt.date.min, r.title))
