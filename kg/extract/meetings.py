"""Meetings of one article: triggers, names, attendees, places and dates (meetings.toml).

Each sentence with a trigger word outside quotation marks tells of a meeting. Within one
article, unnamed meetings that share an attendee (and do not differ in date or place) are the
same meeting; a named one ("NATO summit") stays apart. Across articles, kg.resolve merges.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.context import Context
from kg.model import Evidence
from kg.ruleset import Openings, Ruleset, word_alternation

# kinds that tell of one and the same meeting; a press conference or a signing is its own event
FAMILY = {"talks": "talks", "meeting": "talks", "visit": "talks", "summit": "summit",
          "press conference": "press conference", "signing ceremony": "signing ceremony"}
# when one sentence names several, the meeting is the most substantive of them
KIND_ORDER = ["summit", "talks", "meeting", "visit", "signing ceremony", "press conference"]
CLAUSE_BREAK = re.compile(r"\b(?:that|which|who|because|while|but|to [a-z]+)\b|[;:]")
PLACE_RANK = {"City": 4, "Site": 3, "Place": 2, "Country": 1}


@dataclass
class MeetingDraft:
    kind: str
    name: str | None = None                      # a named meeting's label: "NATO summit"
    name_ref: str | None = None                  # the organizer of a named meeting
    attendees: dict[str, Evidence] = field(default_factory=dict)
    locations: dict[str, tuple[int, Evidence, str]] = field(default_factory=dict)
    dates: dict[tuple[str, str], Evidence] = field(default_factory=dict)
    unresolved_date: bool = False
    first: int = 0                               # offset of its first trigger
    lead: bool = False
    unit: int = -1                               # the paragraph it was first told in
    units: set = field(default_factory=set)      # every paragraph that tells of it

    def __post_init__(self):
        self.units.add(self.unit)
    rule: str | None = None                      # the rule that named it

    def date(self) -> tuple[str, str] | None:
        """The most precise date told (a day before a month)."""
        return sorted(self.dates, key=lambda d: (-len(d[0]), d))[0] if self.dates else None


def _trigger_pattern(rules: Ruleset) -> Openings:
    words = word_alternation(rules.meeting_triggers, re.IGNORECASE, any_space=False)
    # tried only where a trigger word starts: most sentences hold none
    return Openings(re.compile(r"(?<![\w-])(?:" + words + r")(?![\w-])", re.IGNORECASE),
                    rules.meeting_triggers)


def meetings(ctx: Context, officials: set[str]) -> list[MeetingDraft]:
    rules = ctx.rules
    trig = rules.cached("meetings.triggers", _trigger_pattern)
    named_rules = [r for r in rules.rules["meetings"] if r.id.startswith("meeting.named")]
    modifier_rule = next(r for r in rules.rules["meetings"] if r.id == "meeting.location-modifier")
    in_rule = next(r for r in rules.rules["meetings"] if r.id == "meeting.location-in")
    drafts: list[MeetingDraft] = []
    lead_units = {u for u in range(min(3, len(ctx.units)))}
    for index, t in enumerate(ctx.tagged):
        sentence = t.sentence
        text = ctx.article.text
        triggers = [m for m in trig.finditer(text, sentence.start, sentence.end)
                    if not ctx.in_quote(sentence, m.start())]
        if not triggers:
            continue
        ev = lambda rule: ctx.evidence(sentence, rule)  # noqa: E731
        here: list[tuple[int, MeetingDraft]] = []       # (trigger offset, draft)
        named_spans = []
        for named_rule in named_rules:
            for m in t.matches(named_rule, rules):
                org = t.hit(m.group("org"))
                label = f"{_org_name(ctx, org)} {m.group('kind').lower()}"
                s, e = t.orig(m.start("kind")), t.orig(m.start("kind")) + len(m.group("kind"))
                named_spans.append((t.orig(m.start()), e))
                if not any(d.name_ref == org.ref for _, d in here):
                    here.append((s, MeetingDraft(_kind(ctx, m.group("kind")), label, org.ref, first=s,
                                                 unit=sentence.unit, rule=named_rule.id)))
        loose = [tr for tr in triggers if not any(a <= tr.start() < b for a, b in named_spans)]
        if loose:
            kinds = [_kind(ctx, tr.group(0)) for tr in loose]
            kind = min(kinds, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER))
            here.append((loose[0].start(), MeetingDraft(kind, first=loose[0].start(),
                                                        lead=sentence.unit in lead_units, unit=sentence.unit)))
        anchors = [(tr.start(), tr.end(), d) for tr in loose for _, d in here if d.name is None] + \
                  [(s, s + 1, d) for s, d in here if d.name is not None]

        def nearest(pos: int, window: int = 60):
            """The meeting whose trigger is nearest before `pos` (or just after it), in one clause."""
            best = None
            for a, b, d in anchors:
                gap = pos - b if pos >= b else (a - pos) * 3   # prefer a trigger before the place
                between = text[min(b, pos):max(a, pos)]
                if CLAUSE_BREAK.search(between):
                    continue  # "...told a news conference that America will deploy ... in Europe"
                if gap <= window and (best is None or gap < best[0]):
                    best = (gap, d)
            return best[1] if best else None

        people = [h for h in t.items if h.kind == "Person" and not ctx.in_quote(sentence, h.start)]
        for p in people:
            # each person attends the meeting whose trigger is nearest in the sentence
            d = min(anchors, key=lambda a: (min(abs(p.start - a[1]), abs(a[0] - p.end)), a[0]))[2]
            d.attendees.setdefault(p.ref, ev("meeting.attendee-in-sentence"))
        for m in t.matches(modifier_rule, rules):
            where = t.hit(m.group("where"))
            d = nearest(t.orig(m.start("kind")), window=5)
            if d is not None and not ctx.in_quote(sentence, where.start):
                _add_place(d, where, ev(modifier_rule.id), where.start)
        for m in t.matches(in_rule, rules):
            where = t.hit(m.group("where"))
            d = nearest(where.start)
            if d is not None and not ctx.in_quote(sentence, where.start):
                _add_place(d, where, ev(in_rule.id), where.start)
        for date in ctx.dates.get(index, []):
            if ctx.in_quote(sentence, date.start):
                continue
            d = nearest(date.start, window=120)
            if d is not None:
                _add_date(d, date, ev)
        for _, d in here:
            if d.unresolved_date and not d.dates and d.name is None:
                continue  # "they had held talks last October" with no article date: not guessed
            drafts.append(d)
    merged = _merge_within(drafts)
    _lead_officials(ctx, merged, officials)
    _dateline_place(ctx, merged)
    _article_date(ctx, merged)
    return [d for d in merged if d.attendees or d.name]


def _org_name(ctx: Context, org) -> str:
    """How a named meeting is called: the organizer's short name ("NATO summit")."""
    if org.ref.startswith("gaz:"):
        entry = ctx.rules.entries[org.ref[4:]]
        names = [n for n in (entry.label, *entry.aliases) if n.isupper() and len(n) <= 6]
        return names[0] if names else entry.label
    return ctx.article.text[org.start:org.end]


