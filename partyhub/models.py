"""Models of the project package itself: the lock rows of partyhub.locks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LockRow(models.Model):
    """One named lock where the database has no advisory locks (SQLite and
    others): partyhub.locks.hold() writes the row inside the caller's
    transaction, which holds it until commit or rollback. No personal data."""

    key = models.CharField(_("key"), max_length=200, primary_key=True)
    held_at = models.DateTimeField(_("last held at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lock")
        verbose_name_plural = _("locks")

    def __str__(self) -> str:
        return self.key
