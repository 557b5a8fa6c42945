"""Answering a survey: the public form, or a personal link (no login) that ties
the response to its person."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.forms import PublicSurveyForm, SurveyForm
from campaigns.models import Survey
from campaigns.services import (
    CampaignsError,
    survey_already_answered,
    survey_ip_allowance_take,
    survey_person_from_token,
    survey_respond,
)
from campaigns.views import link_problem
from members.models import Person
from partyhub.errors import message_of
from partyhub.links import LinkExpired, LinkInvalid
from partyhub.links import link_problem as shared_link_problem
from partyhub.ratelimit import client_ip

_VISIBLE = (Survey.Status.OPEN, Survey.Status.CLOSED)


def _answer(request: HttpRequest, survey: Survey, person: Person | None):
    already = survey_already_answered(survey=survey, person=person)
    # The public page gets the bot traps; a personal link is its own proof.
    form_class = PublicSurveyForm if person is None else SurveyForm
    form = form_class(request.POST or None, survey=survey, ask_postcode=person is None)
    if request.method == "POST" and survey.status == Survey.Status.OPEN and not already:
        if not survey_ip_allowance_take(ip=client_ip(request)):
            return render(
                request, "campaigns/survey.html",
                {"survey": survey, "form": form, "too_many": True}, status=429,
            )  # fmt: skip
        if person is None and form.looks_like_a_bot():
            return redirect("campaigns:survey_thanks", slug=survey.slug)
        if form.is_valid():
            try:
                survey_respond(
                    survey=survey,
                    answers=form.answers(),
                    postcode=form.cleaned_data.get("postcode") or "",
                    person=person,
                )
            except CampaignsError as exc:
                form.add_error(None, message_of(exc))
            else:
                return redirect("campaigns:survey_thanks", slug=survey.slug)
    return render(
        request,
        "campaigns/survey.html",
        {
            "survey": survey,
            "form": form,
            "person": person,
            "already": already,
            "is_open": survey.status == Survey.Status.OPEN,
        },
    )


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(
        Survey, slug=slug, status__in=_VISIBLE, access=Survey.Access.PUBLIC
    )
    return _answer(request, survey, None)


@require_http_methods(["GET", "POST"])
def survey_link(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug, status__in=_VISIBLE)
    try:
        person = survey_person_from_token(survey=survey, token=token)
    except LinkExpired:
        return link_problem(request, expired=True)
    except (LinkInvalid, Person.DoesNotExist):
        return link_problem(request, expired=False)
    if survey_already_answered(survey=survey, person=person):
        # A personal link answers once: used, it is gone (410), and says so.
        return shared_link_problem(
            request,
            "used",
            what_next=_("You have already answered this survey. Thank you!"),
        )
    return _answer(request, survey, person)


def survey_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = Survey.objects.filter(slug=slug, status__in=_VISIBLE).first()
    if survey is None:
        raise Http404
    return render(request, "campaigns/survey_thanks.html", {"survey": survey})
