"""Phone banking for callers (members), in the portal and on a phone: get a few
numbers, ring them, say what happened."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.forms import CallOutcomeForm
from campaigns.models import CallList, CallListEntry
from campaigns.services import (
    CampaignsError,
    call_list_progress,
    call_lists_for_caller,
    call_outcome_record,
    calls_release,
    calls_reserve,
    calls_reserved,
    may_call,
)
from members.models import Person
from members.portal.sections import sections
from members.portal.views import portal_view
from partyhub.errors import message_of


def _call_list(person: Person, pk: int) -> CallList:
    call_list = get_object_or_404(CallList, pk=pk)
    if not may_call(call_list=call_list, person=person):
        raise Http404
    return call_list


@portal_view
def call_lists(request: HttpRequest, person: Person) -> HttpResponse:
    lists = call_lists_for_caller(person).annotate(
        to_call=Count("entries", filter=Q(entries__outcome=""))
    )
    return render(
        request,
        "campaigns/calls.html",
        {"person": person, "sections": sections(), "lists": lists},
    )


@portal_view
def call_list(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    call_list = _call_list(person, pk)
    entries = [
        (entry, CallOutcomeForm(prefix=f"e{entry.pk}"))
        for entry in calls_reserved(call_list=call_list, caller=request.user)
    ]
    return render(
        request,
        "campaigns/call_list.html",
        {
            "person": person,
            "sections": sections(),
            "call_list": call_list,
            "entries": entries,
            "progress": call_list_progress(call_list),
        },
    )


@require_POST
@portal_view
def call_reserve(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    call_list = _call_list(person, pk)
    if request.POST.get("release"):
        calls_release(call_list=call_list, caller=request.user)
        messages.success(request, _("Your numbers are back in the pool. Thank you!"))
        return redirect("campaigns:call_lists")
    if not calls_reserve(call_list=call_list, caller=request.user):
        messages.info(request, _("Nobody is left to call on this list just now."))
    return redirect("campaigns:call_list", pk=call_list.pk)


@require_POST
@portal_view
def call_outcome(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        CallListEntry.objects.select_related("call_list"),
        pk=pk,
        reserved_by=request.user,
    )
    call_list = _call_list(person, entry.call_list_id)
    form = CallOutcomeForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        try:
            call_outcome_record(
                entry=entry,
                caller=request.user,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
            )
        except CampaignsError as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(request, _("Recorded. Thank you!"))
            return redirect("campaigns:call_list", pk=call_list.pk)
    entries = [
        (e, form if e.pk == entry.pk else CallOutcomeForm(prefix=f"e{e.pk}"))
        for e in calls_reserved(call_list=call_list, caller=request.user)
    ]
    return render(
        request,
        "campaigns/call_list.html",
        {
            "person": person,
            "sections": sections(),
            "call_list": call_list,
            "entries": entries,
            "progress": call_list_progress(call_list),
        },
        status=400,
    )
