"""The chair's annual report (formandsberetning) written as Danish prose from the year's facts.

Pure functions over the dataclasses in `facts`: no database, no Django. Every sentence comes from a
record; a section with nothing to say is left out, so nothing is said about what did not happen.
The result is Markdown: "#" for the title, "##" for sections, "-" for the list of next year's dates.
"""

from __future__ import annotations

from klynge.core.dates import day_month, day_span, short_date

from .danish import (
    count,
    join_and,
    lower_first,
    number_word,
    sentence,
    upper_first,
)
from .facts import (
    BOARD_MEETING,
    CLUSTER_MEETING,
    FACILITATOR,
    GENERAL_ASSEMBLY,
    HOSPITAL,
    KIAP,
    MUNICIPALITY,
    PRACTICE_CONSULTANT,
    RETREAT,
    SPEAKER,
    WORKSHOP,
    DecisionFact,
    GuestFact,
    MeetingFact,
    PlannedMeetingFact,
    ProjectFact,
    YearFacts,
)

MAJORITY = {
    "simple": "et simpelt flertal",
    "absolute": "et absolut flertal",
    "two_thirds": "et kvalificeret flertal på to tredjedele",
}
# A guest's role written before the name, as a chair would: »praksiskonsulent Hanne Holm (Region H)«.
ROLE_BEFORE_NAME = {PRACTICE_CONSULTANT: "praksiskonsulent", KIAP: "KIAP-konsulent"}
# Without an organisation, where the guest came from.
PLACE_OF_ROLE = {MUNICIPALITY: "kommunen", HOSPITAL: "hospitalet", KIAP: "KIAP"}
PLAN_LABEL = {
    GENERAL_ASSEMBLY: "Generalforsamling",
    CLUSTER_MEETING: "Klyngemøde",
    RETREAT: "Klyngeinternat",
    WORKSHOP: "Workshop",
    BOARD_MEETING: "Bestyrelsesmøde",
}


def compose(facts: YearFacts) -> str:
    """The whole draft as Markdown."""
    parts = [f"# Formandsberetning for {facts.year}"]
    parts.append(overview(facts))
    assemblies = facts.meetings_of(GENERAL_ASSEMBLY)
    if assemblies:
        heading = "Generalforsamlingen" if len(assemblies) == 1 else "Generalforsamlingerne"
        parts.append(section(heading, [assembly_paragraph(m, facts) for m in assemblies]))
    meetings = facts.meetings_of(CLUSTER_MEETING, WORKSHOP)
    if meetings:
        heading = "Klyngemødet" if len(meetings) == 1 else "Klyngemøderne"
        if all(m.kind == WORKSHOP for m in meetings):
            heading = "Workshoppen" if len(meetings) == 1 else "Workshopperne"
        parts.append(section(heading, [meeting_paragraph(m) for m in meetings]))
    retreats = facts.meetings_of(RETREAT)
    if retreats:
        heading = "Internatet" if len(retreats) == 1 else "Internaterne"
        parts.append(section(heading, [retreat_paragraph(m) for m in retreats]))
    if facts.other_decisions:
        sentences = []
        for decision in facts.other_decisions:
            sentences.append(
                f"Den {date_text(decision.date, facts.year)} stemte klyngen om et forslag uden for møderne."
            )
            sentences.extend(decision_sentences(decision, subject="Klyngen", year=facts.year))
        parts.append(section("Øvrige beslutninger", [" ".join(sentences)]))
    if facts.projects:
        parts.append(section("Klyngens projekter", [projects_paragraph(facts.projects, facts.year)]))
    if facts.doctors_attending:
        parts.append(section("Deltagelse", [attendance_paragraph(facts)]))
    if facts.next_year:
        parts.append(section(f"Møder i {facts.year + 1}", [next_year_text(facts.next_year, facts.year + 1)]))
    return "\n\n".join(p for p in parts if p) + "\n"


def section(heading: str, paragraphs: list[str]) -> str:
    body = "\n\n".join(p for p in paragraphs if p)
    return f"## {heading}\n\n{body}" if body else ""


