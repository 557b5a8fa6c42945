"""Networks: joining and leaving, the discussion board, consultation comments and
the exported submission. Every write is audited with its actor."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Membership, Person
from members.services import person_for_public_form
from networks.models import (
    Comment,
    Consultation,
    Network,
    NetworkDigest,
    NetworkInvitation,
    NetworkMembership,
    Post,
    Section,
    Submission,
    SubmissionSection,
    Thread,
)
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.consent import can_contact, contactable, current_consents
from partyhub.comms.reminders import reminder_schedule
from partyhub.errors import DomainError
from partyhub.links import make_token

if TYPE_CHECKING:
    from partyhub.accounts.models import User


NETWORK_JOIN_PURPOSE = "network-join"
# An invitation stays good for a month: long enough for a supporter who reads mail
# weekly, short enough that an old forwarded email does not work for ever.
JOIN_LINK_MAX_AGE = 30 * 24 * 3600

# Long enough to fix a typo, short enough that replies are not left answering a
# post that later says something else.
EDIT_WINDOW = datetime.timedelta(minutes=30)


REMINDER_INVITATION = "network_invitation"
REMINDER_DIGEST = "network_digest"


class NetworkError(DomainError):
    """A domain error a member or officer can read: nothing was changed."""


def is_party_member(person: Person) -> bool:
    return person.memberships.filter(
        status__in=[Membership.Status.CURRENT, Membership.Status.ARREARS]
    ).exists()


def is_supporter(person: Person) -> bool:
    """A confirmed member of the supporters' club (members are checked first)."""
    try:
        supporter = person.supporter
    except ObjectDoesNotExist:
        return False
    return supporter.status == "confirmed"


def network_join_url(*, network_id: int, person_id: int) -> str:
    """A signed link that lets one person (a supporter, who has no login) join."""
    token = make_token(NETWORK_JOIN_PURPOSE, person_id, n=network_id)
    return settings.SITE_URL.rstrip("/") + reverse("networks:join_link", args=[token])


def is_eligible(network: Network, person: Person) -> bool:
    """A party member, or a confirmed supporter where the network is open to them."""
    if is_party_member(person):
        return True
    return network.open_to_supporters and is_supporter(person)


def spans_home_of(network: Network, person: Person) -> bool:
    """Whether the network spans the person's home constituency."""
    return (
        person.constituency_id is not None
        and network.constituencies.filter(pk=person.constituency_id).exists()
    )


def may_join(network: Network, person: Person) -> bool:
    return is_eligible(network, person) and spans_home_of(network, person)


def is_active_member(network: Network, person: Person) -> bool:
    return network.memberships.filter(
        person=person, status=NetworkMembership.Status.ACTIVE
    ).exists()


def is_coordinator(network: Network, person: Person) -> bool:
    return network.coordinators.filter(pk=person.pk).exists()


def may_take_part(network: Network, person: Person) -> bool:
    return is_active_member(network, person) or is_coordinator(network, person)


@transaction.atomic
def network_join(
    *, network: Network, person: Person, actor: User | None
) -> NetworkMembership:
    """Join (or ask to join) a network; a left membership is taken up again."""
    if not is_eligible(network, person):
        if network.open_to_supporters:
            raise NetworkError(
                _("Only party members and supporters' club members can join this.")
            )
        raise NetworkError(
            _("%(network)s is open to party members only.") % {"network": network}
        )
    if not spans_home_of(network, person):
        # Every join path comes here: the portal's button, a signed link.
        raise NetworkError(
            _("%(network)s is not open to people in your constituency.")
            % {"network": network}
        )
    status = (
        NetworkMembership.Status.PENDING
        if network.joining == Network.Joining.APPROVAL
        else NetworkMembership.Status.ACTIVE
    )
    membership, created = NetworkMembership.objects.select_for_update().get_or_create(
        network=network, person=person, defaults={"status": status}
    )
    if not created:
        if membership.status != NetworkMembership.Status.LEFT:
            return membership  # already in, or already waiting: nothing to do
        membership.status = status
        # Back after leaving: a digest brings what is new from now on.
        membership.digest_sent_until = timezone.now()
        membership.save(update_fields=["status", "digest_sent_until"])
    audit_log(
        actor=actor,
        action=AuditAction.NETWORKMEMBERSHIP_JOIN,
        obj=membership,
        detail={"network_id": network.pk, "status": membership.status},
    )
    return membership


