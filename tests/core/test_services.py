import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from klynge.core import selectors, services
from klynge.core.models import MembershipStatus, OutboxMessage, OutboxStatus, Person, Role
from klynge.decisions.rules import voters_of
from tests.factories import ClusterFactory, ClusterWorld, make_person, make_practice


@pytest.mark.django_db
class TestPractices:
    def test_malformed_provider_number_is_refused_and_nothing_saved(self):
        cluster = ClusterFactory()
        for bad in ["12345", "1234567", "12a456", ""]:
            with pytest.raises(ValidationError) as error:
                services.practice_create(cluster=cluster, name="Lægehuset", provider_number=bad)
            assert "6 cifre" in " ".join(error.value.messages)
        assert cluster.memberships.count() == 0

    def test_same_provider_number_twice_in_a_cluster_is_refused(self, world):
        with pytest.raises(ValidationError, match="allerede med i klyngen"):
            services.practice_create(
                cluster=world.cluster, name="Kopi", provider_number=world.practice.provider_number
            )

    def test_a_practice_known_nationally_joins_a_second_cluster(self, world, other_world):
        services.practice_create(
            cluster=other_world.cluster, name="Ignoreret", provider_number=world.practice.provider_number
        )
        names = [p.name for p in selectors.cluster_practices(cluster=other_world.cluster)]
        assert "Lægerne på Torvet" in names

    def test_leaving_ends_roles_and_keeps_history(self, world):
        services.practice_deactivate(
            cluster=world.cluster, practice=world.other_practice, on=dt.date(2024, 6, 1)
        )
        assert [p.name for p in selectors.cluster_practices(cluster=world.cluster)] == ["Lægerne på Torvet"]
        history = selectors.cluster_practices(cluster=world.cluster, include_left=True)
        assert {p.name: p.membership_status for p in history}["Strandens Lægehus"] == MembershipStatus.LEFT
        assert selectors.roles_of(world.member, world.cluster) == frozenset()


@pytest.mark.django_db
class TestMembershipHistory:
    def test_suspension_until_a_date_ends_exactly_then(self, world):
        membership = world.cluster.memberships.get(practice=world.other_practice)
        services.membership_set_status(
            membership=membership,
            status=MembershipStatus.SUSPENDED,
            starts_on=dt.date(2022, 3, 14),
            ends_on=dt.date(2022, 8, 29),
            reason="Mistillid",
            decision_ref="Generalforsamling 14/3 2022",
        )
        assert selectors.membership_status(membership, dt.date(2022, 3, 13)) == MembershipStatus.ACTIVE
        assert selectors.membership_status(membership, dt.date(2022, 3, 14)) == MembershipStatus.SUSPENDED
        assert selectors.membership_status(membership, dt.date(2022, 8, 28)) == MembershipStatus.SUSPENDED
        assert selectors.membership_status(membership, dt.date(2022, 8, 29)) == MembershipStatus.ACTIVE

    def test_extension_is_a_new_period_and_history_stays(self, world):
        membership = world.cluster.memberships.get(practice=world.other_practice)
        services.membership_set_status(
            membership=membership,
            status=MembershipStatus.SUSPENDED,
            starts_on=dt.date(2022, 3, 14),
            ends_on=dt.date(2022, 8, 29),
        )
        services.membership_set_status(
            membership=membership,
            status=MembershipStatus.SUSPENDED,
            starts_on=dt.date(2022, 8, 29),
            until_next_general_assembly=True,
        )
        assert membership.periods.count() == 2
        assert selectors.membership_status(membership, dt.date(2023, 1, 1)) == MembershipStatus.SUSPENDED

    def test_suspended_practice_people_cannot_vote_and_are_not_invited(self, world):
        membership = world.cluster.memberships.get(practice=world.other_practice)
        services.membership_set_status(
            membership=membership,
            status=MembershipStatus.SUSPENDED,
            starts_on=dt.date(2020, 2, 1),
            until_next_general_assembly=True,
        )
        voters = voters_of(cluster=world.cluster)
        assert world.member not in voters and world.chair in voters
        invited, left_out = selectors.active_members(cluster=world.cluster)
        assert world.member in left_out and world.member not in invited

    def test_a_suspension_needs_an_end(self, world):
        membership = world.cluster.memberships.get(practice=world.other_practice)
        with pytest.raises(ValidationError):
            services.membership_set_status(
                membership=membership, status=MembershipStatus.SUSPENDED, starts_on=dt.date(2022, 3, 14)
            )
        assert membership.periods.count() == 0


