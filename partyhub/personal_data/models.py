"""Requests people make about their data, what erasure leaves behind, and merges."""

from __future__ import annotations

import calendar
import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (ICO: a request received
    on 31 January is due on 28 or 29 February)."""
    years, index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class DataRequest(models.Model):
    """A person's request about their own data (UK GDPR arts. 15 and 17): made in
    the portal, or by letter, email or phone to an officer. Due one calendar month
    after it was received; an officer may extend it by up to two more, with a
    reason given to the person."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("A copy of their data (subject access)")
        ERASURE = "erasure", _("Erasure of their data")

    class Status(models.TextChoices):
        OPEN = "open", _("Received: to review")
        APPROVED = "approved", _("Erasure approved: being carried out")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused (with reasons given)")

    class Received(models.TextChoices):
        PORTAL = "portal", _("In the member portal")
        EMAIL = "email", _("By email")
        LETTER = "letter", _("By letter")
        PHONE = "phone", _("By phone")
        IN_PERSON = "in_person", _("In person")

    OPEN_STATUSES = (Status.OPEN, Status.APPROVED)

    kind = models.CharField(_("what they asked for"), max_length=8, choices=Kind)
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="data_requests",
    )
    # Kept on the request: the person's own constituency may be blank or change.
    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    received_how = models.CharField(
        _("received how"), max_length=10, choices=Received, default=Received.PORTAL
    )
    reason = models.TextField(_("what they said"), blank=True)
    deadline = models.DateField(_("due by"))
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    extension_reason = models.TextField(_("why it was extended"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status, default=Status.OPEN
    )
    # Erasure: what the officer decided to keep ({model label: reason}), and what
    # the worker did ([{model, describe, action, rows, reason}]).
    keep = models.JSONField(_("kept, with reasons"), default=dict, blank=True)
    outcome = models.JSONField(_("what was done"), default=list, blank=True)
    notes = models.TextField(_("officer's notes"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed on"), null=True, blank=True)
    reminded_on = models.DateField(_("officers reminded on"), null=True, blank=True)
    created = models.DateTimeField(_("logged"), auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ("-received_on", "-pk")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person} ({self.received_on:%Y-%m-%d})"

    def save(self, *args, **kwargs) -> None:
        if not self.deadline:
            self.deadline = add_months(self.received_on, 1)
        super().save(*args, **kwargs)

    @property
    def due_by(self) -> datetime.date:
        return self.extended_to or self.deadline

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    # The portal's page for a request used this name.
    @property
    def requested_at(self) -> datetime.date:
        return self.received_on


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def email_hash(email: str) -> str:
    """The hash kept for an erased address: enough to recognise it again, not to
    read it back."""
    return hashlib.sha256(
        f"partyhub-suppression:{normalise_email(email)}".encode()
    ).hexdigest()


def membership_number_hash(number: str) -> str:
    """Likewise for a membership number: the national file may carry no email."""
    return email_hash(f"#membership:{(number or '').strip().upper()}")


def suppressed_hashes(hashes: list[str], constituency_id: int | None) -> set[str]:
    """Which of these hashes belong to people erased here (or everywhere)."""
    qs = Suppression.objects.filter(email_hash__in=hashes)
    if constituency_id is not None:
        qs = qs.filter(
            models.Q(constituency_id=constituency_id)
            | models.Q(constituency__isnull=True)
        )
    return set(qs.values_list("email_hash", flat=True))


class Suppression(models.Model):
    """An address whose owner was erased: a later import or signup with it is held
    for an officer's decision, so nobody is brought back unasked."""

    email_hash = models.CharField(_("hash of the email address"), max_length=64)
    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    request = models.ForeignKey(
        DataRequest,
        verbose_name=_("erasure request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suppressions",
    )
    created = models.DateTimeField(_("since"), auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("erased address")
        verbose_name_plural = _("erased addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["email_hash", "constituency"], name="suppression_unique"
            )
        ]
        indexes = [models.Index(fields=["email_hash"])]

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}…"

    @classmethod
    def matches(cls, email: str, constituency_id: int | None = None) -> bool:
        if not normalise_email(email):
            return False
        return bool(suppressed_hashes([email_hash(email)], constituency_id))


class MergeRecord(models.Model):
    """Two records of one human merged into one: what the merged-away record held,
    which values the officer chose, what moved and how clashes were resolved."""

    survivor = models.ForeignKey(
        "members.Person",
        verbose_name=_("kept record"),
        on_delete=models.CASCADE,
        related_name="merge_records",
    )
    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_person_id = models.PositiveBigIntegerField(_("merged record's number"))
    merged = models.JSONField(_("the merged record as it was"), default=dict)
    chosen = models.JSONField(_("values chosen from it"), default=list, blank=True)
    moved = models.JSONField(_("rows moved"), default=list, blank=True)
    conflicts = models.JSONField(_("clashes resolved"), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("merged on"), default=timezone.now)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("merge of duplicates")
        verbose_name_plural = _("merges of duplicates")
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"#{self.merged_person_id} → {self.survivor_id} ({self.at:%Y-%m-%d})"
