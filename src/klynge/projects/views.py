import datetime as dt
import difflib
import html
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from klynge.core import dates
from klynge.core import selectors as core_selectors
from klynge.core.form_errors import add_service_errors, error_text, form_status
from klynge.core.frontpage import Waiting
from klynge.core.models import BOARD_ROLES, MEMBER_ROLES
from klynge.core.tenancy import cluster_view
from klynge.core.text import counted
from klynge.meetings.selectors import cluster_meeting_get

from . import selectors, services
from .forms import (
    MemberForm,
    ProjectCreateForm,
    ProjectForm,
    SettingsForm,
    SlotMoveForm,
)
from .models import TEMPLATE_FIELDS, Project, ProjectStatus

# capfirst, not str.capitalize(): the latter lowers the rest ("Pdsa-cyklusser").
FIELD_LABELS = {name: capfirst(str(Project._meta.get_field(name).verbose_name)) for name in TEMPLATE_FIELDS}
FIELD_LABELS["indicator_codes"] = "Indikatorkoder"


# Overview ------------------------------------------------------------------------------------------


@cluster_view("projects.view")
def index(request, cluster):
    projects = list(selectors.cluster_projects(cluster=cluster))
    for project in projects:
        project.lead = next((m.person for m in project.members.all() if m.is_lead), None)
    return render(
        request,
        "projects/index.html",
        {
            "rounds": selectors.cluster_rounds(cluster=cluster),
            "projects": projects,
            "can_manage": request.user.has_perm("projects.manage", cluster),
            "new_round_due": selectors.round_all_taken_up(cluster=cluster),
        },
    )


# Projects ------------------------------------------------------------------------------------------


def _members_and_board(cluster):
    people = core_selectors.cluster_people(cluster=cluster)
    members = [p for p in people if set(p.cluster_roles) & MEMBER_ROLES]
    board = [p for p in people if set(p.cluster_roles) & BOARD_ROLES]
    return members, board


@cluster_view("projects.manage")
def project_create(request, cluster, idea_id):
    idea = selectors.cluster_idea_get(cluster=cluster, idea_id=idea_id)
    members, board = _members_and_board(cluster)
    # The tovholder is one of the interest group; only a group of nobody leaves the choice open.
    signed = set(idea.signups.values_list("person_id", flat=True))
    group = [p for p in members if p.pk in signed] or members
    initial = {"title": idea.title, "lead": group[0].pk if signed else None}
    form = ProjectCreateForm(request.POST or None, members=group, board=board, initial=initial)
    if not signed:
        form.fields[
            "lead"
        ].help_text = "Ingen har skrevet sig på interessegruppen; vælg blandt klyngens medlemmer."
    if request.method == "POST" and form.is_valid():
        by_id = {p.pk: p for p in members + board}
        try:
            project = services.project_create(
                cluster=cluster,
                title=form.cleaned_data["title"],
                lead=by_id.get(form.cleaned_data["lead"]),
                board_contact=by_id.get(form.cleaned_data["board_contact"]),
                idea=idea,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Projektet er oprettet med interessegruppen som projektgruppe.")
            return redirect("projects:project_detail", slug=cluster.slug, project_id=project.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Nyt projekt: {idea.title}",
            "intro": "Interessegruppen bliver projektgruppen. Vælg én tovholder fra gruppen og en kontakt "
            "i bestyrelsen.",
            "submit_label": "Opret projekt",
            "cancel_url": reverse("projects:round_detail", args=[cluster.slug, idea.round_id]),
        },
        status=form_status(form),
    )


MOVE_LABELS = {
    (ProjectStatus.READY, ProjectStatus.DESCRIPTION): "Send tilbage til beskrivelse",
    (ProjectStatus.APPROVED, ProjectStatus.DESCRIPTION): "Send tilbage til beskrivelse",
    (ProjectStatus.PLANNED, ProjectStatus.APPROVED): "Tag ud af planen",
    (ProjectStatus.PARKED, ProjectStatus.DESCRIPTION): "Tag op igen",
}


def _transitions_for(project, user):
    allowed = services.ALLOWED[project.status]
    if user.has_perm("projects.manage", project.cluster):
        return [
            (s, MOVE_LABELS.get((project.status, s), f"Sæt til »{ProjectStatus(s).label}«"))
            for s in ProjectStatus.values
            if s in allowed
        ]
    if selectors.is_group_member(project=project, person=user):
        return [
            (s, f"Sæt til »{ProjectStatus(s).label}«")
            for s in ProjectStatus.values
            if s in allowed and (project.status, s) in services.GROUP_MOVES
        ]
    return []


