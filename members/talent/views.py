"""The portal's "My interests and skills", "Standing for office" and "My forums".

A forum page opens only for the forum's current officers: a forum office gives no
admin access and no view of the CLP, only the forum's members and the contact
details the forum needs. Anyone else gets 404, and says nothing about the forum.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.models import (
    Candidate,
    Forum,
    ForumMembership,
    ForumOfficer,
    Person,
    PersonInterest,
)
from members.portal.views import _page, portal_view
from members.talent import services
from members.talent.forms import ForumMemberAddForm, InterestAddForm, StandingForm
from partyhub.comms.models import Channel, ConsentState
from partyhub.ratelimit import hourly_allowance_take

# Adding a forum member is a look-up in the CLP's list: enough for a busy evening,
# too few to try membership numbers one after another.
FORUM_LOOKUPS_PER_HOUR = 60


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
            actor=request.user,
        )
        messages.success(request, _("Saved: thank you for telling us."))
        return redirect("portal:interests")
    held = person.interests.select_related("interest").order_by("interest__name")
    return _page(request, "portal/interests.html", person, form=form, held=held)


@portal_view
@require_POST
def interest_remove(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    held = get_object_or_404(person.interests.select_related("interest"), pk=pk)
    services.person_interest_remove(held=held, actor=request.user)
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
                actor=request.user,
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


def _forum_for_officer(person: Person, pk: int) -> Forum:
    """The forum, if `person` is one of its officers today; 404 otherwise."""
    office = (
        ForumOfficer.objects.current()
        .filter(person=person, forum_id=pk)
        .select_related("forum")
        .first()
    )
    if office is None:
        raise Http404
    return office.forum


@portal_view
@require_http_methods(["GET", "POST"])
def forum_detail(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    forum = _forum_for_officer(person, pk)
    form = ForumMemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
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
                raise services.NotFound
            member = services.forum_member_find(
                forum=forum,
                identifier=form.cleaned_data["identifier"],
                last_name=form.cleaned_data["last_name"],
            )
        except services.NotFound:
            if not form.errors:
                form.add_error(
                    "identifier",
                    _(
                        "No party member in this forum's constituencies has that "
                        "email address, or that membership number and surname."
                    ),
                )
        else:
            _membership, created = services.forum_member_add(
                forum=forum, person=member, actor=request.user
            )
            if created:
                messages.success(
                    request,
                    _("%(name)s is now a member of the forum.")
                    % {"name": member.full_name},
                )
            else:
                messages.info(
                    request,
                    _("%(name)s is already a member.") % {"name": member.full_name},
                )
            return redirect("portal:forum", pk=forum.pk)
    # Someone who told us "no contact at all" is listed without their details.
    no_contact = ConsentState.objects.filter(
        person=OuterRef("person"), channel=Channel.ANY, topic="", granted=False
    )
    members = (
        ForumMembership.objects.filter(forum=forum)
        .select_related("person", "person__ward")
        .annotate(no_contact=Exists(no_contact))
        .order_by("person__last_name", "person__first_name", "pk")
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
    services.forum_member_remove(membership=membership, actor=request.user)
    messages.success(
        request,
        _("%(name)s is no longer a member of the forum.")
        % {"name": membership.person.full_name},
    )
    return redirect("portal:forum", pk=forum.pk)
