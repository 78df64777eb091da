"""Generated gazetteer data is current, and the curated files say where facts come from."""
import subprocess
import sys

from kg.ruleset import load_ruleset


def test_generated_places_match_a_fresh_generation():
    result = subprocess.run([sys.executable, "-m", "kg.generate_gazetteer", "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_dated_office_row_names_its_source():
    rules = load_ruleset()
    for entry in rules.entries.values():
        for office in entry.prop("offices", ()) or ():
            row = dict(office)
            assert row.get("source"), (entry.id, row)


def test_capitals_stand_for_their_countries_only_outside_a_place_preposition():
    from kg.extract import extract
    from kg.ingest import parse_article
    rules = load_ruleset()
    text = ("Talks in Moscow\n\nMoscow has maintained that the talks in Moscow went well, and Washington agreed "
            "with Moscow that more work was needed before the summit.")
    x = extract(parse_article(text, "t", "t.txt", rules), rules)
    kinds = sorted({(m.text, m.ref.split("/")[0]) for m in x.mentions if m.text in ("Moscow", "Washington")})
    assert ("Moscow", "gaz:city") in kinds and ("Moscow", "gaz:country") in kinds
    assert ("Washington", "gaz:country") in kinds
