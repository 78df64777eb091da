"""Read kg/rules/, check every file against its schema, compile patterns and gazetteers once.

    load_ruleset(rules_dir=None) -> Ruleset      (cached per folder and file contents)

A malformed file stops the build before any article is read, with one line naming the
file, the rule and the problem (RuleFileError).
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import re
import tomllib
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from kg.errors import RuleFileError
from kg.text import fold

try:  # the parser internal to `re`, which clue_of reads; without it rules have no clue
    from re import _constants as _re_consts, _parser as _re_parser
except ImportError:  # pragma: no cover
    _re_parser = None

RULES_DIR = Path(__file__).parent / "rules"

KNOWN_EMITS = {
    "nkg:holdsPosition", "schema:affiliation", "nkg:successorOf", "nkg:opposes",
    "nkg:supports", "nkg:aimedAt", "nkg:proposed", "schema:containedInPlace",
    "schema:attendee", "schema:location", "rdfs:label", "schema:startDate",
}
RULE_KEYS = {"id", "emits", "pattern", "why", "examples", "counter_examples",
             "default_target", "action", "min_count", "known_or_passive", "org_class", "known_only"}
CLUTTER_ACTIONS = {"drop", "drop-head", "end", "strip-tail"}

# Placeholder codes of the entity-tagged sentence (see kg/rules/README.md).
KIND_CODES = {
    "Person": "P", "Country": "C", "Adj": "A", "Organization": "O", "City": "Y",
    "Place": "L", "Site": "S", "DefenseSystem": "D", "Title": "T", "Date": "W",
}
_ANAPHOR = (r"(?:\b(?:the|those|these|its|their|this|that|his|her|such|US|U\.S\.|American|<[CA]\d+>(?:'s|’s)?)\s+"
            r"(?:[a-z-]+\s+){0,2}?(?:plans?|project|proposals?|system|shield|deployment|idea|offer|initiative|suggestion)\b)")
MACROS = {
    "PERSON": r"<P\d+>", "COUNTRY": r"<C\d+>", "ADJ": r"<A\d+>", "ORG": r"<O\d+>",
    "CITY": r"<Y\d+>", "PLACE": r"<L\d+>", "SITE": r"<S\d+>", "SYSTEM": r"<D\d+>",
    "TITLE": r"<T\d+>", "DATE": r"<W\d+>",
    "ACTOR": r"<[PCO]\d+>", "WHERE": r"<[YLCS]\d+>",
    "TARGET": rf"(?:<[DS]\d+>|{_ANAPHOR})", "SYSTEMREF": rf"(?:<D\d+>|{_ANAPHOR})",
    "POSS": r"(?:'s|’s|'|’)",
    "NEAR": r"(?:[^<;:]|<[^PCO>][^>]*>){0,70}?",
    "FAR": r"(?:[^;:]){0,100}?",
}
_MACRO = re.compile(r"\{([A-Z_]+)(?::([A-Z_]+))?\}")


@dataclass(frozen=True)
class Rule:
    id: str
    emits: str
    pattern: re.Pattern
    source: str                       # the pattern as written, macros unexpanded
    file: str
    why: str = ""
    examples: tuple = ()
    counter_examples: tuple = ()
    options: tuple[tuple[str, object], ...] = ()
    clue: Clue | None = field(default=None, repr=False, compare=False)   # see clue_of

    def option(self, key: str, default=None):
        return dict(self.options).get(key, default)


@dataclass(frozen=True)
class Clue:
    """Words one of which is in every text a pattern matches in (see clue_of).

    Most rules need a word that few texts hold: "such as", the "<T" of an office title, one
    of "opposed to|opposes|rejects|...". Looking for it costs a fraction of trying the
    pattern at every position of the text, and a text without it is not searched.
    """

    words: frozenset[str]        # in lower case when ignore_case
    ignore_case: bool = False
    any_word: re.Pattern | None = field(default=None, init=False, repr=False, compare=False)
    automaton: object = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        if len(self.words) > 1:
            # one pass for several words beats one `in` per word; Aho-Corasick beats a regex
            # alternation, which tries every word at every offset. The regex tells where the
            # first word starts (first_at).
            alternation = "|".join(map(re.escape, sorted(self.words, key=lambda w: (-len(w), w))))
            object.__setattr__(self, "any_word", re.compile(alternation))
            automaton = ahocorasick.Automaton()
            for word in sorted(self.words):
                automaton.add_word(word, word)
            automaton.make_automaton()
            object.__setattr__(self, "automaton", automaton)

    def in_text(self, text: str) -> bool:
        """False when `text` holds none of the words, so that the pattern cannot match it."""
        if self.ignore_case:
            if not text.isascii():
                return True  # the regex engine folds more than str.lower() (ſ is s): it decides
            text = text.lower()
        if self.automaton is None:
            return next(iter(self.words)) in text
        return next(self.automaton.iter(text), None) is not None

    def first_at(self, text: str) -> int:
        """Where the first of the words starts in `text`: -1 when none is there, 0 when
        that cannot be told (case folded beyond ASCII)."""
        if self.ignore_case:
            if not text.isascii():
                return 0
            text = text.lower()
        if self.any_word is None:
            return text.find(next(iter(self.words)))
        m = self.any_word.search(text)
        return m.start() if m else -1


@dataclass(frozen=True)
class GazEntry:
    id: str
    kind: str                         # Person, Country, City, Place, Organization, DefenseSystem, Proposal
    label: str
    aliases: tuple[str, ...] = ()
    subtype: str | None = None        # schema class for places and organizations
    props: tuple[tuple[str, object], ...] = ()

    def prop(self, key: str, default=None):
        return dict(self.props).get(key, default)


@dataclass(frozen=True)
class Title:
    role: str
    names: tuple[str, ...]
    group: str | None = None
    default_country: str | None = None
    organizational: bool = False
    qualifier: bool = False
    government: bool = False


@dataclass
class Ruleset:
    """Everything the extraction stage needs, compiled. Built once per process."""

    digest: str
    clutter: list[Rule]
    titles: dict[str, Title]          # folded title name -> Title
    title_pattern: re.Pattern
    honorifics: frozenset[str]
    particles: frozenset[str]
    not_names: frozenset[str]
    pronouns: dict[str, str]          # pronoun -> gender
    words: dict[str, tuple[str, ...]]
    rules: dict[str, list[Rule]]      # family file stem -> rules
    participles: dict[str, str]
    day_words: dict[str, int]
    month_words: dict[str, int]
    meeting_triggers: dict[str, str]
    site_heads: dict[str, str]        # head phrase -> site kind
    entries: dict[str, GazEntry]
    automaton: object                 # case-sensitive surface forms
    folded_automaton: object          # lower-cased surface forms of fold_case entries
    system_patterns: list[tuple[re.Pattern, str]]
    demonyms: dict[str, str]          # demonym -> country id
    capitals: dict[str, str]          # capital city name -> country id
    publishers: list[tuple[str, str, re.Pattern]]  # (id, name, signature)
    first_names: object = field(default=None, repr=False)
    # lookups the stages derive from the rules, built on first use (see `cached`)
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def cached(self, key: str, build):
        """`build(self)`, computed once per ruleset and kept.

        The stages derive lookups and patterns from the rules (the office table, one
        pattern of all honorifics...); building them per article would cost more than the
        work they do. Values must pickle, as rulesets are sent to worker processes."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = build(self)
            return value

    def rules_that_may_match(self, text: str) -> set[str]:
        """Ids of the relation rules (self.rules) that may match `text`: the others lack every
        word of their clue. The clues of all rules are looked for in one pass (ClueIndex)."""
        return self.cached("relation clues", _relation_clues).may_match(text)

    def is_first_name(self, word: str) -> bool:
        return self._first_name_gender(word) != "unknown"

    def gender_of_first_name(self, word: str) -> str | None:
        g = self._first_name_gender(word)
        if g in ("male", "mostly_male"):
            return "male"
        if g in ("female", "mostly_female"):
            return "female"
        return None

    def _first_name_gender(self, word: str) -> str:
        if self.first_names is None:
            self.first_names = _first_name_detector()
        return self.first_names.get_gender(word)


