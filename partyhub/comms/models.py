"""Consent, segments, messages, reminders and one delivery row per recipient.

Political campaigning email is direct marketing (PECR): a message goes only to a
person whose consent for that channel stands at send time, names the CLP, and
carries a one-click way out. Deliveries are the unit of work: one row per
(message, person) under a unique constraint, claimed by workers, so a crashed or
repeated send mails nobody twice and a resumed one finishes the rest.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    TEXT = "text", _("Text message")
    POST = "post", _("Post")
    # "Contact me about nothing": a withdrawal here beats every other consent.
    ANY = "any", _("Any contact at all")


class Topic(models.TextChoices):
    """Kinds of mail a person can stop one at a time ("stop this kind of mail")."""

    GENERAL = "general", _("News and updates")
    NEWSLETTER = "newsletter", _("The quarterly newsletter")
    EVENTS = "events", _("Events and invitations")
    CAMPAIGNS = "campaigns", _("Campaigns and requests for help")
    NETWORKS = "networks", _("Policy networks")


class Method(models.TextChoices):
    SIGNUP_FORM = "signup_form", _("Signup form")
    PORTAL = "portal", _("Member portal")
    IMPORT = "import", _("Import")
    OFFICER_PHONE = "officer_phone", _("Officer, on the phone")
    OFFICER = "officer", _("Officer, in the admin")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
    PREFERENCES = "preferences", _("Preferences page")
    BOUNCE = "bounce", _("Email bounced")
    PETITION = "petition", _("Petition")
    EVENT = "event", _("Event booking")


class ConsentEvent(models.Model):
    """One grant or withdrawal, as it happened. Append-only: never edited."""

    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="consent_events"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    topic = models.CharField(
        _("topic"),
        max_length=16,
        choices=Topic.choices,
        blank=True,
        help_text=_("Blank: the whole channel."),
    )
    granted = models.BooleanField(_("granted"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    wording = models.TextField(_("wording shown"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent ledger")
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=["person", "channel", "topic", "-at"])]

    def __str__(self) -> str:
        verb = _("granted") if self.granted else _("withdrew")
        return f"{self.person} {verb} {self.get_channel_display()}"


class ConsentState(models.Model):
    """The current state per (person, channel, topic): the latest ConsentEvent,
    kept by `consent_record` in the same transaction so segment queries stay fast."""

    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    topic = models.CharField(max_length=16, choices=Topic.choices, blank=True)
    granted = models.BooleanField()
    method = models.CharField(max_length=16, choices=Method.choices)
    at = models.DateTimeField()

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("current consent")
        verbose_name_plural = _("current consents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "channel", "topic"], name="consent_state_unique"
            )
        ]
        indexes = [models.Index(fields=["channel", "topic", "granted"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.channel}/{self.topic or '*'}={self.granted}"


class BouncedAddress(models.Model):
    """An address that hard-bounced: skipped until somebody corrects it."""

    email = models.EmailField(unique=True)
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("bounced address")
        verbose_name_plural = _("bounced addresses")

    def __str__(self) -> str:
        return self.email


class Segment(models.Model):
    """A saved, named query over the People of one constituency.

    `criteria` holds the values of the criteria apps register (see
    partyhub.comms.segments); roles are combined with OR, filters with AND.
    """

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="segments",
    )
    name = models.CharField(_("name"), max_length=120)
    reason = models.CharField(
        _("why they receive it"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown at the foot of each email, e.g. 'you are a member of the "
            "Hodge Hill party'. Left blank, partyhub says it for you."
        ),
    )
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "name"], name="segment_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        # The mail server cannot be reached: nothing is lost, the rows stay queued
        # and sending resumes by itself when the server answers (see SmtpCircuit).
        PAUSED = "paused", _("Paused: mail server unreachable")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        NEWSLETTER = "newsletter", _("Quarterly newsletter")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="messages",
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.MESSAGE
    )
    quarter = models.CharField(
        _("quarter"),
        max_length=7,
        blank=True,
        help_text=_("For newsletters: the quarter this issue covers, e.g. 2027-Q1."),
    )
    topic = models.CharField(
        _("topic"),
        max_length=16,
        choices=Topic.choices,
        default=Topic.GENERAL,
        help_text=_("Recipients can stop one topic and keep the rest."),
    )
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("send to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    sender_name = models.CharField(
        _("from (name)"),
        max_length=120,
        blank=True,
        help_text=_("Left blank: the constituency party's name."),
    )
    reply_to = models.EmailField(_("replies go to"), blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("message"),
        help_text=_("Markdown: *italic*, **bold**, [link](https://…), lists."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(
        _("recipients fixed at"), null=True, blank=True
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ("-created",)
        indexes = [models.Index(fields=["status", "send_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "quarter"],
                condition=Q(kind="newsletter") & ~Q(status="cancelled"),
                name="one_newsletter_per_quarter",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class Reminder(models.Model):
    """ "Send template T to person P about object O at time X", stored as a row so the
    beat tick sends it through the same exactly-once path as every message.

    `key` makes scheduling idempotent: the same reminder asked for twice is one row.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        QUEUED = "queued", _("Queued")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=60)
    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="reminders"
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.person_id} at {self.due_at:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """One email to one person: the record that makes sending exactly-once."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Not sent, and why is its `error`: no consent, no address, bounced before.
        SKIPPED = "skipped", _("Not sent")

    message = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    reminder = models.OneToOneField(
        Reminder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="delivery",
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="deliveries"
    )
    to_email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # A worker's batch claim: queued rows with a claim belong to that worker until
    # the lease runs out. A live worker renews the lease while it sends (a
    # heartbeat); when a worker dies its parent frees the claims of the task it ran
    # (`claimed_by`), and the beat tick frees any whose lease ran out.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    not_before = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "person"],
                condition=Q(message__isnull=False),
                name="delivery_once_per_message_person",
            ),
            models.CheckConstraint(
                condition=Q(message__isnull=False) | Q(reminder__isnull=False),
                name="delivery_has_message_or_reminder",
            ),
        ]
        indexes = [
            # The claim query walks this small partial index in id order instead
            # of sorting every queued row of a 100,000-recipient send each batch.
            models.Index(
                fields=["id"],
                condition=Q(status="queued", claimed_at__isnull=True),
                name="delivery_claimable_idx",
            ),
            models.Index(fields=["status", "claimed_at"], name="delivery_work_idx"),
            models.Index(fields=["message", "status"], name="delivery_message_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.to_email} ({self.get_status_display()})"


class SmtpCircuit(models.Model):
    """The circuit breaker in front of the mail server: one row.

    When the server cannot be reached, sending stops (`opened_at` set), the rows
    stay queued without spending their attempts and messages show as paused; a
    single probe is allowed at `retry_at`, backing off to every half hour, for as
    long as the outage lasts. The first connection that works closes it.
    """

    opened_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mail server status")
        verbose_name_plural = _("mail server status")

    def __str__(self) -> str:
        return "open" if self.opened_at else "closed"

    @classmethod
    def current(cls) -> SmtpCircuit:
        return cls.objects.get_or_create(pk=1)[0]
