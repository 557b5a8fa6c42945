"""The officers' weekly digest, turned on or off in the portal (/me/digest/)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from dashboard.digest import digest_subscribe
from dashboard.models import DigestSubscription
from members.models import Person
from members.portal.sections import sections
from members.portal.views import portal_view
from partyhub.actors import actor_of
from partyhub.comms.consent import can_contact
from partyhub.comms.models import Topic
from partyhub.scoping import is_officer


class DigestForm(forms.Form):
    weekly = forms.BooleanField(
        label=gettext_lazy(
            "Email me the officers' weekly digest on Monday mornings: what needs "
            "doing and what changed last week"
        ),
        required=False,
    )


@portal_view
@require_http_methods(["GET", "POST"])
def digest(request: HttpRequest, person: Person) -> HttpResponse:
    officer = is_officer(request.user)
    subscribed = DigestSubscription.objects.filter(person=person).exists()
    form = DigestForm(
        request.POST if request.method == "POST" else None,
        initial={"weekly": subscribed},
    )
    if request.method == "POST" and officer and form.is_valid():
        changed = digest_subscribe(
            person=person, on=form.cleaned_data["weekly"], actor=actor_of(request)
        )
        if changed:
            messages.success(
                request,
                _("You will get the weekly digest.")
                if form.cleaned_data["weekly"]
                else _("You will not get the weekly digest any more."),
            )
        return redirect("dashboard:digest")
    return render(
        request,
        "dashboard/digest.html",
        {
            "person": person,
            "sections": sections(),
            "form": form,
            "officer": officer,
            "subscribed": subscribed,
            "email_consent": can_contact(person, topic=Topic.GENERAL),
        },
    )