def date_text(day, year: int) -> str:
    """ "14/3" within the report's year, "27/2 2023" outside it."""
    return day_month(day) if day.year == year else short_date(day)


def span_text(meeting: MeetingFact) -> str:
    return day_span(meeting.start, meeting.end)


# The opening paragraph -------------------------------------------------------------------------------


def overview(facts: YearFacts) -> str:
    meetings = facts.meetings_of(GENERAL_ASSEMBLY, CLUSTER_MEETING)
    workshops = facts.meetings_of(WORKSHOP)
    retreats = facts.meetings_of(RETREAT)
    held = []
    if meetings:
        held.append(count(len(meetings), "klyngemøde", "klyngemøder", neuter=True))
    if workshops:
        held.append(count(len(workshops), "workshop", "workshops"))
    if retreats:
        held.append(count(len(retreats), "internat", "internater", neuter=True))
    sentences = []
    if held:
        sentences.append(f"{facts.cluster_name} har i {facts.year} afholdt {join_and(held)}.")
    if len(meetings) == 1:
        sentences.append(f"Mødet blev afholdt {_overview_clause(meetings[0])}.")
    elif meetings:
        clauses = join_and([_overview_clause(m) for m in meetings])
        sentences.append(
            f"De {number_word(len(meetings), neuter=True)} møder blev afholdt henholdsvis {clauses}."
        )
    for kind, items in ((WORKSHOP, workshops), (RETREAT, retreats)):
        if not items:
            continue
        noun = {WORKSHOP: ("Workshoppen", "Workshopperne"), RETREAT: ("Internatet", "Internaterne")}[kind]
        clauses = join_and([_themed_clause(m) for m in items])
        sentences.append(f"{noun[0] if len(items) == 1 else noun[1]} blev afholdt {clauses}.")
    if facts.board_meetings:
        sentences.append(
            f"Bestyrelsen har desuden holdt {count(facts.board_meetings, 'bestyrelsesmøde', 'bestyrelsesmøder', neuter=True)}."
        )
    return " ".join(sentences)


def _overview_clause(meeting: MeetingFact) -> str:
    clause = f"den {span_text(meeting)}"
    if meeting.kind == GENERAL_ASSEMBLY:
        return clause + " som generalforsamling"
    if meeting.package:
        return clause + f" med en klyngepakke om {lower_first(meeting.package)}"
    if meeting.theme:
        return clause + f" med temaet {lower_first(meeting.theme)}"
    return clause


def _themed_clause(meeting: MeetingFact) -> str:
    clause = f"den {span_text(meeting)}"
    if meeting.venue:
        clause += f" på {meeting.venue}"
    if meeting.theme:
        clause += f" med temaet {lower_first(meeting.theme)}"
    return clause


# Meetings --------------------------------------------------------------------------------------------


def assembly_paragraph(meeting: MeetingFact, facts: YearFacts) -> str:
    sentences = []
    opening = f"Generalforsamlingen blev holdt den {span_text(meeting)}"
    if meeting.venue:
        opening += f" på {meeting.venue}"
    if meeting.theme:
        opening += f" med temaet {lower_first(meeting.theme)}"
    sentences.append(opening + ".")
    if meeting.topics:
        sentences.append(f"På dagsordenen var bl.a. {join_and([lower_first(t) for t in meeting.topics])}.")
    for decision in meeting.decisions:
        sentences.extend(decision_sentences(decision, subject="Generalforsamlingen", year=facts.year))
        if decision.effect_kind == "charter" and decision.adopted and facts.website:
            sentences.append(f"De er beskrevet på klyngens hjemmeside {display_url(facts.website)}.")
    sentences.extend(_recorded_sentences(meeting))
    sentences.extend(_what_was_done(meeting))
    if meeting.package:
        sentences.append(
            f"Efter generalforsamlingen var der gennemgang af en klyngepakke om {lower_first(meeting.package)}."
        )
    sentences.extend(_guest_sentences(meeting))
    sentences.extend(_idea_round_sentences(meeting))
    sentences.extend(_wish_sentences(meeting))
    return " ".join(sentences)


