import json
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from klynge.core import vegalite
from klynge.core.form_errors import add_service_errors, form_status
from klynge.core.tenancy import cluster_view
from klynge.projects import selectors as project_selectors

from . import charts, exports, selectors, services
from .forms import EntryForm, IndicatorForm, OpenDataForm, UploadForm
from .models import Source


def frontpage_section(request, cluster):
    if not request.user.has_perm("quality.view_data", cluster):
        return None
    viewer = selectors.viewer_for(request.user, cluster)
    if viewer.national_only or viewer.practice_id is None:
        return None
    window, rows = selectors.own_overview(cluster=cluster, viewer=viewer)
    signals = [r for r in rows if r.run_signal]
    if not rows:
        return None
    return render_to_string(
        "quality/_frontpage.html",
        {"cluster": cluster, "window": window, "rows": rows[:4], "signals": signals},
    )


@cluster_view("quality.view_data")
def own_data(request, cluster):
    viewer = selectors.viewer_for(request.user, cluster)
    window, rows = selectors.own_overview(cluster=cluster, viewer=viewer)
    projects = [
        p
        for p in project_selectors.cluster_projects(cluster=cluster).filter(taken_up_meeting__isnull=False)
        if p.indicator_codes
    ]
    practice_name = None
    if viewer.practice_id:
        practice_name = request.user.practice.name
    return render(
        request,
        "quality/own_data.html",
        {
            "viewer": viewer,
            "window": window,
            "rows": rows,
            "practice_name": practice_name,
            "can_manage": viewer.can_manage,
            "projects": [] if viewer.national_only else projects,
            "own_indicators": [
                i for i in selectors.indicators_for(cluster=cluster) if i.cluster_id == cluster.pk
            ],
        },
    )


# Readers of the cluster see every indicator; a meeting's guests see the ones its agenda links to.
indicator_view = cluster_view(
    "quality.view_indicator", target=selectors.cluster_indicator_get, key="indicator_id"
)


def _figures(request, cluster, indicator):
    viewer = selectors.viewer_for(request.user, cluster)
    return viewer, selectors.indicator_figures(cluster=cluster, indicator=indicator, viewer=viewer)


@indicator_view
def indicator_detail(request, cluster, shown):
    viewer, figures = _figures(request, cluster, shown.indicator)
    specs = charts.specs(figures)
    can_enter = (
        viewer.practice_id is not None
        and figures.indicator.source_kind == Source.SELF_REPORTED
        and request.user.has_perm("quality.enter_counts", cluster)
    )
    return render(
        request,
        "quality/indicator_detail.html",
        {
            "viewer": viewer,
            "f": figures,
            "indicator": figures.indicator,
            "specs": specs,
            "svg_links": [(name, charts.CHART_LABELS.get(name, name)) for name in specs],
            "can_enter": can_enter,
            "run_points": len(figures.series),
        },
    )


