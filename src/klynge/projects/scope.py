"""The scope check: flags a project description that is too big or diffuse, with reasons and fixes.

A pure function on plain values (no Django), so the page can run it on every keystroke and the tests
can run it on any text. The rules and their limits are documented in docs/brugervejledning-projects.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_GOALS = 3
MAX_INDICATORS = 3
MAX_PARTNERS = 2
MAX_PLAN_MONTHS = 12
MAX_PURPOSE_WORDS = 35
MAX_CHANGES = 3
MAX_WORDS = 900

MONTHS = (
    "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|okt|nov|dec"
)
DATE_RE = re.compile(
    r"(\b\d{1,2}/\d{1,2}[ /-]?\d{2,4}\b)|(\b\d{1,2}\.\d{1,2}\.\d{2,4}\b)|(\b20\d{2}-\d{2}-\d{2}\b)"
    r"|(\b(?:" + MONTHS + r")\.?\s+\d{4}\b)|(\b20\d{2}\b)|(\b(?:q|kvartal)\s?[1-4]\b)",
    re.IGNORECASE,
)
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?\s?%?")
SENTENCE_END_RE = re.compile(r"[.!?](?:\s+|$)")


@dataclass(frozen=True)
class Flag:
    code: str
    title: str
    reason: str
    fix: str


def lines(text: Any) -> list[str]:
    """Non-empty lines, with list bullets stripped."""
    if not text:
        return []
    if isinstance(text, list | tuple):
        return [str(t).strip() for t in text if str(t).strip()]
    result = []
    for line in str(text).splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip()
        if line:
            result.append(line)
    return result


def partner_list(text: Any) -> list[str]:
    parts = []
    for line in lines(text):
        parts.extend(p.strip() for p in re.split(r"[,;]| og ", line) if p.strip())
    return parts


def is_measurable(goal: str) -> bool:
    """A target value (a number that is not just the year) and a date."""
    has_date = bool(DATE_RE.search(goal))
    without_dates = DATE_RE.sub(" ", goal)
    has_number = bool(NUMBER_RE.search(without_dates))
    return has_date and has_number


def word_count(*texts: Any) -> int:
    return sum(len(str(t or "").split()) for t in texts)


def sentence_count(text: str) -> int:
    text = (text or "").strip()
    if not text:
        return 0
    # Abbreviations common in Danish clinical text do not end a sentence.
    cleaned = re.sub(r"\b(?:fx|f\.eks|bl\.a|ca|mv|dvs|pga|inkl|evt|osv)\.", "", text, flags=re.IGNORECASE)
    cleaned = re.sub(r"\d+\.\d+", "0", cleaned)
    ends = SENTENCE_END_RE.findall(cleaned)
    trailing = 0 if re.search(r"[.!?]\s*$", cleaned) else 1
    return max(1, len(ends) + trailing)


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.44


def scope_check(fields: Mapping[str, Any], *, taken_up_on: dt.date | None = None) -> list[Flag]:
    """The flags for a description; an empty list means it looks well delimited.

    `fields` holds the template's values as plain data: strings for the texts, `plan_months` as an
    int or None, `revisit_date` as a date or None, `lead_count` as an int, `indicator_codes` as a list.
    """
    return [flag for rule in RULES for flag in rule(fields, taken_up_on)]


def _goals(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """At least one goal, each with a target value and a date."""
    out: list[Flag] = []
    goals = lines(fields.get("goals"))
    if not goals:
        out.append(
            Flag(
                "no_measurable_goal",
                "Intet målbart mål",
                "Uden et mål med en målværdi og en dato kan klyngen ikke se, om projektet lykkes, og "
                "projektet har ingen naturlig afslutning.",
                "Skriv ét mål pr. linje med tal og dato, fx »Færre end 20 recepter på fluconazol pr. "
                "1.000 kvinder inden 1/6 2027«.",
            )
        )
    else:
        vague = [g for g in goals if not is_measurable(g)]
        if vague:
            out.append(
                Flag(
                    "no_measurable_goal",
                    "Mål uden målværdi og dato",
                    "Disse mål kan ikke måles: "
                    + "; ".join(f"»{g[:80]}«" for g in vague)
                    + ". Et SMART-mål er specifikt, målbart, accepteret, realistisk og tidsbestemt.",
                    "Giv hvert mål et tal (målværdi) og en dato, det skal være nået.",
                )
            )
    return out


def _goal_count(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """A few goals at most."""
    out: list[Flag] = []
    goals = lines(fields.get("goals"))
    if len(goals) > MAX_GOALS:
        out.append(
            Flag(
                "too_many_goals",
                f"Flere end {MAX_GOALS} mål",
                f"Projektet har {len(goals)} mål. Mange mål spreder kræfterne og gør projektet stort "
                "og diffust; en klynge når sjældent mere end et par forbedringer ad gangen.",
                f"Vælg de højst {MAX_GOALS} vigtigste mål, og gem resten til et senere projekt.",
            )
        )
    return out


def _indicators(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """At least one indicator, and a few at most."""
    out: list[Flag] = []
    indicators = lines(fields.get("indicators"))
    codes = lines(fields.get("indicator_codes"))
    n_indicators = max(len(indicators), len(codes))
    if n_indicators == 0:
        out.append(
            Flag(
                "no_indicator",
                "Ingen indikator",
                "Uden en indikator (tæller og nævner) er der intet at måle før og efter.",
                "Skriv mindst én indikator, fx »recepter på fluconazol (J02AC01) pr. 1.000 tilmeldte "
                "kvinder pr. år«.",
            )
        )
    elif n_indicators > MAX_INDICATORS:
        out.append(
            Flag(
                "too_many_indicators",
                f"Flere end {MAX_INDICATORS} indikatorer",
                f"Projektet har {n_indicators} indikatorer. Mange tal er svære at følge og at "
                "drøfte på ét klyngemøde.",
                f"Behold de højst {MAX_INDICATORS} indikatorer, der bedst viser, om målene nås.",
            )
        )
    return out


def _data_source(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """Where the figures come from."""
    out: list[Flag] = []
    if not str(fields.get("data_source") or "").strip():
        out.append(
            Flag(
                "no_data_source",
                "Ingen datakilde",
                "Et mål, der ikke kan hentes data til, kan ikke følges op; genbesøget bliver en "
                "snak uden tal.",
                "Skriv, hvor tallene kommer fra, fx ordiprax+, KIAP's datapakke, Sentinel eller "
                "egen optælling.",
            )
        )
    return out


def _target_population(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """Which patients the project is about."""
    out: list[Flag] = []
    if not str(fields.get("target_population") or "").strip():
        out.append(
            Flag(
                "no_target_population",
                "Ingen målgruppe",
                "Uden en afgrænset målgruppe vokser projektet til at handle om alle patienter.",
                "Skriv, hvilke patienter det gælder, fx »kvinder 18-65 år med gentagne svampeinfektioner«.",
            )
        )
    return out


def _lead(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """Exactly one lead."""
    out: list[Flag] = []
    lead_count = int(fields.get("lead_count") or 0)
    if lead_count != 1:
        out.append(
            Flag(
                "no_lead",
                "Ingen tovholder",
                "Et projekt uden én navngiven tovholder går let i stå mellem møderne.",
                "Vælg én tovholder i gruppen.",
            )
        )
    return out


def _time_plan_and_revisit(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """A time plan of a year at most, and a revisit 12-24 months after the meeting."""
    out: list[Flag] = []
    plan_months = fields.get("plan_months")
    revisit = fields.get("revisit_date")
    if isinstance(plan_months, int) and plan_months > MAX_PLAN_MONTHS:
        out.append(
            Flag(
                "long_time_plan",
                f"Tidsplan over {MAX_PLAN_MONTHS} måneder",
                f"Tidsplanen er {plan_months} måneder før genbesøget. Lange projekter mister fart, "
                "og klyngen skal nå flere projekter på to år.",
                "Del projektet op, eller skær tidsplanen ned til højst 12 måneder før genbesøget.",
            )
        )
    if not revisit:
        out.append(
            Flag(
                "no_revisit_date",
                "Ingen dato for genbesøg",
                "Genbesøget er dér, klyngen ser på data igen og ser, om ændringen holdt.",
                "Sæt en dato 12-24 måneder efter det møde, hvor projektet tages op.",
            )
        )
    elif taken_up_on and isinstance(revisit, dt.date):
        months = _months_between(taken_up_on, revisit)
        if months < 11.9 or months > 24.1:
            out.append(
                Flag(
                    "revisit_out_of_range",
                    "Genbesøg for tidligt eller for sent",
                    "Genbesøget skal ligge 12-24 måneder efter mødet, hvor projektet tages op: før "
                    "er ændringen ikke slået igennem i data, senere er den glemt.",
                    "Flyt datoen for genbesøg, så den ligger 12-24 måneder efter mødet.",
                )
            )
    return out


def _baseline(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """The figures before the change."""
    out: list[Flag] = []
    if not str(fields.get("baseline") or "").strip():
        out.append(
            Flag(
                "no_baseline",
                "Intet udgangspunkt (baseline)",
                "Uden et tal fra før ændringen kan man ikke se, om der er sket en forbedring.",
                "Skriv de nuværende tal for indikatoren, fx klyngens gennemsnit det seneste år.",
            )
        )
    return out


def _pdsa(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """At least one small test of change (PDSA)."""
    out: list[Flag] = []
    if not lines(fields.get("pdsa_cycles")):
        out.append(
            Flag(
                "no_pdsa",
                "Ingen PDSA-cyklus planlagt",
                "Forbedringsmodellen afprøver ændringer i små cyklusser (Plan-Do-Study-Act), før de "
                "indføres bredt; uden dem bliver projektet én stor ændring.",
                "Planlæg mindst én lille afprøvning: hvad, hvem, hvornår og hvordan den måles.",
            )
        )
    return out


def _purpose(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """A purpose in one sentence."""
    out: list[Flag] = []
    purpose = str(fields.get("purpose") or "").strip()
    if purpose:
        n_sentences = sentence_count(purpose)
        n_words = word_count(purpose)
        if n_sentences > 1 or n_words > MAX_PURPOSE_WORDS:
            out.append(
                Flag(
                    "purpose_not_one_sentence",
                    "Formålet er mere end én sætning",
                    f"Formålet fylder {n_sentences} sætninger og {n_words} ord. Kan formålet ikke "
                    "siges i én sætning, handler projektet sandsynligvis om flere ting.",
                    f"Skriv formålet i én sætning på højst {MAX_PURPOSE_WORDS} ord.",
                )
            )
    else:
        out.append(
            Flag(
                "no_purpose",
                "Intet formål",
                "Formålet er projektets retning; uden det kan gruppen ikke afgøre, hvad der hører til.",
                "Skriv i én sætning, hvad projektet skal forbedre for patienterne eller praksis.",
            )
        )
    return out


def _partners(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """A few partners at most."""
    out: list[Flag] = []
    partners = partner_list(fields.get("partners"))
    if len(partners) > MAX_PARTNERS:
        out.append(
            Flag(
                "too_many_partners",
                f"Flere end {MAX_PARTNERS} samarbejdspartnere",
                f"Projektet involverer {len(partners)} partnere ({', '.join(partners)}). Hver partner "
                "kræver møder og aftaler, og tempoet sættes af den langsomste.",
                "Start med den vigtigste partner, og tag de andre med i et senere projekt.",
            )
        )
    return out


def _changes(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """A few changes at a time."""
    out: list[Flag] = []
    changes = lines(fields.get("planned_changes"))
    if len(changes) > MAX_CHANGES:
        out.append(
            Flag(
                "too_many_changes",
                f"Flere end {MAX_CHANGES} planlagte ændringer",
                f"Der er {len(changes)} ændringer på én gang; så kan man ikke se, hvilken der virkede.",
                f"Vælg højst {MAX_CHANGES} ændringer og afprøv dem én ad gangen.",
            )
        )
    return out


def _length(fields: Mapping[str, Any], taken_up_on: dt.date | None) -> list[Flag]:
    """A description that colleagues read before the meeting."""
    out: list[Flag] = []
    words = word_count(
        fields.get("background"),
        fields.get("purpose"),
        fields.get("goals"),
        fields.get("planned_changes"),
        fields.get("time_plan"),
        fields.get("evaluation"),
    )
    if words > MAX_WORDS:
        out.append(
            Flag(
                "too_long",
                "Beskrivelsen er meget lang",
                f"Beskrivelsen fylder {words} ord. En lang beskrivelse er ofte et tegn på, at projektet "
                "er for bredt, og få kolleger læser den før mødet.",
                f"Skær ned til under {MAX_WORDS} ord: behold det, der er nødvendigt for at nå målene.",
            )
        )
    return out


# In the order the page lists the flags.
RULES = (
    _goals,
    _goal_count,
    _indicators,
    _data_source,
    _target_population,
    _lead,
    _time_plan_and_revisit,
    _baseline,
    _pdsa,
    _purpose,
    _partners,
    _changes,
    _length,
)