def _relation_clues(rules: Ruleset) -> ClueIndex:
    return ClueIndex({rule.id: rule.clue for family in rules.rules.values() for rule in family})


class ClueIndex:
    """The clues of several patterns, looked for in one pass over a text (Aho-Corasick)
    instead of one search per pattern: which of the patterns may match the text."""

    def __init__(self, clues: dict[Hashable, Clue | None]):
        self._unclued = frozenset(key for key, clue in clues.items() if clue is None)
        self._folded_keys = frozenset(key for key, clue in clues.items() if clue is not None and clue.ignore_case)
        self._automaton = self._words_automaton({k: c for k, c in clues.items() if c and not c.ignore_case})
        # case-insensitive clues: their (lower-case) words looked for in the lowered text
        self._folded_automaton = self._words_automaton({k: c for k, c in clues.items() if c and c.ignore_case})

    @staticmethod
    def _words_automaton(clues: dict[Hashable, Clue]):
        by_word: dict[str, list] = {}
        for key, clue in clues.items():
            for word in clue.words:
                by_word.setdefault(word, []).append(key)
        if not by_word:
            return None
        automaton = ahocorasick.Automaton()
        for word, keys in sorted(by_word.items()):
            automaton.add_word(word, tuple(keys))
        automaton.make_automaton()
        return automaton

    def may_match(self, text: str) -> set:
        """Keys of the patterns whose clue `text` holds, or that have none."""
        keys = set(self._unclued)
        if self._automaton is not None:
            for _, found in self._automaton.iter(text):
                keys.update(found)
        if self._folded_automaton is not None:
            if text.isascii():
                for _, found in self._folded_automaton.iter(text.lower()):
                    keys.update(found)
            else:  # as Clue.in_text: the regex engine folds more than str.lower(), it decides
                keys.update(self._folded_keys)
        return keys


