"""Street watch for members and supporters: report a problem from the portal or
from a personal link (no login), see what happened to your reports; and the
councillor's link to a report's photo (photos are never public files)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.forms import StreetReportForm
from campaigns.models import StreetReport
from campaigns.services import (
    CampaignsError,
    street_report_allowance_take,
    street_report_create,
    street_report_for_photo_token,
    street_reporter_from_token,
)
from campaigns.views import link_problem
from members.models import Person
from members.portal.sections import sections
from members.portal.views import portal_view
from partyhub.actors import actor_of
from partyhub.errors import message_of
from partyhub.links import LinkExpired, LinkInvalid
from partyhub.links import link_problem as shared_link_problem


def _posted_form(request: HttpRequest, person: Person) -> StreetReportForm:
    """The posted form, validated, or (this hour's allowance used up) with the
    typed text only and a message.

    The allowance is counted before the form is validated, because validating
    decodes the photo: a flood of uploads is turned away before any decoding."""
    if street_report_allowance_take(person=person):
        form = StreetReportForm(request.POST, request.FILES)
        form.allowed = form.is_valid()
        return form
    messages.error(
        request, _("You have sent a lot of reports this hour: please try later.")
    )
    form = StreetReportForm(request.POST)  # the photo is not read
    form.allowed = False
    return form


def _report(request: HttpRequest, person: Person, form: StreetReportForm) -> bool:
    """Create the report from a valid form; False (with the error on the form or
    in a message) if it was not made."""
    data = form.cleaned_data
    try:
        street_report_create(
            reporter=person,
            category=data["category"],
            description=data["description"],
            location=data["location"],
            postcode=data["postcode"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            photo=data.get("photo"),
            actor=actor_of(request),
        )
    except CampaignsError as exc:
        form.add_error(None, message_of(exc))
        return False
    messages.success(
        request,
        _("Thank you: we have your report and will tell you what happens to it."),
    )
    return True


def _my_reports(person: Person):
    return StreetReport.objects.filter(reporter=person).select_related("ward")[:20]


@require_http_methods(["GET", "POST"])
@portal_view
def street_reports(request: HttpRequest, person: Person) -> HttpResponse:
    if request.method == "POST":
        form = _posted_form(request, person)
        if form.allowed and _report(request, person, form):
            return redirect("campaigns:street_reports")
    else:
        form = StreetReportForm()
    return render(
        request,
        "campaigns/street_reports.html",
        {
            "person": person,
            "sections": sections(),
            "form": form,
            "reports": _my_reports(person),
        },
    )


@require_http_methods(["GET", "POST"])
def street_report_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person = street_reporter_from_token(token)
    except LinkExpired:
        return link_problem(request, expired=True)
    except (LinkInvalid, Person.DoesNotExist):
        return link_problem(request, expired=False)
    if request.method == "POST":
        form = _posted_form(request, person)
        if form.allowed and _report(request, person, form):
            return redirect("campaigns:street_report_link", token=token)
    else:
        form = StreetReportForm()
    return render(
        request,
        "campaigns/street_report_link.html",
        {"person": person, "form": form, "reports": _my_reports(person)},
    )


@require_GET
def street_photo(request: HttpRequest, token: str) -> HttpResponse:
    try:
        report = street_report_for_photo_token(token)
    except LinkExpired:
        return shared_link_problem(
            request,
            "expired",
            what_next=_("Ask the local party to send you the report's photo again."),
        )
    except (LinkInvalid, StreetReport.DoesNotExist) as exc:
        raise Http404 from exc
    return street_photo_response(report)


def street_photo_response(report: StreetReport) -> FileResponse:
    response = FileResponse(report.photo.open("rb"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
