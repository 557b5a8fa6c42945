"""Replies to an ask from the signed links in its email: yes, not this time, done.

A GET only shows what the link will record (mail scanners follow links); the
confirm button POSTs. A link works for the one person and ask it was made for.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from partyhub.links import LinkExpired, LinkInvalid, link_problem_for, read_token
from supporters.models import Ask, AskReply
from supporters.services import ASK_REPLY_PURPOSE, ask_reply_record


def _read(token: str) -> tuple[Ask, object, str]:
    payload = read_token(
        token, ASK_REPLY_PURPOSE, max_age=settings.COMMS_LINK_MAX_AGE_SECONDS
    )
    answer = payload.get("r")
    if answer not in AskReply.Answer.values:
        raise LinkInvalid
    ask = (
        Ask.objects.select_related("constituency")
        .filter(pk=payload.get("a"), message__isnull=False)
        .first()
    )
    person_model = apps.get_model("members", "Person")
    person = person_model._base_manager.filter(pk=payload["p"]).first()
    # The ask must still exist and the person must belong to its constituency.
    if ask is None or person is None or person.constituency_id != ask.constituency_id:
        raise LinkInvalid
    return ask, person, answer


@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ask, person, answer = _read(token)
    except (LinkExpired, LinkInvalid) as exc:
        return link_problem_for(request, exc)
    label = AskReply.Answer(answer).label
    context = {"ask": ask, "person": person, "answer": answer, "label": label}
    if request.method == "POST":
        ask_reply_record(ask=ask, person=person, answer=answer, actor=None)
        return render(request, "supporters/replies/done.html", context)
    current = AskReply.objects.filter(ask=ask, person=person).first()
    context["current"] = current
    return render(request, "supporters/replies/confirm.html", context)
