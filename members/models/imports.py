"""Runs of the national membership list import, and what each membership last
looked like in the national list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models.organisation import Constituency
from members.models.people import Membership
from partyhub.scoping import ScopedManager


class ImportRun(models.Model):
    """One upload of the national export: previewed, then applied (or not)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEW = "preview", _("Previewed (dry run)")
        APPLYING = "applying", _("Being applied")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed: nothing changed")

    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_repr = models.CharField(_("imported by"), max_length=200, blank=True)
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    file_size = models.PositiveIntegerField(_("file size (bytes)"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    # {"rows": n, "new": n, "changed": n, "unchanged": n, "arrears": n,
    #  "lapsed": n, "rejoined": n, "errors": n}
    counts = models.JSONField(_("counts"), default=dict)
    # The categories' lists (see members.imports.services.ImportPlan.report()).
    report = models.JSONField(_("report"), default=dict)
    # Set when an officer pressed Apply and the task has it; cleared if it failed.
    apply_requested_at = models.DateTimeField(
        _("apply requested"), null=True, blank=True
    )
    # Why the file could not be checked or applied, as the officer is told.
    problem = models.TextField(_("problem"), blank=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("national list import")
        verbose_name_plural = _("national list imports")
        ordering = ("-created", "-pk")
        permissions = [("import_members", _("Can import the national membership list"))]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created:%Y-%m-%d %H:%M})"

    def count(self, key: str) -> int:
        return int(self.counts.get(key, 0))


class MembershipImportState(models.Model):
    """The values the national list last gave for a membership and its person.

    An import changes a local value only when the national value changed since
    the last import: a member's own portal edit (or an officer's correction)
    stands until the national register says something new.
    """

    membership = models.OneToOneField(
        Membership,
        verbose_name=_("membership"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="import_state",
    )
    values = models.JSONField(_("last imported values"), default=dict)
    run = models.ForeignKey(
        ImportRun,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookup = "membership__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("imported membership values")
        verbose_name_plural = _("imported membership values")

    def __str__(self) -> str:
        return str(self.membership_id)