def meeting_paragraph(meeting: MeetingFact) -> str:
    noun = "workshoppen" if meeting.kind == WORKSHOP else "klyngemødet"
    sentences = []
    # Where the meeting was held, beside its date: »Til klyngemødet den 23/5 på Bernstorff Slot ...«.
    day = span_text(meeting) + (f" på {meeting.venue}" if meeting.venue else "")
    same = (
        meeting.theme and meeting.package and meeting.theme.strip().lower() == meeting.package.strip().lower()
    )
    if meeting.package and (same or not meeting.theme):
        sentences.append(
            f"Til {noun} den {day} blev klyngepakken om {lower_first(meeting.package)} gennemgået."
        )
    elif meeting.package:
        sentences.append(
            f"{upper_first(noun)} den {day} havde temaet {lower_first(meeting.theme)}, "
            f"og klyngepakken om {lower_first(meeting.package)} blev gennemgået."
        )
    elif meeting.theme:
        sentences.append(f"{upper_first(noun)} den {day} havde temaet {lower_first(meeting.theme)}.")
    else:
        sentences.append(f"{upper_first(noun)} den {day} blev holdt.")
    if meeting.topics:
        sentences.append(f"Der blev bl.a. talt om {join_and([lower_first(t) for t in meeting.topics])}.")
    sentences.extend(_what_was_done(meeting))
    sentences.extend(_guest_sentences(meeting))
    for decision in meeting.decisions:
        sentences.extend(decision_sentences(decision, subject="Mødet", year=meeting.start.year))
    sentences.extend(_recorded_sentences(meeting))
    sentences.extend(_idea_round_sentences(meeting))
    sentences.extend(_wish_sentences(meeting))
    return " ".join(sentences)


def retreat_paragraph(meeting: MeetingFact) -> str:
    sentences = []
    facilitators = [g for g in meeting.guests if g.role == FACILITATOR]
    speakers = [g for g in meeting.guests if g.role == SPEAKER]
    if facilitators:
        text = (
            f"Til internatet kom {join_and([guest_name(g) for g in facilitators])} og faciliterede forløbet"
        )
        topics = [t for g in facilitators for t in g.topics]
        if topics:
            text += f", hvor vi bl.a. fik talt om {join_and([lower_first(t) for t in topics])}"
        sentences.append(text + ".")
    for index, speaker in enumerate(speakers):
        lead = "Desuden havde vi besøg af" if index == 0 else "Vi havde også besøg af"
        if speaker.topics:
            topics = join_and([lower_first(t) for t in speaker.topics])
            sentences.append(f"{lead} {guest_name(speaker)}, som bl.a. fortalte om {topics}.")
        else:
            sentences.append(f"{lead} {guest_name(speaker)}, som holdt oplæg.")
    if meeting.topics:
        lead = "Der blev desuden talt om" if facilitators or speakers else "På programmet var bl.a."
        sentences.append(f"{lead} {join_and([lower_first(t) for t in meeting.topics])}.")
    sentences.extend(_what_was_done(meeting))
    sentences.extend(_guest_sentences(meeting, roles_done=(FACILITATOR, SPEAKER)))
    for decision in meeting.decisions:
        sentences.extend(decision_sentences(decision, subject="Internatet", year=meeting.start.year))
    sentences.extend(_recorded_sentences(meeting))
    sentences.extend(_idea_round_sentences(meeting))
    paragraph = " ".join(sentences)
    wishes = " ".join(_wish_sentences(meeting))
    return "\n\n".join(p for p in (paragraph, wishes) if p)


def guest_name(guest: GuestFact, *, with_role: bool = False) -> str:
    """»Åse Øberg (PLO)«; with the role when the sentence does not already say it:
    »praksiskonsulent Hanne Holm (Region Hovedstaden)«, »Birgitte Ærø (kommunen)«."""
    where = guest.organisation or (PLACE_OF_ROLE.get(guest.role, "") if with_role else "")
    name = f"{guest.name} ({where})" if where else guest.name
    role = ROLE_BEFORE_NAME.get(guest.role) if with_role else None
    return f"{role} {name}" if role else name


