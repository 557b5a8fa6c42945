from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager


class AuditEntry(models.Model):
    """Who did what to which record, when — and for exports and bulk actions, to how
    many rows. Written by services, never edited."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the entry still says who acted after the login is deleted.
    actor_repr = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=80, db_index=True)
    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A record several CLPs share (a team, a campaign, an event, a network): every
    # CLP it spans, so each one's officers read its entries. Empty when the entry
    # is about one constituency only (then `constituency` says which).
    constituencies = models.ManyToManyField(
        "members.Constituency",
        verbose_name=_("constituencies"),
        blank=True,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    scope_lookup = "constituency"
    scope_also_lookup = "constituencies"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ("-at", "-pk")
        indexes = [
            models.Index(fields=["constituency", "-at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr or '-'} {self.action}"