@pytest.mark.django_db
class TestPeople:
    def test_invitation_goes_to_the_outbox_with_a_link(self, world):
        person = services.person_invite(
            cluster=world.cluster,
            email="  Ny.Laege@Example.DK ",
            name="Ny Læge",
            practice=world.practice,
            by=world.chair,
        )
        assert person.email == "ny.laege@example.dk"
        assert not person.has_usable_password()
        message = OutboxMessage.objects.get(to="ny.laege@example.dk")
        assert "/invitation/" in message.body and "Klynge Nord" in message.subject
        assert len(mail.outbox) == 0  # nothing is sent inside the request

    def test_duplicate_email_in_the_cluster_is_refused(self, world):
        with pytest.raises(ValidationError, match="allerede med i klyngen"):
            services.person_invite(cluster=world.cluster, email=world.member.email.upper(), name="Igen")
        assert Person.objects.filter(email=world.member.email).count() == 1

    def test_a_person_can_belong_to_two_clusters(self, world, other_world):
        services.person_invite(cluster=other_world.cluster, email=world.member.email, name="Medlem Mona")
        assert selectors.is_member(world.member, world.cluster)
        world.member.__dict__.pop("_klynge_roles", None)
        assert selectors.is_member(world.member, other_world.cluster)

    def test_move_doctor_to_practice_outside_cluster_is_refused(self, world, other_world):
        with pytest.raises(ValidationError, match="ikke med i klyngen"):
            services.person_move(cluster=world.cluster, person=world.member, practice=other_world.practice)
        world.member.refresh_from_db()
        assert world.member.practice == world.other_practice

    def test_move_doctor_within_cluster(self, world):
        services.person_move(cluster=world.cluster, person=world.member, practice=world.practice)
        world.member.refresh_from_db()
        assert world.member.practice == world.practice

    def test_deactivate_ends_roles_only_in_this_cluster(self, world, other_world):
        services.person_invite(cluster=other_world.cluster, email=world.member.email, name="Medlem Mona")
        services.person_deactivate(cluster=world.cluster, person=world.member)
        world.member.__dict__.pop("_klynge_roles", None)
        assert not selectors.is_member(world.member, world.cluster)
        assert selectors.is_member(world.member, other_world.cluster)


@pytest.mark.django_db
class TestOutbox:
    def test_send_due_delivers_and_marks_sent(self, world):
        services.outbox_enqueue(
            to="a@example.dk",
            subject="Hej",
            body="Tekst med æøå",
            attachments=[("møde.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
        sent, failed = services.outbox_send_due()
        assert (sent, failed) == (1, 0)
        assert mail.outbox[0].body == "Tekst med æøå"
        assert mail.outbox[0].attachments[0][0] == "møde.ics"
        assert OutboxMessage.objects.get().status == OutboxStatus.SENT
        assert services.outbox_send_due() == (0, 0)

    def test_a_failing_mail_server_leaves_the_mail_for_a_retry(self, world, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
        services.outbox_enqueue(to="a@example.dk", subject="Hej", body="x")
        assert services.outbox_send_due() == (0, 1)
        message = OutboxMessage.objects.get()
        assert message.status == OutboxStatus.PENDING and message.attempts == 1 and message.last_error
        assert message.next_attempt_at > message.created_at
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert services.outbox_send_due(now=message.next_attempt_at) == (1, 0)


@pytest.mark.django_db
def test_roles_have_periods(world):
    assignment = services.role_assign(
        cluster=world.cluster, person=world.member, role=Role.TREASURER, starts_on=dt.date(2021, 1, 1)
    )
    services.role_end(assignment=assignment, ends_on=dt.date(2022, 1, 1))
    assert Role.TREASURER not in selectors.roles_of(world.member, world.cluster, dt.date(2022, 1, 1))
    world.member.__dict__.pop("_klynge_roles", None)
    assert Role.TREASURER in selectors.roles_of(world.member, world.cluster, dt.date(2021, 6, 1))


@pytest.mark.django_db
def test_factories_make_distinct_practices():
    cluster = ClusterFactory()
    assert make_practice(cluster).provider_number != make_practice(cluster).provider_number
    assert make_person(cluster).email


@pytest.mark.django_db
def test_the_services_refuse_a_second_end_whoever_asks(world):
    """The rules are the services', not only the page's and the API's: a role with its end, and a
    practice that has left, are refused, whoever calls (the CLI, the demo builder, an effect)."""
    assignment = services.role_assign(
        cluster=world.cluster, person=world.member, role=Role.TREASURER, starts_on=dt.date(2021, 1, 1)
    )
    # A copy read before the end (a page opened in another tab) is refused too.
    stale = selectors.cluster_role_assignment_get(
        cluster=world.cluster, person=world.member, assignment_id=assignment.pk
    )
    services.role_end(assignment=assignment, ends_on=dt.date(2022, 1, 1))
    assert stale.ends_on is None
    with pytest.raises(services.ServiceError, match="Rollen er allerede afsluttet."):
        services.role_end(assignment=stale)
    stale.refresh_from_db()
    assert stale.ends_on == dt.date(2022, 1, 1)
    services.practice_deactivate(cluster=world.cluster, practice=world.other_practice, on=dt.date(2024, 6, 1))
    with pytest.raises(services.ServiceError, match="Strandens Lægehus er allerede udtrådt."):
        services.practice_deactivate(cluster=world.cluster, practice=world.other_practice)
    membership = world.cluster.memberships.get(practice=world.other_practice)
    assert [p.starts_on for p in membership.periods.all()] == [dt.date(2024, 6, 1)]
    # Another cluster's practice is refused by name, not by a missing row's error.
    other = ClusterWorld("Anden Klynge")
    with pytest.raises(services.ServiceError, match="Praksis er ikke med i klyngen."):
        services.practice_deactivate(cluster=world.cluster, practice=other.practice)
    assert selectors.membership_status(other.cluster.memberships.get(practice=other.practice)) == "active"
