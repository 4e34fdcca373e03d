"""A real cluster moves in: its whole 2025 recorded after the fact through the API alone, then its report.

Klynge Kystvejen (not in the demo) comes to Klynge in December. Platform staff create the cluster and
its chair; the chair builds the register with the real dates of memberships and roles, records the
year's meetings, attendance, two confidence votes and a vote on values with their counts, a
questionnaire sent before a meeting with how many answered, guests, the retreat's wishes and next year's
plan, then drafts the annual report. The report is checked fact by fact, and the rules of each day
(who could vote, who was on hold) are checked where they bite.

Only two steps are not the API: each person's first login on the web (a token is made by someone
logged in), and the test's own set-up of the platform staff account.
"""

import datetime as dt

import pytest

from klynge.core.models import MembershipStatus, Person, RoleAssignment
from klynge.core.selectors import membership_status
from klynge.decisions.models import Ballot, Decision, Turnout
from tests.api.client import Api

pytestmark = pytest.mark.django_db

SLUG = "kystvejen"
YEAR = 2025
PRACTICES = {
    "Lægerne ved Kysten": ("412001", "2019-05-01"),
    "Sølyst Lægehus": ("412002", "2019-05-01"),
    "Skovshoved Lægehus": ("412003", "2020-01-01"),
    "Klampenborg Lægecenter": ("412004", "2021-09-01"),
    "Ordrup Lægepraksis": ("412005", "2023-02-01"),
}
FIRST_NAMES = ["Anne", "Bo", "Cecilie", "Dorte"]


def at(day: str, time: str = "17:00") -> str:
    """A Copenhagen time in ISO form: 2025-03-10 → 2025-03-10T17:00:00+01:00 (or +02:00 in summer)."""
    offset = "+02:00" if "03-30" <= day[5:] <= "10-26" else "+01:00"
    return f"{day}T{time}:00{offset}"


def login_and_token(client, person) -> Api:
    """The person's first login is on the web; from there on the API (the token is made through it)."""
    client.force_login(person)
    secret = Api(client).post("/me/tokens", {"name": "Klyngens regneark"})["secret"]
    client.logout()
    return Api(client, secret=secret)


def check_in(chair, meeting_id, people, expect=200):
    for person_id in people:
        chair.post(
            f"/clusters/{SLUG}/meetings/{meeting_id}/attendance", {"person_id": person_id}, expect=expect
        )


def meeting(chair, kind, title, day, *, end_day=None, start="17:00", end="20:00", venue, **extra):
    return chair.post(
        f"/clusters/{SLUG}/meetings",
        {
            "kind": kind,
            "title": title,
            "starts_at": at(day, start),
            "ends_at": at(end_day or day, end),
            "venue_name": venue,
            "status": "held",
            **extra,
        },
    )


