"""The register through the API: clusters, settings, practices and their history, people and their
roles with real dates, the CSV import, one's profile and one's own API tokens."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from klynge.core import dates
from klynge.core.models import (
    ApiToken,
    Cluster,
    MembershipStatus,
    OutboxMessage,
    Person,
    Role,
    RoleAssignment,
)
from klynge.core.selectors import membership_status
from tests.api.client import Api
from tests.rows import REGISTER_TABLES, table_rows

pytestmark = pytest.mark.django_db


def test_platform_staff_create_a_cluster_and_a_chair_may_not(client, world):
    staff = Person.objects.create_user("drift@klynge.example", "x", name="Drift", is_staff=True)
    created = Api(client, staff).post(
        "/clusters", {"name": "Klynge Syd", "slug": "syd", "region": "sjaelland", "founded": "2019-05-01"}
    )
    assert created["slug"] == "syd" and created["founded"] == "2019-05-01"
    refused = Api(client, world.chair).post(
        "/clusters", {"name": "X", "slug": "xx", "region": "sjaelland"}, expect=403
    )
    assert refused["detail"] == "Kun platformens personale kan oprette klynger."
    assert not Cluster.objects.filter(slug="xx").exists()
    # Staff run the new cluster's register until its board is in.
    Api(client, staff).post(
        "/clusters/syd/people", {"name": "Ny Formand", "email": "f@syd.dk", "role": "formand"}
    )


def test_cluster_settings_are_read_and_changed_by_the_board_only(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    settings = chair.patch(
        f"/clusters/{slug}/settings",
        {"quorum_percent": 50, "motion_deadline_days": 10, "website": "https://klynge.example.dk"},
    )
    assert settings["quorum_percent"] == 50 and settings["motion_deadline_days"] == 10
    assert chair.get(f"/clusters/{slug}/settings")["quorum_percent"] == 50
    Api(client, world.member).patch(f"/clusters/{slug}/settings", {"quorum_percent": 1}, expect=404)
    world.cluster.refresh_from_db()
    assert world.cluster.quorum_percent == 50
    bad = chair.patch(f"/clusters/{slug}/settings", {"name": None, "website": None}, expect=400)
    assert bad["errors"] == {"name": ["Feltet skal udfyldes."]}
    world.cluster.refresh_from_db()
    assert world.cluster.name and world.cluster.website == "https://klynge.example.dk"
    emptied = chair.patch(f"/clusters/{slug}/settings", {"website": None})
    assert emptied["website"] == "" and emptied["name"] == world.cluster.name


def test_a_practice_is_changed_back_dated_and_leaves_on_a_real_day(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    new = chair.post(
        f"/clusters/{slug}/practices",
        {"name": "Lægerne i Vangede", "provider_number": "445566", "joined_on": "2018-02-01"},
    )
    assert world.cluster.memberships.get(practice_id=new["id"]).joined_on == dt.date(2018, 2, 1)
    changed = chair.patch(
        f"/clusters/{slug}/practices/{new['id']}", {"city": "Gentofte", "listed_patients": 4200}
    )
    assert changed["city"] == "Gentofte" and changed["listed_patients"] == 4200
    period = chair.post(
        f"/clusters/{slug}/practices/{new['id']}/periods",
        {"status": "suspended", "starts_on": "2025-03-10", "ends_on": "2025-06-02", "reason": "Tillid"},
    )
    assert period["created_by_id"] == world.chair.pk
    membership = world.cluster.memberships.get(practice_id=new["id"])
    assert membership_status(membership, dt.date(2025, 4, 1)) == MembershipStatus.SUSPENDED
    assert membership_status(membership, dt.date(2025, 6, 2)) == MembershipStatus.ACTIVE
    early = chair.post(
        f"/clusters/{slug}/practices/{new['id']}/periods",
        {"status": "suspended", "starts_on": "2017-01-01", "ends_on": "2017-02-01"},
        expect=400,
    )
    assert "før praksis kom med" in early["detail"]
    left = chair.post(f"/clusters/{slug}/practices/{new['id']}/leave", {"on": "2025-12-01"}, expect=200)
    assert left["status"] == "left"
    assert [p["status"] for p in chair.get(f"/clusters/{slug}/practices/{new['id']}/periods")] == [
        "suspended",
        "left",
    ]
    chair.post(f"/clusters/{slug}/practices/{new['id']}/leave", {}, expect=400)


def test_people_get_roles_with_real_periods_and_a_second_role(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    person = chair.post(
        f"/clusters/{slug}/people",
        {
            "name": "Hans Hansen",
            "email": "hans@example.dk",
            "practice_id": world.practice.pk,
            "starts_on": "2024-01-01",
            "send_invitation": False,
        },
    )
    pid = person["id"]
    assert RoleAssignment.objects.get(person_id=pid).starts_on == dt.date(2024, 1, 1)
    # A board period in the past and a second role now.
    chair.post(
        f"/clusters/{slug}/people/{pid}/roles",
        {"role": "kasserer", "starts_on": "2024-03-11", "ends_on": "2025-03-10"},
    )
    second = chair.post(
        f"/clusters/{slug}/people/{pid}/roles", {"role": "naestformand", "starts_on": "2025-03-10"}
    )
    overlap = chair.post(
        f"/clusters/{slug}/people/{pid}/roles", {"role": "kasserer", "starts_on": "2025-01-01"}, expect=400
    )
    assert "allerede rollen Kasserer" in overlap["detail"]
    roles = chair.get(f"/clusters/{slug}/people/{pid}/roles")
    assert [(r["role"], r["starts_on"], r["ends_on"]) for r in roles] == [
        ("medlem", "2024-01-01", None),
        ("kasserer", "2024-03-11", "2025-03-10"),
        ("naestformand", "2025-03-10", None),
    ]
    assert set(chair.get(f"/clusters/{slug}/people/{pid}")["roles"]) == {"medlem", "naestformand"}
    ended = chair.post(
        f"/clusters/{slug}/people/{pid}/roles/{second['id']}/end", {"ends_on": "2026-01-01"}, expect=200
    )
    assert ended["ends_on"] == "2026-01-01"
    chair.post(f"/clusters/{slug}/people/{pid}/roles/{second['id']}/end", {}, expect=400)
    changed = chair.patch(
        f"/clusters/{slug}/people/{pid}", {"practice_id": world.other_practice.pk, "phone": "12345678"}
    )
    assert changed["practice_id"] == world.other_practice.pk
    assert chair.post(f"/clusters/{slug}/people/{pid}/deactivate", {"on": "2026-02-01"}, expect=200) == {
        "ended": 1
    }
    # A member reads the register but changes nothing.
    member = Api(client, world.member)
    member.get(f"/clusters/{slug}/people/{pid}/roles")
    member.post(f"/clusters/{slug}/people/{pid}/roles", {"role": "formand"}, expect=404)
    assert not RoleAssignment.objects.filter(person_id=pid, role=Role.CHAIR).exists()


def test_a_practice_leaves_once(client, world):
    """Leaving again is refused with a 400 and the Danish message, before anything is written (the
    rule is the service's: the page refuses alike, tests/core/test_views.py)."""
    chair = Api(client, world.chair)
    url = f"/clusters/{world.cluster.slug}/practices/{world.other_practice.pk}/leave"
    # Control: the first time, the practice leaves (today) and its doctors' roles end.
    assert chair.post(url, {}, expect=200)["status"] == "left"
    assert not RoleAssignment.objects.current().filter(person=world.member).exists()
    before = table_rows(*REGISTER_TABLES)
    message = "Strandens Lægehus er allerede udtrådt."
    for body in ({}, {"on": "2030-01-01"}):
        assert chair.post(url, body, expect=400) == {"detail": message, "errors": {"__all__": [message]}}
    assert table_rows(*REGISTER_TABLES) == before


def test_a_departure_recorded_for_a_later_day_is_not_recorded_again(client, world):
    """A practice that is to leave next year cannot be given a second departure (earlier or later): the
    400 names the day recorded, and nothing changes. The page shows that day instead of the button."""
    chair = Api(client, world.chair)
    url = f"/clusters/{world.cluster.slug}/practices/{world.other_practice.pk}/leave"
    later = dates.today().replace(year=dates.today().year + 1, month=1, day=1)
    # Control: the first departure is recorded, and the practice is still a member today.
    assert chair.post(url, {"on": later.isoformat()}, expect=200)["status"] == "active"
    before = table_rows(*REGISTER_TABLES)
    message = f"Strandens Lægehus er allerede meldt ud fra {dates.short_date(later)}."
    for body in ({}, {"on": (later + dt.timedelta(days=30)).isoformat()}):
        assert chair.post(url, body, expect=400) == {"detail": message, "errors": {"__all__": [message]}}
    assert table_rows(*REGISTER_TABLES) == before
    client.force_login(world.chair)
    page = client.get(f"/k/{world.cluster.slug}/praksis/{world.other_practice.pk}/").content.decode()
    assert f"Praksis er meldt ud af klyngen fra {dates.short_date(later)}." in page
    assert "Meld ud af klyngen</button>" not in page
    # Control: the button is found on the page of a practice that stays.
    staying = client.get(f"/k/{world.cluster.slug}/praksis/{world.practice.pk}/").content.decode()
    assert "Meld ud af klyngen</button>" in staying


def test_a_role_ends_once(client, world):
    """Ending a role that has its end (in the past or ahead) is refused with a 400 and the Danish
    message, also with an end before its start (the first refusal is the one given), and nothing changes."""
    chair = Api(client, world.chair)
    roles = f"/clusters/{world.cluster.slug}/people/{world.member.pk}/roles"
    past = chair.post(roles, {"role": "kasserer", "starts_on": "2024-03-11", "ends_on": "2025-03-10"})
    current = chair.post(roles, {"role": "naestformand", "starts_on": "2025-03-10"})
    # Controls: an end before the start is refused; an end after it is recorded.
    early = chair.post(f"{roles}/{current['id']}/end", {"ends_on": "2025-03-10"}, expect=400)
    assert early["errors"] == {"ends_on": ["Slutdatoen skal ligge efter startdatoen."]}
    ended = chair.post(f"{roles}/{current['id']}/end", {"ends_on": "2031-01-01"}, expect=200)
    assert ended["ends_on"] == "2031-01-01"
    before = table_rows(*REGISTER_TABLES)
    message = "Rollen er allerede afsluttet."
    for role in (past, current):
        for body in ({}, {"ends_on": "2032-01-01"}, {"ends_on": "2024-01-01"}):
            refused = chair.post(f"{roles}/{role['id']}/end", body, expect=400)
            assert refused == {"detail": message, "errors": {"__all__": [message]}}
    assert table_rows(*REGISTER_TABLES) == before


def test_a_role_that_has_not_begun_is_removed_when_ended(client, world):
    """It answered 500: the removed row had no id to show."""
    chair = Api(client, world.chair)
    roles = f"/clusters/{world.cluster.slug}/people/{world.member.pk}/roles"
    starts = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    coming = chair.post(roles, {"role": "kasserer", "starts_on": starts})
    removed = chair.post(f"{roles}/{coming['id']}/end", {}, expect=200)
    assert removed == {**coming, "removed": True}
    assert coming["id"] not in [role["id"] for role in chair.get(roles)]
    chair.post(f"{roles}/{coming['id']}/end", {}, expect=404)


def test_people_import_is_all_or_nothing_with_every_bad_line(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    bad = "ydernummer;praksis;navn;e-mail;rolle\n123;X;A;a@x.dk;medlem\n654321;Y;B;ikke-en-mail;medlem\n"
    report = chair.upload(
        f"/clusters/{slug}/people-import",
        {"file": SimpleUploadedFile("p.csv", bad.encode(), "text/csv")},
        expect=400,
    )
    assert [e["line"] for e in report["errors"]] == [2, 3] and report["created"] == 0
    good = "ydernummer;praksis;navn;e-mail;rolle\n654321;Lægerne i Hellerup;Berit Berg;berit@x.dk;medlem\n"
    report = chair.upload(
        f"/clusters/{slug}/people-import",
        {"file": SimpleUploadedFile("p.csv", good.encode(), "text/csv")},
        expect=200,
    )
    assert report == {"created": 1, "practices_created": 1, "errors": []}


def test_own_profile_and_tokens(client, world):
    member = Api(client, world.member)
    assert member.get("/me")["email"] == world.member.email
    assert member.patch("/me", {"phone": "22334455", "language": "en"})["language"] == "en"
    new = member.post("/me/tokens", {"name": "Mit regneark"})
    assert new["secret"].startswith("kl_") and new["name"] == "Mit regneark"
    listed = member.get("/me/tokens")
    assert "secret" not in listed[0] and {t["name"] for t in listed} == {"test", "Mit regneark"}
    with_new = Api(client, secret=new["secret"])
    assert with_new.get("/me")["id"] == world.member.pk
    # Another person's token is not found and stays valid.
    other = ApiToken.objects.create(person=world.chair, name="x", prefix="abc", digest="0" * 64)
    member.delete(f"/me/tokens/{other.pk}", expect=404)
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None
    assert member.delete(f"/me/tokens/{new['id']}")["revoked_at"]
    with_new._call("get", "/me", expect=401)


def test_text_with_a_nul_character_is_refused_before_the_database(client, world):
    chair = Api(client, world.chair)
    refused = chair.post(
        f"/clusters/{world.cluster.slug}/practices",
        {"name": "Lægerne\u0000", "provider_number": "445577"},
        expect=422,
    )
    assert "NUL-tegn" in refused["detail"]
    nested = chair.post(
        f"/clusters/{world.cluster.slug}/polls",
        {"question": "Tillid?", "closes_at": "2030-01-01T12:00:00+01:00", "effect": {"reason": "a\u0000"}},
        expect=422,
    )
    assert "NUL-tegn" in nested["detail"]
    assert chair.get(f"/clusters/{world.cluster.slug}/packages?q=%00") == []


def test_invitations_over_the_api_are_limited_per_client_and_registering_without_mail_is_not(
    client, world, settings
):
    """Attack: a token holder queues invitation mails by the hundred. Control: a moving-in cluster
    registers its people without mail (send_invitation false), which asks for no invitation."""
    settings.MAIL_LIMIT_PER_CLIENT = "2/h"
    chair = Api(client, world.chair)
    path = f"/clusters/{world.cluster.slug}/people"
    for n in range(2):
        chair.post(path, {"name": f"Inviteret {n}", "email": f"inv{n}@example.dk"})
    refused = chair.post(path, {"name": "Inviteret 2", "email": "inv2@example.dk"}, expect=400)
    assert "for mange invitationer" in refused["detail"]
    assert not Person.objects.filter(email="inv2@example.dk").exists()
    for n in range(4):
        chair.post(
            path, {"name": f"Registreret {n}", "email": f"reg{n}@example.dk", "send_invitation": False}
        )
    assert Person.objects.filter(email__startswith="reg").count() == 4
    assert not OutboxMessage.objects.filter(to__startswith="reg").exists()
