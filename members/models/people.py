"""People and their memberships.

Everyone the party knows is one Person; membership, offices and elected roles are
records attached to that Person, never copies of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Length, Lower, Replace, Substr, Upper
from django.utils.translation import gettext_lazy as _

from members.models.organisation import Branch, Constituency, Ward
from members.postcodes import PostcodeField
from partyhub.scoping import ScopedQuerySet


def _without(expression, characters: str):
    for character in characters:
        expression = Replace(expression, models.Value(character), models.Value(""))
    return expression


def phone_e164_expression(field: str) -> models.Expression:
    """SQL that turns a stored phone number into E.164, as
    partyhub.dataprotection.tps.normalise_phone does in Python for the usual UK
    spellings (0121 496 0000, +44 (0)121 496 0000, 0044 121 496 0000,
    1214960000); '' when it is none of them. Only replace, substring, length and
    concatenation, so that PostgreSQL and SQLite can both keep it as a stored
    generated column."""
    s = _without(models.F(field), " -().")
    text: models.CharField[str, str] = models.CharField()
    plus44 = models.Value("+44")
    return models.Case(
        models.When(
            models.Q(models.lookups.Exact(Substr(s, 1, 4), models.Value("+440"))),
            then=Concat(plus44, Substr(s, 5), output_field=text),
        ),
        models.When(
            models.Q(models.lookups.Exact(Substr(s, 1, 1), models.Value("+"))),
            then=s,
        ),
        models.When(
            models.Q(models.lookups.Exact(Substr(s, 1, 5), models.Value("00440"))),
            then=Concat(plus44, Substr(s, 6), output_field=text),
        ),
        models.When(
            models.Q(models.lookups.Exact(Substr(s, 1, 2), models.Value("00"))),
            then=Concat(models.Value("+"), Substr(s, 3), output_field=text),
        ),
        models.When(
            models.Q(models.lookups.Exact(Substr(s, 1, 2), models.Value("44")))
            & models.Q(models.lookups.In(Length(s), [11, 12])),
            then=Concat(models.Value("+"), s, output_field=text),
        ),
        models.When(
            models.Q(models.lookups.Exact(Substr(s, 1, 1), models.Value("0")))
            & models.Q(models.lookups.In(Length(s), [10, 11])),
            then=Concat(plus44, Substr(s, 2), output_field=text),
        ),
        models.When(
            models.Q(models.lookups.In(Length(s), [9, 10])),
            then=Concat(plus44, s, output_field=text),
        ),
        default=models.Value(""),
        output_field=text,
    )


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
    notes = models.TextField(
        _("officers' notes"),
        blank=True,
        help_text=_("Kept locally: an import of the national list never changes it."),
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
    academy_graduated_on = models.DateField(
        _("academy graduate since"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the political education officer marks the academy course "
            "complete; counts towards candidate-panel eligibility."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    # Set when the person was erased at their request: the row stays, nameless, so
    # counts of bookings and signatures stay right (partyhub.personal_data).
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    # Normalised copies for exact look-ups (issue 21): computed and stored by the
    # database itself (generated columns), so every way a person is written —
    # forms, services, imports' bulk_create/bulk_update, erasure's update() —
    # keeps them right. members.search looks people up on them.
    email_key = models.GeneratedField(
        expression=Lower("email"),
        output_field=models.CharField(max_length=254),
        db_persist=True,
        verbose_name=_("email (lower case)"),
    )
    postcode_key = models.GeneratedField(
        expression=Upper(Replace("postcode", models.Value(" "), models.Value(""))),
        output_field=models.CharField(max_length=8),
        db_persist=True,
        verbose_name=_("postcode (no space)"),
    )
    phone_e164 = models.GeneratedField(
        expression=phone_e164_expression("phone"),
        output_field=models.CharField(max_length=30),
        db_persist=True,
        verbose_name=_("phone (E.164)"),
    )
    mobile_e164 = models.GeneratedField(
        expression=phone_e164_expression("mobile"),
        output_field=models.CharField(max_length=30),
        db_persist=True,
        verbose_name=_("mobile (E.164)"),
    )

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
            models.Index(fields=["phone"], name="person_phone_idx"),
            models.Index(fields=["mobile"], name="person_mobile_idx"),
            models.Index(fields=["constituency", "ward"], name="person_scope_idx"),
            # varchar_pattern_ops: the btree serves "= key" and "LIKE 'key%'"
            # alike on PostgreSQL (other databases ignore opclasses).
            models.Index(
                fields=["email_key"],
                name="person_email_key_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["postcode_key"],
                name="person_postcode_key_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["phone_e164"], name="person_phone_e164_idx"),
            models.Index(fields=["mobile_e164"], name="person_mobile_e164_idx"),
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
    expires = models.DateField(
        _("paid up until"),
        null=True,
        blank=True,
        help_text=_("From the national register: when this membership needs renewing."),
    )
    status_since = models.DateField(
        _("status since"),
        null=True,
        blank=True,
        help_text=_(
            "When the status last changed (joined, fell into arrears, lapsed…)."
        ),
    )
    rejoined_on = models.DateField(
        _("rejoined on"),
        null=True,
        blank=True,
        help_text=_("Set when a lapsed or resigned member joins again."),
    )
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
            models.Index(
                fields=["constituency", "expires"], name="membership_expires_idx"
            ),
            # The people list's status filter is EXISTS(membership of this
            # person with this status): served from the index alone, never a
            # scan of every membership (bench/EXPLAIN.md).
            models.Index(
                fields=["status", "person"], name="membership_status_person_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.membership_number
