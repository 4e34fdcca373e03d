"""Meetings of a cluster and who attended them."""

import re
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klynge.core import dates
from klynge.core.models import Cluster, Person

# The items of a general assembly's agenda by custom (and most statutes), with minutes for each.
GENERAL_ASSEMBLY_AGENDA = [
    ("Valg af dirigent og referent", 5),
    ("Bestyrelsens beretning", 20),
    ("Fremlæggelse af regnskab", 10),
    ("Fremlæggelse af budget", 10),
    ("Indkomne forslag", 30),
    ("Valg til bestyrelse", 10),
    ("Valg af suppleanter", 5),
    ("Valg af revisor", 5),
    ("Eventuelt", 10),
]


class MeetingKind(models.TextChoices):
    GENERAL_ASSEMBLY = "generalforsamling", _("Generalforsamling")
    CLUSTER_MEETING = "klyngemoede", _("Klyngemøde")
    BOARD_MEETING = "bestyrelsesmoede", _("Bestyrelsesmøde")
    RETREAT = "internat", _("Internat")
    WORKSHOP = "workshop", _("Workshop")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    HELD = "held", _("Afholdt")
    CANCELLED = "cancelled", _("Aflyst")


class PackageSource(models.TextChoices):
    KIAP = "kiap", _("KIAP")
    REGION = "region", _("Regional kvalitetsenhed")
    CLUSTER = "cluster", _("Klyngen selv")


