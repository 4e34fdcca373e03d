"""Writes to meetings. One transaction each; keyword-only arguments."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from klynge.core import dates
from klynge.core import selectors as core_selectors
from klynge.core.links import validate_link
from klynge.core.models import Cluster, Person
from klynge.core.services import ServiceError, normalise_email, outbox_enqueue, password_link_for, site_link
from klynge.core.throttling import mail_allowed
from klynge.core.updates import check_fields, model_update

from . import calendar
from .models import (
    GENERAL_ASSEMBLY_AGENDA,
    AgendaItem,
    Answer,
    Attendance,
    CalendarFeed,
    ClusterPackage,
    Document,
    DocumentCategory,
    DocumentVersion,
    GuestRole,
    Invitation,
    Meeting,
    MeetingGuest,
    MeetingKind,
    MeetingNote,
    MeetingStatus,
    NoteKind,
    PackageAttachment,
    PackageSource,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = {
    ".pdf",
    ".docx",
    ".doc",
    ".xlsx",
    ".xls",
    ".pptx",
    ".ppt",
    ".odt",
    ".ods",
    ".odp",
    ".txt",
    ".md",
    ".csv",
    ".png",
    ".jpg",
    ".jpeg",
}

ANSWER_SALT = "klynge.meetings.answer"


# Meetings ------------------------------------------------------------------------------------------


def _check_times_and_venue(starts_at, ends_at, venue_name) -> None:
    errors = {}
    if starts_at is None:
        errors["starts_at"] = "Angiv, hvornår mødet begynder."
    if ends_at is None:
        errors["ends_at"] = "Angiv, hvornår mødet slutter."
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "Mødet skal slutte efter, det begynder."
    if not (venue_name or "").strip():
        errors["venue_name"] = "Skriv, hvor mødet holdes."
    if errors:
        raise ServiceError(errors)


def _check_package(cluster: Cluster, package: ClusterPackage | None) -> None:
    if package is not None and package.cluster_id not in (None, cluster.pk):
        raise ServiceError({"package": "Klyngepakken findes ikke i klyngen."})


@transaction.atomic
def meeting_create(
    *,
    cluster: Cluster,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue_name: str,
    venue_address: str = "",
    theme: str = "",
    description: str = "",
    status: str = MeetingStatus.PLANNED,
    by: Person | None = None,
    package: ClusterPackage | None = None,
    is_public: bool = False,
    reminder_days_before: int = 7,
    with_template: bool = False,
) -> Meeting:
    _check_times_and_venue(starts_at, ends_at, venue_name)
    if kind not in MeetingKind.values:
        raise ServiceError({"kind": "Ukendt mødetype."})
    if not (title or "").strip():
        raise ServiceError({"title": "Giv mødet en titel."})
    _check_package(cluster, package)
    meeting = Meeting(
        cluster=cluster,
        kind=kind,
        title=title.strip(),
        # The topic in every list and dropdown: the package's title unless the board names one.
        theme=theme.strip() or (package.title if package is not None else ""),
        starts_at=starts_at,
        ends_at=ends_at,
        venue_name=venue_name.strip(),
        venue_address=venue_address,
        description=description,
        status=status,
        package=package,
        is_public=is_public,
        reminder_days_before=reminder_days_before,
    )
    meeting.full_clean()
    meeting.save()
    if with_template and kind == MeetingKind.GENERAL_ASSEMBLY:
        agenda_apply_general_assembly_template(meeting=meeting)
    return meeting


CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "venue_name", "venue_address", "description"}
MEETING_UPDATE_FIELDS = (
    "kind",
    "title",
    "theme",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_address",
    "status",
    "package",
    "description",
    "is_public",
    "reminder_days_before",
)


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: Person | None = None, notify: bool = True, **fields) -> Meeting:
    """Changes a meeting; if what a calendar shows changed, invitees get an updated entry."""
    check_fields(meeting, fields=MEETING_UPDATE_FIELDS, data=fields)
    if "package" in fields:
        _check_package(meeting.cluster, fields["package"])
        old = meeting.package.title if meeting.package_id else ""
        new = fields["package"].title if fields["package"] is not None else ""
        # A theme that was only the old package's title follows the package.
        if new != old and (fields.get("theme", meeting.theme) or "").strip() in ("", old):
            fields["theme"] = new
    if fields.get("status") == MeetingStatus.CANCELLED and meeting.status != MeetingStatus.CANCELLED:
        fields = {name: value for name, value in fields.items() if name != "status"}
        if fields:
            meeting_update(meeting=meeting, by=by, notify=False, **fields)
        return meeting_cancel(meeting=meeting, by=by)
    if "status" in fields and fields["status"] not in MeetingStatus.values:
        raise ServiceError({"status": "Ukendt status."})
    meeting, changed = model_update(instance=meeting, fields=MEETING_UPDATE_FIELDS, data=fields, save=False)
    changed = set(changed)
    _check_times_and_venue(meeting.starts_at, meeting.ends_at, meeting.venue_name)
    if changed & CALENDAR_FIELDS:
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    if notify and changed & CALENDAR_FIELDS and meeting.invitations.exists():
        _send_calendar_update(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: Person | None = None) -> Meeting:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ServiceError("Mødet er allerede aflyst.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    _send_calendar_update(meeting)
    return meeting


def _send_calendar_update(meeting: Meeting) -> None:
    cancelled = meeting.status == MeetingStatus.CANCELLED
    for invitation in meeting.invitations.select_related("person"):
        subject = ("Aflyst: " if cancelled else "Ændret: ") + meeting.display_name
        _mail_invitation(invitation, subject=subject, template="meetings/mail/update.txt")


@transaction.atomic
def next_year_plan_create(
    *, cluster: Cluster, entries: list[dict], by: Person | None = None
) -> list[Meeting]:
    """Creates next year's meetings in one go; entries have kind, title, starts_at, ends_at, venue_name."""
    if not entries:
        raise ServiceError("Angiv mindst ét møde.")
    return [meeting_create(cluster=cluster, by=by, **entry) for entry in entries]