@indicator_view
def indicator_export(request, cluster, shown, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _, figures = _figures(request, cluster, shown.indicator)
    name = f"{figures.indicator.code}-{cluster.slug}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(figures), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(figures),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@indicator_view
def indicator_chart(request, cluster, shown, name, fmt):
    if fmt not in ("json", "svg"):
        raise Http404
    _, figures = _figures(request, cluster, shown.indicator)
    spec = charts.specs(figures).get(name)
    if spec is None:
        raise Http404
    if fmt == "json":
        return HttpResponse(json.dumps(spec, ensure_ascii=False), content_type="application/json")
    response = HttpResponse(vegalite.to_svg(spec), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{figures.indicator.code}-{name}.svg"'
    return response


@cluster_view("quality.enter_counts")
def entry(request, cluster, indicator_id):
    indicator = selectors.indicator_get(cluster=cluster, indicator_id=indicator_id)
    viewer = selectors.viewer_for(request.user, cluster)
    if indicator.source_kind != Source.SELF_REPORTED or viewer.practice_id is None:
        raise Http404
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_enter(
                indicator=indicator,
                practice=request.user.practice,
                period=form.cleaned_data["period"],
                numerator=form.cleaned_data["numerator"],
                denominator=form.cleaned_data["denominator"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Tallet er gemt.")
            return redirect("quality:indicator_detail", slug=cluster.slug, indicator_id=indicator.pk)
    return render(
        request,
        "quality/form_page.html",
        {
            "form": form,
            "title": f"Indtast {indicator.name_da}",
            "intro": f"Tæller: {indicator.numerator_label or '–'}. Nævner: {indicator.denominator_label or '–'}. "
            f"Tallene gælder {request.user.practice.name}.",
        },
        status=form_status(form),
    )


@cluster_view("quality.manage_data")
def indicator_create(request, cluster):
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(cluster=cluster, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Indikatoren »{indicator.name_da}« er oprettet; medlemmerne kan nu indtaste tal."
            )
            return redirect("quality:indicator_detail", slug=cluster.slug, indicator_id=indicator.pk)
    return render(
        request,
        "quality/form_page.html",
        {
            "form": form,
            "title": "Ny indikator for klyngen",
            "intro": "Klyngens egne indikatorer tælles af medlemmerne selv: hver praksis indtaster tæller og nævner pr. periode.",
        },
        status=form_status(form),
    )


def _save_upload(upload) -> Path:
    suffix = Path(upload.name).suffix.lower() or ".csv"
    tmp = tempfile.NamedTemporaryFile(prefix="klynge-upload-", suffix=suffix, delete=False)  # noqa: SIM115 (kept after closing)
    with tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
    return Path(tmp.name)


@cluster_view("quality.manage_data")
def upload(request, cluster):
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        paths = [_save_upload(form.cleaned_data["file"])]
        try:
            if form.cleaned_data["kind"] == "prescriptions":
                paths.append(_save_upload(form.cleaned_data["patients"]))
                result = services.prescriptions_import(
                    path=paths[0],
                    patients_path=paths[1],
                    cluster=cluster,
                    by=request.user,
                    file_name=form.cleaned_data["file"].name,
                    patients_file_name=form.cleaned_data["patients"].name,
                )
            else:
                result = services.measurements_import(
                    path=paths[0], cluster=cluster, by=request.user, file_name=form.cleaned_data["file"].name
                )
        except ValidationError as error:
            add_service_errors(form, error)
        finally:
            for path in paths:
                path.unlink(missing_ok=True)
    status = 400 if (form.is_bound and form.errors) or (result and result.errors) else 200
    return render(
        request,
        "quality/upload.html",
        {"form": form, "result": result, "logs": selectors.import_logs(cluster=cluster)},
        status=status,
    )


@cluster_view("quality.manage_data")
def open_data(request, cluster):
    """Open data is set by a recorded decision (the decisions app's effect "open_data"); this page shows
    the setting and its reason, and links to a new poll. POST remains for a board correction with a reason."""
    form = OpenDataForm(request.POST or None, initial={"open_data": cluster.open_data})
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_open_data_set(
                cluster=cluster,
                open_data=form.cleaned_data["open_data"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Indstillingen for åbne data er gemt.")
            return redirect("quality:own_data", slug=cluster.slug)
    return render(request, "quality/open_data.html", {"form": form}, status=form_status(form))


@cluster_view("quality.view_data")
def project_before_after(request, cluster, project_id):
    project = project_selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    viewer = selectors.viewer_for(request.user, cluster)
    meeting = project.taken_up_meeting
    rows = []
    if meeting is not None:
        day = timezone.localtime(meeting.starts_at).date()
        rows = selectors.before_after(
            cluster=cluster, viewer=viewer, codes=project.indicator_codes or [], day=day
        )
    return render(
        request,
        "quality/before_after.html",
        {"project": project, "meeting": meeting, "rows": rows, "viewer": viewer},
    )