def _what_was_done(meeting: MeetingFact) -> list[str]:
    sentences = []
    if meeting.own_data:
        sentences.append(
            "Der blev bl.a. set på egne data"
            + (" indhentet via KIAP." if meeting.own_data_from_kiap else ".")
        )
    for survey in meeting.surveys:
        who = (
            count(survey.answered, "praksis", "praksis")
            if survey.unit == "praksis"
            else count(survey.answered, "medlem", "medlemmer", neuter=True)
        )
        source = " fra KIAP" if survey.from_kiap else ""
        if survey.before_meeting:
            sentences.append(f"Før mødet havde {who} svaret på spørgeskemaet »{survey.title}«{source}.")
        else:
            sentences.append(f"{upper_first(who)} svarede på spørgeskemaet »{survey.title}«{source}.")
    return sentences


def _guest_sentences(meeting: MeetingFact, roles_done: tuple[str, ...] = ()) -> list[str]:
    sentences = []
    if meeting.kind != RETREAT:
        facilitators = [g for g in meeting.guests if g.role == FACILITATOR]
        if facilitators:
            sentences.append(f"Mødet blev faciliteret af {join_and([guest_name(g) for g in facilitators])}.")
        for speaker in [g for g in meeting.guests if g.role == SPEAKER]:
            if speaker.topics:
                topics = join_and([lower_first(t) for t in speaker.topics])
                sentences.append(f"{guest_name(speaker)} holdt oplæg om {topics}.")
            else:
                sentences.append(f"{guest_name(speaker)} holdt oplæg.")
        roles_done = (FACILITATOR, SPEAKER)
    others = [g for g in meeting.guests if g.role not in roles_done]
    if others:
        sentences.append(f"Til mødet medvirkede {join_and([guest_name(g, with_role=True) for g in others])}.")
    return sentences


def _recorded_sentences(meeting: MeetingFact) -> list[str]:
    """Votes recorded in Klynge after the meeting are said to be, once for the meeting."""
    recorded = [d for d in meeting.decisions if d.recorded_afterwards]
    if not recorded:
        return []
    if len(recorded) == 1:
        return ["Afstemningen er registreret i Klynge efterfølgende."]
    return ["Afstemningerne er registreret i Klynge efterfølgende."]


def _idea_round_sentences(meeting: MeetingFact) -> list[str]:
    sentences = []
    for title, ideas in meeting.idea_rounds:
        text = f"På mødet holdt vi idérunden »{title}«"
        if ideas:
            text += f", hvor medlemmerne foreslog {count(ideas, 'idé', 'idéer')} til nye klyngeprojekter"
        sentences.append(text + ".")
    return sentences


def _wish_sentences(meeting: MeetingFact) -> list[str]:
    if not meeting.wishes:
        return []
    where = (
        "ved afslutningen af internatet" if meeting.kind == RETREAT else f"ved mødet den {span_text(meeting)}"
    )
    wishes = join_and([f"»{lower_first(w.rstrip('.'))}«" for w in meeting.wishes])
    lead = "Blandt ønskerne var" if len(meeting.wishes) > 1 else "Ønsket var"
    return [
        f"Det blev {where} diskuteret, hvilke emner der kunne være relevante at have med på næste internat.",
        f"{lead} {wishes}.",
    ]


# Decisions -------------------------------------------------------------------------------------------


def _votes(decision: DecisionFact) -> str:
    if decision.votes_for is None or decision.votes_against is None:
        return ""
    return f" ({decision.votes_for} for, {decision.votes_against} imod)"


