"""API routes of the register, under the same permission rules as the pages."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from django.http import Http404
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator

from . import selectors, services, throttling
from .models import ApiToken, Majority, MembershipStatus, Region, Role, Title
from .tenancy import cluster_for

router = Router(tags=["register"])


class ErrorOut(Schema):
    detail: str
    errors: Any = Field(None, description="Fejlene felt for felt, når der er flere")


class ClusterOut(Schema):
    slug: str
    name: str
    region: str
    municipalities: list[str] = Field(..., alias="municipality_list")
    website: str
    founded: dt.date | None


class PracticeOut(Schema):
    id: int
    name: str
    provider_number: str
    address: str
    postal_code: str
    city: str
    listed_patients: int | None
    listed_patients_date: dt.date | None
    status: str | None = Field(None, alias="membership_status")


def iso_date(value):
    """Dates come as ISO strings (2024-03-01); numbers and other types are refused."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise ValueError("dato skal skrives som ÅÅÅÅ-MM-DD")


def iso_datetime(value):
    """Times come as ISO strings (2024-03-01T16:00:00+01:00); numbers and other types are refused."""
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    raise ValueError("tidspunkt skal skrives som ÅÅÅÅ-MM-DDTTT:MM")


def sane_datetime(value):
    """A time the database can hold: a real time zone offset (at most 14 hours) and a year 1900-2200."""
    if value is None:
        return value
    offset = value.utcoffset()
    if offset is not None and abs(offset) > dt.timedelta(hours=14):
        raise ValueError("tidszonen findes ikke")
    if not 1900 <= value.year <= 2200:
        raise ValueError("året skal ligge mellem 1900 og 2200")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(iso_date)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(iso_datetime), AfterValidator(sane_datetime)]


class StrictSchema(Schema):
    """Input schemas: no silent coercion of types, and the body must be a JSON object."""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        # Replaces ninja's wrapper, which reads any object's attributes as fields: a bare string or
        # list would then pass as an object (a string has .title). Input must be a JSON object.
        if not isinstance(values, dict | BaseModel):
            raise ValueError("indholdet skal være et JSON-objekt")
        if _has_nul(values):
            # PostgreSQL cannot store a NUL character in text; no person types one.
            raise ValueError("teksten indeholder et NUL-tegn (\\u0000)")
        return handler(values)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


FILL_IN = "Feltet skal udfyldes."


def patch_fields(
    payload,
    *,
    required: Iterable[str] | Mapping[str, str] = (),
    blank: Iterable[str] | Mapping[str, Any] = (),
) -> dict[str, Any]:
    """The fields a PATCH body sets, with `null` read as »no value«.

    A field that must have a value (`required`, optionally with its own message) refuses null with a
    ServiceError on that field; a field that may be empty (`blank`: text, or a mapping to the field's
    empty value such as [] or 0) gets its empty value. Any other null is passed on as it is (»no meeting«).
    """
    fields = payload.dict(exclude_unset=True)
    messages = required if isinstance(required, Mapping) else dict.fromkeys(required, FILL_IN)
    for name, message in messages.items():
        if name in fields and fields[name] is None:
            raise services.ServiceError({name: message})
    empty = blank if isinstance(blank, Mapping) else dict.fromkeys(blank, "")
    return {name: empty[name] if value is None and name in empty else value for name, value in fields.items()}


class PracticeIn(StrictSchema):
    name: str = Field(..., min_length=1, max_length=200)
    provider_number: str = Field(..., description="Ydernummer: 6 cifre", pattern=r"^\d{6}$")
    address: str = Field("", max_length=300)
    postal_code: str = Field("", max_length=4)
    city: str = Field("", max_length=100)
    listed_patients: int | None = Field(None, ge=0, le=1_000_000)
    listed_patients_date: IsoDate | None = None
    joined_on: IsoDate | None = Field(None, description="Indmeldt i klyngen (standard: i dag)")


class PersonOut(Schema):
    id: int
    name: str
    email: str
    title: str
    practice_id: int | None
    roles: list[str] = Field(..., alias="cluster_roles")


class PersonIn(StrictSchema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    title: Title = Field(Title.GP, strict=False)
    role: Role = Field(Role.MEMBER, strict=False)
    practice_id: int | None = None
    starts_on: IsoDate | None = Field(None, description="Rollen gælder fra (standard: i dag)")
    send_invitation: bool = Field(True, description="Læg en invitation i udbakken")


@router.get("/clusters", response=list[ClusterOut], summary="Mine klynger")
def list_clusters(request):
    return selectors.clusters_for_person(request.user)


@router.get("/clusters/{slug}", response={200: ClusterOut, 404: ErrorOut})
def get_cluster(request, slug: str):
    return cluster_for(request.user, slug)


@router.get("/clusters/{slug}/practices", response={200: list[PracticeOut], 404: ErrorOut})
def list_practices(request, slug: str):
    cluster = cluster_for(request.user, slug, "core.view_register")
    return selectors.without_list_sizes(
        selectors.cluster_practices(cluster=cluster), person=request.user, cluster=cluster
    )


@router.get("/clusters/{slug}/practices/{practice_id}", response={200: PracticeOut, 404: ErrorOut})
def get_practice(request, slug: str, practice_id: int):
    cluster = cluster_for(request.user, slug, "core.view_register")
    practice = selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)
    return selectors.without_list_sizes([practice], person=request.user, cluster=cluster)[0]