class Openings:
    """A case-insensitive pattern every match of which opens with one of `words` (a list of
    office titles, of trigger words), tried only where one of them starts. The starts are
    found in one Aho-Corasick pass over the lowered text, instead of the regex engine trying
    the pattern, lookbehind first, at every offset. Matches are those of pattern.finditer."""

    def __init__(self, pattern: re.Pattern, words):
        self.pattern = pattern
        self._automaton = ahocorasick.Automaton()
        for word in sorted({w.lower() for w in words}):
            self._automaton.add_word(word, len(word))
        self._automaton.make_automaton()

    def starts(self, text: str) -> list[int] | None:
        """The offsets where one of the words starts in `text`, in order; None when the text
        is not ASCII (the regex engine folds more than str.lower(): ſ is s)."""
        if not text.isascii():
            return None
        if not len(self._automaton):
            return []  # no words (an automaton without any cannot be searched)
        return sorted({last - length + 1 for last, length in self._automaton.iter(text.lower())})

    def finditer(self, text: str, start: int = 0, end: int | None = None,
                 starts: list[int] | None = None):
        """pattern.finditer(text, start, end). `starts`: self.starts(text), when the caller
        searches several parts of one text."""
        end = len(text) if end is None else end
        if starts is None:
            starts = self.starts(text[start:end])
            if starts is None:
                yield from self.pattern.finditer(text, start, end)
                return
            starts = [start + at for at in starts]
            first = 0
        else:
            first = bisect.bisect_left(starts, start)
        pos = start
        for k in range(first, len(starts)):
            at = starts[k]
            if at >= end:
                break
            if at < pos:
                continue  # inside the previous match
            m = self.pattern.match(text, at, end)
            if m is not None:
                yield m
                pos = m.end()


@functools.cache
def _first_name_detector():
    """gender_guesser's table of first names: about a second to read, so once per process."""
    import gender_guesser.detector as gd
    return gd.Detector(case_sensitive=False)


def _load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"{path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise RuleFileError(f"{path}: cannot read ({exc.strerror})") from None


def _line_of(path: Path, needle: str) -> int:
    return (_lines_of(path, needle) or [0])[0]


def _lines_of(path: Path, needle: str) -> list[int]:
    """Numbers of the lines of `path` that hold `needle` (for messages; [] if none)."""
    return [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if needle in line]


def expand_macros(pattern: str, words: dict[str, tuple[str, ...]]) -> str:
    def replace(m: re.Match) -> str:
        name, arg = m.group(1), m.group(2)
        if name == "WORDS":
            if arg not in words:
                raise KeyError(f"unknown word list {arg}")
            # the rule may ignore case: no two branches of the trie may then differ in case only
            return "(?:" + word_alternation(words[arg], re.IGNORECASE) + ")"
        if name not in MACROS:
            raise KeyError(f"unknown macro {{{name}}}")
        return MACROS[name]
    return _MACRO.sub(replace, pattern)


