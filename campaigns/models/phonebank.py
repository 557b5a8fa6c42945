"""Phone banking: a call list built from a communications segment, and one entry
per person to ring, reserved by one caller at a time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager


class CallList(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open to callers")
        CLOSED = "closed", _("Closed")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="call_lists",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_lists",
    )
    name = models.CharField(_("name"), max_length=200)
    segment = models.ForeignKey(
        "comms.Segment",
        verbose_name=_("segment"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who to call. People without a phone number or who asked not "
                    "to be called are left out."),
    )  # fmt: skip
    script = models.TextField(
        _("what to say"), blank=True, help_text=_("Shown to every caller.")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    reservation_minutes = models.PositiveSmallIntegerField(
        _("minutes a caller holds their numbers"), default=30
    )
    built_at = models.DateTimeField(_("list built"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("call list")
        verbose_name_plural = _("call lists")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.name


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    DO_NOT_CALL = "do_not_call", _("Do not call")


class CallListEntry(models.Model):
    call_list = models.ForeignKey(
        CallList, on_delete=models.CASCADE, related_name="entries"
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=30)
    # A reservation lapses on its own: a caller who walks away frees their numbers.
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reserved_until = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=CallOutcome.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookup = "call_list__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("call list entry")
        verbose_name_plural = _("call list entries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call_list", "person"], name="campaigns_call_once_per_list"
            )
        ]
        indexes = [models.Index(fields=["call_list", "outcome", "reserved_until"])]

    def __str__(self) -> str:
        return f"{self.person} on {self.call_list}"