def _kind(ctx: Context, word: str) -> str:
    return ctx.rules.meeting_triggers.get(word.lower(), "meeting")


def _add_place(draft: MeetingDraft, where, evidence: Evidence, at: int = 0) -> None:
    draft.locations.setdefault(where.ref, (PLACE_RANK.get(where.kind, 0), evidence, where.kind, at))


def _add_date(draft: MeetingDraft, d, ev) -> None:
    if d.value is None:
        # "they had held talks last October": a meeting recalled from another time, which an
        # undated article cannot place; a weekday ("on Monday") is still this article's meeting
        if d.rule in ("date.relative-month-name", "date.relative-month", "date.month-year"):
            draft.unresolved_date = True
    else:
        draft.dates.setdefault((d.value, d.datatype), ev(d.rule.replace("date.", "meeting.date-")))


def _compatible(a: MeetingDraft, b: MeetingDraft) -> bool:
    if (a.name or b.name) and a.name_ref != b.name_ref:
        return False
    if a.dates and b.dates and not any(x.startswith(y) or y.startswith(x)
                                       for x, _ in a.dates for y, _ in b.dates):
        return False
    best_a, best_b = _best_place(a), _best_place(b)
    if best_a and best_b and best_a != best_b and _rank(a, best_a) == _rank(b, best_b):
        return False
    return True


