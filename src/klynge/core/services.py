"""Writes to the register. One transaction each; keyword-only arguments."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import capfirst

from . import dates, rules, selectors
from .models import (
    PROVIDER_NUMBER_VALIDATOR,
    ApiToken,
    Cluster,
    Membership,
    MembershipPeriod,
    MembershipStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    Practice,
    Role,
    RoleAssignment,
    Title,
)
from .throttling import mail_allowed
from .updates import check_fields, model_update

logger = logging.getLogger(__name__)


class ServiceError(ValidationError):
    """A rule of the domain was broken; the message is Danish and meant for the user."""


# Clusters ------------------------------------------------------------------------------------------


@transaction.atomic
def cluster_create(*, name: str, slug: str, region: str, **fields) -> Cluster:
    cluster = Cluster(name=name, slug=slug, region=region, **fields)
    cluster.full_clean()
    cluster.save()
    return cluster


# What the board sets on the cluster's settings page (ClusterSettingsForm shows these, in this order).
CLUSTER_SETTINGS_FIELDS = (
    "name",
    "region",
    "municipalities",
    "website",
    "founded",
    "default_majority",
    "max_proxies_per_member",
    "quorum_percent",
    "chair_has_casting_vote",
    "require_two_factor_for_board",
    "general_assembly_notice_days",
    "motion_deadline_days",
)
# Open data is set by a decision (or with a recorded reason), never on the settings page.
CLUSTER_UPDATE_FIELDS = (*CLUSTER_SETTINGS_FIELDS, "open_data", "open_data_reason")


@transaction.atomic
def cluster_update(*, cluster: Cluster, **fields) -> Cluster:
    return model_update(instance=cluster, fields=CLUSTER_UPDATE_FIELDS, data=fields)[0]


# Practices -----------------------------------------------------------------------------------------


def _clean_provider_number(provider_number: str) -> str:
    provider_number = (provider_number or "").strip()
    PROVIDER_NUMBER_VALIDATOR(provider_number)
    return provider_number


@transaction.atomic
def practice_create(
    *,
    cluster: Cluster,
    name: str,
    provider_number: str,
    address: str = "",
    postal_code: str = "",
    city: str = "",
    listed_patients: int | None = None,
    listed_patients_date: dt.date | None = None,
    joined_on: dt.date | None = None,
    by: Person | None = None,
) -> Practice:
    """Adds a practice to the cluster. A ydernummer known nationally joins the existing practice."""
    provider_number = _clean_provider_number(provider_number)
    practice = Practice.objects.filter(provider_number=provider_number).first()
    if practice is None:
        practice = Practice(
            name=name.strip(),
            provider_number=provider_number,
            address=address,
            postal_code=postal_code,
            city=city,
            listed_patients=listed_patients,
            listed_patients_date=listed_patients_date,
        )
        practice.full_clean()
        practice.save()
    elif cluster.memberships.filter(practice=practice).exists():
        raise ServiceError(
            {"provider_number": f"Ydernummer {provider_number} er allerede med i klyngen ({practice.name})."}
        )
    Membership.objects.create(cluster=cluster, practice=practice, joined_on=joined_on or timezone.localdate())
    return practice


PRACTICE_UPDATE_FIELDS = (
    "name",
    "provider_number",
    "address",
    "postal_code",
    "city",
    "listed_patients",
    "listed_patients_date",
)


@transaction.atomic
def membership_update(*, membership: Membership, joined_on: dt.date) -> Membership:
    """Corrects the day the practice joined the cluster (a cluster recording its past)."""
    first = membership.periods.order_by("starts_on").first()
    if first is not None and joined_on > first.starts_on:
        raise ServiceError(
            {"joined_on": "Praksis har historik fra før den dato; indmeldelsen kan ikke ligge senere."}
        )
    membership.joined_on = joined_on
    membership.save(update_fields=["joined_on"])
    return membership


@transaction.atomic
def practice_update(*, practice: Practice, joined_on: dt.date | None = None, **fields) -> Practice:
    """Changes the practice's own fields and, with `joined_on`, the date it joined the cluster of
    `practice.membership` (as `selectors.cluster_practice_get` sets it)."""
    if fields:
        model_update(instance=practice, fields=PRACTICE_UPDATE_FIELDS, data=fields)
    if joined_on is not None:
        membership_update(membership=practice.membership, joined_on=joined_on)
    return practice


@transaction.atomic
def membership_set_status(
    *,
    membership: Membership,
    status: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    until_next_general_assembly: bool = False,
    reason: str = "",
    decision_ref: str = "",
    by: Person | None = None,
) -> MembershipPeriod:
    """Adds a period to the membership's history; earlier periods are kept as they were."""
    if status not in MembershipStatus.values:
        raise ServiceError({"status": "Ukendt status."})
    if starts_on < membership.joined_on:
        raise ServiceError({"starts_on": "Perioden kan ikke begynde, før praksis kom med i klyngen."})
    if ends_on is not None and ends_on <= starts_on:
        raise ServiceError({"ends_on": "Slutdatoen skal ligge efter startdatoen."})
    if status == MembershipStatus.SUSPENDED and ends_on is None and not until_next_general_assembly:
        raise ServiceError("En praksis sættes på hold til en dato eller til næste generalforsamling.")
    if status == MembershipStatus.ACTIVE:
        # Re-activation ends any open suspension on the day it starts.
        membership.periods.filter(
            status=MembershipStatus.SUSPENDED, starts_on__lte=starts_on, ends_on__isnull=True
        ).update(ends_on=starts_on)
    period = MembershipPeriod(
        membership=membership,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        until_next_general_assembly=until_next_general_assembly,
        reason=reason,
        decision_ref=decision_ref,
        created_by=by,
    )
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def practice_deactivate(
    *, cluster: Cluster, practice: Practice, on: dt.date | None = None, by: Person | None = None
):
    """The practice leaves the cluster; its doctors' roles in the cluster end the same day. A practice
    that has already left is refused (the lock keeps two clicks at once from writing two departures)."""
    on = on or timezone.localdate()
    membership = cluster.memberships.select_for_update().filter(practice=practice).first()
    if membership is None:
        raise ServiceError("Praksis er ikke med i klyngen.")
    if rules.has_left_the_cluster(None, membership):
        left_on = selectors.departure_day(membership)
        if left_on <= timezone.localdate():
            raise ServiceError(f"{practice.name} er allerede udtrådt.")
        raise ServiceError(f"{practice.name} er allerede meldt ud fra {dates.short_date(left_on)}.")
    period = membership_set_status(
        membership=membership, status=MembershipStatus.LEFT, starts_on=on, reason="Udtrådt af klyngen", by=by
    )
    RoleAssignment.objects.current(on).filter(cluster=cluster, person__practice=practice).update(ends_on=on)
    return period


