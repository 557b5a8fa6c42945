"""Public petition pages (no account needed, phone-first, no inline script or
style) and "My teams" in the member portal."""

from __future__ import annotations

import datetime
import logging

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.forms import SessionOutputForm, SignForm
from campaigns.models import (
    Petition,
    Session,
    SessionSignup,
    Team,
    TeamLead,
    TeamMembership,
)
from campaigns.services import (
    CampaignsError,
    petition_ip_allowance_take,
    petition_sign,
    session_output_record,
    session_signup,
    session_signup_cancel,
    team_join,
    team_leave,
    team_membership_from_token,
    teams_joinable,
)
from members.models import Person
from members.portal.sections import sections
from members.portal.views import portal_view
from partyhub.actors import actor_of
from partyhub.errors import message_of
from partyhub.links import LinkExpired, LinkInvalid
from partyhub.links import link_problem as shared_link_problem
from partyhub.ratelimit import client_ip
from partyhub.scoping import contact_constituencies, with_contact_visible

log = logging.getLogger(__name__)

_PUBLIC = (Petition.Status.OPEN, Petition.Status.CLOSED, Petition.Status.HANDED_IN)


@require_http_methods(["GET", "POST"])
def petition(request: HttpRequest, slug: str) -> HttpResponse:
    petition = get_object_or_404(Petition, slug=slug, status__in=_PUBLIC)
    if request.method == "POST":
        if not petition_ip_allowance_take(ip=client_ip(request)):
            return render(
                request,
                "campaigns/petition_too_many.html",
                {"petition": petition},
                status=429,
            )
        form = SignForm(request.POST)
        if form.looks_like_a_bot():
            log.info("Petition signature treated as a bot: nothing stored")
            return redirect("campaigns:petition_thanks", slug=petition.slug)
        if form.is_valid():
            try:
                petition_sign(petition=petition, data=form.sign_data())
            except CampaignsError as exc:
                messages.error(request, exc.messages[0])
            else:
                return redirect("campaigns:petition_thanks", slug=petition.slug)
    else:
        form = SignForm()
    return render(
        request,
        "campaigns/petition.html",
        {
            "petition": petition,
            "form": form,
            "count": petition.signatures.count(),
            "is_open": petition.status == Petition.Status.OPEN,
        },
    )


def petition_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    petition = get_object_or_404(Petition, slug=slug, status__in=_PUBLIC)
    return render(request, "campaigns/petition_thanks.html", {"petition": petition})


# --- "My teams" in the member portal ---------------------------------------------


@portal_view
def mine(request: HttpRequest, person: Person) -> HttpResponse:
    teams = list(
        Team.objects.filter(members=person)
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=Session.objects.filter(
                    starts__gt=timezone.now(), status=Session.Status.PLANNED
                ).order_by("starts"),
                to_attr="upcoming",
            )
        )
        .order_by("name")
    )
    led = set(
        Team.leads.through.objects.filter(person=person).values_list(
            "team_id", flat=True
        )
    )
    # The lead's latest sessions, to record who came and what was done.
    to_record = (
        Session.objects.filter(
            team_id__in=led,
            starts__lte=timezone.now(),
            starts__gte=timezone.now() - datetime.timedelta(days=14),
        )
        .exclude(status=Session.Status.CANCELLED)
        .select_related("team")
        .order_by("-starts")
    )
    signed_up = set(
        SessionSignup.objects.filter(
            person=person, session__starts__gt=timezone.now()
        ).values_list("session_id", flat=True)
    )
    for team in teams:
        team.is_lead = team.pk in led
        team.upcoming = team.upcoming[:6]
    return render(
        request,
        "campaigns/mine.html",
        {
            "person": person,
            "sections": sections(),
            "teams": teams,
            "signed_up": signed_up,
            "joinable": teams_joinable(person),
            "to_record": to_record,
        },
    )