# Agenda --------------------------------------------------------------------------------------------


def _next_position(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("position"))["m"] or 0) + 1


# Items that close a meeting; a new item goes before them, not after »Eventuelt«.
CLOSING_TITLES = frozenset({"eventuelt", "evt", "afslutning", "tak for i dag"})


def is_closing_item(title: str) -> bool:
    return (title or "").strip().rstrip(".:!").strip().lower() in CLOSING_TITLES


def default_position(meeting: Meeting) -> int:
    """Where a new item goes: before the closing items at the end of the agenda, else last."""
    items = list(meeting.agenda_items.order_by("position", "id").values_list("position", "title"))
    position = len(items) + 1
    for item_position, title in reversed(items):
        if not is_closing_item(title):
            break
        position = item_position
    return position


@transaction.atomic
def agenda_item_create(
    *,
    meeting: Meeting,
    title: str,
    duration_minutes: int | None = None,
    responsible: Person | None = None,
    description: str = "",
    link_url: str = "",
    link_label: str = "",
    position: int | None = None,
) -> AgendaItem:
    """Adds an item to the agenda: before the closing items (»Eventuelt«) when position is None, else
    at that position; the items from there move down."""
    if not (title or "").strip():
        raise ServiceError({"title": "Skriv punktets titel."})
    if duration_minutes is not None and duration_minutes < 0:
        raise ServiceError({"duration_minutes": "Varigheden kan ikke være negativ."})
    _check_link(link_url)
    if position is None:
        position = default_position(meeting)
    position = min(max(1, int(position)), _next_position(meeting))
    for other in meeting.agenda_items.filter(position__gte=position).order_by("-position"):
        other.position += 1
        other.save(update_fields=["position"])
    item = AgendaItem(
        meeting=meeting,
        position=position,
        title=title.strip(),
        duration_minutes=duration_minutes,
        responsible=responsible,
        description=description,
        link_url=link_url,
        link_label=link_label,
    )
    item.full_clean()
    item.save()
    return item


