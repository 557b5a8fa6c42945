"""Offices held in the party, and elected representatives."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.organisation import Branch, Constituency, Ward
from members.models.people import Person
from members.roles import Role
from partyhub.scoping import ScopedManager, ScopedQuerySet


class OfficeQuerySet(ScopedQuerySet):
    def current(self, on: datetime.date | None = None) -> OfficeQuerySet:
        """Offices held on a day (today by default). An office ends at the start of
        its end date, so ending it today removes admin access today."""
        day = on or timezone.localdate()
        return self.filter(Q(ends__isnull=True) | Q(ends__gt=day), starts__lte=day)


class Office(models.Model):
    """A person holds a role in a constituency (or one of its branches) for a while.

    Holding an office today is what opens the admin, for that constituency only.
    """

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="offices",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="offices",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offices",
        help_text=_("Leave blank for a constituency office."),
    )
    starts = models.DateField(_("from"), default=timezone.localdate)
    ends = models.DateField(
        _("ended on"),
        null=True,
        blank=True,
        help_text=_(
            "Leave blank while the office is held. Admin access stops on this day."
        ),
    )

    scope_lookup = "constituency"
    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ("constituency", "role", "-starts")
        indexes = [models.Index(fields=["person", "ends"], name="office_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="office_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        where = self.branch.name if self.branch_id else self.constituency.name
        return f"{self.get_role_display()}, {where}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if (
            self.branch_id
            and self.constituency_id
            and self.branch.constituency_id != self.constituency_id
        ):
            errors["branch"] = _("This branch belongs to another constituency.")
        if self.ends and self.starts and self.ends < self.starts:
            errors["ends"] = _("An office cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class ElectedRepresentative(models.Model):
    """A councillor, MP, MS, MSP or MEP, and the wards or constituency they represent."""

    class Role(models.TextChoices):
        WARD_COUNCILLOR = "councillor", _("Ward councillor")
        MP = "mp", _("Member of Parliament")
        MS = "ms", _("Member of the Senedd")
        MSP = "msp", _("Member of the Scottish Parliament")
        MEP = "mep", _("Member of the European Parliament")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="elected_roles",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="representatives",
    )
    wards = models.ManyToManyField(
        Ward,
        verbose_name=_("wards"),
        blank=True,
        related_name="representatives",
        help_text=_("For councillors: the wards they represent."),
    )
    starts = models.DateField(_("from"), default=timezone.localdate)
    ends = models.DateField(_("until"), null=True, blank=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("elected representative")
        verbose_name_plural = _("elected representatives")
        ordering = ("constituency", "role")

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"