@transaction.atomic
def network_leave(*, network: Network, person: Person, actor: User | None) -> None:
    membership = (
        NetworkMembership.objects.select_for_update()
        .filter(network=network, person=person)
        .exclude(status=NetworkMembership.Status.LEFT)
        .first()
    )
    if membership is None:
        return
    membership.status = NetworkMembership.Status.LEFT
    membership.save(update_fields=["status"])
    audit_log(
        actor=actor,
        action=AuditAction.NETWORKMEMBERSHIP_LEAVE,
        obj=membership,
        detail={"network_id": network.pk},
    )


@transaction.atomic
def network_membership_approve(
    *, membership: NetworkMembership, actor: User | None
) -> NetworkMembership:
    if membership.status != NetworkMembership.Status.PENDING:
        raise NetworkError(_("Only a request waiting for approval can be approved."))
    if not is_eligible(membership.network, membership.person):
        # The network closed to supporters (or they left the club) since asking.
        raise NetworkError(
            _("%(name)s can no longer join %(network)s.")
            % {"name": membership.person.full_name, "network": membership.network}
        )
    membership.status = NetworkMembership.Status.ACTIVE
    membership.save(update_fields=["status"])
    audit_log(actor=actor, action=AuditAction.NETWORKMEMBERSHIP_APPROVE, obj=membership)
    return membership


def _require_taking_part(network: Network, person: Person) -> None:
    if not may_take_part(network, person):
        raise NetworkError(_("Join the network to take part in its discussion."))


@transaction.atomic
def thread_create(
    *, network: Network, author: Person, title: str, body: str, actor: User | None
) -> Thread:
    _require_taking_part(network, author)
    if not body.strip():
        raise NetworkError(_("Write something before posting."))
    thread = Thread.objects.create(network=network, title=title, author=author)
    Post.objects.create(thread=thread, author=author, body=body)
    audit_log(
        actor=actor,
        action=AuditAction.THREAD_CREATE,
        obj=thread,
        constituency_id=author.constituency_id,
        detail={"network_id": network.pk},
    )
    return thread


@transaction.atomic
def post_create(
    *, thread: Thread, author: Person, body: str, actor: User | None
) -> Post:
    _require_taking_part(thread.network, author)
    if not body.strip():
        raise NetworkError(_("Write something before posting."))
    post = Post.objects.create(thread=thread, author=author, body=body)
    audit_log(
        actor=actor,
        action=AuditAction.POST_CREATE,
        obj=post,
        constituency_id=author.constituency_id,
    )
    return post


def post_editable(post: Post, person: Person, now=None) -> bool:
    now = now or timezone.now()
    return (
        post.author_id == person.pk
        and not post.hidden_by_moderator
        and now - post.created <= EDIT_WINDOW
    )


