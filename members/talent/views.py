"""The portal's "My interests and skills", "Standing for office" and "My forums".

A forum page opens only for the forum's current officers: a forum office gives no
admin access and no view of the CLP, only the forum's members and the contact
details the forum needs. Anyone else gets 404, and says nothing about the forum.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from members.models import (
    Candidate,
    Forum,
    ForumInvitation,
    ForumMembership,
    ForumOfficer,
    Person,
    PersonInterest,
)
from members.portal.views import _page, portal_view
from members.talent import services
from members.talent.forms import ForumMemberAddForm, InterestAddForm, StandingForm
from partyhub.actors import actor_of
from partyhub.comms.models import Channel, ConsentState
from partyhub.links import LinkExpired, LinkInvalid, read_token
from partyhub.ratelimit import hourly_allowance_take
from partyhub.scoping import contact_constituencies, with_contact_visible

# Adding a forum member is a look-up in the CLP's list: enough for a busy evening,
# too few to try membership numbers one after another.
FORUM_LOOKUPS_PER_HOUR = 60

FORUM_INVITED = _lazy(
    "If that is a party member living in one of this forum's constituencies, "
    "we have emailed them an invitation. They join the forum when they accept it."
)


@portal_view
@require_http_methods(["GET", "POST"])
def interests(request: HttpRequest, person: Person) -> HttpResponse:
    form = InterestAddForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        services.person_interest_add(
            person=person,
            interest=form.cleaned_data["interest"],
            detail=form.cleaned_data["detail"],
            source=PersonInterest.Source.SELF,
            actor=actor_of(request),
        )
        messages.success(request, _("Saved: thank you for telling us."))
        return redirect("portal:interests")
    held = person.interests.select_related("interest").order_by("interest__name")
    return _page(request, "portal/interests.html", person, form=form, held=held)


@portal_view
@require_POST
def interest_remove(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    held = get_object_or_404(person.interests.select_related("interest"), pk=pk)
    services.person_interest_remove(held=held, actor=actor_of(request))
    messages.success(request, _("Removed: %(name)s.") % {"name": held.interest.name})
    return redirect("portal:interests")


@portal_view
@require_http_methods(["GET", "POST"])
def standing(request: HttpRequest, person: Person) -> HttpResponse:
    form = StandingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate, created = services.candidate_express_interest(
                person=person,
                office_sought=form.cleaned_data["office_sought"],
                notes=form.cleaned_data["notes"],
                actor=actor_of(request),
            )
        except services.NotFound:
            form.add_error(
                None,
                _(
                    "We do not know which constituency you live in yet. Add your "
                    "postcode on “My details” first."
                ),
            )
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "Thank you. The officers who look after candidates will be "
                        "in touch about what comes next."
                    ),
                )
            else:
                messages.info(request, _("You have already told us about this."))
            return redirect("portal:standing")
    candidacies = (
        person.candidacies.exclude(stage=Candidate.Stage.WITHDRAWN)
        .select_related("constituency", "ward")
        .order_by("created")
    )
    return _page(
        request, "portal/standing.html", person, form=form, candidacies=candidacies
    )


@portal_view
def forums(request: HttpRequest, person: Person) -> HttpResponse:
    memberships = person.forum_memberships.select_related("forum").order_by(
        "forum__name"
    )
    offices = (
        ForumOfficer.objects.current()
        .filter(person=person)
        .select_related("forum")
        .order_by("forum__name")
    )
    return _page(
        request,
        "portal/forums.html",
        person,
        memberships=memberships,
        offices=offices,
    )


def _forum_offices(person: Person, pk: int):
    return ForumOfficer.objects.current().filter(person=person, forum_id=pk)


def _forum_for_officer(person: Person, pk: int) -> Forum:
    """The forum, if `person` is one of its officers today; 404 otherwise."""
    office = _forum_offices(person, pk).select_related("forum").first()
    if office is None:
        raise Http404
    return office.forum


@portal_view
@require_http_methods(["GET", "POST"])
def forum_detail(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    forum = _forum_for_officer(person, pk)
    form = ForumMemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not hourly_allowance_take(
            "forum_member_find", str(request.user.pk), FORUM_LOOKUPS_PER_HOUR
        ):
            form.add_error(
                "identifier",
                _(
                    "You have looked up a lot of people this hour: please try "
                    "again later."
                ),
            )
        else:
            services.forum_member_invite(
                forum=forum,
                identifier=form.cleaned_data["identifier"],
                last_name=form.cleaned_data["last_name"],
                inviter=person,
                actor=actor_of(request),
            )
            # The same answer whoever was named: the page must not tell a forum
            # officer whether an address or number belongs to a party member.
            messages.info(request, FORUM_INVITED)
            return redirect("portal:forum", pk=forum.pk)
    # Someone who told us "no contact at all" is listed without their details.
    no_contact = ConsentState.objects.filter(
        person=OuterRef("person"), channel=Channel.ANY, topic="", granted=False
    )
    # Contact details only of the people whose own CLP's officers appointed this
    # forum officer; everyone else in a shared forum by name only.
    visible = contact_constituencies(_forum_offices(person, forum.pk))
    members = with_contact_visible(
        ForumMembership.objects.filter(forum=forum)
        .select_related("person", "person__ward")
        .annotate(no_contact=Exists(no_contact))
        .order_by("person__last_name", "person__first_name", "pk"),
        visible,
        person_path="person",
    )
    return _page(
        request, "portal/forum.html", person, forum=forum, form=form, members=members
    )


@portal_view
@require_POST
def forum_member_remove(
    request: HttpRequest, person: Person, pk: int, member_pk: int
) -> HttpResponse:
    forum = _forum_for_officer(person, pk)
    membership = get_object_or_404(
        ForumMembership.objects.select_related("person", "forum"),
        forum=forum,
        pk=member_pk,
    )
    services.forum_member_remove(membership=membership, actor=actor_of(request))
    messages.success(
        request,
        _("%(name)s is no longer a member of the forum.")
        % {"name": membership.person.full_name},
    )
    return redirect("portal:forum", pk=forum.pk)


@require_http_methods(["GET", "POST"])
def forum_join(request: HttpRequest, token: str) -> HttpResponse:
    """Accept a forum officer's invitation from the emailed link. A GET only shows
    the button, so a mail scanner following links joins nobody."""
    try:
        payload = read_token(
            token, services.FORUM_JOIN_PURPOSE, max_age=services.FORUM_JOIN_LINK_MAX_AGE
        )
    except LinkExpired:
        return render(
            request, "portal/forum_join.html", {"problem": "expired"}, status=410
        )
    except LinkInvalid:
        return render(
            request, "portal/forum_join.html", {"problem": "invalid"}, status=400
        )
    invitation = get_object_or_404(
        ForumInvitation.objects.select_related("forum", "person"),
        pk=payload.get("i"),
        person_id=payload.get("p"),
    )
    context = {"invitation": invitation, "forum": invitation.forum}
    if request.method == "POST":
        services.forum_invitation_accept(
            invitation=invitation,
            actor=actor_of(request) if request.user.is_authenticated else None,
        )
        context["joined"] = True
    else:
        context["already"] = invitation.forum.memberships.filter(
            person=invitation.person
        ).exists()
    return render(request, "portal/forum_join.html", context)
