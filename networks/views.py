"""The portal's "my networks": join and leave, the discussion, comments on open
consultations; a co-ordinator (or an officer of a CLP the network spans) downloads
the collated submission. Every page works on request.user.person."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Person
from members.portal.sections import sections
from members.portal.views import portal_view
from networks import selectors, services
from networks.forms import SubmissionForm
from networks.models import (
    Consultation,
    Network,
    NetworkCoordinator,
    NetworkMembership,
    Post,
    Section,
    Submission,
    Thread,
)
from partyhub.actors import actor_of
from partyhub.admin_site import officer_powers, officer_two_factor_required
from partyhub.errors import message_of
from partyhub.links import LinkExpired, LinkInvalid, link_problem_for, read_token
from partyhub.scoping import constituency_ids, contact_constituencies


def _page(request: HttpRequest, template: str, person: Person, **context):
    return render(
        request, template, {"person": person, "sections": sections(), **context}
    )


def _network_for_member(person: Person, pk: int) -> Network:
    network = get_object_or_404(Network, pk=pk)
    if not services.may_take_part(network, person):
        raise Http404
    return network


@portal_view
def mine(request: HttpRequest, person: Person) -> HttpResponse:
    return _page(
        request,
        "networks/mine.html",
        person,
        memberships=selectors.memberships_joined(person),
        digest_choices=NetworkMembership.Digest.choices,
        pending=selectors.networks_pending(person),
        joinable=selectors.networks_joinable(person),
    )


@portal_view
@require_POST
def digest(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        NetworkMembership, pk=pk, person=person, status=NetworkMembership.Status.ACTIVE
    )
    try:
        services.membership_digest_set(
            membership=membership,
            digest=request.POST.get("digest", ""),
            actor=actor_of(request),
        )
    except services.NetworkError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, _("Your email digest choice is saved."))
    return redirect("networks:mine")


@portal_view
@require_POST
def join(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    network = get_object_or_404(Network, pk=pk)
    try:
        membership = services.network_join(
            network=network, person=person, actor=actor_of(request)
        )
    except services.NetworkError as exc:
        messages.error(request, message_of(exc))
    else:
        if membership.status == membership.Status.PENDING:
            messages.info(request, _("Your request was sent to the co-ordinators."))
        else:
            messages.success(request, _("You have joined %(n)s.") % {"n": network})
    return redirect("networks:mine")


@portal_view
@require_POST
def leave(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    network = get_object_or_404(Network, pk=pk)
    services.network_leave(network=network, person=person, actor=actor_of(request))
    messages.success(request, _("You have left %(n)s.") % {"n": network})
    return redirect("networks:mine")


@portal_view
def network_detail(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    network = _network_for_member(person, pk)
    is_coordinator = services.is_coordinator(network, person)
    if request.method == "POST":
        try:
            thread = services.thread_create(
                network=network,
                author=person,
                title=request.POST.get("title", "").strip()[:200] or _("(no title)"),
                body=request.POST.get("body", ""),
                actor=actor_of(request),
            )
        except services.NetworkError as exc:
            messages.error(request, message_of(exc))
        else:
            return redirect("networks:thread", pk=network.pk, thread_pk=thread.pk)
    return _page(
        request,
        "networks/detail.html",
        person,
        network=network,
        threads=(
            network.threads.all()
            if is_coordinator
            else services.visible_threads(network.threads.all())
        ).select_related("author"),
        consultations=selectors.open_consultations(network),
        reading_list=network.reading_list.all(),
        meetings=selectors.study_meetings(network),
        is_coordinator=is_coordinator,
        may_manage=_may_manage(request, person, network, _INVITE),
        # A co-ordinator (not necessarily an officer) sees who asked to join: a
        # name and a CLP, no contact details.
        pending=network.memberships.filter(
            status=NetworkMembership.Status.PENDING
        ).select_related("person__constituency")
        if is_coordinator
        else [],
    )


@portal_view
@require_POST
def approve(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        NetworkMembership.objects.select_related("network"), pk=pk
    )
    if not services.is_coordinator(membership.network, person):
        raise Http404
    try:
        services.network_membership_approve(
            membership=membership, actor=actor_of(request)
        )
    except services.NetworkError as exc:
        messages.error(request, message_of(exc))
    return redirect("networks:detail", pk=membership.network_id)


@portal_view
def thread_detail(
    request: HttpRequest, person: Person, pk: int, thread_pk: int
) -> HttpResponse:
    network = _network_for_member(person, pk)
    thread = get_object_or_404(Thread, pk=thread_pk, network=network)
    is_coordinator = services.is_coordinator(network, person)
    if not is_coordinator and not services.thread_is_visible(thread):
        raise Http404  # a co-ordinator hid its opening post
    if request.method == "POST":
        try:
            services.post_create(
                thread=thread,
                author=person,
                body=request.POST.get("body", ""),
                actor=actor_of(request),
            )
        except services.NetworkError as exc:
            messages.error(request, message_of(exc))
        return redirect("networks:thread", pk=network.pk, thread_pk=thread.pk)
    posts = (
        thread.posts.select_related("author")
        if is_coordinator
        else services.visible_posts(thread)
    )
    return _page(
        request,
        "networks/thread.html",
        person,
        network=network,
        thread=thread,
        posts=posts,
        is_coordinator=is_coordinator,
        editable={p.pk for p in posts if services.post_editable(p, person)},
    )


@portal_view
@require_POST
def post_moderate(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("thread__network"), pk=pk)
    network = post.thread.network
    if not services.is_coordinator(network, person):
        raise Http404
    services.post_hide(
        post=post,
        moderator=person,
        actor=actor_of(request),
        hidden=request.POST.get("hidden") != "0",
    )
    return redirect("networks:thread", pk=network.pk, thread_pk=post.thread_id)


@portal_view
def consultation_detail(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    consultation = selectors.get_consultation_for_person(person, pk)
    if consultation is None:
        raise Http404
    if request.method == "POST":
        section_id = request.POST.get("section", "")
        section = get_object_or_404(
            Section,
            pk=int(section_id) if section_id.isdigit() else 0,
            consultation=consultation,
        )
        try:
            services.comment_create(
                section=section,
                person=person,
                body=request.POST.get("body", ""),
                actor=actor_of(request),
            )
        except services.NetworkError as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(request, _("Thank you: your comment is recorded."))
        return redirect("networks:consultation", pk=consultation.pk)
    return _page(
        request,
        "networks/consultation.html",
        person,
        consultation=consultation,
        sections=consultation.sections.prefetch_related("comments__person"),
        is_open=services.consultation_is_open(consultation),
        is_coordinator=services.is_coordinator(consultation.network, person),
        may_manage=_may_manage(request, person, consultation.network, _DRAFT),
    )


# What an officer (not a co-ordinator) needs beyond holding office in a CLP the
# network spans: the permissions the network editors' roles have.
_INVITE = "networks.change_network"
_DRAFT = "networks.change_submission"
_EXPORT = "networks.view_submission"


def _may_manage(
    request: HttpRequest, person: Person, network: Network, perm: str
) -> bool:
    """A co-ordinator, or an officer of a CLP the network spans whose role gives
    `perm`."""
    if services.is_coordinator(network, person):
        return True
    if not officer_powers(request.user) or not request.user.has_perm(perm):
        return False
    ids = constituency_ids(request.user)
    if ids is None:
        return True
    return bool(ids) and network.constituencies.filter(pk__in=ids).exists()


def _viewer_constituencies(
    request: HttpRequest, person: Person, network: Network
) -> frozenset | None:
    """Whose details the viewer may see: their officer scope (with two-factor),
    and for a co-ordinator the CLPs whose officers appointed them."""
    ids = (
        constituency_ids(request.user) if officer_powers(request.user) else frozenset()
    )
    if ids is None:
        return None
    appointed = contact_constituencies(
        NetworkCoordinator.objects.filter(network=network, person=person)
    )
    return frozenset(ids) | appointed


def _managed_consultation(request: HttpRequest, person: Person, pk: int, perm: str):
    consultation = get_object_or_404(
        Consultation.objects.select_related("network"), pk=pk
    )
    if not _may_manage(request, person, consultation.network, perm):
        raise PermissionDenied
    return consultation


@portal_view
@officer_two_factor_required
def consultation_export(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    consultation = _managed_consultation(request, person, pk, _EXPORT)
    document = services.consultation_submission_export(
        consultation=consultation, actor=actor_of(request)
    )
    response = HttpResponse(document, content_type="application/msword")
    response["Content-Disposition"] = (
        f'attachment; filename="submission-{consultation.pk}.doc"'
    )
    return response


@portal_view
@officer_two_factor_required
def consultation_pdf(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    consultation = _managed_consultation(request, person, pk, _EXPORT)
    document = services.submission_pdf(
        consultation=consultation, actor=actor_of(request)
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="submission-{consultation.pk}.pdf"'
    )
    return response


@portal_view
@officer_two_factor_required
def submission_edit(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The co-ordinator drafts the network's response, section by section, with
    the members' comments beside each box (pre-filled from them at first)."""
    consultation = _managed_consultation(request, person, pk, _DRAFT)
    sections = list(
        consultation.sections.prefetch_related("comments__person").order_by(
            "number", "pk"
        )
    )
    submission = services.submission_for(consultation)
    form = SubmissionForm(
        request.POST or None, sections=sections, submission=submission
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.submission_save(
                consultation=consultation,
                introduction=form.cleaned_data["introduction"],
                texts=form.section_texts(),
                drafter=person,
                actor=actor_of(request),
                submit=submit,
            )
        except services.NetworkError as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(
                request,
                _("The submission is recorded as sent.")
                if submit
                else _("Draft saved."),
            )
            return redirect("networks:submission", pk=consultation.pk)
    return _page(
        request,
        "networks/submission_edit.html",
        person,
        consultation=consultation,
        submission=submission,
        form=form,
        rows=[(section, form[f"section_{section.pk}"]) for section in sections],
        locked=bool(submission and submission.status == Submission.Status.SUBMITTED),
    )


@portal_view
@officer_two_factor_required
def network_invite(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """People the register of interests suggests inviting; one button each."""
    network = get_object_or_404(Network, pk=pk)
    if not _may_manage(request, person, network, _INVITE):
        raise Http404
    suggestions = selectors.invite_suggestions(
        network, _viewer_constituencies(request, person, network)
    )
    if request.method == "POST":
        chosen = next(
            (p for p in suggestions if str(p.pk) == request.POST.get("person")), None
        )
        if chosen is None:
            raise Http404
        try:
            services.network_invite(
                network=network, person=chosen, inviter=person, actor=actor_of(request)
            )
        except services.NetworkError as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(name)s.")
                % {"name": chosen.full_name},
            )
        return redirect("networks:invite", pk=network.pk)
    return _page(
        request,
        "networks/invite.html",
        person,
        network=network,
        suggestions=suggestions,
        interests=network.interests.all(),
    )


@portal_view
def post_edit_view(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    # Only the author's own posts: anyone else's answers 404.
    post = get_object_or_404(
        Post.objects.select_related("thread__network"), pk=pk, author=person
    )
    network = post.thread.network
    back = redirect("networks:thread", pk=network.pk, thread_pk=post.thread_id)
    if request.method == "POST":
        try:
            services.post_edit(
                post=post,
                author=person,
                body=request.POST.get("body", ""),
                actor=actor_of(request),
            )
        except services.NetworkError as exc:
            messages.error(request, message_of(exc))
        return back
    if not services.post_editable(post, person):
        messages.error(request, _("This post can no longer be edited."))
        return back
    return _page(request, "networks/post_edit.html", person, post=post)


def join_link(request: HttpRequest, token: str) -> HttpResponse:
    """Join from a signed link (no login: supporters have none). A GET only shows
    the button, so a mail scanner following links joins nobody."""
    try:
        payload = read_token(
            token, services.NETWORK_JOIN_PURPOSE, max_age=services.JOIN_LINK_MAX_AGE
        )
    except LinkInvalid as exc:
        raise Http404 from exc
    except LinkExpired as exc:
        return link_problem_for(
            request,
            exc,
            what_next=_(
                "Ask the network's co-ordinator for a new invitation, or log in to "
                "the member portal and join from My networks."
            ),
        )
    person = get_object_or_404(Person, pk=payload["p"])
    network = get_object_or_404(Network, pk=payload["n"])
    context = {"network": network, "person": person}
    if request.method == "POST" and request.POST.get("action") == "leave":
        # A supporter has no login: the same link lets them leave again.
        services.network_leave(network=network, person=person, actor=None)
        context["left"] = True
    elif request.method == "POST":
        try:
            context["membership"] = services.network_join(
                network=network, person=person, actor=None
            )
        except services.NetworkError as exc:
            context["error"] = message_of(exc)
    else:
        context["current"] = (
            network.memberships.filter(person=person)
            .exclude(status=NetworkMembership.Status.LEFT)
            .first()
        )
    return render(request, "networks/join_link.html", context)
