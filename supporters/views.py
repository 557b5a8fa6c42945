"""Public pages of the supporters' club: join, check your email, confirm.

No account is needed. Every POST of the form, from a person or a bot, new address
or known, ends on the same "check your email" page.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.models import Constituency
from partyhub.comms.rendering import UNSUBSCRIBE_PURPOSE
from partyhub.links import LinkExpired, LinkInvalid, link_problem, make_token
from partyhub.ratelimit import client_ip
from supporters import signup
from supporters.forms import SignupForm
from supporters.next_steps import next_steps

log = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    constituency = get_object_or_404(Constituency, slug=slug) if slug else None
    if request.method == "POST":
        if not signup.signup_ip_allowance_take(ip=client_ip(request)):
            return render(
                request, "supporters/too_many.html", {"constituency": constituency},
                status=429,
            )  # fmt: skip
        form = SignupForm(request.POST, constituency=constituency)
        if form.looks_like_a_bot():
            log.info("Supporters' signup treated as a bot: nothing stored")
            return redirect("supporters:check_email")
        if form.is_valid():
            signup.supporter_signup(data=form.signup_data(), constituency=constituency)
            return redirect("supporters:check_email")
    else:
        form = SignupForm(constituency=constituency)
    return render(
        request, "supporters/join.html", {"form": form, "constituency": constituency}
    )


def check_email(request: HttpRequest) -> HttpResponse:
    return render(request, "supporters/check_email.html")


def _bad_link(request: HttpRequest, problem: str) -> HttpResponse:
    return link_problem(
        request,
        problem,
        what_next=_(
            "Confirmation links work for a week. If you still want to, fill in the "
            "form again and we will send you a new link."
        )
        if problem in ("expired", "gone")
        else None,
        next_url=reverse("supporters:join") if problem != "invalid" else None,
        next_label=_("Join the supporters' club"),
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a Confirm button and changes nothing (mail scanners follow links);
    the POST confirms."""
    try:
        signup_request = signup.signup_request_from_token(token)
    except LinkExpired:
        return _bad_link(request, "expired")
    except signup.SignupGone:
        return _bad_link(request, "gone")
    except LinkInvalid:
        return _bad_link(request, "invalid")
    pending = signup.pending_kind(signup_request.kind)
    if pending is not None:
        if request.method == "GET":
            return render(
                request,
                "supporters/confirm_pending.html",
                {
                    "asked": pending.asked(signup_request),
                    "first_name": signup_request.data.get("first_name", ""),
                },
            )
        try:
            template, context = pending.confirm(signup_request)
        except signup.SignupGone:
            return _bad_link(request, "gone")
        return render(request, template, context)
    if request.method == "GET":
        return render(
            request,
            "supporters/confirm.html",
            {
                "signup_request": signup_request,
                "first_name": signup_request.data.get("first_name", ""),
            },
        )
    try:
        result = signup.supporter_confirm(signup_request=signup_request, actor=None)
    except signup.SignupGone:
        return _bad_link(request, "gone")
    supporter = result.supporter
    preferences_token = make_token(
        UNSUBSCRIBE_PURPOSE, supporter.person_id, t="", c=supporter.constituency_id
    )
    return render(
        request,
        "supporters/confirmed.html",
        {
            "supporter": supporter,
            "constituency": supporter.constituency,
            "preferences_url": reverse("comms:unsubscribe", args=[preferences_token]),
            "steps": next_steps(constituency=supporter.constituency),
        },
    )
