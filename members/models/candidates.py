"""The candidate pipeline (the report, section 3.8): members who want to stand.

Only the officers whose role is to find and prepare candidates (chair, secretary,
political education officer) hold the permissions for these models; the rest of the
CLP's officers never see who is thinking of standing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models.offices import ElectedRepresentative
from members.models.organisation import Constituency, Ward
from members.models.people import Person
from partyhub.scoping import ScopedManager


class Candidate(models.Model):
    """A member who is interested in standing, and how far they have come."""

    class Stage(models.TextChoices):
        INTERESTED = "interested", _("Interested")
        SHADOWING = "shadowing", _("Shadowing")
        TRAINING = "training", _("In training")
        PANEL = "panel", _("On the panel")
        SELECTED = "selected", _("Selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The offices one stands for are the elected roles we already record.
    Office = ElectedRepresentative.Role

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="candidacies",
    )
    office_sought = models.CharField(
        _("office sought"), max_length=16, choices=Office.choices
    )
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="candidates",
        help_text=_("The constituency sought, or whose officers look after them."),
    )
    ward = models.ForeignKey(
        Ward,
        verbose_name=_("ward sought"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidates",
        help_text=_("For council seats."),
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.INTERESTED
    )
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(_("added"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ("stage", "person__last_name", "pk")
        indexes = [
            models.Index(fields=["constituency", "stage"], name="candidate_stage_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_office_sought_display()})"

    def clean(self) -> None:
        if (
            self.ward_id
            and self.constituency_id
            and self.ward.constituency_id != self.constituency_id
        ):
            raise ValidationError(
                {"ward": _("This ward belongs to another constituency.")}
            )


class ShadowingPlacement(models.Model):
    """A candidate shadows a councillor or MP for a while."""

    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="placements",
    )
    representative = models.ForeignKey(
        ElectedRepresentative,
        verbose_name=_("elected representative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shadowed_by",
    )
    with_person = models.ForeignKey(
        Person,
        verbose_name=_("or with (a councillor or MP not recorded as above)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shadowed_by",
    )
    starts = models.DateField(_("from"))
    ends = models.DateField(_("until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    scope_lookup = "candidate__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("shadowing placement")
        verbose_name_plural = _("shadowing placements")
        ordering = ("-starts", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(representative__isnull=False)
                | Q(with_person__isnull=False),
                name="placement_has_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate.person} · {self.shadowed}"

    @property
    def shadowed(self) -> str:
        if self.representative_id:
            return str(self.representative)
        return str(self.with_person) if self.with_person_id else ""

    def clean(self) -> None:
        errors = {}
        if not self.representative_id and not self.with_person_id:
            errors["representative"] = _(
                "Choose the councillor or MP the candidate shadows."
            )
        if self.ends and self.starts and self.ends < self.starts:
            errors["ends"] = _("A placement cannot end before it starts.")
        if errors:
            raise ValidationError(errors)
