"""The register of interests and skills (the report, section 5.3).

Members say what they do and know (school governor, magistrate, union rep, a
language, design…); officers add what they learn. Networks use it to suggest
people to invite, candidate searches use it to find experience.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models.people import Person
from partyhub.scoping import ScopedManager


class Interest(models.Model):
    """One entry of the editable list: "School governor", "Welsh speaker"…"""

    class Kind(models.TextChoices):
        ROLE = "role", _("A public role they hold")
        SKILL = "skill", _("A skill")
        LANGUAGE = "language", _("A language")
        INTEREST = "interest", _("A policy interest")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.SKILL
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("Untick to stop offering it without losing who has it."),
    )

    class Meta:
        verbose_name = _("interest or skill")
        verbose_name_plural = _("interests and skills")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class PersonInterest(models.Model):
    """A person has an interest or skill (and, optionally, what exactly)."""

    class Source(models.TextChoices):
        SELF = "self", _("Said by the person")
        OFFICER = "officer", _("Added by an officer")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="interests",
    )
    interest = models.ForeignKey(
        Interest,
        verbose_name=_("interest or skill"),
        on_delete=models.PROTECT,
        related_name="holders",
    )
    detail = models.CharField(
        _("details"),
        max_length=200,
        blank=True,
        help_text=_("e.g. which school, which union, how fluent."),
    )
    source = models.CharField(
        _("added by"), max_length=8, choices=Source.choices, default=Source.SELF
    )
    created = models.DateTimeField(_("added"), auto_now_add=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("person's interest or skill")
        verbose_name_plural = _("people's interests and skills")
        ordering = ("interest__name", "person__last_name")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "interest"], name="personinterest_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.interest}"
