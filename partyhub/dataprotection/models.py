"""Retention schedule and runs, the TPS list, and agreements to be kept as a former
member.

A CLP's schedule is one row per kind of data it changed from the default (see
`retention.RULES`); the nightly run plans its removals as rows first and then
carries each out in its own transaction, so a crash halfway finishes on retry and
the officers' report lists exactly what went.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager


class RetentionPeriod(models.Model):
    """A CLP's own period for one kind of data, replacing the default."""

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.CharField(_("kind of data"), max_length=40)
    days = models.PositiveIntegerField(
        _("days kept"), validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    updated = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention schedule")
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "category"], name="retention_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.days}"


class RetentionRun(models.Model):
    """One night's retention for one CLP (or for records with no CLP)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        APPLYING = "applying", _("Removing")
        DONE = "done", _("Done")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    run_on = models.DateField(_("night of"))
    as_of = models.DateTimeField(_("periods counted back from"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    started = models.DateTimeField(_("started"), default=timezone.now)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("removed, by kind of data"), default=dict, blank=True)
    reported_at = models.DateTimeField(_("report sent"), null=True, blank=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention: schedule, preview and runs")
        ordering = ("-run_on", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "run_on"],
                condition=Q(constituency__isnull=False),
                name="retention_run_once_a_night",
            ),
            models.UniqueConstraint(
                fields=["run_on"],
                condition=Q(constituency__isnull=True),
                name="retention_run_once_a_night_no_clp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.constituency or _('No constituency')} {self.run_on}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class RetentionItem(models.Model):
    """One record the run removes or anonymises. It names no one: the report says
    which kind of record and its number, never whose it was."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To do")
        DONE = "done", _("Removed")
        SKIPPED = "skipped", _("Kept: no longer due")

    run = models.ForeignKey(
        RetentionRun, on_delete=models.CASCADE, related_name="items"
    )
    category = models.CharField(_("kind of data"), max_length=40)
    model = models.CharField(_("record"), max_length=80)
    object_id = models.PositiveBigIntegerField(_("record number"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    done_at = models.DateTimeField(null=True, blank=True)

    scope_lookup = "run__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("removed record")
        verbose_name_plural = _("removed records")
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["run", "category", "model", "object_id"],
                name="retention_item_once_per_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.model} #{self.object_id}"


class KeepAsFormerMember(models.Model):
    """The person agreed to stay on record, by name only, as a former member once
    their contact details are removed (6 years after lapsing, by default)."""

    person = models.OneToOneField(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="keep_as_former_member",
    )
    agreed_on = models.DateField(_("agreed on"), default=timezone.localdate)
    how = models.CharField(
        _("how they agreed"),
        max_length=200,
        help_text=_("For example: on the phone to the membership secretary."),
    )
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
        verbose_name = _("agreement to be kept as a former member")
        verbose_name_plural = _("agreements to be kept as a former member")

    def __str__(self) -> str:
        return str(self.person)


class TpsUpload(models.Model):
    """A copy of the Telephone Preference Service list a CLP uploaded. Each upload
    replaces the CLP's numbers whole (the TPS supplies the full list each time)."""

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file_name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    numbers = models.PositiveIntegerField(_("numbers on the list"))
    rejected = models.PositiveIntegerField(_("lines not read as numbers"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_from_call_lists = models.PositiveIntegerField(
        _("numbers taken off open call lists"), default=0
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("TPS list upload")
        verbose_name_plural = _("TPS list (Telephone Preference Service)")
        ordering = ("-uploaded_at", "-pk")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d})"


class TpsNumber(models.Model):
    """One number on a CLP's TPS list, in E.164 (+441214960000)."""

    constituency = models.ForeignKey(
        "members.Constituency", on_delete=models.CASCADE, related_name="+"
    )
    number = models.CharField(max_length=16)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("TPS number")
        verbose_name_plural = _("TPS numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "number"], name="tps_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.number
