"""Offices, affiliations, successions, stances, aims, proposals and sites: the rules of
offices.toml, stances.toml, proposals.toml and sites.toml applied to tagged sentences."""
from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.entities import Hit
from kg.model import PositionClaim
from kg.text import fold

_NEGATION_WINDOW = 30


def _ref_of_owner(ctx: Context, hit: Hit | None) -> str | None:
    """The country or organization an owner mention stands for ('Russian', 'Bush's')."""
    if hit is None:
        return None
    if hit.kind in ("Country", "Organization"):
        return hit.ref
    if hit.kind == "Adj":
        return hit.ref
    if hit.kind == "Person":
        return nationality(ctx, hit.ref)
    return None


def nationality(ctx: Context, person_ref: str) -> str | None:
    if person_ref.startswith("gaz:"):
        nat = ctx.rules.entries[person_ref[4:]].prop("nationality")
        return f"gaz:{nat}" if nat else None
    return None


def offices(ctx: Context) -> list[PositionClaim]:
    claims: list[PositionClaim] = []
    for t in ctx.tagged:
        for rule in t.rules_to_try(ctx.rules.rules["offices"], ctx.rules):
            for m in t.matches(rule, ctx.rules):
                if ctx.in_quote(t.sentence, t.orig(m.start())):
                    continue
                if rule.emits == "nkg:holdsPosition":
                    claims += _office(ctx, t, m, rule.id)
                elif rule.emits == "schema:affiliation":
                    person, org = t.hit(m.group("person")), t.hit(m.group("org"))
                    wanted = rule.option("org_class")
                    if wanted and _org_class(ctx, org) != wanted:
                        continue
                    ctx.fact(person.ref, "schema:affiliation", org.ref, t.sentence, rule.id)
                elif rule.emits == "nkg:successorOf":
                    nxt, prev = t.hit(m.group("next")), t.hit(m.group("prev"))
                    if nxt.ref != prev.ref:
                        ctx.fact(nxt.ref, "nkg:successorOf", prev.ref, t.sentence, rule.id)
    return claims


def _office(ctx: Context, t, m: re.Match, rule_id: str) -> list[PositionClaim]:
    title_hit = t.hit(m.group("title"))
    title, plural = title_hit.data
    if plural and rule_id != "office.title-before-name":
        return []  # "Solberg, NATO defence ministers will..." names no office of Solberg
    persons = [t.hit(m.group("person"))]
    if plural:
        # "Presidents Vladimir Putin and George W. Bush": the title covers the whole list
        rest = re.match(r"(?:\s*(?:,|and|,\s*and)\s*(<P\d+>))+", t.text[m.end():])
        if rest:
            persons += [t.hit(p) for p in re.findall(r"<P\d+>", rest.group(0))]
    owner = t.hit(m.group("owner")) if "owner" in m.re.groupindex and m.group("owner") else None
    org = t.hit(m.group("org")) if "org" in m.re.groupindex and m.group("org") else None
    claims = []
    for person in persons:
        of = None
        if org is not None:
            of = org.ref
        elif owner is not None and not (title.organizational and owner.kind in ("Adj", "Country")):
            of = _ref_of_owner(ctx, owner)
        if owner is not None and owner.kind in ("Adj", "Country") and title.organizational:
            ctx.fact(person.ref, "schema:nationality", owner.ref, t.sentence, rule_id)
        if of is None and not title.organizational:
            of = nationality(ctx, person.ref) or (f"gaz:{title.default_country}" if title.default_country else None)
        claims.append(PositionClaim(person.ref, title_hit.ref, of, ctx.evidence(t.sentence, rule_id), title.group))
        if of and of.startswith(("gaz:org/", "new:Organization:")) and title.organizational:
            ctx.fact(person.ref, "schema:affiliation", of, t.sentence, "affiliation.from-office")
    return claims


def _org_class(ctx: Context, org: Hit) -> str | None:
    if org.ref.startswith("gaz:"):
        return ctx.rules.entries[org.ref[4:]].subtype
    return org.data[0] if org.data else None


def _negated(text: str, trigger_start: int, rules) -> bool:
    window = text[max(0, trigger_start - _NEGATION_WINDOW):trigger_start].lower()
    negators, reversals = rules.cached("relations.negation", _negation_patterns)
    has_neg = negators is not None and negators.search(window) is not None
    has_rev = reversals is not None and reversals.search(window) is not None
    return has_neg != has_rev


