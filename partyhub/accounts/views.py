"""Claiming an account: ask for a link, follow it, choose a password.

Every valid POST of the request form ends on the same "check your email" page,
whoever's address it was; the lookup happens in a task.
"""

from __future__ import annotations

from allauth.account import app_settings as account_settings
from allauth.account.utils import perform_login
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from partyhub.accounts import services
from partyhub.accounts.forms import ClaimForm, ClaimPasswordForm
from partyhub.links import LinkExpired, LinkInvalid, link_problem
from partyhub.ratelimit import client_ip


@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ClaimForm(request.POST)
        if form.looks_like_a_bot():
            return redirect("accounts:claim_sent")  # as for a person; nothing sent
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not services.claim_allowance_take(ip=client_ip(request), email=email):
                return render(request, "account/claim_too_many.html", status=429)
            services.account_claim_request(
                email=email,
                membership_number=form.cleaned_data["membership_number"],
            )
            return redirect("accounts:claim_sent")
    else:
        form = ClaimForm()
    return render(request, "account/claim.html", {"form": form})


def claim_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "account/claim_sent.html")


def _bad_link(request: HttpRequest, problem: str) -> HttpResponse:
    if problem == "used":
        return link_problem(
            request,
            "used",
            what_next=_(
                "The account for this address is already set up. Log in, or reset "
                "your password if you have forgotten it."
            ),
            next_url=reverse("account_login"),
            next_label=_("Log in"),
            more_links=[(reverse("account_reset_password"), _("Reset your password"))],
        )
    return link_problem(
        request,
        problem,
        what_next=_(
            "Links to set up an account work for 24 hours. Ask for a new link and "
            "use it within a day."
        ),
        next_url=reverse("accounts:claim"),
        next_label=_("Send me a new link"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def claim_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the password form and changes nothing (mail scanners follow
    links); the POST creates the login."""
    try:
        person = services.claim_person_from_token(token)
    except LinkExpired:
        return _bad_link(request, "expired")
    except LinkInvalid:
        return _bad_link(request, "invalid")
    except services.ClaimLinkUsed:
        return _bad_link(request, "used")
    form = ClaimPasswordForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_claim_complete(
                token=token, password=form.cleaned_data["password1"]
            )
        except (LinkExpired, LinkInvalid):
            return _bad_link(request, "invalid")
        except services.ClaimLinkUsed:
            return _bad_link(request, "used")
        messages.success(
            request,
            _("Welcome, %(name)s: your account is ready and you are logged in.")
            % {"name": person.first_name},
        )
        request.account_claimed = True  # allauth adds no "signed in" banner
        return perform_login(
            request,
            user,
            email_verification=account_settings.EMAIL_VERIFICATION,
            redirect_url=reverse("portal:home"),
        )
    return render(
        request, "account/claim_set_password.html", {"form": form, "person": person}
    )
