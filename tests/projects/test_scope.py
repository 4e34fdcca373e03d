"""The scope check flags a diffuse description with its reasons and passes a well-delimited one."""

from klynge.projects.scope import is_measurable, scope_check, sentence_count

from .conftest import DIFFUSE, WELL_DELIMITED


def test_a_well_delimited_description_passes():
    assert scope_check(WELL_DELIMITED) == []


def test_a_diffuse_description_gets_the_expected_flags_with_reasons_and_fixes():
    flags = {f.code: f for f in scope_check(DIFFUSE)}
    assert set(flags) == {
        "no_measurable_goal",
        "too_many_goals",
        "too_many_indicators",
        "no_data_source",
        "no_target_population",
        "no_lead",
        "long_time_plan",
        "no_revisit_date",
        "no_baseline",
        "no_pdsa",
        "purpose_not_one_sentence",
        "too_many_partners",
        "too_long",
    }
    assert "4 mål" in flags["too_many_goals"].reason
    assert "5 indikatorer" in flags["too_many_indicators"].reason
    assert "30 måneder" in flags["long_time_plan"].reason
    assert "Bedre antibiotikabrug" in flags["no_measurable_goal"].reason
    for flag in flags.values():
        assert flag.reason and flag.fix, flag.code


def test_each_rule_alone():
    def codes(**changes):
        return {f.code for f in scope_check({**WELL_DELIMITED, **changes})}

    assert codes(goals="Færre recepter") == {"no_measurable_goal"}
    assert codes(goals="") == {"no_measurable_goal"}
    assert codes(data_source=" ") == {"no_data_source"}
    assert codes(target_population="") == {"no_target_population"}
    assert codes(lead_count=0) == {"no_lead"}
    assert codes(plan_months=13) == {"long_time_plan"}
    assert codes(plan_months=12) == set()
    assert codes(indicators="a\nb\nc\nd") == {"too_many_indicators"}
    assert codes(indicators="", indicator_codes=[]) == {"no_indicator"}
    assert codes(partners="Kommune\nHospital") == set()
    assert codes(partners="Kommune, hospital og apotek") == {"too_many_partners"}
    assert codes(purpose="") == {"no_purpose"}


def test_revisit_must_be_12_to_24_months_after_the_meeting():
    import datetime as dt

    assert scope_check(WELL_DELIMITED, taken_up_on=dt.date(2026, 3, 1)) == []
    flags = scope_check(WELL_DELIMITED, taken_up_on=dt.date(2027, 3, 1))
    assert [f.code for f in flags] == ["revisit_out_of_range"]


def test_measurable_goal_needs_a_value_and_a_date():
    assert is_measurable("Under 350 recepter pr. 1.000 patienter inden udgangen af december 2027")
    assert is_measurable("Mindst 36 % penicillin V i 2027")
    assert not is_measurable("Færre recepter i 2027")
    assert not is_measurable("Under 350 recepter pr. 1.000 patienter")


def test_sentences_are_counted_without_abbreviations():
    assert sentence_count("Vi vil fx bruge mindre medicin, bl.a. fluconazol.") == 1
    assert sentence_count("Første. Anden.") == 2
