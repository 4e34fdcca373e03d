from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from klynge.core import dates
from klynge.core import selectors as core_selectors
from klynge.core.form_errors import add_service_errors, error_text
from klynge.core.tenancy import cluster_view, public_cluster
from klynge.core.text import counted

from . import calendar, exports, links, selectors, services
from .forms import (
    AgendaItemForm,
    AnswerForm,
    DocumentForm,
    FollowUpForm,
    GuestForm,
    MeetingForm,
    MinutesForm,
    NextYearForm,
    NoteForm,
    PackageForm,
    ProposalForm,
    UploadForm,
    VersionForm,
)
from .models import Answer, DocumentCategory, MeetingKind, MeetingStatus, NoteKind


def _form_page(request, form, title, *, intro="", submit_label="Gem", cancel_url=None, status=200):
    context = {
        "form": form,
        "title": title,
        "intro": intro,
        "submit_label": submit_label,
        "cancel_url": cancel_url,
    }
    return render(request, "core/form_page.html", context, status=status)


# A meeting page that a guest of that one meeting may also see (the rule is in rules.py).
meeting_view = cluster_view("meetings.view_meeting", target=selectors.cluster_meeting_get, key="meeting_id")


def _meeting(cluster, meeting_id):
    return selectors.cluster_meeting_get(cluster=cluster, meeting_id=meeting_id)


def _detail(meeting):
    return redirect("meetings:meeting_detail", meeting.cluster.slug, meeting.pk)


# Year plan -----------------------------------------------------------------------------------------


