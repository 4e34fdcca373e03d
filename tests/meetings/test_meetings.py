import datetime as dt
import subprocess
import tempfile

import icalendar
import pytest
from django.core import mail  # noqa: F401
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from klynge.core.models import MembershipStatus, OutboxMessage
from klynge.core.services import membership_set_status
from klynge.meetings import selectors, services
from klynge.meetings.models import (
    AgendaItem,
    ClusterPackage,
    Document,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    NoteKind,
)

from .conftest import at, make_meeting


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def _ics(message):
    import base64

    attachment = message.attachments[0]
    return icalendar.Calendar.from_ical(base64.b64decode(attachment["content_b64"]))


def _event(cal):
    return next(c for c in cal.walk() if c.name == "VEVENT")


# Year plan and meetings ----------------------------------------------------------------------------


def test_year_plan_lists_the_years_meetings_in_fixed_queries(
    chair_client, world, django_assert_max_num_queries
):
    for month in (2, 5, 9):
        make_meeting(world.cluster, start=at(2030, month, 10))
    make_meeting(world.cluster, start=at(2031, 1, 10), title="Næste år")
    with django_assert_max_num_queries(12):
        response = chair_client.get(url("meeting_list", world.cluster.slug) + "?aar=2030")
    assert response.status_code == 200
    assert response.content.decode().count("Klyngemøde</a>") == 3
    for month in range(3, 9):
        make_meeting(world.cluster, start=at(2030, month, 20))
    with django_assert_max_num_queries(12):
        chair_client.get(url("meeting_list", world.cluster.slug) + "?aar=2030")


def test_a_meeting_is_named_by_what_and_when_in_every_dropdown(chair_client, world):
    """Every meeting is titled »Klyngemøde« in the seeds: names carry the date and the topic."""
    package = services.package_create(cluster=world.cluster, title="Antibiotika", source="cluster")
    first = make_meeting(world.cluster, start=at(2026, 3, 12), package=package)
    second = make_meeting(world.cluster, start=at(2026, 9, 4))
    retreat = make_meeting(
        world.cluster, kind=MeetingKind.RETREAT, title="Internat 2026: trivsel", start=at(2026, 11, 5)
    )
    own = make_meeting(
        world.cluster, title="Internat om trivsel", kind=MeetingKind.RETREAT, start=at(2027, 1, 8)
    )
    assert first.display_name == "Klyngemøde 12/3 2026: Antibiotika"
    assert second.display_name == "Klyngemøde 4/9 2026"
    assert retreat.display_name == "Internat 5/11 2026: trivsel"
    assert own.display_name == "Internat om trivsel 8/1 2027" and own.short_name == "Internat om trivsel"
    # A meeting late in the evening UTC is dated by its Copenhagen day.
    late = make_meeting(world.cluster, start=dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC))
    assert late.display_name == "Klyngemøde 1/7 2026"
    for path in (f"/k/{world.cluster.slug}/spoergeskemaer/ny/", f"/k/{world.cluster.slug}/afstemninger/ny/"):
        page = chair_client.get(path).content.decode()
        assert ">Klyngemøde 12/3 2026: Antibiotika</option>" in page, path
        assert ">Klyngemøde 4/9 2026</option>" in page, path
    year_plan = chair_client.get(url("meeting_list", world.cluster.slug) + "?aar=2026").content.decode()
    assert "Klyngemøde: Antibiotika</a>" in year_plan


def test_the_topic_follows_the_package_unless_the_board_named_one(world):
    heart = services.package_create(cluster=world.cluster, title="Hjertesygdom", source="cluster")
    pain = services.package_create(cluster=world.cluster, title="Smertestillende", source="cluster")
    meeting = make_meeting(world.cluster, start=at(2026, 5, 1), package=heart)
    assert meeting.theme == "Hjertesygdom"
    meeting = services.meeting_update(meeting=meeting, package=pain, notify=False)
    assert meeting.display_name == "Klyngemøde 1/5 2026: Smertestillende"
    meeting = services.meeting_update(meeting=meeting, theme="Vores opioider", notify=False)
    meeting = services.meeting_update(meeting=meeting, package=heart, notify=False)
    assert meeting.theme == "Vores opioider"