@router.post("/clusters/{slug}/practices", response={201: PracticeOut, 400: ErrorOut, 404: ErrorOut})
def create_practice(request, slug: str, payload: PracticeIn):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    practice = services.practice_create(cluster=cluster, by=request.user, **payload.dict())
    return Status(201, selectors.cluster_practice_get(cluster=cluster, practice_id=practice.pk))


@router.get("/clusters/{slug}/people", response={200: list[PersonOut], 404: ErrorOut})
def list_people(request, slug: str):
    cluster = cluster_for(request.user, slug, "core.view_register")
    return selectors.cluster_people(cluster=cluster)


@router.get("/clusters/{slug}/people/{person_id}", response={200: PersonOut, 404: ErrorOut})
def get_person(request, slug: str, person_id: int):
    cluster = cluster_for(request.user, slug, "core.view_register")
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    person.cluster_roles = sorted(selectors.roles_of(person, cluster))
    return person


@router.post("/clusters/{slug}/people", response={201: PersonOut, 400: ErrorOut, 404: ErrorOut})
def create_person(request, slug: str, payload: PersonIn):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    if payload.send_invitation:
        # Only an invitation mail is limited per client: registering a moving-in cluster's people
        # without mail (send_invitation false) asks for none.
        throttling.invitation_client_check(request)
    practice = None
    if payload.practice_id is not None:
        practice = selectors.cluster_practice_get(cluster=cluster, practice_id=payload.practice_id)
    person = services.person_invite(
        cluster=cluster,
        email=payload.email,
        name=payload.name,
        title=payload.title,
        role=payload.role,
        practice=practice,
        starts_on=payload.starts_on,
        send_mail=payload.send_invitation,
        by=request.user,
    )
    person.cluster_roles = sorted(selectors.roles_of(person, cluster))
    return Status(201, person)


# Clusters (platform staff) and their settings --------------------------------------------------------