@require_POST
@portal_view
def join(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    # Teams of the member's own constituency; a second click on Join is harmless.
    teams = Team.objects.filter(
        Q(constituencies=person.constituency_id) | Q(members=person)
    ).distinct()
    team = get_object_or_404(teams, pk=pk)
    team_join(team=team, person=person, actor=actor_of(request))
    messages.success(request, _("You are on the team: welcome."))
    return redirect("campaigns:mine")


@require_POST
@portal_view
def leave(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk, members=person)
    team_leave(team=team, person=person, actor=actor_of(request))
    messages.success(request, _("You have left the team."))
    return redirect("campaigns:mine")


@require_POST
@portal_view
def signup(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk, team__members=person)
    if request.POST.get("cancel"):
        session_signup_cancel(session=session, person=person, actor=actor_of(request))
        messages.success(request, _("You are no longer signed up."))
        return redirect("campaigns:mine")
    try:
        session_signup(session=session, person=person, actor=actor_of(request))
    except CampaignsError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, _("Thank you: see you there."))
    return redirect("campaigns:mine")


@portal_view
def team_contacts(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The team's contact details, for its leads only: anyone else gets 404."""
    team = get_object_or_404(Team, pk=pk, leads=person)
    # Contact details only of the people whose own CLP's officers appointed this
    # lead; on a team shared with another CLP, its people by name only.
    visible = contact_constituencies(TeamLead.objects.filter(team=team, person=person))
    members = with_contact_visible(
        team.members.order_by("first_name", "last_name"), visible
    )
    return render(
        request,
        "campaigns/team_contacts.html",
        {"person": person, "sections": sections(), "team": team, "members": members},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def session_record(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The lead's phone page after a session: who came and what was done."""
    session = get_object_or_404(
        Session.objects.select_related("team"), pk=pk, team__leads=person
    )
    output = getattr(session, "output", None)
    initial = {}
    if output is not None:
        initial = {
            f: getattr(output, f)
            for f in ("leaflets", "doors", "calls", "posters", "contacts", "notes")
        }
        initial["ward"] = output.ward_id
    if request.method == "POST":
        form = SessionOutputForm(request.POST, session=session)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session_output_record(
                    session=session,
                    actor=actor_of(request),
                    attended=list(data["attended"]),
                    leaflets=data["leaflets"],
                    doors=data["doors"],
                    calls=data["calls"],
                    posters=data["posters"],
                    contacts=data["contacts"],
                    notes=data["notes"],
                    ward=data["ward"],
                )
            except CampaignsError as exc:
                messages.error(request, message_of(exc))
            else:
                messages.success(request, _("Thank you: the session is recorded."))
                return redirect("campaigns:mine")
    else:
        form = SessionOutputForm(initial=initial, session=session)
    return render(
        request,
        "campaigns/session_record.html",
        {"person": person, "sections": sections(), "session": session, "form": form},
    )


# --- sessions from a signed link (no login) -------------------------------------------


@require_http_methods(["GET", "POST"])
def link_sessions(request: HttpRequest, token: str) -> HttpResponse:
    """The team's next sessions for the one person the link was made for."""
    try:
        membership = team_membership_from_token(token)
    except LinkExpired:
        return link_problem(request, expired=True)
    except (LinkInvalid, TeamMembership.DoesNotExist):
        return link_problem(request, expired=False)
    team, person = membership.team, membership.person
    upcoming = Session.objects.filter(
        team=team, starts__gt=timezone.now(), status=Session.Status.PLANNED
    ).order_by("starts")
    if request.method == "POST":
        session = get_object_or_404(upcoming, pk=request.POST.get("session") or 0)
        if request.POST.get("cancel"):
            session_signup_cancel(session=session, person=person, actor=None)
            messages.success(request, _("You are no longer signed up."))
        else:
            try:
                session_signup(session=session, person=person, actor=None)
            except CampaignsError as exc:
                messages.error(request, message_of(exc))
            else:
                messages.success(request, _("Thank you: see you there."))
        return redirect("campaigns:link_sessions", token=token)
    signed_up = set(
        SessionSignup.objects.filter(person=person, session__in=upcoming).values_list(
            "session_id", flat=True
        )
    )
    return render(
        request,
        "campaigns/link_sessions.html",
        {
            "team": team,
            "person": person,
            "sessions": upcoming[:12],
            "signed_up": signed_up,
        },
    )


def link_problem(request: HttpRequest, *, expired: bool) -> HttpResponse:
    """The shared page (partyhub.links.link_problem) for a campaigns link that has
    expired (410) or was altered (400)."""
    return shared_link_problem(
        request,
        "expired" if expired else "invalid",
        what_next=_(
            "Ask the local party for a new link, or log in to the member portal if "
            "you have an account."
        ),
        next_url=reverse("portal:home"),
        next_label=_("Log in to the member portal"),
    )
