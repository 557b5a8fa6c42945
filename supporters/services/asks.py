"""Asks: send through communications, record replies, print the yes-list."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Person
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.models import (
    Delivery,
    Message,
    Segment,
    Topic,
)
from partyhub.comms.services import message_schedule
from partyhub.links import make_token
from supporters.models import Ask, AskReply
from supporters.services.common import SupportersError

if TYPE_CHECKING:
    from partyhub.accounts.models import User


ASK_REPLY_PURPOSE = "ask-reply"
ASK_PLACEHOLDERS = {
    AskReply.Answer.YES: "%%ASK_YES%%",
    AskReply.Answer.NO: "%%ASK_NO%%",
    AskReply.Answer.DONE: "%%ASK_DONE%%",
}


def ask_reply_url(*, ask_id: int, person_id: int, answer: str) -> str:
    token = make_token(ASK_REPLY_PURPOSE, person_id, a=ask_id, r=answer)
    return settings.SITE_URL.rstrip("/") + reverse("asks:reply", args=[token])


def ask_personaliser(message: Any) -> Any:
    """For a Message that carries an ask: each recipient's own reply links."""
    ask_id = (
        Ask.objects.filter(message_id=message.pk).values_list("pk", flat=True).first()
        if message.pk
        else None
    )
    if ask_id is None:
        return None

    def links(person_id: int) -> dict[str, str]:
        return {
            placeholder: ask_reply_url(
                ask_id=ask_id, person_id=person_id, answer=answer
            )
            for answer, placeholder in ASK_PLACEHOLDERS.items()
        }

    return links


def ask_segment_criteria(ask: Ask) -> dict[str, Any]:
    from supporters.segments import OFFERS_KEY

    criteria: dict[str, Any] = {OFFERS_KEY: [ask.offer_id]}
    wards = sorted(ask.wards.values_list("pk", flat=True))
    if wards:
        criteria["wards"] = wards
    return criteria


@transaction.atomic
def ask_send(*, ask: Ask, actor: User | None) -> Message:
    """Send an ask through communications: a segment of the confirmed supporters who
    offered this help (in its wards), a campaigns message with the reply links, sent
    now. Sending twice is refused."""
    ask = Ask.objects.select_for_update().get(pk=ask.pk)
    if ask.message_id is not None:
        raise SupportersError(_("This ask has already been sent."))
    segment = Segment.objects.create(
        constituency=ask.constituency,
        name=_("Ask %(pk)s: %(subject)s") % {"pk": ask.pk, "subject": ask.subject[:90]},
        reason=_(
            "You are in the supporters' club of %(clp)s and said you could help: "
            "%(offer)s."
        )
        % {"clp": ask.constituency.name, "offer": ask.offer.label},
        criteria=ask_segment_criteria(ask),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    links = " · ".join(
        f"[{label}]({ASK_PLACEHOLDERS[answer]})"
        for answer, label in AskReply.Answer.choices
    )
    message = Message.objects.create(
        constituency=ask.constituency,
        topic=Topic.CAMPAIGNS,
        segment=segment,
        subject=ask.subject,
        body=f"{ask.body.rstrip()}\n\n{links}\n",
        created_by=segment.created_by,
    )
    ask.message = message
    ask.save(update_fields=["message"])
    audit_log(actor=actor, action=AuditAction.ASK_SEND, obj=ask)
    message_schedule(message=message, actor=actor)
    return message


@transaction.atomic
def ask_reply_record(
    *, ask: Ask, person: Person, answer: str, actor: User | None = None
) -> AskReply:
    """Record (or change) a person's reply to an ask, from their link or by an officer."""
    if answer not in AskReply.Answer.values:
        raise SupportersError(_("That is not an answer to an ask."))
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    reply, _created = AskReply.objects.update_or_create(
        ask=ask,
        person=person,
        defaults={"answer": answer, "at": timezone.now(), "recorded_by": actor},
    )
    audit_log(
        actor=actor,
        action=AuditAction.ASKREPLY_RECORD,
        obj=reply,
        detail={"answer": answer, "by": "officer" if actor else "link"},
    )
    return reply


@transaction.atomic
def ask_create(*, instance: Ask, actor: Any) -> Ask:
    """An ask an officer writes in the admin: saved with who wrote it."""
    instance.created_by = actor
    instance.save()
    audit_log(actor=actor, action=AuditAction.ASK_CREATED, obj=instance)
    return instance


def ask_reply_create(*, instance: AskReply, actor: Any) -> AskReply:
    """A reply taken by hand (the admin's row): the same service as a link's."""
    return ask_reply_record(
        ask=instance.ask, person=instance.person, answer=instance.answer, actor=actor
    )


def ask_reply_update(
    *, instance: AskReply, changes: dict[str, Any], actor: Any
) -> AskReply:
    return ask_reply_record(
        ask=instance.ask,
        person=changes.get("person", instance.person),
        answer=changes.get("answer", instance.answer),
        actor=actor,
    )


@transaction.atomic
def ask_reply_delete(*, instance: AskReply, actor: Any) -> None:
    audit_log(
        actor=actor,
        action=AuditAction.ASKREPLY_DELETED,
        obj=instance,
        detail={"answer": instance.answer},
    )
    instance.delete()


def ask_counts(ask: Ask) -> dict[str, int]:
    """Replies by answer, and how many of the people mailed have not replied."""
    counts = dict.fromkeys(AskReply.Answer.values, 0)
    counts.update(
        ask.replies.order_by()
        .values("answer")
        .annotate(n=Count("pk"))
        .values_list("answer", "n")
    )
    no_reply = 0
    if ask.message_id:
        no_reply = (
            Delivery.objects.filter(
                message_id=ask.message_id, status=Delivery.Status.SENT
            )
            .exclude(person_id__in=ask.replies.values("person_id"))
            .count()
        )
    counts["none"] = no_reply
    return counts


def ask_print_list(*, ask: Ask, actor: User | None) -> dict[Any, list[Person]]:
    """The people who said yes, with their addresses, grouped by ward (for whoever
    delivers the posters). Audited: it is a list of names and home addresses."""
    people = list(
        Person.objects.filter(
            ask_replies__ask=ask, ask_replies__answer=AskReply.Answer.YES
        )
        .select_related("ward")
        .order_by("ward__name", "postcode", "last_name", "first_name", "pk")
    )
    by_ward: dict[Any, list[Person]] = defaultdict(list)
    for person in people:
        by_ward[person.ward].append(person)
    audit_log(
        actor=actor,
        action=AuditAction.ASK_PRINT_LIST,
        obj=ask,
        row_count=len(people),
    )
    return dict(by_ward)
