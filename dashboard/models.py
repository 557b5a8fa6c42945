"""The officers' weekly digest: who asked for it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager


class DigestSubscription(models.Model):
    """An officer asked, in the portal, for the weekly digest by email. The row
    exists while they want it; turning it off deletes it."""

    person = models.OneToOneField(
        "members.Person",
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="officer_digest",
    )
    created = models.DateTimeField(_("asked for it on"), auto_now_add=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("weekly digest subscription")
        verbose_name_plural = _("weekly digest subscriptions")

    def __str__(self) -> str:
        return str(self.person)