class ClusterIn(StrictSchema):
    name: str = Field(..., min_length=1, max_length=200)
    slug: str = Field(..., min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
    region: Region = Field(..., strict=False)
    municipalities: str = Field("", max_length=300, description="Adskil med komma")
    website: str = Field("", max_length=200)
    founded: IsoDate | None = None


@router.post(
    "/clusters",
    response={201: ClusterOut, 400: ErrorOut, 403: ErrorOut},
    summary="Opret en klynge (platformens personale)",
)
def create_cluster(request, payload: ClusterIn):
    if not request.user.has_perm("core.create_cluster"):
        return Status(403, {"detail": "Kun platformens personale kan oprette klynger."})
    return Status(201, services.cluster_create(**payload.dict()))


class ClusterSettingsOut(Schema):
    name: str
    region: str
    municipalities: str
    website: str
    founded: dt.date | None
    default_majority: str
    max_proxies_per_member: int
    quorum_percent: int
    chair_has_casting_vote: bool
    require_two_factor_for_board: bool
    general_assembly_notice_days: int
    motion_deadline_days: int
    open_data: bool = Field(..., description="Sættes ved en afstemning med virkningen »åbne data«")


class ClusterSettingsIn(StrictSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    region: Region | None = Field(None, strict=False)
    municipalities: str | None = Field(None, max_length=300)
    website: str | None = Field(None, max_length=200)
    founded: IsoDate | None = None
    default_majority: Majority | None = Field(None, strict=False)
    max_proxies_per_member: int | None = Field(None, ge=0, le=100)
    quorum_percent: int | None = Field(None, ge=0, le=100)
    chair_has_casting_vote: bool | None = None
    require_two_factor_for_board: bool | None = None
    general_assembly_notice_days: int | None = Field(None, ge=0, le=365)
    motion_deadline_days: int | None = Field(None, ge=0, le=365)


@router.get("/clusters/{slug}/settings", response={200: ClusterSettingsOut, 404: ErrorOut})
def get_cluster_settings(request, slug: str):
    return cluster_for(request.user, slug, "core.manage_cluster")


@router.patch("/clusters/{slug}/settings", response={200: ClusterSettingsOut, 400: ErrorOut, 404: ErrorOut})
def update_cluster_settings(request, slug: str, payload: ClusterSettingsIn):
    cluster = cluster_for(request.user, slug, "core.manage_cluster")
    fields = patch_fields(
        payload,
        required=("name", "region", "default_majority", "max_proxies_per_member", "quorum_percent"),
        blank=("municipalities", "website"),
    )
    return services.cluster_update(cluster=cluster, **fields)


# Practices: changes, leaving and the membership's history ---------------------------------------------


class PracticePatch(StrictSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    address: str | None = Field(None, max_length=300)
    postal_code: str | None = Field(None, max_length=4)
    city: str | None = Field(None, max_length=100)
    listed_patients: int | None = Field(None, ge=0, le=1_000_000)
    listed_patients_date: IsoDate | None = None
    joined_on: IsoDate | None = Field(None, description="Indmeldt i klyngen")


class LeaveIn(StrictSchema):
    on: IsoDate | None = Field(None, description="Dagen, praksis træder ud (standard: i dag)")


class PeriodOut(Schema):
    id: int
    status: str
    starts_on: dt.date
    ends_on: dt.date | None
    until_next_general_assembly: bool
    reason: str
    decision_ref: str
    created_by_id: int | None
    created_at: dt.datetime


class PeriodIn(StrictSchema):
    status: MembershipStatus = Field(..., strict=False)
    starts_on: IsoDate
    ends_on: IsoDate | None = Field(None, description="Første dag efter perioden")
    until_next_general_assembly: bool = False
    reason: str = Field("", max_length=2000)


@router.patch(
    "/clusters/{slug}/practices/{practice_id}", response={200: PracticeOut, 400: ErrorOut, 404: ErrorOut}
)
def update_practice(request, slug: str, practice_id: int, payload: PracticePatch):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    practice = selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)
    fields = patch_fields(
        payload, required={"name": "Skriv praksis' navn."}, blank=("address", "postal_code", "city")
    )
    services.practice_update(practice=practice, **fields)
    return selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)


@router.post(
    "/clusters/{slug}/practices/{practice_id}/leave",
    response={200: PracticeOut, 400: ErrorOut, 404: ErrorOut},
    summary="Meld praksis ud af klyngen (historikken bevares)",
)
def leave_practice(request, slug: str, practice_id: int, payload: LeaveIn):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    practice = selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)
    services.practice_deactivate(cluster=cluster, practice=practice, on=payload.on, by=request.user)
    return selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)


@router.get(
    "/clusters/{slug}/practices/{practice_id}/periods", response={200: list[PeriodOut], 404: ErrorOut}
)
def list_periods(request, slug: str, practice_id: int):
    cluster = cluster_for(request.user, slug, "core.view_register")
    practice = selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)
    return list(practice.membership.periods.order_by("starts_on", "created_at"))


@router.post(
    "/clusters/{slug}/practices/{practice_id}/periods",
    response={201: PeriodOut, 400: ErrorOut, 404: ErrorOut},
    summary="Registrér en periode i medlemskabets historik (fx et hold besluttet før Klynge)",
)
def add_period(request, slug: str, practice_id: int, payload: PeriodIn):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    practice = selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)
    period = services.membership_set_status(membership=practice.membership, by=request.user, **payload.dict())
    return Status(201, period)


# People: changes, roles with their periods, leaving, import -------------------------------------------


class PersonPatch(StrictSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    title: Title | None = Field(None, strict=False)
    practice_id: int | None = None
    phone: str | None = Field(None, max_length=30)


class RoleOut(Schema):
    id: int
    role: str
    starts_on: dt.date
    ends_on: dt.date | None
    removed: bool = Field(False, description="Rollen var ikke begyndt, da den blev afsluttet, og er fjernet")


class RoleIn(StrictSchema):
    role: Role = Field(..., strict=False)
    starts_on: IsoDate | None = Field(None, description="Standard: i dag")
    ends_on: IsoDate | None = Field(None, description="Første dag uden rollen; tom = fortsat")


class RoleEndIn(StrictSchema):
    ends_on: IsoDate | None = Field(None, description="Første dag uden rollen (standard: i dag)")


class DeactivateIn(StrictSchema):
    on: IsoDate | None = Field(None, description="Første dag uden roller (standard: i dag)")


class DeactivatedOut(Schema):
    ended: int


class ImportLineOut(Schema):
    line: int
    message: str


class PeopleImportOut(Schema):
    created: int
    practices_created: int
    errors: list[ImportLineOut]


def _person_out(cluster, person_id):
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    person.cluster_roles = sorted(selectors.roles_of(person, cluster))
    return person


@router.patch("/clusters/{slug}/people/{person_id}", response={200: PersonOut, 400: ErrorOut, 404: ErrorOut})
def update_person(request, slug: str, person_id: int, payload: PersonPatch):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    fields = patch_fields(payload, required=("name", "email", "title"), blank=("phone",))
    if "practice_id" in fields:
        practice_id = fields.pop("practice_id")
        fields["practice"] = (
            selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id) if practice_id else None
        )
    services.person_update(cluster=cluster, person=person, **fields)
    return _person_out(cluster, person_id)


