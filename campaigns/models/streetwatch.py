"""Street watch: members and supporters report problems in the street; the report
goes to the ward's councillors and the reporter hears what happened."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager


def street_photo_path(instance: StreetReport, filename: str) -> str:
    # A random name: the file name a phone gives a photo can say who took it.
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"streetwatch/{uuid.uuid4().hex}{suffix}"


class StreetReport(models.Model):
    class Category(models.TextChoices):
        ANTI_SOCIAL = "anti_social", _("Anti-social behaviour")
        RUBBISH = "rubbish", _("Dumped rubbish")
        ABANDONED_CAR = "abandoned_car", _("Abandoned car")
        BROKEN_LIGHT = "broken_light", _("Broken street light")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        FORWARDED = "forwarded", _("Forwarded to the councillor")
        RESOLVED = "resolved", _("Resolved")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="street_reports",
    )
    ward = models.ForeignKey(
        "members.Ward",
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="street_reports",
    )
    reporter = models.ForeignKey(
        "members.Person",
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="street_reports",
    )
    category = models.CharField(_("problem"), max_length=16, choices=Category.choices)
    description = models.TextField(_("what is wrong"))
    location = models.CharField(_("where"), max_length=200)
    postcode = models.CharField(_("nearest postcode"), max_length=8)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    photo = models.ImageField(_("photo"), upload_to=street_photo_path, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REPORTED
    )
    forwarded_to = models.ManyToManyField(
        "members.Person",
        verbose_name=_("forwarded to"),
        blank=True,
        related_name="+",
    )
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    action_taken = models.TextField(
        _("action taken"),
        blank=True,
        help_text=_("What the councillor or the council did; the reporter is told."),
    )
    created = models.DateTimeField(_("reported"), auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("street watch report")
        verbose_name_plural = _("street watch reports")
        ordering = ["-created"]
        indexes = [models.Index(fields=["constituency", "ward", "status"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.location}"
