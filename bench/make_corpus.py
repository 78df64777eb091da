"""Write N deterministic, realistic news articles for benchmarks: bench/make_corpus.py N DIR.

Each article is a saved news page of about 4-6 KB: page clutter (skip links, a numbered
menu, a byline, image credits, a "more stories" block and a footer), a headline, a date
line, and paragraphs that name officials with their titles, quote them, tell of meetings
in cities on dates, and mention countries and organizations. People, countries, cities and
organizations come from kg/rules/gazetteer/, mixed with invented people, so that the
entities vary from article to article as they do in a real archive.

The same N gives the same files, byte for byte (one seeded random.Random, no clock).

    python bench/make_corpus.py 1000 /tmp/corpus
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tomllib
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parent.parent / "kg" / "rules" / "gazetteer"
SEED = 20080318

# Invented people: first names and surnames combined give thousands of distinct persons,
# so resolution meets new names as well as gazetteer ones.
FIRST_NAMES = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Frank", "Greta", "Hans", "Irina",
               "Jan", "Karel", "Lena", "Marek", "Nadia", "Oleg", "Pavel", "Rosa", "Stefan",
               "Tomas", "Ursula", "Viktor", "Walter", "Yuri", "Zofia", "Andrei", "Milan",
               "Petra", "Ivan", "Katarina", "Michael", "Sarah", "David", "Laura", "Peter"]
SURNAMES = ["Kowalski", "Novak", "Petrov", "Schneider", "Horvath", "Ivanov", "Lindqvist",
            "Dvorak", "Meyer", "Popescu", "Sokolov", "Wagner", "Kaczmarek", "Fischer",
            "Volkov", "Svoboda", "Bauer", "Nowicki", "Morozov", "Hoffmann", "Zielinski",
            "Kral", "Lebedev", "Richter", "Wojcik", "Marek", "Orlov", "Krause", "Tkachenko",
            "Benes", "Jansen", "Moretti", "Dubois", "Larsen", "Keller", "Sato"]
NEW_TITLES = ["Deputy Foreign Minister", "Defense Minister", "Foreign Minister", "Ambassador",
              "spokesman", "Interior Minister", "Deputy Defense Minister", "Prime Minister"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
TOPICS = ["missile defense", "energy security", "arms control", "the nuclear programme",
          "trade sanctions", "the gas pipeline", "NATO enlargement", "the peace plan",
          "visa rules", "troop withdrawals", "the border dispute", "cyber security"]
MEET_VERBS = ["met", "held talks with", "had a meeting with", "visited"]
SAY = ["said", "told reporters", "said in a statement", "told a news conference", "added"]
QUOTES = [
    "We are ready to continue the dialogue, but our concerns must be heard",
    "This is a serious proposal and we will study it carefully",
    "Nobody wants a new arms race in Europe",
    "The talks were constructive and frank, and we agreed to meet again",
    "Our position has not changed and it will not change",
    "We expect concrete steps, not only words",
    "There is still a lot of work to do before an agreement can be signed",
    "The decision will be taken by the government after consultations with our allies",
]
FILLER = [
    "Analysts said the dispute had pushed relations to their lowest point in years.",
    "The plans have raised concerns among governments that fear being drawn into a conflict.",
    "Officials on both sides declined to give details of the documents exchanged.",
    "The issue is expected to dominate the agenda of the next round of negotiations.",
    "Critics argue that the project would compromise the security of the whole region.",
    "Opposition lawmakers have demanded a parliamentary debate before any decision is taken.",
    "Diplomats described the atmosphere as businesslike but said differences remained.",
    "Polls show that a majority of the public remains sceptical about the proposal.",
]
HEAD_CLUTTER = ["1. Skip to content", "2. Skip to main menu", "3. Skip to more DW sites"]
TAIL_CLUTTER = ["More stories from DW", "Related content", "Share this article",
                "© 2008 Deutsche Welle | All rights reserved | Terms of use | Privacy Policy"]
CAPTION_CREDITS = ["Image: AP", "Image: Reuters", "Image: AFP", "Photo: picture-alliance/dpa"]


def _load(name: str, key: str) -> list[dict]:
    with open(GAZETTEER / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh).get(key, [])


class World:
    """What articles can talk about: gazetteer entries, demonyms, titles, invented people."""

    def __init__(self) -> None:
        countries = _load("countries", "country")
        generated = {c["id"]: c for c in _load("generated_places", "country")}
        self.demonym = {}
        self.country_name = {}
        for c in countries:
            name = c.get("label") or generated.get(c["id"], {}).get("name", "")
            if name and c.get("demonyms"):
                self.country_name[c["id"]] = name
                self.demonym[c["id"]] = c["demonyms"][0]
        self.countries = sorted(self.country_name)
        self.cities = sorted({c["name"] for c in _load("cities", "city")}
                             | {c["name"] for c in _load("generated_places", "city")
                                if c.get("capital")})
        self.organizations = sorted(o["name"] for o in _load("organizations", "organization"))
        self.people = []        # (name, title, country id)
        for p in _load("people", "person"):
            offices = p.get("offices") or [{}]
            office = offices[-1]
            country = office.get("of") or p.get("nationality")
            if country in self.country_name and office.get("title"):
                self.people.append((p["name"], office["title"].title(), country))
        rng = random.Random(SEED)
        for first in FIRST_NAMES:
            for last in rng.sample(SURNAMES, 8):
                self.people.append((f"{first} {last}", rng.choice(NEW_TITLES), rng.choice(self.countries)))


def _date(rng: random.Random) -> dt.date:
    return dt.date(2006, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))


def _person_first(rng, world, cast, i) -> str:
    name, title, country = cast[i]
    return f"{world.demonym[country]} {title} {name}"


def make_article(n: int, world: World) -> str:
    """Article number n: the same n always gives the same text."""
    rng = random.Random(SEED * 1_000_003 + n)
    date = _date(rng)
    cast = rng.sample(world.people, rng.randint(3, 5))
    city = rng.choice(world.cities)
    topic = rng.choice(TOPICS)
    org = rng.choice(world.organizations)
    surname = [p[0].split()[-1] for p in cast]
    lines = [*HEAD_CLUTTER, ""]
    headline = f"{surname[0]} and {surname[1]} discuss {topic} in {city}"
    lines += [headline, "", rng.choice(["DW staff (sp)", "DW staff (dc)", "By Peter Keller"]),
              f"{MONTHS[date.month - 1]} {date.day}, {date.year}", ""]
    day = rng.choice(WEEKDAYS)
    lines.append(
        f"{_person_first(rng, world, cast, 0)} {rng.choice(MEET_VERBS)} "
        f"{_person_first(rng, world, cast, 1)} in {city} on {day} to discuss {topic}, "
        f"as officials from {world.country_name[cast[0][2]]} and {world.country_name[cast[1][2]]} "
        f"sought to narrow their differences before a meeting of the {org}.")
    lines.append("")
    lines.append(f"{surname[0]} and {surname[1]} at the talks")
    lines.append(f"The two sides have been at odds over {topic} for months{rng.choice(CAPTION_CREDITS)}")
    lines.append("")
    paragraphs = rng.randint(14, 18)
    for k in range(paragraphs):
        who = rng.randrange(len(cast))
        kind = rng.randrange(5)
        if kind == 0:
            q = rng.choice(QUOTES)
            para = f"\"{q},\" {surname[who]} {rng.choice(SAY)}. {rng.choice(FILLER)}"
        elif kind == 1:
            other = (who + 1) % len(cast)
            when = f"{MONTHS[rng.randrange(12)]} {rng.randint(1, 28)}"
            para = (f"{_person_first(rng, world, cast, other)} is due to visit "
                    f"{rng.choice(world.cities)} on {when}, {date.year}, for talks with "
                    f"{cast[who][1].lower()} {cast[who][0]} on {rng.choice(TOPICS)}. "
                    f"{rng.choice(FILLER)}")
        elif kind == 2:
            c = rng.choice(world.countries)
            para = (f"{world.country_name[c]} has said it opposes the plans, and "
                    f"{world.demonym[c]} officials warned that {rng.choice(TOPICS)} "
                    f"could not be discussed without the {rng.choice(world.organizations)}. "
                    f"{rng.choice(FILLER)}")
        elif kind == 3:
            q = rng.choice(QUOTES)
            para = (f"Speaking at a joint news conference in {city} on {day}, {surname[who]} "
                    f"{rng.choice(SAY)} that \"{q[0].lower()}{q[1:]}.\" {rng.choice(FILLER)} "
                    f"{rng.choice(FILLER)}")
        else:
            para = (f"In {MONTHS[rng.randrange(12)]} {date.year - rng.randint(0, 2)}, "
                    f"{surname[who]} told the {rng.choice(world.organizations)} that "
                    f"{world.country_name[cast[who][2]]} would not accept {rng.choice(TOPICS)} "
                    f"imposed from outside. {rng.choice(FILLER)} {rng.choice(FILLER)}")
        lines += [para, ""]
        if k == paragraphs // 2:
            lines += [f"{cast[who][0]}", f"{surname[who]} has rejected the criticism"
                      f"{rng.choice(CAPTION_CREDITS)}", ""]
    lines += [*TAIL_CLUTTER, ""]
    return "\n".join(lines)


def make_corpus(n: int, folder: Path) -> list[Path]:
    """Write articles 0..n-1 as folder/article-00000.txt ...; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    world = World()
    paths = []
    for i in range(n):
        path = folder / f"article-{i:05d}.txt"
        path.write_text(make_article(i, world), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("folder", type=Path, help="folder to write them into")
    args = parser.parse_args(argv)
    paths = make_corpus(args.n, args.folder)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} articles, {size / 1e6:.1f} MB, into {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