def _negation_patterns(rules) -> tuple[re.Pattern | None, re.Pattern | None]:
    """A pattern of any negating word and one of any reversing word (None: there is none)."""
    def any_of(parts: list[str]) -> re.Pattern | None:
        return re.compile("|".join(parts)) if parts else None
    negators = [rf"\b{re.escape(n)}\b" if n[0].isalpha() else re.escape(n) for n in rules.words.get("NEGATORS", ())]
    reversals = [rf"\b{re.escape(r)}\b" for r in rules.words.get("REVERSALS", ()) if r != "soften"]
    return any_of(negators), any_of(reversals)


def _system_parents(ctx: Context, target: Hit) -> list[str]:
    if target.kind == "Site":
        system = ctx.main_system()
        return [system] if system else []
    return []


def stances(ctx: Context) -> None:
    system = ctx.main_system()
    for t in ctx.tagged:
        for rule in t.rules_to_try(ctx.rules.rules["stances"], ctx.rules):
            for m in t.matches(rule, ctx.rules):
                if ctx.in_quote(t.sentence, t.orig(m.start())):
                    continue
                if rule.emits == "nkg:aimedAt":
                    sys_text = m.group("system")
                    subject = t.hit(sys_text).ref if sys_text.startswith("<D") else system
                    if subject is None or _negated(t.text, m.start("countries"), ctx.rules):
                        continue
                    for c in re.findall(r"<C\d+>", m.group("countries")):
                        ctx.fact(subject, "nkg:aimedAt", t.hit(c).ref, t.sentence, rule.id)
                    continue
                actor = t.hit(m.group("actor"))
                if _negated(t.text, _trigger_start(t.text, m), ctx.rules):
                    continue
                targets = []
                tgt = m.group("target") if "target" in m.re.groupindex else None
                if tgt:
                    if tgt.startswith("<") and tgt.endswith(">") and len(tgt) < 8:
                        targets = [t.hit(tgt).ref]
                    elif PROPOSAL_NOUN.search(tgt) and not re.search(r"\b(?:US|U\.S\.|American)\b|<C", tgt):
                        # "the idea", "Estonia's offer": the last proposal the article told of
                        targets = _last_proposal(ctx, t.orig(m.start("target")))
                    else:
                        # "the plan", "those plans": what was last named, this sentence or the two before
                        targets = _previous_target(ctx, t, t.orig(m.start("target")), back=2,
                                                   kinds=("DefenseSystem", "Site", "Proposal")) or ([system] if system else [])
                    if tgt.startswith("<S"):
                        targets += _system_parents(ctx, t.hit(tgt))
                elif rule.option("default_target") == "sentence":
                    inside = [h for h in t.items if h.kind in ("DefenseSystem", "Site")]
                    targets = [inside[0].ref] if inside else []
                elif rule.option("default_target") == "previous":
                    targets = _previous_target(ctx, t, t.orig(m.start("actor")))
                    if targets and targets[0].startswith("site:"):
                        targets += [system] if system else []
                for who in _coordinated(t, m.start("actor"), actor):
                    for target in dict.fromkeys(x for x in targets if x):
                        if target != who.ref:
                            ctx.fact(who.ref, rule.emits, target, t.sentence, rule.id)


def _coordinated(t, actor_at: int, actor: Hit) -> list[Hit]:
    """The actor and those coordinated before it: 'the Social Democrats and the Communists'."""
    before = t.text[:actor_at]
    m = re.search(r"((?:<[PCO]\d+>\s*,\s*(?:the\s+)?)*<[PCO]\d+>)\s*,?\s+and\s+(?:the\s+)?$", before)
    if not m:
        return [actor]
    return [t.hit(p) for p in re.findall(r"<[PCO]\d+>", m.group(1))] + [actor]


PROPOSAL_NOUN = re.compile(r"\b(?:proposals?|idea|offer|initiative|suggestion)\b")


def _last_proposal(ctx: Context, before: int) -> list[str]:
    proposals = sorted((f.evidence.start, f.object) for f in ctx.facts
                       if f.predicate == "nkg:proposed" and f.evidence.start < before)
    return [proposals[-1][1]] if proposals else []