@pytest.fixture
def recorded_year(client):
    staff = Person.objects.create_user(
        "drift@klynge.example", "en-god-adgangskode-42", name="Drift", is_staff=True
    )
    platform = login_and_token(client, staff)

    # Platform staff create the cluster and its chair, with the day the chair took office.
    platform.post(
        "/clusters",
        {"name": "Klynge Kystvejen", "slug": SLUG, "region": "hovedstaden", "founded": "2019-05-01"},
    )
    chair_id = platform.post(
        f"/clusters/{SLUG}/people",
        {
            "name": "Frida Formand",
            "email": "frida@kysten.example",
            "role": "formand",
            "starts_on": "2024-03-11",
        },
    )["id"]
    chair = login_and_token(client, Person.objects.get(pk=chair_id))
    chair.patch(
        f"/clusters/{SLUG}/settings",
        {
            "website": "https://www.kystvejen-klynge.dk/",
            "municipalities": "Gentofte",
            "motion_deadline_days": 14,
        },
    )

    # The register: practices with their join dates, doctors from the day they joined.
    practices = {
        name: chair.post(
            f"/clusters/{SLUG}/practices",
            {"name": name, "provider_number": number, "joined_on": joined, "city": "Gentofte"},
        )["id"]
        for name, (number, joined) in PRACTICES.items()
    }
    chair.patch(f"/clusters/{SLUG}/people/{chair_id}", {"practice_id": practices["Lægerne ved Kysten"]})
    doctors: dict[str, list[int]] = {}
    for index, (name, practice_id) in enumerate(practices.items()):
        doctors[name] = [
            chair.post(
                f"/clusters/{SLUG}/people",
                {
                    "name": f"{first} {name.split()[0]}",
                    "email": f"{first.lower()}.{index}@kysten.example",
                    "practice_id": practice_id,
                    "starts_on": PRACTICES[name][1],
                    "send_invitation": False,
                },
            )["id"]
            for first in FIRST_NAMES
        ]
    # A second role, and a board period that has ended: the coordinator is also a member, the
    # treasurer served from one general assembly to the next.
    coordinator = doctors["Skovshoved Lægehus"][0]
    chair.post(
        f"/clusters/{SLUG}/people/{coordinator}/roles",
        {"role": "klyngekoordinator", "starts_on": "2024-03-11"},
    )
    chair.post(
        f"/clusters/{SLUG}/people/{doctors['Ordrup Lægepraksis'][0]}/roles",
        {"role": "kasserer", "starts_on": "2024-03-11", "ends_on": "2025-03-10"},
    )
    late = chair.post(
        f"/clusters/{SLUG}/people",
        {
            "name": "Lise Nytilkommen",
            "email": "lise@kysten.example",
            "practice_id": practices["Ordrup Lægepraksis"],
            "starts_on": "2025-06-01",
            "send_invitation": False,
        },
    )["id"]

    package = chair.post(
        f"/clusters/{SLUG}/packages",
        {"title": "Iskæmisk hjertesygdom", "source": "kiap", "ordered_on": "2025-01-10"},
    )["id"]

    # 10/3: the general assembly. Everybody came; the values were adopted (secret ballot), and the
    # assembly had no confidence in Sølyst Lægehus until a new vote on 1/9.
    ga = meeting(
        chair,
        "generalforsamling",
        "Generalforsamling 2025",
        "2025-03-10",
        venue="Bernstorff Slot",
        with_template=True,
    )["id"]
    everybody = [chair_id, *[p for people in doctors.values() for p in people]]
    check_in(chair, ga, everybody)
    refused = chair.post(f"/clusters/{SLUG}/meetings/{ga}/attendance", {"person_id": late}, expect=400)
    debate = chair.post(f"/clusters/{SLUG}/meetings/{ga}/agenda", {"title": "Værdidebat", "position": 2})[
        "id"
    ]
    trust = chair.post(f"/clusters/{SLUG}/meetings/{ga}/agenda", {"title": "Tillid til Sølyst Lægehus"})["id"]
    values = chair.post(
        f"/clusters/{SLUG}/recorded-polls",
        {
            "question": "Skal klyngen vedtage værdier, regler og mål?",
            "agenda_item_id": debate,
            "secret": True,
            "counts": {"yes": 14, "no": 2, "abstain": 1},
            "effect": {
                "kind": "charter",
                "charter_kind": "values",
                "text": "Vi møder forberedte og deler data.",
            },
        },
    )
    no_confidence = chair.post(
        f"/clusters/{SLUG}/recorded-polls",
        {
            "question": "Er der tillid til Sølyst Lægehus' fortsatte deltagelse i klyngemøderne?",
            "agenda_item_id": trust,
            "counts": {"yes": 6, "no": 11},
            "effect": {
                "kind": "suspend",
                "applies_if": "rejected",
                "practice_id": practices["Sølyst Lægehus"],
                "ends_on": "2025-09-01",
                "reason": "Manglende forberedelse og deltagelse",
            },
        },
    )

    # 19/5: the KIAP package on ischaemic heart disease, with own data; Sølyst Lægehus is on hold.
    may = meeting(
        chair,
        "klyngemoede",
        "Klyngemøde om hjertet",
        "2025-05-19",
        venue="Bernstorff Slot",
        package_id=package,
    )["id"]
    chair.post(f"/clusters/{SLUG}/meetings/{may}/agenda", {"title": "Egne data fra KIAP: statiner"})
    chair.post(f"/clusters/{SLUG}/meetings/{may}/agenda", {"title": "Forløbsplaner for hjertesygdom"})
    present_may = [
        chair_id,
        *doctors["Lægerne ved Kysten"],
        *doctors["Skovshoved Lægehus"],
        *doctors["Ordrup Lægepraksis"][:2],
    ]
    check_in(chair, may, present_may)
    on_hold = chair.post(
        f"/clusters/{SLUG}/meetings/{may}/attendance", {"person_id": doctors["Sølyst Lægehus"][0]}, expect=400
    )

    # 1/9: referrals to municipal services, with a questionnaire before it, a practice consultant and the
    # municipality; the hold is extended to the next general assembly.
    september = meeting(
        chair,
        "klyngemoede",
        "Klyngemøde om kommunale tilbud",
        "2025-09-01",
        venue="Gentofte Rådhus",
        theme="Henvisninger til kommunale tilbud",
    )["id"]
    survey = chair.post(
        f"/clusters/{SLUG}/surveys",
        {
            "title": "Henvisninger til kommunale tilbud",
            "meeting_id": september,
            "opens_on": "2025-08-08",
            "closes_on": "2025-08-25",
            "questions": [{"kind": "yesno", "text": "Henviser du via SOFT?"}],
        },
    )["id"]
    sent = chair.post(f"/clusters/{SLUG}/surveys/{survey}/send", {"sent_on": "2025-08-08"}, expect=200)
    chair.put(f"/clusters/{SLUG}/surveys/{survey}/recorded-answers", {"answered": 14})
    consultant = chair.post(
        f"/clusters/{SLUG}/meetings/{september}/guests",
        {
            "name": "Hanne Holm",
            "email": "hanne@regionh.example",
            "organisation": "Region Hovedstaden",
            "role": "praksiskonsulent",
        },
    )
    chair.post(
        f"/clusters/{SLUG}/meetings/{september}/guests",
        {
            "name": "Karen Kok",
            "email": "karen@gentofte.example",
            "organisation": "Gentofte Kommune, Forebyggelse og Rehabilitering",
            "role": "kommune",
        },
    )
    chair.post(f"/clusters/{SLUG}/meetings/{september}/agenda", {"title": "Situationen på Tranehaven"})
    extension_item = chair.post(
        f"/clusters/{SLUG}/meetings/{september}/agenda", {"title": "Ny afstemning om tillid"}
    )["id"]
    present_september = [
        chair_id,
        *doctors["Lægerne ved Kysten"],
        *doctors["Skovshoved Lægehus"],
        *doctors["Klampenborg Lægecenter"],
        *doctors["Ordrup Lægepraksis"][:2],
        late,
        consultant["person_id"],
    ]
    check_in(chair, september, present_september)
    extension = chair.post(
        f"/clusters/{SLUG}/recorded-polls",
        {
            "question": "Er der nu tillid til Sølyst Lægehus' fortsatte deltagelse i klyngemøderne?",
            "agenda_item_id": extension_item,
            "counts": {"yes": 4, "no": 10},
            "effect": {
                "kind": "suspend",
                "applies_if": "rejected",
                "practice_id": practices["Sølyst Lægehus"],
                "until_next_general_assembly": True,
            },
        },
    )

    # 7/11-8/11: the retreat, with a facilitator and a speaker, and the wishes for the next retreat.
    retreat = meeting(
        chair,
        "internat",
        "Internat 2025",
        "2025-11-07",
        end_day="2025-11-08",
        start="09:00",
        end="15:00",
        venue="Hotel Marienlyst",
        theme="Trivsel og arbejdsglæde",
    )["id"]
    facilitator = chair.post(
        f"/clusters/{SLUG}/meetings/{retreat}/guests",
        {
            "name": "Heidrun Bøg",
            "email": "heidrun@trivsel.example",
            "organisation": "Trivselshuset",
            "role": "facilitator",
        },
    )
    speaker = chair.post(
        f"/clusters/{SLUG}/meetings/{retreat}/guests",
        {"name": "Jonas Sand", "email": "jonas@plo.example", "organisation": "PLO", "role": "oplaegsholder"},
    )
    chair.post(
        f"/clusters/{SLUG}/meetings/{retreat}/agenda",
        {"title": "Organisering og uddelegering i klinikkerne", "responsible_id": facilitator["person_id"]},
    )
    chair.post(
        f"/clusters/{SLUG}/meetings/{retreat}/agenda",
        {"title": "PLOs rolle i dag og i fremtiden", "responsible_id": speaker["person_id"]},
    )
    for wish in ("Fortsat fokus på det gode lægeliv og trivsel", "Klagesager og kritik"):
        chair.post(f"/clusters/{SLUG}/meetings/{retreat}/notes", {"text": wish, "kind": "retreat_wish"})
    check_in(chair, retreat, [chair_id, *doctors["Lægerne ved Kysten"], *doctors["Klampenborg Lægecenter"]])
    board = meeting(chair, "bestyrelsesmoede", "Bestyrelsesmøde", "2025-10-06", venue="Lægerne ved Kysten")[
        "id"
    ]
    check_in(chair, board, [chair_id, coordinator])

    # Next year's dates and venues, decided at the retreat.
    chair.post(
        f"/clusters/{SLUG}/year-plan",
        {
            "entries": [
                {
                    "kind": "generalforsamling",
                    "starts_at": at("2026-03-02"),
                    "ends_at": at("2026-03-02", "20:00"),
                    "venue_name": "Bernstorff Slot",
                },
                {
                    "kind": "klyngemoede",
                    "starts_at": at("2026-05-18"),
                    "ends_at": at("2026-05-18", "20:00"),
                    "venue_name": "Bernstorff Slot",
                },
                {
                    "kind": "klyngemoede",
                    "starts_at": at("2026-09-07"),
                    "ends_at": at("2026-09-07", "20:00"),
                    "venue_name": "Gentofte Rådhus",
                },
                {
                    "kind": "internat",
                    "starts_at": at("2026-11-06", "09:00"),
                    "ends_at": at("2026-11-07", "15:00"),
                    "venue_name": "Marienlyst",
                },
            ]
        },
    )
    draft = chair.get(f"/clusters/{SLUG}/annual-reports/{YEAR}/draft")
    return {
        "chair": chair,
        "chair_id": chair_id,
        "practices": practices,
        "doctors": doctors,
        "late": late,
        "refused": refused,
        "on_hold": on_hold,
        "values": values,
        "no_confidence": no_confidence,
        "extension": extension,
        "sent": sent,
        "text": draft["text"],
    }


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_report_of_a_year_recorded_afterwards_reads_like_one_lived_in_klynge(recorded_year):
    text = flat(recorded_year["text"])
    facts = [
        "# Formandsberetning for 2025",
        # The year at a glance.
        "Klynge Kystvejen har i 2025 afholdt tre klyngemøder og et internat.",
        "De tre møder blev afholdt henholdsvis den 10/3 som generalforsamling, den 19/5 med en klyngepakke om "
        "iskæmisk hjertesygdom og den 1/9 med temaet henvisninger til kommunale tilbud.",
        "Internatet blev afholdt den 7/11-8/11 på Hotel Marienlyst med temaet trivsel og arbejdsglæde.",
        "Bestyrelsen har desuden holdt et bestyrelsesmøde.",
        # The general assembly: its venue, the values (secret ballot) and the confidence vote.
        "Generalforsamlingen blev holdt den 10/3 på Bernstorff Slot.",
        "Generalforsamlingen vedtog med et simpelt flertal (14 for, 2 imod) et sæt af værdier, regler og mål. "
        "Afstemningen var hemmelig.",
        "De er beskrevet på klyngens hjemmeside kystvejen-klynge.dk.",
        "Der var afstemning om, hvorvidt der var tillid til lægerne fra Sølyst Lægehus. Et simpelt flertal stemte "
        "for, at der ikke var tillid (11 mod 6 stemmer), og deres deltagelse i klyngemøderne blev sat på hold "
        "indtil en ny afstemning den 1/9.",
        "Afstemningerne er registreret i Klynge efterfølgende.",
        # 19/5: the package, where it was held, own data from KIAP.
        "Til klyngemødet den 19/5 på Bernstorff Slot blev klyngepakken om iskæmisk hjertesygdom gennemgået.",
        "Der blev bl.a. talt om forløbsplaner for hjertesygdom.",
        "Der blev bl.a. set på egne data indhentet via KIAP.",
        # 1/9: venue, questionnaire before the meeting, guests with their roles, the extension.
        "Klyngemødet den 1/9 på Gentofte Rådhus havde temaet henvisninger til kommunale tilbud.",
        "Der blev bl.a. talt om situationen på Tranehaven.",
        "Før mødet havde 14 medlemmer svaret på spørgeskemaet »Henvisninger til kommunale tilbud«.",
        "Til mødet medvirkede praksiskonsulent Hanne Holm (Region Hovedstaden) og Karen Kok (Gentofte Kommune, "
        "Forebyggelse og Rehabilitering).",
        "Ved mødet stemte et simpelt flertal for, at der fortsat ikke var tillid til lægerne fra Sølyst Lægehus "
        "(10 mod 4 stemmer), og pausen fra klyngemøderne blev forlænget til næste generalforsamling den 2/3 2026.",
        "Afstemningen er registreret i Klynge efterfølgende.",
        # The retreat.
        "Til internatet kom Heidrun Bøg (Trivselshuset) og faciliterede forløbet, hvor vi bl.a. fik talt om "
        "organisering og uddelegering i klinikkerne.",
        "Desuden havde vi besøg af Jonas Sand (PLO), som bl.a. fortalte om PLOs rolle i dag og i fremtiden.",
        "Det blev ved afslutningen af internatet diskuteret, hvilke emner der kunne være relevante at have med på "
        "næste internat.",
        "Blandt ønskerne var »fortsat fokus på det gode lægeliv og trivsel« og »klagesager og kritik«.",
        # Who took part: the chair, the 20 doctors of the register and the member who joined in June.
        "I alt deltog 22 læger fra fem praksis i mindst ét møde.",
        # Next year.
        "Følgende datoer er besluttet for møder i 2026:",
        "- Generalforsamling 2/3 Bernstorff Slot",
        "- Klyngemøde 18/5 Bernstorff Slot",
        "- Klyngemøde 7/9 Gentofte Rådhus",
        "- Klyngeinternat 6/11-7/11 Marienlyst",
    ]
    missing = [fact for fact in facts if flat(fact) not in text]
    assert missing == [], "\n".join(missing) + "\n\n" + recorded_year["text"]
    # Nothing backwards, nothing of today.
    assert "ikke vedtaget" not in text and "Stemmelighed" not in text
    assert "Bestyrelsesmøde" not in text and "Lægerne ved Kysten" not in text


