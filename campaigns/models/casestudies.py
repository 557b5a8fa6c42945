"""Local case studies: a small bank of local stories campaigners can use when
writing leaflets ("make it local") — only those whose people gave consent."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedQuerySet


class CaseStudyQuerySet(ScopedQuerySet):
    def findable(self) -> CaseStudyQuerySet:
        """Stories whose people agreed to their use: the only ones campaigners see."""
        return self.filter(consent_given=True)


class CaseStudy(models.Model):
    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="case_studies",
    )
    ward = models.ForeignKey(
        "members.Ward",
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    policy_area = models.CharField(
        _("policy area"),
        max_length=80,
        help_text=_("Housing, the NHS, cost of living, transport…"),
    )
    text = models.TextField(_("the story"))
    consent_given = models.BooleanField(
        _("the people in it agreed to its use"), default=False
    )
    consent_given_by = models.CharField(
        _("who gave consent"), max_length=200, blank=True
    )
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_lookup = "constituency"
    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("local case study")
        verbose_name_plural = _("local case studies")
        ordering = ["-created"]
        constraints = [
            # Consent without a name and a date is no record of consent.
            models.CheckConstraint(
                condition=Q(consent_given=False)
                | (~Q(consent_given_by="") & Q(consent_date__isnull=False)),
                name="campaigns_case_study_consent_recorded",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.ward_id and self.ward.constituency_id != self.constituency_id:
            raise ValidationError({"ward": _("Choose a ward in the constituency.")})
        if self.consent_given:
            errors = {}
            if not self.consent_given_by.strip():
                errors["consent_given_by"] = _("Say who gave consent.")
            if self.consent_date is None:
                errors["consent_date"] = _("Say when consent was given.")
            if errors:
                raise ValidationError(errors)
