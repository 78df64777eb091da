"""Article blocks -> mentions ("hits") of people, places, organizations, the defense system,
office titles and dates; and the entity-tagged view of a sentence the relation rules read.

Sources, strongest first: the gazetteer (one Aho-Corasick automaton over every surface form),
the system patterns, office titles, organization patterns, then person-name patterns (a title
or honorific before a capitalised name, a known first name, a speech verb), then bare surnames
of the people already found in the article. Capitals are the city after "in", "at", "to"...
and the government otherwise ("Moscow has maintained" is Russia).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from kg.extract.sentences import Sentence
from kg.model import Article
from kg.ruleset import KIND_CODES, ClueIndex, Openings, Rule, Ruleset, clue_of
from kg.text import SpanSet

PRIORITY = {"Organization": 7, "Person": 6, "DefenseSystem": 6, "Country": 5, "City": 4,
            "Site": 8, "Place": 3, "Adj": 2, "Title": 1, "Date": 0}
LOCATIVE = {"in", "at", "to", "from", "near", "into", "outside", "visit", "visited", "visiting",
            "via", "toward", "towards", "around", "across", "inside", "left", "reached", "arrived"}
DETERMINERS = {"The", "A", "An", "His", "Her", "Its", "Their", "Our", "My", "Your", "This", "That", "These", "Those"}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_HEADING_WORD = re.compile(r"\b[a-z]{4,}\b")
_SPACES = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"<[A-Z](\d+)>")
_APPOSITION = re.compile(r"^,\s+(?:a|an|the)\s")

ORG_HEADS = {
    "University": "CollegeOrUniversity", "College": "CollegeOrUniversity",
    "Institute": "ResearchOrganization", "Institution": "ResearchOrganization",
    "Center": "ResearchOrganization", "Centre": "ResearchOrganization",
    "Foundation": "ResearchOrganization", "Academy": "ResearchOrganization",
    "Party": "PoliticalParty", "Ministry": "GovernmentOrganization",
    "Council": "GovernmentOrganization", "Committee": "GovernmentOrganization",
    "Agency": "GovernmentOrganization", "Commission": "GovernmentOrganization",
    "Parliament": "GovernmentOrganization", "Command": "GovernmentOrganization",
    "Department": "GovernmentOrganization", "Office": "GovernmentOrganization",
}
_CAP = r"[A-Z][\w&'’.-]*"
PLACE_PATTERNS = [
    ("place.town-of", "City", re.compile(r"\b(?:town|city|village|port|resort|capital) of\s+([A-Z][\w'-]+(?:[ -][A-Z][\w'-]+)?)")),
    ("place.direction-of", "City", re.compile(
        r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?),\s+(?:some\s+)?(?:\d+\s+(?:km|kilometres|kilometers|miles)\s+)?"
        r"(?:north|south|east|west|north-east|north-west|south-east|south-west|northeast|northwest|southeast|southwest)\s+of\s+[A-Z]")),
    ("place.head-word", "Place", re.compile(
        r"\b((?:[A-Z][\w'-]+\s+){1,2}(?:Atoll|Island|Islands|Peninsula|Province|Region|Oblast|Valley|Mountains|Hills|Sea|Gulf))\b")),
]
ORG_PATTERNS = [
    ("org.head-word", re.compile(
        rf"\b((?:{_CAP}\s+){{1,4}}(?:{'|'.join(ORG_HEADS)}))\b(?!\s+of\b)")),
    ("org.of-phrase", re.compile(
        rf"\b((?:{_CAP}\s+){{0,3}}(?:{'|'.join(ORG_HEADS)})\s+(?:of|for|on)\s+(?:the\s+)?{_CAP}(?:\s+(?:and|of|for|on|the|{_CAP})){{0,6}})")),
    ("org.embassy", re.compile(r"\b((?:[A-Z][\w.]*\s+)?[Ee]mbassy(?:\s+in\s+[A-Z][\w-]+)?)")),
    ("org.news-agency", re.compile(r"\bnews agency\s+([A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)|\b([A-Z][\w-]+)\s+news agency\b")),
    ("org.publication", re.compile(
        rf"\bthe\s+(?:journal|newspaper|magazine|daily|weekly|monthly|broadcaster|think[- ]tank)\s+({_CAP}(?:\s+(?:in|of|the|and|{_CAP})){{0,5}})")),
]

# the patterns a block may match, by their clues (kg.ruleset.Clue): the others are not tried
_CLUES = ClueIndex({rule_id: clue_of(pattern) for rule_id, *_, pattern in [*ORG_PATTERNS, *PLACE_PATTERNS]})


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    kind: str            # an entity kind, or "Adj", "Title", "Date"
    ref: str             # entity ref; for Adj the country's ref; for Title the role
    rule: str
    data: tuple = ()     # Title: (Title, plural); Date: (value, datatype); Site: (kind, where ref)


@dataclass(frozen=True)
class _Lookups:
    """What the name finders derive from the rules: built once per ruleset, not per name."""

    honorific_before: re.Pattern             # an honorific and a space ending a text: "Mr. "
    speech_before: re.Pattern                # a speech verb and spaces ending a text: "said "
    speech_after: re.Pattern                 # a speech verb opening a text: ", said"
    people_by_alias: dict[str, list[str]]    # alias -> ids of the gazetteer people with that alias
    city_by_label: dict[str, str]            # name -> id of the first gazetteer city of that name
    system_patterns: list[tuple[re.Pattern, str]]   # (pattern, system id)
    system_clues: ClueIndex                          # of the system patterns, by their index
    titles: Openings                         # rules.title_pattern, tried where a title's first word starts

    @classmethod
    def build(cls, rules: Ruleset) -> "_Lookups":
        speech = "|".join(map(re.escape, rules.words.get("SPEECH", ())))
        honorifics = "|".join(re.escape(h) for h in sorted(rules.honorifics, key=lambda h: (-len(h), h)))
        people: dict[str, list[str]] = {}
        cities: dict[str, str] = {}
        for e in rules.entries.values():
            if e.kind == "Person":
                for alias in dict.fromkeys(e.aliases):
                    people.setdefault(alias, []).append(e.id)
            elif e.kind == "City":
                cities.setdefault(e.label, e.id)
        systems = list(rules.system_patterns)
        system_clues = ClueIndex({n: clue_of(pattern) for n, (pattern, _) in enumerate(systems)})
        # a title's match opens with the title's name, a space in it being any white space
        titles = Openings(rules.title_pattern, {name.split()[0] for name in rules.titles})
        return cls(re.compile(rf"\b(?:{honorifics})\s$"), re.compile(rf"\b(?:{speech})\s+$"),
                   re.compile(rf"^,?\s+(?:{speech})\b"), people, cities, systems, system_clues, titles)


def _lookups(rules: Ruleset) -> _Lookups:
    return rules.cached("entities", _Lookups.build)


@dataclass
class Mentions:
    """All hits of one article, and per-person facts the rules need (gender, surname)."""

    hits: list[Hit]
    person_names: dict[str, str] = field(default_factory=dict)   # ref -> full name
    gender: dict[str, str] = field(default_factory=dict)


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in "-_") and not (after.isalnum() or after == "_")


def _best(hits: list[Hit]) -> list[Hit]:
    """Longest first, then the stronger kind; no two kept hits overlap."""
    # on equal spans the gazetteer's word beats a pattern's guess ("the village of Redzikowo")
    ordered = sorted(hits, key=lambda h: (-(h.end - h.start), not h.rule.startswith("gazetteer"),
                                          -PRIORITY.get(h.kind, 0), h.start, h.ref))
    kept: list[Hit] = []
    taken = SpanSet()
    for h in ordered:
        if taken.overlaps(h.start, h.end):
            continue
        kept.append(h)
        taken.add(h.start, h.end)
    return sorted(kept, key=lambda h: (h.start, h.end))


def _is_heading(line: str) -> bool:
    """Title-case lines (headlines, captions of names) do not show where names begin."""
    words = line.split()
    return len(words) >= 3 and not _HEADING_WORD.search(line)


def find_mentions(article: Article, rules: Ruleset) -> Mentions:
    text = article.text
    lookups = _lookups(rules)
    raw: list[Hit] = []
    for block in article.blocks:
        seg = text[block.start:block.end]
        raw += _gazetteer_hits(text, block.start, seg, rules)
        may_match = lookups.system_clues.may_match(seg)
        for n, (pattern, sid) in enumerate(lookups.system_patterns):
            for m in pattern.finditer(seg) if n in may_match else ():
                raw.append(Hit(block.start + m.start(), block.start + m.end(), "DefenseSystem",
                               f"gaz:{sid}", "system.pattern"))
        raw += _title_hits(block.start, seg, rules, lookups.titles)
        may_match = _CLUES.may_match(seg)
        for rule_id, pattern in ORG_PATTERNS:
            for m in pattern.finditer(seg) if rule_id in may_match else ():
                g = 1 if m.group(1) else 2
                name = m.group(g).rstrip(".,")
                s = block.start + m.start(g)
                owner = re.match(r".*(?:'s|’s)\s+", name)
                if owner:
                    s += owner.end()  # "Washington's Georgetown University": the possessor is not the name
                    name = name[owner.end():]
                words = name.split()
                while words and (words[-1][0].islower() or words[-1] in ("The",)):
                    words.pop()
                while len(words) > 1 and words[0] in DETERMINERS:
                    s += len(words[0]) + 1  # "His Civic Democratic Party": the party, not "His"
                    words.pop(0)
                name = " ".join(words)
                if len(words) < 1 or name in rules.not_names:
                    continue
                head = next((ORG_HEADS[w] for w in words if w in ORG_HEADS), None)
                if rule_id == "org.embassy":
                    head = "GovernmentOrganization"
                subtype = head or ("NewsMediaOrganization" if rule_id in ("org.news-agency", "org.publication") else None)
                raw.append(Hit(s, s + len(name), "Organization", f"new:Organization:{name}", rule_id,
                               (subtype,)))
        for rule_id, kind, pattern in PLACE_PATTERNS:
            for m in pattern.finditer(seg) if rule_id in may_match else ():
                name, s = m.group(1), block.start + m.start(1)
                owner = re.match(r".*(?:'s|’s)\s+", name)
                if owner:
                    name, s = name[owner.end():], s + owner.end()  # "Russia's Black Sea": the sea
                raw.append(Hit(s, s + len(name), kind, f"new:{kind}:{name}", rule_id))
    raw = _disambiguate(raw, rules)
    hits = _best(raw)
    hits = _person_patterns(article, hits, rules)
    hits = _best(hits)
    mentions = Mentions(hits)
    _surnames(article, mentions, rules)
    mentions.hits = _capitals(article, mentions.hits, rules)
    return mentions


def _title_hits(offset: int, seg: str, rules: Ruleset, titles: Openings) -> list[Hit]:
    out = []
    pos = 0
    starts = titles.starts(seg)
    if starts == []:
        return out  # most blocks name no office
    while (m := next(titles.finditer(seg, pos, starts=starts), None)) is not None:
        qual = m.group("qual")
        name = _SPACES.sub(" ", m.group(0)[: (m.start("qual") - m.start()) if qual else None])
        folded = name.casefold()
        plural = folded not in rules.titles
        title = rules.titles.get(folded.rstrip("s") if plural else folded)
        if title is None:
            pos = m.end()
            continue
        if qual and title.qualifier:
            role, end = title.role + _SPACES.sub(" ", qual).lower(), m.end()
        else:
            # "spokesman for Prime Minister Tusk": only qualifier titles take "of/for ..."
            role, end = title.role, m.start() + len(name)
        out.append(Hit(offset + m.start(), offset + end, "Title", role, "title", (title, plural)))
        pos = end
    return out


def _disambiguate(raw: list[Hit], rules: Ruleset) -> list[Hit]:
    """One surface form, several entries of one kind ("Social Democrats" of Germany and of the
    Czech Republic): keep the entry whose country the article names most."""
    countries: dict[str, int] = {}
    for h in raw:
        if h.kind in ("Country", "Adj"):
            countries[h.ref] = countries.get(h.ref, 0) + 1
    groups: dict[tuple, list[Hit]] = {}
    for h in raw:
        groups.setdefault((h.start, h.end, h.kind), []).append(h)
    out = []
    for (_, _, kind), hs in groups.items():
        refs = sorted({h.ref for h in hs})
        if len(refs) > 1 and kind in ("Organization", "Person", "City", "Place"):
            def score(ref: str) -> tuple:
                entry = rules.entries.get(ref[4:]) if ref.startswith("gaz:") else None
                country = entry.prop("country") or entry.prop("nationality") if entry else None
                return (countries.get(f"gaz:{country}", 0) if country else 0, ref == refs[0])
            best = max(refs, key=score)
            hs = [h for h in hs if h.ref == best][:1]
        out.extend(hs)
    return out


def _gazetteer_hits(text: str, offset: int, seg: str, rules: Ruleset) -> list[Hit]:
    out = []
    for end_index, values in rules.automaton.iter(seg):
        for form, gid, kind in values:
            s = offset + end_index - len(form) + 1
            e = offset + end_index + 1
            if _bounded(text, s, e):
                ref = gid if kind == "Adj" else f"gaz:{gid}"
                out.append(Hit(s, e, kind, ref if kind != "Adj" else f"gaz:{gid}", "gazetteer"))
    if len(rules.folded_automaton):
        lowered = seg.lower()
        if len(lowered) != len(seg):
            lowered = seg
        for end_index, values in rules.folded_automaton.iter(lowered):
            for form, gid, kind in values:
                s = offset + end_index - len(form) + 1
                e = offset + end_index + 1
                if _bounded(text, s, e):
                    out.append(Hit(s, e, kind, f"gaz:{gid}", "gazetteer.folded"))
    return out


def _person_patterns(article: Article, hits: list[Hit], rules: Ruleset) -> list[Hit]:
    text = article.text
    lookups = _lookups(rules)
    # titles break a run of capitalised words: "Deputy Foreign Minister | Andrzej Kremer"
    covered = SpanSet()
    for h in hits:
        if h.kind != "Date":
            covered.add(h.start, h.end)
    title_ends = {h.end for h in hits if h.kind == "Title"}
    out = list(hits)

    for block in article.blocks:
        seg = text[block.start:block.end]
        heading = _is_heading(seg)
        groups: list[list[tuple[int, int]]] = []
        current: list[tuple[int, int]] = []
        for m in _WORD.finditer(seg):
            word = m.group()
            if not current and not word[0].isupper():
                continue  # most words: neither in a run nor starting one
            s, e = block.start + m.start(), block.start + m.end()
            is_cap = word[0].isupper() and not covered.overlaps(s, e)
            is_particle = word in rules.particles and current
            if current:
                gap = text[current[-1][1]:s]
                if gap not in (" ", ". ") or (gap == ". " and current[-1][1] - current[-1][0] != 1):
                    groups.append(current)
                    current = []
            if is_cap or is_particle:
                current.append((s, e))
            elif current:
                groups.append(current)
                current = []
        if current:
            groups.append(current)
        for group in groups:
            while group and ((first := text[group[0][0]:group[0][1]]) in rules.not_names
                             or first in rules.particles
                             or first.rstrip(".") + "." in rules.honorifics):
                group = group[1:]  # "Mr McCormack": the honorific is found again below
            while group and text[group[-1][0]:group[-1][1]] in rules.particles:
                group = group[:-1]
            if not group or len(group) > 4:
                continue
            words = [_POSSESSIVE.sub("", text[s:e]) for s, e in group]
            if any(w in rules.not_names for w in words[1:]):
                continue
            start, end = group[0][0], group[-1][1]
            m = _POSSESSIVE.search(text[start:end])
            if m:
                end -= len(m.group(0))
            before = text[max(block.start, start - 40):start]
            rule = None
            hon = lookups.honorific_before.search(before)
            if hon:
                rule = "person.honorific"
                start_with = start - len(hon.group(0))
            elif (start - 1 in title_ends and text[start - 1:start] == " "
                  or start - 2 in title_ends and text[start - 2:start] == ", "):
                rule = "person.after-title"
                start_with = start
            elif heading:
                continue
            elif len(words) >= 2 and rules.is_first_name(words[0]):
                rule = "person.first-name"
                start_with = start
            elif len(words) >= 2:
                after = text[end:min(block.end, end + 40)]
                if (lookups.speech_before.search(before) or lookups.speech_after.match(after)
                        or _APPOSITION.match(after)):
                    rule = "person.speech-context"
                    start_with = start
            if rule is None:
                continue
            name = " ".join(words)
            out.append(Hit(start_with, end, "Person", f"new:Person:{name}", rule))
    return out


def _surnames(article: Article, mentions: Mentions, rules: Ruleset) -> None:
    """Bare surnames and honorific forms of people already named in the article."""
    text = article.text
    lookups = _lookups(rules)
    by_surname: dict[str, set[str]] = {}
    for h in mentions.hits:
        if h.kind != "Person":
            continue
        name = rules.entries[h.ref[4:]].label if h.ref.startswith("gaz:") else h.ref.split(":", 2)[2]
        parts = name.split()
        if len(parts) >= 2:
            mentions.person_names[h.ref] = name
            by_surname.setdefault(parts[-1], set()).add(h.ref)
        if h.ref.startswith("gaz:"):
            g = rules.entries[h.ref[4:]].prop("gender")
            if g:
                mentions.gender[h.ref] = g
        elif len(parts) >= 2:
            g = rules.gender_of_first_name(parts[0])
            if g:
                mentions.gender[h.ref] = g
    unique = {s: next(iter(refs)) for s, refs in by_surname.items() if len(refs) == 1}
    # a single-word person ("Mr. Smith", "Lavrov") takes the article's full name of that surname
    remapped = []
    for h in mentions.hits:
        if h.kind == "Person" and h.ref.startswith("new:") and len(h.ref.split(":", 2)[2].split()) == 1:
            surname = h.ref.split(":", 2)[2]
            if surname in unique:
                h = Hit(h.start, h.end, h.kind, unique[surname], "person.surname")
            else:
                gaz = lookups.people_by_alias.get(surname, ())
                if len(gaz) == 1:
                    h = Hit(h.start, h.end, h.kind, f"gaz:{gaz[0]}", "person.surname")
        elif h.kind == "Person" and h.ref.startswith("gaz:"):
            surface = text[h.start:h.end].split()[-1]
            if surface in unique and unique[surface] != h.ref and len(text[h.start:h.end].split()) == 1:
                # the article's own "Bill Clinton" decides what a bare "Clinton" means
                h = Hit(h.start, h.end, h.kind, unique[surface], "person.surname")
        remapped.append(h)
    hits = remapped
    taken = SpanSet()
    for h in hits:
        if h.kind != "Date":
            taken.add(h.start, h.end)
    extra = []
    segs = [(block.start, text[block.start:block.end]) for block in article.blocks]
    for surname, ref in unique.items():
        pattern = re.compile(rf"(?<![\w-]){re.escape(surname)}(?![\w-])")
        for offset, seg in segs:
            if surname not in seg:
                continue  # a substring test is far cheaper than the pattern
            for m in pattern.finditer(seg):
                s, e = offset + m.start(), offset + m.end()
                if taken.overlaps(s, e):
                    continue
                hon = lookups.honorific_before.search(text[max(0, s - 6):s])
                extra.append(Hit(s - len(hon.group(0)) if hon else s, e, "Person", ref, "person.surname"))
                taken.add(s, e)
    # honorifics in front of gazetteer surnames belong to the mention ("Mr. Gates")
    final = []
    for h in hits + extra:
        if h.kind == "Person":
            hon = lookups.honorific_before.search(text[max(0, h.start - 6):h.start])
            if hon:
                h = Hit(h.start - len(hon.group(0)), h.end, h.kind, h.ref, h.rule)
        final.append(h)
    mentions.hits = sorted(final, key=lambda h: (h.start, h.end))


def _capitals(article: Article, hits: list[Hit], rules: Ruleset) -> list[Hit]:
    """A capital is the city where a preposition of place precedes it, else its government."""
    text = article.text
    out = []
    for h in hits:
        name = text[h.start:h.end]
        if h.kind == "City" and name in rules.capitals:
            before = text[max(0, h.start - 25):h.start].split()
            prev = before[-1].lower() if before else ""
            after = text[h.end:h.end + 20]
            line_start = h.start == 0 or text[h.start - 1] in "\n"
            is_place = (prev in LOCATIVE or re.match(r"\s*(?:[—–-]|,\s+[A-Z])", after) and line_start
                        or re.match(r"\s+(?:summit|talks|meeting|conference|visit)\b", after))
            if not is_place:
                h = Hit(h.start, h.end, "Country", f"gaz:{rules.capitals[name]}", "place.capital-metonym")
        out.append(h)
    for block in article.blocks:
        m = re.match(r"\s*([A-Z]{3,}(?:[ -][A-Z]{3,})?)\s*(?:,[^—–\n]{0,30})?\s*[—–]", text[block.start:block.end])
        if m:
            name = m.group(1).title()
            gid = _lookups(rules).city_by_label.get(name)
            if gid:
                s = block.start + m.start(1)
                out.append(Hit(s, s + len(m.group(1)), "City", f"gaz:{gid}", "place.dateline"))
    return sorted(out, key=lambda h: (h.start, h.end))


@dataclass
class Tagged:
    """A sentence with each mention replaced by a placeholder such as <P3>."""

    sentence: Sentence
    text: str
    items: list[Hit]
    marks: list[tuple[int, int, int]]   # (tagged start, tagged end, original start)
    source: str
    _may_match: set[str] | None = field(default=None, repr=False)   # see matches
    # rule id -> its matches: the office rules are read by relations.offices and again by roles
    _found: dict[str, list[re.Match]] = field(default_factory=dict, repr=False, compare=False)

    def matches(self, rule: Rule, rules: Ruleset) -> list[re.Match]:
        """The rule's matches in the tagged text, which is not searched when it lacks the
        rule's clue (looked up once for all rules: Ruleset.rules_that_may_match)."""
        if rule.id not in self._rules_that_may_match(rules):
            return []
        found = self._found.get(rule.id)
        if found is None:
            found = self._found[rule.id] = list(rule.pattern.finditer(self.text))
        return found

    def rules_to_try(self, family: list[Rule], rules: Ruleset) -> list[Rule]:
        """The rules of `family` that may match the tagged text (see matches), in their order."""
        may_match = self._rules_that_may_match(rules)
        return [rule for rule in family if rule.id in may_match]

    def _rules_that_may_match(self, rules: Ruleset) -> set[str]:
        if self._may_match is None:
            self._may_match = rules.rules_that_may_match(self.text)
        return self._may_match

    def orig(self, pos: int) -> int:
        """Original offset of a position in the tagged text."""
        shift = self.sentence.start
        last = 0
        for ts, te, os_ in self.marks:
            if pos < ts:
                break
            if pos < te:
                return os_
            item_end = self.items[int(self.text[ts + 2:te - 1])].end
            shift = item_end - te
            last = te
        return pos + shift if last or self.marks else pos + self.sentence.start

    def span_text(self, start: int, end: int) -> str:
        s, e = self.orig(start), self.orig_end(end)
        return self.source[s:e]

    def orig_end(self, pos: int) -> int:
        for ts, te, _ in self.marks:
            if pos == te:
                return self.items[int(self.text[ts + 2:te - 1])].end
        return self.orig(pos)

    def hits_in(self, start: int, end: int) -> list[Hit]:
        return [self.items[int(m.group(1))] for m in _PLACEHOLDER.finditer(self.text[start:end])]

    def hit(self, placeholder: str) -> Hit:
        return self.items[int(placeholder[2:-1])]