@router.post(
    "/clusters/{slug}/people/{person_id}/deactivate",
    response={200: DeactivatedOut, 400: ErrorOut, 404: ErrorOut},
    summary="Afslut alle personens roller i klyngen",
)
def deactivate_person(request, slug: str, person_id: int, payload: DeactivateIn):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    return {"ended": services.person_deactivate(cluster=cluster, person=person, on=payload.on)}


@router.get("/clusters/{slug}/people/{person_id}/roles", response={200: list[RoleOut], 404: ErrorOut})
def list_roles(request, slug: str, person_id: int):
    cluster = cluster_for(request.user, slug, "core.view_register")
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    return list(selectors.person_role_history(cluster=cluster, person=person).order_by("starts_on", "id"))


@router.post(
    "/clusters/{slug}/people/{person_id}/roles",
    response={201: RoleOut, 400: ErrorOut, 404: ErrorOut},
    summary="Giv personen en rolle (også en rolle mere) fra en dato",
)
def assign_role(request, slug: str, person_id: int, payload: RoleIn):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    return Status(201, services.role_assign(cluster=cluster, person=person, **payload.dict()))


@router.post(
    "/clusters/{slug}/people/{person_id}/roles/{assignment_id}/end",
    response={200: RoleOut, 400: ErrorOut, 404: ErrorOut},
)
def end_role(request, slug: str, person_id: int, assignment_id: int, payload: RoleEndIn):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    assignment = selectors.cluster_role_assignment_get(
        cluster=cluster, person=person, assignment_id=assignment_id
    )
    role_id = assignment.pk
    ended = services.role_end(assignment=assignment, ends_on=payload.ends_on)
    if ended.pk is None:
        return {
            "id": role_id,
            "role": ended.role,
            "starts_on": ended.starts_on,
            "ends_on": None,
            "removed": True,
        }
    return ended


@router.post(
    "/clusters/{slug}/people-import",
    response={200: PeopleImportOut, 400: PeopleImportOut, 404: ErrorOut},
    summary="Importér personer fra CSV (ydernummer; praksis; navn; e-mail; rolle), alt eller intet",
)
def import_people(request, slug: str, file: File[UploadedFile]):
    cluster = cluster_for(request.user, slug, "core.manage_register")
    if file.size > services.PEOPLE_IMPORT_MAX_BYTES:
        return Status(
            400,
            {
                "created": 0,
                "practices_created": 0,
                "errors": [{"line": 0, "message": services.PEOPLE_IMPORT_TOO_LARGE}],
            },
        )
    report = services.people_import_csv(cluster=cluster, raw=file.read(), by=request.user)
    out = {
        "created": report.created,
        "practices_created": report.practices_created,
        "errors": [{"line": line, "message": message} for line, message in report.errors],
    }
    return out if report.ok else Status(400, out)


# The caller's own profile and API tokens ---------------------------------------------------------------


class MeOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    language: str
    is_staff: bool


class MeIn(StrictSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    phone: str | None = Field(None, max_length=30)
    language: str | None = Field(None, pattern=r"^(da|en)$")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    secret: str = Field(..., description="Nøglen selv; vises kun denne ene gang")


class TokenIn(StrictSchema):
    name: str = Field("API-nøgle", max_length=100)


@router.get("/me", response={200: MeOut}, summary="Den indloggede person")
def get_me(request):
    return request.user


@router.patch("/me", response={200: MeOut, 400: ErrorOut})
def update_me(request, payload: MeIn):
    fields = {name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None}
    return services.profile_update(person=request.user, **fields)


@router.get("/me/tokens", response={200: list[TokenOut]}, summary="Mine API-nøgler (uden selve nøglen)")
def list_tokens(request):
    return list(selectors.api_tokens_of(request.user))


@router.post(
    "/me/tokens", response={201: NewTokenOut, 400: ErrorOut}, summary="Opret en API-nøgle til mig selv"
)
def create_token(request, payload: TokenIn):
    token, secret = services.api_token_create(person=request.user, name=payload.name)
    token.secret = secret
    return Status(201, token)


@router.delete("/me/tokens/{token_id}", response={200: TokenOut, 400: ErrorOut, 404: ErrorOut})
def revoke_token(request, token_id: int):
    try:
        return services.api_token_revoke(person=request.user, token_id=token_id)
    except (ApiToken.DoesNotExist, OverflowError):
        raise Http404("Nøglen findes ikke")
