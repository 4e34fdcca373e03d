"""API routes of the quality app: indicators, measurements (suppressed and pseudonymised exactly as the
pages are for the caller: counts only for the caller's own practice and the country, other practices and
the cluster as the value the page shows) and imports."""

import datetime as dt
import tempfile
from pathlib import Path

from django.http import Http404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from klynge.core.api import ErrorOut, StrictSchema
from klynge.core.tenancy import cluster_for

from . import selectors, services
from .models import Direction, Source, Unit

router = Router(tags=["quality"])


class IndicatorOut(Schema):
    id: int
    code: str
    name_da: str
    name_en: str
    unit: str
    kind: str
    seasonal: bool
    direction: str
    target: float | None
    source_kind: str
    national: bool


class FigureOut(Schema):
    label: str = Field(..., description="Praksis' navn (egen praksis, åbne data) eller faste pseudonym")
    is_own: bool
    suppressed: bool = Field(
        ..., description="Små tal (1-4, nævner højst 10): skjult for andre end praksis selv"
    )
    numerator: float | None = Field(..., description="Kun for din egen praksis og landstallet")
    denominator: float | None = Field(..., description="Kun for din egen praksis og landstallet")
    value: float | None = Field(
        ..., description="Andre praksis og klyngen: afrundet som på siden; klyngen uden skjulte praksis"
    )


class FunnelPointOut(Schema):
    label: str
    outside95: bool
    outside998: bool
    direction: str | None


class FunnelOut(Schema):
    """The funnel plot's method as the page states it; practices hidden by small numbers are left out."""

    kind: str
    method: str
    adjustment: str
    phi: float | None
    overdispersion_p: float | None
    tau: float | None
    target: float
    explanation: list[str]
    practices: list[FunnelPointOut]


class MeasurementsOut(Schema):
    indicator: IndicatorOut
    period: str | None
    granularity: str | None
    practices: list[FigureOut]
    cluster: FigureOut | None
    national: FigureOut | None
    funnel: FunnelOut | None = None


class ImportLogOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    by: str | None
    file_name: str
    digest: str
    rows_read: int
    rows_created: int
    rows_replaced: int


class ImportErrorOut(Schema):
    line: int
    message: str


class ImportResultOut(Schema):
    ok: bool
    errors: list[ImportErrorOut]
    rows_read: int
    created: int
    replaced: int
    unchanged: int


def _indicator(i) -> dict:
    return {
        "id": i.pk,
        "code": i.code,
        "name_da": i.name_da,
        "name_en": i.name_en,
        "unit": i.unit,
        "kind": i.kind,
        "seasonal": i.seasonal,
        "direction": i.direction,
        "target": i.target,
        "source_kind": i.source_kind,
        "national": i.is_national,
    }


@router.get("/clusters/{slug}/indicators", response={200: list[IndicatorOut], 404: ErrorOut})
def list_indicators(request, slug: str):
    cluster = cluster_for(request.user, slug, "quality.view_data")
    return [_indicator(i) for i in selectors.indicators_for(cluster=cluster)]


@router.get(
    "/clusters/{slug}/indicators/{indicator_id}/measurements", response={200: MeasurementsOut, 404: ErrorOut}
)
def indicator_measurements(request, slug: str, indicator_id: int):
    cluster = cluster_for(request.user, slug, "quality.view_data")
    indicator = selectors.indicator_get(cluster=cluster, indicator_id=indicator_id)
    viewer = selectors.viewer_for(request.user, cluster)
    figures = selectors.indicator_figures(
        cluster=cluster, indicator=indicator, viewer=viewer, with_series=False
    )
    return {
        "indicator": _indicator(indicator),
        "period": figures.window.label if figures.window else None,
        "granularity": figures.window.granularity if figures.window else None,
        "practices": [f.public(indicator) for f in figures.rows],
        "cluster": figures.cluster.public(indicator) if figures.cluster else None,
        "national": figures.national.public(indicator) if figures.national else None,
        "funnel": _funnel(figures),
    }


def _funnel(figures) -> dict | None:
    analysis = figures.funnel
    if analysis is None:
        return None
    scale = figures.funnel_scale
    return {
        "kind": analysis.kind,
        "method": figures.funnel_method,
        "adjustment": analysis.adjustment,
        "phi": analysis.phi,
        "overdispersion_p": analysis.overdispersion_p,
        "tau": None if analysis.tau2 is None else analysis.tau2**0.5 * scale,
        "target": figures.funnel_target,
        "explanation": figures.funnel_texts,
        "practices": [
            {
                "label": f.label,
                "outside95": f.funnel.outside95,
                "outside998": f.funnel.outside998,
                "direction": f.funnel.direction,
            }
            for f in figures.rows
            if f.funnel is not None and not f.hidden
        ],
    }


@router.get("/clusters/{slug}/imports", response={200: list[ImportLogOut], 404: ErrorOut})
def list_imports(request, slug: str):
    cluster = cluster_for(request.user, slug, "quality.manage_data")
    return [
        {
            "id": log.pk,
            "kind": log.kind,
            "at": log.at,
            "by": log.by.name if log.by else None,
            "file_name": log.file_name,
            "digest": log.digest,
            "rows_read": log.rows_read,
            "rows_created": log.rows_created,
            "rows_replaced": log.rows_replaced,
        }
        for log in selectors.import_logs(cluster=cluster, limit=100)
    ]


