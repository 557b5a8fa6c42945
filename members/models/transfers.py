"""A person's move from one constituency to another, decided by the receiving CLP."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.organisation import Constituency, Ward
from members.models.people import Person
from members.postcodes import PostcodeField
from partyhub.scoping import ScopedManager


class Transfer(models.Model):
    """A new postcode put a person in another CLP. Nothing moves until an officer
    of the receiving CLP accepts: until then they stay with their home CLP (and its
    officers), with no ward there."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the receiving constituency")
        ACCEPTED = "accepted", _("Accepted: moved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn: the postcode changed again")

    class Source(models.TextChoices):
        PORTAL = "portal", _("The person, on My details")
        ADMIN = "admin", _("An officer, on the person's page")
        SIGNUP = "signup", _("A confirmed supporters' signup")
        IMPORT = "import", _("An import")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="transfers",
    )
    from_constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    to_ward = models.ForeignKey(
        Ward,
        verbose_name=_("new ward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    postcode = PostcodeField(_("new postcode"))
    source = models.CharField(_("asked by"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested = models.DateTimeField(_("asked"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by (login)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Officers of the receiving CLP decide; the admin also shows the sending CLP's
    # officers their people's transfers (read-only).
    scope_lookup = "to_constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ("-requested", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["to_constituency", "status"]),
            models.Index(fields=["from_constituency", "status"]),
        ]

    def __str__(self) -> str:
        return _("%(person)s, %(old)s to %(new)s") % {
            "person": self.person,
            "old": self.from_constituency,
            "new": self.to_constituency,
        }
