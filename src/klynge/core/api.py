"""API routes of the register, under the same permission rules as the pages."""

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Router, Schema, Status
from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from . import selectors, services
from .models import Role, Title
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


IsoDate = Annotated[dt.date, BeforeValidator(iso_date)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(iso_datetime)]


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
        return handler(values)


class PracticeIn(StrictSchema):
    name: str = Field(..., min_length=1, max_length=200)
    provider_number: str = Field(..., description="Ydernummer: 6 cifre", pattern=r"^\d{6}$")
    address: str = ""
    postal_code: str = Field("", max_length=4)
    city: str = ""
    listed_patients: int | None = Field(None, ge=0)
    listed_patients_date: IsoDate | None = None


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


@router.get("/clusters", response=list[ClusterOut], summary="Mine klynger")
def list_clusters(request):
    return selectors.clusters_for_person(request.user)


@router.get("/clusters/{slug}", response={200: ClusterOut, 404: ErrorOut})
def get_cluster(request, slug: str):
    return cluster_for(request.user, slug)


@router.get("/clusters/{slug}/practices", response={200: list[PracticeOut], 404: ErrorOut})
def list_practices(request, slug: str):
    cluster = cluster_for(request.user, slug, "core.view_register")
    return selectors.cluster_practices(cluster=cluster)


@router.get("/clusters/{slug}/practices/{practice_id}", response={200: PracticeOut, 404: ErrorOut})
def get_practice(request, slug: str, practice_id: int):
    cluster = cluster_for(request.user, slug, "core.view_register")
    return selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)


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
        by=request.user,
    )
    person.cluster_roles = sorted(selectors.roles_of(person, cluster))
    return Status(201, person)