def _save(upload: UploadedFile) -> Path:
    with tempfile.NamedTemporaryFile(
        prefix="klynge-api-", suffix=Path(upload.name or "x.csv").suffix, delete=False
    ) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
    return Path(tmp.name)


@router.post(
    "/clusters/{slug}/imports",
    response={201: ImportResultOut, 200: ImportResultOut, 400: ImportResultOut, 404: ErrorOut},
    summary="Importér en fil for klyngen (målinger i langt format, eller receptdata med tilmeldte patienter)",
)
def create_import(
    request,
    slug: str,
    kind: Form[str] = "measurements",
    file: File[UploadedFile] = None,
    patients: File[UploadedFile] | None = None,
):
    cluster = cluster_for(request.user, slug, "quality.manage_data")
    if (
        file is None
        or (kind == "prescriptions" and patients is None)
        or kind not in ("measurements", "prescriptions")
    ):
        return Status(
            400,
            {
                "ok": False,
                "errors": [{"line": 0, "message": "Send en fil (og tilmeldte patienter til receptdata)."}],
                "rows_read": 0,
                "created": 0,
                "replaced": 0,
                "unchanged": 0,
            },
        )
    paths = [_save(file)]
    try:
        if kind == "prescriptions":
            paths.append(_save(patients))
            result = services.prescriptions_import(
                path=paths[0],
                patients_path=paths[1],
                cluster=cluster,
                by=request.user,
                file_name=file.name,
                patients_file_name=patients.name,
            )
        else:
            result = services.measurements_import(
                path=paths[0], cluster=cluster, by=request.user, file_name=file.name
            )
    finally:
        for path in paths:
            path.unlink(missing_ok=True)
    body = {
        "ok": result.ok,
        "errors": [{"line": line, "message": message} for line, message in result.errors],
        "rows_read": result.rows_read,
        "created": result.created,
        "replaced": result.replaced,
        "unchanged": result.unchanged,
    }
    if not result.ok:
        return Status(400, body)
    return Status(201 if result.changed else 200, body)


# The cluster's own indicators, counts entered by a practice, and the open-data setting ------------------


class IndicatorIn(StrictSchema):
    name_da: str = Field(..., min_length=1, max_length=200)
    why: str = Field("", max_length=5000)
    unit: str = Field(Unit.PER_1000_YEAR, description="'percent', 'per_1000_year' eller 'count'")
    numerator_label: str = Field(..., min_length=1, max_length=300)
    denominator_label: str = Field("", max_length=300)
    direction: Direction = Field(Direction.NEITHER, strict=False)
    target: float | None = Field(None, ge=-1e9, le=1e9)


class EntryIn(StrictSchema):
    period: str = Field(..., max_length=10, description="Fx 2025, 2025-Q1 eller 2025-03")
    numerator: float = Field(..., ge=0, le=1e12)
    denominator: float | None = Field(None, ge=0, le=1e12)


class EntryOut(Schema):
    indicator_id: int
    practice_id: int
    period: str
    numerator: float
    denominator: float | None


class OpenDataIn(StrictSchema):
    open_data: bool
    reason: str = Field(
        ..., min_length=1, max_length=2000, description="Hvilket møde eller hvilken beslutning?"
    )


class OpenDataOut(Schema):
    open_data: bool
    open_data_reason: str


@router.post(
    "/clusters/{slug}/indicators",
    response={201: IndicatorOut, 400: ErrorOut, 404: ErrorOut},
    summary="Ny indikator for klyngen, talt af medlemmerne selv",
)
def create_indicator(request, slug: str, payload: IndicatorIn):
    cluster = cluster_for(request.user, slug, "quality.manage_data")
    indicator = services.indicator_create(cluster=cluster, by=request.user, **payload.dict())
    return Status(201, _indicator(indicator))


@router.post(
    "/clusters/{slug}/indicators/{indicator_id}/entries",
    response={201: EntryOut, 400: ErrorOut, 404: ErrorOut},
    summary="Indtast din praksis' tæller og nævner for en periode (klyngens egne indikatorer)",
)
def enter_counts(request, slug: str, indicator_id: int, payload: EntryIn):
    cluster = cluster_for(request.user, slug, "quality.enter_counts")
    indicator = selectors.indicator_get(cluster=cluster, indicator_id=indicator_id)
    viewer = selectors.viewer_for(request.user, cluster)
    if indicator.source_kind != Source.SELF_REPORTED or viewer.practice_id is None:
        raise Http404("Indikatoren tælles ikke af praksis selv")
    services.measurement_enter(
        indicator=indicator,
        practice=request.user.practice,
        period=payload.period,
        numerator=payload.numerator,
        denominator=payload.denominator,
        by=request.user,
    )
    return Status(
        201,
        {
            "indicator_id": indicator.pk,
            "practice_id": request.user.practice_id,
            "period": payload.period,
            "numerator": payload.numerator,
            "denominator": payload.denominator,
        },
    )


@router.put(
    "/clusters/{slug}/open-data",
    response={200: OpenDataOut, 400: ErrorOut, 404: ErrorOut},
    summary="Bestyrelsens rettelse af åbne data (normalt besluttes det ved en afstemning)",
)
def set_open_data(request, slug: str, payload: OpenDataIn):
    cluster = cluster_for(request.user, slug, "quality.manage_data")
    return services.cluster_open_data_set(
        cluster=cluster, open_data=payload.open_data, reason=payload.reason, by=request.user
    )
