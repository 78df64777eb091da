"""Quotations and who said them (quotes.toml).

A quotation is attributed by the first rule that applies: a speech verb and a person right
after it ('"...," Rice said' / '"...," said Lukyanov' / '"...," he added'); a person and a speech
verb before it in the sentence ('Putin said: "..."'); a pull quote whose speaker's title and
name stand on the lines after the quoted block; another quotation of the same paragraph whose
speaker is known. Pronouns resolve to the last person named before them whose gender agrees.
"""
from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.entities import Hit
from kg.model import Evidence, QuoteRecord
from kg.model import Span

MIN_QUOTE_WORDS = 1
# a speaker named by role and age instead of name: "the 56-year-old general told reporters"
NOMINAL = (r"(?:the|The)\s+(?:\d+-year-old\s+)?(?:[a-z]+\s+)?(?:minister|general|president|spokesman|spokeswoman|"
           r"official|envoy|ambassador|analyst|diplomat|leader|chancellor|secretary|premier|admiral)")


def _speech_re(ctx: Context) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(ctx.rules.words["SPEECH"], key=len, reverse=True)) + ")"


def quotes(ctx: Context) -> list[QuoteRecord]:
    text = ctx.article.text
    speech = _speech_re(ctx)
    persons = [h for h in ctx.hits if h.kind == "Person"]
    out: list[QuoteRecord] = []
    for unit in ctx.units:
        attributed: list[tuple[Span, str | None, str]] = []
        for q in unit.quotes:
            quoted = text[q.start:q.end]
            if not quoted.strip() or len(quoted.split()) < MIN_QUOTE_WORDS:
                continue
            speaker, rule = _after(ctx, unit, q, persons, speech)
            if speaker is None:
                speaker, rule = _before(ctx, unit, q, persons, speech)
            attributed.append((q, speaker, rule))
        known = [(q, s) for q, s, _ in attributed if s]
        for q, speaker, rule in attributed:
            if speaker is None and known and len({s for _, s in known}) == 1 and _is_full_quote(text, q):
                speaker, rule = known[0][1], "quote.same-paragraph"
            if speaker is None:
                continue
            sentence_span = _sentence_around(ctx, q)
            out.append(QuoteRecord(speaker, text[q.start:q.end].strip(), q.start, q.end,
                                   Evidence(ctx.article.id, sentence_span.start, sentence_span.end,
                                            text[sentence_span.start:sentence_span.end], rule)))
    out += _pull_quotes(ctx, persons)
    return out


def _is_full_quote(text: str, q: Span) -> bool:
    """A quotation that opens a sentence, not a scare-quoted phrase inside one."""
    before = text[max(0, q.start - 3):q.start - 1].strip()
    return before in ("", ".", ":", ",") or before.endswith((".", ":"))


def _sentence_around(ctx: Context, q: Span) -> Span:
    covering = [s for s in ctx.sentences if s.start < q.end and q.start - 1 <= s.end]
    if not covering:
        return Span(q.start - 1, q.end + 1)
    return Span(min(s.start for s in covering), max(s.end for s in covering))


def _person_at(persons: list[Hit], start: int, end: int) -> Hit | None:
    for h in persons:
        if start <= h.start < end:
            return h
    return None


def _pronoun_speaker(ctx: Context, pronoun: str, before: int, persons: list[Hit]) -> str | None:
    """'he said': the subject of the nearest sentence before that names a person of that gender,
    that is its first person outside quotation marks ("Medvedev said Bush and Putin...")."""
    gender = ctx.rules.pronouns.get(pronoun)  # None for a nominal ("the minister"): any gender
    for sentence in reversed([s for s in ctx.sentences if s.start < before]):
        inside = [p for p in persons if sentence.start <= p.start < min(sentence.end, before)
                  and not _in_any_quote(ctx, p.start)]
        if not inside:
            continue
        first = inside[0]
        g = ctx.mentions.gender.get(first.ref)
        if g is None and not first.ref.startswith("gaz:"):
            name = first.ref.split(":", 2)[2]
            g = ctx.rules.gender_of_first_name(name.split()[0]) if len(name.split()) > 1 else None
        if gender is None or g == gender or g is None:
            return first.ref
        break
    for h in reversed([p for p in persons if p.end <= before]):
        g = ctx.mentions.gender.get(h.ref)
        if g is None and not h.ref.startswith("gaz:"):
            name = h.ref.split(":", 2)[2]
            g = ctx.rules.gender_of_first_name(name.split()[0]) if len(name.split()) > 1 else None
        if g == gender or g is None:
            if _in_any_quote(ctx, h.start):
                continue
            return h.ref
    return None


def _in_any_quote(ctx: Context, pos: int) -> bool:
    return any(q.start <= pos < q.end for u in ctx.units for q in u.quotes)