@cluster_view("projects.view")
def project_detail(request, cluster, project_id):
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    can_manage = request.user.has_perm("projects.manage", cluster)
    members = list(project.members.select_related("person"))
    is_member = any(m.person_id == request.user.pk for m in members)
    member_form = None
    if can_manage:
        people, _ = _members_and_board(cluster)
        member_form = MemberForm(people=people)
    fields = selectors.project_fields(project)
    rows = [(FIELD_LABELS[name], _as_text(fields[name])) for name in TEMPLATE_FIELDS if name != "title"]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "members": members,
            "rows": rows,
            "flags": selectors.project_scope(project),
            "transitions": project.transitions.select_related("by"),
            "next_states": _transitions_for(project, request.user),
            "can_edit": request.user.has_perm("projects.edit_project", project),
            "can_manage": can_manage,
            "is_member": is_member,
            "can_join": request.user.has_perm("projects.participate", cluster) and not is_member,
            "member_form": member_form,
            "version_count": project.versions.count(),
        },
    )


def _form_fields(form) -> dict:
    """The form's values as plain data for the scope check, valid or not."""
    data = {}
    for name in TEMPLATE_FIELDS:
        if name in ("cluster_package",):
            continue
        value = form.data.get(name, "")
        data[name] = value
    try:
        data["plan_months"] = int(data.get("plan_months") or "") if data.get("plan_months") else None
    except ValueError:
        data["plan_months"] = None
    try:
        data["revisit_date"] = (
            dt.date.fromisoformat(data["revisit_date"]) if data.get("revisit_date") else None
        )
    except ValueError:
        data["revisit_date"] = None
    data["indicator_codes"] = [
        c for c in str(data.get("indicator_codes") or "").replace(";", ",").split(",") if c.strip()
    ]
    return data


