"""The mentoring part of the member portal.

A member sees who their mentor is and how to reach them; a mentor sees the new
members they look after and notes a contact. Every lookup goes through the
logged-in person's own records: another member's mentee answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.desk.forms import ContactForm
from members.desk.services import contact_log_create
from members.models import ContactLog, Mentorship, Person
from members.portal.views import _page, portal_view
from partyhub.actors import actor_of


def mentoring_context(person: Person) -> dict:
    """For the portal's home page: my mentor, and my mentees if I am one."""
    mine = (
        Mentorship.objects.filter(mentee=person, status=Mentorship.Status.ACTIVE)
        .select_related("mentor__person")
        .first()
    )
    return {
        "my_mentor": mine.mentor.person if mine and mine.mentor_id else None,
        "mentee_count": _my_mentees(person).count(),
    }


def _my_mentees(person: Person):
    return Mentorship.objects.filter(
        mentor__person=person, status=Mentorship.Status.ACTIVE
    )


@portal_view
def mentees(request: HttpRequest, person: Person) -> HttpResponse:
    rows = (
        _my_mentees(person)
        .select_related("mentee", "membership__branch")
        .annotate(
            my_last_contact=Max(
                "mentee__contacts__at",
                filter=Q(mentee__contacts__by_person=person),
            )
        )
        .order_by("-assigned_at", "pk")
    )
    return _page(request, "members/desk/portal_mentees.html", person, mentorships=rows)


@portal_view
@require_http_methods(["GET", "POST"])
def mentee(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    mentorship = get_object_or_404(
        _my_mentees(person).select_related("mentee", "membership__branch"), pk=pk
    )
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact_log_create(
            person=mentorship.mentee,
            by_person=person,
            actor=actor_of(request),
            **form.cleaned_data,
        )
        messages.success(request, _("Thank you: your contact is noted."))
        return redirect("portal:mentee", pk=mentorship.pk)
    # A mentor sees the contacts they logged, not officers' notes.
    contacts = ContactLog.objects.filter(person=mentorship.mentee, by_person=person)
    return _page(
        request,
        "members/desk/portal_mentee.html",
        person,
        mentorship=mentorship,
        form=form,
        contacts=contacts,
    )