def word_alternation(words, flags: int = 0, *, any_space: bool = True) -> str:
    """A pattern for any of `words` (a space in a word matches any white space, or with
    any_space=False one space), written as a trie:
    "minister(?:\\s+of\\s+(?:defen(?:se|ce)|foreign\\s+affairs))?|mayor|...".

    It matches what the plain alternation of the words, longest first, matches: two words
    that match at one place are one the start of the other, and the trie, like the list,
    tries the longer first. The regex engine then tests one character per branch instead of
    every word at every position, several times faster on a long list. Where two branches
    could match the same character (under `flags`), the plain alternation is kept.
    """
    words = sorted(words, key=len, reverse=True)
    plain = "|".join(re.escape(w).replace(r"\ ", r"\s+") if any_space else re.escape(w) for w in words)
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def atom(ch: str) -> str:
        return r"\s+" if ch == " " and any_space else re.escape(ch)

    def written(node: dict) -> str | None:
        chars = [ch for ch in node if ch]
        if any(a != b and re.fullmatch(atom(a), b, flags) for a in chars for b in chars):
            return None
        branches = []
        for ch in chars:
            rest = written(node[ch])
            if rest is None:
                return None
            branches.append(atom(ch) + rest)
        if not branches:
            return ""
        body = "|".join(branches)
        if "" in node:
            return f"(?:{body})?"  # greedy: the longer word first, then the word ending here
        return body if len(branches) == 1 else f"(?:{body})"

    trie_pattern = written(trie)
    return plain if trie_pattern is None else trie_pattern


def clue_of(pattern: re.Pattern) -> Clue | None:
    """The words one of which is in every text `pattern` matches in, or None if none is known.

    They are read from the parsed pattern: literal text outside optional parts, one word of
    each alternative. A case-insensitive pattern's words are kept in lower case (ASCII only).
    A pattern anchored at the start (^...) is tried at one position only, which costs less
    than looking for several words or folding case: it gets a clue of one plain word only.
    """
    if _re_parser is None:
        return None
    parsed = _re_parser.parse(pattern.pattern, pattern.flags)
    words = _needed(parsed)
    if not words:
        return None
    starts = {_re_consts.AT_BEGINNING_STRING}
    if not pattern.flags & re.MULTILINE:
        starts.add(_re_consts.AT_BEGINNING)
    anchored = len(parsed) > 0 and parsed[0][0] is _re_consts.AT and parsed[0][1] in starts
    if anchored and (len(words) > 1 or pattern.flags & re.IGNORECASE):
        return None
    if pattern.flags & re.IGNORECASE:
        if not all(w.isascii() for w in words):
            return None
        return Clue(frozenset(w.lower() for w in words), ignore_case=True)
    return Clue(frozenset(words))


def search_start(pattern: re.Pattern, clue: Clue | None, text: str) -> int:
    """The first offset of `text` where a match of `pattern` may start, -1 when it has none.

    Every match holds a word of the pattern's clue and is at most as long as the pattern's
    widest match, so none starts before the first of those words minus that width: a
    pattern that opens with a word boundary or a lookbehind, which the regex engine tries
    at every offset, need not be tried over the text before it (a footer's outlet name)."""
    if clue is None:
        return 0
    first = clue.first_at(text)
    if first <= 0:
        return first
    return max(0, first - _max_width(pattern))


@functools.lru_cache(maxsize=None)
def _max_width(pattern: re.Pattern) -> int:
    return _re_parser.parse(pattern.pattern, pattern.flags).getwidth()[1]


def _needed(items) -> list[str] | None:
    """Strings one of which every match of a parsed pattern holds; None if none is known."""
    c = _re_consts
    best: list[str] | None = None

    def consider(words: list[str] | None) -> None:
        nonlocal best  # the longest shortest word: the rarest
        if words and (best is None or min(map(len, words)) > min(map(len, best))):
            best = words

    run = ""  # consecutive literal characters
    for op, av in items:
        if op is c.LITERAL:
            run += chr(av)
            continue
        consider([run] if run else None)
        run = ""
        if op is c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if not add_flags and not del_flags:  # (?i:...) inside would match other text
                consider(_needed(sub))
        elif op is c.BRANCH:
            alternatives = [_needed(a) for a in av[1]]
            if all(alternatives):
                consider(sorted({w for a in alternatives for w in a}))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            consider(_needed(av[2]))
        elif op is c.ATOMIC_GROUP:
            consider(_needed(av))
    consider([run] if run else None)
    return best


