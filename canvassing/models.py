"""Voter contact (issue 22): the electoral register, walks, doorstep returns and
polling day.

Electors are not People. The register a CLP receives from the electoral
registration officer may be used for electoral purposes only, so its rows live
here, apart from the party's own records, are seen only by officers and canvass
leads of the CLP, and are replaced or deleted whole on the CLP's retention
schedule (canvassing/retention.py). Someone on the doorstep who wants to join or
help becomes a supporter only through the supporters' club's double opt-in.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models.appointments import Appointed
from partyhub.scoping import ScopedManager


class CanvassLead(Appointed):
    """A member the CLP's officers appointed to lead canvassing: they use the
    register (walks, returns, results, polling day) without holding an office."""

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="canvass_leads",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="canvass_leads",
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("canvass lead")
        verbose_name_plural = _("canvass leads")
        ordering = ["constituency", "person__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "person"], name="canvassing_lead_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} leads canvassing in {self.constituency}"


class Imprint(models.Model):
    """The imprint the law requires on printed election material (Elections Act
    2022 / PPERA): who promoted it, on whose behalf, and their address."""

    constituency = models.OneToOneField(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="imprint",
    )
    promoter = models.CharField(_("promoted by"), max_length=200)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=200)
    address = models.CharField(
        _("address"),
        max_length=300,
        help_text=_("The promoter's postal address, on one line."),
    )

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("imprint")
        verbose_name_plural = _("imprints")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return str(
            _("Promoted by %(promoter)s on behalf of %(behalf)s, at %(address)s.")
            % {
                "promoter": self.promoter,
                "behalf": self.on_behalf_of,
                "address": self.address,
            }
        )


class PollingDistrict(models.Model):
    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="polling_districts",
    )
    ward = models.ForeignKey(
        "members.Ward",
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="polling_districts",
    )
    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=120, blank=True)
    # When the full register for the district was last imported: the retention
    # schedule deletes a register not replaced in time.
    imported_at = models.DateTimeField(_("full register imported"), null=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("polling district")
        verbose_name_plural = _("polling districts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "code"], name="canvassing_district_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Street(models.Model):
    district = models.ForeignKey(
        PollingDistrict, on_delete=models.CASCADE, related_name="streets"
    )
    name = models.CharField(_("street"), max_length=200)

    scope_lookup = "district__constituency"
    objects = ScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="canvassing_street_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """Electors at one address (grouped by the address lines and postcode)."""

    street = models.ForeignKey(
        Street, on_delete=models.CASCADE, related_name="households"
    )
    key = models.CharField(max_length=400)
    house_number = models.PositiveIntegerField(null=True)
    address = models.CharField(_("address"), max_length=400)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)

    scope_lookup = "street__district__constituency"
    objects = ScopedManager()

    class Meta:
        ordering = ["street", "house_number", "address"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "key"], name="canvassing_household_once"
            )
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def side(self) -> str:
        if self.house_number is None:
            return ""
        return "odd" if self.house_number % 2 else "even"


class Answer(models.TextChoices):
    OURS = "ours", _("Our party")
    OTHER = "other", _("Another party")
    UNDECIDED = "undecided", _("Undecided")
    WONT_SAY = "wont_say", _("Won't say")
    NOT_IN = "not_in", _("Not in")


class Elector(models.Model):
    district = models.ForeignKey(
        PollingDistrict, on_delete=models.CASCADE, related_name="electors"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="electors"
    )
    number = models.CharField(_("elector number"), max_length=20)
    number_sort = models.PositiveIntegerField(default=0)
    first_name = models.CharField(_("first names"), max_length=120, blank=True)
    last_name = models.CharField(_("surname"), max_length=120)
    markers = models.CharField(_("markers"), max_length=40, blank=True)
    postal_voter = models.BooleanField(_("postal voter"), default=False)
    # Kept up to date from the doorstep returns (the latest answer wins).
    intention = models.CharField(
        _("voting intention"), max_length=12, choices=Answer.choices, blank=True
    )
    contacted_at = models.DateTimeField(_("first spoken to"), null=True)
    knocked_at = models.DateTimeField(_("last knocked"), null=True)
    voted_at = models.DateTimeField(_("voted"), null=True)

    scope_lookup = "district__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electors")
        ordering = ["district", "number_sort", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "number"], name="canvassing_elector_once"
            )
        ]
        indexes = [models.Index(fields=["district", "intention", "voted_at"])]

    def __str__(self) -> str:
        return f"{self.full_number} {self.first_name} {self.last_name}".strip()

    @property
    def full_number(self) -> str:
        return f"{self.district.code}-{self.number}"


class RegisterImport(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", _("Full register")
        UPDATE = "update", _("Monthly update")
        MARKED = "marked", _("Marked register or tellers' numbers")

    district = models.ForeignKey(
        PollingDistrict, on_delete=models.CASCADE, related_name="imports"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    deleted = models.PositiveIntegerField(_("deleted"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "district__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.district} {self.created:%d %b %Y}"


class Walk(models.Model):
    class Target(models.TextChoices):
        ALL = "all", _("Everyone")
        NOT_CONTACTED = "not_contacted", _("Not yet spoken to")
        POSTAL = "postal", _("Postal voters")
        SUPPORTERS = "supporters", _("Our supporters")

    constituency = models.ForeignKey(
        "members.Constituency", on_delete=models.CASCADE, related_name="walks"
    )
    district = models.ForeignKey(
        PollingDistrict, on_delete=models.CASCADE, related_name="walks"
    )
    number = models.PositiveIntegerField(_("walk"))
    target = models.CharField(_("who to visit"), max_length=16, choices=Target.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("walk")
        verbose_name_plural = _("walks")
        ordering = ["-created", "number"]

    def __str__(self) -> str:
        return str(
            _("%(district)s walk %(n)s (%(target)s)")
            % {
                "district": self.district.code,
                "n": self.number,
                "target": self.get_target_display(),
            }
        )


class WalkStop(models.Model):
    walk = models.ForeignKey(Walk, on_delete=models.CASCADE, related_name="stops")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    scope_lookup = "walk__constituency"

    class Meta:
        ordering = ["walk", "position"]

    def __str__(self) -> str:
        return f"{self.walk_id}:{self.position}"


class DoorstepReturn(models.Model):
    """What one elector said at the door. `key` is made by the canvasser's phone
    (or the page) for each answer: sent again, it is recorded once."""

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    elector = models.ForeignKey(
        Elector, on_delete=models.CASCADE, related_name="returns"
    )
    walk = models.ForeignKey(
        Walk, null=True, blank=True, on_delete=models.SET_NULL, related_name="returns"
    )
    answer = models.CharField(_("answer"), max_length=12, choices=Answer.choices)
    issues = models.CharField(_("issues raised"), max_length=300, blank=True)
    poster = models.BooleanField(_("will put up a poster"), default=False)
    postal_vote_wanted = models.BooleanField(_("wants a postal vote"), default=False)
    wants_to_join = models.BooleanField(_("wants to join or help"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the canvasser pressed Save (the phone's clock), and when it arrived.
    recorded_at = models.DateTimeField(_("recorded"))
    received_at = models.DateTimeField(auto_now_add=True)

    scope_lookup = "elector__district__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("doorstep return")
        verbose_name_plural = _("doorstep returns")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.elector}: {self.get_answer_display()}"
