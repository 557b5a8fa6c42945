"""Planning around events: the year's programme, community organisations
invited to a Big Conversation, and what was said there."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models.events import Event, Invitation
from partyhub.scoping import ScopedManager


class ProgrammeSlot(models.Model):
    """A planned event in the year's programme: officers plan the socials at the
    start of the year, each with an owner, and see which months have nothing."""

    class Month(models.IntegerChoices):
        JANUARY = 1, _("January")
        FEBRUARY = 2, _("February")
        MARCH = 3, _("March")
        APRIL = 4, _("April")
        MAY = 5, _("May")
        JUNE = 6, _("June")
        JULY = 7, _("July")
        AUGUST = 8, _("August")
        SEPTEMBER = 9, _("September")
        OCTOBER = 10, _("October")
        NOVEMBER = 11, _("November")
        DECEMBER = 12, _("December")

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="programme_slots",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), choices=Month.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Event.Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        "members.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme_slots",
        help_text=_("Who makes it happen."),
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme_slots",
        help_text=_("The event, once it is set up."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("programme slot")
        verbose_name_plural = _("the year's programme")
        ordering = ("year", "month", "pk")
        indexes = [
            models.Index(
                fields=["constituency", "year", "month"], name="slot_month_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="slot_month_1_12"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_month_display()} {self.year}: {self.title}"


class OrganisationInvite(models.Model):
    """A community organisation invited to a Big Conversation. Its contact is
    emailed (with their own RSVP link) only if the organisation agreed to be
    mailed; otherwise the row reminds the officer to phone or write."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="organisation_invites",
    )
    organisation = models.ForeignKey(
        "networks.CommunityOrganisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="event_invites",
    )
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("invitation emailed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("invited"), auto_now_add=True)

    scope_lookup = "organisation__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("organisation invited")
        verbose_name_plural = _("organisations invited")
        ordering = ("created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"], name="org_invite_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.event}"


class Consultation(models.Model):
    """What was said at a Big Conversation, and the report sent to those who came."""

    event = models.OneToOneField(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="consultation",
        limit_choices_to={"kind": Event.Kind.BIG_CONVERSATION},
    )
    notes = models.TextField(_("what was said"), blank=True)
    themes = models.TextField(_("themes"), blank=True, help_text=_("One theme a line."))
    report = models.TextField(
        _("report to attendees"),
        blank=True,
        help_text=_("Emailed once to everyone who came (Markdown)."),
    )
    report_sent_at = models.DateTimeField(_("report sent"), null=True, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "event__constituencies"
    scope_spans_many = True
    objects = ScopedManager()

    class Meta:
        verbose_name = _("consultation record")
        verbose_name_plural = _("consultation records")

    def __str__(self) -> str:
        return str(self.event)

    @property
    def theme_list(self) -> list[str]:
        return [t.strip() for t in self.themes.splitlines() if t.strip()]