def _previous_target(ctx: Context, t, before: int, back: int = 1,
                     kinds: tuple[str, ...] = ("Site", "DefenseSystem")) -> list[str]:
    """The last facility, system (or proposal) named before `before`, in this sentence or the
    `back` sentences before it."""
    index = ctx.tagged.index(t)
    for k in range(0, back + 1):
        if index - k < 0:
            break
        tagged = ctx.tagged[index - k]
        found = [h for h in tagged.items if h.kind in kinds and h.end <= before
                 and not ctx.in_quote(tagged.sentence, h.start)]
        proposals = [f for f in ctx.facts if f.predicate == "nkg:proposed"
                     and tagged.sentence.start <= f.evidence.start < tagged.sentence.end] if "Proposal" in kinds else []
        if proposals:
            return [proposals[-1].object]
        if found:
            return [found[-1].ref]
    return []


def _trigger_start(text: str, m: re.Match) -> int:
    """Where the stance words begin: after the actor and the gap before the trigger."""
    end = m.start("target") if "target" in m.re.groupindex and m.group("target") else m.end()
    segment = text[m.end("actor"):end]
    words = re.search(r"\b(?:opposition|objections?|resistance|hostility|opposed|oppose|opposing|rejects?|rejected|"
                      r"rejecting|condemn|denounce|objects?|critical|wary|suspicious|in favou?r|supportive|backing|"
                      r"support|endorse|backs|backed|favou?r|welcome|agreed|agree|ready|willing)", segment)
    return m.end("actor") + (words.start() if words else 0)


def sites(ctx: Context) -> list[Hit]:
    """Site mentions ('a radar base in the Czech Republic'), before relation rules run."""
    found = []
    for t in ctx.tagged:
        for rule in t.rules_to_try(ctx.rules.rules["sites"], ctx.rules):
            for m in t.matches(rule, ctx.rules):
                head = m.group("head")
                kind = next((k for h, k in ctx.rules.site_heads.items() if fold(h) == fold(re.sub(r"\s+", " ", head))), None)
                where = t.hit(m.group("where"))
                if kind is None:
                    continue
                start = t.orig(m.start("head"))
                end = where.end
                country = _country_of(ctx, where)
                # one facility per kind and country: "the radar in Brdy" is the Czech radar
                ref = f"site:{kind}|{country}"
                found.append(Hit(start, end, "Site", ref, rule.id, (kind, country)))
                ctx.fact(ref, "schema:containedInPlace", country, t.sentence, rule.id)
    return found + _site_anaphors(ctx, found)


def _site_anaphors(ctx: Context, found: list[Hit]) -> list[Hit]:
    """'the radar', 'this interceptor base': the article's one facility of that kind."""
    by_kind: dict[str, set[str]] = {}
    for h in found:
        by_kind.setdefault(h.data[0], set()).add(h.ref)
    if not by_kind:
        return []
    heads = sorted(ctx.rules.site_heads, key=len, reverse=True)
    pattern = re.compile(r"\b(?:the|this|that)\s+(" + "|".join(re.escape(h) for h in heads) + r")\b(?!\s+(?:in|at|near)\b)",
                         re.IGNORECASE)
    text = ctx.article.text
    taken = [(h.start, h.end) for h in ctx.hits] + [(h.start, h.end) for h in found]
    out = []
    for block in ctx.article.blocks:
        for m in pattern.finditer(text, block.start, block.end):
            kind = ctx.rules.site_heads.get(m.group(1).lower()) or next(
                (k for h, k in ctx.rules.site_heads.items() if h.lower() == m.group(1).lower()), None)
            refs = by_kind.get(kind, set())
            if len(refs) != 1 or any(m.start() < e and s < m.end() for s, e in taken):
                continue
            (ref,) = refs
            country = ref.split("|", 1)[1]
            out.append(Hit(m.start(), m.end(), "Site", ref, "site.anaphor", (kind, country)))
    return out


def _country_of(ctx: Context, where: Hit) -> str:
    if where.kind == "Country":
        return where.ref
    if where.ref.startswith("gaz:"):
        country = ctx.rules.entries[where.ref[4:]].prop("country")
        if country:
            return f"gaz:{country}"
    return where.ref


def site_parts(ctx: Context) -> None:
    system = ctx.main_system()
    if not system:
        return
    seen = set()
    for t in ctx.tagged:
        for h in t.items:
            if h.kind == "Site" and h.ref not in seen:
                seen.add(h.ref)
                ctx.fact(h.ref, "nkg:partOf", system, t.sentence, "site.part-of-system")


