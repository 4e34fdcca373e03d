import datetime as dt

from klynge.core.dates import day_span
from klynge.reports.danish import count, join_and, lower_first, number_word


def test_number_words_one_to_twelve_and_digits_above():
    assert [number_word(n) for n in range(1, 13)] == [
        "en",
        "to",
        "tre",
        "fire",
        "fem",
        "seks",
        "syv",
        "otte",
        "ni",
        "ti",
        "elleve",
        "tolv",
    ]
    assert number_word(1, neuter=True) == "et"
    assert number_word(1, neuter=True, stressed=True) == "ét"
    assert number_word(13) == "13"


def test_counted_nouns_agree_in_number_and_gender():
    assert count(1, "klyngemøde", "klyngemøder", neuter=True) == "et klyngemøde"
    assert count(3, "klyngemøde", "klyngemøder", neuter=True) == "tre klyngemøder"
    assert count(1, "læge", "læger") == "en læge"
    assert count(24, "læge", "læger") == "24 læger"


def test_lists_are_joined_with_commas_and_og():
    assert join_and([]) == ""
    assert join_and(["A"]) == "A"
    assert join_and(["A", "B"]) == "A og B"
    assert join_and(["A", "B", "C"]) == "A, B og C"


def test_dates_and_spans():
    assert day_span(dt.date(2022, 3, 14)) == "14/3"
    assert day_span(dt.date(2022, 11, 5), dt.date(2022, 11, 6)) == "5/11-6/11"


def test_abbreviations_keep_their_capitals():
    assert lower_first("Iskæmisk hjertesygdom") == "iskæmisk hjertesygdom"
    assert lower_first("KOL i praksis") == "KOL i praksis"


def test_lower_first_keeps_abbreviations_in_the_genitive():
    from klynge.reports.danish import lower_first

    assert lower_first("PLOs rolle i dag") == "PLOs rolle i dag"
    assert lower_first("KIAP's data") == "KIAP's data"
    assert lower_first("CRP-måling") == "CRP-måling"
    assert lower_first("Antibiotika") == "antibiotika"
    assert lower_first("Ø") == "ø"