def _after(ctx: Context, unit, q: Span, persons: list[Hit], speech: str):
    text = ctx.article.text
    tail_end = min(unit.end, q.end + 160)
    tail = text[q.end + 1:tail_end]
    # '"...," Rice said' / '"...," Ms. Rice told reporters' / '"...," Charles Kupchan, professor ..., told'
    m = re.match(r"[,.!?]?\s*", tail)
    pos = q.end + 1 + m.end()
    person = _person_at(persons, pos, pos + 60)
    if person is not None and person.start <= pos + 40:
        lead = text[pos:person.start]
        if re.fullmatch(r"(?:[A-Z][\w.’'-]*\s+|[a-z]+\s+){0,5}", lead) or lead == "":
            rest = text[person.end:tail_end]
            if re.match(rf"(?:’s|'s)?(?:,[^\"“”]{{0,120}}?,)?\s+(?:\w+ly\s+)?{speech}\b", rest) or \
               re.match(rf"(?:,[^\"“”]{{0,120}}?)?\s+{speech}\b", rest):
                return person.ref, "quote.speaker-after"
    m = re.match(rf"[,.!?]?\s*{speech}\s+", tail)
    if m:
        pos2 = q.end + 1 + m.end()
        person = _person_at(persons, pos2, pos2 + 40)
        if person is not None and re.fullmatch(r"(?:[A-Z][\w.’'-]*\s+|[a-z]+\s+){0,4}", text[pos2:person.start]):
            return person.ref, "quote.said-speaker-after"
    m = re.match(rf"[,.!?]?\s*(he|she|He|She)\s+(?:\w+\s+)?{speech}\b", tail)
    if m:
        ref = _pronoun_speaker(ctx, m.group(1), q.start, persons)
        if ref:
            return ref, "quote.pronoun-after"
    m = re.match(rf"[,.!?]?\s*{NOMINAL}\s+(?:\w+\s+)?{speech}\b", tail)
    if m:
        ref = _pronoun_speaker(ctx, "", q.start, persons)
        if ref:
            return ref, "quote.nominal-after"
    return None, ""


def _before(ctx: Context, unit, q: Span, persons: list[Hit], speech: str):
    text = ctx.article.text
    sentence = next((s for s in ctx.sentences if s.start <= q.start - 1 < s.end), None)
    if sentence is None:
        return None, ""
    if not text[unit.start:q.start - 1].strip():
        # the quotation opens its paragraph: 'He told the deputies:' may end the one before
        previous = [u for u in ctx.units if u.end <= unit.start]
        if previous and text[previous[-1].start:previous[-1].end].rstrip().endswith(":"):
            last = [s for s in ctx.sentences if previous[-1].start <= s.start < previous[-1].end]
            if last:
                return _clause_speaker(ctx, last[-1].start, last[-1].end, persons, speech, "quote.colon-paragraph")
        return None, ""
    return _clause_speaker(ctx, sentence.start, q.start - 1, persons, speech, "quote.speaker-before")


def _clause_speaker(ctx: Context, start: int, end: int, persons: list[Hit], speech: str, rule: str):
    """The subject of the last speech verb in text[start:end], outside quotation marks."""
    text = ctx.article.text
    head = text[start:end]
    if any(c in head for c in "\"“”"):
        head = re.split(r"[\"“”]", head)[-1]
    head_start = end - len(head)
    m = None
    for m in re.finditer(rf"\b{speech}\b", head):
        pass
    if m is None:
        return None, ""
    verb_at = head_start + m.start()
    before_verb = text[head_start:verb_at]
    if m.group(0).lower().startswith("according"):
        # 'According to Bogdan Klich, the Polish defense minister, the government has "..."'
        after = [p for p in persons if verb_at < p.start <= verb_at + 40]
        if after:
            return after[0].ref, "quote.according-to"
        return None, ""
    cands = [p for p in persons if head_start <= p.start and p.end <= verb_at]
    if cands:
        # the subject: the first person of the clause, or the one right before the verb
        first = cands[0]
        between = text[first.end:verb_at]
        if re.fullmatch(r"(?:’s|'s)?\s*(?:,[^,]{0,100},)?\s*(?:\w+\s+){0,3}", between):
            return first.ref, rule
        last = cands[-1]
        if re.fullmatch(r"\s*(?:\w+\s+){0,2}", text[last.end:verb_at]):
            return last.ref, rule
    pron = re.search(r"\b(He|She|he|she)\s+(?:\w+\s+){0,2}$", before_verb)
    if pron:
        ref = _pronoun_speaker(ctx, pron.group(1), head_start + pron.start(), persons)
        if ref:
            return ref, rule.replace("speaker", "pronoun") if "speaker" in rule else rule
    nominal = re.search(rf"\b{NOMINAL}\s+(?:\w+\s+){{0,2}}$", before_verb)
    if nominal:
        ref = _pronoun_speaker(ctx, "", head_start + nominal.start(), persons)
        if ref:
            return ref, rule
    return None, ""


def _pull_quotes(ctx: Context, persons: list[Hit]) -> list[QuoteRecord]:
    """An unquoted block followed by 'Title,' and 'Name' lines: a pull quote."""
    text = ctx.article.text
    blocks = list(ctx.article.blocks)
    out = []
    for i in range(len(blocks) - 2):
        body, title_line, name_line = blocks[i], blocks[i + 1], blocks[i + 2]
        if not text[title_line.start:title_line.end].rstrip().endswith(","):
            continue
        person = next((p for p in persons if p.start >= name_line.start and p.end <= name_line.end), None)
        if person is None or len(text[name_line.start:name_line.end].split()) > 4:
            continue
        quoted = text[body.start:body.end]
        if any(c in quoted for c in "\"“”") or len(quoted.split()) < 8:
            continue
        out.append(QuoteRecord(person.ref, quoted.strip(), body.start, body.end,
                               Evidence(ctx.article.id, body.start, name_line.end,
                                        text[body.start:name_line.end], "quote.pull-quote")))
    return out
