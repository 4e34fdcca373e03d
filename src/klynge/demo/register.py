"""The two demo clusters of the source texts, with invented practices and people."""

import datetime as dt
import functools
import random
import unicodedata

from django.contrib.auth.hashers import make_password

from klynge.core import services
from klynge.core.models import Person, Region, Role, Title

from .people import NameMaker

DEMO_PASSWORD = "klynge-demo"

GENTOFTE_PRACTICES = [
    ("Strandvejens Lægehus", "Strandvejen 112", "2900", "Hellerup", 3),
    ("Lægerne ved Bernstorffsvej", "Bernstorffsvej 40", "2900", "Hellerup", 3),
    ("Gentofte Lægeklinik", "Gentoftegade 55", "2820", "Gentofte", 4),
    ("Ordrup Lægehus", "Ordrupvej 80", "2920", "Charlottenlund", 2),
    ("Jægersborg Allé Lægerne", "Jægersborg Allé 18", "2920", "Charlottenlund", 3),
    ("Lægehuset i Dyssegård", "Dyssegårdsvej 6", "2870", "Dyssegård", 2),
    ("Vangede Lægecenter", "Vangede Bygade 70", "2820", "Gentofte", 3),
    ("Klinikken ved Hellerup Station", "Ryvangs Allé 2", "2900", "Hellerup", 2),
    ("Lægerne på Søborg Hovedgade", "Søborg Hovedgade 120", "2860", "Søborg", 2),
    ("Skovshoved Lægepraksis", "Krogebjergvej 3", "2930", "Klampenborg", 2),
    ("Kildegårdens Lægehus", "Kildegårdsvej 14", "2900", "Hellerup", 2),
    ("Lægerne i Tranegården", "Tranegårdsvej 20", "2900", "Hellerup", 2),
]

OSTERBRO_STREETS = [
    "Østerbrogade",
    "Nordre Frihavnsgade",
    "Trianglen",
    "Strandboulevarden",
    "Classensgade",
    "Århusgade",
    "Jagtvej",
    "Nørre Allé",
    "Ryesgade",
    "Willemoesgade",
    "Kastelsvej",
    "Bryggervangen",
    "Vognmandsmarken",
    "Randersgade",
    "Holsteinsgade",
    "Rosenvængets Allé",
    "Odensegade",
    "Serridslevvej",
    "Sionsgade",
    "Gunnar Nu Hansens Plads",
    "Vibenshus Runddel",
    "Lipkesgade",
    "Kristianiagade",
    "Skt. Jakobs Plads",
    "Hjalmar Brantings Plads",
]

# The fixed demo logins; everyone else gets the same password, but only these are printed.
DEMO_LOGINS = {
    "gentofte": [
        ("formand@gentofte.demo", Role.CHAIR, "Formand"),
        ("koordinator@gentofte.demo", Role.COORDINATOR, "Klyngekoordinator"),
        ("bestyrelse@gentofte.demo", Role.BOARD_MEMBER, "Bestyrelsesmedlem"),
        ("medlem@gentofte.demo", Role.MEMBER, "Medlem"),
    ],
    "osterbro": [
        ("formand@osterbro.demo", Role.CHAIR, "Formand"),
        ("bestyrelse@osterbro.demo", Role.BOARD_MEMBER, "Bestyrelsesmedlem"),
        ("medlem@osterbro.demo", Role.MEMBER, "Medlem"),
    ],
}
GUEST_LOGIN = ("gaest@gentofte.demo", "Gæst (kommunen)")
STAFF_LOGIN = ("admin@klynge.demo", "Platformens personale")


def _ascii(text: str) -> str:
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _email_for(name: str, domain: str, taken: set[str]) -> str:
    base = ".".join(_ascii(part) for part in name.split())
    email, n = f"{base}@{domain}", 2
    while email in taken:
        email, n = f"{base}{n}@{domain}", n + 1
    taken.add(email)
    return email


@functools.cache
def _demo_password_hash() -> str:
    # One slow Argon2 hash for all demo people keeps `make run` quick.
    return make_password(DEMO_PASSWORD)


def _activate(person: Person) -> None:
    person.password = _demo_password_hash()
    person.save(update_fields=["password"])


