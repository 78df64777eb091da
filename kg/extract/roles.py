"""Role descriptions without a name ("the Russian president") resolved by the article's date.

    role_descriptions(ctx) -> list[PositionClaim]   offices the descriptions state, and
                                                    successorOf facts added to ctx.facts
    role_mentions(ctx) -> list[Hit]                  a Person hit over each resolved description

"The Russian president" names no one; the article's date does. In an article of March 2008
it is Vladimir Putin, in one of November 2008 Dmitry Medvedev. A description is resolved
when the office is named with its country or organization ("the Russian president",
"Russia's foreign minister", "the NATO secretary general", "the president of Poland", or
"the secretary of state", whose country titles.toml fixes), the article has a date, and one
person held the office that day: by the dated office table (kg/offices.py), or, where the
table has no row, by the article naming exactly one holder elsewhere ("Czech Prime Minister
Mirek Topolanek"). When the table and the article disagree, or nothing is known, nothing
is guessed.

"X's successor" and "his successor" (X the one person of that gender named in the sentence
or the one before) name whoever next held X's office, when that was known on the article's
date: already in office, or elected ("president-elect" row). "The next Russian president"
reads the same way.

Rule ids, carried by the evidence: role.by-date (the table; graph.py names the row used in
nkg:gazetteer), role.named-in-article, role.successor-by-date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.context import Context
from kg.extract.entities import Hit, Tagged
from kg.extract.relations import nationality
from kg.model import Evidence, Fact, PositionClaim
from kg.offices import RULE_BY_DATE, OfficeTable, office_table

__all__ = ["role_descriptions", "role_mentions", "RULE_BY_DATE", "RULE_IN_ARTICLE", "RULE_SUCCESSOR"]

RULE_IN_ARTICLE = "role.named-in-article"
RULE_SUCCESSOR = "role.successor-by-date"

_POSS = r"(?:'s|’s|'|’)"
# Words before the office that change whom it names. "former", "then", "late": some earlier
# holder; "new": the one just in office or the one just elected. Neither is guessed.
_UNSURE = {"former", "then", "ex", "ex-", "late", "acting", "interim", "previous", "new", "would-be",
           "possible", "potential", "last", "first", "future"}
_NEXT = {"next", "incoming"}
_MODS = r"(?:(?:current|sitting|outgoing|next|incoming|future|new|former|then|ex-|late|acting|interim|previous|would-be|possible|potential|last|first)\s+)"
_DESCRIPTION = re.compile(
    rf"(?P<det>\b(?:[Tt]he|[Tt]his)\s+)?(?P<mod1>{_MODS}*)"
    rf"(?:(?P<owner><[CAO]\d+>)(?P<poss>{_POSS})?\s+)?(?P<mod2>{_MODS}*)"
    rf"(?P<title><T\d+>)(?:\s+of\s+(?:the\s+)?(?P<owner2><[CO]\d+>))?")
# Copulas and appointments: "is to become the Russian president" says who will be, not who is.
_PREDICATE_BEFORE = re.compile(
    r"\b(?:as|become|becomes|became|becoming|elected|named|appointed|is|was|be|been|being|are|were|"
    r"remains|remained|remain|re-elected|succeed|succeeds|succeeded|replace|replaces|replaced)\s+$", re.I)
# A name beside the office, recognised or not: "the US president, George W. Bush", "Ukrainian President Volodymyr".
_NAME_AFTER = re.compile(r"^(?:\s*,?\s*<P\d+>|\s+(?:[A-Z][a-z]|[A-Z]\.))")
_APPOSITION_BEFORE = re.compile(rf"<P\d+>{_POSS}?\s*,?\s*$")
_SUCCESSOR = re.compile(
    rf"(?:(?P<prev><P\d+>){_POSS}|\b(?P<pron>[Hh]is|[Hh]er))\s+"
    r"(?:(?:eventual|designated|chosen|hand-picked|handpicked|anointed|presumptive|expected|likely)\s+)?"
    r"(?P<word>successor)\b(?!s)")


@dataclass(frozen=True, slots=True)
class Resolution:
    """One description, the person it names, and what it lets the article state."""

    start: int                      # offsets of the description in the article text
    end: int
    person: str                     # extraction ref: "gaz:person/..." or "new:Person:..."
    label: str
    rule: str
    sentence_index: int
    claim: PositionClaim | None = None
    successor_of: str | None = None  # ref of the predecessor, for "X's successor"


def role_descriptions(ctx: Context) -> list[PositionClaim]:
    """Offices stated by descriptions resolved by date; successorOf facts go to ctx.facts.

    The person each description names is registered in ctx.extra_entities, so that the
    claim reaches the graph even where the article never names the person.
    """
    claims = []
    for r in _resolutions(ctx):
        if r.person.startswith("gaz:") and r.person not in ctx.extra_entities:
            ctx.extra_entities[r.person] = ("Person", r.label, ())
        if r.claim is not None:
            claims.append(r.claim)
        if r.successor_of is not None:
            ev = _evidence(ctx, r.sentence_index, r.rule)
            fact = Fact(r.person, "nkg:successorOf", r.successor_of, ev)
            if fact not in ctx.facts:
                ctx.facts.append(fact)
    return claims


def role_mentions(ctx: Context) -> list[Hit]:
    """A Person hit over each resolved description ("Russian president"), rule id as above.

    Pure: call it with the same context as role_descriptions. The hits are mentions of the
    person, not names of it: their text must not become a schema:alternateName.
    """
    return [Hit(r.start, r.end, "Person", r.person, r.rule) for r in _resolutions(ctx)]


def _evidence(ctx: Context, index: int, rule: str) -> Evidence:
    return ctx.evidence(ctx.sentences[index], rule)


def _resolutions(ctx: Context) -> list[Resolution]:
    # role_descriptions and role_mentions read the same sentences: resolve them once
    source, found = ctx.memo.get("roles", (None, None))
    if source is not ctx.tagged:
        found = _resolve(ctx)
        ctx.memo["roles"] = (ctx.tagged, found)
    return found


def _resolve(ctx: Context) -> list[Resolution]:
    date = ctx.article.date
    if date is None:
        return []  # an undated article: "the Russian president" stays unresolved
    table = office_table(ctx.rules)
    stated = _stated_offices(ctx)
    out: list[Resolution] = []
    for i, t in enumerate(ctx.tagged):
        # cheap tests first: a description needs an office title (<T1>), a successor the word
        if "<T" in t.text:
            out += _descriptions_in(ctx, table, stated, i, t, date)
        if "successor" in t.text:
            out += _successors_in(ctx, table, i, t, date)
    return sorted(out, key=lambda r: (r.start, r.end, r.person))


def _of_ref(ctx: Context, owner: Hit | None, title) -> str | None:
    if owner is not None:
        if owner.kind in ("Country", "Adj", "Organization"):
            return owner.ref
        return None
    return f"gaz:{title.default_country}" if title.default_country else None


def _stated_offices(ctx: Context) -> dict[tuple[str, str], set[str]]:
    """(role, of) -> the people the article itself names with that office."""
    stated: dict[tuple[str, str], set[str]] = {}
    for t in ctx.tagged:
        if "<T" not in t.text:
            continue  # no office title (<T1>) in the sentence, so nothing to state
        for rule in t.rules_to_try(ctx.rules.rules.get("offices", ()), ctx.rules):
            if rule.emits != "nkg:holdsPosition":
                continue
            for m in t.matches(rule, ctx.rules):
                groups = m.re.groupindex
                if not m.group("title") or not m.group("person"):
                    continue
                title_hit, person = t.hit(m.group("title")), t.hit(m.group("person"))
                title = title_hit.data[0] if title_hit.data else None
                if title is None or title.organizational:
                    continue
                owner = t.hit(m.group("owner")) if "owner" in groups and m.group("owner") else None
                of = None
                if owner is not None and owner.kind in ("Country", "Adj", "Organization"):
                    of = owner.ref
                elif owner is None:
                    of = nationality(ctx, person.ref) or (f"gaz:{title.default_country}" if title.default_country else None)
                if of:
                    stated.setdefault((title_hit.ref, of), set()).add(person.ref)
    return stated


def _label(ctx: Context, ref: str) -> str:
    if ref.startswith("gaz:"):
        return ctx.rules.entries[ref[4:]].label
    return ref.split(":", 2)[-1]


def _descriptions_in(ctx: Context, table: OfficeTable, stated, index: int, t: Tagged, date) -> list[Resolution]:
    out = []
    for m in _DESCRIPTION.finditer(t.text):
        title_hit = t.hit(m.group("title"))
        if not title_hit.data:
            continue
        title, plural = title_hit.data
        owner_tag = m.group("owner") or m.group("owner2")
        owner = t.hit(owner_tag) if owner_tag else None
        if plural or not (m.group("det") or owner is not None):
            continue
        if m.group("owner2") and m.group("owner"):
            continue  # "the Russian president of the council": two owners, no reading
        if title.organizational and (owner is None or owner.kind != "Organization"):
            continue  # "the Russian analyst": a nationality, not an office with one holder
        before, after = t.text[:m.start()], t.text[m.end():]
        if _NAME_AFTER.match(after) or _APPOSITION_BEFORE.search(before) or _PREDICATE_BEFORE.search(before):
            continue
        if not m.group("det") and re.fullmatch(r"\s*,?\s*", after):
            continue  # a caption line "U.S. Secretary of State," whose name is on the next line
        mods = set((m.group("mod1") + " " + m.group("mod2")).lower().split())
        if mods & _UNSURE:
            continue
        of = _of_ref(ctx, owner, title)
        if of is None:
            continue
        start = owner.start if m.group("owner") else title_hit.start
        end = t.hit(m.group("owner2")).end if m.group("owner2") else title_hit.end
        ev_rule, person, claim_title = None, None, title_hit.ref
        if mods & _NEXT:
            current = table.holding_row(title_hit.ref, of, date)
            pair = table.successor_row(current.person, date) if current else None
            if pair is None or pair[1].title != title_hit.ref or pair[1].of != current.of:
                continue
            succ = pair[1]
            elect = table.row_for(succ.person, f"{succ.title}-elect", succ.of, date)
            if not (elect and elect.holds_on(date)):
                continue  # "the next president" once he is in office is not this one
            ev_rule, person, claim_title = RULE_SUCCESSOR, f"gaz:{succ.person}", elect.title
        else:
            row = table.holding_row(title_hit.ref, of, date)
            named = stated.get((title_hit.ref, of), set())
            if row is not None:
                person = f"gaz:{row.person}"
                if named and person not in named:
                    continue  # the article names another holder: the sources disagree
                ev_rule = RULE_BY_DATE
            elif not table.rows_on(title_hit.ref, of, date) and len(named) == 1:
                person, ev_rule = next(iter(named)), RULE_IN_ARTICLE
            else:
                continue
        ev = _evidence(ctx, index, ev_rule)
        claim = PositionClaim(person, claim_title, of, ev, title.group)
        out.append(Resolution(start, end, person, _label(ctx, person), ev_rule, index, claim))
    return out


def _successors_in(ctx: Context, table: OfficeTable, index: int, t: Tagged, date) -> list[Resolution]:
    out = []
    for m in _SUCCESSOR.finditer(t.text):
        after = t.text[m.end():]
        if re.match(r"^\s*,?\s*(?:<P\d+>|[A-Z][a-z])", after):
            continue  # "Putin's successor Dmitry Medvedev": the name stands beside it
        if m.group("prev"):
            prev = t.hit(m.group("prev")).ref
        else:
            prev = _antecedent(ctx, index, m.start(), "male" if m.group("pron").lower() == "his" else "female")
            if prev is None:
                continue
        if not prev.startswith("gaz:"):
            continue
        pair = table.successor_row(prev, date)
        if pair is None:
            continue
        succ = f"gaz:{pair[1].person}"
        if succ == prev:
            continue
        word = t.orig(m.start("word"))
        out.append(Resolution(word, word + len("successor"), succ, _label(ctx, succ), RULE_SUCCESSOR,
                              index, None, prev))
    return out


def _antecedent(ctx: Context, index: int, pos: int, gender: str) -> str | None:
    """The one person of that gender named before the pronoun, in its sentence or the one before."""
    t = ctx.tagged[index]
    here = [h.ref for h in t.hits_in(0, pos) if h.kind == "Person"]
    for refs in (here, [h.ref for h in ctx.tagged[index - 1].items if h.kind == "Person"] if index else []):
        fitting = {r for r in refs if ctx.mentions.gender.get(r) == gender}
        if fitting:
            return fitting.pop() if len(fitting) == 1 else None
    return None