@cluster_view("projects.view")
def project_edit(request, cluster, project_id):
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    if not request.user.has_perm("projects.edit_project", project):
        raise Http404("Kun projektgruppen og bestyrelsen kan rette beskrivelsen")
    form = ProjectForm(request.POST or None, instance=project, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_save(
                # A fresh copy: the form has already written its values onto `project`.
                project=selectors.cluster_project_get(cluster=cluster, project_id=project.pk),
                by=request.user,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Beskrivelsen er gemt som en ny version.")
            return redirect("projects:project_detail", slug=cluster.slug, project_id=project.pk)
    flags = (
        selectors.project_scope(project, _form_fields(form))
        if form.is_bound
        else selectors.project_scope(project)
    )
    return render(
        request,
        "projects/project_edit.html",
        {"project": project, "form": form, "flags": flags},
        status=form_status(form),
    )


@require_POST
@cluster_view("projects.view")
def project_check(request, cluster, project_id):
    """The live scope check: the form as it is being typed in, back as the checklist fragment."""
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    if not request.user.has_perm("projects.edit_project", project):
        raise Http404
    form = ProjectForm(request.POST, instance=project, cluster=cluster)
    flags = selectors.project_scope(project, _form_fields(form))
    return render(request, "projects/_scope_check.html", {"flags": flags, "live": True})


@require_POST
@cluster_view("projects.view")
def project_status(request, cluster, project_id):
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    if not request.user.has_perm("projects.edit_project", project):
        raise Http404
    to_status = request.POST.get("to_status", "")
    try:
        services.project_transition(
            project=project, to_status=to_status, by=request.user, note=request.POST.get("note", "")[:300]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Status er nu »{ProjectStatus(to_status).label}«.")
    return redirect("projects:project_detail", slug=cluster.slug, project_id=project.pk)


@require_POST
@cluster_view("projects.manage")
def project_group(request, cluster, project_id):
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    people, _ = _members_and_board(cluster)
    form = MemberForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, "Vælg en person og en handling.")
    else:
        person = next(p for p in people if p.pk == form.cleaned_data["person"])
        action = {
            "add": services.project_member_add,
            "lead": services.project_set_lead,
            "remove": services.project_member_remove,
        }[form.cleaned_data["action"]]
        try:
            action(project=project, person=person, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Gruppen er opdateret.")
    return redirect("projects:project_detail", slug=cluster.slug, project_id=project.pk)


@require_POST
@cluster_view("projects.participate")
def project_join(request, cluster, project_id):
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    leaving = selectors.is_group_member(project=project, person=request.user)
    try:
        if leaving:
            services.project_member_remove(project=project, person=request.user, by=request.user)
        else:
            services.project_member_add(project=project, person=request.user, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Du har forladt gruppen." if leaving else "Du er med i gruppen.")
    return redirect("projects:project_detail", slug=cluster.slug, project_id=project.pk)


def _word_diff(old: str, new: str) -> str:
    old_words, new_words = str(old or "").split(" "), str(new or "").split(" ")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(html.escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{html.escape(' '.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{html.escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts).replace("\n", "<br>"))  # noqa: S308 - every piece is escaped


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dates.short_date(dt.date.fromisoformat(value))
    return str(value)


@cluster_view("projects.view")
def project_versions(request, cluster, project_id):
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    versions = list(selectors.project_versions(project=project))
    compare = None
    if len(versions) >= 2:
        try:
            a = int(request.GET.get("a", versions[1].number))
            b = int(request.GET.get("b", versions[0].number))
        except ValueError:
            a, b = versions[1].number, versions[0].number
        old = selectors.project_version_get(project=project, number=a)
        new = selectors.project_version_get(project=project, number=b)
        rows = []
        for name in TEMPLATE_FIELDS:
            before, after = _as_text(old.data.get(name)), _as_text(new.data.get(name))
            if before != after:
                rows.append(
                    {
                        "label": FIELD_LABELS[name],
                        "before": before,
                        "after": after,
                        "diff": _word_diff(before, after),
                    }
                )
        compare = {"old": old, "new": new, "rows": rows}
    return render(
        request,
        "projects/versions.html",
        {"project": project, "versions": versions, "compare": compare},
    )


@require_POST
@cluster_view("projects.manage")
def followup_accept(request, cluster, project_id):
    project = selectors.cluster_project_get(cluster=cluster, project_id=project_id)
    try:
        services.followup_accept(project=project, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Genbesøget er sat på mødets dagsorden.")
    return redirect("projects:project_detail", slug=cluster.slug, project_id=project.pk)


# Rotation ------------------------------------------------------------------------------------------


@cluster_view("projects.view")
def rotation(request, cluster):
    can_manage = request.user.has_perm("projects.manage", cluster)
    draft = selectors.rotation_draft(cluster=cluster) if can_manage else None
    published = selectors.rotation_published(cluster=cluster)
    settings = selectors.settings_for(cluster=cluster)
    meetings = selectors.coming_cluster_meetings(
        cluster=cluster, today=timezone.localdate(), months=settings.horizon_months
    )
    draft_slots = []
    if draft:
        for slot in selectors.plan_slots(draft):
            slot.form = SlotMoveForm(
                meetings=meetings,
                initial={"meeting": slot.meeting_id, "revisit_date": slot.revisit_date},
                prefix=f"slot{slot.pk}",
            )
            draft_slots.append(slot)
    return render(
        request,
        "projects/rotation.html",
        {
            "can_manage": can_manage,
            "draft": draft,
            "draft_slots": draft_slots,
            "published": published,
            "published_slots": selectors.plan_slots(published) if published else [],
            "settings": settings,
            "meetings": meetings,
        },
    )


@require_POST
@cluster_view("projects.manage")
def rotation_propose(request, cluster):
    plan = services.rotation_propose(cluster=cluster, by=request.user)
    placed = counted(plan.slots.count(), "projekt", "projekter")
    messages.success(request, f"Nyt forslag: {placed} fordelt på klyngemøderne.")
    return redirect("projects:rotation", slug=cluster.slug)


@require_POST
@cluster_view("projects.manage")
def rotation_slot_move(request, cluster, slot_id):
    draft = selectors.rotation_draft(cluster=cluster)
    if draft is None:
        raise Http404
    slot = selectors.plan_slot_get(plan=draft, slot_id=slot_id)
    settings = selectors.settings_for(cluster=cluster)
    meetings = selectors.coming_cluster_meetings(
        cluster=cluster, today=timezone.localdate(), months=settings.horizon_months
    )
    form = SlotMoveForm(request.POST, meetings=meetings, prefix=f"slot{slot.pk}")
    if form.is_valid():
        meeting = cluster_meeting_get(cluster=cluster, meeting_id=form.cleaned_data["meeting"])
        try:
            services.rotation_slot_move(
                plan=draft, slot=slot, meeting=meeting, revisit_date=form.cleaned_data["revisit_date"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"{slot.project.title} er flyttet til {meeting.display_name}.")
    else:
        messages.error(request, "Vælg et møde fra listen og en gyldig dato.")
    return redirect("projects:rotation", slug=cluster.slug)


@require_POST
@cluster_view("projects.manage")
def rotation_publish(request, cluster):
    draft = selectors.rotation_draft(cluster=cluster)
    if draft is None:
        messages.error(request, "Der er intet udkast at offentliggøre.")
        return redirect("projects:rotation", slug=cluster.slug)
    try:
        services.rotation_publish(plan=draft, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Planen er offentliggjort, og møderne har fået punktet på dagsordenen.")
    return redirect("projects:rotation", slug=cluster.slug)


@cluster_view("projects.manage")
def project_settings(request, cluster):
    form = SettingsForm(request.POST or None, instance=selectors.settings_for(cluster=cluster))
    if request.method == "POST" and form.is_valid():
        services.settings_update(cluster=cluster, **form.cleaned_data)
        messages.success(request, "Indstillingerne er gemt.")
        return redirect("projects:rotation", slug=cluster.slug)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": "Indstillinger for projekter"},
        status=form_status(form),
    )


# Time ----------------------------------------------------------------------------------------------


@cluster_view("projects.view")
def my_load(request, cluster):
    load = selectors.person_load(cluster=cluster, person=request.user)
    return render(request, "projects/my_load.html", {"load": load})


@cluster_view("projects.manage")
def cluster_load(request, cluster):
    return render(request, "projects/cluster_load.html", {"loads": selectors.cluster_load(cluster=cluster)})


# Front page ----------------------------------------------------------------------------------------


NEXT_STEP = {
    ProjectStatus.IDEA: "skriv projektbeskrivelsen",
    ProjectStatus.DESCRIPTION: "gør projektbeskrivelsen færdig",
    ProjectStatus.READY: "venter på bestyrelsens godkendelse",
    ProjectStatus.APPROVED: "godkendt; venter på sin plads på klyngemøderne",
    ProjectStatus.PARKED: "parkeret",
}


def waiting_items(request, cluster) -> list[Waiting]:
    """The person's project groups with the next step, and an open idea round to take part in."""
    if not request.user.has_perm("projects.view", cluster):
        return []
    items = []
    memberships = selectors.open_project_memberships(cluster=cluster, person=request.user)
    for membership in memberships:
        project = membership.project
        meeting = project.taken_up_meeting
        if project.status == ProjectStatus.PLANNED and meeting is not None:
            step, due = f"tages op på {meeting.display_name}", timezone.localtime(meeting.starts_at).date()
        else:
            step, due = NEXT_STEP.get(project.status, project.get_status_display().lower()), None
        items.append(
            Waiting(
                kind="Din projektgruppe",
                title=project.title,
                url=reverse("projects:project_detail", args=[cluster.slug, project.pk]),
                detail=("du er tovholder; " if membership.is_lead else "") + step,
                due=due,
            )
        )
    if request.user.has_perm("projects.participate", cluster):
        items += [
            Waiting(
                kind="Idérunde",
                title=round.title,
                url=reverse("projects:round_participate", args=[cluster.slug, round.pk]),
                detail="kom med ideer, giv dine prikker og skriv dig på en interessegruppe",
            )
            for round in cluster.idea_rounds.filter(status="open")
        ]
    return items


def frontpage_section(request, cluster):
    """The project plan ahead; for the board, a nudge when a new round is due."""
    if not request.user.has_perm("projects.view", cluster):
        return None
    can_manage = request.user.has_perm("projects.manage", cluster)
    new_round_due = selectors.round_all_taken_up(cluster=cluster) if can_manage else None
    published = selectors.rotation_published(cluster=cluster)
    coming = []
    if published:
        today = timezone.localdate()
        coming = [
            s
            for s in selectors.plan_slots(published)
            if timezone.localtime(s.meeting.starts_at).date() >= today
        ][:3]
    if not (new_round_due or coming):
        return None
    return render_to_string(
        "projects/_frontpage.html",
        {"cluster": cluster, "new_round_due": new_round_due, "coming": coming, "can_manage": can_manage},
        request=request,
    )
