import logging
import sys

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import dates, frontpage, privacy, selectors, services, throttling
from .accounts import passkeys
from .accounts import selectors as account_selectors
from .form_errors import add_service_errors, error_text, form_status
from .forms import (
    AccountDeleteForm,
    ApiTokenForm,
    ClusterSettingsForm,
    MembershipPeriodForm,
    PasswordResetForm,
    PeopleImportForm,
    PersonEditForm,
    PersonInviteForm,
    PracticeForm,
    ProfileForm,
    RoleAssignForm,
)
from .models import ApiToken, Cluster, Role
from .tenancy import cluster_view
from .text import counted

logger = logging.getLogger(__name__)


def health(request):
    """Liveness for load balancers, and the benchmarks' baseline: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    # A guest role alone opens no cluster pages (only the meetings the guest is invited to).
    practice_count = selectors.practice_count_annotation()
    clusters = [
        cluster
        for cluster in selectors.clusters_for_person(request.user).annotate(practice_count=practice_count)
        if request.user.has_perm("core.view_cluster", cluster)
    ]
    sections = frontpage.render_home_sections(request)
    # Someone in exactly one cluster has nothing to choose between: straight to its front page.
    if len(clusters) == 1 and not sections and not request.user.is_staff:
        return redirect("core:cluster", slug=clusters[0].slug)
    if request.user.is_staff:
        staff_clusters = selectors.all_clusters().annotate(practice_count=practice_count)
    else:
        staff_clusters = None
    return render(
        request,
        "core/home.html",
        {"clusters": clusters, "staff_clusters": staff_clusters, "sections": sections},
    )


@cluster_view()
def cluster_home(request, cluster):
    roles = selectors.roles_of(request.user, cluster)
    context = {
        "my_roles": [Role(r).label for r in Role.values if r in roles],
        "sections": frontpage.render_sections(request, cluster),
        "board": selectors.cluster_board(cluster=cluster),
        "can_manage": request.user.has_perm("core.manage_cluster", cluster),
    }
    return render(request, "core/cluster_home.html", context)


@cluster_view("core.manage_cluster")
def cluster_settings(request, cluster):
    form = ClusterSettingsForm(request.POST if request.method == "POST" else None, instance=cluster)
    if request.method == "POST" and form.is_valid():
        services.cluster_update(cluster=cluster, **{f: form.cleaned_data[f] for f in form.changed_data})
        messages.success(request, "Indstillingerne er gemt.")
        return redirect("core:cluster", slug=cluster.slug)
    return render(request, "core/form_page.html", {"form": form, "title": "Klyngens indstillinger"})


# Practices -----------------------------------------------------------------------------------------


@cluster_view("core.view_register")
def practice_list(request, cluster):
    show_left = request.GET.get("vis") == "alle"
    practices = selectors.without_list_sizes(
        selectors.cluster_practices(cluster=cluster, include_left=show_left),
        person=request.user,
        cluster=cluster,
    )
    doctor_counts = selectors.people_per_practice(cluster=cluster, practices=practices)
    for practice in practices:
        practice.people_count = doctor_counts.get(practice.pk, 0)
    return render(
        request,
        "core/practice_list.html",
        {
            "practices": practices,
            "show_left": show_left,
            "show_sizes": request.user.has_perm("core.view_list_sizes", cluster),
            "can_manage": request.user.has_perm("core.manage_register", cluster),
        },
    )


@cluster_view("core.view_register")
def practice_detail(request, cluster, practice_id):
    practice = selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)
    selectors.without_list_sizes([practice], person=request.user, cluster=cluster)
    people = [p for p in selectors.cluster_people(cluster=cluster) if p.practice_id == practice.pk]
    departure_on = selectors.departure_day(practice.membership)
    return render(
        request,
        "core/practice_detail.html",
        {
            "practice": practice,
            "departure_on": departure_on,
            "leaves_later": departure_on is not None and departure_on > dates.today(),
            "show_size": request.user.has_perm("core.view_list_sizes", cluster)
            or practice.pk == getattr(request.user, "practice_id", None),
            "people": people,
            "periods": practice.membership.periods.all(),
            "can_manage": request.user.has_perm("core.manage_register", cluster),
        },
    )


@cluster_view("core.manage_register")
def practice_create(request, cluster):
    form = PracticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_create(cluster=cluster, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{practice.name} er tilføjet klyngen.")
            return redirect("core:practice_detail", slug=cluster.slug, practice_id=practice.pk)
    return render(
        request, "core/form_page.html", {"form": form, "title": "Tilføj praksis"}, status=form_status(form)
    )


@cluster_view("core.manage_register")
def practice_edit(request, cluster, practice_id):
    practice = selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)
    form = PracticeForm(
        request.POST if request.method == "POST" else None,
        instance=practice,
        initial={"joined_on": practice.membership.joined_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_update(
                practice=practice, **{f: form.cleaned_data[f] for f in form.changed_data}
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Praksis er opdateret.")
            return redirect("core:practice_detail", slug=cluster.slug, practice_id=practice.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Ret {practice.name}"},
        status=form_status(form),
    )


@cluster_view("core.manage_register")
def membership_period_add(request, cluster, practice_id):
    """Records a stretch of the membership's history with its real dates (e.g. a hold from before Klynge)."""
    practice = selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)
    form = MembershipPeriodForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set_status(
                membership=practice.membership, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Perioden er registreret i historikken.")
            return redirect("core:practice_detail", slug=cluster.slug, practice_id=practice.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Registrér en periode for {practice.name}",
            "intro": "Fx et hold, som klyngen besluttede, før den kom på Klynge. Tidligere perioder bevares.",
        },
        status=form_status(form),
    )


