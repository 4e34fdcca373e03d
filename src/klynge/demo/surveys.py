"""Demo records of the surveys capability.

Seed 000: before the cluster meeting on 29/8 2022 about referrals to municipal services, the members
answered a questionnaire; staff from the municipality's prevention and rehabilitation department
took part in the meeting, and the situation at Tranehaven was discussed. Here that questionnaire is
built, sent (without mail: it is history), answered anonymously by most members, put on the
meeting's agenda, and offered as a platform-wide template.
"""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.urls import reverse

from klynge.core.models import Cluster
from klynge.meetings import services as meeting_services
from klynge.meetings.models import MeetingKind, MeetingStatus
from klynge.surveys import services
from klynge.surveys.models import Invitation, QuestionKind

CPH = ZoneInfo("Europe/Copenhagen")
MEETING_DAY = dt.date(2022, 8, 29)

SERVICES = [
    "Rygestop",
    "Alkoholbehandling",
    "Forløb for kronisk sygdom (KOL, diabetes, hjerte)",
    "Genoptræning efter sundhedsloven",
    "Vægttab, kost og motion",
    "Stress og mental sundhed",
    "Midlertidigt ophold på Tranehaven",
]
BARRIERS = [
    "Jeg kender ikke tilbuddene godt nok",
    "Henvisningsvejen er besværlig",
    "Lang ventetid",
    "Patienterne ønsker det ikke",
    "Ingen tilbagemelding fra kommunen",
    "Tidspres i konsultationen",
]
WISHES = [
    "En samlet, opdateret oversigt over tilbuddene, gerne på sundhed.dk.",
    "Én indgang og ét telefonnummer for os i praksis.",
    "Tilbagemelding i en korrespondance, når et forløb er afsluttet.",
    "Kortere ventetid på genoptræning.",
    "Klarhed over, hvad der sker med pladserne på Tranehaven.",
    "Elektronisk henvisning i stedet for blanketter.",
    "Besøg af kommunens konsulent på et klyngemøde en gang om året.",
    "Tilbud på andre sprog end dansk.",
    "Aftentider i rygestopforløbene, så de erhvervsaktive kan deltage.",
    "Bedre koordinering, når patienten udskrives fra hospitalet.",
]


def _questions(survey) -> dict[str, int]:
    add = services.question_add
    ids = {}
    add(
        survey=survey,
        kind=QuestionKind.SECTION,
        text="Dine henvisninger",
        help_text="Tænk på det seneste år.",
    )
    ids["services"] = add(
        survey=survey,
        kind=QuestionKind.MULTIPLE,
        text="Hvilke af kommunens forebyggelses- og rehabiliteringstilbud har du henvist til?",
        options=SERVICES,
        required=True,
    ).pk
    ids["often"] = add(
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="Hvor ofte henviser du til et kommunalt tilbud?",
        options=["Hver uge", "Et par gange om måneden", "Omkring én gang om måneden", "Sjældnere", "Aldrig"],
        required=True,
    ).pk
    ids["count"] = add(
        survey=survey,
        kind=QuestionKind.NUMBER,
        text="Omtrent hvor mange patienter har du henvist de seneste tre måneder?",
        help_text="Et skøn er fint.",
    ).pk
    add(survey=survey, kind=QuestionKind.SECTION, text="Tilfredshed og barrierer")
    ids["satisfied"] = add(
        survey=survey,
        kind=QuestionKind.SCALE,
        text="Hvor tilfreds er du samlet set med kommunens tilbud?",
        scale_min_label="Meget utilfreds",
        scale_max_label="Meget tilfreds",
        required=True,
    ).pk
    ids["easy"] = add(
        survey=survey,
        kind=QuestionKind.SCALE,
        text="Hvor let er det at finde ud af, hvilke tilbud der findes?",
        scale_min_label="Meget svært",
        scale_max_label="Meget let",
    ).pk
    ids["barriers"] = add(
        survey=survey,
        kind=QuestionKind.MULTIPLE,
        text="Hvad holder dig tilbage fra at henvise oftere?",
        options=BARRIERS,
    ).pk
    ids["feedback"] = add(
        survey=survey,
        kind=QuestionKind.YES_NO,
        text="Får du tilbagemelding fra kommunen, når en patient har afsluttet et forløb?",
    ).pk
    add(survey=survey, kind=QuestionKind.SECTION, text="Dine ønsker")
    ids["wishes"] = add(
        survey=survey,
        kind=QuestionKind.TEXT,
        text="Hvad ønsker du dig af kommunen?",
        help_text="Dit svar vises anonymt på mødet, hvor kommunens medarbejdere deltager.",
    ).pk
    return ids


