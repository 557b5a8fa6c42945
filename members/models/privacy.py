"""Requests people make about their own data."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.organisation import Constituency
from members.models.people import Person
from partyhub.scoping import ScopedManager


class ErasureRequest(models.Model):
    """A person asked, from the portal, for their data to be erased (UK GDPR art. 17).

    The membership secretary of their constituency handles it within a month.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused (with reasons given)")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="erasure_requests",
    )
    # Kept on the request: the person's own constituency may be blank or change.
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    reason = models.TextField(_("reason given"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)
    notes = models.TextField(_("officer's notes"), blank=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ("-requested_at", "-pk")
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.requested_at:%Y-%m-%d})"

    @property
    def due_by(self) -> datetime.date:
        """UK GDPR: without undue delay, at the latest within one month."""
        return (self.requested_at + datetime.timedelta(days=30)).date()