@transaction.atomic
def post_edit(
    *, post: Post, author: Person, body: str, actor: User | None, now=None
) -> Post:
    now = now or timezone.now()
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.author_id != author.pk:
        raise NetworkError(_("Only the author can edit a post."))
    if now - post.created > EDIT_WINDOW:
        raise NetworkError(
            _("A post can be edited for %(minutes)d minutes after it is posted.")
            % {"minutes": EDIT_WINDOW.total_seconds() // 60}
        )
    if post.hidden_by_moderator:
        raise NetworkError(_("A co-ordinator has hidden this post."))
    if not body.strip():
        raise NetworkError(_("Write something before posting."))
    post.body = body
    post.edited = now
    post.save(update_fields=["body", "edited"])
    audit_log(
        actor=actor,
        action=AuditAction.POST_EDIT,
        obj=post,
        constituency_id=author.constituency_id,
    )
    return post


@transaction.atomic
def post_hide(
    *, post: Post, moderator: Person, actor: User | None, hidden: bool = True
) -> Post:
    """A co-ordinator hides (or shows again) a post; the text is kept for the record."""
    if not is_coordinator(post.thread.network, moderator):
        raise NetworkError(_("Only the network's co-ordinators can moderate posts."))
    post.hidden_by_moderator = hidden
    post.save(update_fields=["hidden_by_moderator"])
    # Filed under the author's CLP, whose officers answer for its people.
    audit_log(
        actor=actor,
        action=AuditAction.POST_HIDE if hidden else AuditAction.POST_SHOW,
        obj=post,
        constituency_id=post.author.constituency_id if post.author else None,
    )
    return post


def visible_posts(thread: Thread):
    return thread.posts.filter(hidden_by_moderator=False).select_related("author")


def visible_threads(threads):
    """Threads members see: not those whose opening post a co-ordinator hid, as
    the title was written with it."""
    from django.db.models import OuterRef, Subquery

    opening_hidden = Subquery(
        Post.objects.filter(thread=OuterRef("pk"))
        .order_by("created", "pk")
        .values("hidden_by_moderator")[:1]
    )
    return threads.annotate(opening_hidden=opening_hidden).exclude(opening_hidden=True)


def thread_is_visible(thread: Thread) -> bool:
    return visible_threads(Thread.objects.filter(pk=thread.pk)).exists()


def consultation_is_open(consultation: Consultation, today=None) -> bool:
    today = today or timezone.localdate()
    return consultation.submitted_at is None and consultation.deadline >= today


@transaction.atomic
def comment_create(
    *, section: Section, person: Person, body: str, actor: User | None
) -> Comment:
    consultation = section.consultation
    _require_taking_part(consultation.network, person)
    if not consultation_is_open(consultation):
        raise NetworkError(_("This consultation is closed for comments."))
    if not body.strip():
        raise NetworkError(_("Write something before sending your comment."))
    comment = Comment.objects.create(section=section, person=person, body=body)
    audit_log(
        actor=actor,
        action=AuditAction.COMMENT_CREATE,
        obj=comment,
        detail={"consultation_id": consultation.pk},
    )
    return comment


def consultation_submission_export(
    *, consultation: Consultation, actor: User | None
) -> bytes:
    """The network's submission as a Word-compatible (HTML) document: every comment,
    grouped by section, sanitised. The export is audited, as it carries names."""
    context = _export_context(consultation)
    sections = context["sections"]
    document = render_to_string("networks/submission.doc.html", context)
    _audit_export(actor=actor, consultation=consultation, sections=sections)
    return document.encode("utf-8")


def _audit_export(
    *, actor: User | None, consultation: Consultation, sections: list, fmt: str = "doc"
) -> None:
    """One entry per constituency whose people's names the export carries (and
    one for each CLP the network spans), so each CLP's officers can read that
    their people's comments were exported, and how many."""
    counts = dict.fromkeys(
        consultation.network.constituencies.values_list("pk", flat=True), 0
    )
    for section in sections:
        for comment in section.comments.all():
            if comment.person is not None:
                cid = comment.person.constituency_id
                counts[cid] = counts.get(cid, 0) + 1
    for cid, count in counts.items():
        audit_log(
            actor=actor,
            action=AuditAction.CONSULTATION_EXPORT,
            obj=consultation,
            constituency_id=cid,
            detail={"format": fmt},
            row_count=count,
        )


@transaction.atomic
def consultation_mark_submitted(
    *, consultation: Consultation, actor: User | None, at=None
) -> Consultation:
    """Record the network's submission as sent, once: the date stays as recorded,
    and the draft (made here if there was none) can no longer be changed."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.submitted_at is not None:
        raise NetworkError(
            _("%(title)s was already recorded as submitted on %(date)s.")
            % {
                "title": consultation.title,
                "date": timezone.localdate(consultation.submitted_at),
            }
        )
    consultation.submitted_at = at or timezone.now()
    consultation.save(update_fields=["submitted_at"])
    Submission.objects.update_or_create(
        consultation=consultation,
        defaults={
            "status": Submission.Status.SUBMITTED,
            "submitted_on": timezone.localdate(consultation.submitted_at),
        },
    )
    audit_log(actor=actor, action=AuditAction.CONSULTATION_SUBMIT, obj=consultation)
    return consultation


def invitation_key(*, network_id: int, person_id: int) -> str:
    return f"{REMINDER_INVITATION}:{network_id}:{person_id}"


@transaction.atomic
def network_invite(
    *, network: Network, person: Person, inviter: Person | None, actor: User | None
) -> NetworkInvitation:
    """Email one person a signed link to join. Asking again sends nothing more: the
    invitation row and the reminder's key are both unique."""
    if not may_join(network, person):
        raise NetworkError(
            _("%(name)s cannot join this network.") % {"name": person.full_name}
        )
    if (
        network.memberships.filter(person=person)
        .exclude(status=NetworkMembership.Status.LEFT)
        .exists()
    ):
        raise NetworkError(
            _("%(name)s is already in the network.") % {"name": person.full_name}
        )
    if not can_contact(person):
        raise NetworkError(
            _("%(name)s has not agreed to be emailed.") % {"name": person.full_name}
        )
    invitation, created = NetworkInvitation.objects.get_or_create(
        network=network, person=person, defaults={"invited_by": inviter}
    )
    if not created:
        return invitation
    reminder_schedule(
        kind=REMINDER_INVITATION,
        person=person,
        due_at=timezone.now(),
        about=invitation,
        key=invitation_key(network_id=network.pk, person_id=person.pk),
    )
    audit_log(
        actor=actor,
        action=AuditAction.NETWORKINVITATION_CREATE,
        obj=invitation,
        detail={"network_id": network.pk},
    )
    return invitation


def submission_for(consultation: Consultation) -> Submission | None:
    return Submission.objects.filter(consultation=consultation).first()


def comments_as_text(section: Section) -> str:
    """A first draft of the network's response: each comment, attributed."""
    return "\n\n".join(
        f"{c.body.strip()}\n— {c.person.full_name if c.person else _('(removed)')}"
        for c in section.comments.all()
    )


@transaction.atomic
def submission_save(
    *,
    consultation: Consultation,
    introduction: str,
    texts: dict[int, str],
    drafter: Person | None,
    actor: User | None,
    submit: bool = False,
    on: datetime.date | None = None,
) -> Submission:
    """Save the draft (texts keyed by section id); `submit` records it as sent."""
    submission, _created = Submission.objects.select_for_update().get_or_create(
        consultation=consultation
    )
    if submission.status == Submission.Status.SUBMITTED:
        raise NetworkError(_("This submission has been sent and cannot be changed."))
    section_ids = set(consultation.sections.values_list("pk", flat=True))
    for section_id, text in texts.items():
        if section_id not in section_ids:
            raise NetworkError(_("That section is not part of this consultation."))
        SubmissionSection.objects.update_or_create(
            submission=submission, section_id=section_id, defaults={"text": text}
        )
    submission.introduction = introduction
    submission.drafted_by = drafter
    update = ["introduction", "drafted_by", "updated"]
    if submit:
        submission.status = Submission.Status.SUBMITTED
        submission.submitted_on = on or timezone.localdate()
        update += ["status", "submitted_on"]
        consultation.submitted_at = timezone.now()
        consultation.save(update_fields=["submitted_at"])
    submission.save(update_fields=update)
    audit_log(
        actor=actor,
        action=AuditAction.SUBMISSION_SUBMIT if submit else AuditAction.SUBMISSION_SAVE,
        obj=submission,
        detail={"consultation_id": consultation.pk},
    )
    return submission


def _export_context(consultation: Consultation) -> dict[str, Any]:
    sections = list(
        consultation.sections.prefetch_related("comments__person").order_by(
            "number", "pk"
        )
    )
    submission = submission_for(consultation)
    texts = {t.section_id: t.text for t in submission.texts.all()} if submission else {}
    for section in sections:
        section.response = texts.get(section.pk, "")
    return {
        "consultation": consultation,
        "sections": sections,
        "submission": submission,
    }


def submission_pdf(*, consultation: Consultation, actor: User | None) -> bytes:
    """The submission as a PDF: the network's text per section, then its members'
    comments. Audited, as it carries names."""
    from networks.pdf import submission_pdf_bytes

    context = _export_context(consultation)
    document = submission_pdf_bytes(**context)
    _audit_export(
        actor=actor, consultation=consultation, sections=context["sections"], fmt="pdf"
    )
    return document


@transaction.atomic
def membership_digest_set(
    *, membership: NetworkMembership, digest: str, actor: User | None
) -> NetworkMembership:
    if digest not in NetworkMembership.Digest.values:
        raise NetworkError(_("Choose one of the digest options."))
    membership = NetworkMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.digest == digest:
        return membership
    was_off = membership.digest == NetworkMembership.Digest.NONE
    membership.digest = digest
    update = ["digest"]
    if digest != NetworkMembership.Digest.NONE and was_off:
        # The first digest (or the first after turning them off a while) brings
        # what is new from now on, not the archive.
        membership.digest_sent_until = timezone.now()
        update.append("digest_sent_until")
    membership.save(update_fields=update)
    audit_log(
        actor=actor,
        action=AuditAction.NETWORKMEMBERSHIP_DIGEST,
        obj=membership,
        detail={"digest": digest},
    )
    return membership


def digest_period(digest: str, day: datetime.date) -> str:
    if digest == NetworkMembership.Digest.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def digest_posts(digest: NetworkDigest):
    membership = digest.membership
    return (
        Post.objects.filter(
            thread__network_id=membership.network_id,
            created__gt=digest.since,
            created__lte=digest.until,
            hidden_by_moderator=False,
            thread__in=visible_threads(
                Thread.objects.filter(network_id=membership.network_id)
            ).values("pk"),
        )
        .exclude(author_id=membership.person_id)
        .select_related("thread", "author")
        .order_by("thread__title", "thread_id", "created", "pk")
    )


def digests_schedule(*, now: datetime.datetime | None = None) -> int:
    """Schedule this period's digest for every member who asked for one, may be
    emailed and has new posts to read; the email goes out through the reminders'
    exactly-once path. Returns how many were scheduled."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    wanting = NetworkMembership.objects.filter(
        status=NetworkMembership.Status.ACTIVE
    ).exclude(digest=NetworkMembership.Digest.NONE)
    emailable = contactable(Person.objects.filter(pk__in=wanting.values("person")))
    scheduled = 0
    for membership_id in wanting.filter(person__in=emailable).values_list(
        "pk", flat=True
    ):
        scheduled += _digest_schedule_one(
            membership_id=membership_id, now=now, today=today
        )
    return scheduled


@transaction.atomic
def _digest_schedule_one(
    *, membership_id: int, now: datetime.datetime, today: datetime.date
) -> int:
    membership = NetworkMembership.objects.select_for_update().get(pk=membership_id)
    period = digest_period(membership.digest, today)
    if NetworkDigest.objects.filter(membership=membership, period=period).exists():
        return 0
    since = membership.digest_sent_until or membership.joined
    digest = NetworkDigest(membership=membership, period=period, since=since, until=now)
    if not digest_posts(digest).exists():
        return 0
    digest.save()
    membership.digest_sent_until = now
    membership.save(update_fields=["digest_sent_until"])
    reminder_schedule(
        kind=REMINDER_DIGEST,
        person=membership.person,
        due_at=now,
        about=digest,
        key=f"{REMINDER_DIGEST}:{membership.pk}:{period}",
    )
    return 1


def organisation_contact_person(organisation: Any) -> Person:
    """The Person behind a community organisation's contact details, found by
    email in its constituency or added (never changing a known person, recording
    no consent of their own: the organisation's agreement to be mailed is what
    lets the party write). Call only for an organisation with a contact email."""
    first, _sep, last = organisation.contact_name.strip().partition(" ")
    return person_for_public_form(
        email=organisation.contact_email,
        constituency_ids=[organisation.constituency_id],
        first_name=(first or organisation.name)[:100],
        last_name=last[:100],
    )


def contact_refuses_email(person: Person) -> bool:
    """The person told us no email, or no contact at all: their own word beats
    their organisation's agreement."""
    said = current_consents(person)
    return said.get(("any", "")) is False or said.get(("email", "")) is False


@transaction.atomic
def organisation_mailing_create(*, instance: Any, actor: Any) -> Any:
    """A mailing to organisations an officer writes: saved with who wrote it."""
    instance.created_by = actor if getattr(actor, "is_authenticated", False) else None
    instance.save()
    audit_log(actor=actor, action=AuditAction.ORGANISATIONMAILING_CREATED, obj=instance)
    return instance