def _until(decision: DecisionFact, year: int) -> str:
    if decision.until_next_general_assembly:
        if decision.next_general_assembly:
            return f"til næste generalforsamling den {short_date(decision.next_general_assembly)}"
        return "til næste generalforsamling"
    if decision.hold_until:
        day = date_text(decision.hold_until, year)
        return f"indtil en ny afstemning den {day}" if decision.hold_until_new_vote else f"indtil den {day}"
    return ""


def decision_sentences(decision: DecisionFact, *, subject: str, year: int) -> list[str]:
    """One decision and its effect, in one or two sentences (and whether the vote was secret)."""
    sentences = _decision_sentences(decision, subject=subject, year=year)
    if decision.secret:
        sentences.append("Afstemningen var hemmelig.")
    return sentences


def _confidence_sentences(decision: DecisionFact, *, subject: str, year: int) -> list[str]:
    """»Er der tillid til ...?«: a hold follows a no. Told as the seed tells it: »Et simpelt flertal stemte
    for, at der ikke var tillid ...«."""
    who = f"lægerne fra {decision.practice}" if decision.practice else "en praksis"
    until = _until(decision, year)
    majority = "et simpelt flertal" if decision.majority == "simple" else "et flertal"
    yes, no = decision.votes_for, decision.votes_against
    against = f" ({no} mod {yes} stemmer)" if yes is not None and no is not None else ""
    in_favour = f" ({yes} mod {no} stemmer)" if yes is not None and no is not None else ""
    if decision.effect_applied and decision.is_extension:
        where = {"Generalforsamlingen": "Ved generalforsamlingen", "Mødet": "Ved mødet"}.get(subject, subject)
        return [
            f"{where} stemte {majority} for, at der fortsat ikke var tillid til {who}{against}, og pausen "
            f"fra klyngemøderne blev forlænget {until}."
        ]
    question = f"Der var afstemning om, hvorvidt der var tillid til {who}."
    if decision.effect_applied:
        return [
            question,
            f"{upper_first(majority)} stemte for, at der ikke var tillid{against}, og deres deltagelse i "
            f"klyngemøderne blev sat på hold {until}.",
        ]
    if decision.adopted:
        return [
            question,
            f"{upper_first(majority)} stemte for, at der var tillid{in_favour}, og deres deltagelse i "
            "klyngemøderne fortsatte.",
        ]
    return [
        question,
        f"Der var ikke flertal for, at der ikke var tillid{_votes(decision)}, og deres deltagelse i "
        "klyngemøderne fortsatte.",
    ]


def _decision_sentences(decision: DecisionFact, *, subject: str, year: int) -> list[str]:
    majority = MAJORITY.get(decision.majority, "et flertal")
    votes = _votes(decision)
    question = quoted(decision.question)
    if decision.poll_kind == "multi":
        if not decision.elected:
            return [f"Ved valget {question} blev ingen valgt."]
        text = f"Ved valget {question} blev {join_and(decision.elected)} valgt"
        if decision.alternates:
            noun = "suppleant" if len(decision.alternates) == 1 else "suppleanter"
            text += f", og {join_and(decision.alternates)} blev {noun}"
        return [text + "."]
    if decision.poll_kind == "single":
        if decision.winner:
            return [f"Ved afstemningen om {question} fik »{decision.winner}« flest stemmer."]
        return [f"Ved afstemningen om {question} blev intet valgt."]
    if decision.effect_kind == "suspend" and decision.applies_if == "rejected":
        return _confidence_sentences(decision, subject=subject, year=year)
    if decision.effect_kind == "suspend":
        until = _until(decision, year)
        who = f"lægerne fra {decision.practice}" if decision.practice else "en praksis"
        if not decision.adopted:
            return [
                f"Der var afstemning om at sætte deltagelsen i klyngemøderne for {who} på hold, "
                f"men forslaget blev ikke vedtaget{votes}."
            ]
        if decision.is_extension:
            where = {"Generalforsamlingen": "Ved generalforsamlingen", "Mødet": "Ved mødet"}.get(
                subject, subject
            )
            return [
                f"{where} stemte {majority} for{votes}, at pausen fra klyngemøderne for {who} "
                f"blev forlænget {until}."
            ]
        return [
            f"Der var afstemning om at sætte deltagelsen i klyngemøderne for {who} på hold.",
            f"{upper_first(majority)} stemte for{votes}, og deltagelsen blev sat på hold {until}.",
        ]
    if decision.effect_kind == "charter":
        what = "et sæt af værdier, regler og mål" if decision.charter_kind == "values" else "nye vedtægter"
        if decision.adopted:
            return [f"{subject} vedtog med {majority}{votes} {what}."]
        return [f"Forslaget om {what} ({question}) blev ikke vedtaget{votes}."]
    if decision.effect_kind == "open_data":
        if decision.adopted:
            if decision.open_data:
                return [
                    f"{subject} besluttede med {majority}{votes}, at klyngens praksis deler deres data åbent med hinanden."
                ]
            return [
                f"{subject} besluttede med {majority}{votes}, at klyngens data er lukkede, så praksis vises under pseudonym."
            ]
        return [f"Forslaget {question} om klyngens data blev ikke vedtaget{votes}."]
    if decision.adopted:
        return [f"Forslaget {question} blev vedtaget med {majority}{votes}."]
    return [f"Forslaget {question} blev ikke vedtaget{votes}."]