def test_next_years_dates_and_venues_in_one_form(chair_client, world):
    data = {
        "ga_date": "2031-02-27",
        "ga_venue": "Bernstorff Slot",
        "cm1_date": "2031-05-22",
        "cm1_venue": "Bernstorff Slot",
        "cm2_date": "2031-09-04",
        "cm2_venue": "Bernstorff Slot",
        "retreat_start": "2031-11-04",
        "retreat_end": "2031-11-05",
        "retreat_venue": "Marienlyst",
        "start_time": "16:00",
        "end_time": "19:00",
    }
    response = chair_client.post(url("year_plan_next", world.cluster.slug), data)
    assert response.status_code == 302
    meetings = list(selectors.cluster_meetings(cluster=world.cluster, year=2031))
    assert [
        (m.kind, m.starts_at.astimezone(at(2031, 1, 1).tzinfo).date().isoformat(), m.venue_name)
        for m in meetings
    ] == [
        (MeetingKind.GENERAL_ASSEMBLY, "2031-02-27", "Bernstorff Slot"),
        (MeetingKind.CLUSTER_MEETING, "2031-05-22", "Bernstorff Slot"),
        (MeetingKind.CLUSTER_MEETING, "2031-09-04", "Bernstorff Slot"),
        (MeetingKind.RETREAT, "2031-11-04", "Marienlyst"),
    ]
    retreat = meetings[-1]
    assert retreat.ends_at.date() == dt.date(2031, 11, 5)
    # the general assembly gets the usual agenda
    titles = [i.title for i in selectors.meeting_agenda(meeting=meetings[0])]
    assert "Valg af dirigent og referent" in titles and titles[-1] == "Eventuelt"


def test_next_year_form_refuses_a_venue_less_meeting_and_saves_nothing(chair_client, world):
    data = {
        "ga_date": "2031-02-27",
        "ga_venue": "Bernstorff Slot",
        "cm1_date": "2031-05-22",
        "cm1_venue": "",
        "start_time": "16:00",
        "end_time": "19:00",
    }
    response = chair_client.post(url("year_plan_next", world.cluster.slug), data)
    assert response.status_code == 400
    assert "Skriv, hvor mødet holdes." in response.content.decode()
    assert not Meeting.objects.filter(cluster=world.cluster).exists()


