"""Governance in the member portal: my meetings (agenda, papers, minutes), submit
a motion, my motions, and vote in an open ballot. A member sees only meetings of
their own CLP that they are entitled to attend; anything else answers 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from governance import selectors, services
from governance.forms import BallotForm, MotionForm
from governance.minutes_pdf import minutes_pdf_bytes
from governance.models import Attendance, Election, Meeting, Minutes, Paper
from members.models import Person
from members.portal.sections import sections
from members.portal.views import portal_view
from partyhub.errors import message_of


def _my_meeting(person: Person, pk: int) -> Meeting:
    meeting: Meeting = get_object_or_404(
        Meeting.objects.select_related("event", "body", "body__constituency"),
        pk=pk,
        body__constituency_id=person.constituency_id,
    )
    if person.pk not in selectors.meeting_entitlement(meeting).attend:
        raise Http404
    return meeting


def _page(
    request: HttpRequest, template: str, person: Person, **context: Any
) -> HttpResponse:
    return render(
        request, template, {"person": person, "sections": sections(), **context}
    )


@portal_view
def mine(request: HttpRequest, person: Person) -> HttpResponse:
    now = timezone.now()
    meetings = selectors.meetings_for(person)
    return _page(
        request,
        "governance/mine.html",
        person,
        upcoming=[m for m in meetings if m.event.ends >= now][::-1],
        past=[m for m in meetings if m.event.ends < now],
        motions=selectors.motions_of(person),
        ballots=selectors.open_ballots_for(person),
    )


@portal_view
def meeting(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    meeting = _my_meeting(person, pk)
    minutes = Minutes.objects.filter(
        meeting=meeting,
        status__in=(Minutes.Status.CIRCULATED, Minutes.Status.APPROVED),
    ).first()
    now = timezone.now()
    return _page(
        request,
        "governance/meeting.html",
        person,
        meeting=meeting,
        items=meeting.items.select_related("motion").order_by("position", "pk"),
        papers=meeting.papers.all(),
        minutes=minutes,
        motions_open=meeting.status == Meeting.Status.CALLED
        and now <= meeting.amendment_deadline,
        motion_deadline=meeting.motion_deadline,
        amendment_deadline=meeting.amendment_deadline,
        elections=meeting.elections.all(),
        can_check_in=_checking_in_open(meeting),
        checked_in=meeting.attendances.filter(person=person).exists(),
    )


def _checking_in_open(meeting: Meeting) -> bool:
    """Members check themselves in from an hour before until the meeting ends."""
    now = timezone.now()
    return (
        meeting.status == Meeting.Status.CALLED
        and meeting.starts - datetime.timedelta(hours=1) <= now <= meeting.event.ends
    )


@require_POST
@portal_view
def check_in(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    meeting = _my_meeting(person, pk)
    if not _checking_in_open(meeting):
        messages.error(request, _("Checking in opens an hour before the meeting."))
    else:
        services.attendance_mark(
            meeting=meeting,
            person=person,
            present=True,
            actor=request.user,
            how=Attendance.How.SELF,
        )
        messages.success(request, _("You are checked in. Welcome!"))
    return redirect("governance:meeting", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
@portal_view
def motion_new(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    meeting = _my_meeting(person, pk)
    form = MotionForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.motion_submit(
                meeting=meeting,
                mover=person,
                seconder=data["seconder"],
                title=data["title"],
                text=data["text"],
                amends=data["amends"],
            )
        except services.GovernanceError as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(
                request,
                _("Thank you: your %(what)s is with the secretary.")
                % {"what": _("amendment") if data["amends"] else _("motion")},
            )
            return redirect("governance:mine")
    return _page(
        request,
        "governance/motion_form.html",
        person,
        meeting=meeting,
        form=form,
        motion_deadline=meeting.motion_deadline,
        amendment_deadline=meeting.amendment_deadline,
    )


@portal_view
def minutes_pdf(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    meeting = _my_meeting(person, pk)
    minutes = get_object_or_404(
        Minutes,
        meeting=meeting,
        status__in=(Minutes.Status.CIRCULATED, Minutes.Status.APPROVED),
    )
    response = HttpResponse(minutes_pdf_bytes(minutes), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
    return response


@portal_view
def paper(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    paper = get_object_or_404(
        Paper.objects.select_related("meeting"),
        pk=pk,
        meeting__body__constituency_id=person.constituency_id,
    )
    _my_meeting(person, paper.meeting_id)
    return FileResponse(paper.file.open("rb"), as_attachment=True)  # type: ignore[return-value]


@require_http_methods(["GET", "POST"])
@portal_view
def ballot(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    election = get_object_or_404(
        Election.objects.select_related("body"),
        pk=pk,
        body__constituency_id=person.constituency_id,
        method=Election.Method.ONLINE,
    )
    if person.pk not in selectors.entitlement(election.body).vote:
        raise Http404
    voted = election.casts.filter(person=person).exists()
    form = BallotForm(request.POST or None, election=election)
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_vote(
                election=election,
                person=person,
                nomination_id=form.cleaned_data["candidate"],
            )
        except services.GovernanceError as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(
                request, _("Your vote is recorded. Nobody can see how you voted.")
            )
            return redirect("governance:mine")
    return _page(
        request,
        "governance/ballot.html",
        person,
        election=election,
        form=form,
        voted=voted,
        results=services.results(election)
        if election.status == Election.Status.DECLARED
        else [],
    )