def _compile_rules(path: Path, data: dict, words: dict, *, clutter: bool = False) -> list[Rule]:
    rules = []
    for raw in data.get("rule", []):
        rid = raw.get("id", "?")
        needle = f'id = "{rid}"'
        where = f"{path}:{_line_of(path, needle)}: rule {rid}"
        unknown = set(raw) - RULE_KEYS
        if unknown:
            raise RuleFileError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        if "pattern" not in raw or "id" not in raw:
            raise RuleFileError(f"{where}: needs id and pattern")
        if not re.fullmatch(r"[a-z]+\.[a-z0-9-]+", rid):
            raise RuleFileError(f"{where}: id must read family.name in lower case")
        if clutter:
            if raw.get("action") not in CLUTTER_ACTIONS:
                raise RuleFileError(f"{where}: action must be one of {sorted(CLUTTER_ACTIONS)}")
            emits = "clutter"
        else:
            emits = raw.get("emits", "")
            if emits not in KNOWN_EMITS:
                raise RuleFileError(f"{where}: emits {emits!r} is not a property of the ontology")
        try:
            compiled = re.compile(expand_macros(raw["pattern"], words))
        except (re.error, KeyError) as exc:
            raise RuleFileError(f"{where}: bad pattern ({exc})") from None
        options = tuple(sorted((k, raw[k]) for k in ("default_target", "action", "min_count", "known_or_passive", "org_class", "known_only") if k in raw))
        rules.append(Rule(rid, emits, compiled, raw["pattern"], path.name, raw.get("why", ""),
                          tuple(raw.get("examples", ())), tuple(raw.get("counter_examples", ())),
                          options, clue_of(compiled)))
    return rules