def tag_sentence(article: Article, sentence: Sentence, hits: list[Hit], extra: list[Hit] = ()) -> Tagged:
    return tag_sentences(article, [sentence], hits, extra)[0]


def tag_sentences(article: Article, sentences: list[Sentence], hits: list[Hit],
                  extra: list[Hit] = ()) -> list[Tagged]:
    """The tagged view of each sentence; the hits are sorted once, not once per sentence."""
    # stable sorts: filtering the sorted list gives what sorting each sentence's hits gives
    ordered = sorted([*hits, *extra], key=lambda h: (h.start, -(h.end - h.start)))
    starts = [h.start for h in ordered]
    out = []
    for sentence in sentences:
        first = bisect.bisect_left(starts, sentence.start)
        last = bisect.bisect_right(starts, sentence.end)
        inside = [h for h in ordered[first:last] if h.end <= sentence.end]
        out.append(_tagged(article, sentence, inside))
    return out


def _tagged(article: Article, sentence: Sentence, inside: list[Hit]) -> Tagged:
    text = article.text
    items: list[Hit] = []
    out: list[str] = []
    marks = []
    pos = sentence.start
    length = 0
    for h in inside:
        if h.start < pos:
            continue  # nested in a longer mention (a country inside a site)
        chunk = text[pos:h.start]
        out.append(chunk)
        length += len(chunk)
        tag = f"<{KIND_CODES[h.kind]}{len(items)}>"
        marks.append((length, length + len(tag), h.start))
        out.append(tag)
        length += len(tag)
        items.append(h)
        pos = h.end
    out.append(text[pos:sentence.end])
    return Tagged(sentence, "".join(out), items, marks, text)
