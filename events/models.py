"""Events and bookings (issue 7): what the party organises and who is coming."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager, ScopedQuerySet


class EventQuerySet(ScopedQuerySet):
    def published(self) -> EventQuerySet:
        return self.filter(status=Event.Status.PUBLISHED)

    def upcoming(self) -> EventQuerySet:
        return self.filter(ends__gte=timezone.now())


class Event(models.Model):
    class Kind(models.TextChoices):
        SOCIAL = "social", _("Social")
        FUNDRAISER = "fundraiser", _("Fundraiser")
        MEET_REPRESENTATIVE = "meet_rep", _("Meet your MP / councillor")
        ALL_MEMBER_MEETING = "all_member", _("All-member meeting")
        BRANCH_MEETING = "branch", _("Branch meeting")
        POLICY_FORUM = "policy_forum", _("Policy forum")
        BIG_CONVERSATION = "big_conversation", _("Big Conversation consultation")
        TRAINING = "training", _("Training seminar")
        CAMPAIGN_SOCIAL = "campaign_social", _("Campaign social")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("Members")
        MEMBERS_AND_SUPPORTERS = "members_supporters", _("Members and supporters")
        PUBLIC = "public", _("Public")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    accessibility = models.TextField(_("accessibility notes"), blank=True)
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    constituencies = models.ManyToManyField(
        "members.Constituency",
        verbose_name=_("constituencies"),
        related_name="events",
    )
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.MEMBERS,
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Places including guests; empty for no limit."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    organiser = models.ForeignKey(
        "members.Person",
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events_organised",
    )
    price = models.DecimalField(
        _("price"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    concession_price = models.DecimalField(
        _("concession price"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "constituencies"
    scope_spans_many = True
    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ("starts",)
        indexes = [models.Index(fields=["status", "starts"], name="event_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")),
                name="event_ends_after_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def places_taken(self) -> int:
        """Confirmed places, guests included (callers lock the event row first)."""
        return self.bookings.filter(status=Booking.Status.YES).aggregate(
            n=Coalesce(Sum(models.F("guests") + 1), 0)
        )["n"]


class Booking(models.Model):
    class Status(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        MAYBE = "maybe", _("Maybe")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Member portal")
        LINK = "link", _("Invitation link")
        PUBLIC = "public", _("Public event page")
        OFFICER = "officer", _("Entered by an officer")

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    host = models.ForeignKey(
        "members.Person",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings_hosted",
        help_text=_("A member who looks after this person at the event."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    # An event may span CLPs; each CLP's officers see their own people's bookings.
    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ("created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="booking_one_per_person"
            )
        ]
        indexes = [models.Index(fields=["event", "status"], name="booking_status_idx")]

    def __str__(self) -> str:
        return f"{self.person} – {self.event}"

    @property
    def places(self) -> int:
        return 1 + self.guests


class Invitation(models.Model):
    """An officer invited this person to this event: their email carries a signed
    personal link to answer without logging in (supporters, community contacts)."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_invitations",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("invited"), auto_now_add=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="invitation_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.event}"


class Feedback(models.Model):
    """What an attendee thought of an event, from the link in the thank-you."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_feedback",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created = models.DateTimeField(_("given"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    scope_lookup = "person__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ("-created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="feedback_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.event}: {self.rating}"


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


# --- the academy (report 3.7, Bristol) --------------------------------------------------


class Course(models.Model):
    """A course of political education, e.g. September to June with monthly
    seminars. Attending every seminar and a portfolio marked complete by the
    political education officer make a graduate."""

    constituency = models.ForeignKey(
        "members.Constituency",
        verbose_name=_("constituency"),
        on_delete=models.CASCADE,
        related_name="courses",
    )
    title = models.CharField(_("title"), max_length=200)
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    officer = models.ForeignKey(
        "members.Person",
        verbose_name=_("course officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses_run",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    scope_lookup = "constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("academy course")
        verbose_name_plural = _("academy courses")
        ordering = ("-starts", "title")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")), name="course_ends_after"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Seminar(models.Model):
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="seminars",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="seminars",
        help_text=_("Attendance is what is ticked at this event's door."),
    )

    scope_lookup = "course__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")
        ordering = ("event__starts", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "event"], name="seminar_once_per_course"
            )
        ]

    def __str__(self) -> str:
        return str(self.event)


class Enrolment(models.Model):
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    portfolio_complete = models.BooleanField(_("portfolio complete"), default=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portfolio marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    created = models.DateTimeField(_("enrolled"), auto_now_add=True)

    scope_lookup = "course__constituency"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ("course", "person__last_name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"], name="enrolment_once_per_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.course}"
