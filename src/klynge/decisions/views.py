"""Pages of the decisions capability. Thin: forms and selectors in, services out."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from klynge.core import dates, tenancy
from klynge.core.form_errors import add_service_errors, error_text, form_status
from klynge.core.frontpage import Waiting
from klynge.core.selectors import cluster_board, cluster_practices
from klynge.core.tenancy import cluster_view
from klynge.meetings import selectors as meeting_selectors
from klynge.meetings.services import proposal_deadline

from . import results, selectors, services
from .forms import CharterForm, MotionForm, PollForm, ProxyForm, RecordPollForm
from .models import CharterKind, MotionStatus, Poll, PollKind, PollStatus
from .rules import voters_of


def _can_manage(request, cluster) -> bool:
    return request.user.has_perm("decisions.manage", cluster)


def result_rows(poll: Poll) -> list[dict]:
    """(label, votes, share of votes cast) from the decision; abstentions are not part of the share."""
    decision = getattr(poll, "decision", None)
    if decision is None:
        return []
    counts = decision.counts.get("counts", {})
    if poll.kind == PollKind.YES_NO:
        labels = {o.code: o.label for o in poll.options.all()}
        cast = counts.get("yes", 0) + counts.get("no", 0)
        return [
            {
                "label": labels.get(code, code),
                "votes": n,
                "share": results.percent_text(n, cast) if code != "abstain" else "–",
            }
            for code, n in counts.items()
        ]
    cast = sum(counts.values())
    return [
        {"label": label, "votes": n, "share": results.percent_text(n, cast)}
        for label, n in sorted(counts.items(), key=lambda item: -item[1])
    ]


# Polls ---------------------------------------------------------------------------------------------


@cluster_view("decisions.view")
def poll_list(request, cluster):
    services.polls_close_due(cluster=cluster)
    polls = selectors.cluster_polls(cluster=cluster)
    if not _can_manage(request, cluster):
        polls = polls.exclude(status=PollStatus.DRAFT)
    return render(
        request, "decisions/poll_list.html", {"polls": polls, "can_manage": _can_manage(request, cluster)}
    )


def _poll_form(cluster, data=None, poll: Poll | None = None, *, form_class=None, initial=None):
    initial = {"majority": cluster.default_majority, **(initial or {})}
    if poll is not None:
        effect = poll.effect or {}
        initial = {
            "question": poll.question,
            "description": poll.description,
            "kind": poll.kind,
            "options": "\n".join(o.label for o in poll.options.all()) if poll.kind != PollKind.YES_NO else "",
            "seats": poll.seats,
            "alternates": poll.alternates,
            "secret": poll.secret,
            "majority": poll.majority,
            "meeting": poll.meeting_id,
            "agenda_item": poll.agenda_item_id,
            "motion": poll.motion_id,
            "closes_at": timezone.localtime(poll.closes_at) if poll.closes_at else None,
            "effect_kind": effect.get("kind", ""),
            "effect_applies_if": poll.applies_if,
            "effect_practice": str(effect.get("practice_id") or ""),
            "effect_ends_on": effect.get("ends_on"),
            "effect_until_next_ga": effect.get("until_next_general_assembly", False),
            "effect_charter_kind": effect.get("charter_kind", ""),
            "effect_text": effect.get("text", ""),
            "effect_open_data": effect.get("open_data", False),
            "effect_reason": effect.get("reason", ""),
        }
    meetings = meeting_selectors.cluster_meetings(cluster=cluster).exclude(status="cancelled")
    return (form_class or PollForm)(
        data,
        meetings=meetings,
        motions=selectors.cluster_motions(cluster=cluster).exclude(status=MotionStatus.WITHDRAWN),
        agenda_items=meeting_selectors.agenda_items_of(meetings=meetings),
        practices=cluster_practices(cluster=cluster),
        initial=initial,
    )


def _initial_from_agenda(request, cluster) -> dict:
    """»Ny afstemning« from an agenda item: the item and its meeting are chosen already."""
    item_id = request.GET.get("punkt", "")
    item = (
        meeting_selectors.cluster_agenda_item(cluster=cluster, item_id=item_id) if item_id.isdigit() else None
    )
    return {"agenda_item": item.pk, "meeting": item.meeting_id, "question": item.title} if item else {}


@cluster_view("decisions.manage")
def poll_create(request, cluster):
    form = _poll_form(cluster, request.POST or None, initial=_initial_from_agenda(request, cluster))
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.poll_create(cluster=cluster, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Afstemningen er oprettet som kladde.")
            return redirect("decisions:poll_detail", slug=cluster.slug, poll_id=poll.pk)
    context = {"form": form, "title": "Ny afstemning"}
    return render(request, "core/form_page.html", context, status=form_status(form))


@cluster_view("decisions.manage")
def poll_record(request, cluster):
    """A vote already held, recorded with its counts (marked as recorded afterwards)."""
    form = _poll_form(
        cluster,
        request.POST or None,
        form_class=RecordPollForm,
        initial=_initial_from_agenda(request, cluster),
    )
    context = {
        "form": form,
        "title": "Registrér en afstemning, der er holdt",
        "intro": "Til en afstemning fra før klyngen brugte Klynge, eller en afstemning på papir. Skriv "
        "stemmetallene, som de var. Stemmeretten følger, hvem der havde stemmeret og var tjekket ind den dag, "
        "så registrér mødets fremmøde først. Afstemningen vises som registreret efterfølgende.",
    }
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.poll_record(cluster=cluster, by=request.user, **form.record_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Afstemningen er registreret, og beslutningen står i protokollen.")
            return redirect("decisions:poll_detail", slug=cluster.slug, poll_id=decision.poll_id)
    return render(request, "core/form_page.html", context, status=form_status(form))


@cluster_view("decisions.manage")
def poll_edit(request, cluster, poll_id):
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    if poll.status != PollStatus.DRAFT:
        messages.error(request, "Afstemningen er åbnet; spørgsmål, valgmuligheder og regler kan ikke ændres.")
        return redirect("decisions:poll_detail", slug=cluster.slug, poll_id=poll.pk)
    form = _poll_form(cluster, request.POST or None, poll=poll)
    context = {"form": form, "title": "Ret afstemning"}
    if request.method == "POST":
        if form.is_valid():
            kwargs = form.service_kwargs()
            options = kwargs.pop("options")
            try:
                services.poll_update(
                    poll=poll,
                    options=options if kwargs["kind"] != PollKind.YES_NO else None,
                    effect=kwargs.pop("effect"),
                    **kwargs,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Afstemningen er rettet.")
                return redirect("decisions:poll_detail", slug=cluster.slug, poll_id=poll.pk)
        return render(request, "core/form_page.html", context, status=400)
    return render(request, "core/form_page.html", context)


@cluster_view("decisions.view")
def poll_detail(request, cluster, poll_id):
    poll = services.poll_close_if_due(poll=selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id))
    can_manage = _can_manage(request, cluster)
    if not request.user.has_perm("decisions.view_poll", poll):
        raise Http404("Afstemningen findes ikke")
    result_visible = request.user.has_perm("decisions.view_result", poll)
    context = {
        "poll": poll,
        "options": poll.options.all(),
        "can_manage": can_manage,
        "turnout": selectors.turnout_count(poll),
        "result_visible": result_visible,
        "rows": result_rows(poll) if result_visible else [],
        "decision": getattr(poll, "decision", None),
        "who_voted": selectors.who_voted(poll),
        "open_ballots": selectors.open_ballots(poll),
        "proxies": selectors.poll_proxies(poll),
        # »Gå til stemmesedlen« only for those the service will let vote (decisions/rules.py).
        "can_vote": request.user.has_perm("decisions.cast_vote", poll),
    }
    if can_manage and poll.status == PollStatus.DRAFT:
        context["proxy_form"] = ProxyForm(people=voters_of(cluster=cluster))
    return render(request, "decisions/poll_detail.html", context)


@require_POST
@cluster_view("decisions.manage")
def poll_open(request, cluster, poll_id):
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    try:
        services.poll_open(poll=poll, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Afstemningen er åben. Vælgerne er låst fast.")
    return redirect("decisions:poll_detail", slug=cluster.slug, poll_id=poll.pk)


@require_POST
@cluster_view("decisions.manage")
def poll_close(request, cluster, poll_id):
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    try:
        services.poll_close(poll=poll, by=request.user, casting_vote=request.POST.get("casting_vote", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, "Afstemningen er lukket, og beslutningen er skrevet i beslutningsprotokollen."
        )
    return redirect("decisions:poll_detail", slug=cluster.slug, poll_id=poll.pk)


@require_POST
@cluster_view("decisions.manage")
def poll_publish(request, cluster, poll_id):
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    try:
        services.poll_publish(poll=poll)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Resultatet er offentliggjort for klyngens medlemmer.")
    return redirect("decisions:poll_detail", slug=cluster.slug, poll_id=poll.pk)


@require_POST
@cluster_view("decisions.manage")
def proxy_add(request, cluster, poll_id):
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    people = voters_of(cluster=cluster)
    form = ProxyForm(request.POST, people=people)
    if form.is_valid():
        by_id = {str(p.pk): p for p in people}
        try:
            services.proxy_register(
                poll=poll,
                giver=by_id[form.cleaned_data["giver"]],
                holder=by_id[form.cleaned_data["holder"]],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Fuldmagten er registreret.")
            return redirect("decisions:poll_detail", slug=cluster.slug, poll_id=poll.pk)
    return render(request, "core/form_page.html", {"form": form, "title": "Registrér fuldmagt"}, status=400)


# Live voting ---------------------------------------------------------------------------------------


def _vote_context(request, cluster, poll, *, receipt=None, error=None):
    poll = services.poll_close_if_due(poll=poll)
    votes = selectors.my_votes(poll=poll, person=request.user) if poll.status != PollStatus.DRAFT else []
    pending = [v for v in votes if not v["voted"]] if poll.status == PollStatus.OPEN else []
    return {
        "poll": poll,
        "options": poll.options.all(),
        "votes": votes,
        "pending": pending,
        "gave_proxy": selectors.gave_proxy(poll=poll, person=request.user),
        "receipt": receipt,
        "error": error,
        "rows": result_rows(poll) if poll.status == PollStatus.PUBLISHED else [],
        "decision": getattr(poll, "decision", None),
        # Keep asking while something can still change without the voter doing anything.
        "poll_again": poll.status == PollStatus.DRAFT
        or (poll.status == PollStatus.OPEN and not pending)
        or poll.status == PollStatus.CLOSED,
        "cluster": cluster,
    }


# The ballot page and its live panel: for those who may vote (decisions/rules.py).
ballot_view = cluster_view("decisions.open_ballot", target=selectors.cluster_poll_get, key="poll_id")


@ballot_view
def poll_vote(request, cluster, poll):
    receipt = error = None
    status = 200
    if request.method == "POST":
        on_behalf_of = None
        behalf_id = request.POST.get("on_behalf_of")
        if behalf_id and behalf_id != str(request.user.pk):
            on_behalf_of = next(
                (
                    v["person"]
                    for v in selectors.my_votes(poll=poll, person=request.user)
                    if str(v["person"].pk) == behalf_id
                ),
                None,
            )
            if on_behalf_of is None:
                raise Http404("Ingen fuldmagt")
        try:
            services.vote_cast(
                poll=poll,
                person=request.user,
                option_ids=request.POST.getlist("choice"),
                on_behalf_of=on_behalf_of,
            )
        except ValidationError as error_:
            error = " ".join(error_.messages)
            status = 400
        else:
            name = on_behalf_of.name if on_behalf_of else None
            receipt = {"at": timezone.localtime(), "for": name}
        poll.refresh_from_db()
    context = _vote_context(request, cluster, poll, receipt=receipt, error=error)
    if request.htmx:
        # htmx swaps only 2xx answers by default; the error is part of the panel, so answer 200.
        return render(request, "decisions/_vote_panel.html", context)
    return render(request, "decisions/poll_vote.html", context, status=status)


@ballot_view
def poll_vote_panel(request, cluster, poll):
    return render(request, "decisions/_vote_panel.html", _vote_context(request, cluster, poll))


def _screen_context(cluster, poll):
    poll = services.poll_close_if_due(poll=poll)
    return {
        "poll": poll,
        "turnout": selectors.turnout_count(poll),
        "rows": result_rows(poll) if poll.is_finished else [],
        "decision": getattr(poll, "decision", None) if poll.is_finished else None,
        "cluster": cluster,
    }


@cluster_view("decisions.manage")
def poll_screen(request, cluster, poll_id):
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    return render(request, "decisions/poll_screen.html", _screen_context(cluster, poll))


@cluster_view("decisions.manage")
def poll_screen_panel(request, cluster, poll_id):
    poll = selectors.cluster_poll_get(cluster=cluster, poll_id=poll_id)
    return render(request, "decisions/_screen_panel.html", _screen_context(cluster, poll))


# Decisions -----------------------------------------------------------------------------------------


@cluster_view("decisions.view")
def decision_list(request, cluster):
    decisions = selectors.cluster_decisions(cluster=cluster, published_only=not _can_manage(request, cluster))
    return render(request, "decisions/decision_list.html", {"decisions": decisions})


@cluster_view("decisions.view")
def decision_detail(request, cluster, decision_id):
    decision = selectors.cluster_decision_get(cluster=cluster, decision_id=decision_id)
    if decision.poll and not request.user.has_perm("decisions.view_result", decision.poll):
        raise Http404("Beslutningen er ikke offentliggjort")
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "rows": result_rows(decision.poll) if decision.poll else [],
            "charter_versions": decision.charter_versions.all(),
        },
    )


# Motions -------------------------------------------------------------------------------------------


@cluster_view("decisions.view")
def motion_list(request, cluster):
    return render(
        request,
        "decisions/motion_list.html",
        {
            "motions": selectors.cluster_motions(cluster=cluster),
            "assemblies": [
                (m, proposal_deadline(m))
                for m in selectors.general_assemblies(cluster=cluster, upcoming=True)
            ],
            "can_submit": request.user.has_perm("decisions.submit_motion", cluster),
            "can_manage": _can_manage(request, cluster),
        },
    )


@cluster_view("decisions.submit_motion")
def motion_create(request, cluster):
    can_manage = _can_manage(request, cluster)
    form = MotionForm(
        request.POST or None,
        request.FILES or None,
        meetings=selectors.general_assemblies(cluster=cluster, upcoming=True),
        can_manage=can_manage,
    )
    deadlines = "; ".join(
        f"{m.display_name}: frist {dates.short_date_time(proposal_deadline(m))}"
        for m in selectors.general_assemblies(cluster=cluster, upcoming=True)
    )
    context = {
        "form": form,
        "title": "Stil forslag til generalforsamlingen",
        "intro": f"Forslag skal være modtaget senest {cluster.motion_deadline_days} dage før generalforsamlingen. "
        + (deadlines or "Der er ingen kommende generalforsamling."),
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                motion = services.motion_create(
                    cluster=cluster,
                    meeting=form.cleaned_data["meeting"],
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    submitter=request.user,
                    by_board=can_manage and form.cleaned_data.get("by_board", False),
                    attachments=[(f.name, f.read()) for f in form.cleaned_data["attachments"]],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Forslaget er modtaget. Bestyrelsen sætter det på dagsordenen.")
                return redirect("decisions:motion_detail", slug=cluster.slug, motion_id=motion.pk)
        return render(request, "core/form_page.html", context, status=400)
    return render(request, "core/form_page.html", context)


@cluster_view("decisions.view")
def motion_detail(request, cluster, motion_id):
    motion = selectors.cluster_motion_get(cluster=cluster, motion_id=motion_id)
    return render(
        request,
        "decisions/motion_detail.html",
        {
            "motion": motion,
            "attachments": motion.attachments.all(),
            "polls": motion.polls.exclude(status=PollStatus.DRAFT),
            "can_manage": _can_manage(request, cluster),
        },
    )


@cluster_view("decisions.view")
def motion_attachment(request, cluster, motion_id, attachment_id):
    motion = selectors.cluster_motion_get(cluster=cluster, motion_id=motion_id)
    attachment = selectors.motion_attachment_get(cluster=cluster, attachment_id=attachment_id)
    if attachment.motion_id != motion.pk:
        raise Http404("Bilaget findes ikke")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


@require_POST
@cluster_view("decisions.manage")
def motion_to_agenda(request, cluster, motion_id):
    motion = selectors.cluster_motion_get(cluster=cluster, motion_id=motion_id)
    try:
        services.motion_place_on_agenda(motion=motion, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Forslaget er sat på generalforsamlingens dagsorden.")
    return redirect("decisions:motion_detail", slug=cluster.slug, motion_id=motion.pk)


# Charter documents ---------------------------------------------------------------------------------


def _kind_or_404(kind: str) -> str:
    if kind not in CharterKind.values:
        raise Http404("Ukendt dokument")
    return kind


@cluster_view("decisions.view")
def charter_list(request, cluster):
    return render(
        request,
        "decisions/charter_list.html",
        {
            "documents": selectors.charter_documents(cluster=cluster),
            "can_manage": _can_manage(request, cluster),
        },
    )


@cluster_view("decisions.view")
def charter_detail(request, cluster, kind):
    kind = _kind_or_404(kind)
    versions = list(selectors.charter_versions(cluster=cluster, kind=kind))
    return render(
        request,
        "decisions/charter_detail.html",
        {
            "kind": kind,
            "label": CharterKind(kind).label,
            "versions": versions,
            "current": versions[0] if versions else None,
        },
    )


@cluster_view("decisions.view")
def charter_compare(request, cluster, kind):
    kind = _kind_or_404(kind)
    versions = {v.number: v for v in selectors.charter_versions(cluster=cluster, kind=kind)}
    try:
        old = versions[int(request.GET.get("fra", ""))]
        new = versions[int(request.GET.get("til", ""))]
    except (KeyError, ValueError):
        if len(versions) < 2:
            raise Http404("Der er kun én version")
        numbers = sorted(versions)
        old, new = versions[numbers[-2]], versions[numbers[-1]]
    return render(
        request,
        "decisions/charter_compare.html",
        {
            "label": CharterKind(kind).label,
            "kind": kind,
            "old": old,
            "new": new,
            "diff": selectors.charter_diff(old, new),
            "numbers": sorted(versions),
        },
    )


@cluster_view("decisions.manage")
def charter_add(request, cluster):
    form = CharterForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                version = services.charter_adopt(cluster=cluster, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Versionen er registreret.")
                return redirect("decisions:charter_detail", slug=cluster.slug, kind=version.kind)
        return render(
            request,
            "core/form_page.html",
            {"form": form, "title": "Registrér en tidligere vedtaget version"},
            status=400,
        )
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Registrér en tidligere vedtaget version",
            "intro": "Nye versioner vedtages normalt ved en afstemning med virkningen »Vedtag ny version«.",
        },
    )


# Public page ---------------------------------------------------------------------------------------


def public_cluster(request, slug):
    cluster = tenancy.public_cluster(slug)
    values = selectors.charter_current(cluster=cluster, kind=CharterKind.VALUES)
    return render(
        request,
        "decisions/public_cluster.html",
        {
            "public_cluster": cluster,
            "values": values,
            "board": cluster_board(cluster=cluster),
            "meetings": selectors.public_meetings(cluster=cluster),
        },
    )


# Front page ----------------------------------------------------------------------------------------


def _ballots_waiting(request, cluster) -> list:
    """Asked twice by the front page (»Det venter på dig« and the decisions section): read once."""
    known = request.__dict__.setdefault("_ballots_waiting", {})
    if cluster.pk not in known:
        known[cluster.pk] = selectors.ballots_waiting(cluster=cluster, person=request.user)
    return known[cluster.pk]


def waiting_items(request, cluster) -> list[Waiting]:
    """A vote to cast; for the board, the polls ready to be opened at a coming meeting."""
    if not request.user.has_perm("decisions.view", cluster):
        return []
    items = [
        Waiting(
            kind="Afstemning",
            title=poll.question,
            url=reverse("decisions:poll_vote", args=[cluster.slug, poll.pk]),
            detail=f"åben til {dates.short_date_time(poll.closes_at)}"
            if poll.closes_at
            else f"på {poll.meeting.display_name}"
            if poll.meeting
            else "",
            due=timezone.localtime(poll.closes_at).date() if poll.closes_at else timezone.localdate(),
        )
        for poll in _ballots_waiting(request, cluster)
    ]
    if _can_manage(request, cluster):
        items += [
            Waiting(
                kind="Afstemning klar til at åbne",
                title=poll.question,
                url=reverse("decisions:poll_detail", args=[cluster.slug, poll.pk]),
                detail=f"åbnes på {poll.meeting.display_name}",
                due=timezone.localtime(poll.meeting.starts_at).date(),
            )
            for poll in selectors.polls_ready_to_open(cluster=cluster)
        ]
    return items


def frontpage_section(request, cluster):
    """The latest decisions, and open polls the person has no vote waiting in (those are »Det venter
    på dig«)."""
    if not request.user.has_perm("decisions.view", cluster):
        return None
    waiting = {poll.pk for poll in _ballots_waiting(request, cluster)}
    open_polls = [
        poll
        for poll in selectors.cluster_polls(cluster=cluster).filter(status=PollStatus.OPEN)[:5]
        if poll.pk not in waiting
    ]
    decisions = list(
        selectors.cluster_decisions(cluster=cluster, published_only=not _can_manage(request, cluster))[:3]
    )
    if not open_polls and not decisions:
        return None
    return render_to_string(
        "decisions/_frontpage.html",
        {"open_polls": open_polls, "decisions": decisions, "cluster": cluster},
        request=request,
    )
