"""The dated office table (kg/offices.py): who held which office on a given day."""
from __future__ import annotations

import datetime as dt
import doctest

import pytest

import kg.offices
from kg.offices import holder_on, office_table, offices_of
from kg.ruleset import load_ruleset

D = dt.date


@pytest.fixture(scope="module")
def rules():
    return load_ruleset()


@pytest.mark.parametrize("role, of, day, holder", [
    ("president", "country/russia", D(2008, 3, 20), "person/vladimir-putin"),
    ("president", "country/russia", D(2008, 5, 6), "person/vladimir-putin"),
    # the handover day belongs to the incoming holder: Medvedev was sworn in on 7 May 2008
    ("president", "country/russia", D(2008, 5, 7), "person/dmitry-medvedev"),
    ("president", "country/russia", D(2008, 11, 6), "person/dmitry-medvedev"),
    ("prime minister", "country/russia", D(2008, 1, 10), "person/viktor-zubkov"),
    ("prime minister", "country/russia", D(2008, 6, 1), "person/vladimir-putin"),
    ("secretary of state", "country/united-states", D(2008, 9, 12), "person/condoleezza-rice"),
    ("secretary of state", "country/united-states", D(2009, 3, 7), "person/hillary-clinton"),
    ("defense secretary", "country/united-states", D(2008, 9, 12), "person/robert-gates"),
    ("president", "country/united-states", D(2009, 1, 20), "person/barack-obama"),
    ("prime minister", "country/czechia", D(2008, 7, 8), "person/mirek-topolanek"),
    ("prime minister", "country/czechia", D(2009, 6, 15), "person/jan-fischer"),
    ("secretary general", "org/nato", D(2008, 4, 3), "person/jaap-de-hoop-scheffer"),
    ("secretary general", "org/nato", D(2009, 9, 1), "person/anders-fogh-rasmussen"),
    ("foreign minister", "gaz:country/russia", D(2009, 3, 7), "person/sergey-lavrov"),
])
def test_holder_on_reads_the_table_by_date(rules, role, of, day, holder):
    assert holder_on(role, of, day, rules) == holder


@pytest.mark.parametrize("role, of, day", [
    ("president", "country/russia", None),                       # an undated article
    ("secretary of state", "country/united-states", D(2009, 1, 20)),  # Rice gone, Clinton not yet in
    ("president", "country/russia", D(1990, 1, 1)),               # before the table
    ("king", "country/russia", D(2008, 1, 1)),                    # no such office
    ("director", "org/missile-defense-agency", D(2008, 1, 1)),    # a row without dates says nothing of a day
    ("first deputy prime minister", "country/russia", D(2008, 3, 1)),  # two held it at once
])
def test_holder_on_guesses_nothing(rules, role, of, day):
    assert holder_on(role, of, day, rules) is None


def test_offices_of_lists_a_persons_rows_in_date_order_with_sources(rules):
    rows = offices_of("person/dmitry-medvedev", rules)
    assert [r.title for r in rows] == ["first deputy prime minister", "president-elect", "president"]
    assert all(r.source for r in rows)
    assert rows[-1].note().startswith("people.toml: person/dmitry-medvedev offices[2]: president of country/russia")


def test_successor_is_known_only_once_elected(rules):
    table = office_table(rules)
    prev, succ = table.successor_row("gaz:person/vladimir-putin", D(2008, 3, 20))
    assert (prev.title, succ.person) == ("president", "person/dmitry-medvedev")
    assert table.successor_row("person/vladimir-putin", D(2007, 6, 1)) is None
    assert table.successor_row("person/vladimir-putin", None) is None


def test_every_office_row_is_well_formed(rules):
    titles = {t.role for t in rules.titles.values()}
    for row in office_table(rules).rows:
        assert row.source, row
        assert row.of in rules.entries, row
        assert row.end is None or row.start is None or row.start < row.end, row
        assert row.title in titles or row.title.startswith("ambassador"), row


SINGLE_HOLDER = {"president", "vice president", "prime minister", "chancellor", "foreign minister",
                 "defense minister", "secretary of state", "defense secretary", "secretary general",
                 "national security advisor", "foreign policy chief"}


def test_one_holder_at_a_time_per_single_holder_office(rules):
    # Russia had two first deputy prime ministers at once; a president is one person
    table = office_table(rules)
    for row in table.rows:
        if row.start is None or row.title not in SINGLE_HOLDER:
            continue
        others = [r.person for r in table.rows_on(row.title, row.of, row.start) if r.person != row.person]
        assert not others, (row, others)


def test_doctests_of_the_module_pass():
    assert doctest.testmod(kg.offices).failed == 0
