"""Regular mailings to the community organisations that agreed to be mailed
(report: "keep in touch with voluntary organisations")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from networks.models.community import CommunityOrganisation
from partyhub.scoping import ScopedManager


class OrganisationMailing(models.Model):
    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="organisation_mailings",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("message"), help_text=_("Markdown: **bold**, [a link](https://…), lists.")
    )
    kinds = models.JSONField(
        _("only these kinds"),
        default=list,
        blank=True,
        help_text=_("Leave empty to mail every kind of organisation."),
    )
    ward = models.ForeignKey(
        "members.Ward",
        verbose_name=_("only this ward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisations = models.ManyToManyField(
        CommunityOrganisation,
        verbose_name=_("organisations"),
        through="OrganisationMailingRecipient",
        related_name="mailings",
        blank=True,
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("mailing to organisations")
        verbose_name_plural = _("mailings to organisations")
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return self.subject

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.ward_id
            and self.constituency_id
            and self.ward.constituency_id != self.constituency_id
        ):
            raise ValidationError(
                {"ward": _("Choose a ward in the mailing's constituency.")}
            )
        unknown = set(self.kinds or []) - set(CommunityOrganisation.Kind.values)
        if unknown:
            raise ValidationError({"kinds": _("Choose kinds from the list.")})


class OrganisationMailingRecipient(models.Model):
    """What happened to one organisation when a mailing was sent."""

    class Status(models.TextChoices):
        EMAILED = "emailed", _("Emailed")
        BY_HAND = "by_hand", _("To contact by hand")

    class Reason(models.TextChoices):
        NONE = "", _("—")
        NO_CONSENT = "no_consent", _("The organisation has not agreed to be mailed")
        NO_EMAIL = "no_email", _("No contact email")
        CONTACT_SAID_NO = "contact_said_no", _("The contact asked not to be emailed")

    mailing = models.ForeignKey(
        OrganisationMailing,
        verbose_name=_("mailing"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    organisation = models.ForeignKey(
        CommunityOrganisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="mailing_recipients",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.CharField(
        _("why not emailed"), max_length=20, choices=Reason.choices, blank=True
    )

    scope_lookup = "mailing__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("organisation mailed")
        verbose_name_plural = _("organisations mailed")
        ordering = ("status", "organisation__name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "organisation"], name="orgmailing_once_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_status_display()}"
