"""The directory of community organisations, and trade union links: union branch
officers, key activists and union delegates to the General Committee."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager


class CommunityOrganisation(models.Model):
    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("Residents' or tenants' association")
        FAITH = "faith", _("Church or faith group")
        NEIGHBOURHOOD_WATCH = "neighbourhood_watch", _("Neighbourhood watch")
        SCHOOL = "school", _("School")
        VOLUNTARY = "voluntary", _("Voluntary group")
        BUSINESS = "business", _("Local business")
        UNION_BRANCH = "union_branch", _("Union branch")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="community_organisations",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    consent_to_mail = models.BooleanField(_("agreed to be mailed"), default=False)
    consent_wording = models.CharField(
        _("what they agreed to"),
        max_length=300,
        blank=True,
        help_text=_("The words they were asked, so the consent can be shown later."),
    )
    ward = models.ForeignKey(
        "members.Ward",
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_organisations",
    )
    relationship_notes = models.TextField(_("the party's relationship"), blank=True)
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    owner = models.ForeignKey(
        "members.Person",
        verbose_name=_("who owns the relationship"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_relationships",
    )
    union = models.CharField(
        _("union"),
        max_length=120,
        blank=True,
        help_text=_("For a union branch: the union, as members write it (UNISON…)."),
    )
    joint_campaigns = models.ManyToManyField(
        "campaigns.Campaign",
        verbose_name=_("joint campaigns"),
        blank=True,
        related_name="partner_organisations",
    )
    joint_events = models.ManyToManyField(
        "events.Event",
        verbose_name=_("joint events"),
        blank=True,
        related_name="partner_organisations",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("community organisation")
        verbose_name_plural = _("community organisations")
        ordering = ("name", "pk")
        indexes = [
            models.Index(fields=["constituency", "kind"], name="communityorg_kind_idx")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.ward_id
            and self.constituency_id
            and self.ward.constituency_id != self.constituency_id
        ):
            raise ValidationError(
                {"ward": _("Choose a ward in the organisation's constituency.")}
            )


def _is_union_branch(organisation: CommunityOrganisation | None) -> bool:
    return (
        organisation is not None
        and organisation.kind == CommunityOrganisation.Kind.UNION_BRANCH
    )


UNION_BRANCHES = {"kind": CommunityOrganisation.Kind.UNION_BRANCH}


class UnionBranchOfficer(models.Model):
    """An officer of a local union branch (not necessarily in the party)."""

    branch = models.ForeignKey(
        CommunityOrganisation,
        verbose_name=_("union branch"),
        on_delete=models.CASCADE,
        related_name="union_officers",
        limit_choices_to=UNION_BRANCHES,
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(
        _("role"), max_length=100, help_text=_("Branch secretary, chair, steward…")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    consent_to_mail = models.BooleanField(_("agreed to be mailed"), default=False)

    scope_lookup = "branch__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("union branch officer")
        verbose_name_plural = _("union branch officers")
        ordering = ("branch", "name", "pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.branch_id and not _is_union_branch(self.branch):
            raise ValidationError({"branch": _("Choose a union branch.")})


class UnionActivist(models.Model):
    """A key union activist among the party's people: steward, rep, branch officer."""

    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="union_roles",
    )
    branch = models.ForeignKey(
        CommunityOrganisation,
        verbose_name=_("union branch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activists",
        limit_choices_to=UNION_BRANCHES,
    )
    union = models.CharField(_("union"), max_length=120)
    role = models.CharField(
        _("union role"),
        max_length=100,
        help_text=_("Shop steward, health and safety rep…"),
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("union activist")
        verbose_name_plural = _("union activists")
        ordering = ("union", "person__last_name", "pk")

    def __str__(self) -> str:
        return f"{self.person} · {self.union} {self.role}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.branch_id and not _is_union_branch(self.branch):
            raise ValidationError({"branch": _("Choose a union branch.")})


class UnionDelegate(models.Model):
    """A delegate a union branch nominates to the General Committee."""

    branch = models.ForeignKey(
        CommunityOrganisation,
        verbose_name=_("union branch"),
        on_delete=models.CASCADE,
        related_name="gc_delegates",
        limit_choices_to=UNION_BRANCHES,
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("delegate"),
        on_delete=models.CASCADE,
        related_name="union_delegations",
    )
    starts = models.DateField(_("from"))
    ends = models.DateField(
        _("to"), null=True, blank=True, help_text=_("Leave blank while it lasts.")
    )

    scope_lookup = "branch__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("union delegate to the General Committee")
        verbose_name_plural = _("union delegates to the General Committee")
        ordering = ("branch", "-starts", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__isnull=True)
                | models.Q(ends__gte=models.F("starts")),
                name="union_delegate_ends_after_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.branch}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.branch_id and not _is_union_branch(self.branch):
            raise ValidationError({"branch": _("Choose a union branch.")})
        if self.ends and self.starts and self.ends < self.starts:
            raise ValidationError({"ends": _("The end comes before the start.")})