def proposals(ctx: Context) -> None:
    rules = ctx.rules
    known = [e for e in rules.entries.values() if e.kind == "Proposal"]
    system = ctx.main_system()
    for t in ctx.tagged:
        for rule in t.rules_to_try(rules.rules["proposals"], rules):
            for m in t.matches(rule, ctx.rules):
                if ctx.in_quote(t.sentence, t.orig(m.start())):
                    continue
                proposer = t.hit(m.group("proposer"))
                what = t.span_text(m.start("what"), m.end("what"))
                phrase = _action_phrase(what, rules.participles)
                folded = fold(phrase)  # the proposal's own words, not the clauses around it
                entry = next((e for e in known if any(k in folded for k in e.prop("keywords", ()))), None)
                if entry is not None:
                    ref = f"gaz:{entry.id}"
                    location = entry.prop("location")
                    location = f"gaz:{location}" if location else None
                else:
                    if len(phrase.split()) < 3:
                        continue
                    if rule.option("known_or_passive") and not re.search(r"\bbe\s+\w+", what):
                        continue
                    if rule.option("known_only"):
                        continue
                    ref = f"new:Proposal:{phrase}"
                    places = [h for h in t.hits_in(m.start("what"), m.end("what"))
                              if h.kind in ("Country", "City", "Place")]
                    location = places[0].ref if places else None
                    where = ctx.article.text[places[0].start:places[0].end] if places else None
                    if location is None and proposer.kind == "Country" and re.match(r"host\b", phrase):
                        # "Lithuania has offered to host a second radar": on its own territory
                        location = proposer.ref
                        where = ctx.rules.entries[proposer.ref[4:]].label if proposer.ref.startswith("gaz:") else None
                    ctx.extra_entities[ref] = ("Proposal", phrase, tuple(proposal_aliases(phrase, where)))
                ctx.fact(proposer.ref, "nkg:proposed", ref, t.sentence, rule.id)
                if location:
                    ctx.fact(ref, "schema:location", location, t.sentence, rule.id)
                concerns = (entry.prop("concerns") if entry else None)
                concerns = f"gaz:{concerns}" if concerns else system
                if concerns:
                    ctx.fact(ref, "nkg:concerns", concerns, t.sentence, rule.id)


def _action_phrase(what: str, participles: dict[str, str]) -> str:
    """'the proposals to be frozen' -> 'freeze the proposals'; articles and 'located' dropped."""
    what = re.sub(r"\s+", " ", what).strip(" ,")
    m = re.match(r"(?:that\s+)?(?P<obj>.+?)\s+(?:to\s+)?(?:should\s+|must\s+)?be\s+(?P<verb>\w+)(?P<rest>.*)$", what)
    if m:
        verb = m.group("verb").lower()
        base = participles.get(verb) or (verb[:-2] if verb.endswith("ed") else verb)
        what = f"{base} {m.group('obj')}{m.group('rest')}"
    what = re.sub(r",?\s+(?:that|which|who|whereby|where|so that|until|unless|while)\s.*$", "", what)  # the thing, not what it would do
    what = re.sub(r"^(?:setting up|creating|establishing|building|opening)\s+", "", what)
    what = re.sub(r"^(?:a|an|the|to)\s+", "", what)
    what = re.sub(r"\blocated\s+in\b", "in", what)
    what = re.sub(r"\s*,\s*", " ", what)
    return what.strip()


def proposal_aliases(phrase: str, where: str | None) -> list[str]:
    """Names of a proposal as a noun phrase: 'host a second radar for the US shield' is also
    'second radar' and 'second radar in Lithuania'."""
    core = re.sub(r"^(?:host|deploy|set up|create|build|establish|station|place|use|revive|reviving|"
                  r"extend|open|hold|introduce|give|grant|sign)\s+", "", phrase)
    core = re.sub(r"^(?:a|an|the)\s+", "", core)
    short = re.split(r"\s+(?:for|to|with|on the part of|against|that|which|by|until|from)\s+", core)[0]
    names = [n for n in dict.fromkeys([core, short]) if n != phrase and len(n.split()) >= 1]
    if where and f" in {where}" not in short and where not in short:
        names.append(f"{short} in {where}")
    return names
