"""Forums: Women's Forum, Young Labour, Ethnic Minority Forum, European Forum, Local
Government Forum — each with its own officers and members.

A forum may span several constituencies (`scope_spans_many`); its membership and
officer rows are scoped by the person's home constituency, so on a forum shared by
two CLPs each CLP's officers see only their own people. Forum officers are not CLP
officers: they get no admin access from a forum office, only the portal's "My
forums" page for their own forum.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.appointments import Appointed
from members.models.organisation import Constituency
from members.models.people import Person
from partyhub.scoping import ScopedManager, ScopedQuerySet


class Forum(models.Model):
    class Kind(models.TextChoices):
        WOMEN = "women", _("Women's Forum")
        YOUNG_LABOUR = "young_labour", _("Young Labour")
        ETHNIC_MINORITY = "ethnic_minority", _("Ethnic Minority Forum")
        EUROPEAN = "european", _("European Forum")
        LOCAL_GOVERNMENT = "local_government", _("Local Government Forum")
        OTHER = "other", _("Other forum")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    constituencies = models.ManyToManyField(
        Constituency,
        verbose_name=_("constituencies it spans"),
        related_name="forums",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    scope_lookup = "constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class ForumMembership(models.Model):
    forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="forum_memberships",
    )
    joined = models.DateField(_("joined"), default=timezone.localdate)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("forum member")
        verbose_name_plural = _("forum members")
        ordering = ("forum", "person__last_name", "person__first_name")
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "person"], name="forum_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.forum}"


class ForumOfficerQuerySet(ScopedQuerySet):
    def current(self, on: datetime.date | None = None) -> ForumOfficerQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ends__isnull=True) | Q(ends__gt=day), starts__lte=day)


class ForumOfficer(Appointed):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        OFFICER = "officer", _("Officer")

    forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum"),
        on_delete=models.CASCADE,
        related_name="officers",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="forum_offices",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    starts = models.DateField(_("from"), default=timezone.localdate)
    ends = models.DateField(
        _("ended on"),
        null=True,
        blank=True,
        help_text=_("The forum page stops opening for them on this day."),
    )

    scope_lookup = "person__constituency"
    objects = ForumOfficerQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum officer")
        verbose_name_plural = _("forum officers")
        ordering = ("forum", "role", "-starts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="forum_officer_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.forum}: {self.person}"

    def clean(self) -> None:
        if self.ends and self.starts and self.ends < self.starts:
            raise ValidationError({"ends": _("An office cannot end before it starts.")})


class ForumInvitation(models.Model):
    """A forum officer's invitation: the person joins only when they accept the
    signed link emailed to them (adding someone is never done for them)."""

    forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="forum_invitations",
    )
    invited_by = models.ForeignKey(
        Person,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("invited"), auto_now_add=True)
    accepted = models.DateTimeField(_("accepted"), null=True, blank=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("forum invitation")
        verbose_name_plural = _("forum invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "person"], name="forum_invitation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.forum}"