# People --------------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """Trimmed, lower-case and valid, or a Danish ServiceError."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError({"email": f"»{email}« er ikke en gyldig e-mailadresse."})
    return email


def site_link(path: str) -> str:
    return settings.SITE_URL + path


def password_link_for(person: Person) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return site_link(reverse("core:invitation_accept", kwargs={"uidb64": uid, "token": token}))


@transaction.atomic
def person_invite(
    *,
    cluster: Cluster,
    email: str,
    name: str,
    role: str = Role.MEMBER,
    title: str = Title.GP,
    practice: Practice | None = None,
    starts_on: dt.date | None = None,
    by: Person | None = None,
    send_mail: bool = True,
) -> Person:
    """Creates the person (or finds them by e-mail), gives them the role and mails an invitation."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not name:
        raise ServiceError({"name": "Skriv personens navn."})
    if role not in Role.values:
        raise ServiceError({"role": f"Ukendt rolle »{role}«."})
    if send_mail and not mail_allowed(kind="invitation", address=email):
        raise ServiceError(
            {"email": f"Der er sendt for mange invitationer til {email} for nylig. Prøv igen om en time."}
        )
    if practice is not None and not cluster.memberships.filter(practice=practice).exists():
        raise ServiceError({"practice": "Praksis er ikke med i klyngen."})
    person = Person.objects.filter(email__iexact=email).first()
    if (
        person is not None
        and RoleAssignment.objects.current().filter(person=person, cluster=cluster).exists()
    ):
        raise ServiceError({"email": f"{email} er allerede med i klyngen."})
    is_new = person is None
    if is_new:
        person = Person(email=email, name=name, title=title, practice=practice)
        person.set_unusable_password()
        person.full_clean()
        person.save()
    RoleAssignment.objects.create(
        cluster=cluster, person=person, role=role, starts_on=starts_on or timezone.localdate()
    )
    if send_mail:
        context = {
            "person": person,
            "cluster": cluster,
            "invited_by": by,
            "role": Role(role).label,
            "link": password_link_for(person)
            if is_new or not person.has_usable_password()
            else site_link(reverse("core:cluster", kwargs={"slug": cluster.slug})),
            "is_new": is_new,
        }
        outbox_enqueue(
            to=person.email,
            subject=f"Invitation til {cluster.name} på Klynge",
            body=render_to_string("core/mail/invitation.txt", context),
            cluster=cluster,
        )
    return person


PERSON_UPDATE_FIELDS = ("name", "email", "title", "practice", "phone")


@transaction.atomic
def person_update(*, cluster: Cluster, person: Person, **fields) -> Person:
    check_fields(person, fields=PERSON_UPDATE_FIELDS, data=fields)
    practice = fields.get("practice")
    if practice is not None and not cluster.memberships.filter(practice=practice).exists():
        raise ServiceError({"practice": "Praksis er ikke med i klyngen."})
    if "email" in fields:
        fields["email"] = normalise_email(fields["email"])
        if Person.objects.filter(email__iexact=fields["email"]).exclude(pk=person.pk).exists():
            raise ServiceError(
                {"email": f"Der findes allerede en person med e-mailadressen {fields['email']}."}
            )
    return model_update(instance=person, fields=PERSON_UPDATE_FIELDS, data=fields)[0]


@transaction.atomic
def person_move(*, cluster: Cluster, person: Person, practice: Practice) -> Person:
    """Moves a doctor to another practice of the same cluster."""
    return person_update(cluster=cluster, person=person, practice=practice)


@transaction.atomic
def person_deactivate(*, cluster: Cluster, person: Person, on: dt.date | None = None) -> int:
    """Ends the person's roles in this cluster; their account and other clusters are untouched."""
    on = on or timezone.localdate()
    ended = 0
    for assignment in RoleAssignment.objects.current(on).filter(cluster=cluster, person=person):
        if assignment.starts_on >= on:
            assignment.delete()
        else:
            assignment.ends_on = on
            assignment.save(update_fields=["ends_on"])
        ended += 1
    return ended


