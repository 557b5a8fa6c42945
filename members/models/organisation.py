"""The organisation: constituencies, wards, branches and the postcode lookup."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from members.postcodes import PostcodeField
from partyhub.scoping import ScopedManager


class Constituency(models.Model):
    """A constituency party (CLP)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(
        _("short name in web addresses"), max_length=120, unique=True
    )
    ons_code = models.CharField(
        _("ONS code"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The constituency code in ONS postcode files, e.g. E14000564."),
    )
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_(
            "Printed at the foot of every email the party sends (the law asks for it)."
        ),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    description = models.TextField(
        _("public introduction"),
        blank=True,
        help_text=_("Shown on the public home page."),
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "pk"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("constituency")
        verbose_name_plural = _("constituencies")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="wards",
    )
    name = models.CharField(_("name"), max_length=120)
    ons_code = models.CharField(
        _("ONS code"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The ward code in ONS postcode files, e.g. E05011121."),
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "name"],
                name="ward_unique_name_per_constituency",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    """A branch party covers one or more wards of its constituency."""

    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="branches",
    )
    name = models.CharField(_("name"), max_length=120)
    wards = models.ManyToManyField(
        Ward, verbose_name=_("wards"), related_name="branches", blank=True
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "name"],
                name="branch_unique_name_per_constituency",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    """A row of the ONS postcode-to-ward lookup, for the wards partyhub knows."""

    postcode = PostcodeField(_("postcode"), unique=True)
    ward = models.ForeignKey(
        Ward,
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcode lookup")
        ordering = ("postcode",)

    def __str__(self) -> str:
        return self.postcode