@require_POST
@cluster_view("core.manage_register")
def practice_deactivate(request, cluster, practice_id):
    practice = selectors.cluster_practice_get(cluster=cluster, practice_id=practice_id)
    try:
        services.practice_deactivate(cluster=cluster, practice=practice, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{practice.name} er meldt ud af klyngen; historikken er bevaret.")
    return redirect("core:practice_detail", slug=cluster.slug, practice_id=practice.pk)


# People --------------------------------------------------------------------------------------------


@cluster_view("core.view_register")
def person_list(request, cluster):
    people = selectors.cluster_people(cluster=cluster)
    for person in people:
        person.role_labels = [Role(r).label for r in person.cluster_roles]
    return render(
        request,
        "core/person_list.html",
        {"people": people, "can_manage": request.user.has_perm("core.manage_register", cluster)},
    )


@cluster_view("core.view_register")
def person_detail(request, cluster, person_id):
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    assignments = selectors.person_role_history(cluster=cluster, person=person)
    can_manage = request.user.has_perm("core.manage_register", cluster)
    return render(
        request,
        "core/person_detail.html",
        {
            "person": person,
            "assignments": assignments,
            "can_manage": can_manage,
            "role_form": RoleAssignForm() if can_manage else None,
        },
    )


@cluster_view("core.manage_register")
def person_invite(request, cluster):
    practices = selectors.cluster_practices(cluster=cluster)
    initial = {}
    if practice_id := request.GET.get("praksis"):
        initial["practice"] = next((p for p in practices if str(p.pk) == practice_id), None)
    form = PersonInviteForm(
        request.POST if request.method == "POST" else None, practices=practices, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            throttling.invitation_client_check(request)
            person = services.person_invite(cluster=cluster, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.name} er inviteret; invitationen er lagt i udbakken.")
            return redirect("core:person_detail", slug=cluster.slug, person_id=person.pk)
    return render(
        request, "core/form_page.html", {"form": form, "title": "Invitér en person"}, status=form_status(form)
    )


@cluster_view("core.manage_register")
def person_edit(request, cluster, person_id):
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    form = PersonEditForm(
        request.POST if request.method == "POST" else None,
        instance=person,
        practices=selectors.cluster_practices(cluster=cluster),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                cluster=cluster, person=person, **{f: form.cleaned_data[f] for f in form.changed_data}
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Personen er opdateret.")
            return redirect("core:person_detail", slug=cluster.slug, person_id=person.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Ret {person.name}"},
        status=form_status(form),
    )


@require_POST
@cluster_view("core.manage_register")
def person_deactivate(request, cluster, person_id):
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    services.person_deactivate(cluster=cluster, person=person)
    messages.success(request, f"{person.name}s roller i klyngen er afsluttet.")
    return redirect("core:person_detail", slug=cluster.slug, person_id=person.pk)


@require_POST
@cluster_view("core.manage_register")
def role_assign(request, cluster, person_id):
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    form = RoleAssignForm(request.POST)
    if form.is_valid():
        try:
            services.role_assign(
                cluster=cluster,
                person=person,
                role=form.cleaned_data["role"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Rollen er tildelt.")
    else:
        messages.error(request, "Vælg en gyldig rolle og dato.")
    return redirect("core:person_detail", slug=cluster.slug, person_id=person.pk)


@require_POST
@cluster_view("core.manage_register")
def role_end(request, cluster, person_id, assignment_id):
    person = selectors.cluster_person_get(cluster=cluster, person_id=person_id)
    assignment = selectors.cluster_role_assignment_get(
        cluster=cluster, person=person, assignment_id=assignment_id
    )
    try:
        services.role_end(assignment=assignment)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if assignment.pk is None:
            messages.success(
                request, f"Rollen {assignment.get_role_display()} var ikke begyndt og er fjernet."
            )
        else:
            messages.success(request, f"Rollen {assignment.get_role_display()} er afsluttet.")
    return redirect("core:person_detail", slug=cluster.slug, person_id=person.pk)


@cluster_view("core.manage_register")
def people_import(request, cluster):
    form = PeopleImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.people_import_csv(
            cluster=cluster, raw=form.cleaned_data["file"].read(), by=request.user
        )
        if report.ok:
            messages.success(
                request,
                f"{counted(report.created, 'person', 'personer')} er importeret og inviteret"
                + (
                    f"; {counted(report.practices_created, 'ny praksis', 'nye praksis')} er oprettet."
                    if report.practices_created
                    else "."
                ),
            )
            return redirect("core:person_list", slug=cluster.slug)
    status = 400 if (report and not report.ok) or form.errors else 200
    return render(request, "core/people_import.html", {"form": form, "report": report}, status=status)


@cluster_view("core.manage_cluster")
def audit_log(request, cluster):
    events = selectors.cluster_audit_events(cluster=cluster)
    page = Paginator(events, 50).get_page(request.GET.get("side"))
    return render(request, "core/audit_log.html", {"page": page})


# Account -------------------------------------------------------------------------------------------


@login_required
def profile(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(person=request.user, **{f: form.cleaned_data[f] for f in form.changed_data})
        messages.success(request, "Din profil er gemt.")
        return redirect("core:profile")
    return render(
        request,
        "core/profile.html",
        {
            "form": form,
            "token_form": ApiTokenForm(),
            "tokens": selectors.api_tokens_of(request.user),
            "new_secret": request.session.pop("new_api_secret", None),
            "two_factor_on": django_otp.user_has_device(request.user),
            "app_devices": account_selectors.app_devices_of(request.user),
            "passkeys": account_selectors.passkeys_of(request.user),
            "passkey_config": passkeys.browser_config(request),
            "two_factor_required": account_selectors.two_factor_required(request.user),
            "backup_codes_left": account_selectors.backup_codes_left(request.user),
        },
    )


@require_POST
@login_required
def api_token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        _, secret = services.api_token_create(person=request.user, name=form.cleaned_data["name"])
        request.session["new_api_secret"] = secret
    return redirect("core:profile")


@require_POST
@login_required
def api_token_revoke(request, token_id):
    try:
        services.api_token_revoke(person=request.user, token_id=token_id)
    except ApiToken.DoesNotExist:
        raise Http404
    messages.success(request, "Nøglen er tilbagekaldt.")
    return redirect("core:profile")


@login_required
def my_data(request):
    """The person's own data as a JSON download (their right of access)."""
    response = JsonResponse(
        privacy.person_export(person=request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="mine-data-klynge.json"'
    return response


@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", "Adgangskoden er forkert.")
        else:
            person = request.user
            logout(request)
            privacy.person_erase(person=person)
            messages.success(request, "Din konto er slettet. Det, klyngen skal gemme, er anonymiseret.")
            return redirect("login")
    return render(request, "core/account_delete.html", {"form": form}, status=form_status(form))


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    template_name = "registration/invitation_accept.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Din adgangskode er gemt. Log ind med din e-mail og adgangskoden.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")


@require_POST
def language_set(request):
    """Switches the language: on the profile when logged in, in a cookie otherwise."""
    language = request.POST.get("language", "da")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        services.profile_update(person=request.user, language=language)
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = redirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def server_error(request):
    """The 500 handler; a database that went away is a 503 with a page that needs no database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.error("Database unavailable: %s", error)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


def cluster_url(cluster: Cluster) -> str:
    return reverse("core:cluster", kwargs={"slug": cluster.slug})
