"""Factories that build rows through the services where a service exists."""

import datetime as dt
import itertools

import factory

from klynge.core import services
from klynge.core.models import Cluster, Person, Practice, Region, Role, RoleAssignment, Title

_provider_numbers = itertools.count(100001)
PASSWORD = "en-god-adgangskode-42"


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Klynge {n}")
    slug = factory.Sequence(lambda n: f"klynge-{n}")
    region = Region.HOVEDSTADEN


def make_practice(
    cluster: Cluster, name: str | None = None, joined_on=dt.date(2020, 1, 1), **fields
) -> Practice:
    number = f"{next(_provider_numbers):06d}"
    return services.practice_create(
        cluster=cluster,
        name=name or f"Lægehuset {number}",
        provider_number=number,
        joined_on=joined_on,
        **fields,
    )


def make_person(
    cluster: Cluster,
    role: str = Role.MEMBER,
    *,
    practice: Practice | None = None,
    name: str | None = None,
    email: str | None = None,
    starts_on=dt.date(2020, 1, 1),
) -> Person:
    n = next(_provider_numbers)
    person = services.person_invite(
        cluster=cluster,
        email=email or f"person{n}@example.dk",
        name=name or f"Læge {n}",
        role=role,
        title=Title.GP,
        practice=practice,
        starts_on=starts_on,
        send_mail=False,
    )
    person.set_password(PASSWORD)
    person.save()
    return person


def give_role(cluster: Cluster, person: Person, role: str, starts_on=dt.date(2020, 1, 1)) -> RoleAssignment:
    return services.role_assign(cluster=cluster, person=person, role=role, starts_on=starts_on)


class ClusterWorld:
    """A small cluster: two practices, a chair, a coordinator, members, an alternate and a guest."""

    def __init__(self, name: str = "Klynge Test"):
        self.cluster = ClusterFactory(name=name)
        self.practice = make_practice(self.cluster, "Lægerne på Torvet")
        self.other_practice = make_practice(self.cluster, "Strandens Lægehus")
        self.chair = make_person(self.cluster, Role.CHAIR, practice=self.practice, name="Formand Frida")
        give_role(self.cluster, self.chair, Role.MEMBER)
        self.coordinator = make_person(
            self.cluster, Role.COORDINATOR, practice=self.practice, name="Koordinator Kaj"
        )
        self.member = make_person(self.cluster, Role.MEMBER, practice=self.other_practice, name="Medlem Mona")
        self.alternate = make_person(
            self.cluster, Role.ALTERNATE, practice=self.other_practice, name="Suppleant Sif"
        )
        self.guest = make_person(self.cluster, Role.GUEST, name="Gæst Gunnar")


def login_with_second_factor(client, person) -> None:
    """Logs in like force_login, as a session that has passed a second factor (the admin needs one)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=person, confirmed=True).first() or TOTPDevice.objects.create(
        user=person, name="App", confirmed=True
    )
    client.force_login(person)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