class ClusterPackage(models.Model):
    """A cluster package (klyngepakke). National when `cluster` is null: kept by platform staff, shared."""

    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="packages"
    )
    title = models.CharField(_("titel"), max_length=200)
    focus = models.TextField(_("fokus"), blank=True)
    data_basis = models.TextField(_("datagrundlag"), blank=True)
    background = models.TextField(_("baggrund"), blank=True)
    recommendations = models.TextField(_("anbefalinger"), blank=True)
    discussion_questions = models.TextField(_("spørgsmål til drøftelse"), blank=True)
    source = models.CharField(
        _("kilde"), max_length=10, choices=PackageSource.choices, default=PackageSource.KIAP
    )
    ordered_on = models.DateField(_("bestilt"), null=True, blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("opfølgning på"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("klyngepakke")
        verbose_name_plural = _("klyngepakker")

    def __str__(self) -> str:
        return self.title

    @property
    def is_national(self) -> bool:
        return self.cluster_id is None


class PackageAttachment(models.Model):
    package = models.ForeignKey(ClusterPackage, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(_("fil"), upload_to="packages/%Y/")
    uploaded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


# A title that only names the kind of meeting (»Klyngemøde«, »Generalforsamling 2023«, »Klyngemøde 3«,
# »Klyngemøde 05/03 2026«, »Klyngemøde: antibiotika«): what follows it, if anything, is the topic.
_GENERIC_TITLE = re.compile(
    r"^\s*(?:klyngemøde|klyngeinternat|internat|generalforsamling|bestyrelsesmøde|workshop|møde)"
    r"(?:\s+(?:nr\.\s*)?[\d/.]+(?:\s+\d{4})?)?\s*(?::\s*|[–-]\s+|$)",
    re.IGNORECASE,
)


class Meeting(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("type"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    theme = models.CharField(
        _("tema"), max_length=300, blank=True, help_text=_("Tomt: klyngepakkens titel, hvis mødet har en.")
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("slut"))
    venue_name = models.CharField(_("sted"), max_length=200)
    venue_address = models.CharField(_("adresse"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    package = models.ForeignKey(
        ClusterPackage,
        verbose_name=_("klyngepakke"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    # Shown in the cluster's public calendar feed.
    is_public = models.BooleanField(_("vis i klyngens offentlige kalender"), default=False)
    reminder_days_before = models.PositiveSmallIntegerField(
        _("påmindelse dage før"), default=7, help_text=_("0 betyder ingen påmindelse.")
    )
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Calendar identity: the UID never changes, SEQUENCE rises with each change sent out.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["cluster", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def topic(self) -> str:
        """What the meeting is about: the title beyond a generic »Klyngemøde«, else the theme (which
        is the package's or the planned project's title when the board gave none)."""
        title = (self.title or "").strip()
        match = _GENERIC_TITLE.match(title)
        if match is None:
            return title
        return title[match.end() :].strip() or (self.theme or "").strip()

    @property
    def short_name(self) -> str:
        """»Klyngemøde: Antibiotika«: for places that show the date beside it (year plan, calendar)."""
        kind, topic = self.get_kind_display(), self.topic
        if not topic:
            return kind
        if topic.lower().startswith(kind.lower()):  # »Internat om trivsel« names its kind itself
            return topic
        return f"{kind}: {topic}"

    @property
    def display_name(self) -> str:
        """»Klyngemøde 12/3 2026: Antibiotika«: what and when, so no two meetings read alike in a list."""
        if self.starts_at is None:
            return self.short_name
        day = dates.short_date(self.starts_at)
        kind, topic = self.get_kind_display(), self.topic
        if not topic:
            return f"{kind} {day}"
        if topic.lower().startswith(kind.lower()):
            return f"{topic} {day}"
        return f"{kind} {day}: {topic}"


class Attendance(models.Model):
    """A person checked in at a meeting (at the meeting or registered afterwards)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attendances")
    checked_in_at = models.DateTimeField(auto_now_add=True)
    checked_in_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.meeting}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda, with its minutes (Markdown) once written."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(_("nummer"))
    title = models.CharField(_("punkt"), max_length=300)
    duration_minutes = models.PositiveSmallIntegerField(_("varighed (minutter)"), null=True, blank=True)
    responsible = models.ForeignKey(
        Person,
        verbose_name=_("ansvarlig"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("beskrivelse og materiale"), blank=True)
    # A link to a package, project, poll, questionnaire or data view (an internal path or a URL).
    link_url = models.CharField(_("link"), max_length=500, blank=True)
    link_label = models.CharField(_("linktekst"), max_length=200, blank=True)
    minutes = models.TextField(_("referat"), blank=True)
    decisions = models.TextField(_("beslutninger"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class GuestRole(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    SPEAKER = "oplaegsholder", _("Oplægsholder")
    PRACTICE_CONSULTANT = "praksiskonsulent", _("Praksiskonsulent")
    MUNICIPALITY = "kommune", _("Kommune")
    HOSPITAL = "hospital", _("Hospital")
    KIAP = "kiap", _("KIAP")
    OTHER = "anden", _("Anden")


class MeetingGuest(models.Model):
    """An external person invited to one meeting; sees that meeting and nothing else."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="meeting_guestships")
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("rolle"), max_length=20, choices=GuestRole.choices, default=GuestRole.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "person__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="unique_meeting_guest")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class Answer(models.TextChoices):
    YES = "kommer", _("Kommer")
    NO = "kommer_ikke", _("Kommer ikke")
    MAYBE = "maaske", _("Måske")


class Invitation(models.Model):
    """A person invited to a meeting, and their answer (blank until they answer)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="meeting_invitations")
    is_guest = models.BooleanField(default=False)
    answer = models.CharField(_("svar"), max_length=12, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    sent_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "person__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="unique_invitation")]

    def __str__(self) -> str:
        return f"{self.person} → {self.meeting}: {self.answer or '-'}"


class NoteKind(models.TextChoices):
    RETREAT_WISH = "retreat_wish", _("Ønske til næste internat")
    NOTE = "note", _("Note")


class MeetingNote(models.Model):
    """Short records on a meeting, e.g. the members' wishes for the next retreat."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("type"), max_length=20, choices=NoteKind.choices, default=NoteKind.NOTE)
    text = models.CharField(_("tekst"), max_length=500)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "kind", "id"]

    def __str__(self) -> str:
        return self.text


class DocumentCategory(models.TextChoices):
    KIAP = "kiap", _("KIAP-vejledning")
    PLO = "plo", _("PLO-vejledning")
    TEMPLATE = "template", _("Skabelon")
    SLIDES = "slides", _("Slides")
    OTHER = "other", _("Andet")


class Document(models.Model):
    """A document of the cluster's library; its file lives in versions."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titel"), max_length=200)
    category = models.CharField(_("kategori"), max_length=10, choices=DocumentCategory.choices)
    description = models.TextField(_("beskrivelse"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("fil"), upload_to="documents/%Y/")
    filename = models.CharField(max_length=255)
    note = models.CharField(_("ændring"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class CalendarFeed(models.Model):
    """A person's private, revocable calendar feed: the token is the only key."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Kalender for {self.person}"