def _build_cluster(*, cluster, practices, names: NameMaker, domain: str, provider_base: int, rng, joined_on):
    taken: set[str] = set()
    doctors: list[Person] = []
    for index, (name, address, postal_code, city, n_doctors) in enumerate(practices):
        practice = services.practice_create(
            cluster=cluster,
            name=name,
            provider_number=f"{provider_base + index * 7:06d}",
            address=address,
            postal_code=postal_code,
            city=city,
            listed_patients=n_doctors * rng.randint(1450, 1750),
            listed_patients_date=dt.date(2022, 1, 1),
            joined_on=joined_on,
        )
        for _ in range(n_doctors):
            doctor_name = names.name()
            person = services.person_invite(
                cluster=cluster,
                email=_email_for(doctor_name, domain, taken),
                name=doctor_name,
                title=Title.GP,
                practice=practice,
                role=Role.MEMBER,
                starts_on=joined_on,
                send_mail=False,
            )
            _activate(person)
            doctors.append(person)
    return doctors


def _give_demo_logins(*, cluster, doctors: list[Person], slug: str, joined_on) -> None:
    """Turns chosen doctors into the printed demo logins, with their board roles."""
    for (email, role, _), doctor in zip(DEMO_LOGINS[slug], doctors, strict=False):
        doctor.email = email
        doctor.save(update_fields=["email"])
        if role != Role.MEMBER:
            services.role_assign(cluster=cluster, person=doctor, role=role, starts_on=joined_on)


def build_register(today: dt.date | None = None) -> None:
    """The clusters of the seeds; `today` is not used: their history has fixed dates."""
    rng = random.Random(2022)
    gentofte = services.cluster_create(
        name="Klynge Gentofte",
        slug="gentofte",
        region=Region.HOVEDSTADEN,
        municipalities="Gentofte",
        founded=dt.date(2018, 9, 1),
        max_proxies_per_member=1,
        motion_deadline_days=7,
        general_assembly_notice_days=21,
    )
    names = NameMaker(seed=1)
    joined = dt.date(2018, 9, 1)
    doctors = _build_cluster(
        cluster=gentofte,
        practices=GENTOFTE_PRACTICES,
        names=names,
        domain="gentofte.demo",
        provider_base=11003,
        rng=rng,
        joined_on=joined,
    )
    # Board: chair, coordinator, a board member from practices other than the suspended one (index 0).
    board = [doctors[3], doctors[6], doctors[10], doctors[13]]
    _give_demo_logins(cluster=gentofte, doctors=board, slug="gentofte", joined_on=joined)
    services.role_assign(cluster=gentofte, person=doctors[16], role=Role.TREASURER, starts_on=joined)
    services.role_assign(cluster=gentofte, person=doctors[19], role=Role.ALTERNATE, starts_on=joined)

    guest = services.person_invite(
        cluster=gentofte,
        email=GUEST_LOGIN[0],
        name="Karen Forebyggelse",
        title=Title.OTHER,
        role=Role.GUEST,
        starts_on=joined,
        send_mail=False,
    )
    _activate(guest)

    osterbro = services.cluster_create(
        name="Klynge Østerbro",
        slug="osterbro",
        region=Region.HOVEDSTADEN,
        municipalities="København",
        founded=dt.date(2023, 1, 16),
        max_proxies_per_member=2,
    )
    practices = []
    for index, street in enumerate(OSTERBRO_STREETS):
        n_doctors = [2, 3, 2, 3, 2, 2, 3, 2][index % 8]
        number = rng.randint(2, 140)
        practices.append((f"Lægerne {street}", f"{street} {number}", "2100", "København Ø", n_doctors))
    joined = dt.date(2023, 1, 16)
    doctors = _build_cluster(
        cluster=osterbro,
        practices=practices,
        names=names,
        domain="osterbro.demo",
        provider_base=41002,
        rng=rng,
        joined_on=joined,
    )
    _give_demo_logins(
        cluster=osterbro, doctors=[doctors[0], doctors[5], doctors[9]], slug="osterbro", joined_on=joined
    )
    for doctor, role in ((doctors[12], Role.VICE_CHAIR), (doctors[20], Role.TREASURER)):
        services.role_assign(cluster=osterbro, person=doctor, role=role, starts_on=joined)

    staff = Person.objects.create_user(STAFF_LOGIN[0], name="Platformens administrator")
    _activate(staff)
    staff.is_staff = True
    staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])


def demo_logins() -> list[tuple[str, str]]:
    cluster_names = {"gentofte": "Klynge Gentofte", "osterbro": "Klynge Østerbro"}
    logins = [
        (email, f"{label}, {cluster_names[slug]}")
        for slug, rows in DEMO_LOGINS.items()
        for email, _, label in rows
    ]
    return [*logins, GUEST_LOGIN, STAFF_LOGIN]
