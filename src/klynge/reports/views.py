"""Pages of the reports: the annual report (draft, editing, redraft, exports) and the activity report."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from klynge.core.form_errors import add_service_errors, error_text
from klynge.core.services import ServiceError
from klynge.core.tenancy import cluster_view

from . import charts, diff, exports, selectors, services
from .forms import AnnualReportForm, RegenerateForm


def _year(year: int) -> int:
    return selectors.check_year(year)


def _only(request, *methods):
    if request.method not in methods:
        return HttpResponseNotAllowed(methods)
    return None


@cluster_view("reports.view_reports")
def annual_report_index(request, cluster):
    return redirect("reports:annual_report", slug=cluster.slug, year=selectors.default_year())


def _page_context(request, cluster, year, *, form=None):
    report = selectors.annual_report_for(cluster=cluster, year=year)
    basis = selectors.year_basis(cluster=cluster, year=year)  # read once for both
    draft = selectors.draft_for(cluster=cluster, year=year, basis=basis)
    figures = selectors.meeting_figures(cluster=cluster, year=year, basis=basis)
    changed = report is not None and report.fingerprint != draft.fingerprint
    years = selectors.report_years(cluster=cluster)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    form = form or AnnualReportForm(initial={"text": report.edited_text} if report else None)
    form.fields["text"].widget.attrs["hx-post"] = reverse(
        "reports:annual_report_preview", args=[cluster.slug, year]
    )
    return {
        "year": year,
        "years": years,
        "report": report,
        "draft": draft,
        "changed": changed,
        "changes": diff.changes(report.generated_text, draft.text) if changed else [],
        "form": form,
        "regenerate_fingerprint": draft.fingerprint,
        "can_manage": request.user.has_perm("reports.manage_reports", cluster),
        "figures": figures,
        "chart": charts.attendance_chart(figures),
        "formats": [("pdf", "PDF"), ("docx", "Word"), ("md", "Markdown")],
    }


@cluster_view("reports.view_reports")
def annual_report(request, cluster, year):
    year = _year(year)
    if (refused := _only(request, "GET", "POST")) is not None:
        return refused
    if request.method == "POST":
        if not request.user.has_perm("reports.manage_reports", cluster):
            raise Http404
        report = selectors.annual_report_for(cluster=cluster, year=year)
        if report is None:
            raise Http404("Der er intet udkast endnu")
        form = AnnualReportForm(request.POST)
        if form.is_valid():
            try:
                services.annual_report_save(report=report, text=form.cleaned_data["text"], by=request.user)
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Beretningen er gemt.")
                return redirect("reports:annual_report", slug=cluster.slug, year=year)
        context = _page_context(request, cluster, year, form=form)
        return render(request, "reports/annual_report.html", context, status=400)
    return render(request, "reports/annual_report.html", _page_context(request, cluster, year))


@cluster_view("reports.manage_reports")
def annual_report_create(request, cluster, year):
    year = _year(year)
    if (refused := _only(request, "POST")) is not None:
        return refused
    try:
        services.annual_report_create(cluster=cluster, year=year, by=request.user)
    except ServiceError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Udkastet er gemt. Du kan nu rette i teksten.")
    return redirect("reports:annual_report", slug=cluster.slug, year=year)


@cluster_view("reports.manage_reports")
def annual_report_regenerate(request, cluster, year):
    year = _year(year)
    if (refused := _only(request, "POST")) is not None:
        return refused
    report = selectors.annual_report_for(cluster=cluster, year=year)
    if report is None:
        raise Http404("Der er intet udkast endnu")
    form = RegenerateForm(request.POST)
    if not form.is_valid():
        context = _page_context(request, cluster, year)
        context["regenerate_error"] = "Vælg, om du vil bruge det nye udkast eller beholde din tekst."
        return render(request, "reports/annual_report.html", context, status=400)
    take_new = form.cleaned_data["choice"] == "take"
    try:
        services.annual_report_regenerate(
            report=report,
            take_new=take_new,
            seen_fingerprint=form.cleaned_data["fingerprint"],
            by=request.user,
        )
    except ServiceError as error:
        messages.warning(request, error_text(error))
    else:
        messages.success(
            request,
            "Det nye udkast er taget i brug." if take_new else "Din tekst er beholdt; udkastet er opdateret.",
        )
    return redirect("reports:annual_report", slug=cluster.slug, year=year)


def _report_text(cluster, year) -> str:
    report = selectors.annual_report_for(cluster=cluster, year=year)
    return report.edited_text if report else selectors.draft_for(cluster=cluster, year=year).text


def export_response(cluster, year: int, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("Ukendt format")
    content = exports.annual_report_export(
        cluster=cluster, year=year, text=_report_text(cluster, year), fmt=fmt
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(cluster, year, fmt)}"'
    return response


@cluster_view("reports.view_reports")
def annual_report_export(request, cluster, year, fmt):
    year = _year(year)
    if (refused := _only(request, "GET")) is not None:
        return refused
    return export_response(cluster, year, fmt)


# Activity report ------------------------------------------------------------------------------------


@cluster_view("reports.view_reports")
def activity_report(request, cluster, year):
    year = _year(year)
    if (refused := _only(request, "GET")) is not None:
        return refused
    figures = selectors.activity_figures(cluster=cluster, year=year)
    years = selectors.report_years(cluster=cluster)
    return render(
        request,
        "reports/activity_report.html",
        {
            "year": year,
            "years": years if year in years else sorted({*years, year}, reverse=True),
            "figures": figures,
            "chart": charts.attendance_chart(figures),
            "report_url": reverse("reports:annual_report", args=[cluster.slug, year]),
        },
    )


@cluster_view("reports.view_reports")
def activity_csv(request, cluster, year):
    year = _year(year)
    if (refused := _only(request, "GET")) is not None:
        return refused
    figures = selectors.activity_figures(cluster=cluster, year=year)
    response = HttpResponse(exports.activity_csv(figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="aktivitet-{cluster.slug}-{year}.csv"'
    return response


@cluster_view("reports.view_reports")
def attendance_lists(request, cluster, year):
    year = _year(year)
    if (refused := _only(request, "GET")) is not None:
        return refused
    response = HttpResponse(
        exports.attendance_lists_pdf(cluster=cluster, year=year), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="deltagerlister-{cluster.slug}-{year}.pdf"'
    return response


def frontpage_section(request, cluster):
    """The board sees the saved annual report of the year the chair writes about, when there is one."""
    if not request.user.has_perm("reports.view_reports", cluster):
        return None
    year = selectors.default_year()
    report = selectors.annual_report_for(cluster=cluster, year=year)
    if report is None:
        return None
    return render_to_string(
        "reports/_frontpage.html", {"cluster": cluster, "report": report}, request=request
    )


@cluster_view("reports.manage_reports")
def annual_report_preview(request, cluster, year):
    """The text as it will look, rendered while the chair types (htmx); nothing is saved."""
    _year(year)
    if (refused := _only(request, "POST")) is not None:
        return refused
    text = request.POST.get("text", "")[: services.MAX_TEXT]
    return render(request, "reports/_preview.html", {"text": text})
