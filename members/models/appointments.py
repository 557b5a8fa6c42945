"""Who appointed a role holder, and for which constituency.

A forum officer, a team lead or a network co-ordinator sees the contact details of
the people in their forum, team or network only where that constituency's officers
appointed them (`partyhub.scoping.contact_constituencies`): on an object shared by
two CLPs, an officer of one cannot appoint themselves and read the other's people.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Appointed(models.Model):
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appointed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appointed_for = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("appointed for"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The constituency whose officers made the appointment: the role holder "
            "sees contact details of that constituency's people only."
        ),
    )

    class Meta:
        abstract = True
