"""Article -> Extraction: mentions, facts with evidence, offices and quotes of one article.

    extract(article, rules) -> Extraction

Pure: the same article and rules give the same extraction, whatever else is running.
"""
from __future__ import annotations

from kg.extract import meetings as meetings_mod
from kg.extract import quotes as quotes_mod
from kg.extract import relations
from kg.extract import roles
from kg.extract.context import Context
from kg.extract.dates import find_dates
from kg.extract.entities import Hit, find_mentions, tag_sentences
from kg.extract.sentences import sentences_of, units_of
from kg.model import Article, EntityRecord, Extraction, Mention
from kg.ruleset import Ruleset

__all__ = ["extract", "build_context"]


def build_context(article: Article, rules: Ruleset) -> tuple[Context, list[Hit]]:
    """What the relation rules read: sentences, mentions, dates and the tagged sentences."""
    units = units_of(article)
    sentences = sentences_of(article, units)
    mentions = find_mentions(article, rules)
    dates = {i: find_dates(article.text, s.start, s.end, article.date, rules) for i, s in enumerate(sentences)}
    date_hits = [Hit(d.start, d.end, "Date", d.value or "", d.rule, (d.value, d.datatype))
                 for ds in dates.values() for d in ds]
    ctx = Context(article, rules, mentions, units, sentences, [], dates)
    ctx.tagged = tag_sentences(article, sentences, mentions.hits, date_hits)
    return ctx, date_hits


def extract(article: Article, rules: Ruleset) -> Extraction:
    ctx, date_hits = build_context(article, rules)
    mentions, sentences = ctx.mentions, ctx.sentences
    site_hits = relations.sites(ctx)
    if site_hits:
        mentions.hits = sorted([*mentions.hits, *site_hits], key=lambda h: (h.start, h.end))
        ctx.tagged = tag_sentences(article, sentences, mentions.hits, date_hits)
    positions = relations.offices(ctx)
    positions += roles.role_descriptions(ctx)
    role_hits = roles.role_mentions(ctx)  # "the Russian president": a mention of the holder
    if role_hits:
        # later rules (meetings, stances, quotes, pronouns) see the holder in those sentences
        taken = [(h.start, h.end) for h in mentions.hits if h.kind == "Person"]
        extra = [h for h in role_hits if not any(h.start < e and s < h.end for s, e in taken)]
        mentions.hits = sorted([*[h for h in mentions.hits if not any(
            h.kind == "Title" and r.start <= h.start < r.end for r in extra)], *extra], key=lambda h: (h.start, h.end))
        ctx.tagged = tag_sentences(article, sentences, mentions.hits, date_hits)
    relations.proposals(ctx)
    relations.stances(ctx)
    relations.site_parts(ctx)
    officials = {c.person for c in positions
                 if any(t.role == c.title and t.government for t in rules.titles.values())}
    drafts = meetings_mod.meetings(ctx, officials)
    quotes = quotes_mod.quotes(ctx)

    records: dict[str, EntityRecord] = {}
    names: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    subtypes: dict[str, str | None] = {}
    props: dict[str, tuple] = {}
    out_mentions = []
    for h in mentions.hits:
        if h.kind in ("Title", "Date"):
            continue
        kind = "Country" if h.kind == "Adj" else h.kind
        kinds.setdefault(h.ref, kind)
        surface = article.text[h.start:h.end]
        # a role ("the Russian president") is a mention of its holder, never one of his names
        if h.rule.startswith("role."):
            names.setdefault(h.ref, [])
        elif h.kind != "Adj" and h.rule != "place.capital-metonym" or (h.kind == "Country" and h.rule == "place.capital-metonym"):
            names.setdefault(h.ref, [])
            if surface not in names[h.ref]:
                names[h.ref].append(surface)
        else:
            names.setdefault(h.ref, [])
        if h.kind == "Site":
            props[h.ref] = (("siteKind", h.data[0]), ("where", h.data[1]))
        if h.kind == "Organization" and h.data:
            subtypes[h.ref] = h.data[0]
        out_mentions.append(Mention(h.ref, h.start, h.end, surface, h.rule))
    in_hits = set(mentions.hits)
    for h in role_hits:
        if h not in in_hits:
            kinds.setdefault(h.ref, "Person")
            names.setdefault(h.ref, [])
            out_mentions.append(Mention(h.ref, h.start, h.end, article.text[h.start:h.end], h.rule))
    for ref, (kind, label, aliases) in ctx.extra_entities.items():
        kinds.setdefault(ref, kind)
        names.setdefault(ref, [label])
        names[ref] += [a for a in aliases if a not in names[ref]]
    for ref, kind in kinds.items():
        label = names[ref][0] if names[ref] else ""
        records[ref] = EntityRecord(ref, kind, label, tuple(names[ref]), subtypes.get(ref), props.get(ref, ()))
    facts = list(ctx.facts)
    for f in facts:
        for ref in (f.subject, f.object if not f.datatype else None):
            if ref and ref.startswith("gaz:") and ref not in records:
                entry = rules.entries[ref[4:]]
                records[ref] = EntityRecord(ref, entry.kind, entry.label,
                                            entry.aliases if entry.kind == "Proposal" else ())
    for n, d in enumerate(drafts):
        ref = f"meeting:{article.id}:{n}"
        best = meetings_mod._best_place(d)
        date = d.date()
        mprops = [("meetingKind", d.kind), ("first", str(d.first))]
        if d.name:
            mprops += [("name", d.name), ("organizer", d.name_ref or ""), ("named_rule", d.rule or "")]
        if best:
            mprops.append(("location", best))
        if date:
            mprops += [("date", date[0]), ("datatype", date[1])]
        records[ref] = EntityRecord(ref, "Meeting", d.name or d.kind, (), d.kind, tuple(mprops))
        for person, ev in sorted(d.attendees.items()):
            facts.append(_fact(ref, "schema:attendee", person, ev))
        for where, (_, ev, _, _) in sorted(d.locations.items()):
            if where == best:
                facts.append(_fact(ref, "schema:location", where, ev))
        if date:
            facts.append(_fact(ref, "schema:startDate", date[0], d.dates[date], date[1]))
    return Extraction(article, tuple(records.values()), tuple(out_mentions), tuple(facts),
                      tuple(positions), tuple(quotes))


def _fact(s, p, o, ev, datatype=None):
    from kg.model import Fact
    return Fact(s, p, o, ev, datatype)