def _best_place(d: MeetingDraft) -> str | None:
    """The most specific place told; among equals, the first told."""
    if not d.locations:
        return None
    return min(d.locations, key=lambda r: (-d.locations[r][0], d.locations[r][3], r))


def _rank(d: MeetingDraft, ref: str) -> int:
    return d.locations[ref][0]


def _merge_within(drafts: list[MeetingDraft]) -> list[MeetingDraft]:
    out: list[MeetingDraft] = []
    for d in drafts:
        target = None
        for o in out:
            if not _compatible(o, d):
                continue
            if d.name and d.name_ref == o.name_ref:
                target = o          # "the G8 meeting" and "the Group of Eight summit"
                break
            same_family = FAMILY.get(d.kind, d.kind) == FAMILY.get(o.kind, o.kind)
            if not d.name and not o.name and (d.units & o.units or same_family and (
                    set(d.attendees) & set(o.attendees) or not d.attendees or not o.attendees)):
                # a shared attendee, the same paragraph, or "the talks" with nobody named:
                # one meeting told in several sentences
                target = o
                break
        if target is None:
            out.append(d)
            continue
        for k, v in d.attendees.items():
            target.attendees.setdefault(k, v)
        for k, v in d.locations.items():
            target.locations.setdefault(k, v)
        for k, v in d.dates.items():
            target.dates.setdefault(k, v)
        target.lead = target.lead or d.lead
        target.units |= d.units
    return out


def _lead_officials(ctx: Context, drafts: list[MeetingDraft], titled: set[str]) -> None:
    """Officials named in the first paragraphs attend the meeting the lead tells of."""
    lead = next((d for d in drafts if d.lead and not d.name), None)
    if lead is None:
        return
    first_units = set(range(min(3, len(ctx.units))))
    for t in ctx.tagged:
        if t.sentence.unit not in first_units:
            continue
        for h in t.items:
            if h.kind == "Person" and h.ref in titled and not ctx.in_quote(t.sentence, h.start):
                lead.attendees.setdefault(h.ref, ctx.evidence(t.sentence, "meeting.lead-officials"))


def _dateline_place(ctx: Context, drafts: list[MeetingDraft]) -> None:
    """'MOSCOW — ...': the lead meeting took place where the story was filed, if nothing says else."""
    lead = next((d for d in drafts if d.lead and not d.name), None)
    dateline = next((h for h in ctx.hits if h.rule == "place.dateline"), None)
    if lead is None or dateline is None or lead.locations:
        return
    s = next((s for s in ctx.sentences if s.start <= dateline.start < s.end), None)
    if s is not None:
        _add_place(lead, dateline, ctx.evidence(s, "meeting.location-dateline"), dateline.start)


def _article_date(ctx: Context, drafts: list[MeetingDraft]) -> None:
    """The meeting a dated article leads with took place by its date: the article's date."""
    if ctx.article.date is None:
        return
    lead = next((d for d in drafts if d.lead and not d.name and not d.dates), None)
    if lead is not None:
        span = ctx.article.headline_span or ctx.article.blocks[0]
        lead.dates[(ctx.article.date.isoformat(), "xsd:date")] = Evidence(
            ctx.article.id, span.start, span.end, ctx.article.text[span.start:span.end], "meeting.date-article")