def _digest(rules_dir: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(rules_dir.rglob("*.toml")):
        h.update(path.relative_to(rules_dir).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def load_ruleset(rules_dir: Path | str | None = None) -> Ruleset:
    """Read and compile the rules folder (default: the package's own)."""
    folder = Path(rules_dir) if rules_dir else RULES_DIR
    if not folder.is_dir():
        raise RuleFileError(f"{folder}: rules folder not found")
    return _load_cached(str(folder.resolve()), _digest(folder))


@functools.lru_cache(maxsize=4)
def _load_cached(folder_name: str, digest: str) -> Ruleset:
    folder = Path(folder_name)
    files = {p.stem: (p, _load_toml(p)) for p in sorted(folder.glob("*.toml"))}
    required = ["clutter", "names", "titles", "offices", "stances", "proposals", "sites",
                "quotes", "dates", "meetings"]
    for stem in required:
        if stem not in files:
            raise RuleFileError(f"{folder / (stem + '.toml')}: missing rule file")
    words: dict[str, tuple[str, ...]] = {}
    for stem, (path, data) in files.items():
        for name, values in data.get("words", {}).items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise RuleFileError(f"{path}: [words] {name} must be a list of strings")
            words[name] = tuple(values)
    site_heads: dict[str, str] = {}
    sites_path, sites = files["sites"]
    for n, site in enumerate(sites.get("site", []), 1):
        if "kind" not in site or not site.get("heads"):
            raise RuleFileError(f"{sites_path}: site {n} needs kind and heads")
        for head in site["heads"]:
            site_heads[head] = site["kind"]
    words["SITE_HEADS"] = tuple(site_heads)

    rules = {}
    for stem in ("offices", "stances", "proposals", "sites", "meetings"):
        path, data = files[stem]
        rules[stem] = _compile_rules(path, data, words)
    clutter_path, clutter_data = files["clutter"]
    clutter = _compile_rules(clutter_path, clutter_data, words, clutter=True)
    seen: dict[str, str] = {}
    for rule in [*clutter, *(r for family in rules.values() for r in family)]:
        if rule.id in seen:
            path = folder / rule.file
            lines = _lines_of(path, f'id = "{rule.id}"')
            line = lines[1] if rule.file == seen[rule.id] and len(lines) > 1 else (lines or [0])[0]
            raise RuleFileError(f"{path}:{line}: rule {rule.id}: duplicate id (also in {seen[rule.id]})")
        seen[rule.id] = rule.file

    titles_path, titles_data = files["titles"]
    titles: dict[str, Title] = {}
    for n, raw in enumerate(titles_data.get("title", []), 1):
        if "role" not in raw or not raw.get("names"):
            raise RuleFileError(f"{titles_path}: title {n} needs role and names")
        title = Title(raw["role"], tuple(raw["names"]), raw.get("group"), raw.get("default_country"),
                      raw.get("organizational", False), raw.get("qualifier", False),
                      raw.get("government", False))
        for name in (*title.names, title.role):
            titles[fold(name)] = title
    title_pattern = re.compile(
        r"(?<![\w-])(?:" + word_alternation(titles, re.IGNORECASE) + r")s?"
        r"(?P<qual>\s+(?-i:of|for)\s+(?-i:(?!the\b|a\b|an\b)[A-Z]?[a-z]+)(?:\s+(?-i:(?!the\b|at\b|in\b|of\b|for\b|on\b|with\b|from\b|to\b)[a-z]+))?)?(?![\w-])",
        re.IGNORECASE)

    names = files["names"][1]
    pronouns = {p: "male" for p in names.get("pronouns_male", [])}
    pronouns.update({p: "female" for p in names.get("pronouns_female", [])})
    dates = files["dates"][1]
    meetings = files["meetings"][1]
    gaz = _load_gazetteer(folder / "gazetteer")
    return Ruleset(
        digest=digest, clutter=clutter, titles=titles, title_pattern=title_pattern,
        honorifics=frozenset(names.get("honorifics", [])),
        particles=frozenset(names.get("particles", [])),
        not_names=frozenset(names.get("not_names", [])), pronouns=pronouns, words=words,
        rules=rules, participles=dict(files["proposals"][1].get("participles", {})),
        day_words=dict(dates.get("days", {})), month_words=dict(dates.get("months", {})),
        meeting_triggers=dict(meetings.get("triggers", {})), site_heads=site_heads, **gaz)


def _need(path: Path, entry: dict, keys: tuple[str, ...], what: str) -> None:
    for key in keys:
        if key not in entry:
            ident = entry.get("id", "?")
            raise RuleFileError(f"{path}:{_line_of(path, str(ident))}: {what} {ident}: missing key {key!r}")


def _load_gazetteer(folder: Path) -> dict:
    entries: dict[str, GazEntry] = {}
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    fold_case: set[str] = set()
    surnames: dict[str, set[str]] = {}

    def add(entry: GazEntry, path: Path, *, folded: bool = False) -> None:
        if entry.id in entries and entries[entry.id].kind != entry.kind:
            raise RuleFileError(f"{path}: {entry.id}: id used for two kinds")
        entries[entry.id] = entry
        if folded:
            fold_case.add(entry.id)

    gen_path = folder / "generated_places.toml"
    generated = _load_toml(gen_path)
    capital_names = {}
    for c in generated.get("country", []):
        _need(gen_path, c, ("id", "name"), "country")
        add(GazEntry(c["id"], "Country", c["name"], tuple(c.get("aliases", ())),
                     props=(("iso", c.get("iso", "")),)), gen_path)
        if c.get("capital"):
            capital_names[c["capital"]] = c["id"]
    for c in generated.get("city", []):
        add(GazEntry(c["id"], "City", c["name"], tuple(c.get("aliases", ())),
                     props=(("country", c.get("country", "")),)), gen_path)
        if c.get("capital") and capital_names.get(c["name"]) == c.get("country"):
            capitals[c["name"]] = c["country"]
    for s in generated.get("state", []):
        add(GazEntry(s["id"], "Place", s["name"], subtype="AdministrativeArea",
                     props=(("country", "country/united-states"),)), gen_path)

    path = folder / "countries.toml"
    for c in _load_toml(path).get("country", []):
        _need(path, c, ("id",), "country")
        base = entries.get(c["id"])
        if base is None or base.kind != "Country":
            raise RuleFileError(f"{path}:{_line_of(path, c['id'])}: country {c['id']}: not in generated_places.toml")
        label = c.get("label", base.label)
        aliases = tuple(dict.fromkeys([*(a for a in (base.label, *base.aliases) if a != label),
                                       *c.get("aliases", [])]))
        props = dict(base.props)
        props.update({k: c[k] for k in ("wikidata", "article") if k in c})
        props["metonyms"] = tuple(c.get("metonyms", ()))
        entries[c["id"]] = GazEntry(c["id"], "Country", label, aliases, props=tuple(sorted(props.items())))
        for d in c.get("demonyms", []):
            demonyms[d] = c["id"]
    generated_country_by_name = {e.label: e.id for e in entries.values() if e.kind == "Country"}
    for p in _load_toml(folder / "places.toml").get("place", []):
        # a curated place wins over a generated country of that name ("the Serbian province of Kosovo")
        if p.get("name") in generated_country_by_name and p.get("overrides_country", True):
            del entries[generated_country_by_name[p["name"]]]
    for stem, kind, key in (("cities", "City", "city"), ("places", "Place", "place"),
                            ("organizations", "Organization", "organization"),
                            ("people", "Person", "person")):
        path = folder / f"{stem}.toml"
        for e in _load_toml(path).get(key, []):
            _need(path, e, ("id", "name"), key)
            props = {k: v for k, v in e.items() if k not in ("id", "name", "aliases", "class", "fold_case")}
            props = {k: (tuple(tuple(sorted(o.items())) for o in v) if k == "offices" else v)
                     for k, v in props.items()}
            old = entries.get(e["id"])
            if old is not None and old.kind == kind and kind in ("City", "Place"):
                # a curated entry for a generated place adds names, it does not replace it
                props = {**dict(old.props), **props}
                e = {**e, "aliases": [*old.aliases, *e.get("aliases", ())]}
            add(GazEntry(e["id"], kind, e["name"], tuple(e.get("aliases", ())), e.get("class"),
                         tuple(sorted(props.items()))), path, folded=e.get("fold_case", False))
            if kind == "Person":
                for form in (e["name"], *e.get("aliases", ())):
                    parts = form.split()
                    if len(parts) > 1:
                        surnames.setdefault(parts[-1], set()).add(e["id"])
    path = folder / "systems.toml"
    data = _load_toml(path)
    system_patterns = []
    for s in data.get("system", []):
        _need(path, s, ("id", "name"), "system")
        add(GazEntry(s["id"], "DefenseSystem", s["name"], tuple(s.get("aliases", ())),
                     props=(("wikidata", s.get("wikidata", "")),)), path, folded=True)
        for p in s.get("patterns", []):
            try:
                system_patterns.append((re.compile(rf"(?<![\w-]){p}(?![\w-])", re.IGNORECASE), s["id"]))
            except re.error as exc:
                raise RuleFileError(f"{path}: system {s['id']}: bad pattern {p!r} ({exc})") from None
    for p in data.get("proposal", []):
        _need(path, p, ("id", "name", "keywords"), "proposal")
        add(GazEntry(p["id"], "Proposal", p["name"], tuple(p.get("aliases", ())),
                     props=tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                        for k, v in p.items() if k not in ("id", "name", "aliases")))), path)
    path = folder / "publishers.toml"
    publishers = []
    for p in _load_toml(path).get("publisher", []):
        _need(path, p, ("id", "name", "signatures"), "publisher")
        if p["id"] not in entries:
            add(GazEntry(p["id"], "Organization", p["name"], tuple(p.get("aliases", ())),
                         "NewsMediaOrganization"), path)
        for sig in p["signatures"]:
            try:
                publishers.append((p["id"], p["name"], re.compile(sig)))
            except re.error as exc:
                raise RuleFileError(f"{path}: publisher {p['id']}: bad signature {sig!r} ({exc})") from None

    # a bare surname names a gazetteer person only when no other person shares it
    for surname, ids in surnames.items():
        if len(ids) == 1:
            (pid,) = ids
            e = entries[pid]
            if surname not in e.aliases:
                entries[pid] = GazEntry(e.id, e.kind, e.label, (*e.aliases, surname), e.subtype, e.props)

    automaton = ahocorasick.Automaton()
    folded_automaton = ahocorasick.Automaton()
    for entry in entries.values():
        if entry.kind == "Proposal":
            continue
        forms = [entry.label, *entry.aliases]
        if entry.kind == "Country":
            forms += list(entry.prop("metonyms", ()))
        for form in forms:
            _add_form(automaton, form, entry)
            if entry.id in fold_case and len(form) > 6:
                _add_form(folded_automaton, form.lower(), entry)
    for demonym, cid in demonyms.items():
        _add_form(automaton, demonym, GazEntry(cid, "Adj", demonym))
    automaton.make_automaton()
    if len(folded_automaton):
        folded_automaton.make_automaton()
    return dict(entries=entries, automaton=automaton, folded_automaton=folded_automaton,
                system_patterns=system_patterns, demonyms=demonyms, capitals=capitals,
                publishers=publishers)


def _add_form(automaton, form: str, entry: GazEntry) -> None:
    existing = automaton.get(form, ())
    automaton.add_word(form, (*existing, (form, entry.id, entry.kind)))