AGENDA_ITEM_UPDATE_FIELDS = (
    "title",
    "duration_minutes",
    "responsible",
    "description",
    "link_url",
    "link_label",
)


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, position: int | None = None, **fields) -> AgendaItem:
    """Changes an item; with a position, it also moves there (1 is first)."""
    model_update(instance=item, fields=AGENDA_ITEM_UPDATE_FIELDS, data=fields, save=False)
    if not item.title.strip():
        raise ServiceError({"title": "Skriv punktets titel."})
    _check_link(item.link_url)
    item.full_clean()
    item.save()
    if position is not None:
        item.position = agenda_item_move(item=item, position=position).position
    return item


def _check_link(link_url: str) -> None:
    try:
        validate_link(link_url)
    except ValidationError as error:
        raise ServiceError({"link_url": error.messages}) from error


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    meeting = item.meeting
    item.delete()
    for position, other in enumerate(meeting.agenda_items.order_by("position", "id"), start=1):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: int = 0, position: int | None = None) -> AgendaItem:
    """Moves an item one step (direction -1 up, +1 down) or straight to a position (1 is first);
    the agenda is numbered 1, 2, 3 ... afterwards. Returns the item with its new position."""
    items = list(item.meeting.agenda_items.select_for_update().order_by("position", "id"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    if position is None:
        target = index + (1 if direction > 0 else -1 if direction < 0 else 0)
    else:
        try:
            target = int(position) - 1
        except (TypeError, ValueError):
            raise ServiceError({"position": "Vælg en placering på dagsordenen."})
    target = min(max(target, 0), len(items) - 1)
    items.insert(target, items.pop(index))
    for number, other in enumerate(items, start=1):
        if other.position != number:
            other.position = number
            other.save(update_fields=["position"])
    return items[target]


@transaction.atomic
def agenda_apply_general_assembly_template(*, meeting: Meeting) -> list[AgendaItem]:
    if meeting.kind != MeetingKind.GENERAL_ASSEMBLY:
        raise ServiceError("Skabelonen er til en generalforsamling.")
    existing = set(meeting.agenda_items.values_list("title", flat=True))
    return [
        agenda_item_create(meeting=meeting, title=title, duration_minutes=minutes)
        for title, minutes in GENERAL_ASSEMBLY_AGENDA
        if title not in existing
    ]


def proposal_deadline(meeting: Meeting) -> dt.datetime:
    """The last moment a proposal for the general assembly can come in (cluster settings)."""
    return meeting.starts_at - dt.timedelta(days=meeting.cluster.motion_deadline_days)


def notice_deadline(meeting: Meeting) -> dt.datetime:
    """The last moment the notice of a general assembly can go out (cluster settings)."""
    return meeting.starts_at - dt.timedelta(days=meeting.cluster.general_assembly_notice_days)


def proposal_deadline_passed(meeting: Meeting) -> str:
    """The one message for a proposal that comes after the general assembly's deadline."""
    return (
        f"Fristen for forslag til generalforsamlingen var {dates.short_date_time(proposal_deadline(meeting))} "
        f"({meeting.cluster.motion_deadline_days} dage før). Forslaget kan ikke modtages nu; "
        "kontakt bestyrelsen."
    )


def check_proposal_deadline(*, meeting: Meeting, now: dt.datetime | None = None) -> None:
    """Raises a clear message when a proposal for the general assembly comes after the deadline."""
    now = now or timezone.now()
    if meeting.kind == MeetingKind.GENERAL_ASSEMBLY and now > proposal_deadline(meeting):
        raise ServiceError(proposal_deadline_passed(meeting))


@transaction.atomic
def agenda_proposal_add(
    *,
    meeting: Meeting,
    title: str,
    description: str = "",
    responsible: Person | None = None,
    link_url: str = "",
    link_label: str = "",
    now: dt.datetime | None = None,
) -> AgendaItem:
    """A proposal (indkommet forslag) placed on a general assembly's agenda, within the deadline."""
    check_proposal_deadline(meeting=meeting, now=now)
    position = None
    anchor = meeting.agenda_items.filter(title="Indkomne forslag").first()
    if anchor is not None:
        position = (
            anchor.position
            + 1
            + meeting.agenda_items.filter(position__gt=anchor.position, title__startswith="Forslag:").count()
        )
    return agenda_item_create(
        meeting=meeting,
        title=f"Forslag: {title.strip()}" if title and title.strip() else "",
        description=description,
        responsible=responsible,
        link_url=link_url,
        link_label=link_label,
        position=position,
    )


# Minutes -------------------------------------------------------------------------------------------


@transaction.atomic
def minutes_write(*, item: AgendaItem, minutes: str, decisions: str = "") -> AgendaItem:
    if Meeting.objects.filter(pk=item.meeting_id, minutes_approved_at__isnull=False).exists():
        raise ServiceError("Referatet er godkendt og kan ikke længere ændres.")
    item.minutes = minutes
    item.decisions = decisions
    item.save(update_fields=["minutes", "decisions"])
    return item


@transaction.atomic
def minutes_approve(*, meeting: Meeting, by: Person, now: dt.datetime | None = None) -> Meeting:
    if meeting.minutes_approved_at is not None:
        raise ServiceError("Referatet er allerede godkendt.")
    if not meeting.agenda_items.exclude(minutes="").exists():
        raise ServiceError("Der er intet referat at godkende endnu.")
    meeting.minutes_approved_at = now or timezone.now()
    meeting.minutes_approved_by = by
    meeting.save(update_fields=["minutes_approved_at", "minutes_approved_by", "updated_at"])
    return meeting


# Notes (wishes for the next retreat) ---------------------------------------------------------------


@transaction.atomic
def meeting_note_add(
    *, meeting: Meeting, text: str, kind: str = NoteKind.NOTE, by: Person | None = None
) -> MeetingNote:
    text = (text or "").strip()
    if not text:
        raise ServiceError({"text": "Skriv noten."})
    if kind not in NoteKind.values:
        raise ServiceError({"kind": "Ukendt type."})
    note = MeetingNote(meeting=meeting, text=text[:500], kind=kind, created_by=by)
    note.save()
    return note


# Attendance ----------------------------------------------------------------------------------------


@transaction.atomic
def attendance_check_in(*, meeting: Meeting, person: Person, by: Person | None = None) -> Attendance:
    attendance, _ = Attendance.objects.get_or_create(
        meeting=meeting, person=person, defaults={"checked_in_by": by}
    )
    return attendance


@transaction.atomic
def attendance_check_out(*, meeting: Meeting, person: Person) -> None:
    Attendance.objects.filter(meeting=meeting, person=person).delete()


# Files ---------------------------------------------------------------------------------------------


def _check_upload(upload, field: str = "file") -> None:
    if upload is None:
        raise ServiceError({field: "Vælg en fil."})
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise ServiceError(
            {
                field: f"Filtypen »{suffix or 'uden endelse'}« er ikke tilladt. Brug fx PDF, Word, PowerPoint eller Excel."
            }
        )
    limit = getattr(settings, "MEETINGS_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)
    if upload.size > limit:
        raise ServiceError(
            {field: f"Filen er for stor ({upload.size / 1048576:.1f} MB). Højst {limit / 1048576:.1f} MB."}
        )


# Cluster packages ----------------------------------------------------------------------------------

PACKAGE_TEXT_FIELDS = ("focus", "data_basis", "background", "recommendations", "discussion_questions")


@transaction.atomic
def package_create(
    *,
    cluster: Cluster | None,
    title: str,
    source: str = PackageSource.KIAP,
    ordered_on: dt.date | None = None,
    follow_up_of: ClusterPackage | None = None,
    by: Person | None = None,
    **texts,
) -> ClusterPackage:
    """A cluster's own package, or a national one (cluster=None; platform staff only, checked by the view)."""
    if not (title or "").strip():
        raise ServiceError({"title": "Giv pakken en titel."})
    if source not in PackageSource.values:
        raise ServiceError({"source": "Ukendt kilde."})
    if follow_up_of is not None and follow_up_of.cluster_id not in (None, getattr(cluster, "pk", None)):
        raise ServiceError({"follow_up_of": "Pakken findes ikke i klyngen."})
    unknown = set(texts) - set(PACKAGE_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    package = ClusterPackage(
        cluster=cluster,
        title=title.strip(),
        source=source,
        ordered_on=ordered_on,
        follow_up_of=follow_up_of,
        created_by=by,
        **texts,
    )
    package.full_clean()
    package.save()
    return package


PACKAGE_UPDATE_FIELDS = (
    "title",
    "source",
    "focus",
    "data_basis",
    "background",
    "recommendations",
    "discussion_questions",
    "ordered_on",
)


@transaction.atomic
def package_update(*, package: ClusterPackage, **fields) -> ClusterPackage:
    model_update(instance=package, fields=PACKAGE_UPDATE_FIELDS, data=fields, save=False)
    if not package.title.strip():
        raise ServiceError({"title": "Giv pakken en titel."})
    package.full_clean()
    package.save()
    return package


@transaction.atomic
def package_follow_up_order(
    *, cluster: Cluster, package: ClusterPackage, ordered_on: dt.date, by: Person | None = None
) -> ClusterPackage:
    """Orders a package again later as a follow-up: a new package of the cluster that points back."""
    return package_create(
        cluster=cluster,
        title=f"Opfølgning: {package.title}",
        source=package.source,
        ordered_on=ordered_on,
        follow_up_of=package,
        by=by,
        **{name: getattr(package, name) for name in PACKAGE_TEXT_FIELDS},
    )


@transaction.atomic
def package_attachment_add(
    *, package: ClusterPackage, title: str, upload, by: Person | None = None
) -> PackageAttachment:
    _check_upload(upload)
    attachment = PackageAttachment(
        package=package, title=(title or "").strip() or upload.name, uploaded_by=by
    )
    attachment.file.save(PurePath(upload.name).name, upload, save=False)
    attachment.save()
    return attachment


# Document library ----------------------------------------------------------------------------------


@transaction.atomic
def document_create(
    *,
    cluster: Cluster,
    title: str,
    category: str,
    upload,
    description: str = "",
    note: str = "",
    by: Person | None = None,
) -> Document:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Giv dokumentet en titel."
    if category not in DocumentCategory.values:
        errors["category"] = "Vælg en kategori."
    if errors:
        raise ServiceError(errors)
    _check_upload(upload)
    document = Document.objects.create(
        cluster=cluster, title=title.strip(), category=category, description=description
    )
    document_version_add(document=document, upload=upload, note=note or "Første version", by=by)
    return document


@transaction.atomic
def document_version_add(
    *, document: Document, upload, note: str = "", by: Person | None = None
) -> DocumentVersion:
    _check_upload(upload)
    number = (document.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = DocumentVersion(
        document=document, number=number, filename=PurePath(upload.name).name, note=note, uploaded_by=by
    )
    version.file.save(PurePath(upload.name).name, upload, save=False)
    version.save()
    document.save(update_fields=["updated_at"])
    return version


# Guests --------------------------------------------------------------------------------------------


@transaction.atomic
def guest_add(
    *,
    meeting: Meeting,
    name: str,
    email: str,
    organisation: str = "",
    role: str = GuestRole.OTHER,
    by: Person | None = None,
) -> MeetingGuest:
    """Adds an external guest to one meeting. A new e-mail gets a person without a cluster role."""
    name = (name or "").strip()
    if not name:
        raise ServiceError({"name": "Skriv gæstens navn."})
    email = normalise_email(email)
    if role not in GuestRole.values:
        raise ServiceError({"role": "Ukendt rolle."})
    person = Person.objects.filter(email__iexact=email).first()
    if person is None:
        person = Person(email=email, name=name)
        person.set_unusable_password()
        person.full_clean()
        person.save()
    if meeting.guests.filter(person=person).exists():
        raise ServiceError({"email": f"{email} er allerede gæst ved mødet."})
    guest = MeetingGuest.objects.create(meeting=meeting, person=person, organisation=organisation, role=role)
    return guest


@transaction.atomic
def guest_remove(*, guest: MeetingGuest) -> None:
    guest.meeting.invitations.filter(person=guest.person, is_guest=True).delete()
    guest.delete()


# Invitations ---------------------------------------------------------------------------------------


def answer_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "p": invitation.person_id}, salt=ANSWER_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link stands for, or None when the link is forged, too old or the meeting is over."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=settings.MEETING_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    invitation = _invitation_of(data)
    if invitation is None or invitation.meeting.ends_at < timezone.now():
        return None
    return invitation


def invitation_from_expired_token(token: str) -> Invitation | None:
    """The invitation of a genuine link that has only grown too old (so a new one can be sent)."""
    try:
        signing.loads(token, salt=ANSWER_SALT, max_age=settings.MEETING_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return _invitation_of(signing.loads(token, salt=ANSWER_SALT))
    except signing.BadSignature:
        return None
    invitation = _invitation_of(signing.loads(token, salt=ANSWER_SALT))
    return invitation if invitation is not None and invitation.meeting.ends_at < timezone.now() else None


def _invitation_of(data) -> Invitation | None:
    if not isinstance(data, dict):
        return None
    return (
        Invitation.objects.select_related("meeting__cluster", "person")
        .filter(pk=data.get("i"), person_id=data.get("p"))
        .first()
    )


@transaction.atomic
def invitation_link_renew(*, invitation: Invitation) -> bool:
    """Mails the person a fresh link for a meeting still to come; False when the meeting is over or
    too many links went to the address lately (the page then says so)."""
    if invitation.meeting.ends_at < timezone.now():
        return False
    if not mail_allowed(kind="meeting-link", address=invitation.person.email):
        return False
    _mail_invitation(
        invitation,
        subject=f"Nyt link: {invitation.meeting.title}",
        template="meetings/mail/invitation.txt",
        record=False,
    )
    return True


def answer_link(invitation: Invitation, answer: str | None = None) -> str:
    path = reverse("meetings:public_answer", kwargs={"token": answer_token(invitation)})
    return site_link(path + (f"?svar={answer}" if answer else ""))


def _mail_invitation(invitation: Invitation, *, subject: str, template: str, record: bool = True) -> None:
    meeting = invitation.meeting
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    ics = calendar.meeting_invitation_ics(meeting, attendee=invitation.person, method=method)
    context = {
        "meeting": meeting,
        "person": invitation.person,
        "invitation": invitation,
        "links": {a.value: answer_link(invitation, a.value) for a in Answer},
        "link": answer_link(invitation),
        "page": site_link(reverse("meetings:meeting_detail", args=[meeting.cluster.slug, meeting.pk])),
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
        # A guest new to Klynge sets a password from this link to see the meeting's page and material.
        "password_link": password_link_for(invitation.person)
        if invitation.is_guest and not invitation.person.has_usable_password()
        else "",
    }
    outbox_enqueue(
        to=invitation.person.email,
        subject=subject,
        body=render_to_string(template, context),
        attachments=[("invitation.ics", ics, f"text/calendar; method={method}; charset=utf-8")],
        cluster=meeting.cluster,
    )
    if record:
        invitation.sent_sequence = meeting.sequence
        invitation.save(update_fields=["sent_sequence"])


class InviteResult:
    def __init__(self):
        self.invited: list[Person] = []
        self.already: list[Person] = []
        self.left_out: list[Person] = []


@transaction.atomic
def meeting_invite_all(
    *, meeting: Meeting, by: Person | None = None, send_mail: bool = True, now: dt.datetime | None = None
) -> InviteResult:
    """Invites every active member and the meeting's guests; people of suspended practices are left out.

    A general assembly must be called with the notice the cluster's statutes give
    (Cluster.general_assembly_notice_days): a late first notice is refused with a clear message.
    """
    if meeting.status == MeetingStatus.CANCELLED:
        raise ServiceError("Mødet er aflyst.")
    now = now or timezone.now()
    if meeting.starts_at <= now:
        raise ServiceError("Mødet er begyndt; der kan ikke sendes invitationer.")
    if (
        meeting.kind == MeetingKind.GENERAL_ASSEMBLY
        and now > notice_deadline(meeting)
        and not meeting.invitations.exists()
    ):
        raise ServiceError(
            f"Indkaldelsen til generalforsamlingen skulle være sendt senest "
            f"{dates.short_date(notice_deadline(meeting))} ({meeting.cluster.general_assembly_notice_days} dages varsel efter vedtægterne). "
            "Flyt generalforsamlingen til en senere dato, eller ret varslet i klyngens indstillinger."
        )
    result = InviteResult()
    included, excluded = core_selectors.active_members(
        cluster=meeting.cluster, day=timezone.localtime(meeting.starts_at).date()
    )
    result.left_out = excluded
    existing = set(meeting.invitations.values_list("person_id", flat=True))
    guests = [g.person for g in meeting.guests.select_related("person")]
    excluded_ids = {p.pk for p in excluded}
    # Roles of people who are also of a suspended practice never bring them back in.
    for person, is_guest in [(p, False) for p in included] + [(p, True) for p in guests]:
        if person.pk in existing:
            result.already.append(person)
            continue
        if not is_guest and person.pk in excluded_ids:
            continue
        invitation = Invitation.objects.create(meeting=meeting, person=person, is_guest=is_guest)
        existing.add(person.pk)
        if send_mail:
            _mail_invitation(
                invitation,
                subject=f"Invitation: {meeting.display_name}",
                template="meetings/mail/invitation.txt",
            )
        result.invited.append(person)
    return result


@transaction.atomic
def invitation_answer(*, invitation: Invitation, answer: str, now: dt.datetime | None = None) -> Invitation:
    if answer not in Answer.values:
        raise ServiceError({"answer": "Vælg kommer, kommer ikke eller måske."})
    if invitation.meeting.status == MeetingStatus.CANCELLED:
        raise ServiceError("Mødet er aflyst.")
    invitation.answer = answer
    invitation.answered_at = now or timezone.now()
    invitation.save(update_fields=["answer", "answered_at"])
    return invitation


@transaction.atomic
def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Reminds everyone who has not answered, `reminder_days_before` days before each meeting. Once."""
    now = now or timezone.now()
    due = (
        Invitation.objects.filter(
            answer="",
            reminded_at__isnull=True,
            meeting__status=MeetingStatus.PLANNED,
            meeting__starts_at__gt=now,
            meeting__reminder_days_before__gt=0,
        )
        .select_related("meeting__cluster", "person")
        .order_by("meeting_id", "id")
    )
    sent = 0
    for invitation in due:
        meeting = invitation.meeting
        if meeting.starts_at - dt.timedelta(days=meeting.reminder_days_before) > now:
            continue
        _mail_invitation(
            invitation, subject=f"Påmindelse: {meeting.display_name}", template="meetings/mail/reminder.txt"
        )
        invitation.reminded_at = now
        invitation.save(update_fields=["reminded_at"])
        sent += 1
    return sent


# Calendar feeds ------------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, person: Person) -> CalendarFeed:
    """A new private feed; any earlier feed of the person is revoked."""
    now = timezone.now()
    person.calendar_feeds.filter(revoked_at__isnull=True).update(revoked_at=now)
    return CalendarFeed.objects.create(person=person, token=secrets.token_urlsafe(32))


@transaction.atomic
def calendar_feed_revoke(*, person: Person) -> int:
    return person.calendar_feeds.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
