"""The organisation and its people.

Everyone the party knows is one Person; membership, offices and elected roles are
records attached to that Person, never copies of them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.postcodes import PostcodeField
from members.roles import Role
from partyhub.scoping import ScopedManager, ScopedQuerySet


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


class PersonQuerySet(ScopedQuerySet):
    def with_email(self) -> PersonQuerySet:
        return self.exclude(email="")


class Availability(models.TextChoices):
    """When a person can help (shift workers need to say so)."""

    WEEKDAY_EVENINGS = "evenings", _("Weekday evenings")
    WEEKENDS = "weekends", _("Weekends")
    WEEKDAY_DAYTIME = "daytime", _("Weekday daytime")
    SHIFT_WORK = "shifts", _("I work shifts: times vary")


class Person(models.Model):
    """One record per human the party knows: member, supporter, contact or all three."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    address_line_1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line_2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    postcode = PostcodeField(_("postcode"), blank=True)
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("home constituency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("Set from the postcode where the lookup knows it."),
    )
    ward = models.ForeignKey(
        Ward,
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    accessibility_needs = models.TextField(
        _("accessibility needs"),
        blank=True,
        help_text=_(
            "What helps this person take part: step-free access, a hearing loop…"
        ),
    )
    # A comma-separated list of Availability values: a plain CharField works on
    # every database (no ArrayField) and stays searchable in the admin.
    availability = models.CharField(_("when they can help"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "constituency"
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("export_person", _("Can export people to CSV"))]
        ordering = ("last_name", "first_name", "pk")
        constraints = [
            # One human, one record: an email makes at most one Person per CLP.
            models.UniqueConstraint(
                Lower("email"),
                "constituency",
                condition=~Q(email=""),
                name="person_unique_email_per_constituency",
            )
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name_idx"),
            models.Index(Lower("email"), name="person_email_idx"),
            models.Index(fields=["postcode"], name="person_postcode_idx"),
            models.Index(fields=["constituency", "ward"], name="person_scope_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def availability_list(self) -> list[str]:
        return [a for a in self.availability.split(",") if a]

    @property
    def postcode_unplaced(self) -> bool:
        """A postcode the lookup does not know: an officer should look."""
        return bool(self.postcode) and self.ward_id is None


class MembershipQuerySet(ScopedQuerySet):
    def in_good_standing(self) -> MembershipQuerySet:
        return self.filter(status=Membership.Status.CURRENT)


class Membership(models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        ARREARS = "arrears", _("In arrears")
        LAPSED = "lapsed", _("Lapsed")
        RESIGNED = "resigned", _("Resigned")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    membership_number = models.CharField(
        _("membership number"), max_length=20, unique=True
    )
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CURRENT
    )
    joined = models.DateField(_("joined"))
    trade_union = models.CharField(_("trade union"), max_length=120, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "constituency"
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ("membership_number",)
        indexes = [
            models.Index(
                fields=["constituency", "status"], name="membership_status_idx"
            ),
            models.Index(fields=["joined"], name="membership_joined_idx"),
        ]

    def __str__(self) -> str:
        return self.membership_number


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


class ErasureRequest(models.Model):
    """A person asked, from the portal, for their data to be erased (UK GDPR art. 17).

    The membership secretary of their constituency handles it within a month.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused (with reasons given)")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="erasure_requests",
    )
    # Kept on the request: the person's own constituency may be blank or change.
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("constituency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    reason = models.TextField(_("reason given"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)
    notes = models.TextField(_("officer's notes"), blank=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ("-requested_at", "-pk")
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.requested_at:%Y-%m-%d})"

    @property
    def due_by(self) -> datetime.date:
        """UK GDPR: without undue delay, at the latest within one month."""
        return (self.requested_at + datetime.timedelta(days=30)).date()