def _meeting_form(**overrides):
    data = {
        "kind": MeetingKind.CLUSTER_MEETING,
        "title": "Klyngemøde om data",
        "theme": "",
        "starts_at": "2030-05-22T16:00",
        "ends_at": "2030-05-22T19:00",
        "venue_name": "Bernstorff Slot",
        "venue_address": "",
        "package": "",
        "status": "planned",
        "description": "",
        "reminder_days_before": "7",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"ends_at": "2030-05-22T15:00"}, "Mødet skal slutte efter, det begynder."),
        ({"venue_name": ""}, "Skriv, hvor mødet holdes."),
    ],
)
def test_bad_meeting_input_gives_a_clear_message_and_saves_nothing(chair_client, world, overrides, message):
    response = chair_client.post(url("meeting_create", world.cluster.slug), _meeting_form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_chair_creates_meeting_members_cannot(chair_client, client, world):
    response = chair_client.post(url("meeting_create", world.cluster.slug), _meeting_form())
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at == at(2030, 5, 22)
    client.force_login(world.member)
    assert client.get(url("meeting_create", world.cluster.slug)).status_code == 403
    assert client.get(url("meeting_detail", world.cluster.slug, meeting.pk)).status_code == 200


# Agenda --------------------------------------------------------------------------------------------


def test_proposal_after_the_deadline_is_refused(member_client, world):
    world.cluster.motion_deadline_days = 7
    world.cluster.save()
    late = make_meeting(
        world.cluster,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        start=dt.datetime.now(dt.UTC) + dt.timedelta(days=3),
        with_template=True,
    )
    response = member_client.post(
        url("agenda_proposal", world.cluster.slug, late.pk), {"title": "Nye vedtægter", "description": "Ja"}
    )
    assert response.status_code == 400
    assert "Fristen for forslag" in response.content.decode()
    assert not late.agenda_items.filter(title__startswith="Forslag").exists()

    timely = make_meeting(
        world.cluster,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        start=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
        with_template=True,
    )
    response = member_client.post(
        url("agenda_proposal", world.cluster.slug, timely.pk), {"title": "Nye vedtægter", "description": "Ja"}
    )
    assert response.status_code == 302
    titles = [i.title for i in selectors.meeting_agenda(meeting=timely)]
    assert titles.index("Forslag: Nye vedtægter") == titles.index("Indkomne forslag") + 1


def test_general_assembly_notice_period_is_enforced(chair_client, world):
    world.cluster.general_assembly_notice_days = 21
    world.cluster.save()
    soon = make_meeting(
        world.cluster,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        start=dt.datetime.now(dt.UTC) + dt.timedelta(days=10),
    )
    page = chair_client.post(url("meeting_invite", world.cluster.slug, soon.pk), follow=True).content.decode()
    assert "21 dages varsel" in page
    assert not OutboxMessage.objects.exists() and not soon.invitations.exists()
    timely = make_meeting(
        world.cluster,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        start=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
    )
    chair_client.post(url("meeting_invite", world.cluster.slug, timely.pk))
    assert timely.invitations.count() == 4


def test_general_assembly_page_shows_notice_and_deadline(member_client, world):
    world.cluster.general_assembly_notice_days = 21
    world.cluster.save()
    ga = make_meeting(world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, start=at(2030, 3, 14))
    page = member_client.get(url("meeting_detail", world.cluster.slug, ga.pk)).content.decode()
    assert "Indkaldelse senest" in page and "21/2 2030" in page


def test_agenda_item_views(chair_client, world, meeting):
    response = chair_client.post(
        url("agenda_item_create", world.cluster.slug, meeting.pk), {"title": "Data", "duration_minutes": "30"}
    )
    assert response.status_code == 302
    response = chair_client.post(url("agenda_item_create", world.cluster.slug, meeting.pk), {"title": ""})
    assert response.status_code == 400 and "Skriv punktets titel." in response.content.decode()
    services.agenda_item_create(meeting=meeting, title="Eventuelt")
    item = AgendaItem.objects.get(title="Eventuelt")
    chair_client.post(url("agenda_item_move", world.cluster.slug, meeting.pk, item.pk), {"retning": "op"})
    assert [i.title for i in selectors.meeting_agenda(meeting=meeting)] == ["Eventuelt", "Data"]


def test_a_new_item_goes_before_eventuelt_and_moves_anywhere_in_one_step(chair_client, world):
    ga = make_meeting(
        world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, start=at(2030, 3, 14), with_template=True
    )
    form = chair_client.get(url("agenda_item_create", world.cluster.slug, ga.pk)).content.decode()
    assert 'value="9" selected>Nr. 9, før »Eventuelt«</option>' in form
    response = chair_client.post(
        url("agenda_item_create", world.cluster.slug, ga.pk), {"title": "Beretning fra KIAP", "position": "9"}
    )
    assert response.status_code == 302
    services.agenda_item_create(meeting=ga, title="Nyt fra PLO")  # the API and the demo: same default
    titles = [i.title for i in selectors.meeting_agenda(meeting=ga)]
    assert titles[-3:] == ["Beretning fra KIAP", "Nyt fra PLO", "Eventuelt"]
    # One step from the bottom to the top: no five reloads.
    item = ga.agenda_items.get(title="Nyt fra PLO")
    response = chair_client.post(
        url("agenda_item_edit", world.cluster.slug, ga.pk, item.pk), {"title": "Nyt fra PLO", "position": "1"}
    )
    assert response.status_code == 302
    agenda = selectors.meeting_agenda(meeting=ga)
    assert [i.title for i in agenda][:2] == ["Nyt fra PLO", "Valg af dirigent og referent"]
    assert [i.position for i in agenda] == list(range(1, 12))
    # The buttons: with htmx the agenda comes back alone with a spoken status; without, a redirect.
    eventuelt = ga.agenda_items.get(title="Eventuelt")
    response = chair_client.post(
        url("agenda_item_move", world.cluster.slug, ga.pk, eventuelt.pk),
        {"retning": "op"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<ol class="klynge-agenda" id="dagsorden-liste">')
    assert "»Eventuelt« er nu nr. 10 på dagsordenen." in html and "<html" not in html
    response = chair_client.post(
        url("agenda_item_move", world.cluster.slug, ga.pk, eventuelt.pk), {"placering": "11"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#punkt-{eventuelt.pk}")
    assert selectors.meeting_agenda(meeting=ga)[-1].title == "Eventuelt"
    bad = chair_client.post(
        url("agenda_item_move", world.cluster.slug, ga.pk, eventuelt.pk), {"placering": "x"}
    )
    assert bad.status_code == 302 and [i.position for i in selectors.meeting_agenda(meeting=ga)] == list(
        range(1, 12)
    )


def test_godkend_referatet_is_offered_only_when_there_are_minutes(chair_client, world):
    meeting = make_meeting(world.cluster, start=at(2022, 5, 10))
    item = services.agenda_item_create(meeting=meeting, title="Data")
    page = chair_client.get(url("meeting_detail", world.cluster.slug, meeting.pk)).content.decode()
    assert "Godkend referatet" not in page and "Der er intet referat endnu" in page
    refused = chair_client.post(url("minutes_approve", world.cluster.slug, meeting.pk), follow=True)
    assert "intet referat at godkende" in refused.content.decode()
    services.minutes_write(item=item, minutes="Vi så på data.")
    page = chair_client.get(url("meeting_detail", world.cluster.slug, meeting.pk)).content.decode()
    assert "Godkend referatet" in page


# Minutes -------------------------------------------------------------------------------------------


def test_minutes_visible_to_members_only_after_approval_and_sanitised(chair_client, world, meeting):
    from django.test import Client

    client = Client()
    item = services.agenda_item_create(meeting=meeting, title="Data")
    response = chair_client.post(
        url("minutes_edit", world.cluster.slug, meeting.pk),
        {
            f"p{item.pk}-minutes": "**Godt** møde <script>alert(1)</script>",
            f"p{item.pk}-decisions": "Vi gør det",
        },
    )
    assert response.status_code == 302
    client.force_login(world.member)
    page = client.get(url("meeting_detail", world.cluster.slug, meeting.pk)).content.decode()
    assert "Godt" not in page
    assert client.get(url("minutes_pdf", world.cluster.slug, meeting.pk)).status_code == 404
    chair_client.post(url("minutes_approve", world.cluster.slug, meeting.pk))
    page = client.get(url("meeting_detail", world.cluster.slug, meeting.pk)).content.decode()
    assert "<strong>Godt</strong>" in page and "<script>alert" not in page
    pdf = client.get(url("minutes_pdf", world.cluster.slug, meeting.pk))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    with pytest.raises(Exception):
        services.minutes_write(item=item, minutes="ændret")


def test_retreat_wishes_are_records(world):
    retreat = make_meeting(world.cluster, kind=MeetingKind.RETREAT, start=at(2030, 11, 5, 9), hours=31)
    services.meeting_note_add(meeting=retreat, text="Klagesager og kritik", kind=NoteKind.RETREAT_WISH)
    assert [n.text for n in selectors.retreat_wishes(cluster=world.cluster, year=2030)] == [
        "Klagesager og kritik"
    ]


# Guests --------------------------------------------------------------------------------------------


def test_guest_of_one_meeting_sees_that_meeting_only(client, world, meeting):
    package = services.package_create(cluster=world.cluster, title="Pakke", source="cluster")
    attachment = services.package_attachment_add(
        package=package, title="Slides", upload=SimpleUploadedFile("slides.pdf", b"%PDF slides")
    )
    services.meeting_update(meeting=meeting, package=package)
    other = make_meeting(world.cluster, start=at(2030, 9, 4), package=package)
    guest = services.guest_add(
        meeting=meeting, name="Karin Kommune", email="karin@kommune.dk", role="kommune"
    )
    services.agenda_item_create(meeting=meeting, title="Henvisning til kommunale tilbud")
    client.force_login(guest.person)
    page = client.get(url("meeting_detail", world.cluster.slug, meeting.pk))
    assert page.status_code == 200 and "Henvisning til kommunale tilbud" in page.content.decode()
    assert "Slides" in page.content.decode()
    material = client.get(url("meeting_material", world.cluster.slug, meeting.pk, attachment.pk))
    assert b"".join(material.streaming_content) == b"%PDF slides"
    assert client.get(url("meeting_detail", world.cluster.slug, other.pk)).status_code == 404
    assert client.get(url("meeting_material", world.cluster.slug, other.pk, attachment.pk)).status_code == 404
    assert client.get(url("package_detail", world.cluster.slug, package.pk)).status_code == 404
    assert client.get(url("meeting_list", world.cluster.slug)).status_code == 404
    assert client.get(reverse("core:person_list", args=[world.cluster.slug])).status_code == 404
    assert client.get(reverse("core:practice_list", args=[world.cluster.slug])).status_code == 404
    assert client.get(url("checkin", world.cluster.slug, meeting.pk)).status_code == 404


# Invitations ---------------------------------------------------------------------------------------


def test_invitations_skip_suspended_practices_and_tell_the_board(chair_client, world, meeting):
    membership = world.cluster.memberships.get(practice=world.other_practice)
    membership_set_status(
        membership=membership,
        status=MembershipStatus.SUSPENDED,
        starts_on=dt.date(2029, 1, 1),
        until_next_general_assembly=True,
    )
    services.guest_add(meeting=meeting, name="Fie Facilitator", email="fie@example.org", role="facilitator")
    response = chair_client.post(url("meeting_invite", world.cluster.slug, meeting.pk), follow=True)
    page = response.content.decode()
    assert "sat på hold" in page and world.member.name in page
    to = set(OutboxMessage.objects.values_list("to", flat=True))
    assert world.member.email not in to and world.alternate.email not in to
    assert {world.chair.email, world.coordinator.email, "fie@example.org"} <= to
    message = OutboxMessage.objects.get(to=world.chair.email)
    event = _event(_ics(message))
    assert str(event["uid"]) == f"{meeting.uid}@klynge"
    assert event.decoded("dtstart") == at(2030, 5, 22)
    assert "/svar/" in message.body
    assert "/invitation/" in OutboxMessage.objects.get(to="fie@example.org").body
    assert "/invitation/" not in message.body
    # inviting again sends nothing new
    chair_client.post(url("meeting_invite", world.cluster.slug, meeting.pk))
    assert OutboxMessage.objects.count() == len(to)


def test_answer_from_signed_link_without_login(client, world, meeting):
    services.meeting_invite_all(meeting=meeting)
    invitation = Invitation.objects.get(person=world.member)
    link = services.answer_link(invitation, "kommer").split("127.0.0.1:8000", 1)[-1]
    page = client.get(link)
    assert page.status_code == 200 and meeting.title in page.content.decode()
    response = client.post(link.split("?")[0], {"answer": "maaske"})
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.answer == "maaske"
    assert client.get(url("public_answer", "forkert-token")).status_code == 404
    assert client.post(link.split("?")[0], {"answer": "nej"}).status_code == 400


def test_answer_on_the_page(member_client, world, meeting):
    services.meeting_invite_all(meeting=meeting)
    member_client.post(url("meeting_answer", world.cluster.slug, meeting.pk), {"answer": "kommer_ikke"})
    assert Invitation.objects.get(person=world.member).answer == "kommer_ikke"
    member_client.force_login(world.chair)
    page = member_client.get(url("meeting_detail", world.cluster.slug, meeting.pk)).content.decode()
    assert "0 kommer, 1 kommer ikke, 0 måske, 3 har ikke svaret" in page


def test_reminders_go_to_those_who_have_not_answered_once(world):
    meeting = make_meeting(world.cluster, start=at(2030, 5, 22), reminder_days_before=5)
    services.meeting_invite_all(meeting=meeting)
    services.invitation_answer(invitation=Invitation.objects.get(person=world.chair), answer="kommer")
    OutboxMessage.objects.all().delete()
    call_command("send_reminders", now="2030-05-10T08:00")
    assert not OutboxMessage.objects.exists()
    call_command("send_reminders", now="2030-05-18T08:00")
    reminded = set(OutboxMessage.objects.values_list("to", flat=True))
    assert world.member.email in reminded and world.chair.email not in reminded
    assert all(m.subject.startswith("Påmindelse") for m in OutboxMessage.objects.all())
    count = OutboxMessage.objects.count()
    call_command("send_reminders", now="2030-05-19T08:00")
    assert OutboxMessage.objects.count() == count


def test_changed_and_cancelled_meeting_send_same_uid_higher_sequence(chair_client, world, meeting):
    services.meeting_invite_all(meeting=meeting)
    OutboxMessage.objects.all().delete()
    services.meeting_update(meeting=meeting, venue_name="Gentofte Rådhus")
    updated = _event(_ics(OutboxMessage.objects.filter(to=world.member.email).last()))
    assert str(updated["uid"]) == f"{meeting.uid}@klynge" and int(updated["sequence"]) == 1
    assert "Gentofte Rådhus" in str(updated["location"])
    response = chair_client.post(url("meeting_cancel", world.cluster.slug, meeting.pk))
    assert response.status_code == 302
    message = OutboxMessage.objects.filter(to=world.member.email).last()
    cal = _ics(message)
    cancelled = _event(cal)
    assert str(cal["method"]) == "CANCEL" and str(cancelled["status"]) == "CANCELLED"
    assert int(cancelled["sequence"]) == 2 and str(cancelled["uid"]) == f"{meeting.uid}@klynge"
    assert message.subject.startswith("Aflyst")


# Calendar feeds ------------------------------------------------------------------------------------


def test_private_feed_local_times_across_summer_time_and_revocation(client, world, other_world):
    spring = make_meeting(world.cluster, start=at(2023, 3, 27, 16))
    autumn = make_meeting(world.cluster, start=at(2023, 10, 30, 16), title="Efterår")
    cancelled = make_meeting(world.cluster, start=at(2023, 9, 4, 16), title="Aflyst møde")
    services.meeting_cancel(meeting=cancelled)
    make_meeting(other_world.cluster, title="Fremmed møde")
    feed = services.calendar_feed_create(person=world.member)
    response = client.get(url("public_person_feed", feed.token))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    vtimezone = next(c for c in cal.walk("VTIMEZONE"))
    assert str(vtimezone["tzid"]) == "Europe/Copenhagen"
    # The VTIMEZONE itself (what a calendar program without tz data uses) gives the right offsets.
    tz = vtimezone.to_tz()
    assert tz.utcoffset(dt.datetime(2023, 3, 27, 16)) == dt.timedelta(hours=2)
    assert tz.utcoffset(dt.datetime(2023, 10, 30, 16)) == dt.timedelta(hours=1)
    assert tz.utcoffset(dt.datetime(2045, 7, 1, 16)) == dt.timedelta(hours=2)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    # The calendar names what the meeting is; its own entry gives the date.
    assert "Klyngemøde: Fremmed møde" not in events
    for meeting in (spring, autumn):
        event = events[meeting.short_name]
        start = event.decoded("dtstart")
        assert (start.hour, start.minute) == (16, 0) and str(start.tzinfo) == "Europe/Copenhagen"
        assert event["dtstart"].params["TZID"] == "Europe/Copenhagen"
        assert str(event["uid"]) == f"{meeting.uid}@klynge"
    assert events["Klyngemøde: Efterår"].decoded("dtstart").utcoffset() == dt.timedelta(hours=1)
    assert events["Klyngemøde"].decoded("dtstart").utcoffset() == dt.timedelta(hours=2)
    assert str(events["Klyngemøde: Aflyst møde"]["status"]) == "CANCELLED"
    # revoke: the old address stops working
    client.force_login(world.member)
    client.post(url("calendar_settings"), {"handling": "tilbagekald"})
    assert client.get(url("public_person_feed", feed.token)).status_code == 404


def test_public_cluster_feed_shows_only_published_meetings(client, world):
    make_meeting(world.cluster, title="Offentligt", is_public=True)
    make_meeting(world.cluster, title="Internt")
    cal = icalendar.Calendar.from_ical(client.get(url("public_cluster_feed", world.cluster.slug)).content)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["Klyngemøde: Offentligt"]


# Attendance ----------------------------------------------------------------------------------------


def test_checkin_htmx_and_attendance_pdf_and_csv(chair_client, world, meeting):
    guest = services.guest_add(
        meeting=meeting,
        name="Oskar Oplæg",
        email="oskar@example.org",
        role="oplaegsholder",
        organisation="Sygehuset",
    )
    response = chair_client.post(
        url("checkin_toggle", world.cluster.slug, meeting.pk, world.member.pk), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Tjekket ind" in response.content.decode()
    chair_client.post(
        url("checkin_toggle", world.cluster.slug, meeting.pk, guest.person.pk), HTTP_HX_REQUEST="true"
    )
    assert chair_client.post(url("checkin_toggle", world.cluster.slug, meeting.pk, 999999)).status_code == 404
    pdf = chair_client.get(url("attendance_pdf", world.cluster.slug, meeting.pk))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf.content)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True
        ).stdout
    assert world.member.name in text and world.other_practice.provider_number in text
    assert "Oskar Oplæg" in text and "Sygehuset" in text
    assert world.chair.name not in text and world.cluster.name in text
    csv_text = chair_client.get(url("attendance_csv", world.cluster.slug, meeting.pk)).content.decode(
        "utf-8-sig"
    )
    assert (
        f"Deltager;{world.member.name};{world.other_practice.name};{world.other_practice.provider_number}"
        in csv_text
    )
    assert "Gæst;Oskar Oplæg" in csv_text


def test_attendance_per_practice_per_year(chair_client, world):
    meetings = [make_meeting(world.cluster, start=at(2022, m, 10)) for m in (3, 5, 8, 11)]
    for m in meetings[:3]:
        services.attendance_check_in(meeting=m, person=world.chair)
    services.attendance_check_in(meeting=meetings[0], person=world.member)
    _, rows = selectors.attendance_by_practice(cluster=world.cluster, year=2022)
    by_name = {r.practice.name: (r.attended, r.missed) for r in rows}
    assert by_name == {world.practice.name: (3, 1), world.other_practice.name: (1, 3)}
    page = chair_client.get(url("attendance_report", world.cluster.slug) + "?aar=2022").content.decode()
    assert world.other_practice.name in page


def test_a_practice_on_hold_is_on_hold_not_absent(chair_client, world):
    """Suspended from 1/5 to 1/9: the May and August meetings read »På hold«, the others count."""
    meetings = [make_meeting(world.cluster, start=at(2022, m, 10)) for m in (3, 5, 8, 11)]
    services.attendance_check_in(meeting=meetings[0], person=world.member)
    membership = world.cluster.memberships.get(practice=world.other_practice)
    membership_set_status(
        membership=membership,
        status=MembershipStatus.SUSPENDED,
        starts_on=dt.date(2022, 5, 1),
        ends_on=dt.date(2022, 9, 1),
    )
    _, rows = selectors.attendance_by_practice(cluster=world.cluster, year=2022)
    row = next(r for r in rows if r.practice == world.other_practice)
    assert [state for _, state in row.meetings] == ["attended", "on_hold", "on_hold", "missed"]
    assert (row.attended, row.missed, row.on_hold) == (1, 1, 2)
    page = chair_client.get(url("attendance_report", world.cluster.slug) + "?aar=2022").content.decode()
    cells = page.split(world.other_practice.name, 1)[1].split("</tr>", 1)[0]
    assert cells.count("På hold") == 2 and cells.count("Udeblevet") == 1


def test_every_link_a_guest_is_shown_opens(client, world):
    """Agenda links to a package, a questionnaire's results or another meeting would answer 404 to a
    guest: they are shown as text. A shared data view, this meeting's material and outside pages stay."""
    import re

    from klynge.quality.services import indicator_create

    indicator = indicator_create(cluster=world.cluster, by=world.chair, name_da="Vores telefonrecepter")

    meeting = make_meeting(world.cluster, start=at(2030, 8, 29))
    other = make_meeting(world.cluster, start=at(2030, 9, 4))
    package = services.package_create(cluster=world.cluster, title="Pakke", source="cluster")
    slug = world.cluster.slug
    links = {
        "Pakken": f"/k/{slug}/pakker/{package.pk}/",
        "Resultaterne": f"/k/{slug}/spoergeskemaer/1/resultater/",
        "Næste møde": f"/k/{slug}/moeder/{other.pk}/",
        "Dette møde": f"/k/{slug}/moeder/{meeting.pk}/",
        "Vores data": f"/k/{slug}/data/indikator/{indicator.pk}/",
        "Sundhedsstyrelsen": "https://www.sst.dk/",
        "Skriv til os": "mailto:klynge@example.dk",
    }
    for label, link in links.items():
        services.agenda_item_create(meeting=meeting, title=f"Punkt: {label}", link_url=link, link_label=label)
    guest = services.guest_add(
        meeting=meeting, name="Karin Kommune", email="karin@kommune.dk", role="kommune"
    )
    client.force_login(guest.person)
    page = client.get(url("meeting_detail", slug, meeting.pk)).content.decode()
    hrefs = set(re.findall(r'href="([^"#]+)"', page))
    for label in ("Pakken", "Resultaterne", "Næste møde"):
        assert links[label] not in hrefs and f"<p>{label}</p>" in page, label
    for label in ("Dette møde", "Vores data", "Sundhedsstyrelsen", "Skriv til os"):
        assert links[label] in hrefs, label
    for href in hrefs:
        if href.startswith("/") and not href.startswith(("/static/", "/log-ud/")):
            assert client.get(href).status_code == 200, href
    # A member of the cluster is shown every link.
    client.force_login(world.member)
    page = client.get(url("meeting_detail", slug, meeting.pk)).content.decode()
    assert all(links[label] in page for label in ("Pakken", "Resultaterne", "Næste møde"))


# Library -------------------------------------------------------------------------------------------


def test_national_packages_only_by_staff_and_shared(client, world, other_world):
    national = services.package_create(cluster=None, title="Smertestillende medicin", source="kiap")
    own = services.package_create(cluster=world.cluster, title="Egen pakke", source="cluster")
    client.force_login(other_world.chair)
    page = client.get(url("package_list", other_world.cluster.slug)).content.decode()
    assert national.title in page and own.title not in page
    assert client.get(url("package_detail", other_world.cluster.slug, own.pk)).status_code == 404
    assert client.get(url("package_edit", other_world.cluster.slug, national.pk)).status_code == 404
    assert client.get(url("package_create", other_world.cluster.slug) + "?national=1").status_code == 404
    follow = client.post(
        url("package_follow_up", other_world.cluster.slug, national.pk), {"ordered_on": "2024-01-10"}
    )
    assert follow.status_code == 302
    follow_up = ClusterPackage.objects.get(follow_up_of=national)
    assert follow_up.cluster == other_world.cluster


def test_document_library_versions_and_search(chair_client, world):
    response = chair_client.post(
        url("document_create", world.cluster.slug),
        {
            "title": "KIAP vejledning om klyngepakker",
            "category": "kiap",
            "description": "",
            "file": SimpleUploadedFile("vejledning.pdf", b"%PDF-1.4 v1"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    chair_client.post(
        url("document_version_add", world.cluster.slug, document.pk),
        {"note": "Rettet", "file": SimpleUploadedFile("vejledning.pdf", b"%PDF-1.4 v2")},
    )
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    download = chair_client.get(url("document_download", world.cluster.slug, document.pk, 1))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 v1"
    page = chair_client.get(url("document_list", world.cluster.slug) + "?q=klyngepakker").content.decode()
    assert "KIAP vejledning" in page
    page = chair_client.get(url("document_list", world.cluster.slug) + "?q=slides").content.decode()
    assert "KIAP vejledning" not in page


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("virus.exe", b"MZ"), "er ikke tilladt"),
        (SimpleUploadedFile("stor.pdf", b"x" * 2048), "Filen er for stor"),
    ],
)
def test_bad_attachment_is_refused_with_nothing_saved(chair_client, world, settings, upload, message):
    settings.MEETINGS_MAX_UPLOAD_BYTES = 1024
    response = chair_client.post(
        url("document_create", world.cluster.slug), {"title": "X", "category": "other", "file": upload}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Document.objects.exists()
    package = services.package_create(cluster=world.cluster, title="P", source="cluster")
    upload.seek(0)
    response = chair_client.post(
        url("package_attachment_add", world.cluster.slug, package.pk), {"title": "B", "file": upload}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not package.attachments.exists()


def test_meeting_statuses_held_sends_nothing_cancelled_cancels(chair_client, world):
    meeting = make_meeting(world.cluster)
    services.meeting_invite_all(meeting=meeting)
    OutboxMessage.objects.all().delete()
    services.meeting_update(meeting=meeting, status=MeetingStatus.HELD)
    assert Meeting.objects.get().status == MeetingStatus.HELD and not OutboxMessage.objects.exists()
    response = chair_client.post(
        url("meeting_edit", world.cluster.slug, meeting.pk), _meeting_form(status=MeetingStatus.CANCELLED)
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert OutboxMessage.objects.filter(subject__startswith="Aflyst").count() == 4
