"""Extractions of all articles -> one set of entities with canonical labels and stable ids.

    resolve(extractions, rules) -> Resolved

One real-world thing is one entity however many articles and spellings name it: gazetteer
entries by id; new people by surname and a fuzzy first name (rapidfuzz), and to a gazetteer
person when both agree; sites by kind and place; meetings when attendees, place, date and
name agree (the same talks told by two articles are one meeting).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from kg.model import Article, Extraction, Fact, PositionClaim, QuoteRecord
from kg.ruleset import Ruleset
from kg.text import fold, name_key, slugify

KIND_PREFIX = {
    "Person": "person", "Country": "country", "City": "city", "Place": "place", "Site": "site",
    "Organization": "organization", "DefenseSystem": "system", "Proposal": "proposal",
    "Meeting": "meeting",
}
FIRST_NAME_SIMILARITY = 75


@dataclass
class Entity:
    id: str                              # IRI path below https://w3id.org/newskg/id/
    kind: str
    label: str
    aliases: set[str] = field(default_factory=set)
    subtype: str | None = None
    props: dict[str, str] = field(default_factory=dict)


@dataclass
class Resolved:
    articles: list[Article]
    entities: dict[str, Entity]
    mentions: set[tuple[str, str]]                     # (article id, entity id)
    facts: list[Fact]
    positions: list[PositionClaim]
    quotes: list[tuple[str, QuoteRecord]]              # (article id, quote) with global speaker


def resolve(extractions: list[Extraction], rules: Ruleset) -> Resolved:
    extractions = sorted(extractions, key=lambda x: x.article.id)
    ids = _assign_ids(extractions, rules)
    entities: dict[str, Entity] = {}
    for x in extractions:
        for rec in x.entities:
            gid = ids.get(rec.ref)
            if gid is None or rec.kind == "Meeting":
                continue
            ent = entities.get(gid)
            if ent is None:
                ent = entities[gid] = Entity(gid, rec.kind, "", subtype=rec.subtype)
            ent.aliases.update(n for n in rec.names if n)
            if rec.subtype and not ent.subtype:
                ent.subtype = rec.subtype
            for k, v in rec.props:
                if k == "siteKind":
                    ent.props["siteKind"] = v
    _labels(entities, extractions, ids, rules)
    facts, positions, quotes, mentions = [], [], [], set()
    for x in extractions:
        aid = x.article.id
        for m in x.mentions:
            gid = ids.get(m.ref)
            if gid and gid in entities:
                mentions.add((aid, gid))
        for f in x.facts:
            s = ids.get(f.subject, f.subject)
            o = f.object if f.datatype else ids.get(f.object, f.object)
            for end in (s, o):
                if end in entities and entities[end].kind == "Proposal":
                    mentions.add((aid, end))  # proposals are read from statements, not names
            if s not in entities and not s.startswith("meeting:"):
                continue
            if not f.datatype and o not in entities:
                continue
            facts.append(Fact(s, f.predicate, o, f.evidence, f.datatype))
        for p in x.positions:
            person = ids.get(p.person)
            of = ids.get(p.of) if p.of else None
            if person in entities:
                positions.append(PositionClaim(person, p.title, of if of in entities else None, p.evidence, p.group))
        for q in x.quotes:
            speaker = ids.get(q.speaker)
            if speaker in entities:
                quotes.append((aid, QuoteRecord(speaker, q.text, q.start, q.end, q.evidence)))
    for ref, gid in ids.items():
        if ref.startswith("gaz:") and gid in entities:
            _gazetteer_props(entities[gid], rules.entries[ref[4:]], ids)
    _meetings(extractions, ids, entities, facts, mentions)
    for x in extractions:
        pub = x.article.publisher
        if pub and pub in rules.entries:
            entry = rules.entries[pub]
            gid = f"organization/{slugify(entry.label)}"
            ent = entities.setdefault(gid, Entity(gid, "Organization", entry.label,
                                                  set(entry.aliases), entry.subtype or "NewsMediaOrganization"))
            ent.props["gazetteer"] = pub
    facts = [f for f in facts if f.subject in entities and (f.datatype or f.object in entities)]
    return Resolved([x.article for x in extractions], entities, mentions, facts, positions, quotes)


def _gazetteer_props(ent: Entity, entry, ids) -> None:
    wikidata = entry.prop("wikidata")
    if wikidata:
        ent.props["wikidata"] = wikidata
    if entry.subtype and not ent.subtype:
        ent.subtype = entry.subtype


def _assign_ids(extractions: list[Extraction], rules: Ruleset) -> dict[str, str]:
    """Every record ref -> a global entity id; meetings are done later."""
    ids: dict[str, str] = {}
    gaz_people = [e for e in rules.entries.values() if e.kind == "Person"]
    by_surname: dict[str, list] = defaultdict(list)
    for e in gaz_people:
        for form in (e.label, *e.aliases):
            parts = form.split()
            if len(parts) >= 2:
                by_surname[fold(parts[-1])].append((fold(" ".join(parts[:-1])), e))
    label_of_gaz = {}
    for x in extractions:
        for rec in x.entities:
            if rec.ref.startswith("gaz:"):
                entry = rules.entries[rec.ref[4:]]
                label_of_gaz[rec.ref] = entry.label
    for ref, label in label_of_gaz.items():
        kind = rules.entries[ref[4:]].kind
        ids[ref] = f"{KIND_PREFIX[kind]}/{slugify(label)}"
    # new people: to a gazetteer person when surname and first name agree, else by surname
    new_people: dict[str, list[str]] = defaultdict(list)
    for x in extractions:
        for rec in x.entities:
            if rec.kind == "Person" and rec.ref.startswith("new:"):
                new_people[rec.ref.split(":", 2)[2]].append(rec.ref)
    full_names = sorted((n for n in new_people if len(n.split()) >= 2), key=lambda n: (-len(n), n))
    canonical: dict[str, str] = {}
    named_by_surname: dict[str, list[str]] = defaultdict(list)   # full names of canonical, by last word
    for name in full_names:
        parts = name.split()
        surname, first = fold(parts[-1]), fold(" ".join(parts[:-1]))
        match = [e for f, e in by_surname.get(surname, []) if fuzz.ratio(f, first) >= FIRST_NAME_SIMILARITY]
        if match:
            canonical[name] = f"person/{slugify(match[0].label)}"
        else:
            twin = next((c for c in named_by_surname.get(parts[-1], ()) if not canonical[c].startswith("person/_")
                         and fuzz.ratio(fold(" ".join(c.split()[:-1])), first) >= FIRST_NAME_SIMILARITY), None)
            canonical[name] = canonical[twin] if twin else f"person/{slugify(name)}"
        named_by_surname[parts[-1]].append(name)
    for name in new_people:
        if name in canonical:
            continue
        same = sorted({canonical[c] for c in named_by_surname.get(name, ())})
        canonical[name] = same[0] if len(same) == 1 else f"person/{slugify(name)}"
    for name, refs in new_people.items():
        for ref in refs:
            ids[ref] = canonical[name]
    gaz_orgs = {name_key(form): e for e in rules.entries.values() if e.kind == "Organization"
                for form in (e.label, *e.aliases)}
    for x in extractions:
        for rec in x.entities:
            if rec.ref in ids or rec.kind == "Meeting":
                continue
            if rec.kind == "Organization":
                entry = gaz_orgs.get(name_key(rec.label))
                ids[rec.ref] = (f"organization/{slugify(entry.label)}" if entry
                                else f"organization/{slugify(rec.label)}")
                if entry:
                    ids.setdefault(f"gaz:{entry.id}", ids[rec.ref])
            elif rec.kind == "Site":
                kind = rec.prop("siteKind")
                where = rec.prop("where")
                ids[rec.ref] = f"site/{slugify(kind)}--{ids.get(where, where).split('/')[-1]}"
            elif rec.kind == "Proposal":
                ids[rec.ref] = f"proposal/{slugify(rec.label)}"
            else:
                ids[rec.ref] = f"{KIND_PREFIX.get(rec.kind, 'thing')}/{slugify(rec.label)}"
    return ids


def _labels(entities: dict[str, Entity], extractions, ids, rules: Ruleset) -> None:
    gaz_label = {}
    for x in extractions:
        for rec in x.entities:
            if rec.ref.startswith("gaz:") and rec.ref in ids:
                gaz_label[ids[rec.ref]] = rules.entries[rec.ref[4:]].label
    counts: dict[str, Counter] = defaultdict(Counter)
    for x in extractions:
        for m in x.mentions:
            gid = ids.get(m.ref)
            if gid in entities:
                counts[gid][m.text] += 1
    for gid, ent in entities.items():
        if gid in gaz_label:
            ent.label = gaz_label[gid]
        elif ent.kind == "Site":
            ent.label = ""
        else:
            names = [n for n in ent.aliases if n] or [gid.split("/")[-1]]
            ent.label = sorted(names, key=lambda n: (-len(n.split()) if ent.kind == "Person" else 0,
                                                     -counts[gid][n], -len(n), n))[0]
            if ent.kind == "Person":
                ent.label = _strip_honorific(ent.label, rules)
    places: dict[str, Entity] = {}     # last part of the id -> the first place with it
    for ent in entities.values():
        if ent.kind in ("Country", "City", "Place"):
            places.setdefault(ent.id.split("/")[-1], ent)
    takes_the = {key: e.prop("article") == "the" for key, e in _first_entries(rules).items()}
    for gid, ent in entities.items():
        if ent.kind == "Site":
            where_id = "--".join(gid.split("/")[-1].split("--")[1:])
            where = places.get(where_id)
            where_label = where.label if where else where_id.replace("-", " ").title()
            article = "the " if where is not None and takes_the.get((where.kind, where.label)) else ""
            ent.label = f"{ent.props.get('siteKind', 'site')} in {article}{where_label}"
    for ent in entities.values():
        ent.aliases.discard(ent.label)


def _first_entries(rules: Ruleset) -> dict:
    """(kind, label) -> the first gazetteer entry of that kind and label."""
    first: dict = {}
    for e in rules.entries.values():
        first.setdefault((e.kind, e.label), e)
    return first


def _strip_honorific(name: str, rules: Ruleset) -> str:
    parts = name.split()
    while len(parts) > 1 and parts[0] in rules.honorifics:
        parts = parts[1:]
    return " ".join(parts)


def _meetings(extractions, ids, entities, facts, mentions) -> None:
    """Merge meetings across articles and give each one id."""
    drafts = []
    attendees_of: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        if f.predicate == "schema:attendee":
            attendees_of[f.subject].add(f.object)
    for x in extractions:
        for rec in x.entities:
            if rec.kind != "Meeting":
                continue
            attendees = attendees_of.get(rec.ref, set())
            location = rec.prop("location")
            drafts.append({
                "refs": [rec.ref], "articles": {x.article.id}, "kind": rec.prop("meetingKind"),
                "name": rec.prop("name"), "attendees": attendees,
                "location": ids.get(location) if location else None,
                "date": rec.prop("date"), "first": (x.article.id, int(rec.prop("first", "0"))),
            })
    clusters: list[dict] = []
    # A draft can only join a cluster of its name or, unnamed, one sharing two attendees or
    # an attendee and the place (_meeting_affinity is 0 otherwise). Clusters are looked up
    # by those keys: scanning them all made resolve quadratic in the meetings of a corpus.
    by_key: dict[tuple, set[int]] = defaultdict(set)

    def keys(m: dict):
        if m["name"]:
            yield ("name", m["name"])
            return
        people = sorted(m["attendees"])
        for i, a in enumerate(people):
            if m["location"]:
                yield ("at", a, m["location"])
            for b in people[i + 1:]:
                yield ("pair", a, b)

    def new_keys(m: dict, newcomers: set[str]):
        """The keys(m) that hold one of `newcomers` (m unnamed), in keys()'s form."""
        if m["name"]:
            return
        for a in sorted(newcomers):
            if m["location"]:
                yield ("at", a, m["location"])
            for b in m["attendees"]:
                if b != a and (b not in newcomers or a < b):
                    yield ("pair", a, b) if a < b else ("pair", b, a)

    for d in sorted(drafts, key=lambda d: (-(d["date"] is not None), -len(d["attendees"]), d["first"])):
        best, best_score = None, 0.0
        for i in sorted({i for key in keys(d) for i in by_key.get(key, ())}):
            score = _meeting_affinity(clusters[i], d)
            if score > best_score:
                best, best_score = clusters[i], score
        if best is None:
            best = dict(d, refs=list(d["refs"]), attendees=set(d["attendees"]), index=len(clusters))
            clusters.append(best)
            for key in keys(best):
                by_key[key].add(best["index"])
            continue
        newcomers = d["attendees"] - best["attendees"]
        located = best["location"] is None and d["location"] is not None
        best["refs"] += d["refs"]
        best["articles"] |= d["articles"]
        best["attendees"] |= d["attendees"]
        best["location"] = best["location"] or d["location"]
        if d["date"] and (not best["date"] or len(d["date"]) > len(best["date"])):
            best["date"] = d["date"]
        best["first"] = min(best["first"], d["first"])
        # index the keys the merge added: all of them once the cluster has a place, else the
        # newcomers' (re-adding every pair on each merge made large clusters quadratic)
        for key in keys(best) if located else new_keys(best, newcomers):
            by_key[key].add(best["index"])
    used: set[str] = set()
    next_number: dict[str, int] = {}
    ref_to_id = {}
    for c in sorted(clusters, key=lambda c: c["first"]):
        loc = entities.get(c["location"]) if c["location"] else None
        if c["name"]:
            label = c["name"]
        elif loc:
            label = f"{loc.label} {c['kind']}"
        else:
            people = sorted(entities[a].label.split()[-1] for a in c["attendees"] if a in entities)
            label = f"{c['kind']} of {' and '.join(people[:3])}" if people else c["kind"]
        if c["date"]:
            label = f"{label} ({c['date']})"
        base = f"meeting/{slugify(label)}"
        gid = base
        if gid in used:
            # the first free "-n" from 2 on; the numbers below the last one given to this base
            # are all taken, so the search starts there (from 2 each time was quadratic)
            n = next_number.get(base, 2)
            while (gid := f"{base}-{n}") in used:
                n += 1
            next_number[base] = n + 1
        used.add(gid)
        entities[gid] = Entity(gid, "Meeting", label, subtype=c["kind"],
                               props={"meetingKind": c["kind"]})
        for r in c["refs"]:
            ref_to_id[r] = gid
        for a in c["articles"]:
            mentions.add((a, gid))
    for i, f in enumerate(facts):
        if f.subject in ref_to_id:
            facts[i] = Fact(ref_to_id[f.subject], f.predicate, f.object, f.evidence, f.datatype)
    # one start date per meeting: the most precise one told
    best_date: dict[str, Fact] = {}
    for f in facts:
        if f.predicate == "schema:startDate":
            cur = best_date.get(f.subject)
            if cur is None or (len(f.object), f.object) > (len(cur.object), cur.object):
                best_date[f.subject] = f
    facts[:] = [f for f in facts if f.predicate != "schema:startDate" or f.object == best_date[f.subject].object]
    # one location per meeting: the most specific place told
    rank = {"City": 4, "Site": 3, "Place": 2, "Country": 1}
    best_loc: dict[str, str] = {}
    for f in facts:
        if f.predicate == "schema:location" and f.subject.startswith("meeting/") and f.object in entities:
            cur = best_loc.get(f.subject)
            if cur is None or rank.get(entities[f.object].kind, 0) > rank.get(entities[cur].kind, 0):
                best_loc[f.subject] = f.object
    facts[:] = [f for f in facts if not (f.predicate == "schema:location" and f.subject.startswith("meeting/"))
                or f.object == best_loc.get(f.subject)]


def _meeting_affinity(c: dict, d: dict) -> float:
    if c["articles"] & d["articles"]:
        return 0.0  # one article's meetings were already merged where they should be
    if (c["name"] or d["name"]):
        if c["name"] != d["name"]:
            return 0.0
        if c["date"] and d["date"] and not (c["date"].startswith(d["date"][:7]) or d["date"].startswith(c["date"][:7])):
            return 0.0
        return 2.0
    if c["date"] and d["date"] and not (c["date"].startswith(d["date"]) or d["date"].startswith(c["date"])
                                        or c["date"][:7] == d["date"][:7]):
        return 0.0
    if c["location"] and d["location"] and c["location"] != d["location"]:
        return 0.0
    shared = len(c["attendees"] & d["attendees"])
    same_place = bool(c["location"] and c["location"] == d["location"])
    if shared >= 2 or (shared >= 1 and same_place):
        return shared + (1.5 if same_place else 0) + (1 if c["date"] and d["date"] else 0)
    return 0.0
