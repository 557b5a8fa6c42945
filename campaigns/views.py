"""Public petition pages: no account needed, phone-first, no inline script or style."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from campaigns.forms import SignForm
from campaigns.models import Petition
from campaigns.services import CampaignsError, petition_sign

log = logging.getLogger(__name__)

_PUBLIC = (Petition.Status.OPEN, Petition.Status.CLOSED, Petition.Status.HANDED_IN)


@require_http_methods(["GET", "POST"])
def petition(request: HttpRequest, slug: str) -> HttpResponse:
    petition = get_object_or_404(Petition, slug=slug, status__in=_PUBLIC)
    if request.method == "POST":
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
