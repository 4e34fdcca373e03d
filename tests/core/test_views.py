import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from klynge.core.models import MembershipStatus, OutboxMessage, Person, Role
from klynge.core.selectors import membership_status
from klynge.core.services import role_assign
from tests.rows import REGISTER_TABLES, table_rows


@pytest.mark.django_db
def test_member_reads_register_but_cannot_change_it(client, world):
    client.force_login(world.member)
    page = client.get(f"/k/{world.cluster.slug}/praksis/").content.decode()
    assert "Lægerne på Torvet" in page and "Tilføj praksis" not in page
    assert client.get(f"/k/{world.cluster.slug}/praksis/ny/").status_code == 403
    response = client.post(f"/k/{world.cluster.slug}/praksis/ny/", {"name": "X", "provider_number": "123456"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_chair_adds_practice_and_bad_provider_number_gets_danish_message(client, world):
    client.force_login(world.chair)
    url = f"/k/{world.cluster.slug}/praksis/ny/"
    response = client.post(url, {"name": "Nyt Lægehus", "provider_number": "12-345"})
    assert response.status_code == 400
    assert "præcis 6 cifre" in response.content.decode()
    response = client.post(url, {"name": "Nyt Lægehus", "provider_number": "654321"})
    assert response.status_code == 302
    assert "Nyt Lægehus" in client.get(f"/k/{world.cluster.slug}/praksis/").content.decode()


@pytest.mark.django_db
def test_duplicate_email_in_invite_form(client, world):
    client.force_login(world.chair)
    response = client.post(
        f"/k/{world.cluster.slug}/personer/inviter/",
        {"name": "Igen", "email": world.member.email, "title": "praktiserende_laege", "role": "medlem"},
    )
    assert response.status_code == 400
    assert "allerede med i klyngen" in response.content.decode()


@pytest.mark.django_db
def test_front_page_shows_board_and_my_roles(client, world):
    client.force_login(world.member)
    page = client.get(f"/k/{world.cluster.slug}/").content.decode()
    assert "Formand: Formand Frida" in page and "Du er medlem" in page


@pytest.mark.django_db
def test_password_reset_goes_through_outbox(client, world):
    response = client.post("/glemt-adgangskode/", {"email": world.member.email})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(to=world.member.email)
    assert "/nulstil/" in message.body
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_invitation_link_works_once(client, world):
    from klynge.core.services import password_link_for, person_invite

    person = person_invite(cluster=world.cluster, email="ny@example.dk", name="Ny", send_mail=False)
    path = password_link_for(person).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Sommer-i-Klynge-2026", "new_password2": "Sommer-i-Klynge-2026"}
    )
    assert response.status_code == 302
    assert client.login(username="ny@example.dk", password="Sommer-i-Klynge-2026")
    client.logout()
    again = client.get("/" + path, follow=True)
    assert "udløbet eller allerede brugt" in again.content.decode()
    assert Person.objects.get(email="ny@example.dk").has_usable_password()


@pytest.mark.django_db
def test_a_person_who_chose_english_before_gets_danish_until_english_is_complete(client, world):
    world.member.language = "en"
    world.member.save(update_fields=["language"])
    client.force_login(world.member)
    client.post("/profil/", {"name": world.member.name, "phone": "", "language": "en"})
    page = client.get("/", follow=True).content.decode()
    assert 'lang="da"' in page and "Mine klynger" in page


def test_health_needs_no_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_members_see_only_their_own_practice_list_size(client, world):
    """The data pages show other practices under pseudonyms with their sizes: list sizes beside names
    would let a member match the two. The board (which keeps the register) sees them all."""
    from klynge.core.services import practice_update
    from tests.factories import PASSWORD

    practice_update(practice=world.practice, listed_patients=4321)
    practice_update(practice=world.other_practice, listed_patients=2765)
    slug = world.cluster.slug
    client.login(username=world.member.email, password=PASSWORD)
    listing = client.get(f"/k/{slug}/praksis/?vis=alle").content.decode()
    other = client.get(f"/k/{slug}/praksis/{world.practice.pk}/").content.decode()
    own = client.get(f"/k/{slug}/praksis/{world.other_practice.pk}/").content.decode()
    api = client.get(f"/api/v1/clusters/{slug}/practices").json()
    one = client.get(f"/api/v1/clusters/{slug}/practices/{world.practice.pk}").json()
    assert world.practice.name in listing and "4321" not in listing and "4321" not in other
    assert "2765" in own
    assert {p["name"]: p["listed_patients"] for p in api} == {
        world.practice.name: None,
        world.other_practice.name: 2765,
    }
    assert one["listed_patients"] is None
    client.login(username=world.chair.email, password=PASSWORD)
    assert "4321" in client.get(f"/k/{slug}/praksis/").content.decode()
    assert "2765" in client.get(f"/k/{slug}/praksis/{world.other_practice.pk}/").content.decode()
    assert {p["listed_patients"] for p in client.get(f"/api/v1/clusters/{slug}/practices").json()} == {
        4321,
        2765,
    }


@pytest.mark.django_db
def test_a_person_of_one_cluster_goes_straight_to_it(client, world):
    client.force_login(world.chair)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == f"/k/{world.cluster.slug}/"


@pytest.mark.django_db
def test_my_clusters_counts_each_practice_once_whatever_my_roles(client, world, other_world):
    from klynge.core.models import Role
    from klynge.core.services import practice_deactivate
    from tests.factories import give_role, make_practice

    # The chair has three roles in the first cluster and one in the second: a list of two clusters.
    give_role(world.cluster, world.chair, Role.BOARD_MEMBER)
    give_role(other_world.cluster, world.chair, Role.MEMBER)
    gone = make_practice(world.cluster, "Udtrådte Lægehus")
    practice_deactivate(cluster=world.cluster, practice=gone, by=world.chair)
    client.force_login(world.chair)
    response = client.get("/")
    assert response.status_code == 200
    counts = {c.slug: c.practice_count for c in response.context["clusters"]}
    # Two practices each: the departed one is not counted, and three roles do not make six.
    assert counts == {world.cluster.slug: 2, other_world.cluster.slug: 2}
    assert "2 praksis" in response.content.decode()


def shown_messages(response) -> list[tuple[str, str]]:
    return [(m.tags, m.message) for m in response.context["messages"]]


@pytest.mark.django_db
def test_a_role_that_has_ended_is_not_ended_again_on_the_page(client, world):
    """Attack: a second tab or an old copy of the page posts »Afslut« for a role that has its end
    already. The page refuses with the API's message, and the recorded end stays where it was."""
    past = role_assign(
        cluster=world.cluster,
        person=world.member,
        role=Role.TREASURER,
        starts_on=dt.date(2024, 3, 11),
        ends_on=dt.date(2025, 3, 10),
    )
    current = role_assign(
        cluster=world.cluster, person=world.member, role=Role.BOARD_MEMBER, starts_on=dt.date(2025, 3, 10)
    )
    client.force_login(world.chair)
    roles = f"/k/{world.cluster.slug}/personer/{world.member.pk}/roller"
    # Control: an open role ends today.
    ended = client.post(f"{roles}/{current.pk}/afslut/", follow=True)
    assert shown_messages(ended) == [("success", "Rollen Bestyrelsesmedlem er afsluttet.")]
    current.refresh_from_db()
    assert current.ends_on == timezone.localdate()
    before = table_rows(*REGISTER_TABLES)
    for assignment in (current, past):
        again = client.post(f"{roles}/{assignment.pk}/afslut/", follow=True)
        assert again.redirect_chain[-1][0] == f"/k/{world.cluster.slug}/personer/{world.member.pk}/"
        assert shown_messages(again) == [("error", "Rollen er allerede afsluttet.")]
        assert "Rollen er allerede afsluttet." in again.content.decode()
    assert table_rows(*REGISTER_TABLES) == before


@pytest.mark.django_db
def test_a_role_that_has_not_begun_is_removed_on_the_page(client, world):
    coming = role_assign(
        cluster=world.cluster,
        person=world.member,
        role=Role.TREASURER,
        starts_on=timezone.localdate() + dt.timedelta(days=10),
    )
    client.force_login(world.chair)
    url = f"/k/{world.cluster.slug}/personer/{world.member.pk}/roller/{coming.pk}/afslut/"
    removed = client.post(url, follow=True)
    assert shown_messages(removed) == [("success", "Rollen Kasserer var ikke begyndt og er fjernet.")]
    assert not world.member.role_assignments.filter(pk=coming.pk).exists()


@pytest.mark.django_db
def test_a_practice_that_has_left_is_not_deactivated_again_on_the_page(client, world):
    """Attack: »Meld ud af klyngen« posted again for a practice that has left. The page refuses with
    the API's message as an error, and no second departure is written."""
    client.force_login(world.chair)
    url = f"/k/{world.cluster.slug}/praksis/{world.other_practice.pk}/udmeld/"
    # Control: the first time, the practice leaves.
    left = client.post(url, follow=True)
    assert shown_messages(left) == [
        ("success", "Strandens Lægehus er meldt ud af klyngen; historikken er bevaret.")
    ]
    membership = world.cluster.memberships.get(practice=world.other_practice)
    assert membership_status(membership) == MembershipStatus.LEFT
    before = table_rows(*REGISTER_TABLES)
    again = client.post(url, follow=True)
    assert shown_messages(again) == [("error", "Strandens Lægehus er allerede udtrådt.")]
    assert table_rows(*REGISTER_TABLES) == before