@transaction.atomic
def role_assign(
    *,
    cluster: Cluster,
    person: Person,
    role: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> RoleAssignment:
    """Gives the person a role (another one, or the same again later) from a date, and to one if given:
    a role held in the past is recorded with its real period."""
    starts_on = starts_on or timezone.localdate()
    if role not in Role.values:
        raise ServiceError({"role": f"Ukendt rolle »{role}«."})
    if ends_on is not None and ends_on <= starts_on:
        raise ServiceError({"ends_on": "Slutdatoen skal ligge efter startdatoen."})
    overlapping = RoleAssignment.objects.filter(cluster=cluster, person=person, role=role).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on)
    )
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lt=ends_on)
    if overlapping.exists():
        raise ServiceError({"role": f"{person.name} har allerede rollen {Role(role).label} i den periode."})
    assignment = RoleAssignment(
        cluster=cluster, person=person, role=role, starts_on=starts_on, ends_on=ends_on
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def role_end(*, assignment: RoleAssignment, ends_on: dt.date | None = None) -> RoleAssignment:
    """Ends the role on `ends_on` (its first day without the role), today if not given; a role that has
    not begun by today is removed instead. A role that has its end already is refused: ending it again
    would move the recorded end (the row is read again under a lock, as the caller may hold an old copy)."""
    assignment.refresh_from_db(from_queryset=RoleAssignment.objects.select_for_update())
    if rules.role_has_ended(None, assignment):
        raise ServiceError("Rollen er allerede afsluttet.")
    if ends_on is not None and ends_on <= assignment.starts_on:
        raise ServiceError({"ends_on": "Slutdatoen skal ligge efter startdatoen."})
    ends_on = ends_on or timezone.localdate()
    if ends_on <= assignment.starts_on:
        assignment.delete()
        return assignment
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    return assignment


PROFILE_UPDATE_FIELDS = ("name", "phone", "language")


@transaction.atomic
def profile_update(*, person: Person, **fields) -> Person:
    """A person's own name, phone and language."""
    check_fields(person, fields=PROFILE_UPDATE_FIELDS, data=fields)
    if "name" in fields and not (fields["name"] or "").strip():
        raise ServiceError({"name": "Skriv dit navn."})
    fields = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    model_update(instance=person, fields=PROFILE_UPDATE_FIELDS, data=fields, save=False)
    person.full_clean()
    person.save(update_fields=list(fields))
    return person


# CSV import of people ------------------------------------------------------------------------------

ROLE_BY_NAME = {label.lower(): value for value, label in Role.choices} | {
    value: value for value in Role.values
}
IMPORT_HEADERS = {
    "ydernummer": "provider_number",
    "praksis": "practice",
    "navn": "name",
    "e-mail": "email",
    "email": "email",
    "mail": "email",
    "rolle": "role",
}


@dataclass
class ImportReport:
    created: int = 0
    practices_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode_text_file(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: the two encodings Danish spreadsheets write."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _import_line_problems(value: dict, *, seen: set, in_cluster: set) -> tuple[str, str | None, list[str]]:
    """(e-mail, role, what is wrong) of one line of a people import; `seen` collects the e-mails."""
    problems = []
    try:
        PROVIDER_NUMBER_VALIDATOR(value["provider_number"])
    except ValidationError:
        problems.append(f"ydernummer »{value['provider_number']}« skal være 6 cifre")
    email = value["email"].lower()
    try:
        validate_email(email)
    except ValidationError:
        problems.append(f"e-mail »{value['email']}« er ikke gyldig")
    else:
        if email in seen:
            problems.append(f"e-mail {email} står to gange i filen")
        elif email in in_cluster:
            problems.append(f"{email} er allerede med i klyngen")
        seen.add(email)
    if not value["name"]:
        problems.append("navn mangler")
    role = ROLE_BY_NAME.get(value["role"].lower() or "medlem")
    if role is None:
        problems.append(f"ukendt rolle »{value['role']}«")
    return email, role, problems


# An upload of people larger than this is refused before it is read (the page and the API alike).
PEOPLE_IMPORT_MAX_BYTES = 2 * 1024 * 1024
PEOPLE_IMPORT_TOO_LARGE = "Filen er for stor (højst 2 MB)."


def people_import_csv(*, cluster: Cluster, raw: bytes, by: Person | None = None) -> ImportReport:
    """Imports `ydernummer; praksis; navn; e-mail; rolle`. All or nothing: any bad line imports nothing."""
    report = ImportReport()
    text = decode_text_file(raw)
    if not text.strip():
        report.errors.append((0, "Filen er tom."))
        return report
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    columns = {IMPORT_HEADERS[h]: i for i, h in enumerate(header) if h in IMPORT_HEADERS}
    missing = [
        name for name in ("provider_number", "practice", "name", "email", "role") if name not in columns
    ]
    if missing:
        report.errors.append(
            (1, "Første linje skal være overskrifterne: ydernummer; praksis; navn; e-mail; rolle.")
        )
        return report

    existing_emails_in_cluster = set(
        RoleAssignment.objects.current().filter(cluster=cluster).values_list("person__email", flat=True)
    )
    rows, seen = [], set()
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(header):
            report.errors.append(
                (line_number, f"Linjen har {len(cells)} felter; der skal være {len(header)}.")
            )
            continue
        value = {name: cells[index].strip() for name, index in columns.items()}
        email, role, problems = _import_line_problems(value, seen=seen, in_cluster=existing_emails_in_cluster)
        if problems:
            # capfirst, not capitalize(): the quoted values keep their case.
            report.errors.append((line_number, capfirst("; ".join(problems)) + "."))
        else:
            rows.append((value, email, role))
    if not rows and not report.errors:
        report.errors.append((0, "Filen indeholder ingen personer."))
    if report.errors:
        return report

    with transaction.atomic():
        for value, email, role in rows:
            practice = Practice.objects.filter(provider_number=value["provider_number"]).first()
            if practice is None or not cluster.memberships.filter(practice=practice).exists():
                if practice is None:
                    report.practices_created += 1
                practice = practice_create(
                    cluster=cluster,
                    name=value["practice"] or f"Praksis {value['provider_number']}",
                    provider_number=value["provider_number"],
                    by=by,
                )
            person_invite(
                cluster=cluster, email=email, name=value["name"], role=role, practice=practice, by=by
            )
            report.created += 1
    return report


# Mail outbox ---------------------------------------------------------------------------------------


@transaction.atomic
def outbox_enqueue(
    *,
    to: str,
    subject: str,
    body: str,
    html_body: str = "",
    attachments: list[tuple[str, bytes, str]] | None = None,
    cluster: Cluster | None = None,
) -> OutboxMessage:
    """Stores an e-mail for `klynge send-mail`; attachments are (filename, content, mimetype)."""
    return OutboxMessage.objects.create(
        to=to,
        subject=subject,
        body=body,
        html_body=html_body,
        attachments=[
            {"filename": name, "mimetype": mimetype, "content_b64": base64.b64encode(content).decode()}
            for name, content, mimetype in attachments or []
        ],
        cluster=cluster,
    )


def _retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2**attempts, 24 * 60))


