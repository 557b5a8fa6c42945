"""The member portal: a logged-in person sees and changes only their own record.

No URL names a person: every view works on request.user.person. A sub-object (an
erasure request) is looked up through that person's own records, so another
member's answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.models import Membership, Person
from members.portal import services
from members.portal.forms import ContactForm, DetailsForm, ErasureForm
from members.portal.sections import sections
from partyhub.actors import actor_of
from partyhub.comms.consent import current_consents
from partyhub.links import LinkExpired, LinkInvalid, link_problem, read_token


def _own_person(request: HttpRequest) -> Person | None:
    try:
        return request.user.person
    except ObjectDoesNotExist:
        return None


def _claim_url() -> str:
    # Claiming an account is built alongside the portal (partyhub.accounts); the
    # link appears as soon as its URL exists.
    for name in ("accounts:claim", "account_claim"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def portal_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; a login with no Person gets the page on claiming a record."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = _own_person(request)
        if person is None:
            return render(request, "portal/no_person.html", {"claim_url": _claim_url()})
        return view(request, person, *args, **kwargs)

    return wrapper


def _page(request: HttpRequest, template: str, person: Person, **context: Any):
    return render(
        request,
        template,
        {"person": person, "sections": sections(), **context},
    )


@portal_view
def home(request: HttpRequest, person: Person) -> HttpResponse:
    from members.desk.portal import mentoring_context
    from members.portal.sections import coming_up

    membership = services.membership_status(person)
    return _page(
        request,
        "portal/home.html",
        person,
        membership=membership,
        Status=Membership.Status,
        renewal_url=settings.NATIONAL_RENEWAL_URL,
        coming_up=coming_up(person),
        **mentoring_context(person),
    )


@portal_view
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, person: Person) -> HttpResponse:
    form = DetailsForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        changed = services.person_update_own(
            person=person, data=form.cleaned_data, actor=actor_of(request)
        )
        if changed:
            messages.success(request, _("Your details are saved."))
            moving = (
                person.transfers.filter(status="pending")
                .select_related("to_constituency", "from_constituency")
                .first()
                if "postcode" in changed
                else None
            )
            if moving is not None:
                messages.info(
                    request,
                    _(
                        "Your new postcode is in %(new)s. We have asked %(new)s to "
                        "welcome you; until they do, you stay a member of %(old)s."
                    )
                    % {"new": moving.to_constituency, "old": moving.from_constituency},
                )
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("portal:details")
    return _page(request, "portal/details.html", person, form=form)


@portal_view
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, person: Person) -> HttpResponse:
    consents = current_consents(person)
    form = ContactForm(request.POST or None, initial=ContactForm.initial_from(consents))
    if request.method == "POST" and form.is_valid():
        recorded = services.person_contact_preferences(
            person=person, wanted=form.wanted(), actor=actor_of(request)
        )
        if recorded:
            messages.success(request, _("Your contact choices are saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("portal:contact")
    return _page(request, "portal/contact.html", person, form=form)


@portal_view
def history(request: HttpRequest, person: Person) -> HttpResponse:
    """What the person and the party have done together, without officers' notes."""
    from members.history import person_history, person_summary

    found = person_history(
        person,
        own=True,
        kind=request.GET.get("history_kind", ""),
        page=request.GET.get("history_page", 1),
    )
    return _page(
        request,
        "portal/history.html",
        person,
        history=found,
        summary=person_summary(person, found),
    )


@portal_view
def data(request: HttpRequest, person: Person) -> HttpResponse:
    return _page(
        request,
        "portal/data.html",
        person,
        large=services.data_export_is_large(person),
        erasure_form=ErasureForm(),
        erasure_requests=services.erasure_requests_of(person),
    )


@portal_view
@require_POST
def data_download(request: HttpRequest, person: Person) -> HttpResponse:
    if services.data_export_is_large(person):
        services.data_export_request(person=person, actor=actor_of(request))
        messages.success(
            request,
            _(
                "There is a lot of it, so we are putting it together now. We will "
                "email you a download link (valid for a week) within a few minutes."
            ),
        )
        return redirect("portal:data")
    content = services.data_export_build(person=person, actor=actor_of(request))
    response = HttpResponse(content, content_type="application/zip")
    name = f"my-data-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _export_gone(request: HttpRequest, problem: str) -> HttpResponse:
    return link_problem(
        request,
        problem,
        what_next=_("Download links work for a week: ask for a new download."),
        next_url=reverse("portal:data"),
        next_label=_("My data"),
    )


@portal_view
def data_file(request: HttpRequest, person: Person, token: str) -> HttpResponse:
    """A background export, from the emailed link: only for the person it was made
    for, logged in, within a week."""
    try:
        payload = read_token(
            token, services.EXPORT_LINK_PURPOSE, max_age=services.EXPORT_LINK_MAX_AGE
        )
    except LinkInvalid as exc:
        raise Http404 from exc
    except LinkExpired:
        return _export_gone(request, "expired")
    if payload.get("p") != person.pk:
        raise Http404
    path = services.export_path_for(str(payload.get("f", "")))
    if path is None:
        return _export_gone(request, "gone")
    response = FileResponse(path.open("rb"), as_attachment=True, filename="my-data.zip")
    response["Cache-Control"] = "no-store"
    return response


@portal_view
@require_POST
def erasure(request: HttpRequest, person: Person) -> HttpResponse:
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _page(
            request,
            "portal/data.html",
            person,
            large=services.data_export_is_large(person),
            erasure_form=form,
            erasure_requests=services.erasure_requests_of(person),
        )
    erasure_request = services.erasure_request_create(
        person=person, reason=form.cleaned_data["reason"], actor=actor_of(request)
    )
    messages.success(request, _("Your request is with the membership secretary."))
    return redirect("portal:erasure_detail", pk=erasure_request.pk)


@portal_view
def erasure_detail(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    erasure_request = get_object_or_404(services.erasure_requests_of(person), pk=pk)
    return _page(
        request, "portal/erasure_detail.html", person, erasure_request=erasure_request
    )
