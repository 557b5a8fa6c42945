"""Campaigns: local issues with targets, the teams that work them, their sessions,
and petitions."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models.appointments import Appointed
from partyhub.scoping import ScopedManager


class Measure(models.TextChoices):
    CONTACTS = "contacts", _("Contacts")
    LEAFLETS = "leaflets", _("Leaflets delivered")
    DOORS = "doors", _("Doors knocked")
    CALLS = "calls", _("Calls made")
    SIGNATURES = "signatures", _("Petition signatures")
    SURVEY_RESPONSES = "survey_responses", _("Survey responses")


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Team Bridgend co-ordinates two CLPs: a campaign may belong to several.
    constituencies = models.ManyToManyField(
        "members.Constituency",
        verbose_name=_("constituencies"),
        related_name="campaigns",
    )
    wards = models.ManyToManyField(
        "members.Ward", verbose_name=_("target wards"), blank=True, related_name="+"
    )
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts", "name"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="targets"
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    ward = models.ForeignKey(
        "members.Ward",
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for the whole campaign."),
    )
    number = models.PositiveIntegerField(_("target"))
    by = models.DateField(_("by"))

    scope_lookup = "campaign__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["by", "measure"]

    def __str__(self) -> str:
        return f"{self.number} {self.get_measure_display()} by {self.by:%d %b %Y}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # Teams cross boundaries (Team Bridgend) or travel where they are needed.
    constituencies = models.ManyToManyField(
        "members.Constituency", verbose_name=_("constituencies"), related_name="teams"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
    )
    leads = models.ManyToManyField(
        "members.Person",
        verbose_name=_("leads"),
        through="TeamLead",
        blank=True,
        related_name="+",
    )
    members = models.ManyToManyField(
        "members.Person",
        verbose_name=_("members"),
        through="TeamMembership",
        blank=True,
        related_name="campaign_teams",
    )
    area = models.TextField(_("area covered"), blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, null=True, blank=True
    )
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("minutes"), default=60)
    every_weeks = models.PositiveSmallIntegerField(_("every N weeks"), default=1)
    rota_starts = models.DateField(
        _("rota from"),
        null=True,
        blank=True,
        help_text=_("The first date of the rota; fortnightly teams count from here."),
    )
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    timezone = models.CharField(_("time zone"), max_length=40, default="Europe/London")
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_rota(self) -> bool:
        return self.weekday is not None and self.start_time is not None


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    person = models.ForeignKey("members.Person", on_delete=models.CASCADE)
    joined = models.DateTimeField(auto_now_add=True)

    # A row shows a person's details: officers see their own CLP's people only,
    # even on a team that crosses boundaries.
    scope_lookup = "person__constituency"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"], name="campaigns_team_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.team}"


class TeamLead(Appointed):
    """A team's lead, with who appointed them for which constituency: a lead sees
    the contact details of that constituency's team members only."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    person = models.ForeignKey("members.Person", on_delete=models.CASCADE)

    scope_lookup = "person__constituency"

    class Meta:
        # The table Django made for the plain many-to-many field, kept as it was.
        db_table = "campaigns_team_leads"
        unique_together = (("team", "person"),)
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return f"{self.person} leads {self.team}"


class Session(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Done")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="sessions")
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )

    scope_lookup = "team__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts"]
        constraints = [
            # Generating the rota twice must not double the sessions.
            models.UniqueConstraint(
                fields=["team", "starts"], name="campaigns_session_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} — {self.local_starts:%a %d %b %Y %H:%M}"

    @property
    def local_starts(self) -> datetime.datetime:
        return self.starts.astimezone(ZoneInfo(self.team.timezone))


class SessionSignup(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="signups"
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="+"
    )
    attended = models.BooleanField(_("came"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "person__constituency"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="campaigns_signup_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.session}"


class SessionOutput(models.Model):
    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="output"
    )
    leaflets = models.PositiveIntegerField(_("leaflets delivered"), default=0)
    doors = models.PositiveIntegerField(_("doors knocked"), default=0)
    calls = models.PositiveIntegerField(_("calls made"), default=0)
    posters = models.PositiveIntegerField(_("posters up"), default=0)
    contacts = models.PositiveIntegerField(_("contacts"), default=0)
    notes = models.TextField(_("round or streets covered"), blank=True)
    # Where the work was done, so a ward's targets count only that ward's work.
    ward = models.ForeignKey(
        "members.Ward",
        verbose_name=_("ward"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session output")

    def __str__(self) -> str:
        return f"{self.session}: {self.leaflets} leaflets, {self.doors} doors"


class Petition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        HANDED_IN = "handed_in", _("Handed in")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
    )
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    target = models.PositiveIntegerField(_("signatures wanted"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_(
            "When it stopped taking signatures. Signers who did not join are removed "
            "a set time after this (the retention schedule); left blank, the date of "
            "the last signature counts."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title


class Signature(models.Model):
    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="signatures"
    )

    class Source(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper form")

    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="petition_signatures"
    )
    source = models.CharField(
        _("how signed"), max_length=8, choices=Source.choices, default=Source.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    scope_lookup = "petition__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "person"], name="campaigns_sign_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} signed {self.petition}"