def outbox_send_due(*, limit: int = 100, now: dt.datetime | None = None) -> tuple[int, int]:
    """Sends due messages one by one; returns (sent, failed).

    Each message is claimed in a commit of its own (a lease: it is not due again for
    OUTBOX_LEASE_SECONDS), sent outside any transaction, and marked sent in a commit of its own. A
    crash can thus re-send only the one message in flight, once its lease is over; several workers
    never send the same message, as a claim only succeeds on a message that is still due.
    """
    now = now or timezone.now()
    sent = failed = 0
    connection = get_connection()
    for _ in range(limit):
        message = _outbox_claim(now=now)
        if message is None:
            break
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            connection=connection,
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        for attachment in message.attachments:
            email.attach(
                attachment["filename"], base64.b64decode(attachment["content_b64"]), attachment["mimetype"]
            )
        try:
            email.send()
        except Exception as error:  # noqa: BLE001 - any transport error is retried later
            _outbox_mark(message=message, error=error, now=now)
            failed += 1
            logger.warning("Mail to %s failed (attempt %s): %s", message.to, message.attempts, error)
        else:
            _outbox_mark(message=message, error=None, now=now)
            sent += 1
    return sent, failed


@transaction.atomic
def _outbox_claim(*, now: dt.datetime) -> OutboxMessage | None:
    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now).order_by("id")
    if connection_supports_skip_locked():
        due = due.select_for_update(skip_locked=True)
    message = due.first()
    if message is None:
        return None
    lease_until = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    claimed = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.PENDING, next_attempt_at=message.next_attempt_at
    ).update(attempts=message.attempts + 1, next_attempt_at=lease_until)
    if not claimed:  # another worker took it between the read and the claim
        return None
    message.attempts += 1
    message.next_attempt_at = lease_until
    return message


@transaction.atomic
def _outbox_mark(*, message: OutboxMessage, error: Exception | None, now: dt.datetime) -> None:
    if error is None:
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    else:
        message.last_error = f"{type(error).__name__}: {error}"
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
        message.next_attempt_at = now + _retry_delay(message.attempts)
    message.save(update_fields=["last_error", "status", "next_attempt_at", "sent_at"])


def connection_supports_skip_locked() -> bool:
    return connection.features.has_select_for_update_skip_locked


# API tokens ----------------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, person: Person, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and its secret; the secret is shown once and never stored."""
    name = (name or "").strip() or "API-nøgle"
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        person=person, name=name[:100], prefix=secret[3:11], digest=ApiToken.digest_of(secret)
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, person: Person, token_id: int) -> ApiToken:
    token = ApiToken.objects.get(pk=token_id, person=person, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Notes when a token was last used, at most once a minute (a write per API call would cost, and so
    would a transaction opened for nothing: every API call passes here)."""
    now = now or timezone.now()
    if token.last_used_at is not None and (now - token.last_used_at).total_seconds() <= 60:
        return
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