def test_the_rules_of_each_day_held(recorded_year):
    # Back-dated check-ins: the late member was not a member on 10/3; Sølyst Lægehus was on hold on 19/5.
    assert "den 10/3 2025" in recorded_year["refused"]["detail"]
    assert "den 19/5 2025" in recorded_year["on_hold"]["detail"]
    # The real dates of the register, not today.
    chair = recorded_year["chair"]
    assert RoleAssignment.objects.get(person_id=recorded_year["late"]).starts_on == dt.date(2025, 6, 1)
    treasurer = chair.get(
        f"/clusters/{SLUG}/people/{recorded_year['doctors']['Ordrup Lægepraksis'][0]}/roles"
    )
    assert ("kasserer", "2024-03-11", "2025-03-10") in {
        (r["role"], r["starts_on"], r["ends_on"]) for r in treasurer
    }
    solyst = recorded_year["practices"]["Sølyst Lægehus"]
    membership = (
        Person.objects.get(pk=recorded_year["chair_id"])
        .role_assignments.first()
        .cluster.memberships.get(practice_id=solyst)
    )
    assert membership.joined_on == dt.date(2019, 5, 1)
    assert membership_status(membership, dt.date(2025, 3, 9)) == MembershipStatus.ACTIVE
    assert membership_status(membership, dt.date(2025, 6, 1)) == MembershipStatus.SUSPENDED
    assert membership_status(membership, dt.date(2026, 3, 1)) == MembershipStatus.SUSPENDED
    assert membership_status(membership, dt.date(2026, 3, 2)) == MembershipStatus.ACTIVE
    # The questionnaire went to the members of 8/8 (not those on hold), with no mail.
    assert recorded_year["sent"]["recipients"] == 18
    # The votes: recorded afterwards, numbered per cluster and year, with no ballots of the secret one.
    assert [recorded_year[k]["reference"] for k in ("values", "no_confidence", "extension")] == [
        "Beslutning nr. 1 af 10/3 2025",
        "Beslutning nr. 2 af 10/3 2025",
        "Beslutning nr. 3 af 1/9 2025",
    ]
    assert recorded_year["no_confidence"]["outcome"] == "Der var ikke tillid"
    assert recorded_year["values"]["secret"] and not Ballot.objects.exists() and not Turnout.objects.exists()
    assert all(d.recorded_afterwards for d in Decision.objects.all())
    # The minutes of each poll's agenda item hold its decision.
    minutes = chair.get(f"/clusters/{SLUG}/meetings/{recorded_year['values']['meeting_id']}/minutes")
    trust = next(i for i in minutes["items"] if i["title"] == "Tillid til Sølyst Lægehus")
    assert (
        "Der var ikke tillid" in trust["decisions"]
        and "sat på hold fra 10/3 2025 til 1/9 2025" in trust["decisions"]
    )
    # The saved report and its exports come through the API too.
    saved = chair.post(f"/clusters/{SLUG}/annual-reports/{YEAR}")
    assert flat(saved["generated_text"]) == flat(recorded_year["text"])
    markdown = chair._call("get", f"/clusters/{SLUG}/annual-reports/{YEAR}/export/md", expect=200)
    assert "stemte for, at der ikke var tillid" in markdown.content.decode()