def quoted(text: str) -> str:
    """»Skal vi have åbne data?« — without a "Forslag:" label or a final full stop."""
    text = (text or "").strip()
    if text.lower().startswith("forslag:"):
        text = upper_first(text[len("forslag:") :])
    return f"»{text.rstrip('.').strip()}«"


def display_url(url: str) -> str:
    text = url.strip()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if text.startswith("www."):
        text = text[4:]
    return text.rstrip("/")


# Projects, attendance and next year ------------------------------------------------------------------


def projects_paragraph(projects: list[ProjectFact], year: int) -> str:
    sentences = []
    started = [p for p in projects if p.started]
    if started:
        titles = join_and([f"»{p.title}«" for p in started])
        noun = count(len(started), "nyt klyngeprojekt", "nye klyngeprojekter", neuter=True)
        sentences.append(f"I {year} er {noun} sat i gang: {titles}.")
    taken_up = sorted([p for p in projects if p.taken_up], key=lambda p: p.taken_up)
    if taken_up:
        items = join_and([f"»{p.title}« den {date_text(p.taken_up, year)}" for p in taken_up])
        if len(taken_up) == 1:
            project = taken_up[0]
            sentences.append(
                f"Projektet »{project.title}« blev taget op på mødet den {date_text(project.taken_up, year)}."
            )
        else:
            sentences.append(
                f"Klyngen tog {count(len(taken_up), 'projekt', 'projekter', neuter=True)} op på møderne: {items}."
            )
    revisited = sorted([p for p in projects if p.revisited], key=lambda p: p.revisited)
    if len(revisited) == 1:
        project = revisited[0]
        sentences.append(
            f"Projektet »{project.title}« blev genbesøgt den {date_text(project.revisited, year)}, "
            "så vi kunne se på data igen."
        )
    elif revisited:
        items = join_and([f"»{p.title}« ({date_text(p.revisited, year)})" for p in revisited])
        sentences.append(f"Projekterne {items} blev genbesøgt, så vi kunne se på data igen.")
    return " ".join(sentences)


def attendance_paragraph(facts: YearFacts) -> str:
    doctors = count(facts.doctors_attending, "læge", "læger")
    practices = count(facts.practices_attending, "praksis", "praksis")
    return sentence(f"I alt deltog {doctors} fra {practices} i mindst ét møde")


def next_year_text(planned: list[PlannedMeetingFact], year: int) -> str:
    lines = [f"Følgende datoer er besluttet for møder i {year}:", ""]
    for meeting in planned:
        label = PLAN_LABEL.get(meeting.kind, "Møde")
        line = f"- {label} {day_span(meeting.start, meeting.end)}"
        if meeting.venue:
            line += f" {meeting.venue}"
        lines.append(line)
    return "\n".join(lines)
