"""What every relation module reads: the article, its mentions, sentences and tagged views."""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.extract.dates import DateMention
from kg.extract.entities import Hit, Mentions, Tagged
from kg.extract.sentences import Sentence, Unit
from kg.model import Article, Evidence, Fact
from kg.ruleset import Ruleset


@dataclass
class Context:
    article: Article
    rules: Ruleset
    mentions: Mentions
    units: list[Unit]
    sentences: list[Sentence]
    tagged: list[Tagged]
    dates: dict[int, list[DateMention]]          # sentence index -> date mentions
    facts: list[Fact] = field(default_factory=list)
    extra_entities: dict[str, tuple[str, str, tuple]] = field(default_factory=dict)
    # what one stage derives and another reads again (kg.extract.roles), with what it was read from
    memo: dict[str, tuple[object, object]] = field(default_factory=dict, repr=False)

    @property
    def hits(self) -> list[Hit]:
        return self.mentions.hits

    def evidence(self, sentence: Sentence, rule: str) -> Evidence:
        return Evidence(self.article.id, sentence.start, sentence.end,
                        self.article.text[sentence.start:sentence.end], rule)

    def in_quote(self, sentence: Sentence, start: int, end: int | None = None) -> bool:
        end = start if end is None else end
        return any(q.start <= start and end <= q.end for q in self.units[sentence.unit].quotes)

    def fact(self, subject: str, predicate: str, obj: str, sentence: Sentence, rule: str,
             datatype: str | None = None) -> None:
        self.facts.append(Fact(subject, predicate, obj, self.evidence(sentence, rule), datatype))

    def main_system(self) -> str | None:
        """The defense system the article mentions most, for anaphors like 'those plans'."""
        counts: dict[str, int] = {}
        for h in self.hits:
            if h.kind == "DefenseSystem":
                counts[h.ref] = counts.get(h.ref, 0) + 1
        return max(sorted(counts), key=counts.get) if counts else None