def _answers(rng: random.Random, ids: dict[str, int]) -> dict[int, object]:
    weights = [0.5, 0.35, 0.8, 0.6, 0.3, 0.25, 0.45]
    chosen = [i for i, w in enumerate(weights) if rng.random() < w] or [2]
    satisfied = rng.choices([1, 2, 3, 4, 5], weights=[1, 3, 6, 5, 1])[0]
    answers = {
        ids["services"]: chosen,
        ids["often"]: rng.choices(range(5), weights=[2, 5, 4, 3, 0.3])[0],
        ids["satisfied"]: satisfied,
        ids["easy"]: rng.choices([1, 2, 3, 4, 5], weights=[3, 5, 4, 2, 1])[0],
        ids["barriers"]: [i for i, w in enumerate([0.55, 0.4, 0.35, 0.2, 0.5, 0.3]) if rng.random() < w],
        ids["feedback"]: rng.random() < 0.3,
    }
    if rng.random() < 0.85:
        answers[ids["count"]] = rng.choice([2, 3, 4, 5, 5, 6, 8, 10, 12, 15])
    if rng.random() < 0.6:
        answers[ids["wishes"]] = rng.choice(WISHES)
    return answers


def _meeting(cluster: Cluster):
    meeting = cluster.meetings.filter(starts_at__date=MEETING_DAY).order_by("starts_at").first()
    if meeting is not None:
        return meeting
    return meeting_services.meeting_create(
        cluster=cluster,
        kind=MeetingKind.CLUSTER_MEETING,
        title="Klyngemøde: henvisninger til kommunale tilbud",
        theme="Henvisninger til kommunale tilbud",
        starts_at=dt.datetime(2022, 8, 29, 17, 0, tzinfo=CPH),
        ends_at=dt.datetime(2022, 8, 29, 20, 0, tzinfo=CPH),
        venue_name="Bernstorff Slot",
        status=MeetingStatus.HELD,
    )


def build_surveys(today: dt.date | None = None) -> None:
    rng = random.Random(829)
    gentofte = Cluster.objects.get(slug="gentofte")
    meeting = _meeting(gentofte)
    survey = services.survey_create(
        cluster=gentofte,
        title="Henvisninger til kommunale tilbud",
        intro=(
            "Til klyngemødet den 29/8 kommer medarbejdere fra kommunens afdeling for forebyggelse og "
            "rehabilitering. Svar gerne, så vi kan tage udgangspunkt i jeres erfaringer. Det tager 5 minutter."
        ),
        meeting=meeting,
        anonymous=True,
        min_responses=3,
        opens_on=dt.date(2022, 8, 8),
        closes_on=dt.date(2022, 8, 25),
    )
    ids = _questions(survey)
    services.survey_send(survey=survey, send_mail=False, now=dt.datetime(2022, 8, 8, 9, 0, tzinfo=CPH))
    invitations = list(
        Invitation.objects.filter(survey=survey).select_related("person").order_by("person__name")
    )
    for invitation in invitations:
        if rng.random() < 0.82:
            day = dt.date(2022, 8, 8) + dt.timedelta(days=rng.randint(0, 16))
            services.survey_answer(
                survey=survey, person=invitation.person, answers=_answers(rng, ids), today=day
            )
    services.survey_put_on_agenda(
        survey=survey, results_url=reverse("surveys:results", args=[gentofte.slug, survey.pk])
    )
    # The same questionnaire in the platform's library, for other clusters to copy.
    services.survey_copy(
        source=survey, cluster=None, as_template=True, title="KIAP: Henvisninger til kommunale tilbud"
    )
    trivsel = services.survey_create(
        cluster=None,
        title="Trivsel og arbejdsbyrde i praksis",
        intro="Kort spørgeskema før et internat om det gode lægeliv.",
        is_template=True,
    )
    services.question_add(
        survey=trivsel,
        kind=QuestionKind.SCALE,
        text="Hvordan trives du i dit arbejde lige nu?",
        scale_min_label="Meget dårligt",
        scale_max_label="Meget godt",
        required=True,
    )
    services.question_add(
        survey=trivsel,
        kind=QuestionKind.MULTIPLE,
        text="Hvilke opgaver kunne praksis uddelegere mere?",
        options=[
            "Kroniske kontroller",
            "Receptfornyelser",
            "Blodprøver",
            "Vaccinationer",
            "Administrative opgaver",
        ],
    )
    services.question_add(
        survey=trivsel,
        kind=QuestionKind.NUMBER,
        text="Hvor mange timer arbejder du i en typisk uge?",
    )
    services.question_add(survey=trivsel, kind=QuestionKind.TEXT, text="Hvad ville gøre den største forskel?")