@cluster_view("meetings.view_meetings")
def meeting_list(request, cluster):
    try:
        year = int(request.GET.get("aar") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    context = {
        "year": year,
        "meetings": selectors.year_plan(cluster=cluster, year=year),
        "years": selectors.meeting_years(cluster=cluster),
        "can_manage": request.user.has_perm("meetings.manage_meetings", cluster),
    }
    return render(request, "meetings/meeting_list.html", context)


@cluster_view("meetings.manage_meetings")
def year_plan_next(request, cluster):
    next_year = timezone.localdate().year + 1
    form = NextYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.next_year_plan_create(cluster=cluster, entries=form.entries(), by=request.user)
        except ValidationError as error:
            form.add_error(
                None,
                error.messages
                if not hasattr(error, "error_dict")
                else [m for ms in error.message_dict.values() for m in ms],
            )
        else:
            messages.success(request, f"{counted(len(created), 'møde', 'møder')} er sat i årsplanen.")
            year = timezone.localtime(created[0].starts_at).year
            return redirect(reverse("meetings:meeting_list", args=[cluster.slug]) + f"?aar={year}")
    return _form_page(
        request,
        form,
        f"Næste års datoer og steder ({next_year})",
        intro="Udfyld de møder, der er besluttet. Tomme datoer springes over.",
        submit_label="Sæt i årsplanen",
        status=400 if request.method == "POST" else 200,
    )


@cluster_view("meetings.manage_meetings")
def meeting_create(request, cluster):
    form = MeetingForm(request.POST or None, cluster=cluster, initial={"kind": request.GET.get("type")})
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in MeetingForm.Meta.fields}
        try:
            meeting = services.meeting_create(cluster=cluster, by=request.user, with_template=True, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Mødet er oprettet.")
            return _detail(meeting)
    return _form_page(
        request, form, "Nyt møde", submit_label="Opret mødet", status=400 if request.method == "POST" else 200
    )


@cluster_view("meetings.manage_meetings")
def meeting_edit(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    form = MeetingForm(request.POST or None, instance=meeting, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in MeetingForm.Meta.fields}
        meeting = _meeting(cluster, meeting_id)  # fresh copy: the form changed the instance
        try:
            services.meeting_update(meeting=meeting, by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Mødet er gemt. Inviterede har fået en opdateret kalenderinvitation.")
            return _detail(meeting)
    return _form_page(
        request, form, f"Ret {meeting.display_name}", status=400 if request.method == "POST" else 200
    )


@require_POST
@cluster_view("meetings.manage_meetings")
def meeting_cancel(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    try:
        services.meeting_cancel(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Mødet er aflyst, og de inviterede har fået en aflysning til kalenderen.")
    return _detail(meeting)


def _agenda_for(meeting, *, is_member: bool) -> list:
    """The agenda, each item marked whether its link may be shown: a guest gets no link to a page of
    the cluster that the meeting does not share with its guests (it would answer 404)."""
    agenda = selectors.meeting_agenda(meeting=meeting)
    for item in agenda:
        item.link_shown = bool(item.link_url) and (
            is_member or links.guest_can_open(link=item.link_url, meeting=meeting)
        )
    return agenda


@meeting_view
def meeting_detail(request, cluster, meeting):
    user = request.user
    can_manage = user.has_perm("meetings.manage_meetings", cluster)
    is_member = user.has_perm("meetings.view_meetings", cluster)
    invitation = selectors.invitation_for(meeting=meeting, person=user)
    agenda = _agenda_for(meeting, is_member=is_member)
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "has_minutes": any(item.minutes.strip() for item in agenda),
        "guests": selectors.meeting_guests(meeting=meeting),
        "wishes": selectors.meeting_notes(meeting=meeting, kind=NoteKind.RETREAT_WISH),
        "can_manage": can_manage,
        "is_member": is_member,
        "show_minutes": user.has_perm("meetings.read_minutes", meeting),
        "invitation": invitation,
        "answer_choices": Answer.choices,
        "is_past": meeting.starts_at <= timezone.now(),
        "counts": selectors.answer_counts(meeting=meeting) if can_manage else None,
        "invitations": selectors.meeting_invitations(meeting=meeting) if can_manage else [],
        "proposal_deadline": services.proposal_deadline(meeting),
        "notice_deadline": services.notice_deadline(meeting),
        "is_ga": meeting.kind == MeetingKind.GENERAL_ASSEMBLY,
        "is_retreat": meeting.kind == MeetingKind.RETREAT,
        "note_form": NoteForm(),
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
    }
    return render(request, "meetings/meeting_detail.html", context)


@require_POST
@cluster_view("meetings.manage_meetings")
def meeting_invite(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    try:
        result = services.meeting_invite_all(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return _detail(meeting)
    messages.success(request, f"{counted(len(result.invited), 'invitation', 'invitationer')} er sendt.")
    if result.left_out:
        names = ", ".join(p.name for p in result.left_out)
        messages.warning(
            request, f"Ikke inviteret, fordi deres praksis er sat på hold eller udtrådt: {names}."
        )
    return _detail(meeting)


@require_POST
@meeting_view
def meeting_answer(request, cluster, meeting):
    invitation = selectors.invitation_for(meeting=meeting, person=request.user)
    if invitation is None:
        raise Http404("Du er ikke inviteret")
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_answer(invitation=invitation, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                f"Dit svar til {meeting.display_name} er gemt: {Answer(form.cleaned_data['answer']).label}.",
            )
    else:
        messages.error(request, "Vælg kommer, kommer ikke eller måske.")
    # Answered from the cluster's front page: back there.
    next_url = request.POST.get("next", "")
    if next_url == reverse("core:cluster", args=[cluster.slug]):
        return redirect(next_url)
    return _detail(meeting)


def public_answer(request, token):
    """Answer from the signed link in the mail, without logging in."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        old = services.invitation_from_expired_token(token)
        if old is None:
            return render(request, "meetings/public_answer.html", {"invalid": True}, status=404)
        over = old.meeting.ends_at < timezone.now()
        sent = None
        if request.method == "POST" and request.POST.get("action") == "nyt-link" and not over:
            sent = services.invitation_link_renew(invitation=old)
        context = {"expired": True, "over": over, "meeting": old.meeting, "sent": sent}
        return render(request, "meetings/public_answer.html", context, status=410)
    meeting = invitation.meeting
    status = 200
    chosen = request.POST.get("answer", "") if request.method == "POST" else None
    error = ""
    if chosen is not None:
        try:
            services.invitation_answer(invitation=invitation, answer=chosen)
        except ValidationError as e:
            error, status = " ".join(e.messages), 400
    context = {
        "invitation": invitation,
        "meeting": meeting,
        "answer_choices": Answer.choices,
        "current_answer": chosen or request.GET.get("svar") or invitation.answer,
        "saved": chosen and not error,
        "error": error,
    }
    return render(request, "meetings/public_answer.html", context, status=status)


@meeting_view
def meeting_material(request, cluster, meeting, attachment_id):
    """An attachment of the meeting's package: members and the meeting's guests may fetch it."""
    if meeting.package is None:
        raise Http404("Mødet har intet materiale")
    attachment = get_object_or_404(meeting.package.attachments, pk=attachment_id)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.split("/")[-1]
    )


# Agenda --------------------------------------------------------------------------------------------


def _people(cluster, meeting=None):
    """Who can be responsible for an item: the cluster's people and the meeting's guests."""
    people = core_selectors.cluster_people(cluster=cluster)
    if meeting is not None:
        people += [guest.person for guest in selectors.meeting_guests(meeting=meeting)]
    return people


@cluster_view("meetings.manage_meetings")
def agenda_item_create(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    form = AgendaItemForm(
        request.POST or None,
        people=_people(cluster, meeting),
        agenda=selectors.meeting_agenda(meeting=meeting),
        default_position=services.default_position(meeting),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_create(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Punktet er tilføjet.")
            return _detail(meeting)
    return _form_page(
        request,
        form,
        f"Nyt punkt på dagsordenen: {meeting.display_name}",
        status=400 if request.method == "POST" else 200,
    )


@cluster_view("meetings.manage_meetings")
def agenda_item_edit(request, cluster, meeting_id, item_id):
    meeting = _meeting(cluster, meeting_id)
    item = get_object_or_404(meeting.agenda_items, pk=item_id)
    form = AgendaItemForm(
        request.POST or None,
        instance=item,
        people=_people(cluster, meeting),
        agenda=selectors.meeting_agenda(meeting=meeting),
    )
    if request.method == "POST" and form.is_valid():
        item = get_object_or_404(meeting.agenda_items, pk=item_id)
        try:
            services.agenda_item_update(item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _detail(meeting)
    return _form_page(request, form, "Ret punkt", status=400 if request.method == "POST" else 200)


@require_POST
@cluster_view("meetings.manage_meetings")
def agenda_item_move(request, cluster, meeting_id, item_id):
    meeting = _meeting(cluster, meeting_id)
    item = get_object_or_404(meeting.agenda_items, pk=item_id)
    try:
        if request.POST.get("placering"):
            moved = services.agenda_item_move(item=item, position=request.POST["placering"])
        else:
            direction = 1 if request.POST.get("retning") == "ned" else -1
            moved = services.agenda_item_move(item=item, direction=direction)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(error_text(error), status=400)
        messages.error(request, error_text(error))
        return _detail(meeting)
    if request.htmx:
        # Only the agenda is swapped; the buttons keep their ids, so focus stays on the one pressed.
        context = {
            "meeting": meeting,
            "agenda": _agenda_for(meeting, is_member=True),
            "can_manage": True,
            "show_minutes": True,
            "moved": moved,
            "is_past": meeting.starts_at <= timezone.now(),
            "cancelled": meeting.status == MeetingStatus.CANCELLED,
        }
        return render(request, "meetings/_agenda.html", context)
    return redirect(
        reverse("meetings:meeting_detail", args=[cluster.slug, meeting.pk]) + f"#punkt-{moved.pk}"
    )


@require_POST
@cluster_view("meetings.manage_meetings")
def agenda_item_delete(request, cluster, meeting_id, item_id):
    meeting = _meeting(cluster, meeting_id)
    services.agenda_item_delete(item=get_object_or_404(meeting.agenda_items, pk=item_id))
    messages.success(request, "Punktet er slettet.")
    return _detail(meeting)


@require_POST
@cluster_view("meetings.manage_meetings")
def agenda_template(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    try:
        items = services.agenda_apply_general_assembly_template(meeting=meeting)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{counted(len(items), 'punkt', 'punkter')} fra skabelonen er tilføjet.")
    return _detail(meeting)


@cluster_view("meetings.view_meetings")
def agenda_proposal(request, cluster, meeting_id):
    """A member sends a proposal for the general assembly; refused after the deadline."""
    meeting = _meeting(cluster, meeting_id)
    if meeting.kind != MeetingKind.GENERAL_ASSEMBLY:
        raise Http404("Forslag sendes til en generalforsamling")
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_proposal_add(meeting=meeting, responsible=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Forslaget er sat på dagsordenen.")
            return _detail(meeting)
    return _form_page(
        request,
        form,
        f"Forslag til {meeting.display_name}",
        intro=f"Fristen for forslag er {dates.short_date_time(services.proposal_deadline(meeting))}.",
        submit_label="Send forslaget",
        status=400 if request.method == "POST" else 200,
    )


# Minutes -------------------------------------------------------------------------------------------


@cluster_view("meetings.manage_meetings")
def minutes_edit(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    items = selectors.meeting_agenda(meeting=meeting)
    forms = [
        (
            item,
            MinutesForm(
                request.POST or None,
                prefix=f"p{item.pk}",
                initial={"minutes": item.minutes, "decisions": item.decisions},
            ),
        )
        for item in items
    ]
    status = 200
    if request.method == "POST":
        if all(form.is_valid() for _, form in forms):
            try:
                for item, form in forms:
                    services.minutes_write(item=item, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, error_text(error))
                status = 400
            else:
                messages.success(request, "Referatet er gemt.")
                return _detail(meeting)
        else:
            status = 400
    return render(request, "meetings/minutes_edit.html", {"meeting": meeting, "forms": forms}, status=status)


@require_POST
@cluster_view("meetings.manage_meetings")
def minutes_approve(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    try:
        services.minutes_approve(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Referatet er godkendt og kan nu ses af medlemmerne.")
    return _detail(meeting)


@cluster_view("meetings.view_meetings")
def minutes_pdf(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    if not request.user.has_perm("meetings.read_minutes", meeting):
        raise Http404("Referatet er ikke godkendt endnu")
    response = HttpResponse(exports.minutes_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="referat-{meeting.pk}.pdf"'
    return response


@require_POST
@cluster_view("meetings.manage_meetings")
def note_add(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.meeting_note_add(
            meeting=meeting, text=form.cleaned_data["text"], kind=NoteKind.RETREAT_WISH, by=request.user
        )
        messages.success(request, "Ønsket er noteret.")
    else:
        messages.error(request, "Skriv ønsket.")
    return _detail(meeting)


# Guests --------------------------------------------------------------------------------------------


@cluster_view("meetings.manage_meetings")
def guest_add(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guest_add(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Gæsten er tilføjet. Send invitationer for at invitere gæsten.")
            return _detail(meeting)
    return _form_page(
        request,
        form,
        f"Gæst til {meeting.display_name}",
        intro="En gæst ser kun dette mødes side og materiale.",
        submit_label="Tilføj gæsten",
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@cluster_view("meetings.manage_meetings")
def guest_remove(request, cluster, meeting_id, guest_id):
    meeting = _meeting(cluster, meeting_id)
    services.guest_remove(guest=get_object_or_404(meeting.guests, pk=guest_id))
    return _detail(meeting)


# Attendance ----------------------------------------------------------------------------------------


@cluster_view("meetings.manage_meetings")
def checkin(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    participants = selectors.meeting_participants(meeting=meeting)
    context = {
        "meeting": meeting,
        "participants": participants,
        "checked_count": sum(p.checked_in for p in participants),
    }
    return render(request, "meetings/checkin.html", context)


@require_POST
@cluster_view("meetings.manage_meetings")
def checkin_toggle(request, cluster, meeting_id, person_id):
    meeting = _meeting(cluster, meeting_id)
    participants = {p.person.pk: p for p in selectors.meeting_participants(meeting=meeting)}
    participant = participants.get(person_id)
    if participant is None:
        raise Http404("Personen deltager ikke i mødet")
    if participant.checked_in:
        services.attendance_check_out(meeting=meeting, person=participant.person)
        participant.checked_in = False
    else:
        services.attendance_check_in(meeting=meeting, person=participant.person, by=request.user)
        participant.checked_in = True
    if request.htmx:
        return render(request, "meetings/_checkin_row.html", {"meeting": meeting, "p": participant})
    return redirect("meetings:checkin", cluster.slug, meeting.pk)


@cluster_view("meetings.manage_meetings")
def attendance_pdf(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    response = HttpResponse(exports.attendance_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="deltagerliste-{meeting.pk}.pdf"'
    return response


@cluster_view("meetings.manage_meetings")
def attendance_csv(request, cluster, meeting_id):
    meeting = _meeting(cluster, meeting_id)
    response = HttpResponse(exports.attendance_csv(meeting), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deltagerliste-{meeting.pk}.csv"'
    return response


@cluster_view("meetings.manage_meetings")
def attendance_report(request, cluster):
    try:
        year = int(request.GET.get("aar") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    meetings, rows = selectors.attendance_by_practice(cluster=cluster, year=year)
    return render(
        request,
        "meetings/attendance_report.html",
        {"year": year, "meetings": meetings, "rows": rows, "years": selectors.meeting_years(cluster=cluster)},
    )


# Cluster packages ----------------------------------------------------------------------------------


@cluster_view("meetings.view_library")
def package_list(request, cluster):
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "meetings/package_list.html",
        {
            "packages": selectors.cluster_packages(cluster=cluster, query=query),
            "query": query,
            "can_manage": request.user.has_perm("meetings.manage_library", cluster),
            "is_staff": request.user.has_perm("meetings.manage_national_packages", cluster),
        },
    )


@cluster_view("meetings.manage_library")
def package_create(request, cluster):
    national = request.GET.get("national") == "1" or request.POST.get("national") == "1"
    if national and not request.user.has_perm("meetings.manage_national_packages", cluster):
        raise Http404("Kun platformens personale vedligeholder de nationale pakker")
    form = PackageForm(request.POST or None, national=national)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            package = services.package_create(cluster=None if national else cluster, by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Pakken er oprettet.")
            return redirect("meetings:package_detail", cluster.slug, package.pk)
    return _form_page(
        request,
        form,
        "Ny national klyngepakke" if national else "Ny klyngepakke",
        status=400 if request.method == "POST" else 200,
    )


@cluster_view("meetings.view_library")
def package_detail(request, cluster, package_id):
    package = selectors.cluster_package_get(cluster=cluster, package_id=package_id)
    return render(
        request,
        "meetings/package_detail.html",
        {
            "package": package,
            "meetings": package.meetings.filter(cluster=cluster).order_by("starts_at"),
            "follow_ups": package.follow_ups.filter(cluster=cluster),
            "can_edit": request.user.has_perm("meetings.edit_package", package),
            "can_manage": request.user.has_perm("meetings.manage_library", cluster),
        },
    )


@cluster_view("meetings.manage_library")
def package_edit(request, cluster, package_id):
    package = selectors.cluster_package_get(cluster=cluster, package_id=package_id)
    if not request.user.has_perm("meetings.edit_package", package):
        raise Http404("Pakken kan ikke rettes her")
    form = PackageForm(request.POST or None, instance=package, national=package.is_national)
    if request.method == "POST" and form.is_valid():
        package = selectors.cluster_package_get(cluster=cluster, package_id=package_id)
        try:
            services.package_update(package=package, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("meetings:package_detail", cluster.slug, package.pk)
    return _form_page(request, form, f"Ret {package.title}", status=400 if request.method == "POST" else 200)


@cluster_view("meetings.manage_library")
def package_follow_up(request, cluster, package_id):
    package = selectors.cluster_package_get(cluster=cluster, package_id=package_id)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        follow_up = services.package_follow_up_order(
            cluster=cluster, package=package, ordered_on=form.cleaned_data["ordered_on"], by=request.user
        )
        messages.success(request, "Opfølgningen er bestilt.")
        return redirect("meetings:package_detail", cluster.slug, follow_up.pk)
    return _form_page(
        request,
        form,
        f"Bestil opfølgning på {package.title}",
        submit_label="Bestil opfølgning",
        status=400 if request.method == "POST" else 200,
    )


@cluster_view("meetings.manage_library")
def package_attachment_add(request, cluster, package_id):
    package = selectors.cluster_package_get(cluster=cluster, package_id=package_id)
    if not request.user.has_perm("meetings.edit_package", package):
        raise Http404("Pakken kan ikke rettes her")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.package_attachment_add(
                package=package,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("meetings:package_detail", cluster.slug, package.pk)
    return _form_page(
        request,
        form,
        f"Bilag til {package.title}",
        submit_label="Upload",
        status=400 if request.method == "POST" else 200,
    )


@cluster_view("meetings.view_library")
def package_attachment_download(request, cluster, package_id, attachment_id):
    package = selectors.cluster_package_get(cluster=cluster, package_id=package_id)
    attachment = get_object_or_404(package.attachments, pk=attachment_id)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.split("/")[-1]
    )


# Document library ----------------------------------------------------------------------------------


@cluster_view("meetings.view_library")
def document_list(request, cluster):
    query = request.GET.get("q", "").strip()
    category = request.GET.get("kategori", "")
    return render(
        request,
        "meetings/document_list.html",
        {
            "documents": selectors.cluster_documents(cluster=cluster, query=query, category=category),
            "query": query,
            "category": category,
            "categories": DocumentCategory.choices,
            "can_manage": request.user.has_perm("meetings.manage_library", cluster),
        },
    )


@cluster_view("meetings.manage_library")
def document_create(request, cluster):
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_create(
                cluster=cluster,
                title=data["title"],
                category=data["category"],
                description=data["description"],
                upload=data["file"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Dokumentet er lagt i biblioteket.")
            return redirect("meetings:document_detail", cluster.slug, document.pk)
    return _form_page(
        request, form, "Nyt dokument", submit_label="Upload", status=400 if request.method == "POST" else 200
    )


@cluster_view("meetings.view_library")
def document_detail(request, cluster, document_id):
    document = selectors.cluster_document_get(cluster=cluster, document_id=document_id)
    return render(
        request,
        "meetings/document_detail.html",
        {
            "document": document,
            "versions": document.versions.select_related("uploaded_by"),
            "can_manage": request.user.has_perm("meetings.manage_library", cluster),
            "form": VersionForm(),
        },
    )


@cluster_view("meetings.manage_library")
def document_version_add(request, cluster, document_id):
    document = selectors.cluster_document_get(cluster=cluster, document_id=document_id)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_version_add(
                document=document,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Den nye version er gemt.")
            return redirect("meetings:document_detail", cluster.slug, document.pk)
    return _form_page(
        request,
        form,
        f"Ny version af {document.title}",
        submit_label="Upload",
        status=400 if request.method == "POST" else 200,
    )


@cluster_view("meetings.view_library")
def document_download(request, cluster, document_id, number):
    document = selectors.cluster_document_get(cluster=cluster, document_id=document_id)
    version = get_object_or_404(document.versions, number=number)
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)


# Calendar ------------------------------------------------------------------------------------------


@login_required
def calendar_settings(request):
    if request.method == "POST":
        if request.POST.get("handling") == "tilbagekald":
            services.calendar_feed_revoke(person=request.user)
            messages.success(request, "Kalenderadressen er tilbagekaldt.")
        else:
            services.calendar_feed_create(person=request.user)
            messages.success(request, "Du har fået en ny kalenderadresse. Den gamle virker ikke længere.")
        return redirect("meetings:calendar_settings")
    feed = selectors.active_feed(person=request.user)
    url = (
        request.build_absolute_uri(reverse("meetings:public_person_feed", args=[feed.token])) if feed else ""
    )
    return render(request, "meetings/calendar_settings.html", {"feed": feed, "url": url})


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def public_person_feed(request, token):
    feed = selectors.feed_by_token(token)
    if feed is None:
        raise Http404("Kalenderen findes ikke")
    meetings = selectors.person_feed_meetings(person=feed.person)
    return _ics_response(calendar.feed_ics(meetings, name=f"Klynge – {feed.person.name}"), "klynge.ics")


def public_cluster_feed(request, slug):
    cluster = public_cluster(slug)
    meetings = selectors.public_meetings(cluster=cluster)
    return _ics_response(calendar.feed_ics(meetings, name=cluster.name), f"{cluster.slug}.ics")


def frontpage_section(request, cluster):
    """»Næste møde«: the next meeting for the person, their answer and a way to answer, its agenda,
    and the two after it. Three queries whatever the size of the cluster."""
    if not request.user.has_perm("meetings.view_meetings", cluster):
        return None
    can_manage = request.user.has_perm("meetings.manage_meetings", cluster)
    meetings = selectors.upcoming_meetings_for(cluster=cluster, person=request.user, board=can_manage)
    invitations = selectors.invitations_of(person=request.user, meetings=meetings)
    next_meeting = meetings[0] if meetings else None
    context = {
        "cluster": cluster,
        "can_manage": can_manage,
        "next_meeting": next_meeting,
        "invitation": invitations.get(next_meeting.pk) if next_meeting else None,
        "answer_choices": Answer.choices,
        "started": next_meeting is not None and next_meeting.starts_at <= timezone.now(),
        "agenda": selectors.meeting_agenda(meeting=next_meeting) if next_meeting else [],
        "later": [(m, invitations.get(m.pk)) for m in meetings[1:]],
    }
    return render_to_string("meetings/_frontpage.html", context, request=request)


def guest_home_section(request):
    """On "Mine klynger": the meetings the person is a guest at (guests have no cluster role), newest first."""
    guestships = selectors.guestships_of(person=request.user, limit=10)
    if not guestships:
        return None
    return render_to_string("meetings/_guest_home.html", {"guestships": guestships}, request=request)
